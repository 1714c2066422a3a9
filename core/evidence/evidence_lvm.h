/*
 * evidence_lvm.h - LVM2 inside the evidence layer, read-only and without
 * device-mapper:
 *   evidence_lvm.c       the on-disk structures: the label in one of the
 *                        first four sectors, the PV header (uuid, size,
 *                        data and metadata area lists), the metadata area
 *                        header and its ring buffer of metadata texts
 *   evidence_lvm_text.c  LVM's config syntax (sections, key = value,
 *                        strings, integers, arrays, comments) and the VG
 *                        it describes: PVs, LVs, segments
 *   evidence_lvm_vg.c    the PVs found on the partitions, grouped by VG;
 *                        each LV becomes a volume read through a byte
 *                        source that remaps its extents onto the image
 * The decoders take buffers (no I/O) so that tests/fuzz/fuzz_lvm.c can
 * drive them.  Every length, count and offset from the disk is bounded.
 */
#ifndef DOF_EVIDENCE_LVM_H
#define DOF_EVIDENCE_LVM_H

#include "evidence/evidence_private.h"

/* ---- on disk (evidence_lvm.c) ---- */

#define DOF_LVM_SECTOR 512u
#define DOF_LVM_LABEL_SCAN (4u * DOF_LVM_SECTOR) /* label in sectors 0-3 */
#define DOF_LVM_MDA_HEADER 512u                  /* mda header size */
#define DOF_LVM_MAX_AREAS 8u         /* data / metadata areas per PV */
#define DOF_LVM_MAX_RLOCN 4u         /* raw locations per mda header */
#define DOF_LVM_MAX_MDA (64u << 20)  /* metadata area size read */
#define DOF_LVM_MAX_TEXT (16u << 20) /* one metadata text */
#define DOF_LVM_MAX_OLD 64u          /* older seqnos kept per VG */
#define DOF_LVM_CRC_INIT 0xf597a6cfu

/* LVM's CRC-32 (reflected 0xEDB88320, no final xor) continuing from crc. */
uint32_t dof_evidence_lvm_crc(uint32_t crc, const void *buf, size_t len);

typedef struct dof_lvm_area {
    uint64_t offset, size; /* bytes from the start of the PV */
} dof_lvm_area;

/* The label and PV header. */
typedef struct dof_lvm_label {
    uint64_t sector;   /* the sector (0-3) the label is in */
    char uuid[33];     /* the PV uuid as stored: 32 characters, no dashes */
    uint64_t dev_size; /* bytes, as pvcreate saw the device */
    dof_lvm_area data[DOF_LVM_MAX_AREAS];
    unsigned ndata;
    dof_lvm_area mda[DOF_LVM_MAX_AREAS];
    unsigned nmda;
} dof_lvm_label;

/* Find the label in b (the PV's first n bytes, n >= 2048 for all four
 * sectors) and decode the PV header.  1: found and decoded; 0: no
 * LABELONE; -1: a label that is damaged (*why says how). */
int dof_evidence_lvm_label_parse(const unsigned char *b, size_t n,
                                 dof_lvm_label *l, const char **why);

typedef struct dof_lvm_rlocn {
    uint64_t offset, size; /* from the start of the metadata area */
    uint32_t checksum, flags;
} dof_lvm_rlocn;

/* A metadata area header. */
typedef struct dof_lvm_mdah {
    uint32_t version;
    uint64_t start, size; /* the area, bytes from the start of the PV */
    dof_lvm_rlocn loc[DOF_LVM_MAX_RLOCN];
    unsigned nloc;
} dof_lvm_mdah;

/* Decode the 512-byte header at b (checksum, magic, version).  1 on
 * success, -1 with *why. */
int dof_evidence_lvm_mdah_parse(const unsigned char *b, size_t n,
                                dof_lvm_mdah *h, const char **why);

/* Copy len bytes of the ring buffer held in area (the whole metadata area,
 * header included, size bytes) starting at off into out: past the end the
 * text continues after the header.  -1 if off/len do not fit the area. */
int dof_evidence_lvm_ring_copy(const unsigned char *area, uint64_t size,
                               uint64_t off, uint64_t len, unsigned char *out);

/* Called for each text the ring buffer still holds (NUL-terminated copy of
 * len bytes, taken from offset off of the area). */
typedef void (*dof_lvm_text_fn)(void *arg, uint64_t off, const char *text,
                                size_t len);
/* Every text in area (see ring_copy) that starts on a 512-byte boundary
 * with "name {" and ends at a NUL; at most max texts, and the bytes
 * looked at bounded by a few times the area's size.  Returns the number
 * passed to fn, -1 on out of memory. */
int dof_evidence_lvm_ring_scan(const unsigned char *area, uint64_t size,
                               const char *name, unsigned max,
                               dof_lvm_text_fn fn, void *arg);

/* ---- the metadata text (evidence_lvm_text.c) ---- */

#define DOF_LVM_MAX_DEPTH 16u
#define DOF_LVM_MAX_PVS 1024u
#define DOF_LVM_MAX_LVS 4096u
#define DOF_LVM_MAX_SEGS 4096u       /* per LV */
#define DOF_LVM_MAX_STRIPES 256u     /* per segment */
#define DOF_LVM_MAX_VG_SEGS 65536u   /* segments in one VG */
#define DOF_LVM_MAX_NODES (1u << 19) /* values in one text (memory) */

typedef struct dof_lvm_pvx {
    const char *name; /* "pv0" */
    const char *id;   /* uuid with dashes, as in the text */
    const char *device;
    uint64_t dev_size, pe_start, pe_count; /* sectors, sectors, extents */
    int missing;
} dof_lvm_pvx;

typedef struct dof_lvm_stripe {
    const char *pv; /* "pv0" (or an LV name for mirror/raid legs) */
    uint64_t pe;
} dof_lvm_stripe;

typedef struct dof_lvm_seg {
    uint64_t start_extent, extent_count;
    const char *type; /* "striped", "mirror", "raid1", "snapshot", ... */
    uint64_t stripe_count;
    dof_lvm_stripe *stripes;
    size_t nstripes;
    const char *origin, *cow_store; /* snapshot segments */
} dof_lvm_seg;

typedef struct dof_lvm_lvx {
    const char *name, *id;
    int visible;
    dof_lvm_seg *segs; /* sorted by start_extent */
    size_t nsegs;
} dof_lvm_lvx;

typedef struct dof_lvm_vgx {
    const char *name, *id;
    uint64_t seqno;
    uint64_t extent_size; /* sectors */
    dof_lvm_pvx *pvs;
    size_t npvs;
    dof_lvm_lvx *lvs;
    size_t nlvs;
} dof_lvm_vgx;

/* Parse one metadata text (len bytes, need not be NUL-terminated) into
 * vg, everything in arena a.  DOF_OK, DOF_ERR_FORMAT with *why (a static
 * string), or DOF_ERR_NOMEM. */
int dof_evidence_lvm_text_parse(const char *text, size_t len, dof_arena *a,
                                dof_lvm_vgx *vg, const char **why);

/* The VG name a text starts with ("name {"), copied into out (size
 * outsz); 0 if the text does not start so. */
int dof_evidence_lvm_text_vgname(const char *text, size_t len, char *out,
                                 size_t outsz);

/* ---- PVs and LVs of the evidence (evidence_lvm_vg.c) ---- */

/* A partition that may hold an LVM2 label (called by
 * dof_evidence_part_add: vol is its index in ev->vols, or -1 for one that
 * --volume passes over).  DOF_OK unless out of memory. */
int dof_evidence_lvm_pv_note(dof_evidence *ev, uint64_t off, uint64_t len,
                             const char *address, int vol);
/* After the partition table: read the VGs of the PVs noted and add each
 * LV as a volume.  DOF_OK unless out of memory. */
int dof_evidence_lvm_list(dof_evidence *ev);
/* Close the LVs' byte sources and free the LVM state (after the LVs'
 * filesystems are closed). */
void dof_evidence_lvm_free(dof_evidence *ev);

#endif /* DOF_EVIDENCE_LVM_H */
