#!/usr/bin/env python3
"""Measure how well wasm-migrate predicts whether a Cargo project builds for wasm32-wasip2.

Not part of CI: it needs crates.io (to fetch) and a long time (to compile). Two steps:

  scripts/accuracy/accuracy.py check   [--cases FILE] [--work DIR] [--only NAME...] [--force]
                                       [--jobs N] [--nice N]
      Generate one small project per case in cases.toml under DIR (default target/accuracy),
      fetch its dependencies (online), then run
      `cargo check --offline --target wasm32-wasip2` and, when that succeeds,
      `cargo build --offline --target wasm32-wasip2` (check never links, so a -sys crate that
      only names a system library passes check and fails here). Both outcomes go to
      DIR/results.json. Finished steps are skipped unless --force.

  scripts/accuracy/accuracy.py compare [--cases FILE] [--work DIR] --bin PATH [--out docs/accuracy.md]
                                       [--bin-commit SHA]
      Run `PATH scan CASE --format json` on every project, read the prediction (a WM2xx finding
      whose message says "does not compile for wasm32-wasip2"), compare it with the build
      outcome (a case whose check fails cannot build), and write the table, both oracles'
      columns and the agreement rate to docs/accuracy.md. Each case is scanned a second time
      with `--cargo-metadata` (cargo's own feature resolution); that agreement is recorded beside
      the static one, and so is whether the two scans give the same findings and chains.

--cases defaults to cases.toml and --work to target/accuracy (target/accuracy-<stem> for another
case file). A case file whose cases carry `split = "dev"|"holdout"` (cases-sampled.toml, written
by sample.py) is compared apart: one section of docs/accuracy.md with the agreement of each split,
the dev cases by name and the holdout as numbers only.

wasm-migrate itself never runs cargo unless asked (`--cargo-metadata`); this script does, on
projects it generated itself.
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


def load_cases(path=HERE / "cases.toml"):
    with open(path, "rb") as f:
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
        f'name = "acc-{case["name"].replace(".", "-")}"\n'
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
    (d / "src" / "main.rs").write_text(case.get("main") or main_rs(case["deps"], d))
    return d


def main_rs(deps: str, project: Path) -> str:
    """`extern crate x as _;` for every dependency, then an empty `main`. Without the extern
    lines rustc never loads an unused dependency, so its native libraries (`-lsqlite3`) would
    never reach the linker and `cargo build` would succeed where a real program fails."""
    names = lib_names(project)
    if names is None:
        keys = tomllib.loads("[dependencies]\n" + deps)["dependencies"].keys()
        names = [k.replace("-", "_") for k in keys]
    lines = [f"extern crate {n} as _;" for n in names]
    return "\n".join(lines + ["", "fn main() {}", ""])


def lib_names(project: Path):
    """The library names rustc knows the project's dependencies by, from cargo's resolve (once
    fetched, offline): a package's library can be named otherwise (rust-ini's is `ini`), and
    `extern crate` needs that name. None when cargo cannot resolve offline yet."""
    try:
        p = subprocess.run(["cargo", "metadata", "--offline", "--format-version", "1"],
                           cwd=project, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None
    if p.returncode != 0:
        return None
    meta = json.loads(p.stdout)
    root = (meta.get("resolve") or {}).get("root")
    for node in (meta.get("resolve") or {}).get("nodes", []):
        if node["id"] == root:
            return [d["name"] for d in node.get("deps", [])
                    if any(k.get("kind") is None for k in d.get("dep_kinds", []))]
    return None


def run(cmd, cwd, env, timeout):
    t = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr, time.time() - t
    except subprocess.TimeoutExpired:
        return -1, "timeout", time.time() - t


LINK_FAILED = re.compile(r"linking with `([^`]+)` failed")
MISSING_LIB = re.compile(r"unable to find library (-l\S+)")

FAIL_PATTERNS = [
    re.compile(r"failed to run custom build command for `([^`]+)`"),
    re.compile(r"could not compile `([^`]+)`"),
]


def first_failure(output: str):
    m = MISSING_LIB.search(output)
    if m:
        return f"link: {m.group(1)} not found"
    if "is neither Wasm object file nor LLVM bitcode" in output:
        # A build script put the host's library directory on the link line (pq-sys via
        # pg_config): the host's native archives are linked into the module.
        return "link: host (non-wasm) libraries"
    m = LINK_FAILED.search(output)
    if m:
        # The link step names only the binary being linked; say that it is the link that fails.
        return f"link ({m.group(1)})"
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
    env["CARGO_BUILD_JOBS"] = str(args.jobs)
    for case in load_cases(args.cases):
        name = case["name"]
        if args.only and name not in args.only:
            continue
        project = write_project(work, case)
        main = (project / "src" / "main.rs").read_text()
        prev = results.get(name)
        fresh = (
            prev
            and not args.force
            and prev.get("deps") == case["deps"]
            and prev.get("main") == main
            and "failed to download" not in (prev.get("failing") or "")
            and prev.get("status") in ("builds", "fails", "timeout")
        )
        if not fresh:
            print(f"== {name}", flush=True)
            # Fetch for every platform: a target-filtered fetch can miss packages that an offline
            # build still asks for (optional dependencies enabled by features).
            code, out, _ = run(["cargo", "fetch"], project, env, 1800)
            if code != 0:
                results[name] = {"deps": case["deps"], "status": "fetch-failed", "detail": out[-400:]}
                results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
                continue
            # Fetched: cargo can now say what each dependency's library is called.
            project = write_project(work, case)
            main = (project / "src" / "main.rs").read_text()
            status, failing, secs, tail = cargo_step(project, env, "check", args)
            results[name] = {
                "deps": case["deps"],
                "main": main,
                "status": status,
                "failing": failing,
                "version": resolved_version(project, case["crate"]),
                "seconds": secs,
                "tail": tail,
            }
            results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
            print(f"   check {status} {failing or ''} ({secs:.0f}s)", flush=True)
        r = results[name]
        if r["status"] != "builds" or ("build" in r and fresh):
            continue
        # `cargo check` never links; the prediction is about building, so build what checks.
        print(f"== {name} (build)", flush=True)
        status, failing, secs, tail = cargo_step(project, env, "build", args)
        r["build"] = {"status": status, "failing": failing, "seconds": secs, "tail": tail}
        results_path.write_text(json.dumps(results, indent=1, sort_keys=True))
        print(f"   build {status} {failing or ''} ({secs:.0f}s)", flush=True)


def cargo_step(project: Path, env, step: str, args):
    """`cargo check` or `cargo build` for the target; (status, first failing crate, seconds, tail)."""
    # The short message format drops the linker's notes, which name the missing library.
    fmt = ["--message-format", "short"] if step == "check" else []
    code, out, secs = run(
        ["nice", "-n", str(args.nice), "cargo", step, "--offline", "--target", TARGET,
         "-j", str(args.jobs), *fmt],
        project, env, 3600,
    )
    (project / f"{step}.log").write_text(out)
    status = "builds" if code == 0 else ("timeout" if code == -1 else "fails")
    if code == 0:
        return status, None, round(secs, 1), ""
    return status, first_failure(out), round(secs, 1), "\n".join(out.splitlines()[-25:])


def build_outcome(r):
    """What `cargo build` gives: its own run when check succeeded, else the check's failure
    (what does not check does not build)."""
    if r["status"] != "builds":
        return r["status"], r.get("failing") or ""
    b = r.get("build")
    if not b:
        return None, ""
    return b["status"], b.get("failing") or ""


def predict(binary: str, project: Path, extra=()):
    """The prediction of `scan` (with `extra` flags): (fails, reasons, notes)."""
    p = subprocess.run([binary, "scan", str(project), "--format", "json", *extra],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        return None, [f"scan exited {p.returncode}: {p.stderr.strip()[:200]}"], []
    report = json.loads(p.stdout)
    notes = [n.get("message", "") for n in report.get("notes", [])]
    # Every dependency finding as (rule, chain): what the two resolutions are compared on.
    evidence = sorted(
        (f["rule"], " -> ".join(f.get("chain") or []))
        for w in report.get("workloads", []) for f in w.get("findings", [])
        if f["rule"].startswith("WM2")
    )
    reasons = []
    fails = False
    for w in report.get("workloads", []):
        for f in w.get("findings", []):
            if not f["rule"].startswith("WM2"):
                continue
            if MARKER in f["message"]:
                fails = True
                reasons.append(f"{f['rule']}: {f['message']}")
    return fails, reasons, notes, evidence


def md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def cmd_compare(args):
    if any("split" in c for c in load_cases(args.cases)):
        return cmd_compare_sampled(args)
    work = Path(args.work).resolve()
    results = json.loads((work / "results.json").read_text())
    explanations = {}
    expl_path = HERE / "explanations.toml"
    if expl_path.exists():
        with open(expl_path, "rb") as f:
            explanations = tomllib.load(f)
    rows = []
    agree = total = agree_check = agree_meta = resolved_meta = same_evidence = 0
    holdout_agree = holdout_total = holdout_first = 0
    evidence_diffs = []
    for case in load_cases(args.cases):
        name = case["name"]
        r = results.get(name)
        if not r or r["status"] not in ("builds", "fails"):
            continue
        built, failing = build_outcome(r)
        if built not in ("builds", "fails"):
            continue
        project = work / "cases" / name
        fails, reasons, _, evidence = predict(args.bin, project)
        if fails is None:
            continue
        ok = fails == (built == "fails")
        total += 1
        agree += ok
        if case.get("holdout"):
            holdout_total += 1
            holdout_agree += ok
            # A case fixed after it was first measured counts as a disagreement in the number
            # as first measured.
            holdout_first += ok and not case.get("holdout_fixed")
        # The same scan with cargo's own feature resolution (`--cargo-metadata`); the case's
        # registry crates are in cargo's cache after `check`, so the offline run can resolve.
        m_fails, _, m_notes, m_evidence = predict(args.bin, project, ["--cargo-metadata"])
        m_resolved = any("resolved by cargo" in n for n in m_notes)
        if m_evidence == evidence:
            same_evidence += 1
        else:
            evidence_diffs.append((name, evidence, m_evidence))
        m_ok = m_fails == (built == "fails")
        agree_meta += bool(m_ok)
        resolved_meta += m_resolved
        agree_check += fails == (r["status"] == "fails")
        why = reasons[0] if reasons else ""
        rows.append({
            "name": name + (" (holdout)" if case.get("holdout") else ""), "crate": case["crate"], "version": r.get("version") or "?",
            "deps": case["deps"], "check": r["status"],
            "build": built if r["status"] == "builds" else "(fails at check)",
            "actual": built, "pred": "fails" if fails else "builds", "ok": ok,
            "meta": ("fails" if m_fails else "builds") + ("" if m_resolved else " (static)"),
            "meta_ok": m_ok,
            "failing": failing, "why": why, "expl": (explanations.get(name) or {}).get("why", "") if isinstance(explanations.get(name), dict) else "",
        })
    rate = 100.0 * agree / total if total else 0.0
    rate_check = 100.0 * agree_check / total if total else 0.0
    rate_meta = 100.0 * agree_meta / total if total else 0.0
    out = []
    out.append("# Accuracy: predicted vs. actual `cargo build --target wasm32-wasip2`\n")
    out.append(
        "Generated by `scripts/accuracy/accuracy.py` (not part of CI). Each case is a fresh Cargo "
        "binary project whose only content is the dependency line shown and a `main.rs` with "
        "`extern crate x as _;` for each dependency and an empty `fn main() {}` (the extern lines "
        "make rustc load and link every dependency, native libraries included). The "
        "prediction is wasm-migrate's scan of the same directory, which never runs cargo: a case is "
        f"predicted to fail when a `WM2xx` finding says it \"{MARKER}\".\n"
    )
    out.append(
        "**The oracle is `cargo build`, with `cargo check` recorded next to it.** After `cargo fetch`, "
        "every case runs `cargo check --offline --target wasm32-wasip2`; a case that checks cleanly "
        "then runs `cargo build --offline --target wasm32-wasip2`, which also generates code and "
        "links the binary (a case that fails check cannot build, so it is not built). The issue asks "
        "for `cargo check`, but check never links: a `-sys` crate that only tells rustc to link a "
        "system library (pq-sys, libsqlite3-sys without `bundled`) passes check and fails at the "
        "link, and the prediction is about whether the project builds. Both columns are in the "
        "table, and the agreement with each is given below.\n"
    )
    out.append(
        "The machine has the `wasm32-wasip2` Rust target but no C toolchain for wasm (no clang, no "
        "wasi-sdk), which is the common situation: crates that compile C for the target fail here. "
        "With wasi-sdk installed some of them (ring, zstd-sys) would build.\n"
    )
    rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    out.append(
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} on a {os.cpu_count()}-core machine: "
        f"{rustc} with the `{TARGET}` target, crates as crates.io resolved them (versions in the "
        f"table; each case's Cargo.lock is kept in the work directory), wasm-migrate built at "
        f"commit {commit}. `python3 scripts/accuracy/accuracy.py check --work /tmp/acc`, then "
        f"`... compare --work /tmp/acc --bin <release binary>`.\n"
    )
    out.append(
        f"**Agreement with `cargo build`: {agree} of {total} cases ({rate:.1f}%).** "
        f"Agreement with `cargo check` alone: {agree_check} of {total} ({rate_check:.1f}%).\n"
    )
    if holdout_total:
        first_rate = 100.0 * holdout_first / holdout_total
        h_rate = 100.0 * holdout_agree / holdout_total
        fixed = [c["name"] for c in load_cases(args.cases) if c.get("holdout_fixed")]
        out.append(
            f"**Holdout, as first measured: {holdout_first} of {holdout_total} ({first_rate:.1f}%).** "
            f"The cases marked `(holdout)` were added after the knowledge tables were last "
            f"corrected and measured before any change for them, so this is the number to expect "
            f"on crates the tool was not taught. The disagreements found there were then fixed "
            f"({', '.join(fixed) or 'none'}; `holdout_fixed` in cases.toml says how), and the "
            f"holdout now agrees in {holdout_agree} of {holdout_total} ({h_rate:.1f}%); those cases "
            f"are no holdout any more for the next measurement.\n"
        )
    out.append(
        f"With `scan --cargo-metadata` (cargo's own feature resolution instead of the static one, "
        f"docs/cargo.md; cargo resolved {resolved_meta} of {total} cases, the others fell back to "
        f"the static model and are marked so): {agree_meta} of {total} ({rate_meta:.1f}%) agree "
        f"with `cargo build`. Beyond the verdict, the evidence: the `WM2xx` findings of the two "
        f"scans (rule and dependency chain) are identical in {same_evidence} of {total} cases "
        f"(differences under \"Static model vs. cargo's feature resolver\").\n"
    )
    out.append("| case | crate | version | dependency line | cargo check | cargo build | predicted | agree | with --cargo-metadata | first failing crate | wasm-migrate says |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for x in rows:
        out.append(
            f"| {x['name']} | {x['crate']} | {x['version']} | `{md_escape(x['deps'])}` | {x['check']} | "
            f"{x['build']} | {x['pred']} | {'yes' if x['ok'] else '**no**'} | "
            f"{x['meta'] if x['meta_ok'] else '**' + x['meta'] + '**'} | {md_escape(x['failing'])} | "
            f"{md_escape(x['why'][:140])} |"
        )
    out.append("\n## Disagreements\n")
    disagreements = [x for x in rows if not x["ok"]]
    if not disagreements:
        out.append("None.\n")
    for x in disagreements:
        out.append(f"- **{x['name']}**: cargo build {x['actual']}, predicted {x['pred']}. {x['expl'] or 'Not yet explained.'}")
    out.append("\n## Static model vs. cargo's feature resolver\n")
    if not evidence_diffs:
        out.append("No differences: every case gives the same findings with the same chains.\n")
    for name, a, b in evidence_diffs:
        fmt = lambda ev: "; ".join(f"{r} `{c}`" for r, c in ev) or "none"
        out.append(f"- **{name}**: static {fmt(a)}; with `--cargo-metadata` {fmt(b)}")
    notes = explanations.get("notes", [])
    if notes:
        out.append("\n## Notes\n")
        out.extend(f"- {n}" for n in notes)
    out.append("")
    # Sections other scripts own (the real-world corpus, scripts/corpus/score.py) are kept as they
    # are: everything from the first of their headings on.
    kept = ""
    target = Path(args.out)
    if target.exists():
        old = target.read_text()
        marker = min((i for i in (old.find("\n" + SAMPLED_HEADING), old.find("\n## Real-world corpus"))
                      if i != -1), default=-1)
        if marker != -1:
            kept = old[marker:]
    target.write_text("\n".join(out).rstrip("\n") + "\n" + kept)
    print(f"agreement {agree}/{total} = {rate:.1f}% (with check alone {agree_check}/{total} = {rate_check:.1f}%; "
          f"with --cargo-metadata {agree_meta}/{total} = {rate_meta:.1f}%, {resolved_meta} resolved by cargo; "
          f"same findings {same_evidence}/{total}; holdout {holdout_first}/{holdout_total} as first measured, "
          f"{holdout_agree}/{holdout_total} now) -> {args.out}")


SAMPLED_HEADING = "## Compile prediction on sampled crates"
REGISTRY_PATH = re.compile(r"\S*/registry/src/[^/]+/")


def first_error(log: Path) -> str:
    """The compiler's first error line in a cargo log, registry paths shortened."""
    if not log.exists():
        return ""
    for line in log.read_text(errors="replace").splitlines():
        if "error" in line and "could not compile" not in line and not line.startswith("warning"):
            return REGISTRY_PATH.sub("", line).replace("`", "'")[:180]
    return ""


def cmd_compare_sampled(args):
    """Agreement on a sampled case file (cases-sampled.toml), dev and holdout apart. Only dev cases
    are shown by name: the holdout is reported as numbers, so nobody tunes the tables to it.
    Writes (or replaces) one section of --out, headed with the date and the binary's commit."""
    work = Path(args.work).resolve()
    results = json.loads((work / "results.json").read_text())
    counts = {}
    dev_rows, skipped = [], []
    for case in load_cases(args.cases):
        split = case.get("split", "dev")
        r = results.get(case["name"])
        built, failing = build_outcome(r) if r else (None, "")
        if built not in ("builds", "fails"):
            skipped.append((split, case["name"], (r or {}).get("status", "not run")))
            continue
        fails, reasons, _, _ = predict(args.bin, work / "cases" / case["name"])
        if fails is None:
            skipped.append((split, case["name"], reasons[0]))
            continue
        actual_fails = built == "fails"
        c = counts.setdefault(split, {"n": 0, "agree": 0, "fails": 0, "missed": 0, "flagged": 0})
        c["n"] += 1
        c["fails"] += actual_fails
        c["agree"] += fails == actual_fails
        # The two ways to be wrong: a build failure the tables do not know (a false "ready"),
        # or a finding on a crate that builds.
        c["missed"] += actual_fails and not fails
        c["flagged"] += fails and not actual_fails
        if split == "dev":
            if fails == actual_fails:
                kind = ""
            elif actual_fails and failing.split(" ")[0] == case["crate"]:
                kind = "its own platform code is not in the tables"
            elif actual_fails:
                kind = f"transitive platform API not in the tables (fails at `{failing}`)"
            else:
                kind = "flagged although it builds"
            log = work / "cases" / case["name"] / ("check.log" if r["status"] != "builds" else "build.log")
            dev_rows.append({
                "error": first_error(log) if actual_fails else "",
                "name": case["name"], "version": r.get("version") or "?", "check": r["status"],
                "build": built if r["status"] == "builds" else "(fails at check)",
                "pred": "fails" if fails else "builds", "ok": fails == actual_fails,
                "failing": failing, "why": reasons[0] if reasons else "", "kind": kind,
            })

    def rate(split):
        c = counts.get(split, {"n": 0, "agree": 0})
        pct = 100.0 * c["agree"] / c["n"] if c["n"] else 0.0
        return f"{c['agree']} of {c['n']} ({pct:.1f}%)"

    head = Path(args.cases).read_text().splitlines()
    source = " ".join(l[2:].rstrip(".") for l in head if l.startswith("# Sampled 2"))
    date = time.strftime("%Y-%m-%d", time.gmtime())
    commit = args.bin_commit or "unknown"
    rustc = subprocess.run(["rustc", "-V"], capture_output=True, text=True).stdout.strip()
    out = [f"{SAMPLED_HEADING} (first measurement, {date}, binary commit {commit})\n"]
    out.append(
        f"Cases: `{Path(args.cases).resolve().relative_to(REPO) if Path(args.cases).resolve().is_relative_to(REPO) else args.cases}`, "
        f"written by `scripts/accuracy/sample.py` and not chosen by hand ({source}; the queries are "
        f"in the file's head). Each crate with its default features, measured as the cases above "
        f"(`cargo check`, then `cargo build` for {TARGET}; {rustc}). The split was fixed before "
        f"any measurement: in rank order dev, holdout, dev, ... Nothing in the rules or tables was "
        f"changed for these cases.\n"
    )
    if "source debian" in source:
        out.append(
            "The crates.io web API (downloads by category) was out of reach from the measuring "
            "machine, only its package index was, so the sample is the sampler's other source: the "
            "Rust crates Debian packages (chosen by Debian's Rust team), whose one-line description "
            "names a network, file or process API, ordered by how many Debian Rust packages depend "
            "on them. Re-run `sample.py` with the default source where the API answers.\n"
        )
    for split in ("dev", "holdout"):
        c = counts.get(split)
        if c:
            out.append(
                f"- **{split}: agreement {rate(split)}**; {c['fails']} of {c['n']} fail to build; "
                f"wrong: {c['missed']} predicted to build that fail, {c['flagged']} predicted to "
                f"fail that build."
            )
    if skipped:
        out.append(f"- Not measured (no build outcome): dev {sum(1 for s in skipped if s[0] == 'dev')}, "
                   f"holdout {sum(1 for s in skipped if s[0] != 'dev')} "
                   f"({', '.join(sorted({s[2] for s in skipped}))}).")
    out.append("\n### Dev misses\n")
    misses = [x for x in dev_rows if not x["ok"]]
    out.extend(f"- **{x['name']}** {x['version']}: cargo build {x['build']}, predicted {x['pred']}: {x['kind']}."
               + (f" First error: `{md_escape(x['error'])}`." if x["error"] else "")
               + (f" wasm-migrate says: {md_escape(x['why'][:200])}" if x["why"] else "")
               for x in misses)
    if not misses:
        out.append("None.")
    out.append("\n### Dev cases\n")
    out.append("| case | version | cargo check | cargo build | predicted | agree | first failing crate | wasm-migrate says |")
    out.append("|---|---|---|---|---|---|---|---|")
    for x in dev_rows:
        out.append(f"| {x['name']} | {x['version']} | {x['check']} | {x['build']} | {x['pred']} | "
                   f"{'yes' if x['ok'] else '**no**'} | {md_escape(x['failing'])} | {md_escape(x['why'][:140])} |")
    section = "\n".join(out) + "\n"
    target = Path(args.out)
    old = target.read_text() if target.exists() else ""
    # Replace this section if it is there (the same heading line), else put it before the
    # real-world corpus, which another script owns.
    first = out[0].rstrip("\n")
    start = old.find("\n" + first + "\n")
    if start != -1:
        nxt = old.find("\n## ", start + 1)
        new = old[:start + 1] + section + (old[nxt:] if nxt != -1 else "")
    else:
        at = old.find("\n## Real-world corpus")
        at = len(old) if at == -1 else at
        new = old[:at].rstrip("\n") + "\n\n" + section + old[at:]
    target.write_text(new)
    print(" ".join(f"{s} {rate(s)}" for s in ("dev", "holdout")) + f" -> {args.out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--cases", default=str(HERE / "cases.toml"))
    c.add_argument("--work")
    c.add_argument("--only", nargs="*")
    c.add_argument("--force", action="store_true")
    # The machine is shared: how many compiler jobs, and how nice, each cargo step runs with.
    c.add_argument("--jobs", type=int, default=2)
    c.add_argument("--nice", type=int, default=10)
    p = sub.add_parser("compare")
    p.add_argument("--cases", default=str(HERE / "cases.toml"))
    p.add_argument("--work")
    p.add_argument("--bin", required=True)
    p.add_argument("--out", default=str(REPO / "docs" / "accuracy.md"))
    p.add_argument("--bin-commit", help="the commit the binary was built from (sampled sets)")
    args = ap.parse_args()
    if args.work is None:
        # Each case file has its own work directory, so results of two sets never mix.
        stem = Path(args.cases).stem
        args.work = str(REPO / "target" / ("accuracy" if stem == "cases" else f"accuracy-{stem}"))
    {"check": cmd_check, "compare": cmd_compare}[args.cmd](args)


if __name__ == "__main__":
    main()
