# tests/e2e/t0955-course-locks.sh -- two coursectl runs never change one course at the same time
# (runner/courselock.c).
#
# Found by running the CI template twice at once: both runs planned the same creates, neither
# stale check could see the other's, and every page, module and item of the template was in the
# course twice, one run exiting 0. Now apply (RECIPE, a saved plan, --resume) and rollback lock each
# course of their plan (a claim file per run, flock'ed, under the state directory)
# from before they read it to their end; a second run that wants one stops before it reads or
# writes, naming the course and the process. Each case checks the simulator: its state (every
# object once) and its request log (the refused run sent nothing).
#
# Cases: the CI template applied twice at once (the second is refused, nothing is twice, a run
# after it has nothing to do); a rollback while an apply of the same course runs (refused, then
# done); a run on other courses is not held up; a run killed with kill -9 leaves no lock behind
# (resume goes on at once); a saved plan's apply is held too; a plan made while a run of its recipe
# is in progress says so (rerun "running"), not "interrupted".

CI_SEED=$FIXTURES/ci-seed.json
LK_DELAY_MS=${LK_DELAY_MS:-400}

# slow_sim: canvas-sim on the CI seed whose writes each take LK_DELAY_MS (a /__sim/script delay), so
# a run is still writing, holding its courses, when the next one starts
slow_sim() {
	sim_start --seed "$CI_SEED"
	sim_post /__sim/script "[{\"method\": \"POST\", \"path\": \"/api/*\", \"action\": \"delay\", \"delay_ms\": $LK_DELAY_MS, \"count\": -1},
		{\"method\": \"PUT\", \"path\": \"/api/*\", \"action\": \"delay\", \"delay_ms\": $LK_DELAY_MS, \"count\": -1}]"
	expect_eq 2 "$(curl -s "$SIM_URL/__sim/script" | jq length)" "scripts armed"
}

ci_repo() {
	rm -rf "$LOGDIR/repo"
	cp -a "$ROOT/recipes/ci-template/." "$LOGDIR/repo/"
}

# journals: the journals of the default directory, oldest first
journals() {
	ls -1tr "$XDG_STATE_HOME"/coursectl/journals/*.jsonl 2>/dev/null || true
}

# wait_journal N: until the default directory holds N journals (the run holds its locks from
# before its plan, so a journal means they are held); fails after 20 s
wait_journal() {
	local i
	for i in $(seq 1 400); do
		[ "$(journals | wc -l)" -lt "$1" ] || return 0
		sleep 0.05
	done
	fail "no journal number $1 after 20 s"
}

# writes: the number of write requests (not GET) in the simulator's request log
writes() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length'
}

# every_object_once: no course holds two pages with one title or two modules with one name
every_object_once() {
	local dup
	dup=$(state '[.courses[] | ([.pages[]? | .title] | group_by(.) | map(select(length > 1) | .[0])) +
		([.modules[]? | .name] | group_by(.) | map(select(length > 1) | .[0]))] | flatten | join(", ")')
	expect_eq "" "$dup" "objects in Canvas twice"
}

test_the_template_applied_twice_at_once() {
	ci_repo
	slow_sim
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes "$LOGDIR/repo/recipe.yaml" \
		>"$LOGDIR/a.out" 2>"$LOGDIR/a.err" </dev/null &
	local a=$! rc_a=0
	wait_journal 1
	run b apply "$LOGDIR/repo/recipe.yaml" --yes
	wait "$a" || rc_a=$?
	expect_eq 0 "$rc_a" "the first apply ($(tail -n 2 "$LOGDIR/a.err"))"
	expect_eq 1 "$RC" "the second apply, started while the first ran"
	expect_match "error: course 6101 is being changed by another coursectl run on this machine \(process $a\); nothing was changed: run this again when it has finished" \
		"$(cat "$LOGDIR/b.err")" "the refusal"
	expect_eq "" "$(cat "$LOGDIR/b")" "the refused run printed a plan"
	expect_eq 1 "$(journals | wc -l)" "journals after the refused run"
	every_object_once
	expect_eq 3 "$(state '[.courses[] | select(any(.pages[]?; .url == "welcome"))] | length')" \
		"courses with the welcome page"
	# the refused run stopped before its plan read the courses
	expect_eq "" "$(grep 'plan: read' "$LOGDIR/b.err" || true)" "the refused run's plan"

	# once the first has finished, the same command has nothing left to do
	local w0
	w0=$(writes)
	run c apply "$LOGDIR/repo/recipe.yaml" --yes
	expect_eq 0 "$RC" "the apply after ($(tail -n 2 "$LOGDIR/c.err"))"
	expect_match "nothing to apply" "$(cat "$LOGDIR/c.err")" "the apply after"
	expect_eq "$w0" "$(writes)" "writes after the apply after"
	every_object_once
}

test_a_rollback_waits_for_the_apply_of_its_course() {
	ci_repo
	slow_sim
	cat >"$LOGDIR/days.yaml" <<'EOF'
version: 1
courses: [6101]
steps:
  - shift_dates: {days: 7}
EOF
	run d apply "$LOGDIR/days.yaml" --yes
	expect_eq 0 "$RC" "the dates' apply ($(tail -n 2 "$LOGDIR/d.err"))"
	local j1 a rc_a=0 w
	j1=$(journals)
	# the template (course 6101 among others) starts; the rollback of the dates must wait for it
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes "$LOGDIR/repo/recipe.yaml" \
		>"$LOGDIR/a.out" 2>"$LOGDIR/a.err" </dev/null &
	a=$!
	wait_journal 2
	run r rollback "$j1" --yes
	w=$(state '[.courses[] | select(.id == 6101) | .assignments[]? | .due_at] | join(",")')
	wait "$a" || rc_a=$?
	expect_eq 0 "$rc_a" "the template's apply ($(tail -n 2 "$LOGDIR/a.err"))"
	expect_eq 1 "$RC" "the rollback during the apply"
	expect_match "course 6101 is being changed by another coursectl run on this machine \(process $a\)" \
		"$(cat "$LOGDIR/r.err")" "the rollback's refusal"
	expect_eq 2 "$(journals | wc -l)" "journals after the refused rollback (it opened none)"
	expect_eq "$w" "$(state '[.courses[] | select(.id == 6101) | .assignments[]? | .due_at] | join(",")')" \
		"the dates after the refused rollback"
	# afterwards it runs
	run r2 rollback "$j1" --yes
	expect_eq 0 "$RC" "the rollback after ($(tail -n 2 "$LOGDIR/r2.err"))"
	expect_match '^Rolled back with' "$(tail -n 1 "$LOGDIR/r2")" "the rollback after"
}

test_other_courses_are_not_held_up() {
	ci_repo
	slow_sim
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --course 6101 \
		"$LOGDIR/repo/recipe.yaml" >"$LOGDIR/a.out" 2>"$LOGDIR/a.err" </dev/null &
	local a=$! rc_a=0
	wait_journal 1
	run b apply "$LOGDIR/repo/recipe.yaml" --yes --course sis_course_id:DS101-S26-W1
	wait "$a" || rc_a=$?
	expect_eq 0 "$rc_a" "the apply of 6101 ($(tail -n 2 "$LOGDIR/a.err"))"
	expect_eq 0 "$RC" "the apply of 6103 beside it ($(tail -n 2 "$LOGDIR/b.err"))"
	expect_eq 2 "$(state '[.courses[] | select(.id == 6101 or .id == 6103) | select(any(.pages[]?; .url == "welcome"))] | length')" \
		"courses 6101 and 6103 with the welcome page"
	every_object_once
}

test_kill_9_leaves_no_lock_and_a_saved_plan_is_held_too() {
	ci_repo
	slow_sim
	run p plan "$LOGDIR/repo/recipe.yaml" --out "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "plan ($(tail -n 2 "$LOGDIR/p.err"))"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes "$LOGDIR/plan.json" \
		>"$LOGDIR/a.out" 2>"$LOGDIR/a.err" </dev/null &
	local a=$! j
	wait_journal 1
	# a second apply of the same saved plan is held off while the first runs
	run b apply "$LOGDIR/plan.json" --yes
	expect_eq 1 "$RC" "the saved plan's second apply"
	expect_match "course 6101 is being changed by another coursectl run on this machine \(process $a\)" \
		"$(cat "$LOGDIR/b.err")" "the saved plan's second apply"
	kill -9 "$a" 2>/dev/null || true
	wait "$a" 2>/dev/null || true
	j=$(journals)
	# the kernel dropped the killed run's locks: resume goes on at once
	run r apply --resume "$j" --yes
	expect_eq 0 "$RC" "resume after kill -9 ($(tail -n 2 "$LOGDIR/r.err"))"
	every_object_once
	expect_eq 3 "$(state '[.courses[] | select(any(.pages[]?; .url == "welcome"))] | length')" \
		"courses with the welcome page"
}

test_a_plan_while_the_recipe_runs_says_so() {
	slow_sim
	cat >"$LOGDIR/days.yaml" <<'EOF'
version: 1
courses: [6101]
steps:
  - name: A week later
    shift_dates: {days: 7}
EOF
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes "$LOGDIR/days.yaml" \
		>"$LOGDIR/a.out" 2>"$LOGDIR/a.err" </dev/null &
	local a=$! rc_a=0 j
	wait_journal 1
	j=$(journals)
	run p plan "$LOGDIR/days.yaml" --format json
	wait "$a" || rc_a=$?
	expect_eq 0 "$rc_a" "the apply ($(tail -n 2 "$LOGDIR/a.err"))"
	expect_eq 0 "$RC" "plan during the apply ($(tail -n 2 "$LOGDIR/p.err"))"
	expect_eq "running $j" "$(jq -r '.skipped[] | "\(.rerun) \(.journal)"' "$LOGDIR/p")" \
		"the skip while the run is in progress"
	expect_match "a run of this recipe is in progress \(started .*, journal $j\), so none of these dates is moved now; plan again when it has finished" \
		"$(jq -r '.skipped[0].reason' "$LOGDIR/p")" "the skip's reason"
	# finished now: the usual skip
	run p2 plan "$LOGDIR/days.yaml" --format json
	expect_eq "finished" "$(jq -r '.skipped[0].rerun' "$LOGDIR/p2")" "the skip after the run"
}
