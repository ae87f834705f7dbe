/* web_pages.c - the staff page's pages and forms.  Forms call the same records
 * API as the command line, so validation is the same; a refused form comes
 * back with its message and everything the staff typed.  A saved form answers
 * 303 to a listing (post/redirect/get: reloading never posts twice). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/codec.h"
#include "../common/clock.h"
#include "../common/lists.h"
#include "../common/rules.h"
#include "../common/warnings.h"
#include "records.h"
#include "web_app.h"

/* --- small helpers --- */

static const char *form(node_web_rq *rq, const char *name) {
  return cm_http_form(rq->req, name, 0);
}

static const char *query(node_web_rq *rq, const char *name) {
  return cm_http_query(rq->req, name);
}

/* A page that only says what went wrong (listing failed, record unknown). */
static void error_page(node_web_rq *rq, const char *title_key, const cm_err *e, int status) {
  node_web_page_begin(rq, title_key, NULL);
  cm_html_printf(&rq->h, "<h1>%w</h1>", title_key);
  node_web_refusal(rq, e);
  node_web_page_end(rq);
  node_web_end(rq, status);
}

/* Only filing numbers, months and record ids go into redirect URLs; anything
 * else is dropped rather than escaped, so a Location can never be bent. */
static int url_safe(const char *s) {
  if (!s || !*s || strlen(s) > 128) return 0;
  for (; *s; s++) {
    char c = *s;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          c == '-' || c == '/' || c == '_'))
      return 0;
  }
  return 1;
}

static void redirect_ok(node_web_rq *rq, const char *path, const char *ok, const char *id,
                        const char *extra) {
  char loc[512];
  snprintf(loc, sizeof loc, "%s?ok=%s%s%s%s", path, ok, url_safe(id) ? "&id=" : "",
           url_safe(id) ? id : "", extra ? extra : "");
  node_web_redirect(rq, loc);
}

/* The "saved" message after a redirect: ok names what was saved, id which. */
static void flash(node_web_rq *rq) {
  static const struct {
    const char *ok;
    const char *key;
  } k[] = {{"file", "org.filed_ok"},     {"amend", "org.amended_ok"},
           {"dissolve", "org.dissolved_ok"}, {"report", "rep.ok"},
           {"activity", "act.ok"},       {"rectify", "rect.ok"},
           {"sync", "home.sync_asked"},  {"refile", "org.refiled_ok"}};
  const char *ok = query(rq, "ok");
  const char *id = query(rq, "id");
  size_t i;
  if (!ok) return;
  for (i = 0; i < sizeof k / sizeof k[0]; i++) {
    if (strcmp(ok, k[i].ok) == 0) {
      cm_html_msg(&rq->h, "ok", k[i].key, url_safe(id) ? id : "");
      return;
    }
  }
}

static void flags_cell(node_web_rq *rq, const json_t *org) {
  const json_t *flags = json_object_get(org, "flags");
  size_t i;
  const json_t *f;
  json_array_foreach(flags, i, f) {
    if (!json_is_string(f)) continue;
    cm_html_raw(&rq->h, "<span class=\"flag\" data-flag=\"");
    cm_html_esc(&rq->h, json_string_value(f));
    cm_html_raw(&rq->h, "\">");
    cm_html_esc(&rq->h, cm_i18n_word(rq->lang, "flag.", json_string_value(f)));
    cm_html_raw(&rq->h, "</span>");
  }
}

/* 1 when the street refused the organisation's latest filing or amendment:
 * it counts nowhere until a re-filing is accepted. */
static int filing_refused(const json_t *org) {
  return strcmp(node_web_js(org, "status"), "active") == 0 &&
         strcmp(node_web_js(org, "review"), "rejected") == 0;
}

/* The organisation's state: 已退回 for a refused filing (the review cell
 * beside it gives the reason), else its status (正常, 已解散, 已撤销备案). */
static void status_cell(node_web_rq *rq, const json_t *org) {
  const char *status = filing_refused(org) ? "rejected" : node_web_js(org, "status");
  cm_html_printf(&rq->h, "<span class=\"status-%h\" data-status=\"%h\">%h</span>", status, status,
                 cm_i18n_word(rq->lang, "status.", status));
}

/* A labelled word: <span class="CLS-WORD" data-CLS="WORD">label</span>. */
static void word_span(node_web_rq *rq, const char *cls, const char *prefix, const char *word) {
  cm_html_raw(&rq->h, "<span class=\"");
  cm_html_esc(&rq->h, cls);
  cm_html_raw(&rq->h, "-");
  cm_html_esc(&rq->h, word);
  cm_html_raw(&rq->h, "\" data-");
  cm_html_esc(&rq->h, cls);
  cm_html_raw(&rq->h, "=\"");
  cm_html_esc(&rq->h, word);
  cm_html_raw(&rq->h, "\">");
  cm_html_esc(&rq->h, cm_i18n_word(rq->lang, prefix, word));
  cm_html_raw(&rq->h, "</span>");
}

static void report_stands(node_web_rq *rq, const json_t *r);

/* The street's review of a record (org or report listing item): the status
 * and, when rejected, the reason; for a report (is_report) also the accepted
 * version that stands while this one is not accepted. */
static void review_cell(node_web_rq *rq, const json_t *o, int is_report) {
  const char *review = node_web_js(o, "review");
  const char *reason = node_web_js(o, "review_reason");
  if (!*review) review = "pending";
  cm_html_raw(&rq->h, "<td class=\"review\">");
  word_span(rq, "review", "review.", review);
  if (*reason) {
    cm_html_raw(&rq->h, "<div class=\"review-reason\">");
    cm_html_word(&rq->h, "review.reason");
    cm_html_raw(&rq->h, rq->lang == CM_LANG_EN ? ": " : "：");
    cm_html_esc(&rq->h, reason);
    cm_html_raw(&rq->h, "</div>");
  }
  if (is_report) report_stands(rq, o);
  cm_html_raw(&rq->h, "</td>");
}

static void th(node_web_rq *rq, const char *key) {
  cm_html_printf(&rq->h, "<th>%w</th>", key);
}

static void td(node_web_rq *rq, const char *text) {
  cm_html_raw(&rq->h, "<td>");
  cm_html_esc(&rq->h, text);
  cm_html_raw(&rq->h, "</td>");
}

static void record_ref(node_web_rq *rq, const char *who, const char *rec);

/* A date, month or time cell: never broken at its hyphens. */
static void td_date(node_web_rq *rq, const char *text) {
  cm_html_printf(&rq->h, "<td class=\"nowrap\">%h</td>", text);
}

static void td_num(node_web_rq *rq, long long n) { cm_html_printf(&rq->h, "<td class=\"num\">%lld</td>", n); }

/* A time from a listing (ISO text, or Unix ms as Shanghai time) as people read
 * it: "2026-12-03 23:40". */
static void time_text(const json_t *v, char out[26]) {
  char iso[26];
  out[0] = '\0';
  if (json_is_string(v)) {
    cm_html_iso_text(json_string_value(v), out, 26);
  } else if (json_is_integer(v) && json_integer_value(v) > 0) {
    cm_time_iso((uint64_t)json_integer_value(v), iso);
    cm_html_iso_text(iso, out, 26);
  }
}

/* The <select> of organisations: for a form, only active ones and a choice
 * required (active_only); for a filter, all of them and "all" first.  Returns
 * how many were offered. */
static size_t org_select(node_web_rq *rq, const json_t *orgs, const char *name,
                         const char *selected, int active_only) {
  size_t i, n = 0;
  const json_t *o;
  cm_html_select_begin(&rq->h, name, "rep.org", active_only);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, active_only ? "form.choose" : "rep.all"),
                  !selected || !*selected);
  json_array_foreach(orgs, i, o) {
    char label[600];
    const char *id = node_web_js(o, "id");
    if (active_only && strcmp(node_web_js(o, "status"), "active") != 0) continue;
    snprintf(label, sizeof label, "%s  %s", id, node_web_js(o, "name"));
    cm_html_option(&rq->h, id, label, selected && strcmp(selected, id) == 0);
    n++;
  }
  cm_html_select_end(&rq->h, n ? NULL : "form.no_orgs");
  return n;
}

/* --- lists: newest first, a search box, pages of NODE_WEB_ROWS --- */

#define NODE_WEB_ROWS 20
#define NODE_WEB_FOLD_MAX 1200 /* bytes of a folded field compared with a search */

/* 1 when q (already folded) is in one of o's string fields keys (NULL-ended),
 * Traditional characters folded on both sides (the records layer's folding table). */
static int list_match(const char *q, const json_t *o, const char *const *keys) {
  char f[NODE_WEB_FOLD_MAX];
  if (!q || !*q) return 1;
  for (; *keys; keys++) {
    cm_rules_fold(node_web_js(o, *keys), f, sizeof f);
    if (strstr(f, q)) return 1;
  }
  return 0;
}

/* The page of a listing: arr's items that match q, last first (the stores
 * list oldest first), page number page (from 1; past the end: the last).
 * *total_out gets how many matched, *page_io the page shown.  A new array
 * holding references (caller decrefs); NULL when out of memory. */
static json_t *list_page(const json_t *arr, const char *q, const char *const *keys,
                         size_t *page_io, size_t *total_out) {
  char fq[NODE_WEB_FOLD_MAX] = "";
  json_t *all = json_array(), *out = json_array();
  size_t i, pages;
  if (q) cm_rules_fold(q, fq, sizeof fq);
  for (i = json_array_size(arr); all && out && i-- > 0;) {
    const json_t *o = json_array_get(arr, i);
    if (list_match(fq, o, keys)) json_array_append(all, (json_t *)o);
  }
  *total_out = json_array_size(all);
  pages = (*total_out + NODE_WEB_ROWS - 1) / NODE_WEB_ROWS;
  if (*page_io < 1) *page_io = 1;
  if (pages && *page_io > pages) *page_io = pages;
  for (i = (*page_io - 1) * NODE_WEB_ROWS; out && i < json_array_size(all) &&
                                           i < *page_io * NODE_WEB_ROWS; i++)
    json_array_append(out, json_array_get(all, i));
  json_decref(all);
  return out;
}

/* ?page= (1 when absent or not a number). */
static size_t page_asked(node_web_rq *rq) {
  uint64_t n = 0;
  const char *p = query(rq, "page");
  return p && cm_dec_u64(p, &n) == CM_OK && n > 0 && n < 1000000 ? (size_t)n : 1;
}

/* The search box of a listing (a GET form: nothing changes, no token);
 * hidden keeps other filters (name=value pairs, NULL-ended). */
static void search_box(node_web_rq *rq, const char *path, const char *q, const char *hint_key) {
  cm_html_printf(&rq->h,
                 "<form class=\"search noprint\" method=\"get\" action=\"%h\" role=\"search\">"
                 "<input type=\"search\" name=\"q\" id=\"q\" value=\"%h\" placeholder=\"%w\" " NODE_WEB_SEARCH_ATTR " "
                 "aria-label=\"%w\"><button type=\"submit\" class=\"plain\">%w</button></form>",
                 path, q ? q : "", hint_key, hint_key, "list.search");
}

/* "第 2/5 页，共 93 条" with links to the pages before and after; extra
 * ("&org=..", URL-safe, or "") keeps the filters. */
static void pager(node_web_rq *rq, const char *path, const char *q, const char *extra,
                  size_t page, size_t total) {
  size_t pages = (total + NODE_WEB_ROWS - 1) / NODE_WEB_ROWS;
  if (pages < 1) pages = 1;
  cm_html_printf(&rq->h, "<nav class=\"pager noprint\" data-page=\"%zu\" data-pages=\"%zu\">", page,
                 pages);
  if (page > 1)
    cm_html_printf(&rq->h, "<a rel=\"prev\" href=\"%h?page=%zu&amp;q=%U%h\">%w</a> ", path, page - 1,
                   q ? q : "", extra, "list.prev");
  cm_html_printf(&rq->h, "<span>%w %zu/%zu %w%r%w %zu %w</span>", "list.page_pre", page, pages,
                 "list.page", rq->lang == CM_LANG_EN ? ", " : "，", "list.total", total,
                 "list.items");
  if (page < pages)
    cm_html_printf(&rq->h, " <a rel=\"next\" href=\"%h?page=%zu&amp;q=%U%h\">%w</a>", path, page + 1,
                   q ? q : "", extra, "list.next");
  cm_html_raw(&rq->h, "</nav>");
}

/* The reviewer warnings of an organisation's record (common/warnings.h),
 * its name compared with the community's other organisations. */
static void org_warnings(node_web_rq *rq, const json_t *o) {
  json_t *orgs = NULL, *warn = NULL;
  const char **ids = NULL, **names = NULL;
  cm_warn_names wn = {NULL, NULL, 0, 0};
  const json_t *x;
  size_t i;
  cm_err e;
  cm_err_clear(&e);
  if (node_org_list(node_web_db(rq), &orgs, &e) == CM_OK) {
    ids = calloc(json_array_size(orgs) + 1, sizeof *ids);
    names = calloc(json_array_size(orgs) + 1, sizeof *names);
    if (ids && names) {
      json_array_foreach(orgs, i, x) {
        ids[i] = node_web_js(x, "id");
        names[i] = node_web_js(x, "name");
      }
      wn.ids = ids;
      wn.names = names;
      wn.n = json_array_size(orgs);
    }
  }
  warn = cm_warn_body("org.filed", o, &wn);
  if (json_array_size(warn)) {
    cm_html_printf(&rq->h, "<div class=\"msg warn\" id=\"warnings\"><strong>%w</strong>", "warn.title");
    cm_html_warnings(&rq->h, warn);
    cm_html_raw(&rq->h, "</div>");
  }
  json_decref(warn);
  free(ids);
  free(names);
  json_decref(orgs);
}

/* 1 when s has a character outside ASCII (the Chinese half of a message). */
static int has_chinese(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return 1;
  return 0;
}

/* What a failed sync means for the staff, when its message is only English
 * (what curl or the hub said): a glossary key by the kind of failure, read
 * from the status code of the pass or, for a pass the command line ran, from
 * the message.  The message itself stays under 详情 for whoever helps. */
static const char *sync_problem_key(cm_rc rc, const char *msg) {
  if (rc == CM_ERR_NETWORK || strstr(msg, "connect") || strstr(msg, "resolve") ||
      strstr(msg, "timed out") || strstr(msg, "Timeout") || strstr(msg, "reach"))
    return "sync.network";
  if (rc == CM_ERR_PERM || strstr(msg, "refused this node") || strstr(msg, "enrol") ||
      strstr(msg, "revoked"))
    return "sync.perm";
  if (rc == CM_ERR_DISK_FULL || strstr(msg, "disk")) return "sync.disk";
  if (rc >= CM_PROTO_TRUNCATED || strstr(msg, "sign")) return "sync.verify";
  if (rc == CM_ERR_CONFLICT || strstr(msg, "fork") || strstr(msg, "gap")) return "sync.conflict";
  if (rc == CM_ERR_HTTP || strstr(msg, "HTTP")) return "sync.http";
  return "sync.other";
}

/* One value of an organisation's field as people read it. */
static void org_value(node_web_rq *rq, const char *field, const json_t *v) {
  if (json_is_boolean(v))
    cm_html_word(&rq->h, json_is_true(v) ? "has.yes" : "has.no");
  else if (json_is_integer(v))
    cm_html_printf(&rq->h, "%lld", (long long)json_integer_value(v));
  else if (json_is_string(v) && !*json_string_value(v))
    cm_html_word(&rq->h, "change.empty");
  else if (json_is_string(v) && !strcmp(field, "founded_by"))
    cm_html_esc(&rq->h, cm_i18n_word(rq->lang, "found.", json_string_value(v)));
  else if (json_is_string(v))
    cm_html_esc(&rq->h, json_string_value(v));
  else
    cm_html_word(&rq->h, "change.empty");
}

/* The organisation's amendments, newest first, each change as old -> new. */
static void amendments_table(node_web_rq *rq, const char *id) {
  json_t *list = NULL;
  const json_t *a, *v;
  const char *k;
  size_t i;
  cm_err e;
  cm_err_clear(&e);
  if (node_org_amendments(node_web_db(rq), id, &list, &e) || json_array_size(list) == 0) {
    json_decref(list);
    return;
  }
  cm_html_printf(&rq->h, "<h2>%w</h2><table id=\"amendments\"><tr>", "org.amendments");
  th(rq, "inbox.time");
  th(rq, "field.changes");
  cm_html_raw(&rq->h, "</tr>");
  for (i = json_array_size(list); i-- > 0;) {
    char when[26];
    a = json_array_get(list, i);
    time_text(json_object_get(a, "time"), when);
    cm_html_raw(&rq->h, "<tr>");
    td_date(rq, when);
    cm_html_raw(&rq->h, "<td><ul class=\"changes\">");
    json_object_foreach((json_t *)json_object_get(a, "changes"), k, v) {
      cm_html_printf(&rq->h, "<li data-field=\"%h\">%h：<del class=\"old\">", k,
                     cm_i18n_word(rq->lang, "field.", k));
      org_value(rq, k, json_object_get(json_object_get(a, "was"), k));
      cm_html_raw(&rq->h, "</del> → <ins class=\"new\">");
      org_value(rq, k, v);
      cm_html_raw(&rq->h, "</ins></li>");
    }
    cm_html_raw(&rq->h, "</ul></td></tr>");
  }
  cm_html_raw(&rq->h, "</table>");
  json_decref(list);
}

/* --- home --- */

void node_web_h_home(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_web_loop_view loop;
  json_t *st = NULL, *due = NULL, *orgs = NULL;
  const json_t *o;
  const char *enrol;
  char when[26];
  cm_err e;
  size_t i, n_flagged = 0;
  cm_rc rc;
  node_ctx *db;

  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  db = node_web_db(&rq);
  rc = node_status(db, &st, &e);
  if (!rc) rc = node_reports_due(db, &due, &e);
  if (!rc) rc = node_org_list(db, &orgs, &e);
  if (rc) {
    error_page(&rq, "home.title", &e, 500);
    goto out;
  }
  node_web_loop_view_get(rq.app, &loop);

  node_web_page_begin(&rq, "home.title", "nav.home");
  flash(&rq);
  cm_html_raw(&rq.h, "<h1>");
  cm_html_esc(&rq.h, node_web_js(st, "community"));
  cm_html_raw(&rq.h, " <span class=\"muted\">");
  cm_html_esc(&rq.h, node_web_js(st, "street"));
  cm_html_raw(&rq.h, "</span></h1>");

  cm_html_printf(&rq.h, "<h2>%w</h2><div class=\"grid\" id=\"sync-status\">", "home.sync");
  time_text(json_object_get(st, "last_contact"), when);
  cm_html_printf(&rq.h, "<div class=\"stat\"><div class=\"k\">%w"
                 "</div><div class=\"v\" id=\"last-contact\">",
                 "home.last_contact");
  if (when[0]) {
    cm_html_esc(&rq.h, when);
  } else {
    cm_html_word(&rq.h, "home.never");
  }
  cm_html_raw(&rq.h, "</div></div><div class=\"stat\"><div class=\"k\">");
  cm_html_word(&rq.h, "home.pending");
  cm_html_printf(&rq.h, "</div><div class=\"v\" id=\"pending\">%lld</div></div>",
                node_web_ji(st, "pending"));
  cm_html_raw(&rq.h, "<div class=\"stat\"><div class=\"k\">");
  cm_html_word(&rq.h, "home.unread");
  cm_html_printf(&rq.h, "</div><div class=\"v\" id=\"unread\"><a href=\"/inbox\">%lld</a></div></div>",
                node_web_ji(st, "unread"));
  cm_html_raw(&rq.h, node_web_ji(st, "overdue") > 0 ? "<div class=\"stat overdue\"><div class=\"k\">"
                                                   : "<div class=\"stat\"><div class=\"k\">");
  cm_html_word(&rq.h, "home.overdue");
  cm_html_printf(&rq.h, "</div><div class=\"v\" id=\"overdue\"><a href=\"/inbox?open=1\">%lld</a></div></div>",
                node_web_ji(st, "overdue"));
  cm_html_printf(&rq.h, "<div class=\"stat\"><div class=\"k\">%w / ", "home.written");
  cm_html_word(&rq.h, "home.acknowledged");
  cm_html_printf(&rq.h, "</div><div class=\"v\">%lld / %lld</div></div>", node_web_ji(st, "written"),
                node_web_ji(st, "acknowledged"));
  enrol = node_web_js(st, "enrolled");
  cm_html_printf(&rq.h, "<div class=\"stat\"><div class=\"k\">%w"
                 "</div><div class=\"v\">",
                 "home.enrolled");
  cm_html_word(&rq.h, strcmp(enrol, "yes") == 0       ? "home.enrol.yes"
                    : strcmp(enrol, "pending") == 0 ? "home.enrol.pending"
                                                    : "home.enrol.no");
  if (json_object_get(st, "inherited")) {
    /* this PC replaced the community's lost one (node/inherit.h) */
    cm_html_raw(&rq.h, "</div></div><div class=\"stat\"><div class=\"k\">");
    cm_html_word(&rq.h, "home.inherited");
    cm_html_printf(&rq.h, "</div><div class=\"v\" id=\"inherited\">%lld",
                   node_web_ji(st, "inherited"));
  }
  cm_html_raw(&rq.h, "</div></div><div class=\"stat\"><div class=\"k\">");
  cm_html_word(&rq.h, "home.next_try");
  cm_html_printf(&rq.h, "</div><div class=\"v\" id=\"next-try\">%llu ",
                 (unsigned long long)(loop.next_in_ms / 1000u));
  cm_html_word(&rq.h, "home.seconds");
  cm_html_raw(&rq.h, "</div></div></div>");
  if (loop.last_error[0] || node_web_js(st, "last_error")[0]) {
    char part[sizeof loop.last_error];
    const char *msg = loop.last_error[0] ? loop.last_error : node_web_js(st, "last_error");
    /* The pass's message is the command line's error line: without its
     * program prefix it is what the staff need. */
    static const char *const prefixes[] = {"linli-node: 错误：", "linli-node: error: ",
                                           "linli-node: "};
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
      if (strncmp(msg, prefixes[k], strlen(prefixes[k])) == 0) {
        msg += strlen(prefixes[k]);
        break;
      }
    }
    cm_i18n_msg_part(rq.lang, msg, part, sizeof part);
    cm_html_raw(&rq.h, "<div class=\"msg error\" id=\"sync-error\">");
    cm_html_word(&rq.h, "home.last_error");
    cm_html_raw(&rq.h, rq.lang == CM_LANG_EN ? ": " : "：");
    if (rq.lang == CM_LANG_ZH && !has_chinese(part))
      cm_html_word(&rq.h, sync_problem_key(loop.last_error[0] ? loop.last_rc : CM_OK, msg));
    else
      cm_html_esc(&rq.h, part);
    /* The other half carries the URL and what curl said: there for whoever
     * helps the staff on the phone. */
    cm_html_printf(&rq.h, "<details><summary>%w</summary><small>", "home.details");
    cm_html_esc(&rq.h, loop.last_error[0] ? loop.last_error : node_web_js(st, "last_error"));
    cm_html_raw(&rq.h, "</small></details></div>");
  }
  cm_html_raw(&rq.h, "<form class=\"inline\" method=\"post\" action=\"/sync\">"
                    "<input type=\"hidden\" name=\"csrf\" value=\"");
  cm_html_esc(&rq.h, rq.app->csrf);
  cm_html_printf(&rq.h, "\"><button type=\"submit\" id=\"sync-now\">%w"
                 "</button></form>",
                 "home.sync_now");

  /* The month now due (the previous one, due on the 5th of this one) and
   * every month still owed before it, the overdue ones first. */
  cm_html_printf(&rq.h, "<h2>%w <span class=\"muted\" id=\"due-month\">%h %w %h</span></h2>",
                 "home.due", node_web_js(st, "due_month"), "home.due_by",
                 node_web_js(st, "due_date"));
  if (json_array_size(due) == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "home.due_none");
  } else {
    cm_html_raw(&rq.h, "<table id=\"due\"><tr>");
    th(&rq, "org.name");
    th(&rq, "rep.month");
    th(&rq, "home.due_date");
    th(&rq, "org.status");
    th(&rq, "org.actions");
    cm_html_raw(&rq.h, "</tr>");
    json_array_foreach(due, i, o) {
      int rejected = json_is_true(json_object_get(o, "rejected"));
      const char *state = rejected ? "rejected"
                          : json_is_true(json_object_get(o, "overdue")) ? "overdue"
                                                                        : "due";
      cm_html_printf(&rq.h,
                     "<tr class=\"due-%r\" data-state=\"%r\" data-org=\"%h\" data-month=\"%h\">"
                     "<td>%h <span class=\"muted nowrap\">%h</span></td>",
                     state, state, node_web_js(o, "org"), node_web_js(o, "month"),
                     node_web_js(o, "name"), node_web_js(o, "org"));
      td_date(&rq, node_web_js(o, "month"));
      td_date(&rq, node_web_js(o, "due"));
      cm_html_raw(&rq.h, "<td>");
      word_span(&rq, "due", "due.", state);
      if (rejected && node_web_js(o, "reason")[0])
        cm_html_printf(&rq.h, "<div class=\"review-reason\">%w%r%h</div>", "review.reason",
                       rq.lang == CM_LANG_EN ? ": " : "：", node_web_js(o, "reason"));
      cm_html_printf(&rq.h, "</td><td><a href=\"/reports/new?org=%U&amp;month=%U\">%w</a></td></tr>",
                     node_web_js(o, "org"), node_web_js(o, "month"),
                     rejected ? "due.report_again" : "org.report");
    }
    cm_html_raw(&rq.h, "</table>");
  }

  cm_html_printf(&rq.h, "<h2>%w</h2>", "home.flagged");
  json_array_foreach(orgs, i, o) {
    if (json_array_size(json_object_get(o, "flags")) == 0) continue;
    if (strcmp(node_web_js(o, "status"), "active") != 0) continue;
    if (n_flagged++ == 0) {
      cm_html_raw(&rq.h, "<table id=\"flagged\"><tr>");
      th(&rq, "org.id");
      th(&rq, "org.name");
      th(&rq, "org.flags");
      cm_html_raw(&rq.h, "</tr>");
    }
    cm_html_raw(&rq.h, "<tr>");
    td(&rq, node_web_js(o, "id"));
    td(&rq, node_web_js(o, "name"));
    cm_html_raw(&rq.h, "<td>");
    flags_cell(&rq, o);
    cm_html_raw(&rq.h, "</td></tr>");
  }
  if (n_flagged > 0) cm_html_raw(&rq.h, "</table>");
  if (n_flagged == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "home.flagged_none");
  }
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
out:
  json_decref(st);
  json_decref(due);
  json_decref(orgs);
}

/* --- organisations --- */

static const char *const k_org_keys[] = {"id", "name", "category", "leader", NULL};

void node_web_h_orgs(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *orgs = NULL, *shown = NULL;
  const json_t *o;
  const char *q;
  size_t i, page, total = 0;
  cm_err e;

  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  if (node_org_list(node_web_db(&rq), &orgs, &e)) {
    error_page(&rq, "org.list", &e, 500);
    goto out;
  }
  q = query(&rq, "q");
  page = page_asked(&rq);
  shown = list_page(orgs, q, k_org_keys, &page, &total);
  node_web_page_begin(&rq, "org.list", "nav.orgs");
  flash(&rq);
  cm_html_printf(&rq.h,
                 "<h1>%w</h1><div class=\"actions\"><a class=\"button\" href=\"/orgs/new\">%w</a>"
                 "<a class=\"button plain\" href=\"/orgs/print\">%w</a></div>",
                 "org.list", "nav.file", "org.print_blank");
  search_box(&rq, "/orgs", q, "org.search_hint");
  if (json_array_size(orgs) == 0 || !shown) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "org.none");
  } else if (total == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "list.no_match");
  } else {
    cm_html_raw(&rq.h, "<table id=\"orgs\"><tr>");
    th(&rq, "org.id");
    th(&rq, "org.name");
    th(&rq, "org.leader");
    th(&rq, "org.members");
    th(&rq, "org.party_members");
    th(&rq, "org.founded_by");
    th(&rq, "org.filed");
    th(&rq, "org.status");
    th(&rq, "review.title");
    th(&rq, "org.flags");
    th(&rq, "org.actions");
    cm_html_raw(&rq.h, "</tr>");
    json_array_foreach(shown, i, o) {
      const char *id = node_web_js(o, "id");
      const char *status = node_web_js(o, "status");
      cm_html_printf(&rq.h, "<tr data-id=\"%h\"><td><a href=\"/orgs/%U\">%h</a></td>", id, id, id);
      cm_html_printf(&rq.h, "<td class=\"name\">%h<div class=\"muted\">%h</div></td>",
                     node_web_js(o, "name"), node_web_js(o, "category"));
      td_date(&rq, node_web_js(o, "leader")); /* a person's name: never broken */
      td_num(&rq, node_web_ji(o, "members"));
      td_num(&rq, node_web_ji(o, "party_members"));
      td_date(&rq, cm_i18n_word(rq.lang, "found.", node_web_js(o, "founded_by")));
      td_date(&rq, node_web_js(o, "filed"));
      cm_html_raw(&rq.h, "<td class=\"nowrap\">");
      status_cell(&rq, o);
      cm_html_raw(&rq.h, "</td>");
      review_cell(&rq, o, 0);
      cm_html_raw(&rq.h, "<td>");
      flags_cell(&rq, o);
      cm_html_raw(&rq.h, "</td><td class=\"acts\">");
      if (filing_refused(o)) {
        cm_html_printf(&rq.h, "<a class=\"refile\" href=\"/orgs/%U/amend?refile=1\">%w</a> ", id,
                       "org.refile");
      } else if (strcmp(status, "active") == 0) {
        cm_html_printf(&rq.h, "<a href=\"/reports/new?org=%U\">%w</a> ", id, "org.report");
      }
      if (strcmp(status, "active") == 0) {
        cm_html_printf(&rq.h,
                       "<a href=\"/orgs/%U/amend\">%w</a> <a href=\"/orgs/%U/dissolve\">%w</a> ",
                       id, "org.amend", id, "org.dissolve");
      }
      cm_html_printf(&rq.h, "<a href=\"/orgs/%U/print\">%w</a></td></tr>", id, "org.print");
    }
    cm_html_raw(&rq.h, "</table>");
    pager(&rq, "/orgs", q, "", page, total);
  }
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
out:
  json_decref(shown);
  json_decref(orgs);
}

/* A choice from one of the district's lists (items): the value sent is the
 * code.  A value that is in no item (a category typed before the lists) stays
 * selectable as it is, so an amendment does not change it unasked; an
 * optional one may stay empty. */
static void list_select(node_web_rq *rq, const json_t *items, const char *name, const char *label,
                        const char *value, int required) {
  const json_t *cur = cm_list_find(items, value);
  size_t i;
  const json_t *it;
  cm_html_select_begin(&rq->h, name, label, required);
  cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"), !cur && !(value && *value));
  if (!cur && value && *value) cm_html_option(&rq->h, value, value, 1);
  json_array_foreach(items, i, it) {
    cm_html_option(&rq->h, json_string_value(json_object_get(it, "code")),
                   json_string_value(json_object_get(it, "name")), it == cur);
  }
  cm_html_select_end(&rq->h, NULL);
}

/* The fields of a filing or amendment, from in (what was typed or is held). */
static void org_fields(node_web_rq *rq, const node_org_input *in, int filing) {
  static const char *const founded[] = {"self", "district-unit", "street"};
  size_t i;
  const char *station = in->party_station && *in->party_station ? in->party_station : "no";
  const char *fb = in->founded_by && *in->founded_by ? in->founded_by : "self";
  cm_html_input(&rq->h, "text", "name", "org.name", in->name, filing, "maxlength=\"200\"",
                 "org.name_hint");
  json_t *lists = NULL;
  if (node_lists(node_web_db(rq), &lists, NULL) != CM_OK) lists = NULL;
  json_t *cats = json_object_get(lists, "category");
  if (cats)
    list_select(rq, cats, "category", "org.category", in->category, filing);
  else
    cm_html_input(&rq->h, "text", "category", "org.category", in->category, filing, NODE_WEB_SHORT_ATTR, NULL);
  if (json_object_get(lists, "industry"))
    list_select(rq, json_object_get(lists, "industry"), "industry", "org.industry", in->industry, 0);
  if (json_object_get(lists, "unit"))
    list_select(rq, json_object_get(lists, "unit"), "unit", "org.unit", in->unit, 0);
  json_decref(lists);
  cm_html_input(&rq->h, "text", "leader", "org.leader", in->leader, filing, NODE_WEB_SHORT_ATTR, NULL);
  cm_html_input(&rq->h, "tel", "phone", "org.phone", in->phone, filing, NULL, NULL);
  cm_html_input(&rq->h, "number", "members", "org.members", in->members, filing,
                 "min=\"0\" step=\"1\"", NULL);
  cm_html_input(&rq->h, "number", "party_members", "org.party_members", in->party_members, filing,
                 "min=\"0\" step=\"1\"", "org.station_hint");
  cm_html_select_begin(&rq->h, "party_station", "org.party_station", 0);
  cm_html_option(&rq->h, "no", cm_i18n_t(rq->lang, "has.no"), strcmp(station, "yes") != 0);
  cm_html_option(&rq->h, "yes", cm_i18n_t(rq->lang, "has.yes"), strcmp(station, "yes") == 0);
  cm_html_select_end(&rq->h, NULL);
  cm_html_select_begin(&rq->h, "founded_by", "org.founded_by", 0);
  for (i = 0; i < sizeof founded / sizeof founded[0]; i++) {
    cm_html_option(&rq->h, founded[i], cm_i18n_word(rq->lang, "found.", founded[i]),
                    strcmp(fb, founded[i]) == 0);
  }
  cm_html_select_end(&rq->h, NULL);
  cm_html_input(&rq->h, "text", "scope", "org.scope", in->scope, 0, NODE_WEB_LONG_ATTR, NULL);
  cm_html_input(&rq->h, "text", "venue", "org.venue", in->venue, 0, NODE_WEB_LONG_ATTR, NULL);
  cm_html_input(&rq->h, "date", "filed", "org.filed", in->filed, 0, NULL, NULL);
}

static void org_input_from_form(node_web_rq *rq, node_org_input *in) {
  memset(in, 0, sizeof *in);
  in->name = form(rq, "name");
  in->category = form(rq, "category");
  in->leader = form(rq, "leader");
  in->phone = form(rq, "phone");
  in->members = form(rq, "members");
  in->party_members = form(rq, "party_members");
  in->party_station = form(rq, "party_station");
  in->founded_by = form(rq, "founded_by");
  in->scope = form(rq, "scope");
  in->venue = form(rq, "venue");
  in->filed = form(rq, "filed");
  in->industry = form(rq, "industry");
  in->unit = form(rq, "unit");
}

static void org_file_page(node_web_rq *rq, const node_org_input *in, const cm_err *e, int status) {
  node_web_page_begin(rq, "org.file_title", "nav.file");
  cm_html_printf(&rq->h, "<h1>%w</h1>", "org.file_title");
  if (e) node_web_refusal(rq, e);
  node_web_form_begin_files(rq, "/orgs");
  org_fields(rq, in, 1);
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

void node_web_h_org_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_org_input in;
  char today[11];
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  node_today(node_web_db(&rq), today);
  in.filed = today;
  org_file_page(&rq, &in, NULL, 200);
}

void node_web_h_org_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_org_input in;
  char id[NODE_ID_MAX], rec[NODE_RECORD_ID_MAX];
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  org_input_from_form(&rq, &in);
  rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_org_file_rec(node_web_db(&rq), &in, id, rec, &e);
  if (rc) {
    org_file_page(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  rc = node_web_attach_to(&rq, id, rec, &e);
  if (rc) {
    node_web_org_page(&rq, id, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  redirect_ok(&rq, "/orgs", "file", id, NULL);
}

/* Held values of org as form strings, in bufs (which must outlive in). */
typedef struct org_held {
  char members[24], party_members[24];
} org_held;

static void org_input_from_json(const json_t *o, node_org_input *in, org_held *h) {
  memset(in, 0, sizeof *in);
  snprintf(h->members, sizeof h->members, "%lld", node_web_ji(o, "members"));
  snprintf(h->party_members, sizeof h->party_members, "%lld", node_web_ji(o, "party_members"));
  in->name = node_web_js(o, "name");
  in->category = node_web_js(o, "category");
  in->leader = node_web_js(o, "leader");
  in->phone = node_web_js(o, "phone");
  in->members = h->members;
  in->party_members = h->party_members;
  in->party_station = json_is_true(json_object_get(o, "party_station")) ? "yes" : "no";
  in->founded_by = node_web_js(o, "founded_by");
  in->scope = node_web_js(o, "scope");
  in->venue = node_web_js(o, "venue");
  in->filed = node_web_js(o, "filed");
  /* the codes of the district's lists, when the organisation has them */
  if (*node_web_js(o, "category_code")) in->category = node_web_js(o, "category_code");
  in->industry = node_web_js(o, "industry");
  in->unit = node_web_js(o, "unit");
}

/* The amendment form; for a filing the street refused (refile_reason not
 * NULL) it is the re-filing form: the reason on top, and every field is sent,
 * so that the amendment is a whole corrected filing the hubs count once they
 * accept it (docs/decisions/0025). */
static void org_amend_page(node_web_rq *rq, const char *id, const node_org_input *in,
                           const char *refile_reason, const cm_err *e, int status) {
  char action[128];
  const char *title = refile_reason ? "org.refile_title" : "org.amend_title";
  node_web_page_begin(rq, title, "nav.orgs");
  cm_html_printf(&rq->h, "<h1>%w <span class=\"muted\">%h</span></h1>", title, id);
  if (refile_reason)
    cm_html_printf(&rq->h, "<div class=\"msg error\" id=\"refile-reason\">%w%r%h<div>%w</div></div>",
                   "review.reason", rq->lang == CM_LANG_EN ? ": " : "：", refile_reason,
                   "org.refile_hint");
  if (e) node_web_refusal(rq, e);
  snprintf(action, sizeof action, "/orgs/%s/amend", id);
  node_web_form_begin_files(rq, action);
  if (refile_reason) cm_html_raw(&rq->h, "<input type=\"hidden\" name=\"refile\" value=\"1\">");
  org_fields(rq, in, refile_reason != NULL);
  node_web_attach_inputs(rq);
  node_web_form_end(rq, refile_reason ? "org.refile" : "form.save");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

/* The reason of a refused filing when the request asks to file again
 * (?refile=1 or the form's refile field), else NULL. */
static const char *refile_reason(node_web_rq *rq, const json_t *o) {
  const char *a = query(rq, "refile"), *b = form(rq, "refile");
  if (!filing_refused(o)) return NULL;
  if ((a && strcmp(a, "1") == 0) || (b && strcmp(b, "1") == 0)) return node_web_js(o, "review_reason");
  return NULL;
}

/* The organisation named in the path, or a 404 page (then NULL). */
static json_t *org_from_path(node_web_rq *rq, const char *title_key) {
  const char *id = cm_http_param(rq->req, 0);
  json_t *o = NULL;
  cm_err e;
  cm_rc rc;
  cm_err_clear(&e);
  if (!url_safe(id)) {
    cm_errf(&e, CM_ERR_NOT_FOUND, "%s / %s", cm_i18n_t(CM_LANG_ZH, "err.not_found"),
            cm_i18n_t(CM_LANG_EN, "err.not_found"));
    error_page(rq, title_key, &e, 404);
    return NULL;
  }
  rc = node_org_get(node_web_db(rq), id, &o, &e);
  if (rc) {
    error_page(rq, title_key, &e, cm_rc_http_status(rc));
    return NULL;
  }
  return o;
}

void node_web_h_org_amend_form(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_org_input in;
  org_held held;
  json_t *o;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  o = org_from_path(&rq, "org.amend_title");
  if (!o) return;
  org_input_from_json(o, &in, &held);
  org_amend_page(&rq, node_web_js(o, "id"), &in, refile_reason(&rq, o), NULL, 200);
  json_decref(o);
}

/* Only what differs from the held record is sent: an amendment records the
 * changed fields, not a copy of the form. */
static const char *changed(const char *typed, const char *held) {
  if (!typed) return NULL;
  return strcmp(typed, held ? held : "") == 0 ? NULL : typed;
}

void node_web_h_org_amend(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_org_input typed, held_in, ch;
  org_held held;
  char rec[NODE_RECORD_ID_MAX];
  json_t *o;
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  o = org_from_path(&rq, "org.amend_title");
  if (!o) return;
  org_input_from_json(o, &held_in, &held);
  org_input_from_form(&rq, &typed);
  memset(&ch, 0, sizeof ch);
  if (refile_reason(&rq, o)) {
    /* A re-filing sends the whole filing, changed or not. */
    rc = node_web_attach_precheck(&rq, &e);
    if (!rc) rc = node_org_amend_rec(node_web_db(&rq), node_web_js(o, "id"), &typed, rec, &e);
    if (rc)
      org_amend_page(&rq, node_web_js(o, "id"), &typed, refile_reason(&rq, o), &e, cm_rc_http_status(rc));
    else if ((rc = node_web_attach_to(&rq, node_web_js(o, "id"), rec, &e)) != CM_OK)
      node_web_org_page(&rq, node_web_js(o, "id"), NULL, NULL, &e, cm_rc_http_status(rc));
    else
      redirect_ok(&rq, "/orgs", "refile", node_web_js(o, "id"), NULL);
    json_decref(o);
    return;
  }
  ch.name = changed(typed.name, held_in.name);
  ch.category = changed(typed.category, held_in.category);
  ch.leader = changed(typed.leader, held_in.leader);
  ch.phone = changed(typed.phone, held_in.phone);
  ch.members = changed(typed.members, held_in.members);
  ch.party_members = changed(typed.party_members, held_in.party_members);
  ch.party_station = changed(typed.party_station, held_in.party_station);
  ch.founded_by = changed(typed.founded_by, held_in.founded_by);
  ch.scope = changed(typed.scope, held_in.scope);
  ch.venue = changed(typed.venue, held_in.venue);
  ch.filed = changed(typed.filed, held_in.filed);
  ch.industry = changed(typed.industry, held_in.industry);
  ch.unit = changed(typed.unit, held_in.unit);
  if (!ch.name && !ch.category && !ch.leader && !ch.phone && !ch.members && !ch.party_members &&
      !ch.party_station && !ch.founded_by && !ch.scope && !ch.venue && !ch.filed &&
      !ch.industry && !ch.unit) {
    cm_errf(&e, CM_ERR_INVALID, "%s / %s", cm_i18n_t(CM_LANG_ZH, "org.unchanged"),
            cm_i18n_t(CM_LANG_EN, "org.unchanged"));
    rc = CM_ERR_INVALID;
  } else {
    rc = node_web_attach_precheck(&rq, &e);
    if (!rc) rc = node_org_amend_rec(node_web_db(&rq), node_web_js(o, "id"), &ch, rec, &e);
  }
  if (rc) {
    org_amend_page(&rq, node_web_js(o, "id"), &typed, NULL, &e, cm_rc_http_status(rc));
  } else if ((rc = node_web_attach_to(&rq, node_web_js(o, "id"), rec, &e)) != CM_OK) {
    node_web_org_page(&rq, node_web_js(o, "id"), NULL, NULL, &e, cm_rc_http_status(rc));
  } else {
    redirect_ok(&rq, "/orgs", "amend", node_web_js(o, "id"), NULL);
  }
  json_decref(o);
}

static void org_dissolve_page(node_web_rq *rq, const json_t *o, const char *reason,
                              const cm_err *e, int status) {
  char action[128];
  node_web_page_begin(rq, "org.dissolve_title", "nav.orgs");
  cm_html_printf(&rq->h, "<h1>%w</h1><p><strong>", "org.dissolve_title");
  cm_html_esc(&rq->h, node_web_js(o, "id"));
  cm_html_raw(&rq->h, "</strong> ");
  cm_html_esc(&rq->h, node_web_js(o, "name"));
  cm_html_raw(&rq->h, "</p>");
  if (e) node_web_refusal(rq, e);
  snprintf(action, sizeof action, "/orgs/%s/dissolve", node_web_js(o, "id"));
  node_web_form_begin(rq, action, "org.dissolve_confirm");
  cm_html_textarea(&rq->h, "reason", "org.reason", reason, 1, NODE_WEB_TEXT_MAX, NULL);
  node_web_form_end(rq, "org.dissolve");
  node_web_page_end(rq);
  node_web_end(rq, status);
}

void node_web_h_org_dissolve_form(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *o;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  o = org_from_path(&rq, "org.dissolve_title");
  if (!o) return;
  org_dissolve_page(&rq, o, "", NULL, 200);
  json_decref(o);
}

void node_web_h_org_dissolve(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *o;
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  o = org_from_path(&rq, "org.dissolve_title");
  if (!o) return;
  rc = node_org_dissolve(node_web_db(&rq), node_web_js(o, "id"), form(&rq, "reason"), &e);
  if (rc) {
    org_dissolve_page(&rq, o, form(&rq, "reason"), &e, cm_rc_http_status(rc));
  } else {
    redirect_ok(&rq, "/orgs", "dissolve", node_web_js(o, "id"), NULL);
  }
  json_decref(o);
}

/* --- monthly reports --- */

/* While a correction waits for review (or was rejected), the version the
 * street accepted is the one that counts: say which figures those are. */
static void report_stands(node_web_rq *rq, const json_t *r) {
  const char *acc = node_web_js(r, "accepted_record");
  json_t *hist = NULL;
  const json_t *v;
  size_t i;
  cm_err e;
  if (!*acc || strcmp(acc, node_web_js(r, "record")) == 0) return;
  cm_err_clear(&e);
  if (node_report_history(node_web_db(rq), node_web_js(r, "org"), node_web_js(r, "month"), &hist,
                          &e))
    return;
  json_array_foreach(hist, i, v) {
    if (strcmp(node_web_js(v, "record"), acc) != 0) continue;
    cm_html_raw(&rq->h, "<div class=\"stands\">");
    cm_html_word(&rq->h, "review.stands");
    cm_html_word(&rq->h, "rep.activities");
    cm_html_printf(&rq->h, " <b class=\"stands-activities\">%lld</b>%r", node_web_ji(v, "activities"),
                  rq->lang == CM_LANG_EN ? ", " : "，");
    cm_html_word(&rq->h, "rep.participants");
    cm_html_printf(&rq->h, " <b class=\"stands-participants\">%lld</b>%r",
                  node_web_ji(v, "participants"), rq->lang == CM_LANG_EN ? ", " : "，");
    cm_html_word(&rq->h, "rep.party_participants");
    cm_html_printf(&rq->h, " <b>%lld</b></div>", node_web_ji(v, "party_participants"));
    break;
  }
  json_decref(hist);
}

/* The current reports with their review status and actions. */
static void reports_table(node_web_rq *rq, const json_t *reps) {
  const json_t *r;
  size_t i;
  cm_html_raw(&rq->h, "<table id=\"reports\"><tr>");
  th(rq, "rep.month");
  th(rq, "org.id");
  th(rq, "org.name");
  th(rq, "rep.activities");
  th(rq, "rep.participants");
  th(rq, "rep.party_participants");
  th(rq, "rep.content");
  th(rq, "rep.good_deeds");
  th(rq, "rep.corrections");
  th(rq, "review.title");
  th(rq, "org.actions");
  cm_html_raw(&rq->h, "</tr>");
  json_array_foreach(reps, i, r) {
    cm_html_raw(&rq->h, "<tr data-org=\"");
    cm_html_esc(&rq->h, node_web_js(r, "org"));
    cm_html_raw(&rq->h, "\" data-month=\"");
    cm_html_esc(&rq->h, node_web_js(r, "month"));
    cm_html_raw(&rq->h, "\">");
    td_date(rq, node_web_js(r, "month"));
    td_date(rq, node_web_js(r, "org")); /* a filing number: never broken */
    td(rq, node_web_js(r, "org_name"));
    td_num(rq, node_web_ji(r, "activities"));
    td_num(rq, node_web_ji(r, "participants"));
    td_num(rq, node_web_ji(r, "party_participants"));
    {
      json_t *warn = cm_warn_body("report.monthly", r, NULL);
      cm_html_printf(&rq->h, "<td>%h", node_web_js(r, "content"));
      cm_html_warnings(&rq->h, warn);
      cm_html_raw(&rq->h, "</td>");
      json_decref(warn);
    }
    td(rq, node_web_js(r, "good_deeds"));
    td_num(rq, node_web_ji(r, "corrections"));
    review_cell(rq, r, 1);
    cm_html_raw(&rq->h, "<td><a href=\"/reports/print?org=");
    cm_html_url(&rq->h, node_web_js(r, "org"));
    cm_html_raw(&rq->h, "&amp;month=");
    cm_html_url(&rq->h, node_web_js(r, "month"));
    cm_html_printf(&rq->h, "\">%w</a> <a href=\"/reports/new?org=", "rep.print");
    cm_html_url(&rq->h, node_web_js(r, "org"));
    cm_html_raw(&rq->h, "&amp;month=");
    cm_html_url(&rq->h, node_web_js(r, "month"));
    cm_html_printf(&rq->h, "\">%w</a>", "rep.correct");
    if (node_web_ji(r, "corrections") > 0) {
      cm_html_raw(&rq->h, " <a href=\"/reports/history?org=");
      cm_html_url(&rq->h, node_web_js(r, "org"));
      cm_html_raw(&rq->h, "&amp;month=");
      cm_html_url(&rq->h, node_web_js(r, "month"));
      cm_html_printf(&rq->h, "\">%w</a>", "rep.history");
    }
    cm_html_raw(&rq->h, "</td></tr>");
  }
  cm_html_raw(&rq->h, "</table>");
}

static const char *const k_rep_keys[] = {"org", "org_name", "month", "content", "good_deeds", NULL};

void node_web_h_reports(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *reps = NULL, *orgs = NULL, *shown = NULL;
  const char *org, *month, *q;
  char extra[200];
  size_t page, total = 0;
  cm_err e;
  cm_rc rc;
  node_ctx *db;

  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  org = query(&rq, "org");
  month = query(&rq, "month");
  if (org && !*org) org = NULL;
  if (month && !*month) month = NULL;
  q = query(&rq, "q");
  page = page_asked(&rq);
  db = node_web_db(&rq);
  rc = node_org_list(db, &orgs, &e);
  if (!rc) rc = node_report_list(db, org, month, &reps, &e);
  if (!rc) shown = list_page(reps, q, k_rep_keys, &page, &total);
  snprintf(extra, sizeof extra, "%s%s%s%s", url_safe(org) ? "&org=" : "", url_safe(org) ? org : "",
           url_safe(month) ? "&month=" : "", url_safe(month) ? month : "");
  node_web_page_begin(&rq, "rep.list", "nav.reports");
  flash(&rq);
  cm_html_printf(&rq.h, "<h1>%w"
                 "</h1><div class=\"actions\"><a class=\"button\" href=\"/reports/new\">",
                 "rep.list");
  cm_html_word(&rq.h, "nav.report_new");
  cm_html_raw(&rq.h, "</a></div>");
  /* The filter is a GET form: no token needed, nothing changes. */
  cm_html_raw(&rq.h, "<form class=\"rec noprint\" method=\"get\" action=\"/reports\">");
  org_select(&rq, orgs, "org", org, 0);
  cm_html_input(&rq.h, "month", "month", "rep.month", month, 0, NULL, NULL);
  cm_html_input(&rq.h, "search", "q", "list.search", q, 0, NODE_WEB_SEARCH_ATTR, "rep.search_hint");
  cm_html_printf(&rq.h, "<div class=\"actions\"><button type=\"submit\" class=\"plain\">%w"
                 "</button></div></form>",
                 "rep.filter");
  if (rc) {
    node_web_refusal(&rq, &e);
  } else if (total == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "rep.none");
  } else {
    reports_table(&rq, shown);
    pager(&rq, "/reports", q, extra, page, total);
  }
  node_web_page_end(&rq);
  node_web_end(&rq, rc ? 500 : 200);
  json_decref(orgs);
  json_decref(reps);
  json_decref(shown);
}

static void report_page(node_web_rq *rq, const node_report_input *in, const cm_err *e,
                        int status, int correcting) {
  json_t *orgs = NULL;
  cm_err le;
  cm_err_clear(&le);
  (void)node_org_list(node_web_db(rq), &orgs, &le);
  node_web_page_begin(rq, "rep.new_title", "nav.report_new");
  cm_html_printf(&rq->h, "<h1>%w</h1>", "rep.new_title");
  if (e) node_web_refusal(rq, e);
  if (correcting) {
    cm_html_printf(&rq->h, "<p class=\"msg ok\">%w</p>", "rep.correct_hint");
  }
  node_web_form_begin_files(rq, "/reports");
  org_select(rq, orgs, "org", in->org, 1);
  cm_html_input(&rq->h, "month", "month", "rep.month", in->month, 1, "placeholder=\"YYYY-MM\"", NULL);
  cm_html_input(&rq->h, "number", "activities", "rep.activities", in->activities, 1,
                 "min=\"0\" step=\"1\"", NULL);
  cm_html_input(&rq->h, "number", "participants", "rep.participants", in->participants, 1,
                 "min=\"0\" step=\"1\"", NULL);
  cm_html_input(&rq->h, "number", "party_participants", "rep.party_participants",
                 in->party_participants, 1, "min=\"0\" step=\"1\"", NULL);
  cm_html_textarea(&rq->h, "content", "rep.content", in->content, 1, NODE_WEB_TEXT_MAX, NULL);
  cm_html_input(&rq->h, "text", "scope", "rep.scope", in->scope, 0, NODE_WEB_LONG_ATTR, NULL);
  cm_html_textarea(&rq->h, "good_deeds", "rep.good_deeds", in->good_deeds, 0, NODE_WEB_TEXT_MAX, NULL);
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
  json_decref(orgs);
}

void node_web_h_report_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_report_input in;
  json_t *cur = NULL;
  const json_t *r;
  char month[8], acts[24], parts[24], pparts[24];
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  memset(&in, 0, sizeof in);
  in.org = query(&rq, "org");
  in.month = query(&rq, "month");
  if (!in.month || !*in.month) {
    /* The month now due, or for one organisation the oldest it still owes. */
    json_t *due = NULL;
    const json_t *d;
    size_t k;
    char date[11];
    int late = 0;
    node_due_month(node_web_db(&rq), month, date, &late);
    if (in.org && *in.org && node_reports_due(node_web_db(&rq), &due, &e) == CM_OK) {
      json_array_foreach(due, k, d) {
        if (strcmp(node_web_js(d, "org"), in.org) == 0 &&
            strcmp(node_web_js(d, "month"), month) < 0)
          snprintf(month, sizeof month, "%s", node_web_js(d, "month"));
      }
    }
    json_decref(due);
    cm_err_clear(&e);
    in.month = month;
  }
  /* An existing report for this org and month: start the correction from it. */
  if (in.org && *in.org &&
      node_report_list(node_web_db(&rq), in.org, in.month, &cur, &e) == CM_OK &&
      json_array_size(cur) > 0) {
    r = json_array_get(cur, 0);
    snprintf(acts, sizeof acts, "%lld", node_web_ji(r, "activities"));
    snprintf(parts, sizeof parts, "%lld", node_web_ji(r, "participants"));
    snprintf(pparts, sizeof pparts, "%lld", node_web_ji(r, "party_participants"));
    in.activities = acts;
    in.participants = parts;
    in.party_participants = pparts;
    in.content = node_web_js(r, "content");
    in.scope = node_web_js(r, "scope");
    in.good_deeds = node_web_js(r, "good_deeds");
    report_page(&rq, &in, NULL, 200, 1);
  } else {
    report_page(&rq, &in, NULL, 200, 0);
  }
  json_decref(cur);
}

void node_web_h_report_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_report_input in;
  char rec[NODE_RECORD_ID_MAX], extra[96];
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  memset(&in, 0, sizeof in);
  in.org = form(&rq, "org");
  in.month = form(&rq, "month");
  in.activities = form(&rq, "activities");
  in.participants = form(&rq, "participants");
  in.party_participants = form(&rq, "party_participants");
  in.content = form(&rq, "content");
  in.scope = form(&rq, "scope");
  in.good_deeds = form(&rq, "good_deeds");
  rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_report_monthly(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    report_page(&rq, &in, &e, cm_rc_http_status(rc), 0);
    return;
  }
  rc = node_web_attach_to(&rq, in.org, rec, &e);
  if (rc) {
    node_web_org_page(&rq, in.org, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  /* Show the saved report: the list filtered to its org and month. */
  snprintf(extra, sizeof extra, "&org=%s&month=%s", url_safe(in.org) ? in.org : "",
           url_safe(in.month) ? in.month : "");
  redirect_ok(&rq, "/reports", "report", in.month, extra);
}

/* Every version of one organisation's report for one month, oldest first: a
 * correction supersedes, it never erases. */
void node_web_h_report_history(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *vers = NULL;
  const json_t *r;
  const char *org, *month;
  size_t i;
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  org = query(&rq, "org");
  month = query(&rq, "month");
  if (!org || !*org || !month || !*month) {
    rc = cm_errf(&e, CM_ERR_INVALID, "%s / %s", "请指定组织和月份", "give org and month");
  } else {
    rc = node_report_history(node_web_db(&rq), org, month, &vers, &e);
  }
  if (rc) {
    error_page(&rq, "rep.history", &e, cm_rc_http_status(rc));
    return;
  }
  node_web_page_begin(&rq, "rep.history", "nav.reports");
  cm_html_printf(&rq.h, "<h1>%w <span class=\"muted\">", "rep.history");
  cm_html_esc(&rq.h, org);
  cm_html_raw(&rq.h, " ");
  cm_html_esc(&rq.h, month);
  cm_html_raw(&rq.h, "</span></h1>");
  if (json_array_size(vers) == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "rep.none");
  } else {
    cm_html_raw(&rq.h, "<table id=\"history\"><tr>");
    th(&rq, "inbox.time");
    th(&rq, "rep.activities");
    th(&rq, "rep.participants");
    th(&rq, "rep.party_participants");
    th(&rq, "rep.content");
    th(&rq, "rep.scope");
    th(&rq, "rep.good_deeds");
    th(&rq, "inbox.record");
    cm_html_raw(&rq.h, "</tr>");
    json_array_foreach(vers, i, r) {
      /* The last row is the current report. */
      cm_html_raw(&rq.h, i + 1 == json_array_size(vers) ? "<tr class=\"current\">" : "<tr>");
      char when[26];
      time_text(json_object_get(r, "time"), when);
      td_date(&rq, when);
      td_num(&rq, node_web_ji(r, "activities"));
      td_num(&rq, node_web_ji(r, "participants"));
      td_num(&rq, node_web_ji(r, "party_participants"));
      td(&rq, node_web_js(r, "content"));
      td(&rq, node_web_js(r, "scope"));
      td(&rq, node_web_js(r, "good_deeds"));
      cm_html_raw(&rq.h, "<td>");
      record_ref(&rq, rq.app->community, node_web_js(r, "record"));
      cm_html_raw(&rq.h, "</td></tr>");
    }
    cm_html_raw(&rq.h, "</table>");
  }
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
  json_decref(vers);
}

/* 《社区公益性民间组织活动情况月报表》: the paper form, filled in from the
 * current report (or blank, to fill in by hand), with print CSS. */
void node_web_h_report_print(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *o = NULL, *reps = NULL, *st = NULL;
  const json_t *r = NULL;
  const char *org = NULL, *month = NULL;
  char date[26] = "";
  cm_err e;
  cm_rc rc;
  node_ctx *db;

  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  org = query(&rq, "org");
  month = query(&rq, "month");
  db = node_web_db(&rq);
  if (!org || !*org || !month || !*month) {
    rc = cm_errf(&e, CM_ERR_INVALID, "%s / %s", "请指定组织和月份", "give org and month");
  } else {
    rc = node_org_get(db, org, &o, &e);
  }
  if (!rc) rc = node_report_list(db, org, month, &reps, &e);
  if (!rc) rc = node_status(db, &st, &e);
  if (rc) {
    error_page(&rq, "rep.print", &e, cm_rc_http_status(rc));
    goto out;
  }
  if (json_array_size(reps) > 0) r = json_array_get(reps, 0);
  if (r) {
    time_text(json_object_get(r, "time"), date);
    date[10] = '\0'; /* the date part of the ISO time */
  }

  node_web_page_begin(&rq, "print.title", "nav.reports");
  cm_html_printf(&rq.h, "<div class=\"actions noprint\"><button type=\"button\" data-print>%w"
                 "</button><a class=\"button plain\" href=\"/reports\">",
                 "print.button");
  cm_html_word(&rq.h, "print.back");
  cm_html_raw(&rq.h, "</a></div>");
  if (!r) {
    cm_html_printf(&rq.h, "<p class=\"msg error noprint\">%w</p>", "print.no_report");
  }
  cm_html_raw(&rq.h, "<article class=\"sheet\" id=\"print-sheet\"><h1>");
  cm_html_raw(&rq.h, rq.lang == CM_LANG_EN ? "" : "《");
  cm_html_word(&rq.h, "print.title");
  cm_html_raw(&rq.h, rq.lang == CM_LANG_EN ? "" : "》");
  cm_html_printf(&rq.h, "</h1><div class=\"sub\"><span>%w：", "print.community");
  cm_html_esc(&rq.h, node_web_js(st, "street"));
  cm_html_raw(&rq.h, " ");
  cm_html_esc(&rq.h, node_web_js(st, "community"));
  cm_html_printf(&rq.h, "</span><span>%w：", "rep.month");
  cm_html_esc(&rq.h, month);
  cm_html_raw(&rq.h, "</span></div><table>");
#define ROW_TXT(key, val, cls)                       \
  do {                                               \
    cm_html_raw(&rq.h, "<tr><th>");                   \
    cm_html_word(&rq.h, key);                          \
    cm_html_raw(&rq.h, "</th><td" cls ">");           \
    cm_html_esc(&rq.h, val);                          \
    cm_html_raw(&rq.h, "</td></tr>");                 \
  } while (0)
#define ROW_NUM(key, field)                                            \
  do {                                                                 \
    cm_html_raw(&rq.h, "<tr><th>");                                     \
    cm_html_word(&rq.h, key);                                            \
    cm_html_raw(&rq.h, "</th><td>");                                    \
    if (r) cm_html_printf(&rq.h, "%lld", node_web_ji(r, field));         \
    cm_html_raw(&rq.h, "</td></tr>");                                   \
  } while (0)
  ROW_TXT("org.name", node_web_js(o, "name"), "");
  ROW_TXT("org.id", node_web_js(o, "id"), "");
  ROW_TXT("rep.month", month, "");
  ROW_NUM("rep.activities", "activities");
  ROW_NUM("rep.participants", "participants");
  ROW_TXT("rep.content", node_web_js(r, "content"), " class=\"tall\"");
  ROW_TXT("rep.scope", r ? node_web_js(r, "scope") : node_web_js(o, "scope"), "");
  ROW_TXT("rep.good_deeds", node_web_js(r, "good_deeds"), " class=\"tall\"");
  ROW_NUM("rep.party_participants", "party_participants");
  ROW_TXT("print.filled_by", "", "");
  ROW_TXT("print.date", date, "");
  {
    /* The street's decision, once there is one; blank for a hand review. */
    char opinion[NODE_TEXT_MAX + 64];
    const char *review = node_web_js(r, "review");
    opinion[0] = '\0';
    if (strcmp(review, "accepted") == 0 || strcmp(review, "rejected") == 0) {
      snprintf(opinion, sizeof opinion, "%s%s%s", cm_i18n_word(rq.lang, "review.", review),
               node_web_js(r, "review_reason")[0] ? (rq.lang == CM_LANG_EN ? ": " : "：") : "",
               node_web_js(r, "review_reason"));
    }
    ROW_TXT("print.review", opinion, " class=\"blank\"");
  }
#undef ROW_TXT
#undef ROW_NUM
  cm_html_printf(&rq.h, "</table><div class=\"signs\"><span>%w：</span><span>", "print.reviewer");
  cm_html_word(&rq.h, "print.seal");
  cm_html_raw(&rq.h, "</span></div></article>");
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
out:
  json_decref(o);
  json_decref(reps);
  json_decref(st);
}

/* One row of a printable sheet: a label and a value (escaped). */
static void sheet_row(node_web_rq *rq, const char *key, const char *val, const char *cls) {
  cm_html_printf(&rq->h, "<tr><th>%w</th><td class=\"%r\">%h</td></tr>", key, cls, val);
}

/* 《社区公益性民间组织备案表》: the paper filing form beside the monthly one,
 * filled in from the organisation's record (/orgs/{id}/print) or blank to
 * fill in by hand (/orgs/print), with a line for who filled it in. */
void node_web_h_org_print(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *o = NULL, *st = NULL;
  char members[24] = "", party[24] = "";
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  if (cm_http_param(req, 0)) {
    o = org_from_path(&rq, "print.org_title");
    if (!o) return;
    snprintf(members, sizeof members, "%lld", node_web_ji(o, "members"));
    snprintf(party, sizeof party, "%lld", node_web_ji(o, "party_members"));
  }
  if (node_status(node_web_db(&rq), &st, &e)) {
    error_page(&rq, "print.org_title", &e, 500);
    goto out;
  }
  node_web_page_begin(&rq, "print.org_title", "nav.orgs");
  cm_html_printf(&rq.h,
                 "<div class=\"actions noprint\"><button type=\"button\" data-print>%w</button>"
                 "<a class=\"button plain\" href=\"/orgs\">%w</a></div>",
                 "print.button", "print.back");
  cm_html_printf(&rq.h, "<article class=\"sheet\" id=\"print-sheet\"><h1>%r%w%r</h1>",
                 rq.lang == CM_LANG_EN ? "" : "《", "print.org_title",
                 rq.lang == CM_LANG_EN ? "" : "》");
  cm_html_printf(&rq.h, "<div class=\"sub\"><span>%w：%h %h</span></div><table>", "print.community",
                 node_web_js(st, "street"), node_web_js(st, "community"));
  sheet_row(&rq, "org.name", node_web_js(o, "name"), "");
  sheet_row(&rq, "org.id", node_web_js(o, "id"), "");
  sheet_row(&rq, "org.category", node_web_js(o, "category"), "");
  sheet_row(&rq, "org.leader", node_web_js(o, "leader"), "");
  sheet_row(&rq, "org.phone", node_web_js(o, "phone"), "");
  sheet_row(&rq, "org.members", members, "");
  sheet_row(&rq, "org.party_members", party, "");
  sheet_row(&rq, "org.party_station",
            o ? cm_i18n_t(rq.lang, json_is_true(json_object_get(o, "party_station")) ? "has.yes"
                                                                                     : "has.no")
              : "",
            "");
  sheet_row(&rq, "org.founded_by",
            o ? cm_i18n_word(rq.lang, "found.", node_web_js(o, "founded_by")) : "", "");
  sheet_row(&rq, "org.scope", node_web_js(o, "scope"), "tall");
  sheet_row(&rq, "org.venue", node_web_js(o, "venue"), "");
  sheet_row(&rq, "org.filed", node_web_js(o, "filed"), "");
  sheet_row(&rq, "print.filled_by", "", "");
  sheet_row(&rq, "print.date", "", "");
  {
    /* The street's decision on the filing, once there is one. */
    char opinion[NODE_TEXT_MAX + 64] = "";
    const char *review = node_web_js(o, "review");
    if (strcmp(review, "accepted") == 0 || strcmp(review, "rejected") == 0)
      snprintf(opinion, sizeof opinion, "%s%s%s", cm_i18n_word(rq.lang, "review.", review),
               node_web_js(o, "review_reason")[0] ? (rq.lang == CM_LANG_EN ? ": " : "：") : "",
               node_web_js(o, "review_reason"));
    sheet_row(&rq, "print.review", opinion, "blank");
  }
  cm_html_printf(&rq.h,
                 "</table><div class=\"signs\"><span>%w：</span><span>%w</span></div></article>",
                 "print.reviewer", "print.seal");
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
out:
  json_decref(o);
  json_decref(st);
}

/* --- major activities --- */

/* One level's answer to a major activity: status and the note (a return's
 * reason, or what the level added when acknowledging). */
static void escalation_cell(node_web_rq *rq, const json_t *a, const char *level) {
  const json_t *l = json_object_get(a, level);
  const char *status = node_web_js(l, "status");
  const char *note = node_web_js(l, "note");
  cm_html_printf(&rq->h, "<td class=\"esc esc-%r\">", level);
  word_span(rq, "esc", "esc.", *status ? status : "pending");
  if (*note) {
    cm_html_raw(&rq->h, "<div class=\"note\">");
    cm_html_esc(&rq->h, note);
    cm_html_raw(&rq->h, "</div>");
  }
  cm_html_raw(&rq->h, "</td>");
}

/* Declared major activities with their escalation, all or one org's. */
static void activities_table(node_web_rq *rq, const json_t *acts, const char *org) {
  const json_t *a;
  size_t i;
  cm_html_raw(&rq->h, "<table id=\"activities\"><tr>");
  th(rq, "act.id");
  th(rq, "act.date");
  th(rq, "rep.org");
  th(rq, "act.name");
  th(rq, "act.place");
  th(rq, "act.expected");
  th(rq, "esc.title");
  th(rq, "esc.street");
  th(rq, "esc.district");
  cm_html_raw(&rq->h, "</tr>");
  json_array_foreach(acts, i, a) {
    const char *esc = node_web_js(a, "escalation");
    if (org && strcmp(org, node_web_js(a, "org")) != 0) continue;
    cm_html_raw(&rq->h, "<tr data-id=\"");
    cm_html_esc(&rq->h, node_web_js(a, "id"));
    cm_html_raw(&rq->h, "\">");
    td(rq, node_web_js(a, "id"));
    td_date(rq, node_web_js(a, "date"));
    td(rq, node_web_js(a, "org"));
    td(rq, node_web_js(a, "title"));
    td(rq, node_web_js(a, "place"));
    td_num(rq, node_web_ji(a, "expected"));
    cm_html_raw(&rq->h, "<td>");
    word_span(rq, "escalation", "esc.", *esc ? esc : "declared");
    cm_html_raw(&rq->h, "</td>");
    escalation_cell(rq, a, "street");
    escalation_cell(rq, a, "district");
    cm_html_raw(&rq->h, "</tr>");
  }
  cm_html_raw(&rq->h, "</table>");
}

void node_web_h_activities(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *acts = NULL;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  if (node_activity_list(node_web_db(&rq), &acts, &e)) {
    error_page(&rq, "act.list", &e, 500);
    return;
  }
  node_web_page_begin(&rq, "act.list", "nav.activity");
  flash(&rq);
  cm_html_printf(&rq.h, "<h1>%w"
                 "</h1><div class=\"actions\"><a class=\"button\" href=\"/activities/new\">",
                 "act.list");
  cm_html_word(&rq.h, "act.title");
  cm_html_raw(&rq.h, "</a></div>");
  if (json_array_size(acts) == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "act.none");
  } else {
    activities_table(&rq, acts, NULL);
  }
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
  json_decref(acts);
}

static void activity_page(node_web_rq *rq, const node_activity_input *in, const cm_err *e,
                          int status) {
  json_t *orgs = NULL;
  cm_err le;
  cm_err_clear(&le);
  (void)node_org_list(node_web_db(rq), &orgs, &le);
  node_web_page_begin(rq, "act.title", "nav.activity");
  cm_html_printf(&rq->h, "<h1>%w</h1><p class=\"muted\">", "act.title");
  cm_html_word(&rq->h, "act.hint");
  cm_html_raw(&rq->h, "</p>");
  if (e) node_web_refusal(rq, e);
  node_web_form_begin_files(rq, "/activities");
  org_select(rq, orgs, "org", in->org, 1);
  cm_html_input(&rq->h, "date", "date", "act.date", in->date, 1, NULL, NULL);
  cm_html_input(&rq->h, "text", "title", "act.name", in->title, 1, NODE_WEB_SHORT_ATTR, NULL);
  cm_html_input(&rq->h, "text", "place", "act.place", in->place, 1, NODE_WEB_LONG_ATTR, NULL);
  cm_html_input(&rq->h, "number", "expected", "act.expected", in->expected, 1,
                 "min=\"0\" step=\"1\"", NULL);
  cm_html_textarea(&rq->h, "description", "act.description", in->description, 0, NODE_WEB_TEXT_MAX, NULL);
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
  json_decref(orgs);
}

void node_web_h_activity_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_activity_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  in.org = query(&rq, "org");
  activity_page(&rq, &in, NULL, 200);
}

void node_web_h_activity_declare(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_activity_input in;
  char id[NODE_ID_MAX], rec[NODE_RECORD_ID_MAX];
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  memset(&in, 0, sizeof in);
  in.org = form(&rq, "org");
  in.date = form(&rq, "date");
  in.title = form(&rq, "title");
  in.place = form(&rq, "place");
  in.expected = form(&rq, "expected");
  in.description = form(&rq, "description");
  rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_activity_declare_rec(node_web_db(&rq), &in, id, rec, &e);
  if (rc) {
    activity_page(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  rc = node_web_attach_to(&rq, in.org, rec, &e);
  if (rc) {
    node_web_org_page(&rq, in.org, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  redirect_ok(&rq, "/activities", "activity", id, NULL);
}

/* --- rectification --- */

static int is_criticism(const json_t *item) {
  return strstr(node_web_js(item, "kind"), "critic") != NULL ||
         node_web_js(item, "deadline")[0] != '\0';
}

static void rect_page(node_web_rq *rq, const node_rectification_input *in, const cm_err *e,
                      int status) {
  json_t *orgs = NULL, *inbox = NULL;
  const json_t *it;
  size_t i, n = 0;
  cm_err le;
  cm_err_clear(&le);
  (void)node_org_list(node_web_db(rq), &orgs, &le);
  (void)node_inbox_list(node_web_db(rq), &inbox, &le);
  node_web_page_begin(rq, "rect.title", "nav.rectify");
  cm_html_printf(&rq->h, "<h1>%w</h1>", "rect.title");
  if (e) node_web_refusal(rq, e);
  node_web_form_begin_files(rq, "/rectifications");
  org_select(rq, orgs, "org", in->org, 1);
  json_array_foreach(inbox, i, it) {
    if (is_criticism(it)) n++;
  }
  if (n > 0) {
    cm_html_select_begin(&rq->h, "decision", "rect.decision", 1);
    cm_html_option(&rq->h, "", cm_i18n_t(rq->lang, "form.choose"), !in->decision || !*in->decision);
    json_array_foreach(inbox, i, it) {
      char label[1200];
      const char *rec = node_web_js(it, "record");
      int chosen = in->decision && strcmp(in->decision, rec) == 0;
      if (!is_criticism(it)) continue;
      /* A closed criticism needs no more answers (unless it is the one asked for). */
      if (json_is_true(json_object_get(it, "closed")) && !chosen) continue;
      snprintf(label, sizeof label, "%s %s %s %s", cm_i18n_kind(rq->lang, node_web_js(it, "kind")),
               node_web_js(it, "org"), node_web_js(it, "deadline"), node_web_js(it, "reason"));
      cm_html_option(&rq->h, rec, label, chosen);
    }
    cm_html_select_end(&rq->h, NULL);
  } else {
    cm_html_input(&rq->h, "text", "decision", "rect.decision", in->decision, 1, "maxlength=\"96\"",
                   "rect.decision_hint");
  }
  cm_html_textarea(&rq->h, "content", "rect.content", in->content, 1, NODE_WEB_TEXT_MAX, NULL);
  node_web_attach_inputs(rq);
  node_web_form_end(rq, "form.submit");
  node_web_page_end(rq);
  node_web_end(rq, status);
  json_decref(orgs);
  json_decref(inbox);
}

void node_web_h_rect_new(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_rectification_input in;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  memset(&in, 0, sizeof in);
  in.org = query(&rq, "org");
  in.decision = query(&rq, "decision");
  rect_page(&rq, &in, NULL, 200);
}

void node_web_h_rect_file(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  node_rectification_input in;
  char rec[NODE_RECORD_ID_MAX];
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  memset(&in, 0, sizeof in);
  in.org = form(&rq, "org");
  in.decision = form(&rq, "decision");
  in.content = form(&rq, "content");
  rc = node_web_attach_precheck(&rq, &e);
  if (!rc) rc = node_rectification_file(node_web_db(&rq), &in, rec, &e);
  if (rc) {
    rect_page(&rq, &in, &e, cm_rc_http_status(rc));
    return;
  }
  rc = node_web_attach_to(&rq, in.org, rec, &e);
  if (rc) {
    node_web_org_page(&rq, in.org, NULL, NULL, &e, cm_rc_http_status(rc));
    return;
  }
  redirect_ok(&rq, "/inbox", "rectify", rec, NULL);
}

static void inbox_table(node_web_rq *rq, const json_t *inbox, const char *org, int open_only);

/* One organisation: its record and review, its reports, its major
 * activities with their escalation, and the decisions about it. */
void node_web_h_org(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  node_web_org_page(&rq, cm_http_param(req, 0), NULL, NULL, NULL, 200);
}

void node_web_org_page(node_web_rq *rqp, const char *path_id, const char *att_title,
                       const char *att_heading, const cm_err *att_err, int status) {
  json_t *o, *reps = NULL, *acts = NULL, *inbox = NULL;
  const char *id;
  cm_err e;
  cm_rc rc;
  node_ctx *db;
  (void)path_id;
  o = org_from_path(rqp, "org.page");
  if (!o) return;
  cm_err_clear(&e);
  id = node_web_js(o, "id");
  db = node_web_db(rqp);
  rc = node_report_list(db, id, NULL, &reps, &e);
  if (!rc) rc = node_activity_list(db, &acts, &e);
  if (!rc) rc = node_inbox_list(db, &inbox, &e);
  if (rc) {
    error_page(rqp, "org.page", &e, 500);
    goto out;
  }
  node_web_page_begin(rqp, "org.page", "nav.orgs");
  cm_html_raw(&rqp->h, "<h1>");
  cm_html_esc(&rqp->h, node_web_js(o, "name"));
  cm_html_raw(&rqp->h, " <span class=\"muted\">");
  cm_html_esc(&rqp->h, id);
  cm_html_raw(&rqp->h, "</span></h1><table id=\"org\"><tr>");
  th(rqp, "org.category");
  th(rqp, "org.leader");
  th(rqp, "org.members");
  th(rqp, "org.party_members");
  th(rqp, "org.founded_by");
  th(rqp, "org.filed");
  th(rqp, "org.status");
  th(rqp, "review.title");
  th(rqp, "org.flags");
  cm_html_raw(&rqp->h, "</tr><tr>");
  td(rqp, node_web_js(o, "category"));
  td(rqp, node_web_js(o, "leader"));
  td_num(rqp, node_web_ji(o, "members"));
  td_num(rqp, node_web_ji(o, "party_members"));
  td(rqp, cm_i18n_word(rqp->lang, "found.", node_web_js(o, "founded_by")));
  td_date(rqp, node_web_js(o, "filed"));
  cm_html_raw(&rqp->h, "<td>");
  status_cell(rqp, o);
  cm_html_raw(&rqp->h, "</td>");
  review_cell(rqp, o, 0);
  cm_html_raw(&rqp->h, "<td>");
  flags_cell(rqp, o);
  cm_html_raw(&rqp->h, "</td></tr></table>");
  org_warnings(rqp, o);
  cm_html_raw(&rqp->h, "<div class=\"actions\">");
  if (filing_refused(o))
    cm_html_printf(&rqp->h, "<a class=\"button refile\" href=\"/orgs/%U/amend?refile=1\">%w</a>", id,
                   "org.refile");
  if (strcmp(node_web_js(o, "status"), "active") == 0) {
    cm_html_printf(&rqp->h,
                   "<a class=\"button plain\" href=\"/reports/new?org=%U\">%w</a>"
                   "<a class=\"button plain\" href=\"/activities/new?org=%U\">%w</a>"
                   "<a class=\"button plain\" href=\"/orgs/%U/amend\">%w</a>",
                   id, "org.report", id, "act.title", id, "org.amend");
  }
  cm_html_printf(&rqp->h,
                 "<a class=\"button plain\" href=\"/orgs/%U/print\">%w</a>"
                 "<a class=\"button plain\" href=\"/orgs/%U/people\">%w</a>"
                 "<a class=\"button plain\" href=\"/orgs/%U/notice\">%w</a></div>",
                 id, "org.print", id, "people.title", id, "notice.title");
  amendments_table(rqp, id);
  cm_html_printf(&rqp->h, "<h2>%w</h2>", "org.reports");
  if (json_array_size(reps) == 0) {
    cm_html_printf(&rqp->h, "<p class=\"muted\">%w</p>", "rep.none");
  } else {
    reports_table(rqp, reps);
  }
  cm_html_printf(&rqp->h, "<h2>%w</h2>", "org.activities");
  activities_table(rqp, acts, id);
  cm_html_printf(&rqp->h, "<h2>%w</h2>", "org.decisions");
  inbox_table(rqp, inbox, id, 0);
  node_web_org_trainings(rqp, id);
  node_web_attach_section(rqp, id, att_title, att_heading, att_err);
  node_web_page_end(rqp);
  node_web_end(rqp, status);
out:
  json_decref(o);
  json_decref(reps);
  json_decref(acts);
  json_decref(inbox);
}

/* --- decisions inbox --- */

/* A criticism's state: closed (rectification accepted), overdue (open past
 * its deadline), answered (our report waits for the street), or open. */
static const char *crit_state(const json_t *it) {
  if (json_is_true(json_object_get(it, "withdrawn"))) return "withdrawn";
  if (json_is_true(json_object_get(it, "closed"))) return "closed";
  if (json_is_true(json_object_get(it, "overdue"))) return "overdue";
  if (json_is_string(json_object_get(it, "rectification"))) return "answered";
  return "open";
}

/* A record id "<64 hex>/<seq>" as people refer to it: who wrote it and its
 * number in that journal ("建昌道社区 第115条"); the id itself stays in
 * data-record for scripts and tests. */
static void record_ref(node_web_rq *rq, const char *who, const char *rec) {
  const char *slash = strrchr(rec, '/');
  cm_html_printf(&rq->h, "<span class=\"ref\" data-record=\"%h\">", rec);
  if (slash && slash[1])
    cm_html_printf(&rq->h, "%h %w%h%w", who, "ref.before", slash + 1, "ref.after");
  else
    cm_html_esc(&rq->h, who);
  cm_html_raw(&rq->h, "</span>");
}

/* The writer of a decision's record, by where it came from. */
static const char *origin_name(node_web_rq *rq, const char *origin) {
  return cm_i18n_t(rq->lang, !strcmp(origin, "district") ? "hub.district" : "hub.street");
}

/* The reasons of records rejected inside an accepted batch. */
static void rejected_records(node_web_rq *rq, const json_t *it) {
  const json_t *list = json_object_get(json_object_get(it, "body"), "rejected_records");
  const json_t *r;
  size_t i;
  json_array_foreach(list, i, r) {
    cm_html_raw(&rq->h, "<div class=\"review-reason\">");
    record_ref(rq, rq->app->community, node_web_js(r, "record"));
    cm_html_raw(&rq->h, " ");
    cm_html_esc(&rq->h, node_web_js(r, "reason"));
    cm_html_raw(&rq->h, "</div>");
  }
}

/* Decisions received, newest first; org (or NULL) keeps one organisation's,
 * open_only keeps the criticisms not yet closed. */
static void inbox_table(node_web_rq *rq, const json_t *inbox, const char *org, int open_only) {
  const json_t *it;
  size_t i;
  cm_html_raw(&rq->h, "<table id=\"inbox\"><tr>");
  th(rq, "inbox.time");
  th(rq, "inbox.kind");
  th(rq, "origin.title");
  th(rq, "inbox.org");
  th(rq, "inbox.reason");
  th(rq, "decide.state");
  th(rq, "org.actions");
  cm_html_raw(&rq->h, "</tr>");
  json_array_foreach(inbox, i, it) {
    char when[26];
    int unread = !json_is_true(json_object_get(it, "read"));
    int crit = is_criticism(it);
    const char *state = crit ? crit_state(it) : "";
    const char *origin = node_web_js(it, "origin");
    const char *result = node_web_js(it, "result");
    if (org && strcmp(org, node_web_js(it, "org")) != 0) continue;
    int withdrawn = json_is_true(json_object_get(it, "withdrawn"));
    if (open_only && (!crit || strcmp(state, "closed") == 0 || withdrawn)) continue;
    time_text(json_object_get(it, "time"), when);
    if (strlen(when) >= 16 && when[10] == 'T') { /* "2026-11-27 14:14": to the minute */
      when[10] = ' ';
      when[16] = '\0';
    }
    cm_html_printf(&rq->h, "<tr class=\"%r%r%r\" data-kind=\"", unread ? "unread" : "",
                  crit ? " criticism" : "", strcmp(state, "overdue") == 0 ? " overdue" : "");
    cm_html_esc(&rq->h, node_web_js(it, "kind"));
    cm_html_raw(&rq->h, "\">");
    /* The time, and under it the decision as people refer to it (the hub's
     * journal and number): two columns fewer, so that the content has room
     * on a 1024-pixel screen. */
    cm_html_printf(&rq->h, "<td class=\"nowrap\">%h<br><span class=\"hint\">", when);
    record_ref(rq, origin_name(rq, origin), node_web_js(it, "record"));
    cm_html_raw(&rq->h, "</span></td>");
    cm_html_printf(&rq->h, "<td class=\"nw\">%h</td><td>",
                   cm_i18n_kind(rq->lang, node_web_js(it, "kind")));
    if (*origin) word_span(rq, "origin", "origin.", origin);
    cm_html_raw(&rq->h, "</td><td>");
    /* The organisation by name, its filing number under it (never broken). */
    if (*node_web_js(it, "org_name"))
      cm_html_printf(&rq->h, "%h<br>", node_web_js(it, "org_name"));
    cm_html_printf(&rq->h, "<span class=\"hint nw\">%h</span></td>", node_web_js(it, "org"));
    cm_html_raw(&rq->h, "<td class=\"reason text\">");
    cm_html_esc(&rq->h, node_web_js(it, "reason"));
    /* What it is about, under what it says: one of this community's records
     * by its number, or what the hub named. */
    const char *subject = node_web_js(it, "subject");
    if (*subject) {
      cm_html_printf(&rq->h, "<div class=\"hint subject\">%w%r<span class=\"nw\">",
                     "inbox.subject", rq->lang == CM_LANG_EN ? ": " : "：");
      if (strchr(subject, '/'))
        record_ref(rq, rq->app->community, subject);
      else
        cm_html_esc(&rq->h, subject);
      cm_html_raw(&rq->h, "</span></div>");
    }
    rejected_records(rq, it);
    /* One column says where it stands: the deadline, the result, the
     * rectification's state or the withdrawal, each unbroken. */
    cm_html_raw(&rq->h, "</td><td class=\"note\">");
    if (*node_web_js(it, "deadline"))
      cm_html_printf(&rq->h, "<span class=\"nw deadline\">%w %h</span> ", "inbox.deadline",
                     node_web_js(it, "deadline"));
    if (*result) {
      word_span(rq, "result", "result.", result);
      cm_html_raw(&rq->h, " ");
    }
    if (crit || withdrawn) word_span(rq, "crit", "crit.", withdrawn ? "withdrawn" : state);
    if (withdrawn) { /* the hub's reason for withdrawing it */
      cm_html_raw(&rq->h, " <span class=\"withdrawn-reason\">");
      cm_html_esc(&rq->h, node_web_js(it, "withdrawn_reason"));
      cm_html_raw(&rq->h, "</span>");
    }
    cm_html_raw(&rq->h, "</td><td class=\"nw\">");
    if (crit && strcmp(state, "closed") != 0 && !withdrawn) {
      cm_html_raw(&rq->h, "<a class=\"rectify\" href=\"/rectifications/new?org=");
      cm_html_url(&rq->h, node_web_js(it, "org"));
      cm_html_raw(&rq->h, "&amp;decision=");
      cm_html_url(&rq->h, node_web_js(it, "record"));
      cm_html_printf(&rq->h, "\">%w</a> ", "inbox.rectify");
    }
    if (unread) {
      cm_html_raw(&rq->h, "<form class=\"inline\" method=\"post\" action=\"/inbox/read\">"
                       "<input type=\"hidden\" name=\"csrf\" value=\"");
      cm_html_esc(&rq->h, rq->app->csrf);
      cm_html_printf(&rq->h, "\"><input type=\"hidden\" name=\"cursor\" value=\"%lld\">",
                    node_web_ji(it, "cursor"));
      cm_html_printf(&rq->h, "<button type=\"submit\" class=\"plain\">%w"
                     "</button></form>",
                     "inbox.read");
    }
    cm_html_raw(&rq->h, "</td></tr>");
  }
  cm_html_raw(&rq->h, "</table>");
}

void node_web_h_inbox(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  json_t *inbox = NULL;
  int open_only;
  cm_err e;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  open_only = query(&rq, "open") && strcmp(query(&rq, "open"), "1") == 0;
  cm_err_clear(&e);
  if (node_inbox_list(node_web_db(&rq), &inbox, &e)) {
    error_page(&rq, "inbox.title", &e, 500);
    return;
  }
  node_web_page_begin(&rq, "inbox.title", "nav.inbox");
  flash(&rq);
  cm_html_printf(&rq.h, "<h1>%w</h1>", "inbox.title");
  if (json_array_size(inbox) == 0) {
    cm_html_printf(&rq.h, "<p class=\"muted\">%w</p>", "inbox.none");
  } else {
    cm_html_raw(&rq.h, "<div class=\"actions\"><form method=\"post\" action=\"/inbox/read\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    cm_html_esc(&rq.h, rq.app->csrf);
    cm_html_raw(&rq.h, "\"><input type=\"hidden\" name=\"cursor\" value=\"0\">"
                      "<button type=\"submit\" class=\"plain\">");
    cm_html_word(&rq.h, "inbox.read_all");
    cm_html_raw(&rq.h, "</button></form> ");
    if (open_only) {
      cm_html_raw(&rq.h, "<a class=\"button plain\" href=\"/inbox\">");
      cm_html_word(&rq.h, "inbox.filter_all");
    } else {
      cm_html_raw(&rq.h, "<a class=\"button plain\" href=\"/inbox?open=1\">");
      cm_html_word(&rq.h, "inbox.filter_open");
    }
    cm_html_raw(&rq.h, "</a></div>");
    inbox_table(&rq, inbox, NULL, open_only);
  }
  node_web_page_end(&rq);
  node_web_end(&rq, 200);
  json_decref(inbox);
}

void node_web_h_inbox_read(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  const char *c;
  uint64_t cursor = 0;
  cm_err e;
  cm_rc rc;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  cm_err_clear(&e);
  c = form(&rq, "cursor");
  if (!c || cm_dec_u64(c, &cursor) != CM_OK) {
    cm_errf(&e, CM_ERR_INVALID, "翻页位置应为数字 / cursor: expected a number");
    error_page(&rq, "inbox.title", &e, 400);
    return;
  }
  rc = node_inbox_mark_read(node_web_db(&rq), (uint64_t)cursor, &e);
  if (rc) {
    error_page(&rq, "inbox.title", &e, cm_rc_http_status(rc));
    return;
  }
  node_web_redirect(&rq, "/inbox");
}

void node_web_h_sync_now(cm_http_req *req, cm_http_resp *resp, void *ctx) {
  node_web_rq rq;
  if (!node_web_begin(&rq, req, resp, ctx)) return;
  node_web_sync_wake(rq.app);
  node_web_redirect(&rq, "/?ok=sync");
}
