/*
 * union.c - the union view: layer stacks merged one directory at a time.
 *
 * A merged directory is a stack of (layer, directory node) pairs, top
 * first.  Looking up a name walks the stack with dof_fs_lookup (the fs
 * layer caches directories), so nothing is ever resolved from a layer's
 * root again.  Rules (ARCHITECTURE.md "The union view"): the first layer
 * that has a name wins; a whiteout hides it and everything below; an
 * opaque directory stops the merge below it; a non-directory hides what
 * is below it and a directory over a non-directory merges with nothing.
 */
#include "view/union_private.h"

#include <stdlib.h>

enum { ST_NEW = 0, ST_OPEN, ST_CLOSED, ST_HIDDEN };

#define WH_PREFIX ".wh."
#define WH_PREFIX_LEN 4
#define WH_OPAQUE ".wh..wh..opq"

const char *
dof_usrc_kind_name(dof_usrc_kind k)
{
    switch (k) {
    case DOF_USRC_LAYER: return "layer";
    case DOF_USRC_INIT: return "init";
    case DOF_USRC_CONTAINER: return "container";
    case DOF_USRC_VOLUME: return "volume";
    case DOF_USRC_BIND: return "bind";
    case DOF_USRC_CONTAINER_FILE: return "file";
    case DOF_USRC_TMPFS: return "tmpfs";
    case DOF_USRC_SYNTH: return "synth";
    }
    return "unknown";
}

/* ---------------------------------------------------------------- */
/* builder                                                           */
/* ---------------------------------------------------------------- */

int
dof_union_new(dof_ctx *ctx, dof_union **out)
{
    dof_union *u = NULL;

    *out = NULL;
    u = calloc(1, sizeof(*u));
    if (u == NULL)
        goto fail;
    u->ctx = ctx;
    u->arena = dof_arena_new();
    if (u->arena == NULL)
        goto fail;
    u->synth = dof_arena_calloc(u->arena, 1, sizeof(*u->synth));
    if (u->synth == NULL)
        goto fail;
    u->synth->src.kind = DOF_USRC_SYNTH;
    u->synth->src.index = -1;
    *out = u;
    return DOF_OK;
fail:
    dof_union_close(u);
    return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
}

void
dof_union_close(dof_union *u)
{
    if (u == NULL)
        return;
    dof_arena_free(u->arena);
    free(u->layers);
    free(u->mounts);
    free(u->last_name);
    free(u);
}

static dof_ulayer *
layer_new(dof_union *u, dof_usrc_kind kind, int index, const char *id,
          const char *path, dof_fs *fs, dof_node root)
{
    dof_ulayer *l = dof_arena_calloc(u->arena, 1, sizeof(*l));

    if (l == NULL)
        return NULL;
    l->src.kind = kind;
    l->src.index = index;
    l->src.id = id ? dof_arena_strdup(u->arena, id) : NULL;
    l->src.path = path ? dof_arena_strdup(u->arena, path) : NULL;
    l->src.fs = fs;
    l->root = root;
    if ((id && l->src.id == NULL) || (path && l->src.path == NULL))
        return NULL;
    return l;
}

int
dof_union_push_layer(dof_union *u, dof_usrc_kind kind, int index,
                     const char *id, const char *path, dof_fs *fs,
                     dof_node root, int aufs)
{
    dof_ulayer *l;
    int rc;

    if (u == NULL || fs == NULL)
        return DOF_ERR_ARG;
    if (u->nlayers >= DOF_CAP_LAYER_DEPTH)
        return dof_set_error(u->ctx, DOF_ERR_LIMIT, "more than %d layers",
                             DOF_CAP_LAYER_DEPTH);
    if (root == DOF_NODE_NONE) {
        if (path == NULL)
            return DOF_ERR_ARG;
        rc = dof_fs_resolve(fs, path, 1, &root);
        if (rc != DOF_OK)
            return rc;
    }
    l = layer_new(u, kind, index, id, path, fs, root);
    if (l == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    l->aufs = aufs;
    l->overlay = !aufs;
    if (dof_grow(&u->layers, &u->layers_cap, u->nlayers, sizeof(*u->layers),
                 8) != DOF_OK)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    u->layers[u->nlayers++] = l;
    return DOF_OK;
}

int
dof_union_add_mount(dof_union *u, dof_usrc_kind kind, const char *id,
                    const char *path, const char *dest, dof_fs *fs,
                    dof_node root)
{
    dof_ulayer *l;
    dof_buf d;
    const char *p = dest;

    if (u == NULL || dest == NULL)
        return DOF_ERR_ARG;
    /* normalise: one '/' between components, no "." */
    dof_buf_init(&d);
    while (*p) {
        const char *e;
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        e = strchr(p, '/');
        if (e == NULL)
            e = p + strlen(p);
        if (!(e - p == 1 && *p == '.')) {
            dof_buf_putc(&d, '/');
            dof_buf_append(&d, p, (size_t)(e - p));
        }
        p = e;
    }
    if (d.oom) {
        dof_buf_free(&d);
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    if (d.len == 0) {
        dof_buf_free(&d);
        dof_warn(u->ctx, DOF_ERR_UNSUPPORTED, dest,
                 "a mount over the container's root is not mapped");
        return DOF_OK;
    }
    l = layer_new(u, kind, -1, id, path, fs, root);
    if (l == NULL)
        goto oom;
    l->src.dest = dof_arena_strndup(u->arena, d.data, d.len);
    if (l->src.dest == NULL)
        goto oom;
    if (dof_grow(&u->mounts, &u->mounts_cap, u->nmounts, sizeof(*u->mounts),
                 8) != DOF_OK)
        goto oom;
    u->mounts[u->nmounts].dest = l->src.dest;
    u->mounts[u->nmounts].dest_len = d.len;
    u->mounts[u->nmounts].layer = l;
    u->nmounts++;
    dof_buf_free(&d);
    return DOF_OK;
oom:
    dof_buf_free(&d);
    return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
}

size_t
dof_union_source_count(const dof_union *u)
{
    return u ? u->nlayers + u->nmounts : 0;
}

const dof_usource *
dof_union_source(const dof_union *u, size_t i)
{
    if (u == NULL)
        return NULL;
    if (i < u->nlayers)
        return &u->layers[i]->src;
    i -= u->nlayers;
    return i < u->nmounts ? &u->mounts[i].layer->src : NULL;
}

/* ---------------------------------------------------------------- */
/* stacks and the merge state machine                                */
/* ---------------------------------------------------------------- */

static int
stack_push(dof_arena *a, dof_ustack *s, const dof_ulayer *l, dof_node n)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 2;
        dof_uslot *nv = dof_arena_calloc(a, nc, sizeof(*nv));
        if (nv == NULL)
            return DOF_ERR_NOMEM;
        if (s->n)
            memcpy(nv, s->v, s->n * sizeof(*nv));
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n].l = l;
    s->v[s->n].node = n;
    s->n++;
    return DOF_OK;
}

static int
is_whiteout(const dof_ulayer *l, const dof_stat *st)
{
    return l->overlay && st->type == DOF_FT_CHR && st->rdev_major == 0 &&
           st->rdev_minor == 0;
}

/* An overlay xattr's value (malloc'd), trusted. then user. */
static int
xattr_get(dof_fs *fs, dof_node node, const char *suffix, char **v, size_t *len)
{
    static const char *const pfx[] = {"trusted.overlay.", "user.overlay."};
    char name[64];

    for (size_t i = 0; i < 2; i++) {
        snprintf(name, sizeof(name), "%s%s", pfx[i], suffix);
        if (dof_fs_getxattr(fs, node, name, v, len) == DOF_OK)
            return DOF_OK;
    }
    return DOF_ERR_NOTFOUND;
}

static int
dir_opaque(const dof_ulayer *l, dof_node node)
{
    dof_node n;

    if (l->aufs)
        return dof_fs_lookup(l->src.fs, node, WH_OPAQUE, sizeof(WH_OPAQUE) - 1,
                             &n) == DOF_OK;
    return dof_fs_overlay_opaque(l->src.fs, node);
}

static void
warn_node(dof_union *u, const dof_ulayer *l, int rc, const char *name,
          size_t len, const char *what)
{
    char *enc = dof_name_encode(name, len, NULL);
    dof_warn(u->ctx, rc, l->src.path, "union: %s: %s (%s)", enc ? enc : "?",
             what, dof_status_name(rc));
    free(enc);
    dof_clear_error(u->ctx);
}

/* Continue a redirected directory (trusted.overlay.redirect) into the
 * layers below slot i: absolute targets from each lower layer's root,
 * relative ones in the lower parent directories. */
static int
follow_redirect(dof_union *u, dof_arena *a, dof_umerged *m,
                const dof_ustack *dir, size_t i, const char *v, size_t vlen)
{
    for (size_t j = i + 1; j < dir->n; j++) {
        const dof_ulayer *l = dir->v[j].l;
        dof_node n = DOF_NODE_NONE;
        dof_stat st;
        int rc = DOF_OK;

        if (vlen && v[0] == '/') {
            size_t p = 0;
            n = l->root;
            while (p < vlen && rc == DOF_OK) {
                size_t e;
                while (p < vlen && v[p] == '/')
                    p++;
                if (p >= vlen)
                    break;
                for (e = p; e < vlen && v[e] != '/'; e++)
                    ;
                rc = dof_fs_lookup(l->src.fs, n, v + p, e - p, &n);
                p = e;
            }
        }
        else
            rc = dof_fs_lookup(l->src.fs, dir->v[j].node, v, vlen, &n);
        if (rc != DOF_OK) {
            dof_clear_error(u->ctx);
            continue;
        }
        if (dof_fs_stat(l->src.fs, n, &st) != DOF_OK) {
            dof_clear_error(u->ctx);
            continue;
        }
        if (st.type != DOF_FT_DIR)
            break;
        if (stack_push(a, &m->stack, l, n) != DOF_OK)
            return DOF_ERR_NOMEM;
        if (j + 1 < dir->n && dir_opaque(l, n))
            break;
    }
    return DOF_OK;
}

/* Feed a lower candidate of type type to the open directory m: a
 * directory joins its stack, anything else closes it; so does an opaque
 * directory or the last layer (below: there are layers below l). */
static int
feed_lower(dof_arena *a, dof_umerged *m, const dof_ulayer *l, dof_node node,
           dof_ftype type, int below)
{
    if (type != DOF_FT_DIR) {
        m->state = ST_CLOSED;
        return DOF_OK;
    }
    if (stack_push(a, &m->stack, l, node) != DOF_OK)
        return DOF_ERR_NOMEM;
    if (!below || dir_opaque(l, node))
        m->state = ST_CLOSED;
    return DOF_OK;
}

/* Feed the node found for m's name in slot i of dir. */
static int
feed(dof_union *u, dof_arena *a, dof_umerged *m, const dof_ustack *dir,
     size_t i, dof_node node, dof_ftype hint)
{
    const dof_ulayer *l = dir->v[i].l;
    int below = i + 1 < dir->n;
    dof_stat st;
    int rc;

    if (m->state == ST_CLOSED || m->state == ST_HIDDEN)
        return DOF_OK;
    if (m->state == ST_OPEN && hint != DOF_FT_UNKNOWN && hint != DOF_FT_CHR) {
        /* a lower candidate whose type the directory entry tells */
        return feed_lower(a, m, l, node, hint, below);
    }
    rc = dof_fs_stat(l->src.fs, node, &st);
    if (rc != DOF_OK) {
        warn_node(u, l, rc, m->name, m->len, "cannot stat, skipped");
        return DOF_OK;
    }
    if (is_whiteout(l, &st)) {
        m->state = m->state == ST_NEW ? ST_HIDDEN : ST_CLOSED;
        return DOF_OK;
    }
    if (m->state == ST_OPEN)
        return feed_lower(a, m, l, node, st.type, below);
    /* ST_NEW: this layer wins */
    m->st = st;
    m->data_fs = l->src.fs;
    m->data_node = node;
    if (stack_push(a, &m->stack, l, node) != DOF_OK)
        return DOF_ERR_NOMEM;
    m->state = ST_CLOSED;
    if (st.type != DOF_FT_DIR || !below)
        return DOF_OK;
    if (dir_opaque(l, node)) {
        m->flags |= DOF_UENT_OPAQUE;
        return DOF_OK;
    }
    if (l->overlay) {
        char *v = NULL;
        size_t vlen = 0;
        if (xattr_get(l->src.fs, node, "redirect", &v, &vlen) == DOF_OK) {
            char *enc = dof_name_encode(v, vlen, NULL);
            m->flags |= DOF_UENT_REDIRECT;
            dof_warn(u->ctx, DOF_OK, l->src.path,
                     "union: directory inode %llu has "
                     "trusted.overlay.redirect=%s: its lower content "
                     "comes from there",
                     (unsigned long long)st.ino, enc ? enc : "?");
            free(enc);
            rc = follow_redirect(u, a, m, dir, i, v, vlen);
            free(v);
            return rc;
        }
        dof_clear_error(u->ctx);
    }
    m->state = ST_OPEN;
    return DOF_OK;
}

int
dof_union_root_stack(dof_union *u, dof_arena *a, int skip_top,
                     dof_umerged *out)
{
    size_t first = skip_top ? 1 : 0;
    int rc;

    memset(out, 0, sizeof(*out));
    out->name = "";
    if (first >= u->nlayers) {
        /* an empty view: a synthetic root */
        out->st.type = DOF_FT_DIR;
        out->st.mode = 0755;
        out->st.atime = out->st.mtime = out->st.ctime = out->st.crtime =
            DOF_TIME_NONE;
        out->flags = DOF_UENT_SYNTH;
        out->mount = u->synth;
        return DOF_OK;
    }
    rc = dof_fs_stat(u->layers[first]->src.fs, u->layers[first]->root,
                     &out->st);
    if (rc != DOF_OK)
        return rc;
    out->data_fs = u->layers[first]->src.fs;
    out->data_node = u->layers[first]->root;
    for (size_t i = first; i < u->nlayers; i++) {
        const dof_ulayer *l = u->layers[i];
        if (stack_push(a, &out->stack, l, l->root) != DOF_OK)
            return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
        if (i + 1 < u->nlayers && dir_opaque(l, l->root)) {
            out->flags |= DOF_UENT_OPAQUE;
            break;
        }
    }
    return DOF_OK;
}

/* metacopy: the data of a regular file is in the first lower layer that
 * has the same name as a regular file. */
static void
metacopy_data(dof_union *u, dof_umerged *m, const dof_ustack *dir, size_t i)
{
    const dof_ulayer *l = dir->v[i].l;
    char *v = NULL;
    size_t vlen = 0;

    if (xattr_get(l->src.fs, m->data_node, "metacopy", &v, &vlen) != DOF_OK) {
        dof_clear_error(u->ctx);
        return;
    }
    free(v);
    m->flags |= DOF_UENT_METACOPY;
    for (size_t j = i + 1; j < dir->n; j++) {
        const dof_ulayer *lj = dir->v[j].l;
        dof_node n;
        dof_stat st;
        if (dof_fs_lookup(lj->src.fs, dir->v[j].node, m->name, m->len, &n) !=
                DOF_OK ||
            dof_fs_stat(lj->src.fs, n, &st) != DOF_OK) {
            dof_clear_error(u->ctx);
            continue;
        }
        if (st.type == DOF_FT_REG) {
            m->data_fs = lj->src.fs;
            m->data_node = n;
        }
        break;
    }
    dof_warn(u->ctx, DOF_OK, l->src.path,
             "union: inode %llu has trusted.overlay.metacopy: metadata "
             "from this layer, data from %s",
             (unsigned long long)m->st.ino,
             m->data_fs == l->src.fs && m->data_node == dir->v[i].node
                 ? "nowhere (no lower file)"
                 : "the lower layer");
}

int
dof_union_child(dof_union *u, dof_arena *a, const dof_ustack *dir,
                const char *name, size_t len, dof_umerged *out)
{
    int rc;

    memset(out, 0, sizeof(*out));
    out->name = dof_arena_strndup(a, name, len);
    out->len = len;
    if (out->name == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < dir->n; i++) {
        const dof_ulayer *l = dir->v[i].l;
        dof_node n;
        int prev = out->state;

        if (out->state == ST_CLOSED || out->state == ST_HIDDEN)
            break;
        if (l->aufs) {
            char wh[DOF_CAP_NAME_BYTES + WH_PREFIX_LEN + 1];
            if (len >= WH_PREFIX_LEN &&
                memcmp(name, WH_PREFIX, WH_PREFIX_LEN) == 0)
                return DOF_ERR_NOTFOUND; /* aufs bookkeeping */
            if (len + WH_PREFIX_LEN <= DOF_CAP_NAME_BYTES) {
                memcpy(wh, WH_PREFIX, WH_PREFIX_LEN);
                memcpy(wh + WH_PREFIX_LEN, name, len);
                if (dof_fs_lookup(l->src.fs, dir->v[i].node, wh,
                                  len + WH_PREFIX_LEN, &n) == DOF_OK) {
                    out->state = out->state == ST_NEW ? ST_HIDDEN : ST_CLOSED;
                    break;
                }
            }
        }
        rc = dof_fs_lookup(l->src.fs, dir->v[i].node, name, len, &n);
        if (rc == DOF_ERR_NOTFOUND) {
            dof_clear_error(u->ctx);
            continue;
        }
        if (rc != DOF_OK) {
            warn_node(u, l, rc, name, len, "lookup failed");
            continue;
        }
        rc = feed(u, a, out, dir, i, n, DOF_FT_UNKNOWN);
        if (rc != DOF_OK)
            return rc;
        if (prev == ST_NEW && out->stack.n && out->st.type == DOF_FT_REG &&
            l->overlay && i + 1 < dir->n)
            metacopy_data(u, out, dir, i);
    }
    if (out->stack.n == 0)
        return DOF_ERR_NOTFOUND;
    return DOF_OK;
}

/* ---- readdir merge ---- */

typedef struct mtab {
    dof_umerged *v;
    size_t n, cap;
    uint32_t *slots; /* index + 1, 0 = empty */
    size_t nslots;   /* power of two */
} mtab;

static uint64_t
name_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static int
mtab_grow(mtab *t)
{
    size_t ns = t->nslots ? t->nslots * 2 : 64;
    uint32_t *sl = calloc(ns, sizeof(*sl));

    if (sl == NULL)
        return DOF_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = name_hash(t->v[i].name, t->v[i].len) & (ns - 1);
        while (sl[h])
            h = (h + 1) & (ns - 1);
        sl[h] = (uint32_t)(i + 1);
    }
    free(t->slots);
    t->slots = sl;
    t->nslots = ns;
    return DOF_OK;
}

/* Find or add; *added tells which. */
static dof_umerged *
mtab_get(mtab *t, dof_arena *a, const char *name, size_t len, int *added)
{
    size_t h;

    *added = 0;
    if ((t->n + 1) * 2 > t->nslots && mtab_grow(t) != DOF_OK)
        return NULL;
    h = name_hash(name, len) & (t->nslots - 1);
    while (t->slots[h]) {
        dof_umerged *m = &t->v[t->slots[h] - 1];
        if (m->len == len && memcmp(m->name, name, len) == 0)
            return m;
        h = (h + 1) & (t->nslots - 1);
    }
    if (t->n >= DOF_CAP_DIR_ENTRIES)
        return NULL;
    if (dof_grow(&t->v, &t->cap, t->n, sizeof(*t->v), 32) != DOF_OK)
        return NULL;
    memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
    t->v[t->n].name = dof_arena_strndup(a, name, len);
    if (t->v[t->n].name == NULL)
        return NULL;
    t->v[t->n].len = len;
    t->slots[h] = (uint32_t)(t->n + 1);
    *added = 1;
    return &t->v[t->n++];
}

typedef struct rd_ent {
    const char *name;
    size_t len;
    dof_node node;
    dof_ftype type;
} rd_ent;

typedef struct rd_list {
    rd_ent *v;
    size_t n, cap;
    dof_arena *a;
    int oom;
} rd_list;

static int
rd_collect(void *arg, const dof_dirent *de)
{
    rd_list *r = arg;

    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 64;
        rd_ent *nv = realloc(r->v, nc * sizeof(*nv));
        if (nv == NULL || nc > DOF_CAP_DIR_ENTRIES) {
            free(nv == r->v ? NULL : nv);
            r->oom = 1;
            return 1;
        }
        r->v = nv;
        r->cap = nc;
    }
    r->v[r->n].name = dof_arena_strndup(r->a, de->name, de->name_len);
    if (r->v[r->n].name == NULL) {
        r->oom = 1;
        return 1;
    }
    r->v[r->n].len = de->name_len;
    r->v[r->n].node = de->node;
    r->v[r->n].type = de->type;
    r->n++;
    return 0;
}

static int
cmp_merged(const void *pa, const void *pb)
{
    const dof_umerged *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->name, b->name, n);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static int
is_wh_name(const char *s, size_t len)
{
    return len >= WH_PREFIX_LEN && memcmp(s, WH_PREFIX, WH_PREFIX_LEN) == 0;
}

int
dof_union_merge_dir(dof_union *u, dof_arena *a, const dof_ustack *dir,
                    dof_umerged **out, size_t *n)
{
    mtab t;
    rd_list r;
    int rc = DOF_OK, added;
    size_t k;

    memset(&t, 0, sizeof(t));
    memset(&r, 0, sizeof(r));
    r.a = a;
    *out = NULL;
    *n = 0;
    for (size_t i = 0; i < dir->n; i++) {
        const dof_ulayer *l = dir->v[i].l;
        r.n = 0;
        rc = dof_fs_readdir(l->src.fs, dir->v[i].node, 0, rd_collect, &r);
        if (r.oom) {
            rc = dof_set_error(u->ctx, DOF_ERR_NOMEM,
                               "out of memory (or more than %u entries)",
                               DOF_CAP_DIR_ENTRIES);
            goto fail;
        }
        if (rc != DOF_OK) {
            warn_node(u, l, rc, "", 0, "directory unreadable in this layer");
            rc = DOF_OK;
            continue;
        }
        /* pass 0: names; pass 1 (aufs): whiteouts hide lower layers */
        for (int pass = 0; pass < (l->aufs ? 2 : 1); pass++) {
            for (k = 0; k < r.n; k++) {
                const rd_ent *re = &r.v[k];
                dof_umerged *m;
                int wh = l->aufs && is_wh_name(re->name, re->len);
                if (wh != pass)
                    continue;
                if (wh) {
                    if (re->len > WH_PREFIX_LEN * 2 &&
                        memcmp(re->name + WH_PREFIX_LEN, WH_PREFIX,
                               WH_PREFIX_LEN) == 0)
                        continue; /* .wh..wh.* bookkeeping, opq */
                    m = mtab_get(&t, a, re->name + WH_PREFIX_LEN,
                                 re->len - WH_PREFIX_LEN, &added);
                    if (m == NULL)
                        goto oom;
                    if (m->state == ST_NEW)
                        m->state = ST_HIDDEN;
                    else if (m->state == ST_OPEN)
                        m->state = ST_CLOSED;
                    continue;
                }
                m = mtab_get(&t, a, re->name, re->len, &added);
                if (m == NULL)
                    goto oom;
                rc = feed(u, a, m, dir, i, re->node, re->type);
                if (rc != DOF_OK)
                    goto fail;
            }
        }
    }
    /* drop hidden names and names nobody won */
    k = 0;
    for (size_t i = 0; i < t.n; i++)
        if (t.v[i].state != ST_HIDDEN && t.v[i].stack.n > 0)
            t.v[k++] = t.v[i];
    if (k > 1)
        qsort(t.v, k, sizeof(*t.v), cmp_merged);
    *out = dof_arena_calloc(a, k ? k : 1, sizeof(**out));
    if (*out == NULL)
        goto oom;
    if (k)
        memcpy(*out, t.v, k * sizeof(**out));
    *n = k;
    rc = DOF_OK;
    goto done;
oom:
    rc = dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
fail:
done:
    free(t.v);
    free(t.slots);
    free(r.v);
    return rc;
}

void
dof_union_entry_fill(const dof_umerged *m, dof_uentry *e)
{
    memset(e, 0, sizeof(*e));
    e->name = m->name;
    e->name_len = m->len;
    e->st = m->st;
    e->flags = m->flags;
    e->nlayers = (unsigned)m->stack.n;
    if (m->stack.n) {
        e->src = &m->stack.v[0].l->src;
        e->fs = m->stack.v[0].l->src.fs;
        e->node = m->stack.v[0].node;
    }
    else if (m->mount)
        e->src = &m->mount->src;
    e->data_fs = m->data_fs;
    e->data_node = m->data_node;
}

/* ---------------------------------------------------------------- */
/* mounts                                                            */
/* ---------------------------------------------------------------- */

static void
synth_dir(dof_umerged *m, const dof_ulayer *src, unsigned flags)
{
    memset(&m->st, 0, sizeof(m->st));
    m->st.type = DOF_FT_DIR;
    m->st.mode = 0755;
    m->st.nlink = 2;
    m->st.atime = m->st.mtime = m->st.ctime = m->st.crtime = DOF_TIME_NONE;
    m->stack.n = 0;
    m->flags = flags;
    m->mount = src;
    m->data_fs = NULL;
    m->data_node = DOF_NODE_NONE;
}

/* The mounted source as a merged entry (name kept). */
static int
mount_entry(dof_union *u, dof_arena *a, const dof_ulayer *l, dof_umerged *m)
{
    int rc;

    memset(&m->stack, 0, sizeof(m->stack));
    m->flags = DOF_UENT_MOUNT;
    m->mount = l;
    if (l->src.fs == NULL) {
        synth_dir(m, l, DOF_UENT_MOUNT);
        return DOF_OK;
    }
    rc = dof_fs_stat(l->src.fs, l->root, &m->st);
    if (rc != DOF_OK) {
        dof_warn(u->ctx, rc, l->src.path, "union: mount source for %s: %s",
                 l->src.dest, dof_status_name(rc));
        dof_clear_error(u->ctx);
        synth_dir(m, l, DOF_UENT_MOUNT);
        return DOF_OK;
    }
    m->data_fs = l->src.fs;
    m->data_node = l->root;
    if (stack_push(a, &m->stack, l, l->root) != DOF_OK)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    return DOF_OK;
}

/* The last mount exactly at path, or NULL. */
static const dof_umount *
mount_at(const dof_union *u, const char *path, size_t len)
{
    for (size_t i = u->nmounts; i-- > 0;)
        if (u->mounts[i].dest_len == len &&
            memcmp(u->mounts[i].dest, path, len) == 0)
            return &u->mounts[i];
    return NULL;
}

/* 1 if a mount lies strictly below path. */
static int
mount_below(const dof_union *u, const char *path, size_t len)
{
    for (size_t i = 0; i < u->nmounts; i++)
        if (u->mounts[i].dest_len > len + 1 &&
            memcmp(u->mounts[i].dest, path, len) == 0 &&
            u->mounts[i].dest[len] == '/')
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- */
/* path resolution                                                   */
/* ---------------------------------------------------------------- */

/* Resolve an absolute path; canon gets the canonical path ("" = root). */
static int
resolve(dof_union *u, dof_arena *a, const char *path, int follow_last,
        dof_umerged *out, dof_buf *canon)
{
    dof_buf work, next;
    dof_umerged cur;
    unsigned hops = 0;
    int rc;

    dof_buf_init(&work);
    dof_buf_init(&next);
    if (path == NULL || path[0] != '/')
        return dof_set_error(u->ctx, DOF_ERR_ARG,
                             "a path in the container must be absolute");
    if (strlen(path) > DOF_CAP_PATH_BYTES)
        return dof_set_error(u->ctx, DOF_ERR_LIMIT, "path too long");
    dof_buf_append(&work, path, strlen(path));
restart:
    if (work.oom) {
        rc = dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    dof_buf_reset(canon);
    rc = dof_union_root_stack(u, a, 0, &cur);
    if (rc != DOF_OK)
        goto fail;
    for (size_t p = 0; p < work.len;) {
        size_t s, e, rest;
        int last;
        dof_umerged child;
        const dof_umount *mt;

        while (p < work.len && work.data[p] == '/')
            p++;
        if (p >= work.len)
            break;
        s = p;
        for (e = s; e < work.len && work.data[e] != '/'; e++)
            ;
        p = e;
        for (rest = e; rest < work.len && work.data[rest] == '/'; rest++)
            ;
        last = rest >= work.len;
        if (e - s == 1 && work.data[s] == '.')
            continue;
        if (e - s == 2 && work.data[s] == '.' && work.data[s + 1] == '.') {
            /* restart from the canonical parent */
            char *sl =
                canon->len ? memrchr(canon->data, '/', canon->len) : NULL;
            dof_buf_reset(&next);
            if (sl)
                dof_buf_append(&next, canon->data, (size_t)(sl - canon->data));
            dof_buf_putc(&next, '/');
            dof_buf_append(&next, work.data + e, work.len - e);
            dof_buf_reset(&work);
            dof_buf_append(&work, next.data, next.len);
            goto restart;
        }
        if (cur.st.type != DOF_FT_DIR) {
            rc = DOF_ERR_NOTFOUND;
            goto notfound;
        }
        if (e - s > DOF_CAP_NAME_BYTES) {
            rc = dof_set_error(u->ctx, DOF_ERR_LIMIT, "name too long");
            goto fail;
        }
        /* the canonical path of the child */
        dof_buf_putc(canon, '/');
        dof_buf_append(canon, work.data + s, e - s);
        if (canon->oom) {
            rc = dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
            goto fail;
        }
        mt = u->nmounts ? mount_at(u, canon->data, canon->len) : NULL;
        if (mt) {
            memset(&child, 0, sizeof(child));
            child.name = dof_arena_strndup(a, work.data + s, e - s);
            child.len = e - s;
            if (child.name == NULL) {
                rc = dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
                goto fail;
            }
            rc = mount_entry(u, a, mt->layer, &child);
        }
        else {
            rc = dof_union_child(u, a, &cur.stack, work.data + s, e - s,
                                 &child);
            if (rc == DOF_ERR_NOTFOUND && u->nmounts &&
                mount_below(u, canon->data, canon->len)) {
                synth_dir(&child, u->synth, DOF_UENT_SYNTH);
                rc = DOF_OK;
            }
        }
        if (rc == DOF_ERR_NOTFOUND)
            goto notfound;
        if (rc != DOF_OK)
            goto fail;
        if (child.st.type == DOF_FT_LNK && child.stack.n &&
            (!last || follow_last)) {
            char *target = NULL;
            if (++hops > DOF_CAP_SYMLINK_HOPS) {
                rc = dof_set_error(u->ctx, DOF_ERR_LOOP,
                                   "%s: too many levels of symbolic links",
                                   path);
                goto fail;
            }
            rc = dof_fs_readlink(child.stack.v[0].l->src.fs,
                                 child.stack.v[0].node, &target);
            if (rc != DOF_OK)
                goto fail;
            dof_buf_reset(&next);
            if (target[0] != '/') {
                char *sl = memrchr(canon->data, '/', canon->len);
                dof_buf_append(&next, canon->data,
                               sl ? (size_t)(sl - canon->data) : 0);
                dof_buf_putc(&next, '/');
            }
            dof_buf_append(&next, target, strlen(target));
            dof_buf_append(&next, work.data + e, work.len - e);
            free(target);
            if (next.len > DOF_CAP_PATH_BYTES) {
                rc = dof_set_error(u->ctx, DOF_ERR_LIMIT, "path too long");
                goto fail;
            }
            dof_buf_reset(&work);
            dof_buf_append(&work, next.data, next.len);
            goto restart;
        }
        cur = child;
    }
    *out = cur;
    dof_buf_free(&work);
    dof_buf_free(&next);
    return DOF_OK;
notfound:
    rc = dof_set_error(u->ctx, DOF_ERR_NOTFOUND,
                       "%s: no such file or directory in the container", path);
fail:
    dof_buf_free(&work);
    dof_buf_free(&next);
    return rc;
}

int
dof_union_lookup(dof_union *u, const char *path, int follow_last,
                 dof_uentry *out)
{
    dof_arena *a;
    dof_buf canon;
    dof_umerged m;
    int rc;

    if (u == NULL || path == NULL || out == NULL)
        return DOF_ERR_ARG;
    memset(out, 0, sizeof(*out));
    a = dof_arena_new();
    if (a == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    dof_buf_init(&canon);
    rc = resolve(u, a, path, follow_last, &m, &canon);
    if (rc == DOF_OK) {
        free(u->last_name);
        u->last_name = malloc(m.len + 1);
        if (u->last_name == NULL) {
            rc = dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
        }
        else {
            memcpy(u->last_name, m.name, m.len);
            u->last_name[m.len] = '\0';
            dof_union_entry_fill(&m, out);
            out->name = u->last_name;
        }
    }
    dof_buf_free(&canon);
    dof_arena_free(a);
    return rc;
}

/* Put the mounts that live directly in canon (or below it) into the
 * merged listing. */
static int
inject_mounts(dof_union *u, dof_arena *a, const dof_buf *canon,
              dof_umerged **v, size_t *n)
{
    for (size_t i = 0; i < u->nmounts; i++) {
        const dof_umount *mt = &u->mounts[i];
        const char *name, *end;
        size_t len, k;
        int exact;
        dof_umerged *m = NULL;

        if (mt->dest_len <= canon->len + 1 ||
            (canon->len && memcmp(mt->dest, canon->data, canon->len) != 0) ||
            mt->dest[canon->len] != '/')
            continue;
        name = mt->dest + canon->len + 1;
        end = strchr(name, '/');
        len = end ? (size_t)(end - name) : strlen(name);
        exact = end == NULL;
        for (k = 0; k < *n; k++)
            if ((*v)[k].len == len && memcmp((*v)[k].name, name, len) == 0)
                m = &(*v)[k];
        if (m == NULL) {
            dof_umerged *nv = dof_arena_calloc(a, *n + 1, sizeof(*nv));
            if (nv == NULL)
                return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
            if (*n)
                memcpy(nv, *v, *n * sizeof(*nv));
            *v = nv;
            m = &nv[(*n)++];
            m->name = dof_arena_strndup(a, name, len);
            m->len = len;
            if (m->name == NULL)
                return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
            if (!exact)
                synth_dir(m, u->synth, DOF_UENT_SYNTH);
        }
        if (exact) {
            /* the last mount at this destination wins */
            const dof_umount *w = mount_at(u, mt->dest, mt->dest_len);
            int rc = mount_entry(u, a, w->layer, m);
            if (rc != DOF_OK)
                return rc;
        }
    }
    return DOF_OK;
}

int
dof_union_readdir(dof_union *u, const char *path, dof_uentry_fn fn, void *arg)
{
    dof_arena *a;
    dof_buf canon;
    dof_umerged dir, *v = NULL;
    size_t n = 0;
    int rc;

    if (u == NULL || path == NULL || fn == NULL)
        return DOF_ERR_ARG;
    a = dof_arena_new();
    if (a == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    dof_buf_init(&canon);
    rc = resolve(u, a, path, 1, &dir, &canon);
    if (rc != DOF_OK)
        goto done;
    if (dir.st.type != DOF_FT_DIR) {
        rc = dof_set_error(u->ctx, DOF_ERR_ARG, "%s: not a directory", path);
        goto done;
    }
    rc = dof_union_merge_dir(u, a, &dir.stack, &v, &n);
    if (rc != DOF_OK)
        goto done;
    if (u->nmounts) {
        rc = inject_mounts(u, a, &canon, &v, &n);
        if (rc != DOF_OK)
            goto done;
        if (n > 1)
            qsort(v, n, sizeof(*v), cmp_merged);
    }
    for (size_t i = 0; i < n; i++) {
        dof_uentry e;
        dof_union_entry_fill(&v[i], &e);
        if (fn(arg, &e))
            break;
    }
done:
    dof_buf_free(&canon);
    dof_arena_free(a);
    return rc;
}

int
dof_union_read(dof_union *u, const dof_uentry *e, uint64_t off, void *buf,
               size_t len, size_t *got)
{
    if (u == NULL || e == NULL || got == NULL)
        return DOF_ERR_ARG;
    *got = 0;
    if (e->st.type != DOF_FT_REG)
        return dof_set_error(u->ctx, DOF_ERR_ARG, "not a regular file");
    if (e->data_fs == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOTFOUND,
                             "the file has no content on the evidence");
    return dof_fs_read(e->data_fs, e->data_node, off, buf, len, got);
}

int
dof_union_readlink(dof_union *u, const dof_uentry *e, char **out)
{
    if (u == NULL || e == NULL || out == NULL)
        return DOF_ERR_ARG;
    *out = NULL;
    if (e->st.type != DOF_FT_LNK || e->fs == NULL)
        return dof_set_error(u->ctx, DOF_ERR_ARG, "not a symbolic link");
    return dof_fs_readlink(e->fs, e->node, out);
}
