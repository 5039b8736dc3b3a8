//! Who the client is behind reverse proxies (issue 18, item 12).
//!
//! A proxy appends the address it received a request from to `X-Forwarded-For` (or adds a
//! `for=` element to `Forwarded`), after whatever the client itself sent. So only the hops at the
//! right end, added by proxies we trust, can be believed: walking from the TCP peer leftwards
//! through trusted proxies, the first address that is not a trusted proxy is the client. Anything
//! to its left was written by that client and may be made up. A peer that is not a trusted proxy
//! is the client, whatever its headers say.

use std::net::IpAddr;

use ipnet::IpNet;

/// One hop a proxy recorded: an address, or something else (`unknown`, an obfuscated
/// `_name`, garbage) that names no address.
pub type Hop = Option<IpAddr>;

/// The client's address: the peer unless it is a trusted proxy; then the rightmost hop that is
/// not a trusted proxy. When a trusted proxy recorded a hop that names no address, the client
/// cannot be told apart: the address of that proxy stands in (never a hop further left, which
/// the client could have written). When every hop is a trusted proxy, the leftmost one is used.
pub fn client_ip(peer: IpAddr, hops: &[Hop], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut current = peer.to_canonical();
    for hop in hops.iter().rev() {
        if !is_trusted(&current) {
            return current;
        }
        match hop {
            Some(ip) => current = ip.to_canonical(),
            None => return current,
        }
    }
    current
}

/// The hops of `X-Forwarded-For` header values, in order (several header lines are one list).
pub fn x_forwarded_for<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Hop> {
    values.into_iter().flat_map(|v| v.split(',')).map(|node| parse_node(node.trim())).collect()
}

/// The `for=` hops of `Forwarded` header values (RFC 7239), in order. An element without
/// `for=` counts as a hop naming no address.
pub fn forwarded<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Hop> {
    let mut hops = Vec::new();
    for value in values {
        for element in split_outside_quotes(value, ',') {
            let node = split_outside_quotes(element, ';').into_iter().find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| unquote(value.trim()))
            });
            hops.push(node.and_then(|n| parse_node(&n)));
        }
    }
    hops
}

/// An address with or without a port: `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`,
/// `[2001:db8::1]`, `[2001:db8::1]:443`. Anything else names no address.
fn parse_node(node: &str) -> Hop {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return if port_ok { inside.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6) } else { None };
    }
    let (host, port) = node.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// `text` split at `separator`s that are not inside a quoted string (where `\` escapes).
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == separator && !quoted => {
                parts.push(text[start..i].trim());
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// A token or a quoted string's content (RFC 7230 quoted-string, with `\` escapes).
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' { chars.next().unwrap_or('\\') } else { c });
            }
            out
        }
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let hops = x_forwarded_for(["203.0.113.9"]);
        assert_eq!(client_ip(ip("198.51.100.7"), &hops, &nets(&["10.0.0.0/8"])), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("198.51.100.7"), &hops, &[]), ip("198.51.100.7"));
    }

    #[test]
    fn the_rightmost_hop_that_is_not_a_trusted_proxy_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client wrote the first entry itself; the proxies appended the rest.
        let hops = x_forwarded_for(["6.6.6.6, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(hops, vec![Some(ip("6.6.6.6")), Some(ip("203.0.113.9")), Some(ip("10.1.1.1"))]);
        assert_eq!(client_ip(ip("10.0.0.2"), &hops, &trusted), ip("203.0.113.9"));
    }

    #[test]
    fn when_every_hop_is_trusted_the_leftmost_is_used() {
        let hops = x_forwarded_for(["10.0.0.5, 10.0.0.4"]);
        assert_eq!(client_ip(ip("10.0.0.3"), &hops, &nets(&["10.0.0.0/8"])), ip("10.0.0.5"));
    }

    #[test]
    fn a_trusted_peer_without_headers_is_the_client() {
        assert_eq!(client_ip(ip("127.0.0.1"), &[], &nets(&["127.0.0.1/32"])), ip("127.0.0.1"));
    }

    #[test]
    fn garbage_stops_the_walk_at_the_proxy_that_recorded_it() {
        let trusted = nets(&["10.0.0.0/8"]);
        let hops = x_forwarded_for(["203.0.113.9, not-an-address, 10.0.0.9"]);
        assert_eq!(hops[1], None);
        assert_eq!(client_ip(ip("10.0.0.2"), &hops, &trusted), ip("10.0.0.9"), "never the made-up left part");
        for junk in ["", "unknown", "1.2.3", "1.2.3.4.5", "1.2.3.4:port", "[::1", "[::1]x", "::1:99999999", "_hidden"] {
            assert_eq!(x_forwarded_for([junk]), vec![None], "{junk:?}");
        }
    }

    #[test]
    fn ipv6_hops_and_ports_are_read() {
        assert_eq!(
            x_forwarded_for(["2001:db8::1, [2001:db8::2]:443, 192.0.2.1:8080, [2001:db8::3]"]),
            vec![Some(ip("2001:db8::1")), Some(ip("2001:db8::2")), Some(ip("192.0.2.1")), Some(ip("2001:db8::3"))]
        );
        let trusted = nets(&["fd00::/8"]);
        let hops = x_forwarded_for(["2001:db8::7, fd00::2"]);
        assert_eq!(client_ip(ip("fd00::1"), &hops, &trusted), ip("2001:db8::7"));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_ranges() {
        let hops = x_forwarded_for(["203.0.113.9"]);
        assert_eq!(client_ip(ip("::ffff:127.0.0.1"), &hops, &nets(&["127.0.0.1/32"])), ip("203.0.113.9"));
    }

    #[test]
    fn forwarded_reads_for_in_quoted_and_bare_forms() {
        let hops = forwarded([
            r#"for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711""#,
            r#"proto=https;for="198.51.100.17:80", for=unknown, for="_gazonk", by=10.0.0.1"#,
        ]);
        assert_eq!(
            hops,
            vec![Some(ip("192.0.2.60")), Some(ip("2001:db8:cafe::17")), Some(ip("198.51.100.17")), None, None, None]
        );
    }

    #[test]
    fn forwarded_quotes_may_hide_separators() {
        // A comma or semicolon inside quotes does not start a new element or pair.
        let hops = forwarded([r#"for="[2001:db8::1]";ext="a,b;c=d", for=192.0.2.1"#]);
        assert_eq!(hops, vec![Some(ip("2001:db8::1")), Some(ip("192.0.2.1"))]);
        assert_eq!(forwarded([r#"for="192.0.2.\"1""#]), vec![None], "escaped quotes stay inside the value");
        assert_eq!(forwarded([r#"for="192.0.2.1"#]), vec![None], "an unclosed quote names nothing");
    }

    #[test]
    fn forwarded_hops_resolve_like_x_forwarded_for() {
        let trusted = nets(&["127.0.0.1/32"]);
        let hops = forwarded([r#"for=6.6.6.6, for="203.0.113.9""#]);
        assert_eq!(client_ip(ip("127.0.0.1"), &hops, &trusted), ip("203.0.113.9"));
    }
}
