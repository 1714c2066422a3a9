/*
 * test_bounds.c - the documented caps (dof.h DOF_CAP_*, logs_private.h)
 * are enforced where the data is read: exceeding one is a warning or a
 * DOF_ERR_LIMIT / DOF_ERR_LOOP status, never a crash, a hang or an
 * unbounded allocation.  Images: the synth cases config-too-big,
 * cyclic-layers and deep-chain-200 (images/synth/make-synth.sh, expected
 * values from their .expect.json), and a symlink tree made here with
 * mke2fs -d (inode numbers from TSK's ifind); logs are served from memory,
 * including gzip bombs made here with zlib.
 */
#include "engine/docker/docker_private.h"
#include "logs/logs_private.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <zlib.h>

static const char *srcdir, *builddir;
static char synth[4096];

static int
warned(dof_ctx *ctx, size_t from, int code, const char *path_part,
       const char *msg_part)
{
    for (size_t i = from; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if (code && w->code != code)
            continue;
        if (path_part && (w->path == NULL || !strstr(w->path, path_part)) &&
            (w->message == NULL || !strstr(w->message, path_part)))
            continue;
        if (msg_part && (w->message == NULL || !strstr(w->message, msg_part)))
            continue;
        return 1;
    }
    return 0;
}

/* ---- synth images ---- */

static int
have_case(const char *c)
{
    char p[4200];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/%s.raw", synth, c);
    return stat(p, &sb) == 0;
}

static void
find_synth(void)
{
    static const char *const cases[] = {"config-too-big", "cyclic-layers",
                                        "deep-chain-200", "good"};
    char cmd[8400];
    int all = 1;

    snprintf(synth, sizeof(synth), "%s/tests/cache/synth", builddir);
    for (size_t i = 0; i < 4; i++)
        all &= have_case(cases[i]);
    if (all)
        return;
    snprintf(synth, sizeof(synth), "%s/tests/cache/bounds", builddir);
    for (size_t i = 0; i < 4; i++)
        if (!have_case(cases[i])) {
            snprintf(cmd, sizeof(cmd),
                     "mkdir -p '%s' && '%s/images/synth/make-synth.sh' '%s' "
                     "'%s' >/dev/null 2>&1",
                     synth, srcdir, synth, cases[i]);
            if (system(cmd) != 0)
                printf("# could not build %s\n", cases[i]);
        }
}

static json_object *
expect(const char *c)
{
    char p[4200];
    snprintf(p, sizeof(p), "%s/%s.expect.json", synth, c);
    return json_object_from_file(p);
}

static int
open_host(dof_ctx *ctx, const char *c, dof_evidence **ev, dof_host **host)
{
    char p[4200];
    int rc;
    snprintf(p, sizeof(p), "%s/%s.raw", synth, c);
    *ev = NULL;
    *host = NULL;
    rc = dof_evidence_open(ctx, p, -1, ev);
    if (rc == DOF_OK)
        rc = dof_host_open(ctx, *ev, NULL, host);
    return rc;
}

static const dof_container *
container_named(const dof_host *h, const char *name)
{
    for (size_t i = 0; h && i < dof_host_store_count(h); i++) {
        const dof_store *r = dof_host_store(h, i);
        for (size_t k = 0; k < r->ncontainers; k++)
            if (r->containers[k].name &&
                strcmp(r->containers[k].name, name) == 0)
                return &r->containers[k];
    }
    return NULL;
}

TEST(json_cap)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev;
    dof_host *host;
    json_object *exp, *j = NULL, *o;
    char why[160];
    size_t big = DOF_CAP_JSON_BYTES + 1;
    char *buf = malloc(big);

    /* the parser refuses more than its cap, before parsing anything */
    if (buf) {
        memset(buf, ' ', big);
        buf[0] = '{';
        buf[big - 1] = '}';
        is_int(
            dof_json_parse(buf, big, DOF_CAP_JSON_BYTES, &j, why, sizeof(why)),
            DOF_ERR_LIMIT, "JSON: %zu bytes > DOF_CAP_JSON_BYTES", big);
        ok(j == NULL, "JSON: nothing parsed over the cap");
        is_int(dof_json_parse(buf, big, big, &j, why, sizeof(why)), DOF_OK,
               "JSON: the same text under a larger cap parses");
        json_object_put(j);
        free(buf);
    }
    /* config-too-big: a config.v2.json over the cap on a real fs */
    exp = expect("config-too-big");
    if (exp == NULL || !have_case("config-too-big")) {
        ok(0, "config-too-big image built");
        json_object_put(exp);
        dof_ctx_free(ctx);
        return;
    }
    const char *bigpath =
        json_object_object_get_ex(exp, "oversized_file", &o) &&
                json_object_object_get_ex(o, "path", &o)
            ? json_object_get_string(o)
            : "?";
    is_int(open_host(ctx, "config-too-big", &ev, &host), DOF_OK,
           "config-too-big: host opens");
    ok(warned(ctx, 0, DOF_ERR_LIMIT, bigpath, NULL),
       "config-too-big: a DOF_ERR_LIMIT warning names %s", bigpath);
    {
        const dof_container *c = container_named(host, "web");
        ok(c != NULL && !c->damaged, "config-too-big: the other containers "
                                     "are read (web)");
    }
    dof_host_close(host);
    dof_evidence_close(ev);
    json_object_put(exp);
    dof_ctx_free(ctx);
}

/* ---- layer chains ---- */

TEST(layer_caps)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *a = dof_arena_new();
    dof_store root;
    dof_storeb rb;
    dof_image img;
    dof_buf b;
    dof_evidence *ev;
    dof_host *host;
    json_object *exp, *o;
    unsigned n = DOF_CAP_LAYER_DEPTH + 1;

    /* an image config with one diff_id more than the cap */
    dof_buf_init(&b);
    dof_buf_printf(&b, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
    for (unsigned i = 0; i < n; i++)
        dof_buf_printf(&b, "%s\"sha256:%064x\"", i ? "," : "", i);
    dof_buf_printf(&b, "]}}");
    memset(&root, 0, sizeof(root));
    root.path = "/var/lib/docker";
    memset(&rb, 0, sizeof(rb));
    rb.ctx = ctx;
    rb.arena = a;
    rb.store = &root;
    memset(&img, 0, sizeof(img));
    img.config_path = "imagedb/content/sha256/deep";
    is_int(dof_docker_image_parse(&rb, &img, b.data, b.len), DOF_OK,
           "%u diff_ids: parsed", n);
    ok(img.nlayers <= DOF_CAP_LAYER_DEPTH,
       "%u diff_ids: at most DOF_CAP_LAYER_DEPTH layers kept (%zu)", n,
       img.nlayers);
    ok(warned(ctx, 0, DOF_ERR_LIMIT, NULL, NULL),
       "%u diff_ids: a DOF_ERR_LIMIT warning", n);
    dof_buf_free(&b);

    /* cyclic layerdb parents: a loop warning naming a layer of the cycle */
    exp = expect("cyclic-layers");
    if (exp && have_case("cyclic-layers") &&
        json_object_object_get_ex(exp, "cycle_chain_ids", &o)) {
        size_t w0 = dof_warning_count(ctx);
        int named = 0;
        is_int(open_host(ctx, "cyclic-layers", &ev, &host), DOF_OK,
               "cyclic-layers: host opens (no hang)");
        /* the chain may be walked on demand: by the union view and by the
         * reports that show layers */
        for (size_t r = 0; host && r < dof_host_store_count(host); r++) {
            const dof_store *rt = dof_host_store(host, r);
            for (size_t k = 0; k < rt->ncontainers; k++) {
                dof_union *u = NULL;
                if (dof_union_open(ctx, host, &rt->containers[k], NULL, &u) ==
                    DOF_OK)
                    dof_union_close(u);
            }
        }
        if (host != NULL) {
            dof_report_opts ro;
            FILE *null = fopen("/dev/null", "w");
            dof_report_opts_init(&ro);
            ro.out = null;
            ro.json = 1;
            ro.layers = 1;
            if (null != NULL) {
                dof_report_containers(ctx, &ro, host);
                dof_report_images(ctx, &ro, host);
                fclose(null);
            }
        }
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            const char *id =
                json_object_get_string(json_object_array_get_idx(o, i));
            const char *hex = strchr(id, ':') ? strchr(id, ':') + 1 : id;
            named |= warned(ctx, w0, DOF_ERR_LOOP, hex, NULL);
        }
        ok(named, "cyclic-layers: a DOF_ERR_LOOP warning names a layer of "
                  "the cycle");
        for (size_t i = w0; !named && i < dof_warning_count(ctx); i++)
            printf("#   warning %d %s: %s\n", dof_warning_get(ctx, i)->code,
                   dof_warning_get(ctx, i)->path
                       ? dof_warning_get(ctx, i)->path
                       : "-",
                   dof_warning_get(ctx, i)->message);
        dof_host_close(host);
        dof_evidence_close(ev);
    }
    else {
        ok(0, "cyclic-layers image built");
    }
    json_object_put(exp);

    /* 200 layers: well under the cap, read whole, no limit warning */
    exp = expect("deep-chain-200");
    if (exp && have_case("deep-chain-200") &&
        json_object_object_get_ex(exp, "images", &o)) {
        size_t w0 = dof_warning_count(ctx), want = 0, got = 0;
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            json_object *im = json_object_array_get_idx(o, i), *d;
            if (json_object_object_get_ex(im, "diff_ids", &d) &&
                json_object_array_length(d) > want)
                want = json_object_array_length(d);
        }
        is_int(open_host(ctx, "deep-chain-200", &ev, &host), DOF_OK,
               "deep-chain-200: host opens");
        for (size_t r = 0; host && r < dof_host_store_count(host); r++)
            for (size_t i = 0; i < dof_host_store(host, r)->nimages; i++)
                if (dof_host_store(host, r)->images[i].nlayers > got)
                    got = dof_host_store(host, r)->images[i].nlayers;
        ok(want >= 200, "deep-chain-200: the truth has %zu layers", want);
        is_int(got, want, "deep-chain-200: every layer read");
        ok(!warned(ctx, w0, DOF_ERR_LIMIT, NULL, NULL) &&
               !warned(ctx, w0, DOF_ERR_LOOP, NULL, NULL),
           "deep-chain-200: no limit or loop warning");
        dof_host_close(host);
        dof_evidence_close(ev);
    }
    else {
        ok(0, "deep-chain-200 image built");
    }
    json_object_put(exp);
    dof_arena_free(a);
    dof_ctx_free(ctx);
}

/* ---- symlink hops ---- */

static uint64_t
ifind(const char *img, const char *path)
{
    char cmd[8400], out[64] = "";
    FILE *p;
    snprintf(cmd, sizeof(cmd), "ifind -n '%s' '%s' 2>/dev/null", path, img);
    if ((p = popen(cmd, "r")) == NULL)
        return 0;
    if (fgets(out, sizeof(out), p) == NULL)
        out[0] = '\0';
    pclose(p);
    return strtoull(out, NULL, 10);
}

TEST(symlink_hops)
{
    char dir[] = "/tmp/dof-bounds-XXXXXX", cmd[8400], img[4200];
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    const dof_partition *v;
    dof_node node = 0;
    uint64_t want;

    if (mkdtemp(dir) == NULL) {
        ok(0, "temporary directory");
        return;
    }
    /* tree/h0 -> h1 -> ... -> h40 -> target: 40 symlinks from h1, 41
     * from h0, 42 from g (-> h0); a -> b -> a */
    snprintf(cmd, sizeof(cmd),
             "set -e; cd '%s'; mkdir tree; cd tree; echo hi > target; "
             "i=0; while [ $i -lt 40 ]; do ln -s h$((i+1)) h$i; "
             "i=$((i+1)); done; ln -s target h40; ln -s h0 g; "
             "ln -s b a; ln -s a b; cd ..; "
             "PATH=$PATH:/sbin:/usr/sbin mke2fs -q -t ext4 -d tree -F "
             "img.raw 4M >/dev/null 2>&1",
             dir);
    if (system(cmd) != 0) {
        ok(0, "symlink image built");
        return;
    }
    snprintf(img, sizeof(img), "%s/img.raw", dir);
    want = ifind(img, "/target");
    if (dof_evidence_open(ctx, img, -1, &ev) != DOF_OK ||
        (v = dof_evidence_partition(ev, 0)) == NULL || v->fs == NULL) {
        ok(0, "symlink image opens: %s", dof_errmsg(ctx));
        dof_evidence_close(ev);
        dof_ctx_free(ctx);
        return;
    }
    ok(want > 0, "ifind finds /target (inode %llu)", (unsigned long long)want);
    is_int(dof_fs_resolve(v->fs, "/h1", 1, &node), DOF_OK,
           "%d symlinks (h1..h40) are followed", DOF_CAP_SYMLINK_HOPS);
    is_int(node, want, "... to the target's inode");
    is_int(dof_fs_resolve(v->fs, "/h0", 1, &node), DOF_ERR_LOOP,
           "%d symlinks: DOF_ERR_LOOP", DOF_CAP_SYMLINK_HOPS + 1);
    is_int(dof_fs_resolve(v->fs, "/g", 1, &node), DOF_ERR_LOOP,
           "%d symlinks: DOF_ERR_LOOP", DOF_CAP_SYMLINK_HOPS + 2);
    is_int(dof_fs_resolve(v->fs, "/a", 1, &node), DOF_ERR_LOOP,
           "a -> b -> a: DOF_ERR_LOOP");
    is_int(dof_fs_resolve(v->fs, "/a/x", 0, &node), DOF_ERR_LOOP,
           "a loop in an intermediate component: DOF_ERR_LOOP");
    is_int(dof_fs_resolve(v->fs, "/a", 0, &node), DOF_OK,
           "the loop itself can be named without following it");
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

/* ---- logs: record caps and gzip bombs, files served from memory ---- */

typedef struct mfile {
    const unsigned char *p;
    size_t len;
} mfile;

static int
mread(void *arg, uint64_t off, void *buf, size_t len, size_t *got)
{
    mfile *m = arg;
    size_t n = 0;
    if (off < m->len) {
        n = m->len - (size_t)off;
        if (n > len)
            n = len;
        memcpy(buf, m->p + off, n);
    }
    *got = n;
    return DOF_OK;
}

/* Read every record; returns the count (-1 on an error status). */
static long
drain(dof_ctx *ctx, const unsigned char *data, size_t len, int format,
      int reassemble, uint64_t gz_min, uint64_t gz_ratio, size_t *maxlen,
      int *partial)
{
    mfile m = {data, len};
    dof_log_file f = {"c/c-json.log.1.gz", format, len, mread, &m};
    dof_log_opts o;
    dof_log *log = NULL;
    const dof_log_record *r;
    long n = 0;
    int rc;

    dof_log_opts_init(&o);
    o.reassemble = reassemble;
    if (maxlen)
        *maxlen = 0;
    if (partial)
        *partial = 0;
    if (dof_log_open_files(ctx, &f, 1, &o, &log) != DOF_OK)
        return -1;
    if (gz_min)
        dof_log_set_limits(log, 0, gz_min, gz_ratio, 0);
    while ((rc = dof_log_next(log, &r)) == 1) {
        n++;
        if (maxlen && r->len > *maxlen)
            *maxlen = r->len;
        if (partial && r->partial)
            *partial = 1;
    }
    dof_log_close(log);
    return rc < 0 ? -1 : n;
}

static void
put_line(dof_buf *b, const char *log, size_t loglen, const char *tail)
{
    dof_buf_printf(b, "{\"log\":\"");
    dof_buf_append(b, log, loglen);
    dof_buf_printf(b,
                   "%s\",\"stream\":\"stdout\",\"time\":"
                   "\"2023-05-06T07:08:09.000000001Z\"}\n",
                   tail);
}

TEST(log_caps)
{
    dof_ctx *ctx = dof_ctx_new();
    size_t big = DOF_LOG_LINE_CAP + 16, maxlen = 0, w0;
    char *fill = malloc(big);
    dof_buf b;
    long n;
    int partial;

    if (fill == NULL)
        return;
    memset(fill, 'x', big);
    /* a json-file line over 2 MiB between two good ones */
    dof_buf_init(&b);
    put_line(&b, "one", 3, "\\n");
    put_line(&b, fill, big, "\\n");
    put_line(&b, "three", 5, "\\n");
    w0 = dof_warning_count(ctx);
    n = drain(ctx, (unsigned char *)b.data, b.len, DOF_LOG_FMT_JSONFILE, 0, 0,
              0, NULL, NULL);
    is_int(n, 2,
           "json-file: a line over DOF_LOG_LINE_CAP is skipped, the "
           "next one read");
    ok(warned(ctx, w0, DOF_ERR_LIMIT, "c-json.log", "longer than"),
       "json-file: a DOF_ERR_LIMIT warning names the file");
    dof_buf_reset(&b);

    /* a reassembled message over 16 MiB: 17 partial pieces of 1 MiB */
    for (int i = 0; i < 17; i++)
        put_line(&b, fill, 1u << 20, "");
    put_line(&b, "end", 3, "\\n");
    n = drain(ctx, (unsigned char *)b.data, b.len, DOF_LOG_FMT_JSONFILE, 1, 0,
              0, &maxlen, &partial);
    ok(n >= 2,
       "reassembly: a message over DOF_LOG_MSG_CAP is cut (%ld "
       "records)",
       n);
    ok(maxlen <= DOF_LOG_MSG_CAP, "reassembly: no record over 16 MiB (%zu)",
       maxlen);
    ok(partial, "reassembly: the cut message is marked partial");
    dof_buf_free(&b);

    /* a local record whose length is over the cap */
    {
        unsigned char rec[64];
        uint32_t bad = DOF_LOG_LOCAL_CAP + 1;
        memset(rec, 0, sizeof(rec));
        rec[0] = (unsigned char)(bad >> 24);
        rec[1] = (unsigned char)(bad >> 16);
        rec[2] = (unsigned char)(bad >> 8);
        rec[3] = (unsigned char)bad;
        w0 = dof_warning_count(ctx);
        n = drain(ctx, rec, sizeof(rec), DOF_LOG_FMT_LOCAL, 0, 0, 0, NULL,
                  NULL);
        ok(n >= 0, "local: a record length over DOF_LOG_LOCAL_CAP is not "
                   "fatal");
        ok(dof_warning_count(ctx) > w0, "local: it is a warning (%zu)",
           dof_warning_count(ctx) - w0);
    }
    free(fill);
    dof_ctx_free(ctx);
}

/*
 * A gzip member of `mib` MiB of zero bytes, built from one deflated MiB
 * repeated (a full flush makes each copy self-contained), so making it
 * costs nothing.  Deflate cannot do better than ~1032:1.
 */
static unsigned char *
gzip_bomb(unsigned mib, size_t *outlen)
{
    static unsigned char zero[1 << 20];
    unsigned char *chunk = malloc(1 << 16), *tail = malloc(64), *out;
    z_stream z;
    size_t clen, tlen, pos = 0;
    uLong crc1 = crc32(0L, zero, sizeof(zero)), crc = crc32(0L, NULL, 0);

    memset(&z, 0, sizeof(z));
    if (chunk == NULL || tail == NULL ||
        deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    z.next_in = zero;
    z.avail_in = sizeof(zero);
    z.next_out = chunk;
    z.avail_out = 1 << 16;
    deflate(&z, Z_FULL_FLUSH);
    clen = (1 << 16) - z.avail_out;
    z.next_out = tail;
    z.avail_out = 64;
    deflate(&z, Z_FINISH);
    tlen = 64 - z.avail_out;
    deflateEnd(&z);
    out = malloc(10 + clen * mib + tlen + 8);
    if (out == NULL)
        return NULL;
    memcpy(out, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    pos = 10;
    for (unsigned i = 0; i < mib; i++) {
        memcpy(out + pos, chunk, clen);
        pos += clen;
        crc = crc32_combine(crc, crc1, sizeof(zero));
    }
    memcpy(out + pos, tail, tlen);
    pos += tlen;
    for (int i = 0; i < 4; i++)
        out[pos++] = (unsigned char)(crc >> (8 * i));
    for (int i = 0; i < 4; i++)
        out[pos++] = (unsigned char)(((uint64_t)mib << 20) >> (8 * i));
    free(chunk);
    free(tail);
    *outlen = pos;
    return out;
}

TEST(gzip_bomb)
{
    dof_ctx *ctx = dof_ctx_new();
    size_t len, w0;
    unsigned char *bomb;
    time_t t0;
    long n;

    /* lowered guard (test hook): 64 MiB of zeros, stop past 4 MiB / 100x */
    bomb = gzip_bomb(64, &len);
    if (bomb == NULL) {
        ok(0, "gzip bomb built");
        return;
    }
    ok(len * 1000 < (64u << 20) * 2, "64 MiB bomb: %zu bytes compressed", len);
    w0 = dof_warning_count(ctx);
    n = drain(ctx, bomb, len, DOF_LOG_FMT_JSONFILE, 0, 4u << 20, 100, NULL,
              NULL);
    ok(n >= 0, "64 MiB bomb, lowered guard: no error status");
    ok(warned(ctx, w0, DOF_ERR_LIMIT, "c-json.log.1.gz", "bomb guard"),
       "64 MiB bomb, lowered guard: stopped with a warning naming the file");
    free(bomb);

    /* default guard (> 1 GiB and > 1000x): 1.25 GiB of zeros */
    bomb = gzip_bomb(1280, &len);
    if (bomb == NULL) {
        ok(0, "gzip bomb built");
        return;
    }
    w0 = dof_warning_count(ctx);
    t0 = time(NULL);
    n = drain(ctx, bomb, len, DOF_LOG_FMT_JSONFILE, 0, 0, 0, NULL, NULL);
    ok(n >= 0, "1.25 GiB bomb (%zu bytes, ratio %zu): no error status, %lds",
       len, ((size_t)1280 << 20) / len, (long)(time(NULL) - t0));
    ok(warned(ctx, w0, DOF_ERR_LIMIT, "c-json.log.1.gz", "bomb guard"),
       "1.25 GiB bomb, default guard: stopped with a warning naming the "
       "file");
    free(bomb);
    dof_ctx_free(ctx);
}

static int
count_cb(void *arg, const dof_dirent *de)
{
    (void)de;
    ++*(size_t *)arg;
    return 0;
}

/* Damaged inodes TSK 4.11 would spend minutes on (check-robust-full
 * mutants 3849, 7848): a directory claiming more than its blocks, a
 * symlink claiming more than PATH_MAX, an entry whose inode is garbage
 * read as a directory.  dof refuses each at once, naming the inode. */
TEST(damaged_inodes)
{
    char dir[] = "/tmp/dof-bounds-XXXXXX", cmd[17000], img[4200];
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    const dof_partition *v;
    dof_node node = 0;
    dof_stat st;
    uint64_t dino, lino;
    size_t n = 0;
    int rc;

    if (mkdtemp(dir) == NULL) {
        ok(0, "temporary directory");
        return;
    }
    snprintf(
        cmd, sizeof(cmd),
        "set -e; cd '%s'; mkdir -p tree/d; echo x > tree/d/f; "
        "echo y > tree/r; "
        "ln -s "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaa tree/l; "
        "PATH=$PATH:/sbin:/usr/sbin mke2fs -q -t ext4 -d tree -F "
        "img.raw 8M >/dev/null 2>&1",
        dir);
    if (system(cmd) != 0) {
        ok(0, "image built");
        goto done;
    }
    snprintf(img, sizeof(img), "%s/img.raw", dir);
    dino = ifind(img, "/d");
    lino = ifind(img, "/l");
    /* /d claims 6 MB (it holds one block); /l claims 100000 bytes */
    snprintf(cmd, sizeof(cmd),
             "PATH=$PATH:/sbin:/usr/sbin; "
             "debugfs -w -R 'sif /d size 6000000' '%s' >/dev/null 2>&1 && "
             "debugfs -w -R 'sif /l size 100000' '%s' >/dev/null 2>&1",
             img, img);
    if (dino == 0 || lino == 0 || system(cmd) != 0) {
        ok(0, "debugfs damages /d and /l");
        goto done;
    }
    if (dof_evidence_open(ctx, img, -1, &ev) != DOF_OK ||
        (v = dof_evidence_partition(ev, 0)) == NULL || v->fs == NULL) {
        ok(0, "damaged image opens: %s", dof_errmsg(ctx));
        goto done;
    }
    rc = dof_fs_resolve(v->fs, "/d/f", 0, &node);
    is_int(rc, DOF_ERR_FORMAT, "a path through the oversized directory");
    ok(strstr(dof_errmsg(ctx), "directory size 6000000 is more than the ") &&
           strstr(dof_errmsg(ctx), "bytes allocated to it (damaged inode)"),
       "the error names its size and allocation: %s", dof_errmsg(ctx));
    is_int(dof_fs_stat(v->fs, lino, &st), DOF_ERR_FORMAT,
           "stat of the 100000-byte symlink");
    ok(strstr(dof_errmsg(ctx), "symlink of 100000 bytes") != NULL,
       "the error says so: %s", dof_errmsg(ctx));
    /* a regular file read as a directory (a damaged entry's target) */
    is_int(dof_fs_readdir(v->fs, ifind(img, "/r"), 0, count_cb, &n),
           DOF_ERR_NOTFOUND, "a file's inode is not read as a directory");
    is_int(n, 0, "... and gives no entries");
done:
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

/* A log file whose inode claims 7.7 EB (robust mutant 3275 of
 * check-robust-full: dof read TSK's zero fill for minutes): the reader
 * stops at the filesystem's size and says why. */
TEST(log_huge_size)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    dof_log *log = NULL;
    const dof_log_record *r;
    const dof_container *c = NULL;
    char dir[] = "/tmp/dof-bounds-XXXXXX", img[4200], cmd[9000], lp[4096];
    size_t good = 0, nrec = 0, w0;
    int rc, named = 0;

    if (mkdtemp(dir) == NULL) {
        ok(0, "temp dir");
        return;
    }
    snprintf(img, sizeof(img), "%s/huge.raw", dir);
    snprintf(cmd, sizeof(cmd), "cp '%s/good.raw' '%s'", synth, img);
    if (system(cmd) != 0) {
        ok(0, "copy of the synth good image");
        goto done;
    }
    /* the first container with logs, and its record count, undamaged */
    lp[0] = '\0';
    if (dof_evidence_open(ctx, img, -1, &ev) == DOF_OK &&
        dof_host_open(ctx, ev, NULL, &host) == DOF_OK) {
        const dof_store *rt = dof_host_store(host, 0);
        for (size_t k = 0; rt && k < rt->ncontainers && !lp[0]; k++) {
            if (dof_log_open(ctx, &rt->containers[k], NULL, &log) != DOF_OK)
                continue;
            if (dof_log_file_count(log) == 1) {
                snprintf(lp, sizeof(lp), "%s", dof_log_file_path(log, 0));
                while (dof_log_next(log, &r) == 1)
                    good++;
            }
            dof_log_close(log);
            log = NULL;
        }
    }
    dof_host_close(host);
    dof_evidence_close(ev);
    host = NULL;
    ev = NULL;
    ok(lp[0] != '\0' && good > 0,
       "a container with one log file (%zu "
       "records): %s",
       good, lp);
    snprintf(cmd, sizeof(cmd),
             "PATH=$PATH:/sbin:/usr/sbin debugfs -w -R "
             "'sif %s size 7727996606301077596' '%s' >/dev/null 2>&1",
             lp, img);
    if (!lp[0] || system(cmd) != 0) {
        ok(0, "debugfs sets the log's size to 7.7 EB");
        goto done;
    }
    if (dof_evidence_open(ctx, img, -1, &ev) != DOF_OK ||
        dof_host_open(ctx, ev, NULL, &host) != DOF_OK) {
        ok(0, "damaged image opens: %s", dof_errmsg(ctx));
        goto done;
    }
    for (size_t k = 0; k < dof_host_store(host, 0)->ncontainers && !c; k++) {
        const dof_container *x = &dof_host_store(host, 0)->containers[k];
        if (dof_log_open(ctx, x, NULL, &log) != DOF_OK)
            continue;
        if (dof_log_file_count(log) == 1 &&
            strcmp(dof_log_file_path(log, 0), lp) == 0)
            c = x;
        else {
            dof_log_close(log);
            log = NULL;
        }
    }
    ok(c != NULL, "the damaged log is found");
    if (c == NULL)
        goto done;
    w0 = dof_warning_count(ctx);
    while ((rc = dof_log_next(log, &r)) == 1)
        nrec++;
    is_int(rc, 0, "the reader ends (does not read 7.7 EB of zeros)");
    is_int(nrec, good, "the records before the zero fill are all there");
    for (size_t i = w0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if (w->path && strcmp(w->path, lp) == 0 &&
            strstr(w->message, "larger than its filesystem"))
            named = 1;
    }
    if (!named) /* the warning comes at open time */
        for (size_t i = 0; i < dof_warning_count(ctx); i++) {
            const dof_warning *w = dof_warning_get(ctx, i);
            if (w->path && strcmp(w->path, lp) == 0 &&
                strstr(w->message, "larger than its filesystem"))
                named = 1;
        }
    ok(named, "a warning names the log and its impossible size");
done:
    dof_log_close(log);
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

static int
setup(void)
{
    srcdir = getenv("DOF_SRCDIR");
    builddir = getenv("DOF_BUILDDIR");
    if (srcdir == NULL)
        srcdir = "..";
    if (builddir == NULL)
        builddir = ".";
    find_synth();
    return 0;
}

TAP_MAIN(setup, NULL)
