/*
 * test_verify.c - verify-image: CRC-64/ISO, base64, the tar-split reader
 * on a fixture written by Python's tarfile (PAX long name, symlink, hard
 * link, device, dir), and dof_verify_image on synthetic hosts: `good`
 * passes, `altered-image-layer` names app/app.py only, and copies of
 * `good` tampered with debugfs (a planted file, a changed mode, a
 * removed file, a changed byte of same size) are named as such.
 */
#include "view/verify_private.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

/* Generated with Python tarfile (PAX_FORMAT) as tar-split lays it out:
 * etc/ (0755, 1683356889), etc/hello.txt (0640, 1000:50, "hello\n"),
 * d/ + 150 x 'n' (0600, 700 bytes), link -> /etc/hello.txt, hard ->
 * ./etc/hello.txt, dev/null (char 1:3). */
static const char fixture[] =
    "{\"type\": 2, \"payload\": \"Li9ldGMvAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAADAwMDA3NTUAMDAwMDAwMAAwMDAwMDAwADAwMDAwMDAwMDAwA"
    "DE0NDI1Mzc2MzMxADAwNjcyNAAgNQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAA=\", \"position\": 0}\n"
    "{\"type\": 1, \"name\": \"./etc/\", \"payload\": null, \"position\": 1"
    "}\n"
    "{\"type\": 2, \"payload\": \"ZXRjL2hlbGxvLnR4dAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAADAwMDA2NDAAMDAwMTc1MAAwMDAwMDYyADAwMDAwMDAwMDA2A"
    "DE0NDI1Mzc2MzMyADAxMDQ1MQAgMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAA=\", \"position\": 2}\n"
    "{\"type\": 1, \"name\": \"etc/hello.txt\", \"payload\": \"YUw+7uLYEAA="
    "\", \"position\": 3, \"size\": 6}\n"
    "{\"type\": 2, \"payload\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAuLy4vQFBheEhlYWRlcgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMDA"
    "wMDAwMAAwMDAwMDAwADAwMDAwMDAAMDAwMDAwMDAyNDIAMDAwMDAwMDAwMDAAMDEwMjEzA"
    "CB4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAHVzd"
    "GFyADAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADE2MiBwYXRoPWQ"
    "vbm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ub"
    "m5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5"
    "ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5uCgAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAZC9ubm5ubm5ubm5ubm5ubm5ubm5ubm5"
    "ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ub"
    "m5ubm5ubm5ubm5ubm5ubm5ubm5ubm5ubjAwMDA2MDAAMDAwMDAwMAAwMDAwMDAwADAwMDA"
    "wMDAxMjc0ADE0NDI1Mzc2MzMzADAzMzI3MwAgMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAA=\", \"position\": 4}\n"
    "{\"type\": 1, \"name\": \"d/nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\", \"payload\": \"o2xeH+32uEM=\""
    ", \"position\": 5, \"size\": 700}\n"
    "{\"type\": 2, \"payload\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAbGluawAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAwMDA3NzcAMDAwMDAwMAAwMDAwMDAwADAwM"
    "DAwMDAwMDAwADAwMDAwMDAwMDA1ADAxMTMyNQAgMi9ldGMvaGVsbG8udHh0AAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAA=\", \"position\": 6}\n"
    "{\"type\": 1, \"name\": \"link\", \"payload\": null, \"position\": 7}\n"
    "{\"type\": 2, \"payload\": \"aGFyZAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAADAwMDA2NDAAMDAwMDAwMAAwMDAwMDAwADAwMDAwMDAwMDAwA"
    "DAwMDAwMDAwMDA2ADAxMTM1MQAgMS4vZXRjL2hlbGxvLnR4dAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAA=\", \"position\": 8}\n"
    "{\"type\": 1, \"name\": \"hard\", \"payload\": null, \"position\": 9}\n"
    "{\"type\": 2, \"payload\": \"ZGV2L251bGwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAADAwMDA2NjYAMDAwMDAwMAAwMDAwMDAwADAwMDAwMDAwMDAwA"
    "DAwMDAwMDAwMDA3ADAxMDY3MAAgMwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAB1c3RhcgAwMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwMDAwMDAxADAwMDAwMDMAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAA=\", \"position\": 10}\n"
    "{\"type\": 1, \"name\": \"dev/null\", \"payload\": null, \"position\":"
    " 11}\n"
    "{\"type\": 2, \"payload\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\","
    " \"position\": 12}\n";

static dof_tarent *
find(dof_tarsplit *ts, const char *name)
{
    for (size_t i = 0; i < ts->nents; i++)
        if (strcmp(ts->ents[i]->name, name) == 0)
            return ts->ents[i];
    return NULL;
}

TEST(units)
{
    unsigned char out[16];
    dof_tarsplit ts;
    dof_tarent *e;
    char longname[160];

    /* CRC-64/GO-ISO check value */
    ok(dof_verify_crc64(0, "123456789", 9) == 0xb90956c775a41001ull,
       "crc64 ISO check value");
    ok(dof_verify_crc64(dof_verify_crc64(0, "1234", 4), "56789", 5) ==
           0xb90956c775a41001ull,
       "crc64 continues");
    is_int(dof_base64_decode("aGVsbG8=", 8, out, sizeof(out)), 5,
           "base64 length");
    ok(memcmp(out, "hello", 5) == 0, "base64 bytes");
    is_int(dof_base64_decode("a$==", 4, out, sizeof(out)), -1,
           "base64 garbage refused");

    is_int(dof_tarsplit_init(&ts, NULL, "fixture"), DOF_OK, "init");
    is_int(dof_tarsplit_parse(&ts, fixture, sizeof(fixture) - 1), DOF_OK,
           "fixture parses");
    is_int(ts.nents, 6, "six members");
    ok(ts.ended, "end of archive seen");
    e = find(&ts, "etc");
    ok(e && e->type == '5' && e->mode == 0755 && e->mtime == 1683356889,
       "etc/: dir, 0755, mtime (\"./\" and trailing / normalised)");
    e = find(&ts, "etc/hello.txt");
    ok(e && e->type == '0' && e->mode == 0640 && e->uid == 1000 &&
           e->gid == 50 && e->size == 6,
       "hello.txt header fields");
    ok(e && e->has_crc && e->crc == dof_verify_crc64(0, "hello\n", 6),
       "hello.txt CRC from the file entry");
    memcpy(longname, "d/", 2);
    memset(longname + 2, 'n', 150);
    longname[152] = '\0';
    e = find(&ts, longname);
    ok(e && e->size == 700 && e->mode == 0600, "PAX long name and size");
    e = find(&ts, "link");
    ok(e && e->type == '2' && e->link &&
           strcmp(e->link, "/etc/hello.txt") == 0,
       "symlink target kept as is");
    e = find(&ts, "hard");
    ok(e && e->type == '1' && e->link && strcmp(e->link, "etc/hello.txt") == 0,
       "hard link target normalised");
    e = find(&ts, "dev/null");
    ok(e && e->type == '3' && e->devmajor == 1 && e->devminor == 3,
       "char device numbers");
    dof_tarsplit_free(&ts);

    /* damage: a header with a bad checksum, a bad line, an orphan file
     * entry */
    dof_tarsplit_init(&ts, NULL, "bad");
    {
        char *bad = strdup(fixture);
        char *p = strstr(bad, "Li9ldGMv"); /* "./etc/" */
        p[0] = 'M';                        /* changes the name bytes */
        ok(dof_tarsplit_parse(&ts, bad, strlen(bad)) == DOF_ERR_FORMAT &&
               ts.damaged,
           "bad header checksum detected");
        free(bad);
    }
    dof_tarsplit_free(&ts);
    dof_tarsplit_init(&ts, NULL, "bad");
    ok(dof_tarsplit_parse(&ts, "{\"type\": 1, \"name\": \"x\"}\n", 26) ==
           DOF_ERR_FORMAT,
       "a file entry without a header is refused");
    dof_tarsplit_free(&ts);
    dof_tarsplit_init(&ts, NULL, "bad");
    ok(dof_tarsplit_parse(&ts, "not json\n", 9) == DOF_ERR_FORMAT,
       "a line that is not JSON is refused");
    dof_tarsplit_free(&ts);
}

/* ---- integration on synthetic hosts ---- */

static char tmpdir[256];

#define sh(...)                                                               \
    ({                                                                        \
        char cmd_[4096];                                                      \
        snprintf(cmd_, sizeof(cmd_), __VA_ARGS__);                            \
        system(cmd_);                                                         \
    })

/* Verify local/app:1.0 of IMG; *res owned by the caller. */
static int
verify(const char *img, dof_ctx **ctxp, dof_evidence **evp, dof_host **hp,
       dof_verify_result **res)
{
    const dof_image *im = NULL;
    *ctxp = dof_ctx_new();
    if (dof_evidence_open(*ctxp, img, -1, evp) != DOF_OK ||
        dof_host_open(*ctxp, *evp, NULL, hp) != DOF_OK ||
        dof_host_find_image(*ctxp, *hp, "local/app:1.0", &im) != DOF_OK)
        return -1;
    return dof_verify_image(*ctxp, im, DOF_VERIFY_CONTENT, res);
}

static void
closeall(dof_ctx *ctx, dof_evidence *ev, dof_host *h, dof_verify_result *r)
{
    dof_verify_result_free(r);
    dof_host_close(h);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
}

/* The one mismatch of field f, or NULL; *n = all mismatches. */
static const dof_verify_mismatch *
only(const dof_verify_result *r, size_t *layer, size_t *n)
{
    const dof_verify_mismatch *m = NULL;
    *n = 0;
    for (size_t i = 0; i < r->nlayers; i++)
        for (size_t k = 0; k < r->layers[i].nmismatches; k++) {
            m = &r->layers[i].mismatches[k];
            *layer = i;
            (*n)++;
        }
    return m;
}

static void
tamper_case(const char *label, const char *cmds, size_t want_layer,
            const char *want_path, const char *want_field,
            const char *want_tar, const char *want_disk)
{
    char img[512], cf[512];
    dof_ctx *ctx;
    dof_evidence *ev = NULL;
    dof_host *h = NULL;
    dof_verify_result *r = NULL;
    const dof_verify_mismatch *m;
    size_t layer = 99, n = 0;
    FILE *f;

    snprintf(img, sizeof(img), "%s/%s.raw", tmpdir, label);
    snprintf(cf, sizeof(cf), "%s/%s.cmds", tmpdir, label);
    f = fopen(cf, "w");
    fputs(cmds, f);
    fclose(f);
    if (sh("cp %s/synth/good.raw %s", tmpdir, img) != 0 ||
        sh("debugfs -w -f %s %s >/dev/null 2>&1", cf, img) != 0) {
        ok(0, "%s: image prepared", label);
        return;
    }
    if (verify(img, &ctx, &ev, &h, &r) != DOF_OK) {
        ok(0, "%s: verify ran: %s", label, dof_errmsg(ctx));
        closeall(ctx, ev, h, r);
        return;
    }
    m = only(r, &layer, &n);
    is_int(n, 1, "%s: exactly one finding", label);
    ok(m && layer == want_layer && strcmp(m->path, want_path) == 0 &&
           strcmp(m->field, want_field) == 0,
       "%s: layer %zu %s %s", label, want_layer, want_path, want_field);
    if (m && m->field && n == 1) {
        if (want_tar == NULL || strcmp(want_tar, "*") != 0)
            is_str(m->tar, want_tar, "%s: tar value", label);
        is_str(m->disk, want_disk, "%s: disk value", label);
    }
    closeall(ctx, ev, h, r);
}

static void
test_synth(void)
{
    const char *src = getenv("DOF_SRCDIR");
    char img[512];
    dof_ctx *ctx;
    dof_evidence *ev = NULL;
    dof_host *h = NULL;
    dof_verify_result *r = NULL;
    const dof_verify_mismatch *m;
    size_t layer = 99, n = 0;
    uint64_t content = 0;
    char l0[600], l1[600], l2[600], cmds[4096];
    FILE *p;

    if (src == NULL)
        src = "..";
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/dof-verify-XXXXXX");
    if (mkdtemp(tmpdir) == NULL ||
        sh("sh %s/images/synth/make-synth.sh %s/synth good "
           "altered-image-layer >/dev/null 2>&1",
           src, tmpdir) != 0) {
        ok(0, "make-synth.sh good altered-image-layer");
        return;
    }
    snprintf(img, sizeof(img), "%s/synth/good.raw", tmpdir);
    is_int(verify(img, &ctx, &ev, &h, &r), DOF_OK, "good: verify runs");
    if (r) {
        ok(r->config_sha256_ok, "good: config sha256 is the id");
        is_int(r->nlayers, 3, "good: three layers");
        for (size_t i = 0; i < r->nlayers; i++) {
            ok(r->layers[i].chain_ok &&
                   r->layers[i].tar_split == DOF_VERIFY_TS_CHECKED &&
                   r->layers[i].files_checked > 0,
               "good: layer %zu chain ok, tar-split checked (%llu)", i,
               (unsigned long long)r->layers[i].files_checked);
            content += r->layers[i].content_checked;
        }
        ok(content > 0, "good: contents CRC-checked (%llu)",
           (unsigned long long)content);
        is_int(r->nfindings, 0, "good: no finding");
    }
    closeall(ctx, ev, h, r);

    snprintf(img, sizeof(img), "%s/synth/altered-image-layer.raw", tmpdir);
    r = NULL;
    is_int(verify(img, &ctx, &ev, &h, &r), DOF_OK, "altered: verify runs");
    m = r ? only(r, &layer, &n) : NULL;
    ok(r && r->nfindings > 0, "altered: findings");
    ok(m && n == 1 && layer == 1 && strcmp(m->path, "app/app.py") == 0,
       "altered: names app/app.py in layer 1 and nothing else (%zu)", n);
    closeall(ctx, ev, h, r);

    /* the layer directories, from the image itself (debugfs) */
    snprintf(cmds, sizeof(cmds),
             "for c in $(debugfs -R 'ls -p "
             "/var/lib/docker/image/overlay2/layerdb/sha256' %s/synth/"
             "good.raw 2>/dev/null | awk -F/ 'length($6) == 64 "
             "{print $6}'); do echo $(debugfs -R \"cat "
             "/var/lib/docker/image/overlay2/layerdb/sha256/$c/cache-id\" "
             "%s/synth/good.raw 2>/dev/null) $(debugfs -R \"cat "
             "/var/lib/docker/image/overlay2/layerdb/sha256/$c/diff\" "
             "%s/synth/good.raw 2>/dev/null); done",
             tmpdir, tmpdir, tmpdir);
    p = popen(cmds, "r");
    l0[0] = l1[0] = l2[0] = '\0';
    {
        /* diff_ids of local/app:1.0, base first (the expect file) */
        static const char *const diffs[3] = {
            "sha256:90f375a619a5f9c0f748159ce74ac23c4e7fc45657959db9ff989d05c5"
            "c39b3d",
            "sha256:7b0f1bc643ec8cc53f325f56d9af320d2d97f23d6956bd37cd5d68779"
            "332f338",
            "sha256:f8760dee636dafb0dce5b49146ec05ee22d9dc15bb9830f7eb7922ae4"
            "91feef9"};
        char line[512], cache[128], diff[128];
        while (p && fgets(line, sizeof(line), p))
            if (sscanf(line, "%127s %127s", cache, diff) == 2)
                for (int i = 0; i < 3; i++)
                    if (strcmp(diff, diffs[i]) == 0)
                        snprintf(i == 0   ? l0
                                 : i == 1 ? l1
                                          : l2,
                                 600, "/var/lib/docker/overlay2/%s/diff",
                                 cache);
    }
    if (p)
        pclose(p);
    ok(l0[0] && l1[0] && l2[0], "layer diff dirs found with debugfs");
    if (!(l0[0] && l1[0] && l2[0]))
        return;
    snprintf(cmds, sizeof(cmds), "cd %s\nwrite /etc/hostname planted.sh\n",
             l2);
    tamper_case("planted", cmds, 2, "planted.sh", "planted", NULL, "file");
    snprintf(cmds, sizeof(cmds), "sif %s/etc/os-release mode 0100600\n", l0);
    tamper_case("mode", cmds, 0, "etc/os-release", "mode", "0644", "0600");
    snprintf(cmds, sizeof(cmds), "sif %s/etc/os-release uid 4242\n", l0);
    tamper_case("uid", cmds, 0, "etc/os-release", "uid", "0", "4242");
    snprintf(cmds, sizeof(cmds),
             "sif %s/etc/os-release mtime 20200101000000\n", l0);
    tamper_case("mtime", cmds, 0, "etc/os-release", "mtime", "*",
                "1577836800");
    snprintf(cmds, sizeof(cmds), "rm %s/etc/os-release\n", l0);
    tamper_case("removed", cmds, 0, "etc/os-release", "removed", "file", NULL);
}

TEST(synth)
{
    if (system("command -v debugfs >/dev/null 2>&1") != 0)
        ok(1, "# SKIP debugfs is not installed: no synthetic hosts");
    else {
        test_synth();
        if (tmpdir[0])
            sh("rm -rf %s", tmpdir);
    }
}

TAP_MAIN(NULL, NULL)
