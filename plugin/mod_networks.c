/*
 * mod_networks.c - ingest module "networks": Docker networks and their
 * endpoints (local-kv.db).
 */
#include "plugin_private.h"

/* The columns come from dof_network_fields and dof_endpoint_fields
 * (include/dof_fields.h). */
static char sql_n[2048], sql_ep[512];

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const void *rec)
{
    const dof_network *n = rec;
    int64_t key = ing->nkey_base[r] + (int64_t)(n - rt->networks);
    const char *sql = ing_fields_insert(sql_n, sizeof(sql_n), "networks",
                                        "evidence_id, network_key, root_key",
                                        3, dof_network_fields, NULL, 0);
    sqlite3_stmt *st = sql ? ing_stmt(ing, sql) : NULL;
    int rc;

    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, key);
    ing_bind_i64(st, 3, (int64_t)r);
    ing_bind_fields(st, 4, dof_network_fields, n);
    if ((rc = ing_step(ing, st)) != DOF_OK)
        return rc;
    for (size_t j = 0; j < n->nendpoints; j++) {
        sql = ing_fields_insert(sql_ep, sizeof(sql_ep), "endpoints",
                                "evidence_id, network_key", 2,
                                dof_endpoint_fields, NULL, 0);
        if (sql == NULL || (st = ing_stmt(ing, sql)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_fields(st, 3, dof_endpoint_fields, &n->endpoints[j]);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_NETWORKS, NULL, one);
}

const dof_ingest_module dof_mod_networks = {"networks", "networks,endpoints",
                                            "Docker networks and endpoints",
                                            "", run};
