/*
 * engine_private.h - the engine registry and the host object shared by
 * the engines (core/engine/).  An engine is one table row: it probes the
 * evidence for its stores and reads (loads) those it can.  Not
 * installed; included by core/engine/ files only.
 */
#ifndef DOF_ENGINE_PRIVATE_H
#define DOF_ENGINE_PRIVATE_H

#include "base/base_private.h"

/* The host: every store found, read or not, and the host side. */
struct dof_host {
    dof_ctx *ctx;
    dof_arena *arena; /* owns every store and record */
    dof_store **stores;
    size_t nstores;
    dof_hostinfo **infos;
    size_t ninfos;
    struct dof_docker_disc *docker; /* Docker's discovery, probe to load */
    const char *nodata_msg;         /* what was searched, for DOF_ERR_NODATA */
};

/* A container's root filesystem as the engine stacked it: layers top
 * first (the container's own layer, its init layer, image layers down to
 * the base).  view/ builds the merged view from it. */
typedef struct dof_rootfs_layer {
    dof_usrc_kind kind; /* CONTAINER, INIT or LAYER */
    int index;          /* image layer: 0 = base; -1 otherwise */
    const char *id;     /* the driver's directory name */
    const char *path;   /* the layer directory on fs */
    dof_fs *fs;
    int aufs;     /* aufs whiteouts (.wh.) rather than overlay ones */
    int required; /* missing: the view fails (else a warning) */
} dof_rootfs_layer;

typedef struct dof_rootfs {
    dof_arena *arena; /* owns v and its strings */
    dof_rootfs_layer *v;
    size_t n;
} dof_rootfs;

int dof_rootfs_init(dof_rootfs *rf);
void dof_rootfs_free(dof_rootfs *rf);
int dof_rootfs_add(dof_rootfs *rf, dof_usrc_kind kind, int index,
                   const char *id, const char *path, dof_fs *fs, int aufs,
                   int required);

/* Where a container's log files are, as its engine keeps them. */
typedef struct dof_log_place {
    const char *dir;       /* the directory on the store's fs */
    const char *base;      /* the current file; rotated: base.N, base.N.gz */
    dof_log_format format; /* how the records are stored */
    const char *driver;    /* the engine's name for it ("json-file") */
    /* 1: the driver keeps the logs outside the store (journald, syslog,
     * ...): only a cache may be here */
    int outside;
    /* 1: dir is a subdirectory that exists only once logs were written */
    int optional_dir;
} dof_log_place;

typedef struct dof_engine {
    const char *name; /* dof_store.engine */
    /* Find this engine's stores on every filesystem of ev and add them
     * to h (dof_host_store_add), read = 1 if load will read them. */
    int (*probe)(dof_host *h, dof_evidence *ev, const dof_host_opts *o);
    /* Read one store the probe found; NULL: stores of this engine are
     * listed, not read, by this version. */
    int (*load)(dof_host *h, dof_store *s, const dof_host_opts *o);
    /* A container's / an image's layer list (for_diff: the layers
     * `diff` compares against, where the engine keeps them apart). */
    int (*rootfs)(dof_ctx *ctx, const dof_container *c, int for_diff,
                  dof_rootfs *out);
    int (*image_rootfs)(dof_ctx *ctx, const dof_image *img, dof_rootfs *out);
    /* Where the container's logs are (strings in a). */
    int (*logs)(dof_ctx *ctx, const dof_container *c, dof_arena *a,
                dof_log_place *out);
} dof_engine;

/* Through the container's engine; DOF_ERR_UNSUPPORTED when its engine
 * has no logs entry. */
int dof_engine_logs(dof_ctx *ctx, const dof_container *c, dof_arena *a,
                    dof_log_place *out);

/* Through the container's (image's) engine; DOF_ERR_UNSUPPORTED when its
 * engine has no rootfs. */
int dof_engine_rootfs(dof_ctx *ctx, const dof_container *c, int for_diff,
                      dof_rootfs *out);
int dof_engine_image_rootfs(dof_ctx *ctx, const dof_image *img,
                            dof_rootfs *out);

size_t dof_engine_count(void);
const dof_engine *dof_engine_get(size_t i);

/* A new store record in h's arena, not yet added.  NULL: out of memory. */
dof_store *dof_store_new(dof_host *h, const char *engine,
                         const dof_partition *part, const char *path,
                         const char *found_by);
/* Append s to h's stores. */
int dof_host_store_add(dof_host *h, dof_store *s);

/* The user a rootless store belongs to, from its path: "<user>" for
 * /home/<user>/..., "root" for /root/..., NULL for anything else. */
const char *dof_store_home_user(dof_arena *a, const char *path);

/* The Version of the first installed package named in pkgs in a dpkg
 * status file, or NULL. */
const char *dof_dpkg_version(dof_arena *a, const char *buf, size_t len,
                             const char *const *pkgs);

/* core/engine/docker/docker.c */
int dof_docker_probe(dof_host *h, dof_evidence *ev, const dof_host_opts *o);
int dof_docker_load(dof_host *h, dof_store *s, const dof_host_opts *o);
int dof_docker_logs(dof_ctx *ctx, const dof_container *c, dof_arena *a,
                    dof_log_place *out);
/* core/engine/docker/docker_rootfs.c */
int dof_docker_rootfs(dof_ctx *ctx, const dof_container *c, int for_diff,
                      dof_rootfs *out);
int dof_docker_image_rootfs(dof_ctx *ctx, const dof_image *img,
                            dof_rootfs *out);
/* core/engine/engine_detect.c: stores of engines not read yet */
int dof_containerd_probe(dof_host *h, dof_evidence *ev,
                         const dof_host_opts *o);
int dof_podman_probe(dof_host *h, dof_evidence *ev, const dof_host_opts *o);

#endif
