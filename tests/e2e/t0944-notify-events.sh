# tests/e2e/t0944-notify-events.sh -- what students notice, and dates Canvas handles its own way
# (issue 15, "What to build" 4 and CURRENT.md 6, 14, 16).
#
# Notifications (CURRENT.md 16): changing the due date of a published assignment in a published
# course with students sends "Assignment Due Date Changed" notifications (BroadcastPolicies::
# AssignmentPolicy, AssignmentOverride#notify_change?; runner/plan_notify.c cites them). canvas-sim
# records them (/__sim/notifications, notifications_sent in /__sim/stats); the plan counts them and
# says so in text, JSON (summary.notifications, change.notifies) and Markdown. The property: the
# plan's count equals what the sim sent after apply. Seed (made here, small): course 7001 available
# with 3 students -- a published assignment with a section override (both notify), an unpublished
# one (no), a published one without a due date (no change), one created "in the future" (the
# assignment notifies, its override does not: the 3-hour rule is the override's only);
# course 7002 available with no students and course 7003 unpublished notify nobody.

NOTIFY_SEED=$LOGDIR/notify-seed.json

ajson() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}

# PUTs whose body names $1
puts_with() {
	curl -s "$SIM_URL/__sim/requests" | jq --arg k "$1" '[.[] | select(.method == "PUT")
		| select(.body | tostring | contains($k))] | length'
}

notify_seed() {
	cat >"$NOTIFY_SEED" <<'EOF'
{"user_time_zone": "America/New_York",
 "courses": [
  {"id": 7001, "name": "Notify", "course_code": "N1", "workflow_state": "available",
   "time_zone": "America/New_York", "total_students": 3,
   "assignments": [
    {"id": 70011, "name": "Essay", "published": true, "due_at": "2026-02-03T04:59:59Z",
     "created_at": "2025-01-01T00:00:00Z",
     "overrides": [{"id": 700111, "title": "Section 2", "course_section_id": 71, "due_at": "2026-02-05T04:59:59Z"}]},
    {"id": 70012, "name": "Draft", "published": false, "due_at": "2026-02-04T04:59:59Z",
     "created_at": "2025-01-01T00:00:00Z"},
    {"id": 70013, "name": "Undated", "published": true, "unlock_at": "2026-02-01T05:00:00Z",
     "created_at": "2025-01-01T00:00:00Z"},
    {"id": 70014, "name": "Fresh", "published": true, "due_at": "2026-02-06T04:59:59Z",
     "created_at": "2099-01-01T00:00:00Z",
     "overrides": [{"id": 700141, "title": "Section 2", "course_section_id": 71, "due_at": "2026-02-07T04:59:59Z"}]}
   ]},
  {"id": 7002, "name": "Empty", "course_code": "N2", "workflow_state": "available",
   "time_zone": "America/New_York", "total_students": 0,
   "assignments": [{"id": 70021, "name": "Essay", "published": true, "due_at": "2026-02-03T04:59:59Z",
                    "created_at": "2025-01-01T00:00:00Z"}]},
  {"id": 7003, "name": "Hidden", "course_code": "N3", "workflow_state": "unpublished",
   "time_zone": "America/New_York", "total_students": 3,
   "assignments": [{"id": 70031, "name": "Essay", "published": true, "due_at": "2026-02-03T04:59:59Z",
                    "created_at": "2025-01-01T00:00:00Z"}]}
 ]}
EOF
	cat >"$LOGDIR/shift.yaml" <<'EOF'
version: 1
courses: [7001, 7002, 7003]
steps:
  - name: A week later
    shift_dates: {days: 7}
EOF
}

test_notify_plan_counts_what_apply_sends() {
	notify_seed
	sim_start --seed "$NOTIFY_SEED" --progress-delay-ms 20
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq 3 "$(jq '.summary.notifications' "$LOGDIR/plan.json")" "summary.notifications"
	expect_eq "assignment 70011|assignment_override 700111|assignment 70014" \
		"$(jq -r '[.changes[] | select(.notifies) | "\(.kind) \(.id)"] | join("|")' "$LOGDIR/plan.json")" \
		"the changes that notify"
	expect_eq "Assignment Due Date Changed" \
		"$(jq -r '[.changes[] | .notifies // empty] | unique | join("|")' "$LOGDIR/plan.json")" "notifies"
	run plan.txt plan "$LOGDIR/shift.yaml"
	expect_match 'notice: Canvas will send students 3 "Assignment Due Date Changed" notifications' \
		"$(cat "$LOGDIR/plan.txt")" "text plan"
	expect_match 'before students are enrolled, or while the course is unpublished' \
		"$(cat "$LOGDIR/plan.txt")" "the advice"
	run plan.md plan --format markdown "$LOGDIR/shift.yaml"
	expect_match 'Canvas will send students 3 "Assignment Due Date Changed" notifications' \
		"$(cat "$LOGDIR/plan.md")" "markdown plan"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 3 "$(stats .notifications_sent)" "notifications_sent after apply"
	expect_eq "assignment 70011|assignment_override 700111|assignment 70014" \
		"$(curl -s "$SIM_URL/__sim/notifications" | jq -r '[.[] | select(.type == "assignment_due_date_changed")
			| "\(.kind) \(.id)"] | join("|")')" "what the sim sent"
	# a plan of the same shift after apply (--again: the journal says it was applied) changes the
	# same objects: the same count again
	run plan2.json plan --again --format json "$LOGDIR/shift.yaml"
	expect_eq 3 "$(jq '.summary.notifications' "$LOGDIR/plan2.json")" "second plan"
}

test_notify_plan_file_keeps_the_count() {
	notify_seed
	sim_start --seed "$NOTIFY_SEED" --progress-delay-ms 20
	run plan.out plan -o "$LOGDIR/saved.json" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/plan.out.err"))"
	expect_eq 3 "$(jq '.summary.notifications' "$LOGDIR/saved.json")" "saved plan's summary"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply of the saved plan ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 3 "$(stats .notifications_sent)" "notifications_sent"
}

test_notify_sim_rules() {
	notify_seed
	sim_start --seed "$NOTIFY_SEED"
	# just published: Canvas sends "assignment created", not a due date change
	api PUT "/api/v1/courses/7001/assignments/70012" -d 'assignment[published]=true' \
		-d 'assignment[due_at]=2026-02-11T04:59:59Z'
	expect_status 200
	# no students, and an unpublished course
	api PUT "/api/v1/courses/7002/assignments/70021" -d 'assignment[due_at]=2026-02-10T04:59:59Z'
	expect_status 200
	api PUT "/api/v1/courses/7003/assignments/70031" -d 'assignment[due_at]=2026-02-10T04:59:59Z'
	expect_status 200
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/notifications" | jq length)" "none of those notify"
	# a fresh assignment notifies (no 3-hour rule for it today); its override does not
	api PUT "/api/v1/courses/7001/assignments/70014" -d 'assignment[due_at]=2026-02-12T04:59:59Z'
	api PUT "/api/v1/courses/7001/assignments/70014/overrides/700141" \
		-d 'assignment_override[due_at]=2026-02-13T04:59:59Z'
	expect_eq "assignment 70014" \
		"$(curl -s "$SIM_URL/__sim/notifications" | jq -r '[.[] | "\(.kind) \(.id)"] | join("|")')" "fresh"
	api GET "/api/v1/courses/7001?include[]=total_students"
	expect_eq 3 "$(jb .total_students)" "total_students"
	api GET "/api/v1/courses/7001"
	expect_eq null "$(jb .total_students)" "total_students only with the include"
}

# ---------------------------------------------------------------- page to-do dates (CURRENT.md 6)
# WikiPagesApiController#assign_todo_date: wiki_page[student_todo_at] sets a page's to-do date, a
# null one is ignored, and only student_planner_checkbox=false clears it. A plan that clears one
# must send the checkbox (exec_write.c), and a rollback that clears one (it set a date where there
# was none) too.

todo_seed() {
	cat >"$LOGDIR/todo-seed.json" <<'EOF2'
{"user_time_zone": "America/New_York",
 "courses": [
  {"id": 7101, "name": "Todo", "course_code": "T1", "workflow_state": "unpublished",
   "time_zone": "America/New_York",
   "pages": [
    {"page_id": 71011, "url": "reading-1", "title": "Reading 1", "body": "<p>1</p>", "published": true,
     "todo_date": "2026-02-03T15:00:00Z", "created_at": "2025-01-01T00:00:00Z"},
    {"page_id": 71012, "url": "reading-2", "title": "Reading 2", "body": "<p>2</p>", "published": true,
     "todo_date": null, "created_at": "2025-01-01T00:00:00Z"}
   ]}
 ]}
EOF2
	cat >"$LOGDIR/todo.yaml" <<'EOF2'
version: 1
courses: [7101]
steps:
  - name: No to-do for reading 1
    pages:
      where: {url: reading-1}
      set: {todo_date: null}
  - name: A to-do for reading 2
    pages:
      where: {url: reading-2}
      set: {todo_date: 2026-02-10T15:00:00Z}
EOF2
}

todo_of() {
	state ".courses[0].pages[] | select(.page_id == $1) | .todo_date"
}

test_todo_clear_sim_rules() {
	todo_seed
	sim_start --seed "$LOGDIR/todo-seed.json"
	ajson PUT "/api/v1/courses/7101/pages/reading-1" '{"wiki_page": {"student_todo_at": null}}'
	expect_status 200
	expect_eq 2026-02-03T15:00:00Z "$(todo_of 71011)" "student_todo_at: null is ignored"
	ajson PUT "/api/v1/courses/7101/pages/reading-1" '{"wiki_page": {"student_planner_checkbox": false}}'
	expect_status 200
	expect_eq null "$(todo_of 71011)" "the checkbox clears it"
}

test_todo_clear_apply_and_rollback() {
	todo_seed
	sim_start --seed "$LOGDIR/todo-seed.json"
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/todo.yaml"
	expect_eq 0 "$RC" "apply exit ($(cat "$LOGDIR/apply.out" "$LOGDIR/apply.out.err"))"
	expect_eq null "$(todo_of 71011)" "reading 1 cleared"
	expect_eq 2026-02-10T15:00:00Z "$(todo_of 71012)" "reading 2 set"
	expect_eq 1 "$(puts_with student_planner_checkbox)" "apply clears with the checkbox"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit ($(cat "$LOGDIR/rb.out" "$LOGDIR/rb.out.err"))"
	expect_eq 2026-02-03T15:00:00Z "$(todo_of 71011)" "reading 1 restored"
	expect_eq null "$(todo_of 71012)" "reading 2 cleared again"
	expect_eq 2 "$(puts_with student_planner_checkbox)" "rollback clears with the checkbox"
	state_snap back.json
	state_same seed.json back.json "after rollback"
}

# ---------------------------------------------------------------- section events (CURRENT.md 14)
# Course 7201's event 72001 has section times: children 72002 (section 81, Monday) and 72003
# (section 82, Wednesday), the parent spanning them. Saving a child resets the parent to its
# children's range (CalendarEvent#cache_child_event_ranges!); saving the parent leaves the children.
# The planner plans the parent at its children's range (runner/plan_sections.c).

section_seed() {
	cat >"$LOGDIR/section-seed.json" <<'EOF2'
{"user_time_zone": "America/New_York",
 "courses": [
  {"id": 7201, "name": "Sections", "course_code": "S1", "workflow_state": "unpublished",
   "time_zone": "America/New_York", "announcements": [], "assignments": [], "discussion_topics": [],
   "pages": [], "quizzes": [],
   "calendar_events": [
    {"id": 72001, "title": "Lab", "all_day": false, "start_at": "2026-02-02T15:00:00Z", "end_at": "2026-02-04T17:00:00Z"},
    {"id": 72002, "title": "Lab", "all_day": false, "parent_event_id": 72001, "context_code": "course_section_81",
     "start_at": "2026-02-02T15:00:00Z", "end_at": "2026-02-02T16:00:00Z"},
    {"id": 72003, "title": "Lab", "all_day": false, "parent_event_id": 72001, "context_code": "course_section_82",
     "start_at": "2026-02-04T16:00:00Z", "end_at": "2026-02-04T17:00:00Z"}
   ]}
 ]}
EOF2
}

ev() {
	state ".courses[0].calendar_events[] | select(.id == $1) | \"\(.start_at) \(.end_at)\""
}

test_section_events_sim_rules() {
	section_seed
	sim_start --seed "$LOGDIR/section-seed.json"
	api GET "/api/v1/calendar_events?context_codes[]=course_7201&all_events=true"
	expect_eq "72001 2|72002 0|72003 0" "$(jb '[.[] | "\(.id) \(.child_events_count)"] | join("|")')" "listing"
	ajson PUT /api/v1/calendar_events/72003 \
		'{"calendar_event": {"start_at": "2026-02-05T16:00:00Z", "end_at": "2026-02-05T17:00:00Z"}}'
	expect_status 200
	expect_eq "2026-02-02T15:00:00Z 2026-02-05T17:00:00Z" "$(ev 72001)" "a child's save resets the parent"
	ajson PUT /api/v1/calendar_events/72001 \
		'{"calendar_event": {"start_at": "2026-02-09T15:00:00Z", "end_at": "2026-02-12T17:00:00Z"}}'
	expect_status 200
	expect_eq "2026-02-09T15:00:00Z 2026-02-12T17:00:00Z" "$(ev 72001)" "the parent's own save"
	expect_eq "2026-02-02T15:00:00Z 2026-02-02T16:00:00Z" "$(ev 72002)" "does not reach the children"
}

# One section's event moves: the plan says the parent's end moves with it.
test_section_child_moves_parent() {
	section_seed
	cat >"$LOGDIR/one.yaml" <<'EOF2'
version: 1
courses: [7201]
steps:
  - name: Section 82 a day later
    shift_dates: {days: 1, where: {id: 72003}}
EOF2
	sim_start --seed "$LOGDIR/section-seed.json"
	state_snap seed.json
	run plan.json plan --format json "$LOGDIR/one.yaml"
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "72003 start_at 2026-02-05T16:00:00Z|72003 end_at 2026-02-05T17:00:00Z|72001 end_at 2026-02-05T17:00:00Z" \
		"$(jq -r '[.changes[] | "\(.id) \(.field) \(.after)"] | join("|")' "$LOGDIR/plan.json")" "planned"
	expect_match 'cache_child_event_ranges' "$(jq -r '.changes[] | select(.id == 72001) | .note' "$LOGDIR/plan.json")" note
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/one.yaml"
	expect_eq 0 "$RC" "apply exit ($(cat "$LOGDIR/apply.out" "$LOGDIR/apply.out.err"))"
	expect_eq "2026-02-02T15:00:00Z 2026-02-05T17:00:00Z" "$(ev 72001)" "the parent as planned"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit ($(cat "$LOGDIR/rb.out" "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "after rollback"
}

# The whole course a week later: parent and children, round trip.
test_section_events_round_trip() {
	section_seed
	cat >"$LOGDIR/week.yaml" <<'EOF2'
version: 1
courses: [7201]
steps:
  - name: A week later
    shift_dates: {days: 7}
EOF2
	sim_start --seed "$LOGDIR/section-seed.json"
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/week.yaml"
	expect_eq 0 "$RC" "apply exit ($(cat "$LOGDIR/apply.out" "$LOGDIR/apply.out.err"))"
	expect_eq "2026-02-09T15:00:00Z 2026-02-11T17:00:00Z" "$(ev 72001)" "parent"
	expect_eq "2026-02-11T16:00:00Z 2026-02-11T17:00:00Z" "$(ev 72003)" "child"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit ($(cat "$LOGDIR/rb.out" "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "after rollback"
}

# ---------------------------------------------------------------- every fixture recipe with a seed
# Issue 15: every recipe in tests/fixtures that has a seed is applied and rolled back, not only
# planned. The pairs are the ones the plan tests use: rollover-e2e.yaml on rollover-seed.json
# (t0810), calendar-rollover.yaml on calendar-seed.json (t0820). The good/ recipes of t0700 are
# only validated (they name no course, or no seed goes with them). Each: apply exits 0, then
# rollback gives back the seed state.
# rollover-seed.json is applied as it is: its overrides 5301 and 5303 are due after the lock dates
# they inherit, which Canvas saves (AssignmentOverride has no date-order validation; the sim refused
# them until issue 15, and this file applied a corrected copy then).

FIXTURE_PAIRS=(
	"recipes/rollover-e2e.yaml rollover-seed.json -"
	"calendar-rollover.yaml calendar-seed.json -"
)

test_fixture_recipes_apply_and_roll_back() {
	local pair rcp seed fix n=0
	for pair in "${FIXTURE_PAIRS[@]}"; do
		read -r rcp seed fix <<<"$pair"
		rcp=$FIXTURES/$rcp
		seed=$FIXTURES/$seed
		[ -f "$rcp" ] && [ -f "$seed" ] || fail "missing fixture: $pair"
		if [ "$fix" != - ]; then
			jq "${!fix}" "$seed" >"$LOGDIR/seed-variant$n.json"
			seed=$LOGDIR/seed-variant$n.json
		fi
		sim_start --seed "$seed" --progress-delay-ms 20
		run "plan$n.json" plan --format json "$rcp"   # reads every list: the state's arrays exist
		expect_eq 0 "$RC" "plan $pair ($(cat "$LOGDIR/plan$n.json.err"))"
		expect_match '^[1-9]' "$(jq '.summary.changes' "$LOGDIR/plan$n.json")" "$pair plans changes"
		state_snap "seed$n.json"
		run "apply$n.out" apply --yes --journal "$LOGDIR/j$n.jsonl" "$rcp"
		expect_eq 0 "$RC" "apply $pair ($(tail -n 20 "$LOGDIR/apply$n.out") $(cat "$LOGDIR/apply$n.out.err"))"
		run "rb$n.out" rollback --yes "$LOGDIR/j$n.jsonl"
		expect_eq 0 "$RC" "rollback $pair ($(tail -n 20 "$LOGDIR/rb$n.out") $(cat "$LOGDIR/rb$n.out.err"))"
		state_snap "back$n.json"
		state_same "seed$n.json" "back$n.json" "$pair after rollback"
		lib_cleanup
		n=$((n + 1))
	done
}
