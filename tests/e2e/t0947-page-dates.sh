# tests/e2e/t0947-page-dates.sh -- selective release ("Assign To") dates of pages, through the
# Learning Object Dates API (issue 15, CURRENT.md 13).
#
# Canvas (app/controllers/learning_object_dates_controller.rb #show / #update ->
# #update_ungraded_object; the page through Wiki#find_page, so page_id:N names it by id): GET
# .../pages/:url_or_id/date_details gives the page's own unlock_at / lock_at and its overrides
# (each with wiki_page_id); PUT takes unlock_at, lock_at and assignment_overrides (the whole set)
# and answers 204. The page list (lib/api/v1/wiki_page.rb) shows none of it, so coursectl reads
# each page's date_details -- one request a page -- only for a recipe that shifts page dates with
# overrides on (runner/page_dates.c says what was looked for in the source and not found).
#
# Seed (t_seed): course 9470 (UTC) with page 9471 "reading" (its own dates, a section override
# and a student override, each with dates), page 9472 "notes" (no dates, no overrides) and page
# 9473 "11" (a url that is a number: only page_id:N addresses page 9473 unambiguously).
# Cases (each fails on the code before this work, except where a guard says so):
#   - canvas-sim: GET and PUT .../pages/page_id:N/date_details address the page by its id;
#   - (the planner's cases follow with the planner)

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "courses": [
    {"id": 9470, "name": "Pages", "course_code": "PG 1", "time_zone": "UTC",
     "workflow_state": "unpublished", "assignments": [], "quizzes": [], "announcements": [],
     "discussion_topics": [], "modules": [], "calendar_events": [],
     "sections": [{"id": 94701, "name": "Section A"}, {"id": 94702, "name": "Section B"}],
     "students": [{"id": 94790, "name": "Ada"}],
     "pages": [
       {"page_id": 9471, "url": "reading", "title": "Reading", "body": "<p>r</p>", "published": true,
        "unlock_at": "2026-02-02T08:00:00Z", "lock_at": "2026-02-20T08:00:00Z",
        "assignment_overrides": [
          {"id": 94711, "title": "Section A", "course_section_id": 94701,
           "unlock_at": "2026-02-03T08:00:00Z", "lock_at": "2026-02-21T08:00:00Z"},
          {"id": 94712, "title": "1 student", "student_ids": [94790],
           "unlock_at": "2026-02-04T08:00:00Z", "lock_at": null}]},
       {"page_id": 9472, "url": "notes", "title": "Notes", "body": "<p>n</p>", "published": true},
       {"page_id": 9473, "url": "11", "title": "11", "body": "<p>e</p>", "published": true,
        "unlock_at": "2026-02-06T08:00:00Z"}
     ]}
  ]
}
EOF
	echo "$LOGDIR/seed.json"
}

ajson() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}



test_sim_page_id_addressing() {
	sim_start --seed "$(t_seed)"
	api GET /api/v1/courses/9470/pages/page_id:9471/date_details
	expect_status 200
	expect_eq "9471 2026-02-02T08:00:00Z 2 9471" \
		"$(jb '"\(.id) \(.unlock_at) \(.overrides | length) \(.overrides[0].wiki_page_id)"')" "by page_id:"
	api GET /api/v1/courses/9470/pages/page_id:9473/date_details
	expect_status 200
	expect_eq "9473 2026-02-06T08:00:00Z" "$(jb '"\(.id) \(.unlock_at)"')" "page_id: of a page whose url is a number"
	api GET /api/v1/courses/9470/pages/page_id:9999/date_details
	expect_status 404
	ajson PUT /api/v1/courses/9470/pages/page_id:9472/date_details '{"unlock_at": "2026-03-02T08:00:00Z"}'
	expect_status 204
	expect_eq "2026-03-02T08:00:00Z" "$(state '.courses[0].pages[] | select(.page_id == 9472) | .unlock_at')" \
		"PUT by page_id:"
}
