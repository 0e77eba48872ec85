#!/usr/bin/env bash
# capture.cli: `netinspect capture` on this host (any user): the iquery entry
# shape and layout, options, errors and exit codes.
#   capture_cli_test.sh NETINSPECT
set -u
NI=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1"; echo "  expected: $3"; echo "  actual:   $2"; fi
}
q() { "$NI" query -r "$@"; }

"$NI" capture >"$TMP/out.json" 2>"$TMP/err"
expect "exit code" "$?" "0"
expect "one compact entry per line" "$(wc -l <"$TMP/out.json")" "8"
expect "first and last lines" "$(head -1 "$TMP/out.json")$(tail -1 "$TMP/out.json")" "[]"
expect "entry fields" "$(q '[.[] | keys_unsorted | join(",")] | unique | join(";")' "$TMP/out.json")" \
  "data_source,metadata,moniker,payload,version"
expect "metadata fields" "$(q '[.[] | .metadata | keys_unsorted | join(",")] | unique | join(";")' "$TMP/out.json")" \
  "filename,component_url,timestamp"
expect "filenames" "$(q '[.[] | .metadata.filename] | join(",")' "$TMP/out.json")" \
  "root/fuchsia.inspect.deprecated.Inspect,configuration/fuchsia.inspect.deprecated.Inspect,counters/fuchsia.inspect.deprecated.Inspect,interfaces/fuchsia.inspect.deprecated.Inspect,sockets/fuchsia.inspect.deprecated.Inspect,routes/fuchsia.inspect.deprecated.Inspect"
expect "payload roots" "$(q '[.[] | .payload | keys[]] | join(",")' "$TMP/out.json")" \
  "root,Runtime Configuration Flags,Networking Stat Counters,NICs,Socket Info,Routes"
expect "moniker, version, data_source" "$(q '[.[] | "\(.moniker) \(.version) \(.data_source)"] | unique | join(",")' "$TMP/out.json")" \
  "core/network/netstack 1 Inspect"
expect "component_url says Linux, not a Fuchsia package" "$(q '[.[] | .metadata.component_url] | unique | join(",")' "$TMP/out.json")" \
  "linux://kernel/network-stack"
expect "timestamps are integer nanoseconds" "$(q '[.[] | .metadata.timestamp | (. == floor and . > 0)] | all' "$TMP/out.json")" "true"
expect "loopback NIC" "$(q '.[] | .payload.NICs // empty | .[] | select(.Loopback == "true") | .ProtocolAddress0' "$TMP/out.json")" "[ipv4] 127.0.0.1/8"
expect "NIC booleans are strings" "$(q '[.[] | .payload.NICs // empty | .[] | .AdminUp, .LinkOnline, .Up, .Running, .Loopback, .Promiscuous | type] | unique | join(",")' "$TMP/out.json")" "string"
expect "MTU is a number" "$(q '[.[] | .payload.NICs // empty | .[] | .MTU | type] | unique | join(",")' "$TMP/out.json")" "number"
if [ "$(id -u)" -ne 0 ]; then
  expect "unprivileged notice" "$(grep -c 'not running as root' "$TMP/err")" "1"
else
  expect "no notice as root" "$(wc -c <"$TMP/err")" "0"
fi

"$NI" capture --moniker netstack.cmx -o "$TMP/file.json" >"$TMP/stdout" 2>/dev/null
expect "-o exit code" "$?" "0"
expect "-o writes nothing on stdout" "$(wc -c <"$TMP/stdout")" "0"
expect "--moniker" "$(q '[.[] | .moniker] | unique | join(",")' "$TMP/file.json")" "netstack.cmx"
expect "-o leaves no temporary file" "$(ls -A "$TMP" | grep -c '\.tmp-')" "0"

"$NI" capture --all-tables >"$TMP/all.json" 2>/dev/null
expect "--all-tables adds the local table" "$(q '[.[] | .payload.Routes // empty | .[] | .Linux.Table] | index("local") != null' "$TMP/all.json")" "true"
expect "main table only by default" "$(q '[.[] | .payload.Routes // empty | .[] | .Linux.Table] | unique | join(",")' "$TMP/out.json")" \
  "$(q '[.[] | .payload.Routes // empty | .[] | .Linux.Table] | map(select(. == "main")) | unique | join(",")' "$TMP/all.json")"

"$NI" capture --bogus >/dev/null 2>"$TMP/err"
expect "bad option exit code" "$?" "2"
expect "bad option message" "$(head -1 "$TMP/err")" "netinspect capture: unexpected argument '--bogus'"
"$NI" capture -o >/dev/null 2>&1
expect "-o without a value" "$?" "2"
"$NI" capture -o "$TMP/no/such/dir.json" >/dev/null 2>"$TMP/err"
expect "unwritable output" "$?" "2"
"$NI" capture --help >"$TMP/help"
expect "--help exit code" "$?" "0"
expect "--help mentions exit codes" "$(grep -c 'Exit codes' "$TMP/help")" "1"

if [ "$failures" -ne 0 ]; then
  echo "capture.cli: $failures failure(s)"
  exit 1
fi
echo "capture.cli: all checks passed"
