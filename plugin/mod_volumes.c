/*
 * mod_volumes.c - ingest module "volumes": Docker volumes.
 */
#include "plugin_private.h"

/* The columns come from dof_volume_fields (include/dof_fields.h); inode
 * and path are the _data directory's. */
static char sql_v[2048];

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const void *rec)
{
    const dof_docker_volume *v = rec;
    const char *sql = ing_fields_insert(sql_v, sizeof(sql_v), "volumes_docker",
                                        "evidence_id, volume_key, root_key", 3,
                                        dof_volume_fields, "inode, path", 2);
    sqlite3_stmt *st = sql ? ing_stmt(ing, sql) : NULL;
    int k = 1;

    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, k++, ing->eid);
    ing_bind_i64(st, k++, ing->vkey_base[r] + (int64_t)(v - rt->volumes));
    ing_bind_i64(st, k++, (int64_t)r);
    k = ing_bind_fields(st, k, dof_volume_fields, v);
    ing_bind_i64(st, k++, (int64_t)ing_path_inode(rt->fs, v->data_path));
    ing_bind_text(st, k++, v->data_path);
    return ing_step(ing, st);
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_VOLUMES, NULL, one);
}

const dof_ingest_module dof_mod_volumes = {"volumes", "volumes_docker",
                                           "Docker volumes", "", run};
