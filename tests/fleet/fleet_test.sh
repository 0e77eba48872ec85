#!/usr/bin/env bash
# Runs the DuckDB SQL of docs/fleet.md (every ```sql block marked
# "-- duckdb: NAME") on the NDJSON export of a generated fleet whose
# UDP.UnknownPortErrors values are set by hand, and checks the answers.
# DuckDB comes from npm (@duckdb/node-api, tests/fleet/package.json), installed
# by scripts/install-deps with `npm ci`; without it the test is skipped (77).
# Usage: fleet_test.sh NETINSPECT docs/fleet.md
set -u
NI=$1
DOC=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ ! -d "$here/node_modules/@duckdb/node-api" ]] || ! command -v node >/dev/null; then
  echo "fleet_test: SKIP: DuckDB is not installed (run scripts/install-deps: npm ci in tests/fleet)"
  exit 77
fi
for tool in jq zip; do
  command -v "$tool" >/dev/null || { echo "fleet_test: $tool is missing"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/snapshots"

# DEVICE DAYS_AGO UDP_UNKNOWN_PORT_ERRORS SEED: one snapshot zip, dated
# relative to today (the query asks about the last 7 days).
snapshot() {
  local stage="$work/stage-$1-$2"
  mkdir -p "$stage"
  "$NI" gen --seed "$4" --sockets 5 --components 1 |
    jq -c --argjson v "$3" '.[] | if .payload."Networking Stat Counters" then
                                   .payload."Networking Stat Counters".UDP.UnknownPortErrors = $v else . end' |
    { echo '['; paste -sd, -; echo ']'; } >"$stage/inspect.json"
  printf '{"device.feedback-id": "%s", "device.utc-time": "%s GMT"}\n' "$1" \
    "$(date -u -d "-$2 days" '+%Y-%m-%d 12:00:00')" >"$stage/annotations.json"
  (cd "$stage" && zip -q "$work/snapshots/$1-$2.zip" inspect.json annotations.json)
}
snapshot dev-a 6 10 1; snapshot dev-a 4 20 2; snapshot dev-a 1 35 3   # grows by 25
snapshot dev-b 5 5 4; snapshot dev-b 2 5 5                            # flat
snapshot dev-c 6 50 6; snapshot dev-c 3 3 7                           # rebooted: 3 new errors
snapshot dev-d 20 1 8; snapshot dev-d 15 900 9                        # grew, but not last week

"$NI" export --out "$work/fleet" --jobs 2 "$work/snapshots" 2>/dev/null || { echo "FAIL: export"; exit 1; }
(cd "$work" && node "$here/run_sql.mjs" "$DOC") >"$work/answers" 2>&1
status=$?
cat "$work/answers"
((status == 0)) || { echo "FAIL: a query of $DOC failed"; exit 1; }

failures=0
answer() { awk -F'\t' -v name="$1" '$1 == name {print $2}' "$work/answers"; }
check() { # NAME JQ-PROGRAM WANT
  local got
  got=$(answer "$1" | jq -c "$2")
  if [[ "$got" == "$3" ]]; then echo "ok: $1"; else echo "FAIL: $1: got $got, want $3"; failures=$((failures + 1)); fi
}
check udp-unknown-port-growing '[.[] | [.device_id, (.new_errors | tonumber)]]' '[["dev-a",25],["dev-c",3]]'
check snapshots-per-day '[.[].snapshots | tonumber] | add' '9'
check triage-warnings-by-devices 'length > 0 and all(.[]; (.devices | tonumber) >= 1)' 'true'
check sockets-latest '[.[].sockets | tonumber] | add' '20'
((failures == 0)) || exit 1
echo "fleet_test: all passed"
