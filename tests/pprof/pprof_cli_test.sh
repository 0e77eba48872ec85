#!/usr/bin/env bash
# End-to-end tests of `netinspect pprof`: top/folded through the CLI against
# the go1.19 goldens, `go tool pprof` itself when installed, extract against
# the netstack documentation's shell loop (when jq is installed), a hostile
# snapshot, bad profiles, --focus/--ignore against go1.19 goldens.
# Usage: pprof_cli_test.sh NETINSPECT TESTS_DATA_DIR
set -u
NI=$(realpath "$1")
DATA=$(realpath "$2")
PP=$DATA/pprof
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
after_time() { sed '1,/^Time: /d'; }

# --- top and folded through the CLI, every sample ----------------------------
for golden in $(find "$PP" -name '*.go1.19-top.txt' | sort); do
  profile=${golden%.go1.19-top.txt}.pb.gz
  if diff <("$NI" pprof top "$profile" | after_time) <(after_time < "$golden") > "$T/diff"; then
    pass "top $(basename "$profile")"
  else
    fail "top $(basename "$profile")"; cat "$T/diff"
  fi
  folded=${golden%.go1.19-top.txt}.folded.txt
  if cmp -s <("$NI" pprof folded "$profile") "$folded"; then pass "folded $(basename "$profile")"
  else fail "folded $(basename "$profile")"; fi
done
heap=$PP/generated-go1.19/go.heap.pb.gz
diff <("$NI" pprof top --sample-index alloc_objects "$heap" | after_time) \
     <(after_time < "$PP/generated-go1.19/go.heap.go1.19-top-sample_index-alloc_objects.txt") > /dev/null \
  && pass "top --sample-index alloc_objects" || fail "top --sample-index alloc_objects"

# --- --focus/--ignore against go tool pprof goldens (tests/pprof/filters) ------
ni_args() {  # go tool pprof's flags -> ours
  local a out=()
  for a in "$@"; do
    case $a in
      -focus=*) out+=(--focus "${a#-focus=}") ;;
      -ignore=*) out+=(--ignore "${a#-ignore=}") ;;
      -cum) out+=(--cum) ;;
      -nodecount=*) out+=(--nodecount "${a#-nodecount=}") ;;
      -sample_index=*) out+=(--sample-index "${a#-sample_index=}") ;;
      *) echo "ni_args: unmapped $a" >&2; return 1 ;;
    esac
  done
  [ ${#out[@]} -eq 0 ] || printf '%s\0' "${out[@]}"
}
FILTERS=$(dirname "$(realpath "$0")")/filters
filter_count=0
while IFS=$'\t' read -r golden profile args; do
  read -ra go_args <<< "$args"
  mapfile -d '' ours < <(ni_args "${go_args[@]}")
  if diff <("$NI" pprof top "${ours[@]}" "$DATA/$profile" 2> /dev/null | after_time) \
          <(after_time < "$FILTERS/$golden") > "$T/diff"; then
    filter_count=$((filter_count + 1))
  else
    fail "top $args $(basename "$profile") ($golden)"; head -20 "$T/diff"
  fi
done < "$FILTERS/cases.tsv"
[ $filter_count -ge 45 ] && pass "top --focus/--ignore == go1.19 goldens ($filter_count cases)" \
  || fail "filter goldens: only $filter_count cases matched"
"$NI" pprof top --focus nomatchxyz "$heap" > /dev/null 2> "$T/err"
[ $? -eq 0 ] && grep -q ': Focus expression matched no samples$' "$T/err" && pass "--focus matching nothing: warning, exit 0" \
  || fail "--focus matching nothing"
"$NI" pprof top --ignore '(' "$heap" > /dev/null 2> "$T/err"
[ $? -eq 2 ] && grep -q "invalid --ignore regular expression '('" "$T/err" && pass "invalid --ignore -> exit 2" \
  || { fail "invalid --ignore -> exit 2"; cat "$T/err"; }
# folded --focus keeps exactly the unfiltered stacks that have a matching frame.
"$NI" pprof folded --focus 'runtime\.' --ignore 'Mutex' "$PP/generated-go1.19/go.cpu.pb.gz" > "$T/f1"
"$NI" pprof folded "$PP/generated-go1.19/go.cpu.pb.gz" | grep 'runtime\.' | grep -v Mutex > "$T/f2"
[ -s "$T/f1" ] && cmp -s "$T/f1" "$T/f2" && pass "folded --focus/--ignore" || fail "folded --focus/--ignore"

# --- profiles read straight out of a snapshot --------------------------------
SNAP=$PP/generated-go1.19/synthetic_inspect_pprof.json
"$NI" pprof top "$SNAP#pprof/now.inspect:heap" > "$T/top_embedded.txt" 2> "$T/err"
[ $? -eq 0 ] && grep -q '^Type: inuse_space$' "$T/top_embedded.txt" && pass "top SOURCE#ENTRY:NAME" \
  || { fail "top SOURCE#ENTRY:NAME"; cat "$T/err"; }
"$NI" pprof top "$SNAP#pprof/now.inspect:nosuch" > /dev/null 2> "$T/err"
[ $? -eq 2 ] && pass "unknown profile name -> exit 2" || fail "unknown profile name -> exit 2"

# --- go tool pprof itself, where installed -------------------------------------
if command -v go > /dev/null 2>&1; then
  mkdir -p "$T/go" "$T/goprofiles"
  "$NI" pprof extract -o "$T/goprofiles" "$SNAP" "$DATA/synthetic_netstack2_inspect.json" > /dev/null 2>&1
  count=0
  for profile in $(find "$PP" -name '*.pb.gz' | sort) "$T"/goprofiles/*; do
    for extra in "" "-cum" "-nodecount=3" "-sample_index=0" "-focus=runtime" "-ignore=runtime" \
                 "-focus=main -ignore=alloc|gzip" "-focus=(?i)mutex|sync -cum" "-focus=proc\.go$" "-ignore=."; do
      read -ra go_args <<< "$extra"
      mapfile -d '' ni < <(ni_args "${go_args[@]}")
      want=$(HOME=$T/go PPROF_TMPDIR=$T/go go tool pprof -top "${go_args[@]}" "$profile" 2> /dev/null | after_time)
      ours=$("$NI" pprof top "${ni[@]}" "$profile" 2> /dev/null | after_time)
      if [ "$want" == "$ours" ]; then count=$((count + 1))
      else fail "go tool pprof -top $extra $(basename "$profile")"; diff <(echo "$want") <(echo "$ours") | head -20; fi
    done
  done
  pass "go tool pprof -top agrees on $count runs"
else
  echo "skip: go not installed (go tool pprof comparison)"
fi

# --- extract == the documentation's shell loop --------------------------------
seed_loop() {  # the loop of the netstack documentation, verbatim, run in $PWD
  jq -rc '.[]
            | select(.moniker == "core/network/netstack")
            | select(.payload.root.pprof != null)
            | . as $parent
            | (.payload.root.pprof | to_entries | .[] | ($parent | .metadata.filename) + "_" + .key + " " + .value)' "$1" | \
 while read f c; do echo $c | sed s/b64://g | base64 -d > $(echo $f | sed 's/pprof\///g'); done
}
if command -v jq > /dev/null 2>&1; then
  for snapshot in "$DATA/synthetic_netstack2_inspect.json" "$SNAP"; do
    rm -rf "$T/loop" "$T/ours"; mkdir -p "$T/loop"
    (cd "$T/loop" && seed_loop "$snapshot")
    "$NI" pprof extract -o "$T/ours" "$snapshot" > /dev/null
    if diff -r "$T/loop" "$T/ours" > /dev/null && [ -n "$(ls "$T/ours")" ]; then
      pass "extract == seed loop ($(basename "$snapshot"))"
    else
      fail "extract == seed loop ($(basename "$snapshot"))"; diff -r "$T/loop" "$T/ours" | head
    fi
  done
else
  echo "skip: jq not installed (seed loop comparison)"
fi
# The seed's own outputs, kept in tests/data/seed, are a jq-free check.
rm -rf "$T/ours"
"$NI" pprof extract -o "$T/ours" "$DATA/synthetic_netstack2_inspect.json" > /dev/null
diff -r "$DATA/seed/pprof_files_all" "$T/ours" > /dev/null && pass "extract == tests/data/seed/pprof_files_all" \
  || fail "extract == tests/data/seed/pprof_files_all"
rm -rf "$T/ours"
"$NI" pprof extract --latest -o "$T/ours" "$DATA/synthetic_netstack2_inspect.json" > /dev/null
diff -r "$DATA/seed/pprof_files_now" "$T/ours" > /dev/null && pass "extract --latest" || fail "extract --latest"
"$NI" pprof extract -o "$T/ours" "$DATA/synthetic_netstack2_inspect.json" > /dev/null 2> "$T/err"
[ $? -eq 1 ] && grep -q 'exists (use --force' "$T/err" && pass "no overwrite without --force" \
  || fail "no overwrite without --force"
"$NI" pprof extract --force -o "$T/ours" "$DATA/synthetic_netstack2_inspect.json" > /dev/null \
  && pass "--force overwrites" || fail "--force overwrites"
rm -rf "$T/ours"
"$NI" pprof extract --profile heap --profile block -o "$T/ours" "$SNAP" > /dev/null
[ "$(ls "$T/ours" | tr '\n' ' ')" == "now.inspect_block now.inspect_heap " ] && pass "extract --profile" \
  || fail "extract --profile"

# --- snapshots made by `netinspect gen` (real gzip'd profiles) ------------------
if "$NI" gen --help > /dev/null 2>&1; then
  for seed in 1 2 3; do
    G=$T/gen$seed.json
    "$NI" gen --seed $seed --components 2 -o "$G" || fail "gen --seed $seed"
    "$NI" pprof list "$G" > /dev/null && pass "list gen seed $seed" || fail "list gen seed $seed"
    rm -rf "$T/ours"; "$NI" pprof extract -o "$T/ours" "$G" > /dev/null || fail "extract gen seed $seed"
    if command -v jq > /dev/null 2>&1; then
      rm -rf "$T/loop"; mkdir -p "$T/loop"; (cd "$T/loop" && seed_loop "$G")
      diff -r "$T/loop" "$T/ours" > /dev/null && pass "extract == seed loop (gen seed $seed)" \
        || fail "extract == seed loop (gen seed $seed)"
    fi
    if command -v go > /dev/null 2>&1; then
      for profile in "$T"/ours/*; do
        want=$(HOME=$T/go PPROF_TMPDIR=$T/go go tool pprof -top "$profile" 2> /dev/null | after_time)
        [ "$want" == "$("$NI" pprof top "$profile" | after_time)" ] \
          || fail "go tool pprof -top, gen seed $seed $(basename "$profile")"
      done
      pass "go tool pprof -top agrees on gen seed $seed"
    fi
  done
else
  echo "skip: netinspect gen not available"
fi

# --- a hostile snapshot: nothing is written outside DIR -------------------------
GOOD="b64:$(base64 -w0 < "$heap")"
cat > "$T/hostile.json" <<EOF
[
 {"moniker":"core/network/netstack","metadata":{"filename":"pprof/../../x"},"payload":{"root":{"pprof":{"heap":"$GOOD"}}}},
 {"moniker":"core/network/netstack","metadata":{"filename":"/etc/passwd"},"payload":{"root":{"pprof":{"heap":"$GOOD"}}}},
 {"moniker":"core/network/netstack","metadata":{"filename":"pprof/a\nb"},"payload":{"root":{"pprof":{"x\n/../y":"$GOOD"}}}},
 {"moniker":"core/network/netstack","metadata":{"filename":"pprof/now.inspect"},"payload":{"root":{"pprof":{"heap":"$GOOD"}}}},
 {"moniker":"core/network/netstack","metadata":{"filename":"pprof/now.inspect"},"payload":{"root":{"pprof":{"heap":"$GOOD"}}}},
 {"moniker":"core/network/netstack","metadata":{"filename":"pprof/.."},"payload":{"root":{"pprof":{"/../../../tmp/z":"$GOOD"}}}}
]
EOF
mkdir -p "$T/jail/a/b/out"
ln -s "$T/jail/victim" "$T/jail/a/b/out/now.inspect_heap"
before=$(cd "$T" && find . | sort)
(cd "$T/jail/a/b" && "$NI" pprof extract -o out "$T/hostile.json" > "$T/hostile.out" 2> "$T/hostile.err")
status=$?
after=$(cd "$T" && find . | sort | grep -v '^./jail/a/b/out/' | grep -v '^./hostile\.\(out\|err\)$')
before=$(echo "$before" | grep -v '^./jail/a/b/out/')
[ "$before" == "$after" ] && pass "hostile: nothing written outside DIR" || { fail "hostile: files outside DIR"; diff <(echo "$before") <(echo "$after"); }
[ ! -e "$T/jail/victim" ] && pass "hostile: planted symlink not followed" || fail "hostile: symlink followed"
[ $status -eq 1 ] && grep -q 'already written' "$T/hostile.err" && pass "hostile: duplicate reported, exit 1" \
  || { fail "hostile: duplicate reported, exit 1 (got $status)"; cat "$T/hostile.err"; }
ls -A "$T/jail/a/b/out" > "$T/hostile.names"
grep -qx '_._.._x_heap' "$T/hostile.names" && grep -qx '_etc_passwd_heap' "$T/hostile.names" \
  && grep -qx 'a_b_x__.._y' "$T/hostile.names" && grep -qx '_.__.._.._.._tmp_z' "$T/hostile.names" && pass "hostile: names sanitised" \
  || { fail "hostile: names sanitised"; cat "$T/hostile.names"; }
[ "$(find "$T/jail/a/b/out" -name '.netinspect-*' | wc -l)" -eq 0 ] && pass "hostile: no temporary files left" \
  || fail "hostile: temporary files left"

# --- bad profiles: clear error each, the others still processed, exit 1 --------
bad_index=$(printf '\x0a\x04\x08\x05\x10\x06\x32\x00' | gzip -c | base64 -w0)
truncated=$(head -c 100 "$heap" | base64 -w0)
cat > "$T/bad.json" <<EOF
[{"moniker":"core/network/netstack","metadata":{"filename":"pprof/now.inspect"},"payload":{"root":{"pprof":{
  "good":"$GOOD", "nob64":"$(base64 -w0 < "$heap")", "badb64":"b64:@@@@", "truncated":"b64:$truncated",
  "badindex":"b64:$bad_index", "empty":"b64:", "number":42}}}}]
EOF
"$NI" pprof list "$T/bad.json" > "$T/list.out" 2> "$T/list.err"
status=$?
[ $status -eq 1 ] && pass "list bad profiles -> exit 1" || fail "list bad profiles -> exit 1 (got $status)"
grep -q '^pprof/now.inspect  good .*inuse_space/bytes\*' "$T/list.out" && pass "list: good profile listed" \
  || { fail "list: good profile listed"; cat "$T/list.out"; }
for pattern in ':nob64: value does not start with "b64:"' ':badb64: invalid base64' ':truncated: gzip: truncated' \
               ':badindex: sample_type.type refers to string 5, outside the string table' ':empty: empty profile' \
               ':number: value is number'; do
  grep -qF -- "$pattern" "$T/list.err" && pass "error$pattern" || { fail "error$pattern"; cat "$T/list.err"; }
done
[ "$(wc -l < "$T/list.err")" -eq 6 ] && pass "one error line per bad profile" || fail "one error line per bad profile"
if command -v jq > /dev/null; then
  "$NI" pprof list --json "$T/bad.json" 2> /dev/null | jq -e 'length == 7 and (map(select(.error)) | length) == 6' > /dev/null \
    && pass "list --json marks errors" || fail "list --json marks errors"
fi
"$NI" pprof top "$T/bad.json" > "$T/top.out" 2> /dev/null
[ $? -eq 1 ] && grep -q '^==> .*:good <==' "$T/top.out" && pass "top: good profile reported despite bad ones" \
  || fail "top: good profile reported despite bad ones"
"$NI" pprof top --max-decompressed 1K "$heap" > /dev/null 2> "$T/err"
[ $? -eq 1 ] && grep -q 'exceeds the limit' "$T/err" && pass "--max-decompressed" || fail "--max-decompressed"

# --- list -------------------------------------------------------------------------
"$NI" pprof list "$DATA/synthetic_netstack2_inspect.json" > "$T/list.out"
[ $? -eq 0 ] && [ "$(wc -l < "$T/list.out")" -eq 7 ] && pass "list synthetic snapshot" || { fail "list synthetic snapshot"; cat "$T/list.out"; }
"$NI" pprof list --json < "$SNAP" > "$T/list.json"
[ $? -eq 0 ] && grep -q '"default_sample_type": "alloc_space"' "$T/list.json" && pass "list --json from stdin" \
  || fail "list --json from stdin"

# --- flame (the SVG itself: pprof_flame_test.sh, pprof_chromium_test.sh) --------
"$NI" pprof flame "$heap" > /dev/null 2>&1; [ $? -eq 2 ] && pass "flame without -o -> exit 2" || fail "flame without -o"

# --- usage ---------------------------------------------------------------------------
"$NI" pprof --help | grep -q '^Usage: netinspect pprof' && pass "--help" || fail "--help"
"$NI" pprof nosuch > /dev/null 2>&1; [ $? -eq 2 ] && pass "unknown subcommand -> 2" || fail "unknown subcommand"
"$NI" pprof top --nodecount x "$heap" > /dev/null 2>&1; [ $? -eq 2 ] && pass "bad option value -> 2" || fail "bad option value"
"$NI" pprof list "$T/does-not-exist.json" > /dev/null 2>&1; [ $? -eq 2 ] && pass "unreadable source -> 2" || fail "unreadable source"

echo "$failures failure(s)"
[ $failures -eq 0 ]
