#!/usr/bin/env bash
# tests/bench/apply.sh -- `coursectl apply` of a term rollover over 20 courses x 150 dated objects
# against canvas-sim at 50 ms latency with the default throttle bucket (issue 7, "Benchmark").
# Reports figures; never fails on them (only when something cannot run at all).
#
#   bash tests/bench/apply.sh            (also run at the end of `make bench`, tests/bench/run.sh)
#
# 1. Seed: tests/fixtures/gen-seed.sh --courses 20 --assignments 150 --pages 1 --modules 1
#    --overrides-every 0: 20 courses of 150 dated assignments each (every one has a due_at, every
#    third an unlock_at, every fourth a lock_at; the one module is the first and has no date).
#    Recipe: one shift_dates step, Fall 2025 -> Spring 2026 (term to term, same weekdays kept).
# 2. canvas-sim --latency-ms 50 (BENCH_APPLY_LATENCY), default bucket (throttle on: hwm 600,
#    outflow 10/s, up-front 50), --progress-delay-ms at its default (300).
# 3. Runs, each on a fresh simulator state (POST /__sim/reset):
#    a. `coursectl plan`, to count the reads any tool needs to learn the current dates;
#    b. `coursectl apply --yes` at the default concurrency;
#    c. `coursectl apply --yes --concurrency 1`: the one-request-at-a-time baseline.
#    For b and c: wall time, requests (GET /__sim/stats total_requests), writes, by kind
#    (bulk_update, Progress polls, other GETs), throttled (403 Rate Limit) and the exit status.
# 4. The minimum number of requests, computed:
#      reads  = the plan's reads (a);
#      writes = 1 bulk_update per course per 100 assignments: exec.c sends batches of BULK_BATCH
#               (100) assignments, the most its read-back can name in one assignment_ids[] list
#               call, so ceil(150 / 100) = 2 per course (API.md 5.3 itself sets no size limit: a
#               single bulk_update per course, 20 in all, is the absolute floor, also printed);
#      polls  = 1 Progress GET per bulk_update at least (the job is asynchronous; the first poll
#               can already see it completed);
#    minimum = reads + 2 x bulk_updates. apply --yes of the recipe takes the plan's reads as its
#    stale check (runner/exec_stale.c) and re-reads after the writes only what no answer proves:
#    each bulk_update's assignments (a Progress names no values, runner/exec_bulk.c). A naive tool writing one PUT per assignment would send
#    courses x 150 PUTs; its sequential time at this latency is printed as an estimate (not run).
#
# Environment: BUILD (build), BENCH_APPLY_COURSES (20), BENCH_APPLY_OBJECTS (150),
# BENCH_APPLY_LATENCY (50), BENCH_APPLY_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
COURSES=${BENCH_APPLY_COURSES:-20}
OBJECTS=${BENCH_APPLY_OBJECTS:-150}
LATENCY=${BENCH_APPLY_LATENCY:-50}
TOKEN=bench-token

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init "apply bench" applybench "${BENCH_APPLY_KEEP:-0}"

# ---------------------------------------------------------------- 1. seed and recipe
bash tests/fixtures/gen-seed.sh --courses "$COURSES" --assignments "$OBJECTS" --pages 1 --modules 1 \
	--overrides-every 0 --token "$TOKEN" >"$dir/seed.json"
ids=$(jq -c '[.courses[].id]' "$dir/seed.json")
cat >"$dir/rollover.yaml" <<EOF
version: 1
description: Fall 2025 -> Spring 2026, dates only
courses: $ids
steps:
  - shift_dates:
      from: {start: 2025-08-25, end: 2025-12-12}
      to: {start: 2026-01-12, end: 2026-05-01}
EOF

# ---------------------------------------------------------------- 2. the simulator
start_sim "$dir/seed.json" --latency-ms "$LATENCY"

now() { date +%s.%N; }

# ---------------------------------------------------------------- 3. the runs
curl -s -X POST "$url/__sim/reset" >/dev/null
CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" --out "$dir/plan.json" "$dir/rollover.yaml" \
	>/dev/null 2>"$dir/plan.err" </dev/null || { echo "apply bench: plan failed: $(cat "$dir/plan.err")" >&2; exit 1; }
reads=$(curl -s "$url/__sim/stats" | jq .total_requests)
changes=$(jq '.changes | length' "$dir/plan.json")
objects=$(jq '[.changes[] | "\(.course_id) \(.kind) \(.id)"] | unique | length' "$dir/plan.json")

# apply_run LABEL ARGS...: one apply on a fresh state; prints one row of figures
fmt='%-28s %8s %8s %7s %7s %7s %7s %9s %5s %3s\n'
apply_run() {
	local label=$1 t0 t1 rc=0
	shift
	curl -s -X POST "$url/__sim/reset" >/dev/null
	rm -f "$dir/j.jsonl"
	t0=$(now)
	CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" apply --url "$url" --yes --journal "$dir/j.jsonl" "$@" \
		"$dir/rollover.yaml" >"$dir/apply.out" 2>"$dir/apply.err" </dev/null || rc=$?
	t1=$(now)
	curl -s "$url/__sim/stats" >"$dir/stats.json"
	curl -s "$url/__sim/requests" >"$dir/requests.json"
	# shellcheck disable=SC2059
	printf "$fmt" "$label" "$(echo "$t1 - $t0" | bc | sed 's/^\./0./' | cut -c 1-6)" \
		"$(jq .total_requests "$dir/stats.json")" "$(jq .writes "$dir/stats.json")" \
		"$(jq '[.[] | select(.path | endswith("/bulk_update"))] | length' "$dir/requests.json")" \
		"$(jq '[.[] | select(.path | startswith("/api/v1/progress/"))] | length' "$dir/requests.json")" \
		"$(jq '[.[] | select(.method == "GET" and (.path | startswith("/api/v1/progress/") | not))] | length' \
			"$dir/requests.json")" \
		"$(jq .throttled "$dir/stats.json")" "$(jq .max_concurrent "$dir/stats.json")" "$rc"
	[ "$rc" = 0 ] || echo "    (apply: $(tail -n 1 "$dir/apply.out"); $(grep -v '^coursectl: journal' "$dir/apply.err" |
		head -n 3 | tr '\n' ' '))"
}

echo "apply benchmark: a term rollover (shift_dates) of $COURSES courses x $OBJECTS dated assignments"
echo "canvas-sim --latency-ms $LATENCY, default throttle bucket (hwm 600, outflow 10/s, up-front 50)," \
	"Progress jobs 300 ms"
echo "plan: $changes changes to $objects objects; its reads: $reads requests"
echo
# shellcheck disable=SC2059
printf "$fmt" run 'wall s' requests writes bulk polls 'GETs' throttled conc rc
apply_run "apply (default concurrency)"
apply_run "apply --concurrency 1" --concurrency 1
bulks=$((COURSES * ((OBJECTS + 99) / 100)))
echo
echo "minimum: $((reads + 2 * bulks)) requests = $reads reads (what plan needs to know the dates)" \
	"+ $bulks bulk_updates (1 per course per 100 assignments) + $bulks Progress polls (at least 1 per job);"
echo "    with one bulk_update per course whatever its size (API.md 5.3 sets no limit):" \
	"$((reads + 2 * COURSES)) requests"
echo "apply's GETs beyond the plan's $reads: a Progress poll and a re-read of its assignments per" \
	"bulk_update (a Progress names no values); the plan's reads are its stale check"
echo "naive one-PUT-per-assignment tool (estimate, not run): $((COURSES * OBJECTS)) PUTs + $reads reads," \
	"sequential at ${LATENCY} ms: about $(((COURSES * OBJECTS + reads) * LATENCY / 1000)) s"
