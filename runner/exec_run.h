/* runner/exec_run.h -- the state of one apply run (exec_run), shared by exec.c and its phase files
 * and included by nothing else: exec_stale.c (the stale check), exec_order.c (units and their
 * order), exec_object.c (one object's PUT, POST or DELETE), exec_bulk.c (bulk_update jobs),
 * exec_lost.c (the look-up of a create's object), exec_verify.c (read-back and the final re-read).
 * Each function below is defined in the file its group names; exec.c's design comment says how the
 * phases follow one another. The pure half of apply is exec_internal.h.
 */
#ifndef COURSECTL_EXEC_RUN_H
#define COURSECTL_EXEC_RUN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "canvas.h"
#include "err.h"
#include "exec.h"
#include "journal.h"
#include "plan.h"
#include "resource.h"
#include "strmap.h"

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
	int reread;                     /* the final re-read reads its list: an answer cannot prove a value
					   this run wrote to it (exec_verify.c) */
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
	struct strmap live;             /* exec_okey -> cJSON* */
	struct strmap objmap;           /* exec_okey -> struct xobj* */
	struct strmap news;             /* course\x1f"new:N" -> 1 + change index of its create */
	struct strmap unread;           /* course id -> why its stale-check read failed (malloced) */
	int snap_reread;                /* exec_fetch_live is the final re-read */
	struct xobj **objs;             /* the window's objects (exec.c's design comment) */
	size_t nobjs, aobjs;
	size_t nobjs_total;             /* objects of every window, for the progress line */
	struct unit **units;            /* the window's units */
	size_t nunits, aunits;
	struct err fatal;
	int stopped;
	size_t objects_finished, failed_so_far;
	unsigned char *flags;           /* per change: X_ bits (one byte a change, not four arrays of
					   one: issue 18, flat memory) */
};

/* struct exec's flags of a change */
#define X_WRITTEN  1u                   /* its intent was journaled in this run */
#define X_DUP_RISK 2u                   /* a create sent again after a lost answer */
#define X_UNSENT   4u                   /* skipped because its request never left (exec_unsent()) */
#define X_INWIN    8u                   /* of the window now running */

/* ---------------------------------------------------------------- exec.c */

/* The key of an object: malloced. */
char *exec_okey(const char *course, enum resource_kind kind, const char *id);
/* The key of a "new:N" id in its course: malloced. */
char *exec_nkey(const char *course, const char *id);
const struct plan_change *exec_chg(const struct exec *x, size_t i);
/* Stop the run (a 401, a journal error): the first error is the run's. */
void exec_stop(struct exec *x, const struct err *e);
void exec_outcome(struct exec *x, size_t i, enum journal_state st, const char *reason, const char *id,
		  const cJSON *live);
void exec_close_object(struct xobj *ob);
void exec_index_live(struct exec *x);
void exec_live_parent(struct exec *x, struct xobj *ob);
const char *exec_resolve(const struct exec *x, const char *course, const char *id);
/* Malloced (cJSON_Delete). */
cJSON *exec_resolve_value(const struct exec *x, const char *course, const cJSON *v, const char **missing);
const cJSON *exec_live_field(const struct xobj *ob, const char *field, cJSON **tmp);
int exec_same(const struct exec *x, enum resource_kind kind, const char *field, const cJSON *want,
	      const cJSON *got);
/* Malloced. */
char *exec_brief(const cJSON *v);
struct unit *exec_unit_new(struct exec *x, enum utype type, struct xobj *ob);
void exec_unit_add(struct unit *u, size_t i);
int exec_journal_batch(struct exec *x, struct unit *const *us, size_t n);
void exec_unit_done(struct unit *u);
void exec_unit_finish_async(struct unit *u);
int exec_stopped_answer(struct exec *x, long status, const struct err *err);
int exec_unsent(struct unit *u, const struct err *err);
void exec_fail_all(struct unit *u, const char *fmt, const char *arg);
struct xobj *exec_obj_of(const struct exec *x, size_t i);
int exec_fetch_live(struct exec *x, int each, struct err *err);

/* ---------------------------------------------------------------- exec_stale.c */

enum verdict { V_WRITE, V_DONE, V_CONFLICT, V_FAIL };

/* *why: malloced (free), or NULL. */
enum verdict exec_check_change(struct exec *x, struct xobj *ob, size_t i, char **why, struct strmap *taken);
/* The stale check's courses that the plan read moments ago (x->o->reads, fresh, with what `more`
 * wants of them): taken out of ids[0..*n-1] (*n lowered) and returned as an array that
 * exec_stale_merge adds to the live copy; NULL when there are no reads to use (a saved plan, the
 * final re-read). */
cJSON *exec_stale_reuse(struct exec *x, char **ids, int *n, const struct strmap *more);
/* Takes courses (may be NULL) into x->snap's courses. */
void exec_stale_merge(struct exec *x, cJSON *courses);

/* ---------------------------------------------------------------- exec_order.c */

void exec_plan_units(struct exec *x);
void exec_start_units(struct exec *x);
void exec_chain_run(struct unit *u);

/* ---------------------------------------------------------------- exec_object.c */

const char *exec_obj_id(const struct unit *u);
const char *exec_item_parent(const struct unit *u);
cJSON *exec_date_siblings(const struct unit *u);
/* The live object a checkpoint unit writes through: its own, or its parent's for an
 * elsewhere_via_parent kind (a checkpoint override's assignment); NULL when not read. */
cJSON *exec_checkpoint_owner(const struct unit *u);
/* That owner's id: the object's, or its parent's. */
const char *exec_checkpoint_owner_id(const struct unit *u);
void exec_send_object(struct unit *u, int create);
void exec_keep_locked(struct unit *u, cJSON *sent);
/* Takes json. */
void exec_created(struct unit *u, cJSON *json);
void exec_on_delete(struct canvas *cv, long status, cJSON *json, const struct err *err, void *ud);

/* ---------------------------------------------------------------- exec_bulk.c */

const char *exec_bulk_assignment(const struct plan_change *c);
void exec_send_bulk(struct unit *u);
void exec_bulk_end(struct unit *u);

/* ---------------------------------------------------------------- exec_lost.c */

/* ids: may be NULL. Returns a borrowed object of the live copy, or NULL. */
cJSON *exec_find_existing(struct exec *x, struct xobj *ob, struct strmap *taken, int *count, struct buf *ids);
void exec_check_post(struct unit *u, const struct err *err);

/* ---------------------------------------------------------------- exec_verify.c */

int exec_read_back(struct unit *u, const cJSON *got, int final);
void exec_submit_reread(struct unit *u);
int exec_verify(struct exec *x, struct err *err);
void exec_report_duplicates(struct exec *x);

#endif
