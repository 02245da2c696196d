# Shared harness of the CLI scripts (tests/integration/*.sh), sourced, never run on its own:
# it lives in lib/ so that scripts/run-tests.sh, which runs tests/integration/*.sh, skips it.
#
#   . "$(dirname "$0")/lib/common.sh"
#   lib_init NAME        work dir $tmp (removed on exit unless DRIVEWAY_KEEP_TMP=1), traps,
#                        the PASS/FAIL counters; fails when a binary is missing
#   lib_start_server [ARG...]  drivewayd (with the extra ARGs) on a free loopback port with its
#                        db in $tmp, its admin token file and URL exported for the CLI
#                        ($server_pid, $port; the URL is https:// when an ARG is --tls-cert)
#   lib_finish NAME      prints the summary; its status is the script's result
#
# run/dw keep a command's stdout in $tmp/out, stderr in $tmp/err and its status in $rc; check,
# expect_rc, out_has (extended regex) and friends test them and count PASS/FAIL.
# Needs DRIVEWAY_BUILD (folder with drivewayd and driveway) and DRIVEWAY_ROOT (the repository);
# both default to what scripts/run-tests.sh sets.

root=${DRIVEWAY_ROOT:-$(pwd)}
build=${DRIVEWAY_BUILD:-$root/build}
dw_bin=$build/driveway
dwd_bin=$build/drivewayd
# A python3 with PyYAML; the system one starts faster than a version manager's shim.
py=python3
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then py=/usr/bin/python3; fi

server_pid=
passes=0
failures=0
rc=0

lib_cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || :
		wait "$server_pid" 2>/dev/null || :
	fi
	if [ -n "${DRIVEWAY_KEEP_TMP:-}" ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}

lib_init() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/dw-$1-XXXXXX")
	trap lib_cleanup EXIT
	trap 'exit 130' INT TERM
	for b in "$dw_bin" "$dwd_bin"; do
		if [ ! -x "$b" ]; then
			echo "FAIL: $b is missing (build first)"
			exit 1
		fi
	done
}

pass() { passes=$((passes + 1)); echo "PASS: $1"; }
fail() { failures=$((failures + 1)); echo "FAIL: $1"; show; }
show() {
	sed -n '1,15s/^/    stdout: /p' "$tmp/out" 2>/dev/null || :
	sed -n '1,15s/^/    stderr: /p' "$tmp/err" 2>/dev/null || :
}

# run CMD...: runs it, keeps stdout in $tmp/out, stderr in $tmp/err, the exit status in $rc.
run() {
	set +e
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	set -e
}
dw() { run "$dw_bin" "$@"; }

# expect_rc WANT NAME: the last command exited WANT.
expect_rc() {
	if [ "$rc" -eq "$1" ]; then pass "$2"; else fail "$2: expected exit $1, got $rc"; fi
}
# check NAME CONDITION...: passes when the shell condition holds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}
out_has() { grep -Eq -- "$1" "$tmp/out"; }
out_lacks() { ! grep -Eq -- "$1" "$tmp/out"; }
err_has() { grep -Eq -- "$1" "$tmp/err"; }
json_ok() { "$py" -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out" 2>/dev/null; }

lib_start_server() {
	scheme=http
	for a in "$@"; do
		[ "$a" = --tls-cert ] && scheme=https
	done
	"$dwd_bin" --db "$tmp/d.db" --listen 127.0.0.1:0 --port-file "$tmp/port" --quiet "$@" \
		2>"$tmp/drivewayd.log" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ] || [ ! -s "$tmp/d.db.admin-token" ]; do
		i=$((i + 1))
		if [ "$i" -gt 300 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			echo "FAIL: drivewayd did not start"
			cat "$tmp/drivewayd.log"
			exit 1
		fi
		sleep 0.1
	done
	port=$(cat "$tmp/port")
	DRIVEWAY_URL=$scheme://127.0.0.1:$port
	DRIVEWAY_TOKEN_FILE=$tmp/d.db.admin-token
	export DRIVEWAY_URL DRIVEWAY_TOKEN_FILE
	unset DRIVEWAY_TOKEN 2>/dev/null || :
}

lib_finish() {
	echo "$1: $passes passed, $failures failed"
	[ "$failures" -eq 0 ]
}
