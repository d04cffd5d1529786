# tests/e2e/t1101-regex-limits.sh -- a catastrophic pattern on a large body fails that course with a
# clear message within PCRE2's limits instead of hanging the run (issue 17, "Regex safety").
#
# The limits (runner/step_replace.c, step_match_context): a match limit of 10,000,000 steps, a heap
# limit of 256 MiB, a depth limit of 2,000,000 and a JIT stack of at most 1 MiB, for every run-time
# match of a step: pages/replace_text replacements, the where: filters, and the modules step's
# where:, rename: and items: patterns. (a+)+$ on a run of 'a' that does not end the text
# backtracks exponentially; without the limit it would not finish in a lifetime.
# Cases:
#   - pages replace on a 200,000-byte body: plan stops within seconds, naming the pattern, the
#     page, the course and the reason; the other course of the recipe is still planned;
#   - modules where: name on a long module name: the same, with the module named (this message
#     came from PCRE2 alone, "match limit exceeded", before issue 17).

t_seed() {
	seed_with '.courses[0].pages[0].body = ("<p>" + ("a" * 200000) + "!</p>")
		| .courses[0].modules[0].name = (("a" * 40) + "!")'
}

test_catastrophic_replace_fails_the_course() {
	local seed t0 t1
	seed=$(t_seed)
	sim_start --seed "$seed"
	cat >"$LOGDIR/r.yaml" <<'YAML'
version: 1
courses: [4821, 4822]
steps:
  - pages:
      replace: [{pattern: '(a+)+$', with: x}]
YAML
	t0=$(date +%s)
	run plan.out plan "$LOGDIR/r.yaml"
	t1=$(date +%s)
	[ "$RC" -ne 0 ] || fail "plan succeeded: $(cat "$LOGDIR/plan.out")"
	[ $((t1 - t0)) -lt 30 ] || fail "plan took $((t1 - t0)) s"
	grep -qF "the pattern '(a+)+$' failed on page 'home' body in course 4821: it backtracks past PCRE2's match limit" \
		"$LOGDIR/plan.out.err" "$LOGDIR/plan.out" || fail "message: $(cat "$LOGDIR/plan.out.err")"
	grep -qF 'make it more specific' "$LOGDIR/plan.out.err" "$LOGDIR/plan.out" || fail "no advice"
	grep -q '^Course 4822 ' "$LOGDIR/plan.out" || fail "the other course is not planned: $(cat "$LOGDIR/plan.out")"
	expect_eq 0 "$(curl -s "$SIM_URL/__sim/requests" | jq '[.[] | select(.method != "GET")] | length')" "writes"
}

test_catastrophic_module_filter_fails_the_course() {
	local seed
	seed=$(t_seed)
	sim_start --seed "$seed"
	cat >"$LOGDIR/r.yaml" <<'YAML'
version: 1
courses: [4821]
steps:
  - modules:
      where: {name: '(a+)+$'}
      set: {published: true}
YAML
	run plan.out plan "$LOGDIR/r.yaml"
	[ "$RC" -ne 0 ] || fail "plan succeeded: $(cat "$LOGDIR/plan.out")"
	grep -qF "the pattern '(a+)+\$' failed: it backtracks past PCRE2's match limit" \
		"$LOGDIR/plan.out.err" "$LOGDIR/plan.out" || fail "message: $(cat "$LOGDIR/plan.out.err")"
}
