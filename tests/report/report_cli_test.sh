#!/usr/bin/env bash
# End-to-end tests of `netinspect report`: the page's sockets, NICs, routes and
# diff tables hold exactly the rows the views print with --json (bundled
# sample, a generated snapshot, two snapshots), hostile names stay text,
# -o - writes stdout, and bad usage / bad input / unwritable output exit 2
# without leaving a file behind.
# Usage: report_cli_test.sh NETINSPECT DATA_DIR
set -u
NI=$1
DATA=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1"; echo "  expected: $2"; echo "  actual:   $3"; fails=$((fails + 1)); fi
}
rc_of() { "$@" >/dev/null 2>&1; echo $?; }
NS='.moniker == "core/network/netstack"'
A=$TMP/a.json
cp "$DATA/synthetic_netstack2_inspect.json" "$A"

# The body rows of table ID in a report, one line each, cells tab-separated,
# character references decoded.
table_rows() {  # table_rows FILE ID
  sed -n "/<table class=\"data\" id=\"$2\"/,/<\/table>/p" "$1" | grep '^<tr[ >]' |
    sed -e 's/<\/td><td[^>]*>/\t/g' -e 's/^<tr[^>]*><td[^>]*>//' -e 's/<\/td><\/tr>$//' \
        -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'
}
# The same from a view's --json array: the cells as the report shows them.
json_rows() {
  "$NI" query -r '.[] | [.[] | if . == null then "" elif type == "array" then map(if type == "string" then . else tojson end) | join(", ")
                             elif type == "string" then . else tojson end] | join("\t")'
}
same_rows() {  # same_rows NAME REPORT TABLE_ID VIEW_COMMAND...
  local name=$1 report=$2 id=$3
  shift 3
  "$@" 2>/dev/null | json_rows >"$TMP/expected.txt"
  table_rows "$report" "$id" >"$TMP/actual.txt"
  local n
  n=$(wc -l <"$TMP/expected.txt")
  if [[ $n -gt 0 ]] && cmp -s "$TMP/expected.txt" "$TMP/actual.txt"; then
    check "$name ($n rows)" same same
  else
    check "$name" "$(head -c 300 "$TMP/expected.txt")" "$(head -c 300 "$TMP/actual.txt")"
  fi
}

# --- the bundled sample -------------------------------------------------------
check "report --sample exits 0" "0" "$(rc_of "$NI" report --sample -o "$TMP/sample.html")"
check "it is an HTML page" "<!DOCTYPE html>" "$(head -1 "$TMP/sample.html")"
check "no temporary file is left" "sample.html" "$(ls "$TMP" | grep sample)"
same_rows "sample sockets = sockets --json" "$TMP/sample.html" s0-sockets-table "$NI" sockets --json --sample
same_rows "sample NICs = nics --json" "$TMP/sample.html" s0-nics-table "$NI" nics --json --sample
same_rows "sample routes = routes --json" "$TMP/sample.html" s0-routes-table "$NI" routes --json --sample
check "error counters highlighted = counters with is_error_counter" \
  "$("$NI" counters --errors --nonzero --json --sample 2>/dev/null | "$NI" query length)" \
  "$(grep -c '<li class="leaf err"' "$TMP/sample.html")"
check "every counter is a leaf of the tree" \
  "$("$NI" counters --json --sample 2>/dev/null | "$NI" query length)" "$(grep -c '<li class="leaf' "$TMP/sample.html")"
check "triage warnings are shown" \
  "$("$NI" triage --json "$A" | "$NI" query '[.[] | select(.severity != "info")] | length')" \
  "$(grep -c '<div class="finding sev-warning\|<div class="finding sev-error' "$TMP/sample.html")"
check "one flame graph per profile (or a note when it has no samples)" \
  "$("$NI" pprof list --json "$A" 2>/dev/null | "$NI" query 'length' 2>/dev/null || echo "?")" \
  "$(grep -c '<div class="flame-box"\|No samples: nothing to draw' "$TMP/sample.html")"
check "nothing to fetch: no src/href to another document" "" \
  "$(grep -o ' src=\|href="[^#][^"]*"\|@import\|url(' "$TMP/sample.html" | sort -u)"
check "-o - writes the page to stdout" "<!DOCTYPE html>" "$("$NI" report --sample -o - 2>/dev/null | head -1)"

# --- a generated snapshot (more sockets than a table's first page) ----------------
"$NI" gen --sockets 700 --nics 5 --seed 7 -o "$TMP/gen.json"
"$NI" report -o "$TMP/gen.html" "$TMP/gen.json"
same_rows "generated sockets = sockets --json" "$TMP/gen.html" s0-sockets-table "$NI" sockets --json "$TMP/gen.json"
check "rows past the first 500 start hidden" "200" \
  "$(sed -n '/<table class="data" id="s0-sockets-table"/,/<\/table>/p' "$TMP/gen.html" | grep -c '^<tr class="hidden">')"
check "...and show without script" "1" "$(grep -c '<noscript><style>tr.hidden { display: table-row; }' "$TMP/gen.html")"
same_rows "generated NICs = nics --json" "$TMP/gen.html" s0-nics-table "$NI" nics --json "$TMP/gen.json"
same_rows "generated routes = routes --json" "$TMP/gen.html" s0-routes-table "$NI" routes --json "$TMP/gen.json"

# --- two snapshots: the diff ----------------------------------------------------
"$NI" query "map(if $NS then .metadata.timestamp += 10000000000 else . end)
  | map(if $NS and .payload[\"Networking Stat Counters\"] then .payload[\"Networking Stat Counters\"].TCP.Timeouts += 5 else . end)
  | map(if $NS and .payload[\"Socket Info\"] then del(.payload[\"Socket Info\"][\"1\"]) else . end)" "$A" >"$TMP/b.json"
"$NI" report -o "$TMP/two.html" "$A" "$TMP/b.json"
same_rows "diff table = diff --json" "$TMP/two.html" diff-1-table "$NI" diff --json "$A" "$TMP/b.json"
check "both snapshots have their views" "2" "$(grep -c '<section class="view" id="view-s' "$TMP/two.html")"
same_rows "second snapshot's sockets" "$TMP/two.html" s1-sockets-table "$NI" sockets --json "$TMP/b.json"

# --- hostile names ------------------------------------------------------------
PAYLOAD='</script><img src=x onerror=alert(1)><script>alert(2)</script>'
"$NI" query --arg p "$PAYLOAD" "map(if $NS and .payload.NICs then .payload.NICs[\"2\"].Name = \$p else . end)
  | map(if $NS and .payload[\"Socket Info\"] then .payload[\"Socket Info\"][\"1\"].LocalAddress = \$p else . end)" "$A" >"$TMP/evil.json"
"$NI" report --title "$PAYLOAD" -o "$TMP/evil.html" "$TMP/evil.json"
check "hostile report: no <img element" "0" "$(grep -c '<img' "$TMP/evil.html")"
check "hostile report: exactly two script elements" "2 2" \
  "$(grep -o '<script' "$TMP/evil.html" | wc -l) $(grep -o '</script>' "$TMP/evil.html" | wc -l)"
check "hostile NIC name shown as text" "1" \
  "$(table_rows "$TMP/evil.html" s0-nics-table | grep -cF "$PAYLOAD")"

# --- errors ---------------------------------------------------------------------
check "no -o is bad usage" "2" "$(rc_of "$NI" report --sample)"
check "--json does not apply" "2" "$(rc_of "$NI" report --json --sample -o "$TMP/x.html")"
check "unknown option" "2" "$(rc_of "$NI" report --bogus -o "$TMP/x.html")"
echo "keep" >"$TMP/old.html"
check "unreadable SOURCE exits 2" "2" "$(rc_of "$NI" report -o "$TMP/old.html" "$TMP/missing.json")"
check "...and leaves the old file alone" "keep" "$(cat "$TMP/old.html")"
printf '[{"moniker":' >"$TMP/bad.json"
check "malformed SOURCE exits 2" "2" "$(rc_of "$NI" report -o "$TMP/old.html" "$TMP/bad.json")"
check "error names the file" "1" "$("$NI" report -o "$TMP/old.html" "$TMP/bad.json" 2>&1 | grep -c "^netinspect report: $TMP/bad.json: ")"
check "unwritable output exits 2" "2" "$(rc_of "$NI" report --sample -o "$TMP/no/such/dir/r.html")"
check "bad --config exits 2" "2" "$(rc_of "$NI" report --sample --config "$TMP/missing.triage" -o "$TMP/x.html")"
check "no stray files after failures" "$(printf 'a.json\nb.json\nbad.json\nevil.html\nevil.json\nexpected.txt\nactual.txt\ngen.html\ngen.json\nold.html\nsample.html\ntwo.html' | sort)" \
  "$(ls "$TMP" | sort)"
check "--help exits 0" "0" "$(rc_of "$NI" report --help)"

if ((fails)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all report CLI checks passed"
