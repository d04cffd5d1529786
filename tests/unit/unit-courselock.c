/* tests/unit/unit-courselock.c -- one run at a time per course (include/courselock.h): a course
 * another process holds is ERR_LOCKED naming that process, and nothing is taken; courses by number
 * only; the claims go with courselock_free and with the process (a dead run's claim file is removed
 * by the next taker); per Canvas, under the state directory; linear in the courses. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "courselock.h"
#include "err.h"
#include "xalloc.h"

static char dir[] = "/tmp/unit-courselock.XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	setenv("XDG_STATE_HOME", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc;

	(void)state;
	rc = system(cmd);
	free(cmd);
	return rc ? -1 : 0;
}

/* A child that takes course `id` of base, tells the parent through a pipe, and waits for a byte on
 * another before it exits. */
struct holder {
	pid_t pid;
	int go;                   /* write a byte: the child lets go and exits */
};

static struct holder hold(const char *base, const char *id)
{
	int ready[2], release[2];
	struct holder h;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(release), 0);
	h.pid = fork();
	assert_true(h.pid >= 0);
	if (!h.pid) {
		struct courselock *l = NULL;
		struct err err = ERR_INIT;

		close(ready[0]);
		close(release[1]);
		if (courselock_open(&l, base, &err) || !l || courselock_take(l, &id, 1, &err))
			_exit(2);
		c = 'y';
		if (write(ready[1], &c, 1) != 1)
			_exit(3);
		if (read(release[0], &c, 1) < 0)
			_exit(4);
		_exit(0);   /* no courselock_free: the kernel drops the lock with the process */
	}
	close(ready[1]);
	close(release[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	h.go = release[1];
	return h;
}

static void let_go(struct holder h)
{
	int status = 0;

	assert_int_equal(write(h.go, "x", 1), 1);
	close(h.go);
	assert_int_equal(waitpid(h.pid, &status, 0), h.pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* take1: courselock_take of one id */
static int take1(struct courselock *l, const char *id, struct err *err)
{
	return courselock_take(l, &id, 1, err);
}

/* The claim files (*.run) of dir/coursectl/locks. */
static int claims(void)
{
	char *locks = xasprintf("%s/coursectl/locks", dir);
	DIR *d = opendir(locks);
	struct dirent *de;
	int n = 0;

	free(locks);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		n += len > 4 && !strcmp(de->d_name + len - 4, ".run");
	}
	closedir(d);
	return n;
}

static void test_another_process_holds_a_course(void **state)
{
	static const char *const both[] = { "4820", "4821" };
	struct courselock *l = NULL;
	struct err err = ERR_INIT;
	struct holder h;
	char want[64];

	(void)state;
	h = hold("https://canvas.example.edu/", "4821");
	assert_int_equal(claims(), 1);
	assert_int_equal(courselock_open(&l, "https://CANVAS.example.edu", &err), 0);   /* the same Canvas */
	assert_non_null(l);
	assert_int_equal(take1(l, "4821", &err), ERR_LOCKED);
	snprintf(want, sizeof(want), "(process %ld)", (long)h.pid);
	assert_non_null(strstr(err.msg, "course 4821 is being changed by another coursectl run"));
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "nothing was changed"));
	assert_false(courselock_held(l, "4821"));
	/* all or none: 4820 is not taken with 4821 refused */
	err_clear(&err);
	assert_int_equal(courselock_take(l, both, 2, &err), ERR_LOCKED);
	assert_false(courselock_held(l, "4820"));
	/* its neighbours are free */
	err_clear(&err);
	assert_int_equal(take1(l, "4820", &err), 0);
	assert_int_equal(take1(l, "4822", &err), 0);
	assert_true(courselock_held(l, "4820"));
	assert_int_equal(claims(), 2);
	/* the holder dies without letting go (as kill -9): its claim no longer counts, and goes */
	let_go(h);
	assert_int_equal(take1(l, "4821", &err), 0);
	assert_true(courselock_held(l, "4821"));
	assert_int_equal(claims(), 1);
	/* taken again: nothing new */
	assert_int_equal(courselock_take(l, both, 2, &err), 0);
	courselock_free(l);
	assert_int_equal(claims(), 0);
}

/* What a child process gets when it takes course id of base: 0 taken, 1 ERR_LOCKED, 2 otherwise. */
static int in_child(const char *base, const char *id)
{
	pid_t pid = fork();
	int status = 0;

	assert_true(pid >= 0);
	if (!pid) {
		struct courselock *c = NULL;
		struct err e = ERR_INIT;
		int rc = courselock_open(&c, base, &e) ? -1 : courselock_take(c, &id, 1, &e);

		courselock_free(c);
		_exit(rc == 0 ? 0 : rc == ERR_LOCKED ? 1 : 2);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_free_lets_go_and_canvases_are_apart(void **state)
{
	struct courselock *l = NULL;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(courselock_open(&l, "https://canvas.example.edu", &err), 0);
	assert_int_equal(take1(l, "900719925474099312", &err), 0);   /* 18 digits */
	assert_true(courselock_held(l, "900719925474099312"));
	/* another process sees it held; on another Canvas the same id is free */
	assert_int_equal(in_child("https://canvas.example.edu", "900719925474099312"), 1);
	assert_int_equal(in_child("https://other.example.edu", "900719925474099312"), 0);
	courselock_free(l);
	/* freed: another process takes it */
	assert_int_equal(in_child("https://canvas.example.edu/", "900719925474099312"), 0);
}

static void test_only_numbers_and_many(void **state)
{
	static const char *const odd[] = { "sis_course_id:PHYS-101", "", "1234567890123456789", "12a", NULL };
	struct courselock *l = NULL;
	struct err err = ERR_INIT;
	struct stat st;
	const char **many;
	char *locks;
	size_t i;

	(void)state;
	assert_int_equal(courselock_open(&l, "https://canvas.example.edu", &err), 0);
	/* a SIS form, an empty, too long or odd id: not taken, not an error (taken once numbered) */
	assert_int_equal(courselock_take(l, odd, 5, &err), 0);
	for (i = 0; i < 4; i++)
		assert_false(courselock_held(l, odd[i]));
	assert_int_equal(claims(), 0);
	assert_false(courselock_held(NULL, "1"));
	assert_int_equal(take1(NULL, "1", &err), 0);
	/* 20,000 scattered courses in one take, and another process refused on the last */
	many = xcalloc(20000, sizeof(*many));
	for (i = 0; i < 20000; i++)
		many[i] = xasprintf("%zu", 1000003 * i + 7919 * (i % 13) + 17);
	assert_int_equal(courselock_take(l, many, 20000, &err), 0);
	for (i = 0; i < 20000; i++)   /* the held set (numbers, not text) past its growths */
		assert_true(courselock_held(l, many[i]));
	assert_false(courselock_held(l, "16"));
	assert_false(courselock_held(l, "1000020"));
	/* ids compare as their text: a leading zero is another id, held apart */
	assert_false(courselock_held(l, "017"));
	assert_int_equal(take1(l, "04821", &err), 0);
	assert_true(courselock_held(l, "04821"));
	assert_false(courselock_held(l, "4821"));
	assert_int_equal(take1(l, "4821", &err), 0);
	assert_true(courselock_held(l, "4821"));
	assert_int_equal(take1(l, "0", &err), 0);
	assert_true(courselock_held(l, "0"));
	assert_false(courselock_held(l, "00"));
	assert_int_equal(in_child("https://canvas.example.edu", many[19999]), 1);
	for (i = 0; i < 20000; i++)
		free((char *)many[i]);
	free(many);
	/* the directory beside the journals, mode 0700 */
	locks = xasprintf("%s/coursectl/locks", dir);
	assert_int_equal(stat(locks, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	free(locks);
	courselock_free(l);
	courselock_free(NULL);
	assert_int_equal(err.code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_another_process_holds_a_course),
		cmocka_unit_test(test_free_lets_go_and_canvases_are_apart),
		cmocka_unit_test(test_only_numbers_and_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
