//! The thread page: its shared data (from the in-memory cache), the reader's own state, and the
//! page built from them. Also how a thread row and an event row become the cards lists show.
//!
//! The cache keeps the page *data* (rows with their already sanitized HTML), not the built page:
//! the page differs per viewer (edit rights, a lock that may expire between two views, the
//! reader's "since you last read"), and building it from the data only copies strings and lays
//! out the timeline — no query and no Markdown — so converting on each view stays cheap.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use diesel::PgConnection;

use super::fairness::{self, ReaderFairness};
use super::following::{self, ReaderState};
use super::{access, indexes};
use crate::auth::CurrentUser;
use crate::config::AttentionSettings;
use crate::db::citations::PageCitation;
use crate::db::{self, PgPool};
use crate::domain::citation::{self, Note, Owner, OwnerKind, Support, Target};
use crate::domain::history::Area;
use crate::domain::html::SafeHtml;
use crate::domain::roles;
use crate::domain::since::{SinceMark, SinceMarks};
use crate::domain::thread::{LinkStatus, Tier};
use crate::error::AppError;
use crate::render::format;
use crate::render::markdown::BlockNote;
use crate::render::pages::Chrome;
use crate::render::pages::threads::{
    EventItem, ItemView, LinkFlag, QuestionView, ReaderView, SinceView, SynthesisView, ThreadCard, ThreadPage,
    capitalized,
};
use crate::render::timeline::{self, Timeline};

pub use crate::db::thread_page::{ThreadPageCache, ThreadPageData};

/// The page data of `slug` (a malformed slug is a 404 without a query).
pub fn data_in(conn: &mut PgConnection, pages: &ThreadPageCache, slug: &str) -> Result<Arc<ThreadPageData>, AppError> {
    crate::domain::validate::slug(slug).map_err(|_| AppError::NotFound)?;
    pages.load(conn, slug, crate::render::timeline::MAX_REVISIONS)
}

/// The page data of `slug`, as the JSON API returns it.
pub async fn data(pool: &PgPool, pages: &ThreadPageCache, slug: String) -> Result<Arc<ThreadPageData>, AppError> {
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    let pages = pages.clone();
    db::with_conn(pool, move |c| data_in(c, &pages, &slug)).await
}

/// The shared page data, the signed-in reader's own state and their own camp and ratings.
pub type PageState = (Arc<ThreadPageData>, Option<ReaderState>, Option<ReaderFairness>);

/// The page data and, for a signed-in reader, their own state (a first visit records what they
/// see as read) and their own camp and ratings, on one connection.
pub fn page_in(
    conn: &mut PgConnection,
    pages: &ThreadPageCache,
    slug: &str,
    user: Option<&CurrentUser>,
) -> Result<PageState, AppError> {
    let ((data, reader, fairness), first_visit) = observe_page_in(conn, pages, slug, user)?;
    if let Some(first_visit) = first_visit {
        first_visit.record_in(conn)?;
    }
    Ok((data, reader, fairness))
}

/// [`page_in`] without writing: the page state, and the reader's first visit to record (on the
/// primary: the page may have been read from a replica).
fn observe_page_in(
    conn: &mut PgConnection,
    pages: &ThreadPageCache,
    slug: &str,
    user: Option<&CurrentUser>,
) -> Result<(PageState, Option<following::FirstVisit>), AppError> {
    let data = data_in(conn, pages, slug)?;
    let (reader, first_visit) = match user {
        Some(u) => {
            let (state, first_visit) = following::observe_reader(conn, u, &data)?;
            (Some(state), first_visit)
        }
        None => (None, None),
    };
    let fairness = user.map(|u| fairness::reader_in(conn, u, &data)).transpose()?.flatten();
    Ok(((data, reader, fairness), first_visit))
}

/// `/threads/{slug}` for `user` (anonymous when `None`); `attention` decides its "needs
/// attention" badge at the time of the view.
pub async fn page(
    pool: &PgPool,
    pages: &ThreadPageCache,
    chrome: Chrome,
    user: Option<&CurrentUser>,
    slug: String,
    attention: &AttentionSettings,
) -> Result<ThreadPage, AppError> {
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    let (pages, reader) = (pages.clone(), user.cloned());
    let ((data, state, mine), first_visit) =
        db::with_conn(pool, move |c| observe_page_in(c, &pages, &slug, reader.as_ref())).await?;
    if let Some(first_visit) = first_visit {
        first_visit.record(pool).await?;
    }
    let can_edit = access::may_edit(user, &data.curators, data.thread.lock().is_some());
    let can_moderate = user.is_some_and(|u| roles::can_moderate(u.role));
    let mut page = build(chrome, &data, can_edit, can_moderate);
    page.attention = super::attention::badge_of_page(&data, attention, chrono::Utc::now());
    if let Some(mine) = &mine {
        fairness::with_reader(&mut page.fairness, &data, mine);
    }
    Ok(match state {
        Some(state) => with_reader(page, &data, state),
        None => page,
    })
}

impl From<&indexes::ThreadRow> for ThreadCard {
    fn from(t: &indexes::ThreadRow) -> Self {
        ThreadCard {
            slug: t.slug.clone(),
            title: t.title.clone(),
            framing_question: t.framing_question.clone(),
            status: t.status().as_str(),
            status_label: t.status().label(),
            stance: t.stance().as_str(),
            stance_label: t.stance().label(),
            updated: format::day(t.updated_at),
            updated_iso: format::iso_timestamp(t.updated_at),
            needs_attention: false,
        }
    }
}

impl From<&indexes::EventRow> for EventItem {
    fn from(e: &indexes::EventRow) -> Self {
        EventItem {
            id: e.id,
            title: e.title.clone(),
            significance: e.significance().as_str(),
            significance_label: e.significance().label(),
            date: format::event_date(e.occurred_on),
            date_iso: e.occurred_on.to_string(),
            since_mark: None,
        }
    }
}

/// Builds the page from the loaded data (no Markdown here: bodies were rendered at save). Public
/// so the thread page benchmark times exactly what a view does.
pub fn build(chrome: Chrome, data: &ThreadPageData, can_edit: bool, can_moderate: bool) -> ThreadPage {
    let t = &data.thread;
    let card = ThreadCard::from(t);
    let evidence = Evidence::of(data);
    let item = |kind: OwnerKind, id: i64, heading: String, html: &str, proponents: Vec<String>| ItemView {
        id,
        heading,
        html: SafeHtml::from_stored(html.to_owned()),
        proponents,
        support_note: (kind == OwnerKind::Interpretation).then(|| evidence.item_support(kind, id).note()).flatten(),
        link_flags: Evidence::flags(evidence.owned_by(Owner { kind, id })),
        since_mark: None,
    };
    ThreadPage {
        chrome,
        slug: card.slug,
        title: card.title,
        framing_question: card.framing_question,
        status: card.status,
        status_label: card.status_label,
        stance: card.stance,
        stance_label: card.stance_label,
        curators: data.curators.clone(),
        since: format::month_year(t.created_at),
        since_iso: format::iso_timestamp(t.created_at),
        updated: card.updated,
        updated_iso: card.updated_iso,
        synthesis: data.synthesis.as_ref().map(|r| SynthesisView {
            seq: r.meta.seq,
            author: r.author.clone(),
            updated: format::day(r.meta.created_at),
            updated_iso: format::iso_timestamp(r.meta.created_at),
            html: evidence.synthesis_html(data, None),
            link_flags: Evidence::flags(evidence.by_paragraph.values().flatten().copied()),
            unsupported: evidence.unsupported_paragraphs(data),
        }),
        arc: data
            .arc
            .iter()
            .map(|p| item(OwnerKind::Arc, p.id, format!("{}: {}", p.label, p.title), &p.body_html, Vec::new()))
            .collect(),
        interpretations: data
            .interpretations
            .iter()
            .map(|i| {
                item(OwnerKind::Interpretation, i.row.id, i.row.title.clone(), &i.row.body_html, i.proponents.clone())
            })
            .collect(),
        questions: questions(data, &evidence, false),
        answered: questions(data, &evidence, true),
        events: data.events.iter().map(EventItem::from).collect(),
        controversies: data
            .controversies
            .iter()
            .map(|c| item(OwnerKind::Controversy, c.id, c.title.clone(), &c.body_html, Vec::new()))
            .collect(),
        can_edit,
        // Decided per view, not cached: a lock can expire between two views.
        locked: t.lock().map(|l| capitalized(&l.describe())),
        can_moderate,
        reader: None,
        timeline: timeline_of(data),
        matrix_summary: super::matrix::summary_view(&t.slug, &data.matrix_summary, !data.events.is_empty()),
        // Time-dependent: `page` decides it per view.
        attention: None,
        fairness: super::fairness::view(data),
        label: super::stance::label_line(&t.slug, t.stance(), &data.label_state),
    }
}

/// Adds the signed-in reader's state; paragraphs changed since their last visit are marked in
/// the synthesis, and events, questions and section items with a badge.
fn with_reader(mut page: ThreadPage, data: &ThreadPageData, state: ReaderState) -> ThreadPage {
    let since = state.since.map(|since| {
        mark_items(&mut page, &since.marks);
        let marked = since.changed_paragraphs.is_some();
        if let (Some(view), Some(changed)) = (page.synthesis.as_mut(), since.changed_paragraphs.as_deref()) {
            view.html = Evidence::of(data).synthesis_html(data, Some(changed));
        }
        let at_least = if since.at_least { "At least: " } else { "" };
        SinceView {
            read_on: format::day(since.read_at),
            read_iso: format::iso_timestamp(since.read_at),
            summary: format!("{at_least}{}", capitalized(&since.summary)),
            diff_href: since.diff.map(|(from, to)| format!("/threads/{}/diff?from={from}&to={to}", page.slug)),
            marked,
        }
    });
    page.reader = Some(ReaderView { following: state.following, since });
    page
}

/// Puts each changed item's badge on it (one lookup per item shown: no query).
fn mark_items(page: &mut ThreadPage, marks: &SinceMarks) {
    let label = |area: Area, id: i64| marks.get(area, id).map(SinceMark::label);
    for (area, items) in [
        (Area::Arc, &mut page.arc),
        (Area::Interpretation, &mut page.interpretations),
        (Area::Controversy, &mut page.controversies),
    ] {
        for item in items.iter_mut() {
            item.since_mark = label(area, item.id);
        }
    }
    for q in page.questions.iter_mut().chain(page.answered.iter_mut()) {
        q.since_mark = label(Area::Question, q.id);
    }
    for e in &mut page.events {
        e.since_mark = label(Area::Event, e.id);
    }
}

/// The timeline of the thread's periods, events and synthesis revisions.
fn timeline_of(data: &ThreadPageData) -> Option<Timeline> {
    let periods: Vec<timeline::TimelinePeriod> = data
        .arc
        .iter()
        .map(|p| timeline::TimelinePeriod { id: p.id, label: p.label.clone(), title: p.title.clone() })
        .collect();
    let events: Vec<timeline::TimelineEvent> = data
        .events
        .iter()
        .map(|e| timeline::TimelineEvent {
            id: e.id,
            date: e.occurred_on,
            title: e.title.clone(),
            significance: e.significance(),
        })
        .collect();
    let revisions: Vec<timeline::TimelineRevision> = data
        .revision_dates
        .iter()
        .map(|r| timeline::TimelineRevision {
            seq: r.seq,
            date: r.created_at.date_naive(),
            minor: r.minor,
            change_id: r.change_id,
        })
        .collect();
    let mut picture = timeline::build(&periods, &events, &revisions)?;
    // Only the newest revisions were loaded; seqs count every revision, so the rest are older.
    let total = usize::try_from(data.thread.head_seq).unwrap_or(0);
    picture.revisions_omitted = total.saturating_sub(revisions.len()).max(picture.revisions_omitted);
    Some(picture)
}

fn questions(data: &ThreadPageData, evidence: &Evidence<'_>, answered: bool) -> Vec<QuestionView> {
    data.questions
        .iter()
        .filter(|q| q.answered_at.is_some() == answered)
        .map(|q| QuestionView {
            id: q.id,
            text: q.question.clone(),
            html: SafeHtml::from_stored(q.question_html.clone()),
            link_flags: Evidence::flags(evidence.owned_by(Owner { kind: OwnerKind::Question, id: q.id })),
            answer: q.answer.clone(),
            since_mark: None,
        })
        .collect()
}

/// What the page marks about the citations of the thread's current texts (loaded with the
/// page data: no query here).
struct Evidence<'a> {
    /// The synthesis's citations by paragraph, and every text's by owner: built once a view, so
    /// marking blocks and items stays linear however many citations a text has.
    by_paragraph: BTreeMap<i32, Vec<&'a PageCitation>>,
    by_owner: HashMap<Owner, Vec<&'a PageCitation>>,
}

impl<'a> Evidence<'a> {
    fn of(data: &'a ThreadPageData) -> Self {
        let mut by_paragraph: BTreeMap<i32, Vec<&PageCitation>> = BTreeMap::new();
        let mut by_owner: HashMap<Owner, Vec<&PageCitation>> = HashMap::new();
        for c in &data.citations {
            if c.owner.kind == OwnerKind::Revision {
                by_paragraph.entry(c.paragraph).or_default().push(c);
            }
            by_owner.entry(c.owner).or_default().push(c);
        }
        Evidence { by_paragraph, by_owner }
    }

    /// The synthesis's citations in paragraphs `first..=last`.
    fn synthesis_cites(&self, first: i32, last: i32) -> impl Iterator<Item = &'a PageCitation> + '_ {
        // A block map's pairs run first to last; `max` only keeps `range` from panicking on a
        // malformed one.
        self.by_paragraph.range(first..=last.max(first)).flat_map(|(_, cites)| cites.iter().copied())
    }

    /// The tiers cited in paragraphs `first..=last` of the synthesis.
    fn tiers_in(&self, first: i32, last: i32) -> Vec<Option<Tier>> {
        self.synthesis_cites(first, last).map(|c| c.tier).collect()
    }

    /// How an item is supported by all it cites.
    fn item_support(&self, kind: OwnerKind, id: i64) -> Support {
        let tiers: Vec<Option<Tier>> = self.owned_by(Owner { kind, id }).map(|c| c.tier).collect();
        citation::support(&tiers)
    }

    /// The citations of one text.
    fn owned_by(&self, owner: Owner) -> impl Iterator<Item = &'a PageCitation> + '_ {
        self.by_owner.get(&owner).into_iter().flat_map(|cites| cites.iter().copied())
    }

    /// The flagged sources among `cites`, once each.
    fn flags(cites: impl Iterator<Item = &'a PageCitation>) -> Vec<LinkFlag> {
        let mut out: Vec<LinkFlag> = Vec::new();
        for c in cites {
            let (Target::Source(id), Some(status)) = (c.target, c.link_status) else { continue };
            let href = format!("/sources/{id}");
            if status.is_flagged() && !out.iter().any(|f| f.href == href) {
                out.push(LinkFlag { title: c.title.clone(), status: status.label(), href });
            }
        }
        out
    }

    /// Claim paragraphs of the synthesis with no citation or only opinion.
    fn unsupported_paragraphs(&self, data: &ThreadPageData) -> usize {
        data.synthesis_marks
            .1
            .iter()
            .filter(|&&p| citation::support(&self.tiers_in(p, p)) != Support::Supported)
            .count()
    }

    /// The synthesis with paragraph anchors, support markers and link flags on its blocks, and
    /// the paragraphs `changed` since the reader's last visit marked.
    fn synthesis_html(&self, data: &ThreadPageData, changed: Option<&[bool]>) -> SafeHtml {
        let Some(head) = &data.synthesis else { return SafeHtml::from_stored(String::new()) };
        let (map, claims) = &data.synthesis_marks;
        let claims: HashSet<i32> = claims.iter().copied().collect();
        head.body_html.annotated(map, |first, last| {
            let range = usize::try_from(first).ok().zip(usize::try_from(last).ok());
            let mut notes = Vec::new();
            if claims.contains(&first) {
                notes.extend(citation::support(&self.tiers_in(first, last)).note());
            }
            let statuses = self.synthesis_cites(first, last).filter_map(|c| c.link_status.filter(|s| s.is_flagged()));
            for status in statuses {
                let note = if status == LinkStatus::Dead { Note::DEAD_LINK } else { Note::REDIRECTED_LINK };
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            BlockNote {
                anchor: (first >= 0).then_some(first + 1),
                changed: range
                    .is_some_and(|(f, l)| changed.and_then(|c| c.get(f..=l)).is_some_and(|r| r.contains(&true))),
                notes,
            }
        })
    }
}
