#!/bin/sh
# tests/checksrc.sh -- `make check`: source rules that the compiler does not enforce.
#   - no banned functions (unbounded copies and formatting, non-reentrant parsing)
#   - every .c file opens with a comment (the design comment of its module)
#   - no tabs-vs-spaces mix at line starts, no trailing whitespace, lines <= 120 columns
set -u
rc=0
files=$(git ls-files 'runner/*.c' 'include/*.h' 'tests/sim/*.c' 'tests/sim/*.h' 'tests/unit/*.c' 'tests/bench/*.c' 'tests/tools/*.c' 'tests/fuzz/*.c')
for f in $files; do
	if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi)[[:space:]]*\(' "$f"; then
		echo "$f: banned function (use snprintf, buf_*, strtol, strtok_r)"
		rc=1
	fi
	head -n 1 "$f" | grep -q '^/\*' || { echo "$f:1: no design comment at the top"; rc=1; }
	if grep -nE '[[:space:]]+$' "$f" | head -n 3 | grep -q .; then
		echo "$f: trailing whitespace"; rc=1
	fi
	if awk 'length($0) > 120 { print FILENAME ":" NR ": line longer than 120 columns"; bad=1 } END { exit bad }' "$f"; then :; else rc=1; fi
done
[ $rc -eq 0 ] && echo "checksrc: ok"
exit $rc
