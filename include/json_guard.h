/* include/json_guard.h -- checks on every JSON answer from Canvas before anything uses it.
 *
 *   json_guard_text(body, len, what, &err)     before parsing: a NUL (raw or \u0000) anywhere in
 *                                              a string is refused, naming the object and field;
 *                                              so are bytes that are not UTF-8
 *   json_guard_ids(json, what, &err)           after parsing: every numeric "id" or "*_id" is a
 *                                              whole number below 2^53 (else it would be mangled;
 *                                              Canvas's string ids are text, jsonid.h), and no
 *                                              "*_at" is a number or true/false
 *   json_guard_unique(list, what, &err)        a list names each "id" (or "page_id") once
 *   json_guard_course(given, course, &err)     GET /courses/:id answered with that course
 *
 * Each returns 0, or ERR_CORRUPT with a message that starts with `what` ("the assignments of
 * course 4821") and says which object and what was wrong. runner/json_guard.c says why.
 */
#ifndef COURSECTL_JSON_GUARD_H
#define COURSECTL_JSON_GUARD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

#define JSON_GUARD_MAX_ID 9007199254740991.0   /* 2^53 - 1: the last id a double holds exactly */

int json_guard_text(const char *body, size_t len, const char *what, struct err *err);
int json_guard_ids(const cJSON *json, const char *what, struct err *err);
int json_guard_unique(const cJSON *list, const char *what, struct err *err);
/* `given` is the course id as put in the path ("4821", or "sis_course_id:X", which is not
 * compared); `course` the answer. */
int json_guard_course(const char *given, const cJSON *course, struct err *err);

#endif
