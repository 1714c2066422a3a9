/*
 * docker.c - dof_host: find every Docker data root on the evidence, parse
 * it (containers, images, volumes, networks), host-side settings, and
 * look-ups by name, ID and reference.
 */
#include "engine/docker/docker_private.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- */
/* discovery                                                         */
/* ---------------------------------------------------------------- */

typedef struct cand {
    size_t vol;
    dof_fs *fs;
    const char *path;
    const char *found_by;
    dof_node node;
} cand;

typedef struct disc {
    dof_host *h;
    dof_evidence *ev;
    cand *c;
    size_t n;
    dof_buf searched; /* for the "no data" message */
} disc;

static int
looks_like_root(dof_fs *fs, dof_arena *a, const char *path)
{
    static const char *const subs[] = {"containers", "image", "overlay2"};
    for (size_t i = 0; i < 3; i++)
        if (dof_fs_path_is_dir(fs, dof_path_join(a, path, subs[i])))
            return 1;
    return 0;
}

static int
add_cand(disc *d, size_t vol, dof_fs *fs, const char *path,
         const char *found_by)
{
    dof_arena *a = d->h->arena;
    dof_node node;
    cand *nc;

    if (path == NULL || found_by == NULL)
        return DOF_ERR_NOMEM;
    if (!looks_like_root(fs, a, path))
        return DOF_OK;
    if (dof_fs_resolve(fs, path, 1, &node) != DOF_OK)
        return DOF_OK;
    for (size_t i = 0; i < d->n; i++)
        if (d->c[i].fs == fs && d->c[i].node == node)
            return DOF_OK; /* same directory, found another way */
    nc = dof_arena_grow(a, d->c, d->n, sizeof(*d->c));
    if (nc == NULL)
        return DOF_ERR_NOMEM;
    d->c = nc;
    d->c[d->n].vol = vol;
    d->c[d->n].fs = fs;
    d->c[d->n].path = path;
    d->c[d->n].found_by = found_by;
    d->c[d->n].node = node;
    d->n++;
    return DOF_OK;
}

/* userns-remap: <root>/<uid>.<gid>/ holds the real data root. */
static int
add_remapped(disc *d, size_t vol, dof_fs *fs, const char *path,
             const char *found_by)
{
    dof_arena *a = d->h->arena;
    const char **names = NULL;
    size_t n = 0;
    if (dof_fs_path_list(fs, a, path, &names, &n) != DOF_OK)
        return DOF_OK;
    for (size_t i = 0; i < n; i++) {
        const char *s = names[i];
        size_t digits = strspn(s, "0123456789");
        if (digits == 0 || s[digits] != '.' ||
            strspn(s + digits + 1, "0123456789") == 0 ||
            s[digits + 1 + strspn(s + digits + 1, "0123456789")] != '\0')
            continue;
        int rc =
            add_cand(d, vol, fs, dof_path_join(a, path, s),
                     dof_arena_printf(a, "%s (userns-remap %s)", found_by, s));
        if (rc != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
try_path(disc *d, size_t vol, dof_fs *fs, const char *path,
         const char *found_by)
{
    int rc;
    dof_buf_printf(&d->searched, "%s%s (volume %zu)",
                   d->searched.len ? ", " : "", path ? path : "?", vol);
    rc = add_cand(d, vol, fs, path, found_by);
    if (rc == DOF_OK && path && dof_fs_path_is_dir(fs, path))
        rc = add_remapped(d, vol, fs, path, found_by);
    return rc;
}

static int
find_candidates(disc *d, const dof_host_opts *opts, dof_hostinfo **hv,
                size_t nvol)
{
    dof_arena *a = d->h->arena;
    int rc = DOF_OK;

    for (size_t v = 0; v < nvol && rc == DOF_OK; v++) {
        const dof_partition *vol = dof_evidence_partition(d->ev, v);
        dof_fs *fs = vol ? vol->fs : NULL;
        const char **homes = NULL;
        size_t nhomes = 0;

        if (fs == NULL)
            continue;
        if (opts && opts->docker_root) {
            rc = try_path(d, v, fs, opts->docker_root, "--docker-root");
            continue;
        }
        rc = try_path(d, v, fs, "/var/lib/docker", "default");
        if (rc == DOF_OK && hv[v] && hv[v]->data_root_setting)
            rc = try_path(d, v, fs, hv[v]->data_root_setting,
                          "daemon.json data-root");
        if (rc == DOF_OK)
            rc = try_path(d, v, fs, "/var/snap/docker/common/var-lib-docker",
                          "snap");
        if (rc == DOF_OK)
            rc = try_path(d, v, fs, "/root/.local/share/docker", "rootless");
        if (rc == DOF_OK &&
            dof_fs_path_list(fs, a, "/home", &homes, &nhomes) == DOF_OK)
            for (size_t i = 0; i < nhomes && rc == DOF_OK; i++)
                rc = try_path(d, v, fs,
                              dof_arena_printf(
                                  a, "/home/%s/.local/share/docker", homes[i]),
                              "rootless");
        /* a data root on its own filesystem, named by another volume's
         * daemon.json (mount prefix stripped) */
        for (size_t w = 0; w < nvol && rc == DOF_OK; w++) {
            const char *s;
            if (w == v || hv[w] == NULL || hv[w]->data_root_setting == NULL)
                continue;
            s = hv[w]->data_root_setting;
            while (rc == DOF_OK && s && *s) {
                rc = try_path(d, v, fs, *s == '/' ? s : "/",
                              "daemon.json data-root on another volume");
                s = strchr(s + 1, '/');
            }
            if (rc == DOF_OK)
                rc = try_path(d, v, fs, "/",
                              "daemon.json data-root on another volume");
        }
        if (rc == DOF_OK)
            rc = try_path(d, v, fs, "/", "data root at the filesystem root");
    }
    return rc;
}

static int
push_store(dof_arena *a, const char ***v, size_t *n, dof_fs *fs,
           const char *kind, const char *path)
{
    if (!dof_fs_path_is_dir(fs, path))
        return DOF_OK;
    return dof_arena_push_str(a, v, n,
                              dof_arena_printf(a, "%s: %s", kind, path));
}

/* Stores dof does not read yet, on one filesystem. */
static int
other_stores(dof_arena *a, dof_fs *fs, const char ***v, size_t *n)
{
    const char **homes = NULL;
    size_t nhomes = 0;
    int rc = push_store(a, v, n, fs, "containerd", "/var/lib/containerd");
    if (rc == DOF_OK)
        rc = push_store(a, v, n, fs, "podman", "/var/lib/containers/storage");
    if (rc == DOF_OK &&
        dof_fs_path_list(fs, a, "/home", &homes, &nhomes) == DOF_OK)
        for (size_t i = 0; i < nhomes && rc == DOF_OK; i++)
            rc = push_store(
                a, v, n, fs, "podman (rootless)",
                dof_arena_printf(a, "/home/%s/.local/share/containers/storage",
                                 homes[i]));
    return rc;
}

static const char *const known_drivers[] = {
    "overlay2", "overlay",      "aufs",           "btrfs",        "zfs",
    "vfs",      "devicemapper", "fuse-overlayfs", "windowsfilter"};

static const char *
pick_driver(dof_arena *a, dof_fs *fs, const char *rp, const char *setting)
{
    size_t nd = sizeof(known_drivers) / sizeof(known_drivers[0]);
    if (setting && *setting &&
        dof_fs_path_is_dir(fs,
                           dof_arena_printf(a, "%s/image/%s", rp, setting)))
        return setting;
    for (size_t i = 0; i < nd; i++)
        if (dof_fs_path_is_dir(fs, dof_arena_printf(a, "%s/image/%s/imagedb",
                                                    rp, known_drivers[i])))
            return known_drivers[i];
    for (size_t i = 0; i < nd; i++)
        if (dof_fs_path_is_dir(
                fs, dof_arena_printf(a, "%s/image/%s", rp, known_drivers[i])))
            return known_drivers[i];
    for (size_t i = 0; i < nd; i++)
        if (dof_fs_path_is_dir(
                fs, dof_arena_printf(a, "%s/%s", rp, known_drivers[i])))
            return known_drivers[i];
    return NULL;
}

/* "10.0.0.5:2377" and "10.0.0.5" name the same host. */
static int
same_host(const char *a, const char *b)
{
    size_t la, lb;
    if (a == NULL || b == NULL)
        return 0;
    la = strcspn(a, ":");
    lb = strcspn(b, ":");
    return la == lb && la > 0 && strncmp(a, b, la) == 0;
}

static void
read_swarm(dof_rootb *rb)
{
    dof_root *r = rb->root;
    char *p =
        dof_arena_printf(rb->arena, "%s/swarm/docker-state.json", r->path);
    char *buf = NULL;
    size_t len = 0;
    json_object *j = NULL;
    dof_jx x;
    char why[160];

    dof_jx_init(&x, rb->arena);
    if (dof_fs_path_read(rb->fs, p, DOF_CAP_SMALL_FILE, &buf, &len, NULL) ==
        DOF_OK) {
        if (dof_json_parse(buf, len, DOF_CAP_SMALL_FILE, &j, why,
                           sizeof(why)) == DOF_OK) {
            const char *addrs[] = {"LocalAddr", "AdvertiseAddr", "ListenAddr",
                                   "RemoteAddr"};
            r->swarm_node_id = dof_jx_str(&x, j, "NodeID");
            for (size_t i = 0; i < 4 && r->swarm_addr == NULL; i++) {
                const char *s = dof_jx_str(&x, j, addrs[i]);
                if (s && *s)
                    r->swarm_addr = s;
            }
            r->swarm_member = r->swarm_addr != NULL;
        }
        else
            dof_warn(rb->ctx, DOF_ERR_FORMAT, p, "swarm state: %s", why);
        json_object_put(j);
        j = NULL;
    }
    free(buf);
    buf = NULL;
    p = dof_arena_printf(rb->arena, "%s/swarm/state.json", r->path);
    if (dof_fs_path_read(rb->fs, p, DOF_CAP_SMALL_FILE, &buf, &len, NULL) ==
            DOF_OK &&
        dof_json_parse(buf, len, DOF_CAP_SMALL_FILE, &j, why, sizeof(why)) ==
            DOF_OK &&
        json_object_is_type(j, json_type_array)) {
        size_t n = json_object_array_length(j);
        if (n > 0)
            r->swarm_member = 1;
        for (size_t i = 0; i < n && r->swarm_node_id == NULL; i++) {
            json_object *e = json_object_array_get_idx(j, i);
            const char *addr = dof_jx_str(&x, e, "addr");
            if (n == 1 || same_host(addr, r->swarm_addr))
                r->swarm_node_id = dof_jx_str(&x, e, "node_id");
        }
    }
    json_object_put(j);
    free(buf);
}

/* The data root's path on the running host: the engine recorded it in
 * every container's HostnamePath/HostsPath/LogPath as
 * "<root>/containers/<id>/...".  Falls back to the path on the fs. */
static const char *
engine_root_path(dof_arena *a, const dof_root *r)
{
    for (size_t i = 0; i < r->ncontainers; i++) {
        const dof_container *c = &r->containers[i];
        const char *recorded[] = {c->hostname_path, c->hosts_path,
                                  c->resolv_conf_path, c->log_path};
        for (size_t k = 0; k < 4; k++) {
            const char *p = recorded[k], *hit;
            char key[80];
            if (p == NULL || c->id == NULL)
                continue;
            snprintf(key, sizeof(key), "/containers/%.64s/", c->id);
            hit = strstr(p, key);
            if (hit && p[0] == '/')
                return hit == p ? "/"
                                : dof_arena_strndup(a, p, (size_t)(hit - p));
        }
    }
    return r->path;
}

int
dof_root_resolve(const dof_root *root, const char *host_path, int follow_last,
                 dof_node *out)
{
    const char *hp;
    size_t n;

    if (root == NULL || host_path == NULL || out == NULL)
        return DOF_ERR_ARG;
    hp = root->host_path ? root->host_path : root->path;
    n = strlen(hp);
    if (strcmp(hp, root->path) != 0 && strcmp(hp, "/") != 0 &&
        strncmp(host_path, hp, n) == 0 &&
        (host_path[n] == '/' || host_path[n] == '\0')) {
        char buf[DOF_CAP_PATH_BYTES];
        const char *rp = strcmp(root->path, "/") == 0 ? "" : root->path;
        int k = snprintf(buf, sizeof(buf), "%s/%s", rp,
                         host_path + n + (host_path[n] == '/'));
        if (k < 0 || (size_t)k >= sizeof(buf))
            return DOF_ERR_LIMIT;
        return dof_fs_resolve(root->fs, buf, follow_last, out);
    }
    return dof_fs_resolve(root->fs, host_path, follow_last, out);
}

static int
load_root(dof_host *h, const cand *cd, const dof_partition *vol,
          const dof_hostinfo *hi, const char *engine_version, const char *only,
          dof_root **out)
{
    dof_arena *a = h->arena;
    dof_root *r = dof_arena_calloc(a, 1, sizeof(*r));
    dof_rootb rb;
    char *p;
    int rc;

    *out = NULL;
    if (r == NULL)
        return DOF_ERR_NOMEM;
    r->path = cd->path;
    r->fs = cd->fs;
    r->volume_index = vol ? vol->index : (unsigned)cd->vol;
    r->volume_offset_bytes = vol ? vol->offset_bytes : 0;
    r->found_by = cd->found_by;
    r->engine_version = engine_version;
    r->journal_needs_recovery = dof_fs_needs_recovery(cd->fs);
    if (r->journal_needs_recovery)
        dof_warn(h->ctx, DOF_ERR_FORMAT, r->path,
                 "the ext4 journal of volume %u needs recovery: what is "
                 "read may be older than what the host last saw",
                 r->volume_index);
    r->driver = pick_driver(a, cd->fs, r->path,
                            hi ? hi->storage_driver_setting : NULL);
    p = dof_path_join(a, r->path, "engine-id");
    r->engine_id = dof_fs_path_read_small(cd->fs, a, p, NULL);
    memset(&rb, 0, sizeof(rb));
    rb.ctx = h->ctx;
    rb.arena = a;
    rb.fs = cd->fs;
    rb.root = r;
    rb.root_node = cd->node;
    rb.only = only;
    if (r->driver) {
        p = dof_arena_printf(a, "%s/image/%s", r->path, r->driver);
        if (dof_fs_path_is_dir(cd->fs, p))
            rb.img_dir = p;
    }
    read_swarm(&rb);
    rc = dof_docker_containers_load(&rb);
    if (rc == DOF_OK)
        r->host_path = engine_root_path(a, r);
    if (rc == DOF_OK) {
        /* Docker 29+ keeps images and layers in its own containerd
         * (snapshotter "overlayfs"); 20.10-era dockerd also runs a
         * containerd under <root>/containerd, but not as its store. */
        int snap = rb.img_dir == NULL ||
                   (hi && hi->daemon_json &&
                    strstr(hi->daemon_json, "containerd-snapshotter"));
        for (size_t i = 0; i < r->ncontainers; i++) {
            const char *cd_drv = r->containers[i].driver;
            if (cd_drv && (strcmp(cd_drv, "overlayfs") == 0 ||
                           strncmp(cd_drv, "io.containerd.", 14) == 0 ||
                           strcmp(cd_drv, "stargz") == 0))
                snap = 1;
        }
        p = dof_path_join(a, r->path, "containerd");
        if (snap &&
            dof_fs_path_is_dir(cd->fs, dof_path_join(a, p, "daemon")) &&
            dof_arena_push_str(
                a, &r->other_stores, &r->nother_stores,
                dof_arena_printf(a,
                                 "docker containerd image store "
                                 "(Docker 29+): %s",
                                 p)) != DOF_OK)
            return DOF_ERR_NOMEM;
    }
    if (rc == DOF_OK && only == NULL)
        rc = dof_docker_images_load(&rb);
    if (rc == DOF_OK)
        rc = dof_docker_volumes_load(&rb);
    if (rc == DOF_OK)
        rc = dof_docker_networks_load(&rb);
    if (rc != DOF_OK)
        return rc;
    *out = r;
    return DOF_OK;
}

int
dof_host_open(dof_ctx *ctx, dof_evidence *ev, const dof_host_opts *opts,
              dof_host **out)
{
    dof_host *h = NULL;
    dof_hostinfo **hv = NULL;
    const char ***stores = NULL;
    size_t *nstores = NULL;
    const char *engine_version = NULL;
    size_t nvol;
    disc d;
    int rc = DOF_ERR_NOMEM;

    memset(&d, 0, sizeof(d));
    dof_buf_init(&d.searched);
    if (out == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_host_open: out is NULL");
    *out = NULL;
    if (ev == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_host_open: no evidence");
    nvol = dof_evidence_partition_count(ev);
    h = calloc(1, sizeof(*h));
    if (h == NULL)
        goto fail;
    h->ctx = ctx;
    h->arena = dof_arena_new();
    hv = calloc(nvol ? nvol : 1, sizeof(*hv));
    stores = calloc(nvol ? nvol : 1, sizeof(*stores));
    nstores = calloc(nvol ? nvol : 1, sizeof(*nstores));
    if (h->arena == NULL || hv == NULL || stores == NULL || nstores == NULL)
        goto fail;
    d.h = h;
    d.ev = ev;
    for (size_t v = 0; v < nvol; v++) {
        const dof_partition *vol = dof_evidence_partition(ev, v);
        char *buf = NULL;
        size_t len = 0;
        if (vol == NULL || vol->fs == NULL)
            continue;
        rc = dof_docker_hostinfo_read(ctx, h->arena, vol->fs, vol,
                                      opts ? opts->show_secrets : 0, &hv[v]);
        if (rc != DOF_OK)
            goto fail;
        if (hv[v]) {
            dof_hostinfo **ni =
                dof_arena_grow(h->arena, h->infos, h->ninfos, sizeof(*ni));
            rc = DOF_ERR_NOMEM;
            if (ni == NULL)
                goto fail;
            h->infos = ni;
            h->infos[h->ninfos++] = hv[v];
        }
        rc = other_stores(h->arena, vol->fs, &stores[v], &nstores[v]);
        if (rc != DOF_OK)
            goto fail;
        if (engine_version == NULL &&
            dof_fs_path_read(vol->fs, "/var/lib/dpkg/status",
                             DOF_CAP_JSON_BYTES, &buf, &len, NULL) == DOF_OK)
            engine_version = dof_docker_dpkg_version(h->arena, buf, len);
        free(buf);
    }
    rc = find_candidates(&d, opts, hv, nvol);
    if (rc != DOF_OK)
        goto fail;
    for (size_t i = 0; i < d.n; i++) {
        const dof_partition *vol = dof_evidence_partition(ev, d.c[i].vol);
        dof_root *r = NULL, **nr;
        rc = load_root(h, &d.c[i], vol, hv[d.c[i].vol], engine_version,
                       opts ? opts->only_container : NULL, &r);
        if (rc != DOF_OK)
            goto fail;
        nr = dof_arena_grow(h->arena, h->roots, h->nroots, sizeof(*nr));
        rc = DOF_ERR_NOMEM;
        if (nr == NULL)
            goto fail;
        h->roots = nr;
        h->roots[h->nroots++] = r;
    }
    /* stores not read yet: on the roots of the same volume, else on the
     * first root */
    for (size_t v = 0; v < nvol; v++) {
        dof_root *target = NULL;
        int placeholder = 0;
        if (nstores[v] == 0)
            continue;
        for (size_t i = 0; i < h->nroots; i++)
            if (h->roots[i]->volume_index ==
                dof_evidence_partition(ev, v)->index) {
                target = h->roots[i];
                break;
            }
        if (target == NULL && h->nroots)
            target = h->roots[0];
        if (target == NULL) {
            /* no Docker data root: one record names what is there */
            cand c = {v, dof_evidence_partition(ev, v)->fs, "/",
                      "other container store (not read yet)", 0};
            const dof_partition *vol = dof_evidence_partition(ev, v);
            dof_root **nr;
            target = dof_arena_calloc(h->arena, 1, sizeof(*target));
            nr = dof_arena_grow(h->arena, h->roots, h->nroots, sizeof(*nr));
            rc = DOF_ERR_NOMEM;
            if (target == NULL || nr == NULL)
                goto fail;
            target->path = c.path;
            target->fs = c.fs;
            target->volume_index = vol->index;
            target->volume_offset_bytes = vol->offset_bytes;
            target->found_by = c.found_by;
            target->engine_version = engine_version;
            target->journal_needs_recovery = dof_fs_needs_recovery(c.fs);
            h->roots = nr;
            h->roots[h->nroots++] = target;
            placeholder = 1;
        }
        for (size_t k = 0; k < nstores[v]; k++) {
            rc = dof_arena_push_str(h->arena, &target->other_stores,
                                    &target->nother_stores, stores[v][k]);
            if (rc != DOF_OK)
                goto fail;
            /* Next to a Docker data root, dockerd's own containerd state
             * is expected: `status` lists it.  Where it is the only store,
             * containers may be missed: that is a warning. */
            if (placeholder || strncmp(stores[v][k], "containerd:", 11))
                dof_warn(ctx, DOF_ERR_UNSUPPORTED, NULL,
                         "%s is not read yet (volume %zu)", stores[v][k], v);
        }
    }
    if (h->nroots == 0) {
        rc = dof_set_error(
            ctx, DOF_ERR_NODATA, "no Docker data root found; searched: %s%s",
            d.searched.len ? d.searched.data : "(no readable filesystem)",
            opts && opts->docker_root ? ""
                                      : ", and the root directory of every "
                                        "filesystem");
        goto fail;
    }
    free(hv);
    free(stores);
    free(nstores);
    dof_buf_free(&d.searched);
    *out = h;
    return DOF_OK;
fail:
    if (rc == DOF_ERR_NOMEM)
        dof_set_error(ctx, rc, "out of memory");
    free(hv);
    free(stores);
    free(nstores);
    dof_buf_free(&d.searched);
    dof_host_close(h);
    return rc;
}

void
dof_host_close(dof_host *host)
{
    if (host == NULL)
        return;
    dof_arena_free(host->arena);
    free(host);
}

size_t
dof_host_root_count(const dof_host *host)
{
    return host ? host->nroots : 0;
}

const dof_root *
dof_host_root(const dof_host *host, size_t i)
{
    return host && i < host->nroots ? host->roots[i] : NULL;
}

size_t
dof_host_info_count(const dof_host *host)
{
    return host ? host->ninfos : 0;
}

const dof_hostinfo *
dof_host_info(const dof_host *host, size_t i)
{
    return host && i < host->ninfos ? host->infos[i] : NULL;
}

/* ---------------------------------------------------------------- */
/* look-ups                                                          */
/* ---------------------------------------------------------------- */

int
dof_host_find_container(dof_ctx *ctx, const dof_host *host, const char *query,
                        const dof_container **out)
{
    const dof_container *hit = NULL;
    const char *name;
    size_t ql, nhits = 0;
    dof_buf msg;

    if (out)
        *out = NULL;
    if (host == NULL || query == NULL || out == NULL || *query == '\0')
        return dof_set_error(ctx, DOF_ERR_ARG, "no container named");
    name = query[0] == '/' ? query + 1 : query;
    ql = strlen(query);
    /* full ID, then name, then unique ID prefix (as dockerd does) */
    for (size_t r = 0; r < host->nroots; r++)
        for (size_t i = 0; i < host->roots[r]->ncontainers; i++) {
            const dof_container *c = &host->roots[r]->containers[i];
            if (c->id && strcmp(c->id, query) == 0) {
                *out = c;
                return DOF_OK;
            }
        }
    for (size_t r = 0; r < host->nroots; r++)
        for (size_t i = 0; i < host->roots[r]->ncontainers; i++) {
            const dof_container *c = &host->roots[r]->containers[i];
            if (c->name && strcmp(c->name, name) == 0) {
                *out = c;
                return DOF_OK;
            }
        }
    dof_buf_init(&msg);
    for (size_t r = 0; r < host->nroots; r++)
        for (size_t i = 0; i < host->roots[r]->ncontainers; i++) {
            const dof_container *c = &host->roots[r]->containers[i];
            if (c->id && strncmp(c->id, query, ql) == 0) {
                dof_buf_printf(&msg, "%s%s", nhits ? ", " : "", c->id);
                hit = c;
                nhits++;
            }
        }
    if (nhits == 1) {
        dof_buf_free(&msg);
        *out = hit;
        return DOF_OK;
    }
    if (nhits > 1) {
        int rc = dof_set_error(ctx, DOF_ERR_AMBIGUOUS,
                               "Too many container IDs starting with "
                               "\"%s\": %s",
                               query, msg.data ? msg.data : "");
        dof_buf_free(&msg);
        return rc;
    }
    dof_buf_free(&msg);
    return dof_set_error(ctx, DOF_ERR_NOTFOUND,
                         "Could not find any container ID starting with "
                         "\"%s\"",
                         query);
}

static int
has_ref(const dof_image *img, const char *ref)
{
    for (size_t i = 0; i < img->ntags; i++)
        if (strcmp(img->tags[i], ref) == 0)
            return 1;
    for (size_t i = 0; i < img->ndigests; i++)
        if (strcmp(img->digests[i], ref) == 0)
            return 1;
    return 0;
}

static const dof_image *
find_ref(const dof_host *host, const char *ref)
{
    for (size_t r = 0; r < host->nroots; r++)
        for (size_t i = 0; i < host->roots[r]->nimages; i++)
            if (has_ref(&host->roots[r]->images[i], ref))
                return &host->roots[r]->images[i];
    return NULL;
}

int
dof_host_find_image(dof_ctx *ctx, const dof_host *host, const char *query,
                    const dof_image **out)
{
    const dof_image *hit = NULL;
    const char *hex, *slash, *last;
    size_t ql, nhits = 0;
    dof_buf msg;
    int rc;

    if (out)
        *out = NULL;
    if (host == NULL || query == NULL || out == NULL || *query == '\0')
        return dof_set_error(ctx, DOF_ERR_ARG, "no image named");
    hit = find_ref(host, query);
    if (hit == NULL) {
        /* "repo" alone means "repo:latest" (a ':' after the last '/' is
         * a tag; before it, a registry port) */
        slash = strrchr(query, '/');
        last = slash ? slash : query;
        if (strchr(last, ':') == NULL && strchr(query, '@') == NULL) {
            dof_buf b;
            dof_buf_init(&b);
            dof_buf_printf(&b, "%s:latest", query);
            if (b.data)
                hit = find_ref(host, b.data);
            dof_buf_free(&b);
        }
    }
    if (hit) {
        *out = hit;
        return DOF_OK;
    }
    hex = strncmp(query, "sha256:", 7) == 0 ? query + 7 : query;
    ql = strlen(hex);
    if (ql == 0 || strspn(hex, "0123456789abcdef") != ql)
        return dof_set_error(ctx, DOF_ERR_NOTFOUND, "No such image: %s",
                             query);
    dof_buf_init(&msg);
    for (size_t r = 0; r < host->nroots; r++)
        for (size_t i = 0; i < host->roots[r]->nimages; i++) {
            const dof_image *img = &host->roots[r]->images[i];
            const char *id = img->id;
            if (strncmp(id, "sha256:", 7) == 0)
                id += 7;
            if (strncmp(id, hex, ql) == 0) {
                if (strlen(id) == ql) {
                    dof_buf_free(&msg);
                    *out = img;
                    return DOF_OK;
                }
                dof_buf_printf(&msg, "%s%s", nhits ? ", " : "", img->id);
                hit = img;
                nhits++;
            }
        }
    if (nhits == 1) {
        dof_buf_free(&msg);
        *out = hit;
        return DOF_OK;
    }
    if (nhits > 1)
        rc = dof_set_error(ctx, DOF_ERR_AMBIGUOUS,
                           "Too many image IDs starting with \"%s\": %s",
                           query, msg.data ? msg.data : "");
    else
        rc = dof_set_error(ctx, DOF_ERR_NOTFOUND, "No such image: %s", query);
    dof_buf_free(&msg);
    return rc;
}

static int
read_text(dof_ctx *ctx, dof_fs *fs, const char *path, char **out)
{
    size_t len = 0;
    int rc = dof_fs_path_read(fs, path, DOF_CAP_JSON_BYTES, out, &len, NULL);
    if (rc != DOF_OK)
        return dof_set_error(ctx, rc, "%s: %s", path, dof_status_name(rc));
    return DOF_OK;
}

int
dof_container_read_config(dof_ctx *ctx, const dof_container *c, char **config,
                          char **hostconfig)
{
    int rc;
    if (config)
        *config = NULL;
    if (hostconfig)
        *hostconfig = NULL;
    if (c == NULL || c->root == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "no container");
    if (config) {
        if (c->config_path == NULL)
            return dof_set_error(ctx, DOF_ERR_NOTFOUND,
                                 "container %s has no config file", c->id);
        rc = read_text(ctx, c->root->fs, c->config_path, config);
        if (rc != DOF_OK)
            return rc;
    }
    if (hostconfig && c->hostconfig_path) {
        rc = read_text(ctx, c->root->fs, c->hostconfig_path, hostconfig);
        if (rc != DOF_OK) {
            if (config) {
                free(*config);
                *config = NULL;
            }
            return rc;
        }
    }
    return DOF_OK;
}

int
dof_image_read_config(dof_ctx *ctx, const dof_image *img, char **config)
{
    if (config == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "config is NULL");
    *config = NULL;
    if (img == NULL || img->root == NULL || img->config_path == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "no image");
    return read_text(ctx, img->root->fs, img->config_path, config);
}
