/*
 * evidence_lvm_vg.c - the LVM2 physical volumes on the evidence's
 * partitions, grouped into volume groups, and their logical volumes as
 * volumes.
 *
 * Each PV's metadata areas give the committed metadata text (checksum
 * checked) and the older texts still in the ring buffer.  A VG is read
 * from the text with the highest seqno among its PVs.  A linear LV (one
 * stripe per segment, contiguous segments, every PV present) becomes a
 * volume "PVADDR/lvm:VG/LV" read through a byte source that maps each of
 * its extents onto the image; every other LV is listed with what it is
 * and "not supported".
 */
#include "evidence/evidence_lvm.h"

#include <stdlib.h>

#define LVM_MAX_PVS_FOUND 256u
#define LVM_MAX_OLD_SEEN 8192u /* older texts remembered, all VGs */

typedef struct lvm_pv {
    const char *address;
    uint64_t off, len; /* the partition */
    int vol;           /* its index in ev->vols, -1 if passed over */
    int state;         /* 1 label read, -1 damaged */
    const char *why;
    dof_lvm_label label;
    dof_lvm_vgx best; /* newest committed text of its metadata areas */
    int have_best;
    int used; /* a PV of a VG that was read */
} lvm_pv;

/* An older text seen in a ring buffer. */
typedef struct lvm_old {
    const char *vg_id;
    uint64_t seqno;
} lvm_old;

struct dof_ev_lvm {
    dof_arena *a;
    lvm_pv *pvs;
    size_t npvs, cappvs;
    lvm_old *old;
    size_t nold, capold;
    TSK_IMG_INFO **imgs;
    size_t nimgs, capimgs;
};

static int
nomem(dof_evidence *ev)
{
    return dof_set_error(ev->ctx, DOF_ERR_NOMEM, "out of memory");
}

static struct dof_ev_lvm *
state(dof_evidence *ev)
{
    if (ev->lvm == NULL) {
        ev->lvm = calloc(1, sizeof(*ev->lvm));
        if (ev->lvm != NULL && (ev->lvm->a = dof_arena_new()) == NULL) {
            free(ev->lvm);
            ev->lvm = NULL;
        }
    }
    return ev->lvm;
}

int
dof_evidence_lvm_pv_note(dof_evidence *ev, uint64_t off, uint64_t len,
                         const char *address, int vol)
{
    unsigned char b[DOF_LVM_LABEL_SCAN];
    struct dof_ev_lvm *s;
    dof_lvm_label l;
    const char *why;
    lvm_pv *pv;
    size_t n = sizeof(b);
    int st;

    if (len > 0 && len < n)
        n = (size_t)len;
    if (dof_evidence_img_read(ev->img, off, b, n) != 0)
        return DOF_OK;
    if ((st = dof_evidence_lvm_label_parse(b, n, &l, &why)) == 0)
        return DOF_OK;
    if ((s = state(ev)) == NULL)
        return nomem(ev);
    if (s->npvs >= LVM_MAX_PVS_FOUND) {
        dof_warn(ev->ctx, DOF_ERR_LIMIT, NULL,
                 "volume %s: more than %u LVM2 physical volumes, not read",
                 address, LVM_MAX_PVS_FOUND);
        return DOF_OK;
    }
    if (dof_grow(&s->pvs, &s->cappvs, s->npvs, sizeof(*s->pvs), 4) != DOF_OK)
        return nomem(ev);
    pv = &s->pvs[s->npvs++];
    memset(pv, 0, sizeof(*pv));
    pv->address = address;
    pv->off = off;
    pv->len = len;
    pv->vol = vol;
    pv->state = st;
    pv->why = why;
    pv->label = l;
    return DOF_OK;
}

/* The uuid of a metadata id: its 32 characters without the dashes. */
static int
same_uuid(const char *id, const char *uuid32)
{
    size_t k = 0;

    for (; *id; id++) {
        if (*id == '-')
            continue;
        if (k >= 32 || *id != uuid32[k])
            return 0;
        k++;
    }
    return k == 32;
}

/* The note on a PV's own partition. */
static void
pv_set_note(dof_evidence *ev, const lvm_pv *pv, const char *note)
{
    if (pv->vol >= 0 && (size_t)pv->vol < ev->nvols && note != NULL)
        ev->vols[pv->vol].note = note;
}

typedef struct scan_arg {
    dof_evidence *ev;
    lvm_pv *pv;
    uint64_t skip; /* the committed text's offset when its crc failed */
    int ok;        /* out of memory when 0 */
} scan_arg;

/* An older (or the current) text found in a ring buffer. */
static void
scan_one(void *arg, uint64_t off, const char *text, size_t len)
{
    scan_arg *sa = arg;
    struct dof_ev_lvm *s = sa->ev->lvm;
    dof_lvm_vgx vg;
    const char *why;
    dof_arena *tmp = dof_arena_new();

    if (off == sa->skip) {
        dof_arena_free(tmp);
        return;
    }
    if (tmp == NULL) {
        sa->ok = 0;
        return;
    }
    if (dof_evidence_lvm_text_parse(text, len, tmp, &vg, &why) == DOF_OK) {
        int dup = 0;
        for (size_t i = 0; i < s->nold && !dup; i++)
            dup = s->old[i].seqno == vg.seqno &&
                  strcmp(s->old[i].vg_id, vg.id) == 0;
        if (!dup && s->nold < LVM_MAX_OLD_SEEN) {
            const char *id = dof_arena_strdup(s->a, vg.id);
            if (id == NULL || dof_grow(&s->old, &s->capold, s->nold,
                                       sizeof(*s->old), 16) != DOF_OK) {
                sa->ok = 0;
            }
            else {
                s->old[s->nold].vg_id = id;
                s->old[s->nold++].seqno = vg.seqno;
            }
        }
        /* no committed text: the newest text of the buffer stands in */
        if (!sa->pv->have_best) {
            dof_lvm_vgx keep;
            const char *w2;
            if (dof_evidence_lvm_text_parse(text, len, s->a, &keep, &w2) ==
                DOF_OK) {
                sa->pv->best = keep;
                sa->pv->have_best = -1; /* from the scan, not committed */
            }
        }
        else if (sa->pv->have_best < 0 && vg.seqno > sa->pv->best.seqno) {
            dof_lvm_vgx keep;
            const char *w2;
            if (dof_evidence_lvm_text_parse(text, len, s->a, &keep, &w2) ==
                DOF_OK)
                sa->pv->best = keep;
        }
    }
    dof_arena_free(tmp);
}

/* Read one metadata area of pv: its committed text into pv->best (if
 * newer), its older texts into the state's list. */
static int
read_mda(dof_evidence *ev, lvm_pv *pv, const dof_lvm_area *m)
{
    struct dof_ev_lvm *s = ev->lvm;
    unsigned char *area = NULL, *text = NULL;
    const char *why = NULL;
    dof_lvm_mdah h;
    const dof_lvm_rlocn *r;
    char name[256];
    scan_arg sa = {ev, pv, 0, 1};
    int rc = DOF_OK;

    if (m->size <= DOF_LVM_MDA_HEADER || m->size > DOF_LVM_MAX_MDA ||
        m->offset > pv->len || m->size > pv->len - m->offset) {
        why = "metadata area out of range";
        goto warn;
    }
    if ((area = malloc((size_t)m->size)) == NULL)
        return nomem(ev);
    if (dof_evidence_img_read(ev->img, pv->off + m->offset, area,
                              (size_t)m->size) != 0) {
        why = "metadata area unreadable";
        goto warn;
    }
    if (dof_evidence_lvm_mdah_parse(area, (size_t)m->size, &h, &why) < 0)
        goto warn;
    if (h.start != m->offset)
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "volume %s: LVM2 metadata area at %llu says it starts at "
                 "%llu",
                 pv->address, (unsigned long long)m->offset,
                 (unsigned long long)h.start);
    if (h.nloc == 0)
        goto done; /* a PV not (yet) in a VG */
    r = &h.loc[0];
    if (r->flags & 1u)
        goto done; /* metadata area marked ignored */
    if (r->offset < DOF_LVM_MDA_HEADER || r->offset >= m->size ||
        r->size == 0 || r->size > m->size - DOF_LVM_MDA_HEADER ||
        r->size > DOF_LVM_MAX_TEXT) {
        why = "metadata text location out of range";
        goto warn;
    }
    if ((text = malloc((size_t)r->size + 1)) == NULL) {
        rc = nomem(ev);
        goto done;
    }
    (void)dof_evidence_lvm_ring_copy(area, m->size, r->offset, r->size, text);
    text[r->size] = '\0';
    if (dof_evidence_lvm_crc(DOF_LVM_CRC_INIT, text, (size_t)r->size) !=
        r->checksum) {
        why = "metadata text checksum mismatch (older texts in the "
              "buffer are tried)";
        sa.skip = r->offset;
    }
    else {
        dof_lvm_vgx vg;
        const char *pwhy;
        int prc = dof_evidence_lvm_text_parse(
            (const char *)text, (size_t)r->size, s->a, &vg, &pwhy);
        if (prc == DOF_ERR_NOMEM) {
            rc = nomem(ev);
            goto done;
        }
        if (prc != DOF_OK) {
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "volume %s: LVM2 metadata text: %s", pv->address,
                     pwhy ? pwhy : "unreadable");
        }
        else if (pv->have_best <= 0 || vg.seqno > pv->best.seqno) {
            pv->best = vg;
            pv->have_best = 1;
        }
    }
    if (dof_evidence_lvm_text_vgname((const char *)text, (size_t)r->size, name,
                                     sizeof(name)) ||
        (pv->have_best && (size_t)snprintf(name, sizeof(name), "%s",
                                           pv->best.name) < sizeof(name))) {
        if (dof_evidence_lvm_ring_scan(area, m->size, name, 4096, scan_one,
                                       &sa) < 0 ||
            !sa.ok)
            rc = nomem(ev);
    }
    if (why == NULL)
        goto done;
warn:
    dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
             "volume %s at byte offset %llu: LVM2 metadata area at %llu: %s",
             pv->address, (unsigned long long)pv->off,
             (unsigned long long)m->offset, why);
done:
    free(text);
    free(area);
    return rc;
}

static int
cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x > y ? -1 : x < y;
}

/* ---- the LV byte source ---- */

typedef struct lv_map {
    uint64_t lv_off, len, img_off;
    uint64_t img_end; /* the end of its PV: bytes past it read as zeros */
} lv_map;

typedef struct lv_img {
    TSK_IMG_INFO info; /* first: TSK's external image */
    TSK_IMG_INFO *parent;
    size_t nmap;
    lv_map map[];
} lv_img;

static ssize_t
lv_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
    const lv_img *m = (const lv_img *)img;
    uint64_t o = (uint64_t)off, psize;
    size_t done = 0, lo = 0, hi;

    if (off < 0 || o >= (uint64_t)img->size) {
        tsk_error_reset();
        tsk_error_set_errno(TSK_ERR_IMG_READ_OFF);
        tsk_error_set_errstr("lv_read: offset %lld beyond the LV",
                             (long long)off);
        return -1;
    }
    if (len > (uint64_t)img->size - o)
        len = (size_t)((uint64_t)img->size - o);
    psize = m->parent->size > 0 ? (uint64_t)m->parent->size : 0;
    hi = m->nmap;
    while (lo + 1 < hi) { /* the last map entry starting at or before o */
        size_t mid = (lo + hi) / 2;
        if (m->map[mid].lv_off <= o)
            lo = mid;
        else
            hi = mid;
    }
    while (done < len && lo < m->nmap) {
        const lv_map *e = &m->map[lo];
        uint64_t in = o - e->lv_off, src;
        size_t n;

        if (o < e->lv_off || in >= e->len) {
            lo++;
            continue;
        }
        n = e->len - in < len - done ? (size_t)(e->len - in) : len - done;
        src = e->img_off + in;
        {
            ssize_t got = 0;
            if (src < psize && src < e->img_end) {
                uint64_t lim = psize < e->img_end ? psize : e->img_end;
                size_t want = lim - src < n ? (size_t)(lim - src) : n;
                got =
                    tsk_img_read(m->parent, (TSK_OFF_T)src, buf + done, want);
                if (got < 0)
                    return -1;
            }
            /* past the image or the PV: zeros (only there: no extra pass) */
            if ((size_t)got < n)
                memset(buf + done + got, 0, n - (size_t)got);
        }
        done += n;
        o += n;
        lo++;
    }
    return (ssize_t)done;
}

static void
lv_close(TSK_IMG_INFO *img)
{
    free(img);
}

/* ---- LVs ---- */

#define LVM_MAX_COWS 4096u

/* One VG being listed: its text, where its PVs are, its snapshot stores. */
typedef struct vg_ctx {
    const dof_lvm_vgx *vg;
    const lvm_pv **pvmap; /* per vg->pvs[i]: the PV found, or NULL */
    const char **cows;    /* cow_store names of snapshot segments */
    const char **origins; /* and their origins */
    size_t ncows;
} vg_ctx;

static const lvm_pv *
find_pv(const vg_ctx *c, const char *name, const dof_lvm_pvx **pvx)
{
    *pvx = NULL;
    for (size_t i = 0; i < c->vg->npvs; i++)
        if (strcmp(c->vg->pvs[i].name, name) == 0) {
            *pvx = &c->vg->pvs[i];
            return c->pvmap[i];
        }
    return NULL;
}

/* What an LV is, and why it is not read (NULL: linear, read); a note
 * made here is in arena a. */
static const char *
lv_kind(const vg_ctx *c, const dof_lvm_lvx *lv, dof_arena *a,
        const char **type)
{
    for (size_t i = 0; i < c->ncows; i++)
        if (strcmp(c->cows[i], lv->name) == 0) {
            /* what `lvs` calls the snapshot: its copy-on-write store */
            const char *n = dof_arena_printf(
                a,
                "snapshot of LV %s (this LV holds its copy-on-write "
                "store), not supported",
                c->origins[i] ? c->origins[i] : "?");
            *type = "snapshot";
            return n ? n : "snapshot, not supported";
        }
    if (lv->nsegs > 0 && strcmp(lv->segs[0].type, "snapshot") == 0) {
        *type = "snapshot";
        return "LVM's internal record of a snapshot (listed by its "
               "copy-on-write store's name), not read";
    }
    if (lv->nsegs == 0) {
        *type = "empty";
        return "LV without segments";
    }
    *type = "linear";
    for (size_t k = 0; k < lv->nsegs; k++) {
        const dof_lvm_seg *g = &lv->segs[k];
        if (strcmp(g->type, "striped") != 0) {
            *type = g->type;
            return "not supported";
        }
        if (g->stripe_count > 1 || g->nstripes > 1) {
            *type = "striped";
            return "striped LV, not supported";
        }
    }
    if (!lv->visible) {
        *type = "hidden";
        return "hidden LV (a part of another LV), not read on its own";
    }
    return NULL;
}

static int
add_lv(dof_evidence *ev, const vg_ctx *c, const dof_lvm_lvx *lv,
       const uint64_t *old, size_t nold, const char *vgaddr)
{
    struct dof_ev_lvm *s = ev->lvm;
    const dof_lvm_vgx *vg = c->vg;
    uint64_t ext = vg->extent_size * DOF_LVM_SECTOR, next = 0, size = 0;
    dof_lvm_volume *v = dof_arena_calloc(ev->arena, 1, sizeof(*v));
    dof_lvm_segment *sg;
    const char *note, *address, *first_addr = NULL, *type;
    uint64_t shown = 0;
    lv_img *m = NULL;
    TSK_IMG_INFO *img;
    int rc;

    if (v == NULL ||
        (sg = dof_arena_calloc(ev->arena, lv->nsegs + 1, sizeof(*sg))) == NULL)
        return nomem(ev);
    note = lv_kind(c, lv, ev->arena, &type);
    v->vg = dof_arena_strdup(ev->arena, vg->name);
    v->vg_id = dof_arena_strdup(ev->arena, vg->id);
    v->lv = dof_arena_strdup(ev->arena, lv->name);
    v->lv_id = lv->id ? dof_arena_strdup(ev->arena, lv->id) : NULL;
    v->type = dof_arena_strdup(ev->arena, type);
    v->extent_size_bytes = ext;
    v->seqno = vg->seqno;
    v->older_seqnos = old;
    v->nolder_seqnos = nold;
    v->segments = sg;
    v->nsegments = lv->nsegs;
    if (v->vg == NULL || v->vg_id == NULL || v->lv == NULL || v->type == NULL)
        return nomem(ev);
    for (size_t k = 0; k < lv->nsegs; k++) {
        const dof_lvm_seg *g = &lv->segs[k];
        const dof_lvm_pvx *pvx = NULL;
        const lvm_pv *pv = NULL;

        sg[k].start_extent = g->start_extent;
        sg[k].extent_count = g->extent_count;
        sg[k].type = dof_arena_strdup(ev->arena, g->type);
        sg[k].stripes = g->stripe_count ? g->stripe_count : g->nstripes;
        if (sg[k].type == NULL)
            return nomem(ev);
        if (g->nstripes == 0)
            continue;
        sg[k].pv = dof_arena_strdup(ev->arena, g->stripes[0].pv);
        sg[k].pv_start_extent = g->stripes[0].pe;
        if (sg[k].pv == NULL)
            return nomem(ev);
        pv = find_pv(c, g->stripes[0].pv, &pvx);
        if (pv == NULL) {
            if (note == NULL) {
                note = "a PV of this LV is missing from the evidence, not "
                       "supported";
                v->type = "missing-pv";
            }
            continue;
        }
        sg[k].pv_address = pv->address;
        if (first_addr == NULL)
            first_addr = pv->address;
        {
            uint64_t a, b, o;
            if (!__builtin_mul_overflow(pvx->pe_start, DOF_LVM_SECTOR, &a) &&
                !__builtin_mul_overflow(g->stripes[0].pe, ext, &b) &&
                !__builtin_add_overflow(pv->off, a, &o) &&
                !__builtin_add_overflow(o, b, &o) && o < (UINT64_C(1) << 62))
                sg[k].offset_bytes = o;
        }
        if (note != NULL)
            continue;
        if (pvx->missing) {
            note = "a PV of this LV is marked missing, not supported";
            v->type = "missing-pv";
        }
        else if (g->start_extent != next ||
                 g->extent_count > (UINT64_MAX / 4) / ext - next) {
            note = "segments are not contiguous, not supported";
        }
        else if (sg[k].offset_bytes == 0) {
            note = "a segment's place on its PV is out of range";
        }
        else {
            uint64_t end = sg[k].offset_bytes + g->extent_count * ext;
            if (g->stripes[0].pe > pvx->pe_count ||
                g->extent_count > pvx->pe_count - g->stripes[0].pe ||
                end > pv->off + pv->len)
                dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                         "LVM2 LV %s/%s: segment %zu lies beyond the "
                         "extents of PV %s (%s): what is past its end "
                         "reads as zeros",
                         vg->name, lv->name, k + 1, pvx->name, pv->address);
            next += g->extent_count;
        }
    }
    size = next * ext;
    if (first_addr == NULL)
        first_addr = vgaddr;
    for (size_t k = 0; k < lv->nsegs && shown == 0; k++)
        shown = sg[k].offset_bytes;
    address = dof_arena_printf(ev->arena, "%s/lvm:%s/%s", first_addr, vg->name,
                               lv->name);
    if (address == NULL)
        return nomem(ev);
    if (note == NULL && size == 0)
        note = "LV of 0 bytes";
    if (note != NULL) {
        uint64_t total = 0;
        for (size_t k = 0; k < lv->nsegs; k++)
            if (lv->segs[k].extent_count <= (UINT64_MAX / 4) / ext - total)
                total += lv->segs[k].extent_count;
        note = dof_arena_printf(ev->arena, "LVM2 %s LV %s/%s: %s", v->type,
                                vg->name, lv->name, note);
        if (note == NULL)
            return nomem(ev);
        if (ev->want == NULL || strcmp(ev->want, address) == 0)
            dof_warn(ev->ctx, DOF_ERR_UNSUPPORTED, NULL, "volume %s: %s",
                     address, note);
        return dof_evidence_lv_add(ev, NULL, total * ext, shown, address, v,
                                   note);
    }
    v->readable = 1;
    m = calloc(1, sizeof(*m) + lv->nsegs * sizeof(m->map[0]));
    if (m == NULL)
        return nomem(ev);
    m->parent = ev->img;
    for (size_t k = 0; k < lv->nsegs; k++) {
        m->map[k].lv_off = lv->segs[k].start_extent * ext;
        m->map[k].len = lv->segs[k].extent_count * ext;
        m->map[k].img_off = sg[k].offset_bytes;
        m->map[k].img_end = UINT64_MAX;
        for (size_t i = 0; i < s->npvs; i++)
            if (s->pvs[i].address == sg[k].pv_address)
                m->map[k].img_end = s->pvs[i].off + s->pvs[i].len;
    }
    m->nmap = lv->nsegs;
    img = tsk_img_open_external(m, (TSK_OFF_T)size, DOF_LVM_SECTOR, lv_read,
                                lv_close, dof_evidence_imgstat);
    if (img == NULL) {
        free(m);
        tsk_error_reset();
        return nomem(ev);
    }
    if (dof_grow(&s->imgs, &s->capimgs, s->nimgs, sizeof(*s->imgs), 4) !=
        DOF_OK) {
        tsk_img_close(img);
        return nomem(ev);
    }
    s->imgs[s->nimgs++] = img;
    rc = dof_evidence_lv_add(ev, img, size, shown, address, v, NULL);
    return rc;
}

/* The VG whose newest text pv carries: mark its PVs, add its LVs. */
static int
read_vg(dof_evidence *ev, lvm_pv *first)
{
    struct dof_ev_lvm *s = ev->lvm;
    const dof_lvm_vgx *vg = &first->best;
    uint64_t *old;
    size_t nold = 0;
    vg_ctx c;
    int rc = DOF_OK;

    /* the newest text of this VG among all its PVs: a committed text
     * before one found only in a ring buffer, then the highest seqno */
    for (size_t i = 0; i < s->npvs; i++) {
        const lvm_pv *o = &s->pvs[i];
        if (!o->have_best || strcmp(o->best.id, vg->id) != 0)
            continue;
        if ((o->have_best > 0) != (first->have_best > 0)
                ? o->have_best > 0
                : o->best.seqno > vg->seqno) {
            first = &s->pvs[i];
            vg = &first->best;
        }
    }
    if (first->have_best < 0)
        dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                 "LVM2 VG %s: no committed metadata text is intact; read "
                 "from the newest older text left in the metadata area "
                 "(seqno %llu)",
                 vg->name, (unsigned long long)vg->seqno);
    old = dof_arena_calloc(ev->arena, DOF_LVM_MAX_OLD + 1, sizeof(*old));
    if (old == NULL)
        return nomem(ev);
    for (size_t i = 0; i < s->nold; i++)
        if (strcmp(s->old[i].vg_id, vg->id) == 0 &&
            s->old[i].seqno < vg->seqno && nold < DOF_LVM_MAX_OLD)
            old[nold++] = s->old[i].seqno;
    qsort(old, nold, sizeof(*old), cmp_u64_desc);
    memset(&c, 0, sizeof(c));
    c.vg = vg;
    c.pvmap = dof_arena_calloc(s->a, vg->npvs + 1, sizeof(*c.pvmap));
    c.cows = dof_arena_calloc(s->a, LVM_MAX_COWS, sizeof(*c.cows));
    c.origins = dof_arena_calloc(s->a, LVM_MAX_COWS, sizeof(*c.origins));
    if (c.pvmap == NULL || c.cows == NULL || c.origins == NULL)
        return nomem(ev);
    for (size_t i = 0; i < vg->nlvs; i++)
        for (size_t k = 0; k < vg->lvs[i].nsegs && c.ncows < LVM_MAX_COWS; k++)
            if (vg->lvs[i].segs[k].cow_store) {
                c.origins[c.ncows] = vg->lvs[i].segs[k].origin;
                c.cows[c.ncows++] = vg->lvs[i].segs[k].cow_store;
            }
    /* the PVs of the VG, by uuid */
    for (size_t p = 0; p < vg->npvs; p++) {
        int found = 0;
        for (size_t i = 0; i < s->npvs; i++) {
            lvm_pv *pv = &s->pvs[i];
            const char *note;
            if (pv->state <= 0 || !same_uuid(vg->pvs[p].id, pv->label.uuid))
                continue;
            if (!found)
                c.pvmap[p] = pv;
            found = 1;
            if (pv->used)
                continue;
            pv->used = 1;
            note = dof_arena_printf(
                ev->arena,
                "LVM2 physical volume %s of VG %s (metadata seqno %llu)",
                vg->pvs[p].name, vg->name, (unsigned long long)vg->seqno);
            pv_set_note(ev, pv, note);
        }
        if (!found)
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "LVM2 VG %s: physical volume %s (%s) is not in the "
                     "evidence",
                     vg->name, vg->pvs[p].name, vg->pvs[p].id);
    }
    for (size_t l = 0; l < vg->nlvs && rc == DOF_OK; l++)
        rc = add_lv(ev, &c, &vg->lvs[l], old, nold, first->address);
    return rc;
}

int
dof_evidence_lvm_list(dof_evidence *ev)
{
    struct dof_ev_lvm *s = ev->lvm;
    int rc = DOF_OK;

    if (s == NULL)
        return DOF_OK;
    for (size_t i = 0; i < s->npvs && rc == DOF_OK; i++) {
        lvm_pv *pv = &s->pvs[i];
        if (pv->state < 0) {
            const char *note = dof_arena_printf(
                ev->arena, "LVM2 physical volume, damaged: %s", pv->why);
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "volume %s at byte offset %llu (lvm2): LVM2 label: %s",
                     pv->address, (unsigned long long)pv->off, pv->why);
            pv_set_note(ev, pv, note);
            continue;
        }
        for (unsigned k = 0; k < pv->label.nmda && rc == DOF_OK; k++)
            rc = read_mda(ev, pv, &pv->label.mda[k]);
    }
    for (size_t i = 0; i < s->npvs && rc == DOF_OK; i++) {
        lvm_pv *pv = &s->pvs[i];
        if (pv->state > 0 && pv->have_best && !pv->used)
            rc = read_vg(ev, pv);
    }
    for (size_t i = 0; i < s->npvs && rc == DOF_OK; i++) {
        lvm_pv *pv = &s->pvs[i];
        if (pv->state > 0 && !pv->used) {
            const char *note = dof_arena_printf(
                ev->arena,
                "LVM2 physical volume %s: no readable metadata names its "
                "volume group",
                pv->label.uuid);
            dof_warn(ev->ctx, DOF_ERR_FORMAT, NULL,
                     "volume %s at byte offset %llu (lvm2): LVM2 physical "
                     "volume %s has %s: its volume group is unknown",
                     pv->address, (unsigned long long)pv->off, pv->label.uuid,
                     pv->label.nmda ? "no readable metadata"
                                    : "no metadata area");
            pv_set_note(ev, pv, note);
        }
    }
    return rc;
}

void
dof_evidence_lvm_free(dof_evidence *ev)
{
    struct dof_ev_lvm *s = ev ? ev->lvm : NULL;

    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nimgs; i++)
        tsk_img_close(s->imgs[i]);
    free(s->imgs);
    free(s->pvs);
    free(s->old);
    dof_arena_free(s->a);
    free(s);
    ev->lvm = NULL;
}
