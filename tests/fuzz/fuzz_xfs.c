/*
 * fuzz_xfs.c - the XFS decoders (core/fs/fs_xfs*.c): superblock, inode
 * core and forks, extent records, bmap btree root and blocks,
 * shortform and block directories, shortform and leaf attributes, da
 * nodes, and the log's clean test over the input as a volume.
 *
 * Every decoder runs on the whole input under a v5 superblock (CRC
 * headers, ftype, 512-byte inodes) and a v4 one (no CRC, no ftype,
 * 256-byte inodes); when the input itself parses as a superblock, under
 * that one too.
 */
#include "fs/fs_xfs.h"
#include "fuzz.h"

typedef struct span {
    const unsigned char *p;
    size_t len;
    size_t n;
} span;

static int
dir_fn(void *arg, const char *name, size_t len, uint64_t ino, unsigned ft)
{
    span *s = arg;
    (void)ino;
    (void)ft;
    FUZZ_ASSERT(len > 0 && len <= DOF_XFS_NAME_MAX);
    FUZZ_ASSERT(strlen(name) <= len && name[len] == '\0');
    return ++s->n > 100000;
}

static int
attr_fn(void *arg, const char *name, size_t name_len,
        const unsigned char *value, uint32_t vlen, uint32_t rblk)
{
    span *s = arg;
    volatile unsigned char sink = 0;
    (void)rblk;
    FUZZ_ASSERT(strlen(name) == name_len);
    FUZZ_ASSERT(strncmp(name, "user.", 5) == 0 ||
                strncmp(name, "trusted.", 8) == 0 ||
                strncmp(name, "security.", 9) == 0);
    if (value != NULL) {
        FUZZ_ASSERT(value >= s->p && vlen <= s->len &&
                    value - s->p <= (ptrdiff_t)(s->len - vlen));
        for (uint32_t i = 0; i < vlen; i++)
            sink ^= value[i];
    }
    (void)sink;
    return ++s->n > 100000;
}

static int
rd_fn(void *arg, uint64_t off, void *buf, size_t len)
{
    span *s = arg;
    if (off > s->len || len > s->len - off)
        return DOF_ERR_IO;
    memcpy(buf, s->p + off, len);
    return DOF_OK;
}

static void
with_sb(const dof_xfs_sb *sb, const uint8_t *data, size_t size)
{
    span s = {data, size, 0};
    dof_xfs_inode in;
    uint64_t ptrs[512], right, off;
    const unsigned char *recs = NULL;
    unsigned level;
    size_t n = 0;
    uint32_t forw, first;
    int rc;

    if (dof_xfs_inode_parse(sb, data, size, &in) == DOF_OK) {
        uint32_t ma, mi;
        FUZZ_ASSERT(in.dfork >= data && in.dfork_len <= sb->inode_size &&
                    in.dfork + in.dfork_len <= data + sb->inode_size);
        if (in.afork_len)
            FUZZ_ASSERT(in.afork >= in.dfork + in.dfork_len &&
                        in.afork + in.afork_len <= data + sb->inode_size);
        dof_xfs_rdev_parse(in.dfork, in.dfork_len, &ma, &mi);
        FUZZ_ASSERT(ma <= 0x3fff && mi <= 0x3ffff);
        if (in.format == DOF_XFS_FMT_LOCAL && (in.mode & 0170000) == 040000)
            dof_xfs_dir_sf_parse(sb, in.dfork, in.dfork_len, 128, dir_fn, &s);
        if (in.format == DOF_XFS_FMT_BTREE)
            dof_xfs_bmroot_parse(in.dfork, in.dfork_len, &level, ptrs, 512,
                                 &n);
        if (in.afork_len && in.aformat == DOF_XFS_FMT_LOCAL) {
            span a = {in.afork, in.afork_len, 0};
            dof_xfs_attr_sf_parse(in.afork, in.afork_len, attr_fn, &a);
        }
    }
    dof_xfs_dir_sf_parse(sb, data, size, 128, dir_fn, &s);
    rc = dof_xfs_dir_block_parse(sb, data, size, dir_fn, &s);
    FUZZ_ASSERT(rc == DOF_OK || rc == 1 || rc == DOF_ERR_FORMAT);
    dof_xfs_attr_sf_parse(data, size, attr_fn, &s);
    dof_xfs_attr_leaf_parse(sb, data, size, attr_fn, &s, &forw);
    dof_xfs_da_node_parse(sb, data, size, &level, &first);
    if (dof_xfs_bmblock_parse(sb, data, size, &level, &recs, ptrs, 512, &n,
                              &right) == DOF_OK &&
        recs != NULL) {
        for (size_t i = 0; i < n; i++) {
            dof_xfs_ext e;
            FUZZ_ASSERT(recs + i * 16 + 16 <= data + size);
            dof_xfs_ext_decode(recs + i * 16, &e);
            FUZZ_ASSERT(e.len <= 0x1fffff);
        }
    }
    dof_xfs_bmroot_parse(data, size, &level, ptrs, 512, &n);
    for (unsigned i = 0; i < 4 && 8 * i + 8 <= size; i++) {
        if (dof_xfs_ino_offset(sb, dof_be64(data + 8 * i), &off) == DOF_OK)
            FUZZ_ASSERT(off <= sb->dblocks * sb->block_size);
        if (dof_xfs_fsb_offset(sb, dof_be64(data + 8 * i), &off) == DOF_OK)
            FUZZ_ASSERT(off < sb->dblocks * sb->block_size);
    }
}

static void
fixed_sb(dof_xfs_sb *sb, int v5)
{
    memset(sb, 0, sizeof(*sb));
    sb->version = v5 ? 5 : 4;
    sb->crc = v5;
    sb->ftype = v5;
    sb->block_size = 4096;
    sb->block_log = 12;
    sb->sect_size = 512;
    sb->inode_size = v5 ? 512 : 256;
    sb->inode_log = v5 ? 9 : 8;
    sb->inopb_log = sb->block_log - sb->inode_log;
    sb->ag_blocks = 20480;
    sb->agblk_log = 15;
    sb->ag_count = 4;
    sb->dblocks = 81920;
    sb->dir_block_size = 4096;
    sb->root_ino = 128;
}

FUZZ_TARGET(xfs)
{
    dof_xfs_sb sb;
    span s = {data, size, 0};

    if (dof_xfs_sb_parse(data, size, &sb) == DOF_OK) {
        int c;
        FUZZ_ASSERT(sb.block_size >= 512 && sb.block_size <= 65536);
        FUZZ_ASSERT(sb.inode_size <= sb.block_size);
        FUZZ_ASSERT(sb.dir_block_size <= 65536);
        with_sb(&sb, data, size);
        c = dof_xfs_log_clean(&sb, rd_fn, &s);
        FUZZ_ASSERT(c == 0 || c == 1 || c == -1);
    }
    {
        unsigned char *acl = NULL;
        size_t alen = 0;
        if (dof_xfs_acl_to_xattr(data, size, &acl, &alen) == DOF_OK)
            FUZZ_ASSERT(alen >= 4 && (alen - 4) % 8 == 0 &&
                        (alen - 4) / 8 * 12 + 4 <= size);
        free(acl);
    }
    for (int v5 = 0; v5 < 2; v5++) {
        fixed_sb(&sb, v5);
        with_sb(&sb, data, size);
    }
    return 0;
}
