#!/usr/bin/env bash
# tests/bench/callgrind.sh -- the instruction count of one command under callgrind (issue 18, "CPU
# hot paths"): instruction counts do not move with the machine's load, where CPU time moves by a
# third on the shared 2-CPU VM, and the VM has no hardware counters (no perf).
#
#   bash tests/bench/callgrind.sh NAME -- CMD [ARGS...]
#
# Runs CMD under `valgrind --tool=callgrind` and prints one JSON object on stdout:
#   {"name": NAME, "ir": <instructions of the whole process>, "ir_planning": <of run_course,
#    plan_finish, plan_notify_mark and plan_shows_mark, inclusive (runner/plan_build.c, plan.c): the
#    recipe's steps per course and the plan's passes over them, without the fetch, the JSON parsing
#    and the plan file>, "exit": <CMD's status>}
# or {"name": NAME, "skipped": "..."} when valgrind (or callgrind_annotate) is not installed.
# CMD's stdout and stderr go to files in a temporary directory (removed). Used by tests/bench/plan.sh
# (the 10,000-object course) and tests/bench/scale.sh (the 200-course plan). Slow: about 50 times
# the command's CPU time.
set -euo pipefail
name=$1
shift
[ "${1:-}" = -- ] && shift
if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
	echo "callgrind: valgrind is not installed; skipping $name" >&2
	jq -nc --arg name "$name" '{name: $name, skipped: "valgrind is not installed"}'
	exit 0
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/cgbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
rc=0
valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$@" >"$dir/out" 2>"$dir/err" </dev/null || rc=$?
[ "$rc" = 0 ] || echo "callgrind: $name exited $rc: $(grep -v '^==' "$dir/err" | tail -n 2 | tr '\n' ' ')" >&2
total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$dir/cg.out" | head -n 1)
[ -n "$total" ] || total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$dir/cg.out" | head -n 1)
# inclusive counts per function; the planning steps are plan_run (plan_build.c) and plan_finish
callgrind_annotate --inclusive=yes --threshold=100 "$dir/cg.out" 2>/dev/null >"$dir/annotate" || true
planning=$(awk 'match($0, /:(run_course|plan_finish|plan_notify_mark|plan_shows_mark) \[/) {
		f = substr($0, RSTART, RLENGTH); if (seen[f]++) next; gsub(",", "", $1); n += $1 }
	END { print n + 0 }' "$dir/annotate")
jq -nc --arg name "$name" --argjson ir "${total:-null}" --argjson p "${planning:-0}" --argjson rc "$rc" \
	'{name: $name, ir: $ir, ir_planning: $p, exit: $rc}'
