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

# --- thresholds, rule listing --------------------------------------------------
check "--set raises a limit" '["arp_ndp_failures","socket_leak","sockets"]' \
  "$("$NI" triage --json --set netstack::timeout_limit=5000 "$A" | "$NI" query -c 'map(.rule) | sort')"
printf '%s' '{timeout_limit: 5000, neighbor_failure_limit: 1e9, // JSON5
}' >"$TMP/limits.json5"
check "--thresholds FILE" '["socket_leak","sockets"]' \
  "$("$NI" triage --json --thresholds "$TMP/limits.json5" "$A" | "$NI" query -c 'map(.rule) | sort')"
check "--set of an unknown name: exit 2" "2" "$(rc_of "$NI" triage --set no_such_limit=1 "$A")"
check "--set message names it" "netinspect triage: --set: no_such_limit: no such threshold (see \`netinspect triage --list-rules\`)" \
  "$("$NI" triage --set no_such_limit=1 "$A" 2>&1 >/dev/null)"
check "--set NAME without =VALUE: exit 2" "2" "$(rc_of "$NI" triage --set dropped_limit "$A")"
check "--list-rules: every built-in and native rule" "22" "$("$NI" triage --list-rules --json | "$NI" query 'length')"
check "--list-rules shows value and default" '[{"name":"netstack_native::close_wait_limit","value":"3","default":"0"}]' \
  "$("$NI" triage --list-rules --json --set close_wait_limit=3 | "$NI" query -c '.[] | select(.rule == "close_wait_sockets") | .thresholds')"

# --- netstack3 ------------------------------------------------------------------
check "built-in rules on a netstack3 snapshot" '["malformed_tcp","nic_link_down","sockets","udp_unknown_port"]' \
  "$("$NI" triage --json "$DATA/views/ns3_inspect.json" | "$NI" query -c 'map(.rule) | sort')"

# --- a series: unknown-port errors growing faster than received datagrams ------
"$NI" query "map(if $NS and .payload[\"Networking Stat Counters\"] then .payload[\"Networking Stat Counters\"].UDP |= (.UnknownPortErrors |= ((tonumber + 1000) | tostring) | .PacketsReceived |= ((tonumber + 100) | tostring)) else . end)" "$TMP/b.json" >"$TMP/f.json"
check "pair rule fires on the later snapshot" '[[],["unknown_port_growth"]]' \
  "$("$NI" triage --json "$A" "$TMP/f.json" | "$NI" query -n -c '[inputs | map(select(.config == "netstack_native") | .rule)]')"
check "pair rule quiet when received grows too" '[[],[]]' \
  "$("$NI" triage --json "$A" "$TMP/b.json" | "$NI" query -n -c '[inputs | map(select(.config == "netstack_native") | .rule)]')"
mkdir "$TMP/series2"; cp "$A" "$TMP/series2/1.json"; cp "$TMP/f.json" "$TMP/series2/2.json"
check "pair rule over a series directory" '"unknown_port_growth"' \
  "$("$NI" triage --json "$TMP/series2" | "$NI" query -n -c '[inputs][1][] | select(.config == "netstack_native") | .rule')"
check "pair rule threshold" '[[],[]]' \
  "$("$NI" triage --json --set unknown_port_growth_ratio=1000 "$A" "$TMP/f.json" | "$NI" query -n -c '[inputs | map(select(.config == "netstack_native") | .rule)]')"

# --- annotations of an unpacked snapshot ---------------------------------------
mkdir "$TMP/unpacked"; cp "$A" "$TMP/unpacked/inspect.json"
cp "$DATA/triage/triage_test_data_snapshot_annotations.json" "$TMP/unpacked/annotations.json"
check "triage names the build and device" "# $TMP/unpacked/inspect.json: build 2020-06-11T22:12:48+00:00, board chromebook-x64, device Standard PC (Q35 + ICH9, 2009), uptime 0d0h0m39s, taken 2020-06-17 00:10:57 GMT" \
  "$("$NI" triage "$TMP/unpacked" | head -1)"
check "diff names the build and device" "# $TMP/unpacked/inspect.json: build 2020-06-11T22:12:48+00:00, board chromebook-x64, device Standard PC (Q35 + ICH9, 2009), uptime 0d0h0m39s, taken 2020-06-17 00:10:57 GMT" \
  "$("$NI" diff "$TMP/unpacked" "$TMP/b.json" | head -1)"
printf '%s' "{act: {board: {type: 'Warning', trigger: \"Annotation('build.board') == 'chromebook-x64'\", print: 'x64'}}}" >"$TMP/ann.triage"
check "Annotation() reads annotations.json" '["board"]' \
  "$("$NI" triage --json --no-builtin --config "$TMP/ann.triage" "$TMP/unpacked" | "$NI" query -c 'map(.rule)')"

# --- bad --live-interval ----------------------------------------------------------
check "--live-interval with a SOURCE: exit 2" "2" "$(rc_of "$NI" diff --live-interval 1 "$A")"
check "--live-interval not a number: exit 2" "2" "$(rc_of "$NI" diff --live-interval soon)"

# --- live: two captures of a private network namespace, UDP to a closed port between them
if [[ $(id -u) -eq 0 ]] && command -v ip >/dev/null && ip netns add "ni-diag-$$" 2>/dev/null; then
  LIVE_NS=ni-diag-$$
  trap 'ip netns del "$LIVE_NS" 2>/dev/null; rm -rf "$TMP"' EXIT
  ip -n "$LIVE_NS" link set lo up
  blast() { sleep 0.5; for _ in $(seq 200); do echo x >/dev/udp/127.0.0.1/9; done 2>/dev/null; }
  ip netns exec "$LIVE_NS" bash -c "$(declare -f blast); blast" & blaster=$!
  out=$(ip netns exec "$LIVE_NS" "$NI" diff --json --live-interval 2 2>/dev/null); rc=$?
  wait "$blaster"
  check "live diff: exit 0" "0" "$rc"
  check "live diff: UDP unknown-port errors grew by 200" "200" \
    "$(printf '%s' "$out" | "$NI" query '.[] | select(.subject == "UDP.UnknownPortErrors") | .delta')"
  ip netns exec "$LIVE_NS" bash -c "$(declare -f blast); blast" & blaster=$!
  out=$(ip netns exec "$LIVE_NS" "$NI" triage --json --live-interval 2 2>/dev/null); rc=$?
  wait "$blaster"
  check "live triage: the pair rule fires (exit 1)" "1" "$rc"
  check "live triage: unknown_port_growth" '"unknown_port_growth"' \
    "$(printf '%s' "$out" | "$NI" query -n -c '[inputs][1][] | select(.rule == "unknown_port_growth") | .rule')"
  check "diff A --live: a saved snapshot against the host now" "0" \
    "$(ip netns exec "$LIVE_NS" "$NI" capture >"$TMP/now.json" 2>/dev/null; rc_of ip netns exec "$LIVE_NS" "$NI" diff "$TMP/now.json" --live)"
else
  echo "skip live diff/triage checks: needs root and 'ip netns' (CI runs them as root)"
fi

echo "$fails failure(s)"
[[ $fails -eq 0 ]]
