#!/bin/sh
# Runs one group of tests and prints a summary; exits 1 when any test failed.
#   scripts/run-tests.sh unit BIN...         Check suites
#   scripts/run-tests.sh integration BIN...  Check suites against a real drivewayd, then
#                                            tests/integration/*.sh (the real CLI)
#   scripts/run-tests.sh e2e                 headless Chromium tests in tests/e2e/, when present
# Test programs find the binaries under $DRIVEWAY_BUILD (default: build).
set -u
group=$1
shift
: "${DRIVEWAY_BUILD:=build}"
DRIVEWAY_BUILD=$(cd "$DRIVEWAY_BUILD" 2>/dev/null && pwd || echo "$PWD/build")
export DRIVEWAY_BUILD
export DRIVEWAY_ROOT="$PWD"
failed=0
ran=0
for t in "$@"; do
	ran=$((ran + 1))
	echo "== $group: $(basename "$t")"
	if ! "$t"; then
		echo "FAILED: $t"
		failed=$((failed + 1))
	fi
done
if [ "$group" = integration ]; then
	for t in tests/integration/*.sh; do
		[ -f "$t" ] || continue
		ran=$((ran + 1))
		echo "== $group: $(basename "$t")"
		if ! sh "$t"; then
			echo "FAILED: $t"
			failed=$((failed + 1))
		fi
	done
fi
if [ "$group" = e2e ]; then
	if [ -x tests/e2e/run.sh ]; then
		ran=$((ran + 1))
		tests/e2e/run.sh || failed=$((failed + 1))
	fi
fi
echo "== $group: $ran run, $failed failed"
[ "$failed" -eq 0 ]
