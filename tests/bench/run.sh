#!/bin/sh
# tests/bench/run.sh -- canvas-sim's load benchmark (make bench). Reports figures; never fails on them.
#
# Builds canvas-sim and tests/bench/simload, then for each server mode -- the default (a thread per
# connection) and --threads 4 (an epoll thread pool) -- starts canvas-sim with --throttle off and no
# latency on a free port, runs simload at each concurrency against the same five GET endpoints of the
# small seed (BENCH_REPEAT times, keeping the median run, because a shared machine is noisy), and
# prints one table. Between runs it POSTs /__sim/reset so that every run starts with
# an empty request log and fresh stats. The exit status is non-zero only when something could not
# run at all (build, start, no HTTP answer); the timings are never compared with anything.
# Then it runs tests/bench/plan.sh (`coursectl plan` of a 10,000-object course, against canvas-sim
# and against simfloor, a server that only replays canvas-sim's answers; BENCH_PLAN=0 skips it)
# and tests/bench/plan-dates.sh (a shift_dates step over 100,000 dates; BENCH_DATES=0 skips it)
# and tests/bench/apply.sh (a rollover of 20 courses x 150 dated objects at 50 ms latency, default
# concurrency vs one request at a time; BENCH_APPLY=0 skips it).
# Then tests/bench/throttle.sh (issue 18: an apply against the bucket with realistic costs and 80 ms
# latency, 403 and 429 styles; BENCH_THROTTLE=0 skips it) and tests/bench/scale.sh (plan and apply
# over 200, 2,000 and 10,000 courses, the default bucket's pacing, callgrind of the 200-course plan,
# the 4-course rollover's requests against their minimum; BENCH_SCALE=0 skips it). Last, every
# scenario's figures in one table beside their bounds (tests/bench/table.sh), also written as
# tests/bench/results.json (or BENCH_RESULTS).
#
# Environment (all optional):
#   BUILD=build               build directory
#   BENCH_REQUESTS=20000      requests per run
#   BENCH_CONC="1 8 32"       concurrencies
#   BENCH_MODES="1 0 4"       values of --threads (1 = the default loop, 0 = a thread per connection)
#   BENCH_REPEAT=3            runs per cell; the table shows the run with the median req/s
#   BENCH_SEED=tests/fixtures/small-seed.json
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${BENCH_REQUESTS:-20000}
CONC=${BENCH_CONC:-1 8 32}
MODES=${BENCH_MODES:-1 0 4}
REPEAT=${BENCH_REPEAT:-3}
SEED=${BENCH_SEED:-tests/fixtures/small-seed.json}
TOKEN=bench-token
PATHS="/api/v1/courses/4821
/api/v1/courses/4821/assignments?per_page=100
/api/v1/courses/4821/pages?per_page=100
/api/v1/courses/4821/modules?include[]=items
/api/v1/users/self"

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/canvas-sim" "$BUILD/tests/bench/simload" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init bench simbench 0

: >"$dir/simload.jsonl"
set -f   # the paths hold ? and [] (glob characters); splitting on newlines and spaces is wanted
# shellcheck disable=SC2046
set -- $(printf '%s\n' "$PATHS" | sed 's/^/--path /')
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
model=$(sed -n 's/^model name[^:]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "canvas-sim load benchmark: $N GET requests per run, round-robin over:"
printf '%s\n' "$PATHS" | sed 's/^/    /'
echo "seed $SEED, --throttle off, no latency, token sent as Authorization: Bearer"
echo "each row: the median (by req/s) of $REPEAT runs;" \
	"load average before: $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
echo "machine: $cpus CPUs${model:+ ($model)}, $(uname -sr); simload and canvas-sim share the machine"
echo
fmt='%-24s %5s %8s %8s %8s %8s %8s %6s  %s\n'
# shellcheck disable=SC2059
printf "$fmt" mode conc 'req/s' 'p50 ms' 'p90 ms' 'p99 ms' 'max ms' conns statuses
for threads in $MODES; do
	case $threads in
	0) mode="thread-per-connection" ;;
	1) mode="one epoll loop (default)" ;;
	*) mode="--threads $threads (epoll)" ;;
	esac
	start_sim "$SEED" --throttle off --threads "$threads"
	for c in $CONC; do
		: >"$dir/rows"
		r=0
		while [ $r -lt "$REPEAT" ]; do
			curl -s -X POST "$url/__sim/reset" >/dev/null
			"$BUILD/tests/bench/simload" --url "$url" --token "$TOKEN" -n "$N" -c "$c" --tsv "$@" >>"$dir/rows"
			r=$((r + 1))
		done
		# simload --tsv: conc n seconds req/s p50 p90 p99 max conns statuses
		sort -t "$(printf '\t')" -k 4,4n "$dir/rows" | sed -n "$(((REPEAT + 1) / 2))p" >"$dir/median"
		awk -F '\t' -v mode="$mode" -v fmt="$fmt" \
			'{ printf fmt, mode, $1, $4, $5, $6, $7, $8, $9, $10 }' "$dir/median"
		jq -Rc --arg mode "$mode" 'split("\t") | {mode: $mode, conc: (.[0] | tonumber), rps: (.[3] | tonumber),
			p50_ms: (.[4] | tonumber), p99_ms: (.[6] | tonumber), statuses: .[9]}' "$dir/median" >>"$dir/simload.jsonl"
	done
	rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null || true)
	echo "    (canvas-sim peak RSS in this mode: ${rss:-unknown})"
	stop_sim
done

# The plan benchmark: `coursectl plan` of one course of 10,000 objects and 20 MB of HTML
# (tests/bench/plan.sh; BENCH_PLAN=0 skips it).
if [ "${BENCH_PLAN:-1}" != 0 ]; then
	echo
	BUILD="$BUILD" bash tests/bench/plan.sh "$dir/plan10k.json"
fi

# The date benchmark: `coursectl plan` of a shift_dates step over one course of 100,000 dates
# (tests/bench/plan-dates.sh; BENCH_DATES=0 skips it).
if [ "${BENCH_DATES:-1}" != 0 ]; then
	echo
	BUILD="$BUILD" bash tests/bench/plan-dates.sh
fi

# The apply benchmark: `coursectl apply` of a rollover of 20 courses x 150 dated objects at 50 ms
# latency, against the minimum number of requests and one request at a time (tests/bench/apply.sh;
# BENCH_APPLY=0 skips it).
if [ "${BENCH_APPLY:-1}" != 0 ]; then
	echo
	BUILD="$BUILD" bash tests/bench/apply.sh
fi

# The throttle's full width (issue 18): an apply against the bucket with realistic costs and 80 ms
# of latency, 403 and 429 styles (tests/bench/throttle.sh; BENCH_THROTTLE=0 skips it).
if [ "${BENCH_THROTTLE:-1}" != 0 ]; then
	echo
	BUILD="$BUILD" bash tests/bench/throttle.sh "$dir/throttle.json"
fi

# The scale benchmark (issue 18): many courses, the default bucket, the 200-course plan's
# instruction counts, the 4-course rollover's requests (tests/bench/scale.sh; BENCH_SCALE=0 skips it).
if [ "${BENCH_SCALE:-1}" != 0 ]; then
	echo
	BUILD="$BUILD" bash tests/bench/scale.sh "$dir/scale.json"
fi

# All of it in one table, each figure beside its bound (tests/bench/table.sh), and as
# tests/bench/results.json (BENCH_RESULTS to write it elsewhere). BENCHMARKS.md explains each row.
jq -s '{simload: .}' "$dir/simload.jsonl" >"$dir/simload.json"
for f in simload plan10k throttle scale; do
	[ -s "$dir/$f.json" ] && cat "$dir/$f.json"
done | jq -s --arg when "$(date -u +%Y-%m-%dT%H:%MZ)" --arg machine "$cpus CPUs${model:+ ($model)}, $(uname -sr)" \
	--arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	'add + {taken: {when: $when, machine: $machine, commit: $commit}}' >"$dir/results.json"
cp "$dir/results.json" "${BENCH_RESULTS:-tests/bench/results.json}"
echo
echo "all scenarios (written to ${BENCH_RESULTS:-tests/bench/results.json}):"
bash tests/bench/table.sh "$dir/results.json"
