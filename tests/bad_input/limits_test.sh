#!/usr/bin/env bash
# Every resource limit of docs/limits.md: a program or input over it ends with
# its one-line error and exit code (within 2 s and 512 MiB, as the bad-input
# corpus), and the option that raises it lets the same work through. Limits
# must not change valid results: the "ok" cases compare outputs.
# Usage: limits_test.sh NETINSPECT DATA_DIR (tests/data)
set -uo pipefail
ni=$1 data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 passed=0

run() {  # run WANT_RC WANT_STDOUT WANT_STDERR_SUBSTRING ARGS...: WANT_* empty = any
  local want_rc=$1 want_out=$2 want_err=$3
  shift 3
  local rc why=
  if [[ -n ${NI_UNDER_ASAN:-} ]]; then
    timeout 2 "$ni" "$@" >"$tmp/out" 2>"$tmp/err"
  else
    (ulimit -v $((512 * 1024)); exec timeout 2 "$ni" "$@") >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
  if [[ $rc -eq 124 ]]; then why="timed out (2 s)"
  elif [[ $rc -ne $want_rc ]]; then why="exit $rc, want $want_rc"
  elif [[ -n $want_out && $(cat "$tmp/out") != "$want_out" ]]; then why="stdout '$(head -c 200 "$tmp/out")', want '$want_out'"
  elif [[ -n $want_err ]] && ! grep -qF -- "$want_err" "$tmp/err"; then why="stderr lacks '$want_err'"
  elif grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer' "$tmp/err"; then why="sanitizer report"
  elif [[ $(grep -c . "$tmp/err") -gt 2 ]]; then why="error is not one line"
  fi
  if [[ -n $why ]]; then
    echo "FAIL  netinspect $*: $why"
    head -3 "$tmp/err" | sed 's/^/      stderr: /'
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

steps='Evaluation exceeded 1000 steps (raise the limit with --max-steps)'
# --- evaluation steps: every kind of endless generator stops, and try cannot catch it.
for program in '[range(1e9)]' 'last(range(1e18))' '[limit(1e9; repeat(1))]' 'reduce range(1e9) as $i (0; 1)' \
               '[recurse(. + 1)] | length' 'until(false; .)' '[while(true; .)]' 'def f: f; f' \
               '[repeat(try error("x") catch 1)]' 'first(range(1e9) | select(false))' \
               '0 | until(false; . + 1)' 'isempty(range(1e9) | empty)'; do
  run 5 '' "$steps" query -n --max-steps 1000 "$program"
done
run 0 '100000' '' query -n --max-steps 1000000 '[range(100000)] | length'
run 0 '4950' '' query -n --max-steps=1000 'reduce range(100) as $i (0; . + $i)'
run 0 '3' '' query -n --max-steps 0 '[limit(3; repeat(1))] | length'   # 0: no limit
# The limit is per input value: each of three inputs gets its own budget.
run 0 $'10\n10\n10' '' query --max-steps 200 '[range(10)] | length' <(printf '1 2 3')

# --- strings built by the program.
str='String length (bytes) of 2000 exceeds the limit of 1024 (raise it with --max-string-size)'
run 5 '' "$str" query -n --max-string-size 1K '"x" * 2000'
run 5 '' "$str" query -n --max-string-size 1K '"x" * 1000 + "y" * 1000'
run 5 '' "$str" query -n --max-string-size 1K '"x" * 1000 | "\(.)\(.)"'
run 5 '' 'exceeds the limit of 1024' query -n --max-string-size 1K '["x" * 600, "y" * 600] | join("")'
run 5 '' 'exceeds the limit of 1024' query -n --max-string-size 1K '["x" * 600, "y" * 600] | add'
run 5 '' 'exceeds the limit of 1024' query -n --max-string-size 1K '["x" * 600, "y" * 600] | tojson'
run 5 '' 'exceeds the limit of 1024' query -n --max-string-size 1K '"x" * 1000 | @base64'
run 5 '' 'exceeds the limit of 1024' query -n --max-string-size 1K '[range(300)] | @csv'
run 5 '' "$str" query -n --max-string-size 1K 'try ("x" * 2000) catch "caught"'
run 0 '1024' '' query -n --max-string-size 1K '"x" * 1024 | length'
run 0 '2000' '' query -n --max-string-size 2K '"x" * 2000 | length'
# A string read from the input is not "built": the limit does not apply to it.
printf '"%s"' "$(head -c 5000 /dev/zero | tr '\0' a)" > "$tmp/long.json"
run 0 '5000' '' query --max-string-size 1K 'length' "$tmp/long.json"
# Defaults are jq's own limits, with jq's errors.
run 5 '' 'Repeat string result too long' query -n '"abc" * 1e9'

# --- arrays built by the program.
arr='Array length of 101 exceeds the limit of 100 (raise it with --max-array-length)'
run 5 '' "$arr" query -n --max-array-length 100 '[range(101)]'
run 5 '' "$arr" query -n --max-array-length 100 '[range(60)] + [range(41)]'
run 5 '' "$arr" query -n --max-array-length 100 '.[100] = 1'
run 5 '' "$arr" query -n --max-array-length 100 'reduce range(200) as $i ([]; . + [$i])'
run 5 '' "$arr" query -n --max-array-length 100 '[1] | map(range(101))'
run 5 '' 'exceeds the limit of 100' query -n --max-array-length 100 '"x" * 200 | explode'
run 0 '100' '' query -n --max-array-length 100 '[range(100)] | length'
run 0 '101' '' query -n --max-array-length 101 '.[100] = 1 | length'
run 5 '' 'Array index too large' query -n '.[536870912] = 1'

# --- option syntax: a bad value is a usage error (2).
run 2 '' '--max-steps takes a whole number' query -n --max-steps lots '.'
run 2 '' '--max-steps takes a whole number' query -n --max-steps -5 '.'
run 2 '' '--max-string-size takes a size' query -n --max-string-size 12Q '.'
run 2 '' '--max-array-length takes one parameter' query -n . --max-array-length

# --- JSON nesting depth (jq 1.8's 10,000; --max-depth N).
nest() { head -c "$1" /dev/zero | tr '\0' '['; printf 1; head -c "$1" /dev/zero | tr '\0' ']'; }
nest 10001 > "$tmp/deep.json"
nest 10000 > "$tmp/deep_ok.json"
depth='Exceeds depth limit for parsing at line 1, column 10001 (raise it with --max-depth)'
run 5 '' "$depth" query . "$tmp/deep.json"
run 0 '1' '' query -c 'length' "$tmp/deep_ok.json"
run 0 '1' '' query -c --max-depth 10001 'length' "$tmp/deep.json"
run 0 '1' '' query -c --max-depth=20000 'length' "$tmp/deep.json"
# Every reader of query: slurp, --seq, --stream, `.[] | REST` streaming, `input`, --slurpfile.
printf '[[[[1]]]] [[1]]' > "$tmp/d4.json"
run 5 '' 'Exceeds depth limit for parsing at line 1, column 3 (raise it with --max-depth)' query -c --max-depth 2 . "$tmp/d4.json"
run 0 $'[[[[1]]]]\n[[1]]' '' query -c --max-depth 4 . "$tmp/d4.json"
run 5 '' '(raise it with --max-depth)' query -c --max-depth 3 -s . "$tmp/d4.json"
# --seq reports a bad text and goes on with the next one (several lines: checked here).
printf '\x1e[[[[1]]]]\n\x1e[[1]]\n' > "$tmp/d4.seq"
if "$ni" query -c --max-depth 3 --seq . "$tmp/d4.seq" 2>"$tmp/err" | grep -q '^.\[\[1\]\]$' &&
   grep -q 'ignoring parse error: Exceeds depth limit for parsing at line 1, column 5' "$tmp/err"; then
  passed=$((passed + 1))
else
  echo "FAIL  query --max-depth 3 --seq: $(head -c 300 "$tmp/err")"; failures=$((failures + 1))
fi
run 5 '' '(raise it with --max-depth)' query -c --max-depth 3 --stream . "$tmp/d4.json"
run 0 '' '' query -c --max-depth 4 --stream . "$tmp/d4.json"
run 5 '' '(raise it with --max-depth)' query -c --max-depth 2 '.[] | length' "$tmp/d4.json"
run 0 $'1\n1' '' query -c --max-depth 3 '.[] | length' "$tmp/d4.json"
run 0 '"Exceeds depth limit for parsing at line 1, column 4 (raise it with --max-depth)"' '' \
    query -n --max-depth 3 'try input catch .' "$tmp/d4.json"
run 2 '' 'Bad JSON in --slurpfile d' query -n --slurpfile d "$tmp/d4.json" --max-depth 3 '$d'
run 0 '2' '' query -n --slurpfile d "$tmp/d4.json" --max-depth 4 '$d | length'
run 2 '' "--max-depth takes a positive number, not '0'" query --max-depth 0 . "$tmp/d4.json"
run 2 '' "--max-depth takes a positive number, not '1K'" query --max-depth 1K . "$tmp/d4.json"
# The view commands (entries of a snapshot array).
printf '[{"moniker":"core/network/netstack","metadata":{"name":"root"},"payload":{"root":{"a":{"b":{"c":1}}}}}]' \
    > "$tmp/snap.json"
run 2 '' 'column 82 (raise it with --max-depth)' selectors --max-depth 4 "$tmp/snap.json"
run 0 'core/network/netstack:root/a/b:c' '' selectors --max-depth 10 "$tmp/snap.json"
run 2 '' '(raise it with --max-depth)' nics --no-progress --max-depth 4 "$tmp/snap.json"
run 0 '' '' nics --no-progress --max-depth=10 "$tmp/snap.json"
# Input options before a SOURCE in the view commands (they once hung or ate the SOURCE).
run 0 '' '' overview --no-progress --member inspect.json --max-zip-members=5 --max-depth 10 "$tmp/snap.json"
run 2 '' '(raise it with --max-depth)' export --no-progress --max-depth 4 -o "$tmp/export" "$tmp/snap.json"

# --- jq recursion: the evaluator's stack (--stack-size), always a clean jq error.
stack='Maximum call depth exceeded (stack exhausted) (raise it with --stack-size)'
run 5 '' "$stack" query -n 'def f: 1 + f; f'
run 5 '' "$stack" query -n --stack-size 16M 'def f: 1 + f; f'
run 5 '' "$stack" query -n --stack-size 64M 'def f: [f]; f'
run 0 '"caught"' '' query -n --stack-size 16M 'try (def f: 1 + f; f) catch "caught"'
# Depth grows with the stack (~600 bytes a level): 50,000 levels need more
# than 16 MiB, less than 64 MiB. (Under this test's `ulimit -v 512M` the
# default 512 MiB stack cannot be reserved and the process stack is used.)
deep_call='def f($n): if $n == 0 then 0 else 1 + f($n - 1) end; f(50000)'
if [[ -z ${NI_UNDER_ASAN:-} ]]; then  # ASan caps the usable stack at 48 MiB
  run 0 '50000' '' query -n --stack-size 64M "$deep_call"
  run 5 '' "$stack" query -n --stack-size 16M "$deep_call"
  # More stack than `ulimit -v 512M` allows: a clear error, not a silent fallback.
  run 2 '' 'cannot reserve a 2 GiB evaluator stack (--stack-size)' query -n --stack-size 2G '1'
fi
run 2 '' '--stack-size takes a size from 16M to 64T' query -n --stack-size 1M '1'
run 2 '' '--stack-size takes a size from 16M to 64T' query -n --stack-size lots '1'

# --- decompressed size of gzip and zip members (bombs), zip member count.
head -c $((8 * 1024 * 1024)) /dev/zero | tr '\0' ' ' | { printf '['; cat; printf '1]'; } | gzip -c > "$tmp/bomb.json.gz"
run 2 '' 'decompressed size exceeds 1 MiB limit (use --max-decompressed-size to raise it)' \
    query --max-decompressed-size 1M length "$tmp/bomb.json.gz"
run 0 '1' '' query --max-decompressed-size 16M length "$tmp/bomb.json.gz"
(cd "$tmp" && cp bomb.json.gz b.gz && gzip -dc b.gz > inspect.json && zip -q bomb.zip inspect.json && rm -f inspect.json b.gz)
run 2 '' 'decompressed size exceeds 1 MiB limit' query --max-decompressed-size 1M length "$tmp/bomb.zip"
run 0 '1' '' query --max-decompressed-size 16M length "$tmp/bomb.zip"
if command -v python3 >/dev/null; then
  python3 - "$tmp/many.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("inspect.json", "[]")
    for i in range(100000):
        z.writestr(f"m/{i}", b"")
PY
  run 2 '' 'members, more than the limit of 100000 (use --max-zip-members to raise it)' list "$tmp/many.zip"
  run 0 '' '' list --max-zip-members 200000 "$tmp/many.zip"
  run 2 '' "--max-zip-members takes a positive number, not 'x'" list --max-zip-members x "$tmp/many.zip"
else
  echo "skip  zip member count: python3 is not installed"
fi

# --- pprof: a profile that inflates past --max-decompressed.
profile=$data/pprof/google-pprof_driver_go.nomappings.crash.heap.pb.gz
# The profile inflates to 268 bytes.
run 1 '' 'decompressed size exceeds the limit of 100 bytes (--max-decompressed)' \
    pprof top --max-decompressed 100 "$profile"
run 0 '' '' pprof top "$profile"

echo "limits: $passed passed, $failures failed"
[[ $failures -eq 0 ]]
