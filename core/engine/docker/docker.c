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
read_swarm(dof_storeb *rb)
{
    dof_store *r = rb->store;
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
            r->docker.swarm_node_id = dof_jx_str(&x, j, "NodeID");
            for (size_t i = 0; i < 4 && r->docker.swarm_addr == NULL; i++) {
                const char *s = dof_jx_str(&x, j, addrs[i]);
                if (s && *s)
                    r->docker.swarm_addr = s;
            }
            r->docker.swarm_member = r->docker.swarm_addr != NULL;
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
            r->docker.swarm_member = 1;
        for (size_t i = 0; i < n && r->docker.swarm_node_id == NULL; i++) {
            json_object *e = json_object_array_get_idx(j, i);
            const char *addr = dof_jx_str(&x, e, "addr");
            if (n == 1 || same_host(addr, r->docker.swarm_addr))
                r->docker.swarm_node_id = dof_jx_str(&x, e, "node_id");
        }
    }
    json_object_put(j);
    free(buf);
}

/* The data root's path on the running host: the engine recorded it in
 * every container's HostnamePath/HostsPath/LogPath as
 * "<root>/containers/<id>/...".  Falls back to the path on the fs. */
static const char *
engine_root_path(dof_arena *a, const dof_store *r)
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
dof_store_resolve(const dof_store *root, const char *host_path,
                  int follow_last, dof_node *out)
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

/* Docker 29+'s own containerd (images and layers): a store of its own,
 * named on the data root too. */
static int
docker29_store(dof_host *h, dof_store *r, const dof_partition *vol,
               const char *path)
{
    dof_store *s;

    if (dof_arena_push_str(h->arena, &r->docker.other_stores,
                           &r->docker.nother_stores,
                           dof_arena_printf(h->arena,
                                            "docker containerd image store "
                                            "(Docker 29+): %s",
                                            path)) != DOF_OK)
        return DOF_ERR_NOMEM;
    s = dof_store_new(h, "containerd", vol, path,
                      "docker containerd image store");
    if (s == NULL)
        return DOF_ERR_NOMEM;
    s->engine_version = r->engine_version;
    s->engine_version_source = r->engine_version_source;
    s->rootless_user = r->rootless_user;
    s->reason = "Docker 29's containerd image store is not read by this "
                "version of dof";
    return dof_host_store_add(h, s);
}

/* No package database: the docker_version the engine writes into the
 * images it builds, imports or commits (the most frequent one; a pulled
 * image carries its builder's, so the source says how many agree). */
static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void
version_from_images(dof_store *r, dof_arena *a)
{
    const char **v = r->nimages ? calloc(r->nimages, sizeof(*v)) : NULL;
    const char *best = NULL;
    size_t n = 0, nbest = 0;

    for (size_t i = 0; v && i < r->nimages; i++)
        if (r->images[i].docker_version && *r->images[i].docker_version)
            v[n++] = r->images[i].docker_version;
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0, run = 0; i < n; i++) {
        run = i > 0 && strcmp(v[i], v[i - 1]) == 0 ? run + 1 : 1;
        if (run > nbest) {
            best = v[i];
            nbest = run;
        }
    }
    if (best != NULL) {
        r->engine_version = best;
        r->engine_version_source = dof_arena_printf(
            a, "docker_version of %zu of the %zu images that carry one", nbest,
            n);
    }
    free(v);
}

static int
load_root(dof_host *h, dof_store *r, const cand *cd, const dof_partition *vol,
          const dof_hostinfo *hi, const char *engine_version, const char *only)
{
    dof_arena *a = h->arena;
    dof_storeb rb;
    char *p;
    int rc;

    r->path = cd->path;
    r->fs = cd->fs;
    r->volume_index = vol ? vol->index : (unsigned)cd->vol;
    r->volume_offset_bytes = vol ? vol->offset_bytes : 0;
    r->volume = vol && vol->address ? vol->address : "0";
    r->rootless_user = strncmp(cd->found_by, "rootless", 8) == 0
                           ? dof_store_home_user(a, cd->path)
                           : NULL;
    r->engine_version = engine_version;
    if (engine_version != NULL)
        r->engine_version_source = "package database (/var/lib/dpkg/status)";
    r->journal_needs_recovery = dof_fs_needs_recovery(cd->fs);
    if (r->journal_needs_recovery)
        dof_warn(h->ctx, DOF_ERR_FORMAT, r->path,
                 "the %s %s of volume %u needs recovery: what is read may "
                 "be older than what the host last saw",
                 dof_fs_type_name(cd->fs),
                 strcmp(dof_fs_type_name(cd->fs), "xfs") == 0 ? "log"
                                                              : "journal",
                 r->volume_index);
    r->driver = pick_driver(a, cd->fs, r->path,
                            hi ? hi->storage_driver_setting : NULL);
    p = dof_path_join(a, r->path, "engine-id");
    r->docker.engine_id = dof_fs_path_read_small(cd->fs, a, p, NULL);
    memset(&rb, 0, sizeof(rb));
    rb.ctx = h->ctx;
    rb.arena = a;
    rb.fs = cd->fs;
    rb.store = r;
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
        if (snap && dof_fs_path_is_dir(cd->fs, dof_path_join(a, p, "daemon")))
            rc = docker29_store(h, r, vol, p);
        if (rc != DOF_OK)
            return rc;
    }
    if (rc == DOF_OK && only == NULL)
        rc = dof_docker_images_load(&rb);
    if (rc == DOF_OK)
        rc = dof_docker_images_mark_intermediate(&rb);
    if (rc == DOF_OK && r->engine_version == NULL)
        version_from_images(r, h->arena);
    if (rc == DOF_OK)
        rc = dof_docker_volumes_load(&rb);
    if (rc == DOF_OK)
        rc = dof_docker_volumes_link(&rb);
    if (rc == DOF_OK)
        rc = dof_docker_networks_load(&rb);
    if (rc != DOF_OK)
        return rc;
    for (size_t i = 0; i < r->ncontainers; i++) {
        dof_container *c = &r->containers[i];
        c->engine = r->engine;
        c->rootless_user = r->rootless_user;
        /* moby derives the word from State's flags: the same */
        c->state_raw = dof_state_name(c->state);
    }
    for (size_t i = 0; i < r->nimages; i++) {
        r->images[i].engine = r->engine;
        r->images[i].rootless_user = r->rootless_user;
    }
    return DOF_OK;
}

/* Discovery state from dof_docker_probe to dof_docker_load. */
struct dof_docker_disc {
    dof_evidence *ev;
    dof_hostinfo **hv; /* per partition, or NULL */
    const char *engine_version;
    disc d; /* the candidates, in the order the stores were added */
    dof_store **stores;
};

int
dof_docker_probe(dof_host *h, dof_evidence *ev, const dof_host_opts *opts)
{
    struct dof_docker_disc *dd;
    size_t nvol = dof_evidence_partition_count(ev);
    int rc;

    dd = dof_arena_calloc(h->arena, 1, sizeof(*dd));
    if (dd == NULL || (dd->hv = dof_arena_calloc(h->arena, nvol ? nvol : 1,
                                                 sizeof(*dd->hv))) == NULL)
        return DOF_ERR_NOMEM;
    h->docker = dd;
    dd->ev = ev;
    dd->d.h = h;
    dd->d.ev = ev;
    dof_buf_init(&dd->d.searched);
    for (size_t v = 0; v < nvol; v++) {
        const dof_partition *vol = dof_evidence_partition(ev, v);
        char *buf = NULL;
        size_t len = 0;
        if (vol == NULL || vol->fs == NULL)
            continue;
        rc = dof_docker_hostinfo_read(h->ctx, h->arena, vol->fs, vol,
                                      opts ? opts->show_secrets : 0,
                                      &dd->hv[v]);
        if (rc != DOF_OK)
            goto done;
        if (dd->hv[v]) {
            dof_hostinfo **ni =
                dof_arena_grow(h->arena, h->infos, h->ninfos, sizeof(*ni));
            rc = DOF_ERR_NOMEM;
            if (ni == NULL)
                goto done;
            h->infos = ni;
            h->infos[h->ninfos++] = dd->hv[v];
        }
        if (dd->engine_version == NULL &&
            dof_fs_path_read(vol->fs, "/var/lib/dpkg/status",
                             DOF_CAP_JSON_BYTES, &buf, &len, NULL) == DOF_OK)
            dd->engine_version = dof_docker_dpkg_version(h->arena, buf, len);
        free(buf);
    }
    rc = find_candidates(&dd->d, opts, dd->hv, nvol);
    if (rc == DOF_OK && dd->d.n > 0)
        dd->stores = dof_arena_calloc(h->arena, dd->d.n, sizeof(*dd->stores));
    if (rc == DOF_OK && dd->d.n > 0 && dd->stores == NULL)
        rc = DOF_ERR_NOMEM;
    for (size_t i = 0; i < dd->d.n && rc == DOF_OK; i++) {
        const cand *cd = &dd->d.c[i];
        dof_store *s =
            dof_store_new(h, "docker", dof_evidence_partition(ev, cd->vol),
                          cd->path, cd->found_by);
        if (s == NULL)
            rc = DOF_ERR_NOMEM;
        else {
            s->read = 1;
            dd->stores[i] = s;
            rc = dof_host_store_add(h, s);
        }
    }
    if (rc == DOF_OK && dd->d.n == 0 && opts && opts->docker_root) {
        /* the examiner named the root: a typo is an error, never an
         * empty host */
        int isdir = 0;
        for (size_t v = 0; v < nvol; v++) {
            const dof_partition *p = dof_evidence_partition(ev, v);
            if (p && p->fs && dof_fs_path_is_dir(p->fs, opts->docker_root))
                isdir = 1;
        }
        rc = dof_set_error(
            h->ctx, DOF_ERR_NODATA,
            isdir ? "--docker-root %s: a directory, but no Docker data root "
                    "(no containers/, image/ or overlay2/ in it) on any "
                    "volume"
                  : "--docker-root %s: no such directory on any volume",
            opts->docker_root);
        goto done;
    }
    if (rc == DOF_OK && dd->d.n == 0)
        h->nodata_msg = dof_arena_printf(
            h->arena, "no Docker data root found; searched: %s%s",
            dd->d.searched.len ? dd->d.searched.data
                               : "(no readable filesystem)",
            opts && opts->docker_root ? ""
                                      : ", and the root directory of every "
                                        "filesystem");
done:
    dof_buf_free(&dd->d.searched);
    return rc;
}

int
dof_docker_load(dof_host *h, dof_store *s, const dof_host_opts *opts)
{
    struct dof_docker_disc *dd = h->docker;

    for (size_t i = 0; dd && i < dd->d.n; i++) {
        const cand *cd = &dd->d.c[i];
        if (dd->stores[i] != s)
            continue;
        return load_root(h, s, cd, dof_evidence_partition(dd->ev, cd->vol),
                         dd->hv[cd->vol], dd->engine_version,
                         opts ? opts->only_container : NULL);
    }
    return dof_set_error(h->ctx, DOF_ERR_ARG,
                         "docker: store %s was not found by the probe",
                         s->path);
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
    for (size_t r = 0; r < host->nstores; r++)
        for (size_t i = 0; i < host->stores[r]->ncontainers; i++) {
            const dof_container *c = &host->stores[r]->containers[i];
            if (c->id && strcmp(c->id, query) == 0) {
                *out = c;
                return DOF_OK;
            }
        }
    for (size_t r = 0; r < host->nstores; r++)
        for (size_t i = 0; i < host->stores[r]->ncontainers; i++) {
            const dof_container *c = &host->stores[r]->containers[i];
            if (c->name && strcmp(c->name, name) == 0) {
                *out = c;
                return DOF_OK;
            }
        }
    dof_buf_init(&msg);
    for (size_t r = 0; r < host->nstores; r++)
        for (size_t i = 0; i < host->stores[r]->ncontainers; i++) {
            const dof_container *c = &host->stores[r]->containers[i];
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
                         "no container named or with an ID starting with "
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
    for (size_t r = 0; r < host->nstores; r++)
        for (size_t i = 0; i < host->stores[r]->nimages; i++)
            if (has_ref(&host->stores[r]->images[i], ref))
                return &host->stores[r]->images[i];
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
    for (size_t r = 0; r < host->nstores; r++)
        for (size_t i = 0; i < host->stores[r]->nimages; i++) {
            const dof_image *img = &host->stores[r]->images[i];
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
    if (c == NULL || c->store == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "no container");
    if (config) {
        if (c->config_path == NULL)
            return dof_set_error(ctx, DOF_ERR_NOTFOUND,
                                 "container %s has no config file", c->id);
        rc = read_text(ctx, c->store->fs, c->config_path, config);
        if (rc != DOF_OK)
            return rc;
    }
    if (hostconfig && c->hostconfig_path) {
        rc = read_text(ctx, c->store->fs, c->hostconfig_path, hostconfig);
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
    if (img == NULL || img->store == NULL || img->config_path == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "no image");
    return read_text(ctx, img->store->fs, img->config_path, config);
}
