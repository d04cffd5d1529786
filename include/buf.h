/* include/buf.h -- a growable byte buffer (git's strbuf, curl's dynbuf).
 *
 * Calling sequence
 *   struct buf b = BUF_INIT;       or buf_init(&b, max)  -- max 0 = unbounded
 *   buf_add(&b, p, n) / buf_puts / buf_printf ...
 *   b.ptr is always NUL-terminated (never NULL after the first add; "" before)
 *   buf_release(&b)                 frees and re-inits; buf_detach() hands the string over
 *
 * A buffer with a `max` refuses to grow past it: buf_add returns -1 and leaves it unchanged
 * (a bound on response bodies). Memory is otherwise infallible (xalloc.h).
 */
#ifndef COURSECTL_BUF_H
#define COURSECTL_BUF_H

#include <stddef.h>

struct buf {
	char *ptr;    /* NULL or malloced; NUL-terminated when not NULL */
	size_t len;
	size_t alloc;
	size_t max;   /* 0: no limit */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The contents, "" when empty; borrowed, valid until the next change. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);            /* len = 0, keeps memory */
void buf_release(struct buf *b);          /* frees, back to BUF_INIT (max kept) */
/* Hands the malloced string to the caller (who frees it) and re-inits the buffer. */
char *buf_detach(struct buf *b, size_t *len);

#endif
