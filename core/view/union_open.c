/*
 * union_open.c - a container's (or an image's) merged view: the layer
 * list its engine gives (dof_engine_rootfs), then its mounts.
 */
#include "engine/engine_private.h"
#include "fs/fs_path.h"
#include "view/union_private.h"

#include <stdlib.h>

/* Stack the engine's layer list, top first.  A missing lower layer is a
 * warning; a missing container layer fails. */
static int
push_rootfs(dof_union *u, const dof_rootfs *rf)
{
    for (size_t i = 0; i < rf->n; i++) {
        const dof_rootfs_layer *l = &rf->v[i];
        int rc = dof_union_push_layer(u, l->kind, l->index, l->id, l->path,
                                      l->fs, DOF_NODE_NONE, l->aufs);
        if (rc == DOF_ERR_NOTFOUND && !l->required) {
            dof_warn(u->ctx, rc, l->path,
                     "union: %s layer %s is missing from the image; the view "
                     "lacks its files",
                     dof_usrc_kind_name(l->kind), l->id ? l->id : "?");
            dof_clear_error(u->ctx);
            continue;
        }
        if (rc != DOF_OK)
            return rc;
    }
    return DOF_OK;
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
    dof_rootfs rf;
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
    if ((rc = dof_rootfs_init(&rf)) != DOF_OK)
        return dof_set_error(ctx, rc, "out of memory");
    rc = dof_engine_rootfs(ctx, c, for_diff, &rf);
    if (rc == DOF_OK)
        rc = dof_union_new(ctx, &u);
    if (rc == DOF_OK)
        rc = push_rootfs(u, &rf);
    dof_rootfs_free(&rf);
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
    dof_rootfs rf;
    int rc;

    (void)host;
    if (out)
        *out = NULL;
    if (ctx == NULL || img == NULL || out == NULL)
        return DOF_ERR_ARG;
    if (img->store == NULL || img->store->fs == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "image has no data root");
    if ((rc = dof_rootfs_init(&rf)) != DOF_OK)
        return dof_set_error(ctx, rc, "out of memory");
    rc = dof_engine_image_rootfs(ctx, img, &rf);
    if (rc == DOF_OK)
        rc = dof_union_new(ctx, &u);
    if (rc == DOF_OK)
        rc = push_rootfs(u, &rf);
    dof_rootfs_free(&rf);
    if (rc != DOF_OK) {
        dof_union_close(u);
        return rc;
    }
    *out = u;
    return DOF_OK;
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

void
dof_union_opts_init(dof_union_opts *o)
{
    if (o != NULL)
        memset(o, 0, sizeof(*o));
}
