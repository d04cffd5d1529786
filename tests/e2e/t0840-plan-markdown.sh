# tests/e2e/t0840-plan-markdown.sh -- `coursectl plan --format markdown` against canvas-sim (issue 8).
#
# The comment a CI job posts on a pull request. Over tests/fixtures/plan-seed.json with
# recipes/term-rollover.yaml: the summary line is the text's; the table has one row per course of
# the plan with the counts of the JSON plan; every course with changes has one <details> block,
# balanced, with every fence closed; nothing is written to Canvas (the simulator's state is the
# same after). Exit codes with --detailed-exitcode (2 with changes, 0 without) and a usage error
# for an unknown format. Server data made hostile in the seed (a title with "</details>",
# <script>, a pipe and @all; a body with a backtick fence) stays inert.

PLAN_SEED=$FIXTURES/plan-seed.json

plan() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" "$@"
}

# plan_rc OUT ARGS...: stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err; sets RC.
plan_rc() {
	local out=$1
	shift
	RC=0
	plan "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" || RC=$?
}

# md_check FILE: reads the comment as a forge does. Fences open with >= 3 backticks and close with
# a line of at least as many; outside them, <details> and </details> alternate and balance, no '<'
# is other than our tags, table rows have 10 unescaped pipes. Prints "DETAILS ROWS".
md_check() {
	awk '
	function fail(m) { print "md_check: line " NR ": " m > "/dev/stderr"; bad = 1; exit 1 }
	{
		line = $0
		match(line, /^`+/)
		bt = RSTART ? RLENGTH : 0
		if (fence) { if (bt >= fence && bt == length(line)) fence = 0; next }
		if (bt >= 3) { fence = bt; next }
		if (substr(line, 1, 1) == "|") {
			s = line; gsub(/\\\\/, "", s); gsub(/\\\|/, "", s)
			n = gsub(/\|/, "|", s)
			if (n != 10) fail("a table row with " n " pipes: " line)
			if (++intable > 2) rows++
		} else intable = 0
		s = line
		gsub(/<!-- coursectl plan -->|<summary>|<\/summary>|<b>|<\/b>/, "", s)
		while ((i = index(s, "<")) > 0) {
			t = substr(s, i)
			if (t ~ /^<details( open)?>/) { if (depth) fail("nested <details>"); depth = 1 }
			else if (t ~ /^<\/details>/) { if (!depth) fail("</details> without <details>"); depth = 0; details++ }
			else fail("raw HTML: " substr(t, 1, 40))
			s = substr(t, 2)
		}
	}
	END {
		if (bad) exit 1
		if (fence) { print "md_check: a fence is not closed" > "/dev/stderr"; exit 1 }
		if (depth) { print "md_check: a <details> is not closed" > "/dev/stderr"; exit 1 }
		print details + 0, rows + 0
	}' "$1"
}

test_markdown_term_rollover() {
	local got want cid n
	sim_start --seed "$PLAN_SEED"
	curl -s "$SIM_URL/__sim/state" | jq -S . >"$LOGDIR/state.before.json"
	plan_rc plan.md recipes/term-rollover.yaml --format markdown --out "$LOGDIR/plan.json"
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/plan.md.err"))"
	plan_rc plan.txt recipes/term-rollover.yaml --color never
	got=$(md_check "$LOGDIR/plan.md") || fail "the comment's structure: $got"
	n=$(jq '.courses | length' "$LOGDIR/plan.json")
	want="$(jq '[.changes[].course_id, .skipped[].course_id] | unique | length' "$LOGDIR/plan.json") $n"
	expect_eq "$want" "$got" "details blocks and table rows"
	expect_eq "**$(tail -n 1 "$LOGDIR/plan.txt")**" "$(grep -m1 '^\*\*Plan: ' "$LOGDIR/plan.md")" "summary line"
	for cid in $(jq -r '.courses[].id' "$LOGDIR/plan.json"); do
		want=$(jq -r --argjson c "$cid" '[.changes[] | select(.course_id == $c)] as $ch
			| "\($ch | length) | \([$ch[] | "\(.kind)/\(.id)"] | unique | length) | \([$ch[] | select(.op == "create")] | length) | \([$ch[] | select(.op == "update")] | length) | \([$ch[] | select(.op == "delete")] | length) | \([$ch[] | select(.op == "move")] | length) | \([.skipped[] | select(.course_id == $c)] | length) |"' "$LOGDIR/plan.json")
		grep -qE "^\| $cid \| .* \| $(printf '%s' "$want" | sed 's/|/\\|/g')\$" "$LOGDIR/plan.md" ||
			fail "no table row '$cid ... $want': $(grep "^| $cid " "$LOGDIR/plan.md")"
	done
	grep -qF -- '- **due\_at** Fri 2025-09-05 23:59:59 EDT → Fri 2026-01-23 23:59:59 EST' "$LOGDIR/plan.md" ||
		fail "the date of assignment 7101 in the course's zone is missing"
	grep -qF -- '-<p>Welcome to Fall 2025.</p>' "$LOGDIR/plan.md" || fail "the announcement's body diff is missing"
	grep -qF -- '+<p>Welcome to Spring 2026.</p>' "$LOGDIR/plan.md" || fail "the announcement's body diff is missing"
	grep -qF 'page '"'"'syllabus-policies'"'"' does not exist' "$LOGDIR/plan.md" || fail "the skip is missing"
	curl -s "$SIM_URL/__sim/state" | jq -S . >"$LOGDIR/state.after.json"
	cmp -s "$LOGDIR/state.before.json" "$LOGDIR/state.after.json" || fail "the simulator's state changed"
	expect_eq 0 "$(stats '.writes // 0')" "writes"
}

test_markdown_detailed_exitcode() {
	sim_start --seed "$PLAN_SEED"
	plan_rc a.md recipes/term-rollover.yaml --format markdown --detailed-exitcode
	expect_eq 2 "$RC" "exit code with changes ($(cat "$LOGDIR/a.md.err"))"
	md_check "$LOGDIR/a.md" >/dev/null || fail "the comment's structure"
	plan_rc b.md recipes/ci-template.yaml --var course=4823 --format markdown --detailed-exitcode
	expect_eq 0 "$RC" "exit code without changes ($(cat "$LOGDIR/b.md.err"))"
	grep -qxF '**Plan: no changes.**' "$LOGDIR/b.md" || fail "no 'no changes' summary: $(head -c 400 "$LOGDIR/b.md")"
	expect_eq "0 1" "$(md_check "$LOGDIR/b.md")" "no details, one table row"
	plan_rc c.md recipes/term-rollover.yaml --format markdwn
	expect_eq 64 "$RC" "exit code of an unknown format"
	grep -qF "markdown" "$LOGDIR/c.md.err" || fail "the usage error does not list markdown: $(cat "$LOGDIR/c.md.err")"
	"$COURSECTL" plan --help | grep -qF 'markdown' || fail "plan --help does not list markdown"
}

test_markdown_hostile_server_data() {
	local seed
	seed=$LOGDIR/hostile.json
	jq '(.courses[] | select(.id == 4821) | .assignments[] | select(.id == 7101)) |=
		(.name = "Lab </details><script>alert(1)</script> | @all"
		 | .description = "<p>Due in Fall 2025.</p>\n````\n</details>\n<script>alert(2)</script>\n")' \
		"$PLAN_SEED" >"$seed"
	sim_start --seed "$seed"
	plan_rc plan.md recipes/term-rollover.yaml --format markdown
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/plan.md.err"))"
	md_check "$LOGDIR/plan.md" >/dev/null || fail "the comment's structure"
	grep -qF '"Lab &lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt; \| @'$'\u2060''all"' "$LOGDIR/plan.md" ||
		fail "the hostile title is not escaped: $(grep -F 'assignment 7101' "$LOGDIR/plan.md")"
	grep -qx '`````diff' "$LOGDIR/plan.md" || fail "the fence is not longer than the body's backtick run"
	expect_eq "Lab </details><script>alert(1)</script> | @all" \
		"$(state '.courses[] | select(.id == 4821) | .assignments[] | select(.id == 7101) | .name')" \
		"the title in the simulator (plan writes nothing)"
}

# Issue 18: past a few hundred courses a table of one row per course is over GitHub's limit and the
# CI job's post fails. 900 generated courses (a table of about 55 KB on its own), planned in
# windows of 100 courses (the comment walks the spilled plan) and in one window: the same bytes,
# at most the budget (60,000), well formed; the table's rows are the plan's own counts and its
# last row totals the courses it leaves out, so rows and totals add up to the JSON plan's.
test_markdown_many_courses_within_budget() {
	local got want shown total left
	bash "$FIXTURES/gen-seed.sh" --courses 900 --assignments 2 --pages 0 --modules 1 --overrides-every 0 \
		--token "$TOKEN" >"$LOGDIR/seed.json"
	printf 'version: 1\ncourses: %s\nsteps:\n  - shift_dates: {days: 140}\n' \
		"$(jq -c '[.courses[].id]' "$LOGDIR/seed.json")" >"$LOGDIR/recipe.yaml"
	sim_start --seed "$LOGDIR/seed.json" --throttle off --outflow 1000000000
	RC=0
	COURSECTL_PLAN_WINDOW=100 plan "$LOGDIR/recipe.yaml" --format markdown --out "$LOGDIR/plan.json" \
		>"$LOGDIR/plan.md" 2>"$LOGDIR/plan.md.err" || RC=$?
	expect_eq 0 "$RC" "exit code ($(tail -n 3 "$LOGDIR/plan.md.err"))"
	plan_rc one.md "$LOGDIR/recipe.yaml" --format markdown
	cmp -s "$LOGDIR/plan.md" "$LOGDIR/one.md" || fail "windows of 100 courses give another comment than one window"
	plan_rc plan.txt "$LOGDIR/recipe.yaml" --color never
	[ "$(wc -c <"$LOGDIR/plan.md")" -le 60000 ] || fail "the comment is $(wc -c <"$LOGDIR/plan.md") bytes, over 60,000"
	got=$(md_check "$LOGDIR/plan.md") || fail "the comment's structure: $got"
	expect_eq "**$(tail -n 1 "$LOGDIR/plan.txt")**" "$(grep -m1 '^\*\*Plan: ' "$LOGDIR/plan.md")" "summary line"
	expect_match '^\*\*Plan: [0-9]+ changes to [0-9]+ objects in 900 courses' "$(grep -m1 '^\*\*Plan: ' "$LOGDIR/plan.md")" \
		"the summary counts every course"
	shown=$(sed -nE 's/^\*The table shows ([0-9]+) of the ([0-9]+) courses .*/\1 \2/p' "$LOGDIR/plan.md")
	[ -n "$shown" ] || fail "no line saying the table is shortened"
	total=${shown#* }
	shown=${shown% *}
	expect_eq 900 "$total" "courses named under the table"
	expect_eq "$((shown + 1))" "${got#* }" "table rows: the courses shown and the totals row"
	left=$(sed -nE 's/^\| … \| \*([0-9]+) more courses\* \|.*/\1/p' "$LOGDIR/plan.md")
	expect_eq "$((900 - shown))" "$left" "the courses the last row totals"
	# each course row is that course's counts in the plan; the first ones in recipe order
	jq -r '.changes as $ch | .skipped as $sk | .courses[] | .id as $c
		| [$ch[] | select(.course_id == $c)] as $m
		| "\($c) \($m | length) \([$m[] | "\(.kind)/\(.id)"] | unique | length) \([$m[] | select(.op == "create")] | length) \([$m[] | select(.op == "update")] | length) \([$m[] | select(.op == "delete")] | length) \([$m[] | select(.op == "move")] | length) \([$sk[] | select(.course_id == $c)] | length)"' \
		"$LOGDIR/plan.json" >"$LOGDIR/want-rows"
	awk -F' \\| ' '/^\| [0-9]+ \|/ { sub(/^\| /, "", $1); sub(/ \|$/, "", $9); print $1, $3, $4, $5, $6, $7, $8, $9 }' \
		"$LOGDIR/plan.md" >"$LOGDIR/got-rows"
	expect_eq "$shown" "$(wc -l <"$LOGDIR/got-rows")" "course rows"
	head -n "$shown" "$LOGDIR/want-rows" | cmp -s - "$LOGDIR/got-rows" ||
		fail "the rows are not the first courses' counts: $(head -n "$shown" "$LOGDIR/want-rows" | diff - "$LOGDIR/got-rows" | head -5)"
	# the shown rows plus the totals row add up to the plan
	want=$(awk '{ for (i = 2; i <= 8; i++) s[i] += $i } END { for (i = 2; i <= 8; i++) printf "%d ", s[i] }' "$LOGDIR/want-rows")
	got=$({ cat "$LOGDIR/got-rows"; sed -nE 's/^\| … \| \*[0-9]+ more courses\* \| (.*) \|$/x \1/p' "$LOGDIR/plan.md" |
		tr -d '|' | tr -s ' '; } | awk '{ for (i = 2; i <= 8; i++) s[i] += $i } END { for (i = 2; i <= 8; i++) printf "%d ", s[i] }')
	expect_eq "$want" "$got" "rows and totals row against the plan's counts"
	grep -qF '*The full plan: `coursectl plan --format text`, or the plan file saved with `--out`.*' "$LOGDIR/plan.md" ||
		fail "the details do not point to the full plan"
	grep -q '^<details><summary><b>Course 1001</b>' "$LOGDIR/plan.md" || fail "the first course's details are missing"
	expect_eq 0 "$(stats '.writes // 0')" "writes"
}
