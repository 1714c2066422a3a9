/*
 * evidence_qcow2.h - dof's own read-only qcow2 reader (QEMU's image
 * format, versions 2 and 3), written from the published format
 * specification (qemu docs/interop/qcow2.txt).  No libqcow: libqcow and
 * libewf each carry a private copy of libbfio's symbols, and linking both
 * into one process is what this reader avoids (doc/architecture.md).
 *
 *   evidence_qcow2.c      the format: header, header extensions, the
 *                         snapshot table, the L1 table.  Reads its file
 *                         through a callback (the fuzz target feeds it
 *                         memory).
 *   evidence_qcow2_read.c guest reads: L1/L2 lookup, standard, zero and
 *                         deflate-compressed clusters, extended L2 entries
 *                         (subclusters), the backing image.
 *   evidence_qcow2_img.c  the byte source: the files, the backing chain,
 *                         the TSK image served to the partition layer.
 *
 * Every value read from the file is bounded; a cluster that cannot be
 * read (table or data past the end of the file, bad deflate stream) reads
 * as zeros with a warning naming the file and the guest bytes.
 */
#ifndef DOF_EVIDENCE_QCOW2_H
#define DOF_EVIDENCE_QCOW2_H

#include "base/base_private.h"

#include <sys/types.h>

#define DOF_QCOW2_MAGIC "QFI\xfb"
#define DOF_QCOW2_MIN_CLUSTER_BITS 9u
#define DOF_QCOW2_MAX_CLUSTER_BITS 21u        /* 2 MiB, as QEMU */
#define DOF_QCOW2_MAX_L1_BYTES (32u << 20)    /* QEMU's limit */
#define DOF_QCOW2_MAX_SNAPSHOTS 65536u        /* QEMU's limit */
#define DOF_QCOW2_MAX_BACKING_NAME 1023u      /* QEMU's limit */
#define DOF_QCOW2_MAX_CHAIN 16u               /* backing files deep */
#define DOF_QCOW2_MAX_HEADER_EXT_BYTES 65536u /* extensions read at most */

/* Read len bytes at off of the file into buf: the number read (short
 * past the end of the file), or -1 on an error. */
typedef ssize_t (*dof_qcow2_read_fn)(void *arg, uint64_t off, void *buf,
                                     size_t len);
/* The backing image's bytes at off (guest offset of the overlay), len
 * of them; 0 or -1. */
typedef int (*dof_qcow2_backing_fn)(void *arg, uint64_t off, void *buf,
                                    size_t len);

typedef struct dof_qcow2 dof_qcow2;

/* What the header says (public struct dof_qcow2_info is built from it). */
typedef struct dof_qcow2_header {
    uint32_t version;
    uint32_t cluster_bits;
    uint64_t size; /* virtual disk bytes */
    uint32_t crypt_method;
    uint32_t l1_size;
    uint64_t l1_offset;
    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t incompatible, compatible, autoclear;
    uint32_t refcount_order;
    uint32_t header_length;
    uint8_t compression_type;
    uint64_t backing_offset;
    uint32_t backing_size;
} dof_qcow2_header;

/* Decode the header in b[0..n): DOF_OK, or an error code with a message
 * in why (the feature refused, by name). */
int dof_qcow2_header_parse(const unsigned char *b, size_t n,
                           dof_qcow2_header *h, char *why, size_t whylen);

/* Open a qcow2 file read through fn (file_size bytes).  name labels
 * warnings (on ctx).  snapshot: read this internal snapshot (its name or
 * id) instead of the active state, or NULL.  DOF_OK, or an error set on
 * ctx: DOF_ERR_UNSUPPORTED for a refused feature (encryption, external
 * data file, zstd ...), DOF_ERR_FORMAT for a damaged header or table,
 * DOF_ERR_ARG for an unknown snapshot. */
int dof_qcow2_open(dof_ctx *ctx, const char *name, dof_qcow2_read_fn fn,
                   void *arg, uint64_t file_size, const char *snapshot,
                   dof_qcow2 **out);
void dof_qcow2_close(dof_qcow2 *q);

const dof_qcow2_header *dof_qcow2_hdr(const dof_qcow2 *q);
/* The virtual disk size of the state read (a snapshot's own size). */
uint64_t dof_qcow2_size(const dof_qcow2 *q);
/* The backing file name the header holds (NUL-terminated), or NULL; its
 * format from the header extension ("qcow2", "raw") or NULL. */
const char *dof_qcow2_backing_name(const dof_qcow2 *q);
const char *dof_qcow2_backing_format(const dof_qcow2 *q);
/* Unallocated clusters read from here (NULL: zeros). */
void dof_qcow2_set_backing(dof_qcow2 *q, dof_qcow2_backing_fn fn, void *arg,
                           uint64_t backing_size);

/* One internal snapshot as the table holds it (strings NUL-terminated). */
typedef struct dof_qcow2_snap {
    char *id, *name;
    uint64_t l1_offset;
    uint32_t l1_size;
    int64_t date_ns;
    uint64_t vm_clock_ns;
    uint64_t vm_state_size;
    uint64_t disk_size; /* 0: not recorded (the image's size) */
} dof_qcow2_snap;
size_t dof_qcow2_snapshot_count(const dof_qcow2 *q);
const dof_qcow2_snap *dof_qcow2_snap_at(const dof_qcow2 *q, size_t i);
/* The snapshot being read, or NULL for the active state. */
const dof_qcow2_snap *dof_qcow2_snapshot_read(const dof_qcow2 *q);

/* Read len guest bytes at off (off + len <= size): 0, or -1 only on an
 * error of the backing image; damaged clusters read as zeros with a
 * warning. */
int dof_qcow2_read(dof_qcow2 *q, uint64_t off, void *buf, size_t len);

/* Cluster counts of the state read (walks every L2 table once; bounded
 * by the L1 size).  Returns -1 when a table could not be read. */
typedef struct dof_qcow2_counts {
    uint64_t allocated, compressed, zero, unallocated;
} dof_qcow2_counts;
int dof_qcow2_count(dof_qcow2 *q, dof_qcow2_counts *c);

/* Inflate one compressed cluster: src[0..n) raw deflate (as QEMU writes
 * it) into exactly out_len bytes.  0, or -1 if the stream is bad or
 * short.  (Exposed for the fuzz target.) */
int dof_qcow2_inflate(const unsigned char *src, size_t n, unsigned char *out,
                      size_t out_len);

/* ---- internals shared by evidence_qcow2.c and evidence_qcow2_read.c ---- */

#include <zlib.h>

#define L1E_OFFSET 0x00fffffffffffe00ull /* bits 9..55 */
#define L2E_OFFSET 0x00fffffffffffe00ull
#define L2E_COMPRESSED (1ull << 62)
#define L2E_ZERO 1ull /* v3 "reads as zeros" */
#define INCOMPAT_DIRTY 0
#define INCOMPAT_CORRUPT 1
#define INCOMPAT_DATA_FILE 2
#define INCOMPAT_COMPRESSION 3
#define INCOMPAT_EXTL2 4
#define EXT_END 0x00000000u
#define EXT_BACKING_FORMAT 0xe2792acau
#define EXT_FEATURE_NAMES 0x6803f857u
#define EXT_CRYPTO 0x0537be77u
#define EXT_DATA_FILE 0x44415441u
#define SNAP_FIXED 40u
#define SNAP_MAX_EXTRA 1024u
#define SNAP_MAX_TABLE (64u << 20) /* QEMU's limit on the table */
#define L2_CACHE 16u
#define MAX_WARNINGS 32u
#define SUBCLUSTERS 32u
#define COUNT_MAX_L2_BYTES (256ull << 20)

typedef struct l2_slot {
    uint64_t off; /* 0: empty */
    uint64_t used;
    int bad;
    unsigned char *tab;
} l2_slot;

struct dof_qcow2 {
    dof_ctx *ctx;
    char *name;
    dof_qcow2_read_fn rd;
    void *rdarg;
    uint64_t file_size;
    dof_qcow2_header h;
    uint64_t cs;  /* cluster bytes */
    uint64_t l2n; /* entries per L2 table */
    unsigned eb;  /* bytes per L2 entry: 8, or 16 (extended) */
    int extl2;
    uint64_t *l1; /* the L1 table of the state read */
    uint32_t l1n;
    uint64_t size; /* virtual bytes of the state read */
    char *backing_name, *backing_format;
    dof_qcow2_backing_fn bfn;
    void *barg;
    uint64_t bsize;
    dof_qcow2_snap *snaps;
    size_t nsnaps;
    long snap_read; /* -1: active state */
    l2_slot l2[L2_CACHE];
    uint64_t clock;
    uint64_t zdesc;      /* descriptor of the cluster in zout, or 0 */
    unsigned char *zin;  /* 2 clusters: the largest compressed extent */
    unsigned char *zout; /* one cluster */
    z_stream zs;
    int zinit;
    unsigned nwarn;
    uint64_t last_bad_table;
    int told_cut; /* the "file is cut short" warning was given */
};

/* Exactly len bytes of the file at off, or -1. */
int dof_qcow2_read_exact(dof_qcow2 *q, uint64_t off, void *buf, size_t len);
/* Damaged data from guest byte guest reads as zeros: say why (at most
 * MAX_WARNINGS, then one "more" warning). */
void dof_qcow2_warn(dof_qcow2 *q, uint64_t guest, const char *fmt, ...)
    DOF_PRINTF(3, 4);

#endif /* DOF_EVIDENCE_QCOW2_H */
