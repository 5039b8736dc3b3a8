//! Roles and the permission checks every write goes through.

use serde::{Deserialize, Serialize};

/// A user's role, in increasing order of power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Curator,
    Moderator,
    Admin,
}

impl Role {
    /// Every role, weakest first.
    pub const ALL: [Role; 4] = [Role::Reader, Role::Curator, Role::Moderator, Role::Admin];

    /// The name stored in the database and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Curator => "curator",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Who is acting, as far as permission checks care.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub role: Role,
    /// Whether the actor is one of this thread's curators.
    pub curates_thread: bool,
}

/// Curators (and above) start threads.
pub fn can_create_thread(role: Role) -> bool {
    role >= Role::Curator
}

/// A thread's own curators edit it; moderators and admins edit any thread (to revert vandalism).
pub fn can_edit_thread(actor: Actor) -> bool {
    actor.role >= Role::Moderator || (actor.role >= Role::Curator && actor.curates_thread)
}

/// Events are shared across threads, so any curator may record or correct one.
pub fn can_edit_events(role: Role) -> bool {
    role >= Role::Curator
}

/// Only admins hand out roles.
pub fn can_manage_users(role: Role) -> bool {
    role >= Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, curates_thread: bool) -> Actor {
        Actor { role, curates_thread }
    }

    #[test]
    fn readers_never_edit() {
        assert!(!can_edit_thread(actor(Role::Reader, true)));
        assert!(!can_create_thread(Role::Reader));
        assert!(!can_edit_events(Role::Reader));
    }

    #[test]
    fn curators_edit_only_threads_they_curate() {
        assert!(can_edit_thread(actor(Role::Curator, true)));
        assert!(!can_edit_thread(actor(Role::Curator, false)));
    }

    #[test]
    fn moderators_edit_any_thread() {
        assert!(can_edit_thread(actor(Role::Moderator, false)));
        assert!(can_edit_thread(actor(Role::Admin, false)));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
