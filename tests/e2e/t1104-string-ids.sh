# tests/e2e/t1104-string-ids.sh -- ids above 2^53, kept exactly (issue 17's last item).
#
# Large institutions' cross-shard ids exceed 2^53, where a JSON number read as a double is rounded
# into another id. coursectl asks for Canvas's string ids (Accept: application/json+canvas-string-ids,
# ApplicationController#stringify_json_ids?) and canvas-sim answers as Canvas does
# (StringifyIds.recursively_stringify_ids: every "id", "*_id" and "*_ids" element as a string).
# Seed: tests/fixtures/string-ids-seed.json, course 10000000000000001 (2^53 is 9007199254740992)
# whose every object has an id above 2^53, written as JSON strings (tests/sim/README.md 3): an
# assignment with a section and a student override, a discussion, a page, two modules (the second
# requires the first) and their items.
# Cases:
#   header   the simulator answers numbers without the header (a big one with its exact digits)
#            and strings with it, under Canvas's key rule only; --number-ids ignores the header;
#   round    plan -> apply -> the state holds the planned values on exactly the planned objects ->
#            rollback -> the seed; the plan and the journal hold the ids as strings; a page and a
#            module item are created with ids above 2^53 and deleted again by the rollback; the
#            bulk update's Progress is polled by its id (above 2^53 too);
#   snapshot `snapshot -o` keeps the ids exactly (strings above 2^53, numbers below), and the file
#            seeds canvas-sim again with the same objects;
#   ignored  a server that ignores the header sends the ids as numbers: json_guard refuses them,
#            naming the field, and nothing is written (never a rounded id).

SEED=$FIXTURES/string-ids-seed.json
CID=10000000000000001
C=/api/v1/courses/$CID

recipe() {
	cat >"$LOGDIR/recipe.yaml" <<'EOF2'
version: 1
courses: [10000000000000001]
steps:
  - shift_dates: {days: 7}
  - pages:
      where: {url: notes}
      replace: [{pattern: Fall, with: Spring}]
  - modules:
      where: {name: '^Week 1$'}
      set: {published: true}
      items: {where: {type: Page}, set: {indent: 2}}
  - modules:
      where: {name: '^Week 2$'}
      set: {prerequisites: []}
  - modules:
      ensure:
        - name: Week 1
          items:
            - assignment: Lab 1
            - page: notes
            - {url: https://library.example.edu/phys, title: Library guide}
  - pages:
      where: {url: spring-office-hours}
      create: true
      set: {title: Spring office hours, published: true}
EOF2
}

course() {
	state ".courses[] | select(.id == \"$CID\") | $1"
}

writes_since() {
	curl -s "$SIM_URL/__sim/requests?since=$1" | jq '[.[] | select(.method != "GET")] | length'
}

last_seq() {
	curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end'
}

test_sim_answers_string_ids_only_when_asked() {
	sim_start --seed "$SEED"
	api GET "$C/modules?include[]=items"
	expect_status 200
	# without the header: numbers, a big one with its exact digits (jq would round it: read the text)
	grep -q '"id":10000000000000301,' "$LOGDIR/body" || fail "module id not the exact number: $(head -c 300 "$LOGDIR/body")"
	grep -q '"prerequisite_module_ids":\[10000000000000301\]' "$LOGDIR/body" || fail "prerequisite ids not numbers"
	grep -q '"content_id":10000000000000101,' "$LOGDIR/body" || fail "content_id not the exact number"
	# with it: strings under "id", "*_id" and in "*_ids" lists, at any depth; other numbers stay
	api GET "$C/modules?include[]=items" -H 'Accept: application/json+canvas-string-ids'
	expect_eq '"10000000000000301" "10000000000000301" "10000000000000101" "10000000000000311" 1 2' \
		"$(jq -c '.[1].prerequisite_module_ids[0], .[0].items[0].module_id, .[0].items[0].content_id,
			.[0].items[0].id, .[0].position, .[1].position' "$LOGDIR/body" | tr '\n' ' ' | sed 's/ $//')" \
		"string ids with the header"
	# a substring test, as Canvas's: a list of types works; small ids are strings too; sis ids stay text
	api GET "$C" -H 'Accept: application/json+canvas-string-ids, application/json'
	expect_eq '"10000000000000001" "112" "10000000000000001"' \
		"$(jq -c '.id, .account_id, .sis_course_id' "$LOGDIR/body" | tr '\n' ' ' | sed 's/ $//')" "course"
	api GET "$C"
	grep -q '"id":10000000000000001,' "$LOGDIR/body" || fail "course id without the header"
	expect_eq '112 "10000000000000001"' "$(jq -c '.account_id, .sis_course_id' "$LOGDIR/body" | tr '\n' ' ' |
		sed 's/ $//')" "account_id a number, sis_course_id text without the header"
	# the state keeps a big id as a string (what jq and the seed can hold exactly)
	expect_eq string "$(state '.courses[0].id | type')" "state's course id"
	# --number-ids: a server that ignores the header
	sim_start --seed "$SEED" --number-ids
	api GET "$C/assignments?include[]=overrides" -H 'Accept: application/json+canvas-string-ids'
	grep -q '"id":10000000000000101,' "$LOGDIR/body" || fail "--number-ids still stringified"
	# a small seed: the header stringifies its ids as Canvas would
	sim_start
	api GET /api/v1/courses/4821/assignments -H 'Accept: application/json+canvas-string-ids'
	expect_eq '"90211" "5511" "4821"' "$(jq -c '.[0].id, .[0].assignment_group_id, .[0].course_id' "$LOGDIR/body" |
		tr '\n' ' ' | sed 's/ $//')" "small ids as strings"
}

test_big_ids_plan_apply_rollback() {
	sim_start --seed "$SEED"
	recipe
	run plan.out plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	expect_match 'Plan: 12 changes to 10 objects in 1 course' "$(cat "$LOGDIR/plan.out")" "plan summary"
	expect_match '~ assignment override 10000000000000112 "1 student" \(in assignment 10000000000000101\)' \
		"$(cat "$LOGDIR/plan.out")" "override named by its exact id"
	expect_match 'prerequisite_module_ids  \["10000000000000301"\] → \[\]' "$(cat "$LOGDIR/plan.out")" \
		"prerequisite ids exactly"
	# the plan file keeps them as strings (jsonid.h), never a rounded number
	expect_eq '"10000000000000001" "10000000000000101" "10000000000000112" "10000000000000401"' \
		"$(jq -c '.courses[0].id, (.changes[] | select(.kind == "assignment") | .id),
			(.changes[] | select(.kind == "assignment_override") | .id), (.changes[] | select(.kind == "page"
			and .op == "update") | .id)' "$LOGDIR/plan.json" | sort -u | tr '\n' ' ' | sed 's/ $//' |
			awk '{print $1, $2, $4, $5}')" "ids in the plan file"

	# the seed, as the simulator holds it once read (it adds an empty list for each kind read)
	state_snap seed.json
	local since
	since=$(last_seq)
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_match 'Applied 12 changes to 10 objects; 0 failed; 0 conflicts' "$(cat "$LOGDIR/apply.out")" summary
	expect_eq 9 "$(writes_since "$since")" "writes: 7 updates, 2 creates"
	# the bulk update's Progress (its id above 2^53 too, from the same counter) was polled by it
	expect_match '^[1-9][0-9]*$' "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method ==
		"GET" and (.path | test("^/api/v1/progress/10000000000000[0-9]{3}$")))] | length')" "Progress polled by its id"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.status == 404)] | length')" \
		"no request for an id that does not exist"
	# every write addressed the exact ids
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method != "GET") |
		select(.path | test("/courses/10000000000000001/") | not)] | length')" "writes to the exact course"
	# the planned values, on exactly those objects
	expect_eq "2025-09-13T03:59:59Z 2025-09-15T03:59:59Z 2025-09-17T03:59:59Z" \
		"$(course '[.assignments[0].due_at, (.assignments[0].overrides[] | .due_at)] | join(" ")')" \
		"assignment and override dates"
	expect_eq "2025-09-27T03:59:59Z 2025-09-19T03:59:00Z" \
		"$(course '.discussion_topics[0] | "\(.lock_at) \(.todo_date)"')" "discussion dates"
	expect_eq "<p>Spring notes.</p>" "$(course '.pages[] | select(.page_id == "10000000000000401") | .body')" "page"
	expect_eq "true 2025-09-01T04:00:00Z 2 0" \
		"$(course '.modules[0] | "\(.published) \(.unlock_at) \(.items[1].indent) \(.items[0].indent)"')" "module 1"
	expect_eq "[]" "$(course '.modules[1].prerequisite_module_ids | tojson')" "module 2's prerequisites"
	# the creates got ids above 2^53, kept exactly (strings in the state)
	local page item
	page=$(course '.pages[] | select(.url == "spring-office-hours") | .page_id')
	item=$(course '.modules[0].items[] | select(.title == "Library guide") | .id')
	expect_match '^10000000000000[0-9]{3}$' "$page" "the new page's id"
	expect_match '^10000000000000[0-9]{3}$' "$item" "the new item's id"
	grep -q "\"id\":\"$page\"" "$LOGDIR/j.jsonl" || fail "the journal lacks the new page's exact id $page"
	grep -q "\"id\":\"$item\"" "$LOGDIR/j.jsonl" || fail "the journal lacks the new item's exact id $item"
	# nothing else changed: the states differ only where the plan said
	state_snap applied.json
	# (the simulator adds an empty list for each kind a request read: not a change)
	local rest='.courses[0] | with_entries(select(.value != [])) | del(.assignments[0].due_at,
		.assignments[0].overrides[].due_at, .discussion_topics[0].lock_at, .discussion_topics[0].todo_date,
		.modules[0].published, .modules[0].unlock_at, .modules[1].prerequisite_module_ids)
		| .pages |= map(select(.url != "spring-office-hours")) | del(.pages[0].body)
		| .modules[0].items |= map(select(.title != "Library guide")) | del(.modules[0].items[1].indent)'
	jq -S "$rest" "$LOGDIR/seed.json" >"$LOGDIR/seed.rest.json"
	jq -S "$rest" "$LOGDIR/applied.json" >"$LOGDIR/applied.rest.json"
	state_same seed.rest.json applied.rest.json "everything the plan did not name"

	since=$(last_seq)
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(cat "$LOGDIR/rb.out.err"))"
	expect_match 'Rolled back with 12 changes to 10 objects; 0 failed; 0 conflicts' "$(cat "$LOGDIR/rb.out")" \
		"rollback summary"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq --arg p "$page" '[.[] | select(.method ==
		"DELETE" and (.path | endswith("/pages/page_id:" + $p)))] | length')" "the new page deleted by its id"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq --arg i "$item" '[.[] | select(.method ==
		"DELETE" and (.path | endswith("/items/" + $i)))] | length')" "the new item deleted by its id"
	expect_match '"prerequisite_module_ids":\["10000000000000301"\]' \
		"$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq -c '.[] | select(.method == "PUT") | .body')" \
		"the prerequisite written back as Canvas's string id"
	state_snap back.json
	state_same seed.json back.json "apply + rollback with ids above 2^53"
}

test_snapshot_keeps_big_ids_and_seeds_the_simulator() {
	sim_start --seed "$SEED"
	run snap.out snapshot --course "$CID" -o "$LOGDIR/snap.json"
	expect_eq 0 "$RC" "snapshot exit code ($(cat "$LOGDIR/snap.out.err"))"
	local want='["10000000000000001","10000000000000101","10000000000000112",["10000000000000951"],'
	want+='["10000000000000301"],"10000000000000312","10000000000000401",112]'
	expect_eq "$want" "$(jq -c '.courses[0] | [.id, .assignments[0].id, .assignments[0].overrides[1].id,
			.assignments[0].overrides[1].student_ids, .modules[1].prerequisite_module_ids, .modules[0].items[1].id,
			.pages[0].page_id, .account_id]' "$LOGDIR/snap.json")" "the snapshot's ids"
	state '.courses[0] | [.assignments[0].overrides[].id, .modules[].items[].id, .pages[].page_id]' \
		>"$LOGDIR/ids.seed"
	sim_start --seed "$LOGDIR/snap.json"
	state '.courses[0] | [.assignments[0].overrides[].id, .modules[].items[].id, .pages[].page_id]' \
		>"$LOGDIR/ids.snap"
	state_same ids.seed ids.snap "the ids of a simulator seeded from the snapshot"
	api GET "$C/pages/notes" -H 'Accept: application/json+canvas-string-ids'
	expect_status 200
	expect_eq '"10000000000000401"' "$(jq -c .page_id "$LOGDIR/body")" "the page, found by its course's exact id"
}

test_a_server_ignoring_the_header_is_refused() {
	sim_start --seed "$SEED" --number-ids
	recipe
	local since
	since=$(last_seq)
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/recipe.yaml"
	expect_eq 1 "$RC" "apply exit code"
	expect_match "Canvas sent '[a-z_]*id' 1[.0-9e+]*, which is not an id a number can hold exactly" \
		"$(cat "$LOGDIR/apply.out.err")" "the refusal names the field"
	expect_eq 0 "$(writes_since "$since")" "nothing written"
}
