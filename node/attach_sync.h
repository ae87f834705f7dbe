/* attach_sync.h - the node's files and its hub: in a sync pass, after the
 * hub has acknowledged the entries that name them, each file not yet sent
 * goes up (common/attach_push.h), oldest first; meta files_pushed_seq
 * remembers up to which entry every file is at the hub, so a pass asks only
 * about new ones.  The hub is also the files' backup: a file the node lost
 * is fetched back (common/attach_fetch.h), by a pass that meets it, by
 * `files check` and after `restore`. */
#ifndef LINLI_NODE_ATTACH_SYNC_H
#define LINLI_NODE_ATTACH_SYNC_H

#include <stdio.h>

#include "../common/attach_fetch.h"
#include "../common/attach_push.h"
#include "node.h"

/* Send the files named by acknowledged entries after files_pushed_seq to the
 * hub at url.  *sent adds up what was sent.  Stops at the first failure
 * (the next pass continues there); errors as cm_att_push.  Each file sent
 * moves files_pushed_seq at once; the last step, over entries that name no
 * file, is left to the caller in *settled_out (a sync pass writes it with its
 * own bookkeeping: lost in a crash, the next pass only looks again). */
cm_rc node_attach_sync(node_ctx *ctx, const char *url, const cm_client_opts *opts,
                       cm_att_sent *sent, uint64_t *settled_out, cm_err *err);

/* Beside a USB bundle written to bundle_path: the folder bundle_path.files
 * with a copy of every file not yet settled at the hub and index.tsv, one
 * "<record id>\t<hash>" line each (linli-hub bundle import reads it).
 * Nothing is written when there is no such file.  *n_out the files. */
cm_rc node_attach_export(node_ctx *ctx, const char *bundle_path, unsigned *n_out, cm_err *err);

/* `linli-node files check [--no-fetch]`: re-hash every file the log names;
 * with fetch, a missing or corrupt one is fetched back from the hub (the hub
 * URL and this node's key from the node).  One line per file not whole goes
 * to report; *out the counts (out->left: still missing or corrupt). */
cm_rc node_files_check(node_ctx *ctx, int fetch, FILE *report, cm_att_checked *out, cm_err *err);

#endif
