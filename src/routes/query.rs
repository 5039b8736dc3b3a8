//! Query strings for the links pages put in front of the reader ("next page" links that keep
//! the filters): which pairs a filter set becomes, and their percent-encoding.

use crate::ops::history::ChangeQuery;

/// The filters of a changelog query as URL pairs (for "next page" links that keep them).
pub fn url_query(q: &ChangeQuery) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    for (name, value) in [("kind", &q.kind), ("user", &q.user), ("thread", &q.thread), ("unpatrolled", &q.unpatrolled)]
    {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            pairs.push((name, v.clone()));
        }
    }
    pairs
}

/// `a=1&b=2`, percent-encoded; pairs with an empty value are left out.
pub fn encode(pairs: &[(&str, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_links_keep_the_filters_and_encode_them() {
        let q = ChangeQuery { kind: Some("arc".into()), user: Some("a b&c".into()), ..Default::default() };
        let mut pairs = url_query(&q);
        pairs.push(("before", "42".into()));
        assert_eq!(encode(&pairs), "kind=arc&user=a+b%26c&before=42");
    }
}
