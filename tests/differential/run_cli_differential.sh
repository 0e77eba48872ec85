#!/usr/bin/env bash
# Command-line differential test: every case of cli_corpus.tsv runs through
# `netinspect query` and Debian's jq (1.6) with its options, and stdout,
# stderr and the exit status must match — after mapping the ways jq 1.6 is
# known to differ from jq 1.8 in every case (see KNOWN_DIFFERENCES.md):
#   - 1.8 prefixes parse errors with "jq: " ("jq: parse error: ...",
#     "jq: ignoring parse error: ...") and exits 5 after one (1.6: 2 or 4);
#   - the usage hint after a usage error names the command.
# Cases where 1.6 differs otherwise keep jq 1.8's answer in expected-cli/<id>.out.
#
# usage: run_cli_differential.sh NETINSPECT [DIR]   |   run_cli_differential.sh --ids [DIR]
# To store a verified jq 1.8 answer: RECORD="id ..." run_cli_differential.sh NETINSPECT
# writes netinspect's output for those ids to expected-cli/ (check it first!).
# Exit: 0 all match (or jq missing: skipped), 1 mismatches, 2 usage.
set -uo pipefail

if [[ "${1:-}" == "--ids" ]]; then list_only=true; netinspect=""; else list_only=false; netinspect="${1:-}"; fi
dir="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
if ! $list_only && [[ ! -x "$netinspect" ]]; then
  echo "usage: run_cli_differential.sh NETINSPECT [DIR]" >&2
  exit 2
fi
if ! $list_only && ! command -v jq >/dev/null; then
  echo "cli differential: SKIPPED: 'jq' is not installed (scripts/install-deps installs it)"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$dir"/inputs/*.json "$work/"

# One run: stdout, "#stderr", stderr, "#rc=N" into $1.
run_tool() {
  local out="$1" input="$2"; shift 2
  if [[ "$input" == @* ]]; then
    (cd "$work" && timeout 20 "$@" </dev/null >"$out.o" 2>"$out.e")
  else
    (cd "$work" && printf "$input" | timeout 20 "$@" >"$out.o" 2>"$out.e")
  fi
  local rc=$?
  { cat "$out.o"; echo "#stderr"; cat "$out.e"; echo "#rc=$rc"; } >"$out"
}

# jq 1.6's spelling of what every case shares with jq 1.8.
normalise_jq16() {
  sed -e 's/^parse error: /jq: parse error: /' -e 's/^ignoring parse error: /jq: ignoring parse error: /' \
      -e '/^Use jq --help for help/d' -e '/^or see the jq manpage/d' "$1" >"$1.n"
  if grep -q '^jq: parse error: ' "$1.n"; then sed -i -e 's/^#rc=[24]$/#rc=5/' "$1.n"; fi
  mv "$1.n" "$1"
}

checked=0 known=0 failed=0
while IFS=$'\t' read -r opts input program extra; do
  [[ -z "$opts" || "$opts" == \#* ]] && continue
  id="$(printf '%s\t%s\t%s\t%s' "$opts" "$input" "$program" "$extra" | sha1sum | cut -c1-10)"
  if $list_only; then printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$opts" "$input" "$program" "$extra"; continue; fi
  [[ "$opts" == "-" ]] && opts=""
  files=()
  if [[ "$input" == @* ]]; then read -r -a files <<<"${input#@}"; fi
  read -r -a option_words <<<"$opts"
  read -r -a extra_words <<<"$extra"
  run_tool "$work/ni" "$input" "$netinspect" query "${option_words[@]}" "$program" "${files[@]}" "${extra_words[@]}"
  sed -i -e '/^Use netinspect query --help for help/d' "$work/ni"
  if [[ " ${RECORD:-} " == *" $id "* ]]; then mkdir -p "$dir/expected-cli" && cp "$work/ni" "$dir/expected-cli/$id.out"; fi
  if [[ -f "$dir/expected-cli/$id.out" ]]; then
    expected="$dir/expected-cli/$id.out"
    known=$((known + 1))
  else
    run_tool "$work/jq" "$input" jq "${option_words[@]}" "$program" "${files[@]}" "${extra_words[@]}"
    normalise_jq16 "$work/jq"
    expected="$work/jq"
    checked=$((checked + 1))
  fi
  if ! cmp -s "$expected" "$work/ni"; then
    failed=$((failed + 1))
    echo "FAIL $id: [$opts] $input | $program $extra"
    diff "$expected" "$work/ni" | head -10 | sed 's/^/  /'
  fi
done <"$dir/cli_corpus.tsv"

$list_only && exit 0
echo "cli differential: $checked checked against jq, $known against stored jq 1.8 output, $failed failed"
((failed == 0))
