#!/usr/bin/env bash
# Builds the seed corpora of every fuzz target from the project's test data
# into OUT/<target>/ (generated at fuzz time; nothing big is committed).
# Usage: fuzz/make-seeds.sh OUT
set -euo pipefail
out=${1:?usage: make-seeds.sh OUT}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/tests/data
jq_tests=$root/tests/conformance/jq-tests
seed() {  # seed TARGET: stdin becomes one seed file (runs in pipelines: no counters)
  mkdir -p "$out/$1"
  cat > "$(mktemp "$out/$1/seed-XXXXXX")"
}
small_json=("$data"/fuchsia/*.json "$data"/views/*.json
            "$data"/pprof/generated-go1.19/synthetic_inspect_pprof.json)
for f in "${small_json[@]}"; do
  seed json_parse < "$f"
  { printf '\x02'; cat "$f"; } | seed json_roundtrip
  { printf '\x00'; cat "$f"; } | seed source_split
  { printf '\x0d'; cat "$f"; } | seed source_split
done
head -c 16384 "$data/synthetic_netstack2_inspect.json" | seed json_parse
head -c 16384 "$data/synthetic_netstack2_inspect.json" | seed source_split

# jq's test files: blocks of program, input, outputs. Each program seeds the
# parser; program NUL input seeds evaluation; every input line seeds JSON.
for f in "$jq_tests"/*.test; do
  program='' input='' state=program
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ -z $line || $line == \#* ]]; then
      if [[ -n $program && -n $input ]]; then
        printf '%s' "$program" | seed jq_parse
        printf '%s\0%s' "$program" "$input" | seed jq_run
      fi
      program='' input='' state=program
      continue
    fi
    case $state in
      program) program=$line state=input ;;
      input) input=$line state=outputs
             printf '%s' "$line" | seed json_parse
             { printf '\x00'; printf '%s' "$line"; } | seed json_roundtrip ;;
      *) ;;
    esac
  done < "$f"
done

# Compressed sources: gzip and zip of small snapshots, the pprof gzip files.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$data"/views/*.json "$data"/fuchsia/iquery_golden_show_test.json; do
  gzip -c "$f" | seed source_open
  cp "$f" "$tmp/inspect.json"
  (cd "$tmp" && rm -f s.zip && zip -q s.zip inspect.json) && seed source_open < "$tmp/s.zip"
done
seed source_open < "$data/fuchsia/iquery_golden_show_test.json"

# pprof: raw gzip'd protobufs (first byte 0) and the b64: values of a snapshot (1).
for f in "$data"/pprof/*.pb.gz "$data"/pprof/generated-go1.19/*.pb.gz; do
  { printf '\x00'; cat "$f"; } | seed pprof_decode
  { printf '\x00'; gzip -dc "$f"; } | seed pprof_decode
done
grep -o '"b64:[^"]*"' "$data/pprof/generated-go1.19/synthetic_inspect_pprof.json" | tr -d '"' |
  while IFS= read -r v; do { printf '\x01'; printf '%s' "$v"; } | seed pprof_decode; done

# /proc/net texts: first byte 0 snmp, 1 snmp6, 2 sockstat.
capture=$root/tests/capture/data
{ printf '\x00'; cat "$capture/proc_net_snmp.txt"; } | seed proc_net
{ printf '\x00'; cat "$capture/proc_net_netstat.txt"; } | seed proc_net
{ printf '\x01'; cat "$capture/proc_net_snmp6.txt"; } | seed proc_net
{ printf '\x02'; cat "$capture/proc_net_sockstat.txt"; } | seed proc_net
{ printf '\x02'; cat "$capture/proc_net_sockstat6.txt"; } | seed proc_net

# Selectors: the quoted selector-looking strings of the selector tests.
grep -ohE '"[^"]*:[^"]*"' "$root"/tests/inspect/*_test.cc | sed 's/^"//; s/"$//' |
  while IFS= read -r s; do printf '%s' "$s" | seed selector; done
for s in 'core/network/netstack:root' 'core/**:root/a:b' 'a:[name=x]root/b\:c:d*e' 'INSPECT:a/b:root'; do
  printf '%s' "$s" | seed selector
done
# Triage: byte 0 picks 0 JSON5, 1 expression, 2 config (fuzz/targets/triage_config.cc).
for f in "$root"/share/triage/*.triage "$data"/triage/*.triage; do
  { printf '\x02'; cat "$f"; } | seed triage_config
  { printf '\x00'; cat "$f"; } | seed triage_config
done
for f in "$data"/triage/*.json; do { printf '\x00'; head -c 8192 "$f"; } | seed triage_config; done
grep -ohE 'run\("[^"]*"\)|parse_expression\("[^"]*"\)' "$root"/tests/diagnose/*_test.cc |
  sed -E 's/^[a-z_]+\("//; s/"\)$//' |
  while IFS= read -r e; do { printf '\x01'; printf '%s' "$e"; } | seed triage_config; done
echo "make-seeds: $(find "$out" -type f | wc -l) seeds in $out"
