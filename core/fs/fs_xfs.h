/*
 * fs_xfs.h - the XFS reader (fs_xfs*.c): pure decoders of the on-disk
 * structures, which the fuzz target calls on plain bytes, and the
 * backend state shared by the reader's files.  Not installed.
 *
 * Everything on disk is big-endian.  Sources: the kernel's "XFS
 * Algorithms & Data Structures" and xfs_format.h / xfs_da_format.h.
 */
#ifndef DOF_FS_XFS_H
#define DOF_FS_XFS_H

#include "fs/fs_private.h"

static inline uint16_t
dof_xfs_be16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* ---- superblock ---- */

#define DOF_XFS_INCOMPAT_FTYPE 0x1u
#define DOF_XFS_INCOMPAT_SPINODES 0x2u
#define DOF_XFS_INCOMPAT_BIGTIME 0x8u
#define DOF_XFS_INCOMPAT_NREXT64 0x20u
#define DOF_XFS_NAME_MAX 255u

typedef struct dof_xfs_sb {
    int version;         /* 4 or 5 */
    uint32_t block_size; /* 512 .. 65536 */
    uint32_t sect_size;
    uint32_t inode_size; /* 256 .. 2048 */
    uint32_t dir_block_size;
    unsigned block_log, inode_log, inopb_log, agblk_log, dirblk_log;
    uint32_t ag_blocks, ag_count;
    uint64_t dblocks;
    uint64_t root_ino;
    uint64_t log_start; /* fs block of the internal log, 0: external */
    uint32_t log_blocks;
    int ftype; /* directory entries carry a file type byte */
    int crc;   /* v5 metadata headers */
    int nrext64;
    uint32_t incompat;
} dof_xfs_sb;

/* Parse the superblock at byte 0 of the volume.  DOF_ERR_FORMAT when
 * the magic or any geometry field is out of bounds. */
int dof_xfs_sb_parse(const unsigned char *b, size_t len, dof_xfs_sb *sb);

/* ---- inodes ---- */

#define DOF_XFS_FMT_DEV 0
#define DOF_XFS_FMT_LOCAL 1
#define DOF_XFS_FMT_EXTENTS 2
#define DOF_XFS_FMT_BTREE 3

typedef struct dof_xfs_inode {
    uint16_t mode;
    unsigned version, format, aformat;
    uint32_t uid, gid, nlink;
    int64_t atime, mtime, ctime, crtime; /* ns; crtime NONE before v3 */
    uint64_t size, nblocks, nextents, anextents;
    uint64_t ino; /* v3: the inode's own number, else 0 */
    uint16_t flags;
    const unsigned char *dfork, *afork; /* into the raw inode */
    size_t dfork_len, afork_len;        /* afork_len 0: no attr fork */
} dof_xfs_inode;

/* Decode one raw inode of sb->inode_size bytes (len >= that).  Forks
 * point into b.  DOF_ERR_FORMAT on a bad magic, version or fork. */
int dof_xfs_inode_parse(const dof_xfs_sb *sb, const unsigned char *b,
                        size_t len, dof_xfs_inode *in);
/* Byte offset of inode ino in the volume; DOF_ERR_NOTFOUND if the
 * number lies outside the filesystem's AGs. */
int dof_xfs_ino_offset(const dof_xfs_sb *sb, uint64_t ino, uint64_t *off);
/* Linux device numbers from a device inode's data fork. */
void dof_xfs_rdev_parse(const unsigned char *fork, size_t len, uint32_t *major,
                        uint32_t *minor);

/* ---- data and attr forks: extents and the bmap B+tree ---- */

typedef struct dof_xfs_ext {
    uint64_t off;  /* file block */
    uint64_t blk;  /* fs block (AG-relative encoding) */
    uint64_t len;  /* blocks */
    int unwritten; /* reads as zeros */
} dof_xfs_ext;

void dof_xfs_ext_decode(const unsigned char *p, dof_xfs_ext *e);
/* The btree root in an inode fork: its level, and up to max child
 * pointers into ptrs (*n of them).  DOF_ERR_FORMAT if damaged. */
int dof_xfs_bmroot_parse(const unsigned char *fork, size_t len,
                         unsigned *level, uint64_t *ptrs, size_t max,
                         size_t *n);
/* One long-format bmap btree block: level, and either records (leaf:
 * *recs points at *n 16-byte extents) or child pointers (node). */
int dof_xfs_bmblock_parse(const dof_xfs_sb *sb, const unsigned char *b,
                          size_t len, unsigned *level,
                          const unsigned char **recs, uint64_t *ptrs,
                          size_t max, size_t *n, uint64_t *right);

/* ---- directories ---- */

/* One entry; name is NUL terminated, ftype the on-disk type byte (0 when
 * the filesystem has none).  Nonzero stops the walk. */
typedef int (*dof_xfs_dirent_fn)(void *arg, const char *name, size_t len,
                                 uint64_t ino, unsigned ftype);
/* Shortform directory in the data fork (adds "." and ".."). */
int dof_xfs_dir_sf_parse(const dof_xfs_sb *sb, const unsigned char *p,
                         size_t len, uint64_t self, dof_xfs_dirent_fn fn,
                         void *arg);
/* One directory data block (block form XD2B/XDB3 or data XD2D/XDD3).
 * Returns 1 if fn stopped the walk, DOF_ERR_FORMAT on a bad block. */
int dof_xfs_dir_block_parse(const dof_xfs_sb *sb, const unsigned char *p,
                            size_t len, dof_xfs_dirent_fn fn, void *arg);
/* dof_ftype of an XFS directory-entry file type byte. */
dof_ftype dof_xfs_ftype(unsigned ftype);

/* ---- extended attributes ---- */

/* One attribute, name with its namespace prefix ("user.", "trusted.",
 * "security.").  value is NULL for a remote value (in the attr fork
 * from block rblk on).  Nonzero stops the walk. */
typedef int (*dof_xfs_attr_fn)(void *arg, const char *name, size_t name_len,
                               const unsigned char *value, uint32_t vlen,
                               uint32_t rblk);
int dof_xfs_attr_sf_parse(const unsigned char *p, size_t len,
                          dof_xfs_attr_fn fn, void *arg);
/* An attr leaf block; *forw gets the next leaf's block (0: last). */
int dof_xfs_attr_leaf_parse(const dof_xfs_sb *sb, const unsigned char *p,
                            size_t len, dof_xfs_attr_fn fn, void *arg,
                            uint32_t *forw);
/* A da node block (dir or attr): its level and first child's block.
 * DOF_ERR_FORMAT if p is not a node. */
int dof_xfs_da_node_parse(const dof_xfs_sb *sb, const unsigned char *p,
                          size_t len, unsigned *level, uint32_t *first);
/* 1 if p is an attr leaf block, 0 if not. */
int dof_xfs_attr_is_leaf(const dof_xfs_sb *sb, const unsigned char *p,
                         size_t len);

/* An XFS POSIX ACL (the value of trusted.SGI_ACL_FILE or _DEFAULT) in
 * the Linux xattr format the kernel shows as system.posix_acl_access or
 * _default; *out malloc'd.  DOF_ERR_FORMAT if damaged. */
int dof_xfs_acl_to_xattr(const unsigned char *p, size_t len,
                         unsigned char **out, size_t *outlen);

/* ---- log ---- */

/* Reads len bytes at byte off of the volume. */
typedef int (*dof_xfs_read_fn)(void *arg, uint64_t off, void *buf, size_t len);
/* 1 if the internal log ends with an unmount record (or was never
 * written), 0 if it needs recovery, negative if unreadable. */
int dof_xfs_log_clean(const dof_xfs_sb *sb, dof_xfs_read_fn rd, void *arg);

/* ---- backend state (fs_xfs.c) shared by the reader's files ---- */

typedef struct xfs_impl {
    TSK_IMG_INFO *img;
    uint64_t offset;
    dof_xfs_sb sb;
    unsigned char *ibuf; /* one raw inode */
    uint64_t ibuf_ino;   /* its number, 0 if none */
    dof_xfs_inode in;    /* decoded, forks into ibuf */
    dof_xfs_ext *ext;    /* data-fork extents of ext_ino */
    size_t next;
    uint64_t ext_ino;
    unsigned char *blk; /* one directory or attr block */
} xfs_impl;

#define XFS_IMPL(fs) ((xfs_impl *)(fs)->impl)

/* Read len bytes at byte off of the volume. */
int dof_xfs_read(dof_fs *fs, uint64_t off, void *buf, size_t len);
/* The inode into x->ibuf / x->in. */
int dof_xfs_inode_get(dof_fs *fs, uint64_t ino);
/* All extents of a fork (attr != 0: the attr fork) of the inode in
 * x->in, sorted by file block; malloc'd. */
int dof_xfs_fork_extents(dof_fs *fs, uint64_t ino, const dof_xfs_inode *in,
                         int attr, dof_xfs_ext **out, size_t *n);
/* Read len bytes at byte off of a fork mapped by ext (holes and
 * unwritten extents read as zeros). */
int dof_xfs_fork_read(dof_fs *fs, const dof_xfs_ext *ext, size_t n,
                      uint64_t off, void *buf, size_t len);
/* Byte offset of fs block fsb; DOF_ERR_FORMAT if outside the fs. */
int dof_xfs_fsb_offset(const dof_xfs_sb *sb, uint64_t fsb, uint64_t *off);

int dof_xfs_readdir(dof_fs *fs, dof_node dir, unsigned flags,
                    dof_fs_dirent_fn fn, void *arg);
int dof_xfs_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn,
                      void *arg);

#endif /* DOF_FS_XFS_H */
