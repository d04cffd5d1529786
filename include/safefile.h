/* include/safefile.h -- writing a file that holds course data: private, whole, never through a link.
 *
 *   safefile_write(path, data, len, &err)    0, or ERR_IO naming the file
 *
 * The data goes to a new temporary file beside `path` (created with O_EXCL, mode 0600, fchmod'ed,
 * fsync'ed), which is then renamed over `path`. See runner/safefile.c.
 */
#ifndef COURSECTL_SAFEFILE_H
#define COURSECTL_SAFEFILE_H

#include <stddef.h>

#include "err.h"

int safefile_write(const char *path, const char *data, size_t len, struct err *err);

/* The same, a piece at a time (a file too large to build in memory first):
 *   struct safefile f;  safefile_open(&f, path, &err);  safefile_put(&f, s, n)...;
 *   safefile_commit(&f, &err)    (or safefile_abort(&f): the temporary file is removed)
 * safefile_put returns -1 once a write failed; safefile_commit then reports it, removes the
 * temporary file and leaves `path` untouched. */
struct safefile {
	int fd;
	char *tmp, *path;            /* malloced */
	int errnum;                  /* the first write error (errno), or 0 */
	size_t len;                  /* bytes in buf */
	char buf[65536];
};

int safefile_open(struct safefile *f, const char *path, struct err *err);
int safefile_put(struct safefile *f, const char *data, size_t len);
int safefile_commit(struct safefile *f, struct err *err);
void safefile_abort(struct safefile *f);

#endif
