/* tests/unit/unit-buf.c -- the growable buffer of runner/buf.c (include/buf.h).
 *
 * The contract the HTTP layer relies on: ptr is NUL-terminated after every change; a buffer with
 * a maximum refuses an append that would pass it and stays exactly as it was (a bound on
 * response bodies); buf_printf formats in place; buf_detach hands over the string and leaves
 * an empty buffer that keeps its maximum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void test_empty(void **state)
{
	struct buf b = BUF_INIT;
	char *s;
	size_t len = 99;

	(void)state;
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	assert_null(b.ptr);
	/* detaching an empty buffer gives an empty malloced string */
	s = buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	buf_release(&b);
	buf_release(&b);
}

static void test_add_and_grow(void **state)
{
	struct buf b = BUF_INIT;
	int i;

	(void)state;
	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(buf_putc(&b, ' '), 0);
	assert_int_equal(buf_add(&b, "world!!!", 5), 0);
	assert_string_equal(buf_str(&b), "hello world");
	assert_int_equal(b.len, 11);
	assert_true(b.alloc > b.len);
	/* binary data with NULs; the terminator is still there */
	assert_int_equal(buf_add(&b, "\0x", 2), 0);
	assert_int_equal(b.len, 13);
	assert_int_equal(b.ptr[11], '\0');
	assert_int_equal(b.ptr[12], 'x');
	assert_int_equal(b.ptr[13], '\0');
	/* many appends */
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_putc(&b, 'a'), 0);
	assert_int_equal(b.len, 10013);
	assert_int_equal(b.ptr[b.len], '\0');
	/* adding nothing is fine, even from NULL */
	assert_int_equal(buf_add(&b, NULL, 0), 0);
	assert_int_equal(b.len, 10013);
	buf_release(&b);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
}

static void test_printf(void **state)
{
	struct buf b = BUF_INIT;
	char big[3000];

	(void)state;
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
	assert_int_equal(buf_printf(&b, "|%05.1f|", 3.14159), 0);
	assert_string_equal(buf_str(&b), "42-x|003.1|");
	assert_int_equal(b.len, strlen("42-x|003.1|"));
	/* longer than the first allocation */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, 11 + 3001);
	assert_int_equal(b.ptr[b.len - 1], '>');
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 11 + 3001);
	buf_release(&b);
}

static void test_bounded_refuses(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "0123456789"), 0);   /* exactly max */
	assert_int_equal(b.len, 10);
	/* one more byte is refused and changes nothing */
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_int_equal(buf_puts(&b, "abc"), -1);
	assert_int_equal(buf_printf(&b, "%d", 7), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "0123456789");
	/* an empty add still fits */
	assert_int_equal(buf_add(&b, "", 0), 0);
	buf_release(&b);
	assert_int_equal(b.max, 10);   /* release keeps the bound */

	/* a single append larger than max, into an empty buffer */
	assert_int_equal(buf_puts(&b, "0123456789A"), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	/* a partial fit is refused whole */
	assert_int_equal(buf_puts(&b, "01234"), 0);
	assert_int_equal(buf_puts(&b, "567890"), -1);
	assert_string_equal(buf_str(&b), "01234");
	assert_int_equal(buf_printf(&b, "%s", "56789"), 0);
	assert_string_equal(buf_str(&b), "0123456789");
	buf_release(&b);
}

static void test_bounded_large(void **state)
{
	struct buf b;
	char chunk[1000];
	int i, refused = 0;

	(void)state;
	memset(chunk, 'z', sizeof(chunk));
	buf_init(&b, 32u << 10);
	for (i = 0; i < 100; i++)
		if (buf_add(&b, chunk, sizeof(chunk)))
			refused++;
	assert_int_equal(b.len, 32000);
	assert_int_equal(refused, 68);
	assert_int_equal(b.ptr[b.len], '\0');
	buf_release(&b);
}

static void test_reset(void **state)
{
	struct buf b = BUF_INIT;
	size_t alloc;

	(void)state;
	buf_reset(&b);   /* on a never-used buffer */
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "something long enough");
	alloc = b.alloc;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.alloc, alloc);   /* keeps its memory */
	buf_puts(&b, "again");
	assert_string_equal(buf_str(&b), "again");
	buf_release(&b);
}

static void test_detach(void **state)
{
	struct buf b;
	char *s;
	size_t len = 0;

	(void)state;
	buf_init(&b, 100);
	buf_puts(&b, "payload");
	s = buf_detach(&b, &len);
	assert_string_equal(s, "payload");
	assert_int_equal(len, 7);
	/* the buffer is empty again, with its bound */
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "next");
	assert_string_equal(buf_str(&b), "next");
	free(s);
	s = buf_detach(&b, NULL);
	assert_string_equal(s, "next");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_bounded_refuses),
		cmocka_unit_test(test_bounded_large),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_detach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
