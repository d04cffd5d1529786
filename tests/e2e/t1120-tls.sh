# tests/e2e/t1120-tls.sh -- TLS is always verified (issue 17, "The token and the wire").
#
# canvas-sim serves https on the loopback (--https CERT KEY, libmicrohttpd's GnuTLS) with a
# self-signed certificate made here by openssl for IP 127.0.0.1. Cases:
#   refused     without --cacert the certificate is refused: exit 1, a message naming the Canvas and
#               --cacert, and no request reached the server (so neither did the token);
#   cacert      --cacert CERT trusts it: auth check and plan work over https;
#   profile     a profile's cacert does the same; a --cacert that does not exist is a usage error;
#   wrong name  a certificate for another name is refused even with --cacert: the name is checked
#               (CURLOPT_SSL_VERIFYHOST), not only the chain;
#   no switch   no option turns verification off (-k, --insecure, --no-verify are unknown options).

# mkcert NAME SAN: a self-signed certificate and key in $LOGDIR/NAME.crt and NAME.key.
mkcert() {
	command -v openssl >/dev/null 2>&1 || skip "openssl is not installed (Debian package openssl)"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=coursectl test" \
		-addext "subjectAltName=$2" -keyout "$LOGDIR/$1.key" -out "$LOGDIR/$1.crt" 2>"$LOGDIR/openssl.err" ||
		fail "openssl: $(cat "$LOGDIR/openssl.err")"
}

# The number of /api/ requests canvas-sim has seen (the harness's own curl skips the check: the
# wrong-name case's certificate does not name 127.0.0.1).
api_requests() {
	curl -sk "$SIM_URL/__sim/requests" |
		jq '[.[] | select(.path | startswith("/api/"))] | length'
}

tls_start() {
	mkcert "$1" "$2"
	sim_start --seed "$FIXTURES/plan-seed.json" --https "$LOGDIR/$1.crt" "$LOGDIR/$1.key"
	expect_match '^https://127\.0\.0\.1:[0-9]+$' "$SIM_URL" "canvas-sim's https URL"
}

test_self_signed_refused() {
	tls_start self IP:127.0.0.1
	run out auth check
	expect_eq 1 "$RC" "exit code ($(cat "$LOGDIR/out.err"))"
	expect_match "error: the TLS certificate of $SIM_URL is not trusted \\(.*self-signed.*\\); nothing was sent" \
		"$(cat "$LOGDIR/out.err")" "message"
	expect_match "--cacert FILE" "$(cat "$LOGDIR/out.err")" "the message names --cacert"
	run plan plan --format json "$ROOT/recipes/fix-links.yaml"
	expect_eq 1 "$RC" "plan: exit code ($(cat "$LOGDIR/plan.err"))"
	expect_match "TLS certificate of $SIM_URL is not trusted" "$(cat "$LOGDIR/plan.err")" "plan: message"
	expect_eq 0 "$(api_requests)" "API requests that reached the server"
}

test_cacert_trusts_the_certificate() {
	tls_start self IP:127.0.0.1
	run out auth check --cacert "$LOGDIR/self.crt"
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/out.err"))"
	expect_match "canvas   $SIM_URL " "$(cat "$LOGDIR/out")" "auth check over https"
	run plan plan --format json --cacert "$LOGDIR/self.crt" "$ROOT/recipes/fix-links.yaml"
	expect_match '^[02]$' "$RC" "plan: exit code ($(cat "$LOGDIR/plan.err"))"
	jq -e '[.. | objects | select(has("after"))] | length > 0' "$LOGDIR/plan" >/dev/null ||
		fail "plan over https has no changes: $(head -c 300 "$LOGDIR/plan")"
	[ "$(api_requests)" -ge 2 ] || fail "the plan's requests did not reach the server"
}

test_profile_cacert() {
	tls_start self IP:127.0.0.1
	mkdir -p "$XDG_CONFIG_HOME/coursectl"
	cp "$LOGDIR/self.crt" "$XDG_CONFIG_HOME/coursectl/ca.pem"
	printf 'profiles:\n  lab: {url: %s, cacert: ca.pem}\n' "$SIM_URL" >"$XDG_CONFIG_HOME/coursectl/config.yaml"
	chmod 600 "$XDG_CONFIG_HOME/coursectl/config.yaml"
	RC=0
	CANVAS_API_TOKEN=$TOKEN "$COURSECTL" auth check --profile lab >"$LOGDIR/out" 2>"$LOGDIR/out.err" || RC=$?
	expect_eq 0 "$RC" "profile cacert: exit code ($(cat "$LOGDIR/out.err"))"
	run missing auth check --cacert "$LOGDIR/nonexistent.pem"
	expect_eq 64 "$RC" "missing --cacert: exit code ($(cat "$LOGDIR/missing.err"))"
	expect_match "cannot read the CA certificates '$LOGDIR/nonexistent.pem' \\(--cacert\\)" \
		"$(cat "$LOGDIR/missing.err")" "missing --cacert: message"
}

test_wrong_name_refused_even_with_cacert() {
	tls_start other DNS:canvas.example.edu
	run out auth check --cacert "$LOGDIR/other.crt"
	expect_eq 1 "$RC" "exit code ($(cat "$LOGDIR/out.err"))"
	expect_match "TLS certificate of $SIM_URL is not trusted \\(.*(127\\.0\\.0\\.1|name|subject).*\\)" \
		"$(cat "$LOGDIR/out.err")" "message"
	expect_eq 0 "$(api_requests)" "API requests that reached the server"
}

test_no_switch_turns_verification_off() {
	local opt
	tls_start self IP:127.0.0.1
	for opt in -k --insecure --no-verify --insecure-tls --no-verify-ssl; do
		run out auth check "$opt"
		expect_eq 64 "$RC" "$opt: exit code ($(cat "$LOGDIR/out.err"))"
	done
	# --insecure-http is about http://, not about https: the certificate is still checked
	run out auth check --insecure-http
	expect_eq 1 "$RC" "--insecure-http: exit code ($(cat "$LOGDIR/out.err"))"
	expect_match "not trusted" "$(cat "$LOGDIR/out.err")" "--insecure-http: message"
}
