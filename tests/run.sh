#!/bin/sh
# tests/run.sh [unit|e2e|fuzz] -- runs the unit tests (cmocka binaries in $BUILD/tests/unit), the
# end-to-end suite (tests/e2e/runtests) and the fuzz corpora once (tests/fuzz/smoke.sh: one test, not
# counted when there is no libFuzzer), then prints one plain line: "N passed, N failed".
# Exit status is non-zero when anything failed.
set -u
BUILD=${BUILD:-build}
what=${1:-all}
pass=0
fail=0
skipped=0
log=tests/log
mkdir -p "$log"

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "$BUILD"/tests/unit/unit-*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		out="$log/$name.out"
		"$t" >"$out" 2>&1
		rc=$?
		p=$(grep -c '^\[       OK \]' "$out")
		f=$(grep -E '^\[  FAILED  \] [^0-9]' "$out" | grep -vc 'test(s)')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1   # crashed before cmocka could report
		fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" -ne 0 ]; then
			echo "FAIL unit $name (exit $rc):"
			sed 's/^/    /' "$out" | tail -40
		else
			echo "ok   unit $name: $p passed"
		fi
	done
fi

if [ "$what" = all ] || [ "$what" = e2e ]; then
	res="$log/e2e.result"
	rm -f "$res"
	BUILD="$BUILD" bash tests/e2e/runtests --result "$res"
	if [ -f "$res" ]; then
		read -r p f s <"$res"
		pass=$((pass + p))
		fail=$((fail + f))
		skipped=$((skipped + ${s:-0}))
	else
		echo "FAIL e2e: the runner did not finish"
		fail=$((fail + 1))
	fi
fi

if [ "$what" = all ] || [ "$what" = fuzz ]; then
	sh tests/fuzz/smoke.sh >"$log/fuzz.out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   fuzz $(tail -n 1 "$log/fuzz.out")"
	elif [ "$rc" -eq 77 ]; then
		skipped=$((skipped + 1))
		echo "skip fuzz $(tail -n 1 "$log/fuzz.out")"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz (exit $rc):"
		sed 's/^/    /' "$log/fuzz.out" | tail -40
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skipped skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
