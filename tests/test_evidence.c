/*
 * test_evidence.c - opening images: GPT, bare fs, -o offset, split raw,
 * E01, VMDK, VHD, qcow2 refused, LVM2/XFS partitions noted, truncated
 * image, directory.  Fixtures: tests/ev_mkimg.sh; expected offsets come
 * from sgdisk and the hashes from md5sum/sha1sum.
 */
#include "private.h"
#include "tap.h"

#include <stdlib.h>

static char fix[512];
static char *truth;

static const char *
T(const char *key)
{
    static char val[256];
    size_t kl = strlen(key);
    for (const char *p = truth; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl =
                ll - kl - 1 < sizeof(val) - 1 ? ll - kl - 1 : sizeof(val) - 1;
            memcpy(val, p + kl + 1, vl);
            val[vl] = '\0';
            return val;
        }
        p = nl ? nl + 1 : p + ll;
    }
    return "";
}

static uint64_t
TU(const char *key)
{
    return strtoull(T(key), NULL, 10);
}

static const char *
F(const char *name)
{
    static char p[4][700];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof(p[i]), "%s/%s", fix, name);
    return p[i];
}

/* The marker file on a volume's fs, or 0 on any failure. */
static int
marker_ok(const dof_volume *v)
{
    dof_node n;
    char *s = NULL;
    size_t len;
    int good;

    if (v == NULL || v->fs == NULL)
        return 0;
    if (dof_fs_resolve(v->fs, "/marker.txt", 1, &n) != DOF_OK)
        return 0;
    if (dof_fs_read_all(v->fs, n, 100, &s, &len) != DOF_OK)
        return 0;
    good = strcmp(s, "evidence-ok\n") == 0;
    free(s);
    return good;
}

static const dof_volume *
vol_at(const dof_evidence *ev, uint64_t off)
{
    for (size_t i = 0; i < dof_evidence_volume_count(ev); i++)
        if (dof_evidence_volume(ev, i)->offset_bytes == off)
            return dof_evidence_volume(ev, i);
    return NULL;
}

/* The GPT layout, whatever container it comes in. */
static void
check_gpt(dof_ctx *ctx, const char *file, const char *format)
{
    dof_evidence *ev = NULL;
    const dof_volume *v;
    int rc = dof_evidence_open(ctx, F(file), -1, &ev);

    is_int(rc, DOF_OK, "%s: opens (%s)", file, dof_errmsg(ctx));
    if (ev == NULL)
        return;
    is_str(dof_evidence_format(ev), format, "%s: format", file);
    is_str(dof_evidence_vs_type(ev), "gpt", "%s: vs type", file);
    ok(dof_evidence_size(ev) >= TU("size"), "%s: size %llu", file,
       (unsigned long long)dof_evidence_size(ev));
    is_int(dof_evidence_volume_count(ev), 4, "%s: 4 partitions", file);
    v = vol_at(ev, TU("p1"));
    ok(v && v->fs && strcmp(v->signature, "ext4") == 0 && v->note == NULL,
       "%s: p1 ext4 at %s", file, T("p1"));
    ok(v && strcmp(v->desc, "rootfs") == 0, "%s: p1 name", file);
    ok(marker_ok(v), "%s: marker readable through p1", file);
    v = vol_at(ev, TU("p2"));
    ok(v && !v->fs && strcmp(v->signature, "lvm2") == 0 && v->note &&
           strstr(v->note, "LVM2"),
       "%s: p2 LVM2 noted (%s)", file, v && v->note ? v->note : "-");
    v = vol_at(ev, TU("p3"));
    ok(v && !v->fs && strcmp(v->signature, "xfs") == 0 && v->note &&
           strstr(v->note, "XFS"),
       "%s: p3 XFS noted (%s)", file, v && v->note ? v->note : "-");
    v = vol_at(ev, TU("p4"));
    ok(v && !v->fs && strcmp(v->signature, "unknown") == 0 && v->note,
       "%s: p4 empty noted", file);
    if (strcmp(format, "ewf") == 0) {
        is_str(dof_evidence_stored_md5(ev), T("md5"), "%s: stored md5", file);
    }
    else {
        ok(dof_evidence_stored_md5(ev) == NULL, "%s: no stored md5", file);
    }
    dof_evidence_close(ev);
}

static void
test_more(dof_ctx *ctx)
{
    dof_evidence *ev = NULL, *ev2 = NULL;
    int rc;

    /* bare filesystem */
    is_int(dof_evidence_open(ctx, F("fs.raw"), -1, &ev), DOF_OK, "bare fs");
    if (ev) {
        is_str(dof_evidence_vs_type(ev), "none", "bare: no volume system");
        is_int(dof_evidence_volume_count(ev), 1, "bare: one volume");
        ok(dof_evidence_volume(ev, 0)->offset_bytes == 0, "bare: at 0");
        is_str(dof_evidence_volume(ev, 0)->signature, "ext4", "bare: ext4");
        ok(marker_ok(dof_evidence_volume(ev, 0)), "bare: marker");
    }
    dof_evidence_close(ev);
    ev = NULL;

    /* -o offset */
    is_int(
        dof_evidence_open(ctx, F("gpt.raw"), (int64_t)TU("p1_sectors"), &ev),
        DOF_OK, "offset open");
    if (ev) {
        is_int(dof_evidence_volume_count(ev), 1, "offset: one volume");
        ok(dof_evidence_volume(ev, 0)->offset_bytes == TU("p1"),
           "offset: in bytes");
        ok(marker_ok(dof_evidence_volume(ev, 0)), "offset: marker");
    }
    dof_evidence_close(ev);
    ev = NULL;
    rc = dof_evidence_open(ctx, F("gpt.raw"), 10, &ev);
    is_int(rc, DOF_OK, "offset without a filesystem still opens");
    ok(ev && dof_evidence_volume(ev, 0)->fs == NULL &&
           dof_evidence_volume(ev, 0)->note != NULL,
       "offset without fs: noted");
    dof_evidence_close(ev);
    ev = NULL;

    /* qcow2 refused, missing file, not an image */
    rc = dof_evidence_open(ctx, F("gpt.qcow2"), -1, &ev);
    is_int(rc, DOF_ERR_UNSUPPORTED, "qcow2 refused");
    ok(ev == NULL && strstr(dof_errmsg(ctx), "qcow2") &&
           strstr(dof_errmsg(ctx), "qemu-img"),
       "qcow2 message: %s", dof_errmsg(ctx));
    rc = dof_evidence_open(ctx, F("no-such.raw"), -1, &ev);
    is_int(rc, DOF_ERR_EVIDENCE, "missing file");
    ok(strstr(dof_errmsg(ctx), "no-such.raw") &&
           strstr(dof_errmsg(ctx), "No such file"),
       "missing: message names path and reason: %s", dof_errmsg(ctx));

    /* truncated: no crash; an error or warnings */
    {
        size_t w0 = dof_warning_count(ctx);
        rc = dof_evidence_open(ctx, F("trunc.raw"), -1, &ev);
        ok(rc == DOF_OK || rc == DOF_ERR_EVIDENCE,
           "truncated: opens or fails cleanly (%d %s)", rc, dof_errmsg(ctx));
        if (ev) {
            const dof_volume *v1 = vol_at(ev, TU("p1"));
            ok(v1 && strcmp(v1->signature, "ext4") == 0,
               "truncated: p1 found from the primary GPT");
            for (size_t i = 0; i < dof_evidence_volume_count(ev); i++) {
                const dof_volume *v = dof_evidence_volume(ev, i);
                dof_node n;
                char *s = NULL;
                size_t len;
                if (v->fs == NULL)
                    continue;
                if (dof_fs_resolve(v->fs, "/random.bin", 1, &n) == DOF_OK)
                    dof_fs_read_all(v->fs, n, 4u << 20, &s, &len);
                free(s);
            }
            ok(dof_warning_count(ctx) > w0,
               "truncated: warned (%zu warnings: %s)",
               dof_warning_count(ctx) - w0,
               dof_warning_count(ctx) > w0 ? dof_warning_get(ctx, w0)->message
                                           : "none");
        }
        dof_evidence_close(ev);
        ev = NULL;
    }

    /* directory */
    is_int(dof_evidence_open(ctx, F("tree"), -1, &ev), DOF_OK, "directory");
    if (ev) {
        is_str(dof_evidence_format(ev), "dir", "dir: format");
        is_str(dof_evidence_volume(ev, 0)->signature, "dir", "dir: sig");
        ok(marker_ok(dof_evidence_volume(ev, 0)), "dir: marker");
    }
    dof_evidence_close(ev);
    ev = NULL;

    /* two evidence items open at once */
    dof_evidence_open(ctx, F("gpt.raw"), -1, &ev);
    dof_evidence_open(ctx, F("e01.E01"), -1, &ev2);
    ok(ev && ev2 && marker_ok(vol_at(ev, TU("p1"))) &&
           marker_ok(vol_at(ev2, TU("p1"))) && marker_ok(vol_at(ev, TU("p1"))),
       "two evidence items side by side");
    if (ev2)
        is_str(dof_evidence_stored_sha1(ev2), T("sha1"),
               "e01: stored sha1 (ewfacquire -d sha1)");
    dof_evidence_close(ev);
    dof_evidence_close(ev2);
}

int
main(void)
{
    const char *src = getenv("DOF_SRCDIR");
    char cmd[2048];
    dof_ctx *ctx = dof_ctx_new();
    FILE *f;
    long sz;

    if (system("command -v sgdisk >/dev/null && command -v ewfacquire "
               ">/dev/null && command -v qemu-img >/dev/null") != 0)
        skip_all("sgdisk, ewfacquire or qemu-img missing");
    snprintf(fix, sizeof(fix), "%s/dof-test-ev.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(fix) == NULL)
        skip_all("mkdtemp failed");
    snprintf(cmd, sizeof(cmd), "sh '%s/tests/ev_mkimg.sh' '%s' >/dev/null",
             src ? src : ".", fix);
    if (system(cmd) != 0) {
        ok(0, "fixture script ev_mkimg.sh failed");
        return tap_done();
    }
    f = fopen(F("truth"), "rb");
    if (f == NULL) {
        ok(0, "truth file");
        return tap_done();
    }
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    rewind(f);
    truth = calloc(1, (size_t)sz + 1);
    if (fread(truth, 1, (size_t)sz, f) != (size_t)sz)
        truth[0] = '\0';
    fclose(f);
    ok(TU("e01_segments") >= 2, "fixture: E01 has %s segments",
       T("e01_segments"));

    check_gpt(ctx, "gpt.raw", "raw");
    check_gpt(ctx, "split.001", "split");
    check_gpt(ctx, "e01.E01", "ewf");
    check_gpt(ctx, "gpt.vmdk", "vmdk");
    check_gpt(ctx, "gpt.vhd", "vhd");
    test_more(ctx);

    dof_ctx_free(ctx);
    free(truth);
    if (!getenv("DOF_KEEP_FIXTURES")) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fix);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", fix);
    }
    return tap_done();
}
