#!/usr/bin/env bash
# The progress bar (issue 4): reading that takes more than a second shows a
# one-line bar on stderr when stderr is a terminal — bytes read, rate, and an
# ETA when the total size is known — cleared at the end; never when stderr is
# not a terminal, with --no-progress, or for fast inputs; stdout is the same
# either way. stderr is put on a pseudo-terminal by pty_run.py (python3).
# Slow inputs are made two ways: a producer that feeds stdin over ~2.5 s, and
# a query that spends ~10 ms per entry of a regular file (size known: ETA).
#
# usage: progress_test.sh path/to/netinspect
set -u
if [ $# -ne 1 ]; then
  echo "usage: $0 NETINSPECT" >&2
  exit 2
fi
NI=$1
case $NI in /*) ;; */*) NI=$(cd "$(dirname "$NI")" && pwd)/$(basename "$NI") ;; esac
PTY_RUN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pty_run.py"
if ! command -v python3 >/dev/null; then
  echo "progress test: SKIPPED: python3 is not installed (scripts/install-deps installs it)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
passed=0
failed=0
check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then passed=$((passed + 1)); else echo "FAIL $name" >&2; failed=$((failed + 1)); fi
}

# ~200 entries: reading it is fast, so only a slow producer or a slow program
# makes a run last over a second. The fast cases read a small snapshot, far
# from the one-second mark even under ASan on a loaded machine.
"$NI" gen --seed 3 --sockets 20 --nics 4 --components 200 -o snap.json || exit 2
"$NI" gen --seed 4 --sockets 5 --nics 2 --components 5 -o small.json || exit 2

units='(B|KiB|MiB|GiB)'
bar_with_eta() { grep -aqE "\[[#.]{24}\] +[0-9]+% [0-9.]+ $units of [0-9.]+ $units, [0-9.]+ $units/s, ETA [0-9]+ s" "$1"; }
bar_without_eta() {
  grep -aqE "[0-9.]+ $units read, [0-9.]+ $units/s" "$1" && ! grep -aq 'ETA' "$1"
}
# The last bytes on the terminal erase the bar: "\r" then "erase to end of line".
ends_cleared() { [ "$(tail -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = "0d1b5b4b" ]; }
is_empty() { [ ! -s "$1" ]; }
same() { cmp -s "$1" "$2"; }
# tty NAME [--slow-stdin FILE SECONDS] -- COMMAND... : NAME.tty, NAME.out, NAME.rc
tty() {
  local name=$1
  shift
  timeout 120 python3 "$PTY_RUN" "$name.tty" "$name.out" "$@"
  echo $? >"$name.rc"
}
rc_is() { [ "$(cat "$1.rc")" = "$2" ]; }

# --- query over a regular file, ~10 ms per entry: a bar with an ETA -----------
slow_program='.[] | (now as $t | until(now - $t >= 0.01; .)) | .moniker'
timeout 120 "$NI" query -c "$slow_program" snap.json >ref_slow.out 2>ref_slow.err
check "query, stderr not a terminal: no bar" is_empty ref_slow.err
check "query reference output" test -s ref_slow.out
tty q_file -- "$NI" query -c "$slow_program" snap.json
check "query on a terminal: exit 0" rc_is q_file 0
check "query on a terminal: bar with bytes, rate and ETA" bar_with_eta q_file.tty
check "query on a terminal: bar cleared at the end" ends_cleared q_file.tty
check "query on a terminal: stdout unchanged" same q_file.out ref_slow.out
tty q_noprog -- "$NI" query --no-progress -c "$slow_program" snap.json
check "query --no-progress: no bar" is_empty q_noprog.tty
check "query --no-progress: stdout unchanged" same q_noprog.out ref_slow.out

# --- query over a slow producer on stdin: size unknown, no ETA ----------------
"$NI" query -c '.[] | .moniker' snap.json >ref_stdin.out
tty q_stdin --slow-stdin snap.json 2.5 -- "$NI" query -c '.[] | .moniker'
check "query on slow stdin: exit 0" rc_is q_stdin 0
check "query on slow stdin: bar with bytes and rate, no ETA" bar_without_eta q_stdin.tty
check "query on slow stdin: bar cleared" ends_cleared q_stdin.tty
check "query on slow stdin: stdout unchanged" same q_stdin.out ref_stdin.out

# --- fast input on a terminal: nothing -------------------------------------------
"$NI" query -c '.[] | .moniker' small.json >ref_fast.out
tty q_fast -- "$NI" query -c '.[] | .moniker' small.json
check "fast query on a terminal: no bar" is_empty q_fast.tty
check "fast query on a terminal: stdout unchanged" same q_fast.out ref_fast.out

# --- list ---------------------------------------------------------------------
"$NI" list snap.json >ref_list.out 2>ref_list.err
check "list, stderr not a terminal: no bar" is_empty ref_list.err
tty l_stdin --slow-stdin snap.json 2.5 -- "$NI" list
check "list on slow stdin: exit 0" rc_is l_stdin 0
check "list on slow stdin: bar with bytes and rate, no ETA" bar_without_eta l_stdin.tty
check "list on slow stdin: bar cleared" ends_cleared l_stdin.tty
check "list on slow stdin: stdout unchanged" same l_stdin.out ref_list.out
tty l_noprog --slow-stdin snap.json 2.5 -- "$NI" list --no-progress
check "list --no-progress on slow stdin: no bar" is_empty l_noprog.tty
check "list --no-progress on slow stdin: stdout unchanged" same l_noprog.out ref_list.out
"$NI" list small.json >ref_list_small.out
tty l_fast -- "$NI" list small.json
check "fast list on a terminal: no bar" is_empty l_fast.tty
check "fast list on a terminal: stdout unchanged" same l_fast.out ref_list_small.out
"$NI" list <snap.json >l_pipe.out 2>l_pipe.err
check "list on a pipe, stderr not a terminal: no bar" is_empty l_pipe.err

# --- a view: stdout never depends on the terminal; fast input shows nothing ----
"$NI" sockets --csv small.json >ref_view_small.out 2>ref_view_small.err
check "sockets, stderr not a terminal: nothing on stderr" is_empty ref_view_small.err
tty v_fast -- "$NI" sockets --csv small.json
check "fast sockets on a terminal: no bar" is_empty v_fast.tty
check "fast sockets on a terminal: stdout unchanged" same v_fast.out ref_view_small.out
"$NI" sockets --csv snap.json >ref_view.out
tty v_stdin --slow-stdin snap.json 2.5 -- "$NI" sockets --csv -
check "sockets on slow stdin: stdout unchanged" same v_stdin.out ref_view.out
check "sockets on slow stdin: bar with bytes and rate, no ETA" bar_without_eta v_stdin.tty
check "sockets on slow stdin: bar cleared" ends_cleared v_stdin.tty
tty v_noprog --slow-stdin snap.json 2.5 -- "$NI" sockets --csv --no-progress -
check "sockets --no-progress on slow stdin: no bar" is_empty v_noprog.tty
# diff, triage and report read every entry of every SOURCE (load_entry_sets).
"$NI" diff snap.json - <snap.json >ref_diff.out 2>/dev/null
tty d_stdin --slow-stdin snap.json 2.5 -- "$NI" diff snap.json -
check "diff on slow stdin: bar with bytes and rate" grep -q 'B/s' d_stdin.tty
check "diff on slow stdin: bar cleared" ends_cleared d_stdin.tty
check "diff on slow stdin: stdout unchanged" same d_stdin.out ref_diff.out

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
