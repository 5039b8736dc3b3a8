//! The layer rule, checked mechanically so it cannot rot (see `src/lib.rs`):
//!
//! ```text
//! routes -> ops -> (db, render, auth) -> domain
//! ```
//! with `error` and `config` usable by all. Every `crate::` path in a layer's files (in `use`
//! lines, `use crate::{..}` groups and inline paths alike) must name the layer itself or one it may
//! depend on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module of the crate may name besides itself, `error` and `config`.
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        // The composition root and the binary's entry points wire everything together.
        ("main", &["cli", "config", "db", "ops", "startup", "telemetry"][..]),
        ("startup", &["auth", "db", "ops", "routes", "state", "telemetry"][..]),
        ("cli", &[][..]),
        ("telemetry", &[][..]),
        // Settings are read from CLI flags.
        ("config", &["cli"][..]),
        ("error", &["domain"][..]),
        ("state", &["db"][..]),
        ("routes", &["ops", "render", "auth", "domain", "state"][..]),
        ("ops", &["db", "render", "auth", "domain"][..]),
        // Sessions live in the database; the extractors that read them need the state's pool.
        ("auth", &["db", "domain", "state"][..]),
        ("render", &["domain"][..]),
        ("db", &["domain"][..]),
        ("domain", &[][..]),
    ])
}

/// Modules usable by every layer.
const SHARED: [&str; 2] = ["error", "config"];

/// One forbidden arrow: where it is, and which layer it names.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    file: String,
    line: usize,
    from: String,
    to: String,
}

#[test]
fn every_layer_names_only_the_layers_it_may_depend_on() {
    let layers = allowed();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen_layers = BTreeSet::new();
    let mut violations = Vec::new();
    for file in rust_files(&src) {
        let layer = layer_of(&src, &file);
        assert!(
            layers.contains_key(layer.as_str()) || layer == "lib",
            "{} belongs to a module `{layer}` that the layer rule does not place; add it to `allowed()`",
            file.display()
        );
        seen_layers.insert(layer.clone());
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (line, to) in crate_paths(&text) {
            let permitted = to == layer
                || SHARED.contains(&to.as_str())
                || layer == "lib"
                || layers.get(layer.as_str()).is_some_and(|ok| ok.contains(&to.as_str()));
            if !permitted {
                violations.push(Violation {
                    file: file.strip_prefix(&src).unwrap().display().to_string(),
                    line,
                    from: layer.clone(),
                    to,
                });
            }
        }
    }
    // The rule must describe the crate as it is: a layer that no longer exists is a stale rule.
    for layer in layers.keys() {
        assert!(seen_layers.contains(*layer), "the rule names `{layer}`, which has no file under src/");
    }
    let report: Vec<String> =
        violations.iter().map(|v| format!("{}:{}: {} -> {}", v.file, v.line, v.from, v.to)).collect();
    assert!(report.is_empty(), "forbidden arrows between layers:\n{}", report.join("\n"));
}

#[test]
fn api_modules_never_import_html_route_modules() {
    let routes = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let html_modules: BTreeSet<String> = std::fs::read_dir(&routes)
        .expect("src/routes is readable")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".rs").to_owned())
        // `table` is the route registry both kinds of handler record themselves in, not a page.
        .filter(|name| !["api", "mod", "table"].contains(&name.as_str()))
        .collect();
    assert!(html_modules.contains("threads"), "the scan must see the HTML route modules: {html_modules:?}");
    let mut found = Vec::new();
    for file in rust_files(&routes.join("api")) {
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code: Vec<&str> = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect();
        for (index, line) in code.iter().enumerate() {
            for prefix in ["crate::routes::", "super::super::"] {
                for (at, _) in line.match_indices(prefix) {
                    let name: String =
                        line[at + prefix.len()..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if html_modules.contains(&name) {
                        found.push(format!("{}:{}: routes::{name}", file.display(), index + 1));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "API modules import HTML route modules:\n{}", found.join("\n"));
}

#[test]
fn the_scanner_finds_every_form_of_crate_path() {
    let text = "use crate::db;\nuse crate::{render::SafeHtml, auth::{self, Visitor}};\n\
                // use crate::ops; (a comment)\nlet x = crate::ops::run();\nuse crate::domain::{ids, roles};\n\
                use crate::{\n    state::AppState,\n    startup,\n};\n";
    let found: Vec<(usize, String)> = crate_paths(text);
    assert_eq!(
        found,
        vec![
            (1, "db".to_owned()),
            (2, "render".to_owned()),
            (2, "auth".to_owned()),
            (4, "ops".to_owned()),
            (5, "domain".to_owned()),
            (7, "state".to_owned()),
            (8, "startup".to_owned())
        ]
    );
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to: `src/db/users.rs` is in `db`, `src/error.rs` in `error`.
fn layer_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src/");
    let first = relative.components().next().expect("a path").as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The top-level module named by each `crate::` path, with its 1-based line, comments skipped.
/// Groups may span lines, as rustfmt writes long ones.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let code: String = text.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
    let line_at = |offset: usize| code[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at + "crate::".len();
        if code[start..].starts_with('{') {
            for (offset, name) in group_heads(&code[start + 1..]) {
                found.push((line_at(start + 1 + offset), name));
            }
        } else {
            let name: String = code[start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.push((line_at(start), name));
            }
        }
        from = start;
    }
    found
}

/// The first segment of each item of a `{a::b, c::{d, e}, f}` group, with its byte offset.
fn group_heads(group: &str) -> Vec<(usize, String)> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut current: Option<(usize, String)> = None;
    let mut at_item_start = true;
    for (offset, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item_start = true,
            _ if depth == 0 && at_item_start => {
                if c.is_alphanumeric() || c == '_' {
                    current.get_or_insert((offset, String::new())).1.push(c);
                } else if let Some(head) = current.take() {
                    heads.push(head);
                    at_item_start = false;
                }
            }
            _ => {}
        }
    }
    heads.extend(current);
    heads
}
