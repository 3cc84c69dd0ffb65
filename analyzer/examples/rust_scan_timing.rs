//! Times `analyze_source` over the `.rs` files under a directory (up to a line budget), in
//! parallel with rayon: `cargo run --release -p wasm-migrate-analyzer --example rust_scan_timing -- DIR 100000`.
use rayon::prelude::*;
use std::time::Instant;
use wasm_migrate_analyzer::rust::analyze_source;
use wasm_migrate_analyzer::source::{FileId, SourceFile};

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| ".".into());
    let budget: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut paths = Vec::new();
    walk(std::path::Path::new(&dir), &mut paths);
    let mut files = Vec::new();
    let mut lines = 0;
    for p in paths {
        if lines >= budget {
            break;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        lines += text.lines().count();
        files.push(SourceFile::new(
            FileId(files.len() as u32),
            p.display().to_string(),
            text,
        ));
    }
    let t = Instant::now();
    let results: Vec<_> = files.par_iter().map(analyze_source).collect();
    let el = t.elapsed();
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let facts: usize = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|r| r.facts.len())
        .sum();
    println!(
        "{} files, {} lines, {} parsed, {} facts, {:.1} ms",
        files.len(),
        lines,
        ok,
        facts,
        el.as_secs_f64() * 1e3
    );
}
