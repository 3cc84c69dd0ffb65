#!/usr/bin/env bash
# The benchmarks of docs/performance.md: generate synthetic repositories, then time the release
# binary on them (one warm-up run, then RUNS timed runs; prints each run, the best and the median
# wall time, and the peak RSS of the best run). Nothing is written into the repository: the
# generated trees go to $BENCH_DIR (default: a temp dir, removed at exit).
#
# Usage: scripts/bench.sh [scan|rust|convert|render|all ...]   (default: all)
#        RUNS=3 BENCH_DIR=target/bench scripts/bench.sh convert
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release -q --example gen_repo --example gen_rust_repo --example gen_convert_repo
cargo build --release -q
# Where cargo put them: CARGO_TARGET_DIR when set, as cargo itself decides.
tgt=${CARGO_TARGET_DIR:-target}
bin=$tgt/release/wasm-migrate
ex=$tgt/release/examples
if [[ -n "${BENCH_DIR:-}" ]]; then
  work=$BENCH_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(rustc --version)"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure LABEL CMD...: warm-up, then RUNS timed runs of CMD (stdout discarded).
measure() {
  local label=$1
  shift
  "$@" >/dev/null 2>&1 || true
  local walls=() line
  for run in $(seq "$RUNS"); do
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" >/dev/null 2>&1 || true
    line=$(tail -1 "$work/time.txt")
    walls+=("$line")
    echo "  $label run=$run wall=${line% *}s peak_rss=${line#* }KB"
  done
  printf '%s\n' "${walls[@]}" | sort -n | awk -v l="$label" '
    { w[NR]=$1; m[NR]=$2 }
    END { printf "%s: best %.2f s (peak RSS %d KB), median %.2f s\n", l, w[1], m[1], w[int((NR+1)/2)] }'
}

regen() { # regen DIR GENERATOR ARGS...: run GENERATOR DIR ARGS... unless DIR exists
  local dir=$1 gen=$2
  shift 2
  [[ -d "$dir" ]] || "$gen" "$dir" "$@" 2>/dev/null
}

bench_scan() {
  for n in 1000 10000; do
    regen "$work/scan$n" "$ex/gen_repo" "$n"
    echo "scan, $n files: $(find "$work/scan$n" -type f | wc -l) files"
    measure "scan-$n" "$bin" scan "$work/scan$n" --format json --output /dev/null
  done
}

bench_rust() {
  regen "$work/rust" "$ex/gen_rust_repo" 500 100000 25
  echo "rust: $(grep -c '^\[\[package' "$work/rust/Cargo.lock") lock packages, $(find "$work/rust" -name '*.rs' | wc -l) .rs files, $(find "$work/rust" -name '*.rs' -exec cat {} + | wc -l) lines"
  measure "rust-scan" "$bin" scan "$work/rust" --format json --output /dev/null
}

bench_convert() {
  regen "$work/convert" "$ex/gen_convert_repo" 10000
  # A benchmark that converts nothing is worthless: count the rewritten workloads.
  "$bin" convert "$work/convert" >"$work/convert.diff" || true
  echo "convert: $(head -1 "$work/convert.diff")"
  echo "convert: $(grep -c '^diff --git a/services/.*/deploy.yaml' "$work/convert.diff") manifests diffed, $(grep -c '^Deployment/' "$work/convert.diff") workload headers"
  measure "convert-10000" "$bin" convert "$work/convert"
}

bench_render() {
  # 810 services of gen_repo make 1,000 workloads (a Deployment each, a StatefulSet every 7th,
  # a DaemonSet every 11th): 810 + 116 + 74.
  regen "$work/render" "$ex/gen_repo" 1620
  "$bin" scan "$work/render" --format json --output "$work/render.json" || true
  echo "render: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["workloads"]))' "$work/render.json") workloads in the saved report"
  for f in human json sarif markdown html; do
    measure "report-$f" "$bin" report "$work/render.json" --format "$f"
  done
  measure "scan-all-formats" "$bin" scan "$work/render" \
    --format human --output /dev/null --format json --output /dev/null \
    --format sarif --output /dev/null --format markdown --output /dev/null \
    --format html --output /dev/null
}

targets=("$@")
[[ ${#targets[@]} -eq 0 || "${targets[0]}" == all ]] && targets=(scan rust convert render)
for t in "${targets[@]}"; do
  "bench_$t"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
