/*
 * test_bbolt.c - the bbolt reader against files written by the real bbolt
 * engine (tests/data/bbolt/ref*.db.gz, listings made by bbolt's own
 * cursor: tests/data/bbolt/gen.go) and by our python writer
 * (tests/lib/bbolt_fixture.py over images/synth/bbolt.py, listing made
 * from its input dict); damaged files; Docker volumes and networks.
 */
#include "engine/docker/docker_private.h"
#include "tap.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];
static const char *srcdir;

static unsigned char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b = NULL;
    long n;

    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1)) != NULL) {
        if (fread(b, 1, (size_t)n, f) != (size_t)n) {
            free(b);
            b = NULL;
        }
        else {
            *len = (size_t)n;
        }
    }
    fclose(f);
    return b;
}

static void
hex(dof_buf *o, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dof_buf_printf(o, "%02x", p[i]);
}

/* ---- listing in gen.go's format ---- */
typedef struct lst {
    dof_bbolt *db;
    dof_buf *out;
    const char *path;
    int depth;
} lst;

static int
list_fn(void *arg, const unsigned char *key, size_t klen,
        const unsigned char *value, size_t vlen, int is_bucket)
{
    lst *l = arg, sub;
    dof_buf sp;
    dof_bbolt_bkt b;
    char sha[65];

    dof_buf_printf(l->out, "%s\t", l->path);
    hex(l->out, key, klen);
    if (!is_bucket) {
        dof_sha256_hex(value, vlen, sha);
        dof_buf_printf(l->out, "\tV\t%zu\t%s\n", vlen, sha);
        return 0;
    }
    dof_buf_printf(l->out, "\tB\n");
    if (l->depth > 10 ||
        dof_bbolt_bucket_value(l->db, value, vlen, &b) != DOF_OK)
        return 0;
    dof_buf_init(&sp);
    dof_buf_printf(&sp, "%s%s", l->path, *l->path ? "/" : "");
    hex(&sp, key, klen);
    sub = *l;
    sub.path = sp.data;
    sub.depth = l->depth + 1;
    dof_bbolt_foreach(l->db, &b, list_fn, &sub);
    dof_buf_free(&sp);
    return 0;
}

static char *
listing(dof_bbolt *db)
{
    dof_buf out;
    lst l = {db, &out, "", 0};

    dof_buf_init(&out);
    dof_bbolt_foreach(db, NULL, list_fn, &l);
    return dof_buf_take(&out);
}

/* The expected listing without its '#' lines. */
static char *
expected(const char *txt, uint64_t *txid)
{
    size_t len;
    char *t = (char *)slurp(txt, &len), *p, *nl;
    dof_buf out;

    if (t == NULL)
        return NULL;
    t[len] = '\0';
    dof_buf_init(&out);
    for (p = t; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (*p == '#') {
            const char *tx = strstr(p, "txid ");
            if (tx && txid)
                *txid = strtoull(tx + 5, NULL, 10);
            continue;
        }
        dof_buf_append(&out, p, nl ? (size_t)(nl - p + 1) : strlen(p));
    }
    free(t);
    return dof_buf_take(&out);
}

static void
same_listing(const char *got, const char *want, const char *what)
{
    size_t i = 0, line = 1;

    if (got == NULL || want == NULL) {
        ok(0, "%s: listing", what);
        return;
    }
    while (got[i] && got[i] == want[i]) {
        if (got[i] == '\n')
            line++;
        i++;
    }
    ok(got[i] == want[i], "%s: every key and value, in order", what);
    if (got[i] != want[i])
        printf("#   first difference on line %zu\n", line);
}

static unsigned char *
load_gz(const char *name, size_t *len)
{
    char cmd[512], out[256];

    snprintf(out, sizeof(out), "%s/%s", tmpdir, name);
    snprintf(cmd, sizeof(cmd), "gzip -dc '%s/tests/data/bbolt/%s.gz' > '%s'",
             srcdir, name, out);
    if (system(cmd) != 0)
        return NULL;
    return slurp(out, len);
}

static int
has_warning(dof_ctx *ctx, size_t from, int code, const char *text)
{
    for (size_t i = from; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if ((code == 0 || w->code == code) &&
            (text == NULL || strstr(w->message, text)))
            return 1;
    }
    return 0;
}

static void
test_reference(const char *name, uint32_t ps)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_bbolt *db = NULL;
    char db_name[64], txt[512], *got, *want;
    uint64_t txid = 0;
    size_t len;
    unsigned char *buf;

    snprintf(db_name, sizeof(db_name), "%s.db", name);
    snprintf(txt, sizeof(txt), "%s/tests/data/bbolt/%s.txt", srcdir, name);
    buf = load_gz(db_name, &len);
    ok(buf != NULL, "%s: reference file unpacked", name);
    want = expected(txt, &txid);
    is_int(dof_bbolt_open_mem(ctx, buf, len, &db), DOF_OK, "%s: opens", name);
    if (db != NULL) {
        is_int(dof_bbolt_page_size(db), ps, "%s: page size", name);
        is_int(dof_bbolt_txid(db), txid, "%s: txid of bbolt's last tx", name);
        got = listing(db);
        same_listing(got, want, name);
        free(got);
    }
    is_int(dof_warning_count(ctx), 0, "%s: no warnings", name);
    dof_bbolt_close(db);
    free(want);
    free(buf);
    dof_ctx_free(ctx);
}

typedef struct stale {
    int secret, key0, key1;
} stale;

static int
stale_fn(void *arg, uint64_t pgid, const unsigned char *key, size_t klen,
         const unsigned char *value, size_t vlen, int is_bucket)
{
    stale *s = arg;
    (void)pgid;
    (void)value;
    (void)vlen;
    (void)is_bucket;
    if (klen == 14 && memcmp(key, "deleted-secret", 14) == 0)
        s->secret++;
    if (klen == 7 && memcmp(key, "key0000", 7) == 0)
        s->key0++;
    if (klen == 7 && memcmp(key, "key0001", 7) == 0)
        s->key1++;
    return 0;
}

static int
count_fn(void *arg, const unsigned char *key, size_t klen,
         const unsigned char *value, size_t vlen, int is_bucket)
{
    size_t *n = arg;
    (void)key;
    (void)klen;
    (void)value;
    (void)vlen;
    (void)is_bucket;
    (*n)++;
    return 0;
}

/* Meta fallback and copy-on-write leftovers on the real engine's file:
 * meta 1 of ref4k holds the previous transaction (txid 3), whose volumes
 * bucket still has "deleted-secret". */
TEST(reference_4k)
{
    test_reference("ref4k", 4096);
}

TEST(reference_1k)
{
    test_reference("ref1k", 1024);
}

TEST(reference_damage)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_bbolt *db = NULL;
    dof_bbolt_bkt b;
    unsigned char *buf;
    size_t len, n = 0;
    stale s = {0, 0, 0};

    buf = load_gz("ref4k.db", &len);
    if (buf == NULL || len < 8192) {
        ok(0, "ref4k unpacked");
        return;
    }
    is_int(dof_bbolt_open_mem(ctx, buf, len, &db), DOF_OK, "ref4k opens");
    dof_bbolt_foreach_stale(db, stale_fn, &s);
    ok(s.secret > 0, "stale pages hold the deleted key (%d)", s.secret);
    ok(s.key0 > 0, "stale pages hold deleted key0000 (%d)", s.key0);
    dof_bbolt_bucket(db, NULL, "volumes", 7, &b);
    dof_bbolt_foreach(db, &b, count_fn, &n);
    is_int(n, 2, "live volumes bucket: 2 keys");
    dof_bbolt_close(db);

    buf[16 + 12] ^= 0x40; /* meta 0 flags: checksum now wrong */
    db = NULL;
    is_int(dof_bbolt_open_mem(ctx, buf, len, &db), DOF_OK,
           "corrupt meta 0: still opens");
    ok(has_warning(ctx, 0, DOF_ERR_FORMAT, "meta page 0 invalid"),
       "corrupt meta 0: warning");
    if (db != NULL) {
        is_int(dof_bbolt_meta_index(db), 1, "uses meta 1");
        is_int(dof_bbolt_txid(db), 3, "meta 1 is txid 3");
        n = 0;
        dof_bbolt_bucket(db, NULL, "volumes", 7, &b);
        dof_bbolt_foreach(db, &b, count_fn, &n);
        is_int(n, 3, "txid 3 still has deleted-secret");
    }
    dof_bbolt_close(db);
    buf[4096 + 16] ^= 0x01; /* meta 1 magic */
    db = NULL;
    is_int(dof_bbolt_open_mem(ctx, buf, len, &db), DOF_ERR_FORMAT,
           "both metas bad: DOF_ERR_FORMAT");
    ok(db == NULL, "both metas bad: *out NULL");
    free(buf);
    dof_ctx_free(ctx);
}

/* First branch page of a file (page size ps), or 0. */
static uint64_t
find_branch(const unsigned char *buf, size_t len, size_t ps)
{
    for (uint64_t pg = 2; (pg + 1) * ps <= len; pg++)
        if (dof_le64(buf + pg * ps) == pg && dof_le16(buf + pg * ps + 8) == 1)
            return pg;
    return 0;
}

static void
put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

TEST(python)
{
    char cmd[1024], dbp[128], txt[128], *want, *got;
    dof_ctx *ctx;
    dof_bbolt *db = NULL;
    unsigned char *buf, *copy;
    size_t len, n, full = 0;
    uint64_t br;

    snprintf(dbp, sizeof(dbp), "%s/py.db", tmpdir);
    snprintf(txt, sizeof(txt), "%s/py.txt", tmpdir);
    snprintf(cmd, sizeof(cmd),
             "python3 '%s/tests/lib/bbolt_fixture.py' '%s' '%s' '%s'", srcdir,
             srcdir, dbp, txt);
    if (system(cmd) != 0 || (buf = slurp(dbp, &len)) == NULL) {
        ok(0, "python fixture written");
        return;
    }
    want = expected(txt, NULL);
    ctx = dof_ctx_new();
    is_int(dof_bbolt_open_mem(ctx, buf, len, &db), DOF_OK, "python: opens");
    if (db != NULL) {
        got = listing(db);
        same_listing(got, want, "python fixture");
        free(got);
        is_int(dof_bbolt_meta_index(db), 1, "python: meta 1 (txid 7)");
        dof_bbolt_foreach(db, NULL, count_fn, &full);
    }
    is_int(dof_warning_count(ctx), 0, "python: no warnings");
    dof_bbolt_close(db);

    /* meta 1 (the newer one) corrupt: fall back to meta 0, same data */
    copy = malloc(len);
    memcpy(copy, buf, len);
    copy[4096 + 16 + 56] ^= 0xff; /* checksum byte */
    db = NULL;
    is_int(dof_bbolt_open_mem(ctx, copy, len, &db), DOF_OK,
           "bad meta 1: opens");
    ok(has_warning(ctx, 0, DOF_ERR_FORMAT, "meta page 1 invalid"),
       "bad meta 1: warning names it");
    if (db != NULL) {
        is_int(dof_bbolt_meta_index(db), 0, "bad meta 1: uses meta 0");
        got = listing(db);
        same_listing(got, want, "meta 0 fallback");
        free(got);
    }
    dof_bbolt_close(db);

    br = find_branch(buf, len, 4096);
    ok(br != 0, "python fixture has a branch page (%llu)",
       (unsigned long long)br);

    /* a child page id beyond the file */
    memcpy(copy, buf, len);
    put_le64(copy + br * 4096 + 16 + 16 + 8, 999999);
    {
        size_t w0 = dof_warning_count(ctx);
        dof_bbolt_bkt b;
        db = NULL;
        dof_bbolt_open_mem(ctx, copy, len, &db);
        n = 0;
        if (db && dof_bbolt_bucket(db, NULL, "big", 3, &b) == DOF_OK)
            is_int(dof_bbolt_foreach(db, &b, count_fn, &n), DOF_OK,
                   "page beyond file: walk completes");
        ok(n > 0 && n < 601, "page beyond file: the other pages read (%zu)",
           n);
        ok(has_warning(ctx, w0, DOF_ERR_FORMAT, "page 999999"),
           "page beyond file: warning");
        dof_bbolt_close(db);
    }

    /* a branch page whose child is itself */
    memcpy(copy, buf, len);
    put_le64(copy + br * 4096 + 16 + 16 + 8, br);
    {
        size_t w0 = dof_warning_count(ctx);
        dof_bbolt_bkt b;
        db = NULL;
        dof_bbolt_open_mem(ctx, copy, len, &db);
        n = 0;
        if (db && dof_bbolt_bucket(db, NULL, "big", 3, &b) == DOF_OK)
            dof_bbolt_foreach(db, &b, count_fn, &n);
        ok(n > 0 && n < 601, "cycle: stopped (%zu keys)", n);
        ok(has_warning(ctx, w0, DOF_ERR_LOOP, "cycle"), "cycle: warning");
        dof_bbolt_close(db);
    }

    /* truncated file and random damage: no crash, no out-of-bounds read
     * (run under ASan/valgrind) */
    {
        unsigned seed = 12345;
        stale junk = {0, 0, 0};
        int opened = 0;
        db = NULL;
        if (dof_bbolt_open_mem(ctx, buf, len / 2, &db) == DOF_OK) {
            char *l = listing(db);
            free(l);
        }
        dof_bbolt_close(db);
        for (int it = 0; it < 300; it++) {
            memcpy(copy, buf, len);
            for (int k = 0; k < 8; k++) {
                seed = seed * 1103515245u + 12345u;
                size_t off = 2 * 4096 + (seed >> 4) % (len - 2 * 4096);
                seed = seed * 1103515245u + 12345u;
                copy[off] = (unsigned char)(seed >> 16);
            }
            db = NULL;
            if (dof_bbolt_open_mem(ctx, copy, len, &db) == DOF_OK) {
                char *l = listing(db);
                opened++;
                free(l);
                dof_bbolt_foreach_stale(db, stale_fn, &junk);
            }
            dof_bbolt_close(db);
        }
        is_int(opened, 300, "300 damaged copies walked without a crash");
    }
    free(copy);
    free(buf);
    free(want);
    dof_ctx_free(ctx);
}

TEST(volumes_networks)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *a = dof_arena_new();
    dof_store root;
    dof_storeb rb;
    unsigned char *buf;
    size_t len;
    char dbp[128];

    memset(&root, 0, sizeof(root));
    memset(&rb, 0, sizeof(rb));
    rb.ctx = ctx;
    rb.arena = a;
    rb.store = &root;

    buf = load_gz("ref4k.db", &len);
    is_int(dof_docker_volumes_parse(&rb, "metadata.db", buf, len), DOF_OK,
           "volumes parse");
    is_int(root.nvolumes, 2, "two volumes");
    if (root.nvolumes == 2) {
        dof_docker_volume *v = &root.volumes[0], *w = &root.volumes[1];
        is_str(v->name, "data1", "volume 0 name");
        is_str(v->driver, "local", "volume 0 driver");
        is_int(v->nlabels, 1, "volume 0 one label");
        if (v->nlabels == 1) {
            is_str(v->labels[0].key, "team", "label key");
            is_str(v->labels[0].value, "red", "label value");
        }
        ok(v->in_metadata && !v->anonymous, "in metadata, named");
        is_str(w->name, "nfsvol", "volume 1 name");
        is_int(w->noptions, 3, "nfs options");
        if (w->noptions == 3) {
            is_str(w->options[0].key, "device", "option device");
            is_str(w->options[0].value, ":/export", "device value");
            is_str(w->options[1].value, "addr=10.0.0.5,rw", "o value");
            is_str(w->options[2].value, "nfs", "type value");
        }
    }
    free(buf);

    snprintf(dbp, sizeof(dbp), "%s/py.db", tmpdir);
    buf = slurp(dbp, &len);
    if (buf == NULL) {
        ok(0, "python fixture for networks");
        goto done;
    }
    {
        size_t w0 = dof_warning_count(ctx);
        is_int(dof_docker_networks_parse(&rb, "local-kv.db", buf, len), DOF_OK,
               "networks parse");
        ok(has_warning(ctx, w0, DOF_ERR_FORMAT, "not JSON"),
           "a non-JSON network value is a warning");
    }
    is_int(root.nnetworks, 2, "two networks");
    if (root.nnetworks == 2) {
        dof_network *b = &root.networks[0], *m = &root.networks[1];
        is_str(b->name, "bridge", "bridge first (sorted)");
        is_str(b->driver, "bridge", "bridge driver");
        is_str(b->scope, "local", "scope");
        is_int(b->created, 1704164645123456789LL, "created ns");
        is_int(b->nsubnets, 1, "bridge: one subnet from ipamV4Info");
        if (b->nsubnets == 1 && b->ngateways == 1) {
            is_str(b->subnets[0], "172.17.0.0/16", "bridge subnet");
            is_str(b->gateways[0], "172.17.0.1", "bridge gateway");
        }
        is_str(m->name, "mynet", "mynet (plain JSON value)");
        ok(m->internal && !m->ipv6, "mynet internal");
        is_int(m->nlabels, 1, "mynet label");
        if (m->nsubnets == 1 && m->ngateways == 1) {
            is_str(m->subnets[0], "10.5.0.0/24", "mynet subnet");
            is_str(m->gateways[0], "10.5.0.1", "mynet gateway");
        }
        else {
            ok(0, "mynet: one subnet");
        }
        is_int(m->nendpoints, 1, "mynet endpoint");
        if (m->nendpoints == 1) {
            is_str(m->endpoints[0].name, "web", "endpoint name");
            is_str(m->endpoints[0].ip_address, "10.5.0.2", "endpoint ip");
            is_str(m->endpoints[0].mac_address, "02:42:0a:05:00:02",
                   "endpoint mac");
            is_str(m->endpoints[0].gateway, "10.5.0.1", "endpoint gw");
            is_str(m->endpoints[0].network, "mynet", "endpoint network");
        }
    }
    free(buf);
done:
    dof_arena_free(a);
    dof_ctx_free(ctx);
}

/* dof_docker_volumes_load through the fs layer (a directory evidence,
 * so no TSK probing is involved): metadata.db is the engine-written
 * ref4k.db (data1, nfsvol); a volume directory missing from it; opts.json;
 * created = the volume directory's birth (statx btime) as the kernel
 * reports it, else its mtime. */
TEST(volumes_load)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *a = dof_arena_new();
    dof_evidence *ev = NULL;
    const dof_partition *vol;
    dof_store root;
    dof_storeb rb;
    struct statx st;
    char cmd[2048], tree[128], data1[256];
    int64_t want;
    const char *anon =
        "1111111111111111111111111111111111111111111111111111111111111111";

    snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
    snprintf(data1, sizeof(data1), "%s/docker/volumes/data1", tree);
    snprintf(cmd, sizeof(cmd),
             "set -e; v='%s/docker/volumes'; "
             "mkdir -p $v/data1/_data $v/nfsvol/_data $v/%s/_data; "
             "cp '%s/ref4k.db' $v/metadata.db; echo x > $v/data1/_data/f; "
             ": > $v/backingFsBlockDev; printf '%%s' "
             "'{\"MountType\":\"nfs\",\"MountOpts\":\"addr=10.0.0.5\","
             "\"MountDevice\":\":/export\",\"Quota\":{\"Size\":0}}' "
             "> $v/nfsvol/opts.json",
             tree, anon, tmpdir);
    if (system(cmd) != 0 ||
        statx(AT_FDCWD, data1, 0, STATX_BTIME | STATX_MTIME, &st) != 0) {
        ok(0, "volume tree built");
        goto done;
    }
    if (dof_evidence_open(ctx, tree, -1, &ev) != DOF_OK ||
        dof_evidence_partition_count(ev) < 1 ||
        (vol = dof_evidence_partition(ev, 0))->fs == NULL) {
        ok(0, "tree opens: %s", dof_errmsg(ctx));
        goto done;
    }
    memset(&root, 0, sizeof(root));
    memset(&rb, 0, sizeof(rb));
    root.path = "/docker";
    root.fs = vol->fs;
    rb.ctx = ctx;
    rb.arena = a;
    rb.fs = vol->fs;
    rb.store = &root;
    is_int(dof_docker_volumes_load(&rb), DOF_OK, "volumes load");
    is_int(root.nvolumes, 3, "three volumes (file entries ignored)");
    if (root.nvolumes == 3) {
        dof_docker_volume *v = root.volumes;
        is_str(v[0].name, anon, "sorted: anonymous first");
        ok(v[0].anonymous && !v[0].in_metadata,
           "on disk only: anonymous, not in metadata");
        is_str(v[0].data_path,
               "/docker/volumes/1111111111111111111111111111"
               "111111111111111111111111111111111111/_data",
               "data path");
        is_str(v[1].name, "data1", "data1");
        ok(v[1].in_metadata && !v[1].anonymous, "data1 in metadata");
        want = (st.stx_mask & STATX_BTIME)
                   ? (int64_t)st.stx_btime.tv_sec * 1000000000LL +
                         st.stx_btime.tv_nsec
                   : (int64_t)st.stx_mtime.tv_sec * 1000000000LL +
                         st.stx_mtime.tv_nsec;
        is_int(v[1].created, want,
               "created = the volume directory's birth (else mtime)");
        is_str(v[1].driver, "local", "data1 driver");
        is_str(v[2].name, "nfsvol", "nfsvol");
        is_str(v[2].mount_type, "nfs", "opts.json MountType");
        is_str(v[2].mount_opts, "addr=10.0.0.5", "opts.json MountOpts");
        is_str(v[2].mount_device, ":/export", "opts.json MountDevice");
        is_int(v[2].noptions, 3, "nfsvol options from metadata.db");
    }
done:
    dof_evidence_close(ev);
    dof_arena_free(a);
    dof_ctx_free(ctx);
}

static int
setup(void)
{
    srcdir = getenv("DOF_SRCDIR");
    if (srcdir == NULL)
        srcdir = ".";
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/dof-bbolt.XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        skip_all("no temp dir");
    return 0;
}

static void
teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", tmpdir);
}

TAP_MAIN(setup, teardown)
