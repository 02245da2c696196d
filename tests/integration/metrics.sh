#!/bin/sh
# GET /metrics: Prometheus text with requests by route and status, the latency histogram,
# registrations and refused registrations by reason, and the database size.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init metrics

lib_start_server
tok=$(cat "$tmp/d.db.admin-token")
P=/domains/customer/products/profile-changed/versions
post() { # TOKEN BODY: a registration; its status in $code
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary "$2" "$DRIVEWAY_URL$P")
}
dw register "$root/examples/customer"
expect_rc 0 "the customer domain registers"
v2='{"format":"avro","contract":{"type":"record","name":"P","fields":[{"name":"id","type":"string"}]}}'
v3='{"format":"avro","contract":{"type":"record","name":"P","fields":[{"name":"id","type":"string"},{"name":"age","type":"int"}]}}'
post "$tok" '{"format":"avro","contract":{"type":"nope"}}'
check "an invalid contract is 422" test "$code" = 422
post "$tok" "$v3"
check "an incompatible contract is 409" test "$code" = 409
post "not-a-token" "$v2"
check "a bad token is 401" test "$code" = 401
curl -s -o /dev/null "$DRIVEWAY_URL/nowhere"

run curl -s -D "$tmp/headers" "$DRIVEWAY_URL/metrics"
expect_rc 0 "GET /metrics"
check "Prometheus text format 0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers"
check "requests by route and status" \
	out_has '^drivewayd_http_requests_total\{route="/domains/\{d\}/products/\{p\}/versions",method="POST",status="201"\} [1-9]'
check "404s of no route" out_has '^drivewayd_http_requests_total\{route="unmatched",method="",status="404"\} 1$'
check "a histogram with +Inf equal to its count" "$py" -c '
import re, sys
text = open(sys.argv[1]).read()
inf = re.search(r"duration_seconds_bucket\{route=\"/domains/\{d\}\",method=\"PUT\",le=\"\+Inf\"\} (\d+)", text)
cnt = re.search(r"duration_seconds_count\{route=\"/domains/\{d\}\",method=\"PUT\"\} (\d+)", text)
sys.exit(not (inf and cnt and inf.group(1) == cnt.group(1) and int(cnt.group(1)) >= 1))' "$tmp/out"
registered=$(sed -n 's/^drivewayd_registrations_total //p' "$tmp/out")
check "registrations counted ($registered)" test "${registered:-0}" -ge 3
check "refused as invalid" out_has '^drivewayd_registrations_rejected_total\{reason="invalid"\} 1$'
check "refused as incompatible" out_has '^drivewayd_registrations_rejected_total\{reason="incompatible"\} 1$'
check "refused as unauthorized" out_has '^drivewayd_registrations_rejected_total\{reason="unauthorized"\} 1$'
check "no conflict counted" out_has '^drivewayd_registrations_rejected_total\{reason="conflict"\} 0$'
size=$(sed -n 's/^drivewayd_database_bytes //p' "$tmp/out")
check "the database size ($size bytes)" test "${size:-0}" -gt 4096
curl -s -o /dev/null -X PUT -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	--data-binary '{"compatibility":"NONE"}' "$DRIVEWAY_URL/domains/customer/products/profile-changed/compatibility"
post "$tok" "$v2"
check "a compatible registration is 201" test "$code" = 201
run curl -s "$DRIVEWAY_URL/metrics"
check "counters grow" test "$(sed -n 's/^drivewayd_registrations_total //p' "$tmp/out")" -gt "$registered"
lib_finish metrics
