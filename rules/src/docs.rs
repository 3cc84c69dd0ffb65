//! Rule documentation rendered from the declarations: `wasm-migrate explain`, docs/rules/ and SARIF
//! help all come from here, so they cannot drift apart.

use std::fmt::Write;

use crate::{Rule, RuleMeta, all_rules};

/// The doc comment with the one leading space of each `///` line removed.
pub fn doc_markdown(meta: &RuleMeta) -> String {
    let mut out = String::new();
    for line in meta.doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        // Examples are marked `rust,ignore` so rustdoc does not compile them; readers see `rust`.
        let line = if line.starts_with("```rust,ignore") {
            "```rust"
        } else {
            line
        };
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}

/// One page of docs/rules/.
pub fn rule_page(meta: &RuleMeta) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# {} {}\n", meta.code, meta.name);
    let _ = writeln!(s, "{}.\n", capitalize(meta.summary));
    let _ = writeln!(s, "| category | severity | penalty |\n|---|---|---|");
    let _ = writeln!(
        s,
        "| `{}` | {} | {} |\n",
        meta.category.as_str(),
        meta.severity.as_str(),
        meta.penalty
    );
    s.push_str(&doc_markdown(meta));
    s
}

/// docs/rules/README.md: the catalogue as a table.
pub fn index_page() -> String {
    let mut s = String::from(
        "# Rules\n\nGenerated from the rule declarations in `rules/src/`; do not edit by hand.\nRegenerate with `WASM_MIGRATE_BLESS=1 cargo test -p wasm-migrate-rules --test docs`.\n\n",
    );
    s.push_str(
        "| code | name | category | severity | penalty | flags |\n|---|---|---|---|---|---|\n",
    );
    for r in all_rules() {
        let m = r.meta();
        let _ = writeln!(
            s,
            "| [{code}]({code}.md) | {} | `{}` | {} | {} | {} |",
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            m.penalty,
            m.summary,
            code = m.code
        );
    }
    s
}

/// Every generated file: (file name, contents).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_string(), index_page())];
    files.extend(
        all_rules()
            .into_iter()
            .map(|r: &dyn Rule| (format!("{}.md", r.meta().code), rule_page(r.meta()))),
    );
    files
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
