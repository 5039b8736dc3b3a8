//! Threads and their curators.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{thread_curators, threads, users};
use super::search;
use crate::domain::ids::{ThreadId, UserId};
use crate::domain::restriction::Lock;
use crate::domain::thread::{Stance, Status};
use crate::error::AppError;

/// A row of `threads`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = threads)]
pub struct ThreadRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub framing_question: String,
    pub status: String,
    pub stance: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub head_seq: i32,
    /// Bumped by every change to what the thread page shows (see `bump_version`).
    pub version: i64,
    pub locked_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
    pub lock_reason: String,
}

impl ThreadRow {
    /// The typed id.
    pub fn thread_id(&self) -> ThreadId {
        ThreadId(self.id)
    }

    /// The status (the column's CHECK constraint guarantees a known value).
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Active)
    }

    /// The lock in force, if any (an expired one counts as none).
    pub fn lock(&self) -> Option<Lock> {
        let in_force = self.locked_at.is_some() && self.locked_until.is_none_or(|until| until > Utc::now());
        in_force.then(|| Lock { until: self.locked_until, reason: self.lock_reason.clone() })
    }

    /// The stance (the column's CHECK constraint guarantees a known value).
    pub fn stance(&self) -> Stance {
        Stance::parse(&self.stance).unwrap_or(Stance::Contested)
    }
}

/// The editable fields of a thread, already validated.
#[derive(Debug, Clone)]
pub struct ThreadFields {
    pub title: String,
    pub framing_question: String,
    pub status: Status,
    pub stance: Stance,
}

/// How the thread index is ordered; each order has its own index and its own keyset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThreadSort {
    /// Newest activity first (`threads_updated_at_id_idx`).
    #[default]
    Activity,
    /// Newest first (`threads_created_at_id_idx`).
    Created,
    /// A to Z, ignoring case (`threads_title_id_idx` on `lower(title), id`).
    Title,
}

impl ThreadSort {
    /// Every order, as the filter form lists them.
    pub const ALL: &'static [ThreadSort] = &[ThreadSort::Activity, ThreadSort::Created, ThreadSort::Title];

    /// The value of `?sort=`.
    pub fn as_str(self) -> &'static str {
        match self {
            ThreadSort::Activity => "activity",
            ThreadSort::Created => "created",
            ThreadSort::Title => "title",
        }
    }

    /// The form's label.
    pub fn label(self) -> &'static str {
        match self {
            ThreadSort::Activity => "Recent activity",
            ThreadSort::Created => "Newest first",
            ThreadSort::Title => "Title (A–Z)",
        }
    }

    /// Parses `?sort=`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// The sort key of the last row shown: a time for the two date orders, `lower(title)` for title.
#[derive(Debug, Clone, PartialEq)]
pub enum ThreadKey {
    /// `updated_at` or `created_at`, by the order.
    Time(DateTime<Utc>),
    /// `lower(title)`, as PostgreSQL computed it.
    Title(String),
}

/// Where the next page of the thread index starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadCursor {
    pub key: ThreadKey,
    pub id: i64,
}

/// What the thread index shows: optional status and stance filters, an order and a cursor.
#[derive(Debug, Clone, Default)]
pub struct ThreadListQuery {
    pub status: Option<Status>,
    pub stance: Option<Stance>,
    pub sort: ThreadSort,
    pub after: Option<ThreadCursor>,
    /// Issue 17: only the threads that need attention at these cutoffs.
    pub needs_attention: Option<crate::domain::attention::Cutoffs>,
}

diesel::define_sql_function!(
    /// `lower(text)`, the key of the title index.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A thread by slug, or 404.
pub fn by_slug(conn: &mut PgConnection, slug: &str) -> Result<ThreadRow, AppError> {
    Ok(threads::table.filter(threads::slug.eq(slug)).select(ThreadRow::as_select()).first(conn)?)
}

/// A thread by id.
pub fn by_id(conn: &mut PgConnection, id: ThreadId) -> Result<ThreadRow, AppError> {
    Ok(threads::table.find(id.0).select(ThreadRow::as_select()).first(conn)?)
}

/// Whether a slug is taken.
pub fn slug_exists(conn: &mut PgConnection, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(threads::table.filter(threads::slug.eq(slug)))).get_result(conn)
}

/// One page of threads in `q.sort` order, filtered, seeking past `q.after` (no OFFSET), each
/// with its sort key (the title order's key is `lower(title)`, computed by PostgreSQL so the
/// cursor compares exactly as the index does).
pub fn list_page(conn: &mut PgConnection, q: &ThreadListQuery, limit: i64) -> QueryResult<Vec<(ThreadRow, ThreadKey)>> {
    let mut query = threads::table.select((ThreadRow::as_select(), lower(threads::title))).limit(limit).into_boxed();
    if let Some(status) = q.status {
        query = query.filter(threads::status.eq(status.as_str()));
    }
    if let Some(stance) = q.stance {
        query = query.filter(threads::stance.eq(stance.as_str()));
    }
    if let Some(cut) = &q.needs_attention {
        query = query.filter(super::attention::flagged(cut));
    }
    query = match q.sort {
        ThreadSort::Activity => query.order((threads::updated_at.desc(), threads::id.desc())),
        ThreadSort::Created => query.order((threads::created_at.desc(), threads::id.desc())),
        ThreadSort::Title => query.order((lower(threads::title).asc(), threads::id.asc())),
    };
    match (q.sort, q.after.as_ref()) {
        (_, None) => {}
        (ThreadSort::Activity, Some(ThreadCursor { key: ThreadKey::Time(t), id })) => {
            query = query.filter(threads::updated_at.lt(*t).or(threads::updated_at.eq(*t).and(threads::id.lt(*id))));
        }
        (ThreadSort::Created, Some(ThreadCursor { key: ThreadKey::Time(t), id })) => {
            query = query.filter(threads::created_at.lt(*t).or(threads::created_at.eq(*t).and(threads::id.lt(*id))));
        }
        (ThreadSort::Title, Some(ThreadCursor { key: ThreadKey::Title(title), id })) => {
            query = query.filter(
                lower(threads::title)
                    .gt(title.clone())
                    .or(lower(threads::title).eq(title.clone()).and(threads::id.gt(*id))),
            );
        }
        // The route decodes the cursor for the order asked for, so a mismatch cannot arrive.
        (_, Some(_)) => return Ok(Vec::new()),
    }
    let rows: Vec<(ThreadRow, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, title)| {
            let key = match q.sort {
                ThreadSort::Activity => ThreadKey::Time(row.updated_at),
                ThreadSort::Created => ThreadKey::Time(row.created_at),
                ThreadSort::Title => ThreadKey::Title(title),
            };
            (row, key)
        })
        .collect())
}

/// Creates a thread with its creator as first curator.
pub fn create(
    conn: &mut PgConnection,
    slug: &str,
    fields: &ThreadFields,
    creator: UserId,
) -> Result<ThreadRow, AppError> {
    conn.transaction(|conn| {
        let row = diesel::insert_into(threads::table)
            .values((
                threads::slug.eq(slug),
                threads::title.eq(&fields.title),
                threads::framing_question.eq(&fields.framing_question),
                threads::status.eq(fields.status.as_str()),
                threads::stance.eq(fields.stance.as_str()),
                // The first entry of the label history.
                threads::first_stance.eq(fields.stance.as_str()),
                threads::created_by.eq(creator.0),
            ))
            .returning(ThreadRow::as_returning())
            .get_result(conn)
            .map_err(|e| match AppError::from(e) {
                AppError::Invalid(_) => AppError::Invalid(format!("the slug \"{slug}\" is taken")),
                other => other,
            })?;
        add_curator(conn, row.thread_id(), creator)?;
        search::refresh(conn, row.thread_id())?;
        Ok(row)
    })
}

/// Updates title, framing question and status (and the search document); the stance changes
/// only through an approved proposal (`db::stance::set_label`).
pub fn update_fields(conn: &mut PgConnection, id: ThreadId, fields: &ThreadFields) -> QueryResult<usize> {
    let n = diesel::update(threads::table.find(id.0))
        .set((
            threads::title.eq(&fields.title),
            threads::framing_question.eq(&fields.framing_question),
            threads::status.eq(fields.status.as_str()),
            threads::updated_at.eq(diesel::dsl::now),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)?;
    search::refresh(conn, id)?;
    Ok(n)
}

/// Marks the thread as just updated (any change to its sections counts as activity) and
/// rewrites its search document: every section write ends here, after its own changes.
pub fn touch(conn: &mut PgConnection, id: ThreadId) -> QueryResult<usize> {
    let n = diesel::update(threads::table.find(id.0))
        .set((threads::updated_at.eq(diesel::dsl::now), threads::version.eq(threads::version + 1)))
        .execute(conn)?;
    search::refresh(conn, id)?;
    Ok(n)
}

/// The version of the thread at `slug`, if there is one: the one lookup a cached page view makes.
pub fn version_by_slug(conn: &mut PgConnection, slug: &str) -> QueryResult<Option<i64>> {
    threads::table.filter(threads::slug.eq(slug)).select(threads::version).first(conn).optional()
}

/// Usernames of a thread's curators, in the order they joined.
pub fn curators(conn: &mut PgConnection, id: ThreadId) -> QueryResult<Vec<String>> {
    thread_curators::table
        .inner_join(users::table)
        .filter(thread_curators::thread_id.eq(id.0))
        .order((thread_curators::added_at, users::id))
        .select(users::username)
        .load(conn)
}

/// Whether `user` curates the thread.
pub fn is_curator(conn: &mut PgConnection, thread: ThreadId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(thread_curators::table.find((thread.0, user.0)))).get_result(conn)
}

/// Whether `user` curates some thread (any one).
pub fn curates_some(conn: &mut PgConnection, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(thread_curators::table.filter(thread_curators::user_id.eq(user.0))))
        .get_result(conn)
}

/// Whether `user` curates any of `threads`.
pub fn curates_any(conn: &mut PgConnection, threads: &[ThreadId], user: UserId) -> QueryResult<bool> {
    let ids: Vec<i64> = threads.iter().map(|t| t.0).collect();
    diesel::select(diesel::dsl::exists(
        thread_curators::table
            .filter(thread_curators::user_id.eq(user.0))
            .filter(thread_curators::thread_id.eq_any(ids)),
    ))
    .get_result(conn)
}

/// Adds a curator (nothing happens if they already are one).
pub fn add_curator(conn: &mut PgConnection, thread: ThreadId, user: UserId) -> QueryResult<usize> {
    diesel::insert_into(thread_curators::table)
        .values((thread_curators::thread_id.eq(thread.0), thread_curators::user_id.eq(user.0)))
        .on_conflict_do_nothing()
        .execute(conn)
}

/// Locks a thread (`Some`) or unlocks it (`None`); the page shows the lock, so its version moves.
pub fn set_lock(conn: &mut PgConnection, id: ThreadId, lock: Option<&Lock>) -> QueryResult<usize> {
    diesel::update(threads::table.find(id.0))
        .set((
            threads::locked_at.eq(lock.map(|_| Utc::now())),
            threads::locked_until.eq(lock.and_then(|l| l.until)),
            threads::lock_reason.eq(lock.map_or("", |l| l.reason.as_str())),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
}

/// Removes a curator.
pub fn remove_curator(conn: &mut PgConnection, thread: ThreadId, user: UserId) -> QueryResult<usize> {
    diesel::delete(thread_curators::table.find((thread.0, user.0))).execute(conn)
}

/// Sets the creation and activity dates (demo data carries its real history).
pub fn set_dates(
    conn: &mut PgConnection,
    id: ThreadId,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(threads::table.find(id.0))
        .set((
            threads::created_at.eq(created_at),
            threads::updated_at.eq(updated_at),
            // The first label has held since the thread began, unless a proposal moved it since.
            threads::stance_since.eq(diesel::dsl::sql::<diesel::sql_types::Timestamptz>(
                "CASE WHEN stance = first_stance THEN ",
            )
            .bind::<diesel::sql_types::Timestamptz, _>(created_at)
            .sql(" ELSE stance_since END")),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
}

/// Locks the rows of these threads in id order, for the rest of the transaction. Every write that
/// touches several thread rows (or a thread row and its changelog) takes them this way first,
/// so concurrent writes queue instead of deadlocking.
pub fn lock_rows(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // NO KEY UPDATE: the lock an UPDATE of these rows takes anyway. FOR UPDATE would also wait
    // for the KEY SHARE locks that inserting rows which reference a thread takes, and two such
    // inserts upgrading at once would deadlock.
    diesel::sql_query("SELECT id FROM threads WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
        .execute(conn)?;
    Ok(())
}
