//! Renderers: every output format is a rendering of the same [`rules::report::Report`].

pub mod excerpt;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

/// A score as the renderers print it: the number, or `-` for an `unknown` workload (no score).
pub fn score_text(score: Option<u32>) -> String {
    score.map_or_else(|| "-".to_string(), |s| s.to_string())
}

/// The change of score since a baseline, when both have one.
pub fn score_delta(now: Option<u32>, base: Option<u32>) -> Option<i64> {
    Some(i64::from(now?) - i64::from(base?))
}

/// Worst first: blocked, unknown, portable, ready.
pub fn verdict_rank(v: rules::report::Verdict) -> u8 {
    use rules::report::Verdict;
    match v {
        Verdict::Blocked => 0,
        Verdict::Unknown => 1,
        Verdict::Portable => 2,
        Verdict::Ready => 3,
    }
}
