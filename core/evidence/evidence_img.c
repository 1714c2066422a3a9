/*
 * evidence_img.c - byte sources: an image file opened through TSK (raw,
 * split raw, VMDK, VHD), libewf (E01, evidence_ewf.c) or dof's qcow2
 * reader (evidence_qcow2_img.c), chosen from its signature; container formats
 * TSK would misread are refused with a message that says what to do.
 */
#include "evidence/evidence_private.h"

#include <stdio.h>

/* ---- container formats TSK would misread or cannot read ---- */

/* Returns a message if the first bytes name a format we refuse. */
static const char *
refused_format(const unsigned char *b, size_t n)
{
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

int
dof_evidence_img_read(TSK_IMG_INFO *img, uint64_t off, void *buf, size_t len)
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

TSK_IMG_INFO *
dof_evidence_img_open(dof_ctx *ctx, const char *path,
                      const unsigned char *head, size_t n, uint64_t size,
                      const dof_evidence_opts *o, dof_arena *arena,
                      const char **format, const char **md5, const char **sha1)
{
    const char *why;
    TSK_IMG_TYPE_ENUM itype;
    TSK_IMG_INFO *img;

    if ((why = refused_format(head, n)) != NULL) {
        dof_set_error(ctx, DOF_ERR_UNSUPPORTED, "%s: %s", path, why);
        return NULL;
    }
    if (n >= 4 && memcmp(head, "QFI\xfb", 4) == 0) {
        *format = "qcow2";
        return dof_evidence_qcow2_open(ctx, path, o->backing, o->snapshot);
    }
    if (o->backing || o->snapshot) {
        dof_set_error(ctx, DOF_ERR_ARG,
                      "%s is not a qcow2 image: --%s "
                      "applies to qcow2 only",
                      path, o->backing ? "backing" : "snapshot");
        return NULL;
    }
    itype = container_type(path, head, n, size);
    if (itype == TSK_IMG_TYPE_EWF_EWF) {
        img = dof_evidence_ewf_open(ctx, path, arena, md5, sha1);
        *format = "ewf";
        return img; /* the error is on ctx */
    }
    img = tsk_img_open_utf8(1, &path, itype, 0);
    if (img == NULL)
        return dof_evidence_img_fail(ctx, path);
    *format = img_format_name(img);
    return img;
}

void
dof_evidence_imgstat(TSK_IMG_INFO *img, FILE *f)
{
    fprintf(f, "IMAGE FILE INFORMATION\n");
    fprintf(f, "Image Type: served by dof\n");
    fprintf(f, "Size in bytes: %lld\n", (long long)img->size);
}

TSK_IMG_INFO *
dof_evidence_img_fail(dof_ctx *ctx, const char *path)
{
    char what[4096];

    snprintf(what, sizeof(what), "%s: cannot open the image", path);
    dof_set_tsk_error(ctx, DOF_ERR_EVIDENCE, what);
    return NULL;
}
