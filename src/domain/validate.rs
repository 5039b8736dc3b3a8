//! Validation of user input. Each function returns the cleaned value or a message for the user.

use chrono::NaiveDate;

use super::thread::{Significance, Stance, Status};

/// A message shown to the user next to the form they submitted.
pub type Invalid = String;

/// Longest synthesis accepted, in bytes (a long essay is ~60 KB).
pub const MAX_SYNTHESIS_BYTES: usize = 200_000;
/// Longest body of a section item (an interpretation, an arc period, ...).
pub const MAX_SECTION_BODY_BYTES: usize = 20_000;

/// A submitted text with its line endings made LF: browsers send a textarea's lines with CRLF
/// (and old Macs sent a lone CR), while stored texts use LF, so without this a one-word edit
/// would differ from the stored text on every line. Every text validated here goes through it,
/// so nothing stored or compared keeps a CR.
pub fn lf_line_endings(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains('\r') {
        std::borrow::Cow::Owned(value.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// Trims and checks a required single-line or short field.
pub fn required(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("{field} is required"));
    }
    limited(field, value, max_chars)
}

/// Trims and checks an optional field; empty becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>, Invalid> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => limited(field, v, max_chars).map(Some),
    }
}

/// Longest reason a changelog or moderation-log entry keeps.
pub const MAX_REASON_CHARS: usize = 300;

/// Why a change was made: optional, trimmed, empty when not given.
pub fn reason(value: &str) -> Result<String, Invalid> {
    Ok(optional("the reason", Some(value), MAX_REASON_CHARS)?.unwrap_or_default())
}

/// A reason that must be given (hiding, locking, suspending: `what` names the action).
pub fn required_reason(value: &str, what: &str) -> Result<String, Invalid> {
    required(&format!("a reason for {what}"), value, MAX_REASON_CHARS)
}

fn limited(field: &str, value: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = lf_line_endings(value);
    if value.chars().count() > max_chars {
        return Err(format!("{field} must be at most {max_chars} characters"));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return Err(format!("{field} contains control characters"));
    }
    Ok(value.into_owned())
}

/// A Markdown body: may be empty, keeps its inner whitespace, bounded in bytes and in nesting
/// depth (what bounds the cost of rendering it: see `nesting`).
pub fn markdown(field: &str, value: &str, max_bytes: usize) -> Result<String, Invalid> {
    if value.contains('\0') {
        return Err(format!("{field} contains a NUL character"));
    }
    let value = lf_line_endings(value);
    let value = value.trim_end();
    if value.len() > max_bytes {
        return Err(format!("{field} must be at most {} KB", max_bytes / 1000));
    }
    nested_at_most(field, value)?;
    Ok(value.to_owned())
}

/// Refuses a text nested deeper than `nesting::MAX_DEPTH`. Texts made by merging saved ones
/// (a merge, an undo) are checked again before they are rendered.
pub fn nested_at_most(field: &str, value: &str) -> Result<(), Invalid> {
    let max = super::nesting::MAX_DEPTH;
    // Measured to the end (still linear) so the message can say how deep the text goes.
    match super::nesting::depth(value, usize::MAX) {
        d if d > max => Err(format!("{field} nests quotes/lists/HTML {d} levels deep; at most {max} are allowed")),
        _ => Ok(()),
    }
}

/// Usernames: 3-32 letters, digits, '-' or '_' (they appear in URLs and credits).
pub fn username(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    let ok = (3..=32).contains(&value.chars().count())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(value.to_owned()) } else { Err("a username is 3-32 letters, digits, '-' or '_'".to_owned()) }
}

/// Passwords: 12-128 characters (OWASP ASVS 2.1.1 and 2.1.2), any characters allowed, but not
/// blank, not one of the most common passwords (ASVS 2.1.7) and not a plain run of one key or
/// of consecutive digits, which guessing lists try first whatever their length.
pub fn password(value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        return Err("a password cannot be blank or only spaces".to_owned());
    }
    match value.chars().count() {
        n if n < 12 => return Err("a password needs at least 12 characters".to_owned()),
        n if n > 128 => return Err("a password may have at most 128 characters".to_owned()),
        _ => {}
    }
    if is_common_password(value) || is_keyboard_run(value) {
        return Err("this password is one of the most common ones and is guessed first: choose another".to_owned());
    }
    Ok(())
}

/// The 10 000 most common passwords (lowercase), one a line: the head of the frequency list that
/// the zxcvbn package (MIT, Dropbox) ships, itself drawn from leaked password sets.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Whether `value` (ignoring case and surrounding spaces) is on the common-password list.
fn is_common_password(value: &str) -> bool {
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| COMMON_PASSWORDS.lines().map(str::trim).filter(|l| !l.is_empty()).collect());
    SET.contains(value.trim().to_lowercase().as_str())
}

/// One character repeated ("aaaaaaaaaaaa") or a run of consecutive digits up or down, wrapping
/// after 9 ("123456789012", "987654321098").
fn is_keyboard_run(value: &str) -> bool {
    let chars: Vec<char> = value.trim().chars().collect();
    let steps = |step: u32| {
        chars.windows(2).all(|w| match (w[0].to_digit(10), w[1].to_digit(10)) {
            (Some(a), Some(b)) => (a + step) % 10 == b,
            _ => false,
        })
    };
    chars.windows(2).all(|w| w[0] == w[1]) || steps(1) || steps(9)
}

/// A thread's slug: lowercase letters, digits and single hyphens, 1-80 characters.
pub fn slug(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    let ok = (1..=80).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_owned())
    } else {
        Err("a slug is lowercase letters, digits and single hyphens (up to 80)".to_owned())
    }
}

/// The slug derived from a title when none is given.
pub fn slug_from_title(title: &str) -> Result<String, Invalid> {
    let mut derived = slug::slugify(title);
    derived.truncate(80);
    slug(derived.trim_end_matches('-'))
        .map_err(|_| "give the thread a slug: its title has no letters or digits".to_owned())
}

/// Parses a form's status field.
pub fn status(value: &str) -> Result<Status, Invalid> {
    Status::parse(value).ok_or_else(|| "status must be active, dormant or resolved".to_owned())
}

/// Parses a form's stance field.
pub fn stance(value: &str) -> Result<Stance, Invalid> {
    Stance::parse(value).ok_or_else(|| "stance must be contested, emerging_consensus or settled".to_owned())
}

/// Parses a form's significance field.
pub fn significance(value: &str) -> Result<Significance, Invalid> {
    Significance::parse(value).ok_or_else(|| "significance must be landmark, major or notable".to_owned())
}

/// Parses a date written `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| format!("{field} must be a date like 2024-07-23"))
}

/// An optional link: only http and https, so no `javascript:` URL is ever stored.
pub fn link(value: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(value) = optional("link", value, 2000)? else { return Ok(None) };
    match url::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(Some(url.to_string())),
        _ => Err("the link must be a full http:// or https:// address".to_owned()),
    }
}

/// Proponents, one per line (commas also separate), each named once.
pub fn proponents(value: &str) -> Result<Vec<String>, Invalid> {
    let mut names: Vec<String> = Vec::new();
    for raw in lf_line_endings(value).split(['\n', ',']) {
        let name = raw.trim();
        if name.is_empty() {
            continue;
        }
        let name = required("a proponent's name", name, 120)?;
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            names.push(name);
        }
    }
    if names.len() > 50 {
        return Err("at most 50 proponents".to_owned());
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_rejects_blank() {
        assert_eq!(required("title", "  A  ", 10).unwrap(), "A");
        assert!(required("title", "   ", 10).is_err());
        assert!(required("title", "abcdefghijk", 10).is_err());
        assert!(required("title", "a\u{0}b", 10).is_err());
    }

    #[test]
    fn every_text_comes_out_with_lf_line_endings() {
        assert_eq!(markdown("the text", "a\r\nb\rc\n\r\nd\r\n", 100).unwrap(), "a\nb\nc\n\nd");
        assert_eq!(required("the question", " a\r\nb\r ", 100).unwrap(), "a\nb");
        assert_eq!(optional("the summary", Some("a\rb"), 100).unwrap().as_deref(), Some("a\nb"));
        assert_eq!(reason("why\r\nbecause").unwrap(), "why\nbecause");
        assert_eq!(required_reason("spam\r\nagain", "hiding").unwrap(), "spam\nagain");
        assert_eq!(proponents("A\r\nB\rC").unwrap(), ["A", "B", "C"]);
        assert!(matches!(lf_line_endings("no cr"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn slugs_are_strict_and_derivable() {
        assert!(slug("open-vs-closed").is_ok());
        assert!(slug("Open").is_err());
        assert!(slug("a--b").is_err());
        assert!(slug("../etc").is_err());
        assert_eq!(slug_from_title("Open vs. Closed Weights!").unwrap(), "open-vs-closed-weights");
        assert!(slug_from_title("!!!").is_err());
    }

    #[test]
    fn links_must_be_http() {
        assert!(link(Some("javascript:alert(1)")).is_err());
        assert!(link(Some("data:text/html,x")).is_err());
        assert_eq!(link(Some(" ")).unwrap(), None);
        assert_eq!(link(Some("https://example.org/a")).unwrap().as_deref(), Some("https://example.org/a"));
    }

    #[test]
    fn proponents_split_on_lines_and_commas_without_duplicates() {
        let names = proponents("Meta AI, Yann LeCun\nHugging Face\n\nmeta ai").unwrap();
        assert_eq!(names, ["Meta AI", "Yann LeCun", "Hugging Face"]);
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(password("short").is_err());
        assert!(password("correct horse battery").is_ok());
    }

    #[test]
    fn blank_common_and_run_passwords_are_refused_with_a_reason() {
        for (value, says) in [
            ("", "blank"),
            ("   ", "blank"),
            ("            ", "blank"),
            ("password", "12 characters"),
            ("123456789012", "most common"),
            ("987654321098", "most common"),
            ("aaaaaaaaaaaaaa", "most common"),
            ("qwerty123456", "most common"),
            ("QWERTY123456", "most common"),
            ("1qaz2wsx3edc", "most common"),
        ] {
            let message = password(value).expect_err(value);
            assert!(message.contains(says), "{value:?}: {message}");
        }
        assert!(password("1234 correct horse").is_ok());
    }

    #[test]
    fn the_common_password_list_is_the_top_ten_thousand() {
        let entries: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert_eq!(entries.len(), 10_000);
        assert_eq!(entries[0], "123456");
        assert!(is_common_password("PassWord"));
        assert!(!is_common_password("correct horse battery staple"));
    }

    #[test]
    fn deeply_nested_markdown_is_refused_with_the_limit() {
        let err = markdown("the text", &">".repeat(60_000), MAX_SYNTHESIS_BYTES).unwrap_err();
        assert_eq!(err, "the text nests quotes/lists/HTML 60000 levels deep; at most 100 are allowed");
        let max = crate::domain::nesting::MAX_DEPTH;
        assert!(markdown("the text", &">".repeat(max), MAX_SYNTHESIS_BYTES).is_ok());
        assert!(markdown("the text", &"<div>".repeat(max + 1), MAX_SYNTHESIS_BYTES).is_err());
    }

    #[test]
    fn dates_are_iso() {
        assert!(date("date", "2024-07-23").is_ok());
        assert!(date("date", "23/07/2024").is_err());
    }
}
