//! `--format json`: the wire format of DESIGN §6, pretty-printed with a trailing newline.

use rules::report::Report;

pub fn render(report: &Report) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(report)? + "\n")
}
