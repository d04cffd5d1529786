/* runner/resource_quiz.c -- the quirks of quizzes (hooks of the resource table,
 * include/resource.h).
 *
 * quiz[notify_of_update] defaults to TRUE (API.md 8.2): every quiz edit would send students a
 * "quiz updated" notice -- for a bulk text fix or a rollback, one per quiz. coursectl's edits are
 * course maintenance, so every update says false; Canvas's own due-date notices (API.md 5.2) still
 * go out (resource_quiz_finish_body).
 */
#include "resource_kinds.h"

void resource_quiz_finish_body(cJSON *inner, int create)
{
	if (!create)
		cJSON_AddFalseToObject(inner, "notify_of_update");
}
