# tests/e2e/t0932-rollback-integrity.sh -- rollback restores consistently, and apply and rollback
# exit non-zero whenever anything is left (issue 13, case 4 and "Exit codes tell the truth").
#
# Seed (t_seed below): two courses in America/Phoenix (no daylight saving time) and a token user
# in America/New_York; `shift_dates {days: 7}` moves assignment 8001's due date from Fri 22:00 MST
# (2025-11-01T05:00:00Z) to 2025-11-08T05:00:00Z. The case needs Canvas to store a date in another
# form than planned, by a rule the plan does not predict: a canvas-sim `rewrite` script
# (stored_otherwise) makes the bulk update store that due date as 2025-11-09T04:59:59Z (what fancy
# midnight in New York would make of it; until issue 15 the sim did that to bulk_update's base dates
# itself, which today's Canvas does not, and the planner now predicts where Canvas does). So apply
# reads back 2025-11-09T04:59:59Z, not the plan's value, and records the change as failed ("stored
# in another form than planned"). 8001's lock_at is two days after its due date, so restoring
# lock_at while that due date stays moved is an order Canvas refuses -- and Canvas refuses a
# bulk_update as a whole when one assignment in it is invalid (Assignment::BulkUpdate#run, API.md
# 5.3). That was issue 13's case 4: "0 changes; 3 failed", no date of the course restored. Course
# 701 has four assignments (one with a section override); course 702 one, a control.
#
# Cases (each fails on the code before issue 13 but the last, a guard):
#   - the stored-otherwise rollover rolls back to exactly the seed (the failed change's stored value
#     is in the journal and is rolled back like any other), one bulk_update per course, also after
#     the `apply --resume` the last line of the apply suggests (which must not take our own stored
#     value for someone's edit);
#   - a rollback in which Canvas refuses one assignment (a teacher opened it early: its unlock_at
#     now falls after the due date being restored) restores every other date of the course and
#     exits 1, naming that change, with a last line that says what is left and what to run;
#   - apply of a saved plan in which Canvas refuses one assignment (a teacher set a lock date the
#     planned due date would pass) applies the rest of the course's batch; the refused change is
#     reported per change with Canvas's reason;
#   - a failed Progress that names nobody: the batch is sent again as two halves; one whose rows
#     carry their errors in Canvas's current {"errors": [...]} shape is read as well;
#   - a rollback that skips an undo step (a create whose answer was lost: the journal has no id)
#     ends in the seed with exit 0, or exits 1 with a last line naming what is left and the
#     commands that finish it -- and those commands do;
#   - a clean apply and rollback still exit 0, the summary their last line.
# States are compared as whole /__sim/state dumps (lib.sh SIM_NORM), field by field with diff.

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "user_time_zone": "America/New_York",
  "courses": [
    {"id": 701, "name": "Mechanics", "course_code": "PHYS 201", "time_zone": "America/Phoenix",
     "workflow_state": "unpublished", "announcements": [], "calendar_events": [], "discussion_topics": [],
     "modules": [], "pages": [], "quizzes": [],
     "assignments": [
       {"id": 8001, "name": "Lab 1", "due_at": "2025-11-01T05:00:00Z", "unlock_at": "2025-10-25T07:00:00Z",
        "lock_at": "2025-11-03T06:59:59Z", "published": true, "points_possible": 10},
       {"id": 8002, "name": "Lab 2", "due_at": "2025-11-04T06:59:59Z", "unlock_at": null,
        "lock_at": "2025-11-06T06:59:59Z", "published": true, "points_possible": 10,
        "overrides": [{"id": 8102, "title": "Section 2", "course_section_id": 7702, "due_at": "2025-11-05T06:59:59Z",
                       "unlock_at": "2025-10-28T07:00:00Z", "lock_at": "2025-11-06T06:59:59Z"}]},
       {"id": 8003, "name": "Lab 3", "due_at": "2025-11-11T06:59:59Z", "unlock_at": "2025-11-04T07:00:00Z",
        "lock_at": null, "published": true, "points_possible": 10},
       {"id": 8004, "name": "Quiz prep", "due_at": "2025-11-07T06:59:59Z", "unlock_at": null,
        "lock_at": null, "published": true, "points_possible": 5}
     ]},
    {"id": 702, "name": "Waves", "course_code": "PHYS 202", "time_zone": "America/Phoenix",
     "workflow_state": "unpublished", "announcements": [], "calendar_events": [], "discussion_topics": [],
     "modules": [], "pages": [], "quizzes": [],
     "assignments": [
       {"id": 8011, "name": "Set 1", "due_at": "2025-11-04T06:59:59Z", "unlock_at": null, "lock_at": null,
        "published": true, "points_possible": 5}
     ]}
  ]
}
EOF
	cat >"$LOGDIR/shift.yaml" <<'EOF'
version: 1
description: every date a week later
courses: [701, 702]
steps:
  - name: A week later
    shift_dates: {days: 7}
EOF
	echo "$LOGDIR/seed.json"
}

# a1 ID FILTER: jq FILTER on assignment ID of the simulator's state
a1() {
	state ".courses[].assignments[] | select(.id == $1) | $2"
}

# Canvas stores 8001's planned due date in another form (see the top), in every bulk update that
# sends it, for the rest of the case.
stored_otherwise() {
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/701/assignments/bulk_update", "count": -1,
		"action": "rewrite", "from": "2025-11-08T05:00:00Z", "to": "2025-11-09T04:59:59Z"}'
}

bulk_updates() {
	curl -s "$SIM_URL/__sim/requests" | jq "[.[] | select(.method == \"PUT\" and (.path | endswith(\"/bulk_update\")))]"
}

# the seq of the plan's change to FIELD of KIND ID in journal J
seq_of() {
	head -n 1 "$1" | jq ".plan.changes[] | select(.kind == \"$2\" and .id == $3 and .field == \"$4\") | .seq"
}

test_fancy_midnight_rollover_rolls_back_to_the_seed() {
	sim_start --seed "$(t_seed)"
	stored_otherwise
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 1 "$RC" "apply exit code"
	expect_match "course 701, assignment 8001 'Lab 1', due_at: Canvas completed the bulk update but stored \"2025-11-09T04:59:59Z\"" \
		"$(cat "$LOGDIR/apply.out.err")" "the stored-otherwise date reported"
	expect_eq "2025-11-09T04:59:59Z 2025-11-10T06:59:59Z" "$(a1 8001 '"\(.due_at) \(.lock_at)"')" \
		"Canvas holds the stored-otherwise due date and the shifted lock date"
	# the failed outcome records what Canvas stored
	expect_eq '"2025-11-09T04:59:59Z"' "$(jq -c "select(.type == \"outcome\" and .seq == $(seq_of "$LOGDIR/j.jsonl" \
		assignment 8001 due_at)) | .live" "$LOGDIR/j.jsonl")" "live in the failed outcome"
	# the last line's advice, followed: resume sees the stored value as its own write, not as
	# someone's edit (a conflict would keep rollback from undoing it), and writes it again
	expect_match "^Left: 1 failed \\(1 of 12 changes not applied\\); next: coursectl apply --resume $LOGDIR/j.jsonl" \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line"
	run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 1 "$RC" "resume exit code"
	expect_match "error: course 701, assignment 8001 'Lab 1', due_at: Canvas completed the bulk update but stored" \
		"$(cat "$LOGDIR/resume.out.err")" "failed again the same way, not a conflict"
	local since
	since=$(curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end')
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	expect_eq "Rolled back with 12 changes to 6 objects; 0 failed; 0 conflicts" "$(tail -n 1 "$LOGDIR/rb.out")" \
		"the summary is the last line"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of a rollover with a date stored otherwise"
	# 8001's three dates went back in one entry of one bulk_update per course
	expect_eq 2 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method == "PUT" and
		(.path | endswith("/bulk_update")))] | length')" "one bulk_update per course"
	expect_eq '["due_at","lock_at","unlock_at"]' "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq -c '[.[]
		| select(.path | endswith("/bulk_update")) | .body[] | select(.id == 8001) | .all_dates[] | keys
		| map(select(. != "base" and . != "id"))][0]')" "8001's dates together"
}

test_rollback_with_one_refused_assignment_restores_the_rest() {
	sim_start --seed "$(t_seed)"
	stored_otherwise
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 1 "$RC" "apply exit code (8001's stored-otherwise due date)"
	expect_eq "2025-11-14T06:59:59Z" "$(a1 8004 .due_at)" "8004 shifted"
	# a teacher opens Quiz prep early: valid now, but before the due date a rollback restores
	api PUT /api/v1/courses/701/assignments/8004 -H 'Content-Type: application/json' \
		-d '{"assignment": {"unlock_at": "2025-11-10T07:00:00Z"}}'
	expect_status 200
	run rb.out rollback --yes --format json --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 1 "$RC" "rollback exit code"
	expect_match "error: course 701, assignment 8004 'Quiz prep', due_at: Canvas refused the date: due_at: must be between availability dates" \
		"$(cat "$LOGDIR/rb.out.err")" "the refused change named with Canvas's reason"
	expect_eq 1 "$(grep -c '^coursectl: error: ' "$LOGDIR/rb.out.err")" "only that change failed"
	expect_eq "11 1 1" "$(jq -r '"\(.summary.done) \(.summary.failed) \(.summary.left)"' "$LOGDIR/rb.out")" \
		"the result's counts"
	expect_match "^Left: 1 failed \\(1 of 12 changes not rolled back\\); next: coursectl apply --resume $LOGDIR/r.jsonl\$" \
		"$(jq -r .left_line "$LOGDIR/rb.out")" "what is left, and the command"
	# every other date of the course is back; 8004 keeps the moved due date and the teacher's unlock
	expect_eq "2025-11-14T06:59:59Z 2025-11-10T07:00:00Z" "$(a1 8004 '"\(.due_at) \(.unlock_at)"')" "8004"
	curl -s "$SIM_URL/__sim/state" | jq -S "$SIM_NORM | del(.courses[].assignments[] | select(.id == 8004))" \
		>"$LOGDIR/back.rest.json"
	jq -S 'del(.courses[].assignments[] | select(.id == 8004))' "$LOGDIR/seed.json" >"$LOGDIR/seed.rest.json"
	state_same seed.rest.json back.rest.json "the rest of the rollback"
	# in text: the summary, then the last line; a second rollback goes on with the first one's
	# journal (issue 16: it finishes what is left instead of starting over)
	run rb2.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 1 "$RC" "second rollback exit code"
	expect_eq "Rolled back with 0 changes to 0 objects; 11 already in place; 1 failed; 0 conflicts" \
		"$(tail -n 2 "$LOGDIR/rb2.out" | head -n 1)" \
		"the summary"
	expect_match "^Left: 1 failed .*; next: coursectl apply --resume $LOGDIR/r.jsonl\$" "$(tail -n 1 "$LOGDIR/rb2.out")" \
		"the last line"
	# the command it names finishes the rollback once the teacher's date is out of the way
	api PUT /api/v1/courses/701/assignments/8004 -H 'Content-Type: application/json' \
		-d '{"assignment": {"unlock_at": null}}'
	expect_status 200
	run resume.out apply --yes --resume "$LOGDIR/r.jsonl"
	expect_eq 0 "$RC" "apply --resume of the rollback's journal ($(cat "$LOGDIR/resume.out.err"))"
	state_snap back.json
	state_same seed.json back.json "the rollback finished"
}

test_apply_with_one_refused_assignment_applies_the_rest() {
	sim_start --seed "$(t_seed)"
	stored_otherwise
	cc plan --out "$LOGDIR/plan.json" "$LOGDIR/shift.yaml" >/dev/null 2>"$LOGDIR/plan.err" ||
		fail "plan: $(cat "$LOGDIR/plan.err")"
	# after the plan, a teacher sets a lock date the planned due date of Quiz prep would pass
	api PUT /api/v1/courses/701/assignments/8004 -H 'Content-Type: application/json' \
		-d '{"assignment": {"lock_at": "2025-11-08T06:59:59Z"}}'
	expect_status 200
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code"
	expect_match "error: course 701, assignment 8004 'Quiz prep', due_at: Canvas refused the date: due_at: must be between availability dates" \
		"$(cat "$LOGDIR/apply.out.err")" "the refused change, per change, with Canvas's reason"
	expect_eq failed "$(jq -r "select(.type == \"outcome\" and .seq == $(seq_of "$LOGDIR/j.jsonl" assignment 8004 \
		due_at)) | .state" "$LOGDIR/j.jsonl" | tail -n 1)" "journaled as failed"
	expect_eq "2025-11-07T06:59:59Z" "$(a1 8004 .due_at)" "8004 not moved"
	# the rest of course 701's batch is saved: 8002 with its override, 8003
	expect_eq "2025-11-11T06:59:59Z 2025-11-13T06:59:59Z" "$(a1 8002 '"\(.due_at) \(.lock_at)"')" "8002 moved"
	expect_eq "2025-11-12T06:59:59Z" "$(a1 8002 '.overrides[0].due_at')" "8102 moved"
	expect_eq "2025-11-18T06:59:59Z 2025-11-11T07:00:00Z" "$(a1 8003 '"\(.due_at) \(.unlock_at)"')" "8003 moved"
	expect_eq "2025-11-11T06:59:59Z" "$(a1 8011 .due_at)" "course 702 moved"
	# the second request of course 701 is the first without 8004
	bulk_updates >"$LOGDIR/bulk.json"
	expect_eq 3 "$(jq length "$LOGDIR/bulk.json")" "bulk_updates: 701, 701 again, 702"
	expect_eq "[8001,8002,8003,8004] [8001,8002,8003]" "$(jq -r '[.[] | select(.path | test("/courses/701/"))
		| .body | map(.id) | sort | tostring] | join(" ")' "$LOGDIR/bulk.json")" "the batch sent again without 8004"
	expect_match "^Left: 2 failed \\(2 of 12 changes not applied\\); next: coursectl apply --resume $LOGDIR/j.jsonl" \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line"
}

test_a_failed_progress_naming_nobody_is_sent_again_in_halves() {
	sim_start --seed "$(t_seed)"
	stored_otherwise
	state_snap seed.json
	# the first Progress read answers "failed" with a message that names no assignment
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/progress/*", "count": 1, "action": "respond",
		"status": 200, "body": {"id": 1, "workflow_state": "failed", "completion": 100,
		"results": {"message": "something went wrong"}}}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --course 701 "$LOGDIR/shift.yaml"
	expect_eq 1 "$RC" "apply exit code (8001's stored-otherwise due date only)"
	expect_eq 1 "$(grep -c '^coursectl: error: ' "$LOGDIR/apply.out.err")" "one error: $(cat "$LOGDIR/apply.out.err")"
	bulk_updates >"$LOGDIR/bulk.json"
	expect_eq "[8001,8002,8003,8004]" "$(jq -c '.[0].body | map(.id) | sort' "$LOGDIR/bulk.json")" "the batch"
	expect_eq "[8001,8002] [8003,8004]" "$(jq -r '[.[1:][] | .body | map(.id) | sort | tostring] | sort
		| join(" ")' "$LOGDIR/bulk.json")" "then its two halves (sent at once, in either order)"
	expect_eq "2025-11-14T06:59:59Z" "$(a1 8004 .due_at)" "the dates saved"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "rollback"
}

# Canvas's current Api::Errors::Reporter (lib/api/errors.rb) gives a row's errors as
# {"errors": [{"field", "message", "error_code"}]}, not API.md 5.3's {field: [message]}: both are
# read. (The scripted answer stands in for the job's own; the sim's job still runs behind it.)
test_refusal_rows_in_the_errors_shape() {
	sim_start --seed "$(t_seed)"
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/progress/*", "count": 1, "action": "respond",
		"status": 200, "body": {"id": 1, "workflow_state": "failed", "completion": 100,
		"results": [{"assignment_id": 8004, "errors": [{"field": "due_at", "error_code": "invalid",
		"message": "must be between availability dates"}]}]}}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --course 701 "$LOGDIR/shift.yaml"
	expect_eq 1 "$RC" "apply exit code"
	expect_match "error: course 701, assignment 8004 'Quiz prep', due_at: Canvas refused the date: due_at: must be between availability dates" \
		"$(cat "$LOGDIR/apply.out.err")" "the reason from the errors array"
	bulk_updates >"$LOGDIR/bulk.json"
	expect_eq "[8001,8002,8003,8004] [8001,8002,8003]" "$(jq -r '[.[] | .body | map(.id) | sort | tostring]
		| join(" ")' "$LOGDIR/bulk.json")" "sent again without 8004"
}

test_rollback_that_skips_exits_nonzero_and_says_what_is_left() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	cat >"$LOGDIR/page.yaml" <<'EOF'
version: 1
courses: [702]
steps:
  - shift_dates: {days: 7}
  - pages:
      where: {url: spring-office-hours}
      create: true
      set: {title: Spring office hours, published: true}
EOF
	run apply.out apply --yes --journal "$LOGDIR/full.jsonl" "$LOGDIR/page.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 1 "$(state '[.courses[] | select(.id == 702) | .pages[]] | length')" "the page made"
	# the run as a kill between the page's POST and its answer leaves it: no outcome, no footer
	local s
	s=$(head -n 1 "$LOGDIR/full.jsonl" | jq '.plan.changes[] | select(.op == "create") | .seq')
	jq -c "select(.type != \"footer\" and (.type != \"outcome\" or .seq != $s))" "$LOGDIR/full.jsonl" \
		>"$LOGDIR/j.jsonl"
	chmod 600 "$LOGDIR/j.jsonl"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	state_snap back.json
	if diff -q "$LOGDIR/seed.json" "$LOGDIR/back.json" >/dev/null; then
		expect_eq 0 "$RC" "rollback that restored the seed ($(cat "$LOGDIR/rb.out.err"))"
		return 0
	fi
	# something is left: never exit 0; name it, and say what finishes it
	expect_eq 1 "$RC" "rollback exit code with the page left behind ($(tail -n 3 "$LOGDIR/rb.out"))"
	expect_match "error: not rolled back: course 702, page 'Spring office hours': " "$(cat "$LOGDIR/rb.out.err")" \
		"the skipped undo step named"
	expect_eq "Left: 1 skipped (1 of 2 changes not rolled back); next: coursectl apply --resume $LOGDIR/j.jsonl, then coursectl rollback $LOGDIR/j.jsonl" \
		"$(tail -n 1 "$LOGDIR/rb.out")" "the last line"
	# and those commands finish it
	run resume.out apply --yes --resume "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "apply --resume ($(cat "$LOGDIR/resume.out.err"))"
	run rb2.out rollback --yes --journal "$LOGDIR/r2.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "the second rollback ($(cat "$LOGDIR/rb2.out.err"))"
	state_snap back2.json
	state_same seed.json back2.json "after the commands the last line named"
}

test_clean_apply_and_rollback_exit_0() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --course 702 "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "Applied 1 change to 1 object; 0 failed; 0 conflicts" "$(tail -n 1 "$LOGDIR/apply.out")" "last line"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	expect_eq "Rolled back with 1 change to 1 object; 0 failed; 0 conflicts" "$(tail -n 1 "$LOGDIR/rb.out")" "last line"
	state_snap back.json
	state_same seed.json back.json "clean apply + rollback"
}
