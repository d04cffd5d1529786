# tests/e2e/t0933-item-moves.sh -- module items moved between modules land exactly where the plan says
# (issue 13, case 5), forward, on a second apply, after an interruption, and back on rollback.
#
# Before: an item moved to another module at the same position number got no position change in the
# plan, was PUT with module_item[module_id] alone and landed last in its new module (Canvas appends
# an item moved without a position: context_module_items_api_controller.rb `update`); apply reported
# "2 failed", rollback "7 failed", and resume or rollback never converged. Now a move carries its
# place in the new module, and the writes run in an order that gives the planned order in both
# modules (runner/exec.c, design comment 5).
#
# Seed: tests/fixtures/small-seed.json, course 4821: module 804 "Week 1" holds 12040 (header),
# 12041 (page syllabus-policies), 12042 (assignment Problem Set 1); module 805 "Week 3" holds 12045
# (page), 12046 (assignment Lab 3), 12047 (external URL), 12048 (quiz), 12049 (discussion). Recipes
# move items with `ensure` (docs/recipes.md "## `modules`": an item of the same content in another
# module is moved, not created). The cases: the same position number in the other module; to the
# end; to the front; several items from one module to another; a move plus a reorder in the target;
# a swap, an item each way between two modules; items each way around items that stay. Each: apply gives exactly the planned item ids
# per module in position order and exit 0; a second apply writes nothing; rollback gives the seed
# (the whole normalised state) and exit 0. Interruptions, on two of the cases: every item PUT from
# the k-th on refused (a scripted 400, for every k), then `apply --resume` (planned order) or
# `rollback` of the interrupted journal (seed order); and kill -9 with the k-th item PUT in flight.
# canvas-sim's own model of a move with a position (insert there, both modules renumbered) is
# checked first, so these cases test coursectl and not a simulator that agrees with it by accident.

C=/api/v1/courses/4821

# The items of modules 804, 805 and 806 by position: "804:12040,12041,12042 805:... 806:".
order() {
	curl -s "$SIM_URL/__sim/state" | jq -r '[.courses[] | select(.id == 4821) | .modules[]
		| "\(.id):\([.items | sort_by(.position)[] | .id] | map(tostring) | join(","))"] | join(" ")'
}

SEED_ORDER="804:12040,12041,12042 805:12045,12046,12047,12048,12049 806:"

writes_since() {
	curl -s "$SIM_URL/__sim/requests?since=$1" | jq '[.[] | select(.method != "GET")] | length'
}

last_seq() {
	curl -s "$SIM_URL/__sim/requests" | jq 'if length > 0 then .[-1].seq + 1 else 0 end'
}

# recipe NAME WEEK1_ITEMS [WEEK3_ITEMS]: a recipe ensuring module 804's items (and 805's) in order;
# items are YAML flow mappings separated by ';'.
recipe() {
	local f=$LOGDIR/$1.yaml
	{
		printf 'version: 1\ncourses: [4821]\nsteps:\n  - name: %s\n    modules:\n      ensure:\n' "$1"
		printf '        - name: "Week 1: Units and Measurement"\n          items:\n'
		echo "$2" | tr ';' '\n' | sed 's/^ *//; /^$/d; s/^/            - /'
		if [ -n "${3:-}" ]; then
			printf '        - name: "Week 3: Motion in One Dimension"\n          items:\n'
			echo "$3" | tr ';' '\n' | sed 's/^ *//; /^$/d; s/^/            - /'
		fi
	} >"$f"
	echo "$f"
}

H='{header: Week 1 overview}'
SYL='{page: syllabus-policies}'
PS1='{assignment: Problem Set 1}'
LAB='{assignment: "Lab 3: Kinematics"}'
QUIZ='{quiz: Quiz 2}'
READ='{page: reading-kinematics-notes}'
PHET='{url: "https://phet.colorado.edu/en/simulations/moving-man", title: PhET simulation}'
DISC='{discussion: "Week 4 discussion: reference frames"}'

# round_trip RECIPE WANT: apply (planned order, exit 0), apply again (no write), rollback (seed).
round_trip() {
	local r=$1 want=$2 since n
	n=$(basename "$r" .yaml)
	state_snap seed.json
	run $n.apply.out apply --yes --journal "$LOGDIR/$n.j.jsonl" "$r"
	expect_eq 0 "$RC" "apply exit code ($(tail -n 3 "$LOGDIR/$n.apply.out.err"))"
	expect_match '; 0 failed; 0 conflicts$' "$(tail -n 1 "$LOGDIR/$n.apply.out")" "apply summary"
	expect_eq "$want" "$(order)" "the items after apply"
	since=$(last_seq)
	run $n.again.out apply --yes --journal "$LOGDIR/$n.j2.jsonl" "$r"
	expect_eq 0 "$RC" "second apply exit code ($(tail -n 3 "$LOGDIR/$n.again.out.err"))"
	expect_eq 0 "$(writes_since "$since")" "writes of the second apply"
	expect_eq "$want" "$(order)" "the items after the second apply"
	run $n.rb.out rollback --yes --journal "$LOGDIR/$n.r.jsonl" "$LOGDIR/$n.j.jsonl"
	expect_eq 0 "$RC" "rollback exit code ($(tail -n 3 "$LOGDIR/$n.rb.out.err"))"
	expect_match '; 0 failed; 0 conflicts$' "$(tail -n 1 "$LOGDIR/$n.rb.out")" "rollback summary"
	expect_eq "$SEED_ORDER" "$(order)" "the items after rollback"
	state_snap back.json
	state_same seed.json back.json "apply + rollback"
}

test_sim_move_with_position_inserts_there() {
	sim_start
	# module_item[module_id] and [position] in one PUT: out of 805 (renumbered), into 804 at 2
	api PUT "$C/modules/805/items/12046" -d 'module_item[module_id]=804' -d 'module_item[position]=2'
	expect_status 200
	expect_eq "804 2" "$(jb '"\(.module_id) \(.position)"')" "the answer"
	expect_eq "804:12040,12046,12041,12042 805:12045,12047,12048,12049 806:" "$(order)" "both modules"
	expect_eq "1,2,3,4 1,2,3,4" "$(state '[.courses[0].modules[0,1] | [.items[].position | tostring] | join(",")]
		| join(" ")')" "positions dense"
	# without a position: last (the controller's remove_from_list and the save in the new module)
	api PUT "$C/modules/804/items/12046" -d 'module_item[module_id]=805'
	expect_eq "805 5" "$(jb '"\(.module_id) \(.position)"')" "appended"
	# to the front of an empty module, and past the end of a module: last
	api PUT "$C/modules/805/items/12046" -d 'module_item[module_id]=806' -d 'module_item[position]=1'
	expect_eq "806 1" "$(jb '"\(.module_id) \(.position)"')" "into an empty module"
	api PUT "$C/modules/806/items/12046" -d 'module_item[module_id]=804' -d 'module_item[position]=9'
	expect_eq "804 4" "$(jb '"\(.module_id) \(.position)"')" "past the end"
}

test_same_position_number_in_the_other_module() {
	sim_start
	local r
	r=$(recipe same "$H; $LAB; $SYL; $PS1")
	run plan.out plan --format json "$r"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	expect_eq '805>804 2>2' "$(jq -r '[.changes[] | select(.id == 12046)] |
		"\(.[] | select(.field == "module_id") | "\(.before)>\(.after)") \(.[] | select(.field == "position")
		| "\(.before)>\(.after)")"' "$LOGDIR/plan.out")" "the move carries its place in module 804"
	round_trip "$r" "804:12040,12046,12041,12042 805:12045,12047,12048,12049 806:"
}

test_move_to_the_end() {
	sim_start
	# 4th of 805 to the end of 804, the 4th place there too: the way back must say 4, not append
	round_trip "$(recipe end "$H; $SYL; $PS1; $QUIZ")" \
		"804:12040,12041,12042,12048 805:12045,12046,12047,12049 806:"
	round_trip "$(recipe end2 "$H; $SYL; $PS1; $LAB")" \
		"804:12040,12041,12042,12046 805:12045,12047,12048,12049 806:"
}

test_move_to_the_front() {
	sim_start
	# first of 805 to the front of 804
	round_trip "$(recipe front "$READ; $H; $SYL; $PS1")" \
		"804:12045,12040,12041,12042 805:12046,12047,12048,12049 806:"
	round_trip "$(recipe front2 "$LAB; $H; $SYL; $PS1")" \
		"804:12046,12040,12041,12042 805:12045,12047,12048,12049 806:"
}

test_several_items_from_one_module_to_another() {
	sim_start
	round_trip "$(recipe several "$H; $LAB; $SYL; $QUIZ; $PS1")" \
		"804:12040,12046,12041,12048,12042 805:12045,12047,12049 806:"
}

test_move_plus_reorder_in_the_target() {
	sim_start
	round_trip "$(recipe reorder "$SYL; $LAB; $H; $PS1")" \
		"804:12041,12046,12040,12042 805:12045,12047,12048,12049 806:"
	round_trip "$(recipe reorder2 "$LAB; $PS1; $H; $SYL")" \
		"804:12046,12042,12040,12041 805:12045,12047,12048,12049 806:"
}

test_swap_between_two_modules() {
	sim_start
	round_trip "$(recipe swap "$H; $LAB; $SYL" "$READ; $PS1; $PHET; $QUIZ; $DISC")" \
		"804:12040,12046,12041 805:12045,12042,12047,12048,12049 806:"
}

# Items each way around items that keep their place: 804's syllabus page to the front of 805, 805's
# Lab 3 and Quiz 2 into 804 (2nd and 4th; Problem Set 1 stays 3rd). Written module by module, the
# page still sat in 804 when Quiz 2 went in at 4th, and left it one place off.
test_moves_each_way_around_items_that_stay() {
	sim_start
	round_trip "$(recipe around "$H; $LAB; $PS1; $QUIZ" "$SYL; $READ; $PHET; $DISC")" \
		"804:12040,12046,12042,12048 805:12041,12045,12047,12049 806:"
}

# refuse_from K: from the K-th item PUT on, every item PUT is refused (400) until disarmed
refuse_from() {
	sim_post /__sim/script "{\"method\": \"PUT\", \"path\": \"$C/modules/*/items/*\", \"skip\": $1,
		\"count\": -1, \"action\": \"respond\", \"status\": 400, \"body\": {\"message\": \"scripted\"}}"
}

# interrupted RECIPE WANT: for every k, the item PUTs from the k-th on refused; then resume (even k
# and the last) or rollback (odd k) must converge, with exit 0, on the planned or the seed order.
interrupted() {
	local r=$1 want=$2 k n puts
	sim_start
	run full.out apply --yes --journal "$LOGDIR/full.jsonl" "$r"
	expect_eq 0 "$RC" "uninterrupted apply ($(tail -n 3 "$LOGDIR/full.out.err"))"
	puts=$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT")] | length')
	expect_match '^([3-9]|[1-9][0-9])$' "$puts" "item PUTs of the uninterrupted apply"
	for ((k = 0; k < puts; k++)); do
		curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
		refuse_from "$k"
		run i$k.out apply --yes --journal "$LOGDIR/i$k.jsonl" "$r"
		expect_eq 1 "$RC" "point $k: the refused apply's exit code"
		curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
		if ((k % 2 == 0)); then
			run r$k.out apply --yes --resume "$LOGDIR/i$k.jsonl"
			expect_eq 0 "$RC" "point $k: resume ($(tail -n 3 "$LOGDIR/r$k.out.err"))"
			expect_eq "$want" "$(order)" "point $k: the items after resume"
			n=r$k
		else
			run b$k.out rollback --yes --journal "$LOGDIR/b$k.jsonl" "$LOGDIR/i$k.jsonl"
			expect_eq 0 "$RC" "point $k: rollback ($(tail -n 3 "$LOGDIR/b$k.out.err"))"
			expect_eq "$SEED_ORDER" "$(order)" "point $k: the items after rollback"
			n=b$k
		fi
		# and the run that finished can be rolled back (or re-applied) to an exact order too
		if ((k % 2 == 0)); then
			run rr$k.out rollback --yes --journal "$LOGDIR/rr$k.jsonl" "$LOGDIR/i$k.jsonl"
			expect_eq 0 "$RC" "point $k: rollback after resume ($(tail -n 3 "$LOGDIR/rr$k.out.err"))"
			expect_eq "$SEED_ORDER" "$(order)" "point $k: the items after resume + rollback"
		fi
		: "$n"
	done
}

test_refused_midway_then_resume_or_rollback_several() {
	interrupted "$(recipe several "$H; $LAB; $SYL; $QUIZ; $PS1")" \
		"804:12040,12046,12041,12048,12042 805:12045,12047,12049 806:"
}

test_refused_midway_then_resume_or_rollback_swap() {
	interrupted "$(recipe swap "$H; $LAB; $SYL" "$READ; $PS1; $PHET; $QUIZ; $DISC")" \
		"804:12040,12046,12041 805:12045,12042,12047,12048,12049 806:"
}

# kill -9 while the k-th item PUT is in flight (the simulator holds it 400 ms), then resume.
test_kill_with_a_move_in_flight_then_resume() {
	sim_start
	local r want k puts pid i
	r=$(recipe several "$H; $LAB; $SYL; $QUIZ; $PS1")
	want="804:12040,12046,12041,12048,12042 805:12045,12047,12049 806:"
	run full.out apply --yes --journal "$LOGDIR/full.jsonl" "$r"
	expect_eq 0 "$RC" "uninterrupted apply ($(tail -n 3 "$LOGDIR/full.out.err"))"
	puts=$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method == "PUT")] | length')
	for ((k = 0; k < puts; k++)); do
		curl -s -X POST "$SIM_URL/__sim/reset" >/dev/null
		sim_post /__sim/script "{\"method\": \"PUT\", \"path\": \"$C/modules/*/items/*\", \"skip\": $k,
			\"action\": \"delay\", \"delay_ms\": 400}"
		CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --yes --journal "$LOGDIR/k$k.jsonl" "$r" \
			--url "$SIM_URL" >"$LOGDIR/k$k.out" 2>&1 </dev/null &
		pid=$!
		for ((i = 0; i < 200; i++)); do
			[ "$(stats '.in_flight')" -gt 0 ] 2>/dev/null &&
				[ "$(curl -s "$SIM_URL/__sim/script" | jq length)" = 0 ] && break
			sleep 0.01
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		for ((i = 0; i < 200; i++)); do
			[ "$(stats '.in_flight')" = 0 ] && break
			sleep 0.01
		done
		# the kill landed with the move's request in flight: its intent has no outcome, no footer
		expect_eq "0 1" "$(jq -rs '"\([.[] | select(.type == "footer")] | length) \(([.[] | select(.type ==
			"intent") | .seq] - [.[] | select(.type == "outcome") | .seq]) | length | if . > 0 then 1
			else 0 end)"' "$LOGDIR/k$k.jsonl")" "point $k: the killed run's journal"
		run r$k.out apply --yes --resume "$LOGDIR/k$k.jsonl"
		expect_eq 0 "$RC" "point $k: resume after kill -9 ($(tail -n 3 "$LOGDIR/r$k.out.err"))"
		expect_eq "$want" "$(order)" "point $k: the items after resume"
		run b$k.out rollback --yes --journal "$LOGDIR/b$k.jsonl" "$LOGDIR/k$k.jsonl"
		expect_eq 0 "$RC" "point $k: rollback ($(tail -n 3 "$LOGDIR/b$k.out.err"))"
		expect_eq "$SEED_ORDER" "$(order)" "point $k: the items after rollback"
	done
}
