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
#   SRING_FUZZ_SECONDS (default 20) per target; about 4 minutes in all.
set -eu
secs=${SRING_FUZZ_SECONDS:-20}
root=$(pwd)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target sring-fuzz-all
b=$root/build/fuzz
rm -rf "$b/smoke"
mkdir -p "$b/smoke"

while read -r t src; do
	[ -n "$t" ] || continue
	d=$b/smoke/$t
	mkdir -p "$d/corpus" "$d/artifacts"
	cp "$root/fuzz/corpus/$t/"* "$d/corpus/"
	dict=
	[ -f "$root/fuzz/$t.dict" ] && dict=-dict=$root/fuzz/$t.dict
	echo "--- $t: ${secs}s"
	if ! "$b/fuzz/${t}_fuzzer" -max_total_time="$secs" -timeout=10 \
		-max_len=8400 -print_final_stats=1 $dict \
		-artifact_prefix="$d/artifacts/" "$d/corpus" >"$d/log.txt" 2>&1; then
		tail -40 "$d/log.txt"
		echo "FAIL: $t crashed; input in $d/artifacts/"
		exit 1
	fi
	grep -E "cov:" "$d/log.txt" | tail -1
done <"$b/fuzz/targets.txt"

# The toolkit must find the planted bug (trusting the peer's length).
echo "--- fuzzkit demo with DEMO_TRUST_LEN: must crash"
d=$b/smoke/demo-bug
mkdir -p "$d/corpus"
cp "$root/fuzz/corpus/fuzzkit_demo/"* "$d/corpus/"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DDEMO_TRUST_LEN -I"$root/include" -I"$root/examples/fuzzkit" \
	"$root/examples/fuzzkit/fuzz_demo_backend.c" -o "$d/demo_bug_fuzzer"
if "$d/demo_bug_fuzzer" -max_total_time=60 -artifact_prefix="$d/" \
	"$d/corpus" >"$d/log.txt" 2>&1; then
	echo "FAIL: the planted bug was not found in 60 s"
	exit 1
fi
grep -m1 -E "ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error" \
	"$d/log.txt" || { tail -20 "$d/log.txt"; echo "FAIL: crashed, but not as expected"; exit 1; }
echo "planted bug found"

# The same on the example block back end: blkback_core.c built with its
# planted bug (BLKBACK_TRUST_NR_SEGMENTS: indirect segments copied into a
# buffer sized for a direct request's 11) must be caught, starting from a
# valid 4-segment indirect request and a read (seconds, usually).
echo "--- blkback with BLKBACK_TRUST_NR_SEGMENTS: must crash"
d=$b/smoke/blkback-bug
mkdir -p "$d/corpus"
cp "$root/fuzz/corpus/blkback/seed-indirect" \
	"$root/fuzz/corpus/blkback/seed-read" "$d/corpus/"
clang -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -DBLKBACK_TRUST_NR_SEGMENTS \
	-D_DEFAULT_SOURCE -I"$root/include" -I"$root/examples/fuzzkit" \
	"$root/examples/blk/fuzz_blkback.c" -o "$d/blkback_bug_fuzzer"
if "$d/blkback_bug_fuzzer" -max_total_time=60 -artifact_prefix="$d/" \
	"$d/corpus" >"$d/log.txt" 2>&1; then
	echo "FAIL: the planted blkback bug was not found in 60 s"
	exit 1
fi
grep -m1 -E "ERROR: AddressSanitizer: heap-buffer-overflow" \
	"$d/log.txt" || { tail -20 "$d/log.txt"
	echo "FAIL: blkback crashed, but not as expected"; exit 1; }
echo "planted blkback bug found"

# AFL++: build every target; run one briefly.
if command -v afl-clang-fast >/dev/null; then
	a=$b/afl
	rm -rf "$a"
	mkdir -p "$a"
	while read -r t src; do
		[ -n "$t" ] || continue
		AFL_QUIET=1 afl-clang-fast -g -O1 -fsanitize=fuzzer \
			-D_DEFAULT_SOURCE -I"$root/include" -I"$root/fuzz" \
			-I"$root/examples/fuzzkit" "$src" -o "$a/${t}_afl"
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
