#!/usr/bin/env bash
# Benchmark `wasm-migrate scan` on synthetic repositories of N files; prints wall time and peak RSS.
# Usage: scripts/bench-scan.sh [N ...]   (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --example gen_repo
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${@:-1000 10000}"; do
  for n1 in $n; do
    target/release/examples/gen_repo "$work/repo$n1" "$n1" 2>/dev/null
    target/release/wasm-migrate scan "$work/repo$n1" --format json --output /dev/null >/dev/null || true  # warm the page cache
    for run in 1 2 3; do
      /usr/bin/time -f "files=$n1 run=$run wall=%es peak_rss=%MKB" target/release/wasm-migrate scan "$work/repo$n1" --format json --output /dev/null >/dev/null || true
    done
  done
done
