#!/bin/sh
# Read-only operation: PUT /mode READONLY and --read-only refuse writes with 503 problem+json
# while reads go on; a full disk (a file size limit on drivewayd) and a database opened
# read-only (file:...?mode=ro) do the same, and leave the database intact.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init readonly

# http METHOD PATH [BODY]: curl with the admin token; status in $code, body in $tmp/out.
http() {
	if [ $# -gt 2 ]; then
		code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $tok" \
			-H 'Content-Type: application/json' --data-binary "$3" "$DRIVEWAY_URL$2")
	else
		code=$(curl -s -o "$tmp/out" -w '%{http_code}' -X "$1" \
			-H "Authorization: Bearer $tok" "$DRIVEWAY_URL$2")
	fi
	: >"$tmp/err"
}
domain() {
	printf '{"apiVersion":"driveway/v1","kind":"Domain","metadata":{"name":"%s"},"spec":{"title":"T","owner":"team-t"}}' "$1"
}
refused() { # NAME: the last answer is the read-only 503 problem
	check "$1: 503" test "$code" = 503
	check "$1: a problem document saying why" out_has '"status":503.*"detail":"[^"]*(READONLY|read-only)'
}
stop_server() {
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || :
	server_pid=
}
# start_with ARGS...: drivewayd with extra arguments (the db too) on a new port.
start_with() {
	rm -f "$tmp/port"
	"$@" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet 2>"$tmp/drivewayd.log" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			echo "FAIL: drivewayd did not start"
			cat "$tmp/drivewayd.log"
			exit 1
		fi
		sleep 0.1
	done
	DRIVEWAY_URL=http://127.0.0.1:$(cat "$tmp/port")
}
integrity() { # NAME
	check "$1: integrity_check ok" test "$(sqlite3 "$tmp/d.db" 'PRAGMA integrity_check')" = ok
}

lib_start_server
tok=$(cat "$tmp/d.db.admin-token")
http PUT /domains/sales "$(domain sales)"
check "a write in READWRITE mode" test "$code" = 201

# PUT /mode
http PUT /mode '{"mode":"READONLY"}'
check "PUT /mode READONLY" test "$code" = 200
http PUT /domains/billing "$(domain billing)"
refused "a write in READONLY mode"
http DELETE /domains/sales
refused "a delete in READONLY mode"
http GET /domains/sales
check "reads work in READONLY mode" test "$code" = 200
http GET /mode
check "GET /mode says so" out_has '"mode":"READONLY","readOnly":true'
http PUT /mode '{"mode":"READ"}'
check "an unknown mode is 422" test "$code" = 422
check "with its pointer" out_has '"pointer":"/mode"'
http PUT /mode '{"mode":"READWRITE"}'
http PUT /domains/billing "$(domain billing)"
check "writes again after READWRITE" test "$code" = 201

# --read-only
stop_server
start_with "$dwd_bin" --db "$tmp/d.db" --read-only
http PUT /domains/hr "$(domain hr)"
refused "a write under --read-only"
http PUT /mode '{"mode":"READWRITE"}'
check "--read-only: the mode cannot be changed" test "$code" = 503
http GET /domains/billing
check "reads work under --read-only" test "$code" = 200
http GET /mode
check "GET /mode shows --read-only" out_has '"readOnlyFlag":true'
stop_server

# a database opened read-only: root ignores file modes, SQLite's mode=ro does not
start_with "$dwd_bin" --db "file:$tmp/d.db?mode=ro"
http PUT /domains/hr "$(domain hr)"
check "read-only database: a write is 503" test "$code" = 503
check "read-only database: a problem document" out_has '"status":503.*store unavailable'
http GET /domains/billing
check "read-only database: reads work" test "$code" = 200
stop_server
integrity "after the read-only database"

# a full disk: no file of drivewayd's may grow past 3 MB (it ignores SIGXFSZ)
start_with prlimit --fsize=3000000 "$dwd_bin" --db "$tmp/d.db"
http PUT /domains/big "$(domain big)"
http PUT /domains/big/products/blob '{"apiVersion":"driveway/v1","kind":"DataProduct","metadata":{"domain":"big","name":"blob","owner":"team-big"},"spec":{"type":"topic","compatibility":"NONE","contract":{"format":"jsonschema"}}}'
check "disk full: the product is created first" test "$code" = 201
acked=0
full=0
n=1
while [ "$n" -le 20 ]; do
	"$py" -c 'import json,sys; n=int(sys.argv[1]); print(json.dumps({"format":"jsonschema","contract":{"type":"object","properties":{"f%d_%d"%(n,i):{"type":"string","description":"x"*40} for i in range(8000)}}}))' "$n" >"$tmp/body.json"
	http POST /domains/big/products/blob/versions "@$tmp/body.json"
	if [ "$code" = 201 ]; then
		acked=$n
	elif [ "$code" = 503 ]; then
		full=1
		cp "$tmp/out" "$tmp/full.json"
		break
	else
		break
	fi
	n=$((n + 1))
done
check "disk full: writes fail with 503 (after $acked versions)" test "$full" = 1
check "disk full: a problem document" grep -q '"status":503.*store unavailable' "$tmp/full.json"
check "disk full: the daemon is still up" kill -0 "$server_pid"
http GET /domains/sales
check "disk full: reads work" test "$code" = 200
http GET /domains/big/products/blob/versions/latest
check "disk full: the last acknowledged version is there" out_has "\"version\":$acked"
stop_server
integrity "after the disk filled up"
start_with "$dwd_bin" --db "$tmp/d.db"
http GET /domains/big/products/blob
check "restarted: every acknowledged version kept" out_has "\"latestVersion\":$acked"
lib_finish readonly
