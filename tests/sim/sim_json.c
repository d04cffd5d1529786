/* tests/sim/sim_json.c -- the simulator's JSON printer: an answer's bytes, fast.
 *
 * sim_json_print(j, how) prints exactly the bytes that cJSON_PrintUnformatted(j) prints after
 * sim_ids_render(j, how), without changing j: the ids in the answer's form (sim_store.c: Canvas's
 * numbers, or its string ids under Accept: application/json+canvas-string-ids) and cJSON's own
 * output rules, so that no answer of the simulator changes by a byte:
 *   - strings: `"` `\` and the control characters escaped (\b \f \n \r \t by name, the others as
 *     \u00xx in lower-case hex), every other byte as it is (no \/ and no \u for non-ASCII);
 *   - numbers: "null" for NaN and infinities; else `%1.15g`, or `%1.17g` when the 15 digits do not
 *     read back within DBL_EPSILON (cJSON 1.7.15's print_number; a later cJSON prints `%d` of
 *     valueint first when the double equals it, which differs only for -0: both are followed);
 *   - raw items as their text; no white space; an item of no known type fails the print.
 *
 * Why (issue 18): an answer was rendered into cJSON, walked once by sim_ids_render (every key
 * tested for the id rules, every id under string-ids copied), and printed by cJSON, whose string
 * printer looks at each byte twice and whose numbers go through snprintf and sscanf. Serving
 * tests/bench/plan.sh's course prints 27 MB, 20 of them HTML bodies: 29 instructions a byte. Here
 * a byte that needs no escape is copied in runs, found sixteen bytes at a time with SSE2 (x86-64;
 * elsewhere eight at a time in a word; issue 18: 4 instructions a byte of the course's bodies
 * were 121 M of the simulator's 1,015 M); ids and small integers are printed without stdio.
 * A string (a key or a value) is measured once, reserved once and copied once when nothing in it
 * needs an escape, and the buffer's fast paths are inline (i18/simrender: keys and short values
 * cost about 130 instructions each in calls of put and putch, 45 M serving the course); a key is
 * copied as it is measured (put_key), and whether it is an id key is read off its last bytes.
 * Rejected: rendering the answers as text directly (every handler builds cJSON; byte-for-byte
 * equality with cJSON's printer is the safety net that tests/unit/unit-sim-json.c checks on
 * generated trees; sim_arena.c says why a list page's tree stays too).
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sim.h"
#include "xalloc.h"

struct out {
	char *p;
	size_t len, cap;
};

/* The slow path of reserve: the buffer doubled until `need` more bytes fit. */
static __attribute__((noinline)) void grow(struct out *o, size_t need)
{
	while (o->len + need > o->cap)
		o->cap *= 2;
	o->p = xrealloc(o->p, o->cap);
}

/* Room for `need` more bytes; inline, since it runs for every key and value printed. */
static inline void reserve(struct out *o, size_t need)
{
	if (o->cap - o->len < need)
		grow(o, need);
}

static inline void put(struct out *o, const char *s, size_t n)
{
	reserve(o, n);
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static inline void putch(struct out *o, char c)
{
	reserve(o, 1);
	o->p[o->len++] = c;
}

/* 1 for the bytes cJSON's print_string_ptr escapes: the control characters, '"' and '\\'. */
static const unsigned char escaped[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether any of the 8 bytes in w is below 0x20, '"' or '\\' (the classic has-zero-byte test on
 * w - 0x20.., w ^ '"'.., w ^ '\\'..: exact for "below", which is all it needs to answer). */
static int word_escapes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS ? 1 : 0;
}

#ifdef __SSE2__
/* The index of the first byte of the 16 at p that needs an escape, or 16: a byte below 0x20 is one
 * that 0x1f saturates to 0 when subtracted (unsigned), and '"' and '\\' compare equal. */
static int escape16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_subs_epu8(v, _mm_set1_epi8(0x1f)), _mm_setzero_si128()),
				 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
	int bits = _mm_movemask_epi8(m);

	return bits ? __builtin_ctz((unsigned)bits) : 16;
}
#endif

/* The length of the run of s[0..n) that needs no escape: sixteen (SSE2) or eight bytes at a time,
 * then byte by byte. */
static size_t plain_run(const unsigned char *s, size_t n)
{
	const unsigned char *p = s, *end = s + n;
	uint64_t w;

#ifdef __SSE2__
	while (end - p >= 16) {
		int k = escape16(p);

		p += k;
		if (k < 16)
			return (size_t)(p - s);
	}
#endif
	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		if (word_escapes(w))
			break;
	}
	for (; p < end && !escaped[*p]; p++)
		;
	return (size_t)(p - s);
}

/* s (n bytes) as a JSON string. The common case, no byte to escape, is one reserve and one copy
 * (issue 18, i18/simrender: a key or a short value cost about 130 instructions in three calls of
 * put and putch, each growing the buffer; a list page prints some 5,000 of them). */
static void put_string_n(struct out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k = plain_run(p, n);
	char *d;

	reserve(o, k + 2);
	d = o->p + o->len;
	*d++ = '"';
	memcpy(d, p, k);
	o->len += k + 1;
	if (k == n) {
		o->p[o->len++] = '"';
		return;
	}
	p += k;
	for (;;) {
		switch (*p) {
		case '"': put(o, "\\\"", 2); break;
		case '\\': put(o, "\\\\", 2); break;
		case '\b': put(o, "\\b", 2); break;
		case '\f': put(o, "\\f", 2); break;
		case '\n': put(o, "\\n", 2); break;
		case '\r': put(o, "\\r", 2); break;
		case '\t': put(o, "\\t", 2); break;
		default: {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", *p);
			put(o, u, 6);
		}
		}
		p++;
		k = plain_run(p, (size_t)(end - p));
		put(o, (const char *)p, k);
		p += k;
		if (p == end)
			break;
	}
	putch(o, '"');
}

/* A key, printed as put_string prints it, and its length. Keys are short: they are copied byte by
 * byte as they are measured (strlen, the run's scan and memcpy were three calls a key for some
 * 500,000 keys serving the 10,000-object course); a long one, or one to escape, takes put_string_n. */
static size_t put_key(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *d;
	size_t i = 0;

	reserve(o, 66);
	d = o->p + o->len + 1;
	/* escaped['\0']: the end stops it too; four bytes a round, each read only when the one before
	 * it was not the end (i18/simlook: the byte loop was 47 M of the simulator's 610 M instructions
	 * serving tests/bench/plan.sh's course) */
	while (i < 64) {
		if (escaped[p[i]])
			break;
		d[i] = (char)p[i];
		if (escaped[p[i + 1]]) {
			i += 1;
			break;
		}
		d[i + 1] = (char)p[i + 1];
		if (escaped[p[i + 2]]) {
			i += 2;
			break;
		}
		d[i + 2] = (char)p[i + 2];
		if (escaped[p[i + 3]]) {
			i += 3;
			break;
		}
		d[i + 3] = (char)p[i + 3];
		i += 4;
	}
	if (!p[i]) {
		d[-1] = '"';
		d[i] = '"';
		o->len += i + 2;
		return i;
	}
	i += strlen(s + i);
	put_string_n(o, s, i);
	return i;
}

static void put_string(struct out *o, const char *s)
{
	if (!s) {   /* cJSON prints a NULL string as "" */
		put(o, "\"\"", 2);
		return;
	}
	put_string_n(o, s, strlen(s));
}

/* The decimal digits of v, as %d / PRId64 print them. */
static void put_int(struct out *o, int64_t v)
{
	char b[24], *e = b + sizeof(b), *q = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	put(o, q, (size_t)(e - q));
}

static int same_double(double a, double b)   /* cJSON's compare_double */
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= m * DBL_EPSILON;
}

static int put_number(struct out *o, const cJSON *v)
{
	double d = v->valuedouble;
	char b[32];
	int n;

	if (isnan(d) || isinf(d)) {
		put(o, "null", 4);
		return 0;
	}
	if (d == floor(d) && fabs(d) < 1e15 && (d != 0 || !signbit(d))) {
		put_int(o, (int64_t)d);   /* what %1.15g prints for a whole number of at most 15 digits */
		return 0;
	}
#if CJSON_VERSION_MAJOR > 1 || (CJSON_VERSION_MAJOR == 1 && CJSON_VERSION_MINOR > 7) || \
	(CJSON_VERSION_MAJOR == 1 && CJSON_VERSION_MINOR == 7 && CJSON_VERSION_PATCH > 15)
	if (d == (double)v->valueint) {   /* later cJSONs print %d of valueint first: -0 as 0 */
		put_int(o, v->valueint);
		return 0;
	}
#endif
	n = snprintf(b, sizeof(b), "%1.15g", d);
	if (!same_double(strtod(b, NULL), d))
		n = snprintf(b, sizeof(b), "%1.17g", d);
	if (n < 0 || n > 25)
		return -1;   /* cJSON's number buffer */
	put(o, b, (size_t)n);
	return 0;
}

/* Canvas's id keys, as sim_ids_render reads them: 1 an id, 2 a list of ids, 0 neither (sis_* and
 * lti_* ids are text). k is n bytes long (put_children has measured it for printing). */
static int id_key(const char *k, size_t n)
{
	if (n < 2 || (k[n - 1] != 'd' && k[n - 1] != 's'))
		return 0;   /* the common case, decided without comparing */
	if (n >= 4 && (!memcmp(k, "sis_", 4) || !memcmp(k, "lti_", 4)))
		return 0;
	/* "id" or "..._id"; "ids" or "..._ids": the tail compared in place (no strcmp: i18/simrender) */
	if (k[n - 1] == 'd')
		return k[n - 2] == 'i' && (n == 2 || (n > 3 && k[n - 3] == '_')) ? 1 : 0;
	return n >= 3 && k[n - 3] == 'i' && k[n - 2] == 'd' && (n == 3 || (n > 4 && k[n - 4] == '_')) ? 2 : 0;
}

static int put_value(struct out *o, const cJSON *v, enum sim_ids how, int as_id);

/* `ids`: the elements are ids (an array under a *_ids key) */
static int put_children(struct out *o, const cJSON *j, enum sim_ids how, int ids)
{
	const cJSON *c;
	int obj = cJSON_IsObject(j);

	putch(o, obj ? '{' : '[');
	for (c = j->child; c; c = c->next) {
		int k = 0;

		if (obj) {
			size_t n = 0;

			if (c->string)
				n = put_key(o, c->string);
			else
				put(o, "\"\"", 2);
			putch(o, ':');
			k = how == SIM_IDS_ASIS || !c->string ? 0 : id_key(c->string, n);
		}
		if (k == 2 && cJSON_IsArray(c)) {
			if (put_children(o, c, how, 1))
				return -1;
		} else if (!(obj ? k == 1 : ids) && (c->type & 0xff) == cJSON_String && c->valuestring) {
			/* put_value's commonest case, without the call */
			put_string_n(o, c->valuestring, strlen(c->valuestring));
		} else if (put_value(o, c, how, obj ? k == 1 : ids)) {
			return -1;
		}
		if (c->next)
			putch(o, ',');
	}
	putch(o, obj ? '}' : ']');
	return 0;
}

static int put_value(struct out *o, const cJSON *v, enum sim_ids how, int as_id)
{
	if (as_id && how == SIM_IDS_STRINGS && cJSON_IsNumber(v) && v->valuedouble == (double)sim_i64(v->valuedouble)) {
		/* StringifyIds.stringify_id (sim_store.c's render_id) */
		putch(o, '"');
		put_int(o, sim_i64(v->valuedouble));
		putch(o, '"');
		return 0;
	}
	if (as_id && how == SIM_IDS_NUMBERS && cJSON_IsString(v) && !(v->type & cJSON_IsReference) &&
	    sim_value_id(v) >= SIM_BIG_ID) {
		put(o, v->valuestring, strlen(v->valuestring));   /* a big id: its digits as a number */
		return 0;
	}
	switch (v->type & 0xff) {
	case cJSON_NULL: put(o, "null", 4); return 0;
	case cJSON_False: put(o, "false", 5); return 0;
	case cJSON_True: put(o, "true", 4); return 0;
	case cJSON_Number: return put_number(o, v);
	case cJSON_Raw:
		if (!v->valuestring)
			return -1;
		put(o, v->valuestring, strlen(v->valuestring));
		return 0;
	case cJSON_String: put_string(o, v->valuestring); return 0;
	case cJSON_Array: return put_children(o, v, how, 0);
	case cJSON_Object: return put_children(o, v, how, 0);
	default: return -1;
	}
}

char *sim_json_print(const cJSON *j, enum sim_ids how, size_t *len)
{
	return sim_json_print_sized(j, how, len, 0);
}

char *sim_json_print_sized(const cJSON *j, enum sim_ids how, size_t *len, size_t guess)
{
	/* 512 bytes first: most answers are small, and glibc consolidates its fast bins (the freed
	 * nodes of the last answer) for every request of 1,024 bytes or more. A caller that can guess
	 * a big answer's size says so: a list page of 500 KB grew through ten copies (i18/simlook:
	 * 15 MB copied by realloc serving tests/bench/plan.sh, 2.7% of the simulator's instructions). */
	size_t cap = guess > 512 ? guess : 512;
	struct out o = { xmalloc(cap), 0, cap };

	if (!j || put_value(&o, j, how, 0)) {
		free(o.p);
		return NULL;
	}
	putch(&o, '\0');
	if (len)
		*len = o.len - 1;
	return o.p;
}
