/*
 * engine.c - the engine registry and dof_host: every engine probes the
 * evidence for its stores, then each store its engine can read is
 * loaded.  A store that is found but not read stays in the list with
 * read = 0 and its reason, and is a warning: never an empty store.
 */
#include "engine/engine_private.h"

#include <stdlib.h>

/* Docker first: its stores come first in every listing, as before. */
static const dof_engine engines[] = {
    {"docker", dof_docker_probe, dof_docker_load, dof_docker_rootfs,
     dof_docker_image_rootfs, dof_docker_logs},
    {"containerd", dof_containerd_probe, NULL, NULL, NULL, NULL},
    {"podman", dof_podman_probe, NULL, NULL, NULL, NULL},
};

size_t
dof_engine_count(void)
{
    return sizeof(engines) / sizeof(engines[0]);
}

const dof_engine *
dof_engine_get(size_t i)
{
    return i < dof_engine_count() ? &engines[i] : NULL;
}

static const dof_engine *
engine_find(const char *name)
{
    for (size_t i = 0; name && i < dof_engine_count(); i++)
        if (strcmp(engines[i].name, name) == 0)
            return &engines[i];
    return NULL;
}

int
dof_rootfs_init(dof_rootfs *rf)
{
    memset(rf, 0, sizeof(*rf));
    rf->arena = dof_arena_new();
    return rf->arena ? DOF_OK : DOF_ERR_NOMEM;
}

void
dof_rootfs_free(dof_rootfs *rf)
{
    if (rf == NULL)
        return;
    dof_arena_free(rf->arena);
    memset(rf, 0, sizeof(*rf));
}

int
dof_rootfs_add(dof_rootfs *rf, dof_usrc_kind kind, int index, const char *id,
               const char *path, dof_fs *fs, int aufs, int required)
{
    dof_rootfs_layer *nv, *l;

    if (rf->n >= DOF_CAP_LAYER_DEPTH + 2)
        return DOF_ERR_LIMIT;
    nv = dof_arena_grow(rf->arena, rf->v, rf->n, sizeof(*nv));
    if (nv == NULL)
        return DOF_ERR_NOMEM;
    rf->v = nv;
    l = &rf->v[rf->n];
    l->kind = kind;
    l->index = index;
    l->id = id ? dof_arena_strdup(rf->arena, id) : NULL;
    l->path = dof_arena_strdup(rf->arena, path);
    l->fs = fs;
    l->aufs = aufs;
    l->required = required;
    if ((id && l->id == NULL) || l->path == NULL)
        return DOF_ERR_NOMEM;
    rf->n++;
    return DOF_OK;
}

/* DOF_ERR_UNSUPPORTED: what (of c's engine) is not read yet. */
static int
not_read(dof_ctx *ctx, const dof_container *c, const char *what)
{
    return dof_set_error(ctx, DOF_ERR_UNSUPPORTED,
                         "container %s: %s of %s containers are not read by "
                         "this version",
                         c->name ? c->name : c->id, what,
                         c->engine ? c->engine : "?");
}

int
dof_engine_rootfs(dof_ctx *ctx, const dof_container *c, int for_diff,
                  dof_rootfs *out)
{
    const dof_engine *e = engine_find(c->engine ? c->engine : "docker");

    if (e == NULL || e->rootfs == NULL)
        return not_read(ctx, c, "the root filesystems");
    return e->rootfs(ctx, c, for_diff, out);
}

int
dof_engine_image_rootfs(dof_ctx *ctx, const dof_image *img, dof_rootfs *out)
{
    const dof_engine *e = engine_find(img->engine ? img->engine : "docker");

    if (e == NULL || e->image_rootfs == NULL)
        return dof_set_error(ctx, DOF_ERR_UNSUPPORTED,
                             "image %s: %s images are not read by this "
                             "version",
                             img->id, img->engine ? img->engine : "?");
    return e->image_rootfs(ctx, img, out);
}

int
dof_engine_logs(dof_ctx *ctx, const dof_container *c, dof_arena *a,
                dof_log_place *out)
{
    const dof_engine *e = engine_find(c->engine ? c->engine : "docker");

    memset(out, 0, sizeof(*out));
    if (e == NULL || e->logs == NULL)
        return not_read(ctx, c, "the logs");
    return e->logs(ctx, c, a, out);
}

dof_store *
dof_store_new(dof_host *h, const char *engine, const dof_partition *part,
              const char *path, const char *found_by)
{
    dof_store *s = dof_arena_calloc(h->arena, 1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->engine = engine;
    s->path = path;
    s->found_by = found_by;
    if (part != NULL) {
        s->fs = part->fs;
        s->volume = part->address ? part->address : "0";
        s->volume_index = part->index;
        s->volume_offset_bytes = part->offset_bytes;
        s->journal_needs_recovery =
            part->fs && dof_fs_needs_recovery(part->fs);
    }
    return s;
}

int
dof_host_store_add(dof_host *h, dof_store *s)
{
    dof_store **nv;

    if (s == NULL)
        return DOF_ERR_NOMEM;
    nv = dof_arena_grow(h->arena, h->stores, h->nstores, sizeof(*nv));
    if (nv == NULL)
        return DOF_ERR_NOMEM;
    h->stores = nv;
    h->stores[h->nstores++] = s;
    return DOF_OK;
}

const char *
dof_store_home_user(dof_arena *a, const char *path)
{
    if (path == NULL)
        return NULL;
    if (strncmp(path, "/root/", 6) == 0)
        return "root";
    if (strncmp(path, "/home/", 6) == 0 && path[6] != '\0' && path[6] != '/')
        return dof_arena_strndup(a, path + 6, strcspn(path + 6, "/"));
    return NULL;
}

const char *
dof_dpkg_version(dof_arena *a, const char *buf, size_t len,
                 const char *const *pkgs)
{
    size_t i = 0;
    int want = 0, installed = 0;
    const char *ver = NULL;
    size_t vlen = 0;

    while (i <= len) {
        size_t e = i;
        while (e < len && buf[e] != '\n')
            e++;
        if (e == i) { /* paragraph end */
            if (want && installed && ver)
                return dof_arena_strndup(a, ver, vlen);
            want = installed = 0;
            ver = NULL;
            if (e >= len)
                break;
        }
        else if (e - i > 9 && memcmp(buf + i, "Package: ", 9) == 0) {
            size_t n = e - i - 9;
            const char *p = buf + i + 9;
            want = 0;
            for (size_t k = 0; pkgs[k] && !want; k++)
                want = strlen(pkgs[k]) == n && memcmp(p, pkgs[k], n) == 0;
        }
        else if (e - i > 8 && memcmp(buf + i, "Status: ", 8) == 0) {
            installed =
                e - i >= 17 && memcmp(buf + e - 10, " installed", 10) == 0;
        }
        else if (e - i > 9 && memcmp(buf + i, "Version: ", 9) == 0) {
            ver = buf + i + 9;
            vlen = e - i - 9;
        }
        i = e + 1;
    }
    if (want && installed && ver)
        return dof_arena_strndup(a, ver, vlen);
    return NULL;
}

/* "containerd: /var/lib/containerd", "podman (rootless): /home/..." */
static const char *
store_label(dof_arena *a, const dof_store *s)
{
    return dof_arena_printf(a, "%s%s: %s", s->engine,
                            s->rootless_user ? " (rootless)" : "", s->path);
}

/*
 * Stores not read: named on the Docker data root of the same volume
 * (else the first) as before, and a warning - except dockerd's own
 * containerd next to a Docker data root, which is expected there.
 */
static int
name_unread(dof_host *h)
{
    dof_store *first = NULL;

    for (size_t i = 0; i < h->nstores && first == NULL; i++)
        if (h->stores[i]->read)
            first = h->stores[i];
    for (size_t i = 0; i < h->nstores; i++) {
        dof_store *s = h->stores[i], *target = NULL;
        const char *label;
        if (s->read || s->found_by == NULL ||
            strcmp(s->found_by, "docker containerd image store") == 0)
            continue;
        for (size_t k = 0; k < h->nstores && target == NULL; k++)
            if (h->stores[k]->read &&
                h->stores[k]->volume_index == s->volume_index)
                target = h->stores[k];
        if (target == NULL)
            target = first;
        label = store_label(h->arena, s);
        if (label == NULL)
            return DOF_ERR_NOMEM;
        if (target != NULL &&
            dof_arena_push_str(h->arena, &target->docker.other_stores,
                               &target->docker.nother_stores, label) != DOF_OK)
            return DOF_ERR_NOMEM;
        if (target == NULL || strcmp(s->engine, "containerd") != 0 ||
            s->rootless_user != NULL)
            dof_warn(h->ctx, DOF_ERR_UNSUPPORTED, s->path,
                     "%s store %s on volume %s is not read by this version "
                     "of dof: its containers and images are not listed",
                     s->engine, s->path, s->volume ? s->volume : "?");
    }
    return DOF_OK;
}

int
dof_host_open(dof_ctx *ctx, dof_evidence *ev, const dof_host_opts *opts,
              dof_host **out)
{
    dof_host *h;
    size_t nfound;
    int rc = DOF_OK;

    if (out == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_host_open: out is NULL");
    *out = NULL;
    if (ev == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_host_open: no evidence");
    /* evidence without a single readable filesystem is unreadable
     * evidence (exit 3 in the CLI), not a host without containers */
    nfound = 0;
    for (size_t i = 0; i < dof_evidence_partition_count(ev); i++)
        nfound += dof_evidence_partition(ev, i)->fs != NULL;
    if (nfound == 0)
        return dof_set_error(ctx, DOF_ERR_EVIDENCE,
                             "%s: no readable filesystem on the evidence "
                             "(%zu volumes; see dof status)",
                             dof_evidence_path(ev),
                             dof_evidence_partition_count(ev));
    h = calloc(1, sizeof(*h));
    if (h == NULL || (h->arena = dof_arena_new()) == NULL) {
        free(h);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    h->ctx = ctx;
    for (size_t e = 0; e < dof_engine_count() && rc == DOF_OK; e++)
        if (engines[e].probe)
            rc = engines[e].probe(h, ev, opts);
    /* load what was found (a load may add stores: Docker 29's own
     * containerd; those are not loaded again) */
    nfound = h->nstores;
    for (size_t i = 0; i < nfound && rc == DOF_OK; i++) {
        dof_store *s = h->stores[i];
        const dof_engine *eng = engine_find(s->engine);
        if (eng && eng->load && s->read)
            rc = eng->load(h, s, opts);
        else if (s->reason == NULL)
            s->reason = "not read by this version of dof";
    }
    if (rc == DOF_OK)
        rc = name_unread(h);
    if (rc == DOF_OK && h->nstores == 0)
        rc = dof_set_error(ctx, DOF_ERR_NODATA, "%s",
                           h->nodata_msg ? h->nodata_msg
                                         : "no container store found");
    if (rc != DOF_OK) {
        if (rc == DOF_ERR_NOMEM)
            dof_set_error(ctx, rc, "out of memory");
        dof_host_close(h);
        return rc;
    }
    *out = h;
    return DOF_OK;
}

void
dof_host_close(dof_host *host)
{
    if (host == NULL)
        return;
    dof_arena_free(host->arena);
    free(host);
}

DOF_GETTER(size_t, dof_host_store_count, dof_host, nstores, 0)
DOF_GETTER_AT(const dof_store *, dof_host_store, dof_host, stores, nstores)
DOF_GETTER(size_t, dof_host_info_count, dof_host, ninfos, 0)
DOF_GETTER_AT(const dof_hostinfo *, dof_host_info, dof_host, infos, ninfos)

void
dof_host_opts_init(dof_host_opts *o)
{
    if (o != NULL)
        memset(o, 0, sizeof(*o));
}

const dof_image *
dof_container_image(const dof_container *c)
{
    const dof_store *r = c ? c->store : NULL;

    if (r == NULL || c->image_id == NULL)
        return NULL;
    for (size_t i = 0; i < r->nimages; i++)
        if (r->images[i].id && strcmp(r->images[i].id, c->image_id) == 0)
            return &r->images[i];
    return NULL;
}
