#!/usr/bin/env bash
# End-to-end tests of `netinspect query` over snapshot sources and bad input:
# .json.gz / .zip / directories / stdin give the same bytes as the bare file,
# corrupt or hostile inputs end with one clear line and a documented exit
# status, and streaming evaluation of `.[] | REST` prints exactly what reading
# whole values (--no-streaming, the jq-exact path) prints.
#
# usage: sources_test.sh path/to/netinspect DATA_DIR
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

# q ARGS... : `netinspect query ARGS` (stdin from /dev/null) into out/err/RC.
q() {
  timeout 120 "$NI" query "$@" </dev/null >"$work/out" 2>"$work/err"
  RC=$?
}
# expect NAME RC STDOUT [STDERR_SUBSTRING...]
expect() {
  local name=$1 rc=$2 out=$3 ok=1
  shift 3
  if [ "$RC" != "$rc" ]; then ok=0; echo "  $name: exit $RC, expected $rc" >&2; fi
  if [ "$(cat "$work/out"; echo x)" != "$out"x ]; then ok=0; echo "  $name: stdout: $(head -c 300 "$work/out")" >&2; fi
  for needle in "$@"; do
    if ! grep -qF -- "$needle" "$work/err"; then ok=0; echo "  $name: stderr lacks '$needle': $(head -c 300 "$work/err")" >&2; fi
  done
  if [ "$#" = 0 ] && [ -s "$work/err" ]; then ok=0; echo "  $name: unexpected stderr: $(head -c 300 "$work/err")" >&2; fi
  if [ $ok = 1 ]; then pass; else fail "$name"; fi
}
# same_as_whole NAME ARGS... : streaming and --no-streaming agree byte for byte
# (stdout, stderr, exit status). ARGS may read stdin from $work/stdin.
same_as_whole() {
  local name=$1
  shift
  timeout 120 "$NI" query "$@" <"$work/stdin" >"$work/s_out" 2>"$work/s_err"
  local rc_stream=$?
  timeout 120 "$NI" query --no-streaming "$@" <"$work/stdin" >"$work/w_out" 2>"$work/w_err"
  local rc_whole=$?
  if [ $rc_stream = $rc_whole ] && cmp -s "$work/s_out" "$work/w_out" && cmp -s "$work/s_err" "$work/w_err"; then
    pass
  else
    fail "$name (streaming vs whole): rc $rc_stream/$rc_whole"
    diff "$work/w_out" "$work/s_out" | head -5 >&2
    diff "$work/w_err" "$work/s_err" | head -5 >&2
  fi
}
: >"$work/stdin"

sample=$data/synthetic_netstack2_inspect.json
pretty=$data/synthetic_netstack2_inspect_pretty.json

# --- the same snapshot in every container ------------------------------------
mkdir -p snap dir_mixed
cp "$sample" snap/inspect.json
echo '{"annotations":{}}' >snap/annotations.json
echo '{"files":{}}' >snap/metadata.json
(cd snap && zip -q -X ../snapshot.zip inspect.json annotations.json metadata.json)
gzip -c "$sample" >inspect.json.gz
cp snapshot.zip disguised.json  # detected by content, not by name

programs=(
  '.[] | select(.moniker == "core/network/netstack") | .payload."Socket Info" | .[]?'
  '.[] | select(.moniker == "core/network/netstack") | .payload."NICs" | .[]?'
  '.[] | select(.moniker == "core/network/netstack") | .payload."NICs" | .[]? | select(.NICID == "2")'
  '.[] | select(.moniker == "core/network/netstack") | .payload."Networking Stat Counters" | select(. != null)'
  '.[] | select(.moniker == "core/network/netstack") | .payload."Networking Stat Counters" | select(. != null) | .TCP'
  '.[] | select(.moniker == "core/network/netstack") | .payload."Routes" | .[]?'
  '.[] | select(.moniker == "core/network/netstack") | select(.payload.root.pprof != null) | {file: .metadata.filename, keys: (.payload.root.pprof | keys)}'
  'map(.moniker) | unique'
)
for program in "${programs[@]}"; do
  q "$program" "$sample"
  cp "$work/out" expected
  if [ "$RC" != 0 ] || [ ! -s expected ]; then fail "bare file: $program"; continue; fi
  for input in snapshot.zip inspect.json.gz snap disguised.json "$pretty"; do
    q "$program" "$input"
    if [ "$RC" = 0 ] && cmp -s expected "$work/out" && [ ! -s "$work/err" ]; then pass; else
      fail "$input differs from the bare file for: $program"; fi
  done
  timeout 60 "$NI" query "$program" <inspect.json.gz >"$work/out" 2>"$work/err"
  if cmp -s expected "$work/out"; then pass; else fail "gzip on stdin: $program"; fi
  timeout 60 "$NI" query "$program" - <snapshot.zip >"$work/out" 2>"$work/err"
  if cmp -s expected "$work/out"; then pass; else fail "zip on stdin: $program"; fi
  q --no-streaming "$program" snapshot.zip
  if cmp -s expected "$work/out"; then pass; else fail "zip, whole values: $program"; fi
done

q -c '[input_filename, .moniker]' --moniker bootstrap/archivist snapshot.zip
q -c '.[] | [input_filename, .moniker]' --moniker bootstrap/archivist snapshot.zip inspect.json.gz
expect "input_filename names each input" 0 '["snapshot.zip","bootstrap/archivist"]
["inspect.json.gz","bootstrap/archivist"]
'
q -c 'map(.moniker)' --moniker core/slow_component snapshot.zip
expect "--moniker on a whole array" 0 '["core/slow_component"]
'
q -c . --member annotations.json snapshot.zip
expect "--member" 0 '{"annotations":{}}
'

# --- bad archives ------------------------------------------------------------
head -c 300 snapshot.zip >truncated.zip
q . truncated.zip
expect "truncated zip" 2 "" "jq: error: Could not open file truncated.zip: not a readable zip archive"
(cd snap && zip -q -X ../no_inspect.zip annotations.json metadata.json)
q . no_inspect.zip
expect "zip without inspect.json" 2 "" "no member inspect.json in zip archive" "annotations.json, metadata.json" "--member"
head -c $(( $(stat -c %s inspect.json.gz) - 40 )) inspect.json.gz >truncated.json.gz
q '.[] | .moniker' truncated.json.gz
expect_rc() { if [ "$RC" = "$2" ] && grep -qF -- "$3" "$work/err"; then pass; else fail "$1: rc $RC, $(head -c 300 "$work/err")"; fi; }
expect_rc "truncated gzip" 2 "truncated gzip data"
head -c $((64 << 20)) /dev/zero | gzip -c >bomb.gz
q . --max-decompressed-size 1M bomb.gz
expect "gzip bomb" 2 "" "jq: error: " "bomb.gz: decompressed size exceeds 1 MiB limit (use --max-decompressed-size to raise it)"
q '.[]' --max-decompressed-size 1M bomb.gz
expect "gzip bomb, streaming" 2 "" "decompressed size exceeds 1 MiB limit (use --max-decompressed-size"
head -c $((64 << 20)) /dev/zero >inspect.json
zip -q -X bomb.zip inspect.json
rm inspect.json
q '.[]' --max-decompressed-size=1M bomb.zip
expect "zip bomb" 2 "" "bomb.zip#inspect.json: decompressed size exceeds 1 MiB limit (use --max-decompressed-size"
q . --max-decompressed-size lots bomb.zip
expect "bad size" 2 "" "jq: --max-decompressed-size takes a size"

# --- malformed or unusual JSON ------------------------------------------------
printf '[{"moniker":"a"},\n{"moniker":"b"},\n{"moniker":"c", "payl' >truncated.json
q '.[] | .moniker' truncated.json
expect "truncated array: entries before the break, then a parse error" 5 '"a"
"b"
' "jq: parse error: truncated.json: unfinished string at end of input (after 2 entries) at line 3, column"
printf '[{"moniker":"a"},{"moniker":"b"} {"moniker":"c"}]' >broken.json
q '.[] | .moniker' broken.json
expect "missing comma" 5 '"a"
' "jq: parse error: "
printf '[{"moniker":"a"},{"moniker": tru}]' >badvalue.json
q '.[] | .moniker' badvalue.json
expect "bad literal inside an entry" 5 '"a"
' "jq: parse error: Invalid literal at line 1, column"
printf '{"moniker":"x","v":1}\n{"moniker":"y"}\n' >objects.json
q -c '.[]' objects.json
expect "non-array top level: a stream of values" 0 '"x"
1
"y"
'
printf '[{"moniker":"core/network/netstack","payload":null},{"moniker":"core/network/netstack"}]' >nullpayload.json
q '.[] | select(.moniker == "core/network/netstack") | .payload."Socket Info" | .[]?' nullpayload.json
expect "payload null" 0 ''
printf '[{"moniker":"a\xffb","s":"\xfe"}]\n' >bad_utf8.json
q -c '.[]' bad_utf8.json
expect "non-UTF-8 bytes become U+FFFD" 0 $'{"moniker":"a\xef\xbf\xbdb","s":"\xef\xbf\xbd"}\n'
q '.[] | select(.moniker == "a") | 1' bad_utf8.json
expect "non-UTF-8 moniker is parsed, not peeked" 0 ''
: >empty.json
q '.[]' empty.json
expect "empty input" 0 ''
printf '[]' >empty_array.json
q -e '.[]' empty_array.json
expect "empty array, -e" 4 ''

# --- directories ---------------------------------------------------------------
printf '[{"moniker":"b1"}]' >dir_mixed/b.json
printf '[{"moniker":"a1"},{"moniker":"a2"}]' | gzip -c >dir_mixed/a.json.gz
(cd snap && zip -q -X ../dir_mixed/c.zip inspect.json)
echo 'not a snapshot' >dir_mixed/notes.txt
printf '[{"moniker":"hidden"}]' >dir_mixed/.hidden.json
q -c '.[] | select(.moniker | startswith("core") | not) | [input_filename, .moniker]' dir_mixed
expect "directory with mixed files, name order" 0 '["dir_mixed/a.json.gz","a1"]
["dir_mixed/a.json.gz","a2"]
["dir_mixed/b.json","b1"]
["dir_mixed/c.zip","bootstrap/archivist"]
'
mkdir -p empty_dir
q . empty_dir
expect "directory without snapshots" 2 "" "jq: error: Could not open file empty_dir: no snapshot in directory"

# --- streaming prints what whole values print ------------------------------------
printf '[1,{"a":2},\n3,{"a":4}]\n[{"a":5}]\n' >errors.json
printf '[{"a":1}]\n' >one.json
printf '1 [2,[3]] {"a":[4]} "s" [] [[]]\n' >mixed.json
same_as_whole "error in an element stops the array, then the next value" '.[] | .a' errors.json
same_as_whole "error position after a multi-line array" -c '.[] | .a' errors.json one.json
same_as_whole "values of every type" -c '.[] | .[]?' mixed.json
same_as_whole "non-iterable value" -c '.[]' mixed.json
same_as_whole "-e with false last" -e '.[] | false' one.json
same_as_whole "-e without output" -e '.[] | empty' one.json empty_array.json
same_as_whole "-e with an error last" -e '.[] | .a' one.json errors.json
same_as_whole "halt_error in an element" '.[] | if .a == 2 then halt_error else . end' errors.json one.json
same_as_whole "missing file stops after the next value" -c '.[]' one.json missing.json errors.json one.json
same_as_whole "input_filename" -c '.[] | input_filename' one.json errors.json
same_as_whole "moniker select with odd entries" -c '.[] | select(.moniker == "a") | .x' objects.json bad_utf8.json
same_as_whole "select by moniker, seed sample" -c '.[] | select("core/network/netstack" == .moniker) | .moniker' "$sample"
same_as_whole "error text with a long line" -c '.[] | error("e")' "$sample"
same_as_whole "error text in pretty file" -c '.[] | .payload | error' "$pretty"
printf '[1,2]' >"$work/stdin"
same_as_whole "stdin" -c '.[] | . * 10'
: >"$work/stdin"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
