#!/bin/sh
# Soak/load benchmark: drivewayd under a mixed load of reads and writes (bench/load.lua: 90%
# GET latest version / product / search / listing, 10% product PUTs and version POSTs with
# unique content) at 64 connections for BENCH_SECONDS, run as two halves. Prints throughput,
# p50/p99/p99.9 latency and the answers that were not 2xx, and drivewayd's resident memory
# (VmRSS) before the load, after the first half and after the second.
#
# Unlike the speed benchmarks it fails (exit 1) when something is wrong under load: any answer
# other than 2xx (a 409 from a version POST racing another write of the same product is counted
# apart and allowed: the registry's documented "retry"), any socket error or timeout, drivewayd
# not answering /healthz afterwards or not exiting 0 on SIGTERM, or its RSS after the second half
# above BENCH_RSS_FACTOR times its RSS after the first (the first half fills SQLite's page
# caches and the per-thread read caches; the second must not keep growing).
#
# Tunables (environment): BENCH_SECONDS (30), BENCH_CONNECTIONS (64), BENCH_WRITE_PERCENT (10),
# BENCH_LOAD_DOMAINS (4), BENCH_LOAD_PRODUCTS (50 per domain), BENCH_RSS_FACTOR (1.5), and from
# bench/lib.sh BENCH_THREADS (server threads, 2), BENCH_WRK_THREADS (2), MAKE.
set -eu

cd "$(dirname "$0")/.."

. bench/lib.sh

SECONDS_TOTAL=${BENCH_SECONDS:-30}
CONNS=${BENCH_CONNECTIONS:-64}
WRITES=${BENCH_WRITE_PERCENT:-10}
DOMAINS=${BENCH_LOAD_DOMAINS:-4}
PRODUCTS=${BENCH_LOAD_PRODUCTS:-50}
RSS_FACTOR=${BENCH_RSS_FACTOR:-1.5}

case "$SECONDS_TOTAL$CONNS$WRITES$DOMAINS$PRODUCTS" in
*[!0-9]*) die "BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_WRITE_PERCENT, BENCH_LOAD_DOMAINS and" \
	"BENCH_LOAD_PRODUCTS must be numbers" ;;
esac
[ "$SECONDS_TOTAL" -ge 2 ] || die "BENCH_SECONDS must be at least 2"
[ "$WRITES" -le 100 ] || die "BENCH_WRITE_PERCENT must be 0..100"
if [ "$DOMAINS" -lt 1 ] || [ "$DOMAINS" -gt 100 ]; then
	die "BENCH_LOAD_DOMAINS must be 1..100"
fi
if [ "$PRODUCTS" -lt 1 ] || [ "$PRODUCTS" -gt 1000 ]; then
	die "BENCH_LOAD_PRODUCTS must be 1..1000"
fi
HALF=$((SECONDS_TOTAL / 2))

echo "load: building"
$MAKE --no-print-directory all >/dev/null

echo "load: starting drivewayd ($THREADS threads, database in $TMP)"
"$BUILD/drivewayd" --db "$TMP/load.db" --listen 127.0.0.1:0 --port-file "$TMP/dw.port" \
	--threads "$THREADS" --quiet 2>"$TMP/drivewayd.log" &
DW_PID=$!
DW_PORT=$(wait_port "$TMP/dw.port" "$DW_PID" drivewayd) ||
	{ cat "$TMP/drivewayd.log" >&2; exit 1; }
DW="http://127.0.0.1:$DW_PORT"
[ -s "$TMP/load.db.admin-token" ] || die "drivewayd wrote no admin token"
TOKEN=$(cat "$TMP/load.db.admin-token")

# The catalog bench/load.lua works on, through one curl process and connection: every domain,
# then every product with its first version (the contract load.lua's versions vary).
echo "load: preloading $DOMAINS domains x $PRODUCTS products, one version each"
awk -v url="$DW" -v token="$TOKEN" -v nd="$DOMAINS" -v np="$PRODUCTS" '
function req(method, path, body) {
	if (n++)
		print "next"
	printf "url = \"%s%s\"\nrequest = \"%s\"\n", url, path, method
	printf "header = \"Authorization: Bearer %s\"\nheader = \"Content-Type: application/json\"\n",
		token
	printf "data = %s\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code} %s %s\\n\"\n",
		body, method, path
}
BEGIN {
	for (d = 0; d < nd; d++) {
		dom = sprintf("load-%02d", d)
		req("PUT", "/domains/" dom, "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\"," \
		    "\"metadata\":{\"name\":\"" dom "\"},\"spec\":{\"title\":\"Load-" d "\"," \
		    "\"owner\":\"team-" dom "\"}}")
		for (p = 0; p < np; p++) {
			prod = sprintf("p-%03d", p)
			path = "/domains/" dom "/products/" prod
			req("PUT", path, "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\"," \
			    "\"metadata\":{\"domain\":\"" dom "\",\"name\":\"" prod "\",\"owner\":" \
			    "\"team-" dom "\",\"tags\":[\"load\"]},\"spec\":{\"type\":\"api\"," \
			    "\"contract\":{\"format\":\"openapi\"}}}")
			req("POST", path "/versions", "{\"format\":\"openapi\",\"contract\":{" \
			    "\"openapi\":\"3.1.0\",\"info\":{\"title\":\"" dom "-" prod "\"," \
			    "\"version\":\"0\"},\"paths\":{}}}")
		}
	}
}' >"$TMP/preload.curl"
curl -s -K "$TMP/preload.curl" >"$TMP/preload.status" || true
total=$(wc -l <"$TMP/preload.status")
failed=$(awk '$1 !~ /^2/' "$TMP/preload.status" | wc -l)
if [ "$failed" -ne 0 ] || [ "$total" -ne $((DOMAINS * (1 + 2 * PRODUCTS))) ]; then
	echo "load: preloading: $failed of $total requests failed, first ones:" >&2
	awk '$1 !~ /^2/' "$TMP/preload.status" | head -5 >&2
	exit 1
fi

rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$DW_PID/status" 2>/dev/null || echo 0
}

# drivewayd's CPU time so far (user + system), in clock ticks: per request, it tells whether the
# server does more work per request as the run goes on, whatever else the machine is doing.
cpu_ticks() {
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$DW_PID/stat" 2>/dev/null || echo 0
}

# The database's size with its write-ahead log, in KB (the log is checkpointed into the
# database as it goes; one that kept growing would slow every read down).
db_kb() {
	du -k -c "$TMP/load.db" "$TMP/load.db-wal" 2>/dev/null | awk 'END { print $1 }'
}

# half N: one wrk run of HALF seconds; its LOAD line into $TMP/half-N.load.
half() {
	wrk -t"$WRK_THREADS" -c"$CONNS" -d"${HALF}s" -s bench/load.lua "$DW" -- \
		"$TOKEN" "$DOMAINS" "$PRODUCTS" "$WRITES" >"$TMP/half-$1.wrk" 2>&1 ||
		{ cat "$TMP/half-$1.wrk" >&2; die "wrk failed"; }
	grep '^LOAD ' "$TMP/half-$1.wrk" >"$TMP/half-$1.load" ||
		{ cat "$TMP/half-$1.wrk" >&2; die "wrk printed no summary"; }
	kill -0 "$DW_PID" 2>/dev/null || { cat "$TMP/drivewayd.log" >&2; die "drivewayd died"; }
}

RSS0=$(rss_kb)
DB0=$(db_kb)
CPU0=$(cpu_ticks)
echo "load: wrk -t$WRK_THREADS -c$CONNS, 2 x ${HALF}s, $WRITES% writes"
half 1
RSS1=$(rss_kb)
DB1=$(db_kb)
CPU1=$(cpu_ticks)
half 2
RSS2=$(rss_kb)
DB2=$(db_kb)
CPU2=$(cpu_ticks)

# Still healthy, and a clean exit.
health=$(curl -s -o /dev/null -w '%{http_code}' "$DW/healthz") || health=000
[ "$health" = 200 ] || die "GET /healthz after the load answered $health"
kill -TERM "$DW_PID"
status=0
wait "$DW_PID" || status=$?
DW_PID=""
[ "$status" -eq 0 ] || { tail -20 "$TMP/drivewayd.log" >&2; die "drivewayd exited $status on SIGTERM"; }

cat "$TMP/half-1.load" "$TMP/half-2.load" | awk -v r0="$RSS0" -v r1="$RSS1" -v r2="$RSS2" \
	-v factor="$RSS_FACTOR" -v conns="$CONNS" -v db0="$DB0" -v db1="$DB1" -v db2="$DB2" \
	-v c0="$CPU0" -v c1="$CPU1" -v c2="$CPU2" -v hz="$(getconf CLK_TCK)" '
function field(line, name,    i, n, kv) {
	n = split(line, kv, " ")
	for (i = 1; i <= n; i++)
		if (index(kv[i], name "=") == 1)
			return substr(kv[i], length(name) + 2)
	return ""
}
/^LOAD first-bad / { firstbad = firstbad $0 "\n"; next }
/^LOAD / {
	h++
	req[h] = field($0, "requests"); sec[h] = field($0, "seconds")
	ok[h] = field($0, "ok"); conf[h] = field($0, "conflicts"); bad[h] = field($0, "bad")
	sock[h] = field($0, "sockerr"); p50[h] = field($0, "p50"); p99[h] = field($0, "p99")
	p999[h] = field($0, "p999"); mx[h] = field($0, "max")
}
END {
	printf "%-5s %9s %8s %8s %8s %9s %8s %10s %5s %6s %5s\n", "half", "requests", "req/s",
		"p50 ms", "p99 ms", "p99.9 ms", "max ms", "cpu us/req", "409", "errors", "sock"
	errors = 0
	cpu[1] = c1 - c0
	cpu[2] = c2 - c1
	for (i = 1; i <= h; i++) {
		printf "%-5d %9d %8.0f %8.2f %8.2f %9.2f %8.2f %10.0f %5d %6d %5d\n", i, req[i],
			req[i] / sec[i], p50[i], p99[i], p999[i], mx[i],
			(req[i] > 0 ? cpu[i] * 1e6 / hz / req[i] : 0), conf[i], bad[i], sock[i]
		errors += bad[i] + sock[i]
	}
	printf "drivewayd VmRSS: %.1f MB before, %.1f MB after half 1, %.1f MB after half 2" \
		" (x%.2f over half 2; limit x%s)\n",
		r0 / 1024, r1 / 1024, r2 / 1024, (r1 > 0 ? r2 / r1 : 0), factor
	printf "database with its WAL: %.1f MB before, %.1f MB after half 1, %.1f MB after" \
		" half 2\n", db0 / 1024, db1 / 1024, db2 / 1024
	fail = 0
	if (h != 2) {
		print "load: FAIL: expected two wrk summaries"
		fail = 1
	}
	if (errors > 0) {
		printf "load: FAIL: %d unexpected answers or socket errors at %d connections\n%s",
			errors, conns, firstbad
		fail = 1
	}
	if (r1 <= 0 || r2 > r1 * factor) {
		printf "load: FAIL: drivewayd RSS grew from %.1f MB to %.1f MB over the second half" \
			" (more than x%s)\n", r1 / 1024, r2 / 1024, factor
		fail = 1
	}
	exit fail
}'
