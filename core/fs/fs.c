/*
 * fs.c - the public dof_fs_* interface: dispatch to a backend, the
 * directory cache, path resolution, whole-file reads.
 *
 * Directory cache: the first lookup in a directory reads it once through
 * the backend's readdir into one hash table keyed by (directory node,
 * name); later lookups are O(1).  A marker entry (dir, "") records that a
 * directory has been loaded.  Memory is bounded by DOF_DCACHE_MAX_ENTRIES
 * and DOF_DCACHE_MAX_BYTES: when loading a directory would exceed either,
 * the whole cache is dropped first; a directory that exceeds them on its
 * own is never cached and every lookup in it scans it with readdir.
 */
#include "fs/fs_private.h"

#include <stdlib.h>

/* private marker types in the name map */
#define DC_LOADED (-1) /* directory cached */
#define DC_HUGE (-2)   /* directory too big: scan on each lookup */

/* ---- name map ---- */

static uint64_t
nmap_hash(dof_node dir, const char *name, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (dir * 0x9E3779B97F4A7C15ULL);
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)name[i];
        h *= 0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

void
dof_nmap_init(dof_nmap *m)
{
    memset(m, 0, sizeof(*m));
}

void
dof_nmap_clear(dof_nmap *m)
{
    dof_arena_free(m->arena);
    free(m->buckets);
    dof_nmap_init(m);
}

dof_nmap_ent *
dof_nmap_find(const dof_nmap *m, dof_node dir, const char *name, size_t len)
{
    uint64_t h;
    dof_nmap_ent *e;

    if (m->nbuckets == 0)
        return NULL;
    h = nmap_hash(dir, name, len);
    for (e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
        if (e->hash == h && e->dir == dir && e->len == len &&
            memcmp(e->name, name, len) == 0)
            return e;
    return NULL;
}

static int
nmap_grow(dof_nmap *m)
{
    size_t nb = m->nbuckets ? m->nbuckets * 2 : 1024;
    dof_nmap_ent **b = calloc(nb, sizeof(*b));

    if (b == NULL)
        return DOF_ERR_NOMEM;
    for (size_t i = 0; i < m->nbuckets; i++) {
        dof_nmap_ent *e = m->buckets[i], *n;
        for (; e; e = n) {
            n = e->next;
            e->next = b[e->hash & (nb - 1)];
            b[e->hash & (nb - 1)] = e;
        }
    }
    m->bytes += (nb - m->nbuckets) * sizeof(*b);
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
    return DOF_OK;
}

dof_nmap_ent *
dof_nmap_add(dof_nmap *m, dof_node dir, const char *name, size_t len,
             dof_node node, int type)
{
    dof_nmap_ent *e;
    size_t b;

    if (len > UINT32_MAX)
        return NULL;
    if (m->arena == NULL && (m->arena = dof_arena_new()) == NULL)
        return NULL;
    if (m->count >= m->nbuckets && nmap_grow(m) != DOF_OK)
        return NULL;
    e = dof_arena_alloc(m->arena, sizeof(*e) + len + 1);
    if (e == NULL)
        return NULL;
    e->hash = nmap_hash(dir, name, len);
    e->dir = dir;
    e->node = node;
    e->len = (uint32_t)len;
    e->type = type;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    b = e->hash & (m->nbuckets - 1);
    e->next = m->buckets[b];
    m->buckets[b] = e;
    m->count++;
    m->bytes += sizeof(*e) + len + 1;
    return e;
}

/* ---- object ---- */

dof_fs *
dof_fs_new(dof_ctx *ctx, const dof_fs_ops *ops, void *impl)
{
    dof_fs *fs = calloc(1, sizeof(*fs));
    if (fs == NULL)
        return NULL;
    fs->ops = ops;
    fs->impl = impl;
    fs->ctx = ctx;
    dof_nmap_init(&fs->dcache);
    return fs;
}

void
dof_fs_close(dof_fs *fs)
{
    if (fs == NULL)
        return;
    if (fs->ops && fs->ops->close && fs->impl)
        fs->ops->close(fs);
    fs->impl = NULL;
    dof_nmap_clear(&fs->dcache);
    free(fs);
}

DOF_GETTER(const char *, dof_fs_type_name, dof_fs, type_name, "")
DOF_GETTER(dof_node, dof_fs_root, dof_fs, root, DOF_NODE_NONE)
DOF_GETTER(uint64_t, dof_fs_volume_offset, dof_fs, offset, 0)
DOF_GETTER(uint64_t, dof_fs_size_bytes, dof_fs, size_bytes, 0)
DOF_GETTER(int, dof_fs_needs_recovery, dof_fs, needs_recovery, 0)
DOF_GETTER(int, dof_fs_can_read_trusted_xattrs, dof_fs, trusted_xattrs, 0)

/* ---- directory cache ---- */

typedef struct dc_load {
    dof_fs *fs;
    dof_node dir;
    size_t added;
    int rc;
} dc_load;

static int
dc_load_cb(void *arg, const dof_dirent *de)
{
    dc_load *l = arg;
    dof_nmap *m = &l->fs->dcache;

    if (m->count >= DOF_DCACHE_MAX_ENTRIES ||
        m->bytes >= DOF_DCACHE_MAX_BYTES) {
        l->rc = DOF_ERR_LIMIT;
        return 1;
    }
    if (de->name_len == 0 ||
        dof_nmap_find(m, l->dir, de->name, de->name_len) != NULL)
        return 0; /* first of duplicate names wins */
    if (dof_nmap_add(m, l->dir, de->name, de->name_len, de->node,
                     (int)de->type) == NULL) {
        l->rc = DOF_ERR_NOMEM;
        return 1;
    }
    l->added++;
    return 0;
}

/* Make sure `dir` is in the cache.  *huge = 1 if it cannot be cached. */
static int
dc_ensure(dof_fs *fs, dof_node dir, int *huge)
{
    dof_nmap_ent *mk = dof_nmap_find(&fs->dcache, dir, "", 0);
    dc_load l;
    int rc;

    *huge = 0;
    if (mk != NULL) {
        *huge = mk->type == DC_HUGE;
        return DOF_OK;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        l.fs = fs;
        l.dir = dir;
        l.added = 0;
        l.rc = DOF_OK;
        rc = fs->ops->readdir(fs, dir, 0, dc_load_cb, &l);
        if (rc == DOF_OK && l.rc == DOF_OK) {
            if (dof_nmap_add(&fs->dcache, dir, "", 0, dir, DC_LOADED) == NULL)
                break;
            return DOF_OK;
        }
        if (rc != DOF_OK && l.added == 0)
            return rc; /* e.g. not a directory: nothing to undo */
        /* a failed or partial load leaves stale entries: drop them all */
        dof_nmap_clear(&fs->dcache);
        fs->dcache_drops++;
        if (rc != DOF_OK)
            return rc;
        if (l.rc != DOF_ERR_LIMIT)
            return dof_set_error(fs->ctx, l.rc, "out of memory");
    }
    /* too big even in an empty cache (or out of memory) */
    dof_nmap_clear(&fs->dcache);
    if (dof_nmap_add(&fs->dcache, dir, "", 0, dir, DC_HUGE) == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    *huge = 1;
    return DOF_OK;
}

typedef struct dc_scan {
    const char *name;
    size_t len;
    dof_node node;
    dof_ftype type;
    int found;
} dc_scan;

static int
dc_scan_cb(void *arg, const dof_dirent *de)
{
    dc_scan *s = arg;
    if (de->name_len == s->len && memcmp(de->name, s->name, s->len) == 0) {
        s->node = de->node;
        s->type = de->type;
        s->found = 1;
        return 1;
    }
    return 0;
}

static int
lookup_typed(dof_fs *fs, dof_node dir, const char *name, size_t len,
             dof_node *out, dof_ftype *type)
{
    int huge, rc;
    dof_nmap_ent *e;

    rc = dc_ensure(fs, dir, &huge);
    if (rc != DOF_OK)
        return rc;
    if (huge) {
        dc_scan s = {name, len, 0, DOF_FT_UNKNOWN, 0};
        rc = fs->ops->readdir(fs, dir, 0, dc_scan_cb, &s);
        if (rc != DOF_OK)
            return rc;
        if (s.found) {
            *out = s.node;
            *type = s.type;
            return DOF_OK;
        }
    }
    else if ((e = dof_nmap_find(&fs->dcache, dir, name, len)) != NULL) {
        *out = e->node;
        *type = (dof_ftype)e->type;
        return DOF_OK;
    }
    return DOF_ERR_NOTFOUND;
}

static void
set_name_error(dof_fs *fs, int code, const char *what, const char *name,
               size_t len)
{
    char *enc = dof_name_encode(name, len, NULL);
    dof_set_error(fs->ctx, code, "%s: %s", enc ? enc : "?", what);
    free(enc);
}

int
dof_fs_lookup(dof_fs *fs, dof_node dir, const char *name, size_t len,
              dof_node *out)
{
    dof_ftype t;
    int rc;

    if (fs == NULL || name == NULL || out == NULL || len == 0)
        return DOF_ERR_ARG;
    *out = DOF_NODE_NONE;
    if (len > DOF_CAP_NAME_BYTES)
        return dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                             "name of %zu bytes exceeds the cap of %u", len,
                             DOF_CAP_NAME_BYTES);
    if (memchr(name, '/', len) != NULL)
        return dof_set_error(fs->ctx, DOF_ERR_ARG,
                             "lookup takes one component, not a path");
    rc = lookup_typed(fs, dir, name, len, out, &t);
    if (rc == DOF_ERR_NOTFOUND)
        set_name_error(fs, rc, "no such file or directory", name, len);
    return rc;
}

/* ---- path resolution ---- */

static int
node_type(dof_fs *fs, dof_node node, dof_ftype hint, dof_ftype *out)
{
    dof_stat st;
    int rc;

    if (hint != DOF_FT_UNKNOWN) {
        *out = hint;
        return DOF_OK;
    }
    rc = fs->ops->stat(fs, node, &st);
    if (rc != DOF_OK)
        return rc;
    *out = st.type;
    return DOF_OK;
}

int
dof_fs_resolve(dof_fs *fs, const char *path, int follow_last, dof_node *out)
{
    dof_buf rem; /* the part of the path still to walk */
    dof_node *stack = NULL, cur;
    size_t depth = 0, cap = 0, pos = 0;
    unsigned hops = 0;
    int rc = DOF_OK;

    if (fs == NULL || path == NULL || out == NULL)
        return DOF_ERR_ARG;
    *out = DOF_NODE_NONE;
    dof_buf_init(&rem);
    if (strlen(path) > DOF_CAP_PATH_BYTES) {
        rc = dof_set_error(fs->ctx, DOF_ERR_LIMIT, "path longer than %u bytes",
                           DOF_CAP_PATH_BYTES);
        goto fail;
    }
    if (dof_buf_append(&rem, path, strlen(path)) != DOF_OK)
        goto nomem;
    cur = fs->root;
    for (;;) {
        const char *p = rem.data;
        size_t start, clen, after;
        int last, follow;
        dof_node child;
        dof_ftype t;

        while (pos < rem.len && p[pos] == '/')
            pos++;
        if (pos >= rem.len)
            break;
        start = pos;
        while (pos < rem.len && p[pos] != '/')
            pos++;
        clen = pos - start;
        after = pos;
        while (after < rem.len && p[after] == '/')
            after++;
        last = after >= rem.len;
        follow = !last || follow_last || pos < rem.len; /* trailing '/' */
        if (clen > DOF_CAP_NAME_BYTES) {
            rc = dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                               "path component of %zu bytes exceeds the "
                               "cap of %u",
                               clen, DOF_CAP_NAME_BYTES);
            goto fail;
        }
        if (clen == 1 && p[start] == '.')
            continue;
        if (clen == 2 && p[start] == '.' && p[start + 1] == '.') {
            if (depth > 0)
                cur = stack[--depth];
            continue;
        }
        rc = lookup_typed(fs, cur, p + start, clen, &child, &t);
        if (rc == DOF_ERR_NOTFOUND) {
            char *enc = dof_name_encode(path, strlen(path), NULL);
            char *ce = dof_name_encode(p + start, clen, NULL);
            dof_set_error(fs->ctx, rc, "%s: component \"%s\" not found",
                          enc ? enc : "?", ce ? ce : "?");
            free(enc);
            free(ce);
        }
        if (rc != DOF_OK)
            goto fail;
        if ((rc = node_type(fs, child, t, &t)) != DOF_OK)
            goto fail;
        if (t == DOF_FT_LNK && follow) {
            char *target = NULL;
            dof_buf nrem;

            if (++hops > DOF_CAP_SYMLINK_HOPS) {
                char *enc = dof_name_encode(path, strlen(path), NULL);
                rc = dof_set_error(fs->ctx, DOF_ERR_LOOP,
                                   "%s: more than %d symlinks followed",
                                   enc ? enc : "?", DOF_CAP_SYMLINK_HOPS);
                free(enc);
                goto fail;
            }
            rc = fs->ops->readlink(fs, child, &target);
            if (rc != DOF_OK)
                goto fail;
            if (target[0] == '\0') {
                free(target);
                rc = dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                                   "empty symlink target");
                goto fail;
            }
            dof_buf_init(&nrem);
            dof_buf_append(&nrem, target, strlen(target));
            if (pos < rem.len) {
                dof_buf_putc(&nrem, '/');
                dof_buf_append(&nrem, p + pos, rem.len - pos);
            }
            if (target[0] == '/') {
                cur = fs->root;
                depth = 0;
            }
            free(target);
            if (nrem.oom) {
                dof_buf_free(&nrem);
                goto nomem;
            }
            if (nrem.len > DOF_CAP_PATH_BYTES) {
                dof_buf_free(&nrem);
                rc = dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                                   "path longer than %u bytes after "
                                   "following symlinks",
                                   DOF_CAP_PATH_BYTES);
                goto fail;
            }
            dof_buf_free(&rem);
            rem = nrem;
            pos = 0;
            continue;
        }
        if (last && pos >= rem.len) {
            cur = child;
            break;
        }
        if (t != DOF_FT_DIR) {
            char *enc = dof_name_encode(path, strlen(path), NULL);
            char *ce = dof_name_encode(p + start, clen, NULL);
            rc = dof_set_error(fs->ctx, DOF_ERR_NOTFOUND,
                               "%s: \"%s\" is not a directory",
                               enc ? enc : "?", ce ? ce : "?");
            free(enc);
            free(ce);
            goto fail;
        }
        if (depth == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            dof_node *ns = realloc(stack, ncap * sizeof(*ns));
            if (ns == NULL)
                goto nomem;
            stack = ns;
            cap = ncap;
        }
        stack[depth++] = cur;
        cur = child;
    }
    *out = cur;
    dof_buf_free(&rem);
    free(stack);
    return DOF_OK;

nomem:
    rc = dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
fail:
    dof_buf_free(&rem);
    free(stack);
    return rc;
}

/* ---- thin dispatch ---- */

int
dof_fs_stat(dof_fs *fs, dof_node node, dof_stat *st)
{
    if (fs == NULL || st == NULL || node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    memset(st, 0, sizeof(*st));
    return fs->ops->stat(fs, node, st);
}

typedef struct rd_filter {
    dof_fs_dirent_fn fn;
    void *arg;
} rd_filter;

static int
rd_filter_cb(void *arg, const dof_dirent *de)
{
    rd_filter *f = arg;
    if ((de->name_len == 1 && de->name[0] == '.') ||
        (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.'))
        return 0;
    return f->fn(f->arg, de);
}

int
dof_fs_readdir(dof_fs *fs, dof_node dir, unsigned flags, dof_fs_dirent_fn fn,
               void *arg)
{
    rd_filter f = {fn, arg};

    if (fs == NULL || fn == NULL || dir == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    return fs->ops->readdir(fs, dir, flags, rd_filter_cb, &f);
}

int
dof_fs_read(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
            size_t *got)
{
    if (fs == NULL || got == NULL || (buf == NULL && len > 0) ||
        node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    *got = 0;
    if (len == 0)
        return DOF_OK;
    return fs->ops->read(fs, node, off, buf, len, got);
}

int
dof_fs_read_all(dof_fs *fs, dof_node node, size_t cap, char **out, size_t *len)
{
    dof_stat st;
    char *data = NULL;
    size_t have = 0;
    int rc;

    if (fs == NULL || out == NULL || node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    *out = NULL;
    if (len)
        *len = 0;
    if ((rc = dof_fs_stat(fs, node, &st)) != DOF_OK)
        return rc;
    if (st.size > cap)
        return dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                             "file of %llu bytes is over the cap of %zu "
                             "bytes",
                             (unsigned long long)st.size, cap);
    data = malloc((size_t)st.size + 1);
    if (data == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    while (have < st.size) {
        size_t got = 0;
        rc = fs->ops->read(fs, node, have, data + have, (size_t)st.size - have,
                           &got);
        if (rc != DOF_OK)
            goto fail;
        if (got == 0)
            break; /* shorter than its size says */
        have += got;
    }
    data[have] = '\0';
    *out = data;
    if (len)
        *len = have;
    return DOF_OK;

fail:
    free(data);
    return rc;
}

int
dof_fs_readlink(dof_fs *fs, dof_node node, char **out)
{
    if (fs == NULL || out == NULL || node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    *out = NULL;
    return fs->ops->readlink(fs, node, out);
}

typedef struct gx {
    const char *name;
    char *value;
    size_t len;
    int found, rc;
} gx;

static int
gx_cb(void *arg, const char *name, const void *value, size_t len)
{
    gx *g = arg;
    if (strcmp(name, g->name) != 0)
        return 0;
    g->value = malloc(len + 1);
    if (g->value == NULL) {
        g->rc = DOF_ERR_NOMEM;
        return 1;
    }
    if (len)
        memcpy(g->value, value, len);
    g->value[len] = '\0';
    g->len = len;
    g->found = 1;
    return 1;
}

int
dof_fs_getxattr(dof_fs *fs, dof_node node, const char *name, char **value,
                size_t *len)
{
    gx g = {name, NULL, 0, 0, DOF_OK};
    int rc;

    if (fs == NULL || name == NULL || value == NULL || node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    *value = NULL;
    if (len)
        *len = 0;
    if (fs->ops->getxattr)
        return fs->ops->getxattr(fs, node, name, value, len);
    rc = fs->ops->listxattr(fs, node, gx_cb, &g);
    if (rc == DOF_OK)
        rc = g.rc;
    if (rc != DOF_OK) {
        free(g.value);
        return rc;
    }
    if (!g.found)
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND, "no xattr %s", name);
    *value = g.value;
    if (len)
        *len = g.len;
    return DOF_OK;
}

int
dof_fs_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg)
{
    if (fs == NULL || fn == NULL || node == DOF_NODE_NONE)
        return DOF_ERR_ARG;
    return fs->ops->listxattr(fs, node, fn, arg);
}

/* ---- TSK glue shared by evidence/ and fs/ ---- */

int
dof_set_tsk_error(dof_ctx *ctx, int code, const char *what)
{
    const char *te = tsk_error_get();
    dof_set_error(ctx, code, "%s: %s", what,
                  te && *te ? te : "unknown TSK error");
    tsk_error_reset();
    return code;
}

const char *
dof_libtsk_version(void)
{
    return tsk_version_get_str();
}

const char *
dof_ftype_name(dof_ftype t)
{
    switch (t) {
    case DOF_FT_REG: return "file";
    case DOF_FT_DIR: return "dir";
    case DOF_FT_LNK: return "symlink";
    case DOF_FT_CHR: return "char";
    case DOF_FT_BLK: return "block";
    case DOF_FT_FIFO: return "fifo";
    case DOF_FT_SOCK: return "socket";
    default: return "unknown";
    }
}

int
dof_fs_overlay_opaque(dof_fs *fs, dof_node node)
{
    static const char *const names[] = {"trusted.overlay.opaque",
                                        "user.overlay.opaque"};

    for (size_t i = 0; i < 2; i++) {
        char *v = NULL;
        size_t len = 0;
        /* the kernel takes exactly "y" (ovl_check_dir_xattr) */
        int y = dof_fs_getxattr(fs, node, names[i], &v, &len) == DOF_OK &&
                len == 1 && v[0] == 'y';
        free(v);
        if (y)
            return 1;
    }
    return 0;
}
