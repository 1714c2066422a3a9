/*
 * docker_private.h - internals of the engine-model layer (core/docker*,
 * core/bbolt*).  Not installed; included only by core/docker*.c and
 * core/bbolt*.c.
 */
#ifndef DOF_DOCKER_PRIVATE_H
#define DOF_DOCKER_PRIVATE_H

#include "private.h"

#include <json.h>

/* Everything needed while one data root is being parsed. */
typedef struct dof_rootb {
    dof_ctx *ctx;
    dof_arena *arena; /* owns every string and array of the root */
    dof_fs *fs;
    dof_root *root;     /* the public record being filled */
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
} dof_rootb;

/* A small string -> string map in an arena (open addressing). */
typedef struct dof_strmap dof_strmap;
dof_strmap *dof_strmap_new(dof_arena *a);
const char *dof_strmap_get(const dof_strmap *m, const char *key);
int dof_strmap_put(dof_strmap *m, const char *key, const char *value);

/* The host object (core/docker.c; here so that tests can build one). */
struct dof_host {
    dof_ctx *ctx;
    dof_arena *arena;
    dof_root **roots;
    size_t nroots;
    dof_hostinfo **infos;
    size_t ninfos;
};

/* core/docker_volume.c: fill root->volumes from volumes/metadata.db
 * (bbolt), volumes/<name>/_data and opts.json.  Damage -> warnings. */
int dof_docker_volumes_load(dof_rootb *rb);

/* core/docker_network.c: fill root->networks from
 * network/files/local-kv.db.  Damage -> warnings. */
int dof_docker_networks_load(dof_rootb *rb);

/* ---- arrays in an arena (core/docker_json.c) ---- */
/* Return an array with room for element n (n+1 elements), copying the
 * n old ones when it grows (capacity: powers of two >= 4).  NULL on out
 * of memory (the old array is still valid). */
void *dof_dk_grow(dof_arena *a, void *v, size_t n, size_t elsize);
/* Append s (already owned by the arena) to (*v, *n). */
int dof_dk_push(dof_arena *a, const char ***v, size_t *n, const char *s);
/* Sort an array of strings in place (strcmp order). */
void dof_dk_sort_strv(const char **v, size_t n);

/* ---- JSON over json-c, with a size cap (core/docker_json.c) ---- */
/* Parse a whole buffer.  DOF_ERR_LIMIT if len > cap, DOF_ERR_FORMAT if
 * it is not exactly one JSON value (why names the reason). */
int dof_json_parse(const char *buf, size_t len, size_t cap, json_object **out,
                   char *why, size_t whylen);

/* Field extraction that records wrong types instead of failing. */
typedef struct dof_jx {
    dof_arena *a;
    int bad;            /* number of fields with a wrong type */
    char first_bad[96]; /* name of the first one */
    int oom;
} dof_jx;

void dof_jx_init(dof_jx *x, dof_arena *a);
/* Member of an object, or NULL (absent, JSON null, or o not an object). */
json_object *dof_jx_get(json_object *o, const char *key);
/* Member that must be an object (NULL if absent; wrong type = bad). */
json_object *dof_jx_obj(dof_jx *x, json_object *o, const char *key);
/* Member that must be an array. */
json_object *dof_jx_arr(dof_jx *x, json_object *o, const char *key);
const char *dof_jx_str(dof_jx *x, json_object *o, const char *key);
int dof_jx_bool(dof_jx *x, json_object *o, const char *key);
int64_t dof_jx_int(dof_jx *x, json_object *o, const char *key, int64_t dflt);
/* RFC 3339 string; *raw gets the text (NULL if absent). */
int64_t dof_jx_time(dof_jx *x, json_object *o, const char *key,
                    const char **raw);
/* Array of strings (a lone string counts as one element). */
const char **dof_jx_strv(dof_jx *x, json_object *o, const char *key,
                         size_t *n);
/* Object of strings -> key/value pairs sorted by key. */
dof_kv *dof_jx_kv(dof_jx *x, json_object *o, const char *key, size_t *n);
/* Keys of an object, sorted. */
const char **dof_jx_keys(dof_jx *x, json_object *o, const char *key,
                         size_t *n);
/* Note a wrong type by hand. */
void dof_jx_bad(dof_jx *x, const char *key);

/* ---- small fs helpers (core/docker.c) ---- */
/* 1 if path is a directory on fs. */
int dof_dk_is_dir(dof_fs *fs, const char *path);
int dof_dk_exists(dof_fs *fs, const char *path);
/* Whole file (malloc'd); ino may be NULL.  Status as dof_fs_read_all. */
int dof_dk_read(dof_fs *fs, const char *path, size_t cap, char **out,
                size_t *len, uint64_t *ino);
/* Small text file with trailing whitespace removed, in the arena; NULL
 * if absent or unreadable (*st gets the status when st != NULL). */
char *dof_dk_read_small(dof_fs *fs, dof_arena *a, const char *path, int *st);
/* Names in a directory (allocated entries only), sorted; *n = 0 and
 * DOF_ERR_NOTFOUND if the directory is absent. */
int dof_dk_list(dof_fs *fs, dof_arena *a, const char *path,
                const char ***names, size_t *n);

/* ---- containers (core/docker_container.c) ---- */
/* moby container/state.go StateString. */
dof_state dof_docker_state_derive(int running, int paused, int restarting,
                                  int removal, int dead, int64_t started_at);
/* Parse config.v2.json (or pre-1.10 config.json when legacy) and
 * hostconfig.json (hc may be NULL) into c.  c->id, c->config_path and
 * c->hostconfig_path may be preset (warnings name them).  Damage sets
 * c->damaged and becomes warnings; only out of memory fails. */
int dof_docker_container_parse(dof_rootb *rb, dof_container *c,
                               const char *cfg, size_t cfglen, const char *hc,
                               size_t hclen, int legacy);
/* Read every containers/<id>/ of the root into root->containers. */
int dof_docker_containers_load(dof_rootb *rb);

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
int dof_docker_image_parse(dof_rootb *rb, dof_image *img, const char *buf,
                           size_t len);
/* Images, layers and the cross-checks (containers must be loaded). */
int dof_docker_images_load(dof_rootb *rb);

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
                             const dof_volume *vol, int show_secrets,
                             dof_hostinfo **out);

#endif
