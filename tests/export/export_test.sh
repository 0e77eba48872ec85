#!/usr/bin/env bash
# End-to-end tests of `netinspect export` on generated snapshots (`netinspect
# gen`): the CSV export loaded into SQLite (`sqlite3 .import`) gives the row
# counts and sums that the views' --json give for the same snapshots (computed
# with jq); NDJSON holds the same rows; layout, determinism, bad input, usage.
# Usage: export_test.sh NETINSPECT
set -u
NI=$1
for tool in sqlite3 jq zip; do
  command -v "$tool" >/dev/null || { echo "export_test: $tool is missing (scripts/install-deps installs it)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_eq() { # NAME GOT WANT
  if [[ "$2" == "$3" ]]; then echo "ok: $1 ($2)"; else fail "$1: got '$2', want '$3'"; fi
}

# --- Inputs: a directory of snapshot zips (annotations.json inside), an
# unpacked snapshot directory, and a bare inspect.json dated by its mtime.
mkdir -p "$work/zips" "$work/unpacked"
make_zip() { # SEED SOCKETS DEVICE "YYYY-MM-DD HH:MM:SS"
  local stage="$work/stage-$1"
  mkdir -p "$stage"
  "$NI" gen --seed "$1" --sockets "$2" --nics 3 --components 2 -o "$stage/inspect.json" || fail "gen $1"
  printf '{"device.feedback-id": "%s", "device.utc-time": "%s GMT", "build.version": "2026.11.1"}\n' "$3" "$4" \
    >"$stage/annotations.json"
  (cd "$stage" && zip -q -X "$work/zips/snap-$1.zip" inspect.json annotations.json) || fail "zip $1"
}
make_zip 11 8 dev-a "2026-11-20 10:00:00"
make_zip 12 15 dev-a "2026-11-21 10:00:00"
make_zip 13 4 dev-b "2026-11-21 23:59:59"
"$NI" gen --seed 14 --sockets 6 --components 1 -o "$work/unpacked/inspect.json" || fail "gen 14"
printf '{"device.feedback-id": "dev-c", "device.utc-time": "2026-11-19 08:30:00 GMT"}\n' >"$work/unpacked/annotations.json"
"$NI" gen --seed 15 --sockets 5 --components 0 -o "$work/plain.json" || fail "gen 15"
touch -d "2026-11-22 12:00:00 UTC" "$work/plain.json"
sources=("$work/zips" "$work/unpacked" "$work/plain.json")
files=("$work"/zips/snap-11.zip "$work"/zips/snap-12.zip "$work"/zips/snap-13.zip "$work/unpacked/inspect.json" "$work/plain.json")

# --- CSV export, loaded into SQLite.
"$NI" export --format csv --out "$work/csv" "${sources[@]}" 2>"$work/csv.err"
expect_eq "csv export exit status" "$?" 0
grep -q "5 snapshot(s) exported, 0 failed" "$work/csv.err" || fail "summary line: $(cat "$work/csv.err")"
expect_eq "partitions of the snapshots table" \
  "$(cd "$work/csv" && find table=snapshots -name 'part-*' | sort | tr '\n' ' ')" \
  "table=snapshots/snapshot_date=2026-11-19/part-0.csv table=snapshots/snapshot_date=2026-11-20/part-0.csv table=snapshots/snapshot_date=2026-11-21/part-0.csv table=snapshots/snapshot_date=2026-11-22/part-0.csv "
expect_eq "no temporary left" "$(find "$work/csv" -name '.*' | wc -l)" 0
expect_eq "tables" "$(ls "$work/csv" | tr '\n' ' ')" \
  "table=addresses table=counters table=nics table=pprof table=routes table=snapshots table=sockets table=triage "

db="$work/export.db"
for dir in "$work"/csv/table=*; do
  table=${dir##*table=}
  first=1
  while IFS= read -r part; do
    # The first part creates the table from its header; the others skip theirs.
    if ((first)); then sqlite3 "$db" ".import --csv '$part' $table"; first=0
    else sqlite3 "$db" ".import --csv --skip 1 '$part' $table"; fi
  done < <(find "$dir" -name 'part-*.csv' | sort)
done
sql() { sqlite3 -batch -noheader "$db" "$1"; }

# Header: the same columns in every part of a table.
for dir in "$work"/csv/table=*; do
  expect_eq "one header in ${dir##*/}" "$(for f in "$dir"/*/part-*.csv; do head -1 "$f"; done | sort -u | wc -l)" 1
done

# The views' --json of the same snapshots, one by one, summed with jq.
views_sum() { # VIEW JQ-PROGRAM -> sum over the files
  local total=0 n
  for f in "${files[@]}"; do
    n=$("$NI" "$1" --json "$f" | jq "$2")
    total=$((total + n))
  done
  echo "$total"
}
expect_eq "sockets rows" "$(sql 'select count(*) from sockets')" "$(views_sum sockets length)"
expect_eq "nics rows" "$(sql 'select count(*) from nics')" "$(views_sum nics length)"
expect_eq "routes rows" "$(sql 'select count(*) from routes')" "$(views_sum routes length)"
expect_eq "counters rows" "$(sql 'select count(*) from counters')" "$(views_sum counters length)"
expect_eq "addresses rows" "$(sql 'select count(*) from addresses')" "$(views_sum nics '[.[].addresses | length] | add // 0')"
expect_eq "snapshots rows" "$(sql 'select count(*) from snapshots')" 5
expect_eq "sum of socket sent" "$(sql 'select sum(sent) from sockets')" "$(views_sum sockets '[.[].sent // 0] | add')"
expect_eq "sum of socket errors" "$(sql 'select sum(errors) from sockets')" "$(views_sum sockets '[.[].errors // 0] | add')"
expect_eq "sum of NIC rx_bytes" "$(sql 'select sum(rx_bytes) from nics')" "$(views_sum nics '[.[].rx_bytes // 0] | add')"
expect_eq "sum of TCP counters" "$(sql "select sum(value) from counters where name like 'TCP.%'")" \
  "$(views_sum counters '[.[] | select(.name | startswith("TCP.")) | .value] | add')"
expect_eq "sum of route metrics" "$(sql 'select sum(metric) from routes')" "$(views_sum routes '[.[].metric // 0] | add')"
# triage --json exits 1 when a warning fires; pprof list --json reads the file itself.
triage_total=0 pprof_total=0 pprof_sum=0
for f in "${files[@]}"; do
  triage_total=$((triage_total + $("$NI" triage --json "$f" | jq length)))
  pprof_total=$((pprof_total + $("$NI" pprof list --json "$f" | jq length)))
  pprof_sum=$((pprof_sum + $("$NI" pprof list --json "$f" | jq '[.[].total] | add')))
done
expect_eq "triage rows" "$(sql 'select count(*) from triage')" "$triage_total"
expect_eq "pprof rows" "$(sql 'select count(*) from pprof')" "$pprof_total"
expect_eq "sum of pprof totals" "$(sql 'select sum(total) from pprof')" "$pprof_sum"
# Per snapshot, keyed: each source's sockets match its own view.
for f in "${files[@]}"; do
  expect_eq "sockets of $(basename "$f")" "$(sql "select count(*) from sockets where source = '$f'")" \
    "$("$NI" sockets --json "$f" | jq length)"
done
# Keys: device and time from annotations, or the file's mtime.
expect_eq "dev-a snapshots" "$(sql "select group_concat(snapshot_time, ' ') from (select snapshot_time from snapshots where device_id = 'dev-a' order by 1)")" \
  "2026-11-20T10:00:00Z 2026-11-21T10:00:00Z"
expect_eq "unpacked snapshot keys" "$(sql "select device_id, snapshot_time, time_source from snapshots where source like '%unpacked%'")" \
  "dev-c|2026-11-19T08:30:00Z|annotations"
expect_eq "plain json keys" "$(sql "select device_id is null or device_id = '', snapshot_time, time_source from snapshots where source like '%plain.json'")" \
  "1|2026-11-22T12:00:00Z|mtime"
expect_eq "snapshot ids are distinct" "$(sql 'select count(distinct snapshot_id) from snapshots')" 5
expect_eq "snapshot id is FNV-1a 64 of the file" \
  "$(sql "select length(snapshot_id) = 16 and snapshot_id glob '[0-9a-f]*' from snapshots limit 1")" 1
# Every row's keys belong to a snapshot.
expect_eq "orphan socket rows" "$(sql 'select count(*) from sockets where snapshot_id not in (select snapshot_id from snapshots)')" 0

# --- NDJSON: same rows as CSV, read back with jq.
"$NI" export --out "$work/nd" --jobs 2 "${sources[@]}" 2>/dev/null
expect_eq "ndjson export exit status" "$?" 0
for table in sockets nics addresses routes counters pprof triage snapshots; do
  expect_eq "ndjson $table rows" "$(cat "$work"/nd/table=$table/*/part-*.ndjson | wc -l)" "$(sql "select count(*) from $table")"
done
expect_eq "ndjson sum of socket sent" "$(cat "$work"/nd/table=sockets/*/*.ndjson | jq -s '[.[].sent // 0] | add')" \
  "$(sql 'select sum(sent) from sockets')"
expect_eq "ndjson rows start with the keys" \
  "$(head -1 "$work"/nd/table=counters/snapshot_date=2026-11-20/part-0.ndjson | jq -c 'keys_unsorted[:4]')" \
  '["snapshot_id","snapshot_time","source","device_id"]'

# --- Determinism: same inputs and --jobs give byte-identical trees; other
# --jobs the same rows.
"$NI" export --out "$work/nd2" --jobs 2 "${sources[@]}" 2>/dev/null
diff -r "$work/nd" "$work/nd2" >/dev/null && echo "ok: re-run is byte-identical" || fail "re-run with --jobs 2 differs"
"$NI" export --out "$work/nd3" --jobs 3 "${sources[@]}" 2>/dev/null
expect_eq "--jobs 3 has the same rows" "$(cat "$work"/nd3/table=*/*/*.ndjson | sort | md5sum)" \
  "$(cat "$work"/nd/table=*/*/*.ndjson | sort | md5sum)"
expect_eq "--jobs 2 writes part-0 and part-1" "$(ls "$work"/nd/table=snapshots/snapshot_date=2026-11-21/)" $'part-0.ndjson\npart-1.ndjson'

# --- An earlier export is refused without --replace, replaced with it.
"$NI" export --out "$work/nd" "${sources[@]}" 2>"$work/again.err"
expect_eq "earlier export refused" "$?" 2
grep -q "holds an earlier export" "$work/again.err" || fail "refusal message: $(cat "$work/again.err")"
"$NI" export --out "$work/nd" --replace "$work/plain.json" 2>/dev/null
expect_eq "--replace keeps only the new export" "$(cat "$work"/nd/table=snapshots/*/*.ndjson | wc -l)" 1

# --- Bad input among good: one line each, the rest exported, exit 2.
mkdir -p "$work/mixed"
cp "$work"/zips/*.zip "$work/mixed/"
printf 'PK\003\004 this is not a zip' >"$work/mixed/corrupt.zip"
head -c 5000 "$work/plain.json" >"$work/mixed/truncated.json"
echo '[{"moniker": "core/other", "payload": {}}]' >"$work/mixed/no-netstack.json"
"$NI" export --out "$work/mixed-out" --jobs 2 "$work/mixed" 2>"$work/mixed.err"
expect_eq "bad input exit status" "$?" 2
expect_eq "one error line per bad snapshot" "$(grep -c '^netinspect export: .*mixed/\(corrupt.zip\|truncated.json\|no-netstack.json\): ' "$work/mixed.err")" 3
expect_eq "good snapshots exported" "$(cat "$work"/mixed-out/table=snapshots/*/*.ndjson | wc -l)" 3
grep -q "3 snapshot(s) exported, 3 failed" "$work/mixed.err" || fail "bad-input summary: $(cat "$work/mixed.err")"
"$NI" export --out "$work/missing-out" "$work/zips" "$work/does-not-exist" 2>"$work/missing.err"
expect_eq "missing SOURCE exit status" "$?" 2
expect_eq "missing SOURCE: others exported" "$(cat "$work"/missing-out/table=snapshots/*/*.ndjson | wc -l)" 3

# --- Killed mid-run: every part file that exists is whole (parts appear
# only by rename once their job has finished).
mkdir -p "$work/many"
for i in $(seq 1 60); do cp "$work/zips/snap-12.zip" "$work/many/s$i.zip"; done
"$NI" export --out "$work/killed" --jobs 2 "$work/many" 2>/dev/null &
pid=$!
sleep 0.3
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
broken=0
while IFS= read -r part; do
  jq -e . "$part" >/dev/null 2>&1 || broken=$((broken + 1))
done < <(find "$work/killed" -name 'part-*' 2>/dev/null)
expect_eq "no broken part after SIGKILL" "$broken" 0

# --- Usage.
"$NI" export --help | grep -q "table=TABLE/snapshot_date=YYYY-MM-DD/part-J" || fail "--help lacks the layout"
"$NI" export 2>/dev/null; expect_eq "no SOURCE" "$?" 2
"$NI" export --format xml "$work/plain.json" 2>/dev/null; expect_eq "bad --format" "$?" 2
"$NI" export --jobs 0 "$work/plain.json" 2>/dev/null; expect_eq "bad --jobs" "$?" 2
"$NI" export - </dev/null 2>/dev/null; expect_eq "stdin refused" "$?" 2
touch "$work/file-not-dir"
"$NI" export --out "$work/file-not-dir" "$work/plain.json" 2>/dev/null; expect_eq "--out is a file" "$?" 2

if ((failures)); then
  echo "export_test: $failures failure(s)"
  exit 1
fi
echo "export_test: all passed"
