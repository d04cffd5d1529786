/* tests/unit/unit-resource.c -- the resource table (include/resource.h): every row is whole and
 * agrees with itself (parents and children point at each other, listed kinds have a list, kinds
 * that can be created have a lookup list, plan names are unique), path templates expand, and the
 * object accessors read an object through its row (a page by page_id, an item's module). A new row
 * is checked here without a new test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "resource.h"

static void test_rows_are_whole(void **state)
{
	int k, j;

	(void)state;
	assert_true(resource_count() > 0);
	for (k = 0; k < resource_count(); k++) {
		const struct resource *r = resource_get((enum resource_kind)k);

		assert_int_equal((int)r->kind, k);
		assert_non_null(r->name);
		assert_non_null(r->plan_name);
		assert_non_null(r->seed_key);
		assert_non_null(r->id_field);
		assert_non_null(r->name_field);
		assert_non_null(r->writable);
		assert_non_null(r->path.update);
		assert_ptr_equal(resource_find(r->name), r);
		assert_ptr_equal(resource_from_plan_name(r->plan_name), r);
		for (j = 0; j < k; j++)
			assert_string_not_equal(resource_get((enum resource_kind)j)->plan_name, r->plan_name);
		if (r->listed)
			assert_non_null(r->path.list);
		if (r->path.create && !r->parent_field)
			assert_non_null(r->path.lookup);
		if (r->parent_field) {
			const struct resource *p = resource_get(r->parent_kind);

			assert_true((int)r->parent_kind < resource_count());
			assert_int_equal((int)p->child_kind, k);
			assert_non_null(p->children_key);
			assert_string_equal(p->children_key, r->seed_key);
		}
		if (r->children_key) {   /* its child's parent, or the child's alt_parent (a page's overrides) */
			const struct resource *c = resource_get(r->child_kind);

			assert_true((int)c->parent_kind == k || (c->alt_parent && c->alt_parent->kind == k));
			assert_string_equal(r->children_key, c->seed_key);
		}
		if (r->alt_parent) {
			assert_non_null(r->parent_field);
			assert_int_equal((int)resource_get((enum resource_kind)r->alt_parent->kind)->child_kind, k);
			assert_non_null(r->alt_parent->path.update);
		}
		if (r->moves)
			assert_true(resource_in_list(r->writable, r->parent_field));
		if (r->bulk_fields)
			assert_non_null(r->path.bulk);
	}
	assert_null(resource_from_plan_name("nothing"));
	assert_null(resource_from_plan_name(NULL));
}

static void test_paths(void **state)
{
	char *p;

	(void)state;
	p = resource_path("/api/v1/courses/{course}/modules/{parent}/items/{id}", "4821", "7", "90");
	assert_string_equal(p, "/api/v1/courses/4821/modules/7/items/90");
	free(p);
	p = resource_path("/api/v1/courses/{course}/modules/{parent}/items", "4821", NULL, NULL);
	assert_string_equal(p, "/api/v1/courses/4821/modules/0/items");
	free(p);
	p = resource_path(resource_get(RES_PAGE)->path.update, "4821", NULL, "5002");
	assert_string_equal(p, "/api/v1/courses/4821/pages/page_id:5002");
	free(p);
	p = resource_path(resource_get(RES_CALENDAR_EVENT)->path.list, "4821", NULL, NULL);
	assert_string_equal(p, "/api/v1/calendar_events?type=event&all_events=true&context_codes[]=course_4821");
	free(p);
	assert_null(resource_path(NULL, "4821", NULL, NULL));
}

static void test_accessors(void **state)
{
	cJSON *page = cJSON_Parse("{\"page_id\": 5002, \"url\": \"home\", \"title\": \"Home\"}");
	cJSON *mod = cJSON_Parse("{\"id\": 7, \"name\": \"Week 1\", \"items\": [{\"id\": 90, \"module_id\": \"7\","
				 " \"title\": \"Read\"}]}");
	cJSON *item;
	char b[32];

	(void)state;
	assert_string_equal(object_id(RES_PAGE, page, b), "5002");
	assert_string_equal(object_name(RES_PAGE, page), "Home");
	assert_null(object_parent(RES_PAGE, page, b));
	assert_null(object_children(RES_PAGE, page));
	assert_string_equal(object_id(RES_MODULE, mod, b), "7");
	assert_string_equal(object_name(RES_MODULE, mod), "Week 1");
	assert_int_equal(cJSON_GetArraySize(object_children(RES_MODULE, mod)), 1);
	item = cJSON_GetArrayItem(object_children(RES_MODULE, mod), 0);
	assert_string_equal(object_id(RES_MODULE_ITEM, item, b), "90");
	assert_string_equal(object_parent(RES_MODULE_ITEM, item, b), "7");
	assert_string_equal(object_name(RES_MODULE_ITEM, item), "Read");
	cJSON_Delete(page);
	cJSON_Delete(mod);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_whole),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_accessors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
