/* include/interrupt.h -- SIGINT and SIGTERM during a run that writes (apply, rollback, resume).
 *
 *   interrupt_install();          before the first write may leave
 *   ... http_run notices interrupt_pending() and stops submitting (http.c) ...
 *   interrupt_restore();          the default actions again, once the run has ended
 *
 * The first signal only sets a flag (nothing else is safe in a handler); the engine stops starting
 * requests, reads the answers in flight for a few seconds and abandons the rest, and the caller
 * journals what came back and exits 130. A second signal ends the process at once (_exit(130)):
 * every intent is fsync'ed before its request leaves, so a resume finds the journal whole.
 */
#ifndef COURSECTL_INTERRUPT_H
#define COURSECTL_INTERRUPT_H

/* Catch SIGINT and SIGTERM (sigaction, no SA_RESTART) and clear the flag. */
void interrupt_install(void);
/* Put back the actions interrupt_install found. The flag stays readable. */
void interrupt_restore(void);
/* The signal caught since interrupt_install (SIGINT or SIGTERM), or 0. */
int interrupt_pending(void);
/* "SIGINT", "SIGTERM" (static). */
const char *interrupt_name(int sig);

#endif
