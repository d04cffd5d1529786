/* runner/cmd_rollback.c -- `coursectl rollback JOURNAL`: undo what a journaled run did.
 *
 *   coursectl rollback JOURNAL [--dry-run] [--yes] [--force] [--journal FILE] [--format text|json]
 *                      [options]
 *
 * The journal's plan holds every change's full `before` and its records say which changes were
 * done or may have been (an intent without an outcome), so the undo never depends on Canvas's
 * own history (ARCHITECTURE.md "Durability"). exec_inverse_plan() turns that into a plan --
 * newest first, updates swapped, creates deleted, deletes re-created, moves reversed (its design
 * comment lists what a rollback cannot restore exactly) -- and the plan runs like any apply: the
 * stale check makes a value someone changed since the run a conflict (skipped and reported unless
 * --force), the writes are journaled in a journal of their own (header "run": "rollback",
 * "rollback_of": JOURNAL), so a rollback can itself be rolled back, and it takes the lock of the
 * journal it undoes, so it cannot run while that run is resumed.
 *
 * Exit 0 only when everything is undone: a change that fails, conflicts or stays in doubt, and an
 * undo step the plan skips (a create whose id the journal does not know), exit 1 with a last line
 * naming what is left and the command that goes on (apply_plan, cmd_apply.c "what is left").
 *
 * The journal must be the one the run wrote (journal_check: the plan in its header against the
 * header's plan_sha256, issue 13): an edited `before` would otherwise be written to Canvas as
 * "the value that was there". A mismatch stops the rollback, dry run included, before Canvas is
 * contacted.
 *
 * Idempotent (issue 16): before Canvas is contacted, the rollbacks this journal has had are looked
 * up (rollbacks.c: the rollback journals next to it and in the journal directory). One that undid
 * everything the journal's undo plan holds now: "already rolled back by J2 at T", nothing sent,
 * exit 0. One that undid part of it (stopped, conflicts, interrupted): the rollback finishes that
 * one -- `apply --resume J2`'s run, in J2's own journal, so what J2 did is not done twice and a
 * re-created object is not created again -- and says so. Else a new rollback as before.
 *
 * --dry-run shows the rollback as a plan diff (render_text, or the plan JSON with --format json)
 * and touches neither Canvas nor any journal. The rollback runs against the Canvas the journal was
 * written for only (its base URL; --url must agree).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "buf.h"
#include "canvas.h"
#include "cmd.h"
#include "config.h"
#include "exec.h"
#include "exitcode.h"
#include "journal.h"
#include "msg.h"
#include "plan.h"
#include "render.h"
#include "rollbacks.h"
#include "xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp, "usage: coursectl rollback JOURNAL [--dry-run] [--yes] [--force] [--journal FILE]\n"
		    "                          [--format text|json] [options]\n");
	if (fp != stdout)
		return;
	fprintf(fp, "\nUndoes the changes a run of apply (or rollback) made, newest first: values are written\n"
		    "back, created objects deleted, deleted ones re-created, moves reversed. A value changed\n"
		    "in Canvas since the run is a conflict and left alone unless --force.\n\n"
		    "   --dry-run              show the rollback as a plan; change nothing\n"
		    "   --yes                  do not ask (required when standard input is not a terminal)\n"
		    "   --force                write over values changed since the run\n"
		    "   --journal FILE         the rollback's own journal (default: the journals directory)\n"
		    "   --format FORMAT        text (default) or json\n"
		    CONFIG_OPTIONS_HELP);
}

/* Has journal `path` (read: l) been rolled back before (rollbacks.c)? 0: no (or the earlier
 * rollbacks do not cover what is to undo now): roll back as usual. 1: completely, by J2: said so
 * (text on stdout, or a JSON document), *rc = 0, nothing is sent. 2: partly, by J2: said so, and
 * *prior is J2's journal read, for the caller to finish (malloced: journal_log_free). */
static int rollback_done_before(const char *path, const struct journal_log *l, const struct apply_opts *ao,
				struct journal_log **prior, int *rc)
{
	struct rollback_ref *r = NULL;
	struct plan *undo = NULL;
	struct err e = ERR_INIT;
	const struct rollback_ref *by;
	size_t n = 0;
	int what = 0;

	if (rollbacks_find(path, &r, &n, &e) || !n || exec_inverse_plan(&undo, l, &e))
		goto out;
	if (!undo->nchanges && !undo->nskipped)
		goto out;       /* nothing to undo: said so as before */
	if ((by = rollbacks_covering(undo, r, n, 1))) {
		if (ao->json) {
			cJSON *doc = cJSON_CreateObject();
			char *s;

			cJSON_AddStringToObject(doc, "format", "coursectl-apply-result");
			cJSON_AddNumberToObject(doc, "version", 1);
			cJSON_AddStringToObject(doc, "run", "rollback");
			cJSON_AddNullToObject(doc, "journal");
			cJSON_AddStringToObject(doc, "already_rolled_back_by", by->path);
			cJSON_AddStringToObject(doc, "rolled_back_at", by->created_at);
			s = cJSON_Print(doc);
			if (s)
				printf("%s\n", s);
			free(s);
			cJSON_Delete(doc);
		} else {
			printf("Already rolled back: %s was rolled back by %s at %s (%zu change%s); nothing was sent\n",
			       path, by->path, by->created_at, by->done, by->done == 1 ? "" : "s");
		}
		*rc = EXIT_OK;
		what = 1;
	} else if ((by = rollbacks_covering(undo, r, n, 0))) {
		struct err re = ERR_INIT;

		if (journal_read(prior, by->path, &re)) {
			warnf("%s was partly rolled back by %s, which cannot be read (%s); rolling back anew", path,
			      by->path, re.msg);
			goto out;
		}
		notef("%s was partly rolled back by %s at %s (%zu of %zu changes undone); finishing that rollback in "
		      "its journal", path, by->path, by->created_at, by->done, by->changes);
		if (ao->journal)
			warnf("--journal %s is not used: the rollback goes on in %s", ao->journal, by->path);
		what = 2;
	}
out:
	plan_free(undo);
	rollbacks_free(r, n);
	return what;
}

int cmd_rollback(int argc, char **argv)
{
	struct config cfg = CONFIG_INIT;
	struct err err = ERR_INIT;
	struct journal_log *log = NULL, *prior = NULL;
	struct plan *inv = NULL;
	struct canvas *cv = NULL;
	struct apply_opts ao = APPLY_OPTS_INIT;
	struct render_opts ro = RENDER_OPTS_INIT;
	struct buf out = BUF_INIT;
	const char *path = NULL, *nc = getenv("NO_COLOR");
	char **left = NULL;
	size_t nleft = 0, k;
	int i, rc, dry = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			dry = 1;
		} else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
			ao.yes = 1;
		} else if (!strcmp(a, "--force")) {
			ao.force = 1;
		} else if (!strcmp(a, "--journal") || !strcmp(a, "--format")) {
			if (i + 1 >= argc) {
				err_set(&err, ERR_USAGE, "option '%s' needs a value", a);
				goto done;
			}
			if (!strcmp(a, "--journal")) {
				ao.journal = argv[++i];
			} else if (!strcmp(argv[++i], "json")) {
				ao.json = 1;
			} else if (strcmp(argv[i], "text")) {
				err_set(&err, ERR_USAGE, "--format takes text or json, not '%s'", argv[i]);
				goto done;
			}
		} else if (a[0] == '-' && a[1]) {
			rc = config_parse_option(&cfg, argc, argv, &i, &err);
			if (rc < 0)
				goto done;
			if (rc == 0) {
				err_set(&err, ERR_USAGE, "unknown option '%s' for rollback", a);
				goto done;
			}
		} else if (!path) {
			path = a;
		} else {
			err_set(&err, ERR_USAGE, "rollback takes one journal; '%s' is a second", a);
			goto done;
		}
	}
	if (!path) {
		err_set(&err, ERR_USAGE, "rollback needs the journal of the run to undo");
		goto done;
	}
	if (journal_read(&log, path, &err) || journal_check(log, &err))
		goto done;
	if (dry) {
		if (exec_inverse_plan(&inv, log, &err))
			goto done;
		if (ao.json) {
			cJSON *doc = plan_to_json(inv);
			char *s = cJSON_Print(doc);

			buf_puts(&out, s ? s : "");
			buf_putc(&out, '\n');
			free(s);
			cJSON_Delete(doc);
		} else {
			ro.color = isatty(STDOUT_FILENO) && !(nc && *nc);
			render_text(inv, &out, &ro);
		}
		if (out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len)
			err_set(&err, ERR_IO, "cannot write the rollback plan to standard output");
		goto done;
	}
	switch (rollback_done_before(path, log, &ao, &prior, &rc)) {
	case 1:
		goto out;       /* already rolled back: reported */
	case 2:
		goto finish;    /* finish the partial rollback prior */
	default:
		break;
	}
	/* a create whose answer the run lost has no id in the journal: look for what its POST may have
	 * made (exec_lost.c) before the undo is planned, so the undo deletes it */
	if (config_resolve(&cfg, log->plan->base_url, NULL, &err) || canvas_new(&cv, &cfg, &err) ||
	    apply_check_base(cv, log->plan, path, &err) || apply_lock_courses(&ao.lock, log->plan, NULL, &err) ||
	    exec_wait_jobs(cv, log, &err) ||
	    exec_find_lost_creates(cv, log, (cfg.timeout_ms > 0 ? (double)cfg.timeout_ms : 120000.0) / 1000.0, &left,
				   &nleft, &err) ||
	    exec_inverse_plan(&inv, log, &err))
		goto done;
	if (!ao.json) {
		ro.color = isatty(STDOUT_FILENO) && !(nc && *nc);
		render_text(inv, &out, &ro);
		if (out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len) {
			err_set(&err, ERR_IO, "cannot write the rollback plan to standard output");
			goto done;
		}
		fflush(stdout);
	}
	if (!inv->nchanges && !inv->nskipped) {
		if (!nleft)
			notef("nothing to roll back: %s has no done or in-doubt changes", path);
		goto done;
	}
	/* a plan of skipped undo steps only still runs: its summary says what is left, and exits 1 */
	ao.run = "rollback";
	ao.rollback_of = path;
	rc = apply_plan(cv, inv, &ao);
	goto out;
finish:
	/* as `apply --resume J2` does: wait for its jobs, find its lost creates, then run its plan */
	if (journal_check(prior, &err) || config_resolve(&cfg, prior->plan->base_url, NULL, &err) ||
	    canvas_new(&cv, &cfg, &err) || apply_check_base(cv, prior->plan, prior->path, &err) ||
	    apply_lock_courses(&ao.lock, prior->plan, NULL, &err) || exec_wait_jobs(cv, prior, &err) ||
	    exec_find_lost_creates(cv, prior, (cfg.timeout_ms > 0 ? (double)cfg.timeout_ms : 120000.0) / 1000.0,
				   &left, &nleft, &err))
		goto done;
	ao.run = "rollback";
	ao.rollback_of = path;
	ao.resume = prior;
	rc = apply_plan(cv, prior->plan, &ao);
	goto out;
done:
	rc = err_exit_code(&err);
	if (err.code) {
		errorf("%s", err.msg);
		if (err.code == ERR_USAGE && !path)
			usage(stderr);
	}
out:
	if (nleft) {
		/* creates whose POST may have made an object we could not find for sure: say what may be
		 * left, last, and never exit 0 (issue 13) */
		for (k = 0; k < nleft; k++)
			errorf("may be left in Canvas: %s", left[k]);
		if (rc == EXIT_OK)
			rc = EXIT_ERROR;
		if (!ao.json)
			printf("Not rolled back: %zu object%s a lost POST may have made; delete %s by hand, or run "
			       "`coursectl rollback %s` again later\n", nleft, nleft == 1 ? "" : "s",
			       nleft == 1 ? "it" : "them", path);
	}
	for (k = 0; k < nleft; k++)
		free(left[k]);
	free(left);
	journal_log_free(prior);
	courselock_free(ao.lock);
	buf_release(&out);
	plan_free(inv);
	journal_log_free(log);
	canvas_free(cv);
	config_release(&cfg);
	return rc;
}
