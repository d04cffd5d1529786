/* tests/sim/sim_store.c -- finding things in the state, and reading the request.
 *
 * The state is a cJSON document (sim.h); arrays are searched linearly. That is O(n) per lookup,
 * which is fine for the course sizes we simulate (a few hundred objects per kind per course) and
 * keeps the state printable as the seed format at any moment without a second index to keep in
 * sync. Ids below 2^53 are stored as JSON numbers, which hold them exactly; an id at or above
 * 2^53 (a cross-shard id of a large Canvas) as a JSON string of its digits, which a double would
 * round (sim_id_item). Every reader takes both forms (sim_id, sim_value_id), and sim_ids_render
 * gives each answer the form Canvas would: numbers (a big one printed as its exact digits), or,
 * with Accept: application/json+canvas-string-ids, strings under Canvas's id keys.
 * One exception (issue 18): a course by its numeric id, which every API request looks up, is found
 * through a cache (struct sim_course_ix) -- with 10,000 courses the scan made the simulator slower
 * than coursectl. The cache holds pointers into the state, so it is dropped whenever the state is
 * replaced (state_gen), a hit is checked against the course's id, and a miss falls back to the scan
 * (a course created since) and remembers what it found. Courses are never deleted. Two more:
 * Progress objects by id (sim_progress_find), one course's pages by url (sim_find_page_url), and,
 * for a GET, a few arrays' objects by id (sim_find_id_ix: a module list's content).
 * Rendering (i18/simrender): an answer of 60 to 80 keys is not walked to learn what the stored
 * object (a dozen keys) can say: sim_default_src asks the stored object whether a default is due;
 * keys that are literals are added without a copy (cJSON_AddItemToObjectCS), and sim_dup_or_null's
 * copy carries no key for its caller to free and copy again.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_form.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- fields */

/* cJSON_GetObjectItemCaseSensitive with the same result: the first child named `key`, the walk
 * ending at a child without a name (an array's first element). Comparing the first byte before
 * calling strcmp makes a look-up several times cheaper: rendering an assignment looks up about a
 * hundred keys in objects of 50 to 80 (issue 18: a quarter of canvas-sim's instructions serving
 * tests/bench/plan.sh were these look-ups). */
cJSON *sim_get(const cJSON *obj, const char *key)
{
	cJSON *c;

	if (!obj || !key)
		return NULL;
	for (c = obj->child; c && c->string; c = c->next)
		if (c->string[0] == key[0] && !strcmp(c->string, key))
			return c;
	return NULL;
}

const char *sim_str(const cJSON *obj, const char *key)
{
	const cJSON *v = sim_get(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int sim_value_bool(const cJSON *v)
{
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	if (cJSON_IsNumber(v))
		return v->valuedouble != 0;
	if (cJSON_IsString(v))
		return form_value_bool(v->valuestring);
	return 0;
}

int sim_bool(const cJSON *obj, const char *key, int def)
{
	const cJSON *v = sim_get(obj, key);

	if (!v || cJSON_IsNull(v))
		return def;
	return sim_value_bool(v);
}

void sim_set(cJSON *obj, const char *key, cJSON *val)
{
	cJSON *old = sim_get(obj, key);

	if (!old) {
		cJSON_AddItemToObject(obj, key, val);
		return;
	}
	/* what cJSON_ReplaceItemInObjectCaseSensitive does, without looking the key up again */
	if (!(val->type & cJSON_StringIsConst))
		cJSON_free(val->string);   /* cJSON's: maybe an arena's (sim_arena.c) */
	val->string = sim_cjson_strdup(key);   /* cJSON's: maybe an arena's (sim_arena.c) */
	val->type &= ~cJSON_StringIsConst;
	cJSON_ReplaceItemViaPointer(obj, old, val);
}

void sim_set_str(cJSON *obj, const char *key, const char *val)
{
	sim_set(obj, key, val ? cJSON_CreateString(val) : cJSON_CreateNull());
}

/* A borrowing copy (sim_dup_render): containers and short values copied as cJSON_Duplicate copies
 * them (keys too), long strings as references. A list page of 100 assignments copied 100
 * descriptions of a few kilobytes each, rendered, printed and freed them (issue 18: 20 MB for
 * tests/bench/plan.sh's course, and each copy a large allocation that made glibc consolidate its
 * fast bins). Ids are short strings, so a borrowed string is never one (sim_json.c prints a
 * borrowed big id as a string, not as a number). */
static cJSON *dup_borrowing(const cJSON *v)
{
	cJSON *out, *c;

	if (cJSON_IsString(v) && v->valuestring && strlen(v->valuestring) >= 256) {
		out = cJSON_CreateStringReference(v->valuestring);
		if (v->string)
			out->string = (v->type & cJSON_StringIsConst) ? v->string : sim_cjson_strdup(v->string);
		out->type |= v->type & cJSON_StringIsConst;
		return out;
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_Duplicate(v, 0);   /* the container and its key, no children */
	for (c = v->child; c; c = c->next)
		cJSON_AddItemToArray(out, dup_borrowing(c));   /* linked as they are, keys kept */
	return out;
}

cJSON *sim_dup_render(const struct sim_req *rq, const cJSON *v)
{
	return rq && rq->borrow ? dup_borrowing(v) : cJSON_Duplicate(v, 1);
}

const char *sim_i64_str(char b[24], int64_t v)
{
	char *q = b + 23;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	*q = '\0';
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	return q;
}

char *sim_join(const char *const *parts, size_t n)
{
	size_t len[16], total = 0, i;
	char *out, *p;

	if (n > sizeof(len) / sizeof(len[0])) {
		fprintf(stderr, "canvas-sim: sim_join of %zu parts\n", n);
		abort();
	}
	for (i = 0; i < n; i++)
		total += len[i] = strlen(parts[i]);
	p = out = xmalloc(total + 1);
	for (i = 0; i < n; i++) {
		memcpy(p, parts[i], len[i]);
		p += len[i];
	}
	*p = '\0';
	return out;
}

char *sim_object_url(const char *base, int64_t cid, const char *kind, int64_t id, const char *suffix)
{
	char cb[24], ib[24];
	const char *parts[] = { base, "/courses/", sim_i64_str(cb, cid), "/", kind, "/", sim_i64_str(ib, id),
				suffix ? suffix : "" };

	return sim_join(parts, sizeof(parts) / sizeof(parts[0]));
}

/* The copy has no key: every caller puts it under a key of its own (adding it to an object frees
 * a copied key and copies one again: i18/simrender), or in an array, or compares it. A string, a
 * boolean or null is made anew; the rest is duplicated and its key dropped. */
cJSON *sim_dup_or_null(const cJSON *obj, const char *key)
{
	const cJSON *v = sim_get(obj, key);
	cJSON *d;

	if (!v)
		return cJSON_CreateNull();
	switch (v->type & 0xff) {
	case cJSON_NULL: return cJSON_CreateNull();
	case cJSON_False: return cJSON_CreateFalse();
	case cJSON_True: return cJSON_CreateTrue();
	case cJSON_String:
		if (v->valuestring)
			return cJSON_CreateString(v->valuestring);
		break;
	default:
		break;
	}
	d = cJSON_Duplicate(v, 1);
	if (d && d->string) {
		if (!(d->type & cJSON_StringIsConst))
			cJSON_free(d->string);
		d->string = NULL;
		d->type &= ~cJSON_StringIsConst;
	}
	return d;
}

void sim_default_item(cJSON *obj, const char *key, cJSON *val)
{
	if (sim_get(obj, key))
		cJSON_Delete(val);
	else
		cJSON_AddItemToObject(obj, key, val);
}

void sim_default_src(cJSON *out, const cJSON *src, const char *key, cJSON *val)
{
	if (sim_get(src, key))
		cJSON_Delete(val);
	else
		cJSON_AddItemToObjectCS(out, key, val);
}

void sim_default_null(cJSON *obj, const char *key)
{
	sim_default_item(obj, key, cJSON_CreateNull());
}

void sim_default_bool(cJSON *obj, const char *key, int val)
{
	sim_default_item(obj, key, cJSON_CreateBool(val));
}

void sim_default_num(cJSON *obj, const char *key, double val)
{
	sim_default_item(obj, key, cJSON_CreateNumber(val));
}

void sim_default_str(cJSON *obj, const char *key, const char *val)
{
	sim_default_item(obj, key, val ? cJSON_CreateString(val) : cJSON_CreateNull());
}

int sim_same_value(const cJSON *a, const cJSON *b)
{
	int an = !a || cJSON_IsNull(a), bn = !b || cJSON_IsNull(b);

	if (an || bn)
		return an && bn;
	return cJSON_Compare(a, b, 1);
}

int sim_is_deleted(const cJSON *obj)
{
	const char *ws = sim_str(obj, "workflow_state");

	return ws && !strcmp(ws, "deleted");
}

void sim_touch(cJSON *obj)
{
	char now[21];

	sim_time_now(now);
	sim_set_str(obj, "updated_at", now);
}

int64_t sim_i64(double d)
{
	/* 2^63 is exactly representable; anything at or above it (or NaN) does not fit */
	if (d >= 9223372036854775808.0)
		return INT64_MAX;
	if (d < -9223372036854775808.0)
		return INT64_MIN;
	if (d != d)
		return 0;
	return (int64_t)d;
}

int64_t sim_id(const cJSON *obj)
{
	const cJSON *v = sim_get(obj, "id");

	if (cJSON_IsNumber(v))
		return sim_i64(v->valuedouble);
	if (cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	return -1;
}

cJSON *sim_id_item(int64_t id)
{
	char b[24];

	if (id < SIM_BIG_ID)
		return cJSON_CreateNumber((double)id);
	snprintf(b, sizeof(b), "%" PRId64, id);
	return cJSON_CreateString(b);
}

void sim_add_id(cJSON *obj, const char *key, int64_t id)
{
	cJSON_AddItemToObject(obj, key, sim_id_item(id));
}

int64_t sim_value_id(const cJSON *v)
{
	const char *p;

	if (cJSON_IsNumber(v))
		return v->valuedouble >= 0 && v->valuedouble == (double)sim_i64(v->valuedouble)
			       ? sim_i64(v->valuedouble) : -1;
	if (!cJSON_IsString(v) || !*v->valuestring || strlen(v->valuestring) > 18)
		return -1;
	for (p = v->valuestring; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return strtoll(v->valuestring, NULL, 10);
}

/* Canvas's id keys (StringifyIds.stringify_ids): /(^|_)id$/ holds an id, /(^|_)ids$/ a list. */
static int id_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	if (!strcmp(k ? k : "", "id") || (n > 3 && !strcmp(k + n - 3, "_id")))
		return 1;
	if (!strcmp(k ? k : "", "ids") || (n > 4 && !strcmp(k + n - 4, "_ids")))
		return 2;
	return 0;
}

/* One id value in the answer's form. NUMBERS: a stored big id (a string of digits at or above
 * 2^53) becomes a raw number with its exact digits, as Canvas's JSON encoder prints an Integer.
 * STRINGS: a whole number becomes its decimal string (StringifyIds.stringify_id: Integers only;
 * strings, null and the rest stay). */
static void render_id(cJSON *v, enum sim_ids how)
{
	char b[32];

	if (how == SIM_IDS_STRINGS && cJSON_IsNumber(v) && v->valuedouble == (double)sim_i64(v->valuedouble)) {
		snprintf(b, sizeof(b), "%" PRId64, sim_i64(v->valuedouble));
		v->type = (v->type & ~0xff) | cJSON_String;
		v->valuestring = sim_cjson_strdup(b);
	} else if (how == SIM_IDS_NUMBERS && cJSON_IsString(v) && sim_value_id(v) >= SIM_BIG_ID &&
		   !(v->type & cJSON_IsReference)) {
		v->type = (v->type & ~0xff) | cJSON_Raw;   /* valuestring, the digits, printed as they are */
	}
}

void sim_ids_render(cJSON *j, enum sim_ids how)
{
	cJSON *c;

	if (how == SIM_IDS_ASIS || !j)
		return;
	cJSON_ArrayForEach(c, j) {
		int k = cJSON_IsObject(j) ? id_key(c->string) : 0;

		/* sis_* and lti_* ids are text in Canvas: never numbers, whatever their digits */
		if (k && (!strncmp(c->string, "sis_", 4) || !strncmp(c->string, "lti_", 4)))
			k = 0;
		if (k == 1) {
			render_id(c, how);
		} else if (k == 2 && cJSON_IsArray(c)) {
			cJSON *e;

			cJSON_ArrayForEach(e, c)
				render_id(e, how);
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			sim_ids_render(c, how);
	}
}

int64_t sim_new_id(struct sim *s)
{
	return s->next_id++;
}

int sim_icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	if (!hay)
		return 0;
	for (; *hay; hay++) {
		for (i = 0; i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return n == 0;
}

/* ---------------------------------------------------------------- lookups */

cJSON *sim_course_kind(cJSON *course, const char *kind)
{
	cJSON *arr = sim_get(course, kind);

	if (!cJSON_IsArray(arr)) {
		/* state: never from a list page's arena (sim_arena.c) */
		struct sim_arena *a = sim_arena_suspend();

		arr = cJSON_CreateArray();
		sim_set(course, kind, arr);
		sim_arena_resume(a);
	}
	return arr;
}

cJSON *sim_find_id_num(cJSON *arr, int64_t id)
{
	cJSON *it;

	cJSON_ArrayForEach(it, arr)
		if (sim_id(it) == id)
			return it;
	return NULL;
}

int sim_path_id(const char *id, long long *out)
{
	char *end;

	if (!id || !*id)
		return -1;
	*out = strtoll(id, &end, 10);
	return *end || *out < 0 ? -1 : 0;
}

cJSON *sim_find_id(cJSON *arr, const char *id)
{
	long long v;

	return sim_path_id(id, &v) ? NULL : sim_find_id_num(arr, v);
}

cJSON *sim_linked_assignment(cJSON *course, const cJSON *obj)
{
	const cJSON *aid = sim_get(obj, "assignment_id");

	if (sim_value_id(aid) < 0)
		return NULL;
	return sim_find_id_num(sim_course_kind(course, "assignments"), sim_value_id(aid));
}

static size_t ix_slot(const struct sim_course_ix *ix, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 32) & (ix->cap - 1);

	while (ix->courses[i] && ix->ids[i] != id)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

static void ix_put(struct sim_course_ix *ix, int64_t id, cJSON *c)
{
	size_t i;

	if (2 * (ix->n + 1) > ix->cap) {
		struct sim_course_ix old = *ix;
		size_t k;

		ix->cap = old.cap ? 2 * old.cap : 64;
		ix->n = 0;
		ix->ids = xcalloc(ix->cap, sizeof(*ix->ids));
		ix->courses = xcalloc(ix->cap, sizeof(*ix->courses));
		for (k = 0; k < old.cap; k++)
			if (old.courses[k])
				ix_put(ix, old.ids[k], old.courses[k]);
		free(old.ids);
		free(old.courses);
	}
	i = ix_slot(ix, id);
	if (!ix->courses[i]) {   /* the first course of an id wins, as in a scan */
		ix->ids[i] = id;
		ix->courses[i] = c;
		ix->n++;
	}
}

/* An object of `arr` by numeric id through the cache `ix`, (re)built from arr when it was built for
 * another generation `gen`; the scan (sim_find_id_num) on a miss. */
static cJSON *ix_find(struct sim_course_ix *ix, unsigned gen, cJSON *arr, int64_t v)
{
	cJSON *c;

	if (ix->gen != gen || !ix->cap) {
		if (ix->cap)
			memset(ix->courses, 0, ix->cap * sizeof(*ix->courses));
		ix->n = 0;
		ix->gen = gen;
		cJSON_ArrayForEach(c, arr)
			if (sim_id(c) >= 0)
				ix_put(ix, sim_id(c), c);
	}
	if (ix->cap) {
		c = ix->courses[ix_slot(ix, v)];
		if (c && sim_id(c) == v)
			return c;
	}
	c = sim_find_id_num(arr, v);
	if (c)
		ix_put(ix, v, c);
	return c;
}

/* A course by numeric id through the cache; the scan on a miss. */
static cJSON *find_course_num(struct sim *s, cJSON *courses, int64_t v)
{
	return ix_find(&s->course_ix, s->state_gen, courses, v);
}

/* Progress objects are only ever appended (sim_progress_new, which indexes each one) and all
 * dropped together by a reset (which bumps state_gen): the same cache, so that a poll at 10,000
 * courses does not walk 10,000 Progress objects. */
cJSON *sim_progress_find(struct sim *s, int64_t id)
{
	return ix_find(&s->progress_ix, s->state_gen, s->progress, id);
}

void sim_progress_indexed(struct sim *s, cJSON *p)
{
	if (s->progress_ix.gen == s->state_gen && s->progress_ix.cap)
		ix_put(&s->progress_ix, sim_id(p), p);
}

/* ---------------------------------------------------------------- pages by url */

/* A 64-bit mix (MurmurHash3's finalizer): the table's slot is taken from the low bits, which FNV-1a
 * alone spreads badly over urls like page-1 ... page-3999 (i18/simrender: 25 probes an insert,
 * each a strcmp). */
static size_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (size_t)h;
}

static size_t url_hash(const char *u)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	for (; *u; u++)
		h = (h ^ (unsigned char)*u) * 1099511628211ull;
	return mix64(h);
}

/* The first page of `pages` (array order) whose url is `url`, or NULL: what a scan of the array
 * comparing urls finds. Through a cache of one course's pages by url (struct sim_page_ix), built
 * on the first lookup and dropped when anything may have changed the state since: any write
 * request, a background job, a reset (sim.h: write_gen, state_gen). A GET of a page's date
 * details per page of a 4,000-page course scanned 2,000 pages a request (issue 18: canvas-sim
 * spent 30 times coursectl's CPU serving tests/bench/plan.sh). Each slot keeps its page's url and
 * page_id beside it, read once when the index is built, so a probe reads no cJSON. */
static int64_t page_id_of(const cJSON *p)
{
	return sim_value_id(sim_get(p, "page_id"));   /* big ids are strings */
}

static size_t id_hash(int64_t id)
{
	return mix64((uint64_t)id);
}

static struct sim_page_ix *page_ix(struct sim *s, cJSON *pages)
{
	struct sim_page_ix *ix = &s->page_ix;
	cJSON *o;
	size_t i, n = 0;

	if (ix->pages == pages && ix->write_gen == s->write_gen && ix->state_gen == s->state_gen && ix->cap)
		return ix;
	cJSON_ArrayForEach(o, pages)
		n++;
	free(ix->objs);   /* urls live in the same block, ids in by_id's (sim_main.c frees the two) */
	free(ix->by_id);
	ix->cap = 16;
	while (ix->cap < 2 * n + 2)
		ix->cap *= 2;
	ix->objs = xcalloc(ix->cap, sizeof(*ix->objs) + sizeof(*ix->urls));
	ix->urls = (const char **)(void *)(ix->objs + ix->cap);
	ix->by_id = xcalloc(ix->cap, sizeof(*ix->by_id) + sizeof(*ix->ids));
	ix->ids = (int64_t *)(void *)(ix->by_id + ix->cap);
	ix->pages = pages;
	ix->write_gen = s->write_gen;
	ix->state_gen = s->state_gen;
	/* the first page of a url (of a page_id) wins, as in a scan */
	cJSON_ArrayForEach(o, pages) {
		const char *u = sim_str(o, "url");
		int64_t id = page_id_of(o);

		if (u) {
			for (i = url_hash(u) & (ix->cap - 1); ix->objs[i]; i = (i + 1) & (ix->cap - 1))
				if (!strcmp(ix->urls[i], u))
					break;
			if (!ix->objs[i]) {
				ix->objs[i] = o;
				ix->urls[i] = u;
			}
		}
		if (id >= 0) {
			for (i = id_hash(id) & (ix->cap - 1); ix->by_id[i]; i = (i + 1) & (ix->cap - 1))
				if (ix->ids[i] == id)
					break;
			if (!ix->by_id[i]) {
				ix->by_id[i] = o;
				ix->ids[i] = id;
			}
		}
	}
	return ix;
}

cJSON *sim_find_page_id(struct sim *s, cJSON *pages, int64_t id)
{
	struct sim_page_ix *ix = page_ix(s, pages);
	size_t i;

	for (i = id_hash(id) & (ix->cap - 1); ix->by_id[i]; i = (i + 1) & (ix->cap - 1))
		if (ix->ids[i] == id)
			return ix->by_id[i];
	return NULL;
}

cJSON *sim_find_page_url(struct sim *s, cJSON *pages, const char *url)
{
	struct sim_page_ix *ix;
	size_t i;

	if (!url)
		return NULL;
	ix = page_ix(s, pages);
	for (i = url_hash(url) & (ix->cap - 1); ix->objs[i]; i = (i + 1) & (ix->cap - 1))
		if (!strcmp(ix->urls[i], url))
			return ix->objs[i];
	return NULL;
}

/* The first object of `arr` (array order) whose sim_id is `id`: what sim_find_id_num's scan finds,
 * through a cache of arr by id built on the first lookup and dropped as the page index is (write_gen,
 * state_gen). A few arrays are indexed at once (a module list's items name assignments, quizzes and
 * topics in turn), the least recently used rebuilt. The modules list scanned the course's 3,000
 * assignments for each assignment item (i18/simlook: 80,000 cold objects' ids for 400 items of
 * tests/bench/plan.sh's course, 1.1% of the simulator's instructions). A negative id, which the
 * index does not hold, takes the scan. */
cJSON *sim_find_id_ix(struct sim *s, cJSON *arr, int64_t id)
{
	struct sim_id_ix *ix = NULL;
	const size_t nix = sizeof(s->id_ix) / sizeof(s->id_ix[0]);
	cJSON *o;
	size_t i, n = 0;

	if (id < 0 || !arr)
		return sim_find_id_num(arr, id);
	for (i = 0; i < nix && !ix; i++)
		if (s->id_ix[i].arr == arr && s->id_ix[i].write_gen == s->write_gen &&
		    s->id_ix[i].state_gen == s->state_gen)
			ix = &s->id_ix[i];
	if (!ix) {
		ix = &s->id_ix[0];
		for (i = 1; i < nix; i++)
			if (s->id_ix[i].used < ix->used)
				ix = &s->id_ix[i];
		cJSON_ArrayForEach(o, arr)
			n++;
		free(ix->objs);   /* ids live in the same block */
		ix->cap = 16;
		while (ix->cap < 2 * n + 2)
			ix->cap *= 2;
		ix->objs = xcalloc(ix->cap, sizeof(*ix->objs) + sizeof(*ix->ids));
		ix->ids = (int64_t *)(void *)(ix->objs + ix->cap);
		ix->arr = arr;
		ix->write_gen = s->write_gen;
		ix->state_gen = s->state_gen;
		cJSON_ArrayForEach(o, arr) {
			int64_t oid = sim_id(o);

			if (oid < 0)
				continue;
			for (i = id_hash(oid) & (ix->cap - 1); ix->objs[i]; i = (i + 1) & (ix->cap - 1))
				if (ix->ids[i] == oid)
					break;
			if (!ix->objs[i]) {   /* the first object of an id wins, as in a scan */
				ix->objs[i] = o;
				ix->ids[i] = oid;
			}
		}
	}
	ix->used = ++s->id_ix_tick;
	for (i = id_hash(id) & (ix->cap - 1); ix->objs[i]; i = (i + 1) & (ix->cap - 1))
		if (ix->ids[i] == id)
			return ix->objs[i];
	return NULL;
}

void sim_id_ix_free(struct sim *s)
{
	size_t i;

	for (i = 0; i < sizeof(s->id_ix) / sizeof(s->id_ix[0]); i++) {
		free(s->id_ix[i].objs);
		memset(&s->id_ix[i], 0, sizeof(s->id_ix[i]));
	}
}

cJSON *sim_find_course(struct sim *s, const char *id)
{
	cJSON *courses = sim_get(s->state, "courses"), *c;
	char *end;
	long long v;

	if (!id)
		return NULL;
	if (!strncmp(id, "sis_course_id:", 14)) {
		cJSON_ArrayForEach(c, courses) {
			const char *sis = sim_str(c, "sis_course_id");

			if (sis && !strcmp(sis, id + 14))
				return c;
		}
		return NULL;
	}
	if (!strncmp(id, "uuid:", 5)) {
		cJSON_ArrayForEach(c, courses) {
			const char *u = sim_str(c, "uuid");

			if (u && !strcmp(u, id + 5))
				return c;
		}
		return NULL;
	}
	if (!*id)
		return NULL;
	v = strtoll(id, &end, 10);   /* as sim_find_id */
	if (*end || v < 0)
		return NULL;
	return find_course_num(s, courses, v);
}

void sim_notify(struct sim *s, const char *type, const cJSON *course, const char *kind, int64_t id,
		const char *detail)
{
	cJSON *n = cJSON_CreateObject();
	char when[21];

	cJSON_AddStringToObject(n, "type", type);
	sim_add_id(n, "course_id", sim_id(course));
	cJSON_AddStringToObject(n, "kind", kind);
	sim_add_id(n, "id", id);
	if (detail)
		cJSON_AddStringToObject(n, "detail", detail);
	sim_time_format(sim_now(), when);
	cJSON_AddStringToObject(n, "at", when);
	cJSON_AddItemToArray(s->notifications, n);
}

/* ---------------------------------------------------------------- the request */

const char *sim_param(const struct sim_req *rq, const char *name)
{
	int i;

	for (i = 0; i < rq->nparams; i++)
		if (!strcmp(rq->param_names[i], name))
			return rq->params[i];
	return NULL;
}

const char *sim_query(const struct sim_req *rq, const char *key)
{
	return sim_str(rq->q, key);
}

int sim_query_has(const struct sim_req *rq, const char *key, const char *val)
{
	const cJSON *arr = sim_get(rq->q, key), *it;

	if (cJSON_IsString(arr))
		return !strcmp(arr->valuestring, val);
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it) && !strcmp(it->valuestring, val))
			return 1;
	return 0;
}

int sim_query_bool(const struct sim_req *rq, const char *key, int def)
{
	const cJSON *v = sim_get(rq->q, key);

	if (!v)
		v = sim_get(rq->body, key);
	if (!v || cJSON_IsNull(v))
		return def;
	return sim_value_bool(v);
}

cJSON *sim_body_wrapper(const struct sim_req *rq, const char *wrapper)
{
	cJSON *w = cJSON_IsObject(rq->body) ? sim_get(rq->body, wrapper) : NULL;

	return cJSON_IsObject(w) ? w : NULL;
}

/* ---------------------------------------------------------------- tokens */

cJSON *sim_token_entry(struct sim *s, const char *tok)
{
	cJSON *it, *tokens = sim_get(s->state, "tokens");

	if (!tok)
		return NULL;
	cJSON_ArrayForEach(it, tokens) {
		if (cJSON_IsString(it) && !strcmp(it->valuestring, tok))
			return it;
		if (cJSON_IsObject(it) && sim_str(it, "token") && !strcmp(sim_str(it, "token"), tok))
			return it;
	}
	return NULL;
}

void sim_token_revoke(struct sim *s, const char *tok)
{
	cJSON *e = sim_token_entry(s, tok);

	if (cJSON_IsString(e)) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "token", tok);
		cJSON_AddBoolToObject(o, "revoked", 1);
		cJSON_ReplaceItemViaPointer(sim_get(s->state, "tokens"), e, o);
	} else if (e) {
		sim_set(e, "revoked", cJSON_CreateTrue());
	}
}
