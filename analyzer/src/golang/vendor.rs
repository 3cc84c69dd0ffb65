//! `vendor/modules.txt`: the modules `go mod vendor` copied and, under each, the packages the
//! build compiles. Written by the go command, so its shape is fixed: `# module version` lines,
//! `## explicit` markers, then one package path per line.

use crate::span::Span;

/// At most this many packages are kept (a large program vendors a few thousand).
pub const MAX_PACKAGES: usize = 50_000;

/// A vendored package, with the module it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoredPackage {
    pub path: String,
    /// The `# module version` line above it.
    pub module: String,
    pub span: Span,
}

/// The packages of a `vendor/modules.txt`.
pub fn parse(text: &str) -> Vec<VendoredPackage> {
    let mut out = Vec::new();
    let mut module = String::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end();
        if let Some(rest) = line.strip_prefix("# ") {
            module = rest.split_whitespace().next().unwrap_or("").to_string();
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() || module.is_empty() {
            continue;
        }
        if out.len() >= MAX_PACKAGES {
            break;
        }
        let lead = line.len() - line.trim_start().len();
        out.push(VendoredPackage {
            path: line.trim().to_string(),
            module: module.clone(),
            span: Span::new(start + lead, start + line.len()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_under_their_module() {
        let t = "# github.com/google/gopacket v1.1.19\n## explicit; go 1.12\ngithub.com/google/gopacket\ngithub.com/google/gopacket/pcap\n# golang.org/x/sys v0.20.0\ngolang.org/x/sys/unix\n";
        let p = parse(t);
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].path, "github.com/google/gopacket/pcap");
        assert_eq!(p[1].module, "github.com/google/gopacket");
        assert_eq!(
            &t[p[1].span.start..p[1].span.end],
            "github.com/google/gopacket/pcap"
        );
        assert!(parse("pkg/without/module\n#\n# \n").is_empty());
    }
}
