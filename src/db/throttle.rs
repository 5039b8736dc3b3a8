//! Throttle counters, shared by every app instance through PostgreSQL (table `login_failures`,
//! which counts attempts of every throttled kind: logins, sign-ups, previews).
//!
//! An attempt is counted *before* the work it guards (argon2, rendering) runs, by one
//! `INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING` per key: the row lock makes concurrent
//! attempts queue, and an attempt over the limit updates nothing and gets no row back. All the
//! keys of one attempt are counted in one transaction, all or none, so a refusal by one key does
//! not use up another's allowance.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

/// How one key limits attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// At most `limit` attempts in a fixed window of `window_secs` from the first one.
    Window { limit: i32, window_secs: i32 },
    /// `free` attempts, then each further one must wait 2^(n - free) seconds after the previous
    /// one (n attempts so far), at most `cap_secs`; a key left alone for `memory_secs` starts over.
    /// This slows guessing without ever locking the owner out for long.
    Backoff { free: i32, cap_secs: i32, memory_secs: i32 },
}

/// One counter and its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub rule: Rule,
}

/// What a success does to a key's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Forget the key (the account and the address-and-account pair after a good password).
    Forget,
    /// Take back this attempt (an address's count across accounts: good logins do not use it up).
    Undo,
}

/// The longest exponent of a back-off, so that 2^n stays a small number whatever the count.
const MAX_EXPONENT: i32 = 20;

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Integer)]
    #[expect(dead_code, reason = "only whether a row came back matters")]
    failures: i32,
}

#[derive(QueryableByName)]
struct Wait {
    #[diesel(sql_type = BigInt)]
    secs: i64,
}

/// Counts one attempt against every key, all or none. `Ok(None)`: go ahead; `Ok(Some(secs))`:
/// refused (nothing counted), try again in `secs` seconds.
pub fn take(conn: &mut PgConnection, keys: &[Key]) -> QueryResult<Option<i64>> {
    let outcome = conn.transaction(|c| {
        for key in keys {
            if !count(c, key)? {
                return Err(Stop::Refused(wait_secs(c, key)?));
            }
        }
        Ok(())
    });
    match outcome {
        Ok(()) => Ok(None),
        Err(Stop::Refused(wait)) => Ok(Some(wait.max(1))),
        Err(Stop::Failed(err)) => Err(err),
    }
}

/// Why the counting transaction rolled back.
enum Stop {
    Refused(i64),
    Failed(diesel::result::Error),
}

impl From<diesel::result::Error> for Stop {
    fn from(err: diesel::result::Error) -> Self {
        Stop::Failed(err)
    }
}

/// One statement: counts the attempt if the key allows it; `false` when it does not.
fn count(c: &mut PgConnection, key: &Key) -> QueryResult<bool> {
    let rows: Vec<Counted> = match key.rule {
        Rule::Window { limit, window_secs } => diesel::sql_query(
            "INSERT INTO login_failures (throttle_key, failures, window_start, last_at) VALUES ($1, 1, now(), now())
             ON CONFLICT (throttle_key) DO UPDATE SET
               failures = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                               THEN login_failures.failures + 1 ELSE 1 END,
               window_start = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                                   THEN login_failures.window_start ELSE now() END,
               last_at = now()
             WHERE login_failures.failures < $3
                OR login_failures.window_start <= now() - make_interval(secs => $2)
             RETURNING failures",
        )
        .bind::<Text, _>(&key.key)
        .bind::<Integer, _>(window_secs)
        .bind::<Integer, _>(limit)
        .load(c)?,
        Rule::Backoff { free, cap_secs, memory_secs } => diesel::sql_query(
            "INSERT INTO login_failures (throttle_key, failures, window_start, last_at) VALUES ($1, 1, now(), now())
             ON CONFLICT (throttle_key) DO UPDATE SET
               failures = CASE WHEN login_failures.last_at > now() - make_interval(secs => $2)
                               THEN login_failures.failures + 1 ELSE 1 END,
               window_start = CASE WHEN login_failures.last_at > now() - make_interval(secs => $2)
                                   THEN login_failures.window_start ELSE now() END,
               last_at = now()
             WHERE login_failures.failures < $3
                OR login_failures.last_at <= now() - make_interval(secs =>
                     LEAST($4, power(2, LEAST(login_failures.failures - $3, $5))))
                OR login_failures.last_at <= now() - make_interval(secs => $2)
             RETURNING failures",
        )
        .bind::<Text, _>(&key.key)
        .bind::<Integer, _>(memory_secs)
        .bind::<Integer, _>(free)
        .bind::<Integer, _>(cap_secs)
        .bind::<Integer, _>(MAX_EXPONENT)
        .load(c)?,
    };
    Ok(!rows.is_empty())
}

/// Seconds until `key` takes an attempt again (its row exists: it just refused one).
fn wait_secs(c: &mut PgConnection, key: &Key) -> QueryResult<i64> {
    let wait: Wait = match key.rule {
        Rule::Window { window_secs, .. } => diesel::sql_query(
            "SELECT ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int8 AS secs
             FROM login_failures WHERE throttle_key = $1",
        )
        .bind::<Text, _>(&key.key)
        .bind::<Integer, _>(window_secs)
        .get_result(c)?,
        Rule::Backoff { free, cap_secs, .. } => diesel::sql_query(
            "SELECT ceil(extract(epoch FROM last_at + make_interval(secs =>
                      LEAST($3, power(2, LEAST(failures - $2, $4)))) - now()))::int8 AS secs
             FROM login_failures WHERE throttle_key = $1",
        )
        .bind::<Text, _>(&key.key)
        .bind::<Integer, _>(free)
        .bind::<Integer, _>(cap_secs)
        .bind::<Integer, _>(MAX_EXPONENT)
        .get_result(c)?,
    };
    Ok(wait.secs)
}

/// After a success: forgets or takes back the attempt on each key.
pub fn release(conn: &mut PgConnection, keys: &[(Key, Release)]) -> QueryResult<()> {
    for (key, release) in keys {
        match release {
            Release::Forget => {
                diesel::sql_query("DELETE FROM login_failures WHERE throttle_key = $1")
                    .bind::<Text, _>(&key.key)
                    .execute(conn)?;
            }
            Release::Undo => {
                diesel::sql_query(
                    "UPDATE login_failures SET failures = failures - 1 WHERE throttle_key = $1 AND failures > 0",
                )
                .bind::<Text, _>(&key.key)
                .execute(conn)?;
            }
        }
    }
    Ok(())
}
