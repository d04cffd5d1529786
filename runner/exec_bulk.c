/* runner/exec_bulk.c -- apply's bulk jobs: a course's assignment and override due/unlock/lock
 * dates written through PUT .../assignments/bulk_update (API.md 5.3), one request for a course's
 * dates instead of a PUT each.
 *
 * A bulk unit (made by exec_order.c: BULK_BATCH assignments, an assignment's overrides with it) is
 * one PUT .../assignments/bulk_update, then GET /api/v1/progress/:id until completed or failed
 * (0.3 s, growing to 2 s; given up after BULK_WAIT_S: then the changes stay "intent", which resume
 * checks; the polls are HTTP_URGENT: a due poll starts before queued writes, http.c). The Progress
 * path is journaled (journal_job_deferred) as soon as Canvas answers, and a resume or
 * rollback waits for the job before it reads (exec_jobs.c). A failed job (Canvas saves nothing of
 * a request with one invalid assignment) fails only the assignments it names, each with all its
 * dates, and the rest of the batch is sent again ("a refused bulk update", below). A completed job
 * is read back with assignment_ids[] list calls of REREAD_BATCH ids (a 400 "Invalid
 * assignment_ids" naming deleted ones is asked again without them: "The re-read" below), and every
 * date must show the value the plan wanted (exec_same, exec.c).
 *
 * How it talks to the others: exec_order.c starts a unit with exec_send_bulk after its intents are
 * journaled; outcomes go through exec_outcome (exec.c); exec_bulk_end ends the unit's objects (a
 * bulk unit holds changes of many objects, so it closes each of them, not one). A refused batch
 * sent again gets new intents (exec_journal_batch) and, when split, a new unit (exec_unit_new).
 *
 * Rejected: PUTting assignment dates one by one (bulk_update is one request for a course's 200
 * dates).
 */
#include "exec_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "exec_internal.h"
#include "http.h"
#include "journal.h"
#include "jsonid.h"
#include "resource.h"
#include "xalloc.h"

#define REREAD_BATCH 50       /* assignment_ids[] per re-read request, sent with per_page=50 */
#define BULK_WAIT_S 600.0     /* give up polling a Progress after this long */

static const char *str_of(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* ---------------------------------------------------------------- bulk_update */

static void on_bulk_reread(struct canvas *cv, cJSON *json, const struct err *err, void *ud);
static void on_progress(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* The object a bulk entry is of: the change's own, or its parent's for a child (an override's
 * assignment). */
const char *exec_bulk_assignment(const struct plan_change *c)
{
	return resource_get(c->kind)->parent_field ? c->parent : c->id;
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
	/* urgent: when due, it goes before the queued writes (http.h, HTTP_URGENT) */
	canvas_send_later(u->x->cv, delay, "GET", u->progress_path, NULL, HTTP_URGENT,
			  "the bulk date update's progress", on_progress, u);
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
	{
		char *base = resource_path(resource_get(exec_chg(u->x, u->ch[0])->kind)->path.bulk_read, u->course_id,
					   NULL, NULL);

		buf_printf(&path, "%s&per_page=%d", base, REREAD_BATCH);
		free(base);
	}
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
		const char *a = exec_bulk_assignment(exec_chg(u->x, u->ch[i]));

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
	const char *aid = exec_bulk_assignment(c);

	cJSON_ArrayForEach(a, list) {
		const char *t = jsonid_text(cJSON_GetObjectItemCaseSensitive(a, "id"), b);

		if (!t || strcmp(t, aid))
			continue;
		if (!resource_get(c->kind)->parent_field)
			return a;
		cJSON_ArrayForEach(o, object_children(resource_get(c->kind)->parent_kind, a)) {
			t = jsonid_text(cJSON_GetObjectItemCaseSensitive(o, "id"), b);
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
		exec_fail_all(u, "the bulk update completed, but the re-read to check it failed: %s", err->msg);
	} else {
		for (i = 0; i < u->nch; i++) {
			const struct plan_change *c = exec_chg(x, u->ch[i]);
			const cJSON *o = find_in_list(json, c), *g;

			if (!o) {
				exec_outcome(x, u->ch[i], JOURNAL_FAILED, "the bulk update completed, but the object is not in "
					"Canvas's list any more", NULL, NULL);
				continue;
			}
			g = cJSON_GetObjectItemCaseSensitive(o, c->field);
			if (exec_same(x, c->kind, c->field, c->after, g)) {
				exec_outcome(x, u->ch[i], JOURNAL_DONE, NULL, NULL, NULL);
			} else if (exec_same(x, c->kind, c->field, c->before, g)) {
				char *r = xasprintf("Canvas completed the bulk update but did not change %s", c->field);

				exec_outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, g);
				free(r);
			} else {
				char *gw = exec_brief(g), *ww = exec_brief(c->after);
				char *r = xasprintf("Canvas completed the bulk update but stored %s instead of %s", gw, ww);

				exec_outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, g);
				free(r);
				free(gw);
				free(ww);
			}
		}
	}
	cJSON_Delete(json);
	exec_bulk_end(u);
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
	const char *a = jsonid_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);
	const char *o = jsonid_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_override_id"), b2);

	if (!a || strcmp(a, exec_bulk_assignment(c)))
		return 0;
	return !resource_get(c->kind)->parent_field ? !o : o && !strcmp(o, c->id);
}

/* End the objects of changes ch[0..n-1] (sorted as units are: an object's changes together). */
static void bulk_release(struct exec *x, const size_t *ch, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct xobj *ob = exec_obj_of(x, ch[i]);

		if (ob && (i + 1 == n || exec_obj_of(x, ch[i + 1]) != ob)) {
			ob->units--;
			exec_close_object(ob);
		}
	}
}


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
	if (x->stopped || http_stopped(canvas_http(x->cv)) || exec_journal_batch(x, &u, 1)) {
		exec_bulk_end(u);   /* the changes stay intent: nothing of them was saved, resume writes them */
		return;
	}
	exec_send_bulk(u);
}

/* The number of assignments in u, and in *half the index of the change where the second half of
 * them starts. */
static size_t bulk_assignments(const struct unit *u, size_t *half)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < u->nch; i++)
		n += !i || strcmp(exec_bulk_assignment(exec_chg(u->x, u->ch[i])), exec_bulk_assignment(exec_chg(u->x, u->ch[i - 1])));
	*half = u->nch;
	for (i = 0; i < u->nch; i++) {
		k += !i || strcmp(exec_bulk_assignment(exec_chg(u->x, u->ch[i])), exec_bulk_assignment(exec_chg(u->x, u->ch[i - 1])));
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
		const char *a = exec_bulk_assignment(exec_chg(x, u->ch[i]));
		char b[32];

		cJSON_ArrayForEach(row, rows) {
			const char *ra = jsonid_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);

			if (ra && !strcmp(ra, a))
				refused[i] = 1;
		}
		nrefused += refused[i];
	}
	if (!nrefused && bulk_assignments(u, &half) > 1) {
		/* nobody of this batch named: two halves, each on its own */
		struct unit *v = exec_unit_new(x, U_BULK, NULL);

		v->course_id = u->course_id;
		for (i = half; i < u->nch; i++)
			exec_unit_add(v, u->ch[i]);
		u->nch = half;
		free(refused);
		bulk_resend(u);
		bulk_resend(v);
		return;
	}
	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = exec_chg(x, u->ch[i]);
		struct buf own = BUF_INIT, all = BUF_INIT;
		char *r;

		if (nrefused && !refused[i])
			continue;
		cJSON_ArrayForEach(row, rows) {
			char b[32], b2[32];
			const char *ra = jsonid_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_id"), b);
			const char *ro = jsonid_text(cJSON_GetObjectItemCaseSensitive(row, "assignment_override_id"), b2);
			struct buf m = BUF_INIT;

			if (row_is_about(row, c))
				row_messages(row, c->field, &own);
			if (ra && !strcmp(ra, exec_bulk_assignment(c)) && row_messages(row, NULL, &m)) {
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
				      "are saved together or not at all", exec_bulk_assignment(c),
				      all.len ? all.ptr : "no reason given");
		else if (msg)
			r = xasprintf("Canvas's bulk update failed: %s", msg);
		else
			r = xasprintf("Canvas's bulk update failed (%s)", all.len ? all.ptr : "no reason given");
		exec_outcome(x, u->ch[i], JOURNAL_FAILED, r, NULL, NULL);
		free(r);
		buf_release(&own);
		buf_release(&all);
	}
	if (!nrefused) {
		free(refused);
		exec_bulk_end(u);
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

void exec_bulk_end(struct unit *u)
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
		if (!exec_stopped_answer(x, status, err)) {
			size_t i;
			char *r = xasprintf("the bulk update was sent, but its progress cannot be read (%s); run "
					    "`coursectl apply --resume JOURNAL` to check", err->msg);

			for (i = 0; i < u->nch; i++)
				exec_outcome(x, u->ch[i], JOURNAL_INTENT, r, NULL, NULL);
			free(r);
		}
		cJSON_Delete(json);
		exec_bulk_end(u);
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
				exec_outcome(x, u->ch[i], JOURNAL_INTENT, "Canvas had not finished the bulk update after 10 "
					"minutes; run `coursectl apply --resume JOURNAL` later to check", NULL, NULL);
		exec_bulk_end(u);
		return;
	}
	poll_progress(u);
}

/* Canvas took the unit as a background job: journal its Progress, durable before polling it (the
 * engine's before_send hook commits it with the other records of this turn, exec.c), so that a
 * resume or rollback after a crash from here on waits for the job instead of reading dates the job
 * has yet to write (exec_wait_jobs). A journal error stops the run. */
static int journal_unit_job(struct unit *u)
{
	struct err e = ERR_INIT;
	long *seqs = xcalloc(u->nch ? u->nch : 1, sizeof(*seqs));
	size_t i;
	int rc;

	for (i = 0; i < u->nch; i++)
		seqs[i] = exec_chg(u->x, u->ch[i])->seq;
	rc = journal_job_deferred(u->x->o->journal, seqs, u->nch, u->progress_path, &e);
	free(seqs);
	if (rc)
		exec_stop(u->x, &e);
	return rc;
}

static void on_bulk_put(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud)
{
	struct unit *u = ud;
	char b[32];
	const char *pid;

	(void)cv;
	if (exec_unsent(u, err) || exec_stopped_answer(u->x, status, err)) {
		cJSON_Delete(json);
		exec_bulk_end(u);
		return;
	}
	if (err->code) {
		exec_fail_all(u, "%s", err->msg);
		cJSON_Delete(json);
		exec_bulk_end(u);
		return;
	}
	pid = jsonid_text(cJSON_GetObjectItemCaseSensitive(json, "id"), b);
	if (!pid) {
		exec_fail_all(u, "Canvas answered the bulk update without a Progress id (%s)", "API.md 5.3");
		cJSON_Delete(json);
		exec_bulk_end(u);
		return;
	}
	u->progress_path = xasprintf("/api/v1/progress/%s", pid);
	cJSON_Delete(json);
	if (journal_unit_job(u)) {
		exec_bulk_end(u);    /* stopped: the changes stay intent; resume checks them */
		return;
	}
	poll_progress(u);
}

/* Send a bulk unit (its intents are journaled). */
void exec_send_bulk(struct unit *u)
{
	struct exec *x = u->x;
	cJSON *body = cJSON_CreateArray();
	char *path, *what;
	size_t i;

	for (i = 0; i < u->nch; i++) {
		const struct plan_change *c = exec_chg(x, u->ch[i]);
		const struct xobj *ob = exec_obj_of(x, u->ch[i]);

		exec_bulk_add(body, exec_bulk_assignment(c), resource_get(c->kind)->parent_field ? c->id : NULL,
			      ob ? ob->live : NULL, c->field, c->after);
	}
	path = resource_path(resource_get(exec_chg(x, u->ch[0])->kind)->path.bulk, u->course_id, NULL, NULL);
	what = xasprintf("the bulk date update of course %s", u->course_id);
	canvas_send(x->cv, "PUT", path, body, 0, what, on_bulk_put, u);
	cJSON_Delete(body);
	free(path);
	free(what);
}
