#!/bin/sh
# drivewayd over HTTPS and the CLI's certificate checks. The script makes its own CA (and a
# second, unrelated one) and a server certificate for 127.0.0.1 and localhost with openssl,
# then: refused starts (missing, mismatched or non-PEM files exit 2 with a message), the CLI
# with --cacert or DRIVEWAY_CACERT lists and registers over https, without the CA or with the
# other one it exits 3 naming the certificate problem, curl with the CA gets 200, plain http to
# the TLS port gets no answer. Prints PASS/FAIL per case; exits 1 when any case failed.
#
# Needs DRIVEWAY_BUILD and DRIVEWAY_ROOT (scripts/run-tests.sh sets both), openssl and curl.
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

lib_finish tls
