#!/bin/sh
# Audit benchmark: synthetic landscapes of 1k, 10k and 50k data products with 5 flows each
# (bench/audit_bench.c, linked with build/libdriveway.a), the time audit_run takes over each and
# the process's peak resident memory; then `driveway audit --offline` over the same landscapes
# written as descriptor files (loading and validation included) for the sizes up to
# BENCH_AUDIT_CLI_MAX. Prints a table with the growth ratio between consecutive sizes next to
# n log n's. Target: 50k products under 2 s, growth no worse than n log n. A benchmark, not a
# test: it fails only when something does not work, never on speed.
#
# Tunables (environment): BENCH_AUDIT_SIZES ("1000 10000 50000"), BENCH_AUDIT_CLI_MAX (10000;
# 0 skips the CLI runs), BUILD (build), MAKE (make).
set -eu

cd "$(dirname "$0")/.."

SIZES=${BENCH_AUDIT_SIZES:-1000 10000 50000}
CLI_MAX=${BENCH_AUDIT_CLI_MAX:-10000}
BUILD=${BUILD:-build}
MAKE=${MAKE:-make}

die() {
	echo "bench: $*" >&2
	exit 1
}
for tool in cc pkg-config awk; do
	command -v "$tool" >/dev/null 2>&1 || die "missing tool '$tool' (make deps installs it)"
done
for n in $SIZES $CLI_MAX; do
	case "$n" in
	'' | *[!0-9]*) die "sizes must be numbers: '$n'" ;;
	esac
done

$MAKE --no-print-directory "$BUILD/libdriveway.a" "$BUILD/driveway" >/dev/null ||
	die "build failed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dw-bench-audit-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2046
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -I. -o "$tmp/audit_bench" \
	bench/audit_bench.c "$BUILD/libdriveway.a" \
	$(pkg-config --cflags --libs jansson yaml-0.1) -lm || die "cannot compile bench/audit_bench.c"

# ratio A B NA NB: "x.xx" = B / A, and n log n's ratio for NA -> NB.
growth() {
	awk -v a="$1" -v b="$2" -v na="$3" -v nb="$4" 'BEGIN {
		r = (a > 0) ? b / a : 0
		printf "%.2f (n log n: %.2f)", r, (nb * log(nb)) / (na * log(na))
	}'
}

echo "audit_run over generated landscapes (5 flows per product)"
printf '%-10s %10s %10s %14s %10s  %s\n' products seconds "peak MB" "landscape MB" findings \
	"time growth"
prev_n=
prev_t=
for n in $SIZES; do
	line=$("$tmp/audit_bench" "$n") || die "audit_bench $n failed"
	# shellcheck disable=SC2086
	set -- $line
	g=-
	if [ -n "$prev_n" ]; then g=$(growth "$prev_t" "$2" "$prev_n" "$n"); fi
	printf '%-10s %10s %10s %14s %10s  %s\n' "$1" "$2" "$3" "$4" "$5" "$g"
	prev_n=$n
	prev_t=$2
done

[ "$CLI_MAX" -gt 0 ] || exit 0
echo
echo "driveway audit --offline over the same landscapes as descriptor files"
printf '%-10s %10s %10s\n' products seconds "files"
for n in $SIZES; do
	[ "$n" -le "$CLI_MAX" ] || continue
	dir=$tmp/land-$n
	mkdir -p "$dir"
	"$tmp/audit_bench" --write "$dir" "$n" || die "cannot write the $n-product landscape"
	start=$(date +%s.%N)
	set +e
	"$BUILD/driveway" audit --offline "$dir" --output json --fail-on never >"$tmp/out" \
		2>"$tmp/err"
	rc=$?
	set -e
	end=$(date +%s.%N)
	[ "$rc" -eq 0 ] || {
		sed -n '1,5p' "$tmp/err" >&2
		die "driveway audit --offline failed on $n products (exit $rc)"
	}
	printf '%-10s %10s %10s\n' "$n" "$(awk -v s="$start" -v e="$end" \
		'BEGIN { printf "%.3f", e - s }')" "$(ls "$dir" | wc -l)"
	rm -rf "$dir"
done
