#!/usr/bin/env bash
# End-to-end tests of `netinspect gen`, `list`, `selectors` and `show`: the
# iquery goldens byte for byte, selectors with escapes and wildcards, gen's
# determinism and schema, argument rules, exit codes and bad input.
#
# usage: iquery_test.sh NETINSPECT DATA_DIR
set -u
ni=$1
data=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_rc() {  # expect_rc WANT NAME CMD...
  local want=$1 name=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  [ "$rc" = "$want" ] || fail "$name: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
}
S=$data/synthetic_netstack2_inspect.json
G=$data/fuchsia

# --- iquery goldens
expect_rc 0 golden-text "$ni" show "$G/iquery_golden_show_test_with_file_deprecated_inspect.json"
cmp -s "$tmp/out" "$G/iquery_golden_show_test_with_file_deprecated_inspect.text" || fail "show text differs from the iquery golden"
for f in iquery_golden_show_test.json iquery_golden_show_test_with_file_deprecated_inspect.json; do
  expect_rc 0 "golden-json $f" "$ni" show --format json "$G/$f"
  cmp -s "$tmp/out" "$G/$f" || fail "show --format json differs from $f"
done

# --- selectors: escapes, wildcards, sorting
expect_rc 0 selectors "$ni" selectors 'core/network/netstack:Networking\ Stat\ Counters/TCP:Current*' "$S"
printf '%s\n' 'core/network/netstack:Networking\ Stat\ Counters/TCP:CurrentConnected' \
  'core/network/netstack:Networking\ Stat\ Counters/TCP:CurrentEstablished' | cmp -s - "$tmp/out" ||
  fail "selectors with escapes and a property glob"
expect_rc 0 selectors-golden "$ni" selectors 'realm_builder\:CHILD_NAME/*:root/table\:0x0:*' "$G/iquery_golden_show_test_with_file_deprecated_inspect.json"
printf '%s\n' 'realm_builder\:CHILD_NAME/test:root/table\:0x0:binary_data' \
  'realm_builder\:CHILD_NAME/test:root/table\:0x0:object_name' | cmp -s - "$tmp/out" || fail "selectors escape ':' in monikers and nodes"
# Every printed selector selects its own property back.
"$ni" selectors 'core/network/netstack:NICs/2/*' "$S" > "$tmp/sel"
first=$(head -1 "$tmp/sel")
expect_rc 0 roundtrip "$ni" selectors -s "$first" "$S"
[ "$(cat "$tmp/out")" = "$first" ] || fail "selector round trip: $first"
expect_rc 0 recursive "$ni" show '**:root/fuchsia.inspect.Health:status' "$S"
[ "$(grep -c 'status = OK' "$tmp/out")" = 2 ] || fail "'**' should match the archivist and netstack health"
expect_rc 1 no-match "$ni" show 'core/nothing:root' "$S"
[ ! -s "$tmp/out" ] || fail "no match prints nothing"
expect_rc 2 bad-selector "$ni" show 'a:b:c:d' "$S"
grep -q "bad selector 'a:b:c:d'" "$tmp/err" || fail "bad selector message"

# --- show: pruning and layout
expect_rc 0 show-prune "$ni" show 'core/network/netstack:Networking\ Stat\ Counters/TCP:CurrentEstablished' "$S"
cat > "$tmp/want" <<'TXT'
core/network/netstack:
  metadata:
    filename = counters/fuchsia.inspect.deprecated.Inspect
    component_url = fuchsia-pkg://fuchsia.com/netstack#meta/netstack.cm
    timestamp = 86412345680901
  payload:
    Networking Stat Counters:
      TCP:
        CurrentEstablished = 0

TXT
cmp -s "$tmp/out" "$tmp/want" || fail "show pruned text"
expect_rc 0 show-null "$ni" show core/slow_component "$S"
grep -q '^  payload: null$' "$tmp/out" || fail "payload: null"
expect_rc 0 show-json "$ni" show --format json 'core/network/netstack:NICs/*:Name' "$S"
[ "$(grep -c '"Name"' "$tmp/out")" = 2 ] || fail "show --format json prunes to the selected properties"

# --- list
expect_rc 0 list "$ni" list "$S"
grep -q '^core/network/netstack  (9 entries)$' "$tmp/out" || fail "list counts the netstack entries"
grep -q '^  pprof/now.inspect$' "$tmp/out" || fail "list shows inspect sources"
expect_rc 0 list-json "$ni" list --json "$S"
grep -q '"null_payloads": 1' "$tmp/out" || fail "list --json counts null payloads"

# --- sources: stdin, gzip, '--'
expect_rc 0 stdin sh -c "'$ni' selectors 'core/network/netstack:Routes/0:*' < '$S'"
[ "$(wc -l < "$tmp/out")" = 7 ] || fail "selectors from stdin"
gzip -c "$S" > "$tmp/snap.json.gz"
expect_rc 0 gzip "$ni" list -- "$tmp/snap.json.gz"
grep -q 'core/network/netstack' "$tmp/out" || fail "list over gzip"
printf '[{"moniker":"a","payload":{"root":{"x":1}}},\n{"moniker":' > "$tmp/truncated.json"
expect_rc 2 truncated "$ni" show "$tmp/truncated.json"
grep -q '^a:$' "$tmp/out" || fail "entries before a break are still shown"
expect_rc 2 missing-option "$ni" show --format
expect_rc 2 unknown-option "$ni" list --bogus "$S"

# --- gen: determinism, -o, schema through the other commands
expect_rc 0 gen1 "$ni" gen --seed 4 --sockets 25 --nics 4 --components 6 -o "$tmp/g1.json"
expect_rc 0 gen2 "$ni" gen --seed 4 --sockets 25 --nics 4 --components 6
cmp -s "$tmp/out" "$tmp/g1.json" || fail "gen is deterministic and -o writes the same bytes"
ls "$tmp" | grep -q tmp- && fail "gen left a temporary file"
expect_rc 0 gen-sockets "$ni" selectors 'core/network/netstack:Socket\ Info/*:State' "$tmp/g1.json"
[ "$(wc -l < "$tmp/out")" = 25 ] || fail "gen --sockets 25 gives 25 sockets"
expect_rc 0 gen-list "$ni" list "$tmp/g1.json"
grep -q '^core/network/netstack  (9 entries)$' "$tmp/out" || fail "gen writes nine netstack entries"
expect_rc 0 gen-pretty "$ni" gen --seed 4 --sockets 25 --nics 4 --components 6 --pretty -o "$tmp/g2.json"
expect_rc 0 gen-pretty-list "$ni" list "$tmp/g2.json"
"$ni" list "$tmp/g1.json" | cmp -s - "$tmp/out" || fail "pretty and compact list alike"
expect_rc 0 gen-size "$ni" gen --size 2M -o "$tmp/g3.json"
[ "$(stat -c %s "$tmp/g3.json")" -ge 2097152 ] || fail "gen --size 2M"
expect_rc 2 gen-bad "$ni" gen --sockets many
expect_rc 2 gen-nics0 "$ni" gen --nics 0
expect_rc 2 gen-unwritable "$ni" gen -o "$tmp/no/such/dir/x.json"
for cmd in gen list selectors show; do
  expect_rc 0 "help-$cmd" "$ni" "$cmd" --help
  grep -q 'Exit codes' "$tmp/out" || fail "$cmd --help documents exit codes"
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "iquery_test: all passed"
