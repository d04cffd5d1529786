# tests/e2e/t0946-selective-release.sh -- selective release ("Assign To") dates of ungraded
# discussions, pages and modules, through the Learning Object Dates API (issue 15, CURRENT.md 13).
#
# Canvas (app/controllers/learning_object_dates_controller.rb, #show / #update /
# #update_ungraded_object; tests/sim/res_date_details.c cites the details): GET date_details gives
# the object's own dates, only_visible_to_overrides and its overrides (section / students / group
# targets with their unlock_at and lock_at); PUT takes unlock_at, lock_at, only_visible_to_overrides
# and assignment_overrides, which REPLACES the set (with id: updated; without: created; left out:
# deleted) and answers 204. An ungraded topic's JSON lists its overrides as
# ungraded_discussion_overrides (lib/api/v1/discussion_topics.rb). A module's overrides carry no
# dates, and #update has no module branch (204, nothing changes).
#
# Seed (t_seed): course 9460 (UTC) with page "reading" (section 94601 override with dates), topic
# 9462 (ungraded, section override with dates), topic 9463 (ungraded, no overrides), module 9464
# with a section override (no dates, its own unlock_at).
# Cases (each fails on the code before issue 15's selective-release work, except the last guard):
#   - canvas-sim: GET date_details for a page, a topic and a module; the topic JSON's
#     ungraded_discussion_overrides;
#   - canvas-sim: PUT replaces the override set (update by id, create without, drop the rest),
#     drops due_at for ungraded objects, refuses bad dates, fancies an override's midnight
#     lock_at, module PUT is a no-op 204;
#   - the rollover plans the topic's override (kind date_override) with one GET date_details,
#     the HTML calendar places it, a saved plan applies with one PUT date_details, the sim holds
#     the plan field by field, rollback gives exactly the seed (the module's override has no
#     dates; the recipe leaves pages out: their Assign To dates are t0947's);
#   - an override lock_at shifted onto the user's midnight is planned as 23:59:59, applied and
#     rolled back to the seed;
#   - guard: a course without selective release makes no date_details request (holds on the old
#     code too, which never made one).

t_seed() {
	cat >"$LOGDIR/seed.json" <<'EOF'
{
  "tokens": ["test-token-1"],
  "courses": [
    {"id": 9460, "name": "Selective", "course_code": "SEL 1", "time_zone": "UTC",
     "workflow_state": "unpublished", "assignments": [], "quizzes": [], "announcements": [],
     "calendar_events": [],
     "sections": [{"id": 94601, "name": "Section A"}, {"id": 94602, "name": "Section B"}],
     "pages": [
       {"page_id": 9461, "url": "reading", "title": "Reading", "body": "<p>r</p>", "published": true,
        "unlock_at": "2026-02-02T08:00:00Z", "lock_at": "2026-02-20T08:00:00Z",
        "assignment_overrides": [
          {"id": 94611, "title": "Section A", "course_section_id": 94601,
           "unlock_at": "2026-02-03T08:00:00Z", "lock_at": "2026-02-21T08:00:00Z"}]}
     ],
     "discussion_topics": [
       {"id": 9462, "title": "Forum", "message": "<p>f</p>", "published": true,
        "delayed_post_at": "2026-02-04T08:00:00Z", "lock_at": null, "todo_date": null,
        "assignment_overrides": [
          {"id": 94621, "title": "Section B", "course_section_id": 94602,
           "unlock_at": "2026-02-05T08:00:00Z", "lock_at": "2026-02-25T08:00:00Z"}]},
       {"id": 9463, "title": "Open forum", "message": "<p>o</p>", "published": true,
        "delayed_post_at": null, "lock_at": "2026-02-26T08:00:00Z", "todo_date": null}
     ],
     "modules": [
       {"id": 9464, "name": "Week 1", "position": 1, "unlock_at": "2026-02-01T08:00:00Z", "published": true, "items": [],
        "assignment_overrides": [{"id": 94641, "title": "Section A", "course_section_id": 94601}]}
     ]}
  ]
}
EOF
	echo "$LOGDIR/seed.json"
}

ajson() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}

test_sim_date_details_get() {
	sim_start --seed "$(t_seed)"
	api GET /api/v1/courses/9460/pages/reading/date_details
	expect_status 200
	expect_eq "9461 2026-02-02T08:00:00Z 2026-02-20T08:00:00Z false false" \
		"$(jb '"\(.id) \(.unlock_at) \(.lock_at) \(.only_visible_to_overrides) \(.graded)"')" "page dates"
	expect_eq "94611 94601 2026-02-03T08:00:00Z 2026-02-21T08:00:00Z" \
		"$(jb '.overrides[] | "\(.id) \(.course_section_id) \(.unlock_at) \(.lock_at)"')" "page override"
	api GET /api/v1/courses/9460/pages/9461/date_details
	expect_status 200
	api GET /api/v1/courses/9460/discussion_topics/9462/date_details
	expect_status 200
	expect_eq "2026-02-04T08:00:00Z null 94621 2026-02-05T08:00:00Z" \
		"$(jb '"\(.unlock_at) \(.lock_at) \(.overrides[0].id) \(.overrides[0].unlock_at)"')" "topic"
	api GET /api/v1/courses/9460/modules/9464/date_details
	expect_status 200
	expect_eq "2026-02-01T08:00:00Z false 94641 94601" \
		"$(jb '"\(.unlock_at) \(has("lock_at")) \(.overrides[0].id) \(.overrides[0].course_section_id)"')" "module"
	expect_eq false "$(jb '.overrides[0] | has("unlock_at")')" "a module override has no dates"
	api GET /api/v1/courses/9460/discussion_topics
	expect_eq "9462:1 9463:0" \
		"$(jb '[.[] | "\(.id):\(.ungraded_discussion_overrides | length)"] | sort | join(" ")')" \
		"ungraded_discussion_overrides"
	expect_eq false "$(jb 'any(.[]; has("assignment_overrides"))')" "no stored key in the topic JSON"
	api GET /api/v1/courses/9460/pages/nope/date_details
	expect_status 404
}

test_sim_date_details_put() {
	sim_start --seed "$(t_seed)"
	ajson PUT /api/v1/courses/9460/pages/reading/date_details \
		'{"unlock_at": "2026-03-02T08:00:00Z", "due_at": "2026-03-09T08:00:00Z",
		  "assignment_overrides": [{"id": 94611, "lock_at": "2026-03-21T08:00:00Z"},
		                           {"course_section_id": 94602, "unlock_at": "2026-03-04T08:00:00Z"}]}'
	expect_status 204
	expect_eq "2026-03-02T08:00:00Z 2026-02-20T08:00:00Z null" \
		"$(state '.courses[0].pages[0] | "\(.unlock_at) \(.lock_at) \(.due_at)"')" "page own dates (due_at dropped)"
	expect_eq "94611:94601:2026-02-03T08:00:00Z:2026-03-21T08:00:00Z x:94602:2026-03-04T08:00:00Z:null" \
		"$(state '[.courses[0].pages[0].assignment_overrides[] | "\(if .id == 94611 then 94611 else "x" end):\(.course_section_id):\(.unlock_at):\(.lock_at)"] | join(" ")')" \
		"override updated by id, one created"
	# the set is replaced: one left out is deleted
	ajson PUT /api/v1/courses/9460/pages/reading/date_details '{"assignment_overrides": [{"id": 94611}]}'
	expect_status 204
	expect_eq 1 "$(state '.courses[0].pages[0].assignment_overrides | length')" "replaced set"
	# a topic's unlock date is its delayed_post_at
	ajson PUT /api/v1/courses/9460/discussion_topics/9462/date_details \
		'{"unlock_at": "2026-03-04T08:00:00Z", "assignment_overrides": [{"id": 94621, "unlock_at": "2026-03-05T08:00:00Z"}]}'
	expect_status 204
	expect_eq "2026-03-04T08:00:00Z 2026-03-05T08:00:00Z" \
		"$(state '.courses[0].discussion_topics[0] | "\(.delayed_post_at) \(.assignment_overrides[0].unlock_at)"')" "topic"
	ajson PUT /api/v1/courses/9460/discussion_topics/9462/date_details '{"lock_at": "next tuesday-ish"}'
	expect_status 400
	# an override's lock_at at 00:00 of the user's zone (UTC here: no user_time_zone) is fancied
	ajson PUT /api/v1/courses/9460/discussion_topics/9462/date_details \
		'{"assignment_overrides": [{"id": 94621, "lock_at": "2026-03-10T00:00:00Z"}]}'
	expect_status 204
	expect_eq "2026-03-10T23:59:59Z" "$(state '.courses[0].discussion_topics[0].assignment_overrides[0].lock_at')" \
		"fancy midnight on an override's lock_at"
	ajson PUT /api/v1/courses/9460/modules/9464/date_details '{"unlock_at": "2026-03-01T08:00:00Z", "assignment_overrides": []}'
	expect_status 204
	expect_eq "2026-02-01T08:00:00Z 1" \
		"$(state '.courses[0].modules[0] | "\(.unlock_at) \(.assignment_overrides | length)"')" "module PUT changes nothing"
}

# date_details requests the sim has seen
dd_requests() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.path | test("/date_details"))] | length'
}

shift_recipe() {
	cat >"$LOGDIR/shift.yaml" <<'EOF'
version: 1
courses: [9460]
steps:
  - name: A week later
    shift_dates:
      days: 7
      only: [discussions, modules]
EOF
}

# The rollover: the topic's own dates and its Assign To override's move; only the topic with
# overrides costs a GET date_details (its list entry says so); apply writes the override with one
# PUT date_details naming the whole set, the sim then holds the plan field by field, and rollback
# gives exactly the seed. Fails on the old planner: no date_override change.
test_rollover_shifts_selective_release_dates() {
	sim_start --seed "$(t_seed)"
	shift_recipe
	state_snap seed.json
	run plan.json plan --format json --out "$LOGDIR/saved.json" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "date_override:94621:lock_at date_override:94621:unlock_at discussion_topic:9462:delayed_post_at discussion_topic:9463:lock_at module:9464:unlock_at" \
		"$(jq -r '[.changes[] | "\(.kind):\(.id):\(.field)"] | sort | join(" ")' "$LOGDIR/plan.json")" "the changes"
	expect_eq "9462 2026-02-12T08:00:00Z 2026-03-04T08:00:00Z" \
		"$(jq -r '[.changes[] | select(.kind == "date_override")] | sort_by(.field) | "\(.[0].parent) \(.[1].after) \(.[0].after)"' \
			"$LOGDIR/plan.json")" "the override's dates and its topic"
	expect_eq 1 "$(dd_requests)" "one date_details request: the topic with overrides"
	run plan.txt plan "$LOGDIR/shift.yaml"
	expect_match "date override" "$(cat "$LOGDIR/plan.txt")" "the text plan names it"
	run plan.html plan --format html "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "html plan"
	# the calendar places the override's dates on their new days
	expect_eq "2026-02-12 2026-03-04" \
		"$(tr '\n' ' ' <"$LOGDIR/plan.html" | grep -o 'data-day="[0-9-]*" data-count="[0-9]*"><div class="dh"><span class="dn">[0-9]*</span></div><ul class="chips"><li class="chip k-date_override"' |
			sed 's/data-day="\([0-9-]*\)".*/\1/' | tr '\n' ' ' | sed 's/ $//')" "calendar days of the override"
	# the saved plan (issue 13 checks each change against the field table)
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 0 "$(jq -s '[.[] | select(.type == "outcome" and .state != "done")] | length' "$LOGDIR/j.jsonl")" \
		"every outcome done"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT" and (.path | endswith("/date_details")))] | length')" \
		"one PUT date_details"
	# the sim holds the plan, field by field
	local c kind id field after got
	while IFS=$'\t' read -r kind id field after; do
		case $kind in
		date_override) got=$(state ".courses[0].discussion_topics[] | .assignment_overrides[]? | select(.id == $id) | .$field") ;;
		discussion_topic) got=$(state ".courses[0].discussion_topics[] | select(.id == $id) | .$field") ;;
		module) got=$(state ".courses[0].modules[] | select(.id == $id) | .$field") ;;
		*) fail "unexpected kind $kind" ;;
		esac
		expect_eq "$after" "$got" "$kind $id $field"
	done < <(jq -r '.changes[] | [.kind, (.id | tostring), .field, .after] | @tsv' "$LOGDIR/plan.json")
	expect_eq "94602 Section B" \
		"$(state '.courses[0].discussion_topics[0].assignment_overrides[0] | "\(.course_section_id) \(.title)"')" \
		"the override keeps its target"
	run plan2.json plan --format json "$LOGDIR/shift.yaml"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

# A course without selective release makes no date_details request at all.
test_no_selective_release_no_extra_request() {
	t_seed >/dev/null
	jq '.courses[0].discussion_topics |= map(del(.assignment_overrides)) | .courses[0].pages |= map(del(.assignment_overrides))' \
		"$LOGDIR/seed.json" >"$LOGDIR/plain.json"
	sim_start --seed "$LOGDIR/plain.json"
	shift_recipe
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq 0 "$(jq '[.changes[] | select(.kind == "date_override")] | length' "$LOGDIR/plan.json")" "no override"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq 0 "$(dd_requests)" "no date_details request"
}

# Fancy midnight (CURRENT.md 1): an Assign To override is an AssignmentOverride, whose lock_at=
# stores 00:00 of the token user's zone as 23:59:59. The user is in Denver, the course in UTC: the
# override's lock date 23:00 MST Tue 03-03 moves a week, across the DST change, to 00:00 MDT Wed
# 03-11 -- planned (and stored) as 23:59:59 MDT that day; rollback writes 23:00 MST back (not a
# midnight), so the seed returns exactly. Fails on the old sim (stored as sent) and planner.
test_override_lock_at_fancy_midnight() {
	t_seed >/dev/null
	jq '.user_time_zone = "America/Denver"
	    | .courses[0].discussion_topics[0].assignment_overrides[0].lock_at = "2026-03-04T06:00:00Z"' \
		"$LOGDIR/seed.json" >"$LOGDIR/denver.json"
	sim_start --seed "$LOGDIR/denver.json"
	shift_recipe
	state_snap seed.json
	run plan.json plan --format json "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	expect_eq "2026-03-12T05:59:59Z" \
		"$(jq -r '.changes[] | select(.kind == "date_override" and .field == "lock_at") | .after' "$LOGDIR/plan.json")" \
		"planned as Canvas stores it"
	expect_match "23:59:59" "$(jq -r '.changes[] | select(.kind == "date_override" and .field == "lock_at") | .note' \
		"$LOGDIR/plan.json")" "the note says why"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/shift.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "2026-03-12T05:59:59Z" \
		"$(state '.courses[0].discussion_topics[0].assignment_overrides[0].lock_at')" "stored"
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}
