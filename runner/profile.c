/* runner/profile.c -- the user's config file (include/profile.h): named profiles, each a Canvas URL
 * and where its token comes from.
 *
 * Parsing reuses the recipe's YAML layer (recipe_yaml.c: a node tree with file:line:col, duplicate
 * keys, alias bombs and nesting refused) and its shape checks (rc_map: unknown keys are errors, with
 * "did you mean"), on a throwaway recipe arena. Scalars are checked here rather than with rc_string:
 * a recipe expands ${...} in strings, and a token_command is shell text where ${HOME} means the
 * shell's variable, so config values are taken verbatim.
 *
 * Rules:
 *   - the file may name a command to run, so it is refused when group- or world-writable or owned by
 *     someone other than the user (or root); ssh's rule for ~/.ssh/config. A symlink is followed
 *     (dotfile managers link config files) and the target is what is checked;
 *   - every problem is reported; the error carries the first one as "FILE:LINE:COL: message" and
 *     says how many more there are;
 *   - profile names are letters, digits, '.', '_' and '-' (they are typed on command lines and in
 *     environment variables), url must be http(s)://, token_file and token_command exclude each
 *     other, default_profile must name a profile of the file;
 *   - an empty file (or one with only comments) is no profiles, not an error.
 * Rejected: a hand-written event parser for this small shape (it would repeat the alias and
 * duplicate-key defences), and INI or TOML (a second syntax next to the recipes' YAML).
 */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "recipe.h"
#include "recipe_internal.h"
#include "xalloc.h"

static const char *const top_keys[] = { "default_profile", "profiles", NULL };
static const char *const profile_keys[] = {
	"url", "token_file", "token_command", "token_command_timeout", "cacert", NULL
};

/* The home directory: $HOME when absolute, else the password database; NULL if neither. */
static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && home[0] == '/')
		return home;
	pw = getpwuid(getuid());
	return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

/* Ownership: *out malloced, freed by the caller. */
int profile_config_path(char **out, struct err *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home;

	*out = NULL;
	/* the XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored */
	if (xdg && xdg[0] == '/') {
		*out = xasprintf("%s/coursectl/config.yaml", xdg);
		return 0;
	}
	home = home_dir();
	if (!home)
		return err_set(err, ERR_IO, "no directory for the config file: set XDG_CONFIG_HOME or HOME");
	*out = xasprintf("%s/.config/coursectl/config.yaml", home);
	return 0;
}

/* ---------------------------------------------------------------- checking */

static const char *type_name(const struct ynode *n)
{
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a value";
}

/* A non-empty string scalar taken verbatim; NULL after reporting. The result lives in the arena. */
static const char *str_value(struct rctx *cx, const struct ynode *n, const char *what)
{
	if (n->type != YN_SCALAR) {
		rc_error(cx, &n->pos, "expected a string for %s, got %s", what, type_name(n));
		return NULL;
	}
	if (strlen(n->str) != n->len) {
		rc_error(cx, &n->pos, "%s holds a NUL character", what);
		return NULL;
	}
	if (!n->len || (n->plain && (!strcmp(n->str, "null") || !strcmp(n->str, "~") || !strcmp(n->str, "Null") ||
				     !strcmp(n->str, "NULL")))) {
		rc_error(cx, &n->pos, "expected a string for %s, got nothing", what);
		return NULL;
	}
	return n->str;
}

static int name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* token_file as a usable path: `~` and `~/x` from the home directory, a relative path from the
 * config file's directory. Ownership: malloced, or NULL after reporting. */
static char *expand_path(struct rctx *cx, const struct ynode *n, const char *s, const char *what)
{
	const char *home;

	if (s[0] == '~' && (s[1] == '/' || !s[1])) {
		home = home_dir();
		if (!home) {
			rc_error(cx, &n->pos, "%s starts with ~ but HOME is not set", what);
			return NULL;
		}
		return xasprintf("%s%s", home, s + 1);
	}
	if (s[0] == '~') {
		rc_error(cx, &n->pos, "%s: ~user paths are not supported; write the full path", what);
		return NULL;
	}
	if (s[0] == '/' || !cx->dir)
		return xstrdup(s);
	return xasprintf("%s/%s", cx->dir, s);
}

static int is_profile_key(const char *k)
{
	const char *const *a;

	for (a = profile_keys; *a; a++)
		if (!strcmp(*a, k))
			return 1;
	return 0;
}

static void profile_release(struct profile *p)
{
	free(p->name);
	free(p->url);
	free(p->token_file);
	free(p->token_command);
	free(p->cacert);
}

static void parse_profile(struct rctx *cx, struct profiles *pf, const struct ynode *key,
			  const struct ynode *val)
{
	struct profile *p = &pf->v[pf->n];
	char what[160];
	const char *s;
	const struct ynode *n;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!key->len || !name_ok(key->str)) {
		rc_error(cx, &key->pos, "profile name '%s' may hold only letters, digits, '.', '_' and '-'", key->str);
		return;
	}
	snprintf(what, sizeof(what), "profile '%s'", key->str);
	if (val->type != YN_MAP) {
		rc_error(cx, &val->pos, "expected a mapping (url, token_file or token_command) for %s, got %s", what,
			 type_name(val));
		return;
	}
	rc_map(cx, val, what, profile_keys, NULL);   /* unknown keys reported; the rest still checked */
	p->name = xstrdup(key->str);
	p->line = key->pos.line;
	p->col = key->pos.col;
	p->timeout_s = PROFILE_TIMEOUT_DEFAULT;
	pf->n++;
	for (i = 0; i + 1 < val->nkids; i += 2) {
		const char *k = val->kids[i]->str;
		char kwhat[200];

		n = val->kids[i + 1];
		if (!is_profile_key(k))
			continue;   /* reported by rc_map */
		snprintf(kwhat, sizeof(kwhat), "'%s' of profile '%s'", k, p->name);
		if (!strcmp(k, "token_command_timeout")) {
			char *end;
			long t;

			s = str_value(cx, n, kwhat);
			if (!s)
				continue;
			errno = 0;
			t = strtol(s, &end, 10);
			if (errno || end == s || *end || !n->plain || t < 1 || t > 3600) {
				rc_error(cx, &n->pos, "%s must be a whole number of seconds from 1 to 3600, got '%s'", kwhat,
					 s);
				continue;
			}
			p->timeout_s = t;
			continue;
		}
		s = str_value(cx, n, kwhat);
		if (!s)
			continue;
		if (!strcmp(k, "url")) {
			if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) {
				rc_error(cx, &n->pos, "%s must start with https:// (or http:// for a local simulator), "
					 "got '%s'", kwhat, s);
				continue;
			}
			p->url = xstrdup(s);
		} else if (!strcmp(k, "token_file")) {
			p->token_file = expand_path(cx, n, s, kwhat);
		} else if (!strcmp(k, "token_command")) {
			p->token_command = xstrdup(s);
		} else if (!strcmp(k, "cacert")) {
			p->cacert = expand_path(cx, n, s, kwhat);
		}
	}
	if (rc_get(val, "token_file") && rc_get(val, "token_command"))
		rc_error(cx, &rc_get(val, "token_command")->pos,
			 "profile '%s' has both token_file and token_command; keep one", p->name);
	if (rc_get(val, "token_command_timeout") && !rc_get(val, "token_command"))
		rc_error(cx, &rc_get(val, "token_command_timeout")->pos,
			 "profile '%s' has token_command_timeout but no token_command", p->name);
}

static void parse_root(struct rctx *cx, struct profiles *pf, const struct ynode *root)
{
	const struct ynode *profs, *def;
	const char *s;
	size_t i;

	if (rc_map(cx, root, "the config file", top_keys, NULL))
		return;
	profs = rc_get(root, "profiles");
	if (profs && !(profs->type == YN_SCALAR && profs->plain && !profs->len)) {
		if (profs->type != YN_MAP) {
			rc_error(cx, &profs->pos, "expected a mapping of profile names for 'profiles', got %s",
				 type_name(profs));
		} else {
			pf->v = xcalloc(profs->nkids / 2 + 1, sizeof(*pf->v));
			for (i = 0; i + 1 < profs->nkids; i += 2)
				parse_profile(cx, pf, profs->kids[i], profs->kids[i + 1]);
		}
	}
	def = rc_get(root, "default_profile");
	if (def && (s = str_value(cx, def, "'default_profile'"))) {
		if (!profiles_find(pf, s)) {
			char *names = profiles_names(pf);

			rc_error(cx, &def->pos, "default_profile '%s' is not a profile of this file (profiles: %s)", s,
				 names);
			free(names);
		} else {
			pf->default_profile = xstrdup(s);
		}
	}
}

/* Ownership: *out malloced (profiles_free) on success; NULL on error. */
int profiles_load_mem(struct profiles **out, const char *path, const char *buf, size_t len, struct err *err)
{
	struct recipe r;
	struct diags d = DIAGS_INIT;
	struct rctx cx;
	struct ynode *root;
	struct profiles *pf = xcalloc(1, sizeof(*pf));
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
	int rc = 0;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	memset(&cx, 0, sizeof(cx));
	r.arena = arena_new();
	cx.r = &r;
	cx.d = &d;
	cx.dir = dir;
	pf->path = xstrdup(path);
	root = recipe_yaml_parse(&cx, path, buf, len);
	/* recipe_yaml.c's one message for a document without a node: here an empty file is simply no
	 * profiles (a user may keep a file of comments) */
	if (!root && d.nerrors == 1 && d.n == 1 && !strcmp(d.v[0].msg, "the recipe is empty"))
		diag_release(&d);
	else if (root)
		parse_root(&cx, pf, root);
	if (d.nerrors) {
		const struct diag *g = &d.v[0];
		size_t i;

		for (i = 1; i < d.n; i++)   /* the first in file order */
			if (d.v[i].pos.line < g->pos.line || (d.v[i].pos.line == g->pos.line && d.v[i].pos.col < g->pos.col))
				g = &d.v[i];
		if (d.nerrors > 1)
			rc = err_set(err, ERR_USAGE, "%s:%d:%d: %s (and %d more problem%s in the config file)", path,
				     g->pos.line, g->pos.col, g->msg, d.nerrors - 1, d.nerrors > 2 ? "s" : "");
		else
			rc = err_set(err, ERR_USAGE, "%s:%d:%d: %s", path, g->pos.line, g->pos.col, g->msg);
		profiles_free(pf);
		pf = NULL;
	}
	diag_release(&d);
	arena_free(r.arena);
	free(dir);
	*out = pf;
	return rc;
}

/* Ownership: *out as profiles_load_mem; NULL (and 0) when the file does not exist. */
int profiles_load(struct profiles **out, const char *path, struct err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_set(err, ERR_IO, "cannot read config file '%s': %s", path, strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_USAGE, "config file '%s' is not a regular file", path);
	}
	if (st.st_mode & 022) {
		close(fd);
		return err_set(err, ERR_USAGE,
			       "config file '%s' can be changed by other users (mode %03o) and it may name a command "
			       "to run, so it is not used; run: chmod go-w '%s'",
			       path, (unsigned)(st.st_mode & 0777), path);
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		return err_set(err, ERR_USAGE,
			       "config file '%s' belongs to another user (uid %ld) and it may name a command to run, so "
			       "it is not used; make it yours or remove it", path, (long)st.st_uid);
	}
	if (st.st_size > PROFILE_MAX_BYTES) {
		close(fd);
		return err_set(err, ERR_USAGE, "config file '%s' is %lld bytes; the limit is %d", path,
			       (long long)st.st_size, PROFILE_MAX_BYTES);
	}
	buf = xmalloc(PROFILE_MAX_BYTES + 1);
	for (;;) {
		n = read(fd, buf + len, PROFILE_MAX_BYTES + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > PROFILE_MAX_BYTES)
			break;
	}
	close(fd);
	if (n < 0) {
		rc = err_set(err, ERR_IO, "cannot read config file '%s': %s", path, strerror(errno));
	} else if (len > PROFILE_MAX_BYTES) {
		rc = err_set(err, ERR_USAGE, "config file '%s' is larger than %d bytes", path, PROFILE_MAX_BYTES);
	} else {
		rc = profiles_load_mem(out, path, buf, len, err);
	}
	free(buf);
	return rc;
}

const struct profile *profiles_find(const struct profiles *pf, const char *name)
{
	size_t i;

	for (i = 0; pf && i < pf->n; i++)
		if (!strcmp(pf->v[i].name, name))
			return &pf->v[i];
	return NULL;
}

/* Ownership: malloced, freed by the caller. */
char *profiles_names(const struct profiles *pf)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (!pf || !pf->n)
		return xstrdup("(none)");
	for (i = 0; i < pf->n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", pf->v[i].name);
	return buf_detach(&b, NULL);
}

void profiles_free(struct profiles *pf)
{
	size_t i;

	if (!pf)
		return;
	for (i = 0; i < pf->n; i++)
		profile_release(&pf->v[i]);
	free(pf->v);
	free(pf->path);
	free(pf->default_profile);
	free(pf);
}
