/*
 * fuzz_bbolt.c - the bbolt reader (core/bbolt.c) over arbitrary bytes:
 * open, walk every bucket recursively, the copy-on-write leftovers, and
 * Docker's volume and network records on top of it.
 */
#include "engine/docker/docker_private.h"
#include "fuzz.h"

typedef struct walk {
    dof_bbolt *db;
    int depth;
    size_t n;
} walk;

static int
walk_fn(void *arg, const unsigned char *key, size_t klen,
        const unsigned char *value, size_t vlen, int is_bucket)
{
    walk *w = arg;
    dof_bbolt_bkt b;
    volatile unsigned char sink = 0;

    /* touch every byte handed out: ASan checks the bounds */
    for (size_t i = 0; i < klen; i++)
        sink ^= key[i];
    for (size_t i = 0; i < vlen; i++)
        sink ^= value[i];
    (void)sink;
    if (++w->n > 100000)
        return 1;
    if (is_bucket && w->depth < 16 &&
        dof_bbolt_bucket_value(w->db, value, vlen, &b) == DOF_OK) {
        walk sub = {w->db, w->depth + 1, w->n};
        dof_bbolt_foreach(w->db, &b, walk_fn, &sub);
        w->n = sub.n;
        /* the lookup by name (a damaged file may hold duplicate keys, so
         * it need not find this very element) */
        if (w->depth == 0) {
            dof_bbolt_bkt c;
            (void)dof_bbolt_bucket(w->db, NULL, key, klen, &c);
        }
    }
    return 0;
}

static int
stale_fn(void *arg, uint64_t pgid, const unsigned char *key, size_t klen,
         const unsigned char *value, size_t vlen, int is_bucket)
{
    size_t *n = arg;
    volatile unsigned char sink = 0;

    (void)pgid;
    (void)is_bucket;
    for (size_t i = 0; i < klen; i++)
        sink ^= key[i];
    for (size_t i = 0; i < vlen; i++)
        sink ^= value[i];
    (void)sink;
    return ++*n > 100000;
}

FUZZ_TARGET(bbolt)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_bbolt *db = NULL;
    dof_arena *a = NULL;
    dof_store root;
    dof_storeb rb;
    size_t n = 0;

    if (ctx == NULL)
        return 0;
    if (dof_bbolt_open_mem(ctx, data, size, &db) == DOF_OK) {
        walk w = {db, 0, 0};
        FUZZ_ASSERT(dof_bbolt_meta_index(db) == 0 ||
                    dof_bbolt_meta_index(db) == 1);
        dof_bbolt_foreach(db, NULL, walk_fn, &w);
        dof_bbolt_foreach_stale(db, stale_fn, &n);
        dof_bbolt_close(db);
    }
    else {
        FUZZ_ASSERT(db == NULL);
    }
    a = dof_arena_new();
    if (a != NULL) {
        memset(&root, 0, sizeof(root));
        root.path = "/var/lib/docker";
        memset(&rb, 0, sizeof(rb));
        rb.ctx = ctx;
        rb.arena = a;
        rb.store = &root;
        dof_docker_volumes_parse(&rb, "volumes/metadata.db", data, size);
        dof_docker_networks_parse(&rb, "network/files/local-kv.db", data,
                                  size);
        {
            const char *json;
            size_t jlen;
            dof_docker_kv_json(data, size, &json, &jlen);
            if (json != NULL)
                FUZZ_ASSERT(jlen <= size && json >= (const char *)data &&
                            json + jlen <= (const char *)data + size);
        }
        dof_arena_free(a);
    }
    dof_ctx_free(ctx);
    return 0;
}
