/* runner/journal.c -- the write-ahead journal of an apply or a rollback (include/journal.h).
 *
 * A journal is what makes a run of coursectl safe to kill: every request that changes Canvas is
 * preceded by an intent record on disk, and the header holds the whole plan, the full `before` of
 * every change included, so undo never depends on Canvas (ARCHITECTURE.md "Durability"). The
 * rules, in the manner of SQLite's pager notes (STYLE.md S-1):
 *
 *   (1) A record is one line of compact JSON ending in '\n', sent to the kernel by one write(2)
 *       call (looped only on a short write): no stdio buffer can split a record over two flushes,
 *       so a crash leaves at most the last line torn.
 *       The one exception is the header, which holds the whole plan (hundreds of megabytes at
 *       10,000 courses, issue 18): it is printed change by change and written 64 KiB a call, so it
 *       is never held whole. The guarantee it needs is the same: nothing is sent before the header
 *       is on disk (journal_create fsyncs it and the directory before it returns), so a header cut
 *       short by a crash or a full disk belongs to a run that wrote nothing. Such a file reads as
 *       "no complete header" (rule 6) and is unusable -- there is nothing in it to resume or undo;
 *       a failed create removes it.
 *   (2) journal_intents() returns only after its lines are on disk (fdatasync; the file's size is
 *       data for fdatasync, so the appended records are reachable). The request may leave then.
 *       Group commit (issue 18): journal_intents_deferred() and journal_job_deferred() write the
 *       same lines and leave the fdatasync to journal_commit(), which apply calls in the HTTP
 *       engine's before_send hook -- before every request is started, so still nothing leaves
 *       before the records written ahead of it are on disk; the records of the answers read in one
 *       turn of the engine (a row of bulk_update answers, each with its Progress) share one
 *       fdatasync instead of one each on the event loop. A failed commit refuses the request and
 *       stops the engine (rule 4).
 *   (3) Outcomes are written at once and made durable by journal_sync/finish/close: a lost outcome
 *       only turns "done" into "intent without outcome", which resume checks against Canvas.
 *   (4) After a write or sync error the journal refuses every later record (fail-stop, as SQLite's
 *       ERROR state, S-3): a partial record is cut back with ftruncate so the file still ends on a
 *       whole line, and the caller stops the run with an ERR_IO that names the file. After a failed
 *       fsync the kernel may have dropped the dirty pages, so writing on would build on sand.
 *       tests/e2e/t1110-faults.sh fills the disk under a journal (tests/shim/diskfull.c) before and
 *       during a run and checks the simulator's request log: no write leaves without its intent.
 *   (5) The file is created with O_EXCL and mode 0600 (fchmod as well, against an odd umask): an
 *       existing journal is never overwritten, and course content never lands in a readable file.
 *       The directory entry is fsync'ed after the header (redis aof.c, R-8).
 *   (6) Reading tolerates a torn LAST line only (redis' aof-load-truncated, R-9): a last line
 *       without its '\n', or one that is not JSON. A damaged line anywhere else is ERR_CORRUPT
 *       naming FILE:LINE, and so is a last line that is JSON but wrong (a bad seq or state): that
 *       is damage, not a tear -- a cut record is never valid JSON, as every record ends in '}'.
 *       journal_reopen() truncates the torn line away before appending.
 *
 *   (7) A journal is checked against itself before resume or rollback trust it (journal_check,
 *       issue 13): the plan in the header must hash to the header's plan_sha256 (printed again
 *       with cJSON_PrintUnformatted, which gives back the very text the writer hashed: cJSON prints
 *       a parsed tree the way it printed the tree it came from, and plan_print writes the bytes of
 *       that print), its changes must match the plan's
 *       own changes_sha256 when it has one, and an apply's plan must hold only changes its
 *       recipe's steps can make (plan_check_fields). Records must agree with the plan on read: an
 *       outcome carries an `id` only for a create, a job names only assignment or override
 *       updates; a seq outside the plan was already damage. `journal show` and `list` read without
 *       journal_check (they report; they do not write), so a hand-written journal still shows.
 *
 * Records (journal.h): the header's keys are exactly type, format, version, tool, run, base_url,
 * recipe, recipe_sha256, plan_sha256, courses (the ids, numbers when numeric as in the plan
 * file), created_at (UTC, seconds), user (the login name of getuid(), nothing else about the
 * person), run_id (32 random hex digits: this run, whatever the file is called later), rollback_of
 * and rollback_of_run (rollbacks only: the journal undone, its path as given and its run_id, when
 * it has one) and plan, last. A rollback finds the earlier rollbacks of a journal by run_id
 * (rollbacks.c, issue 16): a path is not an identity, a new run can be journaled to the same
 * file name. plan_sha256 is the SHA-256 of the plan's
 * text exactly as it stands in the header line (compact JSON), so the header carries its own
 * check. A job record (journal_job) is fsync'ed like intents: it is what a resume or rollback after
 * a crash waits on, so it must be on disk before the job is polled (and, deferred, before any
 * request after it leaves: journal_commit). "at" times are UTC with
 * milliseconds. Outcome ids are written as text. The token is never
 * written: nothing here receives it, and the header is built from the plan alone.
 *
 * Lock: JOURNAL.lock (mode 0600), flock(LOCK_EX|LOCK_NB), held from create/reopen to finish/close.
 * A second run gets ERR_LOCKED at once rather than waiting. flock rather than O_EXCL lock files
 * (git's lockfile.h) because a kill -9 must not leave a lock that needs a human to remove: the
 * kernel drops an flock with the process. The lock file is unlinked on release; to make that safe
 * a taker checks, after flock, that the path still names the inode it locked (else someone
 * released and removed it meanwhile) and retries. A rollback also locks the journal it undoes, so
 * two rollbacks of one journal, or a rollback during its resume, cannot run at once.
 *
 * Rejected: a binary format (JSON Lines is readable with jq, which matters when a run went wrong);
 * fsync per outcome (a request's latency is tens of ms, but thousands of fsyncs on a laptop disk
 * add minutes for nothing: (3)); writing a batch of intents in one write call (the same crash
 * guarantee, but one line a call keeps (1) true without a second rule); a footer-less format with
 * a state file beside it (two files to keep in step).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "jsonid.h"
#include "msg.h"
#include "sha256.h"
#include "version.h"
#include "xalloc.h"

struct jlock {
	char *path;               /* JOURNAL.lock, malloced; NULL when not taken */
	int fd;                   /* -1 when not taken */
};

struct journal {
	char *path;               /* malloced */
	int fd;                   /* O_WRONLY|O_APPEND (O_RDWR after reopen) */
	struct jlock lock;        /* this journal's */
	struct jlock of_lock;     /* the journal a rollback undoes, or not taken */
	size_t nchanges;          /* the plan's: seqs are 1..nchanges */
	off_t end;                /* the offset after the last whole record */
	int unsynced;             /* records written since the last fdatasync */
	int pending;              /* deferred intents or jobs not yet durable: journal_commit */
	int broken;               /* a write or sync failed: rule (4) */
	struct buf line;          /* scratch for one record */
};

static const char *const state_names[] = { "none", "intent", "done", "failed", "conflict", "skipped" };

const char *journal_state_name(enum journal_state s)
{
	if ((unsigned)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

/* ================================================================ small helpers */

/* UTC now: "2026-11-27T23:59:59Z", or with ms "2026-11-27T23:59:59.123Z". */
static void utc_now(char out[32], int ms)
{
	struct timespec ts;
	struct tm tm;
	char b[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
	if (ms)
		snprintf(out, 32, "%s.%03dZ", b, (int)(ts.tv_nsec / 1000000 % 1000));
	else
		snprintf(out, 32, "%sZ", b);
}

static const char *get_str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

/* The directory part of path ("." when none); malloced. */
static char *dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (!sl)
		return xstrdup(".");
	if (sl == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(sl - path));
}

/* Make the directory entries of a new file durable (best effort where a directory cannot be
 * opened for sync, as on some network file systems). */
static int sync_dir_of(const char *path, struct err *err)
{
	char *dir = dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd >= 0) {
		if (fsync(fd) && errno != EINVAL && errno != EROFS)
			rc = err_set(err, ERR_IO, "cannot sync directory '%s': %s", dir, strerror(errno));
		close(fd);
	}
	free(dir);
	return rc;
}

/* ================================================================ the lock */

static void lock_release(struct jlock *l)
{
	if (l->fd >= 0) {
		/* unlink while still holding it: a taker that opened the old inode notices (lock_take) */
		unlink(l->path);
		close(l->fd);
	}
	free(l->path);
	l->path = NULL;
	l->fd = -1;
}

static int lock_take(struct jlock *l, const char *journal, struct err *err)
{
	struct stat a, b;
	int tries, fd, e;

	l->path = xasprintf("%s.lock", journal);
	for (tries = 0; tries < 20; tries++) {
		fd = open(l->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);   /* never a planted link */
		if (fd < 0) {
			e = errno;
			err_set(err, ERR_IO, "cannot create lock '%s': %s", l->path, strerror(e));
			goto fail;
		}
		while (flock(fd, LOCK_EX | LOCK_NB)) {
			e = errno;
			if (e == EINTR)
				continue;
			close(fd);
			if (e == EWOULDBLOCK)
				err_set(err, ERR_LOCKED, "another coursectl is running journal '%s' (it holds '%s')",
					journal, l->path);
			else
				err_set(err, ERR_IO, "cannot lock '%s': %s", l->path, strerror(e));
			goto fail;
		}
		if (!fstat(fd, &a) && !stat(l->path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			fchmod(fd, 0600);   /* a lock file left by an older run keeps its mode otherwise */
			l->fd = fd;
			return 0;
		}
		close(fd);          /* its holder released and removed it as we locked it: again */
	}
	err_set(err, ERR_LOCKED, "cannot lock journal '%s': '%s' keeps being replaced", journal, l->path);
fail:
	free(l->path);
	l->path = NULL;
	l->fd = -1;
	return err->code;
}

/* ================================================================ writing */

static struct journal *journal_alloc(void)
{
	struct journal *j = xcalloc(1, sizeof(*j));

	j->fd = -1;
	j->lock.fd = -1;
	j->of_lock.fd = -1;
	return j;
}

static void journal_free(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	lock_release(&j->lock);
	lock_release(&j->of_lock);
	buf_release(&j->line);
	free(j->path);
	free(j);
}

/* Rule (1): the whole line s[0..len) by one write call (looped only when the kernel writes less);
 * rule (4) on failure. */
static int write_line(struct journal *j, const char *s, size_t len, struct err *err)
{
	size_t off = 0;
	ssize_t w;
	int e;

	if (j->broken)
		return err_set(err, ERR_IO, "journal '%s' took no more records after an earlier write error",
			       j->path);
	while (off < len) {
		w = write(j->fd, s + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			j->broken = 1;
			if (off && ftruncate(j->fd, j->end))
				warnf("journal '%s' ends in a partial record (%s); reading it drops that line",
				      j->path, strerror(errno));
			return err_set(err, ERR_IO, "cannot write journal '%s': %s", j->path, strerror(e));
		}
		off += (size_t)w;
	}
	j->end += (off_t)len;
	j->unsynced = 1;
	return 0;
}

/* One record: rec (taken and freed) as one line. */
static int put_record(struct journal *j, cJSON *rec, struct err *err)
{
	char *s = cJSON_PrintUnformatted(rec);
	int rc;

	cJSON_Delete(rec);
	if (!s)
		return err_set(err, ERR_GENERIC, "out of memory writing journal '%s'", j->path);
	buf_reset(&j->line);
	buf_puts(&j->line, s);
	buf_putc(&j->line, '\n');
	free(s);
	rc = write_line(j, j->line.ptr, j->line.len, err);
	if (j->line.alloc > 65536)
		buf_release(&j->line);   /* do not keep a header-sized buffer for the whole run */
	return rc;
}

int journal_sync(struct journal *j, struct err *err)
{
	if (j->broken)
		return err_set(err, ERR_IO, "journal '%s' took no more records after an earlier write error",
			       j->path);
	if (!j->unsynced)
		return 0;
	if (fdatasync(j->fd)) {
		j->broken = 1;
		return err_set(err, ERR_IO, "cannot write journal '%s' to disk: %s", j->path, strerror(errno));
	}
	j->unsynced = 0;
	j->pending = 0;
	return 0;
}

int journal_commit(struct journal *j, struct err *err)
{
	if (!j || (!j->pending && !j->broken))
		return 0;
	return journal_sync(j, err);
}

/* A new run's id: 32 hex digits from getrandom (the clock and the pid when it fails). */
static void new_run_id(char out[33])
{
	unsigned char r[16];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		struct timespec ts;
		unsigned long long v;

		clock_gettime(CLOCK_REALTIME, &ts);
		v = (unsigned long long)ts.tv_sec * 1000000007ULL ^ (unsigned long long)ts.tv_nsec << 20 ^
		    (unsigned long long)getpid();
		for (i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(v >> (8 * (i % 8))) ^ (unsigned char)(i * 131);
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* The run_id in the header of journal `path` (read from its first 64 KiB: the header's keys before
 * its plan), malloced, or NULL (a journal written before run ids, or unreadable). */
static char *run_id_of(const char *path)
{
	static const char key[] = "\"run_id\":\"";
	FILE *f = fopen(path, "r");
	char *b, *k, *id = NULL;
	size_t n;

	if (!f)
		return NULL;
	b = xmalloc(65537);
	n = fread(b, 1, 65536, f);
	fclose(f);
	b[n] = '\0';
	if ((k = strstr(b, key)) && strlen(k) >= sizeof(key) - 1 + 32 && k[sizeof(key) - 1 + 32] == '"')
		id = xasprintf("%.32s", k + sizeof(key) - 1);
	free(b);
	return id;
}

/* The header's fields but its plan, as compact JSON (malloced; NULL when cJSON could not print). */
static char *header_fields(const char *run, const struct plan *p, const char *rollback_of, const char *hex)
{
	cJSON *h = cJSON_CreateObject(), *courses;
	char *htext, when[32], rid[33];
	struct passwd *pw = getpwuid(getuid());
	char *user = pw && pw->pw_name ? xstrdup(pw->pw_name) : xasprintf("%lu", (unsigned long)getuid());
	size_t i;

	utc_now(when, 0);
	cJSON_AddStringToObject(h, "type", "header");
	cJSON_AddStringToObject(h, "format", JOURNAL_FORMAT);
	cJSON_AddNumberToObject(h, "version", JOURNAL_VERSION);
	cJSON_AddStringToObject(h, "tool", "coursectl " COURSECTL_VERSION);
	cJSON_AddStringToObject(h, "run", run);
	cJSON_AddItemToObject(h, "base_url", p->base_url ? cJSON_CreateString(p->base_url) : cJSON_CreateNull());
	cJSON_AddItemToObject(h, "recipe",
			      p->recipe_path ? cJSON_CreateString(p->recipe_path) : cJSON_CreateNull());
	cJSON_AddItemToObject(h, "recipe_sha256",
			      p->recipe_sha256 ? cJSON_CreateString(p->recipe_sha256) : cJSON_CreateNull());
	cJSON_AddStringToObject(h, "plan_sha256", hex);
	courses = cJSON_AddArrayToObject(h, "courses");
	for (i = 0; i < p->ncourses; i++)
		cJSON_AddItemToArray(courses, jsonid(p->courses[i].id));
	cJSON_AddStringToObject(h, "created_at", when);
	cJSON_AddStringToObject(h, "user", user);
	new_run_id(rid);
	cJSON_AddStringToObject(h, "run_id", rid);
	if (rollback_of) {
		char *of_run = run_id_of(rollback_of);

		cJSON_AddStringToObject(h, "rollback_of", rollback_of);
		if (of_run)
			cJSON_AddStringToObject(h, "rollback_of_run", of_run);
		free(of_run);
	}
	htext = cJSON_PrintUnformatted(h);
	cJSON_Delete(h);
	free(user);
	return htext;
}

static int hash_sink(void *ud, const char *s, size_t n)
{
	sha256_update(ud, s, n);
	return 0;
}

/* The header line going to the file: HEADER_CHUNK bytes a write_line. */
#define HEADER_CHUNK 65536

struct header_out {
	struct journal *j;
	struct buf b;
	struct err *err;
	int rc;
};

static int header_flush(struct header_out *o)
{
	if (!o->rc && o->b.len)
		o->rc = write_line(o->j, o->b.ptr, o->b.len, o->err);
	buf_reset(&o->b);
	return o->rc;
}

static int header_sink(void *ud, const char *s, size_t n)
{
	struct header_out *o = ud;

	buf_add(&o->b, s, n);
	return o->b.len >= HEADER_CHUNK ? header_flush(o) : 0;
}

/* The header line (the exception to rule (1), see the design comment): the header's fields, then
 * "plan" last, its compact text printed change by change (plan_print) twice -- once into the
 * SHA-256 that plan_sha256 carries, once into the file -- so neither the plan's text nor the line
 * is ever held whole (issue 18: a plan of 10,000 courses is hundreds of megabytes of text). */
static int write_header(struct journal *j, const char *run, const struct plan *p, const char *rollback_of,
			struct err *err)
{
	struct header_out o;
	struct sha256 h;
	char hex[65], digest[65], *htext;
	int rc;

	plan_changes_digest(p, digest);   /* once for both prints */
	sha256_init(&h);
	if (plan_print(p, 0, digest, hash_sink, &h))
		return err_set(err, ERR_GENERIC, "out of memory writing the header of journal '%s'", j->path);
	sha256_final_hex(&h, hex);
	if (!(htext = header_fields(run, p, rollback_of, hex)))
		return err_set(err, ERR_GENERIC, "out of memory writing the header of journal '%s'", j->path);
	memset(&o, 0, sizeof(o));
	o.j = j;
	o.err = err;
	buf_add(&o.b, htext, strlen(htext) - 1);        /* without its closing brace */
	buf_puts(&o.b, ",\"plan\":");
	free(htext);
	rc = plan_print(p, 0, digest, header_sink, &o);
	if (!rc)
		buf_puts(&o.b, "}\n");
	if (!rc)
		rc = header_flush(&o);
	buf_release(&o.b);
	if (rc && !o.rc)
		return err_set(err, ERR_GENERIC, "out of memory writing the header of journal '%s'", j->path);
	return rc;
}

/* A file-name-safe copy of s (at most 40 bytes of [A-Za-z0-9._-], others as '_'); malloced. */
static char *name_part(const char *s)
{
	size_t i, n = strlen(s) > 40 ? 40 : strlen(s);
	char *o = xstrndup(s, n);

	for (i = 0; i < n; i++)
		if (!((o[i] >= 'a' && o[i] <= 'z') || (o[i] >= 'A' && o[i] <= 'Z') ||
		      (o[i] >= '0' && o[i] <= '9') || o[i] == '.' || o[i] == '-' || o[i] == '_'))
			o[i] = '_';
	if (!n || o[0] == '.')
		o[0] = '_';
	return o;
}

/* A new name in the default directory: DIR/20261127-235959-apply-4821.jsonl, then -2, -3 ... when
 * that name is taken (two runs in one second), made by make(name, ud): a journal file, or a link
 * to one kept elsewhere. *path: the name made (malloced), or NULL. Returns make's result, or -1
 * with errno. */
static int default_name(const char *dir, const char *run, const struct plan *p, char **path,
			int (*make)(const char *name, void *ud), void *ud)
{
	char *course, stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	unsigned n;
	int r = -1;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	course = name_part(p->ncourses ? p->courses[0].id : p->nchanges ? p->changes[0].course_id : "none");
	*path = NULL;
	for (n = 1; n < 1000; n++) {
		if (n == 1)
			*path = xasprintf("%s/%s-%s-%s.jsonl", dir, stamp, run, course);
		else
			*path = xasprintf("%s/%s-%s-%s-%u.jsonl", dir, stamp, run, course, n);
		if ((r = make(*path, ud)) >= 0 || errno != EEXIST)
			break;
		free(*path);
		*path = NULL;
	}
	free(course);
	return r;
}

static int make_file(const char *name, void *ud)
{
	(void)ud;
	return open(name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
}

static int make_link(const char *name, void *ud)
{
	return symlink((const char *)ud, name);
}

/* A new journal file in the default directory (default_name). Sets j->path and j->fd. */
static int create_default(struct journal *j, const char *run, const struct plan *p, struct err *err)
{
	char *dir = NULL;
	int rc;

	if ((rc = journal_default_dir(&dir, err)))
		return rc;
	j->fd = default_name(dir, run, p, &j->path, make_file, NULL);
	if (j->fd < 0)
		rc = err_set(err, ERR_IO, "cannot create a journal in '%s': %s", dir,
			     j->path ? strerror(errno) : "too many journals in this second");
	free(dir);
	return rc;
}

/* A journal created with --journal outside the default directory gets a link there, under the
 * name a journal of its own would have: the journals of this machine are where `journal list`,
 * the rollbacks of a run (rollbacks.c) and the rerun guard of a relative step (rerun.c) look, and
 * a second `apply RECIPE --journal OTHER` must know the first moved the dates (issue 18's
 * session: a user keeping journals beside the recipe, as CI does, moved every date twice). The
 * link points at the file's real path; readers follow it (rerun.c and rollbacks.c name the real
 * path; a link whose file was moved or deleted is passed over). Not fatal: without it the run is
 * still journaled, and the notice says what a second apply will not know. */
static void link_default(const struct journal *j, const char *run, const struct plan *p)
{
	char real[PATH_MAX], rdir[PATH_MAX], *dir = NULL, *copy, *name = NULL;
	struct err e = ERR_INIT;

	if (!realpath(j->path, real) || journal_default_dir(&dir, &e) || !realpath(dir, rdir)) {
		notef("journal %s is not linked from the journal directory (%s): a later apply of this recipe "
		      "will not know of this run", j->path, e.code ? e.msg : strerror(errno));
		free(dir);
		return;
	}
	copy = xstrdup(real);
	if (strcmp(dirname(copy), rdir) && default_name(rdir, run, p, &name, make_link, real) < 0)
		notef("journal %s is not linked from %s (%s): a later apply of this recipe will not know of "
		      "this run", j->path, rdir, strerror(errno));
	free(copy);
	free(name);
	free(dir);
}

int journal_create(struct journal **out, const char *path, const char *run, const struct plan *p,
		   const char *rollback_of, struct err *err)
{
	struct journal *j;
	int rc = 0, created = 0;

	*out = NULL;
	if (!run || (strcmp(run, "apply") && strcmp(run, "rollback")))
		return err_set(err, ERR_GENERIC, "a journal records an apply or a rollback, not '%s'",
			       run ? run : "");
	j = journal_alloc();
	j->nchanges = plan_total(p);   /* a spilled plan's too (include/plan.h) */
	if (rollback_of && (rc = lock_take(&j->of_lock, rollback_of, err)))
		goto fail;
	if (path) {
		j->path = xstrdup(path);
		j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (j->fd < 0) {
			if (errno == EEXIST)
				rc = err_set(err, ERR_IO, "journal '%s' already exists; a journal is never "
					     "overwritten (choose another file, or continue it with --resume)", path);
			else
				rc = err_set(err, ERR_IO, "cannot create journal '%s': %s", path, strerror(errno));
			goto fail;
		}
	} else if ((rc = create_default(j, run, p, err))) {
		goto fail;
	}
	created = 1;
	if (fchmod(j->fd, 0600)) {
		rc = err_set(err, ERR_IO, "cannot make journal '%s' private: %s", j->path, strerror(errno));
		goto fail;
	}
	if ((rc = lock_take(&j->lock, j->path, err)))
		goto fail;
	/* nothing is sent before the header is on disk: a header cut short (a crash, a full disk) leaves
	 * a journal that reads as "no complete header" and a run that wrote nothing */
	if ((rc = write_header(j, run, p, rollback_of, err)) || (rc = journal_sync(j, err)) ||
	    (rc = sync_dir_of(j->path, err)))
		goto fail;
	if (path)
		link_default(j, run, p);
	*out = j;
	return 0;
fail:
	if (created)
		unlink(j->path);    /* ours, and at most a partial header: nothing was sent yet */
	journal_free(j);
	return rc;
}

const char *journal_path(const struct journal *j)
{
	return j->path;
}

static int check_seq(const struct journal *j, long seq, struct err *err)
{
	if (seq < 1 || (size_t)seq > j->nchanges)
		return err_set(err, ERR_GENERIC,
			       "journal '%s': change %ld is not in the plan (it has %zu changes)", j->path, seq,
			       j->nchanges);
	return 0;
}

/* The intent records (journal_intents); fsync'ed now, or left to journal_commit (deferred). */
static int put_intents(struct journal *j, const long *seqs, size_t n, int deferred, struct err *err)
{
	char when[32];
	cJSON *rec;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = check_seq(j, seqs[i], err)))
			return rc;
	utc_now(when, 1);
	for (i = 0; i < n; i++) {
		rec = cJSON_CreateObject();
		cJSON_AddStringToObject(rec, "type", "intent");
		cJSON_AddNumberToObject(rec, "seq", (double)seqs[i]);
		cJSON_AddStringToObject(rec, "at", when);
		if ((rc = put_record(j, rec, err)))
			return rc;
	}
	if (deferred) {
		j->pending = 1;
		return 0;
	}
	return journal_sync(j, err);
}

int journal_intents(struct journal *j, const long *seqs, size_t n, struct err *err)
{
	return put_intents(j, seqs, n, 0, err);
}

int journal_intents_deferred(struct journal *j, const long *seqs, size_t n, struct err *err)
{
	return put_intents(j, seqs, n, 1, err);
}

int journal_outcome(struct journal *j, long seq, enum journal_state state, const char *error, const char *id,
		    const cJSON *live, struct err *err)
{
	char when[32];
	cJSON *rec;
	int rc;

	if ((rc = check_seq(j, seq, err)))
		return rc;
	if (state < JOURNAL_DONE || state > JOURNAL_SKIPPED)
		return err_set(err, ERR_GENERIC, "journal '%s': change %ld: '%s' is not an outcome", j->path, seq,
			       journal_state_name(state));
	utc_now(when, 1);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "type", "outcome");
	cJSON_AddNumberToObject(rec, "seq", (double)seq);
	cJSON_AddStringToObject(rec, "state", state_names[state]);
	cJSON_AddStringToObject(rec, "at", when);
	if (error)
		cJSON_AddStringToObject(rec, "error", error);
	if (id)
		cJSON_AddStringToObject(rec, "id", id);
	if (live)
		cJSON_AddItemToObject(rec, "live", cJSON_Duplicate(live, 1));
	return put_record(j, rec, err);
}

int journal_adopted(struct journal *j, long seq, const char *id, const cJSON *live, struct err *err)
{
	char when[32];
	cJSON *rec, *a;
	int rc;

	if ((rc = check_seq(j, seq, err)))
		return rc;
	utc_now(when, 1);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "type", "intent");
	cJSON_AddNumberToObject(rec, "seq", (double)seq);
	cJSON_AddStringToObject(rec, "at", when);
	a = cJSON_AddObjectToObject(rec, "adopted");
	cJSON_AddStringToObject(a, "id", id);
	cJSON_AddItemToObject(a, "live", live ? cJSON_Duplicate(live, 1) : cJSON_CreateNull());
	if ((rc = put_record(j, rec, err)))
		return rc;
	return journal_sync(j, err);
}

/* A Progress path as exec writes it: "/api/v1/progress/" and digits. Anything else in a journal is
 * damage (and must not become a request path). */
static int job_path_ok(const char *s)
{
	static const char pre[] = "/api/v1/progress/";
	size_t k = sizeof(pre) - 1;

	if (!s || strncmp(s, pre, k) || !s[k])
		return 0;
	for (s += k; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int put_job(struct journal *j, const long *seqs, size_t n, const char *progress, int deferred,
		   struct err *err)
{
	char when[32];
	cJSON *rec, *arr;
	size_t i;
	int rc;

	if (!job_path_ok(progress))
		return err_set(err, ERR_GENERIC, "journal '%s': '%s' is not a Progress path", j->path,
			       progress ? progress : "(null)");
	for (i = 0; i < n; i++)
		if ((rc = check_seq(j, seqs[i], err)))
			return rc;
	utc_now(when, 1);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "type", "job");
	arr = cJSON_AddArrayToObject(rec, "seqs");
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)seqs[i]));
	cJSON_AddStringToObject(rec, "progress", progress);
	cJSON_AddStringToObject(rec, "at", when);
	if ((rc = put_record(j, rec, err)))
		return rc;
	if (deferred) {
		j->pending = 1;
		return 0;
	}
	return journal_sync(j, err);
}

int journal_job(struct journal *j, const long *seqs, size_t n, const char *progress, struct err *err)
{
	return put_job(j, seqs, n, progress, 0, err);
}

int journal_job_deferred(struct journal *j, const long *seqs, size_t n, const char *progress, struct err *err)
{
	return put_job(j, seqs, n, progress, 1, err);
}

int journal_finish(struct journal *j, const cJSON *summary, struct err *err)
{
	char when[32];
	cJSON *rec;
	int rc;

	if (!j)
		return 0;
	utc_now(when, 1);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "type", "footer");
	cJSON_AddStringToObject(rec, "at", when);
	cJSON_AddItemToObject(rec, "summary", summary ? cJSON_Duplicate(summary, 1) : cJSON_CreateObject());
	rc = put_record(j, rec, err);
	if (!rc)
		rc = journal_sync(j, err);
	journal_free(j);
	return rc;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->unsynced && !j->broken && fdatasync(j->fd))
		warnf("cannot write journal '%s' to disk: %s", j->path, strerror(errno));
	journal_free(j);
}

cJSON *journal_head(const char *path)
{
	static const char tail[] = ",\"plan\":";
	struct buf b = BUF_INIT;
	char chunk[65536], *cut = NULL;
	cJSON *head = NULL;
	size_t from = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	/* the fields come first and "plan" last (write_header): read up to it, never the plan itself */
	while (!cut && b.len < JOURNAL_HEAD_MAX) {
		size_t n = fread(chunk, 1, sizeof(chunk), f);
		char *nl;

		if (!n)
			break;
		buf_add(&b, chunk, n);
		nl = memchr(b.ptr + from, '\n', b.len - from);
		if (nl)
			b.len = (size_t)(nl - b.ptr);   /* a header without a plan: the whole line */
		b.ptr[b.len] = '\0';
		cut = strstr(b.ptr + from, tail);
		if (nl && !cut)
			break;
		from = b.len > sizeof(tail) ? b.len - sizeof(tail) : 0;
	}
	fclose(f);
	if (cut) {
		cut[0] = '}';
		cut[1] = '\0';
	}
	if (b.len && b.ptr[0] == '{')
		head = cJSON_Parse(b.ptr);
	buf_release(&b);
	if (head && !cJSON_IsObject(head)) {
		cJSON_Delete(head);
		head = NULL;
	}
	return head;
}

int journal_running(const char *path)
{
	char *lp = xasprintf("%s.lock", path);
	int fd = open(lp, O_RDONLY | O_CLOEXEC), busy = 0;

	if (fd >= 0) {
		if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
			busy = 1;
		close(fd);     /* drops our shared lock, if taken */
	}
	free(lp);
	return busy;
}

/* ================================================================ the default directory */

/* mkdir -p, each directory it makes mode 0700. */
static int make_dirs(const char *path, struct err *err)
{
	char *p = xstrdup(path), *s, c;
	struct stat st;
	int rc = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST) {
			rc = err_set(err, ERR_IO, "cannot create directory '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	if (!rc && (stat(path, &st) || !S_ISDIR(st.st_mode)))
		rc = err_set(err, ERR_IO, "'%s' is not a directory", path);
	free(p);
	return rc;
}

int journal_default_dir(char **out, struct err *err)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	char *dir;
	int rc;

	*out = NULL;
	/* the XDG base directory spec: a relative XDG_STATE_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/') {
		dir = xasprintf("%s/coursectl/journals", xdg);
	} else {
		if (!home || home[0] != '/') {
			pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home || home[0] != '/')
			return err_set(err, ERR_IO, "no directory for journals: set XDG_STATE_HOME or HOME, "
				       "or choose a file with --journal");
		dir = xasprintf("%s/.local/state/coursectl/journals", home);
	}
	if ((rc = make_dirs(dir, err))) {
		free(dir);
		return rc;
	}
	*out = dir;
	return 0;
}

/* ================================================================ reading */

/* The whole of fd into b. */
static int read_all(int fd, const char *path, struct buf *b, struct err *err)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, ERR_IO, "cannot read journal '%s': %s", path, strerror(errno));
		if (!n)
			return 0;
		buf_add(b, chunk, (size_t)n);
	}
}

/* seq of rec, checked against the plan: 0 and *seq, or -1. */
static int rec_seq(const cJSON *rec, size_t nchanges, long *seq)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "seq");

	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > (double)nchanges ||
	    (double)(long)v->valuedouble != v->valuedouble)
		return -1;
	*seq = (long)v->valuedouble;
	return 0;
}

static void set_text(char **slot, const char *s)
{
	free(*slot);
	*slot = s ? xstrdup(s) : NULL;
}

/* Check and take in the header (line 1). Takes rec (kept as l->header). */
static int read_header(struct journal_log *l, cJSON *rec, struct err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "version");
	const char *type = get_str(rec, "type"), *format = get_str(rec, "format");
	char *name;
	size_t n;
	int rc;

	l->header = rec;
	if (!type || strcmp(type, "header") || !format || strcmp(format, JOURNAL_FORMAT))
		return err_set(err, ERR_CORRUPT,
			       "%s:1: not a coursectl journal (no header with \"format\": \"%s\")", l->path,
			       JOURNAL_FORMAT);
	if (!cJSON_IsNumber(v) || v->valuedouble != JOURNAL_VERSION)
		return err_set(err, ERR_CORRUPT, "%s:1: a journal of version %g; this coursectl reads version %d",
			       l->path, cJSON_IsNumber(v) ? v->valuedouble : 0.0, JOURNAL_VERSION);
	if (!get_str(rec, "run") || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rec, "plan")))
		return err_set(err, ERR_CORRUPT, "%s:1: the header lacks its run or its plan", l->path);
	name = xasprintf("%s:1", l->path);
	rc = plan_from_json(&l->plan, cJSON_GetObjectItemCaseSensitive(rec, "plan"), name, err);
	free(name);
	if (rc)
		return rc;
	n = l->plan->nchanges ? l->plan->nchanges : 1;
	l->state = xcalloc(n, sizeof(*l->state));
	l->new_id = xcalloc(n, sizeof(*l->new_id));
	l->error = xcalloc(n, sizeof(*l->error));
	l->live = xcalloc(n, sizeof(*l->live));
	l->job = xcalloc(n, sizeof(*l->job));
	l->intent_at = xcalloc(n, sizeof(*l->intent_at));
	l->adopted = xcalloc(n, sizeof(*l->adopted));
	return 0;
}

/* A job record (borrowed): every seq it names gets the Progress path. */
static int read_job(struct journal_log *l, const cJSON *rec, long line, struct err *err)
{
	const cJSON *seqs = cJSON_GetObjectItemCaseSensitive(rec, "seqs"), *v;
	const char *progress = get_str(rec, "progress");
	size_t n = l->plan->nchanges;

	if (!job_path_ok(progress) || !cJSON_IsArray(seqs))
		return err_set(err, ERR_CORRUPT, "%s:%ld: a job record needs \"seqs\" and a \"progress\" path "
			       "(/api/v1/progress/ID)", l->path, line);
	cJSON_ArrayForEach(v, seqs) {
		const struct plan_change *c;

		if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > (double)n ||
		    (double)(long)v->valuedouble != v->valuedouble)
			return err_set(err, ERR_CORRUPT, "%s:%ld: the job names no change of the plan (seqs must be "
				       "1..%zu)", l->path, line, n);
		/* rule (7): only the dates of kinds with bulk_fields (assignments and their overrides) go
		 * through bulk_update */
		c = &l->plan->changes[(long)v->valuedouble - 1];
		if (c->op != PLAN_UPDATE || !resource_get(c->kind)->bulk_fields)
			return err_set(err, ERR_CORRUPT, "%s:%ld: the job names change %ld, which the plan has as %s %s %s "
				       "%s, not an assignment date: the journal does not match its plan; nothing was "
				       "changed", l->path, line, c->seq, plan_op_name(c->op), plan_kind_name(c->kind), c->id,
				       c->field ? c->field : "");
	}
	cJSON_ArrayForEach(v, seqs)
		set_text(&l->job[(long)v->valuedouble - 1], progress);
	l->finished = 0;
	return 0;
}

/* Apply one record after the header (borrowed). */
static int read_record(struct journal_log *l, const cJSON *rec, long line, struct err *err)
{
	const char *type = get_str(rec, "type"), *st;
	const cJSON *id, *error, *live;
	size_t n = l->plan->nchanges;
	long seq;
	int s;

	if (!type)
		return err_set(err, ERR_CORRUPT, "%s:%ld: a record without a type", l->path, line);
	if (!strcmp(type, "footer")) {
		l->finished = 1;
		return 0;
	}
	if (!strcmp(type, "header"))
		return err_set(err, ERR_CORRUPT, "%s:%ld: a second header", l->path, line);
	if (!strcmp(type, "job"))
		return read_job(l, rec, line, err);
	if (strcmp(type, "intent") && strcmp(type, "outcome"))
		return err_set(err, ERR_CORRUPT, "%s:%ld: unknown record type '%s'", l->path, line, type);
	if (rec_seq(rec, n, &seq))
		return err_set(err, ERR_CORRUPT, "%s:%ld: the %s names no change of the plan (seq must be 1..%zu)",
			       l->path, line, type, n);
	l->finished = 0;        /* records after a footer: a later run went on with this journal */
	if (!strcmp(type, "intent")) {
		const cJSON *ad = cJSON_GetObjectItemCaseSensitive(rec, "adopted");

		if (ad && (!cJSON_IsObject(ad) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ad, "id"))))
			return err_set(err, ERR_CORRUPT, "%s:%ld: the intent of change %ld has an \"adopted\" without "
				       "an id", l->path, line, seq);
		if (ad) {
			cJSON_Delete(l->adopted[seq - 1]);
			l->adopted[seq - 1] = cJSON_Duplicate(ad, 1);
		}
		set_text(&l->intent_at[seq - 1], get_str(rec, "at"));
		l->state[seq - 1] = JOURNAL_INTENT;
		set_text(&l->error[seq - 1], NULL);
		set_text(&l->job[seq - 1], NULL);   /* a new attempt: a job before it was waited for */
		cJSON_Delete(l->live[seq - 1]);
		l->live[seq - 1] = NULL;
		return 0;
	}
	st = get_str(rec, "state");
	for (s = JOURNAL_DONE; st && s <= JOURNAL_SKIPPED && strcmp(st, state_names[s]); s++)
		;
	if (!st || s > JOURNAL_SKIPPED)
		return err_set(err, ERR_CORRUPT, "%s:%ld: the outcome of change %ld has no valid state "
			       "(done, failed, conflict or skipped)", l->path, line, seq);
	error = cJSON_GetObjectItemCaseSensitive(rec, "error");
	id = cJSON_GetObjectItemCaseSensitive(rec, "id");
	if ((error && !cJSON_IsString(error) && !cJSON_IsNull(error)) ||
	    (id && !cJSON_IsString(id) && !cJSON_IsNumber(id) && !cJSON_IsNull(id)))
		return err_set(err, ERR_CORRUPT,
			       "%s:%ld: the outcome of change %ld has an error or id of the wrong type", l->path,
			       line, seq);
	/* rule (7): only a create's outcome names the id Canvas gave the object */
	if ((cJSON_IsString(id) || cJSON_IsNumber(id)) && l->plan->changes[seq - 1].op != PLAN_CREATE)
		return err_set(err, ERR_CORRUPT, "%s:%ld: the outcome of change %ld carries an object id, but the plan "
			       "has change %ld as a%s %s, not a create: the journal does not match its plan; nothing was "
			       "changed", l->path, line, seq, seq, l->plan->changes[seq - 1].op == PLAN_UPDATE ? "n" : "",
			       plan_op_name(l->plan->changes[seq - 1].op));
	l->state[seq - 1] = (enum journal_state)s;
	set_text(&l->error[seq - 1], error && cJSON_IsString(error) ? error->valuestring : NULL);
	cJSON_Delete(l->live[seq - 1]);
	live = cJSON_GetObjectItemCaseSensitive(rec, "live");
	l->live[seq - 1] = live ? cJSON_Duplicate(live, 1) : NULL;   /* "live": null is a value (null) */
	if (id && cJSON_IsString(id)) {   /* id &&: cJSON_Is* take NULL, which the analyzer cannot see */
		set_text(&l->new_id[seq - 1], id->valuestring);
	} else if (id && cJSON_IsNumber(id)) {
		free(l->new_id[seq - 1]);
		l->new_id[seq - 1] = xasprintf("%.0f", id->valuedouble);
	}
	return 0;
}

/* Rule (6) over text[0..len): fills l; *good_end is the offset after the last record taken. */
static int parse_log(struct journal_log *l, const char *text, size_t len, size_t *good_end, struct err *err)
{
	size_t off = 0, n;
	const char *s, *nl;
	cJSON *rec;
	long line = 0;
	int rc;

	*good_end = 0;
	while (off < len) {
		s = text + off;
		nl = memchr(s, '\n', len - off);
		line++;
		if (!nl) {
			l->torn_tail = 1;           /* the last line, without its newline */
			break;
		}
		n = (size_t)(nl - s);
		rec = cJSON_ParseWithLength(s, n);
		if (!rec || !cJSON_IsObject(rec)) {
			cJSON_Delete(rec);
			if (off + n + 1 == len) {
				l->torn_tail = 1;   /* a whole last line that is not JSON: torn too */
				break;
			}
			return err_set(err, ERR_CORRUPT,
				       "%s:%ld: not a JSON record; the journal is damaged (only a torn last line "
				       "is tolerated)", l->path, line);
		}
		if (line == 1) {
			rc = read_header(l, rec, err);
		} else {
			rc = read_record(l, rec, line, err);
			cJSON_Delete(rec);
		}
		if (rc)
			return rc;
		off += n + 1;
		*good_end = off;
		l->lines = line;
	}
	if (!l->header)
		return err_set(err, ERR_CORRUPT, len ? "%s: no complete header (the run stopped while creating it)"
						     : "%s is empty", l->path);
	return 0;
}

static int open_read(const char *path, int flags, int *fd, struct buf *b, struct err *err)
{
	*fd = open(path, flags | O_CLOEXEC);
	if (*fd < 0)
		return err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "cannot read journal '%s': %s", path,
			       strerror(errno));
	return read_all(*fd, path, b, err);
}

int journal_read(struct journal_log **out, const char *path, struct err *err)
{
	struct journal_log *l = xcalloc(1, sizeof(*l));
	struct buf b = BUF_INIT;
	size_t end;
	int fd, rc;

	*out = NULL;
	l->path = xstrdup(path);
	rc = open_read(path, O_RDONLY, &fd, &b, err);
	if (fd >= 0)
		close(fd);
	if (!rc)
		rc = parse_log(l, b.ptr ? b.ptr : "", b.len, &end, err);
	buf_release(&b);
	if (rc) {
		journal_log_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int journal_check(const struct journal_log *l, struct err *err)
{
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(l->header, "plan");
	const char *want = get_str(l->header, "plan_sha256"), *run = get_str(l->header, "run");
	char *text = cJSON_PrintUnformatted(plan), hex[65], *name;
	int rc;

	if (!text)
		return err_set(err, ERR_GENERIC, "out of memory checking journal '%s'", l->path);
	sha256_hex(text, strlen(text), hex);
	free(text);
	if (!want || strcmp(want, hex))
		return err_set(err, ERR_CORRUPT, "%s:1: the plan in the header does not match the header's plan_sha256 "
			       "(%.12s..., the plan hashes to %.12s...): the journal was edited after the run wrote it, "
			       "so its before values cannot be trusted; nothing was changed", l->path,
			       want ? want : "(none)", hex);
	if (l->plan->digest == PLAN_DIGEST_BAD)
		return err_set(err, ERR_CORRUPT, "%s:1: the changes of the plan in the header do not match its "
			       "changes_sha256: the journal was edited after the run wrote it; nothing was changed",
			       l->path);
	if (run && !strcmp(run, "apply") && l->plan->has_rsteps) {
		name = xasprintf("%s:1", l->path);
		rc = plan_check_fields(l->plan, name, err);
		free(name);
		return rc;
	}
	return 0;
}

void journal_log_free(struct journal_log *l)
{
	size_t i, n;

	if (!l)
		return;
	n = l->plan ? l->plan->nchanges : 0;
	for (i = 0; l->state && i < n; i++) {
		free(l->new_id[i]);
		free(l->error[i]);
		free(l->job[i]);
		cJSON_Delete(l->live[i]);
		free(l->intent_at[i]);
		cJSON_Delete(l->adopted[i]);
	}
	free(l->intent_at);
	free(l->adopted);
	free(l->state);
	free(l->new_id);
	free(l->error);
	free(l->live);
	free(l->job);
	plan_free(l->plan);
	cJSON_Delete(l->header);
	free(l->path);
	free(l);
}

int journal_reopen(struct journal **out, const char *path, struct err *err)
{
	struct journal *j = journal_alloc();
	struct journal_log *l = xcalloc(1, sizeof(*l));
	struct buf b = BUF_INIT;
	size_t end = 0;
	int rc;

	*out = NULL;
	j->path = xstrdup(path);
	l->path = xstrdup(path);
	if ((rc = lock_take(&j->lock, path, err)) || (rc = open_read(path, O_RDWR | O_APPEND, &j->fd, &b, err)) ||
	    (rc = parse_log(l, b.ptr ? b.ptr : "", b.len, &end, err)))
		goto done;
	j->nchanges = l->plan->nchanges;
	j->end = (off_t)end;
	fchmod(j->fd, 0600);    /* best effort: it holds course content */
	if (end < b.len) {
		if (ftruncate(j->fd, (off_t)end) || fdatasync(j->fd)) {
			rc = err_set(err, ERR_IO, "cannot drop the torn last line of journal '%s': %s", path,
				     strerror(errno));
			goto done;
		}
		notef("journal '%s': dropped an incomplete last record (line %ld), left by the run that stopped",
		      path, l->lines + 1);
	}
done:
	buf_release(&b);
	journal_log_free(l);
	if (rc) {
		journal_free(j);
		return rc;
	}
	*out = j;
	return 0;
}
