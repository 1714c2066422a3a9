/*
 * mod_containers.c - ingest module "containers": every field of
 * `dof list-containers --json`, with mounts, ports, env, labels and the
 * containers' network endpoints.
 */
#include "plugin_private.h"

#include <stdlib.h>

static const char SQL_C[] =
    "INSERT INTO containers (evidence_id, container_key, root_key, id, "
    "name, image, image_id, state, exit_code, pid, oom_killed, error, "
    "created, created_text, started_at, started_at_text, finished_at, "
    "finished_at_text, command, entrypoint, cmd, exposed_ports, hostname, "
    "domainname, user, working_dir, driver, driver_supported, mount_id, "
    "init_id, layer_parent, upper_dir, log_driver, log_opts, log_path, "
    "restart_policy, restart_max_retries, restart_count, privileged, "
    "auto_remove, readonly_rootfs, cap_add, cap_drop, security_opt, "
    "devices, pid_mode, network_mode, ipc_mode, uts_mode, userns_mode, "
    "apparmor_profile, seccomp_profile, health_status, "
    "health_failing_streak, has_been_started_before, "
    "has_been_manually_stopped, hostname_path, hosts_path, "
    "resolv_conf_path, dir, hostconfig_path, legacy_v1, damaged, "
    "volume_offset_bytes, inode, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_MOUNT[] =
    "INSERT INTO container_mounts (evidence_id, container_key, position, "
    "type, source, destination, name, driver, mode, propagation, rw) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_PORT[] =
    "INSERT INTO container_ports (evidence_id, container_key, kind, "
    "container_port, host_ip, host_port) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_ENV[] =
    "INSERT INTO container_env (evidence_id, container_key, position, name, "
    "value) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LABEL[] =
    "INSERT INTO container_labels (evidence_id, container_key, key, value) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char SQL_EP[] =
    "INSERT INTO endpoints (evidence_id, container_key, network, "
    "network_id, endpoint_id, ip_address, mac_address, gateway, name) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static int
ports(dof_ing *ing, int64_t key, const char *kind, const dof_port *p, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = ing_stmt(ing, SQL_PORT);
        if (st == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, kind);
        ing_bind_text(st, 4, p[i].container_port);
        ing_bind_text(st, 5, p[i].host_ip);
        ing_bind_text(st, 6, p[i].host_port);
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
        if ((st = ing_stmt(ing, SQL_MOUNT)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_i64(st, 3, (int64_t)i);
        ing_bind_text(st, 4, m->type);
        ing_bind_text(st, 5, m->source);
        ing_bind_text(st, 6, m->destination);
        ing_bind_text(st, 7, m->name);
        ing_bind_text(st, 8, m->driver);
        ing_bind_text(st, 9, m->mode);
        ing_bind_text(st, 10, m->propagation);
        ing_bind_i64(st, 11, m->rw);
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
    for (size_t i = 0; i < c->nlabels; i++) {
        if ((st = ing_stmt(ing, SQL_LABEL)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, c->labels[i].key);
        ing_bind_text(st, 4, c->labels[i].value);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    for (size_t i = 0; i < c->nendpoints; i++) {
        const dof_endpoint *e = &c->endpoints[i];
        if ((st = ing_stmt(ing, SQL_EP)) == NULL)
            return DOF_ERR_DB;
        ing_bind_i64(st, 1, ing->eid);
        ing_bind_i64(st, 2, key);
        ing_bind_text(st, 3, e->network);
        ing_bind_text(st, 4, e->network_id);
        ing_bind_text(st, 5, e->endpoint_id);
        ing_bind_text(st, 6, e->ip_address);
        ing_bind_text(st, 7, e->mac_address);
        ing_bind_text(st, 8, e->gateway);
        ing_bind_text(st, 9, e->name);
        if ((rc = ing_step(ing, st)) != DOF_OK)
            return rc;
    }
    return DOF_OK;
}

static int
one(dof_ing *ing, size_t r, const dof_store *rt, const dof_container *c)
{
    sqlite3_stmt *st = ing_stmt(ing, SQL_C);
    int64_t key = ing_container_key(ing, r, c);
    int k = 1;

    if (st == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, k++, ing->eid);
    ing_bind_i64(st, k++, key);
    ing_bind_i64(st, k++, (int64_t)r);
    ing_bind_text(st, k++, c->id ? c->id : "");
    ing_bind_text(st, k++, c->name);
    ing_bind_text(st, k++, c->image);
    ing_bind_text(st, k++, c->image_id);
    ing_bind_text(st, k++, dof_state_name(c->state));
    ing_bind_i64(st, k++, c->exit_code);
    ing_bind_i64(st, k++, c->pid);
    ing_bind_i64(st, k++, c->oom_killed);
    ing_bind_text(st, k++, c->error);
    ing_bind_time(st, k++, c->created);
    ing_bind_text(st, k++, c->created_raw);
    ing_bind_time(st, k++, c->started_at);
    ing_bind_text(st, k++, c->started_at_raw);
    ing_bind_time(st, k++, c->finished_at);
    ing_bind_text(st, k++, c->finished_at_raw);
    ing_bind_text_take(st, k++, ing_json_strv(c->command, c->ncommand));
    ing_bind_text_take(st, k++, ing_json_strv(c->entrypoint, c->nentrypoint));
    ing_bind_text_take(st, k++, ing_json_strv(c->cmd, c->ncmd));
    ing_bind_text_take(st, k++,
                       ing_json_strv(c->exposed_ports, c->nexposed_ports));
    ing_bind_text(st, k++, c->hostname);
    ing_bind_text(st, k++, c->domainname);
    ing_bind_text(st, k++, c->user);
    ing_bind_text(st, k++, c->working_dir);
    ing_bind_text(st, k++, c->driver);
    ing_bind_i64(st, k++, c->driver_supported);
    ing_bind_text(st, k++, c->mount_id);
    ing_bind_text(st, k++, c->init_id);
    ing_bind_text(st, k++, c->layer_parent);
    ing_bind_text(st, k++, c->upper_dir);
    ing_bind_text(st, k++, c->log_driver);
    ing_bind_text_take(st, k++, ing_json_kv(c->log_opts, c->nlog_opts));
    ing_bind_text(st, k++, c->log_path);
    ing_bind_text(st, k++, c->restart_policy);
    ing_bind_i64(st, k++, c->restart_max_retries);
    ing_bind_i64(st, k++, c->restart_count);
    ing_bind_i64(st, k++, c->privileged);
    ing_bind_i64(st, k++, c->auto_remove);
    ing_bind_i64(st, k++, c->readonly_rootfs);
    ing_bind_text_take(st, k++, ing_json_strv(c->cap_add, c->ncap_add));
    ing_bind_text_take(st, k++, ing_json_strv(c->cap_drop, c->ncap_drop));
    ing_bind_text_take(st, k++,
                       ing_json_strv(c->security_opt, c->nsecurity_opt));
    ing_bind_text_take(st, k++, ing_json_strv(c->devices, c->ndevices));
    ing_bind_text(st, k++, c->pid_mode);
    ing_bind_text(st, k++, c->network_mode);
    ing_bind_text(st, k++, c->ipc_mode);
    ing_bind_text(st, k++, c->uts_mode);
    ing_bind_text(st, k++, c->userns_mode);
    ing_bind_text(st, k++, c->apparmor_profile);
    ing_bind_text(st, k++, c->seccomp_profile);
    ing_bind_text(st, k++, c->health_status);
    ing_bind_i64(st, k++, c->health_failing_streak);
    ing_bind_i64(st, k++, c->has_been_started_before);
    ing_bind_i64(st, k++, c->has_been_manually_stopped);
    ing_bind_text(st, k++, c->hostname_path);
    ing_bind_text(st, k++, c->hosts_path);
    ing_bind_text(st, k++, c->resolv_conf_path);
    ing_bind_text(st, k++, c->dir);
    ing_bind_text(st, k++, c->hostconfig_path);
    ing_bind_i64(st, k++, c->legacy_v1);
    ing_bind_i64(st, k++, c->damaged);
    ing_bind_i64(st, k++, (int64_t)rt->volume_offset_bytes);
    ing_bind_i64(st, k++, (int64_t)c->config_ino);
    ing_bind_text(st, k++, c->config_path);
    if (k - 1 != sqlite3_bind_parameter_count(st)) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        return dof_set_error(ing->ctx, DOF_ERR_DB,
                             "containers: %d values for %d columns", k - 1,
                             sqlite3_bind_parameter_count(st));
    }
    int rc = ing_step(ing, st);
    if (rc == DOF_OK)
        rc = children(ing, key, c);
    return rc;
}

static int
run(dof_ing *ing)
{
    int rc;
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        for (size_t i = 0; i < rt->ncontainers; i++) {
            ing_progress(ing, "containers", i, rt->ncontainers);
            if ((rc = one(ing, r, rt, &rt->containers[i])) != DOF_OK)
                return rc;
        }
    }
    return DOF_OK;
}

const dof_ingest_module dof_mod_containers = {
    "containers",
    "containers,container_mounts,container_ports,container_env,"
    "container_labels,endpoints",
    "containers with mounts, ports, environment, labels, endpoints", "", run};
