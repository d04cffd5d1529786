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
