/*
 * docker_rootfs.c - a Docker container's (or image's) root filesystem as
 * an ordered layer list for view/: overlay2 (<mount-id>/lower, what the
 * kernel mounted, cross-checked against the layerdb chain), legacy
 * overlay (<mount-id>/lower-id), aufs (aufs/layers/<mount-id>).
 */
#include "engine/docker/docker_private.h"

#include <stdlib.h>

/* The container's own layer: a missing one fails the view. */
static int
push_top(dof_rootfs *rf, dof_usrc_kind kind, int index, const char *id,
         const char *path, dof_fs *fs, int aufs)
{
    return dof_rootfs_add(rf, kind, index, id, path, fs, aufs, 1);
}

/* A lower layer: a missing one is a warning when the view is built. */
static int
push_layer_dir(dof_rootfs *rf, dof_fs *fs, dof_usrc_kind kind, int index,
               const char *id, const char *path, int aufs)
{
    return dof_rootfs_add(rf, kind, index, id, path, fs, aufs, 0);
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
overlay2_lowers(dof_ctx *ctx, dof_fs *fs, const char *rp, const char *mid,
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
                dof_clear_error(ctx);
                dof_warn(ctx, DOF_ERR_NOTFOUND, lp,
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
build_overlay2(dof_ctx *ctx, dof_rootfs *rf, const dof_container *c,
               const dof_image *img)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    idlist low, want;
    char path[8192];
    int rc, mismatch = 0;

    memset(&low, 0, sizeof(low));
    memset(&want, 0, sizeof(want));
    rc = overlay2_lowers(ctx, fs, rp, c->mount_id, &low);
    if (rc == DOF_ERR_NOMEM || rc == DOF_ERR_LIMIT)
        goto done;
    if ((rc = expected_chain(c, img, &want)) != DOF_OK)
        goto done;
    if (low.n == 0) {
        dof_warn(ctx, DOF_ERR_NOTFOUND, NULL,
                 "union: container %s: overlay2/%s/lower is missing or "
                 "empty; using the layerdb chain instead",
                 c->id, c->mount_id);
        dof_clear_error(ctx);
        idl_free(&low);
        low = want;
        memset(&want, 0, sizeof(want));
    }
    else {
        mismatch = low.n != want.n;
        for (size_t i = 0; !mismatch && i < low.n; i++)
            mismatch = strcmp(low.v[i], want.v[i]) != 0;
        if (mismatch)
            dof_warn(ctx, DOF_ERR_FORMAT, NULL,
                     "union: container %s: overlay2/%s/lower (%zu layers) "
                     "disagrees with the layerdb chain (%zu layers); "
                     "trusting the lower file: it is what the kernel "
                     "mounted",
                     c->id, c->mount_id, low.n, want.n);
    }
    snprintf(path, sizeof(path), "%s/overlay2/%s/diff", rp, c->mount_id);
    rc = push_top(rf, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs, 0);
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
        rc = push_layer_dir(rf, fs, is_init ? DOF_USRC_INIT : DOF_USRC_LAYER,
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
build_overlay(dof_ctx *ctx, dof_rootfs *rf, const dof_container *c,
              const dof_image *img, int for_diff)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    char path[8192], *lid;
    int rc, st;

    snprintf(path, sizeof(path), "%s/overlay/%s/upper", rp, c->mount_id);
    rc = push_top(rf, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs, 0);
    if (rc != DOF_OK)
        return rc;
    if (for_diff && c->init_id) {
        /* docker diff compares with the -init layer's view: its upper
         * (which the container's upper started as a copy of) over the
         * image's root */
        snprintf(path, sizeof(path), "%s/overlay/%s/upper", rp, c->init_id);
        rc = push_layer_dir(rf, fs, DOF_USRC_INIT, -1, c->init_id, path, 0);
        if (rc != DOF_OK)
            return rc;
    }
    snprintf(path, sizeof(path), "%s/overlay/%s/lower-id", rp, c->mount_id);
    lid = dof_fs_path_read_text(fs, path, &st);
    if (lid == NULL) {
        dof_warn(ctx, st, path,
                 "union: container %s: no lower-id; the view holds only "
                 "the container layer",
                 c->id);
        dof_clear_error(ctx);
        return DOF_OK;
    }
    if (img && img->nlayers &&
        (img->layers[img->nlayers - 1].cache_id == NULL ||
         strcmp(img->layers[img->nlayers - 1].cache_id, lid) != 0))
        dof_warn(ctx, DOF_ERR_FORMAT, path,
                 "union: container %s: lower-id %s is not the image's top "
                 "layer; trusting lower-id (what the kernel mounted)",
                 c->id, lid);
    snprintf(path, sizeof(path), "%s/overlay/%s/root", rp, lid);
    rc = push_layer_dir(rf, fs, DOF_USRC_LAYER,
                        img && img->nlayers ? (int)img->nlayers - 1 : 0, lid,
                        path, 0);
    free(lid);
    return rc;
}

static int
build_aufs(dof_ctx *ctx, dof_rootfs *rf, const dof_container *c,
           const dof_image *img)
{
    dof_fs *fs = c->store->fs;
    const char *rp = c->store->path;
    char path[8192], *t;
    idlist low;
    int rc, st;

    memset(&low, 0, sizeof(low));
    snprintf(path, sizeof(path), "%s/aufs/diff/%s", rp, c->mount_id);
    rc = push_top(rf, DOF_USRC_CONTAINER, -1, c->mount_id, path, fs, 1);
    if (rc != DOF_OK)
        return rc;
    snprintf(path, sizeof(path), "%s/aufs/layers/%s", rp, c->mount_id);
    t = dof_fs_path_read_text(fs, path, &st);
    if (t == NULL) {
        dof_warn(ctx, st, path, "union: container %s: no aufs layers", c->id);
        dof_clear_error(ctx);
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
        rc = push_layer_dir(rf, fs, is_init ? DOF_USRC_INIT : DOF_USRC_LAYER,
                            idx, id, path, 1);
    }
    idl_free(&low);
    return rc;
}

static int
driver_supported(const char *drv)
{
    return strcmp(drv, "overlay2") == 0 || strcmp(drv, "overlay") == 0 ||
           strcmp(drv, "aufs") == 0;
}

int
dof_docker_rootfs(dof_ctx *ctx, const dof_container *c, int for_diff,
                  dof_rootfs *rf)
{
    const char *drv = c->driver ? c->driver : "";
    const dof_image *img;

    if (!driver_supported(drv))
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
    img = dof_container_image(c);
    if (img == NULL)
        dof_warn(ctx, DOF_ERR_NOTFOUND, NULL,
                 "union: container %s: image %s is not in the image store; "
                 "layer order comes from the driver alone",
                 c->id, c->image_id ? c->image_id : "?");
    if (strcmp(drv, "overlay2") == 0)
        return build_overlay2(ctx, rf, c, img);
    if (strcmp(drv, "overlay") == 0)
        return build_overlay(ctx, rf, c, img, for_diff);
    return build_aufs(ctx, rf, c, img);
}

int
dof_docker_image_rootfs(dof_ctx *ctx, const dof_image *img, dof_rootfs *rf)
{
    const char *drv = img->store->driver ? img->store->driver : "";
    int rc = DOF_OK;

    if (!driver_supported(drv))
        return dof_set_error(ctx, DOF_ERR_UNSUPPORTED,
                             "image %s: storage driver %s is not supported "
                             "by the union view yet",
                             img->id, *drv ? drv : "(unknown)");
    for (size_t i = img->nlayers; i-- > 0 && rc == DOF_OK;) {
        const dof_layer *l = &img->layers[i];
        if (l->diff_path == NULL) {
            dof_warn(ctx, DOF_ERR_NOTFOUND, NULL,
                     "union: image %s: layer %s has no directory", img->id,
                     l->chain_id ? l->chain_id : "?");
            continue;
        }
        rc = push_layer_dir(rf, img->store->fs, DOF_USRC_LAYER, (int)i,
                            l->cache_id, l->diff_path,
                            strcmp(drv, "aufs") == 0);
        if (strcmp(drv, "overlay") == 0)
            break; /* the top root/ is a full tree */
    }
    return rc;
}
