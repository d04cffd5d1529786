# tests/e2e/t1200-schedule.sh -- the `schedule` step (issue 19) against canvas-sim:
# recipes/semester-schedule.yaml over recipes/semester-schedule/seed.json (MATH 152, course 6100,
# America/New_York), whose problem sets, quizzes, a graded discussion, modules and pages carry
# only names like "Week 4 Quiz" and last fall's dates.
#
# The expected values were counted by hand on a calendar, not taken from coursectl's output. The
# term: Mon 2026-01-12 .. Fri 2026-05-01, MLK Day Mon 01-19 (one day: its week stays week 2),
# spring break Sat 03-14 .. Sun 03-22 (the school days of the week of 03-16: no number). Teaching
# weeks begin 01-12 (1), 01-19, 01-26, 02-02, 02-09, 02-16, 02-23, 03-02 (8), 03-09 (9), 03-23 (10),
# 03-30, 04-06, 04-13, 04-20, 04-27 (15). DST begins Sun 03-08: EST (-5) before, EDT (-4) after.
#   - Problem Set 1: unlock Mon 01-12 06:00 EST = 11:00Z; due Thu 01-15 23:59 EST = 01-16T04:59Z;
#     lock = due + 2 days = Sat 01-17 23:59 EST = 01-18T04:59Z.
#   - Problem Set 2: its Monday is MLK Day -> Tue 01-20 06:00 EST = 11:00Z.
#   - Problem Set 3: due Thu 01-29 23:59 EST = 01-30T04:59Z, lock Sat 01-31 = 02-01T04:59Z. Its
#     section override was due Fri 2025-09-12 12:00 EDT, one local day after the old Thu 09-11
#     23:59: Fri 01-30 12:00 EST = 17:00Z. The student override: due Sat 09-13 23:59 (+2) -> Sat
#     01-31 23:59 EST = 02-01T04:59Z; lock Tue 09-16 23:59, two days after the old lock Sun 09-14 ->
#     Mon 02-02 23:59 EST = 02-03T04:59Z.
#   - Problem Set 9 (week 9, after DST): Thu 03-12 23:59 EDT = 03-13T03:59Z; Problem Set 10 (the
#     week after the break): Thu 03-26 23:59 EDT = 03-27T03:59Z.
#   - Week 8 Quiz: Fri 03-06 17:00 EST = 22:00Z, lock + 1 hour = 23:00Z, unlock 08:00 = 13:00Z.
#   - Week 3 Discussion: Wed 01-28 23:59 EST = 01-29T04:59Z.
#   - Modules "Week 2": Tue 01-20 06:00 EST = 11:00Z (MLK Day); "Week 10": Mon 03-23 06:00 EDT = 10:00Z.
#   - Page "Week 10 Notes": Mon 03-23 09:00 EDT = 13:00Z; "Week 16 Notes": no week 16, skipped.
# Counts: 14 problem sets x 3 + 3 override dates + 7 quizzes x 3 + 1 + 15 modules + 3 pages = 85
# changes to 42 objects (14 + 2 overrides + 7 + 1 + 15 + 3).

SCHED_SEED=$ROOT/recipes/semester-schedule/seed.json
SCHED_RECIPE=$ROOT/recipes/semester-schedule.yaml

# the rules of the recipe, with a first line (the step) and a term of our own
sched_recipe() {
	local out=$LOGDIR/$1
	shift
	{
		printf 'version: 1\ncourses: [6100]\nsteps:\n  - name: Schedule\n    schedule:\n'
		cat
	} >"$out"
	echo "$out"
}

field() {   # KIND-LIST ID FIELD: the simulator's value
	state ".courses[] | select(.id == 6100) | .$1[] | select((.id // .page_id) == $2) | .$3"
}

test_whole_schedule_plan_apply_rollback() {
	sim_start --seed "$SCHED_SEED"
	state_snap seed.json
	run plan.out plan --out "$LOGDIR/saved.json" --color never "$SCHED_RECIPE"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	jq -r '.changes[] | "\(.kind) \(.id) \(.field) \(.after)"' "$LOGDIR/saved.json" >"$LOGDIR/changes.txt"
	expect_eq "85 42 1" "$(jq -r '.summary | "\(.changes) \(.objects) \(.courses)"' "$LOGDIR/saved.json")" summary
	for want in \
		"assignment 6201 unlock_at 2026-01-12T11:00:00Z" \
		"assignment 6201 due_at 2026-01-16T04:59:00Z" \
		"assignment 6201 lock_at 2026-01-18T04:59:00Z" \
		"assignment 6202 unlock_at 2026-01-20T11:00:00Z" \
		"assignment 6203 due_at 2026-01-30T04:59:00Z" \
		"assignment 6203 lock_at 2026-02-01T04:59:00Z" \
		"assignment_override 6261 due_at 2026-01-30T17:00:00Z" \
		"assignment_override 6262 due_at 2026-02-01T04:59:00Z" \
		"assignment_override 6262 lock_at 2026-02-03T04:59:00Z" \
		"assignment 6209 due_at 2026-03-13T03:59:00Z" \
		"assignment 6210 due_at 2026-03-27T03:59:00Z" \
		"assignment 6304 unlock_at 2026-03-06T13:00:00Z" \
		"assignment 6304 due_at 2026-03-06T22:00:00Z" \
		"assignment 6304 lock_at 2026-03-06T23:00:00Z" \
		"assignment 6351 due_at 2026-01-29T04:59:00Z" \
		"module 6702 unlock_at 2026-01-20T11:00:00Z" \
		"module 6710 unlock_at 2026-03-23T10:00:00Z" \
		"page 6803 todo_date 2026-03-23T13:00:00Z"; do
		grep -qxF "$want" "$LOGDIR/changes.txt" || fail "no change '$want' in the plan"
	done
	# the final project has no rule, the quizzes' own copies are their assignments'
	expect_eq 0 "$(grep -c '^assignment 6299 \|^quiz ' "$LOGDIR/changes.txt")" "changes to 6299 or to quizzes"
	# every rule said how many it matched; the week 16 page is skipped with the reason
	grep -q "rule 'Problem sets' (14 matched): week 2, Mon, moved out of 'MLK Day'" "$LOGDIR/plan.out" ||
		fail "no rule note with the count and the break: $(head -n 20 "$LOGDIR/plan.out")"
	expect_eq "page 6804" "$(jq -r '.skipped[] | "\(.kind) \(.id)"' "$LOGDIR/saved.json")" "skipped"
	expect_match "week 16, but the term has 15 teaching weeks" "$(jq -r '.skipped[0].reason' "$LOGDIR/saved.json")" \
		"skip reason"
	# apply: the simulator holds exactly the plan's values
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --color never "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	jq -r '.changes[] | "\(.kind) \(.id) \(.field) \(.after) \(.parent)"' "$LOGDIR/saved.json" >"$LOGDIR/all.txt"
	local kind id f after parent got n=0
	while read -r kind id f after parent; do
		case $kind in
		assignment) got=$(field assignments "$id" "$f") ;;
		assignment_override) got=$(state ".courses[] | select(.id == 6100) | .assignments[] | select(.id == $parent)
			| .overrides[] | select(.id == $id) | .$f") ;;
		module) got=$(field modules "$id" "$f") ;;
		page) got=$(field pages "$id" "$f") ;;
		*) fail "unexpected kind $kind" ;;
		esac
		expect_eq "$after" "$got" "simulator's $kind $id $f after apply"
		n=$((n + 1))
	done <"$LOGDIR/all.txt"
	expect_eq 85 "$n" "changes checked in the simulator"
	# Canvas keeps a quiz's dates equal to its assignment's
	expect_eq "2026-03-06T22:00:00Z" "$(field quizzes 6404 due_at)" "quiz 6404 due_at follows its assignment"
	expect_eq "2025-12-16T04:59:00Z" "$(field assignments 6299 due_at)" "final project untouched"
	# planning again finds nothing to do: the rules are absolute
	run again.out plan --color never --format json "$SCHED_RECIPE"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/again.out")" "changes when planned again"
	# rollback gives the seed back
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of the schedule"
}

test_html_calendar_shows_breaks() {
	sim_start --seed "$SCHED_SEED"
	run plan.html plan --format html "$SCHED_RECIPE"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.html.err"))"
	local d
	for d in 2026-01-19 2026-03-14 2026-03-16 2026-03-20 2026-03-22; do
		grep -qE "<td class=\"day[^\"]* bo[^\"]*\" data-day=\"$d\"" "$LOGDIR/plan.html" ||
			fail "$d is not striped as a break"
	done
	for d in 2026-01-20 2026-03-13 2026-03-23; do
		grep -qE "<td class=\"day[^\"]* bo[^\"]*\" data-day=\"$d\"" "$LOGDIR/plan.html" &&
			fail "$d is striped as a break"
	done
	# the term is named and its teaching weeks numbered in the first column; the break week has none
	grep -q '<p class="term" data-weeks="15">Term: Mon 2026-01-12 &#8211; Fri 2026-05-01, 15 teaching weeks' \
		"$LOGDIR/plan.html" || fail "no term line"
	grep -q '<tr data-week="2026-03-09" data-count="[0-9]*"><th class="wk" data-term-week="9">9</th>' \
		"$LOGDIR/plan.html" || fail "week of 03-09 is not week 9"
	grep -q '<tr data-week="2026-03-16" data-count="0"><th class="wk"></th>' "$LOGDIR/plan.html" ||
		fail "the break week has a number"
	grep -q '<tr data-week="2026-03-23" data-count="[0-9]*"><th class="wk" data-term-week="10">10</th>' \
		"$LOGDIR/plan.html" || fail "week of 03-23 is not week 10"
	# nothing the rules placed lands in a break
	expect_eq "2026-01-19 2026-03-14 2026-03-22" "$(jq -r '[.blackouts[] | .start, .end] | join(" ")' \
		<(cc plan --format json "$SCHED_RECIPE" 2>/dev/null) | cut -d' ' -f1,3,4)" "breaks in the plan file"
	# the plan file keeps the term (a saved plan renders the same calendar)
	cc plan --out "$LOGDIR/saved.json" "$SCHED_RECIPE" >/dev/null 2>&1 || fail "plan --out failed"
	expect_eq "6100 2026-01-12 2026-05-01 15 2026-03-23" \
		"$(jq -r '.terms[0] | "\(.course_id) \(.start) \(.end) \(.weeks | length) \(.weeks[9])"' "$LOGDIR/saved.json")" \
		"term in the plan file"
}

test_course_dates_are_the_default_term() {
	sim_start --seed "$SCHED_SEED"
	# no term: the course's start_at 2026-01-12 00:00 EST and end_at 2026-05-01 23:59:59 EDT
	recipe=$(sched_recipe r.yaml <<'EOF'
      rules:
        - kind: modules
          where: {name: '^Week (\d+)$'}
          week: $1
          set: {unlock_at: mon 06:00}
EOF
)
	run plan.json plan --format json "$recipe"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	# without the breaks, weeks are calendar weeks: week 2 is Mon 01-19 (no MLK Day here), week 10
	# Mon 03-16 06:00 EDT, week 15 Mon 04-20
	expect_eq "6702=2026-01-19T11:00:00Z 6710=2026-03-16T10:00:00Z 6715=2026-04-20T10:00:00Z" \
		"$(jq -r '[.changes[] | select(.id == 6710 or .id == 6715 or .id == 6702) | "\(.id)=\(.after)"]
		| sort | join(" ")' "$LOGDIR/plan.json")" "module dates from the course's dates"
}

test_two_rules_claiming_an_object_is_an_error() {
	sim_start --seed "$SCHED_SEED"
	recipe=$(sched_recipe r.yaml <<'EOF'
      term: {start: 2026-01-12, end: 2026-05-01}
      rules:
        - name: Quizzes
          kind: quizzes
          where: {title: 'Quiz'}
          week: 2
          set: {due_at: fri 17:00}
        - name: Everything in week 4
          kind: [assignments, quizzes]
          where: {name: 'Week 4'}
          week: 4
          set: {due_at: thu 23:59}
EOF
)
	run plan.out plan --color never "$recipe"
	expect_eq 1 "$RC" "plan exit code"
	expect_match "r.yaml:13:11: .*assignment 'Week 4 Quiz' \(id 6302\) in course 6100 is claimed by two rules: 'Quizzes' \(line 8\) and 'Everything in week 4' \(line 13\)" \
		"$(cat "$LOGDIR/plan.out.err")" "the error names both rules"
}

test_rule_that_breaks_the_order_is_reported() {
	sim_start --seed "$SCHED_SEED"
	# Problem Set 3 locks on 2025-09-14: a spring due date alone would come after it
	recipe=$(sched_recipe r.yaml <<'EOF'
      term: {start: 2026-01-12, end: 2026-05-01}
      rules:
        - name: Due dates only
          kind: assignments
          where: {name: '^Problem Set ([1-4])$'}
          week: $1
          set: {due_at: thu 23:59}
EOF
)
	run plan.json plan --format json "$recipe"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "6201 6202 6204" "$(jq -r '[.changes[] | .id] | unique | join(" ")' "$LOGDIR/plan.json")" "changed"
	expect_eq "assignment 6203" "$(jq -r '.skipped[] | "\(.kind) \(.id)"' "$LOGDIR/plan.json")" "skipped"
	expect_match "rule 'Due dates only' would put due_at \(Thu 2026-01-29 23:59:00 EST\) after lock_at \(Sun 2025-09-14 23:59:00 EDT\)" \
		"$(jq -r '.skipped[0].reason' "$LOGDIR/plan.json")" "reason"
	expect_match "\(4 matched\): week 1, Thu" "$(jq -r '.changes[0].note' "$LOGDIR/plan.json")" "note"
}

test_rule_matching_nothing_warns_and_overrides_keep() {
	sim_start --seed "$SCHED_SEED"
	recipe=$(sched_recipe r.yaml <<'EOF'
      term: {start: 2026-01-12, end: 2026-05-01}
      overrides: keep
      rules:
        - name: Labs
          kind: assignments
          where: {name: '^Lab (\d+)'}
          week: $1
          set: {due_at: thu 23:59}
        - name: Set 3
          kind: assignments
          where: {name: '^Problem Set 3$'}
          week: 3
          set: {due_at: thu 23:59, lock_at: due_at + 2 days}
EOF
)
	run plan.json plan --format json "$recipe"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_match "rule 'Labs' \(line 9\) matched nothing in course 6100" \
		"$(jq -r '.warnings[0].message' "$LOGDIR/plan.json")" "warning"
	expect_eq "due_at lock_at" "$(jq -r '[.changes[] | .field] | join(" ")' "$LOGDIR/plan.json")" "no override follows"
}

test_validate_reports_at_the_value() {
	recipe=$(sched_recipe r.yaml <<'EOF'
      rules:
        - kind: assignments
          where: {name: '^Problem Set (\d+)$'}
          week: $2
          set: {due_at: thu 25:00}
        - kind: modules
          set: {unlock_at: mon 06:00, due_at: fri 17:00}
        - kind: quizzes
          week: 3
          set: {lock_at: unlock_at + 1 day, unlock_at: lock_at - 1 day}
EOF
)
	RC=0
	"$COURSECTL" validate "$recipe" >"$LOGDIR/v.out" 2>&1 || RC=$?
	expect_eq 1 "$RC" "validate exit code"
	grep -q "r.yaml:9:17: error: the week uses capture group \$2, but where.name has 1" "$LOGDIR/v.out" ||
		fail "capture group: $(cat "$LOGDIR/v.out")"
	grep -q "r.yaml:10:25: error: 'set.due_at' 'thu 25:00': after the weekday give a local time" "$LOGDIR/v.out" ||
		fail "time: $(cat "$LOGDIR/v.out")"
	grep -q "r.yaml:12:28: error: 'set.unlock_at' has no week" "$LOGDIR/v.out" ||
		fail "no week: $(cat "$LOGDIR/v.out")"
	grep -q "r.yaml:12:39: error: modules have no date 'due_at'" "$LOGDIR/v.out" ||
		fail "kind's fields: $(cat "$LOGDIR/v.out")"
	grep -q "r.yaml:15:26: error: 'lock_at' is relative to 'unlock_at', which is relative to it in turn" \
		"$LOGDIR/v.out" || fail "circle: $(cat "$LOGDIR/v.out")"
}
