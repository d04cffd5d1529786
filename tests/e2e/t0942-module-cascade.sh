# tests/e2e/t0942-module-cascade.sh -- module publish/unpublish cascades and module items that take
# their content's state, modelled in canvas-sim and predicted by the planner (issue 15,
# ../shared/canvas/CURRENT.md items 3, 5 and 15).
#
# canvas-sim cases (each fails on the sim before issue 15):
#   - unpublishing a module unpublishes its items and their content unless skip_content_tags
#     (ContextModulesApiController#update, ContentTag#trigger_unpublish!); an item whose content
#     cannot be unpublished (submissions) stays published and the reply says unpublish_warning;
#   - publishing a module leaves a page item unpublished while its page waits for its publish_at
#     (ContentTag#trigger_publish!, scheduled_page_publication), and publishes it when the feature
#     is off;
#   - a created item takes its content's state (ContextModule#add_item);
#   - unpublishing an item whose content cannot be unpublished is 403 and changes nothing.
# coursectl cases (plan -> apply -> the sim holds the plan's `after` field by field -> rollback ->
# exactly the seed, compared as a whole with lib.sh's SIM_NORM):
#   - a module unpublished `module only` (the default): one change, sent with skip_content_tags;
#   - a module unpublished `cascade: with items`: every item and content change Canvas makes is a
#     planned change, and the item that cannot be unpublished is skipped with the reason;
#   - `items: set: {published: false}` on an item that cannot be unpublished: skipped in the plan
#     with the reason, the rest applies, exit 0.
#
# Seed: small-seed.json, course 4821, module 805 (items 12045 Page reading-kinematics-notes 33018,
# 12046 Assignment 90211, 12047 ExternalUrl, 12048 Quiz 1502, 12049 Discussion 61007 graded by
# assignment 90230). 90211 gets student submissions in most cases.

C=/api/v1/courses/4821
JSON=(-H 'Content-Type: application/json')

asg() { state ".courses[0].assignments[] | select(.id == $1) | .$2"; }
quiz() { state ".courses[0].quizzes[] | select(.id == $1) | .$2"; }
topic() { state ".courses[0].discussion_topics[] | select(.id == $1) | .$2"; }
page() { state ".courses[0].pages[] | select(.page_id == $1) | .$2"; }
items_pub() { state "[.courses[0].modules[] | select(.id == $1) | .items[].published] | join(\" \")"; }

SUBS='(.courses[0].assignments[] | select(.id == 90211)) += {has_submitted_submissions: true}'

# ---------------------------------------------------------------- canvas-sim

test_sim_module_unpublish_cascades_unless_skipped() {
	sim_start --seed "$(seed_with "$SUBS")"
	api PUT "$C/modules/804" "${JSON[@]}" -d '{"module":{"published":false,"skip_content_tags":true}}'
	expect_status 200
	expect_eq "true true true" "$(items_pub 804)" "skip_content_tags: items stay"
	expect_eq "true" "$(asg 90212 published)" "skip_content_tags: content stays"
	api PUT "$C/modules/805" "${JSON[@]}" -d '{"module":{"published":false}}'
	expect_status 200
	expect_eq "false true" "$(jb '"\(.published) \(.unpublish_warning)"')" "reply"
	expect_eq "false true false false false" "$(items_pub 805)" "items unpublished but 12046"
	expect_eq "false true false false false" \
		"$(page 33018 published) $(asg 90211 published) $(quiz 1502 published) $(topic 61007 published) $(asg 90230 published)" \
		"content follows, the assignment with submissions stays"
}

test_sim_module_publish_leaves_scheduled_page() {
	local seed
	seed=$(seed_with '(.courses[0].pages[] | select(.page_id == 33018)) += {published: false,
		publish_at: "2030-01-01T00:00:00Z"} | (.courses[0].modules[1]) += {published: false}
		| (.courses[0].modules[1].items[]) += {published: false}
		| (.courses[0].assignments[] | select(.id == 90211)) += {published: false}')
	sim_start --seed "$seed"
	api PUT "$C/modules/805" "${JSON[@]}" -d '{"module":{"published":true}}'
	expect_status 200
	expect_eq "true true" "$(jb '"\(.published) \(.publish_warning)"')" "reply"
	expect_eq "false true true true true" "$(items_pub 805)" "the page item waits"
	expect_eq "false true" "$(page 33018 published) $(asg 90211 published)" "page waits, assignment published"
	# with scheduled publication off, the page is published with its item
	jq '.scheduled_page_publication = false' "$seed" >"$LOGDIR/seed-off.json"
	sim_start --seed "$LOGDIR/seed-off.json"
	api PUT "$C/modules/805" "${JSON[@]}" -d '{"module":{"published":true}}'
	expect_eq "true true true true true" "$(items_pub 805)" "feature off: every item"
	expect_eq "true" "$(page 33018 published)" "feature off: the page"
}

test_sim_item_created_with_content_state() {
	sim_start
	api POST "$C/modules/806/items" -d 'module_item[type]=Assignment' -d 'module_item[content_id]=90212'
	expect_status 200
	expect_eq "true" "$(jb .published)" "published content: published item"
	api POST "$C/modules/806/items" -d 'module_item[type]=Assignment' -d 'module_item[content_id]=90213'
	expect_eq "false" "$(jb .published)" "unpublished content: unpublished item"
	api POST "$C/modules/806/items" -d 'module_item[type]=SubHeader' -d 'module_item[title]=Read first'
	expect_eq "false" "$(jb .published)" "a text header starts unpublished"
}

test_sim_item_unpublish_refused() {
	sim_start --seed "$(seed_with "$SUBS")"
	api PUT "$C/modules/805/items/12046" "${JSON[@]}" -d '{"module_item":{"published":false,"indent":2}}'
	expect_status 403
	expect_eq "item can't be unpublished" "$(jb .message)" "message"
	expect_eq "true 1" "$(state '.courses[0].modules[1].items[1] | "\(.published) \(.indent)"')" \
		"nothing written (the seed's indent is 1)"
}
