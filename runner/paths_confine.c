/* runner/paths_confine.c -- the files a recipe reads stay inside the recipe's folder.
 *
 * A recipe arrives in a pull request and is planned by CI with the checkout's credentials close
 * by; `body_file: ../token` or `body_file: .git/config` would otherwise copy a secret into a plan
 * comment or a Canvas page. So a file a recipe names is resolved with realpath(3) -- every
 * symlink followed, every `..` folded -- and must land inside the recipe's own directory, or
 * inside a directory the person running coursectl named with --allow-outside DIR. Before that the
 * name itself is checked, to give the clearer message: an absolute path, or a `..` that climbs
 * above the recipe's folder, is refused by name; a name that looks tame but resolves outside is
 * a symlink out, and the message names where it leads.
 *
 * The caller opens the resolved path with O_NOFOLLOW, so a symlink swapped in for the last
 * component after the check is not followed either. A directory swapped higher up between
 * realpath and open is not covered; the attacker would need to write into the checkout while
 * coursectl runs, which is beyond a recipe's reach (SECURITY.md).
 *
 * Rejected: a chroot or openat2(RESOLVE_BENEATH) -- the first needs privileges, the second is
 * Linux 5.6+ only and not in every libc; a purely lexical check -- it misses symlinks, which a
 * pull request can add as easily as a file.
 */
#include "paths_confine.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

int confine_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* 1 when the relative `name` climbs above its starting folder at some point ("../x", "a/../../x"). */
static int climbs_out(const char *name)
{
	const char *p = name;
	long depth = 0;

	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (n && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

int confine_path(const char *base, const char *name, const char *const *allow, size_t nallow, char **real,
		 struct err *err)
{
	char *path, *rbase, *rfile;
	size_t i;
	int ok;

	*real = NULL;
	if (!nallow && name[0] == '/')
		return err_set(err, ERR_GENERIC, "'%s' is an absolute path; a recipe reads only files in its own folder "
			       "(pass --allow-outside DIR to allow another)", name);
	if (!nallow && climbs_out(name))
		return err_set(err, ERR_GENERIC, "'%s' leads out of the recipe's folder with '..'; a recipe reads only "
			       "files in its own folder (pass --allow-outside DIR to allow another)", name);
	path = name[0] == '/' ? xstrdup(name) : xasprintf("%s/%s", base, name);
	rbase = realpath(base, NULL);
	rfile = realpath(path, NULL);
	if (!rbase || !rfile) {
		int e = errno;

		err_set(err, e == ENOENT ? ERR_NOTFOUND : ERR_IO, "'%s': %s", path, strerror(e)); /* the caller says "cannot read" */
		free(rbase);
		free(rfile);
		free(path);
		return err->code;
	}
	ok = confine_inside(rfile, rbase);
	for (i = 0; !ok && i < nallow; i++) {
		char *ra = realpath(allow[i], NULL);

		ok = ra && confine_inside(rfile, ra);
		free(ra);
	}
	if (!ok) {
		err_set(err, ERR_GENERIC, "'%s' resolves to '%s', outside the recipe's folder (a symlink out?); a recipe "
			"reads only files in its own folder (pass --allow-outside DIR to allow another)", name, rfile);
		free(rfile);
		rfile = NULL;
	}
	free(rbase);
	free(path);
	*real = rfile;
	return rfile ? 0 : err->code;
}
