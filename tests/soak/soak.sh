#!/usr/bin/env bash
# tests/soak/soak.sh -- `make soak` (issue 17, "Faults"): a long apply and rollback against a
# canvas-sim that fails, drops, lags and throttles, checked against the simulator afterwards.
# Not part of `make test` (a full run takes many minutes).
#
#   bash tests/soak/soak.sh                 20,000 changes (SOAK_CHANGES)
#   SOAK_CHANGES=2000 bash tests/soak/soak.sh
#
# 1. Seed: tests/fixtures/gen-seed.sh --assignments 40 --pages 20 --modules 16, as many courses as
#    SOAK_CHANGES needs (the recipe plans 159 changes a course). Recipe (below): shift_dates
#    with course dates (bulk_update of assignments and overrides, module unlock dates, course PUTs),
#    module renames, a "Start Here" module ensured with three items (module and item POSTs, an
#    item moved out of its module, positions), a page created (POST), "Fall 2025" replaced in
#    pages, syllabus and assignment descriptions (page and course PUTs).
# 2. canvas-sim --fail-rate 0.05 --drop-rate 0.01 (SOAK_FAIL, SOAK_DROP) --latency-ms 5
#    --jitter-ms 40, throttle on (403, the default bucket: about 11 parallel requests fill it).
#    While coursectl runs, a pacer throttles on top, both styles, one after the other, from 1 s
#    into the run and then every SOAK_BURST_EVERY seconds: a burst of the bucket (POST /__sim/throttle to 580: 403s for about
#    3 s) and 3 s of scripted 429 "Too Many Requests (Rate Limit Exceeded)" answers (a respond
#    script, with X-Rate-Limit-Remaining and, every other time, Retry-After).
# 3. plan (under the same faults), apply --yes, then rollback --yes, each with its own journal. A
#    run that ends non-zero is resumed (`apply --resume JOURNAL`) up to SOAK_RESUMES times: faults
#    may outlast the retries, the journal must then carry the run to its end.
# 4. Checks (tests/soak/soak-check.py), after each phase:
#    - after apply, the state is exactly the planned state (every planned field at `after`, every
#      other field of every object as in the seed, created objects exactly once);
#    - after rollback, the state is exactly the seed (but `updated_at` and page revisions);
#    - the journal matches the simulator's request log (GET /__sim/requests, read every second
#      during the run since it keeps only the last 20000): every write the simulator carried out
#      touched objects with an intent in the journal, every change journaled done had an applied
#      write, no create carried out twice;
#    - coursectl's RSS (VmRSS from /proc/PID/status every 0.5 s, and VmHWM) is flat: the peak
#      over the run's second half is at most SOAK_RSS_SLACK percent (20) above the first half's.
# The summary table is printed last; the exit status is 0 only when every check passed.
#
# Measured 2026-12-06 (2 shared CPUs, other jobs running), SOAK_CHANGES=20000 before the course
# count was rounded up (125 courses, 19,875 changes to 12,250 objects, 500 creates): apply 468 s,
# 7,624 requests (439 faults, 24 403s and 14 429s), 5,875 writes; rollback 376 s, 7,571 requests,
# 5,875 writes; every check passed, no resume needed; coursectl's RSS 107.5 MB from 84 s to 450 s
# of the apply, 115.7 MB at its end (the final re-read), 168-174 MB during the rollback; the plan
# peaked at 99 MB. Total 879 s. SOAK_CHANGES=2000 SOAK_BURST_EVERY=5 (13 courses): apply 70 s,
# rollback 402 s (throttled 41 times: each refusal pauses the client 4 to 12 s), all checks passed.
#
# Environment: BUILD (build), SOAK_CHANGES (20000), SOAK_FAIL (0.05), SOAK_DROP (0.01),
# SOAK_BURST_EVERY (20), SOAK_RESUMES (5), SOAK_RSS_SLACK (20), SOAK_SEED (1, the simulator's
# --random-seed), SOAK_KEEP=1 keeps the work directory (always kept on failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CHANGES=${SOAK_CHANGES:-20000}
FAIL=${SOAK_FAIL:-0.05}
DROP=${SOAK_DROP:-0.01}
BURST=${SOAK_BURST_EVERY:-20}
RESUMES=${SOAK_RESUMES:-5}
SLACK=${SOAK_RSS_SLACK:-20}
TOKEN=test-token-1
CHECK="python3 tests/soak/soak-check.py"

# `make soak` builds first; run by hand, build only what is missing (a sanitizer build in another
# BUILD needs its SAN flags, which only its own make line knows)
[ -x "$BUILD/coursectl" ] && [ -x "$BUILD/canvas-sim" ] ||
	${MAKE:-make} --no-print-directory BUILD="$BUILD" "$BUILD/coursectl" "$BUILD/canvas-sim" >&2

dir=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
simpid="" pacer="" logger="" ok=1
cleanup() {
	local p
	for p in $pacer $logger; do kill "$p" 2>/dev/null || true; done
	if [ -n "$simpid" ]; then
		kill -TERM "$simpid" 2>/dev/null || true
		wait "$simpid" 2>/dev/null || true
	fi
	if [ "${SOAK_KEEP:-0}" = 1 ] || [ "$ok" = 0 ]; then
		echo "soak: files kept in $dir" >&2
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

courses=$(((CHANGES + 158) / 159))
t_start=$(date +%s)
echo "soak: $CHANGES changes wanted: $courses courses; work directory $dir" >&2

# ---------------------------------------------------------------- 1. seed and recipe
bash tests/fixtures/gen-seed.sh --courses "$courses" --assignments 40 --pages 20 --modules 16 \
	--token "$TOKEN" >"$dir/seed.json"
ids=$(jq -c '[.courses[].id]' "$dir/seed.json")
cat >"$dir/soak.yaml" <<EOF
version: 1
description: soak (tests/soak/soak.sh)
courses: $ids
steps:
  - shift_dates:
      from: {start: 2025-08-25, end: 2025-12-12}
      to: {start: 2026-01-12, end: 2026-05-01}
      course_dates: true
  - modules:
      where: {name: '^Week \d+'}
      rename: {pattern: '^Week (\d+)', with: 'Unit \$1'}
  - modules:
      ensure:
        - name: Start Here
          position: 1
          items:
            - header: Welcome
            - page: course-home
            - {url: https://library.example.edu/, title: Library guide}
  - pages:
      where: {url: spring-2026-notes}
      create: true
      set: {title: Spring 2026 notes, published: true}
  - replace_text:
      in: [pages, syllabus, assignments]
      pattern: 'Fall 2025'
      with: 'Spring 2026'
      literal: true
EOF

# ---------------------------------------------------------------- 2. the simulator
: >"$dir/sim.out"
"$BUILD/canvas-sim" --seed "$dir/seed.json" --token "$TOKEN" --port 0 --random-seed "${SOAK_SEED:-1}" \
	--latency-ms 5 --jitter-ms 40 --fail-rate "$FAIL" --drop-rate "$DROP" --throttle on \
	>"$dir/sim.out" 2>"$dir/sim.err" &
simpid=$!
url=""
for _ in $(seq 1 600); do
	url=$(sed -n 's/^canvas-sim listening on //p' "$dir/sim.out" || true)
	[ -z "$url" ] || break
	kill -0 "$simpid" 2>/dev/null || { echo "soak: canvas-sim exited: $(cat "$dir/sim.err")" >&2; exit 1; }
	sleep 0.05
done
[ -n "$url" ] || { echo "soak: canvas-sim did not start" >&2; exit 1; }
curl -sf "$url/__sim/state" >"$dir/state0.json"

# The request log, read since the last seq every second into a file (the simulator keeps 20000).
log_loop() {
	local next=0 n
	while :; do
		curl -sf "$url/__sim/requests?since=$next" >"$dir/req.part" 2>/dev/null || { sleep 1; continue; }
		n=$(jq 'length' "$dir/req.part")
		if [ "$n" -gt 0 ]; then
			jq -c '.[]' "$dir/req.part" >>"$dir/requests.jsonl"
			next=$(($(jq '.[-1].seq' "$dir/req.part") + 1))
		fi
		echo "$next" >"$dir/req.next"
		sleep 1
	done
}
# wait until the log file holds everything the simulator has answered so far
log_flush() {
	local want i
	want=$(curl -sf "$url/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end')
	for i in $(seq 1 100); do
		[ "$(cat "$dir/req.next" 2>/dev/null || echo 0)" -ge "$want" ] && return 0
		sleep 0.2
	done
	echo "soak: the request log poller fell behind" >&2
	return 1
}
: >"$dir/requests.jsonl"
log_loop &
logger=$!

# Throttle bursts, both styles in turn, each about 3 s long.
pace_loop() {
	local n=0 hdr
	sleep 1
	while :; do
		n=$((n + 1))
		if [ $((n % 2)) = 1 ]; then
			curl -sf -X POST "$url/__sim/throttle" -d "{\"token\": \"$TOKEN\", \"level\": 580}" >/dev/null || true
		else
			hdr='{"X-Rate-Limit-Remaining": "40.000"}'
			[ $((n % 4)) = 0 ] && hdr='{"X-Rate-Limit-Remaining": "40.000", "Retry-After": "2"}'
			curl -sf -X POST "$url/__sim/script" -d "{\"path\": \"/api/*\", \"count\": -1,
				\"status\": 429, \"content_type\": \"text/plain; charset=utf-8\",
				\"body\": \"429 Too Many Requests (Rate Limit Exceeded)\n\", \"headers\": $hdr}" \
				>/dev/null || true
			sleep 3
			curl -sf -X DELETE "$url/__sim/script" >/dev/null || true
		fi
		sleep "$BURST"
	done
}

# rss_watch PID OUT: VmRSS every 0.5 s ("seconds kB"), then the last VmHWM seen
rss_watch() {
	local pid=$1 out=$2 t0 rss hwm=0 h
	t0=$(date +%s.%N)
	while [ -r "/proc/$pid/status" ]; do
		rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
		h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
		[ -z "$h" ] || hwm=$h
		[ -z "$rss" ] || echo "$(echo "$(date +%s.%N) - $t0" | bc) $rss" >>"$out"
		sleep 0.5
	done
	echo "hwm $hwm" >>"$out"
}

# run_cc NAME ARGS...: coursectl in the background, its RSS watched; sets RC
run_cc() {
	local name=$1 pid
	shift
	: >"$dir/$name.rss"
	CANVAS_API_TOKEN=$TOKEN "$BUILD/coursectl" "$@" >"$dir/$name.out" 2>"$dir/$name.err" </dev/null &
	pid=$!
	rss_watch "$pid" "$dir/$name.rss" &
	RC=0
	wait "$pid" || RC=$?
	wait $! 2>/dev/null || true
	while [ ! -s "$dir/$name.rss" ] || ! grep -q '^hwm' "$dir/$name.rss"; do sleep 0.1; done
}

# rss_figures FILE: "first-half-peak second-half-peak hwm samples" in kB
rss_figures() {
	awk '$1 == "hwm" { hwm = $2; next }
		{ t[n] = $1; r[n] = $2; n++ }
		END { a = 0; b = 0; for (i = 0; i < n; i++) { if (i < n / 2) { if (r[i] > a) a = r[i] }
			else if (r[i] > b) b = r[i] } printf "%d %d %d %d\n", a, b, hwm, n }' "$1"
}

declare -A fig
check() {   # check NAME CMD...: run a soak-check, keep its figures under NAME.*
	local name=$1 k v
	shift
	if $CHECK "$@" >"$dir/$name.check" 2>"$dir/$name.problems"; then
		fig[$name.ok]=pass
	else
		fig[$name.ok]=FAIL
		ok=0
		sed 's/^/    /' "$dir/$name.problems" >&2
	fi
	while read -r k v; do fig[$name.$k]=$v; done <"$dir/$name.check"
}

# phase NAME JOURNAL ARGS...: run coursectl, resume until it ends 0 (at most RESUMES times)
phase() {
	local name=$1 j=$2 t0 i since
	shift 2
	since=$(cat "$dir/req.next" 2>/dev/null || echo 0)
	fig[$name.since]=$since
	t0=$(date +%s.%N)
	run_cc "$name" "$@"
	fig[$name.rc]=$RC
	fig[$name.resumes]=0
	i=0
	while [ "$RC" != 0 ] && [ "$i" -lt "$RESUMES" ]; do
		i=$((i + 1))
		echo "soak: $name ended $RC ($(tail -n 1 "$dir/$name.err")); resume $i" >&2
		cp "$dir/$name.err" "$dir/$name.err.$i"
		run_cc "$name-resume$i" apply --resume "$j" --yes
		fig[$name.resumes]=$i
	done
	fig[$name.final_rc]=$RC
	fig[$name.wall]=$(echo "$(date +%s.%N) - $t0" | bc | cut -d. -f1)
	read -r a b h n < <(rss_figures "$dir/$name.rss")
	fig[$name.rss1]=$a fig[$name.rss2]=$b fig[$name.hwm]=$h fig[$name.samples]=$n
	if [ "$a" -gt 0 ] && [ "$b" -gt $((a + a * SLACK / 100)) ]; then
		fig[$name.rssok]=FAIL
		ok=0
	else
		fig[$name.rssok]=pass
	fi
	[ "$RC" = 0 ] || ok=0
}

# ---------------------------------------------------------------- 3. the runs
run_cc plan plan --url "$url" --out "$dir/plan.json" "$dir/soak.yaml"
[ "$RC" = 0 ] || { ok=0; echo "soak: plan failed: $(tail -n 3 "$dir/plan.err")" >&2; exit 1; }
planned=$(jq '.changes | length' "$dir/plan.json")
objects=$(jq '[.changes[] | "\(.course_id) \(.kind) \(.id)"] | unique | length' "$dir/plan.json")
creates=$(jq '[.changes[] | select(.op == "create")] | length' "$dir/plan.json")
failed_courses=$(jq '.failed_courses // [] | length' "$dir/plan.json")
[ "$failed_courses" = 0 ] || { ok=0; echo "soak: the plan left out $failed_courses courses" >&2; }

pace_loop &
pacer=$!
log_flush
phase apply "$dir/apply.jsonl" apply --yes --journal "$dir/apply.jsonl" "$dir/plan.json"
log_flush
kill "$pacer" 2>/dev/null || true; wait "$pacer" 2>/dev/null || true; pacer=""
curl -sf -X DELETE "$url/__sim/script" >/dev/null
curl -sf "$url/__sim/state" >"$dir/state1.json"
jq -c "select(.seq >= ${fig[apply.since]})" "$dir/requests.jsonl" >"$dir/apply.requests.jsonl"
check planned planned "$dir/state0.json" "$dir/state1.json" "$dir/plan.json" "$dir/apply.jsonl"
check wire_apply wire "$dir/plan.json" "$dir/apply.jsonl" "$dir/apply.requests.jsonl" "$dir/state0.json"

pace_loop &
pacer=$!
log_flush
phase rollback "$dir/rollback.jsonl" rollback --yes --journal "$dir/rollback.jsonl" "$dir/apply.jsonl"
log_flush
kill "$pacer" 2>/dev/null || true; wait "$pacer" 2>/dev/null || true; pacer=""
curl -sf -X DELETE "$url/__sim/script" >/dev/null
curl -sf "$url/__sim/state" >"$dir/state2.json"
head -n 1 "$dir/rollback.jsonl" | jq '.plan' >"$dir/rollback-plan.json"
jq -c "select(.seq >= ${fig[rollback.since]})" "$dir/requests.jsonl" >"$dir/rollback.requests.jsonl"
check seed same "$dir/state0.json" "$dir/state2.json"
check wire_rollback wire "$dir/rollback-plan.json" "$dir/rollback.jsonl" "$dir/rollback.requests.jsonl" \
	"$dir/state1.json"

# ---------------------------------------------------------------- 4. the summary
thr() {   # throttled answers (403 and 429) in a requests file: "403 429"
	jq -s '[([.[] | select(.status == 403)] | length), ([.[] | select(.status == 429)] | length)]
		| "\(.[0]) \(.[1])"' -r "$1"
}
fault() { jq -s '[.[] | select(.status >= 500 or .status == 0)] | length' "$1"; }
read -r a403 a429 < <(thr "$dir/apply.requests.jsonl")
read -r r403 r429 < <(thr "$dir/rollback.requests.jsonl")

echo
echo "soak: $planned changes to $objects objects in $courses courses ($creates creates);" \
	"canvas-sim --fail-rate $FAIL --drop-rate $DROP --latency-ms 5 --jitter-ms 40," \
	"bursts every ${BURST}s (403, then 429)"
fmt='%-34s %16s %16s\n'
# shellcheck disable=SC2059
{
printf "$fmt" "" apply rollback
printf "$fmt" "exit status (resumes)" "${fig[apply.final_rc]} (${fig[apply.resumes]})" \
	"${fig[rollback.final_rc]} (${fig[rollback.resumes]})"
printf "$fmt" "wall time, s" "${fig[apply.wall]}" "${fig[rollback.wall]}"
printf "$fmt" "requests" "${fig[wire_apply.requests]:-?}" "${fig[wire_rollback.requests]:-?}"
printf "$fmt" "  faults (5xx, dropped)" "$(fault "$dir/apply.requests.jsonl")" \
	"$(fault "$dir/rollback.requests.jsonl")"
printf "$fmt" "  throttled 403 / 429" "$a403 / $a429" "$r403 / $r429"
printf "$fmt" "writes carried out" "${fig[wire_apply.applied_writes]:-?}" "${fig[wire_rollback.applied_writes]:-?}"
printf "$fmt" "journal changes done" "${fig[wire_apply.journal_done]:-?}" "${fig[wire_rollback.journal_done]:-?}"
printf "$fmt" "writes not journaled" "${fig[wire_apply.writes_not_journaled]:-?}" \
	"${fig[wire_rollback.writes_not_journaled]:-?}"
printf "$fmt" "journaled done, never written" "${fig[wire_apply.done_without_write]:-?}" \
	"${fig[wire_rollback.done_without_write]:-?}"
printf "$fmt" "duplicate creates" "${fig[wire_apply.duplicate_creates]:-?}" \
	"${fig[wire_rollback.duplicate_creates]:-?}"
printf "$fmt" "journal vs request log" "${fig[wire_apply.ok]}" "${fig[wire_rollback.ok]}"
printf "$fmt" "state: planned / seed" "${fig[planned.ok]} (${fig[planned.problems]})" \
	"${fig[seed.ok]} (${fig[seed.problems]})"
printf "$fmt" "RSS peak kB, 1st half" "${fig[apply.rss1]}" "${fig[rollback.rss1]}"
printf "$fmt" "RSS peak kB, 2nd half" "${fig[apply.rss2]}" "${fig[rollback.rss2]}"
printf "$fmt" "VmHWM kB (samples)" "${fig[apply.hwm]} (${fig[apply.samples]})" \
	"${fig[rollback.hwm]} (${fig[rollback.samples]})"
printf "$fmt" "RSS flat (2nd <= 1st + ${SLACK}%)" "${fig[apply.rssok]}" "${fig[rollback.rssok]}"
}
# a sanitizer build (BUILD=build/asan): a report in any run's stderr, or the simulator's, fails
if grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$dir"/*.err >"$dir/sanitizer" 2>/dev/null; then
	ok=0
	echo "soak: sanitizer reports in: $(tr '\n' ' ' <"$dir/sanitizer")" >&2
fi
echo "total $(($(date +%s) - t_start)) s; plan peak RSS $(rss_figures "$dir/plan.rss" | cut -d' ' -f3) kB"
if [ "$ok" = 1 ]; then
	echo "soak: PASS"
else
	echo "soak: FAIL (files in $dir)"
	exit 1
fi
