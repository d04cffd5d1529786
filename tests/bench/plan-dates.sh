#!/usr/bin/env bash
# tests/bench/plan-dates.sh -- `coursectl plan` of a shift_dates step over one course of 100,000
# dates: the planning time (excluding the fetch) and the peak RSS. Reports figures; never fails on
# them (issue 6, "Benchmark": shifting 100,000 dates, CPU excluding fetch, well under a second).
#
#   bash tests/bench/plan-dates.sh        (also run at the end of `make bench`, tests/bench/run.sh)
#
# 1. Generates (python3, deterministic) a seed of ONE course in America/New_York with
#    BENCH_DATES_ASSIGNMENTS (2,500) assignments in Fall 2025, each with due_at, unlock_at, lock_at
#    and peer_reviews_assign_at, and 12 overrides (sections and students) each with due_at,
#    unlock_at and lock_at: 40 dates an assignment, 100,000 in all (32,500 objects), spread over the
#    term so that some cross the end of DST and some land in the blackout. (Many assignments with
#    few overrides give the same figures but make canvas-sim's fetch minutes long.)
# 2. Starts canvas-sim (--throttle off, no latency).
# 3. Runs `coursectl plan --format json` BENCH_DATES_RUNS times (3) for each of two recipes:
#      term   from/to (Fall 2025 -> Spring 2026, 109 -> 116 days), weekdays {mon: tue, wed: thu},
#             a spring-break blackout, seconds kept: the most work per date;
#      where  days: 7 with where: {name: ..., due_at: {after, before}}: the filter's cost per object.
#    Prints per run the fetch time and "planned in" (coursectl's stderr note: plan_run + plan_finish,
#    the steps alone, excluding the fetch and the rendering) with its CPU, the process's user+sys CPU
#    (fetch, JSON parsing and rendering included), its peak RSS, and the number of changes.
#
# Environment: BUILD (build), BENCH_DATES_RUNS (3), BENCH_DATES_ASSIGNMENTS (2500),
# BENCH_DATES_KEEP=1 keeps the work directory and prints its path.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUNS=${BENCH_DATES_RUNS:-3}
NASG=${BENCH_DATES_ASSIGNMENTS:-2500}
TOKEN=bench-token
COURSE=7100

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init "dates bench" datesbench "${BENCH_DATES_KEEP:-0}"

# ---------------------------------------------------------------- 1. the seed
python3 - "$dir/seed.json" "$COURSE" "$NASG" "$TOKEN" >"$dir/seed.out" <<'EOF'
import json, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

out, course_id, n, token = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ny = ZoneInfo("America/New_York")
start = datetime(2025, 8, 25, tzinfo=ny)

def utc(day, h, m, s):
    """Local h:m:s on term day `day`, as Canvas writes it."""
    d = start + timedelta(days=day)
    t = datetime(d.year, d.month, d.day, h, m, s, tzinfo=ny)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

nid = 1000000
def new_id():
    global nid
    nid += 1
    return nid

asgs, dates = [], 0
for i in range(n):
    day = 4 + (i * 7) % 105           # a due day in the term
    ovs = []
    for k in range(12):
        ov = {"id": new_id(), "due_at": utc(day + k % 4, 23, 59, 59), "unlock_at": utc(day - 5 + k % 3, 8, 0, 0),
              "lock_at": utc(day + 3 + k % 4, 12, 30, 0)}
        if k < 4:
            ov.update({"title": "Section %02d" % (k + 2), "course_section_id": 71 + k})
        else:
            ov.update({"title": "1 student", "student_ids": [90000 + (i * 12 + k) % 5000]})
        ovs.append(ov)
    a = {"id": new_id(), "name": "Problem Set %d" % (i + 1), "points_possible": 10, "published": i % 9 != 0,
         "submission_types": ["online_upload"],
         "due_at": utc(day, 23, 59, 59), "unlock_at": utc(day - 4, 0, 0, 0), "lock_at": utc(day + 2, 23, 59, 59),
         "peer_reviews": True, "automatic_peer_reviews": True, "peer_reviews_assign_at": utc(day + 3, 12, 0, 0),
         "overrides": ovs}
    asgs.append(a)
    dates += 4 + 3 * len(ovs)
seed = {"tokens": [token], "user_time_zone": "America/New_York",
        "courses": [{"id": course_id, "name": "Dates bench", "course_code": "DATES 100",
                     "time_zone": "America/New_York", "workflow_state": "available",
                     "start_at": utc(0, 0, 0, 0), "end_at": utc(109, 23, 59, 59),
                     "assignments": asgs, "quizzes": [], "discussion_topics": [], "announcements": [],
                     "modules": [], "pages": [], "calendar_events": []}]}
with open(out, "w") as f:
    json.dump(seed, f, separators=(",", ":"))
print("seed: 1 course, %d assignments, %d overrides, %d dates" % (n, 12 * n, dates))
EOF

cat >"$dir/term.yaml" <<EOF
version: 1
courses: [$COURSE]
steps:
  - name: Into the spring term
    shift_dates:
      from: {start: 2025-08-25, end: 2025-12-12}
      to: {start: 2026-01-12, end: 2026-05-08}
      weekdays: {mon: tue, wed: thu}
      blackouts: [{start: 2026-03-16, end: 2026-03-20}]
EOF
cat >"$dir/where.yaml" <<EOF
version: 1
courses: [$COURSE]
steps:
  - name: A week later, some of them
    shift_dates:
      days: 7
      where: {name: '^Problem Set \\d*[02468]$', due_at: {after: 2025-09-01, before: 2025-11-30}}
EOF

# ---------------------------------------------------------------- 2. the simulator
start_sim "$dir/seed.json" --throttle off

# ---------------------------------------------------------------- 3. the runs
# measure FILE CMD...: run CMD; write "maxrss_kb user_s sys_s exit" to FILE.
measure() {
	local res=$1
	shift
	if /usr/bin/time -v true >/dev/null 2>&1; then
		local rc=0
		/usr/bin/time -v -o "$res.time" "$@" || rc=$?
		awk -v rc="$rc" '
			/Maximum resident set size/ { rss = $NF }
			/User time \(seconds\)/ { u = $NF }
			/System time \(seconds\)/ { s = $NF }
			END { print rss, u, s, rc }' "$res.time" >"$res"
	else
		python3 - "$res" "$@" <<'PY'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%d %.2f %.2f %d\n" % (r.ru_maxrss, r.ru_utime, r.ru_stime, rc))
PY
	fi
}

cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
echo "coursectl plan benchmark, shift_dates: $(cat "$dir/seed.out")"
echo "machine: $cpus CPUs, $(uname -sr), load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
echo
fmt='%-6s %-4s %9s %11s %13s %8s %8s %9s %5s\n'
# shellcheck disable=SC2059
printf "$fmt" recipe run 'fetch s' 'planned s' 'plan cpu s' 'cpu s' 'rss MB' changes exit
declare -A best
for recipe in term where; do
	for r in $(seq 1 "$RUNS"); do
		measure "$dir/res.$recipe.$r" env CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" plan --url "$url" \
			"$dir/$recipe.yaml" --format json >"$dir/plan.$recipe.$r.json" 2>"$dir/err.$recipe.$r"
		read -r rss u s rc <"$dir/res.$recipe.$r"
		note=$(grep -o 'requests ([0-9.]* s); planned in [0-9.]* s ([0-9.]* s CPU)' "$dir/err.$recipe.$r" || true)
		fetch=$(sed -n 's/requests (\([0-9.]*\) s).*/\1/p' <<<"$note")
		planned=$(sed -n 's/.*planned in \([0-9.]*\) s.*/\1/p' <<<"$note")
		pcpu=$(sed -n 's/.*planned in [0-9.]* s (\([0-9.]*\) s CPU).*/\1/p' <<<"$note")
		changes=$(jq '.summary.changes' "$dir/plan.$recipe.$r.json" 2>/dev/null || echo '?')
		# shellcheck disable=SC2059
		printf "$fmt" "$recipe" "$r" "${fetch:-?}" "${planned:-?}" "${pcpu:-?}" \
			"$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" \
			"$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')" "$changes" "$rc"
		if [ -n "$planned" ] && { [ -z "${best[$recipe]:-}" ] ||
			awk -v a="$planned" -v b="${best[$recipe]}" 'BEGIN { exit !(a < b) }'; }; then
			best[$recipe]=$planned
		fi
	done
done
echo
printf 'target: 100,000 dates planned well under 1 s (best: term %s s, where %s s)\n' "${best[term]:-?}" \
	"${best[where]:-?}"
