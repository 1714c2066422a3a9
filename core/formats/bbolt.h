/*
 * bbolt.h - a read-only reader for bbolt (etcd-io/bbolt, format version 2)
 * files: Docker's volumes/metadata.db and network/files/local-kv.db,
 * containerd's meta.db.  Private to the engine-model layer.
 *
 * The reader works over a byte buffer (dof_bbolt_open_mem) so that it can
 * be fuzzed; dof_bbolt_read() loads the file through dof_fs first.  Every
 * page id, offset and count read from the file is bounded by the buffer
 * and by the meta's high-water page id; the tree walk has a depth cap and
 * a cycle check.  A damaged page becomes a warning on the ctx and is
 * skipped: the walk goes on with the next one.
 */
#ifndef DOF_BBOLT_H
#define DOF_BBOLT_H

#include "base/base_private.h"

/* Largest bbolt file dof_bbolt_read() loads (documented cap). */
#define DOF_BBOLT_CAP_FILE (256u * 1024u * 1024u)
/* Deepest branch/leaf tree and bucket nesting followed. */
#define DOF_BBOLT_MAX_DEPTH 64

typedef struct dof_bbolt dof_bbolt;

/* A bucket: a value, filled by dof_bbolt_bucket(); points into the db's
 * buffer and is valid while the db is open.  root != 0: the bucket's root
 * page; root == 0: an inline bucket whose leaf page is inl[0..inl_len). */
typedef struct dof_bbolt_bkt {
    uint64_t root;
    uint64_t sequence;
    const unsigned char *inl;
    size_t inl_len;
} dof_bbolt_bkt;

/* Called per element in key order.  For a sub-bucket is_bucket = 1 and
 * value is the raw bucket value (open it with dof_bbolt_bucket_value()).
 * Return nonzero to stop the walk. */
typedef int (*dof_bbolt_fn)(void *arg, const unsigned char *key, size_t klen,
                            const unsigned char *value, size_t vlen,
                            int is_bucket);

/* Open a bbolt file held in buf (borrowed: it must outlive the db).
 * Validates both meta pages (magic 0xED0CDAED, version 2, page size a
 * power of two in 512..65536, FNV-1a 64 checksum, root/high-water page
 * ids sane) and uses the valid one with the higher txid; when only one
 * is valid it is used with a warning.  path (may be NULL) names the file
 * in warnings.  DOF_ERR_FORMAT if neither meta is valid. */
int dof_bbolt_open_mem(dof_ctx *ctx, const void *buf, size_t len,
                       dof_bbolt **out);
int dof_bbolt_open_mem_path(dof_ctx *ctx, const char *path, const void *buf,
                            size_t len, dof_bbolt **out);
/* Read path (absolute on fs) whole, at most DOF_BBOLT_CAP_FILE bytes
 * (DOF_ERR_LIMIT beyond), and open it; the db owns the buffer. */
int dof_bbolt_read(dof_ctx *ctx, dof_fs *fs, const char *path,
                   dof_bbolt **out);
void dof_bbolt_close(dof_bbolt *db);

uint32_t dof_bbolt_page_size(const dof_bbolt *db);
uint64_t dof_bbolt_txid(const dof_bbolt *db);
/* 0 or 1: the meta page in use. */
int dof_bbolt_meta_index(const dof_bbolt *db);

/* The sub-bucket called name of parent (NULL: the root bucket).
 * DOF_ERR_NOTFOUND if there is none (or the key is not a bucket). */
int dof_bbolt_bucket(dof_bbolt *db, const dof_bbolt_bkt *parent,
                     const void *name, size_t len, dof_bbolt_bkt *out);
/* Decode a raw bucket value as passed to a dof_bbolt_fn. */
int dof_bbolt_bucket_value(dof_bbolt *db, const unsigned char *value,
                           size_t vlen, dof_bbolt_bkt *out);
/* Every element of bucket (NULL: the root bucket) in key order, through
 * branch, leaf and overflow pages.  Damage -> warnings, walk goes on. */
int dof_bbolt_foreach(dof_bbolt *db, const dof_bbolt_bkt *bucket,
                      dof_bbolt_fn fn, void *arg);

/* Open the bbolt file in buf (path names it in warnings) and walk its
 * top-level bucket called name (NUL-terminated) with fn; a file without
 * that bucket is walked as empty (DOF_OK, fn never called). */
int dof_bbolt_foreach_in(dof_ctx *ctx, const char *path, const void *buf,
                         size_t len, const char *name, dof_bbolt_fn fn,
                         void *arg);

/* Copy-on-write leftovers: every leaf page of the file (below the end of
 * the buffer) that no live bucket reaches - freed pages of older
 * transactions - element by element, with its page id.  These may hold
 * deleted keys; they may also be stale copies of live ones.  Elements of
 * inline buckets inside such a page are reported too, with its page id. */
typedef int (*dof_bbolt_stale_fn)(void *arg, uint64_t pgid,
                                  const unsigned char *key, size_t klen,
                                  const unsigned char *value, size_t vlen,
                                  int is_bucket);
int dof_bbolt_foreach_stale(dof_bbolt *db, dof_bbolt_stale_fn fn, void *arg);

#endif /* DOF_BBOLT_H */
