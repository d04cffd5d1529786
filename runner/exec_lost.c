/* runner/exec_lost.c -- apply's create look-up: a create's object already in Canvas, and creates
 * whose answer was lost -- how long to keep looking for them, the look-up during a run, and the
 * look-up that `apply --resume` and `rollback` run before they plan (include/exec.h,
 * exec_find_lost_creates; issue 13, cases 2 and 3).
 *
 * A POST is not idempotent (API.md 12): when its answer is lost -- the client gave up at --timeout,
 * or the connection died before an answer -- Canvas may still be working on it. Canvas saves a new
 * object inside the request and takes no idempotency key: canvas-lms
 * app/controllers/context_module_items_api_controller.rb, ContextModuleItemsApiController#create,
 * adds the item (@module.add_item) in a ContextModule.transaction and only then renders it; nothing
 * there asks whether the client is still connected. So the object appears in its list when the
 * request ends, which can be seconds after the client stopped
 * waiting. Looking once at once, as the engine did, finds nothing, and a second POST then makes a
 * duplicate (canvas-sim's `delay` script reproduces it: 5 of 11 runs).
 *
 * The window (exec_lost_window): after a lost answer, keep looking for the object for 1.5 times as
 * long as the request had been outstanding, plus one second. A request that timed out had been
 * outstanding for --timeout, so the look lasts longer than the request timeout: Canvas, which had
 * it that long without answering, gets as long again and half more to finish. A connection that
 * dropped at once gets about a second (nothing suggests Canvas is busy with it). Looks are spaced by
 * exec_lost_delay: 0.25 s doubling to 4 s, so an object that lands early is found early. Only when
 * the window has passed with the object absent is the POST sent again (exec_check_post); a POST that was
 * sent again while an earlier one may still land is reported as a possible duplicate.
 *
 * The look-up during a run (exec_check_post). A POST answered 5xx or not at all may have created
 * its object (API.md 12: POST is not idempotent, and the engine never retries one): its list is
 * read and the object looked for; found, it is the result. A lost answer (no response, or a 504)
 * means Canvas may still be making it: the list is read again with backoff for longer than the
 * request was outstanding (the window above), and only an object still absent then is POSTed
 * again (POST_TRIES POSTs in all), else the change stays in doubt for resume. A POST sent again
 * after a lost answer can still meet the first one landing later: the final re-read counts the
 * matching objects, and either way the change is reported ("a duplicate: ... ids", or "a
 * duplicate may still appear") with its id and counted in res->doubts, so apply exits non-zero
 * (exec_report_duplicates, exec_verify.c). Two matches seen during the look-up are named and left
 * in doubt, never deleted by us. exec_find_existing finds a create's object in the stale check's
 * live copy, for the stale check (exec_stale.c) and that final count.
 * How it talks to the others: exec_object.c hands a POST without a clear answer to
 * exec_check_post, which ends in exec_created (found), exec_send_object (sent again) or an outcome
 * that leaves the change in doubt (exec_outcome, exec.c).
 *
 * The look-up before a resume or a rollback (exec_find_lost_creates): a create whose journal has
 * an intent and no outcome (the run died between the POST and its answer) is the evidence that our
 * own POST may have made an object. Its list is read and objects matched as the stale check matches
 * them (exec_create_matches: kind and name; a module item by module, type and content). One match:
 * it is the create's result (its id goes into the log, so resume finishes it and rollback deletes
 * it -- the delete's stale check still requires it to hold what we created). None, and the intent is
 * older than the window (counted with the configured --timeout): the POST never made anything.
 * None while it is younger: look again until it is not. More than one, or a list that cannot be
 * read: we cannot tell; the change stays unresolved and the caller says so (exit non-zero).
 *
 * Rejected: retrying a POST that got no answer at once (a duplicate object: the look-up with
 * backoff instead); a fixed sleep before every resend (slow when the object lands at once, and
 * still a guess when it does not); never resending after a lost answer (a POST that never reached
 * Canvas would leave every such create to a resume); deleting a duplicate by ourselves (either of
 * two matching objects may be the one the teacher already edited: we name both instead).
 */
#include "exec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dates.h"
#include "exec_internal.h"
#include "exec_run.h"
#include "jsonid.h"
#include "msg.h"
#include "resource.h"
#include "scanfields.h"
#include "xalloc.h"

double exec_lost_window(double outstanding_s)
{
	if (outstanding_s < 0)
		outstanding_s = 0;
	return 1.5 * outstanding_s + 1.0;
}

double exec_lost_delay(int looks)
{
	double d = 0.25;
	int i;

	if (looks <= 0)
		return 0;
	for (i = 1; i < looks && d < 4.0; i++)
		d *= 2;
	return d > 4.0 ? 4.0 : d;
}

double exec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int field_eq(const cJSON *a, const cJSON *b, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, k), *y = cJSON_GetObjectItemCaseSensitive(b, k);
	char b1[32], b2[32];
	const char *s = jsonid_text(x, b1), *t = jsonid_text(y, b2);

	if (!x && !y)
		return 1;
	return s && t && !strcmp(s, t);
}

int exec_create_matches(enum resource_kind kind, const cJSON *after, const cJSON *o)
{
	const struct resource *res = resource_get(kind);
	const char *nf = res->name_field;
	const char *const *k;

	if (res->same_create)
		return res->same_create(after, o);
	if (!str_of(after, nf) || !str_of(o, nf) || strcmp(str_of(after, nf), str_of(o, nf)))
		return 0;
	for (k = res->create_key; k && *k; k++)
		if (!field_eq(after, o, *k))
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- the look-up of a journal */

struct lost {
	struct canvas *cv;
	struct journal_log *l;
	size_t i;                 /* the change */
	char *path;               /* its list */
	double age;               /* seconds since its intent when the look-up began (-1: unknown) */
	double window;
	double waited;
	int looks;
	int done;                 /* 1 found or absent for good, 2 cannot tell */
	char *why;                /* done == 2: why (malloced) */
};

static void look(struct lost *k);

static void on_look(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct lost *k = ud;
	const struct plan_change *c = &k->l->plan->changes[k->i];
	const cJSON *o;
	char b[32], ids[256] = "";
	const char *id;
	int n = 0;

	(void)cv;
	if (err->code) {
		k->done = 2;
		k->why = xasprintf("its list cannot be read (%s)", err->msg);
		cJSON_Delete(json);
		return;
	}
	cJSON_ArrayForEach(o, json) {
		if (!exec_create_matches(c->kind, c->after, o))
			continue;
		id = object_id(c->kind, o, b);
		if (!id)
			continue;
		n++;
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s", n > 1 ? ", " : "", id);
	}
	cJSON_Delete(json);
	if (n == 1) {
		k->done = 1;
		free(k->l->new_id[k->i]);
		k->l->new_id[k->i] = xstrdup(ids);
		notef("course %s, %s '%.80s': found id %s, which the interrupted run's POST (change %ld) made",
		      c->course_id, plan_kind_name(c->kind), c->name ? c->name : "", ids, c->seq);
		return;
	}
	if (n > 1) {
		k->done = 2;
		k->why = xasprintf("Canvas holds %d that match it (ids %s): coursectl cannot tell which one its POST "
				   "made", n, ids);
		return;
	}
	if (k->age >= 0 && k->age + k->waited >= k->window) {
		k->done = 1;   /* absent for longer than Canvas could still be making it: never made */
		k->l->state[k->i] = JOURNAL_NONE;
		notef("course %s, %s '%.80s': not in Canvas; the interrupted run's POST (change %ld) made nothing",
		      c->course_id, plan_kind_name(c->kind), c->name ? c->name : "", c->seq);
		return;
	}
	if (k->age < 0) {
		k->done = 2;
		k->why = xstrdup("it is not in Canvas, but the journal does not say when its POST left, so it may "
				 "still appear");
		return;
	}
	look(k);
}

static void look(struct lost *k)
{
	double d = exec_lost_delay(k->looks);

	if (k->age + k->waited + d > k->window)
		d = k->window - k->age - k->waited;
	if (d < 0)
		d = 0;
	k->waited += d;
	k->looks++;
	if (d > 0) {
		/* canvas_list has no delayed form: sleep here (the look-ups run one after another) */
		struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };

		nanosleep(&ts, NULL);
	}
	canvas_list(k->cv, k->path, "the list a lost create goes into", on_look, k);
}

/* Seconds since an "at" time of the journal ("2026-11-27T23:59:59.123Z"), or -1. */
static double age_of(const char *at)
{
	struct tm tm;
	struct timespec now;
	double frac = 0;
	int *const f[] = { &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec };
	int n;

	if (!at)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((n = scan_fields(at, "4-2-2T2:2:2", f, 6)) < 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (at[n] == '.')
		frac = strtod(at + n, NULL);
	clock_gettime(CLOCK_REALTIME, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9 - ((double)timegm(&tm) + frac);
}

/* The list a create of change i goes into, or NULL (its module was a create we could not find). */
static char *list_of(const struct journal_log *l, size_t i)
{
	const struct plan_change *c = &l->plan->changes[i];
	const struct resource *res = resource_get(c->kind);
	char b[32];
	const char *m;
	size_t k;

	if (res->moves) {
		/* under the parent its fields name, which may be a create of the journal's plan */
		m = object_parent(c->kind, c->after, b);
		if (m && !strncmp(m, "new:", 4)) {
			for (k = 0; k < l->plan->nchanges; k++)
				if (l->plan->changes[k].op == PLAN_CREATE && !strcmp(l->plan->changes[k].id, m) &&
				    !strcmp(l->plan->changes[k].course_id, c->course_id))
					break;
			m = k < l->plan->nchanges ? l->new_id[k] : NULL;
		}
		return m ? resource_path(res->path.lookup, c->course_id, m, NULL) : NULL;
	}
	if (res->parent_field)
		return NULL;   /* a child not named under its parent (an override): not looked for */
	return resource_path(res->path.lookup, c->course_id, NULL, NULL);
}

int exec_find_lost_creates(struct canvas *cv, struct journal_log *l, double timeout_s, char ***unresolved,
			   size_t *nunresolved, struct err *err)
{
	const struct plan *p = l->plan;
	struct lost *ks = xcalloc(p->nchanges ? p->nchanges : 1, sizeof(*ks));
	size_t i, n = 0, pass;
	int rc = 0;

	*unresolved = NULL;
	*nunresolved = 0;
	/* modules first: an item's list is its module, which may be a lost create itself */
	for (pass = 0; pass < 2 && !rc; pass++) {
		size_t first = n;

		for (i = 0; i < p->nchanges; i++) {
			const struct plan_change *c = &p->changes[i];
			struct lost *k;

			if (c->op != PLAN_CREATE || l->state[i] != JOURNAL_INTENT || l->new_id[i] ||
			    resource_get(c->kind)->moves != (pass == 1))
				continue;
			k = &ks[n++];
			k->cv = cv;
			k->l = l;
			k->i = i;
			k->age = age_of(l->intent_at ? l->intent_at[i] : NULL);
			k->window = exec_lost_window(timeout_s);
			k->path = list_of(l, i);
			if (!k->path) {
				k->done = 2;
				k->why = resource_get(c->kind)->moves
					 ? xasprintf("its %s is a create whose id is not known either",
						     resource_get(resource_get(c->kind)->parent_kind)->name)
					 : xstrdup("Canvas has no list to look for it in");
			}
		}
		for (i = first; i < n; i++) {
			if (ks[i].done)
				continue;
			/* one at a time: look() may sleep between looks of one create */
			ks[i].looks = 1;
			canvas_list(cv, ks[i].path, "the list a lost create goes into", on_look, &ks[i]);
			if ((rc = canvas_run(cv, err)))
				break;
		}
	}
	for (i = 0; i < n; i++) {
		const struct plan_change *c = &p->changes[ks[i].i];

		if (!rc && ks[i].done == 2) {
			*unresolved = xrealloc(*unresolved, (*nunresolved + 1) * sizeof(**unresolved));
			(*unresolved)[(*nunresolved)++] = xasprintf("course %s, %s '%.80s' (change %ld, a create whose "
								   "answer was lost): %s", c->course_id,
								   plan_kind_name(c->kind), c->name ? c->name : "",
								   c->seq, ks[i].why);
		}
		free(ks[i].why);
		free(ks[i].path);
	}
	free(ks);
	return rc;
}

/* ---------------------------------------------------------------- during a run */

#define POST_TRIES 3          /* looks for an object whose POST got no clear answer, each then POSTed again */

/* The live object a create would make, or NULL. Looks in the course's list (items: in the
 * module, resolved), skipping objects already taken by another create of this run. *count: how
 * many match; ids: their ids, ", "-separated (may be NULL). */
cJSON *exec_find_existing(struct exec *x, struct xobj *ob, struct strmap *taken, int *count, struct buf *ids)
{
	const struct plan_change *c = ob->c0;
	const cJSON *after = c->after;
	cJSON *course, *list = NULL, *o, *found = NULL;
	char ib[32], pb[32];
	int nfound = 0;

	{
		char *k = exec_okey(c->course_id, resource_course()->kind, c->course_id);

		course = strmap_get(&x->live, k);
		free(k);
	}
	*count = 0;
	if (!course)
		return NULL;
	if (resource_get(c->kind)->moves) {
		enum resource_kind pk = resource_get(c->kind)->parent_kind;
		const char *m = object_parent(c->kind, after, pb), *rm = m ? exec_resolve(x, c->course_id, m) : NULL;
		char *k;
		cJSON *mod;

		if (!rm)
			return NULL;   /* its module is new: nothing can be in it yet */
		k = exec_okey(c->course_id, pk, rm);
		mod = strmap_get(&x->live, k);
		free(k);
		list = object_children(pk, mod);
	} else if (resource_get(c->kind)->listed) {
		list = cJSON_GetObjectItemCaseSensitive(course, resource_get(c->kind)->seed_key);
	}
	cJSON_ArrayForEach(o, list) {
		const char *id = object_id(c->kind, o, ib);
		char *k;
		int t;

		if (!id || !exec_create_matches(c->kind, after, o))
			continue;
		k = exec_okey(c->course_id, c->kind, id);
		t = strmap_get(taken, k) != NULL;
		free(k);
		if (t)
			continue;
		found = o;
		nfound++;
		if (ids)
			buf_printf(ids, "%s%s", nfound > 1 ? ", " : "", id);
	}
	*count = nfound;
	return nfound == 1 ? found : NULL;
}

/* The list a created object appears in (to look for it after a POST without an answer). */
static char *container_path(const struct unit *u)
{
	const struct plan_change *c = u->obj->c0;
	const struct resource *res = resource_get(c->kind);
	const char *parent = res->moves ? exec_item_parent(u) :
			     res->parent_field ? exec_resolve(u->x, c->course_id, c->parent) : NULL;

	return resource_path(res->path.lookup, c->course_id, parent, NULL);
}

static void on_post_check(struct canvas *cv, cJSON *json, const struct err *err, void *ud);
static void on_post_check_page(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* A POST without a clear answer (no response, or a 5xx: the object may exist, API.md 12): look for
 * it in its list -- at once, and after a lost answer (no response, a 504) again with backoff until
 * u->window has passed, as Canvas may still be making it (exec_lost.c); found, it is the create's
 * result; absent after the window, POST again (POST_TRIES POSTs in all); a list that cannot be
 * read, or the tries used up, leaves the change in doubt for resume. */
void exec_check_post(struct unit *u, const struct err *err)
{
	char *path = container_path(u), *what;
	size_t i;
	double d;

	if (!path || (u->posts >= POST_TRIES && u->looked >= u->window)) {
		char *r = xasprintf("no clear answer to the POST (%s), so the object may or may not exist; run "
				    "`coursectl apply --resume %s` to find out and finish", err->msg,
				    journal_path(u->x->o->journal));

		for (i = 0; i < u->nch; i++)
			exec_outcome(u->x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
		free(r);
		free(path);
		exec_unit_finish_async(u);
		return;
	}
	d = exec_lost_delay(u->looks);
	if (u->looked + d > u->window)
		d = u->window - u->looked;
	if (d < 0)
		d = 0;
	u->looked += d;
	u->looks++;
	what = xasprintf("the list a new %s of course %s goes into", plan_kind_name(u->obj->c0->kind),
			 u->obj->c0->course_id);
	if (d > 0) {
		/* a delayed first page (canvas_list has no delayed form); a full page: the whole list */
		char *p1 = xasprintf("%s%sper_page=100", path, strchr(path, '?') ? "&" : "?");

		canvas_send_later(u->x->cv, d, "GET", p1, NULL, 0, what, on_post_check_page, u);
		free(p1);
	} else {
		canvas_list(u->x->cv, path, what, on_post_check, u);
	}
	free(path);
	free(what);
}

static void on_post_check_page(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;

	(void)status;
	if (!err->code && cJSON_GetArraySize(json) >= 100) {
		char *path = container_path(u);

		cJSON_Delete(json);
		canvas_list(cv, path, "the list a new object goes into", on_post_check, u);
		free(path);
		return;
	}
	on_post_check(cv, json, err, ud);
}

static void on_post_check(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	const struct plan_change *c = u->obj->c0;
	cJSON *o, *found = NULL;
	struct buf ids = BUF_INIT;
	char b[32];
	int n = 0;

	(void)cv;
	if (err->code == ERR_AUTH || (err->code && u->x->stopped)) {
		exec_unit_finish_async(u);   /* stays intent */
		return;
	}
	if (err->code) {
		u->posts = POST_TRIES;
		u->looked = u->window;
		exec_check_post(u, err);
		return;
	}
	cJSON_ArrayForEach(o, json)
		if (exec_create_matches(c->kind, c->after, o)) {
			const char *id = object_id(c->kind, o, b);

			found = o;
			n++;
			buf_printf(&ids, "%s%s", n > 1 ? ", " : "", id ? id : "?");
		}
	if (n == 1) {
		buf_release(&ids);
		if (u->lost >= 2)
			u->x->flags[u->ch[0]] |= X_DUP_RISK;   /* found one; another lost POST may still land */
		found = cJSON_DetachItemViaPointer(json, found);
		cJSON_Delete(json);
		exec_created(u, found);
		return;
	}
	cJSON_Delete(json);
	if (n > 1) {
		/* a duplicate, seen: name them, delete none (any may be the one someone edits now) */
		char *r = xasprintf("a duplicate: Canvas now holds %d objects that match it (ids %s), made by the %d "
				    "POSTs sent after answers were lost; delete all but one, then run `coursectl apply "
				    "--resume %s`", n, ids.ptr, u->posts, journal_path(u->x->o->journal));
		size_t i;

		for (i = 0; i < u->nch; i++)
			exec_outcome(u->x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
		free(r);
		buf_release(&ids);
		exec_unit_finish_async(u);
		return;
	}
	buf_release(&ids);
	if (u->looked < u->window || u->posts >= POST_TRIES) {
		exec_check_post(u, &u->post_err);   /* Canvas may still be making it: look again (or give up) */
		return;
	}
	exec_send_object(u, 1);   /* not there after the window: the POST did not land; again */
}
