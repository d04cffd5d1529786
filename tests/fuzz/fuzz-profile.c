/* tests/fuzz/fuzz-profile.c -- libFuzzer target: arbitrary bytes as the user's config file
 * (~/.config/coursectl/config.yaml) through profiles_load_mem() (runner/profile.c).
 *
 * What it checks: the profile reader never crashes, leaks or hits undefined behaviour; success
 * means profiles whose default (when set) names one of them, failure means a message. The lookups
 * config.c makes afterwards (profiles_find, profiles_names) run over what was read. No file is
 * read and no token_command is run: the reader only records them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("HOME", "/nonexistent-fuzz-home", 1);   /* token_file: ~/x expands somewhere harmless */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profiles *pf = NULL;
	struct err err = ERR_INIT;
	size_t i;
	char *names;

	if (profiles_load_mem(&pf, "/fuzz/config.yaml", (const char *)data, size, &err) == 0) {
		if (!pf)
			abort();
		if (pf->default_profile && !profiles_find(pf, pf->default_profile))
			abort();   /* the default must name a profile of the file */
		for (i = 0; i < pf->n; i++)
			if (profiles_find(pf, pf->v[i].name) == NULL)
				abort();
		names = profiles_names(pf);
		free(names);
		profiles_free(pf);
	} else if (pf || !err.msg[0]) {
		abort();
	}
	return 0;
}
