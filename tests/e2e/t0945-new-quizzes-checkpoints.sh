# tests/e2e/t0945-new-quizzes-checkpoints.sh -- dates the planner did not see: New Quizzes (issue 15,
# CURRENT.md 11).
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
#     lists that: the flag needs the external tool).
# Cases (each fails before issue 15: the first two on the planner, the last on the sim):
#   - rollover (all kinds, 7 days): plan shows the New Quiz's dates and its override's; apply ->
#     the sim holds each planned after, field by field; rollback -> exactly the seed;
#   - `only: [quizzes]` moves the New Quiz (and its override) and not the plain assignment;
#     `only: [assignments]` the reverse;
#   - canvas-sim lists a New Quiz as Canvas does, and not an online_upload that claims to be one.

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
     "discussion_topics": [], "announcements": [], "calendar_events": [],
     "assignments": [
       {"id": 9451, "name": "Unit 1 New Quiz", "submission_types": ["external_tool"],
        "is_quiz_lti_assignment": true, "points_possible": 10, "published": true,
        "due_at": "2026-02-10T17:00:00Z", "unlock_at": "2026-02-03T17:00:00Z", "lock_at": "2026-02-12T17:00:00Z",
        "overrides": [{"id": 9461, "title": "Section 2", "course_section_id": 9462,
                       "due_at": "2026-02-11T17:00:00Z", "lock_at": "2026-02-13T17:00:00Z"}]},
       {"id": 9452, "name": "Lab report", "submission_types": ["online_upload"], "points_possible": 10,
        "published": true, "due_at": "2026-02-14T17:00:00Z", "unlock_at": null, "lock_at": null},
       {"id": 9453, "name": "Not a quiz", "submission_types": ["online_upload"], "is_quiz_lti_assignment": true,
        "points_possible": 5, "published": true, "due_at": null, "unlock_at": null, "lock_at": null}
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
	# the plan says the New Quiz's changes are a quiz's (shows_as), the plain assignment's are not
	expect_eq 5 "$(jq '[.changes[] | select(.shows_as == "quiz")] | length' "$LOGDIR/plan.json")" \
		"the New Quiz's five changes show as a quiz"
	expect_eq 0 "$(jq '[.changes[] | select(.id == 9452 and has("shows_as"))] | length' "$LOGDIR/plan.json")" \
		"the plain assignment shows as itself"
	# the HTML calendar: the New Quiz's chips are quizzes, the plain assignment's an assignment
	run plan.html plan --format html "$LOGDIR/all.yaml"
	expect_eq 0 "$RC" "plan --format html exit code"
	expect_eq 5 "$(grep -o '<li class="chip k-quiz[^"]*" data-kind="quiz" title="New Quiz, [a-z ]*94[56][0-9]' "$LOGDIR/plan.html" | wc -l)" \
		"five quiz chips in the calendar"
	expect_eq 1 "$(grep -o '<li class="chip k-assignment[^"]*" data-kind="assignment" title="assignment 9452' "$LOGDIR/plan.html" | wc -l)" \
		"one assignment chip"
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
		got=$(state "$path | .$field")
		expect_eq "$want" "$got" "$kind $id $field in the sim"
		n=$((n + 1))
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after, (.parent // "" | tostring)] | @tsv' \
		"$LOGDIR/plan.json")
	expect_eq 6 "$n" "changes checked"
	# the New Quiz went through bulk_update, like any assignment
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and (.path | test("/assignments/9451$")))] | length')" \
		"no single PUT of the New Quiz"
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
