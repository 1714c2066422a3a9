/*
 * test_xfs.c - the XFS decoders (core/fs/fs_xfs*.c) on bytes built here
 * from the on-disk layout of xfs_format.h / xfs_da_format.h.  The whole
 * reader against the kernel is tests/truth/xfs_truth.py.
 */
#include "fs/fs_xfs.h"
#include "tap.h"

static void
be16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void
be32(unsigned char *p, uint32_t v)
{
    be16(p, (uint16_t)(v >> 16));
    be16(p + 2, (uint16_t)v);
}

static void
be64(unsigned char *p, uint64_t v)
{
    be32(p, (uint32_t)(v >> 32));
    be32(p + 4, (uint32_t)v);
}

/* A v5 superblock: 4 KiB blocks, 4 AGs of 20480 blocks, 512-byte inodes. */
static void
make_sb(unsigned char *b)
{
    memset(b, 0, 512);
    memcpy(b, "XFSB", 4);
    be32(b + 4, 4096);
    be64(b + 8, 81920);
    be64(b + 48, 65540);            /* logstart */
    be64(b + 56, 128);              /* rootino */
    be32(b + 84, 20480);            /* agblocks */
    be32(b + 88, 4);                /* agcount */
    be32(b + 96, 16384);            /* logblocks */
    be16(b + 100, 0xb4a5);          /* versionnum: 5 */
    be16(b + 102, 512);             /* sectsize */
    be16(b + 104, 512);             /* inodesize */
    be16(b + 106, 8);               /* inopblock */
    b[120] = 12;                    /* blocklog */
    b[121] = 9;                     /* sectlog */
    b[122] = 9;                     /* inodelog */
    b[123] = 3;                     /* inopblog */
    b[124] = 15;                    /* agblklog */
    be32(b + 216, 0x1 | 0x2 | 0x8); /* incompat: ftype, spinodes, bigtime */
}

TEST(xfs_sb)
{
    unsigned char b[512];
    dof_xfs_sb sb;
    uint64_t off = 0;

    make_sb(b);
    is_int(dof_xfs_sb_parse(b, sizeof(b), &sb), DOF_OK, "v5 superblock");
    is_int(sb.version, 5, "version 5");
    ok(sb.crc && sb.ftype && !sb.nrext64, "crc, ftype, no nrext64");
    is_int(sb.block_size, 4096, "block size");
    is_int(sb.dir_block_size, 4096, "dir block size");
    is_int(sb.root_ino, 128, "root inode");
    is_int(dof_xfs_ino_offset(&sb, 128, &off), DOF_OK, "inode 128 located");
    is_int(off, 16 * 4096, "inode 128: AG 0, block 16, index 0");
    is_int(dof_xfs_ino_offset(&sb, (1ull << 18) | (5u << 3) | 2, &off), DOF_OK,
           "an inode of AG 1 located");
    is_int(off, (20480ull + 5) * 4096 + 2 * 512, "AG 1, block 5, index 2");
    is_int(dof_xfs_ino_offset(&sb, 4ull << 18, &off), DOF_ERR_NOTFOUND,
           "an inode of AG 4 (of 4) is out of range");
    b[0] = 'Y';
    is_int(dof_xfs_sb_parse(b, sizeof(b), &sb), DOF_ERR_FORMAT, "bad magic");
    make_sb(b);
    b[124] = 16;
    is_int(dof_xfs_sb_parse(b, sizeof(b), &sb), DOF_ERR_FORMAT,
           "agblklog that does not fit agblocks");
    make_sb(b);
    be16(b + 100, 0xb4a3);
    is_int(dof_xfs_sb_parse(b, sizeof(b), &sb), DOF_ERR_FORMAT,
           "version 3 refused");
}

TEST(xfs_inode)
{
    unsigned char sbb[512], in[512];
    dof_xfs_sb sb;
    dof_xfs_inode x;
    uint32_t ma, mi;

    make_sb(sbb);
    dof_xfs_sb_parse(sbb, sizeof(sbb), &sb);
    memset(in, 0, sizeof(in));
    be16(in, 0x494e);
    be16(in + 2, 020600); /* char device, rw------- */
    in[4] = 3;
    in[5] = DOF_XFS_FMT_DEV;
    be32(in + 8, 1000);
    be32(in + 12, 100);
    be32(in + 16, 1);
    /* bigtime: (seconds + 2^31) * 10^9 + ns */
    be64(in + 40, (4102444800ull + 2147483648ull) * 1000000000ull + 7);
    be64(in + 120, 0x8); /* flags2: bigtime */
    be64(in + 144, (1ull + 2147483648ull) * 1000000000ull + 2);
    be64(in + 152, 131);
    be32(in + 176, (8u << 18) | 1); /* rdev 8:1 */
    is_int(dof_xfs_inode_parse(&sb, in, sizeof(in), &x), DOF_OK, "v3 inode");
    is_int(x.mode, 020600, "mode");
    is_int(x.uid, 1000, "uid");
    is_int(x.gid, 100, "gid");
    is_int(x.ino, 131, "v3 inode number");
    is_int(x.mtime, 4102444800LL * 1000000000LL + 7, "bigtime mtime (2100)");
    is_int(x.crtime, 1000000002LL, "crtime");
    is_int(x.afork_len, 0, "no attr fork");
    is_int(x.dfork_len, 512 - 176, "data fork is the literal area");
    dof_xfs_rdev_parse(x.dfork, x.dfork_len, &ma, &mi);
    ok(ma == 8 && mi == 1, "rdev 8:1 (got %u:%u)", ma, mi);
    be64(in + 120, 0); /* no bigtime: s32 seconds, u32 ns */
    be32(in + 40, 0xffffffffu);
    be32(in + 44, 5);
    dof_xfs_inode_parse(&sb, in, sizeof(in), &x);
    is_int(x.mtime, -1000000000LL + 5, "pre-1970 mtime");
    in[82] = 10; /* forkoff: attr fork 80 bytes in */
    in[83] = DOF_XFS_FMT_LOCAL;
    is_int(dof_xfs_inode_parse(&sb, in, sizeof(in), &x), DOF_OK, "forkoff");
    ok(x.dfork_len == 80 && x.afork == in + 176 + 80 &&
           x.afork_len == 512 - 176 - 80,
       "forks split at forkoff * 8");
    in[82] = 60; /* 480 bytes: past the literal area */
    is_int(dof_xfs_inode_parse(&sb, in, sizeof(in), &x), DOF_ERR_FORMAT,
           "forkoff past the inode refused");
    in[82] = 0;
    in[4] = 2;
    is_int(dof_xfs_inode_parse(&sb, in, sizeof(in), &x), DOF_ERR_FORMAT,
           "a v2 inode on a v5 filesystem refused");
}

TEST(xfs_extent)
{
    unsigned char r[16];
    dof_xfs_ext e;
    uint64_t off = 0x123, blk = 0x456789, cnt = 0x1f;

    be64(r, (1ull << 63) | (off << 9) | (blk >> 43));
    be64(r + 8, (blk << 21) | cnt);
    dof_xfs_ext_decode(r, &e);
    ok(e.unwritten == 1 && e.off == off && e.blk == blk && e.len == cnt,
       "extent record: flag, startoff, startblock, blockcount");
}

typedef struct seen {
    char buf[512];
    size_t n;
} seen;

static int
dir_cb(void *arg, const char *name, size_t len, uint64_t ino, unsigned ft)
{
    seen *s = arg;
    s->n += (size_t)snprintf(
        s->buf + s->n, sizeof(s->buf) - s->n, "%.*s=%llu/%s ", (int)len, name,
        (unsigned long long)ino, dof_ftype_name(dof_xfs_ftype(ft)));
    return 0;
}

TEST(xfs_dir_shortform)
{
    unsigned char sbb[512], p[64];
    dof_xfs_sb sb;
    seen s = {"", 0};
    size_t k = 0;

    make_sb(sbb);
    dof_xfs_sb_parse(sbb, sizeof(sbb), &sb);
    p[k++] = 2;       /* count */
    p[k++] = 0;       /* i8count */
    be32(p + k, 128); /* parent */
    k += 4;
    p[k++] = 3;
    be16(p + k, 0x60);
    k += 2;
    memcpy(p + k, "abc", 3);
    k += 3;
    p[k++] = 1; /* regular */
    be32(p + k, 131);
    k += 4;
    p[k++] = 1;
    be16(p + k, 0x70);
    k += 2;
    p[k++] = 'd';
    p[k++] = 2; /* directory */
    be32(p + k, 132);
    k += 4;
    is_int(dof_xfs_dir_sf_parse(&sb, p, k, 140, dir_cb, &s), DOF_OK,
           "shortform directory");
    is_str(s.buf, ".=140/dir ..=128/dir abc=131/file d=132/dir ",
           "names, inodes and types");
    s.n = 0;
    is_int(dof_xfs_dir_sf_parse(&sb, p, k - 1, 140, dir_cb, &s),
           DOF_ERR_FORMAT, "cut short: damaged");
}

static int
attr_cb(void *arg, const char *name, size_t name_len,
        const unsigned char *value, uint32_t vlen, uint32_t rblk)
{
    seen *s = arg;
    (void)name_len;
    (void)rblk;
    s->n +=
        (size_t)snprintf(s->buf + s->n, sizeof(s->buf) - s->n, "%s=%.*s ",
                         name, (int)vlen, value ? (const char *)value : "");
    return 0;
}

TEST(xfs_attr_shortform)
{
    unsigned char p[64];
    seen s = {"", 0};
    size_t k = 4;
    static const struct {
        const char *n, *v;
        unsigned flags;
    } a[] = {{"color", "blue", 0},
             {"t", "x", 0x02},
             {"s", "y", 0x04},
             {"half", "z", 0x80}};

    for (size_t i = 0; i < 4; i++) {
        p[k++] = (unsigned char)strlen(a[i].n);
        p[k++] = (unsigned char)strlen(a[i].v);
        p[k++] = (unsigned char)a[i].flags;
        memcpy(p + k, a[i].n, strlen(a[i].n));
        k += strlen(a[i].n);
        memcpy(p + k, a[i].v, strlen(a[i].v));
        k += strlen(a[i].v);
    }
    be16(p, (uint16_t)k);
    p[2] = 4;
    p[3] = 0;
    is_int(dof_xfs_attr_sf_parse(p, k, attr_cb, &s), DOF_OK,
           "shortform attributes");
    is_str(s.buf, "user.color=blue trusted.t=x security.s=y ",
           "namespaces from the flags; incomplete entry skipped");
    be16(p, (uint16_t)(k + 10));
    is_int(dof_xfs_attr_sf_parse(p, k, attr_cb, &s), DOF_ERR_FORMAT,
           "totsize past the fork: damaged");
}

TEST(xfs_acl)
{
    unsigned char x[4 + 24], *o = NULL;
    size_t n = 0;
    static const unsigned char want[] = {2, 0,    0,    0,    1,    0, 6,
                                         0, 0xff, 0xff, 0xff, 0xff, 2, 0,
                                         4, 0,    0xe8, 3,    0,    0};

    be32(x, 2);
    be32(x + 4, 1); /* ACL_USER_OBJ */
    be32(x + 8, 0);
    be16(x + 12, 6);
    be16(x + 14, 0);
    be32(x + 16, 2); /* ACL_USER 1000 */
    be32(x + 20, 1000);
    be16(x + 24, 4);
    be16(x + 26, 0);
    is_int(dof_xfs_acl_to_xattr(x, sizeof(x), &o, &n), DOF_OK, "ACL");
    ok(n == sizeof(want) && o && memcmp(o, want, n) == 0,
       "XFS ACL in the Linux xattr format (version 2, undefined id)");
    free(o);
    be32(x, 3);
    is_int(dof_xfs_acl_to_xattr(x, sizeof(x), &o, &n), DOF_ERR_FORMAT,
           "count past the value: damaged");
}

TAP_MAIN(NULL, NULL)
