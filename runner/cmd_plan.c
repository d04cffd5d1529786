/* runner/cmd_plan.c -- `coursectl plan RECIPE`: read the courses, run the steps, show the changes.
 *
 *   coursectl plan RECIPE [--out PLAN.json] [--format text|json|html|markdown] [--detailed-exitcode]
 *                         [--course ID]... [--var NAME=VALUE]... [--color auto|always|never]
 *                         [--shard I/N] [--fail-fast]
 *
 * The preview people trust before anything changes, so it only reads: the recipe is loaded and
 * checked, the courses are fetched (only the lists the steps read: plan_needs), the steps run on
 * the in-memory copy (plan_build.c), and the plan is printed and, with --out, saved with mode 0600
 * for `apply` to run exactly. Nothing is written to Canvas, ever: the only requests are GETs.
 *
 * Output: stdout carries the plan in the chosen format; stderr the progress and a timing note.
 * --out keeps the text on stdout (as `terraform plan -out` does) unless --format says otherwise.
 * Colour: auto means stdout is a terminal and NO_COLOR is unset or empty (no-color.org).
 * Exit codes: 0 (with --detailed-exitcode: no changes), 2 changes present (--detailed-exitcode
 * only), 1 error, 3 authentication failure, 64 usage (include/exitcode.h).
 *
 * --course narrows the recipe's `courses:` (an id the recipe does not list is a usage error: a
 * typo must not plan a course nobody meant); a recipe without `courses:` takes its courses from
 * --course alone. The options shared with `apply` (--course, --var, --color, --shard, --fail-fast)
 * are parsed by plan_opts.c; the courses are resolved by courses.c (account listings need Canvas,
 * so a recipe with one is resolved after the token is read; a plain list before, so that a bad
 * --course costs no token).
 *
 * Many courses: a course that cannot be read or planned is left out with an error line, the rest
 * are planned and shown, the summary names the failed ones and the exit code is 1 (even with
 * --detailed-exitcode: the plan is not the whole recipe). --fail-fast stops at the first one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "canvas.h"
#include "cmd.h"
#include "config.h"
#include "dates.h"
#include "exitcode.h"
#include "msg.h"
#include "plan.h"
#include "plan_opts.h"
#include "recipe.h"
#include "render.h"
#include "xalloc.h"

enum format { FMT_TEXT, FMT_JSON, FMT_HTML, FMT_MARKDOWN };

struct opts {
	const char *recipe, *out;
	enum format format;
	int format_given;
	int detailed;
	struct plan_opts po;      /* --course, --var, --color, --shard, --fail-fast */
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl plan RECIPE [--out PLAN.json] [--format text|json|html|markdown]\n"
		    "                      [--detailed-exitcode] [--course ID]... [--var NAME=VALUE]...\n"
		    "                      [--shard I/N] [--fail-fast] [options]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nReads the recipe's courses from Canvas, runs its steps on a copy in memory and shows every\n"
		    "change: each field's value now and the value the recipe wants. Nothing is written to Canvas.\n\n"
		    "   --out FILE             also save the plan as JSON (mode 600) for `coursectl apply FILE`\n"
		    "   --format FORMAT        text (default; a diff for people), json (the plan file), html,\n"
		    "                          markdown (a pull-request comment, under 60,000 bytes)\n"
		    "   --detailed-exitcode    exit 0 when there is nothing to change, 2 when there is, 1 on error\n"
		    "   --course ID            plan only this course of the recipe's (repeatable); required when\n"
		    "                          the recipe lists no courses\n"
		    "   --var NAME=VALUE       set a recipe variable (wins over the recipe's vars:)\n"
		    "   --color WHEN           auto (default: a terminal, NO_COLOR unset), always, never\n"
		    PLAN_OPTS_HELP
		    CONFIG_OPTIONS_HELP);
}

/* Parses argv into o (and cfg). Returns 1 when --help was shown, 0 to go on, <0 on error. */
static int parse_args(struct opts *o, struct config *cfg, int argc, char **argv, struct err *err)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "--detailed-exitcode")) {
			o->detailed = 1;
		} else if ((rc = plan_opts_parse(&o->po, argc, argv, &i, err))) {
			if (rc < 0)
				return rc;
		} else if (!strcmp(a, "--out") || !strcmp(a, "--format") || !strcmp(a, "-o")) {
			if (i + 1 >= argc)
				return err_set(err, ERR_USAGE, "option '%s' needs a value", a);
			v = argv[++i];
			if (!strcmp(a, "--out") || !strcmp(a, "-o")) {
				o->out = v;
			} else {
				o->format_given = 1;
				if (!strcmp(v, "text"))
					o->format = FMT_TEXT;
				else if (!strcmp(v, "json"))
					o->format = FMT_JSON;
				else if (!strcmp(v, "html"))
					o->format = FMT_HTML;
				else if (!strcmp(v, "markdown"))
					o->format = FMT_MARKDOWN;
				else
					return err_set(err, ERR_USAGE, "--format takes text, json, html or markdown, not '%s'",
						       v);
			}
		} else if (a[0] == '-' && a[1]) {
			rc = config_parse_option(cfg, argc, argv, &i, err);
			if (rc < 0)
				return rc;
			if (rc == 0)
				return err_set(err, ERR_USAGE, "unknown option '%s' for plan", a);
		} else if (!o->recipe) {
			o->recipe = a;
		} else {
			return err_set(err, ERR_USAGE, "plan takes one recipe; '%s' is a second", a);
		}
	}
	if (!o->recipe)
		return err_set(err, ERR_USAGE, "plan needs a recipe file");
	return 0;
}

static int stdout_sink(void *ud, const char *s, size_t n)
{
	(void)ud;
	return fwrite(s, 1, n, stdout) == n ? 0 : -1;
}

/* The plan on stdout. The text, the JSON and the HTML page are printed as they are made, window
 * by window (issue 18: a plan of thousands of courses is never one text); the Markdown comment
 * walks the windows too and is at most its budget. */
static int print_plan(const struct plan *p, const struct opts *o, struct err *err)
{
	struct buf out = BUF_INIT;
	struct render_opts ro = RENDER_OPTS_INIT;
	int rc = 0;

	if (o->format == FMT_JSON) {
		/* the bytes of cJSON_Print(plan_to_json(p)), change by change (plan_print) */
		if (plan_print(p, 1, NULL, stdout_sink, NULL) || stdout_sink(NULL, "\n", 1))
			return err_set(err, ERR_IO, "cannot write the plan to standard output");
		return 0;
	} else if (o->format == FMT_HTML) {
		if (render_html(p, &out, stdout))
			rc = err_set(err, ERR_IO, "cannot write the plan to standard output");
	} else if (o->format == FMT_MARKDOWN) {
		if (render_markdown(p, &out, 0))   /* at most the budget, whatever the plan's size */
			rc = err_set(err, ERR_IO, "cannot read the plan's changes back from its temporary file");
	} else {
		ro.color = plan_opts_color(&o->po);
		ro.stream = stdout;
		ro.pre = o->po.text;   /* the windows rendered as they were planned (cmd_plan) */
		if (render_text(p, &out, &ro))
			rc = err_set(err, ERR_IO, "cannot write the plan to standard output");
	}
	if (!rc && out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len)
		rc = err_set(err, ERR_IO, "cannot write the plan to standard output");
	buf_release(&out);
	return rc;
}

int cmd_plan(int argc, char **argv)
{
	struct opts o;
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	struct canvas *cv = NULL;
	struct plan *p = NULL;
	struct plan_summary sum;
	int rc;

	memset(&o, 0, sizeof(o));
	plan_opts_init(&o.po, argc);
	rc = parse_args(&o, &cfg, argc, argv, &err);
	if (rc)
		goto done;
	if (o.format == FMT_TEXT) {   /* a plan of many windows renders each as it is planned (render.h) */
		struct render_opts ro = RENDER_OPTS_INIT;

		ro.color = plan_opts_color(&o.po);
		o.po.text = render_pre_new(&ro);
	}
	if (plan_recipe(&p, &cv, &cfg, &o.po, o.recipe, "planned", &err))
		goto done;
	if (o.out && plan_write(p, o.out, &err))
		goto done;
	if (print_plan(p, &o, &err))
		goto done;
	if (o.out)
		notef("plan saved to %s (mode 600)", o.out);
done:
	rc = err_exit_code(&err);
	if (err.code) {
		errorf("%s", err.msg);
		if (err.code == ERR_USAGE)
			usage(stderr);
	} else if (p && p->nfailed) {
		rc = EXIT_ERROR;
	} else if (o.detailed && p) {
		plan_summarize(p, &sum);
		rc = sum.changes ? EXIT_CHANGES : EXIT_OK;
	}
	dates_reset();
	plan_free(p);
	canvas_free(cv);
	config_release(&cfg);
	render_pre_free(o.po.text);
	plan_opts_release(&o.po);
	return rc;
}
