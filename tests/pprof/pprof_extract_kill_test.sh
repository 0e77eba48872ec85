#!/usr/bin/env bash
# `pprof extract` killed with SIGKILL in the middle of writing: DIR holds only
# complete files (byte-identical to an uninterrupted run) and hidden
# temporaries named .netinspect-<16 hex digits>.tmp, never a half-written
# file under a profile's name; a rerun with --force writes every file and
# ignores the leftover temporaries (docs/pprof.md says they may be deleted).
# Usage: pprof_extract_kill_test.sh NETINSPECT
set -u
NI=$(realpath "$1")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Four 16 MiB profiles (the bytes need not be a valid profile: extract copies
# them), so each write takes long enough to be caught in the middle.
{
  printf '['
  for i in 1 2 3 4; do
    [ $i -gt 1 ] && printf ','
    printf '{"moniker":"core/network/netstack","metadata":{"filename":"pprof/p%d.inspect"},"payload":{"root":{"pprof":{"heap":"b64:' $i
    head -c 16M /dev/urandom | base64 -w0
    printf '"}}}}'
  done
  printf ']\n'
} > "$T/big.json"
"$NI" pprof extract -o "$T/ref" "$T/big.json" > /dev/null || fail "uninterrupted extract"

check_dir() {  # check_dir DIR: only complete files and our temporaries
  local f name bad=0
  for f in "$1"/* "$1"/.[!.]*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if [[ $name =~ ^\.netinspect-[0-9a-f]{16}\.tmp$ ]]; then continue; fi
    if [ -f "$T/ref/$name" ] && cmp -s "$f" "$T/ref/$name"; then continue; fi
    echo "  unexpected or incomplete: $name ($(stat -c %s "$f") bytes)"; bad=1
  done
  return $bad
}

caught=0
for attempt in 1 2 3 4; do
  D=$T/out$attempt
  mkdir "$D"
  "$NI" pprof extract -o "$D" "$T/big.json" > /dev/null 2>&1 &
  pid=$!
  # Wait for a temporary file to appear, then kill at once (mid-write).
  shopt -s nullglob dotglob
  for ((spin = 0; spin < 2000000; spin++)); do
    temps=("$D"/.netinspect-*)
    if [ ${#temps[@]} -gt 0 ]; then
      # Attempt N lets N-1 files complete first.
      [ $attempt -gt 1 ] && [ "$(find "$D" -maxdepth 1 -name 'p*.inspect_heap' | wc -l)" -lt $((attempt - 1)) ] && continue
      break
    fi
    kill -0 $pid 2> /dev/null || break
  done
  kill -KILL $pid 2> /dev/null
  wait $pid 2> /dev/null
  status=$?
  shopt -u nullglob dotglob
  temps=$(find "$D" -maxdepth 1 -name '.netinspect-*' | wc -l)
  complete=$(find "$D" -maxdepth 1 -name 'p*.inspect_heap' | wc -l)
  if check_dir "$D"; then
    pass "attempt $attempt (exit $status): $complete complete file(s), $temps temporary, nothing half-written"
  else
    fail "attempt $attempt: a half-written or unexpected file"
  fi
  [ $status -eq 137 ] && [ "$temps" -gt 0 ] && caught=$((caught + 1))
  # A rerun with --force completes the directory and ignores the temporaries.
  "$NI" pprof extract --force -o "$D" "$T/big.json" > "$T/rerun.out" 2> "$T/rerun.err"
  rerun=$?
  if [ $rerun -eq 0 ] && check_dir "$D" && [ "$(find "$D" -maxdepth 1 -name 'p*.inspect_heap' | wc -l)" -eq 4 ] && \
     ! grep -q netinspect- "$T/rerun.out"; then
    pass "attempt $attempt: rerun --force completes DIR"
  else
    fail "attempt $attempt: rerun --force (exit $rerun)"; cat "$T/rerun.err"
  fi
  rm -rf "$D"
done
[ $caught -ge 1 ] && pass "SIGKILLed mid-write $caught time(s)" \
  || fail "never caught a write in progress (the test did not exercise a kill mid-write)"

# Deterministic variant: a 1 MiB file size limit kills extract (SIGXFSZ,
# default action, no cleanup) inside its first write, every time.
D=$T/xfsz
mkdir "$D"
{ (ulimit -f 1024; exec "$NI" pprof extract -o "$D" "$T/big.json") > /dev/null 2>&1; } 2> /dev/null
status=$?
temps=$(find "$D" -maxdepth 1 -name '.netinspect-*' | wc -l)
if [ $status -eq $((128 + $(kill -l XFSZ))) ] && [ "$temps" -eq 1 ] && check_dir "$D" && \
   [ "$(find "$D" -maxdepth 1 -name 'p*.inspect_heap' | wc -l)" -eq 0 ]; then
  pass "killed inside a write (SIGXFSZ): only a temporary left"
else
  fail "SIGXFSZ mid-write (exit $status, $temps temporaries)"; ls -la "$D"
fi
"$NI" pprof extract -o "$D" "$T/big.json" > "$T/rerun.out" 2> /dev/null && check_dir "$D" && \
  [ "$(wc -l < "$T/rerun.out")" -eq 4 ] && pass "rerun after SIGXFSZ writes all four, temporary ignored" \
  || fail "rerun after SIGXFSZ"

echo "$failures failure(s)"
[ $failures -eq 0 ]
