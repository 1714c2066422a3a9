/*
 * mod_networks.c - ingest module "networks": Docker networks and their
 * endpoints (local-kv.db).
 */
#include "plugin_private.h"

static const char SQL_N[] =
    "INSERT INTO networks (evidence_id, network_key, root_key, id, name, "
    "driver, scope, internal, ipv6, created, created_text, subnets, "
    "gateways, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, ?12, ?13, ?14)";
static const char SQL_EP[] =
    "INSERT INTO endpoints (evidence_id, network_key, network, network_id, "
    "endpoint_id, ip_address, mac_address, gateway, name) VALUES (?1, ?2, "
    "?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static int
run(dof_ing *ing)
{
    int rc;
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        for (size_t i = 0; i < rt->nnetworks; i++) {
            const dof_network *n = &rt->networks[i];
            int64_t key = ing->nkey_base[r] + (int64_t)i;
            sqlite3_stmt *st = ing_stmt(ing, SQL_N);
            if (st == NULL)
                return DOF_ERR_DB;
            ing_bind_i64(st, 1, ing->eid);
            ing_bind_i64(st, 2, key);
            ing_bind_i64(st, 3, (int64_t)r);
            ing_bind_text(st, 4, n->id);
            ing_bind_text(st, 5, n->name);
            ing_bind_text(st, 6, n->driver);
            ing_bind_text(st, 7, n->scope);
            ing_bind_i64(st, 8, n->internal);
            ing_bind_i64(st, 9, n->ipv6);
            ing_bind_time(st, 10, n->created);
            ing_bind_text(st, 11, n->created_raw);
            ing_bind_text_take(st, 12, ing_json_strv(n->subnets, n->nsubnets));
            ing_bind_text_take(st, 13,
                               ing_json_strv(n->gateways, n->ngateways));
            ing_bind_text_take(st, 14, ing_json_kv(n->labels, n->nlabels));
            if ((rc = ing_step(ing, st)) != DOF_OK)
                return rc;
            for (size_t j = 0; j < n->nendpoints; j++) {
                const dof_endpoint *e = &n->endpoints[j];
                if ((st = ing_stmt(ing, SQL_EP)) == NULL)
                    return DOF_ERR_DB;
                ing_bind_i64(st, 1, ing->eid);
                ing_bind_i64(st, 2, key);
                ing_bind_text(st, 3, e->network ? e->network : n->name);
                ing_bind_text(st, 4, e->network_id ? e->network_id : n->id);
                ing_bind_text(st, 5, e->endpoint_id);
                ing_bind_text(st, 6, e->ip_address);
                ing_bind_text(st, 7, e->mac_address);
                ing_bind_text(st, 8, e->gateway);
                ing_bind_text(st, 9, e->name);
                if ((rc = ing_step(ing, st)) != DOF_OK)
                    return rc;
            }
        }
    }
    return DOF_OK;
}

const dof_ingest_module dof_mod_networks = {"networks", "networks,endpoints",
                                            "Docker networks and endpoints",
                                            "", run};
