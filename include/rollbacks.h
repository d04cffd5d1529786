/* include/rollbacks.h -- which rollbacks a journal has had (issue 16: rollback is idempotent and
 * says so; `journal show` names the rollback that undid a run).
 *
 *   struct rollback_ref *r; size_t n;
 *   rollbacks_find(path, &r, &n, &err);     rollback journals of `path`, newest first
 *   rollbacks_covering(l, r, n)              the one whose plan undoes what l's undo plan would
 *   rollbacks_free(r, n);
 *   rollbacks_undone(path, &interrupted)     is the run undone, in one call (the re-run guard)
 */
#ifndef COURSECTL_ROLLBACKS_H
#define COURSECTL_ROLLBACKS_H

#include <stddef.h>

#include "err.h"
#include "journal.h"

struct rollback_ref {
	char *path;                 /* the rollback's journal */
	struct journal_log *log;    /* read (journal_read) */
	const char *created_at;     /* its header's created_at (in log), or "?" */
	size_t done, changes;       /* its changes done, of all; complete: done == changes, no skip */
	int complete;
	int undone;                 /* it was rolled back itself, completely: it no longer counts */
};

/* The rollback journals of journal `path` (header "run": "rollback" and "rollback_of_run" its
 * run_id; for a journal written before run ids, "rollback_of" naming the same file) in the
 * directory of `path` and in the default journal directory, newest first (created_at). A journal
 * that cannot be read is left out. *out malloced (rollbacks_free). */
int rollbacks_find(const char *path, struct rollback_ref **out, size_t *n, struct err *err);
void rollbacks_free(struct rollback_ref *r, size_t n);

/* Is the run of journal `path` undone, for the re-run guard (rerun.c)? 1 when a finished rollback
 * of it (footer written, whatever its outcomes) exists that is not itself undone by the same rule
 * (a chain of rollbacks of rollbacks is followed, 16 levels at most); the rollbacks are those
 * rollbacks_find finds, by run_id. Else 0, and *interrupted (when not NULL) is an interrupted
 * rollback of it not itself undone, or NULL: malloced, the caller's (free). Unlike
 * rollbacks_covering this does not ask whether every change was undone: "finished" is the guard's
 * rule. A journal that cannot be read has no rollbacks: 0. */
int rollbacks_undone(const char *path, char **interrupted);

/* The newest rollback of r[0..n) that still counts (not undone) and whose plan has every change of
 * `undo` (the undo plan of the journal now: exec_inverse_plan), or NULL. complete_only: only a
 * complete one. A rollback made before the journal was resumed further does not cover it. */
const struct rollback_ref *rollbacks_covering(const struct plan *undo, const struct rollback_ref *r, size_t n,
					      int complete_only);

#endif
