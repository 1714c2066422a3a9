/*
 * docker_container.c - containers/<id>/config.v2.json + hostconfig.json
 * (pre-1.10: config.json) into dof_container records.
 */
#include "engine/docker/docker_private.h"

#include <stdlib.h>

dof_state
dof_docker_state_derive(int running, int paused, int restarting, int removal,
                        int dead, int64_t started_at)
{
    if (running) {
        if (paused)
            return DOF_STATE_PAUSED;
        if (restarting)
            return DOF_STATE_RESTARTING;
        return DOF_STATE_RUNNING;
    }
    if (removal)
        return DOF_STATE_REMOVING;
    if (dead)
        return DOF_STATE_DEAD;
    if (started_at == DOF_TIME_NONE)
        return DOF_STATE_CREATED;
    return DOF_STATE_EXITED;
}

const char *
dof_state_name(dof_state st)
{
    switch (st) {
    case DOF_STATE_CREATED: return "created";
    case DOF_STATE_RUNNING: return "running";
    case DOF_STATE_PAUSED: return "paused";
    case DOF_STATE_RESTARTING: return "restarting";
    case DOF_STATE_REMOVING: return "removing";
    case DOF_STATE_EXITED: return "exited";
    case DOF_STATE_DEAD: return "dead";
    case DOF_STATE_STOPPED: return "stopped";
    default: return "unknown";
    }
}

/* {"80/tcp":[{"HostIp":"","HostPort":"8080"}], "81/tcp":null} */
static dof_port *
parse_ports(dof_jx *x, json_object *o, const char *key, size_t *n)
{
    json_object *m = dof_jx_obj(x, o, key);
    size_t nkeys = 0, k = 0;
    const char **keys;
    dof_port *out = NULL;

    *n = 0;
    if (m == NULL)
        return NULL;
    keys = dof_jx_keys(x, o, key, &nkeys);
    for (size_t i = 0; i < nkeys; i++) {
        json_object *arr = dof_jx_get(m, keys[i]);
        size_t len;
        if (arr == NULL)
            continue; /* exposed, not published */
        if (!json_object_is_type(arr, json_type_array)) {
            dof_jx_bad(x, key);
            continue;
        }
        len = json_object_array_length(arr);
        for (size_t j = 0; j < len; j++) {
            json_object *b = json_object_array_get_idx(arr, j);
            dof_port *np;
            if (b == NULL || !json_object_is_type(b, json_type_object)) {
                dof_jx_bad(x, key);
                continue;
            }
            np = dof_arena_grow(x->a, out, k, sizeof(*out));
            if (np == NULL) {
                x->oom = 1;
                return out;
            }
            out = np;
            out[k].container_port = keys[i];
            out[k].host_ip = dof_jx_str(x, b, "HostIp");
            out[k].host_port = dof_jx_str(x, b, "HostPort");
            if (out[k].host_ip == NULL)
                out[k].host_ip = "";
            if (out[k].host_port == NULL)
                out[k].host_port = "";
            k++;
        }
    }
    *n = k;
    return out;
}

static int
cmp_mount(const void *p, const void *q)
{
    return strcmp(((const dof_mount *)p)->destination,
                  ((const dof_mount *)q)->destination);
}

static void
parse_mounts(dof_storeb *rb, dof_jx *x, json_object *cfg, dof_container *c)
{
    json_object *mp = dof_jx_obj(x, cfg, "MountPoints");
    size_t len, k = 0;

    if (mp == NULL) {
        /* pre-1.8: Volumes {dest: source} + VolumesRW {dest: bool} */
        json_object *vols = dof_jx_obj(x, cfg, "Volumes");
        json_object *rw = dof_jx_obj(x, cfg, "VolumesRW");
        if (vols == NULL)
            return;
        len = (size_t)json_object_object_length(vols);
        c->mounts =
            dof_arena_calloc(rb->arena, len ? len : 1, sizeof(*c->mounts));
        if (c->mounts == NULL) {
            x->oom = 1;
            return;
        }
        json_object_object_foreach(vols, dest, src)
        {
            dof_mount *m = &c->mounts[k];
            if (k >= len)
                break;
            m->destination = dof_arena_strdup(rb->arena, dest);
            m->source =
                src && json_object_is_type(src, json_type_string)
                    ? dof_arena_strdup(rb->arena, json_object_get_string(src))
                    : NULL;
            m->type = "volume";
            m->rw = dof_jx_bool(x, rw, dest);
            if (m->destination)
                k++;
        }
        goto done;
    }
    len = (size_t)json_object_object_length(mp);
    if (len == 0)
        return;
    c->mounts = dof_arena_calloc(rb->arena, len, sizeof(*c->mounts));
    if (c->mounts == NULL) {
        x->oom = 1;
        return;
    }
    json_object_object_foreach(mp, dest, v)
    {
        dof_mount *m = &c->mounts[k];
        if (k >= len)
            break;
        if (v == NULL || !json_object_is_type(v, json_type_object)) {
            dof_jx_bad(x, "MountPoints");
            continue;
        }
        m->destination = dof_jx_str(x, v, "Destination");
        if (m->destination == NULL || *m->destination == '\0')
            m->destination = dof_arena_strdup(rb->arena, dest);
        m->type = dof_jx_str(x, v, "Type");
        m->source = dof_jx_str(x, v, "Source");
        m->name = dof_jx_str(x, v, "Name");
        m->driver = dof_jx_str(x, v, "Driver");
        /* moby MountPoint.Mode is stored under "Relabel" */
        m->mode = dof_jx_str(x, v, "Relabel");
        if (m->mode == NULL)
            m->mode = dof_jx_str(x, v, "Mode");
        m->propagation = dof_jx_str(x, v, "Propagation");
        m->rw = dof_jx_bool(x, v, "RW");
        if (m->type == NULL || *m->type == '\0')
            m->type = (m->name && *m->name) ? "volume" : "bind";
        if (m->name && *m->name == '\0')
            m->name = NULL;
        if (m->driver && *m->driver == '\0')
            m->driver = NULL;
        if (m->mode && *m->mode == '\0')
            m->mode = NULL;
        if (m->propagation && *m->propagation == '\0')
            m->propagation = NULL;
        if (strcmp(m->type, "volume") == 0 && m->name &&
            (m->source == NULL || *m->source == '\0') && rb->store &&
            rb->store->path) {
            char *vd = dof_path_join(rb->arena, rb->store->path, "volumes");
            vd = vd ? dof_path_join(rb->arena, vd, m->name) : NULL;
            m->source = vd ? dof_path_join(rb->arena, vd, "_data") : NULL;
        }
        if (m->source == NULL)
            m->source = "";
        if (m->destination)
            k++;
    }
done:
    c->nmounts = k;
    qsort(c->mounts, k, sizeof(*c->mounts), cmp_mount);
}

static int
cmp_ep(const void *p, const void *q)
{
    return strcmp(((const dof_endpoint *)p)->network,
                  ((const dof_endpoint *)q)->network);
}

static void
parse_endpoints(dof_jx *x, json_object *ns, dof_container *c)
{
    json_object *nets = dof_jx_obj(x, ns, "Networks");
    size_t len, k = 0;

    if (nets == NULL)
        return;
    len = (size_t)json_object_object_length(nets);
    if (len == 0)
        return;
    c->endpoints = dof_arena_calloc(x->a, len, sizeof(*c->endpoints));
    if (c->endpoints == NULL) {
        x->oom = 1;
        return;
    }
    json_object_object_foreach(nets, name, v)
    {
        dof_endpoint *e = &c->endpoints[k];
        if (k >= len)
            break;
        if (v == NULL || !json_object_is_type(v, json_type_object)) {
            dof_jx_bad(x, "NetworkSettings.Networks");
            continue;
        }
        e->network = dof_arena_strdup(x->a, name);
        e->network_id = dof_jx_str(x, v, "NetworkID");
        e->endpoint_id = dof_jx_str(x, v, "EndpointID");
        e->ip_address = dof_jx_str(x, v, "IPAddress");
        e->mac_address = dof_jx_str(x, v, "MacAddress");
        e->gateway = dof_jx_str(x, v, "Gateway");
        if (e->network)
            k++;
    }
    c->nendpoints = k;
    qsort(c->endpoints, k, sizeof(*c->endpoints), cmp_ep);
}

static void
parse_health(dof_jx *x, json_object *st, dof_container *c)
{
    json_object *h = dof_jx_obj(x, st, "Health");
    json_object *log;
    size_t len, k = 0;

    if (h == NULL)
        return;
    c->health_status = dof_jx_str(x, h, "Status");
    c->health_failing_streak = (int)dof_jx_int(x, h, "FailingStreak", 0);
    log = dof_jx_arr(x, h, "Log");
    if (log == NULL)
        return;
    len = json_object_array_length(log);
    if (len == 0)
        return;
    c->health_log = dof_arena_calloc(x->a, len, sizeof(*c->health_log));
    if (c->health_log == NULL) {
        x->oom = 1;
        return;
    }
    for (size_t i = 0; i < len; i++) {
        json_object *p = json_object_array_get_idx(log, i);
        dof_health_probe *hp = &c->health_log[k];
        if (p == NULL || !json_object_is_type(p, json_type_object)) {
            dof_jx_bad(x, "State.Health.Log");
            continue;
        }
        hp->start = dof_jx_time(x, p, "Start", NULL);
        hp->end = dof_jx_time(x, p, "End", NULL);
        hp->exit_code = (int)dof_jx_int(x, p, "ExitCode", 0);
        hp->output = dof_jx_str(x, p, "Output");
        k++;
    }
    c->nhealth_log = k;
}

static void
parse_hostconfig(dof_jx *x, json_object *h, dof_container *c)
{
    json_object *lc, *rp, *dev;

    c->privileged = dof_jx_bool(x, h, "Privileged");
    c->auto_remove = dof_jx_bool(x, h, "AutoRemove");
    c->readonly_rootfs = dof_jx_bool(x, h, "ReadonlyRootfs");
    c->cap_add = dof_jx_strv(x, h, "CapAdd", &c->ncap_add);
    c->cap_drop = dof_jx_strv(x, h, "CapDrop", &c->ncap_drop);
    c->security_opt = dof_jx_strv(x, h, "SecurityOpt", &c->nsecurity_opt);
    c->pid_mode = dof_jx_str(x, h, "PidMode");
    c->network_mode = dof_jx_str(x, h, "NetworkMode");
    c->ipc_mode = dof_jx_str(x, h, "IpcMode");
    c->uts_mode = dof_jx_str(x, h, "UTSMode");
    c->userns_mode = dof_jx_str(x, h, "UsernsMode");
    c->port_bindings = parse_ports(x, h, "PortBindings", &c->nport_bindings);
    lc = dof_jx_obj(x, h, "LogConfig");
    if (lc) {
        c->log_driver = dof_jx_str(x, lc, "Type");
        c->log_opts = dof_jx_kv(x, lc, "Config", &c->nlog_opts);
    }
    rp = dof_jx_obj(x, h, "RestartPolicy");
    if (rp) {
        c->restart_policy = dof_jx_str(x, rp, "Name");
        c->restart_max_retries =
            (int)dof_jx_int(x, rp, "MaximumRetryCount", 0);
    }
    dev = dof_jx_arr(x, h, "Devices");
    if (dev) {
        size_t len = json_object_array_length(dev);
        for (size_t i = 0; i < len; i++) {
            json_object *d = json_object_array_get_idx(dev, i);
            const char *ph, *pc;
            if (d == NULL || !json_object_is_type(d, json_type_object)) {
                dof_jx_bad(x, "Devices");
                continue;
            }
            ph = dof_jx_str(x, d, "PathOnHost");
            pc = dof_jx_str(x, d, "PathInContainer");
            if (dof_arena_push_str(x->a, &c->devices, &c->ndevices,
                                   dof_arena_printf(x->a, "%s:%s",
                                                    ph ? ph : "",
                                                    pc ? pc : "")) != DOF_OK)
                x->oom = 1;
        }
    }
}

static const char *
cpath(const dof_container *c, const char *fallback)
{
    return c->config_path ? c->config_path : fallback;
}

int
dof_docker_container_parse(dof_storeb *rb, dof_container *c, const char *cfg,
                           size_t cfglen, const char *hc, size_t hclen,
                           int legacy)
{
    json_object *j = NULL, *h = NULL, *conf, *st, *ns;
    dof_jx x;
    char why[160];
    int rc;
    const char *id, *name, *path;
    const char **args = NULL;
    size_t nargs = 0;

    dof_jx_init(&x, rb->arena);
    c->legacy_v1 = legacy;
    c->state = DOF_STATE_UNKNOWN;
    c->created = c->started_at = c->finished_at = DOF_TIME_NONE;
    rc = dof_json_parse(cfg, cfglen, DOF_CAP_JSON_BYTES, &j, why, sizeof(why));
    if (rc == DOF_ERR_NOMEM)
        return rc;
    if (rc != DOF_OK) {
        c->damaged = 1;
        dof_warn(rb->ctx, rc, cpath(c, "config.v2.json"),
                 "container %s: config unreadable: %s", c->id ? c->id : "?",
                 why);
        j = NULL;
    }
    else if (!json_object_is_type(j, json_type_object)) {
        c->damaged = 1;
        dof_warn(rb->ctx, DOF_ERR_FORMAT, cpath(c, "config.v2.json"),
                 "container %s: config is not a JSON object",
                 c->id ? c->id : "?");
    }
    else {
        id = dof_jx_str(&x, j, "ID");
        if (c->id == NULL)
            c->id = id;
        else if (id && strcmp(id, c->id) != 0)
            dof_warn(rb->ctx, DOF_ERR_FORMAT, cpath(c, "config.v2.json"),
                     "consistency: container directory %s holds a config "
                     "with ID %s",
                     c->id, id);
        name = dof_jx_str(&x, j, "Name");
        if (name && *name == '/')
            name++;
        c->name = name;
        c->image_id = dof_jx_str(&x, j, "Image");
        /* pre-1.10: a bare 64-hex graph id, kept as stored */
        c->created = dof_jx_time(&x, j, "Created", &c->created_raw);
        path = dof_jx_str(&x, j, "Path");
        args = dof_jx_strv(&x, j, "Args", &nargs);
        if (path != NULL && *path != '\0') {
            c->command =
                dof_arena_calloc(rb->arena, nargs + 1, sizeof(*c->command));
            if (c->command) {
                c->command[0] = path;
                for (size_t i = 0; i < nargs; i++)
                    c->command[i + 1] = args[i];
                c->ncommand = nargs + 1;
            }
            else
                x.oom = 1;
        }
        else {
            c->command = args;
            c->ncommand = nargs;
        }
        conf = dof_jx_obj(&x, j, "Config");
        if (conf) {
            c->image = dof_jx_str(&x, conf, "Image");
            c->entrypoint =
                dof_jx_strv(&x, conf, "Entrypoint", &c->nentrypoint);
            c->cmd = dof_jx_strv(&x, conf, "Cmd", &c->ncmd);
            c->env = dof_jx_strv(&x, conf, "Env", &c->nenv);
            c->labels = dof_jx_kv(&x, conf, "Labels", &c->nlabels);
            c->exposed_ports =
                dof_jx_keys(&x, conf, "ExposedPorts", &c->nexposed_ports);
            c->hostname = dof_jx_str(&x, conf, "Hostname");
            c->domainname = dof_jx_str(&x, conf, "Domainname");
            c->user = dof_jx_str(&x, conf, "User");
            c->working_dir = dof_jx_str(&x, conf, "WorkingDir");
        }
        st = dof_jx_obj(&x, j, "State");
        if (st) {
            int running = dof_jx_bool(&x, st, "Running");
            int paused = dof_jx_bool(&x, st, "Paused");
            int restarting = dof_jx_bool(&x, st, "Restarting");
            int removal = dof_jx_bool(&x, st, "RemovalInProgress");
            int dead = dof_jx_bool(&x, st, "Dead");
            c->oom_killed = dof_jx_bool(&x, st, "OOMKilled");
            c->pid = (int)dof_jx_int(&x, st, "Pid", 0);
            c->exit_code = (int)dof_jx_int(&x, st, "ExitCode", 0);
            c->error = dof_jx_str(&x, st, "Error");
            if (c->error && *c->error == '\0')
                c->error = NULL;
            c->started_at =
                dof_jx_time(&x, st, "StartedAt", &c->started_at_raw);
            c->finished_at =
                dof_jx_time(&x, st, "FinishedAt", &c->finished_at_raw);
            c->state = dof_docker_state_derive(running, paused, restarting,
                                               removal, dead, c->started_at);
            parse_health(&x, st, c);
        }
        ns = dof_jx_obj(&x, j, "NetworkSettings");
        if (ns) {
            c->published_ports =
                parse_ports(&x, ns, "Ports", &c->npublished_ports);
            parse_endpoints(&x, ns, c);
        }
        parse_mounts(rb, &x, j, c);
        c->log_path = dof_jx_str(&x, j, "LogPath");
        c->driver = dof_jx_str(&x, j, "Driver");
        c->restart_count = (int)dof_jx_int(&x, j, "RestartCount", 0);
        c->has_been_started_before =
            dof_jx_bool(&x, j, "HasBeenStartedBefore");
        c->has_been_manually_stopped =
            dof_jx_bool(&x, j, "HasBeenManuallyStopped");
        c->hostname_path = dof_jx_str(&x, j, "HostnamePath");
        c->hosts_path = dof_jx_str(&x, j, "HostsPath");
        c->resolv_conf_path = dof_jx_str(&x, j, "ResolvConfPath");
        c->apparmor_profile = dof_jx_str(&x, j, "AppArmorProfile");
        c->seccomp_profile = dof_jx_str(&x, j, "SeccompProfile");
        /* pre-1.10 kept HostConfig inside config.json sometimes */
        if (hc == NULL && dof_jx_get(j, "HostConfig"))
            parse_hostconfig(&x, dof_jx_obj(&x, j, "HostConfig"), c);
        if (id == NULL && dof_jx_get(j, "State") == NULL) {
            c->damaged = 1;
            dof_warn(rb->ctx, DOF_ERR_FORMAT, cpath(c, "config.v2.json"),
                     "container %s: config has neither ID nor State",
                     c->id ? c->id : "?");
        }
        if (x.bad) {
            c->damaged = 1;
            dof_warn(rb->ctx, DOF_ERR_FORMAT, cpath(c, "config.v2.json"),
                     "container %s: %d field(s) of the wrong type in the "
                     "config (first: %s)",
                     c->id ? c->id : "?", x.bad, x.first_bad);
        }
    }
    if (hc != NULL) {
        dof_jx hx;
        dof_jx_init(&hx, rb->arena);
        rc = dof_json_parse(hc, hclen, DOF_CAP_JSON_BYTES, &h, why,
                            sizeof(why));
        if (rc == DOF_ERR_NOMEM) {
            json_object_put(j);
            return rc;
        }
        if (rc != DOF_OK || !json_object_is_type(h, json_type_object)) {
            c->damaged = 1;
            dof_warn(
                rb->ctx, rc != DOF_OK ? rc : DOF_ERR_FORMAT,
                c->hostconfig_path ? c->hostconfig_path : "hostconfig.json",
                "container %s: hostconfig unreadable: %s", c->id ? c->id : "?",
                rc != DOF_OK ? why : "not a JSON object");
        }
        else {
            parse_hostconfig(&hx, h, c);
            if (hx.bad) {
                c->damaged = 1;
                dof_warn(rb->ctx, DOF_ERR_FORMAT,
                         c->hostconfig_path ? c->hostconfig_path
                                            : "hostconfig.json",
                         "container %s: %d field(s) of the wrong type in "
                         "hostconfig (first: %s)",
                         c->id ? c->id : "?", hx.bad, hx.first_bad);
            }
            x.oom |= hx.oom;
        }
    }
    json_object_put(j);
    json_object_put(h);
    return x.oom ? DOF_ERR_NOMEM : DOF_OK;
}

static int
driver_supported(const char *d)
{
    return d && (strcmp(d, "overlay2") == 0 || strcmp(d, "overlay") == 0 ||
                 strcmp(d, "aufs") == 0);
}

/* layerdb/mounts/<id>/<file>: missing -> warning naming the file. */
static const char *
mounts_file(dof_storeb *rb, const char *idir, const dof_container *c,
            const char *file, int warn_missing)
{
    char *p = dof_arena_printf(rb->arena, "%s/layerdb/mounts/%s/%s", idir,
                               c->id, file);
    int st = DOF_OK;
    char *v;

    if (p == NULL)
        return NULL;
    v = dof_fs_path_read_small(rb->fs, rb->arena, p, &st);
    if (v == NULL && (warn_missing || st != DOF_ERR_NOTFOUND))
        dof_warn(rb->ctx, st, p, "container %s: %s %s", c->id, file,
                 st == DOF_ERR_NOTFOUND ? "is missing" : dof_status_name(st));
    return v;
}

static void
fill_layers(dof_storeb *rb, dof_container *c)
{
    const char *drv = c->driver && *c->driver ? c->driver : rb->store->driver;
    const char *rp = rb->store->path;
    const char *idir = rb->img_dir;

    if (c->driver == NULL || *c->driver == '\0')
        c->driver = drv;
    c->driver_supported = driver_supported(drv);
    if (!c->driver_supported) {
        dof_warn(rb->ctx, DOF_ERR_UNSUPPORTED, c->dir,
                 "container %s: storage driver %s is not supported yet", c->id,
                 drv ? drv : "(unknown)");
    }
    if (c->legacy_v1) {
        /* pre-1.10: the container's layer is named by its id */
        c->mount_id = c->id;
        c->init_id = dof_arena_printf(rb->arena, "%s-init", c->id);
        goto upper;
    }
    /* a container of another driver keeps its layerdb under
     * image/<its driver>/ */
    if (drv && rb->store->driver && strcmp(drv, rb->store->driver) != 0)
        idir = dof_arena_printf(rb->arena, "%s/image/%s", rp, drv);
    if (idir == NULL || !dof_fs_path_is_dir(rb->fs, idir))
        return;
    {
        char *md =
            dof_arena_printf(rb->arena, "%s/layerdb/mounts/%s", idir, c->id);
        if (md && !dof_fs_path_is_dir(rb->fs, md)) {
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, md,
                     "container %s: no layerdb mounts record "
                     "(mount-id, init-id, parent unknown)",
                     c->id);
            return;
        }
    }
    c->mount_id = mounts_file(rb, idir, c, "mount-id", 1);
    c->init_id = mounts_file(rb, idir, c, "init-id", 1);
    c->layer_parent = mounts_file(rb, idir, c, "parent", 0);
    if (c->mount_id == NULL && c->init_id != NULL) {
        /* the -init layer is named after the mount: "<mount-id>-init" */
        size_t n = strlen(c->init_id);
        if (n > 5 && strcmp(c->init_id + n - 5, "-init") == 0) {
            c->mount_id = dof_arena_strndup(rb->arena, c->init_id, n - 5);
            dof_warn(rb->ctx, DOF_ERR_NOTFOUND, c->dir,
                     "container %s: mount-id inferred from init-id (%s)",
                     c->id, c->init_id);
        }
    }
upper:
    if (c->mount_id == NULL || drv == NULL)
        return;
    if (strcmp(drv, "overlay2") == 0)
        c->upper_dir = dof_arena_printf(rb->arena, "%s/overlay2/%s/diff", rp,
                                        c->mount_id);
    else if (strcmp(drv, "overlay") == 0)
        c->upper_dir = dof_arena_printf(rb->arena, "%s/overlay/%s/upper", rp,
                                        c->mount_id);
    else if (strcmp(drv, "aufs") == 0)
        c->upper_dir =
            dof_arena_printf(rb->arena, "%s/aufs/diff/%s", rp, c->mount_id);
}

static int
load_one(dof_storeb *rb, const char *cdir, const char *id, dof_container *c)
{
    char *cfg = NULL, *hc = NULL;
    size_t cfglen = 0, hclen = 0;
    int legacy = 0, rc, st;

    c->store = rb->store;
    c->id = dof_arena_strdup(rb->arena, id);
    c->dir = dof_path_join(rb->arena, cdir, id);
    c->created = c->started_at = c->finished_at = DOF_TIME_NONE;
    if (c->id == NULL || c->dir == NULL)
        return DOF_ERR_NOMEM;
    c->config_path = dof_path_join(rb->arena, c->dir, "config.v2.json");
    st = dof_fs_path_read(rb->fs, c->config_path, DOF_CAP_JSON_BYTES, &cfg,
                          &cfglen, &c->config_ino);
    if (st == DOF_ERR_NOTFOUND) {
        char *old = dof_path_join(rb->arena, c->dir, "config.json");
        int st2 = dof_fs_path_read(rb->fs, old, DOF_CAP_JSON_BYTES, &cfg,
                                   &cfglen, &c->config_ino);
        if (st2 != DOF_ERR_NOTFOUND) {
            legacy = 1;
            c->config_path = old;
            st = st2;
        }
    }
    if (st == DOF_ERR_NOMEM)
        return st;
    if (st != DOF_OK) {
        c->damaged = 1;
        if (st == DOF_ERR_NOTFOUND) {
            dof_warn(rb->ctx, st, c->dir,
                     "consistency: container %s has no config.v2.json "
                     "(or config.json); listed with its ID only",
                     c->id);
            c->config_path = NULL;
        }
        else
            dof_warn(rb->ctx, st, c->config_path,
                     "container %s: config unreadable: %s%s", c->id,
                     dof_status_name(st),
                     st == DOF_ERR_LIMIT ? " (over the JSON size cap)" : "");
        c->state = DOF_STATE_UNKNOWN;
    }
    c->hostconfig_path = dof_path_join(rb->arena, c->dir, "hostconfig.json");
    st = dof_fs_path_read(rb->fs, c->hostconfig_path, DOF_CAP_JSON_BYTES, &hc,
                          &hclen, NULL);
    if (st == DOF_ERR_NOMEM) {
        free(cfg);
        return st;
    }
    if (st != DOF_OK) {
        if (st != DOF_ERR_NOTFOUND || !legacy)
            dof_warn(rb->ctx, st, c->hostconfig_path,
                     "container %s: hostconfig.json %s", c->id,
                     st == DOF_ERR_NOTFOUND ? "is missing"
                                            : dof_status_name(st));
        if (st != DOF_ERR_NOTFOUND)
            c->damaged = 1;
        c->hostconfig_path = NULL;
        hc = NULL;
    }
    rc = DOF_OK;
    if (cfg != NULL)
        rc = dof_docker_container_parse(rb, c, cfg, cfglen, hc, hclen, legacy);
    free(cfg);
    free(hc);
    if (rc != DOF_OK)
        return rc;
    fill_layers(rb, c);
    return DOF_OK;
}

static int
cmp_container(const void *p, const void *q)
{
    const dof_container *a = p, *b = q;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

/* dof_host_opts.only_container: can containers/<id> be what the query
 * names?  Its ID starts with the query, or its config says "Name":"/q"
 * (dockerd writes compact JSON; a config spelled otherwise is found by
 * the full scan this falls back to). */
static int
may_match(dof_storeb *rb, const char *cdir, const char *id)
{
    const char *q = rb->only;
    char *p, *buf = NULL, *want;
    size_t len = 0;
    int hit = 0;

    if (strncmp(id, q, strlen(q)) == 0)
        return 1;
    if (*q == '/')
        q++;
    p = dof_arena_printf(rb->arena, "%s/%s/config.v2.json", cdir, id);
    want = dof_arena_printf(rb->arena, "\"Name\":\"/%s\"", q);
    if (p == NULL || want == NULL)
        return 1; /* let the full load report the lack of memory */
    if (dof_fs_path_read(rb->fs, p, DOF_CAP_JSON_BYTES, &buf, &len, NULL) !=
        DOF_OK) {
        p = dof_arena_printf(rb->arena, "%s/%s/config.json", cdir, id);
        if (p == NULL || dof_fs_path_read(rb->fs, p, DOF_CAP_JSON_BYTES, &buf,
                                          &len, NULL) != DOF_OK)
            return 0;
    }
    hit = memmem(buf, len, want, strlen(want)) != NULL;
    free(buf);
    return hit;
}

int
dof_docker_containers_load(dof_storeb *rb)
{
    const char **names = NULL;
    size_t n = 0, k = 0;
    char *cdir = dof_path_join(rb->arena, rb->store->path, "containers");
    int rc;

    if (cdir == NULL)
        return DOF_ERR_NOMEM;
    rc = dof_fs_path_list(rb->fs, rb->arena, cdir, &names, &n);
    if (rc == DOF_ERR_NOTFOUND)
        return DOF_OK;
    if (rc != DOF_OK) {
        if (rc == DOF_ERR_NOMEM)
            return rc;
        dof_warn(rb->ctx, rc, cdir, "cannot list containers: %s",
                 dof_errmsg(rb->ctx));
        return DOF_OK;
    }
    if (n == 0)
        return DOF_OK;
    if (rb->only) {
        /* keep the entries the query may name; all when there is none */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (dof_is_hex64(names[i], strlen(names[i])) &&
                may_match(rb, cdir, names[i]))
                names[kept++] = names[i];
        if (kept > 0)
            n = kept;
    }
    rb->store->containers =
        dof_arena_calloc(rb->arena, n, sizeof(*rb->store->containers));
    if (rb->store->containers == NULL)
        return DOF_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        char *p = dof_path_join(rb->arena, cdir, names[i]);
        if (p == NULL)
            return DOF_ERR_NOMEM;
        if (!dof_is_hex64(names[i], strlen(names[i]))) {
            dof_warn(rb->ctx, DOF_ERR_FORMAT, p,
                     "consistency: unexpected entry in containers/");
            continue;
        }
        if (!dof_fs_path_is_dir(rb->fs, p)) {
            dof_warn(rb->ctx, DOF_ERR_FORMAT, p,
                     "consistency: containers/%s is not a directory",
                     names[i]);
            continue;
        }
        rc = load_one(rb, cdir, names[i], &rb->store->containers[k]);
        if (rc != DOF_OK)
            return rc;
        k++;
    }
    rb->store->ncontainers = k;
    qsort(rb->store->containers, k, sizeof(dof_container), cmp_container);
    return DOF_OK;
}
