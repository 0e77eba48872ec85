#!/usr/bin/env bash
# Opens reports written by `netinspect report` in headless Chromium (Debian's
# /usr/bin/chromium) through Playwright (playwright-core, tests/browser/node_modules,
# installed by scripts/install-deps with `npm ci`). See report.test.mjs.
# Usage: run-report-test.sh NETINSPECT ARTIFACT_DIR
# Exit 77 (CTest: skipped) when chromium, node or node_modules are missing.
set -euo pipefail
NI=$1
ARTIFACTS=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHROMIUM=${NETINSPECT_CHROMIUM:-/usr/bin/chromium}

skip() { echo "SKIP browser.report: $1"; exit 77; }
[[ -x "$CHROMIUM" ]] || skip "$CHROMIUM not found (apt-get install chromium; it is in scripts/debian-packages.txt)"
command -v node >/dev/null || skip "node not found (apt-get install nodejs)"
[[ -f "$HERE/node_modules/playwright-core/package.json" ]] ||
  skip "tests/browser/node_modules missing (run scripts/install-deps, which runs npm ci there)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$ARTIFACTS"

# Reports to open: the bundled sample, two snapshots (diff view), and one
# whose NIC name, socket address and title are markup.
"$NI" report --sample -o "$TMP/sample.html" 2>/dev/null
"$NI" query '.' "$HERE/../data/synthetic_netstack2_inspect.json" >"$TMP/a.json"
NS='.moniker == "core/network/netstack"'
"$NI" query "map(if $NS then .metadata.timestamp += 10000000000 else . end)
  | map(if $NS and .payload[\"Networking Stat Counters\"] then .payload[\"Networking Stat Counters\"].TCP.Timeouts += 5 else . end)" \
  "$TMP/a.json" >"$TMP/b.json"
"$NI" report -o "$TMP/two.html" "$TMP/a.json" "$TMP/b.json"
PAYLOAD='</script><img src=http://127.0.0.1:9/x onerror=alert(1)><script>alert(2)</script>'
"$NI" query --arg p "$PAYLOAD" "map(if $NS and .payload.NICs then .payload.NICs[\"2\"].Name = \$p else . end)
  | map(if $NS and .payload[\"Socket Info\"] then .payload[\"Socket Info\"][\"1\"].LocalAddress = \$p else . end)" \
  "$TMP/a.json" >"$TMP/evil.json"
"$NI" report --title "$PAYLOAD" -o "$TMP/evil.html" "$TMP/evil.json"

"$NI" gen --sockets 700 --seed 7 -o "$TMP/big.json"
"$NI" report -o "$TMP/big.html" "$TMP/big.json"

cp "$TMP/sample.html" "$ARTIFACTS/sample-report.html"
node "$HERE/report.test.mjs" --chromium "$CHROMIUM" \
  --sample "$TMP/sample.html" --two "$TMP/two.html" --evil "$TMP/evil.html" --big "$TMP/big.html" \
  --screenshot "$ARTIFACTS/overview.png" --profile-dir "$TMP/chromium-profile"
