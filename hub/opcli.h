/* opcli.h - `linli-hub operator ...`: the operator accounts' command line
 * (add, list, disable, passwd, audit), kept beside the accounts rather than in
 * main.c's table, which has one row for it. */
#ifndef LINLI_HUB_OPCLI_H
#define LINLI_HUB_OPCLI_H

#include <stdio.h>

#include "../common/rc.h"

/* Usage text of the `operator` command (for main.c's table). */
#define HUB_OPCLI_USAGE                                                              \
  "add NAME [--role street|district|viewer] [--street NAME] [--unit CODE] | list [--json] |"      \
  " disable NAME | passwd NAME | audit [--json] [--limit N]"

#define HUB_OPCLI_HELP                                                               \
  "网页操作员账号，保存在 DIR/operators.db（不复制到别处）。\n"                       \
  "add 和 passwd 从标准输入的第一行读取密码（至少8个字符）。角色：district（全部权限），\n" \
  "street（一个街道：在区协会用 --street 指明），viewer（只能查看；默认）。\n"         \
  "--unit CODE：只读账号只看该主管单位（区级清单中的代码）所管组织的数字。\n"            \
  "audit 打印最新的操作记录：登录、审核、决定。"

/* Run `operator ARGS` on the hub in dir, reading a password from in and
 * writing results to out.  *usage_out is 1 when the arguments were wrong
 * (err says how).  CM_ERR_INVALID for a refused password or name,
 * CM_ERR_EXISTS, CM_ERR_NOT_FOUND as the store says. */
cm_rc hub_opcli_run(const char *dir, int argc, char **argv, FILE *in, FILE *out, int *usage_out,
                    cm_err *err);

#endif
