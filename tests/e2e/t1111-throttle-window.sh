# tests/e2e/t1111-throttle-window.sh -- the engine's window against Canvas's bucket (issue 18, "the
# throttle's full width"): as many requests in flight as the bucket admits, and never one more.
#
# Canvas reserves 50 units for every request in flight and refuses one when the level reaches the
# hwm (600); each answer's X-Rate-Limit-Remaining is the level right after its own settle, so it
# still counts the row-mates that Canvas settled after it (API.md 3.2; runner/http.c, "Answers in
# the order Canvas settled them"). With the bucket held at a settled level of 250 (--outflow 0 and
# costs of 0.01: it hardly moves) 6 requests fit (250 + 6 x 50 < 600) and a 7th is refused.
# Cases:
#   row   a plan of 24 generated courses (289 reads) at 80 ms: 0 throttled, never more than 6 in
#         flight, and 6 in flight for at least half of the run (73-92%; with the answers completed in
#         curl's order, the rows cut the window to 4 or 5, and 6 were in flight for 3-28% of it)
#   batch a plan of 60 courses is read in two batches (plan_build.c, PLAN_BATCH 50): the second
#         batch's reads leave as soon as the first batch's are in, while the first is planned (on
#         the code before, nothing was in flight while it was: 50 ms or more), and the profile
#         (the token user's zone) goes with the second batch's reads, not alone after them; the
#         plan is the one --fail-fast makes, which reads one batch after the other

# full_share N: the share (%) of the run's span with N or more requests in flight at the simulator
# (its request log: start_ms, end_ms), kept in $LOGDIR/requests.json
full_share() {
	curl -s "$SIM_URL/__sim/requests" | tee "$LOGDIR/requests.json" |
		jq --argjson n "$1" '[.[] | [.start_ms, 1], [.end_ms, -1]] | sort_by(.[0], .[1])
			| reduce .[] as $e ({k: 0, t: null, t0: null, full: 0};
				(if .t != null and .k >= $n then .full += $e[0] - .t else . end)
				| .k += $e[1] | .t = $e[0] | .t0 //= $e[0])
			| .full / (.t - .t0) * 100 | round'
}

test_rows_of_answers_keep_the_window_at_what_fits() {
	local share
	shift_seed 24 10 3 3
	sim_start --seed "$LOGDIR/seed.json" --throttle on --latency-ms 80 --outflow 0 --cost-get 0.01 --cost-write 0.01
	sim_post /__sim/throttle "{\"token\": \"$TOKEN\", \"level\": 250}"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml" \
		>"$LOGDIR/out" 2>"$LOGDIR/err" || fail "plan: $(cat "$LOGDIR/err")"
	expect_eq 0 "$(stats .throttled)" "throttled answers"
	[ "$(stats .max_concurrent)" -le 6 ] || fail "$(stats .max_concurrent) in flight where 6 fit"
	share=$(full_share 6)
	echo "6 in flight for $share% of the run ($(stats .total_requests) requests)"
	[ "$share" -ge 50 ] || fail "6 in flight for only $share% of the run, where 6 fit"
}

test_the_next_batch_is_read_while_one_is_planned() {
	local gap
	shift_seed 60 10 3 3
	sim_start --seed "$LOGDIR/seed.json" --throttle on --latency-ms 20
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml" \
		>"$LOGDIR/out" 2>"$LOGDIR/err" || fail "plan: $(cat "$LOGDIR/err")"
	expect_eq 0 "$(stats .throttled)" "throttled answers"
	# courses 1001..1050 are the first batch, 1051..1060 the second (gen-seed.sh: id 1000 + c)
	gap=$(curl -s "$SIM_URL/__sim/requests" | tee "$LOGDIR/requests.json" | jq '
		def course: (.path | capture("^/api/v1/courses/(?<c>[0-9]+)").c // "0" | tonumber);
		([.[] | select(course > 1050) | .start_ms] | min) - ([.[] | select(course >= 1001 and course <= 1050) | .end_ms] | max)
		| round')
	echo "the second batch's first request left $gap ms after the first batch's last answer"
	[ "$gap" -lt 40 ] || fail "nothing was read for $gap ms between the batches"
	# the token user's zone (the overrides' due dates need it: plan_midnight.c), read once, with the
	# second batch's reads rather than alone after them
	expect_eq 1 "$(jq '[.[] | select(.path == "/api/v1/users/self/profile")] | length' "$LOGDIR/requests.json")" \
		"profile reads"
	jq -e '([.[] | select(.path == "/api/v1/users/self/profile") | .start_ms] | min)
		< ([.[] | select(.path | startswith("/api/v1/courses/")) | .end_ms] | max)' "$LOGDIR/requests.json" \
		>/dev/null || fail "the profile was read alone, after every course"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --fail-fast --url "$SIM_URL" --out "$LOGDIR/plan-ff.json" \
		"$LOGDIR/recipe.yaml" >"$LOGDIR/out-ff" 2>"$LOGDIR/err-ff" || fail "plan --fail-fast: $(cat "$LOGDIR/err-ff")"
	diff <(jq -S 'del(.created_at)' "$LOGDIR/plan.json") <(jq -S 'del(.created_at)' "$LOGDIR/plan-ff.json") \
		>"$LOGDIR/plan.diff" || fail "the plans differ (- read while planning, + one batch after the other): $LOGDIR/plan.diff"
	diff "$LOGDIR/out" "$LOGDIR/out-ff" >"$LOGDIR/out.diff" || fail "the plans' outputs differ: $LOGDIR/out.diff"
}
