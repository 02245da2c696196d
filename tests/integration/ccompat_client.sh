#!/bin/sh
# A real Confluent Schema Registry client (npm @kafkajs/confluent-schema-registry, a test-only
# dependency pinned by tests/ccompat/package-lock.json) against a real drivewayd on a free
# loopback port with a temporary database: tests/ccompat/client.test.mjs registers, evolves,
# is refused, encodes and decodes Avro, JSON Schema and Protobuf messages with the schema id.
# Exits 1 when a case failed.
#
# node and npm are needed (Debian packages nodejs, npm); the client is installed into
# tests/ccompat/node_modules with `npm ci` when missing. See lib/common.sh for the environment.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init ccompat
here=$root/tests/ccompat

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "FAIL: node and npm are needed to run the Confluent client (Debian packages nodejs, npm)"
	exit 1
fi
if [ ! -d "$here/node_modules/@kafkajs/confluent-schema-registry" ]; then
	echo "== ccompat: installing @kafkajs/confluent-schema-registry into tests/ccompat/node_modules"
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

lib_start_server
DRIVEWAY_TOKEN=$(cat "$DRIVEWAY_TOKEN_FILE")
export DRIVEWAY_TOKEN

# node's test runner prints one "ok"/"not ok" per case and the counts
set +e
node "$here/client.test.mjs"
rc=$?
set -e
if [ "$rc" -eq 0 ]; then
	pass "the Confluent client against drivewayd"
else
	fail "the Confluent client against drivewayd (exit $rc)"
	tail -n 20 "$tmp/drivewayd.log"
fi
lib_finish ccompat_client
