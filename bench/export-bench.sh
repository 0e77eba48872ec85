#!/usr/bin/env bash
# Throughput and peak RSS of `netinspect export` over N generated snapshot zips
# (one `netinspect gen` netstack, zipped N times with its own annotations.json:
# device and date vary, so every zip is a distinct snapshot).
# Usage: bench/export-bench.sh [--netinspect PATH] [--count N] [--sockets S] [--jobs "1 2"]
set -euo pipefail
NI=build/netinspect COUNT=1000 SOCKETS=40 JOBS="1 2"
while (($#)); do
  case $1 in
    --netinspect) NI=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --sockets) SOCKETS=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    *) echo "usage: $0 [--netinspect PATH] [--count N] [--sockets S] [--jobs \"1 2\"]" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "export-bench: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/stage" "$work/snapshots"
"$NI" gen --seed 42 --sockets "$SOCKETS" --components 5 -o "$work/stage/inspect.json"
for i in $(seq 1 "$COUNT"); do
  printf '{"device.feedback-id": "dev-%04d", "device.utc-time": "2026-11-%02d %02d:00:00 GMT"}\n' \
    $((i % 250)) $((1 + i % 28)) $((i % 24)) >"$work/stage/annotations.json"
  (cd "$work/stage" && zip -q "$work/snapshots/s$(printf %05d "$i").zip" inspect.json annotations.json)
done
bytes=$(du -sb "$work/snapshots" | cut -f1)
echo "export-bench: $COUNT zips, $((bytes / 1024 / 1024)) MiB ($(stat -c %s "$work/stage/inspect.json") bytes of inspect.json each, $SOCKETS sockets), $(nproc) cores"
for jobs in $JOBS; do
  for format in ndjson csv; do
    rm -rf "$work/out"
    /usr/bin/time -f '%e %M' -o "$work/time" "$NI" export --format "$format" --jobs "$jobs" --out "$work/out" \
      "$work/snapshots" 2>"$work/err" || { cat "$work/err"; exit 1; }
    read -r seconds peak_kib <"$work/time"
    rows=$(grep -o '[0-9]* rows' "$work/err" | cut -d' ' -f1)
    awk -v f="$format" -v j="$jobs" -v s="$seconds" -v k="$peak_kib" -v n="$COUNT" -v r="$rows" 'BEGIN {
      printf "  %-6s --jobs %s: %6.2f s, %6.1f snapshots/s, %8.0f rows/s, peak RSS %.1f MiB (per job)\n",
             f, j, s, n / s, r / s, k / 1024 }'
  done
done
