# tests/e2e/t0940-canvas-on-the-way-in.sh -- what Canvas does to a write on the way in, modelled in
# canvas-sim and predicted by the planner (issue 15, ../shared/canvas/CURRENT.md items 2, 4, 7).
#
# Each case runs the real binaries and checks the simulator's state, field by field, after apply
# (the planned values) and after rollback (the seed, compared as a whole with lib.sh's SIM_NORM):
#   - page urls come from titles (WikiPage acts_as_url + ensure_unique_url): canvas-sim's
#     to_url ("Q&A: Week 1.5" -> q-and-a-week-1-dot-5, a taken url gets -2); a page created by
#     title lands at the url the plan names, and the next plan is empty; a rename plans the new
#     url (with the -2 of a taken one), apply reads it back; a create whose url the title cannot
#     make is refused by validate at the recipe's line and column, naming Canvas's url;
#   - writable names: peer_reviews_assign_at is written, so tests/fixtures/recipes/rollover-e2e.yaml
#     applies and rolls back on rollover-seed.json (with overrides 5301 and 5303 due before their
#     assignments' locks: canvas-sim's date-order check is stricter than Canvas there,
#     tests/sim/README.md 10, and refuses the seed's own dates when the rollback writes them back);
#     a discussion's unlock_at is dropped by canvas-sim as by Canvas; a graded discussion's own
#     lock_at is shifted and written (not Canvas's copy of its assignment's);
#   - announcements keep closed comments: canvas-sim reopens them on a PUT without `locked`
#     (process_discussion_topic_runner / process_lock_parameters), and coursectl's PUTs keep them.

ROLL_SEED=$FIXTURES/rollover-seed.json
ROLL_RECIPE=$FIXTURES/recipes/rollover-e2e.yaml

cc() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@" --url "$SIM_URL"
}

run() {
	local out=$1
	shift
	RC=0
	cc "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

# The rollover seed with override 5301 due before the assignment's lock (see the header), and
# announcement 5601's comments closed by hand; extra jq after it.
roll_seed() {
	local out=$LOGDIR/seed.$RANDOM.json
	jq '(.courses[0].assignments[] | select(.id == 5201) | .overrides[] | select(.id == 5301) | .due_at)
		= "2025-10-19T03:59:59Z"
		| (.courses[0].assignments[] | select(.id == 5203) | .overrides[] | select(.id == 5303) | .due_at)
		= "2025-10-22T14:55:00Z"
		| (.courses[0].announcements[] | select(.id == 5601) | .locked) = true
		| (.courses[0].discussion_topics[] | select(.id == 5501) | .lock_at) = "2025-11-05T04:59:59Z"'"${1:+ | $1}" \
		"$ROLL_SEED" >"$out"
	echo "$out"
}

recipe() {
	printf 'version: 1\ncourses: [5100]\nsteps:\n%s' "$1" >"$LOGDIR/r.yaml"
	echo "$LOGDIR/r.yaml"
}

# ---------------------------------------------------------------- canvas-sim

test_sim_page_url_from_title() {
	sim_start --seed "$ROLL_SEED"
	api PUT /api/v1/courses/5100/pages/qa -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "Q&A: Week 1.5"}}'
	expect_status 200
	expect_eq q-and-a-week-1-dot-5 "$(jb .url)" "url of Q&A: Week 1.5"
	api POST /api/v1/courses/5100/pages -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "C++ basics"}}'
	expect_eq c++-basics "$(jb .url)" "url of C++ basics"
	api POST /api/v1/courses/5100/pages -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "Caf\u00e9 M\u00fcller"}}'
	expect_eq cafe-muller "$(jb .url)" "url of a Latin-1 title"
	api POST /api/v1/courses/5100/pages -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "Q & A: week 1.5"}}'
	expect_eq q-and-a-week-1-dot-5-2 "$(jb .url)" "a taken url gets -2"
}

test_sim_announcement_put_reopens_comments() {
	sim_start --seed "$(roll_seed)"
	expect_eq true "$(state '.courses[0].announcements[] | select(.id == 5601) | .locked')" "seed"
	api PUT /api/v1/courses/5100/discussion_topics/5601 -H 'Content-Type: application/json' \
		-d '{"title": "Welcome!", "locked": true}'
	expect_eq true "$(jb .locked)" "locked sent: comments stay closed"
	api PUT /api/v1/courses/5100/discussion_topics/5601 -H 'Content-Type: application/json' \
		-d '{"title": "Welcome to ENGL 210"}'
	expect_eq false "$(jb .locked)" "no locked: comments reopen"
	expect_eq false "$(state '.courses[0].announcements[] | select(.id == 5601) | .locked')" "stored"
	# a discussion's unlock_at is not a permitted parameter: dropped
	api PUT /api/v1/courses/5100/discussion_topics/5502 -H 'Content-Type: application/json' \
		-d '{"unlock_at": "2026-01-10T05:00:00Z"}'
	expect_status 200
	expect_eq null "$(state '.courses[0].discussion_topics[] | select(.id == 5502) | .unlock_at')" \
		"unlock_at not written"
}

# ---------------------------------------------------------------- pages

test_page_created_by_title_round_trip() {
	sim_start --seed "$ROLL_SEED"
	state_snap seed.json
	recipe '  - pages:
      where: {url: welcome-to-spring-2026}
      create: true
      set: {title: Welcome to Spring 2026, published: true}
  - pages:
      where: {url: reading-schedule}
      set: {title: Reading list}
' >/dev/null
	run plan.out plan --format json "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.out.err"))"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "Welcome to Spring 2026 true" \
		"$(state '.courses[0].pages[] | select(.url == "welcome-to-spring-2026") | "\(.title) \(.published)"')" \
		"created at the planned url"
	local want
	want=$(jq -r '[.changes[] | select(.field == "url") | .after] | join(" ")' "$LOGDIR/plan.out")
	expect_eq "$want" "$(state '[.courses[0].pages[] | select(.title == "Reading list") | .url] | join(" ")')" \
		"renamed page at the planned url"
	run plan2.out plan "$LOGDIR/r.yaml"
	expect_match 'Plan: no changes' "$(cat "$LOGDIR/plan2.out")" "second plan"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of a page created by title and a rename"
}

test_page_rename_to_taken_url() {
	sim_start --seed "$ROLL_SEED"
	state_snap seed.json
	# "Syllabus Policies" makes syllabus-policies, which another page has: Canvas adds -2
	recipe '  - pages: {where: {url: reading-schedule}, set: {title: Syllabus Policies}}
' >/dev/null
	run plan.out plan --format json "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.out.err"))"
	local want
	want=$(jq -r '[.changes[] | select(.field == "url") | .after] | join(" ")' "$LOGDIR/plan.out")
	expect_eq syllabus-policies-2 "$want" "planned url of a rename onto a taken url"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 1 "$(state "[.courses[0].pages[] | select(.url == \"$want\")] | length")" "page at $want"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of a rename onto a taken url"
}

test_validate_refuses_url_the_title_cannot_make() {
	recipe '  - pages:
      where: {url: welcome-spring-2026}
      create: true
      set: {title: Welcome to Spring 2026}
' >/dev/null
	RC=0
	"$COURSECTL" validate "$LOGDIR/r.yaml" >"$LOGDIR/v.out" 2>"$LOGDIR/v.err" || RC=$?
	[ "$RC" != 0 ] || fail "validate accepted a url the title cannot make"
	expect_match 'r\.yaml.*(line 5, column 20|:5:20)' "$(cat "$LOGDIR/v.err")" "position of where.url"
	expect_match "Canvas makes the url 'welcome-to-spring-2026'" "$(cat "$LOGDIR/v.err")" "names Canvas's url"
}

# ---------------------------------------------------------------- rollover: names, graded lock_at, comments

test_rollover_e2e_apply_and_rollback() {
	sim_start --seed "$(roll_seed)" --progress-delay-ms 20
	state_snap seed.json
	run plan.out plan --format json "$ROLL_RECIPE"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.out.err"))"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$ROLL_RECIPE"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out.err"))"
	# every planned value is what the sim holds, field by field
	jq -r '.changes[] | select(.op == "update") | [.kind, .id, (.parent // 0), .field, (.after | tojson)] | @tsv' \
		"$LOGDIR/plan.out" >"$LOGDIR/planned.tsv"
	[ -s "$LOGDIR/planned.tsv" ] || fail "no changes planned"
	curl -s "$SIM_URL/__sim/state" >"$LOGDIR/after.json"
	local kind id parent field after got key n=0
	while IFS=$'\t' read -r kind id parent field after; do
		case $kind in
		assignment) key=assignments ;; quiz) key=quizzes ;; "discussion topic" | discussion_topic) key=discussion_topics ;;
		announcement) key=announcements ;; module) key=modules ;; page) key=pages ;;
		"calendar event" | calendar_event) key=calendar_events ;; *) key="" ;;
		esac
		if [ "$kind" = course ]; then
			got=$(jq -c --arg f "$field" '.courses[0][$f]' "$LOGDIR/after.json")
		elif [ "$kind" = "assignment override" ] || [ "$kind" = assignment_override ]; then
			got=$(jq -c --arg f "$field" --argjson p "$parent" --argjson i "$id" \
				'.courses[0].assignments[] | select(.id == $p) | .overrides[] | select(.id == $i) | .[$f]' \
				"$LOGDIR/after.json")
		elif [ -n "$key" ]; then
			got=$(jq -c --arg k "$key" --arg f "$field" --argjson i "$id" \
				'[.courses[0][$k][] | select((.id // .page_id) == $i)][0][$f]' "$LOGDIR/after.json")
		else
			continue
		fi
		[ "$(jq -n --argjson a "$after" --argjson b "$got" '($a|tostring) == ($b|tostring)')" = true ] ||
			[ "$(jq -rn --argjson a "$after" --argjson b "$got" \
				'if ($a|type) == "string" and ($b|type) == "string" then (($a|fromdateiso8601) == ($b|fromdateiso8601)) else false end' 2>/dev/null)" = true ] ||
			fail "$kind $id $field: planned $after, sim has $got"
		n=$((n + 1))
	done <"$LOGDIR/planned.tsv"
	[ "$n" -gt 20 ] || fail "only $n planned fields checked"
	# the writable name, the graded topic's own lock_at, closed comments kept
	expect_eq 2026-03-10T03:59:59Z "$(jq -r '.courses[0].assignments[] | select(.id == 5201) | .peer_reviews_assign_at' \
		"$LOGDIR/after.json")" "peer_reviews_assign_at written"
	[ "$(jq -r '.courses[0].discussion_topics[] | select(.id == 5501) | .lock_at' "$LOGDIR/after.json")" != \
		2025-11-05T04:59:59Z ] || fail "graded topic 5501's own lock_at was not shifted"
	expect_eq true "$(jq -r '.courses[0].announcements[] | select(.id == 5601) | .locked' "$LOGDIR/after.json")" \
		"announcement 5601 keeps its comments closed"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback of rollover-e2e"
}
