# tests/e2e/t0952-rerun.sh -- running a recipe twice never moves a course's dates twice, and every
# step accounts for itself (issue 16).
#
# shift_dates is relative: before issue 16 `apply RECIPE` run twice moved every date twice, and the
# same command after an interrupted run moved the written half a second time. Now plan (and apply
# RECIPE, which plans first) leaves out a course's shift_dates steps when this machine's journals
# (the default directory: runtests gives each case its own XDG_STATE_HOME) show the recipe applied
# there and not rolled back, or, for a term mapping, when Canvas shows the dates already in the new
# term (runner/rerun.c). Each case checks the simulator: the request log (/__sim/requests) for
# writes, /__sim/state for the dates.
#
# Cases: the demo's term mapping applied twice (journal evidence), then planned with no journal
# (Canvas evidence), then --again; days: 7 twice, then --again; the same with --journal files kept
# elsewhere (linked into the journal directory), rolled back, moved away; an apply killed mid-run (kill -9,
# as t0920 does) and then the same command -> it names `apply --resume J`, writes nothing; resume
# finishes it; a rolled-back run does not block the next apply, but a new run journaled to the
# rolled-back run's file name does; a step whose where: selects nothing
# warns in text, JSON and Markdown; a course with dates in both terms is planned whole, with a
# warning.

DEMO_SEED=$ROOT/recipes/demo/seed.json
DEMO_RECIPE=$ROOT/recipes/demo/term-rollover.yaml

# writes: the number of write requests (not GET) in the simulator's request log
writes() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length'
}

# the journals of the default directory, oldest first
journals() {
	ls -1tr "$XDG_STATE_HOME"/coursectl/journals/*.jsonl 2>/dev/null || true
}

days_recipe() {
	cat >"$LOGDIR/days.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - name: A week later
    shift_dates: {days: 7}
EOF
}

# the due date of assignment $1 in the simulator
due() {
	state ".courses[] | .assignments[]? | select(.id == $1) | .due_at"
}

test_term_mapping_twice_then_again() {
	sim_start --seed "$DEMO_SEED"
	run a1 apply "$DEMO_RECIPE" --yes
	expect_eq 0 "$RC" "first apply ($(tail -n 3 "$LOGDIR/a1.err"))"
	expect_match '^Applied 191 changes' "$(tail -n 1 "$LOGDIR/a1")" "first apply"
	local j w0 once
	j=$(journals)
	[ -n "$j" ] || fail "no journal in the default directory"
	once=$(state '[.courses[0].assignments[].due_at] | sort | join(",")')
	w0=$(writes)

	run a2 apply "$DEMO_RECIPE" --yes
	expect_eq 0 "$RC" "second apply ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq "$w0" "$(writes)" "writes of the second apply"
	grep -qF "skipped: course 5150" "$LOGDIR/a2" || fail "no skip for the course: $(cat "$LOGDIR/a2")"
	grep -qF "already applied to this course" "$LOGDIR/a2" || fail "no reason: $(cat "$LOGDIR/a2")"
	grep -qF "coursectl rollback $j" "$LOGDIR/a2" || fail "the journal is not named: $(cat "$LOGDIR/a2")"
	grep -q '^Plan: no changes' "$LOGDIR/a2" || fail "the second plan has changes: $(tail -n 3 "$LOGDIR/a2")"
	expect_eq "$once" "$(state '[.courses[0].assignments[].due_at] | sort | join(",")')" "dates after the second run"

	# the JSON plan records the skip for CI
	run p1 plan "$DEMO_RECIPE" --format json
	expect_eq 0 "$RC" "plan --format json"
	expect_eq "finished|$j|5150" \
		"$(jq -r '.skipped[] | select(.rerun) | "\(.rerun)|\(.journal)|\(.course_id)"' "$LOGDIR/p1")" "rerun skip"
	expect_eq 0 "$(jq '[.changes[] | select(.field | tostring | test("_at$"))] | length' "$LOGDIR/p1")" "date changes"

	# without the journal (another machine): Canvas shows the dates in the new term
	XDG_STATE_HOME=$LOGDIR/elsewhere run p2 plan "$DEMO_RECIPE" --format json
	expect_eq 0 "$RC" "plan without journals ($(cat "$LOGDIR/p2.err"))"
	expect_eq in_canvas "$(jq -r '.skipped[] | select(.rerun) | .rerun' "$LOGDIR/p2")" "Canvas evidence"
	expect_match 'none is in the old term \(2025-09-02 to 2025-12-12\)' \
		"$(jq -r '.skipped[] | select(.rerun) | .reason' "$LOGDIR/p2")" "reason"

	# --again shifts once more
	run a3 apply "$DEMO_RECIPE" --yes --again
	expect_eq 0 "$RC" "apply --again ($(tail -n 3 "$LOGDIR/a3.err"))"
	expect_match '^Applied 185 changes' "$(tail -n 1 "$LOGDIR/a3")" "apply --again"
	[ "$(writes)" -gt "$w0" ] || fail "apply --again wrote nothing"
	[ "$once" != "$(state '[.courses[0].assignments[].due_at] | sort | join(",")')" ] ||
		fail "apply --again did not move the dates"
}

test_days_twice_then_again() {
	sim_start
	days_recipe
	local orig w0
	orig=$(due 90211)
	expect_eq 2025-02-08T04:59:59Z "$orig" "seed due date"
	run a1 apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "first apply ($(tail -n 3 "$LOGDIR/a1.err"))"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after one run"
	w0=$(writes)
	run a2 apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "second apply ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq "$w0" "$(writes)" "writes of the second apply"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the second run"
	grep -qF "already applied to this course" "$LOGDIR/a2" || fail "no reason: $(cat "$LOGDIR/a2")"
	grep -qF "$(journals)" "$LOGDIR/a2" || fail "the journal is not named: $(cat "$LOGDIR/a2")"
	# a days shift leaves no trace Canvas could show: without the journal it is planned again
	XDG_STATE_HOME=$LOGDIR/elsewhere run p1 plan "$LOGDIR/days.yaml" --format json
	[ "$(jq '.changes | length' "$LOGDIR/p1")" -gt 0 ] || fail "days: no changes without the journal"
	run a3 apply "$LOGDIR/days.yaml" --yes --again
	expect_eq 0 "$RC" "apply --again ($(tail -n 3 "$LOGDIR/a3.err"))"
	expect_eq 2025-02-22T04:59:59Z "$(due 90211)" "due date after --again"
}

# A user who keeps journals beside the recipe (--journal, as a CI job keeps them as artifacts): the
# file is linked into the journal directory (journal.c, link_default), so the guard sees it; before,
# the second apply moved every date a second time. A killed run journaled there is refused by the
# same command and named by its own path; `journal list` names the file, not the link.
test_journal_elsewhere_twice_then_again() {
	sim_start
	days_recipe
	local w0 link
	mkdir -p "$LOGDIR/ci"
	run a1 apply "$LOGDIR/days.yaml" --yes --journal "$LOGDIR/ci/run1.jsonl"
	expect_eq 0 "$RC" "first apply ($(tail -n 3 "$LOGDIR/a1.err"))"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after one run"
	link=$(journals)
	[ -L "$link" ] || fail "no link in the journal directory: '$link'"
	expect_eq "$LOGDIR/ci/run1.jsonl" "$(readlink "$link")" "the link's target"
	w0=$(writes)
	run a2 apply "$LOGDIR/days.yaml" --yes --journal "$LOGDIR/ci/run2.jsonl"
	expect_eq 0 "$RC" "second apply ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq "$w0" "$(writes)" "writes of the second apply"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the second run"
	grep -qF "journal $LOGDIR/ci/run1.jsonl" "$LOGDIR/a2" || fail "the journal is not named: $(cat "$LOGDIR/a2")"
	"$COURSECTL" journal list >"$LOGDIR/l1"
	expect_match "finished +$LOGDIR/ci/run1.jsonl\$" "$(grep apply "$LOGDIR/l1")" "journal list names the file"
	# rolled back (its rollback journal kept beside it too), the run no longer counts
	run rb rollback "$LOGDIR/ci/run1.jsonl" --yes --journal "$LOGDIR/ci/undo1.jsonl"
	expect_eq 0 "$RC" "rollback ($(tail -n 3 "$LOGDIR/rb.err"))"
	expect_eq 2025-02-08T04:59:59Z "$(due 90211)" "due date after the rollback"
	run a3 apply "$LOGDIR/days.yaml" --yes --journal "$LOGDIR/ci/run3.jsonl"
	expect_eq 0 "$RC" "apply after the rollback ($(tail -n 3 "$LOGDIR/a3.err"))"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the apply that follows the rollback"
	# a journal moved away leaves a dangling link: passed over, and said nowhere as damage
	mv "$LOGDIR/ci/run3.jsonl" "$LOGDIR/run3-moved.jsonl"
	"$COURSECTL" journal list >"$LOGDIR/l2" || fail "journal list with a dangling link: $(cat "$LOGDIR/l2")"
	grep -q "run3" "$LOGDIR/l2" && fail "a moved journal listed: $(cat "$LOGDIR/l2")"
	return 0
}

test_interrupted_then_same_command() {
	bash "$FIXTURES/gen-seed.sh" --courses 1 --assignments 20 --pages 40 --modules 2 \
		--token test-token-1 >"$LOGDIR/seed.json"
	cat >"$LOGDIR/recipe.yaml" <<'EOF'
version: 1
courses: [1001]
steps:
  - shift_dates: {days: 7}
  - replace_text:
      in: [pages]
      replace: [{pattern: 'Fall 2025', with: 'Spring 2026'}, {pattern: 'problems', with: 'exercises'}]
EOF
	sim_start --seed "$LOGDIR/seed.json" --latency-ms 40
	state_snap seed.json
	local pid w j i n0 n1
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --concurrency 1 "$LOGDIR/recipe.yaml" \
		>"$LOGDIR/k.out" 2>"$LOGDIR/k.err" </dev/null &
	pid=$!
	for i in $(seq 1 2000); do
		w=$(stats .writes)
		[ "${w:-0}" -lt 4 ] || break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.005
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	for i in $(seq 1 400); do
		[ "$(stats .in_flight)" = 0 ] && break
		sleep 0.01
	done
	sleep 0.3
	j=$(journals)
	[ -n "$j" ] || fail "no journal"
	[ "$(tail -n 1 "$j" | jq -r .type)" != footer ] || fail "the kill came after the end of the run"
	n0=$(writes)

	run a2 apply "$LOGDIR/recipe.yaml" --yes
	expect_eq 1 "$RC" "the same command after the kill"
	expect_eq "$n0" "$(writes)" "writes of the same command"
	# it says so before anything else: no plan on stdout, the error names the resume command
	expect_eq "" "$(cat "$LOGDIR/a2")" "output of the refused apply"
	expect_match "error: an earlier run of .* was interrupted .*coursectl apply --resume $j" \
		"$(grep error: "$LOGDIR/a2.err" | head -n 1)" "first error line"
	# the plan says so as well, per course
	run p1 plan "$LOGDIR/recipe.yaml"
	grep -qF "finish it with \`coursectl apply --resume $j\`" "$LOGDIR/p1" || fail "plan: $(cat "$LOGDIR/p1")"

	# resuming finishes the run exactly once; then the recipe is applied and says so
	run r1 apply --resume "$j" --yes
	expect_eq 0 "$RC" "resume ($(tail -n 3 "$LOGDIR/r1.err"))"
	n1=$(writes)
	run a3 apply "$LOGDIR/recipe.yaml" --yes
	expect_eq 0 "$RC" "apply after the resume"
	expect_eq "$n1" "$(writes)" "writes after the resume"
	grep -qF "already applied to this course" "$LOGDIR/a3" || fail "after resume: $(cat "$LOGDIR/a3")"
	# and the course is exactly as one uninterrupted run leaves it (dates moved once)
	state_snap resumed.json
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	XDG_STATE_HOME=$LOGDIR/elsewhere run full apply "$LOGDIR/recipe.yaml" --yes
	expect_eq 0 "$RC" "uninterrupted apply"
	state_snap full.json
	state_same full.json resumed.json "after kill, refusal and resume"
}

test_rolled_back_run_does_not_block() {
	sim_start
	days_recipe
	local j
	run a1 apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "first apply"
	j=$(journals)
	run p1 plan "$LOGDIR/days.yaml" --format json
	expect_eq finished "$(jq -r '.skipped[] | select(.rerun) | .rerun' "$LOGDIR/p1")" "blocked before the rollback"
	run b1 rollback "$j" --yes
	expect_eq 0 "$RC" "rollback ($(tail -n 3 "$LOGDIR/b1.err"))"
	expect_eq 2025-02-08T04:59:59Z "$(due 90211)" "due date after the rollback"
	run a2 apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "apply after the rollback ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the new apply"
	grep -q "already applied" "$LOGDIR/a2" && fail "a rolled-back run blocked the apply"
	return 0
}

# A run rolled back, its journal file removed, and a new run journaled to the same file name
# (`--journal` again, as t0931 does): the rollback undid the old run (its run_id), not whatever
# now sits at that path, so the new run still blocks the next apply.
test_new_run_at_rolled_back_path_blocks() {
	sim_start
	days_recipe
	local jdir=$XDG_STATE_HOME/coursectl/journals w0
	mkdir -p "$jdir"
	run a1 apply "$LOGDIR/days.yaml" --yes --journal "$jdir/j.jsonl"
	expect_eq 0 "$RC" "first apply ($(tail -n 3 "$LOGDIR/a1.err"))"
	run b1 rollback "$jdir/j.jsonl" --yes
	expect_eq 0 "$RC" "rollback ($(tail -n 3 "$LOGDIR/b1.err"))"
	expect_eq 2025-02-08T04:59:59Z "$(due 90211)" "due date after the rollback"
	rm "$jdir/j.jsonl"
	run a2 apply "$LOGDIR/days.yaml" --yes --journal "$jdir/j.jsonl"
	expect_eq 0 "$RC" "new run at the same path ($(tail -n 3 "$LOGDIR/a2.err"))"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the new run"
	w0=$(writes)
	run a3 apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "third apply ($(tail -n 3 "$LOGDIR/a3.err"))"
	expect_eq "$w0" "$(writes)" "writes of the third apply"
	expect_eq 2025-02-15T04:59:59Z "$(due 90211)" "due date after the third apply"
	grep -qF "already applied to this course" "$LOGDIR/a3" || fail "not blocked: $(cat "$LOGDIR/a3")"
	grep -qF "$jdir/j.jsonl" "$LOGDIR/a3" || fail "the new run's journal is not named: $(cat "$LOGDIR/a3")"
}

test_where_matching_nothing_warns() {
	sim_start
	cat >"$LOGDIR/r.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - name: Hide the weekly modules
    modules:
      where: {name: '^Wek \d+'}
      set: {published: false}
EOF
	run t plan "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan"
	expect_eq 'Plan: no changes (1 warning).' "$(tail -n 1 "$LOGDIR/t")" "summary line"
	grep -qF "warning: step 'Hide the weekly modules' matched nothing in course 4821: where: {name: '^Wek \\d+'}" \
		"$LOGDIR/t" || fail "text: $(cat "$LOGDIR/t")"
	run j plan "$LOGDIR/r.yaml" --format json
	expect_eq "Hide the weekly modules|4821|{name: '^Wek \\d+'}|1" \
		"$(jq -r '.warnings[0] | "\(.step)|\(.course_id)|\(.where)|\($ARGS.named.n)"' --argjson n \
		"$(jq .summary.warnings "$LOGDIR/j")" "$LOGDIR/j")" "JSON warning"
	run m plan "$LOGDIR/r.yaml" --format markdown
	grep -qF "**warning:** step 'Hide the weekly modules' matched nothing in course 4821" "$LOGDIR/m" ||
		fail "markdown: $(cat "$LOGDIR/m")"
	grep -qF '(1 warning)' "$LOGDIR/m" || fail "markdown summary: $(head -n 5 "$LOGDIR/m")"
}

# A course with dates in both terms and no journal to explain it (a run interrupted on another
# machine, say): the term mapping still moves them all, as asked, and the plan warns.
test_half_shifted_course_warns() {
	jq '.courses[0].assignments[0].due_at = "2026-02-11T04:59:59Z"' "$DEMO_SEED" >"$LOGDIR/seed.json"
	sim_start --seed "$LOGDIR/seed.json"
	run p plan "$DEMO_RECIPE" --format json
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/p.err"))"
	expect_eq 0 "$(jq '[.skipped[] | select(.rerun)] | length' "$LOGDIR/p")" "rerun skips"
	[ "$(jq '.changes | length' "$LOGDIR/p")" -gt 100 ] || fail "the dates are not planned"
	expect_match "^step 'Move every date into the spring term' in course 5150: 1 of the [0-9]+ dates it would move \
are already in the new term" "$(jq -r '.warnings[] | select(.step | test("^Move")) | .message' "$LOGDIR/p")" "half-shift warning"
	expect_eq 0 "$(writes)" "writes of a plan"
}
