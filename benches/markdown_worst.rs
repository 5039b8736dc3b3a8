//! Worst-case inputs for the Markdown pipeline (validate, render + block map, blame) and for
//! diffs, timed one by one in a release build. `bench/markdown_worst` runs it.
//!
//! The "unbounded" rows run the renderer and the old unbounded diff on inputs the bounds now
//! refuse or cut, at sizes small enough to finish, to show what the bounds prevent.

use std::time::{Duration, Instant};

use agora::domain::{blame, merge, validate};
use agora::render::diff;
use agora::render::markdown::{render_markdown, render_markdown_blocks};

fn timed<T>(label: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    println!("{label:<58} {:>10.1} ms", took.as_secs_f64() * 1000.0);
    (out, took)
}

/// Repeats `unit` until the text is about `bytes` long.
fn fill(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len())
}

/// The same text with every other paragraph changed (what a blame after a large edit sees).
fn half_changed(text: &str) -> String {
    text.split("\n\n")
        .enumerate()
        .map(|(i, p)| if i % 2 == 0 { format!("{p} changed") } else { p.to_owned() })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The diff as it was computed before it had limits.
fn unbounded_diff(old: &str, new: &str) -> usize {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.ops().iter().map(|op| diff.iter_inline_changes(op).count()).sum()
}

fn main() {
    // `cargo test --all-targets` runs bench targets too; only `cargo bench` passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("markdown_worst: a benchmark; run it with `cargo bench --bench markdown_worst`");
        return;
    }
    const SIZE: usize = 190_000;
    let max = agora::domain::nesting::MAX_DEPTH;
    let deep_quote = format!("{} x\n\n", ">".repeat(max));
    let deep_list = format!("{}x\n\n", "- ".repeat(max));
    let deep_div = format!("{}x{}\n\n", "<div>".repeat(max), "</div>".repeat(max));
    let shapes: Vec<(&str, String)> = vec![
        ("tiny paragraphs", fill("a\n\n", SIZE)),
        ("quotes MAX_DEPTH deep, repeated", fill(&deep_quote, SIZE)),
        ("lists MAX_DEPTH deep, repeated", fill(&deep_list, SIZE)),
        ("divs MAX_DEPTH deep, repeated", fill(&deep_div, SIZE)),
        ("headings with the same text", fill("# Same\n\n", SIZE)),
        ("list items", fill("- item\n", SIZE)),
        ("a mix of all of these", {
            let unit = format!("a\n\n{deep_quote}{deep_list}{deep_div}# Same\n\n- item\n- item\n\n");
            fill(&unit, SIZE)
        }),
    ];
    println!("== Markdown: {} KB texts the depth bound accepts", SIZE / 1000);
    let mut worst = Duration::ZERO;
    for (name, text) in &shapes {
        let (ok, t1) = timed(&format!("{name}: validate"), || validate::markdown("t", text, 200_000).is_ok());
        assert!(ok, "{name} is accepted");
        let ((html, map), t2) = timed(&format!("{name}: render + block map"), || render_markdown_blocks(text));
        let parent = half_changed(text);
        let parent_blame = blame::next_blame(None, &parent, 1, false, None);
        let (b, t3) = timed(&format!("{name}: blame"), || {
            blame::next_blame(Some((&parent, &parent_blame)), text, 2, false, None)
        });
        println!(
            "    {} KB of HTML, {} blocks mapped, {} paragraphs blamed",
            html.as_str().len() / 1000,
            map.map_or(0, |m| m.ends.len()),
            b.len()
        );
        worst = worst.max(t1 + t2 + t3);
    }
    println!("worst validate + render + map + blame: {:.1} ms", worst.as_secs_f64() * 1000.0);

    println!("== Markdown the depth bound refuses");
    let unclosed = fill("<div>\n\n", SIZE.min(70_000));
    for (name, text) in [
        ("60 000 nested >", ">".repeat(60_000)),
        ("199 000 nested >", ">".repeat(199_000)),
        ("40 000 nested lists (- - -)", "- ".repeat(40_000)),
        ("10 000 unclosed <div>s", unclosed.clone()),
    ] {
        let (err, _) = timed(&format!("{name}: validate"), || validate::markdown("the text", &text, 200_000).err());
        println!("    -> {}", err.unwrap_or_else(|| "ACCEPTED".into()));
    }
    println!("== Unbounded render (what the bound prevents)");
    for n in [2_000, 4_000, 8_000] {
        timed(&format!("{n} nested > rendered"), || render_markdown(&">".repeat(n)));
    }
    for n in [2_000, 4_000, 8_000] {
        timed(&format!("{n} nested <div> rendered"), || render_markdown(&"<div>".repeat(n)));
    }
    timed("10 000 unclosed <div>s (one per paragraph): render + map", || render_markdown_blocks(&unclosed));

    println!("== Diffs of two ~{} KB revisions that differ everywhere", SIZE / 1000);
    let para = |tag: &str, i: usize| format!("Paragraph {i} in the {tag} revision says something else entirely.");
    let many_lines = |tag: &str| {
        (0..)
            .map(|i| para(tag, i))
            .scan(0, |len, p| {
                *len += p.len() + 2;
                (*len < SIZE).then_some(p)
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let word_lines = |tag: &str| {
        (0..)
            .map(|i| format!("{tag} {i} {}", "word ".repeat(20 + i % 7)))
            .scan(0, |len, p| {
                *len += p.len() + 1;
                (*len < SIZE).then_some(p)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let one_line = |tag: &str| (0..SIZE / 4).map(|i| format!("{tag}{i} ")).collect::<String>()[..SIZE].to_owned();
    // Lines of words drawn from a small vocabulary (many equal words, few anchors: Myers' worst
    // case), in blocks split by an unchanged line so each block is one word diff of its own.
    let random_words = |seed: u64| {
        let vocabulary = ["the", "open", "model", "weights", "law", "safety", "risk", "data", "court", "vote"];
        let mut state = seed;
        let mut text = String::new();
        let mut line = 0;
        while text.len() < SIZE {
            for _ in 0..12 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push_str(vocabulary[(state >> 33) as usize % vocabulary.len()]);
                text.push(' ');
            }
            line += 1;
            text.push_str(if line % 100 == 0 { "\nunchanged line\n" } else { "\n" });
        }
        text
    };
    let pairs = [
        ("random words, blocks split by equal lines", random_words(1), random_words(2)),
        ("paragraphs all changed", many_lines("old"), many_lines("new")),
        ("lines all changed by one word", word_lines("old"), word_lines("new")),
        ("one 190 KB line each", one_line("o"), one_line("n")),
    ];
    for (name, old, new) in &pairs {
        let (d, _) = timed(&format!("{name}: line_diff (bounded)"), || diff::line_diff(old, new));
        println!("    detail {:?}, {} lines, -{} +{}", d.detail, d.lines.len(), d.removed, d.added);
        timed(&format!("{name}: merge3 (undo / merged save)"), || merge::merge3(old, old, new).is_ok());
    }
    println!("== Unbounded diff (before), same pairs");
    for (name, old, new) in &pairs {
        timed(&format!("{name}: from_lines + inline (before)"), || unbounded_diff(old, new));
    }
}
