#!/usr/bin/env bash
# `netinspect export` holds one snapshot at a time per job: its peak RSS must
# not grow with the number of snapshots (20 vs 200 small snapshot zips, loose
# bound). Correctness only; speed is measured by bench/export-bench.sh.
# Usage: memory_test.sh NETINSPECT
set -u
NI=$1
if [[ ! -x /usr/bin/time ]]; then
  echo "memory_test: SKIP: /usr/bin/time is missing (Debian package time, installed by scripts/install-deps)"
  exit 0
fi
command -v zip >/dev/null || { echo "memory_test: zip is missing"; exit 1; }
# Under ASan, freed memory waits in a quarantine of up to 256 MiB, which would
# look like growth: turn it off (ignored by normal builds).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stage" "$work/few" "$work/many"
"$NI" gen --seed 5 --sockets 50 --components 5 -o "$work/stage/inspect.json" || exit 1
for i in $(seq 1 200); do
  day=$(printf '2026-11-%02d' $((1 + i % 28)))
  printf '{"device.feedback-id": "dev-%d", "device.utc-time": "%s 12:00:00 GMT"}\n' $((i % 37)) "$day" \
    >"$work/stage/annotations.json"
  (cd "$work/stage" && zip -q "$work/many/s$i.zip" inspect.json annotations.json)
  ((i <= 20)) && cp "$work/many/s$i.zip" "$work/few/"
done
peak_kib() { # DIR -> peak RSS in KiB of an export of DIR
  /usr/bin/time -v "$NI" export --out "$work/out-$(basename "$1")" "$1" 2>&1 >/dev/null |
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'
}
few=$(peak_kib "$work/few")
many=$(peak_kib "$work/many")
echo "peak RSS: 20 snapshots ${few} KiB, 200 snapshots ${many} KiB"
rows=$(cat "$work"/out-many/table=snapshots/*/*.ndjson | wc -l)
[[ "$rows" == 200 ]] || { echo "FAIL: $rows snapshot rows, want 200"; exit 1; }
# Loose: 10x the snapshots may cost at most 25% + 8 MiB more (allocator noise).
if ((many > few * 5 / 4 + 8192)); then
  echo "FAIL: peak RSS grows with the number of snapshots"
  exit 1
fi
echo "memory_test: passed"
