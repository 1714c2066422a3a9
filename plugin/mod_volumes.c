/*
 * mod_volumes.c - ingest module "volumes": Docker volumes.
 */
#include "plugin_private.h"

static const char SQL_V[] =
    "INSERT INTO volumes_docker (evidence_id, volume_key, root_key, name, "
    "driver, labels, options, data_path, created, in_metadata, anonymous, "
    "mount_type, mount_opts, mount_device, containers, "
    "volume_offset_bytes, inode, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?8)";

static int
run(dof_ing *ing)
{
    int rc;
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        for (size_t i = 0; i < rt->nvolumes; i++) {
            const dof_docker_volume *v = &rt->volumes[i];
            sqlite3_stmt *st = ing_stmt(ing, SQL_V);
            if (st == NULL)
                return DOF_ERR_DB;
            ing_bind_i64(st, 1, ing->eid);
            ing_bind_i64(st, 2, ing->vkey_base[r] + (int64_t)i);
            ing_bind_i64(st, 3, (int64_t)r);
            ing_bind_text(st, 4, v->name);
            ing_bind_text(st, 5, v->driver);
            ing_bind_text_take(st, 6, ing_json_kv(v->labels, v->nlabels));
            ing_bind_text_take(st, 7, ing_json_kv(v->options, v->noptions));
            ing_bind_text(st, 8, v->data_path);
            ing_bind_time(st, 9, v->created);
            ing_bind_i64(st, 10, v->in_metadata);
            ing_bind_i64(st, 11, v->anonymous);
            ing_bind_text(st, 12, v->mount_type);
            ing_bind_text(st, 13, v->mount_opts);
            ing_bind_text(st, 14, v->mount_device);
            ing_bind_text_take(st, 15,
                               ing_json_strv(v->containers, v->ncontainers));
            ing_bind_i64(st, 16, (int64_t)rt->volume_offset_bytes);
            ing_bind_i64(st, 17,
                         (int64_t)ing_path_inode(rt->fs, v->data_path));
            if ((rc = ing_step(ing, st)) != DOF_OK)
                return rc;
        }
    }
    return DOF_OK;
}

const dof_ingest_module dof_mod_volumes = {"volumes", "volumes_docker",
                                           "Docker volumes", "", run};
