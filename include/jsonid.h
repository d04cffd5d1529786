/* include/jsonid.h -- a Canvas id as JSON: one rule for every document coursectl writes.
 *
 *   cJSON_AddItemToObject(o, "course_id", jsonid(c->course_id));
 *
 * Ids travel through coursectl as text ("4821", "sis_course_id:X", "new:3"): the plan, the journal,
 * apply's result document, `journal show --format json` and the request bodies exec sends all write
 * them back as JSON. Canvas writes its ids as numbers, so an id that is a whole number is written as
 * one, anything else as a string. Only up to 15 digits: every such number is exact in a double
 * (cJSON's number type), so a longer id stays a string rather than being rounded into another id.
 * This used to be five copies (plan.c, journal.c, cmd_journal.c, cmd_apply.c, exec_write.c) that
 * agreed on every id Canvas hands out but not on the edges (NULL, "1e5", 16 digits and more).
 */
#ifndef COURSECTL_JSONID_H
#define COURSECTL_JSONID_H

#include <cjson/cJSON.h>

/* A new cJSON item for `id`: a number when it is 1 to 15 ASCII digits, a string otherwise, null for
 * NULL. The caller owns it (attach it to a document, or cJSON_Delete). */
cJSON *jsonid(const char *id);

#endif
