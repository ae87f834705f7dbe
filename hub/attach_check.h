/* attach_check.h - `linli-hub files check`: the files a hub should hold,
 * re-hashed, and at a street the missing or corrupt ones fetched back from
 * its district, which is the street's backup of files as the street is its
 * nodes' (common/attach_fetch.h). */
#ifndef LINLI_HUB_ATTACH_CHECK_H
#define LINLI_HUB_ATTACH_CHECK_H

#include <stdio.h>

#include "../common/attach_fetch.h"
#include "hub.h"

/* `linli-hub files check [--no-fetch]`: re-hash every file named by an
 * entry held here that is not refused (at a district: of the headings it
 * takes from below); at a street with an upstream and fetch set, a missing or
 * corrupt one is fetched back from the district, signed by this hub.  One
 * line per file not whole to report; *out the counts (out->left: still
 * missing or corrupt, which includes a file its node has not sent yet). */
cm_rc hub_attach_check(hub_ctx *hub, int fetch, FILE *report, cm_att_checked *out, cm_err *err);

#endif
