#!/usr/bin/env python3
"""Materialize the labelled real-world corpus into a scratch folder outside the checkout.

For each label file in scripts/corpus/labels/ (all of them, the ones named on the command line, or
those of one split), find the repository's snapshot under the mirror folder (default
/work/.mirror/<owner>+<name>/, where the bare git directory sits somewhere inside, sometimes one
level deeper in `.git`), and write every file under the label's `paths` at the pinned `commit`
into <scratch>/<owner>__<name>/ (default scratch: /tmp/wm-corpus).

- Files over 4 MiB are skipped, and so are blobs the snapshot lists but does not hold (both are
  recorded in the stamp); symlinks are kept as symlinks; submodules are absent.
- A path of the label that does not exist at the commit is reported and skipped.
- Idempotent: a repository is skipped when <scratch>/<owner>__<name>.stamp names the same commit
  and paths (the stamp sits beside the folder so the scan root holds only the repository's files).
- Snapshots that are missing, or that do not hold the pinned commit, are listed at the end with
  what to fetch; the exit status is then 1.

Python 3.11, standard library only. Never writes inside the wasm-migrate checkout.
"""

from __future__ import annotations

import argparse
import json
import re
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
CHECKOUT = HERE.parent.parent
DEFAULT_SCRATCH = os.environ.get("WM_CORPUS_SCRATCH", "/tmp/wm-corpus")
DEFAULT_MIRROR = os.environ.get("WM_CORPUS_MIRROR", "/work/.mirror")
MAX_FILE = 4 * 1024 * 1024
STAMP_VERSION = 2


def load_labels(names: list[str], split: str | None) -> list[tuple[Path, dict]]:
    files = sorted(LABELS.glob("*.toml"))
    if names:
        wanted = set()
        for n in names:
            wanted.add(Path(n).stem if n.endswith(".toml") else n.replace("/", "__"))
        files = [f for f in files if f.stem in wanted]
        missing = wanted - {f.stem for f in files}
        if missing:
            sys.exit(f"no label file for: {', '.join(sorted(missing))}")
    out = []
    for f in files:
        with f.open("rb") as fh:
            d = tomllib.load(fh)
        if split and split != "all" and d.get("split") != split:
            continue
        out.append((f, d))
    return out


def slug(repo: str) -> str:
    return repo.replace("/", "__")


def is_git_dir(p: Path) -> bool:
    return (p / "HEAD").is_file() and (p / "objects").is_dir() and (p / "refs").is_dir()


def find_git_dir(mirror: Path, repo: str) -> Path | None:
    """The git directory of the snapshot of `repo`: <mirror>/<owner>+<name>/ or below (depth <= 3)."""
    base = mirror / repo.replace("/", "+")
    if not base.is_dir():
        return None
    frontier = [base]
    for _ in range(4):
        nxt = []
        for d in frontier:
            if is_git_dir(d):
                return d
            try:
                children = sorted(c for c in d.iterdir() if c.is_dir() and not c.is_symlink())
            except OSError:
                continue
            # the .git of a non-bare clone first, then anything else (never into objects/refs)
            children.sort(key=lambda c: (c.name != ".git", c.name))
            nxt.extend(c for c in children if c.name not in ("objects", "refs", "logs", "hooks"))
        frontier = nxt
    return None


def git(gitdir: Path, *args: str, input_bytes: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", f"--git-dir={gitdir}", *args],
        input=input_bytes,
        capture_output=True,
    )


def has_commit(gitdir: Path, commit: str) -> bool:
    return git(gitdir, "cat-file", "-e", f"{commit}^{{commit}}").returncode == 0


def existing_paths(gitdir: Path, commit: str, paths: list[str]) -> tuple[list[str], list[str]]:
    ok, missing = [], []
    for p in paths:
        q = p.rstrip("/")
        r = git(gitdir, "ls-tree", "--name-only", commit, "--", q)
        names = r.stdout.decode("utf-8", "replace").splitlines()
        if r.returncode == 0 and q in names:
            ok.append(q)
        else:
            missing.append(p)
    return ok, missing


# Files that say which Dockerfile builds which image (skaffold, compose, CI `docker build`
# commands, Makefiles, goreleaser): a user scans the whole repository, so the scan of a label's
# paths gets the ones at the repository's root too. They are small and hold no service code.
BUILD_LINK_NAMES = re.compile(
    r"^(Makefile|GNUmakefile|skaffold\.ya?ml|(docker-)?compose[\w.-]*\.ya?ml|\.goreleaser\.ya?ml|Tiltfile)$"
)


def build_link_paths(gitdir: Path, commit: str) -> list[str]:
    r = git(gitdir, "ls-tree", "--name-only", commit)
    names = r.stdout.decode("utf-8", "replace").splitlines() if r.returncode == 0 else []
    out = [n for n in names if BUILD_LINK_NAMES.match(n)]
    w = git(gitdir, "ls-tree", "--name-only", commit, "--", ".github/workflows")
    if w.returncode == 0 and w.stdout.strip():
        out.append(".github/workflows")
    return sorted(out)


def stamp_of(commit: str, paths: list[str]) -> dict:
    return {"version": STAMP_VERSION, "commit": commit, "paths": list(paths), "max_file": MAX_FILE}


def inside(base: Path, p: Path) -> bool:
    try:
        p.resolve().relative_to(base.resolve())
        return True
    except ValueError:
        return False


def list_tree(gitdir: Path, commit: str, paths: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(mode, type, oid, size, path) of every entry under `paths` at `commit`."""
    r = git(gitdir, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", *paths)
    if r.returncode != 0:
        raise RuntimeError(f"git ls-tree failed: {r.stderr.decode('utf-8', 'replace').strip()}")
    out = []
    for rec in r.stdout.split(b"\0"):
        if not rec:
            continue
        meta, _, path = rec.partition(b"\t")
        mode, typ, oid, size = meta.decode().split()
        out.append((mode, typ, oid, size, path.decode("utf-8", "surrogateescape")))
    return out


def safe_rel(path: str) -> bool:
    parts = Path(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and ".git" not in parts


def materialize(gitdir: Path, commit: str, paths: list[str], dest: Path) -> dict:
    """Write the blobs and symlinks under `paths` at `commit` into `dest` (through `dest`.part).

    ls-tree + cat-file rather than git archive: a snapshot may list its largest blobs without
    holding them, and git archive stops at the first absent one."""
    entries = list_tree(gitdir, commit, paths)
    part = dest.with_name(dest.name + ".part")
    if part.exists():
        shutil.rmtree(part)
    part.mkdir(parents=True)
    files = links = 0
    big: list[str] = []
    absent: list[str] = []
    other: list[str] = []
    cat = subprocess.Popen(
        ["git", f"--git-dir={gitdir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert cat.stdin is not None and cat.stdout is not None
    try:
        for mode, typ, oid, size, path in entries:
            if typ != "blob":
                other.append(f"{path} ({typ})")  # submodule (gitlink)
                continue
            if not safe_rel(path):
                other.append(f"{path} (unsafe path)")
                continue
            if size == "BAD" or size == "-":
                absent.append(path)
                continue
            if int(size) > MAX_FILE:
                big.append(f"{path} ({size} bytes)")
                continue
            cat.stdin.write(oid.encode() + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline().decode().split()
            if len(header) < 3 or header[1] != "blob":
                absent.append(path)  # "<oid> missing"
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)  # the newline after the content
            target = part / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if not inside(part, target.parent):
                other.append(f"{path} (outside)")
                continue
            if mode == "120000":
                os.symlink(os.fsdecode(data), target)
                links += 1
            else:
                target.write_bytes(data)
                if mode == "100755":
                    target.chmod(0o755)
                files += 1
    finally:
        cat.stdin.close()
        cat.wait()
    if dest.exists():
        shutil.rmtree(dest)
    part.rename(dest)
    return {"files": files, "symlinks": links, "skipped_over_4MiB": big, "absent_in_snapshot": absent,
            "not_written": other}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", nargs="*", help="label files or owner/name (default: all)")
    ap.add_argument("--split", choices=["dev", "holdout", "all"], default="all")
    ap.add_argument("--scratch", default=DEFAULT_SCRATCH, help=f"output folder (default {DEFAULT_SCRATCH})")
    ap.add_argument("--mirror", default=DEFAULT_MIRROR, help=f"snapshot folder (default {DEFAULT_MIRROR})")
    ap.add_argument("--force", action="store_true", help="rewrite even when the stamp matches")
    args = ap.parse_args()

    scratch = Path(args.scratch).resolve()
    if inside(CHECKOUT, scratch):
        sys.exit(f"refusing to materialize inside the checkout ({CHECKOUT}): choose a scratch folder outside it")
    scratch.mkdir(parents=True, exist_ok=True)
    mirror = Path(args.mirror)

    labels = load_labels(args.labels, args.split)
    to_fetch: list[str] = []
    no_commit: list[str] = []
    failed: list[str] = []
    done = skipped = 0
    for f, d in labels:
        repo, commit, paths = d["repo"], d["commit"], list(d.get("paths", []))
        dest = scratch / slug(repo)
        stamp_file = scratch / (slug(repo) + ".stamp")
        want = stamp_of(commit, paths)
        if not args.force and dest.is_dir() and stamp_file.is_file():
            try:
                have = json.loads(stamp_file.read_text())
            except (OSError, ValueError):
                have = {}
            if all(have.get(k) == v for k, v in want.items()):
                skipped += 1
                print(f"= {repo}: up to date ({commit[:12]})")
                continue
        gitdir = find_git_dir(mirror, repo)
        if gitdir is None:
            to_fetch.append(repo)
            print(f"! {repo}: no snapshot under {mirror}")
            continue
        if not has_commit(gitdir, commit):
            no_commit.append(repo)
            print(f"! {repo}: snapshot {gitdir} does not hold commit {commit}")
            continue
        ok, missing = existing_paths(gitdir, commit, paths)
        ok = sorted(set(ok) | set(build_link_paths(gitdir, commit)))
        for p in missing:
            print(f"  {repo}: path {p!r} is not in {commit[:12]}; skipped")
        if not ok:
            failed.append(repo)
            print(f"! {repo}: none of the label's paths exist at {commit[:12]}")
            continue
        try:
            stats = materialize(gitdir, commit, ok, dest)
        except (RuntimeError, OSError, ValueError) as e:
            failed.append(repo)
            print(f"! {repo}: {e}")
            continue
        stamp = dict(want, missing_paths=missing, **stats)
        stamp_file.write_text(json.dumps(stamp, indent=1) + "\n")
        done += 1
        extra = "".join(
            f", {len(stats[k])} {label}"
            for k, label in (("skipped_over_4MiB", "over 4 MiB skipped"),
                             ("absent_in_snapshot", "absent from the snapshot"),
                             ("not_written", "submodules/unsafe skipped"))
            if stats[k])
        print(f"+ {repo}: {stats['files']} files, {stats['symlinks']} symlinks{extra} -> {dest}")

    print(f"\n{done} materialized, {skipped} already up to date, "
          f"{len(to_fetch) + len(no_commit) + len(failed)} not done; scratch: {scratch}")
    if to_fetch or no_commit:
        print("\nSnapshots to fetch (fetch tool, source github:<owner>/<name>):")
        for r in to_fetch + no_commit:
            print(f"  github:{r}")
        if no_commit:
            print("(the snapshots of "
                  + ", ".join(no_commit)
                  + " exist but lack the pinned commit: fetch again, or record the commit used)")
    return 1 if (to_fetch or no_commit or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
