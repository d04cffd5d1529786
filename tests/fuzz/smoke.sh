#!/bin/sh
# tests/fuzz/smoke.sh -- the short fuzz run of `make test` (tests/run.sh, section "fuzz").
#
# Builds build/fuzz/fuzz-recipe (make build-fuzz: clang, -fsanitize=fuzzer,address,undefined) and
# runs it for about 20 seconds (FUZZ_SMOKE_SECONDS) with a bounded number of runs, starting from
# the seed corpus, which also replays every input that once crashed (the regressions). A fresh
# working corpus each time, so that a smoke does not depend on earlier ones; `make fuzz` is the
# long, accumulating run. Exit 0 passed, 1 failed (the log and the crashing input are under
# tests/log/fuzz/), 77 skipped because clang cannot link libFuzzer here.
set -u
cd "$(dirname "$0")/../.."
if ! sh tests/fuzz/have-libfuzzer.sh; then
	echo "skipped: no libFuzzer (clang -fsanitize=fuzzer does not link;" \
		"on Debian: apt-get install clang libclang-rt-dev)"
	exit 77
fi
# make test may run with -j: this make is not a child of that one's jobserver
unset MAKEFLAGS MFLAGS MAKELEVEL
make --no-print-directory build-fuzz || exit 1
log=tests/log/fuzz
work=build/fuzz/smoke-corpus
rm -rf "$work"
mkdir -p "$log" "$work"
rm -f "$log"/crash-* "$log"/leak-* "$log"/timeout-* "$log"/oom-*
build/fuzz/fuzz-recipe -max_total_time="${FUZZ_SMOKE_SECONDS:-20}" -runs=400000 -timeout=5 \
	-rss_limit_mb=2048 -max_len=4096 -dict=tests/fuzz/recipe.dict -artifact_prefix="$log/" \
	-print_final_stats=1 \
	"$work" tests/fuzz/corpus/recipe >"$log/smoke.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "fuzz-recipe failed (exit $rc); the input is in $log/:"
	grep -E '^(==[0-9]+==|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log/smoke.out" |
		head -n 20
	exit 1
fi
runs=$(grep -E '^stat::number_of_executed_units' "$log/smoke.out" | sed 's/.*: *//')
echo "fuzz-recipe: $runs runs, no crash"
