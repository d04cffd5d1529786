# tests/e2e/t0400-pages.sh -- wiki pages, front page and revisions (API.md 7; tests/sim/res_pages.c).
# Course 4821 of small-seed.json has pages home (front page, 33001), syllabus-policies (33017),
# reading-kinematics-notes (33018, todo_date set) and draft-notes (33019, unpublished).

C=/api/v1/courses/4821

# The rel="next" URL of the last response as a path for `api`, or "" when there is none.
next_path() {
	local url
	url=$(header Link | tr ',' '\n' | sed -n 's/^<\(.*\)>; rel="next"$/\1/p')
	[ -n "$url" ] || return 0
	case $url in "$SIM_URL"/*) ;; *) fail "next link '$url' is not absolute on $SIM_URL" ;; esac
	echo "${url#"$SIM_URL"}"
}

body_c() {
	jq -c "$1" "$LOGDIR/body"
}

state_c() {
	curl -s "$SIM_URL/__sim/state" | jq -c "$1"
}

page_state() {
	state ".courses[0].pages[] | select(.page_id == $1) | $2"
}

test_bookmark_paging_follows_next_verbatim() {
	local path seen="" n=0 want got first_ids
	sim_start --seed \
		"$(seed_with '.courses[0].pages = [range(35) | {title: "Page \(.)", body: "<p>b\(.)</p>"}]')"
	path="$C/pages?per_page=10"
	while [ -n "$path" ]; do
		api GET "$path"
		expect_status 200
		n=$((n + 1))
		[ "$n" -le 10 ] || fail "paging does not end"
		expect_match 'rel="current"' "$(header Link)" "Link"
		[[ "$(header Link)" != *'rel="last"'* ]] || fail "bookmark paging sent last: $(header Link)"
		seen="$seen $(jb '.[].page_id')"
		path=$(next_path)
		[ -z "$path" ] || expect_match 'page=bookmark' "$path" "next link"
	done
	expect_eq 4 "$n" "pages fetched"
	want=$(state '.courses[0].pages[].page_id' | sort -n | tr '\n' ' ')
	got=$(echo $seen | tr ' ' '\n' | sort -n | tr '\n' ' ')
	expect_eq "$want" "$got" "page ids, each exactly once"
	expect_eq 35 "$(echo $seen | wc -w)" "elements served"
	# a token that does not decode is the first page
	api GET "$C/pages?per_page=10"
	first_ids=$(jb '[.[].page_id] | join(",")')
	api GET "$C/pages?per_page=10&page=bookmark:%21%21garbage%21%21"
	expect_status 200
	expect_eq "$first_ids" "$(jb '[.[].page_id] | join(",")')" "garbage bookmark -> first page"
	api GET "$C/pages?per_page=10&page=first"
	expect_eq "$first_ids" "$(jb '[.[].page_id] | join(",")')" "page=first"
}

test_list_omits_body_unless_included() {
	sim_start
	api GET "$C/pages"
	expect_status 200
	expect_eq 4 "$(jb 'length')" "pages"
	expect_eq false "$(jb 'map(has("body")) | any')" "body in list"
	expect_eq "33001,33017,33018,33019" "$(jb '[.[].page_id] | join(",")')" "id order"
	expect_eq true "$(jb '.[0].front_page')" "front_page"
	expect_eq true "$(jb '.[3].hide_from_students')" "hide_from_students of the draft"
	api GET "$C/pages?include%5B%5D=body"
	expect_status 200
	expect_eq true "$(jb 'map(has("body")) | all')" "body with include[]=body"
	expect_eq "$(state '.courses[0].pages[1].body')" "$(jb '.[1].body')" "body"
}

test_list_filters_and_sort() {
	sim_start
	api GET "$C/pages?published=false"
	expect_eq "draft-notes" "$(jb '[.[].url] | join(",")')" "published=false"
	api GET "$C/pages?published=true"
	expect_eq 3 "$(jb 'length')" "published=true"
	api GET "$C/pages?search_term=NOTES"
	expect_eq "reading-kinematics-notes,draft-notes" "$(jb '[.[].url] | join(",")')" "search_term"
	api GET "$C/pages?search_term=n"
	expect_status 400
	expect_eq search_term "$(jb '.errors[0].field')" "short search_term"
	api GET "$C/pages?sort=title&order=desc&per_page=2"
	expect_status 200
	expect_eq "Syllabus and policies,Reading: Kinematics notes" \
		"$(jb '[.[].title] | join(",")')" "title desc"
	# sorted lists page by number (bookmarks name the last id), so "last" is there
	expect_match 'page=2&per_page=2>; rel="next"' "$(header Link)" "numbered next"
	expect_match 'rel="last"' "$(header Link)" "numbered last"
	api GET "$C/pages?sort=todo_date"
	expect_eq 33018 "$(jb '.[0].page_id')" "todo_date sort, nulls last"
}

# A listing's order is kept between its pages (tests/sim/sim_page.c, issue 18) only while nothing
# is written: a rename, a delete, a new seed between two pages of the same listing must show in the
# next page as a fresh listing would order it.
test_next_page_follows_writes() {
	local want next
	sim_start --seed "$(seed_with '.courses[0].pages = [range(25) | {title: "Page \(. + 10)", page_id: (40000 + .),
		url: "p\(.)", body: "<p>b</p>"}]')"
	api GET "$C/pages?sort=title&per_page=10"
	expect_eq "$(seq -f 'Page %g' 10 19 | paste -sd,)" "$(jb '[.[].title] | join(",")')" "page 1 by title"
	# a page of page 2 moves to the front; page 2 is then Page 19 and 20..29 but the renamed 25
	api PUT "$C/pages/p15" -d 'wiki_page[title]=Page 09'
	expect_status 200
	api GET "$C/pages?sort=title&per_page=10&page=2"
	want="Page 19,Page 20,Page 21,Page 22,Page 23,Page 24,Page 26,Page 27,Page 28,Page 29"
	expect_eq "$want" "$(jb '[.[].title] | join(",")')" "page 2 after a rename"
	# bookmark paging (by page_id): a page deleted after page 1 is not served by page 2
	api GET "$C/pages?per_page=10"
	expect_eq 40009 "$(jb '.[-1].page_id')" "bookmark page 1"
	next=$(next_path)
	api DELETE "$C/pages/p11"
	expect_status 200
	api GET "$next"
	expect_eq "40010 40012 40013" "$(jb '[.[0:3][].page_id] | join(" ")')" "bookmark page 2 after a delete"
	# a new seed: the next page lists its pages
	api GET "$C/pages?sort=title&per_page=2"
	sim_post /__sim/seed "$(jq -c '.courses[0].pages = [range(5) | {title: "New \(.)", url: "n\(.)"}]' \
		"$FIXTURES/small-seed.json")" >/dev/null
	api GET "$C/pages?sort=title&per_page=2&page=2"
	expect_eq "New 2,New 3" "$(jb '[.[].title] | join(",")')" "page 2 after a new seed"
}

test_pages_tab_disabled() {
	sim_start --seed "$(seed_with '.courses[0].pages_tab_disabled = true')"
	api GET "$C/pages"
	expect_status 404
	expect_eq "That page has been disabled for this course" "$(jb '.message')" "message"
}

test_get_by_slug_page_id_and_number() {
	sim_start --seed \
		"$(seed_with '.courses[0].pages += [{title: "Numbered", url: "33017", page_id: 33050}]')"
	api GET "$C/pages/home"
	expect_status 200
	expect_eq 33001 "$(jb '.page_id')" "by slug"
	expect_eq "<h1>PHYS 101</h1>" "$(jb '.body' | head -n 1)" "body"
	expect_match '^http://127\.0\.0\.1:[0-9]+/courses/4821/pages/home$' "$(jb '.html_url')" "html_url"
	expect_eq "teachers" "$(jb '.editing_roles')" "editing_roles"
	expect_eq false "$(jb '.locked_for_user')" "locked_for_user"
	api GET "$C/pages/page_id:33018"
	expect_status 200
	expect_eq reading-kinematics-notes "$(jb '.url')" "page_id:N"
	expect_eq "2025-01-31T04:59:00Z" "$(jb '.todo_date')" "todo_date"
	# a bare number is a slug first: the page whose url is "33017" wins over id 33017
	api GET "$C/pages/33017"
	expect_eq Numbered "$(jb '.title')" "bare number as slug"
	api GET "$C/pages/page_id:33017"
	expect_eq syllabus-policies "$(jb '.url')" "page_id: forces the id"
	api GET "$C/pages/33019"
	expect_eq draft-notes "$(jb '.url')" "bare number as id"
	api GET "$C/front_page"
	expect_status 200
	expect_eq home "$(jb '.url')" "front page"
}

test_not_found_shapes() {
	sim_start
	api GET "$C/pages/no-such-page"
	expect_status 404
	expect_eq '{"message":"page not found"}' "$(body_c .)" "404 body"
	api GET "$C/pages/page_id:999999"
	expect_status 404
	expect_eq "page not found" "$(jb '.message')" "page_id: 404"
	api DELETE "$C/pages/no-such-page"
	expect_status 404
	api GET "$C/pages/no-such-page/revisions"
	expect_status 404
	expect_eq "page not found" "$(jb '.message')" "revisions of an unknown page"
	api GET "$C/pages/home/revisions/99"
	expect_status 404
	expect_eq "The specified resource does not exist." "$(jb '.errors[0].message')" "unknown revision"
	api POST "$C/pages/home/revisions/99"
	expect_status 404
	expect_eq 0 "$(state '.courses[0].pages[0].revisions | length')" "no revisions stored by failures"
	api GET /api/v1/courses/4822/front_page
	expect_status 404
	expect_eq "No front page has been set" "$(jb '.message')" "no front page"
}

test_put_body_creates_revision() {
	sim_start
	api GET "$C/pages/reading-kinematics-notes/revisions"
	expect_status 200
	expect_eq '[{"revision_id":1,"updated_at":"2024-12-19T21:44:03Z","latest":true}]' \
		"$(body_c .)" "seed revision"
	api PUT "$C/pages/reading-kinematics-notes" \
		--data-urlencode 'wiki_page[body]=<p>Due Friday, February 7</p>'
	expect_status 200
	expect_eq "<p>Due Friday, February 7</p>" "$(jb '.body')" "response body"
	expect_eq "<p>Due Friday, February 7</p>" "$(page_state 33018 .body)" "stored body"
	[ "$(jb '.updated_at')" != "2024-12-19T21:44:03Z" ] || fail "updated_at (revised_at) did not move"
	expect_eq "1,2" "$(page_state 33018 '[.revisions[].revision_id] | join(",")')" "stored revisions"
	api GET "$C/pages/reading-kinematics-notes/revisions"
	expect_status 200
	expect_eq "2,1" "$(jb '[.[].revision_id] | join(",")')" "newest first"
	expect_eq "true,false" "$(jb '[.[].latest] | join(",")')" "latest flags"
	expect_eq false "$(jb 'map(has("body") or has("title") or has("url")) | any')" "summaries only"
	expect_match 'rel="last"' "$(header Link)" "numbered paging"
	api GET "$C/pages/reading-kinematics-notes/revisions/latest"
	expect_eq "2 <p>Due Friday, February 7</p>" "$(jb '"\(.revision_id) \(.body)"')" "latest"
	api GET "$C/pages/reading-kinematics-notes/revisions/1"
	expect_match 'January 31' "$(jb '.body')" "revision 1 body"
	expect_eq "false reading-kinematics-notes" "$(jb '"\(.latest) \(.url)"')" "revision 1"
	api GET "$C/pages/reading-kinematics-notes/revisions/1?summary=true"
	expect_eq "revision_id,updated_at,latest" "$(jb 'keys_unsorted | join(",")')" "summary=true"
	# published and editing_roles are not versioned columns
	api PUT "$C/pages/reading-kinematics-notes" -d 'wiki_page[published]=false' \
		-d 'wiki_page[editing_roles]=teachers,students'
	expect_status 200
	expect_eq 2 "$(page_state 33018 '.revisions | length')" "no revision for published/editing_roles"
	# the same body again is not a change
	api PUT "$C/pages/reading-kinematics-notes" \
		--data-urlencode 'wiki_page[body]=<p>Due Friday, February 7</p>'
	expect_eq 2 "$(page_state 33018 '.revisions | length')" "no revision for an unchanged body"
}

test_revert_restores_content_not_settings() {
	local old_body
	sim_start
	old_body=$(page_state 33018 .body)
	api PUT "$C/pages/reading-kinematics-notes" -d 'wiki_page[title]=Kinematics, revised' \
		-d 'wiki_page[body]=<p>new</p>'
	expect_status 200
	expect_eq kinematics-revised "$(jb '.url')" "url after rename"
	api PUT "$C/pages/kinematics-revised" -d 'wiki_page[published]=false' \
		-d 'wiki_page[student_todo_at]=2025-02-07T04:59:00Z'
	expect_status 200
	expect_eq 3 "$(page_state 33018 '.revisions | length')" "todo_date is versioned"
	api POST "$C/pages/kinematics-revised/revisions/1"
	expect_status 200
	expect_eq "4 true reading-kinematics-notes" \
		"$(jb '"\(.revision_id) \(.latest) \(.url)"')" "new latest revision"
	expect_eq "Reading: Kinematics notes" "$(jb '.title')" "revision title"
	expect_eq "$old_body" "$(jb '.body')" "revision body"
	# the page got body, title and url back, but not published or todo_date
	expect_eq "$old_body" "$(page_state 33018 .body)" "stored body"
	expect_eq "Reading: Kinematics notes" "$(page_state 33018 .title)" "stored title"
	expect_eq reading-kinematics-notes "$(page_state 33018 .url)" "stored url"
	expect_eq false "$(page_state 33018 .published)" "published not reverted"
	expect_eq "2025-02-07T04:59:00Z" "$(page_state 33018 .todo_date)" "todo_date not reverted"
	api GET "$C/pages/reading-kinematics-notes/revisions"
	expect_eq "4,3,2,1" "$(jb '[.[].revision_id] | join(",")')" "revisions after revert"
	api GET "$C/pages/kinematics-revised"
	expect_status 404
}

test_put_unknown_slug_creates_page() {
	sim_start
	api PUT "$C/pages/week-9-notes" -d 'wiki_page[body]=<p>typo target</p>'
	expect_status 200
	expect_eq "Week 9 Notes week-9-notes false" "$(jb '"\(.title) \(.url) \(.published)"')" "created page"
	expect_eq 5 "$(state '.courses[0].pages | length')" "page count"
	expect_eq "<p>typo target</p>" \
		"$(state '.courses[0].pages[] | select(.url == "week-9-notes") | .body')" "stored"
	expect_eq 1 "$(state '.courses[0].pages[] | select(.url == "week-9-notes") | .revisions | length')" \
		"revision 1"
	api GET "$C/pages/week-9-notes"
	expect_status 200
	# with a title the slug follows the title, unique with a -2 suffix
	api PUT "$C/pages/another-one" -d 'wiki_page[title]=Home' -d 'wiki_page[published]=true'
	expect_status 200
	expect_eq "Home home-2 true" "$(jb '"\(.title) \(.url) \(.published)"')" "upsert with a taken title"
	expect_eq "home" "$(page_state 33001 .url)" "the old page keeps its slug"
}

test_title_change_changes_url() {
	sim_start
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[title]=Course Policies 2025'
	expect_status 200
	expect_eq course-policies-2025 "$(jb '.url')" "new url"
	expect_eq course-policies-2025 "$(page_state 33017 .url)" "stored url"
	api GET "$C/pages/syllabus-policies"
	expect_status 404
	api GET "$C/pages/course-policies-2025"
	expect_eq 33017 "$(jb '.page_id')" "new url resolves"
	api PUT "$C/pages/draft-notes" -d 'wiki_page[title]=Course Policies 2025'
	expect_eq course-policies-2025-2 "$(jb '.url')" "taken slug gets -2"
	api PUT "$C/pages/draft-notes" -d 'wiki_page[title]=   '
	expect_status 400
	expect_eq "Title can't be blank" "$(jb '.errors.title[0].message')" "blank title"
}

test_put_without_wrapper_is_a_silent_noop() {
	local before
	sim_start
	before=$(state_c '.courses[0].pages')
	api PUT "$C/pages/syllabus-policies" -d 'body=<p>lost</p>' -d 'title=Lost' -d 'published=false'
	expect_status 200
	expect_eq "Syllabus and policies" "$(jb '.title')" "response is the unchanged page"
	expect_match 'Late work' "$(jb '.body')" "response body unchanged"
	expect_eq "$before" "$(state_c '.courses[0].pages')" "state unchanged"
	api PUT "$C/pages/syllabus-policies" -H 'Content-Type: application/json' \
		--data '{"body":"<p>lost</p>"}'
	expect_status 200
	expect_eq "$before" "$(state_c '.courses[0].pages')" "state unchanged (JSON)"
}

test_todo_date_is_written_as_student_todo_at() {
	sim_start
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[todo_date]=2025-03-01T12:00:00Z'
	expect_status 200
	expect_eq null "$(jb '.todo_date')" "wiki_page[todo_date] ignored (response)"
	expect_eq null "$(page_state 33017 .todo_date)" "wiki_page[todo_date] ignored (state)"
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[student_todo_at]=2025-03-01T12:00:00Z'
	expect_status 200
	expect_eq "2025-03-01T12:00:00Z" "$(jb '.todo_date')" "student_todo_at -> todo_date"
	expect_eq "2025-03-01T12:00:00Z" "$(page_state 33017 .todo_date)" "stored"
	# offset-less input is in the user's zone (America/New_York)
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[student_todo_at]=2025-03-02T09:00:00'
	expect_eq "2025-03-02T14:00:00Z" "$(jb '.todo_date')" "local time"
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[student_planner_checkbox]=false'
	expect_eq null "$(page_state 33017 .todo_date)" "checkbox=false clears"
}

test_front_page_rules() {
	sim_start
	api PUT "$C/pages/home" -d 'wiki_page[published]=false'
	expect_status 400
	expect_eq "The front page cannot be unpublished" "$(jb '.errors.published[0].message')" "error"
	expect_eq published "$(jb '.errors.published[0].attribute')" "attribute"
	expect_eq true "$(page_state 33001 .published)" "state unchanged"
	api PUT "$C/front_page" -H 'Content-Type: application/json' --data '{"wiki_page":{"published":false}}'
	expect_status 400
	expect_eq true "$(page_state 33001 .published)" "state unchanged (front_page route)"
	api DELETE "$C/pages/home"
	expect_status 400
	expect_eq "The front page cannot be deleted" "$(jb '.errors.front_page[0].message')" "delete"
	expect_eq 4 "$(state '.courses[0].pages | length')" "not deleted"
	# an unpublished page cannot become the front page
	api PUT "$C/pages/draft-notes" -d 'wiki_page[front_page]=true'
	expect_status 400
	expect_eq "The front page cannot be unpublished" \
		"$(jb '.errors.front_page[0].message')" "draft as front"
	# moving the front page unsets the old one
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[front_page]=true'
	expect_status 200
	expect_eq true "$(jb '.front_page')" "new front page"
	expect_eq "33017" \
		"$(state '[.courses[0].pages[] | select(.front_page) | .page_id] | join(",")')" \
		"one front page"
	api GET "$C/front_page"
	expect_eq syllabus-policies "$(jb '.url')" "GET front_page"
	api PUT "$C/front_page" --data-urlencode 'wiki_page[body]=<p>front</p>'
	expect_status 200
	expect_eq "<p>front</p>" "$(page_state 33017 .body)" "PUT front_page edits it"
	api DELETE "$C/pages/home"
	expect_status 200
	expect_eq "home false" "$(jb '"\(.url) \(.published)"')" "deleted page"
	expect_eq 3 "$(state '.courses[0].pages | length')" "deleted"
}

test_editing_roles_validation() {
	sim_start
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[editing_roles]=teachers,admins' \
		-d 'wiki_page[body]=x'
	expect_status 400
	expect_eq "The provided editing roles are invalid" "$(jb '.errors.editing_roles[0].message')" "error"
	expect_eq teachers "$(page_state 33017 .editing_roles)" "roles unchanged"
	expect_match 'Late work' "$(page_state 33017 .body)" "body unchanged"
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[editing_roles]=teachers, students'
	expect_status 200
	expect_eq "teachers,students" "$(jb '.editing_roles')" "normalised roles"
	expect_eq "teachers,students" "$(page_state 33017 .editing_roles)" "stored roles"
}

test_create_and_duplicate() {
	sim_start
	api POST "$C/pages" -d 'wiki_page[body]=<p>no title</p>'
	expect_status 400
	expect_eq "Title can't be blank" "$(jb '.errors.title[0].message')" "title required"
	expect_eq 4 "$(state '.courses[0].pages | length')" "nothing created"
	api POST "$C/pages" -H 'Content-Type: application/json' \
		--data '{"wiki_page":{"title":"Lab safety","body":"<p>Goggles.</p>","published":true}}'
	expect_status 200
	expect_eq "lab-safety true false" "$(jb '"\(.url) \(.published) \(.front_page)"')" "created"
	expect_eq "<p>Goggles.</p>" \
		"$(state '.courses[0].pages[] | select(.url == "lab-safety") | .body')" "stored"
	api POST "$C/pages/lab-safety/duplicate"
	expect_status 200
	expect_eq "Lab safety Copy|lab-safety-copy|false" \
		"$(jb '"\(.title)|\(.url)|\(.published)"')" "duplicate"
	expect_eq 6 "$(state '.courses[0].pages | length')" "page count"
}

test_json_body_and_booleans() {
	sim_start
	api PUT "$C/pages/draft-notes" -H 'Content-Type: application/json' \
		--data '{"wiki_page":{"published":true,"body":"<p>Ready.</p>"}}'
	expect_status 200
	expect_eq "true <p>Ready.</p>" "$(page_state 33019 '"\(.published) \(.body)"')" "JSON update"
	# "" for published leaves it alone (Canvas skips an empty value)
	api PUT "$C/pages/draft-notes" -d 'wiki_page[published]='
	expect_eq true "$(page_state 33019 .published)" "empty published ignored"
	api PUT "$C/pages/draft-notes" -d 'wiki_page[published]=off'
	expect_eq false "$(page_state 33019 .published)" "off is false"
}

test_blueprint_locked_page() {
	sim_start --seed "$(seed_with '.courses[0].pages[1] += {is_master_course_child_content: true,
		restricted_by_master_course: true, master_course_restrictions: {content: true}}')"
	api GET "$C/pages"
	expect_eq true "$(jb '.[1].restricted_by_master_course')" "blueprint keys in the list"
	expect_eq true "$(jb '.[1].master_course_restrictions.content')" "restrictions in the list"
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[body]=<p>changed</p>'
	expect_status 400
	expect_eq "cannot change column(s): body - locked by Master Course" \
		"$(jb '.errors.base[0].type')" "type"
	expect_eq base "$(jb '.errors.base[0].attribute')" "attribute"
	expect_match 'Late work' "$(page_state 33017 .body)" "body unchanged"
	api PUT "$C/pages/syllabus-policies" -d 'wiki_page[published]=false'
	expect_status 200
	expect_eq false "$(page_state 33017 .published)" "unlocked column changes"
	api DELETE "$C/pages/syllabus-policies"
	expect_status 401
	expect_eq unauthorized "$(jb '.status')" "delete locked"
}

test_rewrite_html_flag() {
	sim_start --seed "$(seed_with '.courses[0].rewrite_html = true |
		.courses[0].pages[1].body = "<a href=\"/courses/4821/files/5\">f</a>" +
			"<a href=\"//cdn.example/x\">c</a><hr /><br/><p title=\"&quot;a /> b&quot;\">&quot;q&quot;</p>"')"
	api GET "$C/pages/syllabus-policies"
	expect_eq "<a href=\"$SIM_URL/courses/4821/files/5\">f</a><a href=\"//cdn.example/x\">c</a><hr><br><p title=\"&quot;a /> b&quot;\">\"q\"</p>" \
		"$(jb '.body')" "rewritten"
	expect_match '^<a href="/courses' "$(page_state 33017 .body)" "state keeps the stored HTML"
}

test_editor_and_notification() {
	sim_start --seed \
		"$(seed_with '.tokens += [{token: "rivera-token",
			user: {id: 9001, display_name: "Dr. A. Rivera"}}]')"
	api_as rivera-token PUT "$C/pages/syllabus-policies" -d 'wiki_page[body]=<p>v2</p>' \
		-d 'wiki_page[notify_of_update]=true'
	expect_status 200
	expect_eq "Dr. A. Rivera" "$(jb '.last_edited_by.display_name')" "last_edited_by"
	api GET "$C/pages/syllabus-policies/revisions"
	expect_eq "9001 null" "$(jb '"\(.[0].edited_by.id) \(.[1].edited_by)"')" "edited_by"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/notifications" |
		jq '[.[] | select(.type == "updated_wiki_page")] | length')" "notified"
	api_as read-only-token PUT "$C/pages/syllabus-policies" -d 'wiki_page[body]=<p>v3</p>'
	expect_match '^40[13]$' "$STATUS" "read-only token"
	expect_eq "<p>v2</p>" "$(page_state 33017 .body)" "read-only changed nothing"
}

test_put_front_page_creates_one_when_none() {
	sim_start
	api PUT /api/v1/courses/4822/front_page -d 'wiki_page[body]=<p>lab</p>'
	expect_status 400
	expect_eq "Title can't be blank" "$(jb '.errors.title[0].message')" "a new front page needs a title"
	expect_eq 0 "$(state '.courses[1].pages | length')" "nothing created"
	api PUT /api/v1/courses/4822/front_page -d 'wiki_page[title]=Lab home' -d 'wiki_page[body]=<p>lab</p>'
	expect_status 200
	expect_eq "lab-home true true" "$(jb '"\(.url) \(.published) \(.front_page)"')" "created front page"
	api GET /api/v1/courses/4822/front_page
	expect_eq lab-home "$(jb '.url')" "GET front_page"
	# front_page=false on the front page leaves the course without one
	api PUT /api/v1/courses/4822/pages/lab-home -d 'wiki_page[front_page]=false'
	expect_status 200
	api GET /api/v1/courses/4822/front_page
	expect_status 404
}

test_sparse_seed_page() {
	local before
	sim_start --seed "$(seed_with '.courses[1].pages = [{page_id: 500, body: "<p>bare</p>"}]')"
	api GET /api/v1/courses/4822/pages/page_id:500
	expect_status 200
	expect_eq "page teachers true false" \
		"$(jb '"\(.url) \(.editing_roles) \(.published) \(.front_page)"')" "defaults"
	before=$(state_c '.courses[1].pages')
	api PUT /api/v1/courses/4822/pages/page_id:500 -d 'wiki_page[published]=true'
	expect_status 200
	expect_eq "$before" "$(state_c '.courses[1].pages')" "no-op PUT stores nothing"
	api PUT /api/v1/courses/4822/pages/page -d 'wiki_page[body]=<p>dressed</p>'
	expect_status 200
	expect_eq "1,2" "$(state '.courses[1].pages[0] | [.revisions[].revision_id] | join(",")')" "revisions"
	expect_eq "<p>bare</p>" "$(state '.courses[1].pages[0].revisions[0].body')" "revision 1 is the seed"
}
