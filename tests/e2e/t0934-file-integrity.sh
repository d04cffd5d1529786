# tests/e2e/t0934-file-integrity.sh -- apply and rollback trust only the plans and journals coursectl
# wrote (issue 13, case 6).
#
# A saved plan is applied days after it was made, and a journal is rolled back weeks after the run:
# both are files anybody with access can edit, and both are data coursectl writes into Canvas. On
# 0.3.0 a plan whose `after` was edited applied silently, a change appended to it (an assignment's
# points_possible, which no recipe action produces) was written, and a journal whose `before` was
# edited was used by rollback although its header holds the plan's SHA-256. Now:
#   - a plan carries changes_sha256 (docs/plan-format.md "The digest"); apply recomputes it and
#     refuses a plan whose changes no longer match it;
#   - apply refuses a change no step of the plan's recipe can make, even when the digest was made
#     again (with the jq one-liner the docs give);
#   - rollback (and its dry run) and apply --resume refuse a journal whose header plan no longer
#     hashes to its plan_sha256 (docs/journal-format.md "Checked before use").
# Every refusal must leave the simulator exactly as it was: no request at all after the refusal
# (/__sim/requests), the state compared whole, and no journal created. The control: the same files
# unedited apply, resume and roll back with exit 0, back to the seed.
# Seed: tests/fixtures/plan-seed.json (t0800-plan.sh describes it); recipes from recipes/.

PLAN_SEED=$FIXTURES/plan-seed.json
RECIPES=$ROOT/recipes

# save_plan RECIPE OUT [ARGS...]: `coursectl plan RECIPE --out $LOGDIR/OUT ARGS...`.
save_plan() {
	local rcp=$1 out=$2
	shift 2
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/$out" "$rcp" "$@" >/dev/null \
		2>"$LOGDIR/$out.err" || fail "plan $rcp: $(cat "$LOGDIR/$out.err")"
}

# The next request's seq in the simulator's log (0 when none yet).
last_seq() {
	curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end'
}

# untouched SINCE STATE WHAT: no request at all since SINCE, and the state equals $LOGDIR/STATE.
untouched() {
	expect_eq "[]" "$(curl -s "$SIM_URL/__sim/requests?since=$1" | jq -c '[.[] | "\(.method) \(.path)"]')" \
		"$3: requests after the refusal"
	state_snap now.json
	state_same "$2" now.json "$3"
}

# The documented digest of a plan file (docs/plan-format.md "The digest"), for plans whose numbers
# are integers.
digest() {
	jq -jcS '{changes, recipe_sha256, recipe_steps}' "$1" | sha256sum | cut -d' ' -f1
}

# ---------------------------------------------------------------- saved plans

test_edited_after_is_refused() {
	sim_start --seed "$PLAN_SEED"
	save_plan "$RECIPES/fix-links.yaml" plan.json
	state_snap seed.json
	# the reviewed plan changed afterwards: one after, nothing else
	jq '.changes[0].after = "<p>Something nobody reviewed</p>"' "$LOGDIR/plan.json" >"$LOGDIR/edited.json"
	local since
	since=$(last_seq)
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/edited.json"
	expect_eq 1 "$RC" "exit code"
	expect_match "$LOGDIR/edited.json was changed after coursectl wrote it: its changes no longer match their digest" \
		"$(cat "$LOGDIR/a.out.err")" "the message names the file"
	expect_match "nothing was changed\. .*coursectl plan .*fix-links\.yaml --out $LOGDIR/edited\.json" \
		"$(cat "$LOGDIR/a.out.err")" "the message says to plan again"
	[ ! -e "$LOGDIR/j.jsonl" ] || fail "a journal was created"
	untouched "$since" seed.json "an edited after"
	expect_eq "$(digest "$LOGDIR/plan.json")" "$(jq -r .changes_sha256 "$LOGDIR/plan.json")" \
		"the digest as documented"
	# a plan only laid out again (jq ., keys sorted) is the same plan
	jq -S . "$LOGDIR/plan.json" >"$LOGDIR/relaid.json"
	run b.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/relaid.json"
	expect_eq 0 "$RC" "the re-laid-out plan applies ($(cat "$LOGDIR/b.out.err"))"
	expect_match '^Applied 15 changes to 13 objects; 0 failed; 0 conflicts$' "$(tail -n 1 "$LOGDIR/b.out")" summary
}

test_change_no_step_makes_is_refused() {
	sim_start --seed "$PLAN_SEED"
	save_plan "$RECIPES/term-rollover.yaml" plan.json --course 4821
	state_snap seed.json
	local since n
	since=$(last_seq)
	n=$(jq '.changes | length' "$LOGDIR/plan.json")
	# assignment 7101's points (20 in the seed) to 100, attributed to the shift_dates step
	jq --argjson n "$n" '.changes += [.changes[] | select(.kind == "assignment" and .id == 7101 and .field == "due_at")
		| .seq = $n + 1 | .field = "points_possible" | .before = 20 | .after = 100]' \
		"$LOGDIR/plan.json" >"$LOGDIR/points.json"
	expect_eq "$((n + 1))" "$(jq '.changes | length' "$LOGDIR/points.json")" "one change appended"
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/points.json"
	expect_eq 1 "$RC" "appended: exit code"
	expect_match "points\.json was changed after coursectl wrote it" "$(cat "$LOGDIR/a.out.err")" \
		"appended: refused by the digest"
	# the digest made again as the docs say: the step's action is what refuses it now
	jq --arg d "$(digest "$LOGDIR/points.json")" '.changes_sha256 = $d' "$LOGDIR/points.json" >"$LOGDIR/resealed.json"
	run b.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/resealed.json"
	expect_eq 1 "$RC" "resealed: exit code"
	expect_match "resealed\.json: change $((n + 1)) \(course 4821, assignment 7101, points_possible\): step 'Move every date into the spring term' is a shift_dates step, which cannot change points_possible; nothing was changed" \
		"$(cat "$LOGDIR/b.out.err")" "resealed: the message names course, object and field"
	[ ! -e "$LOGDIR/j.jsonl" ] || fail "a journal was created"
	untouched "$since" seed.json "a points_possible change"
	expect_eq 20 "$(state '.courses[] | select(.id == 4821) | .assignments[] | select(.id == 7101) | .points_possible')" \
		"the points"
}

test_plan_without_digest_is_refused() {
	sim_start --seed "$PLAN_SEED"
	save_plan "$RECIPES/fix-links.yaml" plan.json
	state_snap seed.json
	local since
	since=$(last_seq)
	# what coursectl 0.3.0 wrote: no recipe_steps, no changes_sha256
	jq 'del(.changes_sha256, .recipe_steps)' "$LOGDIR/plan.json" >"$LOGDIR/old.json"
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/old.json"
	expect_eq 1 "$RC" "exit code"
	expect_match "old\.json carries no digest of its changes \(changes_sha256\): it was written by coursectl 0\.3\.0" \
		"$(cat "$LOGDIR/a.out.err")" message
	untouched "$since" seed.json "a plan of 0.3.0"
}

# ---------------------------------------------------------------- journals

# edit_before JOURNAL OUT SEQ: the journal with the `before` of change SEQ in its header edited
# (text put in front of it), byte for byte the same otherwise.
edit_before() {
	sed -E '1s/("seq":'"$3"',[^}]*"before":")/\1EDITED /' "$1" >"$2"
	! cmp -s "$1" "$2" || fail "edit_before changed nothing"
}

test_edited_journal_refused_by_rollback() {
	sim_start --seed "$PLAN_SEED"
	state_snap seed.json
	# 4821 alone: the plain seed's course 4824 has an override bulk_update refuses (t0910-apply.sh)
	save_plan "$RECIPES/term-rollover.yaml" p.json --course 4821
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/p.json"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/a.out.err"))"
	state_snap applied.json
	edit_before "$LOGDIR/j.jsonl" "$LOGDIR/edited.jsonl" 1
	local since
	since=$(last_seq)
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/edited.jsonl"
	expect_eq 1 "$RC" "rollback exit code"
	expect_match "$LOGDIR/edited\.jsonl:1: the plan in the header does not match the header's plan_sha256 \([0-9a-f]{12}\.\.\., the plan hashes to [0-9a-f]{12}\.\.\.\): the journal was edited after the run wrote it, so its before values cannot be trusted; nothing was changed" \
		"$(cat "$LOGDIR/rb.out.err")" "the message"
	[ ! -e "$LOGDIR/r.jsonl" ] || fail "a rollback journal was created"
	run dry.out rollback --dry-run "$LOGDIR/edited.jsonl"
	expect_eq 1 "$RC" "dry run exit code"
	expect_match "does not match the header's plan_sha256" "$(cat "$LOGDIR/dry.out.err")" "dry run message"
	untouched "$since" applied.json "rollback of an edited journal"
	# the journal as written rolls back to the seed
	run rb2.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback of the journal as written ($(cat "$LOGDIR/rb2.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

test_edited_journal_refused_by_resume() {
	jq '.tokens += ["second-token"]' "$PLAN_SEED" >"$LOGDIR/seed.in.json"
	sim_start --seed "$LOGDIR/seed.in.json"
	state_snap seed.json
	save_plan "$RECIPES/fix-links.yaml" plan.json
	# the 6th write revokes the token: the run stops (exit 3) with changes left to do
	sim_post /__sim/script '{"method": "PUT", "path": "/api/*", "skip": 5, "action": "revoke_token"}'
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 3 "$RC" "the interrupted apply ($(cat "$LOGDIR/a.out.err"))"
	state_snap stopped.json
	edit_before "$LOGDIR/j.jsonl" "$LOGDIR/edited.jsonl" 2
	cp "$LOGDIR/edited.jsonl" "$LOGDIR/edited.copy"
	local since
	since=$(last_seq)
	APPLY_TOKEN=second-token run r.out apply --resume "$LOGDIR/edited.jsonl" --yes
	expect_eq 1 "$RC" "resume exit code"
	expect_match "$LOGDIR/edited\.jsonl:1: the plan in the header does not match the header's plan_sha256 .*nothing was changed" \
		"$(cat "$LOGDIR/r.out.err")" "the message"
	cmp -s "$LOGDIR/edited.jsonl" "$LOGDIR/edited.copy" || fail "the refused journal was written to"
	APPLY_TOKEN=second-token run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/edited.jsonl"
	expect_eq 1 "$RC" "rollback exit code"
	untouched "$since" stopped.json "resume and rollback of an edited journal"
	# the journal as written: resume finishes, rollback gives the seed back
	APPLY_TOKEN=second-token run r2.out apply --resume "$LOGDIR/j.jsonl" --yes
	expect_eq 0 "$RC" "resume of the journal as written ($(cat "$LOGDIR/r2.out.err"))"
	# what the first run wrote is already in place; the rest is written now: 15 in all
	expect_match '^Applied [0-9]+ changes? to [0-9]+ objects?; [0-9]+ already in place; 0 failed; 0 conflicts$' \
		"$(tail -n 1 "$LOGDIR/r2.out")" "resume summary"
	expect_eq 15 "$(( $(tail -n 1 "$LOGDIR/r2.out" | sed -E 's/^Applied ([0-9]+) .*; ([0-9]+) already.*/\1 + \2/') ))" \
		"resume: written and already in place"
	APPLY_TOKEN=second-token run rb2.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb2.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply, resume, rollback"
}

# A record that disagrees with the plan: an outcome naming an object id for an update (rollback
# would then look for that object). Refused when the journal is read, FILE:LINE named.
test_record_disagreeing_with_plan_is_refused() {
	sim_start --seed "$PLAN_SEED"
	save_plan "$RECIPES/fix-links.yaml" plan.json
	run a.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/a.out.err"))"
	state_snap applied.json
	printf '{"type":"outcome","seq":1,"state":"done","id":"9999"}\n' >>"$LOGDIR/j.jsonl"
	local since
	since=$(last_seq)
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 1 "$RC" "rollback exit code"
	expect_match "$LOGDIR/j\.jsonl:[0-9]+: the outcome of change 1 carries an object id, but the plan has change 1 as an update, not a create" \
		"$(cat "$LOGDIR/rb.out.err")" "the message"
	untouched "$since" applied.json "rollback of a journal with a record the plan disagrees with"
}
