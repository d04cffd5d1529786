# tests/e2e/t1122-token-expiry.sh -- the token's purpose and expiry (issue 17, "The token and the
# wire"), from the Access Tokens API as canvas-sim models it (GET /api/v1/users/self/tokens/HINT,
# TokensController#show; tests/sim/README.md).
#
# Cases:
#   auth     auth check prints the token's purpose and expiry (text and JSON), after asking Canvas by
#            the token's first 5 characters -- which -v shows as [hint]; a token that never expires
#            says "never"; a token whose hint cannot be sent says "unknown" and still exits 0;
#   apply    apply warns before it starts when the token expires before the run's estimated end
#            (COURSECTL_SECONDS_PER_OBJECT makes a small run look long), and goes on; a token that
#            does not expire gets no warning; a short run sends no token request at all.

PLAN_SEED=$FIXTURES/plan-seed.json
SOON=soonT-6c0ffee21d
NEVER=neveR-93aa0c7b1e
ODDHINT='a+b/c-71d0e2f'

setup() {
	SOON_AT=$(date -u -d '+20 min' +%Y-%m-%dT%H:%M:%SZ)
	jq --arg s "$SOON" --arg n "$NEVER" --arg o "$ODDHINT" --arg at "$SOON_AT" \
		'.tokens += [{token: $s, purpose: "coursectl CI <b>", expires_at: $at},
			{token: $n, purpose: "laptop"}, $o]' "$PLAN_SEED" >"$LOGDIR/seed.json"
	sim_start --seed "$LOGDIR/seed.json"
}

# as TOKEN OUT ARGS...: coursectl with that token; stdout in $LOGDIR/OUT, stderr in OUT.err; sets RC.
as() {
	local tok=$1 out=$2
	shift 2
	RC=0
	CANVAS_API_TOKEN=$tok "$COURSECTL" "$@" --url "$SIM_URL" >"$LOGDIR/$out" 2>"$LOGDIR/$out.err" </dev/null ||
		RC=$?
}

token_requests() {
	curl -s "$SIM_URL/__sim/requests" | jq -r '.[] | select(.path | contains("/tokens/")) | .path'
}

test_auth_check_shows_purpose_and_expiry() {
	setup
	as "$SOON" out auth check -v
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/out.err"))"
	expect_match $'\npurpose  coursectl CI <b>\nexpires  '"$SOON_AT"' \(in (19|20) min\)' "$(cat "$LOGDIR/out")" "text"
	expect_eq "/api/v1/users/self/tokens/soonT" "$(token_requests)" "the request, by the token's hint"
	expect_match "GET .*/users/self/tokens/\\[hint\\] -> 200" "$(cat "$LOGDIR/out.err")" "-v shows [hint]"
	! grep -q "soonT" "$LOGDIR/out" "$LOGDIR/out.err" || fail "the token's first characters are in the output"
	as "$SOON" json auth check --format json
	expect_eq "true|coursectl CI <b>|$SOON_AT|null" \
		"$(jq -r '.token | "\(.known)|\(.purpose)|\(.expires_at)|\(.unknown_reason)"' "$LOGDIR/json")" "json"
	as "$NEVER" never auth check
	expect_eq 0 "$RC" "never: exit code"
	expect_match $'\npurpose  laptop\nexpires  never$' "$(cat "$LOGDIR/never")" "never: text"
	as "$ODDHINT" odd auth check
	expect_eq 0 "$RC" "odd hint: exit code ($(cat "$LOGDIR/odd.err"))"
	expect_match $'\nexpires  unknown \\(the token has no 5-character hint Canvas could find it by\\)' \
		"$(cat "$LOGDIR/odd")" "odd hint: text"
}

test_apply_warns_when_the_token_expires_first() {
	setup
	COURSECTL_SECONDS_PER_OBJECT=3600 as "$SOON" ap apply --yes --journal "$LOGDIR/j1.jsonl" \
		"$ROOT/recipes/fix-links.yaml"
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/ap.err"))"
	expect_match "warning: the token expires at $SOON_AT \\(in (19|20) min\\), before this apply's estimated end \\(in [0-9]+ (h|days)" \
		"$(cat "$LOGDIR/ap.err")" "the warning"
	# the warning comes before the run: before the journal is named
	expect_match "warning: the token expires.*journal: " "$(tr '\n' ' ' <"$LOGDIR/ap.err")" "warning first"
	expect_match "Ed Discussion" "$(state '[.courses[].pages[]?.title] | join(",")')" "the run went on"
}

test_apply_no_warning_without_expiry_or_for_short_runs() {
	setup
	COURSECTL_SECONDS_PER_OBJECT=3600 as "$NEVER" ap apply --yes --journal "$LOGDIR/j1.jsonl" \
		"$ROOT/recipes/fix-links.yaml"
	expect_eq 0 "$RC" "exit code ($(cat "$LOGDIR/ap.err"))"
	! grep -q "token expires" "$LOGDIR/ap.err" || fail "a warning for a token that does not expire"
	expect_eq "/api/v1/users/self/tokens/neveR" "$(token_requests)" "the long run asked"
	sim_post /__sim/reset '{}'
	as "$SOON" short apply --yes --journal "$LOGDIR/j2.jsonl" "$ROOT/recipes/fix-links.yaml"
	expect_eq 0 "$RC" "short: exit code ($(cat "$LOGDIR/short.err"))"
	! grep -q "token expires" "$LOGDIR/short.err" || fail "a warning for a short run"
	expect_eq "" "$(token_requests)" "a short run sends no token request"
}
