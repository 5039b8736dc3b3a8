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

    /// "a curator", "an admin": for messages.
    pub fn with_article(self) -> &'static str {
        match self {
            Role::Reader => "a reader",
            Role::Curator => "a curator",
            Role::Moderator => "a moderator",
            Role::Admin => "an admin",
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

/// Events are shared across threads, so any curator may record one.
pub fn can_edit_events(role: Role) -> bool {
    role >= Role::Curator
}

/// Who may change an existing event (its fields or its links): moderators and admins any; a
/// curator one that belongs to a thread they curate, or one that belongs to no thread yet. The
/// locks of its threads apply on top (`can_edit_locked_thread`), checked for every one of them.
pub fn can_edit_event(role: Role, linked_threads: usize, curates_a_linked_thread: bool) -> bool {
    role >= Role::Moderator || (role >= Role::Curator && (linked_threads == 0 || curates_a_linked_thread))
}

/// Sources are shared across threads like events: whoever curates some thread (and moderators
/// and admins) records and corrects them; a curator by role who curates no thread yet does not.
pub fn can_edit_sources(role: Role, curates_any_thread: bool) -> bool {
    role >= Role::Moderator || (role >= Role::Curator && curates_any_thread)
}

/// Previews cost the server a render, so they are for people who can edit something: curators
/// (their threads, any event, a new thread), moderators and admins.
pub fn can_preview(role: Role) -> bool {
    role >= Role::Curator
}

/// Moderators and admins open the user list, suspend, and set roles below their own.
pub fn can_manage_users(role: Role) -> bool {
    role >= Role::Moderator
}

/// Moderators and admins patrol, hide, lock, roll back and read the moderation log.
pub fn can_moderate(role: Role) -> bool {
    role >= Role::Moderator
}

/// Moderators and admins see what other moderators hid.
pub fn can_see_hidden(role: Role) -> bool {
    role >= Role::Moderator
}

/// Whether `actor` may give a user who has `current` the role `new`: admins any, moderators only
/// reader or curator to users below them. (`ops::users` also stops admins demoting themselves.)
pub fn can_set_role(actor: Role, current: Role, new: Role) -> bool {
    match actor {
        Role::Admin => true,
        Role::Moderator => current < Role::Moderator && new < Role::Moderator,
        _ => false,
    }
}

/// Whether `actor` may suspend (or lift the suspension of) a user with role `target`: only
/// someone above them, so moderators cannot silence each other and nobody silences an admin
/// but another admin.
pub fn can_suspend(actor: Role, target: Role) -> bool {
    can_manage_users(actor) && (actor > target || actor == Role::Admin)
}

/// Whether taking one user out of the active administrators (there are `active_admins`;
/// `target_is_one` says whether the user is one of them) still leaves at least one.
pub fn leaves_an_admin(active_admins: usize, target_is_one: bool) -> bool {
    !target_is_one || active_admins > 1
}

/// While a thread is locked only moderators and admins change it.
pub fn can_edit_locked_thread(role: Role) -> bool {
    role >= Role::Moderator
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
    fn sources_are_for_curators_of_some_thread_and_moderators() {
        assert!(!can_edit_sources(Role::Reader, true));
        assert!(!can_edit_sources(Role::Curator, false));
        assert!(can_edit_sources(Role::Curator, true));
        assert!(can_edit_sources(Role::Moderator, false));
        assert!(can_edit_sources(Role::Admin, false));
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
    fn moderators_manage_only_users_below_them() {
        assert!(can_set_role(Role::Moderator, Role::Reader, Role::Curator));
        assert!(!can_set_role(Role::Moderator, Role::Reader, Role::Moderator));
        assert!(!can_set_role(Role::Moderator, Role::Moderator, Role::Reader));
        assert!(can_set_role(Role::Admin, Role::Moderator, Role::Admin));
        assert!(!can_set_role(Role::Curator, Role::Reader, Role::Curator));
        assert!(can_suspend(Role::Moderator, Role::Curator));
        assert!(!can_suspend(Role::Moderator, Role::Moderator));
        assert!(can_suspend(Role::Admin, Role::Admin));
        assert!(!can_suspend(Role::Curator, Role::Reader));
    }

    #[test]
    fn events_are_edited_by_curators_of_their_threads_and_moderators() {
        assert!(can_edit_event(Role::Curator, 2, true), "a curator of one of its threads");
        assert!(!can_edit_event(Role::Curator, 1, false), "a curator of another thread");
        assert!(can_edit_event(Role::Curator, 0, false), "an event on no thread: any curator");
        assert!(!can_edit_event(Role::Reader, 0, false));
        assert!(!can_edit_event(Role::Reader, 1, true), "a demoted curator");
        assert!(can_edit_event(Role::Moderator, 3, false));
        assert!(can_edit_event(Role::Admin, 1, false));
    }

    #[test]
    fn the_last_active_admin_stays() {
        assert!(!leaves_an_admin(1, true));
        assert!(leaves_an_admin(2, true));
        assert!(leaves_an_admin(1, false));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
