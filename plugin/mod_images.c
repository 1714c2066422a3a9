/*
 * mod_images.c - ingest module "images": images, tags and digests,
 * labels, history.
 */
#include "plugin_private.h"

/* The columns come from dof_image_fields (include/dof_fields.h); inode
 * is the config file's. */
static char sql_i[4096];
static const char SQL_TAG[] =
    "INSERT INTO image_tags (evidence_id, image_key, kind, value) VALUES "
    "(?1, ?2, ?3, ?4)";
static const char SQL_LABEL[] =
    "INSERT INTO image_labels (evidence_id, image_key, key, value) VALUES "
    "(?1, ?2, ?3, ?4)";
static const char SQL_HIST[] =
    "INSERT INTO image_history (evidence_id, image_key, position, created, "
    "created_text, created_by, author, comment, empty_layer) VALUES (?1, "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static int
tags(dof_ing *ing, int64_t key, const char *kind, const char *const *v,
     size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = ing_stmt(ing, SQL_TAG);
        if (st == NULL)
            return DOF_ERR_DB;
        if (v[i] == NULL)
            continue;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, kind);
        ing_bind_text(st, 4, v[i]);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const void *rec)
{
    const dof_image *img = rec;
    int64_t key = ing_image_key(ing, r, img);
    int k, rc;
    sqlite3_stmt *st =
        ing_record_stmt(ing, sql_i, sizeof(sql_i), "images",
                        "evidence_id, image_key, root_key", key, r,
                        dof_image_fields, img, "inode", 1, &k);

    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, k++, (int64_t)ing_path_inode(rt->fs, img->config_path));
    if ((rc = ing_record_step(ing, st, "images", k)) != DOF_OK ||
        (rc = tags(ing, key, "tag", img->tags, img->ntags)) != DOF_OK ||
        (rc = tags(ing, key, "digest", img->digests, img->ndigests)) != DOF_OK)
        return rc;
    if ((rc = ing_insert_kv(ing, SQL_LABEL, key, img->labels, img->nlabels)) !=
        DOF_OK)
        return rc;
    for (size_t i = 0; i < img->nhistory; i++) {
        const dof_history *h = &img->history[i];
        if ((st = ing_stmt(ing, SQL_HIST)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_i64(st, 3, (int64_t)i);
        ing_bind_time(st, 4, h->created);
        ing_bind_text(st, 5, h->created_raw);
        ing_bind_text(st, 6, h->created_by);
        ing_bind_text(st, 7, h->author);
        ing_bind_text(st, 8, h->comment);
        ing_bind_i64(st, 9, h->empty_layer);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_IMAGES, NULL, one);
}

const dof_ingest_module dof_mod_images = {
    "images", "images,image_tags,image_labels,image_history",
    "images with tags, digests, labels and history", "", run};
