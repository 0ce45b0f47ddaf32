#!/bin/sh
# SPDX-License-Identifier: MIT
# Shared by the examples/blk tests: a private temp dir, a back end on a
# socket in it, and a trap that kills everything this test started.
# Usage: . lib.sh BINDIR   (sets $BIN, $T; defines start_backend etc.)
set -eu
BIN=$1
T=$(mktemp -d "${TMPDIR:-/tmp}/sring-blk.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.log; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; } >&2
	done
	exit 1
}

# wait_for FILE: until a socket or file exists (5 s at most).
wait_for() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "$1 did not appear"
		sleep 0.05
	done
}

# wait_log FILE PATTERN: until FILE has a line matching PATTERN (10 s).
wait_log() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "no '$2' in $1"
		sleep 0.05
	done
}

# start_backend NAME IMAGE [ARGS...]: $T/NAME.sock, log $T/NAME.log;
# the pid is in $LAST_PID.
start_backend() {
	name=$1
	shift
	"$BIN/sring-blkback" "$@" --socket "$T/$name.sock" \
		>"$T/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $LAST_PID"
	wait_for "$T/$name.sock"
}

# start_nbd NAME [FRONT ARGS...]: an NBD export of socket NAME on a
# loopback port derived from the pid (parallel ctest runs do not collide);
# another port is tried if that one is taken. Sets $PORT and $LAST_PID.
start_nbd() {
	name=$1
	shift
	try=0
	while :; do
		PORT=$((41000 + ($$ * 13 + try * 101) % 8000))
		"$BIN/sring-blkfront" --socket "$T/$name.sock" "$@" \
			nbd "127.0.0.1:$PORT" >"$T/nbd-$name.log" 2>&1 &
		LAST_PID=$!
		i=0
		while ! grep -q "serving nbd" "$T/nbd-$name.log"; do
			kill -0 "$LAST_PID" 2>/dev/null || break
			i=$((i + 1))
			[ $i -gt 100 ] && fail "nbd export did not start"
			sleep 0.05
		done
		if grep -q "serving nbd" "$T/nbd-$name.log"; then
			PIDS="$PIDS $LAST_PID"
			return 0
		fi
		try=$((try + 1))
		[ $try -gt 5 ] && fail "no free port for the nbd export"
	done
}

front() {
	name=$1
	shift
	"$BIN/sring-blkfront" --socket "$T/$name.sock" "$@"
}
