#!/bin/sh
# driveway export: the registry written back as descriptor files re-creates it identically,
# version history included. Registers the example landscape (every folder with a domain.yaml,
# the anti-patterns aside), gives three products more versions (Avro, OpenAPI under NONE,
# Protobuf), exports it, registers the export into a second, empty drivewayd and compares the
# two: the domains and products (their documents minus the registry's status) and every
# version of every product (number, format and contract text, byte for byte). Then: a second
# register of the export changes nothing, a corrupt historical contract registers nothing, a
# history the product's mode now refuses stops with the file named, and a re-run after fixing
# it resumes the history.
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
snap = {"domains": [bare(d) for d in items("/domains")], "products": [], "versions": {}}
for p in items("/products"):
    ref = p["metadata"]["domain"] + "/" + p["metadata"]["name"]
    base_path = "/domains/%s/products/%s" % tuple(ref.split("/"))
    doc = get(base_path)
    snap["products"].append(bare(doc))
    snap["versions"][ref] = [
        [v["version"], v["format"], get("%s/versions/%d/contract" % (base_path, v["version"]),
                                        raw=True)]
        for v in items(base_path + "/versions")]
json.dump(snap, sys.stdout, indent=1, sort_keys=True)
PY
}

# api METHOD PATH [BODY]: a request with the admin token; fails the script on an error answer.
# A BODY of "@FILE" sends {"format": F, "contract": <FILE as JSON, YAML or .proto text>}.
api() {
	"$py" - "$DRIVEWAY_URL" "$DRIVEWAY_TOKEN_FILE" "$@" <<'PY'
import json, sys, urllib.error, urllib.request, yaml
base, token_file, method, path = sys.argv[1:5]
body = sys.argv[5] if len(sys.argv) > 5 else None
if body and body.startswith("@"):
    fmt, name = body[1:].split(":", 1)
    text = open(name).read()
    body = json.dumps({"format": fmt,
                       "contract": text if fmt == "protobuf" else yaml.safe_load(text)})
req = urllib.request.Request(base + path, method=method,
                             data=body.encode() if body else None,
                             headers={"Authorization": "Bearer " + open(token_file).read().strip(),
                                      "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
PY
}

# restart: a new, empty drivewayd in place of the running one.
restart() {
	kill "$server_pid"
	wait "$server_pid" 2>/dev/null || :
	server_pid=
	rm -f "$tmp"/d.db "$tmp"/d.db-* "$tmp"/d.db.admin-token "$tmp/port"
	lib_start_server
}

# versions_of REF SNAPSHOT: the version numbers of REF in SNAPSHOT, e.g. "1 2 3".
versions_of() {
	"$py" -c 'import json, sys
print(*[v[0] for v in json.load(open(sys.argv[2]))["versions"].get(sys.argv[1], [])])' "$1" "$2"
}

lib_start_server
set --
for d in "$root"/examples/*/; do
	case $d in */anti-patterns/) continue ;; esac
	[ -f "$d/domain.yaml" ] && set -- "$@" "$d"
done
mkdir "$tmp/extra"
cat >"$tmp/extra/proto-events.yaml" <<'EOF'
apiVersion: driveway/v1
kind: DataProduct
metadata:
  domain: customer
  name: proto-events
  owner: team-customer
  title: Profile events in Protobuf
spec:
  type: topic
  contract:
    format: protobuf
    path: proto-events.proto
  topic: customer.proto-events
EOF
cat >"$tmp/extra/proto-events.proto" <<'EOF'
syntax = "proto3";

package customer.v1;

message ProfileEvent {
  string customer_id = 1;
}
EOF
dw register "$@" "$tmp/extra"
expect_rc 0 "the examples register"

# More versions: Avro (v2 of examples/evolution, v3 one more optional field), OpenAPI (the
# breaking v2 under NONE, then v3), Protobuf (a field added).
ev=$root/examples/evolution
"$py" - "$ev/profile-changed.v2.avsc" "$tmp/pc.v3.avsc" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["fields"].append({"name": "referralCode", "type": ["null", "string"], "default": None})
json.dump(s, open(sys.argv[2], "w"), indent=2)
PY
"$py" - "$ev/openapi.v2-breaking.yaml" "$tmp/api.v3.yaml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
d["info"]["version"] = "3.0.0"
yaml.safe_dump(d, open(sys.argv[2], "w"), sort_keys=False)
PY
sed 's/^  string customer_id = 1;$/&\n  string email = 2;/' "$tmp/extra/proto-events.proto" \
	>"$tmp/proto-events.v2.proto"
pc=/domains/customer/products/profile-changed
pa=/domains/customer/products/profile-api
api POST "$pc/versions" "@avro:$ev/profile-changed.v2.avsc" >/dev/null
api POST "$pc/versions" "@avro:$tmp/pc.v3.avsc" >/dev/null
api PUT "$pa/compatibility" '{"compatibility": "NONE"}' >/dev/null
api POST "$pa/versions" "@openapi:$ev/openapi.v2-breaking.yaml" >/dev/null
api POST "$pa/versions" "@openapi:$tmp/api.v3.yaml" >/dev/null
api POST /domains/customer/products/proto-events/versions "@protobuf:$tmp/proto-events.v2.proto" \
	>/dev/null

dw export "$tmp/export"
expect_rc 0 "export writes the registry out"
check "the summary counts earlier versions" err_has "\(([0-9]+) latest, 5 earlier\)"
x=$tmp/export/customer
check "one folder per domain with domain.yaml" test -f "$x/domain.yaml"
check "a product descriptor" test -f "$x/profile-api.yaml"
check "an OpenAPI contract file" test -f "$x/profile-api.openapi.json"
check "an Avro contract file" test -f "$x/profile-changed.avsc"
check "an ODCS contract file" test -f "$tmp/export/analytics/customer-360.odcs.json"
check "spec.contract.path names the contract file" \
	grep -q '"path": "profile-api.openapi.json"' "$x/profile-api.yaml"
check "earlier versions in the history folder, by number" \
	test -f "$x/profile-changed.versions/1.avsc" -a -f "$x/profile-changed.versions/2.avsc" \
	-a -f "$x/profile-api.versions/2.openapi.json" -a -f "$x/proto-events.versions/1.proto"
check "the latest version is not in the history folder" \
	test ! -e "$x/profile-changed.versions/3.avsc" -a ! -e "$x/profile-api.versions/3.openapi.json"
check "a product with one version has no history folder" \
	test ! -e "$x/profile-snapshot.versions"
check "a .proto holds the text itself" cmp -s "$x/proto-events.versions/1.proto" \
	"$tmp/extra/proto-events.proto"
dw validate "$tmp/export"
expect_rc 0 "the export validates offline"
check "validate counts the historical contracts" out_has "descriptors, 1[0-9] contracts"
dw export "$tmp/export"
expect_rc 2 "export refuses a folder that is not empty"
check "refusal names the cause" err_has "not empty"

snapshot "$tmp/first.json"
check "the comparison sees a product with 3 versions" \
	test "$(versions_of customer/profile-changed "$tmp/first.json")" = "1 2 3"
check "the comparison saw the whole landscape" \
	"$py" -c 'import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not (len(s["domains"]) >= 5 and sum(map(len, s["versions"].values())) >= 15))' \
	"$tmp/first.json"

restart
dw list
check "the second registry starts empty" test "$(grep -c . "$tmp/out")" -le 1
dw register "$tmp/export"
expect_rc 0 "the export registers into an empty registry"
check "earlier versions are registered first" \
	out_has "^version customer/profile-changed@2: created"
snapshot "$tmp/second.json"
check "products, documents and every version are identical" \
	cmp -s "$tmp/first.json" "$tmp/second.json"
if ! cmp -s "$tmp/first.json" "$tmp/second.json"; then
	diff "$tmp/first.json" "$tmp/second.json" | cut -c1-200 | head -20
fi

dw register "$tmp/export"
expect_rc 0 "registering the export again succeeds"
check "a second register changes nothing" out_lacks ": (created|updated)$"
check "history versions answer unchanged" out_has "^version customer/profile-changed@1: unchanged"
check "a Protobuf history too" out_has "^version customer/proto-events@1: unchanged"
check "the registry's versions are seen as the history's beginning" \
	sh -c '! grep -q "not replayed" "$1"' - "$tmp/err"
snapshot "$tmp/third.json"
check "the registry is as before" cmp -s "$tmp/second.json" "$tmp/third.json"

# A corrupt historical contract (valid JSON, not valid Avro) and a stray file: validate and
# register name them, and register sends nothing at all.
restart
cp -R "$tmp/export" "$tmp/bad"
cat >"$tmp/bad/customer/profile-changed.versions/2.avsc" <<'EOF'
{
  "type": "record",
  "name": "ProfileChanged",
  "fields": [{"name": "a", "type": "nosuchtype"}]
}
EOF
echo notes >"$tmp/bad/customer/profile-changed.versions/README.txt"
dw validate "$tmp/bad"
expect_rc 1 "validate refuses a corrupt historical contract"
check "the finding is located in the historical file" \
	err_has "customer/profile-changed.versions/2.avsc:4:[0-9]+: /fields/0/type"
check "a stray file in the history folder is a finding" \
	err_has "profile-changed.versions/README.txt: /: unexpected file .*expected <version number>.avsc"
dw register "$tmp/bad"
expect_rc 1 "register refuses a corrupt historical contract"
check "register names the file" err_has "profile-changed.versions/2.avsc:4:"
check "and registers nothing" err_has "^error: nothing registered"
dw list
check "the registry is still empty" test "$(grep -c . "$tmp/out")" -le 1

# A history the product's mode refuses now (profile-api's breaking v2 was registered under
# NONE): the refusal names the historical file; the versions before it stay.
cp -R "$tmp/export" "$tmp/strict"
"$py" - "$tmp/strict/customer/profile-api.yaml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["spec"]["compatibility"] = "BACKWARD"
json.dump(d, open(sys.argv[1], "w"), indent=2)
PY
dw register "$tmp/strict/customer"
expect_rc 1 "a history the mode refuses stops register"
check "the refusal names the historical file" \
	err_has "profile-api.versions/2.openapi.json(:[0-9]+:[0-9]+)?: .*BACKWARD"
dw register "$tmp/export"
expect_rc 0 "registering the export after the fix resumes the history"
snapshot "$tmp/fourth.json"
check "the resumed registry is identical too" cmp -s "$tmp/first.json" "$tmp/fourth.json"

# A history that went another way than the registry's versions is not replayed (its versions
# would land after newer ones): a warning, and the descriptor's contract as usual.
cp -R "$tmp/export" "$tmp/fork"
cp "$tmp/pc.v3.avsc" "$tmp/fork/customer/profile-changed.versions/2.avsc"
dw register "$tmp/fork/customer"
expect_rc 0 "a history that went another way still registers the descriptor"
check "it says the history was not replayed" \
	err_has "warning: .*profile-changed.versions: version history of customer/profile-changed"
check "and why" err_has "not replayed: the registry's version 2 differs from '.*/2.avsc'"
snapshot "$tmp/fifth.json"
check "and adds no version" cmp -s "$tmp/first.json" "$tmp/fifth.json"

# Numbers with a gap (version 2 deleted for good through the Confluent API): the history
# folder then holds the latest too, and every version comes back with its number.
s=/subjects/customer.profile-changed-value/versions/2
api DELETE "$s" >/dev/null
api DELETE "$s?permanent=true" >/dev/null
snapshot "$tmp/gapped.json"
dw export "$tmp/gap"
expect_rc 0 "export of versions with a gap"
check "the history keeps the original numbers, the latest's too" \
	test -f "$tmp/gap/customer/profile-changed.versions/1.avsc" \
	-a ! -e "$tmp/gap/customer/profile-changed.versions/2.avsc" \
	-a -f "$tmp/gap/customer/profile-changed.versions/3.avsc"
check "the latest is beside the descriptor as always" \
	cmp -s "$tmp/gap/customer/profile-changed.versions/3.avsc" \
	"$tmp/gap/customer/profile-changed.avsc"
restart
dw register "$tmp/gap"
expect_rc 0 "an export with a gap registers"
snapshot "$tmp/sixth.json"
check "its versions keep their numbers" \
	test "$(versions_of customer/profile-changed "$tmp/sixth.json")" = "1 3"
check "the registry with a gap is re-created identically" cmp -s "$tmp/gapped.json" "$tmp/sixth.json"
dw register "$tmp/gap"
expect_rc 0 "registering the export with a gap again"
snapshot "$tmp/seventh.json"
check "a second register of it changes nothing" cmp -s "$tmp/gapped.json" "$tmp/seventh.json"
# the native API takes a number only above the latest version, or one holding that contract
api POST /domains/customer/products/profile-changed/versions \
	'{"format":"avro","contract":"string","version":2}' >"$tmp/below.json" || true
check "a number below the latest that holds no version is refused" grep -q '"status":409' "$tmp/below.json"
api POST /domains/customer/products/profile-changed/versions \
	'{"format":"avro","contract":"string","version":"4"}' >"$tmp/badnum.json" || true
check "a number that is not an integer is refused" grep -q '"pointer":"/version"' "$tmp/badnum.json"
lib_finish export
