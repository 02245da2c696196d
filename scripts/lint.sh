#!/bin/sh
# make lint: banned calls (curl's checksrc idea) and the 100-column limit, over our C sources.
set -u
status=0
files=$(git ls-files '*.c' '*.h' 2>/dev/null; find validators server cli tests bench -name '*.[ch]' 2>/dev/null)
files=$(printf '%s\n' $files | sort -u)
banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atoll|gets)[[:space:]]*\('
for f in $files; do
	[ -f "$f" ] || continue
	if grep -nE "$banned" "$f" | grep -v '^\s*//' >/tmp/lint.$$; then
		sed "s|^|$f:|; s|\$|: banned call|" /tmp/lint.$$
		status=1
	fi
	awk -v f="$f" '{ gsub(/\t/, "        "); if (length($0) > 100) { printf "%s:%d: line longer than 100 columns\n", f, NR; bad = 1 } } END { exit bad }' "$f" || status=1
done
rm -f /tmp/lint.$$
[ $status -eq 0 ] && echo "lint: ok"
exit $status
