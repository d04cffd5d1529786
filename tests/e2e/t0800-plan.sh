# tests/e2e/t0800-plan.sh -- `coursectl plan` against canvas-sim (issue 5).
#
# The seed is tests/fixtures/plan-seed.json: courses 4821, 4822, 4823 (fix-links.yaml's), 4824
# (sis_course_id PHYS101-S26-02, term-rollover.yaml's second course) and 4830 (sis_course_id
# PHYS105-U26, modules-publish-weekly.yaml's), written so that every step of the recipes in
# recipes/ has something to change, something to leave alone and, for fix-links, one
# Blueprint-locked page to skip. The plans the recipes must produce over it are in
# tests/e2e/expected/<recipe>.json, written from the recipes and the seed (not from coursectl's
# output). They are compared field by field after normalising:
#   - created_at, base_url, recipe (the path), recipe_sha256, changes_sha256 and tool are removed
#     (checked apart: base_url is the simulator's, recipe_sha256 the file's, created_at an ISO 8601
#     UTC instant, changes_sha256 recomputed as docs/plan-format.md "The digest" says, with jq);
#   - seq is removed and both change lists are sorted by (course, kind, id, field, op), skipped by
#     (course, kind, id, field, step): the order of objects follows the order steps visit them,
#     which is not part of the contract; seq is checked to be 1..n in the output's order.
# Cases: the recipes' plans; no write (stats, request log, state unchanged); only the needed lists
# fetched; exit codes (0/2 with --detailed-exitcode, 1 recipe error or unknown course, 3 bad token,
# 64 usage); --out (mode 600 over an existing 644 file, no token, same JSON as
# stdout); --format html (self-contained, escaped); text (summary line, colour rules, escape
# sequences from the server neutralised); a where that matches nothing (a warning per step and
# course, issue 16); two steps on one body.

PLAN_SEED=$FIXTURES/plan-seed.json
# The summary line of an empty plan (render_text.c: "Plan: no changes." rather than "0 changes to 0
# objects in 0 courses").
NO_CHANGES='^Plan: no changes\.?$'
EXPECTED=$ROOT/tests/e2e/expected

# jq: the plan without what differs from run to run, changes and skips in a canonical order.
NORM='del(.created_at, .base_url, .recipe, .recipe_sha256, .changes_sha256, .tool)
  | .changes |= (map(del(.seq)) | sort_by([(.course_id | tostring), .kind, (.id | tostring), (.field // ""), .op]))
  | .skipped |= sort_by([(.course_id | tostring), .kind, (.id | tostring), (.field // ""), .step])'

plan() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" "$@"
}

# plan_rc OUT ARGS...: run plan with stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err; sets RC.
plan_rc() {
	local out=$1
	shift
	RC=0
	plan "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" || RC=$?
}

# plan_seed_with JQ_PROGRAM: a variant of plan-seed.json in $LOGDIR; prints its path.
plan_seed_with() {
	local out=$LOGDIR/seed.$RANDOM.json
	jq "$1" "$PLAN_SEED" >"$out"
	echo "$out"
}

# recipe NAME <<EOF: write a recipe into $LOGDIR/NAME.yaml; prints its path.
recipe() {
	cat >"$LOGDIR/$1.yaml"
	echo "$LOGDIR/$1.yaml"
}

# requests: "METHOD PATH" of every API request so far, one a line.
requests() {
	curl -s "$SIM_URL/__sim/requests" | jq -r '.[] | "\(.method) \(.path)"'
}

# check_plan GOT.json RECIPE EXPECTED.json: metadata and the normalised plan, field by field.
check_plan() {
	local got=$1 rcp=$2 want=$3 sha
	jq -e . "$got" >/dev/null || fail "the plan is not JSON: $(head -c 300 "$got")"
	expect_eq coursectl-plan "$(jq -r .format "$got")" format
	expect_eq 1 "$(jq -r .version "$got")" version
	expect_eq "$rcp" "$(jq -r .recipe "$got")" recipe
	sha=$(sha256sum "$rcp" | cut -d' ' -f1)
	expect_eq "$sha" "$(jq -r .recipe_sha256 "$got")" recipe_sha256
	expect_eq "$SIM_URL" "$(jq -r .base_url "$got" | sed 's,/$,,')" base_url
	expect_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' "$(jq -r .created_at "$got")" created_at
	expect_match '^coursectl [0-9]' "$(jq -r .tool "$got")" tool
	expect_eq true "$(jq '[.changes[].seq] == [range(1; (.changes | length) + 1)]' "$got")" 'seq is 1..n'
	expect_eq "$(jq -jcS '{changes, recipe_sha256, recipe_steps}' "$got" | sha256sum | cut -d' ' -f1)" \
		"$(jq -r .changes_sha256 "$got")" "changes_sha256 (recomputed with jq)"
	jq -S "$NORM" "$want" >"$LOGDIR/want.norm.json"
	jq -S "$NORM" "$got" >"$LOGDIR/got.norm.json"
	if ! diff -u "$LOGDIR/want.norm.json" "$LOGDIR/got.norm.json" >"$LOGDIR/plan.diff"; then
		cat "$LOGDIR/plan.diff" >&2
		fail "the plan of $rcp differs from $want (- expected, + coursectl)"
	fi
}

# ---------------------------------------------------------------- the recipes' plans

test_fix_links_plan() {
	sim_start --seed "$PLAN_SEED"
	plan_rc plan.json recipes/fix-links.yaml --format json
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/plan.json.err"))"
	check_plan "$LOGDIR/plan.json" recipes/fix-links.yaml "$EXPECTED/fix-links.json"
	grep -qE 'planned in [0-9.]+ s' "$LOGDIR/plan.json.err" || fail "no timing note: $(cat "$LOGDIR/plan.json.err")"
}

test_preview_only_plan() {
	sim_start --seed "$PLAN_SEED"
	plan_rc plan.json recipes/preview-only.yaml --course 4821 --course 4822 --format json
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/plan.json.err"))"
	check_plan "$LOGDIR/plan.json" recipes/preview-only.yaml "$EXPECTED/preview-only.json"
}

test_modules_publish_weekly_plan() {
	sim_start --seed "$PLAN_SEED"
	plan_rc plan.json recipes/modules-publish-weekly.yaml --format json
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/plan.json.err"))"
	check_plan "$LOGDIR/plan.json" recipes/modules-publish-weekly.yaml "$EXPECTED/modules-publish-weekly.json"
}

# shift_dates (America/Denver, weekdays mon->tue and wed->thu, a spring-break blackout, a time in
# the spring-forward gap, overrides, a graded quiz whose dates live on its assignment), modules,
# pages and replace_text over 4821 and the course named by its SIS id.
test_term_rollover_plan() {
	sim_start --seed "$PLAN_SEED"
	plan_rc plan.json recipes/term-rollover.yaml --format json
	expect_eq 0 "$RC" "exit code (stderr: $(cat "$LOGDIR/plan.json.err"))"
	check_plan "$LOGDIR/plan.json" recipes/term-rollover.yaml "$EXPECTED/term-rollover.json"
}

# The CI template: --var picks the course; seconds: drop; the course's own zone.
test_ci_template_plan() {
	sim_start --seed "$PLAN_SEED"
	plan_rc plan.json recipes/ci-template.yaml --var course=4821 --format json --detailed-exitcode
	expect_eq 2 "$RC" "exit code (stderr: $(cat "$LOGDIR/plan.json.err"))"
	check_plan "$LOGDIR/plan.json" recipes/ci-template.yaml "$EXPECTED/ci-template.json"
	plan_rc none.json recipes/ci-template.yaml --var course=4823 --format json --detailed-exitcode
	expect_eq 0 "$RC" "a course without dates or the old term's name (stderr: $(cat "$LOGDIR/none.json.err"))"
}

# ---------------------------------------------------------------- read only, and only what is needed

test_plan_sends_no_write() {
	sim_start --seed "$PLAN_SEED"
	curl -s "$SIM_URL/__sim/state" >"$LOGDIR/state.before.json"
	plan_rc a recipes/fix-links.yaml --detailed-exitcode --out "$LOGDIR/a.plan.json"
	expect_eq 2 "$RC" "fix-links exit code ($(cat "$LOGDIR/a.err"))"
	plan_rc b recipes/preview-only.yaml --course 4821 --course 4822 --course 4823 --course 4830
	expect_eq 0 "$RC" "preview-only exit code ($(cat "$LOGDIR/b.err"))"
	plan_rc c recipes/modules-publish-weekly.yaml --format html
	expect_eq 0 "$RC" "modules-publish-weekly exit code ($(cat "$LOGDIR/c.err"))"
	curl -s "$SIM_URL/__sim/state" >"$LOGDIR/state.after.json"
	expect_match '^[1-9][0-9]*$' "$(stats .total_requests)" "requests sent"
	expect_eq 0 "$(stats '.writes // 0')" "writes"
	expect_eq '["GET"]' "$(stats '.by_method | keys' | jq -c .)" "methods used"
	expect_eq "" "$(requests | grep -v '^GET ' || true)" "non-GET requests"
	cmp -s <(jq -S . "$LOGDIR/state.before.json") <(jq -S . "$LOGDIR/state.after.json") ||
		fail "the simulator's state changed: $(diff <(jq -S . "$LOGDIR/state.before.json") \
			<(jq -S . "$LOGDIR/state.after.json") | head -20)"
}

test_fetches_only_needed_lists() {
	local r
	sim_start --seed "$PLAN_SEED"
	# replace_text over every text kind: no modules, no calendar events
	plan_rc a recipes/fix-links.yaml --course 4821
	expect_eq 0 "$RC" "fix-links ($(cat "$LOGDIR/a.err"))"
	requests | sort -u >"$LOGDIR/req.a"
	for p in assignments quizzes discussion_topics pages; do
		grep -q "^GET /api/v1/courses/4821/$p\$" "$LOGDIR/req.a" || fail "fix-links did not list $p: $(cat "$LOGDIR/req.a")"
	done
	! grep -qE 'modules|calendar_events' "$LOGDIR/req.a" || fail "fix-links fetched more than it needs: $(cat "$LOGDIR/req.a")"
	# a pages step alone: the course and its pages, nothing else
	sim_post /__sim/reset '{}'
	r=$(recipe pages-only <<'EOF'
version: 1
courses: [4821]
steps:
  - name: Tutoring
    pages:
      where: {title: '^Resources'}
      replace: [{pattern: 'tutoring center', with: 'Learning Commons', flags: i}]
EOF
)
	plan_rc b "$r"
	expect_eq 0 "$RC" "pages-only ($(cat "$LOGDIR/b.err"))"
	expect_eq "GET /api/v1/courses/4821
GET /api/v1/courses/4821/pages" "$(requests | sort -u)" "requests of a pages-only recipe"
	# replace_text on the syllabus alone: the course object carries it
	sim_post /__sim/reset '{}'
	r=$(recipe syllabus-only <<'EOF'
version: 1
courses: [4821]
steps:
  - replace_text: {in: [syllabus], pattern: 'Fall 2025', with: 'Spring 2026', literal: true}
EOF
)
	plan_rc c "$r" --format json
	expect_eq 0 "$RC" "syllabus-only ($(cat "$LOGDIR/c.err"))"
	expect_eq "GET /api/v1/courses/4821" "$(requests | sort -u)" "requests of a syllabus-only recipe"
	expect_eq '[["course",4821,"syllabus_body"]]' "$(jq -c '[.changes[] | [.kind, .id, .field]]' "$LOGDIR/c")" \
		"the syllabus change"
	# a modules recipe never lists calendar events
	sim_post /__sim/reset '{}'
	plan_rc d recipes/modules-publish-weekly.yaml
	expect_eq 0 "$RC" "modules-publish-weekly ($(cat "$LOGDIR/d.err"))"
	requests | grep -q '/modules$' || fail "no modules list: $(requests)"
	! requests | grep -q calendar_events || fail "a modules recipe listed calendar events: $(requests)"
}

# ---------------------------------------------------------------- exit codes

test_detailed_exitcode() {
	local r
	sim_start --seed "$PLAN_SEED"
	plan_rc a recipes/fix-links.yaml --detailed-exitcode
	expect_eq 2 "$RC" "changes present ($(cat "$LOGDIR/a.err"))"
	plan_rc b recipes/fix-links.yaml
	expect_eq 0 "$RC" "changes present, without --detailed-exitcode"
	plan_rc c recipes/fix-links.yaml --course 4823 --detailed-exitcode
	expect_eq 0 "$RC" "course 4823 has nothing to fix ($(cat "$LOGDIR/c.err"))"
	# its Resources page step selects nothing there: a warning (issue 16), not a change
	expect_match '^Plan: no changes \(1 warning\)\.?$' "$(tail -n 1 "$LOGDIR/c")" "summary line"
	plan_rc d recipes/preview-only.yaml --course 4830 --detailed-exitcode --format json
	expect_eq 0 "$RC" "an audit of a clean course"
	expect_eq 0 "$(jq '.changes | length' "$LOGDIR/d")" "changes of a clean course"
	r=$(recipe unknown-course <<'EOF'
version: 1
courses: [4821, 9999]
steps:
  - replace_text: {in: [pages], pattern: Piazza, with: Ed}
EOF
)
	plan_rc e "$r" --detailed-exitcode
	expect_eq 1 "$RC" "an unknown course"
	grep -q 9999 "$LOGDIR/e.err" || fail "the message does not name the course: $(cat "$LOGDIR/e.err")"
	# issue 8: the other courses are still planned, and the summary names the failed one
	grep -q '^Course 4821' "$LOGDIR/e" || fail "course 4821 was not planned: $(head -c 300 "$LOGDIR/e")"
	expect_match '; 1 course failed: 9999\.$' "$(tail -n 1 "$LOGDIR/e")" "summary line"
	plan_rc e2 "$r" --detailed-exitcode --fail-fast
	expect_eq 1 "$RC" "an unknown course, --fail-fast"
	[ ! -s "$LOGDIR/e2" ] || fail "a plan was printed with --fail-fast: $(head -c 300 "$LOGDIR/e2")"
	plan_rc f recipes/preview-only.yaml --course 9999 --detailed-exitcode
	expect_eq 1 "$RC" "an unknown course given with --course"
	r=$(recipe bad <<'EOF'
version: 1
courses: [4821]
steps:
  - replace_text: {in: [pages, widgets], pattern: '(', with: x}
EOF
)
	plan_rc g "$r" --detailed-exitcode
	expect_eq 1 "$RC" "a recipe with errors"
	grep -q "bad.yaml:4:" "$LOGDIR/g.err" || fail "no FILE:LINE: error: $(cat "$LOGDIR/g.err")"
	plan_rc h "$LOGDIR/no-such-recipe.yaml" --detailed-exitcode
	expect_eq 1 "$RC" "a missing recipe file"
	RC=0
	CANVAS_API_TOKEN=not-the-token "$COURSECTL" plan --url "$SIM_URL" recipes/fix-links.yaml --detailed-exitcode \
		>"$LOGDIR/i" 2>"$LOGDIR/i.err" || RC=$?
	expect_eq 3 "$RC" "a bad token ($(cat "$LOGDIR/i.err"))"
}

test_usage_errors() {
	local args
	sim_start --seed "$PLAN_SEED"
	while IFS= read -r args; do
		# shellcheck disable=SC2086
		plan_rc u $args
		expect_eq 64 "$RC" "plan $args ($(cat "$LOGDIR/u.err"))"
		grep -q 'usage: coursectl plan' "$LOGDIR/u.err" || fail "plan $args: no usage line: $(cat "$LOGDIR/u.err")"
		[ ! -s "$LOGDIR/u" ] || fail "plan $args printed on stdout: $(head -c 200 "$LOGDIR/u")"
	done <<'EOF'
recipes/fix-links.yaml --bogus
--detailed-exitcode
recipes/fix-links.yaml --format bogus
recipes/fix-links.yaml --format
recipes/fix-links.yaml --course 4824
recipes/fix-links.yaml --color sometimes
recipes/fix-links.yaml recipes/preview-only.yaml
recipes/preview-only.yaml
recipes/fix-links.yaml --var novalue
EOF
	grep -q "4824" <(plan recipes/fix-links.yaml --course 4824 2>&1 || true) ||
		fail "--course 4824: the message does not name the course"
	expect_eq 0 "$(stats .total_requests)" "requests sent by usage errors"
}

# ---------------------------------------------------------------- --out and --format

test_out_file_private_and_same_as_stdout() {
	TOKEN=plan-secret-token-7f3a9c
	sim_start --seed "$PLAN_SEED"
	echo '{"old": true}' >"$LOGDIR/saved.json"
	chmod 644 "$LOGDIR/saved.json"
	plan_rc stdout.json recipes/fix-links.yaml --format json --out "$LOGDIR/saved.json"
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/stdout.json.err"))"
	expect_eq 600 "$(stat -c %a "$LOGDIR/saved.json")" "mode of the plan file"
	[ ! -e "$LOGDIR/saved.json.tmp" ] || fail "the temporary file was left behind"
	! grep -qF "$TOKEN" "$LOGDIR/saved.json" || fail "the plan file holds the token"
	! grep -qF "$TOKEN" "$LOGDIR/stdout.json" || fail "stdout holds the token"
	! grep -qF "$TOKEN" "$LOGDIR/stdout.json.err" || fail "stderr holds the token"
	grep -q 'plan saved to' "$LOGDIR/stdout.json.err" || fail "no note of the saved plan: $(cat "$LOGDIR/stdout.json.err")"
	jq -e . "$LOGDIR/stdout.json" >/dev/null || fail "stdout is not JSON"
	cmp -s <(jq -S . "$LOGDIR/saved.json") <(jq -S . "$LOGDIR/stdout.json") ||
		fail "--out and --format json differ: $(diff <(jq -S . "$LOGDIR/saved.json") <(jq -S . "$LOGDIR/stdout.json") | head)"
	check_plan "$LOGDIR/saved.json" recipes/fix-links.yaml "$EXPECTED/fix-links.json"
	# --out alone keeps the text on stdout; a new file is private too, whatever the umask
	(umask 000 && plan_rc text recipes/fix-links.yaml --out "$LOGDIR/new.json" && echo "$RC" >"$LOGDIR/rc")
	expect_eq 0 "$(cat "$LOGDIR/rc")" "exit code with --out"
	expect_eq 600 "$(stat -c %a "$LOGDIR/new.json")" "mode of a new plan file"
	! jq -e . "$LOGDIR/text" >/dev/null 2>&1 || fail "--out alone printed JSON on stdout"
	expect_match '^Plan: 15 changes' "$(tail -n 1 "$LOGDIR/text")" "text summary with --out"
}

# Course and page names with markup, bodies with links: the HTML page escapes them all and loads
# nothing from the network.
test_html_self_contained_and_escaped() {
	sim_start --seed "$(plan_seed_with '(.courses[] | select(.id == 4821)) |= (.name = "<b>x</b> & Physics"
		| (.pages[] | select(.page_id == 5001) | .title) = "<b>x</b>")')"
	plan_rc plan.html recipes/fix-links.yaml --course 4821 --format html
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/plan.html.err"))"
	grep -qi '<html' "$LOGDIR/plan.html" || fail "not an HTML document: $(head -c 300 "$LOGDIR/plan.html")"
	grep -qi '</html>' "$LOGDIR/plan.html" || fail "the document is not closed"
	! grep -qiE '(src|href|action)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:)?//' "$LOGDIR/plan.html" ||
		fail "the page loads or links a resource: $(grep -oiE '(src|href|action)[[:space:]]*=[^>]{0,60}' \
			"$LOGDIR/plan.html" | head -3)"
	! grep -qiE '@import|url\([[:space:]]*["'\'']?(https?:)?//' "$LOGDIR/plan.html" || fail "the CSS loads a resource"
	! grep -qF '<b>x</b>' "$LOGDIR/plan.html" || fail "a name from the server reached the page unescaped"
	grep -qF '&lt;b&gt;x&lt;/b&gt;' "$LOGDIR/plan.html" || fail "the escaped name is missing"
	grep -qF '&amp; Physics' "$LOGDIR/plan.html" || fail "the escaped course name is missing"
	grep -qF 'Resources for students' "$LOGDIR/plan.html" || fail "a changed page is missing"
	grep -qF 'Lab safety' "$LOGDIR/plan.html" || fail "the skipped page is missing"
	! grep -q $'\x1b' "$LOGDIR/plan.html" || fail "an ESC byte in the HTML"
}

# ---------------------------------------------------------------- text

test_text_summary_and_colour() {
	sim_start --seed "$PLAN_SEED"
	plan_rc fix.txt recipes/fix-links.yaml
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/fix.txt.err"))"
	expect_match '^Plan: 15 changes to 13 objects in 2 courses \(1 skipped, 1 warning\)\.?$' "$(tail -n 1 "$LOGDIR/fix.txt")" \
		"fix-links summary line"
	! grep -q $'\x1b' "$LOGDIR/fix.txt" || fail "ESC in the text when stdout is not a terminal"
	for s in 'Course 4821' 'Course 4822' 'Resources for students' 'Lab safety' 'locked by the Blueprint course' \
		'Piazza guide' 'Ed Discussion guide'; do
		grep -qF "$s" "$LOGDIR/fix.txt" || fail "the text lacks '$s'"
	done
	# a course looked at and left alone is shown as such
	grep -A1 '^Course 4823 ' "$LOGDIR/fix.txt" | grep -q 'no changes' || fail "course 4823 is not shown with 'no changes'"
	plan_rc mod.txt recipes/modules-publish-weekly.yaml --color never
	expect_match '^Plan: 23 changes to 16 objects in 1 course\.?$' "$(tail -n 1 "$LOGDIR/mod.txt")" \
		"modules-publish-weekly summary line"
	plan_rc color.txt recipes/fix-links.yaml --color always
	grep -q $'\x1b\\[' "$LOGDIR/color.txt" || fail "no colour with --color always"
	NO_COLOR=1 plan_rc nc.txt recipes/fix-links.yaml
	! grep -q $'\x1b' "$LOGDIR/nc.txt" || fail "ESC with NO_COLOR and a file"
	# a terminal: colour unless NO_COLOR (script(1) gives coursectl a pty for stdout)
	if command -v script >/dev/null 2>&1; then
		local cmd="CANVAS_API_TOKEN=$TOKEN $COURSECTL plan --url $SIM_URL recipes/fix-links.yaml 2>$LOGDIR/tty.err"
		env -u NO_COLOR script -qc "$cmd" /dev/null </dev/null >"$LOGDIR/tty.txt" || true
		grep -q 'Plan: 15 changes' "$LOGDIR/tty.txt" || fail "script(1) run: $(head -c 300 "$LOGDIR/tty.txt")"
		grep -q $'\x1b\\[' "$LOGDIR/tty.txt" || fail "no colour on a terminal"
		NO_COLOR=1 script -qc "$cmd" /dev/null </dev/null >"$LOGDIR/tty-nc.txt" || true
		grep -q 'Plan: 15 changes' "$LOGDIR/tty-nc.txt" || fail "script(1) run: $(head -c 300 "$LOGDIR/tty-nc.txt")"
		! grep -q $'\x1b' "$LOGDIR/tty-nc.txt" || fail "colour on a terminal with NO_COLOR set"
	fi
}

# A title and a body holding terminal escape sequences: never sent raw, in any format.
test_server_escapes_neutralised() {
	sim_start --seed "$(plan_seed_with '(.courses[] | select(.id == 4821) | .pages[] | select(.page_id == 5004)) |=
		(.title = "Piazza \u001b[31mred\u001b[0m \u001b]0;pwned\u0007guide"
		 | .body = "<p>Piazza \u001b[2J\u001b[31mcleared</p>")')"
	plan_rc never.txt recipes/fix-links.yaml --course 4821 --color never
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/never.txt.err"))"
	! grep -q $'\x1b' "$LOGDIR/never.txt" || fail "a raw ESC reached stdout: $(grep -a $'\x1b' "$LOGDIR/never.txt" | cat -v)"
	! grep -q $'\x07' "$LOGDIR/never.txt" || fail "a raw BEL reached stdout"
	grep -qF 'red' "$LOGDIR/never.txt" || fail "the title is missing"
	plan_rc always.txt recipes/fix-links.yaml --course 4821 --color always
	! grep -qF $'\x1b[31mred' "$LOGDIR/always.txt" || fail "the server's colour sequence reached stdout raw"
	! grep -qF $'\x1b[2J' "$LOGDIR/always.txt" || fail "the server's clear-screen sequence reached stdout raw"
	! grep -qF $'\x1b]0;' "$LOGDIR/always.txt" || fail "the server's title sequence reached stdout raw"
	plan_rc page.html recipes/fix-links.yaml --course 4821 --format html
	! grep -q $'\x1b' "$LOGDIR/page.html" || fail "a raw ESC in the HTML"
	plan_rc plan.json recipes/fix-links.yaml --course 4821 --format json
	! grep -q $'\x1b' "$LOGDIR/plan.json" || fail "a raw ESC in the JSON"
	expect_eq $'Piazza \x1b[31mred\x1b[0m \x1b]0;pwned\x07guide' \
		"$(jq -r '.changes[] | select(.id == 5004 and .field == "title") | .before' "$LOGDIR/plan.json")" \
		"the title in the plan file keeps its bytes"
}

# ---------------------------------------------------------------- steps together

test_where_matches_nothing() {
	local r
	sim_start --seed "$PLAN_SEED"
	r=$(recipe nothing <<'EOF'
version: 1
courses: [4821, 4822]
steps:
  - name: No such pages
    pages:
      where: {title: '^No such page$'}
      replace: [{pattern: 'tutoring', with: 'x'}]
  - name: No such modules
    modules:
      where: {name: '^Unit 99'}
      set: {published: false}
  - name: Nothing to find
    replace_text: {in: [pages, assignments, syllabus], pattern: 'a string that appears nowhere', with: x, literal: true}
EOF
)
	plan_rc out.json "$r" --format json --detailed-exitcode
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/out.json.err"))"
	expect_eq '[]' "$(jq -c .changes "$LOGDIR/out.json")" changes
	expect_eq 0 "$(jq .summary.changes "$LOGDIR/out.json")" summary.changes
	# issue 16: every step accounts for itself -- the two whose where: selects nothing are warnings
	# naming the step, the course and the where: (replace_text has no where: it looked everywhere)
	expect_eq 4 "$(jq '.warnings | length' "$LOGDIR/out.json")" "warnings (2 steps x 2 courses)"
	expect_eq "No such pages|4821|{title: '^No such page\$'}" \
		"$(jq -r '.warnings[0] | "\(.step)|\(.course_id)|\(.where)"' "$LOGDIR/out.json")" "first warning"
	plan_rc out.txt "$r"
	expect_match '^Plan: no changes \(4 warnings\)\.?$' "$(tail -n 1 "$LOGDIR/out.txt")" "summary line"
	grep -qF "warning: step 'No such modules' matched nothing in course 4822: where: {name: '^Unit 99'}" \
		"$LOGDIR/out.txt" || fail "text warning: $(cat "$LOGDIR/out.txt")"
}

# Two steps on one body make one change from the value read to the final one, naming both; two
# steps that cancel out make none.
test_two_steps_one_change() {
	local r
	sim_start --seed "$PLAN_SEED"
	r=$(recipe two <<'EOF'
version: 1
courses: [4821]
steps:
  - name: First the fee
    pages:
      where: {url: resources-for-students}
      replace: [{pattern: 'Lab fee: \$20', with: 'Lab fee: $$22'}]
  - name: Then the fee again
    replace_text: {in: [pages], pattern: 'Lab fee: $22', with: 'Lab fee: $25', literal: true}
  - name: Piazza out
    replace_text: {in: [assignments], pattern: Piazza, with: '@@forum@@', literal: true}
  - name: Piazza back
    replace_text: {in: [assignments], pattern: '@@forum@@', with: Piazza, literal: true}
EOF
)
	plan_rc out.json "$r" --format json --detailed-exitcode
	expect_eq 2 "$RC" "exit code ($(cat "$LOGDIR/out.json.err"))"
	expect_eq 1 "$(jq '.changes | length' "$LOGDIR/out.json")" "changes (the assignments come back to their text)"
	expect_eq '["page",5002,"body",["First the fee","Then the fee again"]]' \
		"$(jq -c '.changes[0] | [.kind, .id, .field, .steps]' "$LOGDIR/out.json")" "the merged change"
	expect_eq "$(jq -r '.courses[] | select(.id == 4821) | .pages[] | select(.page_id == 5002) | .body' "$PLAN_SEED")" \
		"$(jq -r '.changes[0].before' "$LOGDIR/out.json")" "before is the body as read"
	expect_eq "$(jq -r '.courses[] | select(.id == 4821) | .pages[] | select(.page_id == 5002) | .body
		| sub("Lab fee: \\$20"; "Lab fee: $25")' "$PLAN_SEED")" \
		"$(jq -r '.changes[0].after' "$LOGDIR/out.json")" "after is the final body"
	expect_eq "First the fee" "$(jq -r '.changes[0].step' "$LOGDIR/out.json")" "step: the first one"
}
