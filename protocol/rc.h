/* rc.h - status codes shared by every part of linli, and the error context.
 * It lives in protocol/, the lowest layer, which includes nothing of common/;
 * common/rc.h gives the rest of the tree the same names.
 *
 * Every function that can fail returns a cm_rc: 0 is success, anything else names
 * what went wrong.  The list is append-only: never remove or renumber a code,
 * since the numbers travel in HTTP error bodies and scripts match on them
 * (curl's CURLcode rule).  Detail text for people goes into a caller-supplied
 * cm_err, so the code stays machine-readable and the message stays readable.
 */
#ifndef LINLI_PROTOCOL_RC_H
#define LINLI_PROTOCOL_RC_H

#include <stddef.h>

typedef enum cm_rc {
  CM_OK = 0,
  /* general */
  CM_ERR_NOMEM = 1,          /* out of memory */
  CM_ERR_IO = 2,             /* file or socket I/O failed */
  CM_ERR_INVALID = 3,        /* bad argument or bad user input */
  CM_ERR_NOT_FOUND = 4,      /* the thing asked for does not exist */
  CM_ERR_EXISTS = 5,         /* it exists already */
  CM_ERR_DB = 6,             /* SQLite reported an error */
  CM_ERR_DISK_FULL = 7,      /* the disk (or the database's page limit) is full */
  CM_ERR_BUSY = 8,           /* the database stayed locked past the busy timeout */
  CM_ERR_NETWORK = 9,        /* could not reach the peer */
  CM_ERR_HTTP = 10,          /* the peer answered with an unexpected HTTP status */
  CM_ERR_JSON = 11,          /* JSON could not be parsed or lacks a field */
  CM_ERR_CRYPTO = 12,        /* libsodium failed (initialisation, key generation) */
  CM_ERR_PERM = 13,          /* not allowed: unknown key, revoked, wrong role */
  CM_ERR_CONFLICT = 14,      /* state conflict (a gap, a fork, a quarantined author) */
  CM_ERR_TOO_LARGE = 15,     /* input over a size limit */
  CM_ERR_KEYFILE = 16,       /* key file missing, malformed or with loose permissions */
  CM_ERR_UNSUPPORTED = 17,   /* a feature or version this build does not have */
  CM_ERR_FAILPOINT = 18,     /* a test failpoint fired (tests only) */

  /* protocol decoding: each way a structure can be invalid has its own code */
  CM_PROTO_TRUNCATED = 100,        /* the input ends before the structure does */
  CM_PROTO_BAD_MAGIC = 101,        /* not a linli structure of the expected type */
  CM_PROTO_BAD_VERSION = 102,      /* unknown format version */
  CM_PROTO_BAD_SUITE = 103,        /* unknown signature/hash/compression suite */
  CM_PROTO_BAD_HEADER = 104,       /* header fields inconsistent (ranges, flags) */
  CM_PROTO_BAD_SIGNATURE = 105,    /* signature does not verify */
  CM_PROTO_PAYLOAD_HASH = 106,     /* compressed payload does not match its hash */
  CM_PROTO_INFLATE = 107,          /* the compressed stream is corrupt */
  CM_PROTO_BOMB = 108,             /* inflated output over the size or ratio cap */
  CM_PROTO_LENGTH = 109,           /* a length field disagrees with the data */
  CM_PROTO_TRAILING = 110,         /* bytes after the end of the structure */
  CM_PROTO_BAD_ENTRY = 111,        /* an entry inside the payload is malformed */
  CM_PROTO_CHAIN = 112,            /* the entries' hash chain does not reach last_hash */
  CM_PROTO_GAP = 113,              /* first sequence is not the receiver's head + 1 */
  CM_PROTO_PREV_MISMATCH = 114,    /* prev hash does not match the receiver's head */
  CM_PROTO_FORK = 115,             /* a different entry exists at the same sequence */
  CM_PROTO_TOO_MANY = 116,         /* more entries/changesets than the format allows */
  CM_PROTO_STALE_REQUEST = 117,    /* signed request time outside the allowed window */
} cm_rc;

/* Error context: filled by the function that fails, read by whoever reports it.
 * A NULL cm_err is allowed everywhere and means "nobody wants the text". */
typedef struct cm_err {
  cm_rc rc;
  char msg[512];
} cm_err;

/* Short, stable English description of a code ("truncated input").  Never NULL. */
const char *cm_strerror(cm_rc rc);

/* Stable machine name of a code ("PROTO_TRUNCATED"), used in HTTP error bodies. */
const char *cm_rcname(cm_rc rc);

/* Record rc and a printf-style message in err (if err is not NULL); returns rc so
 * that callers can write `return cm_errf(err, CM_ERR_INVALID, "...")`. */
cm_rc cm_errf(cm_err *err, cm_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset err to CM_OK and an empty message. */
void cm_err_clear(cm_err *err);

#endif
