#!/bin/sh
# Confluent Schema Registry compatible API benchmark: drivewayd serving GET /schemas/ids/{id}
# (what every consumer's deserializer asks on a cache miss) and POST /subjects/{s} lookups (what
# a producer's serializer asks once per schema) over BENCH_SUBJECTS registered Avro subjects,
# each against bench/minimal.c (a bare libmicrohttpd server with the same thread pool answering
# the same bytes) in the same run. Prints req/s, p99 and the ratio drivewayd/minimal (target
# >= 0.8). A benchmark, not a test: it fails only when something does not work (build, start,
# registration, or wrk seeing errors), never on speed.
#
# Tunables (environment): BENCH_SUBJECTS (1000) and those of bench/lib.sh: BENCH_THREADS,
# BENCH_WRK_THREADS, BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP, MAKE.
set -eu

cd "$(dirname "$0")/.."

. bench/lib.sh

SUBJECTS=${BENCH_SUBJECTS:-1000}
case "$SUBJECTS" in
'' | *[!0-9]*) die "BENCH_SUBJECTS must be a number" ;;
esac
if [ "$SUBJECTS" -lt 1 ] || [ "$SUBJECTS" -gt 9999 ]; then
	die "BENCH_SUBJECTS must be 1..9999"
fi
CT="Content-Type: application/vnd.schemaregistry.v1+json"

echo "bench: building"
$MAKE --no-print-directory all >/dev/null
build_minimal

echo "bench: starting drivewayd ($THREADS threads, database in $TMP)"
"$BUILD/drivewayd" --db "$TMP/bench.db" --listen 127.0.0.1:0 --port-file "$TMP/dw.port" \
	--threads "$THREADS" --quiet 2>"$TMP/drivewayd.log" &
DW_PID=$!
DW_PORT=$(wait_port "$TMP/dw.port" "$DW_PID" drivewayd) ||
	{ cat "$TMP/drivewayd.log" >&2; exit 1; }
DW="http://127.0.0.1:$DW_PORT"
[ -s "$TMP/bench.db.admin-token" ] || die "drivewayd wrote no admin token"
TOKEN=$(cat "$TMP/bench.db.admin-token")

# Registers subject bench-NNNN-value with its own Avro schema (ids 1..N, in order), as
# bench/ccompat_lookup.lua builds the same bodies, through one curl process and connection.
# The token goes as Basic auth, as Confluent clients send it.
echo "bench: registering $SUBJECTS subjects"
awk -v url="$DW" -v n="$SUBJECTS" -v ct="$CT" -v token="$TOKEN" 'BEGIN {
	for (k = 0; k < n; k++) {
		if (k)
			print "next"
		printf "url = \"%s/subjects/bench-%04d-value/versions\"\n", url, k
		printf "header = \"%s\"\nuser = \"bench:%s\"\n", ct, token
		printf "data = {\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":" \
			"\\\"Event\\\",\\\"namespace\\\":\\\"com.example.bench.s%04d\\\"," \
			"\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}," \
			"{\\\"name\\\":\\\"at\\\",\\\"type\\\":\\\"long\\\"}]}\"}\n", k
		printf "output = \"/dev/null\"\nwrite-out = \"%%{http_code} %04d\\n\"\n", k
	}
}' >"$TMP/register.curl"
t0=$(date +%s.%N)
curl -s -K "$TMP/register.curl" >"$TMP/register.status" || true
t1=$(date +%s.%N)
bad=$(awk '$1 != 200' "$TMP/register.status" | wc -l)
total=$(wc -l <"$TMP/register.status")
if [ "$bad" -ne 0 ] || [ "$total" -ne "$SUBJECTS" ]; then
	echo "bench: registering: $bad of $total requests failed, first ones:" >&2
	awk '$1 != 200' "$TMP/register.status" | head -5 >&2
	exit 1
fi
awk -v n="$SUBJECTS" -v t0="$t0" -v t1="$t1" \
	'BEGIN { printf "bench: registered %d subjects in %.1f s (%.0f/s)\n", n, t1 - t0, n / (t1 - t0) }'

# sample NAME ARGS...: keeps one answer of drivewayd's (body, headers) for the baseline.
sample() {
	name=$1
	shift
	code=$(curl -s -D "$TMP/$name.headers" -o "$TMP/$name.body" -w '%{http_code}' "$@")
	[ "$code" = 200 ] || die "sample $name: drivewayd answered $code"
}
sample ids "$DW/schemas/ids/1"
sample lookup -H "$CT" --data-binary "$(awk 'BEGIN {
	printf "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Event\\\"," \
		"\\\"namespace\\\":\\\"com.example.bench.s0000\\\",\\\"fields\\\":[{\\\"name\\\":" \
		"\\\"id\\\",\\\"type\\\":\\\"string\\\"},{\\\"name\\\":\\\"at\\\",\\\"type\\\":" \
		"\\\"long\\\"}]}\"}" }')" "$DW/subjects/bench-0000-value"
grep -q '"id":1' "$TMP/lookup.body" || die "lookup of bench-0000-value: $(cat "$TMP/lookup.body")"

echo "bench: wrk -t$WRK_THREADS -c$CONNS -d$DURATION over $SUBJECTS subjects"
res=$(wrk_run dw-ids "$DW" bench/ccompat_ids.lua "$SUBJECTS")
IDS_RPS=${res% *}
IDS_P99=${res#* }
res=$(wrk_run dw-lookup "$DW" bench/ccompat_lookup.lua "$SUBJECTS")
LOOKUP_RPS=${res% *}
LOOKUP_P99=${res#* }
stop "$DW_PID"
DW_PID=""

# baseline NAME [--post]: minimal answering drivewayd's sample NAME; prints "REQ/S P99_MS".
baseline() {
	name=$1
	shift
	ctype=$(awk 'tolower($0) ~ /^content-type:/ { sub(/\r$/, ""); sub(/^[^:]*:[ \t]*/, "");
		print }' "$TMP/$name.headers")
	rm -f "$TMP/min.port"
	"$TMP/minimal" --port-file "$TMP/min.port" --threads "$THREADS" \
		--content-type "${ctype:-application/json}" "$@" "$TMP/$name.body" \
		2>"$TMP/minimal.log" &
	MIN_PID=$!
	port=$(wait_port "$TMP/min.port" "$MIN_PID" minimal) ||
		{ cat "$TMP/minimal.log" >&2; exit 1; }
	wrk_run "min-$name" "http://127.0.0.1:$port" "bench/ccompat_$name.lua" "$SUBJECTS"
	stop "$MIN_PID"
	MIN_PID=""
}
res=$(baseline ids)
MIN_IDS_RPS=${res% *}
MIN_IDS_P99=${res#* }
res=$(baseline lookup --post)
MIN_LOOKUP_RPS=${res% *}
MIN_LOOKUP_P99=${res#* }

awk -v a="$IDS_RPS" -v ap="$IDS_P99" -v b="$MIN_IDS_RPS" -v bp="$MIN_IDS_P99" \
	-v c="$LOOKUP_RPS" -v cp="$LOOKUP_P99" -v d="$MIN_LOOKUP_RPS" -v dp="$MIN_LOOKUP_P99" '
BEGIN {
	printf "%-26s %10s %8s %12s %8s %7s\n", "request", "drivewayd", "p99 ms", "minimal",
		"p99 ms", "ratio"
	printf "%-26s %10.0f %8.2f %12.0f %8.2f %7.2f\n", "GET /schemas/ids/{id}", a, ap, b, bp,
		a / b
	printf "%-26s %10.0f %8.2f %12.0f %8.2f %7.2f\n", "POST /subjects/{s}", c, cp, d, dp,
		c / d
	printf "(req/s; target ratio drivewayd/minimal >= 0.80)\n"
}'
