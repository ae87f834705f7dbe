/* main.c - `linli-hub`: the command line.  One static table of commands with
 * their help next to each handler.  Standard output carries the result; logs
 * go to standard error.  Exit codes: 0 ok, 1 usage, 2 refused input,
 * 3 network, 5 storage. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/clock.h"
#include "../common/codec.h"
#include "../common/http_client.h"
#include "../common/log.h"
#include "hub.h"
#include "hublog.h"
#include "ingest.h"
#include "project.h"
#include "serve.h"
#include "store.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_REFUSED = 2, EXIT_NETWORK = 3, EXIT_STORAGE = 5 };

/* Exit code for a failure code. */
static int exit_for(cm_rc rc) {
  switch (rc) {
  case CM_OK:
    return EXIT_OK;
  case CM_ERR_NETWORK:
  case CM_ERR_HTTP:
    return EXIT_NETWORK;
  case CM_ERR_NOMEM:
  case CM_ERR_IO:
  case CM_ERR_DB:
  case CM_ERR_DISK_FULL:
  case CM_ERR_BUSY:
  case CM_ERR_KEYFILE:
  case CM_ERR_CRYPTO:
  case CM_ERR_UNSUPPORTED:
  case CM_ERR_FAILPOINT:
    return EXIT_STORAGE;
  default:
    return EXIT_REFUSED;
  }
}

/* Report err on stderr and return the exit code for rc. */
static int fail(cm_rc rc, const cm_err *err) {
  fprintf(stderr, "linli-hub: %s\n", err && err->msg[0] ? err->msg : cm_strerror(rc));
  return exit_for(rc);
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
  fprintf(stderr, "\n(try `linli-hub --help`)\n");
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
      if (n_pos == max_pos) return usage_error("unexpected argument '%s'", arg);
      pos[n_pos++] = arg;
      continue;
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
    size_t k;
    for (k = 0; k < n_specs; k++)
      if (strlen(specs[k].name) == nlen && strncmp(specs[k].name, name, nlen) == 0) break;
    if (k == n_specs) return usage_error("unknown option '%s'", arg);
    if (specs[k].is_flag) {
      if (eq) return usage_error("option '%s' takes no value", arg);
      specs[k].value = "1";
    } else if (eq) {
      specs[k].value = eq + 1;
    } else {
      if (i + 1 >= a->argc) return usage_error("option '%s' needs a value", arg);
      specs[k].value = a->argv[++i];
    }
  }
  if (n_pos_out) *n_pos_out = n_pos;
  return EXIT_OK;
}

static const hub_command *find_command(const char *name);

static void print_command_help(const hub_command *c) {
  if (!c) return;
  printf("usage: linli-hub --dir DIR %s %s\n\n%s\n", c->name, c->usage, c->help);
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
  if (!o[0].value || !o[1].value) return usage_error("init needs --role and --name");
  if (hub_role_parse(o[0].value, &role, &err)) return usage_error("%s", err.msg);
  if (o[3].value && proto_key_from_hex(o[3].value, upkey))
    return usage_error("--upstream-key must be 64 hex digits, not '%s'", o[3].value);
  if (o[2].value && role == HUB_ROLE_DISTRICT)
    return usage_error("a district hub has no --upstream");
  rc = hub_init(a->dir, role, o[1].value, o[2].value, o[3].value ? upkey : NULL, &err);
  if (!rc) rc = hub_open(a->dir, &ctx, &err);
  if (rc) return fail(rc, &err);
  printf("%s\n%s\n", ctx->fingerprint, ctx->key_hex);
  hub_close(ctx);
  return EXIT_OK;
}

/* ---- enroll ---- */

static int cmd_enroll(const cmd_args *a) {
  opt_spec o[] = {{"name", 0, NULL}, {"key", 0, NULL}, {"code", 0, NULL}};
  int r = parse_or_help(a, "enroll", o, 3, NULL, 0, NULL);
  uint8_t key[PROTO_KEY_BYTES];
  hub_ctx *ctx = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_rc rc;
  char fp[PROTO_FINGERPRINT_LEN];

  if (r >= 0) return r;
  cm_err_clear(&err);
  if (!o[0].value || !o[1].value) return usage_error("enroll needs --name and --key");
  if (proto_key_from_hex(o[1].value, key))
    return usage_error("--key must be 64 hex digits, not '%s'", o[1].value);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_enroll(ctx, key, o[0].value, o[2].value ? o[2].value : "", &seq, &err);
  if (rc) {
    hub_close(ctx);
    return fail(rc, &err);
  }
  proto_fingerprint(key, fp);
  printf("enrolled %s '%s' (fingerprint %s) in hub log entry %llu\n",
         ctx->role == HUB_ROLE_DISTRICT ? "street hub" : "community", o[0].value, fp,
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
  if (!rc) rc = hub_enroll_requests(ctx, &list, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  if (o[0].value) {
    char *s = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) printf("%s\n", s);
    free(s);
  } else {
    size_t i;
    json_t *row;
    printf("%-4s  %-24s  %-12s  %-24s  %s\n", "ID", "NAME", "CODE", "FINGERPRINT", "TIME");
    json_array_foreach(list, i, row) {
      char when[26];
      cm_time_iso((uint64_t)json_integer_value(json_object_get(row, "time_ms")), when);
      printf("%-4lld  %-24s  %-12s  %-24s  %s\n",
             (long long)json_integer_value(json_object_get(row, "id")),
             json_string_value(json_object_get(row, "name")),
             json_string_value(json_object_get(row, "code")),
             json_string_value(json_object_get(row, "fingerprint")), when);
    }
  }
  json_decref(list);
  return EXIT_OK;
}

static int cmd_enroll_approve(const cmd_args *a) {
  const char *pos[1];
  size_t n_pos = 0;
  int r = parse_or_help(a, "enroll-approve", NULL, 0, pos, 1, &n_pos);
  hub_ctx *ctx = NULL;
  uint64_t seq = 0;
  cm_err err;
  cm_rc rc;
  char *end = NULL;

  if (r >= 0) return r;
  cm_err_clear(&err);
  if (n_pos != 1) return usage_error("enroll-approve needs the request ID");
  errno = 0;
  long long id = strtoll(pos[0], &end, 10);
  if (errno || !end || *end || id <= 0) return usage_error("'%s' is not a request ID", pos[0]);
  rc = hub_open(a->dir, &ctx, &err);
  if (!rc) rc = hub_enroll_approve(ctx, (int64_t)id, &seq, &err);
  hub_close(ctx);
  if (rc) return fail(rc, &err);
  printf("approved request %lld in hub log entry %llu\n", id, (unsigned long long)seq);
  return EXIT_OK;
}

/* ---- serve ---- */

static int cmd_serve(const cmd_args *a) {
  opt_spec o[] = {{"listen", 0, NULL}, {"cert", 0, NULL}, {"key", 0, NULL}};
  int r = parse_or_help(a, "serve", o, 3, NULL, 0, NULL);
  cm_err err;
  cm_rc rc;

  if (r >= 0) return r;
  cm_err_clear(&err);
  if ((o[1].value == NULL) != (o[2].value == NULL))
    return usage_error("--cert and --key go together");
  rc = cm_client_global_init();
  if (!rc) rc = hub_serve(a->dir, o[0].value, o[1].value, o[2].value, &err);
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
  if (!f) return cm_errf(err, CM_ERR_IO, "cannot open %s: %s", path, strerror(errno));
  for (;;) {
    if (len == cap) {
      if (cap > max) {
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s is over the limit of %zu bytes", path, max);
        goto out;
      }
      size_t ncap = cap ? cap * 2 : 65536;
      if (ncap > max + 1) ncap = max + 1;
      uint8_t *nb = realloc(buf, ncap);
      if (!nb) {
        rc = cm_errf(err, CM_ERR_NOMEM, "out of memory reading %s", path);
        goto out;
      }
      buf = nb;
      cap = ncap;
      if (len == cap) {
        rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s is over the limit of %zu bytes", path, max);
        goto out;
      }
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) break;
    if (len > max) {
      rc = cm_errf(err, CM_ERR_TOO_LARGE, "%s is over the limit of %zu bytes", path, max);
      goto out;
    }
  }
  if (ferror(f)) {
    rc = cm_errf(err, CM_ERR_IO, "cannot read %s", path);
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

static int cmd_bundle(const cmd_args *a) {
  const char *pos[2];
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
    return usage_error("usage: bundle import FILE");
  rc = read_file(pos[1], HUB_INGEST_MAX_BUNDLE, &buf, &len, &err);
  if (rc) return fail(rc, &err);
  snprintf(via, sizeof via, "bundle %s", pos[1]);
  rc = hub_open(a->dir, &ctx, &err);
  if (rc) {
    free(buf);
    return fail(rc, &err);
  }
  rc = hub_ingest_bundle(ctx, buf, len, via, &res, &err);
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
  printf("projection rebuilt from the stored logs\n");
  return EXIT_OK;
}

/* ---- status ---- */

/* Print the status JSON as text for an operator. */
static void status_text(const hub_ctx *ctx, json_t *st) {
  size_t i;
  json_t *row;
  printf("hub: %s hub '%s'\nkey: %s\nfingerprint: %s\n", hub_role_name(ctx->role), ctx->name,
         ctx->key_hex, ctx->fingerprint);
  if (ctx->upstream_url[0])
    printf("upstream: %s%s\n", ctx->upstream_url,
           ctx->has_upstream_key ? " (key pinned)" : " (key not pinned yet)");

  printf("\nheads:\n");
  printf("  %-8s  %-24s  %-12s  %-10s  %s\n", "ROLE", "NAME", "CODE", "SEQ", "FLAGS");
  json_array_foreach(json_object_get(st, "authors"), i, row) {
    char flags[96] = "";
    if (json_integer_value(json_object_get(row, "quarantined")))
      strcat(flags, "QUARANTINED ");
    if (json_integer_value(json_object_get(row, "revoked"))) strcat(flags, "REVOKED ");
    if (json_integer_value(json_object_get(row, "clock_flag"))) {
      char c[48];
      snprintf(c, sizeof c, "CLOCK(%+llds) ",
               (long long)(json_integer_value(json_object_get(row, "skew_ms")) / 1000));
      strcat(flags, c);
    }
    printf("  %-8s  %-24s  %-12s  %-10lld  %s\n", json_string_value(json_object_get(row, "role")),
           json_string_value(json_object_get(row, "name")),
           json_string_value(json_object_get(row, "code")),
           (long long)json_integer_value(json_object_get(row, "head_seq")), flags);
  }

  json_t *forks = json_object_get(st, "forks");
  printf("\nforks (quarantined authors, both versions kept): %zu\n", json_array_size(forks));
  json_array_foreach(forks, i, row) {
    char when[26];
    cm_time_iso((uint64_t)json_integer_value(json_object_get(row, "time_ms")), when);
    printf("  #%lld author %s seq %lld at %s via %s\n",
           (long long)json_integer_value(json_object_get(row, "id")),
           json_string_value(json_object_get(row, "author")),
           (long long)json_integer_value(json_object_get(row, "seq")), when,
           json_string_value(json_object_get(row, "via")));
  }

  json_t *req = json_object_get(st, "requests");
  printf("\nenrolment requests waiting: %zu\n", json_array_size(req));
  json_array_foreach(req, i, row) {
    printf("  %lld  %s  %s  %s\n", (long long)json_integer_value(json_object_get(row, "id")),
           json_string_value(json_object_get(row, "name")),
           json_string_value(json_object_get(row, "code")),
           json_string_value(json_object_get(row, "fingerprint")));
  }

  if (ctx->role == HUB_ROLE_STREET) {
    printf("\nforward progress (held / acknowledged upstream):\n");
    json_array_foreach(json_object_get(st, "forward"), i, row) {
      long long head = (long long)json_integer_value(json_object_get(row, "head_seq"));
      long long acked = (long long)json_integer_value(json_object_get(row, "acked_seq"));
      printf("  %s  %lld / %lld%s\n", json_string_value(json_object_get(row, "author")), head,
             acked, head > acked ? "  pending" : "");
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

/* ---- the table ---- */

static const hub_command commands[] = {
  {"init", cmd_init,
   "--role street|district --name NAME [--upstream URL] [--upstream-key KEY]",
   "Create a hub in DIR: a new identity (DIR/identity.key, mode 0600) and database.\n"
   "Prints the key's fingerprint, then the public key alone on the last line.\n"
   "A street hub forwards to --upstream (the district's URL); --upstream-key pins\n"
   "the district's key (else the first receipt's signer is pinned)."},
  {"enroll", cmd_enroll, "--name NAME --key PUBLIC_KEY [--code CODE]",
   "Enrol a key: at a street hub a community (CODE: its 12-digit code), at the\n"
   "district a street hub.  Appends a signed hub.enrolled entry to the hub's log.\n"
   "Read the fingerprint back to the other side before enrolling."},
  {"enroll-requests", cmd_enroll_requests, "[--json]",
   "List enrolment requests keys sent themselves: ID, name, code, fingerprint, time."},
  {"enroll-approve", cmd_enroll_approve, "ID",
   "Approve enrolment request ID (compare its fingerprint with the caller first)."},
  {"serve", cmd_serve, "[--listen 127.0.0.1:8443] [--cert FILE --key FILE]",
   "Serve the HTTP API in the foreground (HTTPS with --cert/--key) and, at a street\n"
   "hub with an upstream, forward to the district.  Prints the URL first; stops on\n"
   "SIGINT or SIGTERM."},
  {"bundle", cmd_bundle, "import FILE",
   "Import a node's bundle file (USB stick) exactly like a push; prints the result\n"
   "as the JSON the HTTP API would answer."},
  {"rebuild", cmd_rebuild, "",
   "Rebuild the projection (organisations, reports, activities, communities) from\n"
   "the stored logs; the result equals the incremental one."},
  {"status", cmd_status, "[--json]",
   "Show heads, quarantined authors and fork evidence, enrolment requests, clock\n"
   "flags and forward progress."},
};

static const hub_command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static void print_help(void) {
  printf("usage: linli-hub --dir DIR COMMAND [ARGS]\n\n"
         "The street or district hub of linli.  Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    printf("  %-16s %s\n", commands[i].name, commands[i].usage);
  printf("\n`linli-hub COMMAND --help` explains one command.\n"
         "Exit codes: 0 ok, 1 usage, 2 refused input, 3 network, 5 storage.\n");
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  int i = 1;

  cm_log_set_program("linli-hub");
  while (i < argc && strncmp(argv[i], "--", 2) == 0) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      print_help();
      return EXIT_OK;
    } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
      dir = argv[i + 1];
      i += 2;
    } else if (strncmp(argv[i], "--dir=", 6) == 0) {
      dir = argv[i] + 6;
      i++;
    } else {
      return usage_error("unknown option '%s'", argv[i]);
    }
  }
  if (i >= argc) {
    print_help();
    return EXIT_USAGE;
  }
  const hub_command *c = find_command(argv[i]);
  if (!c) return usage_error("unknown command '%s'", argv[i]);
  cmd_args a = {dir, argc - i - 1, argv + i + 1};
  for (int k = 0; k < a.argc; k++)
    if (strcmp(a.argv[k], "--help") == 0 || strcmp(a.argv[k], "-h") == 0) {
      print_command_help(c);
      return EXIT_OK;
    }
  if (!dir || !*dir) return usage_error("%s needs --dir DIR before the command", c->name);
  return c->run(&a);
}
