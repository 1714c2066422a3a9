/*
 * verify_private.h - internals of verify-image (core/verify.c): the
 * tar header and tar-split parsers, kept pure so tests and fuzz targets
 * can feed them bytes.  Not installed.
 */
#ifndef DOF_VERIFY_PRIVATE_H
#define DOF_VERIFY_PRIVATE_H

#include "base/base_private.h"

/* One tar member as its headers (ustar + PAX + GNU long names) give it.
 * name/link are normalised: no leading "./" or "/", no trailing "/";
 * "" is the archive root. */
typedef struct dof_tarent {
    char *name;
    size_t name_len;
    char *link; /* symlink / hard link target, or NULL */
    size_t link_len;
    char type; /* typeflag ('0', '1', '2', '3', '4', '5', '6', ...) */
    uint32_t mode, uid, gid;
    uint64_t size;
    int64_t mtime; /* seconds */
    uint32_t devmajor, devminor;
    int has_crc; /* tar-split FileType payload of 8 bytes */
    uint64_t crc;
    int seen;       /* matched on disk */
    int superseded; /* a later member of the same name replaced it */
} dof_tarent;

/* The tar-split line reader.  Entries live in the arena. */
typedef struct dof_tarsplit {
    dof_arena *arena;
    dof_ctx *ctx;               /* warnings (may be NULL) */
    const char *where;          /* file named in warnings */
    dof_buf stream;             /* segment bytes not parsed yet */
    size_t pos;                 /* parsed bytes of stream */
    uint64_t skip;              /* padding still to skip */
    dof_buf pax;                /* pending local PAX records */
    dof_buf gpax;               /* global PAX records */
    dof_buf longname, longlink; /* pending GNU 'L' / 'K' */
    int have_pax, have_longname, have_longlink;
    dof_tarent **ents;
    size_t nents, capents;
    dof_tarent *last; /* waits for its FileType record */
    int ended;        /* end-of-archive blocks seen */
    int damaged;      /* a fatal format error (message in err) */
    char err[160];
    uint64_t lines;
} dof_tarsplit;

#define DOF_TS_MAX_LINE (8u * 1024u * 1024u)
#define DOF_TS_MAX_PAX (4u * 1024u * 1024u)
#define DOF_TS_MAX_ENTRIES 2000000u
#define DOF_TS_MAX_BYTES (1024ull * 1024u * 1024u)

/* Decode one 512-byte ustar/GNU/v7 header block into e (names not yet
 * normalised, PAX not applied).  DOF_ERR_FORMAT on a bad checksum;
 * *zero = 1 for an all-zero block. */
int dof_tar_header_parse(const unsigned char *blk, size_t len, dof_tarent *e,
                         char *name, size_t namecap, char *link,
                         size_t linkcap, int *zero);

int dof_tarsplit_init(dof_tarsplit *ts, dof_ctx *ctx, const char *where);
void dof_tarsplit_free(dof_tarsplit *ts);
/* One JSON line (without '\n').  DOF_ERR_FORMAT after damage (ts->err),
 * DOF_ERR_LIMIT past a cap, DOF_ERR_NOMEM. */
int dof_tarsplit_line(dof_tarsplit *ts, const char *line, size_t len);
/* Whole decompressed text (lines separated by '\n'). */
int dof_tarsplit_parse(dof_tarsplit *ts, const char *buf, size_t len);

#endif
