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
    int k;
    sqlite3_stmt *st =
        ing_record_stmt(ing, sql_v, sizeof(sql_v), "volumes_docker",
                        "evidence_id, volume_key, root_key",
                        ing->vkey_base[r] + (int64_t)(v - rt->volumes), r,
                        dof_volume_fields, v, "inode, path", 2, &k);

    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, k++, (int64_t)ing_path_inode(rt->fs, v->data_path));
    ing_bind_text(st, k++, v->data_path);
    return ing_record_step(ing, st, "volumes_docker", k);
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_VOLUMES, NULL, one);
}

const dof_ingest_module dof_mod_volumes = {"volumes", "volumes_docker",
                                           "Docker volumes", "", run};
