/* opcli.h - `linli-hub operator ...`: the operator accounts' command line
 * (add, list, disable, passwd, audit), kept beside the accounts rather than in
 * main.c's table, which has one row for it. */
#ifndef LINLI_HUB_OPCLI_H
#define LINLI_HUB_OPCLI_H

#include <stdio.h>

#include "../common/rc.h"

/* Usage text of the `operator` command (for main.c's table). */
#define HUB_OPCLI_USAGE                                                              \
  "add NAME [--role street|district|viewer] [--street NAME] | list [--json] |"      \
  " disable NAME | passwd NAME | audit [--json] [--limit N]"

#define HUB_OPCLI_HELP                                                               \
  "Operator accounts of the web pages, kept in DIR/operators.db (never replicated).\n" \
  "add and passwd read the password from the first line of standard input (8\n"      \
  "characters at least).  Roles: district (everything), street (one street: at a\n"  \
  "district hub name it with --street), viewer (reads only; the default).\n"         \
  "audit prints the newest audit rows: logins, reviews, decisions."

/* Run `operator ARGS` on the hub in dir, reading a password from in and
 * writing results to out.  *usage_out is 1 when the arguments were wrong
 * (err says how).  CM_ERR_INVALID for a refused password or name,
 * CM_ERR_EXISTS, CM_ERR_NOT_FOUND as the store says. */
cm_rc hub_opcli_run(const char *dir, int argc, char **argv, FILE *in, FILE *out, int *usage_out,
                    cm_err *err);

#endif
