//! The byte-preservation check: everything outside the edited ranges is unchanged.
//!
//! Independent of how the edits were applied: it walks the original text gap by gap and finds each
//! gap, byte for byte, at the place it must occupy in the edited text.

use super::patch::Edit;

/// `Ok` when `edited` equals `original` outside `edits` (sorted, non-overlapping) and holds each
/// edit's replacement in its place; otherwise says where the first difference is.
pub fn check_preserved(original: &str, edited: &str, edits: &[Edit]) -> Result<(), String> {
    let (o, n) = (original.as_bytes(), edited.as_bytes());
    let mut pos = 0usize;
    let mut cur = 0usize;
    let gap = |from: usize, to: usize, cur: usize| -> Result<usize, String> {
        let want = o
            .get(from..to)
            .ok_or_else(|| format!("edit range {from}..{to} is outside the original"))?;
        let got = n.get(cur..cur + want.len());
        if got != Some(want) {
            return Err(format!(
                "original bytes {from}..{to} are not preserved at {cur} of the edited text"
            ));
        }
        Ok(cur + want.len())
    };
    for e in edits {
        if e.start < pos || e.end < e.start {
            return Err(format!("edits are not sorted or overlap at {}", e.start));
        }
        cur = gap(pos, e.start, cur)?;
        if n.get(cur..cur + e.text.len()) != Some(e.text.as_bytes()) {
            return Err(format!(
                "the replacement for {}..{} is not at {cur} of the edited text",
                e.start, e.end
            ));
        }
        cur += e.text.len();
        pos = e.end;
    }
    cur = gap(pos, o.len(), cur)?;
    if cur != n.len() {
        return Err(format!(
            "the edited text has {} extra bytes at its end",
            n.len() - cur
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_changes_outside_edits() {
        let e = [Edit {
            start: 2,
            end: 3,
            text: "XY".into(),
        }];
        assert!(check_preserved("abcde", "abXYde", &e).is_ok());
        assert!(check_preserved("abcde", "abXYdf", &e).is_err());
        assert!(check_preserved("abcde", "aXXYde", &e).is_err());
        assert!(check_preserved("abcde", "abXYde!", &e).is_err());
    }
}
