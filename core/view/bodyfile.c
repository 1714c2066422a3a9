/*
 * bodyfile.c - TSK 3 bodyfiles of a container's writable layer and of its
 * volumes and bind mounts (dof macrobber-container-layer / -volumes).
 *
 * Each tree is resolved once (dof_fs_resolve on the upper dir or mount
 * source), then walked by node: every directory is read once, every entry
 * stat'ed once.  Whiteouts become "NAME (whiteout)" entries with the
 * whiteout inode's times, opaque directories "NAME (opaque)".
 */
#include "formats/bodyfile.h"
#include "fs/fs_path.h"

#include <stdlib.h>
#include <string.h>

#define WH_PREFIX ".wh."
#define WH_PREFIX_LEN 4
#define WH_META ".wh..wh."
#define WH_META_LEN 8
#define WH_OPQ ".wh..wh..opq"
#define WH_OPQ_LEN 12
#define FLUSH_AT (64u * 1024u)

void
dof_bodyfile_opts_init(dof_bodyfile_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->flags = DOF_BODYFILE_LAYER;
    o->out = NULL; /* the caller names the sink */
}

/* ---- the walk ---- */

/* A child read from a directory (names copied into the walker's pool). */
typedef struct child {
    size_t name_off, name_len;
    dof_node node;
    dof_ftype type;
    int deleted;
} child;

/* A directory waiting to be read. */
typedef struct pending {
    char *path; /* malloc'd, raw bytes; "" for the walk root */
    size_t path_len;
    dof_node node;
    dof_stat st;
    dof_ftype name_type;
} pending;

typedef struct walker {
    dof_ctx *ctx;
    dof_fs *fs;
    const dof_bodyfile_opts *o;
    dof_bodyfile_fn fn;
    void *arg;
    dof_usrc_kind source;
    const dof_mount *mount;
    int overlay, aufs; /* union rules apply (the writable layer only) */
    /* children of the directory being read */
    child *kids;
    size_t nkids, kids_cap;
    dof_buf names;
    int kids_oom;
    /* directories to read (depth first) */
    pending *stack;
    size_t nstack, stack_cap;
    dof_buf path; /* scratch path of an entry */
    int stopped;
} walker;

static int
collect_cb(void *arg, const dof_dirent *de)
{
    walker *w = arg;
    child *k;

    if (dof_grow(&w->kids, &w->kids_cap, w->nkids, sizeof(*w->kids), 64) !=
        DOF_OK) {
        w->kids_oom = 1;
        return 1;
    }
    k = &w->kids[w->nkids++];
    k->name_off = w->names.len;
    k->name_len = de->name_len;
    k->node = de->node;
    k->type = de->type;
    k->deleted = de->deleted;
    if (dof_buf_append(&w->names, de->name, de->name_len) != DOF_OK) {
        w->kids_oom = 1;
        return 1;
    }
    return 0;
}

static int
push_dir(walker *w, const char *path, size_t len, dof_node node,
         const dof_stat *st, dof_ftype name_type)
{
    pending *p;

    if (dof_grow(&w->stack, &w->stack_cap, w->nstack, sizeof(*w->stack), 32) !=
        DOF_OK)
        return DOF_ERR_NOMEM;
    p = &w->stack[w->nstack];
    p->path = malloc(len + 1);
    if (p->path == NULL)
        return DOF_ERR_NOMEM;
    memcpy(p->path, path, len);
    p->path[len] = '\0';
    p->path_len = len;
    p->node = node;
    p->st = *st;
    p->name_type = name_type;
    w->nstack++;
    return DOF_OK;
}

static int
is_opaque_xattr(walker *w, dof_node node)
{
    int yes = dof_fs_overlay_opaque(w->fs, node);

    dof_clear_error(w->ctx); /* "no such xattr" is no error here */
    return yes;
}

static int
emit(walker *w, dof_bodyfile_entry *e)
{
    e->source = w->source;
    e->mount = w->mount;
    e->fs = w->fs;
    if (w->fn(w->arg, e)) {
        w->stopped = 1;
        return 1;
    }
    return 0;
}

/* Build "<dir>/<name>" in w->path. */
static int
child_path(walker *w, const pending *dir, const char *name, size_t len)
{
    dof_buf_reset(&w->path);
    dof_buf_append(&w->path, dir->path, dir->path_len);
    dof_buf_putc(&w->path, '/');
    dof_buf_append(&w->path, name, len);
    return w->path.oom ? DOF_ERR_NOMEM : DOF_OK;
}

/* One child of a directory: emit it, or queue it when it is a directory
 * to read. */
static int
visit_child(walker *w, const pending *dir, const child *k)
{
    const char *name = w->names.data + k->name_off;
    size_t len = k->name_len;
    dof_bodyfile_entry e;
    char *link = NULL;
    int rc;

    memset(&e, 0, sizeof(e));
    e.name_type = k->type;
    e.node = k->node;
    if (w->aufs && len >= WH_PREFIX_LEN &&
        memcmp(name, WH_PREFIX, WH_PREFIX_LEN) == 0) {
        if (len >= WH_META_LEN && memcmp(name, WH_META, WH_META_LEN) == 0)
            return DOF_OK; /* aufs bookkeeping, opaque marker */
        if (k->deleted)
            return DOF_OK;
        e.kind = DOF_BODYFILE_WHITEOUT;
        name += WH_PREFIX_LEN;
        len -= WH_PREFIX_LEN;
    }
    if ((rc = child_path(w, dir, name, len)) != DOF_OK)
        return rc;
    e.path = w->path.data;
    e.path_len = w->path.len;
    if (k->node != DOF_NODE_NONE &&
        dof_fs_stat(w->fs, k->node, &e.st) == DOF_OK) {
        e.has_stat = 1;
    }
    else {
        dof_clear_error(w->ctx);
        memset(&e.st, 0, sizeof(e.st));
        if (!k->deleted)
            dof_warn(w->ctx, DOF_ERR_FORMAT, w->path.data,
                     "bodyfile: cannot read inode %llu",
                     (unsigned long long)k->node);
    }
    if (e.name_type == DOF_FT_UNKNOWN && e.has_stat)
        e.name_type = e.st.type;
    if (k->deleted) {
        e.kind = DOF_BODYFILE_DELETED;
        e.realloc = e.has_stat && e.st.allocated;
        emit(w, &e);
        return DOF_OK;
    }
    if (w->overlay && e.has_stat && e.st.type == DOF_FT_CHR &&
        e.st.rdev_major == 0 && e.st.rdev_minor == 0)
        e.kind = DOF_BODYFILE_WHITEOUT;
    if (e.kind == DOF_BODYFILE_FILE && e.has_stat && e.st.type == DOF_FT_DIR) {
        /* emitted when it is read (opacity known then) */
        return push_dir(w, w->path.data, w->path.len, k->node, &e.st,
                        e.name_type);
    }
    if (e.kind == DOF_BODYFILE_FILE && e.has_stat && e.st.type == DOF_FT_LNK) {
        if (dof_fs_readlink(w->fs, k->node, &link) == DOF_OK) {
            e.link = link;
            e.link_len = strnlen(link, DOF_CAP_PATH_BYTES);
        }
        else {
            dof_clear_error(w->ctx);
            dof_warn(w->ctx, DOF_ERR_FORMAT, w->path.data,
                     "bodyfile: cannot read the symlink target");
        }
    }
    emit(w, &e);
    free(link);
    return DOF_OK;
}

/* Read one directory: its children, then its own line (not for the walk
 * root), then the children that are not directories. */
static int
read_dir(walker *w, pending *dir, int is_root)
{
    int opaque = 0, rc;
    unsigned rflags = DOF_FS_READDIR_DELETED;

    if (w->o->flags & DOF_BODYFILE_NO_DELETED)
        rflags = 0;
    w->nkids = 0;
    dof_buf_reset(&w->names);
    rc = dof_fs_readdir(w->fs, dir->node, rflags, collect_cb, w);
    if (w->kids_oom)
        return DOF_ERR_NOMEM;
    if (rc != DOF_OK) {
        dof_warn(w->ctx, rc, is_root ? NULL : dir->path,
                 "bodyfile: cannot read the directory: %s",
                 dof_errmsg(w->ctx));
        dof_clear_error(w->ctx);
    }
    if (!is_root) {
        dof_bodyfile_entry e;

        if (w->overlay)
            opaque = is_opaque_xattr(w, dir->node);
        for (size_t i = 0; w->aufs && !opaque && i < w->nkids; i++)
            opaque = !w->kids[i].deleted &&
                     w->kids[i].name_len == WH_OPQ_LEN &&
                     memcmp(w->names.data + w->kids[i].name_off, WH_OPQ,
                            WH_OPQ_LEN) == 0;
        memset(&e, 0, sizeof(e));
        e.path = dir->path;
        e.path_len = dir->path_len;
        e.has_stat = 1;
        e.st = dir->st;
        e.name_type = dir->name_type;
        e.node = dir->node;
        e.opaque = opaque;
        if (emit(w, &e))
            return DOF_OK;
    }
    for (size_t i = 0; i < w->nkids && !w->stopped; i++)
        if ((rc = visit_child(w, dir, &w->kids[i])) != DOF_OK)
            return rc;
    return DOF_OK;
}

/* Walk the tree at node (a directory, or a single file) with paths
 * starting at prefix (no trailing '/'; "" for the container's root). */
static int
walk_tree(walker *w, dof_node node, const char *prefix)
{
    dof_stat st;
    int rc, first = 1;

    if ((rc = dof_fs_stat(w->fs, node, &st)) != DOF_OK)
        return rc;
    if (st.type != DOF_FT_DIR) {
        /* a bind-mounted file: one entry at its destination */
        dof_bodyfile_entry e;
        char *link = NULL;

        memset(&e, 0, sizeof(e));
        e.path = prefix;
        e.path_len = strlen(prefix);
        e.has_stat = 1;
        e.st = st;
        e.name_type = st.type;
        e.node = node;
        if (st.type == DOF_FT_LNK &&
            dof_fs_readlink(w->fs, node, &link) == DOF_OK) {
            e.link = link;
            e.link_len = strlen(link);
        }
        dof_clear_error(w->ctx);
        emit(w, &e);
        free(link);
        return DOF_OK;
    }
    if ((rc = push_dir(w, prefix, strlen(prefix), node, &st, DOF_FT_DIR)) !=
        DOF_OK)
        return rc;
    while (w->nstack > 0 && !w->stopped) {
        pending p = w->stack[--w->nstack];
        rc = read_dir(w, &p, first);
        free(p.path);
        first = 0;
        if (rc != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static void
walker_reset(walker *w)
{
    while (w->nstack > 0)
        free(w->stack[--w->nstack].path);
}

static void
walker_free(walker *w)
{
    walker_reset(w);
    free(w->stack);
    free(w->kids);
    dof_buf_free(&w->names);
    dof_buf_free(&w->path);
}

/* Find path on the host filesystems other than rootfs, in order. */
static int
find_on_hosts(dof_ctx *ctx, const dof_bodyfile_opts *o, dof_fs *rootfs,
              const char *path, dof_fs **fs, dof_node *node)
{
    for (size_t i = 0; i < o->nhost_fs; i++) {
        if (o->host_fs[i] == NULL || o->host_fs[i] == rootfs)
            continue;
        if (dof_fs_resolve(o->host_fs[i], path, 1, node) == DOF_OK) {
            *fs = o->host_fs[i];
            return DOF_OK;
        }
        dof_clear_error(ctx);
    }
    return DOF_ERR_NOTFOUND;
}

/* Find a bind source: on the data root's fs, then on the others (whole
 * path), then with leading components stripped on the others (a
 * filesystem mounted below the host's root). */
static int
find_source(dof_ctx *ctx, const dof_container *c, const dof_bodyfile_opts *o,
            const char *path, dof_fs **fs, dof_node *node)
{
    dof_fs *rootfs = c->store ? c->store->fs : NULL;

    if (rootfs && dof_fs_resolve(rootfs, path, 1, node) == DOF_OK) {
        *fs = rootfs;
        return DOF_OK;
    }
    dof_clear_error(ctx);
    for (const char *s = path; s; s = strchr(s + 1, '/'))
        if (find_on_hosts(ctx, o, rootfs, s, fs, node) == DOF_OK)
            return DOF_OK;
    return DOF_ERR_NOTFOUND;
}

/* A named volume's _data under the data root, on the data root's fs: the
 * mount's Source is a host path, which differs when the data root is a
 * filesystem of its own (its root is the data root). */
static int
volume_dir(dof_ctx *ctx, const dof_container *c, const dof_mount *m,
           dof_fs **fs, dof_node *node)
{
    char path[1024];
    const char *rp;
    int n;

    if (m->name == NULL || c->store == NULL || c->store->fs == NULL ||
        strchr(m->name, '/') != NULL || m->name[0] == '.')
        return DOF_ERR_NOTFOUND;
    rp = c->store->path ? c->store->path : "/";
    n = snprintf(path, sizeof(path), "%s/volumes/%s/_data",
                 strcmp(rp, "/") == 0 ? "" : rp, m->name);
    if (n < 0 || (size_t)n >= sizeof(path))
        return DOF_ERR_LIMIT;
    if (dof_fs_resolve(c->store->fs, path, 1, node) != DOF_OK) {
        dof_clear_error(ctx);
        return DOF_ERR_NOTFOUND;
    }
    *fs = c->store->fs;
    return DOF_OK;
}

/* A destination as a path prefix: "/" becomes "". */
static const char *
dest_prefix(const char *d)
{
    return (d[0] == '/' && d[1] == '\0') ? "" : d;
}

static int
walk_layer(walker *w, const dof_container *c)
{
    const char *drv = c->driver ? c->driver : "";
    dof_node node;
    int rc;

    if (!c->driver_supported || c->upper_dir == NULL)
        return dof_set_error(w->ctx, DOF_ERR_UNSUPPORTED,
                             "container %s: storage driver %s is not "
                             "supported",
                             c->name ? c->name : c->id,
                             *drv ? drv : "(unknown)");
    if (c->store == NULL || c->store->fs == NULL)
        return dof_set_error(w->ctx, DOF_ERR_NOTFOUND,
                             "container %s: no filesystem", c->id);
    w->fs = c->store->fs;
    if ((rc = dof_fs_resolve(w->fs, c->upper_dir, 1, &node)) != DOF_OK) {
        char why[256];
        snprintf(why, sizeof(why), "%s", dof_errmsg(w->ctx));
        return dof_set_error(w->ctx, DOF_ERR_NOTFOUND,
                             "container %s: writable layer %s: %s",
                             c->name ? c->name : c->id, c->upper_dir, why);
    }
    w->source = DOF_USRC_CONTAINER;
    w->mount = NULL;
    w->aufs = strcmp(drv, "aufs") == 0;
    w->overlay = !w->aufs;
    return walk_tree(w, node, "");
}

static int
walk_mounts(walker *w, const dof_container *c)
{
    int rc;

    w->aufs = w->overlay = 0;
    for (size_t i = 0; i < c->nmounts && !w->stopped; i++) {
        const dof_mount *m = &c->mounts[i];
        const char *type = m->type ? m->type : "";
        dof_fs *fs = NULL;
        dof_node node;

        if (m->destination == NULL || m->destination[0] != '/')
            continue;
        if (strcmp(type, "volume") == 0)
            w->source = DOF_USRC_VOLUME;
        else if (strcmp(type, "bind") == 0)
            w->source = DOF_USRC_BIND;
        else
            continue; /* tmpfs, npipe: nothing on disk */
        if (!(w->source == DOF_USRC_VOLUME &&
              volume_dir(w->ctx, c, m, &fs, &node) == DOF_OK) &&
            (m->source == NULL || m->source[0] != '/' ||
             find_source(w->ctx, c, w->o, m->source, &fs, &node) != DOF_OK)) {
            dof_warn(w->ctx, DOF_ERR_NOTFOUND, m->source,
                     "bodyfile: container %s: %s source for %s is not on "
                     "the evidence",
                     c->name ? c->name : c->id, type, m->destination);
            continue;
        }
        w->fs = fs;
        w->mount = m;
        rc = walk_tree(w, node, dest_prefix(m->destination));
        walker_reset(w);
        if (rc == DOF_ERR_NOMEM)
            return rc;
        if (rc != DOF_OK) {
            dof_warn(w->ctx, rc, m->source,
                     "bodyfile: container %s: cannot walk %s: %s",
                     c->name ? c->name : c->id, m->destination,
                     dof_errmsg(w->ctx));
            dof_clear_error(w->ctx);
        }
    }
    return DOF_OK;
}

int
dof_bodyfile_walk(dof_ctx *ctx, const dof_container *c,
                  const dof_bodyfile_opts *o, dof_bodyfile_fn fn, void *arg)
{
    walker w = {.ctx = ctx, .o = o, .fn = fn, .arg = arg};
    int rc = DOF_OK;

    if (ctx == NULL || c == NULL || o == NULL || fn == NULL)
        return DOF_ERR_ARG;
    dof_buf_init(&w.names);
    dof_buf_init(&w.path);
    if (o->flags & DOF_BODYFILE_LAYER)
        rc = walk_layer(&w, c);
    walker_reset(&w);
    if (rc == DOF_OK && !w.stopped && (o->flags & DOF_BODYFILE_VOLUMES))
        rc = walk_mounts(&w, c);
    walker_free(&w);
    return rc;
}

typedef struct write_st {
    dof_buf b;
    FILE *out;
    unsigned flags;
    const char *prefix;
    int rc;
} write_st;

static int
write_cb(void *arg, const dof_bodyfile_entry *e)
{
    write_st *s = arg;

    if (dof_bodyfile_put_line(&s->b, e, s->flags, s->prefix) != DOF_OK) {
        s->rc = DOF_ERR_NOMEM;
        return 1;
    }
    if (s->b.len >= FLUSH_AT && (s->rc = dof_bodyfile_flush(&s->b, s->out)))
        return 1;
    return 0;
}

int
dof_bodyfile_write(dof_ctx *ctx, const dof_container *c,
                   const dof_bodyfile_opts *o)
{
    write_st s;
    int rc;

    if (ctx == NULL || c == NULL || o == NULL || o->out == NULL)
        return DOF_ERR_ARG;
    dof_buf_init(&s.b);
    s.out = o->out;
    s.flags = o->flags;
    s.prefix = o->prefix;
    s.rc = DOF_OK;
    rc = dof_bodyfile_walk(ctx, c, o, write_cb, &s);
    if (rc == DOF_OK)
        rc = s.rc;
    if (rc == DOF_OK)
        rc = dof_bodyfile_flush(&s.b, s.out);
    if (rc == DOF_OK && fflush(s.out) != 0)
        rc = DOF_ERR_IO;
    if (rc == DOF_ERR_IO)
        dof_set_error(ctx, rc, "cannot write the bodyfile");
    else if (rc == DOF_ERR_NOMEM)
        dof_set_error(ctx, rc, "out of memory");
    dof_buf_free(&s.b);
    return rc;
}
