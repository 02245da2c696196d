#!/bin/sh
# Read benchmark: drivewayd serving GET /domains/D/products/P/versions/latest over a catalog of
# BENCH_DOMAINS x BENCH_PRODUCTS products, against bench/minimal.c (a bare libmicrohttpd server
# with the same thread pool answering the same bytes). Prints the load time, both servers'
# req/s and p99 latency, and their ratio. A benchmark, not a test: it fails only when something
# does not work (build, start, load, or wrk seeing errors), never on speed.
#
# Tunables (environment): BENCH_DOMAINS (10), BENCH_PRODUCTS (1000 per domain), BENCH_THREADS
# (server threads, 2), BENCH_WRK_THREADS (2), BENCH_CONNECTIONS (32), BENCH_DURATION (10s),
# BENCH_WARMUP (2s; 0 to skip), BENCH_LOAD_PARALLEL (concurrent requests while loading, 1),
# MAKE (make).
set -eu

cd "$(dirname "$0")/.."

. bench/lib.sh

DOMAINS=${BENCH_DOMAINS:-10}
PRODUCTS=${BENCH_PRODUCTS:-1000}
LOAD_PARALLEL=${BENCH_LOAD_PARALLEL:-1}

case "$DOMAINS$PRODUCTS$LOAD_PARALLEL" in
*[!0-9]*) die "BENCH_DOMAINS and BENCH_PRODUCTS must be numbers" ;;
esac
if [ "$DOMAINS" -lt 1 ] || [ "$DOMAINS" -gt 100 ]; then
	die "BENCH_DOMAINS must be 1..100"
fi
if [ "$PRODUCTS" -lt 1 ] || [ "$PRODUCTS" -gt 10000 ]; then
	die "BENCH_PRODUCTS must be 1..10000"
fi

now() {
	date +%s.%N
}

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

# One curl config per phase: every request of a phase goes through one curl process over one
# kept-alive connection. Bodies hold no whitespace, so they need no quoting in the config.
# Even products are APIs with an OpenAPI contract, odd ones topics with an Avro schema.
gen() {
	awk -v phase="$1" -v url="$DW" -v token="$TOKEN" -v nd="$DOMAINS" -v np="$PRODUCTS" '
	function block(method, path, body) {
		if (nblocks++)
			print "next"
		printf "url = \"%s%s\"\nrequest = \"%s\"\n", url, path, method
		printf "header = \"Authorization: Bearer %s\"\n", token
		printf "header = \"Content-Type: application/json\"\n"
		printf "data = %s\n", body
		printf "output = \"/dev/null\"\nwrite-out = \"%%{http_code} %s %s\\n\"\n",
			method, path
	}
	BEGIN {
		for (d = 0; d < nd; d++) {
			dom = sprintf("bench-%02d", d)
			if (phase == "domains") {
				block("PUT", "/domains/" dom, \
				      "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\"," \
				      "\"metadata\":{\"name\":\"" dom "\"},\"spec\":{\"title\":\"" \
				      "Bench-" d "\",\"owner\":\"team-" dom "\"}}")
				continue
			}
			for (p = 0; p < np; p++) {
				prod = sprintf("p-%04d", p)
				path = "/domains/" dom "/products/" prod
				api = (p % 2 == 0)
				if (phase == "products") {
					spec = api ? "\"type\":\"api\",\"contract\":{\"format\":\"openapi\"}" : \
					       "\"type\":\"topic\",\"contract\":{\"format\":\"avro\"}," \
					       "\"topic\":\"" dom "." prod "\""
					block("PUT", path, \
					      "{\"apiVersion\":\"driveway/v1\",\"kind\":\"DataProduct\"," \
					      "\"metadata\":{\"domain\":\"" dom "\",\"name\":\"" prod "\"," \
					      "\"owner\":\"team-" dom "\",\"lifecycle\":\"production\"," \
					      "\"title\":\"Bench-" dom "-" prod "\",\"tags\":[\"bench\"]}," \
					      "\"spec\":{" spec ",\"compatibility\":\"BACKWARD\"," \
					      "\"sla\":{\"availability\":99.9,\"latencyP99Ms\":200}}}")
				} else if (api) {
					block("POST", path "/versions", \
					      "{\"format\":\"openapi\",\"contract\":{\"openapi\":\"3.1.0\"," \
					      "\"info\":{\"title\":\"" dom "-" prod "\",\"version\":\"1.0.0\"}," \
					      "\"paths\":{\"/items/{id}\":{\"get\":{\"operationId\":" \
					      "\"getItem\",\"parameters\":[{\"name\":\"id\",\"in\":\"path\"," \
					      "\"required\":true,\"schema\":{\"type\":\"string\"}}]," \
					      "\"responses\":{\"200\":{\"description\":\"The-item\"," \
					      "\"content\":{\"application/json\":{\"schema\":{\"$ref\":" \
					      "\"#/components/schemas/Item\"}}}},\"404\":{\"description\":" \
					      "\"No-such-item\"}}}}},\"components\":{\"schemas\":{\"Item\":{" \
					      "\"type\":\"object\",\"required\":[\"id\"],\"properties\":{" \
					      "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
					      "\"price\":{\"type\":\"number\"}}}}}}}")
				} else {
					block("POST", path "/versions", \
					      "{\"format\":\"avro\",\"contract\":{\"type\":\"record\"," \
					      "\"name\":\"Event\",\"namespace\":\"com.example.bench.p" p "\"," \
					      "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":" \
					      "\"at\",\"type\":{\"type\":\"long\",\"logicalType\":" \
					      "\"timestamp-millis\"}},{\"name\":\"amount\",\"type\":[\"null\"," \
					      "\"double\"],\"default\":null}]}}")
				}
			}
		}
	}'
}

# load PHASE: runs the phase's requests, fails on any status outside 2xx.
load() {
	gen "$1" >"$TMP/$1.curl"
	if [ "$1" = domains ] || [ "$LOAD_PARALLEL" -le 1 ]; then
		curl -s -K "$TMP/$1.curl" >"$TMP/$1.status" || true
	else
		curl -s --parallel --parallel-max "$LOAD_PARALLEL" -K "$TMP/$1.curl" \
			>"$TMP/$1.status" || true
	fi
	total=$(wc -l <"$TMP/$1.status")
	bad=$(awk '$1 !~ /^2/' "$TMP/$1.status" | wc -l)
	if [ "$bad" -ne 0 ] || [ "$total" -eq 0 ]; then
		echo "bench: loading $1: $bad of $total requests failed, first ones:" >&2
		awk '$1 !~ /^2/' "$TMP/$1.status" | head -5 >&2
		exit 1
	fi
	echo "$total"
}

echo "bench: loading $DOMAINS domains x $PRODUCTS products, one contract version each"
t0=$(now)
n1=$(load domains)
n2=$(load products)
t1=$(now)
n3=$(load versions)
t2=$(now)
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v n="$((n1 + n2 + n3))" -v np="$n2" -v nv="$n3" \
	'BEGIN { printf "bench: loaded %d products and %d versions in %.1f s " \
		 "(products %.1f s, versions %.1f s; %.0f writes/s)\n", \
		 np, nv, t2 - t0, t1 - t0, t2 - t1, n / (t2 - t0) }'

# The exact bytes drivewayd answers, for the baseline to serve.
SAMPLE="$DW/domains/bench-00/products/p-0000/versions/latest"
curl -s -D "$TMP/sample.headers" -o "$TMP/sample.body" -w '%{http_code}' "$SAMPLE" \
	>"$TMP/sample.status"
[ "$(cat "$TMP/sample.status")" = 200 ] || die "GET $SAMPLE answered $(cat "$TMP/sample.status")"
# header NAME: the value of a header of the sample answer (values may hold colons).
header() {
	awk -v name="$1" '{
		sub(/\r$/, "")
		i = index($0, ":")
		if (i > 1 && tolower(substr($0, 1, i - 1)) == name) {
			v = substr($0, i + 1)
			sub(/^[ \t]+/, "", v)
			print v
		}
	}' "$TMP/sample.headers"
}
CTYPE=$(header content-type)
ETAG=$(header etag)

"$TMP/minimal" --port-file "$TMP/min.port" --threads "$THREADS" \
	--content-type "${CTYPE:-application/json}" ${ETAG:+--etag "$ETAG"} "$TMP/sample.body" \
	2>"$TMP/minimal.log" &
MIN_PID=$!
MIN_PORT=$(wait_port "$TMP/min.port" "$MIN_PID" minimal) ||
	{ cat "$TMP/minimal.log" >&2; exit 1; }
curl -s -o "$TMP/minimal.body" "http://127.0.0.1:$MIN_PORT/" || die "minimal does not answer"
cmp -s "$TMP/minimal.body" "$TMP/sample.body" ||
	die "minimal does not answer the bytes drivewayd answered"

echo "bench: wrk -t$WRK_THREADS -c$CONNS -d$DURATION, GET .../versions/latest rotating over" \
	"$((DOMAINS * PRODUCTS)) products ($(wc -c <"$TMP/sample.body") byte body)"
res=$(wrk_run drivewayd "$DW" bench/latest.lua "$DOMAINS" "$PRODUCTS")
DW_RPS=${res% *}
DW_P99=${res#* }
stop "$DW_PID"
DW_PID=""
res=$(wrk_run minimal "http://127.0.0.1:$MIN_PORT" bench/latest.lua "$DOMAINS" "$PRODUCTS")
MIN_RPS=${res% *}
MIN_P99=${res#* }

awk -v drps="$DW_RPS" -v dp99="$DW_P99" -v mrps="$MIN_RPS" -v mp99="$MIN_P99" -v c="$CONNS" '
BEGIN {
	printf "%-10s %12s %10s\n", "server", "req/s", "p99 ms"
	printf "%-10s %12.0f %10.2f\n", "drivewayd", drps, dp99
	printf "%-10s %12.0f %10.2f\n", "minimal", mrps, mp99
	printf "ratio drivewayd/minimal: %.2f   (target >= 0.80)\n", drps / mrps
	printf "drivewayd p99: %.2f ms       (target < 10 ms at %d connections)\n", dp99, c
}'
