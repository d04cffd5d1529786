/* include/jsonid.h -- a Canvas id as JSON: one rule for every document coursectl writes, and one
 * form for every id coursectl reads.
 *
 *   cJSON_AddItemToObject(o, "course_id", jsonid(c->course_id));
 *
 * Writing. Ids travel through coursectl as text ("4821", "sis_course_id:X", "new:3"): the plan,
 * the journal, apply's result document, `journal show --format json` and the request bodies exec
 * sends all write them back as JSON. An id that is a whole number is written as one, anything else
 * as a string. Only up to 15 digits: every such number is exact in a double (cJSON's number type),
 * so a longer id -- a cross-shard id above 2^53 above all -- stays a string rather than being
 * rounded into another id. Canvas takes an id as a string wherever it takes one as a number (its
 * parameters go through Api.sis_parse_id / ID_REGEX, lib/api.rb). This used to be five copies
 * (plan.c, journal.c, cmd_journal.c, cmd_apply.c, exec_write.c) that agreed on every id Canvas
 * hands out but not on the edges (NULL, "1e5", 16 digits and more).
 *
 * Reading. coursectl asks for string ids (`Accept: application/json+canvas-string-ids`, http.c),
 * so Canvas sends every id as a string; jsonid_canon turns back into numbers the ids of up to 15
 * digits (the writing rule's), right after json_guard has checked the answer. Everything
 * downstream thus sees the shapes it saw before string ids for every such id (the snapshot, the
 * plan's values and the golden files are byte for byte the same), and a string for a longer id
 * (above 2^53 among them), which it reads with jsonid_text / jsonid_ll (never through a double).
 */
#ifndef COURSECTL_JSONID_H
#define COURSECTL_JSONID_H

#include <cjson/cJSON.h>

#define JSONID_MAX 9007199254740991LL   /* 2^53 - 1: the last id a double holds exactly */

/* A new cJSON item for `id`: a number when it is 1 to 15 ASCII digits, a string otherwise, null for
 * NULL. The caller owns it (attach it to a document, or cJSON_Delete). */
cJSON *jsonid(const char *id);

/* Canvas's id keys (StringifyIds.stringify_ids): "id" and "*_id" hold an id, "ids" and "*_ids" a
 * list of ids. 1 for an id key, 2 for an ids key, 0 otherwise. */
int jsonid_key(const char *key);

/* Walks a parsed Canvas answer and turns each string id under an id key (jsonid_key) of 1 to 15
 * digits (no leading zero) into a number; text ids that Canvas sends as strings anyway (sis_*,
 * lti_*, integration_id, migration_id, ...) are left alone. */
void jsonid_canon(cJSON *j);

/* The text of an id value: a whole number as its decimal, a string as it is. NULL for anything else
 * (null, absent, a list). Returns buf or v's own string; valid while v lives. */
const char *jsonid_text(const cJSON *v, char buf[32]);
/* The decimal digits of u into out, NUL-terminated; returns their count. %llu's digits without
 * printf (issue 18: a plan of many courses prints ids and other integers millions of times;
 * jsonid_text and the plan's digest use it). */
size_t jsonid_digits(unsigned long long u, char out[21]);

/* An id value as a 64-bit integer: a whole number >= 0 below 2^53, or a string of digits that fits
 * in a long long (ids above 2^53 included). 0 and *out set, or -1. */
int jsonid_ll(const cJSON *v, long long *out);

#endif
