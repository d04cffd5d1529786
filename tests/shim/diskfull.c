/* tests/shim/diskfull.c -- an LD_PRELOAD library that makes one file's disk fill up (issue 17,
 * "Faults": disk full or an unwritable journal). Built as $(BUILD)/tests/shim/diskfull.so; used by
 * tests/e2e/t1110-faults.sh. Not linked into anything.
 *
 *   DISKFULL_PATH=FILE      the file whose writes fail (compared with the target of
 *                           /proc/self/fd/N, so give an absolute path without symlinks)
 *   DISKFULL_LINES=N        let the writes of N lines through (default 0); the next write gets
 *                           half of its bytes written and every call after it ENOSPC, as a
 *                           filling disk does (a short write, then the error)
 *   DISKFULL_SYNC=1         let every write through, but fail fsync/fdatasync with EIO once more
 *                           than N lines were written (the kernel dropping dirty pages)
 *
 * Why a shim: the tests run unprivileged in spirit (no tmpfs mount, and as root a mode-0500
 * directory does not stop a write), /dev/full cannot be a journal (a journal is created with
 * O_EXCL), and a test hook in coursectl would put test code into the binary. The shim changes only
 * the one file's writes and syncs; everything else passes to libc (dlsym RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static long lines_seen;
static int failing;

static int is_target(int fd)
{
	const char *want = getenv("DISKFULL_PATH");
	char link[64], got[PATH_MAX];
	ssize_t n;

	if (!want || !*want || fd < 0)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, got, sizeof got - 1);
	if (n < 0)
		return 0;
	got[n] = 0;
	return strcmp(got, want) == 0;
}

static long limit(void)
{
	const char *s = getenv("DISKFULL_LINES");

	return s ? strtol(s, NULL, 10) : 0;
}

static int sync_mode(void)
{
	const char *s = getenv("DISKFULL_SYNC");

	return s && *s == '1';
}

ssize_t write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t i;

	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (!is_target(fd))
		return real_write(fd, buf, len);
	if (!sync_mode()) {
		if (failing) {
			errno = ENOSPC;
			return -1;
		}
		if (lines_seen >= limit()) {
			failing = 1;
			if (len > 1)   /* a short write first, as a filling disk gives */
				return real_write(fd, buf, len / 2);
			errno = ENOSPC;
			return -1;
		}
	}
	for (i = 0; i < len; i++)
		if (p[i] == '\n')
			lines_seen++;
	return real_write(fd, buf, len);
}

static int sync_fails(int fd)
{
	return sync_mode() && is_target(fd) && lines_seen > limit();
}

int fsync(int fd)
{
	if (!real_fsync)
		real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (sync_fails(fd)) {
		errno = EIO;
		return -1;
	}
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	if (!real_fdatasync)
		real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	if (sync_fails(fd)) {
		errno = EIO;
		return -1;
	}
	return real_fdatasync(fd);
}
