#!/usr/bin/env bash
# Runs every test (unit and end-to-end against real servers) and ends with one line: N passed, N failed, N skipped.
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1

results=TestResults
rm -rf "$results"
dotnet build Platform.slnx -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# One test assembly at a time: the suites start real servers and the machine has two cores. Two lanes (the
# whole-system suites beside the rest) were no faster on two cores and made timing-sensitive tests fail under the load
# (docs/hosting.md, "Tests"). Each test is listed as it ends; a test host that stays silent for 15 minutes (no test
# ends: something waits without a bound) is killed and its assembly counted failed, so a hang costs one assembly.
dotnet test Platform.slnx --no-build -nologo -m:1 --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 15m --blame-hang-dump-type none "$@"
status=$?

passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed without a test result to show for it (a crash, a build break)
fi
# The failures again, last, where a reader of the log's tail finds them: each test's name and its message's first lines.
[ "$failed" -eq 0 ] || scripts/failed-tests.sh "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
