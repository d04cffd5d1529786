# tests/e2e/t1121-token-process.sh -- the process that holds the token (issue 17, "The token and
# the wire"): no core dump and not dumpable while it holds it, and its children never see it.
#
# Cases:
#   command  a profile's token_command records, while coursectl waits on it, its parent's
#            /proc/PID/limits (core size 0) and its own environment: no CANVAS_API_TOKEN in it
#            even when an empty one is exported;
#   env      with CANVAS_API_TOKEN, coursectl's core size limit is 0 (read from /proc while a slow
#            canvas-sim keeps it waiting), and -v shows no token.
# The dumpable flag (PR_SET_DUMPABLE) shows in no /proc file this kernel has, and when the tests run
# as root the owner of /proc/PID does not change either: -v logs it as prctl(PR_GET_DUMPABLE) reads
# it back, and both cases check that line.
# That the buffers are wiped (explicit_bzero) is not observable from outside; SECURITY.md lists them.

SECRET=tok-Pr0cess-4b1d6e0c93

setup() {
	export HOME=$LOGDIR/home
	export XDG_CONFIG_HOME=$HOME/.config
	unset CANVAS_API_TOKEN CANVAS_BASE_URL COURSECTL_PROFILE
	mkdir -p "$XDG_CONFIG_HOME/coursectl"
	chmod 700 "$HOME" "$XDG_CONFIG_HOME" "$XDG_CONFIG_HOME/coursectl"
	printf '%s\n' "$SECRET" >"$HOME/token"
	chmod 600 "$HOME/token"
	jq --arg s "$SECRET" '.tokens += [$s]' "$FIXTURES/small-seed.json" >"$LOGDIR/seed.json"
	sim_start --seed "$LOGDIR/seed.json" "$@"
}

test_token_command_sees_a_protected_parent_and_no_token() {
	setup
	cat >"$HOME/pm.sh" <<EOF
#!/bin/sh
grep '^Max core file size' /proc/\$PPID/limits >"$LOGDIR/limits.txt"
env >"$LOGDIR/env.txt"
cat "$HOME/token"
EOF
	chmod 700 "$HOME/pm.sh"
	printf "profiles:\n  pm: {url: '%s', token_command: '%s'}\n" "$SIM_URL" "$HOME/pm.sh" \
		>"$XDG_CONFIG_HOME/coursectl/config.yaml"
	chmod 600 "$XDG_CONFIG_HOME/coursectl/config.yaml"
	RC=0
	CANVAS_API_TOKEN='' "$COURSECTL" auth check -v --profile pm >"$LOGDIR/out" 2>"$LOGDIR/out.err" || RC=$?
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/out.err"))"
	expect_match "token in memory: core size limit 0, dumpable 0" "$(cat "$LOGDIR/out.err")" "-v: dumpable"
	expect_match '^Max core file size +0 +0 ' "$(cat "$LOGDIR/limits.txt")" "coursectl's core size limit"
	grep -q '^HOME=' "$LOGDIR/env.txt" || fail "the command did not get the user's environment"
	! grep -q '^CANVAS_API_TOKEN=' "$LOGDIR/env.txt" || fail "the command's environment has CANVAS_API_TOKEN"
	! grep -qF "$SECRET" "$LOGDIR/out" "$LOGDIR/out.err" || fail "the token is in auth check's output or -v log"
}

test_env_token_protected_from_the_start() {
	local pid limits
	setup --latency-ms 1500
	CANVAS_API_TOKEN=$SECRET "$COURSECTL" auth check -v --url "$SIM_URL" >"$LOGDIR/out" 2>"$LOGDIR/out.err" &
	pid=$!
	sleep 0.7
	limits=$(grep '^Max core file size' "/proc/$pid/limits" || true)
	wait "$pid" || fail "auth check failed: $(cat "$LOGDIR/out.err")"
	expect_match "token in memory: core size limit 0, dumpable 0" "$(cat "$LOGDIR/out.err")" "-v: dumpable"
	expect_match '^Max core file size +0 +0 ' "$limits" "coursectl's core size limit"
	expect_match "GET .*/api/v1/users/self -> 200" "$(cat "$LOGDIR/out.err")" "-v logs the request"
	! grep -qF "$SECRET" "$LOGDIR/out" "$LOGDIR/out.err" || fail "the token is in auth check's output or -v log"
}
