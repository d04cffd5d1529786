#!/usr/bin/env bash
# tests/bench/throttle.sh -- the throttle's full width (issue 18): an apply against Canvas's bucket
# with realistic request costs and 80 ms of latency, for the 403 and the 429 styles; the measured
# request rate beside the bucket's bound. Reports figures; never fails on them (only when something
# cannot run at all).
#
#   bash tests/bench/throttle.sh [OUT.json]     (run by `make bench`, tests/bench/run.sh)
#
# 1. Seed: tests/fixtures/gen-seed.sh --courses N (BENCH_THROTTLE_COURSES, 100) --assignments 10
#    --pages 3 --modules 3; recipe: shift_dates {days: 140} and one replace_text over pages (the
#    scale scenario's, tests/bench/scale.sh): about 26 requests a course, a fifth of them writes.
# 2. canvas-sim with Canvas's bucket (hwm 600, outflow 10 units/s, up-front 50, max 800: API.md
#    3.1), --latency-ms 80, --cost-get 0.2, --cost-write 0.6 (BENCH_THROTTLE_COST_GET/_WRITE;
#    Canvas charges CPU + database seconds, API.md 3.2: "typical costs are 0.01-1 units"; a page of
#    100 assignments with their overrides and a PUT that saves one and its versions are in the
#    middle of that range), --throttle on (403) and --throttle 429 (BENCH_THROTTLE_STYLES).
# 3. Per style, each on a fresh bucket and state (POST /__sim/reset), at the default --concurrency
#    (8): `coursectl plan` (reads only: the engine's pacing alone) and `coursectl apply --yes` (the
#    plan, the stale check, the writes and their Progress polls, the final re-read: phases that wait
#    for each other). Wall time, requests, throttled answers, and the settled cost the simulator
#    charged (/__sim/stats `cost`, the sum of the X-Request-Cost it sent).
# 4. The bound: no client that keeps at most W requests in flight (W = 8, coursectl's default
#    window, runner/http.c) and is never refused can send R requests of mean cost c faster than
#    this (c = charged cost / R, from the run):
#      a request in flight holds the up-front 50 units, and one is refused when the settled level
#      S plus the reservations reaches hwm, so at most n(S) = min(W, (hwm - S) / up_front) are in
#      flight; each takes at least the latency L, so the rate is at most n(S) / L; the level grows
#      by c per request and leaks `outflow` per second:  dS/dt = c n(S) / L - outflow.
#    Integrated from S = 0 until R requests are sent, that gives the least time T and the bound
#    R / T. It starts at W / L (100 req/s) while the bucket fills and tends to outflow / c, the
#    sustained rate the leak allows (a bucket full of reservations at its equilibrium). The bound
#    counts no time for the server to answer, nor for Progress jobs (300 ms each) or the phases
#    of an apply (plan, stale check, writes, read-back) that wait for each other: it is generous.
#    The target: the measured rate R / wall >= 90% of it, and 0 throttled answers.
# 5. Where the time goes: each run's request log (canvas-sim's start_ms / end_ms) is kept as
#    RUN-STYLE.requests.json and drawn as RUN-STYLE.timeline (function timeline: the window's slots
#    in use second by second, the gaps with nothing in flight, the idle share), and the bound is
#    also integrated over the requests in the order sent, each at its method's cost (bound_ordered).
#
# Environment: BUILD (build), BENCH_THROTTLE_COURSES (100), BENCH_THROTTLE_LATENCY (80),
# BENCH_THROTTLE_COST_GET (0.2), BENCH_THROTTLE_COST_WRITE (0.6), BENCH_THROTTLE_STYLES ("on 429"),
# BENCH_THROTTLE_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
COURSES=${BENCH_THROTTLE_COURSES:-100}
LATENCY=${BENCH_THROTTLE_LATENCY:-80}
COST_GET=${BENCH_THROTTLE_COST_GET:-0.2}
COST_WRITE=${BENCH_THROTTLE_COST_WRITE:-0.6}
STYLES=${BENCH_THROTTLE_STYLES:-on 429}
WINDOW=8                 # coursectl's default --concurrency (runner/http.c, opts.max_window)
HWM=600 OUTFLOW=10 UP_FRONT=50
OUT=${1:-}
TOKEN=bench-token

${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" >&2

# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bench_init "throttle bench" throttlebench "${BENCH_THROTTLE_KEEP:-0}"
# (bench_init keeps coursectl's state and config in the work directory: tests/bench/lib.sh)

# bound R C: the least time for R requests of total cost C (see 4. above); prints "T RATE"
bound() {
	awk -v R="$1" -v C="$2" -v o="$OUTFLOW" -v h="$HWM" -v u="$UP_FRONT" -v W="$WINDOW" \
		-v L="$(awk -v l="$LATENCY" 'BEGIN { print l / 1000 }')" 'BEGIN {
		c = C / R; S = 0; t = 0; sent = 0; dt = 0.0005
		while (sent < R) {
			n = (h - S) / u; if (n > W) n = W; if (n < 0) n = 0
			sent += n / L * dt
			S += (c * n / L - o) * dt; if (S < 0) S = 0
			t += dt
		}
		printf "%.3f %.2f\n", t, R / t }'
}

# bound_ordered LOG: the same bound for the requests in the order the run sent them (canvas-sim's
# log, by start), each charged its method's configured cost (cost_get or cost_write): the apply
# sends its cheap reads first and its writes last, so its bucket fills at the end, which the mean
# cost hides. Prints "T RATE".
bound_ordered() {
	jq -r 'sort_by(.start_ms) | .[] | .method' "$1" |
		awk -v cg="$COST_GET" -v cw="$COST_WRITE" -v o="$OUTFLOW" -v h="$HWM" -v u="$UP_FRONT" -v W="$WINDOW" \
			-v L="$(awk -v l="$LATENCY" 'BEGIN { print l / 1000 }')" '
		{ c[NR] = $1 == "GET" ? cg : cw }
		END {
			R = NR; S = 0; t = 0; sent = 0; done = 0; dt = 0.0005
			while (done < R) {
				n = (h - S) / u; if (n > W) n = W; if (n < 0) n = 0
				sent += n / L * dt
				while (done < R && done + 1 <= sent) S += c[++done]
				S -= o * dt; if (S < 0) S = 0
				t += dt
			}
			printf "%.3f %.2f\n", t, R / t }'
}

# timeline LOG: the requests in flight over a run, from canvas-sim's request log (start_ms, end_ms).
# Prints one line a second (slots of the W-request window in use on average, requests started),
# the gaps with nothing in flight longer than 20 ms (with the requests either side), and a summary:
# "idle share" is the part of the W x span slot-seconds no request held.
timeline() {
	jq -r '.[] | "\(.start_ms) \(.end_ms) \(.method) \(.route // .path)"' "$1" | sort -n -k1,1 |
		awk -v W="$WINDOW" '
		{ s[NR] = $1; e[NR] = $2; what[NR] = $3 " " $4 }
		END {
			n = NR; if (!n) exit
			t0 = s[1]; t1 = 0
			for (i = 1; i <= n; i++) if (e[i] > t1) t1 = e[i]
			busy = 0
			for (i = 1; i <= n; i++) {
				busy += e[i] - s[i]
				for (k = int((s[i] - t0) / 1000); k <= int((e[i] - t0) / 1000); k++) {
					a = s[i] > t0 + k * 1000 ? s[i] : t0 + k * 1000
					b = e[i] < t0 + (k + 1) * 1000 ? e[i] : t0 + (k + 1) * 1000
					if (b > a) used[k] += b - a
				}
				started[int((s[i] - t0) / 1000)]++
			}
			span = t1 - t0
			for (k = 0; k <= int(span / 1000); k++)
				printf "second %3d: %4.1f of %d slots in use, %3d requests started\n", k, used[k] / 1000, W, started[k]
			# gaps: with the requests sorted by start, nothing in flight between the latest end so far and the next start
			idle0 = 0; last = e[1]; lw = what[1]
			for (i = 2; i <= n; i++) {
				if (s[i] > last) {
					idle0 += s[i] - last
					if (s[i] - last > 20)
						printf "gap %7.0f ms at %6.2f s: after %s, before %s\n", s[i] - last, (last - t0) / 1000, lw, what[i]
				}
				if (e[i] > last) { last = e[i]; lw = what[i] }
			}
			printf "summary: span %.2f s, %d requests, mean %.2f in flight, idle share %.1f%% of %d slots, nothing in flight %.2f s (%.1f%%)\n",
				span / 1000, n, busy / span, 100 * (1 - busy / (W * span)), W, idle0 / 1000, 100 * idle0 / span
		}'
}

bash tests/fixtures/gen-seed.sh --courses "$COURSES" --assignments 10 --pages 3 --modules 3 --token "$TOKEN" \
	>"$dir/seed.json"
cat >"$dir/recipe.yaml" <<EOF
version: 1
courses: $(jq -c '[.courses[].id]' "$dir/seed.json")
steps:
  - shift_dates: {days: 140}
  - replace_text:
      in: [pages]
      pattern: September
      with: January
      literal: true
EOF

echo "throttle benchmark: apply of $COURSES courses (shift_dates + replace_text) against Canvas's bucket"
echo "(hwm $HWM, outflow $OUTFLOW/s, up-front $UP_FRONT), --latency-ms $LATENCY, --cost-get $COST_GET," \
	"--cost-write $COST_WRITE; load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
: >"$dir/rows.jsonl"
# one_run STYLE RUN CMD...: CMD on a fresh bucket and state; appends its figures to rows.jsonl
one_run() {
	local style=$1 run=$2 rc=0 t0 t1 u s wall bt brate obt obrate
	shift 2
	curl -s -X POST "$url/__sim/reset" >/dev/null
	rm -f "$dir/j.jsonl"
	t0=$(date +%s.%N)
	CANVAS_API_TOKEN=$TOKEN /usr/bin/time -f '%U %S' -o "$dir/time" "$@" >"$dir/out" 2>"$dir/err" </dev/null || rc=$?
	t1=$(date +%s.%N)
	curl -s "$url/__sim/stats" >"$dir/stats.json"
	curl -s "$url/__sim/requests" >"$dir/$run-$style.requests.json"
	timeline "$dir/$run-$style.requests.json" >"$dir/$run-$style.timeline"
	read -r obt obrate <<<"$(bound_ordered "$dir/$run-$style.requests.json")"
	[ "$rc" = 0 ] || echo "throttle bench: $run ($style) exited $rc: $(tail -n 2 "$dir/err" | tr '\n' ' ')" >&2
	read -r u s <"$dir/time"
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	read -r bt brate <<<"$(bound "$(jq .total_requests "$dir/stats.json")" "$(jq .cost "$dir/stats.json")")"
	jq -c --arg style "$style" --arg run "$run" --argjson wall "$wall" --argjson bt "$bt" --argjson brate "$brate" \
		--argjson obt "$obt" --argjson obrate "$obrate" \
		--argjson cpu "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" --argjson rc "$rc" \
		--argjson w "$WINDOW" --argjson o "$OUTFLOW" --argjson lat "$LATENCY" --argjson cg "$COST_GET" \
		--argjson cw "$COST_WRITE" --argjson n "$COURSES" \
		'{run: $run, style: (if $style == "on" then "403" else $style end), courses: $n, latency_ms: $lat,
		  cost_get: $cg, cost_write: $cw, wall_s: $wall, cpu_s: $cpu, requests: .total_requests,
		  writes: .writes, throttled: .throttled, cost: (.cost * 1000 | round / 1000),
		  mean_cost: (.cost / .total_requests * 10000 | round / 10000), max_concurrent: .max_concurrent,
		  rate: (.total_requests / $wall * 100 | round / 100), bound_s: $bt, bound_rate: $brate,
		  sustained_bound: ([$w / ($lat / 1000), $o / (.cost / .total_requests)] | min * 100 | round / 100),
		  of_bound: (.total_requests / $wall / $brate * 1000 | round / 1000),
		  ordered_bound_s: $obt, ordered_bound_rate: $obrate,
		  of_ordered_bound: (.total_requests / $wall / $obrate * 1000 | round / 1000), exit: $rc}' \
		"$dir/stats.json" >>"$dir/rows.jsonl"
	jq -r '"  \(.run), \(.style): \(.requests) requests (\(.writes) writes, cost \(.cost)) in \(.wall_s) s = \(.rate) req/s;" +
		" bound \(.bound_rate) req/s (\(.bound_s) s; sustained \(.sustained_bound)): \(.of_bound * 100 | round)%,\n" +
		"       in the order sent: bound \(.ordered_bound_rate) req/s (\(.ordered_bound_s) s): \(.of_ordered_bound * 100 | round)%;\n" +
		"       \(.throttled) throttled, at most \(.max_concurrent) in flight, coursectl cpu \(.cpu_s) s" +
		(if .exit != 0 then ", EXIT \(.exit)" else "" end)' <<<"$(tail -n 1 "$dir/rows.jsonl")"
	echo "       timeline: $(sed -n 's/^summary: //p' "$dir/$run-$style.timeline")"
}

for style in $STYLES; do
	start_sim "$dir/seed.json" --throttle "$style" --latency-ms "$LATENCY" --cost-get "$COST_GET" \
		--cost-write "$COST_WRITE"
	one_run "$style" plan "$BUILD/coursectl" plan --url "$url" --out "$dir/plan.json" "$dir/recipe.yaml"
	one_run "$style" apply "$BUILD/coursectl" apply --url "$url" --yes --journal "$dir/j.jsonl" "$dir/recipe.yaml"
	stop_sim
done
if [ -n "$OUT" ]; then
	jq -s '{throttle: .}' "$dir/rows.jsonl" >"$OUT"
fi
