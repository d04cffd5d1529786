/* runner/json_guard.c -- what a Canvas answer must satisfy before coursectl trusts it.
 *
 * The review of issue 17 fed coursectl a hostile server. Three things went wrong quietly, and a
 * quiet wrong value is worse than a stop, because apply writes it back:
 *   - a "\u0000" inside a string: cJSON decodes it into a C string, so the text ends there; a
 *     plan then shows the prefix, and apply would write the prefix back over the whole text.
 *     Refused before parsing (json_guard_text), with the object and field named: the string is
 *     parsed again with the escape swapped for U+FFFF, a noncharacter, only to find where it was.
 *   - ids that are not whole numbers (51002.5 read as 51002) or too large for a double to hold
 *     exactly (above 2^53, where 9007199254740993 reads as ...992): either would address another
 *     object. Refused (json_guard_ids) for every numeric "id" and "..._id" in the answer. Ids that
 *     Canvas sends as strings (Accept: application/json+canvas-string-ids) are kept as text.
 *   - one id twice in a list: the maps keyed by id kept only one of them, silently. A list that
 *     names an object twice is refused (json_guard_unique): it is either a broken server or a
 *     course changing under a numbered paging, and either way the run cannot know which copy is
 *     true.
 * json_guard_course: GET /courses/4821 answered with another course (a proxy cache, a misrouted
 * shard) made the calendar listing of that other course fail with a message about calendar
 * permissions; now the answer itself is refused.
 *
 * Rejected: a JSON parser of our own that keeps NULs and raw number text (cJSON is fixed by
 * CONTRIBUTING.md, and coursectl has no use for a NUL in Canvas text: Canvas itself refuses one
 * in most fields); replacing NUL with U+FFFD (apply would write the changed text back).
 */
#include "json_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

#define SENTINEL "\xef\xbf\xbf"   /* U+FFFF */

/* Offset of the first NUL in a string of `body` (a raw byte, or a \u0000 escape not itself
 * escaped), or len; *escaped set when it was the escape. With `swap` (a writable copy), every such
 * escape is overwritten with \uffff and the scan goes on to the end. */
static size_t find_nul(char *swap, const char *body, size_t len, int *escaped)
{
	size_t i, first = len;
	int in = 0;

	*escaped = 0;
	for (i = 0; i < len; i++) {
		if (!body[i])
			return first < len ? first : i;
		if (!in) {
			in = body[i] == '"';
			continue;
		}
		if (body[i] == '"') {
			in = 0;
		} else if (body[i] == '\\' && i + 1 < len) {
			if (body[i + 1] == 'u' && i + 5 < len && !memcmp(body + i + 2, "0000", 4)) {
				if (first == len) {
					first = i;
					*escaped = 1;
				}
				if (!swap)
					return first;
				memcpy(swap + i + 2, "ffff", 4);
			}
			i++;   /* skip the escaped character (\" and \\ included) */
		}
	}
	return first;
}

/* The object that holds the string with the sentinel, described into `b`: "object id 51002,
 * field 'name'". `owner`: the nearest enclosing object with an id; `field`: the nearest key.
 * 1 when found. */
static int locate(const cJSON *j, const cJSON *owner, const char *field, char *b, size_t n)
{
	const cJSON *c;

	if (j->string)
		field = j->string;
	if (cJSON_IsObject(j) && cJSON_GetObjectItemCaseSensitive(j, "id"))
		owner = j;
	if ((cJSON_IsString(j) && strstr(j->valuestring, SENTINEL)) || (j->string && strstr(j->string, SENTINEL))) {
		const cJSON *id = owner ? cJSON_GetObjectItemCaseSensitive(owner, "id") : NULL;
		char idt[48] = "";

		if (cJSON_IsNumber(id))
			snprintf(idt, sizeof(idt), "object id %.0f, ", id->valuedouble);
		else if (cJSON_IsString(id))
			snprintf(idt, sizeof(idt), "object id %.20s, ", id->valuestring);
		if (j->string && strstr(j->string, SENTINEL))
			snprintf(b, n, "%sa field name", idt);
		else
			snprintf(b, n, "%sfield '%.60s'", idt, field ? field : "(list item)");
		return 1;
	}
	cJSON_ArrayForEach(c, j)
		if (locate(c, owner, field, b, n))
			return 1;
	return 0;
}

int json_guard_text(const char *body, size_t len, const char *what, struct err *err)
{
	int escaped;
	size_t at = find_nul(NULL, body, len, &escaped);
	char where[160] = "";

	if (at == len)
		return 0;
	if (escaped) {
		/* \u0000 and \uffff have the same length: swap every one, parse, and look */
		char *copy = xmalloc(len + 1);
		int e;
		cJSON *j;

		memcpy(copy, body, len);
		copy[len] = '\0';
		find_nul(copy, body, len, &e);
		j = cJSON_ParseWithLength(copy, len);
		if (!j || !locate(j, NULL, NULL, where, sizeof(where)))
			snprintf(where, sizeof(where), "byte %zu", at);
		cJSON_Delete(j);
		free(copy);
	} else {
		snprintf(where, sizeof(where), "byte %zu", at);
	}
	return err_set(err, ERR_CORRUPT, "%s: Canvas sent a NUL character (%s) in a string (%s); refusing the "
		       "answer rather than cutting the text short there", what, escaped ? "\\u0000" : "a 0 byte", where);
}

static int id_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	return n && (!strcmp(k, "id") || (n > 3 && !strcmp(k + n - 3, "_id")));
}

int json_guard_ids(const cJSON *j, const char *what, struct err *err)
{
	const cJSON *c;

	if (cJSON_IsNumber(j) && id_key(j->string)) {
		double v = j->valuedouble;
		int huge = v > JSON_GUARD_MAX_ID || v < -JSON_GUARD_MAX_ID;   /* also catches NaN-free inf */

		if (huge || v != (double)(long long)v)
			return err_set(err, ERR_CORRUPT, "%s: Canvas sent '%s' %.17g, which is not %s; refusing the answer "
				       "rather than using another id", what, j->string, v,
				       huge ? "an id a number can hold exactly (at most 2^53-1)" : "a whole number");
		return 0;
	}
	cJSON_ArrayForEach(c, j)
		if (json_guard_ids(c, what, err))
			return err->code;
	return 0;
}

int json_guard_unique(const cJSON *list, const char *what, struct err *err)
{
	struct strmap seen = STRMAP_INIT;
	const cJSON *it;
	int rc = 0;

	cJSON_ArrayForEach(it, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		char key[64];

		if (!id)
			id = cJSON_GetObjectItemCaseSensitive(it, "page_id");
		if (cJSON_IsNumber(id))
			snprintf(key, sizeof(key), "%.0f", id->valuedouble);
		else if (cJSON_IsString(id))
			snprintf(key, sizeof(key), "%.60s", id->valuestring);
		else
			continue;
		if (!strmap_add(&seen, key, (void *)it)) {
			rc = err_set(err, ERR_CORRUPT, "%s: Canvas listed id %s twice; refusing the list rather than "
				     "keeping one of the two", what, key);
			break;
		}
	}
	strmap_release(&seen);
	return rc;
}

int json_guard_course(const char *given, const cJSON *course, struct err *err)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(course, "id");
	const char *p;
	char got[40];

	for (p = given; *p >= '0' && *p <= '9'; p++)
		;
	if (*p || !*given)
		return 0;   /* sis_course_id:X and the like: nothing to compare */
	if (cJSON_IsNumber(id))
		snprintf(got, sizeof(got), "%.0f", id->valuedouble);
	else if (cJSON_IsString(id))
		snprintf(got, sizeof(got), "%.30s", id->valuestring);
	else
		return err_set(err, ERR_CORRUPT, "course %s: Canvas's answer has no course id; refusing it", given);
	if (strcmp(got, given))
		return err_set(err, ERR_CORRUPT, "course %s: Canvas answered with course %s instead; refusing the "
			       "answer (a proxy or cache between coursectl and Canvas?)", given, got);
	return 0;
}
