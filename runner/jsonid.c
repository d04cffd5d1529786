/* runner/jsonid.c -- a Canvas id as JSON (include/jsonid.h, the rule and why it is 15 digits).
 * A module of its own because its callers (plan.c, journal.c, exec_write.c, the commands) share no
 * other layer: putting it in canvas.c would make the plan and journal data modules depend on the
 * HTTP engine.
 *
 * String ids (issue 17). Canvas answers a request whose Accept header contains
 * "application/json+canvas-string-ids" (ApplicationController#stringify_json_ids?) through
 * ApplicationController#json_cast, which runs StringifyIds.recursively_stringify_ids over the whole
 * document before encoding it: in every object at any depth, a key matching /(^|_)id$/ has an
 * Integer value turned into its decimal string, and a key matching /(^|_)ids$/ whose value is an
 * Array has each Integer element turned so (StringifyIds.stringify_ids, stringify_id). Strings,
 * nulls and other types are left as they are. jsonid_key is that key rule; jsonid_canon its
 * reverse for the ids that fit a double, so that only an id above 2^53 stays a string. The reverse
 * cannot know which strings Canvas made: a key whose value Canvas always sends as text (a SIS id
 * made only of digits) would come back as a number. The keys below are those text ids; they are
 * left as strings, as Canvas sends them with or without the header.
 * Rejected: keeping every id a string downstream (the snapshot, the plan's values, the golden files
 * and saved plans would all change form for ids that fit), and a JSON parser that keeps number
 * text (cJSON is fixed, CONTRIBUTING.md; and a server that sends a huge id as a number is refused
 * by json_guard_ids instead).
 */
#include "jsonid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *jsonid(const char *id)
{
	size_t i, n;

	if (!id)
		return cJSON_CreateNull();
	n = strlen(id);
	if (!n || n > 15)
		return cJSON_CreateString(id);
	for (i = 0; i < n; i++)
		if (id[i] < '0' || id[i] > '9')
			return cJSON_CreateString(id);
	return cJSON_CreateNumber(strtod(id, NULL));
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && !memcmp(s + n - k, suf, k);
}

int jsonid_key(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	if (!n || (key[n - 1] != 'd' && key[n - 1] != 's'))   /* most keys, at one test */
		return 0;
	if (!strcmp(key, "id") || (n > 3 && ends_with(key, n, "_id")))
		return 1;
	if (!strcmp(key, "ids") || (n > 4 && ends_with(key, n, "_ids")))
		return 2;
	return 0;
}

/* Keys that match the id rule but hold text Canvas sends as a string with or without the header. */
static int text_id_key(const char *key)
{
	static const char *const names[] = {
		"integration_id", "migration_id", "login_id", "unique_id", "anonymous_id", "tool_id",
		"media_id", "resource_link_id", "uuid", "global_id",
	};
	size_t i, n = strlen(key);

	if (!strncmp(key, "sis_", 4) || !strncmp(key, "lti_", 4))
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ends_with(key, n, names[i]))
			return 1;
	return 0;
}

/* A string id of 1 to 15 digits (jsonid's rule) becomes that number, in place (the item keeps its
 * key and its place in the list). Not 16 digits, although a double holds ids up to 2^53 - 1: cJSON
 * prints a number with 15 significant digits when that reads back within its epsilon, so
 * 9007199254740991 would be written as 9.00719925474099e+15 into a snapshot or a plan's values. */
static void canon_item(cJSON *it)
{
	const char *s = cJSON_IsString(it) ? it->valuestring : NULL;
	size_t i, n = s ? strlen(s) : 0;
	long long v;

	if (!n || n > 15 || (s[0] == '0' && n > 1) || (it->type & cJSON_IsReference))
		return;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return;
	v = strtoll(s, NULL, 10);
	cJSON_free(it->valuestring);
	it->valuestring = NULL;
	it->type = (it->type & ~0xff) | cJSON_Number;
	cJSON_SetNumberValue(it, (double)v);
}

void jsonid_canon(cJSON *j)
{
	cJSON *c;
	int obj;

	if (!j)
		return;
	obj = cJSON_IsObject(j);
	cJSON_ArrayForEach(c, j) {
		/* the key rules only for a string or a list, and text_id_key only for an id key: it was
		 * called on every key first, 7% of a 200-course plan's instructions (issue 18) */
		int k = obj && c->string && (cJSON_IsString(c) || cJSON_IsArray(c)) ? jsonid_key(c->string) : 0;

		if (k && !text_id_key(c->string)) {
			if (k == 1 && cJSON_IsString(c)) {
				canon_item(c);
				continue;
			}
			if (k == 2 && cJSON_IsArray(c)) {
				cJSON *e;

				cJSON_ArrayForEach(e, c)
					canon_item(e);
			}
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			jsonid_canon(c);
	}
}

size_t jsonid_digits(unsigned long long u, char out[21])
{
	char t[20], *q = t + sizeof(t);
	size_t n;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	n = (size_t)(t + sizeof(t) - q);
	memcpy(out, q, n);
	out[n] = '\0';
	return n;
}

const char *jsonid_text(const cJSON *v, char buf[32])
{
	if (v && cJSON_IsString(v))   /* v &&: cJSON_Is* take NULL, which the analyzer cannot see */
		return v->valuestring;
	if (v && cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d >= 1 && d < 1e15 && d == (double)(long long)d) {
			/* an id: %.0f's digits without printf's floating-point path */
			jsonid_digits((unsigned long long)d, buf);
			return buf;
		}
		snprintf(buf, 32, "%.0f", d);
		return buf;
	}
	return NULL;
}

int jsonid_ll(const cJSON *v, long long *out)
{
	if (v && cJSON_IsNumber(v)) {
		if (!(v->valuedouble >= 0 && v->valuedouble <= (double)JSONID_MAX) ||
		    v->valuedouble != (double)(long long)v->valuedouble)
			return -1;
		*out = (long long)v->valuedouble;
		return 0;
	}
	if (v && cJSON_IsString(v)) {
		const char *s = v->valuestring;
		char *end;
		long long x;

		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		x = strtoll(s, &end, 10);
		if (*end || errno)
			return -1;
		*out = x;
		return 0;
	}
	return -1;
}
