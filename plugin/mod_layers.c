/*
 * mod_layers.c - ingest module "layers": every layer directory once per
 * evidence item (image layers shared by every image and container that
 * uses them, each container's -init and writable layer), the stacks
 * (image_layers, container_layers) and the files of every layer
 * (layer_files: whiteouts and opaque directories marked, symlink
 * targets, sha256 with --hash-files).
 */
#include "plugin_private.h"

#include <nettle/sha2.h>
#include <stdlib.h>

static const char SQL_FIND[] =
    "SELECT layer_key FROM layers WHERE evidence_id = ?1 AND root_key = ?2 "
    "AND kind = ?3 AND cache_id IS ?4 AND (?4 IS NOT NULL OR chain_id IS "
    "?5)";
static const char SQL_MAX[] =
    "SELECT coalesce(max(layer_key), 0) FROM layers WHERE evidence_id = ?1";
static const char SQL_ADD[] =
    "INSERT INTO layers (evidence_id, layer_key, root_key, kind, chain_id, "
    "diff_id, cache_id, diff_path, size, present, walked, files_count, "
    "volume_offset_bytes, inode, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, 0, 0, ?11, ?12, ?8)";
static const char SQL_WALKED[] =
    "UPDATE layers SET walked = 1, files_count = ?3 WHERE evidence_id = ?1 "
    "AND layer_key = ?2";
static const char SQL_IL[] =
    "INSERT INTO image_layers (evidence_id, image_key, position, "
    "layer_key) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_CL[] =
    "INSERT INTO container_layers (evidence_id, container_key, position, "
    "layer_key, role, image_index) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_FILE[] =
    "INSERT OR IGNORE INTO layer_files (evidence_id, layer_key, path, "
    "name_raw, parent, volume_offset_bytes, inode, type, mode, uid, gid, "
    "size, nlink, rdev_major, rdev_minor, atime, mtime, ctime, crtime, "
    "is_whiteout, is_opaque, symlink_target, symlink_target_raw, sha256) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?)";
static const char SQL_OPQ[] =
    "UPDATE layer_files SET is_opaque = 1 WHERE evidence_id = ?1 AND "
    "layer_key = ?2 AND path = ?3";

#define WALK_MAX_DEPTH 4096

typedef struct lstate {
    dof_ing *ing;
    int64_t next_key;
    uint64_t layers_done, layers_total;
} lstate;

typedef struct ent {
    char *name;
    size_t len;
    dof_node node;
} ent;

typedef struct entv {
    ent *v;
    size_t n, cap;
    int oom;
} entv;

typedef struct dirq {
    char *path; /* raw bytes, "" for the layer root */
    size_t len;
    dof_node node;
    unsigned depth;
} dirq;

static int
collect(void *arg, const dof_dirent *de)
{
    entv *ev = arg;
    ent *e;

    if (dof_grow(&ev->v, &ev->cap, ev->n, sizeof(*ev->v), 32) != DOF_OK ||
        (ev->v[ev->n].name = dof_memdup0(de->name, de->name_len)) == NULL) {
        ev->oom = 1;
        return 1;
    }
    e = &ev->v[ev->n];
    e->len = de->name_len;
    e->node = de->node;
    ev->n++;
    return 0;
}

static void
entv_free(entv *ev)
{
    for (size_t i = 0; i < ev->n; i++)
        free(ev->v[i].name);
    free(ev->v);
    memset(ev, 0, sizeof(*ev));
}

static void
file_sha256(dof_ing *ing, dof_fs *fs, dof_node n, const char *path,
            char out[65])
{
    struct sha256_ctx h;
    unsigned char buf[1 << 16], d[SHA256_DIGEST_SIZE];
    uint64_t off = 0;
    size_t got;

    sha256_init(&h);
    for (;;) {
        if (dof_fs_read(fs, n, off, buf, sizeof(buf), &got) != DOF_OK) {
            dof_warn(ing->ctx, DOF_ERR_IO, path, "cannot read for sha256");
            out[0] = '\0';
            return;
        }
        if (got == 0)
            break;
        sha256_update(&h, got, buf);
        off += got;
    }
    sha256_digest(&h, sizeof(d), d);
    for (size_t i = 0; i < sizeof(d); i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Insert one file row.  raw/len: path inside the layer. */
static int
add_file(dof_ing *ing, dof_fs *fs, int64_t lkey, uint64_t voff,
         const char *raw, size_t len, size_t dirlen, const char *name,
         size_t nlen, dof_node node, const dof_stat *st, int whiteout,
         int opaque)
{
    sqlite3_stmt *q = ing_stmt(ing, SQL_FILE);
    char *target = NULL, hex[65] = "";
    int k = 1, rc;

    if (q == NULL)
        return DOF_ERR_DB;
    if (!whiteout && st->type == DOF_FT_LNK &&
        dof_fs_readlink(fs, node, &target) != DOF_OK) {
        dof_warn(ing->ctx, DOF_ERR_FORMAT, NULL, "cannot read a symlink");
        target = NULL;
    }
    if (!whiteout && st->type == DOF_FT_REG && ing->opts->hash_files)
        file_sha256(ing, fs, node, name, hex);
    ing_bind_i64(q, k++, ing->eid);
    ing_bind_i64(q, k++, lkey);
    ing_bind_name(q, k++, raw, len);
    ing_bind_blob(q, k++, name, nlen);
    if (dirlen == 0)
        ing_bind_text(q, k++, "/");
    else
        ing_bind_name(q, k++, raw, dirlen);
    ing_bind_i64(q, k++, (int64_t)voff);
    ing_bind_i64(q, k++, (int64_t)st->ino);
    ing_bind_text(q, k++, whiteout ? "whiteout" : dof_ftype_name(st->type));
    ing_bind_i64(q, k++, st->mode);
    ing_bind_i64(q, k++, st->uid);
    ing_bind_i64(q, k++, st->gid);
    ing_bind_i64(q, k++, (int64_t)st->size);
    ing_bind_i64(q, k++, st->nlink);
    ing_bind_i64(q, k++, st->rdev_major);
    ing_bind_i64(q, k++, st->rdev_minor);
    ing_bind_time(q, k++, st->atime);
    ing_bind_time(q, k++, st->mtime);
    ing_bind_time(q, k++, st->ctime);
    ing_bind_time(q, k++, st->crtime);
    ing_bind_i64(q, k++, whiteout);
    ing_bind_i64(q, k++, opaque);
    if (target) {
        ing_bind_text(q, k++, target);
        ing_bind_blob(q, k++, target, strlen(target));
    }
    else {
        sqlite3_bind_null(q, k++);
        sqlite3_bind_null(q, k++);
    }
    ing_bind_text(q, k++, hex[0] ? hex : NULL);
    free(target);
    rc = ing_step(ing, q);
    return rc;
}

/* Walk one layer directory; rows go to layer_files. */
static int
walk(dof_ing *ing, dof_fs *fs, const char *diff_path, int64_t lkey,
     uint64_t voff, int aufs, uint64_t *nfiles)
{
    dirq *q = NULL;
    size_t nq = 0, capq = 0;
    dof_node top;
    int rc = DOF_OK;
    entv ev;

    memset(&ev, 0, sizeof(ev));
    *nfiles = 0;
    if (dof_fs_resolve(fs, diff_path, 1, &top) != DOF_OK) {
        dof_warn(ing->ctx, DOF_ERR_NOTFOUND, diff_path,
                 "layer directory not found: %s", dof_errmsg(ing->ctx));
        return DOF_OK;
    }
    q = malloc(sizeof(*q));
    if (q == NULL)
        return dof_set_error(ing->ctx, DOF_ERR_NOMEM, "out of memory");
    capq = 1;
    q[0].path = calloc(1, 1);
    q[0].len = 0;
    q[0].node = top;
    q[0].depth = 0;
    nq = 1;
    if (q[0].path == NULL) {
        rc = dof_set_error(ing->ctx, DOF_ERR_NOMEM, "out of memory");
        goto done;
    }
    while (nq > 0) {
        dirq d = q[--nq];
        entv_free(&ev);
        if (dof_fs_readdir(fs, d.node, 0, collect, &ev) != DOF_OK)
            dof_warn(ing->ctx, dof_errcode(ing->ctx), diff_path,
                     "cannot list a directory of the layer: %s",
                     dof_errmsg(ing->ctx));
        if (ev.oom) {
            free(d.path);
            rc = dof_set_error(ing->ctx, DOF_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < ev.n && rc == DOF_OK; i++) {
            ent *e = &ev.v[i];
            const char *nm = e->name;
            size_t nl = e->len;
            int whiteout = 0, opaque = 0;
            dof_stat st;
            char *p;

            if (aufs && nl >= 4 && memcmp(nm, ".wh.", 4) == 0) {
                if (nl == 12 && memcmp(nm, ".wh..wh..opq", 12) == 0) {
                    if (d.len > 0) {
                        sqlite3_stmt *u = ing_stmt(ing, SQL_OPQ);
                        if (u == NULL) {
                            rc = DOF_ERR_DB;
                            break;
                        }
                        ing_bind_i64(u, 1, ing->eid);
                        ing_bind_i64(u, 2, lkey);
                        ing_bind_name(u, 3, d.path, d.len);
                        rc = ing_step(ing, u);
                    }
                    continue;
                }
                if (nl >= 8 && memcmp(nm, ".wh..wh.", 8) == 0)
                    continue; /* aufs bookkeeping */
                nm += 4;
                nl -= 4;
                whiteout = 1;
            }
            if (d.len + 1 + nl > DOF_CAP_PATH_BYTES) {
                dof_warn(ing->ctx, DOF_ERR_LIMIT, diff_path,
                         "path in layer longer than %u bytes skipped",
                         DOF_CAP_PATH_BYTES);
                continue;
            }
            if (dof_fs_stat(fs, e->node, &st) != DOF_OK) {
                dof_warn(ing->ctx, dof_errcode(ing->ctx), diff_path,
                         "cannot stat an entry of the layer: %s",
                         dof_errmsg(ing->ctx));
                continue;
            }
            if (st.type == DOF_FT_CHR && st.rdev_major == 0 &&
                st.rdev_minor == 0)
                whiteout = 1;
            if (!whiteout && st.type == DOF_FT_DIR)
                opaque = dof_fs_overlay_opaque(fs, e->node);
            p = malloc(d.len + 1 + nl + 1);
            if (p == NULL) {
                rc = dof_set_error(ing->ctx, DOF_ERR_NOMEM, "out of memory");
                break;
            }
            memcpy(p, d.path, d.len);
            p[d.len] = '/';
            memcpy(p + d.len + 1, nm, nl);
            p[d.len + 1 + nl] = '\0';
            rc = add_file(ing, fs, lkey, voff, p, d.len + 1 + nl, d.len, nm,
                          nl, e->node, &st, whiteout, opaque);
            (*nfiles)++;
            if (rc == DOF_OK && !whiteout && st.type == DOF_FT_DIR &&
                d.depth < WALK_MAX_DEPTH) {
                if (nq == capq) {
                    size_t nc = capq * 2;
                    dirq *nqv = realloc(q, nc * sizeof(*q));
                    if (nqv == NULL) {
                        free(p);
                        rc = dof_set_error(ing->ctx, DOF_ERR_NOMEM,
                                           "out of memory");
                        break;
                    }
                    q = nqv;
                    capq = nc;
                }
                q[nq].path = p;
                q[nq].len = d.len + 1 + nl;
                q[nq].node = e->node;
                q[nq].depth = d.depth + 1;
                nq++;
            }
            else
                free(p);
        }
        free(d.path);
        if (rc != DOF_OK)
            goto done;
    }
done:
    entv_free(&ev);
    for (size_t i = 0; i < nq; i++)
        free(q[i].path);
    free(q);
    return rc;
}

/* The key of a layer, adding (and walking) it the first time. */
static int
layer_key(lstate *ls, size_t r, const dof_store *rt, const char *kind,
          const dof_layer *l, int64_t *out)
{
    dof_ing *ing = ls->ing;
    sqlite3_stmt *st = ing_stmt(ing, SQL_FIND);
    uint64_t nfiles = 0;
    int rc;

    *out = 0;
    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, (int64_t)r);
    ing_bind_text(st, 3, kind);
    ing_bind_text(st, 4, l->cache_id);
    ing_bind_text(st, 5, l->chain_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (*out)
        return DOF_OK;
    *out = ++ls->next_key;
    if ((st = ing_stmt(ing, SQL_ADD)) == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, *out);
    ing_bind_i64(st, 3, (int64_t)r);
    ing_bind_text(st, 4, kind);
    ing_bind_text(st, 5, l->chain_id);
    ing_bind_text(st, 6, l->diff_id);
    ing_bind_text(st, 7, l->cache_id);
    ing_bind_text(st, 8, l->diff_path);
    ing_bind_i64(st, 9, (int64_t)l->size);
    ing_bind_i64(st, 10, l->present);
    ing_bind_i64(st, 11, (int64_t)rt->volume_offset_bytes);
    ing_bind_i64(st, 12, (int64_t)ing_path_inode(rt->fs, l->diff_path));
    if ((rc = ing_step(ing, st)) != DOF_OK)
        return rc;
    if (l->diff_path == NULL || rt->fs == NULL)
        return DOF_OK;
    ing_progress(ing, "layers", ls->layers_done++, ls->layers_total);
    rc = walk(ing, rt->fs, l->diff_path, *out, rt->volume_offset_bytes,
              rt->driver && strcmp(rt->driver, "aufs") == 0, &nfiles);
    if (rc != DOF_OK)
        return rc;
    if ((st = ing_stmt(ing, SQL_WALKED)) == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, *out);
    ing_bind_i64(st, 3, (int64_t)nfiles);
    return ing_step(ing, st);
}

static int
add_cl(dof_ing *ing, int64_t ckey, int64_t pos, int64_t lkey, const char *role,
       int64_t index)
{
    sqlite3_stmt *st = ing_stmt(ing, SQL_CL);
    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, ckey);
    ing_bind_i64(st, 3, pos);
    ing_bind_i64(st, 4, lkey);
    ing_bind_text(st, 5, role);
    if (index >= 0)
        ing_bind_i64(st, 6, index);
    return ing_step(ing, st);
}

/* The -init layer's directory: the container layer's path with the
 * mount id replaced by the init id. */
static char *
init_path(const dof_container *c)
{
    const char *u = c->upper_dir, *m;
    size_t ml;
    dof_buf b;
    if (u == NULL || c->init_id == NULL || c->mount_id == NULL ||
        (m = strstr(u, c->mount_id)) == NULL)
        return NULL;
    ml = strlen(c->mount_id);
    dof_buf_init(&b);
    dof_buf_append(&b, u, (size_t)(m - u));
    dof_buf_append(&b, c->init_id, strlen(c->init_id));
    dof_buf_append(&b, m + ml, strlen(m + ml));
    if (b.oom) {
        dof_buf_free(&b);
        return NULL;
    }
    return dof_buf_take(&b);
}

static int
container(lstate *ls, size_t r, const dof_store *rt, const dof_container *c)
{
    dof_ing *ing = ls->ing;
    int64_t ckey = ing_container_key(ing, r, c), lk, pos = 0;
    const dof_image *img = ing_container_image(rt, c);
    int legacy = c->driver && strcmp(c->driver, "overlay") == 0;
    int rc;

    if (!c->driver_supported || c->upper_dir == NULL)
        return DOF_OK;
    {
        dof_layer l;
        memset(&l, 0, sizeof(l));
        l.cache_id = c->mount_id;
        l.diff_path = c->upper_dir;
        l.present = 1;
        if ((rc = layer_key(ls, r, rt, "container", &l, &lk)) != DOF_OK ||
            (rc = add_cl(ing, ckey, pos++, lk, "container", -1)) != DOF_OK)
            return rc;
    }
    if (c->init_id) {
        dof_layer l;
        char *ip = init_path(c);
        memset(&l, 0, sizeof(l));
        l.cache_id = c->init_id;
        l.diff_path = ip;
        l.present = 1;
        rc = layer_key(ls, r, rt, "init", &l, &lk);
        free(ip);
        if (rc != DOF_OK ||
            (rc = add_cl(ing, ckey, pos++, lk, "init", -1)) != DOF_OK)
            return rc;
    }
    if (img == NULL)
        return DOF_OK;
    for (size_t j = img->nlayers; j-- > 0;) {
        if ((rc = layer_key(ls, r, rt, "image", &img->layers[j], &lk)) !=
                DOF_OK ||
            (rc = add_cl(ing, ckey, pos++, lk, "image", (int64_t)j)) != DOF_OK)
            return rc;
        if (legacy)
            break; /* overlay: the top layer's root/ is the full tree */
    }
    return DOF_OK;
}

static int
run(dof_ing *ing)
{
    lstate ls;
    sqlite3_stmt *st;
    int rc;

    memset(&ls, 0, sizeof(ls));
    ls.ing = ing;
    if ((st = ing_stmt(ing, SQL_MAX)) == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    if (sqlite3_step(st) == SQLITE_ROW)
        ls.next_key = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        ls.layers_total += 2 * rt->ncontainers;
        for (size_t i = 0; i < rt->nimages; i++)
            ls.layers_total += rt->images[i].nlayers;
    }
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        for (size_t i = 0; i < rt->nimages; i++) {
            const dof_image *img = &rt->images[i];
            int64_t ikey = ing_image_key(ing, r, img), lk;
            for (size_t j = 0; j < img->nlayers; j++) {
                if ((rc = layer_key(&ls, r, rt, "image", &img->layers[j],
                                    &lk)) != DOF_OK)
                    return rc;
                if ((st = ing_stmt(ing, SQL_IL)) == NULL)
                    return DOF_ERR_DB;
                ing_bind_i64(st, 1, ing->eid);
                ing_bind_i64(st, 2, ikey);
                ing_bind_i64(st, 3, (int64_t)j);
                ing_bind_i64(st, 4, lk);
                if ((rc = ing_step(ing, st)) != DOF_OK)
                    return rc;
            }
        }
        for (size_t i = 0; i < rt->ncontainers; i++)
            if ((rc = container(&ls, r, rt, &rt->containers[i])) != DOF_OK)
                return rc;
    }
    return DOF_OK;
}

const dof_ingest_module dof_mod_layers = {
    "layers", "layers,image_layers,container_layers,layer_files",
    "layer directories, image and container stacks, the files of every "
    "layer (once per layer)",
    "containers,images", run};
