//! argon2id password hashing. The crate's defaults (m=19 MiB, t=2, p=1) meet OWASP's minimum.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// Hashes a password into a PHC string (salt and parameters included).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the username is unknown, so the response takes as long as
/// for a real account and timing does not reveal who has one.
pub fn verify_against_dummy(password: &str) {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash_password("not a real password, only spends time").unwrap_or_default());
    let _ = verify_password(&DUMMY, password);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_meet_the_owasp_minimum() {
        // OWASP Password Storage Cheat Sheet: argon2id with m >= 19 MiB, t >= 2, p >= 1.
        let hash = hash_password("correct horse battery staple").unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let param = |name: &str| parsed.params.get_decimal(name).unwrap();
        assert!(param("m") >= 19 * 1024, "m = {}", param("m"));
        assert!(param("t") >= 2);
        assert!(param("p") >= 1);
    }

    #[test]
    fn hashes_verify_only_the_right_password() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse battery staple"));
        assert!(!verify_password(&hash, "Correct horse battery staple"));
        assert!(!verify_password("not a hash", "anything"));
    }
}
