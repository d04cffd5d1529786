# tests/e2e/t1202-schedule-text.sh -- `schedule: {text: ...}` (issue 19): the dates written in the
# text of the objects a schedule places, and in the syllabus's schedule table, move with the
# schedule. recipes/semester-schedule.yaml with `text: {from: Fall 2025}` over its seed, to which
# descriptions and a syllabus table with last fall's dates are added (America/New_York).
#
# Worked by hand from the calendar (t1200-schedule.sh has the new term's weeks), not from
# coursectl's output. Old term: Mon 2025-08-25 .. Fri 2025-12-12, weeks from 08-25 (1), 09-01 (2),
# 09-08 (3), 09-15 (4), 09-22 (5).
#   - Problem Set 3's description: its own due Thu Sep 11 and lock Sun Sep 14 (23:59 EDT) move with
#     its fields to Thu Jan 29 and Sat Jan 31 (the weekday follows).
#   - Week 4 Quiz's description (the quiz's, Canvas copies it to the assignment): its due Sat Sep 6
#     -> Fri Feb 6.
#   - Week 3 Discussion's message "Post by Tue 9/9": its due Tue Sep 9 -> Wed 1/28.
#   - Page "Week 10 Notes": its to-do date Mon Sep 1 -> Mon Mar 23 (its own field: the other
#     pages' Sep 1 moved elsewhere, so the course's table alone could not say).
#   - The syllabus table: "Thu, Aug 28" is Problem Set 1's old due date -> Thu, Jan 15; "Sat, Sep
#     6" the quiz's -> Fri, Feb 6; "Monday, September 1" was three pages' to-do date, moved apart,
#     so the old term decides: week 2 Monday -> week 2 Monday, MLK Day, moved after -> Tuesday,
#     January 20; "Wed, Sep 24" is no field's date: week 5 Wednesday -> Wed, Feb 11. "Monday,
#     December 15, 2025" is after the old term's last week: left as written and listed. "3/4 of
#     the grade" is not a date.

SCHED_SEED=$ROOT/recipes/semester-schedule/seed.json
SCHED_RECIPE=$ROOT/recipes/semester-schedule.yaml
SYLLABUS_OLD='<h2>Schedule</h2><table><tr><td>Week 1</td><td>Problem Set 1 due Thu, Aug 28</td></tr><tr><td>Week 2</td><td>No class Monday, September 1</td></tr><tr><td>Week 4</td><td>Week 4 Quiz closes Sat, Sep 6</td></tr><tr><td>Week 5</td><td>Midterm review Wed, Sep 24</td></tr></table><p>Final exam: Monday, December 15, 2025. 3/4 of the grade is homework.</p>'
SYLLABUS_NEW='<h2>Schedule</h2><table><tr><td>Week 1</td><td>Problem Set 1 due Thu, Jan 15</td></tr><tr><td>Week 2</td><td>No class Tuesday, January 20</td></tr><tr><td>Week 4</td><td>Week 4 Quiz closes Fri, Feb 6</td></tr><tr><td>Week 5</td><td>Midterm review Wed, Feb 11</td></tr></table><p>Final exam: Monday, December 15, 2025. 3/4 of the grade is homework.</p>'

t_seed() {
	jq --arg syl "$SYLLABUS_OLD" '.courses[0] |= (
		.syllabus_body = $syl
		| (.assignments[] | select(.id == 6203) | .description) = "<p>Due Thursday, September 11. Late work until Sun, Sep 14.</p>"
		| (.quizzes[] | select(.id == 6402) | .description) = "<p>Ten questions, closes Sat, Sep 6.</p>"
		| (.assignments[] | select(.id == 6302) | .description) = "<p>Ten questions, closes Sat, Sep 6.</p>"
		| (.discussion_topics[] | select(.id == 6501) | .message) = "<p>Post by Tue 9/9.</p>"
		| (.assignments[] | select(.id == 6351) | .description) = "<p>Post by Tue 9/9.</p>"
		| (.pages[] | select(.page_id == 6803) | .body) = "<p>Read the notes before Mon, Sep 1.</p>")' \
		"$SCHED_SEED" >"$LOGDIR/seed.json"
	echo "$LOGDIR/seed.json"
}

t_recipe() {   # TEXT-VALUE: the recipe with that text: line
	sed "s/^    schedule:\$/&\n      text: $1/" "$SCHED_RECIPE" >"$LOGDIR/r.yaml"
	echo "$LOGDIR/r.yaml"
}

sfield() {   # JQ-PATH-IN-COURSE
	state ".courses[] | select(.id == 6100) | $1"
}

test_schedule_moves_the_written_dates() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	# (Canvas keeps a quiz's and a graded topic's text on their assignments as well: the seed does)
	recipe=$(t_recipe '{from: {start: 2025-08-25, end: 2025-12-12}}')
	run plan.out plan --out "$LOGDIR/saved.json" --color never "$recipe"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	# the 85 date changes of t1200 and five text changes
	expect_eq "90" "$(jq -r '.summary.changes' "$LOGDIR/saved.json")" "changes"
	expect_eq "assignment 6203 description
course 6100 syllabus_body
discussion_topic 6501 message
page 6803 body
quiz 6402 description" \
		"$(jq -r '.changes[] | select(.note // "" | test("written in the text")) | "\(.kind) \(.id) \(.field)"' \
		"$LOGDIR/saved.json" | sort)" "text changes"
	expect_eq "$SYLLABUS_NEW" "$(jq -r '.changes[] | select(.field == "syllabus_body") | .after' "$LOGDIR/saved.json")" \
		"the syllabus as planned"
	expect_eq "4 dates written in the text" \
		"$(jq -r '.changes[] | select(.field == "syllabus_body") | .note' "$LOGDIR/saved.json")" "syllabus note"
	expect_eq "1" "$(jq '[.warnings[] | select(.message | test("the syllabus: .Monday, December 15, 2025. is left as written: it is no date of a field the schedule moved, and not in a teaching week of the old term"))] | length' \
		"$LOGDIR/saved.json")" "the final exam is listed, not guessed: $(jq -c .warnings "$LOGDIR/saved.json")"
	# apply: the simulator holds exactly the plan's values
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --color never "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "$SYLLABUS_NEW" "$(sfield .syllabus_body)" "the simulator's syllabus"
	expect_eq "<p>Due Thursday, January 29. Late work until Sat, Jan 31.</p>" \
		"$(sfield '.assignments[] | select(.id == 6203) | .description')" "Problem Set 3's description"
	expect_eq "2026-01-30T04:59:00Z 2026-02-01T04:59:00Z" \
		"$(sfield '.assignments[] | select(.id == 6203) | "\(.due_at) \(.lock_at)"')" "Problem Set 3's fields agree"
	expect_eq "<p>Ten questions, closes Fri, Feb 6.</p>" \
		"$(sfield '.quizzes[] | select(.id == 6402) | .description')" "the quiz's description"
	expect_eq "<p>Post by Wed 1/28.</p>" "$(sfield '.discussion_topics[] | select(.id == 6501) | .message')" \
		"the topic's message"
	expect_eq "<p>Ten questions, closes Fri, Feb 6.</p>" \
		"$(sfield '.assignments[] | select(.id == 6302) | .description')" "Canvas's copy on the quiz's assignment"
	expect_eq "<p>Read the notes before Mon, Mar 23.</p>" "$(sfield '.pages[] | select(.page_id == 6803) | .body')" \
		"the page's body"
	local kind id f after n=0 got
	while IFS=$'\t' read -r kind id f after; do
		case $kind in
		course) got=$(sfield ".$f") ;;
		assignment) got=$(sfield ".assignments[] | select(.id == $id) | .$f") ;;
		quiz) got=$(sfield ".quizzes[] | select(.id == $id) | .$f") ;;
		discussion_topic) got=$(sfield ".discussion_topics[] | select(.id == $id) | .$f") ;;
		page) got=$(sfield ".pages[] | select(.page_id == $id) | .$f") ;;
		module) got=$(sfield ".modules[] | select(.id == $id) | .$f") ;;
		assignment_override) continue ;;   # t1200 checks them
		*) fail "unexpected kind $kind" ;;
		esac
		expect_eq "$after" "$got" "simulator's $kind $id $f after apply"
		n=$((n + 1))
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after] | @tsv' "$LOGDIR/saved.json")
	expect_eq 87 "$n" "changes checked in the simulator"
	# planning again finds nothing to do, and the moved text is not listed
	run again.out plan --color never --format json "$recipe"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/again.out")" "changes when planned again"
	expect_eq 1 "$(jq '.warnings | length' "$LOGDIR/again.out")" "warnings when planned again: $(jq -c .warnings "$LOGDIR/again.out")"
	# rollback gives the seed back
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of the schedule with its text"
}

test_without_an_old_term_unknown_dates_are_listed() {
	sim_start --seed "$(t_seed)"
	recipe=$(t_recipe 'true')
	run plan.json plan --format json "$recipe"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	# the objects' own dates and the ones the course's table knows still move; the two the old
	# term would have placed are listed
	expect_eq "<p>Due Thursday, January 29. Late work until Sat, Jan 31.</p>" \
		"$(jq -r '.changes[] | select(.id == 6203 and .field == "description") | .after' "$LOGDIR/plan.json")" \
		"own dates"
	expect_match "Problem Set 1 due Thu, Jan 15.*No class Monday, September 1.*closes Fri, Feb 6.*review Wed, Sep 24" \
		"$(jq -r '.changes[] | select(.field == "syllabus_body") | .after' "$LOGDIR/plan.json")" "the syllabus"
	expect_match "'Monday, September 1' is left as written: the dates on that day moved to different days" \
		"$(jq -r '.warnings[].message' "$LOGDIR/plan.json")" "ambiguous day listed"
	expect_match "'Wed, Sep 24' is left as written: it is no date of a field the schedule moved, and the step gives no old term" \
		"$(jq -r '.warnings[].message' "$LOGDIR/plan.json")" "unknown day listed"
}

test_text_off_leaves_the_text() {
	sim_start --seed "$(t_seed)"
	run plan.json plan --format json "$SCHED_RECIPE"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq 0 "$(jq '[.changes[] | select(.field | test("description|body|message|name|title"))] | length' \
		"$LOGDIR/plan.json")" "text changes without text:"
}

test_validate_checks_text() {
	sed "s/^    schedule:\$/&\n      text: {locale: xx, from: {start: 2025-12-12, end: 2025-08-25}, when: now}/" "$SCHED_RECIPE" \
		>"$LOGDIR/r.yaml"
	RC=0
	"$COURSECTL" validate "$LOGDIR/r.yaml" >"$LOGDIR/v.out" 2>&1 || RC=$?
	expect_eq 1 "$RC" "validate exit code"
	grep -q "'text.locale'" "$LOGDIR/v.out" || fail "locale: $(cat "$LOGDIR/v.out")"
	grep -q "'text.from.end' must be after 'text.from.start'" "$LOGDIR/v.out" || fail "from: $(cat "$LOGDIR/v.out")"
	grep -q "when" "$LOGDIR/v.out" || fail "unknown key: $(cat "$LOGDIR/v.out")"
}
