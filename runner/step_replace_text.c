/* runner/step_replace_text.c -- the `replace_text` step: the same substitutions across the HTML
 * fields (and optionally the names) of several kinds of objects (model:
 * include/recipe_replace_text.h; semantics: docs/recipes.md "## `replace_text`").
 *
 * Kinds and fields, walked in the order of `in`'s documentation (pages, assignments, syllabus,
 * discussions, announcements, quizzes; the order of objects in the plan follows it):
 *   pages          RES_PAGE              body / title
 *   assignments    RES_ASSIGNMENT        description / name
 *   syllabus       RES_COURSE            syllabus_body (the course object itself; it has no title)
 *   discussions    RES_DISCUSSION_TOPIC  message / title
 *   announcements  RES_ANNOUNCEMENT      message / title
 *   quizzes        RES_QUIZ              description / title
 * Each field with matches becomes one step_set with the note "N matches" ("1 match"), so the plan
 * says per object and field how many matches were replaced; bytes outside the matches are kept
 * (step_substitute). A null or absent field has nothing to replace and is passed over silently.
 * A title or name that the substitutions would leave empty is skipped with the reason (Canvas
 * requires one).
 *
 * where, per object (every given condition must hold): name/title is a regex on the object's name
 * field (resource name_field: title or name); id is the object's id (pages: page_id); published
 * the flag; url only pages have, so with url given other kinds are left out. The syllabus has no
 * title, id, url or published flag of its own (the course's are not the syllabus's): a `where`
 * with any condition leaves it out; a separate step without `where` edits it.
 *
 * Quizzes, graded discussions and their assignments. In Canvas a graded quiz and its assignment
 * (quiz.assignment_id), and a graded discussion and its assignment (topic.assignment_id), are one
 * thing seen twice: saving one copies title and description to the other (API.md 5.1, 8.2).
 * When this step selects both the quiz (or topic) and its assignment, the same replacement would
 * be planned twice, and apply would write the text twice with Canvas mirroring each write. The
 * quiz or topic wins: it is the object the user edits in Canvas's interface, and its update
 * carries the quiz/discussion specifics (notify_of_update). The assignment's changes are recorded
 * as skips with the reason (only for fields the step would really change). When only one of the
 * pair is selected (in: [assignments] alone, or a where that picks one side), it is edited and
 * Canvas mirrors it as usual. Mirroring across steps (one step on assignments, a later one on
 * quizzes) is not detected here. The working copy's mirror is not updated either: the snapshot
 * shows each object as Canvas returned it.
 *
 * Rejected: applying a where condition that an object cannot have as "not applicable, so pass"
 * (where: {url: x} with in: [pages, assignments] would then edit every assignment); the
 * assignment winning over its quiz (the quiz holds the settings students see, and mirroring
 * from the assignment would still touch the quiz).
 */
#include "step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonid.h"
#include "recipe_replace_text.h"
#include "xalloc.h"

struct kind {
	unsigned bit;              /* RTEXT_* */
	enum resource_kind kind;
	const char *body, *title;  /* the fields `body` and `title` stand for; title NULL when none */
};

/* in the order of rtext_kind_names (the documented order of `in`) */
static const struct kind kinds[] = {
	{ RTEXT_PAGES, RES_PAGE, "body", "title" },
	{ RTEXT_ASSIGNMENTS, RES_ASSIGNMENT, "description", "name" },
	{ RTEXT_SYLLABUS, RES_COURSE, "syllabus_body", NULL },
	{ RTEXT_DISCUSSIONS, RES_DISCUSSION_TOPIC, "message", "title" },
	{ RTEXT_ANNOUNCEMENTS, RES_ANNOUNCEMENT, "message", "title" },
	{ RTEXT_QUIZZES, RES_QUIZ, "description", "title" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

unsigned step_replace_text_needs(const void *model)
{
	const struct rreplace_text *t = model;
	unsigned need = 1u << RES_COURSE;
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (t->in & kinds[i].bit)
			need |= 1u << kinds[i].kind;
	return need;
}

/* ---------------------------------------------------------------- helpers */

/* The object's id as a number (pages: page_id), or 0 when it has none (created by this plan). */
static int obj_id(enum resource_kind kind, const cJSON *o, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, kind == RES_PAGE ? "page_id" : "id");

	return !jsonid_ll(v, out);   /* a number, or a string id above 2^53 (jsonid.h) */
}

/* "assignment 'Lab 3' (90211) description in course 4821" (pages: by url) for error messages. */
static void obj_what(const struct step_ctx *cx, enum resource_kind kind, const cJSON *o, const char *field,
		     char *buf, size_t size)
{
	char idb[32];

	if (kind == RES_COURSE)
		snprintf(buf, size, "the syllabus of course %s", cx->course_id);
	else if (kind == RES_PAGE)
		snprintf(buf, size, "page '%.100s' %s in course %s", step_str(o, "url") ? step_str(o, "url") : "",
			 field, cx->course_id);
	else
		snprintf(buf, size, "%s '%.100s' (%s) %s in course %s", resource_get(kind)->name, step_name(kind, o),
			 step_id(kind, o, idb), field, cx->course_id);
}

/* ---------------------------------------------------------------- where */

struct filter {
	const struct rwhere *w;
	const char **urls;         /* where.url, sorted */
	size_t nurls;
	long long *ids;            /* where.id, sorted */
	size_t nids;
};

/* Ownership: f's arrays are malloced; filter_release frees them (the strings stay the recipe's). */
static void filter_init(struct filter *f, const struct rwhere *w)
{
	memset(f, 0, sizeof(*f));
	f->w = w;
	if (w && w->nurls) {
		f->urls = xmalloc(w->nurls * sizeof(*f->urls));
		memcpy(f->urls, w->urls, w->nurls * sizeof(*f->urls));
		qsort(f->urls, w->nurls, sizeof(*f->urls), step_cmp_str);
		f->nurls = w->nurls;
	}
	if (w && w->nids) {
		f->ids = xmalloc(w->nids * sizeof(*f->ids));
		memcpy(f->ids, w->ids, w->nids * sizeof(*f->ids));
		qsort(f->ids, w->nids, sizeof(*f->ids), step_cmp_ll);
		f->nids = w->nids;
	}
}

static void filter_release(struct filter *f)
{
	free(f->urls);
	free(f->ids);
}

/* 1 when o (of kind) passes the where, 0 when not, -1 with err set (a regex failing at run time). */
static int selected(const struct step_ctx *cx, const struct filter *f, enum resource_kind kind,
		    const cJSON *o, struct err *err)
{
	const struct rwhere *w = f->w;
	const char *s;
	long long id;
	char what[200];

	if (!w)
		return 1;
	if (kind == RES_COURSE)   /* the syllabus has none of the properties a where names */
		return !w->name && !w->nids && !w->nurls && w->published < 0;
	if (w->nurls) {
		s = kind == RES_PAGE ? step_str(o, "url") : NULL;
		if (!s || !bsearch(&s, f->urls, f->nurls, sizeof(*f->urls), step_cmp_str))
			return 0;
	}
	if (w->nids && !(obj_id(kind, o, &id) && bsearch(&id, f->ids, f->nids, sizeof(*f->ids), step_cmp_ll)))
		return 0;
	if (w->published >= 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "published")) != w->published)
		return 0;
	if (w->name) {
		s = step_name(kind, o);
		obj_what(cx, kind, o, resource_get(kind)->name_field, what, sizeof(what));
		return step_regex_match(w->name, s, strlen(s), what, err);
	}
	return 1;
}

/* ---------------------------------------------------------------- mirrored assignments */

/* An assignment that a selected quiz or graded discussion stands for. */
struct mirror {
	long long assignment_id;
	enum resource_kind kind;   /* RES_QUIZ or RES_DISCUSSION_TOPIC */
	const cJSON *obj;
};

struct mirrors {
	struct mirror *v;
	size_t n, alloc;
};

static int cmp_mirror(const void *a, const void *b)
{
	return step_cmp_ll(&((const struct mirror *)a)->assignment_id, &((const struct mirror *)b)->assignment_id);
}

/* Collect the assignment_id of every selected object of kind (quizzes or discussions). Ownership:
 * m->v grows with xrealloc; the caller frees it. */
static int collect_mirrors(struct step_ctx *cx, const struct filter *f, enum resource_kind kind,
			   struct mirrors *m, struct err *err)
{
	const cJSON *o;

	cJSON_ArrayForEach(o, step_list(cx, kind)) {
		const cJSON *aid = cJSON_GetObjectItemCaseSensitive(o, "assignment_id");
		int sel;

		long long a;

		if (jsonid_ll(aid, &a))
			continue;   /* ungraded */
		sel = selected(cx, f, kind, o, err);
		if (sel < 0)
			return -1;
		if (!sel)
			continue;
		if (m->n == m->alloc) {
			m->alloc = m->alloc ? 2 * m->alloc : 16;
			m->v = xrealloc(m->v, m->alloc * sizeof(*m->v));
		}
		m->v[m->n].assignment_id = a;
		m->v[m->n].kind = kind;
		m->v[m->n].obj = o;
		m->n++;
	}
	return 0;
}

static const struct mirror *find_mirror(const struct mirrors *m, const cJSON *assignment)
{
	struct mirror key = { 0 };

	if (!m->n || !obj_id(RES_ASSIGNMENT, assignment, &key.assignment_id))
		return NULL;
	return bsearch(&key, m->v, m->n, sizeof(*m->v), cmp_mirror);
}

/* ---------------------------------------------------------------- one object */

static int edit_field(struct step_ctx *cx, const struct rreplace_text *t, enum resource_kind kind, cJSON *o,
		      const char *field, int is_title, const struct mirror *mir, struct err *err)
{
	const char *text = step_str(o, field);
	char what[200], note[64], idb[32], *out;
	size_t outlen, len;
	long n;

	if (!text)
		return 0;   /* null or absent: nothing to replace */
	len = strlen(text);
	obj_what(cx, kind, o, field, what, sizeof(what));
	if (step_substitute(t->replace, t->nreplace, text, len, &out, &outlen, &n, what, err))
		return -1;
	if (!out)
		return 0;
	if (outlen == len && !memcmp(out, text, len)) {
		free(out);   /* replaced by the same text: no change, and nothing to skip */
		return 0;
	}
	if (mir) {
		step_skip(cx, kind, o, field, "Canvas keeps this the same as %s '%s' (%s), which this step edits "
			  "instead", resource_get(mir->kind)->name, step_name(mir->kind, mir->obj),
			  step_id(mir->kind, mir->obj, idb));
		free(out);
		return 0;
	}
	if (is_title && !outlen) {
		step_skip(cx, kind, o, field, "the replacements would leave the %s empty, and Canvas requires one",
			  field);
		free(out);
		return 0;
	}
	snprintf(note, sizeof(note), "%ld match%s", n, n == 1 ? "" : "es");
	step_set(cx, kind, o, field, step_string_take(out), note);
	return 0;
}

static int edit_object(struct step_ctx *cx, const struct rreplace_text *t, const struct kind *k, cJSON *o,
		       const struct mirror *mir, struct err *err)
{
	if ((t->fields & RTEXT_FIELD_BODY) && edit_field(cx, t, k->kind, o, k->body, 0, mir, err))
		return -1;
	if ((t->fields & RTEXT_FIELD_TITLE) && k->title && edit_field(cx, t, k->kind, o, k->title, 1, mir, err))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- the step */

int step_replace_text(struct step_ctx *cx, const void *model, struct err *err)
{
	const struct rreplace_text *t = model;
	struct filter f;
	struct mirrors m = { NULL, 0, 0 };
	size_t i;
	int rc = 0;

	filter_init(&f, t->where);
	if (t->in & RTEXT_ASSIGNMENTS) {
		if (((t->in & RTEXT_QUIZZES) && collect_mirrors(cx, &f, RES_QUIZ, &m, err)) ||
		    ((t->in & RTEXT_DISCUSSIONS) && collect_mirrors(cx, &f, RES_DISCUSSION_TOPIC, &m, err))) {
			rc = -1;
			goto done;
		}
		if (m.n)
			qsort(m.v, m.n, sizeof(*m.v), cmp_mirror);
	}
	for (i = 0; i < NKINDS; i++) {
		const struct kind *k = &kinds[i];
		cJSON *o;

		if (!(t->in & k->bit))
			continue;
		if (k->kind == RES_COURSE) {
			int sel = selected(cx, &f, RES_COURSE, cx->course, err);

			cx->matched += sel > 0;
			if (sel < 0 || (sel && edit_object(cx, t, k, cx->course, NULL, err))) {
				rc = -1;
				goto done;
			}
			continue;
		}
		cJSON_ArrayForEach(o, step_list(cx, k->kind)) {
			int sel = selected(cx, &f, k->kind, o, err);
			const struct mirror *mir = k->kind == RES_ASSIGNMENT ? find_mirror(&m, o) : NULL;

			cx->matched += sel > 0;
			if (sel < 0 || (sel && edit_object(cx, t, k, o, mir, err))) {
				rc = -1;
				goto done;
			}
		}
	}
done:
	free(m.v);
	filter_release(&f);
	return rc;
}
