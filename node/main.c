/* main.c - the linli-node command line.  Every command sits in one static
 * table with its help text beside its handler; standard output carries the
 * result, standard error the logs and "linli-node: error: ...".
 *
 * Exit codes: cm_rc_exit_code (common/rc.h), listed in --help. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "../common/term.h"
#include "../common/clock.h"
#include "../common/html.h"
#include "../common/http_client.h"
#include "../common/i18n.h"
#include "../common/lists.h"
#include "../common/log.h"
#include "../common/version.h"
#include "../protocol/keys.h"
#include "attach.h"
#include "attach_sync.h"
#include "dossier.h"
#include "csvimport.h"
#include "keyexport.h"
#include "usbin.h"
#include "node.h"
#include "people.h"
#include "project.h"
#include "records.h"
#include "restore.h"
#include "store.h"
#include "staff.h"
#include "sync.h"
#include "web.h"
#include "evaluation.h"
#include "year.h"

enum { EXIT_USAGE = CM_EXIT_USAGE };

#define MAX_OPTS 16
#define MAX_POS 4

/* Parsed options of one command. */
typedef struct args {
  const char *dir;
  const char *names[MAX_OPTS];
  const char *values[MAX_OPTS]; /* "" for a flag without value */
  int n;
  const char *pos[MAX_POS];
  int npos;
} args;

typedef int (*cmd_fn)(args *a);

/* A command's work on an open node: its result to standard output, an error in *e. */
typedef cm_rc (*node_fn)(node_ctx *ctx, args *a, cm_err *e);

typedef struct command {
  const char *word1;
  const char *word2;       /* NULL for one-word commands */
  cmd_fn fn;               /* a command that opens no node, or opens it its own way */
  node_fn run;             /* or: a command run on the open node (with_node) */
  const char *const *opts; /* options taking a value */
  const char *const *flags;/* options without a value */
  int min_pos, max_pos;    /* positional arguments */
  const char *usage;
  const char *help;
} command;

static const char *opt(const args *a, const char *name) {
  for (int i = 0; i < a->n; i++)
    if (!strcmp(a->names[i], name)) return a->values[i];
  return NULL;
}

static int fail(cm_rc rc, const cm_err *e) {
  char msg[sizeof e->msg];
  /* A message written "中文 / English" (for the pages' English switch) is
   * printed in its Chinese part, in Simplified characters. */
  cm_i18n_msg_part(CM_LANG_ZH, e->msg[0] ? e->msg : cm_strerror(rc), msg, sizeof msg);
  fprintf(stderr, "linli-node: 错误：%s\n", msg);
  return cm_rc_exit_code(rc);
}

/* Open the node; a directory that is not a node is a usage error. */
static int open_node(const args *a, node_ctx **ctx) {
  cm_err e;
  cm_err_clear(&e);
  cm_rc rc = node_open(a->dir, ctx, &e);
  if (rc == CM_ERR_NOT_FOUND || rc == CM_ERR_INVALID) {
    fprintf(stderr, "linli-node: 错误：%s\n", e.msg);
    return EXIT_USAGE;
  }
  return rc ? fail(rc, &e) : 0;
}

/* Open the node, run fn on it, close it; the exit code. */
static int with_node(args *a, node_fn fn) {
  node_ctx *ctx = NULL;
  cm_err e;
  cm_err_clear(&e);
  int x = open_node(a, &ctx);
  if (x) return x;
  cm_rc rc = fn(ctx, a, &e);
  node_close(ctx);
  return rc ? fail(rc, &e) : 0;
}

/* Print JSON on one line. */
static void print_json(const json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (s) printf("%s\n", s);
  free(s);
}

static const char *js(const json_t *o, const char *k) {
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static void flags_text(const json_t *flags, char *out, size_t cap) {
  size_t i;
  json_t *f;
  out[0] = 0;
  json_array_foreach(flags, i, f) {
    size_t l = strlen(out);
    snprintf(out + l, cap - l, "%s%s", l ? "、" : "",
             cm_i18n_word(CM_LANG_ZH, "flag.", json_string_value(f)));
  }
  if (!out[0]) snprintf(out, cap, "-");
}

/* A listing: as JSON on one line (--json), else the lines rows prints; freed.
 * rc is the answer of the call that read it: nothing is printed on an error. */
static cm_rc show_list(const args *a, cm_rc rc, json_t *list, void (*rows)(const json_t *list)) {
  if (!rc && opt(a, "--json"))
    print_json(list);
  else if (!rc)
    rows(list);
  json_decref(list);
  return rc;
}

/* ---- handlers ---- */

static int cmd_init(args *a) {
  node_init_opts o = {opt(a, "--community"), opt(a, "--street"), opt(a, "--hub"),
                      opt(a, "--code"), opt(a, "--hub-key")};
  uint8_t pk[PROTO_KEY_BYTES];
  char hex[PROTO_KEY_HEX], fp[PROTO_FINGERPRINT_LEN];
  cm_err e;
  cm_err_clear(&e);
  if (!o.community || !o.street || !o.hub) {
    fprintf(stderr, "linli-node: 错误：init 需要 --community、--street 和 --hub\n");
    return EXIT_USAGE;
  }
  cm_rc rc = node_init(a->dir, &o, pk, &e);
  if (rc) return fail(rc, &e);
  proto_key_hex(pk, hex);
  proto_fingerprint(pk, fp);
  /* The public key last: scripts and the street's enroll take the last line. */
  printf("密钥指纹：%s\n%s\n", fp, hex);
  return 0;
}

static void org_input(const args *a, node_org_input *in) {
  in->name = opt(a, "--name");
  in->category = opt(a, "--category");
  in->leader = opt(a, "--leader");
  in->phone = opt(a, "--phone");
  in->members = opt(a, "--members");
  in->party_members = opt(a, "--party-members");
  in->party_station = opt(a, "--party-station");
  in->founded_by = opt(a, "--founded-by");
  in->scope = opt(a, "--scope");
  in->venue = opt(a, "--venue");
  in->filed = opt(a, "--filed");
  in->industry = opt(a, "--industry");
  in->unit = opt(a, "--unit");
}

/* Warn on stderr about the flags an org carries now. */
static void warn_flags(node_ctx *ctx, const char *id) {
  json_t *org = NULL;
  if (node_org_get(ctx, id, &org, NULL) != CM_OK) return;
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(org, "flags"), i, f) {
    const char *s = json_string_value(f);
    if (s && !strcmp(s, "name_norm"))
      fprintf(stderr, "linli-node: 提醒：名称不符合“XXX社区XXX工作站”规范，已标记待整改\n");
    else if (s && !strcmp(s, "party_station"))
      fprintf(stderr, "linli-node: 提醒：党员三人以上应设立党员活动站（组），已标记待整改\n");
  }
  json_decref(org);
}

static cm_rc run_org_file(node_ctx *ctx, args *a, cm_err *e) {
  node_org_input in;
  char id[NODE_ID_MAX];
  org_input(a, &in);
  cm_rc rc = node_org_file(ctx, &in, id, e);
  if (!rc) {
    warn_flags(ctx, id);
    printf("%s\n", id);
  }
  return rc;
}

static cm_rc run_org_amend(node_ctx *ctx, args *a, cm_err *e) {
  node_org_input in;
  org_input(a, &in);
  cm_rc rc = node_org_amend(ctx, a->pos[0], &in, e);
  if (!rc) {
    warn_flags(ctx, a->pos[0]);
    printf("%s\n", a->pos[0]);
  }
  return rc;
}

static cm_rc run_org_dissolve(node_ctx *ctx, args *a, cm_err *e) {
  cm_rc rc = node_org_dissolve(ctx, a->pos[0], opt(a, "--reason"), e);
  if (!rc) printf("%s\n", a->pos[0]);
  return rc;
}

static void org_list_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    char flags[256];
    flags_text(json_object_get(o, "flags"), flags, sizeof flags);
    cm_term_printf("%s\t%s\t%s\t%s\t%s\t%lld/%lld\n", js(o, "id"),
                   cm_i18n_word(CM_LANG_ZH, "status.", js(o, "status")), flags, js(o, "name"),
                   cm_i18n_word(CM_LANG_ZH, "found.", js(o, "founded_by")),
           (long long)json_integer_value(json_object_get(o, "party_members")),
           (long long)json_integer_value(json_object_get(o, "members")));
  }
}

static cm_rc run_org_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_org_list(ctx, &list, e);
  return show_list(a, rc, list, org_list_rows);
}

static cm_rc run_report_monthly(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_report_input in = {opt(a, "--org"), opt(a, "--month"), opt(a, "--activities"),
                          opt(a, "--participants"), opt(a, "--party-participants"),
                          opt(a, "--content"), opt(a, "--scope"), opt(a, "--good-deeds")};
  cm_rc rc = node_report_monthly(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static cm_rc run_attach(node_ctx *ctx, args *a, cm_err *e) {
  char hash[CM_ATT_HEX], record[NODE_RECORD_ID_MAX];
  node_attach_input in = {opt(a, "--org"), a->pos[0], opt(a, "--title"), opt(a, "--heading"),
                          opt(a, "--record")};
  cm_rc rc = node_attach(ctx, &in, hash, record, e);
  if (!rc) printf("%s\n%s\n", record, hash);
  return rc;
}

/* One line of what a check found (also for restore). */
static void checked_line(FILE *f, const cm_att_checked *c, int fetch) {
  fprintf(f, "附件 %u 个：完好 %u 个，缺失 %u 个，损坏 %u 个", c->files, c->ok, c->missing,
          c->corrupt);
  if (fetch) fprintf(f, "；从街道分会取回 %u 个（%llu 字节）", c->fetched, (unsigned long long)c->bytes);
  fprintf(f, "%s\n", c->left ? "；仍有附件缺失或损坏" : "");
}

static cm_rc run_files_check(node_ctx *ctx, args *a, cm_err *e) {
  cm_att_checked c;
  int fetch = !opt(a, "--no-fetch");
  cm_rc rc = fetch ? cm_client_global_init() : CM_OK;
  if (!rc) rc = node_files_check(ctx, fetch, stdout, &c, e);
  if (!rc) checked_line(stdout, &c, fetch);
  if (!rc && c.left)
    rc = cm_errf(e, CM_ERR_NOT_FOUND, "%u 个附件缺失或损坏%s", c.left,
                 fetch ? "，街道分会也没有完好的副本" : "（去掉 --no-fetch 可从街道分会取回）");
  return rc;
}

static cm_rc run_files_limits(node_ctx *ctx, args *a, cm_err *e) {
  uint64_t file_max = 0, year_max = 0, f = 0, y = 0;
  (void)a;
  cm_rc rc = store_limits(ctx, &f, &y, e);
  if (rc) return rc;
  node_attach_caps(ctx, &file_max, &year_max);
  cm_att_caps_print(stdout, file_max, year_max, f != 0);
  return CM_OK;
}

static cm_rc run_dossier(node_ctx *ctx, args *a, cm_err *e) {
  cm_buf page;
  unsigned files = 0;
  cm_buf_init(&page, 16u << 20);
  const char *org = opt(a, "--org"), *zip = opt(a, "--zip");
  cm_rc rc = org ? node_dossier_write(ctx, org, zip, &page, &files, e)
                 : cm_errf(e, CM_ERR_INVALID, "缺少 --org（组织的备案编号）");
  if (!rc && zip) printf("%u 个文件 → %s\n", files, zip);
  if (!rc && !zip) fwrite(page.p, 1, page.len, stdout);
  cm_buf_free(&page);
  return rc;
}

/* `org notice --org ID --out FILE`: the public notice as a page of its own,
 * written whole or not at all. */
static cm_rc run_org_notice(node_ctx *ctx, args *a, cm_err *e) {
  const char *org = opt(a, "--org"), *path = opt(a, "--out");
  char tmp[4096];
  cm_buf page;
  FILE *f = NULL;
  cm_buf_init(&page, 8u << 20);
  cm_rc rc = org && path ? CM_OK : cm_errf(e, CM_ERR_INVALID, "需要 --org ID 和 --out 文件");
  if (!rc && snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
    rc = cm_errf(e, CM_ERR_INVALID, "文件名过长：%s", path);
  if (!rc) rc = node_notice_page(ctx, org, &page, e);
  if (!rc && !(f = fopen(tmp, "wb"))) rc = cm_errf(e, CM_ERR_IO, "无法写入 %s：%s", path, strerror(errno));
  if (!rc && fwrite(page.p, 1, page.len, f) != page.len) rc = cm_errf(e, CM_ERR_IO, "无法写入 %s", path);
  if (f && fclose(f) != 0 && !rc) rc = cm_errf(e, CM_ERR_IO, "无法写入 %s", path);
  if (!rc && rename(tmp, path) != 0) rc = cm_errf(e, CM_ERR_IO, "无法保存 %s：%s", path, strerror(errno));
  if (rc && f) unlink(tmp);
  if (!rc) printf("公示已写入 %s\n", path);
  cm_buf_free(&page);
  return rc;
}

static void report_list_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    cm_term_printf("%s\t%s\t%lld\t%lld\t%lld\t%s\t%s%s%s\n", js(o, "org"), js(o, "month"),
           (long long)json_integer_value(json_object_get(o, "activities")),
           (long long)json_integer_value(json_object_get(o, "participants")),
           (long long)json_integer_value(json_object_get(o, "party_participants")),
           js(o, "content"), cm_i18n_word(CM_LANG_ZH, "review.", js(o, "review")),
           js(o, "review_reason")[0] ? "：" : "", js(o, "review_reason"));
  }
}

static cm_rc run_report_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_report_list(ctx, opt(a, "--org"), opt(a, "--month"), &list, e);
  return show_list(a, rc, list, report_list_rows);
}

static cm_rc run_activity_declare(node_ctx *ctx, args *a, cm_err *e) {
  char id[NODE_ID_MAX];
  node_activity_input in = {opt(a, "--org"), opt(a, "--date"), opt(a, "--title"),
                            opt(a, "--place"), opt(a, "--expected"), opt(a, "--description")};
  cm_rc rc = node_activity_declare(ctx, &in, id, e);
  if (!rc) printf("%s\n", id);
  return rc;
}

static void activity_list_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    json_t *st = json_object_get(o, "street"), *di = json_object_get(o, "district");
    /* a returned activity shows the note of the level that returned it */
    const char *note = js(di, "note")[0] ? js(di, "note") : js(st, "note");
    cm_term_printf("%s\t%s\t%s\t%s\t街道：%s\t区协会：%s\t%s\t%s\n", js(o, "id"), js(o, "date"),
           js(o, "org"), cm_i18n_word(CM_LANG_ZH, "esc.", js(o, "escalation")),
           js(st, "status")[0] ? cm_i18n_word(CM_LANG_ZH, "esc.", js(st, "status")) : "-",
           js(di, "status")[0] ? cm_i18n_word(CM_LANG_ZH, "esc.", js(di, "status")) : "-",
           js(o, "title"),
           note[0] ? note : "-");
  }
}

static cm_rc run_activity_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_activity_list(ctx, &list, e);
  return show_list(a, rc, list, activity_list_rows);
}

static cm_rc run_rectification_file(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_rectification_input in = {opt(a, "--org"), opt(a, "--decision"), opt(a, "--content")};
  cm_rc rc = node_rectification_file(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static cm_rc run_inspection_file(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_inspection_input in = {opt(a, "--org"),           opt(a, "--year"),
                              opt(a, "--activities"),    opt(a, "--members"),
                              opt(a, "--joined"),        opt(a, "--left"),
                              opt(a, "--party-members"), opt(a, "--funds-received"),
                              opt(a, "--funds-used"),    opt(a, "--problems"),
                              opt(a, "--plans"),         opt(a, "--opinion"),
                              opt(a, "--opinion-text")};
  cm_rc rc = node_inspection_file(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static void inspection_list_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(list, "reports"), i, o)
    cm_term_printf("自查\t%s\t%lld\t%s\t%s\n", js(o, "org"),
                   (long long)json_integer_value(json_object_get(o, "year")),
                   cm_i18n_word(CM_LANG_ZH, "insp.opinion.", js(o, "opinion")),
                   js(o, "record"));
  json_array_foreach(json_object_get(list, "results"), i, o)
    cm_term_printf("结果\t%s\t%lld\t%s\t%s\t%s\n", js(o, "org"),
                   (long long)json_integer_value(json_object_get(o, "year")),
                   cm_i18n_word(CM_LANG_ZH, "result.", js(o, "result")),
                   js(o, "deadline")[0] ? js(o, "deadline") : "-", js(o, "reason"));
}

static cm_rc run_inspection_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_inspection_list(ctx, &list, e);
  return show_list(a, rc, list, inspection_list_rows);
}

/* ---- evaluation and commendation (评比表彰) ---- */

static cm_rc run_nominate(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_nomination_input in = {opt(a, "--round"), opt(a, "--org"), opt(a, "--person"),
                              opt(a, "--deeds")};
  cm_rc rc = node_nominate(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static void evaluation_list_rows(const json_t *list) {
  json_t *o;
  size_t i;
  json_array_foreach(json_object_get(list, "rounds"), i, o)
    cm_term_printf("评比\t%s\t%s\t提名截止 %s\t%s%s\n", js(o, "round"), js(o, "title"),
                   js(o, "closes"),
                   json_is_true(json_object_get(o, "open")) ? "进行中"
                   : *js(o, "closed")                       ? "已提前截止 "
                                                            : "已截止",
                   js(o, "closed"));
  json_array_foreach(json_object_get(list, "nominations"), i, o) {
    const char *zh = cm_i18n_word(CM_LANG_ZH, "eval.status.", js(o, "status"));
    cm_term_printf("提名\t%s\t%s\t%s\t%s\t%s\n", js(o, "round"), js(o, "org"),
                   *js(o, "person") ? js(o, "person") : "（组织）", zh, js(o, "record"));
  }
}

static cm_rc run_evaluation_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_eval_list(ctx, &list, e);
  return show_list(a, rc, list, evaluation_list_rows);
}

/* plan file / summary file: one command body, the kind by which was asked. */
static cm_rc plan_file(node_ctx *ctx, args *a, int summary, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_plan_input in = {summary,         opt(a, "--org"),   opt(a, "--year"),
                        opt(a, "--goals"), opt(a, "--activities"), opt(a, "--count"),
                        opt(a, "--results"), opt(a, "--problems"), opt(a, "--community") != NULL};
  cm_rc rc = node_plan_file(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static cm_rc run_plan_file(node_ctx *ctx, args *a, cm_err *e) {
  return plan_file(ctx, a, 0, e);
}

static cm_rc run_summary_file(node_ctx *ctx, args *a, cm_err *e) {
  return plan_file(ctx, a, 1, e);
}

static void plan_list_rows(const json_t *list) {
  static const char *const parts[][2] = {{"plans", "计划"}, {"summaries", "总结"}};
  for (size_t k = 0; k < 2; k++) {
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(list, parts[k][0]), i, o)
      cm_term_printf("%s\t%s\t%lld\t%s\n", parts[k][1], js(o, "org"),
                     (long long)json_integer_value(json_object_get(o, "year")), js(o, "record"));
  }
}

static cm_rc run_plan_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_plan_list(ctx, NULL, 0, &list, e);
  return show_list(a, rc, list, plan_list_rows);
}

static void training_list_rows(const json_t *list) {
  json_t *o, *x;
  size_t i, k;
  json_array_foreach(json_object_get(list, "trainings"), i, o) {
    cm_term_printf("培训\t%s\t%s\t%s\t%s\t", js(o, "date"), js(o, "topic"), js(o, "organiser"),
                   cm_i18n_t(CM_LANG_ZH, !strcmp(js(o, "origin"), "district") ? "hub.district"
                                                                               : "hub.street"));
    json_array_foreach(json_object_get(o, "orgs"), k, x)
      cm_term_printf("%s%s", k ? "," : "", json_string_value(x));
    cm_term_printf("\n");
  }
  json_array_foreach(json_object_get(list, "organisations"), i, o)
    cm_term_printf("组织\t%s\t%s\t%lld年\t培训 %lld 次\n", js(o, "org"), js(o, "name"),
                   (long long)json_integer_value(json_object_get(o, "year")),
                   (long long)json_integer_value(json_object_get(o, "trainings")));
}

static cm_rc run_training_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  const char *y = opt(a, "--year");
  if (y && (strlen(y) != 4 || strspn(y, "0123456789") != 4 || atoi(y) < 2000))
    return cm_errf(e, CM_ERR_INVALID, "「年度」应为2000年以后的四位年份（YYYY），而不是“%s”", y);
  cm_rc rc = node_training_list(ctx, opt(a, "--org"), y ? atoi(y) : 0, &list, e);
  return show_list(a, rc, list, training_list_rows);
}

static void notice_list_rows(const json_t *list) {
  json_t *o;
  size_t i;
  json_array_foreach(list, i, o)
    cm_term_printf("%s\t%s\t%s\t%s\n", js(o, "notice"),
                   json_is_true(json_object_get(o, "read")) ? "已读" : "未读", js(o, "title"),
                   js(o, "text"));
}

static cm_rc run_notice_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_notice_list(ctx, &list, e);
  return show_list(a, rc, list, notice_list_rows);
}

static cm_rc run_lists(node_ctx *ctx, args *a, cm_err *e) {
  json_t *all = NULL;
  cm_rc rc = node_lists(ctx, &all, e);
  if (!rc && opt(a, "--json")) {
    print_json(all);
  } else if (!rc) {
    for (int k = 0; k < CM_LIST_KINDS; k++) {
      json_t *l = json_object_get(all, cm_list_key((cm_list_kind)k));
      size_t i;
      json_t *it;
      cm_term_printf("%s：%s\n", cm_list_label((cm_list_kind)k), l ? "" : "区协会尚未发布");
      json_array_foreach(l, i, it) cm_term_printf("  %s\t%s\n", js(it, "code"), js(it, "name"));
    }
  }
  json_decref(all);
  return rc;
}

static cm_rc run_station_register(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  node_station_input in = {opt(a, "--org"),       opt(a, "--name"),
                           opt(a, "--leader"),    opt(a, "--party-members"),
                           opt(a, "--committee"), opt(a, "--date"),
                           opt(a, "--branch"),    opt(a, "--branch-date")};
  cm_rc rc = node_station_register(ctx, &in, record, e);
  if (!rc) printf("%s\n", record);
  return rc;
}

static void station_list_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    const char *st = cm_i18n_word(CM_LANG_ZH, "review.", js(o, "review"));
    cm_term_printf("%s\t%s\t%s\t%s\t%lld\t%s\t%s\n", js(o, "org"), js(o, "name"),
                   js(o, "leader"), js(o, "date"),
                   (long long)json_integer_value(json_object_get(o, "party_members")), st,
                   js(o, "review_reason"));
  }
}

static cm_rc run_station_list(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_station_list(ctx, opt(a, "--org"), &list, e);
  return show_list(a, rc, list, station_list_rows);
}

static cm_rc run_notice_read(node_ctx *ctx, args *a, cm_err *e) {
  char record[NODE_RECORD_ID_MAX];
  int already = 0;
  cm_rc rc = node_notice_read(ctx, a->pos[0], record, &already, e);
  if (!rc && already) fprintf(stderr, "这条通知已经标为已读\n");
  if (!rc) printf("%s\n", record);
  return rc;
}

static cm_rc run_import_reports(node_ctx *ctx, args *a, cm_err *e) {
  size_t n = 0;
  cm_rc rc = node_import_reports(ctx, a->pos[0], &n, e);
  if (!rc) printf("%zu\n", n);
  return rc;
}

static void *load_curl(void *arg) {
  (void)arg;
  cm_client_global_init(); /* its outcome is read again by each request */
  return NULL;
}

static cm_rc run_sync(node_ctx *ctx, args *a, cm_err *e) {
  node_sync_status s;
  /* libcurl is loading meanwhile (main: load_curl); the pass's first request
   * waits for it, after the pass has started building its first bundle. */
  cm_rc rc = opt(a, "--idle") ? node_sync_idle(ctx, e) : node_sync_once(ctx, e);
  if (node_sync_status_get(ctx, &s, NULL) == CM_OK)
    printf("本机记录 %llu 条，已上报 %llu 条，已确认 %llu 条，未读决定 %llu 条\n",
           (unsigned long long)s.written, (unsigned long long)s.pushed,
           (unsigned long long)s.acknowledged, (unsigned long long)s.unread);
  return rc;
}

static cm_rc run_status(node_ctx *ctx, args *a, cm_err *e) {
  json_t *st = NULL;
  cm_rc rc = node_status(ctx, &st, e);
  if (!rc && opt(a, "--json")) {
    print_json(st);
  } else if (!rc) {
    /* The keys of --json in words, in the order people look for them. */
    static const char *const label[][2] = {
        {"community", "社区"},         {"street", "街道"},
        {"code", "社区代码"},          {"fingerprint", "密钥指纹"},
        {"key", "公钥"},               {"hub", "街道分会地址"},
        {"hub_key", "街道分会公钥"},   {"enrolled", "登记状态"},
        {"written", "本机记录"},       {"pushed", "已上报"},
        {"acknowledged", "已确认"},    {"pending", "待上报"},
        {"last_contact", "上次联系街道分会"}, {"last_error", "上次同步问题"},
        {"unread", "未读决定"},        {"overdue", "逾期未报"},
        {"today", "今天"},             {"month", "本月"},
        {"due_month", "应报月报"},     {"due_date", "截止日期"},
        {"replaces", "接替的原电脑（密钥指纹）"}, {"inherited", "从街道取回的原电脑记录"},
    };
    for (size_t i = 0; i < sizeof label / sizeof label[0]; i++) {
      json_t *v = json_object_get(st, label[i][0]);
      const char *t = json_string_value(v);
      if (!v && (!strcmp(label[i][0], "replaces") || !strcmp(label[i][0], "inherited")))
        continue; /* only on a PC that replaced a lost one */
      char when[26];
      if (!strcmp(label[i][0], "enrolled") && t)
        t = !strcmp(t, "yes") ? "已登记" : !strcmp(t, "pending") ? "等待街道分会批准" : "未登记";
      if (!strcmp(label[i][0], "last_contact") && t && strlen(t) >= 16) {
        snprintf(when, sizeof when, "%.10s %.5s", t, t + 11); /* 2026-12-03 23:40 */
        t = when;
      }
      if (t)
        cm_term_printf("%s：%s\n", label[i][1], *t ? t : "-");
      else if (json_is_integer(v))
        printf("%s：%lld\n", label[i][1], (long long)json_integer_value(v));
      else
        printf("%s：-\n", label[i][1]);
    }
  }
  json_decref(st);
  return rc;
}

static void inbox_rows(const json_t *list) {
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    const char *dl = js(o, "deadline"), *res = js(o, "result"), *why = js(o, "reason");
    const char *about = js(o, "org")[0] ? js(o, "org") : js(o, "subject");
    char when[32];
    cm_html_iso_text(js(o, "time"), when, sizeof when);
    /* Kinds, results and states in words; the record stays as it is, for
     * `rectification file --decision`. */
    cm_term_printf("%s\t%s%s%s\t%s\t%s\t%s\t%s\t%s%s\n", when,
           cm_i18n_kind(CM_LANG_ZH, js(o, "kind")), res[0] ? "：" : "",
           res[0] ? cm_i18n_word(CM_LANG_ZH, "result.", res) : "",
           js(o, "origin")[0] ? cm_i18n_word(CM_LANG_ZH, "origin.", js(o, "origin")) : "-",
           js(o, "record"), about[0] ? about : "-", why[0] ? why : "-", dl[0] ? dl : "-",
           json_is_true(json_object_get(o, "overdue"))  ? "\t逾期未整改"
           : json_is_true(json_object_get(o, "closed")) ? "\t已结案"
                                                        : "");
  }
}

static cm_rc run_inbox(node_ctx *ctx, args *a, cm_err *e) {
  json_t *list = NULL;
  cm_rc rc = node_inbox_list(ctx, &list, e);
  rc = show_list(a, rc, list, inbox_rows);
  /* Listing them at the command line counts as reading them. */
  if (!rc && !opt(a, "--keep-unread")) rc = node_inbox_mark_read(ctx, 0, e);
  return rc;
}

static cm_rc run_bundle_export(node_ctx *ctx, args *a, cm_err *e) {
  uint64_t n = 0;
  unsigned files = 0;
  cm_rc rc = node_bundle_export(ctx, a->pos[0], &n, e);
  if (!rc) rc = node_attach_export(ctx, a->pos[0], &files, e);
  if (!rc && files) fprintf(stderr, "附件 %u 个，在 %s.files 目录里，随包一起带去\n", files, a->pos[0]);
  if (!rc) printf("%llu\n", (unsigned long long)n);
  return rc;
}

static cm_rc run_bundle_import(node_ctx *ctx, args *a, cm_err *e) {
  node_usbin_stats st;
  cm_rc rc = node_usb_import(ctx, a->pos[0], &st, e);
  if (rc) return rc;
  printf("已导入街道回传文件：街道已确认收到本社区前%llu条记录，新到%llu条审核结果或决定（运行 inbox 查看）\n",
         (unsigned long long)st.acknowledged, (unsigned long long)st.new_items);
  return CM_OK;
}

static int cmd_serve(args *a) {
  cm_err e;
  cm_err_clear(&e);
  node_ctx *ctx = NULL;
  int x = open_node(a, &ctx); /* refuse a directory that is not a node before binding */
  node_close(ctx);
  if (x) return x;
  const char *listen = opt(a, "--listen");
  /* No cm_client_global_init here: serve runs each sync pass as a child process
   * (node/web.c), so the page server never loads libcurl's TLS stack. */
  cm_rc rc = node_web_serve(a->dir, listen ? listen : "127.0.0.1:8080",
                            opt(a, "--allow-remote") != NULL, &e);
  return rc ? fail(rc, &e) : 0;
}

static int cmd_staff_password(args *a) {
  char line[NODE_STAFF_PW_MAX + 2];
  cm_err e;
  cm_err_clear(&e);
  node_ctx *ctx = NULL;
  int x = open_node(a, &ctx); /* only a node directory gets a password file */
  node_close(ctx);
  if (x) return x;
  if (!fgets(line, sizeof line, stdin)) line[0] = '\0';
  line[strcspn(line, "\r\n")] = '\0';
  cm_rc rc = node_staff_set_password(a->dir, line, &e);
  sodium_memzero(line, sizeof line);
  if (!rc) printf("员工密码已设置\n");
  return rc ? fail(rc, &e) : 0;
}

static int cmd_restore(args *a) {
  cm_err e;
  uint64_t head = 0;
  cm_err_clear(&e);
  if (!opt(a, "--hub") || !opt(a, "--key")) {
    fprintf(stderr, "linli-node: 错误：restore 需要 --hub URL 和 --key KEYFILE\n");
    return EXIT_USAGE;
  }
  cm_rc rc = cm_client_global_init();
  if (!rc) rc = node_restore(a->dir, opt(a, "--hub"), opt(a, "--key"), &head, &e);
  if (!rc) printf("%llu\n", (unsigned long long)head);
  return rc ? fail(rc, &e) : 0;
}

static cm_rc run_rebuild(node_ctx *ctx, args *a, cm_err *e) {
  cm_rc rc = project_rebuild(ctx, e);
  node_sync_status s;
  if (!rc && node_sync_status_get(ctx, &s, NULL) == CM_OK)
    printf("已按台账的 %llu 条记录重新整理\n", (unsigned long long)s.written);
  return rc;
}

/* ---- key export / import (node/keyexport.c) ---- */

static cm_rc run_key_export(node_ctx *ctx, args *a, cm_err *e) {
  node_key_info info;
  char pass[NODE_PASS_MAX];
  cm_rc rc = node_read_passphrase(stdin, pass, sizeof pass, e);
  if (!rc) rc = node_key_export(ctx, a->pos[0], pass, &info, e);
  sodium_memzero(pass, sizeof pass);
  if (rc) return rc;
  printf("已把社区“%s”的密钥（指纹 %s）加密导出到 %s。\n"
         "请把这个文件和口令分开保管：两样都拿到的人能以本社区的名义报送。\n",
         info.community, info.fingerprint, a->pos[0]);
  return CM_OK;
}

static int cmd_key_import(args *a) {
  node_key_info info;
  char pass[NODE_PASS_MAX];
  cm_err e;
  cm_err_clear(&e);
  cm_rc rc = node_read_passphrase(stdin, pass, sizeof pass, &e);
  if (!rc) rc = node_key_import(a->dir, a->pos[0], pass, &info, &e);
  sodium_memzero(pass, sizeof pass);
  if (rc) return fail(rc, &e);
  printf("已导入社区“%s”（代码 %s，指纹 %s）的密钥。\n"
         "下一步：先从街道取回本社区的记录，再开始填报：\n"
         "  linli-node --dir %s restore --hub %s --key %s/identity.key\n",
         info.community, info.code, info.fingerprint, a->dir, info.hub[0] ? info.hub : "URL",
         a->dir);
  return 0;
}

/* ---- people: roster, pledge, feedback, funding (node/people.c) ---- */

/* Print a listing as JSON (--json) or one tab-separated line per row of the
 * given keys (a boolean as 是/否). */
static void print_rows(const args *a, const json_t *list, const char *const *keys) {
  size_t i;
  json_t *o;
  if (opt(a, "--json")) {
    print_json(list);
    return;
  }
  json_array_foreach(list, i, o) {
    for (size_t k = 0; keys[k]; k++) {
      json_t *v = json_object_get(o, keys[k]);
      if (k) cm_term_printf("\t");
      if (json_is_integer(v))
        printf("%lld", (long long)json_integer_value(v));
      else if (json_is_boolean(v))
        cm_term_printf("%s", json_is_true(v) ? "是" : "否");
      else
        cm_term_printf("%s", js(o, keys[k])[0] ? js(o, keys[k]) : "-");
    }
    printf("\n");
  }
}

static cm_rc run_roster_add(node_ctx *ctx, args *a, cm_err *e) {
  int64_t member = 0;
  node_roster_input in = {opt(a, "--org"),        opt(a, "--name"),   opt(a, "--role"),
                          opt(a, "--party-member"), opt(a, "--home-community"),
                          opt(a, "--joined"),     opt(a, "--leader"), opt(a, "--reason")};
  cm_rc rc = node_roster_add(ctx, &in, &member, e);
  if (!rc) printf("%lld\n", (long long)member);
  return rc;
}

static cm_rc run_roster_leave(node_ctx *ctx, args *a, cm_err *e) {
  return node_roster_leave(ctx, opt(a, "--org"), opt(a, "--member"), opt(a, "--left"), e);
}

static cm_rc run_roster_list(node_ctx *ctx, args *a, cm_err *e) {
  static const char *const keys[] = {"member", "name", "role", "party_member", "home_community",
                                     "leader", "joined", "left", "current", NULL};
  json_t *list = NULL;
  cm_rc rc = opt(a, "--org") ? node_roster_list(ctx, opt(a, "--org"), &list, e)
                             : cm_errf(e, CM_ERR_INVALID, "需要 --org ID");
  if (!rc) print_rows(a, list, keys);
  json_decref(list);
  return rc;
}

static cm_rc run_roster_export(node_ctx *ctx, args *a, cm_err *e) {
  cm_buf b;
  cm_buf_init(&b, 64u << 20);
  cm_rc rc = opt(a, "--org") ? node_roster_csv(ctx, opt(a, "--org"), &b, e)
                             : cm_errf(e, CM_ERR_INVALID, "需要 --org ID");
  if (!rc && b.len && fwrite(b.p, 1, b.len, stdout) != b.len)
    rc = cm_errf(e, CM_ERR_IO, "写不出名册");
  cm_buf_free(&b);
  return rc;
}

static cm_rc run_pledge_set(node_ctx *ctx, args *a, cm_err *e) {
  return node_pledge_set(ctx, opt(a, "--org"), opt(a, "--rules"), opt(a, "--pledge"), e);
}

static cm_rc run_feedback_add(node_ctx *ctx, args *a, cm_err *e) {
  char id[64] = "";
  cm_rc rc = node_feedback_add(ctx, opt(a, "--org"), opt(a, "--type"), opt(a, "--content"),
                               opt(a, "--from"), opt(a, "--received"), id, sizeof id, e);
  if (!rc) printf("%s\n", id);
  return rc;
}

/* feedback handle / feedback report: one body, the status by which was asked. */
static cm_rc run_feedback_handle(node_ctx *ctx, args *a, cm_err *e) {
  return node_feedback_update(ctx, a->pos[0], "handled", opt(a, "--result"), opt(a, "--date"), e);
}

static cm_rc run_feedback_report(node_ctx *ctx, args *a, cm_err *e) {
  return node_feedback_update(ctx, a->pos[0], "reported", opt(a, "--result"), opt(a, "--date"), e);
}

static cm_rc run_feedback_list(node_ctx *ctx, args *a, cm_err *e) {
  static const char *const keys[] = {"id", "org", "type", "received", "status", "overdue",
                                     "content", NULL};
  json_t *list = NULL;
  cm_rc rc = node_feedback_list(ctx, opt(a, "--org"), &list, e);
  if (!rc) print_rows(a, list, keys);
  json_decref(list);
  return rc;
}

static cm_rc run_funding_add(node_ctx *ctx, args *a, cm_err *e) {
  return node_funding_add(ctx, opt(a, "--org"), opt(a, "--source"), opt(a, "--amount"),
                           opt(a, "--purpose"), opt(a, "--year"), opt(a, "--date"), e);
}

static cm_rc run_funding_list(node_ctx *ctx, args *a, cm_err *e) {
  static const char *const keys[] = {"org", "year", "source", "amount", "purpose", NULL};
  json_t *list = NULL;
  cm_rc rc = node_funding_list(ctx, opt(a, "--org"), &list, e);
  if (!rc) print_rows(a, list, keys);
  json_decref(list);
  return rc;
}

/* ---- the table ---- */

static const char *const o_none[] = {NULL};
static const char *const f_none[] = {NULL};
static const char *const f_json[] = {"--json", NULL};
static const char *const f_idle[] = {"--idle", NULL};
static const char *const f_files[] = {"--no-fetch", NULL};
static const char *const o_init[] = {"--community", "--street", "--hub", "--code", "--hub-key", NULL};
static const char *const o_org[] = {"--name", "--category", "--leader", "--phone", "--members",
                                    "--party-members", "--party-station", "--founded-by",
                                    "--scope", "--venue", "--filed", "--industry", "--unit",
                                    NULL};
static const char *const o_station[] = {"--org", "--name", "--leader", "--party-members",
                                        "--committee", "--date", "--branch", "--branch-date",
                                        NULL};
static const char *const o_org_only[] = {"--org", NULL};
static const char *const o_reason[] = {"--reason", NULL};
static const char *const o_report[] = {"--org", "--month", "--activities", "--participants",
                                       "--party-participants", "--content", "--scope",
                                       "--good-deeds", NULL};
static const char *const o_rlist[] = {"--org", "--month", NULL};
static const char *const o_act[] = {"--org", "--date", "--title", "--place", "--expected",
                                    "--description", NULL};
static const char *const o_attach[] = {"--org", "--title", "--heading", "--record", NULL};
static const char *const o_dossier[] = {"--org", "--zip", NULL};
static const char *const o_rect[] = {"--org", "--decision", "--content", NULL};
static const char *const o_insp[] = {"--org", "--year", "--activities", "--members", "--joined",
                                     "--left", "--party-members", "--funds-received",
                                     "--funds-used", "--problems", "--plans", "--opinion",
                                     "--opinion-text", NULL};
static const char *const o_plan[] = {"--org", "--year", "--goals", "--activities", "--count", NULL};
static const char *const o_tlist[] = {"--org", "--year", NULL};
static const char *const o_summary[] = {"--org", "--year", "--results", "--problems", "--count",
                                        NULL};
static const char *const o_nominate[] = {"--round", "--org", "--person", "--deeds", NULL};
static const char *const f_inbox[] = {"--json", "--keep-unread", NULL};
static const char *const f_unit[] = {"--community", NULL};
static const char *const o_roster[] = {"--org", "--name", "--role", "--party-member",
                                       "--home-community", "--joined", "--leader", "--reason",
                                       NULL};
static const char *const o_leave[] = {"--org", "--member", "--left", NULL};
static const char *const o_orgonly[] = {"--org", NULL};
static const char *const o_notice[] = {"--org", "--out", NULL};
static const char *const o_pledge[] = {"--org", "--pledge", "--rules", NULL};
static const char *const o_fb[] = {"--org", "--type", "--content", "--from", "--received", NULL};
static const char *const o_fbmove[] = {"--result", "--date", NULL};
static const char *const o_fund[] = {"--org", "--source", "--amount", "--purpose", "--year",
                                     "--date", NULL};
static const char *const o_serve[] = {"--listen", NULL};
static const char *const f_serve[] = {"--allow-remote", NULL};
static const char *const o_restore[] = {"--hub", "--key", NULL};

static const command commands[] = {
    {"init", NULL, cmd_init, NULL, o_init, f_none, 0, 0,
     "init --community NAME --street NAME --hub URL --code CODE [--hub-key KEY]",
     "在 DIR 中建立本社区的台账：新的密钥（DIR/identity.key，权限 0600）和空台账。\n"
     "--code 是社区的12位统计区划代码（必填：备案编号以它开头）；--hub-key 锁定街道分会的公钥\n"
     "（不给时在登记时锁定）。先打印指纹，最后一行单独打印公钥。"},
    {"org", "file", NULL, run_org_file, o_org, f_none, 0, 0,
     "org file --name N --category C --leader L --phone P --members M --party-members K\n"
     "         [--party-station yes|no] [--founded-by self|district-unit|street]\n"
     "         [--scope S] [--venue V] [--filed YYYY-MM-DD] [--industry CODE] [--unit CODE]",
     "为新组织备案。最后一行单独打印新的备案编号。\n"
     "--category 在区协会发布组织类别清单后从清单中选（填代码或名称），此前可填任意文字；\n"
     "--industry（行业）和 --unit（主管单位）可不填，填时从区协会发布的清单中选，填代码或名称\n"
     "（见 linli-node lists）。\n"
     "名称不符合“XXX社区XXX工作站”规范，或党员三人以上而未设立党员活动站的，照样记录并标记待整改。"},
    {"org", "amend", NULL, run_org_amend, o_org, f_none, 1, 1, "org amend ID [--field value ...]",
     "组织变更：写一条只含改动字段的新记录（选项同 org file）。"},
    {"org", "dissolve", NULL, run_org_dissolve, o_reason, f_none, 1, 1, "org dissolve ID --reason TEXT",
     "组织解散。"},
    {"lists", NULL, NULL, run_lists, o_none, f_json, 0, 0, "lists [--json]",
     "区协会发布的清单：组织类别、行业、主管单位，每行代码和名称。备案和变更时从中选择。"},
    {"station", "register", NULL, run_station_register, o_station, f_none, 0, 0,
     "station register --org ID --name N --leader L --party-members N --committee NAME\n"
     "                 [--date YYYY-MM-DD] [--branch NAME] [--branch-date YYYY-MM-DD]",
     "登记组织的党员活动站：名称、负责人、党员人数、登记的党组织、登记日期（默认今天），\n"
     "以及成立的党支部和成立日期（可选）。街道分会审核通过后，“缺少党员活动站”的标记才清除。\n"
     "打印记录编号。"},
    {"station", "list", NULL, run_station_list, o_org_only, f_json, 0, 0, "station list [--org ID] [--json]",
     "本社区登记的党员活动站：组织、名称、负责人、登记日期、党员人数、审核状态。"},
    {"org", "notice", NULL, run_org_notice, o_notice, f_none, 0, 0,
     "org notice --org ID --out FILE",
     "把组织的公示写成一个网页文件（与网页“公示”内容相同：名称、负责人、服务承诺、最近六个月的\n"
     "活动和群众监督），不含脚本，也不链接回本机网页，可以发布或打印贴在社区公告栏。"},
    {"org", "list", NULL, run_org_list, o_none, f_json, 0, 0, "org list [--json]",
     "每行一个组织：备案编号、状态、标记、名称、成立方式、党员人数/成员人数。"},
    {"report", "monthly", NULL, run_report_monthly, o_report, f_none, 0, 0,
     "report monthly --org ID --month YYYY-MM --activities N --participants N\n"
     "               --party-participants N --content TEXT [--scope S] [--good-deeds TEXT]",
     "填报月报。同一组织同一月份的第二份月报更正第一份。打印记录编号。"},
    {"report", "list", NULL, run_report_list, o_rlist, f_json, 0, 0,
     "report list [--org ID] [--month YYYY-MM] [--json]",
     "现行月报（已按更正合并）：组织、月份、活动次数、参加人次、党员参加人次、活动内容。"},
    {"activity", "declare", NULL, run_activity_declare, o_act, f_none, 0, 0,
     "activity declare --org ID --date YYYY-MM-DD --title T --place P --expected N\n"
     "                 [--description TEXT]",
     "在活动日期之前做重大活动汇报。打印记录编号。"},
    {"activity", "list", NULL, run_activity_list, o_none, f_json, 0, 0, "activity list [--json]",
     "已汇报的重大活动及其上报进度：已汇报、街道分会已确认、区协会已确认，或附说明退回。"},
    {"rectification", "file", NULL, run_rectification_file, o_rect, f_none, 0, 0,
     "rectification file --org ID --decision RECORD --content TEXT",
     "整改报告，答复一项批评（RECORD 取自上级决定列表 inbox）。"},
    {"attach", NULL, NULL, run_attach, o_attach, f_none, 1, 1,
     "attach --org ID FILE --title TEXT [--heading filing|activity|people|evaluation|plan|change]\n"
     "       [--record RECORD]",
     "给组织的档案附上扫描件或照片（PDF、JPEG、PNG，按文件内容判断）：文件存入 DIR/files，\n"
     "以它的 BLAKE2b 哈希命名，只存一份；签名的记录写明哈希、类型、大小和标题，随下次同步上报。\n"
     "--record 把附件挂在本社区的一条记录上（备案、变更、月报、活动、整改等）；--heading 是档案类别：\n"
     "filing 备案材料、activity 活动材料、people 人员材料、evaluation 评比材料、plan 计划总结材料、\n"
     "change 变更材料（不给时按记录的种类定，默认备案材料）。默认每个文件最多 10 MB，每个组织每年\n"
     "最多 200 MB，区协会可另定（files limits 显示现在的上限）。先打印记录编号，最后一行单独打印\n"
     "文件的哈希。"},
    {"dossier", NULL, NULL, run_dossier, o_dossier, f_none, 0, 0, "dossier --org ID [--zip FILE]",
     "组织的档案：本社区的全部记录和附件，按备案材料、活动材料、人员材料、评比材料、计划总结材料、\n"
     "变更材料分类，各类按时间排列。不给 --zip 时把可打印的网页打印到标准输出；给 --zip 时写成\n"
     "一个 ZIP（index.html 和 files/ 下的全部附件），可以交给别人。"},
    {"files", "check", NULL, run_files_check, o_none, f_files, 0, 0, "files check [--no-fetch]",
     "检查 DIR/files 里的附件：台账记下的每个文件是否都在、内容是否与哈希相符。缺失或损坏的\n"
     "从街道分会取回（它是本机附件的备份）；--no-fetch 只检查、不取回。每个有问题的文件一行，\n"
     "最后一行是统计。全部完好（或已取回）时退出码为 0，仍有缺失或损坏时为 2。"},
    {"files", "limits", NULL, run_files_limits, o_none, f_none, 0, 0, "files limits",
     "显示附件上限：每个附件和每个组织每年最多多少 MB。区协会设定后随同步下发，未设定时为默认的\n"
     "10 MB 和 200 MB。"},
    {"inspection", "file", NULL, run_inspection_file, o_insp, f_none, 0, 0,
     "inspection file --org ID --year YYYY --activities N --members N --party-members N\n"
     "                [--joined N] [--left N] --funds-received 元 --funds-used 元\n"
     "                [--problems TEXT] [--plans TEXT] --opinion agree|rectify|disagree\n"
     "                [--opinion-text TEXT]",
     "年检自查报告：组织上一年度（已结束的年度）的活动次数、现有成员及增减、党员人数、\n"
     "经费收支（元，最多两位小数）、存在问题和下年计划，附社区居委会意见：\n"
     "agree 同意、rectify 整改、disagree 不同意（后两者须写 --opinion-text）。\n"
     "同一组织同一年度的第二份更正第一份。最后一行打印记录编号。"},
    {"inspection", "list", NULL, run_inspection_list, o_none, f_json, 0, 0, "inspection list [--json]",
     "本社区的年检自查报告（自查，附社区居委会意见）和街道分会的年检结果（结果：合格、\n"
     "限期整改及整改期限、不合格）。"},
    {"plan", "file", NULL, run_plan_file, o_plan, f_unit, 0, 0,
     "plan file --org ID|--community --year YYYY --goals TEXT --activities TEXT [--count N]",
     "组织的年度工作计划：工作目标、计划开展的活动（--count 计划活动次数）。只能为今年或明年\n"
     "制定；同一组织同一年度的第二份更正第一份。给 --community（不给 --org）时是本社区自己的\n"
     "年度工作计划。最后一行打印记录编号。"},
    {"summary", "file", NULL, run_summary_file, o_summary, f_unit, 0, 0,
     "summary file --org ID|--community --year YYYY --results TEXT --count N [--problems TEXT]",
     "组织的年终总结：工作成效、全年活动次数（--count）、存在问题。只能总结今年或以前的年度；\n"
     "同一组织同一年度的第二份更正第一份。给 --community 时是本社区自己的年终总结。\n"
     "最后一行打印记录编号。"},
    {"notice", "list", NULL, run_notice_list, o_none, f_json, 0, 0, "notice list [--json]",
     "区协会或街道分会发给本社区的通知：通知编号、已读或未读、标题、内容。"},
    {"notice", "read", NULL, run_notice_read, o_none, f_none, 1, 1, "notice read ID",
     "把通知 ID（notice list 中的通知编号）标为已读：写一条已读记录，同步后上级看到本社区已读。"},
    {"training", "list", NULL, run_training_list, o_tlist, f_json, 0, 0,
     "training list [--org ID] [--year YYYY] [--json]",
     "区协会或街道分会记录的、本社区组织参加的培训（每行一次：培训、日期、主题、主办单位、\n"
     "记录者、参加的本社区组织），然后每个组织每年的培训次数（组织、备案编号、名称、年度、\n"
     "次数）；--year 只看这一年（每个组织一行，没有参加的为 0 次），--org 只看一个组织。"},
    {"plan", "list", NULL, run_plan_list, o_none, f_json, 0, 0, "plan list [--json]",
     "本社区各组织的年度工作计划和年终总结：种类、组织、年度、记录编号。"},
    {"roster", "add", NULL, run_roster_add, o_roster, f_none, 0, 0,
     "roster add --org ID --name NAME [--role TEXT] [--party-member yes|no]\n"
     "           [--home-community NAME] [--joined YYYY-MM-DD] [--leader yes --reason TEXT]",
     "在组织的人员名册里加一名成员：姓名、角色、是否党员、所在社区（党员属别的社区时）、\n"
     "加入日期（默认今天）。--leader yes 登记为负责人；更换负责人须写 --reason 原因。\n"
     "姓名、角色和所在社区加密后只有街道分会和本社区能看；区里只看到人数。\n"
     "有了名册以后，组织的成员人数和党员人数按名册计算。打印成员编号。"},
    {"roster", "leave", NULL, run_roster_leave, o_leave, f_none, 0, 0,
     "roster leave --org ID --member N [--left YYYY-MM-DD]",
     "编号为 N 的成员退出名册（默认今天）。"},
    {"roster", "list", NULL, run_roster_list, o_orgonly, f_json, 0, 0, "roster list --org ID [--json]",
     "组织的人员名册：编号、姓名、角色、党员、所在社区、负责人、加入日期、退出日期、在册。"},
    {"roster", "export", NULL, run_roster_export, o_orgonly, f_none, 0, 0, "roster export --org ID",
     "把组织的人员名册导出为 CSV（中文表头，Excel 可直接打开），打印到标准输出，给组织自己用。"},
    {"pledge", "set", NULL, run_pledge_set, o_pledge, f_none, 0, 0,
     "pledge set --org ID --pledge TEXT [--rules TEXT]",
     "诚信自律：组织的服务承诺和内部制度。最新一份印在公示上（网页“公示”）。"},
    {"feedback", "add", NULL, run_feedback_add, o_fb, f_none, 0, 0,
     "feedback add --org ID --type complaint|suggestion --content TEXT [--from NAME]\n"
     "             [--received YYYY-MM-DD]",
     "群众监督：登记居民对组织的投诉（complaint）或建议（suggestion）。反映人可不填；填了加密后\n"
     "只有本社区能看，街道分会和区协会都看不到。收到15天（区协会可另定）后还没报街道的算超期。\n"
     "打印意见编号。"},
    {"feedback", "handle", NULL, run_feedback_handle, o_fbmove, f_none, 1, 1,
     "feedback handle ID --result TEXT [--date YYYY-MM-DD]", "意见已办理：写明办理结果。"},
    {"feedback", "report", NULL, run_feedback_report, o_fbmove, f_none, 1, 1,
     "feedback report ID [--result TEXT]", "已办理的意见报街道，办理结束。"},
    {"feedback", "list", NULL, run_feedback_list, o_orgonly, f_json, 0, 0,
     "feedback list [--org ID] [--json]",
     "群众意见：编号、组织、类型、收到日期、办理情况、是否超期、内容。"},
    {"funding", "add", NULL, run_funding_add, o_fund, f_none, 0, 0,
     "funding add --org ID --source TEXT --amount 元 [--purpose TEXT] [--year YYYY]\n"
     "            [--date YYYY-MM-DD]",
     "资金扶持：组织得到的资助或支持，来源、金额（元，最多两位小数）、用途、年度（默认今年）。"},
    {"funding", "list", NULL, run_funding_list, o_orgonly, f_json, 0, 0, "funding list [--org ID] [--json]",
     "组织得到的资金扶持：组织、年度、来源、金额（分）、用途。"},
    {"import", "reports", NULL, run_import_reports, o_none, f_none, 1, 1, "import reports FILE.csv",
     "从 CSV 文件导入月报（UTF-8，可带 BOM）。表头为中文：\n"
     "备案编号,月份,活动次数,参加人次,党员参加人次,活动内容,服务范围,好人好事\n"
     "（也接受英文表头 org,month,activities,participants,party_participants,content,scope,good_deeds）。\n"
     "要么全部导入，要么一条不导入；出错时指出行号。打印导入的条数。"},
    {"nominate", NULL, NULL, run_nominate, o_nominate, f_none, 0, 0,
     "nominate --round ID --org ID [--person NAME] --deeds TEXT",
     "评比提名：在区协会发起的评比（ID 如 2026-1，见 evaluation list）中提名本社区的一个组织，\n"
     "或给 --person 提名该组织的一个人，写明事迹。提名截止日期以后不能再提名。\n"
     "提名由街道分会推荐、区协会评定；评定的表彰下达本社区。最后一行打印记录编号。"},
    {"evaluation", "list", NULL, run_evaluation_list, o_none, f_json, 0, 0, "evaluation list [--json]",
     "区协会发起的评比（编号、名称、提名截止日期），本社区的提名及其进度：已提名、街道已推荐、\n"
     "已表彰。"},
    {"sync", NULL, NULL, run_sync, o_none, f_idle, 0, 0, "sync [--idle]",
     "与街道分会同步一次：需要时申请登记，上报待上报的记录，取回上级决定。\n"
     "--idle（serve 的后台循环用）：没有待上报的记录时只问一次有没有新决定。\n"
     "全部确认时退出码为 0；连不上或被拒绝为 3；等待街道审批登记为 4。"},
    {"status", NULL, NULL, run_status, o_none, f_json, 0, 0, "status [--json]",
     "本机记录 / 已上报 / 已确认的条数、上次联系时间、未读决定。"},
    {"inbox", NULL, NULL, run_inbox, o_none, f_inbox, 0, 0, "inbox [--json] [--keep-unread]",
     "收到的上级决定，新的在前：时间、种类（及结果）、来源、记录、组织、理由、整改期限"
     "（及逾期未整改、已结案）。\n"
     "除非给 --keep-unread，否则标记为已读。"},
    {"bundle", "export", NULL, run_bundle_export, o_none, f_none, 1, 1, "bundle export FILE",
     "把街道分会尚未确认的记录写成一个包（用U盘带去）。打印条数。\n"
     "尚未传到街道分会的附件复制到 FILE.files 目录（含 index.tsv），与包一起带去。"},
    {"bundle", "import", NULL, run_bundle_import, o_none, f_none, 1, 1, "bundle import FILE",
     "导入街道分会为本社区导出的回传文件（linli-hub bundle export --node）：回执、审核结果\n"
     "和上级决定，逐一核验签名，效果与联网同步完全相同。"},
    {"serve", NULL, cmd_serve, NULL, o_serve, f_serve, 0, 0,
     "serve [--listen 127.0.0.1:8080] [--allow-remote]",
     "在前台运行社区工作人员的网页和后台自动同步。先打印 http://127.0.0.1:端口/。\n"
     "只监听本机地址；给 --allow-remote 时可监听其他地址，但每个网页都要输入工作人员密码\n"
     "（先用 staff-password 设置）。"},
    {"staff-password", NULL, cmd_staff_password, NULL, o_none, f_none, 0, 0, "staff-password",
     "设置 serve --allow-remote 时使用的工作人员密码：从标准输入读第一行（至少8个字节），\n"
     "以 argon2id 散列保存在 DIR/staff.pw（权限 0600）。"},
    {"restore", NULL, cmd_restore, NULL, o_restore, f_none, 0, 0, "restore --hub URL --key KEYFILE",
     "新电脑或重装的电脑：在写任何记录之前，从街道分会取回台账。打印最后一条的序号。"},
    {"key", "export", NULL, run_key_export, o_none, f_none, 1, 1, "key export FILE  （口令从标准输入读）",
     "把本社区的密钥和设置用口令加密写到 FILE（Argon2id + secretbox）；口令从标准输入读一行，\n"
     "至少8个字符。FILE 和口令请分开保管。"},
    {"key", "import", cmd_key_import, NULL, o_none, f_none, 1, 1, "key import FILE  （口令从标准输入读）",
     "在新电脑上：用口令（标准输入）打开 FILE，把密钥放进空的 DIR；\n"
     "然后运行 restore，在写任何记录之前从街道分会取回本社区的台账。"},
    {"rebuild", NULL, NULL, run_rebuild, o_none, f_none, 0, 0, "rebuild",
     "从台账重建全部数据表（结果与逐条写入时相同）。"},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage_all(FILE *f) {
  fprintf(f, "用法：linli-node --dir DIR 命令 [选项]   （命令 --help 查看详细说明）\n"
             "      linli-node --version\n\n");
  for (size_t i = 0; i < N_COMMANDS; i++) {
    const char *u = commands[i].usage;
    fprintf(f, "  ");
    for (; *u; u++) {
      fputc(*u, f);
      if (*u == '\n') fprintf(f, "  ");
    }
    fputc('\n', f);
  }
  fprintf(f, "\n%s", CM_EXIT_HELP);
}

static void usage_one(const command *c, FILE *f) {
  fprintf(f, "用法：linli-node --dir DIR %s\n\n%s\n", c->usage, c->help);
}

static int in_list(const char *const *list, const char *s) {
  for (; *list; list++)
    if (!strcmp(*list, s)) return 1;
  return 0;
}

int main(int argc, char **argv) {
  args a;
  memset(&a, 0, sizeof a);
  cm_log_set_program("linli-node");
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
      a.dir = argv[++i];
    } else if (!strncmp(argv[i], "--dir=", 6)) {
      a.dir = argv[i] + 6;
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage_all(stdout);
      return 0;
    } else if (!strcmp(argv[i], "--version")) {
      cm_version_print(stdout, "linli-node", store_schema_version());
      return 0;
    } else {
      break;
    }
  }
  if (i >= argc) {
    usage_all(stderr);
    return EXIT_USAGE;
  }
  const command *c = NULL;
  for (size_t k = 0; k < N_COMMANDS && !c; k++) {
    if (strcmp(commands[k].word1, argv[i]) != 0) continue;
    if (!commands[k].word2) {
      c = &commands[k];
    } else if (i + 1 < argc && !strcmp(commands[k].word2, argv[i + 1])) {
      c = &commands[k];
    }
  }
  if (!c) {
    int known = 0;
    for (size_t k = 0; k < N_COMMANDS; k++) known |= !strcmp(commands[k].word1, argv[i]);
    if (known && (i + 1 >= argc || !strcmp(argv[i + 1], "--help"))) {
      for (size_t k = 0; k < N_COMMANDS; k++)
        if (!strcmp(commands[k].word1, argv[i])) usage_one(&commands[k], stdout);
      return i + 1 < argc ? 0 : EXIT_USAGE;
    }
    fprintf(stderr, "linli-node: 错误：没有命令“%s%s%s”\n", argv[i],
            i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
    usage_all(stderr);
    return EXIT_USAGE;
  }
  i += c->word2 ? 2 : 1;
  for (; i < argc; i++) {
    const char *s = argv[i];
    if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
      usage_one(c, stdout);
      return 0;
    }
    if (!strcmp(s, "--dir") && i + 1 < argc) {
      a.dir = argv[++i];
      continue;
    }
    if (!strncmp(s, "--", 2)) {
      char name[64];
      const char *eq = strchr(s, '=');
      const char *val = NULL;
      size_t nl = eq ? (size_t)(eq - s) : strlen(s);
      if (nl >= sizeof name) nl = sizeof name - 1;
      memcpy(name, s, nl);
      name[nl] = 0;
      int takes = in_list(c->opts, name);
      if (!takes && !in_list(c->flags, name)) {
        fprintf(stderr, "linli-node: 错误：选项 %s 不适用于“%s%s%s”\n", name, c->word1,
                c->word2 ? " " : "", c->word2 ? c->word2 : "");
        usage_one(c, stderr);
        return EXIT_USAGE;
      }
      if (takes) {
        if (eq) {
          val = eq + 1;
        } else if (i + 1 < argc) {
          val = argv[++i];
        } else {
          fprintf(stderr, "linli-node: 错误：%s 需要一个值\n", name);
          return EXIT_USAGE;
        }
      } else {
        val = "";
      }
      if (a.n == MAX_OPTS) {
        fprintf(stderr, "linli-node: 错误：选项太多\n");
        return EXIT_USAGE;
      }
      /* a.names must outlive this loop: point at argv */
      a.names[a.n] = NULL;
      for (const char *const *l = takes ? c->opts : c->flags; *l; l++)
        if (!strcmp(*l, name)) a.names[a.n] = *l;
      a.values[a.n] = val;
      a.n++;
      continue;
    }
    if (a.npos >= c->max_pos || a.npos >= MAX_POS) {
      fprintf(stderr, "linli-node: 错误：多余的参数“%s”\n", s);
      usage_one(c, stderr);
      return EXIT_USAGE;
    }
    a.pos[a.npos++] = s;
  }
  if (a.npos < c->min_pos) {
    fprintf(stderr, "linli-node: 错误：缺少参数\n");
    usage_one(c, stderr);
    return EXIT_USAGE;
  }
  if (!a.dir) {
    fprintf(stderr, "linli-node: 错误：需要 --dir DIR\n");
    return EXIT_USAGE;
  }
  /* sync loads libcurl and its TLS stack (most of its start-up) on a thread
   * of its own while the node opens and the first bundle is built. */
  pthread_t curl_loader;
  int loading = c->run == run_sync && pthread_create(&curl_loader, NULL, load_curl, NULL) == 0;
  int x = c->run ? with_node(&a, c->run) : c->fn(&a);
  if (loading) pthread_join(curl_loader, NULL);
  return x;
}
