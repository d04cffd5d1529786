# tests/e2e/t0850-many-courses.sh -- many courses (issue 8): account/term listings, from_file,
# --shard, per-course failure isolation, --fail-fast, exit codes.
#
# The seed is tests/fixtures/many-courses-seed.json: accounts 200 (Engineering) and 300 (Arts),
# terms 50 (sis 2026SP) and 51 (sis 2026FA), eight courses 6101..6108, each with one page
# "contact" whose body names helpdesk@old.example.edu, so the recipe below changes every course:
#   account 200, term 50: 6101 ENGR 101, 6102 ENGR 102, 6103 ENGR 201 (unpublished), 6104 MATH 101,
#                          6105 ENGR 301, 6108 ENGR 401 "Capstone Design"
#   account 200, term 51: 6106 ENGR 101 (Fall)       account 300, term 50: 6107 ART 101
# Every course has sis_course_id <CODE without space>-S26 (6106: ENGR101-F26).

MANY_SEED=$FIXTURES/many-courses-seed.json
STEP='steps:
  - replace_text: {in: [pages], pattern: helpdesk@old\.example\.edu, with: help@example.edu}'

cc() {
	CANVAS_API_TOKEN=${CC_TOKEN:-$TOKEN} "$COURSECTL" "$@" --url "$SIM_URL"
}

# run OUT ARGS...: stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err; sets RC.
run() {
	local out=$1
	shift
	RC=0
	cc "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

# recipe NAME COURSES-YAML: a recipe with the replace step; prints its path.
recipe() {
	printf 'version: 1\ncourses: %s\n%s\n' "$2" "$STEP" >"$LOGDIR/$1.yaml"
	echo "$LOGDIR/$1.yaml"
}

# planned FILE: the course ids of a JSON plan, sorted, one line, space-separated.
planned() {
	jq -r '[.courses[].id] | sort | map(tostring) | join(" ")' "$1"
}

# body ID: the contact page body of course ID in the simulator's state.
body() {
	state ".courses[] | select(.id == $1) | .pages[0].body"
}

OLD='<p>Questions: helpdesk@old.example.edu</p>'
NEW='<p>Questions: help@example.edu</p>'

test_account_term_listing_with_where() {
	local r
	sim_start --seed "$MANY_SEED"
	r=$(recipe a "{account: 200, term: 50, where: {course_code: '^ENGR', published: true}}")
	run a.json plan "$r" --format json
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/a.json.err"))"
	expect_eq "6101 6102 6105 6108" "$(planned "$LOGDIR/a.json")" "ENGR, published, account 200, term 50"
	expect_eq '[6101,6102,6105,6108]' "$(jq -c '[.courses[].id]' "$LOGDIR/a.json")" "by id"
	expect_eq 4 "$(jq '.changes | length' "$LOGDIR/a.json")" "one change per course"
	curl -s "$SIM_URL/__sim/requests" | jq -r '.[] | "\(.method) \(.path)?\(.query // "")"' >"$LOGDIR/req"
	grep -q '^GET /api/v1/accounts/200/courses' "$LOGDIR/req" || fail "no account listing: $(cat "$LOGDIR/req")"
	r=$(recipe b "{account: 200, term: 50, where: {name: '(?i)^(statics|capstone)'}}")
	run b.json plan "$r" --format json
	expect_eq "6102 6108" "$(planned "$LOGDIR/b.json")" "where.name"
	r=$(recipe c "{account: 200, term: 50, where: {published: false}}")
	run c.json plan "$r" --format json
	expect_eq "6103" "$(planned "$LOGDIR/c.json")" "published: false"
	# --course narrows a listing, by id or by SIS id; a course outside it is a usage error
	run d.json plan "$LOGDIR/a.yaml" --format json --course sis_course_id:ENGR102-S26 --course 6105
	expect_eq "6102 6105" "$(planned "$LOGDIR/d.json")" "--course within the listing"
	run e plan "$LOGDIR/a.yaml" --course 6104
	expect_eq 64 "$RC" "--course outside the listing"
	grep -q 6104 "$LOGDIR/e.err" || fail "the message does not name 6104: $(cat "$LOGDIR/e.err")"
	expect_eq "$OLD" "$(body 6101)" "plan wrote nothing"
}

test_sis_term_id_and_unknown_account_or_term() {
	local r
	sim_start --seed "$MANY_SEED"
	r=$(recipe a "{account: 200, term: 'sis_term_id:2026FA'}")
	run a.json plan "$r" --format json
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/a.json.err"))"
	expect_eq "6106" "$(planned "$LOGDIR/a.json")" "term by SIS id"
	r=$(recipe b "{account: 999, term: 50}")
	run b plan "$r"
	expect_eq 1 "$RC" "unknown account"
	grep -q 'account 999' "$LOGDIR/b.err" || fail "message: $(cat "$LOGDIR/b.err")"
	[ ! -s "$LOGDIR/b" ] || fail "a plan was printed for an unknown account"
	r=$(recipe c "{account: 200, term: 'sis_term_id:2099XX'}")
	run c plan "$r"
	expect_eq 1 "$RC" "unknown term"
	grep -q '2099XX' "$LOGDIR/c.err" || fail "message: $(cat "$LOGDIR/c.err")"
}

test_from_file_and_mixed_list() {
	local r
	sim_start --seed "$MANY_SEED"
	cat >"$LOGDIR/sections.txt" <<'EOF'
# spring sections
sis_course_id:ENGR102-S26
   6104    # calculus, for the engineers

# 6105 is not ours
EOF
	r=$(recipe a "{from_file: sections.txt}")
	run a.json plan "$r" --format json
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/a.json.err"))"
	expect_eq "6102 6104" "$(planned "$LOGDIR/a.json")" "from_file with comments and a SIS id"
	expect_eq "sis_course_id:ENGR102-S26" "$(jq -r '.courses[] | select(.id == 6102) | .given' "$LOGDIR/a.json")" given
	# ids, a file and a listing in one list; 6102 is in the file and the listing: planned once
	r=$(recipe b "[6107, {from_file: sections.txt}, {account: 200, term: 51}, {account: 200, term: 50, where: {course_code: 'ENGR 10'}}]")
	run b.json plan "$r" --format json
	expect_eq 0 "$RC" "plan exit ($(cat "$LOGDIR/b.json.err"))"
	expect_eq "6101 6102 6104 6106 6107" "$(planned "$LOGDIR/b.json")" "mixed list"
	expect_eq 5 "$(jq '.changes | length' "$LOGDIR/b.json")" "each course once"
}

test_recipe_errors_at_their_place() {
	local r
	r=$(recipe a "{account: 200, term: 50, where: {course_code: '(ENGR', titel: x}}")
	RC=0
	"$COURSECTL" validate "$r" 2>"$LOGDIR/a.err" || RC=$?
	expect_eq 1 "$RC" "validate exit"
	grep -q "a.yaml:2:.*bad regular expression for 'where.course_code'" "$LOGDIR/a.err" ||
		fail "bad regex: $(cat "$LOGDIR/a.err")"
	grep -q "a.yaml:2:.*unknown key 'titel'" "$LOGDIR/a.err" || fail "unknown key: $(cat "$LOGDIR/a.err")"
	r=$(recipe b "{term: 50}")
	RC=0
	"$COURSECTL" validate "$r" 2>"$LOGDIR/b.err" || RC=$?
	expect_eq 1 "$RC" "validate exit"
	grep -q "b.yaml:2:10: error: .*needs 'account'" "$LOGDIR/b.err" || fail "missing account: $(cat "$LOGDIR/b.err")"
	r=$(recipe c "[{account: 2x, term: 50, where: {published: maybe}}]")
	RC=0
	"$COURSECTL" validate "$r" 2>"$LOGDIR/c.err" || RC=$?
	expect_eq 1 "$RC" "validate exit"
	grep -q "'2x' is not an account id" "$LOGDIR/c.err" || fail "bad account: $(cat "$LOGDIR/c.err")"
	grep -q "expected true or false for 'where.published'" "$LOGDIR/c.err" || fail "bad bool: $(cat "$LOGDIR/c.err")"
}

test_shards_are_disjoint_stable_and_whole() {
	local r i all got more
	sim_start --seed "$MANY_SEED"
	r=$(recipe a "{account: 200, term: 50}")
	: >"$LOGDIR/union"
	for i in 1 2 3; do
		run s$i.json plan "$r" --format json --shard $i/3
		expect_eq 0 "$RC" "shard $i/3 ($(cat "$LOGDIR/s$i.json.err"))"
		jq -r '.courses[].id' "$LOGDIR/s$i.json" >>"$LOGDIR/union"
		grep -q "shard $i/3: .* of the 6 courses" "$LOGDIR/s$i.json.err" || fail "note: $(cat "$LOGDIR/s$i.json.err")"
	done
	all="6101 6102 6103 6104 6105 6108"
	expect_eq "$all" "$(sort "$LOGDIR/union" | tr '\n' ' ' | sed 's/ $//')" "union of the shards, no repeats"
	# adding a course (6107, another account) moves no other course to another shard
	r=$(recipe b "[6107, {account: 200, term: 50}]")
	for i in 1 2 3; do
		run t$i.json plan "$r" --format json --shard $i/3
		got=$(jq -r '[.courses[].id | select(. != 6107)] | sort | map(tostring) | join(" ")' "$LOGDIR/t$i.json")
		expect_eq "$(planned "$LOGDIR/s$i.json")" "$got" "shard $i/3 after adding a course"
		more="${more:-}$(jq -r '.courses[].id' "$LOGDIR/t$i.json" | grep -c 6107 || true)"
	done
	expect_eq 1 "$(echo "$more" | grep -o 1 | wc -l)" "6107 is in exactly one shard"
	# an empty shard: one of the two halves of a single course
	run e1 plan "$LOGDIR/a.yaml" --course 6101 --shard 1/2
	run e2 plan "$LOGDIR/a.yaml" --course 6101 --shard 2/2
	expect_eq 0 "$RC" "shard exit"
	if grep -q '^Course 6101' "$LOGDIR/e1"; then got=e2; else got=e1; fi
	expect_match 'Plan: no changes' "$(tail -n 1 "$LOGDIR/$got")" "the empty shard's plan"
	grep -q 'holds none of them' "$LOGDIR/$got.err" || fail "the empty shard is not said: $(cat "$LOGDIR/$got.err")"
	for i in 4/3 0/3 1/0 x 1/ 1/3x; do
		run u plan "$LOGDIR/a.yaml" --shard "$i"
		expect_eq 64 "$RC" "--shard $i"
		grep -q 'usage: coursectl plan' "$LOGDIR/u.err" || fail "--shard $i: no usage: $(cat "$LOGDIR/u.err")"
	done
}

# 9999 does not exist (404); 6102's pages answer 403 (a role without page rights): both are left
# out with a line each, the others are planned and applied.
failing_setup() {
	sim_start --seed "$MANY_SEED"
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/courses/6102/pages", "count": -1,
		"action": "respond", "status": 403,
		"body": {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}}'
	recipe f "[6101, 6102, 9999, 6105]" >/dev/null
}

test_one_course_failing_does_not_stop_the_others() {
	failing_setup
	run p plan "$LOGDIR/f.yaml"
	expect_eq 1 "$RC" "plan exit"
	grep -q '^Course 6101' "$LOGDIR/p" || fail "6101 not planned: $(cat "$LOGDIR/p")"
	grep -q '^Course 6105' "$LOGDIR/p" || fail "6105 not planned"
	expect_match '; 2 courses failed: 6102, 9999\.$' "$(tail -n 1 "$LOGDIR/p")" "summary"
	expect_eq 2 "$(grep -c '^coursectl: error: ' "$LOGDIR/p.err")" "one error line per failed course"
	grep -q 'course 9999' "$LOGDIR/p.err" || fail "404 not named: $(cat "$LOGDIR/p.err")"
	grep -q 'course 6102' "$LOGDIR/p.err" || fail "403 not named: $(cat "$LOGDIR/p.err")"
	run p2 plan "$LOGDIR/f.yaml" --detailed-exitcode
	expect_eq 1 "$RC" "--detailed-exitcode with a failed course"
	# the saved plan records them; applying it applies the rest and exits 1
	run p3 plan "$LOGDIR/f.yaml" --out "$LOGDIR/f.plan.json" --format json
	expect_eq '["6102","9999"]' "$(jq -c '[.failed_courses[].course | tostring]' "$LOGDIR/f.plan.json")" failed_courses
	expect_eq 2 "$(jq '.summary.failed_courses' "$LOGDIR/f.plan.json")" "summary.failed_courses"
	run a apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/f.plan.json"
	expect_eq 1 "$RC" "apply of a plan with failed courses ($(cat "$LOGDIR/a.err"))"
	grep -q 'Applied 2 changes to 2 objects; 0 failed; 0 conflicts' "$LOGDIR/a" || fail "summary: $(cat "$LOGDIR/a")"
	expect_eq "Not applied: 2 courses failed: 6102, 9999" "$(tail -n 1 "$LOGDIR/a")" "failed line"
	grep -q '9999 was left out of' "$LOGDIR/a.err" || fail "left-out course not named: $(cat "$LOGDIR/a.err")"
	expect_eq "$NEW" "$(body 6101)" "6101 applied"
	expect_eq "$NEW" "$(body 6105)" "6105 applied"
	expect_eq "$OLD" "$(body 6102)" "6102 not applied"
}

test_apply_recipe_isolates_and_fail_fast_stops() {
	failing_setup
	run ff apply --yes --fail-fast --journal "$LOGDIR/jf.jsonl" "$LOGDIR/f.yaml"
	expect_eq 1 "$RC" "apply --fail-fast"
	expect_eq 1 "$(grep -c '^coursectl: error: ' "$LOGDIR/ff.err")" "one error with --fail-fast"
	expect_eq "$OLD" "$(body 6101)" "--fail-fast wrote nothing"
	expect_eq "$OLD" "$(body 6105)" "--fail-fast wrote nothing"
	run pf plan --fail-fast "$LOGDIR/f.yaml"
	expect_eq 1 "$RC" "plan --fail-fast"
	[ ! -s "$LOGDIR/pf" ] || fail "plan --fail-fast printed a plan"
	run a apply --yes --format json --journal "$LOGDIR/j.jsonl" "$LOGDIR/f.yaml"
	expect_eq 1 "$RC" "apply of the recipe ($(cat "$LOGDIR/a.err"))"
	expect_eq 2 "$(jq '.summary.done' "$LOGDIR/a")" "done"
	expect_eq '["6102","9999"]' "$(jq -c '[.failed_courses[].course | tostring]' "$LOGDIR/a")" "failed in the result"
	expect_eq "$NEW" "$(body 6101)" "6101 applied"
	expect_eq "$NEW" "$(body 6105)" "6105 applied"
	expect_eq "$OLD" "$(body 6102)" "6102 not applied"
}

test_token_failure_stops_everything() {
	sim_start --seed "$MANY_SEED"
	recipe a "{account: 200, term: 50}" >/dev/null
	CC_TOKEN=wrong-token run a plan "$LOGDIR/a.yaml"
	expect_eq 3 "$RC" "bad token, listing"
	recipe b "[6101, 6102]" >/dev/null
	CC_TOKEN=wrong-token run b apply --yes "$LOGDIR/b.yaml"
	expect_eq 3 "$RC" "bad token, apply"
	expect_eq "$OLD" "$(body 6101)" "nothing written"
}

# apply of a saved plan: a course that cannot be read for the stale check is not written, the
# others are (exec.c fetch_live).
test_stale_check_failure_is_per_course() {
	sim_start --seed "$MANY_SEED"
	recipe s "[6101, 6102]" >/dev/null
	run p plan "$LOGDIR/s.yaml" --out "$LOGDIR/s.plan.json"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/p.err"))"
	sim_post /__sim/script '{"method": "GET", "path": "/api/v1/courses/6102", "count": -1,
		"action": "respond", "status": 404, "body": {"errors": [{"message": "The specified resource does not exist."}]}}'
	run a apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/s.plan.json"
	expect_eq 1 "$RC" "apply exit ($(cat "$LOGDIR/a.err"))"
	grep -q 'Applied 1 change to 1 object; 1 failed; 0 conflicts' "$LOGDIR/a" || fail "summary: $(cat "$LOGDIR/a")"
	grep -q 'course 6102' "$LOGDIR/a.err" || fail "6102 not named: $(cat "$LOGDIR/a.err")"
	expect_eq "$NEW" "$(body 6101)" "6101 applied"
	expect_eq "$OLD" "$(body 6102)" "6102 not written"
}
