# tests/e2e/t0970-requests.sh -- apply sends the fewest requests that still check and verify every
# write (issue 18, "The fewest requests"), counted in canvas-sim's request log (/__sim/requests).
#
# Seed: gen-seed.sh --courses 2 --assignments 8 --pages 2 --modules 2 (overrides on every 5th
# assignment); recipe: shift_dates {days: 140}. Its writes: per course one bulk_update (assignment
# and override dates) and a PUT per module with an unlock_at; nothing the writes' answers cannot
# prove but the bulk job (a Progress names no values: its assignments are re-read once).
# Cases (the first three fail on the code before this work, which read every list three times for
# a recipe and twice for a saved plan):
#   - apply RECIPE --yes: every list is read once (the plan's reads are the stale check), and
#     after the writes only the bulk jobs' Progress and their assignment_ids[] re-read;
#   - apply of a saved plan: every list once (the stale check), then only the same;
#   - apply RECIPE at a prompt answered at once (a terminal, through a pty): the lists are read
#     again after it (a person read the plan meanwhile), and with --yes but COURSECTL_FRESH_S=0
#     too (reads older than the freshness limit are read again);
#   - a teacher's edit between `plan --out` and apply of that saved plan is a conflict, the edit
#     kept, the rest applied (guard: holds on the old code too);
#   - a teacher's edit made while apply RECIPE waits at its prompt, answered at once, is a
#     conflict: the course is read again before anything is written;
#   - an answer that did not last, on a write whose value a later write can move (a module item's
#     position: the sim's `ignore` script answers the new position, then puts the state back), is
#     still caught by the final re-read (guard: holds on the old code too).

C1=1001

rollover_seed() {
	shift_seed 2 8 2 2 r.yaml
	sim_start --seed "$LOGDIR/seed.json"
}

reqs() {
	curl -s "$SIM_URL/__sim/requests"
}

# The GETs of lists and objects (not a Progress, not a bulk job's assignment_ids[] re-read) sent
# more than once: "count path?query" lines, none when each was read once.
read_twice() {
	reqs | jq -r '[.[] | select(.method == "GET" and (.path | startswith("/api/v1/progress/") | not)
		and ((.query // "") | test("assignment_ids") | not)) | "\(.path)?\(.query // "")"]
		| group_by(.) | map(select(length > 1) | "\(length) \(.[0])") | .[]'
}

# After the last write: anything but a Progress poll or an assignment_ids[] re-read.
read_after_writes() {
	reqs | jq -r '(map(.method != "GET") | rindex(true)) as $w | .[($w + 1):][]
		| select((.path | startswith("/api/v1/progress/") | not) and ((.query // "") | test("assignment_ids") | not))
		| "\(.method) \(.path)?\(.query // "")"'
}

count() {   # count JQ-FILTER: requests that match
	reqs | jq "[.[] | select($1)] | length"
}

asg_id() {   # the first assignment of course 1001 with a due date
	jq -r --argjson c "$C1" '.courses[] | select(.id == $c) | [.assignments[] | select(.due_at != null)][0].id' \
		"$LOGDIR/seed.json"
}

edit_due() {   # edit_due ID DATE: a teacher's edit, through the API
	curl -s -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" \
		--data-urlencode "assignment[due_at]=$2" "$SIM_URL/api/v1/courses/$C1/assignments/$1"
}

# at_prompt OUT WAIT CMD ARGS...: coursectl on a terminal (a pty); when it asks, $EDIT (a shell
# command, may be empty) runs, WAIT seconds pass, and "y" is answered. Output in $LOGDIR/OUT; RC.
at_prompt() {
	local out=$1 wait=$2
	shift 2
	RC=0
	CANVAS_API_TOKEN=$TOKEN EDIT=${EDIT:-} /usr/bin/python3 "$ROOT/tests/e2e/answer-prompt.py" "$LOGDIR/$out" "$wait" \
		"$COURSECTL" "$@" --url "$SIM_URL" || RC=$?
}

test_apply_recipe_reads_each_list_once() {
	rollover_seed
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "" "$(read_twice)" "a list read twice"
	expect_eq "" "$(read_after_writes)" "a read after the writes that is not a bulk job's"
	expect_eq 2 "$(count '.path | endswith("/bulk_update")')" "a bulk_update per course"
	expect_eq 2 "$(count '(.query // "") | test("assignment_ids")')" "a re-read per bulk_update"
	# the figure: the plan's reads, the writes, a Progress poll and a re-read per bulk_update
	local lists writes
	lists=$(count '.method == "GET" and (.path | startswith("/api/v1/progress/") | not) and ((.query // "") | test("assignment_ids") | not)')
	writes=$(count '.method != "GET"')
	expect_eq $((lists + writes + 2 + 2)) "$(count 'true')" "the minimum"
	expect_eq true "$(tail -n 1 "$LOGDIR/j.jsonl" | jq '.summary.done == .summary.changes and .summary.changes > 20')" \
		"every change done"
}

test_apply_saved_plan_reads_each_list_once() {
	rollover_seed
	run plan.out plan --out "$LOGDIR/plan.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	sim_post /__sim/reset '{}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "" "$(read_twice)" "a list read twice"
	expect_eq "" "$(read_after_writes)" "a read after the writes that is not a bulk job's"
	# the stale check reads the course and the lists the plan changes (assignments, modules)
	expect_eq 6 "$(count '.method == "GET" and (.path | startswith("/api/v1/progress/") | not) and ((.query // "") | test("assignment_ids") | not)')" \
		"lists read"
	expect_eq "$(jq '[.courses[] | .modules[] | select(.unlock_at != null)] | length' "$LOGDIR/seed.json")" \
		"$(count '.method == "PUT" and (.path | test("/modules/[0-9]+$"))')" "a PUT per module with a date"
}

test_apply_recipe_at_a_prompt_reads_again_after_it() {
	rollover_seed
	at_prompt apply.out 0 apply --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply exit code ($(tail -c 600 "$LOGDIR/apply.out"))"
	expect_match 'Applied [0-9]+ changes' "$(cat "$LOGDIR/apply.out")" "applied"
	# twice each: the plan's reads and the stale check's, after the prompt
	expect_eq 2 "$(count ".method == \"GET\" and .path == \"/api/v1/courses/$C1/modules\"")" "the modules read again"
	expect_eq 2 "$(count ".method == \"GET\" and .path == \"/api/v1/courses/$C1/assignments\" and ((.query // \"\") | test(\"assignment_ids\") | not)")" \
		"the assignments read again"
}

test_apply_recipe_reads_older_than_the_limit_again() {
	rollover_seed
	COURSECTL_FRESH_S=0 run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 2 "$(count ".method == \"GET\" and .path == \"/api/v1/courses/$C1/modules\"")" "the modules read again"
}

test_edit_between_plan_and_saved_apply_is_a_conflict() {
	rollover_seed
	run plan.out plan --out "$LOGDIR/plan.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	local a
	a=$(asg_id)
	edit_due "$a" 2025-10-01T05:59:59Z
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code"
	expect_match 'Changed in Canvas since the plan' "$(cat "$LOGDIR/apply.out")" "the conflict reported"
	expect_eq 2025-10-01T05:59:59Z "$(state ".courses[] | select(.id == $C1) | .assignments[] | select(.id == $a) | .due_at")" \
		"the teacher's edit kept"
	expect_eq 1 "$(jq -s '[.[] | select(.type == "outcome" and .state == "conflict")] | length' "$LOGDIR/j.jsonl")" \
		"one conflict journaled"
	expect_match ' [0-9]+ changes to [0-9]+ objects; 0 failed; 1 conflict' "$(grep '^Applied' "$LOGDIR/apply.out")" "the rest applied"
}

test_edit_during_a_prompt_is_a_conflict() {
	rollover_seed
	local a
	a=$(asg_id)
	EDIT="curl -s -o /dev/null -X PUT -H 'Authorization: Bearer $TOKEN' --data-urlencode 'assignment[due_at]=2025-10-01T05:59:59Z' $SIM_URL/api/v1/courses/$C1/assignments/$a" \
		at_prompt apply.out 0 apply --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 1 "$RC" "apply exit code ($(tail -c 600 "$LOGDIR/apply.out"))"
	expect_match 'Changed in Canvas since the plan' "$(cat "$LOGDIR/apply.out")" "the conflict reported"
	expect_eq 2025-10-01T05:59:59Z "$(state ".courses[] | select(.id == $C1) | .assignments[] | select(.id == $a) | .due_at")" \
		"the teacher's edit kept"
	# the lists were read again after the prompt: twice each, the plan's and the stale check's
	expect_eq 2 "$(count ".method == \"GET\" and .path == \"/api/v1/courses/$C1/modules\"")" "the modules read again"
}

test_answer_that_did_not_last_is_caught_where_a_reread_is_due() {
	sim_start
	cat >"$LOGDIR/r.yaml" <<'EOR'
version: 1
courses: [4821]
steps:
  - name: reorder
    modules:
      ensure:
        - name: "Week 1: Units and Measurement"
          items:
            - {assignment: Problem Set 1}
            - {header: Week 1 overview}
            - {page: syllabus-policies}
EOR
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/4821/modules/804/items/12042",
		"action": "ignore", "count": -1}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 1 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_match "module_item 12042 .*position: Canvas answered 200 but did not change position \\(its answer showed the new value; a re-read shows the old one\\)" \
		"$(cat "$LOGDIR/apply.out.err")" "caught by the final re-read"
}
