/* runner/plan_digest.c -- the digest a saved plan carries of what it does (include/plan.h
 * plan_digest; docs/plan-format.md "The digest").
 *
 * Issue 13 case 6: a plan file is read back by `apply`, maybe days later and after passing through
 * a pull request, so an edit made to it after `plan` wrote it -- an `after` changed by hand, a change
 * appended -- must be refused rather than applied. The plan therefore carries `changes_sha256`: the
 * SHA-256 of the canonical JSON text of the object made of the plan's members `changes`,
 * `recipe_sha256` and `recipe_steps` as they stand in the document (a missing member counts as
 * null). "Canonical" is RFC 8785 (the JSON Canonicalization Scheme), so the digest depends on the
 * values only, never on how a tool laid the file out, and anyone can recompute it with a JCS
 * library (or, for plans whose numbers are integers, `jq -jcS`):
 *   - no white space; object members sorted by their names compared as UTF-16 code units
 *     (members with the same name, which RFC 8785 forbids and cJSON keeps, stay in document order);
 *   - strings: `"` and `\` escaped, U+0008/9/A/C/D as \b \t \n \f \r, the other controls below
 *     U+0020 as \u00xx (lower-case hex), every other character as its UTF-8 bytes;
 *   - numbers in ECMAScript's Number.prototype.toString form: the shortest digits that read back
 *     as the same double, plain notation from 1e-6 up to 1e21, else d.ddde+N; -0 is 0;
 *   - true, false, null.
 * The shortest digits are found by printing with %.*e at growing precision until strtod gives the
 * double back (at most 17 tries, and only for non-integers in practice: ids, positions and points
 * are integers, printed directly).
 *
 * What it is and is not: a check that the plan applied is the plan `plan` wrote and the pull
 * request showed. It is not a signature -- whoever can write the file can recompute a SHA-256 -- so
 * apply also refuses changes no step of the recipe can make (step_fields.c), and the journal keeps
 * its own plan_sha256 (journal.c).
 *
 * Rejected: hashing the file's bytes (any reformatting, even `jq .` to read it, would break it, and
 * the digest cannot sit inside the bytes it hashes); hashing cJSON's own print (its number format
 * is cJSON's, not a standard another tool can reproduce); per-change digests (they would say which
 * change was edited, at the price of a hash per change in every plan; the message names the file
 * and says to plan again, which is the remedy whatever the change).
 */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonid.h"
#include "sha256.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- RFC 8785 */

static void jcs_value(struct buf *b, const cJSON *v);

static void jcs_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *run = p;

	buf_putc(b, '"');
	for (; *p; p++) {
		const char *esc = NULL;
		char u[7];

		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\f': esc = "\\f"; break;
		case '\r': esc = "\\r"; break;
		default:
			if (*p >= 0x20)
				continue;
			memcpy(u, "\\u00", 4);
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			u[6] = '\0';
			esc = u;
		}
		buf_add(b, run, (size_t)(p - run));
		buf_puts(b, esc);
		run = p + 1;
	}
	buf_add(b, run, (size_t)(p - run));
	buf_putc(b, '"');
}

/* ECMAScript's Number::toString of a finite double (RFC 8785 section 3.2.2.3). */
static void jcs_number(struct buf *b, double d)
{
	char e[40], digits[24];
	int prec, k = 0, n, i, exp10;
	char *ep;

	if (d == 0 || !isfinite(d)) {        /* -0 is "0"; JSON has no infinities (cJSON reads none) */
		buf_putc(b, '0');
		return;
	}
	if (d < 0) {
		buf_putc(b, '-');
		d = -d;
	}
	if (d < 1e15 && d == floor(d)) {
		/* an integer below 1e15 (ids, positions, seq: nearly every number of a plan) is exact as a
		 * long long, and its digits are %.0f's -- without printf's floating-point path, which was a
		 * tenth of the digest's cost (issue 18) */
		char t[21];

		buf_add(b, t, jsonid_digits((unsigned long long)d, t));
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, d);
		if (strtod(e, NULL) == d)
			break;
	}
	/* e is "D.DDDe[+-]XX": collect the digits without trailing zeros, and the exponent */
	for (i = 0; e[i] && e[i] != 'e'; i++)
		if (e[i] != '.')
			digits[k++] = e[i];
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	exp10 = (int)strtol(e + i + 1, &ep, 10);
	n = exp10 + 1;                        /* d = 0.DIGITS x 10^n */
	if (k <= n && n <= 21) {
		buf_puts(b, digits);
		for (i = k; i < n; i++)
			buf_putc(b, '0');
	} else if (0 < n && n <= 21) {
		buf_add(b, digits, (size_t)n);
		buf_putc(b, '.');
		buf_puts(b, digits + n);
	} else if (-6 < n && n <= 0) {
		buf_puts(b, "0.");
		for (i = 0; i < -n; i++)
			buf_putc(b, '0');
		buf_puts(b, digits);
	} else {
		buf_putc(b, digits[0]);
		if (k > 1) {
			buf_putc(b, '.');
			buf_puts(b, digits + 1);
		}
		buf_printf(b, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
}

/* The next UTF-16 code unit of the UTF-8 string at *s (advancing it); *pending holds the low
 * surrogate of a character above U+FFFF between calls. Bytes that are not valid UTF-8 count as
 * themselves. 0 at the end. */
static unsigned next_unit(const unsigned char **s, unsigned *pending)
{
	const unsigned char *p = *s;
	unsigned cp, need, i;

	if (*pending) {
		cp = *pending;
		*pending = 0;
		return cp;
	}
	if (!*p)
		return 0;
	if (*p < 0x80) {
		*s = p + 1;
		return *p;
	}
	need = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 0;
	cp = need == 1 ? (*p & 0x1fu) : need == 2 ? (*p & 0x0fu) : (*p & 0x07u);
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			need = 0;
			break;
		}
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if (!need) {
		*s = p + 1;
		return *p;
	}
	*s = p + need + 1;
	if (cp < 0x10000)
		return cp;
	cp -= 0x10000;
	*pending = 0xdc00 + (cp & 0x3ff);
	return 0xd800 + (cp >> 10);
}

static int cmp_utf16(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)(a ? a : ""), *y = (const unsigned char *)(b ? b : "");
	unsigned px = 0, py = 0, ux, uy;
	size_t i;

	/* The bytes up to the first that differs are the same units in both. When both of those bytes
	 * are ASCII (or the end), each starts its own unit -- an ASCII byte is never part of a longer
	 * character, even after a damaged one -- so the bytes order the strings as their units do.
	 * Member names are ASCII: this is every comparison of a plan's digest (issue 18). */
	for (i = 0; x[i] && x[i] == y[i]; i++)
		;
	if (x[i] < 0x80 && y[i] < 0x80)
		return x[i] == y[i] ? 0 : x[i] < y[i] ? -1 : 1;
	do {
		ux = next_unit(&x, &px);
		uy = next_unit(&y, &py);
		if (ux != uy)
			return ux < uy ? -1 : 1;
	} while (ux);
	return 0;
}

struct member {
	const cJSON *v;
	size_t pos;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = cmp_utf16(x->v->string, y->v->string);

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Members up to this many are sorted on the stack, by insertion (a plan's change has 13). */
#define JCS_SMALL 32

static void jcs_object(struct buf *b, const cJSON *o)
{
	const cJSON *it;
	struct member small[JCS_SMALL], *m = small;
	size_t n = 0, i, j;

	for (it = o->child; it; it = it->next)
		n++;
	if (n > JCS_SMALL)
		m = xcalloc(n, sizeof(*m));
	for (it = o->child, i = 0; it; it = it->next, i++) {
		m[i].v = it;
		m[i].pos = i;
	}
	if (n > JCS_SMALL) {
		qsort(m, n, sizeof(*m), cmp_member);
	} else {
		for (i = 1; i < n; i++) {   /* stable, as cmp_member's tie on pos makes qsort */
			struct member t = m[i];

			for (j = i; j > 0 && cmp_member(&m[j - 1], &t) > 0; j--)
				m[j] = m[j - 1];
			m[j] = t;
		}
	}
	buf_putc(b, '{');
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		jcs_string(b, m[i].v->string);
		buf_putc(b, ':');
		jcs_value(b, m[i].v);
	}
	buf_putc(b, '}');
	if (m != small)
		free(m);
}

static void jcs_value(struct buf *b, const cJSON *v)
{
	const cJSON *it;

	if (!v || cJSON_IsNull(v)) {
		buf_puts(b, "null");
	} else if (cJSON_IsFalse(v)) {
		buf_puts(b, "false");
	} else if (cJSON_IsTrue(v)) {
		buf_puts(b, "true");
	} else if (cJSON_IsNumber(v)) {
		jcs_number(b, v->valuedouble);
	} else if (cJSON_IsString(v)) {
		jcs_string(b, v->valuestring);
	} else if (cJSON_IsArray(v)) {
		buf_putc(b, '[');
		for (it = v->child; it; it = it->next) {
			if (it != v->child)
				buf_putc(b, ',');
			jcs_value(b, it);
		}
		buf_putc(b, ']');
	} else if (cJSON_IsObject(v)) {
		jcs_object(b, v);
	} else {
		buf_puts(b, "null");           /* cJSON_Raw and invalid nodes: never in a parsed plan */
	}
}

void plan_canonical_json(const cJSON *v, struct buf *out)
{
	jcs_value(out, v);
}

/* ---------------------------------------------------------------- the plan's digest */

void plan_digest(const cJSON *doc, char out[65])
{
	static const char *const keys[] = { "changes", "recipe_sha256", "recipe_steps" };   /* JCS order */
	struct buf b = BUF_INIT;
	size_t i;

	buf_putc(&b, '{');
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (i)
			buf_putc(&b, ',');
		jcs_string(&b, keys[i]);
		buf_putc(&b, ':');
		jcs_value(&b, cJSON_GetObjectItemCaseSensitive(doc, keys[i]));
	}
	buf_putc(&b, '}');
	sha256_hex(b.ptr, b.len, out);
	buf_release(&b);
}

int plan_check_digest(const struct plan *p, const char *name, struct err *err)
{
	const char *again = p->recipe_path ? p->recipe_path : "RECIPE";

	if (p->digest == PLAN_DIGEST_OK)
		return 0;
	if (p->digest == PLAN_DIGEST_NONE)
		return err_set(err, ERR_CORRUPT, "%s carries no digest of its changes (changes_sha256): it was written "
			       "by coursectl 0.3.0 or earlier, or edited; nothing was changed. Make a new plan: "
			       "coursectl plan %s --out %s", name, again, name);
	return err_set(err, ERR_CORRUPT, "%s was changed after coursectl wrote it: its changes no longer match "
		       "their digest (changes_sha256 %.12s...); nothing was changed. Change the recipe rather than "
		       "the plan, and make a new plan: coursectl plan %s --out %s", name, p->changes_sha256, again,
		       name);
}
