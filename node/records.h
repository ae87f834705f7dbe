/* records.h - the community's domain records: building, validating and writing
 * org.filed / org.amended / org.dissolved / report.monthly / activity.declared /
 * rectification.filed entries (bodies as docs/records.md), and listing the
 * projection as JSON.  Inputs are strings exactly as typed on the command line or
 * in a web form; NULL or "" means "not given".
 *
 * Refusals return CM_ERR_INVALID (bad or missing input) or CM_ERR_NOT_FOUND
 * (unknown organisation) with a message in Chinese and English in err, e.g.
 * "黨員人數不能多於成員人數 / party members cannot exceed members"; nothing is
 * written then.  Storage failures return CM_ERR_DB / CM_ERR_DISK_FULL / CM_ERR_BUSY. */
#ifndef LINLI_NODE_RECORDS_H
#define LINLI_NODE_RECORDS_H

#include <jansson.h>
#include <stdint.h>

#include "../common/rc.h"
#include "../common/records.h"
#include "node.h"

#define NODE_ID_MAX 32        /* "120105001001-0001", "120105001001-A0001" + NUL */
#define NODE_RECORD_ID_MAX 96 /* "<64 hex>/<seq>" + NUL */
/* The bounds are the domain core's (common/records.h), the same at the hub. */
#define NODE_MAX_PARTICIPANTS CM_REC_PARTICIPANTS_MAX
#define NODE_MAX_MEMBERS CM_REC_MEMBERS_MAX
#define NODE_TEXT_MAX CM_REC_TEXT_MAX /* bytes of any one text field */

/* Filing (備案) and amendment (變更) fields.  For a filing the first six are
 * required; for an amendment every field is optional and only given ones change. */
typedef struct node_org_input {
  const char *name;
  const char *category;
  const char *leader;
  const char *phone;
  const char *members;        /* decimal */
  const char *party_members;  /* decimal */
  const char *party_station;  /* "yes" | "no" (default no) */
  const char *founded_by;     /* "self" (default) | "district-unit" | "street" */
  const char *scope;
  const char *venue;
  const char *filed;          /* YYYY-MM-DD, default today; not in the future */
  /* Once the district published its lists (common/lists.h): category is a
   * code or name of the category list, industry and unit (optional) codes
   * or names of theirs.  Before, category is free text and industry and
   * unit cannot be given. */
  const char *industry;
  const char *unit;
} node_org_input;

/* The district's lists this node received: {"category": [{"code","name"}...],
 * "industry": [...], "unit": [...]}, a list not yet published absent.  New
 * reference in *out. */
cm_rc node_lists(node_ctx *ctx, json_t **out, cm_err *err);

/* A party-member activity station (党员活动站) for an organisation. */
typedef struct node_station_input {
  const char *org, *name, *leader;
  const char *party_members; /* decimal, at least 1 */
  const char *committee;     /* the registering community party committee (社区党总支) */
  const char *date;          /* YYYY-MM-DD, default today */
  const char *branch;        /* optional party branch (党支部) */
  const char *branch_date;   /* its date, YYYY-MM-DD (only with branch) */
} node_station_input;

/* Register a station (station.registered).  The organisation's station flag
 * clears only when the street accepts the registration.  record_out (may be
 * NULL) gets its record id. */
cm_rc node_station_register(node_ctx *ctx, const node_station_input *in,
                            char record_out[NODE_RECORD_ID_MAX], cm_err *err);

/* This node's station registrations (of org; NULL: all), oldest first, each
 * its body plus "seq", "review" (pending|accepted|rejected), "review_reason".
 * New array in *out. */
cm_rc node_station_list(node_ctx *ctx, const char *org, json_t **out, cm_err *err);
/* The organisation id must be filed here and active (inside a transaction):
 * CM_ERR_NOT_FOUND, or CM_ERR_INVALID when dissolved or revoked.  *org_out
 * (may be NULL) gets its listing form (caller decrefs). */
cm_rc node_org_active(node_ctx *ctx, const char *id, json_t **org_out, cm_err *err);

/* Yuan as typed ("1234", "1234.5", "1234.56") to fen, 0..CM_REC_FEN_MAX;
 * zh and flag name the field in the message. */
cm_rc node_yuan_in(const char *zh, const char *flag, const char *v, int64_t *fen_out,
                   cm_err *err);

/* File a new organisation; id_out gets its filing number ("<code>-0001"). */
cm_rc node_org_file(node_ctx *ctx, const node_org_input *in, char id_out[NODE_ID_MAX],
                    cm_err *err);

/* Amend organisation id with the given fields (at least one); flags are
 * recomputed on the amended record.  Refused for a dissolved or revoked org. */
cm_rc node_org_amend(node_ctx *ctx, const char *id, const node_org_input *changes, cm_err *err);

/* node_org_file and node_org_amend; record_out (may be NULL,
 * NODE_RECORD_ID_MAX bytes) gets the entry's record id (a file attached to it
 * names that). */
cm_rc node_org_file_rec(node_ctx *ctx, const node_org_input *in, char id_out[NODE_ID_MAX],
                        char *record_out, cm_err *err);
cm_rc node_org_amend_rec(node_ctx *ctx, const char *id, const node_org_input *changes,
                         char *record_out, cm_err *err);
/* The same inside a journal transaction (a roster's new leader amends the
 * filing in the transaction that adds the member). */
cm_rc node_org_amend_in_tx(node_ctx *ctx, const char *id, const node_org_input *changes,
                           cm_err *err);

/* Dissolve organisation id; reason is required. */
cm_rc node_org_dissolve(node_ctx *ctx, const char *id, const char *reason, cm_err *err);

/* Monthly report (月報).  A second report for the same org and month corrects
 * the first. */
typedef struct node_report_input {
  const char *org;
  const char *month;              /* YYYY-MM, not after this month */
  const char *activities;         /* decimal */
  const char *participants;       /* decimal, at most 1,000,000 */
  const char *party_participants; /* decimal, at most participants */
  const char *content;            /* required */
  const char *scope;
  const char *good_deeds;
} node_report_input;

/* Write a monthly report; record_out (may be NULL) gets "<author hex>/<seq>". */
cm_rc node_report_monthly(node_ctx *ctx, const node_report_input *in,
                          char record_out[NODE_RECORD_ID_MAX], cm_err *err);

/* Validate a monthly report without writing it (CSV import checks every row
 * first); *body_out is the report.monthly body (caller decrefs). */
cm_rc node_report_build(node_ctx *ctx, const node_report_input *in, json_t **body_out,
                        cm_err *err);

/* Inside a journal transaction: check the org is active and append a body from
 * node_report_build.  *seq_out (may be NULL) gets the entry's sequence. */
cm_rc node_report_append_in_tx(node_ctx *ctx, const json_t *body, uint64_t *seq_out,
                               cm_err *err);

/* Major activity declaration (重大活動匯報), declared before its date. */
typedef struct node_activity_input {
  const char *org;
  const char *date;        /* YYYY-MM-DD, after today */
  const char *title;
  const char *place;
  const char *expected;    /* decimal, at most 1,000,000 */
  const char *description; /* optional */
} node_activity_input;

/* Declare; id_out gets the activity id ("<code>-A0001"). */
cm_rc node_activity_declare(node_ctx *ctx, const node_activity_input *in,
                            char id_out[NODE_ID_MAX], cm_err *err);

/* The same; record_out (may be NULL, NODE_RECORD_ID_MAX bytes) gets its
 * record id (a file attached to it names that). */
cm_rc node_activity_declare_rec(node_ctx *ctx, const node_activity_input *in,
                                char id_out[NODE_ID_MAX], char *record_out, cm_err *err);

/* Rectification report (整改報告) answering a criticism. */
typedef struct node_rectification_input {
  const char *org;
  const char *decision;  /* record id of the criticism ("<hub hex>/<seq>") */
  const char *content;
} node_rectification_input;

/* Annual self-report (年检自查报告) of one organisation for a finished year,
 * with the community committee's opinion.  Money in yuan ("1234.5"). */
typedef struct node_inspection_input {
  const char *org;
  const char *year;           /* YYYY, a finished year */
  const char *activities;     /* activities held in the year */
  const char *members;        /* members now */
  const char *joined;         /* members who joined in the year (optional) */
  const char *left;           /* members who left in the year (optional) */
  const char *party_members;
  const char *funds_received; /* yuan, at most two decimals */
  const char *funds_used;
  const char *problems;
  const char *plans;
  const char *opinion;        /* agree | rectify | disagree */
  const char *opinion_text;   /* required unless agree */
} node_inspection_input;

/* Write an inspection.self entry; record_out (may be NULL) gets its record id.
 * A second one for the same organisation and year corrects the first. */
cm_rc node_inspection_file(node_ctx *ctx, const node_inspection_input *in,
                           char record_out[NODE_RECORD_ID_MAX], cm_err *err);

/* An organisation's annual plan (工作计划: goals, planned activities, how
 * many) or its year-end summary (年终总结: results, problems, activities
 * held).  A later one for the same organisation and year corrects it. */
typedef struct node_plan_input {
  int summary;            /* 0: plan.annual, 1: summary.annual */
  const char *org;
  const char *year;       /* plan: this year or next; summary: this year or before */
  const char *goals;      /* plan, required */
  const char *activities; /* plan, required: the activities planned */
  const char *count;      /* plan: planned activities (optional); summary: held (required) */
  const char *results;    /* summary, required */
  const char *problems;   /* summary */
  int unit;               /* 1: the community's own (plan.unit, summary.unit), org not given */
} node_plan_input;

cm_rc node_plan_file(node_ctx *ctx, const node_plan_input *in,
                     char record_out[NODE_RECORD_ID_MAX], cm_err *err);

/* A nomination in a round of evaluation (评比提名, evaluation.nominated): one
 * of this community's organisations, or a person of it (person given), with
 * their deeds.  The round must be one received from the district and still
 * open (the domain core checks it, common/records.h). */
typedef struct node_nomination_input {
  const char *round;  /* "2026-1" */
  const char *org;
  const char *person; /* optional: the person's name */
  const char *deeds;  /* required */
} node_nomination_input;

cm_rc node_nominate(node_ctx *ctx, const node_nomination_input *in,
                    char record_out[NODE_RECORD_ID_MAX], cm_err *err);

cm_rc node_rectification_file(node_ctx *ctx, const node_rectification_input *in,
                              char record_out[NODE_RECORD_ID_MAX], cm_err *err);

/* Listings.  *out is a new JSON array (caller json_decref()s); the same JSON the
 * CLI prints with --json.
 *
 * Organisations: [{"id","name","category","leader","phone","members",
 *   "party_members","party_station","founded_by","scope","venue","filed",
 *   "status": "active"|"dissolved"|"revoked","flags": ["name_norm",...],
 *   "record": "<hex>/<seq>", "review": "pending"|"accepted"|"rejected",
 *   "review_reason"}] ordered by id; review is that of the latest filing or
 *   amendment (a rejected filing stays rejected until a corrected one is accepted). */
cm_rc node_org_list(node_ctx *ctx, json_t **out, cm_err *err);

/* One organisation as in node_org_list (*out a JSON object), CM_ERR_NOT_FOUND. */
cm_rc node_org_get(node_ctx *ctx, const char *id, json_t **out, cm_err *err);

/* Current reports (a correction replaces what it corrects), optionally filtered
 * by org and/or month (NULL = all): [{"org","org_name","month","activities",
 * "participants","party_participants","content","scope","good_deeds",
 * "record","corrections": n, "time", "review": "pending"|"accepted"|"rejected",
 * "review_reason", "accepted_record"}] ordered by month then org (review of this
 * version; accepted_record is the newest accepted version of the month, the
 * figure that stands while a correction waits, or null). */
cm_rc node_report_list(node_ctx *ctx, const char *org, const char *month, json_t **out,
                       cm_err *err);

/* Every version of one org's report for one month, oldest first (history). */
cm_rc node_report_history(node_ctx *ctx, const char *org, const char *month, json_t **out,
                          cm_err *err);

/* How many months back the due list looks (older gaps are for the archive). */
#define NODE_DUE_MONTHS 12

/* The month whose report is due now (the previous month; due on the
 * CM_REC_DUE_DAY of this one) into month_out, its due date into due_out, and
 * *overdue_out 1 once that day has passed. */
void node_due_month(node_ctx *ctx, char month_out[8], char due_out[11], int *overdue_out);

/* Reports owed: for each of the last NODE_DUE_MONTHS months up to the month
 * now due, every active organisation filed by then (and whose filing the
 * street has not refused) with no report for it or only a refused one:
 * [{"org","name","month","due": "YYYY-MM-DD","overdue": bool,"rejected": bool,
 * "reason"}], the overdue ones first, each part oldest month first. */
cm_rc node_reports_due(node_ctx *ctx, json_t **out, cm_err *err);

/* At most this many filings and amendments of one organisation are read for
 * its history (a typing error is amended a few times, not hundreds). */
#define NODE_AMEND_MAX 256

/* The amendments of organisation id, oldest first: [{"time": ISO,
 * "changes": {field: new}, "was": {field: value before}}] (the filing with
 * the earlier amendments applied gives "was"). */
cm_rc node_org_amendments(node_ctx *ctx, const char *id, json_t **out, cm_err *err);

/* Declared major activities: [{"id","org","date","title","place","expected",
 * "description","record","escalation": "declared"|"street_ack"|"district_ack"|
 * "returned","street": {"status": "pending"|"acknowledged"|"returned","note"},
 * "district": {...}}] ordered by date. */
cm_rc node_activity_list(node_ctx *ctx, json_t **out, cm_err *err);

/* Decisions received, newest first: [{"cursor","kind","record","subject","org",
 * "reason","deadline","origin": "street"|"district","body": {...},"time",
 * "read": bool}] plus "result" (review, inspection, acknowledgement) when the
 * body has one, and for a criticism "closed", "overdue" (open past its deadline
 * by the node's today) and "rectification" (our report answering it, or null).
 * "record" is the decision's own record id ("<signer hex>/<seq>": the district's
 * for a decision the street relayed); "subject" the record or activity it is
 * about (or null); "reason" falls back to an acknowledgement's note. */
cm_rc node_inbox_list(node_ctx *ctx, json_t **out, cm_err *err);

/* Mark one inbox item (cursor) or all (cursor 0) as read. */
cm_rc node_inbox_mark_read(node_ctx *ctx, uint64_t cursor, cm_err *err);

/* Status: {"community","street","code","key","fingerprint","hub","hub_key",
 * "enrolled": "yes"|"pending"|"no","written","pushed","acknowledged","pending",
 * "last_contact": ISO time or null,"last_error","unread","overdue" (open
 * criticisms past their deadline),"today","month","due_month" (the month whose
 * report is due now),"due_date" (its due date)}. */
cm_rc node_status(node_ctx *ctx, json_t **out, cm_err *err);

#endif
