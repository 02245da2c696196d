#!/bin/sh
# drivewayd backup while another drivewayd serves a burst of writes: the copy passes SQLite's
# integrity check and holds every write acknowledged before the backup started; drivewayd
# restore checks its source and will not overwrite a database without --force.
set -eu
. "$(dirname "$0")/lib/common.sh"
lib_init backup

lib_start_server
tok=$(cat "$tmp/d.db.admin-token")
: >"$tmp/acked"
# The writer: domains w-1..w-400, one PUT each; a name goes to acked once its 201 is in.
(
	i=1
	while [ "$i" -le 400 ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
			-H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
			--data-binary "{\"apiVersion\":\"driveway/v1\",\"kind\":\"Domain\",\"metadata\":{\"name\":\"w-$i\"},\"spec\":{\"title\":\"W $i\",\"owner\":\"team-w\"}}" \
			"$DRIVEWAY_URL/domains/w-$i")
		[ "$code" = 201 ] && echo "w-$i" >>"$tmp/acked"
		i=$((i + 1))
	done
) &
writer=$!
i=0
while [ "$(wc -l <"$tmp/acked" 2>/dev/null || echo 0)" -lt 50 ] && [ "$i" -lt 300 ]; do
	sleep 0.05
	i=$((i + 1))
done
cp "$tmp/acked" "$tmp/before"
run "$dwd_bin" backup --db "$tmp/d.db" "$tmp/backup.db"
expect_rc 0 "backup while another drivewayd writes"
wait "$writer"
check "writes went on during and after the backup" \
	test "$(wc -l <"$tmp/acked")" -gt "$(wc -l <"$tmp/before")"
check "the backup passes integrity_check" \
	test "$(sqlite3 "$tmp/backup.db" 'PRAGMA integrity_check')" = ok
check "the backup is one file" test ! -e "$tmp/backup.db-wal"

run "$dwd_bin" restore --db "$tmp/restored.db" "$tmp/backup.db"
expect_rc 0 "restore into a new database"
check "the restored database passes integrity_check" \
	test "$(sqlite3 "$tmp/restored.db" 'PRAGMA integrity_check')" = ok
sqlite3 "$tmp/restored.db" 'SELECT name FROM domains' | sort >"$tmp/restored-names"
sort "$tmp/before" >"$tmp/before-sorted"
check "every write acknowledged before the backup is restored ($(wc -l <"$tmp/before"))" \
	test -z "$(comm -23 "$tmp/before-sorted" "$tmp/restored-names")"

run "$dwd_bin" restore --db "$tmp/restored.db" "$tmp/backup.db"
expect_rc 1 "restore refuses an existing database"
check "and says how to go on" err_has "refusing to overwrite.*--force"
printf 'not a database, only some text that is long enough to be a page header...' \
	>"$tmp/garbage.db"
run "$dwd_bin" restore --db "$tmp/restored.db" --force "$tmp/garbage.db"
expect_rc 1 "restore checks its source first"
check "the restored database is untouched by a bad source" \
	test "$(sqlite3 "$tmp/restored.db" 'PRAGMA integrity_check')" = ok
run "$dwd_bin" restore --db "$tmp/restored.db" --force "$tmp/backup.db"
expect_rc 0 "restore --force replaces a database"
run "$dwd_bin" backup
expect_rc 2 "backup without FILE is a usage error"
run "$dwd_bin" backup --db "$tmp/missing.db" "$tmp/x.db"
expect_rc 1 "backup of a missing database fails"
check "without creating it" test ! -e "$tmp/missing.db"
lib_finish backup
