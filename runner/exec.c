/* runner/exec.c -- running a plan against Canvas (include/exec.h): stale check, journal, the fewest
 * writes, read-back. The pure half (parameters, bodies, comparisons) is exec_write.c; the undo plan
 * is exec_inverse.c.
 *
 * A run, in order:
 *   1. Objects. The plan's changes are grouped by object (course, kind, id). Changes a resumed
 *      journal already has as done are left out (their create ids are known: prior_ids).
 *   2. Stale check (API.md 12: Canvas has no optimistic locking, so the client must look before it
 *      writes). One snapshot_fetch of the kinds the plan touches, for its courses -- the same list
 *      calls `plan` made, a few requests per course instead of one GET per object. A course that
 *      cannot be read fails its changes ("not written") and the others go on (issue 8); the final
 *      re-read skips it. Per change:
 *        update/move  live == after: done without writing (a re-run, a resumed run);
 *                     live == before: written; anything else: a conflict. A position is never a
 *                     conflict: Canvas renumbers siblings whenever one moves, is created or is
 *                     deleted (acts_as_list), so a shifted position is no sign of someone's edit.
 *                     The position of an item still to be moved is its place in the old module,
 *                     so it is written with the move even when the number equals `after`
 *                     (moving_elsewhere);
 *        delete       gone already: done; else every scalar field of `before` (but timestamps and
 *                     position) must match, or it is a conflict;
 *        create       an object that is already there -- same kind and name, for a module item
 *                     the same module, type and content (exec_create_matches) -- is someone
 *                     else's on a fresh apply: a conflict, even with --force, whose message names
 *                     it and says to plan again (a recipe that ensures it then plans an update with
 *                     a recorded `before`; issue 13: a saved plan's create took over a teacher's
 *                     page, blanked it, and rollback deleted it). It is taken as the create's
 *                     result only on a resume, and only with evidence that our own POST may have
 *                     made it: an intent of this create without an outcome, or the id an outcome
 *                     recorded (two matches: a conflict, we cannot tell which). The adopted
 *                     object is journaled as it is (journal_adopted) before anything touches it;
 *                     then it is done, or updated where its fields differ. POST is not idempotent
 *                     (API.md 12): this is what makes resume after a crash between POST and answer
 *                     harmless.
 *      An object with a conflict is skipped as a whole (its other changes: conflict too, "not
 *      written"; res->why says which is which, res->live holds Canvas's value, for apply's grouped
 *      report) unless --force; with --force the plan's values are written over whatever is there.
 *      An object that no longer exists is a conflict even with --force (there is nothing to write).
 *   3. Writes ("units"), the fewest requests (API.md 5.3, 9):
 *        - one PUT per object with every changed field in its wrapper (a move is module_item
 *          [module_id] in the same PUT, with module_item[position]: the plan gives every move its
 *          place in the new module, since Canvas puts an item moved without one last --
 *          context_module_items_api_controller.rb `update` runs insert_at only for a position);
 *        - assignment and override due/unlock/lock dates: one PUT .../assignments/bulk_update per
 *          course (batches of BULK_BATCH assignments, the limit of assignment_ids[]),
 *          then GET /api/v1/progress/:id until completed or failed (0.3 s, growing to 2 s; given up
 *          after BULK_WAIT_S: then the changes stay "intent", which resume checks). The Progress
 *          path is journaled (journal_job) as soon as Canvas answers, and a resume or rollback
 *          waits for the job before it reads (exec_jobs.c). A failed job (Canvas saves nothing of
 *          a request with one invalid assignment) fails only the assignments it names, each with
 *          all its dates, and the rest of the batch is sent again ("a refused bulk update");
 *        - a checkpointed discussion's dates (its assignment's reply_to_topic_due_at,
 *          required_replies_due_at, unlock_at, lock_at: runner/resource.c) go in one PUT
 *          .../discussion_topics/:id/date_details (exec_checkpoint_field; issue 15, canvas-lms
 *          LearningObjectDatesController#update_checkpointed_assignment), never bulk_update, which
 *          would move the parent's dates and not its checkpoints'; it answers 204, so the unit
 *          re-reads the assignment with include[]=checkpoints;
 *        - a discussion or announcement PUT carries `locked` as the object has it unless the plan
 *          changes it (keep_locked; an announcement PUT without it reopens comments, issue 15),
 *          and comments closed by hand that a date change reopened are closed again with one more
 *          PUT (keep_comments_closed); a derived field (a page's url, exec_is_derived_field) is
 *          never sent, only read back against the plan;
 *        - a module PUT that changes `published` carries skip_content_tags (exec_body): Canvas
 *          would otherwise (un)publish the module's items and their content (issue 15,
 *          ContextModulesApiController#update); what a recipe wants of them (`cascade: with
 *          items`) is in the plan as changes of their own, each journaled and written by its PUT;
 *        - an ungraded discussion's Assign To override (kind date_override, issue 15): one PUT
 *          .../discussion_topics/:id/date_details naming the topic's whole override set (Canvas
 *          replaces it; exec_date_details.c), answered 204, so read back with GET date_details;
 *          one topic's overrides are chained (stage 6), each write starting from the set the
 *          previous re-read showed; a page's the same way at .../pages/page_id:N/date_details
 *          (parent "page_id:N"), and a page's own unlock_at/lock_at by one PUT date_details of
 *          those two alone, re-read there (as a checkpoint's dates); the live copy of those pages
 *          comes from one GET date_details each (runner/page_dates.c: their list does not show it);
 *        - a create is a POST; fields Canvas does not take on create (a module's published flag,
 *          API.md 6.1) follow in one PUT; a delete is a DELETE (404: already gone, done).
 *          A POST answered 5xx or not at all may have created its object (API.md 12: POST is not
 *          idempotent, and the engine never retries one): its list is read and the object looked
 *          for; found, it is the result. A lost answer (no response, or a 504) means Canvas may
 *          still be making it: the list is read again with backoff for longer than the request
 *          was outstanding (a timed-out request: longer than --timeout; exec_lost.c), and only an
 *          object still absent then is POSTed again (POST_TRIES POSTs in all), else the change
 *          stays in doubt for resume. A POST sent again after a lost answer can still meet the
 *          first one landing later: the final re-read counts the matching objects, and either
 *          way the change is reported ("a duplicate: ... ids", or "a duplicate may still
 *          appear") with its id and counted in res->doubts, so apply exits non-zero. Two matches
 *          seen during the look-up are named and left in doubt, never deleted by us.
 *      Before a unit's request leaves, its changes' intents are journaled and fsync'ed
 *      (journal_intents); its outcomes are journaled when the answer is read.
 *   4. Read-back, twice. First the answer (a PUT returns the object) must show every new value
 *      (exec_value_matches: dates as instants, HTML normalised). A 2xx that does not show it is a
 *      failure: "Canvas answered 200 but did not change due_at" (USERS.md item 6: a missing wrapper,
 *      a dropped parameter, a permission that silently ignores). A field the answer does not carry
 *      (a course's syllabus_body) is re-read with one GET; bulk dates with assignment_ids[] list
 *      calls of REREAD_BATCH ids (a 400 "Invalid assignment_ids" naming deleted ones is asked
 *      again without them: see "The re-read" below).
 *      Then, when every write is answered, the stale check's list calls run once more and every
 *      value written in this run must be there (verify()): an answer can show a value that did not
 *      last (canvas-sim's `ignore` script answers what the handler answered, then puts the state
 *      back), and a position set early can be moved by a later sibling's write. A few list calls
 *      per course buy that certainty; a failure found there is journaled as a second outcome,
 *      which supersedes the first. A failed field's outcome records the value Canvas shows
 *      ("live": stored in another form, e.g. fancy midnight), which rollback restores from.
 *   5. Order and concurrency. Independent units are all submitted at once and the engine's window
 *      (http.c, AIMD on X-Rate-Limit-Remaining) decides how many fly. What depends on order runs
 *      as one chain per course, one request after the other: creates of pages (a module item may
 *      name one), then modules (creates and position changes, by target position ascending --
 *      each insert_at then lands where the plan wants it), module prerequisites (Canvas drops
 *      prerequisites not placed before the module), module items (creates, moves and position
 *      changes by target position ascending across all the course's modules, then by module),
 *      item deletes, module deletes last (so an item moved out of a deleted module is moved first).
 *      Items in one order across modules, not module after module: a move takes an item out of
 *      one module and into another, and the item that leaves must not still sit in front of the
 *      places the writes into its old module fill. Lowest target position first, the writes fill
 *      every module front to back, so an item still to leave a module sits behind the places
 *      already filled and its leaving shifts none of them; module by module, items moved each
 *      way around an item that keeps its place left a module one place off (t0933-item-moves.sh).
 *      A create that refers to another ("new:N" in module_id or prerequisites) gets the real id
 *      when its turn comes; if the other create failed, it is skipped with the reason.
 *      Known limit: ascending target positions give the planned order whenever the objects that
 *      keep their position are not displaced by the moves around them; a reorder that needs an
 *      unchanged sibling moved and back is not planned that way, nor is an item that leaves its
 *      module (moved to a place in another module that comes later, or deleted) while it still
 *      sits in front of an unchanged sibling that a write behind it relies on. Read-back reports
 *      each object's own position only; since objects not written keep their order among
 *      themselves, a displaced one always leaves a written one off its place, which fails.
 *   Counting (count()): a done change is `written` when this run sent it (journal_batch marks it),
 *   else `already` (the stale check found it at `after`, or a resumed journal had it done): apply's
 *   "Applied N changes" is what this run wrote (issue 16: a re-run that wrote nothing said
 *   "Applied 6 changes").
 *   6. Stop: a 401 token failure (ERR_AUTH from the engine) stops everything: nothing more is
 *      submitted, answers still in flight are read, and changes whose request may have left stay
 *      "intent" with no outcome -- resume checks them against the live value. A journal write
 *      error stops the run the same way (nothing may leave unjournaled), and so does SIGINT or
 *      SIGTERM (issue 16: the engine notices the signal, reads the answers in flight for a few
 *      seconds and abandons the rest; ERR_INTERRUPTED, exit 130). Interrupted during the stale
 *      check, nothing is written; during the writes, verify() is not run (the answers' read-back
 *      stands).
 * Resume: prior states from the journal; done changes are not redone, every other change goes
 * through the stale check again (so a failed or conflicting change is retried, and a change whose
 * request did land is found done). A live value that a failed write of this journal left (its
 * outcome's "live": Canvas stored it in another form) is ours, not a conflict: written again, so
 * its outcome stays a failure with the stored value, which rollback restores from.
 *
 * Rejected: a GET per object before each PUT (N+1 reads; the list calls are the same data);
 * PUTting assignment dates one by one (bulk_update is one request for a course's 200 dates);
 * form-encoded bodies (JSON keeps null and true, and is the only way to send bulk_update);
 * retrying a POST that got no answer at once (a duplicate object: the look-up with backoff instead);
 * adopting a same-named object on a fresh apply (it is someone else's: issue 13).
 */
#include "exec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "dates.h"
#include "exec_internal.h"
#include "http.h"
#include "interrupt.h"
#include "msg.h"
#include "page_dates.h"
#include "resource.h"
#include "snapshot.h"
#include "strmap.h"
#include "xalloc.h"

#define BULK_BATCH 100        /* assignments per bulk_update */
#define REREAD_BATCH 50       /* assignment_ids[] per re-read request, sent with per_page=50 */
#define BULK_WAIT_S 600.0     /* give up polling a Progress after this long */
#define POS_LAST 1e15         /* sort key of a create without a position: last */
#define POST_TRIES 3          /* looks for an object whose POST got no clear answer, each then POSTed again */

/* The key of an object: malloced. */
static char *okey(const char *course, enum resource_kind kind, const char *id)
{
	return xasprintf("%s\x1f%d\x1f%s", course, (int)kind, id);
}

/* ---------------------------------------------------------------- state */

struct exec;

struct xobj {
	struct exec *x;
	const struct plan_change *c0;   /* its first change (course, kind, id, parent, name) */
	size_t *ch;                     /* indexes of its pending changes */
	size_t nch, ach;
	cJSON *live;                    /* borrowed from the snapshot, or NULL */
	char live_parent[32];           /* items: the module they are in; overrides: their assignment */
	int units;                      /* units not finished */
	int closed;
	int conflict;
	char *adopted;                  /* a create found already in Canvas: its id (malloced) */
	const cJSON *clash;             /* a fresh create's object found already there (borrowed), or NULL */
	cJSON *adopt_fix;               /* ... and the fields that differ from the plan, or NULL */
};

enum utype { U_PUT, U_CREATE, U_DELETE, U_BULK };

struct unit {
	struct exec *x;
	enum utype type;
	struct xobj *obj;               /* NULL for U_BULK */
	size_t *ch;                     /* the changes it writes */
	size_t nch, ach;
	/* chain */
	int stage;
	char key2[40];
	double key1;
	long order;
	struct unit *next;
	int chained;
	/* progress */
	const char *course_id;
	char *progress_path;
	double waited;
	int polls;
	/* creates */
	char *new_id;
	cJSON *sent;                    /* the fields a PUT or POST sent ({field: value}), for read-back */
	int phase;                      /* 0 first request, 1 the create's follow-up PUT, 2 re-read */
	int checkpoint;                 /* a PUT of a checkpointed discussion's dates (date_details) */
	/* a create's POSTs (exec_lost.c): when the last left, how many left, how many lost their answer
	 * (no answer, 504: Canvas may still be making the object); the look-up after a lost answer */
	double sent_at, window, looked;
	int posts, lost, looks;
	struct err post_err;            /* why the last POST got no clear answer */
	/* a bulk unit's re-read: the rows read so far, the requests in flight, the first failure */
	cJSON *reread;
	int rr_pending;
	struct err rr_err;
};

struct exec {
	struct canvas *cv;
	const struct plan *p;
	const struct exec_opts *o;
	struct exec_result *res;
	const char *origin;
	cJSON *snap;
	struct strmap live;             /* okey -> cJSON* */
	struct strmap objmap;           /* okey -> struct xobj* */
	struct strmap news;             /* course\x1f"new:N" -> 1 + change index of its create */
	struct strmap unread;           /* course id -> why its stale-check read failed (malloced) */
	int snap_reread;                /* fetch_live is the final re-read */
	struct xobj **objs;
	size_t nobjs, aobjs;
	struct unit **units;
	size_t nunits, aunits;
	struct err fatal;
	int stopped;
	size_t objects_finished, failed_so_far;
	unsigned char *written;         /* per change: its intent was journaled in this run */
	unsigned char *dup_risk;        /* per change: a create sent again after a lost answer */
	unsigned char *unsent;          /* per change: skipped because its request never left (unsent()) */
};

/* ---------------------------------------------------------------- outcomes */

static const struct plan_change *chg(const struct exec *x, size_t i)
{
	return &x->p->changes[i];
}

/* "course 4821, assignment 7101 'Lab 1', due_at" into b. */
static void describe(const struct exec *x, size_t i, struct buf *b)
{
	const struct plan_change *c = chg(x, i);
	const char *id = c->id;

	if (c->op == PLAN_CREATE && x->res->new_id[i])
		id = x->res->new_id[i];
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

static void stop(struct exec *x, const struct err *e)
{
	if (!x->fatal.code)
		x->fatal = *e;
	x->stopped = 1;
	http_stop(canvas_http(x->cv));
}

/* Record change i's outcome: in res, and (but for JOURNAL_INTENT: unknown) in the journal.
 * reason: a phrase without the object (or NULL); it is prefixed with describe(). */
static void outcome(struct exec *x, size_t i, enum journal_state st, const char *reason, const char *id,
		    const cJSON *live)
{
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	char *msg = NULL;

	if (id && !x->res->new_id[i])
		x->res->new_id[i] = xstrdup(id);
	if (reason) {
		describe(x, i, &b);
		buf_printf(&b, ": %s", reason);
		msg = buf_detach(&b, NULL);
	}
	free(x->res->error[i]);
	x->res->error[i] = msg;
	x->res->state[i] = st;
	if (st == JOURNAL_FAILED || st == JOURNAL_SKIPPED || (st == JOURNAL_INTENT && msg))
		x->failed_so_far++;
	if (st == JOURNAL_INTENT)
		return;
	if (journal_outcome(x->o->journal, chg(x, i)->seq, st, msg, id ? id : x->res->new_id[i], live, &e))
		stop(x, &e);
}

static void close_object(struct xobj *ob)
{
	struct exec *x = ob->x;

	if (ob->closed || ob->units > 0)
		return;
	ob->closed = 1;
	x->objects_finished++;
	if (x->o->progress)
		x->o->progress(x->o->progress_ud, x->objects_finished, x->nobjs, x->failed_so_far);
}

/* ---------------------------------------------------------------- the live copy */


static const char *const list_kinds_keys[] = {
	[RES_ASSIGNMENT] = "assignments", [RES_QUIZ] = "quizzes", [RES_DISCUSSION_TOPIC] = "discussion_topics",
	[RES_ANNOUNCEMENT] = "announcements", [RES_MODULE] = "modules", [RES_PAGE] = "pages",
	[RES_CALENDAR_EVENT] = "calendar_events",
};

static void index_live(struct exec *x)
{
	cJSON *course, *o, *sub;
	char cb[32], ib[32];
	int k;

	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(x->snap, "courses")) {
		const char *cid = exec_id_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb), *id;

		if (!cid)
			continue;
		strmap_put_take(&x->live, okey(cid, RES_COURSE, cid), course);
		for (k = 0; k < RES_NKINDS; k++) {
			if (k >= (int)(sizeof(list_kinds_keys) / sizeof(list_kinds_keys[0])) || !list_kinds_keys[k])
				continue;
			cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(course, list_kinds_keys[k])) {
				id = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, k == RES_PAGE ? "page_id" : "id"), ib);
				if (!id)
					continue;
				strmap_put_take(&x->live, okey(cid, (enum resource_kind)k, id), o);
				if (k == RES_ASSIGNMENT)
					cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(o, "overrides")) {
						const char *sid = exec_id_text(cJSON_GetObjectItemCaseSensitive(sub, "id"), ib);

						if (sid)
							strmap_put_take(&x->live, okey(cid, RES_ASSIGNMENT_OVERRIDE, sid), sub);
					}
				if (k == RES_MODULE)
					cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(o, "items")) {
						const char *sid = exec_id_text(cJSON_GetObjectItemCaseSensitive(sub, "id"), ib);

						if (sid)
							strmap_put_take(&x->live, okey(cid, RES_MODULE_ITEM, sid), sub);
					}
				if (k == RES_DISCUSSION_TOPIC || k == RES_PAGE)   /* selective release (exec_date_details.c) */
					cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(o, "date_overrides")) {
						const char *sid = exec_id_text(cJSON_GetObjectItemCaseSensitive(sub, "id"), ib);

						if (sid)
							strmap_put_take(&x->live, okey(cid, RES_DATE_OVERRIDE, sid), sub);
					}
			}
		}
	}
}

/* The container of a live item or override (its module or assignment): the object holding it. */
static void live_parent(struct exec *x, struct xobj *ob)
{
	char cb[32], b[32];
	const char *t;
	cJSON *course, *o, *sub;
	enum resource_kind k = ob->c0->kind;
	const char *key = k == RES_MODULE_ITEM ? "modules" : k == RES_DATE_OVERRIDE ? "discussion_topics" : "assignments";
	const char *inner = k == RES_MODULE_ITEM ? "items" : k == RES_DATE_OVERRIDE ? "date_overrides" : "overrides";

	ob->live_parent[0] = 0;
	if (!ob->live || (k != RES_MODULE_ITEM && k != RES_ASSIGNMENT_OVERRIDE && k != RES_DATE_OVERRIDE))
		return;
	if (k == RES_DATE_OVERRIDE && (t = exec_id_text(cJSON_GetObjectItemCaseSensitive(ob->live, "wiki_page_id"), b))) {
		snprintf(ob->live_parent, sizeof(ob->live_parent), "page_id:%s", t);   /* a page's (page_dates.c) */
		return;
	}
	t = exec_id_text(cJSON_GetObjectItemCaseSensitive(ob->live, k == RES_MODULE_ITEM ? "module_id" :
							  k == RES_DATE_OVERRIDE ? "discussion_topic_id" : "assignment_id"), b);
	if (t) {
		snprintf(ob->live_parent, sizeof(ob->live_parent), "%s", t);
		return;
	}
	/* no back-reference in the object: find its holder (rare; only for objects without one) */
	cJSON_ArrayForEach(course, cJSON_GetObjectItemCaseSensitive(x->snap, "courses")) {
		t = exec_id_text(cJSON_GetObjectItemCaseSensitive(course, "id"), cb);
		if (!t || strcmp(t, ob->c0->course_id))
			continue;
		cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(course, key))
			cJSON_ArrayForEach(sub, cJSON_GetObjectItemCaseSensitive(o, inner))
				if (sub == ob->live && (t = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b))) {
					snprintf(ob->live_parent, sizeof(ob->live_parent), "%s", t);
					return;
				}
	}
}

/* ---------------------------------------------------------------- ids the plan creates */

static char *nkey(const char *course, const char *id)
{
	return xasprintf("%s\x1f%s", course, id);
}

/* The real id for `id` in course: itself, or the id the create of "new:N" got; NULL while that
 * create has not succeeded. */
static const char *resolve(const struct exec *x, const char *course, const char *id)
{
	char *k;
	void *v;

	if (!id || strncmp(id, "new:", 4))
		return id;
	k = nkey(course, id);
	v = strmap_get(&x->news, k);
	free(k);
	if (!v)
		return NULL;
	return x->res->new_id[(size_t)(uintptr_t)v - 1];
}

/* A value with every "new:N" it holds (a module_id, a prerequisite list) replaced by the real id.
 * Returns NULL and sets *missing when one is not known (yet). Malloced. */
static cJSON *resolve_value(const struct exec *x, const char *course, const cJSON *v, const char **missing)
{
	cJSON *out, *it;
	const char *r;

	if (cJSON_IsString(v) && !strncmp(v->valuestring, "new:", 4)) {
		r = resolve(x, course, v->valuestring);
		if (!r) {
			*missing = v->valuestring;
			return NULL;
		}
		return exec_id_json(r);
	}
	if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
		cJSON_ArrayForEach(it, v) {
			cJSON *e = resolve_value(x, course, it, missing);

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

static int refers_new(const cJSON *v)
{
	const cJSON *it;

	if (cJSON_IsString(v))
		return !strncmp(v->valuestring, "new:", 4);
	cJSON_ArrayForEach(it, v)
		if (refers_new(it))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- comparing with Canvas */

/* The live value of field (NULL: absent). A move's module_id of an item is its holder. */
static const cJSON *live_field(const struct xobj *ob, const char *field, cJSON **tmp)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ob->live, field);

	*tmp = NULL;
	if (!v && ob->c0->kind == RES_MODULE_ITEM && !strcmp(field, "module_id") && ob->live_parent[0]) {
		*tmp = cJSON_CreateString(ob->live_parent);
		return *tmp;
	}
	return v;
}

static int same(const struct exec *x, enum resource_kind kind, const char *field, const cJSON *want,
		const cJSON *got)
{
	return exec_value_matches(kind, field, want, got, x->origin);
}

/* A short JSON rendering of v for a message (at most ~80 bytes). Malloced. */
static char *brief(const cJSON *v)
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
		if (!same(x, ob->c0->kind, f->string, f, g))
			return f->string;
	}
	return NULL;
}

/* ---------------------------------------------------------------- creates already there */

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The live object a create would make, or NULL. Looks in the course's list (items: in the
 * module, resolved), skipping objects already taken by another create of this run. *count: how
 * many match; ids: their ids, ", "-separated (may be NULL). */
static cJSON *find_existing(struct exec *x, struct xobj *ob, struct strmap *taken, int *count, struct buf *ids)
{
	const struct plan_change *c = ob->c0;
	const cJSON *after = c->after;
	cJSON *course, *list = NULL, *o, *found = NULL;
	char ib[32], pb[32];
	int nfound = 0;

	{
		char *k = okey(c->course_id, RES_COURSE, c->course_id);

		course = strmap_get(&x->live, k);
		free(k);
	}
	*count = 0;
	if (!course)
		return NULL;
	if (c->kind == RES_MODULE_ITEM) {
		const cJSON *mid = cJSON_GetObjectItemCaseSensitive(after, "module_id");
		const char *m = exec_id_text(mid, pb), *rm = m ? resolve(x, c->course_id, m) : NULL;
		char *k;
		cJSON *mod;

		if (!rm)
			return NULL;   /* its module is new: nothing can be in it yet */
		k = okey(c->course_id, RES_MODULE, rm);
		mod = strmap_get(&x->live, k);
		free(k);
		list = cJSON_GetObjectItemCaseSensitive(mod, "items");
	} else if ((unsigned)c->kind < sizeof(list_kinds_keys) / sizeof(list_kinds_keys[0]) &&
		   list_kinds_keys[c->kind]) {
		list = cJSON_GetObjectItemCaseSensitive(course, list_kinds_keys[c->kind]);
	}
	cJSON_ArrayForEach(o, list) {
		const char *id = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, c->kind == RES_PAGE ? "page_id" : "id"), ib);
		char *k;
		int t;

		if (!id || !exec_create_matches(c->kind, after, o))
			continue;
		k = okey(c->course_id, c->kind, id);
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

/* ---------------------------------------------------------------- units */

static struct unit *unit_new(struct exec *x, enum utype type, struct xobj *ob)
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

static void unit_add(struct unit *u, size_t i)
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

/* The intents of units us[0..n-1], in one fsync'ed batch: before any of their requests leaves. */
static int journal_batch(struct exec *x, struct unit *const *us, size_t n)
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

			seqs[m++] = chg(x, ci)->seq;
			x->res->state[ci] = JOURNAL_INTENT;
			x->written[ci] = 1;
		}
	rc = journal_intents(x->o->journal, seqs, m, &e);
	free(seqs);
	if (rc)
		stop(x, &e);
	return rc;
}

static void chain_run(struct unit *u);

/* The unit is over (every change has its outcome, or the run stopped): the object may be done,
 * and the chain goes on. */
static void bulk_end(struct unit *u);

static void unit_done(struct unit *u)
{
	if (u->type == U_BULK) {
		bulk_end(u);
	} else if (u->obj) {
		u->obj->units--;
		close_object(u->obj);
	}
}

static void unit_finish_async(struct unit *u)
{
	unit_done(u);
	if (u->chained && u->next)
		chain_run(u->next);
}

/* The answer to a write that got no outcome because the run stopped (a 401, a journal error):
 * the changes stay "intent". */
static int stopped_answer(struct exec *x, long status, const struct err *err)
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
static int unsent(struct unit *u, const struct err *err)
{
	size_t i;

	if (err->code != ERR_NOTSENT)
		return 0;
	if (u->type != U_BULK && u->type != U_DELETE &&
	    (u->phase != 0 || u->obj->adopted || (u->type == U_CREATE && (u->posts > 1 || u->lost))))
		return 0;
	for (i = 0; i < u->nch; i++) {
		outcome(u->x, u->ch[i], JOURNAL_SKIPPED, EXEC_NOT_SENT, NULL, NULL);
		u->x->unsent[u->ch[i]] = 1;
		free(u->x->res->error[u->ch[i]]);   /* the journal says why; the report counts it "not sent" */
		u->x->res->error[u->ch[i]] = NULL;
	}
	return 1;
}

static void fail_all(struct unit *u, const char *fmt, const char *arg)
{
	size_t i;
	char *r = xasprintf(fmt, arg);

	for (i = 0; i < u->nch; i++)
		outcome(u->x, u->ch[i], JOURNAL_FAILED, r, NULL, NULL);
	free(r);
}

/* ---------------------------------------------------------------- read-back of one object */

static void submit_reread(struct unit *u);

/* Compare the answer with what was sent; set outcomes. Returns 1 when a field is missing from the
 * answer and a re-read is needed (only in phases 0 and 1). */
static int read_back(struct unit *u, const cJSON *got, int final)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	enum resource_kind kind = ob->c0->kind;
	const cJSON *f;
	size_t i;
	int missing = 0;
	struct buf bad = BUF_INIT;

	cJSON_ArrayForEach(f, u->sent) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, f->string);

		if (!g && !cJSON_IsNull(f) && !final) {
			missing = 1;
			continue;
		}
		if (!g && !cJSON_IsNull(f)) {
			buf_printf(&bad, "%sCanvas's answer does not show %s, so coursectl cannot tell whether it was "
				   "written", bad.len ? "; " : "", f->string);
			continue;
		}
		if (!same(x, kind, f->string, f, g)) {
			char *gw = brief(g), *ww = brief(f);

			buf_printf(&bad, "%sCanvas answered %s but %s is %s, not %s", bad.len ? "; " : "",
				   "2xx", f->string, gw, ww);
			free(gw);
			free(ww);
		}
	}
	if (missing) {
		buf_release(&bad);
		return 1;
	}
	for (i = 0; i < u->nch; i++) {
		size_t ci = u->ch[i];
		const struct plan_change *c = chg(x, ci);

		if (c->op == PLAN_CREATE) {
			outcome(x, ci, bad.len ? JOURNAL_FAILED : JOURNAL_DONE, bad.len ? bad.ptr : NULL, u->new_id, NULL);
			continue;
		}
		/* one change per field: find its verdict */
		{
			const cJSON *want = cJSON_GetObjectItemCaseSensitive(u->sent, c->field);
			const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, c->field);

			if (!want && exec_is_derived_field(kind, c->field)) {
				/* Canvas made it from what was sent: the plan's prediction is checked */
				if (g && same(x, kind, c->field, c->after, g)) {
					outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
				} else {
					char *gw = brief(g), *ww = brief(c->after);
					char *r = xasprintf("Canvas made %s %s, not %s as planned", c->field, gw, ww);

					outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
					free(r);
					free(gw);
					free(ww);
				}
			} else if (!want) {
				outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
			} else if (!g && !cJSON_IsNull(want)) {
				char *r = xasprintf("Canvas's answer does not show %s, so coursectl cannot tell whether it "
						    "was written", c->field);

				outcome(x, ci, JOURNAL_FAILED, r, NULL, NULL);
				free(r);
			} else if (same(x, kind, c->field, want, g)) {
				outcome(x, ci, JOURNAL_DONE, NULL, NULL, NULL);
			} else if (same(x, kind, c->field, c->before, g)) {
				char *r = xasprintf("Canvas answered %s but did not change %s", "200", c->field);

				outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
				free(r);
			} else {
				char *gw = brief(g), *ww = brief(want);
				char *r = xasprintf("Canvas answered 200 but stored %s instead of %s", gw, ww);

				outcome(x, ci, JOURNAL_FAILED, r, NULL, g);
				free(r);
				free(gw);
				free(ww);
			}
		}
	}
	buf_release(&bad);
	return 0;
}

static const char *obj_id(const struct unit *u)
{
	return u->new_id ? u->new_id : u->obj->adopted ? u->obj->adopted : u->obj->c0->id;
}

/* The module an item is addressed under: where Canvas has it now. */
static const char *item_parent(const struct unit *u)
{
	const struct xobj *ob = u->obj;

	if (ob->live_parent[0])
		return ob->live_parent;
	if (u->type == U_CREATE || u->new_id) {
		static char b[32];
		const char *m = exec_id_text(cJSON_GetObjectItemCaseSensitive(ob->c0->after, "module_id"), b);

		return m ? resolve(u->x, ob->c0->course_id, m) : NULL;
	}
	return resolve(u->x, ob->c0->course_id, ob->c0->parent);
}

/* ---------------------------------------------------------------- selective release */

/* The live overrides of the topic holding date override u (exec_date_details.c), or NULL. */
static cJSON *date_siblings(const struct unit *u)
{
	const struct plan_change *c0 = u->obj->c0;
	const char *topic = item_parent(u);
	char *k;
	cJSON *t;

	if (!topic)
		return NULL;
	k = page_dates_parent_page(topic) ? okey(c0->course_id, RES_PAGE, page_dates_parent_page(topic)) :
		okey(c0->course_id, RES_DISCUSSION_TOPIC, topic);
	t = strmap_get(&u->x->live, k);
	free(k);
	return t ? cJSON_GetObjectItemCaseSensitive(t, "date_overrides") : NULL;
}

static cJSON *date_details_body(const struct unit *u)
{
	return exec_date_details_body(date_siblings(u), obj_id(u), u->sent);
}

/* A re-read of date_details: the override u wrote (NULL when gone). Every override of the topic
 * in the live copy takes the dates Canvas now holds, so the next write of the topic (chained after
 * this one) starts from them. */
static const cJSON *date_details_reread(const struct unit *u, const cJSON *json)
{
	const cJSON *o, *mine = NULL;
	cJSON *live = date_siblings(u), *l;
	char b[32], lb[32];

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(json, "overrides")) {
		const char *oid = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);

		if (!oid)
			continue;
		if (!strcmp(oid, obj_id(u)))
			mine = o;
		cJSON_ArrayForEach(l, live) {
			const char *lid = exec_id_text(cJSON_GetObjectItemCaseSensitive(l, "id"), lb);
			const char *const dates[] = { "unlock_at", "lock_at" };
			size_t d;

			if (!lid || strcmp(lid, oid))
				continue;
			for (d = 0; d < 2; d++) {
				const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, dates[d]);

				cJSON_DeleteItemFromObjectCaseSensitive(l, dates[d]);
				cJSON_AddItemToObject(l, dates[d], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
			}
		}
	}
	return mine;
}

static void on_reread(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;

	(void)cv;
	if (err->code == ERR_AUTH || (u->x->stopped && err->code)) {
		/* the write got its answer: the changes stay intent, resume re-reads them */
	} else if (err->code) {
		fail_all(u, "written, but the re-read to check it failed: %s", err->msg);
	} else if (u->obj->c0->kind == RES_DATE_OVERRIDE) {
		const cJSON *mine = date_details_reread(u, json);
		cJSON *none = mine ? NULL : cJSON_CreateObject();

		read_back(u, mine ? mine : none, 1);
		cJSON_Delete(none);
	} else {
		if (u->obj->c0->kind == RES_ASSIGNMENT)
			resource_flatten_checkpoints(json);   /* its checkpoints' dates by their names */
		read_back(u, json, 1);
	}
	cJSON_Delete(json);
	unit_finish_async(u);
}

static void submit_reread(struct unit *u)
{
	const struct xobj *ob = u->obj;
	char *path = u->checkpoint && ob->c0->kind == RES_PAGE ? exec_checkpoint_path(ob->c0->course_id, ob->live) :
		exec_object_path(ob->c0->kind, ob->c0->course_id, obj_id(u), item_parent(u), 1);
	char *what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), obj_id(u), ob->c0->course_id);

	u->phase = 2;
	canvas_get(u->x->cv, path, what, on_reread, u);
	free(path);
	free(what);
}

/* ---------------------------------------------------------------- PUT and POST of one object */

static void on_write(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* Send u->sent as a PUT (or, phase 0 of a create, a POST). */
static void send_object(struct unit *u, int create)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	cJSON *body = ob->c0->kind == RES_DATE_OVERRIDE ? date_details_body(u) : exec_body(ob->c0->kind, u->sent, create);
	char *path, *what;

	if (create) {
		path = exec_create_path(ob->c0->kind, ob->c0->course_id, item_parent(u));
	} else if (u->checkpoint) {
		/* the Learning Object Dates API of the assignment's topic (exec_checkpoint_field) */
		cJSON_Delete(body);
		body = cJSON_Duplicate(u->sent, 1);
		path = exec_checkpoint_path(ob->c0->course_id, ob->live);
	} else {
		path = exec_object_path(ob->c0->kind, ob->c0->course_id, obj_id(u), item_parent(u), 0);
	}
	what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), create ? "(new)" : obj_id(u),
			 ob->c0->course_id);
	if (create) {
		u->sent_at = exec_now();
		u->posts++;
	}
	canvas_send(x->cv, create ? "POST" : "PUT", path, body, 0, what, on_write, u);
	cJSON_Delete(body);
	free(path);
	free(what);
}

/* Comments (issue 15; canvas-lms DiscussionTopicsController#process_discussion_topic_runner and
 * #process_lock_parameters): an announcement PUT without `locked` is read as locked=false, which
 * reopens closed comments and drops lock_at. Every topic and announcement PUT therefore sends
 * `locked` as the object has it now (live), unless the plan changes it; a rollback's PUT does the
 * same, so comments end as they were. */
static void keep_locked(struct unit *u, cJSON *sent)
{
	const struct xobj *ob = u->obj;
	const cJSON *l;

	if (u->type != U_PUT || (ob->c0->kind != RES_ANNOUNCEMENT && ob->c0->kind != RES_DISCUSSION_TOPIC) ||
	    !ob->live || cJSON_HasObjectItem(sent, "locked") || !sent->child)
		return;
	l = cJSON_GetObjectItemCaseSensitive(ob->live, "locked");
	if (cJSON_IsBool(l))
		cJSON_AddBoolToObject(sent, "locked", cJSON_IsTrue(l));
}

static void on_relock(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	(void)cv;
	(void)status;
	if (err->code)
		warnf("%s had its comments reopened by Canvas and could not close them again: %s", (const char *)ud,
		      err->msg);
	cJSON_Delete(json);
	free(ud);
}

/* A changed delayed_post_at or lock_at makes Canvas recompute `locked` from lock_at and ignore the
 * parameter (process_future_date_parameters), so a topic whose comments were closed by hand opens
 * them with a date shift. A second PUT of locked=true alone (lock_at then unchanged) closes them
 * again. This only keeps a value, so it is not journaled. */
static void keep_comments_closed(struct unit *u, const cJSON *got)
{
	struct exec *x = u->x;
	const struct xobj *ob = u->obj;
	cJSON *sent, *body;
	char *path, *what;

	const char *la;
	int64_t t;

	if (u->type != U_PUT || (ob->c0->kind != RES_ANNOUNCEMENT && ob->c0->kind != RES_DISCUSSION_TOPIC) ||
	    !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u->sent, "locked")) ||
	    !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(got, "locked")) || !ob->live)
		return;
	/* closed by hand only: a topic closed because its lock_at had passed opens with a later one */
	la = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ob->live, "lock_at"));
	if (la && !dates_parse(la, &t) && t <= (int64_t)time(NULL))
		return;
	sent = cJSON_CreateObject();
	cJSON_AddTrueToObject(sent, "locked");
	body = exec_body(ob->c0->kind, sent, 0);
	path = exec_object_path(ob->c0->kind, ob->c0->course_id, obj_id(u), NULL, 0);
	what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), obj_id(u), ob->c0->course_id);
	canvas_send(x->cv, "PUT", path, body, 0, what, on_relock, xstrdup(what));
	cJSON_Delete(sent);
	cJSON_Delete(body);
	free(path);
	free(what);
}

/* The answer to a PUT (or the object a POST made, all fields taken): read-back, and a re-read when
 * the answer does not carry a field. Takes json. */
static void answered(struct unit *u, cJSON *json)
{
	keep_comments_closed(u, json);
	if (read_back(u, json, 0)) {
		cJSON_Delete(json);
		submit_reread(u);
		return;
	}
	cJSON_Delete(json);
	unit_finish_async(u);
}

/* The object a POST made (its answer, or found by check_post): record its id, then one PUT for
 * what Canvas did not take on create (a module's published flag), or straight to read-back.
 * Takes json. */
static void created(struct unit *u, cJSON *json)
{
	struct exec *x = u->x;
	char b[32];
	const char *id = exec_id_text(cJSON_GetObjectItemCaseSensitive(json, u->obj->c0->kind == RES_PAGE ? "page_id" : "id"),
				 b);
	cJSON *fix, *all;
	const cJSON *f;

	if (!id) {
		fail_all(u, "Canvas answered %s but gave no id for the new object", "2xx");
		cJSON_Delete(json);
		unit_finish_async(u);
		return;
	}
	u->new_id = xstrdup(id);
	free(x->res->new_id[u->ch[0]]);
	x->res->new_id[u->ch[0]] = xstrdup(id);
	fix = cJSON_CreateObject();
	cJSON_ArrayForEach(f, u->sent) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(json, f->string);

		if (g && !same(x, u->obj->c0->kind, f->string, f, g) && exec_param_name(u->obj->c0->kind, f->string, 0))
			cJSON_AddItemToObject(fix, f->string, cJSON_Duplicate(f, 1));
	}
	if (fix->child) {
		/* u->sent keeps every field: read-back checks them all after the PUT */
		cJSON_Delete(json);
		u->phase = 1;
		all = u->sent;
		u->sent = fix;
		send_object(u, 0);
		u->sent = all;
		cJSON_Delete(fix);
		return;
	}
	cJSON_Delete(fix);
	u->phase = 1;
	answered(u, json);
}

/* The list a created object appears in (to look for it after a POST without an answer). */
static char *container_path(const struct unit *u)
{
	const struct plan_change *c = u->obj->c0;
	const struct resource *res = resource_get(c->kind);

	switch (c->kind) {
	case RES_MODULE_ITEM:
		return xasprintf("/api/v1/courses/%s/modules/%s/items", c->course_id, item_parent(u));
	case RES_ASSIGNMENT_OVERRIDE:
		return xasprintf("/api/v1/courses/%s/assignments/%s/overrides", c->course_id,
				 resolve(u->x, c->course_id, c->parent));
	case RES_PAGE:
		return xasprintf("/api/v1/courses/%s/pages", c->course_id);
	default:
		return res->list_path ? xasprintf(res->list_path, c->course_id) : NULL;
	}
}

static void on_post_check(struct canvas *cv, cJSON *json, const struct err *err, void *ud);
static void on_post_check_page(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* A POST without a clear answer (no response, or a 5xx: the object may exist, API.md 12): look for
 * it in its list -- at once, and after a lost answer (no response, a 504) again with backoff until
 * u->window has passed, as Canvas may still be making it (exec_lost.c); found, it is the create's
 * result; absent after the window, POST again (POST_TRIES POSTs in all); a list that cannot be
 * read, or the tries used up, leaves the change in doubt for resume. */
static void check_post(struct unit *u, const struct err *err)
{
	char *path = container_path(u), *what;
	size_t i;
	double d;

	if (!path || (u->posts >= POST_TRIES && u->looked >= u->window)) {
		char *r = xasprintf("no clear answer to the POST (%s), so the object may or may not exist; run "
				    "`coursectl apply --resume %s` to find out and finish", err->msg,
				    journal_path(u->x->o->journal));

		for (i = 0; i < u->nch; i++)
			outcome(u->x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
		free(r);
		free(path);
		unit_finish_async(u);
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
		unit_finish_async(u);   /* stays intent */
		return;
	}
	if (err->code) {
		u->posts = POST_TRIES;
		u->looked = u->window;
		check_post(u, err);
		return;
	}
	cJSON_ArrayForEach(o, json)
		if (exec_create_matches(c->kind, c->after, o)) {
			const char *id = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, c->kind == RES_PAGE ? "page_id"
											   : "id"), b);

			found = o;
			n++;
			buf_printf(&ids, "%s%s", n > 1 ? ", " : "", id ? id : "?");
		}
	if (n == 1) {
		buf_release(&ids);
		if (u->lost >= 2)
			u->x->dup_risk[u->ch[0]] = 1;   /* found one; another lost POST may still land */
		found = cJSON_DetachItemViaPointer(json, found);
		cJSON_Delete(json);
		created(u, found);
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
			outcome(u->x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
		free(r);
		buf_release(&ids);
		unit_finish_async(u);
		return;
	}
	buf_release(&ids);
	if (u->looked < u->window || u->posts >= POST_TRIES) {
		check_post(u, &u->post_err);   /* Canvas may still be making it: look again (or give up) */
		return;
	}
	send_object(u, 1);   /* not there after the window: the POST did not land; again */
}

static void on_write(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	struct exec *x = u->x;
	int create = u->type == U_CREATE && u->phase == 0;
	size_t i;

	(void)cv;
	if (unsent(u, err) || stopped_answer(x, status, err)) {
		cJSON_Delete(json);
		unit_finish_async(u);
		return;
	}
	if (err->code) {
		cJSON_Delete(json);
		if (create && (status == 0 || status >= 500)) {
			/* no answer, or a gateway that gave up waiting: Canvas may still be making it */
			u->window = 0;
			if (status == 0 || status == 504) {
				u->lost++;
				u->window = exec_lost_window(exec_now() - u->sent_at);
			}
			u->looked = 0;
			u->looks = 0;
			u->post_err = *err;
			check_post(u, err);
			return;
		}
		for (i = 0; i < u->nch; i++)
			outcome(x, u->ch[i], JOURNAL_FAILED, err->msg, u->new_id, NULL);
		unit_finish_async(u);
		return;
	}
	if (create) {
		if (u->lost)
			x->dup_risk[u->ch[0]] = 1;   /* answered; an earlier lost POST may still land */
		created(u, json);
	} else {
		answered(u, json);
	}
}

/* ---------------------------------------------------------------- DELETE */

static void on_delete(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	struct exec *x = u->x;
	size_t i;

	(void)cv;
	cJSON_Delete(json);
	if (!unsent(u, err) && !stopped_answer(x, status, err)) {
		for (i = 0; i < u->nch; i++) {
			if (!err->code || err->code == ERR_NOTFOUND)
				outcome(x, u->ch[i], JOURNAL_DONE, NULL, NULL, NULL);
			else
				outcome(x, u->ch[i], JOURNAL_FAILED, err->msg, NULL, NULL);
		}
	}
	unit_finish_async(u);
}

/* ---------------------------------------------------------------- bulk_update */

static void on_bulk_reread(struct canvas *cv, cJSON *json, const struct err *err, void *ud);
static void bulk_end(struct unit *u);
static void on_progress(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

static const char *bulk_assignment(const struct plan_change *c)
{
	return c->kind == RES_ASSIGNMENT ? c->id : c->parent;
}

static struct xobj *obj_of(const struct exec *x, size_t i)
{
	const struct plan_change *c = chg(x, i);
	char *k = okey(c->course_id, c->kind, c->id);
	struct xobj *ob = strmap_get(&x->objmap, k);

	free(k);
	return ob;
}

static void poll_progress(struct unit *u)
{
	double delay = 0.3;
	int i;

	for (i = 0; i < u->polls && delay < 2.0; i++)
		delay *= 1.5;
	if (delay > 2.0)
		delay = 2.0;
	u->waited += delay;
	u->polls++;
	canvas_send_later(u->x->cv, delay, "GET", u->progress_path, NULL, 0, "the bulk date update's progress",
			  on_progress, u);
}

/* The re-read (issue 15, CURRENT.md 9). AssignmentsApiController#index answers 400 "Invalid
 * assignment_ids: A,B" when the page holds fewer rows than assignment_ids[] asked: an assignment
 * deleted since the plan, or more ids than the instance's per_page cap (50 on some). So the ids go
 * REREAD_BATCH a request with per_page=REREAD_BATCH (one page each), and a 400 that names ids
 * sends the same request again without them: those assignments are not in Canvas's list, which
 * fails their changes like any object missing from the re-read. */
struct rr_req {
	struct unit *u;
	cJSON *ids;                     /* the ids of this request (strings) */
};

static void rr_send(struct unit *u, cJSON *ids)
{
	struct buf path = BUF_INIT;
	struct rr_req *r;
	const cJSON *id;

	if (!cJSON_GetArraySize(ids)) {
		cJSON_Delete(ids);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->u = u;
	r->ids = ids;
	buf_printf(&path, "/api/v1/courses/%s/assignments?include[]=overrides&override_assignment_dates=false"
		   "&per_page=%d", u->course_id, REREAD_BATCH);
	cJSON_ArrayForEach(id, ids)
		buf_printf(&path, "&assignment_ids[]=%s", id->valuestring);
	u->rr_pending++;
	canvas_list(u->x->cv, path.ptr, "the assignments of the bulk date update", on_bulk_reread, r);
	buf_release(&path);
}

static void bulk_reread(struct unit *u)
{
	const char *prev = NULL;
	cJSON *ids = NULL;
	size_t i;

	cJSON_Delete(u->reread);
	u->reread = cJSON_CreateArray();
	u->rr_pending = 0;
	memset(&u->rr_err, 0, sizeof(u->rr_err));
	for (i = 0; i < u->nch; i++) {
		const char *a = bulk_assignment(chg(u->x, u->ch[i]));

		if (prev && !strcmp(prev, a))
			continue;
		if (!ids)
			ids = cJSON_CreateArray();
		cJSON_AddItemToArray(ids, cJSON_CreateString(a));
		prev = a;
		if (cJSON_GetArraySize(ids) == REREAD_BATCH) {
			rr_send(u, ids);
			ids = NULL;
		}
	}
	if (ids)
		rr_send(u, ids);
	if (!u->rr_pending) {
		/* nothing to read: judge the (empty) list at once */
		on_bulk_reread(u->x->cv, NULL, NULL, u);
	}
}

/* The ids a 400 "Invalid assignment_ids: A,B" names that are in `ids`; removed from it. 0 when the
 * error is not that one or names none of them. */
static int rr_drop_invalid(cJSON *ids, const struct err *err)
{
	const char *p = strstr(err->msg, "Invalid assignment_ids: ");
	int n = 0;

	if (!p)
		return 0;
	p += strlen("Invalid assignment_ids: ");
	while (*p) {
		size_t len = strspn(p, "0123456789");
		int i;

		if (!len)
			break;
		for (i = cJSON_GetArraySize(ids) - 1; i >= 0; i--) {
			const char *v = cJSON_GetArrayItem(ids, i)->valuestring;

			if (strlen(v) == len && !strncmp(v, p, len)) {
				cJSON_DeleteItemFromArray(ids, i);
				n++;
			}
		}
		p += len;
		if (*p != ',')
			break;
		p++;
	}
	return n;
}

/* The assignment (or override) object in a re-read list. */
static const cJSON *find_in_list(const cJSON *list, const struct plan_change *c)
{
	const cJSON *a, *o;
	char b[32];
	const char *aid = bulk_assignment(c);

	cJSON_ArrayForEach(a, list) {
		const char *t = exec_id_text(cJSON_GetObjectItemCaseSensitive(a, "id"), b);

		if (!t || strcmp(t, aid))
			continue;
		if (c->kind == RES_ASSIGNMENT)
			return a;
		cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(a, "overrides")) {
			t = exec_id_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);
			if (t && !strcmp(t, c->id))
				return o;
		}
		return NULL;
	}
	return NULL;
}

static void on_bulk_reread(struct canvas *cv, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u;
	struct exec *x;
	size_t i;

	(void)cv;
	if (err) {
		/* one request of the re-read */
		struct rr_req *r = ud;
		cJSON *it;

		u = r->u;
		u->rr_pending--;
		if (err->code && !u->x->stopped && rr_drop_invalid(r->ids, err)) {
			rr_send(u, r->ids);   /* again, without the ids Canvas does not have */
			r->ids = NULL;
		} else if (err->code) {
			if (!u->rr_err.code)
				u->rr_err = *err;
		} else {
			while ((it = cJSON_DetachItemFromArray(json, 0)))
				cJSON_AddItemToArray(u->reread, it);
		}
		cJSON_Delete(json);
		cJSON_Delete(r->ids);
		free(r);
		if (u->rr_pending)
			return;
	} else {
		u = ud;
	}
	x = u->x;
	err = &u->rr_err;
	json = u->reread;
	u->reread = NULL;
	if (err->code == ERR_AUTH || (x->stopped && err->code)) {
		/* stays intent */
	} else if (err->code) {
		fail_all(u, "the bulk update completed, but the re-read to check it failed: %s", err->msg);
	} else {
		for (i = 0; i < u->nch; i++) {
			const struct plan_change *c = chg(x, u->ch[i]);
			const cJSON *o = find_in_list(json, c), *g;

			if (!o) {
				outcome(x, u->ch[i], JOURNAL_FAILED, "the bulk update completed, but the object is not in "
					"Canvas's list any more", NULL, NULL);
				continue;
			}
			g = cJSON_GetObjectItemCaseSensitive(o, c->field);
			if (same(x, c->kind, c->field, c->after, g)) {
				outcome(x, u->ch[i], JOURNAL_DONE, NULL, NULL, NULL);
			} else if (same(x, c->kind, c->field, c->before, g)) {
				char *r = xasprintf("Canvas completed the bulk update but did not change %s", c->field);

				outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, g);
				free(r);
			} else {
				char *gw = brief(g), *ww = brief(c->after);
				char *r = xasprintf("Canvas completed the bulk update but stored %s instead of %s", gw, ww);

				outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, g);
				free(r);
				free(gw);
				free(ww);
			}
		}
	}
	cJSON_Delete(json);
	bulk_end(u);
}

/* ---------------------------------------------------------------- a refused bulk update
 *
 * Assignment::BulkUpdate#run (app/models/assignment/bulk_update.rb) validates every assignment
 * the request changes, and its overrides, before it saves any: one invalid object (a due date
 * after its lock date, a closed grading period) fails the Progress and nothing of the request is
 * saved. The Progress's results name the refused objects: an array of rows, one per invalid
 * assignment ({"assignment_id": A, ...its errors}) or override ({"assignment_id": A,
 * "assignment_override_id": O, ...}); a RecordNotFound (an unknown assignment or override id)
 * gives {"message": "..."} instead. The errors of a row are merged in by
 * Api::Errors::Reporter.to_json: API.md 5.3 documents them as {field: [message, ...]}, and the
 * current reporter (lib/api/errors.rb) as {"errors": [{"field", "message", "error_code"}]}; both
 * are read. So that one refused object does not sink the course's other dates (issue 13 case 4),
 * the assignments the rows name fail -- all their dates, base and overrides: Canvas saves an
 * assignment with its overrides, and an object's dates are never split (a half-written set can be
 * an order Canvas refuses) -- and the rest of the batch is sent again, as a new request with new
 * intents (a kill before its answer leaves them in doubt with no job, which resume and rollback
 * handle). When the errors name no assignment of the batch, the batch is sent again as two halves
 * (split between assignments), down to one assignment, which then fails with Canvas's message.
 * Each round removes or halves, so it ends; a course-wide refusal costs about two requests per
 * assignment, the price of finding the one that is at fault.
 * Rejected: failing the whole batch (the behaviour this replaces: one fancy-midnight date left 82
 * fields of a course shifted); sending one bulk_update per assignment from the start (one request
 * and one background job per assignment where one per course does). */

/* The messages of a results row into b ("field: message", "; " between), only those of `field`
 * when it is not NULL. Returns how many. */
static int row_messages(const cJSON *row, const char *field, struct buf *b)
{
	const cJSON *f, *m, *e, *arr;
	int n = 0;

	cJSON_ArrayForEach(f, row) {
		if (!strcmp(f->string, "assignment_id") || !strcmp(f->string, "assignment_override_id"))
			continue;
		if (!strcmp(f->string, "errors") && cJSON_IsArray(f)) {
			/* [{"field": "due_at", "message": "...", "error_code": "..."}] */
			cJSON_ArrayForEach(e, f) {
				const char *ef = str_of(e, "field"), *em = str_of(e, "message");

				if (!em || (field && (!ef || strcmp(ef, field))))
					continue;
				buf_printf(b, "%s%s: %s", b->len ? "; " : "", ef ? ef : "base", em);
				n++;
			}
			continue;
		}
		if (field && strcmp(f->string, field))
			continue;
		/* {"due_at": ["must be between availability dates"]}, or message objects */
		arr = cJSON_IsArray(f) ? f : NULL;
		cJSON_ArrayForEach(m, arr) {
			const char *t = cJSON_IsString(m) ? m->valuestring : str_of(m, "message");

			if (!t)
				continue;
			buf_printf(b, "%s%s: %s", b->len ? "; " : "", f->string, t);
			n++;
		}
	}
	return n;
}

/* 1 when results row `row` is about change c itself (its assignment, or its override). */
static int row_is_about(const cJSON *row, const struct plan_change *c)
{
	char b[32], b2[32];
	const char *a = exec_id_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);
	const char *o = exec_id_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_override_id"), b2);

	if (!a || strcmp(a, bulk_assignment(c)))
		return 0;
	return c->kind == RES_ASSIGNMENT ? !o : o && !strcmp(o, c->id);
}

/* End the objects of changes ch[0..n-1] (sorted as units are: an object's changes together). */
static void bulk_release(struct exec *x, const size_t *ch, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct xobj *ob = obj_of(x, ch[i]);

		if (ob && (i + 1 == n || obj_of(x, ch[i + 1]) != ob)) {
			ob->units--;
			close_object(ob);
		}
	}
}

static void send_bulk(struct unit *u);

/* Send the changes now in u again, as a new bulk_update: new intents first. */
static void bulk_resend(struct unit *u)
{
	struct exec *x = u->x;

	free(u->progress_path);
	u->progress_path = NULL;
	u->waited = 0;
	u->polls = 0;
	if (!u->nch)
		return;
	if (x->stopped || http_stopped(canvas_http(x->cv)) || journal_batch(x, &u, 1)) {
		bulk_end(u);   /* the changes stay intent: nothing of them was saved, resume writes them */
		return;
	}
	send_bulk(u);
}

/* The number of assignments in u, and in *half the index of the change where the second half of
 * them starts. */
static size_t bulk_assignments(const struct unit *u, size_t *half)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < u->nch; i++)
		n += !i || strcmp(bulk_assignment(chg(u->x, u->ch[i])), bulk_assignment(chg(u->x, u->ch[i - 1])));
	*half = u->nch;
	for (i = 0; i < u->nch; i++) {
		k += !i || strcmp(bulk_assignment(chg(u->x, u->ch[i])), bulk_assignment(chg(u->x, u->ch[i - 1])));
		if (k > n / 2) {
			*half = i;
			break;
		}
	}
	return n;
}

/* A failed Progress (see above): fail what Canvas refused, send the rest again. Ends u or sends
 * it again. Nothing of the request was saved. */
static void bulk_failed(struct unit *u, const cJSON *results)
{
	struct exec *x = u->x;
	const char *msg = str_of(results, "message");
	const cJSON *rows = cJSON_IsArray(results) ? results : NULL, *row;
	unsigned char *refused = xcalloc(u->nch ? u->nch : 1, 1);
	size_t i, k, keep = 0, half, nrefused = 0;

	/* the changes of every assignment a row names */
	for (i = 0; i < u->nch; i++) {
		const char *a = bulk_assignment(chg(x, u->ch[i]));
		char b[32];

		cJSON_ArrayForEach(row, rows) {
			const char *ra = exec_id_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);

			if (ra && !strcmp(ra, a))
				refused[i] = 1;
		}
		nrefused += refused[i];
	}
	if (!nrefused && bulk_assignments(u, &half) > 1) {
		/* nobody of this batch named: two halves, each on its own */
		struct unit *v = unit_new(x, U_BULK, NULL);

		v->course_id = u->course_id;
		for (i = half; i < u->nch; i++)
			unit_add(v, u->ch[i]);
		u->nch = half;
		free(refused);
		bulk_resend(u);
		bulk_resend(v);
		return;
	}
	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = chg(x, u->ch[i]);
		struct buf own = BUF_INIT, all = BUF_INIT;
		char *r;

		if (nrefused && !refused[i])
			continue;
		cJSON_ArrayForEach(row, rows) {
			char b[32], b2[32];
			const char *ra = exec_id_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);
			const char *ro = exec_id_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_override_id"), b2);
			struct buf m = BUF_INIT;

			if (row_is_about(row, c))
				row_messages(row, c->field, &own);
			if (ra && !strcmp(ra, bulk_assignment(c)) && row_messages(row, NULL, &m)) {
				if (ro)
					buf_printf(&all, "%soverride %s %s", all.len ? "; " : "", ro, m.ptr);
				else
					buf_printf(&all, "%s%s", all.len ? "; " : "", m.ptr);
			}
			buf_release(&m);
		}
		if (own.len)
			r = xasprintf("Canvas refused the date: %s", own.ptr);
		else if (nrefused)
			r = xasprintf("not saved: Canvas refused the dates of assignment %s (%s); an assignment's dates "
				      "are saved together or not at all", bulk_assignment(c),
				      all.len ? all.ptr : "no reason given");
		else if (msg)
			r = xasprintf("Canvas's bulk update failed: %s", msg);
		else
			r = xasprintf("Canvas's bulk update failed (%s)", all.len ? all.ptr : "no reason given");
		outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, NULL);
		free(r);
		buf_release(&own);
		buf_release(&all);
	}
	if (!nrefused) {
		free(refused);
		bulk_end(u);
		return;
	}
	/* the refused objects are over; the others go again */
	for (i = 0; i < u->nch; i = k) {
		for (k = i; k < u->nch && refused[k] == refused[i]; k++)
			;
		if (refused[i])
			bulk_release(x, u->ch + i, k - i);
	}
	for (i = 0; i < u->nch; i++)
		if (!refused[i])
			u->ch[keep++] = u->ch[i];
	u->nch = keep;
	free(refused);
	bulk_resend(u);
}

static void bulk_end(struct unit *u)
{
	bulk_release(u->x, u->ch, u->nch);
}

static void on_progress(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	struct exec *x = u->x;
	const char *ws;

	(void)cv;
	if (err->code) {
		if (!stopped_answer(x, status, err)) {
			size_t i;
			char *r = xasprintf("the bulk update was sent, but its progress cannot be read (%s); run "
					    "`coursectl apply --resume JOURNAL` to check", err->msg);

			for (i = 0; i < u->nch; i++)
				outcome(x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
			free(r);
		}
		cJSON_Delete(json);
		bulk_end(u);
		return;
	}
	ws = str_of(json, "workflow_state");
	if (ws && !strcmp(ws, "completed")) {
		cJSON_Delete(json);
		bulk_reread(u);
		return;
	}
	if (ws && !strcmp(ws, "failed")) {
		bulk_failed(u, cJSON_GetObjectItemCaseSensitive(json, "results"));
		cJSON_Delete(json);
		return;
	}
	cJSON_Delete(json);
	if (u->waited >= BULK_WAIT_S || x->stopped) {
		size_t i;

		if (!x->stopped)
			for (i = 0; i < u->nch; i++)
				outcome(x, u->ch[i], JOURNAL_INTENT, "Canvas had not finished the bulk update after 10 "
					"minutes; run `coursectl apply --resume JOURNAL` later to check", NULL, NULL);
		bulk_end(u);
		return;
	}
	poll_progress(u);
}

/* Canvas took the unit as a background job: journal its Progress (fsync'ed) before polling it, so
 * that a resume or rollback after a crash from here on waits for the job instead of reading dates
 * the job has yet to write (exec_wait_jobs). A journal error stops the run. */
static int journal_unit_job(struct unit *u)
{
	struct err e = ERR_INIT;
	long *seqs = xcalloc(u->nch ? u->nch : 1, sizeof(*seqs));
	size_t i;
	int rc;

	for (i = 0; i < u->nch; i++)
		seqs[i] = chg(u->x, u->ch[i])->seq;
	rc = journal_job(u->x->o->journal, seqs, u->nch, u->progress_path, &e);
	free(seqs);
	if (rc)
		stop(u->x, &e);
	return rc;
}

static void on_bulk_put(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	char b[32];
	const char *pid;

	(void)cv;
	if (unsent(u, err) || stopped_answer(u->x, status, err)) {
		cJSON_Delete(json);
		bulk_end(u);
		return;
	}
	if (err->code) {
		fail_all(u, "%s", err->msg);
		cJSON_Delete(json);
		bulk_end(u);
		return;
	}
	pid = exec_id_text(cJSON_GetObjectItemCaseSensitive(json, "id"), b);
	if (!pid) {
		fail_all(u, "Canvas answered the bulk update without a Progress id (%s)", "API.md 5.3");
		cJSON_Delete(json);
		bulk_end(u);
		return;
	}
	u->progress_path = xasprintf("/api/v1/progress/%s", pid);
	cJSON_Delete(json);
	if (journal_unit_job(u)) {
		bulk_end(u);    /* stopped: the changes stay intent; resume checks them */
		return;
	}
	poll_progress(u);
}

/* Send a bulk unit (its intents are journaled). */
static void send_bulk(struct unit *u)
{
	struct exec *x = u->x;
	cJSON *body = cJSON_CreateArray();
	char *path, *what;
	size_t i;

	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = chg(x, u->ch[i]);
		const struct xobj *ob = obj_of(x, u->ch[i]);

		exec_bulk_add(body, bulk_assignment(c), c->kind == RES_ASSIGNMENT_OVERRIDE ? c->id : NULL,
			      ob ? ob->live : NULL, c->field, c->after);
	}
	path = xasprintf("/api/v1/courses/%s/assignments/bulk_update", u->course_id);
	what = xasprintf("the bulk date update of course %s", u->course_id);
	canvas_send(x->cv, "PUT", path, body, 0, what, on_bulk_put, u);
	cJSON_Delete(body);
	free(path);
	free(what);
}

/* ---------------------------------------------------------------- submitting */

/* Get u ready to send: the fields with the ids of objects created earlier in this run. Returns 1
 * when u ended at once (the run stopped, or it refers to a create that failed), else 0. */
static int unit_prepare(struct unit *u)
{
	struct exec *x = u->x;
	struct xobj *ob = u->obj;
	const char *missing = NULL;
	cJSON *sent, *f;
	size_t i;

	if (x->stopped || http_stopped(canvas_http(x->cv))) {
		unit_done(u);
		return 1;
	}
	if (u->type == U_BULK)
		return 0;
	/* the fields to send, with the ids of objects created earlier in this run */
	sent = cJSON_CreateObject();
	for (i = 0; i < u->nch && !missing; i++) {
		const struct plan_change *c = chg(x, u->ch[i]);

		if (c->op == PLAN_CREATE) {
			const cJSON *src = ob->adopt_fix ? ob->adopt_fix : c->after;

			cJSON_ArrayForEach(f, src) {
				cJSON *v;

				if (c->kind == RES_PAGE && !strcmp(f->string, "url"))
					continue;   /* Canvas makes the slug from the title (API.md 7.1) */
				v = resolve_value(x, c->course_id, f, &missing);
				if (!v)
					break;
				cJSON_AddItemToObject(sent, f->string, v);
			}
		} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && !exec_is_derived_field(c->kind, c->field)) {
			cJSON *v = resolve_value(x, c->course_id, c->after, &missing);

			if (v)
				cJSON_AddItemToObject(sent, c->field, v);
		}
	}
	keep_locked(u, sent);
	if (!missing && (u->type == U_CREATE || ob->c0->kind == RES_MODULE_ITEM) && !item_parent(u) &&
	    ob->c0->kind == RES_MODULE_ITEM)
		missing = ob->c0->parent ? ob->c0->parent : "its module";
	if (missing) {
		char *r = xasprintf("not written: it refers to %s, which this run did not create", missing);

		for (i = 0; i < u->nch; i++)
			outcome(x, u->ch[i], JOURNAL_SKIPPED, r, NULL, NULL);
		free(r);
		cJSON_Delete(sent);
		unit_done(u);
		return 1;
	}
	u->sent = sent;
	return 0;
}

/* Send a prepared unit whose intents are journaled. */
static void unit_send(struct unit *u)
{
	struct exec *x = u->x;
	struct xobj *ob = u->obj;

	if (u->type == U_BULK) {
		send_bulk(u);
		return;
	}
	if (u->type == U_DELETE) {
		char *path = exec_object_path(ob->c0->kind, ob->c0->course_id, ob->c0->id, item_parent(u), 0);
		char *what = xasprintf("%s %s of course %s", plan_kind_name(ob->c0->kind), ob->c0->id, ob->c0->course_id);

		canvas_send(x->cv, "DELETE", path, NULL, 0, what, on_delete, u);
		free(path);
		free(what);
		return;
	}
	if (ob->adopted)
		u->new_id = xstrdup(ob->adopted);
	send_object(u, u->type == U_CREATE && !ob->adopted);
}

/* Start u. Returns 1 when u ended at once (nothing sent), 0 when a request is in flight. */
static int unit_submit(struct unit *u)
{
	if (unit_prepare(u))
		return 1;
	if (journal_batch(u->x, &u, 1)) {
		unit_done(u);
		return 1;
	}
	unit_send(u);
	return 0;
}

static void chain_run(struct unit *u)
{
	for (; u; u = u->next)
		if (!unit_submit(u))
			return;
}

/* ---------------------------------------------------------------- planning the writes */

static struct xobj *object_for(struct exec *x, size_t i)
{
	const struct plan_change *c = chg(x, i);
	char *k = okey(c->course_id, c->kind, c->id);
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

enum verdict { V_WRITE, V_DONE, V_CONFLICT, V_FAIL };

/* 1 when c is the position of a module item that this run still moves to another module: the number
 * it has now is its place in the old module, not yet the planned place in the new one, so the
 * position goes into the move's PUT (without it Canvas puts the item last). */
static int moving_elsewhere(const struct exec *x, const struct xobj *ob, const struct plan_change *c)
{
	size_t k;

	if (c->kind != RES_MODULE_ITEM || !c->field || strcmp(c->field, "position") || !ob->live_parent[0])
		return 0;
	for (k = 0; k < ob->nch; k++) {
		const struct plan_change *m = chg(x, ob->ch[k]);
		const char *miss = NULL, *t;
		cJSON *to;
		char b[32];
		int other;

		if (m->op != PLAN_MOVE || !m->field || strcmp(m->field, "module_id"))
			continue;
		to = resolve_value(x, m->course_id, m->after, &miss);
		t = to ? exec_id_text(to, b) : NULL;
		other = !t || strcmp(t, ob->live_parent);
		cJSON_Delete(to);
		return other;
	}
	return 0;
}

/* The stale check of one change (see the design comment). *why: a reason for V_CONFLICT/V_FAIL. */
static enum verdict check_change(struct exec *x, struct xobj *ob, size_t i, char **why, struct strmap *taken)
{
	const struct plan_change *c = chg(x, i);
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

		if (x->res->new_id[i]) {
			/* resume: the journal knows the id this create got */
			char *k = okey(c->course_id, c->kind, x->res->new_id[i]);

			o = strmap_get(&x->live, k);
			free(k);
			if (!o) {
				free(x->res->new_id[i]);   /* deleted since: made again */
				x->res->new_id[i] = NULL;
			}
		}
		if (!o) {
			struct buf ids = BUF_INIT;
			int n;

			o = find_existing(x, ob, taken, &n, &ids);
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
		ob->adopted = xstrdup(exec_id_text(cJSON_GetObjectItemCaseSensitive(o, c->kind == RES_PAGE ? "page_id" : "id"),
					      b));
		if (!x->res->new_id[i])
			x->res->new_id[i] = xstrdup(ob->adopted);
		strmap_put_take(taken, okey(c->course_id, c->kind, ob->adopted), o);
		/* the object as it is, on disk before anything touches it (journal-format.md "adopted") */
		if (journal_adopted(x->o->journal, c->seq, ob->adopted, o, &e))
			stop(x, &e);
		ob->live = o;
		live_parent(x, ob);
		ob->adopt_fix = cJSON_CreateObject();
		cJSON_ArrayForEach(f, c->after) {
			cJSON *rv;

			if ((c->kind == RES_PAGE && !strcmp(f->string, "url")) ||
			    (c->kind == RES_MODULE_ITEM && !strcmp(f->string, "module_id")))
				continue;
			rv = resolve_value(x, c->course_id, f, &miss);
			if (rv && !same(x, c->kind, f->string, rv, cJSON_GetObjectItemCaseSensitive(o, f->string)) &&
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
	got = live_field(ob, c->field, &tmp);
	want = resolve_value(x, c->course_id, c->after, &miss);
	if (want && same(x, c->kind, c->field, want, got) && !moving_elsewhere(x, ob, c))
		v = V_DONE;
	else if (same(x, c->kind, c->field, c->before, got) || !strcmp(c->field, "position") ||
		 (x->o->prior_stored && x->o->prior_stored[i] && same(x, c->kind, c->field, x->o->prior_stored[i], got)))
		v = V_WRITE;   /* (the last: what our own failed write left, resume only) */
	else {
		char *g = brief(got), *b = brief(c->before);

		*why = xasprintf("changed in Canvas since the plan: it is %s, the plan expected %s", g, b);
		free(g);
		free(b);
		v = V_CONFLICT;
	}
	cJSON_Delete(want);
	cJSON_Delete(tmp);
	return v;
}

/* Which chain stage a unit of the object belongs to, or -1 when it runs free. */
static int chain_stage(const struct exec *x, struct unit *u)
{
	const struct plan_change *c0 = u->obj->c0;
	enum resource_kind k = c0->kind;
	int has_pos = 0, has_pre = 0, moves = 0, news = 0;
	const cJSON *pos = NULL, *mod = NULL;
	size_t i;
	char b[32];

	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = chg(x, u->ch[i]);

		if (c->op == PLAN_CREATE) {
			pos = cJSON_GetObjectItemCaseSensitive(u->obj->adopt_fix ? u->obj->adopt_fix : c->after, "position");
			mod = cJSON_GetObjectItemCaseSensitive(c->after, "module_id");
			news |= refers_new(c->after);
		} else if (c->field && !strcmp(c->field, "position")) {
			has_pos = 1;
			pos = c->after;
		} else if (c->field && !strcmp(c->field, "prerequisite_module_ids")) {
			has_pre = 1;
			news |= refers_new(c->after);
		} else if (c->op == PLAN_MOVE) {
			moves = 1;
			mod = c->after;
			news |= refers_new(c->after);
		}
	}
	u->key1 = cJSON_IsNumber(pos) ? pos->valuedouble : POS_LAST + (double)u->order;
	if (k == RES_MODULE_ITEM) {
		const char *m = mod ? exec_id_text(mod, b) : (u->obj->live_parent[0] ? u->obj->live_parent : c0->parent);

		snprintf(u->key2, sizeof(u->key2), "%s", m ? m : "");
	}
	if (u->type == U_CREATE && k != RES_MODULE && k != RES_MODULE_ITEM)
		return 0;
	if (k == RES_MODULE) {
		if (u->type == U_DELETE)
			return 5;
		if (u->type == U_CREATE || has_pos)
			return 1;
		if (has_pre || news)
			return 2;
		return -1;
	}
	if (k == RES_MODULE_ITEM) {
		if (u->type == U_DELETE)
			return 4;
		if (u->type == U_CREATE || has_pos || moves || news)
			return 3;
		return -1;
	}
	if (k == RES_DATE_OVERRIDE) {   /* one topic's overrides one after the other (exec_date_details.c) */
		snprintf(u->key2, sizeof(u->key2), "%s", u->obj->live_parent[0] ? u->obj->live_parent :
			 c0->parent ? c0->parent : "");
		u->key1 = (double)u->order;
		return 6;
	}
	return news ? 2 : -1;
}

static int cmp_chain(const void *a, const void *b)
{
	const struct unit *x = *(struct unit *const *)a, *y = *(struct unit *const *)b;
	int r = strcmp(x->course_id, y->course_id);

	if (r)
		return r;
	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	/* module items: by target position across the course's modules, then module (a move takes an
	 * item out of one module and into another, so the modules are not independent: see the
	 * design comment, 5) */
	if (x->stage == 3 && x->key1 != y->key1)
		return x->key1 < y->key1 ? -1 : 1;
	if ((r = strcmp(x->key2, y->key2)))
		return r;
	if (x->key1 != y->key1)
		return x->key1 < y->key1 ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The bulk units of the course: its bulk changes (in plan order), BULK_BATCH assignments a unit. */
static void make_bulk_units(struct exec *x, const size_t *bulk, size_t n)
{
	struct unit *u = NULL;
	const char *course = NULL;
	size_t i, nassign = 0;
	struct strmap seen = STRMAP_INIT;

	for (i = 0; i < n; i++) {
		const struct plan_change *c = chg(x, bulk[i]);
		const char *a = bulk_assignment(c);
		char *k = nkey(c->course_id, a);
		int is_new = !strmap_get(&seen, k);

		if (!u || strcmp(course, c->course_id) || (is_new && nassign >= BULK_BATCH)) {
			u = unit_new(x, U_BULK, NULL);
			u->course_id = c->course_id;
			course = c->course_id;
			nassign = 0;
		}
		if (is_new) {
			nassign++;
			strmap_put_take(&seen, k, (void *)1);
		} else {
			free(k);
		}
		unit_add(u, bulk[i]);
	}
	strmap_release(&seen);
}

static int cmp_bulk(const void *a, const void *b, const struct exec *x)
{
	const struct plan_change *p = chg(x, *(const size_t *)a), *q = chg(x, *(const size_t *)b);
	int r = strcmp(p->course_id, q->course_id);

	if (!r)
		r = strcmp(bulk_assignment(p), bulk_assignment(q));
	if (!r)
		r = (int)p->kind - (int)q->kind;
	if (!r)
		r = strcmp(p->id, q->id);
	if (!r)
		r = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return r;
}

static const struct exec *bulk_sort_exec;

static int cmp_bulk_q(const void *a, const void *b)
{
	return cmp_bulk(a, b, bulk_sort_exec);
}

static int can_create(enum resource_kind kind)
{
	char *p = exec_create_path(kind, "0", "0");
	int ok = p != NULL;

	free(p);
	return ok;
}

/* Stale-check every object, journal the outcomes known now, and make the units. */
static void plan_units(struct exec *x)
{
	size_t oi, k, *bulk = NULL, nbulk = 0;
	struct strmap taken = STRMAP_INIT;

	bulk = xcalloc(x->p->nchanges ? x->p->nchanges : 1, sizeof(*bulk));
	for (oi = 0; oi < x->nobjs; oi++) {
		struct xobj *ob = x->objs[oi];
		const struct plan_change *c0 = ob->c0;
		const char *unread = strmap_get(&x->unread, c0->course_id);
		enum verdict *v;
		char **why;
		struct unit *put = NULL, *cput = NULL;
		const char *conflict_field = NULL;
		char *lk;

		if (unread) {   /* no stale check is possible: nothing of this course is written */
			char *r = xasprintf("not written: the course could not be read before writing (%s)", unread);

			for (k = 0; k < ob->nch; k++)
				outcome(x, ob->ch[k], JOURNAL_FAILED, r, NULL, NULL);
			free(r);
			continue;
		}
		v = xcalloc(ob->nch, sizeof(*v));
		why = xcalloc(ob->nch, sizeof(*why));

		lk = okey(c0->course_id, c0->kind, c0->id);
		ob->live = c0->op == PLAN_CREATE ? NULL : strmap_get(&x->live, lk);
		free(lk);
		live_parent(x, ob);
		for (k = 0; k < ob->nch; k++) {
			v[k] = check_change(x, ob, ob->ch[k], &why[k], &taken);
			if (v[k] == V_CONFLICT && !conflict_field) {
				const struct plan_change *c = chg(x, ob->ch[k]);

				conflict_field = c->field ? c->field : plan_op_name(c->op);
				if (!x->o->force || !ob->live)
					ob->conflict = 1;
			}
		}
		for (k = 0; k < ob->nch; k++) {
			size_t i = ob->ch[k];
			const struct plan_change *c = chg(x, i);
			cJSON *tmp = NULL;

			if (v[k] == V_DONE) {
				outcome(x, i, JOURNAL_DONE, NULL, x->res->new_id[i], NULL);
			} else if (v[k] == V_CONFLICT && ob->conflict) {
				const cJSON *live = c->field && ob->live ? live_field(ob, c->field, &tmp) : ob->clash;

				outcome(x, i, JOURNAL_CONFLICT, why[k], NULL, live);
				/* for apply's grouped report (cmd_apply.c, render_conflicts.c) */
				x->res->why[i] = c->op == PLAN_CREATE ? EXEC_CONFLICT_OTHER : !ob->live ? EXEC_CONFLICT_GONE :
					EXEC_CONFLICT_CHANGED;
				if (c->field && ob->live && live)
					x->res->live[i] = cJSON_Duplicate(live, 1);
			} else if (ob->conflict) {
				char *r = xasprintf("not written: %s of this object is a conflict", conflict_field);

				outcome(x, i, JOURNAL_CONFLICT, r, NULL, NULL);
				x->res->why[i] = EXEC_CONFLICT_WITH;
				free(r);
			} else if (c->op == PLAN_UPDATE &&
				   exec_checkpoint_field(c->kind, ob->live, c->field)) {
				if (!cput) {
					cput = unit_new(x, U_PUT, ob);
					cput->checkpoint = 1;
				}
				unit_add(cput, i);
			} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && exec_is_bulk_field(c->kind, c->field)) {
				bulk[nbulk++] = i;
			} else if ((c->op == PLAN_UPDATE || c->op == PLAN_MOVE) && !exec_param_name(c->kind, c->field, 0) &&
				   !exec_is_derived_field(c->kind, c->field)) {
				char *r = xasprintf("coursectl has no way to write it: Canvas's API takes no parameter for "
						    "%s field %s (a read-only or unknown field, API.md 12)",
						    plan_kind_name(c->kind), c->field);

				outcome(x, i, JOURNAL_FAILED, r, NULL, NULL);
				free(r);
			} else if (c->op == PLAN_CREATE && !can_create(c->kind)) {
				outcome(x, i, JOURNAL_FAILED, "Canvas's API cannot create this kind of object", NULL, NULL);
			} else if (c->op == PLAN_CREATE) {
				struct unit *u = unit_new(x, ob->adopted ? U_PUT : U_CREATE, ob);

				unit_add(u, i);
			} else if (c->op == PLAN_DELETE) {
				unit_add(unit_new(x, U_DELETE, ob), i);
			} else {
				if (!put)
					put = unit_new(x, U_PUT, ob);
				unit_add(put, i);
			}
			cJSON_Delete(tmp);
			free(why[k]);
		}
		free(v);
		free(why);
	}
	/* bulk units: grouped by course, then assignment, its overrides with it */
	bulk_sort_exec = x;
	qsort(bulk, nbulk, sizeof(*bulk), cmp_bulk_q);
	for (k = 0; k < nbulk; k++) {
		struct xobj *ob = obj_of(x, bulk[k]);

		if (ob && (k == 0 || obj_of(x, bulk[k - 1]) != ob))
			ob->units++;
	}
	make_bulk_units(x, bulk, nbulk);
	free(bulk);
	strmap_release(&taken);
}

static void start_units(struct exec *x)
{
	struct unit **chained = xcalloc(x->nunits ? x->nunits : 1, sizeof(*chained));
	size_t i, n = 0, nunits = x->nunits;

	for (i = 0; i < nunits; i++) {
		struct unit *u = x->units[i];

		if (u->type == U_BULK)
			continue;
		u->stage = chain_stage(x, u);
		if (u->stage >= 0) {
			u->chained = 1;
			chained[n++] = u;
		}
	}
	qsort(chained, n, sizeof(*chained), cmp_chain);
	for (i = 0; i + 1 < n; i++)
		if (!strcmp(chained[i]->course_id, chained[i + 1]->course_id))
			chained[i]->next = chained[i + 1];
	/* free units and bulk units all at once, their intents in one fsync'ed batch (thousands of
	 * PUTs must not cost thousands of fsyncs); then each course's chain from its head */
	{
		struct unit **ready = xcalloc(nunits ? nunits : 1, sizeof(*ready));
		size_t nr = 0, k;

		for (i = 0; i < nunits; i++)
			if (!x->units[i]->chained && !unit_prepare(x->units[i]))
				ready[nr++] = x->units[i];
		if (nr && journal_batch(x, ready, nr)) {
			for (k = 0; k < nr; k++)
				unit_done(ready[k]);
		} else {
			for (k = 0; k < nr; k++)
				unit_send(ready[k]);
		}
		free(ready);
	}
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(chained[i - 1]->course_id, chained[i]->course_id))
			chain_run(chained[i]);
	free(chained);
}

/* ---------------------------------------------------------------- the run */

/* The live copy of the plan's courses. each (the stale check): a course that cannot be read goes
 * into x->unread and its changes fail, the others go on (issue 8); else (the final re-read) any
 * failure is the error. */
/* Add to *pages the page whose Assign To dates object ob needs live (page_dates.c): a page's date
 * override's page, a page whose own unlock_at/lock_at changes. */
static void page_dates_want(const struct exec *x, const struct xobj *ob, struct strmap *pages)
{
	const struct plan_change *c0 = ob->c0;
	const char *pid = c0->kind == RES_DATE_OVERRIDE ? page_dates_parent_page(c0->parent) : NULL;
	size_t k;

	for (k = 0; !pid && c0->kind == RES_PAGE && k < ob->nch; k++) {
		const char *f = chg(x, ob->ch[k])->field;

		if (f && (!strcmp(f, "unlock_at") || !strcmp(f, "lock_at")))
			pid = c0->id;
	}
	if (pid)
		strmap_put_take(pages, page_dates_key(c0->course_id, pid), (void *)1);
}

static int fetch_live(struct exec *x, int each, struct err *err)
{
	char **ids = xcalloc(x->p->ncourses + x->nobjs + 1, sizeof(*ids));
	struct strmap seen = STRMAP_INIT, pages = STRMAP_INIT;
	struct snapshot_stats st;
	unsigned kinds = 1u << RES_COURSE;
	size_t i;
	int n = 0, rc;

	for (i = 0; i < x->nobjs; i++) {
		const struct plan_change *c = x->objs[i]->c0;
		enum resource_kind k = c->kind;
		char *key = xstrdup(c->course_id);

		if (k == RES_ASSIGNMENT_OVERRIDE)
			k = RES_ASSIGNMENT;
		if (k == RES_MODULE_ITEM)
			k = RES_MODULE;
		if (k == RES_DATE_OVERRIDE)
			k = page_dates_parent_page(c->parent) ? RES_PAGE : RES_DISCUSSION_TOPIC;
		page_dates_want(x, x->objs[i], &pages);
		kinds |= 1u << k;
		if (strmap_get(&seen, key)) {
			free(key);
		} else {
			ids[n++] = (char *)c->course_id;
			strmap_put_take(&seen, key, (void *)1);
		}
	}
	strmap_release(&seen);
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
	if (!rc && pages.n)   /* the Assign To dates of the pages the changes name (page_dates.c) */
		rc = page_dates_fetch(x->cv, x->snap, &pages, NULL, err);
	strmap_release(&pages);
	free(ids);
	return rc;
}

/* ---------------------------------------------------------------- the final re-read */

/* The live object of change i now (creates: by the id they got), or NULL. */
static cJSON *live_now(const struct exec *x, size_t i)
{
	const struct plan_change *c = chg(x, i);
	const char *id = c->op == PLAN_CREATE ? x->res->new_id[i] : c->id;
	char *k;
	cJSON *o;

	if (!id)
		return NULL;
	k = okey(c->course_id, c->kind, id);
	o = strmap_get(&x->live, k);
	free(k);
	return o;
}

/* What a re-read shows for a done change written in this run: NULL when the value is there, else
 * a reason (malloced) and, for a field that shows another value, that value in *live (a copy for
 * the journal, cJSON_Delete; else NULL). */
static char *verify_change(struct exec *x, size_t i, cJSON **live)
{
	const struct plan_change *c = chg(x, i);
	cJSON *o = live_now(x, i), *want, *tmp = NULL;
	const cJSON *got, *f;
	const char *miss = NULL;
	struct xobj probe;
	char *r = NULL;

	*live = NULL;
	switch (c->op) {
	case PLAN_DELETE:
		return o ? xstrdup("Canvas answered the DELETE, but a re-read still finds the object") : NULL;
	case PLAN_CREATE:
		if (!o)
			return xstrdup("Canvas answered the POST, but a re-read does not find the new object");
		cJSON_ArrayForEach(f, c->after) {
			want = resolve_value(x, c->course_id, f, &miss);
			got = cJSON_GetObjectItemCaseSensitive(o, f->string);
			if (want && got && !same(x, c->kind, f->string, want, got)) {
				char *g = brief(got), *w = brief(want);

				/* a page's url is Canvas's, made from the title: the plan predicted it */
				if (exec_is_derived_field(c->kind, f->string))
					r = xasprintf("Canvas made %s %s, not %s as planned", f->string, g, w);
				else
					r = xasprintf("Canvas answered the POST, but a re-read shows %s %s", f->string, g);
				free(g);
				free(w);
			}
			cJSON_Delete(want);
			if (r)
				return r;
		}
		return NULL;
	default:
		if (!o)
			return xstrdup("Canvas answered 200, but a re-read does not find the object any more");
		memset(&probe, 0, sizeof(probe));
		probe.x = x;
		probe.c0 = c;
		probe.live = o;
		live_parent(x, &probe);
		got = live_field(&probe, c->field, &tmp);
		want = resolve_value(x, c->course_id, c->after, &miss);
		if (want && !same(x, c->kind, c->field, want, got)) {
			if (same(x, c->kind, c->field, c->before, got)) {
				r = xasprintf("Canvas answered 200 but did not change %s (its answer showed the new value; "
					      "a re-read shows the old one)", c->field);
			} else {
				char *g = brief(got);

				r = xasprintf("Canvas answered 200, but a re-read shows %s %s", c->field, g);
				free(g);
			}
			*live = got ? cJSON_Duplicate(got, 1) : cJSON_CreateNull();
		}
		cJSON_Delete(want);
		cJSON_Delete(tmp);
		return r;
	}
}

/* After the writes: the same list calls as the stale check once more, and every value this run
 * wrote must be there. The answer to a write can show a value that did not last (canvas-sim's
 * "ignore" script; a Canvas callback that reverts), and a position set early can be moved by a
 * later sibling's write: both are failures, journaled as a second outcome that supersedes done. */
static int verify(struct exec *x, struct err *err)
{
	size_t i, n = 0;
	int rc;

	for (i = 0; i < x->res->n; i++)
		n += x->written[i] && x->res->state[i] == JOURNAL_DONE;
	if (!n)
		return 0;
	strmap_release(&x->live);
	cJSON_Delete(x->snap);
	x->snap = NULL;
	x->snap_reread = 1;
	if ((rc = fetch_live(x, 1, err))) {
		if (rc == ERR_AUTH)
			return rc;
		warnf("the re-read after the writes failed (%s); the answers to the writes showed every value",
		      err->msg);
		err_clear(err);
		return 0;
	}
	index_live(x);
	for (i = 0; i < x->res->n; i++) {
		cJSON *live;
		char *r;

		if (!x->written[i] || x->res->state[i] != JOURNAL_DONE || strmap_get(&x->unread, chg(x, i)->course_id))
			continue;
		r = verify_change(x, i, &live);
		if (r) {
			outcome(x, i, JOURNAL_FAILED, r, NULL, live);
			free(r);
		}
		cJSON_Delete(live);
	}
	return 0;
}

/* Creates sent again after a lost answer (exec_lost.c): an earlier POST may have landed after the
 * look-up window, or may still land. Say so, naming what the re-read shows, and count it in
 * res->doubts (apply then exits non-zero); the change stays done with the id this run recorded,
 * which is what rollback deletes. */
static void report_duplicates(struct exec *x)
{
	size_t i;

	for (i = 0; i < x->res->n; i++) {
		struct xobj *ob;
		struct strmap none = STRMAP_INIT;
		struct buf ids = BUF_INIT;
		char *r;
		int n = 0;

		if (!x->dup_risk[i] || x->res->state[i] != JOURNAL_DONE)
			continue;
		ob = obj_of(x, i);
		if (x->snap_reread && ob)
			find_existing(x, ob, &none, &n, &ids);
		if (n > 1)
			r = xasprintf("a duplicate: Canvas holds %d objects that match it (ids %s); a POST whose answer "
				      "was lost landed after coursectl sent it again. This run's is id %s (rollback "
				      "deletes that one only): delete the other by hand", n, ids.ptr,
				      x->res->new_id[i] ? x->res->new_id[i] : "?");
		else
			r = xasprintf("a duplicate may still appear: a POST of it got no answer and was sent "
				      "again, and Canvas may still carry the first one out. This run's is id %s; look for "
				      "a second one in a few minutes and delete it by hand",
				      x->res->new_id[i] ? x->res->new_id[i] : "?");
		outcome(x, i, JOURNAL_DONE, r, NULL, NULL);
		x->res->doubts++;
		free(r);
		buf_release(&ids);
		strmap_release(&none);
	}
}

static void count(struct exec *x)
{
	struct exec_result *r = x->res;
	struct strmap objs = STRMAP_INIT, wobjs = STRMAP_INIT;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct plan_change *c = chg(x, i);

		switch (r->state[i]) {
		case JOURNAL_DONE: {
			char *k = okey(c->course_id, c->kind, c->id);

			r->done++;
			/* written in this run, or found so (a value already at `after`, done before a resume) */
			if (x->written[i])
				r->written++;
			else
				r->already++;
			if (x->written[i] && !strmap_get(&wobjs, k)) {
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
			break;
		case JOURNAL_SKIPPED:
			if (x->unsent[i])
				r->not_started++;   /* its request never left (unsent()) */
			else
				r->skipped++;
			break;
		case JOURNAL_INTENT:
			r->in_doubt++;
			if (r->error[i])
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

int exec_run(struct canvas *cv, const struct plan *p, const struct exec_opts *o, struct exec_result *res,
	     struct err *err)
{
	struct exec x;
	struct err e = ERR_INIT;
	long requests0 = http_get_stats(canvas_http(cv))->requests;
	size_t i;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	res->n = p->nchanges;
	res->state = xcalloc(res->n ? res->n : 1, sizeof(*res->state));
	res->error = xcalloc(res->n ? res->n : 1, sizeof(*res->error));
	res->new_id = xcalloc(res->n ? res->n : 1, sizeof(*res->new_id));
	res->why = xcalloc(res->n ? res->n : 1, sizeof(*res->why));
	res->live = xcalloc(res->n ? res->n : 1, sizeof(*res->live));
	if (!o->journal)
		return err_set(err, ERR_GENERIC, "apply needs a journal: nothing is written to Canvas without one");
	memset(&x, 0, sizeof(x));
	x.cv = cv;
	x.p = p;
	x.o = o;
	x.res = res;
	x.origin = canvas_base_url(cv);
	x.written = xcalloc(res->n ? res->n : 1, 1);
	x.dup_risk = xcalloc(res->n ? res->n : 1, 1);
	x.unsent = xcalloc(res->n ? res->n : 1, 1);

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (c->op == PLAN_CREATE)
			strmap_put_take(&x.news, nkey(c->course_id, c->id), (void *)(uintptr_t)(i + 1));
		if (o->prior && o->prior[i] == JOURNAL_DONE) {
			res->state[i] = JOURNAL_DONE;
			if (o->prior_ids && o->prior_ids[i])
				res->new_id[i] = xstrdup(o->prior_ids[i]);
			continue;
		}
		if (o->prior && o->prior_ids && o->prior_ids[i] && c->op == PLAN_CREATE)
			res->new_id[i] = xstrdup(o->prior_ids[i]);
		object_for(&x, i);
	}
	if (x.nobjs) {
		if ((rc = fetch_live(&x, 1, err)))
			goto done;
		if (interrupted(&x))
			goto stopped;   /* the stale check's reads were cut short: nothing is written */
		index_live(&x);
		plan_units(&x);
		for (i = 0; i < x.nobjs; i++)
			close_object(x.objs[i]);   /* objects decided by the stale check alone */
		if (!x.stopped)
			start_units(&x);
		if (canvas_run(cv, &e) && !x.fatal.code)
			x.fatal = e;
		if (!x.fatal.code && !interrupted(&x) && verify(&x, &e))
			x.fatal = e;
		report_duplicates(&x);
		interrupted(&x);
	}
stopped:
	if (x.fatal.code) {
		*err = x.fatal;
		rc = err->code;
	} else if (journal_sync(o->journal, &e)) {
		*err = e;
		rc = err->code;
	}
done:
	count(&x);
	res->requests = http_get_stats(canvas_http(cv))->requests - requests0;
	for (i = 0; i < x.nunits; i++)
		unit_free(x.units[i]);
	free(x.units);
	for (i = 0; i < x.nobjs; i++) {
		free(x.objs[i]->ch);
		free(x.objs[i]->adopted);
		cJSON_Delete(x.objs[i]->adopt_fix);
		free(x.objs[i]);
	}
	free(x.objs);
	strmap_release(&x.live);
	strmap_release(&x.objmap);
	strmap_release(&x.news);
	for (i = 0; i < x.unread.cap; i++)
		if (x.unread.keys[i])
			free(x.unread.vals[i]);
	strmap_release(&x.unread);
	cJSON_Delete(x.snap);
	free(x.written);
	free(x.dup_risk);
	free(x.unsent);
	return rc;
}

void exec_result_release(struct exec_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->n; i++) {
		free(res->error[i]);
		free(res->new_id[i]);
		if (res->live)
			cJSON_Delete(res->live[i]);
	}
	free(res->why);
	free(res->live);
	free(res->state);
	free(res->error);
	free(res->new_id);
	memset(res, 0, sizeof(*res));
}
