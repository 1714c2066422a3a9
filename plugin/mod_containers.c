/*
 * mod_containers.c - ingest module "containers": every field of
 * `dof list-containers --json`, with mounts, ports, env, labels and the
 * containers' network endpoints.
 */
#include "plugin_private.h"

#include <stdlib.h>

/* The columns come from dof_container_fields (include/dof_fields.h). */
static char sql_c[4096], sql_mount[512], sql_port[512];
static const char SQL_ENV[] =
    "INSERT INTO container_env (evidence_id, container_key, position, name, "
    "value) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LABEL[] =
    "INSERT INTO container_labels (evidence_id, container_key, key, value) "
    "VALUES (?1, ?2, ?3, ?4)";

static int
ports(dof_ing *ing, int64_t key, const char *kind, const dof_port *p, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        const char *sql = ing_fields_insert(
            sql_port, sizeof(sql_port), "container_ports",
            "evidence_id, container_key, kind", 3, dof_port_fields, NULL, 0);
        sqlite3_stmt *st = sql ? ing_stmt(ing, sql) : NULL;
        if (st == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, kind);
        ing_bind_fields(st, 4, dof_port_fields, &p[i]);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
children(dof_ing *ing, int64_t key, const dof_container *c)
{
    sqlite3_stmt *st;
    int rc;

    for (size_t i = 0; i < c->nmounts; i++) {
        const dof_mount *m = &c->mounts[i];
        const char *sql =
            ing_fields_insert(sql_mount, sizeof(sql_mount), "container_mounts",
                              "evidence_id, container_key, position", 3,
                              dof_mount_fields, NULL, 0);
        if (sql == NULL || (st = ing_stmt(ing, sql)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_i64(st, 3, (int64_t)i);
        ing_bind_fields(st, 4, dof_mount_fields, m);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    if ((rc = ports(ing, key, "binding", c->port_bindings,
                    c->nport_bindings)) != DOF_OK ||
        (rc = ports(ing, key, "published", c->published_ports,
                    c->npublished_ports)) != DOF_OK)
        return rc;
    for (size_t i = 0; i < c->nexposed_ports; i++) {
        dof_port p = {c->exposed_ports[i], NULL, NULL};
        if ((rc = ports(ing, key, "exposed", &p, 1)) != DOF_OK)
            return rc;
    }
    for (size_t i = 0; i < c->nenv; i++) {
        const char *e = c->env[i], *eq = e ? strchr(e, '=') : NULL;
        if (e == NULL || (st = ing_stmt(ing, SQL_ENV)) == NULL)
            continue;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_i64(st, 3, (int64_t)i);
        ing_bind_name(st, 4, e, eq ? (size_t)(eq - e) : strlen(e));
        if (eq)
            ing_bind_text(st, 5, eq + 1);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    if ((rc = ing_insert_kv(ing, SQL_LABEL, key, c->labels, c->nlabels)) !=
        DOF_OK)
        return rc;
    return ing_insert_endpoints(ing, 0, key, c->endpoints, c->nendpoints);
}

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const void *rec)
{
    const dof_container *c = rec;
    int64_t key = ing_container_key(ing, r, c);
    int k, rc;
    sqlite3_stmt *st =
        ing_record_stmt(ing, sql_c, sizeof(sql_c), "containers",
                        "evidence_id, container_key, root_key", key, r,
                        dof_container_fields, c, NULL, 0, &k);

    (void)rt;
    if (st == NULL)
        return DOF_ERR_DB;
    if ((rc = ing_record_step(ing, st, "containers", k)) == DOF_OK)
        rc = children(ing, key, c);
    return rc;
}

static int
run(dof_ing *ing)
{
    return ing_each(ing, ING_CONTAINERS, "containers", one);
}

const dof_ingest_module dof_mod_containers = {
    "containers",
    "containers,container_mounts,container_ports,container_env,"
    "container_labels,endpoints",
    "containers with mounts, ports, environment, labels, endpoints", "", run};
