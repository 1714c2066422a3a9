/*
 * evidence_lvm.c - LVM2 on disk (read-only): the label, the PV header, the
 * metadata area header and its ring buffer of metadata texts.
 *
 * Label (one 512-byte sector among the first four of the PV):
 *   0 "LABELONE"  8 u64 its sector  16 u32 crc of bytes 20..511
 *   20 u32 offset of the PV header in the sector  24 "LVM2 001"
 * PV header (at that offset): 32-byte uuid, u64 device size (bytes), then
 *   two lists of {u64 offset, u64 size} (bytes from the PV start), each
 *   ended by an all-zero entry: the data areas, then the metadata areas.
 * Metadata area header (512 bytes at the start of each metadata area):
 *   0 u32 crc of bytes 4..511  4 magic " LVM2 x[5A%r0N*>"  20 u32 version
 *   24 u64 start (bytes from the PV start)  32 u64 size (bytes)
 *   40 raw locations {u64 offset, u64 size, u32 crc, u32 flags}, ended by
 *   a zero offset; the first is the committed metadata text.
 * The metadata text lives in a ring buffer: the area after its header.  A
 * text that runs past the end of the area continues right after the
 * header.  LVM writes each new text on a 512-byte boundary after the
 * previous one and ends it with a NUL, so older texts stay until they are
 * overwritten.  All integers are little-endian.
 */
#include "evidence/evidence_lvm.h"

#include <stdlib.h>

static const char mda_magic[16] = {' ', 'L', 'V', 'M', '2', ' ', 'x', '[',
                                   '5', 'A', '%', 'r', '0', 'N', '*', '>'};

uint32_t
dof_evidence_lvm_crc(uint32_t crc, const void *buf, size_t len)
{
    static uint32_t table[256];
    static int ready;
    const unsigned char *p = buf;

    if (!ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
            table[i] = c;
        }
        ready = 1;
    }
    for (size_t i = 0; i < len; i++)
        crc = (crc >> 8) ^ table[(crc ^ p[i]) & 0xff];
    return crc;
}

/* A {offset, size} list at b (n bytes left) into out; the bytes used,
 * or 0 when the list has no terminator within n. */
static size_t
area_list(const unsigned char *b, size_t n, dof_lvm_area *out, unsigned *nout)
{
    size_t k = 0;

    *nout = 0;
    while (k + 16 <= n) {
        uint64_t off = dof_le64(b + k), size = dof_le64(b + k + 8);
        k += 16;
        if (off == 0)
            return k;
        if (*nout < DOF_LVM_MAX_AREAS) {
            out[*nout].offset = off;
            out[*nout].size = size;
            (*nout)++;
        }
    }
    return 0;
}

int
dof_evidence_lvm_label_parse(const unsigned char *b, size_t n,
                             dof_lvm_label *l, const char **why)
{
    memset(l, 0, sizeof(*l));
    *why = NULL;
    if (b == NULL)
        return 0;
    for (unsigned s = 0; s < 4 && (s + 1) * DOF_LVM_SECTOR <= n; s++) {
        const unsigned char *h = b + s * DOF_LVM_SECTOR;
        uint32_t off;
        size_t used;

        if (memcmp(h, "LABELONE", 8) != 0)
            continue;
        l->sector = s;
        if (dof_le64(h + 8) != s) {
            *why = "the LVM2 label names another sector than its own";
            return -1;
        }
        if (dof_evidence_lvm_crc(DOF_LVM_CRC_INIT, h + 20,
                                 DOF_LVM_SECTOR - 20) != dof_le32(h + 16)) {
            *why = "LVM2 label checksum mismatch";
            return -1;
        }
        if (memcmp(h + 24, "LVM2 001", 8) != 0) {
            *why = "label type is not \"LVM2 001\"";
            return -1;
        }
        off = dof_le32(h + 20);
        if (off < 32 || off > DOF_LVM_SECTOR - 40 - 32) {
            *why = "PV header offset out of range";
            return -1;
        }
        for (unsigned i = 0; i < 32; i++) {
            unsigned char c = h[off + i];
            if (c < 0x21 || c > 0x7e) {
                *why = "PV uuid is not printable";
                return -1;
            }
            l->uuid[i] = (char)c;
        }
        l->uuid[32] = '\0';
        l->dev_size = dof_le64(h + off + 32);
        used = area_list(h + off + 40, DOF_LVM_SECTOR - off - 40, l->data,
                         &l->ndata);
        if (used == 0 ||
            area_list(h + off + 40 + used, DOF_LVM_SECTOR - off - 40 - used,
                      l->mda, &l->nmda) == 0) {
            *why = "PV header area lists are not terminated";
            return -1;
        }
        return 1;
    }
    return 0;
}

int
dof_evidence_lvm_mdah_parse(const unsigned char *b, size_t n, dof_lvm_mdah *h,
                            const char **why)
{
    memset(h, 0, sizeof(*h));
    *why = NULL;
    if (b == NULL || n < DOF_LVM_MDA_HEADER) {
        *why = "metadata area header cut short";
        return -1;
    }
    if (memcmp(b + 4, mda_magic, sizeof(mda_magic)) != 0) {
        *why = "metadata area header has no LVM2 magic";
        return -1;
    }
    if (dof_evidence_lvm_crc(DOF_LVM_CRC_INIT, b + 4,
                             DOF_LVM_MDA_HEADER - 4) != dof_le32(b)) {
        *why = "metadata area header checksum mismatch";
        return -1;
    }
    h->version = dof_le32(b + 20);
    if (h->version != 1) {
        *why = "metadata area header version is not 1";
        return -1;
    }
    h->start = dof_le64(b + 24);
    h->size = dof_le64(b + 32);
    for (size_t k = 40;
         k + 24 <= DOF_LVM_MDA_HEADER && h->nloc < DOF_LVM_MAX_RLOCN;
         k += 24) {
        dof_lvm_rlocn *r = &h->loc[h->nloc];
        r->offset = dof_le64(b + k);
        if (r->offset == 0)
            break;
        r->size = dof_le64(b + k + 8);
        r->checksum = dof_le32(b + k + 16);
        r->flags = dof_le32(b + k + 20);
        h->nloc++;
    }
    return 1;
}

int
dof_evidence_lvm_ring_copy(const unsigned char *area, uint64_t size,
                           uint64_t off, uint64_t len, unsigned char *out)
{
    uint64_t first;

    if (size <= DOF_LVM_MDA_HEADER || off < DOF_LVM_MDA_HEADER ||
        off >= size || len > size - DOF_LVM_MDA_HEADER)
        return -1;
    first = size - off < len ? size - off : len;
    memcpy(out, area + off, (size_t)first);
    if (len > first)
        memcpy(out + first, area + DOF_LVM_MDA_HEADER, (size_t)(len - first));
    return 0;
}

int
dof_evidence_lvm_ring_scan(const unsigned char *area, uint64_t size,
                           const char *name, unsigned max, dof_lvm_text_fn fn,
                           void *arg)
{
    size_t nl = strlen(name), ring;
    unsigned char *buf;
    uint64_t budget; /* bytes looked at: a hostile area costs O(size) */
    int found = 0;

    if (size <= DOF_LVM_MDA_HEADER || size > DOF_LVM_MAX_MDA || nl == 0 ||
        nl + 2 > size - DOF_LVM_MDA_HEADER)
        return 0;
    ring = (size_t)(size - DOF_LVM_MDA_HEADER);
    if (memchr(area + DOF_LVM_MDA_HEADER, '\0', ring) == NULL)
        return 0; /* no text ends anywhere */
    budget = 8 * (uint64_t)ring;
    if ((buf = malloc(ring < DOF_LVM_MAX_TEXT ? ring + 1
                                              : DOF_LVM_MAX_TEXT + 1)) == NULL)
        return -1;
    for (uint64_t off = DOF_LVM_MDA_HEADER;
         off + nl + 2 <= size && (unsigned)found < max;
         off += DOF_LVM_SECTOR) {
        const unsigned char *p = area + off;
        size_t len;

        if (memcmp(p, name, nl) != 0 || p[nl] != ' ' || p[nl + 1] != '{')
            continue;
        /* the text runs to its NUL, wrapping once at most */
        {
            const unsigned char *z = memchr(p, '\0', (size_t)(size - off));
            if (z != NULL) {
                len = (size_t)(z - p);
            }
            else {
                z = memchr(area + DOF_LVM_MDA_HEADER, '\0',
                           (size_t)(off - DOF_LVM_MDA_HEADER));
                if (z == NULL)
                    continue; /* no end: overwritten */
                len = (size_t)(size - off) +
                      (size_t)(z - (area + DOF_LVM_MDA_HEADER));
            }
        }
        if (budget < (uint64_t)len + DOF_LVM_SECTOR)
            break;
        budget -= (uint64_t)len + DOF_LVM_SECTOR;
        if (len > DOF_LVM_MAX_TEXT ||
            dof_evidence_lvm_ring_copy(area, size, off, len, buf) != 0)
            continue;
        buf[len] = '\0';
        fn(arg, off, (const char *)buf, len);
        found++;
    }
    free(buf);
    return found;
}
