#!/usr/bin/env python3
"""Sample accuracy cases that the person writing the knowledge tables did not choose.

  scripts/accuracy/sample.py [--source crates-io|debian] [--count 80] [--out FILE]

Writes scripts/accuracy/cases-sampled.toml: one case per sampled crate, default features,
`deps = 'x = "MAJOR"'` with MAJOR from the crate's newest non-yanked, non-prerelease version
on crates.io. The selection is mechanical so nobody picks crates the tool happens to know:

  --source crates-io (the intended source): the most downloaded crates of crates.io categories
      that mean a network, file or process API (CATEGORIES below), all-time downloads, through
      `https://crates.io/api/v1/crates?category=C&sort=downloads&per_page=100` (pages 1 and 2 per
      category), merged and ordered by downloads.
  --source debian (for a machine that reaches the package index but not the crates.io web API):
      the Rust crates Debian packages (`librust-*-dev` in the local apt lists, chosen by Debian's
      Rust team), whose one-line description (the crate's own) names a network, file or process
      API (KEYWORDS below), ordered by how many other Debian Rust packages depend on them
      (a popularity measure that needs no network).

Either way, crates already in cases.toml are dropped, and so are names crates.io does not
serve. The split is fixed before anything is measured: the kept crates in rank order alternate
dev, holdout, dev, holdout... (rank 1 is dev). The date and the queries go into the file's head.
Deterministic for a given registry state: ties break by name.
"""

import argparse
import json
import re
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
UA = "wasm-migrate accuracy sampler (scripts/accuracy/sample.py)"
API = "https://crates.io/api/v1/crates?category={cat}&sort=downloads&per_page=100&page={page}"
INDEX = "https://index.crates.io/{path}"

# crates.io category slugs whose crates exist to reach the network, files or processes.
# command-line-utilities is not one: those are programs, not APIs.
CATEGORIES = [
    "network-programming",
    "web-programming::http-client",
    "web-programming::http-server",
    "web-programming::websocket",
    "filesystem",
    "os",
    "os::unix-apis",
    "asynchronous",
    "database",
    "database-implementations",
]

# The same meaning for the Debian source, as words of a crate's one-line description.
KEYWORDS = re.compile(
    r"\b(network|networking|http|https|http/2|tcp|udp|sockets?|dns|tls|ssl|websockets?|"
    r"server|client|async|asynchronous|event loop|i/o|io|files?|filesystem|file system|"
    r"director(?:y|ies)|process(?:es)?|subprocess|signals?|pipes?|operating system|os|"
    r"syscalls?|system calls?|database|sql|sqlite|postgres(?:ql)?|mysql|redis|mmap|"
    r"memory[- ]mapped|terminal|tty|inotify|epoll)\b",
    re.IGNORECASE,
)


def get(url: str):
    req = urllib.request.Request(url, headers={"User-Agent": UA})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.read().decode()


def from_crates_io():
    """[(name, downloads)] of the categories, best first; and the queries made."""
    seen = {}
    queries = []
    for cat in CATEGORIES:
        for page in (1, 2):
            url = API.format(cat=cat, page=page)
            queries.append(url)
            data = json.loads(get(url))
            time.sleep(1)  # crates.io's crawler policy: at most one request a second
            for c in data.get("crates", []):
                seen[c["name"]] = max(seen.get(c["name"], 0), int(c.get("downloads") or 0))
    ranked = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked, queries


DEB_NAME = re.compile(r"^librust-(.+)-dev$")
# librust-tokio-1+net-dev, librust-h2-0.3+default-dev: the crate, then its version, then a feature.
DEB_DEP = re.compile(r"librust-([a-z0-9][a-z0-9-]*?)(?:-\d+(?:\.\d+)*)?(?:\+[^\s,|()]*)?-dev\b")


def from_debian():
    """[(name, reverse dependencies)] of Debian's Rust packages that match KEYWORDS."""
    dump = subprocess.run(["apt-cache", "dumpavail"], capture_output=True, text=True,
                          check=True).stdout
    desc, depends, source = {}, {}, {}
    for para in dump.split("\n\n"):
        fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", para, re.MULTILINE))
        m = DEB_NAME.match(fields.get("Package", ""))
        if not m or "+" in m.group(1):
            continue
        name = m.group(1)
        desc[name] = fields.get("Description", "").removesuffix(" - Rust source code")
        source[name] = fields.get("Source", name).split()[0]
        depends[name] = {d for d in DEB_DEP.findall(fields.get("Depends", ""))}
    # Semver-suffixed packages (librust-nom-7-dev next to librust-nom-dev) are one crate.
    for name in list(desc):
        base = re.sub(r"-\d+(?:-\d+)*$", "", name)
        if base != name and base in desc:
            del desc[name]
    rdeps = {n: set() for n in desc}
    for pkg, deps in depends.items():
        for d in deps:
            if d in rdeps and d != pkg:
                rdeps[d].add(source[pkg])
    ranked = sorted(((n, len(rdeps[n])) for n in desc if KEYWORDS.search(desc[n])),
                    key=lambda kv: (-kv[1], kv[0]))
    # Which Debian lists were read: each release file's suite and date.
    lists = []
    for rel in sorted(Path("/var/lib/apt/lists").glob("*_InRelease")):
        head = dict(re.findall(r"^(Suite|Date): (.*)$", rel.read_text(errors="replace"), re.MULTILINE))
        lists.append(f"{head.get('Suite', rel.name)} of {head.get('Date', '?')}")
    return ranked, ["apt-cache dumpavail (Debian librust-*-dev; description matches KEYWORDS; "
                    "ordered by Debian reverse dependencies)",
                    "Debian lists: " + "; ".join(lists)]


def index_path(name: str) -> str:
    n = name.lower()
    if len(n) <= 2:
        return f"{len(n)}/{n}"
    if len(n) == 3:
        return f"3/{n[0]}/{n}"
    return f"{n[:2]}/{n[2:4]}/{n}"


def newest(name: str):
    """(crate name as published, newest stable version) from the sparse index, or None."""
    for cand in dict.fromkeys([name, name.replace("-", "_")]):
        try:
            text = get(INDEX.format(path=index_path(cand)))
        except urllib.error.HTTPError:
            continue
        best = None
        for line in text.splitlines():
            v = json.loads(line)
            if v.get("yanked") or "-" in v["vers"]:
                continue
            key = tuple(int(x) for x in v["vers"].split("+")[0].split("."))
            if best is None or key > best[0]:
                best = (key, v["name"], v["vers"])
        if best:
            return best[1], best[2]
    return None


def major(vers: str) -> str:
    parts = vers.split(".")
    # Cargo's caret: "1" for 1.x, "0.4" for 0.4.x, "0.0.3" for 0.0.3.
    if parts[0] != "0":
        return parts[0]
    if parts[1] != "0":
        return f"0.{parts[1]}"
    return vers


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", choices=["crates-io", "debian"], default="crates-io")
    ap.add_argument("--count", type=int, default=80)
    ap.add_argument("--out", default=str(HERE / "cases-sampled.toml"))
    args = ap.parse_args()
    with open(HERE / "cases.toml", "rb") as f:
        known = {c["crate"].replace("_", "-") for c in tomllib.load(f)["case"]}
    ranked, queries = from_crates_io() if args.source == "crates-io" else from_debian()
    picked = []
    for name, score in ranked:
        if len(picked) == args.count:
            break
        if name.replace("_", "-") in known:
            continue
        found = newest(name)
        if not found:
            print(f"skip {name}: not on crates.io", file=sys.stderr)
            continue
        crate, vers = found
        if crate.replace("_", "-") in known or any(p[0] == crate for p in picked):
            continue
        picked.append((crate, vers, score))
    out = [
        "# Sampled accuracy cases, written by scripts/accuracy/sample.py: do not edit by hand, re-run it.",
        f"# Sampled {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, source {args.source}, "
        f"{len(picked)} crates (rank order; score = "
        f"{'all-time downloads' if args.source == 'crates-io' else 'Debian reverse dependencies'}).",
        *(["# The Debian source stands in for the crates.io web API where a machine reaches only the",
            "# package index: see sample.py's doc comment."] if args.source == "debian" else []),
        "# Queries:",
        *[f"#   {q}" for q in queries],
        "# Crates already in cases.toml are dropped. Split fixed before measuring: dev, holdout, dev, ...",
        "# by rank (rank 1 is dev). Fixes may be made for dev misses only; holdout is reported as numbers.",
        "",
    ]
    for i, (crate, vers, score) in enumerate(picked):
        out += [
            "[[case]]",
            f'crate = "{crate}"',
            f"deps = '{crate} = \"{major(vers)}\"'",
            f'split = "{"dev" if i % 2 == 0 else "holdout"}"',
            f"# rank {i + 1}, score {score}, newest {vers}",
        ]
    Path(args.out).write_text("\n".join(out) + "\n")
    print(f"{len(picked)} cases -> {args.out}")


if __name__ == "__main__":
    main()
