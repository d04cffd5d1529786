/* runner/exec_stale.c -- apply's stale check (exec.c's step 2): before anything is written, every
 * change of the plan is compared with Canvas as it is now, and gets a verdict: write it, done
 * without writing, or a conflict.
 *
 * API.md 12: Canvas has no optimistic locking, so the client must look before it writes. The live
 * copy is one snapshot_fetch of the kinds the plan touches, for its courses (exec_fetch_live,
 * exec.c) -- the same list calls `plan` made, a few requests per course instead of one GET per
 * object. A course that cannot be read fails its changes ("not written") and the others go on
 * (issue 8); the final re-read skips it. Per change:
 *   update/move  live == after: done without writing (a re-run, a resumed run);
 *                live == before: written; anything else: a conflict. A position is never a
 *                conflict: Canvas renumbers siblings whenever one moves, is created or is
 *                deleted (acts_as_list), so a shifted position is no sign of someone's edit.
 *                The position of an item still to be moved is its place in the old module,
 *                so it is written with the move even when the number equals `after`
 *                (moving_elsewhere);
 *   delete       gone already: done; else every scalar field of `before` (but timestamps and
 *                position) must match, or it is a conflict;
 *   create       an object that is already there -- same kind and name, for a module item
 *                the same module, type and content (exec_create_matches) -- is someone
 *                else's on a fresh apply: a conflict, even with --force, whose message names
 *                it and says to plan again (a recipe that ensures it then plans an update with
 *                a recorded `before`; issue 13: a saved plan's create took over a teacher's
 *                page, blanked it, and rollback deleted it). It is taken as the create's
 *                result only on a resume, and only with evidence that our own POST may have
 *                made it: an intent of this create without an outcome, or the id an outcome
 *                recorded (two matches: a conflict, we cannot tell which). The adopted
 *                object is journaled as it is (journal_adopted) before anything touches it;
 *                then it is done, or updated where its fields differ. POST is not idempotent
 *                (API.md 12): this is what makes resume after a crash between POST and answer
 *                harmless.
 * An object with a conflict is skipped as a whole (its other changes: conflict too, "not
 * written"; res->why says which is which, res->live holds Canvas's value, for apply's grouped
 * report) unless --force; with --force the plan's values are written over whatever is there.
 * An object that no longer exists is a conflict even with --force (there is nothing to write).
 *
 * The plan's reads as the stale check (issue 18). apply RECIPE plans and then writes in one run;
 * reading every list again right after the plan read it only measures the seconds in between.
 * plan_make keeps the courses as read, before the steps change them (include/plan_reads.h), and
 * exec_stale_reuse hands them to the live copy instead of reading them, course by course, when
 * its reads are "moments" old: at most EXEC_FRESH_S (30 s) between the start of the plan's reads
 * of that course's batch and the start of the stale check. Only with --yes (cmd_apply.c passes no
 * reads after a prompt: while a person reads the plan, a teacher may edit, however quick the
 * answer); then the age is the planning time (a batch of 50 courses at a time, plan_build.c), and a
 * course whose reads are older (a plan of thousands of courses paced by the bucket) is read again,
 * as a saved plan's always is. 30 s is the order of the window every stale check has anyway, between its own
 * read and the write (apply reads every course of the run before its first write). A page whose
 * Assign To dates the plan did not read (a recipe that moves page dates without their overrides)
 * is read again with its course. A saved plan, a resume and a rollback read every list once, here.
 * Rejected: an age limit for the whole plan (the first batch of 2,000 courses is older than the
 * last); keeping every object of a course (only the lists its changes touch are kept).
 *
 * How it talks to the others: exec_plan_units (exec_order.c) calls exec_check_change once per
 * change of an object whose live copy exec.c has indexed, and turns the verdicts into outcomes
 * and units; a create's object is looked for with exec_find_existing (exec_lost.c). The only
 * thing recorded here is an adoption (journal_adopted, and the object's adopted id and adopt_fix).
 *
 * Rejected: a GET per object before each PUT (N+1 reads; the list calls are the same data);
 * adopting a same-named object on a fresh apply (it is someone else's: issue 13).
 */
#include "exec_run.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec_internal.h"
#include "journal.h"
#include "jsonid.h"
#include "msg.h"
#include "plan_reads.h"
#include "resource.h"
#include "strmap.h"
#include "xalloc.h"

/* Fields excluded from the delete stale check: Canvas changes them by itself. */
static int volatile_field(const char *f)
{
	static const char *const v[] = { "updated_at", "created_at", "position", "url", "last_edited_by",
					 "publish_warning", "items_count", "page_id" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(v[i], f))
			return 1;
	return 0;
}

/* The first scalar field of `before` the live object shows otherwise; NULL when none. */
static const char *delete_differs(const struct exec *x, const struct xobj *ob, const cJSON *before)
{
	const cJSON *f, *g;

	cJSON_ArrayForEach(f, before) {
		if (cJSON_IsObject(f) || cJSON_IsArray(f) || volatile_field(f->string))
			continue;
		g = cJSON_GetObjectItemCaseSensitive(ob->live, f->string);
		if (!g)
			continue;   /* not in the list output: nothing to compare */
		if (!exec_same(x, ob->c0->kind, f->string, f, g))
			return f->string;
	}
	return NULL;
}

/* 1 when c is the position of a module item that this run still moves to another module: the number
 * it has now is its place in the old module, not yet the planned place in the new one, so the
 * position goes into the move's PUT (without it Canvas puts the item last). */
static int moving_elsewhere(const struct exec *x, const struct xobj *ob, const struct plan_change *c)
{
	const char *pf = resource_get(c->kind)->parent_field;
	size_t k;

	if (!resource_get(c->kind)->moves || !c->field || strcmp(c->field, "position") || !ob->live_parent[0])
		return 0;
	for (k = 0; k < ob->nch; k++) {
		const struct plan_change *m = exec_chg(x, ob->ch[k]);
		const char *miss = NULL, *t;
		cJSON *to;
		char b[32];
		int other;

		if (m->op != PLAN_MOVE || !m->field || strcmp(m->field, pf))
			continue;
		to = exec_resolve_value(x, m->course_id, m->after, &miss);
		t = to ? jsonid_text(to, b) : NULL;
		other = !t || strcmp(t, ob->live_parent);
		cJSON_Delete(to);
		return other;
	}
	return 0;
}

/* The stale check of one change (see the design comment). *why: a reason for V_CONFLICT/V_FAIL. */
enum verdict exec_check_change(struct exec *x, struct xobj *ob, size_t i, char **why, struct strmap *taken)
{
	const struct plan_change *c = exec_chg(x, i);
	const cJSON *got;
	cJSON *tmp = NULL, *want = NULL;
	const char *miss = NULL;
	enum verdict v;

	*why = NULL;
	if (c->op == PLAN_CREATE) {
		cJSON *o = NULL;
		char b[32];
		const cJSON *f;
		struct err e = ERR_INIT;
		const char *new_id = intmap_get(&x->res->new_id, i);

		if (new_id) {
			/* resume: the journal knows the id this create got */
			char *k = exec_okey(c->course_id, c->kind, new_id);

			o = strmap_get(&x->live, k);
			free(k);
			if (!o) {
				free(intmap_put(&x->res->new_id, i, NULL));   /* deleted since: made again */
			}
		}
		if (!o) {
			struct buf ids = BUF_INIT;
			int n;

			o = exec_find_existing(x, ob, taken, &n, &ids);
			if (!n) {
				buf_release(&ids);
				return V_WRITE;
			}
			if (!x->o->prior || x->o->prior[i] != JOURNAL_INTENT) {
				/* not ours: no POST of this create may have made it (issue 13) */
				*why = xasprintf("Canvas already has %s %s '%.80s' (id %s) that this run did not make: "
						 "not taken over, not even with --force. Make a new plan: where the recipe "
						 "ensures it (modules ensure:, pages create: true), the plan then updates "
						 "the existing one, with its current values as `before`",
						 n == 1 ? "a" : "more than one", plan_kind_name(c->kind),
						 c->name ? c->name : "", ids.ptr);
				ob->clash = o;
				buf_release(&ids);
				return V_CONFLICT;
			}
			if (n > 1) {
				*why = xasprintf("the journal says this create's POST may have reached Canvas, and Canvas "
						 "holds %d objects that match it (ids %s): coursectl cannot tell which one "
						 "is its own; delete the one that is not and resume again", n, ids.ptr);
				buf_release(&ids);
				return V_CONFLICT;
			}
			buf_release(&ids);
		}
		ob->adopted = xstrdup(object_id(c->kind, o, b));
		if (!intmap_get(&x->res->new_id, i))
			intmap_put(&x->res->new_id, i, xstrdup(ob->adopted));
		strmap_put_take(taken, exec_okey(c->course_id, c->kind, ob->adopted), o);
		/* the object as it is, on disk before anything touches it (journal-format.md "adopted") */
		if (journal_adopted(x->o->journal, c->seq, ob->adopted, o, &e))
			exec_stop(x, &e);
		ob->live = o;
		exec_live_parent(x, ob);
		ob->adopt_fix = cJSON_CreateObject();
		cJSON_ArrayForEach(f, c->after) {
			cJSON *rv;

			/* what Canvas makes (a page's url) and the parent the path already names */
			if (exec_is_derived_field(c->kind, f->string) ||
			    (resource_get(c->kind)->moves && !strcmp(f->string, resource_get(c->kind)->parent_field)))
				continue;
			rv = exec_resolve_value(x, c->course_id, f, &miss);
			if (rv && !exec_same(x, c->kind, f->string, rv, cJSON_GetObjectItemCaseSensitive(o, f->string)) &&
			    exec_param_name(c->kind, f->string, 0))
				cJSON_AddItemToObject(ob->adopt_fix, f->string, cJSON_Duplicate(f, 1));
			cJSON_Delete(rv);
		}
		if (!ob->adopt_fix->child)
			return V_DONE;
		return V_WRITE;
	}
	if (c->op == PLAN_DELETE) {
		const char *f;

		if (!ob->live)
			return V_DONE;
		f = delete_differs(x, ob, c->before);
		if (f) {
			*why = xasprintf("changed in Canvas since the plan (%s differs)", f);
			return V_CONFLICT;
		}
		return V_WRITE;
	}
	if (!ob->live) {
		*why = xstrdup("it is no longer in Canvas");
		return V_CONFLICT;
	}
	got = exec_live_field(ob, c->field, &tmp);
	want = exec_resolve_value(x, c->course_id, c->after, &miss);
	if (want && exec_same(x, c->kind, c->field, want, got) && !moving_elsewhere(x, ob, c))
		v = V_DONE;
	else if (exec_same(x, c->kind, c->field, c->before, got) || !strcmp(c->field, "position") ||
		 (x->o->prior_stored && x->o->prior_stored[i] && exec_same(x, c->kind, c->field, x->o->prior_stored[i], got)))
		v = V_WRITE;   /* (the last: what our own failed write left, resume only) */
	else {
		char *g = exec_brief(got), *b = exec_brief(c->before);

		*why = xasprintf("changed in Canvas since the plan: it is %s, the plan expected %s", g, b);
		free(g);
		free(b);
		v = V_CONFLICT;
	}
	cJSON_Delete(want);
	cJSON_Delete(tmp);
	return v;
}

/* ---------------------------------------------------------------- the plan's reads as the stale check */

/* How old the plan's reads of a course may be and still stand for the stale check (see the design
 * comment). COURSECTL_FRESH_S lowers it (only lowers: a test needs no 30-second prompt). */
#define EXEC_FRESH_S 30.0

static double fresh_limit(void)
{
	const char *env = getenv("COURSECTL_FRESH_S");
	char *end;
	double v;

	if (!env)
		return EXEC_FRESH_S;
	v = strtod(env, &end);
	return end != env && !*end && v >= 0 && v < EXEC_FRESH_S ? v : EXEC_FRESH_S;
}

cJSON *exec_stale_reuse(struct exec *x, char **ids, int *n, const struct strmap *more)
{
	struct plan_reads *rd = x->o->reads;
	struct strmap dated = STRMAP_INIT;   /* courses with an object whose live_more read is wanted */
	cJSON *out;
	double now, limit = fresh_limit();
	size_t i;
	int k, m = 0, stale = 0;

	if (!rd || x->snap_reread)
		return NULL;
	for (i = 0; i < more->cap; i++)
		if (more->keys[i]) {
			const char *sep = strchr(more->keys[i], '\x1f');
			char *cid = xasprintf("%.*s", (int)(sep ? (size_t)(sep - more->keys[i]) : strlen(more->keys[i])),
					      more->keys[i]);

			if (strmap_get(&dated, cid))
				free(cid);
			else
				strmap_put_take(&dated, cid, (void *)1);
		}
	out = cJSON_CreateArray();
	now = plan_reads_now();
	for (k = 0; k < *n; k++) {
		const struct plan_read *pr = plan_reads_get(rd, x->p, ids[k]);
		cJSON *course;

		if (pr && !pr->taken && now - pr->read_at <= limit && (pr->page_dates || !strmap_get(&dated, ids[k])) &&
		    (course = plan_reads_take(rd, x->p, ids[k]))) {
			cJSON_AddItemToArray(out, course);
			continue;
		}
		stale += pr && !pr->taken && now - pr->read_at > limit;
		ids[m++] = ids[k];
	}
	if (cJSON_GetArraySize(out))
		verbosef("stale check: %d course%s as the plan read them moments ago, %d read again%s",
			 cJSON_GetArraySize(out), cJSON_GetArraySize(out) == 1 ? "" : "s", m,
			 stale ? " (their reads were older than the freshness limit)" : "");
	else if (stale)
		verbosef("stale check: the plan's reads are older than %.0f s: every course is read again", limit);
	*n = m;
	strmap_release(&dated);
	return out;
}

void exec_stale_merge(struct exec *x, cJSON *courses)
{
	cJSON *into, *c;

	if (!courses)
		return;
	if (!x->snap)
		x->snap = cJSON_CreateObject();
	into = cJSON_GetObjectItemCaseSensitive(x->snap, "courses");
	if (!into)
		into = cJSON_AddArrayToObject(x->snap, "courses");
	while ((c = courses->child))
		cJSON_AddItemToArray(into, cJSON_DetachItemViaPointer(courses, c));
	cJSON_Delete(courses);
}
