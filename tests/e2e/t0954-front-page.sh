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
#     "Canvas moves the front page"), and the simulator agrees after apply;
#   - the rollback's requests: in 4821 home is made front (no moment without a front page: Canvas's
#     Wiki#unset_front_page! would also turn a "wiki" home page view into the default), in 4822
#     welcome loses the flag; each before the DELETE;
#   - a course whose home view is the front page (default_view "wiki"): the rollback keeps it.
# And canvas-sim: PUT front_page=false on the front page of a course whose default_view is "wiki"
# leaves it with none and resets default_view (Wiki#unset_front_page!).

# front COURSE: the url of the course's front page ("" when none), from the simulator
front() {
	state ".courses[] | select(.id == $1) | [.pages[] | select(.front_page) | .url] | join(\",\")"
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
