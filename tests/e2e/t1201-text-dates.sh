# tests/e2e/t1201-text-dates.sh -- `shift_dates: {text: true}` (issue 19 item 2): a term rollover
# moves the dates written in names, titles and HTML bodies with the same mapping as the fields,
# and lists what it will not guess.
#
# Seed (t_seed): course 901, America/Chicago, Fall 2025 (Mon 2025-08-25 .. Fri 2025-12-12), with
# module names "Week 1 (Aug 25–29)" and a text header, a page sentence "due Friday, September 5", a syllabus table,
# an assignment whose name and description carry its due date, a discussion "week of 9/8". The
# recipe maps the term onto one starting Mon 2026-01-12 with the old length (so +140 days, 20 weeks:
# every weekday stays) and a spring break 2026-03-16..20 that dates move out of (to Sat 03-21).
# Worked by hand from the calendar, not from coursectl's output:
#   Sep 5 (Fri) -> Jan 23 (Fri); Sep 8–12 -> Jan 26–30; Aug 25–29 -> Jan 12–16; 9/2 -> 1/20;
#   9/10 (Wed) -> 1/28; 9/12 -> 1/30; Nov 27–28 -> Apr 16–17; Mon Dec 15, 2025 -> Mon May 4, 2026;
#   Thu Oct 30 -> Thu Mar 19, in the break -> Sat Mar 21 (the written weekday follows: "Saturday").
# Left as written and listed as warnings: "Friday, September 4" (the 4th was a Thursday) and the
# page title "Exam review (Dec 15)" (a title change would change the page's url).
#
# Cases:
#   - plan lists every text change with its note and the two warnings; apply makes canvas-sim hold
#     exactly the plan's values; no old-term date is left in any name or body except the two listed;
#     the due date field and the text agree; rollback restores the seed;
#   - without text: the same rollover leaves every name and body alone (the switch is opt-in).

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "courses": [
    {"id": 901, "name": "Writing 101", "course_code": "WRIT 101", "time_zone": "America/Chicago",
     "workflow_state": "available", "start_at": "2025-08-25T05:00:00Z", "end_at": "2025-12-13T05:59:59Z",
     "syllabus_body": "<h2>Schedule</h2><table><tr><th>Week</th><th>Dates</th><th>Topic</th></tr><tr><td>1</td><td>Aug 25–29</td><td>Introduction</td></tr><tr><td>2</td><td>9/2</td><td>Labor Day week</td></tr><tr><td>3</td><td>Sep 8–12</td><td>Essay 2 due Fri 9/12</td></tr></table><p>Final exam: Monday, December 15, 2025, 10:30 AM. Thanksgiving break Nov 27–28.</p>",
     "announcements": [], "calendar_events": [], "quizzes": [],
     "modules": [
       {"id": 301, "name": "Week 1 (Aug 25–29)", "position": 1, "unlock_at": null, "published": true,
        "require_sequential_progress": false, "prerequisite_module_ids": [], "items": []},
       {"id": 302, "name": "Week 3 (Sep 8–12)", "position": 2, "unlock_at": null, "published": true,
        "require_sequential_progress": false, "prerequisite_module_ids": [], "items": [
          {"id": 3021, "title": "Essay 1 due Fri, Sep 5", "position": 1, "indent": 0, "type": "SubHeader",
           "published": true},
          {"id": 3022, "title": "Essay 1 (due Sep 5)", "position": 2, "indent": 1, "type": "Assignment",
           "content_id": 501, "published": true}]}
     ],
     "pages": [
       {"page_id": 401, "url": "week-3-reading", "title": "Week 3 reading", "published": true,
        "front_page": false, "editing_roles": "teachers", "todo_date": null, "publish_at": null,
        "body": "<p>Read chapter 9.5 before class. The essay is due Friday, September 5 at 11:59pm; 3/4 of the class finished early.</p><p><a href=\"https://example.edu/cal/2025/9/5\" title=\"Sep 5\">calendar for Sep 5</a></p>"},
       {"page_id": 402, "url": "exam-review-dec-15", "title": "Exam review (Dec 15)", "published": true,
        "front_page": false, "editing_roles": "teachers", "todo_date": null, "publish_at": null,
        "body": "<p>Review on Monday, December 15. Office hours Friday, September 4.</p>"}
     ],
     "assignments": [
       {"id": 501, "name": "Essay 1 (due Sep 5)", "description": "<p>Submit by Friday, September 5.</p>",
        "due_at": "2025-09-06T04:59:00Z", "unlock_at": null, "lock_at": null, "points_possible": 10,
        "submission_types": ["online_upload"], "published": true},
       {"id": 502, "name": "Project", "description": "<p>Due Thursday, October 30, in class.</p>",
        "due_at": "2025-10-31T04:59:00Z", "unlock_at": null, "lock_at": null, "points_possible": 50,
        "submission_types": ["online_upload"], "published": true}
     ],
     "discussion_topics": [
       {"id": 601, "title": "Discussion: week of 9/8", "message": "<p>Post by Wed 9/10, reply by Fri 9/12.</p>",
        "discussion_type": "threaded", "delayed_post_at": null, "lock_at": null, "todo_date": null,
        "published": true, "pinned": false, "require_initial_post": false}
     ]}
  ]
}
EOF
	echo "$LOGDIR/seed.json"
}

t_recipe() {
	cat >"$LOGDIR/r.yaml" <<EOF
version: 1
courses: [901]
steps:
  - name: Fall to spring
    shift_dates:
      from: {start: 2025-08-25, end: 2025-12-12}
      to: {start: 2026-01-12}
      blackouts: [{start: 2026-03-16, end: 2026-03-20}]
      $1
EOF
}

# every name and HTML body of the course, tags stripped, one a line
texts() {
	state '.courses[0] | ([.modules[].name, .modules[].items[].title, .pages[].title, .pages[].body, .assignments[].name,
		.assignments[].description, .discussion_topics[].title, .discussion_topics[].message, .syllabus_body]
		| .[])' | sed 's/<[^>]*>/ /g'
}

test_rollover_moves_written_dates() {
	sim_start --seed "$(t_seed)"
	state_snap seed.json
	t_recipe "text: true
      course_dates: true"
	run plan.json plan --format json -o "$LOGDIR/plan.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	# the text changes, as planned
	expect_eq "Week 1 (Jan 12–16)" "$(jq -r '.changes[] | select(.kind == "module" and .id == 301) | .after' \
		"$LOGDIR/plan.json")" "module 301 name"
	expect_eq "Week 3 (Jan 26–30)" "$(jq -r '.changes[] | select(.kind == "module" and .id == 302) | .after' \
		"$LOGDIR/plan.json")" "module 302 name"
	expect_eq "2 dates written in the text" "$(jq -r '.changes[] | select(.kind == "page" and .field == "body"
		and .id == 401) | .note' "$LOGDIR/plan.json")" "the note on page 401's body"
	expect_eq "1 date written in the text (1 moved out of a blackout)" "$(jq -r '.changes[] | select(.kind ==
		"assignment" and .field == "description" and .id == 502) | .note' "$LOGDIR/plan.json")" \
		"the note on assignment 502's description"
	# the warnings: a weekday that does not fit, a page title
	jq -r '.warnings[].message' "$LOGDIR/plan.json" >"$LOGDIR/warnings"
	expect_eq 2 "$(wc -l <"$LOGDIR/warnings")" "warnings ($(cat "$LOGDIR/warnings"))"
	expect_match "page 'Exam review \\(Dec 15\\)' \\(402\\) body: 'Friday, September 4' is left as written: written as a Friday, but September 4, 2025 is a Thursday" \
		"$(cat "$LOGDIR/warnings")" "the wrong weekday listed"
	expect_match "page 'Exam review \\(Dec 15\\)' \\(402\\) title: 'Dec 15' is left as written: a page's title is not changed" \
		"$(cat "$LOGDIR/warnings")" "the page title listed"

	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply exit code ($(tail -n 3 "$LOGDIR/apply.out.err"))"
	# the simulator holds every planned value
	jq -c '.changes[] | {kind, id, field, after}' "$LOGDIR/plan.json" >"$LOGDIR/changes"
	while read -r c; do
		kind=$(jq -r .kind <<<"$c") id=$(jq -r .id <<<"$c") field=$(jq -r .field <<<"$c")
		want=$(jq -r .after <<<"$c")
		case $kind in
		course) sel='.courses[0]' ;;
		module) sel=".courses[0].modules[] | select(.id == $id)" ;;
		module_item) sel=".courses[0].modules[].items[] | select(.id == $id)" ;;
		page) sel=".courses[0].pages[] | select(.page_id == $id)" ;;
		assignment) sel=".courses[0].assignments[] | select(.id == $id)" ;;
		discussion_topic) sel=".courses[0].discussion_topics[] | select(.id == $id)" ;;
		*) fail "unexpected change of a $kind" ;;
		esac
		expect_eq "$want" "$(state "$sel | .$field")" "$kind $id $field in the simulator"
	done <"$LOGDIR/changes"
	expect_eq 15 "$(wc -l <"$LOGDIR/changes")" "changes: 2 due dates, course start/end, 11 texts"
	expect_eq "Essay 1 due Fri, Jan 23" "$(state '.courses[0].modules[1].items[0].title')" "the text header"
	# exactly what people will read
	expect_eq "Essay 1 (due Jan 23) | <p>Submit by Friday, January 23.</p> | 2026-01-24T05:59:00Z" \
		"$(state '.courses[0].assignments[0] | "\(.name) | \(.description) | \(.due_at)"')" "assignment 501"
	expect_eq "<p>Due Saturday, March 21, in class.</p> | 2026-03-22T04:59:00Z" \
		"$(state '.courses[0].assignments[1] | "\(.description) | \(.due_at)"')" "assignment 502: out of the break"
	expect_eq "Discussion: week of 1/26 | <p>Post by Wed 1/28, reply by Fri 1/30.</p>" \
		"$(state '.courses[0].discussion_topics[0] | "\(.title) | \(.message)"')" "discussion 601"
	expect_match 'due Friday, January 23 at 11:59pm; 3/4 of the class.*href="https://example.edu/cal/2025/9/5" title="Sep 5">calendar for Jan 23<' \
		"$(state '.courses[0].pages[0].body')" "page 401: text nodes only"
	expect_eq '<h2>Schedule</h2><table><tr><th>Week</th><th>Dates</th><th>Topic</th></tr><tr><td>1</td><td>Jan 12–16</td><td>Introduction</td></tr><tr><td>2</td><td>1/20</td><td>Labor Day week</td></tr><tr><td>3</td><td>Jan 26–30</td><td>Essay 2 due Fri 1/30</td></tr></table><p>Final exam: Monday, May 4, 2026, 10:30 AM. Thanksgiving break Apr 16–17.</p>' \
		"$(state '.courses[0].syllabus_body')" "the syllabus"
	# no old-term date left (Aug..Dec as words, 8/..12/ as numbers) but the two listed
	texts | grep -v -e 'Exam review (Dec 15)' | sed 's/Friday, September 4//' >"$LOGDIR/texts"
	if grep -E '(Aug|Sep|Oct|Nov|Dec)[a-z]*\.?( |&nbsp;)[0-9]|(^|[^0-9./])(8|9|10|11|12)/[0-9]' "$LOGDIR/texts"; then
		fail "an old-term date is left (above)"
	fi

	run rollback.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(tail -n 3 "$LOGDIR/rollback.out.err"))"
	state_snap back.json
	state_same seed.json back.json "after rollback"
}

test_without_text_the_text_stays() {
	sim_start --seed "$(t_seed)"
	t_recipe "course_dates: false"
	run plan.json plan --format json -o "$LOGDIR/plan.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "assignment due_at
assignment due_at" "$(jq -r '.changes[] | "\(.kind) \(.field)"' "$LOGDIR/plan.json")" "only the due dates"
	expect_eq 0 "$(jq '.warnings | length' "$LOGDIR/plan.json")" "no warnings"
}

# A course rolled over without text: and planned again with it (a new recipe file: only Canvas's
# evidence can tell, runner/rerun.c): the fields are not moved a second time, the text is moved
# once -- dates in the old term move, dates already in the new term stay, a date in neither is
# listed -- and a third plan has nothing to do.
test_text_added_after_a_rollover_moves_only_the_text() {
	sim_start --seed "$(t_seed)"
	t_recipe "course_dates: false"
	run a1 apply --yes "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "first apply ($(tail -n 3 "$LOGDIR/a1.err"))"
	expect_eq "2026-01-24T05:59:00Z 2026-03-22T04:59:00Z" \
		"$(state '[.courses[0].assignments[].due_at] | join(" ")')" "due dates after the rollover"
	expect_eq "Week 1 (Aug 25–29)" "$(state '.courses[0].modules[0].name')" "the text after the rollover"
	t_recipe "text: true
      course_dates: false"
	run p2 plan --format json -o "$LOGDIR/p2.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan with text: ($(cat "$LOGDIR/p2.err"))"
	expect_eq in_canvas "$(jq -r '.skipped[] | select(.rerun) | .rerun' "$LOGDIR/p2.json")" "Canvas evidence"
	expect_match "no date is moved.*the dates written in the text \(text:\) that are still in the old term \(2025-08-25 to 2025-12-12\) are moved" \
		"$(jq -r '.skipped[] | select(.rerun) | .reason' "$LOGDIR/p2.json")" "the skip says the text moves"
	expect_eq 0 "$(jq '[.changes[] | select(.field | test("_at$|_date$"))] | length' "$LOGDIR/p2.json")" \
		"date field changes"
	expect_eq "Week 1 (Jan 12–16)" "$(jq -r '.changes[] | select(.kind == "module" and .id == 301) | .after' \
		"$LOGDIR/p2.json")" "module 301 name"
	expect_match "the syllabus: 'Monday, December 15, 2025' is left as written: the dates were moved by an earlier run and this one is in neither the old nor the new term" \
		"$(jq -r '.warnings[].message' "$LOGDIR/p2.json")" "a date outside both terms is listed"
	run a2 apply --yes "$LOGDIR/p2.json"
	expect_eq 0 "$RC" "apply the text ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq "2026-01-24T05:59:00Z 2026-03-22T04:59:00Z" \
		"$(state '[.courses[0].assignments[].due_at] | join(" ")')" "due dates not moved twice"
	expect_eq "Essay 1 (due Jan 23) | <p>Submit by Friday, January 23.</p>" \
		"$(state '.courses[0].assignments[0] | "\(.name) | \(.description)"')" "assignment 501's text"
	expect_eq "Discussion: week of 1/26 | <p>Post by Wed 1/28, reply by Fri 1/30.</p>" \
		"$(state '.courses[0].discussion_topics[0] | "\(.title) | \(.message)"')" "discussion 601"
	expect_match "Final exam: Monday, December 15, 2025, 10:30 AM. Thanksgiving break Apr 16–17." \
		"$(state '.courses[0].syllabus_body')" "the syllabus"
	# once more: nothing moves (the text's dates are in the new term now)
	run p3 plan --format json "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "third plan ($(cat "$LOGDIR/p3.err"))"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/p3")" "changes of the third plan: $(jq -c '.changes' "$LOGDIR/p3")"
}
