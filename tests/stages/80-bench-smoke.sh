# SPDX-License-Identifier: MIT
# Benchmarks smoke test: build bench/ (every ring: all their libraries are
# in deps.txt) and run every workload once with tiny counts. Checks that
# every request and response id arrives, that callgrind counting and the
# summary still work; measures nothing (bench/run does, outside the tests).
set -eu
cd "$(dirname "$0")/../.."
dir=build/bench-smoke
rm -rf "$dir/results"
BENCH_BUILD=$dir timeout 300 bash bench/run --quick --out "$dir/results" >"$dir.log" 2>&1 ||
	{ tail -30 "$dir.log"; exit 1; }
# Every ring is built (their libraries are all in scripts/deps.txt: a
# ring that CMake stopped finding must fail here, not vanish), and each
# produced its W1 (all but line) and W2 figures.
for ring in xen sring-xen sring-fast split ck dpdk ideal seq seq72 line; do
	case ";$(cat "$dir/bench/rings.txt");" in
	*";$ring;"*) ;;
	*) echo "bench ring $ring was not built (see $dir.log)"; exit 1 ;;
	esac
	grep -q "^1,$ring,w2," "$dir/results/results.csv" ||
		{ echo "no W2 result for $ring"; exit 1; }
	[ "$ring" = line ] ||
		grep -q "^1,$ring,w1,32,1,stream,mreq_per_s," \
			"$dir/results/results.csv" ||
		{ echo "no W1 result for $ring"; exit 1; }
done
grep -q ",sring-fast,w3," "$dir/results/results.csv"
grep -q ",sring-fast,w3,32,1,mod16_spin0_svc100,notify_per_req," \
	"$dir/results/results.csv"
grep -q ",sring-fast,count,32,0,lockstep,ringop_instr_per_req," "$dir/results/results.csv"
echo "bench smoke: $(($(wc -l <"$dir/results/results.csv") - 1)) results, ids checked"
