/* main.c - `linli-hub`: the command line.  One static table of commands with
 * their help next to each handler.  Standard output carries the result; logs
 * go to standard error.  Exit codes: cm_rc_exit_code (common/rc.h), listed
 * in --help. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/term.h"
#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/html.h"
#include "../common/http_client.h"
#include "../common/i18n.h"
#include "../common/log.h"
#include "../common/setting_text.h"
#include "../common/version.h"
#include "attach.h"
#include "attach_check.h"
#include "dossier.h"
#include "activity.h"
#include "backup.h"
#include "recover.h"
#include "usbout.h"
#include "dashboard.h"
#include "dashcli.h"
#include "table.h"
#include "decide.h"
#include "year.h"
#include "evaluation.h"
#include "fork.h"
#include "forward.h"
#include "enrolguard.h"
#include "hub.h"
#include "hublog.h"
#include "lists.h"
#include "ingest.h"
#include "orgs_local.h"
#include "review.h"
#include "project.h"
#include "serve.h"
#include "opcli.h"
#include "store.h"

enum { EXIT_OK = CM_EXIT_OK, EXIT_USAGE = CM_EXIT_USAGE };

/* Report err on stderr and return the exit code for rc. */
static int fail(cm_rc rc, const cm_err *err) {
  char msg[sizeof err->msg];
  /* A message written "中文 / English" is printed in its Chinese part. */
  cm_i18n_msg_part(CM_LANG_ZH, err && err->msg[0] ? err->msg : cm_strerror(rc), msg, sizeof msg);
  fprintf(stderr, "linli-hub: %s\n", msg);
  return cm_rc_exit_code(rc);
}

/* A command's arguments after its name. */
typedef struct cmd_args {
  const char *dir;
  int argc;
  char **argv;
} cmd_args;

typedef struct hub_command {
  const char *name;
  int (*run)(const cmd_args *a);
  const char *usage;  /* arguments after the name */
  const char *help;   /* what it does */
} hub_command;

/* Print a usage error; returns EXIT_USAGE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "linli-hub: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n（请看 `linli-hub --help`）\n");
  va_end(ap);
  return EXIT_USAGE;
}

/* Options of one command: "--name VALUE" or "--name=VALUE"; flags take no
 * value.  Anything else is a positional argument. */
typedef struct opt_spec {
  const char *name;   /* without the dashes */
  int is_flag;
  const char *value;  /* out: value, or "1" for a set flag, NULL if absent */
} opt_spec;

/* Parse a's arguments into specs and up to max_pos positionals.  EXIT_OK or
 * EXIT_USAGE (message printed); *help_out = 1 when --help was given. */
static int parse_opts(const cmd_args *a, opt_spec *specs, size_t n_specs, const char **pos,
                      size_t max_pos, size_t *n_pos_out, int *help_out) {
  size_t n_pos = 0;
  *help_out = 0;
  for (int i = 0; i < a->argc; i++) {
    const char *arg = a->argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      *help_out = 1;
      return EXIT_OK;
    }
    if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
      if (n_pos == max_pos) return usage_error("多余的参数“%s”", arg);
      pos[n_pos++] = arg;
      continue;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    size_t k;
    for (k = 0; k < n_specs; k++)
      if (strlen(specs[k].name) == nlen && strncmp(specs[k].name, name, nlen) == 0) break;
    if (k == n_specs) return usage_error("没有选项“%s”", arg);
    if (specs[k].is_flag) {
      if (eq) return usage_error("选项“%s”不带值", arg);
      specs[k].value = "1";
    } else if (eq) {
      specs[k].value = eq + 1;
    } else {
      if (i + 1 >= a->argc) return usage_error("选项“%s”需要一个值", arg);
      specs[k].value = a->argv[++i];
    }
  }
  if (n_pos_out) *n_pos_out = n_pos;
  return EXIT_OK;
}

static const hub_command *find_command(const char *name);

static void print_command_help(const hub_command *c) {
  if (!c) return;
  printf("用法：linli-hub --dir DIR %s %s\n\n%s\n", c->name, c->usage, c->help);
}

/* Parse options or print help; returns -1 to go on, else the exit code. */
static int parse_or_help(const cmd_args *a, const char *cmd, opt_spec *specs, size_t n_specs,
                         const char **pos, size_t max_pos, size_t *n_pos) {
  int help = 0;
  int rc = parse_opts(a, specs, n_specs, pos, max_pos, n_pos, &help);
  if (rc) return rc;
  if (help) {
    print_command_help(find_command(cmd));
    return EXIT_OK;
  }
  return -1;
}

/* ---- init ---- */

static int cmd_init(const cmd_args *a) {
  opt_spec o[] = {{"role", 0, NULL}, {"name", 0, NULL}, {"upstream", 0, NULL},
                  {"upstream-key", 0, NULL}};
  int r = parse_or_help(a, "init", o, 4, NULL, 0, NULL);
  hub_role role;
  uint8_t upkey[PROTO_KEY_BYTES];
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;

  if (r >= 0) return r;
  cm_err_clear(&err);
  if (!o[0].value || !o[1].value) return usage_error("init 需要 --role 和 --name");
  if (hub_role_parse(o[0].value, &role, &err)) return usage_error("%s", err.msg);
  if (o[3].value && proto_key_from_hex(o[3].value, upkey))
    return usage_error("--upstream-key 应为64位十六进制数字，而不是“%s”", o[3].value);
  if (o[2].value && role == HUB_ROLE_DISTRICT)
    return usage_error("区协会没有 --upstream");
  rc = hub_init(a->dir, role, o[1].value, o[2].value, o[3].value ? upkey : NULL, &err);
  if (!rc) rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  printf("%s\n%s\n", ctx->fingerprint, ctx->key_hex);
  hub_close(ctx);
  return EXIT_OK;
}

/* ---- enroll ---- */

/* What a replacement did to the old key and what the new PC does next
 * (enroll --replaces, enroll-approve --replaces). */
static void replaced_said(uint64_t valid) {
  printf("原密钥已吊销：它的前 %llu 条记录仍然有效，此后用它签名的报送一律拒收。\n"
         "新电脑可以接着填写原有组织的变更、月报和整改；请在新电脑上运行 restore 取回本社区的记录。\n",
         (unsigned long long)valid);
}

static int cmd_enroll(const cmd_args *a) {
  opt_spec o[] = {{"name", 0, NULL}, {"key", 0, NULL}, {"code", 0, NULL}, {"replaces", 0, NULL}};
  int r = parse_or_help(a, "enroll", o, 4, NULL, 0, NULL);
  uint8_t key[PROTO_KEY_BYTES], old[PROTO_KEY_BYTES];
  hub_ctx *ctx = NULL;
  uint64_t seq = 0, valid = 0;
  cm_err err;
  cm_rc rc;
  char fp[PROTO_FINGERPRINT_LEN];

  if (r >= 0) return r;
  cm_err_clear(&err);
  if (!o[0].value || !o[1].value) return usage_error("enroll 需要 --name 和 --key");
  if (proto_key_from_hex(o[1].value, key))
    return usage_error("--key 应为64位十六进制数字，而不是“%s”", o[1].value);
  if (o[3].value && proto_key_from_hex(o[3].value, old))
    return usage_error("--replaces 应为被接替的社区公钥（64位十六进制数字），而不是“%s”", o[3].value);
  if (o[3].value && !o[2].value) return usage_error("--replaces 需要 --code（与原社区相同的代码）");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc && o[3].value)
    rc = hub_enroll_replacing(ctx, key, o[0].value, o[2].value, old, &valid, &seq, &err);
  else if (!rc)
    rc = hub_enroll(ctx, key, o[0].value, o[2].value ? o[2].value : "", &seq, &err);
  if (rc) {
    hub_close(ctx);
    return fail(rc, &err);
  }
  proto_fingerprint(key, fp);
  if (o[3].value) {
    char ofp[PROTO_FINGERPRINT_LEN];
    proto_fingerprint(old, ofp);
    printf("已为社区“%s”登记新密钥（指纹 %s），接替原密钥（指纹 %s），本级台账第 %llu 条。\n",
           o[0].value, fp, ofp, (unsigned long long)seq);
    replaced_said(valid);
    hub_close(ctx);
    return EXIT_OK;
  }
  printf("已登记%s“%s”（密钥指纹 %s），本级台账第 %llu 条\n",
         ctx->role == HUB_ROLE_DISTRICT ? "街道分会" : "社区", o[0].value, fp,
         (unsigned long long)seq);
  hub_close(ctx);
  return EXIT_OK;
}

static int cmd_enroll_requests(const cmd_args *a) {
  opt_spec o[] = {{"json", 1, NULL}};
  int r = parse_or_help(a, "enroll-requests", o, 1, NULL, 0, NULL);
  hub_ctx *ctx = NULL;
  json_t *list = NULL;
  cm_err err;
  cm_rc rc;

  if (r >= 0) return r;
  cm_err_clear(&err);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_enrolguard_list(ctx, &list, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  if (o[0].value) {
    char *s = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) printf("%s\n", s);
    free(s);
  } else {
    size_t i;
    json_t *row;
    /* Headers in Chinese; the columns stay aligned for the ASCII values below
     * them (a Chinese header is two columns wide per character). */
    cm_term_printf("%-4s  %-22s  %-12s  %-22s  %-23s  %-13s  %s\n", "编号", "名称", "代码",
                   "公钥指纹", "时间", "来源地址", "标记");
    json_array_foreach(list, i, row) {
      char iso[26], when[32];
      cm_time_iso((uint64_t)json_integer_value(json_object_get(row, "time_ms")), iso);
      cm_html_iso_text(iso, when, sizeof when); /* 2026-12-04 10:00, as the pages show it */
      const char *imitates = json_string_value(json_object_get(row, "imitates"));
      cm_term_printf("%-4lld  %-24s  %-12s  %-24s  %-25s  %-15s  %s%s\n",
             (long long)json_integer_value(json_object_get(row, "id")),
             json_string_value(json_object_get(row, "name")),
             json_string_value(json_object_get(row, "code")),
             json_string_value(json_object_get(row, "fingerprint")), when,
             json_string_value(json_object_get(row, "source")),
             imitates ? "仿冒 " : "-", imitates ? imitates : "");
    }
  }
  json_decref(list);
  return EXIT_OK;
}

static int cmd_enroll_approve(const cmd_args *a) {
  const char *pos[1] = {0};
  size_t n_pos = 0;
  opt_spec o[] = {{"replaces", 0, NULL}};
  int r = parse_or_help(a, "enroll-approve", o, 1, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  uint8_t old[PROTO_KEY_BYTES];
  uint64_t seq = 0, valid = 0;
  cm_err err;
  cm_rc rc;
  char *end = NULL;

  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos != 1) return usage_error("enroll-approve 需要申请编号");
  errno = 0;
  long long id = strtoll(pos[0], &end, 10);
  if (errno || !end || *end || id <= 0) return usage_error("“%s”不是申请编号", pos[0]);
  if (o[0].value && proto_key_from_hex(o[0].value, old))
    return usage_error("--replaces 应为被接替的社区公钥（64位十六进制数字），而不是“%s”", o[0].value);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_enroll_approve(ctx, (int64_t)id, o[0].value ? old : NULL, &valid, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("已批准第 %lld 号登记申请，本级台账第 %llu 条\n", id, (unsigned long long)seq);
  if (o[0].value) {
    char ofp[PROTO_FINGERPRINT_LEN];
    proto_fingerprint(old, ofp);
    printf("新电脑接替原密钥（指纹 %s）。\n", ofp);
    replaced_said(valid);
  }
  return EXIT_OK;
}

/* ---- serve ---- */

static int cmd_serve(const cmd_args *a) {
  opt_spec o[] = {{"listen", 0, NULL}, {"cert", 0, NULL}, {"key", 0, NULL},
                  {"insecure-http", 1, NULL}, {"host", 0, NULL}, {"answer-wait", 0, NULL}};
  int r = parse_or_help(a, "serve", o, 6, NULL, 0, NULL);
  cm_err err;
  cm_rc rc;

  if (r >= 0) return r;
  cm_err_clear(&err);
  if ((o[1].value == NULL) != (o[2].value == NULL))
    return usage_error("--cert 和 --key 须同时给出");
  rc = cm_client_global_init();
  hub_serve_opts so = {o[0].value, o[1].value, o[2].value, o[3].value != NULL, o[4].value,
                       o[5].value};
  if (!rc) rc = hub_serve(a->dir, &so, &err);
  if (rc) return fail(rc, &err);
  return EXIT_OK;
}

/* ---- bundle import ---- */

/* Read path whole, refusing more than max bytes (CM_ERR_TOO_LARGE). */
static cm_rc read_file(const char *path, size_t max, uint8_t **out, size_t *len_out, cm_err *err) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  cm_rc rc = CM_OK;

  *out = NULL;
  *len_out = 0;
  if (!f) return cm_errf(err, CM_ERR_IO, "无法打开 %s：%s", path, strerror(errno));
  for (;;) {
    if (len == cap) {
      if (cap > max) {
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s 超过 %zu 字节的上限", path, max);
        goto out;
      }
      size_t ncap = cap ? cap * 2 : 65536;
      if (ncap > max + 1) ncap = max + 1;
      uint8_t *nb = realloc(buf, ncap);
      if (!nb) {
        rc = cm_errf(err, CM_ERR_NOMEM, "读取 %s 时内存不足", path);
        goto out;
      }
      buf = nb;
      cap = ncap;
      if (len == cap) {
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s 超过 %zu 字节的上限", path, max);
        goto out;
      }
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
    if (len > max) {
      rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s 超过 %zu 字节的上限", path, max);
      goto out;
    }
  }
  if (ferror(f)) {
    rc = cm_errf(err, CM_ERR_IO, "无法读取 %s", path);
    goto out;
  }
  *out = buf;
  *len_out = len;
  buf = NULL;
out:
  fclose(f);
  free(buf);
  return rc;
}

/* bundle export --node KEY [--after CURSOR] FILE (hub/usbout.c) */
static int bundle_export(const cmd_args *a) {
  opt_spec o[] = {{"node", 0, NULL}, {"after", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int help = 0;
  uint8_t node[PROTO_KEY_BYTES];
  uint64_t after = 0;
  hub_usbout_stats st;
  hub_ctx *ctx = NULL;
  cm_err err;
  int r = parse_opts(a, o, 2, pos, 1, &n_pos, &help);
  if (r) return r;
  if (help) {
    print_command_help(find_command("bundle"));
    return EXIT_OK;
  }
  if (n_pos != 1 || !o[0].value) return usage_error("用法：bundle export --node PUBLIC_KEY FILE");
  if (proto_key_from_hex(o[0].value, node) != CM_OK)
    return usage_error("--node 应是社区的公钥（64 位十六进制）");
  if (o[1].value) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(o[1].value, &end, 10);
    if (errno || !end || *end || o[1].value[0] == '-')
      return usage_error("--after 应是下发记录的位置（一个数字）");
    after = v;
  }
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_usb_export(ctx, node, after, pos[0], &st, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("已写出给该社区的回传文件 %s：回执确认到第%llu条，审核结果和决定%llu条\n", pos[0],
         (unsigned long long)st.head_seq, (unsigned long long)st.items);
  return EXIT_OK;
}

static int cmd_bundle(const cmd_args *a) {
  if (a->argc >= 1 && strcmp(a->argv[0], "export") == 0) {
    cmd_args rest = {a->dir, a->argc - 1, a->argv + 1};
    return bundle_export(&rest);
  }
  const char *pos[2] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "bundle", NULL, 0, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  uint8_t *buf = NULL;
  size_t len = 0;
  hub_ingest_result res;
  cm_err err;
  cm_rc rc;
  char via[HUB_PATH_MAX + 8];
  json_t *j = NULL;

  if (r >= 0) return r;
  memset(&res, 0, sizeof res);
  cm_err_clear(&err);
  if (n_pos != 2 || strcmp(pos[0], "import") != 0)
    return usage_error("用法：bundle import FILE | bundle export --node PUBLIC_KEY FILE");
  rc = read_file(pos[1], HUB_INGEST_MAX_BUNDLE, &buf, &len, &err);
  if (rc) return fail(rc, &err);
  snprintf(via, sizeof via, "bundle %s", pos[1]);
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) {
    free(buf);
    return fail(rc, &err);
  }
  /* New batches meet the auto-accept policy inside the ingest, as a push's. */
  rc = hub_ingest_bundle(ctx, buf, len, via, &res, &err);
  if (!rc) {
    /* the files that came beside the bundle (linli-node bundle export) */
    char files[HUB_PATH_MAX + 16];
    unsigned stored = 0, held = 0;
    snprintf(files, sizeof files, "%s.files", pos[1]);
    rc = hub_attach_import_dir(ctx, files, &stored, &held, &err);
    if (stored || held) fprintf(stderr, "附件：新收 %u 个，已有 %u 个\n", stored, held);
    if (rc) res.rc = rc;
    if (rc) snprintf(res.message, sizeof res.message, "%s", err.msg);
  }
  j = hub_ingest_result_json(&res);
  if (rc && j) {
    /* The same error object the HTTP answer carries. */
    json_object_set_new(j, "error", json_string(cm_rcname(res.rc)));
    json_object_set_new(j, "code", json_integer(res.rc));
    json_object_set_new(j, "message", json_string(res.message));
  }
  if (j) {
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) printf("%s\n", s);
    free(s);
  }
  json_decref(j);
  hub_ingest_result_free(&res);
  hub_close(ctx);
  free(buf);
  if (rc) return fail(rc, &err);
  return EXIT_OK;
}

/* ---- rebuild ---- */

static int cmd_rebuild(const cmd_args *a) {
  int r = parse_or_help(a, "rebuild", NULL, 0, NULL, 0, NULL);
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  if (r >= 0) return r;
  cm_err_clear(&err);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_rebuild(ctx, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("已按保存的台账重新统计\n");
  return EXIT_OK;
}

/* ---- status ---- */

/* An author's role in words. */
static const char *role_words(const char *role) {
  if (!role) return "";
  if (!strcmp(role, "self")) return "本级";
  if (!strcmp(role, "community")) return "社区";
  if (!strcmp(role, "street")) return "街道分会";
  if (!strcmp(role, "district")) return "区协会";
  return role;
}

/* Print the status JSON as text for an operator. */
static void status_text(const hub_ctx *ctx, json_t *st) {
  size_t i;
  json_t *row;
  printf("本级：%s“%s”\n公钥：%s\n密钥指纹：%s\n",
         ctx->role == HUB_ROLE_DISTRICT ? "区协会" : "街道分会", ctx->name, ctx->key_hex,
         ctx->fingerprint);
  if (ctx->upstream_url[0])
    printf("上级：%s%s\n", ctx->upstream_url,
           ctx->has_upstream_key ? "（公钥已固定）" : "（公钥尚未固定）");

  printf("\n各台账：\n");
  cm_term_printf("  %-8s  %-24s  %-12s  %-10s  %s\n", "级别", "名称", "代码", "条数", "标记");
  json_array_foreach(json_object_get(st, "authors"), i, row) {
    char flags[96] = "";
    if (json_integer_value(json_object_get(row, "quarantined"))) strcat(flags, "已隔离 ");
    if (json_integer_value(json_object_get(row, "revoked"))) strcat(flags, "已吊销 ");
    /* a lost PC's key and the one that continues its community */
    if (json_is_string(json_object_get(row, "replaced_by"))) strcat(flags, "已由新密钥接替 ");
    if (json_is_string(json_object_get(row, "replaces"))) strcat(flags, "接替原密钥 ");
    if (json_integer_value(json_object_get(row, "clock_flag"))) {
      char c[48];
      snprintf(c, sizeof c, "时钟偏差%+lld秒 ",
               (long long)(json_integer_value(json_object_get(row, "skew_ms")) / 1000));
      strcat(flags, c);
    }
    cm_term_printf("  %-8s  %-24s  %-12s  %-10lld  %s\n",
                   role_words(json_string_value(json_object_get(row, "role"))),
                   json_string_value(json_object_get(row, "name")),
                   json_string_value(json_object_get(row, "code")),
                   (long long)json_integer_value(json_object_get(row, "head_seq")), flags);
  }

  json_t *forks = json_object_get(st, "forks");
  printf("\n分叉（作者已隔离，两个版本都保留）：%zu\n", json_array_size(forks));
  json_array_foreach(forks, i, row) {
    char when[26];
    cm_time_iso((uint64_t)json_integer_value(json_object_get(row, "time_ms")), when);
    when[10] = ' ';
    when[16] = '\0'; /* 2026-12-03 23:40 */
    cm_term_printf("  第 %lld 号：作者 %s 第 %lld 条，%s，经由 %s\n",
                   (long long)json_integer_value(json_object_get(row, "id")),
                   json_string_value(json_object_get(row, "author")),
                   (long long)json_integer_value(json_object_get(row, "seq")), when,
                   json_string_value(json_object_get(row, "via")));
  }

  json_t *req = json_object_get(st, "requests");
  printf("\n等待批准的登记申请：%zu\n", json_array_size(req));
  json_array_foreach(req, i, row) {
    cm_term_printf("  %lld  %s  %s  %s\n", (long long)json_integer_value(json_object_get(row, "id")),
           json_string_value(json_object_get(row, "name")),
           json_string_value(json_object_get(row, "code")),
           json_string_value(json_object_get(row, "fingerprint")));
  }

  if (ctx->role == HUB_ROLE_STREET) {
    printf("\n转报进度（本级保存 / 区协会已确认）：\n");
    json_array_foreach(json_object_get(st, "forward"), i, row) {
      long long head = (long long)json_integer_value(json_object_get(row, "head_seq"));
      long long acked = (long long)json_integer_value(json_object_get(row, "acked_seq"));
      cm_term_printf("  %s  %lld / %lld%s\n", json_string_value(json_object_get(row, "author")), head,
             acked, head > acked ? "  待转报" : "");
    }
  }
}

static int cmd_status(const cmd_args *a) {
  opt_spec o[] = {{"json", 1, NULL}};
  int r = parse_or_help(a, "status", o, 1, NULL, 0, NULL);
  hub_ctx *ctx = NULL;
  json_t *st = NULL;
  cm_err err;
  cm_rc rc;

  if (r >= 0) return r;
  cm_err_clear(&err);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) {
    pthread_mutex_lock(&ctx->lock);
    rc = hub_store_status_json(ctx->store, ctx->kp.pk, &st, &err);
    pthread_mutex_unlock(&ctx->lock);
  }
  if (rc) {
    hub_close(ctx);
    return fail(rc, &err);
  }
  if (o[0].value) {
    json_t *hub = json_pack("{s:s, s:s, s:s, s:s, s:s}", "role", hub_role_name(ctx->role), "name",
                            ctx->name, "key", ctx->key_hex, "fingerprint", ctx->fingerprint,
                            "upstream", ctx->upstream_url);
    json_object_set_new(st, "hub", hub);
    char *s = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) printf("%s\n", s);
    free(s);
  } else {
    status_text(ctx, st);
  }
  json_decref(st);
  hub_close(ctx);
  return EXIT_OK;
}

/* ---- review and decisions (issue 5) ---- */

/* The operator recorded in entries: --operator, else $USER, else "命令行". */
static const char *operator_of(const char *opt) {
  const char *u = getenv("USER");
  if (opt && *opt) return opt;
  /* The login of whoever runs the command; without one, say where it came from. */
  return u && *u ? u : "命令行";
}

/* Parse a positive decimal ID; 0 when s is not one. */
static int64_t parse_id(const char *s) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || !end || *end || v <= 0) return 0;
  return (int64_t)v;
}

/* Parse a count option (absent = 0); -1 when it is not a non-negative integer. */
static int64_t parse_count(const char *s) {
  char *end = NULL;
  if (!s) return 0;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || !end || *end || v < 0 || *s == '-' || *s == '\0') return -1;
  return (int64_t)v;
}

/* Print j as indented JSON. */
static void print_json(const json_t *j) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) printf("%s\n", s);
  free(s);
}

/* "kind xN, kind xM" from a {kind: n} object into out. */
static void kinds_text(const json_t *kinds, char *out, size_t cap) {
  const char *k;
  json_t *v;
  size_t o = 0;
  out[0] = '\0';
  json_object_foreach((json_t *)kinds, k, v) {
    int n = snprintf(out + o, cap - o, "%s%s %lld 条", o ? "、" : "",
                     cm_i18n_entry_kind(CM_LANG_ZH, k), (long long)json_integer_value(v));
    if (n < 0 || (size_t)n >= cap - o) break;
    o += (size_t)n;
  }
}

static int review_list(hub_ctx *ctx, int json) {
  json_t *list = NULL;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_review_auto(ctx, NULL, &err);
  if (!rc) rc = hub_review_list(ctx, &list, &err);
  if (rc) return fail(rc, &err);
  if (json) {
    print_json(list);
  } else {
    size_t i;
    json_t *b;
    json_array_foreach(list, i, b) {
      char kinds[512];
      kinds_text(json_object_get(b, "kinds"), kinds, sizeof kinds);
      /* ID, community and code first, one word each: scripts read them. */
      cm_term_printf("%lld  %s  %s  第%lld-%lld条  共%lld条：%s  有标记%lld条\n",
             (long long)json_integer_value(json_object_get(b, "id")),
             json_string_value(json_object_get(b, "community")),
             json_string_value(json_object_get(b, "code")),
             (long long)json_integer_value(json_object_get(b, "first_seq")),
             (long long)json_integer_value(json_object_get(b, "last_seq")),
             (long long)json_integer_value(json_object_get(b, "entries")), kinds,
             (long long)json_integer_value(json_object_get(b, "flags")));
    }
  }
  json_decref(list);
  return EXIT_OK;
}

static int review_show(hub_ctx *ctx, int64_t id, int json) {
  json_t *b = NULL;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_review_show(ctx, id, &b, &err);
  if (rc) return fail(rc, &err);
  if (json) {
    print_json(b);
  } else {
    size_t i;
    json_t *r;
    cm_term_printf("批次 %lld：%s（%s），第%lld-%lld条：%s%s%s\n", (long long)id,
           json_string_value(json_object_get(b, "community")),
           json_string_value(json_object_get(b, "code")),
           (long long)json_integer_value(json_object_get(b, "first_seq")),
           (long long)json_integer_value(json_object_get(b, "last_seq")),
           cm_i18n_word(CM_LANG_ZH, "status.", json_string_value(json_object_get(b, "status"))),
           *json_string_value(json_object_get(b, "reason")) ? "：" : "",
           json_string_value(json_object_get(b, "reason")));
    json_array_foreach(json_object_get(b, "records"), i, r) {
      char *body = json_dumps(json_object_get(r, "body"), JSON_COMPACT | JSON_PRESERVE_ORDER);
      char flags[256] = "";
      size_t k;
      json_t *f;
      json_array_foreach(json_object_get(r, "flags"), k, f) {
        size_t l = strlen(flags);
        snprintf(flags + l, sizeof flags - l, "%s%s", l ? "、" : "",
                 cm_i18n_word(CM_LANG_ZH, "flag.", json_string_value(f)));
      }
      cm_term_printf("  第%lld条  %s  %s  标记：%s  %s%s%s\n",
             (long long)json_integer_value(json_object_get(r, "seq")),
             cm_i18n_entry_kind(CM_LANG_ZH, json_string_value(json_object_get(r, "kind"))),
             cm_i18n_word(CM_LANG_ZH, "status.", json_string_value(json_object_get(r, "status"))),
             flags[0] ? flags : "无", body ? body : "",
             *json_string_value(json_object_get(r, "reason")) ? "  已退回：" : "",
             json_string_value(json_object_get(r, "reason")));
      free(body);
    }
  }
  json_decref(b);
  return EXIT_OK;
}

/* review accept ID [--except RECORD --reason TEXT ...] [--operator NAME] */
static int review_accept(hub_ctx *ctx, int argc, char **argv) {
  hub_review_except ex[HUB_REVIEW_EXCEPT_MAX];
  size_t n = 0;
  int64_t id = 0;
  const char *op = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_err_clear(&err);
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--except") == 0 && i + 1 < argc) {
      if (n == HUB_REVIEW_EXCEPT_MAX) return usage_error("--except 太多");
      ex[n].record = argv[++i];
      ex[n].reason = NULL;
      n++;
    } else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
      if (n == 0 || ex[n - 1].reason) return usage_error("--reason 应紧跟在它的 --except RECORD 之后");
      ex[n - 1].reason = argv[++i];
    } else if (strcmp(argv[i], "--operator") == 0 && i + 1 < argc) {
      op = argv[++i];
    } else if (!id && (id = parse_id(argv[i])) != 0) {
      continue;
    } else {
      return usage_error("review accept ID [--except RECORD --reason TEXT ...]：无法识别“%s”",
                         argv[i]);
    }
  }
  if (!id) return usage_error("review accept 需要批次编号");
  for (size_t k = 0; k < n; k++)
    if (!ex[k].reason) return usage_error("--except %s 需要 --reason TEXT", ex[k].record);
  cm_rc rc = hub_review_accept(ctx, id, operator_of(op), ex, n, &seq, &err);
  if (rc) return fail(rc, &err);
  printf("第 %lld 号批次已通过%s，本级台账第 %llu 条\n", (long long)id,
         n ? "（部分记录已退回）" : "", (unsigned long long)seq);
  return EXIT_OK;
}

static int cmd_review(const cmd_args *a) {
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int r = EXIT_OK;
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cm_err_clear(&err);
  if (strcmp(sub, "accept") == 0) {
    rc = hub_open(a->dir, &ctx, &err);
    if (rc) return fail(rc, &err);
    r = review_accept(ctx, a->argc - 1, a->argv + 1);
    hub_close(ctx);
    return r;
  }
  opt_spec o[] = {{"json", 1, NULL}, {"reason", 0, NULL}, {"operator", 0, NULL}};
  const char *pos[2] = {0};
  size_t n_pos = 0;
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  r = parse_or_help(&rest, "review", o, 3, pos, 1, &n_pos);
  if (r >= 0) return r;
  r = EXIT_OK;
  int64_t id = n_pos ? parse_id(pos[0]) : 0;
  if (strcmp(sub, "list") == 0) {
    if (n_pos) return usage_error("review list 不带编号");
  } else if (strcmp(sub, "show") == 0 || strcmp(sub, "reject") == 0) {
    if (!id) return usage_error("review %s 需要批次编号", sub);
    if (strcmp(sub, "reject") == 0 && !o[1].value)
      return usage_error("用法：review reject ID --reason TEXT");
  } else {
    return usage_error("用法：review list|show|accept|reject");
  }
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  if (strcmp(sub, "list") == 0) {
    r = review_list(ctx, o[0].value != NULL);
  } else if (strcmp(sub, "show") == 0) {
    r = review_show(ctx, id, o[0].value != NULL);
  } else {
    uint64_t seq = 0;
    rc = hub_review_reject(ctx, id, operator_of(o[2].value), o[1].value, &seq, &err);
    if (rc)
      r = fail(rc, &err);
    else
      printf("第 %lld 号批次已退回，本级台账第 %llu 条\n", (long long)id,
             (unsigned long long)seq);
  }
  hub_close(ctx);
  return r;
}

static int cmd_policy(const cmd_args *a) {
  const char *pos[2] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "policy", NULL, 0, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int on = 0;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos != 0 && !(n_pos == 2 && strcmp(pos[0], "auto-accept") == 0 &&
                      (strcmp(pos[1], "on") == 0 || strcmp(pos[1], "off") == 0)))
    return usage_error("用法：policy [auto-accept on|off]");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc && n_pos == 2) rc = hub_review_policy_set(ctx, strcmp(pos[1], "on") == 0, &err);
  if (!rc) rc = hub_review_policy_get(ctx, &on, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("自动通过：%s\n", on ? "开" : "关");
  return EXIT_OK;
}

static int cmd_dashboard(const cmd_args *a) {
  const char *pos[2] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "dashboard", NULL, 0, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int day = 0;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos < 1 || n_pos > 2 || strcmp(pos[0], "due-day") != 0 ||
      (n_pos == 2 && ((day = atoi(pos[1])) < 1 || day > 28)))
    return usage_error("用法：dashboard due-day [1..28]");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc && n_pos == 2) rc = hub_dashboard_due_day_set(ctx, day, &err);
  if (!rc) rc = hub_dashboard_due_day_get(ctx, &day, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("月报截止日：次月 %d 日\n", day);
  return EXIT_OK;
}

/* `feedback days [N] [--operator NAME]`: show, and at the district set for
 * every level below, the days before a resident's feedback that is not
 * reported to the street is overdue (feedback.due). */
static int cmd_feedback(const cmd_args *a) {
  const char *pos[2] = {0};
  size_t n_pos = 0;
  opt_spec o[] = {{"operator", 0, NULL}};
  int r = parse_or_help(a, "feedback", o, 1, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  int64_t days = 0;
  uint64_t seq = 0;
  cm_err err;
  if (r >= 0) return r;
  if (n_pos < 1 || strcmp(pos[0], "days") != 0 || (n_pos == 1 && o[0].value) ||
      (n_pos == 2 && (days = parse_count(pos[1])) < 0))
    return usage_error("用法：feedback days [天数] [--operator NAME]");
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc && n_pos == 2) {
    rc = hub_feedback_days_set(ctx, days, operator_of(o[0].value), &seq, &err);
    if (!rc)
      printf("已设定群众意见办理期限，记入本台账第 %llu 条，将下发各街道和社区\n",
             (unsigned long long)seq);
  }
  if (!rc) rc = hub_feedback_days_get(ctx, 0, &days, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  char said[160];
  cm_setting_feedback_text(CM_LANG_ZH, days, said, sizeof said);
  printf("%s（%s）\n", said, seq ? "区协会设定" : "默认值");
  return EXIT_OK;
}

static int cmd_dossier(const cmd_args *a) {
  opt_spec o[] = {{"org", 0, NULL}, {"zip", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "dossier", o, 2, pos, 0, &n_pos);
  hub_ctx *ctx = NULL;
  cm_dossier d;
  cm_att_store st;
  cm_buf page;
  char level[HUB_NAME_MAX + 16];
  unsigned files = 0;
  cm_err err;
  if (r >= 0) return r;
  if (!o[0].value) return usage_error("用法：dossier --org ID [--zip FILE]");
  cm_err_clear(&err);
  cm_dossier_init(&d, "");
  cm_buf_init(&page, 16u << 20);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_dossier_build(ctx, o[0].value, &d, NULL, &err);
  if (!rc) rc = hub_attach_store(ctx, &st, &err);
  if (!rc) hub_dossier_level(ctx, level, sizeof level);
  if (!rc && o[1].value) {
    rc = cm_dossier_zip(&d, level, &st, o[1].value, &files, &err);
    if (!rc) printf("%zu 项，%u 个文件 → %s\n", d.n, files, o[1].value);
  } else if (!rc) {
    rc = cm_dossier_html(&d, level, "files/", 0, NULL, &st, &page, &err);
    if (!rc) fwrite(page.p, 1, page.len, stdout);
  }
  cm_buf_free(&page);
  cm_dossier_free(&d);
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* `files check [--no-fetch]` (hub/attach_check.h). */
static int files_check(hub_ctx *ctx, int fetch) {
  cm_att_checked c;
  cm_err err;
  cm_err_clear(&err);
  fetch = fetch && ctx->role == HUB_ROLE_STREET && ctx->upstream_url[0];
  cm_rc rc = fetch ? cm_client_global_init() : CM_OK;
  if (!rc) rc = hub_attach_check(ctx, fetch, stdout, &c, &err);
  if (!rc) {
    printf("附件 %u 个：完好 %u 个，缺失 %u 个，损坏 %u 个", c.files, c.ok, c.missing, c.corrupt);
    if (fetch) printf("；从区协会取回 %u 个（%llu 字节）", c.fetched, (unsigned long long)c.bytes);
    printf("\n");
  }
  if (!rc && c.left)
    rc = cm_errf(&err, CM_ERR_NOT_FOUND, "%u 个附件缺失或损坏（其中可能有社区尚未上传的）%s", c.left,
                 fetch ? "" : (ctx->role == HUB_ROLE_STREET ? "；去掉 --no-fetch 可从区协会取回" : ""));
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* `files limits [--file-mb N --year-mb N]`: set (the district) and show the
 * caps on attachments every level below applies. */
static int files_limits(hub_ctx *ctx, const char *file_mb, const char *year_mb, const char *op) {
  uint64_t file_max = 0, year_max = 0, seq = 0;
  cm_err err;
  cm_rc rc = CM_OK;
  cm_err_clear(&err);
  if (file_mb || year_mb) {
    int64_t f = file_mb ? parse_count(file_mb) : -1, y = year_mb ? parse_count(year_mb) : -1;
    if (!file_mb || !year_mb || f < 1 || y < 1)
      return usage_error("用法：files limits --file-mb 每个附件的上限 --year-mb 每个组织每年的上限"
                         "（都是正整数，单位 MB，两个一起给）");
    rc = hub_limits_set(ctx, f, y, op, &seq, &err);
    if (!rc) printf("已设定附件上限，记入本台账第 %llu 条，将下发各街道和社区\n",
                    (unsigned long long)seq);
  }
  if (!rc) rc = hub_limits_get(ctx, &file_max, &year_max, &seq, &err);
  if (rc) return fail(rc, &err);
  cm_att_caps_print(stdout, file_max, year_max, seq != 0);
  return EXIT_OK;
}

static int cmd_files(const cmd_args *a) {
  const char *pos[3] = {0};
  size_t n_pos = 0;
  opt_spec o[] = {{"no-fetch", 1, NULL}, {"file-mb", 0, NULL}, {"year-mb", 0, NULL},
                  {"operator", 0, NULL}};
  int r = parse_or_help(a, "files", o, 4, pos, 3, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  if (r >= 0) return r;
  int check = n_pos == 1 && strcmp(pos[0], "check") == 0;
  int limits = n_pos == 1 && strcmp(pos[0], "limits") == 0;
  int sets = o[1].value || o[2].value || o[3].value;
  if ((check && sets) || (limits && o[0].value) ||
      (!check && !limits &&
       (n_pos < 1 || n_pos > 2 || strcmp(pos[0], "above-street") != 0 || o[0].value || sets)))
    return usage_error("用法：files above-street [filing,activity,people,evaluation,plan,change]\n"
                       "      files check [--no-fetch]\n"
                       "      files limits [--file-mb N --year-mb N]");
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc && (check || limits)) {
    int x = check ? files_check(ctx, !o[0].value)
                  : files_limits(ctx, o[1].value, o[2].value, operator_of(o[3].value));
    hub_close(ctx);
    return x;
  }
  if (!rc && n_pos == 2) rc = hub_attach_above_street_set(ctx, pos[1], &err);
  if (!rc) {
    printf("上传到区的档案类别：");
    for (int i = 0; i < 6; i++)
      if (hub_attach_heading_travels(ctx, cm_att_headings[i].key))
        printf("%s（%s） ", cm_att_headings[i].label, cm_att_headings[i].key);
    printf("\n");
  }
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

static int cmd_quota(const cmd_args *a) {
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "quota", NULL, 0, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int64_t bytes = 0;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos == 1 && (bytes = parse_count(pos[0])) < 1)
    return usage_error("用法：quota [字节数]（正整数）");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc && n_pos == 1) rc = hub_quota_set(ctx, bytes, &err);
  if (!rc) rc = hub_quota_get(ctx, &bytes, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("每个社区每天最多上传 %lld 字节\n", (long long)bytes);
  return EXIT_OK;
}

static int cmd_decide(const cmd_args *a) {
  opt_spec o[] = {{"org", 0, NULL},    {"community", 0, NULL}, {"deadline", 0, NULL},
                  {"result", 0, NULL}, {"reason", 0, NULL},    {"operator", 0, NULL},
                  {"json", 1, NULL}};
  const char *pos[2] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "decide", o, 7, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  hub_decision d;
  cm_err err;
  cm_rc rc;
  char record[PROTO_KEY_HEX + 24];
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos == 2 && strcmp(pos[0], "withdraw") == 0) {
    if (!o[4].value) return usage_error("decide withdraw 需要 --reason TEXT");
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc)
      rc = hub_decide_withdraw(ctx, pos[1], o[4].value, operator_of(o[5].value), record,
                               sizeof record, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    printf("已撤回决定 %s（撤回记录 %s）\n", pos[1], record);
    return EXIT_OK;
  }
  if (n_pos != 1 || strcmp(pos[0], "withdraw") == 0)
    return usage_error("用法：decide commend|criticize|inspect|revoke|notice|list ... | "
                       "withdraw RECORD --reason TEXT");
  if (strcmp(pos[0], "list") == 0) {
    json_t *list = NULL;
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc) rc = hub_decisions_list(ctx, &list, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    if (o[6].value) {
      print_json(list);
    } else {
      size_t i;
      json_t *x;
      json_array_foreach(list, i, x) {
        /* The record first (scripts read it), then the decision in words. */
        cm_term_printf("%s  %s  %s发出  %s%s  %s%s%s\n", json_string_value(json_object_get(x, "record")),
               cm_i18n_kind(CM_LANG_ZH, json_string_value(json_object_get(x, "kind"))),
               cm_i18n_word(CM_LANG_ZH, "origin.", json_string_value(json_object_get(x, "by"))),
               json_string_value(json_object_get(x, "org")),
               json_string_value(json_object_get(x, "community")),
               json_string_value(json_object_get(x, "reason")),
               json_is_true(json_object_get(x, "withdrawn")) ? "  已撤回"
               : json_is_true(json_object_get(x, "closed"))  ? "  已结案"
                                                              : "",
               json_is_true(json_object_get(x, "overdue")) ? "  逾期未整改" : "");
      }
    }
    json_decref(list);
    return EXIT_OK;
  }
  memset(&d, 0, sizeof d);
  if (hub_decision_kind_parse(pos[0], &d.kind, &err)) return usage_error("%s", err.msg);
  d.org = o[0].value;
  d.community = o[1].value;
  d.deadline = o[2].value;
  d.result = o[3].value;
  d.reason = o[4].value;
  if (!d.reason) return usage_error("decide %s 需要 --reason TEXT", pos[0]);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_decide(ctx, &d, operator_of(o[5].value), record, sizeof record, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  /* The record last: scripts take the last field. */
  printf("已发出决定（%s），记录 %s\n", cm_i18n_kind(CM_LANG_ZH, pos[0]), record);
  return EXIT_OK;
}

/* inspection file: the self-report of one of the street's own organisations,
 * options as cmd_inspection parses them (o[0] year, o[7] onwards the
 * report's). */
static int inspection_file(const char *dir, const opt_spec *o) {
  hub_local_inspection s = {o[7].value,  o[0].value,  o[8].value,  o[9].value,  o[10].value,
                            o[11].value, o[12].value, o[13].value, o[14].value, o[15].value,
                            o[16].value, o[17].value, o[18].value};
  hub_ctx *ctx = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_open(dir, &ctx, &err);
  if (!rc) rc = hub_local_inspection_file(ctx, &s, &seq, &err);
  /* The record last: scripts take the last field. */
  if (!rc) printf("%s/%llu\n", ctx->key_hex, (unsigned long long)seq);
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* Set (date non-NULL, by operator op) and print the due date of what of
 * year: the district's, which its streets receive. */
static cm_rc due_show_set(hub_ctx *ctx, const char *what, int year, const char *date,
                         const char *op, cm_err *err) {
  char due[11];
  cm_rc rc = date ? hub_year_due_set(ctx, what, year, date, operator_of(op), err) : CM_OK;
  if (!rc) rc = hub_year_due(ctx, what, year, due, err);
  if (rc) return rc;
  char said[160];
  cm_setting_due_text(CM_LANG_ZH, what, year, due, said, sizeof said);
  printf("%s\n", said);
  return rc;
}

/* plan due / summary due --year YYYY [--date YYYY-MM-DD]: a plan's year may
 * be next year's, a summary's is this year's or earlier. */
static int due_cmd(const cmd_args *a, const char *what) {
  opt_spec o[] = {{"year", 0, NULL}, {"date", 0, NULL}, {"operator", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, what, o, 3, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  int year = 0;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos != 0 || !o[0].value)
    return usage_error("用法：%s due --year YYYY [--date YYYY-MM-DD]", what);
  /* a plan's year may be next year's */
  if (hub_year_parse_ahead(o[0].value, 0, !strcmp(what, "plan"), &year, &err))
    return usage_error("%s", err.msg);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = due_show_set(ctx, what, year, o[1].value, o[2].value, &err);
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* The annual inspection (年检): list, result, due, file. */
static int cmd_inspection(const cmd_args *a) {
  opt_spec o[] = {{"year", 0, NULL},       {"result", 0, NULL},        {"deadline", 0, NULL},
                  {"reason", 0, NULL},     {"operator", 0, NULL},      {"date", 0, NULL},
                  {"json", 1, NULL},       {"org", 0, NULL},           {"activities", 0, NULL},
                  {"members", 0, NULL},    {"joined", 0, NULL},        {"left", 0, NULL},
                  {"party-members", 0, NULL}, {"funds-received", 0, NULL},
                  {"funds-used", 0, NULL}, {"problems", 0, NULL},      {"plans", 0, NULL},
                  {"opinion", 0, NULL},    {"opinion-text", 0, NULL}};
  const char *pos[2] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "inspection", o, sizeof o / sizeof o[0], pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *j = NULL;
  cm_err err;
  cm_rc rc;
  int year = 0;
  char record[PROTO_KEY_HEX + 24], today[11], last[16];
  if (r >= 0) return r;
  cm_err_clear(&err);
  int is_list = n_pos == 1 && !strcmp(pos[0], "list");
  int is_result = n_pos == 2 && !strcmp(pos[0], "result");
  int is_due = n_pos == 1 && !strcmp(pos[0], "due");
  int is_file = n_pos == 1 && !strcmp(pos[0], "file");
  if (!is_list && !is_result && !is_due && !is_file)
    return usage_error("用法：inspection list [--year YYYY] [--json] | result ORG --year YYYY "
                       "--result pass|rectify|fail [--deadline YYYY-MM-DD] --reason TEXT | "
                       "due --year YYYY [--date YYYY-MM-DD] | file --org ID --year YYYY ...");
  if (is_file) return inspection_file(a->dir, o);
  cm_date_of(cm_now_ms(), today);
  snprintf(last, sizeof last, "%d", atoi(today) - 1);
  /* a due date may be set before its year is over, to announce it */
  if (hub_year_parse(o[0].value ? o[0].value : (is_list ? last : NULL), !is_due, &year, &err))
    return usage_error("%s", err.msg);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc && is_result) {
    if (!o[1].value || !o[3].value)
      rc = cm_errf(&err, CM_ERR_INVALID, "inspection result 需要 --result 和 --reason");
    if (!rc)
      rc = hub_year_result(ctx, pos[1], year, o[1].value, o[2].value, o[3].value,
                           operator_of(o[4].value), record, sizeof record, &err);
    if (!rc) printf("%s\n", record);
  } else if (!rc && is_due) {
    rc = due_show_set(ctx, "inspection", year, o[5].value, o[4].value, &err);
  } else if (!rc) {
    rc = hub_year_progress(ctx, year, NULL, &j, &err);
    if (!rc && o[6].value) {
      print_json(j);
    } else if (!rc) {
      size_t i;
      json_t *x, *t = json_object_get(j, "totals");
      printf("%d年度年检：应检 %lld，已报自查 %lld（逾期 %lld），已检 %lld：合格 %lld，"
             "限期整改 %lld（已整改 %lld），不合格 %lld；未报 %lld\n",
             year, (long long)json_integer_value(json_object_get(t, "expected")),
             (long long)json_integer_value(json_object_get(t, "self_reported")),
             (long long)json_integer_value(json_object_get(t, "late")),
             (long long)json_integer_value(json_object_get(t, "inspected")),
             (long long)json_integer_value(json_object_get(t, "pass")),
             (long long)json_integer_value(json_object_get(t, "rectify")),
             (long long)json_integer_value(json_object_get(t, "rectified")),
             (long long)json_integer_value(json_object_get(t, "fail")),
             (long long)json_integer_value(json_object_get(t, "missing")));
      json_array_foreach(json_object_get(j, "organisations"), i, x) {
        cm_term_printf("%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(x, "org")),
                       json_string_value(json_object_get(x, "community")),
                       json_string_value(json_object_get(x, "name")),
                       json_is_true(json_object_get(x, "self_reported")) ? "已报" : "未报",
                       *json_string_value(json_object_get(x, "result"))
                           ? cm_i18n_word(CM_LANG_ZH, "result.",
                                          json_string_value(json_object_get(x, "result")))
                           : "未检",
                       json_string_value(json_object_get(x, "deadline")));
      }
    }
  }
  hub_close(ctx);
  json_decref(j);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* Evaluation and commendation (评比表彰): rounds, nominations, the street's
 * recommendation, the district's selection, the annual list. */
static int eval_print_nominations(const json_t *list) {
  static const char *const st[][2] = {
      {"nominated", "已提名"}, {"recommended", "街道已推荐"}, {"commended", "已表彰"}};
  size_t i;
  json_t *x;
  json_array_foreach(list, i, x) {
    const char *s = json_string_value(json_object_get(x, "status")), *zh = s;
    for (size_t k = 0; k < 3; k++)
      if (!strcmp(s, st[k][0])) zh = st[k][1];
    const char *person = json_string_value(json_object_get(x, "person"));
    cm_term_printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(x, "record")),
                   json_string_value(json_object_get(x, "round")),
                   json_string_value(json_object_get(x, "community")),
                   json_string_value(json_object_get(x, "org")),
                   json_string_value(json_object_get(x, "name")), *person ? person : "（组织）", zh);
  }
  return EXIT_OK;
}

static int cmd_evaluation(const cmd_args *a) {
  opt_spec o[] = {{"year", 0, NULL},    {"title", 0, NULL},  {"closes", 0, NULL},
                  {"round", 0, NULL},   {"opinion", 0, NULL}, {"reason", 0, NULL},
                  {"operator", 0, NULL}, {"csv", 0, NULL},    {"xlsx", 0, NULL},
                  {"json", 1, NULL},     {"org", 0, NULL},    {"person", 0, NULL},
                  {"deeds", 0, NULL}};
  const char *pos[2] = {0};
  size_t n_pos = 0, n = 0;
  int r = parse_or_help(a, "evaluation", o, 13, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *j = NULL;
  cm_err err;
  cm_rc rc;
  int year = 0;
  char record[PROTO_KEY_HEX + 24], round[CM_REC_ROUND_MAX], today[11];
  if (r >= 0) return r;
  cm_err_clear(&err);
  const char *sub = n_pos ? pos[0] : "";
  int one = n_pos == 1, two = n_pos == 2;
  if (!((one && (!strcmp(sub, "open") || !strcmp(sub, "rounds") || !strcmp(sub, "list") ||
                 !strcmp(sub, "commendations") || !strcmp(sub, "nominate"))) ||
        (two && (!strcmp(sub, "recommend") || !strcmp(sub, "select") || !strcmp(sub, "close")))))
    return usage_error("用法：evaluation open --year YYYY --title TEXT --closes YYYY-MM-DD | rounds | "
                       "close ROUND [--reason TEXT] | "
                       "nominate --round ID --org ID [--person NAME] --deeds TEXT | "
                       "list [--round ID] [--year YYYY] | recommend NOMINATION --opinion TEXT | "
                       "select NOMINATION --reason TEXT | commendations [--year YYYY] "
                       "[--csv FILE | --xlsx FILE]");
  cm_date_of(cm_now_ms(), today);
  today[4] = '\0';
  if (o[0].value || !strcmp(sub, "open") || !strcmp(sub, "commendations")) {
    if (hub_year_parse(o[0].value ? o[0].value : today, 0, &year, &err))
      return usage_error("%s", err.msg);
  }
  if (!strcmp(sub, "open") && (!o[1].value || !o[2].value))
    return usage_error("evaluation open 需要 --year、--title 和 --closes");
  if (!strcmp(sub, "recommend") && !o[4].value) return usage_error("evaluation recommend 需要 --opinion");
  if (!strcmp(sub, "select") && !o[5].value) return usage_error("evaluation select 需要 --reason");
  if (!strcmp(sub, "nominate") && (!o[3].value || !o[10].value || !o[12].value))
    return usage_error("evaluation nominate 需要 --round、--org 和 --deeds");
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  if (!strcmp(sub, "open")) {
    rc = hub_eval_open(ctx, year, o[1].value, o[2].value, operator_of(o[6].value), round, &n, &err);
    if (!rc) printf("已向%zu个社区发起评比\n%s\n", n, round);
  } else if (!strcmp(sub, "rounds")) {
    rc = hub_eval_rounds(ctx, &j, &err);
    size_t i;
    json_t *x;
    if (!rc && o[9].value) print_json(j);
    else if (!rc)
      json_array_foreach(j, i, x)
        cm_term_printf("%s\t%s\t提名截止 %s\t%s%s\n", json_string_value(json_object_get(x, "round")),
                       json_string_value(json_object_get(x, "title")),
                       json_string_value(json_object_get(x, "closes")),
                       json_is_true(json_object_get(x, "open"))       ? "进行中"
                       : *json_string_value(json_object_get(x, "closed")) ? "已提前截止 "
                                                                          : "已截止",
                       json_string_value(json_object_get(x, "closed")));
  } else if (!strcmp(sub, "close")) {
    rc = hub_eval_close(ctx, pos[1], o[5].value, operator_of(o[6].value), &n, &err);
    if (!rc) printf("评比%s已提前截止，已通知%zu个社区\n", pos[1], n);
  } else if (!strcmp(sub, "nominate")) {
    rc = hub_eval_nominate(ctx, o[3].value, o[10].value, o[11].value, o[12].value, record,
                           sizeof record, &err);
    if (!rc) printf("%s\n", record);
  } else if (!strcmp(sub, "list")) {
    rc = hub_eval_nominations(ctx, o[3].value, year, &j, &err);
    if (!rc && o[9].value) print_json(j);
    else if (!rc) eval_print_nominations(j);
  } else if (!strcmp(sub, "recommend")) {
    rc = hub_eval_recommend(ctx, pos[1], o[4].value, operator_of(o[6].value), record,
                            sizeof record, &err);
    if (!rc) printf("%s\n", record);
  } else if (!strcmp(sub, "select")) {
    rc = hub_eval_select(ctx, pos[1], o[5].value, operator_of(o[6].value), record, sizeof record,
                         &err);
    if (!rc) printf("%s\n", record);
  } else {
    rc = hub_eval_commendations(ctx, year, &j, &err);
    const char *path = o[8].value ? o[8].value : o[7].value;
    if (!rc && path) {
      cm_buf b;
      cm_buf_init(&b, 64u << 20);
      rc = hub_eval_commendations_file(j, o[8].value != NULL, a->dir, &b, &err);
      FILE *f = rc ? NULL : fopen(path, "wb");
      if (!rc && (!f || fwrite(b.p, 1, b.len, f) != b.len))
        rc = cm_errf(&err, CM_ERR_IO, "无法写入文件“%s”", path);
      if (f && fclose(f) != 0 && !rc) rc = cm_errf(&err, CM_ERR_IO, "无法写入文件“%s”", path);
      cm_buf_free(&b);
      if (!rc) printf("%d年度表彰名单：%zu条，已写入%s\n", year, json_array_size(j), path);
    } else if (!rc && o[9].value) {
      print_json(j);
    } else if (!rc) {
      size_t i;
      json_t *x;
      json_array_foreach(j, i, x) {
        const char *person = json_string_value(json_object_get(x, "person"));
        cm_term_printf("%s\t%s\t%s\t%s\t%s\t%s\n", json_string_value(json_object_get(x, "street")),
                       json_string_value(json_object_get(x, "community")),
                       json_string_value(json_object_get(x, "org")),
                       json_string_value(json_object_get(x, "name")), *person ? person : "（组织）",
                       json_string_value(json_object_get(x, "reason")));
      }
    }
  }
  hub_close(ctx);
  json_decref(j);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* A street's own plan or year-end summary (plan.unit, summary.unit). */
static int plan_unit_file(const cmd_args *a, int summary) {
  opt_spec o[] = {{"year", 0, NULL},    {"goals", 0, NULL},   {"activities", 0, NULL},
                  {"count", 0, NULL},   {"results", 0, NULL}, {"problems", 0, NULL},
                  {"org", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, summary ? "summary" : "plan", o, 7, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  cm_err err;
  int64_t n = 0;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (!o[0].value || strlen(o[0].value) != 4 || strspn(o[0].value, "0123456789") != 4)
    return usage_error("需要 --year YYYY");
  if (o[3].value && (n = parse_count(o[3].value)) < 0)
    return usage_error("--count 应为非负整数，而不是“%s”", o[3].value);
  if (summary && !o[3].value) return usage_error("年终总结需要 --count（全年活动次数）");
  char record[PROTO_KEY_HEX + 24];
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc && o[6].value)
    rc = hub_year_org_plan_file(ctx, o[6].value, summary, atoi(o[0].value),
                                summary ? o[4].value : o[1].value,
                                summary ? o[5].value : o[2].value, n, record, sizeof record, &err);
  else if (!rc)
    rc = hub_year_unit_plan_file(ctx, summary, atoi(o[0].value), summary ? o[4].value : o[1].value,
                                 summary ? o[5].value : o[2].value, n, record, sizeof record, &err);
  if (!rc) printf("%s\n", record);
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

static int cmd_summary(const cmd_args *a) {
  int due = a->argc >= 1 && strcmp(a->argv[0], "due") == 0;
  if (a->argc < 1 || (strcmp(a->argv[0], "file") != 0 && !due))
    return usage_error("用法：summary file [--org ID] --year YYYY --results TEXT [--problems TEXT]"
                       " --count N | summary due --year YYYY [--date YYYY-MM-DD]");
  cmd_args rest = {a->dir, a->argc - 1, a->argv + 1};
  return due ? due_cmd(&rest, "summary") : plan_unit_file(&rest, 1);
}

/* Plans and year-end summaries (计划总结): who has submitted them. */
static int cmd_plan(const cmd_args *a) {
  opt_spec o[] = {{"year", 0, NULL}, {"json", 1, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  if (a->argc >= 1 && strcmp(a->argv[0], "file") == 0) {
    cmd_args rest = {a->dir, a->argc - 1, a->argv + 1};
    return plan_unit_file(&rest, 0);
  }
  if (a->argc >= 1 && strcmp(a->argv[0], "due") == 0) {
    cmd_args rest = {a->dir, a->argc - 1, a->argv + 1};
    return due_cmd(&rest, "plan");
  }
  int r = parse_or_help(a, "plan", o, 2, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *j = NULL, *x;
  cm_err err;
  int year = 0;
  size_t i;
  char today[11];
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos != 1 || strcmp(pos[0], "list") != 0)
    return usage_error("用法：plan list [--year YYYY] [--json] | plan file [--org ID] --year YYYY "
                       "--goals T --activities T [--count N] | plan due --year YYYY [--date YYYY-MM-DD]");
  cm_date_of(cm_now_ms(), today);
  today[4] = '\0';
  if (hub_year_parse(o[0].value ? o[0].value : today, 0, &year, &err))
    return usage_error("%s", err.msg);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_year_plans(ctx, year, NULL, &j, &err);
  hub_close(ctx);
  if (!rc && o[1].value) {
    print_json(j);
  } else if (!rc) {
    json_t *t = json_object_get(j, "totals"), *u = json_object_get(j, "unit_totals");
    printf("%d年度：应报 %lld，工作计划 %lld（逾期 %lld），年终总结 %lld（逾期 %lld）\n", year,
           (long long)json_integer_value(json_object_get(t, "expected")),
           (long long)json_integer_value(json_object_get(t, "plans")),
           (long long)json_integer_value(json_object_get(t, "plans_late")),
           (long long)json_integer_value(json_object_get(t, "summaries")),
           (long long)json_integer_value(json_object_get(t, "summaries_late")));
    for (int lv = 0; lv < 2; lv++) {
      json_t *c = json_object_get(u, lv ? "street" : "community");
      printf("%s本级：应报 %lld，工作计划 %lld，年终总结 %lld\n", lv ? "街道" : "社区",
             (long long)json_integer_value(json_object_get(c, "expected")),
             (long long)json_integer_value(json_object_get(c, "plans")),
             (long long)json_integer_value(json_object_get(c, "summaries")));
    }
    json_array_foreach(json_object_get(j, "organisations"), i, x) {
      const char *pd = json_string_value(json_object_get(x, "plan_date"));
      const char *sd = json_string_value(json_object_get(x, "summary_date"));
      cm_term_printf("%s\t%s\t%s\t计划:%s\t总结:%s\n", json_string_value(json_object_get(x, "org")),
                     json_string_value(json_object_get(x, "community")),
                     json_string_value(json_object_get(x, "name")), *pd ? pd : "未报",
                     *sd ? sd : "未报");
    }
    json_array_foreach(json_object_get(j, "units"), i, x) {
      const char *pd = json_string_value(json_object_get(x, "plan_date"));
      const char *sd = json_string_value(json_object_get(x, "summary_date"));
      int street = !strcmp(json_string_value(json_object_get(x, "level")), "street");
      cm_term_printf("%s\t%s\t%s\t计划:%s\t总结:%s\n", street ? "街道本级" : "社区本级",
                     json_string_value(json_object_get(x, "street")),
                     json_string_value(json_object_get(x, "community")), *pd ? pd : "未报",
                     *sd ? sd : "未报");
    }
  }
  json_decref(j);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* Trainings (培训): record one, list a year's. */
static int cmd_training(const cmd_args *a) {
  opt_spec o[] = {{"date", 0, NULL},  {"topic", 0, NULL}, {"organiser", 0, NULL},
                  {"orgs", 0, NULL},  {"content", 0, NULL}, {"year", 0, NULL},
                  {"json", 1, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0, i;
  int r = parse_or_help(a, "training", o, 7, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *j = NULL, *orgs = NULL, *x;
  cm_err err;
  int year = 0;
  char record[PROTO_KEY_HEX + 24], today[11];
  if (r >= 0) return r;
  cm_err_clear(&err);
  int is_record = n_pos == 1 && !strcmp(pos[0], "record");
  if (!is_record && (n_pos != 1 || strcmp(pos[0], "list") != 0))
    return usage_error("用法：training record --date YYYY-MM-DD --topic T --organiser T "
                       "--orgs ID,ID,... [--content T] | training list [--year YYYY] [--json]");
  if (is_record) {
    if (!o[0].value || !o[1].value || !o[2].value || !o[3].value)
      return usage_error("training record 需要 --date、--topic、--organiser 和 --orgs");
    orgs = json_array();
    char *copy = strdup(o[3].value), *save = NULL;
    for (char *t = copy ? strtok_r(copy, ",，", &save) : NULL; t && orgs;
         t = strtok_r(NULL, ",，", &save))
      json_array_append_new(orgs, json_string(t));
    free(copy);
    if (!orgs) return fail(CM_ERR_NOMEM, &err);
  } else {
    cm_date_of(cm_now_ms(), today);
    today[4] = '\0';
    if (hub_year_parse(o[5].value ? o[5].value : today, 0, &year, &err)) {
      json_decref(orgs);
      return usage_error("%s", err.msg);
    }
  }
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc && is_record) {
    rc = hub_year_training_record(ctx, o[0].value, o[1].value, o[2].value, o[4].value, orgs,
                                  record, sizeof record, &err);
    if (!rc) printf("%s\n", record);
  } else if (!rc) {
    rc = hub_year_trainings(ctx, year, NULL, &j, &err);
  }
  hub_close(ctx);
  if (!rc && j && o[6].value) {
    print_json(j);
  } else if (!rc && j) {
    json_t *t = json_object_get(j, "totals");
    printf("%d年度培训 %lld 次，组织参加 %lld 人次\n", year,
           (long long)json_integer_value(json_object_get(t, "trainings")),
           (long long)json_integer_value(json_object_get(t, "attendances")));
    json_array_foreach(json_object_get(j, "trainings"), i, x)
      cm_term_printf("%s\t%s\t%s\t参加组织 %lld\n", json_string_value(json_object_get(x, "date")),
                     json_string_value(json_object_get(x, "topic")),
                     json_string_value(json_object_get(x, "organiser")),
                     (long long)json_integer_value(json_object_get(x, "attended")));
    json_array_foreach(json_object_get(j, "organisations"), i, x)
      cm_term_printf("%s\t%s\t%s\t培训 %lld 次\n", json_string_value(json_object_get(x, "org")),
                     json_string_value(json_object_get(x, "community")),
                     json_string_value(json_object_get(x, "name")),
                     (long long)json_integer_value(json_object_get(x, "trainings")));
  }
  json_decref(j);
  json_decref(orgs);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* Notices to every community of the district or of a street: send, list. */
static int cmd_notice(const cmd_args *a) {
  opt_spec o[] = {{"to", 0, NULL},   {"street", 0, NULL}, {"title", 0, NULL},
                  {"text", 0, NULL}, {"json", 1, NULL}};
  const char *pos[2] = {0};
  size_t n_pos = 0, i, n = 0;
  int r = parse_or_help(a, "notice", o, 5, pos, 2, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *j = NULL, *x;
  cm_err err;
  char record[PROTO_KEY_HEX + 24];
  if (r >= 0) return r;
  cm_err_clear(&err);
  int is_send = n_pos == 1 && !strcmp(pos[0], "send");
  int is_list = n_pos == 1 && !strcmp(pos[0], "list");
  int is_show = n_pos == 2 && !strcmp(pos[0], "show");
  if (!is_send && !is_list && !is_show)
    return usage_error("用法：notice send --to district|street [--street NAME] --title T --text T "
                       "| notice list [--json] | notice show RECORD [--json]");
  if (is_send && (!o[0].value || !o[2].value || !o[3].value))
    return usage_error("notice send 需要 --to、--title 和 --text");
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc && is_send) {
    rc = hub_year_notice_send(ctx, o[0].value, o[1].value, o[2].value, o[3].value, record,
                              sizeof record, &n, &err);
    if (!rc) printf("通知已发给%zu个社区\n%s\n", n, record);
  } else if (!rc) {
    rc = hub_year_notices(ctx, NULL, is_show ? pos[1] : NULL, &j, &err);
  }
  hub_close(ctx);
  if (!rc && j && o[4].value) {
    print_json(j);
  } else if (!rc && is_list) {
    json_array_foreach(json_object_get(j, "notices"), i, x) {
      const char *by = json_string_value(json_object_get(x, "by"));
      if (json_integer_value(json_object_get(x, "own")))
        by = "本级";
      else if (json_integer_value(json_object_get(x, "relayed")) && (!by || !*by))
        by = "区协会";
      cm_term_printf("%s\t%s\t%s\t%s\t已读 %lld/%lld\t%s\n",
                     json_string_value(json_object_get(x, "record")),
                     json_string_value(json_object_get(x, "date")),
                     json_string_value(json_object_get(x, "title")),
                     !strcmp(json_string_value(json_object_get(x, "scope")), "district")
                         ? "全区"
                         : json_string_value(json_object_get(x, "street")),
                     (long long)json_integer_value(json_object_get(x, "read")),
                     (long long)json_integer_value(json_object_get(x, "recipients")), by ? by : "");
    }
  } else if (!rc && is_show) {
    json_array_foreach(json_object_get(j, "reads"), i, x) {
      const char *d = json_string_value(json_object_get(x, "read_date"));
      cm_term_printf("%s\t%s\t%s\n", json_string_value(json_object_get(x, "street")),
                     json_string_value(json_object_get(x, "community")), *d ? d : "未读");
    }
  }
  json_decref(j);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* activity declare (street-level organisations) */
static int activity_declare(hub_ctx *ctx, const cmd_args *rest) {
  opt_spec o[] = {{"id", 0, NULL},    {"org", 0, NULL},      {"date", 0, NULL},
                  {"title", 0, NULL}, {"place", 0, NULL},    {"expected", 0, NULL},
                  {"description", 0, NULL}};
  int r = parse_or_help(rest, "activity", o, 7, NULL, 0, NULL);
  hub_local_activity act;
  char id[HUB_LOCAL_ID_MAX];
  uint64_t seq = 0;
  cm_err err;
  if (r >= 0) return r;
  cm_err_clear(&err);
  memset(&act, 0, sizeof act);
  act.id = o[0].value;
  act.org = o[1].value;
  act.date = o[2].value;
  act.title = o[3].value;
  act.place = o[4].value;
  act.expected = parse_count(o[5].value);
  act.description = o[6].value;
  if (act.expected < 0) return usage_error("--expected 应为人数");
  cm_rc rc = hub_local_activity_declare(ctx, &act, id, &seq, &err);
  if (rc) return fail(rc, &err);
  printf("%s\n", id);
  return EXIT_OK;
}

static int cmd_activity(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"json", 1, NULL}, {"note", 0, NULL}, {"operator", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int r;
  cm_err_clear(&err);
  if (strcmp(sub, "declare") == 0) {
    rc = hub_open(a->dir, &ctx, &err);
    if (rc) return fail(rc, &err);
    r = activity_declare(ctx, &rest);
    hub_close(ctx);
    return r;
  }
  r = parse_or_help(&rest, "activity", o, 3, pos, 1, &n_pos);
  if (r >= 0) return r;
  if (strcmp(sub, "list") == 0 ? n_pos != 0
                               : (strcmp(sub, "ack") != 0 && strcmp(sub, "return") != 0) ||
                                     n_pos != 1)
    return usage_error("用法：activity list [--json] | ack ID [--note TEXT] | return ID --note TEXT "
                       "| declare ...");
  if (strcmp(sub, "return") == 0 && !o[1].value)
    return usage_error("用法：activity return ID --note TEXT");
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  if (strcmp(sub, "list") == 0) {
    json_t *list = NULL;
    rc = hub_activity_list(ctx, &list, &err);
    if (!rc && o[0].value) {
      print_json(list);
    } else if (!rc) {
      size_t i;
      json_t *x;
      json_array_foreach(list, i, x) {
        json_t *s = json_object_get(x, "street"), *d = json_object_get(x, "district");
        cm_term_printf("%s  %s  %s  %s  街道：%s%s%s  区协会：%s%s%s%s\n",
               json_string_value(json_object_get(x, "id")),
               json_string_value(json_object_get(x, "date")),
               json_string_value(json_object_get(x, "community")),
               json_string_value(json_object_get(x, "title")),
               cm_i18n_word(CM_LANG_ZH, "esc.", json_string_value(json_object_get(s, "status"))),
               *json_string_value(json_object_get(s, "note")) ? "：" : "",
               json_string_value(json_object_get(s, "note")),
               cm_i18n_word(CM_LANG_ZH, "esc.", json_string_value(json_object_get(d, "status"))),
               *json_string_value(json_object_get(d, "note")) ? "：" : "",
               json_string_value(json_object_get(d, "note")),
               json_is_true(json_object_get(x, "late")) ? "  事后汇报" : "");
      }
    }
    json_decref(list);
  } else {
    uint64_t seq = 0;
    if (strcmp(sub, "ack") == 0)
      rc = hub_activity_ack(ctx, pos[0], operator_of(o[2].value), o[1].value, &seq, &err);
    else
      rc = hub_activity_return(ctx, pos[0], operator_of(o[2].value), o[1].value, &seq, &err);
    if (!rc)
      printf("重大活动 %s 已由%s%s，本级台账第 %llu 条\n", pos[0],
             ctx->role == HUB_ROLE_DISTRICT ? "区协会" : "街道分会",
             strcmp(sub, "ack") == 0 ? "确认" : "退回", (unsigned long long)seq);
  }
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

static int cmd_fork(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"keep", 0, NULL}, {"json", 1, NULL}, {"operator", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  uint8_t author[PROTO_KEY_BYTES];
  hub_ctx *ctx = NULL;
  cm_err err;
  cm_rc rc;
  int r = parse_or_help(&rest, "fork", o, 3, pos, 1, &n_pos);
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (strcmp(sub, "list") == 0 ? n_pos != 0
                               : strcmp(sub, "resolve") != 0 || n_pos != 1 || !o[0].value)
    return usage_error("用法：fork list [--json] | fork resolve AUTHOR --keep HASH");
  if (n_pos && proto_key_from_hex(pos[0], author))
    return usage_error("AUTHOR 应为64位十六进制数字，而不是“%s”", pos[0]);
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  if (strcmp(sub, "list") == 0) {
    json_t *list = NULL;
    rc = hub_fork_list(ctx, &list, &err);
    if (!rc && o[1].value) {
      print_json(list);
    } else if (!rc) {
      size_t i, k;
      json_t *x, *h;
      json_array_foreach(list, i, x) {
        json_t *held = json_object_get(x, "held"), *other = json_object_get(x, "other");
        cm_term_printf("分叉 %lld：台账 %s（%s）第%lld条%s\n",
               (long long)json_integer_value(json_object_get(x, "id")),
               json_string_value(json_object_get(x, "author")),
               json_string_value(json_object_get(x, "name")),
               (long long)json_integer_value(json_object_get(x, "seq")),
               json_integer_value(json_object_get(x, "quarantined")) ? "  已隔离" : "");
        cm_term_printf("  本站保留：记录 %s，末条 第%lld条 %s\n", json_string_value(json_object_get(held, "hash")),
               (long long)json_integer_value(json_object_get(held, "head_seq")),
               json_string_value(json_object_get(held, "head")));
        json_array_foreach(json_object_get(other, "hashes"), k, h)
          cm_term_printf("  另一支：第%lld条 %s\n",
                 (long long)(json_integer_value(json_object_get(other, "first_seq")) + (long long)k),
                 json_string_value(h));
      }
    }
    json_decref(list);
  } else {
    uint64_t seq = 0;
    rc = hub_fork_resolve(ctx, author, o[0].value, operator_of(o[2].value), &seq, &err);
    if (!rc) printf("分叉已处理，本级台账第 %llu 条\n", (unsigned long long)seq);
  }
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* list publish --kind K FILE | list show [--kind K] [--json] */
static int cmd_list(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"kind", 0, NULL}, {"json", 1, NULL}, {"operator", 0, NULL}};
  const char *pos[1] = {NULL};
  size_t n_pos = 0;
  int r = parse_or_help(&rest, "list", o, 3, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  json_t *items = NULL, *all = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_rc rc;
  if (r >= 0) return r;
  cm_err_clear(&err);
  int k = o[0].value ? cm_list_kind_of(o[0].value) : -1;
  if (o[0].value && k < 0) return usage_error("--kind 只能是 category、industry 或 unit");
  if (strcmp(sub, "publish") == 0) {
    if (k < 0 || n_pos != 1) return usage_error("用法：list publish --kind category|industry|unit FILE");
    rc = cm_list_read_file(pos[0], &items, &err);
    if (rc) return fail(rc, &err);
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc) rc = hub_lists_publish(ctx, (cm_list_kind)k, items, operator_of(o[2].value), &seq, &err);
    hub_close(ctx);
    if (!rc)
      printf("已发布%s清单（%zu条），记入本台账第 %llu 条，将下发各街道和社区\n",
             cm_list_label((cm_list_kind)k), json_array_size(items), (unsigned long long)seq);
    json_decref(items);
    return rc ? fail(rc, &err) : EXIT_OK;
  }
  if (strcmp(sub, "show") != 0) return usage_error("用法：list publish|show ...");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_lists_all(ctx, 0, &all, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  if (o[1].value) {
    json_t *one = k >= 0 ? json_object_get(all, cm_list_key((cm_list_kind)k)) : all;
    char *t = json_dumps(one ? one : json_array(), JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", t ? t : "[]");
    free(t);
  } else {
    for (int i = 0; i < CM_LIST_KINDS; i++) {
      if (k >= 0 && i != k) continue;
      json_t *l = json_object_get(all, cm_list_key((cm_list_kind)i));
      size_t j;
      json_t *it;
      printf("%s：%s\n", cm_list_label((cm_list_kind)i), l ? "" : "尚未发布");
      json_array_foreach(l, j, it) {
        printf("  %-16s %s\n", json_string_value(json_object_get(it, "code")),
               json_string_value(json_object_get(it, "name")));
      }
    }
  }
  json_decref(all);
  return EXIT_OK;
}

static int cmd_org(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"id", 0, NULL},        {"name", 0, NULL},          {"category", 0, NULL},
                  {"leader", 0, NULL},    {"phone", 0, NULL},         {"members", 0, NULL},
                  {"party-members", 0, NULL}, {"party-station", 0, NULL}, {"founded-by", 0, NULL},
                  {"scope", 0, NULL},     {"venue", 0, NULL},         {"filed", 0, NULL},
                  {"reason", 0, NULL},    {"decision", 0, NULL},      {"content", 0, NULL},
                  {"industry", 0, NULL},  {"unit", 0, NULL},          {"operator", 0, NULL}};
  int r = parse_or_help(&rest, "org", o, 18, NULL, 0, NULL);
  hub_local_org org;
  hub_ctx *ctx = NULL;
  json_t *flags = NULL;
  char id[HUB_LOCAL_ID_MAX];
  uint64_t seq = 0;
  cm_err err;
  cm_rc rc;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (strcmp(sub, "map") == 0) {
    hub_org_map_in m = {o[0].value, o[2].value, o[15].value, o[16].value,
                        operator_of(o[17].value)};
    if (!o[0].value) return usage_error("用法：org map --id ID [--category CODE] [--industry CODE] [--unit CODE]");
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc) rc = hub_org_map(ctx, &m, &seq, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    printf("%s 已对应到区级清单，记入本台账第 %llu 条（原类别保留）\n", o[0].value,
           (unsigned long long)seq);
    return EXIT_OK;
  }
  if (strcmp(sub, "dissolve") == 0) {
    if (!o[0].value || !o[12].value) return usage_error("用法：org dissolve --id ID --reason TEXT");
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc) rc = hub_local_org_dissolve(ctx, o[0].value, o[12].value, &seq, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    printf("%s 已注销，记入本台账第 %llu 条\n", o[0].value, (unsigned long long)seq);
    return EXIT_OK;
  }
  if (strcmp(sub, "rectify") == 0) {
    if (!o[0].value || !o[13].value || !o[14].value)
      return usage_error("用法：org rectify --id ID --decision RECORD --content TEXT");
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc)
      rc = hub_local_rectify(ctx, o[0].value, o[13].value, o[14].value, "", &seq, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    printf("%s 已整改，记入本台账第 %llu 条：该批评已关闭\n", o[0].value,
           (unsigned long long)seq);
    return EXIT_OK;
  }
  int amend = strcmp(sub, "amend") == 0;
  if (!amend && strcmp(sub, "file") != 0)
    return usage_error("用法：org file|amend|dissolve|rectify --id ID ...");
  memset(&org, 0, sizeof org);
  org.id = o[0].value;
  org.name = o[1].value;
  org.category = o[2].value;
  org.leader = o[3].value;
  org.phone = o[4].value;
  /* a count not given is -1: unchanged in an amendment, missing in a filing */
  org.members = o[5].value ? parse_count(o[5].value) : -1;
  org.party_members = o[6].value ? parse_count(o[6].value) : -1;
  if ((org.members < 0 && o[5].value) || (org.party_members < 0 && o[6].value))
    return usage_error("--members 和 --party-members 应为人数");
  if (o[7].value && strcmp(o[7].value, "yes") != 0 && strcmp(o[7].value, "no") != 0)
    return usage_error("用法：--party-station yes|no");
  org.party_station = o[7].value ? strcmp(o[7].value, "yes") == 0 : (amend ? -1 : 0);
  org.founded_by = o[8].value;
  org.scope = o[9].value;
  org.venue = o[10].value;
  org.filed = o[11].value;
  org.industry = o[15].value;
  org.unit = o[16].value;
  if (amend) {
    if (!org.id) return usage_error("用法：org amend --id ID [要变更的项]");
    rc = hub_open(a->dir, &ctx, &err);
    if (!rc) rc = hub_local_org_amend(ctx, &org, &seq, &err);
    hub_close(ctx);
    if (rc) return fail(rc, &err);
    printf("%s 已变更，本级台账第 %llu 条\n", org.id, (unsigned long long)seq);
    return EXIT_OK;
  }
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_local_org_file(ctx, &org, id, &flags, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  char *f = json_dumps(flags, JSON_COMPACT);
  printf("%s\n", id);
  if (json_array_size(flags)) fprintf(stderr, "linli-hub: 提醒：已备案，带标记 %s\n", f ? f : "");
  free(f);
  json_decref(flags);
  return EXIT_OK;
}

static int cmd_report(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"org", 0, NULL},          {"month", 0, NULL},   {"activities", 0, NULL},
                  {"participants", 0, NULL}, {"party-participants", 0, NULL},
                  {"content", 0, NULL},      {"scope", 0, NULL},   {"good-deeds", 0, NULL}};
  int r = parse_or_help(&rest, "report", o, 8, NULL, 0, NULL);
  hub_local_report rep;
  hub_ctx *ctx = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_rc rc;
  if (r >= 0) return r;
  cm_err_clear(&err);
  if (strcmp(sub, "monthly") != 0) return usage_error("用法：report monthly --org ID --month YYYY-MM ...");
  memset(&rep, 0, sizeof rep);
  rep.org = o[0].value;
  rep.month = o[1].value;
  rep.activities = parse_count(o[2].value);
  rep.participants = parse_count(o[3].value);
  rep.party_participants = parse_count(o[4].value);
  rep.content = o[5].value;
  rep.scope = o[6].value;
  rep.good_deeds = o[7].value;
  if (rep.activities < 0 || rep.participants < 0 || rep.party_participants < 0)
    return usage_error("--activities、--participants 和 --party-participants 应为数目");
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_local_report_monthly(ctx, &rep, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("%s 的 %s 月报已填报，本级台账第 %llu 条\n", rep.org, rep.month,
         (unsigned long long)seq);
  return EXIT_OK;
}

/* ---- dashboard answers at the command line (hub/dashcli.c) ---- */

/* Answer `answer` with p over everything this hub holds: --json prints it as
 * the API gives it, --csv/--xlsx FILE writes table `table` (default def),
 * else head(j) and then tables are printed in Chinese. */
static int dash_command(const cmd_args *a, const char *answer, const hub_dash_params *p,
                        const char *const *tables, const char *def, const char *table, const char *csv,
                        const char *xlsx, int json, void (*head)(const json_t *j)) {
  hub_ctx *ctx = NULL;
  hub_dash_scope scope;
  json_t *j = NULL;
  cm_err err;
  size_t n = 0;
  cm_err_clear(&err);
  memset(&scope, 0, sizeof scope);
  while (tables[n]) n++;
  if (csv && xlsx) return usage_error("--csv 和 --xlsx 只能给一个");
  if (table && !csv && !xlsx) return usage_error("--table 只和 --csv 或 --xlsx 一起用");
  if (!table) table = def;
  int known = 0;
  for (size_t i = 0; i < n; i++) known |= !strcmp(tables[i], table);
  if (!known) return usage_error("没有“%s”这张表", table);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_dashboard_answer(ctx, answer, &scope, p, cm_now_ms(), &j, &err);
  if (!rc && (csv || xlsx)) {
    rc = hub_dashcli_write(j, table, xlsx != NULL, a->dir, xlsx ? xlsx : csv, &err);
    if (!rc)
      printf("%s：%zu行，已写入%s\n", hub_table_title(CM_LANG_ZH, table),
             json_array_size(json_object_get(j, table)), xlsx ? xlsx : csv);
  } else if (!rc && json) {
    print_json(j);
  } else if (!rc) {
    /* a street hub holds one street: no table of streets */
    const char *const *t = tables;
    if (ctx->role == HUB_ROLE_STREET && !strcmp(*t, "streets")) t++;
    head(j);
    rc = hub_dashcli_print(j, t, &err);
  }
  hub_close(ctx);
  json_decref(j);
  return rc ? fail(rc, &err) : EXIT_OK;
}

/* An amount in fen as yuan. */
static void print_yuan(int64_t fen) {
  printf("%s%lld.%02lld", fen < 0 ? "-" : "", llabs((long long)fen) / 100,
         llabs((long long)fen) % 100);
}

static void funding_head(const json_t *j) {
  const json_t *t = json_object_get(j, "totals");
  printf("%lld年资金扶持：共%lld笔，合计", (long long)json_integer_value(json_object_get(j, "year")),
         (long long)json_integer_value(json_object_get(t, "grants")));
  print_yuan(json_integer_value(json_object_get(t, "amount")));
  printf("元\n\n");
}

/* Funding and support (资金扶持) of a year, summed per street, community and
 * organisation. */
static int cmd_funding(const cmd_args *a) {
  opt_spec o[] = {{"year", 0, NULL}, {"category", 0, NULL}, {"table", 0, NULL},
                  {"csv", 0, NULL},  {"xlsx", 0, NULL},     {"json", 1, NULL}};
  int r = parse_or_help(a, "funding", o, 6, NULL, 0, NULL);
  static const char *const tables[] = {"streets", "communities", "organisations", NULL};
  hub_dash_params p;
  if (r >= 0) return r;
  memset(&p, 0, sizeof p);
  p.year = o[0].value;
  p.category = o[1].value;
  return dash_command(a, "funding", &p, tables, "organisations", o[2].value, o[3].value, o[4].value,
                      o[5].value != NULL, funding_head);
}

static void stations_head(const json_t *j) {
  const json_t *t = json_object_get(j, "totals");
  printf("党员活动站：已登记%lld个，尚需设立%lld个\n\n",
         (long long)json_integer_value(json_object_get(t, "stations")),
         (long long)json_integer_value(json_object_get(t, "needing")));
}

/* Party-member activity stations (党员活动站): a street-level organisation's
 * registration, and the stations this hub holds. */
static int cmd_station(const cmd_args *a) {
  const char *sub = a->argc > 0 ? a->argv[0] : "";
  cmd_args rest = {a->dir, a->argc > 0 ? a->argc - 1 : 0, a->argv + (a->argc > 0)};
  opt_spec o[] = {{"org", 0, NULL},         {"name", 0, NULL},   {"leader", 0, NULL},
                  {"party-members", 0, NULL}, {"committee", 0, NULL}, {"date", 0, NULL},
                  {"branch", 0, NULL},      {"branch-date", 0, NULL}, {"category", 0, NULL},
                  {"table", 0, NULL},       {"csv", 0, NULL},    {"xlsx", 0, NULL},
                  {"json", 1, NULL}};
  int r = parse_or_help(&rest, "station", o, 13, NULL, 0, NULL);
  if (r >= 0) return r;
  if (!strcmp(sub, "list")) {
    static const char *const tables[] = {"communities", "stations", "needing", NULL};
    hub_dash_params p;
    memset(&p, 0, sizeof p);
    p.category = o[8].value;
    return dash_command(a, "stations", &p, tables, "stations", o[9].value, o[10].value, o[11].value,
                        o[12].value != NULL, stations_head);
  }
  if (strcmp(sub, "register") != 0)
    return usage_error("用法：station register --org ID --name N --leader L --party-members N "
                       "--committee NAME ... | station list");
  hub_local_station st = {o[0].value, o[1].value, o[2].value, o[4].value,
                          o[5].value, o[6].value, o[7].value, parse_count(o[3].value)};
  if (!o[3].value || st.party_members < 1)
    return usage_error("--party-members 应为活动站的党员人数（至少1人）");
  hub_ctx *ctx = NULL;
  uint64_t seq = 0;
  char record[PROTO_KEY_HEX + 24];
  cm_err err;
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_local_station_register(ctx, &st, &seq, &err);
  if (!rc) {
    hub_record_id(ctx->kp.pk, seq, record, sizeof record);
    printf("%s 的党员活动站已登记（街道分会登记即通过），本级台账第 %llu 条\n%s\n", st.org,
           (unsigned long long)seq, record);
  }
  hub_close(ctx);
  return rc ? fail(rc, &err) : EXIT_OK;
}

static int cmd_forward(const cmd_args *a) {
  int r = parse_or_help(a, "forward", NULL, 0, NULL, 0, NULL);
  hub_forward_stats st;
  cm_err err;
  cm_rc rc;
  if (r >= 0) return r;
  cm_err_clear(&err);
  memset(&st, 0, sizeof st);
  rc = cm_client_global_init();
  if (!rc) rc = hub_forward_once(a->dir, &st, &err);
  if (rc) return fail(rc, &err);
  printf("已转报 %llu 条记录，取回下发记录 %u 条，请求 %u 次\n",
         (unsigned long long)st.entries_pushed, st.feed_items, st.requests);
  return EXIT_OK;
}

/* ---- backup and restore (hub/backup.c) ---- */

static int cmd_backup(const cmd_args *a) {
  opt_spec o[] = {{"with-key", 1, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "backup", o, 1, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  hub_backup_info info;
  cm_err err;
  if (r >= 0) return r;
  if (n_pos != 1) return usage_error("用法：backup FILE [--with-key]");
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_backup(ctx, pos[0], o[0].value != NULL, &info, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("已备份到 %s：%llu 份台账，%llu 条记录，%s\n", pos[0], (unsigned long long)info.authors,
         (unsigned long long)info.entries,
         info.with_key ? "含本级密钥（请像密钥一样保管此文件）" : "不含密钥（恢复时另需密钥文件）");
  return EXIT_OK;
}

static int cmd_restore(const cmd_args *a) {
  opt_spec o[] = {{"key", 0, NULL}};
  const char *pos[1] = {0};
  size_t n_pos = 0;
  int r = parse_or_help(a, "restore", o, 1, pos, 1, &n_pos);
  hub_backup_info info;
  cm_err err;
  if (r >= 0) return r;
  if (n_pos != 1) return usage_error("用法：restore FILE [--key KEYFILE]");
  cm_err_clear(&err);
  cm_rc rc = hub_restore(a->dir, pos[0], o[0].value, &info, &err);
  if (rc) return fail(rc, &err);
  printf("已从 %s 恢复到 %s：%llu 份台账、%llu 条记录均已校验，统计已重建\n", pos[0], a->dir,
         (unsigned long long)info.authors, (unsigned long long)info.entries);
  return EXIT_OK;
}

/* ---- recover (hub/recover.c) ---- */

static int cmd_recover(const cmd_args *a) {
  opt_spec o[] = {{"key", 0, NULL}, {"name", 0, NULL}, {"upstream", 0, NULL},
                  {"upstream-key", 0, NULL}};
  int r = parse_or_help(a, "recover", o, 4, NULL, 0, NULL);
  uint8_t dkey[PROTO_KEY_BYTES];
  hub_recover_info info;
  cm_err err;
  if (r >= 0) return r;
  if (!o[0].value || !o[1].value || !o[2].value || !o[3].value)
    return usage_error("用法：recover --key KEYFILE --name NAME --upstream URL --upstream-key KEY");
  if (proto_key_from_hex(o[3].value, dkey) != CM_OK)
    return usage_error("--upstream-key 应是区协会的公钥（64 位十六进制）");
  cm_err_clear(&err);
  cm_rc rc = hub_recover(a->dir, o[0].value, o[1].value, o[2].value, dkey, &info, &err);
  if (rc) return fail(rc, &err);
  printf("已从区协会恢复街道分会 %s 到 %s：本分会记录 %llu 条，%llu 个社区的记录 %llu 条，均已校验，"
         "统计已重建。\n操作员账户不在区协会，请用 operator add 重新添加；尚未转报区协会的记录，"
         "各社区下次同步时会重新报送。\n",
         o[1].value, a->dir, (unsigned long long)info.own_entries,
         (unsigned long long)info.communities, (unsigned long long)info.entries);
  return EXIT_OK;
}

/* ---- revoke (hub/hublog.c) ---- */

static int cmd_revoke(const cmd_args *a) {
  opt_spec o[] = {{"key", 0, NULL}, {"reason", 0, NULL}};
  int r = parse_or_help(a, "revoke", o, 2, NULL, 0, NULL);
  uint8_t key[PROTO_KEY_BYTES];
  uint64_t upto = 0, seq = 0;
  hub_ctx *ctx = NULL;
  cm_err err;
  if (r >= 0) return r;
  if (!o[0].value || !o[1].value) return usage_error("用法：revoke --key PUBLIC_KEY --reason TEXT");
  if (proto_key_from_hex(o[0].value, key) != CM_OK)
    return usage_error("--key 应是公钥（64 位十六进制）");
  cm_err_clear(&err);
  cm_rc rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_revoke(ctx, key, o[1].value, &upto, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("已吊销该密钥（本级台账第%llu条）：它的前%llu条记录仍然有效，此后用它签名的报送一律拒收，"
         "也不能再次登记\n", (unsigned long long)seq, (unsigned long long)upto);
  return EXIT_OK;
}

/* ---- the table ---- */

/* ---- operator (hub/opcli.c) ---- */

static int cmd_operator(const cmd_args *a) {
  cm_err err;
  int usage = 0;
  cm_err_clear(&err);
  cm_rc rc = hub_opcli_run(a->dir, a->argc, a->argv, stdin, stdout, &usage, &err);
  if (usage) return usage_error("%s", err.msg);
  return rc ? fail(rc, &err) : EXIT_OK;
}

static const hub_command commands[] = {
  {"init", cmd_init,
   "--role street|district --name NAME [--upstream URL] [--upstream-key KEY]",
   "在 DIR 中建立街道分会或区协会：新的身份密钥（DIR/identity.key，权限 0600）和数据库。\n"
   "先打印密钥指纹，最后一行单独打印公钥。\n"
   "街道分会转报到 --upstream（区协会的地址）；--upstream-key 锁定区协会的公钥\n"
   "（不给时锁定第一张回执的签名者）。"},
  {"enroll", cmd_enroll, "--name NAME --key PUBLIC_KEY [--code CODE] [--replaces OLD_KEY]",
   "登记一个公钥：在街道分会登记社区（CODE：社区的12位代码），在区协会登记街道分会。\n"
   "在本台账追加一条签名的登记记录。登记前请与对方核对指纹。\n"
   "--replaces：社区电脑丢失、被盗或损坏且没有密钥备份时，为同一社区（同一代码）登记新电脑的\n"
   "密钥，接替原密钥 OLD_KEY：原密钥同时吊销（已收到的记录仍然有效），新密钥接着填写原有组织的\n"
   "变更、月报和整改，并收到发给原密钥的决定。"},
  {"enroll-requests", cmd_enroll_requests, "[--json]",
   "列出社区或街道分会自己发来的登记申请：编号、名称、代码、指纹、时间、来源地址；\n"
   "名称与已登记的社区相似时标出“仿冒 名称”。"},
  {"enroll-approve", cmd_enroll_approve, "ID [--replaces OLD_KEY]",
   "批准编号为 ID 的登记申请（先与申请人核对指纹）。\n"
   "--replaces：把申请登记的新电脑批准为接替原密钥 OLD_KEY（规则与 enroll --replaces 相同）。"},
  {"serve", cmd_serve,
   "[--listen 127.0.0.1:8443] [--cert FILE --key FILE | --insecure-http] [--host NAME,...]\n"
   "      [--answer-wait 毫秒|always]",
   "在前台提供 HTTP 接口和网页（给 --cert/--key 时用 HTTPS）；有上级的街道分会同时转报区协会。\n"
   "先打印地址；收到 SIGINT 或 SIGTERM 时停止。监听本机以外的地址须给 --cert/--key\n"
   "（或 --insecure-http，每次启动都会警告）。Host 不是本机、监听地址或 --host 所列名称的请求\n"
   "一律拒绝（421）。\n"
   "--answer-wait：统计看板的一项数据上次计算用了这么多毫秒以上（默认 200）时，数据有变化后先给出\n"
   "上次算好的结果（注明是几点的数据、正在更新），同时在后台重新计算；always：总是等新算的结果。\n"
   "不给 --answer-wait 时用环境变量 LINLI_ANSWER_WAIT 的值。"},
  {"bundle", cmd_bundle, "import FILE | export --node PUBLIC_KEY [--after CURSOR] FILE",
   "import：导入社区用U盘带来的包，与联网上报完全相同；以 HTTP 接口的 JSON 格式打印结果。\n"
   "export：为没有网络的社区导出回传文件，内容与联网同步取回的相同（本社区台账的签名回执、\n"
   "CURSOR 之后的审核结果和决定，默认全部）；社区用 `linli-node bundle import FILE` 导入。"},
  {"files", cmd_files, "above-street [HEADINGS] | check [--no-fetch] | limits [--file-mb N --year-mb N]",
   "above-street：哪些档案类别的附件上传到区（在区协会设置：街道把区不收的类别留在本级）。\n"
   "HEADINGS 用逗号分隔：filing 备案材料、activity 活动材料、people 人员材料、evaluation 评比材料、\n"
   "plan 计划总结材料、change 变更材料；默认除人员材料外都上传。不给 HEADINGS 时只显示现在的设置。\n"
   "check：检查本级记录写明的每个附件是否都在、内容是否与哈希相符（区协会不查留在街道的类别）；\n"
   "街道分会把缺失或损坏的从区协会取回（--no-fetch 只检查）。每个有问题的文件一行，最后一行是统计；\n"
   "仍有缺失或损坏时退出码为 2（社区尚未上传的附件也算缺失）。\n"
   "limits：显示附件上限；区协会给 --file-mb（每个附件，1 至 50）和 --year-mb（每个组织每年）设定，\n"
   "单位 MB，随同步下发到各街道和社区，社区和各级分会都按它检查（默认 10 MB 和 200 MB）。"},
  {"dossier", cmd_dossier, "--org ID [--zip FILE]",
   "组织的档案：本级保存的全部记录和附件，按备案材料、活动材料、人员材料、评比材料、计划总结材料、\n"
   "变更材料分类，各类按时间排列。不给 --zip 时把可打印的网页打印到标准输出；给 --zip 时写成\n"
   "一个 ZIP（index.html 和 files/ 下的全部附件）。操作员网页：/dossier/备案编号。"},
  {"rebuild", cmd_rebuild, "",
   "从保存的台账重建汇总表（组织、月报、活动、社区）；结果与逐条接收时相同。"},
  {"status", cmd_status, "[--json]",
   "显示各台账的最新序号、被隔离的社区及分叉证据、登记申请、时钟异常和转报进度。"},
  {"review", cmd_review, "list [--json] | show ID [--json] | accept ID [--except RECORD "
   "--reason TEXT ...] | reject ID --reason TEXT",
   "街道分会的审核队列：社区每次上报的变更包是一个批次。list 列出待审核的批次（批次编号在前），\n"
   "show 显示一个批次的内容，accept/reject 写一条审核记录，社区和区协会都会收到。\n"
   "RECORD 为 公钥/序号 或 序号。记录 --operator NAME（默认 $USER）。"},
  {"dashboard", cmd_dashboard, "due-day [1..28]",
   "显示或设置统计看板上月报按时上报的截止日：次月的第几天（默认 5 日）。"},
  {"quota", cmd_quota, "[BYTES]",
   "显示或设置每个上报方每天在本级可存的原始字节数（默认 67108864，即 64 MiB）；\n"
   "超过后当天的上报一律拒绝，次日恢复。"},
  {"policy", cmd_policy, "[auto-accept on|off]",
   "显示或设置自动通过：没有标记、也不更正已通过月份的月报自动通过（默认开启）。"},
  {"decide", cmd_decide,
   "commend|criticize|inspect|revoke|notice --org ID|--community NAME [--deadline "
   "YYYY-MM-DD] [--result pass|rectify|fail] --reason TEXT | list [--json] | "
   "withdraw RECORD --reason TEXT",
   "记录一项发给组织所在社区的决定（区协会的决定经街道分会转达）。\n"
   "批评须给 --deadline，整改报告通过后结案；list 把逾期的标为 逾期未整改。\n"
   "withdraw：撤回本级作出的一项决定（RECORD 为 list 中的记录编号），撤回连同理由下达社区；\n"
   "撤回后不再计入待整改和逾期，list 标为 已撤回。"},
  {"inspection", cmd_inspection,
   "list [--year YYYY] [--json] | result ORG --year YYYY --result pass|rectify|fail "
   "[--deadline YYYY-MM-DD] --reason TEXT [--operator NAME] | due --year YYYY [--date YYYY-MM-DD] "
   "[--operator NAME] | file --org ID --year YYYY --activities N --members N --party-members N "
   "[--joined N] [--left N] --funds-received 元 --funds-used 元 [--problems TEXT] [--plans TEXT] "
   "--opinion agree|rectify|disagree [--opinion-text TEXT]",
   "年检。list：某一年度（默认上一年）的年检进度：应检、已报自查报告（逾期）、已检及结果、未报，\n"
   "每个组织一行。result：街道分会对组织年检的结果：pass 合格、rectify 限期整改（须给\n"
   "--deadline，整改报告通过后结案）、fail 不合格（提请区协会撤销备案）；结果下达组织所在社区，\n"
   "最后一行打印记录编号。due：显示或设置（--date）该年度自查报告的截止日期（默认次年1月31日）；\n"
   "只有区协会能设定，街道分会收到并转发给各社区，各级的进度和待办都按区协会的日期。\n"
   "file：街道分会为本街道一级的组织填写上一年度（已结束的年度）的年检自查报告：活动次数、\n"
   "现有成员及增减、党员人数、经费收支（元，最多两位小数）、存在问题和下年计划，附街道分会的\n"
   "意见：agree 同意、rectify 整改、disagree 不同意（后两者须写 --opinion-text）；同一组织\n"
   "同一年度的第二份更正第一份，最后一行打印记录编号。"},
  {"evaluation", cmd_evaluation,
   "open --year YYYY --title TEXT --closes YYYY-MM-DD | rounds [--json] | close ROUND "
   "[--reason TEXT] | nominate --round ID --org ID [--person NAME] --deeds TEXT | list "
   "[--round ID] [--year YYYY] [--json] | recommend NOMINATION --opinion TEXT | select "
   "NOMINATION --reason TEXT | commendations [--year YYYY] [--csv FILE | --xlsx FILE | --json]",
   "评比表彰。open：区协会发起某一年度的评比（下达区内每个社区，此后登记的社区在截止前\n"
   "也会收到；最后一行打印评比编号，如 2026-1），社区在 --closes 之前提名组织或个人。\n"
   "rounds：本级的评比。close：区协会提前截止一次评比（通知收到它的每个社区），此后的提名\n"
   "一律不予受理。nominate：街道分会提名本街道一级的组织或其中的个人（最后一行打印提名的\n"
   "记录编号）。list：提名及其状态\n"
   "（已提名、街道已推荐、已表彰），第一列是提名的记录编号。recommend：街道分会把本街道社区的\n"
   "提名推荐给区协会。select：区协会评定一项已推荐的提名，结果是一项表彰决定，下达组织所在社区。\n"
   "commendations：某一年度（默认今年）的表彰名单，--csv 或 --xlsx 写成文件（中文表头）。\n"
   "记录 --operator NAME（默认 $USER）。"},
  {"plan", cmd_plan,
   "list [--year YYYY] [--json] | file [--org ID] --year YYYY --goals T --activities T "
   "[--count N] | due --year YYYY [--date YYYY-MM-DD] [--operator NAME]",
   "计划总结。list：某一年度（默认今年）各组织、各社区和各街道是否已报年度工作计划（默认1月31日前）\n"
   "和年终总结（默认次年1月31日前），每行一个，未报的写“未报”。\n"
   "file：街道分会写本街道自己的年度工作计划（今年或明年），--org 则是本街道一级的组织的\n"
   "年度工作计划；最后一行打印记录编号。\n"
   "due：显示或设置（--date）该年度工作计划的截止日期；只有区协会能设定，街道分会收到并转发。"},
  {"summary", cmd_summary,
   "file [--org ID] --year YYYY --results T [--problems T] --count N | due --year YYYY "
   "[--date YYYY-MM-DD] [--operator NAME]",
   "file：街道分会写本街道自己（--org：本街道一级的组织）的年终总结（全年活动次数 --count），\n"
   "最后一行打印记录编号。\n"
   "due：显示或设置（--date）该年度年终总结的截止日期（默认次年1月31日）；只有区协会能设定，\n"
   "街道分会收到并转发。"},
  {"training", cmd_training,
   "record --date YYYY-MM-DD --topic T --organiser T --orgs ID,ID,... [--content T] | "
   "list [--year YYYY] [--json]",
   "培训。record：区协会或街道分会记录一次已举办的培训（日期、主题、主办单位、参加的组织的\n"
   "备案编号），最后一行打印记录编号。list：某一年度（默认今年）的培训和每个组织的培训次数。"},
  {"notice", cmd_notice,
   "send --to district|street [--street NAME] --title T --text T | list [--json] | "
   "show RECORD [--json]",
   "通知。send：一次发给全区（区协会）或一个街道（区协会给 --street；街道分会即本街道）的\n"
   "每个社区，社区在收件箱里看到并标为已读；最后一行打印通知编号。list：已发的通知和已读\n"
   "社区数、发出者（街道分会也列出区协会发给本街道各社区的通知）。show：一条通知发给了\n"
   "哪些社区、哪些已读。"},
  {"activity", cmd_activity,
   "list [--json] | ack ID [--note TEXT] | return ID --note TEXT | declare --org ID "
   "--date YYYY-MM-DD --title TEXT [--id ID] [--place P] [--expected N] [--description D]",
   "重大活动汇报及街道分会、区协会的确认；declare 用于街道一级的组织。"},
  {"fork", cmd_fork, "list [--json] | resolve AUTHOR --keep HASH",
   "被隔离社区的台账分叉；resolve 保留含记录 HASH 的一支（另一支留作证据）并解除隔离。"},
  {"org", cmd_org,
   "file --name NAME --category C --leader L --phone P --members N --party-members N "
   "[--id ID] [--founded-by district-unit|street|self] [--party-station yes|no] "
   "[--scope S] [--venue V] [--filed YYYY-MM-DD] [--industry CODE] [--unit CODE] | "
   "amend --id ID [上列任一项] | dissolve --id ID --reason R | "
   "rectify --id ID --decision RECORD --content TEXT | "
   "map --id ID [--category CODE] [--industry CODE] [--unit CODE]",
   "在街道分会为街道一级的组织备案（区属单位设立的：XXX街XXX分会）；打印备案编号。\n"
   "规则标记打印到标准错误。org amend --id ID [上列任一项]：变更；\n"
   "org dissolve --id ID --reason R：注销；org rectify --id ID --decision RECORD --content TEXT：\n"
   "以整改报告关闭对它的批评。\n"
   "org map --id ID [--category CODE] [--industry CODE] [--unit CODE]：把社区在区级清单发布前\n"
   "用文字填写类别的组织对应到区级清单（只在街道分会，原类别文字保留）。"},
  {"list", cmd_list, "publish --kind category|industry|unit FILE | show [--kind K] [--json]",
   "区协会维护的清单：组织类别、行业、主管单位（区有关委办局），每条有代码和名称。\n"
   "publish：从文件 FILE 发布一份清单（UTF-8 文本，每行「代码,名称」，# 开头的行跳过），\n"
   "整份替换此前的同类清单，随区协会的记录下发各街道分会和社区。只能在区协会发布。\n"
   "show：显示本中心收到的各清单。"},
  {"station", cmd_station,
   "register --org ID --name N --leader L --party-members N --committee NAME [--date YYYY-MM-DD] "
   "[--branch NAME] [--branch-date YYYY-MM-DD] | list [--category C] [--table T] "
   "[--csv FILE | --xlsx FILE | --json]",
   "党员活动站。register：街道分会为本街道一级的组织登记党员活动站：名称、负责人、党员人数、\n"
   "登记的党组织、登记日期（默认今天），以及成立的党支部和成立日期（可选）；街道分会登记即通过，\n"
   "“三名以上党员未设立党员活动站”的标记在本级和区协会随之清除。最后一行打印记录编号。\n"
   "list：本级各社区的党员活动站数、已登记的活动站和尚需设立的组织；--csv 或 --xlsx 把一张表\n"
   "（--table communities 各社区、stations 党员活动站、needing 尚需设立，默认 stations）写成文件。"},
  {"funding", cmd_funding,
   "[--year YYYY] [--category C] [--table T] [--csv FILE | --xlsx FILE | --json]",
   "资金扶持：某一年度（默认今年）各组织获得的资金扶持，按街道、社区和组织合计（金额以元计）。\n"
   "--csv 或 --xlsx 把一张表（--table streets 各街道、communities 各社区、organisations 组织名录，\n"
   "默认 organisations）写成文件，中文表头，与统计看板导出的相同。"},
  {"feedback", cmd_feedback, "days [N] [--operator NAME]",
   "群众意见的办理期限：收到多少天后还没报街道的算超期，列入街道分会和区协会统计看板的“需要关注”（默认 15 天）。\n"
   "区协会给 N（1 至 90）设定，随同步下发到各街道和社区，各级都按它判断超期；不给 N 时只显示。"},
  {"forward", cmd_forward, "",
   "在 serve 的循环之外立即转报一轮：上报区协会，取回区协会的决定并转达各社区。"},
  {"report", cmd_report,
   "monthly --org ID --month YYYY-MM --activities N --participants N "
   "[--party-participants N] [--content T] [--scope S] [--good-deeds G]",
   "街道一级组织的月报（同月第二份更正第一份）。"},
  {"operator", cmd_operator, HUB_OPCLI_USAGE, HUB_OPCLI_HELP},
  {"revoke", cmd_revoke, "--key PUBLIC_KEY --reason TEXT",
   "吊销本级登记的密钥（社区电脑丢失、被盗，或区协会吊销街道分会）：写入一条签名的吊销记录，\n"
   "随本级的记录报到区协会。已收到的记录仍然有效，此后用它签名的报送在本级和区协会\n"
   "一律拒收，该密钥也不能再次登记。"},
  {"backup", cmd_backup, "FILE [--with-key]",
   "把本级的数据库备份到新文件 FILE（serve 运行中即可，取同一时刻的一致副本），\n"
   "并校验副本中的每条记录链。默认不含身份密钥，加 --with-key 才包含；\n"
   "操作员账户（operators.db）不在备份中。"},
  {"restore", cmd_restore, "FILE [--key KEYFILE]",
   "从备份 FILE 恢复到空目录 DIR：密钥取自备份或 --key 指定的密钥文件（必须是签署本级\n"
   "记录的那把），每条记录链都要校验，统计重建；旧版本的备份会自动升级。"},
  {"recover", cmd_recover, "--key KEYFILE --name NAME --upstream URL --upstream-key KEY",
   "没有备份时重建街道分会：用本分会的密钥文件（--key）从区协会取回本分会和各社区的记录，\n"
   "像接收报送一样逐条校验，恢复到空目录 DIR 并重建统计。尚未转报区协会的记录由各社区\n"
   "下次同步时重新报送；操作员账户需重新添加。"},
};

static const hub_command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static void print_help(void) {
  printf("用法：linli-hub --dir DIR 命令 [参数]\n"
         "      linli-hub --version\n\n"
         "邻里的街道分会或区协会。命令：\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    printf("  %-16s %s\n", commands[i].name, commands[i].usage);
  printf("\n`linli-hub 命令 --help` 说明一个命令。\n"
         CM_EXIT_HELP);
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  int i = 1;

  cm_log_set_program("linli-hub");
  while (i < argc && strncmp(argv[i], "--", 2) == 0) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_help();
      return EXIT_OK;
    } else if (strcmp(argv[i], "--version") == 0) {
      cm_version_print(stdout, "linli-hub", hub_store_schema_version());
      return EXIT_OK;
    } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[i + 1];
      i += 2;
    } else if (strncmp(argv[i], "--dir=", 6) == 0) {
      dir = argv[i] + 6;
      i++;
    } else {
      return usage_error("没有选项“%s”", argv[i]);
    }
  }
  if (i >= argc) {
    print_help();
    return EXIT_USAGE;
  }
  const hub_command *c = find_command(argv[i]);
  if (!c) return usage_error("没有命令“%s”", argv[i]);
  cmd_args a = {dir, argc - i - 1, argv + i + 1};
  for (int k = 0; k < a.argc; k++)
    if (strcmp(a.argv[k], "--help") == 0 || strcmp(a.argv[k], "-h") == 0) {
      print_command_help(c);
      return EXIT_OK;
    }
  if (!dir || !*dir) return usage_error("%s 需要在命令前给出 --dir DIR", c->name);
  return c->run(&a);
}
