#!/usr/bin/env bash
# Build the seed corpora under fuzz/corpus/<target>/ from the repository's fixtures.
# corpus/ is gitignored: run this once before the first `cargo fuzz run` (it only adds files,
# named by content hash, so re-running it is harmless and keeps what the fuzzer found).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$(cd "$here/../fixtures" && pwd)"
corpus="$here/corpus"
max_len=65536

# add TARGET FILE: copy FILE into corpus/TARGET under its sha1, if small enough.
add() {
    local target="$1" file="$2" size sum
    size=$(wc -c <"$file")
    [ "$size" -gt 0 ] && [ "$size" -le "$max_len" ] || return 0
    mkdir -p "$corpus/$target"
    sum=$(sha1sum "$file" | cut -d' ' -f1)
    cp "$file" "$corpus/$target/$sum"
}

while IFS= read -r -d '' f; do
    name="$(basename "$f")"
    case "$name" in
        *.yaml | *.yml) add yaml "$f" ;;
        Dockerfile* | *.Dockerfile | Containerfile*) add dockerfile "$f" ;;
        Cargo.toml) add cargo_manifest "$f" ;;
        Cargo.lock | *.lock) add cargo_lock "$f" ;;
        *.rs) add rust_source "$f" ;;
        *.wasm) add wasm "$f" ;;
    esac
done < <(find "$fixtures" -type f -print0)
# Other TOML fixtures (workspace roots, configs) are still useful manifest-shaped seeds.
while IFS= read -r -d '' f; do add cargo_manifest "$f"; done \
    < <(find "$fixtures" -type f -name '*.toml' ! -name Cargo.toml -print0)

# scan_convert: one seed per fixture "repository" (every directory holding a YAML file and a
# Dockerfile somewhere below it, up to three levels deep). Layout (see
# fuzz_targets/scan_convert.rs): selector byte, then NUL-separated app.yaml, Dockerfile,
# kustomization.yaml, .wasm-migrate.toml, Cargo.toml, src/main.rs.
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
first() { find "$1" -type f -name "$2" 2>/dev/null | sort | head -n 1; }
selector=0
while IFS= read -r dir; do
    [ -n "$(first "$dir" '*.yaml')" ] || continue
    [ -n "$(first "$dir" 'Dockerfile*')" ] || continue
    {
        printf "\\$(printf '%03o' $((selector % 16)))"
        # Every non-kustomization YAML of the fixture, as one multi-document stream.
        find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name 'kustomization.y*ml' \
            | sort | head -n 8 | while IFS= read -r y; do cat "$y"; printf '\n---\n'; done
        printf '\0'
        d="$(first "$dir" 'Dockerfile*')"; [ -z "$d" ] || cat "$d"
        printf '\0'
        k="$(first "$dir" 'kustomization.yaml')"; [ -z "$k" ] || cat "$k"
        printf '\0'
        c="$(first "$dir" '.wasm-migrate.toml')"; [ -z "$c" ] || cat "$c"
        printf '\0'
        m="$(first "$dir" 'Cargo.toml')"; [ -z "$m" ] || cat "$m"
        printf '\0'
        r="$(first "$dir" 'main.rs')"; [ -z "$r" ] || cat "$r"
    } >"$tmp"
    add scan_convert "$tmp"
    selector=$((selector + 1))
done < <(find "$fixtures" -mindepth 1 -maxdepth 3 -type d ! -path '*/node_modules*' ! -path '*/target*' | sort)

for t in "$corpus"/*; do
    printf '%-16s %4d seeds\n' "$(basename "$t")" "$(find "$t" -type f | wc -l)"
done
