#!/usr/bin/env bash
# Streaming evaluation for more filter shapes (issue 4): `.[]? | REST`,
# `try .[]`, and programs with leading `def`s run entry by entry, and print
# exactly what whole-value evaluation (--no-streaming, the jq-exact path)
# prints — stdout, stderr, their interleaving, the exit status — and what
# Debian's jq prints (skipped without jq). Programs that must see whole
# values (a def that reads `input`, `$__loc__`, a redefined `select`) are
# checked the same way.
#
# usage: streaming_shapes_test.sh path/to/netinspect DATA_DIR
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 NETINSPECT DATA_DIR" >&2
  exit 2
fi
NI=$1
case $NI in /*) ;; */*) NI=$(cd "$(dirname "$NI")" && pwd)/$(basename "$NI") ;; esac
data=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $1" >&2; failed=$((failed + 1)); }
have_jq=0
if command -v jq >/dev/null; then have_jq=1; else echo "note: jq not installed: comparing with --no-streaming only"; fi

cp "$data/synthetic_netstack2_inspect.json" sample.json
printf '[1,{"a":2},\n3,{"a":4}]\n[{"a":5}]\n' >errors.json
printf '[{"a":1}]\n' >one.json
printf '1 [2,[3]] {"a":[4]} "s" [] [[]] null\n' >mixed.json
printf '[{"moniker":"a","x":1},{"moniker":"b","x":2},{"moniker":"a","x":3}]\n' >objects.json
printf '[]\n' >empty_array.json

# run OUT [--no-streaming] ARGS... : OUT.o, OUT.e, OUT.m (2>&1), OUT.rc
run() {
  local out=$1
  shift
  timeout 60 "$@" </dev/null >"$out.o" 2>"$out.e"
  echo $? >"$out.rc"
  timeout 60 "$@" </dev/null >"$out.m" 2>&1
}
# jq 1.6's spelling of two jq 1.8 error texts these cases meet (jq 1.8's
# tests/jq.test: 'Cannot index number with string ("a")'; src/builtin.c:
# "No more inputs", where 1.6 leaks its internal "break").
normalise_jq16() {
  sed -i -E -e 's/Cannot index ([a-z]+) with string "([^"]*)"/Cannot index \1 with string ("\2")/' \
      -e 's/^(jq: error \(at [^)]*\)): break$/\1: No more inputs/' "$1.e" "$1.m"
}
same_files() { cmp -s "$1.o" "$2.o" && cmp -s "$1.e" "$2.e" && cmp -s "$1.rc" "$2.rc"; }

# case NAME ARGS... : streaming vs whole values (every byte, interleaving
# included), then vs jq (stdout, stderr, status).
case_() {
  local name=$1
  shift
  run s "$NI" query "$@"
  run w "$NI" query --no-streaming "$@"
  if same_files s w && cmp -s s.m w.m; then pass; else
    fail "$name: streaming vs whole values (rc $(cat s.rc)/$(cat w.rc))"
    diff w.o s.o | head -5 >&2
    diff w.e s.e | head -5 >&2
  fi
  [ $have_jq = 1 ] || return 0
  run j jq "$@"
  normalise_jq16 j
  if same_files s j; then pass; else
    fail "$name: netinspect vs jq (rc $(cat s.rc)/$(cat j.rc))"
    diff j.o s.o | head -5 >&2
    diff j.e s.e | head -5 >&2
  fi
}

# --- .[]? and try .[] -------------------------------------------------------------
case_ ".[]? over every kind of top-level value" -c '.[]?' mixed.json
case_ ".[]? | .[]?" -c '.[]? | .[]?' mixed.json
case_ "try .[]" -c 'try .[]' mixed.json
case_ ".[]? | REST with an error in an element" -c '.[]? | .a' errors.json one.json
case_ ".[]? | error: the ? does not catch it" -c '.[]? | error("boom")' one.json errors.json
case_ ".[]? | REST that fails on one element" -c '.[]? | if . == 3 then error("three") else . end' errors.json one.json
case_ ".[]? with -e, false last" -e '.[]? | false' one.json
case_ ".[]? with -e, no output" -e '.[]? | empty' one.json empty_array.json
case_ ".[]? | select by moniker" -c '.[]? | select(.moniker == "a") | .x' objects.json
case_ ".[]? on the sample snapshot" -c '.[]? | select(.moniker == "core/network/netstack") | .payload."Routes" | .[]?' sample.json
case_ ".[]? | input_filename" -c '.[]? | input_filename' one.json errors.json
case_ ".[]? | halt_error" '.[]? | if .a == 2 then halt_error else . end' errors.json one.json
case_ ".[]? with catch is not streamed" -c 'try .[] catch "c"' mixed.json

# --- leading definitions --------------------------------------------------------
case_ "def, then .[] | f" -c 'def f: .a; .[] | f' errors.json one.json
case_ "defs with arguments, .[]? | h" -c 'def f(g): [g]; def h: f(.a?, 0); .[]? | h' mixed.json errors.json
case_ "def, then .[] alone" -c 'def f: .; .[]' mixed.json
case_ "def, then .[]? alone" -c 'def f: 1; .[]?' mixed.json
case_ "def raising an error" -c 'def f: error("e\(.)"); .[] | f' one.json errors.json
case_ "recursive def" -c 'def fact: if . <= 1 then 1 else . * (. - 1 | fact) end; .[] | .a? // . | numbers | fact' errors.json
case_ "def and a moniker select" -c 'def x: .x; .[] | select(.moniker == "a") | x' objects.json
case_ "redefined select: no moniker skipping" -c 'def select(f): .; .[] | select(.moniker == "a") | .x' objects.json
case_ "def using \$__loc__: not streamed" -c 'def f: $__loc__; .[] | f' one.json
case_ "def reading input: not streamed" -c 'def f: input; .[] | [., f]' one.json one.json one.json
case_ "def with a comment before the body" -c $'def f: .a; # comment\n.[] | f' one.json
case_ "defs on the sample snapshot" -c 'def ns: "core/network/netstack"; def sockets: .payload."Socket Info" | .[]?; .[] | select(.moniker == ns) | sockets | .State' sample.json
case_ "def and --arg" -c --arg m a 'def want: .moniker == $m; .[] | select(want) | .x' objects.json

# --- these shapes really stream: entries before a break are processed ------------
for program in '.[]? | . * 10' 'def f: . * 10; .[] | f' 'def f: . * 10; .[]? | f'; do
  printf '[1,2,{' | timeout 60 "$NI" query -c "$program" >t.o 2>t.e
  rc=$?
  if [ "$(cat t.o)" = $'10\n20' ] && [ $rc = 5 ] && grep -q 'parse error' t.e; then pass; else
    fail "streams entry by entry: $program (rc $rc, stdout $(head -c 100 t.o))"
  fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
