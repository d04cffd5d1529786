/* include/asan.h -- CTL_ASAN: 1 when AddressSanitizer instruments this translation unit, else 0.
 *
 * GCC (`make asan`) defines __SANITIZE_ADDRESS__; clang 14, which builds the libFuzzer targets
 * (`make fuzz`, tests/fuzz/smoke.sh in `make test`), does not, and answers only
 * __has_feature(address_sanitizer). Code that trades checking for speed under ASan (the recipe
 * arena, runner/recipe_check.c) asks this, so that both builds check. */
#ifndef COURSECTL_ASAN_H
#define COURSECTL_ASAN_H

#if defined(__SANITIZE_ADDRESS__)
#define CTL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CTL_ASAN 1
#endif
#endif
#ifndef CTL_ASAN
#define CTL_ASAN 0
#endif

#endif
