#!/usr/bin/env bash
# Runs every jq program of the seed document "Netstack Inspect Data" verbatim
# (same flags, `fx jq` -> the query command) over the sample snapshot, compact
# (piped in on stdin, as `cat snapshot/inspect.json | fx jq ...`) and pretty
# (given as a file argument), and compares the bytes with what jq printed.
# The pprof pipeline also runs its `while read` loop and compares the files it
# writes.
#
# usage: seed_queries_test.sh NETINSPECT DATA_DIR
#        seed_queries_test.sh --generate JQ DATA_DIR   # rewrite DATA_DIR/seed/*
set -u

generate=0
if [ "${1:-}" = "--generate" ]; then
  generate=1
  shift
fi
if [ $# -ne 2 ]; then
  echo "usage: $0 [--generate] NETINSPECT|JQ DATA_DIR" >&2
  exit 2
fi
tool=$1
case $tool in */*) tool=$(cd "$(dirname "$tool")" && pwd)/$(basename "$tool") ;; esac
data=$(cd "$2" && pwd)
expected_dir=$data/seed
compact=$data/synthetic_netstack2_inspect.json
pretty=$data/synthetic_netstack2_inspect_pretty.json

# The query command of this tool: `netinspect query ...`, or plain jq when generating.
query() {
  if [ "$generate" = 1 ]; then
    "$tool" "$@"
  else
    "$tool" query "$@"
  fi
}

# Programs exactly as the seed document writes them.
sockets='.[] | select(.moniker == "core/network/netstack") | .payload."Socket Info" | .[]?'
nics='.[] | select(.moniker == "core/network/netstack") | .payload."NICs" | .[]?'
counters='.[] | select(.moniker == "core/network/netstack")
           | .payload."Networking Stat Counters"
           | select(. != null)'
routes='.[] | select(.moniker == "core/network/netstack") | .payload."Routes" | .[]?'
pprof_keys='.[] | select(.moniker == "core/network/netstack")
              | select(.payload.root.pprof != null)
              | {file: .metadata.filename, keys: (.payload.root.pprof | keys)}'
pprof_decode='.[]
            | select(.moniker == "core/network/netstack")
            | select(.payload.root.pprof != null)
            | . as $parent
            | (.payload.root.pprof | to_entries | .[] | ($parent | .metadata.filename) + "_" + .key + " " + .value)'
pprof_decode_now='.[]
            | select(.moniker == "core/network/netstack")
            | select(.payload.root.pprof != null and .metadata.filename == "pprof/now.inspect")
            | . as $parent
            | (.payload.root.pprof | to_entries | .[] | ($parent | .metadata.filename) + "_" + .key + " " + .value)'

# name|flags|program-variable; flags are split on spaces ("-" = none).
cases=(
  "sockets|-|sockets"
  "nics|-|nics"
  "nic_by_id|-|nic_by_id"
  "nic_by_name|-|nic_by_name"
  "counters|-|counters"
  "counters_tcp|-|counters_tcp"
  "counters_udp|-|counters_udp"
  "routes|-|routes"
  "pprof_keys|-c|pprof_keys"
  "pprof_decode|-rc|pprof_decode"
  "pprof_decode_now|-rc|pprof_decode_now"
)
# "To look at a single NIC ... simply append | select(.NICID == "id")".
nic_by_id="$nics | select(.NICID == \"2\")"
nic_by_name="$nics | select(.Name == \"wlanx62\")"
# "You can append | .TCP , or | .UDP".
counters_tcp="$counters | .TCP"
counters_udp="$counters | .UDP"

failures=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_case() {
  local name=$1 flags=$2 program=$3 variant=$4 out=$5
  local -a flag_args=()
  [ "$flags" != "-" ] && read -r -a flag_args <<<"$flags"
  if [ "$variant" = compact ]; then
    cat "$compact" | query "${flag_args[@]}" "$program" >"$out"
  else
    query "${flag_args[@]}" "$program" "$pretty" >"$out"
  fi
}

for entry in "${cases[@]}"; do
  IFS='|' read -r name flags var <<<"$entry"
  program=${!var}
  for variant in compact pretty; do
    expected=$expected_dir/$name.out
    actual=$work/$name.$variant.out
    run_case "$name" "$flags" "$program" "$variant" "$actual"
    status=$?
    if [ "$generate" = 1 ]; then
      if [ "$variant" = compact ]; then
        cp "$actual" "$expected"
      elif ! cmp -s "$actual" "$expected"; then
        echo "generate: $name differs between compact and pretty input" >&2
        failures=$((failures + 1))
      fi
      continue
    fi
    if [ $status -ne 0 ]; then
      echo "FAIL $name ($variant): exit status $status" >&2
      failures=$((failures + 1))
    elif ! cmp -s "$expected" "$actual"; then
      echo "FAIL $name ($variant): output differs from jq's" >&2
      diff "$expected" "$actual" | head -20 >&2
      failures=$((failures + 1))
    else
      echo "ok   $name ($variant)"
    fi
  done
done

# The pprof extraction loop of the document, run as written (with the query
# command in place of `fx jq`), in a scratch directory; compare the files.
for variant in all now; do
  if [ "$variant" = all ]; then program=$pprof_decode; else program=$pprof_decode_now; fi
  dir=$work/pprof_$variant
  mkdir -p "$dir"
  (
    cd "$dir" &&
      query -rc "$program" "$pretty" | \
        while read f c; do echo $c | sed s/b64://g | base64 -d > $(echo $f | sed 's/pprof\///g'); done
  )
  expected=$expected_dir/pprof_files_$variant
  if [ "$generate" = 1 ]; then
    rm -rf "$expected"
    cp -r "$dir" "$expected"
    continue
  fi
  if diff -r "$expected" "$dir" >/dev/null; then
    echo "ok   pprof loop ($variant): $(ls "$dir" | wc -l) files"
  else
    echo "FAIL pprof loop ($variant): decoded files differ" >&2
    diff -r "$expected" "$dir" >&2
    failures=$((failures + 1))
  fi
done

if [ "$generate" = 1 ]; then
  [ $failures -eq 0 ] && echo "expectations written to $expected_dir"
  exit $((failures != 0))
fi
if [ $failures -ne 0 ]; then
  echo "$failures seed checks failed" >&2
  exit 1
fi
echo "all seed checks passed"
