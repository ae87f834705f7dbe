/* term.h - printing outside data on a terminal.  Names, notes and reasons come
 * from nodes, hubs and web forms; printed raw, an ESC or BEL in them would drive
 * the operator's terminal (retitle it, rewrite earlier lines, hide text).  Every
 * command-line printer of such data goes through here: control characters
 * other than newline and tab, DEL, the C1 controls, the bidirectional overrides
 * and bytes that are not UTF-8 are shown as visible escapes ("\x1b",
 * "\u202e") instead. */
#ifndef LINLI_COMMON_TERM_H
#define LINLI_COMMON_TERM_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

/* Append s[0..len) to out with the escapes above.  CM_ERR_TOO_LARGE past
 * out's cap. */
cm_rc cm_term_clean(const char *s, size_t len, cm_buf *out);

/* printf / fprintf whose whole output goes through cm_term_clean. */
int cm_term_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cm_term_fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
