#!/bin/sh
# (Re)creates the committed seed corpora fuzz/corpus/<target>/ from tests/fixtures (and a few
# examples/ and schemas/ files): each target's directory is emptied and refilled, one file per
# input, named by the SHA-1 of its content (duplicates collapse). Two-document inputs (the diff
# engines, jsonschema) are "old NUL new". Run from anywhere: `fuzz/seed.sh`. The refs target's
# corpus (fuzz/corpus/refs/, a format byte then NUL-separated schema and references, see
# fuzz/fuzz_refs.c) is written by hand and left as it is.
# The corpora stay small (about 1.4 MB in all); the fuzzer's own finds are not committed (runs
# fuzz a copy, see fuzz/run.sh).
set -eu
cd "$(dirname "$0")/.."
F=tests/fixtures
C=fuzz/corpus

# put TARGET FILE...: copies each file into the target's corpus.
put() {
	t=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		cp "$f" "$C/$t/$(sha1sum <"$f" | cut -c1-40)"
	done
}

# pair TARGET OLD NEW: OLD, a NUL byte, NEW as one input.
pair() {
	tmp=$(mktemp)
	{ cat "$2"; printf '\0'; cat "$3"; } >"$tmp"
	cp "$tmp" "$C/$1/$(sha1sum <"$tmp" | cut -c1-40)"
	rm -f "$tmp"
}

# pairs TARGET DIR EXT: old/new of every case under DIR, and v1/v2, v2/v3 of transitive ones.
pairs() {
	for d in "$2"/*/; do
		[ -f "${d}old.$3" ] && [ -f "${d}new.$3" ] && pair "$1" "${d}old.$3" "${d}new.$3"
		[ -f "${d}v1.$3" ] && [ -f "${d}v2.$3" ] && pair "$1" "${d}v1.$3" "${d}v2.$3"
		[ -f "${d}v2.$3" ] && [ -f "${d}v3.$3" ] && pair "$1" "${d}v2.$3" "${d}v3.$3"
		[ -f "${d}v2.$3" ] && [ -f "${d}new.$3" ] && pair "$1" "${d}v2.$3" "${d}new.$3"
	done
	return 0
}

# req TARGET: an HTTP request for fuzz_http read from stdin.
req() {
	tmp=$(mktemp)
	cat >"$tmp"
	cp "$tmp" "$C/http/$(sha1sum <"$tmp" | cut -c1-40)"
	rm -f "$tmp"
}

for t in load descriptor jsonschema openapi avro odcs protobuf compat_openapi compat_avro \
	compat_jsonschema compat_table compat_protobuf http; do
	rm -rf "${C:?}/$t"
	mkdir -p "$C/$t"
done

put load $F/load/* $F/descriptor/valid/* $F/descriptor/invalid/*.yaml $F/cli-compat/*.yaml \
	$F/cli-compat/*.json
put descriptor $F/descriptor/valid/* $F/descriptor/invalid/*.yaml examples/customer/*.yaml \
	examples/anti-patterns/shop.yaml examples/anti-patterns/hub.yaml
put openapi $F/contracts/openapi/*.json $F/cli-compat/users-*.yaml \
	$F/cli-compat/invalid.openapi.yaml examples/customer/openapi.yaml
put avro $F/contracts/avro/*.json $F/cli-compat/*.avsc examples/customer/*.avsc
put odcs $F/contracts/odcs/*.json $F/cli-compat/*.odcs.yaml examples/customer/*.odcs.yaml
put protobuf $F/protobuf/*.proto
for d in $F/compat/protobuf/*/; do put protobuf "$d"*.proto; done

# jsonschema: schemas alone, schema + instance pairs (the descriptor schema and descriptors),
# and the first case of each JSON-Schema-Test-Suite draft7 file when the suite is installed.
for d in $F/compat/jsonschema/*/; do put jsonschema "$d"old.json; done
for f in $F/descriptor/valid/*.json $F/descriptor/invalid/*.yaml; do
	pair jsonschema schemas/descriptor.schema.json "$f"
done
pair jsonschema $F/cli-compat/order-v1.schema.json $F/cli-compat/order-v2-compatible.schema.json
suite=/usr/share/json-schema-test-suite/tests/draft7
if [ -d "$suite" ] && command -v python3 >/dev/null 2>&1; then
	python3 - "$suite" "$C/jsonschema" <<'PY'
import hashlib, json, os, sys
suite, out = sys.argv[1], sys.argv[2]
for name in sorted(os.listdir(suite)):
    if not name.endswith(".json"):
        continue
    with open(os.path.join(suite, name)) as f:
        cases = json.load(f)
    for case in cases[:2]:
        for test in case["tests"][:2]:
            data = (json.dumps(case["schema"]) + "\0" + json.dumps(test["data"])).encode()
            with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
PY
fi

pairs compat_openapi $F/compat/openapi json
pairs compat_avro $F/compat/avro json
pairs compat_jsonschema $F/compat/jsonschema json
pairs compat_table $F/compat/table json
pairs compat_protobuf $F/compat/protobuf proto
pair compat_openapi $F/cli-compat/users-v1.yaml $F/cli-compat/users-v2-breaking.yaml
pair compat_avro $F/cli-compat/user-v1.avsc $F/cli-compat/user-v2-breaking.avsc
pair compat_table $F/cli-compat/accounts-v1.odcs.yaml $F/cli-compat/accounts-v2-breaking.odcs.yaml

# http: requests over the API's routes, valid and not (docs/api.md).
# rq METHOD TARGET BODY [HEADER...]: one request (fuzz/fuzz_http.c's format).
rq() {
	m=$1 t=$2 b=$3
	shift 3
	{
		printf '%s %s\n' "$m" "$t"
		for h in "$@"; do printf '%s\n' "$h"; done
		printf '\n%s' "$b"
	} | req
}
A='Authorization: admin'
J='Content-Type: application/json'
P=/domains/customer/products/profile-changed
S=/subjects/customer.profile-changed-value
domain='{"apiVersion":"driveway/v1","kind":"Domain","metadata":{"name":"customer"},'\
'"spec":{"title":"Customer","owner":"team-customer"}}'
product='{"apiVersion":"driveway/v1","kind":"DataProduct","metadata":{"domain":"customer",'\
'"name":"profile-changed","owner":"team-customer"},"spec":{"type":"topic",'\
'"contract":{"format":"avro"},"compatibility":"BACKWARD"}}'
version="{\"format\":\"avro\",\"contract\":$(tr -d '\n' <$F/cli-compat/user-v1.avsc)}"
rq GET / ''
rq GET /healthz ''
rq GET '/domains?limit=2&cursor=abc' ''
rq GET '/products?q=customer&tag=pii&limit=501' ''
rq HEAD /domains/customer '' 'If-None-Match: "1.0"'
rq POST /domains/customer ''
rq GET /domains/Bad_Name ''
rq GET "$P/versions/latest/contract" ''
rq PUT /domains/customer "$domain" "$A" "$J"
rq PUT /domains/customer "$domain" 'Authorization: Bearer dw_nope' "$J"
rq PUT /domains/customer "$domain" "$A" 'Content-Type: text/plain'
rq PUT /domains/customer '{"a":' "$A" 'Content-Type: application/json; charset=utf-8'
rq PUT "$P" "$product" "$A" "$J" 'If-None-Match: *'
rq PATCH "$P" '{"metadata":{"lifecycle":"production"}}' "$A" 'If-Match: "1.0"' \
	'Content-Type: application/merge-patch+json'
rq POST "$P/versions" "$version" "$A" "$J"
rq POST "$P/compatibility-checks" "$version" "$A" "$J"
rq PUT "$P/compatibility" '{"compatibility":"FULL"}' "$A" "$J"
rq POST /domains/customer/tokens '{"name":"ci"}' "$A" "$J"
rq DELETE /domains/customer/tokens/1 '' "$A"
rq POST /advice '{"consistency":"eventual","consumers":3}' "$J"
rq GET '/audit?severity=error' ''
rq GET /flows ''
rq GET /ui/products/customer/profile-changed ''
rq GET /subjects ''
rq POST "$S/versions" '{"schema":"\"string\""}' "$A" \
	'Content-Type: application/vnd.schemaregistry.v1+json'
rq POST "/ccompat/compatibility$S/versions/latest" '{"schema":"\"string\""}' "$A" "$J"
rq PUT /ccompat/config '{"compatibility":"NONE"}' "$A" "$J"
rq DELETE "$P" '' "$A"

du -sb "$C" | cut -f1 | xargs printf 'fuzz/seed.sh: %s bytes in fuzz/corpus\n'
