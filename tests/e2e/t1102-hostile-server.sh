# tests/e2e/t1102-hostile-server.sh -- a malicious or broken server: each answer ends in a clear
# error or a bounded retry, never a crash, a hang or the token sent elsewhere.
#
# canvas-sim plays the server with respond scripts (tests/sim/README.md 6.5), "repeat" for huge
# bodies and "trickle_ms" for a slow-loris answer. Cases:
#   huge      a 2 MiB list with --max-response-mb 1: refused naming the cap, not retried;
#   deep      200,000 nested brackets, and 5,000 inside an object: "not valid JSON", no crash;
#   utf8      bytes that are not UTF-8 in a name: refused naming the object, field and byte;
#   types     a list answered with an object, a due date that is a number: refused;
#   throttle  X-Rate-Limit-Remaining "abc", "nan", "1e999" on every answer: no pause (it read as 0
#             and paused each answer up to 15 s); 429s with Retry-After huge, negative or words,
#             and remaining -1e308: retried with our own bounded backoff;
#   redirect  a 302 to another host (also the same server under another name): refused naming the
#             host, never requested with the token; Link/redirect loops: t1100;
#   slowloris an answer trickling 5 bytes/s is cut by the low-speed timeout (COURSECTL_LOW_SPEED_S=2)
#             and retried; one at 100 bytes/s by --timeout; the run then succeeds in seconds.

C=/api/v1/courses/4821
A=$C/assignments

shift_recipe() {
	printf 'version: 1\ncourses: [4821]\nsteps:\n  - shift_dates: {days: 7}\n' >"$LOGDIR/r.yaml"
}

# arm JSON: a canvas-sim script (from a file: bodies may be large).
arm() {
	printf '%s' "$1" >"$LOGDIR/script.json"
	curl -sf -X POST "$SIM_URL/__sim/script" --data-binary @"$LOGDIR/script.json" >/dev/null ||
		fail "cannot arm the script $(head -c 300 "$LOGDIR/script.json")"
}

disarm() {
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
}

# plan [ARGS...]: plan r.yaml (at most 30 s); RC, ELAPSED (whole seconds), $LOGDIR/p.txt{,.err}.
plan() {
	local t0=$SECONDS
	RC=0
	CANVAS_API_TOKEN=$TOKEN timeout 30 "$COURSECTL" plan --url "$SIM_URL" "$@" "$LOGDIR/r.yaml" \
		>"$LOGDIR/p.txt" 2>"$LOGDIR/p.txt.err" </dev/null || RC=$?
	ELAPSED=$((SECONDS - t0))
}

# requests_to PATH: how many API requests canvas-sim logged for PATH.
requests_to() {
	curl -s "$SIM_URL/__sim/requests" | jq --arg p "$1" '[.[] | select(.path == $p)] | length'
}

sim_alive() {
	kill -0 "$SIM_PID" 2>/dev/null || fail "canvas-sim died: $(tail -5 "$LOGDIR/sim.err")"
}

test_huge_body_is_refused() {
	sim_start
	shift_recipe
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1, body: ("x" * 1024), repeat: 2048}')"
	plan --max-response-mb 1
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the response to GET $SIM_URL$A\?[^ ]* is larger than 1 MiB; refusing it" \
		"$(cat "$LOGDIR/p.txt.err")" "message"
	expect_eq 1 "$(requests_to "$A")" "requests for the list (a refused size is not retried)"
	sim_alive
}

test_deep_json_is_an_error() {
	sim_start
	shift_recipe
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1, body: (("[" * 200000) + ("]" * 200000))}')"
	plan
	expect_eq 1 "$RC" "plan exit code, deep list ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: the response to GET .* is not valid JSON \(400000 bytes\)" \
		"$(cat "$LOGDIR/p.txt.err")" "deep list"
	disarm
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1,
		body: ("[{\"id\": 51001, \"name\": " + ("{\"a\":" * 5000) + "1" + ("}" * 5000) + "}]")}')"
	plan
	expect_eq 1 "$RC" "plan exit code, deep object ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: the response to GET .* is not valid JSON" \
		"$(cat "$LOGDIR/p.txt.err")" "deep object"
	sim_alive
}

test_invalid_utf8_is_refused() {
	sim_start
	shift_recipe
	# raw bytes in the script's JSON string pass through canvas-sim as they are
	printf '{"method": "GET", "path": "%s", "count": -1, "body": "[{\\"id\\": 51001, \\"name\\": \\"Lab \xff\xfe 1\\", \\"due_at\\": null}]"}' \
		"$A" >"$LOGDIR/script.json"
	curl -sf -X POST "$SIM_URL/__sim/script" --data-binary @"$LOGDIR/script.json" >/dev/null || fail "cannot arm"
	plan --format json
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: Canvas sent bytes that are not UTF-8 \(0xff at byte 28, object id 51001, field 'name'\); refusing the answer" \
		"$(cat "$LOGDIR/p.txt.err")" "message"
	# a truncated sequence at the very end of a body too
	disarm
	printf '{"method": "GET", "path": "%s", "count": -1, "body": "[{\\"id\\": 51001, \\"name\\": \\"Lab\\", \\"due_at\\": null}]\xc3"}' \
		"$A" >"$LOGDIR/script.json"
	curl -sf -X POST "$SIM_URL/__sim/script" --data-binary @"$LOGDIR/script.json" >/dev/null || fail "cannot arm"
	plan
	expect_eq 1 "$RC" "plan exit code, truncated ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "not UTF-8 \(0xc3 at byte [0-9]+, outside a string\)" "$(cat "$LOGDIR/p.txt.err")" "truncated"
}

test_wrong_types_in_known_fields() {
	sim_start
	shift_recipe
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1, body: {id: 51001, name: "Lab"}}')"
	plan
	expect_eq 1 "$RC" "plan exit code, an object for a list ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: expected a JSON array from GET" "$(cat "$LOGDIR/p.txt.err")" \
		"an object for a list"
	disarm
	# a due date as a number read as "no date": the shift left the assignment out, silently
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1,
		body: [{id: 51001, name: "Lab", due_at: 1738990799, unlock_at: null}]}')"
	plan
	expect_eq 1 "$RC" "plan exit code, a numeric due_at ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: Canvas sent 'due_at' as a number, not a date or null; refusing the answer" \
		"$(cat "$LOGDIR/p.txt.err")" "a numeric due_at"
	disarm
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1,
		body: [{id: 51001, name: 5, due_at: "2025-02-08T04:59:59Z", overrides: {a: 1}, points_possible: "x"}]}')"
	plan
	[ "$RC" -le 1 ] || fail "plan exit code $RC with wrong types ($(cat "$LOGDIR/p.txt.err"))"
	sim_alive
}

test_absurd_throttle_headers() {
	sim_start
	shift_recipe
	# every list answer says "abc" remaining: was read as 0 -> a 5..15 s pause after each
	arm "$(jq -nc --arg c "$C/*" '[{method: "GET", path: $c, count: 2, action: "respond",
		body: "[]", headers: {"X-Rate-Limit-Remaining": "abc", "X-Request-Cost": "lots"}},
		{method: "GET", path: $c, count: 2, body: "[]", headers: {"X-Rate-Limit-Remaining": "nan"}},
		{method: "GET", path: $c, count: 2, body: "[]", headers: {"X-Rate-Limit-Remaining": "1e999"}}]')"
	plan
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	[ "$ELAPSED" -le 3 ] || fail "non-numeric throttle headers paused the run for $ELAPSED s"
	disarm
	# throttled twice, with a Retry-After of 3 years, negative and words, remaining -1e308
	arm "$(jq -nc --arg a "$A" '[
		{method: "GET", path: $a, status: 429, body: "slow down",
		 headers: {"Retry-After": "99999999", "X-Rate-Limit-Remaining": "-1e308"}},
		{method: "GET", path: $a, status: 403, content_type: "text/plain", body: "403 Forbidden (Rate Limit Exceeded)",
		 headers: {"Retry-After": "-5", "X-Rate-Limit-Remaining": "-99999"}},
		{method: "GET", path: $a, status: 429, body: "slow down", headers: {"Retry-After": "when pigs fly"}}]')"
	plan
	expect_eq 0 "$RC" "plan exit code after throttles ($(cat "$LOGDIR/p.txt.err"))"
	expect_eq 4 "$(requests_to "$A")" "requests for the list (3 throttled, then answered)"
	[ "$ELAPSED" -le 40 ] || fail "the throttled run took $ELAPSED s"
}

test_redirect_to_another_host_is_refused() {
	local other
	sim_start
	shift_recipe
	other=${SIM_URL/127.0.0.1/localhost}
	arm "$(jq -nc --arg a "$A" --arg to "$other$A?per_page=100" '{method: "GET", path: $a, count: -1, status: 302,
		body: "", headers: {Location: $to}}')"
	plan
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "was redirected \(HTTP 302\) to .*localhost.*, which is not the configured Canvas \($SIM_URL\); not following it with the token" \
		"$(cat "$LOGDIR/p.txt.err")" "message"
	expect_eq 1 "$(requests_to "$A")" "requests for the list (the redirect is not followed)"
	disarm
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: -1, status: 301, body: "",
		headers: {Location: "https://canvas.evil.example/api/v1/courses/4821/assignments"}}')"
	plan
	expect_eq 1 "$RC" "plan exit code, another domain ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "redirected \(HTTP 301\) to https://canvas\.evil\.example.*not following it with the token" \
		"$(cat "$LOGDIR/p.txt.err")" "another domain"
}

test_slow_loris_is_cut_and_retried() {
	sim_start
	shift_recipe
	# 5 bytes/s: cut by the low-speed timeout after about 2 s, then answered at once
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: 1, trickle_ms: 200, body: (" " * 600 + "[]")}')"
	COURSECTL_LOW_SPEED_S=2 plan -v
	expect_eq 0 "$RC" "plan exit code, low speed ($(tail -3 "$LOGDIR/p.txt.err"))"
	[ "$ELAPSED" -le 12 ] || fail "a slow-loris held the run for $ELAPSED s"
	expect_eq 2 "$(requests_to "$A")" "requests for the list (cut, then retried)"
	expect_match "GET $SIM_URL$A\?.* -> no response \([0-9]+ ms\): Operation too slow" "$(cat "$LOGDIR/p.txt.err")" \
		"the cut attempt in -v"
	disarm
	# 100 bytes/s is fast enough for the low-speed rule: --timeout 2 cuts it
	arm "$(jq -nc --arg a "$A" '{method: "GET", path: $a, count: 1, trickle_ms: 10, body: (" " * 1000 + "[]")}')"
	COURSECTL_LOW_SPEED_S=2 plan -v --timeout 2
	expect_eq 0 "$RC" "plan exit code, total timeout ($(tail -3 "$LOGDIR/p.txt.err"))"
	[ "$ELAPSED" -le 12 ] || fail "a trickle held the run for $ELAPSED s"
	expect_match "GET $SIM_URL$A\?.* -> no response \([0-9]+ ms\): Operation timed out" "$(cat "$LOGDIR/p.txt.err")" \
		"the timed-out attempt in -v"
	sim_alive
}
