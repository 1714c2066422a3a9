/*
 * fuzz_extraw.c - the raw ext inode decoders (core/fs_extraw.c): the
 * superblock, device numbers, in-inode and block xattrs, the file ACL
 * block and the inode-location arithmetic (its group descriptor read is
 * served from the input itself).
 */
#include "fs/fs_private.h"
#include "fuzz.h"

typedef struct span {
    const unsigned char *p;
    size_t len;
    size_t n;
} span;

static int
xattr_fn(void *arg, const char *name, size_t name_len,
         const unsigned char *value, uint32_t value_size, uint32_t value_inum)
{
    span *s = arg;
    volatile unsigned char sink = 0;

    FUZZ_ASSERT(strlen(name) == name_len);
    if (value != NULL) {
        FUZZ_ASSERT(value_inum == 0);
        FUZZ_ASSERT(value >= s->p && value_size <= s->len &&
                    value - s->p <= (ptrdiff_t)(s->len - value_size));
        for (uint32_t i = 0; i < value_size; i++)
            sink ^= value[i];
    }
    (void)sink;
    return ++s->n > 10000;
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

FUZZ_TARGET(extraw)
{
    static const size_t isizes[] = {128, 256, 512, 1024};
    span s = {data, size, 0};
    dof_ext_sb sb;
    uint32_t major, minor;

    dof_ext_rdev_parse(data, size, &major, &minor);
    FUZZ_ASSERT(major <= 0xfff && minor <= 0xfffff);
    /* in-inode area: the whole input, and an inode-sized prefix */
    dof_ext_xattr_parse_ibody(data, size, xattr_fn, &s);
    if (size > 0) {
        size_t il = isizes[data[size - 1] & 3];
        if (il <= size)
            dof_ext_xattr_parse_ibody(data, il, xattr_fn, &s);
    }
    dof_ext_xattr_parse_block(data, size, xattr_fn, &s);
    /* the superblock as found at byte 1024 of a volume */
    if (dof_ext_sb_parse(data, size, &sb) == DOF_OK) {
        const char *v = dof_ext_sb_version(&sb);
        FUZZ_ASSERT(v != NULL && v[0] == 'e');
        FUZZ_ASSERT(sb.block_size >= 1024 && sb.block_size <= 65536);
        (void)dof_ext_inode_file_acl(data, size, &sb);
        for (unsigned i = 0; i < 4 && 0x200 + 8 * i + 8 <= size; i++) {
            uint64_t off = 0;
            uint64_t ino = dof_le64(data + 0x200 + 8 * i);
            int rc = dof_ext_inode_offset(&sb, ino, rd_fn, &s, &off);
            FUZZ_ASSERT(rc == DOF_OK || rc < 0);
        }
        for (uint64_t ino = 1; ino < 16; ino++) {
            uint64_t off = 0;
            (void)dof_ext_inode_offset(&sb, ino, rd_fn, &s, &off);
        }
    }
    return 0;
}
