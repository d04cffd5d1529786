# tests/e2e/t1100-hardening.sh -- issue 17's review findings, each against canvas-sim.
#
# The recipe lives in $LOGDIR/repo (a checkout) and coursectl runs from $LOGDIR/elsewhere.
# Cases:
#   files   body_file/from_file: '../token', an absolute path and a symlink out of the folder are
#           refused at recipe:line:col by validate and plan, before any request; --allow-outside DIR
#           lets a file in DIR in; a file inside the folder that holds the token is refused (plan
#           and validate), and the token is in no output;
#   env     ${env.X} reads only what `vars: {env: [...]}` lists;
#   paging  a Link rel="next" back to a page already read stops the list with a clear error after
#           2 requests (the review saw 181,000 in 10 s); a list that never ends (canvas-sim
#           --endless-link) stops at the page bound (lowered to 30 by COURSECTL_MAX_PAGES);
#   json    a \u0000 in a string, a float or 2^53+1 id, an id listed twice, a course answer with
#           another id: each refused naming the object (never truncated, rounded or dropped);
#   stall   a run whose every request is throttled says so on stderr (COURSECTL_STALL_WARN_S=1);
#   token   a server error echoing the token is printed and journaled as [token];
#   files   plan --out, snapshot -o and a journal's lock never follow a link another user planted;
#           the files are 0600 under umask 022/000; the User-Agent is coursectl/VERSION only.
# The hostile server is canvas-sim with respond scripts (tests/sim/README.md 6.5).

C=/api/v1/courses/4821

cc() {
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" "$@"
}

# run OUT ARGS...: coursectl from $LOGDIR/elsewhere, stdout in $LOGDIR/OUT, stderr in OUT.err; sets RC.
run() {
	local out=$1
	shift
	RC=0
	mkdir -p "$LOGDIR/elsewhere"
	(cd "$LOGDIR/elsewhere" && cc "$@") >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

# page_recipe BODY_FILE: a recipe in $LOGDIR/repo whose page body comes from BODY_FILE (line 7).
page_recipe() {
	mkdir -p "$LOGDIR/repo/pages"
	cat >"$LOGDIR/repo/recipe.yaml" <<EOF2
version: 1
courses: [4821]
steps:
  - name: Syllabus
    pages:
      where: {url: syllabus-policies}
      body_file: $1
EOF2
}

api_requests() {
	curl -s "$SIM_URL/__sim/requests" | jq length
}

# expect_refused OUT WHAT: exit 1, the message at recipe.yaml:7:18, the token nowhere.
expect_refused() {
	expect_eq 1 "$RC" "$2: exit code ($(cat "$LOGDIR/$1.err"))"
	expect_match "^$LOGDIR/repo/recipe.yaml:7:18: error: 'pages.body_file' .*\\(pass --allow-outside DIR" \
		"$(cat "$LOGDIR/$1.err")" "$2: message"
	if grep -q "$TOKEN" "$LOGDIR/$1" "$LOGDIR/$1.err"; then
		fail "$2: the token is in the output"
	fi
}

test_body_file_dotdot_token_refused() {
	sim_start
	page_recipe ../token
	printf '%s\n' "$TOKEN" >"$LOGDIR/token"
	chmod 600 "$LOGDIR/token"
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_refused v.out validate
	expect_match "leads out of the recipe's folder with '\.\.'" "$(cat "$LOGDIR/v.out.err")" "why"
	RC=0
	(cd "$LOGDIR/repo" && "$COURSECTL" plan --url "$SIM_URL" --token-file ../token --format markdown recipe.yaml) \
		>"$LOGDIR/p.md" 2>"$LOGDIR/p.md.err" </dev/null || RC=$?
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.md.err"))"
	expect_match "^recipe.yaml:7:18: error: 'pages.body_file' '\.\./token' leads out" "$(cat "$LOGDIR/p.md.err")" "plan"
	grep -q "$TOKEN" "$LOGDIR/p.md" "$LOGDIR/p.md.err" && fail "the token is in the plan's output"
	expect_eq 0 "$(api_requests)" "requests to Canvas"
}

test_body_file_absolute_refused() {
	sim_start
	printf '<p>x</p>\n' >"$LOGDIR/outside.html"
	page_recipe "$LOGDIR/outside.html"
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_refused v.out validate
	expect_match "is an absolute path" "$(cat "$LOGDIR/v.out.err")" "why"
}

test_body_file_symlink_out_refused() {
	sim_start
	page_recipe pages/syllabus.html
	mkdir -p "$LOGDIR/secret"
	printf '[core]\n\turl = https://x-access-token:ghs_abc@github.com/o/r\n' >"$LOGDIR/secret/config"
	ln -s "$LOGDIR/secret/config" "$LOGDIR/repo/pages/syllabus.html"
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_refused v.out validate
	expect_match "resolves to '$LOGDIR/secret/config', outside the recipe's folder" "$(cat "$LOGDIR/v.out.err")" why
	# a symlinked folder is the same escape
	rm "$LOGDIR/repo/pages/syllabus.html"
	ln -s "$LOGDIR/secret" "$LOGDIR/repo/pages/s"
	page_recipe pages/s/config
	run p.out plan --url "$SIM_URL" "$LOGDIR/repo/recipe.yaml"
	expect_refused p.out plan
	grep -q ghs_abc "$LOGDIR/p.out" "$LOGDIR/p.out.err" && fail "the secret is in the plan"
	expect_eq 0 "$(api_requests)" "requests to Canvas"
}

test_body_file_allow_outside_dir() {
	sim_start
	mkdir -p "$LOGDIR/shared"
	printf '<p>From the shared folder</p>\n' >"$LOGDIR/shared/s.html"
	page_recipe ../shared/s.html
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_refused v.out "without --allow-outside"
	run v.out validate --allow-outside "$LOGDIR/shared" "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "validate --allow-outside ($(cat "$LOGDIR/v.out.err"))"
	run p.json plan --url "$SIM_URL" --allow-outside "$LOGDIR/shared" --format json "$LOGDIR/repo/recipe.yaml"
	expect_eq 0 "$RC" "plan --allow-outside ($(cat "$LOGDIR/p.json.err"))"
	expect_eq '<p>From the shared folder</p>' \
		"$(jq -r '.changes[] | select(.field == "body") | .after' "$LOGDIR/p.json")" "planned body"
	# another folder is still out
	printf 'x\n' >"$LOGDIR/other.html"
	page_recipe "$LOGDIR/other.html"
	run v.out validate --allow-outside "$LOGDIR/shared" "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "a folder not allowed"
	expect_match "resolves to '$LOGDIR/other.html', outside" "$(cat "$LOGDIR/v.out.err")" "message"
}

test_file_holding_the_token_refused() {
	sim_start
	page_recipe pages/notes.html
	printf '<p>token: %s</p>\n' "$TOKEN" >"$LOGDIR/repo/pages/notes.html"
	run p.md plan --url "$SIM_URL" --format markdown "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.md.err"))"
	expect_match "$LOGDIR/repo/recipe.yaml:7:18: 'pages.body_file' '$LOGDIR/repo/pages/notes.html' holds the Canvas token" \
		"$(cat "$LOGDIR/p.md.err")" "plan message"
	grep -q "$TOKEN" "$LOGDIR/p.md" "$LOGDIR/p.md.err" && fail "the token is in the plan's output"
	expect_eq 0 "$(api_requests)" "requests to Canvas"
	run a.out apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "apply exit code ($(cat "$LOGDIR/a.out.err"))"
	expect_eq 0 "$(api_requests)" "requests to Canvas after apply"
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "validate exit code"
	expect_match "holds the Canvas token" "$(cat "$LOGDIR/v.out.err")" "validate message"
	grep -q "$TOKEN" "$LOGDIR/v.out" "$LOGDIR/v.out.err" && fail "the token is in validate's output"
	return 0
}

test_from_file_symlink_out_refused() {
	sim_start
	mkdir -p "$LOGDIR/repo" "$LOGDIR/secret"
	printf '4821\n' >"$LOGDIR/secret/ids.txt"
	ln -s "$LOGDIR/secret/ids.txt" "$LOGDIR/repo/ids.txt"
	cat >"$LOGDIR/repo/recipe.yaml" <<'EOF2'
version: 1
courses: {from_file: ids.txt}
steps:
  - shift_dates: {days: 7}
EOF2
	run v.out validate "$LOGDIR/repo/recipe.yaml"
	expect_eq 1 "$RC" "validate exit code"
	expect_match "^$LOGDIR/repo/recipe.yaml:2:22: error: 'courses.from_file' 'ids.txt' resolves to .* outside" \
		"$(cat "$LOGDIR/v.out.err")" "message"
}

test_env_reads_only_listed_variables() {
	sim_start
	mkdir -p "$LOGDIR/repo"
	cat >"$LOGDIR/repo/recipe.yaml" <<'EOF2'
version: 1
description: "term ${env.TERM_CODE}, ${env.CI_SECRET}"
courses: [4821]
steps:
  - shift_dates: {days: 7}
EOF2
	RC=0
	TERM_CODE=F26 CI_SECRET=hunter2 "$COURSECTL" validate "$LOGDIR/repo/recipe.yaml" >"$LOGDIR/v.out" 2>"$LOGDIR/v.out.err" ||
		RC=$?
	expect_eq 1 "$RC" "validate exit code"
	expect_match "2:14: error: \\$\\{env.TERM_CODE\\} is not allowed: a recipe reads only the environment variables it lists" \
		"$(cat "$LOGDIR/v.out.err")" "TERM_CODE unlisted"
	grep -q hunter2 "$LOGDIR/v.out.err" && fail "the secret is in the message"
	sed -i 's/^version: 1$/version: 1\nvars: {env: [TERM_CODE]}/' "$LOGDIR/repo/recipe.yaml"
	RC=0
	TERM_CODE=F26 CI_SECRET=hunter2 "$COURSECTL" validate "$LOGDIR/repo/recipe.yaml" >"$LOGDIR/v.out" 2>"$LOGDIR/v.out.err" ||
		RC=$?
	expect_eq 1 "$RC" "validate exit code, CI_SECRET still unlisted"
	expect_match "3:14: error: \\$\\{env.CI_SECRET\\} is not allowed" "$(cat "$LOGDIR/v.out.err")" "CI_SECRET"
	grep -q "TERM_CODE" "$LOGDIR/v.out.err" && fail "TERM_CODE is listed now"
	sed -i 's/, ${env.CI_SECRET}//' "$LOGDIR/repo/recipe.yaml"
	RC=0
	TERM_CODE=F26 CI_SECRET=hunter2 CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --format json \
		"$LOGDIR/repo/recipe.yaml" >"$LOGDIR/p.json" 2>"$LOGDIR/p.json.err" || RC=$?
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.json.err"))"
	expect_eq "term F26" "$(jq -r .description "$LOGDIR/p.json")" "the listed variable expands"
}

# shift_recipe: a recipe in $LOGDIR/repo that moves course 4821's dates a week.
shift_recipe() {
	mkdir -p "$LOGDIR/repo"
	printf 'version: 1\ncourses: [4821]\nsteps:\n  - shift_dates: {days: 7}\n' >"$LOGDIR/repo/recipe.yaml"
}

# script JSON: arm a canvas-sim script (tests/sim/README.md 6.5).
script() {
	curl -sf -X POST "$SIM_URL/__sim/script" -d "$1" >/dev/null || fail "cannot arm the script $1"
}

test_link_next_to_itself_stops() {
	sim_start
	shift_recipe
	script "{\"method\": \"GET\", \"path\": \"$C/assignments\", \"count\": -1, \"body\": \"[]\",
		\"headers\": {\"Link\": \"<$SIM_URL$C/assignments?page=2&per_page=100>; rel=\\\"next\\\"\"}}"
	RC=0
	CANVAS_API_TOKEN=$TOKEN timeout 20 "$COURSECTL" plan --url "$SIM_URL" "$LOGDIR/repo/recipe.yaml" \
		>"$LOGDIR/p.txt" 2>"$LOGDIR/p.txt.err" </dev/null || RC=$?
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: Canvas's rel=\"next\" link leads back to a page already read \\($SIM_URL$C/assignments\\?page=2&per_page=100\\): the list loops; stopping it after 2 pages" \
		"$(cat "$LOGDIR/p.txt.err")" "message"
	expect_eq 2 "$(curl -s "$SIM_URL/__sim/requests" | jq "[.[] | select(.path == \"$C/assignments\")] | length")" \
		"requests of the list"
}

# plan_with_answer PATH BODY: plan shift_recipe while canvas-sim answers GET PATH with BODY; RC set.
plan_with_answer() {
	shift_recipe
	script "$(jq -nc --arg p "$1" --arg b "$2" '{method: "GET", path: $p, count: -1, body: $b}')"
	RC=0
	CANVAS_API_TOKEN=$TOKEN timeout 20 "$COURSECTL" plan --url "$SIM_URL" --format json "$LOGDIR/repo/recipe.yaml" \
		>"$LOGDIR/p.json" 2>"$LOGDIR/p.json.err" </dev/null || RC=$?
}

test_nul_in_a_string_is_refused() {
	sim_start
	plan_with_answer "$C/assignments" \
		'[{"id": 51001, "name": "Lab 1", "due_at": null}, {"id": 51002, "name": "Lab\u0000 2 (hidden)", "due_at": null}]'
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.json.err"))"
	expect_match "the assignments of course 4821: Canvas sent a NUL character \(\\\\u0000\) in a string \(object id 51002, field 'name'\); refusing the answer rather than cutting the text short there" \
		"$(cat "$LOGDIR/p.json.err")" "message"
	# an escaped backslash before u0000 is text, not a NUL
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	plan_with_answer "$C/assignments" '[{"id": 51002, "name": "C:\\u0000 path", "due_at": null}]'
	expect_eq 0 "$RC" "plan exit code with a literal \\u0000 ($(cat "$LOGDIR/p.json.err"))"
}

test_float_and_huge_ids_are_refused() {
	sim_start
	plan_with_answer "$C/assignments" '[{"id": 51002.5, "name": "Lab", "due_at": null}]'
	expect_eq 1 "$RC" "plan exit code, 51002.5 ($(cat "$LOGDIR/p.json.err"))"
	expect_match "the assignments of course 4821: Canvas sent 'id' 51002.5, which is not a whole number; refusing" \
		"$(cat "$LOGDIR/p.json.err")" "float id"
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	plan_with_answer "$C/assignments" '[{"id": 51002, "assignment_group_id": 9007199254740993, "name": "Lab"}]'
	expect_eq 1 "$RC" "plan exit code, 2^53+1"
	expect_match "Canvas sent 'assignment_group_id' 9007199254740992, which is not an id a number can hold exactly" \
		"$(cat "$LOGDIR/p.json.err")" "huge id"
}

test_duplicate_id_in_a_list_is_refused() {
	sim_start
	plan_with_answer "$C/assignments" \
		'[{"id": 51002, "name": "Lab", "due_at": null}, {"id": 51002, "name": "Lab (other)", "due_at": null}]'
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.json.err"))"
	expect_match "the assignments of course 4821: Canvas listed id 51002 twice; refusing the list rather than keeping one" \
		"$(cat "$LOGDIR/p.json.err")" "message"
}

test_course_answer_with_another_id() {
	sim_start
	plan_with_answer "$C" "$(curl -s -H "Authorization: Bearer $TOKEN" "$SIM_URL$C" | jq -c '.id = 4822')"
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.json.err"))"
	expect_match "course 4821: Canvas answered with course 4822 instead; refusing the answer" \
		"$(cat "$LOGDIR/p.json.err")" "message"
	if grep -qi calendar "$LOGDIR/p.json.err"; then
		fail "a message about calendars: $(cat "$LOGDIR/p.json.err")"
	fi
}

test_throttled_run_says_it_makes_no_progress() {
	sim_start
	shift_recipe
	script "{\"method\": \"GET\", \"path\": \"$C/assignments\", \"count\": -1, \"status\": 403,
		\"content_type\": \"text/plain\", \"body\": \"403 Forbidden (Rate Limit Exceeded)\"}"
	RC=0
	COURSECTL_STALL_WARN_S=1 CANVAS_API_TOKEN=$TOKEN timeout -s INT 5 "$COURSECTL" plan --url "$SIM_URL" \
		"$LOGDIR/repo/recipe.yaml" >"$LOGDIR/p.txt" 2>"$LOGDIR/p.txt.err" </dev/null || RC=$?
	expect_match "coursectl: warning: no progress for [0-9]+ s: no request has finished since; Canvas throttled [1-9][0-9]* answers? \(its rate limit\)" \
		"$(cat "$LOGDIR/p.txt.err")" "the stall is reported"
	[ "$(grep -c 'no progress for' "$LOGDIR/p.txt.err")" -ge 2 ] || fail "reported once only: $(cat "$LOGDIR/p.txt.err")"
}

test_server_error_echoing_the_token_is_masked() {
	sim_start
	shift_recipe
	script "{\"method\": \"GET\", \"path\": \"$C/assignments\", \"status\": 400,
		\"body\": {\"errors\": [{\"message\": \"token $TOKEN is not valid for include[]=overrides\"}]}}"
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" "$LOGDIR/repo/recipe.yaml" \
		>"$LOGDIR/p.txt" 2>"$LOGDIR/p.txt.err" </dev/null || RC=$?
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the assignments of course 4821: token \[token\] is not valid for include\[\]=overrides \(HTTP 400\)" \
		"$(cat "$LOGDIR/p.txt.err")" "masked message"
	grep -q "$TOKEN" "$LOGDIR/p.txt" "$LOGDIR/p.txt.err" && fail "the token is printed"
	# a write answered with the token: stderr and the journal are masked
	curl -s -X DELETE "$SIM_URL/__sim/script" >/dev/null
	script "{\"method\": \"PUT\", \"path\": \"$C/assignments/*\", \"count\": -1, \"status\": 400,
		\"body\": {\"errors\": {\"due_at\": [{\"message\": \"refused for $TOKEN\"}]}}}"
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" \
		"$LOGDIR/repo/recipe.yaml" >"$LOGDIR/a.txt" 2>"$LOGDIR/a.txt.err" </dev/null || RC=$?
	expect_eq 1 "$RC" "apply exit code ($(tail -3 "$LOGDIR/a.txt.err"))"
	expect_match "due_at: refused for \[token\]" "$(cat "$LOGDIR/a.txt.err" "$LOGDIR/a.txt")" "masked in apply's output"
	expect_match "refused for \[token\]" "$(cat "$LOGDIR/j.jsonl")" "masked in the journal"
	grep -q "$TOKEN" "$LOGDIR/a.txt" "$LOGDIR/a.txt.err" "$LOGDIR/j.jsonl" && fail "the token is in apply's output"
	return 0
}

# plant NAME: a symlink NAME -> $LOGDIR/victim (a file of ours another user wants overwritten).
plant() {
	printf 'precious\n' >"$LOGDIR/victim"
	ln -sf "$LOGDIR/victim" "$1"
}

expect_private_file() {
	[ -f "$1" ] && [ ! -L "$1" ] || fail "$1 is not a regular file"
	expect_eq 600 "$(stat -c %a "$1")" "mode of $1"
	expect_eq precious "$(cat "$LOGDIR/victim")" "the file the planted link points to"
}

test_plan_out_never_follows_a_planted_link() {
	sim_start
	shift_recipe
	plant "$LOGDIR/plan.json.tmp"
	RC=0
	(umask 022 && CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan.json" \
		--format json "$LOGDIR/repo/recipe.yaml") >/dev/null 2>"$LOGDIR/p.err" || RC=$?
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.err"))"
	expect_private_file "$LOGDIR/plan.json"
	expect_eq coursectl-plan "$(jq -r .format "$LOGDIR/plan.json")" "the plan file"
	[ ! -e "$LOGDIR/plan.json.tmp" ] || fail "the temporary file is left"
	# a link planted at the file itself is replaced, not written through
	plant "$LOGDIR/plan2.json"
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" --out "$LOGDIR/plan2.json" "$LOGDIR/repo/recipe.yaml" \
		>/dev/null 2>"$LOGDIR/p.err" || RC=$?
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.err"))"
	expect_private_file "$LOGDIR/plan2.json"
}

test_snapshot_out_never_follows_a_planted_link() {
	sim_start
	plant "$LOGDIR/snap.json.tmp"
	RC=0
	(umask 000 && CANVAS_API_TOKEN=$TOKEN "$COURSECTL" snapshot --url "$SIM_URL" --course 4821 -o "$LOGDIR/snap.json") \
		2>"$LOGDIR/s.err" || RC=$?
	expect_eq 0 "$RC" "snapshot exit code ($(cat "$LOGDIR/s.err"))"
	expect_private_file "$LOGDIR/snap.json"
	expect_eq 4821 "$(jq -r '.courses[0].id' "$LOGDIR/snap.json")" "the snapshot"
}

test_journal_lock_never_follows_a_planted_link() {
	sim_start
	shift_recipe
	plant "$LOGDIR/j.jsonl.lock"
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" apply --url "$SIM_URL" --yes --journal "$LOGDIR/j.jsonl" \
		"$LOGDIR/repo/recipe.yaml" >/dev/null 2>"$LOGDIR/a.err" || RC=$?
	expect_eq precious "$(cat "$LOGDIR/victim")" "the file the planted lock link points to"
	[ "$RC" -ne 0 ] || fail "apply went on through a planted lock link"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length')" "writes sent"
}

test_user_agent_does_not_name_the_recipe() {
	sim_start
	shift_recipe
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" plan --url "$SIM_URL" "$LOGDIR/repo/recipe.yaml" >/dev/null 2>"$LOGDIR/p.err" ||
		RC=$?
	expect_eq 0 "$RC" "plan exit code ($(cat "$LOGDIR/p.err"))"
	expect_eq "coursectl/$("$COURSECTL" --version | awk 'NR == 1 {print $2}')" \
		"$(curl -s "$SIM_URL/__sim/requests" | jq -r '[.[].user_agent] | unique | join(",")')" "User-Agent"
}

test_endless_list_is_bounded() {
	sim_start --endless-link
	shift_recipe
	RC=0
	COURSECTL_MAX_PAGES=30 CANVAS_API_TOKEN=$TOKEN timeout 20 "$COURSECTL" plan --url "$SIM_URL" \
		"$LOGDIR/repo/recipe.yaml" >"$LOGDIR/p.txt" 2>"$LOGDIR/p.txt.err" </dev/null || RC=$?
	expect_eq 1 "$RC" "plan exit code ($(cat "$LOGDIR/p.txt.err"))"
	expect_match "the [a-z_]+ of course 4821: Canvas still links to a next page after 30 pages \($SIM_URL/api/v1/[^ ?]+\?.*page=31&per_page=100\); stopping the list there" \
		"$(cat "$LOGDIR/p.txt.err")" "message"
	curl -s "$SIM_URL/__sim/requests" >"$LOGDIR/requests.json"
	[ "$(jq '[.[] | select(.query | test("(^|&)page=30(&|$)"))] | length' "$LOGDIR/requests.json")" -ge 1 ] ||
		fail "no list reached page 30"
	expect_eq 0 "$(jq '[.[] | select(.query | test("(^|&)page=31(&|$)"))] | length' "$LOGDIR/requests.json")" \
		"requests past the bound"
}
