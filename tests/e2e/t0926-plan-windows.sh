# tests/e2e/t0926-plan-windows.sh -- a plan of more courses than one window (issue 18, "flat memory"):
# plan_make finishes the changes a window of courses at a time and, when the plan has more than one
# window, spills them to a temporary file; `plan`, the plan file, its digest, the text and the JSON
# output, and `apply RECIPE` walk them window by window (include/plan.h "Windows"). None of it may
# show: with COURSECTL_PLAN_WINDOW=1 (every course a window of its own) and =2, each case must give
# what the default (one window: nothing spilled) gives, byte for byte -- the plan file, what plan
# prints in every format (the Markdown comment and the HTML calendar walk the windows too) and
# what apply prints, every request in order, the journal, the state after apply and after rollback.
#
# Cases: the golden recipes (tests/e2e/t0960-golden.sh: shift_dates with creates, modules moves,
# pages, replace_text, the section events' calendar, a schedule), a run with a course that fails,
# a resume after a 401 in a later course, and a rollback of each apply.

# wnorm DIR: what varies from run to run, nothing else (t0960's golden_norm, and the run's own
# directory).
wnorm() {
	local today yesterday
	today=$(date -u +%F)
	yesterday=$(date -u -d yesterday +%F)
	sed -E \
		-e "s|$1|<DIR>|g" \
		-e 's|127\.0\.0\.1:[0-9]+|127.0.0.1:<PORT>|g' \
		-e "s/($today|$yesterday)T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/<NOW>/g" \
		-e 's/[0-9]+\.[0-9]+ s\b/<T> s/g' \
		-e 's/\bin [0-9]+s\b/in <T>s/g' \
		-e 's/("run_id":[[:space:]]*")[0-9a-f]{32}"/\1<RUN>"/g' \
		-e 's/("rollback_of_run":[[:space:]]*")[0-9a-f]{32}"/\1<RUN>"/g' \
		-e 's/("plan_sha256":[[:space:]]*")[0-9a-f]{64}"/\1<SHA>"/g'
}

# wc_ DIR WINDOW NAME ARGS...: coursectl ARGS (the case's state directory, COURSECTL_PLAN_WINDOW
# WINDOW unless empty), stdout then stderr and the exit code in DIR/NAME, normalised.
wc_() {
	local d=$1 w=$2 name=$3 rc=0
	shift 3
	env XDG_STATE_HOME="$d/state" NO_COLOR=1 CANVAS_API_TOKEN="${APPLY_TOKEN:-$TOKEN}" \
		${w:+COURSECTL_PLAN_WINDOW=$w} "$COURSECTL" "$@" --url "$SIM_URL" >"$d/$name.out" 2>"$d/$name.err" \
		</dev/null || rc=$?
	{
		cat "$d/$name.out"
		echo "--- stderr"
		cat "$d/$name.err"
		echo "exit $rc"
	} | wnorm "$d" >"$d/$name"
	rm -f "$d/$name.out" "$d/$name.err"
}

# wreq DIR NAME: every request so far without its timing, sorted (as t0960 keeps them: a bulk
# update's Progress polls interleave with other answers as they arrive); wstate DIR NAME: the state.
wreq() {
	curl -s "$SIM_URL/__sim/requests" | jq -c '.[] | [.method, .path, .query, .status]' | LC_ALL=C sort >"$1/$2"
}

wstate() {
	curl -s "$SIM_URL/__sim/state" | jq -S "$SIM_NORM" | wnorm "$1" >"$1/$2"
}

# wjournal DIR JOURNAL NAME: the journal's lines, normalised.
wjournal() {
	wnorm "$1" <"$1/$2" >"$1/$3"
}

# wcase WINDOW SEED RECIPE [PLAN ARGS...]: plan, plan --format json, apply RECIPE and rollback in
# $LOGDIR/w<WINDOW> against a fresh simulator.
wcase() {
	local w=$1 seed=$2 recipe=$3 d=$LOGDIR/w${1:-0}
	shift 3
	rm -rf "$d"
	mkdir -p "$d"
	sim_start --seed "$seed" --throttle off --progress-delay-ms 0
	wc_ "$d" "$w" plan.txt plan "$recipe" --color never --out "$d/plan.json" --concurrency 1 "$@"
	[ -s "$d/plan.json" ] || fail "plan saved no plan: $(cat "$d/plan.txt")"
	wnorm "$d" <"$d/plan.json" >"$d/plan-file.json"
	wc_ "$d" "$w" plan-format-json.txt plan "$recipe" --format json --concurrency 1 "$@"
	wc_ "$d" "$w" plan-format-md.txt plan "$recipe" --format markdown --concurrency 1 "$@"
	wc_ "$d" "$w" plan-format-html.txt plan "$recipe" --format html --concurrency 1 "$@"
	wc_ "$d" "$w" apply.txt apply "$recipe" --yes --journal "$d/apply.jsonl" --color never --concurrency 1 "$@"
	wstate "$d" state-applied.json
	wjournal "$d" apply.jsonl journal-apply.txt
	wc_ "$d" "$w" rollback.txt rollback "$d/apply.jsonl" --yes --journal "$d/rollback.jsonl" --concurrency 1
	wstate "$d" state-rolled-back.json
	wjournal "$d" rollback.jsonl journal-rollback.txt
	wreq "$d" requests.txt
	rm -rf "$d/state" "$d/plan.json" "$d/apply.jsonl" "$d/rollback.jsonl"
}

# wsame: every window's outputs are the default's.
wsame() {
	local w
	for w in 1 2; do
		if ! diff -ru "$LOGDIR/w0" "$LOGDIR/w$w" >"$LOGDIR/w$w.diff"; then
			head -n 60 "$LOGDIR/w$w.diff" >&2
			fail "COURSECTL_PLAN_WINDOW=$w differs from one window (- one window, + $w; all of it in $LOGDIR/w$w.diff)"
		fi
	done
}

# wall SEED RECIPE [PLAN ARGS...]: the case with the default window, then windows of 1 and 2.
wall() {
	local w
	for w in "" 1 2; do
		wcase "$w" "$@"
	done
	wsame
}

test_golden_recipes_over_windows() {
	wall "$FIXTURES/plan-seed.json" recipes/term-rollover.yaml
	wall "$FIXTURES/plan-seed.json" recipes/fix-links.yaml
	wall "$FIXTURES/plan-seed.json" recipes/modules-publish-weekly.yaml
	wall "$FIXTURES/plan-seed.json" recipes/ci-template.yaml --var course=4821
	wall "$FIXTURES/ci-seed.json" recipes/ci-template/recipe.yaml
	wall "$FIXTURES/rollover-seed.json" tests/fixtures/recipes/rollover-e2e.yaml
	wall "$FIXTURES/calendar-seed.json" tests/fixtures/calendar-rollover.yaml
	wall "$ROOT/recipes/semester-schedule/seed.json" recipes/semester-schedule.yaml
	wall "$ROOT/recipes/demo/seed.json" recipes/demo/term-rollover.yaml
}

# Many courses of the generated kind (t0925's), one of them missing: the plan leaves it out.
many_seed() {
	week_seed '[1001, 1002, 1003, 1009, 1004, 1005]' --courses 5 --assignments 6 --pages 3 --modules 2 \
		--overrides-every 2 --token test-token-1 --token second-token
}

test_many_courses_one_failing_over_windows() {
	many_seed
	wall "$LOGDIR/seed.json" "$LOGDIR/recipe.yaml"
	expect_match 'course 1009' "$(cat "$LOGDIR/w1/plan.txt")" "the missing course named"
	expect_match '^Plan: [0-9]+ changes to [0-9]+ objects in 5 courses' "$(grep '^Plan:' "$LOGDIR/w1/plan.txt")" \
		"the five courses planned"
	# the spilled plan is the plan: every change, numbered 1..n in course order
	expect_eq true "$(jq '[.changes[].seq] == [range(1; (.changes | length) + 1)]' "$LOGDIR/w1/plan-file.json")" \
		"seqs 1..n"
	expect_eq '[1001,1002,1003,1004,1005]' "$(jq -c '[.changes[].course_id] | unique' "$LOGDIR/w1/plan-file.json")" \
		"every course's changes"
	# and it was spilled: windows of one course, read back one at a time (not so with the default)
	wc_ "$LOGDIR/w1" 1 plan-v.txt plan "$LOGDIR/recipe.yaml" -v
	expect_match 'the 90 changes of 5 courses are kept in a temporary file and read back 1 course at a time' \
		"$(cat "$LOGDIR/w1/plan-v.txt")" "the plan spilled"
	wc_ "$LOGDIR/w0" "" plan-v.txt plan "$LOGDIR/recipe.yaml" -v
	! grep -q 'temporary file' "$LOGDIR/w0/plan-v.txt" || fail "a plan of one window spilled"
}

# apply --format json: the result document, every change's outcome, read back window by window.
test_apply_result_document_over_windows() {
	local w d
	many_seed
	for w in "" 1 2; do
		d=$LOGDIR/w${w:-0}
		rm -rf "$d"
		mkdir -p "$d"
		sim_start --seed "$LOGDIR/seed.json" --throttle off --progress-delay-ms 0
		wc_ "$d" "$w" apply.json apply "$LOGDIR/recipe.yaml" --yes --journal "$d/apply.jsonl" --format json \
			--concurrency 1
		wstate "$d" state-applied.json
		rm -rf "$d/state" "$d/apply.jsonl"
	done
	wsame
	expect_eq 90 "$(sed '/^--- stderr$/,$d' "$LOGDIR/w1/apply.json" | jq '[.changes[] | select(.state == "done")] | length')" \
		"every change done in the document"
	expect_eq true "$(sed '/^--- stderr$/,$d' "$LOGDIR/w1/apply.json" | jq '[.changes[].seq] == [range(1; 91)]')" \
		"the document's changes, in order"
}

# A 401 at the first write to the fourth course: the run stops there; resume (with the journal's
# plan, another token) finishes it. Windows of one course end where the default does.
wresume() {
	local w=$1 d=$LOGDIR/w${1:-0}
	rm -rf "$d"
	mkdir -p "$d"
	sim_start --seed "$LOGDIR/seed.json" --throttle off --progress-delay-ms 0
	sim_post /__sim/script '{"method": "PUT", "path": "/api/v1/courses/1004/*", "action": "revoke_token"}'
	wc_ "$d" "$w" apply.txt apply "$LOGDIR/recipe.yaml" --yes --journal "$d/apply.jsonl" --color never \
		--concurrency 1
	expect_match 'exit 3' "$(tail -n 1 "$d/apply.txt")" "apply stopped by the 401"
	wjournal "$d" apply.jsonl journal-stopped.txt
	APPLY_TOKEN=second-token wc_ "$d" "$w" resume.txt apply --yes --resume "$d/apply.jsonl" --color never \
		--concurrency 1
	expect_match 'exit 1' "$(tail -n 1 "$d/resume.txt")" "the resume (the missing course still fails the run)"
	wstate "$d" state-resumed.json
	wjournal "$d" apply.jsonl journal-resumed.txt
	APPLY_TOKEN=second-token wc_ "$d" "$w" rollback.txt rollback "$d/apply.jsonl" --yes \
		--journal "$d/rollback.jsonl" --concurrency 1
	wstate "$d" state-rolled-back.json
	wreq "$d" requests.txt
	rm -rf "$d/state" "$d/apply.jsonl" "$d/rollback.jsonl"
}

test_resume_after_a_401_in_a_later_window() {
	local w
	many_seed
	for w in "" 1 2; do
		wresume "$w"
	done
	wsame
	expect_eq "$(jq -S 'del(.tokens)' "$LOGDIR/seed.json" | jq -c '[.courses[].assignments[].due_at]')" \
		"$(jq -c '[.courses[].assignments[].due_at]' "$LOGDIR/w1/state-rolled-back.json")" \
		"the rollback gives the seed's due dates back"
}

# wprompt DIR WINDOW NAME ARGS...: coursectl ARGS on a terminal (a pty); when it asks, $EDIT (a
# shell command) runs and "y" is answered (t0970's at_prompt). Output in DIR/NAME, normalised.
wprompt() {
	local d=$1 w=$2 name=$3 rc=0
	shift 3
	env XDG_STATE_HOME="$d/state" NO_COLOR=1 CANVAS_API_TOKEN="$TOKEN" ${w:+COURSECTL_PLAN_WINDOW=$w} \
		EDIT="${EDIT:-}" /usr/bin/python3 "$ROOT/tests/e2e/answer-prompt.py" "$d/$name.raw" 0 "$COURSECTL" "$@" \
		--url "$SIM_URL" || rc=$?
	# the progress lines (rewritten in place) count requests as answers arrive: timing, left out
	{
		tr -d '\r' <"$d/$name.raw" | grep -v $'\e\\[K'
		echo "exit $rc"
	} | wnorm "$d" >"$d/$name"
	rm -f "$d/$name.raw"
}

# A teacher edits a due date of the fourth course while apply asks: a conflict in a later window,
# reported (render_conflicts, window by window) as with one window, and kept.
wconflict() {
	local w=$1 d=$LOGDIR/w${1:-0} a
	rm -rf "$d"
	mkdir -p "$d"
	sim_start --seed "$LOGDIR/seed.json" --throttle off --progress-delay-ms 0
	a=$(jq -r '.courses[] | select(.id == 1004) | [.assignments[] | select(.due_at != null)][0].id' \
		"$LOGDIR/seed.json")
	EDIT="curl -s -o /dev/null -X PUT -H 'Authorization: Bearer $TOKEN' --data-urlencode 'assignment[due_at]=2025-10-01T05:59:59Z' $SIM_URL/api/v1/courses/1004/assignments/$a" \
		wprompt "$d" "$w" apply.txt apply "$LOGDIR/recipe.yaml" --journal "$d/apply.jsonl" --color never \
		--concurrency 1
	expect_match 'Changed in Canvas since the plan, so not written: 1 field of 1 object' "$(cat "$d/apply.txt")" \
		"the conflict reported"
	expect_match 'Course 1004 ' "$(sed -n '/Changed in Canvas since the plan/,$p' "$d/apply.txt")" \
		"the conflict's course"
	expect_eq 2025-10-01T05:59:59Z "$(state ".courses[] | select(.id == 1004) | .assignments[] | select(.id == $a) | .due_at")" \
		"the teacher's edit kept"
	wstate "$d" state-applied.json
	wjournal "$d" apply.jsonl journal-apply.txt
	wreq "$d" requests.txt
	rm -rf "$d/state" "$d/apply.jsonl"
}

test_conflict_in_a_later_window() {
	local w
	many_seed
	for w in "" 1 2; do
		wconflict "$w"
	done
	wsame
}
