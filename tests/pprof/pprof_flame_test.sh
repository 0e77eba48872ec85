#!/usr/bin/env bash
# `netinspect pprof flame`: for every sample profile and every profile of
# `netinspect gen` snapshots, the SVG is well-formed XML (python3's parser)
# and has exactly one <rect> per node of the call tree, the nodes counted
# independently from `pprof folded` (distinct stack prefixes, plus the root).
# Usage: pprof_flame_test.sh NETINSPECT TESTS_DATA_DIR
set -u
NI=$(realpath "$1")
DATA=$(realpath "$2")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
if ! command -v python3 > /dev/null 2>&1; then
  echo "skip: python3 not installed (Debian package python3, in scripts/debian-packages.txt)"
  exit 77
fi

# Distinct prefixes of the folded stacks (only stacks with a positive value
# are drawn), plus the root "all".
folded_nodes() {
  awk '{ value = $NF; sub(/ -?[0-9]+$/, ""); if (value <= 0) next
         n = split($0, f, ";"); p = ""; for (i = 1; i <= n; i++) { p = p ";" f[i]; seen[p] = 1 } }
       END { print length(seen) + 1 }'
}
svg_rects() {  # rects of the flame frames, counted by an XML parser
  python3 -c 'import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
frames = [g for g in root.iter(ns + "g") if g.get("class") == "f"]
assert all(len(g.findall(ns + "rect")) == 1 for g in frames), "a frame without exactly one rect"
print(len(list(root.iter(ns + "rect"))))' "$1"
}

profiles=$(find "$DATA/pprof" -name '*.pb.gz' | sort)
if "$NI" gen --help > /dev/null 2>&1; then
  "$NI" gen --seed 7 --components 2 -o "$T/gen.json" && "$NI" pprof extract -o "$T/gen" "$T/gen.json" > /dev/null \
    || fail "gen + extract"
  profiles="$profiles $(find "$T/gen" -type f | sort)"
fi
checked=0
for profile in $profiles; do
  for index in "" 0; do
    args=(); [ -n "$index" ] && args=(--sample-index "$index")
    name="$(basename "$profile")${index:+ --sample-index $index}"
    if ! "$NI" pprof flame "${args[@]}" -o "$T/f.svg" "$profile" 2> "$T/err"; then
      fail "flame $name"; cat "$T/err"; continue
    fi
    nodes=$("$NI" pprof folded "${args[@]}" "$profile" | folded_nodes)
    rects=$(svg_rects "$T/f.svg" 2> "$T/err") || { fail "flame $name: not well-formed"; cat "$T/err"; continue; }
    if [ "$rects" -eq "$nodes" ]; then checked=$((checked + 1))
    else fail "flame $name: $rects rects, $nodes call-tree nodes"; fi
  done
done
[ $checked -gt 0 ] && pass "flame: one rect per call-tree node on $checked profile/sample-type pairs"

# Hostile frame names stay well-formed XML (markup, quotes, control bytes, bad UTF-8).
"$NI" pprof flame --title '<&"x">' -o "$T/t.svg" "$DATA/pprof/generated-go1.19/go.heap.pb.gz" \
  && svg_rects "$T/t.svg" > /dev/null && pass "flame: title escaped" || fail "flame: title escaped"
# --focus limits the graph to the matching stacks.
"$NI" pprof flame --focus 'runtime\.' -o "$T/focus.svg" "$DATA/pprof/generated-go1.19/go.cpu.pb.gz" 2> /dev/null
[ "$(svg_rects "$T/focus.svg")" -eq "$("$NI" pprof folded --focus 'runtime\.' "$DATA/pprof/generated-go1.19/go.cpu.pb.gz" | folded_nodes)" ] \
  && pass "flame --focus" || fail "flame --focus"
# -o into a directory that does not exist: a clear error, exit 1.
"$NI" pprof flame -o "$T/missing/dir/f.svg" "$DATA/pprof/generated-go1.19/go.cpu.pb.gz" > /dev/null 2> "$T/err"
status=$?
[ $status -ne 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && pass "flame -o into a missing directory -> exit $status, one line" \
  || { fail "flame -o into a missing directory (exit $status)"; cat "$T/err"; }

echo "$failures failure(s)"
[ $failures -eq 0 ]
