#!/bin/sh
# Runs the libFuzzer targets built by `make fuzz-bin` (FUZZ_BUILD, default build-fuzz).
#
#   fuzz/run.sh smoke          replays fuzz/corpus/<t>/ and fuzz/regressions/<t>/ once through
#                              each target (-runs=0: no new inputs; seconds). `make test` runs it.
#   fuzz/run.sh fuzz SECONDS   fuzzes each target SECONDS on a copy of its corpus and regressions
#                              (in $FUZZ_BUILD/work/<t>/, so the committed corpus is untouched);
#                              crashing inputs go to $FUZZ_BUILD/artifacts/<t>/. `make fuzz`.
#
# Prints one line per target (executions, new corpus size, result) and exits 1 when any target
# crashed, leaked, timed out or broke an invariant. FUZZ_TARGETS="load http" limits the run.
set -u
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
mode=${1:-smoke}
secs=${2:-60}
# Graphviz and fontconfig keep process-wide caches: the suppressions check-asan uses.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

case $mode in
smoke | fuzz) ;;
*)
	echo "usage: fuzz/run.sh smoke | fuzz SECONDS" >&2
	exit 2
	;;
esac

failed=""
for bin in "$B"/fuzz/bin/fuzz_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $t "*) ;; *) continue ;; esac
	fi
	dirs="fuzz/corpus/$t"
	[ -d "fuzz/regressions/$t" ] && dirs="$dirs fuzz/regressions/$t"
	log="$B/logs/$t.$mode.log"
	mkdir -p "$B/logs" "$B/artifacts/$t"
	if [ "$mode" = smoke ]; then
		# shellcheck disable=SC2086
		"$bin" -runs=0 -timeout=30 -artifact_prefix="$B/artifacts/$t/" $dirs >"$log" 2>&1
		rc=$?
		n=$(find $dirs -type f | wc -l)
		line="fuzz-smoke: $t: $n inputs"
	else
		work="$B/work/$t"
		rm -rf "$work"
		mkdir -p "$work"
		for d in $dirs; do cp "$d"/* "$work"/ 2>/dev/null; done
		"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$B/artifacts/$t/" "$work" >"$log" 2>&1
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		line="fuzz: $t: ${execs:-?} executions in ${secs}s"
		line="$line, corpus $(find "$work" -type f | wc -l) inputs"
	fi
	if [ "$rc" -ne 0 ]; then
		echo "$line: FAILED (exit $rc; log $log)"
		grep -m3 -E "ERROR: |SUMMARY: |runtime error" "$log" | sed 's/^/    /'
		ls "$B/artifacts/$t/" 2>/dev/null | sed "s|^|    artifact: $B/artifacts/$t/|"
		failed="$failed $t"
	else
		echo "$line: ok"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz/run.sh: failed:$failed" >&2
	exit 1
fi
