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

#endif
