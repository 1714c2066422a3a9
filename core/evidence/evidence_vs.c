/*
 * evidence_vs.c - partition tables: GPT and DOS through TSK, and our own
 * reading of the primary GPT for when TSK refuses it (a truncated image
 * without its backup table).  Each partition gets the address Linux
 * would give it (p1, p2, ...); see partition_number().
 */
#include "evidence/evidence_private.h"

#include <stdlib.h>

#define EV_GPT_MAX_ENTRIES 1024u
#define EV_GPT_MAX_ENTRY 4096u

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

    if ((dof_evidence_img_read(img, 512, b, 8) == 0 &&
         memcmp(b, "EFI PART", 8) == 0) ||
        (dof_evidence_img_read(img, 4096, b, 8) == 0 &&
         memcmp(b, "EFI PART", 8) == 0))
        vs = tsk_vs_open(img, 0, TSK_VS_TYPE_GPT);
    else if (dof_evidence_img_read(img, 510, b, 2) == 0 && b[0] == 0x55 &&
             b[1] == 0xAA)
        vs = tsk_vs_open(img, 0, TSK_VS_TYPE_DOS);
    if (vs == NULL)
        tsk_error_reset();
    return vs;
}

int
dof_evidence_gpt_parse(const unsigned char *entries, size_t len, uint32_t n,
                       uint32_t esz, dof_evidence_gpt_fn fn, void *arg)
{
    static const unsigned char zero[16];
    int any = 0;

    if (entries == NULL || esz < 128 || esz > EV_GPT_MAX_ENTRY || n == 0 ||
        n > EV_GPT_MAX_ENTRIES)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        const unsigned char *e = entries + (size_t)i * esz;
        uint64_t first, last;
        char name[37];
        size_t k = 0;

        if ((size_t)i * esz + esz > len)
            break;
        if (memcmp(e, zero, 16) == 0)
            continue; /* unused entry: no partition type */
        first = dof_le64(e + 32);
        last = dof_le64(e + 40);
        if (last < first || last > UINT64_MAX / DOF_EV_SECTOR / 2)
            continue;
        for (size_t j = 0; j < 36; j++) {
            uint16_t c = dof_le16(e + 56 + 2 * j);
            if (c == 0)
                break;
            name[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
        }
        name[k] = '\0';
        if (fn(arg, i, first, last, name) != DOF_OK)
            return -1;
        any++;
    }
    return any;
}

static int
gpt_fallback_one(void *arg, uint32_t i, uint64_t first, uint64_t last,
                 const char *name)
{
    dof_evidence *ev = arg;
    uint64_t off = first * DOF_EV_SECTOR, end = (last + 1) * DOF_EV_SECTOR;
    const char *address = dof_arena_printf(ev->arena, "p%u", i + 1);

    if (off + DOF_EV_SECTOR > ev->size || end > ev->size)
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "GPT partition %s (entry %u, bytes %llu..%llu) extends "
                 "beyond the end of the image (%llu bytes): truncated "
                 "image?",
                 address ? address : "?", i, (unsigned long long)off,
                 (unsigned long long)end, (unsigned long long)ev->size);
    return dof_evidence_part_add(ev, off, end - off, name, address);
}

/*
 * Our own reading of the primary GPT (512-byte sectors), for when TSK
 * refuses the table, e.g. on a truncated image whose backup is missing.
 * Returns 0 if there is no usable primary GPT.
 */
static int
gpt_fallback(dof_evidence *ev, int *rc)
{
    unsigned char h[512], *e;
    uint64_t lba;
    uint32_t n, esz;
    int got;

    *rc = DOF_OK;
    if (dof_evidence_img_read(ev->img, 512, h, sizeof(h)) != 0 ||
        memcmp(h, "EFI PART", 8) != 0)
        return 0;
    lba = dof_le64(h + 72);
    n = dof_le32(h + 80);
    esz = dof_le32(h + 84);
    if (esz < 128 || esz > EV_GPT_MAX_ENTRY || n == 0 ||
        n > EV_GPT_MAX_ENTRIES || lba > UINT64_MAX / DOF_EV_SECTOR)
        return 0;
    e = malloc((size_t)n * esz);
    if (e == NULL) {
        *rc = dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
        return 1;
    }
    /* an entry array cut by the end of the image reads as zeros there */
    if (dof_evidence_img_read(ev->img, lba * DOF_EV_SECTOR, e,
                              (size_t)n * esz) != 0) {
        free(e);
        return 0;
    }
    ev->vs_type = "gpt";
    got = dof_evidence_gpt_parse(e, (size_t)n * esz, n, esz, gpt_fallback_one,
                                 ev);
    free(e);
    if (got < 0)
        *rc = dof_errcode(ev->ctx) != DOF_OK ? dof_errcode(ev->ctx)
                                             : DOF_ERR_NOMEM;
    return got != 0;
}

/*
 * The number Linux gives a partition (/dev/sdaN):
 *  - GPT: entry i is N = i+1 (TSK's slot_num is an int8_t: entries past
 *    127 come back negative, so it is read as unsigned: right to 255);
 *  - DOS primary (TSK table 0): slot i is N = i+1;
 *  - DOS logical (TSK table >= 1, one per extended table in the chain):
 *    5, 6, ... in the order of the chain, entries of one table in slot
 *    order.  TSK lists partitions sorted by start sector, which is not
 *    always the chain order, so logical ones are numbered by their rank
 *    in (table, slot) order (done by the caller from `logical_key`).
 */
typedef struct vs_part {
    const TSK_VS_PART_INFO *part;
    unsigned key; /* logical: table << 8 | slot; primary/GPT: 0 */
    unsigned number;
} vs_part;

static int
cmp_logical(const void *a, const void *b)
{
    const vs_part *x = *(const vs_part *const *)a;
    const vs_part *y = *(const vs_part *const *)b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Fill every p[i].number (see above); logical is scratch of n entries. */
static void
number_partitions(const TSK_VS_INFO *vs, vs_part *p, size_t n,
                  vs_part **logical)
{
    size_t nl = 0;

    for (size_t i = 0; i < n; i++) {
        const TSK_VS_PART_INFO *part = p[i].part;
        unsigned table = (uint8_t)part->table_num;
        unsigned slot = (uint8_t)part->slot_num;

        p[i].number = slot + 1;
        if (vs->vstype == TSK_VS_TYPE_DOS && table > 0) {
            p[i].key = table << 8 | slot;
            logical[nl++] = &p[i];
        }
    }
    qsort(logical, nl, sizeof(*logical), cmp_logical);
    for (size_t i = 0; i < nl; i++)
        logical[i]->number = 5 + (unsigned)i;
}

int
dof_evidence_vs_list(dof_evidence *ev)
{
    TSK_VS_INFO *vs = open_vs(ev->img);
    vs_part *p = NULL, **logical = NULL;
    size_t n = 0;
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
        return dof_evidence_part_add(ev, 0, ev->size, "", "0");
    }
    switch (vs->vstype) {
    case TSK_VS_TYPE_GPT: ev->vs_type = "gpt"; break;
    case TSK_VS_TYPE_DOS: ev->vs_type = "dos"; break;
    default:
        ev->vs_type =
            dof_arena_strdup(ev->arena, tsk_vs_type_toname(vs->vstype));
        break;
    }
    p = calloc(vs->part_count ? vs->part_count : 1, sizeof(*p));
    logical = calloc(vs->part_count ? vs->part_count : 1, sizeof(*logical));
    if (p == NULL || logical == NULL) {
        rc = dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (TSK_PNUM_T i = 0; i < vs->part_count; i++) {
        const TSK_VS_PART_INFO *part = tsk_vs_part_get(vs, i);
        if (part != NULL && (part->flags & TSK_VS_PART_FLAG_ALLOC))
            p[n++].part = part;
    }
    number_partitions(vs, p, n, logical);
    for (size_t i = 0; i < n && rc == DOF_OK; i++) {
        const TSK_VS_PART_INFO *part = p[i].part;
        uint64_t off, len;
        const char *address = dof_arena_printf(ev->arena, "p%u", p[i].number);

        off = (uint64_t)part->start * vs->block_size + (uint64_t)vs->offset;
        len = (uint64_t)part->len * vs->block_size;
        if (off >= ev->size || len > ev->size - off) {
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "partition %s (bytes %llu..%llu) extends beyond the "
                     "end of the image (%llu bytes): truncated image?",
                     address ? address : "?", (unsigned long long)off,
                     (unsigned long long)(off + len),
                     (unsigned long long)ev->size);
        }
        rc = dof_evidence_part_add(ev, off, len, part->desc, address);
    }
done:
    free(p);
    free(logical);
    tsk_vs_close(vs);
    return rc;
}
