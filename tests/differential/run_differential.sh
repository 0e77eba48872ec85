#!/usr/bin/env bash
# Differential test: runs every program of corpus.tsv through `netinspect query`,
# Debian's jq (1.6) and gojq with `-c` (and `-S` for the two jq's: gojq always sorts keys), and
# requires netinspect's stdout and success/failure to equal theirs wherever jq
# and gojq agree. Where jq 1.6 is known to differ from jq 1.8, the expected 1.8
# output is stored in expected/<id>.out (see KNOWN_DIFFERENCES.md) and wins.
# Cases where jq and gojq disagree and nothing is stored are counted, not checked.
#
# usage: run_differential.sh NETINSPECT [DIR]     (DIR: this directory)
#        run_differential.sh --ids [DIR]          (print "id<TAB>input<TAB>program")
# Exit: 0 all checked cases match (or jq/gojq missing: skipped), 1 mismatches, 2 usage.
set -uo pipefail

if [[ "${1:-}" == "--ids" ]]; then list_only=true; netinspect=""; else list_only=false; netinspect="${1:-}"; fi
dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
data="$dir/../data"
if ! $list_only && [[ ! -x "$netinspect" ]]; then
  echo "usage: run_differential.sh NETINSPECT [DIR]" >&2
  exit 2
fi
if ! $list_only; then
  for tool in jq gojq; do
    if ! command -v "$tool" >/dev/null; then
      echo "differential: SKIPPED: '$tool' is not installed (scripts/install-deps installs it)"
      exit 0
    fi
  done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

input_file() {
  if [[ "$1" == netstack ]]; then echo "$data/synthetic_netstack2_inspect.json"; else echo "$dir/inputs/$1.json"; fi
}

# Output of one tool: stdout, then a line saying whether it succeeded.
run_tool() {
  local out="$1"; shift
  timeout 20 "$@" >"$out" 2>/dev/null
  local rc=$?
  if ((rc == 0)); then echo "#ok" >>"$out"; else echo "#failed" >>"$out"; fi
}

checked=0 known=0 undecided=0 failed=0
while IFS=$'\t' read -r input program; do
  [[ -z "$input" || "$input" == \#* ]] && continue
  id="$(printf '%s\t%s' "$input" "$program" | sha1sum | cut -c1-10)"
  if $list_only; then printf '%s\t%s\t%s\n' "$id" "$input" "$program"; continue; fi
  file="$(input_file "$input")"
  run_tool "$work/ni" "$netinspect" query -c -S "$program" "$file"
  run_tool "$work/jq" jq -c -S "$program" "$file"
  run_tool "$work/gojq" gojq -c "$program" "$file"
  expected=""
  if [[ -f "$dir/expected/$id.out" ]]; then
    expected="$dir/expected/$id.out"
    known=$((known + 1))
  elif cmp -s "$work/jq" "$work/gojq"; then
    expected="$work/jq"
    checked=$((checked + 1))
  else
    undecided=$((undecided + 1))
    continue
  fi
  if ! cmp -s "$expected" "$work/ni"; then
    failed=$((failed + 1))
    echo "FAIL $id ($input): $program"
    echo "  expected: $(head -c 300 "$expected" | tr '\n' ' ')"
    echo "  netinspect: $(head -c 300 "$work/ni" | tr '\n' ' ')"
  fi
done <"$dir/corpus.tsv"

$list_only && exit 0
echo "differential: $checked checked against jq+gojq, $known against stored jq 1.8 output," \
     "$undecided skipped (jq 1.6 and gojq disagree), $failed failed"
((failed == 0))
