/*
 * fs_private.h - internals of the fs layer (core/fs*.c): the backend
 * vtable, the shared name map, the raw ext inode reader, and the
 * constructors the evidence layer calls.  Not installed.
 */
#ifndef DOF_FS_PRIVATE_H
#define DOF_FS_PRIVATE_H

#include "base/base_private.h"

#include <tsk/libtsk.h>

/* Copy TSK's error into ctx and reset it; returns code. */
int dof_set_tsk_error(dof_ctx *ctx, int code, const char *what);

/* ---- backend vtable ---- */

/* Like dof_fs_dirent_fn; the backend also passes "." and "..", which the
 * core uses for its cache and hides from dof_fs_readdir callers. */
typedef struct dof_fs_ops {
    int (*stat)(dof_fs *fs, dof_node node, dof_stat *st);
    /* All names (with "." and ".."), deleted ones only with
     * DOF_FS_READDIR_DELETED.  Not a directory: DOF_ERR_NOTFOUND. */
    int (*readdir)(dof_fs *fs, dof_node dir, unsigned flags,
                   dof_fs_dirent_fn fn, void *arg);
    int (*read)(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
                size_t *got);
    int (*readlink)(dof_fs *fs, dof_node node, char **out);
    int (*listxattr)(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg);
    /* Optional: NULL means "scan listxattr". */
    int (*getxattr)(dof_fs *fs, dof_node node, const char *name, char **value,
                    size_t *len);
    /* Free the backend state (called once, with fs->impl set). */
    void (*close)(dof_fs *fs);
} dof_fs_ops;

/* ---- a hash map (dir node, name bytes) -> (node, type) ---- */
typedef struct dof_nmap_ent {
    struct dof_nmap_ent *next;
    uint64_t hash;
    dof_node dir;
    dof_node node;
    uint32_t len;
    int type; /* dof_ftype, or a private marker */
    char name[];
} dof_nmap_ent;

typedef struct dof_nmap {
    dof_arena *arena;
    dof_nmap_ent **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    size_t bytes; /* approximate memory held */
} dof_nmap;

void dof_nmap_init(dof_nmap *m);
void dof_nmap_clear(dof_nmap *m); /* frees everything, usable again */
dof_nmap_ent *dof_nmap_find(const dof_nmap *m, dof_node dir, const char *name,
                            size_t len);
/* Adds (no duplicate check); NULL on out of memory. */
dof_nmap_ent *dof_nmap_add(dof_nmap *m, dof_node dir, const char *name,
                           size_t len, dof_node node, int type);

/* ---- the fs object shared by every backend ---- */

/* Directory cache bounds: when either is exceeded the whole cache is
 * dropped and refilled on demand; one directory that alone exceeds them
 * is never cached and its lookups scan it through readdir. */
#define DOF_DCACHE_MAX_ENTRIES 2000000u
#define DOF_DCACHE_MAX_BYTES (128u * 1024u * 1024u)

struct dof_fs {
    const dof_fs_ops *ops;
    void *impl;         /* backend state */
    dof_ctx *ctx;       /* errors and warnings go here */
    char type_name[16]; /* "ext4", "dir" */
    dof_node root;
    uint64_t offset; /* byte offset of the volume */
    int needs_recovery;
    uint64_t size_bytes; /* the filesystem's span, 0 if unknown */
    int trusted_xattrs;
    dof_nmap dcache; /* directory cache, see above */
    uint64_t dcache_drops;
};

/* Allocate the shared part; the backend fills the rest. */
dof_fs *dof_fs_new(dof_ctx *ctx, const dof_fs_ops *ops, void *impl);
/* Close a filesystem (the evidence layer owns them). Accepts NULL. */
void dof_fs_close(dof_fs *fs);

/* ---- constructors (called by core/evidence/ and the probe table) ---- */

/* ext2/3/4 at byte offset `offset` of an open image. */
int dof_fs_ext_open(dof_ctx *ctx, TSK_IMG_INFO *img, uint64_t offset,
                    dof_fs **out);
/* XFS (v4, v5) at byte offset `offset` of an open image (fs_xfs.c). */
int dof_fs_xfs_open(dof_ctx *ctx, TSK_IMG_INFO *img, uint64_t offset,
                    dof_fs **out);
/* A host directory as a filesystem root. */
int dof_fs_dir_open(dof_ctx *ctx, const char *path, dof_fs **out);
/* Any backend as one-volume evidence called name, format "dir" (the fuzz
 * targets' in-memory trees).  Takes fs: closed on failure too. */
int dof_evidence_open_fs(dof_ctx *ctx, const char *name, dof_fs *fs,
                         dof_evidence **out);

/* ---- core/fs/fs_probe.c: the filesystem probe table ---- */

/* Bytes of a volume's start the probes look at (btrfs: 64 KiB + 72). */
#define DOF_FS_PROBE_BYTES (68u * 1024u)

typedef struct dof_fs_kind dof_fs_kind;

/* What a volume's first bytes say. */
typedef struct dof_fs_probe_result {
    const char *signature;   /* "ext4", "xfs", "lvm2", ..., "unknown" */
    const char *note;        /* why it cannot be read, or NULL */
    uint64_t fs_bytes;       /* the filesystem's own size, 0 if unknown */
    int openable;            /* kind->open may be called */
    const dof_fs_kind *kind; /* the matching row, or NULL */
} dof_fs_probe_result;

/* One row of the table. */
struct dof_fs_kind {
    const char *name;
    /* 1 if b (the volume's first n bytes) holds this kind; may refine
     * r (signature, note, fs_bytes, openable). */
    int (*probe)(const unsigned char *b, size_t n, dof_fs_probe_result *r);
    /* Open it at byte offset off of img, or NULL: not supported yet. */
    int (*open)(dof_ctx *ctx, TSK_IMG_INFO *img, uint64_t off, dof_fs **out);
    const char *note; /* when open is NULL: why it is not read */
    int quiet;        /* not warned about when it cannot be read */
};

/* Probe the first n bytes of a volume (pure: no I/O); always fills r,
 * with signature "unknown" when no row matches. */
void dof_fs_probe(const unsigned char *b, size_t n, dof_fs_probe_result *r);
/* Row i of the table, or NULL past its end. */
const dof_fs_kind *dof_fs_kind_get(size_t i);

/* ---- core/fs_extraw.c: raw ext inodes (rdev, xattrs) ---- */

#define DOF_EXT_INCOMPAT_RECOVER 0x4u
#define DOF_EXT_INCOMPAT_META_BG 0x10u
#define DOF_EXT_INCOMPAT_64BIT 0x80u
#define DOF_EXT_RO_COMPAT_SPARSE_SUPER 0x1u
#define DOF_EXT_RO_COMPAT_HUGE_FILE 0x8u
#define DOF_EXT_HUGE_FILE_FL 0x40000u

typedef struct dof_ext_sb {
    uint64_t inodes_count;
    uint64_t blocks_count;
    uint32_t first_data_block;
    uint32_t block_size;
    uint32_t blocks_per_group;
    uint32_t inodes_per_group;
    uint32_t inode_size;
    uint32_t desc_size;
    uint32_t first_meta_bg;
    uint32_t feature_compat, feature_incompat, feature_ro_compat;
} dof_ext_sb;

/* Parse the 1024-byte superblock (as found at byte 1024).  Returns
 * DOF_ERR_FORMAT with nothing filled on a bad magic or field. */
int dof_ext_sb_parse(const unsigned char *buf, size_t len, dof_ext_sb *sb);
/* "ext2", "ext3" or "ext4" from the feature flags. */
const char *dof_ext_sb_version(const dof_ext_sb *sb);

/* Device number of a character/block inode from i_block[0]/[1]. */
void dof_ext_rdev_parse(const unsigned char *inode, size_t len,
                        uint32_t *major, uint32_t *minor);

/* One raw xattr entry; value is NULL when it lives in inode value_inum. */
typedef int (*dof_ext_xattr_fn)(void *arg, const char *name, size_t name_len,
                                const unsigned char *value,
                                uint32_t value_size, uint32_t value_inum);
/* The in-inode xattr area of one raw inode (inode_size bytes). */
int dof_ext_xattr_parse_ibody(const unsigned char *inode, size_t len,
                              dof_ext_xattr_fn fn, void *arg);
/* An external xattr block (block_size bytes). */
int dof_ext_xattr_parse_block(const unsigned char *blk, size_t len,
                              dof_ext_xattr_fn fn, void *arg);
/* Bytes allocated to a raw inode (i_blocks: 512-byte units, or blocks
 * with HUGE_FILE_FL): data, extent index and xattr blocks. */
uint64_t dof_ext_inode_alloc_bytes(const unsigned char *inode, size_t len,
                                   const dof_ext_sb *sb);
/* File ACL block of a raw inode (0 if none). */
uint64_t dof_ext_inode_file_acl(const unsigned char *inode, size_t len,
                                const dof_ext_sb *sb);

/* Reads `len` bytes at byte offset `off` of the filesystem. */
typedef int (*dof_ext_read_fn)(void *arg, uint64_t off, void *buf, size_t len);
/* Byte offset of inode `ino` (group descriptor lookup through rd). */
int dof_ext_inode_offset(const dof_ext_sb *sb, uint64_t ino,
                         dof_ext_read_fn rd, void *arg, uint64_t *off);

#endif /* DOF_FS_PRIVATE_H */
