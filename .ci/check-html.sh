#!/usr/bin/env bash
# Render the demo's HTML report in a real headless Chromium and check it:
#   - no console messages (the page has no script, so any message is an error); also for a report
#     with input errors (fixtures/bad-input) and a `report --merge` portfolio page,
#   - the expected sections exist in the DOM and are visible (non-zero size, not hidden),
#   - a screenshot is written (target/html-check/demo.png) for a human to look at.
# Needs Debian's chromium (`apt-get install -y chromium`, as root). Usage: .ci/check-html.sh
set -euo pipefail
cd "$(dirname "$0")/.."

chrome="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$chrome" ]]; then
    echo "check-html: chromium not found: apt-get install -y chromium" >&2
    exit 2
fi

cargo build --quiet --bin wasm-migrate
bin="${CARGO_TARGET_DIR:-target}/debug/wasm-migrate"
out=target/html-check
rm -rf "$out" && mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# Flags from ../shared/TOOLS.md: no sandbox as root, and nothing that reaches for the network.
run_chrome() {
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@"
}

# A blocking gate (exit 1) is expected on the demo; only 2 is a failure of the tool.
"$bin" scan fixtures/demo --format json --output "$out/demo.json" \
    --format html --output "$out/demo.html" || [[ $? -eq 1 ]]

# 1. Screenshot.
run_chrome --hide-scrollbars --window-size=1280,2400 --screenshot="$out/demo.png" \
    "file://$PWD/$out/demo.html" 2>"$out/screenshot.log"
[[ -s "$out/demo.png" ]] || { echo "check-html: no screenshot" >&2; exit 1; }

# 2. Console messages and DOM of the page as shipped.
run_chrome --enable-logging=stderr --v=0 --dump-dom "file://$PWD/$out/demo.html" \
    >"$out/dom.html" 2>"$out/console.log"
if grep -E ':CONSOLE[:(]' "$out/console.log"; then
    echo "check-html: the page logged console messages (above)" >&2
    exit 1
fi
# The same for the other pages the tool renders: a report with input errors, and a portfolio.
"$bin" scan fixtures/bad-input --format json --output "$out/bad-input.json" \
    --format html --output "$out/bad-input.html" || [[ $? -eq 1 ]]
"$bin" report --merge "$out/demo.json" "$out/bad-input.json" --format html \
    --output "$out/portfolio.html"
for page in bad-input portfolio; do
    run_chrome --enable-logging=stderr --v=0 --dump-dom "file://$PWD/$out/$page.html" \
        >"$out/$page-dom.html" 2>"$out/$page-console.log"
    grep -q '</html>' "$out/$page-dom.html" || { echo "check-html: $page.html did not render" >&2; exit 1; }
    if grep -E ':CONSOLE[:(]' "$out/$page-console.log"; then
        echo "check-html: $page.html logged console messages (above)" >&2
        exit 1
    fi
done

# 3. Visibility: a copy of the page with a probe script appended measures each expected element
#    and writes the result into the DOM. The shipped page itself stays script-free.
python3 - "$out" <<'PY'
import json, re, sys
out = sys.argv[1]
report = json.load(open(f"{out}/demo.json"))
dom = open(f"{out}/dom.html", encoding="utf-8").read()
ids = ["overview", "score-distribution", "verdict-counts", "top-blockers", "workload-index", "workloads"]
sections = re.findall(r'<section class="workload" id="([^"]+)"', dom)
if len(sections) != len(report["workloads"]):
    sys.exit(f"check-html: {len(sections)} workload sections for {len(report['workloads'])} workloads")
ids += sections + [s + "-plan" for s in sections]
missing = [i for i in ids if f'id="{i}"' not in dom]
if missing:
    sys.exit(f"check-html: missing sections {missing}")
probe = """<script>
const ids = %s;
const res = {};
for (const id of ids) {
  const el = document.getElementById(id);
  if (!el) { res[id] = "missing"; continue; }
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  res[id] = (r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none") ? "visible" : "hidden";
}
const pre = document.createElement("pre"); pre.id = "probe-result"; pre.textContent = JSON.stringify(res);
document.body.appendChild(pre);
</script>""" % json.dumps(ids)
html = open(f"{out}/demo.html", encoding="utf-8").read().replace("</body>", probe + "</body>")
open(f"{out}/probe.html", "w", encoding="utf-8").write(html)
open(f"{out}/ids.json", "w").write(json.dumps(ids))
PY
run_chrome --dump-dom "file://$PWD/$out/probe.html" >"$out/probe-dom.html" 2>/dev/null
python3 - "$out" <<'PY'
import html, json, re, sys
out = sys.argv[1]
dom = open(f"{out}/probe-dom.html", encoding="utf-8").read()
m = re.search(r'<pre id="probe-result">(.*?)</pre>', dom, re.S)
if not m:
    sys.exit("check-html: the visibility probe did not run")
res = json.loads(html.unescape(m.group(1)))
bad = {k: v for k, v in res.items() if v != "visible"}
if bad:
    sys.exit(f"check-html: not visible: {bad}")
print(f"check-html: {len(res)} sections visible, no console messages; screenshot {out}/demo.png")
PY
