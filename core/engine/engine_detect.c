/*
 * engine_detect.c - the probes of engines this version lists but does
 * not read: containerd (Kubernetes nodes, nerdctl, k3s) and Podman,
 * rootful and rootless.  Each store found is a record with read = 0, so
 * that an examiner sees where containers sit that dof did not list.
 */
#include "engine/engine_private.h"
#include "fs/fs_path.h"

#include <stdlib.h>

static const char *const containerd_pkgs[] = {"containerd", "containerd.io",
                                              NULL};
static const char *const podman_pkgs[] = {"podman", NULL};

typedef struct place {
    const char *path;     /* rootful path, or the part below a home */
    const char *found_by; /* how it is named */
    int in_homes;         /* look below /root and every /home/<user> */
} place;

static const place containerd_places[] = {
    {"/var/lib/containerd", "default", 0},
    {"/var/lib/rancher/k3s/agent/containerd", "k3s", 0},
    {"/.local/share/containerd", "rootless", 1},
};

static const place podman_places[] = {
    {"/var/lib/containers/storage", "default", 0},
    {"/.local/share/containers/storage", "rootless", 1},
};

/* The engine's package version on the partition's dpkg status. */
static const char *
pkg_version(dof_host *h, const dof_partition *part, const char *engine)
{
    char *buf = NULL;
    size_t len = 0;
    const char *v = NULL;

    if (dof_fs_path_read(part->fs, "/var/lib/dpkg/status", DOF_CAP_JSON_BYTES,
                         &buf, &len, NULL) == DOF_OK)
        v = dof_dpkg_version(h->arena, buf, len,
                             strcmp(engine, "podman") == 0 ? podman_pkgs
                                                           : containerd_pkgs);
    free(buf);
    dof_clear_error(h->ctx);
    return v;
}

static int
add_if_dir(dof_host *h, const char *engine, const dof_partition *part,
           const char *path, const char *found_by, int rootless)
{
    dof_store *s;

    if (path == NULL)
        return DOF_ERR_NOMEM;
    if (!dof_fs_path_is_dir(part->fs, path))
        return DOF_OK;
    s = dof_store_new(h, engine, part, path, found_by);
    if (s == NULL)
        return DOF_ERR_NOMEM;
    if (rootless)
        s->rootless_user = dof_store_home_user(h->arena, path);
    s->read = 0;
    s->reason = dof_arena_printf(h->arena,
                                 "%s stores are not read by this version "
                                 "of dof",
                                 engine);
    return dof_host_store_add(h, s);
}

static int
probe_places(dof_host *h, dof_evidence *ev, const char *engine,
             const place *pl, size_t npl)
{
    int rc = DOF_OK;

    for (size_t v = 0; v < dof_evidence_partition_count(ev); v++) {
        const dof_partition *part = dof_evidence_partition(ev, v);
        const char **homes = NULL;
        size_t nhomes = 0, first = h->nstores;

        if (part == NULL || part->fs == NULL)
            continue;
        if (dof_fs_path_list(part->fs, h->arena, "/home", &homes, &nhomes) !=
            DOF_OK)
            nhomes = 0;
        for (size_t i = 0; i < npl && rc == DOF_OK; i++) {
            if (!pl[i].in_homes) {
                rc =
                    add_if_dir(h, engine, part, pl[i].path, pl[i].found_by, 0);
                continue;
            }
            rc = add_if_dir(h, engine, part,
                            dof_arena_printf(h->arena, "/root%s", pl[i].path),
                            pl[i].found_by, 1);
            for (size_t k = 0; k < nhomes && rc == DOF_OK; k++)
                rc = add_if_dir(h, engine, part,
                                dof_arena_printf(h->arena, "/home/%s%s",
                                                 homes[k], pl[i].path),
                                pl[i].found_by, 1);
        }
        /* the package database once per partition, not per store */
        if (rc == DOF_OK && h->nstores > first) {
            const char *ver = pkg_version(h, part, engine);
            for (size_t k = first; k < h->nstores; k++)
                h->stores[k]->engine_version = ver;
        }
        dof_clear_error(h->ctx);
    }
    return rc;
}

int
dof_containerd_probe(dof_host *h, dof_evidence *ev, const dof_host_opts *o)
{
    (void)o;
    return probe_places(h, ev, "containerd", containerd_places,
                        sizeof(containerd_places) /
                            sizeof(containerd_places[0]));
}

int
dof_podman_probe(dof_host *h, dof_evidence *ev, const dof_host_opts *o)
{
    (void)o;
    return probe_places(h, ev, "podman", podman_places,
                        sizeof(podman_places) / sizeof(podman_places[0]));
}
