/*
 * docker_hostinfo.c - the host side of one filesystem: daemon.json,
 * service overrides, the docker group, registry credentials, shell
 * histories, the installed engine package.
 */
#include "engine/docker/docker_private.h"

#include <stdlib.h>

static int
push_tcp(dof_arena *a, dof_hostinfo *hi, const char *addr, size_t len,
         const char *path)
{
    const char *s = dof_arena_printf(a, "%.*s (%s)", (int)len, addr, path);
    for (size_t i = 0; s && i < hi->napi_tcp; i++)
        if (strcmp(hi->api_tcp[i], s) == 0)
            return DOF_OK;
    return dof_arena_push_str(a, &hi->api_tcp, &hi->napi_tcp, s);
}

int
dof_docker_daemon_json_parse(dof_ctx *ctx, dof_arena *a, dof_hostinfo *hi,
                             const char *path, const char *buf, size_t len)
{
    json_object *j = NULL;
    dof_jx x;
    const char **hosts;
    size_t nhosts = 0;
    char why[160];
    int rc;

    dof_jx_init(&x, a);
    hi->daemon_json_path = dof_arena_strdup(a, path);
    hi->daemon_json = dof_arena_strndup(a, buf, len);
    rc = dof_json_parse(buf, len, DOF_CAP_JSON_BYTES, &j, why, sizeof(why));
    if (rc != DOF_OK || !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        if (rc == DOF_ERR_NOMEM)
            return rc;
        dof_warn(ctx, rc != DOF_OK ? rc : DOF_ERR_FORMAT, path,
                 "daemon.json unreadable: %s",
                 rc != DOF_OK ? why : "not a JSON object");
        return DOF_OK;
    }
    hi->data_root_setting = dof_jx_str(&x, j, "data-root");
    if (hi->data_root_setting == NULL)
        hi->data_root_setting = dof_jx_str(&x, j, "graph");
    hi->storage_driver_setting = dof_jx_str(&x, j, "storage-driver");
    hi->log_driver_setting = dof_jx_str(&x, j, "log-driver");
    hosts = dof_jx_strv(&x, j, "hosts", &nhosts);
    for (size_t i = 0; i < nhosts; i++)
        if (strncmp(hosts[i], "tcp://", 6) == 0 &&
            push_tcp(a, hi, hosts[i], strlen(hosts[i]), path) != DOF_OK)
            x.oom = 1;
    hi->insecure_registries =
        dof_jx_strv(&x, j, "insecure-registries", &hi->ninsecure_registries);
    if (x.bad)
        dof_warn(ctx, DOF_ERR_FORMAT, path,
                 "daemon.json: %d setting(s) of the wrong type (first: %s)",
                 x.bad, x.first_bad);
    json_object_put(j);
    return x.oom ? DOF_ERR_NOMEM : DOF_OK;
}

int
dof_docker_unit_scan(dof_arena *a, dof_hostinfo *hi, const char *path,
                     const char *buf, size_t len)
{
    size_t i = 0, s, e;

    while (dof_line_next(buf, len, &i, &s, &e)) {
        while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
            s++;
        if (s < e && buf[s] != '#' && buf[s] != ';') {
            for (size_t k = s; k + 6 <= e; k++) {
                size_t t;
                if (memcmp(buf + k, "tcp://", 6) != 0)
                    continue;
                t = k;
                while (t < e && buf[t] != ' ' && buf[t] != '\t' &&
                       buf[t] != '"' && buf[t] != '\'' && buf[t] != '\r')
                    t++;
                if (push_tcp(a, hi, buf + k, t - k, path) != DOF_OK)
                    return DOF_ERR_NOMEM;
                k = t;
            }
        }
    }
    return DOF_OK;
}

int
dof_docker_group_parse(dof_arena *a, dof_hostinfo *hi, const char *buf,
                       size_t len)
{
    size_t pos = 0, i, e;

    while (dof_line_next(buf, len, &pos, &i, &e)) {
        if (e - i > 7 && memcmp(buf + i, "docker:", 7) == 0) {
            /* docker:x:GID:member,member */
            size_t f = i, colons = 0;
            while (f < e && colons < 3)
                if (buf[f++] == ':')
                    colons++;
            while (colons == 3 && f < e) {
                size_t m = f;
                while (m < e && buf[m] != ',' && buf[m] != '\r')
                    m++;
                if (m > f &&
                    dof_arena_push_str(
                        a, &hi->docker_group, &hi->ndocker_group,
                        dof_arena_strndup(a, buf + f, m - f)) != DOF_OK)
                    return DOF_ERR_NOMEM;
                f = m + 1;
            }
        }
    }
    return DOF_OK;
}

/* Decode base64 into the arena (NUL terminated), NULL if invalid. */
static char *
b64_decode(dof_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = dof_arena_alloc(a, n + 1);
    long k = out ? dof_base64_decode(s, n, (unsigned char *)out, n) : -1;

    if (k < 0)
        return NULL;
    out[k] = '\0';
    return out;
}

int
dof_docker_creds_parse(dof_ctx *ctx, dof_arena *a, dof_hostinfo *hi,
                       const char *path, const char *buf, size_t len,
                       int show_secrets)
{
    json_object *j = NULL, *auths;
    char why[160];
    dof_jx x;
    const char *store;
    int rc;

    dof_jx_init(&x, a);
    rc = dof_json_parse(buf, len, DOF_CAP_JSON_BYTES, &j, why, sizeof(why));
    if (rc != DOF_OK) {
        if (rc != DOF_ERR_NOMEM)
            dof_warn(ctx, rc, path, "docker client config unreadable: %s",
                     why);
        return rc == DOF_ERR_NOMEM ? rc : DOF_OK;
    }
    store = dof_jx_str(&x, j, "credsStore");
    auths = dof_jx_obj(&x, j, "auths");
    if (auths == NULL) {
        json_object_put(j);
        return DOF_OK;
    }
    json_object_object_foreach(auths, reg, v)
    {
        const char *auth = dof_jx_str(&x, v, "auth");
        char *dec = auth ? b64_decode(a, auth) : NULL;
        char *colon = dec ? strchr(dec, ':') : NULL;
        const char *line;
        if (colon) {
            *colon = '\0';
            line = show_secrets ? dof_arena_printf(a, "%s: %s (password: %s)",
                                                   dec, reg, colon + 1)
                                : dof_arena_printf(a, "%s: %s", dec, reg);
        }
        else if (store)
            line = dof_arena_printf(a, "(credsStore %s): %s", store, reg);
        else
            line = dof_arena_printf(a, "(no stored auth): %s", reg);
        if (dof_arena_push_str(a, &hi->credentials, &hi->ncredentials, line) !=
            DOF_OK)
            x.oom = 1;
    }
    json_object_put(j);
    return x.oom ? DOF_ERR_NOMEM : DOF_OK;
}

int
dof_docker_history_has_docker(const char *buf, size_t len)
{
    /* a line whose command starts with "docker " (zsh: ": t:0;docker"),
     * or "sudo docker " */
    size_t i = 0, s, e;

    while (dof_line_next(buf, len, &i, &s, &e)) {
        if (s < e && buf[s] == ':') {
            while (s < e && buf[s] != ';')
                s++;
            if (s < e)
                s++;
        }
        while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
            s++;
        if (e - s >= 5 && memcmp(buf + s, "sudo ", 5) == 0)
            s += 5;
        if (e - s >= 7 && (memcmp(buf + s, "docker ", 7) == 0 ||
                           memcmp(buf + s, "docker\t", 7) == 0))
            return 1;
        if (e - s >= 15 && memcmp(buf + s, "docker-compose ", 15) == 0)
            return 1;
    }
    return 0;
}

const char *
dof_docker_dpkg_version(dof_arena *a, const char *buf, size_t len)
{
    static const char *const pkgs[] = {"docker.io", "docker-ce", "moby-engine",
                                       NULL};
    return dof_dpkg_version(a, buf, len, pkgs);
}

/* ---- I/O ---- */

static void
scan_unit(dof_arena *a, dof_fs *fs, dof_hostinfo *hi, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    if (dof_fs_path_read(fs, path, DOF_CAP_SMALL_FILE, &buf, &len, NULL) ==
        DOF_OK)
        dof_docker_unit_scan(a, hi, path, buf, len);
    free(buf);
}

static void
read_creds(dof_ctx *ctx, dof_arena *a, dof_fs *fs, dof_hostinfo *hi,
           const char *home, int show_secrets)
{
    char *p = dof_path_join(a, home, ".docker/config.json");
    char *buf = NULL;
    size_t len = 0;
    if (p && dof_fs_path_read(fs, p, DOF_CAP_SMALL_FILE, &buf, &len, NULL) ==
                 DOF_OK)
        dof_docker_creds_parse(ctx, a, hi, p, buf, len, show_secrets);
    free(buf);
}

static void
read_histories(dof_arena *a, dof_fs *fs, dof_hostinfo *hi, const char *home)
{
    static const char *const files[] = {".bash_history", ".zsh_history",
                                        ".ash_history", ".sh_history"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *p = dof_path_join(a, home, files[i]);
        char *buf = NULL;
        size_t len = 0;
        if (p &&
            dof_fs_path_read(fs, p, DOF_CAP_JSON_BYTES, &buf, &len, NULL) ==
                DOF_OK &&
            dof_docker_history_has_docker(buf, len))
            dof_arena_push_str(a, &hi->histories, &hi->nhistories, p);
        free(buf);
    }
}

int
dof_docker_hostinfo_read(dof_ctx *ctx, dof_arena *a, dof_fs *fs,
                         const dof_partition *vol, int show_secrets,
                         dof_hostinfo **out)
{
    dof_hostinfo *hi;
    const char **homes = NULL, **confs = NULL;
    size_t nhomes = 0, nconfs = 0;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (!dof_fs_path_is_dir(fs, "/etc") && !dof_fs_path_is_dir(fs, "/home") &&
        !dof_fs_path_is_dir(fs, "/root"))
        return DOF_OK;
    hi = dof_arena_calloc(a, 1, sizeof(*hi));
    if (hi == NULL)
        return DOF_ERR_NOMEM;
    hi->volume_index = vol ? vol->index : 0;
    hi->volume_offset_bytes = vol ? vol->offset_bytes : 0;
    rc = dof_fs_path_read(fs, "/etc/docker/daemon.json", DOF_CAP_JSON_BYTES,
                          &buf, &len, NULL);
    if (rc == DOF_OK) {
        rc = dof_docker_daemon_json_parse(ctx, a, hi,
                                          "/etc/docker/daemon.json", buf, len);
        free(buf);
        if (rc != DOF_OK)
            return rc;
    }
    else if (rc != DOF_ERR_NOTFOUND)
        dof_warn(ctx, rc, "/etc/docker/daemon.json",
                 "daemon.json unreadable: %s", dof_status_name(rc));
    scan_unit(a, fs, hi, "/lib/systemd/system/docker.service");
    scan_unit(a, fs, hi, "/usr/lib/systemd/system/docker.service");
    scan_unit(a, fs, hi, "/etc/systemd/system/docker.service");
    scan_unit(a, fs, hi, "/etc/default/docker");
    if (dof_fs_path_list(fs, a, "/etc/systemd/system/docker.service.d", &confs,
                         &nconfs) == DOF_OK)
        for (size_t i = 0; i < nconfs; i++) {
            size_t n = strlen(confs[i]);
            if (n > 5 && strcmp(confs[i] + n - 5, ".conf") == 0)
                scan_unit(a, fs, hi,
                          dof_path_join(a,
                                        "/etc/systemd/system/"
                                        "docker.service.d",
                                        confs[i]));
        }
    buf = NULL;
    if (dof_fs_path_read(fs, "/etc/group", DOF_CAP_SMALL_FILE, &buf, &len,
                         NULL) == DOF_OK)
        dof_docker_group_parse(a, hi, buf, len);
    free(buf);
    read_creds(ctx, a, fs, hi, "/root", show_secrets);
    read_histories(a, fs, hi, "/root");
    if (dof_fs_path_list(fs, a, "/home", &homes, &nhomes) == DOF_OK)
        for (size_t i = 0; i < nhomes; i++) {
            char *h = dof_path_join(a, "/home", homes[i]);
            if (h == NULL)
                return DOF_ERR_NOMEM;
            read_creds(ctx, a, fs, hi, h, show_secrets);
            read_histories(a, fs, hi, h);
        }
    *out = hi;
    return DOF_OK;
}
