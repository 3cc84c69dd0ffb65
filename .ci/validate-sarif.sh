#!/usr/bin/env bash
# Validate the SARIF output against the official OASIS SARIF 2.1.0 JSON schema.
#
# The schema is reference data kept beside the checkout (../shared/schemas), never copied into the
# repository. Needs: `pip install check-jsonschema rfc3986-validator` (without rfc3986-validator
# URI formats go unchecked), and jq. Usage: .ci/validate-sarif.sh [FIXTURE_DIR...]
#
# Without arguments it scans every fixture repository that produces findings (the demo, the report,
# suppression, Wasm and bad-input fixtures, and each rule's fixture), plus the demo against two
# baselines (so `baselineState` is both "new" and "unchanged"), with and without `--new-only`, and
# the demo's SARIF re-rendered from its JSON report (`wasm-migrate report`).
set -euo pipefail
cd "$(dirname "$0")/.."

schema="${SARIF_SCHEMA:-../shared/schemas/sarif-schema-2.1.0.json}"
if [[ ! -f "$schema" ]]; then
    echo "validate-sarif: schema not found at $schema (set SARIF_SCHEMA)" >&2
    exit 2
fi
command -v check-jsonschema >/dev/null || {
    echo "validate-sarif: check-jsonschema missing: pip install check-jsonschema rfc3986-validator" >&2
    exit 2
}
python3 -c 'import rfc3986_validator' 2>/dev/null || {
    echo "validate-sarif: rfc3986-validator missing, URI formats would go unchecked" >&2
    exit 2
}

cargo build --quiet --bin wasm-migrate
bin="${CARGO_TARGET_DIR:-target}/debug/wasm-migrate"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Exit 1 means a gate tripped, which this check does not ask for; anything else is a failure.
scan() {
    "$bin" scan "$@" || [[ $? -eq 1 ]]
}

fixtures=("$@")
if [[ ${#fixtures[@]} -eq 0 ]]; then
    fixtures=(fixtures/demo fixtures/reports/basic fixtures/suppressions fixtures/bad-input
        fixtures/wasm fixtures/wasm-linked fixtures/rules/*/)
    scan fixtures/demo --format json --output "$out/base-demo.json"
    scan fixtures/reports/basic --format json --output "$out/base-other.json"
    for base in demo other; do
        scan fixtures/demo --baseline "$out/base-$base.json" --format sarif \
            --output "$out/baseline-$base.sarif"
        scan fixtures/demo --baseline "$out/base-$base.json" --new-only --format sarif \
            --output "$out/baseline-$base-new-only.sarif"
    done
    # The same SARIF rendered again from the JSON report, without the repository.
    "$bin" report "$out/base-demo.json" --format sarif --output "$out/re-rendered-demo.sarif"
    for state in new unchanged; do
        jq -s -e --arg s "$state" '[.[].runs[0].results[].baselineState] | index($s) != null' \
            "$out"/baseline-*.sarif >/dev/null || {
            echo "validate-sarif: no result with baselineState \"$state\"" >&2
            exit 1
        }
    done
fi
for dir in "${fixtures[@]}"; do
    dir="${dir%/}"
    [[ -d "$dir" ]] || { echo "validate-sarif: skipping missing $dir"; continue; }
    scan "$dir" --format sarif --output "$out/$(echo "$dir" | tr '/' '_').sarif"
done
# One validator run for all files; it names each file that fails.
check-jsonschema --schemafile "$schema" "$out"/*.sarif
echo "validate-sarif: $(find "$out" -name '*.sarif' | wc -l) SARIF files valid against $schema"
