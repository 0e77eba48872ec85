#!/usr/bin/env bash
# capture.netns: builds two network namespaces joined by a veth pair, opens
# known TCP/UDP sockets in them, and checks that `netinspect capture` run
# inside each namespace reports exactly those NICs, addresses, routes and
# sockets (cross-checked against `ip -j addr`, `ip -j route` and `ss -tuan`),
# that counters move with traffic sent between the namespaces, and that the
# documentation's seed queries answer from the capture. Root only: without
# root it prints why and exits 77 (ctest: skipped). Traffic stays between the
# test's own namespaces (10.200.1.0/24, fd00:200::/64).
#   netns_test.sh NETINSPECT SOCKET_HOLDER
set -u
NI=$1
HOLDER=$2

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "capture.netns needs root to create network namespaces (CI runs it as root)"
command -v ip >/dev/null || skip "iproute2's 'ip' is not installed (scripts/install-deps installs it)"
command -v ss >/dev/null || skip "iproute2's 'ss' is not installed"

A=ni-test-$$-a
B=ni-test-$$-b
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$A" 2>/dev/null
  ip netns del "$B" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
# expect NAME ACTUAL EXPECTED
expect() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1"; echo "  expected: $3"; echo "  actual:   $2"; fi
}
# expect_ge NAME ACTUAL MINIMUM
expect_ge() {
  if [ "$2" -ge "$3" ] 2>/dev/null; then pass "$1 ($2 >= $3)"; else fail "$1: $2 < $3"; fi
}
q() { "$NI" query -r "$@"; }

ip netns add "$A" 2>"$TMP/err" || skip "cannot create a network namespace: $(cat "$TMP/err")"
ip netns add "$B" || { fail "ip netns add $B"; exit 1; }
ip link add nia netns "$A" type veth peer name nib netns "$B" || { fail "veth pair"; exit 1; }
for ns_dev in "$A nia" "$B nib"; do
  set -- $ns_dev
  ip -n "$1" link set lo up
  ip -n "$1" link set "$2" addrgenmode none  # no fe80:: address: exactly the addresses below
  ip -n "$1" link set "$2" up
done
ip -n "$A" addr add 10.200.1.1/24 dev nia
ip -n "$A" addr add fd00:200::1/64 dev nia nodad
ip -n "$B" addr add 10.200.1.2/24 dev nib
ip -n "$B" addr add fd00:200::2/64 dev nib nodad
ip -n "$A" route add 10.200.9.0/24 via 10.200.1.2 metric 7
ip -n "$A" -6 route add fd00:209::/64 via fd00:200::2 metric 512
ip -n "$B" route add default via 10.200.1.1
# A static neighbor nobody answers for: a SYN to it stays in SYN-SENT (B's veth
# drops frames to the wrong MAC silently), and the entry is netstack's "Static".
ip -n "$A" neigh add 10.200.1.99 lladdr 02:00:00:00:00:99 dev nia nud permanent
# Ping sockets need the caller's group in ping_group_range (per namespace).
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"

# start_holder NS NAME ARGS...: runs the holder in NS, waits for "ready".
start_holder() {
  local ns=$1 name=$2
  shift 2
  ip netns exec "$ns" "$HOLDER" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  for _ in $(seq 100); do
    grep -q ready "$TMP/$name.out" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "holder $name did not start: $(cat "$TMP/$name.err")"
  exit 1
}
start_holder "$A" servers tcp-listen 10.200.1.1 5000 tcp-listen fd00:200::1 5001 \
                          udp-bind 10.200.1.1 5002 udp-bind fd00:200::1 5003 \
                          tcp-listen-idle 10.200.1.1 5004 tcp-connect-pending 10.200.1.99 5005 \
                          ping-bind 10.200.1.1 7001 ping-bind fd00:200::1 7002 \
                          raw-bind 10.200.1.1 253 raw-bind fd00:200::1 58
start_holder "$B" clients tcp-connect 10.200.1.1 5000 tcp-connect fd00:200::1 5001 \
                          udp-connect 10.200.1.1 5002 tcp-connect-close 10.200.1.1 5004
sleep 0.3  # let the server accept both connections

capture() {  # capture NS FILE
  ip netns exec "$1" "$NI" capture -o "$2" 2>"$TMP/capture.err" || { fail "capture in $1: $(cat "$TMP/capture.err")"; exit 1; }
}
# ss's view of the sockets, spelled as netstack does: "TCP LISTEN 10.200.1.1:5000 0.0.0.0:0"
ss_sockets() {
  ip netns exec "$1" ss -tuanH | awk '
    { proto = toupper($1); state = $2; local = $5; peer = $6
      sub(/:\*$/, ":0", local); sub(/:\*$/, ":0", peer)
      if (proto == "TCP") { if (state == "ESTAB") state = "ESTABLISHED"; else if (state == "SYN-RECV") state = "SYN-RCVD"; else if (state == "FIN-WAIT-1") state = "FIN-WAIT1"; else if (state == "FIN-WAIT-2") state = "FIN-WAIT2"; else if (state == "UNCONN") state = "CLOSED" }
      else { state = (state == "ESTAB") ? "CONNECTED" : "BOUND" }
      print proto " " state " " local " " peer }' | sort
}
captured_sockets() {  # TCP and UDP: what ss -tuan lists
  q '.[] | .payload."Socket Info" // empty | .[] | select(.TransportProtocol == "TCP" or .TransportProtocol == "UDP")
     | "\(.TransportProtocol) \(.State) \(.LocalAddress) \(.RemoteAddress)"' "$1" | sort
}

capture "$A" "$TMP/a.json"
ss_sockets "$A" >"$TMP/a.ss"
capture "$B" "$TMP/b.json"
ss_sockets "$B" >"$TMP/b.ss"

echo "== NICs and addresses"
expect "A: NICs" "$(q '[.[] | .payload.NICs // empty | .[] | .Name] | sort | join(",")' "$TMP/a.json")" "lo,nia"
NIA=$(ip -n "$A" -j link show nia | q '.[0].ifindex')
expect "A: nia by NICID" "$(q ".[] | .payload.NICs // empty | .[]? | select(.NICID == \"$NIA\") | .Name" "$TMP/a.json")" "nia"
expect "A: nia addresses" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "nia") | [to_entries[] | select(.key | startswith("ProtocolAddress")) | .value] | join(",")' "$TMP/a.json")" \
  "[ipv4] 10.200.1.1/24,[ipv6] fd00:200::1/64"
expect "A: nia state" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "nia") | "\(.AdminUp) \(.LinkOnline) \(.Up) \(.Running) \(.Loopback) \(.Promiscuous) \(.MTU)"' "$TMP/a.json")" \
  "true true true true false false 1500"
expect "A: lo" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "lo") | "\(.Loopback) \(.ProtocolAddress0) \(.ProtocolAddress1)"' "$TMP/a.json")" \
  "true [ipv4] 127.0.0.1/8 [ipv6] ::1/128"
expect "A: nia link address = ip link" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "nia") | .LinkAddress' "$TMP/a.json")" \
  "$(ip -n "$A" -j link show nia | q '.[0].address')"
for ns in A B; do
  file=$TMP/$(echo $ns | tr AB ab).json
  nsname=$([ $ns = A ] && echo "$A" || echo "$B")
  expect "$ns: addresses = ip -j addr" \
    "$(q '[.[] | .payload.NICs // empty | .[] | .Name as $n | to_entries[] | select(.key | startswith("ProtocolAddress")) | "\($n) \(.value)"] | sort | join(",")' "$file")" \
    "$(ip -n "$nsname" -j addr | q '[.[] | .ifname as $n | .addr_info[] | "\($n) [\(if .family == "inet" then "ipv4" else "ipv6" end)] \(.local)/\(.prefixlen)"] | sort | join(",")')"
done

echo "== routes"
expect "A: 10.200.9.0/24 route" \
  "$(q ".[] | .payload.Routes // empty | .[] | select(.Destination == \"10.200.9.0/24\") | \"\(.Gateway) \(.NIC) \(.Metric) \(.Dynamic) \(.Enabled)\"" "$TMP/a.json")" \
  "10.200.1.2 $NIA 7 false true"
expect "A: fd00:209::/64 route" \
  "$(q ".[] | .payload.Routes // empty | .[] | select(.Destination == \"fd00:209::/64\") | \"\(.Gateway) \(.NIC) \(.Metric)\"" "$TMP/a.json")" \
  "fd00:200::2 $NIA 512"
NIB=$(ip -n "$B" -j link show nib | q '.[0].ifindex')
expect "B: default route" \
  "$(q '.[] | .payload.Routes // empty | .[] | select(.Destination == "0.0.0.0/0") | "\(.Gateway) \(.NIC)"' "$TMP/b.json")" \
  "10.200.1.1 $NIB"
for ns in A B; do
  file=$TMP/$(echo $ns | tr AB ab).json
  nsname=$([ $ns = A ] && echo "$A" || echo "$B")
  ip_routes=$( (ip -n "$nsname" -j route; ip -n "$nsname" -6 -j route) | q -s '
      [.[][] | (if .dst == "default" then (if (.gateway // "") | test(":") then "::/0" else "0.0.0.0/0" end)
               elif (.dst | test("/")) then .dst
               elif (.dst | test(":")) then .dst + "/128" else .dst + "/32" end)
             + " " + (.gateway // "") + " " + .dev] | sort | join(",")')
  cap_routes=$(q '(.[] | .payload.NICs // empty | with_entries(.value |= .Name)) as $names
      | [.[] | .payload.Routes // empty | .[] | "\(.Destination) \(.Gateway) \($names[.NIC])"] | sort | join(",")' "$file")
  expect "$ns: routes = ip -j route" "$cap_routes" "$ip_routes"
done

echo "== sockets"
expect "A: sockets = ss -tuan" "$(captured_sockets "$TMP/a.json")" "$(cat "$TMP/a.ss")"
expect "B: sockets = ss -tuan" "$(captured_sockets "$TMP/b.json")" "$(cat "$TMP/b.ss")"
expect "A: listening and bound" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.State == "LISTEN" or .State == "BOUND") | "\(.NetworkProtocol) \(.TransportProtocol) \(.State) \(.LocalAddress) \(.RemoteAddress)"] | sort | join(",")' "$TMP/a.json")" \
  "IPv4 TCP LISTEN 10.200.1.1:5000 0.0.0.0:0,IPv4 TCP LISTEN 10.200.1.1:5004 0.0.0.0:0,IPv4 UDP BOUND 10.200.1.1:5002 0.0.0.0:0,IPv6 TCP LISTEN [fd00:200::1]:5001 [::]:0,IPv6 UDP BOUND [fd00:200::1]:5003 [::]:0"
expect "A: accepted connections" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.State == "ESTABLISHED") | "\(.LocalAddress) \(.RemoteAddress | sub(":[0-9]+$"; ""))"] | sort | join(",")' "$TMP/a.json")" \
  "10.200.1.1:5000 10.200.1.2,[fd00:200::1]:5001 [fd00:200::2]"
expect "B: client sockets" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | "\(.TransportProtocol) \(.State) \(.RemoteAddress)"] | sort | join(",")' "$TMP/b.json")" \
  "TCP ESTABLISHED 10.200.1.1:5000,TCP ESTABLISHED [fd00:200::1]:5001,TCP FIN-WAIT2 10.200.1.1:5004,UDP CONNECTED 10.200.1.1:5002"
# netstack2 publishes gVisor's spellings (tcp.EndpointState.String): SYN-SENT, CLOSE-WAIT.
expect "A: SYN-SENT (no answer from 10.200.1.99)" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.RemoteAddress == "10.200.1.99:5005") | .State] | join(",")' "$TMP/a.json")" "SYN-SENT"
expect "A: CLOSE-WAIT (peer closed, never accepted)" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.LocalAddress == "10.200.1.1:5004" and .State != "LISTEN") | .State] | join(",")' "$TMP/a.json")" "CLOSE-WAIT"
expect "A: ping sockets" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.Linux.Kind == "ping") | "\(.NetworkProtocol) \(.TransportProtocol) \(.State)| \(.LocalAddress) \(.RemoteAddress) \(.RegisterNICID)"] | sort | join(",")' "$TMP/a.json")" \
  "IPv4 ICMPv4 | 10.200.1.1:7001 0.0.0.0:0 $NIA,IPv6 ICMPv6 | [fd00:200::1]:7002 [::]:0 $NIA"
expect "A: raw sockets" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.Linux.Kind == "raw") | "\(.NetworkProtocol) \(.TransportProtocol) \(.Linux.RawProtocol) \(.LocalAddress)"] | sort | join(",")' "$TMP/a.json")" \
  "IPv4 UNKNOWN 253 10.200.1.1:0,IPv6 ICMPv6 58 [fd00:200::1]:0"
expect "A: ping sockets = /proc/net/icmp, icmp6 inodes" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.Linux.Kind == "ping") | .Linux.Inode] | sort | map(tostring) | join(",")' "$TMP/a.json")" \
  "$(ip netns exec "$A" sh -c 'tail -n +2 /proc/net/icmp; tail -n +2 /proc/net/icmp6' | awk '{print $10}' | sort -n | paste -sd,)"
expect "A: RegisterNICID of the listener" \
  "$(q '.[] | .payload."Socket Info" // empty | .[] | select(.LocalAddress == "10.200.1.1:5000" and .State == "LISTEN") | .RegisterNICID' "$TMP/a.json")" "$NIA"
expect_ge "B: tcp_info segments sent" \
  "$(q '[.[] | .payload."Socket Info" // empty | .[] | select(.State == "ESTABLISHED") | .Stats.SegmentsSent] | min' "$TMP/b.json")" 1
expect "A: socket keys are inodes" \
  "$(q '[.[] | .payload."Socket Info" // empty | to_entries[] | select(.value.Linux.Inode != 0 and .key != (.value.Linux.Inode | tostring))] | length' "$TMP/a.json")" "0"
expect "B: orphaned FIN-WAIT2 keyed by cookie" \
  "$(q '[.[] | .payload."Socket Info" // empty | to_entries[] | select(.value.State == "FIN-WAIT2") | .key == (.value.Linux.Cookie | tostring)] | join(",")' "$TMP/b.json")" "true"

echo "== neighbors"
neighbors() {  # neighbors NS FILE DEV: "ip lladdr" from the capture, then from ip -j neigh
  q ".[] | .payload.NICs // empty | .[] | select(.Name == \"$3\") | .Neighbors // {} | to_entries[] | \"\(.key) \(.value.\"Link address\")\"" "$2" | sort | paste -sd,
  ip -n "$1" -j neigh show dev "$3" | q '.[] | select((.state // []) | index("NOARP") | not) | "\(.dst) \(.lladdr // "")"' | sort | paste -sd,
}
expect "A: nia neighbors = ip -j neigh" "$(neighbors "$A" "$TMP/a.json" nia | head -1)" "$(neighbors "$A" "$TMP/a.json" nia | tail -1)"
expect "A: static neighbor" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "nia") | .Neighbors."10.200.1.99" | "\(.State) \(."Link address") \(."Last updated" | type)"' "$TMP/a.json")" \
  "Static 02:00:00:00:00:99 number"
NIB_MAC=$(ip -n "$B" -j link show nib | q '.[0].address')
expect "A: B's address resolved" \
  "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "nia") | .Neighbors."10.200.1.2" | "\(."Link address") \(.State | IN("Reachable", "Stale", "Delay", "Probe"))"' "$TMP/a.json")" \
  "$NIB_MAC true"
expect "A: loopback has no neighbor table" "$(q '.[] | .payload.NICs // empty | .[] | select(.Name == "lo") | has("Neighbors")' "$TMP/a.json")" "false"

echo "== counters move with traffic"
counter() { q ".[] | .payload.\"Networking Stat Counters\" // empty | $2" "$1"; }
nic_counter() { q ".[] | .payload.NICs // empty | .[] | select(.Name == \"$2\") | $3" "$1"; }
ip netns exec "$B" "$HOLDER" tcp-send 10.200.1.1 5000 200000 udp-send 10.200.1.1 5002 50 \
  udp-send fd00:200::1 5003 20 udp-send 10.200.1.1 5999 5 >/dev/null || fail "sending traffic"
sleep 0.3
capture "$A" "$TMP/a2.json"
capture "$B" "$TMP/b2.json"
delta() { echo $(( $(counter "$2" "$3") - $(counter "$1" "$3") )); }
expect_ge "A: TCP.PassiveConnectionOpenings" "$(delta "$TMP/a.json" "$TMP/a2.json" .TCP.PassiveConnectionOpenings)" 1
expect_ge "B: TCP.ActiveConnectionOpenings" "$(delta "$TMP/b.json" "$TMP/b2.json" .TCP.ActiveConnectionOpenings)" 1
expect_ge "B: TCP.SegmentsSent" "$(delta "$TMP/b.json" "$TMP/b2.json" .TCP.SegmentsSent)" 5
expect_ge "A: UDP.PacketsReceived (IPv4 + IPv6)" "$(delta "$TMP/a.json" "$TMP/a2.json" .UDP.PacketsReceived)" 70
expect_ge "B: UDP.PacketsSent" "$(delta "$TMP/b.json" "$TMP/b2.json" .UDP.PacketsSent)" 75
expect_ge "A: UDP.UnknownPortErrors" "$(delta "$TMP/a.json" "$TMP/a2.json" .UDP.UnknownPortErrors)" 5
expect_ge "A: Linux.Udp.NoPorts" "$(delta "$TMP/a.json" "$TMP/a2.json" .Linux.Udp.NoPorts)" 5
expect_ge "A: nia Rx.Bytes" \
  "$(( $(nic_counter "$TMP/a2.json" nia .Stats.Rx.Bytes) - $(nic_counter "$TMP/a.json" nia .Stats.Rx.Bytes) ))" 200000
expect_ge "B: nib Tx.Packets" \
  "$(( $(nic_counter "$TMP/b2.json" nib .Stats.Tx.Packets) - $(nic_counter "$TMP/b.json" nib .Stats.Tx.Packets) ))" 75
ipv6_counter() { nic_counter "$1" "$2" ".\"Network Endpoint Stats\".IPv6.$3"; }
expect_ge "A: nia IPv6 IP.PacketsReceived (per NIC)" \
  "$(( $(ipv6_counter "$TMP/a2.json" nia IP.PacketsReceived) - $(ipv6_counter "$TMP/a.json" nia IP.PacketsReceived) ))" 20
expect_ge "A: dev_snmp6 Ip6InReceives now >= nia IPv6 IP.PacketsReceived captured" \
  "$(ip netns exec "$A" awk '$1 == "Ip6InReceives" {print $2}' /proc/net/dev_snmp6/nia)" \
  "$(ipv6_counter "$TMP/a2.json" nia IP.PacketsReceived)"
expect_ge "B: nib IPv6 IP.PacketsSent (per NIC)" \
  "$(( $(ipv6_counter "$TMP/b2.json" nib IP.PacketsSent) - $(ipv6_counter "$TMP/b.json" nib IP.PacketsSent) ))" 20
expect_ge "A: stack-wide NICs.Rx.Bytes" "$(delta "$TMP/a.json" "$TMP/a2.json" .NICs.Rx.Bytes)" 200000

echo "== seed queries on the capture"
S=$TMP/a.json
M='.[] | select(.moniker == "core/network/netstack")'
expect "seed: all sockets (ss -tuan + 2 ping + 2 raw)" "$(q "$M | .payload.\"Socket Info\" | .[]?" "$S" | q -s length)" "$(( $(wc -l <"$TMP/a.ss") + 4 ))"
expect "seed: all NICs" "$(q -c "$M | .payload.\"NICs\" | .[]?" "$S" | wc -l)" "2"
expect "seed: NIC by id" "$(q "$M | .payload.\"NICs\" | .[]? | select(.NICID == \"$NIA\") | .Name" "$S")" "nia"
expect "seed: NIC by name" "$(q "$M | .payload.\"NICs\" | .[]? | select(.Name == \"nia\") | .NICID" "$S")" "$NIA"
expect "seed: counters" "$(q "$M | .payload.\"Networking Stat Counters\" | select(. != null) | has(\"TCP\") and has(\"UDP\") and has(\"IP\")" "$S")" "true"
expect "seed: TCP counters" "$(q "$M | .payload.\"Networking Stat Counters\" | select(. != null) | .TCP | .PassiveConnectionOpenings >= 2" "$S")" "true"
expect "seed: routes" "$(q -c "$M | .payload.\"Routes\" | .[]?" "$S" | wc -l)" \
  "$( (ip -n "$A" -j route; ip -n "$A" -6 -j route) | q -s '[.[][]] | length')"
expect "seed: UDP counters" "$(q "$M | .payload.\"Networking Stat Counters\" | select(. != null) | .UDP | .PacketsReceived >= 70" "$TMP/a2.json")" "true"
for name in pprof_decode pprof_decode_now; do
  filter=$([ $name = pprof_decode_now ] && echo ' and .metadata.filename == "pprof/now.inspect"')
  expect "seed: $name (no pprof on Linux: empty)" \
    "$(q -c "$M | select(.payload.root.pprof != null$filter) | . as \$parent | (.payload.root.pprof | to_entries | .[] | (\$parent | .metadata.filename) + \"_\" + .key + \" \" + .value)" "$S"; echo "rc=$?")" "rc=0"
done
expect "seed: pprof (none on Linux)" \
  "$(q -c "$M | select(.payload.root.pprof != null) | {file: .metadata.filename, keys: (.payload.root.pprof | keys)}" "$S"; echo "rc=$?")" "rc=0"

echo "== unprivileged"
if command -v setpriv >/dev/null; then
  ip netns exec "$A" setpriv --reuid=65534 --regid=65534 --clear-groups "$NI" capture >"$TMP/nobody.json" 2>"$TMP/nobody.err"
  rc=$?
  if [ $rc -eq 126 ] || grep -q "Permission denied" "$TMP/nobody.err"; then
    echo "skip unprivileged run: the binary is not readable by nobody"
  else
    expect "unprivileged: exit code" "$rc" "0"
    expect "unprivileged: one notice" "$(grep -c 'not running as root' "$TMP/nobody.err")" "1"
    expect "unprivileged: same sockets" "$(captured_sockets "$TMP/nobody.json")" "$(captured_sockets "$TMP/a.json" | grep -v TIME-WAIT)"
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "capture.netns: $failures failure(s)"
  exit 1
fi
echo "capture.netns: all checks passed"
