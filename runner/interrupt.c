/* runner/interrupt.c -- SIGINT and SIGTERM during a run that writes (include/interrupt.h).
 *
 * Issue 16: Ctrl-C during apply killed coursectl silently, with requests in flight whose answers
 * were never journaled and no word on what to do next. Now the first signal sets a volatile
 * sig_atomic_t flag and nothing else (the only safe work in a handler); the HTTP engine polls it
 * at least every 200 ms (http_run's loop), stops submitting, lets the requests in flight finish
 * for a bounded time and abandons the rest (their intents are fsync'ed already: "in doubt" for
 * resume), and apply_plan prints what was done and in doubt and exits 130 (exitcode.h). A second
 * signal is a person who will not wait: the handler writes one line with write(2) and _exit(130)s,
 * both async-signal-safe; the journal is whole up to its last fsync (a torn last line is forgiven
 * by the reader), so resume and rollback work from it as after a crash.
 *
 * SIGTERM is treated as SIGINT (a CI job cancelled, a terminal closed by a supervisor): the same
 * orderly stop and the same exit code, so scripts branch on one "interrupted" code.
 * The handlers are installed only around the writes (apply_plan): planning, reading and the y/N
 * question keep the default actions, since nothing there needs finishing.
 *
 * Rejected: signalfd or a self-pipe in the curl loop (curl_multi_poll already wakes at least every
 * 200 ms, and a flag is all the loop needs); SA_RESTART (a restarted poll would delay the stop);
 * SA_RESETHAND for the second signal (the process would die by the signal, 128+2 for SIGINT but
 * 128+15 for SIGTERM, and without the line saying why).
 */
#include "interrupt.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"

static volatile sig_atomic_t caught;
static struct sigaction old_int, old_term;
static int installed;

static void on_signal(int sig)
{
	static const char msg[] = "\ncoursectl: aborted at once (second signal); the journal holds every "
				  "intent: resume or roll back from it\n";

	if (caught) {
		ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

		(void)n;
		_exit(EXIT_INTERRUPTED);
	}
	caught = sig;
}

void interrupt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	caught = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	installed = 1;
}

void interrupt_restore(void)
{
	if (!installed)
		return;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	installed = 0;
}

int interrupt_pending(void)
{
	return caught;
}

const char *interrupt_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "a signal";
}
