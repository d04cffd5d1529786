/* runner/rollbacks.c -- which rollbacks a journal has had (include/rollbacks.h).
 *
 * Issue 16: `rollback J` run twice said "Rolled back with 191 changes" again; a rollback must be
 * safe to repeat and say when there is nothing left to undo. The record of a rollback is its own
 * journal: header "run": "rollback", "rollback_of": J (journal.c), a plan that is the undo plan
 * of J as it was (exec_inverse_plan), and per change whether it was done. So:
 *   - found: the .jsonl files of J's directory and of the default journal directory that undid J,
 *     told by their header's fields before its plan (journal_head): "run":"rollback" and a
 *     rollback_of_run that is J's run_id (journal.c: a random id per run; a path is no identity --
 *     a new run may be journaled to the same file name, as t0931 does), or, for a J written before
 *     run ids, a rollback_of that is J (the same file by realpath; by file name when the path it
 *     names is gone). Only those are read whole: reading every journal in full would parse every
 *     plan;
 *   - complete: every change of its plan done and no undo step skipped;
 *   - covers J: every change of J's undo plan now (same course, kind, id, op, field -- the undo
 *     plan is a pure function of the journal, "new:N" numbering included) is in its plan. A
 *     rollback made before J was resumed further does not cover the changes made after it;
 *   - undone: a rollback that was itself rolled back completely (`rollback J2`) no longer
 *     counts: the changes are back. One level only: a chain of rollbacks of rollbacks beyond that
 *     is rolled back as usual (the stale check finds what is done already and writes nothing).
 * The re-run guard (rerun.c) asks a coarser question in one call, rollbacks_undone: is J undone at
 * all -- a finished rollback (footer written, whatever its conflicts) not itself undone by the
 * same rule, the chain followed up to 16 levels; if not, which interrupted rollback of J is
 * pending. The guard only needs to know whether the run may still be in Canvas, and names the
 * pending rollback in its skip; the same finder keeps it from matching by path.
 * Rejected: a marker written into J by its rollback (J is the record of a run, never edited
 * after it, and `journal_check` refuses an edited one); asking Canvas (a second rollback's stale
 * check already writes nothing for an update found restored, but says "rolled back" again and
 * re-creates deleted objects as conflicts).
 */
#include "rollbacks.h"

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "strmap.h"
#include "xalloc.h"

/* 1 when `of` (a rollback_of as recorded) names the file whose realpath is `real`. */
static int same_journal(const char *of, const char *real)
{
	char buf[PATH_MAX], *a, *b;
	int same;

	if (realpath(of, buf))
		return !strcmp(buf, real);
	a = xstrdup(of);
	b = xstrdup(real);
	same = !strcmp(basename(a), basename(b));
	free(a);
	free(b);
	return same;
}

/* Whether the journal at path is a rollback of `real` -- by its rollback_of_run when J has a run_id
 * (run_id), else by its rollback_of naming J -- read from its header's fields alone (journal_head):
 * no journal but J's rollbacks is read whole. */
static int undoes(const char *path, const char *real, const char *run_id)
{
	cJSON *head = journal_head(path);
	const char *run = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, "run"));
	const char *of = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, "rollback_of"));
	const char *of_run = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, "rollback_of_run"));
	int yes = run && !strcmp(run, "rollback") &&
		  (run_id ? of_run && !strcmp(of_run, run_id) : of && same_journal(of, real));

	cJSON_Delete(head);
	return yes;
}

/* The run_id of the journal at path (its header, first line), malloced, or NULL (none: a journal
 * written before run ids; then rollbacks are matched by path). */
static char *header_run_id(const char *path)
{
	cJSON *head = journal_head(path);   /* its fields only: the plan is not read */
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(head, "run_id"));
	char *out = id ? xstrdup(id) : NULL;

	cJSON_Delete(head);
	return out;
}

static void fill(struct rollback_ref *r)
{
	const cJSON *ca = cJSON_GetObjectItemCaseSensitive(r->log->header, "created_at");
	size_t i;

	r->created_at = cJSON_IsString(ca) ? ca->valuestring : "?";
	r->changes = r->log->plan->nchanges;
	for (i = 0; i < r->changes; i++)
		r->done += r->log->state[i] == JOURNAL_DONE;
	r->complete = r->done == r->changes && !r->log->plan->nskipped;
}

static int newest_first(const void *a, const void *b)
{
	const struct rollback_ref *x = a, *y = b;

	return strcmp(y->created_at, x->created_at);
}

/* Add the rollbacks of `real` (whose header's run_id is run_id, or NULL) found in dir to *out
 * (skipping paths already there). */
static void scan(const char *dir, const char *real, const char *run_id, struct rollback_ref **out, size_t *n,
		 size_t *alloc)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), k;
		char *path, rp[PATH_MAX];
		struct journal_log *l = NULL;
		struct err e = ERR_INIT;
		int dup = 0;

		if (de->d_name[0] == '.' || len <= 6 || strcmp(de->d_name + len - 6, ".jsonl"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (!realpath(path, rp) || !strcmp(rp, real) || !undoes(path, real, run_id)) {
			free(path);
			continue;
		}
		for (k = 0; k < *n; k++)
			dup |= !strcmp((*out)[k].path, rp);
		if (dup || journal_read(&l, path, &e)) {
			free(path);
			continue;
		}
		free(path);
		if (*n == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 4;
			*out = xrealloc(*out, *alloc * sizeof(**out));
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		(*out)[*n].path = xstrdup(rp);
		(*out)[*n].log = l;
		fill(&(*out)[*n]);
		(*n)++;
	}
	closedir(d);
}

static void find(const char *path, struct rollback_ref **out, size_t *n, int depth)
{
	char real[PATH_MAX], *copy, *dir = NULL, *run_id;
	size_t alloc = 0, i;
	struct err e = ERR_INIT;

	*out = NULL;
	*n = 0;
	if (!realpath(path, real))
		return;
	run_id = header_run_id(real);
	copy = xstrdup(real);
	scan(dirname(copy), real, run_id, out, n, &alloc);
	free(copy);
	if (!journal_default_dir(&dir, &e))
		scan(dir, real, run_id, out, n, &alloc);
	free(dir);
	free(run_id);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), newest_first);
	for (i = 0; depth == 0 && i < *n; i++) {
		struct rollback_ref *sub;
		size_t nsub, k;

		find((*out)[i].path, &sub, &nsub, 1);
		for (k = 0; k < nsub; k++)
			(*out)[i].undone |= sub[k].complete;
		rollbacks_free(sub, nsub);
	}
}

int rollbacks_find(const char *path, struct rollback_ref **out, size_t *n, struct err *err)
{
	(void)err;
	find(path, out, n, 0);
	return 0;
}

void rollbacks_free(struct rollback_ref *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].path);
		journal_log_free(r[i].log);
	}
	free(r);
}

/* rollbacks_undone at chain depth `depth`: the finished rollbacks count unless undone themselves,
 * recursively (a rollback of a rollback of a rollback puts the changes back again); 16 levels
 * bound the walk. */
static int undone_at(const char *path, char **interrupted, int depth)
{
	struct rollback_ref *r;
	size_t n, i;
	int yes = 0;

	if (interrupted)
		*interrupted = NULL;
	if (depth > 16)
		return 0;
	find(path, &r, &n, 1);
	for (i = 0; i < n && !yes; i++)
		yes = r[i].log->finished && !undone_at(r[i].path, NULL, depth + 1);
	for (i = 0; !yes && interrupted && !*interrupted && i < n; i++)
		if (!r[i].log->finished && !undone_at(r[i].path, NULL, depth + 1))
			*interrupted = xstrdup(r[i].path);
	rollbacks_free(r, n);
	return yes;
}

int rollbacks_undone(const char *path, char **interrupted)
{
	return undone_at(path, interrupted, 0);
}

/* The identity of a change in an undo plan. Malloced. */
static char *change_key(const struct plan_change *c)
{
	return xasprintf("%s\x1f%d\x1f%s\x1f%d\x1f%s", c->course_id, (int)c->kind, c->id, (int)c->op,
			 c->field ? c->field : "");
}

const struct rollback_ref *rollbacks_covering(const struct plan *undo, const struct rollback_ref *r, size_t n,
					      int complete_only)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct strmap have = STRMAP_INIT;
		const struct plan *p = r[i].log->plan;
		int all = 1;

		if (r[i].undone || (complete_only && !r[i].complete))
			continue;
		for (k = 0; k < p->nchanges; k++)
			strmap_put_take(&have, change_key(&p->changes[k]), (void *)1);
		for (k = 0; k < undo->nchanges && all; k++) {
			char *key = change_key(&undo->changes[k]);

			all = strmap_get(&have, key) != NULL;
			free(key);
		}
		strmap_release(&have);
		if (all)
			return &r[i];
	}
	return NULL;
}
