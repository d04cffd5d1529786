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

# canvas-sim gives a page item it touches its page's page_id (res_modules.c: Canvas links a page
# item by id); the seed's items name their page by url only, and Canvas shows neither
SIM_NORM="$SIM_NORM | del(.courses[].modules[]?.items[]?.page_id)"

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

# ---------------------------------------------------------------- coursectl: plan -> apply -> rollback

recipe() {
	printf 'version: 1\ncourses: [4821]\nsteps:\n%s' "$1" >"$LOGDIR/r.yaml"
}

# Every planned change is in the simulator's state, field by field: for each change of the plan
# (JSON) the object of its kind and id holds `after` (creates: the case checks them itself).
expect_state_is_plan() {
	local bad
	bad=$(jq -n --slurpfile p "$LOGDIR/plan.out" --slurpfile s <(curl -s "$SIM_URL/__sim/state") '
		($s[0].courses[0]) as $c
		| def obj($k; $id): if $k == "module" then $c.modules[] | select(.id == ($id | tonumber))
			elif $k == "module_item" then $c.modules[].items[] | select(.id == ($id | tonumber))
			elif $k == "assignment" then $c.assignments[] | select(.id == ($id | tonumber))
			elif $k == "quiz" then $c.quizzes[] | select(.id == ($id | tonumber))
			elif $k == "discussion_topic" then $c.discussion_topics[] | select(.id == ($id | tonumber))
			elif $k == "page" then $c.pages[] | select(.page_id == ($id | tonumber))
			else null end;
		[$p[0].changes[] | select(.op == "update") | . as $ch | (obj($ch.kind; $ch.id) // {}) as $o
		 | select(($o[$ch.field]) != $ch.after) | "\($ch.kind) \($ch.id) \($ch.field): \($o[$ch.field])"]
		| join("; ")' -r)
	expect_eq "" "$bad" "the state holds every planned value"
}

round_trip() {
	state_snap seed.json
	run plan.out plan --format json "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan ($(cat "$LOGDIR/plan.out.err"))"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out" "$LOGDIR/apply.out.err"))"
	expect_state_is_plan
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

test_unpublish_module_only_round_trip() {
	sim_start --seed "$(seed_with "$SUBS")"
	recipe '  - modules:
      where: {id: 805}
      set: {published: false}
'
	round_trip
	expect_eq 1 "$(jq '.changes | length' "$LOGDIR/plan.out")" "module only: one change"
	expect_eq "true" "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and
		(.path | endswith("/modules/805")))] | length > 0 and all(.body.module.skip_content_tags == true)')" \
		"every module PUT sends skip_content_tags"
}

test_unpublish_with_items_round_trip() {
	sim_start --seed "$(seed_with "$SUBS")"
	recipe '  - modules:
      where: {id: 805}
      set: {published: false, cascade: with items}
'
	round_trip
	expect_eq "module:805 module_item:12045 page:33018 module_item:12048 quiz:1502 assignment:90240 module_item:12049 discussion_topic:61007 assignment:90230" \
		"$(jq -r '[.changes[] | "\(.kind):\(.id)"] | join(" ")' "$LOGDIR/plan.out")" "the cascade, planned"
	expect_eq "module_item 12046 Canvas cannot unpublish this item: its assignment has student submissions" \
		"$(jq -r '.skipped[] | "\(.kind) \(.id) \(.reason)"' "$LOGDIR/plan.out")" "the skip and its reason"
}

test_item_that_cannot_be_unpublished_is_skipped() {
	sim_start --seed "$(seed_with "$SUBS")"
	recipe '  - modules:
      where: {id: 805}
      items: {where: {type: [Assignment, Quiz]}, set: {published: false}}
'
	round_trip
	expect_match '12046.*Canvas cannot unpublish this item: its assignment has student submissions' \
		"$(jq -r '.skipped[] | "\(.id) \(.reason)"' "$LOGDIR/plan.out")" "the skip"
	expect_eq "module_item:12048 quiz:1502 assignment:90240" "$(jq -r '[.changes[] | "\(.kind):\(.id)"] | join(" ")' "$LOGDIR/plan.out")" \
		"the rest is planned"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.status == 403)] | length')" \
		"no 403 met"
}

# CURRENT.md 15: a module published with its items leaves a scheduled page's item unpublished
test_publish_with_items_leaves_scheduled_page() {
	sim_start --seed "$(seed_with '(.courses[0].pages[] | select(.page_id == 33018)) += {published: false,
		publish_at: "2030-01-01T00:00:00Z"} | (.courses[0].modules[1]) += {published: false}
		| (.courses[0].modules[1].items[] | select(.id <= 12047)) += {published: false}
		| (.courses[0].assignments[] | select(.id == 90211)) += {published: false}')"
	recipe '  - modules:
      where: {id: 805}
      set: {published: true, cascade: with items}
'
	round_trip
	expect_match '12045 Canvas leaves this page item unpublished with its module: the page is scheduled to publish at 2030-01-01' \
		"$(jq -r '.skipped[] | "\(.id) \(.reason)"' "$LOGDIR/plan.out")" "the skip"
	expect_eq "module:805 module_item:12046 assignment:90211 module_item:12047" \
		"$(jq -r '[.changes[] | "\(.kind):\(.id)"] | join(" ")' "$LOGDIR/plan.out")" "the rest is planned"
}

# ContextModule#add_item: an item created in an unpublished module takes its page's state (home is
# published, draft-notes is not); a text header starts unpublished
test_created_item_takes_content_state() {
	sim_start
	recipe '  - modules:
      ensure: [{name: Orientation, items: [{page: home}, {page: draft-notes}, {header: Start}]}]
'
	state_snap seed.json
	run plan.out plan --format json "$LOGDIR/r.yaml"
	expect_eq "true null null" "$(jq -r '[.changes[] | select(.kind == "module_item" and .op == "create")
		| .after.published] | map(tostring) | join(" ")' "$LOGDIR/plan.out")" "the page item is planned published"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply ($(cat "$LOGDIR/apply.out" "$LOGDIR/apply.out.err"))"
	expect_eq "true false false" "$(state '[.courses[0].modules[] | select(.name == "Orientation") | .items[].published]
		| map(tostring) | join(" ")')" "created items: the page's state, a header unpublished"
	run rb.out rollback --yes "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}
