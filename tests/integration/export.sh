#!/bin/sh
# driveway export: the registry written back as descriptor files re-creates it identically.
# Registers the example landscape (every folder with a domain.yaml, the anti-patterns aside),
# exports it, registers the export into a second, empty drivewayd and compares the two: the
# domains and products (their documents minus the registry's status) and every product's
# latest contract, byte for byte.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init export

# snapshot FILE: the registry at $DRIVEWAY_URL, normalised (status and links removed).
snapshot() {
	"$py" - "$DRIVEWAY_URL" >"$1" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def get(path, raw=False):
    with urllib.request.urlopen(base + path) as r:
        body = r.read()
        return body.decode() if raw else json.loads(body)
def items(path):
    out, url = [], path
    while url:
        page = get(url)
        out += page["items"]
        url = page["next"]
    return out
def bare(doc):
    return {k: v for k, v in doc.items() if k not in ("status", "links")}
snap = {"domains": [bare(d) for d in items("/domains")], "products": [], "contracts": {}}
for p in items("/products"):
    ref = p["metadata"]["domain"] + "/" + p["metadata"]["name"]
    doc = get("/domains/%s/products/%s" % tuple(ref.split("/")))
    snap["products"].append(bare(doc))
    if doc["status"]["latestVersion"] is not None:
        snap["contracts"][ref] = get("/domains/%s/products/%s/versions/latest/contract"
                                     % tuple(ref.split("/")), raw=True)
json.dump(snap, sys.stdout, indent=1, sort_keys=True)
PY
}

lib_start_server
set --
for d in "$root"/examples/*/; do
	case $d in */anti-patterns/) continue ;; esac
	[ -f "$d/domain.yaml" ] && set -- "$@" "$d"
done
dw register "$@"
expect_rc 0 "the examples register"

dw export "$tmp/export"
expect_rc 0 "export writes the registry out"
check "one folder per domain with domain.yaml" test -f "$tmp/export/customer/domain.yaml"
check "a product descriptor" test -f "$tmp/export/customer/profile-api.yaml"
check "an OpenAPI contract file" test -f "$tmp/export/customer/profile-api.openapi.json"
check "an Avro contract file" test -f "$tmp/export/customer/profile-changed.avsc"
check "an ODCS contract file" test -f "$tmp/export/analytics/customer-360.odcs.json"
check "spec.contract.path names the contract file" \
	grep -q '"path": "profile-api.openapi.json"' "$tmp/export/customer/profile-api.yaml"
dw validate "$tmp/export"
expect_rc 0 "the export validates offline"
dw export "$tmp/export"
expect_rc 2 "export refuses a folder that is not empty"
check "refusal names the cause" err_has "not empty"

snapshot "$tmp/first.json"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || :
server_pid=
rm -f "$tmp"/d.db "$tmp"/d.db-* "$tmp"/d.db.admin-token "$tmp/port"

lib_start_server
dw list
check "the second registry starts empty" test "$(grep -c . "$tmp/out")" -le 1
dw register "$tmp/export"
expect_rc 0 "the export registers into an empty registry"
snapshot "$tmp/second.json"
check "products, documents and latest contracts are identical" \
	cmp -s "$tmp/first.json" "$tmp/second.json"
check "the comparison saw the whole landscape" \
	"$py" -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(not (len(s["domains"]) >= 5 and len(s["contracts"]) >= 5))' "$tmp/first.json"
if ! cmp -s "$tmp/first.json" "$tmp/second.json"; then
	diff "$tmp/first.json" "$tmp/second.json" | head -20
fi
lib_finish export
