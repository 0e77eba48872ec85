#!/usr/bin/env bash
# Runs the libFuzzer targets built in BUILD (build-fuzz/) for SECONDS each,
# one after the other, growing the corpora under BUILD/corpus/<target>/
# (seeded from the test data on first use). Fails when a target crashes,
# leaks, times out or runs out of memory; the input is left in
# BUILD/artifacts/<target>/ and printed.
# Usage: fuzz/run.sh BUILD SECONDS [TARGET...]   (TARGET without "fuzz_")
# FUZZ_JOBS=N runs N targets at a time (default 1). FUZZ_RUNS=N also stops
# each target after N executions (libFuzzer -runs), whichever comes first.
set -uo pipefail
build=${1:?usage: run.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
all=(json_parse json_roundtrip jq_parse jq_run source_split source_open selector pprof_decode proc_net
     triage_config)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

# Seeds for every target that has no corpus yet (a new target joins old corpora).
missing=()
for t in "${targets[@]}"; do [[ -d $build/corpus/$t ]] || missing+=("$t"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  rm -rf "$build/corpus.new"
  "$here/make-seeds.sh" "$build/corpus.new" >/dev/null || exit 2
  mkdir -p "$build/corpus"
  for t in "${missing[@]}"; do
    if [[ -d $build/corpus.new/$t ]]; then mv "$build/corpus.new/$t" "$build/corpus/$t"; else mkdir -p "$build/corpus/$t"; fi
  done
  rm -rf "$build/corpus.new"
fi
declare -A dict=([json_parse]=json [json_roundtrip]=json [source_split]=json
                 [jq_parse]=jq [jq_run]=jq [triage_config]=triage)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=${FUZZ_JOBS:-1}
# One target: its result line goes to BUILD/artifacts/TARGET.result; exit 1 on a finding.
run_target() {
  local t=$1 bin=$build/fuzz_$1 log=$build/artifacts/$1.log result=$build/artifacts/$1.result
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
              -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1)
  [[ -n ${dict[$t]:-} ]] && args+=(-dict="$here/dict/${dict[$t]}.dict")
  [[ -n ${FUZZ_RUNS:-} ]] && args+=(-runs="$FUZZ_RUNS")
  local started elapsed
  started=$(date +%s)
  if "$bin" "${args[@]}" "$build/corpus/$t" >"$log" 2>&1; then
    local execs cov
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    elapsed=$(( $(date +%s) - started ))
    printf 'fuzz %-15s %4ss ok: %s runs in %ss, %s, corpus %s\n' "$t" "$seconds" "$execs" "$elapsed" "$cov" \
      "$(ls "$build/corpus/$t" | wc -l)" > "$result"
  else
    { printf 'fuzz %-15s %4ss FAILED (log: %s)\n' "$t" "$seconds" "$log"
      grep -E 'ERROR:|runtime error|Test unit written|^    #[0-9] ' "$log" | head -12 | sed 's/^/    /'
    } > "$result"
    return 1
  fi
}

for t in "${targets[@]}"; do
  [[ -x $build/fuzz_$t ]] || { echo "fuzz: $build/fuzz_$t is missing (make fuzz builds it)" >&2; exit 2; }
done
# FUZZ_JOBS targets at a time (one process each); results print in order.
declare -A pid_of
running=0
for t in "${targets[@]}"; do
  if (( running >= jobs )); then wait -n; running=$((running - 1)); fi
  rm -f "$build/artifacts/$t.result"
  run_target "$t" &
  pid_of[$t]=$!
  running=$((running + 1))
done
failed=()
for t in "${targets[@]}"; do
  wait "${pid_of[$t]}" 2>/dev/null
  # The result file decides: `wait -n` may already have taken the exit status.
  if ! cat "$build/artifacts/$t.result" 2>/dev/null; then echo "fuzz $t: no result"; failed+=("$t")
  elif grep -q FAILED "$build/artifacts/$t.result"; then failed+=("$t"); fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: failing targets: ${failed[*]}" >&2
  exit 1
fi
