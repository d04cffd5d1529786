/* runner/recipe_check.c -- the checking helpers every action parser uses, and the diagnostics.
 *
 * Rules the helpers enforce so that parsers stay short and errors stay uniform:
 *   - every error names the place (file:line:col of the node) and what was expected
 *     ("expected true or false for 'published', got 'yes please'");
 *   - an unknown key gets "did you mean 'x'?" when a known key is within edit distance 2 (or the
 *     key is a prefix of one);
 *   - types follow YAML 1.2's core schema for plain scalars: true/false, integers, null; a quoted
 *     "true" is a string;
 *   - dates are YYYY-MM-DD or ISO 8601 date-times, checked for real calendar days (dates.c's parser,
 *     dates_parse_iso, the one for Canvas's instants too);
 *   - time zones must exist in the system zone database (/usr/share/zoneinfo);
 *   - regexes are compiled with PCRE2 at check time (UTF mode), with JIT when the platform has it;
 *     a bad pattern reports PCRE2's message at the offending character;
 *   - a file the recipe names (rc_read_file) must lie inside the recipe's folder or an
 *     --allow-outside DIR (paths_confine.c), and is kept in r->files so that recipe_check_secret
 *     can refuse the recipe once the token is known, if one of them holds it.
 * Diagnostics are kept in file order and capped at RECIPE_MAX_ERRORS. They quote the recipe's
 * bytes ("unknown key '...'", "got '...'"), which a pull request controls: each line is printed
 * neutralised as msg.c's messages are (textdiff_put_escaped; a newline shown as "\n"), so a key
 * or a value cannot put escape sequences, CR or bidi overrides on a CI log or a terminal.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "asan.h"
#include "buf.h"
#include "dates.h"
#include "err.h"
#include "msg.h"
#include "paths_confine.h"
#include "recipe.h"
#include "recipe_internal.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- diagnostics */

void diag_add(struct diags *d, const struct rpos *pos, const char *fmt, ...)
{
	va_list ap;
	int n;
	struct diag *g;

	if (d->nerrors >= RECIPE_MAX_ERRORS) {
		d->truncated = 1;
		d->nerrors++;
		return;
	}
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 16;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	g = &d->v[d->n++];
	g->pos = *pos;
	g->file = xstrdup(pos->file ? pos->file : "-");
	g->pos.file = g->file;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	g->msg = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(g->msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	d->nerrors++;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->pos.file ? x->pos.file : "", y->pos.file ? y->pos.file : "");

	if (c)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.col != y->pos.col)
		return x->pos.col < y->pos.col ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Prints line and '\n' to fp with control characters shown escaped (see the top). */
static void put_neutralised(FILE *fp, const char *line)
{
	char *safe = msg_neutralise(line);

	fprintf(fp, "%s\n", safe);
	free(safe);
}

void diag_print(const struct diags *d, FILE *fp)
{
	struct diag *v;
	size_t i;

	if (!d->n)
		return;
	/* stable sort by place: a copy, with the original order breaking ties */
	v = xmalloc(d->n * sizeof(*v));
	memcpy(v, d->v, d->n * sizeof(*v));
	for (i = 1; i < d->n; i++) {
		struct diag t = v[i];
		size_t j = i;

		while (j > 0 && diag_cmp(&v[j - 1], &t) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
	for (i = 0; i < d->n; i++) {
		char *line = xasprintf("%s:%d:%d: error: %s", v[i].pos.file ? v[i].pos.file : "-", v[i].pos.line,
				       v[i].pos.col, v[i].msg);

		put_neutralised(fp, line);
		free(line);
	}
	if (d->truncated)
		fprintf(fp, "%s: error: too many errors (%d); stopped reporting after %d\n",
			v[0].pos.file ? v[0].pos.file : "-", d->nerrors, RECIPE_MAX_ERRORS);
	free(v);
}

void diag_release(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].msg);
		free(d->v[i].file);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void rc_error(struct rctx *cx, const struct rpos *pos, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(cx->d, pos, "%s", msg);
}

/* ---------------------------------------------------------------- arena */

/* The arena hands out pieces of blocks (a bump allocator): a malloc per piece, each with its own
 * list link, cost about 40 bytes over the piece, and a recipe that lists 10,000 courses makes two
 * pieces a course (the scalar's node and its text), kept for the whole run (issue 18, flat memory).
 * Blocks start at ARENA_MIN and double up to ARENA_MAX, so a small recipe stays small; a piece of
 * more than a quarter of ARENA_MAX gets a block of its own. Under AddressSanitizer (CTL_ASAN,
 * include/asan.h: GCC's and clang's, whose fuzz build did not define the macro tested here before)
 * every piece is its own block again, so an overrun of a piece is still caught at the piece. */
struct chunk {
	struct chunk *next;
	max_align_t data[];
};

#define ARENA_MIN 4096
#define ARENA_MAX 65536

struct arena {
	struct chunk *chunks;
	char *cur;                /* the free rest of the newest block */
	size_t left, block;       /* its size; the size of the newest block */
	pcre2_code **regexes;
	size_t nregex, aregex;
};

void *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(void *ap)
{
	struct arena *a = ap;
	size_t i;

	if (!a)
		return;
	while (a->chunks) {
		struct chunk *n = a->chunks->next;

		free(a->chunks);
		a->chunks = n;
	}
	for (i = 0; i < a->nregex; i++)
		pcre2_code_free(a->regexes[i]);
	free(a->regexes);
	free(a);
}

void arena_own_regex(void *ap, pcre2_code *code)
{
	struct arena *a = ap;

	if (a->nregex == a->aregex) {
		a->aregex = a->aregex ? 2 * a->aregex : 8;
		a->regexes = xrealloc(a->regexes, a->aregex * sizeof(*a->regexes));
	}
	a->regexes[a->nregex++] = code;
}

/* A block of n bytes, linked into a's list. */
static void *arena_block(struct arena *a, size_t n)
{
	struct chunk *c = xmalloc(sizeof(*c) + n);

	c->next = a->chunks;
	a->chunks = c;
	return c->data;
}

void arena_merge(void *dst, void *src)
{
	struct arena *d = dst, *s = src;
	struct chunk **tail;
	size_t i;

	if (!s)
		return;
	for (tail = &d->chunks; *tail; tail = &(*tail)->next)
		;
	*tail = s->chunks;   /* behind d's: d's newest block stays the one it hands out from */
	s->chunks = NULL;
	for (i = 0; i < s->nregex; i++)
		arena_own_regex(d, s->regexes[i]);
	s->nregex = 0;
	arena_free(s);
}

void *rc_alloc(struct rctx *cx, size_t n)
{
	return arena_alloc(cx->r->arena, n);
}

void *arena_alloc(void *ap, size_t n)
{
	struct arena *a = ap;
	const size_t align = _Alignof(max_align_t);

	n = n ? (n + align - 1) / align * align : align;
#if CTL_ASAN
	return arena_block(a, n);
#else
	{
		char *p;

		if (n > ARENA_MAX / 4)
			return arena_block(a, n);
		if (n > a->left) {
			a->block = a->block ? (a->block < ARENA_MAX ? 2 * a->block : ARENA_MAX) : ARENA_MIN;
			a->cur = arena_block(a, a->block);
			a->left = a->block;
		}
		p = a->cur;
		a->cur += n;
		a->left -= n;
		return p;
	}
#endif
}

char *rc_strdup(struct rctx *cx, const char *s)
{
	size_t n = strlen(s);
	char *p = rc_alloc(cx, n + 1);

	memcpy(p, s, n + 1);
	return p;
}

/* ---------------------------------------------------------------- shapes */

static const char *type_name(const struct ynode *n)
{
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a value";
}

const struct ynode *rc_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (!map || map->type != YN_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == YN_SCALAR && !strcmp(map->kids[i]->str, key))
			return map->kids[i + 1];
	return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			tmp = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < tmp)
				tmp = row[j] + 1;
			if (row[j - 1] + 1 < tmp)
				tmp = row[j - 1] + 1;
			/* a transposition of two neighbours counts as one edit ("shfit" -> "shift") */
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && tmp > cur)
				tmp = cur;
			row[j] = tmp;
			prev = cur;
		}
	}
	return row[lb];
}

const char *rc_suggest(const char *s, const char *const *choices)
{
	const char *best = NULL;
	size_t bestd = 3, d, n = strlen(s);
	const char *const *c;

	/* a prefix of a known key ("shift" for "shift_dates") is the surest guess */
	for (c = choices; n >= 3 && c && *c; c++)
		if (!strncmp(*c, s, n))
			return *c;
	for (; choices && *choices; choices++) {
		d = edit_distance(s, *choices);
		if (d < bestd) {
			bestd = d;
			best = *choices;
		}
	}
	return best;
}

int rc_map(struct rctx *cx, const struct ynode *n, const char *what, const char *const *allowed,
	   const char *const *required)
{
	size_t i;
	int rc = 0;

	if (!n || n->type != YN_MAP) {
		if (n)
			rc_error(cx, &n->pos, "expected a mapping for %s, got %s", what, type_name(n));
		return -1;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *k = n->kids[i];
		const char *const *a;
		int known = 0;

		if (k->type != YN_SCALAR)
			continue;   /* reported by the parser */
		for (a = allowed; a && *a; a++)
			if (!strcmp(*a, k->str))
				known = 1;
		if (!known) {
			const char *s = rc_suggest(k->str, allowed);

			if (s)
				rc_error(cx, &k->pos, "unknown key '%s' in %s; did you mean '%s'?", k->str, what, s);
			else
				rc_error(cx, &k->pos, "unknown key '%s' in %s", k->str, what);
			rc = -1;
		}
	}
	for (; required && *required; required++) {
		if (!rc_get(n, *required)) {
			rc_error(cx, &n->pos, "%s needs '%s'", what, *required);
			rc = -1;
		}
	}
	return rc;
}

int rc_seq(struct rctx *cx, const struct ynode *n, const char *what)
{
	if (n && n->type == YN_SEQ)
		return 0;
	if (n)
		rc_error(cx, &n->pos, "expected a list for %s, got %s", what, type_name(n));
	return -1;
}

/* ---------------------------------------------------------------- scalars */

static int scalar(struct rctx *cx, const struct ynode *n, const char *what, const char *expected)
{
	if (n && n->type == YN_SCALAR)
		return 0;
	if (n)
		rc_error(cx, &n->pos, "expected %s for %s, got %s", expected, what, type_name(n));
	return -1;
}

static int is_null(const struct ynode *n)
{
	return n->plain && (!n->len || !strcmp(n->str, "null") || !strcmp(n->str, "~") || !strcmp(n->str, "Null") ||
			    !strcmp(n->str, "NULL"));
}

/* ---------------------------------------------------------------- variables (recipe_vars.c) */

struct expand_report {
	struct rctx *cx;
	const struct ynode *n;
};

/* A problem at byte `off` of n's text: at its column when n is plain and on one line. */
static void expand_problem(void *ud, size_t off, const char *msg)
{
	const struct expand_report *er = ud;
	struct rpos p = er->n->pos;

	if (er->n->plain && !strchr(er->n->str, '\n'))
		p.col += (int)off;
	rc_error(er->cx, &p, "%s", msg);
}

char *recipe_expand(struct rctx *cx, const struct ynode *n)
{
	struct expand_report er = { cx, n };
	struct recipe_vars rv = { cx->o, cx->vars, rc_get, expand_problem, &er };
	struct buf b = BUF_INIT;
	char *out = NULL;

	if (!strchr(n->str, '$'))
		return n->str;
	if (!recipe_vars_expand(&rv, n->str, &b))
		out = rc_strdup(cx, buf_str(&b));
	buf_release(&b);
	return out;
}

int rc_string(struct rctx *cx, const struct ynode *n, const char *what, char **out)
{
	char *s;

	if (scalar(cx, n, what, "a string"))
		return -1;
	if (is_null(n)) {
		rc_error(cx, &n->pos, "expected a string for %s, got nothing (null)", what);
		return -1;
	}
	if (strlen(n->str) != n->len) {
		rc_error(cx, &n->pos, "%s holds a NUL character", what);
		return -1;
	}
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	*out = s;
	return 0;
}

int rc_bool(struct rctx *cx, const struct ynode *n, const char *what, int *out)
{
	char *s;

	if (scalar(cx, n, what, "true or false"))
		return -1;
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
		*out = 0;
		return 0;
	}
	rc_error(cx, &n->pos, "expected true or false for %s, got '%s'", what, s);
	return -1;
}

int rc_int(struct rctx *cx, const struct ynode *n, const char *what, long lo, long hi, long *out)
{
	char *s, *end;
	long v;

	if (scalar(cx, n, what, "a whole number"))
		return -1;
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || isspace((unsigned char)*s)) {
		rc_error(cx, &n->pos, "expected a whole number for %s, got '%s'", what, s);
		return -1;
	}
	if (v < lo || v > hi) {
		rc_error(cx, &n->pos, "%s must be from %ld to %ld, got %ld", what, lo, hi, v);
		return -1;
	}
	*out = v;
	return 0;
}

int rc_enum(struct rctx *cx, const struct ynode *n, const char *what, const char *const *choices, int *out)
{
	char *s;
	int i;
	const char *sug;
	char list[256] = "";

	if (scalar(cx, n, what, "a value"))
		return -1;
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	for (i = 0; choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "", choices[i]);
	}
	sug = rc_suggest(s, choices);
	if (sug)
		rc_error(cx, &n->pos, "'%s' is not a valid %s; did you mean '%s'? (one of %s)", s, what, sug, list);
	else
		rc_error(cx, &n->pos, "'%s' is not a valid %s (one of %s)", s, what, list);
	return -1;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS[.frac]][Z|+-HH:MM]" (a space or t for T, z for Z) through
 * dates.c's parser, with a recipe's limits on top: a year of 1900..2999 and no leap second. */
static int parse_date(const char *s, struct rdate *o)
{
	struct dates_iso iso;

	memset(o, 0, sizeof(*o));
	if (dates_parse_iso(s, &iso) || iso.y < 1900 || iso.y > 2999 || iso.ss > 59)
		return -1;
	o->y = iso.y;
	o->m = iso.m;
	o->d = iso.d;
	o->has_time = iso.has_time;
	o->hh = iso.hh;
	o->mm = iso.mm;
	o->ss = iso.ss;
	o->has_offset = iso.has_offset;
	o->offset_min = iso.offset_min;
	return 0;
}

int rc_date(struct rctx *cx, const struct ynode *n, const char *what, struct rdate *out)
{
	char *s;

	if (scalar(cx, n, what, "a date"))
		return -1;
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	if (parse_date(s, out)) {
		rc_error(cx, &n->pos, "'%s' is not a valid date for %s (expected YYYY-MM-DD or an ISO 8601 date-time "
			 "such as 2026-01-12T08:00:00-07:00)", s, what);
		return -1;
	}
	out->pos = n->pos;
	return 0;
}

int recipe_zone_exists(const char *z)
{
	return dates_zone_valid(z);
}

int rc_zone(struct rctx *cx, const struct ynode *n, const char *what, char **out)
{
	char *s;

	if (scalar(cx, n, what, "a time zone"))
		return -1;
	s = recipe_expand(cx, n);
	if (!s)
		return -1;
	if (!recipe_zone_exists(s)) {
		rc_error(cx, &n->pos, "'%s' is not a time zone in the system's zone database (an IANA name such as "
			 "America/Denver is expected for %s)", s, what);
		return -1;
	}
	*out = s;
	return 0;
}

int rc_weekday(struct rctx *cx, const struct ynode *n, const char *what, int *out)
{
	static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };
	int i;

	if (rc_enum(cx, n, what, days, &i))
		return -1;
	*out = i + 1;
	return 0;
}

int rc_regex(struct rctx *cx, const struct ynode *n, const char *what, const char *flags, int literal,
	     struct rregex **out)
{
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;
	struct rregex *re;
	char *s;
	const char *f;

	if (rc_string(cx, n, what, &s))
		return -1;
	for (f = flags; f && *f; f++) {
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default:
			rc_error(cx, &n->pos, "unknown regex flag '%c' for %s (use i, m, s, x)", *f, what);
			return -1;
		}
	}
	if (literal)
		opts |= PCRE2_LITERAL;
	code = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		struct rpos pos = n->pos;

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		/* point at the character when the scalar is on one line as written */
		if (!strchr(n->str, '\n') && !strcmp(s, n->str))
			pos.col += (int)erroff + (n->plain ? 0 : 1);
		rc_error(cx, &pos, "bad regular expression for %s: %s (at offset %zu)", what, (char *)msg, (size_t)erroff);
		return -1;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);   /* a failure just means no JIT */
	arena_own_regex(cx->r->arena, code);
	re = rc_alloc(cx, sizeof(*re));
	re->src = s;
	re->code = code;
	re->literal = literal;
	re->pos = n->pos;
	*out = re;
	return 0;
}

int rc_read_file(struct rctx *cx, const struct ynode *n, const char *what, size_t max, char **out, size_t *len)
{
	char *name, *path, *buf;
	FILE *f;
	size_t got;
	struct stat st;
	int fd;
	struct err cerr = ERR_INIT;
	struct recipe_file *rf;

	if (rc_string(cx, n, what, &name))
		return -1;
	/* inside the recipe's folder or an --allow-outside DIR, after every symlink (paths_confine.c) */
	if (confine_path(cx->dir ? cx->dir : ".", name, cx->o ? cx->o->allow_outside : NULL,
			 cx->o ? cx->o->nallow_outside : 0, &path, &cerr)) {
		rc_error(cx, &n->pos, "%s%s %s", cerr.code == ERR_NOTFOUND || cerr.code == ERR_IO ? "cannot read " : "",
			 what, cerr.msg);
		return -1;
	}
	/* open without blocking and check the type first: a FIFO named by a recipe would otherwise
	 * hang validate in open(); O_NOFOLLOW: the path is resolved, a symlink now is a swap */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc_error(cx, &n->pos, "cannot read %s '%s': %s", what, path, strerror(errno));
		free(path);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc_error(cx, &n->pos, "%s '%s' is not a regular file", what, path);
		close(fd);
		free(path);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "rb");
	if (!f) {
		rc_error(cx, &n->pos, "cannot read %s '%s': %s", what, path, strerror(errno));
		close(fd);
		free(path);
		return -1;
	}
	if ((size_t)st.st_size > max) {
		rc_error(cx, &n->pos, "%s '%s' is %lld bytes; the limit is %zu", what, path, (long long)st.st_size, max);
		goto fail;
	}
	buf = rc_alloc(cx, (size_t)st.st_size + 1);
	got = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		rc_error(cx, &n->pos, "cannot read %s '%s': %s", what, path, strerror(errno));
		goto fail;
	}
	buf[got] = '\0';
	fclose(f);
	rf = rc_alloc(cx, sizeof(*rf));
	rf->path = rc_strdup(cx, path);
	rf->what = rc_strdup(cx, what);
	rf->buf = buf;
	rf->len = got;
	rf->pos = n->pos;
	rf->next = cx->r->files;
	cx->r->files = rf;
	free(path);
	*out = buf;
	if (len)
		*len = got;
	return 0;
fail:
	fclose(f);
	free(path);
	return -1;
}

/* 1 when `hay` holds `needle` (memmem is a GNU extension, not in _DEFAULT_SOURCE everywhere). */
static int holds(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, n))
			return 1;
	return 0;
}

int recipe_check_secret(const struct recipe *r, const char *secret, struct err *err)
{
	const struct recipe_file *f;
	size_t n = secret ? strlen(secret) : 0;

	for (f = r->files; n && f; f = f->next)
		if (holds(f->buf, f->len, secret, n))
			return err_set(err, ERR_RECIPE, "%s:%d:%d: %s '%s' holds the Canvas token; a recipe must never "
				       "carry it into a plan or a page (nothing was read from Canvas or sent)",
				       f->pos.file, f->pos.line, f->pos.col, f->what, f->path);
	return 0;
}

/* vars: env: is the allow-list of ${env.NAME} (recipe_vars.c reads it; its form is checked here,
 * where problems are placed). */
void recipe_vars_env_check(struct rctx *cx, const struct ynode *list)
{
	size_t i;

	if (list->type != YN_SEQ) {
		rc_error(cx, &list->pos, "'vars.env' is the list of environment variables ${env.NAME} may read, "
			 "such as [HOME, TERM_CODE]; 'env' cannot be a variable");
		return;
	}
	for (i = 0; i < list->nkids; i++) {
		const struct ynode *k = list->kids[i];
		const char *p;
		int ok = k->type == YN_SCALAR && (isalpha((unsigned char)k->str[0]) || k->str[0] == '_');

		for (p = ok ? k->str : ""; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				ok = 0;
		if (!ok)
			rc_error(cx, &k->pos, "'vars.env' lists environment variable names (letters, digits and _), "
				 "not '%s'", k->type == YN_SCALAR ? k->str : "a list or mapping");
		else if (!strcmp(k->str, "CANVAS_API_TOKEN"))
			rc_error(cx, &k->pos, "'vars.env' cannot list %s: a recipe must never carry the Canvas token",
				 "CANVAS_API_TOKEN");
	}
}

int rc_calendar_date(struct rctx *cx, const struct ynode *n, const char *what, struct rdate *out)
{
	if (rc_date(cx, n, what, out))
		return -1;
	if (out->has_time) {
		rc_error(cx, &n->pos, "%s must be a calendar date (YYYY-MM-DD), got a date-time; "
			 "use a date such as %04d-%02d-%02d", what, out->y, out->m, out->d);
		return -1;
	}
	return 0;
}
