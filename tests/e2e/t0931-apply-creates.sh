# tests/e2e/t0931-apply-creates.sh -- creates and lost POST answers (issue 13, cases 1 to 3).
#
# Workload: the default seed (small-seed.json) and a recipe that creates, in course 4821, a page
# "Spring office hours" (pages create: true), a module "Orientation Spring 2026" (modules ensure:,
# published) and two items in it (that page, an external URL): four POSTs, chained page, module,
# items, and a follow-up PUT that publishes the module and its items (Canvas takes no published
# flag on a module's POST, API.md 6.1). It is planned once to a saved plan.
#
# Why each case:
#   - a saved plan whose creates meet objects a teacher made after the plan (plan on pull request,
#     apply on merge): apply must not take them over -- a conflict naming them, before any write,
#     even with --force -- and a rollback of that journal must not delete them. The teacher's
#     objects are compared field by field before and after.
#   - lost answers: canvas-sim's `delay` script holds the item POST (and in every other run the
#     page and module POSTs) longer than coursectl's --timeout 1, so the client gives up while the
#     simulator still makes the object. 20 runs, in 4 lanes of 5 on 4 simulators (each run waits
#     seconds on purpose; lanes keep the case short). Every run: no duplicate, and exit 0 only
#     with the exact objects. One run holds the POST beyond the look-up window (1.5 x --timeout +
#     1 s): the POST is sent again, and apply must name the possible duplicate and exit non-zero.
#   - kill -9 while a POST is held by the simulator (page, module, first item, second item), then
#     rollback -- once at once (the POST still running: rollback must wait for it), once after the
#     simulator finished it: the seed state again and exit 0, or a non-zero exit whose last line
#     names what is left. And kill then resume: the object found, not made twice, and journaled
#     as adopted with its prior state. And a rollback that cannot tell (a teacher made a page of
#     the same title while the killed run's POST was held: two match): exit 1, the last line
#     naming what is left and the command, neither page deleted.
# canvas-sim runs requests on a thread each: a delayed POST blocks nobody else.

cr_recipe() {
	cat >"$LOGDIR/recipe.yaml" <<'EOF'
version: 1
courses: [4821]
steps:
  - pages:
      where: {url: spring-office-hours}
      create: true
      set: {title: Spring office hours, published: true}
  - modules:
      ensure:
        - name: Orientation Spring 2026
          published: true
          items:
            - page: spring-office-hours
            - url: https://library.example.edu/phys
              title: Library guide
EOF
}

cr_plan() {
	cr_recipe
	cc plan --out "$LOGDIR/plan.json" "$LOGDIR/recipe.yaml" >/dev/null 2>"$LOGDIR/plan.err" ||
		fail "plan: $(cat "$LOGDIR/plan.err")"
	expect_eq 4 "$(jq '.changes | length' "$LOGDIR/plan.json")" "four creates planned"
}

# ours: the objects of the recipe in the simulator, one line (the ids left out)
ours() {
	state '.courses[] | select(.id == 4821) | {
		pages: [.pages[] | select(.title == "Spring office hours") | {title, url, published}],
		modules: [.modules[] | select(.name == "Orientation Spring 2026") | {name, published,
			items: [.items[] | {title, type, published}]}]} | tojson'
}

EXACT='{"pages":[{"title":"Spring office hours","url":"spring-office-hours","published":true}],"modules":[{"name":"Orientation Spring 2026","published":true,"items":[{"title":"Spring office hours","type":"Page","published":true},{"title":"Library guide","type":"ExternalUrl","published":true}]}]}'

settle() {
	local i
	for i in $(seq 1 300); do
		[ "$(stats .in_flight)" != 0 ] || return 0
		sleep 0.02
	done
	fail "canvas-sim still has requests in flight"
}

# ---------------------------------------------------------------- 1. no take-over

test_saved_plan_meets_a_teachers_page_and_module() {
	sim_start
	cr_plan
	# after the plan, a teacher makes a page and a module with those names (and an item in it)
	api POST /api/v1/courses/4821/pages -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "Spring office hours", "body": "<p>Mon 3-5 pm, room 204</p>", "published": true}}'
	expect_status 200
	local pid mid
	pid=$(jb .page_id)
	api POST /api/v1/courses/4821/modules -H 'Content-Type: application/json' \
		-d '{"module": {"name": "Orientation Spring 2026"}}'
	expect_status 200
	mid=$(jb .id)
	api POST "/api/v1/courses/4821/modules/$mid/items" -H 'Content-Type: application/json' \
		-d '{"module_item": {"type": "SubHeader", "title": "Read me first"}}'
	local teacher='.courses[] | select(.id == 4821) | {pages: [.pages[] | select(.title == "Spring office hours")],
		modules: [.modules[] | select(.name == "Orientation Spring 2026")]}'
	curl -s "$SIM_URL/__sim/state" | jq -S "$teacher" >"$LOGDIR/teacher.before.json"
	local since
	since=$(curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end')

	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply exited 0 over the teacher's objects"
	expect_match "conflict: course 4821, page new:1 'Spring office hours' \(create\): Canvas already has a page 'Spring office hours' \(id $pid\)" \
		"$(cat "$LOGDIR/apply.out.err")" "the page conflict names course, kind, name and id"
	expect_match "conflict: course 4821, module new:2 'Orientation Spring 2026' \(create\): Canvas already has a module 'Orientation Spring 2026' \(id $mid\).*not even with --force. Make a new plan" \
		"$(cat "$LOGDIR/apply.out.err")" "the module conflict, and what to do"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method != "GET")] | length')" \
		"no write at all"
	expect_match "^Left: .*for the 2 creates that met an object this run did not make, a new plan \(coursectl plan " \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line says a new plan, not --force, is the way on"
	[[ $(tail -n 1 "$LOGDIR/apply.out") != *"--force writes over"* ]] || fail "the last line offers --force for creates"
	# --force does not take them over either
	run force.out apply --yes --force --journal "$LOGDIR/j2.jsonl" "$LOGDIR/plan.json"
	[ "$RC" != 0 ] || fail "apply --force exited 0 over the teacher's objects"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method != "GET")] | length')" \
		"no write with --force"
	curl -s "$SIM_URL/__sim/state" | jq -S "$teacher" >"$LOGDIR/teacher.after.json"
	state_same teacher.before.json teacher.after.json "the teacher's page and module after apply"
	# rollback of those journals leaves them alone too
	run rb.out rollback --yes --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	run rb2.out rollback --yes --journal "$LOGDIR/r2.jsonl" "$LOGDIR/j2.jsonl"
	curl -s "$SIM_URL/__sim/state" | jq -S "$teacher" >"$LOGDIR/teacher.rb.json"
	state_same teacher.before.json teacher.rb.json "the teacher's page and module after rollback"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests?since=$since" | jq '[.[] | select(.method != "GET")] | length')" \
		"no write by the rollbacks"
}

# ---------------------------------------------------------------- 2. lost answers

# lane K RUNS...: one simulator; each run resets it, holds POSTs for the given milliseconds (an item
# POST always, page and module POSTs in odd runs), applies the saved plan with --timeout 1 and
# checks the objects. Writes "run rc result" lines to $LOGDIR/lane$K/results.
lane() {
	local k=$1 d n=0 got rc looks
	shift
	LOGDIR=$LOGDIR/lane$k
	mkdir -p "$LOGDIR"
	trap lib_cleanup EXIT
	sim_start
	cr_plan
	for d in "$@"; do
		n=$((n + 1))
		curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
		sim_post /__sim/script "{\"method\": \"POST\", \"path\": \"/api/v1/courses/4821/modules/*/items\",
			\"action\": \"delay\", \"delay_ms\": $d, \"count\": 1}"
		if [ $((n % 2)) = 1 ]; then
			sim_post /__sim/script "[{\"method\": \"POST\", \"path\": \"/api/v1/courses/4821/pages\",
				\"action\": \"delay\", \"delay_ms\": $d, \"count\": 1},
				{\"method\": \"POST\", \"path\": \"/api/v1/courses/4821/modules\",
				\"action\": \"delay\", \"delay_ms\": $d, \"count\": 1}]"
		fi
		rm -f "$LOGDIR/j.jsonl"
		rc=0
		cc apply --yes --timeout 1 --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json" >"$LOGDIR/run$n.out" \
			2>"$LOGDIR/run$n.err" </dev/null || rc=$?
		settle
		got=$(ours)
		looks=$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "GET" and
			(.path | test("/modules/[0-9]+/items$")))] | length')
		echo "$k.$n delay=$d rc=$rc looks=$looks $( [ "$got" = "$EXACT" ] && echo exact || echo "WRONG $got")" \
			>>"$LOGDIR/results"
	done
}

test_lost_answers_make_no_duplicate() {
	local k pids=()
	# delays above --timeout 1 (the answer is lost) but within the look-up window, and a few below
	lane 1 1500 600 1900 1200 1700 &
	pids+=($!)
	lane 2 1200 1800 1500 900 2000 &
	pids+=($!)
	lane 3 2000 1300 700 1600 1400 &
	pids+=($!)
	lane 4 1600 1100 1800 1300 1900 &
	pids+=($!)
	for k in "${pids[@]}"; do
		wait "$k" || fail "a lane failed: $(cat "$LOGDIR"/lane*/results 2>/dev/null)"
	done
	cat "$LOGDIR"/lane*/results
	expect_eq 20 "$(cat "$LOGDIR"/lane*/results | wc -l)" "runs"
	expect_eq 0 "$(grep -c WRONG "$LOGDIR"/lane*/results | awk -F: '{s += $2} END {print s}')" \
		"runs whose objects are not exactly the plan's (duplicates included)"
	expect_eq 0 "$(grep -vc ' rc=0 ' "$LOGDIR"/lane*/results | awk -F: '{s += $2} END {print s}')" \
		"runs that exited non-zero although the state is exact"
	# the answers were lost indeed: after every item POST held past --timeout, apply looked for it
	expect_eq 0 "$(awk '{split($2, d, "="); split($4, l, "="); if (d[2] >= 1200 && l[2] < 1) n++} END {print n + 0}' \
		"$LOGDIR"/lane*/results)" "runs with a held POST in which apply did not look for the item"
}

test_a_post_held_beyond_the_window_is_named_as_a_duplicate() {
	sim_start
	cr_plan
	# the first item POST takes 4 s: --timeout 1, a look-up window of 2.5 s, then a second POST
	# that is answered at once, and the first lands after it
	sim_post /__sim/script '{"method": "POST", "path": "/api/v1/courses/4821/modules/*/items",
		"action": "delay", "delay_ms": 4000, "count": 1}'
	run apply.out apply --yes --timeout 1 --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	settle
	local n ids
	n=$(state '[.courses[] | select(.id == 4821) | .modules[] | select(.name == "Orientation Spring 2026")
		| .items[] | select(.title == "Spring office hours")] | length')
	expect_eq 2 "$n" "the simulator made the item twice (the first POST landed late)"
	[ "$RC" != 0 ] || fail "apply exited 0 with a possible duplicate"
	expect_match "course 4821, module_item [0-9]+ 'Spring office hours' \(create\): a duplicate" \
		"$(cat "$LOGDIR/apply.out.err")" "the duplicate named with course, kind and name"
	ids=$(state '[.courses[] | select(.id == 4821) | .modules[] | select(.name == "Orientation Spring 2026")
		| .items[] | select(.title == "Spring office hours") | .id] | map(tostring) | join(" ")')
	local id
	id=$(jq -s -r '[.[] | select(.type == "outcome" and .seq == 3 and .state == "done")][-1].id' "$LOGDIR/j.jsonl")
	expect_match "(^| )$id( |$)" "$ids" "the journaled id is one of the two"
	expect_match "This run's is id $id" "$(cat "$LOGDIR/apply.out.err")" "the message names this run's id"
	expect_eq "Possible duplicates: 1 created object may be in Canvas twice (named above); delete the extra one by hand" \
		"$(tail -n 1 "$LOGDIR/apply.out")" "the last line"
}

# ---------------------------------------------------------------- 3. kill -9 between POST and answer

# kill_at SEQ PATH [SKIP]: start apply with POSTs to PATH held 1.2 s (after SKIP of them), kill -9 it
# while change SEQ's POST is held.
kill_at() {
	local seq=$1 path=$2 skip=${3:-0} pid i
	curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
	sim_post /__sim/script "{\"method\": \"POST\", \"path\": \"$path\", \"action\": \"delay\", \"delay_ms\": 1200,
		\"skip\": $skip, \"count\": 1}"
	rm -f "$LOGDIR/j.jsonl"
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --yes --journal "$LOGDIR/j.jsonl" --url "$SIM_URL" "$LOGDIR/plan.json" \
		>"$LOGDIR/killed.out" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 1 250); do
		if [ -s "$LOGDIR/j.jsonl" ] && jq -e -s --argjson s "$seq" \
			'[.[] | select(.type == "intent" and .seq == $s)] | length > 0' "$LOGDIR/j.jsonl" >/dev/null 2>&1 &&
			[ "$(stats .in_flight)" != 0 ]; then
			break
		fi
		sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	jq -e -s --argjson s "$seq" '[.[] | select(.seq == $s and .type == "outcome")] | length == 0' "$LOGDIR/j.jsonl" \
		>/dev/null || fail "the kill came after change $seq's answer"
}

test_kill_between_post_and_answer_then_rollback() {
	sim_start
	cr_plan
	state_snap seed.json
	local p point seq path skip wait rc
	for point in "1 /api/v1/courses/4821/pages 0" "2 /api/v1/courses/4821/modules 0" \
		"3 /api/v1/courses/4821/modules/*/items 0" "4 /api/v1/courses/4821/modules/*/items 1"; do
		for wait in now later; do
			read -r seq path skip <<<"$point"
			kill_at "$seq" "$path" "$skip"
			[ "$wait" = now ] || settle
			run rb.out rollback --yes --timeout 1 --journal "$LOGDIR/r-$seq-$wait.jsonl" "$LOGDIR/j.jsonl"
			rc=$RC
			settle
			state_snap "back-$seq-$wait.json"
			echo "kill at change $seq, rollback $wait: rc $rc: $(tail -n 1 "$LOGDIR/rb.out")" >>"$LOGDIR/points.log"
			if [ "$rc" = 0 ]; then
				state_same seed.json "back-$seq-$wait.json" "rollback (exit 0) after a kill at change $seq ($wait)"
			else
				expect_match "^Not rolled back: .*coursectl rollback" "$(tail -n 1 "$LOGDIR/rb.out")" \
					"a non-zero rollback names what is left, last"
			fi
		done
	done
	cat "$LOGDIR/points.log"
}

test_kill_between_post_and_answer_then_resume() {
	sim_start
	cr_plan
	kill_at 3 '/api/v1/courses/4821/modules/*/items'
	# resume at once: the held POST is still running; resume waits for it instead of a second POST
	run resume.out apply --resume "$LOGDIR/j.jsonl" --yes --timeout 1
	expect_eq 0 "$RC" "resume exit code ($(cat "$LOGDIR/resume.out.err"))"
	settle
	expect_eq "$EXACT" "$(ours)" "the objects, each once"
	expect_eq 1 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "POST" and
		(.path | test("/items$")))] | length - 1')" "one item POST after the held one: the other item only"
	# the adopted item: journaled with its state before resume touched it (the state Canvas
	# created it in: its published assignment's, ContextModule#add_item, issue 15)
	local id
	id=$(jq -s -r '[.[] | select(.type == "outcome" and .seq == 3)][-1].id' "$LOGDIR/j.jsonl")
	expect_eq "$id true" "$(jq -s -r '[.[] | select(.type == "intent" and .seq == 3 and .adopted)][0]
		| "\(.adopted.id) \(.adopted.live.published)"' "$LOGDIR/j.jsonl")" "the adopted record"
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/show.out" 2>&1 ||
		fail "journal show cannot read the adopted record: $(cat "$LOGDIR/show.out")"
}

test_rollback_that_cannot_tell_names_what_is_left() {
	sim_start
	cr_plan
	kill_at 1 /api/v1/courses/4821/pages
	# while the killed run's page POST is still held, a teacher makes a page of the same title
	api POST /api/v1/courses/4821/pages -H 'Content-Type: application/json' \
		-d '{"wiki_page": {"title": "Spring office hours", "body": "<p>the teacher'"'"'s</p>"}}'
	settle
	expect_eq 2 "$(state '[.courses[] | select(.id == 4821) | .pages[] | select(.title == "Spring office hours")]
		| length')" "two pages of that title"
	run rb.out rollback --yes --timeout 1 --journal "$LOGDIR/r.jsonl" "$LOGDIR/j.jsonl"
	expect_eq 1 "$RC" "rollback exit code"
	expect_match "^Not rolled back: 1 object a lost POST may have made; delete it by hand, or run \`coursectl rollback $LOGDIR/j.jsonl\` again later$" \
		"$(tail -n 1 "$LOGDIR/rb.out")" "the last line"
	expect_match "may be left in Canvas: course 4821, page 'Spring office hours' \(change 1, a create whose answer was lost\): Canvas holds 2 that match it \(ids [0-9]+, [0-9]+\)" \
		"$(cat "$LOGDIR/rb.out.err")" "what is left, named"
	expect_eq 2 "$(state '[.courses[] | select(.id == 4821) | .pages[] | select(.title == "Spring office hours")]
		| length')" "neither page deleted"
}
