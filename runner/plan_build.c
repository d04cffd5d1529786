/* runner/plan_build.c -- a recipe run over the courses' snapshot: the steps, in order, per course.
 *
 * The table below maps a recipe action to its step function (runner/step_<action>.c) and to the
 * kinds it reads; recipe.c's table says how an action is parsed, this one how it is planned, so a
 * recipe module that knows nothing of plans stays that way. An action in the recipe table without
 * a row here is checked by `validate` but refused by `plan` with a message naming the step.
 *
 * Courses are planned one after the other, each step seeing the working copy the steps before it
 * left (step.h). A step that fails stops the plan: a half plan shown as whole would mislead.
 *
 * plan_make() is the whole of planning a recipe against Canvas -- the courses chosen, the lists
 * read, the steps run, the plan finished -- shared by `plan` and `apply RECIPE`, so that apply
 * shows and runs exactly the plan that `plan` would have printed.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canvas.h"
#include "msg.h"
#include "recipe.h"
#include "recipe_actions.h"
#include "snapshot.h"
#include "step.h"
#include "xalloc.h"

struct impl {
	const struct recipe_action *action;
	int (*run)(struct step_ctx *cx, const void *model, struct err *err);
	unsigned (*needs)(const void *model);
};

static int run_modules(struct step_ctx *cx, const void *m, struct err *err)
{
	return step_modules(cx, m, err);
}

static unsigned needs_modules(const void *m)
{
	return step_modules_needs(m);
}

static int run_pages(struct step_ctx *cx, const void *m, struct err *err)
{
	return step_pages(cx, m, err);
}

static unsigned needs_pages(const void *m)
{
	return step_pages_needs(m);
}

static int run_replace_text(struct step_ctx *cx, const void *m, struct err *err)
{
	return step_replace_text(cx, m, err);
}

static unsigned needs_replace_text(const void *m)
{
	return step_replace_text_needs(m);
}

static int run_shift_dates(struct step_ctx *cx, const void *m, struct err *err)
{
	return step_shift_dates(cx, m, err);
}

static unsigned needs_shift_dates(const void *m)
{
	return step_shift_dates_needs(m);
}

static const struct impl impls[] = {
	{ &recipe_action_shift_dates, run_shift_dates, needs_shift_dates },
	{ &recipe_action_modules, run_modules, needs_modules },
	{ &recipe_action_pages, run_pages, needs_pages },
	{ &recipe_action_replace_text, run_replace_text, needs_replace_text },
};

static const struct impl *impl_of(const struct step *st)
{
	size_t i;

	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if (impls[i].action == st->action)
			return &impls[i];
	return NULL;
}

int plan_needs(const struct recipe *r, unsigned *kinds, struct err *err)
{
	size_t i;

	*kinds = 1u << RES_COURSE;
	for (i = 0; i < r->nsteps; i++) {
		const struct step *st = &r->steps[i];
		const struct impl *im = impl_of(st);

		if (!im)
			return err_set(err, ERR_RECIPE,
				       "%s:%d:%d: step '%s': this version of coursectl cannot plan '%s' steps yet "
				       "(validate checks them; planning them comes with the date engine)",
				       st->pos.file, st->pos.line, st->pos.col, st->name, st->action->name);
		*kinds |= im->needs(st->data);
	}
	return 0;
}

int plan_run(struct plan *p, const struct recipe *r, cJSON *snapshot, char *const *given, struct err *err)
{
	cJSON *course;
	size_t i, k = 0;
	char idb[32];

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(snapshot, "courses")) {
		struct step_ctx cx;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(course, "id");

		if (!cJSON_IsNumber(id))
			return err_set(err, ERR_GENERIC, "course %s came back without a numeric id",
				       given ? given[k] : "?");
		snprintf(idb, sizeof(idb), "%.0f", id->valuedouble);
		plan_add_course(p, course, given ? given[k] : NULL);
		memset(&cx, 0, sizeof(cx));
		cx.plan = p;
		cx.course = course;
		cx.course_id = idb;
		cx.time_zone = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(course, "time_zone"));
		for (i = 0; i < r->nsteps; i++) {
			const struct step *st = &r->steps[i];
			const struct impl *im = impl_of(st);

			cx.step = st->name;
			if (!im)
				return err_set(err, ERR_RECIPE, "step '%s' cannot be planned", st->name);
			if (im->run(&cx, st->data, err))
				return err->code ? err->code : err_set(err, ERR_GENERIC, "step '%s' failed in course %s",
									  st->name, idb);
		}
		k++;
	}
	return 0;
}

int plan_course_ids(const struct recipe *r, char *const *only, size_t nonly, char ***ids, size_t *n,
		    struct err *err)
{
	size_t i, k;

	*n = 0;
	*ids = xcalloc(r->ncourses + nonly + 1, sizeof(**ids));
	if (!nonly) {
		for (i = 0; i < r->ncourses; i++)
			(*ids)[(*n)++] = r->courses[i].id;
		if (!*n)
			return err_set(err, ERR_USAGE, "%s lists no courses: give --course ID", r->path);
		return 0;
	}
	for (i = 0; i < nonly; i++) {
		for (k = 0; k < r->ncourses && strcmp(r->courses[k].id, only[i]); k++)
			;
		if (r->ncourses && k == r->ncourses)
			return err_set(err, ERR_USAGE, "course %s is not among the courses of %s (%s:%d:%d)", only[i],
				       r->path, r->path, r->courses[0].pos.line, r->courses[0].pos.col);
		for (k = 0; k < *n && strcmp((*ids)[k], only[i]); k++)
			;
		if (k == *n)
			(*ids)[(*n)++] = only[i];
	}
	return 0;
}

static double clock_s(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The current time in UTC as Canvas writes it; malloced. */
static char *utc_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	char b[32];

	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(b);
}

int plan_make(struct plan **out, struct canvas *cv, const struct recipe *r, char *const *ids, size_t n,
	      struct err *err)
{
	struct snapshot_stats st;
	const struct http_stats *hs;
	struct plan *p = NULL;
	cJSON *snap = NULL;
	unsigned kinds;
	double t0, t1, c1;
	int rc;

	if ((rc = plan_needs(r, &kinds, err)))
		return rc;
	t0 = clock_s(CLOCK_MONOTONIC);
	if ((rc = snapshot_fetch(&snap, cv, ids, (int)n, kinds, &st, err)))
		return rc;
	t1 = clock_s(CLOCK_MONOTONIC);
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	p = plan_new();
	p->recipe_path = xstrdup(r->path);
	p->recipe_sha256 = xstrdup(r->sha256);
	p->description = r->description ? xstrdup(r->description) : NULL;
	p->base_url = xstrdup(canvas_base_url(cv));
	p->created_at = utc_now();
	if ((rc = plan_run(p, r, snap, ids, err))) {
		plan_free(p);
		cJSON_Delete(snap);
		return rc;
	}
	plan_finish(p);
	hs = http_get_stats(canvas_http(cv));
	notef("plan: read %d course%s, %ld objects in %ld requests (%.1f s); planned in %.2f s (%.2f s CPU)",
	      st.courses, st.courses == 1 ? "" : "s", st.objects, hs->requests, t1 - t0,
	      clock_s(CLOCK_MONOTONIC) - t1, clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1);
	cJSON_Delete(snap);
	*out = p;
	return 0;
}
