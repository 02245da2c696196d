#!/bin/sh
# End-to-end tests of the web catalog in real headless Chromium, driven by playwright-core,
# against a real drivewayd loaded with examples/ through the real CLI.
#   tests/e2e/run.sh            (from the repository root; make test runs it)
# Binaries come from $DRIVEWAY_BUILD (default build/). Chromium: $CHROMIUM, else the first of
# /usr/bin/chromium, chromium, chromium-browser found. Screenshots go to
# $DRIVEWAY_BUILD/e2e-screenshots/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${DRIVEWAY_BUILD:=$root/build}"
DRIVEWAY_BUILD=$(cd "$DRIVEWAY_BUILD" && pwd)
export DRIVEWAY_BUILD DRIVEWAY_ROOT="$root"

chromium=${CHROMIUM:-}
if [ -z "$chromium" ]; then
	for c in /usr/bin/chromium chromium chromium-browser; do
		if command -v "$c" >/dev/null 2>&1; then
			chromium=$(command -v "$c")
			break
		fi
	done
fi
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
	echo "#####################################################################"
	echo "## e2e: SKIPPED: no Chromium found (install the Debian packages     ##"
	echo "## chromium and chromium-driver: scripts/install-deps.sh does it)   ##"
	echo "#####################################################################"
	exit 0
fi
export CHROMIUM="$chromium"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "e2e: node and npm are needed to drive Chromium (Debian packages nodejs, npm)" >&2
	exit 1
fi
for b in drivewayd driveway; do
	if [ ! -x "$DRIVEWAY_BUILD/$b" ]; then
		echo "e2e: $DRIVEWAY_BUILD/$b is missing: run make first" >&2
		exit 1
	fi
done

# playwright-core is a test-only dependency, installed into tests/e2e/node_modules.
if [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "== e2e: installing playwright-core into tests/e2e/node_modules"
	if [ -f "$here/package-lock.json" ]; then
		(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
	else
		(cd "$here" && npm install --no-audit --no-fund --loglevel=error)
	fi
fi

echo "== e2e: catalog in $chromium"
exec node "$here/catalog.test.mjs"
