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
 *     object. Refused (json_guard_ids) for every numeric "id" and "..._id" in the answer.
 *     coursectl asks for string ids (http.c sends Accept: application/json+canvas-string-ids, which
 *     Canvas answers through ApplicationController#json_cast and StringifyIds.recursively_stringify_ids:
 *     every "id", "*_id" and "*_ids" element as a string), so a cross-shard id above 2^53 arrives as
 *     text and is kept exactly (jsonid_canon, runner/jsonid.c, turns the short ones back into
 *     numbers). The refusal stays as the defence when a server or proxy ignores the header and
 *     sends such an id as a number: it is refused, never rounded into another id (t1104).
 *   - one id twice in a list: the maps keyed by id kept only one of them, silently. A list that
 *     names an object twice is refused (json_guard_unique): it is either a broken server or a
 *     course changing under a numbered paging, and either way the run cannot know which copy is
 *     true.
 *   - bytes that are not UTF-8 (a broken proxy re-encoding as Latin-1, a truncated sequence):
 *     JSON text is UTF-8 (RFC 8259 8.1) and Canvas sends nothing else. cJSON passes such bytes
 *     through, so a plan would show them and apply would write them back as a different text.
 *     Refused by json_guard_text too, naming the object and field and the first bad byte.
 *   - a date field ("*_at") that is a number or true/false: it read as "no date", and a shift
 *     left the object out without a word. Refused by json_guard_ids, which walks every answer anyway.
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
				memset(swap + i + 2, 'f', 4);   /* \u0000 -> \uffff */
			}
			i++;   /* skip the escaped character (\" and \\ included) */
		}
	}
	return first;
}

/* Offset of the first byte of s[0..len) that does not start a valid UTF-8 sequence (overlong
 * forms, surrogates and code points above U+10FFFF included), or len. */
static size_t bad_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t n, k;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07;
		else
			return i;
		if (n > len - i)
			return i;
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n;
	}
	return len;
}

static int has_sentinel(const char *s)
{
	return strstr(s, SENTINEL) != NULL;
}

static int has_bad_utf8(const char *s)
{
	return bad_utf8(s, strlen(s)) < strlen(s);
}

/* The object that holds the string (or key) for which bad() is true, described into `b`:
 * "object id 51002, field 'name'". `owner`: the nearest enclosing object with an id; `field`: the
 * nearest key. 1 when found. */
static int locate(const cJSON *j, const cJSON *owner, const char *field, int (*bad)(const char *), char *b,
		  size_t n)
{
	const cJSON *c;

	if (j->string)
		field = j->string;
	if (cJSON_IsObject(j) && cJSON_GetObjectItemCaseSensitive(j, "id"))
		owner = j;
	if ((cJSON_IsString(j) && bad(j->valuestring)) || (j->string && bad(j->string))) {
		const cJSON *id = owner ? cJSON_GetObjectItemCaseSensitive(owner, "id") : NULL;
		char idt[48] = "";

		if (id && cJSON_IsNumber(id))   /* id &&: cJSON_Is* take NULL, which the analyzer cannot see */
			snprintf(idt, sizeof(idt), "object id %.0f, ", id->valuedouble);
		else if (id && cJSON_IsString(id))
			snprintf(idt, sizeof(idt), "object id %.20s, ", id->valuestring);
		if (j->string && bad(j->string))
			snprintf(b, n, "%sa field name", idt);
		else
			snprintf(b, n, "%sfield '%.60s'", idt, field ? field : "(list item)");
		return 1;
	}
	cJSON_ArrayForEach(c, j)
		if (locate(c, owner, field, bad, b, n))
			return 1;
	return 0;
}

int json_guard_text(const char *body, size_t len, const char *what, struct err *err)
{
	int escaped;
	size_t at = find_nul(NULL, body, len, &escaped);
	char where[160] = "";

	if (at == len) {
		cJSON *j;

		at = bad_utf8(body, len);
		if (at == len)
			return 0;
		j = cJSON_ParseWithLength(body, len);
		if (!j || !locate(j, NULL, NULL, has_bad_utf8, where, sizeof(where)))
			snprintf(where, sizeof(where), "outside a string");
		cJSON_Delete(j);
		return err_set(err, ERR_CORRUPT, "%s: Canvas sent bytes that are not UTF-8 (0x%02x at byte %zu, %s); "
			       "refusing the answer rather than guessing its encoding", what,
			       (unsigned)(unsigned char)body[at], at, where);
	}
	if (escaped) {
		/* \u0000 and \uffff have the same length: swap every one, parse, and look */
		char *copy = xmalloc(len + 1);
		int e;
		cJSON *j;

		memcpy(copy, body, len);
		copy[len] = '\0';
		find_nul(copy, body, len, &e);
		j = cJSON_ParseWithLength(copy, len);
		if (!j || !locate(j, NULL, NULL, has_sentinel, where, sizeof(where)))
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

/* Canvas's "*_at" fields (due_at, unlock_at, lock_at, created_at, ...) are an ISO 8601 string or
 * null. A number (a Unix time?) or true/false there was read as "no date", so a shift left that
 * object out silently; now the answer is refused. Lists and objects are let through: Canvas's
 * error answers key their messages by field ({"errors": {"due_at": ["..."]}}, a Progress's
 * results), and the readers treat them as no date without harm. */
static int date_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	return n > 3 && !strcmp(k + n - 3, "_at");
}

static const char *json_type(const cJSON *j)
{
	return cJSON_IsNumber(j) ? "a number" : "true or false";
}

int json_guard_ids(const cJSON *j, const char *what, struct err *err)
{
	const cJSON *c;

	if (date_key(j->string) && (cJSON_IsNumber(j) || cJSON_IsBool(j)))
		return err_set(err, ERR_CORRUPT, "%s: Canvas sent '%s' as %s, not a date or null; refusing the answer",
			       what, j->string, json_type(j));

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
