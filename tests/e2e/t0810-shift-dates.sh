# tests/e2e/t0810-shift-dates.sh -- `coursectl plan` with a shift_dates term rollover against
# canvas-sim: tests/fixtures/rollover-seed.json (ENGL 210, America/New_York, every dated kind and
# overrides, Fall 2025 across the end of DST on Sun 2025-11-02) and
# tests/fixtures/recipes/rollover-e2e.yaml (Fall 2025 -> Spring 2026, wed: thu, spring break).
#
# The expected values below were derived by hand from the rules in docs/recipes.md, not from
# coursectl's output. The mapping: from 2025-08-25..2025-12-12 (109 days) onto
# 2026-01-12..2026-05-08 (116 days); a date d at offset o = d - 2025-08-25 goes to
# 2026-01-12 + round(o * 116 / 109) (half away from zero), then to its weekday (a Wednesday to a
# Thursday): forward to the next such day, then back a week unless that is before 2026-01-12;
# then out of spring break (2026-03-16..20) to the day after it. The local wall-clock time is kept.

ROLL_SEED=$FIXTURES/rollover-seed.json
ROLL_RECIPE=$FIXTURES/recipes/rollover-e2e.yaml

plan() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" "$@"
}

# kind id field before after, one change a line, as the plan should hold them. A few worked:
#  - assignment 5201 due_at: Fri 2025-10-17 23:59:59 EDT. o = 53; 53 * 116 / 109 = 56.40 -> 56;
#    2026-01-12 + 56 = Mon 03-09; a Friday: forward to Fri 03-13, back a week to Fri 03-06 (not
#    before 01-12) -> Fri 2026-03-06 23:59:59 EST = 2026-03-07T04:59:59Z (the hour moves: EDT->EST).
#  - assignment 5201 lock_at: Sun 10-19 23:59:59 EDT. o = 55 -> 58.53 -> 59 -> Thu 03-12; Sunday:
#    forward to Sun 03-15, back to Sun 03-08 -> 23:59:59 on the day DST starts, EDT = 03:59:59Z.
#  - override 5302 due_at: Fri 10-31 23:59:59 EDT. o = 67 -> 71.30 -> 71 -> Mon 03-23; Friday:
#    Fri 03-27, back to Fri 03-20 -- in spring break -> Sat 03-21 23:59:59 EDT.
#  - assignment 5203 (the midterm quiz, a Wednesday): o = 58 -> 61.72 -> 62 -> Mon 03-16; wed:
#    thu, so Thursday: Thu 03-19, back to Thu 03-12 -> 10:50 EDT (it was 10:50 EDT). The quiz's
#    own due_at is not a change: it is its assignment's. Its answer dates are.
#  - announcement 5601: Fri 08-22, before the term: o = -3 -> -3.19 -> -3 -> Fri 2026-01-09 (a
#    Friday already: no snapping), 09:00 EST. Dates outside the term extrapolate.
#  - the course: start o = 0 -> Mon 01-12 00:00 EST; end o = 109 -> 116 -> Fri 05-08 23:59:59 EDT.
#  - event 5902 (all day Wed 11-26, local midnight EST): o = 93 -> 98.97 -> 99 -> Tue 04-21;
#    Thursday: Thu 04-23, back to Thu 04-16 -> 00:00 EDT = 04:00Z.
expected_changes() {
	cat <<'EOF'
announcement 5601 delayed_post_at 2025-08-22T13:00:00Z 2026-01-09T14:00:00Z
announcement 5602 delayed_post_at 2025-11-24T14:00:00Z 2026-04-13T13:00:00Z
assignment 5201 due_at 2025-10-18T03:59:59Z 2026-03-07T04:59:59Z
assignment 5201 lock_at 2025-10-20T03:59:59Z 2026-03-09T03:59:59Z
assignment 5201 peer_reviews_assign_at 2025-10-21T03:59:59Z 2026-03-10T03:59:59Z
assignment 5201 unlock_at 2025-10-13T04:00:00Z 2026-03-02T05:00:00Z
assignment 5202 due_at 2025-11-15T04:59:59Z 2026-04-04T03:59:59Z
assignment 5203 due_at 2025-10-22T14:50:00Z 2026-03-12T14:50:00Z
assignment 5203 lock_at 2025-10-22T15:00:00Z 2026-03-12T15:00:00Z
assignment 5203 unlock_at 2025-10-22T13:00:00Z 2026-03-12T13:00:00Z
assignment 5204 due_at 2025-11-03T04:59:59Z 2026-03-23T03:59:59Z
assignment 5205 due_at 2025-12-13T04:59:59Z 2026-05-09T03:59:59Z
assignment_override 5301 due_at 2025-10-21T03:59:59Z 2026-03-10T03:59:59Z
assignment_override 5302 due_at 2025-11-01T03:59:59Z 2026-03-22T03:59:59Z
assignment_override 5302 lock_at 2025-11-08T04:59:59Z 2026-03-28T03:59:59Z
assignment_override 5303 due_at 2025-10-23T14:50:00Z 2026-03-12T14:50:00Z
calendar_event 5901 end_at 2025-10-21T23:30:00Z 2026-03-10T23:30:00Z
calendar_event 5901 start_at 2025-10-21T22:00:00Z 2026-03-10T22:00:00Z
calendar_event 5902 end_at 2025-11-26T05:00:00Z 2026-04-16T04:00:00Z
calendar_event 5902 start_at 2025-11-26T05:00:00Z 2026-04-16T04:00:00Z
course 5100 end_at 2025-12-13T04:59:59Z 2026-05-09T03:59:59Z
course 5100 start_at 2025-08-25T04:00:00Z 2026-01-12T05:00:00Z
discussion_topic 5501 delayed_post_at 2025-10-27T12:00:00Z 2026-03-21T12:00:00Z
discussion_topic 5502 lock_at 2025-09-08T03:59:59Z 2026-01-26T04:59:59Z
discussion_topic 5502 todo_date 2025-08-30T03:59:00Z 2026-01-17T04:59:00Z
module 5702 unlock_at 2025-11-03T05:00:00Z 2026-03-23T04:00:00Z
page 5801 publish_at 2025-10-27T12:00:00Z 2026-03-21T12:00:00Z
page 5801 todo_date 2025-10-31T03:59:00Z 2026-03-22T03:59:00Z
quiz 5401 hide_correct_answers_at 2025-10-31T12:00:00Z 2026-03-21T12:00:00Z
quiz 5401 show_correct_answers_at 2025-10-24T12:00:00Z 2026-03-13T12:00:00Z
quiz 5402 due_at 2025-09-08T14:00:00Z 2026-01-26T15:00:00Z
EOF
}

test_plan_json_field_by_field() {
	sim_start --seed "$ROLL_SEED"
	plan "$ROLL_RECIPE" --format json >"$LOGDIR/plan.json" 2>"$LOGDIR/plan.err" ||
		fail "plan failed: $(cat "$LOGDIR/plan.err")"
	jq -r '.changes[] | "\(.kind) \(.id) \(.field) \(.before) \(.after)"' "$LOGDIR/plan.json" | LC_ALL=C sort \
		>"$LOGDIR/got"
	expected_changes >"$LOGDIR/want"
	diff -u "$LOGDIR/want" "$LOGDIR/got" >"$LOGDIR/diff" || fail "changes differ: $(cat "$LOGDIR/diff")"
	# every change: an update made by the one step, in course 5100, with UTC strings on both sides
	expect_eq 0 "$(jq '[.changes[] | select(.op != "update" or .steps != ["Fall into spring"]
		or .course_id != 5100 or (.before | test("^[0-9-]{10}T[0-9:]{8}Z$") | not)
		or (.after | test("^[0-9-]{10}T[0-9:]{8}Z$") | not))] | length' "$LOGDIR/plan.json")" "odd changes"
	# overrides name their assignment; nothing is skipped; the summary counts
	expect_eq "5301:5201 5302:5201 5303:5203" "$(jq -r '[.changes[] | select(.kind == "assignment_override")
		| "\(.id):\(.parent)"] | unique | join(" ")' "$LOGDIR/plan.json")" "override parents"
	expect_eq "[]" "$(jq -c '.skipped' "$LOGDIR/plan.json")" "skipped"
	expect_eq "31 19 1" "$(jq -r '.summary | "\(.changes) \(.objects) \(.courses)"' "$LOGDIR/plan.json")" "summary"
	expect_eq "America/New_York" "$(jq -r '.courses[0].time_zone' "$LOGDIR/plan.json")" "course zone"
	# the quiz's due date and the graded topic's lock_at are their assignments': no change of their own
	expect_eq 0 "$(jq '[.changes[] | select((.kind == "quiz" and .id == 5401 and (.field | test("^(due|unlock|lock)_at$")))
		or (.kind == "discussion_topic" and .id == 5501 and .field == "lock_at"))] | length' "$LOGDIR/plan.json")" \
		"mirrored changes"
	# undated objects make no change
	expect_eq 0 "$(jq '[.changes[] | select(.id == 5206 or .id == 5701 or .id == 5802)] | length' \
		"$LOGDIR/plan.json")" "undated objects"
}

test_plan_text_in_local_time() {
	sim_start --seed "$ROLL_SEED"
	plan "$ROLL_RECIPE" --color never >"$LOGDIR/plan.txt" 2>"$LOGDIR/plan.err" ||
		fail "plan failed: $(cat "$LOGDIR/plan.err")"
	local line
	for line in \
		'      due_at  Fri 2025-10-17 23:59:59 EDT → Fri 2026-03-06 23:59:59 EST' \
		'              (UTC 2025-10-18T03:59:59Z → 2026-03-07T04:59:59Z)' \
		'      due_at  Fri 2025-11-14 23:59:59 EST → Fri 2026-04-03 23:59:59 EDT' \
		'      lock_at  Sun 2025-10-19 23:59:59 EDT → Sun 2026-03-08 23:59:59 EDT' \
		'      due_at  moved out of the blackout 2026-03-16 to 2026-03-20: it would have landed on Fri 2026-03-20  Fri 2025-10-31 23:59:59 EDT → Sat 2026-03-21 23:59:59 EDT' \
		'      due_at  Wed 2025-10-22 10:50:00 EDT → Thu 2026-03-12 10:50:00 EDT' \
		'      due_at  Sun 2025-11-02 23:59:59 EST → Sun 2026-03-22 23:59:59 EDT' \
		'      start_at  Wed 2025-11-26 00:00:00 EST → Thu 2026-04-16 00:00:00 EDT' \
		'      end_at  Fri 2025-12-12 23:59:59 EST → Fri 2026-05-08 23:59:59 EDT'; do
		grep -qxF -- "$line" "$LOGDIR/plan.txt" || fail "no line '$line' in: $(cat "$LOGDIR/plan.txt")"
	done
	grep -q '^Course 5100  ENGL 210 -- American Literature   America/New_York$' "$LOGDIR/plan.txt" ||
		fail "no course header"
	expect_eq "Plan: 31 changes to 19 objects in 1 course." "$(tail -n 1 "$LOGDIR/plan.txt")" "last line"
	expect_match 'planned in [0-9]+\.[0-9]+ s' "$(cat "$LOGDIR/plan.err")" "stderr"
}

# plan reads and never writes; it reads assignments with override_assignment_dates=false, without
# which Canvas returns the collapsed dates (5201 would read as due at the latest override's date).
test_plan_reads_only_base_dates() {
	sim_start --seed "$ROLL_SEED"
	local since
	since=$(curl -s "$SIM_URL/__sim/requests" | jq 'length')
	plan "$ROLL_RECIPE" --format json >"$LOGDIR/plan.json" 2>"$LOGDIR/plan.err" ||
		fail "plan failed: $(cat "$LOGDIR/plan.err")"
	curl -s "$SIM_URL/__sim/requests?since=$since" >"$LOGDIR/requests.json"
	expect_eq "GET" "$(jq -r '[.[].method] | unique | join(" ")' "$LOGDIR/requests.json")" "methods"
	expect_eq 1 "$(jq '[.[] | select(.path == "/api/v1/courses/5100/assignments")] | length' \
		"$LOGDIR/requests.json")" "assignment list requests"
	expect_match '(^|&)override_assignment_dates=false(&|$)' \
		"$(jq -r '.[] | select(.path == "/api/v1/courses/5100/assignments") | .query' "$LOGDIR/requests.json")" \
		"assignments query"
	expect_eq 0 "$(stats .writes)" "writes counted by the simulator"
	# the simulator does collapse dates without the parameter, so the check above matters
	api GET /api/v1/courses/5100/assignments/5201
	expect_status 200
	expect_eq "2025-11-01T03:59:59Z" "$(jb .due_at)" "collapsed due_at"
	expect_eq "2025-10-18T03:59:59Z" \
		"$(jq -r '.changes[] | select(.kind == "assignment" and .id == 5201 and .field == "due_at") | .before' \
			"$LOGDIR/plan.json")" "base due_at in the plan"
}

# Fridays moved to Mondays put Response paper 1's due date (Mon 03-09) after its lock (Sun 03-08):
# a problem, reported and not applied, with its overrides left as they are too.
test_problem_is_reported() {
	sim_start --seed "$ROLL_SEED"
	cat >"$LOGDIR/fri-mon.yaml" <<'EOF'
version: 1
courses: [5100]
steps:
  - name: Fridays to Mondays
    shift_dates:
      from: {start: 2025-08-25, end: 2025-12-12}
      to: {start: 2026-01-12, end: 2026-05-08}
      weekdays: {fri: mon}
      where: {id: [5201, 5202]}
EOF
	plan "$LOGDIR/fri-mon.yaml" --format json >"$LOGDIR/plan.json" 2>"$LOGDIR/plan.err" ||
		fail "plan failed: $(cat "$LOGDIR/plan.err")"
	# Response paper 2: Fri 11-14 -> o = 81 -> 86.20 -> 86 -> Thu 04-09; Monday: Mon 04-13, back to 04-06
	expect_eq "assignment 5202 due_at 2025-11-15T04:59:59Z 2026-04-07T03:59:59Z" \
		"$(jq -r '.changes[] | "\(.kind) \(.id) \(.field) \(.before) \(.after)"' "$LOGDIR/plan.json")" "changes"
	local why="after the shift due_at (Mon 2026-03-09 23:59:59 EDT) would come after lock_at"
	why="$why (Sun 2026-03-08 23:59:59 EDT); the assignment and its overrides keep their dates"
	expect_eq "assignment 5201 null|$why" \
		"$(jq -r '.skipped[] | "\(.kind) \(.id) \(.field)|\(.reason)"' "$LOGDIR/plan.json")" "skipped"
	plan "$LOGDIR/fri-mon.yaml" --color never >"$LOGDIR/plan.txt" 2>/dev/null || fail "text plan failed"
	grep -qF 'skipped: assignment 5201 "Response paper 1": after the shift due_at' "$LOGDIR/plan.txt" ||
		fail "no skip line in: $(cat "$LOGDIR/plan.txt")"
}
