/* runner/step_replace.c -- text substitution for the plan engine: a list of checked replacements
 * (include/recipe_replace.h) applied in order to one text, with PCRE2 (step_substitute in
 * include/step.h). Used by the `pages` and `replace_text` steps.
 *
 * How one replacement runs:
 *   1. pcre2_match once from the start. No match (the common case: most bodies of a course do not
 *      hold the pattern) costs one scan and no allocation of an output buffer, and the result is
 *      "nothing matched" with *out NULL.
 *   2. pcre2_substitute with RREPLACE_SUBSTITUTE_OPTIONS | PCRE2_SUBSTITUTE_MATCHED, so the match
 *      of step 1 is not searched for again, into a buffer of the input's size plus an eighth.
 *      PCRE2_SUBSTITUTE_OVERFLOW_LENGTH makes a too-small buffer report the exact size needed; the
 *      one retry uses that size (and matches from scratch: the match data then holds the last
 *      match, not the first). The return value is the number of substitutions: the match count.
 *   3. The output of replacement i is the subject of replacement i+1 (the second sees the first's
 *      result), and the previous buffer is freed then. The final buffer is shrunk to its length
 *      and handed to the caller, so a changed 1 MB body is copied once per replacement that
 *      matches, never for one that does not.
 * pcre2_substitute copies every byte between and around the matches as it is (no decoding, no
 * normalisation): the text outside the matches stays byte for byte the same.
 *
 * The JIT and limits. rc_regex JIT-compiles each pattern once; pcre2_match/pcre2_substitute use
 * the JIT code by themselves when it exists. They get one match context, made on first use and
 * kept for the life of the process (a static, deliberately never freed: it is a cache of a few
 * hundred bytes plus the JIT stack, still reachable at exit, which leak checkers do not report,
 * and freeing it at exit would need an atexit hook in a library): it carries
 *   - a JIT stack that grows from 32 KiB to 1 MiB (the default is 32 KiB on the machine stack,
 *     which a pattern with nested groups on a long body can exhaust);
 *   - a match limit of 10,000,000 (PCRE2's usual default, made explicit since a distribution may
 *     build with another), a heap limit of 256 MiB and a depth limit of 2,000,000 nested
 *     backtracking points for the interpreter (the JIT's bound is its stack). PCRE2 counts the match
 *     limit per start position (checked for both the JIT and the interpreter), so the exponential
 *     backtracking of a pattern such as (a+)+$ on a long run of 'a' fails within a fraction of a
 *     second with an error naming the pattern and the object, instead of hanging the plan. Known
 *     limit: a pattern whose cost is only quadratic (each start position scanning to the end, as
 *     '[^q]*q' on a megabyte without 'q') stays under the limit at every position and is slow;
 *     PCRE2 offers no total budget short of compiling with auto-callouts (which disables its
 *     optimisations), and steps read no clock.
 * step_regex_match (the where: name/title filters) runs with the same context, so a catastrophic
 * filter fails the same way; so do the modules step's matches and renames (step_modules.c), through
 * step_match_context and step_regex_why. PCRE2 allocates through xmalloc (a general context): running out of
 * memory inside PCRE2 follows the project's policy instead of surfacing as a PCRE2 error code.
 *
 * Invalid UTF-8 in a body. rc_regex compiles with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF: PCRE2 then
 * matches a subject that is not valid UTF-8 without checking it first, and an invalid byte simply
 * never matches anything (not even '.'). A body from Canvas with a stray Latin-1 byte is
 * therefore matched around that byte and the byte is copied as it is; refusing the whole body
 * would block a term rollover over one bad character that the user did not ask to touch. We never
 * pass PCRE2_NO_UTF_CHECK: the replacement text (after --var expansion, which may bring any
 * bytes) is checked by PCRE2, and were a pattern ever compiled without MATCH_INVALID_UTF, PCRE2's
 * own check would turn a bad body into an error naming the object rather than undefined
 * behaviour.
 *
 * case: preserve (recipe_replace.h has the rule). pcre2_substitute still does the work; a
 * substitute callout (PCRE2 10.35+) on a copy of the match context records where each match was in
 * the input and where its replacement went in the output, and after the call each replacement is
 * recased in place from its match. The recasing changes ASCII letters only, so no byte moves and the
 * recorded offsets stay right; letters inside HTML tags (<a href="...">) and entities (&Amp;) are
 * neither looked at nor changed, so a URL in `with` is never upper-cased. PCRE2 calls the callout
 * only for substitutions it writes (not for those it merely measures after an overflow), and the
 * retry at the exact size starts the record again. Rejected: PCRE2_SUBSTITUTE_EXTENDED's \u and
 * \U (they recase the whole replacement by what the recipe writes, not by what the text holds).
 *
 * Rejected: our own match loop over pcre2_match (pcre2_substitute already handles the $N syntax,
 * empty matches and CRLF/UTF advancing correctly); estimating the output from a first counting
 * pass (two full scans for every body that matches, to save a rare retry); a match data per
 * pattern kept across calls (one small allocation per substitution is noise next to the scan).
 */
#include "step.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_replace.h"
#include "xalloc.h"

#define MATCH_LIMIT     10000000u
#define HEAP_LIMIT_KIB  (256u * 1024u)
#define JIT_STACK_MIN   (32u * 1024u)
#define JIT_STACK_MAX   (1024u * 1024u)
#define DEPTH_LIMIT     2000000u

/* The pcre2_match options among RREPLACE_SUBSTITUTE_OPTIONS (the others are pcre2_substitute's
 * own and make pcre2_match fail with "bad option"). */
#define MATCH_OPTIONS (RREPLACE_SUBSTITUTE_OPTIONS & (PCRE2_NOTBOL | PCRE2_NOTEOL | PCRE2_NOTEMPTY | \
						      PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED))

static void *pcre_alloc(size_t n, void *data)
{
	(void)data;
	return xmalloc(n);
}

static void pcre_free(void *p, void *data)
{
	(void)data;
	free(p);
}

/* PCRE2 allocates through xmalloc, so the project's out-of-memory policy holds for it too. */
static pcre2_general_context *general_context(void)
{
	static pcre2_general_context *gc;

	if (!gc)   /* allocated through pcre_alloc too, so never NULL */
		gc = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
	return gc;
}

/* The shared match context (see the design comment: made once, never freed). */
pcre2_match_context *step_match_context(void)
{
	static pcre2_match_context *mc;
	pcre2_jit_stack *js;

	if (mc)
		return mc;
	mc = pcre2_match_context_create(general_context());
	pcre2_set_match_limit(mc, MATCH_LIMIT);
	pcre2_set_heap_limit(mc, HEAP_LIMIT_KIB);
	pcre2_set_depth_limit(mc, DEPTH_LIMIT);
	js = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, general_context());
	if (js)   /* else the JIT uses its 32 KiB on the machine stack */
		pcre2_jit_stack_assign(mc, NULL, js);
	return mc;
}

void step_regex_why(int rc, char *why, size_t n)
{
	PCRE2_UCHAR msg[160];

	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		snprintf(why, n, "it backtracks past PCRE2's match limit of %u steps (nested repeats such "
			 "as (a+)+ do this); make it more specific", MATCH_LIMIT);
		break;
	case PCRE2_ERROR_HEAPLIMIT:
		snprintf(why, n, "it needs more backtracking memory than the %u MiB limit; make it more "
			 "specific", HEAP_LIMIT_KIB / 1024);
		break;
	case PCRE2_ERROR_DEPTHLIMIT:
		snprintf(why, n, "it nests backtracking deeper than PCRE2's depth limit of %u; make it more "
			 "specific", DEPTH_LIMIT);
		break;
	case PCRE2_ERROR_JIT_STACKLIMIT:
		snprintf(why, n, "it needs more than the %u KiB JIT stack (deeply nested groups on a long "
			 "text); make it more specific", JIT_STACK_MAX / 1024);
		break;
	default:
		pcre2_get_error_message(rc, msg, sizeof(msg));
		snprintf(why, n, "%s", (const char *)msg);
		break;
	}
}

/* PCRE2's run-time failure rc as an error naming the pattern, its place in the recipe and `what`. */
static int fail(const struct rregex *re, int rc, const char *what, struct err *err)
{
	char why[200];
	const struct rpos *pos = &re->pos;

	step_regex_why(rc, why, sizeof(why));
	return err_set(err, ERR_RECIPE, "%s:%d:%d: the pattern '%.80s%s' failed on %s: %s",
		       pos->file ? pos->file : "recipe", pos->line, pos->col, re->src, strlen(re->src) > 80 ? "..." : "",
		       what, why);
}

/* ---------------------------------------------------------------- case: preserve */

struct case_spot {
	size_t in0, in1, out0, out1;      /* the match in the input, its replacement in the output */
};

struct case_spots {
	struct case_spot *v;
	size_t n, cap;
};

static int case_callout(pcre2_substitute_callout_block *b, void *data)
{
	struct case_spots *cs = data;

	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 16;
		cs->v = xrealloc(cs->v, cs->cap * sizeof(*cs->v));
	}
	cs->v[cs->n++] = (struct case_spot){ b->ovector[0], b->ovector[1], b->output_offsets[0],
					     b->output_offsets[1] };
	return 0;
}

static int ascii_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static int ascii_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

/* The length of the tag or entity at s[0..n), 0 when s is not at one: its letters are markup. */
static size_t markup_len(const char *s, size_t n)
{
	size_t i;

	if (s[0] == '<') {
		const char *e = memchr(s, '>', n);

		return e ? (size_t)(e - s) + 1 : n;
	}
	if (s[0] == '&') {
		for (i = 1; i < n && i < 33 && (s[i] == '#' || ascii_upper((unsigned char)s[i]) ||
						 ascii_lower((unsigned char)s[i]) || (s[i] >= '0' && s[i] <= '9')); i++)
			;
		if (i > 1 && i < n && s[i] == ';')
			return i + 1;
	}
	return 0;
}

enum step_case step_case_of(const char *s, size_t n)
{
	size_t i = 0, letters = 0, upper = 0, m;
	int first_upper = -1, other_first = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if ((m = markup_len(s + i, n - i))) {
			i += m;
			continue;
		}
		if (ascii_upper(c) || ascii_lower(c)) {
			letters++;
			upper += ascii_upper(c);
			if (first_upper < 0)
				first_upper = ascii_upper(c);
		} else if (c >= 0x80 && first_upper < 0) {
			other_first = 1;    /* "École": the first letter's case is not ours to read */
		}
		i++;
	}
	if (!letters)
		return CASE_AS_WRITTEN;
	if (upper == letters && letters >= 2)
		return CASE_UPPER;
	if (other_first)
		return CASE_AS_WRITTEN;
	if (upper == letters)
		return CASE_CAPITAL;
	if (first_upper == 1)
		return CASE_CAPITAL;
	if (upper == 0)
		return CASE_LOWER;
	return CASE_AS_WRITTEN;
}

void step_case_apply(char *s, size_t n, enum step_case how)
{
	size_t i = 0, m;

	while (i < n && how != CASE_AS_WRITTEN) {
		unsigned char c = (unsigned char)s[i];

		if ((m = markup_len(s + i, n - i))) {
			i += m;
			continue;
		}
		if (how == CASE_UPPER && ascii_lower(c)) {
			s[i] = (char)(c - 'a' + 'A');
		} else if (how == CASE_LOWER && ascii_upper(c)) {
			s[i] = (char)(c - 'A' + 'a');
		} else if (how == CASE_CAPITAL && (ascii_lower(c) || ascii_upper(c) || c >= 0x80)) {
			if (ascii_lower(c))
				s[i] = (char)(c - 'a' + 'A');
			return;     /* only the first letter ("école" stays as written) */
		}
		i++;
	}
}

/* One replacement on subj[0..slen). Returns the number of matches replaced (0: *res untouched), or
 * -1 with err set. On a positive return *res is a malloced buffer of *rlen bytes plus a NUL, and
 * *rcap its allocated size; the caller frees it. */
static long substitute_one(const struct rreplace *r, const char *subj, size_t slen, char **res, size_t *rlen,
			   size_t *rcap, const char *what, struct err *err)
{
	pcre2_match_context *mc = step_match_context();
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(r->re->code, general_context());
	uint32_t opts = RREPLACE_SUBSTITUTE_OPTIONS | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	struct case_spots cs = { NULL, 0, 0 };
	PCRE2_SIZE olen;
	size_t cap, i;
	char *buf;
	int rc;

	rc = pcre2_match(r->re->code, (PCRE2_SPTR)subj, slen, 0, MATCH_OPTIONS, md, mc);
	if (rc == PCRE2_ERROR_NOMATCH) {
		pcre2_match_data_free(md);
		return 0;
	}
	if (rc < 0) {
		pcre2_match_data_free(md);
		fail(r->re, rc, what, err);
		return -1;
	}
	if (r->case_preserve) {   /* a context of its own for the callout: the shared one stays as it is */
		mc = pcre2_match_context_copy(mc);
		pcre2_set_substitute_callout(mc, case_callout, &cs);
	}
	/* room for the text plus an eighth (a few longer replacements), else one retry at the exact size */
	cap = slen + slen / 8 + 256;
	buf = xmalloc(cap);
	olen = cap;
	rc = pcre2_substitute(r->re->code, (PCRE2_SPTR)subj, slen, 0, opts | PCRE2_SUBSTITUTE_MATCHED, md, mc,
			      (PCRE2_SPTR)r->subst, PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)buf, &olen);
	if (rc == PCRE2_ERROR_NOMEMORY) {
		free(buf);
		cs.n = 0;     /* the retry substitutes from the start again */
		cap = olen;   /* the size needed, its NUL included */
		buf = xmalloc(cap);
		olen = cap;
		rc = pcre2_substitute(r->re->code, (PCRE2_SPTR)subj, slen, 0, opts, md, mc, (PCRE2_SPTR)r->subst,
				      PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)buf, &olen);
	}
	pcre2_match_data_free(md);
	if (r->case_preserve)
		pcre2_match_context_free(mc);
	if (rc <= 0) {
		free(cs.v);
		free(buf);
		if (rc == 0)
			return 0;
		fail(r->re, rc, what, err);
		return -1;
	}
	for (i = 0; i < cs.n; i++)
		step_case_apply(buf + cs.v[i].out0, cs.v[i].out1 - cs.v[i].out0,
				step_case_of(subj + cs.v[i].in0, cs.v[i].in1 - cs.v[i].in0));
	free(cs.v);
	*res = buf;
	*rlen = olen;
	*rcap = cap;
	return rc;
}

int step_regex_match(const struct rregex *re, const char *s, size_t len, const char *what, struct err *err)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, general_context());
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, step_match_context());

	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	fail(re, rc, what, err);
	return -1;
}

int step_regex_capture(const struct rregex *re, const char *s, size_t len, size_t ov[20], const char *what,
		       struct err *err)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, general_context());
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, step_match_context()), i;

	for (i = 0; i < 20; i++)
		ov[i] = SIZE_MAX;
	if (rc > 0) {
		PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);

		for (i = 0; i < rc && i < 10; i++)
			if (v[2 * i] != PCRE2_UNSET) {
				ov[2 * i] = v[2 * i];
				ov[2 * i + 1] = v[2 * i + 1];
			}
	}
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	fail(re, rc, what, err);
	return -1;
}

/* Ownership: *out is malloced (the caller frees it), or NULL when nothing matched. */
int step_substitute(struct rreplace *const *r, size_t n, const char *text, size_t len, char **out,
		    size_t *outlen, long *matches, const char *what, struct err *err)
{
	char *cur = NULL;   /* the latest result, or NULL while it is still `text` */
	size_t curlen = len, curcap = 0, i;
	long total = 0;

	*out = NULL;
	*outlen = len;
	*matches = 0;
	for (i = 0; i < n; i++) {
		char *res;
		size_t rlen, rcap;
		long k = substitute_one(r[i], cur ? cur : text, curlen, &res, &rlen, &rcap, what, err);

		if (k < 0) {
			free(cur);
			return -1;
		}
		if (!k)
			continue;
		free(cur);
		cur = res;
		curlen = rlen;
		curcap = rcap;
		total += k;
	}
	if (!cur)
		return 0;
	/* give back the slack of a large buffer (a realloc that shrinks does not copy, as a rule) */
	if (curcap - curlen > 4096)
		cur = xrealloc(cur, curlen + 1);
	*out = cur;
	*outlen = curlen;
	*matches = total;
	return 0;
}
