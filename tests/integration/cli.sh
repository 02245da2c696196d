#!/bin/sh
# The real driveway CLI against a real drivewayd on a free loopback port: validate, register
# (twice), discovery, contracts, refusals (paths leaving the folder, unreachable registry, bad
# tokens) and domain tokens. Prints PASS/FAIL per case; exits 1 when any case failed.
#
# Needs DRIVEWAY_BUILD (folder with drivewayd and driveway) and DRIVEWAY_ROOT (the repository);
# both default to what scripts/run-tests.sh sets. Set DRIVEWAY_KEEP_TMP=1 to keep the work dir.
# The harness (run, dw, check, the server) is tests/integration/lib/common.sh.
set -eu

. "$(dirname "$0")/lib/common.sh"
fixtures=$root/tests/fixtures/integration
lib_init cli

# Work copies: the real examples/ and our own fixtures.
mkdir -p "$tmp/work"
ex=$tmp/work/examples
if [ -d "$root/examples" ] && [ -n "$(find "$root/examples" -name '*.yaml' | head -n 1)" ]; then
	cp -R "$root/examples" "$ex"
else
	ex=
	fail "examples/ has no descriptors: the real landscape is not there"
fi
fx=$tmp/work/landscape
cp -R "$fixtures/landscape" "$fx"

# The server.
lib_start_server
cd "$tmp/work"

# --- help and usage ---------------------------------------------------------------------
dw help
expect_rc 0 "help exits 0"
check "help lists the commands" out_has register
dw no-such-command
expect_rc 2 "an unknown command exits 2"
dw --output yaml list
expect_rc 2 "--output yaml exits 2"

# --- validate -------------------------------------------------------------------------------
if [ -n "$ex" ]; then
	dw validate "$ex"
	expect_rc 0 "validate examples/"
fi
dw validate "$fx"
expect_rc 0 "validate the fixture landscape"
dw validate "$fx/shop/orders-api.yaml" "$fx/shop/order-events.yaml"
expect_rc 0 "validate named files"

# A broken copy: the finding names the file, the line and the pointer.
cp -R "$fx" "$tmp/work/broken"
sed 's/^  lifecycle: production$/  lifecycle: prod/' "$fx/shop/orders-api.yaml" \
	>"$tmp/work/broken/shop/orders-api.yaml"
dw validate "$tmp/work/broken"
expect_rc 1 "validate a broken copy exits 1"
check "broken copy: 'orders-api.yaml:7:COL: /metadata/lifecycle: ...' on stderr" \
	err_has "^$tmp/work/broken/shop/orders-api.yaml:7:[0-9]+: /metadata/lifecycle: [a-z]"
check "broken copy: every stderr line naming a file is file:line:col: /pointer: message" \
	sh -c "! grep '\\.yaml' '$tmp/err' |
		grep -Ev '^[^:]+:[0-9]+:[0-9]+: /[^:]*: .+' | grep -q ."

# Several problems in several files: each reported with its own file and line.
sed -e 's/^  type: topic$/  type: stream/' -e 's/^  compatibility: FULL$/  compatibility: FUL/' \
	"$fx/shop/order-events.yaml" >"$tmp/work/broken/shop/order-events.yaml"
dw validate "$tmp/work/broken"
expect_rc 1 "validate several broken files exits 1"
check "broken copy: /spec/type at order-events.yaml:10" \
	err_has "order-events.yaml:10:[0-9]+: /spec/type: "
check "broken copy: /spec/compatibility at order-events.yaml:12" \
	err_has "order-events.yaml:12:[0-9]+: /spec/compatibility: "
check "broken copy: the first file's finding is still there" \
	err_has "orders-api.yaml:7:[0-9]+: /metadata/lifecycle: "

# A broken contract file: the finding points into the contract file.
cp -R "$fx" "$tmp/work/badcontract"
sed 's/^openapi: 3.1.0$/openapi: 7.0.0/' "$fx/shop/orders.openapi.yaml" \
	>"$tmp/work/badcontract/shop/orders.openapi.yaml"
dw validate "$tmp/work/badcontract"
expect_rc 1 "validate a broken contract exits 1"
check "broken contract: finding located in orders.openapi.yaml line 1" \
	err_has "orders.openapi.yaml:1:[0-9]+: "

if [ -n "$ex" ]; then
	cp -R "$ex" "$tmp/work/broken-examples"
	f=$(grep -rln '^  lifecycle: production$' "$tmp/work/broken-examples" | sort | head -n 1)
	line=$(grep -n '^  lifecycle: production$' "$f" | head -n 1 | cut -d: -f1)
	sed "${line}s/production/prod/" "$f" >"$tmp/x" && cat "$tmp/x" >"$f"
	dw validate "$tmp/work/broken-examples"
	expect_rc 1 "validate a broken copy of examples/ exits 1"
	check "broken examples: '$(basename "$f"):$line:COL: /metadata/lifecycle: ...'" \
		err_has "^$f:$line:[0-9]+: /metadata/lifecycle: "
fi

dw validate "$tmp/work/no-such-folder"
expect_rc 2 "validate a missing path exits 2"
dw validate
expect_rc 2 "validate without a path exits 2"
printf 'apiVersion: driveway/v1\nkind: Domain\nmetadata: [unclosed\n' >"$tmp/work/syntax.yaml"
dw validate "$tmp/work/syntax.yaml"
check "validate a YAML syntax error exits 1 or 2 (got $rc)" [ "$rc" -eq 1 -o "$rc" -eq 2 ]
check "YAML syntax error: located in syntax.yaml" err_has "syntax.yaml:[0-9]+:[0-9]+: "

# --- register -------------------------------------------------------------------------------
all_lines_end() { # all_lines_end WORD: every stdout line ends with ": WORD", and there is one
	[ -s "$tmp/out" ] && ! grep -v ": $1\$" "$tmp/out" | grep -q .
}
if [ -n "$ex" ]; then
	dw register "$ex"
	expect_rc 0 "register examples/"
	check "register examples/: every line says created" all_lines_end created
	check "register examples/: domain customer created" out_has "domain customer: created"
	check "register examples/: customer/profile-api created" \
		out_has "product customer/profile-api: created"
	check "register examples/: customer/profile-api@1 created" \
		out_has "customer/profile-api@1: created"
	dw register "$ex"
	expect_rc 0 "register examples/ again"
	check "register examples/ again: only unchanged lines" all_lines_end unchanged
fi
dw register "$fx"
expect_rc 0 "register the fixture landscape"
check "register fixtures: domain shop created" out_has "domain shop: created"
check "register fixtures: shop/orders-api@1 created" out_has "shop/orders-api@1: created"
check "register fixtures: shop/order-events@1 (inline avro) created" \
	out_has "shop/order-events@1: created"
check "register fixtures: shop/order-archive created" out_has "product shop/order-archive: created"
dw register "$fx"
expect_rc 0 "register the fixture landscape again"
check "register fixtures again: only unchanged lines" all_lines_end unchanged

# Reformatting a contract (same content) registers nothing new.
cp -R "$fx" "$tmp/work/reformatted"
"$py" - "$fx/shop/orders.openapi.yaml" "$tmp/work/reformatted/shop/orders.openapi.yaml" <<'EOF'
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def rev(v):
    if isinstance(v, dict):
        return {k: rev(v[k]) for k in reversed(list(v))}
    if isinstance(v, list):
        return [rev(x) for x in v]
    return v
open(sys.argv[2], "w").write(json.dumps(rev(doc), indent=3))
EOF
dw register "$tmp/work/reformatted"
expect_rc 0 "register a reformatted contract"
check "reformatted contract: unchanged, still version 1" out_has "shop/orders-api@1: unchanged"
check "reformatted contract: nothing created" out_lacks "created"

# A changed contract: version 2.
cp -R "$fx" "$tmp/work/v2"
sed 's/^  version: 1.0.0$/  version: 1.1.0/' "$fx/shop/orders.openapi.yaml" \
	>"$tmp/work/v2/shop/orders.openapi.yaml"
dw register "$tmp/work/v2"
expect_rc 0 "register a changed contract"
check "changed contract: shop/orders-api@2 created" out_has "shop/orders-api@2: created"

# --- discovery --------------------------------------------------------------------------------
dw list
expect_rc 0 "list"
check "list shows shop/orders-api" out_has "shop/orders-api"
[ -z "$ex" ] || check "list shows customer/profile-api" out_has "customer/profile-api"
dw list --domain shop
expect_rc 0 "list --domain shop"
check "list --domain shop: shop products only" sh -c \
	"grep -q shop/orders-api '$tmp/out' && ! grep -q customer/ '$tmp/out'"
dw list --kind topic --domain shop
expect_rc 0 "list --kind topic"
check "list --kind topic: order-events, not orders-api" sh -c \
	"grep -q shop/order-events '$tmp/out' && ! grep -q shop/orders-api '$tmp/out'"
dw list --owner team-shop-events
check "list --owner: only order-events" sh -c \
	"grep -q shop/order-events '$tmp/out' && ! grep -q shop/orders-api '$tmp/out'"
dw list --tag pii --domain shop
check "list --tag pii: orders-api, not order-events" sh -c \
	"grep -q shop/orders-api '$tmp/out' && ! grep -q shop/order-events '$tmp/out'"
dw list --lifecycle deprecated
check "list --lifecycle deprecated: only order-archive" sh -c \
	"grep -q shop/order-archive '$tmp/out' && ! grep -q shop/orders-api '$tmp/out'"
dw list --limit 0
expect_rc 2 "list --limit 0 exits 2"
dw search ORDERS
expect_rc 0 "search ORDERS"
check "search ORDERS: shop/orders-api found, customer/profile-api not" sh -c \
	"grep -q shop/orders-api '$tmp/out' && ! grep -q customer/profile-api '$tmp/out'"
dw search "'; DROP TABLE products; --"
expect_rc 0 "search for SQL exits 0"
check "search for SQL finds nothing" out_lacks "shop/"
dw list
check "the products are still there after the SQL search" out_has "shop/orders-api"

dw get shop/orders-api
expect_rc 0 "get shop/orders-api"
check "get shows the owner" out_has "team-shop"
dw get shop/orders-api@1
expect_rc 0 "get shop/orders-api@1"
dw get shop/orders-api@latest
expect_rc 0 "get shop/orders-api@latest"
dw get shop/nope
expect_rc 1 "get a missing product exits 1"
dw get shop/orders-api@9
expect_rc 1 "get a missing version exits 1"
dw get not-a-ref
expect_rc 2 "get without DOMAIN/PRODUCT exits 2"
dw versions shop/orders-api
expect_rc 0 "versions shop/orders-api"
check "versions lists 2 versions" sh -c "grep -Eq '(^| )1( |\$)' '$tmp/out' && \
	grep -Eq '(^| )2( |\$)' '$tmp/out'"

# contract: JSON equal to what was registered.
same_json_as_yaml() { # same_json_as_yaml FILE: stdout parses as JSON equal to FILE (YAML)
	"$py" - "$1" "$tmp/out" <<'EOF'
import json, sys, yaml
class L(yaml.SafeLoader):
    pass
# Keep timestamps as strings, as the registry does.
L.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp']
                             for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
want = yaml.load(open(sys.argv[1]), Loader=L)
try:
    got = json.load(open(sys.argv[2]))
except ValueError as e:
    print("stdout is not JSON: %s" % e, file=sys.stderr)
    sys.exit(1)
if got != want:
    print("contract differs from %s" % sys.argv[1], file=sys.stderr)
    sys.exit(1)
EOF
}
dw contract shop/orders-api@1
expect_rc 0 "contract shop/orders-api@1"
check "contract @1 is JSON equal to orders.openapi.yaml" same_json_as_yaml \
	"$fx/shop/orders.openapi.yaml"
dw contract shop/orders-api
check "contract (latest) is JSON equal to the v2 file" same_json_as_yaml \
	"$tmp/work/v2/shop/orders.openapi.yaml"
dw contract shop/order-events
expect_rc 0 "contract of an inline avro contract"
check "inline avro contract parses as JSON with name OrderPlaced" sh -c \
	"'$py' -c 'import json,sys; assert json.load(sys.stdin)[\"name\"] == \"OrderPlaced\"' \
	<'$tmp/out'"
dw contract shop/order-archive
expect_rc 1 "contract of a product without versions exits 1"
if [ -n "$ex" ]; then
	dw contract customer/profile-api
	expect_rc 0 "contract customer/profile-api"
	check "customer/profile-api contract is JSON equal to examples/customer/openapi.yaml" \
		same_json_as_yaml "$ex/customer/openapi.yaml"
	dw contract customer/profile-changed@1
	check "customer/profile-changed contract is JSON equal to profile-changed.avsc" \
		same_json_as_yaml "$ex/customer/profile-changed.avsc"
fi

# --output json
for args in "list" "search orders" "get shop/orders-api" "get shop/orders-api@1" \
	"versions shop/orders-api"; do
	# shellcheck disable=SC2086
	dw --output json $args
	check "--output json $args: exit 0 and parses as JSON (exit $rc)" json_ok
done
dw --output json list --domain shop
check "--output json list: the items are the shop products" sh -c "'$py' -c '
import json, sys
names = sorted(\"%s/%s\" % (p[\"metadata\"][\"domain\"], p[\"metadata\"][\"name\"])
               for p in (lambda d: d[\"items\"] if isinstance(d, dict) else d)(
                   json.load(sys.stdin)))
assert names == [\"shop/order-archive\", \"shop/order-events\", \"shop/orders-api\"], names
' <'$tmp/out'"

# --- refusals -------------------------------------------------------------------------------
# A contract path leaving the descriptor's folder.
mkdir -p "$tmp/work/escape/inner"
cp "$fx/shop/orders.openapi.yaml" "$tmp/work/escape/secret.yaml"
sed -e 's/name: orders-api/name: escaped-api/' \
	-e 's|path: orders.openapi.yaml|path: ../secret.yaml|' \
	"$fx/shop/orders-api.yaml" >"$tmp/work/escape/inner/escaped.yaml"
dw validate "$tmp/work/escape/inner"
expect_rc 1 "validate a contract path ../secret.yaml exits 1"
dw register "$tmp/work/escape/inner"
expect_rc 1 "register a contract path ../secret.yaml exits 1"
check "../secret.yaml: the finding points at /spec/contract/path" \
	err_has "escaped.yaml:[0-9]+:[0-9]+: /spec/contract/path: "
dw get shop/escaped-api
expect_rc 1 "../secret.yaml: nothing registered"
# Absolute paths leave the folder too.
sed -e 's/name: orders-api/name: absolute-api/' \
	-e "s|path: orders.openapi.yaml|path: $tmp/work/escape/secret.yaml|" \
	"$fx/shop/orders-api.yaml" >"$tmp/work/escape/inner/escaped.yaml"
dw register "$tmp/work/escape/inner"
expect_rc 1 "register an absolute contract path exits 1"
dw get shop/absolute-api
expect_rc 1 "absolute contract path: nothing registered"

# A symlink that escapes the folder.
mkdir -p "$tmp/work/sym" "$tmp/work/outside"
cp "$fx/shop/orders.openapi.yaml" "$tmp/work/outside/openapi.yaml"
ln -s ../outside/openapi.yaml "$tmp/work/sym/link.yaml"
sed -e 's/name: orders-api/name: symlinked-api/' -e 's|path: orders.openapi.yaml|path: link.yaml|' \
	"$fx/shop/orders-api.yaml" >"$tmp/work/sym/product.yaml"
dw register "$tmp/work/sym"
check "register with a contract symlink escaping the folder is refused (exit 1 or 2, got $rc)" \
	[ "$rc" -eq 1 -o "$rc" -eq 2 ]
dw get shop/symlinked-api
expect_rc 1 "escaping symlink: nothing registered"

# An invalid product among valid ones: nothing is sent.
mkdir -p "$tmp/work/mixed"
sed 's/name: orders-api/name: mixed-good/' "$fx/shop/orders-api.yaml" \
	>"$tmp/work/mixed/good.yaml"
cp "$fx/shop/orders.openapi.yaml" "$tmp/work/mixed/"
sed -e 's/name: orders-api/name: mixed-bad/' -e 's/^  type: api$/  type: nope/' \
	"$fx/shop/orders-api.yaml" >"$tmp/work/mixed/bad.yaml"
dw register "$tmp/work/mixed"
expect_rc 1 "register a folder with one invalid product exits 1"
dw get shop/mixed-good
expect_rc 1 "one invalid product: the valid one was not registered either"

# --- the registry refuses or is not there ----------------------------------------------------
dw --server http://127.0.0.1:1 list
expect_rc 3 "list with an unreachable registry exits 3"
dw --server http://127.0.0.1:1 register "$fx"
expect_rc 3 "register with an unreachable registry exits 3"
run env DRIVEWAY_URL=http://127.0.0.1:1 "$dw_bin" get shop/orders-api
expect_rc 3 "DRIVEWAY_URL unreachable exits 3"
dw --token dw_wrongwrongwrong register "$tmp/work/v2"
expect_rc 3 "register with a wrong token exits 3"
run env DRIVEWAY_TOKEN=dw_wrongwrongwrong "$dw_bin" register "$tmp/work/v2"
expect_rc 3 "register with a wrong DRIVEWAY_TOKEN exits 3"
run env DRIVEWAY_TOKEN_FILE=$tmp/no-such-file "$dw_bin" register "$tmp/work/v2"
check "register without any token is refused (exit 2 or 3, got $rc)" \
	[ "$rc" -eq 2 -o "$rc" -eq 3 ]

# --- domain tokens ----------------------------------------------------------------------------
dw --output json token create shop ci
expect_rc 0 "token create shop ci"
tok=$("$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])' <"$tmp/out" 2>/dev/null ||
	:)
tok_id=$("$py" -c 'import json,sys; print(json.load(sys.stdin)["id"])' <"$tmp/out" 2>/dev/null ||
	:)
check "token create prints a dw_ secret and an id" sh -c "case '$tok' in dw_?*) [ -n '$tok_id' ];;
	*) false;; esac"
dw token create shop ci2
expect_rc 0 "token create (table output)"
check "token create (table output) prints the secret" \
	sh -c "grep -Eq 'dw_[A-Za-z0-9_-]+' '$tmp/out'"
dw token list shop
expect_rc 0 "token list shop"
check "token list shows ci" out_has "ci"
check "token list never shows a secret" sh -c "! grep -q -- '$tok' '$tmp/out'"
dw --token "$tok" token list shop
expect_rc 3 "token list with a domain token exits 3"

mkdir -p "$tmp/work/own" "$tmp/work/foreign"
sed 's/name: orders-api/name: token-made/' "$fx/shop/orders-api.yaml" >"$tmp/work/own/p.yaml"
cp "$fx/shop/orders.openapi.yaml" "$tmp/work/own/"
dw --token "$tok" register "$tmp/work/own"
expect_rc 0 "register shop/token-made with shop's token"
check "shop's token: product and version created" out_has "shop/token-made@1: created"
sed -e 's/domain: shop/domain: elsewhere/' -e 's/name: orders-api/name: foreign-made/' \
	"$fx/shop/orders-api.yaml" >"$tmp/work/foreign/p.yaml"
cp "$fx/shop/orders.openapi.yaml" "$tmp/work/foreign/"
run env DRIVEWAY_TOKEN=$tok "$dw_bin" register "$tmp/work/foreign"
expect_rc 3 "register a product of another domain with shop's token exits 3"
dw get elsewhere/foreign-made
expect_rc 1 "another domain's product was not registered"
if [ -n "$ex" ]; then
	run env DRIVEWAY_TOKEN=$tok "$dw_bin" register "$ex/customer"
	expect_rc 3 "register examples/customer with shop's token exits 3"
fi

dw token revoke shop "$tok_id"
expect_rc 0 "token revoke shop $tok_id"
dw --token "$tok" register "$tmp/work/own"
expect_rc 3 "register with the revoked token exits 3"
dw token revoke shop "$tok_id"
expect_rc 1 "revoking it again exits 1"
dw token revoke shop not-a-number
expect_rc 2 "token revoke with a bad id exits 2"

# --- admin token rotation ---------------------------------------------------------------------
dw --output json token create --admin ops
expect_rc 0 "token create --admin ops"
adm=$("$py" -c 'import json,sys; print(json.load(sys.stdin)["token"])' <"$tmp/out" 2>/dev/null ||
	echo none)
adm_id=$("$py" -c 'import json,sys; print(json.load(sys.stdin)["id"])' <"$tmp/out" 2>/dev/null ||
	echo 0)
dw token list --all
expect_rc 0 "token list --all"
check "token list --all shows scopes and both admin tokens" \
	sh -c "grep -q SCOPE '$tmp/out' && grep -q 'admin .*ops' '$tmp/out' && grep -q shop '$tmp/out'"
dw --output json token list --all
boot_id=$("$py" -c 'import json,sys
print([t["id"] for t in json.load(sys.stdin)["items"]
       if t["scope"] == "admin" and t["name"] == "admin"][0])' <"$tmp/out" 2>/dev/null || echo 0)
dw --token "$adm" token revoke --admin "$boot_id"
expect_rc 0 "token revoke --admin $boot_id (the bootstrap token) with the new admin token"
dw token list --all
expect_rc 3 "the revoked bootstrap token exits 3"
dw --token "$adm" token revoke --admin "$adm_id"
expect_rc 1 "revoking the last admin token exits 1"
check "revoking the last admin token says why" err_has "last live admin token"
dw --token "$adm" token list --all
expect_rc 0 "the new admin token still works"
dw token create --admin
expect_rc 2 "token create --admin without NAME exits 2"

# --- the server survived all of it ------------------------------------------------------------
check "drivewayd still runs" kill -0 "$server_pid"
kill "$server_pid"
set +e
wait "$server_pid"
server_rc=$?
set -e
server_pid=
check "drivewayd exits 0 on SIGTERM (got $server_rc)" [ "$server_rc" -eq 0 ]
[ "$server_rc" -eq 0 ] || tail -n 40 "$tmp/drivewayd.log"
check "the database passes integrity_check" sh -c \
	"[ \"\$(sqlite3 '$tmp/d.db' 'PRAGMA integrity_check')\" = ok ]"

lib_finish cli.sh
