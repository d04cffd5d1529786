/* tests/static/cppcheck-macros.h -- macros of system headers that cppcheck (which is not given the
 * system include path: it would parse glibc) must know to parse our code; `make check` passes it
 * with --include. Each is the library's own definition. */
/* cjson/cJSON.h */
#define cJSON_ArrayForEach(element, array) \
	for (element = (array != NULL) ? (array)->child : NULL; element != NULL; element = element->next)
