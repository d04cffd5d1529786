# tests/e2e/t0943-refusals.sh -- what Canvas refuses is skipped in the plan, never sinks a batch
# (issue 15, CURRENT.md 8, 9 and 10).
#
# Closed grading periods (SubmittablesGradingPeriodProtection, used by Assignment::BulkUpdate#run
# and AssignmentsApiController#update): for a teacher, a graded assignment's due date cannot move
# when it is in a closed period, nor into one; an override cannot change at all when its due date is
# or would be in one. One such assignment fails the whole bulk update. The list JSON says
# `in_closed_grading_period`; GET /courses/:id/grading_periods gives the periods with is_closed.
# Blueprint locks (MasterCourses::Restrictor): a locked column of child content refuses edits.
# assignment_ids[] re-read: Canvas answers 400 "Invalid assignment_ids: X" when the page holds
# fewer rows than ids asked (a deleted assignment; per_page capped at 50 on some instances).
#
# Seed (t_seed): course 970 (Denver), grading periods "Fall 2025" (closed) and "2026" (open);
#   - 9701 due in the closed period (in_closed_grading_period): skipped, "out of" rule;
#   - 9702 due in the open period: shifted;
#   - 9703 due before the closed period, which the shift moves into it: skipped, "into" rule;
#   - 9704 Blueprint-locked due dates: its due date skipped, its lock date shifted;
#   - page bp-page with its publish_at locked (availability_dates): skipped; page notes shifted;
#   - topic 9731 with its dates locked (availability_dates): skipped; topic 9732 shifted.
# Cases (each fails before issue 15's refusals work: the sim cases on the old sim, the others on
# the old planner or the old read-back):
#   - canvas-sim: in_closed_grading_period, the grading periods list, the single PUT's 403, the
#     bulk update failing whole for a teacher and passing for an admin;
#   - canvas-sim: a Blueprint-locked topic refuses its locked columns (DiscussionTopic's
#     restrict_columns) and its deletion; an assignment's workflow_state is the "state" category;
#   - canvas-sim: assignment_ids[] with a deleted id, or more ids than per_page, is a 400;
#   - plan skips the refused changes with the reason; apply exits 0 and the sim holds the plan;
#     rollback gives the seed;
#   - a bulk read-back of 60 assignments on an instance capping per_page at 50;
#   - a bulk read-back where an assignment was deleted between the write and the re-read: the
#     other assignment's change is done, the deleted one's fails as gone (not "re-read failed").

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1", {"token": "admin-token", "admin": true}],
  "user_time_zone": "America/Denver",
  "courses": [
    {"id": 970, "name": "Biology", "course_code": "BIO 101", "time_zone": "America/Denver",
     "workflow_state": "unpublished", "modules": [], "announcements": [],
     "discussion_topics": [
       {"id": 9731, "title": "Locked forum", "message": "<p>f</p>", "published": true,
        "delayed_post_at": "2026-02-02T15:00:00Z", "lock_at": "2026-02-20T06:59:59Z", "todo_date": null,
        "is_master_course_child_content": true, "restricted_by_master_course": true,
        "master_course_restrictions": {"availability_dates": true, "content": true}},
       {"id": 9732, "title": "Open forum", "message": "<p>o</p>", "published": true,
        "delayed_post_at": null, "lock_at": "2026-02-21T06:59:59Z", "todo_date": null}
     ],
     "quizzes": [], "calendar_events": [],
     "grading_periods": [
       {"id": 31, "title": "Fall 2025", "start_date": "2025-08-01T06:00:00Z", "end_date": "2025-12-20T06:59:59Z",
        "close_date": "2026-01-05T06:59:59Z"},
       {"id": 32, "title": "2026", "start_date": "2025-12-20T06:59:59Z", "end_date": "2040-06-30T05:59:59Z",
        "close_date": "2040-07-15T05:59:59Z"}
     ],
     "pages": [
       {"page_id": 97501, "url": "notes", "title": "Notes", "body": "<p>n</p>", "published": false,
        "publish_at": "2026-02-02T16:00:00Z"},
       {"page_id": 97502, "url": "bp-page", "title": "BP page", "body": "<p>b</p>", "published": false,
        "publish_at": "2026-02-03T16:00:00Z", "is_master_course_child_content": true,
        "restricted_by_master_course": true, "master_course_restrictions": {"availability_dates": true}}
     ],
     "assignments": [
       {"id": 9701, "name": "Fall final", "due_at": "2025-12-10T06:59:59Z", "unlock_at": null, "lock_at": null,
        "published": true, "points_possible": 10, "submission_types": ["online_upload"]},
       {"id": 9702, "name": "Spring essay", "due_at": "2026-02-10T06:59:59Z", "unlock_at": null, "lock_at": null,
        "published": true, "points_possible": 10, "submission_types": ["online_upload"],
        "overrides": [{"id": 9712, "title": "Section 2", "course_section_id": 9720,
                       "due_at": "2026-02-12T06:59:59Z"}]},
       {"id": 9703, "name": "Summer reading", "due_at": "2025-07-30T06:59:59Z", "unlock_at": null, "lock_at": null,
        "published": true, "points_possible": 10, "submission_types": ["online_upload"]},
       {"id": 9704, "name": "Blueprint lab", "due_at": "2026-02-11T06:59:59Z", "unlock_at": null,
        "lock_at": "2026-02-20T06:59:59Z", "published": true, "points_possible": 10,
        "submission_types": ["online_upload"], "is_master_course_child_content": true,
        "restricted_by_master_course": true, "master_course_restrictions": {"due_dates": true}}
     ]}
  ]
}
EOF
	cat >"$LOGDIR/shift.yaml" <<'EOF'
version: 1
description: a week later
courses: [970]
steps:
  - name: A week later
    shift_dates:
      days: 7
      only: [assignments, pages, discussions]
EOF
	echo "$LOGDIR/seed.json"
}

# skip_reason ID: the reason of the plan's skip of object ID (and field, when given)
skip_reason() {
	jq -r ".skipped[] | select(.id == \"$1\" or .id == $1) | select(\"${2:-}\" == \"\" or .field == \"${2:-}\") | .reason" \
		"$LOGDIR/plan.json"
}

asg() {
	state ".courses[0].assignments[] | select(.id == $1) | .$2"
}

test_sim_closed_grading_periods() {
	sim_start --seed "$(t_seed)" --progress-delay-ms 0
	api GET '/api/v1/courses/970/assignments?per_page=50'
	expect_status 200
	expect_eq "9701:true 9702:false 9703:false 9704:false" \
		"$(jb '[.[] | "\(.id):\(.in_closed_grading_period)"] | join(" ")')" "in_closed_grading_period"
	api GET /api/v1/courses/970/grading_periods
	expect_status 200
	expect_eq "31:true:false 32:false:true" \
		"$(jb '[.grading_periods[] | "\(.id):\(.is_closed):\(.is_last)"] | join(" ")')" "grading periods"
	# the single PUT: out of, into (403), and a lock date alone (allowed)
	api PUT /api/v1/courses/970/assignments/9701 -d 'assignment[due_at]=2026-02-01T06:59:59Z'
	expect_status 403
	expect_eq "Cannot change the due date when due in a closed grading period" "$(jb '.errors.due_at[0].message')" "out of"
	api PUT /api/v1/courses/970/assignments/9703 -d 'assignment[due_at]=2025-09-01T06:59:59Z'
	expect_status 403
	expect_eq "Cannot change the due date to a date within a closed grading period" "$(jb '.errors.due_at[0].message')" "into"
	api PUT /api/v1/courses/970/assignments/9701 -d 'assignment[lock_at]=2026-02-01T06:59:59Z'
	expect_status 200
	# a create due in the closed period
	api POST /api/v1/courses/970/assignments -d 'assignment[name]=Late&assignment[due_at]=2025-12-01T06:59:59Z'
	expect_status 403
	expect_eq "Cannot set the due date to a date within a closed grading period" "$(jb '.errors.due_at[0].message')" \
		"create into"
	api POST /api/v1/courses/970/assignments -d 'assignment[name]=Soon&assignment[due_at]=2026-03-01T06:59:59Z'
	expect_status 201
	# bulk: one refused assignment fails the batch for a teacher ...
	api PUT /api/v1/courses/970/assignments/bulk_update -H 'Content-Type: application/json' \
		-d '[{"id": 9702, "all_dates": [{"base": true, "due_at": "2026-02-17T06:59:59Z"}]},
		     {"id": 9701, "all_dates": [{"base": true, "due_at": "2025-12-11T06:59:59Z"}]}]'
	expect_status 200
	api GET "/api/v1/progress/$(jb .id)"
	expect_eq "failed" "$(jb .workflow_state)" "teacher's bulk update"
	expect_eq "9701 Cannot change the due date when due in a closed grading period" \
		"$(jb '.results[0] | "\(.assignment_id) \(.due_at[0])"')" "the refused row"
	expect_eq "2026-02-10T06:59:59Z" "$(asg 9702 due_at)" "nothing saved"
	# ... an override into the closed period too
	api PUT /api/v1/courses/970/assignments/bulk_update -H 'Content-Type: application/json' \
		-d '[{"id": 9702, "all_dates": [{"id": 9712, "due_at": "2025-12-01T06:59:59Z"}]}]'
	api GET "/api/v1/progress/$(jb .id)"
	expect_eq "failed 9712" "$(jb '"\(.workflow_state) \(.results[0].assignment_override_id)"')" "override into closed"
	# ... and passes for an admin
	api_as admin-token PUT /api/v1/courses/970/assignments/bulk_update -H 'Content-Type: application/json' \
		-d '[{"id": 9701, "all_dates": [{"base": true, "due_at": "2025-12-11T06:59:59Z"}]}]'
	api_as admin-token GET "/api/v1/progress/$(jb .id)"
	expect_eq "completed" "$(jb .workflow_state)" "admin's bulk update"
	expect_eq "2025-12-11T06:59:59Z" "$(asg 9701 due_at)" "admin saved"
}

test_sim_blueprint_locks() {
	sim_start --seed "$(t_seed)"
	# a topic (DiscussionTopic's restrict_columns): locked columns refuse, others pass
	api PUT /api/v1/courses/970/discussion_topics/9731 -d 'title=New&lock_at=2026-03-01T06:59:59Z'
	expect_status 400
	expect_eq "cannot change column(s): title, lock_at - locked by Master Course" "$(jb '.errors.base[0].message')" \
		"topic base error"
	expect_eq "Locked forum 2026-02-20T06:59:59Z" \
		"$(state '.courses[0].discussion_topics[0] | "\(.title) \(.lock_at)"')" "topic unchanged"
	api PUT /api/v1/courses/970/discussion_topics/9731 -d 'todo_date=2026-03-01T06:59:59Z'
	expect_status 200
	api GET /api/v1/courses/970/discussion_topics
	expect_eq "true" "$(jb '.[] | select(.id == 9731) | .restricted_by_master_course')" "list keys"
	api DELETE /api/v1/courses/970/discussion_topics/9731
	[ "$STATUS" = 401 ] || [ "$STATUS" = 403 ] || fail "deleting a locked topic: $STATUS"
	# an assignment's state (Assignment restrict_columns :state, [:workflow_state])
	jq '.courses[0].assignments[3].master_course_restrictions = {"state": true}' "$LOGDIR/seed.json" >"$LOGDIR/seed2.json"
	sim_post /__sim/seed "$(cat "$LOGDIR/seed2.json")"
	api PUT /api/v1/courses/970/assignments/9704 -d 'assignment[published]=false'
	expect_status 400
	expect_eq "cannot change column(s): workflow_state - locked by Master Course" "$(jb '.errors.base[0].message')" \
		"assignment state lock"
	api PUT /api/v1/courses/970/assignments/9704 -d 'assignment[due_at]=2026-02-12T06:59:59Z'
	expect_status 200
}

test_sim_assignment_ids_short_page() {
	sim_start --seed "$(t_seed)"
	api GET '/api/v1/courses/970/assignments?assignment_ids[]=9702&assignment_ids[]=99999'
	expect_status 400
	expect_eq "Invalid assignment_ids: 99999" "$(jb .message)" "unknown id"
	api DELETE /api/v1/courses/970/assignments/9703
	expect_status 200
	api GET '/api/v1/courses/970/assignments?assignment_ids[]=9703&assignment_ids[]=9701'
	expect_status 400
	expect_eq "Invalid assignment_ids: 9703" "$(jb .message)" "deleted id"
	# more ids than the page holds: the ids not on this page
	api GET '/api/v1/courses/970/assignments?assignment_ids[]=9701&assignment_ids[]=9702&per_page=1'
	expect_status 400
	expect_eq "Invalid assignment_ids: 9702" "$(jb .message)" "per_page below the ids"
	api GET '/api/v1/courses/970/assignments?assignment_ids[]=9701&assignment_ids[]=9702'
	expect_status 200
	expect_eq 2 "$(jb length)" "all ids present"
}

test_plan_skips_refusals_apply_and_rollback() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_match "^due in a closed grading period" "$(skip_reason 9701)" "9701 skipped (out of)"
	expect_match "into the closed grading period 'Fall 2025'" "$(skip_reason 9703)" "9703 skipped (into)"
	expect_eq "locked by the Blueprint course (due_dates)" "$(skip_reason 9704 due_at)" "9704 due_at skipped"
	expect_eq "locked by the Blueprint course (availability_dates)" "$(skip_reason 97502 publish_at)" "bp page skipped"
	expect_eq "" "$(jq -r '.changes[] | select(.id == 9701 or .id == 9703 or .id == 97502) | .id' "$LOGDIR/plan.json")" \
		"no change to a refused object"
	expect_eq "locked by the Blueprint course (availability_dates)" "$(skip_reason 9731 lock_at)" "topic lock_at skipped"
	expect_eq "locked by the Blueprint course (availability_dates)" "$(skip_reason 9731 delayed_post_at)" \
		"topic delayed_post_at skipped"
	expect_eq "assignment:9702:due_at assignment:9704:lock_at assignment_override:9712:due_at discussion_topic:9732:lock_at page:97501:publish_at" \
		"$(jq -r '[.changes[] | "\(.kind):\(.id):\(.field)"] | sort | join(" ")' "$LOGDIR/plan.json")" "the changes"
	run plan.txt plan "$LOGDIR/shift.yaml"
	expect_match "closed grading period" "$(cat "$LOGDIR/plan.txt")" "the text plan says why"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 0 "$(jq -s '[.[] | select(.type == "outcome" and .state != "done")] | length' "$LOGDIR/j.jsonl")" \
		"every outcome done"
	# the sim holds exactly the plan
	expect_eq "2026-02-17T06:59:59Z" "$(asg 9702 due_at)" "9702 due_at"
	expect_eq "2026-02-19T06:59:59Z" "$(asg 9702 'overrides[0].due_at')" "9712 due_at"
	expect_eq "2026-02-11T06:59:59Z 2026-02-27T06:59:59Z" "$(asg 9704 due_at) $(asg 9704 lock_at)" "9704"
	expect_eq "2025-12-10T06:59:59Z 2025-07-30T06:59:59Z" "$(asg 9701 due_at) $(asg 9703 due_at)" "refused ones kept"
	expect_eq "2026-02-09T16:00:00Z 2026-02-03T16:00:00Z" \
		"$(state '[.courses[0].pages[].publish_at] | join(" ")')" "pages"
	expect_eq "2026-02-28T06:59:59Z 2026-02-20T06:59:59Z" \
		"$(state '[.courses[0].discussion_topics[] | .lock_at] | reverse | join(" ")')" "topics"
	run plan2.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "second plan"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback around the refusals"
}

test_bulk_reread_with_a_deleted_assignment() {
	t_seed >/dev/null
	# no periods, no locks: both assignments are written
	jq 'del(.courses[0].grading_periods) | .courses[0].assignments |= map(del(.restricted_by_master_course))' \
		"$LOGDIR/seed.json" >"$LOGDIR/seed2.json"
	sim_start --seed "$LOGDIR/seed2.json" --progress-delay-ms 0
	cat >"$LOGDIR/two.yaml" <<'EOF'
version: 1
courses: [970]
steps:
  - name: A week later
    shift_dates:
      days: 7
      only: [assignments]
      where: {id: [9702, 9703]}
EOF
	run plan.json plan --format json --out "$LOGDIR/saved.json" "$LOGDIR/two.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	# the re-read (the first list of the course's assignments after the bulk update) is held 2 s;
	# 9703 is deleted meanwhile, so Canvas answers it with 400 "Invalid assignment_ids: 9703"
	cc apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/saved.json" >"$LOGDIR/apply.out" 2>"$LOGDIR/apply.out.err" &
	local pid=$! i
	for i in $(seq 1 200); do
		curl -s "$SIM_URL/__sim/requests" | jq -e 'any(.[]; .path | endswith("/bulk_update"))' >/dev/null && break
		sleep 0.02
	done
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/courses/970/assignments", "action": "delay", "delay_ms": 2000}'
	for i in $(seq 1 200); do
		[ "$(curl -s "$SIM_URL/__sim/script" | jq length)" = 0 ] && break
		sleep 0.02
	done
	api DELETE /api/v1/courses/970/assignments/9703
	expect_status 200
	RC=0
	wait "$pid" || RC=$?
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.path == "/api/v1/courses/970/assignments" and (.query // "" | tostring | test("assignment_ids")))] | length >= 2' | grep -c true)" \
		"the re-read was sent again without the deleted id"
	expect_eq "done done failed" "$(jq -rs '[.[] | select(.type == "outcome") | .state] | join(" ")' "$LOGDIR/j.jsonl")" \
		"9702's two dates read back, 9703's failed ($(cat "$LOGDIR/apply.out.err"))"
	expect_match "assignment 9703 .*the bulk update completed, but the object is not in Canvas's list any more" \
		"$(jq -rs '[.[] | select(.type == "outcome" and .state == "failed")][0].error' "$LOGDIR/j.jsonl")" "9703 gone"
	expect_eq "2026-02-17T06:59:59Z" "$(asg 9702 due_at)" "9702 written"
}

test_bulk_reread_on_an_instance_capping_per_page_at_50() {
	t_seed >/dev/null
	# 60 assignments, no periods, no locks, on a Canvas whose per_page stops at 50: a re-read of
	# 60 ids in one request would get 50 rows and a 400
	jq 'del(.courses[0].grading_periods) | .courses[0].pages = [] | .courses[0].discussion_topics = []
	    | .courses[0].assignments = [range(0; 60) as $i | {id: (98000 + $i), name: "A\($i)",
	      due_at: "2026-02-10T06:59:59Z", unlock_at: null, lock_at: null, published: true, points_possible: 1}]' \
		"$LOGDIR/seed.json" >"$LOGDIR/seed60.json"
	sim_start --seed "$LOGDIR/seed60.json" --progress-delay-ms 0 --per-page-max 50
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 60 "$(jq -s '[.[] | select(.type == "outcome" and .state == "done")] | length' "$LOGDIR/j.jsonl")" \
		"every date read back"
	expect_eq 0 "$(state '[.courses[0].assignments[] | select(.due_at != "2026-02-17T06:59:59Z")] | length')" "all moved"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of 60 assignments"
}
