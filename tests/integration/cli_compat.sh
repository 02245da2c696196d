#!/bin/sh
# Schema evolution gating with the real CLI: `driveway diff` on fixture pairs of every contract
# format (verdicts, exit codes, the four outputs, bad input, format detection), then
# `driveway check` and `driveway register` against a real drivewayd on a free loopback port
# holding examples/: a removed operation is breaking, impact follows the consumers' `uses`, and
# the registry refuses the breaking version. Prints PASS/FAIL per case; exits 1 when any failed.
#
# Needs DRIVEWAY_BUILD (folder with drivewayd and driveway) and DRIVEWAY_ROOT (the repository);
# both default to what scripts/run-tests.sh sets. Set DRIVEWAY_KEEP_TMP=1 to keep the work dir.
# The harness (run, dw, check, the server) is tests/integration/lib/common.sh.
set -eu

. "$(dirname "$0")/lib/common.sh"
fx=$root/tests/fixtures/cli-compat
lib_init compat

# json_true EXPR: the Python expression holds for d, the JSON on stdout.
json_true() {
	python3 -c "import json,sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)" \
		<"$tmp/out" 2>/dev/null
}
# line_of FILE REGEX: the number of the first line of FILE matching REGEX.
line_of() { grep -En -- "$2" "$1" | head -n 1 | cut -d: -f1; }

cd "$tmp"

# --- diff: verdicts per format ------------------------------------------------------------
# diff_case FORMAT OLD NEW WANT_RC RULE FILE REGEX: the text output names RULE located at the
# line of FILE that matches REGEX (the new file unless the part only exists in the old one).
diff_case() {
	dw diff "$fx/$2" "$fx/$3"
	expect_rc "$4" "diff $1 $2 -> $3 exits $4"
	[ -n "$5" ] || return 0
	l=$(line_of "$fx/$6" "$7")
	check "diff $1 $2 -> $3: '$5' at $6:$l" out_has "^breaking +$5 .*$6:$l:[0-9]+\)"
}
# A mapping's place is where its value starts: a parameter at its first key.
diff_case openapi users-v1.yaml users-v2-breaking.yaml 1 \
	openapi.request-parameter-became-required users-v2-breaking.yaml "name: limit"
check "diff openapi: the removed operation is located in the old file" \
	out_has "^breaking +openapi.operation-removed .*users-v1.yaml:$(line_of \
		"$fx/users-v1.yaml" 'operationId: deleteUser'):"
check "diff openapi: header line with the counts" \
	out_has "^BACKWARD: incompatible \(2 breaking, 0 warnings, [0-9]+ info\)$"
check "diff openapi: breaking changes come first" sh -c \
	"sed -n 2,3p '$tmp/out' | grep -c '^breaking' | grep -qx 2"
diff_case openapi users-v1.yaml users-v2-compatible.yaml 0 "" "" ""
check "diff openapi compatible: the header says so" out_has "^BACKWARD: compatible "
diff_case avro user-v1.avsc user-v2-breaking.avsc 1 \
	avro.field-added-without-default user-v2-breaking.avsc '"email"'
diff_case avro user-v1.avsc user-v2-compatible.avsc 0 "" "" ""
diff_case jsonschema order-v1.schema.json order-v2-breaking.schema.json 1 \
	jsonschema.required-added order-v2-breaking.schema.json '"required"'
diff_case jsonschema order-v1.schema.json order-v2-compatible.schema.json 0 "" "" ""
diff_case table accounts-v1.odcs.yaml accounts-v2-breaking.odcs.yaml 1 \
	table.type-narrowed accounts-v2-breaking.odcs.yaml 'varchar\(10\)'
diff_case table accounts-v1.odcs.yaml accounts-v2-compatible.odcs.yaml 0 "" "" ""
# Protobuf: .proto text, each change located at its element's line in the .proto file.
diff_case protobuf orders-v1.proto orders-v2-breaking.proto 1 \
	protobuf.field-type-changed orders-v2-breaking.proto 'string total_cents = 2;'
diff_case protobuf orders-v1.proto orders-v2-compatible.proto 0 "" "" ""
check "diff protobuf compatible: the added field is located" out_has \
	"^info +protobuf.field-added .*orders-v2-compatible.proto:$(line_of \
		"$fx/orders-v2-compatible.proto" 'string currency = 4;'):3\)"
dw diff "$fx/orders-v1.proto" "$fx/orders-v2-breaking.proto" --output github
expect_rc 1 "diff protobuf --output github exits 1"
l=$(line_of "$fx/orders-v2-breaking.proto" 'string total_cents = 2;')
check "diff protobuf github: ::error at the changed field's line" out_has \
	"^::error file=[^,]*orders-v2-breaking.proto,line=$l,col=3,title=protobuf.field-type-changed::"
cp "$fx/orders-v1.proto" "$tmp/old.txt"
cp "$fx/orders-v2-breaking.proto" "$tmp/new.txt"
dw diff "$tmp/old.txt" "$tmp/new.txt" --format protobuf
expect_rc 1 "diff --format protobuf reads files of any name as .proto text"
check "diff --format protobuf: the rule is named" out_has "^breaking +protobuf.field-type-changed "
dw diff "$fx/orders-v1.proto" "$fx/orders-invalid.proto"
expect_rc 2 "diff protobuf with a syntax error exits 2"
check "diff protobuf syntax error: file:line:col" \
	err_has "orders-invalid.proto:5:3: .*expected ';' after the field"

# Modes: a field added without a default breaks BACKWARD, not FORWARD; NONE never fails.
dw diff "$fx/user-v1.avsc" "$fx/user-v2-breaking.avsc" --mode FORWARD
expect_rc 0 "diff --mode FORWARD: a field added without a default is compatible"
check "diff --mode FORWARD: the change is a warning" \
	out_has "^warning +avro.field-added-without-default"
dw diff "$fx/user-v1.avsc" "$fx/user-v2-breaking.avsc" --mode full_transitive
expect_rc 1 "diff --mode full_transitive (any case) exits 1"
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --mode NONE
expect_rc 0 "diff --mode NONE exits 0"
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --mode BACKWRD
expect_rc 2 "diff --mode BACKWRD exits 2"
check "diff --mode BACKWRD: says the mode is unknown" err_has "unknown compatibility mode 'BACKWRD'"

# --- diff: outputs -------------------------------------------------------------------------
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --output json
expect_rc 1 "diff --output json exits 1"
check "diff --output json parses" json_ok
check "diff --output json: mode, compatible false, changes with rule and line" json_true \
	'd["mode"] == "BACKWARD" and d["compatible"] is False and
	 any(c["rule"] == "openapi.operation-removed" and c["line"] > 0 for c in d["changes"])'
dw --output json diff "$fx/user-v1.avsc" "$fx/user-v2-compatible.avsc"
check "global --output json works for diff" json_true 'd["compatible"] is True'
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --output markdown
expect_rc 1 "diff --output markdown exits 1"
check "markdown: a summary line" out_has "\*\*BACKWARD: incompatible\*\*"
check "markdown: the breaking changes table" out_has "^\| Rule \| Where \| Change \|$"
check "markdown: a row for the removed operation" out_has "^\| \`openapi.operation-removed\` \|"
check "markdown: info collapsed in <details>" out_has "^<details><summary>"
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --output github
expect_rc 1 "diff --output github exits 1"
l=$(line_of "$fx/users-v2-breaking.yaml" "name: limit")
rule=openapi.request-parameter-became-required
check "github: ::error in the new file at line $l" out_has \
	"^::error file=$fx/users-v2-breaking.yaml,line=$l,col=[0-9]+,title=$rule::"
check "github: every breaking change is an ::error with file and line" sh -c \
	"[ \$(grep -c '^::error file=[^,]*,line=[0-9][0-9]*' '$tmp/out') -eq 2 ]"
check "github: info changes are ::notice" out_has "^::notice file="
dw diff "$fx/order-v1.schema.json" "$fx/order-v2-compatible.schema.json" --output github
expect_rc 0 "github output of a compatible change exits 0"
check "github: a warning is ::warning" \
	out_has "^::warning file=.*title=jsonschema.enum-value-added::"
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --output yaml
expect_rc 2 "diff --output yaml exits 2"
dw --output markdown list
expect_rc 2 "the global --output markdown is refused"

# --- diff: bad input and detection ----------------------------------------------------------
dw diff "$fx/users-v1.yaml" "$fx/invalid.openapi.yaml"
expect_rc 2 "diff with an invalid contract exits 2"
l=$(line_of "$fx/invalid.openapi.yaml" 'Missing')
check "invalid contract: file:line:col: /pointer: message" \
	err_has "^$fx/invalid.openapi.yaml:$l:[0-9]+: /paths/~1things/[^:]*: "
dw diff "$fx/users-v1.yaml" "$fx/malformed.yaml"
expect_rc 2 "diff with a YAML syntax error exits 2"
check "syntax error located in malformed.yaml" err_has "^$fx/malformed.yaml:[0-9]+:[0-9]+: "
dw diff "$fx/two-docs.yaml" "$fx/users-v1.yaml"
expect_rc 2 "diff with two documents in a file exits 2"
check "two documents: located at the second" err_has "^$fx/two-docs.yaml:[23]:1: .*2 documents"
dw diff "$fx/users-v1.yaml" "$tmp/no-such-file.yaml"
expect_rc 2 "diff with a missing file exits 2"
dw diff "$fx/users-v1.yaml"
expect_rc 2 "diff with one file exits 2"
dw diff "$fx/unknown.yaml" "$fx/unknown.yaml"
expect_rc 2 "diff of files in no known format exits 2"
check "unknown format: asks for --format" err_has "cannot tell .*--format"
dw diff "$fx/ambiguous.json" "$fx/ambiguous.json"
expect_rc 2 "diff of an ambiguous document exits 2"
check "ambiguous: asks for --format" err_has "--format"
dw diff "$fx/users-v1.yaml" "$fx/user-v1.avsc"
expect_rc 2 "diff of an OpenAPI and an Avro file exits 2"
# {"type": "string"} is JSON Schema when detected, an Avro string with --format avro.
dw diff "$fx/string-v1.json" "$fx/string-v2.json"
expect_rc 1 "detected as JSON Schema: maxLength added breaks BACKWARD"
check "detected as JSON Schema: a jsonschema rule" out_has "^breaking +jsonschema\."
dw diff "$fx/string-v1.json" "$fx/string-v2.json" --format avro
expect_rc 0 "--format avro overrides the detection (no change for Avro)"
dw diff "$fx/user-v1.avsc" "$fx/user-v2-breaking.avsc" --format jsonschema
expect_rc 2 "--format jsonschema on Avro files: invalid contracts, exit 2"
dw diff "$fx/accounts-v1.odcs.yaml" "$fx/accounts-v2-breaking.odcs.yaml" --format table
expect_rc 1 "--format table"
dw diff "$fx/users-v1.yaml" "$fx/users-v2-breaking.yaml" --format wsdl
expect_rc 2 "--format wsdl exits 2"

# --- check and register against a registry -------------------------------------------------
if [ ! -d "$root/examples/customer" ]; then
	fail "examples/customer is missing: the real landscape is not there"
	echo "cli_compat.sh: $passes passed, $failures failed"
	exit 1
fi
cp -R "$root/examples" "$tmp/examples"
lib_start_server

dw register "$tmp/examples"
expect_rc 0 "register examples/"

dw check "$tmp/examples"
expect_rc 0 "check examples/ against itself: compatible"
check "check examples/: customer/profile-api compatible" \
	out_has "^customer/profile-api \(identical to version 1\): BACKWARD: compatible"

# A copy of customer/ whose API lost deleteCustomer (the "delete:" block of
# /customers/{customerId}).
mkdir -p "$tmp/breaking" "$tmp/compatible"
cp "$tmp/examples/customer/profile-api.yaml" "$tmp/breaking/"
awk '/^    delete:$/ { skip = 1; next }
     skip && /^(  |    )[^ ]/ { skip = 0 }
     !skip' "$tmp/examples/customer/openapi.yaml" >"$tmp/breaking/openapi.yaml"
check "the breaking copy lost deleteCustomer" sh -c \
	"grep -q getCustomer '$tmp/breaking/openapi.yaml' &&
	 ! grep -q deleteCustomer '$tmp/breaking/openapi.yaml'"
# And one that gains an operation: compatible under BACKWARD.
cp "$tmp/examples/customer/profile-api.yaml" "$tmp/compatible/"
awk '/^  \/customers\/\{customerId\}\/consents:$/ {
	print "  /customer-notes:"
	print "    get:"
	print "      operationId: getNotes"
	print "      responses:"
	print "        \"200\":"
	print "          description: The notes"
     }
     { print }' "$tmp/examples/customer/openapi.yaml" >"$tmp/compatible/openapi.yaml"

dw check "$tmp/breaking/profile-api.yaml"
expect_rc 1 "check a removed operation exits 1"
check "check: names openapi.operation-removed" out_has "^breaking +openapi.operation-removed "
check "check: the summary names the product and the mode" \
	out_has "^customer/profile-api \(against version 1\): BACKWARD: incompatible"
# The removed operation is shown at its path, which still exists: the path item's value
# starts on the line after its key.
paths_line=$(($(line_of "$tmp/breaking/openapi.yaml" '^  /customers/\{customerId\}:$') + 1))
check "check: located in the contract file at line $paths_line" \
	out_has "$tmp/breaking/openapi.yaml:$paths_line:[0-9]+\)"
check "check: agent-console does not use deleteCustomer, so nothing is reached" out_lacks "reaches"
dw check "$tmp/breaking/profile-api.yaml" --output github
expect_rc 1 "check --output github exits 1"
check "check --output github: ::error in the contract file" out_has \
	"^::error file=$tmp/breaking/openapi.yaml,line=$paths_line,.*title=openapi.operation-removed::"
dw check "$tmp/breaking/profile-api.yaml" --output json
check "check --output json parses" json_ok
check "check --output json: the product is incompatible" json_true \
	'd["ok"] is False and d["products"][0]["product"] == "customer/profile-api" and
	 d["products"][0]["compatible"] is False'
dw check "$tmp/breaking/profile-api.yaml" --output markdown
check "check --output markdown: a section with the breaking table" sh -c \
	"grep -q '^### customer/profile-api' '$tmp/out' && grep -q '^| Rule | Where | Change' '$tmp/out'"
dw check "$tmp/breaking/profile-api.yaml" --fail-on impacted
expect_rc 0 "check --fail-on impacted: no registered consumer uses deleteCustomer"
dw check "$tmp/breaking/profile-api.yaml" --mode NONE
expect_rc 0 "check --mode NONE exits 0"
dw check "$tmp/compatible/profile-api.yaml"
expect_rc 0 "check an added operation exits 0"
check "check an added operation: compatible" out_has "BACKWARD: compatible"

# A consumer that uses deleteCustomer: now the breaking change reaches it.
mkdir -p "$tmp/consumer"
cat >"$tmp/consumer/erasure-job.yaml" <<'EOF'
apiVersion: driveway/v1
kind: DataProduct
metadata:
  domain: support
  name: erasure-job
  owner: team-support
spec:
  type: orchestrator
  consumes:
    - product: customer/profile-api
      pattern: rest-api
      interaction: command
      uses: [deleteCustomer]
EOF
dw register "$tmp/consumer"
expect_rc 0 "register a consumer using deleteCustomer"
dw check "$tmp/breaking/profile-api.yaml" --fail-on impacted
expect_rc 1 "check --fail-on impacted: the consumer is reached, exit 1"
check "check: the breaking change reaches support/erasure-job" \
	out_has "reaches support/erasure-job \(rest-api\)"
check "check: agent-console (no deleteCustomer in its uses) is not reached" \
	out_lacks "reaches .*support/agent-console"
dw check "$tmp/breaking/profile-api.yaml" --output json --fail-on impacted
check "check --output json: impact names support/erasure-job" json_true \
	'any(f["consumer"] == "support/erasure-job" for f in d["products"][0]["impact"])'

# A product the registry does not know yet.
mkdir -p "$tmp/newprod"
sed 's/^  name: profile-api$/  name: profile-api-next/' "$tmp/breaking/profile-api.yaml" \
	>"$tmp/newprod/profile-api.yaml"
cp "$tmp/breaking/openapi.yaml" "$tmp/newprod/"
dw check "$tmp/newprod"
expect_rc 0 "check a new product exits 0"
check "check a new product: nothing to compare" \
	out_has "^customer/profile-api-next: new product, nothing to compare"

# Bad input and an unreachable registry.
sed 's/^  type: api$/  type: nope/' "$tmp/breaking/profile-api.yaml" >"$tmp/breaking/bad.yaml"
dw check "$tmp/breaking/bad.yaml"
expect_rc 2 "check an invalid descriptor exits 2"
check "invalid descriptor: file:line:col: /spec/type" err_has "bad.yaml:[0-9]+:[0-9]+: /spec/type: "
rm "$tmp/breaking/bad.yaml"
dw --server http://127.0.0.1:1 check "$tmp/breaking/profile-api.yaml"
expect_rc 3 "check with an unreachable registry exits 3"
dw check "$tmp/breaking/profile-api.yaml" --fail-on everything
expect_rc 2 "check --fail-on everything exits 2"

# The registry refuses the breaking version; nothing is registered.
dw register "$tmp/breaking"
expect_rc 1 "register the removed operation: refused, exit 1"
check "register refused: the rule is named" err_has "openapi.operation-removed"
dw --output json versions customer/profile-api
check "register refused: customer/profile-api still has one version" json_true \
	'len(d["items"] if isinstance(d, dict) else d) == 1'
dw register "$tmp/compatible"
expect_rc 0 "register the added operation"
check "register the added operation: version 2" out_has "customer/profile-api@2: created"

check "drivewayd still runs" kill -0 "$server_pid"
lib_finish cli_compat.sh
