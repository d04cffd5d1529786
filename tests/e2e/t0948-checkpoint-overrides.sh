# tests/e2e/t0948-checkpoint-overrides.sh -- the Assign To dates of a checkpointed discussion
# (issue 15, CURRENT.md 12): read, shifted, written by the same PUT .../date_details, journaled
# and rolled back.
#
# canvas-lms (app/services/checkpoints/, LearningObjectDatesController#prepare_checkpoints_dates):
# each Assign To row of a checkpointed discussion is a "shell" override of the parent assignment
# (dates overridden to nil) and one "child" override per checkpoint holding the dates, with
# parent_override_id. The list with include[]=checkpoints shows the children inside each
# checkpoint (Checkpoint#as_json). PUT .../discussion_topics/:id/date_details takes
# assignment_overrides[] entries naming the shell by id, the target, unlock_at, lock_at and
# reply_to_topic_due_at / required_replies_due_at; children not named are deleted with their
# shells, named ones updated (the target must be sent again; only the date keys sent change), the
# others created under the target's shell or a new one. Before issue 15's checkpoint overrides the
# planner skipped such a discussion, and canvas-sim answered 400 to assignment_overrides.
#
# Seed (t_seed): course 948 in UTC, unpublished; topic 9481 / assignment 9482, a checkpointed
# discussion due 02-12 (reply to topic) and 02-15 (replies), with two Assign To rows:
#   - shell 9490, Section 2 (9462): children 9491 (topic due 02-13, lock 02-22) and 9492 (replies
#     due 02-16, lock 02-22);
#   - shell 9493, one student (94001): children 9494 (topic due 02-14, unlock 02-09) and 9495
#     (unlock 02-09, the replies' due date not overridden).
# Cases (the sim case fails on the old sim, the round trip on the old planner):
#   - canvas-sim models the write: update with the target, create under a new shell, delete the
#     rows not named with their shells, 404 for an unknown shell, 400 without the target (nothing
#     saved), only_visible_to_overrides;
#   - a 7-day shift: the plan moves the overrides' dates (not the student's replies' due date,
#     which it does not override); apply writes them through date_details only, each PUT naming
#     both rows; the sim holds every planned after on the children; a second plan starts where
#     the first ended; rollback gives exactly the seed;
#   - in a published course with students, the plan counts a notification for each checkpoint
#     override due date it moves, and the sim records exactly those;
#   - a due date shifted to midnight in the token user's zone is planned and stored at 23:59:59.

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "user_time_zone": "UTC",
  "courses": [
    {"id": 948, "name": "Ethics", "course_code": "PHIL 210", "time_zone": "UTC",
     "workflow_state": "unpublished", "modules": [], "pages": [], "quizzes": [],
     "announcements": [], "calendar_events": [],
     "sections": [{"id": 9461, "name": "Section 1"}, {"id": 9462, "name": "Section 2"}],
     "students": [{"id": 94001, "name": "Ada"}, {"id": 94002, "name": "Ben"}],
     "discussion_topics": [
       {"id": 9481, "title": "Week 3 discussion", "message": "<p>Reply</p>", "assignment_id": 9482,
        "published": true, "delayed_post_at": null, "lock_at": null, "todo_date": null}
     ],
     "assignments": [
       {"id": 9482, "name": "Week 3 discussion", "submission_types": ["discussion_topic"], "discussion_topic_id": 9481,
        "points_possible": 10, "published": true, "due_at": null, "unlock_at": null, "lock_at": null,
        "has_sub_assignments": true,
        "overrides": [
          {"id": 9490, "title": "Section 2", "course_section_id": 9462, "due_at": null, "lock_at": null},
          {"id": 9493, "title": "1 student", "student_ids": [94001], "due_at": null, "unlock_at": null}],
        "checkpoints": [
          {"name": "Week 3 discussion", "tag": "reply_to_topic", "points_possible": 5, "due_at": "2026-02-12T17:00:00Z",
           "only_visible_to_overrides": false, "unlock_at": null, "lock_at": null,
           "overrides": [
             {"id": 9491, "title": "Section 2", "course_section_id": 9462, "parent_override_id": 9490,
              "due_at": "2026-02-13T17:00:00Z", "lock_at": "2026-02-22T17:00:00Z"},
             {"id": 9494, "title": "1 student", "student_ids": [94001], "parent_override_id": 9493,
              "due_at": "2026-02-14T17:00:00Z", "unlock_at": "2026-02-09T17:00:00Z"}]},
          {"name": "Week 3 discussion", "tag": "reply_to_entry", "points_possible": 5, "due_at": "2026-02-15T17:00:00Z",
           "only_visible_to_overrides": false, "unlock_at": null, "lock_at": null,
           "overrides": [
             {"id": 9492, "title": "Section 2", "course_section_id": 9462, "parent_override_id": 9490,
              "due_at": "2026-02-16T17:00:00Z", "lock_at": "2026-02-22T17:00:00Z"},
             {"id": 9495, "title": "1 student", "student_ids": [94001], "parent_override_id": 9493,
              "unlock_at": "2026-02-09T17:00:00Z"}]}]}
     ]}
  ]
}
EOF
	echo "$LOGDIR/seed.json"
}

A='.courses[0].assignments[0]'
DD=/api/v1/courses/948/discussion_topics/9481/date_details

# kids TAG: the children of checkpoint TAG as "id:parent:due:unlock:lock" (absent keys as -)
kids() {
	state "$A.checkpoints[] | select(.tag == \"$1\") | [.overrides[] | \"\\(.id):\\(.parent_override_id):\\(if has(\"due_at\") then .due_at else \"-\" end):\\(if has(\"unlock_at\") then .unlock_at else \"-\" end):\\(if has(\"lock_at\") then .lock_at else \"-\" end)\"] | join(\" \")"
}

test_sim_models_checkpoint_overrides() {
	sim_start --seed "$(t_seed)"
	api GET "/api/v1/courses/948/assignments?include[]=checkpoints&include[]=overrides" -g
	expect_status 200
	expect_eq "9491:9490 9494:9493" \
		"$(jb '.[0].checkpoints[0].overrides | map("\(.id):\(.parent_override_id)") | join(" ")')" "children listed"
	expect_eq "9490 9493" "$(jb '.[0].overrides | map(.id | tostring) | join(" ")')" "shells listed"
	# no target on an update: 400 (SectionOverrideUpdaterService: set_id is required), nothing saved
	state_snap before.json
	api PUT "$DD" -H 'Content-Type: application/json' \
		--data '{"assignment_overrides": [{"id": 9490, "reply_to_topic_due_at": "2026-02-20T17:00:00Z"}]}'
	expect_status 400
	state_snap after.json
	state_same before.json after.json "a refused write"
	# an unknown shell: 404 (AssignmentOverride.find)
	api PUT "$DD" -H 'Content-Type: application/json' --data '{"assignment_overrides": [{"id": 1, "course_section_id": 9462}]}'
	expect_status 404
	# update the section row (only the keys sent), create a row for Section 1, leave the student out
	api PUT "$DD" -H 'Content-Type: application/json' --data '{"assignment_overrides": [
		{"id": 9490, "course_section_id": 9462, "reply_to_topic_due_at": "2026-02-20T17:00:00Z", "lock_at": "2026-03-01T17:00:00Z"},
		{"course_section_id": 9461, "required_replies_due_at": "2026-02-25T17:00:00Z"}]}'
	expect_status 204
	local sh1
	sh1=$(state "$A.overrides[] | select(.course_section_id == 9461) | .id")
	expect_match '^[0-9]+$' "$sh1" "a new shell for Section 1"
	expect_eq "9491:9490:2026-02-20T17:00:00Z:-:2026-03-01T17:00:00Z" "$(kids reply_to_topic | cut -d' ' -f1)" \
		"the section's topic child: due and lock sent"
	expect_eq "9492:9490:2026-02-16T17:00:00Z:-:2026-03-01T17:00:00Z" "$(kids reply_to_entry | cut -d' ' -f1)" \
		"the section's replies child: its due date kept, the lock sent"
	expect_match "^[0-9]+:$sh1:2026-02-25T17:00:00Z:-:-\$" "$(kids reply_to_entry | cut -d' ' -f2)" \
		"Section 1's replies child created under its shell"
	expect_eq "9490 $sh1" "$(state "[$A.overrides[].id | tostring] | join(\" \")")" \
		"the student's shell went with its children"
	expect_eq "Section 1 null" "$(state "$A.overrides[] | select(.id == $sh1) | \"\\(.title) \\(.due_at)\"")" \
		"the new shell: the section's name, dates nil"
	expect_eq "2026-02-12T17:00:00Z 2026-02-15T17:00:00Z" "$(state "[$A.checkpoints[].due_at] | join(\" \")")" \
		"the everyone dates unchanged"
	# only_visible_to_overrides: the everyone dates go, the flag on the checkpoints and the parent
	api PUT "$DD" -H 'Content-Type: application/json' --data '{"only_visible_to_overrides": true,
		"assignment_overrides": [{"id": 9490, "course_section_id": 9462}]}'
	expect_status 204
	expect_eq "true true true null null" \
		"$(state "[$A.only_visible_to_overrides, $A.checkpoints[].only_visible_to_overrides, $A.checkpoints[].due_at] | map(tostring) | join(\" \")")" \
		"only visible to overrides"
	expect_eq "9490" "$(state "[$A.overrides[].id | tostring] | join(\" \")")" "Section 1's row deleted"
}

test_shift_checkpoint_overrides_apply_and_roll_back() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	printf 'version: 1\ncourses: [948]\nsteps:\n  - name: One week later\n    shift_dates:\n      days: 7\n' \
		>"$LOGDIR/shift.yaml"
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "assignment 9482 reply_to_topic_due_at 2026-02-19T17:00:00Z
assignment 9482 required_replies_due_at 2026-02-22T17:00:00Z
assignment_override 9490 reply_to_topic_due_at 2026-02-20T17:00:00Z
assignment_override 9490 required_replies_due_at 2026-02-23T17:00:00Z
assignment_override 9490 lock_at 2026-03-01T17:00:00Z
assignment_override 9493 reply_to_topic_due_at 2026-02-21T17:00:00Z
assignment_override 9493 unlock_at 2026-02-16T17:00:00Z" \
		"$(jq -r '.changes[] | "\(.kind) \(.id) \(.field) \(.after)"' "$LOGDIR/plan.json")" "the planned changes"
	expect_eq 0 "$(jq '.skipped | length' "$LOGDIR/plan.json")" "nothing skipped"
	# the HTML calendar shows each of them as the discussion's
	run plan.html plan --format html "$LOGDIR/shift.yaml"
	expect_eq 7 "$(grep -o 'data-kind="discussion_topic" title="checkpointed discussion, assignment[a-z ]* 94[89][0-9]' \
		"$LOGDIR/plan.html" | wc -l)" "seven discussion chips in the calendar"
	local since
	since=$(curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end')
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	# the sim holds every planned after: a shell's dates are its children's
	local kind id field want tag got n=0
	while IFS=$'\t' read -r kind id field want; do
		case $field in
		reply_to_topic_due_at) tag=reply_to_topic field=due_at ;;
		required_replies_due_at) tag=reply_to_entry field=due_at ;;
		*) tag="" ;;
		esac
		if [ "$kind" = assignment ]; then
			got=$(state "$A.checkpoints[] | select(.tag == \"$tag\") | .$field")
			expect_eq "$want" "$got" "assignment $id $tag $field in the sim"
		elif [ -n "$tag" ]; then
			got=$(state "$A.checkpoints[] | select(.tag == \"$tag\") | .overrides[] | select(.parent_override_id == $id) | .$field")
			expect_eq "$want" "$got" "override $id $tag $field in the sim"
		else
			got=$(state "[$A.checkpoints[].overrides[] | select(.parent_override_id == $id) | .$field] | unique | join(\" \")")
			expect_eq "$want" "$got" "override $id $field on both children in the sim"
		fi
		n=$((n + 1))
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after] | @tsv' "$LOGDIR/plan.json")
	expect_eq 7 "$n" "changes checked"
	expect_eq "-" "$(kids reply_to_entry | cut -d' ' -f2 | cut -d: -f3)" \
		"the student's replies due date is still not overridden"
	# written through date_details only, each PUT naming both rows with their targets
	curl -s "$SIM_URL/__sim/requests?since=$since" >"$LOGDIR/requests.json"
	expect_eq 0 "$(jq '[.[] | select(.method != "GET" and (.path | test("date_details$") | not))] | length' \
		"$LOGDIR/requests.json")" "no other write"
	[ "$(jq '[.[] | select(.method == "PUT")] | length' "$LOGDIR/requests.json")" -ge 1 ] || fail "no date_details PUT"
	expect_eq 0 "$(jq '[.[] | select(.method == "PUT") | .body.assignment_overrides
		| select(map("\(.id):\(.course_section_id // .student_ids)") | join(" ") != "9490:9462 9493:[94001]")] | length' \
		"$LOGDIR/requests.json")" "every PUT names both rows with their targets"
	# a second plan reads back what the first planned (--again: the journal says it was applied)
	run plan2.json plan --again --format json "$LOGDIR/shift.yaml"
	expect_eq "$(jq -c '[.changes[] | [.kind, .id, .field, .after]] | sort' "$LOGDIR/plan.json")" \
		"$(jq -c '[.changes[] | [.kind, .id, .field, .before]] | sort' "$LOGDIR/plan2.json")" \
		"the second plan starts where the first ended"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of the checkpoint overrides"
}

test_checkpoint_override_notifications_counted() {
	# published, with students, the discussion created long ago: each checkpoint override whose due
	# date moves notifies (AssignmentOverride#notify_change?), one record per override in the sim
	# and one per change in the plan
	jq '.courses[0].workflow_state = "available" | .courses[0].total_students = 2
		| .courses[0].assignments[0].created_at = "2025-12-01T00:00:00Z"' "$(t_seed)" >"$LOGDIR/pub.json"
	sim_start --seed "$LOGDIR/pub.json"
	printf 'version: 1\ncourses: [948]\nsteps:\n  - name: One week later\n    shift_dates:\n      days: 7\n' \
		>"$LOGDIR/shift.yaml"
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "assignment_override 9490 reply_to_topic_due_at|assignment_override 9490 required_replies_due_at|assignment_override 9493 reply_to_topic_due_at" \
		"$(jq -r '[.changes[] | select(.notifies) | "\(.kind) \(.id) \(.field)"] | join("|")' "$LOGDIR/plan.json")" \
		"the changes that notify"
	expect_eq 3 "$(jq '.summary.notifications' "$LOGDIR/plan.json")" "summary.notifications"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 3 "$(stats .notifications_sent)" "notifications_sent after apply"
	expect_eq "9491 9492 9494" "$(curl -s "$SIM_URL/__sim/notifications" | jq -r '[.[] | select(.type ==
		"assignment_due_date_changed" and .kind == "assignment_override") | .id] | sort | map(tostring) | join(" ")')" \
		"one per checkpoint override"
}

test_checkpoint_override_fancy_midnight() {
	# the token user in Denver: Section 2's topic due date shifted to 00:00 Denver is stored at
	# 23:59:59 that day (AssignmentOverride#due_at=, CanvasTime.fancy_midnight); the plan says so
	jq '.user_time_zone = "America/Denver"
		| (.courses[0].assignments[0].checkpoints[0].overrides[0].due_at) = "2026-02-13T07:00:00Z"' \
		"$(t_seed)" >"$LOGDIR/denver.json"
	sim_start --seed "$LOGDIR/denver.json"
	printf 'version: 1\ncourses: [948]\nsteps:\n  - name: One week later\n    shift_dates:\n      days: 7\n' \
		>"$LOGDIR/shift.yaml"
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-02-21T06:59:59Z" \
		"$(jq -r '.changes[] | select(.id == 9490 and .field == "reply_to_topic_due_at") | .after' "$LOGDIR/plan.json")" \
		"planned at 23:59:59 Denver"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "2026-02-21T06:59:59Z" \
		"$(state "$A.checkpoints[0].overrides[] | select(.id == 9491) | .due_at")" "stored so"
}
