/* tests/unit/unit-courselock.c -- one run at a time per course (include/courselock.h): a course
 * another process holds is ERR_LOCKED naming that process; courses by number only; the locks go
 * with courselock_free and with the process; one file per Canvas, under the state directory. */
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
		if (courselock_open(&l, base, &err) || !l || courselock_take(l, id, NULL, &err))
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

static void test_another_process_holds_a_course(void **state)
{
	struct courselock *l = NULL;
	struct err err = ERR_INIT;
	struct holder h;
	char want[64];
	int now = -1;

	(void)state;
	h = hold("https://canvas.example.edu/", "4821");
	assert_int_equal(courselock_open(&l, "https://CANVAS.example.edu", &err), 0);   /* the same Canvas */
	assert_non_null(l);
	assert_int_equal(courselock_take(l, "4821", &now, &err), ERR_LOCKED);
	assert_int_equal(now, 0);
	snprintf(want, sizeof(want), "(process %ld)", (long)h.pid);
	assert_non_null(strstr(err.msg, "course 4821 is being changed by another coursectl run"));
	assert_non_null(strstr(err.msg, want));
	assert_non_null(strstr(err.msg, "nothing was changed"));
	assert_false(courselock_held(l, "4821"));
	/* its neighbours are free: one byte per course */
	err_clear(&err);
	assert_int_equal(courselock_take(l, "4820", &now, &err), 0);
	assert_int_equal(now, 1);
	assert_int_equal(courselock_take(l, "4822", &now, &err), 0);
	assert_int_equal(now, 1);
	/* once the holder is gone (its process ended), the course is ours */
	let_go(h);
	assert_int_equal(courselock_take(l, "4821", &now, &err), 0);
	assert_int_equal(now, 1);
	assert_true(courselock_held(l, "4821"));
	/* taken again: nothing new */
	assert_int_equal(courselock_take(l, "4821", &now, &err), 0);
	assert_int_equal(now, 0);
	courselock_free(l);
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
		int rc = courselock_open(&c, base, &e) ? -1 : courselock_take(c, id, NULL, &e);

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
	assert_int_equal(courselock_take(l, "900719925474099312", NULL, &err), 0);   /* 18 digits */
	assert_true(courselock_held(l, "900719925474099312"));
	/* another process sees it held; on another Canvas the same id is free */
	assert_int_equal(in_child("https://canvas.example.edu", "900719925474099312"), 1);
	assert_int_equal(in_child("https://other.example.edu", "900719925474099312"), 0);
	courselock_free(l);
	/* freed: another process takes it */
	assert_int_equal(in_child("https://canvas.example.edu/", "900719925474099312"), 0);
}

static void test_only_numbers_and_the_file(void **state)
{
	struct courselock *l = NULL;
	struct err err = ERR_INIT;
	struct stat st;
	char *locks;
	int now = -1;

	(void)state;
	assert_int_equal(courselock_open(&l, "https://canvas.example.edu", &err), 0);
	/* a SIS form, an empty or too long id: not lockable, not an error (locked once numbered) */
	assert_int_equal(courselock_take(l, "sis_course_id:PHYS-101", &now, &err), 0);
	assert_int_equal(now, 0);
	assert_false(courselock_held(l, "sis_course_id:PHYS-101"));
	assert_int_equal(courselock_take(l, "", &now, &err), 0);
	assert_int_equal(courselock_take(l, "1234567890123456789", &now, &err), 0);
	assert_int_equal(now, 0);
	assert_int_equal(courselock_take(l, "12a", &now, &err), 0);
	assert_int_equal(now, 0);
	assert_false(courselock_held(NULL, "1"));
	assert_int_equal(courselock_take(NULL, "1", &now, &err), 0);
	assert_int_equal(now, 0);
	courselock_free(l);
	courselock_free(NULL);
	/* the lock directory: beside the journals, mode 0700; the file 0600 */
	locks = xasprintf("%s/coursectl/locks", dir);
	assert_int_equal(stat(locks, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	free(locks);
	assert_int_equal(err.code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_another_process_holds_a_course),
		cmocka_unit_test(test_free_lets_go_and_canvases_are_apart),
		cmocka_unit_test(test_only_numbers_and_the_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
