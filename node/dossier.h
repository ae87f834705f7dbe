/* dossier.h - an organisation's archive (档案) at the community node: every
 * record of this node's log about it and every attachment, grouped by
 * common/dossier.h; `linli-node dossier` prints the page or writes the ZIP. */
#ifndef LINLI_NODE_DOSSIER_H
#define LINLI_NODE_DOSSIER_H

#include "../common/dossier.h"
#include "node.h"

/* Build the archive of org into *d (cm_dossier_free it also on failure).
 * CM_ERR_NOT_FOUND when this node never filed org. */
cm_rc node_dossier_build(node_ctx *ctx, const char *org, cm_dossier *d, cm_err *err);

/* The page (files linked as files_href<hash>) or, with zip_path, the ZIP;
 * *files_out the files put in the ZIP. */
cm_rc node_dossier_write(node_ctx *ctx, const char *org, const char *zip_path, cm_buf *page,
                         unsigned *files_out, cm_err *err);

#endif
