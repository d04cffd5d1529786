/* runner/exec.c -- running a plan against Canvas (include/exec.h): the entry point (exec_run), the
 * run's state and the glue its phases share -- outcomes, the live copy, the ids the plan creates,
 * units and their end. The pure half (parameters, bodies, comparisons) is exec_write.c; the undo
 * plan is exec_inverse.c.
 *
 * Windows (issue 18, "flat memory"). The plan's courses run a window at a time: EXEC_WINDOW (200)
 * courses, or a tenth of the run's courses when that is more (EXEC_MAX_WINDOWS), in the order
 * their first change comes in the plan. Steps 1 to 4 below run for one window -- its objects, its
 * stale-check read, its units, its read-back and its final re-read -- and the window's live copy,
 * objects and units are freed before the next window starts. What stays for the whole run is
 * per change (res->state, error, new_id, why, live; x->flags) and the ids the plan's
 * creates got (news). Courses are independent in every phase (a chain, a bulk job, a "new:N" id,
 * a look-up are all within one course), so a window changes no request of a course, only when it
 * leaves: a plan of at most EXEC_WINDOW courses sends the same requests in the same order as
 * before windows. A stop (a 401, a journal error, SIGINT) ends the window it happens in and no
 * later window starts: their changes stay not started, and resume runs them.
 * Why 200, and why at most 10 windows: each window costs a barrier (its last Progress poll, its
 * final re-read) and CPU in malloc -- freeing a window's live copy and filling the heap again with
 * the next is slower than growing it (glibc: malloc_consolidate, unlink_chunk), and more so the
 * larger the heap the plan holds. Measured: at 2,000 courses windows of 50 took 25-45% more CPU
 * than one window, windows of 200 as much as one (12.6 s against 12.4 s; 75 MB of peak RSS
 * against 343 MB); at 10,000 courses windows of 200 took 101 s against 58 s before windows (281
 * MB against 1,674 MB), windows of 1,000 64 s (337 MB). So memory is bounded by a window of 200
 * courses up to 2,000 courses and grows with a tenth of the courses beyond -- not flat; a window's
 * cost that does not grow with the heap (an arena per window) would make it flat. The maps the
 * windows fill again (live, objmap) keep their tables (strmap_clear). COURSECTL_APPLY_WINDOW sets
 * the window for tests (t0925).
 * A spilled plan's windows are always EXEC_WINDOW courses: with the plan's changes out of the heap,
 * a window refills no fragmented heap (at 10,000 courses windows of 200 took 44.7 s of CPU and 53.5
 * MB, windows of 1,000 47.0 s and 177 MB), so the cap of 10 windows is for a plan read whole (a
 * saved plan, a journal's). A spilled plan (plan_make's of more than a window of courses:
 * include/plan.h "Windows") holds a window of changes at a time: run_spilled takes its windows --
 * the next window_size() courses with changes, in plan order -- makes each resident (plan_window),
 * registers its creates' ids and objects, runs it, counts it (count_range) and releases it;
 * exec_chg maps a plan-wide index to the resident p->changes[i - p->first]. What stays for the run
 * is per change and small (res->state; x->flags: written, dup_risk, unsent, inwin; 5 bytes), and for
 * the changes that have one an error, a create's new id, a conflict's kind and live value (maps on
 * the change's index, include/intmap.h: their arrays were 28 more bytes a change, 620 a course of
 * the scale benchmark, and the four flags 3 more), so apply's memory is a window's and grows
 * little with the plan (issue 18: 39.0 MB at 200 courses, 41.9 MB at 2,000, 53.5 MB at 10,000
 * before the sparse values). The end-of-run reports read the windows again only when they need
 * the changes: the conflict report (render_conflicts, only when there are conflicts) and --format
 * json's document; the counts (conflict_creates among them) are gathered per window. A spilled
 * plan is never a resumed journal's (those are read whole), so it has no prior states.
 * A run, in order; each phase is a file whose design comment says how it does its part:
 *   1. Objects (here, object_for). The plan's changes are grouped by object (course, kind, id).
 *      Changes a resumed journal already has as done are left out (their create ids are known:
 *      prior_ids).
 *   2. Stale check (exec_stale.c): one snapshot_fetch of the kinds the plan touches
 *      (exec_fetch_live, here) -- or, for apply RECIPE, the courses as its plan read them moments
 *      before (exec_stale_reuse) -- and a verdict per change -- write, done without writing, or a
 *      conflict. A create looks for its object first (exec_find_existing, exec_lost.c).
 *   3. Writes ("units"), the fewest requests (API.md 5.3, 9): one object's PUT, POST or DELETE
 *      (exec_object.c), a course's assignment and override dates in bulk_update jobs (exec_bulk.c),
 *      a POST without a clear answer looked for before it is sent again (exec_lost.c).
 *      Before a unit's request leaves, its changes' intents are journaled and fsync'ed
 *      (exec_journal_batch writes them, journal_intents_deferred; the engine's before_send hook
 *      makes them durable, journal_commit, before the next request is started: one fdatasync for
 *      the records of one turn of the event loop -- group commit, issue 18); its outcomes are
 *      journaled when the answer is read (exec_outcome).
 *   4. Read-back (exec_verify.c): the answer must show every new value, and when every write is
 *      answered the stale check's list calls run once more for what no answer proves (positions a
 *      later sibling moves, an object written twice, ...: exec_verify.c says which) and every
 *      value written there in this run must be there.
 *   5. Order and concurrency (exec_order.c): which unit each change goes in; independent units are
 *      all submitted at once and the engine's window (http.c) decides how many fly; what depends on
 *      order runs as one chain per course.
 *   Counting (count()): a done change is `written` when this run sent it (exec_journal_batch marks
 *   it), else `already` (the stale check found it at `after`, or a resumed journal had it done):
 *   apply's "Applied N changes" is what this run wrote (issue 16: a re-run that wrote nothing said
 *   "Applied 6 changes").
 *   6. Stop: a 401 token failure (ERR_AUTH from the engine) stops everything: nothing more is
 *      submitted, answers still in flight are read, and changes whose request may have left stay
 *      "intent" with no outcome -- resume checks them against the live value. A journal write
 *      error stops the run the same way (nothing may leave unjournaled), and so does SIGINT or
 *      SIGTERM (issue 16: the engine notices the signal, reads the answers in flight for a few
 *      seconds and abandons the rest; ERR_INTERRUPTED, exit 130). Interrupted during the stale
 *      check, nothing of that window is written; during the writes, exec_verify() is not run (the
 *      answers' read-back stands).
 * Resume: prior states from the journal; done changes are not redone, every other change goes
 * through the stale check again (so a failed or conflicting change is retried, and a change whose
 * request did land is found done). A live value that a failed write of this journal left (its
 * outcome's "live": Canvas stored it in another form) is ours, not a conflict: written again, so
 * its outcome stays a failure with the stored value, which rollback restores from.
 *
 * How the files talk: they share struct exec (the run), struct xobj (one object and its pending
 * changes) and struct unit (one request and its follow-ups) through runner/exec_run.h, which only
 * they include; functions one file lends another are prefixed exec_ and declared there. A change
 * gets its result only through exec_outcome (res and the journal); a unit ends through
 * exec_unit_finish_async (its object may close, its chain goes on) or, a bulk unit, exec_bulk_end.
 * Everything runs on the engine's one event loop (canvas_run): callbacks, no threads.
 *
 * Rejected: form-encoded bodies (JSON keeps null and true, and is the only way to send bulk_update).
 */
#include "exec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec_internal.h"
#include "exec_run.h"
#include "http.h"
#include "interrupt.h"
#include "jsonid.h"
#include "msg.h"
#include "resource.h"
#include "resource_fetch.h"
#include "snapshot.h"
#include "strmap.h"
#include "xalloc.h"


/* The key of an object: malloced. */
char *exec_okey(const char *course, enum resource_kind kind, const char *id)
{
	return xasprintf("%s\x1f%d\x1f%s", course, (int)kind, id);
}

/* ---------------------------------------------------------------- outcomes */

/* Change i (plan-wide) of the resident window: a spilled plan holds only the window's changes,
 * p->changes[0] being change p->first (include/plan.h "Windows"). */
const struct plan_change *exec_chg(const struct exec *x, size_t i)
{
	return &x->p->changes[i - x->p->first];
}

/* "course 4821, assignment 7101 'Lab 1', due_at" into b. */
static void describe(const struct exec *x, size_t i, struct buf *b)
{
	const struct plan_change *c = exec_chg(x, i);
	const char *id = c->id, *new_id = c->op == PLAN_CREATE ? intmap_get(&x->res->new_id, i) : NULL;

	if (new_id)
		id = new_id;
	buf_printf(b, "course %s, %s %s", c->course_id, plan_kind_name(c->kind), id);
	if (c->name && *c->name)
		buf_printf(b, " '%.80s'", c->name);
	if (c->field)
		buf_printf(b, ", %s", c->field);
	else
		buf_printf(b, " (%s)", plan_op_name(c->op));
}

/* SIGINT or SIGTERM stopped the engine (http.c, interrupt.h): the run's error, unless an earlier one
 * (a 401, a journal error) already is. Returns 1 when interrupted. */
static int interrupted(struct exec *x)
{
	int sig = http_interrupted(canvas_http(x->cv));

	if (!sig)
		return 0;
	x->stopped = 1;
	if (!x->fatal.code)
		err_set(&x->fatal, ERR_INTERRUPTED, "interrupted by %s", interrupt_name(sig));
	return 1;
}

void exec_stop(struct exec *x, const struct err *e)
{
	if (!x->fatal.code)
		x->fatal = *e;
	x->stopped = 1;
	http_stop(canvas_http(x->cv));
}

/* Record change i's outcome: in res, and (but for JOURNAL_INTENT: unknown) in the journal.
 * reason: a phrase without the object (or NULL); it is prefixed with describe(). */
void exec_outcome(struct exec *x, size_t i, enum journal_state st, const char *reason, const char *id,
		    const cJSON *live)
{
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	char *msg = NULL;

	if (id && !intmap_get(&x->res->new_id, i))
		intmap_put(&x->res->new_id, i, xstrdup(id));
	if (reason) {
		describe(x, i, &b);
		buf_printf(&b, ": %s", reason);
		msg = buf_detach(&b, NULL);
	}
	free(intmap_put(&x->res->error, i, msg));
	x->res->state[i] = st;
	if (st == JOURNAL_FAILED || st == JOURNAL_SKIPPED || (st == JOURNAL_INTENT && msg))
		x->failed_so_far++;
	if (st == JOURNAL_INTENT)
		return;
	if (journal_outcome(x->o->journal, exec_chg(x, i)->seq, st, msg,
			    id ? id : (const char *)intmap_get(&x->res->new_id, i), live, &e))
		exec_stop(x, &e);
}

void exec_close_object(struct xobj *ob)
{
	struct exec *x = ob->x;

	if (ob->closed || ob->units > 0)
		return;
	ob->closed = 1;
	x->objects_finished++;
	if (x->o->progress)
		x->o->progress(x->o->progress_ud, x->objects_finished, x->nobjs_total, x->failed_so_far);
}

/* ---------------------------------------------------------------- the live copy */


/* Every object of the live copy by (course, kind, id): the course, the table's listed kinds and
 * their children (an assignment's overrides, a module's items, a topic's date overrides). */
void exec_index_live(struct exec *x)
{
	cJSON *course, *o, *sub;
	char cb[32], ib[32];
	int k;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(x->snap, "courses")) {
		const char *cid = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb), *id;

		if (!cid)
			continue;
		strmap_put_take(&x->live, exec_okey(cid, resource_course()->kind, cid), course);
		for (k = 0; k < resource_count(); k++) {
			const struct resource *res = resource_get((enum resource_kind)k);

			if (!res->listed)
				continue;
			cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(course, res->seed_key)) {
				id = object_id(res->kind, o, ib);
				if (!id)
					continue;
				strmap_put_take(&x->live, exec_okey(cid, res->kind, id), o);
				cJSON_ArrayForEach(sub, object_children(res->kind, o)) {
					const char *sid = object_id(res->child_kind, sub, ib);

					if (sid)
						strmap_put_take(&x->live, exec_okey(cid, res->child_kind, sid), sub);
				}
			}
		}
	}
}

/* The container of a live item or override (its module or assignment): the object holding it. */
void exec_live_parent(struct exec *x, struct xobj *ob)
{
	char cb[32], b[32];
	const char *t;
	cJSON *course, *o, *sub;
	const struct resource *res = resource_get(ob->c0->kind), *pres;
	const char *key, *inner;

	ob->live_parent[0] = 0;
	if (!ob->live || !res->parent_field)
		return;
	pres = resource_get(res->parent_kind);
	key = pres->seed_key;
	inner = pres->children_key;
	t = object_parent(res->kind, ob->live, b);
	if (t) {
		snprintf(ob->live_parent, sizeof(ob->live_parent), "%s", t);
		return;
	}
	/* no back-reference in the object: find its holder (rare; only for objects without one) */
	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(x->snap, "courses")) {
		t = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb);
		if (!t || strcmp(t, ob->c0->course_id))
			continue;
		cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(course, key))
			cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(o, inner))
				if (sub == ob->live && (t = jsonid_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b))) {
					snprintf(ob->live_parent, sizeof(ob->live_parent), "%s", t);
					return;
				}
	}
}

/* ---------------------------------------------------------------- ids the plan creates */

char *exec_nkey(const char *course, const char *id)
{
	return xasprintf("%s\x1f%s", course, id);
}

/* The real id for `id` in course: itself, or the id the create of "new:N" got; NULL while that
 * create has not succeeded. */
const char *exec_resolve(const struct exec *x, const char *course, const char *id)
{
	char *k;
	void *v;

	if (!id || strncmp(id, "new:", 4))
		return id;
	k = exec_nkey(course, id);
	v = strmap_get(&x->news, k);
	free(k);
	if (!v)
		return NULL;
	return intmap_get(&x->res->new_id, (size_t)(uintptr_t)v - 1);
}

/* A value with every "new:N" it holds (a module_id, a prerequisite list) replaced by the real id.
 * Returns NULL and sets *missing when one is not known (yet). Malloced. */
cJSON *exec_resolve_value(const struct exec *x, const char *course, const cJSON *v, const char **missing)
{
	cJSON *out, *it;
	const char *r;

	if (cJSON_IsString(v) && !strncmp(v->valuestring, "new:", 4)) {
		r = exec_resolve(x, course, v->valuestring);
		if (!r) {
			*missing = v->valuestring;
			return NULL;
		}
		return jsonid(r);
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
		cJSON_ArrayForEach(it, v) {
			cJSON *e = exec_resolve_value(x, course, it, missing);

			if (!e) {
				cJSON_Delete(out);
				return NULL;
			}
			if (cJSON_IsArray(v))
				cJSON_AddItemToArray(out, e);
			else
				cJSON_AddItemToObject(out, it->string, e);
		}
		return out;
	}
	return cJSON_Duplicate(v, 1);
}

/* ---------------------------------------------------------------- comparing with Canvas */

/* The live value of field (NULL: absent). A move's module_id of an item is its holder. */
const cJSON *exec_live_field(const struct xobj *ob, const char *field, cJSON **tmp)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ob->live, field);

	*tmp = NULL;
	if (!v && resource_get(ob->c0->kind)->parent_field && !strcmp(field, resource_get(ob->c0->kind)->parent_field) &&
	    ob->live_parent[0]) {
		*tmp = cJSON_CreateString(ob->live_parent);
		return *tmp;
	}
	return v;
}

int exec_same(const struct exec *x, enum resource_kind kind, const char *field, const cJSON *want,
		const cJSON *got)
{
	return exec_value_matches(kind, field, want, got, x->origin);
}

/* A short JSON rendering of v for a message (at most ~80 bytes). Malloced. */
char *exec_brief(const cJSON *v)
{
	char *s = v ? cJSON_PrintUnformatted(v) : xstrdup("(absent)");
	size_t n;

	if (!s)
		return xstrdup("?");
	n = strlen(s);
	if (n > 80) {
		char *t = xasprintf("%.60s... (%zu bytes)", s, n);

		free(s);
		return t;
	}
	return s;
}

/* ---------------------------------------------------------------- units */

struct unit *exec_unit_new(struct exec *x, enum utype type, struct xobj *ob)
{
	struct unit *u = xcalloc(1, sizeof(*u));

	u->x = x;
	u->type = type;
	u->obj = ob;
	if (ob) {
		ob->units++;
		u->course_id = ob->c0->course_id;
	}
	if (x->nunits == x->aunits) {
		x->aunits = x->aunits ? x->aunits * 2 : 64;
		x->units = xrealloc(x->units, x->aunits * sizeof(*x->units));
	}
	x->units[x->nunits++] = u;
	return u;
}

void exec_unit_add(struct unit *u, size_t i)
{
	if (u->nch == u->ach) {
		u->ach = u->ach ? u->ach * 2 : 4;
		u->ch = xrealloc(u->ch, u->ach * sizeof(*u->ch));
	}
	u->ch[u->nch++] = i;
	if (!u->order || (long)i < u->order - 1)
		u->order = (long)i + 1;
}

static void unit_free(struct unit *u)
{
	free(u->ch);
	free(u->progress_path);
	free(u->new_id);
	cJSON_Delete(u->sent);
	cJSON_Delete(u->reread);
	free(u);
}

/* The intents of units us[0..n-1], in one batch; the engine's before_send hook (journal_commit) makes
 * them durable before any request leaves, theirs included. */
int exec_journal_batch(struct exec *x, struct unit *const *us, size_t n)
{
	struct err e = ERR_INIT;
	size_t i, k, m = 0;
	long *seqs;
	int rc;

	for (k = 0; k < n; k++)
		m += us[k]->nch;
	seqs = xcalloc(m ? m : 1, sizeof(*seqs));
	m = 0;
	for (k = 0; k < n; k++)
		for (i = 0; i < us[k]->nch; i++) {
			size_t ci = us[k]->ch[i];

			seqs[m++] = exec_chg(x, ci)->seq;
			x->res->state[ci] = JOURNAL_INTENT;
			x->flags[ci] |= X_WRITTEN;
		}
	rc = journal_intents_deferred(x->o->journal, seqs, m, &e);   /* durable before they leave: before_send */
	free(seqs);
	if (rc)
		exec_stop(x, &e);
	return rc;
}

/* The unit is over (every change has its outcome, or the run stopped): the object may be done,
 * and the chain goes on. */


void exec_unit_done(struct unit *u)
{
	if (u->type == U_BULK) {
		exec_bulk_end(u);
	} else if (u->obj) {
		u->obj->units--;
		exec_close_object(u->obj);
	}
}

void exec_unit_finish_async(struct unit *u)
{
	exec_unit_done(u);
	if (u->chained && u->next)
		exec_chain_run(u->next);
}

/* The answer to a write that got no outcome because the run stopped (a 401, a journal error):
 * the changes stay "intent". */
int exec_stopped_answer(struct exec *x, long status, const struct err *err)
{
	if (err->code == ERR_AUTH)
		return 1;
	return status == 0 && (x->stopped || http_stopped(canvas_http(x->cv)));
}

/* The run stopped (an interrupt, a 401) before the unit's request ever left the engine
 * (ERR_NOTSENT): nothing of it reached Canvas, so its changes, whose intents are journaled, are
 * journaled "skipped: not sent" -- not in doubt; resume writes them like any change not done, and
 * rollback has nothing of them to undo. Only where that is certain: the unit's first request (a
 * create's first POST, no earlier answer lost; not an adopted object, which is ours already), or a
 * bulk_update (a job Canvas refused saved nothing of the changes sent again). Returns 1 when it
 * recorded them (the caller ends the unit). */
int exec_unsent(struct unit *u, const struct err *err)
{
	size_t i;

	if (err->code != ERR_NOTSENT)
		return 0;
	if (u->type != U_BULK && u->type != U_DELETE &&
	    (u->phase != 0 || u->obj->adopted || (u->type == U_CREATE && (u->posts > 1 || u->lost))))
		return 0;
	for (i = 0; i < u->nch; i++) {
		exec_outcome(u->x, u->ch[i], JOURNAL_SKIPPED, EXEC_NOT_SENT, NULL, NULL);
		u->x->flags[u->ch[i]] |= X_UNSENT;
		/* the journal says why; the report counts it "not sent" */
		free(intmap_put(&u->x->res->error, u->ch[i], NULL));
	}
	return 1;
}

void exec_fail_all(struct unit *u, const char *fmt, const char *arg)
{
	size_t i;
	char *r = xasprintf(fmt, arg);

	for (i = 0; i < u->nch; i++)
		exec_outcome(u->x, u->ch[i], JOURNAL_FAILED, r, NULL, NULL);
	free(r);
}

struct xobj *exec_obj_of(const struct exec *x, size_t i)
{
	const struct plan_change *c = exec_chg(x, i);
	char *k = exec_okey(c->course_id, c->kind, c->id);
	struct xobj *ob = strmap_get(&x->objmap, k);

	free(k);
	return ob;
}

/* ---------------------------------------------------------------- objects */

static struct xobj *object_for(struct exec *x, size_t i)
{
	const struct plan_change *c = exec_chg(x, i);
	char *k = exec_okey(c->course_id, c->kind, c->id);
	struct xobj *ob = strmap_get(&x->objmap, k);

	if (ob) {
		free(k);
	} else {
		ob = xcalloc(1, sizeof(*ob));
		ob->x = x;
		ob->c0 = c;
		strmap_put_take(&x->objmap, k, ob);
		if (x->nobjs == x->aobjs) {
			x->aobjs = x->aobjs ? x->aobjs * 2 : 64;
			x->objs = xrealloc(x->objs, x->aobjs * sizeof(*x->objs));
		}
		x->objs[x->nobjs++] = ob;
	}
	if (ob->nch == ob->ach) {
		ob->ach = ob->ach ? ob->ach * 2 : 4;
		ob->ch = xrealloc(ob->ch, ob->ach * sizeof(*ob->ch));
	}
	ob->ch[ob->nch++] = i;
	return ob;
}

/* ---------------------------------------------------------------- the run */

/* Add to *more the object whose live copy needs its row's live_more read (a page's date_details)
 * for object ob's changes: a child's holder, or the object when a change writes a field its row
 * writes elsewhere. */
static void want_more(const struct exec *x, const struct xobj *ob, struct strmap *more)
{
	const struct plan_change *c0 = ob->c0;
	const struct resource *res = resource_get(c0->kind), *h;
	const char *id = NULL;
	size_t k;

	if (res->parent_field) {
		h = resource_parent_row(c0->kind, c0->parent, &id);
		if (!h->live_more)
			id = NULL;
		res = h;
	} else if (res->live_more) {
		for (k = 0; !id && k < ob->nch; k++)
			if (exec_checkpoint_field(c0->kind, NULL, exec_chg(x, ob->ch[k])->field))
				id = c0->id;
	}
	if (id) {
		char *key = exec_okey(c0->course_id, res->kind, id);

		if (strmap_get(more, key))
			free(key);
		else
			strmap_put_take(more, key, (void *)1);
	}
}

/* The live_more reads of the objects in *more (exec_okey keys), all in flight together. */
static int fetch_more(struct exec *x, const struct strmap *more, struct err *err)
{
	struct err fatal = ERR_INIT, e = ERR_INIT;
	cJSON *course, *o;
	long n = 0;
	int k;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(x->snap, "courses")) {
		char cb[32], ib[32];
		const char *cid = jsonid_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb), *id;

		for (k = 0; cid && k < resource_count(); k++) {
			const struct resource *res = resource_get((enum resource_kind)k);

			if (!res->listed || !res->live_more)
				continue;
			cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(course, res->seed_key)) {
				struct resource_fetch_req *r;
				char *key;
				int want;

				if (!(id = object_id(res->kind, o, ib)))
					continue;
				key = exec_okey(cid, res->kind, id);
				want = strmap_get(more, key) != NULL;
				free(key);
				r = want ? xcalloc(1, sizeof(*r)) : NULL;
				if (!r || !res->live_more(o, cid, cid, &r->f)) {
					free(r);
					continue;
				}
				r->obj = o;
				r->fatal = &fatal;
				canvas_get(x->cv, r->f.path, r->f.what, resource_fetch_answer, r);
				n++;
			}
		}
	}
	if (n && (canvas_run(x->cv, &e) || fatal.code)) {
		*err = fatal.code ? fatal : e;
		return err->code;
	}
	return 0;
}

/* The live copy of the plan's courses. each (the stale check): a course that cannot be read goes
 * into x->unread and its changes fail, the others go on (issue 8); else (the final re-read) any
 * failure is the error. Objects whose list does not show what the plan writes get their row's
 * live_more read (a page's Assign To dates). The stale check takes the courses the plan read
 * moments ago instead of reading them (apply RECIPE: exec_stale_reuse); the final re-read reads
 * only the courses and lists of objects marked reread (exec_verify.c). */
int exec_fetch_live(struct exec *x, int each, struct err *err)
{
	char **ids = xcalloc(x->nobjs + 1, sizeof(*ids));   /* a course has an object: the window's */
	struct strmap seen = STRMAP_INIT, more = STRMAP_INIT;
	struct snapshot_stats st;
	cJSON *reused;
	unsigned kinds = 1u << resource_course()->kind;
	size_t i;
	int n = 0, rc;

	for (i = 0; i < x->nobjs; i++) {
		const struct plan_change *c = x->objs[i]->c0;
		enum resource_kind k = c->kind;
		char *key;

		if (x->snap_reread && !x->objs[i]->reread)
			continue;   /* the final re-read: only what the answers cannot prove (exec_verify.c) */
		key = xstrdup(c->course_id);
		if (resource_get(k)->parent_field)   /* a child is read with its parent's list */
			k = resource_parent_row(k, c->parent, NULL)->kind;
		want_more(x, x->objs[i], &more);
		kinds |= 1u << k;
		if (strmap_get(&seen, key)) {
			free(key);
		} else {
			ids[n++] = (char *)c->course_id;
			strmap_put_take(&seen, key, (void *)1);
		}
	}
	strmap_release(&seen);
	reused = exec_stale_reuse(x, ids, &n, &more);   /* the plan's reads, when fresh (exec_stale.c) */
	if (each) {
		struct err *errs = xcalloc((size_t)(n ? n : 1), sizeof(*errs));
		int k;

		rc = snapshot_fetch_each(&x->snap, x->cv, ids, n, kinds, 0, errs, &st, err);
		for (k = 0; !rc && k < n; k++) {
			if (!errs[k].code || strmap_get(&x->unread, ids[k]))
				continue;
			if (x->snap_reread)
				warnf("%s; what this run wrote there is not checked again", errs[k].msg);
			else
				errorf("%s; its changes are not written", errs[k].msg);
			strmap_put_take(&x->unread, xstrdup(ids[k]), xstrdup(errs[k].msg));
		}
		free(errs);
	} else {
		rc = snapshot_fetch(&x->snap, x->cv, ids, n, kinds, &st, err);
	}
	if (!rc && more.n)
		rc = fetch_more(x, &more, err);
	exec_stale_merge(x, reused);   /* after fetch_more: what they hold was read by the plan */
	strmap_release(&more);
	free(ids);
	return rc;
}

/* The counts of changes [a, b) into x->res (added). Objects never span windows, so the maps of the
 * objects done and written are the range's own. A change outside the resident window (a spilled
 * plan's window never started) can only be not started: its plan entry is not read. */
static void count_range(struct exec *x, size_t a, size_t b)
{
	struct exec_result *r = x->res;
	struct strmap objs = STRMAP_INIT, wobjs = STRMAP_INIT;
	size_t i;

	for (i = a; i < b; i++) {
		int resident = i >= x->p->first && i - x->p->first < x->p->nchanges;
		const struct plan_change *c = resident ? exec_chg(x, i) : NULL;

		switch (r->state[i]) {
		case JOURNAL_DONE: {
			char *k;

			if (!c)
				break;
			k = exec_okey(c->course_id, c->kind, c->id);
			r->done++;
			/* written in this run, or found so (a value already at `after`, done before a resume) */
			if (x->flags[i] & X_WRITTEN)
				r->written++;
			else
				r->already++;
			if ((x->flags[i] & X_WRITTEN) && !strmap_get(&wobjs, k)) {
				r->objects_written++;
				strmap_put(&wobjs, k, (void *)1);
			}
			if (!strmap_get(&objs, k)) {
				r->objects_done++;
				strmap_put_take(&objs, k, (void *)1);
			} else {
				free(k);
			}
			break;
		}
		case JOURNAL_FAILED:
			r->failed++;
			break;
		case JOURNAL_CONFLICT:
			r->conflicts++;
			/* a create that met an object it did not make: --force does not take it over */
			r->conflict_creates += c && c->op == PLAN_CREATE;
			break;
		case JOURNAL_SKIPPED:
			if (x->flags[i] & X_UNSENT)
				r->not_started++;   /* its request never left (exec_unsent()) */
			else
				r->skipped++;
			break;
		case JOURNAL_INTENT:
			r->in_doubt++;
			if (intmap_get(&r->error, i))
				r->failed++;
			break;
		default:
			r->not_started++;
			break;
		}
	}
	strmap_release(&wobjs);
	strmap_release(&objs);
}

/* Courses a window holds (see the design comment): the live copy of 200 courses of 10 assignments,
 * 3 pages and 3 modules is about 30 MB. COURSECTL_APPLY_WINDOW sets it, for tests only (a test of
 * more courses than one window needs no 201 courses). */
#define EXEC_WINDOW 200

/* At most EXEC_MAX_WINDOWS windows: a larger plan gets larger windows (see the design comment). */
#define EXEC_MAX_WINDOWS 10

/* The window's size for a run of ncourses courses: COURSECTL_APPLY_WINDOW (tests), else EXEC_WINDOW
 * or a tenth of the courses, whichever is more -- but EXEC_WINDOW for a spilled plan, whose windows
 * refill a heap no plan fragments (issue 18: at 10,000 courses windows of 200 took 44.7 s of CPU
 * and 53.5 MB, windows of 1,000 47.0 s and 177 MB). */
static size_t window_size(size_t ncourses, int spilled)
{
	const char *env = getenv("COURSECTL_APPLY_WINDOW");
	char *end;
	long v;
	size_t w = (ncourses + EXEC_MAX_WINDOWS - 1) / EXEC_MAX_WINDOWS;

	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v > 0)
			return (size_t)v;
	}
	return w > EXEC_WINDOW && !spilled ? w : EXEC_WINDOW;
}

/* The changes still to run (not done in a resumed journal), grouped by window: a course's window
 * is its place among the courses in the order their first change comes, divided by the window's
 * size; within a window the changes keep plan order. *order: malloced, *n of them; *starts:
 * malloced, *nwin + 1 offsets into *order. */
static void make_windows(struct exec *x, size_t **order, size_t *n, size_t **starts, size_t *nwin)
{
	const struct plan *p = x->p;
	struct strmap courses = STRMAP_INIT;
	size_t *win = xcalloc(p->nchanges ? p->nchanges : 1, sizeof(*win));
	size_t i, m = 0, ncourses = 0, w, wsize;

	for (i = 0; i < p->nchanges; i++) {
		const char *cid = p->changes[i].course_id;
		void *v;

		if (x->res->state[i] == JOURNAL_DONE)
			continue;
		if (!(v = strmap_get(&courses, cid))) {
			v = (void *)(uintptr_t)++ncourses;
			strmap_put_take(&courses, xstrdup(cid), v);
		}
		win[i] = (size_t)(uintptr_t)v;   /* the course's place from 1; 0: done already */
		m++;
	}
	strmap_release(&courses);
	wsize = window_size(ncourses, 0);
	for (i = 0; i < p->nchanges; i++)
		if (win[i])
			win[i] = (win[i] - 1) / wsize + 1;   /* now the window's, from 1 */
	*nwin = ncourses ? (ncourses - 1) / wsize + 1 : 0;
	*starts = xcalloc(*nwin + 1, sizeof(**starts));
	for (i = 0; i < p->nchanges; i++)
		if (win[i])
			(*starts)[win[i]]++;
	for (w = 1; w <= *nwin; w++)
		(*starts)[w] += (*starts)[w - 1];
	*order = xcalloc(m ? m : 1, sizeof(**order));
	{
		size_t *fill = xcalloc(*nwin + 1, sizeof(*fill));

		for (i = 0; i < p->nchanges; i++)
			if (win[i])
				(*order)[(*starts)[win[i] - 1] + fill[win[i] - 1]++] = i;
		free(fill);
	}
	*n = m;
	free(win);
}

/* The objects of changes order[0..n-1], counted (for the progress line's total). */
static size_t count_objects(const struct exec *x, const size_t *order, size_t n)
{
	struct strmap seen = STRMAP_INIT;
	size_t k, objs = 0;

	for (k = 0; k < n; k++) {
		const struct plan_change *c = exec_chg(x, order[k]);
		char *key = exec_okey(c->course_id, c->kind, c->id);

		if (strmap_get(&seen, key)) {
			free(key);
		} else {
			strmap_put_take(&seen, key, (void *)1);
			objs++;
		}
	}
	strmap_release(&seen);
	return objs;
}

/* Everything of one window but the per-change results: units, objects, the live copy. */
static void window_release(struct exec *x, const size_t *order, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		x->flags[order[i]] &= ~X_INWIN;
	for (i = 0; i < x->nunits; i++)
		unit_free(x->units[i]);
	x->nunits = 0;
	for (i = 0; i < x->nobjs; i++) {
		free(x->objs[i]->ch);
		free(x->objs[i]->adopted);
		cJSON_Delete(x->objs[i]->adopt_fix);
		free(x->objs[i]);
	}
	x->nobjs = 0;
	strmap_clear(&x->live);   /* kept for the next window: see strmap_clear */
	strmap_clear(&x->objmap);
	cJSON_Delete(x->snap);
	x->snap = NULL;
	x->snap_reread = 0;
}

/* One window (see the design comment): its stale check, units, read-back and final re-read.
 * Returns an error that stops the run before anything of the window is written (the stale check's
 * read), else 0; x->fatal and x->stopped say whether the run goes on. */
static int run_window(struct exec *x, struct err *err)
{
	struct err e = ERR_INIT;
	size_t i;
	int rc;

	if ((rc = exec_fetch_live(x, 1, err)))
		return rc;
	if (interrupted(x))
		return 0;   /* the stale check's reads were cut short: nothing of the window is written */
	exec_index_live(x);
	exec_plan_units(x);
	for (i = 0; i < x->nobjs; i++)
		exec_close_object(x->objs[i]);   /* objects decided by the stale check alone */
	if (!x->stopped)
		exec_start_units(x);
	if (canvas_run(x->cv, &e) && !x->fatal.code)
		x->fatal = e;
	if (!x->fatal.code && !interrupted(x) && exec_verify(x, &e))
		x->fatal = e;
	exec_report_duplicates(x);
	interrupted(x);
	return 0;
}

/* Courses [lo, hi) of a spilled plan whose window starts at course lo: the next `wsize` courses
 * with changes (the courses a resident plan's make_windows puts in one window). */
static size_t spilled_window_end(const struct plan *p, size_t lo, size_t wsize)
{
	size_t hi = lo, got = 0;

	while (hi < p->ncourses && got < wsize)
		got += plan_course_changes(p, hi++) > 0;
	return hi;
}

/* A spilled plan (include/plan.h "Windows"; plan_make's, so no resumed journal: every change is
 * to run) a window at a time: the window's courses made resident (plan_window), their changes
 * registered (creates' "new:N" ids, objects), run (run_window) and counted, then released. The
 * windows are the next window_size() courses with changes: make_windows' for the same plan in
 * memory, up to 2,000 courses (beyond, a plan in memory gets a tenth of its courses a window). */
static int run_spilled(struct exec *x, struct err *err)
{
	const struct plan *p = x->p;
	size_t lo = 0, hi, k, ncw = 0, wsize, *wo = NULL, counted = 0;
	struct plan_summary sum;
	int rc = 0;

	for (k = 0; k < p->ncourses; k++)
		ncw += plan_course_changes(p, k) > 0;
	wsize = window_size(ncw, 1);
	plan_summarize(p, &sum);
	x->nobjs_total = sum.objects;
	while (lo < p->ncourses && !x->stopped && !x->fatal.code) {
		hi = spilled_window_end(p, lo, wsize);
		if ((rc = plan_window(p, lo, hi, err)))
			break;
		wo = xrealloc(wo, (p->nchanges ? p->nchanges : 1) * sizeof(*wo));
		for (k = 0; k < p->nchanges; k++) {
			size_t i = p->first + k;
			const struct plan_change *c = &p->changes[k];

			wo[k] = i;
			if (c->op == PLAN_CREATE)
				strmap_put_take(&x->news, exec_nkey(c->course_id, c->id), (void *)(uintptr_t)(i + 1));
			object_for(x, i);
			x->flags[i] |= X_INWIN;
		}
		rc = run_window(x, err);
		count_range(x, p->first, p->first + p->nchanges);
		counted = p->first + p->nchanges;
		window_release(x, wo, p->nchanges);
		strmap_clear(&x->news);   /* a "new:N" id is its course's, and the course is done */
		if (rc)
			break;
		lo = hi;
	}
	free(wo);
	count_range(x, counted, x->res->n);   /* windows never started: not started */
	return rc;
}

/* The engine's before_send hook (http_set_before_send): the journal records written since the last
 * request left -- intents, Progress jobs -- are made durable, one fdatasync for all of them, before
 * the next request leaves. A failure stops the run (nothing may leave unjournaled). */
static int before_send(void *ud, struct err *err)
{
	struct exec *x = ud;

	if (!journal_commit(x->o->journal, err))
		return 0;
	exec_stop(x, err);
	return err->code ? err->code : ERR_IO;
}

int exec_run(struct canvas *cv, const struct plan *p, const struct exec_opts *o, struct exec_result *res,
	     struct err *err)
{
	struct exec x;
	struct err e = ERR_INIT;
	long requests0 = http_get_stats(canvas_http(cv))->requests;
	size_t i, k, norder = 0, nwin = 0, *order = NULL, *starts = NULL;
	int rc = 0, spilled = p->ncourses > plan_window_courses(p);

	memset(res, 0, sizeof(*res));
	res->n = plan_total(p);
	res->state = xcalloc(res->n ? res->n : 1, sizeof(*res->state));
	if (!o->journal)
		return err_set(err, ERR_GENERIC, "apply needs a journal: nothing is written to Canvas without one");
	memset(&x, 0, sizeof(x));
	x.cv = cv;
	x.p = p;
	x.o = o;
	x.res = res;
	x.origin = canvas_base_url(cv);
	x.flags = xcalloc(res->n ? res->n : 1, 1);
	/* before anything is sent: every request of the run leaves after journal_commit (group commit;
	 * exec_journal_batch and exec_bulk.c write their records deferred) */
	http_set_before_send(canvas_http(cv), before_send, &x);

	if (spilled) {
		if ((rc = run_spilled(&x, err)))
			goto done;
		goto end;
	}
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->op == PLAN_CREATE)
			strmap_put_take(&x.news, exec_nkey(c->course_id, c->id), (void *)(uintptr_t)(i + 1));
		if (o->prior && o->prior[i] == JOURNAL_DONE) {
			res->state[i] = JOURNAL_DONE;
			if (o->prior_ids && o->prior_ids[i])
				intmap_put(&res->new_id, i, xstrdup(o->prior_ids[i]));
			continue;
		}
		if (o->prior && o->prior_ids && o->prior_ids[i] && c->op == PLAN_CREATE)
			free(intmap_put(&res->new_id, i, xstrdup(o->prior_ids[i])));
	}
	make_windows(&x, &order, &norder, &starts, &nwin);
	x.nobjs_total = count_objects(&x, order, norder);
	for (k = 0; k < nwin && !x.stopped && !x.fatal.code; k++) {
		const size_t *wo = order + starts[k];
		size_t wn = starts[k + 1] - starts[k];

		for (i = 0; i < wn; i++) {
			object_for(&x, wo[i]);
			x.flags[wo[i]] |= X_INWIN;
		}
		rc = run_window(&x, err);
		window_release(&x, wo, wn);
		if (rc)
			goto done;
	}
end:
	if (x.fatal.code) {
		*err = x.fatal;
		rc = err->code;
	} else if (journal_sync(o->journal, &e)) {
		*err = e;
		rc = err->code;
	}
done:
	http_set_before_send(canvas_http(cv), NULL, NULL);
	if (!spilled)
		count_range(&x, 0, res->n);
	res->requests = http_get_stats(canvas_http(cv))->requests - requests0;
	free(order);
	free(starts);
	free(x.units);
	free(x.objs);
	strmap_release(&x.live);
	strmap_release(&x.objmap);
	strmap_release(&x.news);
	for (i = 0; i < x.unread.cap; i++)
		if (x.unread.keys[i])
			free(x.unread.vals[i]);
	strmap_release(&x.unread);
	free(x.flags);
	return rc;
}

/* ---------------------------------------------------------------- the result */

static void free_json(void *v)
{
	cJSON_Delete(v);
}

enum exec_conflict exec_result_why(const struct exec_result *res, size_t i)
{
	return (enum exec_conflict)(uintptr_t)intmap_get(&res->why, i);
}

void exec_result_release(struct exec_result *res)
{
	if (!res)
		return;
	intmap_release(&res->error, free);
	intmap_release(&res->new_id, free);
	intmap_release(&res->live, free_json);
	intmap_release(&res->why, NULL);   /* an enum in a pointer */
	free(res->state);
	memset(res, 0, sizeof(*res));
}
