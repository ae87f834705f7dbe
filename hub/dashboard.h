/* dashboard.h - the figures behind the district dashboard and the street
 * overview (docs/api.md, "Dashboard API"): the hierarchy with counts, one
 * organisation's records, monthly reporting completeness, activity totals and
 * the attention list, each as a JSON object whose arrays of flat objects are
 * the tables the pages show and export as CSV.
 *
 * Everything here reads the projection (hub/store.c does the SQL) under
 * hub->lock and computes in memory, so that an answer is one consistent
 * snapshot.  A scope limits every figure to one street (a street operator at
 * the district, or a street hub, which only holds its own street). */
#ifndef LINLI_HUB_DASHBOARD_H
#define LINLI_HUB_DASHBOARD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/buf.h"
#include "../common/lists.h"
#include "../common/rc.h"
#include "../common/records.h"
#include "hub.h"

#define HUB_DASH_DUE_DAY_KEY                                                                       \
  "dashboard.due_day" /* config key: day of the next month reports are due */
#define HUB_DASH_DUE_DAY_DEFAULT CM_REC_DUE_DAY /* the domain core's */
#define HUB_DASH_SILENT_MS (7ull * 24 * 3600 * 1000) /* "not heard from" after this */
#define HUB_DASH_INACTIVE_MONTHS 3                   /* months without activity before a flag */
#define HUB_DASH_MAX_MONTHS 120                      /* longest activity range answered */
/* `linli-hub serve`: an answer whose last computation took at least this
 * many ms is given from that computation, marked "as_of_ms" (when it was
 * made) and "updating", while it is computed again in the background; at
 * most HUB_DASH_BEHIND_MAX_MS old (an older one is computed while the request
 * waits).  A district's answers take tens of ms: always computed afresh. */
#define HUB_DASH_WAIT_DEFAULT_MS 200
#define HUB_DASH_BEHIND_MAX_MS (10ull * 60 * 1000)
/* `linli-hub serve` also keeps such answers warm: every
 * HUB_DASH_WARM_TICK_MS the cache's thread computes again each one asked for
 * within HUB_DASH_WATCH_MS (the 16 asked for most lately) whose last
 * computation is of another day, or of older data and
 * HUB_DASH_WARM_AFTER_MS old: an answer asked for every day is never
 * computed while someone waits, and one given behind is seldom more than a
 * few minutes old.  At a city that costs a computation of each such answer
 * every few minutes while data arrive; a district's answers are never
 * slow enough to be kept so. */
#define HUB_DASH_WARM_TICK_MS 60000
#define HUB_DASH_WARM_AFTER_MS (5ull * 60 * 1000)
#define HUB_DASH_WATCH_MS (7ull * 24 * 3600 * 1000)

/* What an answer may show: street "" means every street this hub holds;
 * unit "" every supervising unit, else only the organisations whose
 * supervising unit (主管单位) has that code (a viewer scoped to one unit). */
typedef struct hub_dash_scope {
  char street[HUB_NAME_MAX];
  char unit[CM_LIST_CODE_MAX + 1];
} hub_dash_scope;

/* Parameters of a request; NULL fields take their defaults. */
typedef struct hub_dash_params {
  const char *category; /* only organisations of this category */
  const char *month;    /* completeness: "YYYY-MM"; default the month last due */
  const char *from;     /* activity: "YYYY-MM"; default 11 months before `to` */
  const char *to;       /* activity: "YYYY-MM"; default the month before now */
  const char *org;      /* org: the filing number */
  const char *year;     /* funding: "YYYY"; default this year */
  int current;          /* 1: never an answer of an earlier computation (?fresh=1) */
} hub_dash_params;

/* One of the answers, by name: "hierarchy", "org", "completeness", "activity",
 * "attention", "funding" (资金扶持 of a year summed per street, community and
 * organisation: {"year", "totals": {"amount" (fen), "grants"}, "streets",
 * "communities", "organisations"}).  *out is a new reference.  CM_ERR_INVALID for a bad parameter
 * (the message says which), CM_ERR_NOT_FOUND for an unknown name or an
 * organisation outside the scope. */
cm_rc hub_dashboard_answer(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                           const hub_dash_params *p, uint64_t now_ms, json_t **out, cm_err *err);

/* The same answer as the JSON text the API sends when it sends the answer
 * whole (cm_json_dump's bytes, as cm_http_resp_json writes them): a hub that
 * has just started sends the text it kept in the database without reading it
 * into objects and writing it again (hub/answers.h).  *text_out is a new
 * string of *len_out bytes and a NUL. */
cm_rc hub_dashboard_answer_text(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                                const hub_dash_params *p, uint64_t now_ms, char **text_out,
                                size_t *len_out, cm_err *err);

#define HUB_DASH_PAGE_MAX 500 /* most rows of a table on one page */

/* Page `page` ("1", "2", ...) of answer j, per_page rows a page (1 to
 * HUB_DASH_PAGE_MAX, default HUB_DASH_PAGE_MAX): each of its tables (a
 * top-level array of objects) longer than per_page, or only the table `table`
 * when it is given, cut to that page's rows (past the end: none); a shorter
 * table comes whole on every page.  The answer gains "paging": {"page",
 * "per_page", "tables": {name: {"rows", "pages"}}} for every table it holds.
 * Without page and per_page (NULL or "") *out is j itself, as before paging:
 * the long answers stay whole for the scripts that read them so.  *out is a
 * new reference; CM_ERR_INVALID (the message says which) for a bad number. */
cm_rc hub_dashboard_page(json_t *j, const char *table, const char *page, const char *per_page,
                         json_t **out, cm_err *err);

/* Which rows of the answer's tables, in which order, before they are cut to
 * pages.  The rows of one street or one community (?street=, ?community=;
 * NULL or "": every row): each table whose rows name a street keeps those
 * of `street`, and each whose rows name a community those of `community`.
 * Sorted by a column (?sort=COLUMN, ?order=asc|desc; NULL or "": the
 * answer's order): each table whose rows have that column, numbers as
 * numbers, text by its bytes (Unicode order, not pinyin), empty values last
 * (first in descending order), rows of equal values in the answer's order.
 * The answer is the same otherwise (its totals are of every row): what the
 * dashboard shows of a street, and a file of it, hold the same rows. */
typedef struct hub_dash_rows {
  const char *street;
  const char *community;
  const char *sort;
  const char *order;
} hub_dash_rows;

#define HUB_DASH_NARROW_MAX 200 /* bytes of a street's or community's name */

/* hub_dashboard_answer narrowed and sorted (narrow NULL: not) and cut by
 * hub_dashboard_page (page and per_page NULL or "": the answer whole), the
 * same errors, and CM_ERR_INVALID for a name that is not UTF-8 text of at
 * most HUB_DASH_NARROW_MAX bytes, a sort column that is not a column name
 * or an order other than asc and desc.  A page of HUB_DASH_PAGE_MAX rows of
 * an answer the cache does not hold in memory, as it is, is read from the
 * pages of the answer kept in the database (hub/answers.h), without the
 * rest: a city's first page after a restart.  table_only: the caller reads
 * the table `table` only (a CSV or Excel file), so the answer's other long
 * tables may come empty instead of whole. */
cm_rc hub_dashboard_answer_page(hub_ctx *hub, const char *name, const hub_dash_scope *scope,
                                const hub_dash_params *p, uint64_t now_ms, const char *table,
                                int table_only, const char *page, const char *per_page,
                                const hub_dash_rows *narrow, json_t **out, cm_err *err);

/* For `serve`, once started: at a hub of hub_ctx.dash_page_orgs
 * organisations or more, the organisations, the monthly reports and the
 * year's entries loaded (with the attention answer) by the cache's thread
 * before anyone asks; and the requests asked for within
 * HUB_DASH_WATCH_MS before the last stop (kept in the database) are kept
 * warm again, and those whose kept answer is not of the data now (written
 * since, or computed by another build: an upgrade) are computed at once by
 * the cache's thread, before anyone asks.  Nothing where answers are always
 * computed (dash_wait_ms or dash_warm_ms < 0). */
void hub_dashboard_warm_start(hub_ctx *hub);

/* Forget the answers kept for the current database version (in memory and
 * in the database: hub/answers.h), what the year's attention lists read
 * (hub/year.h), the organisations and the monthly reports loaded, so that
 * the next ones are computed from the start (a benchmark timing the
 * computation). */
void hub_dashboard_forget(hub_ctx *hub);

/* The answers alone: what the last computations loaded (the organisations,
 * the monthly reports, the year's entries) stays while nothing it depends on
 * changes: a benchmark timing a computation on a hub that has computed
 * before. */
void hub_dashboard_forget_answers(hub_ctx *hub);

/* The answers and the organisations, as a write that changes the
 * organisations but neither adds nor removes one (a status, an amendment)
 * leaves them: the monthly reports and the year's entries stay (a benchmark
 * timing the computation after such a write). */
void hub_dashboard_forget_organisations(hub_ctx *hub);

/* What hub's computations did since it was opened. */
typedef struct hub_dash_stats {
  uint64_t page_runs;  /* answers computed for the page asked only (hub_ctx.dash_page_orgs) */
  uint64_t base_loads; /* every organisation loaded for an answer (not taken from the
                        * computation before; one organisation's page not counted) */
  uint64_t report_loads; /* every packed year of monthly reports read into memory */
  uint64_t report_rows;  /* packed years read again since (packed after a write) */
} hub_dash_stats;

void hub_dashboard_stats(hub_ctx *hub, hub_dash_stats *out);

/* Wait until the cache's thread has no computation queued or under way (a
 * benchmark timing one computation at a time). */
void hub_dashboard_settle(hub_ctx *hub);

/* The due day of monthly reports (1..28 of the next month) into *day_out. */
cm_rc hub_dashboard_due_day_get(hub_ctx *hub, int *day_out, cm_err *err);

/* Set the due day (1..28; CM_ERR_INVALID otherwise), durably. */
cm_rc hub_dashboard_due_day_set(hub_ctx *hub, int day, cm_err *err);

/* The table `table` of answer j (an array of flat objects) as CSV: UTF-8 with
 * a byte order mark, CRLF lines, a header of the first row's keys, fields
 * quoted when needed, and a leading ' before text that a spreadsheet would
 * read as a formula; the keys and values as the API has them (hub/table.h
 * writes the words people read).  CM_ERR_NOT_FOUND when j has no such table. */
cm_rc hub_dashboard_csv(const json_t *j, const char *table, cm_buf *out, cm_err *err);

/* The dashboard's static files linked into the binary (hub/dashboard.cmake):
 * echarts.min.js (npm, pinned), dashboard.js, dashboard.css. */
typedef struct hub_dash_asset {
  const char *name;          /* served at /dashboard/<name> */
  const char *content_type;  /* static MIME type */
  const unsigned char *data; /* the bytes */
  const unsigned char *end;  /* one past the last byte (a NUL follows) */
} hub_dash_asset;

extern const hub_dash_asset hub_dash_assets[];
extern const size_t hub_dash_n_assets;

#endif
