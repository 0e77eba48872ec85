#!/usr/bin/env bash
# valgrind --leak-check=full on a seed query (issue 9); skipped (77) without valgrind.
set -uo pipefail
ni=$1 snapshot=$2
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
# The seed document's pprof_decode query (tests/cli/seed_queries_test.sh).
query='.[] | select(.moniker == "core/network/netstack") | select(.payload.root.pprof != null)
       | . as $parent
       | (.payload.root.pprof | to_entries | .[] | ($parent | .metadata.filename) + "_" + .key + " " + .value)'
valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
  "$ni" query -rc "$query" "$snapshot" >/dev/null
rc=$?
[[ $rc -eq 0 ]] && echo "valgrind: no errors, no leaks" || echo "valgrind: FAILED (exit $rc)"
exit $rc
