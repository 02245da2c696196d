#!/bin/sh
# drivewayd over HTTPS and the CLI's certificate checks. The script makes its own CA (and a
# second, unrelated one) and a server certificate for 127.0.0.1 and localhost with openssl,
# then: refused starts (missing, mismatched or non-PEM files exit 2 with a message), the CLI
# with --cacert or DRIVEWAY_CACERT lists and registers over https, without the CA or with the
# other one it exits 3 naming the certificate problem, curl with the CA gets 200, plain http to
# the TLS port gets no answer. libmicrohttpd's own messages about such connections (plain http,
# an aborted handshake) go through drivewayd's logger: nothing with --quiet, one line in
# drivewayd's format each without it. Prints PASS/FAIL per case; exits 1 when any case failed.
#
# Needs DRIVEWAY_BUILD and DRIVEWAY_ROOT (scripts/run-tests.sh sets both), openssl, curl and
# python3.
# The harness (run, dw, check, the server) is tests/integration/lib/common.sh.
set -eu

. "$(dirname "$0")/lib/common.sh"
fixtures=$root/tests/fixtures/integration
lib_init tls

for tool in openssl curl timeout; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool is missing (scripts/install-deps.sh installs it)"
		exit 1
	fi
done

# --- a test CA, a server certificate signed by it, and an unrelated CA ----------------------
pki=$tmp/pki
mkdir -p "$pki"
cat >"$pki/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = driveway test
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
# newkey NAME: an EC P-256 key in NAME.key
newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$1.key" \
		2>>"$pki/log"
}
# newca NAME: a self-signed CA certificate NAME.pem with its key NAME.key
newca() {
	newkey "$1"
	openssl req -x509 -config "$pki/openssl.cnf" -extensions ca -key "$pki/$1.key" \
		-subj "/CN=driveway test $1" -days 2 -out "$pki/$1.pem" 2>>"$pki/log"
}
if ! {
	newca ca && newca other-ca && newkey server && newkey stray &&
		openssl req -new -config "$pki/openssl.cnf" -key "$pki/server.key" \
			-subj "/CN=localhost" -out "$pki/server.csr" 2>>"$pki/log" &&
		openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
			-CAcreateserial -days 2 -extfile "$pki/openssl.cnf" -extensions server \
			-out "$pki/server.pem" 2>>"$pki/log"
}; then
	echo "FAIL: cannot make the test certificates"
	cat "$pki/log"
	exit 1
fi
printf 'not a certificate\n' >"$pki/junk.pem"

# --- refused starts: exit 2 and a message, before listening --------------------------------
# dwd_refused NAME ARG...: drivewayd with these TLS arguments must exit 2 (and not serve).
dwd_refused() {
	name=$1
	shift
	run timeout 20 "$dwd_bin" --db "$tmp/refused.db" --listen 127.0.0.1:0 --quiet "$@"
	expect_rc 2 "$name exits 2"
}
dwd_refused "a missing key file" --tls-cert "$pki/server.pem" --tls-key "$pki/none.key"
check "a missing key file: the message names the key file" \
	err_has "cannot read TLS key '$pki/none.key': No such file"
dwd_refused "a key that is not the certificate's" \
	--tls-cert "$pki/server.pem" --tls-key "$pki/stray.key"
check "a mismatched key: the message names both files" \
	err_has "cannot use TLS certificate '$pki/server.pem' with key '$pki/stray.key': "
dwd_refused "a certificate file that is not PEM" \
	--tls-cert "$pki/junk.pem" --tls-key "$pki/server.key"
check "a non-PEM certificate: the message says so" err_has "not a PEM file"
dwd_refused "--tls-cert without --tls-key" --tls-cert "$pki/server.pem"
check "--tls-cert alone: the message asks for --tls-key" err_has "needs --tls-key"
run env DRIVEWAY_TLS_CERT="$pki/server.pem" DRIVEWAY_TLS_KEY="$pki/stray.key" \
	timeout 20 "$dwd_bin" --db "$tmp/refused.db" --listen 127.0.0.1:0 --quiet
expect_rc 2 "a mismatched key from DRIVEWAY_TLS_CERT/DRIVEWAY_TLS_KEY exits 2"
dwd_refused "the reserved landing domain 'admin'" --ccompat-landing-domain admin
check "landing domain admin: the message says it is reserved" \
	err_has "ccompat landing domain 'admin' is reserved"
check "no database was made by the refused starts" test ! -e "$tmp/refused.db"

# --- the server over HTTPS ------------------------------------------------------------------
lib_start_server --tls-cert "$pki/server.pem" --tls-key "$pki/server.key"
check "the start line says https" grep -q "listening on https://127.0.0.1:$port" \
	"$tmp/drivewayd.log"
mkdir -p "$tmp/work"
cp -R "$fixtures/landscape" "$tmp/work/landscape"
cd "$tmp/work"

dw --cacert "$pki/ca.pem" list
expect_rc 0 "list over https with --cacert"
dw --cacert "$pki/ca.pem" register landscape
expect_rc 0 "register over https with --cacert"
run env DRIVEWAY_CACERT="$pki/ca.pem" "$dw_bin" --output json list
expect_rc 0 "list over https with DRIVEWAY_CACERT"
check "the registered product is listed over https" out_has '"orders-api"'
dw --server "https://localhost:$port" --cacert "$pki/ca.pem" get shop/orders-api
expect_rc 0 "get through the name localhost (in the certificate)"

dw list
expect_rc 3 "without --cacert the server's certificate is refused (exit 3)"
check "without --cacert: the message names the certificate problem" \
	err_has "cannot verify the TLS certificate of https://127.0.0.1:$port: .*certificate"
dw --cacert "$pki/other-ca.pem" register landscape
expect_rc 3 "with another CA the server's certificate is refused (exit 3)"
check "with another CA: the message names the certificate problem" \
	err_has "cannot verify the TLS certificate of .*certificate"
dw --cacert "$pki/none.pem" list
expect_rc 2 "an unreadable --cacert exits 2"
check "an unreadable --cacert: the message names the file" \
	err_has "cannot read CA certificate file '$pki/none.pem'"

run curl -sS -o "$tmp/body" -w '%{http_code}' --cacert "$pki/ca.pem" \
	"https://127.0.0.1:$port/healthz"
check "curl --cacert gets 200 over https" test "$rc" -eq 0 -a "$(cat "$tmp/out")" = 200
run curl -sS -o /dev/null --cacert "$pki/other-ca.pem" "https://127.0.0.1:$port/healthz"
expect_rc 60 "curl with another CA fails verification (curl exit 60)"
run curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/healthz"
check "plain http to the TLS port gets no HTTP answer" \
	test "$rc" -ne 0 -a "$(cat "$tmp/out")" = 000
run curl -sS -o /dev/null -w '%{http_code}' --cacert "$pki/ca.pem" \
	"https://127.0.0.1:$port/healthz"
check "the server still answers https after the plain http attempt" \
	test "$(cat "$tmp/out")" = 200
check "drivewayd is still running" kill -0 "$server_pid"

# --- libmicrohttpd's messages go through drivewayd's logger ----------------------------------
# bad_connections: plain http, a handshake the client aborts (it cannot verify the certificate)
# and one cut short after its first bytes, at the TLS port; then a good request, which the
# server answers only after it took the earlier connections.
bad_connections() {
	curl -sS -o /dev/null --max-time 10 "http://127.0.0.1:$port/healthz" 2>/dev/null || :
	timeout 10 openssl s_client -connect "127.0.0.1:$port" -verify_return_error \
		</dev/null >/dev/null 2>&1 || :
	"$py" - "$port" <<'PY' || :
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")  # a ClientHello's first bytes
s.close()
PY
	curl -sS -o /dev/null --max-time 10 --cacert "$pki/ca.pem" \
		"https://127.0.0.1:$port/healthz" || :
	sleep 0.3
}
# stop_server: SIGTERM and wait, so that everything it logged is in its log file.
stop_server() {
	kill "$server_pid" 2>/dev/null || :
	wait "$server_pid" 2>/dev/null || :
	server_pid=
}
# after_start LOG: what drivewayd wrote after its start line, but for the stop line.
after_start() {
	awk 'seen && !/^drivewayd: SIGTERM received, stopping$/; /listening on/ { seen = 1 }' "$1"
}

# The server above runs with --quiet, and has seen plain http and aborted handshakes already.
bad_connections
stop_server
: >"$tmp/out"
after_start "$tmp/drivewayd.log" >"$tmp/err" # shown when a check fails
check "--quiet: nothing on stderr after the start line (no libmicrohttpd message)" \
	test ! -s "$tmp/err"

# Without --quiet: the same connections, each logged as a "drivewayd: " line in its manner.
rm -f "$tmp/loud.port"
"$dwd_bin" --db "$tmp/loud.db" --listen 127.0.0.1:0 --port-file "$tmp/loud.port" \
	--tls-cert "$pki/server.pem" --tls-key "$pki/server.key" 2>"$tmp/loud.log" &
server_pid=$!
i=0
while [ ! -s "$tmp/loud.port" ] && [ "$i" -lt 300 ] && kill -0 "$server_pid" 2>/dev/null; do
	i=$((i + 1))
	sleep 0.1
done
port=$(cat "$tmp/loud.port" 2>/dev/null || :)
check "drivewayd without --quiet starts" test -n "$port"
[ -n "$port" ] && bad_connections
stop_server
after_start "$tmp/loud.log" | grep -v '^GET /healthz 200 ' >"$tmp/err" || :
: >"$tmp/out"
check "without --quiet: libmicrohttpd's messages are logged" test -s "$tmp/err"
check "without --quiet: each as 'drivewayd: message', lowercase, no final period" \
	awk '!/^drivewayd: [^A-Z].*[^.]$/ { bad = 1 } END { exit bad }' "$tmp/err"
check "without --quiet: a failed handshake is named" grep -q 'handshake' "$tmp/err"

lib_finish tls
