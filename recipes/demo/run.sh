#!/bin/sh
# recipes/demo/run.sh [--quiet] -- `make demo`: a term rollover from plan to rollback, on canvas-sim.
#
# The course is recipes/demo/seed.json, "CS 101: Introduction to Programming" as taught in Fall 2025
# (made by recipes/demo/gen-seed.py); the recipe is recipes/demo/term-rollover.yaml (into Spring
# 2026, spring break as a blackout). The script builds nothing (`make demo` builds first), starts
# canvas-sim on a free port, then: version, backup (snapshot), validate, plan (the diff, trimmed on
# screen), the HTML calendar, apply (with its journal), journal show, rollback, and a check that the
# simulator's state is the seed's again; then it stops the simulator. Each step says in one line
# what it does, for someone who has never seen coursectl.
#
# Rules: every step is checked, and a failed check exits 1 (the simulator is stopped on any exit,
# by the trap). The files stay in $DEMO_OUT (build/demo/ by default) for the user to open: the full
# plan (text, JSON, HTML), the journals, the state dumps, the simulator's request log and log.
# DEMO_QUIET=1 or --quiet (the test suite) prints only a failure and the final line, which carries
# the counts a test checks: "demo: ok: planned N changes to M objects, applied them with W writes,
# rolled back; the simulator is back to the seed". Plain POSIX sh; curl and jq (installed by
# `make deps`). DEMO_SEED=FILE starts the simulator with another seed, and DEMO_BEFORE_APPLY=CMD
# runs CMD (sh -c, with $url set to the simulator's) between the plan and the apply: the test uses
# them to check that a failing step fails the demo (a grading period closed after the plan was
# made, as an admin would close it on a real instance). Rejected: comparing with seed.json itself (the simulator fills ids and
# back-references on load, so the dump taken right after start is the reference).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
quiet=${DEMO_QUIET:-0}
[ "${1:-}" = --quiet ] && quiet=1
seed=${DEMO_SEED:-recipes/demo/seed.json}
recipe=recipes/demo/term-rollover.yaml
out=${DEMO_OUT:-$BUILD/demo}
course=5150
token=demo-token
cc="$BUILD/coursectl"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.jsonl "$out"/*.txt "$out"/*.html "$out"/*.log "$out"/*.err
started=$(date +%s)

# fd 3 is the terminal; in quiet mode everything else goes to the log.
exec 3>&1
if [ "$quiet" = 1 ]; then
	exec >"$out/demo.log" 2>&1
fi

sim_pid=""
current="starting"
cleanup() {
	rc=$?
	if [ -n "$sim_pid" ]; then
		kill -TERM "$sim_pid" 2>/dev/null || true
		wait "$sim_pid" 2>/dev/null || true
	fi
	if [ "$rc" -ne 0 ]; then
		if [ "$quiet" = 1 ]; then
			tail -n 25 "$out/demo.log" >&3
		fi
		echo "demo: FAILED at: $current (exit $rc; files in $out/)" >&3
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() {
	current=$*
	printf '\n==> %s\n' "$*"
}
die() {
	echo "  check failed: $*"
	exit 1
}
# The local time of a UTC date in the course's zone, as a teacher reads it.
local_time() {
	TZ=America/New_York date -d "$1" '+%a %Y-%m-%d %H:%M %Z'
}
writes() {
	curl -sf "$url/__sim/requests" | jq '[.[] | select(.method != "GET")] | length'
}
norm='del(.tokens) | walk(if type == "object" then del(.updated_at, .revisions, .last_edited_by, .posted_at,
	.all_day_date) | (if has("published") then del(.workflow_state) else . end) else . end)'

step "coursectl, the tool: its version and the libraries it uses"
"$cc" --version

step "Starting canvas-sim, a local stand-in for Canvas, with CS 101 as copied from Fall 2025 ($seed)"
"$BUILD/canvas-sim" --seed "$seed" >"$out/sim.out" 2>"$out/sim.log" &
sim_pid=$!
i=0
until grep -q '^canvas-sim listening on ' "$out/sim.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$out/sim.log"; die "canvas-sim did not start"; }
	kill -0 "$sim_pid" 2>/dev/null || { cat "$out/sim.log"; sim_pid=""; die "canvas-sim exited"; }
	sleep 0.05
done
url=$(sed -n 's/^canvas-sim listening on //p' "$out/sim.out")
curl -sf "$url/__sim/state" >"$out/state-seed.json"
jq -r '.courses[] | "  \(.course_code) \(.name), \(.time_zone): \(.assignments | length) assignments (\([.assignments[].overrides // [] | length] | add) overrides for sections and students), \(.quizzes | length) quizzes, \(.discussion_topics | length) discussions, \(.announcements | length) announcements, \(.calendar_events | length) events, \(.modules | length) modules, \(.pages | length) pages"' \
	"$out/state-seed.json"
echo "  listening on $url"
export CANVAS_API_TOKEN=$token   # coursectl reads the token from here, never from its command line

step "Taking a backup first with coursectl snapshot (every object of the course, as JSON)"
"$cc" snapshot --url "$url" --course "$course" -o "$out/backup.json"
echo "  $out/backup.json: $(wc -c <"$out/backup.json") bytes"

step "Checking the rollover recipe with coursectl validate (no Canvas needed): $recipe"
"$cc" validate -v "$recipe"

step "Previewing the rollover with coursectl plan: every change, before -> after, in the course's time; nothing is written"
rc=0
"$cc" plan "$recipe" --url "$url" --out "$out/plan.json" >"$out/plan.txt" 2>"$out/plan.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$out/plan.err"; die "plan exited $rc"; }
# A few changes of each kind, not all 500 lines: Lab 1 and its section 002 date, Lab 7 (due in
# spring break, so moved to the day after it), the course dates, a module rename, a page body.
pick='assignment 51001 |override 52001 |assignment 51007 "|course 5150 |module 9101 |page 4302 '
awk -v re="$pick" '
	/^Course / { print; next }
	/^Plan: / { if (gap) print "  ..."; print; next }
	/^  ([~+-]|skipped)/ { show = ($0 ~ re); if (show && gap) print "  ..."; gap = !show && (gap || printed) }
	show && /^  / { print; printed = 1 }' "$out/plan.txt"
echo "  (a selection: the whole plan, $(wc -l <"$out/plan.txt") lines, is in $out/plan.txt)"
changes=$(jq '.summary.changes' "$out/plan.json")
objects=$(jq '.summary.objects' "$out/plan.json")
[ "$changes" -gt 0 ] || die "the plan has no changes"
w=$(writes)
echo "  saved for review and apply: $out/plan.json; writes sent to Canvas so far: $w"
[ "$w" -eq 0 ] || die "plan wrote to Canvas"

step "Drawing the new term as a calendar with coursectl plan --format html (one page, no network)"
"$cc" plan "$recipe" --url "$url" --format html >"$out/plan.html" 2>"$out/plan-html.err" ||
	{ cat "$out/plan-html.err"; die "plan --format html failed"; }
grep -q '</html>' "$out/plan.html" || die "the HTML report is incomplete"
summary=$(sed -n 's/.*>\([0-9][0-9]* dated items[^<]*\)<.*/\1/p' "$out/plan.html" | head -n 1)
echo "  ${summary:-the calendar of the new term}"
echo "  open it in a browser: $out/plan.html"

if [ -n "${DEMO_BEFORE_APPLY:-}" ]; then
	url=$url sh -c "$DEMO_BEFORE_APPLY" || die "DEMO_BEFORE_APPLY failed"
fi

step "Applying the saved plan with coursectl apply --yes (a journal records each change before it is made)"
rc=0
"$cc" apply "$out/plan.json" --url "$url" --yes --journal "$out/apply.jsonl" >"$out/apply.txt" \
	2>"$out/apply.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$out/apply.err"; tail -n 5 "$out/apply.txt"; die "apply exited $rc"; }
tail -n 1 "$out/apply.txt"
grep -q '; 0 failed; 0 conflicts$' "$out/apply.txt" || die "apply reported failures"
applied_writes=$(writes)
curl -sf "$url/__sim/state" >"$out/state-applied.json"
lab1() {
	jq -r --arg n "$2" '.courses[].assignments[] | select(.name == $n) | .due_at' "$1"
}
echo "  $applied_writes writes reached the simulator. For example Lab 1 is now due" \
	"$(local_time "$(lab1 "$out/state-applied.json" 'Lab 1: Hello, Python')")" \
	"(was $(local_time "$(lab1 "$out/state-seed.json" 'Lab 1: Hello, Python')"))"
[ "$applied_writes" -gt 0 ] || die "apply sent no writes"
cmp -s "$out/state-seed.json" "$out/state-applied.json" && die "the simulator's state did not change"

step "Reading the journal with coursectl journal show (what was done, and what rollback would undo)"
"$cc" journal show "$out/apply.jsonl"

step "Undoing it all with coursectl rollback (from the journal; the rollback keeps its own journal)"
rc=0
"$cc" rollback "$out/apply.jsonl" --url "$url" --yes --journal "$out/rollback.jsonl" >"$out/rollback.txt" \
	2>"$out/rollback.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$out/rollback.err"; die "rollback exited $rc"; }
tail -n 1 "$out/rollback.txt"

step "Checking the simulator is back to the seed (every object, except the timestamps Canvas bumps on a save)"
curl -sf "$url/__sim/state" >"$out/state-after.json"
jq -S "$norm" "$out/state-seed.json" >"$out/state-seed.norm.json"
jq -S "$norm" "$out/state-after.json" >"$out/state-after.norm.json"
if ! cmp -s "$out/state-seed.norm.json" "$out/state-after.norm.json"; then
	diff "$out/state-seed.norm.json" "$out/state-after.norm.json" | head -n 20
	die "the course differs from the seed"
fi
echo "  the course is exactly as it was before the apply"

step "Stopping canvas-sim (its request log is kept in $out/requests.json)"
curl -sf "$url/__sim/requests" >"$out/requests.json"
kill -TERM "$sim_pid"
wait "$sim_pid" || true
sim_pid=""
current="finishing"

secs=$(($(date +%s) - started))
[ "$quiet" = 1 ] || printf '\nThat was a term rollover: preview, apply, undo. Try it on your own course: README.md.\n'
echo "demo: ok in ${secs}s: planned $changes changes to $objects objects, applied them with $applied_writes writes," \
	"rolled back; the simulator is back to the seed (files in $out/)" >&3
