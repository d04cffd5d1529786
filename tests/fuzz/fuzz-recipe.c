/* tests/fuzz/fuzz-recipe.c -- libFuzzer target: arbitrary bytes through recipe_load_mem().
 *
 * What it checks: the recipe loader (libyaml events -> positioned tree -> top-level checks -> the
 * actions' parsers) never crashes, hangs, leaks or hits undefined behaviour, whatever the bytes;
 * built with -fsanitize=fuzzer,address,undefined (`make fuzz`, and a short smoke in `make test`).
 * Every input is loaded with a few --var options, so that variable expansion (a --var beating
 * vars:, ${env.NAME}) is reached, and everything is freed, so that LeakSanitizer sees a leak as a
 * crash. The diagnostics are also printed (to a throwaway stream), because diag_print sorts and
 * formats them: a bad position or message would show there.
 *
 * Rejected: a structure-aware (YAML-generating) mutator. The seed corpus (tests/fuzz/corpus/recipe)
 * and the dictionary (tests/fuzz/recipe.dict) already steer plain mutation into every top-level key
 * and action, and a byte-level fuzzer also reaches libyaml's scanner and the UTF-8 checks, which a
 * generator of well-formed YAML would not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "asan.h"
#include "recipe.h"

/* The recipe arena gives every piece its own block under ASan (runner/recipe_check.c, rc_alloc), so
 * that an overrun of a scalar is caught here; it asks CTL_ASAN, and clang once left it off. */
#if !CTL_ASAN
#error "fuzz-recipe is built with AddressSanitizer, but include/asan.h does not see it"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* ${env.FUZZ_TERM} is defined, ${env.CANVAS_API_TOKEN} must be refused even when set */
	setenv("FUZZ_TERM", "fall-2025", 1);
	setenv("CANVAS_API_TOKEN", "not-a-real-token", 1);
	sink = fopen("/dev/null", "w");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct recipe_var vars[] = {
		{ "term", "Fall 2025" },
		{ "course", "1234" },
		{ "days", "7" },
		{ "empty", "" },
		{ "term", "Spring 2026" },   /* the last --var of a name wins */
	};
	struct recipe_opts o = { .vars = vars, .nvars = sizeof(vars) / sizeof(vars[0]) };
	struct diags d = DIAGS_INIT;
	struct recipe *r = NULL;

	/* a name with a directory, so relative files (from_file:, body_file:) resolve somewhere empty */
	if (recipe_load_mem(&r, "fuzz-nonexistent-dir/recipe.yaml", (const char *)data, size, &o, &d) == 0) {
		if (!r || d.nerrors)
			abort();   /* success means a recipe and no errors */
	} else if (r || !d.nerrors) {
		abort();           /* failure means no recipe and at least one error */
	}
	if (sink)
		diag_print(&d, sink);
	recipe_free(r);
	diag_release(&d);
	return 0;
}
