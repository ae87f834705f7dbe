/* opcli.c - `linli-hub operator add|list|disable|passwd|audit`. */
#include "opcli.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../common/term.h"
#include "../common/clock.h"
#include "auth.h"
#include "hub.h"
#include "lists.h"
#include "opstore.h"

/* The first line of in, without its line end, into buf.  CM_ERR_INVALID when
 * it is longer than the buffer. */
static cm_rc read_password(FILE *in, char *buf, size_t cap, cm_err *err) {
  buf[0] = '\0';
  if (!fgets(buf, (int)cap, in)) return cm_errf(err, CM_ERR_INVALID, "标准输入上没有密码");
  size_t n = strlen(buf);
  if (n && buf[n - 1] != '\n' && !feof(in)) {
    sodium_memzero(buf, cap);
    return cm_errf(err, CM_ERR_INVALID, "密码超过 %d 字节", HUB_AUTH_PW_MAX);
  }
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
  return CM_OK;
}

/* "--name VALUE" / "--name=VALUE" options and positionals of argv[1..]. */
typedef struct opcli_args {
  const char *pos[2];
  int n_pos;
  const char *role, *street, *limit, *unit;
  int json;
} opcli_args;

static cm_rc parse(int argc, char **argv, opcli_args *o, cm_err *err) {
  memset(o, 0, sizeof *o);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    size_t n = 0;
    if (!strcmp(a, "--json")) {
      o->json = 1;
      continue;
    }
    if (!strncmp(a, "--role", 6)) slot = &o->role, n = 6;
    else if (!strncmp(a, "--street", 8)) slot = &o->street, n = 8;
    else if (!strncmp(a, "--limit", 7)) slot = &o->limit, n = 7;
    else if (!strncmp(a, "--unit", 6)) slot = &o->unit, n = 6;
    if (slot && a[n] == '=') {
      *slot = a + n + 1;
    } else if (slot && a[n] == '\0') {
      if (i + 1 >= argc) return cm_errf(err, CM_ERR_INVALID, "选项“%s”需要一个值", a);
      *slot = argv[++i];
    } else if (a[0] == '-' && a[1] == '-') {
      return cm_errf(err, CM_ERR_INVALID, "没有选项“%s”", a);
    } else {
      if (o->n_pos == 2) return cm_errf(err, CM_ERR_INVALID, "多余的参数“%s”", a);
      o->pos[o->n_pos++] = a;
    }
  }
  return CM_OK;
}

typedef struct list_ctx {
  FILE *out;
  json_t *arr; /* --json */
} list_ctx;

static cm_rc list_one(void *ctx, const hub_operator *op, cm_err *err) {
  list_ctx *l = ctx;
  char when[26];
  if (l->arr) {
    json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:I}", "name", op->name, "role", op->role,
                          "street", op->street, "disabled", op->disabled, "created_ms",
                          (json_int_t)op->created_ms);
    if (j && op->unit[0]) json_object_set_new(j, "unit", json_string(op->unit));
    if (!j || json_array_append_new(l->arr, j))
      return cm_errf(err, CM_ERR_NOMEM, "列出操作员时内存不足");
    return CM_OK;
  }
  cm_time_iso(op->created_ms, when);
  cm_term_fprintf(l->out, "%-20s  %-8s  %-20s  %-8s  %s\n", op->name, op->role,
          op->street[0] ? op->street : "-", op->disabled ? "disabled" : "active", when);
  return CM_OK;
}

static cm_rc audit_one(void *ctx, const hub_audit_row *r, cm_err *err) {
  list_ctx *l = ctx;
  char when[26];
  if (l->arr) {
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id,
                          "time_ms", (json_int_t)r->time_ms, "operator", r->operator_name,
                          "action", r->action, "target", r->target, "detail", r->detail, "peer",
                          r->peer);
    if (!j || json_array_append_new(l->arr, j))
      return cm_errf(err, CM_ERR_NOMEM, "列出操作记录时内存不足");
    return CM_OK;
  }
  cm_time_iso(r->time_ms, when);
  cm_term_fprintf(l->out, "%s  %-16s  %-14s  %-16s  %s\n", when, r->operator_name, r->action,
          r->target[0] ? r->target : "-", r->detail);
  return CM_OK;
}

/* CM_OK when unit is a code of the supervising units the district published. */
static cm_rc unit_known(hub_ctx *hub, const char *unit, cm_err *err) {
  json_t *items = NULL;
  cm_rc rc = hub_lists_get(hub, CM_LIST_UNIT, 0, &items, err);
  if (!rc && !items)
    rc = cm_errf(err, CM_ERR_INVALID, "区协会尚未发布主管单位清单，不能按主管单位设只读账号");
  else if (!rc && !cm_list_name(items, unit))
    rc = cm_errf(err, CM_ERR_INVALID, "主管单位清单中没有代码「%s」", unit);
  json_decref(items);
  return rc;
}

cm_rc hub_opcli_run(const char *dir, int argc, char **argv, FILE *in, FILE *out, int *usage_out,
                    cm_err *err) {
  cm_rc rc = CM_OK;
  opcli_args o;
  hub_ctx *hub = NULL;
  hub_opstore *ops = NULL;
  list_ctx l = {out, NULL};
  char pw[HUB_AUTH_PW_MAX + 2];
  const char *sub = argc > 0 ? argv[0] : "";
  pw[0] = '\0';
  *usage_out = 0;

  rc = parse(argc, argv, &o, err);
  int want = !strcmp(sub, "add") || !strcmp(sub, "disable") || !strcmp(sub, "passwd") ? 1
             : !strcmp(sub, "list") || !strcmp(sub, "audit")                          ? 0
                                                                                        : -1;
  if (!rc && want < 0) rc = cm_errf(err, CM_ERR_INVALID, "operator：没有子命令“%s”", sub);
  if (!rc && o.n_pos != want)
    rc = cm_errf(err, CM_ERR_INVALID, "operator %s 的用法：%s", sub, want ? "一个账号名 NAME" : "不带参数");
  if (!rc && (o.role || o.street || o.unit) && strcmp(sub, "add"))
    rc = cm_errf(err, CM_ERR_INVALID, "--role、--street 和 --unit 只用于 operator add");
  if (!rc && o.unit && o.role && strcmp(o.role, "viewer") != 0)
    rc = cm_errf(err, CM_ERR_INVALID, "--unit 只能用于只读的 viewer 账号");
  if (rc) {
    *usage_out = 1;
    goto out;
  }

  rc = hub_open(dir, &hub, err);
  if (!rc) rc = hub_opstore_open(dir, &ops, err);
  if (rc) goto out;
  if (!strcmp(sub, "add") || !strcmp(sub, "passwd")) {
    rc = read_password(in, pw, sizeof pw, err);
    if (rc) goto out;
  }
  if (!strcmp(sub, "add") && o.unit) rc = unit_known(hub, o.unit, err);
  if (rc) goto out;
  if (!strcmp(sub, "add")) {
    rc = hub_auth_add_operator(ops, hub, o.pos[0], o.role ? o.role : "viewer", o.street, pw, err);
    /* never leave a unit viewer seeing every unit: disabled if binding fails */
    if (!rc && o.unit && hub_opstore_set_unit(ops, o.pos[0], o.unit, err) != CM_OK) {
      rc = err ? err->rc : CM_ERR_DB;
      hub_opstore_disable(ops, o.pos[0], NULL);
    }
    if (!rc) rc = hub_opstore_audit_add(ops, cm_now_ms(), "(cli)", "operator.add", o.pos[0],
                                        o.role ? o.role : "viewer", "", err);
  } else if (!strcmp(sub, "passwd")) {
    rc = hub_auth_set_password(ops, o.pos[0], pw, err);
    if (!rc) rc = hub_opstore_audit_add(ops, cm_now_ms(), "(cli)", "operator.passwd", o.pos[0],
                                        "", "", err);
  } else if (!strcmp(sub, "disable")) {
    rc = hub_opstore_disable(ops, o.pos[0], err);
    if (!rc) rc = hub_opstore_audit_add(ops, cm_now_ms(), "(cli)", "operator.disable", o.pos[0],
                                        "", "", err);
  } else {
    int limit = 100;
    if (o.limit) {
      char *end = NULL;
      long v = strtol(o.limit, &end, 10);
      if (!end || *end || v < 1 || v > 100000) {
        *usage_out = 1;
        rc = cm_errf(err, CM_ERR_INVALID, "--limit 应为 1 到 100000 的数");
        goto out;
      }
      limit = (int)v;
    }
    if (o.json && !(l.arr = json_array())) {
      rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
      goto out;
    }
    if (!strcmp(sub, "list"))
      rc = hub_opstore_list(ops, list_one, &l, err);
    else
      rc = hub_opstore_audit_list(ops, limit, audit_one, &l, err);
    if (!rc && l.arr) {
      char *s = json_dumps(l.arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
      if (s) fprintf(out, "%s\n", s);
      free(s);
    }
  }
out:
  sodium_memzero(pw, sizeof pw);
  json_decref(l.arr);
  hub_opstore_close(ops);
  hub_close(hub);
  return rc;
}
