# tests/e2e/t0953-conflicts.sh -- conflicts a person can act on, and dates that say why they moved
# (issue 16).
#
# Seed: tests/fixtures/plan-seed.json with dates on course 4821's three assignments (a variant:
# unlock and lock dates on 7101 and 7102), so a one-week shift_dates plans three dates on each of
# them, one on 7103 and the course's own two. Course 4821's zone is America/New_York.
# Cases, each failing on the code before issue 16:
#   - a saved plan applied after a teacher changed several fields of two assignments and put a
#     third assignment's due date where the plan would: the conflicts are one report on stdout,
#     grouped per course and object, each changed field with what the plan found, what Canvas has
#     now and what the plan would write, dates in the course's zone; the fields held back with
#     them are named; the closing line says `coursectl plan RECIPE` or `apply --resume J --force`
#     and what --force would write over (3 fields of 2 objects); no warning per conflict on stderr;
#     "Applied" counts only the changes written (the course's two dates), the due date found in
#     place is "1 already in place" (text and --format json); the sim's state shows the teacher's
#     values kept and the course written;
#   - a date a blackout moved carries the blackout and the day it would have landed on in its
#     note, in the text, Markdown and JSON plans; a fancy-midnight note follows it (a topic's lock
#     date moved onto a midnight).

PLAN_SEED=$FIXTURES/plan-seed.json

seed() {
	local out=$LOGDIR/seed.json
	jq '(.courses[] | select(.id == 4821) | .assignments) |= map(
		if .id == 7101 then .unlock_at = "2025-09-01T04:00:00Z" | .lock_at = "2025-09-08T03:59:59Z"
		elif .id == 7102 then .unlock_at = "2025-09-08T04:00:00Z" | .lock_at = "2025-09-15T03:59:59Z"
		elif .id == 7103 then .due_at = "2025-09-20T03:59:59Z"
		else . end)
		| (.courses[] | select(.id == 4821) | .discussion_topics[] | select(.id == 7301) | .lock_at)
			= "2025-09-13T04:00:00Z"' "$PLAN_SEED" >"$out"
	echo "$out"
}

# recipe ONLY [MORE]: a one-week shift of course 4821's ONLY (kinds) and its own dates
recipe() {
	cat >"$LOGDIR/recipe.yaml" <<EOF
version: 1
courses: [4821]
steps:
  - name: One week later
    shift_dates:
      days: 7
      only: [$1]
      course_dates: true
${2:-}
EOF
}

# assignment ID FIELD: the sim's value
assignment() {
	state ".courses[] | select(.id == 4821) | .assignments[] | select(.id == $1) | .$2"
}

teacher_edits() {
	api PUT /api/v1/courses/4821/assignments/7101 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2025-09-09T16:00:00Z", "lock_at": "2025-09-11T03:59:59Z"}}'
	expect_status 200
	api PUT /api/v1/courses/4821/assignments/7102 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2025-09-14T03:59:59Z"}}'
	expect_status 200
	# 7103's due date already where the plan puts it (one week on): no write needed
	api PUT /api/v1/courses/4821/assignments/7103 -H 'Content-Type: application/json' \
		-d '{"assignment": {"due_at": "2025-09-27T03:59:59Z"}}'
	expect_status 200
}

test_conflicts_grouped_with_the_next_step() {
	sim_start --seed "$(seed)"
	recipe assignments
	run plan.out plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.out.err"))"
	expect_eq 9 "$(jq '.changes | length' "$LOGDIR/plan.json")" "planned changes"
	teacher_edits
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	local out
	out=$(cat "$LOGDIR/apply.out")
	# one heading, then the course, then one block per object with its fields
	expect_match 'Changed in Canvas since the plan, so not written: 3 fields of 2 objects' "$out" "the heading"
	[ "$(grep -c '^Course 4821 ' "$LOGDIR/apply.out")" = 2 ] || fail "the course once in the plan, once in the report: $out"
	expect_eq 1 "$(grep -c '^  ~ assignment 7101 "Lab 1: Measurement"$' "$LOGDIR/apply.out")" "7101 one heading"
	expect_eq 1 "$(grep -c '^  ~ assignment 7102 "Problem Set 1"$' "$LOGDIR/apply.out")" "7102 one heading"
	# 7101's due date: planned before, Canvas now, plan writes -- in the course's zone
	sed -n '/^Changed in Canvas since the plan/,$p' "$LOGDIR/apply.out" >"$LOGDIR/report"
	grep -A4 '^  ~ assignment 7101 ' "$LOGDIR/report" >"$LOGDIR/a7101"
	expect_eq '      due_at' "$(sed -n 2p "$LOGDIR/a7101")" "7101 due_at line"
	expect_eq '        planned before  Fri 2025-09-05 23:59:59 EDT (2025-09-06T03:59:59Z)' \
		"$(sed -n 3p "$LOGDIR/a7101")" "planned before, local"
	expect_eq '        Canvas now      Tue 2025-09-09 12:00:00 EDT (2025-09-09T16:00:00Z)' \
		"$(sed -n 4p "$LOGDIR/a7101")" "Canvas now, local"
	expect_eq '        plan writes     Fri 2025-09-12 23:59:59 EDT (2025-09-13T03:59:59Z)' \
		"$(sed -n 5p "$LOGDIR/a7101")" "plan writes, local"
	expect_eq '      held back with it (unchanged in Canvas): unlock_at' \
		"$(grep -A9 '^  ~ assignment 7101 ' "$LOGDIR/report" | sed -n 10p)" "7101's unchanged field named"
	expect_match 'held back with it \(unchanged in Canvas\): unlock_at, lock_at' \
		"$(grep -A6 '^  ~ assignment 7102 ' "$LOGDIR/report")" "7102's unchanged fields named"
	# no UTC-only warning per conflict any more
	if grep -q 'changed in Canvas since the plan: it is' "$LOGDIR/apply.out.err"; then
		fail "a warning per conflict: $(cat "$LOGDIR/apply.out.err")"
	fi
	# the summary counts only what was written; the closing line says what to do
	expect_eq 'Applied 2 changes to 1 object; 1 already in place; 0 failed; 6 conflicts' \
		"$(grep '^Applied ' "$LOGDIR/apply.out")" "summary"
	local last
	last=$(tail -n 1 "$LOGDIR/apply.out")
	expect_match "^Left: 6 conflicts \(6 of 9 changes not applied\); next: coursectl plan $LOGDIR/recipe.yaml to plan again" \
		"$last" "the closing line names the re-plan"
	expect_match "coursectl apply --resume $LOGDIR/j.jsonl --force to write over the 3 fields of 2 objects changed in Canvas" \
		"$last" "the closing line says what --force overwrites"
	# Canvas: the teacher's values kept, the course's dates written, 7103 as the teacher left it
	expect_eq 2025-09-09T16:00:00Z "$(assignment 7101 due_at)" "7101 due_at kept"
	expect_eq 2025-09-01T04:00:00Z "$(assignment 7101 unlock_at)" "7101 unlock_at held back"
	expect_eq 2025-09-14T03:59:59Z "$(assignment 7102 due_at)" "7102 due_at kept"
	expect_eq 2025-09-27T03:59:59Z "$(assignment 7103 due_at)" "7103 in place"
	expect_eq 2025-09-01T04:00:00Z "$(state '.courses[] | select(.id == 4821) | .start_at')" "the course written"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and (.path | test("bulk_update")))] | length')" \
		"no bulk update: every assignment date was a conflict or in place"
	# --format json, from the start again: the same counts, one field more each
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	teacher_edits
	run apply2.out apply --yes --format json --journal "$LOGDIR/j2.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply --format json ($(cat "$LOGDIR/apply2.out.err"))"
	expect_eq '3 2 1 1 6' "$(jq -r '.summary | "\(.done) \(.written) \(.already_in_place) \(.objects_written) \(.conflicts)"' \
		"$LOGDIR/apply2.out")" "json: done, written, already in place, objects written, conflicts"
}

test_blackout_moves_carry_their_reason() {
	sim_start --seed "$(seed)"
	# 7102 is due Fri 2025-09-12 23:59:59 EDT; a week on is Fri 09-19, inside the blackout
	recipe "assignments, discussions" "      blackouts:
        - {start: 2025-09-19, end: 2025-09-21}"
	run plan.txt plan "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.txt.err"))"
	grep -A3 '^  ~ assignment 7102 ' "$LOGDIR/plan.txt" >"$LOGDIR/a7102"
	expect_match 'due_at  moved out of the blackout 2025-09-19 to 2025-09-21: it would have landed on Fri 2025-09-19' \
		"$(cat "$LOGDIR/a7102")" "the text plan says why"
	expect_match 'Mon 2025-09-22 23:59:59 EDT' "$(cat "$LOGDIR/a7102")" "and where it went"
	run plan.json plan --format json "$LOGDIR/recipe.yaml"
	expect_eq 'moved out of the blackout 2025-09-19 to 2025-09-21: it would have landed on Fri 2025-09-19' \
		"$(jq -r '.changes[] | select(.id == 7102 and .field == "due_at") | .note' "$LOGDIR/plan.json")" "the JSON note"
	expect_eq null "$(jq -r '.changes[] | select(.id == 7101 and .field == "due_at") | .note' "$LOGDIR/plan.json")" \
		"a date the blackout did not move has no note"
	# topic 7301 locks Sat 09-13 00:00: a week on is in the blackout, and the Monday after it is
	# midnight, which Canvas stores as 23:59:59 (plan_midnight.c): both reasons, in that order
	expect_match '^moved out of the blackout 2025-09-19 to 2025-09-21: it would have landed on Sat 2025-09-20; .*23:59:59' \
		"$(jq -r '.changes[] | select(.id == 7301 and .field == "lock_at") | .note' "$LOGDIR/plan.json")" \
		"the blackout's note and the fancy-midnight note"
	run plan.md plan --format markdown "$LOGDIR/recipe.yaml"
	expect_match 'moved out of the blackout 2025-09-19 to 2025-09-21' "$(cat "$LOGDIR/plan.md")" "the Markdown plan"
}
