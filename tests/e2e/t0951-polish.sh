# tests/e2e/t0951-polish.sh -- the everyday polish of issue 16, one case per item a newcomer trips on.
#
# Seed: tests/fixtures/plan-seed.json (t0800-plan.sh describes it) unless a case says otherwise.
# Each case fails on the code before its fix:
#   - the progress line on a terminal (script(1) gives coursectl a pseudo-terminal): no
#     "requests0 s throttle wait", and reading is labelled "reading:", not "snapshot:" (a command
#     the user never ran);
#   - snapshot -o FILE is mode 0600 (it holds student ids), whatever the umask;
#   - token problems exit 3 with the fix (chmod 600 FILE), not 64 with the usage text; whitespace
#     around a token (file or CANVAS_API_TOKEN) is trimmed, and the token is never printed;
#   - a mistyped command ("aply") gets "did you mean 'apply'?";
#   - the text plan apply shows holds a created page's body (rendered Markdown as HTML), capped;
#   - with colour on, deleted and inserted words keep their [-..-] / {+..+} marks;
#   - the HTML calendar counts (and flags) only items moved onto a weekend, and says so;
#   - replace_text with case: preserve keeps "Office hours" capitalised (and the schema takes it);
#   - the docs say apply exists, and README's by-hand rehearsal on canvas-sim runs as written.

PLAN_SEED=$FIXTURES/plan-seed.json
RECIPES=$ROOT/recipes

# in_tty OUT CMD: run the shell command CMD under script(1), so stdin, stdout and stderr are a
# terminal; the whole terminal transcript lands in $LOGDIR/OUT.
in_tty() {
	command -v script >/dev/null 2>&1 || skip "script(1) is not installed"
	env -u NO_COLOR script -qc "$2" /dev/null </dev/null >"$LOGDIR/$1" 2>&1 || true
}

# api_count METHOD PATH: how many such requests the sim has answered with 200
api_count() {
	curl -s "$SIM_URL/__sim/requests" | jq --arg m "$1" --arg p "$2" \
		'[.[] | select(.method == $m and .path == $p and .status == 200)] | length'
}

# ---------------------------------------------------------------- progress line

test_progress_line_reads_well() {
	sim_start --seed "$PLAN_SEED"
	in_tty tty.txt "CANVAS_API_TOKEN=$TOKEN $COURSECTL apply --yes --url $SIM_URL \
		--journal $LOGDIR/j.jsonl $RECIPES/fix-links.yaml"
	grep -q 'Applied 15 changes' "$LOGDIR/tty.txt" || fail "apply under a terminal: $(head -c 400 "$LOGDIR/tty.txt")"
	tr '\r' '\n' <"$LOGDIR/tty.txt" >"$LOGDIR/lines.txt"
	grep -q '^reading: [0-9]*/[0-9]* courses' "$LOGDIR/lines.txt" || fail "no 'reading:' progress line"
	! grep -q '^snapshot:' "$LOGDIR/lines.txt" || fail "reading is labelled 'snapshot:'"
	grep -qE '^apply: [0-9]+/[0-9]+ objects, [0-9]+ failed, [0-9]+ requests' "$LOGDIR/lines.txt" ||
		fail "no apply progress line"
	! grep -qE 'requests[0-9]' "$LOGDIR/lines.txt" || fail "a progress line runs the figures together: \
$(grep -E 'requests[0-9]' "$LOGDIR/lines.txt" | head -n 1)"
	! grep -q 'throttle wait' "$LOGDIR/lines.txt" || fail "a throttle wait is shown though there was none"
}

# ---------------------------------------------------------------- snapshot file mode

# A snapshot holds student ids (an override's student_ids): 0600 from the first byte, whatever the
# umask, and an old FILE.tmp left world-readable does not lend it its mode.
test_snapshot_file_is_private() {
	sim_start --seed "$PLAN_SEED"
	: >"$LOGDIR/backup.json.tmp"
	chmod 644 "$LOGDIR/backup.json.tmp"
	(umask 022 && cc snapshot --course 4824 -o "$LOGDIR/backup.json") 2>"$LOGDIR/err" ||
		fail "snapshot: $(cat "$LOGDIR/err")"
	expect_eq 600 "$(stat -c %a "$LOGDIR/backup.json")" "mode of the snapshot file"
	expect_eq 77001 "$(jq -r '.courses[0].assignments[] | .overrides[]? | .student_ids[]?' "$LOGDIR/backup.json" |
		head -n 1)" "the file holds the student id"
	[ ! -e "$LOGDIR/backup.json.tmp" ] || fail "the .tmp file is left"
}

# ---------------------------------------------------------------- token problems

# A token file others can read is a token problem: exit 3 (README), the fix in the message, no
# usage text, no token. Surrounding whitespace (echo's newline, a stray space, a leading blank
# line) is trimmed, in a file and in CANVAS_API_TOKEN; a token with a space inside is refused
# with a hint, exit 3.
test_token_problems() {
	local rc=0
	sim_start --seed "$PLAN_SEED"
	printf '%s\n' "$TOKEN" >"$LOGDIR/tok"
	chmod 644 "$LOGDIR/tok"
	env -u CANVAS_API_TOKEN "$COURSECTL" auth check --url "$SIM_URL" --token-file "$LOGDIR/tok" \
		>"$LOGDIR/a" 2>"$LOGDIR/a.err" || rc=$?
	expect_eq 3 "$rc" "exit code for a token file of mode 644 ($(cat "$LOGDIR/a.err"))"
	expect_match "chmod 600 '$LOGDIR/tok'" "$(cat "$LOGDIR/a.err")" "the fix is named"
	! grep -q 'usage:' "$LOGDIR/a.err" || fail "the usage text is printed for a token problem"
	! grep -qF "$TOKEN" "$LOGDIR/a" "$LOGDIR/a.err" || fail "the token is printed"

	printf '\n  %s \t\n' "$TOKEN" >"$LOGDIR/tok2"
	chmod 600 "$LOGDIR/tok2"
	rc=0
	env -u CANVAS_API_TOKEN "$COURSECTL" auth check --url "$SIM_URL" --token-file "$LOGDIR/tok2" \
		>"$LOGDIR/b" 2>"$LOGDIR/b.err" || rc=$?
	expect_eq 0 "$rc" "a token file with surrounding whitespace ($(cat "$LOGDIR/b.err"))"
	rc=0
	CANVAS_API_TOKEN=" $TOKEN
" "$COURSECTL" auth check --url "$SIM_URL" >"$LOGDIR/c" 2>"$LOGDIR/c.err" || rc=$?
	expect_eq 0 "$rc" "CANVAS_API_TOKEN with surrounding whitespace ($(cat "$LOGDIR/c.err"))"
	expect_eq "$(api_count GET /api/v1/users/self)" 2 "the sim saw both checks"

	rc=0
	CANVAS_API_TOKEN="$TOKEN x" "$COURSECTL" auth check --url "$SIM_URL" >"$LOGDIR/d" 2>"$LOGDIR/d.err" || rc=$?
	expect_eq 3 "$rc" "a token with a space inside"
	expect_match "CANVAS_API_TOKEN is not a token: it has spaces or control characters inside" \
		"$(cat "$LOGDIR/d.err")" "the hint"
	! grep -qF "$TOKEN" "$LOGDIR/d" "$LOGDIR/d.err" || fail "the token is printed"
	expect_eq "$(api_count GET /api/v1/users/self)" 2 "nothing sent with a bad token"
}

# ---------------------------------------------------------------- did you mean

# A mistyped command names the nearest one (edit distance, or a prefix), still exit 64; a word
# near nothing gets no guess.
test_command_did_you_mean() {
	local rc=0
	"$COURSECTL" aply recipes/fix-links.yaml >"$LOGDIR/out" 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "exit code of 'aply'"
	expect_match "'aply' is not a coursectl command; did you mean 'apply'\\?" "$(cat "$LOGDIR/err")" "aply"
	[ ! -s "$LOGDIR/out" ] || fail "stdout not empty"
	rc=0
	"$COURSECTL" rolback j.jsonl 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "exit code of 'rolback'"
	expect_match "did you mean 'rollback'\\?" "$(cat "$LOGDIR/err")" "rolback"
	rc=0
	"$COURSECTL" help snapshto 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "exit code of 'help snapshto'"
	expect_match "did you mean 'snapshot'\\?" "$(cat "$LOGDIR/err")" "help snapshto"
	rc=0
	"$COURSECTL" frobnicate 2>"$LOGDIR/err" || rc=$?
	expect_eq 64 "$rc" "exit code of 'frobnicate'"
	! grep -q 'did you mean' "$LOGDIR/err" || fail "a guess for a word near nothing: $(cat "$LOGDIR/err")"
}

# ---------------------------------------------------------------- created page bodies

# The text plan that apply shows before its question holds a created page's body: the Markdown
# file rendered as HTML, exactly what the sim then stores; a body over the cap (4 KiB) is cut with
# how much was cut.
test_created_page_body_shown() {
	sim_start
	mkdir -p "$LOGDIR/repo/pages"
	cat >"$LOGDIR/repo/recipe.yaml" <<'YAML'
version: 1
courses: [4821]
steps:
  - name: A welcome page from Markdown
    pages:
      where: {url: welcome}
      create: true
      body_file: pages/welcome.md
      set: {title: Welcome, published: true}
  - name: A long page
    pages:
      where: {url: long-read}
      create: true
      body_file: pages/long.md
      set: {title: Long read}
YAML
	printf '# Welcome\n\nOffice hours are *Mondays*.\n' >"$LOGDIR/repo/pages/welcome.md"
	for i in $(seq 1 300); do printf 'Paragraph %03d of the long read.\n\n' "$i"; done >"$LOGDIR/repo/pages/long.md"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	grep -qF '<h1>Welcome</h1>' "$LOGDIR/apply.out" || fail "the created page's heading is not shown"
	grep -qF '<p>Office hours are <em>Mondays</em>.</p>' "$LOGDIR/apply.out" ||
		fail "the created page's rendered Markdown is not shown: $(grep -A4 'page.*Welcome' "$LOGDIR/apply.out")"
	expect_eq "<h1>Welcome</h1>
<p>Office hours are <em>Mondays</em>.</p>" \
		"$(state '.courses[] | select(.id == 4821) | .pages[] | select(.url == "welcome") | .body')" \
		"the body the sim stores is the one shown"
	grep -qF 'Paragraph 001 of the long read.' "$LOGDIR/apply.out" || fail "the long body's start is not shown"
	! grep -qF 'Paragraph 300' "$LOGDIR/apply.out" || fail "the long body is shown past the cap"
	expect_match 'more bytes not shown' "$(cat "$LOGDIR/apply.out")" "the cut is said"
}

# ---------------------------------------------------------------- diff marks with colour

# With colour on (a terminal, or --color always), a deleted and an inserted word still carry the
# [-..-] and {+..+} marks inside the red and the green: colour is not the only cue.
test_diff_marks_not_colour_alone() {
	sim_start --seed "$PLAN_SEED"
	run plan.out plan --color always "$RECIPES/fix-links.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.out.err"))"
	grep -qF $'\x1b[31m[-tutoring-]\x1b[m\x1b[32m{+Learning+}\x1b[m' "$LOGDIR/plan.out" ||
		fail "no marks with the colours: $(grep -m1 tutoring "$LOGDIR/plan.out" | cat -v)"
	in_tty tty.txt "CANVAS_API_TOKEN=$TOKEN $COURSECTL plan --url $SIM_URL $RECIPES/fix-links.yaml"
	grep -qF $'\x1b[31m[-Piazza-]\x1b[m\x1b[32m{+Ed Discussion+}\x1b[m' "$LOGDIR/tty.txt" ||
		fail "no marks on a terminal: $(grep -m1 Piazza "$LOGDIR/tty.txt" | cat -v)"
}

# ---------------------------------------------------------------- weekend counts

# The HTML calendar counts the items a plan moves ONTO a weekend: shifting by one day, a Friday
# item lands on a Saturday (counted), a Saturday one on a Sunday (it was on a weekend already: not
# counted, no warning), a Wednesday one on a Thursday.
test_calendar_counts_newly_weekend_items() {
	local seed
	seed=$(seed_with '.courses[0].assignments = [
		{id: 1, name: "Fri lab", due_at: "2025-02-08T04:59:59Z"},
		{id: 2, name: "Sat quiz", due_at: "2025-02-08T17:00:00Z"},
		{id: 3, name: "Wed set", due_at: "2025-02-05T17:00:00Z"}]
		| .courses[0].assignments[] |= . + {unlock_at: null, lock_at: null, overrides: [], published: true}')
	sim_start --seed "$seed"
	cat >"$LOGDIR/r.yaml" <<'YAML'
version: 1
courses: [4821]
steps:
  - name: One day later
    shift_dates: {days: 1, only: [assignments]}
YAML
	run plan.html plan --format html "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.html.err"))"
	grep -q 'id="calendar-summary" data-items="3" data-weekend="1" data-blackout="0"' "$LOGDIR/plan.html" ||
		fail "header counts: $(grep -o 'id="calendar-summary"[^>]*>[^<]*' "$LOGDIR/plan.html")"
	grep -qF '1 item moves onto a weekend (from a weekday), 0 land in a blackout.' "$LOGDIR/plan.html" ||
		fail "the sentence does not say what is counted"
	grep -q '<td class="day we" data-day="2025-02-09" data-count="1">' "$LOGDIR/plan.html" ||
		fail "Saturday to Sunday is flagged: $(grep -o '<td[^>]*data-day="2025-02-09"[^>]*>' "$LOGDIR/plan.html")"
	grep -q '<td class="day we warn" data-day="2025-02-08" data-count="1">' "$LOGDIR/plan.html" ||
		fail "Friday to Saturday is not flagged"
}

# ---------------------------------------------------------------- case: preserve

# A case-insensitive replacement with case: preserve keeps a sentence's capital and a heading's
# capitals; without it, "Office hours" at a sentence start becomes "student hours" (the bug).
test_replace_case_preserve() {
	local seed
	seed=$(seed_with '.courses[0].pages[0].body = "<h2>OFFICE HOURS</h2><p>Office hours: Mon. Come to office hours.</p>"')
	sim_start --seed "$seed"
	local url
	url=$(jq -r '.courses[0].pages[0].url' "$seed")
	cat >"$LOGDIR/r.yaml" <<YAML
version: 1
courses: [4821]
steps:
  - replace_text:
      in: [pages]
      pattern: office hours
      with: student hours
      flags: i
      case: preserve
      where: {url: $url}
YAML
	"$COURSECTL" validate "$LOGDIR/r.yaml" >"$LOGDIR/v.out" 2>&1 || fail "validate: $(cat "$LOGDIR/v.out")"
	run apply.out apply --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "apply exit code ($(cat "$LOGDIR/apply.out.err"))"
	expect_eq "<h2>STUDENT HOURS</h2><p>Student hours: Mon. Come to student hours.</p>" \
		"$(state ".courses[0].pages[] | select(.url == \"$url\") | .body")" "the body in the sim"
	/usr/bin/python3 "$ROOT/tests/e2e/schema-check.py" "$ROOT/docs/recipe.schema.json" "$LOGDIR/r.yaml" \
		>"$LOGDIR/schema.out" 2>&1 || fail "the schema refuses case: preserve: $(cat "$LOGDIR/schema.out")"
}

# ---------------------------------------------------------------- docs

# The docs no longer say apply "comes in a later version", and README's by-hand rehearsal on
# canvas-sim runs as written (a free port for 8080, a fixture for backup.json, the journal apply
# prints for JOURNAL): plan, apply, rollback, and the sim back to its seed.
test_docs_current_and_rehearsal_runs() {
	local port journal
	! grep -n 'later version' "$ROOT/docs/recipes.md" "$ROOT/docs/plan-format.md" >"$LOGDIR/stale" ||
		fail "stale docs: $(cat "$LOGDIR/stale")"
	sed -n '/^### Rehearse on a copy/,/^## /p' "$ROOT/README.md" | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d' \
		>"$LOGDIR/rehearse.sh"
	grep -q 'canvas-sim --seed backup.json' "$LOGDIR/rehearse.sh" || fail "README has no rehearsal block"
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# apply's journal path, for the rollback line: a fixed one, given by the test
	journal=$LOGDIR/rehearsal.jsonl
	sed -i -e "s|8080|$port|g" -e "s|build/canvas-sim|$ROOT/$BUILD/canvas-sim|" \
		-e "s|backup.json|$FIXTURES/plan-seed.json|" -e "s|^coursectl |$COURSECTL |" \
		-e "s|recipes/term-rollover.yaml|$RECIPES/term-rollover.yaml|" \
		-e "s|--yes    # prints its journal's path|--yes --journal $journal|" -e "s|JOURNAL|$journal|" \
		"$LOGDIR/rehearse.sh"
	# a failing line must not leave the sim running
	sed -i "1i trap 'kill \$(jobs -p) 2>/dev/null || true' EXIT" "$LOGDIR/rehearse.sh"
	# wait for the sim to listen before the next line (a person waits for its first line)
	sed -i "/canvas-sim --seed/a for i in \$(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/ \&\& break; sleep 0.05; done" \
		"$LOGDIR/rehearse.sh"
	(cd "$LOGDIR" && env -u CANVAS_API_TOKEN -u CANVAS_BASE_URL bash -e "$LOGDIR/rehearse.sh") \
		>"$LOGDIR/rehearse.out" 2>"$LOGDIR/rehearse.err" || fail "the rehearsal failed: $(tail -n 5 "$LOGDIR/rehearse.err")"
	grep -q "(from CANVAS_BASE_URL)" "$LOGDIR/rehearse.out" || fail "auth check output: $(head "$LOGDIR/rehearse.out")"
	grep -q '^Applied [1-9][0-9]* changes' "$LOGDIR/rehearse.out" || fail "nothing applied: $(cat "$LOGDIR/rehearse.out")"
	grep -q '^Rolled back with ' "$LOGDIR/rehearse.out" || fail "no rollback: $(cat "$LOGDIR/rehearse.out")"
	[ "$(tail -n 1 "$LOGDIR/rehearse.out")" -gt 0 ] || fail "no writes counted"
}
