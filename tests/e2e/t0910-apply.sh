# tests/e2e/t0910-apply.sh -- `coursectl apply` and `coursectl rollback` against canvas-sim (issue 7).
#
# Seed: tests/fixtures/plan-seed.json (t0800-plan.sh describes it), so the recipes in recipes/ have
# real work to do. The main property is the round trip: apply then rollback gives back exactly the
# seed state, compared on whole /__sim/state dumps with jq after dropping only what Canvas itself
# writes on any save and a rollback cannot (and should not) put back:
#   - updated_at: every save bumps it (API.md 12), the save that undoes a change too;
#   - revisions, last_edited_by: a page keeps every version (API.md 7.5); the rollback adds one;
#   - posted_at: Canvas stamps it on the first save of a published topic that had none (the seed's
#     topics have none);
#   - all_day_date: Canvas derives it from a calendar event's start_at and stores it on save;
#   - workflow_state next to a published flag: canvas-sim stores the state it tracks once an
#     assignment or a module is (un)published; the API's flag for it is `published` (API.md 6.1,
#     12), which is compared;
#   - the tokens: the revoke test revokes one (the sim's state, not a course's).
# For the modules recipe the module it deletes comes back as a new object (a new id, and the
# defaults Canvas fills stored explicitly): it is compared by name and content instead.
# term-rollover runs on a variant of the seed where plan-seed.json's one-student override 9112 of
# assignment 9101 is due one day earlier (its seed date is after the lock date it inherits, which
# Canvas saves as it is: AssignmentOverride validates no date order). A refusal is shown with a
# grading period that closes between the plan and the apply: it is reported per change and fails
# only that assignment (Canvas's bulk update validates everything, saves nothing); the batch is
# sent again without it.
# Cases: the round trips (fix-links, term-rollover, modules-publish-weekly); requests used (one PUT
# per object, one bulk_update per course with every override date, Progress polling); a saved plan
# applied after one object changed in the sim (that object a conflict, the rest applied, exit 1);
# a 200 that changes nothing (the sim's "rewrite" script: stored as it was, the answer says so) is a
# failure; the journal's mode and that
# it holds no token; applying twice changes nothing the second time (recipe and saved plan);
# refusals (no --yes without a terminal, a plan of another Canvas); --format json; rollback
# --dry-run writes nothing; a token revoked mid-run stops with exit 3 and resume finishes.

PLAN_SEED=$FIXTURES/plan-seed.json
RECIPES=$ROOT/recipes
# What a round trip cannot restore and is not compared (see above): lib.sh's SIM_NORM.
NORM=$SIM_NORM

seed_variant() {
	local out=$LOGDIR/seed.$RANDOM.json
	jq "$1" "$PLAN_SEED" >"$out"
	echo "$out"
}

rollover_seed() {
	seed_variant '(.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101) | .overrides[]
		| select(.id == 9112) | .due_at) = "2025-09-10T05:59:59Z"'
}

snap() {
	curl -s "$SIM_URL/__sim/state" | jq -S "$NORM" >"$LOGDIR/$1"
}

# same_state WANT GOT WHAT: the two normalised dumps are equal.
same_state() {
	if ! diff -u "$LOGDIR/$1" "$LOGDIR/$2" >"$LOGDIR/state.diff"; then
		head -n 60 "$LOGDIR/state.diff" >&2
		fail "$3: the state differs (- $1, + $2)"
	fi
}

writes_since() {
	curl -s "$SIM_URL/__sim/requests?since=$1" | jq '[.[] | select(.method != "GET")] | length'
}

last_seq() {
	curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end'
}

# the summary line (a run that leaves something ends with a "Left: ..." line after it)
summary_line() {
	grep -E '^(Applied|Rolled back with) ' "$LOGDIR/$1" | tail -n 1
}

# ---------------------------------------------------------------- round trips

test_fix_links_apply_then_rollback() {
	sim_start --seed "$PLAN_SEED"
	snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "Applied 15 changes to 13 objects; 0 failed; 0 conflicts" "$(summary_line apply.out)" summary
	expect_match "journal: $LOGDIR/j.jsonl" "$(cat "$LOGDIR/apply.out.err")" "journal path printed"
	# the plan was shown first
	expect_match 'Plan: 15 changes to 13 objects in 2 courses' "$(cat "$LOGDIR/apply.out")" "plan shown"
	expect_match 'https://login.proxy.example.edu/login\?qurl=' \
		"$(state '.courses[] | select(.id == 4821) | .syllabus_body')" "syllabus written"
	expect_eq "Ed Discussion participation" \
		"$(state '.courses[] | select(.id == 4821) | .assignments[] | select(.id == 7103) | .name')" "name"
	# the quiz description was edited without a "quiz updated" notice to students (notify_of_update
	# defaults to true in Canvas; apply sends false)
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and
		(.path | test("/quizzes/")))] | length')" "one quiz PUT"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/notifications" | jq '[.[] | select(.type == "quiz_updated")] | length')" \
		"quiz_updated notifications"
	snap applied.json
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	expect_eq "Rolled back with 15 changes to 13 objects; 0 failed; 0 conflicts" "$(summary_line rb.out)" \
		"rollback summary"
	snap back.json
	same_state seed.json back.json "apply + rollback of fix-links"
	expect_eq '"rollback"' "$(head -n 1 "$LOGDIR/r.jsonl" | jq .run)" "the rollback's journal"
	expect_eq "\"$LOGDIR/j.jsonl\"" "$(head -n 1 "$LOGDIR/r.jsonl" | jq .rollback_of)" "rollback_of"
	# the rollback can be rolled back: the applied state again
	run rb2.out rollback --yes --journal "$LOGDIR/r2.jsonl" "$LOGDIR/r.jsonl"
	expect_eq 0 "$RC" "rollback of the rollback ($(cat "$LOGDIR/rb2.out.err"))"
	snap again.json
	same_state applied.json again.json "rollback of the rollback"
}

test_term_rollover_apply_then_rollback() {
	sim_start --seed "$(rollover_seed)"
	snap seed.json
	local since
	since=$(last_seq)
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/term-rollover.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 'Applied 40 changes to 23 objects; 0 failed; 0 conflicts' "$(summary_line apply.out)" \
		summary
	expect_eq "2026-01-28T06:59:59Z 2026-01-13T07:00:00Z 2026-01-30T06:59:59Z" \
		"$(state '.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101)
			| "\(.due_at) \(.unlock_at) \(.lock_at)"')" "assignment dates (bulk_update)"
	expect_eq "2026-01-30T06:59:59Z" \
		"$(state '.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101) | .overrides[]
			| select(.id == 9111) | .due_at')" "override date (bulk_update)"
	expect_eq "Week 5: Spring 2026 review" \
		"$(state '.courses[] | select(.id == 4824) | .modules[] | select(.id == 9503) | .name')" "module renamed"
	# dates went through one bulk_update per course, assignment PUTs carried no date
	curl -s "$SIM_URL/__sim/requests?since=$since" >"$LOGDIR/requests.json"
	expect_eq 2 "$(jq '[.[] | select(.path | endswith("/bulk_update"))] | length' "$LOGDIR/requests.json")" \
		"bulk updates (one per course)"
	expect_eq 0 "$(jq '[.[] | select(.method == "PUT" and (.path | test("/assignments/[0-9]+$")))
		| select(.body.assignment | has("due_at") or has("unlock_at") or has("lock_at"))] | length' \
		"$LOGDIR/requests.json")" "no date in an assignment PUT"
	expect_match '^[1-9]' "$(jq '[.[] | select(.path | test("^/api/v1/progress/"))] | length' \
		"$LOGDIR/requests.json")" "Progress polled"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	snap back.json
	same_state seed.json back.json "apply + rollback of term-rollover"
}

test_bulk_update_sends_every_override_date() {
	# an override with all three dates overridden and one with due_at only: the entry of the first
	# carries all three (a missing key would un-override it), the second only its due_at
	sim_start --seed "$(seed_variant '(.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101)
		| .overrides) = [{id: 9111, title: "Section 03", course_section_id: 7003,
		  due_at: "2025-09-10T05:59:59Z", unlock_at: "2025-09-02T06:00:00Z", lock_at: "2025-09-12T05:59:59Z"},
		 {id: 9112, title: "1 student", student_ids: [77001], due_at: "2025-09-10T05:59:59Z"}]')"
	snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --course sis_course_id:PHYS101-S26-02 \
		"$RECIPES/term-rollover.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.path | endswith("/bulk_update"))][0].body' \
		>"$LOGDIR/bulk.json"
	expect_eq '["due_at","id","lock_at","unlock_at"]' \
		"$(jq -c '.[] | select(.id == 9101) | .all_dates[] | select(.id == 9111) | keys' "$LOGDIR/bulk.json")" \
		"override 9111: all three dates"
	expect_eq '["due_at","id"]' \
		"$(jq -c '.[] | select(.id == 9101) | .all_dates[] | select(.id == 9112) | keys' "$LOGDIR/bulk.json")" \
		"override 9112: only the date it overrides"
	expect_eq '[true]' "$(jq -c '[.[] | select(.id == 9101) | .all_dates[0].base]' "$LOGDIR/bulk.json")" \
		"the base entry first"
	expect_eq "true" "$(state '.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101)
		| .overrides[] | select(.id == 9112) | (has("unlock_at") | not)')" "9112 still inherits unlock_at"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	snap back.json
	same_state seed.json back.json "apply + rollback with full overrides"
}

# gp_seed CLOSE_DATE: plan-seed.json whose course 4824 has a grading period around override 9112's
# new due date (2026-01-31T06:59:59Z; 9101's and 9111's stay out of it) that closes at CLOSE_DATE,
# and an open one after it
gp_seed() {
	seed_variant '(.courses[] | select(.id == 4824) | .grading_periods) = [
		{"id": 48, "title": "Jan 31", "start_date": "2026-01-30T12:00:00Z", "end_date": "2026-01-31T12:00:00Z",
		 "close_date": "'"$1"'"},
		{"id": 49, "title": "Rest", "start_date": "2026-01-31T12:00:00Z", "end_date": "2040-06-30T05:00:00Z",
		 "close_date": "2040-07-15T05:00:00Z"}]'
}

test_bulk_refusal_is_reported_per_change() {
	# a refusal the plan could not see: override 9112's new due date is in a grading period that an
	# admin closed after the plan was made (SubmittablesGradingPeriodProtection)
	sim_start --seed "$(gp_seed 2040-07-01T05:00:00Z)"
	run plan.out plan --out "$LOGDIR/plan.json" "$RECIPES/term-rollover.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	sim_post /__sim/seed "$(cat "$(gp_seed 2026-01-01T05:00:00Z)")"
	snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code"
	expect_match "course 4824, assignment_override 9112 '1 student', due_at: .*Cannot change an override due date to a date within a closed grading period" \
		"$(cat "$LOGDIR/apply.out.err")" "the override's own reason"
	# Canvas saves an assignment with its overrides: 9101's own dates fail with it, and say why
	expect_match "course 4824, assignment 9101 'Lab 1', due_at: not saved: Canvas refused the dates of assignment 9101" \
		"$(cat "$LOGDIR/apply.out.err")" "the assignment of the refused override says why"
	expect_eq 5 "$(grep -c 'error: course 4824, assignment[_a-z]* 91' "$LOGDIR/apply.out.err")" \
		"only assignment 9101's five date changes failed"
	expect_eq "2025-09-09T05:59:59Z" \
		"$(state '.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9101) | .due_at')" \
		"nothing of assignment 9101 saved"
	# one refused assignment does not sink the batch (issue 13): the course's other dates are saved
	expect_match '^2026-' \
		"$(state '.courses[] | select(.id == 4824) | .assignments[] | select(.id == 9102) | .due_at')" \
		"course 4824's other dates saved"
	expect_eq "2026-01-24T04:59:59Z" \
		"$(state '.courses[] | select(.id == 4821) | .assignments[] | select(.id == 7101) | .due_at')" \
		"course 4821's dates saved"
	expect_eq failed "$(jq -r 'select(.type == "outcome" and .seq == '"$(jq -c '.plan.changes[]
		| select(.kind == "assignment_override" and .id == 9112) | .seq' <(head -n 1 "$LOGDIR/j.jsonl"))"')
		| .state' "$LOGDIR/j.jsonl")" "journaled as failed"
	# a rollback undoes what was done and leaves the rest
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	snap back.json
	same_state seed.json back.json "rollback of a partly failed run"
}

test_modules_apply_then_rollback() {
	sim_start --seed "$PLAN_SEED"
	snap seed.json
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/modules-publish-weekly.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "8410:1 8412:2 8411:3 Syllabus Quiz:4 Library guide for physics:5" \
		"$(state '[.courses[] | select(.id == 4830) | .modules[] | select(.id == 8400) | .items[]
			| "\(if .id < 9000 then .id else .title end):\(.position)"] | join(" ")')" "items ordered and created"
	expect_eq "true true" "$(state '[.courses[] | select(.id == 4830) | .modules[] | select(.id == 8400) | .items[]
		| select(.position > 3) | .published] | map(tostring) | join(" ")')" "created items published"
	expect_eq 0 "$(state '[.courses[] | select(.id == 4830) | .modules[] | select(.name == "Sandbox")] | length')" \
		"Sandbox deleted"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	snap back.json
	# the re-created Sandbox: same place and content, a new id, defaults stored explicitly
	local pick='.courses[] | select(.id == 4830) | .modules[] | select(.name == "Sandbox")
		| {name, position, published, unlock_at, require_sequential_progress,
		   items: [.items[] | {title, type, external_url, position, published, indent}]}'
	expect_eq "$(jq -c "$pick" "$LOGDIR/seed.json")" "$(jq -c "$pick" "$LOGDIR/back.json")" "Sandbox re-created"
	local rest='del(.courses[] | select(.id == 4830) | .modules[] | select(.name == "Sandbox"))'
	jq -S "$rest" "$LOGDIR/seed.json" >"$LOGDIR/seed.rest.json"
	jq -S "$rest" "$LOGDIR/back.json" >"$LOGDIR/back.rest.json"
	same_state seed.rest.json back.rest.json "apply + rollback of modules-publish-weekly"
}

# ---------------------------------------------------------------- conflicts and failures

test_saved_plan_after_a_change_in_canvas() {
	sim_start --seed "$PLAN_SEED"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" \
		"$RECIPES/fix-links.yaml" >/dev/null 2>"$LOGDIR/plan.err" || fail "plan: $(cat "$LOGDIR/plan.err")"
	# someone edits page 5002 in Canvas after the plan was made
	api PUT /api/v1/courses/4821/pages/page_id:5002 -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"body": "<p>Edited by hand</p>"}}'
	expect_status 200
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code"
	expect_eq "Applied 14 changes to 12 objects; 0 failed; 1 conflict" "$(summary_line apply.out)" summary
	expect_match "^Left: 1 conflict \(1 of 15 changes not applied\); next: coursectl plan .*, or coursectl apply --resume $LOGDIR/j.jsonl --force" \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line says what is left and what to run"
	expect_match "Changed in Canvas since the plan, so not written: 1 field of 1 object" \
		"$(cat "$LOGDIR/apply.out")" "the conflict reported"
	expect_eq "<p>Edited by hand</p>" \
		"$(state '.courses[] | select(.id == 4821) | .pages[] | select(.page_id == 5002) | .body')" \
		"the edited page left alone"
	expect_match 'https://login.proxy.example.edu' \
		"$(state '.courses[] | select(.id == 4821) | .syllabus_body')" "the rest applied"
	expect_eq 1 "$(jq -s '[.[] | select(.type == "outcome" and .state == "conflict" and .live == "<p>Edited by hand</p>")]
		| length' "$LOGDIR/j.jsonl")" "journaled as a conflict with the live value"
	# --force writes over it; the rest is already done and is not written again
	local since
	since=$(last_seq)
	run force.out apply --yes --force --journal "$LOGDIR/j2.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply --force exit code ($(cat "$LOGDIR/force.out.err"))"
	expect_eq 1 "$(writes_since "$since")" "only the conflicting page written"
	expect_match 'https://' \
		"$(state '.courses[] | select(.id == 4821) | .pages[] | select(.page_id == 5002) | .body')" "forced"
}

# A 200 that changes nothing, as Canvas gives one (a dropped parameter, a permission that silently
# ignores): 7102's description is stored as it was (the sim's "rewrite" script turns the plan's
# `after` into its `before`), and the answer shows the old one. (An answer that shows the new value
# and does not last, the "ignore" script, is caught where a later write of the run can move the
# value: t0970-requests.sh; a PUT's answer is the object as Canvas saved it, exec_verify.c.)
unchanged_7102() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/p7102.json" "$RECIPES/fix-links.yaml" \
		>/dev/null 2>"$LOGDIR/p7102.err" || fail "plan: $(cat "$LOGDIR/p7102.err")"
	sim_post /__sim/script "$(jq -c '.changes[] | select(.id == 7102 and .field == "description")
		| {method: "PUT", path: "/api/v1/courses/4821/assignments/7102", action: "rewrite", from: .after,
		   to: .before, count: -1}' "$LOGDIR/p7102.json")"
}

test_a_200_that_changes_nothing_is_a_failure() {
	sim_start --seed "$PLAN_SEED"
	unchanged_7102
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 1 "$RC" "apply exit code"
	expect_eq "Applied 14 changes to 12 objects; 1 failed; 0 conflicts" "$(summary_line apply.out)" summary
	expect_match "error: course 4821, assignment 7102 'Problem Set 1', description: Canvas answered 200 but did not change description" \
		"$(cat "$LOGDIR/apply.out.err")" "the failure says what happened"
	expect_eq 1 "$(jq -s '[.[] | select(.type == "outcome" and .state == "failed")] | length' "$LOGDIR/j.jsonl")" \
		"journaled as failed"
}

test_a_post_without_answer_is_looked_for_not_repeated_blindly() {
	sim_start --seed "$PLAN_SEED"
	# the first two item POSTs get a proxy's 502 (nothing created; the engine does not retry a
	# POST by itself): each time apply lists the module's items, does not find the item, POSTs again
	sim_post /__sim/script '{"method": "POST", "path": "/api/v1/courses/4830/modules/*/items", "count": 2,
		"action": "respond", "status": 502, "content_type": "text/html", "body": "<html>502</html>"}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/modules-publish-weekly.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "Course overview|How to succeed|Library guide for physics|Syllabus Quiz|Welcome" \
		"$(state '[.courses[] | select(.id == 4830) | .modules[] | select(.id == 8400) | .items[] | .title]
			| sort | join("|")')" "the items"
	expect_eq 5 "$(state '[.courses[] | select(.id == 4830) | .modules[] | select(.id == 8400) | .items[]] | length')" \
		"five items, none twice"
	expect_eq 2 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "GET" and
		(.path | test("/modules/8400/items$")))] | length')" "looked for the item after each unclear answer"
	# a POST that got a 5xx is answered by a later one: the journal records the id it got
	expect_eq 2 "$(jq -s '[.[] | select(.type == "outcome" and .state == "done" and .id != null)] | length' \
		"$LOGDIR/j.jsonl")" "both creates journaled with their ids"
}

# ---------------------------------------------------------------- the journal

test_journal_mode_and_no_token() {
	APPLY_TOKEN=s3cr3t-t0k3n-value
	sim_start --seed "$(seed_variant '.tokens += ["s3cr3t-t0k3n-value"]')"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 600 "$(stat -c %a "$LOGDIR/j.jsonl")" "journal mode"
	expect_eq 0 "$(grep -c 's3cr3t' "$LOGDIR/j.jsonl" || true)" "no token in the journal"
	expect_eq 0 "$(grep -c 's3cr3t' "$LOGDIR/apply.out" "$LOGDIR/apply.out.err" | awk -F: '{s += $2} END {print s}')" \
		"no token in the output"
	# every change has an intent before its outcome, and the footer sums up
	expect_eq true "$(jq -s '[.[] | select(.type == "intent") | .seq] as $i
		| [.[] | select(.type == "outcome") | .seq] | all(. as $s | $i | index($s))' "$LOGDIR/j.jsonl")" \
		"an intent before every outcome"
	expect_eq 15 "$(tail -n 1 "$LOGDIR/j.jsonl" | jq .summary.done)" "footer"
	# the default directory, with XDG_STATE_HOME
	XDG_STATE_HOME=$LOGDIR/state CANVAS_API_TOKEN=$APPLY_TOKEN "$COURSECTL" rollback --yes --url "$SIM_URL" \
		"$LOGDIR/j.jsonl" >/dev/null 2>"$LOGDIR/rb.err" </dev/null || fail "rollback: $(cat "$LOGDIR/rb.err")"
	local j
	j=$(ls "$LOGDIR"/state/coursectl/journals/*.jsonl)
	expect_match "journal: $j" "$(cat "$LOGDIR/rb.err")" "default journal printed"
	expect_eq 600 "$(stat -c %a "$j")" "default journal mode"
}

test_format_json_result() {
	sim_start --seed "$PLAN_SEED"
	unchanged_7102
	run apply.json apply --yes --format json --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 1 "$RC" "exit code"
	jq -e . "$LOGDIR/apply.json" >/dev/null || fail "not JSON: $(head -c 300 "$LOGDIR/apply.json")"
	expect_eq "coursectl-apply-result 15 14 1 0" \
		"$(jq -r '"\(.format) \(.summary.changes) \(.summary.done) \(.summary.failed) \(.summary.conflicts)"' \
			"$LOGDIR/apply.json")" "summary"
	expect_eq "$LOGDIR/j.jsonl" "$(jq -r .journal "$LOGDIR/apply.json")" "journal"
	expect_eq "failed description" "$(jq -r '.changes[] | select(.state == "failed") | "\(.state) \(.field)"' \
		"$LOGDIR/apply.json")" "the failed change"
	expect_eq 15 "$(jq '[.changes[] | select(.seq > 0)] | length' "$LOGDIR/apply.json")" "every change"
}

# ---------------------------------------------------------------- running twice

test_apply_recipe_twice_changes_nothing() {
	sim_start --seed "$PLAN_SEED"
	run one.out apply --yes --journal "$LOGDIR/j1.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "first apply ($(cat "$LOGDIR/one.out.err"))"
	local since
	since=$(last_seq)
	run two.out apply --yes --journal "$LOGDIR/j2.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "second apply ($(cat "$LOGDIR/two.out.err"))"
	expect_match 'Plan: no changes' "$(cat "$LOGDIR/two.out")" "the second plan is empty"
	expect_match 'nothing to apply' "$(cat "$LOGDIR/two.out.err")" "said so"
	expect_eq 0 "$(writes_since "$since")" "no write the second time"
	[ ! -e "$LOGDIR/j2.jsonl" ] || fail "a journal was written for nothing"
}

test_apply_saved_plan_twice_changes_nothing() {
	sim_start --seed "$(rollover_seed)"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" \
		"$RECIPES/term-rollover.yaml" >/dev/null 2>"$LOGDIR/plan.err" || fail "plan: $(cat "$LOGDIR/plan.err")"
	run one.out apply --yes --journal "$LOGDIR/j1.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "first apply ($(cat "$LOGDIR/one.out.err"))"
	snap once.json
	local since n
	since=$(last_seq)
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	run two.out apply --yes --journal "$LOGDIR/j2.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "second apply ($(cat "$LOGDIR/two.out.err"))"
	expect_eq 0 "$(writes_since "$since")" "no write the second time: every value is already there"
	expect_eq "$n" "$(tail -n 1 "$LOGDIR/j2.jsonl" | jq .summary.done)" "all done"
	expect_eq 0 "$(jq -s '[.[] | select(.type == "intent")] | length' "$LOGDIR/j2.jsonl")" "no intent"
	snap twice.json
	same_state once.json twice.json "the second apply"
}

# ---------------------------------------------------------------- refusals and dry runs

test_refusals() {
	sim_start --seed "$PLAN_SEED"
	run noyes.out apply --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 64 "$RC" "without --yes and without a terminal"
	expect_match 'refusing to apply without --yes' "$(cat "$LOGDIR/noyes.out.err")" message
	[ ! -e "$LOGDIR/j.jsonl" ] || fail "a journal was created"
	expect_eq 0 "$(stats .writes)" "nothing written"
	# a plan made against another Canvas
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" \
		"$RECIPES/fix-links.yaml" >/dev/null 2>&1
	jq '.base_url = "https://canvas.example.edu"' "$LOGDIR/plan.json" >"$LOGDIR/other.json"
	run other.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/other.json"
	expect_eq 64 "$RC" "a plan of another Canvas"
	expect_match "was made against https://canvas.example.edu, but the configured Canvas is $SIM_URL" \
		"$(cat "$LOGDIR/other.out.err")" message
	run var.out apply --yes --var x=1 "$LOGDIR/plan.json"
	expect_eq 64 "$RC" "--var with a saved plan"
	run none.out apply --yes
	expect_eq 64 "$RC" "nothing to apply"
	# resume goes on with the journal's plan: options that choose courses are refused, not ignored
	local opt
	for opt in "--course 4821" "--shard 1/2" "--fail-fast" "--var x=1"; do
		# shellcheck disable=SC2086
		run resume.out apply --yes --resume "$LOGDIR/j.jsonl" $opt
		expect_eq 64 "$RC" "--resume with $opt"
		expect_match "do not apply" "$(cat "$LOGDIR/resume.out.err")" "--resume with $opt: message"
	done
	run rbnone.out rollback --yes
	expect_eq 64 "$RC" "rollback without a journal"
	expect_eq 0 "$(stats .writes)" "still nothing written"
}

test_rollback_dry_run_writes_nothing() {
	sim_start --seed "$PLAN_SEED"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/modules-publish-weekly.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out.err"))"
	local since
	since=$(last_seq)
	run dry.out rollback --dry-run "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "dry run ($(cat "$LOGDIR/dry.out.err"))"
	expect_match '\+ module new:[0-9]+ "Sandbox"' "$(cat "$LOGDIR/dry.out")" "the deleted module re-created"
	expect_match '\+ module item new:[0-9]+ "Test link" \(in module new:' "$(cat "$LOGDIR/dry.out")" \
		"with its item"
	expect_match '- module item [0-9]+ "Syllabus Quiz"' "$(cat "$LOGDIR/dry.out")" "the created item deleted"
	expect_match 'position  2 → 3' "$(cat "$LOGDIR/dry.out")" "positions back"
	run dry.json rollback --dry-run --format json "$LOGDIR/j.jsonl"
	expect_eq coursectl-plan "$(jq -r .format "$LOGDIR/dry.json")" "the rollback as a plan file"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq length)" "no request at all"
	expect_eq 1 "$(ls "$LOGDIR"/*.jsonl | wc -l)" "no journal written"
}

# ---------------------------------------------------------------- stop and resume

test_revoked_token_stops_and_resume_finishes() {
	sim_start --seed "$(seed_variant '.tokens += ["second-token"]')"
	snap seed.json
	# the 6th write revokes the token
	sim_post /__sim/script '{"method": "PUT", "path": "/api/*", "skip": 5, "action": "revoke_token"}'
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 3 "$RC" "exit code on a revoked token"
	expect_match "journal $LOGDIR/j.jsonl is complete.*coursectl apply --resume $LOGDIR/j.jsonl" \
		"$(cat "$LOGDIR/apply.out.err")" "how to resume"
	[ "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" != footer ] || fail "an interrupted run has no footer"
	APPLY_TOKEN=second-token run resume.out apply --resume "$LOGDIR/j.jsonl" --yes
	expect_eq 0 "$RC" "resume ($(cat "$LOGDIR/resume.out.err"))"
	# what the first run wrote is already in place; the rest is written now: 15 in all
	expect_match '^Applied [0-9]+ changes? to [0-9]+ objects?; [0-9]+ already in place; 0 failed; 0 conflicts$' \
		"$(summary_line resume.out)" summary
	expect_eq 15 "$(( $(summary_line resume.out | sed -E 's/^Applied ([0-9]+) .*; ([0-9]+) already.*/\1 + \2/') ))" \
		"written and already in place"
	expect_eq footer "$(tail -n 1 "$LOGDIR/j.jsonl" | jq -r .type)" "finished"
	snap resumed.json
	# the same state as an uninterrupted run
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	APPLY_TOKEN=second-token run full.out apply --yes --journal "$LOGDIR/full.jsonl" "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "uninterrupted apply ($(cat "$LOGDIR/full.out.err"))"
	snap full.json
	same_state full.json resumed.json "resume vs an uninterrupted run"
}

# Republishing a module publishes its items in Canvas (API.md 6.1). Rolling back "unpublish the
# weekly modules" republishes module 805 of the small seed, whose item 12047 is unpublished: the
# item must stay unpublished, and no other request may publish what the plan did not show.
test_rollback_of_unpublish_keeps_unpublished_items() {
	sim_start
	snap seed.json
	expect_eq false "$(state '.courses[0].modules[] | select(.id == 805) | .items[] | select(.id == 12047)
		| .published')" "the seed's unpublished item"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" --course 4821 "$RECIPES/term-rollover.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq false "$(state '.courses[0].modules[] | select(.id == 805) | .published')" "module hidden"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	expect_eq true "$(state '.courses[0].modules[] | select(.id == 805) | .published')" "module shown again"
	expect_eq false "$(state '.courses[0].modules[] | select(.id == 805) | .items[] | select(.id == 12047)
		| .published')" "the item stays unpublished"
	snap back.json
	same_state seed.json back.json "apply + rollback of term-rollover on the small seed"
}
