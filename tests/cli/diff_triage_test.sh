#!/usr/bin/env bash
# End-to-end tests of `netinspect diff` and `netinspect triage`: snapshots made
# at test time from the bundled sample with changes injected by
# `netinspect query`, and the Fuchsia sample triage config.
# Usage: diff_triage_test.sh NETINSPECT DATA_DIR
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

# --- diff ---------------------------------------------------------------------
check "diff of a snapshot with itself is empty" "[]" "$("$NI" diff --json "$A" "$A" | "$NI" query -c .)"
check "diff itself --exit-code is 0" "0" "$(rc_of "$NI" diff --exit-code "$A" "$A")"

# Bump one counter by 5 and move the timestamp of every netstack entry 10 s later.
"$NI" query "map(if $NS then .metadata.timestamp += 10000000000 else . end)
  | map(if $NS and .payload[\"Networking Stat Counters\"] then .payload[\"Networking Stat Counters\"].TCP.Timeouts += 5 else . end)" "$A" >"$TMP/b.json"
check "counter bump: exactly one change" \
  '[{"kind":"counter","change":"changed","subject":"TCP.Timeouts","field":null,"old":3651,"new":3656,"delta":5,"rate":0.5}]' \
  "$("$NI" diff --json "$A" "$TMP/b.json" | "$NI" query -c .)"
check "diff --exit-code is 1 on a change" "1" "$(rc_of "$NI" diff --exit-code "$A" "$TMP/b.json")"

# Delete socket 1.
"$NI" query "map(if $NS and .payload[\"Socket Info\"] then del(.payload[\"Socket Info\"][\"1\"]) else . end)" "$A" >"$TMP/c.json"
check "socket deleted: closed" '[{"kind":"socket","change":"closed","subject":"1 tcp 192.168.1.23:41234 -> 142.250.72.14:443"}]' \
  "$("$NI" diff --json "$A" "$TMP/c.json" | "$NI" query -c 'map({kind, change, subject})')"
check "socket added: opened" '[{"kind":"socket","change":"opened"}]' \
  "$("$NI" diff --json "$TMP/c.json" "$A" | "$NI" query -c 'map({kind, change})')"

# NIC 2 link goes down.
"$NI" query "map(if $NS and .payload.NICs then .payload.NICs[\"2\"].LinkOnline = \"false\" else . end)" "$A" >"$TMP/d.json"
check "NIC link down" '[{"kind":"nic","change":"changed","subject":"2 wlanx62","field":"link_online","old":true,"new":false}]' \
  "$("$NI" diff --json "$A" "$TMP/d.json" | "$NI" query -c 'map({kind, change, subject, field, old, new})')"

# Route 0 removed.
"$NI" query "map(if $NS and .payload.Routes then del(.payload.Routes[\"0\"]) else . end)" "$A" >"$TMP/e.json"
check "route removed" '["route removed"]' \
  "$("$NI" diff --json "$A" "$TMP/e.json" | "$NI" query -c 'map("\(.kind) \(.change)")')"

# A directory of three snapshots: two consecutive pairs.
mkdir "$TMP/series"; cp "$A" "$TMP/series/1.json"; cp "$TMP/b.json" "$TMP/series/2.json"; cp "$TMP/b.json" "$TMP/series/3.json"
check "diff DIR walks consecutive pairs" "2" "$("$NI" diff --json "$TMP/series" | "$NI" query -n '[inputs] | length')"
check "diff with one snapshot is bad usage" "2" "$(rc_of "$NI" diff "$A")"
check "diff --all lists unchanged counters" "true" \
  "$("$NI" diff --all --json "$A" "$A" | "$NI" query 'any(.[]; .change == "same")')"

# --- triage -------------------------------------------------------------------
check "sample config test section passes" "0" "$(rc_of "$NI" triage --test "$DATA/triage/triage_sample.triage")"
check "built-in rules fire on the sample (exit 1)" "1" "$(rc_of "$NI" triage "$A")"
check "built-in rules on the sample" '["arp_ndp_failures","socket_leak","sockets","tcp_timeouts"]' \
  "$("$NI" triage --json "$A" | "$NI" query -c 'map(.rule) | sort')"
check "a config over the Fuchsia test snapshot" '[{"rule":"full","message":"used"}]' \
  "$(printf '%s' '{select: {used: "INSPECT:bootstrap/fshost:root/data_stats/stats:used_bytes"}, act: {full: {type: "Warning", trigger: "used > 1000", print: "used"}}}' >"$TMP/fs.triage"
     "$NI" triage --json --no-builtin --config "$TMP/fs.triage" "$DATA/triage/triage_test_data_snapshot_inspect.json" | "$NI" query -c 'map({rule, message})')"

bad() {  # bad NAME CONFIG_TEXT EXPECTED_MESSAGE_PART
  printf '%s' "$2" >"$TMP/bad.triage"
  local err rc
  err=$("$NI" triage --no-builtin --config "$TMP/bad.triage" "$A" 2>&1 >/dev/null); rc=$?
  check "$1: exit 2" "2" "$rc"
  if [[ "$err" != *"$TMP/bad.triage"*"$3"* ]]; then echo "FAIL $1: message '$err' lacks '$3'"; fails=$((fails + 1)); fi
}
bad "bad JSON5" '{eval: {a: "1" ' "bad JSON5"
bad "unknown function" '{eval: {a: "Frob(1)"}}' "a: unknown function 'Frob'"
bad "cycle" '{eval: {a: "b + 1", b: "a"}}' "cycle between eval names"
bad "selector syntax" '{select: {a: "INSPECT:core/network/netstack:a:b:c:d"}}' "a: bad selector"

echo "$fails failure(s)"
[[ $fails -eq 0 ]]
