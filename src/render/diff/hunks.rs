//! How a computed diff is arranged for pages: the changes grouped into hunks with a little
//! unchanged context around them (long unchanged stretches collapse into counts), and each hunk
//! as side-by-side rows.

use serde::Serialize;

use super::{DiffLine, LineChange};

/// Unchanged lines shown around each change.
const CONTEXT: usize = 2;

/// A row of the side-by-side view: the old line on the left, the new one on the right.
#[derive(Debug, Clone, Serialize)]
pub struct SideRow {
    pub left: Option<DiffLine>,
    pub right: Option<DiffLine>,
}

/// Changed lines with their context, after `skipped` unchanged lines that are not shown.
#[derive(Debug, Clone, Serialize)]
pub struct Hunk {
    pub skipped: usize,
    pub lines: Vec<DiffLine>,
    pub rows: Vec<SideRow>,
}

/// Groups lines into hunks of changes with `CONTEXT` unchanged lines around them.
pub(super) fn hunks(lines: &[DiffLine]) -> (Vec<Hunk>, usize) {
    let changed: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].change != LineChange::Same).collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let (start, end) = (i.saturating_sub(CONTEXT), (i + CONTEXT + 1).min(lines.len()));
        match ranges.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => ranges.push((start, end)),
        }
    }
    let mut out = Vec::new();
    let mut shown_until = 0;
    for (start, end) in ranges {
        let slice = &lines[start..end];
        out.push(Hunk { skipped: start - shown_until, lines: slice.to_vec(), rows: side_rows(slice) });
        shown_until = end;
    }
    (out, lines.len() - shown_until)
}

/// Pairs each run of removed lines with the run of added lines after it.
fn side_rows(lines: &[DiffLine]) -> Vec<SideRow> {
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].change == LineChange::Same {
            rows.push(SideRow { left: Some(lines[i].clone()), right: Some(lines[i].clone()) });
            i += 1;
            continue;
        }
        let removed_end = i + lines[i..].iter().take_while(|l| l.change == LineChange::Removed).count();
        let added_end = removed_end + lines[removed_end..].iter().take_while(|l| l.change == LineChange::Added).count();
        let (removed, added) = (&lines[i..removed_end], &lines[removed_end..added_end]);
        // Lines whose words were compared share a row; the others between two such rows are
        // set side by side in order.
        let (mut r, mut a) = (0, 0);
        loop {
            let next_pair = removed[r..].iter().enumerate().find_map(|(dr, line)| {
                let id = line.pair?;
                added[a..].iter().position(|l| l.pair == Some(id)).map(|da| (r + dr, a + da))
            });
            let (r_end, a_end) = next_pair.unwrap_or((removed.len(), added.len()));
            for k in 0..(r_end - r).max(a_end - a) {
                let (left, right) = (removed[r..r_end].get(k).cloned(), added[a..a_end].get(k).cloned());
                rows.push(SideRow { left, right });
            }
            let Some((pr, pa)) = next_pair else { break };
            rows.push(SideRow { left: Some(removed[pr].clone()), right: Some(added[pa].clone()) });
            (r, a) = (pr + 1, pa + 1);
        }
        i = added_end;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::super::line_diff;

    #[test]
    fn long_unchanged_stretches_collapse_into_skipped_counts() {
        let old: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let mut new = old.clone();
        new[10] = "changed".into();
        let d = line_diff(&old.join("\n"), &new.join("\n"));
        assert_eq!(d.hunks.len(), 1);
        assert_eq!(d.hunks[0].skipped, 8);
        assert_eq!(d.hunks[0].lines.len(), 6);
        assert_eq!(d.skipped_after, 7);
        let paired = &d.hunks[0].rows[2];
        assert_eq!(paired.left.as_ref().unwrap().text, "p10");
        assert_eq!(paired.right.as_ref().unwrap().text, "changed");
    }
}
