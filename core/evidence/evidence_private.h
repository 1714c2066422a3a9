/*
 * evidence_private.h - internals of the evidence layer (core/evidence/):
 * the evidence object, and the steps of its stack, each in its own file:
 *   byte sources    evidence_img.c (raw, split, VMDK, VHD through TSK),
 *                   evidence_ewf.c (E01), evidence_mem.c (memory),
 *                   evidence_qcow2_img.c + evidence_qcow2.c (qcow2)
 *   partition table evidence_vs.c (TSK's GPT/DOS, our primary-GPT reader)
 *   LVM2            evidence_lvm*.c (evidence_lvm.h): LVs as volumes
 *   filesystems     core/fs/fs_probe.c (the probe table)
 * evidence.c holds the object, the options and the partition list.
 */
#ifndef DOF_EVIDENCE_PRIVATE_H
#define DOF_EVIDENCE_PRIVATE_H

#include "fs/fs_private.h"

#define DOF_EV_SECTOR 512u

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
    struct dof_ev_lvm *lvm; /* LVM2 PVs and LVs (evidence_lvm_vg.c) */
};

/* ---- byte sources ---- */

/* Read len bytes at off of img; zeros past what could be read.  -1 if
 * off is past the end or the read fails (TSK's error reset). */
int dof_evidence_img_read(TSK_IMG_INFO *img, uint64_t off, void *buf,
                          size_t len);
/* Open the image file path (first segment) through TSK, libewf or
 * dof's qcow2 reader, from its signature; head is its first n bytes, size
 * its file size, o the options (o->backing, o->snapshot: qcow2 only).
 * Sets *format and, for E01, the stored hashes (in arena).  NULL on
 * failure with the error on ctx (a refused container format:
 * DOF_ERR_UNSUPPORTED). */
TSK_IMG_INFO *dof_evidence_img_open(dof_ctx *ctx, const char *path,
                                    const unsigned char *head, size_t n,
                                    uint64_t size, const dof_evidence_opts *o,
                                    dof_arena *arena, const char **format,
                                    const char **md5, const char **sha1);
/* The imgstat callback of every byte source dof serves to TSK through
 * tsk_img_open_external (TSK's img_stat output; dof never calls it). */
void dof_evidence_imgstat(TSK_IMG_INFO *img, FILE *f);
/* Set "<path>: cannot open the image: <TSK's reason>" on ctx; NULL. */
TSK_IMG_INFO *dof_evidence_img_fail(dof_ctx *ctx, const char *path);
/* core/evidence/evidence_qcow2_img.c: qcow2 (and its backing chain)
 * through dof's own reader; backing overrides the header's backing file,
 * snapshot names an internal snapshot to read (both may be NULL). */
TSK_IMG_INFO *dof_evidence_qcow2_open(dof_ctx *ctx, const char *path,
                                      const char *backing,
                                      const char *snapshot);
/* core/evidence/evidence_ewf.c: E01/Ex01 through libewf. */
TSK_IMG_INFO *dof_evidence_ewf_open(dof_ctx *ctx, const char *path,
                                    dof_arena *arena, const char **md5,
                                    const char **sha1);
/* Wrap an image TSK already opened (img is taken: closed on failure too)
 * as evidence called name, format fmt (core/evidence/evidence_mem.c). */
int dof_evidence_open_img(dof_ctx *ctx, const char *name, const char *fmt,
                          TSK_IMG_INFO *img, int64_t offset_sectors,
                          dof_evidence **out);

/* ---- partition tables ---- */

/* List the partitions of ev's image through dof_evidence_part_add: the
 * GPT or DOS table, or the whole image as "0" when there is none. */
int dof_evidence_vs_list(dof_evidence *ev);
/* Parse a GPT entry array (n entries of esz bytes) into partitions,
 * for the fallback reader and the fuzz target: calls fn for each used
 * entry with its index, first and last sector and its name (ASCII, other
 * characters as '?').  Returns the number of entries passed to fn, or -1
 * when esz or n is out of range or fn fails. */
typedef int (*dof_evidence_gpt_fn)(void *arg, uint32_t index, uint64_t first,
                                   uint64_t last, const char *name);
int dof_evidence_gpt_parse(const unsigned char *entries, size_t len,
                           uint32_t n, uint32_t esz, dof_evidence_gpt_fn fn,
                           void *arg);

/* ---- partitions ---- */

/* Add (or, with --volume, pass over) the partition at off, len bytes,
 * named address: probe its filesystem through the probe table and open
 * it.  DOF_OK unless out of memory. */
int dof_evidence_part_add(dof_evidence *ev, uint64_t off, uint64_t len,
                          const char *desc, const char *address);
/* Add an LVM2 logical volume of len bytes read through img, shown at
 * byte offset shown of the image; with a note (or img NULL) it is listed
 * as not readable.  DOF_OK unless out of memory. */
int dof_evidence_lv_add(dof_evidence *ev, TSK_IMG_INFO *img, uint64_t len,
                        uint64_t shown, const char *address,
                        const dof_lvm_volume *lvm, const char *note);

#endif /* DOF_EVIDENCE_PRIVATE_H */
