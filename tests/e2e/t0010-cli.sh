# tests/e2e/t0010-cli.sh -- coursectl's command line: version, help, exit codes for misuse.
# Exit codes are a contract with CI pipelines (include/exitcode.h): 0 ok, 64 usage.

test_version() {
	local out
	out=$("$COURSECTL" --version)
	expect_match '^coursectl [0-9]+\.[0-9]+\.[0-9]+$' "$(echo "$out" | head -n 1)" "first line"
	expect_match 'libcurl .*cJSON .*libyaml .*PCRE2 ' "$(echo "$out" | sed -n 2p)" "libraries line"
	expect_eq "$out" "$("$COURSECTL" version)" "'version' and '--version'"
}

test_help() {
	local out
	out=$("$COURSECTL" --help)
	expect_match '^usage: coursectl ' "$(echo "$out" | head -n 1)" "usage line"
	expect_match 'Exit codes: 0 ok, 1 error, 2 changes present' "$out" "exit codes documented"
	expect_eq "$out" "$("$COURSECTL" help)" "'help' and '--help'"
	"$COURSECTL" help version | grep -q '^usage: coursectl version' || fail "help version"
}

test_unknown_command_is_usage_error() {
	local rc=0 err
	err=$("$COURSECTL" frobnicate 2>&1 >/dev/null) || rc=$?
	expect_eq 64 "$rc" "exit code"
	expect_match "'frobnicate' is not a coursectl command" "$err" "message"
	expect_match 'usage: coursectl' "$err" "usage line on stderr"
}

test_unknown_option_is_usage_error() {
	local rc=0 err
	err=$("$COURSECTL" --frobnicate version 2>&1 >/dev/null) || rc=$?
	expect_eq 64 "$rc" "exit code"
	expect_match "unknown option '--frobnicate'" "$err" "message"
	rc=0
	"$COURSECTL" version --bogus >/dev/null 2>&1 || rc=$?
	expect_eq 64 "$rc" "subcommand option"
}

test_no_command_is_usage_error() {
	local rc=0
	"$COURSECTL" >/dev/null 2>&1 || rc=$?
	expect_eq 64 "$rc" "exit code"
}

test_stdout_write_error_is_reported() {
	# a full disk must not exit 0 (main checks fflush/ferror on stdout)
	[ -w /dev/full ] || return 0
	local rc=0
	"$COURSECTL" --help >/dev/full 2>"$LOGDIR/err" || rc=$?
	expect_eq 1 "$rc" "exit code"
	grep -q 'cannot write to standard output' "$LOGDIR/err" || fail "no message: $(cat "$LOGDIR/err")"
}
