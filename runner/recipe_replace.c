/* runner/recipe_replace.c -- checking one replacement {pattern, with, flags?, literal?, case?} (see
 * include/recipe_replace.h), for pages.replace and replace_text.
 *
 * What is checked, so that the plan engine can hand `subst` to pcre2_substitute unchanged:
 *   - flags: a string of i, m, s, x, each once; a literal pattern takes only i (PCRE2_LITERAL
 *     refuses the others, with a message that would not name the recipe's key);
 *   - pattern: compiled by rc_regex (PCRE2 message at the offending character), then refused when
 *     it can match the empty string: pcre2_match on "" catches "x*", "a|", "^"; a minimum length of
 *     0 catches "\b" and friends, which match nothing in "" but empty strings elsewhere;
 *   - case: preserve or as_written (the default); what preserve does is in recipe_replace.h;
 *   - with: `${N}` as written is a capture in the wrong syntax (the variable expander owns ${...},
 *     and a variable name never starts with a digit), reported before expansion so the user does
 *     not get "undefined variable '1'"; after expansion every `$` must be `$$`, `$N` or `${N}`
 *     with N <= 99 and <= the pattern's capture count. Named groups (`$name`) are refused: the
 *     language documents numbers only, and a stray "$x" is far more often a typo for "$$x".
 * Rejected: translating `\1` into `$1` (two syntaxes for one thing, and `\` already means
 * something in YAML double quotes); PCRE2_SUBSTITUTE_EXTENDED (its `\u`/`${n:+...}` forms make
 * ordinary backslashes in HTML replacements special); PCRE2_SUBSTITUTE_LITERAL for literal mode
 * (10.38+; doubling `$` gives the same result on every PCRE2 and keeps one code path).
 * Column of an error inside `with`: moved to the character when the scalar is on one line and
 * expansion did not change it (the same rule as rc_regex), else the scalar's start.
 */
#include "recipe_replace.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "recipe_internal.h"

#define MAX_GROUP 99

static const char letters[] = "imsx";   /* bit i of rreplace.flags is letters[i] */

static struct rpos at(const struct ynode *n, size_t off)
{
	struct rpos p = n->pos;

	if (!strchr(n->str, '\n'))
		p.col += (int)off + (n->plain ? 0 : 1);
	return p;
}

static void check_flags(struct rctx *cx, const struct ynode *n, const char *what, int literal,
			struct rreplace *rp)
{
	char key[160];
	char *s;
	const char *p, *f;

	snprintf(key, sizeof(key), "'%s.flags'", what);
	if (rc_string(cx, n, key, &s))
		return;
	for (p = s; *p; p++) {
		struct rpos pos = strcmp(s, n->str) ? n->pos : at(n, (size_t)(p - s));
		unsigned bit;

		f = strchr(letters, *p);
		if (!f) {
			rc_error(cx, &pos, "unknown flag '%c' in %s (use i, m, s, x)", *p, key);
			continue;
		}
		bit = 1u << (f - letters);
		if (rp->flags & bit) {
			rc_error(cx, &pos, "flag '%c' is given twice in %s", *p, key);
			continue;
		}
		if (literal && *p != 'i') {
			rc_error(cx, &pos, "flag '%c' in %s does not apply to a literal pattern (only i does)", *p, key);
			continue;
		}
		rp->flags |= bit;
	}
}

/* Refuse a pattern that can match the empty string. */
static int check_not_empty(struct rctx *cx, const struct ynode *n, const char *key, pcre2_code *code)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	uint32_t minlen = 1;
	int rc;

	rc = pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen))
		minlen = 1;
	if (rc >= 0) {
		rc_error(cx, &n->pos, "%s matches the empty string; it would insert at every position", key);
		return -1;
	}
	if (minlen == 0) {
		rc_error(cx, &n->pos, "%s can match the empty string (at an anchor or a boundary); it would insert "
			 "at every such position", key);
		return -1;
	}
	return 0;
}

/* `${N}` in the scalar as written: a capture in the variable syntax. Mirrors recipe_expand's scan. */
static int check_braced_groups(struct rctx *cx, const struct ynode *n, const char *key)
{
	const char *s = n->str, *p, *q;
	int bad = 0;

	for (p = s; *p;) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			p += 3;
		} else if (p[0] == '$' && p[1] == '{') {
			for (q = p + 2; isdigit((unsigned char)*q); q++)
				;
			if (q > p + 2 && *q == '}') {
				struct rpos pos = at(n, (size_t)(p - s));

				rc_error(cx, &pos, "in %s, write $%.*s for a capture group; ${...} is a recipe variable "
					 "(write $${%.*s} when a digit follows it)", key, (int)(q - p - 2), p + 2,
					 (int)(q - p - 2), p + 2);
				bad = 1;
			}
			p += 2;
		} else {
			p++;
		}
	}
	return bad ? -1 : 0;
}

/* The expanded `with`: every `$` is `$$`, `$N` or `${N}` with N in 0..99 and <= ncap (when known,
 * ncap >= 0). */
static int check_with(struct rctx *cx, const struct ynode *n, const char *key, const char *s, long ncap,
		      int *max_group)
{
	const char *p, *q;
	int bad = 0;

	for (p = s; *p; p++) {
		struct rpos pos;
		const char *num;
		long g = 0;

		if (*p != '$')
			continue;
		pos = strcmp(s, n->str) ? n->pos : at(n, (size_t)(p - s));
		if (p[1] == '$') {
			p++;
			continue;
		}
		num = p[1] == '{' ? p + 2 : p + 1;
		for (q = num; isdigit((unsigned char)*q); q++)
			if (g <= MAX_GROUP)
				g = g * 10 + (*q - '0');
		if (q == num || (p[1] == '{' && *q != '}')) {
			rc_error(cx, &pos, "%s has a '$' that is not followed by a group number (write $$ for a "
				 "literal $)", key);
			bad = 1;
			continue;
		}
		p = p[1] == '{' ? q : q - 1;
		if (g > MAX_GROUP) {
			rc_error(cx, &pos, "%s refers to group $%.*s; groups go up to $%d", key, (int)(q - num), num,
				 MAX_GROUP);
			bad = 1;
		} else if (ncap >= 0 && g > ncap) {
			if (ncap == 0)
				rc_error(cx, &pos, "%s refers to group $%ld but the pattern has no capture groups", key, g);
			else
				rc_error(cx, &pos, "%s refers to group $%ld but the pattern has %ld capture group%s", key,
					 g, ncap, ncap == 1 ? "" : "s");
			bad = 1;
		} else if (g > *max_group) {
			*max_group = (int)g;
		}
	}
	return bad ? -1 : 0;
}

/* `$` doubled: the substitution string that inserts `s` as it is. */
static char *literal_subst(struct rctx *cx, const char *s)
{
	size_t n = 0;
	const char *p;
	char *o, *d;

	for (p = s; *p; p++)
		n += *p == '$' ? 2 : 1;
	o = d = rc_alloc(cx, n + 1);
	for (p = s; *p; p++) {
		if (*p == '$')
			*d++ = '$';
		*d++ = *p;
	}
	*d = '\0';
	return o;
}

int rc_replacement_keys(struct rctx *cx, const struct ynode *map, const char *what, struct rreplace **out)
{
	const struct ynode *pat = rc_get(map, "pattern"), *with = rc_get(map, "with");
	const struct ynode *flags = rc_get(map, "flags"), *lit = rc_get(map, "literal"), *cs = rc_get(map, "case");
	static const char *const case_modes[] = { "as_written", "preserve", NULL };
	struct rreplace *rp = rc_alloc(cx, sizeof(*rp));
	char key[160];
	long ncap = -1;
	int bad = 0, before = cx->d->nerrors;
	size_t i;

	*out = NULL;
	memset(rp, 0, sizeof(*rp));
	rp->pos = map->pos;
	if (!pat)
		rc_error(cx, &map->pos, "'%s' needs 'pattern' (the regular expression to find)", what);
	if (!with)
		rc_error(cx, &map->pos, "'%s' needs 'with' (the replacement text; \"\" deletes the match)", what);
	if (lit) {
		snprintf(key, sizeof(key), "'%s.literal'", what);
		rc_bool(cx, lit, key, &rp->literal);
	}
	if (flags)
		check_flags(cx, flags, what, rp->literal, rp);
	if (cs) {
		snprintf(key, sizeof(key), "'%s.case'", what);
		rc_enum(cx, cs, key, case_modes, &rp->case_preserve);
	}
	for (i = 0; letters[i]; i++)
		if (rp->flags & (1u << i))
			rp->flag_str[strlen(rp->flag_str)] = letters[i];
	if (pat) {
		snprintf(key, sizeof(key), "'%s.pattern'", what);
		if (!rc_regex(cx, pat, key, rp->flag_str, rp->literal, &rp->re)) {
			uint32_t cap = 0;

			if (check_not_empty(cx, pat, key, rp->re->code))
				bad = 1;
			if (!pcre2_pattern_info(rp->re->code, PCRE2_INFO_CAPTURECOUNT, &cap))
				ncap = (long)cap;
		}
	}
	if (with) {
		snprintf(key, sizeof(key), "'%s.with'", what);
		rp->with_pos = with->pos;
		if (rp->literal) {
			if (!rc_string(cx, with, key, &rp->with))
				rp->subst = literal_subst(cx, rp->with);
		} else if (with->type == YN_SCALAR && check_braced_groups(cx, with, key)) {
			bad = 1;
		} else if (!rc_string(cx, with, key, &rp->with)) {
			if (!check_with(cx, with, key, rp->with, ncap, &rp->max_group))
				rp->subst = rp->with;
		}
	}
	if (bad || cx->d->nerrors > before)
		return -1;
	*out = rp;
	return 0;
}

int rc_replacement(struct rctx *cx, const struct ynode *n, const char *what, struct rreplace **out)
{
	static const char *const keys[] = { "pattern", "with", "flags", "literal", "case", NULL };
	char name[160];
	int rc;

	*out = NULL;
	snprintf(name, sizeof(name), "'%s'", what);
	if (!n || n->type != YN_MAP) {
		if (n)
			rc_error(cx, &n->pos, "expected a mapping {pattern: REGEX, with: TEXT} for %s, got %s", name,
				 n->type == YN_SEQ ? "a list" : "a value");
		return -1;
	}
	rc = rc_map(cx, n, name, keys, NULL);
	if (rc_replacement_keys(cx, n, what, out) || rc) {
		*out = NULL;
		return -1;
	}
	return 0;
}
