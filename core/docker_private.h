/*
 * docker_private.h - internals of the engine-model layer (core/docker*,
 * core/bbolt*).  Not installed; included only by core/docker*.c and
 * core/bbolt*.c.
 */
#ifndef DOF_DOCKER_PRIVATE_H
#define DOF_DOCKER_PRIVATE_H

#include "private.h"

/* Everything needed while one data root is being parsed. */
typedef struct dof_rootb {
    dof_ctx *ctx;
    dof_arena *arena;   /* owns every string and array of the root */
    dof_fs *fs;
    dof_root *root;     /* the public record being filled */
    dof_node root_node; /* the data root directory */
} dof_rootb;

/* core/docker_volume.c: fill root->volumes from volumes/metadata.db
 * (bbolt), volumes/<name>/_data and opts.json.  Damage -> warnings. */
int dof_docker_volumes_load(dof_rootb *rb);

/* core/docker_network.c: fill root->networks from
 * network/files/local-kv.db.  Damage -> warnings. */
int dof_docker_networks_load(dof_rootb *rb);

#endif
