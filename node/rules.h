/* rules.h - the checks the management plan asks for: the naming norm for
 * organisations set up by a district unit or the street (XXX社區XXX工作站), and a
 * party-member activity station for three or more party members.  Names are
 * compared after folding Traditional characters to Simplified, so 社區 and 社区,
 * 分會 and 分会 are equal; what is stored stays as typed. */
#ifndef LINLI_NODE_RULES_H
#define LINLI_NODE_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Copy in to out (cap bytes, NUL-terminated, truncated at a character boundary)
 * with the Traditional characters the checks care about folded to Simplified. */
void rules_fold(const char *in, char *out, size_t cap);

/* 1 when name conforms to the norm for its founding type ("self" has none). */
int rules_name_ok(const char *name, const char *founded_by);

/* 1 unless there are three or more party members and no station. */
int rules_station_ok(int64_t party_members, int party_station);

/* The flags array of docs/records.md for these values (new reference). */
json_t *rules_flags(const char *name, const char *founded_by, int64_t party_members,
                    int party_station);

#endif
