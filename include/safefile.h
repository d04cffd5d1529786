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

#endif
