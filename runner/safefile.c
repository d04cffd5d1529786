/* runner/safefile.c -- plans and snapshots are written private, whole, and never through a link.
 *
 * A plan or a snapshot holds course content and student ids. Until issue 17 both were written to
 * "FILE.tmp" opened with O_CREAT|O_TRUNC: on a shared machine another user who can write the
 * directory (a sticky /tmp, a group project folder) could plant FILE.tmp as a symlink to one of
 * our files, and coursectl would truncate that file and write the plan into it. Now:
 *   - the temporary file FILE.tmp is unlinked if it is there (a link is removed, not followed;
 *     another user's file in a sticky directory cannot be, and the write stops with that error),
 *     then created with O_CREAT|O_EXCL|O_NOFOLLOW: O_EXCL refuses any name that reappeared, a
 *     symlink included, so nothing planted is ever opened;
 *   - it is created 0600 and fchmod'ed to 0600 before the first byte (the umask can only narrow
 *     it, but a later fchmod makes the rule visible and independent of the umask);
 *   - the data is written, fsync'ed, and the file renamed over FILE: rename(2) replaces a symlink
 *     planted at FILE itself rather than following it, and readers see the old file or the whole
 *     new one, never a half;
 *   - on any error the temporary file is removed and FILE is untouched.
 * A file too large to build in memory first (a plan of thousands of courses, issue 18) is written
 * the same way a piece at a time: safefile_open, safefile_put (buffered, 64 KiB a write), then
 * safefile_commit (fsync, rename) or safefile_abort; the rules above hold for both.
 * Journals are created with O_EXCL by journal.c (they are appended to, never replaced).
 *
 * Rejected: a random temporary name (mkstemp) -- a crash would leave files that nothing cleans
 * up, where FILE.tmp is reused by the next run; renameat2(RENAME_NOREPLACE) -- FILE is meant to
 * be replaced.
 */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

/* A new private file "<path>.tmp": its fd, *tmp its name (malloced); -1 with errno. A name left
 * there (an old crash, or a planted symlink) is unlinked first -- unlink removes a link itself,
 * never its target -- and O_EXCL then refuses anything that reappears in between. */
static int create_tmp(const char *path, char **tmp)
{
	*tmp = xasprintf("%s.tmp", path);
	if (unlink(*tmp) && errno != ENOENT)
		return -1;
	return open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int safefile_open(struct safefile *f, const char *path, struct err *err)
{
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->fd = create_tmp(path, &f->tmp);
	if (f->fd < 0) {
		rc = err_set(err, ERR_IO, "cannot write '%s': %s", f->tmp, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return rc;
	}
	f->path = xstrdup(path);
	if (fchmod(f->fd, 0600)) {
		rc = err_set(err, ERR_IO, "cannot make '%s' private: %s", f->tmp, strerror(errno));
		safefile_abort(f);
	}
	return rc;
}

/* Flush the buffered bytes; -1 (and f->errnum) on a write error. */
static int flush(struct safefile *f)
{
	if (!f->errnum && f->len && write_all(f->fd, f->buf, f->len))
		f->errnum = errno ? errno : EIO;
	f->len = 0;
	return f->errnum ? -1 : 0;
}

int safefile_put(struct safefile *f, const char *data, size_t len)
{
	if (f->errnum)
		return -1;
	if (f->len + len > sizeof(f->buf)) {
		if (flush(f))
			return -1;
		if (len >= sizeof(f->buf)) {
			if (write_all(f->fd, data, len))
				f->errnum = errno ? errno : EIO;
			return f->errnum ? -1 : 0;
		}
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	return 0;
}

int safefile_commit(struct safefile *f, struct err *err)
{
	int rc = 0;

	if (flush(f) || fsync(f->fd))
		rc = err_set(err, ERR_IO, "cannot write '%s': %s", f->tmp, strerror(f->errnum ? f->errnum : errno));
	if (close(f->fd) && !rc)
		rc = err_set(err, ERR_IO, "cannot write '%s': %s", f->tmp, strerror(errno));
	f->fd = -1;
	if (!rc && rename(f->tmp, f->path))
		rc = err_set(err, ERR_IO, "cannot write '%s': %s", f->path, strerror(errno));
	if (rc && f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	return rc;
}

void safefile_abort(struct safefile *f)
{
	if (f->fd >= 0 && f->tmp) {
		close(f->fd);
		unlink(f->tmp);
	}
	free(f->tmp);
	free(f->path);
	f->tmp = f->path = NULL;
	f->fd = -1;
}

int safefile_write(const char *path, const char *data, size_t len, struct err *err)
{
	struct safefile f;
	int rc;

	if ((rc = safefile_open(&f, path, err)))
		return rc;
	safefile_put(&f, data, len);
	return safefile_commit(&f, err);
}
