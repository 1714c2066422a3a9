/*
 * docker_logs.c - where a Docker container's logs are: json-file
 * <dir>/<id>-json.log (or LogPath's name), local
 * <dir>/local-logs/container.log, and for any other driver the local-
 * format cache <dir>/container-cached.log (dual logging, Docker 20.10+).
 */
#include "engine/docker/docker_private.h"

int
dof_docker_logs(dof_ctx *ctx, const dof_container *c, dof_arena *a,
                dof_log_place *out)
{
    const char *driver =
        c->log_driver && *c->log_driver ? c->log_driver : "json-file";

    memset(out, 0, sizeof(*out));
    out->driver = driver;
    out->dir = c->dir;
    if (strcmp(driver, "json-file") == 0) {
        out->format = DOF_LOG_JSON_FILE;
        if (c->log_path && *c->log_path) {
            const char *sl = strrchr(c->log_path, '/');
            out->base = sl ? sl + 1 : c->log_path;
        }
        if (out->base == NULL || *out->base == '\0')
            out->base = dof_arena_printf(a, "%s-json.log", c->id);
    }
    else if (strcmp(driver, "local") == 0) {
        out->format = DOF_LOG_LOCAL;
        out->dir = dof_path_join(a, c->dir, "local-logs");
        out->base = "container.log";
        out->optional_dir = 1;
    }
    else {
        out->format = DOF_LOG_LOCAL;
        out->base = "container-cached.log";
        out->outside = 1;
    }
    if (out->base == NULL || out->dir == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    return DOF_OK;
}
