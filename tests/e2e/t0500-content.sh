# tests/e2e/t0500-content.sh -- discussions, announcements, classic quizzes, calendar events
# (res_discussions.c, res_quizzes.c, res_calendar.c; API.md 8, 5.1, 5.4, 9).
# Seed ids used (tests/fixtures/small-seed.json): course 4821 (America/New_York, as the user zone),
# course 4822 (America/Denver); topics 61007 (graded, assignment 90230) and 61008; announcement
# 61090; quizzes 1502 (graded, assignment 90240) and 1503; events 7001, 7002.

# A timestamp N days from now, as the simulator prints them.
days_from_now() {
	jq -nr --argjson d "$1" '(now + $d * 86400) | floor | todate'
}

# ---------------------------------------------------------------- discussions

test_discussion_list_excludes_announcements() {
	sim_start
	api GET "/api/v1/courses/4821/discussion_topics"
	expect_status 200
	expect_eq "61007,61008" "$(jb '[.[].id] | sort | map(tostring) | join(",")')" "topic ids"
	expect_eq "false" "$(jb 'map(.is_announcement) | any')" "no announcement in the topic list"
	api GET "/api/v1/courses/4821/discussion_topics?only_announcements=true"
	expect_status 200
	expect_eq "61090" "$(jb '[.[].id] | map(tostring) | join(",")')" "only_announcements"
	expect_eq "true" "$(jb '.[0].is_announcement')" "is_announcement"
	expect_match '/courses/4821/discussion_topics/61090$' "$(jb '.[0].html_url')" "html_url"
	# the announcement is reachable through the topic route too (one id space)
	api GET "/api/v1/courses/4821/discussion_topics/61090"
	expect_status 200
	expect_eq "Welcome to PHYS 101!" "$(jb .title)" "announcement by topic id"
}

test_discussion_scope_filters_after_paging() {
	local seed
	seed=$(seed_with '.courses[0].discussion_topics = [
		{id: 62001, title: "A", pinned: true,  created_at: "2025-01-03T00:00:00Z"},
		{id: 62002, title: "B", pinned: false, created_at: "2025-01-02T00:00:00Z"},
		{id: 62003, title: "C", pinned: true,  created_at: "2025-01-01T00:00:00Z"}]')
	sim_start --seed "$seed"
	# default order: created_at DESC -> A, B | C; the pinned filter runs on each cut page
	api GET "/api/v1/courses/4821/discussion_topics?scope=pinned&per_page=2"
	expect_status 200
	expect_eq "62001" "$(jb '[.[].id] | map(tostring) | join(",")')" "page 1 is short"
	expect_match 'rel="next"' "$(header Link)" "a next link still follows"
	api GET "/api/v1/courses/4821/discussion_topics?scope=pinned&per_page=2&page=2"
	expect_eq "62003" "$(jb '[.[].id] | map(tostring) | join(",")')" "page 2"
	api GET "/api/v1/courses/4821/discussion_topics?order_by=title&search_term=b"
	expect_eq "62002" "$(jb '[.[].id] | map(tostring) | join(",")')" "search_term"
}

test_discussion_graded_topic_nests_assignment() {
	sim_start
	api GET "/api/v1/courses/4821/discussion_topics/61007"
	expect_status 200
	expect_eq 90230 "$(jb .assignment_id)" "assignment_id"
	expect_eq 90230 "$(jb .assignment.id)" "nested assignment id"
	expect_eq "2025-02-15T04:59:59Z" "$(jb .assignment.due_at)" "nested due_at"
	expect_eq "discussion_topic" "$(jb '.assignment.submission_types[0]')" "submission_types"
	expect_eq 4821 "$(jb .assignment.course_id)" "course_id"
	expect_eq "[] [] read 0" \
		"$(jb '"\(.topic_children) \(.attachments) \(.read_state) \(.unread_count)"')" "defaults"
	expect_eq "null" "$(jb .podcast_url)" "podcast_url"
	api GET "/api/v1/courses/4821/discussion_topics/61008"
	expect_eq "false" "$(jb 'has("assignment")')" "ungraded topic has no nested assignment"
	api GET "/api/v1/courses/4821/discussion_topics/99999"
	expect_status 404
}

test_discussion_put_title_mirrors_assignment() {
	sim_start
	api PUT "/api/v1/courses/4821/discussion_topics/61007" \
		--data-urlencode "title=Week 4: frames" --data-urlencode "message=<p>New prompt</p>"
	expect_status 200
	expect_eq "Week 4: frames" "$(jb .title)" "title"
	expect_eq "Week 4: frames" "$(jb .assignment.name)" "nested assignment name"
	expect_eq "Week 4: frames" "$(state '.courses[0].assignments[] | select(.id == 90230) | .name')" \
		"assignment name in state"
	expect_eq "<p>New prompt</p>" \
		"$(state '.courses[0].assignments[] | select(.id == 90230) | .description')" "description"
	# Canvas's topic params are flat: a wrapped title is an unknown param, dropped with a 200
	api PUT "/api/v1/courses/4821/discussion_topics/61007" --data-urlencode "discussion_topic[title]=Wrapped"
	expect_status 200
	expect_eq "Week 4: frames" \
		"$(state '.courses[0].discussion_topics[] | select(.id == 61007) | .title')" "wrapped ignored"
	# assignment[...] edits the linked assignment's dates (strict, fancy midnight in the user zone)
	api PUT "/api/v1/courses/4821/discussion_topics/61007" -d "assignment[due_at]=2025-03-01T00:00:00-05:00"
	expect_status 200
	expect_eq "2025-03-02T04:59:59Z" \
		"$(state '.courses[0].assignments[] | select(.id == 90230) | .due_at')" "assignment due_at"
	api PUT "/api/v1/courses/4821/discussion_topics/61007" -d "assignment[due_at]=2025-03-01"
	expect_status 400
	expect_eq "Invalid datetime for due_at" "$(jb '.errors["assignment[due_at]"][0].message')" \
		"strict assignment date"
}

test_discussion_lock_at_fancy_midnight_course_zone() {
	local seed
	# course 4822 is in America/Denver; the user zone is America/New_York
	seed=$(seed_with '.courses[1].discussion_topics = [{id: 62100, title: "Lab talk", message: "m"}]')
	sim_start --seed "$seed"
	# 07:00Z is 00:00 in Denver: fancy midnight -> 23:59:59 Denver time the same day
	api PUT "/api/v1/courses/4822/discussion_topics/62100" -d "lock_at=2025-03-05T07:00:00Z"
	expect_status 200
	expect_eq "2025-03-06T06:59:59Z" "$(jb .lock_at)" "lock_at response"
	expect_eq "2025-03-06T06:59:59Z" "$(state '.courses[1].discussion_topics[0].lock_at')" "lock_at state"
	# 05:00Z is midnight for the USER (New York) but 22:00 in Denver: untouched
	api PUT "/api/v1/courses/4822/discussion_topics/62100" -d "lock_at=2025-03-05T05:00:00Z"
	expect_eq "2025-03-05T05:00:00Z" "$(state '.courses[1].discussion_topics[0].lock_at')" \
		"not midnight in the course zone"
}

test_discussion_unparseable_date_clears_it() {
	sim_start
	expect_eq "2025-01-10T14:00:00Z" "$(state '.courses[0].announcements[0].delayed_post_at')" "seeded"
	api PUT "/api/v1/courses/4821/discussion_topics/61090" -d "delayed_post_at=next+tuesday"
	expect_status 200
	expect_eq "null" "$(jb .delayed_post_at)" "response"
	expect_eq "null" "$(state '.courses[0].announcements[0].delayed_post_at')" \
		"Rails casting cleared the date"
	# a future delayed post: still published, not posted yet
	api PUT "/api/v1/courses/4821/discussion_topics/61008" -d "delayed_post_at=$(days_from_now 5)"
	expect_status 200
	expect_eq "true null" "$(jb '"\(.published) \(.posted_at)"')" "scheduled topic"
	expect_eq "null" "$(state '.courses[0].discussion_topics[] | select(.id == 61008) | .posted_at')" \
		"posted_at in state"
}

test_discussion_create_and_delete() {
	sim_start
	api POST "/api/v1/courses/4821/discussion_topics" -d "title=Notice" -d "is_announcement=true"
	expect_status 400
	expect_eq "message" "$(jb '.errors | keys[0]')" "announcement needs a message"
	api POST "/api/v1/courses/4821/discussion_topics" -d "title=Notice" -d "message=Hi" -d "is_announcement=true"
	expect_status 200
	id=$(jb .id)
	expect_eq "true" "$(jb .is_announcement)" "is_announcement"
	expect_eq "Notice" "$(state ".courses[0].announcements[] | select(.id == $id) | .title")" \
		"stored as an announcement"
	expect_eq "" "$(state ".courses[0].discussion_topics[] | select(.id == $id) | .id")" "not a topic"
	# deleting a graded topic removes its assignment and the module items pointing at either
	api DELETE "/api/v1/courses/4821/discussion_topics/61007"
	expect_status 204
	expect_eq "0" "$(state '[.courses[0].discussion_topics[] | select(.id == 61007)] | length')" \
		"topic gone"
	expect_eq "0" "$(state '[.courses[0].assignments[] | select(.id == 90230)] | length')" \
		"assignment gone"
	expect_eq "0" "$(state '[.courses[0].modules[].items[] | select(.content_id == 61007)] | length')" \
		"module item gone"
	api GET "/api/v1/courses/4821/discussion_topics/61007"
	expect_status 404
}

# ---------------------------------------------------------------- announcements endpoint

announcement_seed() {
	seed_with ".courses[0].announcements = [
		{id: 61101, title: \"Recent\", message: \"m\", published: true,
		 posted_at: \"$(days_from_now -3)\", created_at: \"$(days_from_now -3)\"},
		{id: 61102, title: \"Old\", message: \"m\", published: true,
		 posted_at: \"$(days_from_now -60)\", created_at: \"$(days_from_now -60)\"}]"
}

test_announcements_default_window() {
	local seed from to
	seed=$(announcement_seed)
	sim_start --seed "$seed"
	api GET "/api/v1/announcements?context_codes[]=course_4821"
	expect_status 200
	expect_eq "61101" "$(jb '[.[].id] | map(tostring) | join(",")')" "only the recent one by default"
	expect_eq "course_4821" "$(jb '.[0].context_code')" "context_code"
	expect_match 'rel="last"' "$(header Link)" "numbered pages"
	from=$(jq -nr '(now - 90 * 86400) | strftime("%Y-%m-%d")')
	to=$(jq -nr 'now | strftime("%Y-%m-%d")')
	api GET "/api/v1/announcements?context_codes[]=course_4821&start_date=$from&end_date=$to"
	expect_status 200
	expect_eq "61101,61102" "$(jb '[.[].id] | map(tostring) | join(",")')" "explicit window, newest first"
	api GET "/api/v1/announcements?context_codes[]=course_4821&start_date=soon"
	expect_status 400
	expect_eq "Invalid start_date" "$(jb .message)" "bad start_date"
	api GET "/api/v1/announcements"
	expect_status 400
	expect_eq "Missing context_codes" "$(jb .message)" "context_codes required"
}

# ---------------------------------------------------------------- quizzes

test_quiz_put_notifies_by_default() {
	sim_start
	api PUT "/api/v1/courses/4821/quizzes/1502" -d "quiz[title]=Quiz 2 (revised)"
	expect_status 200
	expect_eq "Quiz 2 (revised)" "$(jb .title)" "title"
	n=$(curl -s "$SIM_URL/__sim/notifications")
	expect_eq "1 quiz_updated 1502" "$(jq -r '"\(length) \(.[0].type) \(.[0].id)"' <<<"$n")" \
		"notified by default"
	api PUT "/api/v1/courses/4821/quizzes/1502" -d "quiz[time_limit]=45" -d "quiz[notify_of_update]=false"
	expect_status 200
	expect_eq 45 "$(jb .time_limit)" "time_limit"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/notifications" | jq length)" "notify_of_update=false is silent"
	# the wrapper is required
	api PUT "/api/v1/courses/4821/quizzes/1502" -d "title=x"
	expect_status 400
	expect_eq "quiz is missing" "$(jb '.errors[0].message')" "missing wrapper"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/notifications" | jq length)" "no notification for a 400"
}

test_quiz_dates_mirror_to_assignment() {
	sim_start
	# offset-less input is user-zone time (New York). A quiz keeps a date-time at midnight as sent
	# (Quizzes::Quiz fancies only a bare date), and so does the copy on its assignment
	# (Quiz#update_assignment assigns and saves; Assignment#infer_times is no save callback)
	api PUT "/api/v1/courses/4821/quizzes/1502" -H "Content-Type: application/json" \
		--data '{"quiz":{"due_at":"2025-03-01T00:00:00","unlock_at":"2025-02-24T00:00:00",
		         "lock_at":"2025-03-02T12:00:00Z","notify_of_update":false}}'
	expect_status 200
	expect_eq "2025-03-01T05:00:00Z" "$(jb .due_at)" "a date-time at midnight kept on the quiz"
	expect_eq "2025-02-24T05:00:00Z" "$(jb .unlock_at)" "unlock_at untouched"
	expect_eq "2025-03-01T05:00:00Z 2025-02-24T05:00:00Z 2025-03-02T12:00:00Z" \
		"$(state '.courses[0].assignments[] | select(.id == 90240) | "\(.due_at) \(.unlock_at) \(.lock_at)"')" \
		"mirrored"
	expect_eq "2025-03-01T05:00:00Z" "$(jb '.all_dates[0].due_at')" "all_dates base"
	# a bare date is the quiz's own fancy midnight (Quiz#due_at= -> infer_times)
	api PUT "/api/v1/courses/4821/quizzes/1502" -H "Content-Type: application/json" \
		--data '{"quiz":{"due_at":"2025-03-05","notify_of_update":false}}'
	expect_status 200
	expect_eq "2025-03-06T04:59:59Z" "$(jb .due_at)" "a bare date becomes 23:59:59"
	# Rails casting: garbage clears the date instead of failing
	api PUT "/api/v1/courses/4821/quizzes/1502" -d "quiz[lock_at]=whenever" -d "quiz[notify_of_update]=0"
	expect_status 200
	expect_eq "null" "$(state '.courses[0].assignments[] | select(.id == 90240) | .lock_at')" \
		"garbage cleared"
}

test_quiz_unpublish_with_submissions_refused() {
	local seed
	seed=$(seed_with '.courses[0].quizzes[0].has_submissions = true')
	sim_start --seed "$seed"
	api GET "/api/v1/courses/4821/quizzes/1502"
	expect_eq "false false" "$(jb '"\(.unpublishable) \(.can_unpublish)"')" "unpublishable"
	api PUT "/api/v1/courses/4821/quizzes/1502" -d "quiz[published]=false"
	expect_status 400
	expect_eq "published" "$(jb '.errors | keys[0]')" "error key"
	expect_eq "true" "$(state '.courses[0].quizzes[0].published')" "still published"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/notifications" | jq length)" "nothing sent"
}

test_quiz_list_create_delete() {
	sim_start
	api GET "/api/v1/courses/4821/quizzes?search_term=practice"
	expect_status 200
	expect_eq "1503" "$(jb '[.[].id] | map(tostring) | join(",")')" "search_term"
	expect_match '/courses/4821/quizzes/1503\?force_user=1' "$(jb '.[0].mobile_url')" "mobile_url"
	api POST "/api/v1/courses/4821/quizzes" -d "quiz[title]=Pop quiz"
	expect_status 200
	qid=$(jb .id)
	aid=$(jb .assignment_id)
	expect_eq "false" "$(jb .published)" "new quizzes start unpublished"
	expect_eq "$qid" "$(state ".courses[0].assignments[] | select(.id == $aid) | .quiz_id")" \
		"graded quiz has its assignment"
	api DELETE "/api/v1/courses/4821/quizzes/$qid"
	expect_status 200
	expect_eq "0" "$(state "[.courses[0].quizzes[] | select(.id == $qid)] | length")" "quiz gone"
	expect_eq "0" "$(state "[.courses[0].assignments[] | select(.id == $aid)] | length")" "its assignment gone"
}

# ---------------------------------------------------------------- calendar

test_calendar_default_is_today_only() {
	local seed
	seed=$(seed_with ".courses[0].calendar_events += [
		{id: 7101, title: \"Today\", start_at: \"$(days_from_now 0)\", end_at: \"$(days_from_now 0)\"},
		{id: 7102, title: \"Next week\", start_at: \"$(days_from_now 7)\", end_at: \"$(days_from_now 7)\"}]")
	sim_start --seed "$seed"
	api GET "/api/v1/calendar_events?context_codes[]=course_4821"
	expect_status 200
	expect_eq "7101" "$(jb '[.[].id] | map(tostring) | join(",")')" "default: today only"
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&all_events=true"
	expect_eq "7002,7001,7101,7102" "$(jb '[.[].id] | map(tostring) | join(",")')" \
		"all_events, by start_at"
	expect_eq "event course_4821 course_4821 [] 0" \
		"$(jb '.[0] | "\(.type) \(.context_code) \(.all_context_codes) \(.child_events) \(.child_events_count)"')" "fields"
	expect_match '/calendar\?event_id=7002&include_contexts=course_4821$' "$(jb '.[0].html_url')" \
		"html_url"
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&start_date=2025-02-17&end_date=2025-03-02"
	expect_eq "7002" "$(jb '[.[].id] | map(tostring) | join(",")')" "explicit range"
	# 7001 starts 2025-03-03T23:00:00Z: 18:00 on 3 March in the user zone, so "that day" includes it
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&start_date=2025-03-03&end_date=2025-03-03"
	expect_eq "7001" "$(jb '[.[].id] | map(tostring) | join(",")')" "one user-zone day"
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&start_date=someday"
	expect_status 400
	expect_match 'Invalid date' "$(jb .errors.start_date)" "bad start_date"
}

test_calendar_assignment_pseudo_events() {
	sim_start
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&type=assignment&all_events=true&per_page=50"
	expect_status 200
	expect_eq "string" "$(jb '.[0].id | type')" "string ids"
	expect_eq "assignment_90212" "$(jb '.[0].id')" "ordered by due_at"
	expect_eq "true" \
		"$(jb 'all(.start_at == .end_at and .start_at == .assignment.due_at and .type == "assignment")')" \
		"start=end=due"
	# one entry per date: 90211's base date plus its two overrides, same id
	expect_eq "3" "$(jb '[.[] | select(.id == "assignment_90211")] | length')" "override dates"
	expect_eq "3308" "$(jb '[.[] | select(.assignment_overrides)][1].assignment_overrides[0].id')" \
		"override carried"
	expect_eq "true 2025-02-07" \
		"$(jb '.[] | select(.id == "assignment_90211" and (has("assignment_overrides") | not))
			| "\(.all_day) \(.all_day_date)"')" \
		"all_day"
	api GET "/api/v1/calendar_events/assignment_90213"
	expect_status 200
	expect_eq "assignment_90213 2025-02-01T04:59:59Z" "$(jb '"\(.id) \(.start_at)"')" "GET pseudo-event"
	api DELETE "/api/v1/calendar_events/assignment_90213"
	expect_status 404
}

test_calendar_put_event_dates() {
	sim_start
	api PUT "/api/v1/calendar_events/7001" -d "calendar_event[start_at]=2025-03-10T22:00:00Z" \
		-d "calendar_event[end_at]=2025-03-10T23:30:00Z" -d "which=one"
	expect_status 200
	expect_eq "2025-03-10T22:00:00Z 2025-03-10T23:30:00Z false 2025-03-10" \
		"$(state '.courses[0].calendar_events[] | select(.id == 7001)
			| "\(.start_at) \(.end_at) \(.all_day) \(.all_day_date)"')" "state"
	# Canvas moves an end before the start onto the start (no validation error)
	api PUT "/api/v1/calendar_events/7001" -d "calendar_event[end_at]=2025-03-10T20:00:00Z"
	expect_status 200
	expect_eq "2025-03-10T22:00:00Z" \
		"$(state '.courses[0].calendar_events[] | select(.id == 7001) | .end_at')" "end clamped"
	# all_day=true: both times at local midnight (EDT after 9 March), all_day_date the local day
	api PUT "/api/v1/calendar_events/7001" -d "calendar_event[all_day]=true"
	expect_eq "2025-03-10T04:00:00Z 2025-03-10T04:00:00Z true 2025-03-10" \
		"$(jb '"\(.start_at) \(.end_at) \(.all_day) \(.all_day_date)"')" "all-day event"
	api PUT "/api/v1/calendar_events/7001" -d "title=x"
	expect_status 400
	expect_eq "calendar_event is missing" "$(jb '.errors[0].message')" "missing wrapper"
	api DELETE "/api/v1/calendar_events/7001"
	expect_status 200
	expect_eq "deleted" "$(jb .workflow_state)" "deleted event returned"
	expect_eq "deleted" \
		"$(state '.courses[0].calendar_events[] | select(.id == 7001) | .workflow_state')" \
		"soft delete"
	api GET "/api/v1/calendar_events?context_codes[]=course_4821&all_events=true"
	expect_eq "7002" "$(jb '[.[].id] | map(tostring) | join(",")')" "deleted events are not listed"
}

test_calendar_put_assignment_sets_due_at() {
	sim_start
	api PUT "/api/v1/calendar_events/assignment_90240" -d "calendar_event[start_at]=2025-03-08T00:00:00-05:00"
	expect_status 200
	expect_eq "assignment_90240 2025-03-09T04:59:59Z" "$(jb '"\(.id) \(.start_at)"')" \
		"pseudo-event, fancy midnight"
	expect_eq "2025-03-09T04:59:59Z" \
		"$(state '.courses[0].assignments[] | select(.id == 90240) | .due_at')" "assignment due_at"
	expect_eq "2025-03-09T04:59:59Z" "$(state '.courses[0].quizzes[] | select(.id == 1502) | .due_at')" \
		"mirrored to the quiz"
	# only start_at is read: without it the due date is cleared
	api PUT "/api/v1/calendar_events/assignment_90212" -d "calendar_event[title]=Renamed"
	expect_status 200
	expect_eq "null Problem Set 1" \
		"$(state '.courses[0].assignments[] | select(.id == 90212) | "\(.due_at) \(.name)"')" \
		"cleared"
}

test_calendar_context_codes_limit() {
	local seed q
	seed=$(seed_with '.courses += [range(5000; 5011) as $i |
		{id: $i, name: "C\($i)", calendar_events: [{id: ($i * 10), title: "E\($i)",
		 start_at: "2025-03-01T12:00:00Z", end_at: "2025-03-01T13:00:00Z"}]}]')
	sim_start --seed "$seed"
	q=$(printf '&context_codes[]=course_%s' $(seq 5000 5010))
	# Canvas slices context_codes to the first 10 and ignores the rest, without an error
	api GET "/api/v1/calendar_events?all_events=true&per_page=50$q"
	expect_status 200
	expect_eq 10 "$(jb length)" "ten contexts served"
	expect_eq "false" "$(jb 'map(.title) | index("E5010") != null')" "the 11th is ignored"
	api GET "/api/v1/calendar_events?all_events=true&context_codes[]=course_424242"
	expect_status 401
	api POST "/api/v1/calendar_events" -d "calendar_event[context_code]=course_5003" -d "calendar_event[title]=Made" \
		-d "calendar_event[start_at]=2025-04-01T15:00:00Z"
	expect_status 201
	expect_eq "Made 2025-04-01T15:00:00Z" \
		"$(state '.courses[] | select(.id == 5003) | .calendar_events[-1] | "\(.title) \(.end_at)"')" \
		"created"
	api POST "/api/v1/calendar_events" -d "calendar_event[title]=Nowhere"
	expect_status 404
}
