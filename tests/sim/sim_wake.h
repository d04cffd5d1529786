/* tests/sim/sim_wake.h -- resume suspended libmicrohttpd connections when they are due (sim_wake.c). */
#ifndef SIM_WAKE_H
#define SIM_WAKE_H

#include <microhttpd.h>

struct sim_wake;

/* Starts the waking thread. Returns NULL when it cannot be started. Stop with sim_wake_stop(). */
struct sim_wake *sim_wake_start(void);
/* Resume c (suspended by the caller, MHD_suspend_connection) at `at`, in CLOCK_MONOTONIC seconds. */
void sim_wake_at(struct sim_wake *w, struct MHD_Connection *c, double at);
/* Call fn(arg) on the waking thread at `at`. Returns 0, or -1 when w is NULL or stopped (then
 * fn is never called: the caller cleans up). */
int sim_wake_call(struct sim_wake *w, void (*fn)(void *arg), void *arg, double at);
/* The CLOCK_MONOTONIC time in seconds (the clock of sim_wake_at). */
double sim_wake_now(void);
/* Stops the thread: nothing is resumed or called after, nor taken (a connection handed to
 * sim_wake_at then stays suspended for MHD_stop_daemon to close). Before MHD_stop_daemon. NULL or
 * stopped: nothing. */
void sim_wake_stop(struct sim_wake *w);
/* Stops the thread if it runs, makes the calls still waiting at once (sim_wake_call: they are
 * stopped now) and frees w. NULL: nothing. After MHD_stop_daemon. */
void sim_wake_free(struct sim_wake *w);

#endif
