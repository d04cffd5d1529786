/* include/sha256.h -- SHA-256 (FIPS 180-4), for recipe and plan digests.
 * Hand-written because none of our fixed libraries exposes a hash (libcurl's is internal), and a
 * crypto library for one digest of a kilobyte file is a poor trade. Checked against the FIPS
 * test vectors in tests/unit/unit-recipe-core.c. */
#ifndef COURSECTL_SHA256_H
#define COURSECTL_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The lowercase hex digest of p[0..n) into out[65]. */
void sha256_hex(const void *p, size_t n, char out[65]);

/* The same digest of bytes given a piece at a time (a plan file printed change by change):
 *   struct sha256 c;  sha256_init(&c);  sha256_update(&c, p, n)...;  sha256_final_hex(&c, out); */
struct sha256 {
	uint32_t h[8];
	uint64_t n;                 /* bytes so far */
	unsigned char buf[64];      /* the last partial block */
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final_hex(struct sha256 *c, char out[65]);

#endif
