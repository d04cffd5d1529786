# tests/e2e/t0945-new-quizzes-checkpoints.sh -- dates the planner did not see: New Quizzes and
# checkpointed discussions (issue 15, CURRENT.md 11 and 12).
#
# A New Quiz is an assignment that Api::V1::Assignment#assignment_json (canvas-lms
# lib/api/v1/assignment.rb) marks with is_quiz_lti_assignment: true when Assignment#quiz_lti?
# (submission type external_tool); its dates are the assignment's, its overrides too. Before issue
# 15 the planner counted it as a plain assignment, so `only: [quizzes]` left its dates behind, and
# canvas-sim listed the flag whatever the submission type and without frozen_attributes.
#
# Seed (t_seed): course 945 in UTC, unpublished (no notifications), the token user in UTC, times at
# 17:00 (no fancy midnight):
#   - 9451 a New Quiz (external_tool, is_quiz_lti_assignment) with a section override 9461;
#   - 9452 a plain assignment;
#   - 9453 a seed that claims is_quiz_lti_assignment on an online_upload assignment (Canvas never
#     lists that: the flag needs the external tool);
#   - 9454 / topic 9471 a checkpointed discussion: its due dates are its two sub-assignments'
#     (reply_to_topic, reply_to_entry; app/models/sub_assignment.rb), listed with
#     include[]=checkpoints (Checkpoint#as_json), written by PUT .../discussion_topics/:id/date_details
#     with reply_to_topic_due_at / required_replies_due_at / unlock_at / lock_at
#     (LearningObjectDatesController#update_checkpointed_assignment); before issue 15 the planner saw
#     only the parent's unlock and lock dates and moved them through bulk_update, leaving the
#     checkpoints' due dates behind;
#   (a checkpointed discussion with overrides: t0948-checkpoint-overrides.sh).
# Cases (each fails before issue 15: the first two on the planner, the last two on the sim):
#   - rollover (all kinds, 7 days): plan shows the New Quiz's dates and its override's, and the
#     checkpoints' due dates with their shared unlock and lock; the HTML calendar shows them as a
#     quiz and a discussion; apply -> the sim holds each planned after, field by field (a checkpoint
#     date on both the checkpoint and, for unlock/lock, the parent); rollback -> exactly the seed;
#   - `only: [quizzes]` moves the New Quiz (and its override) and not the plain assignment;
#     `only: [assignments]` the reverse;
#   - canvas-sim lists a New Quiz as Canvas does, and not an online_upload that claims to be one;
#   - canvas-sim lists checkpoints only with include[]=checkpoints, and date_details writes them
#     (absent keys unchanged, unlock/lock on both and the parent; its overrides: t0948).

cc() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@" --url "$SIM_URL"
}

run() {
	local out=$1
	shift
	RC=0
	cc "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "user_time_zone": "UTC",
  "courses": [
    {"id": 945, "name": "Chemistry", "course_code": "CHEM 101", "time_zone": "UTC",
     "workflow_state": "unpublished", "modules": [], "pages": [], "quizzes": [],
     "announcements": [], "calendar_events": [],
     "discussion_topics": [
       {"id": 9471, "title": "Week 1 discussion", "message": "<p>Reply</p>", "assignment_id": 9454,
        "published": true, "delayed_post_at": null, "lock_at": null, "todo_date": null}
     ],
     "assignments": [
       {"id": 9451, "name": "Unit 1 New Quiz", "submission_types": ["external_tool"],
        "is_quiz_lti_assignment": true, "points_possible": 10, "published": true,
        "due_at": "2026-02-10T17:00:00Z", "unlock_at": "2026-02-03T17:00:00Z", "lock_at": "2026-02-12T17:00:00Z",
        "overrides": [{"id": 9461, "title": "Section 2", "course_section_id": 9462,
                       "due_at": "2026-02-11T17:00:00Z", "lock_at": "2026-02-13T17:00:00Z"}]},
       {"id": 9452, "name": "Lab report", "submission_types": ["online_upload"], "points_possible": 10,
        "published": true, "due_at": "2026-02-14T17:00:00Z", "unlock_at": null, "lock_at": null},
       {"id": 9453, "name": "Not a quiz", "submission_types": ["online_upload"], "is_quiz_lti_assignment": true,
        "points_possible": 5, "published": true, "due_at": null, "unlock_at": null, "lock_at": null},
       {"id": 9454, "name": "Week 1 discussion", "submission_types": ["discussion_topic"], "discussion_topic_id": 9471,
        "points_possible": 10, "published": true, "due_at": null,
        "unlock_at": "2026-02-02T17:00:00Z", "lock_at": "2026-02-16T17:00:00Z", "has_sub_assignments": true,
        "checkpoints": [
          {"name": "Week 1 discussion", "tag": "reply_to_topic", "points_possible": 5, "due_at": "2026-02-05T17:00:00Z",
           "only_visible_to_overrides": false, "overrides": [],
           "unlock_at": "2026-02-02T17:00:00Z", "lock_at": "2026-02-16T17:00:00Z"},
          {"name": "Week 1 discussion", "tag": "reply_to_entry", "points_possible": 5, "due_at": "2026-02-08T17:00:00Z",
           "only_visible_to_overrides": false, "overrides": [],
           "unlock_at": "2026-02-02T17:00:00Z", "lock_at": "2026-02-16T17:00:00Z"}]}
     ]}
  ]
}
EOF
	echo "$LOGDIR/seed.json"
}

# recipe FILE ONLY: a one-week shift of course 945; ONLY is a YAML list or empty (every kind)
recipe() {
	{
		printf 'version: 1\ncourses: [945]\nsteps:\n  - name: One week later\n    shift_dates:\n      days: 7\n'
		[ -z "$2" ] || printf '      only: %s\n' "$2"
	} >"$LOGDIR/$1"
}

# changed KIND ID FIELD: the planned after of a change in plan.json, or "" when none
after() {
	jq -r ".changes[] | select(.kind == \"$1\" and .id == $2 and .field == \"$3\") | .after" "$LOGDIR/plan.json"
}

test_rollover_moves_a_new_quiz_and_rolls_back() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	recipe all.yaml ""
	run plan.json plan --format json "$LOGDIR/all.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-02-17T17:00:00Z" "$(after assignment 9451 due_at)" "New Quiz due_at"
	expect_eq "2026-02-10T17:00:00Z" "$(after assignment 9451 unlock_at)" "New Quiz unlock_at"
	expect_eq "2026-02-19T17:00:00Z" "$(after assignment 9451 lock_at)" "New Quiz lock_at"
	expect_eq "2026-02-18T17:00:00Z" "$(after assignment_override 9461 due_at)" "override due_at"
	expect_eq "2026-02-20T17:00:00Z" "$(after assignment_override 9461 lock_at)" "override lock_at"
	expect_eq "2026-02-21T17:00:00Z" "$(after assignment 9452 due_at)" "plain assignment due_at"
	# the checkpointed discussion: both checkpoints' due dates and the shared availability dates
	expect_eq "2026-02-12T17:00:00Z" "$(after assignment 9454 reply_to_topic_due_at)" "reply_to_topic due"
	expect_eq "2026-02-15T17:00:00Z" "$(after assignment 9454 required_replies_due_at)" "reply_to_entry due"
	expect_eq "2026-02-09T17:00:00Z" "$(after assignment 9454 unlock_at)" "checkpoints' unlock_at"
	expect_eq "2026-02-23T17:00:00Z" "$(after assignment 9454 lock_at)" "checkpoints' lock_at"
	# the plan says the New Quiz's changes are a quiz's (shows_as), the plain assignment's are not
	expect_eq 5 "$(jq '[.changes[] | select(.shows_as == "quiz")] | length' "$LOGDIR/plan.json")" \
		"the New Quiz's five changes show as a quiz"
	expect_eq 0 "$(jq '[.changes[] | select(.id == 9452 and has("shows_as"))] | length' "$LOGDIR/plan.json")" \
		"the plain assignment shows as itself"
	expect_eq 4 "$(jq '[.changes[] | select(.shows_as == "discussion_topic")] | length' "$LOGDIR/plan.json")" \
		"the checkpointed discussion's four changes show as a discussion"
	# the HTML calendar: the New Quiz's chips are quizzes, the plain assignment's an assignment
	run plan.html plan --format html "$LOGDIR/all.yaml"
	expect_eq 0 "$RC" "plan --format html exit code"
	expect_eq 5 "$(grep -o '<li class="chip k-quiz[^"]*" data-kind="quiz" title="New Quiz, [a-z ]*94[56][0-9]' "$LOGDIR/plan.html" | wc -l)" \
		"five quiz chips in the calendar"
	expect_eq 1 "$(grep -o '<li class="chip k-assignment[^"]*" data-kind="assignment" title="assignment 9452' "$LOGDIR/plan.html" | wc -l)" \
		"one assignment chip"
	expect_eq 4 "$(grep -o '<li class="chip k-discussion_topic[^"]*" data-kind="discussion_topic" title="checkpointed discussion, assignment 9454' "$LOGDIR/plan.html" | wc -l)" \
		"four discussion chips for the checkpoints"
	expect_match "reply to topic due" "$(cat "$LOGDIR/plan.html")" "the checkpoint's date named in the calendar"
	# a saved plan keeps it
	run saved.out plan --format json --out "$LOGDIR/saved.json" "$LOGDIR/all.yaml"
	expect_eq 5 "$(jq '[.changes[] | select(.shows_as == "quiz")] | length' "$LOGDIR/saved.json")" "shows_as saved"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/all.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	local kind id field want parent path got n=0
	while IFS=$'\t' read -r kind id field want parent; do
		case $kind in
		assignment) path=".courses[].assignments[] | select(.id == $id)" ;;
		assignment_override) path=".courses[].assignments[] | select(.id == $parent) | .overrides[] | select(.id == $id)" ;;
		*) fail "unexpected kind $kind" ;;
		esac
		case $field in
		reply_to_topic_due_at) got=$(state "$path | .checkpoints[] | select(.tag == \"reply_to_topic\") | .due_at") ;;
		required_replies_due_at) got=$(state "$path | .checkpoints[] | select(.tag == \"reply_to_entry\") | .due_at") ;;
		*) got=$(state "$path | .$field") ;;
		esac
		expect_eq "$want" "$got" "$kind $id $field in the sim"
		if [ "$id" = 9454 ] && { [ "$field" = unlock_at ] || [ "$field" = lock_at ]; }; then
			expect_eq "$want$want" "$(state "$path | .checkpoints | map(.$field) | join(\"\")")" \
				"both checkpoints' $field in the sim"
		fi
		n=$((n + 1))
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after, (.parent // "" | tostring)] | @tsv' \
		"$LOGDIR/plan.json")
	expect_eq 10 "$n" "changes checked"
	# the New Quiz went through bulk_update, like any assignment; the checkpoints through date_details
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and (.path | test("/assignments/9451$")))] | length')" \
		"no single PUT of the New Quiz"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and (.path | test("/discussion_topics/9471/date_details$")))] | length')" \
		"one date_details PUT for the checkpoints"
	# a second plan reads back what the first planned: its befores are the first plan's afters
	# (--again: the journal says the shift was applied)
	run plan2.json plan --again --format json "$LOGDIR/all.yaml"
	expect_eq "$(jq -c '[.changes[] | [.kind, .id, .field, .after]] | sort' "$LOGDIR/plan.json")" \
		"$(jq -c '[.changes[] | [.kind, .id, .field, .before]] | sort' "$LOGDIR/plan2.json")" \
		"the second plan starts where the first ended"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of a New Quiz rollover"
}

test_only_quizzes_includes_the_new_quiz() {
	sim_start --seed "$(t_seed)"
	recipe quizzes.yaml "[quizzes]"
	run plan.json plan --format json "$LOGDIR/quizzes.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-02-17T17:00:00Z" "$(after assignment 9451 due_at)" "only quizzes: New Quiz due_at"
	expect_eq "2026-02-18T17:00:00Z" "$(after assignment_override 9461 due_at)" "only quizzes: its override"
	expect_eq "" "$(after assignment 9452 due_at)" "only quizzes: the plain assignment stays"
	expect_eq 5 "$(jq '.changes | length' "$LOGDIR/plan.json")" "only quizzes: the New Quiz's five dates"
	recipe asg.yaml "[assignments]"
	run plan.json plan --format json "$LOGDIR/asg.yaml"
	expect_eq 0 "$RC" "plan exit code"
	expect_eq "" "$(after assignment 9451 due_at)" "only assignments: the New Quiz stays"
	expect_eq "2026-02-21T17:00:00Z" "$(after assignment 9452 due_at)" "only assignments: the plain one moves"
}

test_sim_lists_a_new_quiz_as_canvas_does() {
	sim_start --seed "$(t_seed)"
	api GET "/api/v1/courses/945/assignments"
	expect_status 200
	expect_eq true "$(jq '.[] | select(.id == 9451) | .is_quiz_lti_assignment' "$LOGDIR/body")" "the New Quiz's flag"
	expect_eq '["submission_types"]' "$(jq -c '.[] | select(.id == 9451) | .frozen_attributes' "$LOGDIR/body")" \
		"submission_types frozen"
	expect_eq true "$(jq '.[] | select(.id == 9451) | .external_tool_tag_attributes.url | type == "string"' "$LOGDIR/body")" \
		"the tool's url"
	expect_eq false "$(jq '.[] | select(.id == 9453) | has("is_quiz_lti_assignment")' "$LOGDIR/body")" \
		"no flag without the external tool"
}

test_sim_models_checkpoints() {
	sim_start --seed "$(t_seed)"
	api GET "/api/v1/courses/945/assignments/9454"
	expect_status 200
	expect_eq "false false" "$(jb '[has("checkpoints"), has("has_sub_assignments")] | map(tostring) | join(" ")')" \
		"no checkpoints without include[]=checkpoints"
	api GET "/api/v1/courses/945/assignments?include[]=checkpoints"
	expect_status 200
	expect_eq "true reply_to_topic,reply_to_entry" \
		"$(jb '.[] | select(.id == 9454) | "\(.has_sub_assignments) \([.checkpoints[].tag] | join(","))"')" "listed checkpoints"
	expect_eq false "$(jb '.[] | select(.id == 9452) | .has_sub_assignments')" "a plain assignment has none"
	# one due date and the shared lock date; the other due date absent = unchanged
	api PUT "/api/v1/courses/945/discussion_topics/9471/date_details" -H 'Content-Type: application/json' \
		--data '{"reply_to_topic_due_at": "2026-02-06T17:00:00Z", "lock_at": "2026-02-17T17:00:00Z"}'
	expect_status 204
	expect_eq "2026-02-06T17:00:00Z 2026-02-08T17:00:00Z" \
		"$(state '.courses[].assignments[] | select(.id == 9454) | [.checkpoints[].due_at] | join(" ")')" "due dates"
	expect_eq "2026-02-17T17:00:00Z 2026-02-17T17:00:00Z 2026-02-17T17:00:00Z" \
		"$(state '.courses[].assignments[] | select(.id == 9454) | [.checkpoints[].lock_at, .lock_at] | join(" ")')" \
		"lock_at on both checkpoints and the parent"
	# out of order: 400, nothing saved
	api PUT "/api/v1/courses/945/discussion_topics/9471/date_details" -H 'Content-Type: application/json' \
		--data '{"required_replies_due_at": "2026-03-30T17:00:00Z"}'
	expect_status 400
	expect_eq "2026-02-08T17:00:00Z" \
		"$(state '.courses[].assignments[] | select(.id == 9454) | .checkpoints[1].due_at')" "a refused write saves nothing"
}
