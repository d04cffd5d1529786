# tests/e2e/t0300-modules.sh -- modules and module items (API.md 6, 9, 12; SHAPES.md "Module",
# "Module update response", "Module item"). Each case checks the simulator state afterwards.
#
# Seed (small-seed.json, course 4821): module 804 (items 12040 SubHeader, 12041 Page
# syllabus-policies, 12042 Assignment 90212), 805 (prerequisite 804; items 12045 Page, 12046
# Assignment 90211, 12047 ExternalUrl, 12048 Quiz 1502, 12049 Discussion 61007), 806 (empty,
# unpublished). Unpublished content: assignment 90213, quiz 1503, page draft-notes.

C=/api/v1/courses/4821
INC='include%5B%5D=items&include%5B%5D=content_details'
JSON=(-H 'Content-Type: application/json')

# state helpers: a field of assignment/quiz/topic ID, of the page with page_id ID; "id:position" lists
asg() { state ".courses[0].assignments[] | select(.id == $1) | .$2"; }
quiz() { state ".courses[0].quizzes[] | select(.id == $1) | .$2"; }
topic() { state ".courses[0].discussion_topics[] | select(.id == $1) | .$2"; }
page() { state ".courses[0].pages[] | select(.page_id == $1) | .$2"; }
mod_order() { state '[.courses[0].modules[] | "\(.id):\(.position)"] | join(" ")'; }
item_order() { state "[.courses[0].modules[$1].items[] | \"\\(.id):\\(.position)\"] | join(\" \")"; }
prereqs() { state ".courses[0].modules[] | select(.id == $1) | .prerequisite_module_ids | tostring"; }

test_list_items_shapes() {
	sim_start
	api GET "$C/modules?$INC"
	expect_status 200
	expect_eq "804 805 806" "$(jb '[.[].id] | join(" ")')" "modules by position"
	expect_eq "false" "$(jb '.[0] | has("workflow_state")')" "no workflow_state"
	expect_eq "$SIM_URL$C/modules/805/items" "$(jb '.[1].items_url')" "absolute items_url"
	expect_eq "[804]" "$(jb '.[1].prerequisite_module_ids | tostring')" "prerequisites"
	expect_eq "true false" "$(jb '"\(.[0].published) \(.[2].published)"')" "published for editors"
	expect_eq "3 5 0" "$(jb '[.[].items_count] | join(" ")')" "items_count"
	# SubHeader: no html_url, no content_id
	expect_eq "SubHeader false false" \
		"$(jb '.[0].items[0] | "\(.type) \(has("html_url")) \(has("content_id"))"')" "SubHeader shape"
	# Page: page_url and url, no content_id
	expect_eq "Page false syllabus-policies $SIM_URL$C/pages/syllabus-policies" \
		"$(jb '.[0].items[1] | "\(.type) \(has("content_id")) \(.page_url) \(.url)"')" "Page shape"
	expect_eq "$SIM_URL/courses/4821/modules/items/12041" "$(jb '.[0].items[1].html_url')" "Page html_url"
	# Assignment: content_id and the API url; content_details copies only truthy values
	expect_eq "90211 $SIM_URL$C/assignments/90211" "$(jb '.[1].items[1] | "\(.content_id) \(.url)"')" \
		"Assignment content_id/url"
	local want='{"points_possible":25,"due_at":"2025-02-08T04:59:59Z","unlock_at":"2025-01-27T05:00:00Z",'
	want+='"locked_for_user":false}'
	expect_eq "$want" "$(jb '.[1].items[1].content_details | tostring')" "content_details without lock_at"
	expect_eq '{"type":"min_score","min_score":15}' \
		"$(jb '.[1].items[1].completion_requirement | tostring')" "min_score requirement"
	# ExternalUrl: redirect html_url, external_url, new_tab, no content_id
	expect_eq "false true $SIM_URL$C/module_item_redirect/12047" \
		"$(jb '.[1].items[2] | "\(has("content_id")) \(.new_tab) \(.html_url)"')" "ExternalUrl shape"
	expect_eq "https://phet.colorado.edu/en/simulations/moving-man" "$(jb '.[1].items[2].external_url')" \
		"external_url"
	# a graded discussion reports its assignment's details
	expect_eq "10" "$(jb '.[1].items[4].content_details.points_possible')" "discussion points"
	# no items without the include; no content_details without that include
	api GET "$C/modules"
	expect_eq "false" "$(jb '.[0] | has("items")')" "items only with include[]=items"
	api GET "$C/modules/805?include%5B%5D=items"
	expect_eq "5 false" "$(jb '"\(.items | length) \(.items[0] | has("content_details"))"')" "show with items"
	api GET "$C/modules/805/items/12047"
	expect_status 200
	expect_eq "PhET simulation" "$(jb .title)" "item show"
	api GET "$C/modules/804/items/12047"
	expect_status 404
	api GET "$C/module_item_redirect/12047"
	expect_status 302
	expect_eq "https://phet.colorado.edu/en/simulations/moving-man" "$(header Location)" "redirect"
}

test_large_module_pages_items() {
	local seed next path ids=() n=0
	seed=$(seed_with '.courses[0].modules[2].items = [range(150) | {title: "Problem \(.)", type: "SubHeader",
		position: (. + 1), published: false}]')
	sim_start --seed "$seed"
	api GET "$C/modules?include%5B%5D=items"
	expect_status 200
	expect_eq "150 false" "$(jb '.[2] | "\(.items_count) \(has("items"))"')" "no inline items above 100"
	expect_eq "true" "$(jb '.[1] | has("items")')" "small module inlined"
	api GET "$C/modules/806?include%5B%5D=items"
	expect_eq "false" "$(jb 'has("items")')" "show omits items too"
	path="$C/modules/806/items?per_page=40"
	while [ -n "$path" ]; do
		api GET "$path"
		expect_status 200
		n=$((n + 1))
		ids+=($(jb '.[].id'))
		next=$(header Link | tr ',' '\n' | grep 'rel="next"' | sed 's/^<\(.*\)>.*/\1/' || true)
		path=${next#"$SIM_URL"}
	done
	expect_eq 4 "$n" "pages followed"
	expect_eq 150 "${#ids[@]}" "items seen"
	expect_eq 150 "$(printf '%s\n' "${ids[@]}" | sort -u | wc -l | tr -d ' ')" "distinct items"
	api GET "$C/modules/806/items?per_page=100&page=2"
	expect_eq "Problem 100 101" "$(jb '"\(.[0].title) \(.[0].position)"')" "page 2 starts at 101"
}

test_publish_module_publishes_items_and_content() {
	local seed
	seed=$(seed_with '.courses[0].modules[2].items = [
		{id: 13001, title: "PS2", type: "Assignment", content_id: 90213, position: 1, published: false},
		{id: 13002, title: "Practice", type: "Quiz", content_id: 1503, position: 2, published: false},
		{id: 13003, title: "Draft notes", type: "Page", page_url: "draft-notes", position: 3,
		 published: false},
		{id: 13004, title: "Heading", type: "SubHeader", position: 4, published: false}]')
	sim_start --seed "$seed"
	api PUT "$C/modules/806" -d 'module[published]=true'
	expect_status 200
	expect_eq "true false false" "$(jb '"\(.published) \(.publish_warning) \(has("items"))"')" \
		"update response"
	expect_eq "true true true true" "$(state '[.courses[0].modules[2].items[].published] | join(" ")')" \
		"items published"
	expect_eq "true" "$(asg 90213 published)" "assignment published"
	expect_eq "true" "$(quiz 1503 published)" "quiz published"
	expect_eq "true" "$(page 33019 published)" "page published"
	expect_eq "true" "$(state '.courses[0].modules[2].published')" "module published"
	# unpublishing with skip_content_tags touches the module only (t0942 covers the cascade)
	api PUT "$C/modules/806" "${JSON[@]}" -d '{"module":{"published":false,"skip_content_tags":true}}'
	expect_status 200
	expect_eq "false false" "$(jb '"\(.published) \(.publish_warning)"')" "unpublish response"
	expect_eq "true true true true" "$(state '[.courses[0].modules[2].items[].published] | join(" ")')" \
		"items stay"
	expect_eq "true" "$(asg 90213 published)" "content stays"
}

test_item_title_renames_content() {
	sim_start
	api PUT "$C/modules/804/items/12042" -d 'module_item[title]=Problem Set 1 (revised)'
	expect_status 200
	expect_eq "Problem Set 1 (revised)" "$(jb .title)" "item title"
	expect_eq "Problem Set 1 (revised)" "$(asg 90212 name)" \
		"assignment renamed"
	expect_match '^20[0-9-]+T' "$(asg 90212 updated_at)" "updated_at"
	[ "$(asg 90212 updated_at)" != "2024-12-19T21:41:00Z" ] || fail "updated_at not touched"
	# a page gets the new title and slug; the item follows the slug
	api PUT "$C/modules/804/items/12041" "${JSON[@]}" -d '{"module_item":{"title":"Course Policies"}}'
	expect_status 200
	expect_eq "course-policies $SIM_URL$C/pages/course-policies" "$(jb '"\(.page_url) \(.url)"')" "page item"
	expect_eq "Course Policies" "$(page 33017 title)" "page title"
	expect_eq "course-policies" "$(page 33017 url)" "page slug"
	api GET "$C/modules/804/items/12041"
	expect_eq "course-policies" "$(jb .page_url)" "page item after rename"
	# a slug taken by another page gets a suffix
	api PUT "$C/modules/805/items/12045" -d 'module_item[title]=Draft Notes'
	expect_eq "draft-notes-2" "$(jb .page_url)" "unique slug"
	# a quiz renames the quiz and its assignment
	api PUT "$C/modules/805/items/12048" -d 'module_item[title]=Quiz 2: Kinematics'
	expect_status 200
	expect_eq "Quiz 2: Kinematics" "$(quiz 1502 title)" "quiz renamed"
	expect_eq "Quiz 2: Kinematics" "$(asg 90240 name)" \
		"quiz assignment renamed"
	# SubHeader and ExternalUrl have no content to rename
	api PUT "$C/modules/805/items/12047" -d 'module_item[title]=PhET'
	expect_eq "PhET" "$(state '.courses[0].modules[1].items[] | select(.id == 12047) | .title')" \
		"ExternalUrl title"
}

# ContentTag.update_for: content renamed or (un)published through ITS OWN API carries its module
# items along (the item PUT above is the other direction)
test_content_apis_keep_items_in_step() {
	local seed
	seed=$(seed_with '(.courses[0].modules[1].items[] | select(.id == 12046)).title = "Lab 3 (own title)"')
	sim_start --seed "$seed"
	item() { state ".courses[0].modules[] | .items[] | select(.id == $1) | .$2"; }
	api PUT "$C/assignments/90212" -d 'assignment[name]=Problem Set 1 (revised)'
	expect_status 200
	api GET "$C/modules/804/items"
	expect_status 200
	expect_eq "Problem Set 1 (revised)" "$(jb '.[] | select(.id == 12042) | .title')" "assignment item"
	expect_eq "Problem Set 1 (revised)" "$(item 12042 title)" "assignment item stored"
	# a page: new title and slug; the item named the page by its old slug
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[title]=Course Policies'
	expect_status 200
	expect_eq "course-policies" "$(jb .url)" "page slug"
	api GET "$C/modules/804/items"
	expect_eq "Course Policies course-policies" \
		"$(jb '.[] | select(.id == 12041) | "\(.title) \(.page_url)"')" "page item"
	expect_eq "course-policies" "$(item 12041 page_url)" "page item stored"
	# a quiz by the quiz API, a topic unpublished by the discussion API, a topic renamed through
	# its assignment
	api PUT "$C/quizzes/1502" -d 'quiz[title]=Quiz 2: Kinematics'
	expect_status 200
	api PUT "$C/discussion_topics/61007" -d 'published=false'
	expect_status 200
	api PUT "$C/assignments/90230" -d 'assignment[name]=Frames of reference'
	expect_status 200
	api GET "$C/modules/805/items"
	expect_eq "Quiz 2: Kinematics" "$(jb '.[] | select(.id == 12048) | .title')" "quiz item"
	expect_eq "Frames of reference false" \
		"$(jb '.[] | select(.id == 12049) | "\(.title) \(.published)"')" "discussion item"
	expect_eq "Frames of reference" "$(topic 61007 title)" "topic renamed by its assignment"
	# a save that changes neither title nor state leaves an item's own title alone
	api PUT "$C/assignments/90211" -d 'assignment[points_possible]=25'
	expect_status 200
	expect_eq "Lab 3 (own title)" "$(item 12046 title)" "own item title kept"
}

test_item_published_toggles_content() {
	local seed
	seed=$(seed_with '(.courses[0].assignments[] | select(.id == 90211)) +=
		{has_submitted_submissions: true}')
	sim_start --seed "$seed"
	api PUT "$C/modules/804/items/12042" -d 'module_item[published]=false'
	expect_status 200
	expect_eq "false" "$(jb .published)" "item unpublished"
	expect_eq "false" "$(asg 90212 published)" "content unpublished"
	api PUT "$C/modules/804/items/12042" "${JSON[@]}" -d '{"module_item":{"published":true}}'
	expect_eq "true" "$(asg 90212 published)" "content republished"
	# a discussion item: the topic and its assignment
	api PUT "$C/modules/805/items/12049" -d 'module_item[published]=0'
	expect_eq "false false" "$(topic 61007 published) $(asg 90230 published)" \
		"topic and assignment unpublished"
	# an assignment with submissions cannot be unpublished: 403, nothing changes
	api PUT "$C/modules/805/items/12046" -d 'module_item[published]=false'
	expect_status 403
	expect_eq "item can't be unpublished" "$(jb .message)" "403 message"
	expect_eq "true" "$(state '.courses[0].modules[] | .items[] | select(.id == 12046) | .published')" \
		"item stays published"
	expect_eq "true" "$(asg 90211 published)" "content stays published"
}

test_create_module_position_renumbers() {
	sim_start
	api POST "$C/modules" -d 'module[name]=Orientation' -d 'module[position]=1' \
		-d 'module[unlock_at]=2025-01-13T08:00:00'
	expect_status 200
	expect_eq "1 false 0 [] 2025-01-13T13:00:00Z" \
		"$(jb '[.position, .published, .items_count, (.prerequisite_module_ids | tostring), .unlock_at]
			| map(tostring) | join(" ")')" "created at the top, unpublished"
	local id
	id=$(jb .id)
	expect_eq "$id:1 804:2 805:3 806:4" "$(mod_order)" \
		"renumbered"
	expect_eq "[804]" "$(prereqs 805)" \
		"prerequisite kept (still before)"
	# appended by default
	api POST "$C/modules" "${JSON[@]}" \
		-d '{"module":{"name":"Final","prerequisite_module_ids":[805, 999],
		     "require_sequential_progress":true}}'
	expect_eq "5 [805] true" \
		"$(jb '"\(.position) \(.prerequisite_module_ids | tostring) \(.require_sequential_progress)"')" \
		"appended; unknown prerequisite dropped"
	# errors
	api POST "$C/modules" -d 'foo=bar'
	expect_status 400
	expect_eq '{"message":"missing module parameter"}' "$(jb 'tostring')" "missing module"
	api POST "$C/modules" -d 'module[unlock_at]=2025-01-13T08:00:00Z'
	expect_status 400
	expect_eq '{"message":"missing module name"}' "$(jb 'tostring')" "missing name"
	api PUT "$C/modules/805" -d 'module[position]=abc'
	expect_status 400
	expect_eq "position" "$(jb '.errors.position[0].attribute')" "invalid position"
	api PUT "$C/modules/805" -d 'module[position]=0'
	expect_status 400
	expect_eq 5 "$(state '.courses[0].modules | length')" "nothing created by the errors"
	api PUT "$C/modules/806" -d 'module[position]=99'
	expect_status 200
	expect_eq 5 "$(jb .position)" "past the end goes last"
	api GET "$C/modules/999"
	expect_status 404
}

# Moving the last item (or module) up: cJSON 1.7.15's InsertItemInArray did nothing at an index
# above 0, and the item vanished from its module.
test_move_last_item_up_keeps_it() {
	sim_start
	api PUT "$C/modules/804/items/12042" -d 'module_item[position]=2'
	expect_status 200
	expect_eq 2 "$(jb .position)" "answered at its new place"
	expect_eq "12040:1 12042:2 12041:3" "$(item_order 0)" "moved, not lost"
	api PUT "$C/modules/806" -d 'module[position]=2'
	expect_status 200
	expect_eq "804:1 806:2 805:3" "$(mod_order)" "the last module moved up"
}

test_prerequisites_clearing() {
	sim_start
	api PUT "$C/modules/806" -d 'module[prerequisite_module_ids][]=804' \
		-d 'module[prerequisite_module_ids][]=805'
	expect_status 200
	expect_eq "[804,805]" "$(jb '.prerequisite_module_ids | tostring')" "set"
	expect_eq "[804,805]" "$(state '.courses[0].modules[2].prerequisite_module_ids | tostring')" "state set"
	# JSON null leaves them, JSON [] clears
	api PUT "$C/modules/806" "${JSON[@]}" -d '{"module":{"prerequisite_module_ids":null,"name":"Week 5"}}'
	expect_eq "[804,805]" "$(state '.courses[0].modules[2].prerequisite_module_ids | tostring')" "null leaves"
	api PUT "$C/modules/806" "${JSON[@]}" -d '{"module":{"prerequisite_module_ids":[]}}'
	expect_status 200
	expect_eq "[]" "$(jb '.prerequisite_module_ids | tostring')" "JSON [] clears"
	expect_eq "[]" "$(state '.courses[0].modules[2].prerequisite_module_ids | tostring')" "state cleared"
	# form: an empty array element clears
	api PUT "$C/modules/805" -d 'module[prerequisite_module_ids][]='
	expect_status 200
	expect_eq "[]" "$(state '.courses[0].modules[1].prerequisite_module_ids | tostring')" "form [] clears"
	# a module placed after is dropped silently
	api PUT "$C/modules/804" -d 'module[prerequisite_module_ids][]=805'
	expect_status 200
	expect_eq "[]" "$(jb '.prerequisite_module_ids | tostring')" "later module ignored"
	# moving a module above its prerequisite drops it
	api PUT "$C/modules/806" -d 'module[prerequisite_module_ids][]=805'
	expect_eq "[805]" "$(jb '.prerequisite_module_ids | tostring')" "805 before 806"
	api PUT "$C/modules/806" -d 'module[position]=1'
	expect_eq "1 []" "$(jb '"\(.position) \(.prerequisite_module_ids | tostring)"')" "dropped after the move"
	expect_eq "806:1 804:2 805:3" "$(mod_order)" "renumbered"
}

test_batch_update() {
	sim_start
	api PUT "$C/modules" -d 'module_ids[]=806' -d 'module_ids[]=999' -d 'event=publish'
	expect_status 200
	expect_eq '{"completed":[806],"progress":null}' "$(jb 'tostring')" "batch publish"
	expect_eq "true" "$(state '.courses[0].modules[2].published')" "806 published"
	api PUT "$C/modules" "${JSON[@]}" -d '{"module_ids":[804,805],"event":"unpublish"}'
	expect_eq "[804,805]" "$(jb '.completed | tostring')" "batch unpublish"
	expect_eq "false false true" "$(state '[.courses[0].modules[].published] | join(" ")')" "unpublished"
	api PUT "$C/modules" -d 'module_ids[]=999' -d 'event=publish'
	expect_status 404
	expect_eq '{"message":"no modules found"}' "$(jb 'tostring')" "none found"
	api PUT "$C/modules" -d 'module_ids[]=804' -d 'event=archive'
	expect_status 400
	expect_eq "invalid event" "$(jb .message)" "bad event"
	api PUT "$C/modules" -d 'event=delete'
	expect_status 400
	expect_eq "must specify module_ids[]" "$(jb .message)" "no ids"
	api PUT "$C/modules" -d 'module_ids[]=804' -d 'event=delete'
	expect_status 200
	expect_eq "805:1 806:2" "$(mod_order)" "batch delete"
	expect_eq "[]" "$(state '.courses[0].modules[0].prerequisite_module_ids | tostring')" "prerequisite gone"
}

test_move_item_between_modules() {
	sim_start
	# PUT finds the item anywhere in the course, whatever :module_id says
	api PUT "$C/modules/805/items/12042" -d 'module_item[module_id]=806'
	expect_status 200
	expect_eq "806 1" "$(jb '"\(.module_id) \(.position)"')" "moved"
	expect_eq '{"type":"must_submit"}' "$(jb '.completion_requirement | tostring')" "requirement carried"
	expect_eq "12040:1 12041:2" "$(item_order 0)" \
		"old module renumbered"
	expect_eq "12042 806" "$(state '.courses[0].modules[2].items[0] | "\(.id) \(.module_id)"')" "new module"
	# to the end of a module that has items, then to position 1
	api PUT "$C/modules/806/items/12042" -d 'module_item[module_id]=804'
	expect_eq "3" "$(jb .position)" "appended"
	api PUT "$C/modules/804/items/12042" -d 'module_item[position]=1' -d 'module_item[indent]=2'
	expect_eq "1 2" "$(jb '"\(.position) \(.indent)"')" "reordered"
	expect_eq "12042:1 12040:2 12041:3" "$(item_order 0)" \
		"positions contiguous"
	api PUT "$C/modules/804/items/12042" -d 'module_item[module_id]=4242'
	expect_status 400
	expect_eq '{"message":"invalid module_id"}' "$(jb 'tostring')" "unknown target"
	api PUT "$C/modules/804/items/12042" -d 'module_item[position]=-1'
	expect_status 400
	expect_eq "Invalid position" "$(jb '.errors.position[0].message')" "bad item position"
	api GET "$C/modules/804/items"
	expect_eq "12042 12040 12041" "$(jb '[.[].id] | join(" ")')" "items list by position"
}

test_delete_module_and_item() {
	sim_start
	api DELETE "$C/modules/805/items/12046"
	expect_status 200
	expect_eq "12046 false" "$(jb '"\(.id) \(.published)"')" "item delete reply"
	expect_eq "12045:1 12047:2 12048:3 12049:4" \
		"$(item_order 1)" "items renumbered"
	expect_eq "Lab 3: Kinematics" "$(asg 90211 name)" "content stays"
	api DELETE "$C/modules/804"
	expect_status 200
	expect_eq "804 false 0" "$(jb '"\(.id) \(.published) \(.items_count)"')" "module delete reply"
	expect_eq "805:1 806:2" "$(mod_order)" "renumbered"
	expect_eq "[]" "$(prereqs 805)" "prerequisite dropped"
	expect_eq "Problem Set 1" "$(asg 90212 name)" "content of items stays"
	api GET "$C/modules/804"
	expect_status 404
	api DELETE "$C/modules/804"
	expect_status 404
}

test_create_item_shapes_and_errors() {
	sim_start
	api POST "$C/modules/806/items" -d 'module_item[type]=Page' -d 'module_item[page_url]=draft-notes'
	expect_status 200
	expect_eq "Draft notes Page false draft-notes false 1" \
		"$(jb '"\(.title) \(.type) \(has("content_id")) \(.page_url) \(.published) \(.position)"')" \
		"Page item"
	expect_eq "draft-notes" "$(state '.courses[0].modules[2].items[0].page_url')" "stored"
	api POST "$C/modules/806/items" "${JSON[@]}" -d '{"module_item":{"type":"Assignment","content_id":90213,
		"position":1,"indent":1,"completion_requirement":{"type":"min_score","min_score":"7.5"}}}'
	expect_status 200
	expect_eq 'Problem Set 2 90213 1 1 {"type":"min_score","min_score":7.5}' \
		"$(jb '"\(.title) \(.content_id) \(.position) \(.indent) \(.completion_requirement | tostring)"')" \
		"Assignment item at the top"
	expect_eq "Assignment:1 Page:2" \
		"$(state '[.courses[0].modules[2].items[] | "\(.type):\(.position)"] | join(" ")')" \
		"inserted and renumbered"
	api POST "$C/modules/806/items" -d 'module_item[type]=ExternalUrl' -d 'module_item[title]=Docs' \
		-d 'module_item[external_url]=https://example.com/docs' -d 'module_item[new_tab]=1'
	expect_status 200
	expect_eq "false true $SIM_URL$C/module_item_redirect/$(jb .id)" \
		"$(jb '"\(has("content_id")) \(.new_tab) \(.html_url)"')" "ExternalUrl item"
	api POST "$C/modules/806/items" -d 'module_item[type]=SubHeader' -d 'module_item[title]=Part 2' \
		-d 'module_item[completion_requirement][type]=must_submit'
	expect_status 200
	expect_eq "false false false" \
		"$(jb '"\(has("content_id")) \(has("html_url")) \(has("completion_requirement"))"')" \
		"SubHeader item; inapplicable requirement dropped"
	expect_eq 4 "$(state '.courses[0].modules[2].items | length')" "four items"
	# errors
	api POST "$C/modules/806/items" -d 'module_item[type]=Page' -d 'module_item[page_url]=no-such-page'
	expect_status 400
	expect_eq '{"message":"invalid page_url parameter"}' "$(jb 'tostring')" "bad page_url"
	api POST "$C/modules/806/items" -d 'module_item[type]=Page'
	expect_status 400
	expect_eq "missing page_url parameter" "$(jb .message)" "no page_url"
	api POST "$C/modules/806/items" -d 'title=x'
	expect_status 400
	expect_eq '{"message":"missing module item parameter"}' "$(jb 'tostring')" "no module_item"
	api POST "$C/modules/806/items" -d 'module_item[type]=Assignment' -d 'module_item[content_id]=1'
	expect_status 400
	expect_eq "Could not find content" "$(jb .message)" "unknown content"
	api POST "$C/modules/806/items" -d 'module_item[type]=ExternalUrl'
	expect_status 400
	expect_eq "url" "$(jb '.errors | keys[0]')" "ExternalUrl needs a url"
	api POST "$C/modules/806/items" -d 'module_item[type]=Quiz' -d 'module_item[content_id]=1503' \
		-d 'module_item[completion_requirement][type]=must_pass'
	expect_status 400
	expect_eq "completion_requirement" "$(jb '.errors | keys[0]')" "bad requirement type"
	expect_eq 4 "$(state '.courses[0].modules[2].items | length')" "errors created nothing"
	api POST "$C/modules/999/items" -d 'module_item[type]=SubHeader'
	expect_status 404
}

test_search_term() {
	sim_start
	api GET "$C/modules?search_term=WEEK"
	expect_eq "804 805 806" "$(jb '[.[].id] | join(" ")')" "name match, case-insensitive"
	api GET "$C/modules?search_term=forces"
	expect_eq "806" "$(jb '[.[].id] | join(" ")')" "one module"
	# with items: a module whose name does not match keeps the matching items only
	api GET "$C/modules?search_term=kinematics&include%5B%5D=items"
	expect_eq "805" "$(jb '[.[].id] | join(" ")')" "modules with matching items"
	expect_eq "12045 12046" "$(jb '[.[0].items[].id] | join(" ")')" "only the matching items"
	api GET "$C/modules?search_term=problem%20set&include%5B%5D=items"
	expect_eq "804:12042" "$(jb '[.[] | "\(.id):\(.items | map(.id) | join(","))"] | join(" ")')" "item match"
	api GET "$C/modules/805/items?search_term=quiz"
	expect_eq "12048" "$(jb '[.[].id] | join(" ")')" "items endpoint search"
}
