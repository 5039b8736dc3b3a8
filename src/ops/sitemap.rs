//! `/sitemap.xml` and its parts: every thread and event with its last change, as one file while
//! the site fits the protocol's 50 000 URLs, else an index of keyset parts.

use crate::db::sitemap::{self as rows, SitemapRow};
use crate::db::{self, PgPool};
use crate::domain::sitemap::{Sitemap, SitemapKind, SitemapPart, SitemapUrl, needs_index};
use crate::error::AppError;

/// The pages listed in every sitemap (and in the first part of an index) besides threads and events.
const LISTINGS: [&str; 2] = ["/", "/events"];

fn url_of(kind: SitemapKind, row: SitemapRow) -> SitemapUrl {
    let path = match kind {
        SitemapKind::Threads => format!("/threads/{}", row.slug),
        SitemapKind::Events => format!("/events/{}", row.id),
    };
    SitemapUrl { path, lastmod: Some(row.lastmod) }
}

fn listings() -> impl Iterator<Item = SitemapUrl> {
    LISTINGS.iter().map(|p| SitemapUrl { path: (*p).to_owned(), lastmod: None })
}

/// `/sitemap.xml`: the URLs themselves, or the index of parts once they do not fit one file.
pub async fn root(pool: &PgPool) -> Result<Sitemap, AppError> {
    db::with_conn(pool, |conn| {
        let (threads, events) = rows::counts(conn)?;
        if !needs_index(LISTINGS.len(), threads.saturating_add(events)) {
            let mut urls: Vec<SitemapUrl> = listings().collect();
            for kind in SitemapKind::ALL {
                urls.extend(rows::rows_from(conn, kind, i64::MIN)?.into_iter().map(|r| url_of(kind, r)));
            }
            return Ok(Sitemap::Urls(urls));
        }
        let mut parts = vec![SitemapPart { path: "/sitemaps/pages.xml".to_owned() }];
        for kind in SitemapKind::ALL {
            parts.extend(
                rows::part_starts(conn, kind)?
                    .into_iter()
                    .map(|from| SitemapPart { path: format!("/sitemaps/{}/{from}.xml", kind.as_str()) }),
            );
        }
        Ok(Sitemap::Index(parts))
    })
    .await
}

/// `/sitemaps/pages.xml`: the listing pages, for sites whose sitemap is an index.
pub fn listing_part() -> Vec<SitemapUrl> {
    listings().collect()
}

/// `/sitemaps/{threads|events}/{from_id}.xml`: up to 50 000 URLs of `kind` from id `from` on.
pub async fn part(pool: &PgPool, kind: SitemapKind, from: i64) -> Result<Vec<SitemapUrl>, AppError> {
    let found = db::with_conn(pool, move |conn| Ok(rows::rows_from(conn, kind, from)?)).await?;
    Ok(found.into_iter().map(|r| url_of(kind, r)).collect())
}
