# SPDX-License-Identifier: MIT
# Cheap checks first: every tracked source/doc file carries an SPDX tag,
# and the public headers include nothing but <stddef.h>, <stdint.h> and
# sring's own headers.
set -eu
bad=0
# git ls-files failing (no .git, no git) must fail the stage, not leave
# the loops below with nothing to check.
files=$(git ls-files)
headers=$(git ls-files 'include/sring/*.h' 'include/sring/**/*.h')
[ -n "$files" ] && [ -n "$headers" ] || {
	echo "hygiene: git ls-files listed nothing (run from a git checkout)"
	exit 1
}
while IFS= read -r f; do
	case "$f" in
	LICENSE | *.json | fuzz/corpus/* | *.dict | bench/results/* | */testdata/*) continue ;;
	esac
	[ -f "$f" ] || continue
	if ! head -n 5 "$f" | grep -q 'SPDX-License-Identifier: MIT'; then
		echo "missing SPDX tag: $f"
		bad=1
	fi
done <<<"$files"
while IFS= read -r h; do
	if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$h" |
		grep -vE '<(stddef|stdint)\.h>|<sring/'; then
		echo "^ $h includes more than <stddef.h>, <stdint.h> and <sring/...>"
		bad=1
	fi
done <<<"$headers"
if [ "$bad" = 0 ]; then
	echo "hygiene: SPDX tags and header includes ok"
fi
exit "$bad"
