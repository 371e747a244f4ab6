#!/usr/bin/env bash
# Runs every test (not the benchmarks) against a private, throwaway PostgreSQL that this script starts and stops.
# Ends with one line of totals read from the TRX results: "N passed, N failed[, N skipped]".
# Exit code: 0 only when tests ran and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash infra/prerequisites.sh || exit 1
bash infra/browser-prerequisites.sh || exit 1

pgdir=$(mktemp -d /tmp/waardecheque-test-pg.XXXXXX)
cleanup() { bash infra/pg.sh stop --dir "$pgdir" >/dev/null 2>&1 || true; }
trap cleanup EXIT
WAARDECHEQUE_TEST_DB=$(bash infra/pg.sh start --fast --dir "$pgdir") || exit 1
export WAARDECHEQUE_TEST_DB

results="$root/TestResults"
rm -rf "$results"
# Build with every core, then run the test projects one after another (-m:1): the browser tests drive chromium
# against a live app and must not share two cores with four other test assemblies.
dotnet build Waardecheque.sln -c Release && dotnet test Waardecheque.sln -c Release --no-build -m:1 --logger "trx" "$@"
status=$?

passed=0; failed=0; skipped=0; executed=0
for trx in "$results"/*/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  executed=$((executed + $(get executed))); skipped=$((skipped + $(get notExecuted)))
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
if [ "$executed" -eq 0 ]; then echo "no test ran" >&2; exit 1; fi
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ]; then exit 1; fi
exit 0
