/*
 * bbolt.c - read-only bbolt reader (etcd-io/bbolt page.go, db.go,
 * bucket.go, freelist.go; FORMATS.md "bbolt").
 *
 * File layout: pages of meta.pageSize bytes.  Pages 0 and 1 are metas;
 * every page starts with {u64 id, u16 flags, u16 count, u32 overflow} and
 * a page with overflow n spans 1 + n pages.  Meta (at offset 16 of its
 * page): u32 magic, u32 version, u32 pageSize, u32 flags, bucket root
 * {u64 root pgid, u64 sequence}, u64 freelist, u64 pgid (high water),
 * u64 txid, u64 checksum (FNV-1a 64 of the 56 bytes before it).  Leaf
 * element {u32 flags, u32 pos, u32 ksize, u32 vsize}, branch element
 * {u32 pos, u32 ksize, u64 pgid}; pos is relative to the element.
 */
#include "formats/bbolt.h"

#include <stdlib.h>

#define PAGE_HDR 16u
#define ELEM_SIZE 16u
#define META_SIZE 64u
#define META_SUM_OFF 56u /* offsetof(meta, checksum) */
#define BBOLT_MAGIC 0xED0CDAEDu
#define BBOLT_VERSION 2u
#define FLAG_BRANCH 0x01u
#define FLAG_LEAF 0x02u
#define FLAG_META 0x04u
#define FLAG_FREELIST 0x10u
#define LEAF_BUCKET 0x01u
#define PGID_NO_FREELIST UINT64_MAX

typedef struct bmeta {
    uint32_t magic, version, psize, flags;
    uint64_t root, seq, freelist, hwm, txid, sum;
} bmeta;

struct dof_bbolt {
    dof_ctx *ctx;
    char *path;               /* for warnings, or NULL */
    const unsigned char *buf; /* the whole file */
    size_t len;
    unsigned char *own; /* buf when the db owns it */
    uint32_t ps;        /* page size */
    uint64_t hwm;       /* meta pgid: pages in use */
    uint64_t nbuf;      /* whole pages in the buffer */
    uint64_t npages;    /* min(hwm, nbuf): live pages reachable */
    bmeta meta;
    int meta_index;
};

/* State of one walk over one bucket's tree. */
typedef struct walk {
    dof_bbolt *db;
    dof_bbolt_fn fn;
    void *arg;
    unsigned char *seen; /* bitmap over npages: cycle check */
    unsigned char *mark; /* when marking reachable pages (nbuf bits) */
    int stop;
} walk;

static uint64_t
fnv1a64(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static const char *
db_path(const dof_bbolt *db)
{
    return db->path;
}

static void
bit_set(unsigned char *map, uint64_t i)
{
    map[i >> 3] |= (unsigned char)(1u << (i & 7));
}

static int
bit_get(const unsigned char *map, uint64_t i)
{
    return (map[i >> 3] >> (i & 7)) & 1;
}

/* Decode and check the meta at page offset off; NULL if valid, else why. */
static const char *
meta_check(const unsigned char *buf, size_t len, size_t off, bmeta *m)
{
    const unsigned char *p;

    if (off > len || len - off < PAGE_HDR + META_SIZE)
        return "beyond the end of the file";
    p = buf + off + PAGE_HDR;
    m->magic = dof_le32(p);
    m->version = dof_le32(p + 4);
    m->psize = dof_le32(p + 8);
    m->flags = dof_le32(p + 12);
    m->root = dof_le64(p + 16);
    m->seq = dof_le64(p + 24);
    m->freelist = dof_le64(p + 32);
    m->hwm = dof_le64(p + 40);
    m->txid = dof_le64(p + 48);
    m->sum = dof_le64(p + 56);
    if (m->magic != BBOLT_MAGIC)
        return "bad magic";
    if (m->version != BBOLT_VERSION)
        return "unsupported version";
    if (m->psize < 512 || m->psize > 65536 || (m->psize & (m->psize - 1)) != 0)
        return "page size not a power of two in 512..65536";
    /* bbolt itself accepts a zero checksum (files from before it). */
    if (m->sum != 0 && m->sum != fnv1a64(p, META_SUM_OFF))
        return "checksum mismatch";
    if (m->hwm < 3 || m->root < 2 || m->root >= m->hwm)
        return "root or high-water page id out of range";
    return NULL;
}

int
dof_bbolt_open_mem_path(dof_ctx *ctx, const char *path, const void *buf,
                        size_t len, dof_bbolt **out)
{
    dof_bbolt *db = NULL;
    const unsigned char *b = buf;
    bmeta m0, m1;
    const char *why0, *why1 = "not found";
    int use;

    if (out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    if (ctx == NULL || (buf == NULL && len))
        return DOF_ERR_ARG;
    memset(&m0, 0, sizeof(m0));
    memset(&m1, 0, sizeof(m1));
    why0 = meta_check(b, len, 0, &m0);
    if (why0 == NULL) {
        why1 = meta_check(b, len, m0.psize, &m1);
        if (why1 == NULL && m1.psize != m0.psize)
            why1 = "page size differs from meta 0";
    }
    else {
        /* Page 0 is unusable: find page 1 at each possible page size. */
        for (uint32_t ps = 512; ps <= 65536; ps <<= 1) {
            why1 = meta_check(b, len, ps, &m1);
            if (why1 == NULL && m1.psize != ps)
                why1 = "page size does not match its offset";
            if (why1 == NULL)
                break;
        }
    }
    if (why0 != NULL && why1 != NULL) {
        return dof_set_error(ctx, DOF_ERR_FORMAT,
                             "%s: not a bbolt file (meta 0: %s; meta 1: %s)",
                             path ? path : "bbolt", why0, why1);
    }
    if (why0 == NULL && why1 == NULL)
        use = m1.txid > m0.txid ? 1 : 0;
    else
        use = why0 == NULL ? 0 : 1;
    if (why0 != NULL || why1 != NULL)
        dof_warn(ctx, DOF_ERR_FORMAT, path,
                 "bbolt meta page %d invalid (%s); using meta page %d",
                 use ? 0 : 1, use ? why0 : why1, use);

    db = calloc(1, sizeof(*db));
    if (db == NULL)
        goto nomem;
    if (path != NULL && (db->path = strdup(path)) == NULL)
        goto nomem;
    db->ctx = ctx;
    db->buf = b;
    db->len = len;
    db->meta = use ? m1 : m0;
    db->meta_index = use;
    db->ps = db->meta.psize;
    db->hwm = db->meta.hwm;
    db->nbuf = len / db->ps;
    db->npages = db->hwm < db->nbuf ? db->hwm : db->nbuf;
    if (db->hwm > db->nbuf)
        dof_warn(ctx, DOF_ERR_FORMAT, path,
                 "bbolt file truncated: %llu pages in use, %llu present",
                 (unsigned long long)db->hwm, (unsigned long long)db->nbuf);
    *out = db;
    return DOF_OK;
nomem:
    dof_bbolt_close(db);
    return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
}

int
dof_bbolt_open_mem(dof_ctx *ctx, const void *buf, size_t len, dof_bbolt **out)
{
    return dof_bbolt_open_mem_path(ctx, NULL, buf, len, out);
}

int
dof_bbolt_read(dof_ctx *ctx, dof_fs *fs, const char *path, dof_bbolt **out)
{
    dof_node node;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    rc = dof_fs_resolve(fs, path, 1, &node);
    if (rc != DOF_OK)
        return rc;
    rc = dof_fs_read_all(fs, node, DOF_BBOLT_CAP_FILE, &buf, &len);
    if (rc == DOF_ERR_LIMIT)
        return dof_set_error(ctx, rc, "%s: larger than %u MiB", path,
                             DOF_BBOLT_CAP_FILE >> 20);
    if (rc != DOF_OK)
        return rc;
    rc = dof_bbolt_open_mem_path(ctx, path, buf, len, out);
    if (rc != DOF_OK) {
        free(buf);
        return rc;
    }
    (*out)->own = (unsigned char *)buf;
    return DOF_OK;
}

void
dof_bbolt_close(dof_bbolt *db)
{
    if (db == NULL)
        return;
    free(db->own);
    free(db->path);
    free(db);
}

uint32_t
dof_bbolt_page_size(const dof_bbolt *db)
{
    return db->ps;
}

uint64_t
dof_bbolt_txid(const dof_bbolt *db)
{
    return db->meta.txid;
}

int
dof_bbolt_meta_index(const dof_bbolt *db)
{
    return db->meta_index;
}

/* A live page: bounded by the buffer and the high-water mark. */
static const unsigned char *
page_get(dof_bbolt *db, uint64_t pgid, size_t *span)
{
    const unsigned char *p;
    uint64_t ov;
    const char *why;

    if (pgid < 2 || pgid >= db->hwm) {
        why = "id beyond the high-water mark";
        goto bad;
    }
    if (pgid >= db->nbuf) {
        why = "beyond the end of the file";
        goto bad;
    }
    p = db->buf + pgid * db->ps;
    if (dof_le64(p) != pgid) {
        why = "header names another page";
        goto bad;
    }
    ov = dof_le32(p + 12);
    if (ov >= db->npages - pgid) {
        why = "overflow runs past the file";
        goto bad;
    }
    *span = (size_t)(ov + 1) * db->ps;
    return p;
bad:
    dof_warn(db->ctx, DOF_ERR_FORMAT, db_path(db), "bbolt page %llu: %s",
             (unsigned long long)pgid, why);
    return NULL;
}

static int walk_page(walk *w, const unsigned char *p, size_t span,
                     uint64_t pgid, int depth);

static void
walk_child(walk *w, uint64_t pgid, int depth)
{
    dof_bbolt *db = w->db;
    const unsigned char *p;
    size_t span;

    if (depth > DOF_BBOLT_MAX_DEPTH) {
        dof_warn(db->ctx, DOF_ERR_LIMIT, db_path(db),
                 "bbolt page %llu: tree deeper than %d, not followed",
                 (unsigned long long)pgid, DOF_BBOLT_MAX_DEPTH);
        return;
    }
    if (pgid < db->npages && bit_get(w->seen, pgid)) {
        dof_warn(db->ctx, DOF_ERR_LOOP, db_path(db),
                 "bbolt page %llu: reached twice (cycle), not followed",
                 (unsigned long long)pgid);
        return;
    }
    p = page_get(db, pgid, &span);
    if (p == NULL)
        return;
    bit_set(w->seen, pgid);
    if (w->mark != NULL)
        for (uint64_t i = 0; i < span / db->ps; i++)
            bit_set(w->mark, pgid + i);
    walk_page(w, p, span, pgid, depth);
}

/* Walk one page (p[0..span)): pgid 0 for an inline page. */
static int
walk_page(walk *w, const unsigned char *p, size_t span, uint64_t pgid,
          int depth)
{
    dof_bbolt *db = w->db;
    unsigned flags = dof_le16(p + 8);
    size_t count = dof_le16(p + 10), bad = 0;

    if (count > (span - PAGE_HDR) / ELEM_SIZE) {
        dof_warn(db->ctx, DOF_ERR_FORMAT, db_path(db),
                 "bbolt page %llu: %zu elements do not fit, reading %zu",
                 (unsigned long long)pgid, count,
                 (span - PAGE_HDR) / ELEM_SIZE);
        count = (span - PAGE_HDR) / ELEM_SIZE;
    }
    if ((flags & (FLAG_BRANCH | FLAG_LEAF)) == FLAG_LEAF) {
        for (size_t i = 0; i < count && !w->stop; i++) {
            size_t eoff = PAGE_HDR + i * ELEM_SIZE;
            const unsigned char *e = p + eoff;
            uint64_t pos = dof_le32(e + 4), ks = dof_le32(e + 8);
            uint64_t vs = dof_le32(e + 12);

            if (eoff + pos + ks + vs > span) {
                bad++;
                continue;
            }
            if (w->fn(w->arg, e + pos, (size_t)ks, e + pos + ks, (size_t)vs,
                      (dof_le32(e) & LEAF_BUCKET) != 0))
                w->stop = 1;
        }
    }
    else if ((flags & (FLAG_BRANCH | FLAG_LEAF)) == FLAG_BRANCH && pgid) {
        for (size_t i = 0; i < count && !w->stop; i++) {
            size_t eoff = PAGE_HDR + i * ELEM_SIZE;
            const unsigned char *e = p + eoff;
            uint64_t pos = dof_le32(e), ks = dof_le32(e + 4);

            if (eoff + pos + ks > span) {
                bad++;
                continue;
            }
            walk_child(w, dof_le64(e + 8), depth + 1);
        }
    }
    else {
        dof_warn(db->ctx, DOF_ERR_FORMAT, db_path(db),
                 "bbolt page %llu: not a %s page (flags 0x%x), skipped",
                 (unsigned long long)pgid, pgid ? "branch or leaf" : "leaf",
                 flags);
        return DOF_OK;
    }
    if (bad)
        dof_warn(db->ctx, DOF_ERR_FORMAT, db_path(db),
                 "bbolt page %llu: %zu elements out of the page, skipped",
                 (unsigned long long)pgid, bad);
    return DOF_OK;
}

int
dof_bbolt_bucket_value(dof_bbolt *db, const unsigned char *value, size_t vlen,
                       dof_bbolt_bkt *out)
{
    memset(out, 0, sizeof(*out));
    if (vlen < 16)
        return dof_set_error(db->ctx, DOF_ERR_FORMAT,
                             "bbolt bucket value of %zu bytes", vlen);
    out->root = dof_le64(value);
    out->sequence = dof_le64(value + 8);
    if (out->root == 0) {
        if (vlen < 16 + PAGE_HDR)
            return dof_set_error(db->ctx, DOF_ERR_FORMAT,
                                 "bbolt inline bucket without a page");
        out->inl = value + 16;
        out->inl_len = vlen - 16;
    }
    return DOF_OK;
}

static int
walk_bucket(dof_bbolt *db, const dof_bbolt_bkt *b, dof_bbolt_fn fn, void *arg,
            unsigned char *mark, int depth)
{
    walk w = {.db = db, .fn = fn, .arg = arg, .mark = mark};

    if (b != NULL && b->root == 0) {
        if (b->inl == NULL || b->inl_len < PAGE_HDR)
            return dof_set_error(db->ctx, DOF_ERR_ARG, "bad bucket");
        return walk_page(&w, b->inl, b->inl_len, 0, depth);
    }
    w.seen = calloc(1, (size_t)(db->npages / 8 + 1));
    if (w.seen == NULL)
        return dof_set_error(db->ctx, DOF_ERR_NOMEM, "out of memory");
    walk_child(&w, b ? b->root : db->meta.root, depth);
    free(w.seen);
    return DOF_OK;
}

int
dof_bbolt_foreach(dof_bbolt *db, const dof_bbolt_bkt *bucket, dof_bbolt_fn fn,
                  void *arg)
{
    if (db == NULL || fn == NULL)
        return DOF_ERR_ARG;
    return walk_bucket(db, bucket, fn, arg, NULL, 0);
}

typedef struct find {
    const void *name;
    size_t len;
    const unsigned char *v;
    size_t vlen;
    int is_bucket, found;
} find;

static int
find_fn(void *arg, const unsigned char *key, size_t klen,
        const unsigned char *value, size_t vlen, int is_bucket)
{
    find *f = arg;

    if (klen != f->len || memcmp(key, f->name, klen) != 0)
        return 0;
    f->found = 1;
    f->v = value;
    f->vlen = vlen;
    f->is_bucket = is_bucket;
    return 1;
}

int
dof_bbolt_bucket(dof_bbolt *db, const dof_bbolt_bkt *parent, const void *name,
                 size_t len, dof_bbolt_bkt *out)
{
    find f;
    int rc;

    if (db == NULL || out == NULL || (name == NULL && len))
        return DOF_ERR_ARG;
    memset(out, 0, sizeof(*out));
    memset(&f, 0, sizeof(f));
    f.name = name;
    f.len = len;
    rc = dof_bbolt_foreach(db, parent, find_fn, &f);
    if (rc != DOF_OK)
        return rc;
    if (!f.found || !f.is_bucket)
        return DOF_ERR_NOTFOUND;
    return dof_bbolt_bucket_value(db, f.v, f.vlen, out);
}

/* ---- stale pages ---- */

typedef struct markst {
    dof_bbolt *db;
    unsigned char *mark;
    int depth;
    uint64_t *budget; /* elements left to visit (shared) */
} markst;

/* Elements visited while marking the live pages: sub-buckets that share
 * pages (a damaged or hostile file) would otherwise be walked again and
 * again, exponentially in the nesting depth. */
#define BBOLT_MARK_BUDGET (16u * 1024u * 1024u)

static int
mark_fn(void *arg, const unsigned char *key, size_t klen,
        const unsigned char *value, size_t vlen, int is_bucket)
{
    markst *m = arg;
    dof_bbolt_bkt b;
    markst sub;

    (void)key;
    (void)klen;
    if (*m->budget == 0)
        return 1;
    if (--*m->budget == 0) {
        dof_warn(m->db->ctx, DOF_ERR_LIMIT, db_path(m->db),
                 "bbolt: more than %u elements while finding the live "
                 "pages; stale pages listed may include live ones",
                 BBOLT_MARK_BUDGET);
        return 1;
    }
    if (!is_bucket || m->depth >= DOF_BBOLT_MAX_DEPTH)
        return 0;
    if (dof_bbolt_bucket_value(m->db, value, vlen, &b) != DOF_OK) {
        dof_clear_error(m->db->ctx);
        return 0;
    }
    /* a root page already marked has been walked with everything below */
    if (b.root != 0 && b.root < m->db->nbuf && bit_get(m->mark, b.root))
        return 0;
    sub = *m;
    sub.depth = m->depth + 1;
    walk_bucket(m->db, &b, mark_fn, &sub, m->mark, 0);
    return 0;
}

/* Elements of a stale leaf page, and of the inline buckets inside it. */
static int
stale_page(const unsigned char *p, size_t span, uint64_t pg,
           dof_bbolt_stale_fn fn, void *arg, int depth)
{
    size_t count = dof_le16(p + 10);
    int stop = 0;

    for (size_t i = 0; i < count && !stop; i++) {
        size_t eoff = PAGE_HDR + i * ELEM_SIZE;
        const unsigned char *e = p + eoff, *v;
        uint64_t pos, ks, vs;
        int isb;

        if (eoff + ELEM_SIZE > span)
            break;
        pos = dof_le32(e + 4);
        ks = dof_le32(e + 8);
        vs = dof_le32(e + 12);
        if (eoff + pos + ks + vs > span)
            continue;
        v = e + pos + ks;
        isb = (dof_le32(e) & LEAF_BUCKET) != 0;
        stop = fn(arg, pg, e + pos, (size_t)ks, v, (size_t)vs, isb);
        if (!stop && isb && vs >= 16 + PAGE_HDR && dof_le64(v) == 0 &&
            depth < DOF_BBOLT_MAX_DEPTH &&
            (dof_le16(v + 16 + 8) & (FLAG_BRANCH | FLAG_LEAF)) == FLAG_LEAF)
            stop = stale_page(v + 16, (size_t)vs - 16, pg, fn, arg, depth + 1);
    }
    return stop;
}

int
dof_bbolt_foreach_stale(dof_bbolt *db, dof_bbolt_stale_fn fn, void *arg)
{
    unsigned char *mark;
    markst m;
    uint64_t pg, fl, budget = BBOLT_MARK_BUDGET;

    if (db == NULL || fn == NULL)
        return DOF_ERR_ARG;
    fl = db->meta.freelist;
    mark = calloc(1, (size_t)(db->nbuf / 8 + 1));
    if (mark == NULL)
        return dof_set_error(db->ctx, DOF_ERR_NOMEM, "out of memory");
    for (pg = 0; pg < 2 && pg < db->nbuf; pg++)
        bit_set(mark, pg);
    if (fl != PGID_NO_FREELIST && fl >= 2 && fl < db->npages) {
        const unsigned char *p = db->buf + fl * db->ps;
        uint64_t ov = dof_le32(p + 12);
        for (uint64_t i = 0; i <= ov && fl + i < db->nbuf; i++)
            bit_set(mark, fl + i);
    }
    m.db = db;
    m.mark = mark;
    m.depth = 0;
    m.budget = &budget;
    walk_bucket(db, NULL, mark_fn, &m, mark, 0);

    for (pg = 2; pg < db->nbuf;) {
        const unsigned char *p = db->buf + pg * db->ps;
        uint64_t ov, n;
        size_t span;
        int stop;

        if (bit_get(mark, pg) || dof_le64(p) != pg ||
            dof_le16(p + 8) != FLAG_LEAF) {
            pg++;
            continue;
        }
        ov = dof_le32(p + 12);
        n = ov < db->nbuf - pg ? ov + 1 : db->nbuf - pg;
        span = (size_t)n * db->ps;
        stop = stale_page(p, span, pg, fn, arg, 0);
        if (stop)
            break;
        pg += n;
    }
    free(mark);
    return DOF_OK;
}

int
dof_bbolt_foreach_in(dof_ctx *ctx, const char *path, const void *buf,
                     size_t len, const char *name, dof_bbolt_fn fn, void *arg)
{
    dof_bbolt *db = NULL;
    dof_bbolt_bkt b;
    int rc = dof_bbolt_open_mem_path(ctx, path, buf, len, &db);

    if (rc != DOF_OK)
        return rc;
    rc = dof_bbolt_bucket(db, NULL, name, strlen(name), &b);
    if (rc == DOF_OK)
        rc = dof_bbolt_foreach(db, &b, fn, arg);
    else if (rc == DOF_ERR_NOTFOUND)
        rc = DOF_OK; /* a fresh engine creates its bucket with the first record
                      */
    dof_bbolt_close(db);
    return rc;
}
