/*
 * fs_extraw.c - what TSK 4.11 does not give us about ext inodes: device
 * numbers and extended attributes, decoded from the raw bytes.
 *
 * Pure parsers (dof_ext_*_parse) work on byte buffers; the only I/O is
 * through the read callback of dof_ext_inode_offset.
 */
#include "fs/fs_private.h"

#define EXT_SB_MAGIC 0xEF53u
#define EXT_XATTR_MAGIC 0xEA020000u
#define EXT_XATTR_BLOCK_HDR 32u
#define EXT_XATTR_ENTRY_HDR 16u
#define EXT_GOOD_OLD_INODE 128u

int
dof_ext_sb_parse(const unsigned char *buf, size_t len, dof_ext_sb *sb)
{
    dof_ext_sb s;
    uint32_t log_bs, rev;

    if (buf == NULL || sb == NULL || len < 1024)
        return DOF_ERR_FORMAT;
    if (dof_le16(buf + 0x38) != EXT_SB_MAGIC)
        return DOF_ERR_FORMAT;
    memset(&s, 0, sizeof(s));
    s.inodes_count = dof_le32(buf + 0x00);
    s.blocks_count = dof_le32(buf + 0x04);
    s.first_data_block = dof_le32(buf + 0x14);
    log_bs = dof_le32(buf + 0x18);
    s.blocks_per_group = dof_le32(buf + 0x20);
    s.inodes_per_group = dof_le32(buf + 0x28);
    rev = dof_le32(buf + 0x4C);
    s.inode_size = rev >= 1 ? dof_le16(buf + 0x58) : EXT_GOOD_OLD_INODE;
    s.feature_compat = dof_le32(buf + 0x5C);
    s.feature_incompat = dof_le32(buf + 0x60);
    s.feature_ro_compat = dof_le32(buf + 0x64);
    s.first_meta_bg = dof_le32(buf + 0x104);
    s.desc_size = 32;
    if (s.feature_incompat & DOF_EXT_INCOMPAT_64BIT) {
        s.desc_size = dof_le16(buf + 0xFE);
        s.blocks_count |= (uint64_t)dof_le32(buf + 0x150) << 32;
    }
    if (log_bs > 6) /* 1 KiB << 6 = 64 KiB, the largest ext block */
        return DOF_ERR_FORMAT;
    s.block_size = 1024u << log_bs;
    if (s.inode_size < EXT_GOOD_OLD_INODE || s.inode_size > s.block_size ||
        (s.inode_size & (s.inode_size - 1)) != 0)
        return DOF_ERR_FORMAT;
    if (s.desc_size < 32 || s.desc_size > s.block_size ||
        (s.desc_size & (s.desc_size - 1)) != 0)
        return DOF_ERR_FORMAT;
    if (s.inodes_per_group == 0 || s.blocks_per_group == 0)
        return DOF_ERR_FORMAT;
    *sb = s;
    return DOF_OK;
}

const char *
dof_ext_sb_version(const dof_ext_sb *sb)
{
    /* incompat: filetype 0x2, recover 0x4, journal_dev 0x8, meta_bg 0x10
     * exist on ext3; anything else (extents, 64bit, flex_bg...) is ext4.
     * ro_compat: sparse_super 0x1, large_file 0x2, btree_dir 0x4. */
    if ((sb->feature_incompat & ~0x1Eu) != 0 ||
        (sb->feature_ro_compat & ~0x7u) != 0)
        return "ext4";
    if (sb->feature_compat & 0x4u) /* has_journal */
        return "ext3";
    return "ext2";
}

void
dof_ext_rdev_parse(const unsigned char *inode, size_t len, uint32_t *major,
                   uint32_t *minor)
{
    uint32_t x;

    *major = *minor = 0;
    if (inode == NULL || len < 48)
        return;
    x = dof_le32(inode + 40); /* i_block[0]: old encoding */
    if (x != 0) {
        *major = (x >> 8) & 0xffu;
        *minor = x & 0xffu;
        return;
    }
    x = dof_le32(inode + 44); /* i_block[1]: new encoding */
    *major = (x & 0xfff00u) >> 8;
    *minor = (x & 0xffu) | ((x >> 12) & 0xfff00u);
}

uint64_t
dof_ext_inode_file_acl(const unsigned char *inode, size_t len,
                       const dof_ext_sb *sb)
{
    uint64_t acl;

    if (inode == NULL || len < EXT_GOOD_OLD_INODE)
        return 0;
    acl = dof_le32(inode + 104);
    if (sb->feature_incompat & DOF_EXT_INCOMPAT_64BIT)
        acl |= (uint64_t)dof_le16(inode + 118) << 32;
    return acl;
}

uint64_t
dof_ext_inode_alloc_bytes(const unsigned char *inode, size_t len,
                          const dof_ext_sb *sb)
{
    uint64_t blocks;

    if (inode == NULL || len < EXT_GOOD_OLD_INODE)
        return 0;
    blocks = dof_le32(inode + 0x1c); /* i_blocks_lo */
    if (sb->feature_ro_compat & DOF_EXT_RO_COMPAT_HUGE_FILE) {
        blocks |= (uint64_t)dof_le16(inode + 0x74) << 32; /* i_blocks_hi */
        if (dof_le32(inode + 0x20) & DOF_EXT_HUGE_FILE_FL)
            return blocks * sb->block_size;
    }
    return blocks * 512u;
}

static const char *
xattr_prefix(unsigned idx)
{
    switch (idx) {
    case 0: return "";
    case 1: return "user.";
    case 2: return "system.posix_acl_access";
    case 3: return "system.posix_acl_default";
    case 4: return "trusted.";
    case 6: return "security.";
    case 7: return "system.";
    case 8: return "system.richacl";
    default: return NULL;
    }
}

/*
 * Walk entries in p[0..end).  Values are at base + e_value_offs, and must
 * lie inside [vmin, vend) of p.
 */
static int
xattr_walk(const unsigned char *p, size_t start, size_t end, size_t base,
           size_t vmin, size_t vend, dof_ext_xattr_fn fn, void *arg)
{
    size_t pos = start;
    char name[300];

    while (pos + 4 <= end && dof_le32(p + pos) != 0) {
        if (pos + EXT_XATTR_ENTRY_HDR > end)
            return DOF_ERR_FORMAT;
        unsigned nlen = p[pos];
        unsigned idx = p[pos + 1];
        uint32_t voff = dof_le16(p + pos + 2);
        uint32_t vinum = dof_le32(p + pos + 4);
        uint32_t vsize = dof_le32(p + pos + 8);
        size_t esz = (EXT_XATTR_ENTRY_HDR + nlen + 3u) & ~(size_t)3u;
        const char *pre = xattr_prefix(idx);
        const unsigned char *val = NULL;

        if (pos + esz > end)
            return DOF_ERR_FORMAT;
        /* a NUL inside the name would let "trusted.overlay.opaque\0x"
         * pass for the real thing once the name is a C string */
        if (memchr(p + pos + EXT_XATTR_ENTRY_HDR, 0, nlen) != NULL)
            return DOF_ERR_FORMAT;
        if (vinum == 0 && vsize != 0) {
            size_t vo = base + voff;
            if (vo < vmin || vo > vend || vsize > vend - vo)
                return DOF_ERR_FORMAT;
            val = p + vo;
        }
        if (pre != NULL) {
            size_t pl = strlen(pre);
            memcpy(name, pre, pl);
            memcpy(name + pl, p + pos + EXT_XATTR_ENTRY_HDR, nlen);
            name[pl + nlen] = '\0';
            if (fn(arg, name, pl + nlen, val, vsize, vinum))
                return 1; /* stopped by the callback */
        }
        pos += esz;
    }
    return DOF_OK;
}

int
dof_ext_xattr_parse_ibody(const unsigned char *inode, size_t len,
                          dof_ext_xattr_fn fn, void *arg)
{
    size_t start;

    if (inode == NULL || len <= EXT_GOOD_OLD_INODE + 2)
        return DOF_OK; /* no room for anything beyond the old inode */
    start = EXT_GOOD_OLD_INODE + dof_le16(inode + EXT_GOOD_OLD_INODE);
    if (start + 4 > len)
        return DOF_OK;
    if (dof_le32(inode + start) != EXT_XATTR_MAGIC)
        return DOF_OK; /* no in-inode attributes */
    /* value offsets are relative to the first entry */
    return xattr_walk(inode, start + 4, len, start + 4, start + 4, len, fn,
                      arg);
}

int
dof_ext_xattr_parse_block(const unsigned char *blk, size_t len,
                          dof_ext_xattr_fn fn, void *arg)
{
    if (blk == NULL || len < EXT_XATTR_BLOCK_HDR + 4)
        return DOF_ERR_FORMAT;
    if (dof_le32(blk) != EXT_XATTR_MAGIC)
        return DOF_ERR_FORMAT;
    if (dof_le32(blk + 8) != 1) /* h_blocks: always 1 on Linux */
        return DOF_ERR_FORMAT;
    return xattr_walk(blk, EXT_XATTR_BLOCK_HDR, len, 0, EXT_XATTR_BLOCK_HDR,
                      len, fn, arg);
}

static int
is_power_of(uint64_t n, uint64_t b)
{
    while (n > 1 && n % b == 0)
        n /= b;
    return n == 1;
}

static int
group_has_super(const dof_ext_sb *sb, uint64_t g)
{
    if (!(sb->feature_ro_compat & DOF_EXT_RO_COMPAT_SPARSE_SUPER))
        return 1;
    if (g <= 1)
        return 1;
    return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

int
dof_ext_inode_offset(const dof_ext_sb *sb, uint64_t ino, dof_ext_read_fn rd,
                     void *arg, uint64_t *off)
{
    unsigned char gd[64];
    uint64_t group, index, dpb, blk, table, ngroups;
    int rc;

    if (ino == 0 || ino > sb->inodes_count)
        return DOF_ERR_NOTFOUND;
    group = (ino - 1) / sb->inodes_per_group;
    index = (ino - 1) % sb->inodes_per_group;
    ngroups =
        (sb->inodes_count + sb->inodes_per_group - 1) / sb->inodes_per_group;
    if (group >= ngroups)
        return DOF_ERR_NOTFOUND;
    dpb = sb->block_size / sb->desc_size;
    if ((sb->feature_incompat & DOF_EXT_INCOMPAT_META_BG) &&
        group / dpb >= sb->first_meta_bg) {
        uint64_t first = (group / dpb) * dpb;
        blk = sb->first_data_block + first * sb->blocks_per_group +
              (uint64_t)group_has_super(sb, first);
    }
    else {
        blk = sb->first_data_block + 1 + group / dpb;
    }
    rc =
        rd(arg, blk * sb->block_size + (group % dpb) * (uint64_t)sb->desc_size,
           gd, sb->desc_size >= 64 ? 64 : 32);
    if (rc != DOF_OK)
        return rc;
    table = dof_le32(gd + 8);
    if (sb->desc_size >= 64 && (sb->feature_incompat & DOF_EXT_INCOMPAT_64BIT))
        table |= (uint64_t)dof_le32(gd + 0x28) << 32;
    if (table == 0 || table >= sb->blocks_count)
        return DOF_ERR_FORMAT;
    *off = table * sb->block_size + index * sb->inode_size;
    return DOF_OK;
}
