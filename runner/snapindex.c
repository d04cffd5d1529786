/* runner/snapindex.c -- a snapshot's courses and assignments by id (include/snapindex.h).
 *
 * Keys: "n" and the decimal of a numeric id (as (int64_t)valuedouble), "s" and a string id; an
 * assignment's key is its course's address, 0x1f and its own key, so a course found by either of
 * its keys finds the same assignments. A lookup tries the numeric key (strtoll of the id, as the
 * scans compared) and then the string key. strmap_add keeps the first object of a duplicated id,
 * which is the one a front-to-back scan found.
 */
#include "snapindex.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The key of an id value into buf, or NULL when it is neither a number nor a string.
 * Ownership: returns buf or a new string (string ids), which the caller frees when != buf. */
static char *value_key(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsNumber(v)) {
		snprintf(buf, n, "n%" PRId64, (int64_t)v->valuedouble);
		return buf;
	}
	if (cJSON_IsString(v))
		return xasprintf("s%s", v->valuestring);
	return NULL;
}

static void add(struct strmap *m, const char *prefix, const char *key, void *v)
{
	char *k = xasprintf("%s%s", prefix, key);

	strmap_add(m, k, v);   /* a duplicate id keeps its first object */
	free(k);
}

void snapindex_build(struct snapindex *ix, const cJSON *snapshot)
{
	const cJSON *c, *a;
	char buf[32], prefix[40];

	*ix = (struct snapindex){ STRMAP_INIT, STRMAP_INIT };
	cJSON_ArrayForEach(c, get(snapshot, "courses")) {
		char *ck = value_key(get(c, "id"), buf, sizeof buf);

		if (ck) {
			add(&ix->courses, "", ck, (void *)c);
			if (ck != buf)
				free(ck);
		}
		snprintf(prefix, sizeof prefix, "%p\x1f", (const void *)c);
		cJSON_ArrayForEach(a, get(c, "assignments")) {
			char *ak = value_key(get(a, "id"), buf, sizeof buf);

			if (!ak)
				continue;
			add(&ix->asgs, prefix, ak, (void *)a);
			if (ak != buf)
				free(ak);
		}
	}
}

/* Numeric key first, then string key: the object behind either. */
static const cJSON *lookup(const struct strmap *m, const char *prefix, const char *id)
{
	char *k = xasprintf("%sn%" PRId64, prefix, (int64_t)strtoll(id, NULL, 10));
	const cJSON *o = strmap_get(m, k);

	free(k);
	if (o)
		return o;
	k = xasprintf("%ss%s", prefix, id);
	o = strmap_get(m, k);
	free(k);
	return o;
}

const cJSON *snapindex_course(const struct snapindex *ix, const char *course_id)
{
	return course_id ? lookup(&ix->courses, "", course_id) : NULL;
}

const cJSON *snapindex_assignment(const struct snapindex *ix, const char *course_id, const char *id)
{
	const cJSON *c = snapindex_course(ix, course_id);
	char prefix[40];

	if (!c || !id)
		return NULL;
	snprintf(prefix, sizeof prefix, "%p\x1f", (const void *)c);
	return lookup(&ix->asgs, prefix, id);
}

void snapindex_release(struct snapindex *ix)
{
	strmap_release(&ix->courses);
	strmap_release(&ix->asgs);
}
