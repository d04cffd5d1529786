# tests/e2e/t1000-demo.sh -- `make demo` (recipes/demo/run.sh) in the test suite (issue 8).
#
# The demo runs quietly (--quiet, files in $LOGDIR/demo) exactly as `make demo` runs it, against its
# own canvas-sim. The cases check what it claims, from the files it leaves, not only its exit code:
# the final line's counts agree with the saved plan and the journal; the apply really changed the
# simulator (the request log has the bulk date update and page writes; the state dump after apply
# has Lab 1 due on the spring date); the end state equals the seed, compared here again with lib.sh's
# SIM_NORM. A grading period that closes between the plan and the apply around override 52001's
# new due date makes canvas-sim refuse the date update (SubmittablesGradingPeriodProtection): the
# demo must then fail at the apply step and leave no simulator behind. Also: seed.json is what
# gen-seed.py generates, and the demo recipe satisfies the JSON Schema as validate does.

DEMO=$ROOT/recipes/demo

# run_demo [ENV=VALUE...]: runs the demo quietly into $LOGDIR/demo; sets RC, the output in $LOGDIR/demo.out.
run_demo() {
	RC=0
	env "$@" BUILD="$BUILD" DEMO_OUT="$LOGDIR/demo" sh "$DEMO/run.sh" --quiet >"$LOGDIR/demo.out" 2>&1 || RC=$?
}

test_demo_runs_quietly_and_round_trips() {
	run_demo
	local o=$LOGDIR/demo line re changes objects writes
	expect_eq 0 "$RC" "demo exit code ($(cat "$LOGDIR/demo.out"))"
	expect_eq 1 "$(wc -l <"$LOGDIR/demo.out")" "quiet mode prints one line"
	line=$(cat "$LOGDIR/demo.out")
	re='^demo: ok in [0-9]+s: planned ([0-9]+) changes to ([0-9]+) objects, applied them with ([0-9]+) writes, rolled back; the simulator is back to the seed'
	[[ $line =~ $re ]] || fail "final line: $line"
	changes=${BASH_REMATCH[1]} objects=${BASH_REMATCH[2]} writes=${BASH_REMATCH[3]}
	# the counts are the plan's and the journal's
	expect_eq "$changes" "$(jq .summary.changes "$o/plan.json")" "changes = the saved plan's"
	expect_eq "$objects" "$(jq .summary.objects "$o/plan.json")" "objects = the saved plan's"
	[ "$changes" -ge 150 ] || fail "only $changes changes planned"
	expect_match "Applied $changes changes to $objects objects; 0 failed; 0 conflicts" "$(tail -n 1 "$o/apply.txt")" \
		"apply summary"
	expect_match "$changes changes: $changes done" "$(cat "$o/demo.log")" "journal show"
	# real work reached the simulator: writes, the bulk date update, page bodies
	local total
	total=$(jq '[.[] | select(.method != "GET")] | length' "$o/requests.json")
	[ "$writes" -gt 0 ] && [ "$total" -gt "$writes" ] ||
		fail "$writes writes by apply, $total in the request log (apply + rollback)"
	expect_eq 2 "$(jq '[.[] | select(.method == "PUT" and (.path | endswith("/assignments/bulk_update")))] | length' \
		"$o/requests.json")" "one bulk_update for the apply and one for the rollback"
	[ "$(jq '[.[] | select(.method == "PUT" and (.path | test("/pages/")))] | length' "$o/requests.json")" -gt 0 ] ||
		fail "no page was written"
	# the applied state was the spring term: Lab 1 due Fri 2026-01-23 23:59:59 EST, spring break respected
	expect_eq 2026-01-24T04:59:59Z \
		"$(jq -r '.courses[].assignments[] | select(.id == 51001) | .due_at' "$o/state-applied.json")" "Lab 1 due"
	expect_eq "Start Here (Spring 2026)" "$(jq -r '.courses[].modules[0].name' "$o/state-applied.json")" "module"
	expect_eq 2026-05-09T03:59:59Z "$(jq -r '.courses[].end_at' "$o/state-applied.json")" "course end"
	local in_break
	in_break=$(jq '[.courses[].assignments[] | .due_at // empty | select(. >= "2026-03-07T05:00" and
		. < "2026-03-16T04:00")] | length' "$o/state-applied.json")
	expect_eq 0 "$in_break" "assignments due in spring break"
	# ... and the end state is the seed's, checked here independently of the demo's own check
	jq -S "$SIM_NORM" "$o/state-seed.json" >"$LOGDIR/seed.norm"
	jq -S "$SIM_NORM" "$o/state-after.json" >"$LOGDIR/after.norm"
	diff -u "$LOGDIR/seed.norm" "$LOGDIR/after.norm" >"$LOGDIR/state.diff" ||
		fail "end state differs from the seed: $(head -n 20 "$LOGDIR/state.diff")"
	[ -s "$o/plan.html" ] && grep -q '</html>' "$o/plan.html" || fail "no HTML report"
	expect_eq 600 "$(stat -c %a "$o/apply.jsonl")" "journal mode"
	if grep -rq demo-token "$o"/*.jsonl "$o"/plan.* "$o"/demo.log; then
		fail "the token appears in a plan, journal or the demo's output"
	fi
}

test_demo_fails_when_a_step_fails_and_stops_the_simulator() {
	# override 52001 (Lab 1, section 002) moves to 2026-01-27T04:59:59Z, into a grading period that
	# is open when the plan is made and closed before the apply: the bulk update is refused
	local bad=$LOGDIR/bad-seed.json closed=$LOGDIR/closed-seed.json periods
	periods='.courses[0].grading_periods = [
		{"id": 61, "title": "Week 2", "start_date": "2026-01-27T00:00:00Z", "end_date": "2026-01-27T12:00:00Z",
		 "close_date": $close},
		{"id": 62, "title": "Rest", "start_date": "2026-01-27T12:00:00Z", "end_date": "2040-06-30T04:00:00Z",
		 "close_date": "2040-07-15T04:00:00Z"}]'
	jq --arg close 2040-07-01T04:00:00Z "$periods" "$DEMO/seed.json" >"$bad"
	jq --arg close 2026-01-01T05:00:00Z "$periods" "$DEMO/seed.json" >"$closed"
	run_demo DEMO_SEED="$bad" \
		DEMO_BEFORE_APPLY="curl -sf -X POST --data-binary @$closed \"\$url/__sim/seed\" >/dev/null"
	expect_match "Cannot change an override due date to a date within a closed grading period" \
		"$(cat "$LOGDIR/demo/apply.err")" "the refusal"
	[ "$RC" -ne 0 ] || fail "the demo succeeded although apply must fail"
	expect_match '^demo: FAILED at: Applying the saved plan' "$(tail -n 1 "$LOGDIR/demo.out")" "failure line"
	if pgrep -f "canvas-sim --seed $bad" >/dev/null; then
		fail "the demo left its simulator running"
	fi
}

test_seed_is_generated_by_gen_seed() {
	/usr/bin/python3 "$DEMO/gen-seed.py" >"$LOGDIR/seed.json" || fail "gen-seed.py failed"
	cmp "$LOGDIR/seed.json" "$DEMO/seed.json" || fail "recipes/demo/seed.json differs from gen-seed.py's output"
	expect_eq 41 "$(jq '.courses[0].assignments | length' "$DEMO/seed.json")" "assignments"
	expect_eq 15 "$(jq '.courses[0].pages | length' "$DEMO/seed.json")" "pages"
	expect_eq 12 "$(jq '.courses[0].modules | length' "$DEMO/seed.json")" "modules"
}

test_demo_recipe_validates_and_fits_the_schema() {
	"$COURSECTL" validate "$DEMO/term-rollover.yaml" >"$LOGDIR/out" || fail "validate: $(cat "$LOGDIR/out")"
	/usr/bin/python3 "$ROOT/tests/e2e/schema-check.py" "$ROOT/docs/recipe.schema.json" "$DEMO/term-rollover.yaml" \
		>"$LOGDIR/schema" || fail "schema: $(cat "$LOGDIR/schema")"
}
