#!/bin/sh
# make run: start drivewayd on 127.0.0.1:8080 (DRIVEWAY_LISTEN) with ./driveway.db (DRIVEWAY_DB),
# load examples/ when the registry is empty, then stay in the foreground until Ctrl-C.
set -eu
BUILD=${DRIVEWAY_BUILD:-build}
DB=${DRIVEWAY_DB:-./driveway.db}
LISTEN=${DRIVEWAY_LISTEN:-127.0.0.1:8080}
URL="http://$LISTEN"
TOKEN_FILE="$DB.admin-token"

"$BUILD/drivewayd" --db "$DB" --listen "$LISTEN" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM

i=0
until curl -fsS "$URL/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if ! kill -0 $pid 2>/dev/null || [ $i -gt 100 ]; then
		echo "run: drivewayd did not start on $LISTEN (is the port taken?)" >&2
		exit 1
	fi
	sleep 0.1
done

# The Customer Profile landscape: every folder of examples/ but anti-patterns/, the
# deliberately badly wired landscape the audit's tests use.
if curl -fsS "$URL/products?limit=1" | grep -q '"items": *\[\]'; then
	echo "run: empty registry, loading examples/"
	set --
	for d in examples/*/; do
		[ "$d" = examples/anti-patterns/ ] || set -- "$@" "$d"
	done
	DRIVEWAY_URL="$URL" DRIVEWAY_TOKEN_FILE="$TOKEN_FILE" "$BUILD/driveway" register "$@"
fi

cat <<MSG

  drivewayd is running at $URL   (database $DB)
  admin token: $TOKEN_FILE
  try: $BUILD/driveway list
       $BUILD/driveway get customer/profile-api
  Ctrl-C stops it.

MSG
wait $pid
