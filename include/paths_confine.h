/* include/paths_confine.h -- keeping the files a recipe names inside the recipe's folder.
 *
 *   confine_path(base, name, allow, nallow, &real, &err)   0 and *real (malloced, free()) or -1
 *
 * `base` is the recipe's directory, `name` what the recipe wrote (body_file:, from_file:). The
 * file must resolve -- after every symlink -- to a path inside `base`, and `name` may be neither
 * absolute nor climb out with `..`; each DIR of `allow` (--allow-outside DIR) is a further folder
 * the file may resolve into, and with one given an absolute name is accepted too. The message in
 * `err` says which rule was broken and names --allow-outside; it never quotes the file's content.
 */
#ifndef COURSECTL_PATHS_CONFINE_H
#define COURSECTL_PATHS_CONFINE_H

#include <stddef.h>

#include "err.h"

/* Ownership: *real is malloced; the caller frees it. */
int confine_path(const char *base, const char *name, const char *const *allow, size_t nallow, char **real,
		 struct err *err);

/* 1 when the real path `path` is `dir` or inside it (both already resolved by realpath). */
int confine_inside(const char *path, const char *dir);

#endif
