/* records.h - the domain core: every record kind a community node or a street
 * hub writes about organisations, in one table (cm_rec_kinds) that says who
 * may write it, the bounds of its typed body and how big the body may be.
 * linli-node checks an entry here before it appends it; linli-hub checks
 * every entry it stores here before projecting it, and an entry that fails
 * is kept (the chain stays whole) but marked refused with the reason and
 * never counted (docs/records.md "Authority and bounds").
 *
 * The same rule at both ends: the node calls cm_rec_check with its own code
 * and today; the hub with the author's enrolled code, the entry's author date
 * and the date it received the entry.  Reasons are Simplified Chinese, for
 * people. */
#ifndef LINLI_COMMON_RECORDS_H
#define LINLI_COMMON_RECORDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "rc.h"

/* Bounds shared by both programs (docs/records.md). */
#define CM_REC_TEXT_MAX 4000            /* bytes of one text field */
#define CM_REC_SHORT_MAX 200            /* bytes of a name, category, leader, phone, title */
#define CM_REC_MEMBERS_MAX 100000       /* members of one organisation */
#define CM_REC_PARTICIPANTS_MAX 1000000 /* participants (人次) in one month */
#define CM_REC_ACTIVITIES_MAX 1000      /* activities in one month */
#define CM_REC_EXPECTED_MAX 1000000     /* expected attendance of a major activity */
#define CM_REC_AHEAD_DAYS 365           /* a major activity is declared at most this far ahead */
#define CM_REC_FIRST_DATE "2000-01-01"  /* the earliest filing date */
#define CM_REC_DUE_DAY 5                /* a month's report is due on this day of the next month */
#define CM_REC_REASON_MAX 256           /* bytes of a refusal reason, NUL included */
#define CM_REC_PREFIX_MAX 32            /* bytes of an id prefix, NUL included */
#define CM_REC_YEAR_ACTIVITIES_MAX 12000 /* activities of one organisation in one year */
#define CM_REC_FEN_MAX 100000000000LL   /* money in fen (分): at most 10亿元 */
#define CM_REC_TRAINING_ORGS_MAX 1000   /* organisations named by one training */
/* The maxlength (characters) of a page's field for these bounds: a Chinese
 * character takes three bytes; a training lists filing numbers (at most
 * CM_REC_PREFIX_MAX + 16 bytes each) with a separator. */
#define CM_REC_TEXT_CHARS (CM_REC_TEXT_MAX / 3)
#define CM_REC_TRAINING_ORGS_CHARS (CM_REC_TRAINING_ORGS_MAX * (CM_REC_PREFIX_MAX + 17))

/* The kinds of the table; CM_REC_OTHER is any kind not in it (a hub's own
 * kinds, or one of a newer version), which the core neither checks nor
 * refuses. */
typedef enum cm_rec_kind {
  CM_REC_ORG_FILED = 0,
  CM_REC_ORG_AMENDED,
  CM_REC_ORG_DISSOLVED,
  CM_REC_REPORT,
  CM_REC_ACTIVITY,
  CM_REC_RECTIFICATION,
  CM_REC_HUB_ONLY, /* a kind only a hub writes (review.batch, decision.* ...) */
  CM_REC_OTHER,
  CM_REC_INSPECTION, /* inspection.self: an organisation's annual self-report (年检自查报告) */
  CM_REC_PLAN,       /* plan.annual: an organisation's plan for a year (工作计划) */
  CM_REC_SUMMARY,    /* summary.annual: its year-end summary (年终总结) */
  CM_REC_FILE,       /* file.attached: a scan or photo of a record (common/attach.h) */
  CM_REC_NOMINATION, /* evaluation.nominated: a community's nomination in a round (评比提名) */
  CM_REC_RECOMMEND,  /* evaluation.recommended: a street's recommendation of a nomination */
  CM_REC_UNIT_PLAN,    /* plan.unit: a community's or a street's own plan for a year */
  CM_REC_UNIT_SUMMARY, /* summary.unit: its own year-end summary */
  CM_REC_TRAINING,     /* training.recorded: a training a street or the district held (培训) */
  CM_REC_NOTICE,       /* notice.issued: a notice to every community of the district or a street */
  CM_REC_NOTICE_SENT,  /* notice.sent: that notice addressed to one community */
  CM_REC_NOTICE_READ,  /* notice.read: a community has read a notice addressed to it */
  CM_REC_LIST,       /* list.published: a list the district maintains (common/lists.h) */
  CM_REC_STATION,    /* station.registered: a party-member activity station (党员活动站) */
  CM_REC_MAPPED,     /* org.mapped: a street maps an organisation's old free-text category */
  CM_REC_ROSTER,     /* roster.entry: one member of an organisation's roster (人员) */
  CM_REC_PLEDGE,     /* pledge.set: internal rules and service pledge (诚信自律) */
  CM_REC_FEEDBACK,   /* feedback.recorded: a resident's complaint or suggestion (群众监督) */
  CM_REC_FUNDING,    /* funding.received: a grant or support received (资金扶持) */
  CM_REC_LIMITS,     /* limits.set: the district's caps on attachments (附件上限) */
  CM_REC_FEEDBACK_DUE, /* feedback.due: the district's days before feedback is overdue */
  CM_REC_DECISION,   /* decision.*: a street's or the district's decision (决定) */
  CM_REC_DUE,        /* due.set: a due date of the year the district sets (截止日期) */
} cm_rec_kind;

/* The level that wrote an entry. */
typedef enum cm_rec_level {
  CM_REC_COMMUNITY = 1,
  CM_REC_STREET = 2,
  CM_REC_DISTRICT = 4,
} cm_rec_level;

/* Typed bodies.  Strings point into the JSON the body was read from (the
 * caller keeps it alive); an optional text absent is "". */
typedef struct cm_rec_org {
  const char *id, *name, *category, *leader, *phone, *founded_by, *scope, *venue, *filed;
  /* codes from the district's lists (common/lists.h), "" when not given */
  const char *category_code, *industry, *unit;
  int64_t members, party_members;
  int party_station;
  unsigned given; /* org.amended: bit CM_REC_F_* of each field the changes give */
} cm_rec_org;

#define CM_REC_F_MEMBERS 1u
#define CM_REC_F_PARTY 2u
#define CM_REC_F_FILED 4u

typedef struct cm_rec_dissolve {
  const char *id, *reason;
} cm_rec_dissolve;

typedef struct cm_rec_report {
  const char *org, *month, *content, *scope, *good_deeds;
  int64_t activities, participants, party_participants;
} cm_rec_report;

typedef struct cm_rec_activity {
  const char *id, *org, *date, *title, *place, *description;
  int64_t expected;
} cm_rec_activity;

typedef struct cm_rec_rect {
  const char *org, *decision, *content;
} cm_rec_rect;

/* inspection.self: the organisation's self-report for a finished year with
 * the community committee's opinion.  Money in fen (分). */
typedef struct cm_rec_inspection {
  const char *org, *problems, *plans, *opinion, *opinion_text;
  int64_t year, activities, members, joined, left, party_members;
  int64_t funds_received, funds_used;
} cm_rec_inspection;

/* plan.annual and summary.annual: texts are goals + activities (a plan) or
 * results + problems (a summary); count is the planned or held activities. */
typedef struct cm_rec_plan {
  const char *org, *text1, *text2;
  int64_t year, count;
} cm_rec_plan;

/* evaluation.nominated: an organisation, or a person of it (person
 * non-empty), nominated in a round of evaluation (评比表彰) for its deeds. */
typedef struct cm_rec_nomination {
  const char *round, *org, *person, *deeds;
} cm_rec_nomination;

/* evaluation.recommended: the street recommends a nomination (its record id)
 * to the district, with its opinion. */
typedef struct cm_rec_recommend {
  const char *nomination, *opinion;
} cm_rec_recommend;

#define CM_REC_ROUND_MAX 16 /* bytes of a round id "YYYY-N", NUL included */
/* training.recorded: orgs is the JSON array of the filing numbers of the
 * organisations that attended (strings, 1..CM_REC_TRAINING_ORGS_MAX, no
 * repeats). */
typedef struct cm_rec_training {
  const char *date, *topic, *organiser, *content;
  const json_t *orgs;
} cm_rec_training;

/* notice.issued, notice.sent and notice.read.  scope is "district" (every
 * community of the district) or "street" (every community of street); notice
 * is the record id of the notice.issued entry (notice.sent, notice.read);
 * to the hex key of the community (notice.sent). */
typedef struct cm_rec_notice {
  const char *title, *text, *scope, *street, *notice, *to;
} cm_rec_notice;
/* list.published: the list's key ("category" | "industry" | "unit") and its
 * items (a JSON array of {"code", "name"}, common/lists.h). */
typedef struct cm_rec_list {
  const char *list;
  const json_t *items;
} cm_rec_list;

/* station.registered: a party-member activity station of an organisation,
 * registered by the community's party committee (社区党总支), with its party
 * branch (党支部) when one is set up. */
typedef struct cm_rec_station {
  const char *org, *name, *leader, *committee, *date, *branch, *branch_date;
  int64_t party_members;
} cm_rec_station;

/* org.mapped: a street maps an organisation of one of its communities ("to",
 * the community's key in hex) filed with free text ("old", kept) onto a code
 * of the district's category list (and, when given, industry and unit). */
typedef struct cm_rec_mapped {
  const char *to, *org, *old, *category, *industry, *unit;
} cm_rec_mapped;
/* roster.entry: the state of one member (numbered within its organisation)
 * from this entry on.  Name, role and home community are sealed
 * (common/personal.h); what counts travels in clear. */
typedef struct cm_rec_roster {
  const char *org, *action, *joined, *left, *reason;
  int64_t member;
  int party_member, leader;
  const json_t *sealed;
} cm_rec_roster;

/* pledge.set: the organisation's internal rules and its service pledge. */
typedef struct cm_rec_pledge {
  const char *org, *rules, *pledge;
} cm_rec_pledge;

/* feedback.recorded: a complaint or suggestion and how far it has been
 * handled; a later entry with the same id carries its new state.  Who made
 * it (optional) is sealed to the community alone (common/personal.h). */
typedef struct cm_rec_feedback {
  const char *id, *org, *type, *content, *received, *status, *handled, *result;
  const json_t *sealed; /* NULL when no one is named */
} cm_rec_feedback;

/* funding.received: money in fen (分). */
typedef struct cm_rec_funding {
  const char *org, *source, *purpose, *date;
  int64_t amount, year;
} cm_rec_funding;

/* limits.set: the caps on attachments the district sets for every level
 * below it, in MiB: one file (1..CM_ATT_FILE_MB_MAX) and one
 * organisation's files in a year (file_mb..CM_REC_YEAR_MB_MAX). */
typedef struct cm_rec_limits {
  int64_t file_mb, org_year_mb;
} cm_rec_limits;
#define CM_REC_YEAR_MB_MAX 20480 /* 20 GiB of one organisation's files in a year */
/* due.set: the due date the district sets for what is due of a year:
 * "inspection" (the self-reports of the year), "plan" (the plans for the
 * year), "summary" (the year-end summaries of the year).  The date lies in
 * the window cm_rec_due_window gives. */
typedef struct cm_rec_due {
  const char *what, *date;
  int64_t year;
} cm_rec_due;
/* decision.* (commend, criticise, inspect, revoke, withdrawn ...): the level
 * it states it was made at ("by": "street" | "district", "" when not
 * stated: the author's own) and the community key it is addressed to ("to",
 * hex, "" for a street's own street-level organisation).  A street relays a
 * district's decision with "by": "district" and the district's signed entry
 * in "origin" (hub/relay.h). */
typedef struct cm_rec_decision {
  const char *by, *to, *org;
} cm_rec_decision;

/* How long a resident's feedback may wait before it is reported to the
 * street, in days, unless the district set another number (feedback.due,
 * 1..CM_REC_FEEDBACK_DAYS_MAX): past this it is overdue. */
#define CM_REC_FEEDBACK_DAYS 15
#define CM_REC_FEEDBACK_DAYS_MAX 90

/* feedback.due: that number, set by the district for every level below it. */
typedef struct cm_rec_feedback_due {
  int64_t days;
} cm_rec_feedback_due;

typedef struct cm_rec_body {
  cm_rec_kind kind;
  union {
    cm_rec_training training;
    cm_rec_notice notice; /* notice.issued, notice.sent and notice.read */
    cm_rec_list list;
    cm_rec_station station;
    cm_rec_mapped mapped;
    cm_rec_inspection inspection;
    cm_rec_plan plan; /* plan.annual, summary.annual, plan.unit, summary.unit (org "") */
    cm_rec_org org; /* org.filed and org.amended */
    cm_rec_dissolve dissolve;
    cm_rec_report report;
    cm_rec_activity activity;
    cm_rec_rect rect;
    cm_att_body file; /* file.attached, read by cm_att_read */
    cm_rec_nomination nomination;
    cm_rec_recommend recommend;
    cm_rec_roster roster;
    cm_rec_pledge pledge;
    cm_rec_feedback feedback;
    cm_rec_funding funding;
    cm_rec_limits limits;
    cm_rec_due due;
    cm_rec_feedback_due feedback_due;
    cm_rec_decision decision;
  } u;
} cm_rec_body;

/* What the checks need to know beside the body. */
typedef struct cm_rec_ctx {
  cm_rec_level writer;            /* the level of the entry's author */
  char prefix[CM_REC_PREFIX_MAX]; /* ids it may write begin "<prefix>-" ("" = none may) */
  char today[11];                 /* the author's date of the entry (YYYY-MM-DD) */
  char latest[11];                /* no date or month after this one (receipt date) */
  int64_t time_ms;                /* the author's time of the entry (ms since the epoch) */
  /* The organisation the body names as its author holds it (org.amended,
   * org.dissolved, report.monthly, activity.declared, rectification.filed):
   * org_known 0 when the author never filed it. */
  int org_known;
  char org_filed[11]; /* its filing date */
  int64_t org_members, org_party;
  /* rectification.filed: 1 when the decision it answers is addressed to the
   * author, 0 when it is not, -1 when this level cannot tell. */
  int decision_to_author;
  /* The author's key in lower-case hex ("" when the caller does not know it):
   * a file.attached entry may name only a record of its own author. */
  char author_hex[65];
  /* file.attached: bytes of the organisation's files the author named before
   * this entry in the same year (author time, Asia/Shanghai), -1 when this
   * level does not count them: the year's cap holds. */
  int64_t org_file_bytes;
  /* file.attached: the caps in force for the entry (the district's newest
   * limits.set this level held when the entry arrived); 0 for the defaults
   * CM_ATT_FILE_MAX and CM_ATT_ORG_YEAR_MAX. */
  uint64_t file_max, org_year_max;
  /* evaluation.nominated: round_known 1 when the round it names is one this
   * level holds (round_year and round_closes, its last day, filled), 0 when
   * it is not. */
  int round_known;
  int64_t round_year;
  char round_closes[11];
  /* ...and when the district closed it early: the close's time (ms, 0 when
   * it did not) and date; a nomination written after it is refused. */
  int64_t round_closed_ms;
  char round_closed[11];
  /* evaluation.recommended: 1 when the nomination it names is one this level
   * holds, not refused, written by a community the author enrolled (or by the
   * author), 0 when it is not, -1 when this level cannot tell. */
  int nomination_of_author;
  /* notice.read: 1 when this level holds no notice.sent of that notice
   * addressed to the author (0: it does, or this level cannot tell). */
  int notice_not_to_author;
  /* list.published, limits.set, feedback.due or a decision written by a street: 1 when it relays the
   * district's own entry of the same kind and body (its signature checked),
   * 0 when not. */
  int origin_district;
  /* decision.* written by a street: 1 when the community it is addressed to
   * ("to") is one the author enrolled, 0 when it is not, -1 when this level
   * cannot tell. */
  int to_below;
  /* org.mapped: 1 when the organisation is one a community enrolled by the
   * author filed, 0 when it is not, -1 when this level cannot tell. */
  int org_below;
} cm_rec_ctx;

/* One row of the table. */
typedef struct cm_rec_def {
  const char *name; /* "org.filed" */
  cm_rec_kind kind;
  unsigned writers;  /* bits of cm_rec_level that may write it */
  size_t body_max;   /* bytes of its body */
  const char *label; /* its Chinese name, for messages */
} cm_rec_def;

/* The row of kind name (CM_REC_OTHER's row for one not in the table). */
const cm_rec_def *cm_rec_find(const char *name);

/* Read body (len bytes of JSON) of the kind def names into *out (strings point
 * into *json_out, which the caller json_decref()s, also on failure).
 * CM_ERR_INVALID with a reason when the body is not a JSON object, lacks a
 * required field, has a field of the wrong type or out of its bounds, or is
 * over the kind's size; CM_ERR_NOMEM.  Nothing is checked for CM_REC_OTHER. */
cm_rc cm_rec_read(const cm_rec_def *def, const uint8_t *body, size_t len, cm_rec_body *out,
                  json_t **json_out, cm_err *err);

/* The same from a parsed body (a node checks what it is about to write). */
cm_rc cm_rec_read_json(const cm_rec_def *def, const json_t *body, cm_rec_body *out, cm_err *err);

/* Authority and the bounds that need ctx: who may write the kind, the id
 * prefix, dates and months against the filing date and ctx's dates, the
 * counts of an amendment against the organisation it amends.  CM_ERR_PERM
 * (authority) or CM_ERR_INVALID (bounds) with a reason. */
cm_rc cm_rec_check(const cm_rec_def *def, const cm_rec_body *b, const cm_rec_ctx *ctx, cm_err *err);

/* The bounds of a monthly report that need no context (the hub's fast reader
 * gives the counts without the texts). */
cm_rc cm_rec_report_counts(int64_t activities, int64_t participants, int64_t party_participants,
                           cm_err *err);

/* CM_ERR_INVALID unless s is a round id "YYYY-N" (N 1..999). */
cm_rc cm_rec_round_id(const char *s, cm_err *err);

/* The organisation a typed body is about (for its facts), or NULL. */
const char *cm_rec_body_org(const cm_rec_body *b);

/* 1 when feedback received on date received and now in status is overdue
 * on today: not yet reported to the street days days on (the district's
 * feedback.due; 0 for the default CM_REC_FEEDBACK_DAYS). */
int cm_rec_feedback_overdue(const char *received, const char *status, const char *today,
                            int64_t days);

/* 1 when entries of kind go to every community (the district's lists,
 * limits, feedback.due and due dates, and the trainings a street or the
 * district records: a hub addresses them to all, a street relays the
 * district's to all; a node keeps the trainings that name its own
 * organisations). */
int cm_rec_to_all(const char *kind);

/* What is due of year (what "inspection", "plan" or "summary"), unless the
 * district sets another date (due.set): the self-reports and the year-end
 * summaries of a year by 31 January of the next, a plan by 31 January of its
 * year.  default_out gets it ("YYYY-MM-DD"); first_out and last_out the
 * window a date the district sets must lie in (a plan's: from 1 January of
 * the year before to the end of its year; the others': the next year).  0
 * for another what. */
int cm_rec_due_window(const char *what, int64_t year, char default_out[11], char first_out[11],
                      char last_out[11]);

/* The caps a limits.set body sets, in bytes. */
void cm_rec_limits_bytes(const cm_rec_limits *l, uint64_t *file_max, uint64_t *org_year_max);
/* The organisation's current details folded from its filing versions, one
 * version at a time, oldest first; the one rule of linli-hub and linli-node.
 * An org.filed sets the whole state (a rejected filing too: the correction
 * that follows amends it); an org.amended changes it (its "changes", "id"
 * aside, and its "flags") only once its status is "accepted", so that a
 * pending, rejected or refused amendment changes nothing the figures, the
 * pages and the next entry's checks read: the current details are those of
 * the last accepted version.  *state is NULL before the first filing (the
 * caller json_decref()s it).  1 when the version changed the state, 0 when
 * not, -1 without memory. */
int cm_rec_fold_version(json_t **state, const char *kind, const json_t *body, const char *status);

/* a + b, held at INT64_MAX (figures add many bounded counts; they never wrap). */
int64_t cm_rec_add(int64_t a, int64_t b);

/* An amount typed in yuan (元: digits, at most two decimals, at most
 * CM_REC_FEN_MAX fen) as fen in *fen_out.  CM_ERR_INVALID, naming the field
 * as zh and flag (the option or form field), when v is empty or not such an
 * amount: what a node and a hub both accept from a person. */
cm_rc cm_rec_yuan_parse(const char *zh, const char *flag, const char *v, int64_t *fen_out,
                        cm_err *err);

#endif
