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
#   - the rollover plans the page's own dates and both overrides' (kind date_override, parent
#     page_id:9471), one GET date_details per page (the cost: said on stderr), the text plan and
#     the HTML calendar show them; a saved plan applies (PUT date_details), the sim holds the plan
#     field by field, rollback gives exactly the seed;
#   - an override's lock_at shifted onto the user's midnight is planned (and stored) as 23:59:59;
#   - the cost: a course whose pages have no Assign To dates still pays one GET a page for such a
#     recipe (no signal exists), and none with `overrides: false` or `only:` without pages
#     (guard: holds on the old code too).

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

# date_details requests the sim has seen (METHOD: GET or PUT)
dd_requests() {
	curl -s "$SIM_URL/__sim/requests" |
		jq --arg m "$1" '[.[] | select(.method == $m and (.path | test("/date_details")))] | length'
}

shift_recipe() {
	cat >"$LOGDIR/shift.yaml" <<EOF
version: 1
courses: [9470]
steps:
  - name: A week later
    shift_dates:
      days: 7
      only: ${1:-[pages]}
${2:-}
EOF
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

# The rollover of a page with Assign To dates: planned, applied, held, rolled back.
test_rollover_shifts_page_dates() {
	sim_start --seed "$(t_seed)"
	shift_recipe
	state_snap seed.json
	run plan.json plan --format json --out "$LOGDIR/saved.json" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "date_override:94711:lock_at date_override:94711:unlock_at date_override:94712:unlock_at page:9471:lock_at page:9471:unlock_at page:9473:unlock_at" \
		"$(jq -r '[.changes[] | "\(.kind):\(.id):\(.field)"] | sort | join(" ")' "$LOGDIR/plan.json")" "the changes"
	expect_eq "page_id:9471 page_id:9471 page_id:9471" \
		"$(jq -r '[.changes[] | select(.kind == "date_override") | .parent] | join(" ")' "$LOGDIR/plan.json")" \
		"each override names its page"
	expect_eq "2026-02-10T08:00:00Z 2026-02-28T08:00:00Z" \
		"$(jq -r '[.changes[] | select(.kind == "date_override" and .id == 94711)] | sort_by(.field) | "\(.[1].after) \(.[0].after)"' \
			"$LOGDIR/plan.json")" "the section override's new dates"
	expect_eq 3 "$(dd_requests GET)" "one GET date_details per page"
	expect_match "Assign To dates of 3 pages, one request each" "$(cat "$LOGDIR/plan.json.err")" "the plan says the cost"
	run plan.txt plan "$LOGDIR/shift.yaml"
	expect_match 'date override 94711 "Section A" \(in page 9471\)' "$(cat "$LOGDIR/plan.txt")" "the text plan names the page"
	run plan.html plan --format html "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "html plan"
	expect_eq "2026-02-10 2026-02-11 2026-02-28" \
		"$(tr '\n' ' ' <"$LOGDIR/plan.html" | grep -o 'data-day="[0-9-]*" data-count="[0-9]*"><div class="dh"><span class="dn">[0-9]*</span></div><ul class="chips"><li class="chip k-date_override"' |
			sed 's/data-day="\([0-9-]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')" "calendar days of the overrides"
	# the saved plan
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 0 "$(jq -s '[.[] | select(.type == "outcome" and .state != "done")] | length' "$LOGDIR/j.jsonl")" \
		"every outcome done"
	expect_eq 4 "$(dd_requests PUT)" "a PUT date_details per override and per page's own dates"
	# the sim holds the plan, field by field
	local kind id field after got
	while IFS=$'\t' read -r kind id field after; do
		case $kind in
		date_override) got=$(state ".courses[0].pages[] | .assignment_overrides[]? | select(.id == $id) | .$field") ;;
		page) got=$(state ".courses[0].pages[] | select(.page_id == $id) | .$field") ;;
		*) fail "unexpected kind $kind" ;;
		esac
		expect_eq "$after" "$got" "$kind $id $field"
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after] | @tsv' "$LOGDIR/plan.json")
	expect_eq "94701 Section A|94790" \
		"$(state '[.courses[0].pages[0].assignment_overrides[] | "\(.course_section_id // .student_ids[0]) \(.title // "")" | rtrimstr(" 1 student")] | join("|")')" \
		"the overrides keep their targets"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

# Fancy midnight (CURRENT.md 1): a page's override is an AssignmentOverride too; its lock_at moved
# onto 00:00 of the token user's zone (Denver) is stored as 23:59:59 there, and so planned.
test_page_override_lock_at_fancy_midnight() {
	t_seed >/dev/null
	jq '.user_time_zone = "America/Denver"
	    | .courses[0].pages[0].assignment_overrides[0].lock_at = "2026-03-04T06:00:00Z"' \
		"$LOGDIR/seed.json" >"$LOGDIR/denver.json"
	sim_start --seed "$LOGDIR/denver.json"
	shift_recipe
	state_snap seed.json
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-03-12T05:59:59Z" \
		"$(jq -r '.changes[] | select(.kind == "date_override" and .id == 94711 and .field == "lock_at") | .after' "$LOGDIR/plan.json")" \
		"planned as Canvas stores it"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "2026-03-12T05:59:59Z" "$(state '.courses[0].pages[0].assignment_overrides[0].lock_at')" "stored"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

# The cost: no signal in the page list, so a course without page Assign To dates still pays one
# GET a page for a recipe that shifts pages with overrides -- and plans nothing from them.
test_no_page_dates_cost_counted() {
	t_seed >/dev/null
	jq '.courses[0].pages |= map(del(.assignment_overrides, .unlock_at, .lock_at))' \
		"$LOGDIR/seed.json" >"$LOGDIR/plain.json"
	sim_start --seed "$LOGDIR/plain.json"
	shift_recipe
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/plan.json")" "nothing to move"
	expect_eq 3 "$(dd_requests GET)" "one GET date_details per page, counted"
	expect_match "Assign To dates of 3 pages" "$(cat "$LOGDIR/plan.json.err")" "and said"
}

# Guard: `overrides: false`, or an `only:` without pages, reads no date_details (the old code
# never did either).
test_no_page_dates_without_pages_or_overrides() {
	sim_start --seed "$(t_seed)"
	shift_recipe '[pages]' '      overrides: false'
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	shift_recipe '[assignments]'
	run plan2.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan2.json.err"))"
	expect_eq 0 "$(dd_requests GET)" "no date_details request"
}
