# tests/e2e/t1103-output-safety.sh -- server and recipe text is data on every terminal and page.
#
# A course name and an assignment name hold an OSC 8 hyperlink, ESC [2J, BEL, a CR that would
# overwrite the line, a C1 CSI (U+009B) and a bidi override (U+202E); Canvas's error messages hold
# the same plus a newline followed by a forged "coursectl: error:" line. Cases:
#   formats   plan in text (colour on and off), Markdown and HTML: no raw control byte, C1 or bidi
#             override; the name is shown escaped; the HTML and Markdown make no link of it;
#   apply     apply's stdout and stderr, a conflict's listing and `journal show` of the run;
#   errors    Canvas's error message for a read (plan) and a write (apply) on stderr, and in
#             `journal show`: escaped, the forged line stays on the real one;
#   validate  a recipe key and value with escapes, quoted in validate's FILE:LINE:COL lines;
#   auth      `auth check` shows the user's name escaped.
# (t0800 and t0900 check a page title in plans and a hand-made journal; this covers the rest.)

C=/api/v1/courses/4821
HOSTILE='\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007 \u001b[2J\u0007\rOVER \u202egnp.exe\u202c \u009b31m'

# no_raw FILE... WHAT: fail when a file holds a C0 control other than tab and newline, DEL, a C1
# control (UTF-8 C2 80..9F) or a bidi control (U+200E/F, U+202A..E, U+2066..9).
no_raw() {
	local what=${*: -1} f
	for f in "${@:1:$#-1}"; do
		if LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$f"; then
			fail "$what: a raw control sequence in $(basename "$f"): $(LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]' "$f" | head -3 | cat -v)"
		fi
	done
}

hostile_seed() {
	seed_with "(.courses[] | select(.id == 4821)) |= (.name = \"Physics $HOSTILE\"
		| (.assignments[] | select(.id == 90211) | .name) = \"Lab $HOSTILE\")"
}

shift_recipe() {
	printf 'version: 1\ncourses: [4821]\nsteps:\n  - shift_dates: {days: 7}\n' >"$LOGDIR/r.yaml"
}

# cc OUT ARGS...: coursectl with stdout in $LOGDIR/OUT and stderr in OUT.err; sets RC.
cc() {
	local out=$1
	shift
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

script() {
	curl -sf -X POST "$SIM_URL/__sim/script" -d "$1" >/dev/null || fail "cannot arm the script $1"
}

ESCAPED='\\x1b\]8;;http://evil\.example/\\x07click\\x1b\]8;;\\x07 \\x1b\[2J\\x07\\rOVER \\u202egnp\.exe\\u202c \\u009b31m'

test_names_in_every_plan_format() {
	sim_start --seed "$(hostile_seed)"
	shift_recipe
	cc p.txt plan --url "$SIM_URL" --color never "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	no_raw "$LOGDIR/p.txt" "$LOGDIR/p.txt.err" "plan text"
	expect_match "Physics $ESCAPED" "$(cat "$LOGDIR/p.txt")" "the course name, escaped"
	expect_match "\"Lab $ESCAPED\"" "$(cat "$LOGDIR/p.txt")" "the assignment name, escaped"
	cc c.txt plan --url "$SIM_URL" --color always "$LOGDIR/r.yaml"
	for seq in $'\x1b]8;' $'\x1b[2J' $'\x07' $'\r' $'\xe2\x80\xae' $'\xc2\x9b'; do
		! grep -qaF "$seq" "$LOGDIR/c.txt" || fail "--color always: $(printf %q "$seq") reached stdout raw"
	done
	cc p.md plan --url "$SIM_URL" --format markdown "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "markdown exit code ($(cat "$LOGDIR/p.md.err"))"
	no_raw "$LOGDIR/p.md" "markdown"
	! grep -qF '](http://evil' "$LOGDIR/p.md" || fail "the Markdown links the name's target"
	grep -qF 'gnp.exe' "$LOGDIR/p.md" || fail "the name is missing from the Markdown"
	cc p.html plan --url "$SIM_URL" --format html "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "html exit code ($(cat "$LOGDIR/p.html.err"))"
	no_raw "$LOGDIR/p.html" "html"
	! grep -qiF 'href="http://evil' "$LOGDIR/p.html" || fail "the HTML links the name's target"
	grep -qF 'gnp.exe' "$LOGDIR/p.html" || fail "the name is missing from the HTML"
}

test_apply_conflicts_and_journal_show() {
	sim_start --seed "$(hostile_seed)"
	shift_recipe
	cc plan.json plan --url "$SIM_URL" --out "$LOGDIR/plan.json" "$LOGDIR/r.yaml"
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/plan.json.err"))"
	# the assignment's due date changes on Canvas after the plan: a conflict naming it
	curl -s -X PUT -H "Authorization: Bearer $TOKEN" "$SIM_URL$C/assignments/90211" \
		-d 'assignment[due_at]=2025-03-01T04:59:59Z' >/dev/null
	cc a.txt apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/plan.json"
	expect_eq 1 "$RC" "apply exit code with a conflict ($(tail -3 "$LOGDIR/a.txt.err"))"
	no_raw "$LOGDIR/a.txt" "$LOGDIR/a.txt.err" "apply"
	expect_match "Lab $ESCAPED" "$(cat "$LOGDIR/a.txt" "$LOGDIR/a.txt.err")" "the conflict names the assignment, escaped"
	RC=0
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/js.txt" 2>"$LOGDIR/js.err" || RC=$?
	expect_eq 0 "$RC" "journal show exit code ($(cat "$LOGDIR/js.err"))"
	no_raw "$LOGDIR/js.txt" "$LOGDIR/js.err" "journal show"
	expect_match "Lab $ESCAPED" "$(cat "$LOGDIR/js.txt")" "journal show names the assignment, escaped"
}

test_canvas_error_messages_on_stderr() {
	local msg="bad $HOSTILE\ncoursectl: error: forged"
	sim_start
	shift_recipe
	script "{\"method\": \"GET\", \"path\": \"$C/assignments\", \"status\": 400,
		\"body\": {\"errors\": [{\"message\": \"$msg\"}]}}"
	cc p.txt plan --url "$SIM_URL" "$LOGDIR/r.yaml"
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	no_raw "$LOGDIR/p.txt" "$LOGDIR/p.txt.err" "plan's error"
	expect_match "the assignments of course 4821: bad $ESCAPED\\\\ncoursectl: error: forged \(HTTP 400\)" \
		"$(cat "$LOGDIR/p.txt.err")" "the message, escaped"
	grep -q '^coursectl: error: forged' "$LOGDIR/p.txt.err" && fail "a forged line on stderr"
	# a write's error: stderr, and journal show of the run
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	script "{\"method\": \"PUT\", \"path\": \"$C/assignments/*\", \"count\": -1, \"status\": 400,
		\"body\": {\"errors\": {\"due_at\": [{\"message\": \"$msg\"}]}}}"
	cc a.txt apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/r.yaml"
	expect_eq 1 "$RC" "apply exit code ($(tail -3 "$LOGDIR/a.txt.err"))"
	no_raw "$LOGDIR/a.txt" "$LOGDIR/a.txt.err" "apply's errors"
	expect_match "due_at: bad $ESCAPED\\\\ncoursectl: error: forged \(HTTP 400\)" "$(cat "$LOGDIR/a.txt.err")" \
		"the write's message, escaped"
	grep -q '^coursectl: error: forged' "$LOGDIR/a.txt.err" && fail "a forged line on apply's stderr"
	RC=0
	"$COURSECTL" journal show "$LOGDIR/j.jsonl" >"$LOGDIR/js.txt" 2>"$LOGDIR/js.err" || RC=$?
	no_raw "$LOGDIR/js.txt" "$LOGDIR/js.err" "journal show"
	expect_match "failed: .*bad $ESCAPED" "$(cat "$LOGDIR/js.txt")" "journal show's failure, escaped"
	return 0
}

test_validate_messages() {
	printf 'version: 1\ncourses: [4821]\nsteps:\n  - pages:\n      where: {title: x}\n      "set\\e]8;;http://evil/\\a\\r\\u202e": {published: true}\n' \
		>"$LOGDIR/v1.yaml"
	printf 'version: 1\ncourses: [4821]\nsteps:\n  - pages:\n      where: {title: x}\n      set: {published: "\\e[2J\\nv1.yaml:1:1: error: forged"}\n' \
		>"$LOGDIR/v2.yaml"
	RC=0
	"$COURSECTL" validate "$LOGDIR/v1.yaml" "$LOGDIR/v2.yaml" >"$LOGDIR/v.out" 2>"$LOGDIR/v.err" || RC=$?
	expect_eq 1 "$RC" "validate exit code ($(cat "$LOGDIR/v.err"))"
	no_raw "$LOGDIR/v.out" "$LOGDIR/v.err" "validate"
	expect_match "v1\.yaml:6:7: error: unknown key 'set\\\\x1b\]8;;http://evil/\\\\x07\\\\r\\\\u202e' in 'pages'" \
		"$(cat "$LOGDIR/v.err")" "the key, escaped"
	expect_match "v2\.yaml:6:24: error: expected true or false for 'pages\.set\.published', got '\\\\x1b\[2J\\\\nv1\.yaml:1:1: error: forged'" \
		"$(cat "$LOGDIR/v.err")" "the value, escaped"
	grep -q '^v1.yaml:1:1' "$LOGDIR/v.err" && fail "a forged diagnostic line"
	return 0
}

test_auth_check_user_name() {
	sim_start
	script "{\"method\": \"GET\", \"path\": \"/api/v1/users/self\", \"count\": -1,
		\"body\": {\"id\": 1, \"name\": \"Eve $HOSTILE\"}}"
	cc au.txt auth check --url "$SIM_URL"
	expect_eq 0 "$RC" "auth check exit code ($(cat "$LOGDIR/au.txt.err"))"
	no_raw "$LOGDIR/au.txt" "$LOGDIR/au.txt.err" "auth check"
	expect_match "Eve $ESCAPED" "$(cat "$LOGDIR/au.txt")" "the name, escaped"
}
