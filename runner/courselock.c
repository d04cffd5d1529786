/* runner/courselock.c -- one coursectl run at a time changes a course (include/courselock.h).
 *
 * Found by running the CI template (recipes/ci-template) twice at once against canvas-sim: both
 * runs planned "create page welcome", "create module Start Here", ..., both stale checks found
 * nothing in the way, and the course ended with every page, module and item twice, exit 0 for one
 * of them. Canvas has no conditional create (no If-None-Match on POST, no idempotency key), and a
 * stale check cannot see a create that has not landed yet, so only the two runs can keep out of
 * each other's way. This machine's runs can: a claim per course.
 *
 * The files, in the state directory's locks/ (mode 0700), per Canvas (HASH: the first 16 hex digits
 * of the SHA-256 of its base URL without trailing slashes, lower-cased):
 *   canvas-HASH.lock         a mutex: flock(LOCK_EX) while a run looks at the others' claims and
 *                            adds to its own; held for that moment only
 *   canvas-HASH.PID.run      a run's claim: the course ids it holds, one a line, the file itself
 *                            flock'ed (LOCK_EX) by that run from its first claim to its end
 * Taking courses: under the mutex, every other claim file of that Canvas is tried with a shared
 * non-blocking flock. One that can be locked belongs to a run that ended without removing it (kill
 * -9: the kernel dropped its flock) and is removed; one that cannot is a live run's, read, and any
 * course of ours in it is ERR_LOCKED naming the course and the PID from its name. Then our new ids
 * are appended to our own claim (created and flock'ed under the mutex, so nobody takes it for a
 * dead run's). All or nothing: a refusal adds none. Time is linear in the courses of the runs
 * alive; nothing is left to clean up after a crash (the next taker removes the file).
 *
 * Who takes (cmd_apply.c): apply RECIPE takes the courses it names by number before the plan reads
 * them (plan_recipe), because its stale check may use those reads (plan_reads.h): reads made before
 * the claim could predate another run's writes. apply_plan then takes every course of the plan --
 * the rest of apply RECIPE's (named by SIS id: their number is known only once read), a saved
 * plan's, a resume's, a rollback's -- before the confirmation and the journal, and a course taken
 * only then has its plan reads dropped, so the stale check reads it again. Courses are claimed by
 * number only, so "sis_course_id:X" and its number are one course.
 *
 * Not covered: runs on two machines or under two users (each has its own state directory); the CI
 * files serialise applies for that (docs/ci.md: `concurrency:`, `resource_group:`). `plan` takes
 * nothing: it writes nothing, and a plan made while another run writes is caught by apply's stale
 * check as any other edit between plan and apply.
 *
 * Rejected: a POSIX record lock per course in one file (one byte at offset = course id: tried
 * first; the kernel keeps a process's record locks in one list that each new lock walks, so 10,000
 * scattered ids took 0.9 s and 50,000 took 110 s); a lock file per course (10,000 descriptors, past
 * the usual limit of 1,024); one flock per Canvas (one run per Canvas: two people's unrelated courses
 * would wait for each other); waiting for a course (a CI job stuck behind a person at a prompt;
 * journal.c refuses at once for the same reason: run it again when the other has finished).
 */
#include "courselock.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "intmap.h"
#include "journal.h"
#include "msg.h"
#include "sha256.h"
#include "strmap.h"
#include "xalloc.h"

/* The courses a run holds, for its whole life: their numbers (is_course_number: at most 18 digits,
 * below 10^18) in an integer map (include/intmap.h): 16-byte slots, 32 to 64 bytes a course, where a
 * strmap of the text also kept a malloced copy of every id, about 65 to 100 bytes a course to the end
 * of apply (issue 18, flat memory). Ids are still compared as their text was: one with a leading zero ("04821",
 * which Canvas never gives) is not "4821", so such ids go to `odd`, a strmap of the text. */
struct held {
	struct intmap nums;
	struct strmap odd;
};

/* 1 when course number id is held. */
static int held_has(const struct held *h, const char *id)
{
	if (id[0] == '0' && id[1])
		return strmap_get(&h->odd, id) != NULL;
	return intmap_get(&h->nums, strtoull(id, NULL, 10)) != NULL;
}

static void held_add(struct held *h, const char *id)
{
	if (id[0] == '0' && id[1])
		strmap_add(&h->odd, id, (void *)1);
	else
		intmap_put(&h->nums, strtoull(id, NULL, 10), (void *)1);
}

static void held_release(struct held *h)
{
	intmap_release(&h->nums, NULL);
	strmap_release(&h->odd);
}

struct courselock {
	char *dir;                /* .../coursectl/locks */
	char *prefix;             /* "canvas-HASH." */
	char *mutex;              /* dir/canvas-HASH.lock */
	char *claim;              /* dir/canvas-HASH.PID.run, or NULL before the first take */
	int claim_fd;             /* flock'ed for the run's life, or -1 */
	struct held held;         /* the courses taken */
};

/* A Canvas course id: 1 to 18 digits (below 2^63). */
static int is_course_number(const char *id)
{
	size_t n = 0;

	if (!id)
		return 0;
	for (; id[n]; n++)
		if (!isdigit((unsigned char)id[n]))
			return 0;
	return n > 0 && n <= 18;
}

int courselock_open(struct courselock **out, const char *base_url, struct err *err)
{
	struct err ignored = ERR_INIT;
	struct courselock *l;
	char *jdir = NULL, *slash, *url, hex[65];
	size_t n, i;

	*out = NULL;
	if (journal_default_dir(&jdir, &ignored)) {
		verbosef("no state directory (%s): courses are not claimed against another coursectl run",
			 ignored.msg);
		return 0;
	}
	slash = strrchr(jdir, '/');
	if (slash)
		*slash = '\0';
	l = xcalloc(1, sizeof(*l));
	l->claim_fd = -1;
	l->dir = xasprintf("%s/locks", jdir);
	free(jdir);
	if (mkdir(l->dir, 0700) && errno != EEXIST) {
		err_set(err, ERR_IO, "cannot create directory '%s': %s", l->dir, strerror(errno));
		courselock_free(l);
		return err->code;
	}
	url = xstrdup(base_url ? base_url : "");
	n = strlen(url);
	while (n && url[n - 1] == '/')
		url[--n] = '\0';
	for (i = 0; i < n; i++)
		url[i] = (char)tolower((unsigned char)url[i]);
	sha256_hex(url, n, hex);
	free(url);
	hex[16] = '\0';
	l->prefix = xasprintf("canvas-%s.", hex);
	l->mutex = xasprintf("%s/%slock", l->dir, l->prefix);
	*out = l;
	return 0;
}

/* The mutex, taken (blocking: it is held for a directory scan at most); its fd, or -1 with err. */
static int mutex_take(const struct courselock *l, struct err *err)
{
	int fd = open(l->mutex, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);   /* never a planted link */

	if (fd < 0) {
		err_set(err, ERR_IO, "cannot open lock file '%s': %s", l->mutex, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err_set(err, ERR_IO, "cannot lock '%s': %s", l->mutex, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads the claim at fd; ERR_LOCKED when it holds one of want's ids (pid from its file name). */
static int check_claim(int fd, const char *name, const struct courselock *l, const struct strmap *want,
		       struct err *err)
{
	struct buf b = BUF_INIT;
	char chunk[8192], *line, *nl;
	ssize_t got;
	long pid;
	int rc = 0;

	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;   /* unreadable: nothing to compare (a live run's claim is ours to read) */
		}
		buf_add(&b, chunk, (size_t)got);
	}
	pid = strtol(name + strlen(l->prefix), NULL, 10);
	for (line = b.ptr; line && *line && !rc; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line && strmap_get(want, line))
			rc = err_set(err, ERR_LOCKED, "course %s is being changed by another coursectl run on this machine "
				     "(process %ld); nothing was changed: run this again when it has finished", line, pid);
	}
	buf_release(&b);
	return rc;
}

/* Under the mutex: every other claim of this Canvas, a dead run's removed, a live run's checked. */
static int check_others(const struct courselock *l, const struct strmap *want, struct err *err)
{
	DIR *d = opendir(l->dir);
	struct dirent *de;
	size_t np = strlen(l->prefix);
	int rc = 0;

	if (!d)
		return err_set(err, ERR_IO, "cannot read directory '%s': %s", l->dir, strerror(errno));
	while (!rc && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		char *path;
		int fd;

		if (n <= np + 4 || strncmp(de->d_name, l->prefix, np) || strcmp(de->d_name + n - 4, ".run"))
			continue;
		path = xasprintf("%s/%s", l->dir, de->d_name);
		if (l->claim && !strcmp(path, l->claim)) {
			free(path);
			continue;
		}
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			if (!flock(fd, LOCK_SH | LOCK_NB))
				unlink(path);   /* its run ended (kill -9): nobody holds it */
			else if (errno == EWOULDBLOCK)
				rc = check_claim(fd, de->d_name, l, want, err);
			close(fd);
		}
		free(path);
	}
	closedir(d);
	return rc;
}

/* Under the mutex: our claim file, created and flock'ed the first time. */
static int claim_open(struct courselock *l, struct err *err)
{
	if (l->claim_fd >= 0)
		return 0;
	l->claim = xasprintf("%s/%s%ld.run", l->dir, l->prefix, (long)getpid());
	/* a file of this name is a dead run's that had our pid: start it afresh */
	l->claim_fd = open(l->claim, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (l->claim_fd < 0 || flock(l->claim_fd, LOCK_EX | LOCK_NB)) {
		err_set(err, ERR_IO, "cannot create '%s': %s", l->claim, strerror(errno));
		if (l->claim_fd >= 0)
			close(l->claim_fd);
		l->claim_fd = -1;
		free(l->claim);
		l->claim = NULL;
		return err->code;
	}
	return 0;
}

int courselock_take(struct courselock *l, const char *const *ids, size_t n, struct err *err)
{
	struct strmap want = STRMAP_INIT;
	struct buf lines = BUF_INIT;
	size_t i;
	int mfd, rc = 0;

	if (!l)
		return 0;
	for (i = 0; i < n; i++)
		if (is_course_number(ids[i]) && !held_has(&l->held, ids[i]) && strmap_add(&want, ids[i], (void *)1))
			buf_printf(&lines, "%s\n", ids[i]);
	if (!want.n)
		goto out;
	if ((mfd = mutex_take(l, err)) < 0) {
		rc = err->code;
		goto out;
	}
	if (!(rc = check_others(l, &want, err)) && !(rc = claim_open(l, err))) {
		if (write(l->claim_fd, lines.ptr, lines.len) != (ssize_t)lines.len) {
			rc = err_set(err, ERR_IO, "cannot write '%s': %s", l->claim, strerror(errno));
		} else {
			for (i = 0; i < n; i++)
				if (strmap_get(&want, ids[i]))
					held_add(&l->held, ids[i]);
		}
	}
	close(mfd);   /* lets the mutex go */
out:
	strmap_release(&want);
	buf_release(&lines);
	return rc;
}

int courselock_held(const struct courselock *l, const char *id)
{
	return l && is_course_number(id) && held_has(&l->held, id);
}

void courselock_free(struct courselock *l)
{
	if (!l)
		return;
	if (l->claim_fd >= 0) {
		unlink(l->claim);   /* before the flock goes, so nobody reads an unheld claim as a dead run's */
		close(l->claim_fd);
	}
	held_release(&l->held);
	free(l->dir);
	free(l->prefix);
	free(l->mutex);
	free(l->claim);
	free(l);
}
