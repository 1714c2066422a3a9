/*
 * bodyfile.h - the bodyfile line writer shared by view/ (layer
 * bodyfiles) and timeline/ (the host timeline as a bodyfile); not
 * installed.
 */
#ifndef DOF_BODYFILE_H
#define DOF_BODYFILE_H

#include "base/base_private.h"

/* Append one bodyfile line (with its '\n') for e to b: name = prefix (as
 * is, may be NULL) + the encoded path + markers.  flags: DOF_BODYFILE_NS
 * for fractional seconds. */
int dof_bodyfile_put_line(dof_buf *b, const dof_bodyfile_entry *e,
                          unsigned flags, const char *prefix);
/* Append what follows e's path in its bodyfile name: " -> " and the
 * link target encoded as dof_buf_put_name(..., also) does, then the
 * " (whiteout)", " (deleted)", " (deleted-realloc)" or " (opaque)"
 * markers. */
void dof_bodyfile_put_name_tail(dof_buf *b, const dof_bodyfile_entry *e,
                                const char *also);
/* Append a time in bodyfile form: integer seconds (floor), or with ns
 * "secs.nnnnnnnnn".  DOF_TIME_NONE gives "0". */
void dof_bodyfile_put_time(dof_buf *b, int64_t ns, int with_ns);
/* Append an unsigned decimal. */
void dof_bodyfile_put_u64(dof_buf *b, uint64_t v);
/* Write b to f and reset it; DOF_ERR_IO on a short write. */
int dof_bodyfile_flush(dof_buf *b, FILE *f);

#endif /* DOF_BODYFILE_H */
