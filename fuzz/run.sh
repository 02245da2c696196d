#!/bin/sh
# Runs the libFuzzer targets built by `make fuzz-bin` (FUZZ_BUILD, default build-fuzz).
#
#   fuzz/run.sh smoke          replays fuzz/corpus/<t>/ and fuzz/regressions/<t>/ once through
#                              each target (-runs=0: no new inputs; seconds). `make fuzz-smoke`.
#   fuzz/run.sh ci SECONDS     the pass `make test` runs (`make fuzz-ci`): each target replays
#                              its corpus and regressions, then fuzzes SECONDS (0: replay only),
#                              FUZZ_JOBS (default 2) targets at a time.
#   fuzz/run.sh fuzz SECONDS   fuzzes each target SECONDS, one after the other. `make fuzz`.
#
# ci and fuzz work on a copy of the corpus and regressions ($FUZZ_BUILD/work/<t>/), so the
# committed files are never written; crashing inputs go to $FUZZ_BUILD/artifacts/<t>/, each
# with a hint how to keep it as a regression (fuzz/regressions/<t>/, replayed from then on).
# Prints one line per target (inputs replayed or executions, corpus size, result) and exits 1
# when any target crashed, leaked, timed out or broke an invariant. FUZZ_TARGETS="load http"
# limits the run.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${FUZZ_BUILD:-build-fuzz}
mode=${1:-smoke}
secs=${2:-60}
# Graphviz and fontconfig keep process-wide caches: the suppressions check-asan uses.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

usage() {
	echo "usage: fuzz/run.sh smoke | ci SECONDS | fuzz SECONDS" >&2
	exit 2
}

# The failure lines of target t after the run whose log is $log failed (exit $rc, in $phase:
# replay or fuzz): the sanitizer's summary, and each new artifact with what to do with it.
report() {
	printf '%s: FAILED in %s (exit %s; log %s)\n' "$line" "$phase" "$rc" "$log"
	grep -m3 -E "ERROR: |SUMMARY: |runtime error|deadly signal" "$log" | sed 's/^/    /'
	find "$B/artifacts/$t" -type f -newer "$stamp" 2>/dev/null | while read -r a; do
		echo "    artifact: $a"
		if [ "$phase" = replay ]; then
			sha=$(sha1sum <"$a" | cut -c1-40)
			# shellcheck disable=SC2086
			find $dirs -type f -exec sha1sum {} + | awk -v s="$sha" '$1 == s {
				print "    the same bytes as " $2 ": fix the code it reaches" }'
		else
			echo "    keep it as a regression, then fix the code until" \
				"\`make fuzz-smoke\` passes:"
			echo "      cp $a fuzz/regressions/$t/<what-it-breaks>"
		fi
	done
}

# run_target t: target t in $mode, $secs. Prints its lines at once (ci runs targets side by
# side); returns 1 when it failed.
run_target() {
	t=$1
	bin=$B/fuzz/bin/fuzz_$t
	dirs="fuzz/corpus/$t"
	[ -d "fuzz/regressions/$t" ] && dirs="$dirs fuzz/regressions/$t"
	stamp="$B/logs/$t.$mode.start"
	mkdir -p "$B/logs" "$B/artifacts/$t"
	: >"$stamp"
	# shellcheck disable=SC2086
	n=$(find $dirs -type f | wc -l | tr -d ' ')
	phase=replay
	rc=0
	if [ "$mode" = smoke ]; then
		log="$B/logs/$t.smoke.log"
		line="fuzz-smoke: $t: $n inputs"
		# shellcheck disable=SC2086
		"$bin" -runs=0 -timeout=30 -artifact_prefix="$B/artifacts/$t/" $dirs >"$log" 2>&1
		rc=$?
	else
		work="$B/work/$t"
		rm -rf "$work"
		mkdir -p "$work"
		for d in $dirs; do cp "$d"/* "$work"/ 2>/dev/null; done
		if [ "$mode" = ci ]; then
			log="$B/logs/$t.replay.log"
			line="fuzz-ci: $t: $n inputs replayed"
			sep=", "
			"$bin" -runs=0 -timeout=30 -artifact_prefix="$B/artifacts/$t/" "$work" \
				>"$log" 2>&1
			rc=$?
		else
			line="fuzz: $t"
			sep=": "
		fi
		if [ "$rc" -eq 0 ] && [ "$secs" -gt 0 ]; then
			phase=fuzz
			log="$B/logs/$t.$mode.log"
			"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
				-print_final_stats=1 -artifact_prefix="$B/artifacts/$t/" "$work" \
				>"$log" 2>&1
			rc=$?
			execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
			line="$line$sep${execs:-?} executions"
			[ "$rc" -eq 0 ] && line="$line in ${secs}s"
			line="$line, corpus $(find "$work" -type f | wc -l | tr -d ' ') inputs"
		fi
	fi
	if [ "$rc" -ne 0 ]; then
		out=$(report)
		echo "$out"
		return 1
	fi
	echo "$line: ok"
}

# fuzz/run.sh target MODE SECONDS T: one target; ci runs itself so, FUZZ_JOBS at a time.
if [ "$mode" = target ]; then
	[ $# -eq 4 ] || usage
	mode=$2
	secs=$3
	if ! run_target "$4"; then
		echo "$4" >>"$B/logs/failed"
		exit 1
	fi
	exit 0
fi
case $mode in
smoke | ci | fuzz) ;;
*) usage ;;
esac
case $secs in
'' | *[!0-9]*) usage ;;
esac

targets=""
for bin in "$B"/fuzz/bin/fuzz_*; do
	[ -x "$bin" ] || continue
	t=${bin##*/fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $t "*) ;; *) continue ;; esac
	fi
	targets="$targets $t"
done
if [ -z "$targets" ]; then
	echo "fuzz/run.sh: no targets under $B/fuzz/bin (make fuzz-bin builds them)" >&2
	exit 1
fi

mkdir -p "$B/logs"
rm -f "$B/logs/failed"
if [ "$mode" = ci ]; then
	start=$(date +%s)
	# shellcheck disable=SC2086
	printf '%s\n' $targets |
		xargs -P "${FUZZ_JOBS:-2}" -I{} "$PWD/fuzz/run.sh" target ci "$secs" {} ||
		[ -s "$B/logs/failed" ] || echo "(a target's run was killed)" >>"$B/logs/failed"
	# shellcheck disable=SC2086
	echo "fuzz-ci: $(echo $targets | wc -w) targets, ${secs}s fuzzing each," \
		"${FUZZ_JOBS:-2} at a time: $(($(date +%s) - start))s"
else
	for t in $targets; do
		run_target "$t" || echo "$t" >>"$B/logs/failed"
	done
fi
if [ -s "$B/logs/failed" ]; then
	echo "fuzz/run.sh: failed: $(sort "$B/logs/failed" | tr '\n' ' ' | sed 's/ $//')" >&2
	exit 1
fi
