#!/bin/sh
# recipes/demo/run.sh -- `make demo`: the main job on the bundled simulator.
#
# coursectl exports the course (snapshot), checks the recipe (validate), previews the term rollover
# (plan), applies it with a journal (apply), undoes it (rollback) and checks the simulator is back
# where it started (issue 8 makes it the full term-rollover demo on a larger course). Every step says in one line what it does. Exits 0 on success.
set -eu
BUILD=${BUILD:-build}
seed=tests/fixtures/small-seed.json
token=demo-token
dir=$(mktemp -d "${TMPDIR:-/tmp}/coursectl-demo.XXXXXX")
sim_pid=""
cleanup() {
	[ -z "$sim_pid" ] || kill -TERM "$sim_pid" 2>/dev/null || true
	[ -z "$sim_pid" ] || wait "$sim_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

step() { printf '\n==> %s\n' "$*"; }

step "coursectl, the tool: its version and the libraries it uses"
"$BUILD/coursectl" --version

step "Starting canvas-sim, our local Canvas, on a free port with the PHYS 101 seed ($seed)"
"$BUILD/canvas-sim" --seed "$seed" --token "$token" >"$dir/sim.out" 2>"$dir/sim.err" &
sim_pid=$!
i=0
until grep -q '^canvas-sim listening on ' "$dir/sim.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$dir/sim.err"; exit 1; }
	sleep 0.05
done
url=$(sed -n 's/^canvas-sim listening on //p' "$dir/sim.out")
echo "listening on $url"

step "Exporting the course with coursectl snapshot (a backup before any change; the simulator's seed format)"
CANVAS_API_TOKEN=$token "$BUILD/coursectl" snapshot --url "$url" --course 4821 --course sis_course_id:PHYS101L/001 \
	-o "$dir/snapshot.json"
jq -r '.courses[] | "  \(.course_code) \(.name) (\(.time_zone)): \(.assignments | length) assignments, \(.quizzes | length) quizzes, \(.discussion_topics | length) discussions, \(.modules | length) modules, \(.pages | length) pages, \(.calendar_events | length) events"' "$dir/snapshot.json"

step "Checking the term-rollover recipe with coursectl validate (no Canvas needed)"
"$BUILD/coursectl" validate -v recipes/term-rollover.yaml
printf 'version: 1\nsteps:\n  - shfit_dates: {days: 7}\n' >"$dir/typo.yaml"
echo "  ... and a recipe with a typo, reported at its line and column:"
"$BUILD/coursectl" validate "$dir/typo.yaml" 2>&1 | sed "s|$dir/||; s/^/  /" || true

step "Previewing the term rollover with coursectl plan: every change, before -> after; nothing is written"
CANVAS_API_TOKEN=$token "$BUILD/coursectl" plan recipes/term-rollover.yaml --url "$url" --course 4821 \
	--out "$dir/plan.json" >"$dir/plan.txt"
sed -n '1,16p' "$dir/plan.txt"
echo "  ... ($(wc -l <"$dir/plan.txt") lines in all)"
tail -n 1 "$dir/plan.txt"
echo "  saved plan: $(jq '.summary.changes' "$dir/plan.json") changes, mode $(stat -c %a "$dir/plan.json"); writes sent to Canvas: $(curl -sf "$url/__sim/requests" | jq '[.[] | select(.method != "GET")] | length')"

step "Applying the saved plan with coursectl apply (a write-ahead journal first, then the writes, each read back)"
curl -sf "$url/__sim/state" >"$dir/before.json"
CANVAS_API_TOKEN=$token "$BUILD/coursectl" apply "$dir/plan.json" --url "$url" --yes \
	--journal "$dir/apply.jsonl" 2>&1 >/dev/null | sed 's/^/  /'
echo "  the simulator now has Lab 3 due: $(curl -sf "$url/__sim/state" | jq -r '.courses[0].assignments[] | select(.id == 90211) | .due_at')"

step "Undoing it with coursectl rollback (from the journal; the rollback writes its own journal)"
CANVAS_API_TOKEN=$token "$BUILD/coursectl" rollback "$dir/apply.jsonl" --url "$url" --yes \
	--journal "$dir/rollback.jsonl" 2>&1 >/dev/null | sed 's/^/  /'
# What a round trip cannot restore and is not compared: timestamps Canvas bumps on every save,
# page revisions and their editor, derived fields (tests/e2e/t0910-apply.sh explains each).
norm='del(.tokens) | walk(if type == "object" then del(.updated_at, .revisions, .last_edited_by, .posted_at,
	.all_day_date) | (if has("published") then del(.workflow_state) else . end) else . end)'
curl -sf "$url/__sim/state" | jq -S "$norm" >"$dir/after.norm"
jq -S "$norm" "$dir/before.json" >"$dir/before.norm"
if cmp -s "$dir/before.norm" "$dir/after.norm"; then
	echo "  the course is back exactly as it was before the apply"
else
	echo "  the course differs from before the apply:"
	diff "$dir/before.norm" "$dir/after.norm" | head -20
	exit 1
fi

step "A wrong token stops coursectl with exit code 3 and says what to do"
rc=0
CANVAS_API_TOKEN=wrong "$BUILD/coursectl" snapshot --url "$url" --course 4821 >/dev/null 2>"$dir/err" || rc=$?
sed 's/^/  /' "$dir/err"
echo "  exit code $rc"
[ "$rc" -eq 3 ]

step "What the simulator saw (GET /__sim/stats): requests by status"
curl -sf "$url/__sim/stats" | jq -c '{total_requests, by_status, throttled}'

step "Stopping canvas-sim"
kill -TERM "$sim_pid"
wait "$sim_pid" || true
sim_pid=""
printf '\nDemo finished: planned, applied and rolled back; see README.md.\n'
