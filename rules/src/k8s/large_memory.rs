//! `WM314` large-memory: a container's memory request or limit is above the 4 GiB a wasm32
//! module can address. Owns the Kubernetes quantity parser.

use crate::k8s::common::holders;
use crate::{ObjectCx, Rule, RuleMeta, Sink, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags a `resources.requests.memory` or `resources.limits.memory` above 4 GiB on any
    /// container (init containers included) or on a SpinApp. Quantities are read as Kubernetes
    /// reads them: binary suffixes (`Ki`, `Mi`, `Gi`, `Ti`, ...), decimal ones (`k`, `M`, `G`,
    /// ...), plain bytes and exponents (`5e9`). One finding per container: the request when it
    /// is above the line, else the limit.
    ///
    /// ## Why it matters for Wasm
    /// A wasm32 module addresses its linear memory with 32-bit offsets: at most 65,536 pages of
    /// 64 KiB, 4 GiB in all, and the WASI targets toolchains build today (`wasm32-wasip1`,
    /// `wasm32-wasip2`) are 32-bit. A workload sized for more than 4 GiB either keeps large data
    /// sets in memory or runs many things in one process; neither fits one module as is.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits:
    ///     memory: 8Gi
    /// ```
    ///
    /// ## How to fix
    /// Check what the memory is for. If it is headroom, lower the request and limit. If the
    /// working set is that large, split the work or keep the workload on Linux.
    pub struct LargeMemory {
        code: "WM314",
        name: "large-memory",
        category: LargeMemory,
        severity: Warning,
        penalty: 20,
        summary: "a container's memory request or limit is above 4 GiB",
        help: "lower the request and limit if it is headroom; a wasm32 module addresses at most 4 GiB, so larger working sets stay on Linux",
    }
}

const FOUR_GIB: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;

/// A Kubernetes quantity (`512Mi`, `1.5G`, `5e9`, `100m`) as a number, or `None` when it is
/// not one. Never panics; values too large for `f64` are `None`.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let s = text.trim();
    let bytes = s.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits_start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
    {
        i += 1;
    }
    let number = s.get(..i)?;
    if !s.get(digits_start..i)?.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: f64 = number.parse().ok()?;
    let suffix = s.get(i..)?;
    let mult = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?;
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            10f64.powi(exp.parse::<i32>().ok()?)
        }
    };
    let v = n * mult;
    v.is_finite().then_some(v)
}

impl Rule for LargeMemory {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_object(&self, cx: &ObjectCx<'_>, sink: &mut Sink<'_>) {
        for h in holders(cx) {
            let over = ["requests", "limits"].into_iter().find_map(|section| {
                let node = h.get("resources")?.get(section)?.get("memory")?;
                let text = node.as_str()?;
                let bytes = parse_quantity(text)?;
                (bytes > FOUR_GIB).then_some((section, node, text, bytes))
            });
            let Some((section, node, text, bytes)) = over else {
                continue;
            };
            let verb = if section == "requests" {
                "requests"
            } else {
                "is limited to"
            };
            sink.report(
                cx.object.file,
                node.entry_span(),
                format!(
                    "{} {verb} `{text}` of memory ({:.1} GiB), above the 4 GiB a wasm32 module can address",
                    h.label(),
                    bytes / (1024.0 * 1024.0 * 1024.0)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_quantity as q;

    #[test]
    fn kubernetes_quantities() {
        assert_eq!(q("4Gi"), Some(4294967296.0));
        assert_eq!(q("512Mi"), Some(536870912.0));
        assert_eq!(q("128974848"), Some(128974848.0));
        assert_eq!(q("129e6"), Some(129e6));
        assert_eq!(q("5e9"), Some(5e9));
        assert_eq!(q("1.5G"), Some(1.5e9));
        assert_eq!(q("123Ki"), Some(125952.0));
        assert_eq!(q("1k"), Some(1000.0));
        assert_eq!(q("1E"), Some(1e18));
        assert_eq!(q("1E3"), Some(1000.0));
        assert_eq!(q("100m"), Some(0.1));
        assert_eq!(q(" 2Gi "), Some(2.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(q("+1"), Some(1.0));
    }

    #[test]
    fn garbage_is_none_never_a_panic() {
        for bad in [
            "", "Gi", "abc", "4 Gi", "4GB", "4gi", ".", "-", "1e", "1e+", "1e99999", "1e2Gi", "é",
            "4Gié", "1..2", "0x10",
        ] {
            assert_eq!(q(bad), None, "{bad}");
        }
        assert_eq!(q("1e400"), None);
        assert_eq!(q(&"9".repeat(400)), None);
    }
}
