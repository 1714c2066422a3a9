/*
 * evidence.c - opening evidence: a directory, or a disk image through TSK
 * (raw, split raw, E01, VMDK, VHD), and listing its volumes.
 *
 * Every allocated partition is listed, with the filesystem we found on it
 * or a note saying why it cannot be read; nothing is dropped silently.
 */
#include "fs/fs_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define EV_SECTOR 512u

struct dof_evidence {
    dof_ctx *ctx;
    dof_arena *arena; /* strings */
    const char *path;
    const char *format;
    const char *vs_type;
    uint64_t size;
    TSK_IMG_INFO *img;
    dof_partition *vols;
    size_t nvols, capvols;
    const char *md5, *sha1;
    const char *want;     /* --volume: only this address, or NULL */
    const char **skipped; /* addresses passed over for `want` */
    size_t nskipped;
    unsigned nlogical; /* DOS logical partitions seen (p5, p6, ...) */
};

/* ---- container formats TSK would misread or cannot read ---- */

/* Returns a message if the first bytes name a format we refuse. */
static const char *
refused_format(const unsigned char *b, size_t n)
{
    if (n >= 4 && memcmp(b, "QFI\xfb", 4) == 0)
        return "qcow2 is not supported yet: convert it with qemu-img "
               "convert -O raw";
    if (n >= 8 && memcmp(b, "vhdxfile", 8) == 0)
        return "VHDX is not supported yet: convert it with qemu-img "
               "convert -O raw";
    if (n >= 0x44 && dof_le32(b + 0x40) == 0xbeda107fu)
        return "VirtualBox VDI is not supported yet: convert it with "
               "qemu-img convert -O raw";
    if (n >= 6 && memcmp(b,
                         "\xfd"
                         "7zXZ\0",
                         6) == 0)
        return "the file is xz-compressed: decompress it first";
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return "the file is gzip-compressed: decompress it first";
    if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
        return "the file is zstd-compressed: decompress it first";
    if (n >= 4 && memcmp(b, "AFF10", 4) == 0)
        return "AFF images are not supported";
    return NULL;
}

/*
 * The container type from its signature.  Passing an explicit type (not
 * TSK_IMG_TYPE_DETECT) keeps TSK from trying every library on every file:
 * its failed vmdk/vhdi/afflib probes leak memory.  TSK's raw reader still
 * finds the other segments of a split image from the first one.
 */
static TSK_IMG_TYPE_ENUM
container_type(const char *path, const unsigned char *b, size_t n,
               uint64_t size)
{
    unsigned char tail[8];
    FILE *f;

    if (n >= 8 && (memcmp(b, "EVF\x09\x0d\x0a\xff\x00", 8) == 0 ||
                   memcmp(b, "EVF2\x0d\x0a\x81\x00", 8) == 0))
        return TSK_IMG_TYPE_EWF_EWF;
    if (n >= 4 && (memcmp(b, "KDMV", 4) == 0 || memcmp(b, "COWD", 4) == 0))
        return TSK_IMG_TYPE_VMDK_VMDK;
    if (n >= 21 && memcmp(b, "# Disk DescriptorFile", 21) == 0)
        return TSK_IMG_TYPE_VMDK_VMDK;
    if (n >= 8 && memcmp(b, "conectix", 8) == 0)
        return TSK_IMG_TYPE_VHD_VHD; /* dynamic: footer copy at 0 */
    if (size >= 512 && (f = fopen(path, "rb")) != NULL) {
        int vhd = fseeko(f, (off_t)(size - 512), SEEK_SET) == 0 &&
                  fread(tail, 1, 8, f) == 8 &&
                  memcmp(tail, "conectix", 8) == 0;
        fclose(f);
        if (vhd)
            return TSK_IMG_TYPE_VHD_VHD; /* fixed: footer at the end */
    }
    return TSK_IMG_TYPE_RAW;
}

static const char *
img_format_name(const TSK_IMG_INFO *img)
{
    switch (img->itype) {
    case TSK_IMG_TYPE_RAW: return img->num_img > 1 ? "split" : "raw";
    case TSK_IMG_TYPE_EWF_EWF: return "ewf";
    case TSK_IMG_TYPE_VMDK_VMDK: return "vmdk";
    case TSK_IMG_TYPE_VHD_VHD: return "vhd";
    default: return tsk_img_type_toname(img->itype);
    }
}

/* ---- signatures ---- */

static int
img_read(TSK_IMG_INFO *img, uint64_t off, void *buf, size_t len)
{
    ssize_t n;

    memset(buf, 0, len);
    if (off >= (uint64_t)img->size)
        return -1;
    n = tsk_img_read(img, (TSK_OFF_T)off, buf, len);
    if (n < 0) {
        tsk_error_reset();
        return -1;
    }
    return 0;
}

typedef struct ev_probe {
    const char *signature;
    const char *note;  /* NULL if we can open it */
    uint64_t fs_bytes; /* ext: blocks_count * block_size */
} ev_probe;

static ev_probe
probe_volume(TSK_IMG_INFO *img, uint64_t off)
{
    unsigned char b[4096], sb[1024], bt[8];
    ev_probe p = {"unknown", "no known filesystem signature"};
    dof_ext_sb esb;

    if (img_read(img, off, b, sizeof(b)) != 0) {
        p.note = "unreadable (beyond the end of the image?)";
        return p;
    }
    if (img_read(img, off + 1024, sb, sizeof(sb)) == 0 &&
        dof_le16(sb + 0x38) == 0xEF53) {
        if (dof_ext_sb_parse(sb, sizeof(sb), &esb) == DOF_OK) {
            p.signature = dof_ext_sb_version(&esb);
            p.note = NULL;
            if (esb.blocks_count < UINT64_MAX / esb.block_size)
                p.fs_bytes = esb.blocks_count * esb.block_size;
        }
        else {
            p.signature = "ext4";
            p.note = "ext superblock magic but damaged superblock";
        }
        return p;
    }
    if (memcmp(b, "XFSB", 4) == 0)
        return (ev_probe){"xfs", "XFS filesystem, not supported yet"};
    if (memcmp(b, "LUKS\xba\xbe", 6) == 0)
        return (ev_probe){"luks", "LUKS encrypted volume, cannot be read "
                                  "without its key"};
    for (unsigned s = 0; s < 4; s++)
        if (memcmp(b + s * EV_SECTOR, "LABELONE", 8) == 0)
            return (ev_probe){"lvm2",
                              "LVM2 physical volume, not supported yet"};
    if (memcmp(b + 4086, "SWAPSPACE2", 10) == 0 ||
        memcmp(b + 4086, "SWAP-SPACE", 10) == 0)
        return (ev_probe){"swap", "swap space, no filesystem"};
    if (img_read(img, off + 65600, bt, sizeof(bt)) == 0 &&
        memcmp(bt, "_BHRfS_M", 8) == 0)
        return (ev_probe){"btrfs", "btrfs filesystem, not supported yet"};
    if (memcmp(b + 3, "NTFS    ", 8) == 0)
        return (ev_probe){"ntfs", "NTFS filesystem, not read by dof"};
    if (b[510] == 0x55 && b[511] == 0xAA &&
        (memcmp(b + 82, "FAT32   ", 8) == 0 || memcmp(b + 54, "FAT", 3) == 0))
        return (ev_probe){"vfat", "FAT filesystem (EFI system partition?), "
                                  "not read by dof"};
    return p;
}

/* ---- volumes ---- */

static int
add_volume(dof_evidence *ev, uint64_t off, uint64_t len, const char *desc,
           const char *address)
{
    dof_partition *v;
    ev_probe p;

    if (address == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    if (ev->want != NULL && strcmp(ev->want, address) != 0)
        return dof_arena_push_str(ev->arena, &ev->skipped, &ev->nskipped,
                                  address) == DOF_OK
                   ? DOF_OK
                   : dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");

    if (ev->nvols == ev->capvols) {
        size_t ncap = ev->capvols ? ev->capvols * 2 : 8;
        dof_partition *nv = realloc(ev->vols, ncap * sizeof(*nv));
        if (nv == NULL)
            return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
        ev->vols = nv;
        ev->capvols = ncap;
    }
    v = &ev->vols[ev->nvols];
    memset(v, 0, sizeof(*v));
    v->index = (unsigned)ev->nvols;
    v->address = address;
    v->offset_bytes = off;
    v->length_bytes = len;
    v->desc = dof_arena_strdup(ev->arena, desc ? desc : "");
    p = probe_volume(ev->img, off);
    v->signature = p.signature;
    v->note = p.note;
    /* A volume with a recognised signature that dof cannot read is
     * reported, never dropped silently; empty or unknown ones are listed
     * by status only. */
    if (p.note != NULL && strcmp(p.signature, "unknown") != 0 &&
        strcmp(p.signature, "swap") != 0 && strcmp(p.signature, "ntfs") &&
        strcmp(p.signature, "vfat") != 0)
        dof_warn(ev->ctx, DOF_ERR_UNSUPPORTED, NULL,
                 "volume %u at byte offset %llu (%s): %s", v->index,
                 (unsigned long long)off, p.signature, p.note);
    if (p.note == NULL && p.fs_bytes > 0 &&
        (ev->size < off || p.fs_bytes > ev->size - off))
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "volume %u at byte offset %llu: the %s filesystem is %llu "
                 "bytes but the image holds only %llu from there: the image "
                 "is truncated, data past its end is missing",
                 v->index, (unsigned long long)off, p.signature,
                 (unsigned long long)p.fs_bytes,
                 (unsigned long long)(ev->size > off ? ev->size - off : 0));
    if (p.note == NULL) {
        int rc = dof_fs_ext_open(ev->ctx, ev->img, off, &v->fs);
        if (rc == DOF_ERR_NOMEM)
            return rc;
        if (rc != DOF_OK) {
            v->note = dof_arena_printf(ev->arena, "cannot be opened: %s",
                                       dof_errmsg(ev->ctx));
            if (v->note == NULL)
                v->note = "cannot be opened";
            dof_warn(ev->ctx, rc, NULL, "volume %u at byte %llu: %s", v->index,
                     (unsigned long long)off, v->note);
            dof_clear_error(ev->ctx);
        }
        else {
            v->signature = dof_fs_type_name(v->fs);
        }
    }
    if (v->desc == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    ev->nvols++;
    return DOF_OK;
}

/*
 * GPT ("EFI PART" in LBA 1, 512- or 4096-byte sectors) or DOS (0x55AA).
 * Not TSK_VS_TYPE_DETECT: on a GPT disk it also parses the protective MBR
 * and leaks that table when it discards it.  Linux hosts use nothing else.
 */
static TSK_VS_INFO *
open_vs(TSK_IMG_INFO *img)
{
    unsigned char b[8];
    TSK_VS_INFO *vs = NULL;

    if ((img_read(img, 512, b, 8) == 0 && memcmp(b, "EFI PART", 8) == 0) ||
        (img_read(img, 4096, b, 8) == 0 && memcmp(b, "EFI PART", 8) == 0))
        vs = tsk_vs_open(img, 0, TSK_VS_TYPE_GPT);
    else if (img_read(img, 510, b, 2) == 0 && b[0] == 0x55 && b[1] == 0xAA)
        vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DOS);
    if (vs == NULL)
        tsk_error_reset();
    return vs;
}

/*
 * Our own reading of the primary GPT (512-byte sectors), for when TSK
 * refuses the table, e.g. on a truncated image whose backup is missing.
 * Returns 0 if there is no usable primary GPT.
 */
#define EV_GPT_MAX_ENTRIES 1024u

static int
gpt_fallback(dof_evidence *ev, int *rc)
{
    unsigned char h[512], e[4096];
    uint64_t lba;
    uint32_t n, esz;
    int any = 0;

    *rc = DOF_OK;
    if (img_read(ev->img, 512, h, sizeof(h)) != 0 ||
        memcmp(h, "EFI PART", 8) != 0)
        return 0;
    lba = dof_le64(h + 72);
    n = dof_le32(h + 80);
    esz = dof_le32(h + 84);
    if (esz < 128 || esz > sizeof(e) || n == 0 || n > EV_GPT_MAX_ENTRIES)
        return 0;
    ev->vs_type = "gpt";
    for (uint32_t i = 0; i < n && *rc == DOF_OK; i++) {
        uint64_t first, last;
        char name[37];
        size_t k = 0;
        static const unsigned char zero[16];

        if (img_read(ev->img, lba * EV_SECTOR + (uint64_t)i * esz, e, esz) !=
            0)
            break;
        if (memcmp(e, zero, 16) == 0)
            continue; /* unused entry */
        first = dof_le64(e + 32);
        last = dof_le64(e + 40);
        if (last < first || first > UINT64_MAX / EV_SECTOR / 2 ||
            last > UINT64_MAX / EV_SECTOR / 2)
            continue;
        for (size_t j = 0; j < 36; j++) {
            uint16_t c = dof_le16(e + 56 + 2 * j);
            if (c == 0)
                break;
            name[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
        name[k] = '\0';
        if ((first + 1) * EV_SECTOR > ev->size ||
            (last + 1) * EV_SECTOR > ev->size)
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "GPT partition %u (bytes %llu..%llu) extends beyond "
                     "the end of the image (%llu bytes): truncated image?",
                     i, (unsigned long long)(first * EV_SECTOR),
                     (unsigned long long)((last + 1) * EV_SECTOR),
                     (unsigned long long)ev->size);
        *rc = add_volume(ev, first * EV_SECTOR, (last - first + 1) * EV_SECTOR,
                         name, dof_arena_printf(ev->arena, "p%u", i + 1));
        any = 1;
    }
    return any;
}

/*
 * The partition's name as Linux numbers it: a GPT entry i is p(i+1); a
 * DOS primary slot i is p(i+1), logical partitions (in extended tables)
 * are p5, p6, ... in the order of the chain.
 */
static const char *
partition_address(dof_evidence *ev, const TSK_VS_INFO *vs,
                  const TSK_VS_PART_INFO *part)
{
    unsigned n;

    if (vs->vstype == TSK_VS_TYPE_DOS && part->table_num > 0)
        n = 5 + ev->nlogical++;
    else if (part->slot_num >= 0)
        n = (unsigned)part->slot_num + 1;
    else
        n = (unsigned)part->addr + 1;
    return dof_arena_printf(ev->arena, "p%u", n);
}

static int
list_volumes(dof_evidence *ev)
{
    TSK_VS_INFO *vs = open_vs(ev->img);
    int rc = DOF_OK;

    if (vs == NULL && gpt_fallback(ev, &rc)) {
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "TSK cannot read the GPT of %s; partitions taken from "
                 "the primary GPT by dof",
                 ev->path);
        return rc;
    }
    if (vs == NULL) {
        tsk_error_reset();
        ev->vs_type = "none";
        return add_volume(ev, 0, ev->size, "", "0");
    }
    switch (vs->vstype) {
    case TSK_VS_TYPE_GPT: ev->vs_type = "gpt"; break;
    case TSK_VS_TYPE_DOS: ev->vs_type = "dos"; break;
    default:
        ev->vs_type =
            dof_arena_strdup(ev->arena, tsk_vs_type_toname(vs->vstype));
        break;
    }
    for (TSK_PNUM_T i = 0; i < vs->part_count; i++) {
        const TSK_VS_PART_INFO *part = tsk_vs_part_get(vs, i);
        uint64_t off, len;

        if (part == NULL || !(part->flags & TSK_VS_PART_FLAG_ALLOC))
            continue;
        off = (uint64_t)part->start * vs->block_size + (uint64_t)vs->offset;
        len = (uint64_t)part->len * vs->block_size;
        if (off >= ev->size || len > ev->size - off) {
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "partition %u (bytes %llu..%llu) extends beyond the "
                     "end of the image (%llu bytes): truncated image?",
                     (unsigned)i, (unsigned long long)off,
                     (unsigned long long)(off + len),
                     (unsigned long long)ev->size);
        }
        if ((rc = add_volume(ev, off, len, part->desc,
                             partition_address(ev, vs, part))) != DOF_OK)
            break;
    }
    tsk_vs_close(vs);
    return rc;
}

/* core/evidence_ewf.c: E01/Ex01 through libewf, with stored hashes */
TSK_IMG_INFO *dof_evidence_ewf_open(dof_ctx *ctx, const char *path,
                                    dof_arena *arena, const char **md5,
                                    const char **sha1);

/* ---- open / close ---- */

static int
open_dir(dof_evidence *ev)
{
    dof_partition *v;
    int rc;

    ev->format = "dir";
    ev->vs_type = "dir";
    ev->vols = calloc(1, sizeof(*ev->vols));
    if (ev->vols == NULL)
        return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
    ev->capvols = 1;
    v = &ev->vols[0];
    if ((rc = dof_fs_dir_open(ev->ctx, ev->path, &v->fs)) != DOF_OK)
        return rc;
    v->desc = "";
    v->address = "dir";
    v->signature = "dir";
    ev->nvols = 1;
    return DOF_OK;
}

/*
 * The partitions of an opened image: one filesystem at -o SECTORS, or
 * every partition of the table (or the whole image); only o->volume's
 * when it is set.
 */
static int
open_partitions(dof_evidence *ev, const dof_evidence_opts *o)
{
    int rc;

    ev->want = o->volume;
    if (o->offset_sectors >= 0) {
        uint64_t off = (uint64_t)o->offset_sectors * EV_SECTOR;
        ev->vs_type = "none";
        if ((uint64_t)o->offset_sectors > UINT64_MAX / EV_SECTOR ||
            off >= ev->size)
            return dof_set_error(ev->ctx, DOF_ERR_ARG,
                                 "offset %lld sectors is beyond the end of "
                                 "%s (%llu bytes)",
                                 (long long)o->offset_sectors, ev->path,
                                 (unsigned long long)ev->size);
        rc = add_volume(ev, off, ev->size - off, "", "0");
    }
    else {
        rc = list_volumes(ev);
    }
    if (rc == DOF_OK && ev->want != NULL && ev->nvols == 0) {
        char have[512] = "none";
        size_t k = 0;
        for (size_t i = 0; i < ev->nskipped && k < sizeof(have) - 1; i++) {
            int w = snprintf(have + k, sizeof(have) - k, "%s%s", i ? ", " : "",
                             ev->skipped[i]);
            if (w < 0)
                break;
            k += (size_t)w;
        }
        rc = dof_set_error(ev->ctx, DOF_ERR_ARG,
                           "%s has no partition %s (it has: %s)", ev->path,
                           ev->want, have);
    }
    return rc;
}

void
dof_evidence_opts_init(dof_evidence_opts *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof(*o));
    o->offset_sectors = -1;
}

int
dof_evidence_open(dof_ctx *ctx, const char *path, int64_t offset_sectors,
                  dof_evidence **out)
{
    dof_evidence_opts o;

    dof_evidence_opts_init(&o);
    o.offset_sectors = offset_sectors;
    return dof_evidence_open_opts(ctx, path, &o, out);
}

int
dof_evidence_open_opts(dof_ctx *ctx, const char *path,
                       const dof_evidence_opts *opts, dof_evidence **out)
{
    dof_evidence_opts o;
    dof_evidence *ev = NULL;
    unsigned char head[512];
    const char *why;
    TSK_IMG_TYPE_ENUM itype;
    struct stat sb;
    size_t n;
    FILE *f;
    int rc;

    if (out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    if (opts != NULL)
        o = *opts;
    else
        dof_evidence_opts_init(&o);
    if (path == NULL || *path == '\0')
        return dof_set_error(ctx, DOF_ERR_ARG, "no evidence path given");
    if (stat(path, &sb) != 0)
        return dof_set_error(ctx, DOF_ERR_EVIDENCE, "cannot open %s: %s", path,
                             strerror(errno));
    ev = calloc(1, sizeof(*ev));
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL)
        goto nomem;
    ev->ctx = ctx;
    ev->path = dof_arena_strdup(ev->arena, path);
    if (ev->path == NULL)
        goto nomem;
    if (S_ISDIR(sb.st_mode)) {
        if (o.volume != NULL && strcmp(o.volume, "dir") != 0) {
            rc = dof_set_error(ctx, DOF_ERR_ARG,
                               "%s is a directory: its only volume is "
                               "\"dir\", not %s",
                               path, o.volume);
            goto fail;
        }
        if ((rc = open_dir(ev)) != DOF_OK)
            goto fail;
        *out = ev;
        return DOF_OK;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_EVIDENCE, "cannot open %s: %s", path,
                           strerror(errno));
        goto fail;
    }
    n = fread(head, 1, sizeof(head), f);
    fclose(f);
    if (n == 0) {
        rc = dof_set_error(ctx, DOF_ERR_EVIDENCE,
                           "%s is empty or "
                           "unreadable",
                           path);
        goto fail;
    }
    if ((why = refused_format(head, n)) != NULL) {
        rc = dof_set_error(ctx, DOF_ERR_UNSUPPORTED, "%s: %s", path, why);
        goto fail;
    }
    itype = container_type(path, head, n, (uint64_t)sb.st_size);
    if (itype == TSK_IMG_TYPE_EWF_EWF) {
        ev->img =
            dof_evidence_ewf_open(ctx, path, ev->arena, &ev->md5, &ev->sha1);
        if (ev->img == NULL) {
            rc = dof_errcode(ctx);
            goto fail;
        }
    }
    else {
        ev->img = tsk_img_open_utf8(1, &path, itype, 0);
    }
    if (ev->img == NULL) {
        char what[4096];
        snprintf(what, sizeof(what), "%s: cannot open the image", path);
        rc = dof_set_tsk_error(ctx, DOF_ERR_EVIDENCE, what);
        goto fail;
    }
    ev->format =
        itype == TSK_IMG_TYPE_EWF_EWF ? "ewf" : img_format_name(ev->img);
    ev->size = ev->img->size > 0 ? (uint64_t)ev->img->size : 0;
    if (ev->size >= EV_SECTOR) {
        /* a missing or cut segment shows at the end of the media */
        unsigned char last[EV_SECTOR];
        if (img_read(ev->img, ev->size - EV_SECTOR, last, sizeof(last)) != 0) {
            dof_warn(ctx, DOF_ERR_IO, path,
                     "cannot read the end of the image (byte %llu of %llu): "
                     "a segment is missing, truncated or damaged",
                     (unsigned long long)(ev->size - EV_SECTOR),
                     (unsigned long long)ev->size);
            tsk_error_reset();
        }
    }
    if ((rc = open_partitions(ev, &o)) != DOF_OK)
        goto fail;
    *out = ev;
    return DOF_OK;

nomem:
    rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    dof_evidence_close(ev);
    return rc;
}

/*
 * For core/evidence_mem.c: wrap an image TSK already opened (img is taken:
 * closed on failure too) as evidence called name, format fmt.
 */
int dof_evidence_open_img(dof_ctx *ctx, const char *name, const char *fmt,
                          TSK_IMG_INFO *img, int64_t offset_sectors,
                          dof_evidence **out);

int
dof_evidence_open_img(dof_ctx *ctx, const char *name, const char *fmt,
                      TSK_IMG_INFO *img, int64_t offset_sectors,
                      dof_evidence **out)
{
    dof_evidence *ev = calloc(1, sizeof(*ev));
    dof_evidence_opts o;
    int rc;

    *out = NULL;
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL) {
        free(ev);
        tsk_img_close(img);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    ev->ctx = ctx;
    ev->img = img;
    ev->format = fmt;
    ev->size = img->size > 0 ? (uint64_t)img->size : 0;
    if ((ev->path = dof_arena_strdup(ev->arena, name)) == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    dof_evidence_opts_init(&o);
    o.offset_sectors = offset_sectors;
    if ((rc = open_partitions(ev, &o)) != DOF_OK)
        goto fail;
    *out = ev;
    return DOF_OK;
fail:
    dof_evidence_close(ev);
    return rc;
}

int
dof_evidence_open_fs(dof_ctx *ctx, const char *name, dof_fs *fs,
                     dof_evidence **out)
{
    dof_evidence *ev = calloc(1, sizeof(*ev));

    *out = NULL;
    if (ev == NULL || (ev->arena = dof_arena_new()) == NULL ||
        (ev->vols = calloc(1, sizeof(*ev->vols))) == NULL ||
        (ev->path = dof_arena_strdup(ev->arena, name)) == NULL) {
        dof_fs_close(fs);
        dof_evidence_close(ev);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    ev->ctx = ctx;
    ev->format = "dir";
    ev->vs_type = "dir";
    ev->capvols = 1;
    ev->nvols = 1;
    ev->vols[0].fs = fs;
    ev->vols[0].desc = "";
    ev->vols[0].address = "dir";
    ev->vols[0].signature = "dir";
    *out = ev;
    return DOF_OK;
}

void
dof_evidence_close(dof_evidence *ev)
{
    if (ev == NULL)
        return;
    for (size_t i = 0; i < ev->nvols; i++)
        dof_fs_close(ev->vols[i].fs);
    free(ev->vols);
    if (ev->img)
        tsk_img_close(ev->img);
    dof_arena_free(ev->arena);
    free(ev);
}

const char *
dof_evidence_path(const dof_evidence *ev)
{
    return ev ? ev->path : NULL;
}

const char *
dof_evidence_format(const dof_evidence *ev)
{
    return ev ? ev->format : NULL;
}

const char *
dof_evidence_vs_type(const dof_evidence *ev)
{
    return ev ? ev->vs_type : NULL;
}

uint64_t
dof_evidence_size(const dof_evidence *ev)
{
    return ev ? ev->size : 0;
}

size_t
dof_evidence_partition_count(const dof_evidence *ev)
{
    return ev ? ev->nvols : 0;
}

const dof_partition *
dof_evidence_partition(const dof_evidence *ev, size_t i)
{
    if (ev == NULL || i >= ev->nvols)
        return NULL;
    return &ev->vols[i];
}

const dof_partition *
dof_evidence_partition_find(const dof_evidence *ev, const char *address)
{
    if (ev == NULL || address == NULL)
        return NULL;
    for (size_t i = 0; i < ev->nvols; i++)
        if (ev->vols[i].address && strcmp(ev->vols[i].address, address) == 0)
            return &ev->vols[i];
    return NULL;
}

const char *
dof_evidence_stored_md5(const dof_evidence *ev)
{
    return ev ? ev->md5 : NULL;
}

const char *
dof_evidence_stored_sha1(const dof_evidence *ev)
{
    return ev ? ev->sha1 : NULL;
}
