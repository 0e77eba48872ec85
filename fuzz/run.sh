#!/usr/bin/env bash
# Runs the libFuzzer targets built in BUILD (build-fuzz/) for SECONDS each,
# one after the other, growing the corpora under BUILD/corpus/<target>/
# (seeded from the test data on first use). Fails when a target crashes,
# leaks, times out or runs out of memory; the input is left in
# BUILD/artifacts/<target>/ and printed.
# Usage: fuzz/run.sh BUILD SECONDS [TARGET...]   (TARGET without "fuzz_")
set -uo pipefail
build=${1:?usage: run.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD SECONDS [TARGET...]}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
all=(json_parse json_roundtrip jq_parse jq_run source_split source_open selector pprof_decode proc_net)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

if [[ ! -d $build/corpus ]]; then
  "$here/make-seeds.sh" "$build/corpus.new" >/dev/null && mv "$build/corpus.new" "$build/corpus"
fi
declare -A dict=([json_parse]=json [json_roundtrip]=json [source_split]=json
                 [jq_parse]=jq [jq_run]=jq)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  bin=$build/fuzz_$t
  [[ -x $bin ]] || { echo "fuzz: $bin is missing (make fuzz builds it)" >&2; exit 2; }
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1)
  [[ -n ${dict[$t]:-} ]] && args+=(-dict="$here/dict/${dict[$t]}.dict")
  log=$build/artifacts/$t.log
  printf 'fuzz %-15s %4ss ... ' "$t" "$seconds"
  if "$bin" "${args[@]}" "$build/corpus/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    echo "ok: $execs runs, $cov, corpus $(ls "$build/corpus/$t" | wc -l)"
  else
    echo "FAILED (log: $log)"
    grep -E 'ERROR:|runtime error|Test unit written|^    #[0-9] ' "$log" | head -12 | sed 's/^/    /'
    failed+=("$t")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: failing targets: ${failed[*]}" >&2
  exit 1
fi
