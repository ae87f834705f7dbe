/* store.c - the hub's database: schema, migrations and every SQL statement the
 * hub runs.  Keys and hashes are 32-byte BLOBs; times are Unix ms. */
/* sqlite3_preupdate_hook (Debian's SQLite is built with it): which tables a
 * transaction changed, for the year generation (year_watch). */
#define SQLITE_ENABLE_PREUPDATE_HOOK 1
#define _GNU_SOURCE /* memmem */
#include "store.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../common/codec.h"
#include "../common/db.h"
#include "../common/records.h"
#include "rows.h"

/* The entries that are neither records nor reports (decisions, reviews,
 * acknowledgements): the condition of the partial index entries_events,
 * which a query must repeat word for word for SQLite to use the index. */
#define ENTRIES_EVENTS_WHERE                                                                     \
  "kind <> 'report.monthly' AND kind <> 'org.filed' AND kind <> 'org.amended' AND "             \
  "kind <> 'org.dissolved' AND kind <> 'activity.declared'"
/* 1 when entries_events holds the entries of kind k (ENTRIES_EVENTS_WHERE's
 * kinds are the ones it leaves out). */
static int events_kind(const char *k) {
  static const char *const records[] = {"report.monthly", "org.filed", "org.amended",
                                        "org.dissolved", "activity.declared"};
  for (size_t i = 0; i < sizeof records / sizeof records[0]; i++)
    if (!strcmp(k, records[i])) return 0;
  return 1;
}

/* Entry T's body (T the table's alias in the query) when it is JSON, else
 * NULL, so that ->> on a body that is not JSON gives NULL instead of an error
 * whatever order SQLite evaluates a condition's terms in. */
#define BODY_JSON(T)                                                                              \
  "(CASE WHEN json_valid(hub_body(" T ".body, " T ".raw_len)) THEN hub_body(" T ".body, " T      \
  ".raw_len) END)"

/* Key P and the keys it continues (authors.replaces), nearest first: chain(k,
 * d), d = 0 for P itself.  Bounded: a community gets a new key when a PC is
 * lost, a few times in its life. */
#define LINEAGE(P)                                                                                \
  "WITH RECURSIVE chain(k, d) AS (SELECT " P ", 0 UNION ALL SELECT a.replaces, chain.d + 1"      \
  " FROM authors a JOIN chain ON a.key = chain.k WHERE a.replaces IS NOT NULL"                   \
  " AND chain.d < " HUB_LINEAGE_MAX_S ") "
#define HUB_LINEAGE_MAX_S "16"
/* The whole lineage of key P, newest key first (d 0): up to the key that
 * replaced it last, then down the keys each replaced (a key is replaced at
 * most once, so the chain is a line). */
#define LINEAGE_ALL(P)                                                                            \
  "WITH RECURSIVE up(k, n) AS (SELECT " P ", 0 UNION ALL SELECT a.key, up.n + 1"                 \
  " FROM authors a JOIN up ON a.replaces = up.k WHERE up.n < " HUB_LINEAGE_MAX_S "),"             \
  " top(k) AS (SELECT k FROM up ORDER BY n DESC LIMIT 1),"                                        \
  " chain(k, d) AS (SELECT k, 0 FROM top UNION ALL SELECT a.replaces, chain.d + 1"                \
  " FROM authors a JOIN chain ON a.key = chain.k WHERE a.replaces IS NOT NULL"                    \
  " AND chain.d < " HUB_LINEAGE_MAX_S ") "
/* Key K is A or another key of A's community (LINEAGE_ALL): per-author
 * tables read this to count what any of a community's keys wrote. */
#define SAME_COMMUNITY(K, A) "(" K " IN (" LINEAGE_ALL(A) "SELECT k FROM chain))"
/* How many keys came before K in its community (0 for a first key): a newer
 * key's version of the same thing comes first when ordered DESC. */
#define LINEAGE_DEPTH(K) "(" LINEAGE(K) "SELECT max(d) FROM chain)"
/* Key ?1 neither continues another key nor was replaced by one: its lineage
 * (LINEAGE_ALL) is itself alone.  Two index reads; the recursive walk builds
 * temporary B-trees (a queue, a sorter) at every run. */
#define SQL_LONE_KEY(K)                                                                            \
  "NOT EXISTS(SELECT 1 FROM authors WHERE key = " K " AND replaces IS NOT NULL)"                 \
  " AND NOT EXISTS(SELECT 1 FROM authors WHERE replaces = " K " AND replaces IS NOT NULL)"

/* The filing fields organisations keeps as columns (f_*) from its JSON: the
 * one list of them, X(key, D) each (D the JSON's expression), for
 * SQL_ORG_PUT and the migration that added them. */
#define ORG_FIELDS(X, D)                                                                           \
  X(name, D) X(category, D) X(founded_by, D) X(flags, D) X(category_code, D) X(industry, D)        \
  X(unit, D)
/* ", f_name, f_category, ..." */
#define ORG_FIELD_COL(k, D) ", f_" #k
/* ", coalesce(D->>'name', ''), ..." */
#define ORG_FIELD_VAL(k, D) ", coalesce(" D "->>'" #k "', '')"
/* ", f_name = excluded.f_name, ..." */
#define ORG_FIELD_EXC(k, D) ", f_" #k " = excluded.f_" #k
/* ", coalesce(?, D->>'name', ''), ...": the value bound when the caller
 * has it (org_fields_bind), read from the JSON only when that is NULL */
#define ORG_FIELD_BOUND(k, D) ", coalesce(?, " D "->>'" #k "', '')"
/* "name", ... */
#define ORG_FIELD_KEY(k, D) #k,

/* Version 1 of the schema.  Append new migrations; never edit a shipped one. */
static const char *const store_migrations[] = {
  "CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  /* The enrolment registry and each author's head.  rowid order = the order
   * keys became known, which is the order forwarding walks them. */
  "CREATE TABLE authors("
  "  key BLOB PRIMARY KEY CHECK(length(key) = 32),"
  "  name TEXT NOT NULL DEFAULT '', code TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL, street TEXT NOT NULL DEFAULT '',"
  "  enrolled_by BLOB, enrolled_ms INTEGER NOT NULL DEFAULT 0,"
  "  revoked INTEGER NOT NULL DEFAULT 0, quarantined INTEGER NOT NULL DEFAULT 0,"
  "  head_seq INTEGER NOT NULL DEFAULT 0, head_hash BLOB,"
  "  skew_ms INTEGER NOT NULL DEFAULT 0, clock_flag INTEGER NOT NULL DEFAULT 0);"
  /* Changesets exactly as their author signed them. */
  "CREATE TABLE changesets("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, first_seq INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL, bytes BLOB NOT NULL, received_ms INTEGER NOT NULL,"
  "  via TEXT NOT NULL);"
  "CREATE INDEX changesets_author ON changesets(author, first_seq);"
  /* Each entry once, pointing at the changeset that first brought it; the
   * canonical bytes can be rebuilt from these columns. */
  "CREATE TABLE entries("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL,"
  "  prev BLOB NOT NULL, hash BLOB NOT NULL, time_ms INTEGER NOT NULL,"
  "  received_ms INTEGER NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL, sig BLOB,"
  "  changeset INTEGER NOT NULL REFERENCES changesets(id), to_key BLOB,"
  "  UNIQUE(author, seq));"
  "CREATE INDEX entries_to ON entries(to_key) WHERE to_key IS NOT NULL;"
  "CREATE TABLE forks("
  "  id INTEGER PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL, held BLOB,"
  "  other BLOB NOT NULL, other_hash BLOB NOT NULL, time_ms INTEGER NOT NULL,"
  "  via TEXT NOT NULL, UNIQUE(author, seq, other_hash));"
  "CREATE TABLE enroll_requests("
  "  id INTEGER PRIMARY KEY, key BLOB NOT NULL, name TEXT NOT NULL, street TEXT NOT NULL,"
  "  code TEXT NOT NULL, role TEXT NOT NULL, time_ms INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending');"
  "CREATE INDEX enroll_requests_key ON enroll_requests(key);"
  "CREATE TABLE forward("
  "  author BLOB PRIMARY KEY, acked_seq INTEGER NOT NULL, receipt BLOB,"
  "  time_ms INTEGER NOT NULL);"
  "CREATE TABLE upstream_feed("
  "  cursor INTEGER PRIMARY KEY, bytes BLOB NOT NULL, time_ms INTEGER NOT NULL);"
  /* Projection: rebuilt from entries by `rebuild`. */
  "CREATE TABLE communities("
  "  key BLOB PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL,"
  "  street_key BLOB NOT NULL, street_name TEXT NOT NULL);"
  "CREATE TABLE organisations("
  "  author BLOB NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,"
  "  members INTEGER NOT NULL, party_members INTEGER NOT NULL,"
  "  dissolved INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, id));"
  "CREATE TABLE reports("
  "  author BLOB NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL, seq INTEGER NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, org, month));"
  "CREATE TABLE activities("
  "  author BLOB NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL,"
  "  date TEXT NOT NULL, expected INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
  "  PRIMARY KEY(author, id));",
  /* Review and decisions (issue 5), all projection.  Every version of a
   * report or filing is kept so that an accepted figure stands while its
   * correction waits; a record's status comes from the review entries of the
   * hub that enrolled its author (view entry_status), whatever the order in
   * which the review and the record arrived. */
  "CREATE TABLE report_versions("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, PRIMARY KEY(author, seq));"
  "CREATE TABLE filing_versions("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY(author, seq));"
  "CREATE TABLE reviews("
  "  reviewer BLOB NOT NULL, rseq INTEGER NOT NULL, author BLOB NOT NULL,"
  "  batch INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,"
  "  result TEXT NOT NULL, reason TEXT NOT NULL, operator TEXT NOT NULL,"
  "  time_ms INTEGER NOT NULL, PRIMARY KEY(reviewer, rseq));"
  "CREATE INDEX reviews_author ON reviews(author, first_seq);"
  "CREATE TABLE review_rejects("
  "  reviewer BLOB NOT NULL, rseq INTEGER NOT NULL, author BLOB NOT NULL,"
  "  seq INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY(reviewer, rseq, author, seq));"
  "CREATE VIEW entry_status AS SELECT e.author AS author, e.seq AS seq, e.kind AS kind,"
  "  e.changeset AS changeset, CASE WHEN a.role IN ('self', 'street') THEN 'accepted' ELSE"
  "  coalesce((SELECT CASE WHEN r.result = 'rejected' OR EXISTS(SELECT 1 FROM review_rejects x"
  "    WHERE x.reviewer = r.reviewer AND x.rseq = r.rseq AND x.author = e.author"
  "    AND x.seq = e.seq) THEN 'rejected' ELSE 'accepted' END FROM reviews r"
  "    WHERE r.reviewer = a.enrolled_by AND r.author = e.author"
  "    AND e.seq BETWEEN r.first_seq AND r.last_seq ORDER BY r.rseq DESC LIMIT 1),"
  "  'pending') END AS status FROM entries e JOIN authors a ON a.key = e.author;"
  /* Decisions keyed by record id ("<hex>/<seq>"; a relayed one by its
   * origin's), closures of criticisms, acknowledgements of activities. */
  "CREATE TABLE decisions("
  "  record TEXT PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
  "  by_level TEXT NOT NULL, to_key BLOB, org TEXT NOT NULL, community TEXT NOT NULL,"
  "  deadline TEXT NOT NULL, result TEXT NOT NULL, reason TEXT NOT NULL,"
  "  operator TEXT NOT NULL, time_ms INTEGER NOT NULL);"
  "CREATE TABLE closures("
  "  decision TEXT NOT NULL, author BLOB NOT NULL, seq INTEGER NOT NULL,"
  "  PRIMARY KEY(decision, author, seq));"
  "CREATE TABLE activity_acks("
  "  activity TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL,"
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(activity, level));",
  /* Dashboard (issue 7): its reads by month, by date and by filing number,
   * and a partial index over the few entries that are neither records nor
   * reports (decisions, acknowledgements, reviews), so that listing them
   * never scans the reports. */
  "CREATE INDEX reports_month ON reports(month);"
  "CREATE INDEX organisations_id ON organisations(id);"
  "CREATE INDEX activities_date ON activities(date);"
  "CREATE INDEX entries_events ON entries(kind) WHERE kind NOT IN ('report.monthly',"
  "  'org.filed', 'org.amended', 'org.dissolved', 'activity.declared');",
  /* A review binds to the hash of the last entry it reviewed: after a fork
   * is resolved for the other branch, reviews of the dropped entries no
   * longer apply (the chain makes one hash cover the whole range). */
  "ALTER TABLE reviews ADD COLUMN last_hash BLOB;"
  "DROP VIEW entry_status;"
  "CREATE VIEW entry_status AS SELECT e.author AS author, e.seq AS seq, e.kind AS kind,"
  "  e.changeset AS changeset, CASE WHEN a.role IN ('self', 'street') THEN 'accepted' ELSE"
  "  coalesce((SELECT CASE WHEN r.result = 'rejected' OR EXISTS(SELECT 1 FROM review_rejects x"
  "    WHERE x.reviewer = r.reviewer AND x.rseq = r.rseq AND x.author = e.author"
  "    AND x.seq = e.seq) THEN 'rejected' ELSE 'accepted' END FROM reviews r"
  "    WHERE r.reviewer = a.enrolled_by AND r.author = e.author"
  "    AND e.seq BETWEEN r.first_seq AND r.last_seq AND (r.last_hash IS NULL OR"
  "    r.last_hash = (SELECT h.hash FROM entries h WHERE h.author = r.author"
  "    AND h.seq = r.last_seq)) ORDER BY r.rseq DESC LIMIT 1),"
  "  'pending') END AS status FROM entries e JOIN authors a ON a.key = e.author;",
  /* Dashboard: the facts of a monthly report it counts, in two indexes, so
   * that a year of reports is read without the rows and the entries' bodies. */
  "CREATE INDEX entries_report_facts ON entries(author, seq, time_ms, received_ms,"
  "  (CASE WHEN json_valid(CAST(body AS TEXT))"
  "   THEN coalesce(CAST(body AS TEXT)->>'good_deeds', '') <> '' ELSE 0 END))"
  " WHERE kind = 'report.monthly';"
  "CREATE INDEX reports_month_facts ON reports(month, author, org, seq, activities,"
  "  participants, party_participants);",
  /* Dashboard: whether a report wrote good deeds, kept on the report itself,
   * so that the activity sums read one index instead of seeking the entry of
   * every report (the seeks took about 40% of sixty months). */
  "ALTER TABLE reports ADD COLUMN good_deeds INTEGER NOT NULL DEFAULT 0;"
  "UPDATE reports SET good_deeds = coalesce((SELECT CASE WHEN json_valid(CAST(e.body AS TEXT))"
  "  THEN coalesce(CAST(e.body AS TEXT)->>'good_deeds', '') <> '' ELSE 0 END FROM entries e"
  "  WHERE e.author = reports.author AND e.seq = reports.seq), 0);"
  "CREATE INDEX reports_month_sums ON reports(month, author, org, seq, activities,"
  "  participants, party_participants, good_deeds);",
  /* Ingest speed (issue 8): a monthly report cost ten B-tree writes and two
   * JSON parses inside SQLite.  The report row now carries its entry's times
   * (set by the projection from the entry it projects), and reports are kept
   * in month order (WITHOUT ROWID, keyed by month first), so the table itself
   * answers every dashboard read of reports: the covering indexes and the
   * expression index over the entries' bodies go.  Report versions are keyed
   * by (author, org, month, seq), so the versions of one month are a range,
   * not a scan of the author's versions. */
  "CREATE TABLE reports2("
  "  author BLOB NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL, seq INTEGER NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
  "  good_deeds INTEGER NOT NULL DEFAULT 0, time_ms INTEGER NOT NULL DEFAULT 0,"
  "  received_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(month, author, org)) WITHOUT ROWID;"
  "INSERT INTO reports2 SELECT r.author, r.org, r.month, r.seq, r.activities, r.participants,"
  "  r.party_participants, r.status, r.good_deeds, coalesce(e.time_ms, 0),"
  "  coalesce(e.received_ms, 0) FROM reports r LEFT JOIN entries e ON e.author = r.author"
  "  AND e.seq = r.seq;"
  "DROP TABLE reports;"
  "ALTER TABLE reports2 RENAME TO reports;"
  "DROP INDEX entries_report_facts;"
  "CREATE TABLE report_versions2("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, flagged INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY(author, org, month, seq)) WITHOUT ROWID;"
  "INSERT INTO report_versions2 SELECT v.author, v.seq, v.org, v.month, v.activities,"
  "  v.participants, v.party_participants, coalesce((SELECT CASE WHEN"
  "  json_valid(CAST(e.body AS TEXT)) THEN json_array_length(CAST(e.body AS TEXT), '$.flags') > 0"
  "  ELSE 0 END FROM entries e WHERE e.author = v.author AND e.seq = v.seq), 0)"
  "  FROM report_versions v;"
  "DROP TABLE report_versions;"
  "ALTER TABLE report_versions2 RENAME TO report_versions;"
  "CREATE TABLE filing_versions2("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,"
  "  PRIMARY KEY(author, seq)) WITHOUT ROWID;"
  "INSERT INTO filing_versions2 SELECT author, seq, id FROM filing_versions;"
  "DROP TABLE filing_versions;"
  "ALTER TABLE filing_versions2 RENAME TO filing_versions;"
  /* A NOT IN list of more than two values is evaluated through a temporary
   * B-tree that SQLite builds anew for every row inserted: a sixth of an
   * entry's cost.  The same condition as plain comparisons. */
  "DROP INDEX entries_events;"
  "CREATE INDEX entries_events ON entries(kind) WHERE " ENTRIES_EVENTS_WHERE ";",
  /* The domain core (common/records.h): an entry that breaks authority or
   * bounds is kept but refused, with its reason, and never projected; its
   * status is 'refused' whatever a review says.  An organisation's filing
   * date is kept on its row for the bounds of its reports. */
  "CREATE TABLE refusals("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, reason TEXT NOT NULL,"
  "  PRIMARY KEY(author, seq)) WITHOUT ROWID;"
  "ALTER TABLE organisations ADD COLUMN filed TEXT NOT NULL DEFAULT '';"
  "UPDATE organisations SET filed = coalesce(CASE WHEN json_valid(data)"
  "  THEN data->>'filed' END, '');"
  "DROP VIEW entry_status;"
  "CREATE VIEW entry_status AS SELECT e.author AS author, e.seq AS seq, e.kind AS kind,"
  "  e.changeset AS changeset, CASE WHEN EXISTS(SELECT 1 FROM refusals f"
  "  WHERE f.author = e.author AND f.seq = e.seq) THEN 'refused'"
  "  WHEN a.role IN ('self', 'street') THEN 'accepted' ELSE"
  "  coalesce((SELECT CASE WHEN r.result = 'rejected' OR EXISTS(SELECT 1 FROM review_rejects x"
  "    WHERE x.reviewer = r.reviewer AND x.rseq = r.rseq AND x.author = e.author"
  "    AND x.seq = e.seq) THEN 'rejected' ELSE 'accepted' END FROM reviews r"
  "    WHERE r.reviewer = a.enrolled_by AND r.author = e.author"
  "    AND e.seq BETWEEN r.first_seq AND r.last_seq AND (r.last_hash IS NULL OR"
  "    r.last_hash = (SELECT h.hash FROM entries h WHERE h.author = r.author"
  "    AND h.seq = r.last_seq)) ORDER BY r.rseq DESC LIMIT 1),"
  "  'pending') END AS status FROM entries e JOIN authors a ON a.key = e.author;"
  /* organisations.status was declared but never written: write it (from
   * now on the projection keeps it, see SQL_ORG_STATUS) */
  "UPDATE organisations SET status = CASE"
  " WHEN EXISTS(SELECT 1 FROM decisions d WHERE d.kind = 'revoke'"
  "  AND d.to_key = organisations.author AND d.org = organisations.id) THEN 'revoked'"
  " ELSE coalesce((SELECT s.status FROM filing_versions f JOIN entry_status s"
  "  ON s.author = f.author AND s.seq = f.seq WHERE f.author = organisations.author"
  "  AND f.id = organisations.id AND s.status IN ('accepted', 'rejected')"
  "  ORDER BY f.seq DESC LIMIT 1), 'pending') END;"
  /* Raw bytes each author had stored here per day (receipt date, Asia/
   * Shanghai): the daily quota a hostile node cannot grow a hub past.  Not
   * projection: rebuild keeps it. */
  "CREATE TABLE quota("
  "  author BLOB NOT NULL, day TEXT NOT NULL, bytes INTEGER NOT NULL,"
  "  PRIMARY KEY(author, day)) WITHOUT ROWID;",
  /* One status per record, written by the projection (SQL_STATUS_RAW and
   * the refreshes below) whenever the record, a review over it, or the entry
   * a review binds to arrives, instead of computed on every read: pending,
   * accepted, rejected, refused, or superseded (an accepted monthly report
   * with a newer accepted version of its month).  The current report and
   * activity rows carry their record's status; view entry_status is a plain
   * read of the column. */
  "CREATE TABLE record_status("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL,"
  "  PRIMARY KEY(author, seq)) WITHOUT ROWID;"
  "CREATE INDEX reviews_last ON reviews(author, last_seq);"
  "INSERT INTO record_status(author, seq, status) SELECT author, seq, status FROM entry_status;"
  "UPDATE record_status SET status = 'superseded' WHERE status = 'accepted' AND EXISTS("
  "  SELECT 1 FROM report_versions v JOIN report_versions n ON n.author = v.author"
  "  AND n.org = v.org AND n.month = v.month AND n.seq > v.seq"
  "  JOIN record_status s ON s.author = n.author AND s.seq = n.seq AND s.status = 'accepted'"
  "  WHERE v.author = record_status.author AND v.seq = record_status.seq);"
  "DROP VIEW entry_status;"
  "CREATE VIEW entry_status AS SELECT e.author AS author, e.seq AS seq, e.kind AS kind,"
  "  e.changeset AS changeset, coalesce(s.status, 'pending') AS status FROM entries e"
  "  LEFT JOIN record_status s ON s.author = e.author AND s.seq = e.seq;"
  "UPDATE reports SET status = coalesce((SELECT s.status FROM record_status s"
  "  WHERE s.author = reports.author AND s.seq = reports.seq), 'pending');"
  "UPDATE activities SET status = coalesce((SELECT s.status FROM record_status s"
  "  WHERE s.author = activities.author AND s.seq = activities.seq), 'pending');",
  /* Withdrawn decisions: the withdrawal entry and its reason.  A withdrawal
   * also closes the decision (closures), so that every open/overdue figure
   * leaves it out without knowing about withdrawals. */
  "CREATE TABLE withdrawals("
  "  decision TEXT PRIMARY KEY, author BLOB NOT NULL, seq INTEGER NOT NULL,"
  "  reason TEXT NOT NULL);",
  /* A stored entry body of 1 KiB or more is kept deflated (zlib), raw_len its
   * length as signed; 0 = kept as signed.  Readers go through SQL function
   * hub_body(body, raw_len) (registered by hub_store_open, so not usable in
   * a migration or a view), so that a hostile node grows the hub by what its
   * bodies compress to (docs/decisions/0040-stored-bodies-deflated.md). */
  "ALTER TABLE entries ADD COLUMN raw_len INTEGER NOT NULL DEFAULT 0;",
  /* The district's lists (common/lists.h) are read from list.published
   * entries; projected here: party-member activity stations
   * (station.registered, with their record's status in record_status) and
   * a street's mapping of an organisation's old free-text category onto
   * the lists (org.mapped; the newest per organisation). */
  "CREATE TABLE IF NOT EXISTS stations("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, name TEXT NOT NULL,"
  "  leader TEXT NOT NULL, party_members INTEGER NOT NULL, committee TEXT NOT NULL,"
  "  date TEXT NOT NULL, branch TEXT NOT NULL, branch_date TEXT NOT NULL,"
  "  PRIMARY KEY(author, seq)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS stations_org ON stations(author, org);"
  "CREATE TABLE IF NOT EXISTS org_mapped("
  "  author BLOB NOT NULL, id TEXT NOT NULL, category TEXT NOT NULL, industry TEXT NOT NULL,"
  "  unit TEXT NOT NULL, old TEXT NOT NULL, record TEXT NOT NULL,"
  "  PRIMARY KEY(author, id)) WITHOUT ROWID;",
  /* A replacement key (a lost or stolen PC): the community key it continues,
   * set by the projection of a hub.enrolled entry that names one
   * (docs/decisions/0049-replacement-key.md).  Like the rest of authors, not
   * cleared by rebuild: the projection sets it again to the same value. */
  "ALTER TABLE authors ADD COLUMN replaces BLOB;",
  /* The lineage is walked up (who replaced this key) as well as down at
   * every monthly report's status refresh: an index, not a scan of authors. */
  "CREATE INDEX authors_replaces ON authors(replaces) WHERE replaces IS NOT NULL;",
  /* An organisation's status is its newest decided filing version and its
   * revocations: found through these instead of a scan of every version of
   * the community and of every decision, once per organisation (also the
   * year's inspection results, looked up per organisation and kind). */
  "CREATE INDEX filing_versions_id ON filing_versions(author, id, seq);"
  "CREATE INDEX decisions_org ON decisions(org, kind);"
  /* A filing's roster count reads the community's roster entries: these, not
   * every entry the community wrote (each filing walked them all). */
  "CREATE INDEX entries_roster ON entries(author, seq) WHERE kind = 'roster.entry';"
  /* A batch's monthly reports by sequence (auto-accept's facts, the groups
   * a review decides): these, not every version the community wrote. */
  "CREATE INDEX report_versions_seq ON report_versions(author, seq);",
  /* Who holds the organisations the year's reads name, shaped like
   * communities: the communities, and the streets themselves for the
   * organisations they filed (street-level), each a row named as its street
   * with no code, so that those count under their street (an enrolled
   * street hub at a district; this hub itself at a street). */
  "CREATE VIEW year_holders AS SELECT key, name, code, street_name, street_key FROM communities"
  " UNION ALL SELECT a.key, a.name, '', a.name, a.key FROM authors a WHERE a.role = 'street'"
  " OR (a.role = 'self' AND (SELECT value FROM config WHERE key = 'role') = 'street');",
  /* A year's figures read when each dissolved or revoked organisation ended:
   * its community's keys by code, their dissolutions, not every entry the
   * community wrote. */
  "CREATE INDEX entries_dissolved ON entries(author, seq) WHERE kind = 'org.dissolved';"
  "CREATE INDEX communities_code ON communities(code);",
  /* The year's entries of an organisation or a unit (self-reports, plans,
   * summaries: YEAR_ENTRY_KINDS) with the year and organisation their bodies
   * name, kept by the projection (hub_store_year_entry_put), so that the
   * year's reads find the newest of each without reading every such entry's
   * body from the log.  Columns year and org untyped: the values as ->> reads
   * them.  A hub upgraded to this fills it at its next open
   * (year_entries_fill: the bodies need hub_body, not there while migrating). */
  "CREATE TABLE year_entries(author BLOB NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
  "  year, org, time_ms INTEGER NOT NULL, PRIMARY KEY(author, seq)) WITHOUT ROWID;"
  "CREATE INDEX year_entries_kind ON year_entries(kind, year, author, org, seq, time_ms);",
  /* The filing's fields the dashboard reads, kept as columns where the
   * projection writes the row (SQL_ORG_PUT): every answer read them out of
   * `data`, one JSON parse per field and organisation (SQLite 3.40 keeps no
   * parse), a third of a fresh answer's time
   * (docs/decisions/0054-dashboard-figures.md). */
  "ALTER TABLE organisations ADD COLUMN f_name TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_category TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_founded_by TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_flags TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_category_code TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_industry TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE organisations ADD COLUMN f_unit TEXT NOT NULL DEFAULT '';"
  "UPDATE organisations SET (data" ORG_FIELDS(ORG_FIELD_COL, "") ") = (data"
  ORG_FIELDS(ORG_FIELD_VAL, "data") ") WHERE json_valid(data);",
  /* The monthly reports again, packed one row per organisation and year
   * (months: hub_store_report_years_refresh's records), so that the
   * dashboard reads a year of an organisation at once instead of each of its
   * reports; report_dirty names the community keys and years whose reports
   * a write changed since they were packed (marked by the store's writers of
   * reports: hub_store_report_put and the status refreshes), packed again
   * before the next answer.  Not triggers: a trigger on reports alone made
   * ingest a quarter slower (SQLite then updates in two passes).
   * Projection: both follow reports. */
  "CREATE TABLE report_years("
  "  year TEXT NOT NULL, author BLOB NOT NULL, org TEXT NOT NULL, months BLOB NOT NULL,"
  "  PRIMARY KEY(year, author, org)) WITHOUT ROWID;"
  "CREATE TABLE report_dirty("
  "  author BLOB NOT NULL, year TEXT NOT NULL, PRIMARY KEY(author, year)) WITHOUT ROWID;"
  "INSERT OR IGNORE INTO report_dirty SELECT author, substr(month, 1, 4) FROM reports;"
  /* whether an organisation has a station at all, before its community's
   * lineage is walked (SQL_DASH_ORGS, once per organisation) */
  "CREATE INDEX stations_by_org ON stations(org);",
  /* The data generation: changed by every write transaction of the store
   * (hub_store_commit, when the transaction changed a row), so that a
   * dashboard answer kept in `answers` at generation g is the one a fresh
   * computation gives while the generation is still g, also after a restart
   * and whichever process wrote (hub/answers.c).  answers: the kept answers,
   * by request key, with the build of the program that computed them. */
  "CREATE TABLE data_gen(id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);"
  "INSERT INTO data_gen VALUES(1, 1);"
  "CREATE TABLE answers(key TEXT NOT NULL UNIQUE, gen INTEGER NOT NULL, build BLOB NOT NULL,"
  "  stored INTEGER NOT NULL, body BLOB NOT NULL, aux BLOB, raw INTEGER NOT NULL);",
  /* The year generation: changed by a write transaction that changed a table
   * the year's reads depend on (year_watch), so that what they computed at
   * generation g still holds while it is g, whatever else was written since
   * (monthly reports arrive all the time; plans and decisions seldom). */
  "ALTER TABLE data_gen ADD COLUMN year_gen INTEGER NOT NULL DEFAULT 1;",
  /* How long a kept answer took to compute: one that took long may be given
   * after a write while it is computed again (hub/dashboard.h). */
  "ALTER TABLE answers ADD COLUMN cost_ms INTEGER NOT NULL DEFAULT 0;",
  /* A kept answer's long tables by pages (hub/answers.h), so that a page
   * after a restart reads that page, not the whole answer.  Per answer key:
   * its head (tbl '', page 0, with the gen and stored of the answer it was
   * cut from; body {"answer": the answer with those tables empty, "tables":
   * {table: rows in all}}) and each long table's pages (page 1, 2, ...: a
   * JSON array of rows; page 0, when its rows name a street or community:
   * its index by both, hub/answers.c table_index); bodies deflated as
   * answers.body (raw bytes). */
  "CREATE TABLE answer_pages(key TEXT NOT NULL, tbl TEXT NOT NULL, page INTEGER NOT NULL,"
  "  gen INTEGER NOT NULL, stored INTEGER NOT NULL, raw INTEGER NOT NULL, body BLOB NOT NULL,"
  "  PRIMARY KEY(key, tbl, page)) WITHOUT ROWID;",
  /* Report versions keyed by (author, month, org, seq) instead of (author,
   * org, month, seq): a community's batch is a month or a few of all its
   * organisations, so its versions now go into one range of the key, not
   * into a page per organisation (ingest wrote three in five of its pages
   * here).  The versions of one (org, month) are still a range. */
  "CREATE TABLE report_versions2("
  "  author BLOB NOT NULL, seq INTEGER NOT NULL, org TEXT NOT NULL, month TEXT NOT NULL,"
  "  activities INTEGER NOT NULL, participants INTEGER NOT NULL,"
  "  party_participants INTEGER NOT NULL, flagged INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY(author, month, org, seq)) WITHOUT ROWID;"
  "INSERT INTO report_versions2(author, seq, org, month, activities, participants,"
  "  party_participants, flagged) SELECT author, seq, org, month, activities, participants,"
  "  party_participants, flagged FROM report_versions ORDER BY author, month, org, seq;"
  "DROP TABLE report_versions;"
  "ALTER TABLE report_versions2 RENAME TO report_versions;"
  "CREATE INDEX report_versions_seq ON report_versions(author, seq);",
  /* The dashboard requests asked for lately (hub/answers.h), each as the
   * request it is (JSON), so that `serve`, once started again, computes
   * those whose kept answer is not of the data now before anyone asks: a
   * new build keeps no answer of an older one, and a city's first answers
   * take seconds. */
  "CREATE TABLE answer_watch(id TEXT PRIMARY KEY, request TEXT NOT NULL,"
  "  asked_ms INTEGER NOT NULL) WITHOUT ROWID;",
  /* The base generation: changed by a write transaction that changed what
   * the dashboard loads of every organisation and community (year_watch:
   * base_touched), so that the organisations it loaded at generation g may
   * serve the next computation while it is still g (hub/dashboard.c). */
  "ALTER TABLE data_gen ADD COLUMN base_gen INTEGER NOT NULL DEFAULT 1;",
  /* The organisations that ended (dissolved or revoked), found without
   * reading every organisation's filing: the attention answer's year lists
   * need when each ended (HUB_DQ_YEAR_ENDED). */
  "CREATE INDEX organisations_ended ON organisations(author, id)"
  "  WHERE dissolved <> 0 OR status = 'revoked';",
  /* When each packed year was packed (the data generation of the packing
   * transaction), so that a reader that kept them reads again only those
   * packed since (hub_store_report_years_read). */
  "ALTER TABLE report_years ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX report_years_gen ON report_years(gen);",
  /* The marks generation: changed by a write transaction that changed the
   * year's entries, their refusals or the registry of keys (year_watch:
   * marks_touched), so that the year's entries read for the attention lists
   * (hub/year.c: hub_year_marks) serve while it stays, through a filing or
   * a status changed (the year generation moves with those). */
  "ALTER TABLE data_gen ADD COLUMN marks_gen INTEGER NOT NULL DEFAULT 1;",
};

/* Room for every statement of this file that goes through st_prep (about
 * 120 now, a long-running serve uses most of them): a full cache refuses.
 * An open-addressing table keyed by the SQL text's address, kept at most
 * half full, so that a lookup is a probe or two instead of a walk of every
 * statement before it (ingest asks four times per entry). */
#define STORE_CACHE_BITS 9
#define STORE_CACHE (1u << STORE_CACHE_BITS)
#define STORE_CACHE_MAX (STORE_CACHE / 2)
#define DASH_STMTS 48

/* The tables whose rows hub_store_defer collects (hub_store.rows). */
enum {
  ROWS_ENTRIES,
  ROWS_VERSIONS,
  ROWS_STATUS,
  ROWS_REPORTS,
  ROWS_REPORTS_NEW,
  ROWS_FILINGS,
  ROWS_N
};

struct hub_store {
  sqlite3 *db;
  /* Prepared statements keyed by the address of their SQL text (each a
   * string literal in this file): ingest runs the same few per entry. */
  struct {
    const char *sql;
    sqlite3_stmt *stmt;
  } cache[STORE_CACHE];
  size_t cached; /* slots of cache in use */
  /* The dashboard's queries (dash_queries), prepared once: parsing their SQL
   * cost a tenth of a fresh answer.  busy while a walk reads one (a walk
   * that asks the same query again gets a statement of its own). */
  sqlite3_stmt *dash[DASH_STMTS];
  unsigned char dash_busy[DASH_STMTS];
  /* The (community key, year) whose report_dirty mark this transaction wrote
   * last (hub_store_report_put): the next report of the same year skips its
   * mark.  Forgotten at every begin, commit and rollback, so that a mark
   * rolled back or packed by another process is never taken as written. */
  int dirty_memo;
  uint8_t dirty_author[PROTO_KEY_BYTES];
  char dirty_year[4];
  /* sqlite3_total_changes64 at hub_store_begin: the commit changes the data
   * generation (data_gen) when the transaction changed a row. */
  sqlite3_int64 changes_at_begin;
  /* The open transaction changed a table the year's reads depend on
   * (year_watch): its commit changes the year generation too.  Kept through
   * a savepoint's rollback (one generation too many is harmless). */
  int year_touched;
  /* The same for what the dashboard loads of the organisations and
   * communities (SQL_DASH_ORGS, HUB_DQ_UNITS without the receipt times):
   * its commit changes the base generation. */
  int base_touched;
  /* ... and the year's entries, their refusals or the keys (marks_gen) */
  int marks_touched;
  /* the data generation of the transaction that packs reports again
   * (hub_store_report_years_refresh: report_years.gen) */
  int64_t pack_gen;
  /* While a push's entries are stored and projected (hub_store_defer), the
   * per-entry rows of entries, report_versions, record_status, reports and
   * filing_versions are collected and written a statement per table instead
   * of one per row (hub/rows.h).  Every other statement of this file writes
   * them first (st_flush), so nothing reads those tables without them; a
   * rollback discards them. */
  int defer;
  hub_rows *rows[ROWS_N];
  /* Writing collected rows failed, some of them may be written: every
   * statement fails until the rollback (of the push's savepoint or the
   * transaction) that undoes them, so that no commit keeps part of them. */
  int rows_failed;
  /* Collected rows of ROWS_REPORTS_NEW found their month's row there
   * already (hub_store_defer_short). */
  int rows_short;
  /* What this transaction read of key memo_key, so that a first push's
   * filings ask it once, not once each: memo_lone, no other key is in its
   * community (key_lone); memo_no_roster, it has no roster entry either
   * (SQL_ROSTER_NONE).  Forgotten when a key is recorded as replacing
   * another, memo_no_roster when a roster entry is stored, both when a
   * transaction starts (another process may have written between two);
   * used only inside one. */
  uint8_t memo_key[PROTO_KEY_BYTES];
  int memo_lone;
  int memo_no_roster;
  /* The organisations and sequences of the filing versions collected since
   * the collected rows were last written (fv_n -1: more than fit, or an id
   * longer than any the domain core lets through), whose record status rows
   * are among them too. */
  struct {
    char id[CM_REC_PREFIX_MAX + 16];
    uint64_t seq;
  } fv[64];
  int fv_n;
};

int hub_store_schema_version(void) {
  return (int)(sizeof store_migrations / sizeof store_migrations[0]);
}

/* Bodies of this many bytes or more are stored deflated (entries.raw_len). */
#define STORE_DEFLATE_MIN 1024

/* SQL function hub_body(body, raw_len): an entry's body as its author signed
 * it, as TEXT of its exact bytes (a deflated one inflated).  An error for a
 * stored body that does not inflate to raw_len bytes (the database is
 * damaged). */
static void sql_hub_body(sqlite3_context *c, int argc, sqlite3_value **v) {
  (void)argc;
  const void *b = sqlite3_value_blob(v[0]);
  int n = sqlite3_value_bytes(v[0]);
  sqlite3_int64 raw = sqlite3_value_int64(v[1]);
  if (raw <= 0) {
    sqlite3_result_text64(c, b ? (const char *)b : "", (sqlite3_uint64)n, SQLITE_TRANSIENT,
                          SQLITE_UTF8);
    return;
  }
  if (raw > (sqlite3_int64)PROTO_BODY_MAX || !b) {
    sqlite3_result_error(c, "hub_body: a stored body is damaged", -1);
    return;
  }
  unsigned char *out = sqlite3_malloc64((sqlite3_uint64)raw);
  uLongf got = (uLongf)raw;
  if (!out) {
    sqlite3_result_error_nomem(c);
    return;
  }
  if (uncompress(out, &got, b, (uLong)n) != Z_OK || got != (uLongf)raw) {
    sqlite3_free(out);
    sqlite3_result_error(c, "hub_body: a stored body is damaged", -1);
    return;
  }
  sqlite3_result_text64(c, (const char *)out, (sqlite3_uint64)got, sqlite3_free, SQLITE_UTF8);
}

/* SQL function hub_may_name(body, raw_len, text): 0 when the entry's body
 * cannot hold a JSON string equal to text: it has no backslash (so every
 * string in it is written as its own bytes) and text's bytes are not in it.
 * 1 otherwise (a deflated body is not looked into).  Put before a condition
 * on body->>'org' or ->>'id', it spares the JSON parse of every other
 * organisation's entry (an organisation's page read all its community's). */
static void sql_hub_may_name(sqlite3_context *c, int argc, sqlite3_value **v) {
  (void)argc;
  const void *b = sqlite3_value_blob(v[0]);
  size_t n = (size_t)sqlite3_value_bytes(v[0]);
  const void *t = sqlite3_value_text(v[2]);
  size_t tn = (size_t)sqlite3_value_bytes(v[2]);
  int may = sqlite3_value_int64(v[1]) != 0 || !t || memchr(b ? b : "", '\\', n) != NULL ||
            (b && memmem(b, n, t, tn) != NULL) || tn == 0;
  sqlite3_result_int(c, may);
}

static cm_rc year_entries_fill(hub_store *st, cm_err *err);

/* 1 when column i of the row being updated differs before and after. */
static int col_changed(sqlite3 *db, int i) {
  sqlite3_value *a = NULL, *b = NULL;
  if (sqlite3_preupdate_old(db, i, &a) != SQLITE_OK || sqlite3_preupdate_new(db, i, &b) != SQLITE_OK)
    return 1;
  int t = sqlite3_value_type(a);
  if (t != sqlite3_value_type(b)) return 1;
  if (t == SQLITE_NULL) return 0;
  if (t == SQLITE_INTEGER) return sqlite3_value_int64(a) != sqlite3_value_int64(b);
  int n = sqlite3_value_bytes(a);
  const void *pa = t == SQLITE_TEXT ? (const void *)sqlite3_value_text(a) : sqlite3_value_blob(a);
  const void *pb = t == SQLITE_TEXT ? (const void *)sqlite3_value_text(b) : sqlite3_value_blob(b);
  return n != sqlite3_value_bytes(b) || (n && memcmp(pa, pb, (size_t)n) != 0);
}

/* The columns of authors a push rewrites (its head, its clock): what the
 * year's reads never look at.  Any other column changed is a change of the
 * registry they read (names, roles, lineage, enrolment). */
enum { AUTHOR_HEAD_SEQ = 9, AUTHOR_CLOCK_FLAG = 12 };

/* Preupdate hook: marks the transaction when it changes what the year's
 * reads (hub/year.c, HUB_DQ_YEAR_*) depend on: the organisations, the
 * communities and the registry of keys, the year's entries and their
 * refusals, decisions with their closures and withdrawals, this hub's role,
 * and an entry dropped (a fork resolved).  An entry added is read only
 * through those tables, which its projection writes in the same transaction.
 * And (base_touched) when it changes what the dashboard loads of each
 * organisation and community: the organisations, their mapped codes and
 * party stations, the communities, the registry of keys, a record's status
 * changed (a station's registration accepted: a new record's status comes
 * with its row in the same transaction) and an entry dropped.  And
 * (marks_touched) when it changes the year's entries, their refusals, the
 * registry of keys, or drops an entry. */
static void year_watch(void *arg, sqlite3 *db, int op, const char *zdb, const char *tab,
                       sqlite3_int64 k1, sqlite3_int64 k2) {
  hub_store *st = arg;
  (void)zdb;
  (void)k1;
  (void)k2;
  if ((st->year_touched && st->base_touched && st->marks_touched) || !tab) return;
  int year = 0, base = 0, marks = 0;
  switch (tab[0]) {
  case 'o':
    if (!strcmp(tab, "organisations"))
      year = base = 1;
    else if (!strcmp(tab, "org_mapped"))
      base = 1;
    break;
  case 'y': year = marks = !strcmp(tab, "year_entries"); break;
  case 'r':
    if (!strcmp(tab, "refusals"))
      year = marks = 1;
    else if (op != SQLITE_INSERT && !strcmp(tab, "record_status"))
      base = 1;
    break;
  case 's': base = !strcmp(tab, "stations"); break;
  case 'd': year = !strcmp(tab, "decisions"); break;
  case 'w': year = !strcmp(tab, "withdrawals"); break;
  case 'e': year = base = marks = op == SQLITE_DELETE && !strcmp(tab, "entries"); break;
  case 'c':
    if (!strcmp(tab, "communities")) {
      year = base = 1;
    } else if (!strcmp(tab, "closures")) {
      year = 1;
    } else if (!strcmp(tab, "config")) {
      /* the role (year_holders); the rest is settings the reads do not use */
      sqlite3_value *k = NULL;
      int r = op == SQLITE_INSERT ? sqlite3_preupdate_new(db, 0, &k) : sqlite3_preupdate_old(db, 0, &k);
      const unsigned char *key = r == SQLITE_OK ? sqlite3_value_text(k) : NULL;
      year = !key || !strcmp((const char *)key, "role");
    }
    break;
  case 'a':
    if (!strcmp(tab, "authors")) {
      if (op != SQLITE_UPDATE) {
        year = base = marks = 1;
      } else {
        int n = sqlite3_preupdate_count(db);
        for (int i = 0; i < n && !year; i++)
          if (i < AUTHOR_HEAD_SEQ || i > AUTHOR_CLOCK_FLAG) year = base = marks = col_changed(db, i);
      }
    }
    break;
  default: break;
  }
  if (year) st->year_touched = 1;
  if (base) st->base_touched = 1;
  if (marks) st->marks_touched = 1;
}

cm_rc hub_store_open(const char *path, hub_store **st_out, cm_err *err) {
  hub_store *st = NULL;
  cm_rc rc = CM_OK;

  *st_out = NULL;
  st = calloc(1, sizeof *st);
  if (!st) return cm_errf(err, CM_ERR_NOMEM, "打开 %s 时内存不足", path);
  /* 16 KiB pages for a new hub: ingest writes about 1 KB per entry over
   * several tables and every page is a log frame (two system calls) at
   * commit; 16 KiB ingests about 10% faster than 8 KiB and 25% faster than
   * SQLite's 4 KiB here (docs/benchmarks.md; measured again in decision
   * 0052).  No SQLite mutex: a store is used by one thread at a time, the
   * hub's under hub_ctx.lock (the cache of prepared statements below needs
   * that anyway), so SQLite's own lock per call was pure cost. */
  rc = cm_db_open_serialised(path, 16384, store_migrations,
                  (int)(sizeof store_migrations / sizeof store_migrations[0]), &st->db, err);
  if (rc) goto out;
  /* The one foreign key of the hub's tables (an entry's changeset) is not
   * enforced: an immediate one makes SQLite copy, to a statement journal,
   * every page a statement of many entries changes (over a tenth of a
   * push's work), and it is kept by construction instead: the store writes
   * an entry only with the changeset it has just written (ingest, a fork's
   * resolution, the hub's own log), and never deletes a changeset. */
  rc = cm_db_exec(st->db, "PRAGMA foreign_keys=OFF", err);
  if (rc) goto out;
  /* A push of a few thousand entries dirties over a thousand pages: with
   * SQLite's default cache (2 MB) they spill to the log mid-transaction and
   * are written twice. */
  rc = hub_store_rebuild_cache(st, 0, err);
  if (rc) goto out;
  rc = cm_db_check(st->db,
                   sqlite3_create_function_v2(st->db, "hub_body", 2,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                                  SQLITE_INNOCUOUS,
                                              NULL, sql_hub_body, NULL, NULL, NULL),
                   "注册数据库函数", err);
  if (!rc)
    rc = cm_db_check(st->db,
                     sqlite3_create_function_v2(st->db, "hub_may_name", 3,
                                                SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                                    SQLITE_INNOCUOUS,
                                                NULL, sql_hub_may_name, NULL, NULL, NULL),
                     "注册数据库函数", err);
  if (!rc) sqlite3_preupdate_hook(st->db, year_watch, st);
  if (!rc) rc = year_entries_fill(st, err);
  if (rc) goto out;
  *st_out = st;
  st = NULL;
out:
  free(st);
  return rc;
}

void hub_store_close(hub_store *st) {
  if (!st) return;
  for (size_t i = 0; i < STORE_CACHE; i++) sqlite3_finalize(st->cache[i].stmt);
  for (size_t i = 0; i < DASH_STMTS; i++) sqlite3_finalize(st->dash[i]);
  for (size_t i = 0; i < sizeof st->rows / sizeof st->rows[0]; i++)
    hub_rows_free(st->rows[i]);
  cm_db_close(st->db);
  free(st);
}

static cm_rc key_lone(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], int *lone_out,
                      cm_err *err);

static void st_discard(hub_store *st);

/* What each table's rows are, for errors (ROWS_*). */
static const char *const rows_what[ROWS_N] = {"保存记录", "保存月报版本", "写入记录状态",
                                              "保存月报", "保存月报", "保存备案版本"};

/* Write the rows collected while deferring (hub_store_defer), so that the
 * statement about to run sees them. */
static cm_rc st_flush(hub_store *st, cm_err *err) {
  cm_rc rc = CM_OK;
  if (st->rows_failed)
    return cm_errf(err, CM_ERR_DB, "前面的记录未能保存，本次上报不予保存，请重新同步");
  for (size_t i = 0; i < sizeof st->rows / sizeof st->rows[0]; i++) {
    if (!st->rows[i]) continue;
    size_t given = hub_rows_count(st->rows[i]);
    int64_t changed = 0;
    if (!given) continue;
    int r = hub_rows_flush(st->rows[i], &changed);
    if (r == SQLITE_OK && i == ROWS_REPORTS_NEW && changed < (int64_t)given) st->rows_short = 1;
    if (r != SQLITE_OK) {
      rc = cm_db_check(st->db, r, rows_what[i], err);
      st_discard(st);
      st->rows_failed = 1;
      break;
    }
  }
  if (!rc) st->fv_n = 0;
  return rc;
}

/* Rows, or bytes of their values, collected for one table before all are
 * written, whatever comes: a long run of monthly reports (a `rebuild`), or
 * of large bodies, is not held in memory whole. */
#define ROWS_FLUSH 256
#define ROWS_FLUSH_BYTES ((size_t)1 << 20)

/* A row was added to r: write them all when r is full. */
static cm_rc st_rows_added(hub_store *st, const hub_rows *r, cm_err *err) {
  return hub_rows_count(r) >= ROWS_FLUSH || hub_rows_bytes(r) >= ROWS_FLUSH_BYTES
             ? st_flush(st, err)
             : CM_OK;
}

static void st_discard(hub_store *st) {
  for (size_t i = 0; i < sizeof st->rows / sizeof st->rows[0]; i++)
    if (st->rows[i]) hub_rows_discard(st->rows[i]);
  st->rows_failed = 0;
  st->rows_short = 0;
  st->fv_n = 0;
}

/* sqlite3_prepare_v2 on the store's connection, after st_flush. */
static int st_prepare(hub_store *st, const char *sql, int bytes, sqlite3_stmt **out,
                      const char **tail) {
  *out = NULL;
  if (st_flush(st, NULL)) return sqlite3_errcode(st->db) ? sqlite3_errcode(st->db) : SQLITE_ERROR;
  return sqlite3_prepare_v2(st->db, sql, bytes, out, tail);
}

/* cm_db_exec on the store's connection, after st_flush. */
static cm_rc st_exec(hub_store *st, const char *sql, cm_err *err) {
  cm_rc rc = st_flush(st, err);
  return rc ? rc : cm_db_exec(st->db, sql, err);
}

static cm_rc st_prep_beside(hub_store *st, const char *sql, sqlite3_stmt **out, cm_err *err);

/* A cached statement for sql, reset and with its bindings cleared, after
 * st_flush. */
static cm_rc st_prep(hub_store *st, const char *sql, sqlite3_stmt **out, cm_err *err) {
  cm_rc rc = st_flush(st, err);
  return rc ? rc : st_prep_beside(st, sql, out, err);
}

/* st_prep without st_flush, for a statement that reads none of the tables
 * whose rows hub_store_defer collects (the lookups a monthly report's
 * projection makes between them). */
static cm_rc st_prep_beside(hub_store *st, const char *sql, sqlite3_stmt **out, cm_err *err) {
  /* the address's low bits are alignment; Fibonacci hashing spreads the rest */
  size_t i = (size_t)(((uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15)) >>
                      (64 - STORE_CACHE_BITS));
  for (; st->cache[i].sql; i = (i + 1) % STORE_CACHE) {
    if (st->cache[i].sql == sql) {
      sqlite3_reset(st->cache[i].stmt);
      sqlite3_clear_bindings(st->cache[i].stmt);
      *out = st->cache[i].stmt;
      return CM_OK;
    }
  }
  /* A full cache cannot happen with the statements of this file; if it did,
   * the statement would leak, so refuse instead. */
  if (st->cached >= STORE_CACHE_MAX) return cm_errf(err, CM_ERR_DB, "语句缓存已满");
  sqlite3_stmt *s = NULL;
  int r = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
  if (r != SQLITE_OK) return cm_db_check(st->db, r, "准备数据库语句", err);
  st->cache[i].sql = sql;
  st->cache[i].stmt = s;
  st->cached++;
  *out = s;
  return CM_OK;
}

/* Step a statement that returns no rows. */
static cm_rc st_done(hub_store *st, sqlite3_stmt *s, const char *what, cm_err *err) {
  int r = sqlite3_step(s);
  cm_rc rc = r == SQLITE_DONE ? CM_OK : cm_db_check(st->db, r, what, err);
  if (r == SQLITE_ROW) rc = cm_errf(err, CM_ERR_DB, "%s：多出一行", what);
  sqlite3_reset(s);
  return rc;
}

static void bind_key(sqlite3_stmt *s, int i, const uint8_t *k) {
  if (k)
    sqlite3_bind_blob(s, i, k, PROTO_KEY_BYTES, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, i);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t) {
  sqlite3_bind_text(s, i, t ? t : "", -1, SQLITE_STATIC);
}

static void bind_u64(sqlite3_stmt *s, int i, uint64_t v) {
  sqlite3_bind_int64(s, i, (sqlite3_int64)v);
}

/* Copy a text column into a bounded buffer (truncating). */
static void col_text(sqlite3_stmt *s, int i, char *out, size_t cap) {
  const unsigned char *t = sqlite3_column_text(s, i);
  snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* Copy a 32-byte blob column; 1 when it had exactly 32 bytes. */
static int col_32(sqlite3_stmt *s, int i, uint8_t out[32]) {
  const void *b = sqlite3_column_blob(s, i);
  if (!b || sqlite3_column_bytes(s, i) != 32) {
    memset(out, 0, 32);
    return 0;
  }
  memcpy(out, b, 32);
  return 1;
}

static uint64_t col_u64(sqlite3_stmt *s, int i) {
  return (uint64_t)sqlite3_column_int64(s, i);
}

static void hex32(const uint8_t *k, char out[PROTO_KEY_HEX]) {
  cm_hex_encode(k, 32, out);
}

cm_rc hub_store_begin(hub_store *st, cm_err *err) {
  st->dirty_memo = 0;
  st->memo_lone = st->memo_no_roster = 0;
  st->year_touched = st->base_touched = st->marks_touched = 0;
  st->changes_at_begin = sqlite3_total_changes64(st->db);
  return st_exec(st, "BEGIN IMMEDIATE", err);
}

static const char SQL_DATA_GEN_BUMP[] =
    "UPDATE data_gen SET gen = gen + 1, year_gen = year_gen + ?1, base_gen = base_gen + ?2,"
    " marks_gen = marks_gen + ?3";

static const char SQL_DATA_GEN[] = "SELECT gen FROM data_gen WHERE id = 1";

static cm_rc rv_i64(hub_store *st, const char *sql, const char *what, int64_t none,
                    int64_t *out, cm_err *err, const char *types, ...);

cm_rc hub_store_data_gen(hub_store *st, int64_t *gen_out, cm_err *err) {
  return rv_i64(st, SQL_DATA_GEN, "读取数据版本", -1, gen_out, err, "");
}

cm_rc hub_store_year_gen(hub_store *st, int64_t *gen_out, cm_err *err) {
  static const char sql[] = "SELECT year_gen FROM data_gen WHERE id = 1";
  return rv_i64(st, sql, "读取数据版本", -1, gen_out, err, "");
}

cm_rc hub_store_marks_gen(hub_store *st, int64_t *gen_out, cm_err *err) {
  static const char sql[] = "SELECT marks_gen FROM data_gen WHERE id = 1";
  return rv_i64(st, sql, "读取数据版本", -1, gen_out, err, "");
}

cm_rc hub_store_base_gen(hub_store *st, int64_t *gen_out, cm_err *err) {
  static const char sql[] = "SELECT base_gen FROM data_gen WHERE id = 1";
  return rv_i64(st, sql, "读取数据版本", -1, gen_out, err, "");
}

cm_rc hub_store_commit_gen(hub_store *st, int64_t *gen_out, cm_err *err) {
  st->dirty_memo = 0;
  cm_rc rc = st_flush(st, err);
  if (gen_out) *gen_out = -1;
  /* In the transaction itself, so that no change is ever durable without a
   * new generation (kept dashboard answers: hub/answers.c). */
  if (!rc && sqlite3_total_changes64(st->db) != st->changes_at_begin) {
    sqlite3_stmt *s = NULL;
    rc = st_prep(st, SQL_DATA_GEN_BUMP, &s, err);
    if (!rc) {
      sqlite3_bind_int(s, 1, st->year_touched != 0);
      sqlite3_bind_int(s, 2, st->base_touched != 0);
      sqlite3_bind_int(s, 3, st->marks_touched != 0);
      rc = st_done(st, s, "更新数据版本", err);
    }
  }
  st->year_touched = st->base_touched = st->marks_touched = 0;
  /* read before COMMIT: the generation this transaction leaves, whoever
   * commits next */
  if (!rc && gen_out) rc = hub_store_data_gen(st, gen_out, err);
  if (!rc) rc = st_exec(st, "COMMIT", err);
  if (rc) {
    hub_store_rollback(st);
    if (gen_out) *gen_out = -1;
  }
  return rc;
}

cm_rc hub_store_commit(hub_store *st, cm_err *err) {
  return hub_store_commit_gen(st, NULL, err);
}

/* One push inside a group's transaction (hub/ingest.c): its changes are
 * released into the transaction or rolled back alone. */
cm_rc hub_store_savepoint(hub_store *st, cm_err *err) {
  return st_exec(st, "SAVEPOINT push", err);
}

/* An upsert of a monthly report's row: a newer version replaces an older. */
#define SQL_REPORT_PUT_CONFLICT                                                                    \
  "ON CONFLICT(month, author, org) DO UPDATE SET "                                                 \
  "seq = excluded.seq, activities = excluded.activities, "                                         \
  "participants = excluded.participants, party_participants = excluded.party_participants, "       \
  "good_deeds = excluded.good_deeds, time_ms = excluded.time_ms, "                                 \
  "received_ms = excluded.received_ms, status = excluded.status "                                  \
  "WHERE excluded.seq > reports.seq"

/* The statement each table's rows are written with (ROWS_*).  A statement
 * of many rows that may abort halfway copies every page it changes to a
 * statement journal first, to undo itself alone: so OR FAIL, never OR
 * REPLACE (a NOT NULL column without a default aborts), and an upsert's DO
 * UPDATE (which aborts) only where a row may already be there.  A failure of
 * collected rows fails the push, and what it wrote is undone with it: by its
 * savepoint, or by the group's rollback (hub/ingest.c); until then the store
 * refuses every statement (rows_failed). */
static const struct {
  const char *head, *tail;
  int cols;
} rows_shape[] = {
    [ROWS_ENTRIES] = {"INSERT OR FAIL INTO entries(author, seq, prev, hash, time_ms,"
                      " received_ms, kind, body, sig, changeset, to_key, raw_len) VALUES",
                      "", 12},
    /* An entry is projected once (ingest, or a rebuild over emptied
     * tables), so its version and its status are new rows: a plain insert,
     * which unlike an upsert's DO UPDATE needs no statement journal. */
    [ROWS_VERSIONS] = {"INSERT OR FAIL INTO report_versions(author, seq, org, month,"
                       " activities, participants, party_participants, flagged) VALUES",
                       "", 8},
    [ROWS_STATUS] = {"INSERT OR FAIL INTO record_status(author, seq, status) VALUES", "", 3},
    /* a month's newest version: a new month's row needs no statement
     * journal; a correction's then replaces its month's (hub_rows_again) */
    [ROWS_REPORTS] = {"INSERT OR FAIL INTO reports(author, org, month, seq, activities,"
                      " participants, party_participants, good_deeds, time_ms, received_ms,"
                      " status) VALUES",
                      "ON CONFLICT(month, author, org) DO NOTHING", 11},
    /* a month the author has no row of yet; else nothing */
    [ROWS_REPORTS_NEW] = {"INSERT OR FAIL INTO reports(author, org, month, seq, activities,"
                          " participants, party_participants, good_deeds, time_ms,"
                          " received_ms, status) VALUES",
                          "ON CONFLICT(month, author, org) DO NOTHING", 11},
    [ROWS_FILINGS] = {"INSERT OR FAIL INTO filing_versions(author, seq, id) VALUES", "", 3},
};

/* Table i's rows, made when first needed; NULL when out of memory. */
static hub_rows *st_rows(hub_store *st, int i) {
  if (!st->rows[i]) {
    st->rows[i] = hub_rows_new(st->db, rows_shape[i].head, rows_shape[i].cols, rows_shape[i].tail);
    if (st->rows[i] && i == ROWS_REPORTS) hub_rows_again(st->rows[i], SQL_REPORT_PUT_CONFLICT);
  }
  return st->rows[i];
}

/* A row was added to table i's rows (x: hub_rows' result of adding its
 * values).  While deferring, it waits for the rest (st_rows_added); else it
 * is written now, alone (*changed_out, when not NULL: 1 when it inserted or
 * changed a row). */
static cm_rc st_row_end(hub_store *st, int i, int x, int64_t *changed_out, cm_err *err) {
  hub_rows *r = st->rows[i];
  if (changed_out) *changed_out = 0;
  if (x) {
    if (r) hub_rows_discard(r);
    return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法%s", rows_what[i]);
  }
  if (st->defer) return st_rows_added(st, r, err);
  cm_rc rc = st_flush(st, err);
  if (rc) {
    hub_rows_discard(r);
    return rc;
  }
  /* one row: it fails before it changes anything, so nothing to poison */
  x = hub_rows_flush(r, changed_out);
  return x == SQLITE_OK ? CM_OK : cm_db_check(st->db, x, rows_what[i], err);
}

int hub_store_defer_short(hub_store *st) {
  int s = st->rows_short;
  st->rows_short = 0;
  return s;
}

cm_rc hub_store_defer(hub_store *st, int on, cm_err *err) {
  st->defer = on;
  return on ? CM_OK : st_flush(st, err);
}

cm_rc hub_store_savepoint_release(hub_store *st, cm_err *err) {
  return st_exec(st, "RELEASE push", err);
}

void hub_store_savepoint_rollback(hub_store *st) {
  st->dirty_memo = 0;
  st_discard(st);
  sqlite3_exec(st->db, "ROLLBACK TO push; RELEASE push", NULL, NULL, NULL);
}

void hub_store_rollback(hub_store *st) {
  st->dirty_memo = 0;
  st->year_touched = st->base_touched = st->marks_touched = 0;
  st_discard(st);
  if (!sqlite3_get_autocommit(st->db)) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- configuration ---- */

static const char SQL_CONFIG_GET[] = "SELECT value FROM config WHERE key = ?1";
static const char SQL_CONFIG_SET[] =
    "INSERT INTO config(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

cm_rc hub_store_config_get(hub_store *st, const char *key, char *out, size_t cap, int *found_out,
                           cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CONFIG_GET, &s, err);
  *found_out = 0;
  if (cap) out[0] = '\0';
  if (rc) return rc;
  bind_text(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    col_text(s, 0, out, cap);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取配置", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_config_set(hub_store *st, const char *key, const char *value, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CONFIG_SET, &s, err);
  if (rc) return rc;
  bind_text(s, 1, key);
  bind_text(s, 2, value);
  return st_done(st, s, "写入配置", err);
}

/* ---- authors ---- */

static const char SQL_AUTHOR_GET[] =
    "SELECT name, code, role, street, enrolled_by, revoked, quarantined, head_seq, head_hash, "
    "replaces FROM authors WHERE key = ?1";
static const char SQL_AUTHOR_ENROLL[] =
    "INSERT INTO authors(key, name, code, role, street, enrolled_by, enrolled_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(key) DO UPDATE SET "
    "name = excluded.name, code = excluded.code, role = excluded.role, "
    "street = excluded.street, enrolled_by = excluded.enrolled_by";
static const char SQL_AUTHOR_HEAD[] =
    "UPDATE authors SET head_seq = ?2, head_hash = ?3 WHERE key = ?1";
static const char SQL_AUTHOR_QUARANTINE[] = "UPDATE authors SET quarantined = 1 WHERE key = ?1";
static const char SQL_AUTHOR_CLOCK[] =
    "UPDATE authors SET skew_ms = ?2, clock_flag = ?3 WHERE key = ?1";

cm_rc hub_store_author_get(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], hub_author *a_out,
                           int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep_beside(st, SQL_AUTHOR_GET, &s, err); /* authors only */
  *found_out = 0;
  memset(a_out, 0, sizeof *a_out);
  if (rc) return rc;
  bind_key(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    memcpy(a_out->key, key, PROTO_KEY_BYTES);
    col_text(s, 0, a_out->name, sizeof a_out->name);
    col_text(s, 1, a_out->code, sizeof a_out->code);
    col_text(s, 2, a_out->role, sizeof a_out->role);
    col_text(s, 3, a_out->street, sizeof a_out->street);
    a_out->has_enrolled_by = col_32(s, 4, a_out->enrolled_by);
    a_out->revoked = sqlite3_column_int(s, 5);
    a_out->quarantined = sqlite3_column_int(s, 6);
    a_out->head_seq = col_u64(s, 7);
    col_32(s, 8, a_out->head_hash);
    a_out->has_replaces = col_32(s, 9, a_out->replaces);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取台账", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_author_enroll(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const char *role, const char *street,
                              const uint8_t *enrolled_by, uint64_t time_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_ENROLL, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, code);
  bind_text(s, 4, role);
  bind_text(s, 5, street);
  bind_key(s, 6, enrolled_by);
  bind_u64(s, 7, time_ms);
  return st_done(st, s, "登记公钥", err);
}

cm_rc hub_store_author_set_head(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], uint64_t seq,
                                const uint8_t hash[PROTO_HASH_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_HEAD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_u64(s, 2, seq);
  sqlite3_bind_blob(s, 3, hash, PROTO_HASH_BYTES, SQLITE_STATIC);
  rc = st_done(st, s, "更新末条", err);
  if (!rc && sqlite3_changes(st->db) != 1)
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "更新台账末条：没有这个作者");
  return rc;
}

cm_rc hub_store_author_quarantine(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_QUARANTINE, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  return st_done(st, s, "隔离台账", err);
}

cm_rc hub_store_author_clock(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], int64_t skew_ms,
                             int flagged, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_AUTHOR_CLOCK, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  sqlite3_bind_int64(s, 2, skew_ms);
  sqlite3_bind_int(s, 3, flagged ? 1 : 0);
  return st_done(st, s, "记录时钟偏差", err);
}

/* ---- changesets and entries ---- */

static const char SQL_CS_ADD[] =
    "INSERT INTO changesets(author, first_seq, last_seq, bytes, received_ms, via) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_CS_BYTES[] = "SELECT bytes FROM changesets WHERE id = ?1";
static const char SQL_ENTRY_HASH[] = "SELECT hash FROM entries WHERE author = ?1 AND seq = ?2";
static const char SQL_ENTRY_CS[] = "SELECT changeset FROM entries WHERE author = ?1 AND seq = ?2";

cm_rc hub_store_changeset_last(hub_store *st, int64_t *id_out, cm_err *err) {
  static const char sql[] = "SELECT coalesce(max(id), 0) FROM changesets";
  return rv_i64(st, sql, "读取批次", 0, id_out, err, "");
}

cm_rc hub_store_batches_between(hub_store *st, int64_t lo, int64_t hi, int64_t *n_out,
                                cm_err *err) {
  static const char sql[] =
      "SELECT count(*) FROM changesets c JOIN authors a ON a.key = c.author"
      " WHERE c.id > ?1 AND c.id < ?2 AND a.role = 'community'";
  return rv_i64(st, sql, "读取批次", 0, n_out, err, "ii", lo, hi);
}

cm_rc hub_store_changeset_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              uint64_t first_seq, uint64_t last_seq, const uint8_t *bytes,
                              size_t len, uint64_t received_ms, const char *via, int64_t *id_out,
                              cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CS_ADD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, first_seq);
  bind_u64(s, 3, last_seq);
  sqlite3_bind_blob64(s, 4, bytes, (sqlite3_uint64)len, SQLITE_STATIC);
  bind_u64(s, 5, received_ms);
  bind_text(s, 6, via);
  rc = st_done(st, s, "保存批次", err);
  if (!rc) *id_out = (int64_t)sqlite3_last_insert_rowid(st->db);
  return rc;
}

cm_rc hub_store_changeset_bytes(hub_store *st, int64_t id, uint8_t **out, size_t *len_out,
                                cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CS_BYTES, &s, err);
  *out = NULL;
  *len_out = 0;
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    const void *b = sqlite3_column_blob(s, 0);
    *out = malloc(n ? n : 1);
    if (!*out) {
      rc = cm_errf(err, CM_ERR_NOMEM, "读取上报包时内存不足");
    } else {
      if (n) memcpy(*out, b, n);
      *len_out = n;
    }
  } else if (r == SQLITE_DONE) {
    rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有第 %lld 个上报包", (long long)id);
  } else {
    rc = cm_db_check(st->db, r, "读取批次", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_entry_add(hub_store *st, const proto_entry *e, const uint8_t hash[PROTO_HASH_BYTES],
                          uint64_t received_ms, int64_t cs_id, const uint8_t *to, cm_err *err) {
  /* A body of 1 KiB or more is kept deflated when that is smaller: a hub
   * grows by what a node's bodies compress to (hub_body() reads it back). */
  uint8_t *z = NULL;
  uLongf zlen = 0;
  size_t raw_len = 0;
  if (e->body_len >= STORE_DEFLATE_MIN && e->body_len <= PROTO_BODY_MAX) {
    zlen = compressBound((uLong)e->body_len);
    z = malloc(zlen);
    if (!z) return cm_errf(err, CM_ERR_NOMEM, "内存不足，无法保存记录");
    if (compress2(z, &zlen, e->body, (uLong)e->body_len, Z_DEFAULT_COMPRESSION) == Z_OK &&
        zlen < e->body_len)
      raw_len = e->body_len;
  }
  if (strcmp(e->kind, "roster.entry") == 0) st->memo_no_roster = 0;
  hub_rows *r = st_rows(st, ROWS_ENTRIES);
  int x = r ? hub_rows_blob(r, e->author, PROTO_KEY_BYTES) : SQLITE_NOMEM;
  if (!x) x = hub_rows_int(r, (int64_t)e->seq);
  if (!x) x = hub_rows_blob(r, e->prev, PROTO_HASH_BYTES);
  if (!x) x = hub_rows_blob(r, hash, PROTO_HASH_BYTES);
  if (!x) x = hub_rows_int(r, (int64_t)e->time_ms);
  if (!x) x = hub_rows_int(r, (int64_t)received_ms);
  if (!x) x = hub_rows_text(r, e->kind);
  if (x || !raw_len) {
    free(z);
    /* a zero-length body is still a blob, not NULL (the column is NOT NULL) */
    if (!x) x = hub_rows_blob(r, e->body, e->body_len);
  } else {
    x = hub_rows_blob_owned(r, z, zlen);
  }
  if (!x) x = e->has_sig ? hub_rows_blob(r, e->sig, PROTO_SIG_BYTES) : hub_rows_null(r);
  if (!x) x = hub_rows_int(r, cs_id);
  if (!x) x = to ? hub_rows_blob(r, to, PROTO_KEY_BYTES) : hub_rows_null(r);
  if (!x) x = hub_rows_int(r, (int64_t)raw_len);
  return st_row_end(st, ROWS_ENTRIES, x, NULL, err);
}

int hub_store_entry_hash(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         uint8_t hash_out[PROTO_HASH_BYTES]) {
  sqlite3_stmt *s = NULL;
  int found = 0;
  if (st_prep(st, SQL_ENTRY_HASH, &s, NULL)) return 0;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (sqlite3_step(s) == SQLITE_ROW) found = col_32(s, 0, hash_out);
  sqlite3_reset(s);
  return found;
}

cm_rc hub_store_entry_changeset(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                                int64_t *cs_id_out, int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ENTRY_CS, &s, err);
  *found_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    *cs_id_out = sqlite3_column_int64(s, 0);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "查找记录所在的批次", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* Run a query (its own, uncached statement, since the callback may use the
 * cached ones) whose rows are entries: author, seq, prev, hash, time_ms,
 * received_ms, kind, body, sig. */
static cm_rc entries_run(hub_store *st, sqlite3_stmt *s, hub_store_entry_fn fn, void *ctx,
                         cm_err *err) {
  cm_rc rc = CM_OK;
  int r;
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    proto_entry e;
    uint8_t hash[PROTO_HASH_BYTES];
    memset(&e, 0, sizeof e);
    col_32(s, 0, e.author);
    e.seq = col_u64(s, 1);
    col_32(s, 2, e.prev);
    col_32(s, 3, hash);
    e.time_ms = col_u64(s, 4);
    uint64_t received = col_u64(s, 5);
    col_text(s, 6, e.kind, sizeof e.kind);
    e.body = sqlite3_column_blob(s, 7);
    e.body_len = (size_t)sqlite3_column_bytes(s, 7);
    if (!e.body) e.body = (const uint8_t *)"";
    if (sqlite3_column_type(s, 8) == SQLITE_BLOB && sqlite3_column_bytes(s, 8) == PROTO_SIG_BYTES) {
      memcpy(e.sig, sqlite3_column_blob(s, 8), PROTO_SIG_BYTES);
      e.has_sig = 1;
    }
    rc = fn(ctx, &e, hash, received, err);
    if (rc) break;
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取记录", err);
  return rc;
}

cm_rc hub_store_entries_foreach(hub_store *st, hub_store_entry_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st,
                     "SELECT author, seq, prev, hash, time_ms, received_ms, kind, "
                     "hub_body(body, raw_len), sig FROM entries ORDER BY id",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取记录", err);
  if (!rc) rc = entries_run(st, s, fn, ctx, err);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_feed_foreach(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                             const uint8_t key[PROTO_KEY_BYTES], const uint8_t *street,
                             uint64_t after, size_t max, hub_store_entry_fn fn, void *ctx,
                             cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(
      st,
      "SELECT author, seq, prev, hash, time_ms, received_ms, kind, hub_body(body, raw_len), sig "
      "FROM entries "
      "WHERE author = ?1 AND seq > ?2 AND to_key IS NOT NULL AND (to_key = ?3 OR "
      /* a replacement key also reads what was addressed to the keys it continues */
      "to_key IN (" LINEAGE(
          "?3") "SELECT k FROM chain WHERE d > 0) OR "
                "to_key = zeroblob(32) OR "
                "(?4 IS NOT NULL AND to_key IN (SELECT key FROM authors WHERE role = 'community' "
                "AND enrolled_by = ?4))) ORDER BY seq LIMIT ?5",
      -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取记录", err);
  if (!rc) {
    bind_key(s, 1, author);
    bind_u64(s, 2, after);
    bind_key(s, 3, key);
    bind_key(s, 4, street);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)max);
    rc = entries_run(st, s, fn, ctx, err);
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_changesets_after(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                 uint64_t after, hub_store_cs_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  /* Entries point at the changeset that first brought them, so a changeset
   * that overlapped what was held is listed only for what it added. */
  int r = st_prepare(st,
                     "SELECT c.id, c.first_seq, c.last_seq, c.bytes FROM changesets c "
                     "WHERE c.id IN (SELECT changeset FROM entries WHERE author = ?1 AND seq > ?2) "
                     "ORDER BY c.id",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取批次", err);
  if (rc) goto out;
  bind_key(s, 1, author);
  bind_u64(s, 2, after);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    int stop = 0;
    const uint8_t *b = sqlite3_column_blob(s, 3);
    size_t n = (size_t)sqlite3_column_bytes(s, 3);
    rc = fn(ctx, sqlite3_column_int64(s, 0), col_u64(s, 1), col_u64(s, 2), b, n, &stop, err);
    if (rc || stop) break;
  }
  if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "读取批次", err);
out:
  sqlite3_finalize(s);
  return rc;
}

/* ---- fork evidence ---- */

static const char SQL_FORK_ADD[] =
    "INSERT INTO forks(author, seq, held, other, other_hash, time_ms, via) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";

cm_rc hub_store_fork_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                         const uint8_t *held, size_t held_len, const uint8_t *other,
                         size_t other_len, uint64_t time_ms, const char *via, cm_err *err) {
  sqlite3_stmt *s = NULL;
  uint8_t h[PROTO_HASH_BYTES];
  cm_rc rc = st_prep(st, SQL_FORK_ADD, &s, err);
  if (rc) return rc;
  proto_hash(other, other_len, h);
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (held)
    sqlite3_bind_blob64(s, 3, held, (sqlite3_uint64)held_len, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 3);
  sqlite3_bind_blob64(s, 4, other_len ? (const void *)other : (const void *)"",
                      (sqlite3_uint64)other_len, SQLITE_STATIC);
  sqlite3_bind_blob(s, 5, h, PROTO_HASH_BYTES, SQLITE_STATIC);
  bind_u64(s, 6, time_ms);
  bind_text(s, 7, via);
  return st_done(st, s, "保存分叉证据", err);
}

/* ---- enrolment requests ---- */

static const char SQL_REQ_FIND[] =
    "SELECT id FROM enroll_requests WHERE key = ?1 AND status = 'pending' ORDER BY id LIMIT 1";
static const char SQL_REQ_UPDATE[] =
    "UPDATE enroll_requests SET name = ?2, street = ?3, code = ?4, role = ?5, time_ms = ?6 "
    "WHERE id = ?1";
static const char SQL_REQ_INSERT[] =
    "INSERT INTO enroll_requests(key, name, street, code, role, time_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_REQ_GET[] =
    "SELECT key, name, street, code, role, time_ms, status FROM enroll_requests WHERE id = ?1";
static const char SQL_REQ_APPROVED[] =
    "UPDATE enroll_requests SET status = 'approved' WHERE key = ?1 AND status = 'pending'";

cm_rc hub_store_request_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                            const char *street, const char *code, const char *role,
                            uint64_t time_ms, int64_t *id_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int64_t id = 0;
  cm_rc rc = st_prep(st, SQL_REQ_FIND, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
  else if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取登记申请", err);
  sqlite3_reset(s);
  if (rc) return rc;
  rc = st_prep(st, id ? SQL_REQ_UPDATE : SQL_REQ_INSERT, &s, err);
  if (rc) return rc;
  if (id)
    sqlite3_bind_int64(s, 1, id);
  else
    bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, street);
  bind_text(s, 4, code);
  bind_text(s, 5, role);
  bind_u64(s, 6, time_ms);
  rc = st_done(st, s, "保存登记申请", err);
  if (!rc) *id_out = id ? id : (int64_t)sqlite3_last_insert_rowid(st->db);
  return rc;
}

cm_rc hub_store_request_get(hub_store *st, int64_t id, hub_request *r_out, int *found_out,
                            cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REQ_GET, &s, err);
  *found_out = 0;
  memset(r_out, 0, sizeof *r_out);
  if (rc) return rc;
  sqlite3_bind_int64(s, 1, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    r_out->id = id;
    col_32(s, 0, r_out->key);
    col_text(s, 1, r_out->name, sizeof r_out->name);
    col_text(s, 2, r_out->street, sizeof r_out->street);
    col_text(s, 3, r_out->code, sizeof r_out->code);
    col_text(s, 4, r_out->role, sizeof r_out->role);
    r_out->time_ms = col_u64(s, 5);
    col_text(s, 6, r_out->status, sizeof r_out->status);
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取登记申请", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_request_approved(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REQ_APPROVED, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  return st_done(st, s, "批准登记申请", err);
}

/* Append to arr, taking the reference; NOMEM if jansson failed. */
static cm_rc arr_add(json_t *arr, json_t *v, cm_err *err) {
  if (!v || json_array_append_new(arr, v))
    return cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
  return CM_OK;
}

/* Run a query with up to two key parameters and turn each row into an object
 * whose field names are the column names; 32-byte blobs become hex, and a
 * column named "key" also gets "fingerprint". */
static cm_rc rows_json(hub_store *st, const char *sql, const uint8_t *k1, json_t **out,
                       cm_err *err) {
  sqlite3_stmt *s = NULL;
  json_t *arr = json_array();
  int r = st_prepare(st, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取状态", err);
  *out = NULL;
  if (!arr) rc = cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
  if (rc) goto out;
  if (k1 && sqlite3_bind_parameter_count(s) >= 1) bind_key(s, 1, k1);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = json_object();
    if (!o) {
      rc = cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
      goto out;
    }
    for (int i = 0; i < sqlite3_column_count(s); i++) {
      const char *name = sqlite3_column_name(s, i);
      json_t *v = NULL;
      switch (sqlite3_column_type(s, i)) {
      case SQLITE_INTEGER:
        v = json_integer(sqlite3_column_int64(s, i));
        break;
      case SQLITE_TEXT:
        v = json_string((const char *)sqlite3_column_text(s, i));
        if (!v) v = json_string("");
        break;
      case SQLITE_BLOB:
        if (sqlite3_column_bytes(s, i) == 32) {
          char hex[PROTO_KEY_HEX];
          hex32(sqlite3_column_blob(s, i), hex);
          v = json_string(hex);
          if (strcmp(name, "key") == 0 || strcmp(name, "author") == 0) {
            char fp[PROTO_FINGERPRINT_LEN];
            proto_fingerprint(sqlite3_column_blob(s, i), fp);
            json_object_set_new(o, "fingerprint", json_string(fp));
          }
        } else {
          v = json_integer(sqlite3_column_bytes(s, i));
        }
        break;
      default:
        v = json_null();
        break;
      }
      if (!v || json_object_set_new(o, name, v)) {
        json_decref(o);
        rc = cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
        goto out;
      }
    }
    rc = arr_add(arr, o, err);
    if (rc) goto out;
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取状态", err);
out:
  sqlite3_finalize(s);
  if (rc)
    json_decref(arr);
  else
    *out = arr;
  return rc;
}

cm_rc hub_store_requests_json(hub_store *st, json_t **out, cm_err *err) {
  return rows_json(st,
                   "SELECT id, name, code, street, role, key, time_ms FROM enroll_requests "
                   "WHERE status = 'pending' ORDER BY id",
                   NULL, out, err);
}

/* ---- forwarding ---- */

static const char SQL_FWD_GET[] = "SELECT acked_seq FROM forward WHERE author = ?1";
static const char SQL_FWD_SET[] =
    "INSERT INTO forward(author, acked_seq, receipt, time_ms) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(author) DO UPDATE SET acked_seq = excluded.acked_seq, "
    "receipt = coalesce(excluded.receipt, forward.receipt), time_ms = excluded.time_ms";

cm_rc hub_store_forward_due(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err) {
  /* Our own log first: the district needs our hub.enrolled entries before
   * the community entries that depend on them. */
  return rows_json(st,
                   "SELECT a.key AS author, a.head_seq AS head_seq, "
                   "coalesce(f.acked_seq, 0) AS acked_seq FROM authors a "
                   "LEFT JOIN forward f ON f.author = a.key "
                   "WHERE a.head_seq > coalesce(f.acked_seq, 0) "
                   "ORDER BY (a.key = ?1) DESC, a.rowid",
                   self, out, err);
}

cm_rc hub_store_forward_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t *acked_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_FWD_GET, &s, err);
  *acked_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *acked_out = col_u64(s, 0);
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "读取转报进度", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_forward_set(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const uint8_t *receipt, size_t receipt_len, uint64_t time_ms,
                            cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_FWD_SET, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  if (receipt)
    sqlite3_bind_blob64(s, 3, receipt, (sqlite3_uint64)receipt_len, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 3);
  bind_u64(s, 4, time_ms);
  return st_done(st, s, "记录转报进度", err);
}

/* ---- the upstream's feed ---- */

static const char SQL_UPFEED_ADD[] =
    "INSERT INTO upstream_feed(cursor, bytes, time_ms) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(cursor) DO NOTHING";

cm_rc hub_store_upfeed_add(hub_store *st, uint64_t cursor, const uint8_t *bytes, size_t len,
                           uint64_t time_ms, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_UPFEED_ADD, &s, err);
  if (rc) return rc;
  bind_u64(s, 1, cursor);
  sqlite3_bind_blob64(s, 2, len ? (const void *)bytes : (const void *)"", (sqlite3_uint64)len,
                      SQLITE_STATIC);
  bind_u64(s, 3, time_ms);
  return st_done(st, s, "保存上级的记录", err);
}

/* ---- projection ---- */

static const char SQL_COMMUNITY_PUT[] =
    "INSERT INTO communities(key, name, code, street_key, street_name) "
    "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(key) DO UPDATE SET name = excluded.name, "
    "code = excluded.code, street_key = excluded.street_key, street_name = excluded.street_name";
static const char SQL_ORG_GET[] =
    "SELECT data, dissolved FROM organisations WHERE author = ?1 AND id = ?2";
/* SQL_ORG_STATUS_ONE's status of organisation ID of a key A whose lineage is
 * itself alone (key_lone): the same rule with chain = {A}, read through the
 * keys' indexes instead of the recursive walk and the temporary B-trees it
 * builds (a filing is half of a community's first push). */
#define SQL_REVOKED_LONE(A, ID)                                                                    \
  "EXISTS(SELECT 1 FROM decisions d WHERE d.kind = 'revoke' AND d.org = " ID                       \
  "  AND (d.to_key = " A " OR (d.to_key IS NULL AND EXISTS(SELECT 1 FROM authors x"                \
  "  WHERE x.key = " A " AND x.role = 'self'))))"
#define SQL_ORG_STATUS_LONE(A, ID)                                                                 \
  "CASE WHEN " SQL_REVOKED_LONE(A, ID) " THEN 'revoked'"                                           \
  " ELSE coalesce((SELECT s.status FROM filing_versions f"                                         \
  "  JOIN record_status s ON s.author = f.author AND s.seq = f.seq"                                \
  "  WHERE f.author = " A " AND f.id = " ID " AND s.status IN ('accepted', 'rejected')"            \
  "  ORDER BY f.seq DESC LIMIT 1), 'pending') END"
/* The same when its newest filing version is SEQ, of status S. */
#define SQL_ORG_STATUS_NEWEST(A, ID, S, SEQ)                                                       \
  "CASE WHEN " SQL_REVOKED_LONE(A, ID) " THEN 'revoked'"                                           \
  " WHEN " S " IN ('accepted', 'rejected') THEN " S                                                \
  " ELSE coalesce((SELECT s.status FROM filing_versions f"                                         \
  "  JOIN record_status s ON s.author = f.author AND s.seq = f.seq"                                \
  "  WHERE f.author = " A " AND f.id = " ID " AND f.seq < " SEQ                                    \
  "  AND s.status IN ('accepted', 'rejected') ORDER BY f.seq DESC LIMIT 1), 'pending') END"
/* An organisation's row with its filing's fields as columns, in one
 * statement (hub_store_org_put).  ?9: NULL when its key is not alone in its
 * community (the status is left to the caller); else its status is written
 * here as well, '' by the whole rule, or ?9 the status of its newest filing
 * version, ?3. */
static const char SQL_ORG_PUT[] =
    "INSERT INTO organisations(author, id, seq, data, members, party_members, dissolved, filed,"
    " status" ORG_FIELDS(ORG_FIELD_COL, "") ") "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, json_extract(?4, '$.filed'), ''),"
    " CASE WHEN ?9 IS NULL THEN 'pending' WHEN ?9 = '' THEN " SQL_ORG_STATUS_LONE("?1", "?2")
    " ELSE " SQL_ORG_STATUS_NEWEST("?1", "?2", "?9", "?3") " END"
    ORG_FIELDS(ORG_FIELD_BOUND, "?4") ") "
    "ON CONFLICT(author, id) DO UPDATE SET "
    "seq = excluded.seq, data = excluded.data, members = excluded.members, "
    "party_members = excluded.party_members, dissolved = excluded.dissolved, "
    "filed = excluded.filed, status = CASE WHEN ?9 IS NULL THEN status ELSE excluded.status END"
    ORG_FIELDS(ORG_FIELD_EXC, "");
static const char SQL_ORG_FACTS[] =
    "SELECT filed, members, party_members FROM organisations WHERE author = ?1 AND id = ?2";
static const char SQL_REFUSAL_PUT[] =
    "INSERT OR REPLACE INTO refusals(author, seq, reason) VALUES(?1, ?2, ?3)";
static const char SQL_DECISION_TO[] = "SELECT to_key FROM decisions WHERE record = ?1";
static const char SQL_ACTIVITY_PUT[] =
    "INSERT INTO activities(author, id, seq, org, date, expected) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(author, id) DO UPDATE SET "
    "seq = excluded.seq, org = excluded.org, date = excluded.date, "
    "expected = excluded.expected WHERE excluded.seq > activities.seq";

cm_rc hub_store_projection_clear(hub_store *st, cm_err *err) {
  st->dirty_memo = 0;
  /* With a preupdate hook SQLite deletes row by row instead of dropping each
   * table's pages at once: without it here, and the year marked changed. */
  st->year_touched = st->base_touched = st->marks_touched = 1;
  sqlite3_preupdate_hook(st->db, NULL, NULL);
  cm_rc rc =
      st_exec(st,
              "DELETE FROM communities; DELETE FROM organisations; DELETE FROM reports; "
              "DELETE FROM activities; DELETE FROM report_versions; "
              "DELETE FROM filing_versions; DELETE FROM reviews; DELETE FROM review_rejects; "
              "DELETE FROM decisions; DELETE FROM closures; DELETE FROM withdrawals; "
              "DELETE FROM activity_acks; DELETE FROM stations; DELETE FROM org_mapped; "
              "DELETE FROM refusals; DELETE FROM record_status; DELETE FROM year_entries; "
              "DELETE FROM report_years; DELETE FROM report_dirty;",
              err);
  sqlite3_preupdate_hook(st->db, year_watch, st);
  return rc;
}

cm_rc hub_store_community_put(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *name,
                              const char *code, const uint8_t street_key[PROTO_KEY_BYTES],
                              const char *street_name, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_COMMUNITY_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_text(s, 2, name);
  bind_text(s, 3, code);
  bind_key(s, 4, street_key);
  bind_text(s, 5, street_name);
  return st_done(st, s, "保存社区", err);
}

cm_rc hub_store_org_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                        char **json_out, int *dissolved_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ORG_GET, &s, err);
  *json_out = NULL;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    *json_out = strdup(t ? t : "{}");
    if (dissolved_out) *dissolved_out = sqlite3_column_int(s, 1);
    if (!*json_out) rc = cm_errf(err, CM_ERR_NOMEM, "读取组织时内存不足");
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取组织", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* An organisation's versions by every key of the community's lineage, the
 * oldest key's first: a successor amends what its predecessor filed. */
static const char SQL_FILING_EACH[] =
    LINEAGE("?1")
    "SELECT f.seq, e.kind, hub_body(e.body, e.raw_len), coalesce(s.status, 'pending')"
    " FROM chain JOIN filing_versions f ON f.author = chain.k"
    " JOIN entries e ON e.author = f.author AND e.seq = f.seq"
    " LEFT JOIN record_status s ON s.author = f.author AND s.seq = f.seq"
    " WHERE f.id = ?2 ORDER BY chain.d DESC, f.seq";
static const char SQL_FILING_IDS[] =
    "SELECT DISTINCT id FROM filing_versions WHERE author = ?1 AND seq BETWEEN ?2 AND ?3"
    " ORDER BY id";

/* Step s (its own statement, finalized here: the callbacks write through the
 * cached ones) and hand each row to row(). */
typedef cm_rc (*own_row_fn)(sqlite3_stmt *s, void *arg, cm_err *err);
static cm_rc own_rows(hub_store *st, sqlite3_stmt *s, const char *what, own_row_fn row, void *arg,
                      cm_err *err) {
  cm_rc rc = CM_OK;
  int r;
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW)
    rc = row(s, arg, err);
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, what, err);
  sqlite3_finalize(s);
  return rc;
}

/* The typed callback an own_rows walk hands its rows to, and its context. */
typedef struct row_walk {
  union {
    hub_filing_fn filing;
    hub_org_id_fn id;
    hub_sum_unit_fn unit;
    hub_sum_record_fn record;
  } fn;
  void *ctx;
} row_walk;

static cm_rc filing_row(sqlite3_stmt *s, void *arg, cm_err *err) {
  row_walk *w = arg;
  hub_filing_row row;
  row.seq = col_u64(s, 0);
  row.kind = (const char *)sqlite3_column_text(s, 1);
  row.body = (const char *)sqlite3_column_text(s, 2);
  row.status = (const char *)sqlite3_column_text(s, 3);
  if (!row.kind) row.kind = "";
  if (!row.body) row.body = "";
  if (!row.status) row.status = "pending";
  return w->fn.filing(w->ctx, &row, err);
}

static cm_rc filing_id_row(sqlite3_stmt *s, void *arg, cm_err *err) {
  row_walk *w = arg;
  const char *id = (const char *)sqlite3_column_text(s, 0);
  return id ? w->fn.id(w->ctx, id, err) : CM_OK;
}

cm_rc hub_store_filing_each(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                            hub_filing_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  row_walk w = {.fn.filing = fn, .ctx = ctx};
  cm_rc rc =
      cm_db_check(st->db, st_prepare(st, SQL_FILING_EACH, -1, &s, NULL), "读取组织的备案", err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  return own_rows(st, s, "读取组织的备案", filing_row, &w, err);
}

cm_rc hub_store_filing_ids(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                           uint64_t last, hub_org_id_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  row_walk w = {.fn.id = fn, .ctx = ctx};
  cm_rc rc = cm_db_check(st->db, st_prepare(st, SQL_FILING_IDS, -1, &s, NULL), "读取备案", err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, first);
  bind_u64(s, 3, last);
  return own_rows(st, s, "读取备案", filing_id_row, &w, err);
}

/* 1 when a filing version of organisation id before seq is among the
 * collected rows, or st->fv could not hold every one collected. */
static int fv_older_collected(const hub_store *st, const char *id, uint64_t seq) {
  if (st->fv_n < 0) return 1;
  for (int i = 0; i < st->fv_n; i++)
    if (st->fv[i].seq < seq && strcmp(st->fv[i].id, id) == 0) return 1;
  return 0;
}

/* The text SQLite's ->> gives of JSON value v, when it can be had from
 * jansson's reading: a string's own text; '' for none or null (as coalesce
 * makes it); an array of strings, when the JSON text holds no escape (so
 * that each string is as written), as SQLite writes it again, minified.
 * NULL otherwise: SQLite then reads the value from the JSON text. */
static const char *org_field_text(const json_t *v, int escapes, cm_buf *b, size_t *len_out) {
  *len_out = 0;
  if (!v || json_is_null(v)) return "";
  if (json_is_string(v)) {
    *len_out = json_string_length(v);
    return json_string_value(v);
  }
  if (!json_is_array(v) || escapes) return NULL;
  size_t i;
  const json_t *x;
  cm_buf_reset(b);
  cm_rc rc = cm_buf_append(b, "[", 1);
  json_array_foreach(v, i, x) {
    if (!json_is_string(x)) return NULL;
    if (!rc && i) rc = cm_buf_append(b, ",", 1);
    if (!rc) rc = cm_buf_append(b, "\"", 1);
    if (!rc) rc = cm_buf_append(b, json_string_value(x), json_string_length(x));
    if (!rc) rc = cm_buf_append(b, "\"", 1);
  }
  if (!rc) rc = cm_buf_append(b, "]", 1);
  *len_out = b->len;
  return rc ? NULL : (const char *)b->p;
}

/* Bind SQL_ORG_PUT's filing fields (?10 on, in ORG_FIELDS' order) from
 * state, whose JSON text is json (len bytes). */
static void org_fields_bind(sqlite3_stmt *s, const json_t *state, const char *json, size_t len) {
  static const char *const keys[] = {ORG_FIELDS(ORG_FIELD_KEY, "")};
  int escapes = memchr(json, '\\', len) != NULL;
  cm_buf b;
  cm_buf_init(&b, len + 2);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    size_t n = 0;
    const char *t = org_field_text(json_object_get(state, keys[i]), escapes, &b, &n);
    if (t && n <= (size_t)INT_MAX) /* a string of state lives past the statement's step */
      sqlite3_bind_text(s, 10 + (int)i, t, (int)n,
                        t == (const char *)b.p ? SQLITE_TRANSIENT : SQLITE_STATIC);
    else
      sqlite3_bind_null(s, 10 + (int)i);
  }
  cm_buf_free(&b);
}

cm_rc hub_store_org_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const hub_org_row *o,
                        int *settled_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int lone = 0;
  if (settled_out) *settled_out = 0;
  if (o->json_len > (size_t)INT_MAX) return cm_errf(err, CM_ERR_TOO_LARGE, "组织的内容太大");
  cm_rc rc = key_lone(st, author, &lone, err);
  /* The whole rule reads every version and its record_status: the rows
   * collected are written first.  Given the newest version's status, only
   * the older versions are read, and each is collected with its status row:
   * only when one of them is among the collected rows must they be written
   * first. */
  const char *newest = lone && !fv_older_collected(st, o->id, o->seq) ? o->newest_status : NULL;
  if (!rc)
    rc = newest ? st_prep_beside(st, SQL_ORG_PUT, &s, err) : st_prep(st, SQL_ORG_PUT, &s, err);
  if (rc) return rc;
  const json_t *filed = json_object_get(o->state, "filed");
  bind_key(s, 1, author);
  bind_text(s, 2, o->id);
  bind_u64(s, 3, o->seq);
  sqlite3_bind_text(s, 4, o->json, (int)o->json_len, SQLITE_STATIC);
  sqlite3_bind_int64(s, 5, o->members);
  sqlite3_bind_int64(s, 6, o->party_members);
  sqlite3_bind_int(s, 7, o->dissolved ? 1 : 0);
  if (json_is_string(filed) && json_string_length(filed) <= (size_t)INT_MAX)
    sqlite3_bind_text(s, 8, json_string_value(filed), (int)json_string_length(filed),
                      SQLITE_STATIC);
  else
    sqlite3_bind_null(s, 8);
  if (lone) sqlite3_bind_text(s, 9, newest ? newest : "", -1, SQLITE_STATIC);
  org_fields_bind(s, o->state, o->json, o->json_len);
  rc = st_done(st, s, "保存组织", err);
  if (!rc && settled_out) *settled_out = lone;
  return rc;
}

static const char SQL_ORG_FILE_BYTES[] =
    "SELECT coalesce(sum(CAST(" BODY_JSON("e") "->>'size' AS INTEGER)), 0) FROM entries e"
    " WHERE e.kind = 'file.attached' AND e.author = ?1 AND e.seq < ?2"
    " AND hub_may_name(e.body, e.raw_len, ?3) AND " BODY_JSON("e") "->>'org' = ?3"
    " AND strftime('%Y', e.time_ms / 1000 + 28800, 'unixepoch') = ?4"
    " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)";

cm_rc hub_store_org_file_bytes(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const char *org, const char *year, uint64_t before_seq,
                               int64_t *bytes_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *bytes_out = 0;
  cm_rc rc = st_prep(st, SQL_ORG_FILE_BYTES, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, before_seq);
  bind_text(s, 3, org);
  bind_text(s, 4, year);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *bytes_out = sqlite3_column_int64(s, 0);
  else
    rc = cm_db_check(st->db, r, "统计组织的附件", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_org_facts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *id,
                          int *known_out, char filed_out[11], int64_t *members_out,
                          int64_t *party_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep_beside(st, SQL_ORG_FACTS, &s, err); /* organisations only */
  *known_out = 0;
  filed_out[0] = '\0';
  *members_out = *party_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const char *f = (const char *)sqlite3_column_text(s, 0);
    *known_out = 1;
    snprintf(filed_out, 11, "%s", f ? f : "");
    *members_out = sqlite3_column_int64(s, 1);
    *party_out = sqlite3_column_int64(s, 2);
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取组织", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* ---- the one status of each record ---- */

/* The status of entry (?1 author, ?2 seq) as its reviews give it: a hub's own
 * and a street hub's records need no review ('accepted'); a community's take
 * the newest review over them by the hub that enrolled it that still binds to
 * the chain it reviewed (the hash of its last entry), 'rejected' when that
 * review rejected the batch or this record, else 'pending'.  Written into
 * record_status, never computed on a read.  The newest review is the row of
 * max(r.rseq) (SQLite gives the bare columns of that row): an ORDER BY ...
 * LIMIT 1 opened a temporary B-tree at every record ingested.
 * STATUS_REVIEWS(A): the reviews of author A that count (by the hub that
 * enrolled it, still bound to the chain), as a condition on alias r;
 * SQL_STATUS_RAW(A, S, RV): the status of (A, S) from those reviews, RV the
 * table they are read from (one record reads reviews itself; a range reads
 * them once, into a CTE, instead of again for each of its records). */
#define STATUS_REVIEWS(A)                                                                        \
  "r.author = " A " AND r.reviewer = (SELECT a.enrolled_by FROM authors a WHERE a.key = " A ")" \
  " AND (r.last_hash IS NULL OR r.last_hash = (SELECT h.hash FROM entries h"                     \
  " WHERE h.author = r.author AND h.seq = r.last_seq))"
#define SQL_STATUS_RAW(A, S, RV)                                                                 \
  "CASE WHEN (SELECT a.role FROM authors a WHERE a.key = " A ") IN ('self', 'street')"          \
  " THEN 'accepted' ELSE coalesce((SELECT CASE WHEN max(r.rseq) IS NULL THEN NULL"             \
  "  WHEN r.result = 'rejected' OR EXISTS("                                                     \
  "  SELECT 1 FROM review_rejects x WHERE x.reviewer = r.reviewer AND x.rseq = r.rseq"          \
  "  AND x.author = " A " AND x.seq = " S ") THEN 'rejected' ELSE 'accepted' END"                \
  "  FROM " RV " r WHERE r.first_seq <= " S " AND r.last_seq >= " S "),"                        \
  " 'pending') END"

/* The status is read first and written with a plain INSERT: an INSERT ...
 * RETURNING buffers its rows in a temporary B-tree, which cost more than the
 * whole rest of a monthly report's projection (a page zeroed per entry). */
static const char SQL_STATUS_OF[] =
    "SELECT CASE WHEN ?3 THEN 'refused' ELSE "
    SQL_STATUS_RAW("?1", "?2", "(SELECT * FROM reviews r WHERE " STATUS_REVIEWS("?1") ")") " END";
/* The reviews over ?2..?3 are read once; each record of the range then looks
 * only at those (a batch's records are reviewed by one or two reviews), not
 * at every later review of the author with its author and chain lookups (24,000
 * instructions a record, ten times the write itself). */
static const char SQL_STATUS_RANGE[] =
    "WITH rv AS MATERIALIZED (SELECT r.reviewer, r.rseq, r.first_seq, r.last_seq, r.result"
    " FROM reviews r WHERE " STATUS_REVIEWS("?1") " AND r.last_seq >= ?2 AND r.first_seq <= ?3)"
    " UPDATE record_status SET status = " SQL_STATUS_RAW("?1", "record_status.seq", "rv")
    " WHERE author = ?1 AND seq BETWEEN ?2 AND ?3 AND status <> 'refused'";
/* The monthly report groups g(org, month) a status update is about: one,
 * (?2, ?3), or every group with a version in ?2..?3 of author ?1.  Each
 * statement below updates all of its groups at once (its lineage walked once,
 * not once per group); the groups are disjoint, so this is the same as one
 * group after another. */
#define STATUS_GROUP_ONE ", g(org, month) AS (SELECT ?2, ?3) "
/* (not DISTINCT: that would read the author's versions in key order, all of
 * them; a group named twice is still one group to IN and to the ranking) */
#define STATUS_GROUPS_IN ", g(org, month) AS (SELECT org, month FROM report_versions" \
                         " WHERE author = ?1 AND seq BETWEEN ?2 AND ?3) "
/* The same groups less those whose version in ?2..?3 is the only one of the
 * lineage: SQL_STATUS_RANGE has just given that version its status from the
 * reviews (never 'superseded'), so the newest-version rule would leave it as
 * it is.  A batch of new months (nearly every batch) thus ranks nothing: the
 * ranking was two thirds of accepting a batch. */
#define STATUS_GROUPS_SHARED_IN                                                                   \
  ", g(org, month) AS (SELECT v.org, v.month FROM report_versions v"                              \
  " WHERE v.author = ?1 AND v.seq BETWEEN ?2 AND ?3 AND EXISTS(SELECT 1 FROM chain"               \
  " CROSS JOIN report_versions w WHERE w.author = chain.k AND w.org = v.org"                      \
  " AND w.month = v.month AND (w.author, w.seq) <> (v.author, v.seq))) "
/* Of the accepted versions of one (org, month) written by any key of
 * author's lineage (a replacement key corrects what the lost PC reported,
 * and either may be refreshed last), the newest stays 'accepted' and the older are 'superseded':
 * newest is the newest key's, then the highest sequence, as the summary
 * reads it (SQL_SUM_REPORTS).  The newest versions are read before any row
 * changes (a subquery that depends on no row is evaluated once).  The rows
 * are found from the groups' versions, not by a walk of every status row of
 * the author (CROSS JOIN fixes that order: groups, keys, versions). */
#define STATUS_SUPERSEDE(GROUPS)                                                                  \
  LINEAGE_ALL("?1")                                                                              \
  GROUPS ", ranked(author, seq, n) AS (SELECT v.author, v.seq, row_number() OVER"               \
  " (PARTITION BY v.org, v.month ORDER BY chain.d, v.seq DESC)"                                  \
  " FROM g CROSS JOIN chain CROSS JOIN report_versions v CROSS JOIN record_status s"            \
  " WHERE v.author = chain.k AND v.org = g.org AND v.month = g.month"                            \
  " AND s.author = v.author AND s.seq = v.seq AND s.status IN ('accepted', 'superseded'))"       \
  " UPDATE record_status SET status = CASE WHEN (author, seq) IN"                                \
  " (SELECT author, seq FROM ranked WHERE n = 1) THEN 'accepted' ELSE 'superseded' END"          \
  " WHERE (author, seq) IN (SELECT v.author, v.seq FROM g CROSS JOIN chain"                      \
  " CROSS JOIN report_versions v WHERE v.author = chain.k AND v.org = g.org"                     \
  " AND v.month = g.month)"                                                                      \
  " AND status IN ('accepted', 'superseded')"
/* The current report rows of the groups' (org, month) of the lineage carry
 * their record's status; a row of an older key whose month a newer key
 * reported again is 'superseded' whatever its own status: the newer key's row
 * is the month's current one, as one key's newer version would be (a row of
 * the newest key, nearly every row, is not looked at twice). */
#define STATUS_REPORT(GROUPS)                                                                     \
  LINEAGE_ALL("?1")                                                                              \
  GROUPS "UPDATE reports SET status = CASE WHEN reports.author <> (SELECT k FROM chain WHERE d = 0)" \
  " AND EXISTS(SELECT 1 FROM chain mine"                                                          \
  " CROSS JOIN chain newer CROSS JOIN reports n WHERE mine.k = reports.author"                   \
  " AND newer.d < mine.d AND n.author = newer.k"                                                 \
  " AND n.org = reports.org AND n.month = reports.month)"                                        \
  " THEN 'superseded' ELSE coalesce((SELECT s.status FROM record_status s"                       \
  " WHERE s.author = reports.author AND s.seq = reports.seq), 'pending') END"                    \
  " WHERE (month, author, org) IN (SELECT g.month, chain.k, g.org FROM g CROSS JOIN chain)"
static const char SQL_STATUS_SUPERSEDE[] = STATUS_SUPERSEDE(STATUS_GROUP_ONE);
static const char SQL_STATUS_REPORT[] = STATUS_REPORT(STATUS_GROUP_ONE);
static const char SQL_STATUS_SUPERSEDE_IN[] = STATUS_SUPERSEDE(STATUS_GROUPS_SHARED_IN);
static const char SQL_STATUS_REPORT_IN[] = STATUS_REPORT(STATUS_GROUPS_IN);
/* The years of the report rows STATUS_REPORT(GROUPS) writes, to be packed
 * again (report_dirty). */
#define STATUS_DIRTY(GROUPS)                                                                      \
  LINEAGE_ALL("?1")                                                                              \
  GROUPS "INSERT OR IGNORE INTO report_dirty SELECT DISTINCT chain.k, substr(g.month, 1, 4)"     \
  " FROM g CROSS JOIN chain"
static const char SQL_STATUS_DIRTY[] = STATUS_DIRTY(STATUS_GROUP_ONE);
static const char SQL_STATUS_DIRTY_IN[] = STATUS_DIRTY(STATUS_GROUPS_IN);
static const char SQL_REPORT_DIRTY[] =
    "INSERT OR IGNORE INTO report_dirty(author, year) VALUES(?1, substr(?2, 1, 4))";
static const char SQL_STATUS_ACTIVITIES[] =
    "UPDATE activities SET status = coalesce((SELECT s.status FROM record_status s"
    " WHERE s.author = activities.author AND s.seq = activities.seq), 'pending')"
    " WHERE author = ?1 AND seq BETWEEN ?2 AND ?3";
static const char SQL_STATUS_BOUND[] =
    "SELECT first_seq, last_seq FROM reviews WHERE author = ?1 AND last_seq = ?2";

cm_rc hub_store_status_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           int refused, char status_out[HUB_STATUS_MAX], cm_err *err) {
  sqlite3_stmt *s = NULL;
  char status[HUB_STATUS_MAX] = "";
  cm_rc rc = st_prep(st, SQL_STATUS_OF, &s, err);
  if (status_out) status_out[0] = '\0';
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  sqlite3_bind_int(s, 3, refused ? 1 : 0);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) col_text(s, 0, status, sizeof status);
  else rc = cm_db_check(st->db, r, "写入记录状态", err);
  sqlite3_reset(s);
  if (!rc) rc = hub_store_status_write(st, author, seq, status, err);
  if (!rc && status_out) snprintf(status_out, HUB_STATUS_MAX, "%s", status);
  return rc;
}

static const char SQL_STATUS_HINT[] =
    "SELECT coalesce((SELECT role IN ('self', 'street') FROM authors WHERE key = ?1), 0),"
    " (SELECT max(last_seq) FROM reviews WHERE author = ?1)";

cm_rc hub_store_status_hint(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            int *no_review_out, uint64_t *reviewed_to_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *no_review_out = 0;
  *reviewed_to_out = UINT64_MAX;
  cm_rc rc = st_prep_beside(st, SQL_STATUS_HINT, &s, err); /* authors and reviews */
  if (rc) return rc;
  bind_key(s, 1, author);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    *no_review_out = sqlite3_column_int(s, 0) != 0;
    *reviewed_to_out = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 : col_u64(s, 1);
  } else {
    rc = cm_db_check(st->db, r, "读取审核", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_status_write(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *status, cm_err *err) {
  hub_rows *r = st_rows(st, ROWS_STATUS);
  int x = r ? hub_rows_blob(r, author, PROTO_KEY_BYTES) : SQLITE_NOMEM;
  if (!x) x = hub_rows_int(r, (int64_t)seq);
  if (!x) x = hub_rows_text(r, status);
  return st_row_end(st, ROWS_STATUS, x, NULL, err);
}

static cm_rc rv_exec(hub_store *st, const char *sql, const char *what, cm_err *err,
                     const char *types, ...);

cm_rc hub_store_status_accept_reports(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                      uint64_t first, uint64_t last, cm_err *err) {
  static const char sql[] =
      "INSERT OR REPLACE INTO record_status(author, seq, status) SELECT author, seq, 'accepted'"
      " FROM report_versions WHERE author = ?1 AND seq BETWEEN ?2 AND ?3";
  return rv_exec(st, sql, "写入记录状态", err, "kii", author, (int64_t)first, (int64_t)last);
}

cm_rc hub_store_status_report_group(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                    const char *org, const char *month, cm_err *err) {
  cm_rc rc = rv_exec(st, SQL_STATUS_SUPERSEDE, "写入月报状态", err, "ktt", author,
                     org, month);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_REPORT, "写入月报状态", err, "ktt", author, org,
                 month);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_DIRTY, "写入月报状态", err, "ktt", author, org, month);
  return rc;
}

cm_rc hub_store_status_range(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t first,
                             uint64_t last, cm_err *err) {
  cm_rc rc = rv_exec(st, SQL_STATUS_RANGE, "写入记录状态", err, "kii", author,
                     (int64_t)first, (int64_t)last);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_ACTIVITIES, "写入记录状态", err, "kii", author,
                 (int64_t)first, (int64_t)last);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_SUPERSEDE_IN, "写入月报状态", err, "kii", author,
                 (int64_t)first, (int64_t)last);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_REPORT_IN, "写入月报状态", err, "kii", author,
                 (int64_t)first, (int64_t)last);
  if (!rc)
    rc = rv_exec(st, SQL_STATUS_DIRTY_IN, "写入月报状态", err, "kii", author,
                 (int64_t)first, (int64_t)last);
  return rc;
}

cm_rc hub_store_status_bound(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             int *applied_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  uint64_t first = 0;
  int found = 0;
  *applied_out = 0;
  cm_rc rc = st_prep_beside(st, SQL_STATUS_BOUND, &s, err); /* reviews only */
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  int r;
  /* the widest range of the reviews that end here */
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    uint64_t f = col_u64(s, 0);
    if (!found || f < first) first = f;
    found = 1;
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取审核", err);
  sqlite3_reset(s);
  if (!rc && found) rc = hub_store_status_range(st, author, first, seq, err);
  if (!rc) *applied_out = found;
  return rc;
}

/* Decisions d that revoke organisation O (a table alias) of a community
 * whose keys KEYS selects: a revoke decision addressed to one of them naming
 * it, or for this hub's own street-level organisations one addressed to
 * nobody. */
#define SQL_REVOKES(O, KEYS)                                                                       \
  "d.kind = 'revoke' AND d.org = " O ".id AND (d.to_key IN (" KEYS ")"                             \
  " OR (d.to_key IS NULL AND " O ".author IN (SELECT key FROM authors WHERE role = 'self')))"

/* The one status of each organisation of an author's community (every key
 * of its lineage: a replacement key amends what the lost PC filed), from its
 * filing versions' status (record_status), dissolution and revocation:
 * 'revoked' (a revoke decision addressed to a key of the lineage names it, or
 * for this hub's own street-level organisations one addressed to nobody),
 * else its latest decided filing's 'accepted' or 'rejected' (the newest
 * key's first, as SQL_FILING_EACH folds them), else 'pending'.  A correction
 * accepted after a rejection makes it 'accepted' from then on.  Dissolution
 * is kept beside it (column dissolved): a dissolved organisation no longer
 * counts, its accepted reports still do.  SQL_ORG_STATUS_ONE: one
 * organisation (?2) of the community, after a filing. */
#define SQL_ORG_STATUS_SET                                                                        \
  LINEAGE_ALL("?1")                                                                               \
  "UPDATE organisations SET status = CASE"                                                        \
  " WHEN EXISTS(SELECT 1 FROM decisions d WHERE "                                                 \
  SQL_REVOKES("organisations", "SELECT k FROM chain") ") THEN 'revoked'"                          \
  " ELSE coalesce((SELECT s.status FROM chain c JOIN filing_versions f ON f.author = c.k"         \
  "  JOIN record_status s ON s.author = f.author AND s.seq = f.seq"                               \
  "  WHERE f.id = organisations.id AND s.status IN ('accepted', 'rejected')"                      \
  "  ORDER BY c.d, f.seq DESC LIMIT 1), 'pending') END"                                           \
  " WHERE author IN (SELECT k FROM chain)"
static const char SQL_ORG_STATUS[] = SQL_ORG_STATUS_SET;
static const char SQL_ORG_STATUS_ONE[] = SQL_ORG_STATUS_SET " AND id = ?2";
static const char SQL_ORG_STATUS_ONE_LONE[] =
    "UPDATE organisations SET status = " SQL_ORG_STATUS_LONE("?1", "?2")
    " WHERE author = ?1 AND id = ?2";

cm_rc hub_store_org_status_refresh(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ORG_STATUS, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  return st_done(st, s, "写入组织状态", err);
}

cm_rc hub_store_org_status_refresh_one(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                       const char *id, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int lone = 0;
  cm_rc rc = key_lone(st, author, &lone, err);
  if (!rc) rc = st_prep(st, lone ? SQL_ORG_STATUS_ONE_LONE : SQL_ORG_STATUS_ONE, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  return st_done(st, s, "写入组织状态", err);
}

static const char SQL_QUOTA_GET[] = "SELECT bytes FROM quota WHERE author = ?1 AND day = ?2";
static const char SQL_QUOTA_ADD[] =
    "INSERT INTO quota(author, day, bytes) VALUES(?1, ?2, ?3) ON CONFLICT(author, day) "
    "DO UPDATE SET bytes = min(bytes + excluded.bytes, 9223372036854775807)";

cm_rc hub_store_quota_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *day,
                          int64_t *bytes_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_QUOTA_GET, &s, err);
  *bytes_out = 0;
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, day);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *bytes_out = sqlite3_column_int64(s, 0);
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "读取配额", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_quota_add(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *day,
                          int64_t bytes, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_QUOTA_ADD, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, day);
  sqlite3_bind_int64(s, 3, bytes);
  return st_done(st, s, "统计配额", err);
}

cm_rc hub_store_refusal_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const char *reason, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_REFUSAL_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  bind_text(s, 3, reason);
  return st_done(st, s, "保存拒收记录", err);
}

cm_rc hub_store_decision_to(hub_store *st, const char *record, uint8_t to_out[PROTO_KEY_BYTES],
                            int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_DECISION_TO, &s, err);
  *found_out = 0;
  if (rc) return rc;
  bind_text(s, 1, record);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    if (sqlite3_column_bytes(s, 0) == PROTO_KEY_BYTES) {
      memcpy(to_out, sqlite3_column_blob(s, 0), PROTO_KEY_BYTES);
      *found_out = 1;
    }
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取决定", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* A monthly report's row into table i's rows (ROWS_REPORTS: it replaces an
 * older version; ROWS_REPORTS_NEW: only a month the author has no row of
 * yet), then its year marked for packing (report_dirty).  *added_out: the
 * row was written, or (while deferring) will be unless its month has one
 * already (hub_store_defer_short says so then). */
static cm_rc report_write(hub_store *st, int i, const hub_report_row *r, int *added_out,
                          cm_err *err) {
  sqlite3_stmt *s = NULL;
  hub_rows *w = st_rows(st, i);
  int64_t changed = 0;
  int x = !w          ? SQLITE_NOMEM
          : r->author ? hub_rows_blob(w, r->author, PROTO_KEY_BYTES)
                      : hub_rows_null(w);
  if (!x) x = hub_rows_text(w, r->org);
  if (!x) x = hub_rows_text(w, r->month);
  if (!x) x = hub_rows_int(w, (int64_t)r->seq);
  if (!x) x = hub_rows_int(w, r->activities);
  if (!x) x = hub_rows_int(w, r->participants);
  if (!x) x = hub_rows_int(w, r->party_participants);
  if (!x) x = hub_rows_int(w, r->good_deeds ? 1 : 0);
  if (!x) x = hub_rows_int(w, (int64_t)r->time_ms);
  if (!x) x = hub_rows_int(w, (int64_t)r->received_ms);
  if (!x) x = hub_rows_text(w, r->status && *r->status ? r->status : "pending");
  int deferred = st->defer;
  cm_rc rc = st_row_end(st, i, x, &changed, err);
  *added_out = !rc && (deferred || changed > 0);
  if (!rc && !*added_out && i == ROWS_REPORTS_NEW) return CM_OK;
  /* marked once per transaction, community key and year (dirty_memo) */
  int in_txn = !sqlite3_get_autocommit(st->db) && r->author && r->month &&
               strlen(r->month) >= 4;
  if (!rc && in_txn && st->dirty_memo &&
      memcmp(st->dirty_author, r->author, PROTO_KEY_BYTES) == 0 &&
      memcmp(st->dirty_year, r->month, 4) == 0)
    return CM_OK;
  st->dirty_memo = 0;
  if (!rc) rc = st_prep_beside(st, SQL_REPORT_DIRTY, &s, err); /* report_dirty only */
  if (rc) return rc;
  bind_key(s, 1, r->author);
  bind_text(s, 2, r->month);
  rc = st_done(st, s, "保存月报", err);
  if (!rc && in_txn) {
    memcpy(st->dirty_author, r->author, PROTO_KEY_BYTES);
    memcpy(st->dirty_year, r->month, 4);
    st->dirty_memo = 1;
  }
  return rc;
}

cm_rc hub_store_report_put(hub_store *st, const hub_report_row *r, cm_err *err) {
  int added = 0;
  return report_write(st, ROWS_REPORTS, r, &added, err);
}

cm_rc hub_store_report_put_new(hub_store *st, const hub_report_row *r, int *added_out,
                               cm_err *err) {
  return report_write(st, ROWS_REPORTS_NEW, r, added_out, err);
}

cm_rc hub_store_activity_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *id, const char *org, const char *date, int64_t expected,
                             cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_ACTIVITY_PUT, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, id);
  bind_u64(s, 3, seq);
  bind_text(s, 4, org);
  bind_text(s, 5, date);
  sqlite3_bind_int64(s, 6, expected);
  return st_done(st, s, "保存活动", err);
}

/* Append every row of sql to out, one line per row, columns separated by
 * '|' (blobs as hex). */
static cm_rc dump_query(hub_store *st, const char *sql, cm_buf *out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "导出汇总数据", err);
  if (rc) goto out;
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    for (int i = 0; !rc && i < sqlite3_column_count(s); i++) {
      if (i) rc = cm_buf_append(out, "|", 1);
      if (rc) break;
      if (sqlite3_column_type(s, i) == SQLITE_BLOB) {
        int n = sqlite3_column_bytes(s, i);
        const uint8_t *b = sqlite3_column_blob(s, i);
        for (int k = 0; !rc && k < n; k++) rc = cm_buf_appendf(out, "%02x", b[k]);
      } else {
        const unsigned char *t = sqlite3_column_text(s, i);
        rc = cm_buf_appendf(out, "%s", t ? (const char *)t : "NULL");
      }
    }
    if (!rc) rc = cm_buf_append(out, "\n", 1);
  }
  if (rc)
    rc = cm_errf(err, rc, "导出统计数据：%s", cm_strerror(rc));
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "导出汇总数据", err);
out:
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_projection_dump(hub_store *st, cm_buf *out, cm_err *err) {
  static const char *const q[] = {
    "SELECT 'community', key, name, code, street_key, street_name FROM communities ORDER BY key",
    "SELECT 'org', author, id, seq, data, members, party_members, dissolved, status "
    "FROM organisations ORDER BY author, id",
    "SELECT 'report', author, org, month, seq, activities, participants, party_participants, "
    "status FROM reports ORDER BY author, org, month",
    "SELECT 'activity', author, id, seq, org, date, expected, status FROM activities "
    "ORDER BY author, id",
    "SELECT 'author', key, name, code, role, street, enrolled_by FROM authors ORDER BY key",
    "SELECT 'report_version', * FROM report_versions ORDER BY author, seq",
    "SELECT 'filing_version', * FROM filing_versions ORDER BY author, seq",
    "SELECT 'review', * FROM reviews ORDER BY reviewer, rseq",
    "SELECT 'review_reject', * FROM review_rejects ORDER BY reviewer, rseq, author, seq",
    "SELECT 'decision', * FROM decisions ORDER BY record",
    "SELECT 'closure', * FROM closures ORDER BY decision, author, seq",
    "SELECT 'withdrawal', * FROM withdrawals ORDER BY decision",
    "SELECT 'activity_ack', * FROM activity_acks ORDER BY activity, level",
    "SELECT 'record_status', * FROM record_status ORDER BY author, seq",
    "SELECT 'refusal', * FROM refusals ORDER BY author, seq",
    "SELECT 'year_entry', * FROM year_entries ORDER BY author, seq",
  };
  cm_rc rc = CM_OK;
  for (size_t i = 0; !rc && i < sizeof q / sizeof q[0]; i++) rc = dump_query(st, q[i], out, err);
  return rc;
}

static const char SQL_SUM_STREETS[] =
    "SELECT key, name, '' FROM authors WHERE role = 'street' ORDER BY rowid";
/* A community once, under its newest key: a key that was replaced counts in
 * its successor's row (hub_store_sum_records reads the whole lineage). */
static const char SQL_SUM_COMMUNITIES[] =
    "SELECT key, name, code FROM communities WHERE street_key = ?1"
    " AND NOT EXISTS(SELECT 1 FROM authors x WHERE x.replaces = communities.key)"
    " ORDER BY code, name, key";
/* Organisations, then the versions of their monthly reports, each with the
 * status the projection wrote, of every key of the community: a month's
 * newest version is the newest of the newest key that reported it. */
static const char SQL_SUM_ORGS[] =
    LINEAGE("?1") "SELECT o.status, o.dissolved FROM chain JOIN organisations o ON o.author = chain.k";
static const char SQL_SUM_REPORTS[] =
    LINEAGE("?1")
    "SELECT s.status, o.status, v.seq = (SELECT max(n.seq) FROM report_versions n"
    "  WHERE n.author = v.author AND n.org = v.org AND n.month = v.month)"
    "  AND NOT EXISTS(SELECT 1 FROM chain c2 JOIN report_versions n ON n.author = c2.k"
    "  WHERE c2.d < chain.d AND n.org = v.org AND n.month = v.month),"
    " v.activities, v.participants, v.party_participants"
    " FROM chain JOIN report_versions v ON v.author = chain.k"
    " JOIN record_status s ON s.author = v.author AND s.seq = v.seq"
    " LEFT JOIN organisations o ON o.id = v.org AND o.author IN (SELECT k FROM chain)";

static cm_rc sum_unit_row(sqlite3_stmt *s, void *arg, cm_err *err) {
  row_walk *w = arg;
  hub_sum_unit_row row;
  col_32(s, 0, row.key);
  row.name = (const char *)sqlite3_column_text(s, 1);
  row.code = (const char *)sqlite3_column_text(s, 2);
  if (!row.name) row.name = "";
  if (!row.code) row.code = "";
  return w->fn.unit(w->ctx, &row, err);
}

static cm_rc sum_org_row(sqlite3_stmt *s, void *arg, cm_err *err) {
  row_walk *w = arg;
  hub_sum_record_row row;
  memset(&row, 0, sizeof row);
  row.status = (const char *)sqlite3_column_text(s, 0);
  row.dissolved = sqlite3_column_int(s, 1) != 0;
  if (!row.status) row.status = "";
  return w->fn.record(w->ctx, &row, err);
}

static cm_rc sum_report_row(sqlite3_stmt *s, void *arg, cm_err *err) {
  row_walk *w = arg;
  hub_sum_record_row row;
  memset(&row, 0, sizeof row);
  row.is_report = 1;
  row.status = (const char *)sqlite3_column_text(s, 0);
  row.org_status = (const char *)sqlite3_column_text(s, 1); /* NULL: not held */
  row.newest = sqlite3_column_int(s, 2) != 0;
  row.activities = sqlite3_column_int64(s, 3);
  row.participants = sqlite3_column_int64(s, 4);
  row.party_participants = sqlite3_column_int64(s, 5);
  if (!row.status) row.status = "";
  return w->fn.record(w->ctx, &row, err);
}

/* Prepare sql (its own statement), bind key to ?1 when given, and walk it. */
static cm_rc sum_run(hub_store *st, const char *sql, const uint8_t *key, const char *what,
                     own_row_fn row, row_walk *w, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = cm_db_check(st->db, st_prepare(st, sql, -1, &s, NULL), what, err);
  if (rc) return rc;
  if (key) bind_key(s, 1, key);
  return own_rows(st, s, what, row, w, err);
}

cm_rc hub_store_sum_streets(hub_store *st, hub_sum_unit_fn fn, void *ctx, cm_err *err) {
  row_walk w = {.fn.unit = fn, .ctx = ctx};
  return sum_run(st, SQL_SUM_STREETS, NULL, "列出街道", sum_unit_row, &w, err);
}

cm_rc hub_store_sum_communities(hub_store *st, const uint8_t street_key[PROTO_KEY_BYTES],
                                hub_sum_unit_fn fn, void *ctx, cm_err *err) {
  row_walk w = {.fn.unit = fn, .ctx = ctx};
  return sum_run(st, SQL_SUM_COMMUNITIES, street_key, "列出社区", sum_unit_row, &w,
                 err);
}

cm_rc hub_store_sum_records(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            hub_sum_record_fn fn, void *ctx, cm_err *err) {
  row_walk w = {.fn.record = fn, .ctx = ctx};
  cm_rc rc = sum_run(st, SQL_SUM_ORGS, author, "统计组织", sum_org_row, &w, err);
  if (!rc)
    rc = sum_run(st, SQL_SUM_REPORTS, author, "统计月报", sum_report_row, &w, err);
  return rc;
}

cm_rc hub_store_status_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                            cm_err *err) {
  json_t *authors = NULL, *forks = NULL, *requests = NULL, *forward = NULL;
  cm_rc rc = rows_json(st,
                       "SELECT key, role, name, code, street, head_seq, quarantined, revoked, "
                       "clock_flag, skew_ms, replaces, (SELECT x.key FROM authors x"
                       " WHERE x.replaces = authors.key LIMIT 1) AS replaced_by"
                       " FROM authors ORDER BY (key = ?1) DESC, rowid",
                       self, &authors, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT id, author, seq, time_ms, via, length(held) AS held_bytes, "
                   "length(other) AS other_bytes FROM forks ORDER BY id",
                   NULL, &forks, err);
  if (!rc) rc = hub_store_requests_json(st, &requests, err);
  if (!rc)
    rc = rows_json(st,
                   "SELECT a.key AS author, a.head_seq AS head_seq, "
                   "coalesce(f.acked_seq, 0) AS acked_seq, coalesce(f.time_ms, 0) AS acked_ms "
                   "FROM authors a LEFT JOIN forward f ON f.author = a.key "
                   "WHERE a.head_seq > 0 ORDER BY (a.key = ?1) DESC, a.rowid",
                   self, &forward, err);
  if (!rc) {
    *out = json_pack("{s:o, s:o, s:o, s:o}", "authors", authors, "forks", forks, "requests",
                     requests, "forward", forward);
    authors = forks = requests = forward = NULL;
    if (!*out) rc = cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
  }
  json_decref(authors);
  json_decref(forks);
  json_decref(requests);
  json_decref(forward);
  return rc;
}

/* ---- review, decisions, activities (issue 5) ---- */

/* Bind the parameters that types names, from ap: 'k' a 32-byte key (const
 * uint8_t *, NULL binds NULL), 'i' an int64_t, 't' a text (const char *, NULL
 * binds ""). */
static void rv_bind(sqlite3_stmt *s, const char *types, va_list ap) {
  for (int i = 0; types[i]; i++) {
    if (types[i] == 'k')
      bind_key(s, i + 1, va_arg(ap, const uint8_t *));
    else if (types[i] == 'i')
      sqlite3_bind_int64(s, i + 1, (sqlite3_int64)va_arg(ap, int64_t));
    else
      bind_text(s, i + 1, va_arg(ap, const char *));
  }
}

/* sql's kept statement (st_prep) with its parameters bound from types (see
 * rv_bind).  sql must be a string literal: the statement cache keys on its
 * address. */
static cm_rc rv_prep(hub_store *st, const char *sql, sqlite3_stmt **s, cm_err *err,
                     const char *types, va_list ap) {
  cm_rc rc = st_prep(st, sql, s, err);
  if (!rc) rv_bind(*s, types, ap);
  return rc;
}

/* Run sql (no rows) with parameters bound from types. */
static cm_rc rv_exec(hub_store *st, const char *sql, const char *what, cm_err *err,
                     const char *types, ...) {
  sqlite3_stmt *s = NULL;
  va_list ap;
  va_start(ap, types);
  cm_rc rc = rv_prep(st, sql, &s, err, types, ap);
  va_end(ap);
  return rc ? rc : st_done(st, s, what, err);
}

/* The first column of sql's first row (parameters bound from types), none
 * when it has no row. */
static cm_rc rv_i64(hub_store *st, const char *sql, const char *what, int64_t none,
                    int64_t *out, cm_err *err, const char *types, ...) {
  sqlite3_stmt *s = NULL;
  va_list ap;
  *out = none;
  va_start(ap, types);
  cm_rc rc = rv_prep(st, sql, &s, err, types, ap);
  va_end(ap);
  if (rc) return rc;
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) *out = sqlite3_column_int64(s, 0);
  else if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, what, err);
  sqlite3_reset(s);
  return rc;
}

/* The rows of prepared statement s (bound) as a JSON array of objects named
 * by the columns: integers, texts (a column whose name ends in "_json" is
 * parsed as JSON, null when it is not, and named without the suffix),
 * 32-byte blobs as hex, other blobs as their length, NULL as null. */
static cm_rc stmt_rows_json(hub_store *st, sqlite3_stmt *s, json_t **out, cm_err *err) {
  json_t *arr = json_array();
  int r;
  cm_rc rc = CM_OK;
  *out = NULL;
  if (!arr) return cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    json_t *o = json_object();
    rc = arr_add(arr, o, err);
    if (rc) goto out;
    for (int i = 0; i < sqlite3_column_count(s); i++) {
      const char *name = sqlite3_column_name(s, i);
      size_t nlen = strlen(name);
      json_t *v = NULL;
      switch (sqlite3_column_type(s, i)) {
      case SQLITE_INTEGER:
        v = json_integer(sqlite3_column_int64(s, i));
        break;
      case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(s, i);
        if (nlen > 5 && strcmp(name + nlen - 5, "_json") == 0) {
          v = json_loads(t ? t : "", JSON_DECODE_ANY, NULL);
          if (!v) v = json_null();
        } else {
          v = json_string(t ? t : "");
          if (!v) v = json_string("");
        }
        break;
      }
      case SQLITE_BLOB:
        if (sqlite3_column_bytes(s, i) == 32) {
          char hex[PROTO_KEY_HEX];
          hex32(sqlite3_column_blob(s, i), hex);
          v = json_string(hex);
        } else {
          v = json_integer(sqlite3_column_bytes(s, i));
        }
        break;
      default:
        v = json_null();
        break;
      }
      char key[64];
      /* "body_json" is shown as "body". */
      snprintf(key, sizeof key, "%.*s", (int)(nlen > 5 && strcmp(name + nlen - 5, "_json") == 0
                                                 ? nlen - 5
                                                 : nlen),
               name);
      if (!v || json_object_set_new(o, key, v)) {
        rc = cm_errf(err, CM_ERR_NOMEM, "生成 JSON 时内存不足");
        goto out;
      }
    }
  }
  if (r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取审核表", err);
out:
  if (rc)
    json_decref(arr);
  else
    *out = arr;
  return rc;
}

/* The rows of sql (a string literal of this file: its statement is kept,
 * st_prep) with parameters bound from types, as stmt_rows_json gives them. */
static cm_rc rv_rows(hub_store *st, const char *sql, json_t **out, cm_err *err, const char *types,
                     ...) {
  sqlite3_stmt *s = NULL;
  va_list ap;
  *out = NULL;
  va_start(ap, types);
  cm_rc rc = rv_prep(st, sql, &s, err, types, ap);
  va_end(ap);
  if (rc) return rc;
  rc = stmt_rows_json(st, s, out, err);
  sqlite3_reset(s);
  return rc;
}

/* rv_rows for SQL built at run time: prepared for this call only. */
static cm_rc rv_rows_once(hub_store *st, const char *sql, json_t **out, cm_err *err,
                          const char *types, ...) {
  sqlite3_stmt *s = NULL;
  va_list ap;
  *out = NULL;
  int r = st_prepare(st, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取审核表", err);
  if (rc) return rc;
  va_start(ap, types);
  rv_bind(s, types, ap);
  va_end(ap);
  rc = stmt_rows_json(st, s, out, err);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_report_version_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   uint64_t seq, const char *org, const char *month,
                                   int64_t activities, int64_t participants,
                                   int64_t party_participants, int flagged, cm_err *err) {
  hub_rows *r = st_rows(st, ROWS_VERSIONS);
  int x = r ? hub_rows_blob(r, author, PROTO_KEY_BYTES) : SQLITE_NOMEM;
  if (!x) x = hub_rows_int(r, (int64_t)seq);
  if (!x) x = hub_rows_text(r, org);
  if (!x) x = hub_rows_text(r, month);
  if (!x) x = hub_rows_int(r, activities);
  if (!x) x = hub_rows_int(r, participants);
  if (!x) x = hub_rows_int(r, party_participants);
  if (!x) x = hub_rows_int(r, flagged ? 1 : 0);
  return st_row_end(st, ROWS_VERSIONS, x, NULL, err);
}

cm_rc hub_store_filing_version_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                   uint64_t seq, const char *id, cm_err *err) {
  if (st->defer && st->fv_n >= 0) {
    if (st->fv_n < (int)(sizeof st->fv / sizeof st->fv[0]) && strlen(id) < sizeof st->fv[0].id) {
      strcpy(st->fv[st->fv_n].id, id);
      st->fv[st->fv_n++].seq = seq;
    } else {
      st->fv_n = -1;
    }
  }
  /* a new row, as every row an entry's projection writes (hub_store_defer) */
  hub_rows *r = st_rows(st, ROWS_FILINGS);
  int x = r ? hub_rows_blob(r, author, PROTO_KEY_BYTES) : SQLITE_NOMEM;
  if (!x) x = hub_rows_int(r, (int64_t)seq);
  if (!x) x = hub_rows_text(r, id);
  return st_row_end(st, ROWS_FILINGS, x, NULL, err);
}

cm_rc hub_store_review_put(hub_store *st, const uint8_t reviewer[PROTO_KEY_BYTES], uint64_t rseq,
                           const uint8_t author[PROTO_KEY_BYTES], int64_t batch,
                           uint64_t first_seq, uint64_t last_seq, const uint8_t *last_hash,
                           const char *result, const char *reason, const char *operator_name,
                           uint64_t time_ms, cm_err *err) {
  return rv_exec(st,
                 "INSERT OR REPLACE INTO reviews(reviewer, rseq, author, batch, first_seq, "
                 "last_seq, result, reason, operator, time_ms, last_hash) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                 "保存审核", err, "kikiiittti" "k", reviewer, (int64_t)rseq, author,
                 batch, (int64_t)first_seq, (int64_t)last_seq, result, reason, operator_name,
                 (int64_t)time_ms, last_hash);
}

/* ---- dashboard reads (hub/dashboard.c) ---- */

/* One SQL text per hub_dash_query, in enum order, and which of its
 * parameters are keys (bit i set: parameter i+1 arrives as 64 hex digits and
 * is bound as a 32-byte blob).  Bodies are BLOBs: CAST them to TEXT before
 * json reads them. */
/* The newest entry of kind (not refused) per author and body "org" of year
 * ?1, from the projection's year_entries: a CTE named name with columns
 * author, org, seq, time_ms (time_ms the bare column of the max's row). */
#define SQL_YEAR_NEWEST(name, kind)                                                                \
  " " name " AS (SELECT y.author AS author, y.org AS org, max(y.seq) AS seq,"                     \
  "  y.time_ms AS time_ms FROM year_entries y WHERE y.kind = '" kind "'"                           \
  "  AND y.year = CAST(?1 AS INTEGER)"                                                             \
  "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = y.author AND f.seq = y.seq)"         \
  "  GROUP BY 1, 2)"
/* Every key with its community's first key (root) and how many keys came
 * before it (depth), walked once for all keys: two keys are of one
 * community (SAME_COMMUNITY) when their roots are equal, and a newer key's
 * version comes first by depth (LINEAGE_DEPTH).  Walked per row instead, a
 * year's read of a district with its plans written took tens of seconds.
 * CTEs of a WITH RECURSIVE ending in lin(key, root, depth). */
#define SQL_LINEAGE_MAP                                                                            \
  " walk(key, cur, d) AS (SELECT key, key, 0 FROM authors UNION ALL SELECT walk.key, a.replaces,"   \
  "  walk.d + 1 FROM walk JOIN authors a ON a.key = walk.cur WHERE a.replaces IS NOT NULL"         \
  "  AND walk.d < " HUB_LINEAGE_MAX_S "),"                                                        \
  /* the bare column cur is the one of the row of max(d): the first key */                     \
  " lin(key, root, depth) AS MATERIALIZED (SELECT key, cur, max(d) FROM walk GROUP BY key)"
/* The root of key K (lin's row L joined, K itself for a key not enrolled:
 * an addressee; every author of an entry is enrolled, so that an
 * organisation's lin row, joined LEFT, is always there). */
#define LIN_ROOT(L, K) "coalesce(" L ".root, " K ")"
/* Of CTE src (SQL_YEAR_NEWEST's columns), the newest entry per community
 * (root) and organisation, the newest key's first (depth, then sequence:
 * a log's sequence stays below 2^40; author and seq are the bare columns of
 * the row of the max): a CTE named name with columns root, org, author, seq,
 * time_ms. */
#define SQL_NEWEST_PER_ROOT(name, src)                                                              \
  " " name " AS MATERIALIZED (SELECT l.root AS root, x.org AS org, x.author AS author,"             \
  "  x.seq AS seq, x.time_ms AS time_ms, max(l.depth * 1099511627776 + x.seq) FROM " src " x"      \
  "  JOIN lin l"                                                                                   \
  "  ON l.key = x.author GROUP BY l.root, x.org)"

/* Every key of holder c (year_holders): a community's keys by its code at
 * its street, and c itself (a street, for its street-level organisations;
 * another key never writes about an organisation of c, the domain core
 * refuses that, so the extra keys a street's empty code finds are harmless). */
#define SQL_YEAR_KEYS                                                                              \
  "SELECT x.key FROM communities x WHERE x.code = c.code AND x.street_key = c.street_key"        \
  " UNION SELECT c.key"
/* The columns every year's read gives of an organisation of a community
 * (alias o; c its community), before its own: what hub/counting.h needs to
 * say whether it counts in the year (status, filing date, dissolution). */
#define SQL_YEAR_ORG_COLS                                                                          \
  " c.street_name, c.name, c.code, o.id,"                                                          \
  /* the filing's name as the projection keeps it (f_name: '' when data is   \
   * not JSON), not parsed out of data per organisation and query */          \
  " o.f_name, o.status, o.filed," SQL_YEAR_ORG_ENDED
/* When organisation o (c its holder) was dissolved and when revoked, as two
 * columns (0 when it was not; 1, long ago, when no time is found). */
#define SQL_YEAR_ORG_ENDED                                                                         \
  /* when it was dissolved: its first dissolution not refused by a key of                      \
   * the community (its code at its street: every key it had), by author time                   \
   * but never later than its receipt (1, long ago, should none be found);                       \
   * read for the few dissolved ones only */                                                       \
  " CASE WHEN o.dissolved <> 0 THEN coalesce((SELECT min(min(e.time_ms, e.received_ms))"         \
  "  FROM entries e WHERE e.author IN (" SQL_YEAR_KEYS ") AND e.kind = 'org.dissolved'"           \
  "  AND " BODY_JSON("e") "->>'id' = o.id"                                                         \
  "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)), 1)"   \
  " ELSE 0 END,"                                                                                   \
  /* when it was revoked (its first revocation, as its status reads them) */                       \
  " CASE WHEN o.status = 'revoked' THEN coalesce((SELECT min(d.time_ms) FROM decisions d"         \
  "  WHERE " SQL_REVOKES("o", SQL_YEAR_KEYS) "), 1) ELSE 0 END"

/* Entry e is not a street's relay of an entry this hub (key K) wrote itself:
 * the district holds its own training, and each street's copy that took it
 * down to the communities is the same training, counted once. */
#define SQL_NOT_OUR_RELAY(e, K)                                                                    \
  " coalesce(substr(" BODY_JSON(e) "->>'origin_record', 1, 64), '') <> lower(hex(" K "))"

/* The organisations the dashboard reads (HUB_DQ_ORGS), before its WHERE. */
#define SQL_DASH_ORGS                                                                              \
  "SELECT o.author, o.id, o.f_name, o.f_category, o.f_founded_by, o.filed, o.members,"            \
  " o.party_members, o.f_flags, o.dissolved, o.status,"                                            \
  /* codes of the district's lists: the filing's own, else a street's                          \
   * mapping of an organisation filed before them */                                               \
  " coalesce(nullif(o.f_category_code, ''), m.category, ''),"                                      \
  " coalesce(nullif(o.f_industry, ''), m.industry, ''),"                                           \
  " coalesce(nullif(o.f_unit, ''), m.unit, ''),"                                                   \
  /* a party-member station registration that was accepted (the lineage                        \
   * walked only for an organisation with a station) */                                          \
  " CASE WHEN EXISTS(SELECT 1 FROM stations x WHERE x.org = o.id) THEN"                             \
  " EXISTS(SELECT 1 FROM stations s JOIN record_status r ON r.author = s.author"                    \
  "  AND r.seq = s.seq AND r.status = 'accepted' WHERE s.org = o.id"                               \
  "  AND " SAME_COMMUNITY("s.author", "o.author") ") ELSE 0 END"                                   \
  " FROM organisations o LEFT JOIN org_mapped m ON m.author = o.author"                            \
  "  AND m.id = o.id"

static const struct {
  const char *sql;
  unsigned key_params;
} dash_queries[] = {
  [HUB_DQ_STREETS] = {"SELECT key, name FROM authors WHERE role = 'street' ORDER BY rowid", 0},
  [HUB_DQ_UNITS] = {"SELECT c.key, c.name, c.code, c.street_key, c.street_name,"
                    " (SELECT e.received_ms FROM entries e WHERE e.author = c.key"
                    "  ORDER BY e.seq DESC LIMIT 1),"
                    " (SELECT x.key FROM authors x WHERE x.replaces = c.key LIMIT 1)"
                    " FROM communities c"
                    " ORDER BY c.street_name, c.code, c.name",
                    0},
  [HUB_DQ_ORGS] = {SQL_DASH_ORGS " ORDER BY o.id", 0},
  [HUB_DQ_ORGS_ID] = {SQL_DASH_ORGS " WHERE o.id = ?1 ORDER BY o.id", 0},
  /* Reports with their author and receipt times and whether good deeds were
   * written, all kept on the report row, which is stored in month order. */
  [HUB_DQ_REPORTS] = {"SELECT author, org, month, activities, participants,"
                      " party_participants, seq, time_ms, received_ms, good_deeds, status"
                      " FROM reports"
                      " WHERE month >= ?1 AND month <= ?2",
                      0},
  /* The current reports with activities since ?1, with their status: the
   * reader keeps the newest month of each organisation that counts. */
  [HUB_DQ_LAST_ACTIVE] = {"SELECT author, org, month, status FROM reports"
                          " WHERE month >= ?1 AND month <= ?2 AND activities > 0",
                          0},
  [HUB_DQ_ACTIVITIES] = {"SELECT a.author, a.id, a.org, a.date, a.expected,"
                         " hub_body(e.body, e.raw_len)->>'title',"
                         " hub_body(e.body, e.raw_len)->>'place',"
                         " e.time_ms, e.seq"
                         " FROM activities a JOIN entries e ON e.author = a.author"
                         "  AND e.seq = a.seq"
                         " WHERE a.date >= ?1 AND a.date <= ?2 ORDER BY a.date, a.id",
                         0},
  [HUB_DQ_EVENTS] = {"SELECT author, seq, kind, time_ms, received_ms, hub_body(body, raw_len)"
                     " FROM entries INDEXED BY entries_events WHERE " ENTRIES_EVENTS_WHERE
                     " ORDER BY id",
                     0},
  [HUB_DQ_ORG_FIND] = {"SELECT o.author, o.id, o.data, o.dissolved, o.seq FROM organisations o"
                       " WHERE o.id = ?1 ORDER BY o.author",
                       0},
  [HUB_DQ_ORG_ENTRIES] = {"SELECT e.seq, e.kind, e.time_ms, e.received_ms,"
                          " hub_body(e.body, e.raw_len), s.status FROM entries e"
                          " JOIN record_status s ON s.author = e.author AND s.seq = e.seq"
                          " WHERE e.author = ?1 AND e.kind IN ('org.filed', 'org.amended',"
                          " 'org.dissolved', 'report.monthly', 'activity.declared',"
                          " 'rectification.filed') AND hub_may_name(e.body, e.raw_len, ?2)"
                          " AND (" BODY_JSON("e") "->>'id' = ?2"
                          " OR " BODY_JSON("e") "->>'org' = ?2) ORDER BY e.seq",
                          1u},
  [HUB_DQ_DECISIONS] = {"SELECT record, author, seq, kind, by_level, org, community, deadline,"
                        " result, reason, operator, time_ms,"
                        " EXISTS(SELECT 1 FROM closures c WHERE c.decision = d.record)"
                        " FROM decisions d ORDER BY time_ms, record",
                        0},
  [HUB_DQ_ACKS] = {"SELECT activity, level, status, note FROM activity_acks", 0},
  /* HUB_DQ_REPORTS without the receipt times (kept for its callers). */
  [HUB_DQ_REPORT_SUMS] = {"SELECT author, org, month, activities, participants,"
                          " party_participants, seq, NULL, NULL, good_deeds, status"
                          " FROM reports"
                          " WHERE month >= ?1 AND month <= ?2",
                          0},
  [HUB_DQ_STATIONS] = {"SELECT s.author, s.org, s.name, s.leader, s.party_members, s.committee,"
                       " s.date, s.branch, s.branch_date FROM stations s JOIN record_status r"
                       " ON r.author = s.author AND r.seq = s.seq WHERE r.status = 'accepted'"
                       " ORDER BY s.author, s.seq",
                       0},
  [HUB_DQ_FUNDING] = {"SELECT e.author, hub_body(e.body, e.raw_len)->>'org',"
                      " hub_body(e.body, e.raw_len)->>'amount' FROM entries e"
                      /* the events' partial index, not a scan of every entry */
                      " WHERE e.kind = 'funding.received' AND " ENTRIES_EVENTS_WHERE
                      " AND json_valid(hub_body(e.body, e.raw_len))"
                      " AND hub_body(e.body, e.raw_len)->>'year' = CAST(?1 AS INTEGER)"
                      " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author"
                      " AND f.seq = e.seq) ORDER BY e.author, e.seq",
                      0},
  /* Per organisation of a community: its newest self-report of the year that
   * was not refused, and the newest result of the year by this hub or by the
   * street that enrolled its community.  The self-report is found in the
   * projection's year_entries; its opinion is read from the signed entry. */
  [HUB_DQ_YEAR_INSPECTIONS] =
      {"WITH RECURSIVE" SQL_LINEAGE_MAP "," SQL_YEAR_NEWEST("si", "inspection.self") ","
       SQL_NEWEST_PER_ROOT("sn", "si") ","
       " r AS (SELECT o.author AS author, o.id AS id,"
       /* the organisation's decisions first (CROSS JOIN keeps that order): led
        * by the entries instead, SQLite read every entry of this hub's own log
        * per organisation, which a city's 250,000 did not finish in minutes */
       "  (SELECT d.record FROM decisions d CROSS JOIN entries de ON de.author = d.author"
       "   AND de.seq = d.seq LEFT JOIN lin lt ON lt.key = d.to_key"
       "   WHERE d.kind = 'inspect' AND d.org = o.id"
       "   AND ((" LIN_ROOT("lt", "d.to_key") " = lo.root"
       "   AND " BODY_JSON("de") "->>'year' = CAST(?1 AS INTEGER)"
       "   AND (d.author = ?2 OR d.author = (SELECT a.enrolled_by FROM authors a"
       "    WHERE a.key = o.author)))"
       /* a street's result on its own organisation is addressed to nobody */
       "   OR (d.to_key IS NULL AND d.author = o.author"
       "   AND " BODY_JSON("de") "->>'year' = CAST(?1 AS INTEGER)))"
       "   ORDER BY d.time_ms DESC, d.seq DESC LIMIT 1) AS result_record,"
       "  lo.root AS root"
       " FROM organisations o JOIN year_holders c ON c.key = o.author"
       " LEFT JOIN lin lo ON lo.key = o.author)"
       "SELECT" SQL_YEAR_ORG_COLS ", sn.seq, sn.time_ms,"
       " coalesce(" BODY_JSON("se") "->>'opinion', ''), coalesce(d.record, ''),"
       " coalesce(d.result, ''), coalesce(d.deadline, ''), coalesce(d.reason, ''),"
       " coalesce(d.by_level, ''),"
       " EXISTS(SELECT 1 FROM closures x WHERE x.decision = d.record)"
       " FROM organisations o JOIN year_holders c ON c.key = o.author"
       " JOIN r ON r.author = o.author AND r.id = o.id"
       /* the newest self-report by any key of the community (the newest key's) */
       " LEFT JOIN sn ON sn.root = r.root AND sn.org = o.id"
       " LEFT JOIN entries se ON se.author = sn.author AND se.seq = sn.seq"
       " LEFT JOIN decisions d ON d.record = r.result_record"
       " ORDER BY c.street_name, c.code, o.id",
       2},
  /* Per organisation of a community: when its newest plan.annual and
   * summary.annual of the year that were not refused were written. */
  [HUB_DQ_YEAR_PLANS] =
      {"WITH RECURSIVE" SQL_LINEAGE_MAP "," SQL_YEAR_NEWEST("p", "plan.annual") ","
       SQL_YEAR_NEWEST("s", "summary.annual") "," SQL_NEWEST_PER_ROOT("pn", "p") ","
       SQL_NEWEST_PER_ROOT("sn", "s")
       "SELECT" SQL_YEAR_ORG_COLS ", pn.time_ms, sn.time_ms"
       " FROM organisations o JOIN year_holders c ON c.key = o.author"
       " LEFT JOIN lin lo ON lo.key = o.author"
       /* the newest of the year by any key of the community (the newest key's) */
       " LEFT JOIN pn ON pn.root = lo.root AND pn.org = o.id"
       " LEFT JOIN sn ON sn.root = lo.root AND sn.org = o.id"
       " ORDER BY c.street_name, c.code, o.id",
       0},
  /* A training counts for an organisation it names when this hub wrote it or
   * the street that enrolled the organisation's community did: a street's
   * training naming another street's organisation counts for nobody there. */
  [HUB_DQ_YEAR_TRAININGS] =
      {"WITH t AS (SELECT e.author AS by_key, " BODY_JSON("e") " AS b FROM entries e"
       " INDEXED BY entries_events WHERE e.kind = 'training.recorded' AND " ENTRIES_EVENTS_WHERE
       " AND " BODY_JSON("e") " IS NOT NULL"
       " AND substr(" BODY_JSON("e") "->>'date', 1, 4) = CAST(?1 AS TEXT)"
       " AND " SQL_NOT_OUR_RELAY("e", "?2")
       " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq))"
       "SELECT" SQL_YEAR_ORG_COLS ","
       " (SELECT count(*) FROM t, json_each(t.b, '$.orgs') j WHERE j.value = o.id"
       "  AND (t.by_key = ?2 OR t.by_key = (SELECT a.enrolled_by FROM authors a"
       "   WHERE a.key = o.author)"
       /* a street's training of its own organisations (only hubs write trainings) */
       "  OR t.by_key = o.author))"
       " FROM organisations o JOIN year_holders c ON c.key = o.author"
       " ORDER BY c.street_name, c.code, o.id",
       2},
  /* The newest plan.unit and summary.unit of the year of each unit, not
   * refused: communities held here, enrolled street hubs, and this hub when it
   * is a street. */
  [HUB_DQ_YEAR_UNITS] =
      {"WITH RECURSIVE" SQL_LINEAGE_MAP "," SQL_YEAR_NEWEST("p", "plan.unit") ","
       SQL_YEAR_NEWEST("s", "summary.unit") ","
       /* a unit's own plan has no organisation: org is NULL, one per root */
       SQL_NEWEST_PER_ROOT("pn", "p") "," SQL_NEWEST_PER_ROOT("sn", "s") ","
       " u AS ("
       /* a community once, under its newest key; its earlier keys' count there */
       " SELECT 'community' AS level, c.street_name AS street, c.name AS community,"
       "  c.code AS code, c.key AS key FROM communities c"
       "  WHERE NOT EXISTS(SELECT 1 FROM authors x WHERE x.replaces = c.key)"
       " UNION ALL SELECT 'street', a.name, '', a.code, a.key FROM authors a WHERE a.role = 'street'"
       " UNION ALL SELECT 'street', ?4, '', '', ?2 WHERE ?3 = 'street')"
       "SELECT u.level, u.street, u.community, u.code, u.key, pn.seq, sn.seq,"
       " pn.time_ms, sn.time_ms, pn.author, sn.author"
       " FROM u LEFT JOIN lin lu ON lu.key = u.key"
       " LEFT JOIN pn ON pn.root = " LIN_ROOT("lu", "u.key") " AND pn.org IS NULL"
       " LEFT JOIN sn ON sn.root = " LIN_ROOT("lu", "u.key") " AND sn.org IS NULL"
       " ORDER BY u.street, u.level DESC, u.code",
       2},
  [HUB_DQ_LINEAGE] = {"WITH RECURSIVE" SQL_LINEAGE_MAP " SELECT key, root, depth FROM lin"
                     " WHERE depth > 0 ORDER BY key",
                     0},
  /* What SQL_YEAR_NEWEST reads, row by row: its reader keeps the newest. */
  [HUB_DQ_YEAR_MARKS] = {"SELECT y.author, y.org, y.seq, y.time_ms FROM year_entries y"
                         " WHERE y.kind = ?1 AND y.year = CAST(?2 AS INTEGER)"
                         " AND y.org IS NOT NULL AND NOT EXISTS(SELECT 1 FROM refusals f"
                         " WHERE f.author = y.author AND f.seq = y.seq)",
                         0},
  [HUB_DQ_YEAR_ENDED] = {"SELECT o.author, o.id," SQL_YEAR_ORG_ENDED
                         " FROM organisations o INDEXED BY organisations_ended"
                         " JOIN year_holders c ON c.key = o.author"
                         " WHERE o.dissolved <> 0 OR o.status = 'revoked'",
                         0},
};

/* The columns of one row as read (text NULL for SQL NULL, 64 hex digits for a
 * 32-byte blob, "" for a number, whose value is in num), before they are
 * named by dash_fill. */
#define DASH_COLS 20
typedef struct dash_cols {
  const char *text[DASH_COLS];
  int64_t num[DASH_COLS];
} dash_cols;

static const char *dt(const dash_cols *c, int i) { return c->text[i] ? c->text[i] : ""; }
static uint64_t du(const dash_cols *c, int i) { return c->text[i] ? (uint64_t)c->num[i] : 0; }

/* Name the columns of a row of query q, in the order its SQL above selects
 * them: the only place that knows a dashboard column by its position. */
static void dash_fill(hub_dash_query q, const dash_cols *c, hub_dash_row *r) {
  memset(r, 0, sizeof *r);
  switch (q) {
  case HUB_DQ_STREETS:
    r->street = (hub_dash_street_row){dt(c, 0), dt(c, 1)};
    break;
  case HUB_DQ_UNITS:
    r->unit = (hub_dash_unit_row){dt(c, 0), dt(c, 1), dt(c, 2), dt(c, 3), dt(c, 4), du(c, 5),
                                  dt(c, 6)};
    break;
  case HUB_DQ_ORGS:
  case HUB_DQ_ORGS_ID:
    r->org = (hub_dash_org_row){
        .author = dt(c, 0), .id = dt(c, 1), .name = dt(c, 2), .category = dt(c, 3),
        .founded_by = dt(c, 4), .filed = dt(c, 5), .members = c->num[6],
        .party_members = c->num[7], .flags = dt(c, 8), .dissolved = c->num[9] != 0,
        .status = dt(c, 10), .codes = {dt(c, 11), dt(c, 12), dt(c, 13)},
        .station_accepted = c->num[14] != 0};
    break;
  case HUB_DQ_STATIONS:
    r->station = (hub_dash_station_row){
        .author = dt(c, 0), .org = dt(c, 1), .name = dt(c, 2), .leader = dt(c, 3),
        .party_members = c->num[4], .committee = dt(c, 5), .date = dt(c, 6),
        .branch = dt(c, 7), .branch_date = dt(c, 8)};
    break;
  case HUB_DQ_FUNDING:
    r->funding = (hub_dash_funding_row){dt(c, 0), dt(c, 1), c->num[2]};
    break;
  case HUB_DQ_REPORTS:
  case HUB_DQ_REPORT_SUMS:
    r->report = (hub_dash_report_row){
        .author = dt(c, 0), .org = dt(c, 1), .month = dt(c, 2), .activities = c->num[3],
        .participants = c->num[4], .party_participants = c->num[5], .seq = du(c, 6),
        .time_ms = du(c, 7), .received_ms = du(c, 8), .good_deeds = c->num[9] != 0,
        .status = dt(c, 10)};
    break;
  case HUB_DQ_LAST_ACTIVE:
    r->active = (hub_dash_active_row){dt(c, 0), dt(c, 1), dt(c, 2), dt(c, 3), 0};
    break;
  case HUB_DQ_ACTIVITIES:
    r->activity = (hub_dash_activity_row){
        .author = dt(c, 0), .id = dt(c, 1), .org = dt(c, 2), .date = dt(c, 3),
        .expected = c->num[4], .title = dt(c, 5), .place = dt(c, 6), .time_ms = du(c, 7),
        .seq = du(c, 8)};
    break;
  case HUB_DQ_EVENTS:
    r->event = (hub_dash_event_row){.author = dt(c, 0), .seq = du(c, 1), .kind = dt(c, 2),
                                    .time_ms = du(c, 3), .received_ms = du(c, 4),
                                    .body = dt(c, 5)};
    break;
  case HUB_DQ_ORG_FIND:
    r->found = (hub_dash_found_row){dt(c, 0), dt(c, 1), dt(c, 2), c->num[3] != 0, du(c, 4)};
    break;
  case HUB_DQ_ORG_ENTRIES:
    r->entry = (hub_dash_entry_row){.seq = du(c, 0), .kind = dt(c, 1), .time_ms = du(c, 2),
                                    .received_ms = du(c, 3), .body = c->text[4],
                                    .status = dt(c, 5)};
    break;
  case HUB_DQ_DECISIONS:
    r->decision = (hub_dash_decision_row){
        .record = dt(c, 0), .author = dt(c, 1), .seq = du(c, 2), .kind = dt(c, 3),
        .by_level = dt(c, 4), .org = dt(c, 5), .community = dt(c, 6), .deadline = dt(c, 7),
        .result = dt(c, 8), .reason = dt(c, 9), .operator_name = dt(c, 10),
        .time_ms = du(c, 11), .closed = c->num[12] != 0};
    break;
  case HUB_DQ_ACKS:
    r->ack = (hub_dash_ack_row){dt(c, 0), dt(c, 1), dt(c, 2), dt(c, 3)};
    break;
  case HUB_DQ_YEAR_INSPECTIONS:
  case HUB_DQ_YEAR_PLANS:
  case HUB_DQ_YEAR_TRAININGS:
    r->year_org = (hub_dash_year_org_row){.street = dt(c, 0), .community = dt(c, 1),
                                          .code = dt(c, 2), .org = dt(c, 3), .name = dt(c, 4),
                                          .status = dt(c, 5), .filed = dt(c, 6),
                                          .dissolved_ms = du(c, 7), .revoked_ms = du(c, 8)};
    if (q == HUB_DQ_YEAR_INSPECTIONS) {
      r->year_org.self_seq = du(c, 9);
      r->year_org.self_time_ms = du(c, 10);
      r->year_org.opinion = dt(c, 11);
      r->year_org.result_record = dt(c, 12);
      r->year_org.result = dt(c, 13);
      r->year_org.deadline = dt(c, 14);
      r->year_org.reason = dt(c, 15);
      r->year_org.by = dt(c, 16);
      r->year_org.closed = c->num[17] != 0;
    } else if (q == HUB_DQ_YEAR_PLANS) {
      r->year_org.plan_time_ms = du(c, 9);
      r->year_org.summary_time_ms = du(c, 10);
    } else {
      r->year_org.trainings = c->num[9];
    }
    break;
  case HUB_DQ_LINEAGE:
    r->lineage = (hub_dash_lineage_row){dt(c, 0), dt(c, 1), c->num[2]};
    break;
  case HUB_DQ_YEAR_MARKS:
    r->year_mark = (hub_dash_year_mark_row){dt(c, 0), dt(c, 1), du(c, 2), du(c, 3)};
    break;
  case HUB_DQ_YEAR_ENDED:
    r->year_ended = (hub_dash_year_ended_row){dt(c, 0), dt(c, 1), du(c, 2), du(c, 3)};
    break;
  case HUB_DQ_YEAR_UNITS:
    r->year_unit = (hub_dash_year_unit_row){
        .level = dt(c, 0), .street = dt(c, 1), .community = dt(c, 2), .code = dt(c, 3),
        .key = dt(c, 4), .plan_seq = du(c, 5), .summary_seq = du(c, 6),
        .plan_time_ms = du(c, 7), .summary_time_ms = du(c, 8), .plan_key = dt(c, 9),
        .summary_key = dt(c, 10)};
    break;
  }
}

/* ---- the reports packed per organisation and year (report_years) ----
 *
 * months holds, for each month of the year that has a current report, in
 * month order: the month (1 byte, 1..12), good deeds written (1 byte), the
 * length of its status (1 byte) and the status, then activities,
 * participants, party participants, seq, time_ms and received_ms (pack_i64:
 * a varint each): what HUB_DQ_REPORTS reads of the report, no rule applied,
 * so that the readers count as they would from reports.  Varints: a fresh
 * answer reads every page of them again after another process wrote. */

#define PACK_NUMS 6
#define PACK_STATUS_MAX 31

/* v zigzag-encoded as a varint (7 bits a byte, low first) at p: its length. */
static size_t pack_i64(uint8_t *p, int64_t v) {
  uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
  size_t n = 0;
  while (z >= 0x80) {
    p[n++] = (uint8_t)(z | 0x80);
    z >>= 7;
  }
  p[n++] = (uint8_t)z;
  return n;
}

/* The number pack_i64 wrote at p (at most end - p bytes), its length in *n
 * (0 when cut short). */
static int64_t unpack_i64(const uint8_t *p, const uint8_t *end, size_t *n) {
  uint64_t z = 0;
  size_t i = 0;
  for (int shift = 0; p + i < end && shift < 64; shift += 7) {
    uint8_t b = p[i++];
    z |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *n = i;
      return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    }
  }
  *n = 0;
  return 0;
}

int hub_store_packed_next(const uint8_t *p, size_t len, size_t *off, hub_packed_report *out) {
  size_t i = *off, k = 0;
  if (i + 3 > len) return 0;
  int m = p[i], gd = p[i + 1];
  size_t sl = p[i + 2];
  if (sl > PACK_STATUS_MAX || i + 3 + sl > len) return 0;
  memcpy(out->status, p + i + 3, sl);
  out->status[sl] = '\0';
  i += 3 + sl;
  int64_t v[PACK_NUMS];
  for (int f = 0; f < PACK_NUMS; f++, i += k) {
    v[f] = unpack_i64(p + i, p + len, &k);
    if (!k) return 0;
  }
  *off = i;
  out->month = m;
  out->good_deeds = gd != 0;
  out->activities = v[0];
  out->participants = v[1];
  out->party_participants = v[2];
  out->seq = (uint64_t)v[3];
  out->time_ms = (uint64_t)v[4];
  out->received_ms = (uint64_t)v[5];
  return 1;
}

static const char SQL_REPORT_YEAR_MONTHS[] =
    "SELECT org, month, good_deeds, status, activities, participants, party_participants, seq,"
    " time_ms, received_ms FROM reports WHERE author = ?1"
    " AND month IN (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ORDER BY org, month";

/* The packed row of one organisation's year: buf holds n bytes. */
static cm_rc report_year_put(hub_store *st, sqlite3_stmt *put, const void *author,
                             const char *org, const char *year, const uint8_t *buf, size_t n,
                             cm_err *err) {
  sqlite3_reset(put);
  sqlite3_bind_blob(put, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  bind_text(put, 2, org);
  bind_text(put, 3, year);
  sqlite3_bind_blob(put, 4, buf, (int)n, SQLITE_STATIC);
  sqlite3_bind_int64(put, 5, st->pack_gen);
  int r = sqlite3_step(put);
  sqlite3_reset(put);
  return r == SQLITE_DONE ? CM_OK : cm_db_check(st->db, r, "汇总月报", err);
}

/* Pack the year of community key author again from reports: a row in
 * report_years per organisation with a report that year, none for the
 * others. */
static cm_rc report_year_pack(hub_store *st, sqlite3_stmt *sel, sqlite3_stmt *put,
                              sqlite3_stmt *del, const void *author, const char *year,
                              cm_err *err) {
  char months[12][16], org[256] = "";
  uint8_t buf[12 * (3 + PACK_STATUS_MAX + 10 * PACK_NUMS)];
  size_t n = 0;
  int r, full = 0;
  cm_rc rc = CM_OK;
  sqlite3_reset(del);
  sqlite3_bind_blob(del, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  bind_text(del, 2, year);
  r = sqlite3_step(del);
  sqlite3_reset(del);
  if (r != SQLITE_DONE) return cm_db_check(st->db, r, "汇总月报", err);
  sqlite3_reset(sel);
  sqlite3_bind_blob(sel, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  for (int m = 0; m < 12; m++) {
    snprintf(months[m], sizeof months[m], "%.4s-%02d", year, m + 1);
    bind_text(sel, 2 + m, months[m]);
  }
  while (!rc && (r = sqlite3_step(sel)) == SQLITE_ROW) {
    const char *o = (const char *)sqlite3_column_text(sel, 0);
    const char *month = (const char *)sqlite3_column_text(sel, 1);
    const char *status = (const char *)sqlite3_column_text(sel, 3);
    size_t sl = status ? strlen(status) : 0;
    if (!o || strlen(o) >= sizeof org || !month || strlen(month) != 7 || sl > PACK_STATUS_MAX)
      continue;
    if (strcmp(o, org) != 0) { /* the next organisation */
      if (n) rc = report_year_put(st, put, author, org, year, buf, n, err);
      snprintf(org, sizeof org, "%s", o);
      n = 0;
      full = 0;
    }
    if (rc || full) continue;
    buf[n++] = (uint8_t)atoi(month + 5);
    buf[n++] = sqlite3_column_int64(sel, 2) ? 1 : 0;
    buf[n++] = (uint8_t)sl;
    memcpy(buf + n, status, sl);
    n += sl;
    for (int i = 0; i < PACK_NUMS; i++)
      n += pack_i64(buf + n, sqlite3_column_int64(sel, 4 + i));
    full = n + 3 + PACK_STATUS_MAX + 10 * PACK_NUMS > sizeof buf;
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "汇总月报", err);
  if (!rc && n) rc = report_year_put(st, put, author, org, year, buf, n, err);
  sqlite3_reset(sel);
  return rc;
}

cm_rc hub_store_org_count(hub_store *st, size_t *n_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *n_out = 0;
  cm_rc rc = st_prep(st, "SELECT count(*) FROM organisations", &s, err);
  if (rc) return rc;
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *n_out = (size_t)sqlite3_column_int64(s, 0);
  else
    rc = cm_db_check(st->db, r, "读取组织", err);
  sqlite3_reset(s);
  return rc;
}

typedef struct dirty_key {
  uint8_t author[PROTO_KEY_BYTES];
  char year[8];
} dirty_key;

cm_rc hub_store_report_years_refresh(hub_store *st, cm_err *err) {
  sqlite3_stmt *q = NULL, *sel = NULL, *put = NULL, *del = NULL;
  dirty_key *keys = NULL;
  size_t n = 0, cap = 0;
  int r, dirty = 0;
  /* inside a caller's transaction: leave it, the readers read reports */
  if (!sqlite3_get_autocommit(st->db)) return CM_OK;
  r = st_prepare(st, "SELECT EXISTS(SELECT 1 FROM report_dirty)", -1, &q, NULL);
  cm_rc rc = cm_db_check(st->db, r, "汇总月报", err);
  if (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) dirty = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  q = NULL;
  if (rc || !dirty) return rc;
  rc = hub_store_begin(st, err);
  if (rc) return rc;
  /* the generation before this transaction's commit moves it */
  rc = hub_store_data_gen(st, &st->pack_gen, err);
  if (rc) {
    hub_store_rollback(st);
    return rc;
  }
  r = st_prepare(st, "SELECT author, year FROM report_dirty", -1, &q, NULL);
  rc = cm_db_check(st->db, r, "汇总月报", err);
  while (!rc && (r = sqlite3_step(q)) == SQLITE_ROW) {
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 256;
      dirty_key *p = realloc(keys, nc * sizeof *keys);
      if (!p) {
        rc = cm_errf(err, CM_ERR_NOMEM, "内存不足");
        break;
      }
      keys = p;
      cap = nc;
    }
    const void *a = sqlite3_column_blob(q, 0);
    const char *year = (const char *)sqlite3_column_text(q, 1);
    if (!a || sqlite3_column_bytes(q, 0) != PROTO_KEY_BYTES || !year) continue;
    memcpy(keys[n].author, a, PROTO_KEY_BYTES);
    snprintf(keys[n].year, sizeof keys[n].year, "%s", year);
    n++;
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "汇总月报", err);
  sqlite3_finalize(q);
  if (!rc)
    rc = cm_db_check(st->db, st_prepare(st, SQL_REPORT_YEAR_MONTHS, -1, &sel, NULL), "汇总月报",
                     err);
  if (!rc)
    rc = cm_db_check(st->db,
                     st_prepare(st,
                                "INSERT OR REPLACE INTO report_years(author, org, year,"
                                " months, gen) VALUES(?1, ?2, ?3, ?4, ?5)",
                                -1, &put, NULL),
                     "汇总月报", err);
  if (!rc)
    rc = cm_db_check(st->db,
                     st_prepare(st,
                                "DELETE FROM report_years WHERE author = ?1"
                                " AND year = ?2",
                                -1, &del, NULL),
                     "汇总月报", err);
  for (size_t i = 0; !rc && i < n; i++)
    rc = report_year_pack(st, sel, put, del, keys[i].author, keys[i].year, err);
  st->dirty_memo = 0;
  if (!rc) rc = st_exec(st, "DELETE FROM report_dirty", err);
  sqlite3_finalize(sel);
  sqlite3_finalize(put);
  sqlite3_finalize(del);
  free(keys);
  if (!rc) return hub_store_commit(st, err);
  hub_store_rollback(st);
  return rc;
}

/* HUB_DQ_REPORTS, HUB_DQ_REPORT_SUMS (no receipt times) and
 * HUB_DQ_LAST_ACTIVE (q) from report_years, the same rows in another order
 * (by year, author, organisation and month): a city's year is 250,000 packed
 * rows instead of 3 million.  *done 0 when some year waits to be packed again
 * (the caller reads reports then). */
static cm_rc report_years_rows(hub_store *st, hub_dash_query q, const char *from, const char *to,
                               hub_dash_row_fn fn, void *ctx, int *done, cm_err *err) {
  int sums = q != HUB_DQ_REPORTS;
  sqlite3_stmt *s = NULL;
  char hex[PROTO_KEY_HEX], org[256], month[16];
  hub_dash_row row;
  *done = 0;
  int r = st_prepare(st,
                     "SELECT author, org, year, months, EXISTS(SELECT 1 FROM report_dirty)"
                     " FROM report_years WHERE year >= substr(?1, 1, 4)"
                     " AND year <= substr(?2, 1, 4)",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取汇总", err);
  if (!rc) {
    bind_text(s, 1, from);
    bind_text(s, 2, to);
  }
  int first = 1;
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    if (first && sqlite3_column_int(s, 4)) break; /* stale: not done */
    first = 0;
    const uint8_t *a = sqlite3_column_blob(s, 0);
    const char *o = (const char *)sqlite3_column_text(s, 1);
    const char *year = (const char *)sqlite3_column_text(s, 2);
    const uint8_t *p = sqlite3_column_blob(s, 3);
    size_t len = (size_t)sqlite3_column_bytes(s, 3);
    if (!a || sqlite3_column_bytes(s, 0) != PROTO_KEY_BYTES || !o || !year || !p) continue;
    hex32(a, hex);
    snprintf(org, sizeof org, "%s", o);
    int same = 0; /* a row of this organisation handed on before */
    hub_packed_report pr;
    for (size_t i = 0; !rc && hub_store_packed_next(p, len, &i, &pr);) {
      int m = pr.month;
      if (m < 1 || m > 12 || strlen(year) != 4) continue;
      memcpy(month, year, 4); /* "YYYY-MM", without printf: once per report */
      month[4] = '-';
      month[5] = (char)('0' + m / 10);
      month[6] = (char)('0' + m % 10);
      month[7] = '\0';
      if (strcmp(month, from) < 0 || strcmp(month, to) > 0) continue;
      memset(&row, 0, sizeof row);
      if (q == HUB_DQ_LAST_ACTIVE) { /* its WHERE: activities > 0 */
        if (pr.activities <= 0) continue;
        row.active = (hub_dash_active_row){
            .author = hex, .org = org, .month = month, .status = pr.status, .same_org = same};
        rc = fn(ctx, &row, err);
        same = 1;
        continue;
      }
      row.report = (hub_dash_report_row){
          .author = hex, .org = org, .month = month,
          .activities = pr.activities, .participants = pr.participants,
          .party_participants = pr.party_participants,
          .seq = pr.seq, .time_ms = sums ? 0 : pr.time_ms,
          .received_ms = sums ? 0 : pr.received_ms,
          .good_deeds = pr.good_deeds, .status = pr.status, .same_org = same};
      rc = fn(ctx, &row, err);
      same = 1;
    }
  }
  if (!rc && r != SQLITE_DONE && r != SQLITE_ROW) rc = cm_db_check(st->db, r, "读取汇总", err);
  /* no row: done unless a year waits */
  if (!rc && first && r == SQLITE_DONE) {
    sqlite3_finalize(s);
    s = NULL;
    r = st_prepare(st, "SELECT EXISTS(SELECT 1 FROM report_dirty)", -1, &s, NULL);
    rc = cm_db_check(st->db, r, "读取汇总", err);
    if (!rc && sqlite3_step(s) == SQLITE_ROW && !sqlite3_column_int(s, 0)) *done = 1;
  } else if (!rc && !first) {
    *done = 1;
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_report_years_info(hub_store *st, hub_report_years_info *info, cm_err *err) {
  memset(info, 0, sizeof *info);
  cm_rc rc = rv_i64(st, "SELECT EXISTS(SELECT 1 FROM report_dirty)", "读取汇总", 0, &info->dirty,
                    err, "");
  if (!rc) rc = hub_store_data_gen(st, &info->gen, err);
  if (!rc)
    rc = rv_i64(st, "SELECT min(year) FROM report_years", "读取汇总", 0, &info->first_year, err,
                "");
  if (!rc)
    rc = rv_i64(st, "SELECT max(year) FROM report_years", "读取汇总", 0, &info->last_year, err,
                "");
  return rc;
}

cm_rc hub_store_report_years_read(hub_store *st, int64_t since, hub_report_year_fn fn, void *ctx,
                                  cm_err *err) {
  sqlite3_stmt *s = NULL;
  char hex[PROTO_KEY_HEX];
  /* every row (a scan of the table), or those packed since (its index) */
  int r = st_prepare(st,
                     since > 0 ? "SELECT author, org, year, months FROM report_years"
                                 " WHERE gen >= ?1"
                               : "SELECT author, org, year, months FROM report_years",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取汇总", err);
  if (!rc && since > 0) sqlite3_bind_int64(s, 1, since);
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    const uint8_t *a = sqlite3_column_blob(s, 0);
    const char *o = (const char *)sqlite3_column_text(s, 1);
    const char *year = (const char *)sqlite3_column_text(s, 2);
    const uint8_t *p = sqlite3_column_blob(s, 3);
    size_t len = (size_t)sqlite3_column_bytes(s, 3);
    if (!a || sqlite3_column_bytes(s, 0) != PROTO_KEY_BYTES || !o || !year || !p ||
        strlen(year) != 4)
      continue;
    hex32(a, hex);
    rc = fn(ctx, hex, o, atoi(year), p, len, err);
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取汇总", err);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_heard(hub_store *st, int64_t after, hub_heard_fn fn, void *ctx, int64_t *last_out,
                      cm_err *err) {
  sqlite3_stmt *s = NULL;
  char hex[PROTO_KEY_HEX];
  cm_rc rc = rv_i64(st, "SELECT coalesce(max(id), 0) FROM entries", "读取收到时间", 0, last_out,
                    err, "");
  if (rc) return rc;
  /* each community's newest entry (a lookup each), or every entry stored
   * since (by id: a range of the table) */
  int r = st_prepare(st,
                     after > 0 ? "SELECT author, seq, received_ms FROM entries WHERE id > ?1"
                                 " AND id <= ?2"
                               : "SELECT c.key, e.seq, e.received_ms FROM communities c"
                                 " JOIN entries e ON e.id = (SELECT x.id FROM entries x"
                                 "  WHERE x.author = c.key ORDER BY x.seq DESC LIMIT 1)",
                     -1, &s, NULL);
  rc = cm_db_check(st->db, r, "读取收到时间", err);
  if (!rc && after > 0) {
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, *last_out);
  }
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    const uint8_t *a = sqlite3_column_blob(s, 0);
    if (!a || sqlite3_column_bytes(s, 0) != PROTO_KEY_BYTES) continue;
    hex32(a, hex);
    rc = fn(ctx, hex, (uint64_t)sqlite3_column_int64(s, 1), (uint64_t)sqlite3_column_int64(s, 2),
            err);
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取收到时间", err);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_dash_rows(hub_store *st, hub_dash_query q, const char *const *params,
                          size_t n_params, hub_dash_row_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  dash_cols cols;
  hub_dash_row row;
  char hex[DASH_COLS][PROTO_KEY_HEX];
  uint8_t keys[4][PROTO_KEY_BYTES];
  cm_rc rc = st_flush(st, err);
  int r;

  if (rc) return rc;
  if ((size_t)q >= sizeof dash_queries / sizeof dash_queries[0] || !dash_queries[q].sql ||
      n_params > 4)
    return cm_errf(err, CM_ERR_INVALID, "统计看板没有这项查询");
  if ((q == HUB_DQ_REPORTS || q == HUB_DQ_REPORT_SUMS || q == HUB_DQ_LAST_ACTIVE) &&
      n_params == 2) {
    int done = 0;
    rc = report_years_rows(st, q, params[0], params[1], fn, ctx, &done, err);
    if (rc || done) return rc;
  }
  int cached = (size_t)q < DASH_STMTS && !st->dash_busy[q];
  if (cached && st->dash[q]) {
    s = st->dash[q];
  } else {
    r = sqlite3_prepare_v3(st->db, dash_queries[q].sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0,
                           &s, NULL);
    rc = cm_db_check(st->db, r, "准备汇总查询", err);
    if (rc) goto out;
    if (cached) st->dash[q] = s;
  }
  if (cached) st->dash_busy[q] = 1;
  for (size_t i = 0; i < n_params; i++) {
    if (dash_queries[q].key_params & (1u << i)) {
      if (!params[i] || proto_key_from_hex(params[i], keys[i]) != CM_OK) {
        rc = cm_errf(err, CM_ERR_INVALID, "密钥应为 64 位十六进制数字");
        goto out;
      }
      bind_key(s, (int)i + 1, keys[i]);
    } else {
      bind_text(s, (int)i + 1, params[i]);
    }
  }
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
    int n = sqlite3_column_count(s);
    memset(&cols, 0, sizeof cols);
    if (n > DASH_COLS) n = DASH_COLS;
    for (int i = 0; i < n; i++) {
      int type = sqlite3_column_type(s, i);
      if (type == SQLITE_NULL) continue;
      if (type == SQLITE_BLOB) {
        if (sqlite3_column_bytes(s, i) == PROTO_KEY_BYTES) {
          hex32(sqlite3_column_blob(s, i), hex[i]);
          cols.text[i] = hex[i];
        } else {
          cols.text[i] = "";
        }
        continue;
      }
      /* Numbers are read as numbers: converting each to text costs more
       * than the rest of a dashboard row. */
      cols.text[i] = type == SQLITE_TEXT ? (const char *)sqlite3_column_text(s, i) : "";
      if (!cols.text[i]) cols.text[i] = "";
      /* A text's number as SQLite converts it (its leading integer, after
       * spaces and a sign), asked only of a text that can have one: the
       * conversion of every name and status was a sixth of a row's cost. */
      const char *t = cols.text[i];
      while (*t == ' ' || (*t >= '\t' && *t <= '\r'))
        t++;
      if (type != SQLITE_TEXT || (*t >= '0' && *t <= '9') || *t == '-' || *t == '+')
        cols.num[i] = sqlite3_column_int64(s, i);
    }
    dash_fill(q, &cols, &row);
    rc = fn(ctx, &row, err);
  }
  if (!rc && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取汇总", err);
out:
  if (cached) {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    st->dash_busy[q] = 0;
  } else {
    sqlite3_finalize(s);
  }
  return rc;
}

cm_rc hub_store_review_reject_put(hub_store *st, const uint8_t reviewer[PROTO_KEY_BYTES],
                                  uint64_t rseq, const uint8_t author[PROTO_KEY_BYTES],
                                  uint64_t seq, const char *reason, cm_err *err) {
  return rv_exec(st,
                 "INSERT OR REPLACE INTO review_rejects(reviewer, rseq, author, seq, reason) "
                 "VALUES(?1, ?2, ?3, ?4, ?5)",
                 "保存被退回的记录", err, "kikit", reviewer, (int64_t)rseq, author,
                 (int64_t)seq, reason);
}

/* A community's batches: the changesets that supplied its entries, with the
 * range they supplied and the newest review by the hub that enrolled it (a
 * review binds to the hash of the last entry it covered).  BATCHES_WHERE
 * picks the changesets: one by id (the primary key), or all after an id.
 * The newest review of a batch is looked for among its community's reviews
 * that end at or after it (reviews_last): left to itself, SQLite reads every
 * review of the reviewer for each batch, quadratic in a hub's batches. */
#define SQL_BATCHES(BATCHES_WHERE)                                                               \
  "SELECT b.id AS id, b.author AS author, a.name AS community, a.code AS code,"                \
  " b.first_seq AS first_seq, b.last_seq AS last_seq, b.entries AS entries,"                   \
  " b.received_ms AS received_ms,"                                                             \
  " coalesce(r.result, 'pending') AS status, coalesce(r.reason, '') AS reason,"                \
  " coalesce(r.operator, '') AS operator, coalesce(r.rseq, 0) AS review_seq "                  \
  "FROM (SELECT c.id AS id, c.author AS author, min(e.seq) AS first_seq,"                      \
  "  max(e.seq) AS last_seq, count(*) AS entries, c.received_ms AS received_ms"                \
  "  FROM changesets c JOIN entries e ON e.author = c.author"                                  \
  "  AND e.seq BETWEEN c.first_seq AND c.last_seq AND e.changeset = c.id"                      \
  "  WHERE " BATCHES_WHERE " GROUP BY c.id) b"                                                 \
  " JOIN authors a ON a.key = b.author AND a.role = 'community'"                               \
  " LEFT JOIN reviews r ON r.rseq = (SELECT max(r2.rseq) FROM reviews r2 INDEXED BY reviews_last" \
  "  WHERE r2.reviewer = a.enrolled_by AND r2.author = b.author"                               \
  "  AND r2.first_seq <= b.first_seq AND r2.last_seq >= b.last_seq"                            \
  "  AND (r2.last_hash IS NULL OR r2.last_hash = (SELECT h.hash FROM entries h"                \
  "  WHERE h.author = r2.author AND h.seq = r2.last_seq)))"                                    \
  "  AND r.reviewer = a.enrolled_by "                                                          \
  "WHERE (?2 = 0 OR r.result IS NULL) ORDER BY b.id"

cm_rc hub_store_batches_json(hub_store *st, int64_t id, int pending_only, json_t **out,
                             cm_err *err) {
  if (id > 0)
    return rv_rows(st, SQL_BATCHES("c.id = ?1"), out, err, "ii", id,
                   (int64_t)(pending_only ? 1 : 0));
  return rv_rows(st, SQL_BATCHES("c.id > ?1"), out, err, "ii", -id,
                 (int64_t)(pending_only ? 1 : 0));
}

cm_rc hub_store_batch_records_json(hub_store *st, int64_t id, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT s.seq AS seq, s.kind AS kind, hub_body(e.body, e.raw_len) AS body_json,"
                 " s.status AS status, coalesce((SELECT f.reason FROM refusals f"
                 "  WHERE f.author = s.author AND f.seq = s.seq),"
                 " (SELECT x.reason FROM review_rejects x"
                 "  JOIN authors a ON a.key = s.author WHERE x.reviewer = a.enrolled_by"
                 "  AND x.author = s.author AND x.seq = s.seq ORDER BY x.rseq DESC LIMIT 1), '')"
                 " AS reason "
                 "FROM changesets c JOIN entry_status s ON s.author = c.author"
                 " AND s.seq BETWEEN c.first_seq AND c.last_seq AND s.changeset = c.id"
                 " JOIN entries e ON e.author = s.author AND e.seq = s.seq "
                 "WHERE c.id = ?1 ORDER BY s.seq",
                 out, err, "i", id);
}

/* Counted in the (author, seq) index alone: the entries' rows (their bodies)
 * are not read.  A batch's entries that are not projected monthly reports
 * are the difference with SQL_BATCH_REPORTS. */
static const char SQL_BATCH_ENTRIES[] =
    "SELECT count(*) FROM entries WHERE author = ?1 AND seq BETWEEN ?2 AND ?3";
/* Versions are keyed by (author, month, org, seq) and indexed by (author,
 * seq): the batch's are found by the index, an older version of the same
 * month by a range of the key. */
static const char SQL_BATCH_REPORTS[] =
    "SELECT count(*), coalesce(sum(flagged), 0) FROM report_versions"
    " WHERE author = ?1 AND seq BETWEEN ?2 AND ?3";
static const char SQL_BATCH_CORRECTS[] =
    "SELECT 1 FROM report_versions v JOIN report_versions o ON o.author = v.author"
    " AND o.org = v.org AND o.month = v.month AND o.seq < v.seq"
    " JOIN record_status s ON s.author = o.author AND s.seq = o.seq"
    " WHERE v.author = ?1 AND v.seq BETWEEN ?2 AND ?3"
    " AND s.status IN ('accepted', 'superseded') LIMIT 1";

/* Run one of the batch queries; its first columns into out[0..n). */
static cm_rc batch_query(hub_store *st, const char *sql, const uint8_t *author, uint64_t first,
                         uint64_t last, int64_t *out, int n, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, sql, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, first);
  bind_u64(s, 3, last);
  int r = sqlite3_step(s);
  for (int i = 0; i < n; i++) out[i] = r == SQLITE_ROW ? sqlite3_column_int64(s, i) : 0;
  if (r != SQLITE_ROW && r != SQLITE_DONE) rc = cm_db_check(st->db, r, "读取批次", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_batch_facts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            uint64_t first_seq, uint64_t last_seq, hub_batch_facts *f,
                            cm_err *err) {
  int64_t v[2], one = 0;
  memset(f, 0, sizeof *f);
  cm_rc rc = batch_query(st, SQL_BATCH_ENTRIES, author, first_seq, last_seq, v, 1, err);
  if (rc) return rc;
  f->entries = v[0];
  rc = batch_query(st, SQL_BATCH_REPORTS, author, first_seq, last_seq, v, 2, err);
  if (rc) return rc;
  f->reports = v[0];
  f->flagged = v[1];
  f->others = f->entries - f->reports;
  if (f->others != 0 || f->flagged != 0) return CM_OK;
  rc = batch_query(st, SQL_BATCH_CORRECTS, author, first_seq, last_seq, &one, 1, err);
  f->corrects_accepted = one != 0;
  return rc;
}

cm_rc hub_store_decision_put(hub_store *st, const char *record,
                             const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                             const char *kind, const char *by_level, const uint8_t *to,
                             const char *org, const char *community, const char *deadline,
                             const char *result, const char *reason, const char *operator_name,
                             uint64_t time_ms, cm_err *err) {
  /* A relayed decision is the same record as its origin: the first copy
   * stays. */
  return rv_exec(st,
                 "INSERT OR IGNORE INTO decisions(record, author, seq, kind, by_level, to_key, "
                 "org, community, deadline, result, reason, operator, time_ms) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                 "保存决定", err, "tkittktttttti", record, author, (int64_t)seq, kind,
                 by_level, to, org, community, deadline, result, reason, operator_name,
                 (int64_t)time_ms);
}

cm_rc hub_store_closure_put(hub_store *st, const char *decision,
                            const uint8_t author[PROTO_KEY_BYTES], uint64_t seq, cm_err *err) {
  return rv_exec(st,
                 "INSERT OR IGNORE INTO closures(decision, author, seq) VALUES(?1, ?2, ?3)",
                 "保存关闭记录", err, "tki", decision, author, (int64_t)seq);
}

cm_rc hub_store_withdrawal_put(hub_store *st, const char *decision,
                               const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                               const char *reason, cm_err *err) {
  cm_rc rc = rv_exec(st,
                     "INSERT OR IGNORE INTO withdrawals(decision, author, seq, reason)"
                     " VALUES(?1, ?2, ?3, ?4)",
                     "保存撤回", err, "tkit", decision, author, (int64_t)seq,
                     reason);
  if (!rc) rc = hub_store_closure_put(st, decision, author, seq, err);
  return rc;
}

cm_rc hub_store_decision_issuer(hub_store *st, const char *record, uint8_t author_out[PROTO_KEY_BYTES],
                                int *found_out, int *withdrawn_out, cm_err *err) {
  json_t *rows = NULL;
  cm_rc rc = rv_rows(st,
                     "SELECT hex(d.author) AS author, d.kind AS kind,"
                     " EXISTS(SELECT 1 FROM withdrawals w WHERE w.decision = d.record) AS w"
                     " FROM decisions d WHERE d.record = ?1",
                     &rows, err, "t", record);
  *found_out = 0;
  *withdrawn_out = 0;
  if (!rc && json_array_size(rows) == 1) {
    json_t *r = json_array_get(rows, 0);
    const char *hex = json_string_value(json_object_get(r, "author"));
    const char *kind = json_string_value(json_object_get(r, "kind"));
    *found_out = hex && kind && strcmp(kind, "withdrawn") != 0 &&
                 cm_hex_decode(hex, strlen(hex), author_out, PROTO_KEY_BYTES) == CM_OK;
    *withdrawn_out = json_integer_value(json_object_get(r, "w")) != 0;
  }
  json_decref(rows);
  return rc;
}

cm_rc hub_store_decisions_json(hub_store *st, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT d.record AS record, d.kind AS kind, d.by_level AS by, d.org AS org,"
                 " d.community AS community, d.to_key AS to_key, d.deadline AS deadline,"
                 " d.result AS result, d.reason AS reason, d.operator AS operator,"
                 " d.time_ms AS time_ms, EXISTS(SELECT 1 FROM closures c"
                 "  WHERE c.decision = d.record) AS closed,"
                 " w.reason AS withdrawn_reason "
                 "FROM decisions d LEFT JOIN withdrawals w ON w.decision = d.record"
                 " ORDER BY d.time_ms DESC, d.record",
                 out, err, "");
}

cm_rc hub_store_activity_ack_put(hub_store *st, const char *activity, const char *level,
                                 const char *status, const char *note,
                                 const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                                 cm_err *err) {
  return rv_exec(st,
                 "INSERT OR REPLACE INTO activity_acks(activity, level, status, note, author, "
                 "seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                 "保存确认", err, "ttttki", activity, level, status, note,
                 author, (int64_t)seq);
}

cm_rc hub_store_activities_json(hub_store *st, json_t **out, cm_err *err) {
  return rv_rows(
      st,
      "SELECT a.id AS id, a.org AS org, a.date AS date,"
      " coalesce(json_extract(hub_body(e.body, e.raw_len), '$.title'), '') AS title,"
      " coalesce(c.name, au.name, '') AS community, a.author AS author,"
      " e.time_ms AS declared_ms,"
      " coalesce(s.status, 'pending') AS street_status, coalesce(s.note, '') AS street_note,"
      " coalesce(d.status, 'pending') AS district_status, coalesce(d.note, '') AS district_note "
      "FROM activities a JOIN entries e ON e.author = a.author AND e.seq = a.seq"
      " LEFT JOIN authors au ON au.key = a.author LEFT JOIN communities c ON c.key = a.author"
      " LEFT JOIN activity_acks s ON s.activity = a.id AND s.level = 'street'"
      " LEFT JOIN activity_acks d ON d.activity = a.id AND d.level = 'district' "
      "ORDER BY a.date, a.id",
      out, err, "");
}

cm_rc hub_store_activity_find(hub_store *st, const char *id, uint8_t author_out[PROTO_KEY_BYTES],
                              char *org_out, size_t org_cap, int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st,
                     "SELECT author, org FROM activities WHERE id = ?1 "
                     "ORDER BY seq DESC LIMIT 1",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "查找活动", err);
  *found_out = 0;
  if (!rc) {
    bind_text(s, 1, id);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      col_32(s, 0, author_out);
      col_text(s, 1, org_out, org_cap);
      *found_out = 1;
    } else if (r != SQLITE_DONE) {
      rc = cm_db_check(st->db, r, "查找活动", err);
    }
  }
  sqlite3_finalize(s);
  return rc;
}

/* The 32-byte key in the first column of the first row sql gives for one text
 * parameter; *found_out is 0 when there is no row. */
static cm_rc find_key(hub_store *st, const char *sql, const char *param, const char *what,
                      uint8_t key_out[PROTO_KEY_BYTES], int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st, sql, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, what, err);
  *found_out = 0;
  if (!rc) {
    bind_text(s, 1, param);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
      *found_out = col_32(s, 0, key_out);
    else if (r != SQLITE_DONE)
      rc = cm_db_check(st->db, r, what, err);
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_org_holder(hub_store *st, const char *id, uint8_t author_out[PROTO_KEY_BYTES],
                           int *found_out, cm_err *err) {
  return find_key(st, "SELECT author FROM organisations WHERE id = ?1 LIMIT 1", id,
                  "查找组织", author_out, found_out, err);
}

cm_rc hub_store_org_status(hub_store *st, const char *id, char status_out[HUB_STATUS_MAX],
                           int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st, "SELECT status FROM organisations WHERE id = ?1 LIMIT 1", -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取组织状态", err);
  status_out[0] = '\0';
  *found_out = 0;
  if (rc) return rc;
  bind_text(s, 1, id);
  r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(s, 0);
    snprintf(status_out, HUB_STATUS_MAX, "%s", t ? (const char *)t : "");
    *found_out = 1;
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取组织状态", err);
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_community_find(hub_store *st, const char *name_or_code,
                               uint8_t key_out[PROTO_KEY_BYTES], int *found_out, cm_err *err) {
  return find_key(st,
                  "SELECT key FROM communities WHERE name = ?1 OR code = ?1 "
                  "ORDER BY (code = ?1) DESC LIMIT 1",
                  name_or_code, "查找社区", key_out, found_out, err);
}

cm_rc hub_store_forks_json(hub_store *st, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT f.id AS id, f.author AS author, coalesce(a.name, '') AS name,"
                 " f.seq AS seq, f.time_ms AS time_ms, f.via AS via,"
                 " coalesce(a.quarantined, 0) AS quarantined,"
                 " (SELECT hex(e.hash) FROM entries e WHERE e.author = f.author"
                 "  AND e.seq = f.seq) AS held_hash "
                 "FROM forks f LEFT JOIN authors a ON a.key = f.author ORDER BY f.id",
                 out, err, "");
}

cm_rc hub_store_fork_other(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], int64_t fork_id,
                           uint8_t **bytes_out, size_t *len_out, uint64_t *seq_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r =
      st_prepare(st, "SELECT other, seq FROM forks WHERE author = ?1 AND id = ?2", -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取分叉证据", err);
  *bytes_out = NULL;
  *len_out = 0;
  if (!rc) {
    bind_key(s, 1, author);
    sqlite3_bind_int64(s, 2, fork_id);
    r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
      size_t n = (size_t)sqlite3_column_bytes(s, 0);
      *bytes_out = malloc(n ? n : 1);
      if (!*bytes_out) {
        rc = cm_errf(err, CM_ERR_NOMEM, "读取分叉证据时内存不足");
      } else {
        if (n) memcpy(*bytes_out, sqlite3_column_blob(s, 0), n);
        *len_out = n;
        *seq_out = col_u64(s, 1);
      }
    } else if (r == SQLITE_DONE) {
      rc = cm_errf(err, CM_ERR_NOT_FOUND, "没有这份分叉证据");
    } else {
      rc = cm_db_check(st->db, r, "读取分叉证据", err);
    }
  }
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_author_unquarantine(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                                    cm_err *err) {
  return rv_exec(st, "UPDATE authors SET quarantined = 0 WHERE key = ?1", "解除台账隔离",
                 err, "k", key);
}

/* The entries year_entries keeps, and how one is read into it (also the
 * fill of a hub upgraded to the table: every such entry). */
#define YEAR_ENTRY_KINDS                                                                           \
  "('inspection.self', 'plan.annual', 'summary.annual', 'plan.unit', 'summary.unit')"
#define SQL_YEAR_ENTRY_INSERT(FROM, WHERE)                                                         \
  "INSERT OR IGNORE INTO year_entries(author, seq, kind, year, org, time_ms)"                     \
  " SELECT author, seq, kind, b->>'year', b->>'org', time_ms FROM (SELECT e.author AS author,"    \
  " e.seq AS seq, e.kind AS kind, e.time_ms AS time_ms, hub_body(e.body, e.raw_len) AS b"         \
  " FROM " FROM " WHERE " WHERE " AND e.kind IN " YEAR_ENTRY_KINDS ") WHERE json_valid(b)"
static const char SQL_YEAR_ENTRY_PUT[] =
    SQL_YEAR_ENTRY_INSERT("entries e", "e.author = ?1 AND e.seq = ?2");

cm_rc hub_store_year_entry_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                               const char *kind, cm_err *err) {
  static const char *const kinds[] = {"inspection.self", "plan.annual", "summary.annual",
                                      "plan.unit", "summary.unit"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kind, kinds[i]) == 0)
      return rv_exec(st, SQL_YEAR_ENTRY_PUT, "保存年度记录", err, "ki", author, (int64_t)seq);
  return CM_OK;
}

/* A hub upgraded to year_entries: fill it from the log once, when it is
 * empty and the log holds such entries.  Asked at every open, by a read
 * (no write lock while a server runs) through the partial index of the
 * rarer kinds, never a scan of the reports. */
static cm_rc year_entries_fill(hub_store *st, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st,
                     "SELECT NOT EXISTS(SELECT 1 FROM year_entries) AND EXISTS(SELECT 1"
                     " FROM entries INDEXED BY entries_events WHERE kind IN " YEAR_ENTRY_KINDS
                     " AND " ENTRIES_EVENTS_WHERE ")",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取年度记录", err);
  int empty = 0;
  if (!rc) {
    r = sqlite3_step(s);
    if (r == SQLITE_ROW)
      empty = sqlite3_column_int(s, 0);
    else
      rc = cm_db_check(st->db, r, "读取年度记录", err);
  }
  sqlite3_finalize(s);
  if (!rc && empty)
    rc = st_exec(
        st, SQL_YEAR_ENTRY_INSERT("entries e INDEXED BY entries_events", ENTRIES_EVENTS_WHERE) ";",
        err);
  return rc;
}

cm_rc hub_store_entries_drop_from(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                  uint64_t from_seq, cm_err *err) {
  return rv_exec(st, "DELETE FROM entries WHERE author = ?1 AND seq >= ?2",
                 "丢弃分叉的一支", err, "ki", author, (int64_t)from_seq);
}

cm_rc hub_store_read_begin(hub_store *st, cm_err *err) {
  st->dirty_memo = 0;
  st->changes_at_begin = sqlite3_total_changes64(st->db);
  return st_exec(st, "BEGIN", err);
}

cm_rc hub_store_query_only(hub_store *st, cm_err *err) {
  return st_exec(st, "PRAGMA query_only = ON", err);
}

cm_rc hub_store_rebuild_cache(hub_store *st, int big, cm_err *err) {
  /* KiB: 1 GiB for a rebuild, else 16 MB */
  return st_exec(st, big ? "PRAGMA cache_size = -1048576" : "PRAGMA cache_size = -16384", err);
}

cm_rc hub_store_version(hub_store *st, uint64_t out[2], cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st, "PRAGMA data_version", -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取数据库版本", err);
  if (!rc) {
    r = sqlite3_step(s);
    rc = r == SQLITE_ROW ? CM_OK : cm_db_check(st->db, r, "读取数据库版本", err);
  }
  out[0] = (uint64_t)sqlite3_total_changes64(st->db);
  out[1] = rc ? 0 : col_u64(s, 0);
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_upfeed_foreach(hub_store *st, uint64_t after, hub_store_upfeed_fn fn, void *ctx,
                               cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st,
                     "SELECT cursor, bytes FROM upstream_feed WHERE cursor > ?1 "
                     "ORDER BY cursor",
                     -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "读取上级的记录", err);
  if (rc) goto out;
  bind_u64(s, 1, after);
  while ((r = sqlite3_step(s)) == SQLITE_ROW) {
    rc = fn(ctx, col_u64(s, 0), sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1),
            err);
    if (rc) break;
  }
  if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "读取上级的记录", err);
out:
  sqlite3_finalize(s);
  return rc;
}

cm_rc hub_store_local_counts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                             int64_t *orgs_out, int64_t *activities_out, cm_err *err) {
  json_t *rows = NULL;
  cm_rc rc = rv_rows(st,
                     "SELECT (SELECT count(*) FROM organisations WHERE author = ?1) AS o,"
                     " (SELECT count(*) FROM activities WHERE author = ?1) AS a",
                     &rows, err, "k", author);
  json_t *r = json_array_get(rows, 0);
  *orgs_out = json_integer_value(json_object_get(r, "o"));
  *activities_out = json_integer_value(json_object_get(r, "a"));
  json_decref(rows);
  return rc;
}

/* ---- backup and restore (hub/backup.c) ---- */

static const char SQL_CONFIG_DELETE[] = "DELETE FROM config WHERE key = ?1";
static const char SQL_SELF_KEY[] = "SELECT key FROM authors WHERE role = 'self'";
static const char SQL_AUTHOR_REVOKE[] = "UPDATE authors SET revoked = ?2 WHERE key = ?1";

static const char SQL_AUTHOR_REPLACES[] = "UPDATE authors SET replaces = ?2 WHERE key = ?1";
static const char SQL_SUCCESSOR[] = "SELECT key FROM authors WHERE replaces = ?1 ORDER BY rowid LIMIT 1";
static const char SQL_LINEAGE_HEAD[] =
    "WITH RECURSIVE up(k, d) AS (SELECT ?1, 0 UNION ALL SELECT a.key, up.d + 1 FROM authors a"
    " JOIN up ON a.replaces = up.k WHERE up.d < " HUB_LINEAGE_MAX_S ")"
    " SELECT k FROM up ORDER BY d DESC LIMIT 1";
static const char SQL_IN_LINEAGE[] = LINEAGE("?1") "SELECT 1 FROM chain WHERE k = ?2";
static const char SQL_ORG_OWN[] = "SELECT author FROM organisations WHERE author = ?1 AND id = ?2";
static const char SQL_ORG_OWNER[] =
    LINEAGE("?1") "SELECT o.author FROM chain JOIN organisations o ON o.author = chain.k"
    " WHERE o.id = ?2 ORDER BY chain.d LIMIT 1";

cm_rc hub_store_replaceable_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                                 cm_err *err) {
  return rows_json(st,
                   "SELECT key, name, code, revoked FROM authors a WHERE role = 'community'"
                   " AND enrolled_by = ?1 AND NOT EXISTS(SELECT 1 FROM authors x"
                   " WHERE x.replaces = a.key) ORDER BY rowid",
                   self, out, err);
}

cm_rc hub_store_author_set_replaces(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                                    const uint8_t old[PROTO_KEY_BYTES], cm_err *err) {
  sqlite3_stmt *s = NULL;
  st->memo_lone = st->memo_no_roster = 0;
  cm_rc rc = st_prep(st, SQL_AUTHOR_REPLACES, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  bind_key(s, 2, old);
  return st_done(st, s, "记录替换的密钥", err);
}

/* One key (column 0) from a cached statement whose ?1 is key and ?2 (when
 * given) two; *found_out 0 when no row. */
static cm_rc one_key(hub_store *st, const char *sql, const uint8_t *key, const void *two,
                     int two_is_key, uint8_t out[PROTO_KEY_BYTES], int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  /* an organisation's owner: authors and organisations only */
  cm_rc rc = sql == SQL_ORG_OWN || sql == SQL_ORG_OWNER ? st_prep_beside(st, sql, &s, err)
                                                        : st_prep(st, sql, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  if (two && two_is_key) bind_key(s, 2, two);
  else if (two) bind_text(s, 2, two);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *found_out = out ? col_32(s, 0, out) : 1;
  else if (r != SQLITE_DONE)
    rc = cm_db_check(st->db, r, "读取社区的密钥", err);
  sqlite3_reset(s);
  return rc;
}

static const char SQL_LONE[] = "SELECT 1 WHERE " SQL_LONE_KEY("?1");

static cm_rc key_lone(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], int *lone_out,
                      cm_err *err) {
  int in_txn = !sqlite3_get_autocommit(st->db);
  if (in_txn && st->memo_lone && memcmp(st->memo_key, key, PROTO_KEY_BYTES) == 0) {
    *lone_out = 1;
    return CM_OK;
  }
  cm_rc rc = one_key(st, SQL_LONE, key, NULL, 0, NULL, lone_out, err);
  if (!rc && in_txn && *lone_out) {
    if (memcmp(st->memo_key, key, PROTO_KEY_BYTES) != 0) st->memo_no_roster = 0;
    memcpy(st->memo_key, key, PROTO_KEY_BYTES);
    st->memo_lone = 1;
  }
  return rc;
}

cm_rc hub_store_successor(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                          uint8_t succ_out[PROTO_KEY_BYTES], int *found_out, cm_err *err) {
  return one_key(st, SQL_SUCCESSOR, key, NULL, 0, succ_out, found_out, err);
}

cm_rc hub_store_lineage_head(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                             uint8_t head_out[PROTO_KEY_BYTES], cm_err *err) {
  int found = 0;
  cm_rc rc = one_key(st, SQL_LINEAGE_HEAD, key, NULL, 0, head_out, &found, err);
  if (!rc && !found) memcpy(head_out, key, PROTO_KEY_BYTES);
  return rc;
}

cm_rc hub_store_in_lineage(hub_store *st, const uint8_t key[PROTO_KEY_BYTES],
                           const uint8_t of[PROTO_KEY_BYTES], int *yes_out, cm_err *err) {
  return one_key(st, SQL_IN_LINEAGE, key, of, 1, NULL, yes_out, err);
}

cm_rc hub_store_org_owner(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], const char *id,
                          uint8_t owner_out[PROTO_KEY_BYTES], int *found_out, cm_err *err) {
  /* The key itself comes first in its lineage (d 0): when it filed the
   * organisation, that is the answer, without the recursive walk (whose
   * queue is a temporary B-tree each time). */
  int lone = 0;
  cm_rc rc = one_key(st, SQL_ORG_OWN, key, id, 0, owner_out, found_out, err);
  if (rc || *found_out) return rc;
  rc = key_lone(st, key, &lone, err);
  if (rc || lone) return rc; /* no other key of its community to have filed it */
  return one_key(st, SQL_ORG_OWNER, key, id, 0, owner_out, found_out, err);
}

cm_rc hub_store_author_revoke(hub_store *st, const uint8_t key[PROTO_KEY_BYTES], uint64_t upto,
                              cm_err *err) {
  sqlite3_stmt *s = NULL;
  if (upto >= (uint64_t)INT32_MAX) return cm_errf(err, CM_ERR_INVALID, "序号超出范围");
  cm_rc rc = st_prep(st, SQL_AUTHOR_REVOKE, &s, err);
  if (rc) return rc;
  bind_key(s, 1, key);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)upto + 1);
  return st_done(st, s, "吊销公钥", err);
}

cm_rc hub_store_backup(hub_store *st, const char *path, cm_err *err) {
  return cm_db_backup_to(st->db, path, err);
}

cm_rc hub_store_config_delete(hub_store *st, const char *key, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_CONFIG_DELETE, &s, err);
  if (rc) return rc;
  bind_text(s, 1, key);
  return st_done(st, s, "写入配置", err);
}

cm_rc hub_store_self_key(hub_store *st, uint8_t key_out[PROTO_KEY_BYTES], int *found_out,
                         cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  cm_rc rc = st_prep(st, SQL_SELF_KEY, &s, err);
  if (rc) return rc;
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW && sqlite3_column_bytes(s, 0) == PROTO_KEY_BYTES) {
    memcpy(key_out, sqlite3_column_blob(s, 0), PROTO_KEY_BYTES);
    *found_out = 1;
  } else if (r != SQLITE_ROW && r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取本站密钥", err);
  }
  sqlite3_reset(s);
  return rc;
}

/* ---- attachments (hub/attach.c): the file.attached entries ---- */

static const char SQL_ENTRY_BODY[] =
    "SELECT e.kind, hub_body(e.body, e.raw_len), (SELECT f.reason FROM refusals f"
    " WHERE f.author = e.author AND f.seq = e.seq) FROM entries e WHERE e.author = ?1 AND e.seq = ?2";
static const char SQL_KIND_AFTER[] =
    "SELECT e.seq, hub_body(e.body, e.raw_len) FROM entries e WHERE e.author = ?1 AND e.seq > ?2"
    " AND e.kind = ?3"
    " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
    " ORDER BY e.seq";

cm_rc hub_store_entry_body(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                           char kind_out[PROTO_KIND_MAX + 1], uint8_t **body_out,
                           size_t *len_out, char *refused_out, size_t refused_cap,
                           int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  refused_out[0] = '\0';
  *body_out = NULL;
  *len_out = 0;
  cm_rc rc = st_prep(st, SQL_ENTRY_BODY, &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_u64(s, 2, seq);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(s, 0);
    snprintf(kind_out, PROTO_KIND_MAX + 1, "%s", k ? k : "");
    size_t n = (size_t)sqlite3_column_bytes(s, 1);
    uint8_t *b = malloc(n ? n : 1);
    if (!b) {
      rc = cm_errf(err, CM_ERR_NOMEM, "读取记录时内存不足");
    } else {
      if (n) memcpy(b, sqlite3_column_blob(s, 1), n);
      *body_out = b;
      *len_out = n;
      if (sqlite3_column_type(s, 2) != SQLITE_NULL) {
        const char *why = (const char *)sqlite3_column_text(s, 2);
        /* never empty: a refused entry must read as refused */
        snprintf(refused_out, refused_cap, "%s", why && *why ? why : "拒收");
      }
      *found_out = 1;
    }
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取记录", err);
  }
  sqlite3_reset(s);
  return rc;
}

static const char SQL_FILE_IN_STREET[] =
    "SELECT EXISTS(SELECT 1 FROM entries e INDEXED BY entries_events"
    " JOIN authors a ON a.key = e.author WHERE e.kind = 'file.attached'"
    " AND " ENTRIES_EVENTS_WHERE " AND " BODY_JSON("e") "->>'hash' = ?1 AND a.street = ?2"
    " AND a.role IN ('community', 'street')"
    " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq))";

cm_rc hub_store_file_in_street(hub_store *st, const char *hash, const char *street,
                               int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  cm_rc rc = st_prep(st, SQL_FILE_IN_STREET, &s, err);
  *found_out = 0;
  if (rc) return rc;
  bind_text(s, 1, hash);
  bind_text(s, 2, street);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW)
    *found_out = sqlite3_column_int(s, 0);
  else
    rc = cm_db_check(st->db, r, "查找文件所属的街道", err);
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_kind_each(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t after,
                          const char *kind, hub_store_kind_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  /* not the cached statement: fn may run other statements of this store */
  int r = st_prepare(st, SQL_KIND_AFTER, -1, &s, NULL);
  cm_rc rc = cm_db_check(st->db, r, "列出某一类记录", err);
  if (rc) return rc;
  sqlite3_bind_blob(s, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  bind_u64(s, 2, after);
  sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
  while ((r = sqlite3_step(s)) == SQLITE_ROW && !rc)
    rc = fn(ctx, (uint64_t)sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
            (size_t)sqlite3_column_bytes(s, 1), err);
  if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
    rc = cm_db_check(st->db, r, "列出某一类记录", err);
  sqlite3_finalize(s);
  return rc;
}

static const char SQL_AUTHOR_ENTRIES[] =
    "SELECT seq, kind, time_ms, hub_body(body, raw_len) FROM entries WHERE author = ?1"
    " AND (?2 IS NULL OR kind = ?2) ORDER BY seq";
/* the same of one event kind, through its index: not every entry of the
 * community (an organisation's attachments, at each request of its page) */
static const char SQL_AUTHOR_EVENTS[] =
    "SELECT seq, kind, time_ms, hub_body(body, raw_len) FROM entries INDEXED BY entries_events"
    " WHERE kind = ?2 AND " ENTRIES_EVENTS_WHERE " AND author = ?1 ORDER BY seq";

cm_rc hub_store_author_entries(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const char *kind, hub_store_author_fn fn, void *ctx, cm_err *err) {
  sqlite3_stmt *s = NULL;
  int r = st_prepare(st, kind && events_kind(kind) ? SQL_AUTHOR_EVENTS : SQL_AUTHOR_ENTRIES, -1, &s,
                     NULL);
  cm_rc rc = cm_db_check(st->db, r, "列出一个台账的记录", err);
  if (rc) return rc;
  sqlite3_bind_blob(s, 1, author, PROTO_KEY_BYTES, SQLITE_STATIC);
  if (kind) bind_text(s, 2, kind);
  while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW)
    rc = fn(ctx, (uint64_t)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
            (uint64_t)sqlite3_column_int64(s, 2), sqlite3_column_blob(s, 3),
            (size_t)sqlite3_column_bytes(s, 3), err);
  if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
    rc = cm_db_check(st->db, r, "列出一个台账的记录", err);
  sqlite3_finalize(s);
  return rc;
}

/* ---- reviewer warnings (common/warnings.c) ---- */

cm_rc hub_store_street_org_names(hub_store *st, const char *street, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT o.id AS id, coalesce(json_extract(o.data, '$.name'), '') AS name"
                 " FROM organisations o JOIN authors a ON a.key = o.author"
                 " WHERE ?1 = '' OR a.street = ?1 OR a.role = 'self' ORDER BY o.id",
                 out, err, "t", street);
}

cm_rc hub_store_org_versions_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                                  const char *id, int64_t before_seq, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT f.seq AS seq, e.kind AS kind, hub_body(e.body, e.raw_len) AS body_json"
                 " FROM filing_versions f JOIN entries e ON e.author = f.author AND e.seq = f.seq"
                 " WHERE f.author = ?1 AND f.id = ?2 AND f.seq < ?3 ORDER BY f.seq",
                 out, err, "kti", author, id, before_seq);
}

/* ---- communities' and streets' own plans, trainings, notices (hub/year.c) ---- */

/* An entry that a hub wrote (not an enrolled community) and that is not refused. */
#define SQL_HUB_ENTRY(e)                                                                           \
  " NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = " e ".author AND f.seq = " e ".seq)"   \
  " AND " e ".author NOT IN (SELECT a.key FROM authors a WHERE a.role = 'community')"

cm_rc hub_store_unit_plan_get(hub_store *st, const char *author_hex, int64_t seq, json_t **out,
                              cm_err *err) {
  json_t *rows = NULL;
  uint8_t key[PROTO_KEY_BYTES];
  *out = NULL;
  if (proto_key_from_hex(author_hex, key) != CM_OK) return CM_OK;
  cm_rc rc = rv_rows(st,
                     "SELECT e.kind AS kind, e.time_ms AS time_ms,"
                     " coalesce((SELECT c.name FROM communities c WHERE c.key = e.author),"
                     "  (SELECT a.name FROM authors a WHERE a.key = e.author), '') AS author,"
                     " " BODY_JSON("e") " AS body_json FROM entries e"
                     " WHERE e.author = ?1 AND e.seq = ?2"
                     " AND e.kind IN ('plan.unit', 'summary.unit')"
                     " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author"
                     " AND f.seq = e.seq)",
                     &rows, err, "ki", key, seq);
  if (!rc && json_array_size(rows)) *out = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return rc;
}

cm_rc hub_store_trainings_json(hub_store *st, int64_t year, const uint8_t self[PROTO_KEY_BYTES],
                               json_t **out, cm_err *err) {
  return rv_rows(
      st,
      "SELECT lower(hex(e.author)) || '/' || e.seq AS record,"
      /* a street's copy of the district's training is the district's */
      " CASE WHEN " BODY_JSON("e") "->>'origin_record' IS NULL THEN"
      "  coalesce((SELECT a.name FROM authors a WHERE a.key = e.author), '') ELSE '' END AS by,"
      " e.author = ?2 AND " BODY_JSON("e") "->>'origin_record' IS NULL AS own,"
      " " BODY_JSON("e") "->>'origin_record' IS NOT NULL AS relayed,"
      " " BODY_JSON("e") "->>'date' AS date, " BODY_JSON("e") "->>'topic' AS topic,"
      " " BODY_JSON("e") "->>'organiser' AS organiser,"
      " coalesce(" BODY_JSON("e") "->>'content', '') AS content,"
      " " BODY_JSON("e") "->'orgs' AS orgs_json"
      " FROM entries e INDEXED BY entries_events WHERE e.kind = 'training.recorded'"
      " AND " ENTRIES_EVENTS_WHERE " AND " BODY_JSON("e") " IS NOT NULL"
      " AND substr(" BODY_JSON("e") "->>'date', 1, 4) = CAST(?1 AS TEXT)"
      " AND (e.author = ?2 OR e.author IN (SELECT a.key FROM authors a WHERE a.role = 'street'))"
      " AND " SQL_NOT_OUR_RELAY("e", "?2")
      " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
      " ORDER BY " BODY_JSON("e") "->>'date' DESC, e.time_ms DESC",
      out, err, "ik", year, self);
}

cm_rc hub_store_notice_seen(hub_store *st, const char *notice, const char *to_hex,
                            int *known_out, int *to_out, cm_err *err) {
  json_t *rows = NULL;
  cm_rc rc = rv_rows(st,
                     "SELECT count(*) AS known,"
                     " coalesce(sum(" BODY_JSON("e") "->>'to' = ?2), 0) AS to_author"
                     " FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.sent' AND " ENTRIES_EVENTS_WHERE
                     " AND " BODY_JSON("e") " IS NOT NULL"
                     " AND " BODY_JSON("e") "->>'notice' = ?1 AND" SQL_HUB_ENTRY("e"),
                     &rows, err, "tt", notice, to_hex);
  json_t *r = json_array_get(rows, 0);
  *known_out = json_integer_value(json_object_get(r, "known")) > 0;
  *to_out = json_integer_value(json_object_get(r, "to_author")) > 0;
  json_decref(rows);
  return rc;
}

cm_rc hub_store_notices_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], json_t **out,
                             cm_err *err) {
  return rv_rows(
      st,
      "WITH n AS (SELECT lower(hex(e.author)) || '/' || e.seq AS record,"
      "  lower(hex(e.author)) AS author_hex, 0 AS relayed,"
      "  e.time_ms AS time_ms, " BODY_JSON("e") " AS b FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.issued' AND " ENTRIES_EVENTS_WHERE
      "  AND " BODY_JSON("e") " IS NOT NULL"
      "  AND (e.author = ?1 OR e.author IN (SELECT a.key FROM authors a WHERE a.role = 'street'))"
      "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
      /* at a street, the district's notices it relayed to its communities:
       * its copies carry the district's entry as origin */
      "  UNION ALL SELECT " BODY_JSON("e") "->>'notice', substr(" BODY_JSON("e") "->>'notice', 1, 64),"
      "  1, min(e.time_ms), " BODY_JSON("e") " FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.sent' AND " ENTRIES_EVENTS_WHERE " AND e.author = ?1"
      "  AND " BODY_JSON("e") " IS NOT NULL AND " BODY_JSON("e") "->>'origin' IS NOT NULL"
      "  GROUP BY 1),"
      " s AS (SELECT DISTINCT " BODY_JSON("e") "->>'notice' AS notice,"
      "  " BODY_JSON("e") "->>'to' AS to_hex FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.sent' AND " ENTRIES_EVENTS_WHERE
      "  AND " BODY_JSON("e") " IS NOT NULL AND" SQL_HUB_ENTRY("e") "),"
      " r AS (SELECT DISTINCT " BODY_JSON("e") "->>'notice' AS notice,"
      "  lower(hex(e.author)) AS reader FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.read' AND " ENTRIES_EVENTS_WHERE
      "  AND " BODY_JSON("e") " IS NOT NULL"
      "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq))"
      "SELECT n.record AS record,"
      " coalesce((SELECT a.name FROM authors a WHERE lower(hex(a.key)) = n.author_hex), '') AS by,"
      " n.author_hex = lower(hex(?1)) AS own, n.relayed AS relayed, n.b->>'title' AS title, n.b->>'text' AS text,"
      " n.b->>'scope' AS scope, coalesce(n.b->>'street', '') AS street, n.time_ms AS time_ms,"
      " (SELECT count(*) FROM s WHERE s.notice = n.record) AS recipients,"
      " (SELECT count(*) FROM s JOIN r ON r.notice = s.notice AND r.reader = s.to_hex"
      "  WHERE s.notice = n.record) AS read"
      " FROM n ORDER BY n.time_ms DESC, n.record DESC",
      out, err, "k", self);
}

cm_rc hub_store_notice_reads_json(hub_store *st, const char *notice, json_t **out, cm_err *err) {
  return rv_rows(
      st,
      "WITH s AS (SELECT DISTINCT " BODY_JSON("e") "->>'to' AS to_hex FROM entries e"
      "  INDEXED BY entries_events WHERE e.kind = 'notice.sent' AND " ENTRIES_EVENTS_WHERE
      "  AND " BODY_JSON("e") " IS NOT NULL"
      "  AND " BODY_JSON("e") "->>'notice' = ?1 AND" SQL_HUB_ENTRY("e") ")"
      "SELECT coalesce(c.street_name, '') AS street, coalesce(c.name, '') AS community,"
      " coalesce(c.code, '') AS code, s.to_hex AS key,"
      " (SELECT min(e.time_ms) FROM entries e INDEXED BY entries_events"
      "  WHERE e.kind = 'notice.read' AND " ENTRIES_EVENTS_WHERE
      "  AND lower(hex(e.author)) = s.to_hex AND " BODY_JSON("e") " IS NOT NULL"
      "  AND " BODY_JSON("e") "->>'notice' = ?1"
      "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq))"
      "  AS read_ms"
      " FROM s LEFT JOIN communities c ON lower(hex(c.key)) = s.to_hex"
      " ORDER BY c.street_name, c.code",
      out, err, "t", notice);
}

cm_rc hub_store_communities_json(hub_store *st, const char *street, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "SELECT lower(hex(c.key)) AS key, c.name AS name, c.code AS code,"
                 " c.street_name AS street FROM communities c"
                 " WHERE (?1 = '' OR c.street_name = ?1)"
                 " AND c.key NOT IN (SELECT key FROM authors WHERE revoked <> 0)"
                 " ORDER BY c.street_name, c.code",
                 out, err, "t", street);
}

cm_rc hub_store_org_trainings_json(hub_store *st, const char *org,
                                   const uint8_t self[PROTO_KEY_BYTES], json_t **out, cm_err *err) {
  /* As HUB_DQ_YEAR_TRAININGS counts them, for one organisation, every year. */
  return rv_rows(
      st,
      "SELECT CAST(substr(" BODY_JSON("e") "->>'date', 1, 4) AS INTEGER) AS year,"
      " count(*) AS trainings FROM entries e INDEXED BY entries_events,"
      " json_each(coalesce(" BODY_JSON("e") ", '{}'), '$.orgs') j"
      " WHERE e.kind = 'training.recorded' AND " ENTRIES_EVENTS_WHERE " AND j.value = ?1"
      " AND " SQL_NOT_OUR_RELAY("e", "?2")
      " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
      " AND (e.author = ?2 OR e.author IN (SELECT a.enrolled_by FROM authors a"
      "  JOIN organisations o ON o.author = a.key WHERE o.id = ?1)"
      "  OR e.author IN (SELECT o.author FROM organisations o WHERE o.id = ?1))"
      " GROUP BY 1 ORDER BY 1",
      out, err, "tk", org, self);
}

/* ---- evaluation and commendation (hub/evaluation.c) ---- */

cm_rc hub_store_rounds_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES], const char *round,
                            json_t **out, cm_err *err) {
  /* A round is the evaluation.round entries of this hub's own log that carry
   * its id: the district's fan-out, or at a street the copies it relayed;
   * its early close the evaluation.closed entries of the same log. */
  return rv_rows(
      st,
      "WITH r AS (SELECT " BODY_JSON("e") "->>'round' AS round, " BODY_JSON("e") "->>'year' AS year,"
      "  coalesce(" BODY_JSON("e") "->>'title', '') AS title,"
      "  coalesce(" BODY_JSON("e") "->>'closes', '') AS closes,"
      "  coalesce(max(" BODY_JSON("e") "->>'operator'), '') AS operator, min(e.time_ms) AS time_ms,"
      "  count(*) AS communities FROM entries e INDEXED BY entries_events"
      "  WHERE " ENTRIES_EVENTS_WHERE " AND e.author = ?1"
      "  AND e.kind = 'evaluation.round' AND " BODY_JSON("e") " IS NOT NULL"
      "  AND (?2 = '' OR " BODY_JSON("e") "->>'round' = ?2) GROUP BY 1),"
      " k AS (SELECT " BODY_JSON("e") "->>'round' AS round,"
      "  min(" BODY_JSON("e") "->>'closed_ms') AS closed_ms,"
      "  min(" BODY_JSON("e") "->>'closed') AS closed FROM entries e INDEXED BY entries_events"
      "  WHERE " ENTRIES_EVENTS_WHERE " AND e.author = ?1"
      "  AND e.kind = 'evaluation.closed' AND " BODY_JSON("e") " IS NOT NULL"
      "  AND (?2 = '' OR " BODY_JSON("e") "->>'round' = ?2) GROUP BY 1)"
      "SELECT r.round AS round, r.year AS year, r.title AS title, r.closes AS closes,"
      " r.operator AS operator, r.time_ms AS time_ms, r.communities AS communities,"
      " coalesce(k.closed, '') AS closed, coalesce(k.closed_ms, 0) AS closed_ms"
      " FROM r LEFT JOIN k ON k.round = r.round"
      " ORDER BY r.year DESC, length(r.round) DESC, r.round DESC",
      out, err, "kt", self, round);
}

cm_rc hub_store_round_reach_json(hub_store *st, const uint8_t self[PROTO_KEY_BYTES],
                                 const char *round, int reached, json_t **out, cm_err *err) {
  return rv_rows(st,
                 "WITH got AS (SELECT DISTINCT " BODY_JSON("e") "->>'to' AS to_hex FROM entries e"
                 "  INDEXED BY entries_events WHERE " ENTRIES_EVENTS_WHERE
                 "  AND e.author = ?1 AND e.kind = 'evaluation.round'"
                 "  AND " BODY_JSON("e") " IS NOT NULL AND " BODY_JSON("e") "->>'round' = ?2"
                 "  AND " BODY_JSON("e") "->>'to' IS NOT NULL)"
                 "SELECT lower(hex(c.key)) AS key, c.name AS name, c.code AS code,"
                 " c.street_name AS street FROM communities c"
                 " WHERE (lower(hex(c.key)) IN (SELECT to_hex FROM got)) = ?3"
                 " AND c.key NOT IN (SELECT key FROM authors WHERE revoked <> 0)"
                 " ORDER BY c.street_name, c.code",
                 out, err, "kti", self, round, (int64_t)reached);
}

/* K is one of the nominating community's keys (column lin of the query below). */
#define IN_LIN(K) "hex(" K ") IN (SELECT value FROM json_each(m.lin))"
cm_rc hub_store_nominations_json(hub_store *st, const uint8_t *author, int64_t seq,
                                 const char *district, json_t **out, cm_err *err) {
  /* Each nomination with what the review pages show beside it: the street's
   * recommendation (by the street that enrolled the community, or by the
   * street itself for its own organisations), the district's selection (a
   * decision.commend naming it, not withdrawn), and the organisation's year:
   * months reported and activities, the year's inspection result, the
   * criticisms it received that year.  The round's year is its id's first
   * four digits. */
  /* Two literals joined here: one literal would be longer than C11 asks a
   * compiler to take. */
  static const char with[] =
      "WITH n AS (SELECT e.author AS author, e.seq AS seq, e.time_ms AS time_ms,"
      "  " BODY_JSON("e") " AS b, lower(hex(e.author)) || '/' || e.seq AS record,"
      "  EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq) AS refused"
      "  FROM entries e WHERE e.kind = 'evaluation.nominated' AND " BODY_JSON("e") " IS NOT NULL"
      "  AND (?1 IS NULL OR (e.author = ?1 AND e.seq = ?2))),"
      " m AS (SELECT n.*, n.b->>'round' AS round, n.b->>'org' AS org,"
      "  CAST(substr(n.b->>'round', 1, 4) AS INTEGER) AS year, a.enrolled_by AS enrolled_by,"
      /* the keys of the nominating community: what any of them holds counts */
      "  (" LINEAGE_ALL("n.author") "SELECT json_group_array(hex(k)) FROM chain) AS lin,"
      "  (SELECT json_object('record', lower(hex(r.author)) || '/' || r.seq, 'opinion',"
      "   " BODY_JSON("r") "->>'opinion') FROM entries r WHERE r.kind = 'evaluation.recommended'"
      "   AND " BODY_JSON("r") " IS NOT NULL AND " BODY_JSON("r") "->>'nomination' = n.record"
      "   AND (r.author = n.author OR r.author = a.enrolled_by)"
      "   AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = r.author AND f.seq = r.seq)"
      "   ORDER BY r.seq DESC LIMIT 1) AS rec,"
      "  (SELECT d.record FROM decisions d JOIN entries de ON de.author = d.author"
      "   AND de.seq = d.seq WHERE d.kind = 'commend' AND substr(d.record, 1, 64) = ?3"
      "   AND " BODY_JSON("de") " IS NOT NULL AND " BODY_JSON("de") "->>'nomination' = n.record"
      "   AND NOT EXISTS(SELECT 1 FROM withdrawals w WHERE w.decision = d.record)"
      "   ORDER BY d.time_ms LIMIT 1) AS commendation"
      "  FROM n JOIN authors a ON a.key = n.author)";
  static const char sql_select[] =
      "SELECT m.record AS record, m.author AS author, m.seq AS seq, m.time_ms AS time_ms,"
      " m.refused AS refused, m.enrolled_by AS enrolled_by, m.round AS round, m.year AS year,"
      " m.org AS org, coalesce(m.b->>'person', '') AS person, coalesce(m.b->>'deeds', '') AS deeds,"
      " coalesce(c.name, '') AS community, coalesce(c.code, '') AS code,"
      /* a street's own nomination: that street */
      " coalesce(c.street_name, (SELECT a.name FROM authors a WHERE a.key = m.author"
      "  AND a.role <> 'community'), '') AS street,"
      " coalesce((SELECT CASE WHEN json_valid(o.data) THEN o.data->>'name' END"
      "  FROM organisations o WHERE " IN_LIN("o.author") " AND o.id = m.org), '') AS name,"
      " coalesce(m.rec->>'record', '') AS recommendation,"
      " coalesce(m.rec->>'opinion', '') AS opinion,"
      " coalesce(m.commendation, '') AS commendation,"
      " (SELECT count(*) FROM reports r WHERE " IN_LIN("r.author")
      "  AND r.org = m.org"
      "  AND r.month BETWEEN m.year || '-01' AND m.year || '-12' AND r.status = 'accepted')"
      "  AS reports,"
      " (SELECT coalesce(sum(r.activities), 0) FROM reports r"
      "  WHERE " IN_LIN("r.author") " AND r.org = m.org AND r.month BETWEEN m.year || '-01' AND m.year || '-12'"
      "  AND r.status = 'accepted') AS activities,"
      " coalesce((SELECT d.result FROM decisions d JOIN entries de ON de.author = d.author"
      "  AND de.seq = d.seq WHERE d.kind = 'inspect' AND d.org = m.org"
      "  AND " IN_LIN("d.to_key") " AND " BODY_JSON("de") " IS NOT NULL AND " BODY_JSON("de") "->>'year' = m.year"
      "  AND NOT EXISTS(SELECT 1 FROM withdrawals w WHERE w.decision = d.record)"
      "  ORDER BY d.time_ms DESC, d.seq DESC LIMIT 1), '') AS inspection,"
      " (SELECT count(*) FROM decisions d WHERE d.kind = 'criticize' AND d.org = m.org"
      "  AND " IN_LIN("d.to_key") " AND CAST(strftime('%Y', d.time_ms / 1000 + 28800, 'unixepoch')"
      "  AS INTEGER) = m.year"
      "  AND NOT EXISTS(SELECT 1 FROM withdrawals w WHERE w.decision = d.record)) AS criticisms"
      " FROM m LEFT JOIN communities c ON c.key = m.author"
      " ORDER BY m.year DESC, m.round DESC, street, code, m.seq";
  char *sql = malloc(sizeof with + sizeof sql_select);
  if (!sql) return cm_errf(err, CM_ERR_NOMEM, "内存不足");
  memcpy(sql, with, sizeof with - 1);
  memcpy(sql + sizeof with - 1, sql_select, sizeof sql_select);
  cm_rc rc = rv_rows_once(st, sql, out, err, "kit", author, seq, district);
  free(sql);
  return rc;
}

cm_rc hub_store_commendations_json(hub_store *st, int64_t year, const char *district,
                                   json_t **out, cm_err *err) {
  /* The district's selections of the year: decision.commend entries naming
   * a nomination, not withdrawn. */
  return rv_rows(
      st,
      "SELECT d.record AS record, d.time_ms AS time_ms,"
      " " BODY_JSON("de") "->>'round' AS round, " BODY_JSON("de") "->>'year' AS year,"
      " coalesce(c.street_name, (SELECT a.name FROM authors a WHERE a.key = d.to_key"
      "  AND a.role <> 'community'), '') AS street, d.community AS community, d.org AS org,"
      " coalesce(" BODY_JSON("de") "->>'name', '') AS name,"
      " coalesce(" BODY_JSON("de") "->>'person', '') AS person, d.reason AS reason,"
      " " BODY_JSON("de") "->>'nomination' AS nomination"
      " FROM decisions d JOIN entries de ON de.author = d.author AND de.seq = d.seq"
      " LEFT JOIN communities c ON c.key = d.to_key"
      " WHERE d.kind = 'commend' AND substr(d.record, 1, 64) = ?2"
      " AND " BODY_JSON("de") " IS NOT NULL"
      " AND " BODY_JSON("de") "->>'nomination' IS NOT NULL"
      " AND " BODY_JSON("de") "->>'year' = ?1"
      " AND NOT EXISTS(SELECT 1 FROM withdrawals w WHERE w.decision = d.record)"
      " ORDER BY street, d.community, d.org, person, d.time_ms",
      out, err, "it", year, district);
}

/* ---- the district's lists, stations, mappings ---- */

cm_rc hub_store_list_latest(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                            const char *list, char **body_out, uint64_t *seq_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *body_out = NULL;
  if (seq_out) *seq_out = 0;
  cm_rc rc = st_prep(st,
                      "SELECT hub_body(body, raw_len), seq FROM entries e INDEXED BY entries_events"
                      " WHERE author = ?1 AND kind = 'list.published' AND " ENTRIES_EVENTS_WHERE
                      " AND json_valid(hub_body(body, raw_len))"
                      " AND json_extract(hub_body(body, raw_len), '$.list') = ?2"
                      " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author"
                      " AND f.seq = e.seq) ORDER BY seq DESC LIMIT 1",
                      &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, list);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(s, 0);
    *body_out = strdup(t ? t : "{}");
    if (seq_out) *seq_out = (uint64_t)sqlite3_column_int64(s, 1);
    if (!*body_out) rc = cm_errf(err, CM_ERR_NOMEM, "读取清单时内存不足");
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取名单", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_feedback_days(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], int64_t *days,
                              uint64_t *seq_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *days = 0;
  if (seq_out) *seq_out = 0;
  cm_rc rc = st_prep(st,
                      "SELECT " BODY_JSON("e") "->>'days', seq FROM entries e INDEXED BY entries_events"
                      " WHERE author = ?1 AND kind = 'feedback.due' AND " ENTRIES_EVENTS_WHERE
                      " AND NOT EXISTS(SELECT 1"
                      " FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
                      " ORDER BY seq DESC LIMIT 1",
                      &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    /* bounded when it was projected (common/records.c) */
    *days = sqlite3_column_int64(s, 0);
    if (seq_out) *seq_out = (uint64_t)sqlite3_column_int64(s, 1);
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取群众意见办理期限", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_limits_at(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                          uint64_t received_ms, uint64_t *file_max, uint64_t *org_year_max,
                          uint64_t *seq_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *file_max = *org_year_max = 0;
  if (seq_out) *seq_out = 0;
  cm_rc rc = st_prep(st,
                      "SELECT " BODY_JSON("e") "->>'file_mb', " BODY_JSON("e") "->>'org_year_mb',"
                      " seq FROM entries e INDEXED BY entries_events WHERE author = ?1"
                      " AND kind = 'limits.set' AND " ENTRIES_EVENTS_WHERE
                      " AND received_ms <= ?2 AND NOT EXISTS(SELECT 1 FROM refusals f"
                      " WHERE f.author = e.author AND f.seq = e.seq) ORDER BY seq DESC LIMIT 1",
                      &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  sqlite3_bind_int64(s, 2, received_ms > INT64_MAX ? INT64_MAX : (sqlite3_int64)received_ms);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    /* bounded when it was projected (common/records.c) */
    cm_rec_limits l = {sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)};
    cm_rec_limits_bytes(&l, file_max, org_year_max);
    if (seq_out) *seq_out = (uint64_t)sqlite3_column_int64(s, 2);
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取附件上限", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_due_get(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *what,
                        int year, char date_out[11], int *found_out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  *found_out = 0;
  date_out[0] = '\0';
  cm_rc rc = st_prep(st,
                      "SELECT " BODY_JSON("e") "->>'date' FROM entries e INDEXED BY entries_events"
                      " WHERE author = ?1 AND kind = 'due.set' AND " ENTRIES_EVENTS_WHERE
                      " AND " BODY_JSON("e") "->>'what' = ?2"
                      " AND " BODY_JSON("e") "->>'year' = ?3 AND NOT EXISTS(SELECT 1"
                      " FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)"
                      " ORDER BY seq DESC LIMIT 1",
                      &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, what);
  sqlite3_bind_int(s, 3, year);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    /* bounded when it was projected (common/records.c) */
    const char *t = (const char *)sqlite3_column_text(s, 0);
    if (t && strlen(t) == 10) {
      memcpy(date_out, t, 11);
      *found_out = 1;
    }
  } else if (r != SQLITE_DONE) {
    rc = cm_db_check(st->db, r, "读取截止日期", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_station_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], uint64_t seq,
                            const cm_rec_station *t, cm_err *err) {
  return rv_exec(st,
                 "INSERT OR REPLACE INTO stations(author, seq, org, name, leader, party_members,"
                 " committee, date, branch, branch_date) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                 " ?9, ?10)",
                 "保存党员活动站", err, "kitttitttt", author, (int64_t)seq, t->org, t->name,
                 t->leader, t->party_members, t->committee, t->date, t->branch, t->branch_date);
}

cm_rc hub_store_org_mapped_put(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                               const cm_rec_mapped *m, const char *record, cm_err *err) {
  return rv_exec(st,
                 "INSERT OR REPLACE INTO org_mapped(author, id, category, industry, unit, old,"
                 " record) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 "保存对应关系", err, "ktttttt", author, m->org, m->category, m->industry,
                 m->unit, m->old, record);
}

/* ---- people: rosters, pledges, residents' feedback, funding (hub/people.c) ----
 * Read from the signed entries themselves (not refused), so that rebuild
 * needs no table of its own. */

/* The roster entries of organisation ?2 by author ?1 up to seq ?3, and the
 * newest of each member (k = 1). */
/* A member on the roster now: the newest entry of the member (k = 1) did
 * not record leaving.  The one rule of the roster's counts. */
#define ROSTER_CURRENT " k = 1 AND b->>'action' <> 'leave' "
/* Every key of ?1's community counts (a replacement key keeps the roster the
 * lost PC began), the newer key's entries after the older's; ?3 bounds ?1's. */
#define ROSTER_NOW                                                                                 \
  "WITH r AS (SELECT e.seq AS seq, " LINEAGE_DEPTH("e.author") " AS g,"                            \
  "  hub_body(e.body, e.raw_len) AS b FROM entries e"                                              \
  "  WHERE " SAME_COMMUNITY("e.author", "?1") " AND e.kind = 'roster.entry'"                      \
  "  AND (e.author <> ?1 OR e.seq <= ?3)"                                                          \
  "  AND ((e.author = ?1 AND e.seq = ?3) OR EXISTS(SELECT 1 FROM record_status s"                  \
  "   WHERE s.author = e.author AND s.seq = e.seq))"                                               \
  "  AND hub_may_name(e.body, e.raw_len, ?2)"                                                     \
  "  AND json_valid(hub_body(e.body, e.raw_len)) AND hub_body(e.body, e.raw_len)->>'org' = ?2"                   \
  "  AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author AND f.seq = e.seq)),"       \
  " n AS (SELECT seq, b, row_number() OVER (PARTITION BY b->>'member' ORDER BY g DESC, seq DESC)"\
  "  AS k"                                                                                         \
  "  FROM r) "


/* No roster entry of author at all, and no other key in its community:
 * ROSTER_NOW's r is empty and nothing changes (most filings). */
static const char SQL_ROSTER_NONE[] =
    "SELECT 1 WHERE NOT EXISTS(SELECT 1 FROM entries WHERE author = ?1 AND kind = 'roster.entry')"
    " AND " SQL_LONE_KEY("?1");

cm_rc hub_store_roster_apply(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                             uint64_t upto, int *none_out, cm_err *err) {
  int in_txn = !sqlite3_get_autocommit(st->db);
  int none = in_txn && st->memo_no_roster && memcmp(st->memo_key, author, PROTO_KEY_BYTES) == 0;
  cm_rc rc = none ? CM_OK : one_key(st, SQL_ROSTER_NONE, author, NULL, 0, NULL, &none, err);
  if (!rc && in_txn && none) {
    memcpy(st->memo_key, author, PROTO_KEY_BYTES);
    st->memo_lone = st->memo_no_roster = 1;
  }
  if (none_out) *none_out = !rc && none;
  if (rc || none) return rc;
  return rv_exec(st,
                 ROSTER_NOW
                 "UPDATE organisations SET"
                 " members = (SELECT count(*) FROM n WHERE" ROSTER_CURRENT "),"
                 " party_members = (SELECT count(*) FROM n WHERE" ROSTER_CURRENT
                 "  AND b->>'party_member' = 1)"
                 " WHERE " SAME_COMMUNITY("author", "?1") " AND id = ?2 AND EXISTS(SELECT 1 FROM r)",
                 "统计名册", err, "kti", author, org, (int64_t)upto);
}

cm_rc hub_store_roster_counts(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              const char *org, hub_roster_counts *out, cm_err *err) {
  sqlite3_stmt *s = NULL;
  memset(out, 0, sizeof *out);
  cm_rc rc = st_prep(st,
                      ROSTER_NOW
                      "SELECT (SELECT count(*) FROM n WHERE k = 1),"
                      " (SELECT count(*) FROM n WHERE" ROSTER_CURRENT "),"
                      " (SELECT count(*) FROM n WHERE" ROSTER_CURRENT " AND b->>'party_member' = 1),"
                      " (SELECT count(*) FROM n WHERE" ROSTER_CURRENT " AND b->>'leader' = 1)",
                      &s, err);
  if (rc) return rc;
  bind_key(s, 1, author);
  bind_text(s, 2, org);
  sqlite3_bind_int64(s, 3, INT64_MAX);
  int r = sqlite3_step(s);
  if (r == SQLITE_ROW) {
    int64_t all = sqlite3_column_int64(s, 0);
    out->members = sqlite3_column_int64(s, 1);
    out->party_members = sqlite3_column_int64(s, 2);
    out->leaders = sqlite3_column_int64(s, 3);
    out->left = all - out->members;
    out->any = all > 0;
  } else {
    rc = cm_db_check(st->db, r, "统计名册", err);
  }
  sqlite3_reset(s);
  return rc;
}

cm_rc hub_store_roster_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES], const char *org,
                            json_t **out, cm_err *err) {
  return rv_rows(st,
                 ROSTER_NOW
                 "SELECT n.seq AS seq, n.b->>'member' AS member, n.b->>'action' AS action,"
                 " coalesce(n.b->>'party_member', 0) AS party_member,"
                 " coalesce(n.b->>'leader', 0) AS leader, coalesce(n.b->>'joined', '') AS joined,"
                 " coalesce(n.b->>'left', '') AS \"left\", coalesce(n.b->>'reason', '') AS reason,"
                 " n.b->'sealed' AS sealed_json, (" ROSTER_CURRENT ") AS current"
                 " FROM n WHERE k = 1 ORDER BY n.b->>'member'",
                 out, err, "kti", author, org, (int64_t)INT64_MAX);
}

cm_rc hub_store_org_kind_json(hub_store *st, const uint8_t author[PROTO_KEY_BYTES],
                              const char *org, const char *kind, json_t **out, cm_err *err) {
  *out = NULL;
  if (!kind || !events_kind(kind))
    return cm_errf(err, CM_ERR_INVALID, "“%s”不是事件记录：按组织读不到", kind ? kind : "");
  return rv_rows(st,
                 "SELECT e.seq AS seq, e.time_ms AS time_ms, hub_body(e.body, e.raw_len) AS body_json"
                 " FROM entries e INDEXED BY entries_events WHERE e.kind = ?3"
                 " AND " ENTRIES_EVENTS_WHERE " AND e.author = ?1"
                 " AND hub_may_name(e.body, e.raw_len, ?2)"
                 " AND json_valid(hub_body(e.body, e.raw_len)) AND hub_body(e.body, e.raw_len)->>'org' = ?2"
                 " AND NOT EXISTS(SELECT 1 FROM refusals f WHERE f.author = e.author"
                 " AND f.seq = e.seq) ORDER BY e.seq",
                 out, err, "ktt", author, org, kind);
}

cm_rc hub_store_feedback_open_json(hub_store *st, json_t **out, cm_err *err) {
  return rv_rows(
      st,
      "WITH f AS (SELECT e.author AS author, e.seq AS seq, hub_body(e.body, e.raw_len) AS b"
      "  FROM entries e INDEXED BY entries_events WHERE e.kind = 'feedback.recorded'"
      "  AND " ENTRIES_EVENTS_WHERE " AND json_valid(hub_body(e.body, e.raw_len))"
      "  AND NOT EXISTS(SELECT 1 FROM refusals r WHERE r.author = e.author AND r.seq = e.seq)),"
      " n AS (SELECT author, seq, b,"
      "  row_number() OVER (PARTITION BY author, b->>'id' ORDER BY seq DESC) AS k FROM f)"
      "SELECT n.author AS author, n.b->>'id' AS id, n.b->>'org' AS org, n.b->>'type' AS type,"
      " n.b->>'received' AS received, n.b->>'status' AS status FROM n"
      " WHERE k = 1 AND n.b->>'status' <> 'reported' ORDER BY n.b->>'received', n.b->>'id'",
      out, err, "");
}

