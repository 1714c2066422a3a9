/*
 * union_open.c - build a container's (or an image's) layer stack from
 * the engine model: overlay2 (<mount-id>/lower), legacy overlay
 * (<mount-id>/lower-id), aufs (aufs/layers/<mount-id>), then mounts.
 */
#include "fs/fs_path.h"
#include "view/union_private.h"

#include <stdlib.h>

static const dof_image *
image_of(const dof_container *c)
{
    const dof_store *r = c->store;

    if (r == NULL || c->image_id == NULL)
        return NULL;
    for (size_t i = 0; i < r->nimages; i++)
        if (r->images[i].id && strcmp(r->images[i].id, c->image_id) == 0)
            return &r->images[i];
    return NULL;
}

/* Index (0 = base) of cache id in the image's layers, or -1. */
static int
layer_index(const dof_image *img, const char *cache)
{
    if (img == NULL)
        return -1;
    for (size_t i = 0; i < img->nlayers; i++)
        if (img->layers[i].cache_id &&
            strcmp(img->layers[i].cache_id, cache) == 0)
            return (int)i;
    return -1;
}

typedef struct idlist {
    char **v;
    size_t n, cap;
} idlist;

static int
idl_push(idlist *l, const char *s, size_t len)
{
    if (l->n >= DOF_CAP_LAYER_DEPTH)
        return DOF_ERR_LIMIT;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, nc * sizeof(*nv));
        if (nv == NULL)
            return DOF_ERR_NOMEM;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n] = strndup(s, len);
    if (l->v[l->n] == NULL)
        return DOF_ERR_NOMEM;
    l->n++;
    return DOF_OK;
}

static void
idl_free(idlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* overlay2 <mount>/lower: "l/<link>:l/<link>..." -> cache ids, uppermost
 * first, through the l/<link> -> ../<id>/diff symlinks. */
static int
overlay2_lowers(dof_union *u, dof_fs *fs, const char *rp, const char *mid,
                idlist *out)
{
    dof_arena *a = dof_arena_new();
    char *p, *lower = NULL;
    int rc = DOF_OK, st;

    if (a == NULL)
        return DOF_ERR_NOMEM;
    p = dof_arena_printf(a, "%s/overlay2/%s/lower", rp, mid);
    lower = p ? dof_fs_path_read_text(fs, p, &st) : NULL;
    if (lower == NULL) {
        rc = p ? st : DOF_ERR_NOMEM;
        goto done;
    }
    for (char *s = lower; *s;) {
        char *e = strchr(s, ':');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > 2 && strncmp(s, "l/", 2) == 0) {
            char *lp =
                dof_arena_printf(a, "%s/overlay2/%.*s", rp, (int)len, s);
            dof_node n;
            char *target = NULL;
            if (lp && dof_fs_resolve(fs, lp, 0, &n) == DOF_OK &&
                dof_fs_readlink(fs, n, &target) == DOF_OK) {
                char *t = target, *end;
                if (strncmp(t, "../", 3) == 0)
                    t += 3;
                end = strchr(t, '/');
                rc = idl_push(out, t, end ? (size_t)(end - t) : strlen(t));
            }
            else {
                dof_clear_error(u->ctx);
                dof_warn(u->ctx, DOF_ERR_NOTFOUND, lp,
                         "union: overlay2 %s: lower link %.*s does not "
                         "resolve",
                         mid, (int)len, s);
                rc = idl_push(out, "?", 1);
            }
            free(target);
        }
        else if (len)
            rc = idl_push(out, s, len);
        if (rc != DOF_OK || e == NULL)
            break;
        s = e + 1;
    }
done:
    free(lower);
    dof_arena_free(a);
    return rc;
}

/* The layerdb's expectation: init id, then image layers top to base. */
static int
expected_chain(const dof_container *c, const dof_image *img, idlist *out)
{
    int rc = DOF_OK;

    if (c->init_id)
        rc = idl_push(out, c->init_id, strlen(c->init_id));
    for (size_t i = img ? img->nlayers : 0; rc == DOF_OK && i-- > 0;) {
        const char *cid = img->layers[i].cache_id;
        rc = idl_push(out, cid ? cid : "?", cid ? strlen(cid) : 1);
    }
    return rc;
}

static int
push_layer_dir(dof_union *u, dof_fs *fs, dof_usrc_kind kind, int index,
               const char *id, const char *path, int aufs)
{
    int rc = dof_union_push_layer(u, kind, index, id, path, fs, DOF_NODE_NONE,
                                  aufs);
    if (rc == DOF_ERR_NOTFOUND) {
        dof_warn(u->ctx, rc, path,
                 "union: %s layer %s is missing from the image; the view "
                 "lacks its files",
                 dof_usrc_kind_name(kind), id ? id : "?");
        dof_clear_error(u->ctx);
        return DOF_OK;
    }
    return rc;
}

static int
build_overlay2(dof_union *u, const dof_container *c, const dof_image *img)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    idlist low, want;
    char path[8192];
    int rc, mismatch = 0;

    memset(&low, 0, sizeof(low));
    memset(&want, 0, sizeof(want));
    rc = overlay2_lowers(u, fs, rp, c->mount_id, &low);
    if (rc == DOF_ERR_NOMEM || rc == DOF_ERR_LIMIT)
        goto done;
    if ((rc = expected_chain(c, img, &want)) != DOF_OK)
        goto done;
    if (low.n == 0) {
        dof_warn(u->ctx, DOF_ERR_NOTFOUND, NULL,
                 "union: container %s: overlay2/%s/lower is missing or "
                 "empty; using the layerdb chain instead",
                 c->id, c->mount_id);
        dof_clear_error(u->ctx);
        idl_free(&low);
        low = want;
        memset(&want, 0, sizeof(want));
    }
    else {
        mismatch = low.n != want.n;
        for (size_t i = 0; !mismatch && i < low.n; i++)
            mismatch = strcmp(low.v[i], want.v[i]) != 0;
        if (mismatch)
            dof_warn(u->ctx, DOF_ERR_FORMAT, NULL,
                     "union: container %s: overlay2/%s/lower (%zu layers) "
                     "disagrees with the layerdb chain (%zu layers); "
                     "trusting the lower file: it is what the kernel "
                     "mounted",
                     c->id, c->mount_id, low.n, want.n);
    }
    snprintf(path, sizeof(path), "%s/overlay2/%s/diff", rp, c->mount_id);
    rc = dof_union_push_layer(u, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs,
                              DOF_NODE_NONE, 0);
    if (rc != DOF_OK)
        goto done;
    for (size_t i = 0; i < low.n; i++) {
        const char *id = low.v[i];
        size_t idl = strlen(id);
        int is_init = idl > 5 && strcmp(id + idl - 5, "-init") == 0;
        int idx = is_init ? -1 : layer_index(img, id);
        if (!is_init && idx < 0)
            idx = (int)(low.n - 1 - i);
        if (id[0] == '?')
            continue;
        snprintf(path, sizeof(path), "%s/overlay2/%s/diff", rp, id);
        rc = push_layer_dir(u, fs, is_init ? DOF_USRC_INIT : DOF_USRC_LAYER,
                            idx, id, path, 0);
        if (rc != DOF_OK)
            goto done;
    }
done:
    idl_free(&low);
    idl_free(&want);
    return rc;
}

static int
build_overlay(dof_union *u, const dof_container *c, const dof_image *img,
              int for_diff)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    char path[8192], *lid;
    int rc, st;

    snprintf(path, sizeof(path), "%s/overlay/%s/upper", rp, c->mount_id);
    rc = dof_union_push_layer(u, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs,
                              DOF_NODE_NONE, 0);
    if (rc != DOF_OK)
        return rc;
    if (for_diff && c->init_id) {
        /* docker diff compares with the -init layer's view: its upper
         * (which the container's upper started as a copy of) over the
         * image's root */
        snprintf(path, sizeof(path), "%s/overlay/%s/upper", rp, c->init_id);
        rc = push_layer_dir(u, fs, DOF_USRC_INIT, -1, c->init_id, path, 0);
        if (rc != DOF_OK)
            return rc;
    }
    snprintf(path, sizeof(path), "%s/overlay/%s/lower-id", rp, c->mount_id);
    lid = dof_fs_path_read_text(fs, path, &st);
    if (lid == NULL) {
        dof_warn(u->ctx, st, path,
                 "union: container %s: no lower-id; the view holds only "
                 "the container layer",
                 c->id);
        dof_clear_error(u->ctx);
        return DOF_OK;
    }
    if (img && img->nlayers &&
        (img->layers[img->nlayers - 1].cache_id == NULL ||
         strcmp(img->layers[img->nlayers - 1].cache_id, lid) != 0))
        dof_warn(u->ctx, DOF_ERR_FORMAT, path,
                 "union: container %s: lower-id %s is not the image's top "
                 "layer; trusting lower-id (what the kernel mounted)",
                 c->id, lid);
    snprintf(path, sizeof(path), "%s/overlay/%s/root", rp, lid);
    rc = push_layer_dir(u, fs, DOF_USRC_LAYER,
                        img && img->nlayers ? (int)img->nlayers - 1 : 0, lid,
                        path, 0);
    free(lid);
    return rc;
}

static int
build_aufs(dof_union *u, const dof_container *c, const dof_image *img)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    char path[8192], *t;
    idlist low;
    int rc, st;

    memset(&low, 0, sizeof(low));
    snprintf(path, sizeof(path), "%s/aufs/diff/%s", rp, c->mount_id);
    rc = dof_union_push_layer(u, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs,
                              DOF_NODE_NONE, 1);
    if (rc != DOF_OK)
        return rc;
    snprintf(path, sizeof(path), "%s/aufs/layers/%s", rp, c->mount_id);
    t = dof_fs_path_read_text(fs, path, &st);
    if (t == NULL) {
        dof_warn(u->ctx, st, path, "union: container %s: no aufs layers",
                 c->id);
        dof_clear_error(u->ctx);
        rc = expected_chain(c, img, &low);
    }
    else {
        for (char *s = t; rc == DOF_OK && *s;) {
            char *e = strchr(s, '\n');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len)
                rc = idl_push(&low, s, len);
            if (e == NULL)
                break;
            s = e + 1;
        }
        free(t);
    }
    for (size_t i = 0; rc == DOF_OK && i < low.n; i++) {
        const char *id = low.v[i];
        size_t idl = strlen(id);
        int is_init = idl > 5 && strcmp(id + idl - 5, "-init") == 0;
        int idx = is_init ? -1 : layer_index(img, id);
        if (!is_init && idx < 0)
            idx = (int)(low.n - 1 - i);
        snprintf(path, sizeof(path), "%s/aufs/diff/%s", rp, id);
        rc = push_layer_dir(u, fs, is_init ? DOF_USRC_INIT : DOF_USRC_LAYER,
                            idx, id, path, 1);
    }
    idl_free(&low);
    return rc;
}

/* ---- mounts ---- */

static int
has_etc(dof_fs *fs)
{
    dof_node n;
    return dof_fs_resolve(fs, "/etc", 1, &n) == DOF_OK;
}

/* Find the filesystem holding a host path: the whole path on a fs that
 * looks like a root (has /etc), then on any, then with leading
 * components stripped (a fs mounted below the host's root). */
static int
find_host_path(dof_union *u, dof_fs *const *fsv, size_t nfs, const char *path,
               dof_fs **fs_out, dof_node *node, const char **how)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nfs; i++) {
            if (fsv[i] == NULL || (pass == 0 && !has_etc(fsv[i])))
                continue;
            if (dof_fs_resolve(fsv[i], path, 1, node) == DOF_OK) {
                *fs_out = fsv[i];
                *how = NULL;
                dof_clear_error(u->ctx);
                return DOF_OK;
            }
        }
    for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/'))
        for (size_t i = 0; i < nfs; i++) {
            if (fsv[i] == NULL || has_etc(fsv[i]))
                continue;
            if (dof_fs_resolve(fsv[i], s, 1, node) == DOF_OK) {
                *fs_out = fsv[i];
                *how = s;
                dof_clear_error(u->ctx);
                return DOF_OK;
            }
        }
    dof_clear_error(u->ctx);
    return DOF_ERR_NOTFOUND;
}

static int
add_mounts(dof_union *u, const dof_host *host, const dof_container *c,
           const dof_union_opts *opts)
{
    dof_fs *rootfs[64];
    dof_fs *const *fsv;
    size_t nfs;
    dof_fs *fs = c->store->fs;
    static const char *const dests[] = {"/etc/hostname", "/etc/hosts",
                                        "/etc/resolv.conf"};
    const char *files[3];
    int rc;

    if (opts->host_fs) {
        fsv = opts->host_fs;
        nfs = opts->nhost_fs;
    }
    else {
        nfs = 0;
        for (size_t i = 0; host && i < dof_host_store_count(host) && nfs < 64;
             i++)
            rootfs[nfs++] = dof_host_store(host, i)->fs;
        if (nfs == 0)
            rootfs[nfs++] = fs;
        fsv = rootfs;
    }
    files[0] = c->hostname_path;
    files[1] = c->hosts_path;
    files[2] = c->resolv_conf_path;
    for (size_t i = 0; i < 3; i++) {
        dof_node n;
        if (files[i] == NULL || *files[i] == '\0')
            continue;
        if (dof_store_resolve(c->store, files[i], 1, &n) != DOF_OK) {
            dof_clear_error(u->ctx);
            dof_warn(u->ctx, DOF_ERR_NOTFOUND, files[i],
                     "union: container %s: %s source is missing", c->id,
                     dests[i]);
            continue;
        }
        rc = dof_union_add_mount(u, DOF_USRC_CONTAINER_FILE, NULL, files[i],
                                 dests[i], fs, n);
        if (rc != DOF_OK)
            return rc;
    }
    for (size_t i = 0; i < c->nmounts; i++) {
        const dof_mount *m = &c->mounts[i];
        const char *type = m->type ? m->type : "";
        dof_node n = DOF_NODE_NONE;
        dof_fs *mfs = NULL;
        const char *how = NULL;

        if (m->destination == NULL)
            continue;
        if (strcmp(type, "tmpfs") == 0) {
            rc = dof_union_add_mount(u, DOF_USRC_TMPFS, NULL, NULL,
                                     m->destination, NULL, DOF_NODE_NONE);
        }
        else if (strcmp(type, "volume") == 0) {
            if (m->source && *m->source &&
                dof_store_resolve(c->store, m->source, 1, &n) == DOF_OK)
                mfs = fs;
            else {
                dof_clear_error(u->ctx);
                dof_warn(u->ctx, DOF_ERR_NOTFOUND, m->source,
                         "union: container %s: volume %s for %s is missing",
                         c->id, m->name ? m->name : "?", m->destination);
            }
            rc = dof_union_add_mount(u, DOF_USRC_VOLUME, m->name, m->source,
                                     m->destination, mfs, n);
        }
        else if (strcmp(type, "bind") == 0) {
            if (m->source == NULL || m->source[0] != '/' ||
                find_host_path(u, fsv, nfs, m->source, &mfs, &n, &how) !=
                    DOF_OK) {
                mfs = NULL;
                dof_warn(u->ctx, DOF_ERR_NOTFOUND, m->source,
                         "union: container %s: bind source for %s is not on "
                         "the evidence",
                         c->id, m->destination);
            }
            else if (how)
                dof_warn(u->ctx, DOF_OK, m->source,
                         "union: container %s: bind source found as %s on "
                         "another filesystem (mounted below the host root)",
                         c->id, how);
            rc = dof_union_add_mount(u, DOF_USRC_BIND, NULL, m->source,
                                     m->destination, mfs, n);
        }
        else {
            dof_warn(u->ctx, DOF_ERR_UNSUPPORTED, m->destination,
                     "union: container %s: mount type %s is not mapped", c->id,
                     type);
            continue;
        }
        if (rc != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
union_open(dof_ctx *ctx, const dof_host *host, const dof_container *c,
           const dof_union_opts *opts, int for_diff, dof_union **out)
{
    dof_union *u = NULL;
    dof_union_opts none;
    const dof_image *img;
    const char *drv;
    int rc;

    if (out)
        *out = NULL;
    if (ctx == NULL || c == NULL || out == NULL)
        return DOF_ERR_ARG;
    if (opts == NULL) {
        memset(&none, 0, sizeof(none));
        opts = &none;
    }
    if (c->store == NULL || c->store->fs == NULL || c->store->path == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "container %s has no data root",
                             c->id);
    drv = c->driver ? c->driver : "";
    if (strcmp(drv, "overlay2") != 0 && strcmp(drv, "overlay") != 0 &&
        strcmp(drv, "aufs") != 0)
        return dof_set_error(ctx, DOF_ERR_UNSUPPORTED,
                             "container %s: storage driver %s is not "
                             "supported by the union view yet",
                             c->name ? c->name : c->id,
                             *drv ? drv : "(unknown)");
    if (c->mount_id == NULL)
        return dof_set_error(ctx, DOF_ERR_NOTFOUND,
                             "container %s: its layer (layerdb mount-id) "
                             "is unknown",
                             c->name ? c->name : c->id);
    img = image_of(c);
    if (img == NULL)
        dof_warn(ctx, DOF_ERR_NOTFOUND, NULL,
                 "union: container %s: image %s is not in the image store; "
                 "layer order comes from the driver alone",
                 c->id, c->image_id ? c->image_id : "?");
    if ((rc = dof_union_new(ctx, &u)) != DOF_OK)
        return rc;
    if (strcmp(drv, "overlay2") == 0)
        rc = build_overlay2(u, c, img);
    else if (strcmp(drv, "overlay") == 0)
        rc = build_overlay(u, c, img, for_diff);
    else
        rc = build_aufs(u, c, img);
    if (rc == DOF_OK && (opts->flags & DOF_UNION_MOUNTS))
        rc = add_mounts(u, host, c, opts);
    if (rc != DOF_OK)
        goto fail;
    *out = u;
    return DOF_OK;
fail:
    dof_union_close(u);
    return rc;
}

int
dof_union_open(dof_ctx *ctx, const dof_host *host, const dof_container *c,
               const dof_union_opts *opts, dof_union **out)
{
    return union_open(ctx, host, c, opts, 0, out);
}

int
dof_union_open_image(dof_ctx *ctx, const dof_host *host, const dof_image *img,
                     dof_union **out)
{
    dof_union *u = NULL;
    const char *drv;
    int rc = DOF_OK;

    (void)host;
    if (out)
        *out = NULL;
    if (ctx == NULL || img == NULL || out == NULL)
        return DOF_ERR_ARG;
    if (img->store == NULL || img->store->fs == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "image has no data root");
    drv = img->store->driver ? img->store->driver : "";
    if (strcmp(drv, "overlay2") != 0 && strcmp(drv, "overlay") != 0 &&
        strcmp(drv, "aufs") != 0)
        return dof_set_error(ctx, DOF_ERR_UNSUPPORTED,
                             "image %s: storage driver %s is not supported "
                             "by the union view yet",
                             img->id, *drv ? drv : "(unknown)");
    if ((rc = dof_union_new(ctx, &u)) != DOF_OK)
        return rc;
    for (size_t i = img->nlayers; i-- > 0;) {
        const dof_layer *l = &img->layers[i];
        if (l->diff_path == NULL) {
            dof_warn(ctx, DOF_ERR_NOTFOUND, NULL,
                     "union: image %s: layer %s has no directory", img->id,
                     l->chain_id ? l->chain_id : "?");
            continue;
        }
        rc = push_layer_dir(u, img->store->fs, DOF_USRC_LAYER, (int)i,
                            l->cache_id, l->diff_path,
                            strcmp(drv, "aufs") == 0);
        if (rc != DOF_OK)
            goto fail;
        if (strcmp(drv, "overlay") == 0)
            break; /* the top root/ is a full tree */
    }
    *out = u;
    return DOF_OK;
fail:
    dof_union_close(u);
    return rc;
}

int
dof_union_diff(dof_ctx *ctx, const dof_host *host, const dof_container *c,
               dof_change_fn fn, void *arg)
{
    dof_union *u = NULL;
    int rc;

    rc = union_open(ctx, host, c, NULL, 1, &u);
    if (rc != DOF_OK)
        return rc;
    rc = dof_union_diff_views(u, fn, arg);
    dof_union_close(u);
    return rc;
}
