/*
 * fs_probe.c - the filesystem probe table: which filesystem a volume
 * holds, from its first bytes, and how to open it.
 *
 * One row per kind of filesystem (or of something else found where a
 * filesystem would be: LVM2, LUKS, swap).  A row is a name, a signature
 * test on the volume's first DOF_FS_PROBE_BYTES bytes, and either an open
 * function or the note that says why dof cannot read it.  Rows are tried
 * in order; the first that matches wins.  Adding a filesystem is one row.
 */
#include "fs/fs_private.h"
#include "fs/fs_xfs.h"

#define PROBE_SECTOR 512u

/* ext2/3/4: magic 0xEF53 in the superblock at byte 1024. */
static int
probe_ext(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    dof_ext_sb sb;

    if (n < 2048 || dof_le16(b + 1024 + 0x38) != 0xEF53)
        return 0;
    if (dof_ext_sb_parse(b + 1024, 1024, &sb) != DOF_OK) {
        r->signature = "ext4";
        r->note = "ext superblock magic but damaged superblock";
        r->openable = 0;
        return 1;
    }
    r->signature = dof_ext_sb_version(&sb);
    if (sb.blocks_count < UINT64_MAX / sb.block_size)
        r->fs_bytes = sb.blocks_count * sb.block_size;
    return 1;
}

static int
probe_xfs(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    dof_xfs_sb sb;

    if (n < 4 || memcmp(b, "XFSB", 4) != 0)
        return 0;
    if (dof_xfs_sb_parse(b, n, &sb) != DOF_OK) {
        r->note = "XFS superblock magic but damaged superblock or unknown "
                  "version";
        r->openable = 0;
        return 1;
    }
    r->fs_bytes = sb.dblocks * sb.block_size;
    return 1;
}

static int
probe_luks(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    return n >= 6 && memcmp(b, "LUKS\xba\xbe", 6) == 0;
}

/* The LVM2 label is in one of the first four sectors. */
static int
probe_lvm2(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    for (size_t s = 0; s < 4 && (s + 1) * PROBE_SECTOR <= n; s++)
        if (memcmp(b + s * PROBE_SECTOR, "LABELONE", 8) == 0)
            return 1;
    return 0;
}

/* Swap signature at the end of the first 4096-byte page. */
static int
probe_swap(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    return n >= 4096 && (memcmp(b + 4086, "SWAPSPACE2", 10) == 0 ||
                         memcmp(b + 4086, "SWAP-SPACE", 10) == 0);
}

/* btrfs: magic in the superblock at 64 KiB, 64 bytes in. */
static int
probe_btrfs(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    return n >= 65608 && memcmp(b + 65600, "_BHRfS_M", 8) == 0;
}

static int
probe_ntfs(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    return n >= 11 && memcmp(b + 3, "NTFS    ", 8) == 0;
}

static int
probe_vfat(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    (void)r;
    return n >= 512 && b[510] == 0x55 && b[511] == 0xAA &&
           (memcmp(b + 82, "FAT32   ", 8) == 0 ||
            memcmp(b + 54, "FAT", 3) == 0);
}

/*
 * The table.  quiet: found but not worth a warning when it cannot be read
 * (swap, and Windows filesystems that never hold container data).
 */
static const dof_fs_kind kinds[] = {
    {"ext4", probe_ext, dof_fs_ext_open, NULL, 0},
    {"xfs", probe_xfs, dof_fs_xfs_open, NULL, 0},
    {"luks", probe_luks, NULL,
     "LUKS encrypted volume, cannot be read without its key", 0},
    /* quiet: core/evidence/evidence_lvm*.c reads it and reports */
    {"lvm2", probe_lvm2, NULL,
     "LVM2 physical volume (its logical volumes are listed on their own)",
     1},
    {"swap", probe_swap, NULL, "swap space, no filesystem", 1},
    {"btrfs", probe_btrfs, NULL, "btrfs filesystem, not supported yet", 0},
    {"ntfs", probe_ntfs, NULL, "NTFS filesystem, not read by dof", 1},
    {"vfat", probe_vfat, NULL,
     "FAT filesystem (EFI system partition?), not read by dof", 1},
};

void
dof_fs_probe(const unsigned char *b, size_t n, dof_fs_probe_result *r)
{
    memset(r, 0, sizeof(*r));
    r->signature = "unknown";
    r->note = "no known filesystem signature";
    if (b == NULL)
        return;
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        dof_fs_probe_result m = {kinds[i].name, NULL, 0, 1, &kinds[i]};
        if (!kinds[i].probe(b, n, &m))
            continue;
        if (kinds[i].open == NULL) {
            m.note = kinds[i].note;
            m.openable = 0;
        }
        *r = m;
        return;
    }
}

const dof_fs_kind *
dof_fs_kind_get(size_t i)
{
    return i < sizeof(kinds) / sizeof(kinds[0]) ? &kinds[i] : NULL;
}
