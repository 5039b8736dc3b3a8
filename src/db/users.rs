//! User accounts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::users;
use crate::domain::ids::UserId;
use crate::domain::restriction::Suspension;
use crate::domain::roles::Role;
use crate::error::AppError;

diesel::define_sql_function!(fn lower(x: Text) -> Text);

/// A row of `users`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspended_until: Option<DateTime<Utc>>,
    pub suspension_reason: String,
}

/// A user as the rest of the application sees one (no password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// Set while a suspension is in force (an expired one counts as none).
    pub suspension: Option<Suspension>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        let in_force = row.suspended_at.is_some() && row.suspended_until.is_none_or(|until| until > Utc::now());
        User {
            id: UserId(row.id),
            username: row.username,
            role: Role::parse(&row.role).unwrap_or(Role::Reader),
            suspension: in_force.then_some(Suspension { until: row.suspended_until, reason: row.suspension_reason }),
        }
    }
}

/// Finds a user by name, ignoring case. A name PostgreSQL cannot even compare (one with a NUL,
/// from a query string or a form) names nobody, rather than failing the request.
pub fn by_username(conn: &mut PgConnection, username: &str) -> QueryResult<Option<UserRow>> {
    if username.contains('\0') {
        return Ok(None);
    }
    users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Inserts a user; a taken name (in any case) is a validation error, not a 500.
pub fn insert(conn: &mut PgConnection, username: &str, password_hash: &str, role: Role) -> Result<User, AppError> {
    let row = diesel::insert_into(users::table)
        .values((users::username.eq(username), users::password_hash.eq(password_hash), users::role.eq(role.as_str())))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .map_err(|e| match AppError::from(e) {
            AppError::Invalid(_) => AppError::Invalid("that username is taken".to_owned()),
            other => other,
        })?;
    Ok(row.into())
}

/// Changes a user's role.
pub fn set_role(conn: &mut PgConnection, id: UserId, role: Role) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0)).set(users::role.eq(role.as_str())).execute(conn)
}

/// One user by id.
pub fn by_id(conn: &mut PgConnection, id: UserId) -> Result<User, AppError> {
    Ok(users::table.find(id.0).select(UserRow::as_select()).first(conn)?.into())
}

/// Locks the rows of the active administrators (admin role, no suspension in force) until the
/// transaction ends, in id order, and returns their ids. A role change or suspension that takes
/// this lock first sees every concurrent one committed, so "one admin remains" cannot race.
pub fn lock_active_admins(conn: &mut PgConnection) -> QueryResult<Vec<UserId>> {
    let ids: Vec<i64> = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::suspended_at.is_null().or(users::suspended_until.le(Utc::now())))
        .order(users::id)
        .select(users::id)
        .for_update()
        .load(conn)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Suspends a user (`Some`) or lifts their suspension (`None`).
pub fn set_suspension(conn: &mut PgConnection, id: UserId, suspension: Option<&Suspension>) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((
            users::suspended_at.eq(suspension.map(|_| Utc::now())),
            users::suspended_until.eq(suspension.and_then(|s| s.until)),
            users::suspension_reason.eq(suspension.map_or("", |s| s.reason.as_str())),
        ))
        .execute(conn)
}

/// Changes a user's password hash.
pub fn set_password_hash(conn: &mut PgConnection, id: UserId, password_hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0)).set(users::password_hash.eq(password_hash)).execute(conn)
}

/// Makes `username` an administrator with the given password hash: creates the account, or
/// promotes an existing one, sets its hash and ends its sessions (`agora create-admin`, through
/// `ops::create_admin`). One transaction.
pub fn make_admin(conn: &mut PgConnection, username: &str, password_hash: &str) -> Result<(), AppError> {
    conn.transaction(|conn| {
        match by_username(conn, username)? {
            Some(existing) => {
                let id = UserId(existing.id);
                set_role(conn, id, Role::Admin)?;
                set_password_hash(conn, id, password_hash)?;
                super::sessions::delete_for_user(conn, id)?;
            }
            None => {
                insert(conn, username, password_hash, Role::Admin)?;
            }
        }
        Ok(())
    })
}

/// A page of users by name, seeking past `after` (a lowercased username).
pub fn list_page(conn: &mut PgConnection, after: Option<&str>, limit: i64) -> QueryResult<Vec<User>> {
    let mut query = users::table.order(lower(users::username)).limit(limit).select(UserRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(lower(users::username).gt(after.to_lowercase()));
    }
    Ok(query.load(conn)?.into_iter().map(User::from).collect())
}
