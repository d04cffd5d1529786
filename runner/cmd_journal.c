/* runner/cmd_journal.c -- `coursectl journal show JOURNAL` and `coursectl journal list`.
 *
 *   coursectl journal show JOURNAL [--format text|json]
 *   coursectl journal list [--dir DIR] [--limit N] [--format text|json]
 *
 * What a person asks after a run went wrong: what did it change, what failed, is it finished, and
 * what now. `show` reads the journal (journal_read: a torn last line is forgiven, any other damage
 * is refused with FILE:LINE) and answers in that order (issue 16: the answer used to come after
 * 176 "in doubt" lines): first how the run ended -- finished, interrupted, or running (another
 * coursectl holds the journal's lock) -- with its counts, then the command to run next (resume,
 * rollback, nothing), then whether and by which journal it was rolled back (rollbacks.c: complete
 * or in part); then the header, the count of changes in each state, and one line per change that
 * failed, met a conflict or has an intent without an outcome (it may or may not have reached
 * Canvas). `list` does the same in one line per journal of the default directory (or --dir),
 * newest first.
 *
 * Decisions where the issue is silent:
 *   - Exit codes: show exits 0 for any readable journal (failures inside it are its content, not
 *     an error of `show`) and 1 for a missing or damaged one. list exits 0 and marks a damaged
 *     journal "damaged" with its error on the next line: one bad file must not hide the others.
 *   - "Newest first" is by the file's modification time, so a journal resumed today comes before
 *     one finished yesterday; list reads only the newest --limit journals (default 20; 0: all),
 *     since reading a journal means parsing its plan, which may hold megabytes of page bodies.
 *     Files listed: the .jsonl files of DIR (what journal_create names them).
 *   - "running" comes from a non-blocking shared flock on JOURNAL.lock, released at once. The
 *     alternative, /proc/locks, is Linux-only; the cost is that an apply --resume starting in the
 *     same microsecond gets ERR_LOCKED and can be run again.
 *   - Every string that came from Canvas or from the file (names, errors, URLs, paths in the header)
 *     goes through render_put_safe, newlines shown as \n, so a journal cannot drive the terminal.
 *     --format json prints them as JSON strings (cJSON escapes control characters).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "cmd.h"
#include "exec.h"
#include "exitcode.h"
#include "journal.h"
#include "jsonid.h"
#include "msg.h"
#include "plan.h"
#include "render.h"
#include "rollbacks.h"
#include "xalloc.h"

#define NSTATES (JOURNAL_SKIPPED + 1)
#define LIST_DEFAULT_LIMIT 20

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl journal show JOURNAL [--format text|json]\n"
		    "       coursectl journal list [--dir DIR] [--limit N] [--format text|json]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nEvery apply and rollback writes a journal: the whole plan (each change with the value it\n"
		    "replaces), then a record before each change is sent and one after. It is what\n"
		    "`coursectl apply --resume` and `coursectl rollback` work from. Journals live in\n"
		    "$XDG_STATE_HOME/coursectl/journals (else ~/.local/state/coursectl/journals), mode 600.\n\n"
		    "   show JOURNAL           whether the run finished, its counts and the command to run\n"
		    "                          next (and the rollback that undid it); then the run (recipe,\n"
		    "                          Canvas, courses, who, when), how many changes are done, failed,\n"
		    "                          conflicts, skipped, in doubt or not started, and one line per\n"
		    "                          change that needs attention\n"
		    "   list                   recent journals, newest first: time, run, courses, counts, status\n"
		    "   --dir DIR              list the journals in DIR instead of the default directory\n"
		    "   --limit N              list at most N journals (default %d; 0: all)\n"
		    "   --format FORMAT        text (default) or json\n"
		    "\nExit codes: 0 ok (whatever the run's outcome), 1 a missing or damaged journal, 64 usage.\n",
		LIST_DEFAULT_LIMIT);
}

/* ================================================================ shared */

static const char *hdr_str(const struct journal_log *l, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l->header, k));
}

/* s neutralised, newlines as "\n"; "-" for NULL. */
static void put_safe(struct buf *out, const char *s)
{
	const char *nl;

	if (!s) {
		buf_putc(out, '-');
		return;
	}
	while ((nl = strchr(s, '\n')) != NULL) {
		render_put_safe(out, s, (size_t)(nl - s));
		buf_puts(out, "\\n");
		s = nl + 1;
	}
	render_put_safe(out, s, strlen(s));
}

static void count_states(const struct journal_log *l, size_t counts[NSTATES])
{
	size_t i;

	memset(counts, 0, NSTATES * sizeof(counts[0]));
	for (i = 0; i < l->plan->nchanges; i++)
		counts[l->state[i]]++;
}

/* "8 done, 1 failed, 1 in doubt, 2 not started" (states with none left out). */
static void put_counts(struct buf *out, const size_t counts[NSTATES])
{
	static const char *const words[NSTATES] = {
		[JOURNAL_NONE] = "not started", [JOURNAL_INTENT] = "in doubt (intent without outcome)",
		[JOURNAL_DONE] = "done", [JOURNAL_FAILED] = "failed", [JOURNAL_CONFLICT] = "conflict",
		[JOURNAL_SKIPPED] = "skipped",
	};
	static const int order[NSTATES] = { JOURNAL_DONE, JOURNAL_FAILED, JOURNAL_CONFLICT, JOURNAL_SKIPPED,
					    JOURNAL_INTENT, JOURNAL_NONE };
	size_t i, shown = 0;

	for (i = 0; i < NSTATES; i++) {
		if (!counts[order[i]])
			continue;
		buf_printf(out, "%s%zu %s%s", shown++ ? ", " : "", counts[order[i]], words[order[i]],
			   order[i] == JOURNAL_CONFLICT && counts[order[i]] > 1 ? "s" : "");
	}
	if (!shown)
		buf_puts(out, "nothing");
}

static cJSON *counts_json(const size_t counts[NSTATES])
{
	cJSON *o = cJSON_CreateObject();
	int s;

	for (s = 0; s < NSTATES; s++)
		cJSON_AddNumberToObject(o, journal_state_name((enum journal_state)s), (double)counts[s]);
	return o;
}

static cJSON *str_json(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static const char *status_of(const struct journal_log *l, int running)
{
	return running ? "running" : l->finished ? "finished" : "interrupted";
}

static int write_out(struct buf *out)
{
	if (out->len && fwrite(out->ptr, 1, out->len, stdout) != out->len) {
		errorf("cannot write to standard output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int print_json(cJSON *doc)
{
	char *s = cJSON_Print(doc);
	int rc = EXIT_OK;

	cJSON_Delete(doc);
	if (!s) {
		errorf("out of memory printing JSON");
		return EXIT_ERROR;
	}
	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		rc = EXIT_ERROR;
	free(s);
	return rc;
}

/* Parse "--format text|json". Returns 1 for json, 0 text, -1 bad. */
static int parse_format(const char *v)
{
	if (!strcmp(v, "json"))
		return 1;
	if (!strcmp(v, "text"))
		return 0;
	return -1;
}

/* ================================================================ show */

static int needs_attention(enum journal_state s)
{
	return s == JOURNAL_FAILED || s == JOURNAL_CONFLICT || s == JOURNAL_INTENT;
}

/* The rollback that undid l, complete or in part (rollbacks.c), or NULL; from r[0..n). */
static const struct rollback_ref *undone_by(const struct journal_log *l, const struct rollback_ref *r, size_t n)
{
	struct plan *undo = NULL;
	struct err e = ERR_INIT;
	const struct rollback_ref *by = NULL;

	if (!n || exec_inverse_plan(&undo, l, &e))
		return NULL;
	if (undo->nchanges)
		by = rollbacks_covering(undo, r, n, 1);
	if (!by && undo->nchanges)
		by = rollbacks_covering(undo, r, n, 0);
	plan_free(undo);
	return by;
}

/* The first lines: how the run ended and its counts, the command to run next, the rollback that
 * undid it. */
static void show_lead(const struct journal_log *l, int running, const struct rollback_ref *by, struct buf *out)
{
	size_t counts[NSTATES], left;
	int rb = hdr_str(l, "run") && !strcmp(hdr_str(l, "run"), "rollback");

	size_t unsent = 0, i;

	count_states(l, counts);
	left = l->plan->nchanges - counts[JOURNAL_DONE];
	/* changes whose request never left when the run stopped (exec.c exec_unsent()): not sent, not "skipped" */
	for (i = 0; i < l->plan->nchanges; i++)
		unsent += l->state[i] == JOURNAL_SKIPPED && l->error[i] &&
			  strstr(l->error[i], EXEC_NOT_SENT);
	counts[JOURNAL_SKIPPED] -= unsent;
	buf_printf(out, "%s: ", status_of(l, running));
	put_counts(out, counts);
	if (unsent)
		buf_printf(out, ", %zu not sent", unsent);
	counts[JOURNAL_SKIPPED] += unsent;
	buf_printf(out, " (of %zu change%s)\n", l->plan->nchanges, l->plan->nchanges == 1 ? "" : "s");
	buf_puts(out, "next: ");
	if (running) {
		buf_puts(out, "wait: another coursectl holds the journal's lock (");
		put_safe(out, l->path);
		buf_puts(out, ".lock); look again when it ends\n");
	} else if (by && by->complete) {
		buf_puts(out, "nothing: the run was rolled back\n");
	} else if (by) {
		buf_puts(out, "coursectl rollback ");
		put_safe(out, l->path);
		buf_puts(out, " finishes the rollback\n");
	} else if (left || !l->finished) {
		buf_puts(out, "coursectl apply --resume ");
		put_safe(out, l->path);
		if (counts[JOURNAL_INTENT])
			buf_printf(out, " (checks the %zu in doubt against Canvas", counts[JOURNAL_INTENT]);
		else
			buf_puts(out, " (");
		buf_printf(out, "%swrites the rest%s), or coursectl rollback ", counts[JOURNAL_INTENT] ? ", " : "",
			   counts[JOURNAL_CONFLICT] ? "; --force writes over the conflicts" : "");
		put_safe(out, l->path);
		buf_printf(out, " to undo %s\n", rb ? "this rollback" : "the run");
	} else {
		buf_puts(out, "nothing; coursectl rollback ");
		put_safe(out, l->path);
		buf_printf(out, " undoes %s\n", rb ? "this rollback" : "the run");
	}
	if (by) {
		buf_puts(out, "rolled back by ");
		put_safe(out, by->path);
		buf_puts(out, " at ");
		put_safe(out, by->created_at);
		if (by->complete)
			buf_puts(out, ", completely\n");
		else
			buf_printf(out, ", in part: %zu of %zu changes undone\n", by->done, by->changes);
	}
	buf_putc(out, '\n');
}

static void show_text(const struct journal_log *l, int running, const struct rollback_ref *by, struct buf *out)
{
	const struct plan *p = l->plan;
	const char *sha = hdr_str(l, "recipe_sha256"), *of = hdr_str(l, "rollback_of");
	size_t counts[NSTATES], i, n = 0;

	count_states(l, counts);
	show_lead(l, running, by, out);
	buf_puts(out, "Journal ");
	put_safe(out, l->path);
	buf_puts(out, "\n  run       ");
	put_safe(out, hdr_str(l, "run"));
	buf_puts(out, " (");
	put_safe(out, hdr_str(l, "tool"));
	buf_puts(out, ")\n  canvas    ");
	put_safe(out, hdr_str(l, "base_url"));
	buf_puts(out, "\n  recipe    ");
	put_safe(out, hdr_str(l, "recipe"));
	if (sha) {
		buf_puts(out, " (sha256 ");
		render_put_safe(out, sha, strlen(sha) > 12 ? 12 : strlen(sha));
		buf_puts(out, "...)");
	}
	buf_puts(out, "\n  created   ");
	put_safe(out, hdr_str(l, "created_at"));
	buf_puts(out, " by ");
	put_safe(out, hdr_str(l, "user"));
	if (of) {
		buf_puts(out, "\n  undoes    ");
		put_safe(out, of);
	}
	buf_puts(out, "\n  courses   ");
	for (i = 0; i < p->ncourses; i++) {
		buf_puts(out, i ? ", " : "");
		put_safe(out, p->courses[i].id);
		if (p->courses[i].course_code || p->courses[i].name) {
			buf_putc(out, ' ');
			put_safe(out, p->courses[i].course_code ? p->courses[i].course_code : p->courses[i].name);
		}
	}
	if (!p->ncourses)
		buf_putc(out, '-');
	buf_printf(out, "\n\n%zu change%s: ", p->nchanges, p->nchanges == 1 ? "" : "s");
	put_counts(out, counts);
	buf_puts(out, "\n");
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (!needs_attention(l->state[i]))
			continue;
		if (!n++)
			buf_putc(out, '\n');
		buf_printf(out, "  #%ld course ", c->seq);
		put_safe(out, c->course_id);
		buf_printf(out, " %s ", plan_kind_name(c->kind));
		put_safe(out, c->id);
		buf_puts(out, " \"");
		put_safe(out, c->name ? c->name : "");
		buf_puts(out, "\" ");
		if (c->field && c->op == PLAN_UPDATE)
			put_safe(out, c->field);
		else
			buf_printf(out, "(%s)", plan_op_name(c->op));
		if (l->state[i] == JOURNAL_INTENT && l->job[i]) {
			buf_puts(out, ": in doubt: Canvas took it as a background job (");
			put_safe(out, l->job[i]);
			buf_puts(out, "); resume and rollback wait for that job first");
		} else if (l->state[i] == JOURNAL_INTENT) {
			buf_puts(out, ": in doubt: sent or about to be sent when the run stopped");
		} else {
			buf_printf(out, ": %s", journal_state_name(l->state[i]));
			if (l->error[i]) {
				buf_puts(out, ": ");
				put_safe(out, l->error[i]);
			}
		}
		buf_putc(out, '\n');
	}
	if (l->torn_tail)
		buf_printf(out, "\nnote: line %ld was incomplete (the run stopped while writing it) and is "
			   "ignored\n", l->lines + 1);
}

static cJSON *show_json(const struct journal_log *l, int running, const struct rollback_ref *by)
{
	static const char *const keys[] = { "run", "tool", "base_url", "recipe", "recipe_sha256", "plan_sha256",
					    "created_at", "user", "rollback_of" };
	const struct plan *p = l->plan;
	cJSON *doc = cJSON_CreateObject(), *arr, *o;
	size_t counts[NSTATES], i;

	count_states(l, counts);
	cJSON_AddStringToObject(doc, "path", l->path);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cJSON_AddItemToObject(doc, keys[i], str_json(hdr_str(l, keys[i])));
	arr = cJSON_AddArrayToObject(doc, "courses");
	for (i = 0; i < p->ncourses; i++) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "id", jsonid(p->courses[i].id));
		cJSON_AddItemToObject(o, "name", str_json(p->courses[i].name));
		cJSON_AddItemToObject(o, "course_code", str_json(p->courses[i].course_code));
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddNumberToObject(doc, "changes", (double)p->nchanges);
	cJSON_AddItemToObject(doc, "counts", counts_json(counts));
	arr = cJSON_AddArrayToObject(doc, "attention");
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change *c = &p->changes[i];

		if (!needs_attention(l->state[i]))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "seq", (double)c->seq);
		cJSON_AddStringToObject(o, "state", journal_state_name(l->state[i]));
		cJSON_AddItemToObject(o, "course_id", jsonid(c->course_id));
		cJSON_AddStringToObject(o, "kind", plan_kind_name(c->kind));
		cJSON_AddItemToObject(o, "id", jsonid(c->id));
		cJSON_AddItemToObject(o, "name", str_json(c->name));
		cJSON_AddStringToObject(o, "op", plan_op_name(c->op));
		cJSON_AddItemToObject(o, "field", str_json(c->field));
		cJSON_AddItemToObject(o, "error", str_json(l->error[i]));
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddStringToObject(doc, "status", status_of(l, running));
	if (by) {
		o = cJSON_AddObjectToObject(doc, "rolled_back_by");
		cJSON_AddStringToObject(o, "journal", by->path);
		cJSON_AddStringToObject(o, "at", by->created_at);
		cJSON_AddBoolToObject(o, "complete", by->complete);
		cJSON_AddNumberToObject(o, "done", (double)by->done);
		cJSON_AddNumberToObject(o, "changes", (double)by->changes);
	}
	cJSON_AddBoolToObject(doc, "finished", l->finished);
	cJSON_AddBoolToObject(doc, "torn_tail", l->torn_tail);
	cJSON_AddNumberToObject(doc, "lines", (double)l->lines);
	return doc;
}

static int cmd_show(int argc, char **argv)
{
	const char *path = NULL;
	struct journal_log *l = NULL;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	struct rollback_ref *refs = NULL;
	const struct rollback_ref *by;
	size_t nrefs = 0;
	int i, json = 0, rc, running;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--format")) {
			if (i + 1 >= argc || (json = parse_format(argv[++i])) < 0) {
				errorf("--format takes text or json");
				usage(stderr);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			errorf("unknown option '%s' for journal show", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		} else if (!path) {
			path = argv[i];
		} else {
			errorf("journal show takes one journal; '%s' is a second", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		errorf("journal show needs a journal file");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (journal_read(&l, path, &err)) {
		errorf("%s", err.msg);
		return EXIT_ERROR;
	}
	running = !l->finished && journal_running(path);
	rollbacks_find(path, &refs, &nrefs, &err);
	by = undone_by(l, refs, nrefs);
	if (json) {
		rc = print_json(show_json(l, running, by));
	} else {
		show_text(l, running, by, &out);
		rc = write_out(&out);
	}
	buf_release(&out);
	rollbacks_free(refs, nrefs);
	journal_log_free(l);
	return rc;
}

/* ================================================================ list */

struct entry {
	char *path;
	struct timespec mtime;
	struct journal_log *log;  /* NULL when damaged */
	char *error;              /* why it could not be read, or NULL */
	int running;
};

static int newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return strcmp(y->path, x->path);
}

/* The regular .jsonl files of dir, newest first; *out malloced (release_entries, then free). */
static int scan_dir(const char *dir, struct entry **out, size_t *n, struct err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	size_t len, alloc = 0;
	char *path;

	*out = NULL;
	*n = 0;
	if (!d)
		return err_set(err, errno == ENOENT ? ERR_NOTFOUND : ERR_IO, "cannot read directory '%s': %s", dir,
			       strerror(errno));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 6 || strcmp(de->d_name + len - 6, ".jsonl"))
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			free(path);   /* a link to a journal moved or deleted, a directory */
			continue;
		}
		{   /* a journal kept elsewhere is linked here (journal.c, link_default): named by its real path */
			char *real = realpath(path, NULL);

			if (real) {
				free(path);
				path = real;
			}
		}
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		memset(&(*out)[*n], 0, sizeof(**out));
		(*out)[*n].path = path;
		(*out)[*n].mtime = st.st_mtim;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), newest_first);
	return 0;
}

/* The contents of e[0..n), not the array. */
static void release_entries(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].error);
		journal_log_free(e[i].log);
	}
}

/* "4821,4822,4823,+2" */
static void put_courses(struct buf *out, const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->ncourses && i < 3; i++) {
		buf_puts(out, i ? "," : "");
		put_safe(out, p->courses[i].id);
	}
	if (p->ncourses > 3)
		buf_printf(out, ",+%zu", p->ncourses - 3);
	if (!p->ncourses)
		buf_putc(out, '-');
}

static void mtime_text(const struct entry *e, char out[32])
{
	struct tm tm;

	gmtime_r(&e->mtime.tv_sec, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void list_text(const struct entry *e, size_t n, struct buf *out)
{
	struct buf *cells = xcalloc(n * 5 + 1, sizeof(*cells));
	size_t w[4] = { 7, 3, 7, 7 }, i, k, counts[NSTATES];
	char when[32];

	/* cells per row: created, run, courses, changes, status */
	for (i = 0; i < n; i++) {
		struct buf *c = &cells[i * 5];
		const struct journal_log *l = e[i].log;

		if (!l) {
			mtime_text(&e[i], when);
			buf_puts(&c[0], when);
			buf_puts(&c[1], "?");
			buf_puts(&c[2], "-");
			buf_puts(&c[3], "-");
			buf_puts(&c[4], "damaged");
		} else {
			put_safe(&c[0], hdr_str(l, "created_at"));
			put_safe(&c[1], hdr_str(l, "run"));
			put_courses(&c[2], l->plan);
			count_states(l, counts);
			buf_printf(&c[3], "%zu: ", l->plan->nchanges);
			put_counts(&c[3], counts);
			buf_puts(&c[4], status_of(l, e[i].running));
		}
		for (k = 0; k < 4; k++)
			if (c[k].len > w[k])
				w[k] = c[k].len;
	}
	buf_printf(out, "%-*s  %-*s  %-*s  %-*s  %-11s  %s\n", (int)w[0], "CREATED", (int)w[1], "RUN", (int)w[2],
		   "COURSES", (int)w[3], "CHANGES", "STATUS", "JOURNAL");
	for (i = 0; i < n; i++) {
		struct buf *c = &cells[i * 5];

		for (k = 0; k < 4; k++)
			buf_printf(out, "%-*s  ", (int)w[k], buf_str(&c[k]));
		buf_printf(out, "%-11s  ", buf_str(&c[4]));
		put_safe(out, e[i].path);
		buf_putc(out, '\n');
		if (e[i].error) {
			buf_puts(out, "    ");
			put_safe(out, e[i].error);
			buf_putc(out, '\n');
		}
		for (k = 0; k < 5; k++)
			buf_release(&c[k]);
	}
	free(cells);
}

static cJSON *list_json(const struct entry *e, size_t n)
{
	cJSON *arr = cJSON_CreateArray(), *o, *courses;
	size_t i, k, counts[NSTATES];
	char when[32];

	for (i = 0; i < n; i++) {
		const struct journal_log *l = e[i].log;

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", e[i].path);
		if (!l) {
			mtime_text(&e[i], when);
			cJSON_AddStringToObject(o, "modified_at", when);
			cJSON_AddStringToObject(o, "status", "damaged");
			cJSON_AddStringToObject(o, "error", e[i].error);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		cJSON_AddItemToObject(o, "created_at", str_json(hdr_str(l, "created_at")));
		cJSON_AddItemToObject(o, "run", str_json(hdr_str(l, "run")));
		courses = cJSON_AddArrayToObject(o, "courses");
		for (k = 0; k < l->plan->ncourses; k++)
			cJSON_AddItemToArray(courses, jsonid(l->plan->courses[k].id));
		count_states(l, counts);
		cJSON_AddNumberToObject(o, "changes", (double)l->plan->nchanges);
		cJSON_AddItemToObject(o, "counts", counts_json(counts));
		cJSON_AddStringToObject(o, "status", status_of(l, e[i].running));
		cJSON_AddBoolToObject(o, "torn_tail", l->torn_tail);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static int cmd_list(int argc, char **argv)
{
	const char *dir_opt = NULL;
	char *dir = NULL, *end;
	struct entry *e = NULL;
	struct err err = ERR_INIT;
	struct buf out = BUF_INIT;
	size_t n = 0, i;
	long limit = LIST_DEFAULT_LIMIT;
	int a, json = 0, rc;

	for (a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return EXIT_OK;
		}
		if (strcmp(o, "--dir") && strcmp(o, "--limit") && strcmp(o, "-n") && strcmp(o, "--format")) {
			errorf(o[0] == '-' ? "unknown option '%s' for journal list"
					   : "journal list takes no file ('%s'); see --dir", o);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (a + 1 >= argc) {
			errorf("option '%s' needs a value", o);
			usage(stderr);
			return EXIT_USAGE;
		}
		if (!strcmp(o, "--dir")) {
			dir_opt = argv[++a];
		} else if (!strcmp(o, "--format")) {
			if ((json = parse_format(argv[++a])) < 0) {
				errorf("--format takes text or json");
				usage(stderr);
				return EXIT_USAGE;
			}
		} else {
			errno = 0;
			limit = strtol(argv[++a], &end, 10);
			if (errno || end == argv[a] || *end || limit < 0) {
				errorf("--limit takes a number of journals (0: all), not '%s'", argv[a]);
				usage(stderr);
				return EXIT_USAGE;
			}
		}
	}
	if (dir_opt)
		dir = xstrdup(dir_opt);
	else if (journal_default_dir(&dir, &err))
		goto done;
	if (scan_dir(dir, &e, &n, &err))
		goto done;
	if (limit && n > (size_t)limit) {
		release_entries(e + limit, n - (size_t)limit);
		n = (size_t)limit;
	}
	for (i = 0; i < n; i++) {
		struct err rerr = ERR_INIT;

		if (journal_read(&e[i].log, e[i].path, &rerr))
			e[i].error = xstrdup(rerr.msg);
		else
			e[i].running = !e[i].log->finished && journal_running(e[i].path);
	}
done:
	if (err.code) {
		errorf("%s", err.msg);
		rc = err_exit_code(&err);
	} else if (json) {
		rc = print_json(list_json(e, n));
	} else if (!n) {
		notef("no journals in %s", dir);
		rc = EXIT_OK;
	} else {
		list_text(e, n, &out);
		rc = write_out(&out);
	}
	buf_release(&out);
	release_entries(e, n);
	free(e);
	free(dir);
	return rc;
}

/* ================================================================ dispatch */

int cmd_journal(int argc, char **argv)
{
	if (argc < 2) {
		errorf("journal needs a subcommand: show or list");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 1, argv + 1);
	errorf("'%s' is not a journal command; see 'coursectl journal --help'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
