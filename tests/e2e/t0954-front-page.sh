# tests/e2e/t0954-front-page.sh -- the front page: canvas-sim's rules, apply and rollback.
#
# Canvas refuses to delete the front page (WikiPagesApiController#destroy: 400 "The front page
# cannot be deleted" while the page is_front_page?), so undoing a create with front_page: true must
# first give the course its old front page back -- PUT front_page=true on the page that had it
# (WikiPage#set_as_front_page! moves Wiki#front_page_url there) -- or, when the course had none, PUT
# front_page=false on the created page (#process_front_page -> Wiki#unset_front_page!), and only
# then DELETE it. Found by the golden ci-template case (tests/golden/ci-template/rollback.txt,
# 6101 and 6103 had no front page: two 400s and exit 1).
#
# Seed small-seed.json: 4821 has a front page (home), 4822 has no page at all. The recipe creates
# a published "welcome" page with front_page: true in both.
#   - apply then rollback: exit 0 and the simulator's state equals the seed (SIM_NORM), in both
#     courses: home is the front page of 4821 again, 4822 has none, welcome is gone;
#   - the plan says what Canvas does on the way in: home loses the flag (front_page true -> false,
#     "Canvas moves the front page"), and the simulator agrees after apply; apply sends that PUT
#     after the POST that makes welcome the front page (then a no-op), never before (the course
#     would be without a front page for a moment: see below);
#   - the rollback's requests: in 4821 home is made front (no moment without a front page: Canvas's
#     Wiki#unset_front_page! would also turn a "wiki" home page view into the default), in 4822
#     welcome loses the flag; each before the DELETE;
#   - a course whose home view is the front page (default_view "wiki"): the rollback keeps it.
# And canvas-sim: PUT front_page=false on the front page of a course whose default_view is "wiki"
# leaves it with none and resets default_view (Wiki#unset_front_page!).

fp_recipe() {
	cat >"$LOGDIR/recipe.yaml" <<'EOF2'
version: 1
courses: [4821, 4822]
steps:
  - pages:
      where: {url: welcome}
      create: true
      set: {title: Welcome, published: true, front_page: true}
EOF2
}

# front URL_OF_COURSE: the url of the course's front page ("" when none), from the simulator
front() {
	state ".courses[] | select(.id == $1) | [.pages[] | select(.front_page) | .url] | join(\",\")"
}

fp_round_trip() {
	fp_recipe
	state_snap seed.json
	run plan.out plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "plan exit code: $(cat "$LOGDIR/plan.out.err")"
	expect_eq 'false' "$(jq -r '[.changes[] | select((.course_id | tostring) == "4821" and .field == "front_page")][0].after' \
		"$LOGDIR/plan.json")" "the plan's after for home's front_page"
	run apply.out apply "$LOGDIR/plan.json" --yes --journal "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "apply exit code: $(cat "$LOGDIR/apply.out.err")"
	expect_eq welcome "$(front 4821)" "4821's front page after apply"
	# apply sets the new front page before it sends home's front_page=false (a no-op by then)
	curl -s "$SIM_URL/__sim/requests" | jq -r '.[] | select(.method != "GET") | "\(.method) \(.path)"' |
		grep ' /api/v1/courses/4821/' >"$LOGDIR/apply.writes" || true
	expect_eq "POST /api/v1/courses/4821/pages,PUT /api/v1/courses/4821/pages/page_id:33001" \
		"$(paste -sd, "$LOGDIR/apply.writes")" "4821: apply's writes in order"
	expect_eq welcome "$(front 4822)" "4822's front page after apply"
	run verify.out plan "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "a plan after apply has no changes: $(cat "$LOGDIR/verify.out")"
	SEQ=$(curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end')
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code: $(cat "$LOGDIR/rb.out" "$LOGDIR/rb.out.err")"
	state_snap back.json
	state_same seed.json back.json "apply then rollback"
	expect_eq home "$(front 4821)" "4821's front page after rollback"
	expect_eq "" "$(front 4822)" "4822's front page after rollback"
}

test_rollback_gives_the_front_page_back() {
	sim_start
	fp_round_trip
	# the order of the rollback's writes: the front page first, then the delete
	curl -s "$SIM_URL/__sim/requests?since=$SEQ" | jq -r '.[] | "\(.method) \(.path) \(.body // "" | tostring)"' \
		>"$LOGDIR/rb.requests"
	grep -E '^(PUT|DELETE) ' "$LOGDIR/rb.requests" >"$LOGDIR/rb.writes" || true
	expect_match '^PUT /api/v1/courses/4821/pages/page_id:33001 .*front_page' \
		"$(grep ' /api/v1/courses/4821/' "$LOGDIR/rb.writes" | head -n 1)" "4821: home made front first"
	expect_match '^DELETE /api/v1/courses/4821/pages/' \
		"$(grep ' /api/v1/courses/4821/' "$LOGDIR/rb.writes" | sed -n 2p)" "4821: then the delete"
	expect_match '^PUT /api/v1/courses/4822/pages/page_id:[0-9]+ .*front_page' \
		"$(grep ' /api/v1/courses/4822/' "$LOGDIR/rb.writes" | head -n 1)" "4822: welcome unset first"
	expect_match '^DELETE /api/v1/courses/4822/pages/' \
		"$(grep ' /api/v1/courses/4822/' "$LOGDIR/rb.writes" | sed -n 2p)" "4822: then the delete"
}

test_rollback_keeps_a_wiki_home_view() {
	sim_start --seed "$(seed_with '(.courses[] | select(.id == 4821) | .default_view) = "wiki"')"
	fp_round_trip
	expect_eq wiki "$(state '.courses[] | select(.id == 4821) | .default_view')" "4821's default_view"
}

test_sim_unset_front_page_resets_the_wiki_view() {
	sim_start --seed "$(seed_with '(.courses[] | select(.id == 4821) | .default_view) = "wiki"')"
	api DELETE /api/v1/courses/4821/pages/home
	expect_status 400
	expect_eq "The front page cannot be deleted" "$(jb '.errors.front_page[0].message')" "delete's error"
	api PUT /api/v1/courses/4821/pages/home -d 'wiki_page[front_page]=false'
	expect_status 200
	expect_eq false "$(jb .front_page)" "front_page in the answer"
	expect_eq "" "$(front 4821)" "no front page"
	expect_eq null "$(state '.courses[] | select(.id == 4821) | .default_view')" \
		"default_view after Wiki#unset_front_page!"
	api GET /api/v1/courses/4821/front_page
	expect_status 404
	# setting another page front moves the flag and leaves default_view alone
	api PUT /api/v1/courses/4821/pages/syllabus-policies -d 'wiki_page[front_page]=true'
	expect_status 200
	api PUT /api/v1/courses/4821 -d 'course[default_view]=wiki'
	api PUT /api/v1/courses/4821/pages/home -d 'wiki_page[front_page]=true'
	expect_status 200
	expect_eq home "$(front 4821)" "the flag moved to home"
	expect_eq wiki "$(state '.courses[] | select(.id == 4821) | .default_view')" "default_view kept"
	# front_page=false on a page that is not the front page changes nothing
	api PUT /api/v1/courses/4821/pages/syllabus-policies -d 'wiki_page[front_page]=false'
	expect_status 200
	expect_eq home "$(front 4821)" "front page kept"
	expect_eq wiki "$(state '.courses[] | select(.id == 4821) | .default_view')" "default_view still kept"
}
