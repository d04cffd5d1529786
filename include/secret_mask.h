/* include/secret_mask.h -- the token hidden in any text a server sends back.
 *
 *   secret_mask_set(token)      once the token is known (canvas_new); a copy is kept, wiped at exit
 *   secret_mask_err(&err)       err->msg with every copy of the token replaced by "[token]"
 *   s = secret_mask(text)       a masked malloced copy, or NULL when text holds no token
 *
 * msg.c masks every line it prints; canvas.c masks every error it builds from an answer, so what
 * goes to plans and journals is masked too. runner/secret_mask.c says why.
 */
#ifndef COURSECTL_SECRET_MASK_H
#define COURSECTL_SECRET_MASK_H

#include "err.h"

#define SECRET_MASK_TEXT "[token]"

void secret_mask_set(const char *secret);
int secret_mask_err(struct err *err);
/* Ownership: malloced (free), or NULL when `s` holds no secret. */
char *secret_mask(const char *s);

#endif
