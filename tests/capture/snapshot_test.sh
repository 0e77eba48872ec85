#!/usr/bin/env bash
# capture.snapshot: `netinspect snapshot` writes an fx-snapshot zip that
# netinspect reads back; a series is named by time; a process killed with
# SIGKILL in the middle of writing leaves no partial file at the target
# (and an existing snapshot there intact); bad usage exits 2.
# The writer is slowed from outside, by the test-only LD_PRELOAD library
# SLOW_WRITE_SHIM (1 KiB per write() of a ".tmp-" file, then a pause): the
# production code has no test hook.
#   snapshot_test.sh NETINSPECT SLOW_WRITE_SHIM
set -u
NI=$1
SHIM=$2
# Run in the background: `exec` makes $! netinspect itself, not a subshell.
# The shim is preloaded ahead of the ASan runtime in the sanitizer build.
slow_snapshot() {
  LD_PRELOAD=$SHIM SLOW_WRITE_SHIM_MS=300 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    exec "$NI" snapshot "$@"
}
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1"; echo "  expected: $3"; echo "  actual:   $2"; fi
}
q() { "$NI" query -r "$@"; }

# 1. One snapshot, read back through the zip reader.
"$NI" snapshot -o "$TMP/one.zip" >"$TMP/out" 2>"$TMP/err"
expect "snapshot exit code" "$?" "0"
expect "snapshot prints the path" "$(cat "$TMP/out")" "$TMP/one.zip"
expect "inspect.json entries" \
  "$(q '[.[] | .metadata.filename | split("/")[0]] | join(",")' "$TMP/one.zip")" \
  "root,configuration,counters,interfaces,sockets,routes"
expect "annotations.json" "$(q --member annotations.json 'has("device.uptime") and has("build.version")' "$TMP/one.zip" 2>&1)" "true"
expect "metadata.json" "$(q --member metadata.json '.files | keys | join(",")' "$TMP/one.zip" 2>&1)" "annotations.json,inspect.json"
expect "no temporary file left" "$(ls -A "$TMP" | grep -c '\.tmp-')" "0"

# 2. A series named by time.
mkdir "$TMP/series"
"$NI" snapshot --interval 0.2 --count 3 -o "$TMP/series" >"$TMP/series.out" 2>"$TMP/err"
expect "series exit code" "$?" "0"
expect "series: 3 zips" "$(ls "$TMP/series" | grep -cE '^snapshot-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.zip$')" "3"
expect "series: paths printed" "$(wc -l <"$TMP/series.out")" "3"

# 3. SIGKILL while the zip is being written: no partial file at the target,
#    and a complete snapshot already there stays intact.
for round in new existing; do
  target=$TMP/killed-$round.zip
  [ "$round" = existing ] && cp "$TMP/one.zip" "$target"
  slow_snapshot -o "$target" >/dev/null 2>&1 &
  pid=$!
  PIDS+=($pid)
  started=""
  for _ in $(seq 200); do
    tmpfile=$(ls -A "$TMP" | grep "^\.killed-$round\.zip\.tmp-" | head -1)
    if [ -n "$tmpfile" ] && [ -s "$TMP/$tmpfile" ]; then started=yes; break; fi
    sleep 0.05
  done
  expect "$round: killed while writing" "$started" "yes"
  # Half-written: the temporary file is shorter than a complete snapshot.
  expect "$round: temporary file is partial" \
    "$([ "$(stat -c %s "$TMP/$tmpfile")" -lt "$(stat -c %s "$TMP/one.zip")" ] && echo partial || echo complete)" "partial"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  expect "$round: the writer itself was killed" "$(kill -0 "$pid" 2>/dev/null && echo alive || echo gone)" "gone"
  if [ "$round" = new ]; then
    expect "$round: no file at the target" "$([ -e "$target" ] && echo present || echo absent)" "absent"
  else
    expect "$round: target unchanged" "$(cmp -s "$target" "$TMP/one.zip" && echo same || echo changed)" "same"
  fi
done

# 4. SIGTERM while writing removes the temporary file.
slow_snapshot -o "$TMP/termed.zip" >/dev/null 2>&1 &
pid=$!
PIDS+=($pid)
for _ in $(seq 200); do
  ls -A "$TMP" | grep -q '^\.termed\.zip\.tmp-' && break
  sleep 0.05
done
kill -TERM "$pid"
wait "$pid" 2>/dev/null
expect "SIGTERM: no target, no temporary" "$(ls -A "$TMP" | grep -c 'termed')" "0"

# 5. Usage errors.
"$NI" snapshot --count 2 >/dev/null 2>"$TMP/err"; expect "--count without --interval" "$?" "2"
"$NI" snapshot --interval 0 >/dev/null 2>"$TMP/err"; expect "--interval 0" "$?" "2"
"$NI" snapshot --interval 1 -o "$TMP/one.zip" >/dev/null 2>"$TMP/err"; expect "--interval with a file" "$?" "2"
"$NI" snapshot -o "$TMP/missing/dir/x.zip" >/dev/null 2>"$TMP/err"; expect "unwritable target" "$?" "2"
expect "unwritable target message" "$(grep -c "^netinspect snapshot: $TMP/missing/dir/x.zip: cannot create" "$TMP/err")" "1"
"$NI" snapshot --help | grep -q "fx snapshot"; expect "--help" "$?" "0"

if [ "$failures" -ne 0 ]; then
  echo "capture.snapshot: $failures failure(s)"
  exit 1
fi
echo "capture.snapshot: all checks passed"
