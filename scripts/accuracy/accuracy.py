#!/usr/bin/env python3
"""Measure how well wasm-migrate predicts whether a Cargo project builds for wasm32-wasip2.

Not part of CI: it needs crates.io (to fetch) and a long time (to compile). Two steps:

  scripts/accuracy/accuracy.py check   [--work DIR] [--only NAME...] [--force]
      Generate one small project per case in cases.toml under DIR (default target/accuracy),
      fetch its dependencies (online), then run
      `cargo check --offline --target wasm32-wasip2` and record the outcome in DIR/results.json.
      Finished cases are skipped unless --force.

  scripts/accuracy/accuracy.py compare [--work DIR] --bin PATH [--out docs/accuracy.md]
      Run `PATH scan CASE --format json` on every project, read the prediction (a WM2xx finding
      whose message says "does not compile for wasm32-wasip2"), and write the table and the
      agreement rate to docs/accuracy.md.

wasm-migrate itself never runs cargo; this script does, on projects it generated itself.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TARGET = "wasm32-wasip2"
MARKER = "does not compile for wasm32-wasip2"


def load_cases():
    with open(HERE / "cases.toml", "rb") as f:
        cases = tomllib.load(f)["case"]
    for c in cases:
        c.setdefault("name", c["crate"])
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"duplicate case names: {sorted(dup)}")
    return cases


def write_project(root: Path, case):
    d = root / "cases" / case["name"]
    (d / "src").mkdir(parents=True, exist_ok=True)
    manifest = (
        "[package]\n"
        f'name = "acc-{case["name"]}"\n'
        'version = "0.1.0"\n'
        'edition = "2021"\n\n'
        "# Its own workspace, so the generated projects never join an enclosing one.\n"
        "[workspace]\n\n"
        "[dependencies]\n"
        f'{case["deps"].strip()}\n'
    )
    if (d / "Cargo.toml").exists() and (d / "Cargo.toml").read_text() == manifest:
        pass
    else:
        (d / "Cargo.toml").write_text(manifest)
        lock = d / "Cargo.lock"
        if lock.exists():
            lock.unlink()
    (d / "src" / "main.rs").write_text(case.get("main", "fn main() {}\n"))
    return d


def run(cmd, cwd, env, timeout):
    t = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr, time.time() - t
    except subprocess.TimeoutExpired:
        return -1, "timeout", time.time() - t


FAIL_PATTERNS = [
    re.compile(r"failed to run custom build command for `([^`]+)`"),
    re.compile(r"could not compile `([^`]+)`"),
]


def first_failure(output: str):
    for line in output.splitlines():
        for pat in FAIL_PATTERNS:
            m = pat.search(line)
            if m:
                return m.group(1)
    for line in output.splitlines():
        if line.startswith("error"):
            return line[:160]
    return None


def resolved_version(project: Path, crate: str):
    lock = project / "Cargo.lock"
    if not lock.exists():
        return None
    with open(lock, "rb") as f:
        data = tomllib.load(f)
    versions = [p["version"] for p in data.get("package", []) if p.get("name") == crate]
    return versions[-1] if versions else None


def cmd_check(args):
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    results_path = work / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = str(work / "target")
    env.setdefault("CARGO_TERM_COLOR", "never")
    for case in load_cases():
        name = case["name"]
        if args.only and name not in args.only:
            continue
        project = write_project(work, case)
        prev = results.get(name)
        if prev and not args.force and prev.get("deps") == case["deps"] and "failed to download" not in (prev.get("failing") or ""):
            continue
        print(f"== {name}", flush=True)
        # Fetch for every platform: a target-filtered fetch can miss packages that an offline
        # build still asks for (optional dependencies enabled by features).
        code, out, _ = run(["cargo", "fetch"], project, env, 1800)
        if code != 0:
            results[name] = {"deps": case["deps"], "status": "fetch-failed", "detail": out[-400:]}
            results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
            continue
        code, out, secs = run(
            ["nice", "-n", "10", "cargo", "check", "--offline", "--target", TARGET, "-j", "2",
             "--message-format", "short"],
            project, env, 3600,
        )
        status = "builds" if code == 0 else ("timeout" if code == -1 else "fails")
        results[name] = {
            "deps": case["deps"],
            "status": status,
            "failing": None if code == 0 else first_failure(out),
            "version": resolved_version(project, case["crate"]),
            "seconds": round(secs, 1),
            "tail": "" if code == 0 else "\n".join(out.splitlines()[-25:]),
        }
        (project / "check.log").write_text(out)
        results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
        print(f"   {status} {results[name]['failing'] or ''} ({secs:.0f}s)", flush=True)


def predict(binary: str, project: Path):
    p = subprocess.run([binary, "scan", str(project), "--format", "json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, [f"scan exited {p.returncode}: {p.stderr.strip()[:200]}"]
    report = json.loads(p.stdout)
    reasons = []
    fails = False
    for w in report.get("workloads", []):
        for f in w.get("findings", []):
            if not f["rule"].startswith("WM2"):
                continue
            if MARKER in f["message"]:
                fails = True
                reasons.append(f"{f['rule']}: {f['message']}")
    return fails, reasons


def md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def cmd_compare(args):
    work = Path(args.work).resolve()
    results = json.loads((work / "results.json").read_text())
    explanations = {}
    expl_path = HERE / "explanations.toml"
    if expl_path.exists():
        with open(expl_path, "rb") as f:
            explanations = tomllib.load(f)
    rows = []
    agree = total = 0
    for case in load_cases():
        name = case["name"]
        r = results.get(name)
        if not r or r["status"] not in ("builds", "fails"):
            continue
        project = work / "cases" / name
        fails, reasons = predict(args.bin, project)
        if fails is None:
            continue
        actual_fails = r["status"] == "fails"
        ok = fails == actual_fails
        total += 1
        agree += ok
        why = reasons[0] if reasons else ""
        rows.append((name, case["crate"], r.get("version") or "?", case["deps"], r["status"],
                     "fails" if fails else "builds", ok, r.get("failing") or "", why,
                     explanations.get(name, {}).get("why", "")))
    rate = 100.0 * agree / total if total else 0.0
    out = []
    out.append("# Accuracy: predicted vs. actual `cargo check --target wasm32-wasip2`\n")
    out.append(
        "Generated by `scripts/accuracy/accuracy.py` (not part of CI). Each case is a fresh Cargo "
        "project whose only content is the dependency line shown and `fn main() {}`. The actual "
        "result is `cargo check --offline --target wasm32-wasip2` after `cargo fetch`; the "
        "prediction is wasm-migrate's scan of the same directory, which never runs cargo: a case is "
        f"predicted to fail when a `WM2xx` finding says it \"{MARKER}\".\n"
    )
    out.append(
        "The machine has the `wasm32-wasip2` Rust target but no C toolchain for wasm (no clang, no "
        "wasi-sdk), which is the common situation: crates that compile C for the target fail here. "
        "With wasi-sdk installed some of them (ring, zstd-sys) would build.\n"
    )
    out.append(f"**Agreement: {agree} of {total} cases ({rate:.1f}%).**\n")
    out.append("| case | crate | version | dependency line | cargo check | predicted | agree | first failing crate | wasm-migrate says |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for (name, crate, ver, deps, actual, pred, ok, failing, why, _) in rows:
        out.append(
            f"| {name} | {crate} | {ver} | `{md_escape(deps)}` | {actual} | {pred} | "
            f"{'yes' if ok else '**no**'} | {md_escape(failing)} | {md_escape(why[:140])} |"
        )
    disagreements = [r for r in rows if not r[6]]
    out.append("\n## Disagreements\n")
    if not disagreements:
        out.append("None.\n")
    for r in disagreements:
        out.append(f"- **{r[0]}**: cargo check {r[4]}, predicted {r[5]}. {r[9] or 'Not yet explained.'}")
    out.append("")
    Path(args.out).write_text("\n".join(out))
    print(f"agreement {agree}/{total} = {rate:.1f}% -> {args.out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--work", default=str(REPO / "target" / "accuracy"))
    c.add_argument("--only", nargs="*")
    c.add_argument("--force", action="store_true")
    p = sub.add_parser("compare")
    p.add_argument("--work", default=str(REPO / "target" / "accuracy"))
    p.add_argument("--bin", required=True)
    p.add_argument("--out", default=str(REPO / "docs" / "accuracy.md"))
    args = ap.parse_args()
    {"check": cmd_check, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    main()
