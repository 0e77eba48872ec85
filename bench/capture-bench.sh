#!/usr/bin/env bash
# Benchmark of `netinspect capture` on a busy host: a network namespace made
# by this script holding SOCKETS TCP sockets (half clients, half accepted,
# plus the listener, all over the namespace's loopback), captured RUNS times.
# Reports the wall time per capture (process start to exit, JSON written to
# /dev/null) and the captured socket count. Target: under 200 ms for 10,000
# sockets. Needs root (network namespaces); nothing is asserted.
#
#   bench/capture-bench.sh [NETINSPECT] [SOCKET_HOLDER] [SOCKETS] [RUNS]
# defaults: build/netinspect build/tests/capture/capture_socket_holder 10000 10
set -u
NI=${1:-build/netinspect}
HOLDER=${2:-build/tests/capture/capture_socket_holder}
SOCKETS=${3:-10000}
RUNS=${4:-10}
[ "$(id -u)" -eq 0 ] || { echo "capture-bench: needs root (ip netns)"; exit 2; }
[ -x "$NI" ] && [ -x "$HOLDER" ] || { echo "capture-bench: build netinspect and capture_socket_holder first"; exit 2; }

NS=ni-bench-$$
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.core.somaxconn=65535 net.ipv4.ip_local_port_range="10000 65000"

wait_ready() {
  for _ in $(seq 600); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "capture-bench: holder did not start: $(cat "$1.err" 2>/dev/null)"; exit 1
}
ip netns exec "$NS" "$HOLDER" tcp-listen 127.0.0.1 7000 >"$TMP/server" 2>"$TMP/server.err" &
PIDS+=($!)
wait_ready "$TMP/server"
ip netns exec "$NS" "$HOLDER" tcp-many 127.0.0.1 7000 $((SOCKETS / 2)) >"$TMP/clients" 2>"$TMP/clients.err" &
PIDS+=($!)
wait_ready "$TMP/clients"
sleep 1  # let the server accept the last connections

count=$(ip netns exec "$NS" "$NI" capture | "$NI" query '[.[] | .payload."Socket Info" // empty | length] | add')
# Wall time suffers when other work shares the CPUs; user+sys CPU time does not.
TIMEFORMAT='%3R %3U %3S'  # seconds with 3 decimals: dropping the dot gives ms
walls=()
cpus=()
for _ in $(seq "$RUNS"); do
  read -r wall user sys < <({ time ip netns exec "$NS" "$NI" capture -o /dev/null; } 2>&1)
  walls+=($((10#${wall/./})))
  cpus+=($((10#${user/./} + 10#${sys/./})))
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
best() { printf '%s\n' "$@" | sort -n | head -1; }
size=$(ip netns exec "$NS" "$NI" capture | wc -c)
echo "capture-bench: $count sockets captured, output $size bytes"
echo "capture-bench: per capture over $RUNS runs (target < 200 ms):"
echo "  wall time: median $(median "${walls[@]}") ms, best $(best "${walls[@]}") ms"
echo "  CPU time (user+sys): median $(median "${cpus[@]}") ms, best $(best "${cpus[@]}") ms"
echo "  (includes 'ip netns exec' and process start-up; load average: $(cut -d' ' -f1 /proc/loadavg))"
