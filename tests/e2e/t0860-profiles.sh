# tests/e2e/t0860-profiles.sh -- profiles, token sources and `coursectl auth check` (issue 8).
#
# Each case gets its own HOME and XDG_CONFIG_HOME under $LOGDIR (the user's real config never
# counts) and a seed with one more token, SECRET, so that "the token appears nowhere" is a grep for
# a string nothing else contains. Cases: profile selection by --profile, COURSECTL_PROFILE and
# default_profile; precedence (flag > environment > profile > recipe) for URL and token, and the
# refusal to send a profile's token to another Canvas; token_file and token_command for plan, apply
# and auth check; token_command failing, printing nothing, hanging; the token in no output, -v log,
# plan file or journal; the token in no child's argv (the command records the process table while
# coursectl waits on it); auth check's output and exit codes; the config file's own errors.

PLAN_SEED=$FIXTURES/plan-seed.json
SECRET=tok-Pr0file-7f3a9c51e2

# setup: a private home with a config directory and a seed knowing SECRET; canvas-sim started.
setup() {
	export HOME=$LOGDIR/home
	export XDG_CONFIG_HOME=$HOME/.config
	unset CANVAS_API_TOKEN CANVAS_BASE_URL COURSECTL_PROFILE
	mkdir -p "$XDG_CONFIG_HOME/coursectl"
	chmod 700 "$HOME" "$XDG_CONFIG_HOME" "$XDG_CONFIG_HOME/coursectl"
	CFG=$XDG_CONFIG_HOME/coursectl/config.yaml
	printf '%s\n' "$SECRET" >"$HOME/token"
	chmod 600 "$HOME/token"
	jq --arg s "$SECRET" '.tokens += [$s]' "$PLAN_SEED" >"$LOGDIR/seed.json"
	sim_start --seed "$LOGDIR/seed.json"
}

# config TEXT: write the config file (mode 600).
config() {
	printf '%s\n' "$1" >"$CFG"
	chmod 600 "$CFG"
}

# cc OUT ARGS...: coursectl with stdout in $LOGDIR/OUT, stderr in $LOGDIR/OUT.err; sets RC.
cc() {
	local out=$1
	shift
	RC=0
	"$COURSECTL" "$@" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null || RC=$?
}

# The number of /api/ requests canvas-sim has seen.
api_requests() {
	curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.path | startswith("/api/"))] | length'
}

expect_rc() {
	expect_eq "$1" "$RC" \
		"exit code of $2 (stdout: $(head -c 300 "$LOGDIR/$2"); stderr: $(head -c 600 "$LOGDIR/$2.err"))"
}

# no_secret FILE...: SECRET is in none of the files.
no_secret() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || fail "missing $f"
		! grep -qF "$SECRET" "$f" || fail "the token appears in $f"
	done
}

# A recipe with canvas.url pointing nowhere: a profile's url must beat it.
recipe_nowhere() {
	sed 's|^version: 1$|version: 1\ncanvas:\n  url: http://127.0.0.1:1|' "$ROOT/recipes/fix-links.yaml" \
		>"$LOGDIR/r.yaml"
	grep -q '^  url: http://127.0.0.1:1' "$LOGDIR/r.yaml" || fail "recipe not rewritten"
}

test_profile_selection() {
	setup
	config "default_profile: file
profiles:
  file: {url: '$SIM_URL', token_file: ~/token}
  cmd: {url: '$SIM_URL', token_command: 'cat \"\$HOME/token\"'}
  wrong: {url: '$SIM_URL', token_command: 'echo not-a-valid-token'}"
	cc a auth check
	expect_rc 0 a
	expect_match "user +Dr\\. A\\. Rivera \\(id 9001\\)" "$(cat "$LOGDIR/a")" "user line"
	expect_match "token +from token_file $HOME/token of profile 'file'" "$(cat "$LOGDIR/a")" "token source"
	expect_match "canvas +$SIM_URL +\\(from profile 'file'\\)" "$(cat "$LOGDIR/a")" "canvas line"
	cc b auth check --profile cmd
	expect_rc 0 b
	expect_match "token +from token_command of profile 'cmd'" "$(cat "$LOGDIR/b")" "token source"
	RC=0
	COURSECTL_PROFILE=cmd "$COURSECTL" auth check >"$LOGDIR/c" 2>"$LOGDIR/c.err" || RC=$?
	expect_rc 0 c
	expect_match "profile +cmd" "$(cat "$LOGDIR/c")" "COURSECTL_PROFILE picks the profile"
	# --profile beats COURSECTL_PROFILE, which beats default_profile
	RC=0
	COURSECTL_PROFILE=wrong "$COURSECTL" auth check --profile cmd >"$LOGDIR/d" 2>"$LOGDIR/d.err" || RC=$?
	expect_rc 0 d
	RC=0
	COURSECTL_PROFILE=wrong "$COURSECTL" auth check >"$LOGDIR/e" 2>"$LOGDIR/e.err" || RC=$?
	expect_rc 3 e
	cc f auth check --profile nosuch
	expect_rc 64 f
	expect_match "unknown profile 'nosuch' \\(--profile\\); the profiles in .*config.yaml are: file, cmd, wr" \
		"$(cat "$LOGDIR/f.err")" "unknown profile message"
	no_secret "$LOGDIR"/[a-f] "$LOGDIR"/[a-f].err
}

test_precedence() {
	setup
	# the profile's url is a dead port and its token is wrong: every case below works only when the
	# flag or the environment wins
	config "default_profile: p
profiles:
  p: {url: 'http://127.0.0.1:1', token_command: 'echo wrong-token'}
  sim: {url: '$SIM_URL', token_file: ~/token}"
	printf 'wrong-token\n' >"$HOME/wrong"
	chmod 600 "$HOME/wrong"
	# URL: --url beats CANVAS_BASE_URL beats the profile (the token from the environment)
	RC=0
	CANVAS_API_TOKEN=$SECRET CANVAS_BASE_URL=http://127.0.0.1:1 "$COURSECTL" auth check --url "$SIM_URL" \
		>"$LOGDIR/a" 2>"$LOGDIR/a.err" || RC=$?
	expect_rc 0 a
	expect_match "\\(from --url\\)" "$(cat "$LOGDIR/a")" "url source"
	RC=0
	CANVAS_API_TOKEN=$SECRET CANVAS_BASE_URL=$SIM_URL "$COURSECTL" auth check \
		>"$LOGDIR/b" 2>"$LOGDIR/b.err" || RC=$?
	expect_rc 0 b
	expect_match "\\(from CANVAS_BASE_URL\\)" "$(cat "$LOGDIR/b")" "url source"
	expect_match "token +from CANVAS_API_TOKEN" "$(cat "$LOGDIR/b")" "token source"
	# token: --token-file beats CANVAS_API_TOKEN beats the profile
	RC=0
	CANVAS_API_TOKEN=wrong-token "$COURSECTL" auth check --url "$SIM_URL" --token-file "$HOME/token" \
		>"$LOGDIR/c" 2>"$LOGDIR/c.err" || RC=$?
	expect_rc 0 c
	expect_match "token +from --token-file $HOME/token" "$(cat "$LOGDIR/c")" "token source"
	RC=0
	CANVAS_API_TOKEN=$SECRET "$COURSECTL" auth check --profile sim --token-file "$HOME/wrong" \
		>"$LOGDIR/d" 2>"$LOGDIR/d.err" || RC=$?
	expect_rc 3 d
	# the profile's token is not sent to a URL given by flag or environment
	before=$(api_requests)
	cc e auth check --url "$SIM_URL"
	expect_rc 64 e
	expect_match "the token of profile 'p' is for http://127.0.0.1:1, not for $SIM_URL \\(--url\\)" \
		"$(cat "$LOGDIR/e.err")" "refusal"
	expect_eq "$before" "$(api_requests)" "requests made by the refused run"
	# the profile beats the recipe's canvas.url
	recipe_nowhere
	cc plan plan --profile sim "$LOGDIR/r.yaml"
	expect_rc 0 plan
	expect_match "^Plan: [0-9]+ changes" "$(tail -n 1 "$LOGDIR/plan")" "plan summary"
}

test_token_sources_plan_apply_no_leak() {
	setup
	config "profiles:
  f: {url: '$SIM_URL', token_file: ~/token}
  c: {url: '$SIM_URL', token_command: 'cat ~/token'}"
	cc p1 plan -v --profile f --out "$LOGDIR/p1.json" "$ROOT/recipes/fix-links.yaml"
	expect_rc 0 p1
	cc p2 plan -v --profile c --out "$LOGDIR/p2.json" "$ROOT/recipes/fix-links.yaml"
	expect_rc 0 p2
	expect_match "running the token_command 'cat ~/token' of profile 'c'" \
		"$(cat "$LOGDIR/p2.err")" "-v names the command"
	expect_eq "$(jq -S .changes "$LOGDIR/p1.json")" \
		"$(jq -S .changes "$LOGDIR/p2.json")" "plans by file and by command"
	cc ap apply -v --yes --profile c --journal "$LOGDIR/j.jsonl" "$LOGDIR/p2.json"
	expect_rc 0 ap
	# the apply reached Canvas with the command's token: the sim's state changed
	expect_match "Ed Discussion" "$(state '[.courses[].pages[]?.title] | join(",")')" "a page title after apply"
	cc au auth check -v --profile c --format json
	expect_rc 0 au
	expect_eq "9001 Dr. A. Rivera c token_command of profile 'c'" \
		"$(jq -r '"\(.user.id) \(.user.name) \(.profile) \(.token_source)"' "$LOGDIR/au")" "auth check json"
	expect_eq "$SIM_URL" "$(jq -r .base_url "$LOGDIR/au")" "base_url"
	no_secret "$LOGDIR"/p1 "$LOGDIR"/p1.err "$LOGDIR"/p1.json "$LOGDIR"/p2 "$LOGDIR"/p2.err "$LOGDIR"/p2.json \
		"$LOGDIR"/ap "$LOGDIR"/ap.err "$LOGDIR"/j.jsonl "$LOGDIR"/au "$LOGDIR"/au.err
	! grep -rqF "$SECRET" "$HOME/.local" 2>/dev/null || fail "the token appears under ~/.local"
}

test_token_not_in_child_argv() {
	setup
	# The command records every process's argv while coursectl waits on it, then prints the token
	# with the shell's builtin printf (cat's argv holds only the file name).
	cat >"$HOME/pm.sh" <<EOF
#!/bin/sh
ps -eo pid,ppid,args >"$LOGDIR/ps.txt"
for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' <"\$f"; echo; done >"$LOGDIR/cmdlines.txt" 2>/dev/null
echo "pm: unlocked" >&2
t=\$(cat "$HOME/token")
printf '%s\\n' "\$t"
EOF
	chmod 700 "$HOME/pm.sh"
	config "profiles:
  pm: {url: '$SIM_URL', token_command: '$HOME/pm.sh'}"
	cc a auth check --profile pm
	expect_rc 0 a
	expect_match "pm: unlocked" "$(cat "$LOGDIR/a.err")" "the command's stderr reaches the user"
	grep -q "coursectl auth check --profile pm" "$LOGDIR/ps.txt" ||
		fail "ps did not see coursectl: $(cat "$LOGDIR/ps.txt")"
	grep -q "pm.sh" "$LOGDIR/ps.txt" || fail "ps did not see the command"
	grep -q "coursectl" "$LOGDIR/cmdlines.txt" || fail "/proc did not show coursectl"
	no_secret "$LOGDIR/ps.txt" "$LOGDIR/cmdlines.txt" "$LOGDIR/a" "$LOGDIR/a.err"
}

test_token_command_failures() {
	setup
	config "profiles:
  fails: {url: '$SIM_URL', token_command: 'echo LEAKED-OUTPUT; echo pm: vault locked >&2; exit 2'}
  empty: {url: '$SIM_URL', token_command: 'true'}
  hangs: {url: '$SIM_URL', token_command: 'sleep 20', token_command_timeout: 1}"
	cc a auth check --profile fails
	expect_rc 3 a
	expect_match "token_command 'echo LEAKED-OUTPUT; .*; exit 2' of profile 'fails' exited with status 2" \
		"$(cat "$LOGDIR/a.err")" "failure message"
	expect_match "pm: vault locked" "$(cat "$LOGDIR/a.err")" "the command's stderr passes through"
	! grep -q "^LEAKED-OUTPUT" "$LOGDIR/a.err" "$LOGDIR/a" || fail "the command's stdout was printed"
	cc b plan --profile empty "$ROOT/recipes/fix-links.yaml"
	expect_rc 3 b
	expect_match "of profile 'empty' printed no token" "$(cat "$LOGDIR/b.err")" "empty output"
	SECONDS=0
	cc c auth check --profile hangs
	expect_rc 3 c
	expect_match "of profile 'hangs' did not finish within 1 s" "$(cat "$LOGDIR/c.err")" "timeout"
	[ "$SECONDS" -lt 10 ] || fail "the timeout took $SECONDS s"
	expect_eq 0 "$(api_requests)" "requests without a token"
}

test_auth_check_revoked_and_errors() {
	setup
	config "default_profile: s
profiles:
  s: {url: '$SIM_URL', token_command: 'cat ~/token'}"
	cc a auth check
	expect_rc 0 a
	sim_post /__sim/revoke "{\"token\": \"$SECRET\"}"
	expect_eq true "$(state '.tokens[] | objects | select(.token == "'"$SECRET"'") | .revoked')" \
		"the sim revoked the token"
	cc b auth check
	expect_rc 3 b
	expect_match "Canvas rejected the token .*Revoked access token.*Create a new one" "$(cat "$LOGDIR/b.err")" \
		"401 message"
	expect_match "the token came from token_command of profile 's'" "$(cat "$LOGDIR/b.err")" "where it came from"
	[ ! -s "$LOGDIR/b" ] || fail "output on a rejected token: $(cat "$LOGDIR/b")"
	# other failures exit 1: nothing listening
	RC=0
	CANVAS_API_TOKEN=x "$COURSECTL" auth check --url http://127.0.0.1:1 >"$LOGDIR/c" 2>"$LOGDIR/c.err" || RC=$?
	expect_rc 1 c
	cc d auth
	expect_rc 64 d
	cc e auth check --format yaml
	expect_rc 64 e
	no_secret "$LOGDIR"/[a-e] "$LOGDIR"/[a-e].err
}

test_config_file_errors() {
	setup
	config "profiles:
  p: {url: '$SIM_URL', tokn_file: ~/token}"
	RC=0
	CANVAS_API_TOKEN=$SECRET "$COURSECTL" auth check --url "$SIM_URL" >"$LOGDIR/a" 2>"$LOGDIR/a.err" || RC=$?
	expect_rc 64 a
	expect_match "config.yaml:2:[0-9]+: unknown key 'tokn_file' in profile 'p'; did you mean 'token_file'\\?" \
		"$(cat "$LOGDIR/a.err")" "error at line:col"
	config "profiles:
  p: {url: '$SIM_URL', token_command: 'cat ~/token'}"
	chmod 620 "$CFG"
	cc b auth check --profile p
	expect_rc 64 b
	expect_match "can be changed by other users \\(mode 620\\).*chmod go-w" "$(cat "$LOGDIR/b.err")" \
		"permission refusal"
	chmod 600 "$CFG"
	chmod 640 "$HOME/token"
	config "profiles:
  p: {url: '$SIM_URL', token_file: ~/token}"
	cc c auth check --profile p
	expect_rc 3 c
	expect_match "token file '$HOME/token' of profile 'p' can be read or written by other users.*chmod 600" \
		"$(cat "$LOGDIR/c.err")" "token file mode"
}
