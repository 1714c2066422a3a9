/*
 * docker_private.h - internals of the engine-model layer (core/docker*,
 * core/bbolt*).  Not installed; included only by core/docker*.c and
 * core/bbolt*.c.
 */
#ifndef DOF_DOCKER_PRIVATE_H
#define DOF_DOCKER_PRIVATE_H

#include "base/base_private.h"
#include "engine/engine_private.h"
#include "formats/bbolt.h"
#include "formats/json_private.h"
#include "fs/fs_path.h"

/* Everything needed while one data root is being parsed. */
typedef struct dof_storeb {
    dof_ctx *ctx;
    dof_arena *arena; /* owns every string and array of the root */
    dof_fs *fs;
    dof_store *store;   /* the public record being filled */
    dof_node root_node; /* the data root directory */
    /* engine model only (core/docker*.c) */
    const char *img_dir; /* <root>/image/<driver>, or NULL */
    /* overlay2 "l/<link>" -> layer id, resolved once per root (every
     * container's lower file names the same links again) */
    struct dof_strmap *links;
    /* top ChainID -> its layerdb chain walk (core/docker_image.c) */
    struct dof_strmap *chains;
    /* dof_host_opts.only_container, or NULL */
    const char *only;
} dof_storeb;

/* core/docker_volume.c: fill root->volumes from volumes/metadata.db
 * (bbolt), volumes/<name>/_data and opts.json.  Damage -> warnings. */
int dof_docker_volumes_load(dof_storeb *rb);
/* Name, in each volume's containers list, every container of the store
 * that mounts it (after the containers and volumes are loaded). */
int dof_docker_volumes_link(dof_storeb *rb);

/* core/docker_network.c: fill root->networks from
 * network/files/local-kv.db.  Damage -> warnings. */
int dof_docker_networks_load(dof_storeb *rb);

/* ---- containers (core/docker_container.c) ---- */
/* moby container/state.go StateString. */
dof_state dof_docker_state_derive(int running, int paused, int restarting,
                                  int removal, int dead, int64_t started_at);
/* Parse config.v2.json (or pre-1.10 config.json when legacy) and
 * hostconfig.json (hc may be NULL) into c.  c->id, c->config_path and
 * c->hostconfig_path may be preset (warnings name them).  Damage sets
 * c->damaged and becomes warnings; only out of memory fails. */
int dof_docker_container_parse(dof_storeb *rb, dof_container *c,
                               const char *cfg, size_t cfglen, const char *hc,
                               size_t hclen, int legacy);
/* Read every containers/<id>/ of the root into root->containers. */
int dof_docker_containers_load(dof_storeb *rb);

/* ---- images and layers (core/docker_image.c) ---- */
/* "sha256:" + sha256hex(parent + " " + diff); parent NULL = base layer
 * (then the ChainID is the DiffID).  out: 72 bytes. */
void dof_docker_chain_id(const char *parent, const char *diff_id,
                         char out[72]);

typedef struct dof_repo_ref {
    const char *ref; /* "repo:tag" or "repo@sha256:..." */
    const char *id;  /* image id as stored */
    int is_digest;
} dof_repo_ref;
/* repositories.json (and pre-1.10 repositories-<driver>, whose inner
 * keys are bare tags). */
int dof_docker_repositories_parse(dof_ctx *ctx, dof_arena *a, const char *path,
                                  const char *buf, size_t len,
                                  dof_repo_ref **out, size_t *n);
/* Parse an image config (imagedb content) into img: fields, history and
 * layers (diff_id + chain_id).  Damage -> img->damaged + warnings. */
int dof_docker_image_parse(dof_storeb *rb, dof_image *img, const char *buf,
                           size_t len);
/* Images, layers and the cross-checks (containers must be loaded). */
int dof_docker_images_load(dof_storeb *rb);
/* Mark the untagged images that are the parent of another image of the
 * store (the classic builder's steps) as intermediate. */
int dof_docker_images_mark_intermediate(dof_storeb *rb);

/* ---- host side (core/docker_hostinfo.c) ---- */
int dof_docker_daemon_json_parse(dof_ctx *ctx, dof_arena *a, dof_hostinfo *hi,
                                 const char *path, const char *buf,
                                 size_t len);
/* systemd units, /etc/default/docker: -H/--host tcp:// entries. */
int dof_docker_unit_scan(dof_arena *a, dof_hostinfo *hi, const char *path,
                         const char *buf, size_t len);
/* /etc/group: members of group docker. */
int dof_docker_group_parse(dof_arena *a, dof_hostinfo *hi, const char *buf,
                           size_t len);
/* ~/.docker/config.json: "user: registry" per auths entry. */
int dof_docker_creds_parse(dof_ctx *ctx, dof_arena *a, dof_hostinfo *hi,
                           const char *path, const char *buf, size_t len,
                           int show_secrets);
/* 1 if a shell history holds a docker command. */
int dof_docker_history_has_docker(const char *buf, size_t len);
/* Version of docker.io / docker-ce / moby-engine in dpkg status. */
const char *dof_docker_dpkg_version(dof_arena *a, const char *buf, size_t len);
/* Read the host side of one filesystem (NULL if nothing is there). */
int dof_docker_hostinfo_read(dof_ctx *ctx, dof_arena *a, dof_fs *fs,
                             const dof_partition *vol, int show_secrets,
                             dof_hostinfo **out);

/* ---- Docker records over bbolt (pure parts, for tests and fuzzing) ---- */
/* Add the volumes of a volumes/metadata.db image to rb->root->volumes
 * (in_metadata = 1).  rb->fs is not used. */
int dof_docker_volumes_parse(dof_storeb *rb, const char *path, const void *buf,
                             size_t len);
/* Add the networks (and their endpoints) of a network/files/local-kv.db
 * image to rb->root->networks, sorted by name. */
int dof_docker_networks_parse(dof_storeb *rb, const char *path,
                              const void *buf, size_t len);
/* A libnetwork kv value: skip an 8-byte little-endian index when what
 * follows is JSON; *json = NULL when the value is not JSON at all. */
void dof_docker_kv_json(const unsigned char *v, size_t len, const char **json,
                        size_t *jlen);

#endif
