/* tests/fuzz/fuzz-journal.c -- libFuzzer target: arbitrary bytes as a journal file through
 * journal_read() and journal_check() (runner/journal.c), what `apply --resume`, `rollback` and
 * `journal show` do first with a journal found on disk.
 *
 * A journal is JSON lines: a header (the run and its whole plan, read by plan_from_json) and one
 * record per intent, outcome, adoption or job. journal_read takes a path, so each input is written
 * to one file in a private temporary directory (made once, removed at exit). What it checks: the
 * reader never crashes, leaks or hits undefined behaviour, whatever the lines (a torn last line
 * is tolerated, anything else refused with a message); success means a log with a plan.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "journal.h"
#include "plan.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/coursectl-fuzz-journal-XXXXXX";
static char path[sizeof(dir) + 16];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/run.jsonl", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_log *l = NULL;
	struct err err = ERR_INIT;
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	if (journal_read(&l, path, &err) == 0) {
		if (!l || !l->plan)
			abort();
		err = (struct err)ERR_INIT;
		(void)journal_check(l, &err);
		journal_log_free(l);
	} else if (l || !err.msg[0]) {
		abort();
	}
	return 0;
}
