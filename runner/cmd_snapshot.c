/* runner/cmd_snapshot.c -- `coursectl snapshot --course ID... [-o FILE]`.
 *
 * Exports whole courses as JSON in canvas-sim's seed format: a backup before a risky run, and a way
 * to rehearse a recipe offline on a copy of a real course (canvas-sim --seed FILE). The file is
 * written to FILE.tmp and renamed, so an interrupted run never leaves a half file under FILE; on any
 * error nothing is written. Tokens are never part of the output (seeding canvas-sim needs --token).
 * The file holds student ids (overrides, submissions' owners): runner/safefile.c writes it, as it
 * writes plans -- mode 0600 before the first byte whatever the umask, and never through a symlink
 * planted at FILE or FILE.tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "canvas.h"
#include "cmd.h"
#include "config.h"
#include "exitcode.h"
#include "msg.h"
#include "safefile.h"
#include "snapshot.h"
#include "xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl snapshot --course ID [--course ID]... [-o FILE] [options]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nWrites the courses as JSON in canvas-sim's seed format: course, syllabus, assignments\n"
		    "with overrides, quizzes, discussions, announcements, modules with items, pages with\n"
		    "bodies, calendar events. ID is a Canvas id or sis_course_id:XYZ.\n\n"
		    "   --course ID          a course to export (repeatable)\n"
		    "   -o, --output FILE    write to FILE instead of standard output\n"
		    CONFIG_OPTIONS_HELP);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_out(const char *path, const char *text, struct err *err)
{
	char *line;
	int rc;

	if (!path) {
		if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF)
			return err_set(err, ERR_IO, "cannot write to standard output: %s", strerror(errno));
		return 0;
	}
	line = xasprintf("%s\n", text);
	rc = safefile_write(path, line, strlen(line), err);   /* 0600, never through a link */
	free(line);
	return rc;
}

int cmd_snapshot(int argc, char **argv)
{
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	struct canvas *cv = NULL;
	struct snapshot_stats st;
	const struct http_stats *hs;
	char **ids = xcalloc((size_t)argc, sizeof(*ids));
	const char *out = NULL;
	cJSON *doc = NULL;
	char *text = NULL;
	int n = 0, i, rc;
	double t0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(ids);
			return EXIT_OK;
		} else if (!strcmp(a, "--course") || !strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= argc) {
				err_set(&err, ERR_USAGE, "option '%s' needs a value", a);
				goto done;
			}
			if (!strcmp(a, "--course"))
				ids[n++] = argv[++i];
			else
				out = argv[++i];
		} else {
			rc = config_parse_option(&cfg, argc, argv, &i, &err);
			if (rc < 0)
				goto done;
			if (rc == 0) {
				err_set(&err, ERR_USAGE, "unknown option '%s' for snapshot", a);
				goto done;
			}
		}
	}
	if (!n) {
		err_set(&err, ERR_USAGE, "snapshot needs at least one --course ID");
		goto done;
	}
	if (config_resolve(&cfg, NULL, NULL, &err) || canvas_new(&cv, &cfg, &err))
		goto done;
	t0 = now_s();
	if (snapshot_fetch(&doc, cv, ids, n, SNAPSHOT_ALL, &st, &err))
		goto done;
	text = cJSON_Print(doc);
	if (!text) {
		err_set(&err, ERR_GENERIC, "out of memory printing the snapshot");
		goto done;
	}
	if (write_out(out, text, &err))
		goto done;
	hs = http_get_stats(canvas_http(cv));
	notef("snapshot: %d course%s, %ld objects, %ld requests (%ld retried, %ld throttled) in %.1f s%s%s",
	      st.courses, st.courses == 1 ? "" : "s", st.objects, hs->requests, hs->retries, hs->throttled,
	      now_s() - t0, out ? " -> " : "", out ? out : "");
done:
	free(text);
	cJSON_Delete(doc);
	canvas_free(cv);
	config_release(&cfg);
	free(ids);
	if (err.code) {
		errorf("%s", err.msg);
		if (err.code == ERR_USAGE)
			usage(stderr);
	}
	return err_exit_code(&err);
}
