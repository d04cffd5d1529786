# tests/e2e/t0200-assignments.sh -- canvas-sim's assignments, overrides and bulk_update (API.md 5, 9, 12).
# Each case asserts the HTTP answer and then the simulator's state (GET /__sim/state), so a handler
# that answers right but stores wrong (or the reverse) fails.

C=/api/v1/courses/4821
A=.courses[0].assignments

# GET with a query that has brackets (curl would glob them without -g).
aget() {
	api GET "$1" -g
}

# PUT/POST a JSON body.
ajson() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}

# The value of rel="$1" in the last Link header, or "".
link_rel() {
	header Link | tr ',' '\n' | grep "rel=\"$1\"" | sed 's/^<\([^>]*\)>.*/\1/' || true
}

# Poll a Progress until it is completed or failed; prints the states seen, one per change.
poll_progress() {
	local id=$1 i st last=""
	for i in $(seq 1 100); do
		api GET "/api/v1/progress/$id"
		st=$(jb .workflow_state)
		[ "$st" = "$last" ] || echo "$st"
		last=$st
		case $st in completed | failed) return 0 ;; esac
		sleep 0.05
	done
	fail "progress $id never finished"
}

# The small seed with course 4821 available (published): notifications are sent only then.
available_seed() {
	seed_with '.courses[0].workflow_state = "available"'
}

# ---------------------------------------------------------------- listing and paging

test_paging_follows_next_links_through_250() {
	sim_start --seed "$(seed_with '.courses[0].assignments = [range(250) | {name: "A\(.)", published: true}]')"
	local url="$SIM_URL$C/assignments?per_page=10" ids="" n=0 rels
	while [ -n "$url" ]; do
		api GET "${url#"$SIM_URL"}" -g
		expect_status 200
		ids="$ids $(jb '.[].id')"
		n=$((n + 1))
		if [ $n = 2 ]; then
			rels=$(header Link | grep -o 'rel="[a-z]*"' | tr -d '\n')
			expect_eq 'rel="current"rel="next"rel="prev"rel="first"rel="last"' "$rels" "rel order on page 2"
			expect_match '^<http://127\.0\.0\.1:[0-9]+/api/v1/courses/4821/assignments\?page=2&per_page=10>; rel="current",<' \
				"$(header Link)" "absolute URLs, no space after commas"
		fi
		url=$(link_rel next)
		[ -z "$url" ] || expect_match '^http://127\.0\.0\.1:[0-9]+/' "$url" "next is absolute"
		[ $n -le 30 ] || fail "too many pages"
	done
	expect_eq 25 "$n" "pages"
	expect_eq 250 "$(echo $ids | wc -w)" "ids served"
	expect_eq 250 "$(echo $ids | tr ' ' '\n' | sort -u | wc -l)" "distinct ids"
	expect_eq "$(state "[$A[].id] | sort | .[]" | tr '\n' ' ')" "$(echo $ids | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
		"every stored id exactly once"
	# the last page has no next; past the end is 200 []
	expect_eq "" "$(link_rel next)" "no next on the last page"
	api GET "$C/assignments?per_page=10&page=26"
	expect_status 200
	expect_eq '[]' "$(jb tojson)" "past the end"
	api GET "$C/assignments?page=x"
	expect_status 404
}

# The rows of a listing are kept between its pages (tests/sim/sim_page.c, issue 18) only while
# nothing is written: a rename after page 1 reorders page 2.
test_next_page_follows_writes() {
	local id
	sim_start --seed "$(seed_with '.courses[0].assignments = [range(30) | {name: "A\(. + 10)", published: true}]')"
	api GET "$C/assignments?order_by=name&per_page=10"
	expect_eq "$(seq -f 'A%g' 10 19 | paste -sd,)" "$(jb '[.[].name] | join(",")')" "page 1 by name"
	id=$(state "[$A[] | select(.name == \"A25\") | .id][0]")
	api PUT "$C/assignments/$id" -d 'assignment[name]=A09'
	expect_status 200
	api GET "$C/assignments?order_by=name&per_page=10&page=2"
	expect_eq "A19,A20,A21,A22,A23,A24,A26,A27,A28,A29" "$(jb '[.[].name] | join(",")')" "page 2 after a rename"
}

test_per_page_is_clamped_to_100() {
	sim_start --seed "$(seed_with '.courses[0].assignments = [range(250) | {name: "A\(.)"}]')"
	api GET "$C/assignments?per_page=1000"
	expect_status 200
	expect_eq 100 "$(jb length)" "items"
	expect_match 'page=2&per_page=100>; rel="next"' "$(header Link)" "next keeps the clamped per_page"
	api GET "$C/assignments"
	expect_eq 10 "$(jb length)" "default per_page"
}

test_default_order_and_filters() {
	sim_start --seed "$(seed_with '.courses[0].assignment_groups = [{id: 5513, position: 1}, {id: 5511, position: 2},
		{id: 5512, position: 3}]')"
	api GET "$C/assignments"
	expect_eq "90230 90211 90212 90213 90240" "$(jb '[.[].id] | join(" ")')" "group position, position, id"
	api GET "$C/assignments?order_by=name"
	expect_eq "90211 90212 90213 90240 90230" "$(jb '[.[].id] | join(" ")')" "by name"
	api GET "$C/assignments?search_term=problem"
	expect_eq "90212 90213" "$(jb '[.[].id] | join(" ")')" "search_term, case-insensitive"
	aget "$C/assignments?assignment_ids[]=90240&assignment_ids[]=90211"
	expect_eq "90211 90240" "$(jb '[.[].id] | join(" ")')" "assignment_ids[] filters, order kept"
	aget "$C/assignments?$(seq -f 'assignment_ids[]=%g' 1 101 | paste -sd'&')"
	expect_status 400
	expect_match 'too many assignment_ids' "$(jb .message)" "over 100 ids"
}

test_rendered_fields_and_links() {
	sim_start
	api GET "$C/assignments/90240"
	expect_status 200
	expect_eq "1502 true true published" "$(jb '"\(.quiz_id) \(.is_quiz_assignment) \(.published) \(.workflow_state)"')" "quiz"
	expect_match "^http://127\.0\.0\.1:[0-9]+/courses/4821/assignments/90240$" "$(jb .html_url)" "html_url"
	expect_eq "4821 false null" "$(jb '"\(.course_id) \(.has_overrides) \(.overrides)"')" "course_id, has_overrides"
	api GET "$C/assignments/90230"
	expect_eq "61007 Week 4 discussion: reference frames" "$(jb '"\(.discussion_topic.id) \(.discussion_topic.title)"')" \
		"nested discussion_topic"
	api GET "$C/assignments/90213"
	expect_eq "false unpublished" "$(jb '"\(.published) \(.workflow_state)"')" "unpublished"
	api GET "$C/assignments/abc"
	expect_status 404
	api GET "$C/assignments/1"
	expect_status 404
	expect_eq "The specified resource does not exist." "$(jb '.errors[0].message')" "404 body"
}

test_sis_assignment_id_in_the_path() {
	sim_start --seed "$(seed_with "$A[1].sis_assignment_id = \"PS-1/A\"")"
	api GET "$C/assignments/sis_assignment_id:PS-1%2FA"
	expect_status 200
	expect_eq 90212 "$(jb .id)" "found by SIS id"
	api PUT "$C/assignments/sis_assignment_id:PS-1%2FA" -d 'assignment[name]=Renamed'
	expect_status 200
	expect_eq Renamed "$(state "$A[] | select(.id == 90212) | .name")" "stored"
}

# ---------------------------------------------------------------- all_dates and the override collapse

test_all_dates_and_the_25_override_cap() {
	local ovs24 ovs25
	ovs24='[range(24) | {id: (5000 + .), title: "S\(.)", due_at: "2025-02-10T04:59:59Z", student_ids: [.]}]'
	ovs25='[range(25) | {id: (5000 + .), title: "S\(.)", due_at: "2025-02-10T04:59:59Z", student_ids: [.]}]'
	sim_start --seed "$(seed_with "$A[1].overrides = $ovs24 | $A[2].overrides = $ovs25")"
	aget "$C/assignments?include[]=all_dates&override_assignment_dates=false"
	expect_eq 25 "$(jb '.[] | select(.id == 90212) | .all_dates | length')" "24 overrides + base"
	expect_eq null "$(jb '.[] | select(.id == 90212) | .all_dates_count')" "no count under the cap"
	expect_eq null "$(jb '.[] | select(.id == 90213) | .all_dates')" "25 overrides: no all_dates"
	expect_eq 25 "$(jb '.[] | select(.id == 90213) | .all_dates_count')" "all_dates_count"
	expect_eq "Everyone" "$(jb '.[] | select(.id == 90240) | .all_dates[0].title')" "base title without overrides"
	# 90211: base first, then override rows; a date an override does not set is null there
	expect_eq 'true Everyone else 2025-02-08T04:59:59Z|3307 null|3308 2025-02-15T04:59:59Z' \
		"$(jb '.[] | select(.id == 90211) | .all_dates | "\(.[0].base) \(.[0].title) \(.[0].due_at)|\(.[1].id) \(.[1].unlock_at)|\(.[2].id) \(.[2].lock_at)"')" \
		"all_dates rows"
	# on show the switch is all_dates=true; include[]=all_dates is ignored there
	aget "$C/assignments/90211?include[]=all_dates"
	expect_eq null "$(jb .all_dates)" "include[] on show"
	api GET "$C/assignments/90211?all_dates=true"
	expect_eq 3 "$(jb '.all_dates | length')" "all_dates=true on show"
	aget "$C/assignments/90211?include[]=overrides"
	expect_eq '3307:due_at,all_day,all_day_date|3308:due_at,all_day,all_day_date,unlock_at,lock_at' \
		"$(jb '[.overrides[] | "\(.id):" + ([keys_unsorted[] | select(test("_at$|all_day"))] | join(","))] | join("|")')" \
		"override date keys only when overridden"
}

test_override_assignment_dates_collapses_by_default() {
	sim_start
	# 90211: base due 02-08, overrides due 02-09 and 02-12; only 3308 sets lock_at
	api GET "$C/assignments/90211"
	expect_eq "2025-02-12T04:59:59Z 2025-01-27T05:00:00Z 2025-02-15T04:59:59Z" \
		"$(jb '"\(.due_at) \(.unlock_at) \(.lock_at)"')" "collapsed (teacher view)"
	api GET "$C/assignments/90211?override_assignment_dates=false"
	expect_eq "2025-02-08T04:59:59Z 2025-01-27T05:00:00Z null" "$(jb '"\(.due_at) \(.unlock_at) \(.lock_at)"')" \
		"base dates"
	api GET "$C/assignments?override_assignment_dates=false"
	expect_eq "2025-02-08T04:59:59Z" "$(jb '.[] | select(.id == 90211) | .due_at')" "list, base"
	# an override to "no due date" is the most lenient of all
	api PUT "$C/assignments/90211/overrides/3307" --data-urlencode 'assignment_override[due_at]='
	expect_status 200
	api GET "$C/assignments/90211"
	expect_eq null "$(jb .due_at)" "null wins"
	expect_eq "2025-02-08T04:59:59Z" "$(state "$A[0].due_at")" "the stored base is untouched"
}

# ---------------------------------------------------------------- PUT

test_put_date_without_seconds_is_400() {
	sim_start
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-03-01T12:00Z' -d 'assignment[name]=X'
	expect_status 400
	expect_eq '{"errors":{"assignment[due_at]":[{"attribute":"assignment[due_at]","type":"Invalid datetime for due_at","message":"Invalid datetime for due_at"}]}}' \
		"$(cat "$LOGDIR/body")" "exact body"
	expect_eq "2025-01-25T04:59:59Z Problem Set 1" "$(state "$A[1] | \"\(.due_at) \(.name)\"")" "nothing changed"
	for bad in 2025-03-01 '2025-03-01T12:00:00+0500' 'next friday'; do
		api PUT "$C/assignments/90212" --data-urlencode "assignment[lock_at]=$bad"
		expect_status 400
		expect_eq "Invalid datetime for lock_at" "$(jb '.errors["assignment[lock_at]"][0].message')" "$bad"
	done
	ajson PUT "$C/assignments/90212" '{"assignment":{"lock_at":"2025-03-01T12:00:00.123+05:30"}}'
	expect_status 200
	expect_eq "2025-03-01T06:30:00Z" "$(state "$A[1].lock_at")" "fraction and offset accepted"
}

test_put_offset_less_time_is_user_zone_and_fancy_midnight() {
	sim_start
	# user_time_zone is America/New_York (EST, -05:00 in March before the 9th)
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-03-01T12:00:00'
	expect_status 200
	expect_eq "2025-03-01T17:00:00Z" "$(jb .due_at)" "answer"
	expect_eq "2025-03-01T17:00:00Z" "$(state "$A[1].due_at")" "state"
	# 00:00:00 local on due_at and lock_at becomes 23:59:59 the same day; unlock_at stays
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-03-02T00:00:00' \
		-d 'assignment[unlock_at]=2025-03-01T00:00:00' -d 'assignment[lock_at]=2025-03-05T05:00:00Z'
	expect_status 200
	expect_eq "2025-03-03T04:59:59Z 2025-03-01T05:00:00Z 2025-03-06T04:59:59Z" \
		"$(state "$A[1] | \"\(.due_at) \(.unlock_at) \(.lock_at)\"")" "fancy midnight"
	# absent = unchanged, "" = cleared
	api PUT "$C/assignments/90212" -d 'assignment[lock_at]='
	expect_eq "2025-03-03T04:59:59Z 2025-03-01T05:00:00Z null" \
		"$(state "$A[1] | \"\(.due_at) \(.unlock_at) \(.lock_at)\"")" "cleared lock_at only"
	ajson PUT "$C/assignments/90212" '{"assignment":{"unlock_at":null}}'
	expect_eq "null" "$(state "$A[1].unlock_at")" "JSON null clears"
}

test_put_date_order_is_400_and_changes_nothing() {
	sim_start
	api PUT "$C/assignments/90213" -d 'assignment[due_at]=2025-02-10T04:59:59Z' -d 'assignment[name]=Late'
	expect_status 400
	expect_eq '{"errors":{"due_at":[{"attribute":"due_at","type":"must be between availability dates","message":"must be between availability dates"}]}}' \
		"$(cat "$LOGDIR/body")" "body"
	expect_eq "2025-02-01T04:59:59Z Problem Set 2 2024-12-19T21:42:00Z" \
		"$(state "$A[2] | \"\(.due_at) \(.name) \(.updated_at)\"")" "state unchanged"
	api PUT "$C/assignments/90213" -d 'assignment[due_at]=2025-02-10T04:59:59Z' -d 'assignment[lock_at]='
	expect_status 200
	expect_eq "2025-02-10T04:59:59Z" "$(state "$A[2].due_at")" "valid once lock_at is cleared"
}

test_put_missing_wrapper_is_400() {
	sim_start
	api PUT "$C/assignments/90212" -d 'due_at=2025-03-01T12:00:00Z'
	expect_status 400
	expect_eq '{"errors":[{"message":"assignment is missing"}]}' "$(cat "$LOGDIR/body")" "body"
	ajson PUT "$C/assignments/90212" '{"due_at":"2025-03-01T12:00:00Z"}'
	expect_status 400
	expect_eq "2025-01-25T04:59:59Z" "$(state "$A[1].due_at")" "unchanged"
}

test_form_and_json_bodies_are_equivalent() {
	local form json
	sim_start
	api PUT "$C/assignments/90212" -d 'assignment[name]=PS 1 (2025)' -d 'assignment[due_at]=2025-03-01T12:00:00Z' \
		-d 'assignment[published]=false' -d 'assignment[points_possible]=12.5' \
		-d 'assignment[submission_types][]=online_text_entry' -d 'assignment[submission_types][]=online_url' \
		-d 'assignment[description]=<p>new</p>'
	expect_status 200
	form=$(state "$A[1] | del(.updated_at)")
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	ajson PUT "$C/assignments/90212" '{"assignment":{"name":"PS 1 (2025)","due_at":"2025-03-01T12:00:00Z",
		"published":false,"points_possible":12.5,"submission_types":["online_text_entry","online_url"],
		"description":"<p>new</p>"}}'
	expect_status 200
	json=$(state "$A[1] | del(.updated_at)")
	expect_eq "$form" "$json" "stored assignment"
	expect_eq "false unpublished 12.5" "$(state "$A[1] | \"\(.published) \(.workflow_state) \(.points_possible)\"")" \
		"typed values"
	# booleans: value_to_boolean on strings
	api PUT "$C/assignments/90212" -d 'assignment[published]=yes'
	expect_eq true "$(state "$A[1].published")" "yes"
	api PUT "$C/assignments/90212" -d 'assignment[published]=0'
	expect_eq false "$(state "$A[1].published")" "0"
}

test_updated_at_moves_only_on_change() {
	sim_start
	api PUT "$C/assignments/90212" -d 'assignment[name]=Problem Set 1'
	expect_status 200
	expect_eq "2024-12-19T21:41:00Z" "$(state "$A[1].updated_at")" "same value: not touched"
	api PUT "$C/assignments/90212" -d 'assignment[force_updated_at]=true' -d 'assignment[name]=Problem Set 1'
	[ "$(state "$A[1].updated_at")" != "2024-12-19T21:41:00Z" ] || fail "force_updated_at did not bump"
	api PUT "$C/assignments/90213" -d 'assignment[name]=New'
	[ "$(state "$A[2].updated_at")" != "2024-12-19T21:42:00Z" ] || fail "a change did not bump updated_at"
	expect_eq "$(state "$A[2].updated_at")" "$(jb .updated_at)" "answer carries the new updated_at"
}

test_submission_types_silently_ignored_after_submissions() {
	sim_start --seed "$(seed_with "$A[1].has_submitted_submissions = true")"
	api PUT "$C/assignments/90212" -d 'assignment[submission_types][]=online_url' -d 'assignment[name]=Still'
	expect_status 200
	expect_eq '["online_upload"] Still' "$(state "$A[1] | \"\(.submission_types | tojson) \(.name)\"")" \
		"200, name saved, submission_types not"
	api PUT "$C/assignments/90212" -d 'assignment[published]=false'
	expect_status 400
	expect_eq "Can't unpublish if there are student submissions" "$(jb '.errors.published[0].message')" "unpublish"
	expect_eq true "$(state "$A[1].published")" "still published"
}

test_quiz_and_topic_mirroring() {
	sim_start
	api PUT "$C/assignments/90240" -d 'assignment[name]=Quiz 2 (2025)' -d 'assignment[due_at]=2025-03-01T04:59:59Z' \
		-d 'assignment[lock_at]=2025-03-02T04:59:59Z' -d 'assignment[description]=<p>Ch 2-3</p>'
	expect_status 200
	expect_eq "Quiz 2 (2025)|2025-03-01T04:59:59Z|2025-03-02T04:59:59Z|<p>Ch 2-3</p>" \
		"$(state '.courses[0].quizzes[] | select(.id == 1502) | "\(.title)|\(.due_at)|\(.lock_at)|\(.description)"')" \
		"the quiz follows its assignment"
	api PUT "$C/assignments/90230" -d 'assignment[name]=Week 4 (new)' -d 'assignment[description]=<p>m</p>'
	expect_status 200
	expect_eq "Week 4 (new)|<p>m</p>" \
		"$(state '.courses[0].discussion_topics[] | select(.id == 61007) | "\(.title)|\(.message)"')" "the topic too"
	expect_eq "Practice quiz (ungraded)" "$(state '.courses[0].quizzes[] | select(.id == 1503) | .title')" "others not"
}

test_blueprint_lock_is_400_and_changes_nothing() {
	sim_start --seed "$(seed_with "$A[1].restricted_by_master_course = true |
		$A[1].master_course_restrictions = {content: false, due_dates: true, availability_dates: true}")"
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-03-01T04:59:59Z' -d 'assignment[name]=Changed'
	expect_status 400
	expect_eq '{"errors":{"base":[{"attribute":"base","type":"cannot change column(s): due_at - locked by Master Course","message":"cannot change column(s): due_at - locked by Master Course"}]}}' \
		"$(cat "$LOGDIR/body")" "body"
	expect_eq "2025-01-25T04:59:59Z Problem Set 1" "$(state "$A[1] | \"\(.due_at) \(.name)\"")" "nothing changed"
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-03-01T04:59:59Z' -d 'assignment[lock_at]=2025-03-09T04:59:59Z'
	expect_match 'due_at, lock_at - locked' "$(jb '.errors.base[0].message')" "two columns"
	# an unlocked column, and a PUT that sends the locked value unchanged, go through
	api PUT "$C/assignments/90212" -d 'assignment[name]=Changed' -d 'assignment[due_at]=2025-01-25T04:59:59Z'
	expect_status 200
	expect_eq "Changed" "$(state "$A[1].name")" "content not locked"
	api GET "$C/assignments/90212"
	expect_eq "true true" "$(jb '"\(.restricted_by_master_course) \(.master_course_restrictions.due_dates)"')" "rendered"
	api DELETE "$C/assignments/90212"
	expect_status 401
	expect_eq 90212 "$(state "$A[1].id")" "locked content is not deleted"
}

test_only_visible_to_overrides_flips_on_due_date() {
	sim_start --seed "$(seed_with "$A[0].only_visible_to_overrides = true | $A[0].due_at = null")"
	api GET "$C/assignments/90211?all_dates=true&override_assignment_dates=false"
	expect_eq "3307 false" "$(jb '"\(.all_dates[0].id) \(.visible_to_everyone)"')" "no base row"
	api PUT "$C/assignments/90211" -d 'assignment[due_at]=2025-02-08T04:59:59Z'
	expect_status 200
	expect_eq false "$(state "$A[0].only_visible_to_overrides")" "a due date makes it visible to everyone"
}

test_assignment_overrides_param_replaces_the_set() {
	sim_start
	ajson PUT "$C/assignments/90211" '{"assignment":{"assignment_overrides":[{"id":3307,"due_at":"2025-02-10T04:59:59Z"},
		{"student_ids":[77154],"title":"Extension","lock_at":"2025-02-20T04:59:59Z"}]}}'
	expect_status 200
	expect_eq "3307|Extension" "$(state "[$A[0].overrides[] | (.id|tostring) as \$i | if \$i == \"3307\" then \$i else .title end] | join(\"|\")")" \
		"3308 deleted, 3307 kept, one created"
	expect_eq '2025-02-10T04:59:59Z 6203 false' \
		"$(state "$A[0].overrides[0] | \"\(.due_at) \(.course_section_id) \(has(\"unlock_at\"))\"")" "3307 updated"
	# absent key: untouched
	api PUT "$C/assignments/90211" -d 'assignment[name]=Lab 3'
	expect_eq 2 "$(state "$A[0].overrides | length")" "absent = untouched"
	# present and empty (JSON []) deletes them all
	ajson PUT "$C/assignments/90211" '{"assignment":{"assignment_overrides":[]}}'
	expect_eq 0 "$(state "$A[0].overrides | length")" "[] deletes every override"
}

test_create_and_delete() {
	sim_start
	ajson POST "$C/assignments" '{"assignment":{"points_possible":5}}'
	expect_status 400
	expect_eq "can't be blank" "$(jb '.errors.name[0].message')" "name required"
	api POST "$C/assignments" -d 'x=1'
	expect_status 400
	expect_eq "assignment is missing" "$(jb '.errors[0].message')" "wrapper"
	api POST "$C/assignments" -d 'assignment[name]=Essay' -d 'assignment[due_at]=2025-04-01T04:59:59Z' \
		-d 'assignment[assignment_group_id]=5511'
	expect_status 201
	local id
	id=$(jb .id)
	expect_eq "Essay false 4 2025-04-01T04:59:59Z" "$(state "$A[] | select(.id == $id) | \"\(.name) \(.published) \(.position) \(.due_at)\"")" \
		"stored, unpublished, last in its group"
	api DELETE "$C/assignments/$id"
	expect_status 200
	expect_eq "$id deleted" "$(jb '"\(.id) \(.workflow_state)"')" "the deleted object"
	expect_eq 0 "$(state "[$A[] | select(.id == $id)] | length")" "gone"
	api GET "$C/assignments/$id"
	expect_status 404
}

test_position_reorders_the_group() {
	sim_start
	api PUT "$C/assignments/90213" -d 'assignment[position]=1'
	expect_status 200
	expect_eq "90213:1 90211:2 90212:3" "$(state "[$A[] | select(.assignment_group_id == 5511) | \"\(.id):\(.position)\"] | sort_by(.[6:]) | join(\" \")")" \
		"insert_at"
}

# ---------------------------------------------------------------- overrides

test_override_put_omitting_a_date_unoverrides_it() {
	sim_start
	api PUT "$C/assignments/90211/overrides/3308" -d 'assignment_override[due_at]=2025-02-13T04:59:59Z'
	expect_status 200
	expect_eq 'due_at,all_day,all_day_date' "$(jb '[keys_unsorted[] | select(test("_at$|all_day"))] | join(",")')" \
		"answer: only due_at is overridden now"
	expect_eq 'false false 2025-02-13T04:59:59Z [77120]' \
		"$(state "$A[0].overrides[1] | \"\(has(\"unlock_at\")) \(has(\"lock_at\")) \(.due_at) \(.student_ids | tojson)\"")" \
		"state: keys removed, target unchanged"
	# blank = overridden to no date: the key stays, null
	api PUT "$C/assignments/90211/overrides/3308" -d 'assignment_override[due_at]=2025-02-13T04:59:59Z' \
		-d 'assignment_override[lock_at]='
	expect_eq 'true null' "$(state "$A[0].overrides[1] | \"\(has(\"lock_at\")) \(.lock_at)\"")" "blank = null"
	api GET "$C/assignments/90211/overrides/3308"
	expect_eq 'null true' "$(jb '"\(.lock_at) \(has("lock_at"))"')" "rendered"
	# offset-less input in the user zone, fancy midnight always
	api PUT "$C/assignments/90211/overrides/3308" -d 'assignment_override[due_at]=2025-02-14T00:00:00'
	expect_eq "2025-02-15T04:59:59Z true 2025-02-14" "$(jb '"\(.due_at) \(.all_day) \(.all_day_date)"')" \
		"fancy midnight, all_day"
	api PUT "$C/assignments/90211/overrides/3308" -d 'assignment_override[due_at]=2025-02-14T15:00:00Z'
	expect_eq "false 2025-02-14" "$(jb '"\(.all_day) \(.all_day_date)"')" "not all-day"
	# a section override keeps its target and its title
	api PUT "$C/assignments/90211/overrides/3307" -d 'assignment_override[course_section_id]=1' \
		-d 'assignment_override[title]=Renamed' -d 'assignment_override[due_at]=2025-02-09T04:59:59Z'
	expect_eq "6203 Section 002 (Tue/Thu)" "$(state "$A[0].overrides[0] | \"\(.course_section_id) \(.title)\"")" \
		"section target and title fixed"
}

test_override_create_list_delete_and_errors() {
	sim_start --seed "$(seed_with '.courses[0].sections = [{id: 6203, name: "Section 002 (Tue/Thu)"}, {id: 6204, name: "Section 003"}]')"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[course_section_id]=99'
	expect_status 400
	expect_eq '{"errors":["unknown section id \"99\""]}' "$(cat "$LOGDIR/body")" "form: a string id is quoted"
	ajson POST "$C/assignments/90211/overrides" '{"assignment_override":{"course_section_id":99}}'
	expect_eq '{"errors":["unknown section id 99"]}' "$(cat "$LOGDIR/body")" "JSON: a number is not"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[title]=x'
	expect_eq '{"errors":["one of student_ids, group_id, or course_section_id is required"]}' "$(cat "$LOGDIR/body")" \
		"no target"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[student_ids][]=5' \
		--data-urlencode 'assignment_override[due_at]=next friday'
	expect_eq '{"errors":["invalid due_at \"next friday\""]}' "$(cat "$LOGDIR/body")" "bad date"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[group_id]=5'
	expect_eq 'group_id is not valid for non-group assignments' "$(jb '.errors[0]')" "group on a non-group assignment"
	expect_eq 2 "$(state "$A[0].overrides | length")" "nothing created"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[course_section_id]=6204' \
		-d 'assignment_override[due_at]=2025-02-11T04:59:59Z' -d 'assignment_override[title]=ignored'
	expect_status 201
	local id
	id=$(jb .id)
	expect_eq "Section 003 6204 2025-02-11T04:59:59Z false" \
		"$(jb '"\(.title) \(.course_section_id) \(.due_at) \(has("lock_at"))"')" "created"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[course_section_id]=6204'
	expect_status 400
	expect_eq "has already been taken" "$(jb '.errors.set_id[0].message')" "one override per section"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[student_ids][]=1' -d 'assignment_override[student_ids][]=2'
	expect_eq "2 students" "$(jb .title)" "adhoc title from the count"
	api GET "$C/assignments/90211/overrides?per_page=2"
	expect_eq "3307 3308" "$(jb '[.[].id] | join(" ")')" "first page"
	expect_match 'rel="next"' "$(header Link)" "paged"
	api DELETE "$C/assignments/90211/overrides/$id"
	expect_status 200
	expect_eq "$id" "$(jb .id)" "returns the deleted override"
	expect_eq 0 "$(state "[$A[0].overrides[] | select(.id == $id)] | length")" "gone"
	api GET "$C/assignments/90211/overrides/$id"
	expect_status 404
}

test_override_targets_students_and_groups() {
	sim_start --seed "$(seed_with '.courses[0].students = [{id: 77120}, {id: 77154}] |
		.courses[0].groups = [{id: 2210, name: "Lab Group 4", group_category_id: 390}] |
		.courses[0].assignments[1].group_category_id = 390')"
	ajson POST "$C/assignments/90211/overrides" '{"assignment_override":{"student_ids":[77154,99,"98"]}}'
	expect_status 400
	expect_eq '{"errors":["unknown student ids: [\"99\", \"98\"]"]}' "$(cat "$LOGDIR/body")" "unknown students"
	api POST "$C/assignments/90211/overrides" -d 'assignment_override[student_ids]='
	expect_eq '{"errors":["invalid student_ids \"\""]}' "$(cat "$LOGDIR/body")" "not a list"
	api POST "$C/assignments/90212/overrides" -d 'assignment_override[group_id]=1'
	expect_eq '{"errors":["unknown group id \"1\""]}' "$(cat "$LOGDIR/body")" "unknown group"
	api POST "$C/assignments/90212/overrides" -d 'assignment_override[group_id]=2210' \
		-d 'assignment_override[lock_at]=2025-03-01T04:59:59Z'
	expect_status 201
	expect_eq "Lab Group 4 2210 2025-03-01T04:59:59Z false" \
		"$(jb '"\(.title) \(.group_id) \(.lock_at) \(has("due_at"))"')" "group override"
	# an adhoc override: student_ids replace the set, the title follows the count unless given
	api PUT "$C/assignments/90211/overrides/3308" -d 'assignment_override[student_ids][]=77120' \
		-d 'assignment_override[student_ids][]=77154' -d 'assignment_override[due_at]=2025-02-12T04:59:59Z'
	expect_status 200
	expect_eq '2 students [77120,77154]' "$(state "$A[0].overrides[1] | \"\(.title) \(.student_ids | tojson)\"")" \
		"adhoc update"
	api GET "$C/assignments?order_by=due_at&override_assignment_dates=false"
	# due_at, then group position (group ids stand in here), position, id
	expect_eq "90212 90213 90211 90240 90230" "$(jb '[.[].id] | join(" ")')" "order_by=due_at"
}

test_batch_overrides() {
	sim_start
	api GET "$C/assignments/overrides"
	expect_status 400
	expect_eq '{"errors":["no assignment_overrides values present"]}' "$(cat "$LOGDIR/body")" \
		"the literal route wins over assignments/:id"
	aget "$C/assignments/overrides?assignment_overrides[][id]=3308&assignment_overrides[][assignment_id]=90211&assignment_overrides[][id]=9&assignment_overrides[][assignment_id]=90211"
	expect_status 200
	expect_eq '3308 null' "$(jb '"\(.[0].id) \(.[1])"')" "found and not found"
	api PUT "$C/assignments/overrides" -d 'assignment_overrides[][id]=3307' \
		-d 'assignment_overrides[][due_at]=2025-02-10T04:59:59Z' -d 'assignment_overrides[][assignment_id]=90211' \
		-d 'assignment_overrides[][due_at]=2025-02-11T04:59:59Z'
	expect_status 400
	# Rack nesting: the second [][due_at] starts a new element, which has neither id nor assignment_id
	expect_eq '{"errors":[null,["must specify an assignment id","must specify an override id"]]}' \
		"$(cat "$LOGDIR/body")" "one slot per input"
	ajson PUT "$C/assignments/overrides" '{"assignment_overrides":[{"id":3307,"assignment_id":90211,"due_at":"2025-02-10T04:59:59Z"},
		{"id":3308,"assignment_id":90211,"due_at":"2025-02-13T04:59:59Z","lock_at":"2025-02-16T04:59:59Z"}]}'
	expect_status 200
	expect_eq "2025-02-10T04:59:59Z 2025-02-13T04:59:59Z false" \
		"$(state "$A[0].overrides | \"\(.[0].due_at) \(.[1].due_at) \(.[1] | has(\"unlock_at\"))\"")" "batch update"
	ajson POST "$C/assignments/overrides" '{"assignment_overrides":[{"assignment_id":90212,"student_ids":[7],"due_at":"2025-02-01T04:59:59Z"},
		{"assignment_id":1,"student_ids":[7]}]}'
	expect_status 400
	expect_eq '{"errors":[null,["assignment not found"]]}' "$(cat "$LOGDIR/body")" "all or nothing"
	expect_eq 0 "$(state "$A[1].overrides // [] | length")" "nothing created"
	ajson POST "$C/assignments/overrides" '{"assignment_overrides":[{"assignment_id":90212,"student_ids":[7],"due_at":"2025-02-01T04:59:59Z"},
		{"assignment_id":90213,"course_section_id":6203,"lock_at":"2025-02-04T04:59:59Z"}]}'
	expect_status 200
	expect_eq "90212 1 student|90213 Section 6203" "$(jb '[.[] | "\(.assignment_id) \(.title)"] | join("|")')" "batch create"
	expect_eq "2025-02-01T04:59:59Z [7]" "$(state "$A[1].overrides[0] | \"\(.due_at) \(.student_ids | tojson)\"")" \
		"stored"
}

# ---------------------------------------------------------------- bulk_update

test_bulk_update_runs_through_progress() {
	sim_start --progress-delay-ms 3000
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211,"all_dates":[{"base":true,"due_at":"2025-02-09T04:59:59Z"},
		{"id":3307,"due_at":"2025-02-10T04:59:59Z"},{"id":3308,"due_at":"2025-02-13T04:59:59Z","lock_at":null}]},
		{"id":90212,"all_dates":[{"base":true,"due_at":"2025-01-26T04:59:59Z","unlock_at":null,"lock_at":null,"title":"x"}]}]'
	expect_status 200
	expect_eq "assignment_bulk_update queued" "$(jb '"\(.tag) \(.workflow_state)"')" "Progress"
	local id states
	id=$(jb .id)
	expect_match "^http://127\.0\.0\.1:[0-9]+/api/v1/progress/$id$" "$(jb .url)" "url"
	expect_eq "2025-02-08T04:59:59Z" "$(state "$A[0].due_at")" "nothing yet while queued"
	states=$(poll_progress "$id" | tr '\n' ' ')
	# the PUT answered "queued"; polling then sees running (second half of the delay), then completed
	expect_match '^(queued )?running completed $' "$states" "states seen"
	expect_eq '{"updated_count":2}' "$(jb '.results | tojson')" "results"
	expect_eq 100 "$(jb .completion)" "completion"
	# base: only supplied keys; override entries: missing date keys are un-overridden
	expect_eq "2025-02-09T04:59:59Z 2025-01-27T05:00:00Z" "$(state "$A[0] | \"\(.due_at) \(.unlock_at)\"")" "base"
	expect_eq "2025-02-10T04:59:59Z|2025-02-13T04:59:59Z false true null" \
		"$(state "$A[0].overrides | \"\(.[0].due_at)|\(.[1].due_at) \(.[1] | has(\"unlock_at\")) \(.[1] | has(\"lock_at\")) \(.[1].lock_at)\"")" \
		"overrides"
	expect_eq "2025-01-26T04:59:59Z false" "$(state "$A[1] | \"\(.due_at) \(has(\"title\"))\"")" "permitted keys only"
}

test_bulk_update_failure_saves_nothing() {
	# a closed grading period over the second half of February (closed since 2025-03-05)
	sim_start --seed "$(seed_with '.courses[0].grading_periods = [{"id": 41, "title": "Late Feb",
		"start_date": "2025-02-16T05:00:00Z", "end_date": "2025-02-28T05:00:00Z",
		"close_date": "2025-03-05T05:00:00Z"}]')" --progress-delay-ms 50
	local before
	before=$(state "$A")
	# 90212 would be valid; 90213's due date falls after its lock date
	ajson PUT "$C/assignments/bulk_update" '[{"id":90212,"all_dates":[{"base":true,"due_at":"2025-01-27T04:59:59Z"}]},
		{"id":90213,"all_dates":[{"base":true,"due_at":"2025-02-05T04:59:59Z"}]}]'
	expect_status 200
	poll_progress "$(jb .id)" >/dev/null
	expect_eq failed "$(jb .workflow_state)" "state"
	expect_eq '[{"assignment_id":90213,"due_at":["must be between availability dates"]}]' "$(jb '.results | tojson')" "results"
	expect_eq "$before" "$(state "$A")" "nothing saved"
	# an override moved into the closed grading period (SubmittablesGradingPeriodProtection)
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211,"all_dates":[{"id":3308,"due_at":"2025-02-20T04:59:59Z","lock_at":"2025-02-21T04:59:59Z"}]}]'
	poll_progress "$(jb .id)" >/dev/null
	expect_eq '[{"assignment_id":90211,"assignment_override_id":3308,"due_at":["Cannot change an override due date to a date within a closed grading period"]}]' \
		"$(jb '.results | tojson')" "override row"
	expect_eq "$before" "$(state "$A")" "the override not saved"
	# an unknown override id fails the job with a message object
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211,"all_dates":[{"base":true,"due_at":"2025-02-09T04:59:59Z"},{"id":9,"due_at":null}]}]'
	poll_progress "$(jb .id)" >/dev/null
	expect_eq 'failed {"message":"invalid assignment override id 9 for assignment 90211"}' \
		"$(jb '"\(.workflow_state) \(.results | tojson)"')" "unknown override"
	expect_eq "$before" "$(state "$A")" "still nothing saved"
}

test_bulk_update_saves_override_dates_in_any_order() {
	# Canvas validates no override date order (AssignmentOverride has no date validation;
	# BulkUpdate#run only calls valid?): an override due after the lock date it inherits, or after
	# its own lock date, is saved
	sim_start --progress-delay-ms 0
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211,"all_dates":[{"base":true,"due_at":"2025-02-08T04:59:59Z","lock_at":"2025-02-10T04:59:59Z"},
		{"id":3307,"due_at":"2025-02-11T04:59:59Z"},
		{"id":3308,"due_at":"2025-02-20T04:59:59Z","unlock_at":"2025-01-27T05:00:00Z","lock_at":"2025-02-15T04:59:59Z"}]}]'
	poll_progress "$(jb .id)" >/dev/null
	expect_eq 'completed {"updated_count":1}' "$(jb '"\(.workflow_state) \(.results | tojson)"')" "saved"
	expect_eq "2025-02-10T04:59:59Z|2025-02-11T04:59:59Z false|2025-02-20T04:59:59Z 2025-02-15T04:59:59Z" \
		"$(state "$A[0] | \"\(.lock_at)|\(.overrides[0].due_at) \(.overrides[0] | has(\"lock_at\"))|\(.overrides[1].due_at) \(.overrides[1].lock_at)\"")" \
		"the dates as sent"
}

test_bulk_update_request_checks() {
	sim_start
	api PUT "$C/assignments/bulk_update" -d 'id=90211'
	expect_status 400
	expect_eq '{"message":"expected array"}' "$(cat "$LOGDIR/body")" "form body"
	ajson PUT "$C/assignments/bulk_update" '{"id":90211}'
	expect_eq '{"message":"expected array"}' "$(cat "$LOGDIR/body")" "JSON object"
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211},{"all_dates":[]}]'
	expect_status 400
	expect_eq '{"message":"missing assignment id"}' "$(cat "$LOGDIR/body")" "missing id"
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211},{"id":1}]'
	expect_status 404
	ajson PUT "$C/assignments/bulk_update" '[{"id":90211},{"id":90211}]'
	expect_status 404
	api GET "$C/assignments/bulk_update"
	expect_status 404
}

# ---------------------------------------------------------------- notifications

test_notifications_recorded() {
	sim_start --seed "$(available_seed)" --progress-delay-ms 50
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-01-26T04:59:59Z'
	api PUT "$C/assignments/90213" -d 'assignment[due_at]=2025-02-02T04:59:59Z'   # unpublished
	api PUT "$C/assignments/90212" -d 'assignment[name]=PS1' -d 'assignment[notify_of_update]=true'
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-01-26T04:59:30Z'   # same minute
	api PUT "$C/assignments/90211/overrides/3307" -d 'assignment_override[due_at]=2025-02-10T04:59:59Z'
	curl -s "$SIM_URL/__sim/notifications" >"$LOGDIR/n1"
	expect_eq 'assignment_due_date_changed assignment 90212|assignment_changed assignment 90212|assignment_due_date_changed assignment_override 3307' \
		"$(jq -r '[.[] | "\(.type) \(.kind) \(.id)"] | join("|")' "$LOGDIR/n1")" "notifications"
	ajson PUT "$C/assignments/bulk_update" '[{"id":90240,"all_dates":[{"base":true,"due_at":"2025-02-16T04:59:59Z"}]}]'
	poll_progress "$(jb .id)" >/dev/null
	expect_eq 'assignment_due_date_changed 90240' \
		"$(curl -s "$SIM_URL/__sim/notifications" | jq -r '.[3] | "\(.type) \(.id)"')" "bulk_update notifies too"
}

test_unpublished_course_sends_no_notifications() {
	sim_start
	api PUT "$C/assignments/90212" -d 'assignment[due_at]=2025-01-26T04:59:59Z' -d 'assignment[notify_of_update]=1'
	expect_status 200
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/notifications" | jq length)" "course 4821 is unpublished"
}
