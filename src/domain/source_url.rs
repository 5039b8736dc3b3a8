//! The one spelling of a source's address, so that two citations of the same page find the
//! same source (issue 16): only `http`/`https`, scheme and host lower-cased (the `url` crate's
//! WHATWG parsing does that, and drops default ports), no fragment, no tracking parameters.

use url::Url;

/// Query parameters that only say how a reader arrived, never which document it is.
const TRACKING_PREFIXES: &[&str] = &["utm_"];
const TRACKING_NAMES: &[&str] =
    &["fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi", "ref_src"];

/// The longest address accepted, as typed (a longer one is not a citation, it is a payload).
pub const MAX_URL_CHARS: usize = 2000;

/// Why an address is refused, in words for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlRefusal {
    TooLong,
    NotAUrl,
    /// `javascript:`, `file:`, `data:`, `ftp:` …: only web pages can be cited and checked.
    Scheme(String),
    /// `https://user:pass@host/`: credentials must never be stored or sent by the checker.
    Credentials,
    NoHost,
}

impl std::fmt::Display for UrlRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlRefusal::TooLong => write!(f, "the address is longer than {MAX_URL_CHARS} characters"),
            UrlRefusal::NotAUrl => f.write_str("that is not a web address (it should start with https://)"),
            UrlRefusal::Scheme(s) => write!(f, "only http and https addresses can be cited, not {s}:"),
            UrlRefusal::Credentials => f.write_str("the address contains a user name or password; leave them out"),
            UrlRefusal::NoHost => f.write_str("the address names no host"),
        }
    }
}

/// The normalized form of `input`, or why it is refused.
pub fn normalize(input: &str) -> Result<String, UrlRefusal> {
    let input = input.trim();
    if input.chars().count() > MAX_URL_CHARS {
        return Err(UrlRefusal::TooLong);
    }
    let mut url = Url::parse(input).map_err(|_| UrlRefusal::NotAUrl)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlRefusal::Scheme(url.scheme().to_owned()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlRefusal::Credentials);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(UrlRefusal::NoHost);
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_tracking(name))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok(url.into())
}

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING_PREFIXES.iter().any(|p| name.starts_with(p)) || TRACKING_NAMES.contains(&name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_cases_scheme_and_host_and_drops_fragment_default_port_and_tracking() {
        assert_eq!(
            normalize("  HTTPS://Example.ORG:443/Path/Case?id=7&utm_source=x&UTM_Medium=y&fbclid=z#section-2 ")
                .unwrap(),
            "https://example.org/Path/Case?id=7"
        );
        assert_eq!(normalize("http://example.org/?utm_campaign=a").unwrap(), "http://example.org/");
        assert_eq!(normalize("https://example.org").unwrap(), "https://example.org/");
    }

    #[test]
    fn two_spellings_of_one_page_are_one_address() {
        let a = normalize("https://EXAMPLE.org/report.pdf?utm_source=newsletter#page=3").unwrap();
        let b = normalize("https://example.org:443/report.pdf").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn keeps_parameters_that_name_the_document_in_their_order() {
        assert_eq!(normalize("https://e.org/a?b=2&a=1&gclid=x").unwrap(), "https://e.org/a?b=2&a=1");
    }

    #[test]
    fn refuses_other_schemes_credentials_and_junk() {
        for (input, refusal) in [
            ("javascript:alert(1)", UrlRefusal::Scheme("javascript".into())),
            ("file:///etc/passwd", UrlRefusal::Scheme("file".into())),
            ("data:text/html,<script>", UrlRefusal::Scheme("data".into())),
            ("ftp://example.org/x", UrlRefusal::Scheme("ftp".into())),
            ("https://user:secret@example.org/", UrlRefusal::Credentials),
            ("example.org/no-scheme", UrlRefusal::NotAUrl),
            ("", UrlRefusal::NotAUrl),
        ] {
            assert_eq!(normalize(input), Err(refusal), "{input}");
        }
        assert_eq!(normalize(&format!("https://e.org/{}", "a".repeat(MAX_URL_CHARS))), Err(UrlRefusal::TooLong));
    }

    #[test]
    fn refusals_read_as_sentences() {
        assert_eq!(
            UrlRefusal::Scheme("javascript".into()).to_string(),
            "only http and https addresses can be cited, not javascript:"
        );
    }
}
