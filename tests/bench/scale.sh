#!/usr/bin/env bash
# tests/bench/scale.sh -- plan and apply over many courses (issue 18, "Linear and flat"; "The
# fewest requests"). Reports figures and writes them as JSON; never fails on them (only when
# something cannot run at all).
#
#   bash tests/bench/scale.sh [OUT.json]      (run by `make bench`, tests/bench/run.sh)
#
# 1. Seeds: tests/fixtures/gen-seed.sh --courses N --assignments 10 --pages 3 --modules 3 for each
#    N of BENCH_SCALE_SIZES (200 2000 10000): the issue's account-wide rollover.
#    Recipe: shift_dates {days: 140} and one replace_text over pages.
# 2. canvas-sim --throttle off --outflow 1e9, no latency: the bucket never fills, so the figures are
#    coursectl's and not the bucket's. (With --throttle off alone the bucket and its headers still
#    work: at 2,000 courses the plan's 18,000 GETs cost 900 units, more than the bucket holds, and
#    coursectl, which honours X-Rate-Limit-Remaining, is paced by the 10 units/s leak -- that was the
#    issue's "67x" and its 9,104 nanosleeps. The size BENCH_SCALE_BUCKET (2000) is also planned
#    against the default bucket, and its request rate printed beside the bucket's bound.)
# 3. Per size, on a fresh simulator state each: `coursectl plan --out` and `coursectl apply --yes`.
#    Per run: wall time, coursectl's user+sys CPU and peak RSS (/usr/bin/time), the requests the
#    simulator saw (/__sim/stats) and the simulator's own CPU (/proc/PID/stat) -- so a slow sim
#    shows as such -- and nanosleep calls when BENCH_SCALE_STRACE=1.
# 4. The 4-course rollover (gen-seed.sh --courses 4 --assignments 28 --pages 3 --modules 3, the
#    default overrides; shift_dates {days: 140}): requests of plan, of apply (recipe, --yes) and of
#    apply of the saved plan, by kind, and the minimum that still verifies every write:
#      minimum = reads + writes + Progress polls (one per bulk_update) + one re-read per
#                bulk_update's assignments (a Progress names no values; a PUT answers with its
#                object, so its read-back costs nothing);
#      reads   = for a recipe, the plan's reads, a page's Assign To dates (one GET a page,
#                page_dates.c) and the grading periods included: they are the stale check when the
#                plan was made moments before (exec_stale.c: reads at most 30 s old); for a saved
#                plan, each distinct list once (the stale check). The final re-read reads only what
#                no answer proves (exec_verify.c), none of it in this rollover.
#    BENCH_SCALE_SIZES=none runs this part alone.
#
# The machine is shared: wall time is noisy, CPU time and RSS much less so; BENCHMARKS.md says
# which figure bounds what. The size BENCH_SCALE_CALLGRIND (200) is also planned under callgrind
# (tests/bench/callgrind.sh: instruction counts, which the load does not move). The table is printed
# by tests/bench/table.sh. Environment: BUILD (build), BENCH_SCALE_SIZES ("200 2000 10000"; none:
# step 4 alone), BENCH_SCALE_BUCKET (2000; 0: none), BENCH_SCALE_CALLGRIND (200; 0: none),
# BENCH_SCALE_ROWS (a rows.jsonl of an earlier run to add to),
# BENCH_SCALE_KEEP=1 keeps the work directory (its rows.jsonl holds one line per run).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZES=${BENCH_SCALE_SIZES:-200 2000 10000}
[ "$SIZES" != none ] || SIZES=""   # only the 4-course rollover's requests
BUCKET_N=${BENCH_SCALE_BUCKET:-2000}   # the size also planned against the default bucket
CG_N=${BENCH_SCALE_CALLGRIND:-200}      # the size also planned under callgrind (0: none)
OUT=${1:-}
TOKEN=bench-token

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init "scale bench" scalebench "${BENCH_SCALE_KEEP:-0}"

sim_cpu() {   # the simulator's user+sys CPU so far, in seconds
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"
}

# measure NAME CMD...: run CMD under /usr/bin/time; appends one JSON object to $dir/rows.jsonl
measure() {
	local name=$1 rc=0 t0 t1 c0 c1 sleeps=null
	shift
	curl -s -X POST "$url/__sim/reset" >/dev/null
	c0=$(sim_cpu)
	t0=$(date +%s.%N)
	if [ "${BENCH_SCALE_STRACE:-0}" = 1 ]; then
		strace -f -c -o "$dir/strace" /usr/bin/time -f '%M %U %S' -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" </dev/null || rc=$?
		sleeps=$(awk '$NF == "clock_nanosleep" || $NF == "nanosleep" { n += $4 } END { print n + 0 }' "$dir/strace")
	else
		/usr/bin/time -f '%M %U %S' -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" </dev/null || rc=$?
	fi
	t1=$(date +%s.%N)
	c1=$(sim_cpu)
	curl -s "$url/__sim/stats" >"$dir/stats.json"
	read -r rss u s <"$dir/time"
	[ "$rc" = 0 ] || echo "scale bench: $name exited $rc: $(tail -n 2 "$dir/err" | tr '\n' ' ')" >&2
	jq -nc --arg name "$name" --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
		--argjson cpu "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" \
		--argjson rss_mb "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" \
		--argjson sim_cpu "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')" \
		--argjson sleeps "$sleeps" --argjson rc "$rc" --slurpfile st "$dir/stats.json" \
		'{name: $name, wall_s: $wall, cpu_s: $cpu, rss_mb: $rss_mb, sim_cpu_s: $sim_cpu,
		  requests: $st[0].total_requests, writes: $st[0].writes, nanosleeps: $sleeps, exit: $rc}' \
		>>"$dir/rows.jsonl"
}

# BENCH_SCALE_ROWS=FILE: start from the rows of an earlier run (to add sizes to it)
if [ -n "${BENCH_SCALE_ROWS:-}" ]; then cp "$BENCH_SCALE_ROWS" "$dir/rows.jsonl"; else : >"$dir/rows.jsonl"; fi
: >"$dir/cg.jsonl"
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "scale benchmark: plan and apply of shift_dates {days: 140} + replace_text (pages) over N courses"
echo "(gen-seed.sh: 10 assignments, 3 pages, 3 modules a course), canvas-sim --throttle off, no latency"
echo "machine: $cpus CPUs, $(uname -sr), load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"

for n in $SIZES; do
	bash tests/fixtures/gen-seed.sh --courses "$n" --assignments 10 --pages 3 --modules 3 --token "$TOKEN" \
		>"$dir/seed.json"
	jq -c '[.courses[].id]' "$dir/seed.json" >"$dir/ids.json"
	cat >"$dir/recipe.yaml" <<EOF
version: 1
courses: $(cat "$dir/ids.json")
steps:
  - shift_dates: {days: 140}
  - replace_text:
      in: [pages]
      pattern: September
      with: January
      literal: true
EOF
	start_sim "$dir/seed.json" --throttle off --outflow 1000000000
	measure "plan $n" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" --out "$dir/plan.json" \
		"$dir/recipe.yaml"
	if [ "$n" = "$CG_N" ]; then
		# the same plan under callgrind: its instruction counts (tests/bench/callgrind.sh)
		curl -s -X POST "$url/__sim/reset" >/dev/null
		CANVAS_API_TOKEN=$TOKEN bash tests/bench/callgrind.sh "plan, $n courses" -- "$BUILD/coursectl" plan \
			--url "$url" --out "$dir/plan.cg.json" "$dir/recipe.yaml" >>"$dir/cg.jsonl"
	fi
	rm -f "$dir/j.jsonl"
	measure "apply $n" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" apply --url "$url" --yes \
		--journal "$dir/j.jsonl" "$dir/recipe.yaml"
	stop_sim
	if [ "$n" = "$BUCKET_N" ]; then
		# the same plan against Canvas's default bucket (throttle on): paced by its leak
		start_sim "$dir/seed.json"
		measure "bucket $n" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" \
			--out "$dir/plan.json" "$dir/recipe.yaml"
		stop_sim
	fi
done

# ---------------------------------------------------------------- the 4-course rollover's requests
bash tests/fixtures/gen-seed.sh --courses 4 --assignments 28 --pages 3 --modules 3 --token "$TOKEN" >"$dir/seed4.json"
cat >"$dir/r4.yaml" <<EOF
version: 1
courses: $(jq -c '[.courses[].id]' "$dir/seed4.json")
steps:
  - shift_dates: {days: 140}
EOF
start_sim "$dir/seed4.json" --throttle off --outflow 1000000000
count4() {   # count4 NAME CMD...: one run on a fresh state; appends its requests by kind
	local name=$1 rc=0
	shift
	curl -s -X POST "$url/__sim/reset" >/dev/null
	rm -f "$dir/j4.jsonl"
	"$@" >"$dir/out4" 2>"$dir/err4" </dev/null || rc=$?
	[ "$rc" = 0 ] || echo "scale bench: $name exited $rc: $(tail -n 2 "$dir/err4" | tr '\n' ' ')" >&2
	curl -s "$url/__sim/requests" | jq -c --arg name "$name" --argjson rc "$rc" '{name: $name,
		requests: length,
		bulk_updates: [.[] | select(.path | endswith("/bulk_update"))] | length,
		polls: [.[] | select(.path | startswith("/api/v1/progress/"))] | length,
		writes: [.[] | select(.method != "GET")] | length,
		reads: [.[] | select(.method == "GET" and (.path | startswith("/api/v1/progress/") | not))] | length,
		lists: [.[] | select(.method == "GET" and (.path | startswith("/api/v1/progress/") | not))
			| "\(.path)?\(.query // "")" | select(test("assignment_ids") | not)] | unique | length,
		exit: $rc}' >>"$dir/req4.jsonl"
}
: >"$dir/req4.jsonl"
count4 plan env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" --out "$dir/plan4.json" "$dir/r4.yaml"
count4 "apply recipe" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" apply --url "$url" --yes \
	--journal "$dir/j4.jsonl" "$dir/r4.yaml"
count4 "apply saved plan" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" apply --url "$url" --yes \
	--journal "$dir/j4.jsonl" "$dir/plan4.json"
stop_sim

# ---------------------------------------------------------------- the table
# bucket bound: the default bucket (hwm 600, outflow 10/s, GET cost 0.05) lets a client run until
# its level reaches hwm - 100 (500: where coursectl pauses, http.c) and then only as fast as it
# leaks: R requests need at least max(0, R x 0.05 - 500) / 10 s; "bound" is R over that time.
jq -s --slurpfile req4 "$dir/req4.jsonl" --slurpfile cg "$dir/cg.jsonl" '
	(map(select(.name | startswith("plan ")) | {key: (.name | ltrimstr("plan ")), value: .}) | from_entries) as $p
	| (map(select(.name | startswith("apply ")) | {key: (.name | ltrimstr("apply ")), value: .}) | from_entries) as $a
	| (map(select(.name | startswith("bucket ")) | {key: (.name | ltrimstr("bucket ")), value: .}) | from_entries) as $b
	| ($req4 | map({key: .name, value: .}) | from_entries) as $r
	| ($r["apply recipe"]) as $ar
	| ($r["apply saved plan"]) as $sp
	| {scale: {plan: $p, apply: $a},
	   bucket: ($b | map_values(. + {bound_s: ((.requests * 0.05 - 500) / 10 | if . < 0 then 0 else . end)}
	                 | . + {rate: (.requests / .wall_s), bound_rate: (if .bound_s > 0 then .requests / .bound_s else null end)})),
	   callgrind: $cg,
	   rollover4: {runs: $req4,
	     minimum_recipe: ($r.plan.reads + $ar.writes + 2 * $ar.bulk_updates),
	     minimum_saved_plan: ($sp.lists + $sp.writes + 2 * $sp.bulk_updates)}}' \
	"$dir/rows.jsonl" >"$dir/scale.json"

echo
bash tests/bench/table.sh "$dir/scale.json"
if [ -n "$OUT" ]; then
	cp "$dir/scale.json" "$OUT"
fi
