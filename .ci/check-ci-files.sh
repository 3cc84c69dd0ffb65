#!/usr/bin/env bash
# Check the CI integration files: action.yml, the workflows in docs/ci.md, .pre-commit-hooks.yaml,
# the sticky-comment script, and the action's scan step run against the demo repository.
# Needs: pip install check-jsonschema pre-commit pyyaml; apt-get install -y shellcheck jq; node.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in check-jsonschema pre-commit shellcheck jq node python3; do
    command -v "$tool" >/dev/null || { echo "check-ci-files: $tool missing" >&2; exit 2; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "check-ci-files: PyYAML missing: pip install pyyaml" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== action.yml against the GitHub Actions schema"
check-jsonschema --builtin-schema vendor.github-actions action.yml

echo "== workflows in docs/ci.md"
python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
text = open("docs/ci.md", encoding="utf-8").read()
blocks = re.findall(r"<!-- check: ([a-z-]+) -->\n```yaml\n(.*?)```", text, re.S)
if len(blocks) < 3:
    sys.exit(f"check-ci-files: expected 3 checked workflows in docs/ci.md, found {len(blocks)}")
for i, (kind, body) in enumerate(blocks):
    open(f"{work}/{i}.{kind}.yml", "w", encoding="utf-8").write(body)
PY
for f in "$work"/*.github-workflow.yml; do
    check-jsonschema --builtin-schema vendor.github-workflows "$f"
done
for f in "$work"/*.gitlab-ci.yml; do
    check-jsonschema --builtin-schema vendor.gitlab-ci "$f"
done

echo "== shellcheck every shell step (action.yml, docs/ci.md)"
python3 - "$work" action.yml "$work"/*.yml <<'PY'
import re, sys, yaml
work, files = sys.argv[1], sys.argv[2:]
n = 0
def emit(script, origin):
    global n
    # Expressions are substituted by the runner before bash sees the script.
    script = re.sub(r"\$\{\{.*?\}\}", "EXPR", script)
    n += 1
    with open(f"{work}/step{n}.sh", "w") as f:
        f.write(f"#!/usr/bin/env bash\n# from {origin}\n{script}\n")
for path in files:
    doc = yaml.safe_load(open(path))
    steps = []
    if "runs" in doc:
        steps = doc["runs"].get("steps", [])
    for job in (doc.get("jobs") or {}).values():
        steps += job.get("steps", [])
    for s in steps:
        if "run" in s:
            emit(s["run"], path)
    for name, job in doc.items():
        if isinstance(job, dict) and "script" in job:
            emit("\n".join(job["script"]), f"{path}:{name}")
print(f"check-ci-files: {n} shell steps extracted")
PY
shellcheck --severity=info "$work"/step*.sh

echo "== sticky comment script"
node --test ci/sticky-comment.test.js

echo "== .pre-commit-hooks.yaml"
pre-commit validate-manifest .pre-commit-hooks.yaml

echo "== the action's scan step on the demo, in a simulated GitHub environment"
cargo build --quiet --bin wasm-migrate
PATH="$(cd "${CARGO_TARGET_DIR:-target}/debug" && pwd):$PATH"
export PATH
python3 - action.yml > "$work/scan-step.sh" <<'PY'
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["runs"]["steps"]
print(next(s["run"] for s in steps if s.get("id") == "scan"))
PY
run_scan_step() { # SCAN_PATH
    local out
    out="$work/out-$(echo "$1" | tr '/.' '__')"
    : > "$work/github_output"
    : > "$work/summary"
    env SCAN_PATH="$1" BASELINE_INPUT=none BASE_JSON="" NEW_ONLY=false FAIL_ON=blocker \
        FAIL_UNDER="" CONFIG="" HTML=true HEAD_SHA=0123abc \
        REPO_URL=https://github.com/acme/shop OUT="$out" \
        GITHUB_OUTPUT="$work/github_output" GITHUB_STEP_SUMMARY="$work/summary" \
        bash "$work/scan-step.sh"
    echo "$out"
}
out="$(run_scan_step fixtures/demo)"
grep -q '^exit-code=1$' "$work/github_output" || { cat "$work/github_output"; echo "check-ci-files: expected the blocker gate to trip on the demo" >&2; exit 1; }
for f in report.json report.sarif report.md report.html; do [[ -s "$out/$f" ]] || { echo "missing $f" >&2; exit 1; }; done
grep -q 'wasm-migrate:report' "$work/summary"
# Scanning a subdirectory: SARIF paths are made repository-relative, Markdown links too.
jq -e '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | all(startswith("fixtures/demo/"))' "$out/report.sarif" >/dev/null \
    || { echo "check-ci-files: SARIF URIs were not prefixed with the scanned directory" >&2; exit 1; }
grep -q '(https://github.com/acme/shop/blob/0123abc/fixtures/demo/k8s/' "$out/report.md" \
    || { echo "check-ci-files: Markdown links do not point into the scanned directory" >&2; exit 1; }
echo "check-ci-files: ok"
