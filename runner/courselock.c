/* runner/courselock.c -- one coursectl run at a time changes a course (include/courselock.h).
 *
 * Found by running the CI template (recipes/ci-template) twice at once against canvas-sim: both
 * runs planned "create page welcome", "create module Start Here", ..., both stale checks found
 * nothing in the way, and the course ended with every page, module and item twice, exit 0 for one
 * of them. Canvas has no conditional create (no If-None-Match on POST, no idempotency key), and a
 * stale check cannot see a create that has not landed yet, so only the two runs can keep out of
 * each other's way. This machine's runs can: a lock per course.
 *
 * The lock: one file per Canvas (canvas-HASH.lock in the state directory's locks/, HASH the first
 * 16 hex digits of the SHA-256 of its base URL without trailing slashes, lower-cased), and in it a
 * POSIX record lock (fcntl F_SETLK, F_WRLCK) on the one byte at offset = the course id. So any
 * number of courses are locked through one file descriptor; the kernel drops them when the
 * process ends however it ends (kill -9 leaves nothing to clean up, as journal.c's flock), and
 * F_GETLK names the process that holds a course, which the message passes on. A record lock is
 * the process's, not the descriptor's: closing any descriptor of the file would drop them all, so
 * the file is opened once here and never elsewhere. Record locks never conflict within one
 * process, so taking a course twice is harmless; the held set (a strmap) only answers
 * courselock_held and *taken_now.
 *
 * Who locks (cmd_apply.c): apply RECIPE locks the courses the recipe names by number before the
 * plan reads them (plan_recipe), because its stale check may use those reads (plan_reads.h): reads
 * made before the lock could predate another run's writes. apply_plan then locks every course of
 * the plan -- the rest of apply RECIPE's (named by SIS id: their number is known only once read),
 * a saved plan's, a resume's, a rollback's -- before the confirmation and the journal, and a course
 * locked only then has its plan reads dropped, so the stale check reads it again.
 *
 * Not covered: runs on two machines or under two users (each has its own state directory); the CI
 * files serialise applies for that (docs/ci.md: `concurrency:`, `resource_group:`). `plan` takes
 * no lock: it writes nothing, and a plan made while another run writes is caught by apply's stale
 * check as any other edit between plan and apply.
 *
 * Rejected: one lock file per course (10,000 descriptors for a 10,000-course run, past the usual
 * limit of 1,024); flock on the Canvas's file (one run per Canvas: two people's unrelated courses
 * would wait for each other); waiting for the lock (a CI job stuck behind a person at a prompt;
 * journal.c refuses at once for the same reason: run it again when the other has finished).
 */
#include "courselock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "msg.h"
#include "sha256.h"
#include "strmap.h"
#include "xalloc.h"

struct courselock {
	int fd;
	char *path;
	struct strmap held;       /* course id -> (void *)1 */
};

/* The id as a lock offset: digits only, at most 18 of them (below 2^63); else -1. */
static off_t id_offset(const char *id)
{
	const char *s;
	off_t v = 0;

	if (!id || !*id || strlen(id) > 18)
		return -1;
	for (s = id; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int courselock_open(struct courselock **out, const char *base_url, struct err *err)
{
	struct err ignored = ERR_INIT;
	struct courselock *l;
	char *jdir = NULL, *dir, *slash, *url, hex[65];
	size_t n, i;
	int fd;

	*out = NULL;
	if (journal_default_dir(&jdir, &ignored)) {
		verbosef("no state directory (%s): courses are not locked against another coursectl run",
			 ignored.msg);
		return 0;
	}
	slash = strrchr(jdir, '/');
	if (slash)
		*slash = '\0';
	dir = xasprintf("%s/locks", jdir);
	free(jdir);
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err_set(err, ERR_IO, "cannot create directory '%s': %s", dir, strerror(errno));
		free(dir);
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
	l = xcalloc(1, sizeof(*l));
	l->path = xasprintf("%s/canvas-%s.lock", dir, hex);
	free(dir);
	fd = open(l->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);   /* never a planted link */
	if (fd < 0) {
		err_set(err, ERR_IO, "cannot open lock file '%s': %s", l->path, strerror(errno));
		free(l->path);
		free(l);
		return err->code;
	}
	l->fd = fd;
	*out = l;
	return 0;
}

int courselock_take(struct courselock *l, const char *id, int *taken_now, struct err *err)
{
	struct flock fl;
	off_t off = id_offset(id);

	if (taken_now)
		*taken_now = 0;
	if (!l || off < 0 || strmap_get(&l->held, id))
		return 0;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = off;
	fl.l_len = 1;
	while (fcntl(l->fd, F_SETLK, &fl)) {
		if (errno == EINTR)
			continue;
		if (errno != EACCES && errno != EAGAIN)
			return err_set(err, ERR_IO, "cannot lock course %s in '%s': %s", id, l->path,
				       strerror(errno));
		/* who has it: F_GETLK fills in the holder (gone already: say so without a number) */
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		fl.l_start = off;
		fl.l_len = 1;
		if (!fcntl(l->fd, F_GETLK, &fl) && fl.l_type != F_UNLCK)
			return err_set(err, ERR_LOCKED, "course %s is being changed by another coursectl run on this "
				       "machine (process %ld); nothing was changed: run this again when it has "
				       "finished", id, (long)fl.l_pid);
		return err_set(err, ERR_LOCKED, "course %s was being changed by another coursectl run on this "
			       "machine; nothing was changed: run this again", id);
	}
	strmap_put(&l->held, id, (void *)1);
	if (taken_now)
		*taken_now = 1;
	return 0;
}

int courselock_held(const struct courselock *l, const char *id)
{
	return l && id && strmap_get(&l->held, id) != NULL;
}

void courselock_free(struct courselock *l)
{
	if (!l)
		return;
	close(l->fd);   /* drops every record lock of the process on the file */
	strmap_release(&l->held);
	free(l->path);
	free(l);
}
