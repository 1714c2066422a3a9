/*
 * docker_image.c - image store (image/<driver>/: repositories.json,
 * imagedb, layerdb), pre-1.10 graph/, and the layer cross-checks.
 */
#include "engine/docker/docker_private.h"

#include <stdlib.h>

void
dof_docker_chain_id(const char *parent, const char *diff_id, char out[72])
{
    char hex[65];
    size_t pl, dl;
    char *tmp;

    if (parent == NULL) {
        snprintf(out, 72, "%s", diff_id);
        return;
    }
    pl = strlen(parent);
    dl = strlen(diff_id);
    tmp = malloc(pl + dl + 2);
    if (tmp == NULL) {
        out[0] = '\0';
        return;
    }
    memcpy(tmp, parent, pl);
    tmp[pl] = ' ';
    memcpy(tmp + pl + 1, diff_id, dl);
    dof_sha256_hex(tmp, pl + dl + 1, hex);
    free(tmp);
    snprintf(out, 72, "sha256:%s", hex);
}

int
dof_docker_repositories_parse(dof_ctx *ctx, dof_arena *a, const char *path,
                              const char *buf, size_t len, dof_repo_ref **out,
                              size_t *n)
{
    json_object *j = NULL, *repos;
    char why[160];
    dof_repo_ref *v = NULL;
    size_t k = 0;
    int rc;

    *out = NULL;
    *n = 0;
    rc = dof_json_parse(buf, len, DOF_CAP_JSON_BYTES, &j, why, sizeof(why));
    if (rc != DOF_OK) {
        if (rc != DOF_ERR_NOMEM)
            dof_warn(ctx, rc, path, "repositories unreadable: %s", why);
        return rc == DOF_ERR_NOMEM ? rc : DOF_OK;
    }
    repos = dof_jx_get(j, "Repositories");
    if (repos == NULL || !json_object_is_type(repos, json_type_object)) {
        if (repos != NULL || !json_object_is_type(j, json_type_object))
            dof_warn(ctx, DOF_ERR_FORMAT, path,
                     "repositories: no \"Repositories\" object");
        json_object_put(j);
        return DOF_OK;
    }
    json_object_object_foreach(repos, repo, refs)
    {
        size_t rl = strlen(repo);
        if (refs == NULL || !json_object_is_type(refs, json_type_object)) {
            dof_warn(ctx, DOF_ERR_FORMAT, path,
                     "repositories: entry for %s is not an object", repo);
            continue;
        }
        json_object_object_foreach(refs, ref, idv)
        {
            dof_repo_ref *nv;
            const char *r;
            int full;
            if (idv == NULL || !json_object_is_type(idv, json_type_string)) {
                dof_warn(ctx, DOF_ERR_FORMAT, path,
                         "repositories: %s does not name an image id", ref);
                continue;
            }
            full = strncmp(ref, repo, rl) == 0 &&
                   (ref[rl] == ':' || ref[rl] == '@');
            r = full ? dof_arena_strdup(a, ref)
                     : dof_arena_printf(a, "%s:%s", repo, ref);
            nv = dof_arena_grow(a, v, k, sizeof(*v));
            if (r == NULL || nv == NULL) {
                json_object_put(j);
                return DOF_ERR_NOMEM;
            }
            v = nv;
            v[k].ref = r;
            v[k].id = dof_arena_strdup(a, json_object_get_string(idv));
            v[k].is_digest = full && ref[rl] == '@';
            k++;
        }
    }
    json_object_put(j);
    *out = v;
    *n = k;
    return DOF_OK;
}

int
dof_docker_image_parse(dof_storeb *rb, dof_image *img, const char *buf,
                       size_t len)
{
    json_object *j = NULL, *cfg, *hist, *rootfs, *diffs;
    dof_jx x;
    char why[160];
    int rc;
    const char *where = img->config_path ? img->config_path : "image config";

    dof_jx_init(&x, rb->arena);
    img->created = img->last_updated = DOF_TIME_NONE;
    rc = dof_json_parse(buf, len, DOF_CAP_JSON_BYTES, &j, why, sizeof(why));
    if (rc == DOF_ERR_NOMEM)
        return rc;
    if (rc != DOF_OK || !json_object_is_type(j, json_type_object)) {
        img->damaged = 1;
        dof_warn(rb->ctx, rc != DOF_OK ? rc : DOF_ERR_FORMAT, where,
                 "image %s: config unreadable: %s", img->id ? img->id : "?",
                 rc != DOF_OK ? why : "not a JSON object");
        json_object_put(j);
        return DOF_OK;
    }
    img->created = dof_jx_time(&x, j, "created", &img->created_raw);
    img->architecture = dof_jx_str(&x, j, "architecture");
    img->os = dof_jx_str(&x, j, "os");
    img->author = dof_jx_str(&x, j, "author");
    img->docker_version = dof_jx_str(&x, j, "docker_version");
    img->comment = dof_jx_str(&x, j, "comment");
    if (img->parent == NULL) {
        /* pre-1.10 graph json carries its parent */
        img->parent = dof_jx_str(&x, j, "parent");
        if (img->parent && *img->parent == '\0')
            img->parent = NULL;
    }
    cfg = dof_jx_obj(&x, j, "config");
    if (cfg) {
        img->cmd = dof_jx_strv(&x, cfg, "Cmd", &img->ncmd);
        img->entrypoint =
            dof_jx_strv(&x, cfg, "Entrypoint", &img->nentrypoint);
        img->env = dof_jx_strv(&x, cfg, "Env", &img->nenv);
        img->labels = dof_jx_kv(&x, cfg, "Labels", &img->nlabels);
        img->exposed_ports =
            dof_jx_keys(&x, cfg, "ExposedPorts", &img->nexposed_ports);
        img->volumes = dof_jx_keys(&x, cfg, "Volumes", &img->nvolumes);
        img->user = dof_jx_str(&x, cfg, "User");
        img->working_dir = dof_jx_str(&x, cfg, "WorkingDir");
    }
    hist = dof_jx_arr(&x, j, "history");
    if (hist && json_object_array_length(hist) > 0) {
        size_t hl = json_object_array_length(hist), k = 0;
        img->history = dof_arena_calloc(rb->arena, hl, sizeof(dof_history));
        if (img->history == NULL)
            x.oom = 1;
        for (size_t i = 0; img->history && i < hl; i++) {
            json_object *h = json_object_array_get_idx(hist, i);
            dof_history *d = &img->history[k];
            if (h == NULL || !json_object_is_type(h, json_type_object)) {
                dof_jx_bad(&x, "history");
                continue;
            }
            d->created = dof_jx_time(&x, h, "created", &d->created_raw);
            d->created_by = dof_jx_str(&x, h, "created_by");
            d->author = dof_jx_str(&x, h, "author");
            d->comment = dof_jx_str(&x, h, "comment");
            d->empty_layer = dof_jx_bool(&x, h, "empty_layer");
            k++;
        }
        img->nhistory = k;
    }
    rootfs = dof_jx_obj(&x, j, "rootfs");
    diffs = rootfs ? dof_jx_arr(&x, rootfs, "diff_ids") : NULL;
    if (diffs && json_object_array_length(diffs) > 0) {
        size_t dl = json_object_array_length(diffs), k = 0;
        const char *prev = NULL;
        int bad_diff = 0;
        if (dl > DOF_CAP_LAYER_DEPTH) {
            dof_warn(rb->ctx, DOF_ERR_LIMIT, where,
                     "image %s: %zu layers is over the cap of %d; "
                     "only the first %d are read",
                     img->id ? img->id : "?", dl, DOF_CAP_LAYER_DEPTH,
                     DOF_CAP_LAYER_DEPTH);
            img->damaged = 1;
            dl = DOF_CAP_LAYER_DEPTH;
        }
        img->layers = dof_arena_calloc(rb->arena, dl, sizeof(dof_layer));
        if (img->layers == NULL)
            x.oom = 1;
        for (size_t i = 0; img->layers && i < dl; i++) {
            json_object *d = json_object_array_get_idx(diffs, i);
            char chain[72];
            dof_layer *l = &img->layers[k];
            if (d == NULL || !json_object_is_type(d, json_type_string)) {
                dof_jx_bad(&x, "rootfs.diff_ids");
                break; /* chain ids after a hole are meaningless */
            }
            l->diff_id =
                dof_arena_strdup(rb->arena, json_object_get_string(d));
            if (l->diff_id == NULL) {
                x.oom = 1;
                break;
            }
            /* dockerd writes "sha256:<64 hex>"; anything else is kept
             * (the chain is computed from it as dockerd would) but said */
            if (!bad_diff &&
                (strncmp(l->diff_id, "sha256:", 7) != 0 ||
                 !dof_is_hex64(l->diff_id + 7, strlen(l->diff_id + 7)))) {
                bad_diff = 1; /* one warning per image */
                dof_warn(rb->ctx, DOF_ERR_FORMAT, where,
                         "image %s: rootfs.diff_ids[%zu] is not "
                         "sha256:<64 hex digits>",
                         img->id ? img->id : "?", i);
            }

            dof_docker_chain_id(prev, l->diff_id, chain);
            /* the base layer's ChainID is its DiffID, whatever its length
             * (chain[] would cut a hostile one) */
            l->chain_id =
                dof_arena_strdup(rb->arena, prev ? chain : l->diff_id);
            prev = l->chain_id;
            k++;
        }
        img->nlayers = k;
    }
    if (x.bad) {
        img->damaged = 1;
        dof_warn(rb->ctx, DOF_ERR_FORMAT, where,
                 "image %s: %d field(s) of the wrong type (first: %s)",
                 img->id ? img->id : "?", x.bad, x.first_bad);
    }
    json_object_put(j);
    return x.oom ? DOF_ERR_NOMEM : DOF_OK;
}

/* ---------------------------------------------------------------- */
/* I/O side                                                          */
/* ---------------------------------------------------------------- */

static const char *
driver_diff_path(dof_storeb *rb, const char *cache)
{
    const char *d = rb->store->driver, *rp = rb->store->path;
    if (d == NULL || cache == NULL)
        return NULL;
    if (strcmp(d, "overlay2") == 0)
        return dof_arena_printf(rb->arena, "%s/overlay2/%s/diff", rp, cache);
    if (strcmp(d, "overlay") == 0)
        return dof_arena_printf(rb->arena, "%s/overlay/%s/root", rp, cache);
    if (strcmp(d, "aufs") == 0)
        return dof_arena_printf(rb->arena, "%s/aufs/diff/%s", rp, cache);
    return dof_arena_printf(rb->arena, "%s/%s/%s", rp, d, cache);
}

static void
layer_fill(dof_storeb *rb, const dof_image *img, dof_layer *l)
{
    const char *hex = l->chain_id ? l->chain_id : "";
    char *dir, *p, *v;
    int st;

    if (strncmp(hex, "sha256:", 7) == 0)
        hex += 7;
    dir =
        dof_arena_printf(rb->arena, "%s/layerdb/sha256/%s", rb->img_dir, hex);
    if (dir == NULL)
        return;
    if (!dof_fs_path_is_dir(rb->fs, dir)) {
        l->present = 0;
        dof_warn(rb->ctx, DOF_ERR_NOTFOUND, dir,
                 "image %s: layer %s has no layerdb record", img->id,
                 l->chain_id);
        return;
    }
    l->present = 1;
    p = dof_path_join(rb->arena, dir, "cache-id");
    l->cache_id = p ? dof_fs_path_read_small(rb->fs, rb->arena, p, &st) : NULL;
    if (l->cache_id == NULL)
        dof_warn(rb->ctx, st, p, "image %s: layer %s: cache-id %s", img->id,
                 l->chain_id,
                 st == DOF_ERR_NOTFOUND ? "is missing" : dof_status_name(st));
    else
        l->diff_path = driver_diff_path(rb, l->cache_id);
    p = dof_path_join(rb->arena, dir, "size");
    v = p ? dof_fs_path_read_small(rb->fs, rb->arena, p, &st) : NULL;
    if (v != NULL) {
        char *end;
        unsigned long long sz = strtoull(v, &end, 10);
        if (end == v || *end != '\0')
            dof_warn(rb->ctx, DOF_ERR_FORMAT, p, "layer size is not a number");
        else
            l->size = sz;
    }
    p = dof_path_join(rb->arena, dir, "diff");
    v = p ? dof_fs_path_read_small(rb->fs, rb->arena, p, &st) : NULL;
    if (v != NULL && l->diff_id && strcmp(v, l->diff_id) != 0)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, p,
                 "consistency: layer %s: layerdb diff %s differs from the "
                 "image's diff_id %s",
                 l->chain_id, v, l->diff_id);
}

static dof_image *
image_by_id(dof_store *r, const char *id)
{
    if (id == NULL)
        return NULL;
    for (size_t i = 0; i < r->nimages; i++)
        if (r->images[i].id && strcmp(r->images[i].id, id) == 0)
            return &r->images[i];
    return NULL;
}

static int
cmp_image(const void *p, const void *q)
{
    const dof_image *a = p, *b = q;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

static void
attach_refs(dof_storeb *rb, dof_image *img, const dof_repo_ref *refs,
            size_t nrefs)
{
    for (size_t i = 0; i < nrefs; i++) {
        const char *rid = refs[i].id;
        const char *iid = img->id;
        if (strncmp(rid, "sha256:", 7) == 0)
            rid += 7;
        if (strncmp(iid, "sha256:", 7) == 0)
            iid += 7;
        if (strcmp(rid, iid) != 0)
            continue;
        if (refs[i].is_digest)
            dof_arena_push_str(rb->arena, &img->digests, &img->ndigests,
                               refs[i].ref);
        else
            dof_arena_push_str(rb->arena, &img->tags, &img->ntags,
                               refs[i].ref);
    }
    dof_strv_sort(img->tags, img->ntags);
    dof_strv_sort(img->digests, img->ndigests);
}

/* Walk image parents (metadata parent) with depth cap and cycle check. */
static void
check_parents(dof_storeb *rb, dof_image *img)
{
    const dof_image *slow = img, *fast = img;
    size_t depth = 0;

    while (fast && fast->parent) {
        fast = image_by_id(rb->store, fast->parent);
        if (fast == NULL)
            return;
        if (++depth > DOF_CAP_LAYER_DEPTH) {
            dof_warn(rb->ctx, DOF_ERR_LIMIT, img->config_path,
                     "image %s: parent chain longer than %d", img->id,
                     DOF_CAP_LAYER_DEPTH);
            return;
        }
        if (depth % 2 == 0)
            slow = image_by_id(rb->store, slow->parent);
        if (slow == fast) {
            dof_warn(rb->ctx, DOF_ERR_LOOP, img->config_path,
                     "image %s: parent chain has a cycle (through %s)",
                     img->id, fast->id);
            return;
        }
    }
}

static int
load_imagedb(dof_storeb *rb, const dof_repo_ref *refs, size_t nrefs)
{
    const char **names = NULL;
    size_t n = 0, k = 0;
    char *cdir =
        dof_arena_printf(rb->arena, "%s/imagedb/content/sha256", rb->img_dir);
    dof_store *r = rb->store;
    int rc;

    if (cdir == NULL)
        return DOF_ERR_NOMEM;
    rc = dof_fs_path_list(rb->fs, rb->arena, cdir, &names, &n);
    if (rc == DOF_ERR_NOMEM)
        return rc;
    if (rc != DOF_OK || n == 0)
        return DOF_OK;
    r->images = dof_arena_calloc(rb->arena, n, sizeof(dof_image));
    if (r->images == NULL)
        return DOF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        dof_image *img = &r->images[k];
        char *buf = NULL, hex[65], *md;
        size_t len = 0;
        int st;

        img->config_path = dof_path_join(rb->arena, cdir, names[i]);
        if (img->config_path == NULL)
            return DOF_ERR_NOMEM;
        if (!dof_is_hex64(names[i], strlen(names[i]))) {
            dof_warn(rb->ctx, DOF_ERR_FORMAT, img->config_path,
                     "consistency: unexpected entry in imagedb content");
            continue;
        }
        img->store = r;
        img->id = dof_arena_printf(rb->arena, "sha256:%s", names[i]);
        img->created = img->last_updated = DOF_TIME_NONE;
        st = dof_fs_path_read(rb->fs, img->config_path, DOF_CAP_JSON_BYTES,
                              &buf, &len, NULL);
        if (st == DOF_ERR_NOMEM)
            return st;
        if (st != DOF_OK) {
            img->damaged = 1;
            dof_warn(rb->ctx, st, img->config_path,
                     "image %s: config unreadable: %s", img->id,
                     dof_status_name(st));
        }
        else {
            dof_sha256_hex(buf, len, hex);
            img->id_verified = strcmp(hex, names[i]) == 0;
            if (!img->id_verified)
                dof_warn(rb->ctx, DOF_ERR_FORMAT, img->config_path,
                         "image %s: content hash is sha256:%s (the file "
                         "was changed or damaged)",
                         img->id, hex);
            rc = dof_docker_image_parse(rb, img, buf, len);
            free(buf);
            if (rc != DOF_OK)
                return rc;
        }
        md = dof_arena_printf(rb->arena, "%s/imagedb/metadata/sha256/%s",
                              rb->img_dir, names[i]);
        if (md) {
            char *p = dof_path_join(rb->arena, md, "parent");
            char *lu = dof_path_join(rb->arena, md, "lastUpdated");
            img->parent =
                p ? dof_fs_path_read_small(rb->fs, rb->arena, p, NULL) : NULL;
            img->last_updated_raw =
                lu ? dof_fs_path_read_small(rb->fs, rb->arena, lu, NULL)
                   : NULL;
            if (img->last_updated_raw &&
                dof_time_parse(img->last_updated_raw,
                               strlen(img->last_updated_raw),
                               &img->last_updated) != DOF_OK) {
                img->last_updated = DOF_TIME_NONE;
                dof_warn(rb->ctx, DOF_ERR_FORMAT, lu,
                         "image %s: lastUpdated is not a time", img->id);
            }
        }
        for (size_t l = 0; l < img->nlayers; l++)
            layer_fill(rb, img, &img->layers[l]);
        attach_refs(rb, img, refs, nrefs);
        k++;
    }
    r->nimages = k;
    for (size_t i = 0; i < nrefs; i++) {
        const char *rid = refs[i].id;
        if (strncmp(rid, "sha256:", 7) != 0)
            rid = dof_arena_printf(rb->arena, "sha256:%s", rid);
        if (rid && image_by_id(r, rid) == NULL)
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, NULL,
                     "consistency: %s points at image %s, which is not in "
                     "the imagedb",
                     refs[i].ref, refs[i].id);
    }
    return DOF_OK;
}

/* pre-1.10: graph/<id>/json, parent chain, repositories-<driver>. */
static int
load_graph(dof_storeb *rb, const dof_repo_ref *refs, size_t nrefs)
{
    const char **names = NULL;
    size_t n = 0, k;
    char *gdir = dof_path_join(rb->arena, rb->store->path, "graph");
    dof_store *r = rb->store;
    dof_image *all;
    int rc;

    if (gdir == NULL)
        return DOF_ERR_NOMEM;
    rc = dof_fs_path_list(rb->fs, rb->arena, gdir, &names, &n);
    if (rc != DOF_OK || n == 0)
        return rc == DOF_ERR_NOMEM ? rc : DOF_OK;
    all = dof_arena_calloc(rb->arena, r->nimages + n, sizeof(dof_image));
    if (all == NULL)
        return DOF_ERR_NOMEM;
    if (r->nimages)
        memcpy(all, r->images, r->nimages * sizeof(dof_image));
    r->images = all;
    k = r->nimages;
    for (size_t i = 0; i < n; i++) {
        dof_image *img = &all[k];
        char *buf = NULL;
        size_t len = 0;
        int st;
        if (!dof_is_hex64(names[i], strlen(names[i])))
            continue;
        img->store = r;
        img->id = dof_arena_strdup(rb->arena, names[i]);
        img->config_path =
            dof_arena_printf(rb->arena, "%s/%s/json", gdir, names[i]);
        img->created = img->last_updated = DOF_TIME_NONE;
        st = dof_fs_path_read(rb->fs, img->config_path, DOF_CAP_JSON_BYTES,
                              &buf, &len, NULL);
        if (st == DOF_OK) {
            rc = dof_docker_image_parse(rb, img, buf, len);
            free(buf);
            if (rc != DOF_OK)
                return rc;
        }
        else {
            img->damaged = 1;
            dof_warn(rb->ctx, st, img->config_path,
                     "image %s: graph json unreadable: %s", img->id,
                     dof_status_name(st));
        }
        attach_refs(rb, img, refs, nrefs);
        k++;
    }
    r->nimages = k;
    /* layers = the graph parent chain, base first */
    for (size_t i = 0; i < r->nimages; i++) {
        dof_image *img = &r->images[i];
        const dof_image *cur = img;
        size_t depth = 0;
        if (img->nlayers || img->id_verified || strchr(img->id, ':'))
            continue;
        while (cur && depth <= DOF_CAP_LAYER_DEPTH) {
            depth++;
            cur = cur->parent ? image_by_id(r, cur->parent) : NULL;
        }
        if (depth > DOF_CAP_LAYER_DEPTH) {
            dof_warn(rb->ctx, DOF_ERR_LOOP, img->config_path,
                     "image %s: graph parent chain loops or is longer "
                     "than %d",
                     img->id, DOF_CAP_LAYER_DEPTH);
            continue;
        }
        img->layers = dof_arena_calloc(rb->arena, depth, sizeof(dof_layer));
        if (img->layers == NULL)
            return DOF_ERR_NOMEM;
        cur = img;
        for (size_t d = depth; d-- > 0 && cur;) {
            dof_layer *l = &img->layers[d];
            l->cache_id = cur->id;
            l->chain_id = cur->id;
            l->diff_path = driver_diff_path(rb, cur->id);
            l->present = 1;
            cur = cur->parent ? image_by_id(r, cur->parent) : NULL;
        }
        img->nlayers = depth;
    }
    return DOF_OK;
}

/* ---- cross-checks ---- */

static int
in_sorted(const char **v, size_t n, const char *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid], s);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* cache-ids of the layerdb chain from a ChainID down, top first. */
static int
layerdb_chain(dof_storeb *rb, const char *what, const char *top,
              const char ***ids, size_t *n)
{
    const char **seen = NULL;
    size_t nseen = 0;
    const char *cur = top;

    *ids = NULL;
    *n = 0;
    while (cur && *cur) {
        const char *hex = strncmp(cur, "sha256:", 7) == 0 ? cur + 7 : cur;
        char *dir, *p;
        const char *cache;
        for (size_t i = 0; i < nseen; i++)
            if (strcmp(seen[i], cur) == 0) {
                dof_warn(rb->ctx, DOF_ERR_LOOP, NULL,
                         "%s: layerdb parent chain has a cycle at %s", what,
                         cur);
                return DOF_ERR_LOOP;
            }
        if (nseen >= DOF_CAP_LAYER_DEPTH) {
            dof_warn(rb->ctx, DOF_ERR_LIMIT, NULL,
                     "%s: layerdb chain longer than %d", what,
                     DOF_CAP_LAYER_DEPTH);
            return DOF_ERR_LIMIT;
        }
        if (dof_arena_push_str(rb->arena, &seen, &nseen, cur) != DOF_OK)
            return DOF_ERR_NOMEM;
        dir = dof_arena_printf(rb->arena, "%s/layerdb/sha256/%s", rb->img_dir,
                               hex);
        if (dir == NULL)
            return DOF_ERR_NOMEM;
        p = dof_path_join(rb->arena, dir, "cache-id");
        cache = dof_fs_path_read_small(rb->fs, rb->arena, p, NULL);
        if (cache == NULL) {
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, p,
                     "%s: layer %s of its chain has no cache-id", what, cur);
            return DOF_ERR_NOTFOUND;
        }
        if (dof_arena_push_str(rb->arena, ids, n, cache) != DOF_OK)
            return DOF_ERR_NOMEM;
        p = dof_path_join(rb->arena, dir, "parent");
        cur = dof_fs_path_read_small(rb->fs, rb->arena, p, NULL);
    }
    return DOF_OK;
}

/* layerdb_chain() once per top ChainID: the containers of one image all
 * sit on the same chain.  A failed walk is remembered too, so its warning
 * is given once. */
typedef struct chain_memo {
    int status;
    const char **ids;
    size_t n;
} chain_memo;

static int
layerdb_chain_cached(dof_storeb *rb, const char *what, const char *top,
                     const char ***ids, size_t *n)
{
    chain_memo *m;

    if (rb->chains == NULL && (rb->chains = dof_strmap_new(rb->arena)) == NULL)
        return DOF_ERR_NOMEM;
    m = (chain_memo *)dof_strmap_get(rb->chains, top);
    if (m == NULL) {
        m = dof_arena_calloc(rb->arena, 1, sizeof(*m));
        if (m == NULL)
            return DOF_ERR_NOMEM;
        m->status = layerdb_chain(rb, what, top, &m->ids, &m->n);
        if (m->status == DOF_ERR_NOMEM ||
            dof_strmap_put(rb->chains, top, (const char *)m) != DOF_OK)
            return DOF_ERR_NOMEM;
    }
    *ids = m->ids;
    *n = m->n;
    return m->status;
}

/* overlay2 <mount>/lower -> layer dir ids, uppermost first. */
static int
overlay2_lowers(dof_storeb *rb, const char *mount_id, const char ***ids,
                size_t *n)
{
    char *p = dof_arena_printf(rb->arena, "%s/overlay2/%s/lower",
                               rb->store->path, mount_id);
    char *lower;
    int st;

    *ids = NULL;
    *n = 0;
    if (p == NULL)
        return DOF_ERR_NOMEM;
    lower = dof_fs_path_read_small(rb->fs, rb->arena, p, &st);
    if (lower == NULL)
        return st;
    for (char *s = lower; *s;) {
        char *e = strchr(s, ':');
        const char *id = NULL;
        if (e)
            *e = '\0';
        if (strncmp(s, "l/", 2) == 0 &&
            (id = dof_strmap_get(rb->links, s)) != NULL) {
            /* resolved for an earlier container */
        }
        else if (strncmp(s, "l/", 2) == 0) {
            char *lp = dof_arena_printf(rb->arena, "%s/overlay2/%s",
                                        rb->store->path, s);
            dof_node node;
            char *target = NULL;
            if (rb->links == NULL)
                rb->links = dof_strmap_new(rb->arena);
            if (lp && dof_fs_resolve(rb->fs, lp, 0, &node) == DOF_OK &&
                dof_fs_readlink(rb->fs, node, &target) == DOF_OK) {
                /* "../<id>/diff" */
                char *t = target, *end;
                if (strncmp(t, "../", 3) == 0)
                    t += 3;
                end = strchr(t, '/');
                id = dof_arena_strndup(rb->arena, t,
                                       end ? (size_t)(end - t) : strlen(t));
                if (id && dof_strmap_put(rb->links, s, id) != DOF_OK)
                    return DOF_ERR_NOMEM;
            }
            else {
                dof_warn(rb->ctx, DOF_ERR_NOTFOUND, lp,
                         "overlay2 %s: lower link %s does not resolve",
                         mount_id, s);
                id = dof_arena_printf(rb->arena, "?%s", s);
            }
            free(target);
        }
        else
            id = dof_arena_strdup(rb->arena, s);
        if (dof_arena_push_str(rb->arena, ids, n, id) != DOF_OK)
            return DOF_ERR_NOMEM;
        if (e == NULL)
            break;
        s = e + 1;
    }
    return DOF_OK;
}

static void
check_container_chain(dof_storeb *rb, dof_container *c)
{
    const dof_image *img = image_by_id(rb->store, c->image_id);
    const char **chain = NULL, **low = NULL;
    size_t nchain = 0, nlow = 0;
    const char *top = NULL;
    char what[128];

    if (c->mount_id == NULL || !c->driver_supported)
        return;
    snprintf(what, sizeof(what), "container %s", c->id);
    if (img && img->nlayers)
        top = img->layers[img->nlayers - 1].chain_id;
    if (img && top &&
        (c->layer_parent == NULL || strcmp(c->layer_parent, top) != 0))
        dof_warn(rb->ctx, DOF_ERR_FORMAT, NULL,
                 "consistency: container %s: layerdb mounts parent is %s "
                 "but image %s's top layer is %s",
                 c->id, c->layer_parent ? c->layer_parent : "(none)", img->id,
                 top);
    if (c->layer_parent && layerdb_chain_cached(rb, what, c->layer_parent,
                                                &chain, &nchain) != DOF_OK)
        return;
    if (strcmp(c->driver, "overlay2") == 0) {
        if (overlay2_lowers(rb, c->mount_id, &low, &nlow) != DOF_OK) {
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, NULL,
                     "consistency: container %s: overlay2/%s/lower is "
                     "missing",
                     c->id, c->mount_id);
            return;
        }
    }
    else if (strcmp(c->driver, "aufs") == 0) {
        char *p = dof_arena_printf(rb->arena, "%s/aufs/layers/%s",
                                   rb->store->path, c->mount_id);
        char *t =
            p ? dof_fs_path_read_small(rb->fs, rb->arena, p, NULL) : NULL;
        for (char *s = t; s && *s;) {
            char *e = strchr(s, '\n');
            if (e)
                *e = '\0';
            if (*s)
                dof_arena_push_str(rb->arena, &low, &nlow, s);
            if (e == NULL)
                break;
            s = e + 1;
        }
    }
    else
        return; /* overlay v1: one lower-id, checked by the union layer */
    {
        size_t want = nchain + (c->init_id ? 1 : 0);
        int bad = nlow != want;
        for (size_t i = 0; !bad && i < nlow; i++) {
            const char *exp = (c->init_id && i == 0)
                                  ? c->init_id
                                  : chain[i - (c->init_id ? 1 : 0)];
            if (strcmp(low[i], exp) != 0)
                bad = 1;
        }
        if (bad)
            dof_warn(rb->ctx, DOF_ERR_FORMAT, NULL,
                     "consistency: container %s: %s lower layers of %s "
                     "(%zu) disagree with the layerdb chain (%zu + init)",
                     c->id, c->driver, c->mount_id, nlow, nchain);
    }
}

static void
check_unreferenced(dof_storeb *rb)
{
    dof_store *r = rb->store;
    const char **used = NULL, **cids = NULL, **names = NULL;
    size_t nused = 0, ncids = 0, n = 0;
    char *d;

    for (size_t i = 0; i < r->ncontainers; i++)
        dof_arena_push_str(rb->arena, &cids, &ncids, r->containers[i].id);
    dof_strv_sort(cids, ncids);
    /* layerdb mounts without a container */
    d = dof_arena_printf(rb->arena, "%s/layerdb/mounts", rb->img_dir);
    if (d && dof_fs_path_list(rb->fs, rb->arena, d, &names, &n) == DOF_OK) {
        for (size_t i = 0; i < n; i++) {
            char *md = dof_path_join(rb->arena, d, names[i]);
            const char *v;
            if (!in_sorted(cids, ncids, names[i]))
                dof_warn(rb->ctx, DOF_ERR_NOTFOUND, md,
                         "consistency: layerdb mount %s has no container "
                         "(a removed container?)",
                         names[i]);
            v = dof_fs_path_read_small(
                rb->fs, rb->arena, dof_path_join(rb->arena, md, "mount-id"),
                NULL);
            if (v)
                dof_arena_push_str(rb->arena, &used, &nused, v);
            v = dof_fs_path_read_small(rb->fs, rb->arena,
                                       dof_path_join(rb->arena, md, "init-id"),
                                       NULL);
            if (v)
                dof_arena_push_str(rb->arena, &used, &nused, v);
        }
    }
    d = dof_arena_printf(rb->arena, "%s/layerdb/sha256", rb->img_dir);
    if (d && dof_fs_path_list(rb->fs, rb->arena, d, &names, &n) == DOF_OK) {
        for (size_t i = 0; i < n; i++) {
            char *p =
                dof_arena_printf(rb->arena, "%s/%s/cache-id", d, names[i]);
            const char *v =
                p ? dof_fs_path_read_small(rb->fs, rb->arena, p, NULL) : NULL;
            if (v)
                dof_arena_push_str(rb->arena, &used, &nused, v);
        }
    }
    dof_strv_sort(used, nused);
    if (r->driver == NULL || strcmp(r->driver, "overlay2") != 0)
        return;
    d = dof_path_join(rb->arena, r->path, "overlay2");
    if (d && dof_fs_path_list(rb->fs, rb->arena, d, &names, &n) == DOF_OK) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(names[i], "l") == 0)
                continue;
            if (!in_sorted(used, nused, names[i]))
                dof_warn(rb->ctx, DOF_ERR_NOTFOUND,
                         dof_path_join(rb->arena, d, names[i]),
                         "consistency: overlay2/%s is used by no layerdb "
                         "record",
                         names[i]);
        }
    }
}

int
dof_docker_images_load(dof_storeb *rb)
{
    dof_store *r = rb->store;
    dof_repo_ref *refs = NULL;
    size_t nrefs = 0;
    char *buf = NULL, *p;
    size_t len = 0;
    int rc, st;

    if (rb->img_dir) {
        p = dof_path_join(rb->arena, rb->img_dir, "repositories.json");
        st = dof_fs_path_read(rb->fs, p, DOF_CAP_JSON_BYTES, &buf, &len, NULL);
        if (st == DOF_OK) {
            rc = dof_docker_repositories_parse(rb->ctx, rb->arena, p, buf, len,
                                               &refs, &nrefs);
            free(buf);
            if (rc != DOF_OK)
                return rc;
        }
        else if (st != DOF_ERR_NOTFOUND)
            dof_warn(rb->ctx, st, p, "repositories.json unreadable: %s",
                     dof_status_name(st));
        rc = load_imagedb(rb, refs, nrefs);
        if (rc != DOF_OK)
            return rc;
    }
    if (r->driver) {
        dof_repo_ref *lrefs = NULL;
        size_t nl = 0;
        buf = NULL;
        p = dof_arena_printf(rb->arena, "%s/repositories-%s", r->path,
                             r->driver);
        if (p && dof_fs_path_read(rb->fs, p, DOF_CAP_JSON_BYTES, &buf, &len,
                                  NULL) == DOF_OK) {
            rc = dof_docker_repositories_parse(rb->ctx, rb->arena, p, buf, len,
                                               &lrefs, &nl);
            free(buf);
            if (rc != DOF_OK)
                return rc;
        }
        rc = load_graph(rb, lrefs, nl);
        if (rc != DOF_OK)
            return rc;
    }
    if (r->nimages > 1)
        qsort(r->images, r->nimages, sizeof(dof_image), cmp_image);
    for (size_t i = 0; i < r->nimages; i++)
        check_parents(rb, &r->images[i]);
    /* which containers use each image */
    for (size_t i = 0; i < r->ncontainers; i++) {
        dof_container *c = &r->containers[i];
        dof_image *img = image_by_id(r, c->image_id);
        if (img)
            dof_arena_push_str(rb->arena, &img->containers, &img->ncontainers,
                               c->name ? c->name : c->id);
        else if (c->image_id && !c->damaged)
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, c->config_path,
                     "consistency: container %s uses image %s, which is "
                     "not in the image store",
                     c->id, c->image_id);
        if (rb->img_dir)
            check_container_chain(rb, c);
    }
    if (rb->img_dir)
        check_unreferenced(rb);
    return DOF_OK;
}

int
dof_docker_images_mark_intermediate(dof_storeb *rb)
{
    dof_store *r = rb->store;
    dof_strmap *parents = dof_strmap_new(rb->arena);

    if (parents == NULL)
        return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->nimages; i++)
        if (r->images[i].parent &&
            dof_strmap_put(parents, r->images[i].parent, "") != DOF_OK)
            return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < r->nimages; i++) {
        dof_image *img = &r->images[i];
        img->intermediate = img->ntags == 0 && img->ndigests == 0 && img->id &&
                            dof_strmap_get(parents, img->id) != NULL;
    }
    return DOF_OK;
}
