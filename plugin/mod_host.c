/*
 * mod_host.c - ingest module "host": volumes of the evidence, Docker data
 * roots, and the host side (daemon.json settings, API on TCP, ...).
 */
#include "plugin_private.h"

static const char SQL_VOL[] =
    "INSERT INTO volumes (evidence_id, vol_index, volume_offset_bytes, "
    "length_bytes, description, signature, note, fs_type, needs_recovery, "
    "address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_ROOT[] =
    "INSERT INTO data_roots (evidence_id, root_key, volume_index, "
    "volume_offset_bytes, inode, path, found_by, driver, engine_version, "
    "engine_id, swarm_member, swarm_node_id, swarm_addr, "
    "journal_needs_recovery) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10, ?11, ?12, ?13, ?14)";
static const char SQL_SET[] =
    "INSERT INTO host_settings (evidence_id, volume_offset_bytes, kind, "
    "value, path) VALUES (?1, ?2, ?3, ?4, ?5)";

static int
setting(dof_ing *ing, uint64_t off, const char *kind, const char *value,
        const char *path)
{
    sqlite3_stmt *st = ing_stmt(ing, SQL_SET);
    if (st == NULL)
        return DOF_ERR_DB;
    if (value == NULL)
        return DOF_OK;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, (int64_t)off);
    ing_bind_text(st, 3, kind);
    /* a configuration file that is valid UTF-8 is stored as it is, so
     * that json_extract() works on daemon.json; anything else encoded */
    if (dof_utf8_valid(value, strlen(value)))
        sqlite3_bind_text(st, 4, value, -1, SQLITE_TRANSIENT);
    else
        ing_bind_text(st, 4, value);
    ing_bind_text(st, 5, path);
    return ing_step(ing, st);
}

static int
settings(dof_ing *ing, uint64_t off, const char *kind, const char *const *v,
         size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = setting(ing, off, kind, v[i], NULL)) != DOF_OK)
            return rc;
    return DOF_OK;
}

static int
run(dof_ing *ing)
{
    sqlite3_stmt *st;
    int rc;

    for (size_t i = 0; i < dof_evidence_partition_count(ing->ev); i++) {
        const dof_partition *v = dof_evidence_partition(ing->ev, i);
        if ((st = ing_stmt(ing, SQL_VOL)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, (int64_t)v->index);
        ing_bind_i64(st, 3, (int64_t)v->offset_bytes);
        ing_bind_i64(st, 4, (int64_t)v->length_bytes);
        ing_bind_text(st, 5, v->desc);
        ing_bind_text(st, 6, v->signature);
        ing_bind_text(st, 7, v->note);
        ing_bind_text(st, 8, v->fs ? dof_fs_type_name(v->fs) : NULL);
        if (v->fs)
            ing_bind_i64(st, 9, dof_fs_needs_recovery(v->fs));
        ing_bind_text(st, 10, v->address);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    if (ing->host == NULL)
        return DOF_OK;
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        /* data_roots holds the stores dof read; one it did not read has
         * no records and is a warning (the warnings table) */
        if (!rt->read)
            continue;
        if ((st = ing_stmt(ing, SQL_ROOT)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, (int64_t)r);
        ing_bind_i64(st, 3, rt->volume_index);
        ing_bind_i64(st, 4, (int64_t)rt->volume_offset_bytes);
        ing_bind_i64(st, 5, (int64_t)ing_path_inode(rt->fs, rt->path));
        ing_bind_text(st, 6, rt->path);
        ing_bind_text(st, 7, rt->found_by);
        ing_bind_text(st, 8, rt->driver);
        ing_bind_text(st, 9, rt->engine_version);
        ing_bind_text(st, 10, rt->docker.engine_id);
        ing_bind_i64(st, 11, rt->docker.swarm_member);
        ing_bind_text(st, 12, rt->docker.swarm_node_id);
        ing_bind_text(st, 13, rt->docker.swarm_addr);
        ing_bind_i64(st, 14, rt->journal_needs_recovery);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    for (size_t i = 0; i < dof_host_info_count(ing->host); i++) {
        const dof_hostinfo *h = dof_host_info(ing->host, i);
        uint64_t off = h->volume_offset_bytes;
        if ((rc = setting(ing, off, "daemon_json", h->daemon_json,
                          h->daemon_json_path)) != DOF_OK ||
            (rc = setting(ing, off, "data_root_setting", h->data_root_setting,
                          h->daemon_json_path)) != DOF_OK ||
            (rc = setting(ing, off, "storage_driver_setting",
                          h->storage_driver_setting, h->daemon_json_path)) !=
                DOF_OK ||
            (rc = setting(ing, off, "log_driver_setting",
                          h->log_driver_setting, h->daemon_json_path)) !=
                DOF_OK ||
            (rc = settings(ing, off, "api_tcp", h->api_tcp, h->napi_tcp)) !=
                DOF_OK ||
            (rc = settings(ing, off, "docker_group", h->docker_group,
                           h->ndocker_group)) != DOF_OK ||
            (rc = settings(ing, off, "credential", h->credentials,
                           h->ncredentials)) != DOF_OK ||
            (rc = settings(ing, off, "shell_history", h->histories,
                           h->nhistories)) != DOF_OK ||
            (rc = settings(ing, off, "insecure_registry",
                           h->insecure_registries, h->ninsecure_registries)) !=
                DOF_OK)
            return rc;
    }
    return DOF_OK;
}

const dof_ingest_module dof_mod_host = {
    "host", "volumes,data_roots,host_settings",
    "volumes of the evidence, Docker data roots, daemon settings", "", run};
