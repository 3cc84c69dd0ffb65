//! Stable finding identities: the keys that survive line shifts, used by SARIF
//! `partialFingerprints` and by baseline comparison (`--baseline`).
//!
//! A finding is identified by what it says, not where: its rule, file and message (and, for
//! baselines, its workload). Line and column are left out on purpose, so inserting a line above a
//! finding neither opens a new code-scanning alert nor marks the finding "new" in a PR comment.
//! The hash is FNV-1a, written out here because `std`'s hashers are not stable across releases
//! and the keys are stored by GitHub and in saved reports.

use rules::report::Finding;

/// 64-bit FNV-1a over the parts, each followed by a 0 byte so `("ab", "c")` and `("a", "bc")` differ.
pub fn hash(parts: &[&str]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    h
}

/// Whitespace collapsed to single spaces, so re-indenting a line or re-wrapping a message
/// does not change the identity.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The identity of a finding regardless of workload (SARIF: one alert per location).
pub fn location_key(f: &Finding) -> String {
    format!("{:016x}", hash(&[&f.rule, &f.file, &normalize(&f.message)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_fnv1a_and_separates_parts() {
        // FNV-1a 64 of "a" followed by the 0 separator, computed by hand from the spec.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in [b'a', 0] {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        assert_eq!(hash(&["a"]), h);
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
    }

    #[test]
    fn whitespace_does_not_change_identity() {
        assert_eq!(
            normalize("  `hostNetwork:  true`\tgives\n"),
            "`hostNetwork: true` gives"
        );
    }
}
