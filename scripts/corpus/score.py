#!/usr/bin/env python3
"""Score `wasm-migrate scan` against the hand labels of the real-world corpus.

    python3 scripts/corpus/score.py --bin target/release/wasm-migrate --split dev
    python3 scripts/corpus/score.py --bin BIN --split holdout --json holdout.json   # numbers only

For each repository of the split (materialized first by materialize.py into --scratch), run
`BIN scan <scratch>/<owner>__<name> --format json` (300 s timeout; crashes and timeouts are
recorded and their labels count as missing), match each labelled workload to the tool's workloads
and compute the metrics described in scripts/corpus/README.md.

`--show-disagreements` lists every disagreement of the dev split. It is refused for the holdout:
holdout disagreements must not be looked at while tuning, so only its numbers are ever printed.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import os
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
DEFAULT_SCRATCH = os.environ.get("WM_CORPUS_SCRATCH", "/tmp/wm-corpus")
TIMEOUT = 300
VERDICTS = ["ready", "portable", "blocked", "unknown"]
# Categories say what the evidence is; what it costs is the severity, which the verdict and score
# measure. So every finding counts for category precision and recall, notes included (a
# `wasm-module` note is how the tool says a workload already is Wasm). Until 2026-12-07 16:40 UTC
# only blockers and warnings counted (`--blocker-warning-categories` keeps that for comparison).
# Bookkeeping categories say nothing about the workload.
NOT_WORKLOAD_CATEGORIES = {"parse-error", "suppression"}
COUNTED_SEVERITIES = {"blocker", "warning", "note"}
NON_K8S_ID_PREFIXES = ("dockerfile:", "crate:")


# ---------------------------------------------------------------------------------------------
# inputs


def slug(repo: str) -> str:
    return repo.replace("/", "__")


def load_labels(split: str, only: list[str]) -> list[dict]:
    wanted = {Path(o).stem if o.endswith(".toml") else slug(o) for o in only}
    out = []
    for f in sorted(LABELS.glob("*.toml")):
        if wanted and f.stem not in wanted:
            continue
        with f.open("rb") as fh:
            d = tomllib.load(fh)
        if split != "all" and d.get("split") != split:
            continue
        d["_file"] = f.name
        out.append(d)
    unknown = wanted - {f.stem for f in LABELS.glob("*.toml")}
    if unknown:
        sys.exit(f"no label file for: {', '.join(sorted(unknown))}")
    return out


def run_scan(binary: str, root: Path) -> dict:
    t0 = time.monotonic()
    res: dict = {"status": "ok"}
    if not root.is_dir():
        return {"status": "not-materialized", "seconds": 0.0,
                "detail": f"{root} does not exist: run scripts/corpus/materialize.py"}
    try:
        p = subprocess.run([binary, "scan", str(root), "--format", "json"],
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "seconds": round(time.monotonic() - t0, 2),
                "detail": f"no answer within {TIMEOUT} s"}
    res["seconds"] = round(time.monotonic() - t0, 2)
    res["rc"] = p.returncode
    try:
        report = json.loads(p.stdout)
    except ValueError:
        report = None
    if report is None or not isinstance(report, dict) or "workloads" not in report:
        tail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        kind = "crash" if p.returncode < 0 or p.returncode >= 101 else "error"
        return dict(res, status=kind, detail=f"exit {p.returncode}: " + " | ".join(tail))
    res["report"] = report
    return res


def tool_version(binary: str) -> str:
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def tool_categories_vocabulary(binary: str) -> set[str]:
    try:
        s = json.loads(subprocess.run([binary, "schema"], capture_output=True, timeout=30).stdout)
        return set(s["$defs"]["Category"]["enum"])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        return set()


# ---------------------------------------------------------------------------------------------
# matching


def name_quality(label_name: str, tool_name: str) -> int:
    """2: same name; 1: the label's name under a kustomize/Helm prefix or suffix; 0: no match."""
    a, b = label_name.lower(), tool_name.lower()
    if a == b:
        return 2
    if b.endswith("-" + a) or b.startswith(a + "-") or ("-" + a + "-") in b:
        return 1
    return 0


def is_k8s(w: dict) -> bool:
    return not str(w.get("id", "")).startswith(NON_K8S_ID_PREFIXES)


def match_repo(labels: list[dict], tool: list[dict]) -> tuple[list[list[int]], list[str], set[int]]:
    """For each label, the indices of the tool workloads it matches, and how it matched.

    Pass 1: a tool workload of the same kind whose sources contain the label's file goes to the
    label(s) whose name it matches best (exact before prefixed/suffixed: kustomize overlays and
    Helm releases render renamed copies, and all of them count). Pass 2, for labels still without
    a match: kind + name alone, when exactly one tool workload not taken in pass 1 fits."""
    n = len(labels)
    matches: list[list[int]] = [[] for _ in range(n)]
    how = ["" for _ in range(n)]
    taken: set[int] = set()
    for ti, t in enumerate(tool):
        tkind = str(t.get("kind", "")).lower()
        srcs = set(t.get("sources") or [])
        best, who = 0, []
        for li, lab in enumerate(labels):
            if lab["kind"].lower() != tkind or lab["file"] not in srcs:
                continue
            q = name_quality(lab["name"], str(t.get("name", "")))
            if q > best:
                best, who = q, [li]
            elif q == best and q > 0:
                who.append(li)
        for li in who:
            matches[li].append(ti)
            how[li] = "file"
            taken.add(ti)
    for li, lab in enumerate(labels):
        if matches[li]:
            continue
        cands: dict[int, list[int]] = defaultdict(list)
        for ti, t in enumerate(tool):
            if ti in taken or str(t.get("kind", "")).lower() != lab["kind"].lower():
                continue
            q = name_quality(lab["name"], str(t.get("name", "")))
            if q:
                cands[q].append(ti)
        for q in (2, 1):
            if len(cands[q]) == 1:
                matches[li] = cands[q]
                how[li] = "name"
                break
            if len(cands[q]) > 1:
                break
    matched_tools = {ti for m in matches for ti in m}
    return matches, how, matched_tools


# ---------------------------------------------------------------------------------------------
# per-label records


def counted_categories(w: dict) -> set[str]:
    return {f["category"] for f in w.get("findings", [])
            if not f.get("suppressed") and f.get("severity") in COUNTED_SEVERITIES
            and f.get("category") not in NOT_WORKLOAD_CATEGORIES}


def parse_band(band: str) -> tuple[int, int] | None:
    if not band:
        return None
    lo, _, hi = band.partition("-")
    return int(lo), int(hi)


def parse_evidence(e: str) -> tuple[str, int | None]:
    f, sep, line = e.rpartition(":")
    if sep and line.isdigit():
        return f, int(line)
    return e, None


def label_record(repo: dict, lab: dict, tws: list[dict], how: str, scan_status: str) -> dict:
    verdicts = [w["verdict"] for w in tws]
    if not tws:
        tool_verdict = "missing"
    elif len(set(verdicts)) == 1:
        tool_verdict = verdicts[0]
    else:
        tool_verdict = "mixed"
    rec = {
        "repo": repo["repo"],
        "split": repo.get("split"),
        "id": f"{lab['kind']}/{lab['name']}",
        "file": lab["file"],
        "label_verdict": lab["verdict"],
        "confidence": lab.get("confidence", ""),
        "band": lab.get("band", ""),
        "label_categories": sorted(set(lab.get("categories", []))),
        "evidence": list(lab.get("evidence", [])),
        "why": lab.get("why", ""),
        "matched": bool(tws),
        "matched_by": how,
        "scan_status": scan_status,
        "tool_ids": [w["id"] for w in tws],
        "tool_verdicts": verdicts,
        "tool_verdict": tool_verdict,
        "tool_scores": [w.get("score") for w in tws],
        "tool_coverage": [w.get("coverage") for w in tws if w.get("coverage") is not None],
        "agree": bool(tws) and all(v == lab["verdict"] for v in verdicts),
        "given": bool(tws) and all(v != "unknown" for v in verdicts),
    }
    b = parse_band(lab.get("band", ""))
    rec["band_agree"] = (None if b is None or not tws
                         else all(w.get("score") is not None and b[0] <= int(w["score"]) <= b[1]
                                  for w in tws))
    cats: set[str] = set()
    for w in tws:
        cats |= counted_categories(w)
    rec["tool_categories"] = sorted(cats)
    ev = []
    for e in lab.get("evidence", []):
        ef, el = parse_evidence(e)
        hit = same_file = False
        for w in tws:
            for f in w.get("findings", []):
                locs = [(f.get("file"), f.get("line"))]
                for fl, ln in locs:
                    if fl != ef:
                        continue
                    same_file = True
                    if el is None or (isinstance(ln, int) and abs(ln - el) <= 1):
                        hit = True
        ev.append({"evidence": e, "within_one_line": hit, "same_file": same_file})
    rec["evidence_hits"] = ev
    rec["findings"] = sorted({f"{f['rule']}:{f['category']}:{f['severity']}"
                              for w in tws for f in w.get("findings", [])
                              if not f.get("suppressed")})
    return rec


def audit_rows(repo: dict, lab: dict, tws: list[dict]) -> list[dict]:
    """One row per category the tool reports and the label does not list: the findings that
    carry it, so someone who has not seen the label or the verdict can judge each against the
    file it points at (is the evidence there, and does it mean that category?)."""
    label_cats = set(lab.get("categories", []))
    rows: dict[tuple[str, str], dict] = {}
    for w in tws:
        for f in w.get("findings", []):
            c = f.get("category")
            if (f.get("suppressed") or f.get("severity") not in COUNTED_SEVERITIES
                    or c in NOT_WORKLOAD_CATEGORIES or c in label_cats):
                continue
            # One row per labelled workload and category, as precision counts them; the same
            # finding seen through several renderings (overlays) is listed once.
            row = rows.setdefault((lab["file"], lab["kind"], lab["name"], c), {
                "repo": repo["repo"], "workload": f"{lab['kind']}/{lab['name']}",
                "manifest": lab["file"], "category": c, "findings": []})
            seen = {(x["rule"], x["file"], x["line"]) for x in row["findings"]}
            if len(row["findings"]) < 4 and (f.get("rule"), f.get("file"), f.get("line")) not in seen:
                row["findings"].append({k: f.get(k) for k in
                                        ("rule", "severity", "file", "line", "message")})
    return list(rows.values())


# ---------------------------------------------------------------------------------------------
# metrics


def ratio(a: int, b: int) -> dict:
    return {"n": a, "of": b, "pct": round(100.0 * a / b, 1) if b else None}


def metrics(recs: list[dict], repos: list[dict], vocab: set[str]) -> dict:
    matched = [r for r in recs if r["matched"]]
    high = [r for r in recs if r["confidence"] == "high"]
    m: dict = {
        "repositories": len(repos),
        "scans_failed": sum(1 for r in repos if r["status"] != "ok"),
        "labels": len(recs),
        "labels_high_confidence": len(high),
        "verdict_agreement": ratio(sum(r["agree"] for r in recs), len(recs)),
        "verdict_agreement_high_confidence": ratio(sum(r["agree"] for r in high), len(high)),
        "verdict_agreement_matched": ratio(sum(r["agree"] for r in matched), len(matched)),
        "verdict_agreement_matched_high_confidence": ratio(
            sum(r["agree"] for r in matched if r["confidence"] == "high"),
            sum(1 for r in matched if r["confidence"] == "high")),
        "verdict_given": ratio(sum(r["given"] for r in recs), len(recs)),
        "false_ready": sum(1 for r in recs if r["label_verdict"] == "blocked"
                           and "ready" in r["tool_verdicts"]),
    }
    banded = [r for r in matched if r["band_agree"] is not None]
    m["band_agreement_matched"] = ratio(sum(bool(r["band_agree"]) for r in banded), len(banded))
    tp = fp = fn = fn_vocab = 0
    per_cat: dict[str, Counter] = defaultdict(Counter)
    for r in matched:
        lc, tc = set(r["label_categories"]), set(r["tool_categories"])
        for c in lc & tc:
            per_cat[c]["tp"] += 1
        for c in tc - lc:
            per_cat[c]["fp"] += 1
        for c in lc - tc:
            per_cat[c]["fn"] += 1
        tp += len(lc & tc)
        fp += len(tc - lc)
        fn += len(lc - tc)
        fn_vocab += len({c for c in lc - tc if not vocab or c in vocab})
    m["category_precision"] = ratio(tp, tp + fp)
    m["category_recall"] = ratio(tp, tp + fn)
    m["category_recall_tool_vocabulary"] = ratio(tp, tp + fn_vocab)
    m["category_table"] = {c: dict(v) for c, v in sorted(per_cat.items())}
    ev_m = [e for r in matched for e in r["evidence_hits"]]
    ev_all = sum(len(r["evidence"]) for r in recs)
    hits = sum(e["within_one_line"] for e in ev_m)
    m["evidence_within_one_line_matched"] = ratio(hits, len(ev_m))
    m["evidence_within_one_line_all"] = ratio(hits, ev_all)
    m["evidence_same_file_matched"] = ratio(sum(e["same_file"] for e in ev_m), len(ev_m))
    cm: dict[str, Counter] = {v: Counter() for v in VERDICTS}
    for r in recs:
        cm.setdefault(r["label_verdict"], Counter())[r["tool_verdict"]] += 1
    m["confusion"] = {k: dict(v) for k, v in cm.items()}
    m["missing"] = sum(1 for r in recs if not r["matched"])
    m["missing_scan_failed"] = sum(1 for r in recs if not r["matched"] and r["scan_status"] != "ok")
    m["matched_by_name_only"] = sum(1 for r in recs if r["matched_by"] == "name")
    m["noise_tool_workloads"] = sum(r["noise"] for r in repos)
    m["tool_workloads"] = sum(r["k8s_workloads"] for r in repos)
    m["non_k8s_units"] = sum(r["non_k8s_units"] for r in repos)
    return m


def pct(r: dict) -> str:
    return f"{r['n']}/{r['of']} ({r['pct']}%)" if r["of"] else "0/0 (-)"


def print_metrics(name: str, m: dict) -> None:
    print(f"\n== {name}: {m['repositories']} repositories, {m['labels']} labelled workloads "
          f"({m['labels_high_confidence']} high confidence), {m['scans_failed']} scans failed")
    print(f"  verdict agreement, all labels         {pct(m['verdict_agreement'])}")
    print(f"  verdict agreement, high confidence    {pct(m['verdict_agreement_high_confidence'])}")
    print(f"  verdict agreement, matched only       {pct(m['verdict_agreement_matched'])}"
          f"   (high confidence: {pct(m['verdict_agreement_matched_high_confidence'])})")
    print(f"  verdict given (not unknown)           {pct(m['verdict_given'])}")
    print(f"  FALSE READY (label blocked, tool ready) {m['false_ready']}")
    print(f"  score band agreement, matched         {pct(m['band_agreement_matched'])}")
    print(f"  category precision                    {pct(m['category_precision'])}")
    print(f"  category recall                       {pct(m['category_recall'])}"
          f"   (within the tool's vocabulary: {pct(m['category_recall_tool_vocabulary'])})")
    print(f"  evidence within one line, matched     {pct(m['evidence_within_one_line_matched'])}"
          f"   (same file: {pct(m['evidence_same_file_matched'])};"
          f" over all labels: {pct(m['evidence_within_one_line_all'])})")
    print(f"  missing labels                        {m['missing']}"
          f" ({m['missing_scan_failed']} in failed scans; {m['matched_by_name_only']} labels matched by kind+name only)")
    print(f"  noise: tool workloads no label matched {m['noise_tool_workloads']} of {m['tool_workloads']}"
          f" Kubernetes workloads (+{m['non_k8s_units']} dockerfile:/crate: units)")
    cols = VERDICTS + ["mixed", "missing"]
    print("  confusion (rows: label, columns: tool)")
    print("    " + "label \\ tool".ljust(12) + "".join(c.rjust(10) for c in cols))
    for lv in VERDICTS:
        row = m["confusion"].get(lv, {})
        print("    " + lv.ljust(12) + "".join(str(row.get(c, 0)).rjust(10) for c in cols))
    rows = [(c, v.get("tp", 0), v.get("fp", 0), v.get("fn", 0))
            for c, v in m.get("category_table", {}).items()]
    if rows and name == "dev":
        print("  categories (tp / fp / fn over matched workloads)")
        for c, a, b, d in rows:
            print(f"    {c:22} {a:4} {b:4} {d:4}")


def short(s: str, n: int = 220) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def print_disagreements(recs: list[dict], repos: list[dict], tool_by_repo: dict) -> None:
    dis = [r for r in recs if not r["agree"]]
    print(f"\n== Disagreements (dev): {len(dis)}")
    for r in dis:
        print(f"\n- {r['repo']}  {r['id']}  ({r['file']})")
        print(f"  label: {r['label_verdict']} / {r['confidence']}   categories: {', '.join(r['label_categories']) or '-'}")
        print(f"  why: {short(r['why'])}")
        if not r["matched"]:
            extra = f" (scan {r['scan_status']})" if r["scan_status"] != "ok" else ""
            print(f"  tool: MISSING{extra}")
            near = [w["id"] for w in tool_by_repo.get(r["repo"], [])
                    if r["file"] in (w.get("sources") or [])]
            if near:
                print(f"  tool workloads from that file: {', '.join(near)}")
            continue
        for tid, v, s in zip(r["tool_ids"], r["tool_verdicts"], r["tool_scores"]):
            print(f"  tool: {v} {s}  {tid}")
        print(f"  tool findings: {', '.join(r['findings']) or '(none)'}")
    noise = [(x["repo"], x["noise_ids"]) for x in repos if x["noise_ids"]]
    if noise:
        print("\n== Tool workloads no label matched (dev)")
        for repo, ids in noise:
            print(f"- {repo}: {len(ids)}: {', '.join(ids[:12])}{' …' if len(ids) > 12 else ''}")


# ---------------------------------------------------------------------------------------------


def dump_json(out: dict) -> str:
    """Indented JSON with one line per label record (the file stays small enough to diff)."""
    labels = out.get("labels_dev", [])
    head = dict(out, labels_dev=[])
    text = json.dumps(head, indent=1)
    rows = ",\n".join("  " + json.dumps(r, separators=(",", ":")) for r in labels)
    return text.replace('"labels_dev": []', '"labels_dev": [\n' + rows + "\n ]" if rows else '"labels_dev": []') + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the wasm-migrate binary to measure")
    ap.add_argument("--split", choices=["dev", "holdout", "all"], default="dev")
    ap.add_argument("--scratch", default=DEFAULT_SCRATCH, help=f"materialized corpus (default {DEFAULT_SCRATCH})")
    ap.add_argument("--json", metavar="OUT", help="write the numbers as JSON")
    ap.add_argument("--show-disagreements", action="store_true",
                    help="list each disagreement (dev split only; refused for the holdout)")
    ap.add_argument("--jobs", type=int, default=4, help="scans in parallel (default 4)")
    ap.add_argument("--blocker-warning-categories", action="store_true",
                    help="count only blocker and warning findings for category precision/recall "
                         "(the definition before 2026-12-07 16:40 UTC)")
    ap.add_argument("--audit-out", metavar="FILE",
                    help="dev only: write every reported category the label does not list, with "
                         "its findings (rule, severity, file:line, message), as JSON lines for a "
                         "blind adjudication of whether the evidence is real (docs/accuracy.md)")
    ap.add_argument("--adjudication", metavar="FILE",
                    help="dev only: a blind adjudication of reported categories the labels do not "
                         "list (JSON lines: repo, workload, manifest, category, verdict "
                         "true|false|unclear; scripts/corpus/audit/); reports the precision that "
                         "counts the ones judged true")
    ap.add_argument("repos", nargs="*", help="only these repositories (owner/name or label file)")
    args = ap.parse_args()
    if args.blocker_warning_categories:
        COUNTED_SEVERITIES.discard("note")

    if (args.audit_out or args.adjudication) and args.split != "dev":
        print("refused: --audit-out lists disagreements, so it is for the dev split only.",
              file=sys.stderr)
        return 2
    if args.show_disagreements and args.split == "holdout":
        print("refused: --show-disagreements is never available for the holdout split; its "
              "disagreements must not be looked at while tuning. Run without it for the numbers.",
              file=sys.stderr)
        return 2
    binary = str(Path(args.bin).resolve())
    if not os.access(binary, os.X_OK):
        sys.exit(f"not an executable: {binary}")
    scratch = Path(args.scratch)
    labels = load_labels(args.split, args.repos)
    if not labels:
        sys.exit("no labels selected")
    vocab = tool_categories_vocabulary(binary)

    with cf.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = {d["repo"]: ex.submit(run_scan, binary, scratch / slug(d["repo"])) for d in labels}
        scans = {k: f.result() for k, f in futs.items()}

    recs: list[dict] = []
    audit: list[dict] = []
    repos: list[dict] = []
    tool_by_repo: dict[str, list[dict]] = {}
    for d in labels:
        s = scans[d["repo"]]
        tool = [w for w in (s.get("report") or {}).get("workloads", []) if isinstance(w, dict)]
        tool_by_repo[d["repo"]] = tool
        labs = d.get("workload", [])
        matches, how, taken = match_repo(labs, tool)
        for lab, m, h in zip(labs, matches, how):
            recs.append(label_record(d, lab, [tool[i] for i in m], h, s["status"]))
            if args.audit_out or args.adjudication:
                audit.extend(audit_rows(d, lab, [tool[i] for i in m]))
        noise_ids = [w["id"] for i, w in enumerate(tool) if i not in taken and is_k8s(w)]
        repos.append({
            "repo": d["repo"], "split": d.get("split"), "status": s["status"],
            "detail": s.get("detail", ""), "seconds": s.get("seconds"),
            "labels": len(labs), "k8s_workloads": sum(1 for w in tool if is_k8s(w)),
            "non_k8s_units": sum(1 for w in tool if not is_k8s(w)),
            "noise": len(noise_ids), "noise_ids": noise_ids,
            "errors": len((s.get("report") or {}).get("errors", [])),
        })

    if args.adjudication:
        judged: dict[tuple, str] = {}
        with open(args.adjudication) as fh:
            for line in fh:
                j = json.loads(line)
                judged[(j["repo"], j["workload"], j["manifest"], j["category"])] = j["verdict"]
        seen = Counter(judged.get((r["repo"], r["workload"], r["manifest"], r["category"]),
                                  "not judged") for r in audit)
        m = metrics([r for r in recs if r["split"] == "dev"], [], vocab)
        tp, total = m["category_precision"]["n"], m["category_precision"]["of"]
        print(f"adjudication: of {len(audit)} reported categories the labels do not list, "
              f"{seen['true']} judged true, {seen['false']} false, {seen['unclear']} unclear, "
              f"{seen['not judged']} not judged")
        print(f"  category precision, adjudicated     {tp + seen['true']}/{total} "
              f"({100.0 * (tp + seen['true']) / total:.1f}%)   (unjudged counted as false)")
    if args.audit_out:
        with open(args.audit_out, "w") as fh:
            for row in audit:
                fh.write(json.dumps(row) + "\n")
        print(f"audit: {len(audit)} reported categories the labels do not list -> {args.audit_out}")

    splits = ["dev", "holdout"] if args.split == "all" else [args.split]
    out: dict = {
        "date": dt.date.today().isoformat(),
        "binary": binary,
        "binary_version": tool_version(binary),
        "split": args.split,
        "metrics": {},
    }
    print(f"wasm-migrate corpus score: {out['binary_version']} ({binary}), split {args.split}")
    failed = [r for r in repos if r["status"] != "ok"]
    for r in failed:
        print(f"! scan {r['status']}: {r['repo']}: {r['detail']}")
    # the holdout first: its first measurement is the one that counts
    for sp in [s for s in ("holdout", "dev") if s in splits]:
        sr = [r for r in recs if r["split"] == sp]
        sp_repos = [r for r in repos if r["split"] == sp]
        out["metrics"][sp] = metrics(sr, sp_repos, vocab)
        print_metrics(sp, out["metrics"][sp])
    if len(splits) > 1:
        out["metrics"]["all"] = metrics(recs, repos, vocab)
        print_metrics("all", out["metrics"]["all"])
    # The per-category table says which categories the tool misses: a view of the disagreements.
    # Keep it for the dev split only (for "all" it would give the holdout's away by subtraction).
    for sp in ("holdout", "all"):
        if sp in out["metrics"]:
            out["metrics"][sp].pop("category_table", None)

    dev_recs = [r for r in recs if r["split"] == "dev"]
    fr = [r for r in dev_recs if r["label_verdict"] == "blocked" and "ready" in r["tool_verdicts"]]
    if "dev" in splits:
        print(f"\n== False ready (dev): {len(fr)}")
        for r in fr:
            cov = f" coverage {r['tool_coverage']}" if r["tool_coverage"] else ""
            print(f"- {r['repo']}  {r['id']}  -> {', '.join(r['tool_ids'])}{cov}")
    if "holdout" in splits:
        print(f"\n(holdout false ready: {out['metrics']['holdout']['false_ready']}; "
              "holdout details are never listed)")

    out["scans"] = [{k: v for k, v in r.items() if not (r["split"] == "holdout" and k == "noise_ids")}
                    for r in repos]
    out["false_ready_dev"] = [{"repo": r["repo"], "id": r["id"], "tool_ids": r["tool_ids"],
                               "coverage": r["tool_coverage"]} for r in fr]
    # per-label details only for the dev split: the holdout's stay unread
    out["labels_dev"] = [
        dict({k: v for k, v in r.items() if k not in ("why", "evidence", "evidence_hits")},
             evidence=[e["evidence"] + (" hit" if e["within_one_line"] else " same-file" if e["same_file"]
                                        else " miss") for e in r["evidence_hits"]])
        for r in dev_recs]

    if args.show_disagreements:
        if args.split == "all":
            print("\n(--show-disagreements with --split all: the dev split only; holdout withheld)")
        print_disagreements(dev_recs, [r for r in repos if r["split"] == "dev"], tool_by_repo)

    if args.json:
        Path(args.json).write_text(dump_json(out))
        print(f"\nnumbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
