#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Model-checks model/ring.pml with spin: the library's ordering must pass,
# and every deliberately broken variant must FAIL, with the error it is
# meant to show. pan exits 0 even when it finds errors, so the verdict is
# read from its output ("errors: N", the failing assertion, "invalid end
# state"), and an incomplete search ("max search depth too small", or pan
# out of memory, after which it still prints "errors: 0") fails.
#
#   bash model/check.sh          the CI set (well under 2 minutes)
#   SRING_MODEL_FULL=1 bash model/check.sh   adds larger rings (minutes)
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/ring.pml" "$work/"
cd "$work"
command -v spin >/dev/null || { echo "spin not found (apt-get install spin)"; exit 1; }

fail=0
# verify <expect> <name> <spin -D flags...>
#   expect: pass | lost-back | lost-front | deadlock | notify-bound
verify() {
	local expect=$1 name=$2
	shift 2
	local t0 out verdict got
	t0=$(date +%s)
	if ! spin -a "$@" ring.pml >spin.log 2>&1; then
		cat spin.log
		echo "FAIL $name: spin -a failed"
		fail=1
		return
	fi
	if ! gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=3000 -o pan pan.c; then
		echo "FAIL $name: pan.c did not compile"
		fail=1
		return
	fi
	out=$(./pan -m3000000 2>&1)
	echo "$out" >"pan-$name.txt"
	# A search cut short (depth, or memory: pan then still prints
	# "errors: 0") proves nothing.
	if echo "$out" | grep -qE "max search depth too small|out of memory|reached -DMEMLIM"; then
		got=incomplete
	elif echo "$out" | grep -q "errors: 0"; then
		got=pass
	elif echo "$out" | grep -q "assertion violated.*back_asleep"; then
		got=lost-back
	elif echo "$out" | grep -q "assertion violated.*front_asleep"; then
		got=lost-front
	elif echo "$out" | grep -q "assertion violated.*fresh_"; then
		got=notify-bound
	elif echo "$out" | grep -q "invalid end state"; then
		got=deadlock
	else
		got=unknown
	fi
	states=$(echo "$out" | awk '/states, stored/ {print $1; exit}')
	if [ "$got" = "$expect" ]; then
		verdict=ok
	else
		verdict=FAIL
		fail=1
		echo "$out" | grep -E "errors:|violated|invalid end|depth" | head -5
	fi
	printf '%-4s %-22s expect %-12s got %-12s %9s states %3ss  (%s)\n' \
		"$verdict" "$name" "$expect" "$got" "${states:-?}" \
		"$(($(date +%s) - t0))" "$*"
}

# The library as written: must pass. M = 2N is the largest ring (2^31
# slots of 2^32 indices); every run wraps the indices many times.
verify pass        base            -DN=2 -DM=4
verify pass        single-slot     -DN=1 -DM=4
verify pass        front-moderated -DN=2 -DM=4 -DFMOD=2
verify pass        front-mod-over  -DN=2 -DM=4 -DFMOD=3
verify pass        back-mod+timer  -DN=2 -DM=4 -DBMOD=2 -DBACK_TIMEOUT

# The publish policy (pushes in the middle of a batch whose "notify" is
# delivered by the push that ends it): must pass; dropping that kept
# "notify" must leave both sides asleep.
verify pass        policy          -DN=2 -DM=4 -DPUBLISH_POLICY
verify deadlock    policy-drop     -DN=2 -DM=4 -DPUBLISH_POLICY -DPOLICY_DROP

# Each full fence removed: spin must find the lost wake-up.
verify lost-back   no-F1           -DN=2 -DM=4 -DNO_F1
verify lost-back   no-F2           -DN=2 -DM=4 -DNO_F2
verify lost-front  no-F3           -DN=2 -DM=4 -DNO_F3
verify lost-front  no-F4           -DN=2 -DM=4 -DNO_F4

# What the header comments claim needs care, shown to fail without it.
verify deadlock    back-mod-notimer -DN=2 -DM=4 -DBMOD=2
verify deadlock    front-no-cap    -DN=2 -DM=4 -DFMOD=2 -DNO_FRONT_CAP
verify notify-bound notify-always  -DN=2 -DM=4 -DNOTIFY_ALWAYS

if [ "${SRING_MODEL_FULL:-0}" = 1 ]; then
	verify pass    base-m8         -DN=2 -DM=8
	verify pass    ring4-mod3      -DN=4 -DM=8 -DFMOD=3
	verify pass    ring4-bmod3     -DN=4 -DM=8 -DBMOD=3 -DBACK_TIMEOUT
	verify lost-back  ring4-no-F2  -DN=4 -DM=8 -DNO_F2
	verify pass    policy-fmod     -DN=2 -DM=4 -DPUBLISH_POLICY -DFMOD=2
fi

if [ "$fail" = 0 ]; then
	echo "model: all verdicts as expected"
else
	echo "model: UNEXPECTED VERDICT (see above)"
fi
exit "$fail"
