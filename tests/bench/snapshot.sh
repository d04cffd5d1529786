#!/usr/bin/env bash
# tests/bench/snapshot.sh -- wall time of `coursectl snapshot` of 10 courses at 50 ms latency,
# with the adaptive window (default) against one request at a time (--concurrency 1), in one run.
# Reports figures; never fails on timings.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
tok=bench-token
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
jq -n --arg tok "$tok" '{tokens: [$tok], user_time_zone: "America/Denver",
  courses: [range(10) as $c | {name: "Course \($c)", course_code: "C\($c)", time_zone: "America/Denver",
    assignments: [range(40) | {name: "A\(.)", due_at: "2025-09-1\(. % 10)T05:59:59Z", published: true}],
    quizzes: [range(3) | {title: "Q\(.)"}], discussion_topics: [range(4) | {title: "D\(.)", message: "<p>d</p>"}],
    announcements: [range(3) | {title: "N\(.)", message: "<p>n</p>"}],
    modules: [range(12) as $m | {name: "Week \($m)", position: ($m + 1),
        items: [range(6) | {title: "Item \(.)", type: "SubHeader", position: (. + 1)}]}],
    pages: [range(15) | {title: "P\(.)", url: "p\(.)", body: ("<p>" + ("text " * 200) + "</p>")}],
    calendar_events: [range(5) | {title: "E\(.)", start_at: "2025-09-0\(. + 1)T15:00:00Z", end_at: "2025-09-0\(. + 1)T16:00:00Z"}]}]}' >"$dir/seed.json"
"$BUILD/canvas-sim" --seed "$dir/seed.json" --latency-ms 50 >"$dir/sim.out" 2>&1 &
pid=$!
sleep 0.3
url=$(sed -n 's/^canvas-sim listening on //p' "$dir/sim.out")
ids=$(curl -s -H "Authorization: Bearer $tok" "$url/api/v1/courses?per_page=100" | jq -r '.[].id' | sed 's/^/--course /' | tr '\n' ' ')
run() {
	curl -s -X POST "$url/__sim/reset" >/dev/null
	local t0 t1
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	CANVAS_API_TOKEN=$tok "$BUILD/coursectl" snapshot --url "$url" $ids "$@" -o "$dir/out.json" 2>"$dir/err"
	t1=$(date +%s.%N)
	printf '%-28s %6s s  %s\n' "${*:-adaptive window (default)}" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
		"$(curl -s "$url/__sim/stats" | jq -c '{requests: .total_requests, throttled, max_concurrent}')"
}
echo "coursectl snapshot, 10 courses, canvas-sim --latency-ms 50 (default bucket), $(nproc) cores"
run --concurrency 1
run
