/*
 * union_private.h - internals of the union view (core/union*.c): layer
 * stacks, per-directory merges, the builder used by dof_union_open and
 * by the unit tests.  Not installed.
 */
#ifndef DOF_UNION_PRIVATE_H
#define DOF_UNION_PRIVATE_H

#include "base/base_private.h"

/* One layer (or mount source) of a union. */
typedef struct dof_ulayer {
    dof_usource src; /* public description; src.fs may be NULL */
    dof_node root;   /* diff dir, mount root, or the mounted file */
    int aufs;        /* whiteouts are .wh.NAME, opaque .wh..wh..opq */
    int overlay;     /* whiteouts are 0/0 char devices; xattrs */
} dof_ulayer;

typedef struct dof_umount {
    const char *dest; /* normalised: "/a/b", no trailing '/' */
    size_t dest_len;
    dof_ulayer *layer;
} dof_umount;

struct dof_union {
    dof_ctx *ctx;
    dof_arena *arena;    /* layers, mounts, names */
    dof_ulayer **layers; /* top first */
    size_t nlayers, layers_cap;
    dof_umount *mounts; /* later ones win */
    size_t nmounts, mounts_cap;
    dof_ulayer *synth; /* source of made-up directories */
    char *last_name;   /* dof_union_lookup's out->name */
    size_t warned_redirect, warned_metacopy;
};

/* A merged directory (or entry): the (layer, node) pairs it is made of,
 * top first. */
typedef struct dof_uslot {
    const dof_ulayer *l;
    dof_node node;
} dof_uslot;

typedef struct dof_ustack {
    dof_uslot *v;
    size_t n, cap;
} dof_ustack;

/* A merged entry during a readdir or lookup (memory from an arena). */
typedef struct dof_umerged {
    const char *name;
    size_t len;
    dof_ustack stack; /* dirs: merged layers; others: one slot */
    dof_stat st;
    unsigned flags;          /* DOF_UENT_* */
    const dof_ulayer *mount; /* mount source when DOF_UENT_MOUNT */
    dof_fs *data_fs;
    dof_node data_node;
    int state; /* private to the merge */
} dof_umerged;

/* ---- builder (core/union.c) ---- */
int dof_union_new(dof_ctx *ctx, dof_union **out);
/* Append a layer below the ones already added (call top first).
 * root = DOF_NODE_NONE resolves `path` on fs.  aufs: .wh. whiteouts.
 * The strings are copied. */
int dof_union_push_layer(dof_union *u, dof_usrc_kind kind, int index,
                         const char *id, const char *path, dof_fs *fs,
                         dof_node root, int aufs);
/* Map a source at dest (fs NULL: an empty directory, e.g. tmpfs). */
int dof_union_add_mount(dof_union *u, dof_usrc_kind kind, const char *id,
                        const char *path, const char *dest, dof_fs *fs,
                        dof_node root);

/* ---- merge machinery (core/union.c) ---- */
/* The root stack; skip_top leaves out layers[0] (the image/parent view
 * of a container, for diff). */
int dof_union_root_stack(dof_union *u, dof_arena *a, int skip_top,
                         dof_umerged *out);
/* One child of a merged directory; DOF_ERR_NOTFOUND if absent. */
int dof_union_child(dof_union *u, dof_arena *a, const dof_ustack *dir,
                    const char *name, size_t len, dof_umerged *out);
/* All children of a merged directory, sorted by name bytes. */
int dof_union_merge_dir(dof_union *u, dof_arena *a, const dof_ustack *dir,
                        dof_umerged **out, size_t *n);
/* Fill a public entry from a merged one. */
void dof_union_entry_fill(const dof_umerged *m, dof_uentry *e);

/* ---- diff (core/union_diff.c) ---- */
/* Naive diff of layers[0] over the rest, against the rest. */
int dof_union_diff_views(dof_union *u, dof_change_fn fn, void *arg);

#endif /* DOF_UNION_PRIVATE_H */
