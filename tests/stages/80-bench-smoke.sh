# SPDX-License-Identifier: MIT
# Benchmarks smoke test: build bench/ (every ring whose library is
# installed) and run every workload once with tiny counts. Checks that
# every request and response id arrives, that callgrind counting and the
# summary still work; measures nothing (bench/run does, outside the tests).
set -eu
cd "$(dirname "$0")/../.."
dir=build/bench-smoke
rm -rf "$dir/results"
BENCH_BUILD=$dir timeout 300 bash bench/run --quick --out "$dir/results" >"$dir.log" 2>&1 ||
	{ tail -30 "$dir.log"; exit 1; }
# Every ring that was built produced W1 and W2 figures.
for ring in $(tr ';' ' ' <"$dir/bench/rings.txt"); do
	grep -q "^1,$ring,w2," "$dir/results/results.csv" ||
		{ echo "no W2 result for $ring"; exit 1; }
done
grep -q ",sring-fast,w3," "$dir/results/results.csv"
grep -q ",sring-fast,w3,32,1,mod16_spin0_svc100,notify_per_req," \
	"$dir/results/results.csv"
grep -q ",sring-fast,count,32,0,lockstep,ringop_instr_per_req," "$dir/results/results.csv"
echo "bench smoke: $(($(wc -l <"$dir/results/results.csv") - 1)) results, ids checked"
