/*
 * fuzz_container.c - a container's config.v2.json (or pre-1.10
 * config.json) and hostconfig.json (core/docker_container.c,
 * dof_docker_container_parse).  Input: config, "\n--\n", hostconfig;
 * a first byte 0x01 (skipped) picks the pre-1.10 layout.
 */
#include "engine/docker/docker_private.h"
#include "fuzz.h"

FUZZ_TARGET(container)
{
    const uint8_t *a, *b;
    size_t alen, blen;
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *ar = dof_arena_new();
    char *cfg = NULL, *hc = NULL;
    dof_container c;
    dof_store root;
    dof_storeb rb;
    int rc, legacy = size > 0 && data[0] == 0x01;

    if (ctx == NULL || ar == NULL)
        goto done;
    if (legacy) {
        data++;
        size--;
    }
    fuzz_split(data, size, &a, &alen, &b, &blen);
    if ((cfg = fuzz_dup(a, alen)) == NULL || (hc = fuzz_dup(b, blen)) == NULL)
        goto done;
    memset(&root, 0, sizeof(root));
    root.path = "/var/lib/docker";
    memset(&rb, 0, sizeof(rb));
    rb.ctx = ctx;
    rb.arena = ar;
    rb.store = &root;
    memset(&c, 0, sizeof(c));
    c.store = &root;
    c.config_path = "/var/lib/docker/containers/x/config.v2.json";
    rc = dof_docker_container_parse(&rb, &c, cfg, alen, blen ? hc : NULL, blen,
                                    legacy);
    FUZZ_ASSERT(rc == DOF_OK || rc == DOF_ERR_NOMEM);
    if (rc == DOF_OK) {
        volatile size_t sink = 0;
        /* every string array is what its count says */
        for (size_t i = 0; i < c.ncommand; i++)
            sink += strlen(c.command[i]);
        for (size_t i = 0; i < c.nenv; i++)
            sink += strlen(c.env[i]);
        for (size_t i = 0; i < c.nlabels; i++)
            sink += strlen(c.labels[i].key) + strlen(c.labels[i].value);
        for (size_t i = 0; i < c.nmounts; i++)
            sink +=
                c.mounts[i].destination ? strlen(c.mounts[i].destination) : 0;
        for (size_t i = 0; i < c.nendpoints; i++)
            sink +=
                c.endpoints[i].network ? strlen(c.endpoints[i].network) : 0;
        (void)sink;
        FUZZ_ASSERT(c.state >= DOF_STATE_UNKNOWN && c.state <= DOF_STATE_DEAD);
        if (alen == 0)
            FUZZ_ASSERT(c.damaged);
    }
done:
    free(cfg);
    free(hc);
    dof_arena_free(ar);
    dof_ctx_free(ctx);
    return 0;
}
