//! Session and CSRF tokens and the cookies that carry them.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::domain::flash::Flash;

/// The session cookie.
pub const SESSION_COOKIE: &str = "agora_session";
/// The CSRF cookie of visitors who are not logged in (logged-in users' token lives in the session row).
pub const CSRF_COOKIE: &str = "agora_csrf";
/// The confirmation to show on the next page (a [`Flash`] key only).
pub const FLASH_COOKIE: &str = "agora_flash";
/// Long enough to survive the redirect, short enough that a lost one does not reappear later.
const FLASH_SECONDS: i64 = 60;
/// How long a session lasts.
pub const SESSION_DAYS: i64 = 30;

/// 256 random bits, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the sessions table stores instead of the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// An HttpOnly, SameSite=Lax cookie for the whole site.
pub fn cookie(name: &'static str, value: String, secure: bool, max_age_days: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(CookieDuration::days(max_age_days))
        .finish()
}

/// The cookie that carries `flash` to the page a redirect leads to.
pub fn flash_cookie(flash: Flash, secure: bool) -> Cookie<'static> {
    let mut c = cookie(FLASH_COOKIE, flash.key().to_owned(), secure, 0);
    c.set_max_age(CookieDuration::seconds(FLASH_SECONDS));
    c
}

/// A cookie that tells the browser to forget `name`.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut c = cookie(name, String::new(), secure, 0);
    c.make_removal();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_fixed_length() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 32);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let c = cookie(SESSION_COOKIE, "t".into(), false, 1).to_string();
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Lax"));
        assert!(!c.contains("Secure"));
        assert!(cookie(SESSION_COOKIE, "t".into(), true, 1).to_string().contains("Secure"));
    }
}
