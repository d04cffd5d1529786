# tests/e2e/t0962-sim-arena.sh -- canvas-sim's list pages are the same bytes with and without its
# arena (tests/sim/sim_arena.c, issue 18).
#
# A page of a rendered list (assignments, pages, discussion topics, announcements, quizzes) is
# rendered into a cJSON tree in a per-thread arena and dropped with it; CANVAS_SIM_ARENA=0 turns
# the arena off (cJSON's malloc and free, every tree freed by cJSON_Delete). Each case reads every
# list of every course of a seed, page by page (per_page=2, following the Link header's next; with
# the lists' includes, under both id forms: Accept: application/json+canvas-string-ids and plain),
# once from a simulator with the arena and once from one without, and compares the status lines,
# Link headers and bodies byte for byte. Seeds: every seed under tests/fixtures/, and a seed of
# edge cases (unicode, quotes, backslashes, control characters, long bodies that are borrowed,
# nulls, empty lists and strings, ids past 2^53 as strings, an assignment with overrides).
#
# The Host header is fixed (canvas.test) so that the urls the answers hold are the same for both.

# list_paths COURSE: the list reads of one course, one per line.
list_paths() {
	local c=$1
	printf '%s\n' \
		"/api/v1/courses/$c/assignments?include[]=overrides&include[]=all_dates&include[]=checkpoints&override_assignment_dates=false&per_page=2" \
		"/api/v1/courses/$c/assignments?per_page=2" \
		"/api/v1/courses/$c/pages?include[]=body&per_page=2" \
		"/api/v1/courses/$c/pages?sort=title&per_page=2" \
		"/api/v1/courses/$c/discussion_topics?per_page=2" \
		"/api/v1/courses/$c/discussion_topics?only_announcements=true&per_page=2" \
		"/api/v1/courses/$c/quizzes?per_page=2" \
		"/api/v1/courses/$c/modules?include[]=items&per_page=2"
}

# read_lists SEED OUT: start canvas-sim on SEED (with the environment as it is) and append every
# list page of every course to OUT: "== PATH ACCEPT", the status, the Link header, the body.
read_lists() {
	local seed=$1 out=$2 c path acc next n h=()
	sim_start --seed "$seed"
	for c in $(curl -s "$SIM_URL/__sim/state" | jq -r '.courses[].id'); do
		while read -r path; do
			for acc in string-ids plain; do
				h=(-H 'Host: canvas.test')
				[ "$acc" = plain ] || h+=(-H 'Accept: application/json+canvas-string-ids')
				next=$path
				for n in $(seq 1 200); do
					api GET "$next" "${h[@]}"
					{
						echo "== $next $acc"
						echo "$STATUS"
						header Link
						cat "$LOGDIR/body"
						echo
					} >>"$out"
					next=$(header Link | tr ',' '\n' | grep 'rel="next"' | sed 's/^ *<http[s]*:\/\/[^/]*\([^>]*\)>.*/\1/' || true)
					if [ -z "$next" ] || [ "$STATUS" != 200 ]; then
						break
					fi
				done
			done
		done < <(list_paths "$c")
	done
	sim_stop
}

# compare SEED: the lists with the arena and without, the same bytes; at least one page was read.
compare() {
	local seed=$1 name
	name=$(basename "$seed" .json)
	: >"$LOGDIR/$name.arena"
	: >"$LOGDIR/$name.plain"
	read_lists "$seed" "$LOGDIR/$name.arena"
	export CANVAS_SIM_ARENA=0
	read_lists "$seed" "$LOGDIR/$name.plain"
	unset CANVAS_SIM_ARENA
	[ "$(grep -c '^== ' "$LOGDIR/$name.arena")" -gt 0 ] || fail "$name: nothing read"
	cmp -s "$LOGDIR/$name.arena" "$LOGDIR/$name.plain" ||
		fail "$name: the answers differ with and without the arena: $(diff "$LOGDIR/$name.arena" "$LOGDIR/$name.plain" | head -n 5)"
}

test_fixture_seeds_same_bytes() {
	local f n=0
	for f in "$FIXTURES"/*.json; do
		jq -e '.courses | length > 0' "$f" >/dev/null 2>&1 || continue
		compare "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 5 ] || fail "only $n fixture seeds compared"
}

test_edge_cases_same_bytes() {
	local seed long
	long=$(printf 'caf\\u00e9 \\"q\\" \\\\ \\t\\n\\u0001\\u001f \\u65e5\\u672c \\ud83d\\ude00 %.0s' $(seq 1 40))
	seed=$(seed_with "
		.courses[0].assignments += [
			{id: 90001, name: \"Caf\u00e9 \\\"quoted\\\" back\\\\slash \u0001\u001f tab\tnl\n \ud83d\ude00\",
			 description: \"$long\", due_at: null, unlock_at: null, lock_at: null, points_possible: 2.5,
			 submission_types: [], published: true,
			 overrides: [{id: 7001, title: \"Caf\u00e9\", student_ids: [1, 2], due_at: \"2026-01-05T06:59:59Z\"}]},
			{id: 90002, name: \"\", description: null, points_possible: null, published: false}]
		| .courses[0].pages += [
			{page_id: 90003, url: \"unicode-page\", title: \"\u00c9t\u00e9 \\\"notes\\\"\", body: \"$long\", published: true},
			{page_id: 90004, url: \"null-body\", title: \"Null body\", body: null, published: true, publish_at: null}]
		| .courses[0].discussion_topics += [{id: 90005, title: \"T\u00f6pic \\\\ \u0002\", message: \"$long\", published: true}]
		| .courses[0].quizzes += [{id: 90006, title: \"Qu\u00efz\", description: \"\", published: true, due_at: null}]
		| .courses[0].modules += [{id: 90007, name: \"Empty \u00e9\", position: 9, items: []}]")
	compare "$seed"
	seed=$(jq '.tokens += ["test-token-1"]' "$FIXTURES/string-ids-seed.json" >"$LOGDIR/big-ids.json" && echo "$LOGDIR/big-ids.json")
	jq -e '[.. | strings | select(test("^[0-9]{17,}$"))] | length > 0' "$seed" >/dev/null ||
		fail "the string-ids seed holds no id past 2^53"
	compare "$seed"
}
