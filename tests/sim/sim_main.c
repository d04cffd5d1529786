/* tests/sim/sim_main.c -- canvas-sim's command line: options, seed, start, wait for SIGTERM.
 *
 *   canvas-sim --seed FILE [--port N] [--token T]... [options]   (see usage() or tests/sim/README.md)
 *
 * The first line on stdout is exactly "canvas-sim listening on http://127.0.0.1:PORT" (https://
 * with --https CERT KEY), flushed, so a harness can start it with --port 0 and read the port.
 * SIGTERM and SIGINT stop it cleanly.
 *
 * Memory (issue 18): each connection thread allocates in its own glibc arena, and an answer of a
 * big list (a few hundred kilobytes, freed right after sending) made the arena grow and shrink
 * with mprotect(2) on most requests (3,124 calls for tests/bench/plan.sh's 4,092). Fixed mmap and
 * trim thresholds and a 16 MB top pad keep the memory in the arenas between requests and grow them
 * in big steps.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sim_server.h"
#include "xalloc.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: canvas-sim --seed FILE [--port N] [--token T]... [--latency-ms N] [--jitter-ms N]\n"
		"                  [--fail-rate P] [--drop-rate P] [--throttle on|off|429] [--hwm 600]\n"
		"                  [--outflow 10] [--up-front 50] [--max 800] [--cost-get C] [--cost-write C]\n"
		"                  [--per-page-max 100] [--random-seed N] [--unauthorized-status 401|403]\n"
		"                  [--progress-delay-ms N] [--lowercase-link] [--endless-link] [--number-ids]\n"
		"                  [--threads N] [--https CERT KEY]\n");
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 65536 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			p = xrealloc(p, cap + 1);
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		free(p);
		fclose(f);
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	return p;
}

static int num_arg(const char *opt, const char *v, double lo, double hi, double *out)
{
	char *end;
	double d;

	if (!v) {
		fprintf(stderr, "canvas-sim: %s needs a value\n", opt);
		return -1;
	}
	d = strtod(v, &end);
	if (end == v || *end || d < lo || d > hi) {
		fprintf(stderr, "canvas-sim: %s: '%s' is not a number in %g..%g\n", opt, v, lo, hi);
		return -1;
	}
	*out = d;
	return 0;
}

int main(int argc, char **argv)
{
	static struct sim s;
	struct MHD_Daemon *d;
	const char **tokens = xcalloc((size_t)argc, sizeof(*tokens));
	int ntokens = 0, i, sig, rc = 0;
	char *json = NULL, err[256];
	sigset_t set;
	double v = 0; /* read after a failed num_arg too (the result then goes unused) */

	mallopt(M_MMAP_THRESHOLD, 16 << 20);   /* at most 32 MB: a thread arena's heap is 64 MB */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	sim_arena_hooks();   /* cJSON's hooks before any thread uses cJSON (sim_arena.c) */
	s.cfg.throttle = THROTTLE_403;
	s.cfg.bucket = (struct bucket_config)BUCKET_DEFAULTS;
	s.cfg.cost_get = 0.05;
	s.cfg.cost_write = 0.3;
	s.cfg.per_page_max = 100;
	s.cfg.random_seed = 1;
	s.cfg.unauthorized_status = 401;
	s.cfg.progress_delay_ms = 300;
	s.cfg.threads = 1;   /* the event loop (sim_server.c) */
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int r = 0, takes = 1;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "--seed")) {
			s.cfg.seed_path = val;
		} else if (!strcmp(a, "--token")) {
			if (val)
				tokens[ntokens++] = val;
		} else if (!strcmp(a, "--port")) {
			r = num_arg(a, val, 0, 65535, &v);
			s.cfg.port = (int)v;
		} else if (!strcmp(a, "--latency-ms")) {
			r = num_arg(a, val, 0, 600000, &v);
			s.cfg.latency_ms = (int)v;
		} else if (!strcmp(a, "--jitter-ms")) {
			r = num_arg(a, val, 0, 600000, &v);
			s.cfg.jitter_ms = (int)v;
		} else if (!strcmp(a, "--fail-rate")) {
			r = num_arg(a, val, 0, 1, &s.cfg.fail_rate);
		} else if (!strcmp(a, "--drop-rate")) {
			r = num_arg(a, val, 0, 1, &s.cfg.drop_rate);
		} else if (!strcmp(a, "--throttle")) {
			if (val && !strcmp(val, "on"))
				s.cfg.throttle = THROTTLE_403;
			else if (val && !strcmp(val, "off"))
				s.cfg.throttle = THROTTLE_OFF;
			else if (val && !strcmp(val, "429"))
				s.cfg.throttle = THROTTLE_429;
			else {
				fprintf(stderr, "canvas-sim: --throttle takes on, off or 429\n");
				r = -1;
			}
		} else if (!strcmp(a, "--hwm")) {
			r = num_arg(a, val, 1, 1e9, &s.cfg.bucket.hwm);
		} else if (!strcmp(a, "--outflow")) {
			r = num_arg(a, val, 0, 1e9, &s.cfg.bucket.outflow);
		} else if (!strcmp(a, "--up-front")) {
			r = num_arg(a, val, 0, 1e9, &s.cfg.bucket.up_front);
		} else if (!strcmp(a, "--max")) {
			r = num_arg(a, val, 1, 1e9, &s.cfg.bucket.maximum);
		} else if (!strcmp(a, "--cost-get")) {
			r = num_arg(a, val, 0, 1e6, &s.cfg.cost_get);
		} else if (!strcmp(a, "--cost-write")) {
			r = num_arg(a, val, 0, 1e6, &s.cfg.cost_write);
		} else if (!strcmp(a, "--per-page-max")) {
			r = num_arg(a, val, 1, 100000, &v);
			s.cfg.per_page_max = (int)v;
		} else if (!strcmp(a, "--random-seed")) {
			r = num_arg(a, val, 0, 4294967295.0, &v);
			s.cfg.random_seed = (unsigned)v;
		} else if (!strcmp(a, "--unauthorized-status")) {
			r = num_arg(a, val, 401, 403, &v);
			s.cfg.unauthorized_status = (int)v;
			if (v != 401 && v != 403) {
				fprintf(stderr, "canvas-sim: --unauthorized-status takes 401 or 403\n");
				r = -1;
			}
		} else if (!strcmp(a, "--progress-delay-ms")) {
			r = num_arg(a, val, 0, 600000, &v);
			s.cfg.progress_delay_ms = (int)v;
		} else if (!strcmp(a, "--threads")) {
			r = num_arg(a, val, 0, 1024, &v);
			s.cfg.threads = (int)v;
		} else if (!strcmp(a, "--lowercase-link")) {
			s.cfg.lowercase_link = 1;
			takes = 0;
		} else if (!strcmp(a, "--endless-link")) {
			s.cfg.endless_link = 1;
			takes = 0;
		} else if (!strcmp(a, "--number-ids")) {
			/* a Canvas that ignores Accept: ...+canvas-string-ids (t1104) */
			s.cfg.number_ids = 1;
			takes = 0;
		} else if (!strcmp(a, "--https")) {
			/* TLS with this PEM certificate and key (libmicrohttpd's GnuTLS): tests of coursectl's
			 * certificate checks (tests/e2e/t1120-tls.sh) */
			const char *key = i + 2 < argc ? argv[i + 2] : NULL;

			if (!val || !key) {
				fprintf(stderr, "canvas-sim: --https needs CERT and KEY (PEM files)\n");
				r = -1;
			} else if (s.cfg.tls_cert || !(s.cfg.tls_cert = read_file(val)) ||
				   !(s.cfg.tls_key = read_file(key))) {
				fprintf(stderr, "canvas-sim: --https: cannot read '%s' or '%s': %s\n", val, key,
					strerror(errno));
				r = -1;
			}
			i++;
		} else {
			fprintf(stderr, "canvas-sim: unknown option '%s'\n", a);
			usage(stderr);
			rc = 64;
			goto out;
		}
		if (r) {
			rc = 64;
			goto out;
		}
		if (takes) {
			if (!val) {
				fprintf(stderr, "canvas-sim: %s needs a value\n", a);
				rc = 64;
				goto out;
			}
			i++;
		}
	}
	if (!s.cfg.seed_path) {
		fprintf(stderr, "canvas-sim: --seed FILE is required\n");
		usage(stderr);
		rc = 64;
		goto out;
	}
	json = read_file(s.cfg.seed_path);
	if (!json) {
		fprintf(stderr, "canvas-sim: cannot read seed '%s': %s\n", s.cfg.seed_path, strerror(errno));
		rc = 1;
		goto out;
	}
	pthread_mutex_init(&s.lock, NULL);
	/* --token adds to the seed's tokens, and survives /__sim/reset and /__sim/seed */
	s.cfg.tokens = tokens;
	s.cfg.ntokens = ntokens;
	if (sim_load_seed(&s, json, err, sizeof(err))) {
		fprintf(stderr, "canvas-sim: seed '%s': %s\n", s.cfg.seed_path, err);
		rc = 1;
		goto out;
	}
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s.state, "tokens")))
		fprintf(stderr, "canvas-sim: warning: no tokens (seed \"tokens\" or --token): every API request will get 401\n");

	/* block the stop signals in every thread; main waits for them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sim_server_start(&s, &d)) {
		fprintf(stderr, "canvas-sim: cannot listen on 127.0.0.1:%d\n", s.cfg.port);
		rc = 1;
		goto out;
	}
	printf("canvas-sim listening on %s://127.0.0.1:%d\n", s.cfg.tls_cert ? "https" : "http", s.port);
	fflush(stdout);
	while (sigwait(&set, &sig) == 0 && sig != SIGTERM && sig != SIGINT)
		;
	sim_server_stop(d);
out:
	/* every exit frees what it has, so that LeakSanitizer stays quiet and keeps the exit code */
	free(tokens);
	free(json);
	free(s.cfg.tls_cert);
	free(s.cfg.tls_key);
	pthread_mutex_lock(&s.lock);
	sim_jobs_clear(&s);
	sim_admin_free(&s);
	bucket_table_clear(&s.buckets);
	cJSON_Delete(s.state);
	cJSON_Delete(s.seed);
	cJSON_Delete(s.progress);
	cJSON_Delete(s.notifications);
	cJSON_Delete(s.stats);
	sim_log_free(s.log);
	free(s.course_ix.ids);
	free(s.course_ix.courses);
	free(s.progress_ix.ids);
	free(s.progress_ix.courses);
	free(s.page_ix.objs);
	free(s.page_ix.by_id);
	sim_list_cache_free(&s);
	pthread_mutex_unlock(&s.lock);
	return rc;
}
