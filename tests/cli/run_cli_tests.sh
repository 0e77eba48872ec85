#!/usr/bin/env bash
# End-to-end tests of `netinspect` and `netinspect query` (jq 1.8's command
# line): options, combined flags, output bytes, error texts and exit codes.
# Expectations are written out here (jq need not be installed to run them).
#
# usage: run_cli_tests.sh path/to/netinspect
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 NETINSPECT" >&2
  exit 2
fi
NI=$1
case $NI in /*) ;; */*) NI=$(cd "$(dirname "$NI")" && pwd)/$(basename "$NI") ;; esac
source_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
passed=0
failed=0

# run INPUT ARGS... : runs `netinspect query ARGS` with INPUT on stdin.
run() {
  local input=$1
  shift
  printf '%s' "$input" | timeout 120 "$NI" query "$@" >"$work/out" 2>"$work/err"
  RC=${PIPESTATUS[1]}
}
# run_ni ARGS... : runs `netinspect ARGS` with empty stdin.
run_ni() {
  timeout 60 "$NI" "$@" </dev/null >"$work/out" 2>"$work/err"
  RC=$?
}
# expect NAME RC STDOUT STDERR : byte-exact check of the last run.
expect() {
  local name=$1 rc=$2 out=$3 err=$4 ok=1
  printf '%s' "$out" >"$work/expected_out"
  printf '%s' "$err" >"$work/expected_err"
  if [ "$RC" != "$rc" ]; then
    echo "FAIL $name: exit status $RC, expected $rc" >&2
    ok=0
  fi
  if ! cmp -s "$work/expected_out" "$work/out"; then
    echo "FAIL $name: stdout differs" >&2
    diff <(od -c "$work/expected_out") <(od -c "$work/out") | head -10 >&2
    ok=0
  fi
  if ! cmp -s "$work/expected_err" "$work/err"; then
    echo "FAIL $name: stderr differs" >&2
    diff "$work/expected_err" "$work/err" | head -10 >&2
    ok=0
  fi
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
# expect_rc_err_prefix NAME RC PREFIX : exit status and the start of stderr.
expect_rc_err_prefix() {
  local name=$1 rc=$2 prefix=$3
  if [ "$RC" = "$rc" ] && [ "$(head -c ${#prefix} "$work/err")" = "$prefix" ]; then
    passed=$((passed + 1))
  else
    echo "FAIL $name: exit status $RC (expected $rc), stderr: $(head -c 300 "$work/err")" >&2
    failed=$((failed + 1))
  fi
}

usage_hint='Use netinspect query --help for help with command-line options.
'

# --- the netinspect program --------------------------------------------------
run_ni --version
expect "netinspect --version" 0 "netinspect $(sed -n 's/^project(netinspect VERSION \([0-9.]*\).*/\1/p' "$source_dir/../../CMakeLists.txt" 2>/dev/null)
" ""
run_ni --help
if [ $RC = 0 ] && grep -q '^  query ' "$work/out"; then passed=$((passed + 1)); else
  echo "FAIL netinspect --help: no query command listed" >&2; failed=$((failed + 1)); fi
run_ni frobnicate
expect_rc_err_prefix "unknown command" 2 "netinspect: unknown command 'frobnicate'"
run_ni query --help
if [ $RC = 0 ] && grep -q -- '--raw-output0' "$work/out" && grep -q 'jq: error' "$work/out" &&
   grep -q 'core/network/netstack' "$work/out"; then passed=$((passed + 1)); else
  echo "FAIL query --help" >&2; failed=$((failed + 1)); fi

# --- output formats ------------------------------------------------------------
doc='{"b":[1,2,{"c":null}],"a":"x"}'
run "$doc" .
expect "pretty" 0 '{
  "b": [
    1,
    2,
    {
      "c": null
    }
  ],
  "a": "x"
}
' ""
run "$doc" -c .
expect "-c" 0 '{"b":[1,2,{"c":null}],"a":"x"}
' ""
run "$doc" -S -c .
expect "-S -c" 0 '{"a":"x","b":[1,2,{"c":null}]}
' ""
run "$doc" -Sc .
expect "-Sc combined" 0 '{"a":"x","b":[1,2,{"c":null}]}
' ""
run "$doc" --tab .b
expect "--tab" 0 $'[\n\t1,\n\t2,\n\t{\n\t\t"c": null\n\t}\n]\n' ""
run "$doc" --indent 1 .b
expect "--indent 1" 0 $'[\n 1,\n 2,\n {\n  "c": null\n }\n]\n' ""
run "$doc" --indent 0 .b
expect "--indent 0 is compact" 0 '[1,2,{"c":null}]
' ""
run "$doc" --tab -c .b
expect "-c after --tab" 0 '[1,2,{"c":null}]
' ""
run "$doc" --indent 8 .
expect "--indent 8" 2 "" "jq: --indent takes a number between -1 and 7
$usage_hint"
run "$doc" . --indent
expect "--indent without value" 2 "" "jq: --indent takes one parameter
$usage_hint"
run '"a" "b\nc" 1' -r .
expect "-r" 0 'a
b
c
1
' ""
run '' -nrc '"x", {"a":"y"}'
expect "-nrc combined" 0 'x
{"a":"y"}
' ""
run '"a" "b" 1' -j .
expect "-j" 0 'ab1' ""
run '' -n --raw-output0 '"a","b",1'
printf 'a\0b\0001\0' >"$work/want0"
if [ $RC = 0 ] && cmp -s "$work/want0" "$work/out"; then passed=$((passed + 1)); else
  echo "FAIL --raw-output0" >&2; failed=$((failed + 1)); fi
run '' -n --raw-output0 '"a", "x\u0000y", "b"'
printf 'a\0' >"$work/want0"
if [ $RC = 5 ] && cmp -s "$work/want0" "$work/out" && [ "$(cat "$work/err")" = \
   "jq: error (at <unknown>): Cannot dump a string containing NUL with --raw-output0 option" ]; then
  passed=$((passed + 1)); else echo "FAIL --raw-output0 with NUL: rc $RC $(cat "$work/err")" >&2; failed=$((failed + 1)); fi
run '"é→😀"' -a .
expect "-a" 0 '"\u00e9\u2192\ud83d\ude00"
' ""
run '"é"' -ra .
expect "-r -a prints the string quoted, as jq" 0 '"\u00e9"
' ""
run '' -n --seq '1,"a",[2]' -c
expect "--seq output" 0 $'\x1e1\n\x1e"a"\n\x1e[2]\n' ""
run '' -n --seq -r '"a",1'
expect "--seq with -r strings" 0 $'a\n\x1e1\n' ""
run $'\x1e1\n\x1e[2]\n' --seq -c .
expect "--seq input" 0 $'\x1e1\n\x1e[2]\n' ""

# --- colours ---------------------------------------------------------------------
JQ_COLORS='1;30:0;31:0;32:0;33:0;34:1;35:1;36:1;30' run '' -Ccn '[{"a":true,"b":false},123,null]'
expect "-C with JQ_COLORS" 0 $'\e[1;35m[\e[1;36m{\e[0m\e[1;30m"a"\e[0m\e[1;36m:\e[0m\e[0;32mtrue\e[0m\e[1;36m,\e[0m\e[1;30m"b"\e[0m\e[1;36m:\e[0m\e[0;31mfalse\e[0m\e[1;36m\e[1;36m}\e[0m\e[1;35m,\e[0;33m123\e[0m\e[1;35m,\e[1;30mnull\e[0m\e[1;35m\e[1;35m]\e[0m\n' ""
run '' -Ccn '[1,{"a":null}]'
cp "$work/out" "$work/default_colors"
JQ_COLORS='garbage;30:*;31' run '' -Ccn '[1,{"a":null}]'
if [ $RC = 0 ] && cmp -s "$work/out" "$work/default_colors" && [ "$(cat "$work/err")" = 'Failed to set $JQ_COLORS' ]; then
  passed=$((passed + 1)); else echo "FAIL invalid JQ_COLORS" >&2; failed=$((failed + 1)); fi
run '' -CMn '1'
expect "-M wins over -C" 0 '1
' ""
NO_COLOR=1 run '' -n '1'
expect "not a tty: no colour" 0 '1
' ""

# Colour by default on a terminal, unless NO_COLOR is set (needs util-linux `script`).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "'$NI' query -n 1" /dev/null >"$work/tty_out" 2>&1
  if grep -q $'\e\[' "$work/tty_out"; then passed=$((passed + 1)); else
    echo "FAIL tty: no colour by default" >&2; failed=$((failed + 1)); fi
  NO_COLOR=1 script -qec "'$NI' query -n 1" /dev/null >"$work/tty_out" 2>&1
  if ! grep -q $'\e\[' "$work/tty_out"; then passed=$((passed + 1)); else
    echo "FAIL tty: NO_COLOR ignored" >&2; failed=$((failed + 1)); fi
fi

# --- exit status -------------------------------------------------------------------
run '' -ne false
expect "-e false" 1 'false
' ""
run '' -ne null
expect "-e null" 1 'null
' ""
run '' -ne empty
expect "-e no output" 4 "" ""
run '' -ne '1, false, 2'
expect "-e last output counts" 0 '1
false
2
' ""
run '' -n false
expect "no -e: false is success" 0 'false
' ""
run '{"a":1}' -e '.a | error("bad")'
expect "-e runtime error" 5 "" "jq: error (at <stdin>:0): bad
"
run '' -n '1, error("boom"), 2'
expect "runtime error" 5 '1
' "jq: error (at <unknown>): boom
"
run '' -n '{a:1} | error'
expect "non-string error" 5 "" 'jq: error (at <unknown>) (not a string): {"a":1}
'
run $'1\n2\n' 'if . == 1 then error("first") else . end'
expect "status reflects the last input" 0 '2
' "jq: error (at <stdin>:1): first
"
run $'1\n2\n\n\n{"a":\n1}' 'error("e")'
expect "error positions count lines as jq" 5 "" "jq: error (at <stdin>:1): e
jq: error (at <stdin>:2): e
jq: error (at <stdin>:5): e
"
run $'1\n' -n 'input, (try input catch "none"), error("e")'
expect "position after input" 5 '1
"none"
' "jq: error (at <stdin>:1): e
"
run '[1]' -n '[inputs] | error("e")'
expect "position after all inputs" 5 "" "jq: error (at <unknown>): e
"
run '1 2' -s 'error("e")'
expect "slurp position without newline" 5 "" "jq: error (at <stdin>:0): e
"
run $'1 2\n' -s 'error("e")'
expect "slurp position" 5 "" "jq: error (at <stdin>:1): e
"
run '' -n '1, halt, 2'
expect "halt" 0 '1
' ""
run '' -n '"bye\n" | halt_error'
expect "halt_error string" 5 "" 'bye
'
run '' -n '"no newline" | halt_error(1)'
expect "halt_error adds no newline" 1 "" 'no newline'
run '' -n '{"a":"xyz"} | halt_error(3)'
expect "halt_error object" 3 "" '{"a":"xyz"}
'
run $'1\n2\n3\n' 'if . == 2 then halt_error(0) else . end'
expect "halt stops the inputs" 0 '1
' '2
'

# --- compile and parse errors -------------------------------------------------
run '' -n '1 +'
expect_rc_err_prefix "compile error" 3 "jq: error: "
if tail -n 1 "$work/err" | grep -qx 'jq: 1 compile error'; then passed=$((passed + 1)); else
  echo "FAIL compile error trailer: $(cat "$work/err")" >&2; failed=$((failed + 1)); fi
run $'{"a":1}\n[1,2\n' -c .
expect "parse error after outputs" 5 '{"a":1}
' "jq: parse error: Unfinished JSON term at EOF at line 3, column 0
"
python3 -c "print('['*10001 + ']'*10001)" >"$work/deep10001.json"
python3 -c "print('['*10000 + ']'*10000)" >"$work/deep10000.json"
run '' -c 'length' "$work/deep10001.json"
expect_rc_err_prefix "10001 levels of nesting" 5 "jq: parse error: Exceeds depth limit for parsing"
run '' -c 'length' "$work/deep10000.json"
expect "10000 levels of nesting" 0 '1
' ""
run '' -n 'def f: f; f'
if [ "$RC" -ne 0 ] && [ "$RC" -lt 128 ] && grep -q '^jq: error' "$work/err"; then passed=$((passed + 1)); else
  echo "FAIL def f: f; f: exit $RC, $(head -c 200 "$work/err")" >&2; failed=$((failed + 1)); fi
run '' -n 'def f($n): if $n == 0 then 0 else 1 + f($n - 1) end; f(20000)'
expect "deep non-tail recursion" 0 '20000
' ""
printf '"a\xffb" "\xe2\x82"\n' >"$work/bad_utf8.json"
run '' -c . "$work/bad_utf8.json"
expect "invalid UTF-8 becomes U+FFFD" 0 $'"a\xef\xbf\xbdb"\n"\xef\xbf\xbd"\n' ""
run $'a\xffb\nc' -R .
expect "-R invalid UTF-8" 0 $'"a\xef\xbf\xbdb"\n"c"\n' ""

# --- usage errors ------------------------------------------------------------------
run '' -n -Z 1
expect "unknown short option" 2 "" "jq: Unknown option -Z
$usage_hint"
run '' -n --frobnicate 1
expect "unknown long option" 2 "" "jq: Unknown option --frobnicate
$usage_hint"
run '' -n 1 --arg x
expect "--arg missing values" 2 "" "jq: --arg takes two parameters (e.g. --arg varname value)
$usage_hint"
run '' -n --argjson x '{' 1
expect "--argjson invalid" 2 "" "jq: invalid JSON text passed to --argjson
$usage_hint"
run '' -n --jsonargs 1 null invalid
expect "--jsonargs invalid" 2 "" "jq: invalid JSON text passed to --jsonargs
$usage_hint"
run '[1,{"a":[]}] 2' --stream -c .
expect "--stream events" 0 '[[0],1]
[[1,"a"],[]]
[[1,"a"]]
[[1]]
[[],2]
' ""
run '[1,[2' --stream -c .
expect "--stream truncated: events, then the error" 5 '[[0],1]
' "jq: parse error: Unfinished JSON term at EOF at line 1, column 5
"
run '{"a":[1,x]}' --stream-errors -c .
expect "--stream-errors" 0 '[["a",0],1]
["Invalid numeric literal at line 1, column 10",["a",1]]
' ""
run $'\x1e[1,\x1e2\n' --seq -c .
expect "--seq skips a truncated text" 0 $'\x1e2\n' "jq: ignoring parse error: Truncated value at line 1, column 5
"
run '1 [x] 3' -nc '[try input catch ., try input catch ., try input catch .]'
expect "try input catch . on malformed input" 0 '[1,"Invalid numeric literal at line 1, column 5","No more inputs"]
' ""

# --- arguments ------------------------------------------------------------------------
run '' -nc --arg foo 1 --argjson bar 2 '{$foo, $bar} | ., . == $ARGS.named'
expect "--arg/--argjson/\$ARGS.named" 0 '{"foo":"1","bar":2}
true
' ""
run '' -nc --arg a first --arg a second '$a, $ARGS.named'
expect "first --arg wins" 0 '"first"
{"a":"first"}
' ""
run '' -n -c --args '$ARGS.positional' foo bar baz
expect "--args" 0 '["foo","bar","baz"]
' ""
run '' -n -c --jsonargs '$ARGS.positional' null true '[]' '{}'
expect "--jsonargs" 0 '[null,true,[],{}]
' ""
run '' -n -c '$ARGS.positional' --args foo 1 --jsonargs 2 '{}' --args 3 4
expect "--args/--jsonargs mixed" 0 '["foo","1",2,{},"3","4"]
' ""
run '' -n -c '$ARGS' --args -- -x --y
expect "-- ends options" 0 '{"positional":["-x","--y"],"named":{}}
' ""
printf '{"this":"is a test"}\n2\n' >"$work/data.json"
run '' -n -c --slurpfile s "$work/data.json" --rawfile r "$work/data.json" '$s, $r'
expect "--slurpfile/--rawfile" 0 '[{"this":"is a test"},2]
"{\"this\":\"is a test\"}\n2\n"
' ""
run '' -n --rawfile r "$work/missing" '$r'
expect "--rawfile missing file" 2 "" "jq: Bad JSON in --rawfile r $work/missing: Could not open $work/missing: No such file or directory
"
printf '.a\n' >"$work/prog.jq"
run '' -f "$work/prog.jq" "$work/data.json"
expect "-f program file, then inputs" 5 'null
' "jq: error (at $work/data.json:2): Cannot index number with string (\"a\")
"
run '' -n -L "$work" -L"$work" 1
expect "-L accepted" 0 '1
' ""

# --- inputs ---------------------------------------------------------------------------
run $'a\nb\n\nc' -R .
expect "-R lines" 0 '"a"
"b"
""
"c"
' ""
run $'a\nb\n' -Rs .
expect "-R -s" 0 '"a\nb\n"
' ""
run $'a\nb\n' -Rn '[inputs]' -c
expect "-R -n inputs" 0 '["a","b"]
' ""
run '1 [2] {"a":3}' -sc .
expect "-s" 0 '[1,[2],{"a":3}]
' ""
run '1 2' -n '[inputs]' -c
expect "-n inputs" 0 '[1,2]
' ""
printf '1\n2\n3\n' >"$work/g.json"
run '' -sc . "$work/g.json" "$work/g.json"
expect "-s over two files" 0 '[1,2,3,1,2,3]
' ""
run '' -c '[., input_filename]' "$work/g.json"
expect "input_filename" 0 "[1,\"$work/g.json\"]
[2,\"$work/g.json\"]
[3,\"$work/g.json\"]
" ""
run '' -n 'input_filename'
expect "input_filename before input" 0 'null
' ""
run '' -c . "$work/missing"
expect "missing file" 2 "" "jq: error: Could not open file $work/missing: No such file or directory
"
run '' -c . "$work/g.json" "$work/missing" "$work/g.json"
expect "missing file stops after the next value, as jq" 2 '1
2
3
1
' "jq: error: Could not open file $work/missing: No such file or directory
"
run '' -n 1 "$work/missing"
expect "-n never opens unused files" 0 '1
' ""
run '' -n 'range(1000000)' | head -1 >/dev/null
timeout 60 "$NI" query -n 'range(3000000)' 2>"$work/err" | head -1 >"$work/out"
if [ "$(cat "$work/out")" = 0 ] && [ ! -s "$work/err" ]; then passed=$((passed + 1)); else
  echo "FAIL closed pipe: $(cat "$work/err")" >&2; failed=$((failed + 1)); fi
run '' -n '"\u00e9" | ., length, utf8bytelength' -c
expect "unicode strings" 0 '"é"
1
2
' ""
run '{"a":100000000000000000000001,"b":1.000,"c":1E2}' -c '., .a'
expect "number literals kept" 0 '{"a":100000000000000000000001,"b":1.000,"c":1E+2}
100000000000000000000001
' ""

# --live: this host's own stack is the input (loopback always exists on Linux).
run_ni query --live -r '[.[] | .payload.NICs // empty | .[] | .Name] | index("lo") != null, (.[0] | input_filename)'
if [ "$RC" = 0 ] && [ "$(cat "$work/out")" = "$(printf 'true\n<live>')" ]; then passed=$((passed + 1)); else
  echo "FAIL --live: exit $RC, out: $(head -c 200 "$work/out"), err: $(head -c 200 "$work/err")" >&2; failed=$((failed + 1)); fi
run_ni query --live . some-file.json
expect_rc_err_prefix "--live with files" 2 "jq: --live reads this host's network stack; it takes no input files"

# A ~/.jq file is sourced into query programs (jq 1.8), not into embedded filters.
mkdir -p "$work/home"
printf 'def twice: . * 2;\n' >"$work/home/.jq"
printf '3' | HOME="$work/home" timeout 60 "$NI" query 'twice' >"$work/out" 2>"$work/err"
RC=$?
expect "~/.jq file defines functions" 0 '6
' ""
printf '3' | HOME="$work/home" timeout 60 "$NI" query -n '1' >"$work/out" 2>"$work/err"
RC=$?
expect "~/.jq file does not change plain programs" 0 '1
' ""

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
