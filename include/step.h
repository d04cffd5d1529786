/* include/step.h -- what a recipe step sees while planning: one course's in-memory snapshot, and the
 * functions that change it and record the change in the plan.
 *
 * A step is a pure function (no I/O of any kind, no clock, no environment):
 *
 *   int step_<action>(struct step_ctx *cx, const struct r<action> *model, struct err *err);
 *
 * It reads the course's working copy (cx->course: canvas-sim's seed format, one array per kind --
 * "assignments", "pages", "modules" with their "items", ...), and makes every change through
 * step_set / step_create / step_delete / step_move_item, which
 *   - change the working copy, so the next step sees the result of this one;
 *   - record the change in the plan with the value as first read (`before`) and the new one
 *     (`after`), merging it with an earlier change of the same field by another step;
 *   - refuse what Canvas would refuse (Blueprint-locked columns), recording a skip with the reason.
 * A step that cannot do something the recipe asks for in this course (a page that an ensure: item
 * names does not exist, the front page would be unpublished) records a skip with step_skip() and
 * goes on; an error return (-1 with err set) is only for what stops the whole plan (a regex that
 * exceeds PCRE2's match limit on a body, say), and names the course, object and field.
 *
 * Ownership: cJSON values passed to step_set/step_create are taken (even when nothing changes);
 * objects returned are borrowed from the working copy.
 */
#ifndef COURSECTL_STEP_H
#define COURSECTL_STEP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "plan.h"
#include "recipe.h"
#include "resource.h"

struct step_ctx {
	struct plan *plan;
	const char *step;         /* the step's name, recorded in each change */
	cJSON *course;            /* the working copy of the course (seed format); steps change it only
				   * through the functions below */
	const char *course_id;    /* its numeric id, as text */
	const char *time_zone;    /* the course's IANA zone, or NULL when it has none */
	size_t matched;           /* objects the step's where: selected (plan_build.c resets it before
				   * each step and warns when a step with a where: selected none) */
};

/* The course's array of `kind` (seed_key: "pages", ...), created empty when missing. RES_COURSE:
 * NULL (the course is cx->course); RES_MODULE_ITEM / RES_ASSIGNMENT_OVERRIDE: NULL (they live in
 * their module's "items" / their assignment's "overrides"). */
cJSON *step_list(struct step_ctx *cx, enum resource_kind kind);

/* The object's plan id as text ("90211", "new:3"; pages: page_id) written to buf; "" if none. */
const char *step_id(enum resource_kind kind, const cJSON *obj, char buf[32]);
/* Small helpers the steps share. */
/* obj.field as a string, or NULL when absent or not a string. Borrowed. */
const char *step_str(const cJSON *obj, const char *field);
/* A number or string (an id) as text: the string itself, or the number written in buf; "" else. */
const char *step_value_text(const cJSON *v, char buf[32]);
/* A cJSON string that takes s (malloced) instead of copying it: a changed megabyte body is not
 * copied once more (cJSON_Delete frees valuestring with free(); no other hooks are installed). */
cJSON *step_string_take(char *s);
/* qsort/bsearch comparators: of const char * and of long long. */
int step_cmp_str(const void *a, const void *b);
int step_cmp_ll(const void *a, const void *b);

/* The object's name or title (resource name_field), or "" when it has none. Borrowed. */
const char *step_name(enum resource_kind kind, const cJSON *obj);
/* 1 when the object was created by this plan (id "new:N"). */
int step_is_new(const cJSON *obj);

/* Set obj.field to val (taken). Returns 1 when the value changed (a change is recorded or merged),
 * 0 when it already had that value (nothing recorded), -1 when the field may not be changed (a
 * skip is recorded with the reason; the working copy keeps its value). `note` (may be NULL) is
 * kept with the change, e.g. "2 matches". On an object the plan creates, the value goes into the
 * create change. */
int step_set(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, cJSON *val,
	     const char *note);
int step_set_string(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, const char *s,
		    const char *note);
int step_set_bool(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, int b,
		  const char *note);
int step_set_number(struct step_ctx *cx, enum resource_kind kind, cJSON *obj, const char *field, double v,
		    const char *note);

/* Append a new object of `kind` to `array` (a course list, or a module's "items"), made of
 * `fields` (taken; must be an object): sets "id" to "new:N" (pages: "page_id" too) and records a
 * create change whose `after` is the fields. Module items must carry "module_id" (the module's
 * id, a number or "new:N") in `fields`. Returns the new object (borrowed from array). */
cJSON *step_create(struct step_ctx *cx, enum resource_kind kind, cJSON *array, cJSON *fields);

/* Remove obj from array and record a delete whose before is the whole object. Deleting an object
 * the plan created drops its create change instead. Blueprint-locked objects are skipped (-1). */
int step_delete(struct step_ctx *cx, enum resource_kind kind, cJSON *array, cJSON *obj, const char *note);

/* Move a module item from its module (whose "items" array is `from`) to the end of `to_module`'s
 * items: records a move change on field "module_id" and sets the item's module_id, and a position
 * change that is kept even when the number stays the same (a move without a position is put last by
 * Canvas); the caller sets the real position with step_set(..., "position", ...). */
void step_move_item(struct step_ctx *cx, cJSON *item, cJSON *from, cJSON *to_module);

/* Canvas keeps obj.field equal to a field of another object that the plan changes (a quiz's due_at
 * mirrors its assignment's): update the working copy only, with no change of its own. Takes val. */
void step_mirror(cJSON *obj, const char *field, cJSON *val);

/* Record that the step left obj (or obj.field, field may be NULL) alone, and why (one sentence,
 * no trailing period). obj may be NULL for something that does not exist ("page 'x'"): then
 * `what` names it. */
void step_skip(struct step_ctx *cx, enum resource_kind kind, const cJSON *obj, const char *field, const char *fmt,
	       ...) __attribute__((format(printf, 5, 6)));
void step_skip_missing(struct step_ctx *cx, enum resource_kind kind, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The Blueprint lock category of a field ("content", "settings", "state", "due_dates",
 * "availability_dates", "points"), or NULL when Blueprint locks never cover it. */
const char *step_blueprint_category(enum resource_kind kind, const char *field);

/* ---------------------------------------------------------------- text substitution (step_replace.c) */

struct rreplace;

/* Apply replacements r[0..n-1] in order to text (len bytes). On success *out is a malloced,
 * NUL-terminated result (or NULL when nothing matched: the text is unchanged), *outlen its length,
 * and *matches the number of matches replaced (over all replacements). Bytes outside the matches
 * are copied exactly. -1 with err set when PCRE2 fails at run time (match limit, bad UTF-8 with a
 * UTF pattern); `what` names the place for the message ("page 'x' body in course 4821"). */
int step_substitute(struct rreplace *const *r, size_t n, const char *text, size_t len, char **out,
		    size_t *outlen, long *matches, const char *what, struct err *err);

/* 1 when `re` (a where: name/title regex) matches s (len bytes), 0 when not; -1 with err set when
 * PCRE2 fails at run time (the match limit), the message naming `what` ("page 'x' title"). It runs
 * with the JIT stack and limits of step_substitute. */
int step_regex_match(const struct rregex *re, const char *s, size_t len, const char *what, struct err *err);
/* The fields where dates are written as text, per kind (shift_dates and schedule `text:`): html, an
 * HTML body (text nodes only); write 0, read for the listing but never rewritten (a page's title:
 * Canvas makes the page's url from it). A static table of *n rows. */
struct step_text_field {
	enum resource_kind kind;
	const char *field;
	int html, write;
};
const struct step_text_field *step_text_fields(size_t *n);
/* What a shift_dates or schedule `text:` pass does with one text field f of obj; name is the
 * object's name as it was before the pass (its warnings name the object so). */
typedef void step_text_fn(const struct step_text_field *f, cJSON *obj, const char *name, void *ud);
/* Calls fn for each text field of obj, an object of kind, and of a module's text headers (its
 * SubHeader items: an item linked to content has its content's title, which Canvas keeps in step
 * with the content and which moves with it when the content is selected). */
void step_text_object(enum resource_kind kind, cJSON *obj, step_text_fn *fn, void *ud);
/* The warning that a date written in field f of obj is left as written: the text text[start, end)
 * and why. Malloced. */
char *step_text_left(const struct step_ctx *cx, const struct step_text_field *f, const cJSON *obj,
		     const char *name, const char *text, size_t start, size_t end, const char *why);

/* The same, keeping where groups 0..9 matched: ov[2g], ov[2g+1] are group g's start and end byte
 * offsets in s, both SIZE_MAX when it did not take part (or did not match). */
int step_regex_capture(const struct rregex *re, const char *s, size_t len, size_t ov[20], const char *what,
		       struct err *err);

/* The match context of every run-time PCRE2 call of a step (match, heap and depth limits and a
 * JIT stack that grows to 1 MiB; step_replace.c): made on first use, kept for the process. */
pcre2_match_context *step_match_context(void);
/* Why a PCRE2 run-time error rc happened, as a clause for a message ("it backtracks past PCRE2's
 * match limit ...; make it more specific"), into why[0..n). */
void step_regex_why(int rc, char *why, size_t n);

/* case: preserve (recipe_replace.h): the case pattern of a match s[0..n) -- ASCII letters outside
 * HTML tags and entities -- and its application in place to a replacement s[0..n) (ASCII letters
 * only, outside tags and entities: the length never changes). */
enum step_case { CASE_AS_WRITTEN, CASE_UPPER, CASE_CAPITAL, CASE_LOWER };
enum step_case step_case_of(const char *s, size_t n);
void step_case_apply(char *s, size_t n, enum step_case how);

/* ---------------------------------------------------------------- dates (local to UTC) */

struct rdate;

/* The UTC instant of a recipe date as "YYYY-MM-DDTHH:MM:SSZ" (Canvas's format) in out: a date alone
 * is local midnight in `zone`, a date-time without offset is local time in `zone`, one with an
 * offset is exact. -1 with err set when zone is needed and NULL. */
int step_date_utc(const struct rdate *d, const char *zone, char out[32], struct err *err);

/* ---------------------------------------------------------------- what an action can change */

/* 1 when a step of `action` ("shift_dates", "modules", ...) can make a change of `op` to `field`
 * of a `kind` object (runner/step_fields.c holds the table; plan_check_fields uses it). For
 * PLAN_CREATE, field NULL asks whether it creates such objects at all, and a field whether a new
 * one may carry it; for PLAN_DELETE the field is not looked at. */
int step_field_allowed(const char *action, enum resource_kind kind, enum plan_op op, const char *field);

/* ---------------------------------------------------------------- the actions */

/* Each action's step and the kinds it reads (1u << RES_* bits: plan_build fetches only these), the
 * `plan` and `needs` of its row (struct recipe_action, include/recipe.h). `model` is the step's
 * st->data: a struct rmodules (include/recipe_modules.h), rpages, rreplace_text, rshift_dates,
 * rschedule. */
int step_modules(struct step_ctx *cx, const void *model, struct err *err);
int step_pages(struct step_ctx *cx, const void *model, struct err *err);
int step_replace_text(struct step_ctx *cx, const void *model, struct err *err);
int step_shift_dates(struct step_ctx *cx, const void *model, struct err *err);
int step_schedule(struct step_ctx *cx, const void *model, struct err *err);
/* A shift_dates step whose fields a run moved already (rerun_guard returned 2): no date field is
 * moved, only the dates written in the text (text: on, a term mapping) that are still in the old
 * term; the others stay as written. 0 or -1 with err set; nothing for a step without text:. */
int step_shift_dates_text(struct step_ctx *cx, const void *model, struct err *err);

unsigned step_modules_needs(const void *model);
unsigned step_pages_needs(const void *model);
unsigned step_replace_text_needs(const void *model);
unsigned step_shift_dates_needs(const void *model);
unsigned step_schedule_needs(const void *model);

#endif
