/*
 * fuzz_image.c - an image config from imagedb/content/sha256/
 * (core/docker_image.c, dof_docker_image_parse) and the layer ChainID
 * arithmetic over its diff_ids.
 */
#include "engine/docker/docker_private.h"
#include "fuzz.h"

FUZZ_TARGET(image)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *ar = dof_arena_new();
    char *buf = NULL;
    dof_image img;
    dof_store root;
    dof_storeb rb;
    int rc;

    if (ctx == NULL || ar == NULL || (buf = fuzz_dup(data, size)) == NULL)
        goto done;
    memset(&root, 0, sizeof(root));
    root.path = "/var/lib/docker";
    memset(&rb, 0, sizeof(rb));
    rb.ctx = ctx;
    rb.arena = ar;
    rb.store = &root;
    memset(&img, 0, sizeof(img));
    img.store = &root;
    img.id = "sha256:0000000000000000000000000000000000000000000000000000"
             "000000000000";
    img.config_path = "/var/lib/docker/image/overlay2/imagedb/content/x";
    rc = dof_docker_image_parse(&rb, &img, buf, size);
    FUZZ_ASSERT(rc == DOF_OK || rc == DOF_ERR_NOMEM);
    if (rc == DOF_OK) {
        const char *prev = NULL;
        for (size_t i = 0; i < img.nlayers; i++) {
            char chain[72];
            FUZZ_ASSERT(img.layers[i].diff_id != NULL);
            dof_docker_chain_id(prev, img.layers[i].diff_id, chain);
            /* 71 = "sha256:" + 64 hex; a longer bogus base diff_id is cut */
            FUZZ_ASSERT(strlen(chain) <= 71);
            /* the base layer's ChainID is its DiffID, uncut */
            if (img.layers[i].chain_id != NULL && i == 0)
                FUZZ_ASSERT(strcmp(img.layers[i].diff_id,
                                   img.layers[i].chain_id) == 0);
            else if (img.layers[i].chain_id != NULL && prev != NULL)
                FUZZ_ASSERT(strcmp(chain, img.layers[i].chain_id) == 0);
            prev = img.layers[i].chain_id;
        }
        for (size_t i = 0; i < img.nhistory; i++)
            FUZZ_ASSERT(img.history[i].created_by == NULL ||
                        strlen(img.history[i].created_by) <= size);
    }
done:
    free(buf);
    dof_arena_free(ar);
    dof_ctx_free(ctx);
    return 0;
}
