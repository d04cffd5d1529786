/* include/journal.h -- the write-ahead journal of an apply or a rollback (ARCHITECTURE.md "Durability").
 *
 * A journal is a JSON Lines file, mode 0600, one record a line:
 *   {"type":"header", "format":"coursectl-journal", "version":1, "tool", "run":"apply"|"rollback",
 *    "base_url", "recipe", "recipe_sha256", "plan_sha256", "courses":[...], "created_at", "user",
 *    "run_id" (random, this run's identity), "rollback_of"?, "rollback_of_run"? (the run_id of the
 *    journal a rollback undoes), "plan": {the whole plan file, docs/plan-format.md}}
 *   {"type":"intent",  "seq":N, "at":TIME}                      before the request for change N leaves
 *   {"type":"intent",  "seq":N, "at":TIME, "adopted":{"id":ID, "live":{...}}}
 *                                    a resume took object ID as create N's result; live: the object
 *                                    as it was before anything touched it (journal_adopted)
 *   {"type":"outcome", "seq":N, "state":"done"|"failed"|"conflict"|"skipped", "at":TIME,
 *    "error"?:TEXT, "id"?:ID, "live"?:VALUE}                     after it (id: the id a create got)
 *   {"type":"job", "seqs":[N...], "progress":"/api/v1/progress/ID", "at":TIME}
 *                                    Canvas took changes N... as a background job (bulk_update)
 *   {"type":"footer", "at":TIME, "summary":{...}}                 the run ended (not after a crash)
 * The plan in the header holds every change with its full `before` (a page body included), so undo
 * never depends on Canvas's own history; intents and outcomes name changes by their plan seq.
 *
 * Writing: every intent batch is fsync'ed before the request leaves (journal_intents); outcomes are
 * written (and fsync'ed in batches) after. The token is never written: nothing here receives it.
 * Reading tolerates a torn LAST line only (a crash mid-write); damage elsewhere is ERR_CORRUPT
 * naming the line. A lock (JOURNAL.lock, flock) keeps two runs off one journal: ERR_LOCKED.
 */
#ifndef COURSECTL_JOURNAL_H
#define COURSECTL_JOURNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "plan.h"

#define JOURNAL_FORMAT  "coursectl-journal"
#define JOURNAL_VERSION 1

enum journal_state {
	JOURNAL_NONE = 0,         /* no record: the change was never started */
	JOURNAL_INTENT,           /* intent without outcome: may or may not have reached Canvas */
	JOURNAL_DONE,
	JOURNAL_FAILED,
	JOURNAL_CONFLICT,
	JOURNAL_SKIPPED
};

/* "none", "intent", "done", "failed", "conflict", "skipped" */
const char *journal_state_name(enum journal_state s);

struct journal;               /* an open journal being written (and locked) */

/* The default directory: $XDG_STATE_HOME/coursectl/journals, else ~/.local/state/coursectl/journals
 * (created, mode 0700). Malloced. */
int journal_default_dir(char **out, struct err *err);

/* The header's fields before its plan ("run", "base_url", "recipe_sha256", "courses", "run_id",
 * ...), parsed from the file's first line without reading the plan (most of a header, hundreds of
 * megabytes for thousands of courses): for a caller that picks journals before it reads any whole.
 * NULL when the file does not start with a header (or its fields run past JOURNAL_HEAD_MAX). The
 * caller owns the object. Not checked against anything: journal_read and journal_check do that. */
#define JOURNAL_HEAD_MAX (16u << 20)
cJSON *journal_head(const char *path);

/* Whether another process holds JOURNAL.lock: a run writing the journal at `path` now (a shared,
 * non-blocking flock taken and dropped at once). */
int journal_running(const char *path);

/* Create a new journal at `path` (NULL: a new name in the default directory, e.g.
 * 20261127-235959-apply-4821.jsonl), lock it and write the header with the plan. `run` is "apply"
 * or "rollback"; rollback_of is the journal a rollback undoes, or NULL. */
int journal_create(struct journal **out, const char *path, const char *run, const struct plan *p,
		   const char *rollback_of, struct err *err);
/* Open an existing journal to go on writing it (resume): lock it, drop a torn last line. */
int journal_reopen(struct journal **out, const char *path, struct err *err);
const char *journal_path(const struct journal *j);

/* Record intents for changes seqs[0..n-1] and fsync: call before their request leaves. */
int journal_intents(struct journal *j, const long *seqs, size_t n, struct err *err);
/* Group commit (issue 18): journal_intents and journal_job without the fsync. The records are
 * written at once (one write(2) each) and made durable by the next journal_commit, which the caller
 * must call before any request they cover leaves -- apply calls it from the HTTP engine's
 * before_send hook (exec.c), so the records written while the engine read a turn's answers share
 * one fdatasync. */
int journal_intents_deferred(struct journal *j, const long *seqs, size_t n, struct err *err);
int journal_job_deferred(struct journal *j, const long *seqs, size_t n, const char *progress, struct err *err);
/* fdatasync when deferred records are waiting (0 at once when none are); an error, as journal_sync's,
 * when the sync fails or the journal took no more records after an earlier error (rule 4): then
 * nothing may leave. j may be NULL. */
int journal_commit(struct journal *j, struct err *err);
/* Record the outcome of change seq. error: a sentence or NULL; id: the new object's id (creates)
 * or NULL; live: the value found when it differs (a conflict's live value; a failed write's value
 * as Canvas stored it, which rollback restores from) or NULL. Flushed; fsync'ed by
 * journal_sync (called by the writer at least once per batch) and by journal_close. */
int journal_outcome(struct journal *j, long seq, enum journal_state state, const char *error, const char *id,
		    const cJSON *live, struct err *err);
int journal_sync(struct journal *j, struct err *err);
/* Record, before anything touches it, that a resume takes live object `id` as the result of create
 * `seq` (its POST's answer was lost), with the object as it is now (`live`), and fsync. Written as
 * an intent with an "adopted" key, which a reader of version 1 without this function reads as a
 * plain intent. */
int journal_adopted(struct journal *j, long seq, const char *id, const cJSON *live, struct err *err);
/* Record that Canvas took changes seqs[0..n-1] as a background job (PUT .../bulk_update answers a
 * Progress, API.md 5.3) whose state is at `progress` ("/api/v1/progress/ID"), and fsync. Until the
 * job has run, the live values do not show those changes yet: a resume or a rollback of this journal
 * waits for it first (journal_log.job; exec_wait_jobs in exec.h). */
int journal_job(struct journal *j, const long *seqs, size_t n, const char *progress, struct err *err);
/* Write the footer (summary: any object, may be NULL), fsync, unlock, free. */
int journal_finish(struct journal *j, const cJSON *summary, struct err *err);
/* Unlock and free without a footer (an interrupted run: resume goes on from here). */
void journal_close(struct journal *j);

/* ---------------------------------------------------------------- reading */

struct journal_log {
	char *path;
	cJSON *header;            /* the header record */
	struct plan *plan;        /* the plan from the header (plan_from_json) */
	enum journal_state *state;/* per change, by index (seq - 1) */
	char **new_id;            /* per change: the id a create got, or NULL */
	char **error;             /* per change: the error or conflict text of its outcome, or NULL */
	cJSON **live;             /* per change: the value its latest outcome found in Canvas ("live": a
				     conflict's, or what Canvas stored instead of the plan's value when a
				     failed write landed in another form), or NULL when it names none */
	char **job;               /* per change: the Progress path of the background job that carries
				     its latest intent ("/api/v1/progress/ID"), or NULL */
	char **intent_at;         /* per change: the "at" time of its latest intent, or NULL */
	cJSON **adopted;          /* per change: {"id", "live"} of the object a resume took as this
				     create's result (journal_adopted), or NULL */
	int finished;             /* a footer was read */
	int torn_tail;            /* the last line was incomplete and was ignored */
	long lines;
};

/* Read and check a journal. Damage other than a torn last line is ERR_CORRUPT naming FILE:LINE. */
int journal_read(struct journal_log **out, const char *path, struct err *err);
void journal_log_free(struct journal_log *l);
/* Before a resume or a rollback trusts a journal read back (issue 13): the plan in its header must
 * hash to the header's plan_sha256, match its own changes_sha256 when it has one, and (an apply's
 * plan that lists its recipe's steps) hold only changes those steps can make. ERR_CORRUPT naming
 * FILE:1 and what differs otherwise; the message says nothing was changed. */
int journal_check(const struct journal_log *l, struct err *err);

#endif
