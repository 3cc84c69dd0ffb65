#!/usr/bin/env bash
# Validate the SARIF output against the official OASIS SARIF 2.1.0 JSON schema.
#
# The schema is reference data kept beside the checkout (../shared/schemas), never copied into the
# repository. Needs: `pip install check-jsonschema rfc3986-validator` (without rfc3986-validator
# URI formats go unchecked). Usage: .ci/validate-sarif.sh [FIXTURE_DIR...]
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
bin=target/debug/wasm-migrate
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

fixtures=("$@")
if [[ ${#fixtures[@]} -eq 0 ]]; then
    fixtures=(fixtures/demo fixtures/reports/basic)
fi
for dir in "${fixtures[@]}"; do
    [[ -d "$dir" ]] || { echo "validate-sarif: skipping missing $dir"; continue; }
    name="$(echo "$dir" | tr '/' '_')"
    # Exit 1 means a gate tripped, which this check does not ask for; anything else is a failure.
    "$bin" scan "$dir" --format sarif --output "$out/$name.sarif" || [[ $? -eq 1 ]]
    check-jsonschema --schemafile "$schema" "$out/$name.sarif"
    echo "validate-sarif: $dir ok"
done
