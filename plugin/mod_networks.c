/*
 * mod_networks.c - ingest module "networks": Docker networks and their
 * endpoints (local-kv.db).
 */
#include "plugin_private.h"

/* The columns come from dof_network_fields and dof_endpoint_fields
 * (include/dof_fields.h). */
static char sql_n[2048];

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const void *rec)
{
    const dof_network *n = rec;
    int64_t key = ing->nkey_base[r] + (int64_t)(n - rt->networks);
    int k, rc;
    sqlite3_stmt *st =
        ing_record_stmt(ing, sql_n, sizeof(sql_n), "networks",
                        "evidence_id, network_key, root_key", key, r,
                        dof_network_fields, n, NULL, 0, &k);

    if (st == NULL)
        return DOF_ERR_DB;
    if ((rc = ing_record_step(ing, st, "networks", k)) != DOF_OK)
        return rc;
    return ing_insert_endpoints(ing, 1, key, n->endpoints, n->nendpoints);
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_NETWORKS, NULL, one);
}

const dof_ingest_module dof_mod_networks = {"networks", "networks,endpoints",
                                            "Docker networks and endpoints",
                                            "", run};
