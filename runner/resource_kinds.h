/* runner/resource_kinds.h -- the hooks of the resource table (include/resource.h), one file per
 * kind with quirks: runner/resource_<kind>.c. Seen by resource.c and those files only; the layers
 * above call them through the row.
 */
#ifndef COURSECTL_RESOURCE_KINDS_H
#define COURSECTL_RESOURCE_KINDS_H

#include <cjson/cJSON.h>

#include "resource.h"

/* obj.id as an integer; -1 when absent or not a whole number in range (pages have no "id"). */
long long resource_json_id(const cJSON *obj);

/* runner/resource_assignment.c */
int resource_assignment_checkpoint_field(const cJSON *live, const char *field);
char *resource_assignment_checkpoint_path(const char *course, const cJSON *live);
/* Checkpoint overrides (the elsewhere hooks of the assignment and override rows). */
int resource_assignment_checkpoint_chained(const cJSON *assignment);
int resource_override_checkpoint_field(const cJSON *live, const char *field);
/* Malloced (cJSON_Delete). */
cJSON *resource_assignment_checkpoint_body(const cJSON *assignment, const char *override_id, const cJSON *fields);
void resource_assignment_checkpoint_refresh(cJSON *live, const cJSON *reread);
int resource_assignment_more(const cJSON *obj, const char *course_path, const char *course,
			     struct resource_fetch *out);

/* runner/resource_discussion.c */
int resource_topic_more(const cJSON *obj, const char *course_path, const char *course, struct resource_fetch *out);
void resource_announcement_finish_body(cJSON *inner, int create);

/* runner/resource_module.c */
void resource_module_finish_body(cJSON *inner, int create);
int resource_module_more(const cJSON *obj, const char *course_path, const char *course, struct resource_fetch *out);
int resource_item_put_param(cJSON *inner, const char *param, const cJSON *v);
int resource_item_same_create(const cJSON *after, const cJSON *o);

/* runner/resource_page.c */
int resource_page_put_param(cJSON *inner, const char *param, const cJSON *v);
int resource_page_dates_field(const cJSON *live, const char *field);
char *resource_page_dates_path(const char *course, const cJSON *live);
int resource_page_dates_more(const cJSON *obj, const char *course_path, const char *course,
			     struct resource_fetch *out);
int resource_page_more(const cJSON *obj, const char *course_path, const char *course, struct resource_fetch *out);

/* runner/resource_quiz.c */
void resource_quiz_finish_body(cJSON *inner, int create);

#endif
