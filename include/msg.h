/* include/msg.h -- the only writer to stderr (curl's tool_msgs.c).
 *
 * Every line starts with "coursectl: " (errors with "coursectl: error: ", warnings with
 * "coursectl: warning: "). Messages are one sentence without a trailing newline; the functions
 * add it. notef() and verbosef() are silenced by msg_set_level().
 */
#ifndef COURSECTL_MSG_H
#define COURSECTL_MSG_H

enum msg_level { MSG_QUIET = 0, MSG_NORMAL = 1, MSG_VERBOSE = 2 };

void msg_set_level(enum msg_level level);
enum msg_level msg_get_level(void);

void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void verbosef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A progress line on stderr, redrawn in place; only when stderr is a terminal and not quiet. */
void progressf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* End the progress line (a newline if one was drawn). */
void progress_end(void);
/* Ask a yes/no question on stderr ("coursectl: QUESTION [y/N] ") and read the answer from stdin:
 * 1 for y or yes (any case), 0 for anything else, end of input included. The caller checks that
 * stdin is a terminal first. */
int confirmf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s as one safe line of terminal text: control characters, C1, DEL, invalid UTF-8 and bidi
 * overrides shown escaped (textdiff_put_escaped), a newline as "\n". Every message above passes
 * through it (after the token is masked); other line-oriented stderr writers use it too.
 * Returns a malloced string; the caller frees it. */
char *msg_neutralise(const char *s);

#endif
