/*
 * fuzz_hostinfo.c - the host-side parsers (core/docker_hostinfo.c):
 * daemon.json, systemd units, /etc/group, ~/.docker/config.json, shell
 * histories, the dpkg status file.  Every parser gets the whole input.
 */
#include "engine/docker/docker_private.h"
#include "fuzz.h"

FUZZ_TARGET(hostinfo)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *ar = dof_arena_new();
    char *buf = NULL;
    dof_hostinfo hi;
    const char *v;

    if (ctx == NULL || ar == NULL || (buf = fuzz_dup(data, size)) == NULL)
        goto done;
    memset(&hi, 0, sizeof(hi));
    dof_docker_daemon_json_parse(ctx, ar, &hi, "/etc/docker/daemon.json", buf,
                                 size);
    dof_docker_unit_scan(ar, &hi, "/etc/default/docker", buf, size);
    dof_docker_group_parse(ar, &hi, buf, size);
    dof_docker_creds_parse(ctx, ar, &hi, "/root/.docker/config.json", buf,
                           size, 0);
    dof_docker_creds_parse(ctx, ar, &hi, "/root/.docker/config.json", buf,
                           size, 1);
    (void)dof_docker_history_has_docker(buf, size);
    v = dof_docker_dpkg_version(ar, buf, size);
    FUZZ_ASSERT(v == NULL || strlen(v) <= size);
    for (size_t i = 0; i < hi.napi_tcp; i++)
        FUZZ_ASSERT(hi.api_tcp[i] != NULL);
    for (size_t i = 0; i < hi.ndocker_group; i++)
        FUZZ_ASSERT(hi.docker_group[i] != NULL);
    for (size_t i = 0; i < hi.ncredentials; i++)
        FUZZ_ASSERT(hi.credentials[i] != NULL);
done:
    free(buf);
    dof_arena_free(ar);
    dof_ctx_free(ctx);
    return 0;
}
