/* include/recipe_replace.h -- one text replacement, shared by `pages.replace` and `replace_text`.
 *
 *   {pattern: REGEX, with: STRING, flags?: "imsx", literal?: bool, case?: preserve|as_written}
 *
 * `with` is PCRE2's substitution syntax (pcre2_substitute without PCRE2_SUBSTITUTE_EXTENDED):
 *   $1 .. $99   the text of a capture group ($0 is the whole match)
 *   $$          a literal dollar sign
 * Recipe variables are expanded first (rc_string), so `${name}` is a recipe variable, never a
 * capture: a capture is written `$1`, and `${1}` is refused. To put a digit right after a capture
 * write `$${1}0` (`$${` is a literal `${` for the variable expander, which pcre2 then reads as
 * group 1). Any other `$` is refused at check time (`$5` costs: write `$$5`), and every group
 * number must exist in the pattern. With `literal: true` the pattern is matched as plain text and
 * `with` is inserted as written: no `$` is special (variables are still expanded).
 *
 * A pattern that can match the empty string is refused ("x*", "^", "a|"): a global substitution
 * would insert `with` at every position. The check is pcre2_match on "" plus the pattern's minimum
 * length; a match that is empty only in context (a lone lookahead "(?=a)", "a\K") passes it, so
 * the plan engine substitutes with PCRE2_NOTEMPTY (RREPLACE_SUBSTITUTE_OPTIONS), where such a
 * match simply does not count.
 *
 * `case: preserve` (default `as_written`): each replacement takes the case pattern of the text it
 * replaces, so a case-insensitive "office hours" -> "student hours" keeps a sentence's capital:
 *   the match's letters all upper (two or more)   -> the replacement all upper   OFFICE -> STUDENT
 *   its first letter upper                          -> the replacement's first letter upper, the rest
 *                                                      as written                  Office -> Student
 *   all lower                                       -> the replacement all lower   office -> student
 *   anything else (no letter, "iPhone")             -> as written
 * Letters are ASCII letters: others (é, ß) are not changed -- a case change outside ASCII can change
 * the byte length and depends on the language (Turkish i) -- and when one comes first ("École",
 * "école") the first letter's case is left as written. Letters inside HTML tags and entities are
 * markup, neither read nor changed (a URL in `with` keeps its case). The plan engine applies it
 * (step_replace.c).
 */
#ifndef COURSECTL_RECIPE_REPLACE_H
#define COURSECTL_RECIPE_REPLACE_H

#include "recipe.h"

/* The options the plan engine passes to pcre2_substitute with `subst` below: every match,
 * unset groups as empty text, empty matches never. */
#define RREPLACE_SUBSTITUTE_OPTIONS (PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_UNSET_EMPTY | PCRE2_NOTEMPTY)

/* Regex flags, as given in `flags:` (each at most once). */
enum {
	RREPLACE_CASELESS  = 1 << 0,   /* i */
	RREPLACE_MULTILINE = 1 << 1,   /* m */
	RREPLACE_DOTALL    = 1 << 2,   /* s */
	RREPLACE_EXTENDED  = 1 << 3,   /* x */
};

struct rreplace {
	struct rregex *re;      /* compiled (JIT when available); re->src is the pattern after expansion */
	char *with;             /* the replacement after variable expansion, as written */
	char *subst;            /* ready for pcre2_substitute with RREPLACE_SUBSTITUTE_OPTIONS: `with`
				 * itself, or with every `$` doubled in literal mode */
	unsigned flags;         /* RREPLACE_* bits */
	char flag_str[5];       /* the same as a string of i m s x in that order ("" when none) */
	int literal;            /* literal: true */
	int case_preserve;      /* case: preserve */
	int max_group;          /* the highest group `with` refers to, 0 when none */
	struct rpos pos;        /* the replacement (its mapping, or the action's for the inline form) */
	struct rpos with_pos;
};

/* Check `n`, a mapping {pattern, with, flags?, literal?, case?}, and set *out. `what` is its path without
 * quotes ("pages.replace[2]"); messages name it and its keys ("'pages.replace[2].with'"). *out is
 * arena memory, NULL after an error. Every problem is reported; returns 0 or -1. */
int rc_replacement(struct rctx *cx, const struct ynode *n, const char *what, struct rreplace **out);

/* The same on the keys pattern, with, flags, literal and case of a larger mapping whose other keys the
 * caller checks (replace_text's one-replacement form). Both pattern and with are required. */
int rc_replacement_keys(struct rctx *cx, const struct ynode *map, const char *what, struct rreplace **out);

#endif
