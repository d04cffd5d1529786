# tests/e2e/t0941-fancy-midnight.sh -- the plan predicts Canvas's "fancy midnight" (issue 15).
#
# Canvas stores a due or lock date that is exactly 00:00:00 as 23:59:59 of that day
# (CanvasTime.fancy_midnight), judged in the TOKEN USER's zone (ApplicationController#set_time_zone),
# which GET /api/v1/users/self/profile answers as `time_zone`. Where, in today's canvas-lms: an
# override's due_at and lock_at on every write (AssignmentOverride#due_at=, #lock_at=), the
# bulk_update apply uses included; an assignment's own dates only through the single create or
# update (Api::V1::Assignment#update_from_params calls Assignment#infer_times, which is no save
# callback), so NOT through bulk_update; a quiz's own dates only when sent as a bare date; a
# discussion's or announcement's lock_at in the COURSE's zone (DiscussionTopic#default_values).
# Before issue 15 the planner predicted none of it, so a shift that landed an override's due date on
# the user's midnight was planned as 00:00, stored as 23:59:59, and failed apply's read-back; and
# canvas-sim fancied bulk_update's base dates and every quiz date, which Canvas does not.
#
# Seed (t_seed): course 960 in Australia/Sydney, the token user in America/Denver. `shift_dates
# {days: 14}` keeps the Sydney wall-clock time: 17:00 AEDT on Tue 2026-02-24 becomes 17:00 AEDT on
# Tue 2026-03-10, which is 00:00 MDT in Denver (Denver is on daylight time from 03-08, Sydney still
# on AEDT). Canvas stores an override's date there as 23:59:59 MDT: 16:59:59 on WEDNESDAY in Sydney.
#   - assignment 9601: due_at, unlock_at and lock_at land on Denver midnight; written through
#     bulk_update, they are stored as sent (planned as is, no note);
#   - its section override 9701: due_at and lock_at predicted 23:59:59 with the note, unlock_at as is;
#   - assignment 9602 (23:59:59 Sydney): a control;
#   - ungraded survey 9621 (dates on the quiz itself): due_at on Denver midnight, stored as sent;
#   - calendar event 9641 starting on Denver midnight: not affected;
#   - topic 9631 and announcement 9651: lock_at judged in the course's zone (topics_recipe).
# The where: range makes the recipe idempotent (after apply no date is before 2026-03-01).
# Cases (all but the sim's fail on the planner before issue 15; the sim's on the sim before it):
#   - plan shows 23:59:59 with the note naming the zone and the way out, in text and in JSON, and
#     reads the profile exactly once;
#   - apply exits 0, the sim holds exactly the planned values; a second plan is empty; rollback
#     restores exactly the seed;
#   - a discussion's and an announcement's lock_at on the course's midnight, predicted in the
#     course's zone without reading the profile, applied, rolled back;
#   - canvas-sim: the profile answers the user's zone, else the account's default_time_zone;
#   - the profile is not read when the plan has no such date, and a profile that cannot be read
#     stops the plan with an error that says why it was needed.

cc() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@" --url "$SIM_URL"
}

# run OUT ARGS...: coursectl with stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err; sets RC.
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
  "user_time_zone": "America/Denver",
  "courses": [
    {"id": 960, "name": "Writing", "course_code": "WRIT 101", "time_zone": "Australia/Sydney",
     "workflow_state": "unpublished", "modules": [], "pages": [],
     "discussion_topics": [
       {"id": 9631, "title": "Week 1 forum", "message": "<p>Hi</p>", "published": true,
        "delayed_post_at": null, "lock_at": "2026-02-24T14:00:00Z", "todo_date": null}
     ],
     "announcements": [
       {"id": 9651, "title": "Welcome", "message": "<p>Welcome</p>", "published": true,
        "delayed_post_at": null, "lock_at": "2026-02-24T14:00:00Z"}
     ],
     "assignments": [
       {"id": 9601, "name": "Essay 1", "due_at": "2026-02-24T06:00:00Z", "unlock_at": "2026-02-24T06:00:00Z",
        "lock_at": "2026-02-26T06:00:00Z", "published": true, "points_possible": 10,
        "overrides": [{"id": 9701, "title": "Section 2", "course_section_id": 9702,
                       "due_at": "2026-02-24T06:00:00Z", "unlock_at": "2026-02-24T06:00:00Z",
                       "lock_at": "2026-02-26T06:00:00Z"}]},
       {"id": 9602, "name": "Essay 2", "due_at": "2026-02-27T12:59:59Z", "unlock_at": null, "lock_at": null,
        "published": true, "points_possible": 10}
     ],
     "quizzes": [
       {"id": 9621, "title": "Reading survey", "quiz_type": "survey", "points_possible": 0,
        "due_at": "2026-02-24T06:00:00Z", "unlock_at": null, "lock_at": null, "published": true}
     ],
     "calendar_events": [
       {"id": 9641, "title": "Office hour", "start_at": "2026-02-24T06:00:00Z", "end_at": "2026-02-24T07:00:00Z",
        "all_day": false, "workflow_state": "active"}
     ]}
  ]
}
EOF
	cat >"$LOGDIR/shift.yaml" <<'EOF'
version: 1
description: two weeks later
courses: [960]
steps:
  - name: Two weeks later
    shift_dates:
      days: 14
      only: [assignments, quizzes, calendar_events]
      where: {dates: {before: 2026-03-01}}
EOF
	echo "$LOGDIR/seed.json"
}

# A discussion's or announcement's lock_at: Canvas judges midnight in the COURSE's zone
# (DiscussionTopic#default_values). Shifted in Denver's wall-clock time (the step's time_zone),
# 07:00 MST on 02-24 (01:00 AEDT 02-25 in Sydney) becomes 07:00 MDT on 03-10, which is 00:00 AEDT
# on 03-11 in Sydney: stored as 23:59:59 AEDT that day.
topics_recipe() {
	cat >"$LOGDIR/topics.yaml" <<'EOF'
version: 1
courses: [960]
steps:
  - name: Forums two weeks later, Denver time
    shift_dates:
      days: 14
      time_zone: America/Denver
      only: [discussions, announcements]
      where: {dates: {before: 2026-03-01}}
EOF
}

# profile_reads: how many times the profile was asked for
profile_reads() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.path == "/api/v1/users/self/profile")] | length'
}

# after KIND ID FIELD: the planned after of a change in plan.json
after() {
	jq -r ".changes[] | select(.kind == \"$1\" and .id == $2 and .field == \"$3\") | .after" "$LOGDIR/plan.json"
}

note() {
	jq -r ".changes[] | select(.kind == \"$1\" and .id == $2 and .field == \"$3\") | .note // \"\"" "$LOGDIR/plan.json"
}

test_plan_predicts_fancy_midnight_in_the_users_zone() {
	sim_start --seed "$(t_seed)"
	run plan.txt plan "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.txt.err"))"
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan --format json exit code"
	expect_eq 2 "$(profile_reads)" "the profile read once per run (two runs)"
	# an override's due and lock dates on Denver midnight: 23:59:59 Denver, the next day in Sydney
	expect_eq "2026-03-11T05:59:59Z" "$(after assignment_override 9701 due_at)" "9701 due_at"
	expect_eq "2026-03-13T05:59:59Z" "$(after assignment_override 9701 lock_at)" "9701 lock_at"
	# Canvas leaves these alone: an assignment's own dates written by bulk_update, unlock_at, a
	# quiz's own date-time, a calendar event, a time that is not midnight
	expect_eq "2026-03-10T06:00:00Z" "$(after assignment 9601 due_at)" "9601 due_at"
	expect_eq "2026-03-12T06:00:00Z" "$(after assignment 9601 lock_at)" "9601 lock_at"
	expect_eq "2026-03-10T06:00:00Z" "$(after quiz 9621 due_at)" "survey 9621 due_at"
	expect_eq "2026-03-10T06:00:00Z" "$(after assignment 9601 unlock_at)" "9601 unlock_at"
	expect_eq "2026-03-10T06:00:00Z" "$(after assignment_override 9701 unlock_at)" "9701 unlock_at"
	expect_eq "2026-03-10T06:00:00Z" "$(after calendar_event 9641 start_at)" "event 9641 start_at"
	expect_eq "2026-03-13T12:59:59Z" "$(after assignment 9602 due_at)" "9602 due_at"
	expect_eq "" "$(note assignment 9601 due_at)$(note assignment 9601 lock_at)$(note assignment 9601 unlock_at)$(note calendar_event 9641 start_at)$(note assignment 9602 due_at)$(note quiz 9621 due_at)" \
		"no note where Canvas stores the value as planned"
	# the note: what, in which zone, how to avoid it
	expect_eq "Canvas stores midnight as 23:59:59 in your profile's zone America/Denver: due_at Tue 2026-03-10 00:00:00 MDT is stored as Tue 2026-03-10 23:59:59 MDT; set the time to 00:01 or change the recipe to keep it" \
		"$(note assignment_override 9701 due_at)" "the note in JSON"
	expect_eq 2 "$(jq '[.changes[] | select(.note // "" | test("^Canvas stores midnight as 23:59:59 in your profile.s zone America/Denver"))] | length' \
		"$LOGDIR/plan.json")" "two dates carry the note"
	# the text plan: the Sydney local value (Wednesday 16:59:59) and the note on the line
	expect_match "due_at .*Canvas stores midnight as 23:59:59 in your profile's zone America/Denver: due_at Tue 2026-03-10 00:00:00 MDT is stored as Tue 2026-03-10 23:59:59 MDT; set the time to 00:01 or change the recipe to keep it" \
		"$(cat "$LOGDIR/plan.txt")" "the note in the text plan"
	expect_match "Wed 2026-03-11 16:59:59 AEDT" "$(cat "$LOGDIR/plan.txt")" "the stored value in the course's time"
	run plan.md plan --format markdown "$LOGDIR/shift.yaml"
	expect_match "in your profile's zone America/Denver" "$(cat "$LOGDIR/plan.md")" "the note in markdown"
}

test_apply_reads_back_the_plan_and_rollback_restores_the_seed() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	run plan.json plan --format json --out "$LOGDIR/saved.json" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 0 "$(grep -c 'stored' "$LOGDIR/apply.out.err" || true)" "no read-back failure"
	# every planned change is what the sim holds
	local c kind id field want got path n=0
	while IFS=$'\t' read -r kind id field want parent; do
		case $kind in
		assignment) path=".courses[].assignments[] | select(.id == $id)" ;;
		assignment_override) path=".courses[].assignments[] | select(.id == $parent) | .overrides[] | select(.id == $id)" ;;
		quiz) path=".courses[].quizzes[] | select(.id == $id)" ;;
		calendar_event) path=".courses[].calendar_events[] | select(.id == $id)" ;;
		*) fail "unexpected kind $kind" ;;
		esac
		got=$(state "$path | .$field")
		expect_eq "$want" "$got" "$kind $id $field in the sim"
		n=$((n + 1))
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after, (.parent // "" | tostring)] | @tsv' \
		"$LOGDIR/plan.json")
	expect_eq 10 "$n" "changes checked"
	# the journal's outcomes: all done, none stored otherwise
	expect_eq 0 "$(jq -s '[.[] | select(.type == "outcome" and .state != "done")] | length' "$LOGDIR/j.jsonl")" \
		"every outcome done"
	# a second plan finds nothing to do
	run plan2.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "second plan exit code"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/plan2.json")" "the second plan is empty"
	# rollback: exactly the seed
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of a shift onto the user's midnight"
	# the saved plan, applied: the same read-back
	run apply2.out apply --yes --journal "$LOGDIR/j2.jsonl" "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply of the saved plan ($(cat "$LOGDIR/apply2.out.err"))"
	expect_eq "2026-03-11T05:59:59Z" "$(state '.courses[].assignments[] | select(.id == 9601) | .overrides[0].due_at')" \
		"override due date from the saved plan"
}

test_topic_lock_at_is_judged_in_the_course_zone() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	topics_recipe
	run plan.json plan --format json "$LOGDIR/topics.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-03-11T12:59:59Z" "$(after discussion_topic 9631 lock_at)" "topic lock_at"
	expect_eq "2026-03-11T12:59:59Z" "$(after announcement 9651 lock_at)" "announcement lock_at"
	expect_match "^Canvas stores midnight as 23:59:59 in the course's zone Australia/Sydney: lock_at Wed 2026-03-11 00:00:00 AEDT is stored as Wed 2026-03-11 23:59:59 AEDT" \
		"$(note discussion_topic 9631 lock_at)" "the note names the course's zone"
	expect_eq 0 "$(profile_reads)" "no profile needed for these"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/topics.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "2026-03-11T12:59:59Z 2026-03-11T12:59:59Z" \
		"$(state '"\(.courses[0].discussion_topics[0].lock_at) \(.courses[0].announcements[0].lock_at)"')" "in the sim"
	run plan2.json plan --format json "$LOGDIR/topics.yaml"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/plan2.json")" "the second plan is empty"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of the forums"
}

test_sim_profile_zone_and_account_default() {
	sim_start --seed "$(t_seed)"
	api GET /api/v1/users/self/profile
	expect_status 200
	expect_eq "9001 America/Denver" "$(jb '"\(.id) \(.time_zone)"')" "the user's zone"
	# no user zone: the root account's default, which fancy midnight then uses
	jq 'del(.user_time_zone) | .default_time_zone = "Australia/Sydney"' "$LOGDIR/seed.json" >"$LOGDIR/seed2.json"
	sim_post /__sim/seed "$(cat "$LOGDIR/seed2.json")"
	api GET /api/v1/users/self/profile
	expect_eq "Australia/Sydney" "$(jb .time_zone)" "the account's default zone"
	api PUT /api/v1/courses/960/assignments/9602 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2026-03-01T13:00:00Z", "unlock_at": "2026-02-28T13:00:00Z"}}'
	expect_status 200
	expect_eq "2026-03-02T12:59:59Z 2026-02-28T13:00:00Z" "$(jb '"\(.due_at) \(.unlock_at)"')" \
		"midnight in the default zone: due_at moved, unlock_at not"
	# the assignment's own dates: fancied by the single update, not by bulk_update; an override's
	# by both
	api PUT /api/v1/courses/960/assignments/bulk_update -H 'Content-Type: application/json' \
		-d '[{"id": 9601, "all_dates": [{"base": true, "due_at": "2026-03-02T13:00:00Z", "lock_at": "2026-03-03T13:00:00Z"},
		     {"id": 9701, "due_at": "2026-03-02T13:00:00Z", "unlock_at": "2026-02-24T06:00:00Z",
		      "lock_at": "2026-03-03T13:00:00Z"}]}]'
	expect_status 200
	local pid i
	pid=$(jb .id)
	for i in $(seq 1 40); do
		api GET "/api/v1/progress/$pid"
		[ "$(jb .workflow_state)" = completed ] && break
		sleep 0.05
	done
	expect_eq completed "$(jb .workflow_state)" "the bulk update's job"
	expect_eq "2026-03-02T13:00:00Z 2026-03-03T13:00:00Z" "$(state '.courses[0].assignments[0] | "\(.due_at) \(.lock_at)"')" "bulk base: stored as sent"
	expect_eq "2026-03-03T12:59:59Z 2026-03-04T12:59:59Z" \
		"$(state '.courses[0].assignments[0].overrides[0] | "\(.due_at) \(.lock_at)"')" "bulk override: fancied"
	# a rewrite script: Canvas storing a value in another form, for the tests that need one
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/960/assignments/9602", "action": "rewrite",
		"from": "2026-03-05T01:00:00Z", "to": "2026-03-05T02:00:00Z"}'
	api PUT /api/v1/courses/960/assignments/9602 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2026-03-05T01:00:00Z"}}'
	expect_eq "2026-03-05T02:00:00Z" "$(state '.courses[0].assignments[1].due_at')" "rewritten"
	api PUT /api/v1/courses/960/assignments/9602 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2026-03-05T01:00:00Z"}}'
	expect_eq "2026-03-05T01:00:00Z" "$(state '.courses[0].assignments[1].due_at')" "once (count 1)"
	# neither: UTC
	jq 'del(.user_time_zone)' "$LOGDIR/seed.json" >"$LOGDIR/seed3.json"
	sim_post /__sim/seed "$(cat "$LOGDIR/seed3.json")"
	api GET /api/v1/users/self/profile
	expect_eq "UTC" "$(jb .time_zone)" "no zone at all"
}

test_profile_read_only_when_needed_and_a_failure_is_an_error() {
	sim_start --seed "$(t_seed)"
	cat >"$LOGDIR/events.yaml" <<'EOF'
version: 1
courses: [960]
steps:
  - name: Events only
    shift_dates: {days: 14, only: [calendar_events]}
EOF
	run ev.json plan --format json "$LOGDIR/events.yaml"
	expect_eq 0 "$RC" "plan exit code"
	expect_eq 2 "$(jq '.changes | length' "$LOGDIR/ev.json")" "the event's two dates"
	expect_eq 0 "$(profile_reads)" "no profile read for a plan without due or lock dates"
	# the profile cannot be read: the plan stops and says why it needed it
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/users/self/profile", "count": -1,
		"action": "respond", "status": 500, "body": {"errors": [{"message": "An error occurred"}]}}'
	run fail.out plan "$LOGDIR/shift.yaml"
	expect_eq 1 "$RC" "plan exit code when the profile fails"
	expect_match "cannot read your profile's time zone, which Canvas judges due and lock dates at midnight in" \
		"$(cat "$LOGDIR/fail.out.err")" "the error says why"
	expect_eq "" "$(cat "$LOGDIR/fail.out")" "no plan printed"
}
