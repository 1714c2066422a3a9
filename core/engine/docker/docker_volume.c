/*
 * docker_volume.c - Docker volumes: volumes/metadata.db (bbolt, bucket
 * "volumes", key = name, value = JSON {Name, Driver, Labels, Options}),
 * every volumes/<name>/ directory (_data, opts.json).  FORMATS.md
 * "Volumes".  A volume on disk but not in metadata.db is listed with
 * in_metadata = 0, and one in metadata.db without a directory has
 * data_path = NULL.
 */
#include "engine/docker/docker_private.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct volst {
    dof_storeb *rb;
    const char *path;
    int oom;
} volst;

static dof_docker_volume *
vol_add(dof_storeb *rb, const char *name)
{
    dof_store *r = rb->store;
    dof_docker_volume *v;

    v = dof_arena_grow(rb->arena, r->volumes, r->nvolumes, sizeof(*v));
    if (v == NULL)
        return NULL;
    r->volumes = v;
    v = &r->volumes[r->nvolumes];
    memset(v, 0, sizeof(*v));
    v->store = r;
    v->name = name;
    v->created = DOF_TIME_NONE;
    v->anonymous = dof_is_hex64(name, strlen(name));
    r->nvolumes++;
    return v;
}

static int
vol_fn(void *arg, const unsigned char *key, size_t klen,
       const unsigned char *value, size_t vlen, int is_bucket)
{
    volst *s = arg;
    dof_storeb *rb = s->rb;
    dof_docker_volume *v;
    json_object *o = NULL;
    const char *name, *jname;
    char why[160];
    dof_jx x;

    if (is_bucket)
        return 0;
    if (klen == 0 || klen > DOF_CAP_NAME_BYTES ||
        memchr(key, '\0', klen) != NULL) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, s->path,
                 "volume key of %zu bytes is not a name, skipped", klen);
        return 0;
    }
    name = dof_arena_strndup(rb->arena, (const char *)key, klen);
    if (name == NULL || (v = vol_add(rb, name)) == NULL) {
        s->oom = 1;
        return 1;
    }
    v->in_metadata = 1;
    if (dof_json_parse((const char *)value, vlen, DOF_CAP_JSON_BYTES, &o, why,
                       sizeof(why)) != DOF_OK) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, s->path, "volume %s: %s", name, why);
        return 0;
    }
    dof_jx_init(&x, rb->arena);
    jname = dof_jx_str(&x, o, "Name");
    v->driver = dof_jx_str(&x, o, "Driver");
    v->labels = dof_jx_kv(&x, o, "Labels", &v->nlabels);
    v->options = dof_jx_kv(&x, o, "Options", &v->noptions);
    if (x.oom)
        s->oom = 1;
    else if (x.bad)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, s->path,
                 "volume %s: field %s has the wrong type", name, x.first_bad);
    if (jname != NULL && strcmp(jname, name) != 0)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, s->path,
                 "volume %s: its record names it %s", name, jname);
    json_object_put(o);
    return s->oom;
}

int
dof_docker_volumes_parse(dof_storeb *rb, const char *path, const void *buf,
                         size_t len)
{
    volst s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.rb = rb;
    s.path = path;
    rc = dof_bbolt_foreach_in(rb->ctx, path, buf, len, "volumes", vol_fn, &s);
    if (rc == DOF_OK && s.oom)
        rc = dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    return rc;
}

static int
cmp_vol(const void *p, const void *q)
{
    const dof_docker_volume *a = p, *b = q;
    return strcmp(a->name, b->name);
}

/* opts.json of the local driver: {"MountType","MountOpts","MountDevice",
 * "Quota":{"Size"}}. */
static void
vol_opts(dof_storeb *rb, dof_docker_volume *v, const char *path)
{
    char *buf = NULL, why[160];
    size_t len = 0;
    json_object *o = NULL;
    dof_jx x;
    int st;

    st = dof_fs_path_read(rb->fs, path, DOF_CAP_JSON_BYTES, &buf, &len, NULL);
    if (st == DOF_ERR_NOTFOUND)
        return;
    if (st != DOF_OK) {
        dof_warn(rb->ctx, st, path, "cannot read: %s", dof_status_name(st));
        return;
    }
    if (dof_json_parse(buf, len, DOF_CAP_JSON_BYTES, &o, why, sizeof(why)) !=
        DOF_OK) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path, "%s", why);
        goto done;
    }
    dof_jx_init(&x, rb->arena);
    v->mount_type = dof_jx_str(&x, o, "MountType");
    v->mount_opts = dof_jx_str(&x, o, "MountOpts");
    v->mount_device = dof_jx_str(&x, o, "MountDevice");
    if (x.bad)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path, "field %s has the wrong type",
                 x.first_bad);
done:
    json_object_put(o);
    free(buf);
}

int
dof_docker_volumes_load(dof_storeb *rb)
{
    dof_store *r = rb->store;
    dof_arena *a = rb->arena;
    const char *vdir, *meta, **names = NULL;
    size_t n = 0, nmeta;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    vdir = dof_path_join(a, r->path, "volumes");
    meta = vdir ? dof_path_join(a, vdir, "metadata.db") : NULL;
    if (meta == NULL)
        return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    if (!dof_fs_path_is_dir(rb->fs, vdir))
        return DOF_OK;

    rc = dof_fs_path_read(rb->fs, meta, DOF_BBOLT_CAP_FILE, &buf, &len, NULL);
    if (rc == DOF_OK) {
        rc = dof_docker_volumes_parse(rb, meta, buf, len);
        free(buf);
        if (rc == DOF_ERR_NOMEM)
            return rc;
        if (rc != DOF_OK)
            dof_warn(rb->ctx, rc, meta, "volume metadata unreadable: %s",
                     dof_errmsg(rb->ctx));
    }
    else if (rc != DOF_ERR_NOTFOUND) {
        dof_warn(rb->ctx, rc, meta, "cannot read: %s", dof_status_name(rc));
    }
    nmeta = r->nvolumes;
    if (nmeta > 1)
        qsort(r->volumes, nmeta, sizeof(*r->volumes), cmp_vol);

    rc = dof_fs_path_list(rb->fs, a, vdir, &names, &n);
    if (rc != DOF_OK && rc != DOF_ERR_NOTFOUND)
        dof_warn(rb->ctx, rc, vdir, "cannot list: %s", dof_status_name(rc));
    for (size_t i = 0; i < n; i++) {
        dof_docker_volume key, *v;
        const char *dir = dof_path_join(a, vdir, names[i]);

        if (dir == NULL)
            return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
        if (!dof_fs_path_is_dir(rb->fs, dir))
            continue; /* metadata.db, backingFsBlockDev */
        key.name = names[i];
        v = nmeta ? bsearch(&key, r->volumes, nmeta, sizeof(*v), cmp_vol)
                  : NULL;
        if (v == NULL && (v = vol_add(rb, names[i])) == NULL)
            return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    }
    /* _data and opts.json of every volume (metadata-only ones too). */
    for (size_t i = 0; i < r->nvolumes; i++) {
        dof_docker_volume *v = &r->volumes[i];
        const char *dir, *data, *opts;
        dof_node node;
        dof_stat st;

        if (strchr(v->name, '/') != NULL || strcmp(v->name, "..") == 0 ||
            strcmp(v->name, ".") == 0)
            continue;
        dir = dof_path_join(a, vdir, v->name);
        data = dir ? dof_path_join(a, dir, "_data") : NULL;
        opts = dir ? dof_path_join(a, dir, "opts.json") : NULL;
        if (opts == NULL)
            return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
        /* created: the volume directory's birth (ext4 crtime), else
         * its mtime, which is what the local driver reports as
         * CreatedAt; _data's own times change as containers write */
        if (dof_fs_resolve(rb->fs, dir, 1, &node) == DOF_OK &&
            dof_fs_stat(rb->fs, node, &st) == DOF_OK)
            v->created = st.crtime != DOF_TIME_NONE ? st.crtime : st.mtime;
        if (dof_fs_resolve(rb->fs, data, 0, &node) == DOF_OK &&
            dof_fs_stat(rb->fs, node, &st) == DOF_OK && st.type == DOF_FT_DIR)
            v->data_path = data;
        else if (!v->in_metadata || v->driver == NULL ||
                 strcmp(v->driver, "local") == 0) {
            /* the local driver always makes _data */
            if (dof_fs_path_is_dir(rb->fs, dir))
                dof_warn(rb->ctx, DOF_ERR_NOTFOUND, dir,
                         "volume %s has no _data directory", v->name);
        }
        vol_opts(rb, v, opts);
    }
    if (r->nvolumes > 1)
        qsort(r->volumes, r->nvolumes, sizeof(*r->volumes), cmp_vol);
    dof_clear_error(rb->ctx);
    return DOF_OK;
}

int
dof_docker_volumes_link(dof_storeb *rb)
{
    dof_store *r = rb->store;

    /* every container that mounts a named volume, created and stopped
     * ones included, in the store's container order */
    if (r->nvolumes == 0)
        return DOF_OK;
    for (size_t i = 0; i < r->ncontainers; i++) {
        const dof_container *c = &r->containers[i];
        for (size_t m = 0; m < c->nmounts; m++) {
            dof_docker_volume key, *v;
            const char *who = c->name ? c->name : c->id;
            if (c->mounts[m].name == NULL || c->mounts[m].type == NULL ||
                strcmp(c->mounts[m].type, "volume") != 0 || who == NULL)
                continue;
            key.name = c->mounts[m].name;
            v = bsearch(&key, r->volumes, r->nvolumes, sizeof(*v), cmp_vol);
            if (v != NULL &&
                dof_arena_push_str(rb->arena, &v->containers, &v->ncontainers,
                                   who) != DOF_OK)
                return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
        }
    }
    return DOF_OK;
}
