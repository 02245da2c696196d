# Shared by the benchmark scripts (bench/read.sh, bench/ccompat.sh), sourced, never run: the
# work dir and cleanup, waiting for a server's port file, building the bench/minimal.c
# baseline, and one wrk run read back as "REQ/S P99_MS".
#
#   . bench/lib.sh            from the repository root; sets TMP, DW_PID, MIN_PID and the traps
#   build_minimal             compiles bench/minimal.c into $TMP/minimal
#   wait_port FILE PID NAME   prints the port a server wrote to FILE (waits up to 10 s)
#   stop PID                  SIGTERM, then waits (the port and the database are released)
#   wrk_run NAME URL SCRIPT [ARGS...]
#                             BENCH_WARMUP of warm-up, then BENCH_DURATION measured; prints
#                             "REQ/S P99_MS", keeps wrk's output in $TMP/NAME.wrk, fails when
#                             wrk saw errors or non-2xx answers
# Tunables (environment): BENCH_THREADS (server threads, 2), BENCH_WRK_THREADS (2),
# BENCH_CONNECTIONS (32), BENCH_DURATION (10s), BENCH_WARMUP (2s; 0 to skip), MAKE (make).

THREADS=${BENCH_THREADS:-2}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-32}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}

die() {
	echo "bench: $*" >&2
	exit 1
}

for tool in wrk curl cc pkg-config awk; do
	command -v "$tool" >/dev/null 2>&1 || die "missing tool '$tool' (make deps installs it)"
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/driveway-bench.XXXXXX")
DW_PID=""
MIN_PID=""

stop() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
	fi
}

cleanup() {
	stop "$DW_PID"
	DW_PID=""
	stop "$MIN_PID"
	MIN_PID=""
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_port() {
	i=0
	while [ ! -s "$1" ]; do
		kill -0 "$2" 2>/dev/null || die "$3 exited before listening (log: see above)"
		i=$((i + 1))
		[ "$i" -le 200 ] || die "$3 did not write its port file within 10 s"
		sleep 0.05
	done
	cat "$1"
}

# Built with the project's warning flags: it is our code too. pkg-config's output is a list of
# flags, split on purpose.
build_minimal() {
	# shellcheck disable=SC2046
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Wshadow \
		-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -fno-common -Werror \
		$(pkg-config --cflags libmicrohttpd) bench/minimal.c -o "$TMP/minimal" \
		$(pkg-config --libs libmicrohttpd) -lpthread
}

wrk_run() {
	name=$1
	url=$2
	script=$3
	shift 3
	if [ "$WARMUP" != 0 ]; then
		wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP" -s "$script" "$url" -- "$@" >/dev/null
	fi
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$script" "$url" -- "$@" \
		>"$TMP/$name.wrk"
	if grep -q -e 'Non-2xx or 3xx responses' -e 'Socket errors' "$TMP/$name.wrk"; then
		echo "bench: wrk reported errors against $name:" >&2
		cat "$TMP/$name.wrk" >&2
		exit 1
	fi
	awk '
	function ms(v) {
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
		if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
		return v + 0
	}
	$1 == "99%" { p99 = ms($2) }
	$1 == "Requests/sec:" { rps = $2 }
	END {
		if (rps == "" || p99 == "") exit 1
		printf "%s %s\n", rps, p99
	}' "$TMP/$name.wrk" || die "cannot read wrk's output for $name"
}
