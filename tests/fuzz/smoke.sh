#!/bin/sh
# tests/fuzz/smoke.sh -- the fuzz part of `make test` (tests/run.sh, section "fuzz"): every input of
# every seed corpus run once through its target.
#
# Builds the targets (make build-fuzz: clang, -fsanitize=fuzzer,address,undefined; one binary per
# tests/fuzz/fuzz-NAME.c) and runs each on the files of tests/fuzz/corpus/NAME, which hold the
# seeds and every input that once crashed (regress-*: the regressions). No mutation: a few
# seconds for all, the same result every time; `make fuzz` is the long, searching run. Exit 0
# passed, 1 failed (the log is under tests/log/fuzz/), 77 skipped because clang cannot link
# libFuzzer here.
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
mkdir -p "$log"
rm -f "$log"/*.out
targets=0
inputs=0
for src in tests/fuzz/fuzz-*.c; do
	t=${src#tests/fuzz/fuzz-}
	t=${t%.c}
	n=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
	if [ "$n" -eq 0 ]; then
		echo "fuzz-$t: no seed in tests/fuzz/corpus/$t"
		exit 1
	fi
	# -runs is unused with files as arguments: each file runs once
	find "tests/fuzz/corpus/$t" -type f -print0 | sort -z |
		xargs -0 "build/fuzz/fuzz-$t" -timeout=10 -rss_limit_mb=2048 >"$log/$t.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "fuzz-$t failed (exit $rc) on its corpus; the log is $log/$t.out:"
		grep -E '^(Running: |==[0-9]+==|SUMMARY|.*runtime error)' "$log/$t.out" | tail -n 20
		exit 1
	fi
	targets=$((targets + 1))
	inputs=$((inputs + n))
done
echo "$targets targets, $inputs inputs run once, no crash"
