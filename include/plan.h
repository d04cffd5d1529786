/* include/plan.h -- the change list: absolute field values, each with the value seen when planning.
 *
 * Calling sequence (runner/plan_build.c does this for `coursectl plan`)
 *   struct plan *p = plan_new();
 *   plan_add_course(p, course_json)              once per course, in recipe order
 *   ... steps record changes through include/step.h (step_set, step_create, ...) ...
 *   plan_finish(p)                               drop changes that came back to their start value,
 *                                                order them, number them (seq 1..n)
 *   plan_to_json(p) / plan_write(p, path, &err)  the plan file (docs/plan-format.md), mode 0600
 *   plan_free(p)
 *   plan_read(&p, path, &err)                    a saved plan, checked (format, version, shapes)
 *
 * The one idea (ARCHITECTURE.md): every change holds the full `before` value (as read from Canvas)
 * and the full `after` value (what the recipe wants), never a relative edit. Two steps changing one
 * field make ONE change from the original value to the final one, naming both steps; if the final
 * value equals the original, there is no change at all.
 *
 * Object identity: (course_id, kind, id). `id` is the object's Canvas id as text ("90211"); pages
 * use their page_id (their url changes with the title); the syllabus is kind "course" with the
 * course's id; an object the plan creates has id "new:N" (N unique within the plan) until apply
 * gives it a real one, and changes to it are folded into its create change.
 *
 * Ownership: a plan owns every string and cJSON value in it; plan_free() frees them all.
 *
 * Windows (issue 18, "flat memory"). A plan of many courses does not hold its changes in memory:
 * plan_make (plan_build.c) finishes them a window of courses at a time and, once the plan has more
 * than one window of courses, spills them to an unlinked temporary file (plan.c, plan_spill).
 * p->changes[0..nchanges) are then only the RESIDENT changes: those of the courses [lo, hi) the
 * last plan_window(p, lo, hi) loaded, p->first the plan-wide index of p->changes[0] (its seq - 1),
 * plan_total(p) the whole plan's count. A plan read from a file, built by plan_run or never
 * spilled holds everything: plan_window is a no-op, p->first 0, plan_total(p) == p->nchanges.
 * A consumer of every change walks the windows:
 *     size_t w = plan_window_courses(p), lo = 0, hi;
 *     do {
 *             hi = lo + w < p->ncourses ? lo + w : p->ncourses;
 *             if (plan_window(p, lo, hi, err)) ...
 *             ... p->changes[0..p->nchanges), plan-wide index p->first + i ...
 *             lo = hi;
 *     } while (lo < p->ncourses);
 * which is one pass over everything for a resident plan. A window never splits a course.
 */
#ifndef COURSECTL_PLAN_H
#define COURSECTL_PLAN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "resource.h"

#define PLAN_FORMAT  "coursectl-plan"
#define PLAN_VERSION 1

enum plan_op {
	PLAN_UPDATE,   /* field: before -> after */
	PLAN_CREATE,   /* field NULL; before null; after: the new object's fields */
	PLAN_DELETE,   /* field NULL; before: the whole object as read; after null */
	PLAN_MOVE      /* a module item to another module: field "module_id", before -> after */
};

/* "update", "create", "delete", "move" */
const char *plan_op_name(enum plan_op op);
/* The kind as the plan file spells it: "assignment", "discussion_topic", "module_item", ... */
const char *plan_kind_name(enum resource_kind kind);
/* The kind of such a name, or -1. */
int plan_kind_from_name(const char *s);

struct plan_change {
	long seq;                 /* 1..n after plan_finish(), in the order of `changes` */
	char **steps;             /* names of the steps that made this change, in recipe order */
	size_t nsteps;
	char *course_id;          /* the course's numeric Canvas id, as text */
	enum resource_kind kind;
	char *id;                 /* see "Object identity" above */
	char *parent;             /* module items: the module's id; overrides: the assignment's; else NULL */
	char *name;               /* the object's name or title as read (as created, for creates) */
	enum plan_op op;
	char *field;              /* NULL for create and delete */
	cJSON *before, *after;    /* full values (never NULL: JSON null is a cJSON null) */
	char *note;               /* why, when not obvious: "3 matches", "Canvas publishes ..."; or NULL */
	char *notifies;           /* the notification Canvas sends students for it ("Assignment Due Date
				   * Changed"), or NULL (runner/plan_notify.c) */
	char *shows_as;           /* what the object is to the user when its kind does not say it:
				   * "quiz" for a New Quiz's assignment and overrides, or NULL
				   * (runner/plan_shows.c) */
	int dropped;              /* internal: came back to its start value; removed by plan_finish */
	long order;               /* internal: object order key */
	size_t next_same;         /* internal: 1 + index of the object's next change; 0 for the last */
};

/* An object or field the plan does not change although a step asked to, with the reason. */
struct plan_skip {
	char *step;
	char *course_id;
	enum resource_kind kind;
	char *id;
	char *name;
	char *field;              /* or NULL (the whole object) */
	char *reason;             /* one sentence: "locked by the Blueprint course (content)" */
	/* A relative step left out because the course already had it (runner/rerun.c, issue 16):
	 * "finished" or "interrupted" (a journal of this machine says so: `journal` names it), or
	 * "in_canvas" (the dates already sit in the target term); NULL for any other skip. */
	char *rerun;
	char *journal;
};

/* A step whose where: selected nothing in a course (issue 16: every step accounts for itself). */
struct plan_warning {
	char *step;
	char *course_id;
	char *where;              /* the where: as the recipe has it, in flow style: {name: '^Week'} */
	char *message;            /* one sentence naming the step, the course and the where: */
};

/* What the plan knows of a course: for grouping and for showing dates in its zone. Ownership: the
 * plan's; its strings are one allocation starting at id (plan_add_course, plan.c), and given is id
 * itself when the two read the same: never free or reassign a field alone. */
struct plan_course {
	char *id;                 /* numeric, as text */
	char *given;              /* as the recipe or --course named it ("sis_course_id:X"), or NULL */
	char *name;
	char *course_code;
	char *time_zone;          /* IANA, or NULL */
};

/* A range of local calendar days a step keeps dates out of (shift_dates `blackouts:`), kept so the
 * HTML calendar can shade it. */
struct plan_blackout {
	char *step;               /* the step that declared it, or NULL */
	char *course_id;          /* NULL: every course of the plan */
	char *start, *end;        /* "YYYY-MM-DD", inclusive, start <= end */
};

/* A course's term calendar (a `schedule` step, runner/step_schedule.c), kept so the HTML calendar
 * can number the teaching weeks; apply ignores it. */
struct plan_term {
	char *step;               /* the step that used it, or NULL */
	char *course_id;
	char *start, *end;        /* "YYYY-MM-DD", inclusive */
	char **weeks;             /* the first day of each teaching week, "YYYY-MM-DD", in order */
	size_t nweeks;
};

/* A course the plan leaves out because reading or planning it failed (issue 8: one course failing
 * does not stop the others). The plan file keeps them ("failed_courses") so that a plan saved in
 * CI still says it is not the whole recipe. */
struct plan_failure {
	char *course;             /* as the run named it: "4821", "sis_course_id:X" */
	char *error;              /* one sentence */
};

/* A step of the recipe the plan was made from: its name (as changes name it in `steps`) and its
 * action ("shift_dates", "modules", "pages", "replace_text"), which says what it can change
 * (plan_check_fields). */
struct plan_step {
	char *name;
	char *action;
};

enum plan_digest_state {
	PLAN_DIGEST_NONE = 0,     /* built in memory, or read from a file without changes_sha256 */
	PLAN_DIGEST_OK,           /* read, and its changes_sha256 matches what it holds */
	PLAN_DIGEST_BAD           /* read, and it does not: the file was edited */
};

struct plan {
	char *recipe_path;        /* as given on the command line; NULL when unknown */
	char *recipe_sha256;
	struct plan_step *rsteps; /* the recipe's steps, in recipe order (plan file: recipe_steps) */
	size_t nrsteps;
	int has_rsteps;           /* read: the file had recipe_steps (a 0.3.0 plan has none) */
	char *changes_sha256;     /* read: the digest the file carries, or NULL; see plan_digest */
	enum plan_digest_state digest;
	char *description;
	char *base_url;
	char *created_at;         /* UTC, ISO 8601 */
	struct plan_course *courses;
	size_t ncourses;
	struct plan_change *changes;      /* the resident changes ("Windows" above) */
	size_t nchanges, achanges;
	size_t first;             /* the plan-wide index of changes[0] (its seq - 1); 0 unless spilled */
	size_t nfinished;         /* internal: changes[0..nfinished) are finished (plan_finish) */
	void *spill;              /* internal: the spilled changes (plan.c), or NULL: all resident */
	struct plan_skip *skipped;
	size_t nskipped, askipped;
	struct plan_blackout *blackouts;   /* in the order the steps declared them; no duplicates */
	size_t nblackouts;
	struct plan_term *terms;           /* at most one per course and step */
	size_t nterms;
	struct plan_failure *failed;       /* in the order of the run's courses */
	size_t nfailed;
	struct plan_warning *warnings;     /* in course order, then step order */
	size_t nwarnings;
	long next_new;            /* the next "new:N" */
	void *index;              /* internal: (course, kind, id, field) -> change */
	long next_order;
};

struct plan_summary {
	size_t changes, objects, courses;
	size_t creates, updates, deletes, moves;
	size_t skipped;
	size_t notifications;     /* changes that make Canvas notify students (plan_change.notifies) */
};

/* A new, empty plan (owned by the caller; plan_free). */
struct plan *plan_new(void);
void plan_free(struct plan *p);

/* Record a course (copies id/name/course_code/time_zone from the course JSON). `given` may be NULL. */
void plan_add_course(struct plan *p, const cJSON *course, const char *given);
const struct plan_course *plan_course(const struct plan *p, const char *course_id);

/* Record a course that failed (strings copied). */
void plan_add_failure(struct plan *p, const char *course, const char *error);
/* Forget everything the steps recorded for course_id (its changes, skips, blackouts and the course
 * itself): a step failed half-way through it. Only while building (before plan_finish). */
void plan_drop_course(struct plan *p, const char *course_id);

/* Drop changes whose after equals their before, order by course then object (in the order the
 * objects were first touched) then change, and number them. Call once, after the last step; or,
 * for a plan built a window of courses at a time (plan_make), after each window's last course:
 * only the changes made since the last call are finished (they follow the finished ones, and their
 * seqs follow), and the index that merges a course's changes is dropped. */
void plan_finish(struct plan *p);

/* ---------------------------------------------------------------- windows (issue 18) */

/* Courses a window of plan_make holds: PLAN_WINDOW, or COURSECTL_PLAN_WINDOW (tests: a window of
 * one course spills a plan of two). */
#define PLAN_WINDOW 200
size_t plan_window_default(void);
/* Write the (finished) resident changes to the plan's spill file, an unlinked 0600 temporary file
 * (tmpfile(3)), each as the plan file's formatted JSON, and free them: per course only where its
 * text starts and its count stay. The plan's summary and digest are kept as
 * they go. Every course of p->courses must be finished; `window` is the window consumers use
 * (plan_window_courses). ERR_IO when the file cannot be made or written. */
int plan_spill(struct plan *p, size_t window, struct err *err);
/* Courses a consumer makes resident at a time: the spill's window; every course (at least 1) when
 * the plan is not spilled or its whole is resident. */
size_t plan_window_courses(const struct plan *p);
/* Make the changes of courses [lo, hi) of p->courses resident (p->changes, p->nchanges, p->first),
 * freeing the ones resident before. Logically const: the resident window is a cache of the spill
 * file. A no-op for a plan that is not spilled. ERR_IO when the spill file cannot be read. */
int plan_window(const struct plan *p, size_t lo, size_t hi, struct err *err);
/* The number of changes of the whole plan (after plan_make: resident or spilled). */
size_t plan_total(const struct plan *p);
/* The number of changes of course k (p->courses[k]): kept per course when spilled, else counted. */
size_t plan_course_changes(const struct plan *p, size_t k);

void plan_summarize(const struct plan *p, struct plan_summary *s);

/* The plan file as JSON (caller owns; cJSON_Delete). */
cJSON *plan_to_json(const struct plan *p);
/* The same document printed a piece at a time through sink (returns 0 to go on), change by change,
 * so that a plan of thousands of courses is never held as one text: formatted, the bytes of
 * cJSON_Print(plan_to_json(p)); else those of cJSON_PrintUnformatted. digest: its changes_sha256
 * when the caller printing it twice has it (plan_changes_digest), else NULL. Returns 0, the
 * sink's first non-zero answer, or -1 when cJSON could not print (out of memory). */
typedef int (*plan_sink)(void *ud, const char *s, size_t n);
int plan_print(const struct plan *p, int formatted, const char *digest, plan_sink sink, void *ud);
/* The changes_sha256 plan_to_json and plan_print write for p (plan_digest.c's digest, computed
 * change by change). */
void plan_changes_digest(const struct plan *p, char out[65]);
/* Write it to `path` with mode 0600 (through path.tmp and rename). */
int plan_write(const struct plan *p, const char *path, struct err *err);
/* Read and check a plan file; ERR_CORRUPT names the file and the change at fault. The plan is the
 * caller's (plan_free). */
int plan_read(struct plan **out, const char *path, struct err *err);
int plan_from_json(struct plan **out, const cJSON *doc, const char *name, struct err *err);

/* ---------------------------------------------------------------- integrity (issue 13) */

/* Record a step of the recipe (strings copied). */
void plan_add_recipe_step(struct plan *p, const char *name, const char *action);

/* The digest a plan file carries as "changes_sha256" (plan_digest.c, docs/plan-format.md "The
 * digest"): the SHA-256, lower-case hex, of the RFC 8785 canonical JSON of {changes, recipe_sha256,
 * recipe_steps} as they stand in the document `doc` (a plan file's root). plan_to_json writes it,
 * plan_from_json recomputes it into p->digest. */
void plan_digest(const cJSON *doc, char out[65]);
struct buf;
/* The RFC 8785 canonical text of v, appended to out (for the digest, and its tests). */
void plan_canonical_json(const cJSON *v, struct buf *out);

/* A plan read back from a file must be the one `plan` wrote: ERR_CORRUPT naming `name` when it
 * has no digest (written before 0.4.0) or its changes no longer match it. */
int plan_check_digest(const struct plan *p, const char *name, struct err *err);

/* Every change must be one the recipe's steps can make (step_fields.c): each step it names is a
 * step of p->rsteps, and the change's kind, op and field (a create's fields) are in that step's
 * action's row. ERR_CORRUPT naming `name`, the course, the object and the field otherwise. */
int plan_check_fields(const struct plan *p, const char *name, struct err *err);

/* ---------------------------------------------------------------- from a recipe (plan_build.c) */

struct recipe;

/* The kinds (1u << kind) the recipe's steps read, for snapshot_fetch. An action that cannot be
 * planned by this version is an error naming the step (file:line:col). */
int plan_needs(const struct recipe *r, unsigned *kinds, struct err *err);

/* Run every step of r, in order, over each course of `snapshot` ({"courses": [...]} in seed format,
 * changed in place: it becomes the courses as the plan leaves them). `given` (may be NULL) holds
 * the ids as the recipe named the courses, in the same order. Records the courses and the changes
 * in p; the caller calls plan_finish(). */
int plan_run(struct plan *p, const struct recipe *r, cJSON *snapshot, char *const *given, struct err *err);

struct canvas;
struct config;
struct plan_opts;

/* What `plan RECIPE` and `apply RECIPE` share, the whole way from a recipe file to a plan, in order:
 * load and check the recipe at `path` with o's --var (its problems printed as FILE:LINE:COL, then
 * ERR_RECIPE: "PATH has N errors; nothing was <undone>"); check every step can be planned
 * (plan_needs) and resolve the courses before any token is needed (account listings, which read
 * Canvas, after); resolve cfg and connect (*cv); read the lists the steps need of those courses
 * (snapshot_fetch_each), run the steps over them and finish the plan, whose header names the
 * recipe, its hash and the Canvas. A note on stderr says what was read and how long it took. *out
 * and *cv are the caller's (plan_free, canvas_free), also when this fails after connecting.
 * A course that cannot be read (404, 403, a list failing after retries) or whose step fails is
 * left out and recorded in p->failed, with an error line on stderr; the others are planned.
 * o->fail_fast: the first such course is the error instead, and nothing is planned. A token failure
 * (ERR_AUTH) always stops everything.
 * Unless o->again, a shift_dates step that this machine's journals or Canvas show applied already
 * is left out of that course's plan with a skip saying why (include/rerun.h, issue 16). */
int plan_recipe(struct plan **out, struct canvas **cv, struct config *cfg, const struct plan_opts *o,
		const char *path, const char *undone, struct err *err);

/* Mark the changes Canvas will notify students of (plan_change.notifies; runner/plan_notify.c).
 * `snapshot` is the courses as the steps left them ({"courses": [...]}, read with
 * include[]=total_students). Call after plan_finish. */
void plan_notify_mark(struct plan *p, const cJSON *snapshot);
/* Set shows_as on the changes of New Quizzes (runner/plan_shows.c); after plan_finish. */
void plan_shows_mark(struct plan *p, const cJSON *snapshot);

/* A section event's parent spans its children (runner/plan_sections.c): where the plan moves a
 * child, plan the parent's start_at/end_at as the children's range. `snapshot` as plan_run left it.
 * Call before plan_finish. */
void plan_section_events(struct plan *p, const cJSON *snapshot);

/* ---------------------------------------------------------------- used by include/step.h only */

/* The change for (course, kind, id, field), or NULL. field NULL finds the create/delete change. */
struct plan_change *plan_find(struct plan *p, const char *course_id, enum resource_kind kind, const char *id,
			      const char *field);
/* A new change; takes ownership of before and after; copies the strings. */
struct plan_change *plan_add(struct plan *p, const char *step, const char *course_id, enum resource_kind kind,
			     const char *id, const char *parent, const char *name, enum plan_op op,
			     const char *field, cJSON *before, cJSON *after);
/* The object's changes: the first (or NULL), then each next (NULL after the last). Only while
 * building (before plan_finish). */
struct plan_change *plan_object_first(struct plan *p, const char *course_id, enum resource_kind kind,
				      const char *id);
struct plan_change *plan_object_next(struct plan *p, const struct plan_change *c);
/* Add `step` to c->steps unless it is the last one there. */
void plan_change_add_step(struct plan_change *c, const char *step);
void plan_add_skip(struct plan *p, const char *step, const char *course_id, enum resource_kind kind, const char *id,
		   const char *name, const char *field, const char *reason);
/* Mark the last skip recorded as a re-run skip (rerun.c): rerun "finished", "interrupted" or
 * "in_canvas", journal the journal's path or NULL. Strings copied. */
void plan_mark_rerun(struct plan *p, const char *rerun, const char *journal);
/* Record a warning (strings copied). */
void plan_add_warning(struct plan *p, const char *step, const char *course_id, const char *where,
		      const char *message);
/* Record a blackout (strings copied; step and course_id may be NULL). An entry equal to one already
 * recorded is not added again, so a step may call this for every course it runs on. */
void plan_add_blackout(struct plan *p, const char *step, const char *course_id, const char *start,
		       const char *end);
/* Record a course's term calendar (strings copied); a second one for the same course and step
 * replaces the first. */
void plan_add_term(struct plan *p, const char *step, const char *course_id, const char *start, const char *end,
		   char *const *weeks, size_t nweeks);

#endif
