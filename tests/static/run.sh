#!/bin/sh
# tests/static/run.sh [cppcheck|tidy|valgrind]... -- the static and dynamic checks of `make check`
# (all three when none is named). Each prints its findings as FILE:LINE: ... and the script exits
# non-zero when any finds something; a tool the machine lacks fails too (make deps installs them).
#
#   cppcheck  cppcheck 2.x, --enable=warning,portability (its "style" and "performance" classes
#             are taste, not bugs), over runner/ and tests/sim/; tests/static/cppcheck-macros.h
#             gives it the library macros it cannot see (it is not given the system headers).
#   tidy      (also `make tidy`) clang-tidy over runner/ and tests/sim/ with the checks in
#             TIDY_CHECKS below, every warning an error: the static analyzer (clang-analyzer-*: null
#             dereferences, leaks, use after free, uninitialised reads, dead stores), bugprone-* and
#             four CERT rules. About 5 minutes on 2 cores (JOBS=2). Where the analyzer cannot see a
#             fact across files (err_set never returns 0, cJSON_Is* take NULL), the code states it
#             (an initialised variable, an explicit test, an assert) rather than a NOLINT.
#             Left out, with the reason:
#               DeprecatedOrUnsafeBufferHandling  wants memcpy_s and friends (Annex K; glibc has none)
#               bugprone-easily-swappable-parameters, -branch-clone, -assignment-in-if-condition,
#               -implicit-widening-of-multiplication-result, -narrowing-conversions
#                                                 style, not bugs (and conversions between sizes
#                                                 are -Wextra's)
#               bugprone-reserved-identifier      the include guards and _Static_assert names are ours
#               bugprone-suspicious-string-compare  `if (strcmp(a, b))` is this code's style (124 hits)
#               bugprone-sizeof-expression        fires on sizeof(*v) for arrays of pointers given to
#                                                 qsort and bsearch, which is right (33 hits)
#               clang-analyzer-valist.Uninitialized  clang 14 reports every va_list passed on to
#                                                 vsnprintf as uninitialised (a false positive
#                                                 on x86-64, where va_list is an array)
#   valgrind  every unit binary ($BUILD/tests/unit/unit-*) under memcheck: invalid reads and
#             writes, uninitialised values and definite leaks are errors (tests/static/valgrind.supp
#             holds the suppressions, each with its reason).
# Suppressions in code are `// cppcheck-suppress ID` or `// NOLINT(check)` with a comment saying why.
set -u
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
what=${*:-cppcheck tidy valgrind}
rc=0
log=tests/log/static
mkdir -p "$log"
SRC="runner tests/sim"
STD="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"

TIDY_CHECKS='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
TIDY_CHECKS="$TIDY_CHECKS,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier"
TIDY_CHECKS="$TIDY_CHECKS,-bugprone-narrowing-conversions,-bugprone-branch-clone"
TIDY_CHECKS="$TIDY_CHECKS,-bugprone-assignment-in-if-condition,-bugprone-implicit-widening-of-multiplication-result"
TIDY_CHECKS="$TIDY_CHECKS,-bugprone-suspicious-string-compare,-bugprone-sizeof-expression"
TIDY_CHECKS="$TIDY_CHECKS,-clang-analyzer-valist.Uninitialized"
TIDY_CHECKS="$TIDY_CHECKS,cert-err34-c,cert-flp30-c,cert-msc30-c,cert-msc50-c"

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "check: $1 not found (make deps installs it)"
	rc=1
	return 1
}

for w in $what; do
	start=$(date +%s)
	case $w in
	cppcheck)
		need cppcheck || continue
		if ! cppcheck -q --enable=warning,portability --std=c11 --inline-suppr --error-exitcode=1 \
			-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE --include=tests/static/cppcheck-macros.h \
			-Iinclude -Itests/sim -j"$JOBS" $SRC >"$log/cppcheck.txt" 2>&1; then
			cat "$log/cppcheck.txt"
			echo "check: cppcheck found problems"
			rc=1
		fi
		;;
	tidy)
		need clang-tidy || continue
		CHECKS=$TIDY_CHECKS
		FLAGS="$STD -Iinclude -Itests/sim $(pkg-config --cflags libcurl libcjson yaml-0.1 libpcre2-8 libcmark-gfm libmicrohttpd)"
		export CHECKS FLAGS
		if ! ls runner/*.c tests/sim/*.c | xargs -P"$JOBS" -n8 sh tests/static/tidy-one.sh >"$log/tidy.txt" 2>&1; then
			grep -E '(warning|error):' "$log/tidy.txt"
			echo "check: clang-tidy found problems (log: $log/tidy.txt)"
			rc=1
		fi
		;;
	valgrind)
		# the unit tests' time limits (unit-recipe-core.c) stretch under valgrind
		export COURSECTL_TEST_TIME_SCALE=50
		need valgrind || continue
		for t in "$BUILD"/tests/unit/unit-*; do
			[ -x "$t" ] && [ "${t%.d}" = "$t" ] && [ "${t%.o}" = "$t" ] || continue
			name=$(basename "$t")
			if ! valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
				--show-leak-kinds=definite --track-origins=yes --suppressions=tests/static/valgrind.supp \
				"$t" >"$log/valgrind-$name.txt" 2>&1; then
				grep -E '^==[0-9]+==' "$log/valgrind-$name.txt" | head -40
				echo "check: valgrind: $name (log: $log/valgrind-$name.txt)"
				rc=1
			fi
		done
		;;
	*)
		echo "check: unknown check '$w' (cppcheck, tidy, valgrind)"
		rc=1
		continue
		;;
	esac
	echo "check: $w done in $(($(date +%s) - start)) s"
done
[ $rc -eq 0 ] && echo "check: static and dynamic checks clean"
exit $rc
