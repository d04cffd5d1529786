# tests/e2e/t0925-apply-windows.sh -- apply over more courses than one window (issue 18, "Linear and
# flat"): exec_run takes the plan's courses a window at a time (stale-check read, writes, read-back
# and final re-read per window; runner/exec.c's design comment), so memory does not grow with the
# course count. The window is 200 courses; COURSECTL_APPLY_WINDOW sets it for tests, so 5 courses in
# windows of 2 run as three windows.
#
# Workload: a seed from tests/fixtures/gen-seed.sh (5 courses x 6 assignments with overrides, 3
# pages, 2 modules) and shift_dates {days: 7} plus a replace_text over pages.

win_seed() {
	week_seed '[1001, 1002, 1003, 1004, 1005]' --courses 5 --assignments 6 --pages 3 --modules 2 \
		--overrides-every 2 --token test-token-1 --token second-token
}

# requests OUT: the simulator's API requests so far, "METHOD PATH", one a line, in order.
requests() {
	curl -s "$SIM_URL/__sim/requests" | jq -r '.[] | "\(.method) \(.path)"' >"$LOGDIR/$1"
}

# first_line PATTERN FILE: the line number of the first line matching PATTERN (0: none).
first_line() {
	grep -n -m 1 -E "$1" "$2" | cut -d: -f1 || echo 0
}

test_apply_in_windows_ends_where_one_window_does_and_rolls_back() {
	local n r
	win_seed
	sim_start --seed "$LOGDIR/seed.json"
	state_snap seed.json
	run plan.json plan "$LOGDIR/recipe.yaml" --format json --out "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.json.err"))"
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	[ "$n" -gt 50 ] || fail "the plan has only $n changes"
	expect_eq "[1001,1002,1003,1004,1005]" "$(jq -c '[.changes[].course_id] | unique' "$LOGDIR/plan.json")" \
		"every course has changes"

	# one window: the state every window size must end in
	run one.out apply --yes --journal "$LOGDIR/one.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply in one window ($(cat "$LOGDIR/one.out.err"))"
	state_snap one.json
	# ... and it is the plan: every update's `after` is in Canvas (dates and text as planned)
	r=$(curl -s "$SIM_URL/__sim/state" | jq --slurpfile p "$LOGDIR/plan.json" '
		[.courses[] | . as $c | (.assignments[]?, .pages[]?, .modules[]?) | {key: "\($c.id) \(.id // .page_id)", value: .}]
		  | from_entries as $o
		| [$p[0].changes[] | select(.op == "update" and (.kind == "assignment" or .kind == "module"))
		   | select($o["\(.course_id) \(.id)"][.field] != .after)] | length')
	expect_eq 0 "$r" "assignment and module fields that differ from the plan's after"

	# windows of 2 courses, from the seed again: three windows, the same end state
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	state_snap reset.json
	state_same seed.json reset.json "the reset"
	RC=0
	COURSECTL_APPLY_WINDOW=2 cc apply --yes --journal "$LOGDIR/win.jsonl" "$LOGDIR/plan.json" \
		>"$LOGDIR/win.out" 2>"$LOGDIR/win.out.err" </dev/null || RC=$?
	expect_eq 0 "$RC" "apply in windows of 2 ($(cat "$LOGDIR/win.out.err"))"
	expect_eq "$(tail -n 1 "$LOGDIR/one.out")" "$(tail -n 1 "$LOGDIR/win.out")" "the summary line"
	expect_match "^Applied $n changes" "$(tail -n 1 "$LOGDIR/win.out")" "every change applied"
	expect_eq "$n" "$(jq -s '[.[] | select(.type == "outcome" and .state == "done")] | length' "$LOGDIR/win.jsonl")" \
		"done outcomes in the journal"
	state_snap win.json
	state_same one.json win.json "windows of 2 against one window"
	# the windows ran one after the other: course 1001's first write left before course 1005 was read
	# (in one window every course is read before anything is written)
	requests req.txt
	local w1 r5
	w1=$(first_line '^(PUT|POST|DELETE) /api/v1/courses/1001/' "$LOGDIR/req.txt")
	r5=$(first_line '^GET /api/v1/courses/1005/' "$LOGDIR/req.txt")
	[ "$w1" -gt 0 ] && [ "$r5" -gt "$w1" ] ||
		fail "course 1001's first write (request $w1) did not come before course 1005's first read ($r5)"
	# and the last window's writes come after the first window's final re-read
	local last
	last=$(grep -n -E '^GET /api/v1/courses/1001/' "$LOGDIR/req.txt" | tail -n 1 | cut -d: -f1)
	[ "$last" -lt "$r5" ] || fail "course 1001 was re-read (request $last) after course 1005 was first read ($r5)"

	# rollback of the windowed run (itself in windows) gives the seed back
	RC=0
	COURSECTL_APPLY_WINDOW=2 cc rollback --yes "$LOGDIR/win.jsonl" \
		>"$LOGDIR/rb.out" 2>"$LOGDIR/rb.out.err" </dev/null || RC=$?
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap rolled.json
	state_same seed.json rolled.json "rollback of the windowed run"
}

test_a_stop_in_the_second_window_sends_nothing_after_it_and_resume_finishes() {
	local n
	win_seed
	sim_start --seed "$LOGDIR/seed.json"
	run plan.json plan "$LOGDIR/recipe.yaml" --format json --out "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.json.err"))"
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	run one.out apply --yes --journal "$LOGDIR/one.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply in one window ($(cat "$LOGDIR/one.out.err"))"
	state_snap one.json
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	# the first write to course 1003 (the second window) revokes the token: the run stops there
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/1003/*", "action": "revoke_token"}'
	RC=0
	COURSECTL_APPLY_WINDOW=2 cc apply --yes --journal "$LOGDIR/win.jsonl" "$LOGDIR/plan.json" \
		>"$LOGDIR/win.out" 2>"$LOGDIR/win.out.err" </dev/null || RC=$?
	expect_eq 3 "$RC" "exit code on a revoked token ($(cat "$LOGDIR/win.out.err"))"
	requests req.txt
	! grep -q -E '/api/v1/courses/1005/' "$LOGDIR/req.txt" ||
		fail "the third window's course 1005 was read after the run stopped: $(grep -m 3 1005 "$LOGDIR/req.txt")"
	# the first window is done: its two courses' changes have done outcomes
	expect_eq "[]" "$(jq -s -c --slurpfile p "$LOGDIR/plan.json" '
		([.[] | select(.type == "outcome" and .state == "done") | .seq] | unique) as $done
		| [$p[0].changes[] | select(.course_id == 1001 or .course_id == 1002) | .seq] - $done' "$LOGDIR/win.jsonl")" \
		"changes of the first window without a done outcome"
	COURSECTL_APPLY_WINDOW=2 APPLY_TOKEN=second-token run res.out apply --yes --resume "$LOGDIR/win.jsonl"
	expect_eq 0 "$RC" "resume with another token ($(cat "$LOGDIR/res.out.err"))"
	state_snap res.json
	state_same one.json res.json "resume after a stop in the second window"
	expect_eq "$n" "$(jq -s '[.[] | select(.type == "outcome" and .state == "done")] | map(.seq) | unique | length' \
		"$LOGDIR/win.jsonl")" "every change done in the journal"
}
