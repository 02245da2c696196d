#!/bin/sh
# Real Confluent Schema Registry clients against a real drivewayd on a free loopback port with
# a temporary database (a fresh one for each client). Exits 1 when a case failed.
#
# - npm @kafkajs/confluent-schema-registry (pinned by tests/ccompat/package-lock.json):
#   tests/ccompat/client.test.mjs registers, evolves, is refused, encodes and decodes Avro,
#   JSON Schema and Protobuf messages with the schema id.
# - Confluent's own client, npm @confluentinc/schemaregistry (pinned by
#   tests/ccompat-confluent/package-lock.json, a folder of its own: its install is ~170 MB, with
#   the cloud KMS SDKs it depends on): tests/ccompat-confluent/confluent.test.mjs drives the
#   SchemaRegistryClient's calls and the Avro, JSON Schema and Protobuf serdes.
#
# node and npm are needed (Debian packages nodejs, npm); each client is installed into its
# folder's node_modules with `npm ci` when missing. See lib/common.sh for the environment.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init ccompat

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "FAIL: node and npm are needed to run the Confluent clients (Debian packages nodejs, npm)"
	exit 1
fi

# run_client DIR PACKAGE TEST NAME: installs PACKAGE into DIR/node_modules when missing, starts
# a drivewayd on a new database and runs DIR/TEST with node's test runner against it.
run_client() {
	dir=$root/tests/$1
	if [ ! -d "$dir/node_modules/$2" ]; then
		echo "== ccompat: installing $2 into tests/$1/node_modules"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || :
		wait "$server_pid" 2>/dev/null || :
		server_pid=
		rm -f "$tmp"/d.db* "$tmp/port"
	fi
	lib_start_server
	DRIVEWAY_TOKEN=$(cat "$DRIVEWAY_TOKEN_FILE")
	export DRIVEWAY_TOKEN

	# node's test runner prints one "ok"/"not ok" per case and the counts
	set +e
	node "$dir/$3"
	rc=$?
	set -e
	if [ "$rc" -eq 0 ]; then
		pass "$4 against drivewayd"
	else
		fail "$4 against drivewayd (exit $rc)"
		tail -n 20 "$tmp/drivewayd.log"
	fi
}

run_client ccompat @kafkajs/confluent-schema-registry client.test.mjs \
	"@kafkajs/confluent-schema-registry"
run_client ccompat-confluent @confluentinc/schemaregistry confluent.test.mjs \
	"@confluentinc/schemaregistry"
lib_finish ccompat_client
