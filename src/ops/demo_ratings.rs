//! Synthetic readers for the demo thread (issue 17 item 13): thirty accounts split into camps
//! over its interpretations, with ratings such that, once fitted, one interpretation is fair
//! across camps (both large camps say yes) and the others are not (only their own camp says
//! yes). Deterministic: the same readers, camps and answers every time; loaded once.

use anyhow::Context;
use diesel::{Connection, PgConnection};

use crate::auth::{password, session};
use crate::db::fairness as store;
use crate::db::{sections, threads, users};
use crate::domain::fairness::{Fairness, ItemKind};
use crate::domain::ids::UserId;
use crate::domain::roles::Role;

/// Synthetic readers: `reader01` … `reader30`.
pub const READERS: usize = 30;

/// The camp of reader `n` (1-based): twelve hold the first interpretation, twelve the second,
/// three the third, three none of these (as indexes into the thread's interpretations).
fn camp_of(n: usize) -> Option<usize> {
    match n {
        1..=12 => Some(0),
        13..=24 => Some(1),
        25..=27 => Some(2),
        _ => None,
    }
}

/// What reader `n` answers for interpretation `item` (index) and for the synthesis (`None`).
/// The third interpretation bridges: everyone says yes. The first two are one-sided: only their
/// own camp says yes. The synthesis: "somewhat" from the two large camps, yes from the rest,
/// with a few dissenters so the figures are not uniform.
fn answer(n: usize, item: Option<usize>) -> Fairness {
    match (item, camp_of(n)) {
        (Some(2), _) => Fairness::Yes,
        (Some(i), Some(c)) if i == c => Fairness::Yes,
        (Some(_), _) => Fairness::No,
        (None, Some(0 | 1)) if n.is_multiple_of(5) => Fairness::No,
        (None, Some(0 | 1)) => Fairness::Somewhat,
        (None, _) => Fairness::Yes,
    }
}

/// Loads the synthetic readers and their ratings of the thread at `slug`, unless `reader01`
/// exists or the thread has fewer than three interpretations. Returns whether it loaded them.
pub fn seed_if_absent(conn: &mut PgConnection, slug: &str) -> anyhow::Result<bool> {
    conn.transaction(|conn| -> anyhow::Result<bool> {
        if users::by_username(conn, "reader01")?.is_some() {
            return Ok(false);
        }
        let Ok(thread) = threads::by_slug(conn, slug) else { return Ok(false) };
        let id = thread.thread_id();
        let readings = sections::interpretation::list(conn, id)?;
        if readings.len() < 3 {
            return Ok(false);
        }
        let (substantive, _) = store::synthesis_versions(conn, id)?;
        let substantive = substantive.context("the demo synthesis has a substantive revision")?;
        // One unusable password for all: they cannot log in (one hash: argon2 is slow on purpose).
        let hash = password::hash_password(&session::new_token())?;
        for n in 1..=READERS {
            let user = users::insert(conn, &format!("reader{n:02}"), &hash, Role::Reader)
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .id;
            backdate(conn, user, n)?;
            store::set_camp(conn, user, id, camp_of(n).map(|c| readings[c].id))?;
            store::upsert_rating(
                conn,
                user,
                id,
                ItemKind::Synthesis,
                thread.id,
                substantive,
                answer(n, None).stored(),
            )?;
            for (i, reading) in readings.iter().take(3).enumerate() {
                let value = answer(n, Some(i)).stored();
                store::upsert_rating(conn, user, id, ItemKind::Interpretation, reading.id, reading.version, value)?;
            }
        }
        Ok(true)
    })
}

/// Dates reader `n`'s account a few months back (demo readers are not brand-new accounts).
fn backdate(conn: &mut PgConnection, user: UserId, n: usize) -> anyhow::Result<()> {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Integer};
    diesel::sql_query("UPDATE users SET created_at = now() - make_interval(days => $2) WHERE id = $1")
        .bind::<BigInt, _>(user.0)
        .bind::<Integer, _>(i32::try_from(60 + 3 * n).unwrap_or(60))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_third_interpretation_bridges_and_the_first_two_are_one_sided() {
        let yes = |item: usize, camp: usize| {
            (1..=READERS).filter(|&n| camp_of(n) == Some(camp) && answer(n, Some(item)) == Fairness::Yes).count()
        };
        assert_eq!((yes(2, 0), yes(2, 1)), (12, 12), "both large camps say the third is fair");
        assert_eq!((yes(0, 0), yes(0, 1)), (12, 0), "only its own camp says the first is fair");
        assert_eq!((yes(1, 0), yes(1, 1)), (0, 12), "only its own camp says the second is fair");
    }
}
