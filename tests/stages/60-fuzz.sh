# SPDX-License-Identifier: MIT
# Fuzz smoke: build every fuzz target with the "fuzz" preset (clang,
# libFuzzer, ASan+UBSan) in build/fuzz and run each for a bounded time from
# its committed corpus; any crash fails the stage (the input is left in
# build/fuzz/smoke/<target>/ — commit it to fuzz/corpus/<target>/ as a
# regression input once fixed). Then:
#  - the fuzzkit demo back end built with its planted bug (DEMO_TRUST_LEN)
#    must be caught, proving the toolkit finds what it is for; so must the
#    example block back end's (BLKBACK_TRUST_NR_SEGMENTS);
#  - every target is built once with AFL++ (afl-clang-fast -fsanitize=fuzzer
#    links AFL's libFuzzer-compatible driver), and one runs for a few
#    seconds headless, so the AFL path cannot rot.
#   SRING_FUZZ_SECONDS (default 60, the figure) per target, two
#   targets at a time (SRING_FUZZ_JOBS, default 2); about 6 minutes in all.
set -eu
secs=${SRING_FUZZ_SECONDS:-60}
root=$(pwd)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target sring-fuzz-all
b=$root/build/fuzz
rm -rf "$b/smoke"
mkdir -p "$b/smoke"

# smoke T: run target T for $secs from its committed corpus.
smoke() {
	local t=$1 d=$b/smoke/$1 dict=
	mkdir -p "$d/corpus" "$d/artifacts"
	cp "$root/fuzz/corpus/$t/"* "$d/corpus/"
	[ -f "$root/fuzz/$t.dict" ] && dict=-dict=$root/fuzz/$t.dict
	"$b/fuzz/${t}_fuzzer" -max_total_time="$secs" -timeout=10 \
		-max_len=8400 -print_final_stats=1 $dict \
		-artifact_prefix="$d/artifacts/" "$d/corpus" >"$d/log.txt" 2>&1
}

# Two targets at a time (one per core); report each in the list's order.
targets=$(awk 'NF { print $1 }' "$b/fuzz/targets.txt")
declare -A pid
running=0
for t in $targets; do
	if [ "$running" -ge "${SRING_FUZZ_JOBS:-2}" ]; then
		wait -n || true
		running=$((running - 1))
	fi
	echo "--- $t: ${secs}s"
	smoke "$t" &
	pid[$t]=$!
	running=$((running + 1))
done
failed=0
for t in $targets; do
	if wait "${pid[$t]}"; then
		printf '%s: ' "$t"
		grep -E "cov:" "$b/smoke/$t/log.txt" | tail -1
	else
		tail -40 "$b/smoke/$t/log.txt"
		echo "FAIL: $t crashed; input in $b/smoke/$t/artifacts/"
		failed=1
	fi
done
[ "$failed" = 0 ] || exit 1

# planted NAME MACRO SOURCE EXPECT SEED...: SOURCE built with its planted
# bug (-DMACRO) must crash within 60 s from the SEED inputs, with a
# sanitizer report matching the extended regex EXPECT.
planted() {
	local name=$1 macro=$2 src=$3 expect=$4 d=$b/smoke/$1-bug
	shift 4
	echo "--- $name with $macro: must crash"
	mkdir -p "$d/corpus"
	cp "$@" "$d/corpus/"
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -D"$macro" -D_DEFAULT_SOURCE \
		-I"$root/include" -I"$root/examples/fuzzkit" "$src" \
		-o "$d/${name}_bug_fuzzer"
	if "$d/${name}_bug_fuzzer" -max_total_time=60 -artifact_prefix="$d/" \
		"$d/corpus" >"$d/log.txt" 2>&1; then
		echo "FAIL: the planted $name bug was not found in 60 s"
		exit 1
	fi
	grep -m1 -E "$expect" "$d/log.txt" || {
		tail -20 "$d/log.txt"
		echo "FAIL: $name crashed, but not as expected"
		exit 1
	}
	echo "planted $name bug found"
}

# The toolkit must find the planted bug (trusting the peer's length).
planted demo DEMO_TRUST_LEN "$root/examples/fuzzkit/fuzz_demo_backend.c" \
	"ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error" \
	"$root/fuzz/corpus/fuzzkit_demo/"*

# The same on the example block back end: blkback_core.c built with its
# planted bug (BLKBACK_TRUST_NR_SEGMENTS: indirect segments copied into a
# buffer sized for a direct request's 11) must be caught, starting from a
# valid 4-segment indirect request and a read (seconds, usually).
planted blkback BLKBACK_TRUST_NR_SEGMENTS "$root/examples/blk/fuzz_blkback.c" \
	"ERROR: AddressSanitizer: heap-buffer-overflow" \
	"$root/fuzz/corpus/blkback/seed-indirect" \
	"$root/fuzz/corpus/blkback/seed-read"

# AFL++: build every target; run one briefly.
if command -v afl-clang-fast >/dev/null; then
	a=$b/afl
	rm -rf "$a"
	mkdir -p "$a"
	while read -r t srcs; do
		[ -n "$t" ] || continue
		# $srcs unquoted: a target may have several sources.
		# shellcheck disable=SC2086
		AFL_QUIET=1 afl-clang-fast -g -O1 -fsanitize=fuzzer \
			-D_DEFAULT_SOURCE -I"$root/include" -I"$root/fuzz" \
			-I"$root/examples/fuzzkit" $srcs -o "$a/${t}_afl"
		echo "afl-clang-fast: built $t"
	done <"$b/fuzz/targets.txt"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		afl-fuzz -V 10 -i "$root/fuzz/corpus/ring_back" -o "$a/out" \
		-- "$a/ring_back_afl" >"$a/log.txt" 2>&1 || true
	execs=$(awk '/^execs_done/ {print $3}' "$a/out/default/fuzzer_stats" 2>/dev/null || echo 0)
	crashes=$(awk '/^saved_crashes/ {print $3}' "$a/out/default/fuzzer_stats" 2>/dev/null || echo 0)
	echo "afl-fuzz ring_back 10 s: $execs executions, $crashes crashes"
	if [ "${execs:-0}" -le 0 ] || [ "${crashes:-0}" != 0 ]; then
		tail -20 "$a/log.txt"
		echo "FAIL: afl-fuzz did not run cleanly"
		exit 1
	fi
else
	echo "FAIL: afl-clang-fast not installed (afl++ is in scripts/deps.txt)"
	exit 1
fi
