#!/usr/bin/env bash
# Benchmark: `netinspect query` against Debian's jq and gojq on the seed
# queries (sockets, NICs, counters, routes) over a generated snapshot, in the
# same run, outputs checked identical (md5). Reports wall time, peak RSS
# (/usr/bin/time), throughput and ratios, plus a `wc -c`-style read of the
# same file as the floor. Timings are printed, never asserted.
#
# usage: bench/run-bench.sh [--size 1G] [--no-jq] [--no-gojq] [--sockets N]
#                           [--netinspect PATH] [--keep DIR]
# gojq sorts object keys (output and .[] order): its lines are compared sorted.
#   --size SIZE      snapshot size for `netinspect gen --size` (default 1G)
#   --no-jq          skip jq (slow: ~28 s per GB); --no-gojq likewise
#   --sockets N      sockets in the snapshot (default 2000)
#   --netinspect P   the binary (default: build/netinspect)
#   --keep DIR       write the snapshot to DIR and keep it (default: a temp dir, removed)
set -u
size=1G sockets=2000 run_jq=1 run_gojq=1 keep=""
ni=${NETINSPECT:-build/netinspect}
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift ;;
    --sockets) sockets=$2; shift ;;
    --no-jq) run_jq=0 ;;
    --no-gojq) run_gojq=0 ;;
    --netinspect) ni=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run-bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$ni" ] || { echo "run-bench.sh: $ni not built (make build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run-bench.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
command -v jq >/dev/null || run_jq=0
command -v gojq >/dev/null || run_gojq=0

if [ -n "$keep" ]; then
  work=$keep; mkdir -p "$work"
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
snap=$work/bench-$size.json

echo "== generating a $size snapshot ($sockets sockets)"
/usr/bin/time -f "%e %M" -o "$work/time" "$ni" gen --seed 1 --size "$size" --sockets "$sockets" --nics 8 -o "$snap" || exit 2
bytes=$(stat -c %s "$snap")
read -r gen_s gen_kb < "$work/time"
echo "gen: $bytes bytes in ${gen_s} s, peak RSS $((gen_kb / 1024)) MiB"

# tool name, then the command; sets secs, rss_mb, md5 (of stdout).
measure() {
  local out=$work/out
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$out" 2>"$work/err"
  local rc=$?
  read -r secs kb < <(tail -1 "$work/time")
  rss_mb=$((kb / 1024))
  md5=$(md5sum < "$out" | cut -c1-32)
  lines=$(wc -l < "$out")
  return $rc
}

gbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { if (s > 0) printf "%.2f", b / s / 1e9; else printf "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }'; }

measure cat "$snap"; floor_s=$secs
printf '\nfloor (cat of the file): %s s, %s GB/s\n\n' "$floor_s" "$(gbps "$floor_s")"

N='.[] | select(.moniker == "core/network/netstack")'
queries=(
  "sockets|$N | .payload.\"Socket Info\" | .[]?"
  "nics|$N | .payload.\"NICs\" | .[]?"
  "counters|$N | .payload.\"Networking Stat Counters\" | select(. != null)"
  "routes|$N | .payload.\"Routes\" | .[]?"
)
printf '| query | tool | wall s | peak RSS MiB | GB/s | jq / netinspect | gojq / netinspect | same output |\n'
printf '|---|---|---|---|---|---|---|---|\n'
status=0
for q in "${queries[@]}"; do
  name=${q%%|*} program=${q#*|}
  measure "$ni" query "$program" "$snap" || { echo "netinspect query failed: $(head -3 "$work/err")" >&2; status=1; }
  ni_s=$secs ni_md5=$md5 ni_lines=$lines
  jq_s="" gojq_s=""
  printf '| %s | netinspect | %s | %s | %s | | | %s lines |\n' "$name" "$ni_s" "$rss_mb" "$(gbps "$ni_s")" "$ni_lines"
  if [ "$run_jq" = 1 ]; then
    measure jq "$program" "$snap"; jq_s=$secs
    same=$([ "$md5" = "$ni_md5" ] && echo yes || echo "NO")
    [ "$same" = yes ] || status=1
    printf '| %s | jq %s | %s | %s | %s | %s | | %s |\n' "$name" "$(jq --version)" "$jq_s" "$rss_mb" "$(gbps "$jq_s")" \
      "$(ratio "$jq_s" "$ni_s")" "$same"
  fi
  if [ "$run_gojq" = 1 ]; then
    measure gojq "$program" "$snap"; gojq_s=$secs; gojq_rss=$rss_mb
    # gojq sorts object keys, in output and in `.[]` over objects: compare the
    # sorted compact lines of both (untimed).
    a=$(gojq -c "$program" "$snap" | LC_ALL=C sort | md5sum)
    b=$("$ni" query -c -S "$program" "$snap" | LC_ALL=C sort | md5sum)
    same=$([ "$a" = "$b" ] && echo "yes (sorted)" || echo "NO")
    rss_mb=$gojq_rss
    printf '| %s | gojq | %s | %s | %s | | %s | %s |\n' "$name" "$gojq_s" "$rss_mb" "$(gbps "$gojq_s")" \
      "$(ratio "$gojq_s" "$ni_s")" "$same"
  fi
done

# Typed views over many sockets, when the command exists in this build.
if "$ni" sockets --help >/dev/null 2>&1; then
  many=$work/sockets-100k.json
  "$ni" gen --seed 2 --sockets 100000 --components 0 -o "$many" || exit 2
  bytes=$(stat -c %s "$many")
  measure "$ni" sockets --json "$many"
  printf '\nsockets --json, 100000 sockets (%s bytes): %s s, peak RSS %s MiB, %s lines\n' "$bytes" "$secs" "$rss_mb" "$lines"
else
  printf '\n(netinspect sockets not in this build: skipped the 100000-socket view)\n'
fi
exit $status
