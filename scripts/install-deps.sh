#!/bin/sh
# Installs the Debian packages driveway needs to build, test and run, when they are missing.
# Uses sudo when not root. Set DRIVEWAY_NO_INSTALL=1 to only report what is missing.
set -eu

PACKAGES="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 libjansson-dev
libyaml-dev libcurl4-openssl-dev libgraphviz-dev check wrk curl clang libclang-rt-14-dev
json-schema-test-suite chromium chromium-driver openssl
nodejs python3 python3-yaml"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# npm: Node.js from nodesource bundles it, Debian's nodejs does not; ask for Debian's npm only
# when there is no npm at all (the two would conflict).
if ! command -v npm >/dev/null 2>&1; then
	missing="$missing npm"
fi
[ -z "$missing" ] && exit 0

echo "install-deps: missing:$missing"
if [ "${DRIVEWAY_NO_INSTALL:-0}" = 1 ]; then
	exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "install-deps: not root and no sudo; install the packages above by hand" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# Browsers and node are for the web UI's end-to-end tests only: a failure to install them
# must not stop the build, so they go in a second, tolerated step.
core=""
extra=""
for p in $missing; do
	case "$p" in
	chromium | chromium-driver | nodejs | npm) extra="$extra $p" ;;
	*) core="$core $p" ;;
	esac
done
if [ -n "$core" ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $core
fi
if [ -n "$extra" ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $extra ||
		echo "install-deps: could not install$extra (browser tests will say so)" >&2
fi
