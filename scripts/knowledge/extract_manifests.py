#!/usr/bin/env python3
"""Extract the Cargo.toml of every crate archive in the local cargo cache into a directory tree.

Input for `cargo run -p wasm-migrate-rules --example gen_wasm_edges`, which derives
rules/data/wasm-edges.toml from the manifests. Reads only the local cache (~/.cargo/registry/cache);
fetch the crates of interest first (scripts/accuracy does).

  scripts/knowledge/extract_manifests.py OUT_DIR
"""
import sys
import tarfile
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wm-manifests")
cache = Path.home() / ".cargo" / "registry" / "cache"
n = 0
for archive in sorted(cache.glob("*/*.crate")):
    stem = archive.name[: -len(".crate")]
    target = out / stem / "Cargo.toml"
    if target.exists():
        continue
    try:
        with tarfile.open(archive, "r:gz") as t:
            member = t.getmember(f"{stem}/Cargo.toml")
            data = t.extractfile(member).read()
    except (KeyError, tarfile.TarError, OSError) as e:
        print(f"skip {archive.name}: {e}", file=sys.stderr)
        continue
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    n += 1
print(f"{n} manifests extracted into {out}")
