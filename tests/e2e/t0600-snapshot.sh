# tests/e2e/t0600-snapshot.sh -- coursectl snapshot against canvas-sim: the HTTP engine's manners
# (paging, window, retries, throttle, origin rule, token hygiene) and the seed-format round trip.

SNAP_TOKEN=snapshot-token-5f1c9e

# A course of several hundred objects: 120 assignments (one with 30 overrides), 40 pages, a module
# of 150 items plus 4 small ones, quizzes, discussions, announcements, calendar events.
big_seed() {
	jq --arg tok "$SNAP_TOKEN" '
	  .tokens += [$tok]
	  | .courses[0].assignments += [range(120) | {name: "Problem Set \(. + 10)", description: "<p>Set \(.)</p>",
	        due_at: "2025-03-\((. % 28) + 1 | tostring | if length == 1 then "0" + . else . end)T04:59:59Z",
	        unlock_at: null, lock_at: null, points_possible: 10, published: true, submission_types: ["online_upload"]}]
	  | .courses[0].assignments[0].overrides += [range(28) | {title: "Student \(.)", student_ids: [80000 + .],
	        due_at: "2025-02-20T04:59:59Z"}]
	  | .courses[0].pages += [range(40) | {title: "Notes \(.)", url: "notes-\(.)", body: "<p>Notes \(.)</p>\n<p>More.</p>",
	        published: true, front_page: false, editing_roles: "teachers"}]
	  | .courses[0].modules += [{name: "Problem bank", position: 4, published: false, unlock_at: null,
	        require_sequential_progress: false, prerequisite_module_ids: [],
	        items: [range(150) | {title: "Link \(.)", type: "ExternalUrl", external_url: "https://example.org/\(.)",
	                              position: (. + 1), indent: 0, published: true}]}]
	  | .courses[0].modules += [range(4) | {name: "Extra \(.)", position: (. + 5), published: true, unlock_at: null,
	        require_sequential_progress: false, prerequisite_module_ids: [],
	        items: [{title: "Header \(.)", type: "SubHeader", position: 1, indent: 0, published: true}]}]
	  | .courses[0].discussion_topics += [range(6) | {title: "Topic \(.)", message: "<p>Talk \(.)</p>",
	        published: true, delayed_post_at: null, lock_at: null, todo_date: null}]
	  | .courses[0].calendar_events += [range(8) | {title: "Event \(.)", start_at: "2025-04-0\(. + 1)T15:00:00Z",
	        end_at: "2025-04-0\(. + 1)T16:00:00Z", all_day: false, workflow_state: "active"}]
	' "$FIXTURES/small-seed.json" >"$LOGDIR/big-seed.json"
	echo "$LOGDIR/big-seed.json"
}

# Ten small courses with no cross references (ids assigned by the simulator).
ten_courses_seed() {
	jq -n --arg tok "$SNAP_TOKEN" '{tokens: [$tok], user_time_zone: "America/Denver",
	  courses: [range(10) as $c | {name: "Course \($c)", course_code: "C\($c)", time_zone: "America/Denver",
	    workflow_state: "available", syllabus_body: "<p>Syllabus \($c)</p>",
	    assignments: [range(30) | {name: "A\(.)", due_at: "2025-09-1\(. % 10)T05:59:59Z", published: true,
	        points_possible: 5, submission_types: ["online_upload"]}],
	    quizzes: [range(2) | {title: "Q\(.)", due_at: "2025-10-0\(. + 1)T05:59:59Z", published: true}],
	    discussion_topics: [range(3) | {title: "D\(.)", message: "<p>d</p>", published: true}],
	    announcements: [range(2) | {title: "N\(.)", message: "<p>n</p>", published: true,
	        delayed_post_at: "2025-08-2\(.)T14:00:00Z"}],
	    modules: [range(5) as $m | {name: "Week \($m)", position: ($m + 1), published: true,
	        items: [range(5) | {title: "Item \(.)", type: "SubHeader", position: (. + 1), indent: 0}]}],
	    pages: [range(10) | {title: "P\(.)", url: "p\(.)", body: "<p>page \(.)</p>", published: true}],
	    calendar_events: [range(3) | {title: "E\(.)", start_at: "2025-09-0\(. + 1)T15:00:00Z",
	        end_at: "2025-09-0\(. + 1)T16:00:00Z", all_day: false, workflow_state: "active"}]}]}' \
	  >"$LOGDIR/ten.json"
	echo "$LOGDIR/ten.json"
}

snapshot() {
	CANVAS_API_TOKEN=$SNAP_TOKEN "$COURSECTL" snapshot --url "$SIM_URL" "$@"
}

ids_of_ten() {
	curl -s -H "Authorization: Bearer $SNAP_TOKEN" "$SIM_URL/api/v1/courses?per_page=100" | jq -r '.[].id' |
		sed 's/^/--course /' | tr '\n' ' '
}

# jq: every key of $a (recursively) has the same value in $b.
SUBSET='def sub($a; $b): if ($a|type) == "object" then ($b|type) == "object" and all($a|keys[]; . as $k | sub($a[$k]; $b[$k]))
  elif ($a|type) == "array" then ($b|type) == "array" and ($a|length) == ($b|length) and
    all(range($a|length); . as $i | sub($a[$i]; $b[$i]))
  else $a == $b end;'

test_round_trip_equals_state() {
	local seed
	seed=$(big_seed)
	sim_start --seed "$seed"
	snapshot --course 4821 --course sis_course_id:PHYS101L/001 -o "$LOGDIR/snap1.json" 2>"$LOGDIR/err1" ||
		fail "snapshot 1: $(cat "$LOGDIR/err1")"
	curl -s "$SIM_URL/__sim/state" >"$LOGDIR/state1.json"
	expect_eq 150 "$(jq '.courses[0].modules[] | select(.name == "Problem bank") | .items | length' "$LOGDIR/snap1.json")" \
		"items of the 150-item module"
	expect_eq 30 "$(jq '.courses[0].assignments[] | select(.id == 90211) | .overrides | length' "$LOGDIR/snap1.json")" \
		"overrides of the 30-override assignment"
	expect_eq 125 "$(jq '.courses[0].assignments | length' "$LOGDIR/snap1.json")" "assignments"
	expect_eq 44 "$(jq '.courses[0].pages | length' "$LOGDIR/snap1.json")" "pages"
	jq -e '[.courses[0].pages[] | select(.body == null)] | length == 0' "$LOGDIR/snap1.json" >/dev/null ||
		fail "a page without its body"
	jq -e '.courses[0].syllabus_body | test("Office hours")' "$LOGDIR/snap1.json" >/dev/null || fail "syllabus"
	# every kind in the simulator's state is reproduced field for field (posted_at aside: a delayed
	# announcement whose time has passed is rendered as posted, as Canvas would have posted it)
	for kind in assignments quizzes discussion_topics announcements modules pages calendar_events; do
		jq -e -n --slurpfile s "$LOGDIR/state1.json" --slurpfile n "$LOGDIR/snap1.json" --arg k "$kind" \
			"$SUBSET"' def byid: sort_by(.id // .page_id);
			   [range($s[0].courses|length) as $c | sub($s[0].courses[$c][$k] | map(del(.revisions, .posted_at)) | byid;
			     $n[0].courses[$c][$k] | byid)] | all' >/dev/null || fail "$kind differ from the simulator's state"
	done
	# seed a second simulator with the snapshot, snapshot again: identical
	lib_cleanup
	sim_start --seed "$LOGDIR/snap1.json" --token "$SNAP_TOKEN"
	snapshot --course 4821 --course sis_course_id:PHYS101L/001 -o "$LOGDIR/snap2.json" 2>"$LOGDIR/err2" ||
		fail "snapshot 2: $(cat "$LOGDIR/err2")"
	diff <(jq -S . "$LOGDIR/snap1.json") <(jq -S . "$LOGDIR/snap2.json") >"$LOGDIR/diff" ||
		fail "the two snapshots differ: $(head -20 "$LOGDIR/diff")"
	jq -e '.tokens == null' "$LOGDIR/snap1.json" >/dev/null || fail "a snapshot must not carry tokens"
}

test_requests_near_minimum_at_latency() {
	local seed n
	seed=$(ten_courses_seed)
	sim_start --seed "$seed" --token "$SNAP_TOKEN" --latency-ms 50
	# shellcheck disable=SC2046
	snapshot $(ids_of_ten) -o "$LOGDIR/snap.json" 2>"$LOGDIR/err" || fail "snapshot: $(cat "$LOGDIR/err")"
	expect_eq 10 "$(jq '.courses | length' "$LOGDIR/snap.json")" "courses"
	# the minimum: per course 1 GET + 7 lists of one page each = 8; 10 courses = 80 (+1: ids_of_ten)
	n=$(stats '.total_requests')
	[ "$n" -le $((81 * 110 / 100)) ] || fail "$n requests, more than 10% over the minimum of 81"
	expect_eq null "$(stats '.by_status["403"]')" "throttled responses"
	expect_eq null "$(stats '.by_status["429"]')" "429 responses"
	expect_eq 0 "$(stats '[.by_status | to_entries[] | select(.key | test("^[45]"))] | length')" "failed requests"
}

test_survives_random_5xx() {
	local seed ids
	seed=$(ten_courses_seed)
	sim_start --seed "$seed" --token "$SNAP_TOKEN"
	ids=$(ids_of_ten)
	# shellcheck disable=SC2086
	snapshot $ids -o "$LOGDIR/clean.json" 2>/dev/null || fail "clean snapshot"
	lib_cleanup
	sim_start --seed "$seed" --token "$SNAP_TOKEN" --fail-rate 0.1 --random-seed 7
	# shellcheck disable=SC2086
	snapshot $ids -o "$LOGDIR/faulty.json" 2>"$LOGDIR/err" || fail "snapshot under faults: $(cat "$LOGDIR/err")"
	[ "$(stats '[.by_status | to_entries[] | select(.key | test("^5")) | .value] | add')" -gt 0 ] ||
		fail "no fault was injected"
	diff <(jq -S . "$LOGDIR/clean.json") <(jq -S . "$LOGDIR/faulty.json") >/dev/null ||
		fail "the snapshot under faults differs"
	grep -Eq '[1-9][0-9]* retried' "$LOGDIR/err" || fail "the summary does not report retries: $(cat "$LOGDIR/err")"
}

test_backs_off_when_throttled() {
	local seed ids
	seed=$(ten_courses_seed)
	# a bucket with room for about two requests in flight, already nearly full when the run starts:
	# the first requests are refused and the engine has to wait for it to leak
	sim_start --seed "$seed" --token "$SNAP_TOKEN" --hwm 120 --latency-ms 40
	ids=$(ids_of_ten)
	sim_post /__sim/throttle "{\"token\": \"$SNAP_TOKEN\", \"level\": 110}"
	# shellcheck disable=SC2086
	snapshot $ids --concurrency 8 -o "$LOGDIR/snap.json" 2>"$LOGDIR/err" || fail "snapshot: $(cat "$LOGDIR/err")"
	expect_eq 10 "$(jq '.courses | length' "$LOGDIR/snap.json")" "courses"
	[ "$(stats '.throttled')" -gt 0 ] || fail "the simulator never throttled: the test proves nothing"
	grep -Eq '[1-9][0-9]* throttled' "$LOGDIR/err" || fail "the summary does not report throttling: $(cat "$LOGDIR/err")"
	# and it stayed within the small bucket: never more than a few refusals per request
	[ "$(stats '.throttled')" -lt 40 ] || fail "$(stats '.throttled') throttled responses: the engine did not back off"
}

test_foreign_link_is_refused() {
	local a_url b_pid b_url
	# B: a second listener that records whatever it receives
	"$SIM" --seed "$FIXTURES/small-seed.json" >"$LOGDIR/b.out" 2>&1 &
	b_pid=$!
	sleep 0.3
	b_url=$(sed -n 's/^canvas-sim listening on //p' "$LOGDIR/b.out")
	sim_start --token "$SNAP_TOKEN"
	a_url=$SIM_URL
	sim_post /__sim/script "{\"method\":\"GET\",\"path\":\"/api/v1/courses/4821/quizzes\",\"status\":200,
	  \"body\":\"[]\",\"headers\":{\"Link\":\"<$b_url/api/v1/courses/4821/quizzes?page=2&per_page=100>; rel=\\\"next\\\"\"}}"
	local rc=0
	snapshot --course 4821 -o "$LOGDIR/snap.json" 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code"
	grep -q "refusing to send the Canvas token to http://127.0.0.1:${b_url##*:}" "$LOGDIR/err" ||
		fail "no error naming the foreign host: $(cat "$LOGDIR/err")"
	[ ! -e "$LOGDIR/snap.json" ] || fail "a partial snapshot was written"
	SIM_URL=$b_url
	expect_eq 0 "$(stats '.total_requests')" "requests that reached the foreign listener"
	kill "$b_pid"
	SIM_URL=$a_url
}

test_token_appears_nowhere() {
	sim_start --token "$SNAP_TOKEN"
	snapshot -v --course 4821 -o "$LOGDIR/snap.json" >"$LOGDIR/out" 2>"$LOGDIR/err" || fail "snapshot: $(cat "$LOGDIR/err")"
	grep -q 'GET .*/api/v1/courses/4821.* -> 200' "$LOGDIR/err" || fail "-v logs no requests"
	snapshot -v --course 999999 >>"$LOGDIR/out" 2>>"$LOGDIR/err" && fail "a missing course succeeded"
	grep -q 'course 999999 not found' "$LOGDIR/err" || fail "the 404 does not name the course: $(cat "$LOGDIR/err")"
	if grep -rl "$SNAP_TOKEN" "$LOGDIR/out" "$LOGDIR/err" "$LOGDIR/snap.json"; then
		fail "the token leaked"
	fi
}

test_bad_token_exits_3() {
	sim_start
	local rc=0
	CANVAS_API_TOKEN=not-a-token "$COURSECTL" snapshot --url "$SIM_URL" --course 4821 2>"$LOGDIR/err" || rc=$?
	expect_eq 3 "$rc" "exit code"
	grep -q 'invalid, expired or revoked' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
	grep -q 'not-a-token' "$LOGDIR/err" && fail "the token is in the message"
	rc=0
	env -u CANVAS_API_TOKEN "$COURSECTL" snapshot --url "$SIM_URL" --course 4821 2>"$LOGDIR/err" || rc=$?
	expect_eq 3 "$rc" "exit code without a token"
	grep -q 'CANVAS_API_TOKEN' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
}

test_revoked_mid_run_stops_with_3() {
	local seed rc=0
	seed=$(ten_courses_seed)
	sim_start --seed "$seed" --token "$SNAP_TOKEN"
	sim_post /__sim/script '{"method":"GET","path":"/api/v1/courses/*","skip":12,"action":"revoke_token"}'
	# shellcheck disable=SC2046
	snapshot $(ids_of_ten) -o "$LOGDIR/snap.json" 2>"$LOGDIR/err" || rc=$?
	expect_eq 3 "$rc" "exit code"
	grep -q 'invalid, expired or revoked' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
	[ ! -e "$LOGDIR/snap.json" ] || fail "a partial snapshot was written"
}

test_bad_urls_and_files() {
	local rc=0
	CANVAS_API_TOKEN=x "$COURSECTL" snapshot --url ftp://canvas.example.edu --course 1 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "ftp URL"
	rc=0
	CANVAS_API_TOKEN=x "$COURSECTL" snapshot --url http://canvas.example.edu --course 1 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "plain http to a remote host"
	grep -q 'insecure-http' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
	rc=0
	SECONDS=0
	CANVAS_API_TOKEN=x "$COURSECTL" snapshot --url http://127.0.0.1:1 --course 1 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "refused connection"
	grep -q 'cannot connect to http://127.0.0.1:1' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
	[ "$SECONDS" -lt 5 ] || fail "a refused connection took ${SECONDS}s"
	rc=0
	CANVAS_API_TOKEN=x "$COURSECTL" snapshot --url http://127.0.0.1:1 --token x --course 1 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "--token on the command line"
	printf 'secret\n' >"$LOGDIR/tok"
	chmod 644 "$LOGDIR/tok"
	rc=0
	"$COURSECTL" snapshot --url http://127.0.0.1:1 --token-file "$LOGDIR/tok" --course 1 2>"$LOGDIR/err" || rc=$?
	expect_eq 3 "$rc" "group-readable token file (a token problem)"
	grep -q 'chmod 600' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
}

test_token_file_works() {
	sim_start --token "$SNAP_TOKEN"
	printf '%s\n' "$SNAP_TOKEN" >"$LOGDIR/tok"
	chmod 600 "$LOGDIR/tok"
	env -u CANVAS_API_TOKEN "$COURSECTL" snapshot --url "$SIM_URL/api/v1/" --token-file "$LOGDIR/tok" --course 4821 \
		>"$LOGDIR/out" 2>"$LOGDIR/err" || fail "snapshot: $(cat "$LOGDIR/err")"
	expect_eq 4821 "$(jq '.courses[0].id' "$LOGDIR/out")" "course id"
}

test_invalid_json_and_huge_body() {
	local rc=0
	sim_start --token "$SNAP_TOKEN"
	sim_post /__sim/script '{"method":"GET","path":"/api/v1/courses/4821/pages","status":200,"body":"[{\"title\": tru"}'
	snapshot --course 4821 2>"$LOGDIR/err" >/dev/null || rc=$?
	expect_eq 1 "$rc" "invalid JSON"
	grep -q 'not valid JSON' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
	head -c 3000000 /dev/zero | tr '\0' 'x' | jq -Rs '{method: "GET", path: "/api/v1/courses/4821/quizzes",
		status: 200, body: ("[\"" + . + "\"]")}' >"$LOGDIR/script.json"
	curl -s -X POST --data-binary @"$LOGDIR/script.json" "$SIM_URL/__sim/script" >/dev/null
	rc=0
	snapshot --course 4821 --max-response-mb 1 2>"$LOGDIR/err" >/dev/null || rc=$?
	expect_eq 1 "$rc" "huge body"
	grep -q 'larger than 1 MiB' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
}

test_redirects_same_origin_only() {
	local rc=0
	sim_start --token "$SNAP_TOKEN"
	# same origin: followed (to the real list)
	sim_post /__sim/script "{\"method\":\"GET\",\"path\":\"/api/v1/courses/4821/quizzes\",\"status\":302,
	  \"headers\":{\"Location\":\"/api/v1/courses/4821/quizzes?per_page=100&moved=1\"}}"
	snapshot --course 4821 -o "$LOGDIR/snap.json" 2>"$LOGDIR/err" || fail "snapshot: $(cat "$LOGDIR/err")"
	expect_eq 2 "$(jq '.courses[0].quizzes | length' "$LOGDIR/snap.json")" "quizzes after the redirect"
	# another origin: refused, named
	sim_post /__sim/script '{"method":"GET","path":"/api/v1/courses/4821/pages","status":301,
	  "headers":{"Location":"http://127.0.0.2:9/api/v1/courses/4821/pages"}}'
	snapshot --course 4821 -o "$LOGDIR/snap2.json" 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code"
	grep -q 'redirected (HTTP 301) to http://127.0.0.2:9/' "$LOGDIR/err" || fail "message: $(cat "$LOGDIR/err")"
}
