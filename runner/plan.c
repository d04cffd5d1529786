/* runner/plan.c -- the change list and the plan file (include/plan.h, docs/plan-format.md).
 *
 * Changes are kept in one array in the order steps made them, with two hash indexes over it:
 * (course, kind, id, field) -> the change, so a later step's change of the same field merges into
 * the first one (before stays the value read from Canvas, after becomes the latest, the step is
 * added to `steps`); and (course, kind, id) -> the object's first change, which gives every change
 * of an object the object's original name and its place in the output. A merged change that comes
 * back to its before is marked dropped (a third step may still change it again) and left out by
 * plan_finish(). A third index maps a course id to its place in p->courses (plan_course: each
 * change's zone, each course's section events, plan_finish's order); a scan per lookup made
 * planning quadratic in the courses (issue 18). It reads its keys from p->courses rather than
 * keeping copies (struct course_table): it lives as long as the plan. The indexes are
 * open-addressing tables of array positions keyed by a string, so a plan of 100,000 changes costs
 * no more per change than a plan of ten; a linear search per change was rejected (quadratic for the
 * 10,000-object course of the benchmark). The change tables live while a course is built:
 * plan_finish drops them (the course map stays, for plan_course and the spill's per-course ranges).
 *
 * Windows and the spill file (issue 18, "flat memory"; include/plan.h "Windows"). plan_make builds
 * the plan a window of courses at a time and finishes each window on its own (plan_finish sorts
 * only what came since the last call: courses are added in recipe order, so per-window ordering
 * is the whole plan's order and its seqs). When a run has more courses than a window, each
 * finished window is spilled (plan_spill) to an unlinked 0600 temporary file (tmpfile(3), like
 * include/plan_reads.h) as the plan file's own formatted JSON -- the text of the "changes" array
 * without its brackets and indentation (struct spill) -- and freed: per course only where its text
 * starts and its count stay (16 bytes: the ranges are contiguous, so its end and its first change's
 * plan-wide index follow from the others'), per change nothing. The
 * summary's counts and the digest's canonical text (hashed as it goes) are kept as the changes are
 * written, so neither reads the file back; the formatted plan file copies the file indented, the
 * journal's compact header copies it without its white space (spill_stream); the text renderer
 * and apply load it a window at a time (plan_window, which
 * parses a window's byte range back into struct plan_change, before and after detached from the
 * parsed objects, not copied). A plan of at most one window is never spilled: the same bytes,
 * outputs and requests as before. Rejected: an index per change (offset, course, kind, id, field,
 * op) in memory -- it still grows with the changes (about 60 bytes each, 3 MB at 2,000 courses),
 * and no consumer needs a change outside its course's window; a file per window (more descriptors,
 * the same bytes).
 *
 * The file is JSON, written through FILE.tmp, fsync and rename, with mode 0600 from the first byte
 * (it holds course content that may be private; never a token: the plan has none to write).
 * It is printed change by change (plan_print, issue 18): the document without its changes is
 * printed once with a mark where the changes go, and each change is built, printed and handed to
 * the sink on its own (indented to its depth for the formatted file), so a plan of 10,000 courses
 * never exists as one JSON tree or one text -- only a window of the plan's changes is in memory. The
 * bytes are those of cJSON_Print of the whole document (unit-plan checks it), and the digest
 * (changes_sha256, plan_digest.c) is hashed change by change from the same canonical text.
 * The journal's header prints the plan the same way, compact (journal.c).
 * plan_from_json() checks every field it reads, so a damaged or hand-edited plan fails with the
 * change at fault named instead of being half applied.
 *
 * Blackouts (shift_dates `blackouts:`) are carried for the HTML calendar only; apply ignores them.
 * The key is written only when there are some, so plans without shift_dates are as before. Terms
 * (a schedule step's calendar: its teaching weeks) are the same: for the calendar, `terms` only
 * when a schedule step ran.
 */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "jsonid.h"
#include "safefile.h"
#include "sha256.h"
#include "strmap.h"
#include "version.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- kinds in the file */

static const char *const op_names[] = { "update", "create", "delete", "move" };

const char *plan_op_name(enum plan_op op)
{
	return op_names[op];
}

/* The kind's name in plan files is its row's plan_name (resource.h). */
const char *plan_kind_name(enum resource_kind kind)
{
	return resource_get(kind)->plan_name;
}

int plan_kind_from_name(const char *s)
{
	const struct resource *res = resource_from_plan_name(s);

	return res ? (int)res->kind : -1;
}

/* ---------------------------------------------------------------- string -> position tables */

/* course id -> its first place in p->courses: open addressing (linear probing, a power-of-two
 * table grown at half full) over positions + 1 (0: empty), hashed on the id as p->courses holds it.
 * The key is read from p->courses, never copied: a strmap kept a copy of every id and two slots of
 * pointers, about 60 bytes a course to the end of the run (issue 18, flat memory); this is 8 to 16
 * bytes a course (4-byte slots, a quarter to a half full). A plan holds fewer than 2^32 - 1 courses. */
struct course_table {
	uint32_t *slot;
	size_t cap, n;
};

struct index {
	struct strmap fields;   /* course \x1f kind \x1f id \x1f field -> change */
	struct strmap objects;  /* course \x1f kind \x1f id -> first change of the object */
	struct course_table courses;
};

/* Positions in p->changes (which moves as it grows) are stored as pos + 1, so that 0 (NULL) stays
 * "absent". The position stored under key, or (size_t)-1. */
static size_t table_get(const struct strmap *t, const char *key)
{
	return (size_t)(uintptr_t)strmap_get(t, key) - 1;
}

/* Store pos under key (key is copied); an existing entry is kept. */
static void table_put(struct strmap *t, const char *key, size_t pos)
{
	strmap_add(t, key, (void *)(uintptr_t)(pos + 1));
}

/* The slot of id in t (its own, or the empty one where it would go); t->cap is not 0. */
static size_t ctab_slot(const struct plan *p, const struct course_table *t, const char *id)
{
	size_t j = strmap_hash(id) & (t->cap - 1);

	while (t->slot[j] && strcmp(p->courses[t->slot[j] - 1].id, id))
		j = (j + 1) & (t->cap - 1);
	return j;
}

/* The first place of id in p->courses, or (size_t)-1. */
static size_t ctab_get(const struct plan *p, const struct course_table *t, const char *id)
{
	size_t j;

	if (!t->cap)
		return (size_t)-1;
	j = ctab_slot(p, t, id);
	return t->slot[j] ? (size_t)t->slot[j] - 1 : (size_t)-1;
}

/* Record p->courses[pos] unless its id is there already (the first place wins). */
static void ctab_add(const struct plan *p, struct course_table *t, size_t pos)
{
	size_t i, j;

	if ((t->n + 1) * 2 > t->cap) {
		struct course_table g = { NULL, t->cap ? 2 * t->cap : 64, 0 };

		g.slot = xcalloc(g.cap, sizeof(*g.slot));
		for (i = 0; i < t->cap; i++)
			if (t->slot[i]) {
				g.slot[ctab_slot(p, &g, p->courses[t->slot[i] - 1].id)] = t->slot[i];
				g.n++;
			}
		free(t->slot);
		*t = g;
	}
	j = ctab_slot(p, t, p->courses[pos].id);
	if (!t->slot[j]) {
		t->slot[j] = (uint32_t)(pos + 1);
		t->n++;
	}
}

static void ctab_release(struct course_table *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* Keys are built in the caller's stack buffer (KEYBUF bytes) when they fit -- they are looked up
 * once per change, and a malloc each was a measurable share of planning 100,000 dates -- else
 * malloced; key_done() frees only the latter. */
#define KEYBUF 256

static char *make_key(char buf[KEYBUF], const char *course, enum resource_kind kind, const char *id,
		      const char *field)
{
	int n = field ? snprintf(buf, KEYBUF, "%s\x1f%d\x1f%s\x1f%s", course, (int)kind, id, field)
		      : snprintf(buf, KEYBUF, "%s\x1f%d\x1f%s", course, (int)kind, id);

	if (n >= 0 && n < KEYBUF)
		return buf;
	return field ? xasprintf("%s\x1f%d\x1f%s\x1f%s", course, (int)kind, id, field)
		     : xasprintf("%s\x1f%d\x1f%s", course, (int)kind, id);
}

static void key_done(char *key, char buf[KEYBUF])
{
	if (key != buf)
		free(key);
}

/* The object key has no field; the field key of a create or delete (field NULL) ends in an empty
 * field, so it differs from the object key. */
#define object_key(buf, c, k, i) make_key(buf, c, k, i, NULL)
#define field_key(buf, c, k, i, f) make_key(buf, c, k, i, (f) ? (f) : "")

/* ---------------------------------------------------------------- building */

/* A fresh index over p; the changes' tables start empty (plan_add fills them), the courses' holds
 * the courses already there. */
static void index_new(struct plan *p)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	size_t i;

	p->index = ix;
	for (i = 0; i < p->ncourses; i++)
		ctab_add(p, &ix->courses, i);
}

struct plan *plan_new(void)
{
	struct plan *p = xcalloc(1, sizeof(*p));

	index_new(p);
	p->next_new = 1;
	return p;
}

static void change_release(struct plan_change *c)
{
	size_t i;

	for (i = 0; i < c->nsteps; i++)
		free(c->steps[i]);
	free(c->steps);
	free(c->course_id);
	free(c->id);
	free(c->parent);
	free(c->name);
	free(c->field);
	free(c->note);
	free(c->notifies);
	free(c->shows_as);
	cJSON_Delete(c->before);
	cJSON_Delete(c->after);
}

static void skip_release(struct plan_skip *s)
{
	free(s->step);
	free(s->course_id);
	free(s->id);
	free(s->name);
	free(s->field);
	free(s->reason);
	free(s->rerun);
	free(s->journal);
}

static void warning_release(struct plan_warning *w)
{
	free(w->step);
	free(w->course_id);
	free(w->where);
	free(w->message);
}

/* Drop the tables over the changes, keep the courses' (plan_finish: a finished course's changes
 * are never merged into again). */
static void index_forget_changes(struct plan *p)
{
	struct index *ix = p->index;

	if (!ix)
		return;
	strmap_release(&ix->fields);
	strmap_release(&ix->objects);
}

static void index_free(struct plan *p)
{
	struct index *ix = p->index;

	if (!ix)
		return;
	index_forget_changes(p);
	ctab_release(&ix->courses);
	free(ix);
	p->index = NULL;
}

static void term_release(struct plan_term *t);
static void course_release(struct plan_course *c);
static void spill_free(struct plan *p);

void plan_free(struct plan *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nchanges; i++)
		change_release(&p->changes[i]);
	spill_free(p);
	for (i = 0; i < p->nskipped; i++)
		skip_release(&p->skipped[i]);
	for (i = 0; i < p->nwarnings; i++)
		warning_release(&p->warnings[i]);
	free(p->warnings);
	for (i = 0; i < p->ncourses; i++)
		course_release(&p->courses[i]);
	free(p->courses);
	for (i = 0; i < p->nblackouts; i++) {
		free(p->blackouts[i].step);
		free(p->blackouts[i].course_id);
		free(p->blackouts[i].start);
		free(p->blackouts[i].end);
	}
	free(p->blackouts);
	for (i = 0; i < p->nterms; i++)
		term_release(&p->terms[i]);
	free(p->terms);
	for (i = 0; i < p->nfailed; i++) {
		free(p->failed[i].course);
		free(p->failed[i].error);
	}
	free(p->failed);
	free(p->changes);
	free(p->skipped);
	free(p->recipe_path);
	free(p->recipe_sha256);
	for (i = 0; i < p->nrsteps; i++) {
		free(p->rsteps[i].name);
		free(p->rsteps[i].action);
	}
	free(p->rsteps);
	free(p->changes_sha256);
	free(p->description);
	free(p->base_url);
	free(p->created_at);
	index_free(p);
	free(p);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void plan_add_recipe_step(struct plan *p, const char *name, const char *action)
{
	p->rsteps = xrealloc(p->rsteps, (p->nrsteps + 1) * sizeof(*p->rsteps));
	p->rsteps[p->nrsteps].name = xstrdup(name);
	p->rsteps[p->nrsteps].action = xstrdup(action);
	p->nrsteps++;
}

void plan_add_failure(struct plan *p, const char *course, const char *error)
{
	p->failed = xrealloc(p->failed, (p->nfailed + 1) * sizeof(*p->failed));
	p->failed[p->nfailed].course = xstrdup(course);
	p->failed[p->nfailed].error = xstrdup(error);
	p->nfailed++;
}

void plan_drop_course(struct plan *p, const char *course_id)
{
	struct index *ix = p->index;
	size_t i, k;

	/* dropped changes are released by plan_finish; the index keeps pointing at them, but nothing
	 * looks this course up again */
	for (i = 0; i < p->nchanges; i++)
		if (!strcmp(p->changes[i].course_id, course_id))
			p->changes[i].dropped = 1;
	for (i = k = 0; i < p->nskipped; i++) {
		if (!strcmp(p->skipped[i].course_id, course_id))
			skip_release(&p->skipped[i]);
		else
			p->skipped[k++] = p->skipped[i];
	}
	p->nskipped = k;
	for (i = k = 0; i < p->nwarnings; i++) {
		if (!strcmp(p->warnings[i].course_id, course_id))
			warning_release(&p->warnings[i]);
		else
			p->warnings[k++] = p->warnings[i];
	}
	p->nwarnings = k;
	for (i = k = 0; i < p->nblackouts; i++) {
		struct plan_blackout *b = &p->blackouts[i];

		if (b->course_id && !strcmp(b->course_id, course_id)) {
			free(b->step);
			free(b->course_id);
			free(b->start);
			free(b->end);
		} else {
			p->blackouts[k++] = *b;
		}
	}
	p->nblackouts = k;
	for (i = k = 0; i < p->nterms; i++) {
		if (!strcmp(p->terms[i].course_id, course_id))
			term_release(&p->terms[i]);
		else
			p->terms[k++] = p->terms[i];
	}
	p->nterms = k;
	for (i = k = 0; i < p->ncourses; i++) {
		struct plan_course *c = &p->courses[i];

		if (!strcmp(c->id, course_id))
			course_release(c);
		else
			p->courses[k++] = *c;
	}
	p->ncourses = k;
	if (ix) {   /* the places moved */
		ctab_release(&ix->courses);
		for (i = 0; i < p->ncourses; i++)
			ctab_add(p, &ix->courses, i);
	}
}

/* A JSON id (number or string) as text, malloced; NULL when it is neither. */
static char *id_text(const cJSON *v)
{
	char b[32];
	const char *t = jsonid_text(v, b);

	return t ? xstrdup(t) : NULL;
}

/* The strings of a course in one allocation, c->id first (struct plan_course): five mallocs a
 * course were about 100 bytes of allocator overhead on every course of the run, kept to the end for
 * the plan file's "courses" (issue 18, flat memory). `given` shares the id's bytes when the two are
 * the same text, as they are for a course named by its id. */
static void course_pack(struct plan_course *c, const char *id, const char *given, const char *name,
			const char *code, const char *zone)
{
	const char *in[4] = { given, name, code, zone };
	char **out[4] = { &c->given, &c->name, &c->course_code, &c->time_zone };
	size_t n = strlen(id) + 1, k;
	char *b;

	if (given && !strcmp(given, id))
		in[0] = NULL;
	for (k = 0; k < 4; k++)
		n += in[k] ? strlen(in[k]) + 1 : 0;
	b = xmalloc(n);
	c->id = b;
	b = stpcpy(b, id) + 1;
	for (k = 0; k < 4; k++) {
		*out[k] = NULL;
		if (in[k]) {
			*out[k] = b;
			b = stpcpy(b, in[k]) + 1;
		}
	}
	if (given && !in[0])
		c->given = c->id;
}

/* The block course_pack made (the strings are parts of it). */
static void course_release(struct plan_course *c)
{
	free(c->id);
}

void plan_add_course(struct plan *p, const cJSON *course, const char *given)
{
	struct index *ix = p->index;
	struct plan_course *c;
	char b[32];
	const char *id = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), b);

	p->courses = xrealloc(p->courses, (p->ncourses + 1) * sizeof(*p->courses));
	c = &p->courses[p->ncourses++];
	course_pack(c, id ? id : "?", given, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(course, "name")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(course, "course_code")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(course, "time_zone")));
	if (ix)
		ctab_add(p, &ix->courses, p->ncourses - 1);
}

/* The first place of course_id in p->courses, or p->ncourses. Through the index while the plan is
 * built (a scan per lookup made planning quadratic in the courses: each change's zone, each
 * course's sections); a scan once plan_finish has dropped the index. */
static size_t course_index(const struct plan *p, const char *id)
{
	const struct index *ix = p->index;
	size_t i;

	if (ix) {
		i = ctab_get(p, &ix->courses, id);
		return i == (size_t)-1 ? p->ncourses : i;
	}
	for (i = 0; i < p->ncourses; i++)
		if (!strcmp(p->courses[i].id, id))
			return i;
	return p->ncourses;
}

const struct plan_course *plan_course(const struct plan *p, const char *course_id)
{
	size_t i = course_index(p, course_id);

	return i < p->ncourses ? &p->courses[i] : NULL;
}

struct plan_change *plan_find(struct plan *p, const char *course_id, enum resource_kind kind, const char *id,
			      const char *field)
{
	struct index *ix = p->index;
	char buf[KEYBUF], *k;
	size_t pos;

	if (!ix)
		return NULL;
	k = field_key(buf, course_id, kind, id, field);
	pos = table_get(&ix->fields, k);
	key_done(k, buf);
	return pos == (size_t)-1 ? NULL : &p->changes[pos];
}

struct plan_change *plan_object_first(struct plan *p, const char *course_id, enum resource_kind kind,
				      const char *id)
{
	struct index *ix = p->index;
	char buf[KEYBUF], *k;
	size_t pos;

	if (!ix)
		return NULL;
	k = object_key(buf, course_id, kind, id);
	pos = table_get(&ix->objects, k);
	key_done(k, buf);
	return pos == (size_t)-1 ? NULL : &p->changes[pos];
}

struct plan_change *plan_object_next(struct plan *p, const struct plan_change *c)
{
	return c->next_same ? &p->changes[c->next_same - 1] : NULL;
}

void plan_change_add_step(struct plan_change *c, const char *step)
{
	if (c->nsteps && !strcmp(c->steps[c->nsteps - 1], step))
		return;
	c->steps = xrealloc(c->steps, (c->nsteps + 1) * sizeof(*c->steps));
	c->steps[c->nsteps++] = xstrdup(step);
}

struct plan_change *plan_add(struct plan *p, const char *step, const char *course_id, enum resource_kind kind,
			     const char *id, const char *parent, const char *name, enum plan_op op,
			     const char *field, cJSON *before, cJSON *after)
{
	struct index *ix;
	struct plan_change *c;
	char ob[KEYBUF], fb[KEYBUF];
	char *ok = object_key(ob, course_id, kind, id), *fk = field_key(fb, course_id, kind, id, field);
	size_t first;

	if (!p->index)
		index_new(p);
	ix = p->index;
	if (p->nchanges == p->achanges) {
		p->achanges = p->achanges ? p->achanges * 2 : 64;
		p->changes = xrealloc(p->changes, p->achanges * sizeof(*p->changes));
	}
	c = &p->changes[p->nchanges];
	memset(c, 0, sizeof(*c));
	first = table_get(&ix->objects, ok);
	if (first != (size_t)-1) {
		size_t last = first;

		c->name = dup_or_null(p->changes[first].name);
		c->order = p->changes[first].order;
		while (p->changes[last].next_same)
			last = p->changes[last].next_same - 1;
		p->changes[last].next_same = p->nchanges + 1;
	} else {
		c->name = xstrdup(name ? name : "");
		c->order = p->next_order++;
		table_put(&ix->objects, ok, p->nchanges);
	}
	table_put(&ix->fields, fk, p->nchanges);
	key_done(ok, ob);
	key_done(fk, fb);
	plan_change_add_step(c, step);
	c->course_id = xstrdup(course_id);
	c->kind = kind;
	c->id = xstrdup(id);
	c->parent = dup_or_null(parent);
	c->op = op;
	c->field = dup_or_null(field);
	c->before = before ? before : cJSON_CreateNull();
	c->after = after ? after : cJSON_CreateNull();
	p->nchanges++;
	return c;
}

void plan_add_skip(struct plan *p, const char *step, const char *course_id, enum resource_kind kind, const char *id,
		   const char *name, const char *field, const char *reason)
{
	struct plan_skip *s;

	if (p->nskipped == p->askipped) {
		p->askipped = p->askipped ? p->askipped * 2 : 16;
		p->skipped = xrealloc(p->skipped, p->askipped * sizeof(*p->skipped));
	}
	s = &p->skipped[p->nskipped++];
	s->step = dup_or_null(step);
	s->course_id = xstrdup(course_id);
	s->kind = kind;
	s->id = dup_or_null(id);
	s->name = dup_or_null(name);
	s->field = dup_or_null(field);
	s->reason = xstrdup(reason);
	s->rerun = NULL;
	s->journal = NULL;
}

void plan_mark_rerun(struct plan *p, const char *rerun, const char *journal)
{
	struct plan_skip *s;

	if (!p->nskipped)
		return;
	s = &p->skipped[p->nskipped - 1];
	free(s->rerun);
	free(s->journal);
	s->rerun = dup_or_null(rerun);
	s->journal = dup_or_null(journal);
}

/* Copies, owned by the plan (plan_free). */
void plan_add_warning(struct plan *p, const char *step, const char *course_id, const char *where,
		      const char *message)
{
	struct plan_warning *w;

	p->warnings = xrealloc(p->warnings, (p->nwarnings + 1) * sizeof(*p->warnings));
	w = &p->warnings[p->nwarnings++];
	w->step = dup_or_null(step);
	w->course_id = xstrdup(course_id);
	w->where = dup_or_null(where);
	w->message = xstrdup(message);
}

/* Appends copies of the strings; the plan owns them (plan_free). */
static void blackout_append(struct plan *p, const char *step, const char *course_id, const char *start,
			    const char *end)
{
	struct plan_blackout *b;

	p->blackouts = xrealloc(p->blackouts, (p->nblackouts + 1) * sizeof(*p->blackouts));
	b = &p->blackouts[p->nblackouts++];
	b->step = dup_or_null(step);
	b->course_id = dup_or_null(course_id);
	b->start = xstrdup(start);
	b->end = xstrdup(end);
}

static int same_or_null(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void term_release(struct plan_term *t)
{
	size_t i;

	free(t->step);
	free(t->course_id);
	free(t->start);
	free(t->end);
	for (i = 0; i < t->nweeks; i++)
		free(t->weeks[i]);
	free(t->weeks);
	memset(t, 0, sizeof(*t));
}

/* Copies, owned by the plan. */
void plan_add_term(struct plan *p, const char *step, const char *course_id, const char *start, const char *end,
		   char *const *weeks, size_t nweeks)
{
	struct plan_term *t = NULL;
	size_t i;

	for (i = 0; i < p->nterms && !t; i++)
		if (same_or_null(p->terms[i].step, step) && !strcmp(p->terms[i].course_id, course_id))
			term_release(t = &p->terms[i]);
	if (!t) {
		p->terms = xrealloc(p->terms, (p->nterms + 1) * sizeof(*p->terms));
		t = &p->terms[p->nterms++];
	}
	t->step = dup_or_null(step);
	t->course_id = xstrdup(course_id);
	t->start = xstrdup(start);
	t->end = xstrdup(end);
	t->weeks = xcalloc(nweeks + 1, sizeof(*t->weeks));
	for (i = 0; i < nweeks; i++)
		t->weeks[i] = xstrdup(weeks[i]);
	t->nweeks = nweeks;
}

/* Copies, owned by the plan. A step declares few blackouts but calls this once per course: the
 * scan is over a short list. */
void plan_add_blackout(struct plan *p, const char *step, const char *course_id, const char *start,
		       const char *end)
{
	size_t i;

	for (i = 0; i < p->nblackouts; i++) {
		const struct plan_blackout *b = &p->blackouts[i];

		if (same_or_null(b->step, step) && same_or_null(b->course_id, course_id) && !strcmp(b->start, start) &&
		    !strcmp(b->end, end))
			return;
	}
	blackout_append(p, step, course_id, start, end);
}

/* ---------------------------------------------------------------- finishing */

struct sortkey {
	size_t course, pos;
	long order;
};

static int cmp_key(const void *a, const void *b)
{
	const struct sortkey *x = a, *y = b;

	if (x->course != y->course)
		return x->course < y->course ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* A module item's position change whose number stays the same is still a change when the item moves
 * to another module: it is the place in the new module, which the move must carry (Canvas puts an
 * item moved without a position last). An item whose changes were all dropped (deleted, its course
 * dropped) has its move dropped too, so this keeps only what a live move needs. */
static int moved_position(struct plan *p, const struct plan_change *c)
{
	const char *pf = resource_get(c->kind)->parent_field;
	const struct plan_change *m;

	/* only an object that moves between parents (a module item) has a move in the plan */
	if (!pf || c->op != PLAN_UPDATE || !c->field || strcmp(c->field, "position") ||
	    !cJSON_Compare(c->before, c->after, 1))
		return 0;
	m = plan_find(p, c->course_id, c->kind, c->id, pf);
	return m && m->op == PLAN_MOVE && !m->dropped;
}

void plan_finish(struct plan *p)
{
	size_t f0 = p->nfinished, m = p->nchanges - f0;
	struct sortkey *keys = xcalloc(m ? m : 1, sizeof(*keys));
	struct plan_change *out = xcalloc(m ? m : 1, sizeof(*out));
	size_t i, n = 0, ci = 0;
	const char *last_course = NULL;

	/* only the changes made since the last call: a window's courses (plan_make) come after the
	 * finished ones in the course order, so finishing them alone gives the whole plan's order */
	for (i = f0; i < p->nchanges; i++) {
		struct plan_change *c = &p->changes[i];

		if (c->op == PLAN_UPDATE || c->op == PLAN_MOVE)
			c->dropped |= cJSON_Compare(c->before, c->after, 1);
	}
	for (i = f0; i < p->nchanges; i++) {
		struct plan_change *c = &p->changes[i];

		if (c->dropped && moved_position(p, c))
			c->dropped = 0;
		if (c->dropped) {
			change_release(c);
			continue;
		}
		/* courses are few and changes come course by course: remember the last lookup */
		if (!last_course || strcmp(last_course, c->course_id))
			ci = course_index(p, c->course_id);
		last_course = c->course_id;
		keys[n].course = ci;
		keys[n].order = c->order;
		keys[n].pos = i;
		n++;
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (i = 0; i < n; i++) {
		out[i] = p->changes[keys[i].pos];
		out[i].seq = (long)(p->first + f0 + i) + 1;
		out[i].next_same = 0;
	}
	if (n)
		memcpy(p->changes + f0, out, n * sizeof(*out));
	free(keys);
	free(out);
	p->nchanges = p->nfinished = f0 + n;
	index_forget_changes(p);   /* positions changed; these changes are read-only from here */
}

/* The counts of changes v[0..n) into s (added to what s holds; skipped untouched). Objects and
 * courses are counted where they begin, so the counts of consecutive runs that end and begin at a
 * course's edge add up. */
static void summarize_changes(const struct plan_change *v, size_t n, struct plan_summary *s)
{
	size_t i;
	const struct plan_change *prev = NULL;

	for (i = 0; i < n; i++) {
		const struct plan_change *c = &v[i];

		s->changes++;
		if (c->op == PLAN_CREATE)
			s->creates++;
		else if (c->op == PLAN_DELETE)
			s->deletes++;
		else if (c->op == PLAN_MOVE)
			s->moves++;
		else
			s->updates++;
		if (!prev || prev->kind != c->kind || strcmp(prev->id, c->id) || strcmp(prev->course_id, c->course_id))
			s->objects++;
		if (!prev || strcmp(prev->course_id, c->course_id))
			s->courses++;
		if (c->notifies)
			s->notifications++;
		prev = c;
	}
}

struct spill;
struct sha256;
static const struct plan_summary *spill_summary(const struct plan *p);
static void spill_digest_state(const struct spill *sp, struct sha256 *h, struct buf *b);
static int spill_copy(const struct plan *p, plan_sink sink, void *ud);
static int spill_print_formatted(const struct plan *p, plan_sink sink, void *ud);

void plan_summarize(const struct plan *p, struct plan_summary *s)
{
	const struct plan_summary *sp = spill_summary(p);

	/* a spilled plan's counts were kept as it was spilled (plan_spill): nothing is read back */
	if (sp)
		*s = *sp;
	else {
		memset(s, 0, sizeof(*s));
		summarize_changes(p->changes, p->nchanges, s);
	}
	s->skipped = p->nskipped;
}

/* ---------------------------------------------------------------- JSON */

static void add_str(cJSON *o, const char *k, const char *v)
{
	cJSON_AddItemToObject(o, k, v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

/* One change as the plan file holds it. Malloced (cJSON_Delete). */
static cJSON *change_json(const struct plan_change *c)
{
	cJSON *o = cJSON_CreateObject(), *steps;
	size_t k;

	cJSON_AddNumberToObject(o, "seq", (double)c->seq);
	add_str(o, "step", c->nsteps ? c->steps[0] : NULL);
	steps = cJSON_AddArrayToObject(o, "steps");
	for (k = 0; k < c->nsteps; k++)
		cJSON_AddItemToArray(steps, cJSON_CreateString(c->steps[k]));
	cJSON_AddItemToObject(o, "course_id", jsonid(c->course_id));
	cJSON_AddStringToObject(o, "kind", plan_kind_name(c->kind));
	cJSON_AddItemToObject(o, "id", jsonid(c->id));
	if (c->parent)
		cJSON_AddItemToObject(o, "parent", jsonid(c->parent));
	add_str(o, "name", c->name);
	cJSON_AddStringToObject(o, "op", op_names[c->op]);
	add_str(o, "field", c->field);
	cJSON_AddItemToObject(o, "before", cJSON_Duplicate(c->before, 1));
	cJSON_AddItemToObject(o, "after", cJSON_Duplicate(c->after, 1));
	if (c->note)
		cJSON_AddStringToObject(o, "note", c->note);
	if (c->notifies)
		cJSON_AddStringToObject(o, "notifies", c->notifies);
	if (c->shows_as)
		cJSON_AddStringToObject(o, "shows_as", c->shows_as);
	return o;
}

/* What stands for the changes in the document plan_print prints around them: a raw value, printed
 * as it is, that no printed JSON can hold (cJSON escapes a control character in a string). */
#define CHANGES_MARK "\001changes\001"

/* The digest of the plan's changes (plan_digest.c), computed change by change: the canonical text
 * of {changes, recipe_sha256, recipe_steps} is hashed as it is made, never held whole. */
static void changes_digest(const struct plan *p, const cJSON *recipe_steps, char hex[65])
{
	const struct spill *sp = p->spill;
	struct sha256 h;
	struct buf b = BUF_INIT;
	cJSON *rs = p->recipe_sha256 ? cJSON_CreateString(p->recipe_sha256) : cJSON_CreateNull();
	size_t i;

	if (sp) {   /* hashed as the changes were spilled (plan_spill): the same text, never read back */
		spill_digest_state(sp, &h, &b);
	} else {
		sha256_init(&h);
		buf_puts(&b, "{\"changes\":[");
		for (i = 0; i < p->nchanges; i++) {
			cJSON *o = change_json(&p->changes[i]);

			if (i)
				buf_putc(&b, ',');
			plan_canonical_json(o, &b);
			cJSON_Delete(o);
			if (b.len >= 65536) {
				sha256_update(&h, b.ptr, b.len);
				buf_reset(&b);
			}
		}
	}
	buf_puts(&b, "],\"recipe_sha256\":");
	plan_canonical_json(rs, &b);
	buf_puts(&b, ",\"recipe_steps\":");
	plan_canonical_json(recipe_steps, &b);
	buf_putc(&b, '}');
	sha256_update(&h, b.ptr, b.len);
	sha256_final_hex(&h, hex);
	buf_release(&b);
	cJSON_Delete(rs);
}

/* The plan file as JSON; without its changes (with_changes 0), CHANGES_MARK stands for them.
 * digest: the changes' digest when the caller has it, else NULL (computed here). */
static cJSON *plan_doc(const struct plan *p, int with_changes, const char *digest)
{
	cJSON *doc = cJSON_CreateObject(), *arr, *o, *sum, *rsteps;
	struct plan_summary s;
	char hex[65];
	size_t i;

	cJSON_AddStringToObject(doc, "format", PLAN_FORMAT);
	cJSON_AddNumberToObject(doc, "version", PLAN_VERSION);
	cJSON_AddStringToObject(doc, "tool", "coursectl " COURSECTL_VERSION);
	add_str(doc, "recipe", p->recipe_path);
	add_str(doc, "recipe_sha256", p->recipe_sha256);
	rsteps = arr = cJSON_AddArrayToObject(doc, "recipe_steps");
	for (i = 0; i < p->nrsteps; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", p->rsteps[i].name);
		cJSON_AddStringToObject(o, "action", p->rsteps[i].action);
		cJSON_AddItemToArray(arr, o);
	}
	if (!digest)
		changes_digest(p, rsteps, hex);
	cJSON_AddStringToObject(doc, "changes_sha256", digest ? digest : hex);
	add_str(doc, "description", p->description);
	add_str(doc, "base_url", p->base_url);
	add_str(doc, "created_at", p->created_at);
	arr = cJSON_AddArrayToObject(doc, "courses");
	for (i = 0; i < p->ncourses; i++) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "id", jsonid(p->courses[i].id));
		add_str(o, "given", p->courses[i].given);
		add_str(o, "name", p->courses[i].name);
		add_str(o, "course_code", p->courses[i].course_code);
		add_str(o, "time_zone", p->courses[i].time_zone);
		cJSON_AddItemToArray(arr, o);
	}
	if (with_changes) {
		size_t w = plan_window_courses(p), lo = 0, hi;
		struct err e = ERR_INIT;

		arr = cJSON_AddArrayToObject(doc, "changes");
		do {   /* window by window ("Windows", include/plan.h) */
			hi = lo + w < p->ncourses ? lo + w : p->ncourses;
			if (plan_window(p, lo, hi, &e)) {
				cJSON_Delete(doc);
				return NULL;
			}
			for (i = 0; i < p->nchanges; i++)
				cJSON_AddItemToArray(arr, change_json(&p->changes[i]));
			lo = hi;
		} while (lo < p->ncourses);
	} else {
		cJSON_AddItemToObject(doc, "changes", cJSON_CreateRaw(CHANGES_MARK));
	}
	arr = cJSON_AddArrayToObject(doc, "skipped");
	for (i = 0; i < p->nskipped; i++) {
		const struct plan_skip *sk = &p->skipped[i];

		o = cJSON_CreateObject();
		add_str(o, "step", sk->step);
		cJSON_AddItemToObject(o, "course_id", jsonid(sk->course_id));
		cJSON_AddStringToObject(o, "kind", plan_kind_name(sk->kind));
		cJSON_AddItemToObject(o, "id", sk->id ? jsonid(sk->id) : cJSON_CreateNull());
		add_str(o, "name", sk->name);
		add_str(o, "field", sk->field);
		cJSON_AddStringToObject(o, "reason", sk->reason);
		if (sk->rerun)
			cJSON_AddStringToObject(o, "rerun", sk->rerun);
		if (sk->journal)
			cJSON_AddStringToObject(o, "journal", sk->journal);
		cJSON_AddItemToArray(arr, o);
	}
	if (p->nwarnings) {
		arr = cJSON_AddArrayToObject(doc, "warnings");
		for (i = 0; i < p->nwarnings; i++) {
			const struct plan_warning *w = &p->warnings[i];

			o = cJSON_CreateObject();
			add_str(o, "step", w->step);
			cJSON_AddItemToObject(o, "course_id", jsonid(w->course_id));
			add_str(o, "where", w->where);
			cJSON_AddStringToObject(o, "message", w->message);
			cJSON_AddItemToArray(arr, o);
		}
	}
	if (p->nblackouts) {
		arr = cJSON_AddArrayToObject(doc, "blackouts");
		for (i = 0; i < p->nblackouts; i++) {
			const struct plan_blackout *b = &p->blackouts[i];

			o = cJSON_CreateObject();
			if (b->course_id)
				cJSON_AddItemToObject(o, "course_id", jsonid(b->course_id));
			cJSON_AddStringToObject(o, "start", b->start);
			cJSON_AddStringToObject(o, "end", b->end);
			add_str(o, "step", b->step);
			cJSON_AddItemToArray(arr, o);
		}
	}
	if (p->nterms) {
		arr = cJSON_AddArrayToObject(doc, "terms");
		for (i = 0; i < p->nterms; i++) {
			const struct plan_term *t = &p->terms[i];
			cJSON *w;
			size_t wk;

			o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "course_id", jsonid(t->course_id));
			cJSON_AddStringToObject(o, "start", t->start);
			cJSON_AddStringToObject(o, "end", t->end);
			w = cJSON_AddArrayToObject(o, "weeks");
			for (wk = 0; wk < t->nweeks; wk++)
				cJSON_AddItemToArray(w, cJSON_CreateString(t->weeks[wk]));
			add_str(o, "step", t->step);
			cJSON_AddItemToArray(arr, o);
		}
	}
	if (p->nfailed) {
		arr = cJSON_AddArrayToObject(doc, "failed_courses");
		for (i = 0; i < p->nfailed; i++) {
			o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "course", jsonid(p->failed[i].course));
			cJSON_AddStringToObject(o, "error", p->failed[i].error);
			cJSON_AddItemToArray(arr, o);
		}
	}
	plan_summarize(p, &s);
	sum = cJSON_AddObjectToObject(doc, "summary");
	cJSON_AddNumberToObject(sum, "changes", (double)s.changes);
	cJSON_AddNumberToObject(sum, "objects", (double)s.objects);
	cJSON_AddNumberToObject(sum, "courses", (double)s.courses);
	cJSON_AddNumberToObject(sum, "updates", (double)s.updates);
	cJSON_AddNumberToObject(sum, "creates", (double)s.creates);
	cJSON_AddNumberToObject(sum, "deletes", (double)s.deletes);
	cJSON_AddNumberToObject(sum, "moves", (double)s.moves);
	cJSON_AddNumberToObject(sum, "skipped", (double)s.skipped);
	if (p->nfailed)
		cJSON_AddNumberToObject(sum, "failed_courses", (double)p->nfailed);
	if (p->nwarnings)
		cJSON_AddNumberToObject(sum, "warnings", (double)p->nwarnings);
	if (s.notifications)
		cJSON_AddNumberToObject(sum, "notifications", (double)s.notifications);
	return doc;
}

cJSON *plan_to_json(const struct plan *p)
{
	return plan_doc(p, 1, NULL);
}

void plan_changes_digest(const struct plan *p, char out[65])
{
	cJSON *rsteps = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < p->nrsteps; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", p->rsteps[i].name);
		cJSON_AddStringToObject(o, "action", p->rsteps[i].action);
		cJSON_AddItemToArray(rsteps, o);
	}
	changes_digest(p, rsteps, out);
	cJSON_Delete(rsteps);
}

/* Send text[0..n) to sink, with `tabs` tabs after every newline (a change printed alone, put back at
 * its depth in the document). */
static int sink_indented(plan_sink sink, void *ud, const char *text, size_t n, int tabs)
{
	static const char nl[] = "\n\t\t\t\t";
	const char *p = text, *end = text + n, *q;
	int rc;

	while ((q = memchr(p, '\n', (size_t)(end - p)))) {
		if ((p < q && (rc = sink(ud, p, (size_t)(q - p)))) || (rc = sink(ud, nl, 1 + (size_t)tabs)))
			return rc;
		p = q + 1;
	}
	return p < end ? sink(ud, p, (size_t)(end - p)) : 0;
}

int plan_print(const struct plan *p, int formatted, const char *digest, plan_sink sink, void *ud)
{
	cJSON *doc = plan_doc(p, 0, digest);
	char *text = formatted ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc), *mark;
	size_t i, k = 0, w = plan_window_courses(p), lo = 0, hi;
	struct err e = ERR_INIT;
	int rc = 0;

	cJSON_Delete(doc);
	if (!text || !(mark = strstr(text, CHANGES_MARK))) {
		free(text);
		return -1;
	}
	/* the changes' array at depth 2 of the document: cJSON_Print's layout is "[{...}, {...}]", each
	 * object's lines indented two tabs more than when printed alone */
	if ((rc = sink(ud, text, (size_t)(mark - text))) || (rc = sink(ud, "[", 1)))
		goto out;
	if (!formatted && p->spill) {
		/* the spill file is the compact changes' text itself (plan_spill): copied, not parsed */
		rc = spill_copy(p, sink, ud);
	} else if (p->spill) {
		rc = spill_print_formatted(p, sink, ud);
	} else {
		do {   /* window by window ("Windows", include/plan.h) */
			hi = lo + w < p->ncourses ? lo + w : p->ncourses;
			if (plan_window(p, lo, hi, &e)) {
				rc = -1;
				break;
			}
			for (i = 0; i < p->nchanges && !rc; i++, k++) {
				cJSON *o = change_json(&p->changes[i]);
				char *s = formatted ? cJSON_Print(o) : cJSON_PrintUnformatted(o);

				cJSON_Delete(o);
				if (!s) {
					rc = -1;
					break;
				}
				if (k)
					rc = sink(ud, formatted ? ", " : ",", formatted ? 2 : 1);
				if (!rc)
					rc = formatted ? sink_indented(sink, ud, s, strlen(s), 2) : sink(ud, s, strlen(s));
				free(s);
			}
			lo = hi;
		} while (!rc && lo < p->ncourses);
	}
	if (!rc)
		rc = sink(ud, "]", 1);
	mark += strlen(CHANGES_MARK);
	if (!rc)
		rc = sink(ud, mark, strlen(mark));
out:
	free(text);
	return rc;
}

static int file_sink(void *ud, const char *s, size_t n)
{
	return safefile_put(ud, s, n);
}

int plan_write(const struct plan *p, const char *path, struct err *err)
{
	struct safefile f;
	int rc;

	/* private, whole, never through a planted link (safefile.c); printed change by change, so the
	 * plan's text is never held whole (issue 18) */
	if ((rc = safefile_open(&f, path, err)))
		return rc;
	if (plan_print(p, 1, NULL, file_sink, &f) || safefile_put(&f, "\n", 1)) {
		if (f.errnum)
			return safefile_commit(&f, err);   /* reports the write error, removes the file */
		safefile_abort(&f);
		return err_set(err, ERR_GENERIC, "out of memory writing the plan");
	}
	return safefile_commit(&f, err);
}

/* ---------------------------------------------------------------- reading */

static const char *get_str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* An optional string member: 0 and *out (malloced or NULL), or -1 when present and not a string/null. */
static int opt_str(const cJSON *o, const char *k, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = xstrdup(v->valuestring);
	return 0;
}

static int read_change(struct plan *p, const cJSON *o, size_t i, const char *name, struct err *err)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(o, "steps"), *st;
	const char *kind = get_str(o, "kind"), *op = get_str(o, "op"), *step = get_str(o, "step");
	char *course = id_text(cJSON_GetObjectItemCaseSensitive(o, "course_id"));
	char *id = id_text(cJSON_GetObjectItemCaseSensitive(o, "id"));
	char *parent = id_text(cJSON_GetObjectItemCaseSensitive(o, "parent"));
	char *field = NULL, *oname = NULL, *note = NULL, *notifies = NULL, *shows_as = NULL;
	const cJSON *before = cJSON_GetObjectItemCaseSensitive(o, "before");
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(o, "after");
	struct plan_change *c;
	int k, opi = -1, rc = 0;
	const char *bad = NULL;

	for (k = 0; op && k < 4; k++)
		if (!strcmp(op, op_names[k]))
			opi = k;
	if (!cJSON_IsObject(o))
		bad = "is not an object";
	else if (!course)
		bad = "has no course_id";
	else if (plan_kind_from_name(kind) < 0)
		bad = "has no known kind";
	else if (!id)
		bad = "has no id";
	else if (opi < 0)
		bad = "has no op (update, create, delete or move)";
	else if (!before || !after)
		bad = "lacks before or after";
	else if (opt_str(o, "field", &field) || ((opi == PLAN_UPDATE || opi == PLAN_MOVE) && !field))
		bad = "has no field";
	else if (opt_str(o, "name", &oname) || opt_str(o, "note", &note) || opt_str(o, "notifies", &notifies) ||
		 opt_str(o, "shows_as", &shows_as))
		bad = "has a name, note, notifies or shows_as that is not a string";
	else if (!step && !cJSON_IsArray(steps))
		bad = "names no step";
	if (bad) {
		rc = err_set(err, ERR_CORRUPT, "%s: change %zu %s", name, i + 1, bad);
		goto done;
	}
	c = plan_add(p, step ? step : "", course, (enum resource_kind)plan_kind_from_name(kind), id, parent, oname,
		     (enum plan_op)opi, field, cJSON_Duplicate(before, 1), cJSON_Duplicate(after, 1));
	if (cJSON_IsArray(steps)) {
		c->nsteps = 0;
		free(c->steps[0]);
		cJSON_ArrayForEach(st, steps)
			if (cJSON_IsString(st))
				plan_change_add_step(c, st->valuestring);
	}
	c->note = note;
	note = NULL;
	c->notifies = notifies;
	notifies = NULL;
	c->shows_as = shows_as;
	shows_as = NULL;
	c->seq = (long)i + 1;
done:
	free(course);
	free(id);
	free(parent);
	free(field);
	free(oname);
	free(note);
	free(notifies);
	free(shows_as);
	return rc;
}

/* "YYYY-MM-DD" with a month 1-12 and a day 1-31 */
static int is_day(const char *s)
{
	int i, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int read_blackouts(struct plan *p, const cJSON *list, const char *name, struct err *err)
{
	const cJSON *it;
	size_t i = 0;

	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return err_set(err, ERR_CORRUPT, "%s: \"blackouts\" is not a list", name);
	cJSON_ArrayForEach(it, list) {
		const cJSON *cid = cJSON_GetObjectItemCaseSensitive(it, "course_id");
		const cJSON *step = cJSON_GetObjectItemCaseSensitive(it, "step");
		const char *start = get_str(it, "start"), *end = get_str(it, "end");
		char *course = NULL;

		i++;
		if (!is_day(start) || !is_day(end) || strcmp(start, end) > 0)
			return err_set(err, ERR_CORRUPT, "%s: blackout %zu needs a start and an end (YYYY-MM-DD, "
				       "start <= end)", name, i);
		if ((step && !cJSON_IsNull(step) && !cJSON_IsString(step)) ||
		    (cid && !cJSON_IsNull(cid) && !(course = id_text(cid))))
			return err_set(err, ERR_CORRUPT, "%s: blackout %zu has a step or course_id of the wrong type",
				       name, i);
		blackout_append(p, cJSON_GetStringValue(step), course, start, end);
		free(course);
	}
	return 0;
}

static int read_terms(struct plan *p, const cJSON *list, const char *name, struct err *err)
{
	const cJSON *it;
	size_t i = 0;

	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return err_set(err, ERR_CORRUPT, "%s: \"terms\" is not a list", name);
	cJSON_ArrayForEach(it, list) {
		const cJSON *step = cJSON_GetObjectItemCaseSensitive(it, "step"), *w;
		const cJSON *weeks = cJSON_GetObjectItemCaseSensitive(it, "weeks");
		const char *start = get_str(it, "start"), *end = get_str(it, "end");
		char *course = id_text(cJSON_GetObjectItemCaseSensitive(it, "course_id"));
		char **v;
		size_t n = 0;

		i++;
		if (!course || !is_day(start) || !is_day(end) || strcmp(start, end) > 0 || !cJSON_IsArray(weeks) ||
		    (step && !cJSON_IsNull(step) && !cJSON_IsString(step))) {
			free(course);
			return err_set(err, ERR_CORRUPT, "%s: term %zu needs a course_id, a start and an end (YYYY-MM-DD, "
				       "start <= end) and a list of weeks", name, i);
		}
		v = xcalloc((size_t)cJSON_GetArraySize(weeks) + 1, sizeof(*v));
		cJSON_ArrayForEach(w, weeks) {
			if (!is_day(cJSON_GetStringValue(w))) {
				free(v);
				free(course);
				return err_set(err, ERR_CORRUPT, "%s: term %zu has a week that is not a day (YYYY-MM-DD)",
					       name, i);
			}
			v[n++] = w->valuestring;
		}
		plan_add_term(p, cJSON_GetStringValue(step), course, start, end, v, n);
		free(v);
		free(course);
	}
	return 0;
}

/* recipe_steps and changes_sha256 (issue 13), absent from plans of 0.3.0: p->has_rsteps and
 * p->digest say what was there. */
static int read_digest(struct plan *p, const cJSON *doc, const char *name, struct err *err)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(doc, "recipe_steps"), *it;
	char hex[65];
	size_t i = 0;

	if (steps && !cJSON_IsNull(steps)) {
		if (!cJSON_IsArray(steps))
			return err_set(err, ERR_CORRUPT, "%s: \"recipe_steps\" is not a list", name);
		cJSON_ArrayForEach(it, steps) {
			i++;
			if (!get_str(it, "name") || !get_str(it, "action"))
				return err_set(err, ERR_CORRUPT, "%s: recipe step %zu lacks its name or action", name, i);
			plan_add_recipe_step(p, get_str(it, "name"), get_str(it, "action"));
		}
		p->has_rsteps = 1;
	}
	if (opt_str(doc, "changes_sha256", &p->changes_sha256))
		return err_set(err, ERR_CORRUPT, "%s: \"changes_sha256\" is not a string", name);
	if (p->changes_sha256) {
		plan_digest(doc, hex);
		p->digest = strcmp(hex, p->changes_sha256) ? PLAN_DIGEST_BAD : PLAN_DIGEST_OK;
	}
	return 0;
}

int plan_from_json(struct plan **out, const cJSON *doc, const char *name, struct err *err)
{
	struct plan *p;
	const cJSON *v, *it;
	size_t i = 0;
	int rc = 0;

	if (!cJSON_IsObject(doc) || !get_str(doc, "format") || strcmp(get_str(doc, "format"), PLAN_FORMAT))
		return err_set(err, ERR_CORRUPT, "%s is not a coursectl plan (no \"format\": \"%s\")", name,
			       PLAN_FORMAT);
	v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	if (!cJSON_IsNumber(v) || v->valuedouble != PLAN_VERSION)
		return err_set(err, ERR_CORRUPT, "%s is a plan of version %g; this coursectl reads version %d", name,
			       cJSON_IsNumber(v) ? v->valuedouble : 0.0, PLAN_VERSION);
	p = plan_new();
	if (opt_str(doc, "recipe", &p->recipe_path) || opt_str(doc, "recipe_sha256", &p->recipe_sha256) ||
	    opt_str(doc, "description", &p->description) || opt_str(doc, "base_url", &p->base_url) ||
	    opt_str(doc, "created_at", &p->created_at)) {
		rc = err_set(err, ERR_CORRUPT, "%s: a header field is not a string", name);
		goto done;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "courses")) {
		plan_add_course(p, it, get_str(it, "given"));
	}
	v = cJSON_GetObjectItemCaseSensitive(doc, "changes");
	if (!cJSON_IsArray(v)) {
		rc = err_set(err, ERR_CORRUPT, "%s has no \"changes\" list", name);
		goto done;
	}
	cJSON_ArrayForEach(it, v) {
		if ((rc = read_change(p, it, i++, name, err)))
			goto done;
	}
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "skipped")) {
		char *course = id_text(cJSON_GetObjectItemCaseSensitive(it, "course_id"));
		char *id = id_text(cJSON_GetObjectItemCaseSensitive(it, "id"));
		int kind = plan_kind_from_name(get_str(it, "kind"));

		i++;
		if (!course || kind < 0 || !get_str(it, "reason")) {
			free(course);
			free(id);
			rc = err_set(err, ERR_CORRUPT, "%s: skipped entry %zu lacks course_id, kind or reason", name, i);
			goto done;
		}
		plan_add_skip(p, get_str(it, "step"), course, (enum resource_kind)kind, id, get_str(it, "name"),
			      get_str(it, "field"), get_str(it, "reason"));
		if (get_str(it, "rerun"))
			plan_mark_rerun(p, get_str(it, "rerun"), get_str(it, "journal"));
		free(course);
		free(id);
	}
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "warnings")) {
		char *course = id_text(cJSON_GetObjectItemCaseSensitive(it, "course_id"));

		i++;
		if (!course || !get_str(it, "message")) {
			free(course);
			rc = err_set(err, ERR_CORRUPT, "%s: warnings entry %zu lacks course_id or message", name, i);
			goto done;
		}
		plan_add_warning(p, get_str(it, "step"), course, get_str(it, "where"), get_str(it, "message"));
		free(course);
	}
	if ((rc = read_blackouts(p, cJSON_GetObjectItemCaseSensitive(doc, "blackouts"), name, err)) ||
	    (rc = read_terms(p, cJSON_GetObjectItemCaseSensitive(doc, "terms"), name, err)) ||
	    (rc = read_digest(p, doc, name, err)))
		goto done;
	i = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "failed_courses")) {
		char *course = id_text(cJSON_GetObjectItemCaseSensitive(it, "course"));

		i++;
		if (!course || !get_str(it, "error")) {
			free(course);
			rc = err_set(err, ERR_CORRUPT, "%s: failed_courses entry %zu lacks course or error", name, i);
			goto done;
		}
		plan_add_failure(p, course, get_str(it, "error"));
		free(course);
	}
	index_free(p);
done:
	if (rc)
		plan_free(p);
	else
		*out = p;
	return rc;
}

int plan_read(struct plan **out, const char *path, struct err *err)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	cJSON *doc;
	int rc;

	if (!f)
		return err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "cannot read '%s': %s", path,
			       strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		rc = err_set(err, ERR_IO, "cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		buf_release(&b);
		return rc;
	}
	fclose(f);
	doc = cJSON_ParseWithLength(b.ptr ? b.ptr : "", b.len);
	buf_release(&b);
	if (!doc)
		return err_set(err, ERR_CORRUPT, "%s is not valid JSON", path);
	rc = plan_from_json(out, doc, path, err);
	cJSON_Delete(doc);
	return rc;
}

/* ---------------------------------------------------------------- the spill file (issue 18) */

/* What stays of a spilled course: where its changes' text is in the file, and how many there are.
 * The courses' ranges are contiguous and in course order (the changes are written course by
 * course), so course k's text ends where course k + 1's starts (the file's end for the last), and
 * its first change's plan-wide index is the sum of n before it: neither is kept (16 bytes a course,
 * not 32: issue 18, flat memory). */
struct spill_course {
	long off;                 /* its first byte (the ',' before its first change, but for the plan's
				   * first); a course without changes: where its range would start */
	size_t n;                 /* its changes */
};

/* The changes of a plan of many courses, out of memory (plan_spill): the file holds the text of the
 * plan file's formatted "changes" array without its brackets and before its indentation -- each
 * change as cJSON_Print(change_json(c)), separated by ", " as cJSON_Print separates an array's
 * items -- in plan order. The formatted plan file copies it indented two tabs deeper
 * (spill_print_formatted), the journal's compact header copies it without the white space between
 * tokens (spill_copy: cJSON_PrintUnformatted's bytes, which differ from cJSON_Print's only there),
 * and a window is parsed back from its byte range (plan_window). Formatted rather than compact
 * (issue 18): the plan file was the one consumer that parsed every change back and printed it
 * again, about a tenth of a spilled plan's instructions; the compact copy only drops bytes.
 * The summary and the digest's canonical text are kept as the changes are written: nothing reads
 * the file back for them. Per course 16 bytes; per change nothing. */
struct spill {
	FILE *f;                  /* tmpfile(3): unlinked, 0600 */
	long end;                 /* bytes written */
	size_t window;            /* courses a consumer makes resident at a time */
	struct spill_course *c;   /* per course of p->courses: c[0..nc) */
	size_t nc, total;         /* courses and changes spilled */
	size_t lo, hi;            /* the resident window: courses [lo, hi) */
	struct plan_summary sum;  /* of the changes spilled (plan_summarize) */
	struct sha256 h;          /* the digest's canonical text hashed so far (changes_digest) */
	struct buf canon;         /* and its tail, not hashed yet */
};

static const struct plan_summary *spill_summary(const struct plan *p)
{
	const struct spill *sp = p->spill;

	return sp ? &sp->sum : NULL;
}

static void spill_digest_state(const struct spill *sp, struct sha256 *h, struct buf *b)
{
	*h = sp->h;
	buf_add(b, sp->canon.ptr ? sp->canon.ptr : "", sp->canon.len);
}

static void release_resident(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nchanges; i++)
		change_release(&p->changes[i]);
	free(p->changes);
	p->changes = NULL;
	p->nchanges = p->achanges = p->nfinished = 0;
}

static void spill_free(struct plan *p)
{
	struct spill *sp = p->spill;

	if (!sp)
		return;
	if (sp->f)
		fclose(sp->f);
	free(sp->c);
	buf_release(&sp->canon);
	free(sp);
	p->spill = NULL;
}

size_t plan_window_default(void)
{
	const char *env = getenv("COURSECTL_PLAN_WINDOW");
	char *end;
	long v;

	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v > 0)
			return (size_t)v;
	}
	return PLAN_WINDOW;
}

int plan_spill(struct plan *p, size_t window, struct err *err)
{
	struct spill *sp = p->spill;
	struct buf b = BUF_INIT;
	size_t i, k;

	if (!sp) {
		sp = xcalloc(1, sizeof(*sp));
		if (!(sp->f = tmpfile())) {
			free(sp);
			return err_set(err, ERR_IO, "cannot make a temporary file for the plan's changes: %s",
				       strerror(errno));
		}
		sp->window = window ? window : 1;
		sha256_init(&sp->h);
		buf_puts(&sp->canon, "{\"changes\":[");
		p->spill = sp;
	}
	if (p->ncourses > sp->nc) {
		sp->c = xrealloc(sp->c, p->ncourses * sizeof(*sp->c));
		for (k = sp->nc; k < p->ncourses; k++) {
			sp->c[k].off = sp->end;
			sp->c[k].n = 0;
		}
	}
	if (p->nchanges && p->ncourses <= sp->nc)
		return err_set(err, ERR_GENERIC, "the plan's changes name no course it has");
	summarize_changes(p->changes, p->nchanges, &sp->sum);
	if (fseek(sp->f, 0, SEEK_END))
		goto fail;
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];
		cJSON *o = change_json(c);
		char *text = cJSON_Print(o);   /* formatted: see struct spill */
		size_t g = sp->total + i;   /* plan-wide */

		/* the course's place; changes come course by course, in course order (plan_finish) */
		k = course_index(p, c->course_id);
		if (k >= p->ncourses)
			k = p->ncourses - 1;
		if (k < sp->nc)
			k = sp->nc;
		if (!sp->c[k].n)
			sp->c[k].off = sp->end;
		buf_reset(&b);
		if (g)
			buf_puts(&b, ", ");
		if (text)
			buf_puts(&b, text);
		free(text);
		if (g)
			buf_putc(&sp->canon, ',');
		plan_canonical_json(o, &sp->canon);
		cJSON_Delete(o);
		if (b.len < 2 || fwrite(b.ptr, 1, b.len, sp->f) != b.len)
			goto fail;
		sp->end += (long)b.len;
		sp->c[k].n++;
		if (sp->canon.len >= 65536) {
			sha256_update(&sp->h, sp->canon.ptr, sp->canon.len);
			buf_reset(&sp->canon);
		}
	}
	if (fflush(sp->f))
		goto fail;
	buf_release(&b);
	{   /* a course without changes: an empty range where it would be, at the next one's start */
		long next = sp->end;

		for (k = p->ncourses; k-- > sp->nc;) {
			if (!sp->c[k].n)
				sp->c[k].off = next;
			next = sp->c[k].off;
		}
	}
	sp->total += p->nchanges;
	sp->nc = p->ncourses;
	release_resident(p);
	p->first = sp->total;
	sp->lo = sp->hi = sp->nc;   /* nothing resident */
	return 0;
fail:
	buf_release(&b);
	return err_set(err, ERR_IO, "cannot write the plan's changes to a temporary file: %s", strerror(errno));
}

size_t plan_window_courses(const struct plan *p)
{
	const struct spill *sp = p->spill;

	if (!sp || (sp->lo == 0 && sp->hi == sp->nc))
		return p->ncourses ? p->ncourses : 1;
	return sp->window;
}

size_t plan_total(const struct plan *p)
{
	const struct spill *sp = p->spill;

	return sp ? sp->total : p->nchanges;
}

size_t plan_course_changes(const struct plan *p, size_t k)
{
	const struct spill *sp = p->spill;
	size_t i, n = 0;

	if (k >= p->ncourses)
		return 0;
	if (sp)
		return k < sp->nc ? sp->c[k].n : 0;
	for (i = 0; i < p->nchanges; i++)
		n += !strcmp(p->changes[i].course_id, p->courses[k].id);
	return n;
}

/* One spilled change back (c zeroed by the caller): the object change_json made, taken apart
 * (before and after detached from it, not copied). -1 when it is not one (a damaged file). */
static int change_load(struct plan_change *c, cJSON *o)
{
	const cJSON *st;
	const char *kind = get_str(o, "kind"), *op = get_str(o, "op");
	int k, opi = -1;

	c->course_id = id_text(cJSON_GetObjectItemCaseSensitive(o, "course_id"));
	c->id = id_text(cJSON_GetObjectItemCaseSensitive(o, "id"));
	c->parent = id_text(cJSON_GetObjectItemCaseSensitive(o, "parent"));
	c->seq = (long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "seq"));
	for (k = 0; op && k < 4; k++)
		if (!strcmp(op, op_names[k]))
			opi = k;
	cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(o, "steps"))
		if (cJSON_IsString(st)) {
			c->steps = xrealloc(c->steps, (c->nsteps + 1) * sizeof(*c->steps));
			c->steps[c->nsteps++] = xstrdup(st->valuestring);
		}
	c->before = cJSON_DetachItemFromObjectCaseSensitive(o, "before");
	c->after = cJSON_DetachItemFromObjectCaseSensitive(o, "after");
	if (opt_str(o, "name", &c->name) || opt_str(o, "field", &c->field) || opt_str(o, "note", &c->note) ||
	    opt_str(o, "notifies", &c->notifies) || opt_str(o, "shows_as", &c->shows_as) || !c->course_id ||
	    !c->id || plan_kind_from_name(kind) < 0 || opi < 0 || !c->before || !c->after)
		return -1;
	c->op = (enum plan_op)opi;
	c->kind = (enum resource_kind)plan_kind_from_name(kind);
	return 0;
}

/* The length of course k's text in the spill file (struct spill_course: up to the next one's). */
static size_t spill_len(const struct spill *sp, size_t k)
{
	long end = k + 1 < sp->nc ? sp->c[k + 1].off : sp->end;

	return end > sp->c[k].off ? (size_t)(end - sp->c[k].off) : 0;
}

/* Course k's text from the spill file into *text (NUL-terminated; grown as needed, *cap bytes), and
 * its length into *len. */
static int spill_read(struct spill *sp, size_t k, char **text, size_t *cap, size_t *len, struct err *err)
{
	const struct spill_course *sc = &sp->c[k];

	*len = spill_len(sp, k);
	if (*len + 1 > *cap) {
		*cap = *len + 1;
		free(*text);
		*text = xmalloc(*cap);
	}
	if (fseek(sp->f, sc->off, SEEK_SET) || fread(*text, 1, *len, sp->f) != *len)
		return err_set(err, ERR_IO, "cannot read the plan's changes back from their temporary file: %s",
			       ferror(sp->f) ? strerror(errno) : "it is shorter than written");
	(*text)[*len] = '\0';
	return 0;
}

/* The spill file's bytes [0, sp->end) to sink, a chunk at a time: indented `tabs` tabs deeper after
 * each line break (tabs >= 0, sink_indented), or compact (tabs < 0: the white space outside strings
 * dropped, so cJSON_Print's text becomes cJSON_PrintUnformatted's -- a string holds no raw line
 * break or tab, cJSON escapes them). 0, the sink's answer, or -1. */
static int spill_stream(const struct spill *sp, int tabs, plan_sink sink, void *ud)
{
	char chunk[32768], out[32768];
	long at = 0;
	size_t n, i, m;
	int rc = 0, str = 0, esc = 0;   /* inside a string; after its backslash */

	if (fseek(sp->f, 0, SEEK_SET))
		return -1;
	while (!rc && at < sp->end) {
		n = (size_t)(sp->end - at) < sizeof(chunk) ? (size_t)(sp->end - at) : sizeof(chunk);
		if (fread(chunk, 1, n, sp->f) != n)
			return -1;
		at += (long)n;
		if (tabs >= 0) {
			rc = sink_indented(sink, ud, chunk, n, tabs);
			continue;
		}
		for (i = m = 0; i < n; i++) {
			char ch = chunk[i];

			if (str) {
				if (esc)
					esc = 0;
				else if (ch == '\\')
					esc = 1;
				else if (ch == '"')
					str = 0;
			} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
				continue;
			} else if (ch == '"') {
				str = 1;
			}
			out[m++] = ch;
		}
		if (m)
			rc = sink(ud, out, m);
	}
	return rc;
}

/* The formatted changes of a spilled plan for plan_print: the file's text, indented to the depth of
 * the document's "changes" array (struct spill). */
static int spill_print_formatted(const struct plan *p, plan_sink sink, void *ud)
{
	return spill_stream(p->spill, 2, sink, ud);
}

int plan_window(const struct plan *cp, size_t lo, size_t hi, struct err *err)
{
	struct plan *p = (struct plan *)cp;   /* logically const: the resident window is a cache */
	struct spill *sp = p->spill;
	char *text = NULL;
	size_t k, n = 0, cap = 0, first = 0, len = 0;
	int rc = 0;

	if (!sp)
		return 0;
	if (hi > sp->nc)
		hi = sp->nc;
	if (lo > hi)
		lo = hi;
	if (lo == sp->lo && hi == sp->hi)
		return 0;
	release_resident(p);
	for (k = 0; k < lo; k++)   /* the plan-wide index of the window's first change */
		first += sp->c[k].n;
	for (k = lo; k < hi; k++)
		n += sp->c[k].n;
	p->changes = xcalloc(n ? n : 1, sizeof(*p->changes));
	p->achanges = n ? n : 1;
	p->first = first;
	for (k = lo; k < hi && !rc; k++) {
		const struct spill_course *sc = &sp->c[k];
		const char *at, *end;
		size_t j;

		if (!sc->n)
			continue;
		if ((rc = spill_read(sp, k, &text, &cap, &len, err)))
			break;
		at = text;
		end = text + len;
		for (j = 0; j < sc->n; j++) {
			cJSON *o;
			const char *next = NULL;

			while (at < end && *at == ',')
				at++;
			o = cJSON_ParseWithLengthOpts(at, (size_t)(end - at), &next, 0);
			if (!o || change_load(&p->changes[p->nchanges], o)) {
				if (!o)
					memset(&p->changes[p->nchanges], 0, sizeof(*p->changes));
				p->nchanges++;   /* released with the others */
				cJSON_Delete(o);
				rc = err_set(err, ERR_IO, "the plan's temporary file is damaged (course %zu, change %zu)",
					     k + 1, p->first + p->nchanges);
				break;
			}
			cJSON_Delete(o);
			p->nchanges++;
			at = next;
		}
	}
	free(text);
	if (rc) {
		release_resident(p);
		sp->lo = sp->hi = sp->nc;
		return rc;
	}
	p->nfinished = p->nchanges;
	sp->lo = lo;
	sp->hi = hi;
	return 0;
}

static int spill_copy(const struct plan *p, plan_sink sink, void *ud)
{
	return spill_stream(p->spill, -1, sink, ud);
}
