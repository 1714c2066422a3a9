/*
 * fuzz_repositories.c - image/<driver>/repositories.json and pre-1.10
 * repositories-<driver> (dof_docker_repositories_parse).
 */
#include "engine/docker/docker_private.h"
#include "fuzz.h"

FUZZ_TARGET(repositories)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *ar = dof_arena_new();
    char *buf = NULL;
    dof_repo_ref *refs = NULL;
    size_t n = 0;
    int rc;

    if (ctx == NULL || ar == NULL || (buf = fuzz_dup(data, size)) == NULL)
        goto done;
    rc = dof_docker_repositories_parse(ctx, ar, "repositories.json", buf, size,
                                       &refs, &n);
    FUZZ_ASSERT(rc == DOF_OK || rc == DOF_ERR_NOMEM);
    FUZZ_ASSERT(n == 0 || refs != NULL);
    for (size_t i = 0; i < n; i++) {
        FUZZ_ASSERT(refs[i].ref != NULL && refs[i].id != NULL);
        FUZZ_ASSERT(strlen(refs[i].ref) <= size);
    }
done:
    free(buf);
    dof_arena_free(ar);
    dof_ctx_free(ctx);
    return 0;
}
