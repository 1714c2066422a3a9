/*
 * dof-model-dump.c - test driver: open evidence, build the engine model
 * through the public API only, and print it as JSON lines (one object
 * per root, container, image, host info, warning) for
 * tests/truth/test_model_truth.py.
 *
 *   dof-model-dump EVIDENCE [--docker-root PATH] [--show-secrets]
 *                  [--find-container Q]... [--find-image Q]...
 */
#include "dof.h"

#include <json.h>
#include <stdlib.h>
#include <string.h>

static json_object *
jstr(const char *s)
{
    char *e;
    json_object *o;
    if (s == NULL)
        return NULL;
    if (*s == '\0') /* dof_name_encode("") returns an unterminated buffer */
        return json_object_new_string("");
    e = dof_name_encode(s, strlen(s), NULL);
    o = json_object_new_string(e ? e : "");
    free(e);
    return o;
}

static json_object *
jtime(int64_t ns)
{
    char buf[40];
    if (ns == DOF_TIME_NONE)
        return NULL;
    dof_time_format(ns, buf, sizeof(buf));
    return json_object_new_string(buf);
}

static json_object *
jstrv(const char **v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, jstr(v[i]));
    return a;
}

static json_object *
jkv(const dof_kv *v, size_t n)
{
    json_object *o = json_object_new_object();
    for (size_t i = 0; i < n; i++) {
        char *k = *v[i].key ? dof_name_encode(v[i].key, strlen(v[i].key), NULL)
                            : NULL;
        json_object_object_add(o, k ? k : "", jstr(v[i].value));
        free(k);
    }
    return o;
}

static json_object *
jports(const dof_port *p, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "container_port", jstr(p[i].container_port));
        json_object_object_add(o, "host_ip", jstr(p[i].host_ip));
        json_object_object_add(o, "host_port", jstr(p[i].host_port));
        json_object_array_add(a, o);
    }
    return a;
}

#define S(o, k, v) json_object_object_add(o, k, jstr(v))
#define I(o, k, v) json_object_object_add(o, k, json_object_new_int64(v))
#define T(o, k, v) json_object_object_add(o, k, jtime(v))

static void
emit(json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

static json_object *
container_obj(const dof_container *c)
{
    json_object *o = json_object_new_object(), *a;
    json_object_object_add(o, "kind", json_object_new_string("container"));
    S(o, "id", c->id);
    S(o, "name", c->name);
    S(o, "image", c->image);
    S(o, "image_id", c->image_id);
    S(o, "state", dof_state_name(c->state));
    I(o, "exit_code", c->exit_code);
    I(o, "pid", c->pid);
    I(o, "oom_killed", c->oom_killed);
    S(o, "error", c->error);
    T(o, "created", c->created);
    T(o, "started_at", c->started_at);
    T(o, "finished_at", c->finished_at);
    S(o, "created_raw", c->created_raw);
    S(o, "started_at_raw", c->started_at_raw);
    S(o, "finished_at_raw", c->finished_at_raw);
    json_object_object_add(o, "command", jstrv(c->command, c->ncommand));
    json_object_object_add(o, "entrypoint",
                           jstrv(c->entrypoint, c->nentrypoint));
    json_object_object_add(o, "cmd", jstrv(c->cmd, c->ncmd));
    json_object_object_add(o, "env", jstrv(c->env, c->nenv));
    json_object_object_add(o, "labels", jkv(c->labels, c->nlabels));
    json_object_object_add(o, "exposed_ports",
                           jstrv(c->exposed_ports, c->nexposed_ports));
    json_object_object_add(o, "port_bindings",
                           jports(c->port_bindings, c->nport_bindings));
    json_object_object_add(o, "published_ports",
                           jports(c->published_ports, c->npublished_ports));
    a = json_object_new_array();
    for (size_t i = 0; i < c->nmounts; i++) {
        const dof_mount *m = &c->mounts[i];
        json_object *mo = json_object_new_object();
        S(mo, "type", m->type);
        S(mo, "source", m->source);
        S(mo, "destination", m->destination);
        S(mo, "name", m->name);
        S(mo, "driver", m->driver);
        S(mo, "mode", m->mode);
        S(mo, "propagation", m->propagation);
        I(mo, "rw", m->rw);
        json_object_array_add(a, mo);
    }
    json_object_object_add(o, "mounts", a);
    a = json_object_new_array();
    for (size_t i = 0; i < c->nendpoints; i++) {
        const dof_endpoint *e = &c->endpoints[i];
        json_object *eo = json_object_new_object();
        S(eo, "network", e->network);
        S(eo, "network_id", e->network_id);
        S(eo, "endpoint_id", e->endpoint_id);
        S(eo, "ip_address", e->ip_address);
        S(eo, "mac_address", e->mac_address);
        S(eo, "gateway", e->gateway);
        json_object_array_add(a, eo);
    }
    json_object_object_add(o, "endpoints", a);
    S(o, "hostname", c->hostname);
    S(o, "user", c->user);
    S(o, "working_dir", c->working_dir);
    S(o, "driver", c->driver);
    I(o, "driver_supported", c->driver_supported);
    S(o, "mount_id", c->mount_id);
    S(o, "init_id", c->init_id);
    S(o, "layer_parent", c->layer_parent);
    S(o, "upper_dir", c->upper_dir);
    S(o, "log_driver", c->log_driver);
    json_object_object_add(o, "log_opts", jkv(c->log_opts, c->nlog_opts));
    S(o, "log_path", c->log_path);
    S(o, "restart_policy", c->restart_policy);
    I(o, "restart_count", c->restart_count);
    I(o, "privileged", c->privileged);
    I(o, "auto_remove", c->auto_remove);
    I(o, "readonly_rootfs", c->readonly_rootfs);
    json_object_object_add(o, "cap_add", jstrv(c->cap_add, c->ncap_add));
    json_object_object_add(o, "cap_drop", jstrv(c->cap_drop, c->ncap_drop));
    json_object_object_add(o, "security_opt",
                           jstrv(c->security_opt, c->nsecurity_opt));
    json_object_object_add(o, "devices", jstrv(c->devices, c->ndevices));
    S(o, "pid_mode", c->pid_mode);
    S(o, "network_mode", c->network_mode);
    S(o, "userns_mode", c->userns_mode);
    S(o, "health_status", c->health_status);
    S(o, "dir", c->dir);
    S(o, "config_path", c->config_path);
    I(o, "config_ino", (int64_t)c->config_ino);
    S(o, "hostconfig_path", c->hostconfig_path);
    I(o, "legacy_v1", c->legacy_v1);
    I(o, "damaged", c->damaged);
    S(o, "root", c->store ? c->store->path : NULL);
    return o;
}

static json_object *
image_obj(const dof_image *im)
{
    json_object *o = json_object_new_object(), *a;
    json_object_object_add(o, "kind", json_object_new_string("image"));
    S(o, "id", im->id);
    json_object_object_add(o, "tags", jstrv(im->tags, im->ntags));
    json_object_object_add(o, "digests", jstrv(im->digests, im->ndigests));
    T(o, "created", im->created);
    T(o, "last_updated", im->last_updated);
    S(o, "parent", im->parent);
    S(o, "architecture", im->architecture);
    S(o, "os", im->os);
    json_object_object_add(o, "cmd", jstrv(im->cmd, im->ncmd));
    json_object_object_add(o, "env", jstrv(im->env, im->nenv));
    json_object_object_add(o, "exposed_ports",
                           jstrv(im->exposed_ports, im->nexposed_ports));
    I(o, "nhistory", (int64_t)im->nhistory);
    a = json_object_new_array();
    for (size_t i = 0; i < im->nlayers; i++) {
        const dof_layer *l = &im->layers[i];
        json_object *lo = json_object_new_object();
        S(lo, "diff_id", l->diff_id);
        S(lo, "chain_id", l->chain_id);
        S(lo, "cache_id", l->cache_id);
        S(lo, "diff_path", l->diff_path);
        I(lo, "size", (int64_t)l->size);
        I(lo, "present", l->present);
        json_object_array_add(a, lo);
    }
    json_object_object_add(o, "layers", a);
    json_object_object_add(o, "containers",
                           jstrv(im->containers, im->ncontainers));
    I(o, "id_verified", im->id_verified);
    I(o, "damaged", im->damaged);
    return o;
}

int
main(int argc, char **argv)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    dof_host_opts opts = {NULL, 0, NULL};
    const char *evpath = NULL;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--docker-root") == 0 && i + 1 < argc)
            opts.docker_root = argv[++i];
        else if (strcmp(argv[i], "--show-secrets") == 0)
            opts.show_secrets = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            opts.only_container = argv[++i];
        else if ((strncmp(argv[i], "--find-", 7) == 0 ||
                  strcmp(argv[i], "--read-config") == 0) &&
                 i + 1 < argc)
            i++;
        else
            evpath = argv[i];
    }
    if (ctx == NULL || evpath == NULL) {
        fprintf(stderr, "usage: dof-model-dump EVIDENCE [options]\n");
        return 2;
    }
    rc = dof_evidence_open(ctx, evpath, -1, &ev);
    if (rc == DOF_OK)
        rc = dof_host_open(ctx, ev, &opts, &host);
    if (rc != DOF_OK) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string("error"));
        I(o, "code", rc);
        S(o, "status", dof_status_name(rc));
        S(o, "message", dof_errmsg(ctx));
        emit(o);
    }
    for (size_t r = 0; host && r < dof_host_store_count(host); r++) {
        const dof_store *rt = dof_host_store(host, r);
        json_object *o = json_object_new_object();
        /* every store as "store"; Docker data roots also as "root" */
        S(o, "kind", "store");
        S(o, "engine", rt->engine);
        S(o, "path", rt->path);
        S(o, "volume", rt->volume);
        S(o, "found_by", rt->found_by);
        S(o, "rootless_user", rt->rootless_user);
        I(o, "read", rt->read);
        S(o, "reason", rt->reason);
        emit(o);
        if (rt->engine == NULL || strcmp(rt->engine, "docker") != 0)
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string("root"));
        S(o, "path", rt->path);
        S(o, "found_by", rt->found_by);
        S(o, "driver", rt->driver);
        I(o, "volume_index", rt->volume_index);
        I(o, "volume_offset_bytes", (int64_t)rt->volume_offset_bytes);
        S(o, "engine_version", rt->engine_version);
        S(o, "engine_id", rt->docker.engine_id);
        I(o, "swarm_member", rt->docker.swarm_member);
        S(o, "swarm_node_id", rt->docker.swarm_node_id);
        S(o, "swarm_addr", rt->docker.swarm_addr);
        I(o, "journal_needs_recovery", rt->journal_needs_recovery);
        json_object_object_add(
            o, "other_stores",
            jstrv(rt->docker.other_stores, rt->docker.nother_stores));
        I(o, "ncontainers", (int64_t)rt->ncontainers);
        I(o, "nimages", (int64_t)rt->nimages);
        I(o, "nvolumes", (int64_t)rt->nvolumes);
        I(o, "nnetworks", (int64_t)rt->nnetworks);
        emit(o);
        for (size_t i = 0; i < rt->ncontainers; i++)
            emit(container_obj(&rt->containers[i]));
        for (size_t i = 0; i < rt->nimages; i++)
            emit(image_obj(&rt->images[i]));
    }
    for (size_t i = 0; host && i < dof_host_info_count(host); i++) {
        const dof_hostinfo *hi = dof_host_info(host, i);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string("hostinfo"));
        I(o, "volume_index", hi->volume_index);
        S(o, "daemon_json_path", hi->daemon_json_path);
        S(o, "data_root_setting", hi->data_root_setting);
        S(o, "storage_driver_setting", hi->storage_driver_setting);
        S(o, "log_driver_setting", hi->log_driver_setting);
        json_object_object_add(o, "api_tcp", jstrv(hi->api_tcp, hi->napi_tcp));
        json_object_object_add(o, "docker_group",
                               jstrv(hi->docker_group, hi->ndocker_group));
        json_object_object_add(o, "credentials",
                               jstrv(hi->credentials, hi->ncredentials));
        json_object_object_add(o, "histories",
                               jstrv(hi->histories, hi->nhistories));
        json_object_object_add(
            o, "insecure_registries",
            jstrv(hi->insecure_registries, hi->ninsecure_registries));
        emit(o);
    }
    for (int i = 1; host && i + 1 < argc; i++) {
        json_object *o;
        int fr;
        if (strcmp(argv[i], "--find-container") == 0) {
            const dof_container *c = NULL;
            fr = dof_host_find_container(ctx, host, argv[i + 1], &c);
            o = json_object_new_object();
            json_object_object_add(o, "kind", json_object_new_string("find"));
            S(o, "query", argv[i + 1]);
            S(o, "status", dof_status_name(fr));
            S(o, "id", c ? c->id : NULL);
            S(o, "message", fr ? dof_errmsg(ctx) : NULL);
            emit(o);
        }
        else if (strcmp(argv[i], "--read-config") == 0) {
            const dof_container *c = NULL;
            const dof_image *im = NULL;
            char *cfg = NULL, *hc = NULL;
            o = json_object_new_object();
            json_object_object_add(o, "kind",
                                   json_object_new_string("config"));
            S(o, "query", argv[i + 1]);
            if (dof_host_find_container(ctx, host, argv[i + 1], &c) == DOF_OK)
                fr = dof_container_read_config(ctx, c, &cfg, &hc);
            else if (dof_host_find_image(ctx, host, argv[i + 1], &im) ==
                     DOF_OK)
                fr = dof_image_read_config(ctx, im, &cfg);
            else
                fr = DOF_ERR_NOTFOUND;
            S(o, "status", dof_status_name(fr));
            /* as stored (engine JSON is UTF-8): not name-encoded */
            json_object_object_add(o, "config",
                                   cfg ? json_object_new_string(cfg) : NULL);
            json_object_object_add(o, "hostconfig",
                                   hc ? json_object_new_string(hc) : NULL);
            free(cfg);
            free(hc);
            emit(o);
        }
        else if (strcmp(argv[i], "--find-image") == 0) {
            const dof_image *im = NULL;
            fr = dof_host_find_image(ctx, host, argv[i + 1], &im);
            o = json_object_new_object();
            json_object_object_add(o, "kind", json_object_new_string("find"));
            S(o, "query", argv[i + 1]);
            S(o, "status", dof_status_name(fr));
            S(o, "id", im ? im->id : NULL);
            S(o, "message", fr ? dof_errmsg(ctx) : NULL);
            emit(o);
        }
    }
    for (size_t i = 0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string("warning"));
        I(o, "code", w->code);
        S(o, "path", w->path);
        S(o, "message", w->message);
        emit(o);
    }
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return rc == DOF_OK ? 0 : 1;
}
