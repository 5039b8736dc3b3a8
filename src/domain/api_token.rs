//! Personal API tokens: what a token may do (its scope), what its name may be, and how a token
//! looks (a fixed marker, so secret scanners and people recognise one, then 256 random bits).

/// What a token lets its holder do with the owner's account through `/api/v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Safe methods only (GET, HEAD): whatever the owner may read.
    Read,
    /// Whatever the owner may do through the API.
    Write,
}

impl Scope {
    /// Both scopes, for forms and tests.
    pub const ALL: [Scope; 2] = [Scope::Read, Scope::Write];

    /// The stored and typed form.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }

    /// The scope a form or JSON body names.
    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    /// Whether the scope allows a request with this method: a read token only safe ones.
    pub fn allows(self, safe_method: bool) -> bool {
        self == Scope::Write || safe_method
    }

    /// The choice in the creation form.
    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => "Read: look, never change",
            Scope::Write => "Write: everything your account may do through the API",
        }
    }
}

/// The marker every token starts with.
pub const MARKER: &str = "agora_";
/// How many characters of a token lists show: the marker and 8 hex digits (32 of its 256 bits).
pub const PREFIX_LEN: usize = MARKER.len() + 8;
/// The longest name.
pub const NAME_MAX_CHARS: usize = 100;
/// How many live tokens one account may hold: a bound on the list (and its page), not a quota
/// anyone should meet.
pub const MAX_LIVE_PER_USER: i64 = 500;

/// A token made of `secret` (64 hex digits of randomness).
pub fn token_from_secret(secret: &str) -> String {
    format!("{MARKER}{secret}")
}

/// The part of a token lists show.
pub fn prefix_of(token: &str) -> String {
    token.chars().take(PREFIX_LEN).collect()
}

/// Whether a presented value has a token's shape (checked before any database lookup).
pub fn looks_like_token(value: &str) -> bool {
    value.strip_prefix(MARKER).is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A token's name, trimmed: 1 to `NAME_MAX_CHARS` characters, one line, no control characters.
pub fn validate_name(name: &str) -> Result<String, String> {
    let name = super::validate::required("the token's name", name, NAME_MAX_CHARS)?;
    if name.contains('\n') {
        return Err("a token's name is one line".to_owned());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_and_a_read_token_allows_only_safe_methods() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("admin"), None);
        assert!(Scope::Read.allows(true));
        assert!(!Scope::Read.allows(false));
        assert!(Scope::Write.allows(false));
    }

    #[test]
    fn tokens_have_a_marker_a_short_prefix_and_a_checked_shape() {
        let token = token_from_secret(&"ab".repeat(32));
        assert!(looks_like_token(&token));
        assert_eq!(prefix_of(&token), "agora_abababab");
        assert!(!looks_like_token(&"ab".repeat(32)));
        assert!(!looks_like_token("agora_xyz"));
        assert!(!looks_like_token(&format!("{token}0")));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  laptop  ").unwrap(), "laptop");
        assert!(validate_name("   ").is_err());
        assert!(validate_name(&"x".repeat(101)).is_err());
        assert!(validate_name("a\u{7}b").is_err());
        assert!(validate_name("a\nb").is_err());
        assert_eq!(validate_name("a\tb").unwrap(), "a\tb");
        assert!(validate_name(&"é".repeat(100)).is_ok());
    }
}
