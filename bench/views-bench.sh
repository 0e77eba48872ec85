#!/usr/bin/env bash
# Benchmark of the netstack views on a big generated snapshot: `sockets --json`
# (issue 5's figure: 100,000 sockets in under 1 s), `sockets` (table), `nics`,
# `counters` and `overview`, each the minimum wall time of N runs with its
# peak RSS (GNU time), then Debian's jq doing an equivalent extraction of the
# socket rows once, in the same run, as the ratio. Timings are printed, never
# asserted.
#
# usage: bench/views-bench.sh [--sockets N] [--runs N] [--no-jq]
#                             [--netinspect PATH] [--keep DIR]
#   --sockets N      sockets in the snapshot (default 100000)
#   --runs N         runs per view; the minimum wall time is reported (default 3)
#   --no-jq          skip the jq comparison (jq 1.6 needs ~1.5 GB and several seconds)
#   --netinspect P   the binary (default: build/netinspect, or $NETINSPECT)
#   --keep DIR       write the snapshot to DIR and keep it (default: a temp dir, removed)
set -u
sockets=100000 runs=3 run_jq=1 keep=""
ni=${NETINSPECT:-build/netinspect}
while [ $# -gt 0 ]; do
  case $1 in
    --sockets) sockets=$2; shift ;;
    --runs) runs=$2; shift ;;
    --no-jq) run_jq=0 ;;
    --netinspect) ni=$2; shift ;;
    --keep) keep=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "views-bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
case $sockets$runs in *[!0-9]*) echo "views-bench.sh: --sockets and --runs take numbers" >&2; exit 2 ;; esac
[ -x "$ni" ] || { echo "views-bench.sh: $ni not built (make build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "views-bench.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
command -v jq >/dev/null || { [ $run_jq = 1 ] && echo "views-bench.sh: jq not installed, skipping the comparison" >&2; run_jq=0; }

if [ -n "$keep" ]; then
  work=$keep; mkdir -p "$work"
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi
snap=$work/views-$sockets.json

echo "== generating a snapshot with $sockets sockets"
if [ ! -s "$snap" ]; then
  "$ni" gen --seed 1 --sockets "$sockets" -o "$snap" || exit 2
fi
bytes=$(stat -c %s "$snap")
echo "snapshot: $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1048576 }') MiB), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs "$@" once; sets secs, kb (peak RSS) and fails like the command.
run_once() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>"$work/err"
  local rc=$?
  read -r secs kb < <(tail -1 "$work/time")
  return $rc
}

# The minimum wall time of $runs runs, and the peak RSS of that run.
best_secs="" best_kb=""
measure() {
  best_secs="" best_kb=""
  for _ in $(seq "$runs"); do
    run_once "$@" || { echo "failed: $* : $(head -3 "$work/err")" >&2; return 1; }
    if [ -z "$best_secs" ] || awk -v a="$secs" -v b="$best_secs" 'BEGIN { exit !(a < b) }'; then
      best_secs=$secs best_kb=$kb
    fi
  done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }'; }

status=0
printf '\n| view | min wall s (%s runs) | peak RSS MiB | output bytes |\n|---|---|---|---|\n' "$runs"
sockets_json_secs=""
for view in "sockets --json" "sockets" "nics" "counters" "overview"; do
  # Not a terminal here: ask for the table explicitly, as a person would see it.
  format=--table; [ "${view#*--json}" != "$view" ] && format=""
  # shellcheck disable=SC2086  # the view's words are separate arguments
  measure "$ni" $view $format "$snap" || true
  [ -z "$best_secs" ] && { status=1; continue; }
  [ "$view" = "sockets --json" ] && { sockets_json_secs=$best_secs; cp "$work/out" "$work/sockets.json"; }
  printf '| %s | %s | %s | %s |\n' "$view" "$best_secs" "$((best_kb / 1024))" "$(stat -c %s "$work/out")"
done

if [ $run_jq = 1 ] && [ -n "$sockets_json_secs" ]; then
  # The same rows as `sockets --json` (the fields jq can read without netinspect's typing).
  program='[.[] | select(.moniker | test("netstack")) | .payload."Socket Info" // empty
            | to_entries[] | .key as $id | .value
            | {id: ($id | tonumber), network: .NetworkProtocol, transport: .TransportProtocol,
               state: .State, local: .LocalAddress, remote: .RemoteAddress,
               bind_nic: (.BindNICID | tonumber?), register_nic: (.RegisterNICID | tonumber?),
               sent: (.Stats.SegmentsSent // .Stats.PacketsSent),
               received: (.Stats.SegmentsReceived // .Stats.PacketsReceived)}]
           | sort_by(.id)'
  if run_once jq "$program" "$snap"; then
    jq_rows=$(jq length "$work/out") ni_rows=$(jq length "$work/sockets.json")
    printf '\njq %s: %s s, peak RSS %s MiB, %s rows (netinspect: %s rows); jq / netinspect sockets --json = %s\n' \
      "$(jq --version)" "$secs" "$((kb / 1024))" "$jq_rows" "$ni_rows" "$(ratio "$secs" "$sockets_json_secs")"
  else
    echo "jq failed: $(head -3 "$work/err")" >&2
    status=1
  fi
fi
exit $status
