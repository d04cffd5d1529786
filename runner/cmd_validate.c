/* runner/cmd_validate.c -- `coursectl validate [--var NAME=VALUE]... [--allow-outside DIR]... RECIPE...`.
 *
 * Checks recipes without talking to Canvas: every error in every file, each as
 * "FILE:LINE:COL: error: MESSAGE" on stderr (the form editors and CI annotate); "RECIPE: ok (N steps,
 * M courses)" on stdout for each good one; with -v also the steps. Exit 0 when all are good, 1 when
 * any has an error, 64 for a bad command line. A body_file: or from_file: outside the recipe's
 * folder is an error unless --allow-outside names its folder (runner/paths_confine.c), and one that
 * holds CANVAS_API_TOKEN (when set) is too: validate reads no token file, so the environment's is
 * the one it can check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "exitcode.h"
#include "msg.h"
#include "recipe.h"
#include "xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl validate [--var NAME=VALUE]... [--allow-outside DIR]... RECIPE...\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nChecks recipes without talking to Canvas and reports every problem as FILE:LINE:COL.\n\n"
		    "   --var NAME=VALUE   set a variable (wins over the recipe's vars:)\n"
		    "   --allow-outside DIR\n"
		    "                      let body_file: and from_file: read files in DIR too\n"
		    "   -v, --verbose      also list each recipe's steps\n");
}

/* Parse "NAME=VALUE" into v (pointers into arg). 0 or -1. */
int recipe_parse_var_option(const char *arg, struct recipe_var *v, char **name_out)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return -1;
	*name_out = xstrndup(arg, (size_t)(eq - arg));
	v->name = *name_out;
	v->value = eq + 1;
	return 0;
}

/* CANVAS_API_TOKEN trimmed as config.c trims it, or NULL when unset or blank.
 * Ownership: malloced; the caller wipes and frees it. */
static char *env_token(void)
{
	const char *e = getenv("CANVAS_API_TOKEN"), *end;

	if (!e)
		return NULL;
	while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r')
		e++;
	for (end = e + strlen(e); end > e && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r');)
		end--;
	return end > e ? xstrndup(e, (size_t)(end - e)) : NULL;
}

int cmd_validate(int argc, char **argv)
{
	struct recipe_var *vars = xcalloc((size_t)argc, sizeof(*vars));
	char **names = xcalloc((size_t)argc, sizeof(*names));
	const char **files = xcalloc((size_t)argc, sizeof(*files));
	const char **allow = xcalloc((size_t)argc, sizeof(*allow));
	char *token = NULL;
	size_t nvars = 0, nfiles = 0, nallow = 0, i, s;
	int rc = EXIT_OK, verbose = msg_get_level() >= MSG_VERBOSE;
	struct recipe_opts o;

	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			goto done;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbose = 1;
		} else if (!strcmp(a, "--var")) {
			if (i + 1 >= (size_t)argc || recipe_parse_var_option(argv[i + 1], &vars[nvars], &names[nvars])) {
				errorf("--var needs NAME=VALUE");
				usage(stderr);
				rc = EXIT_USAGE;
				goto done;
			}
			nvars++;
			i++;
		} else if (!strncmp(a, "--var=", 6)) {
			if (recipe_parse_var_option(a + 6, &vars[nvars], &names[nvars])) {
				errorf("--var needs NAME=VALUE");
				rc = EXIT_USAGE;
				goto done;
			}
			nvars++;
		} else if (!strcmp(a, "--allow-outside")) {
			if (i + 1 >= (size_t)argc) {
				errorf("--allow-outside needs a directory");
				usage(stderr);
				rc = EXIT_USAGE;
				goto done;
			}
			allow[nallow++] = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			errorf("unknown option '%s' for validate", a);
			usage(stderr);
			rc = EXIT_USAGE;
			goto done;
		} else {
			files[nfiles++] = a;
		}
	}
	if (!nfiles) {
		errorf("validate needs at least one recipe file");
		usage(stderr);
		rc = EXIT_USAGE;
		goto done;
	}
	o.vars = vars;
	o.nvars = nvars;
	o.allow_outside = allow;
	o.nallow_outside = nallow;
	token = env_token();
	for (i = 0; i < nfiles; i++) {
		struct diags d = DIAGS_INIT;
		struct recipe *r = NULL;

		struct err err = ERR_INIT;

		if (recipe_load(&r, files[i], &o, &d)) {
			fflush(stdout);
			diag_print(&d, stderr);
			rc = EXIT_ERROR;
		} else if (recipe_check_secret(r, token, &err)) {
			fflush(stdout);
			errorf("%s", err.msg);
			rc = EXIT_ERROR;
		} else {
			/* account listings are resolved by plan, not here: counted apart */
			printf("%s: ok (%zu step%s, %zu course%s%s%.0zu%s)\n", files[i], r->nsteps,
			       r->nsteps == 1 ? "" : "s", r->ncourses, r->ncourses == 1 ? "" : "s",
			       r->nqueries ? " and " : "", r->nqueries,
			       r->nqueries ? (r->nqueries == 1 ? " account listing" : " account listings") : "");
			for (s = 0; verbose && s < r->nsteps; s++)
				printf("  %zu. %s (%s, line %d)\n", s + 1, r->steps[s].name, r->steps[s].action->name,
				       r->steps[s].pos.line);
		}
		recipe_free(r);
		diag_release(&d);
	}
done:
	for (i = 0; i < nvars; i++)
		free(names[i]);
	free(names);
	free(vars);
	free(files);
	free(allow);
	if (token) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return rc;
}
