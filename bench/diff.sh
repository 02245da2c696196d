#!/bin/sh
# Schema evolution at scale (not a test; `make bench` runs it):
#   1. `driveway diff` of a generated OpenAPI document (2,400 operations, 5 MB) against a copy
#      with known breaking changes: min and median of several runs, and the count of breaking
#      changes found must be the count made (target: under 1 s).
#   2. Registration under BACKWARD_TRANSITIVE: the cost of registering a version against 100
#      earlier versions, then against 1,000 (target: under 10x).
#   3. `driveway diff` of two published versions of GitHub's REST API description (npm package
#      @octokit/openapi, fetched into a temporary folder; skipped without npm or network).
#
# Needs build/driveway and build/drivewayd (make all), python3 and curl. Environment:
#   BENCH_RUNS       diff runs per document (default 7)
#   BENCH_RESOURCES  resources of the generated document, 4 operations each (default 600)
#   OCTOKIT_OLD, OCTOKIT_NEW   the @octokit/openapi versions to compare (default 16.6.0, 18.0.0;
#                    17.0.0 repeats keys and 22.0.0 on hold paths OpenAPI calls identical, such
#                    as /orgs/{org}/attestations/{subject_digest} and .../{attestation_id}:
#                    driveway refuses both as invalid contracts, exit 2)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${DRIVEWAY_BUILD:-$root/build}
dw_bin=$build/driveway
dwd_bin=$build/drivewayd
runs=${BENCH_RUNS:-7}
resources=${BENCH_RESOURCES:-600}
octokit_old=${OCTOKIT_OLD:-16.6.0}
octokit_new=${OCTOKIT_NEW:-18.0.0}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dw-bench-diff-XXXXXX")
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || :
		wait "$server_pid" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for b in "$dw_bin" "$dwd_bin"; do
	[ -x "$b" ] || { echo "bench/diff.sh: $b is missing (make all)" >&2; exit 1; }
done
for p in python3 curl; do
	command -v "$p" >/dev/null || { echo "bench/diff.sh: $p is needed" >&2; exit 1; }
done

# now_ms: milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }
# stats FILE: "min X ms, median Y ms" of the numbers in FILE, one per line.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "min %d ms, median %d ms (%d runs)", v[1], m, NR }'
}
# time_diff OLD NEW OUT: times `driveway diff OLD NEW --output json` $runs times into $tmp/t,
# keeps the last output in OUT; exits when the diff fails to run (exit 2 or more).
time_diff() {
	: >"$tmp/t"
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now_ms)
		set +e
		"$dw_bin" diff "$1" "$2" --output json >"$3" 2>"$tmp/diff.err"
		rc=$?
		set -e
		t1=$(now_ms)
		if [ "$rc" -ge 2 ]; then
			echo "bench/diff.sh: driveway diff failed (exit $rc):" >&2
			head -n 20 "$tmp/diff.err" >&2
			exit 1
		fi
		echo $((t1 - t0)) >>"$tmp/t"
		i=$((i + 1))
	done
}
# count_rule FILE RULE: breaking changes of RULE in a diff's JSON output.
count_rule() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for c in d["changes"] if c["severity"] == "breaking" and c["rule"] == sys.argv[2]))
' "$1" "$2"
}

# --- 1. a generated large document -----------------------------------------------------------
echo "== driveway diff: generated OpenAPI document"
expect=$(python3 "$root/bench/gen_openapi.py" "$tmp/gen" "$resources")
removed=$(echo "$expect" | sed 's/.*removed=\([0-9]*\).*/\1/')
required=$(echo "$expect" | sed 's/.*required=\([0-9]*\).*/\1/')
ops=$(echo "$expect" | sed 's/.*operations=\([0-9]*\).*/\1/')
size=$(wc -c <"$tmp/gen/old.json")
echo "old: $ops operations, $((size / 1024)) KiB; new: $removed operations removed," \
	"$required required query parameters added"
time_diff "$tmp/gen/old.json" "$tmp/gen/new.json" "$tmp/gen/out.json"
echo "diff: $(stats "$tmp/t")"
got_removed=$(count_rule "$tmp/gen/out.json" openapi.operation-removed)
got_required=$(count_rule "$tmp/gen/out.json" openapi.request-parameter-added-required)
total=$(python3 -c 'import json, sys
print(sum(1 for c in json.load(open(sys.argv[1]))["changes"] if c["severity"] == "breaking"))
' "$tmp/gen/out.json")
echo "breaking changes found: $total ($got_removed operation-removed," \
	"$got_required request-parameter-added-required)"
if [ "$got_removed" -ne "$removed" ] || [ "$got_required" -ne "$required" ] ||
	[ "$total" -ne $((removed + required)) ]; then
	echo "bench/diff.sh: expected exactly $removed + $required breaking changes" >&2
	exit 1
fi

# --- 2. registration against 100 and 1,000 earlier versions ----------------------------------
echo "== registration under BACKWARD_TRANSITIVE"
"$dwd_bin" --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet \
	2>"$tmp/drivewayd.log" &
server_pid=$!
i=0
while [ ! -s "$tmp/port" ] || [ ! -s "$tmp/d.db.admin-token" ]; do
	i=$((i + 1))
	if [ "$i" -gt 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
		echo "bench/diff.sh: drivewayd did not start" >&2
		cat "$tmp/drivewayd.log" >&2
		exit 1
	fi
	sleep 0.1
done
url=http://127.0.0.1:$(cat "$tmp/port")

# Each version k is an Avro record of 20 fields plus an optional field "added_k" with a null
# default: it adds an optional field, and drops the one version k-1 added (a field removed is
# BACKWARD compatible: the new reader ignores it), so every version is compatible with all
# earlier ones while the contract keeps its size and the timing follows the number of
# versions alone.
mkdir -p "$tmp/reg"
python3 - "$tmp/reg" <<'EOF'
import json, sys
out = sys.argv[1]
domain = {"apiVersion": "driveway/v1", "kind": "Domain", "metadata": {"name": "bench"},
          "spec": {"title": "Benchmark", "owner": "team-bench"}}
product = {"apiVersion": "driveway/v1", "kind": "DataProduct",
           "metadata": {"domain": "bench", "name": "events", "owner": "team-bench"},
           "spec": {"type": "topic", "contract": {"format": "avro", "path": "events.avsc"},
                    "compatibility": "BACKWARD_TRANSITIVE"}}
with open(out + "/bench.yaml", "w") as f:
    f.write(json.dumps(domain) + "\n---\n" + json.dumps(product) + "\n")
EOF
# avro K: the contract of version K on stdout.
avro() {
	python3 -c 'import json, sys
k = int(sys.argv[1])
fields = [{"name": "f%02d" % i, "type": ["string", "long", "double", "boolean"][i % 4]}
          for i in range(20)]
fields.append({"name": "added_%d" % k, "type": ["null", "string"], "default": None})
print(json.dumps({"type": "record", "name": "Event", "namespace": "bench", "fields": fields}))
' "$1"
}
avro 1 >"$tmp/reg/events.avsc"
DRIVEWAY_URL=$url DRIVEWAY_TOKEN_FILE=$tmp/d.db.admin-token "$dw_bin" register "$tmp/reg" \
	>/dev/null
# bulk FROM TO: registers versions FROM..TO through the API, one request each.
bulk() {
	python3 - "$url" "$(cat "$tmp/d.db.admin-token")" "$1" "$2" <<'EOF'
import json, sys, urllib.request
url, token, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for k in range(first, last + 1):
    fields = [{"name": "f%02d" % i, "type": ["string", "long", "double", "boolean"][i % 4]}
              for i in range(20)]
    fields.append({"name": "added_%d" % k, "type": ["null", "string"], "default": None})
    body = json.dumps({"format": "avro", "contract": {"type": "record", "name": "Event",
                       "namespace": "bench", "fields": fields}}).encode()
    req = urllib.request.Request(url + "/domains/bench/products/events/versions", data=body,
                                 method="POST", headers={"Content-Type": "application/json",
                                 "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        if r.status != 201:
            sys.exit("version %d: status %d" % (k, r.status))
EOF
}
# timed_register K: registers version K with `driveway register`, prints the milliseconds.
timed_register() {
	avro "$1" >"$tmp/reg/events.avsc"
	t0=$(now_ms)
	DRIVEWAY_URL=$url DRIVEWAY_TOKEN_FILE=$tmp/d.db.admin-token "$dw_bin" register "$tmp/reg" \
		>"$tmp/reg.out" 2>&1 || { cat "$tmp/reg.out" >&2; exit 1; }
	t1=$(now_ms)
	grep -q "bench/events@$1: created" "$tmp/reg.out" || { cat "$tmp/reg.out" >&2; exit 1; }
	echo $((t1 - t0))
}
# timed_series FIRST: registers FIRST..FIRST+4 timed; prints the first and the median.
timed_series() {
	: >"$tmp/series"
	k=$1
	while [ "$k" -lt $(($1 + 5)) ]; do
		timed_register "$k" >>"$tmp/series"
		k=$((k + 1))
	done
	echo "$(head -n 1 "$tmp/series") $(sort -n "$tmp/series" | sed -n 3p)"
}
bulk 2 100
set -- $(timed_series 101)
at100=$1
med100=$2
echo "version 101 (against 100 earlier): $at100 ms; median of versions 101-105: $med100 ms"
bulk 106 1000
set -- $(timed_series 1001)
at1000=$1
med1000=$2
echo "version 1001 (against 1,000 earlier): $at1000 ms; median of versions 1001-1005:" \
	"$med1000 ms"
awk -v a="$med100" -v b="$med1000" 'BEGIN {
	r = a > 0 ? b / a : 0
	printf "ratio 1,000 / 100 earlier versions (medians): %.1fx (target < 10x)\n", r }'
kill "$server_pid"
wait "$server_pid" 2>/dev/null || :
server_pid=

# --- 3. GitHub's REST API description --------------------------------------------------------
echo "== driveway diff: GitHub REST API description (@octokit/openapi $octokit_old -> $octokit_new)"
if ! command -v npm >/dev/null; then
	echo "skipped: npm is not installed"
	exit 0
fi
mkdir -p "$tmp/npm/old" "$tmp/npm/new"
for v in old new; do
	eval "ver=\$octokit_$v"
	if ! (cd "$tmp/npm" && npm pack --silent "@octokit/openapi@$ver" >"$tmp/npm/$v.name" \
		2>"$tmp/npm/err"); then
		echo "skipped: npm pack @octokit/openapi@$ver failed (no network?):"
		sed -n '1,3s/^/    /p' "$tmp/npm/err"
		exit 0
	fi
	tar -xzf "$tmp/npm/$(tail -n 1 "$tmp/npm/$v.name")" -C "$tmp/npm/$v"
done
old=$(find "$tmp/npm/old" -name api.github.com.json | head -n 1)
new=$(find "$tmp/npm/new" -name api.github.com.json | head -n 1)
if [ -z "$old" ] || [ -z "$new" ]; then
	echo "skipped: no api.github.com.json in the packages"
	exit 0
fi
ops=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for p in d["paths"].values() for m in p
          if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace")))
' "$new")
echo "old: $(($(wc -c <"$old") / 1024)) KiB, new: $(($(wc -c <"$new") / 1024)) KiB," \
	"$ops operations"
time_diff "$old" "$new" "$tmp/npm/out.json"
echo "diff: $(stats "$tmp/t") (target < 1000 ms)"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
n = {}
for c in d["changes"]:
    n[c["severity"]] = n.get(c["severity"], 0) + 1
print("BACKWARD: %s (%d breaking, %d warnings, %d info)" % (
    "compatible" if d["compatible"] else "incompatible", n.get("breaking", 0),
    n.get("warning", 0), n.get("info", 0)))
' "$tmp/npm/out.json"
