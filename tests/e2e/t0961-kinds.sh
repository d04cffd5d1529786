# tests/e2e/t0961-kinds.sh -- every row of the resource table, round trip against canvas-sim
# (issue 14, "How we will know").
#
# The rows come from coursectl's own table: $BUILD/tests/tools/kinds (tests/tools/kinds.c) prints
# each row's name, seed_key, id_field, name_field, date_fields and html_fields. Each row gives
# cases: its first date field, its first HTML field, and its name when it has neither (module
# items). Each case, in one canvas-sim reseeded per case (POST /__sim/seed):
#   seed      a course 9610 (UTC) holding one object of the kind (the course itself for "courses"),
#             named "T0961 <kind>", with the one field set: a date 2026-02-02T12:00:00Z (noon, far
#             from any midnight rule), HTML "<p>T0961-BEFORE</p>" or the name "T0961-NAME"; the
#             row's other date fields null;
#   snapshot  coursectl snapshot holds that object under the row's seed_key, with the seeded value;
#   plan      one recipe for every case (shift_dates days: 7 with course_dates; replace_text over
#             every kind it knows; renames of names holding the marker: titles, modules, module
#             items): updates of that one object only, the field changed once, nothing else changed
#             (but for dates: every date field set on the object moves, so an event's end moves
#             with its start, see DEFAULTS);
#   apply     the saved plan, --yes: every change done;
#   read back /__sim/state holds each change's after value;
#   rollback  every change undone, and /__sim/state equals the seed's again (lib.sh's SIM_NORM;
#             the reference is read after the snapshot, which makes canvas-sim store the empty
#             lists it was asked for).
# Every case is run, then the test fails naming each kind and field that failed and why. A new row
# gets all this for free; a row with no date, HTML or name field, or whose field the recipe does
# not reach (the plan has no change), fails loudly with its name (checked with a fake table that
# adds such rows: T0961_KINDS).
#
# What the table does not say and canvas-sim's seed format needs is here, as data: NESTED, where a
# kind that lives inside another sits (overrides in an assignment, with a section as target; items
# in a module; a topic's selective-release date overrides in its "assignment_overrides", as
# tests/sim/README.md section 3 stores them): a new nested kind must be added there, or it is put
# at the top of the course and fails; DEFAULTS, what Canvas always stores on an object and
# canvas-sim fills on the first save of a sparse seed; HTML_UNREACHABLE, kinds whose HTML no recipe
# action changes (their dates are still exercised).

# T0961_KINDS: another table (a program printing rows, e.g. to check that a bad row fails loudly)
KINDS_BIN=${T0961_KINDS:-$ROOT/$BUILD/tests/tools/kinds}
KCOURSE=9610
KDATE=2026-02-02T12:00:00Z

# seed_key -> why no recipe action reaches the kind's HTML fields (its dates are still exercised).
# Any other kind whose HTML the recipe does not change fails.
HTML_UNREACHABLE='{
  "calendar_events": "replace_text has no calendar_events kind (docs/recipes.md, The object kinds)"
}'

# seed_key -> what Canvas always stores on an object of the kind and canvas-sim fills in on the
# first save when a sparse seed lacks it (so the rollback would not give the seed back): an
# announcement is published, a module has a position, an event has an end (Canvas makes it the
# start when none is given) and all_day. "$date" is the seeded date.
# shellcheck disable=SC2016 # "$date" is a placeholder for jq, not a shell variable
DEFAULTS='{
  "announcements": {"published": true},
  "modules": {"position": 1},
  "calendar_events": {"all_day": false, "end_at": "$date"}
}'

# seed_key -> {parent: the parent's seed key, key: the child's key in the seed, extra: fields the
# simulator needs on the child}
NESTED='{
  "overrides": {"parent": "assignments", "key": "overrides", "extra": {"course_section_id": 96101}},
  "items": {"parent": "modules", "key": "items", "extra": {"type": "SubHeader", "position": 1}},
  "date_overrides": {"parent": "discussion_topics", "key": "assignment_overrides",
                     "extra": {"course_section_id": 96101}}
}'

# kind_seed ROW_JSON: the seed for one row (stdout). .what in ROW_JSON says which field is set.
kind_seed() {
	jq -n --argjson row "$1" --argjson nested "$NESTED" --argjson course "$KCOURSE" \
		--arg date "$KDATE" --argjson defaults "$DEFAULTS" '
	  def kval: if $row.what == "date" then $date
	    elif $row.what == "html" then "<p>T0961-BEFORE</p>" else "T0961-NAME" end;
	  def klabel: if $row.what == "name" then "T0961-NAME" else "T0961 \($row.name)" end;
	  # the object of the kind: its id, its name, its date fields null, the one field set
	  def obj: (reduce ($row.date_fields[]) as $f ({}; .[$f] = null))
	    + (($defaults[$row.seed_key] // {}) | map_values(if . == "$date" then $date else . end))
	    + {($row.name_field): klabel, ($row.field): kval}
	    + (if $row.id_field == "id" then {id: 96120} else {($row.id_field): "t0961-object"} end);
	  {tokens: ["test-token-1"],
	   courses: [
	     {id: $course, name: "Kinds", course_code: "K 1", time_zone: "UTC",
	      workflow_state: "unpublished", sections: [{id: 96101, name: "Section A"}]}
	     + (if $row.seed_key == "courses" then
	          (obj | del(.id)) + (if $row.what == "name" then {} else {name: "Kinds"} end)
	        elif $nested[$row.seed_key] then
	          $nested[$row.seed_key] as $n
	          | {($n.parent): [{id: 96110, name: "T0961 parent", title: "T0961 parent", position: 1,
	                            ($n.key): [obj + $n.extra]}]}
	        else {($row.seed_key): [obj]} end)]}'
}

kind_recipe() {
	cat >"$LOGDIR/kinds.yaml" <<EOF
version: 1
courses: [$KCOURSE]
steps:
  - name: dates
    shift_dates: {days: 7, course_dates: true}
  - name: html
    replace_text:
      in: [pages, assignments, syllabus, discussions, announcements, quizzes]
      pattern: T0961-BEFORE
      with: T0961-AFTER
      literal: true
  - name: titles
    replace_text:
      in: [pages, assignments, discussions, announcements, quizzes]
      pattern: T0961-NAME
      with: T0961-RENAMED
      literal: true
      fields: [title]
  - name: module names
    modules:
      rename: {pattern: T0961-NAME, with: T0961-RENAMED}
  - name: module item titles
    modules:
      items: {where: {title: T0961-NAME}, set: {title: T0961-RENAMED}}
EOF
}

# kind_path ROW_JSON: the jq path of the object in /__sim/state (and in the seed).
kind_path() {
	jq -rn --argjson row "$1" --argjson nested "$NESTED" '
	  if $row.seed_key == "courses" then ".courses[0]"
	  elif $nested[$row.seed_key] then
	    $nested[$row.seed_key] as $n | ".courses[0].\($n.parent)[0].\($n.key)[0]"
	  else ".courses[0].\($row.seed_key)[0]" end'
}

# kind_round_trip ROW_JSON: the whole round trip for one row, in $LOGDIR/<kind>/; fails (exit 1)
# with the reason.
kind_round_trip() {
	local row=$1 name field what sub dir path before after got n f
	name=$(jq -r .name <<<"$row")
	what=$(jq -r .what <<<"$row")
	field=$(jq -r .field <<<"$row")
	sub=${name// /_}-$what
	dir=$LOGDIR/$sub
	mkdir -p "$dir"
	path=$(kind_path "$row")
	kind_seed "$row" >"$dir/seed.json" || fail "no seed"
	sim_post /__sim/seed "$(cat "$dir/seed.json")"
	before=$(state "$path.$field")
	[ "$before" != null ] || fail "the seeded $field is not in the simulator's state at $path"

	# snapshot: the object under its seed_key, with the seeded value. The reference state is taken
	# after it: canvas-sim stores the empty lists a read asked for ("pages": []), no course data.
	cc snapshot --course "$KCOURSE" >"$dir/snapshot.json" 2>"$dir/snapshot.err" ||
		fail "snapshot failed: $(cat "$dir/snapshot.err")"
	state_snap "$sub/state-seed.json"
	n=$(jq --arg k "$(jq -r .seed_key <<<"$row")" --arg f "$field" --arg v "$before" '
		[paths(objects) as $p | select(($p | length) >= 2 and $p[-2] == $k)
		 | getpath($p) | select(.[$f] == $v)] | length' "$dir/snapshot.json")
	[ "$n" = 1 ] || fail "snapshot: $n objects under \"$(jq -r .seed_key <<<"$row")\" with $field = $before"

	# plan: this one change (and, for an event, its end: DEFAULTS), updates of this kind only
	cc plan "$LOGDIR/kinds.yaml" --format json --out "$dir/plan.json" >"$dir/plan.out" 2>"$dir/plan.err" ||
		fail "plan failed: $(cat "$dir/plan.err")"
	jq -c '[.changes[] | {kind: (.kind | gsub("_"; " ")), id, field, op, before, after}]' "$dir/plan.json" \
		>"$dir/changes"
	# what is wrong with the planned changes, if anything (empty: nothing)
	n=$(jq -r --argjson row "$row" '
		if length == 0 then "no change at all (the recipe does not reach this kind?)"
		elif any(.[]; .kind != $row.name or .op != "update") then "changes of other kinds or ops"
		elif (map(.id) | unique | length) != 1 then "changes to more than one object"
		elif ([.[] | select(.field == $row.field)] | length) != 1 then "\($row.field) is not changed once"
		elif $row.what != "date" and length != 1 then "more than the one field changed"
		elif $row.what == "date" and any(.[]; .field as $f | $row.date_fields | index($f) | not)
		then "a field that is not a date changed" else empty end' "$dir/changes")
	[ -z "$n" ] || fail "the plan: $n: $(cat "$dir/changes")"
	expect_eq "$before" "$(jq -r --arg f "$field" '.[] | select(.field == $f) | .before' "$dir/changes")" \
		"the plan's before"

	# apply, then read back every planned value
	cc apply "$dir/plan.json" --yes --journal "$dir/apply.jsonl" >"$dir/apply.out" 2>"$dir/apply.err" ||
		fail "apply failed: $(cat "$dir/apply.err" "$dir/apply.out" | tail -n 5)"
	curl -s "$SIM_URL/__sim/state" >"$dir/state-applied.json"
	while read -r f; do
		after=$(jq -r --arg f "$f" '.[] | select(.field == $f) | .after' "$dir/changes")
		got=$(jq -r "$path.$f" "$dir/state-applied.json")
		expect_eq "$after" "$got" "the simulator's $f after apply"
	done < <(jq -r '.[].field' "$dir/changes")

	# rollback, then the seed again
	cc rollback "$dir/apply.jsonl" --yes --journal "$dir/rollback.jsonl" >"$dir/rollback.out" \
		2>"$dir/rollback.err" || fail "rollback failed: $(tail -n 5 "$dir/rollback.err")"
	state_snap "$sub/state-after.json"
	state_same "$sub/state-seed.json" "$sub/state-after.json" "after the rollback"
}

test_every_kind_round_trips() {
	local n cases i row name label failed=()
	[ -x "$KINDS_BIN" ] || fail "no $KINDS_BIN: build it (make build-all)"
	"$KINDS_BIN" >"$LOGDIR/rows.json" || fail "$KINDS_BIN failed"
	n=$(jq length "$LOGDIR/rows.json")
	[ "$n" -ge 1 ] || fail "the resource table has no rows"
	# the cases: per row its first date field and its first HTML field (unless HTML_UNREACHABLE
	# says no action reaches it), its name when it has neither; a row with none of them is a case
	# with what = null, reported as a failure
	jq -c --argjson unreach "$HTML_UNREACHABLE" '.[]
		| ([if (.date_fields | length) > 0 then {what: "date", field: .date_fields[0]} else empty end,
		    if (.html_fields | length) > 0 and ($unreach[.seed_key] | not)
		    then {what: "html", field: .html_fields[0]} else empty end]) as $c
		| . as $row
		| if ($c | length) > 0 then $c[] | $row + .
		  elif .name_field then $row + {what: "name", field: .name_field}
		  else $row + {what: null, field: null} end' "$LOGDIR/rows.json" >"$LOGDIR/cases"
	cases=$(wc -l <"$LOGDIR/cases")
	kind_recipe
	sim_start --seed "$FIXTURES/small-seed.json"
	while read -r row; do
		name=$(jq -r .name <<<"$row")
		label=$(jq -r '"\(.what) field \(.field)"' <<<"$row")
		if [ "$(jq -r .what <<<"$row")" = null ]; then
			echo "FAIL: kind '$name': no date, HTML or name field, so no recipe can change it"
			failed+=("'$name'")
			continue
		fi
		i=$LOGDIR/${name// /_}-$(jq -r .what <<<"$row").log
		if (kind_round_trip "$row") >"$i" 2>&1; then
			echo "ok: $name ($label)"
		else
			echo "FAIL: kind '$name' ($label):"
			sed 's/^/    /' "$i"
			failed+=("'$name' ($label)")
		fi
	done <"$LOGDIR/cases"
	echo "$n kinds, $cases cases"
	[ ${#failed[@]} -eq 0 ] || fail "${#failed[@]} of $cases cases failed the round trip: ${failed[*]}"
}
