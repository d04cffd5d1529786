/* runner/tokencmd.c -- run a profile's token_command and take the token from its stdout
 * (include/tokencmd.h).
 *
 * Why a command: tokens belong in password managers (`pass show canvas/sandbox`, `op read ...`,
 * `secret-tool lookup ...`), which print the secret on stdout. This is git's credential helper and
 * kubectl's exec credential plugin in their simplest form.
 *
 * Rules:
 *   - the child is `/bin/sh -c COMMAND`, exactly what the user wrote; nothing is added to its argv or
 *     environment (CANVAS_API_TOKEN is removed from it), so no process ever carries the token in
 *     argv: it travels from the command's stdout through a pipe into coursectl, and the pipe is read
 *     to its end (nothing is left in the kernel's buffer);
 *   - stdin and stderr are the user's: a password manager may prompt, and its errors are what the
 *     user needs when it fails; our own message names the command and the profile, never the output;
 *   - the child stays in our process group, so it can read the terminal (a separate group would get
 *     SIGTTIN when it prompts); on timeout the child (the shell) is killed: SIGTERM, then SIGKILL. A
 *     grandchild that outlives it is not chased (it has lost its reader);
 *   - descriptors above 2 are closed in the child (coursectl may hold a journal lock);
 *   - output is read with read(2) into one buffer (no stdio buffer copies) that is wiped before it
 *     is freed; explicit_bzero, because a memset before free() may be optimised away.
 * Rejected: popen() (stdio buffers we cannot wipe, no timeout, and it waits forever in pclose);
 * posix_spawn (no way to close inherited descriptors portably before glibc 2.34's addclosefrom_np).
 */
#include "tokencmd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for pid until deadline (ms, monotonic); 1 and *status when it exited, 0 when still running. */
static int reap(pid_t pid, long deadline, int *status)
{
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;   /* not our child any more: nothing to wait for */
		if (now_ms() >= deadline)
			return 0;
		poll(NULL, 0, 10);
	}
}

static void kill_and_reap(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	if (!reap(pid, now_ms() + 1000, &status)) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
}

static void child(const char *command, int out_fd)
{
	long maxfd = sysconf(_SC_OPEN_MAX), fd;

	if (dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(126);
	/* coursectl opens few files, all low; a cap keeps a huge RLIMIT_NOFILE from costing a second */
	if (maxfd < 0 || maxfd > 4096)
		maxfd = 4096;
	for (fd = 3; fd < maxfd; fd++)
		close((int)fd);
	signal(SIGPIPE, SIG_DFL);
	/* the child gets the user's environment but never a token variable (an empty CANVAS_API_TOKEN
	 * can be set while the profile's command is the source) */
	unsetenv("CANVAS_API_TOKEN");
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

/* The token in buf[0..len): the first line, spaces and tabs trimmed. 0, or an error. Ownership:
 * *token malloced. */
static int take_token(const char *buf, size_t len, const char *what, char **token, struct err *err)
{
	size_t s = 0, e, i;

	e = 0;
	while (e < len && buf[e] != '\n')
		e++;
	if (e > 0 && buf[e - 1] == '\r')
		e--;
	while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
		s++;
	while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
		e--;
	if (s == e)
		return err_set(err, ERR_AUTH, "%s printed no token (its first line of output is empty)", what);
	for (i = s; i < e; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
			return err_set(err, ERR_AUTH,
				       "%s printed a first line that is not a token (it holds spaces or control "
				       "characters); make the command print only the token", what);
	*token = xstrndup(buf + s, e - s);
	return 0;
}

/* Ownership: *token malloced on success (the caller wipes and frees it). */
int tokencmd_run(const char *command, long timeout_ms, const char *what, char **token, struct err *err)
{
	char *buf = xmalloc(TOKENCMD_MAX_OUTPUT + 1);
	size_t len = 0;
	long deadline = now_ms() + timeout_ms;
	int fds[2], status = 0, rc = 0, eof = 0, too_big = 0;
	pid_t pid;
	ssize_t n;

	*token = NULL;
	if (pipe(fds)) {
		rc = err_set(err, ERR_IO, "cannot run %s: pipe: %s", what, strerror(errno));
		goto done;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		rc = err_set(err, ERR_IO, "cannot run %s: fork: %s", what, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto done;
	}
	if (pid == 0)
		child(command, fds[1]);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	while (!eof) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		long left = deadline - now_ms();
		int pr;

		if (left <= 0)
			break;
		pr = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		for (;;) {
			char sink[4096];

			/* past the limit the rest is drained into a scratch buffer and wiped */
			if (len <= TOKENCMD_MAX_OUTPUT)
				n = read(fds[0], buf + len, TOKENCMD_MAX_OUTPUT + 1 - len);
			else
				n = read(fds[0], sink, sizeof(sink));
			if (n > 0 && len > TOKENCMD_MAX_OUTPUT) {
				explicit_bzero(sink, sizeof(sink));
				too_big = 1;
				continue;
			}
			if (n > 0) {
				len += (size_t)n;
				too_big |= len > TOKENCMD_MAX_OUTPUT;
				continue;
			}
			if (n == 0)
				eof = 1;
			else if (errno == EINTR)
				continue;
			else if (errno != EAGAIN)
				eof = 1;
			break;
		}
	}
	close(fds[0]);
	if (!eof || !reap(pid, deadline, &status)) {
		kill_and_reap(pid);
		rc = err_set(err, ERR_AUTH,
			     "%s did not finish within %ld s and was stopped; check that it runs without asking "
			     "for input, or raise token_command_timeout", what, timeout_ms / 1000);
		goto done;
	}
	if (WIFSIGNALED(status)) {
		rc = err_set(err, ERR_AUTH, "%s was killed by signal %d; its messages, if any, are above", what,
			     WTERMSIG(status));
	} else if (WEXITSTATUS(status) == 127) {
		rc = err_set(err, ERR_AUTH, "%s exited with status 127 (command not found?); run it in a shell "
			     "to check it", what);
	} else if (WEXITSTATUS(status)) {
		rc = err_set(err, ERR_AUTH, "%s exited with status %d; its messages, if any, are above", what,
			     WEXITSTATUS(status));
	} else if (too_big) {
		rc = err_set(err, ERR_AUTH, "%s printed more than %d bytes; make it print only the token", what,
			     TOKENCMD_MAX_OUTPUT);
	} else {
		rc = take_token(buf, len, what, token, err);
	}
done:
	explicit_bzero(buf, TOKENCMD_MAX_OUTPUT + 1);
	free(buf);
	return rc;
}
