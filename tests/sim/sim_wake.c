/* tests/sim/sim_wake.c -- a thread that resumes suspended connections when they are due.
 *
 * canvas-sim sleeps inside a request in three places: --latency-ms (and its jitter), a scripted
 * "delay", and a scripted "trickle_ms" answer that sends a byte every N ms. With a thread per
 * connection the connection's thread sleeps. In the event loop (--threads N, the default:
 * sim_server.c says why) a sleep would stop every connection of that loop, so the request is
 * suspended instead (MHD_suspend_connection, from the access handler or the content reader, the
 * two places libmicrohttpd allows it) and handed here with the time it is due; this thread calls
 * MHD_resume_connection then, and libmicrohttpd calls the handler (or the reader) again. Sleeping
 * requests so still overlap as they do on Canvas: 32 parallel clients at 100 ms of latency are
 * answered together, not one after another (max_concurrent 32).
 *
 * The waiting connections are a binary min-heap on the due time, under one mutex, with a condition
 * variable on CLOCK_MONOTONIC that the thread waits on until the earliest is due or a new earliest
 * arrives. It also runs calls at a time (sim_wake_call): a request whose client left while it slept
 * is dropped by libmicrohttpd when resumed, and finishes here (sim_server.c, call_detached). At
 * the end the thread is stopped first (sim_wake_stop: nothing is taken after), then the daemon,
 * which closes the connections still suspended, and then the rest is freed (sim_wake_free).
 */
#include "sim_wake.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "xalloc.h"

struct waiting {
	double at;
	struct MHD_Connection *c;   /* resumed; or, when NULL, fn(arg) is called */
	void (*fn)(void *arg);
	void *arg;
};

struct sim_wake {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct waiting *heap;
	size_t n, cap;
	int stop;
};

double sim_wake_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void heap_push(struct sim_wake *w, struct waiting e)
{
	size_t i;

	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->heap = xrealloc(w->heap, w->cap * sizeof(*w->heap));
	}
	for (i = w->n++; i > 0 && w->heap[(i - 1) / 2].at > e.at; i = (i - 1) / 2)
		w->heap[i] = w->heap[(i - 1) / 2];
	w->heap[i] = e;
}

static struct waiting heap_pop(struct sim_wake *w)
{
	struct waiting top = w->heap[0], last = w->heap[--w->n];
	size_t i = 0, k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= w->n)
			break;
		if (k + 1 < w->n && w->heap[k + 1].at < w->heap[k].at)
			k++;
		if (w->heap[k].at >= last.at)
			break;
		w->heap[i] = w->heap[k];
		i = k;
	}
	if (w->n)
		w->heap[i] = last;
	return top;
}

static void *run(void *arg)
{
	struct sim_wake *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		double now = sim_wake_now();

		if (!w->n) {
			pthread_cond_wait(&w->cv, &w->mu);
		} else if (w->heap[0].at <= now) {
			struct waiting e = heap_pop(w);

			pthread_mutex_unlock(&w->mu);
			if (e.c)
				MHD_resume_connection(e.c);
			else
				e.fn(e.arg);
			pthread_mutex_lock(&w->mu);
		} else {
			struct timespec ts;
			double at = w->heap[0].at;

			ts.tv_sec = (time_t)at;
			ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
			pthread_cond_timedwait(&w->cv, &w->mu, &ts);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Ownership: the result is the caller's, released with sim_wake_stop(). */
struct sim_wake *sim_wake_start(void)
{
	struct sim_wake *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;

	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&w->thread, NULL, run, w)) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

static int push(struct sim_wake *w, struct waiting e)
{
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	heap_push(w, e);
	if (w->heap[0].at == e.at)   /* maybe a new earliest: the thread's wait ends sooner */
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

void sim_wake_at(struct sim_wake *w, struct MHD_Connection *c, double at)
{
	(void)push(w, (struct waiting){ at, c, NULL, NULL });   /* stopped: the daemon closes c */
}

int sim_wake_call(struct sim_wake *w, void (*fn)(void *arg), void *arg, double at)
{
	return w ? push(w, (struct waiting){ at, NULL, fn, arg }) : -1;
}

void sim_wake_stop(struct sim_wake *w)
{
	if (!w || w->stop)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
}

void sim_wake_free(struct sim_wake *w)
{
	if (!w)
		return;
	sim_wake_stop(w);
	/* calls still waiting run now, early (a request finishing without its client): they free what
	 * they hold; their connections' daemon is gone */
	while (w->n) {
		struct waiting e = heap_pop(w);

		if (!e.c)
			e.fn(e.arg);
	}
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->heap);
	free(w);
}
