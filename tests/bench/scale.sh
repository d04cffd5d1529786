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
# 3. Per size, on a fresh simulator state each: `coursectl plan --out` and `coursectl apply --yes`,
#    repeated (BENCH_SCALE_RUNS, "200:5 2000:3": five runs at 200 courses, three at 2,000, one at any
#    size not named), plan and apply alternating. Per run: coursectl's CPU (user + sys) to the
#    microsecond, peak RSS and context switches (tests/bench/cputime.c: wait4's rusage; /usr/bin/time
#    printed 0.01 s, 3% of the 0.3 s 200-course plan), wall time, the load average as it started,
#    the requests the simulator saw and its own CPU since the reset that starts the run, to the
#    microsecond (/__sim/stats: requests, cpu_user_us + cpu_sys_us; it was /proc/PID/stat's clock
#    ticks of 10 ms, as plan.sh's was) -- so a slow sim shows as such -- and nanosleep calls when BENCH_SCALE_STRACE=1. Each run has its own
#    empty journal directory (XDG_STATE_HOME under the work directory): the rerun guard otherwise
#    reads every journal of the machine's user (a cost that grows with that directory's history,
#    about 10 ms at 460 journals) and the run would link its own journal there.
#    Per size and command: the median, least and greatest CPU, the medians of the other figures, and
#    every run (results.json: .scale.plan["200"].runs). The 2,000/200 bound is judged on the
#    medians: one 0.3 s run on this shared machine moves by 10-20%, enough to carry a single ratio
#    anywhere between 9.5x and 12x (BENCHMARKS.md, "Measuring CPU"). The smallest size is the base
#    of every ratio: its simulator runs throughout and its runs are spread between the larger sizes'
#    (base, larger, base, larger, ..., then the rest), so a drift of the load reaches both.
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
# which figure bounds what. The sizes BENCH_SCALE_CALLGRIND (200 and 2000) are also planned under
# callgrind (tests/bench/callgrind.sh: instruction counts, which the load does not move), and the
# table prints their ratio beside the CPU's: the 2,000-course plan under callgrind takes about 75 s.
# The table is printed by tests/bench/table.sh. Environment: BUILD (build), BENCH_SCALE_SIZES ("200
# 2000 10000"; none: step 4 alone), BENCH_SCALE_RUNS ("200:5 2000:3"), BENCH_SCALE_BUCKET (2000; 0:
# none), BENCH_SCALE_CALLGRIND ("200 2000"; 0: none),
# BENCH_SCALE_ROWS (a rows.jsonl of an earlier run to add to),
# BENCH_SCALE_KEEP=1 keeps the work directory (its rows.jsonl holds one line per run).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIZES=${BENCH_SCALE_SIZES:-200 2000 10000}
RUNS=${BENCH_SCALE_RUNS:-200:5 2000:3}   # SIZE:COUNT runs of plan and of apply; 1 for a size not named
[ "$SIZES" != none ] || SIZES=""   # only the 4-course rollover's requests
BUCKET_N=${BENCH_SCALE_BUCKET:-2000}   # the size also planned against the default bucket
CG_SIZES=" ${BENCH_SCALE_CALLGRIND:-200 2000} "   # the sizes also planned under callgrind (0: none)
OUT=${1:-}
TOKEN=bench-token

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" "$BUILD/tests/bench/cputime" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init "scale bench" scalebench "${BENCH_SCALE_KEEP:-0}"

sim_cpu_us() {   # the simulator's user+sys CPU since its last reset, in microseconds (tests/sim/README.md 6.3)
	curl -sf "$url/__sim/stats" | jq '.cpu_user_us + .cpu_sys_us'
}

# runs_of N: how many runs of plan and of apply at N courses (BENCH_SCALE_RUNS)
runs_of() {
	local r
	for r in $RUNS; do
		[ "${r%%:*}" != "$1" ] || { echo "${r#*:}"; return; }
	done
	echo 1
}

# measure NAME RUN CMD...: run CMD under tests/bench/cputime on a fresh simulator state and a fresh
# journal directory; appends one JSON object to $dir/rows.jsonl
measure() {
	local name=$1 run=$2 rc=0 t0 t1 c0 c1 load sleeps=null
	shift 2
	curl -s -X POST "$url/__sim/reset" >/dev/null
	rm -rf "$dir/state" "$dir/j.jsonl"
	mkdir "$dir/state"
	load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo null)
	c0=$(sim_cpu_us)
	t0=$(date +%s.%N)
	if [ "${BENCH_SCALE_STRACE:-0}" = 1 ]; then
		XDG_STATE_HOME=$dir/state strace -f -c -o "$dir/strace" "$BUILD/tests/bench/cputime" -o "$dir/time" -- "$@" \
			>"$dir/out" 2>"$dir/err" </dev/null || rc=$?
		sleeps=$(awk '$NF == "clock_nanosleep" || $NF == "nanosleep" { n += $4 } END { print n + 0 }' "$dir/strace")
	else
		XDG_STATE_HOME=$dir/state "$BUILD/tests/bench/cputime" -o "$dir/time" -- "$@" >"$dir/out" 2>"$dir/err" </dev/null || rc=$?
	fi
	t1=$(date +%s.%N)
	curl -s "$url/__sim/stats" >"$dir/stats.json"
	c1=$(jq '.cpu_user_us + .cpu_sys_us' "$dir/stats.json")
	[ -s "$dir/time" ] || echo '{"cpu_us":0,"user_us":0,"sys_us":0,"maxrss_kb":0,"nvcsw":0,"nivcsw":0}' >"$dir/time"
	[ "$rc" = 0 ] || echo "scale bench: $name exited $rc: $(tail -n 2 "$dir/err" | tr '\n' ' ')" >&2
	jq -nc --arg name "$name" --argjson run "$run" --argjson wall "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
		--argjson load "$load" \
		--argjson sim_cpu "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }')" \
		--argjson sleeps "$sleeps" --argjson rc "$rc" --slurpfile st "$dir/stats.json" --slurpfile t "$dir/time" \
		'{name: $name, run: $run, wall_s: $wall, cpu_s: ($t[0].cpu_us / 1e6), cpu_us: $t[0].cpu_us,
		  user_us: $t[0].user_us, sys_us: $t[0].sys_us, rss_mb: ($t[0].maxrss_kb / 1024 * 10 | round / 10),
		  nvcsw: $t[0].nvcsw, nivcsw: $t[0].nivcsw, load1: $load, sim_cpu_s: $sim_cpu,
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

# seed_size N: the seed and recipe of N courses ($dir/seed.N.json, $dir/recipe.N.yaml)
seed_size() {
	bash tests/fixtures/gen-seed.sh --courses "$1" --assignments 10 --pages 3 --modules 3 --token "$TOKEN" \
		>"$dir/seed.$1.json"
	cat >"$dir/recipe.$1.yaml" <<EOF
version: 1
courses: $(jq -c '[.courses[].id]' "$dir/seed.$1.json")
steps:
  - shift_dates: {days: 140}
  - replace_text:
      in: [pages]
      pattern: September
      with: January
      literal: true
EOF
}

# run_pair N R: run R of plan and of apply at N courses, against the simulator of $pid and $url
run_pair() {
	measure "plan $1" "$2" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" \
		--out "$dir/plan.json" "$dir/recipe.$1.yaml"
	measure "apply $1" "$2" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" apply --url "$url" --yes \
		--journal "$dir/j.jsonl" "$dir/recipe.$1.yaml"
}

# callgrind_plan N: the plan of N courses under callgrind: its instruction counts (callgrind.sh)
callgrind_plan() {
	curl -s -X POST "$url/__sim/reset" >/dev/null
	rm -rf "$dir/state" && mkdir "$dir/state"
	XDG_STATE_HOME=$dir/state CANVAS_API_TOKEN=$TOKEN bash tests/bench/callgrind.sh "plan, $1 courses" -- \
		"$BUILD/coursectl" plan --url "$url" --out "$dir/plan.cg.json" "$dir/recipe.$1.yaml" >>"$dir/cg.jsonl"
}

# bucket_plan N: the plan of N courses against Canvas's default bucket (throttle on): paced by its
# leak (replaces the running simulator)
bucket_plan() {
	stop_sim
	start_sim "$dir/seed.$1.json"
	measure "bucket $1" 1 env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" \
		--out "$dir/plan.json" "$dir/recipe.$1.yaml"
	stop_sim
}

# The smallest size is the base of every ratio. Its simulator runs throughout, and its runs are
# spread between the larger sizes' runs (base, larger, base, larger, ..., then the base's rest):
# the machine's load drifts over minutes, and with every base run before every larger one a drift
# between the two blocks moved a ratio of medians by 10%.
# shellcheck disable=SC2086 # split on purpose
SIZES=$(printf '%s\n' $SIZES | sort -n | tr '\n' ' ')
base=${SIZES%% *}
base_pid=""
base_url=""
base_done=0
base_runs=0
if [ -n "$base" ]; then
	base_runs=$(runs_of "$base")
	seed_size "$base"
	start_sim "$dir/seed.$base.json" --throttle off --outflow 1000000000
	base_pid=$pid base_url=$url pid=""   # not stop_sim's: stopped at the end, or at exit
	trap 'kill -TERM "$base_pid" 2>/dev/null || true; bench_cleanup' EXIT
fi
base_run() {   # the base size's next run, if it has one left
	local p=$pid u=$url
	[ "$base_done" -lt "$base_runs" ] || return 0
	base_done=$((base_done + 1))
	pid=$base_pid url=$base_url
	run_pair "$base" "$base_done"
	pid=$p url=$u
}
for n in ${SIZES#"$base"}; do
	seed_size "$n"
	start_sim "$dir/seed.$n.json" --throttle off --outflow 1000000000
	for r in $(seq 1 "$(runs_of "$n")"); do
		base_run
		run_pair "$n" "$r"
	done
	case $CG_SIZES in *" $n "*) callgrind_plan "$n" ;; esac
	[ "$n" != "$BUCKET_N" ] || bucket_plan "$n"
	stop_sim
done
if [ -n "$base" ]; then
	while [ "$base_done" -lt "$base_runs" ]; do base_run; done
	pid=$base_pid url=$base_url
	case $CG_SIZES in *" $base "*) callgrind_plan "$base" ;; esac
	[ "$base" != "$BUCKET_N" ] || bucket_plan "$base"
	stop_sim
	base_pid=""
fi

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
	rm -rf "$dir/j4.jsonl" "$dir/state"
	mkdir "$dir/state"
	XDG_STATE_HOME=$dir/state "$@" >"$dir/out4" 2>"$dir/err4" </dev/null || rc=$?
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
# Per command and size (the rows of one name): cpu_s is the median run's CPU, cpu_s_min / cpu_s_max
# the range; wall_s, rss_mb, sim_cpu_s, requests, writes, nvcsw, nivcsw and load1 are medians of
# their own; exit the worst; runs every row. (A median of an even count is the mean of the middle
# two.) The 2,000/200 ratio is the medians' (table.sh).
jq -s --slurpfile req4 "$dir/req4.jsonl" --slurpfile cg "$dir/cg.jsonl" '
	def median: sort | length as $n | if $n == 0 then null
		elif $n % 2 == 1 then .[($n - 1) / 2] else (.[$n / 2 - 1] + .[$n / 2]) / 2 end;
	def agg: . as $rs | ($rs[0].name) as $name
		| {name: $name, n_runs: ($rs | length),
		   cpu_s: ($rs | map(.cpu_us) | median | round / 1e6), cpu_s_min: ($rs | map(.cpu_us) | min / 1e6),
		   cpu_s_max: ($rs | map(.cpu_us) | max / 1e6),
		   user_s: ($rs | map(.user_us) | median | round / 1e6), sys_s: ($rs | map(.sys_us) | median | round / 1e6),
		   wall_s: ($rs | map(.wall_s) | median | . * 1000 | round / 1000),
		   rss_mb: ($rs | map(.rss_mb) | median | . * 10 | round / 10),
		   sim_cpu_s: ($rs | map(.sim_cpu_s) | median | . * 1000 | round / 1000),
		   requests: ($rs | map(.requests) | median),
		   requests_min: ($rs | map(.requests) | min), requests_max: ($rs | map(.requests) | max),
		   writes: ($rs | map(.writes) | median), nvcsw: ($rs | map(.nvcsw) | median),
		   nivcsw: ($rs | map(.nivcsw) | median), load1: ($rs | map(.load1 // 0) | median | . * 100 | round / 100),
		   nanosleeps: ($rs | map(.nanosleeps) | if any(. == null) then null else median end),
		   exit: ($rs | map(.exit) | max), runs: $rs};
	def bykind($k): map(select(.name | startswith($k + " "))) | group_by(.name)
		| map({key: (.[0].name | ltrimstr($k + " ")), value: agg}) | from_entries;
	bykind("plan") as $p
	| bykind("apply") as $a
	| bykind("bucket") as $b
	| ($req4 | map({key: .name, value: .}) | from_entries) as $r
	| ($r["apply recipe"]) as $ar
	| ($r["apply saved plan"]) as $sp
	| ($p | keys | sort_by(tonumber)) as $ns
	| {scale: {plan: $p, apply: $a,
	   ratios: [$ns[1:][] as $n | ("plan", "apply") as $k | {plan: $p, apply: $a}[$k] as $r
	            | select($r[$n] and $r[$ns[0]]) | $r[$n] as $hi | $r[$ns[0]] as $lo
	            | {key: "\($k) \($n)/\($ns[0])", value: {
	                 cpu: ($hi.cpu_s / $lo.cpu_s * 1000 | round / 1000),
	                 cpu_extremes: [($hi.cpu_s_min / $lo.cpu_s_max * 100 | round / 100),
	                                ($hi.cpu_s_max / $lo.cpu_s_min * 100 | round / 100)],
	                 bound: (($n | tonumber) / ($ns[0] | tonumber) * 1.1),
	                 rss: ($hi.rss_mb / $lo.rss_mb * 100 | round / 100), rss_bound: 1.2,
	                 wall: ($hi.wall_s / $lo.wall_s * 100 | round / 100)}}] | from_entries},
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
