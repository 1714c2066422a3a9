/*
 * test_lvm.c - LVM2 logical volumes as volumes: a GPT disk whose VG the
 * real LVM tools wrote (tests/unit/lvm_mkimg.sh, needs root and lvm2).
 * Expected layout from `pvs`/`lvs -o +seg_pe_ranges,seg_start_pe,...` and
 * `vgs -o vg_seqno` run against the image, file contents from the files
 * put into the LVs (sha256sum); the tools also read the wrapped ring
 * buffer (wrap.raw), refuse the damaged text (badtext.raw) and show the
 * snapshot vgcfgrestore wrote (snap.raw).
 */
#include "base/base_private.h"
#include "evidence/evidence_lvm.h"
#include "tap.h"

#include <stdlib.h>

static char fix[512];
static char *truth, *files;
static dof_ctx *tctx;

static const char *
T(const char *key)
{
    return tap_truth(truth, key);
}

static uint64_t
TU(const char *key)
{
    return strtoull(T(key), NULL, 10);
}

static const char *
F(const char *name)
{
    return tap_path(fix, name);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long sz;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    rewind(f);
    b = calloc(1, (size_t)sz + 1);
    if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz)
        b[0] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)sz;
    return b;
}

static dof_evidence *
open_vol(const char *file, const char *volume)
{
    dof_evidence_opts o;
    dof_evidence *ev = NULL;

    dof_evidence_opts_init(&o);
    o.volume = volume;
    if (dof_evidence_open_opts(tctx, F(file), &o, &ev) != DOF_OK)
        return NULL;
    return ev;
}

/* "p2:3-4@0" -> address, first, last, lv start */
static int
seg_truth(const char *lv, size_t k, char *addr, uint64_t *first,
          uint64_t *last, uint64_t *lvstart)
{
    char key[64];
    unsigned long long a, b, c;
    snprintf(key, sizeof(key), "%s_seg%zu", lv, k + 1);
    return sscanf(T(key), "%7[^:]:%llu-%llu@%llu", addr, &a, &b, &c) == 4 &&
           (*first = a, *last = b, *lvstart = c, 1);
}

static void
check_lv(dof_evidence *ev, const char *lv)
{
    char address[64], key[64];
    const dof_partition *v;
    uint64_t ext = TU("extent");

    snprintf(address, sizeof(address), "p2/lvm:vgdof/%s", lv);
    v = dof_evidence_partition_find(ev, address);
    ok(v != NULL && v->lvm != NULL, "%s listed", address);
    if (v == NULL || v->lvm == NULL)
        return;
    snprintf(key, sizeof(key), "%s_size", lv);
    is_int((long long)v->length_bytes, (long long)TU(key), "%s: size as lvs",
           lv);
    is_str(v->lvm->vg, "vgdof", "%s: VG", lv);
    is_str(v->lvm->lv, lv, "%s: LV name", lv);
    snprintf(key, sizeof(key), "%s_type", lv);
    is_str(v->lvm->type, T(key), "%s: type as lvs segtype", lv);
    is_int((long long)v->lvm->extent_size_bytes, (long long)ext,
           "%s: extent size", lv);
    snprintf(key, sizeof(key), "%s_nsegs", lv);
    is_int((long long)v->lvm->nsegments, (long long)TU(key),
           "%s: segments as lvs", lv);
    for (size_t k = 0; k < v->lvm->nsegments; k++) {
        const dof_lvm_segment *s = &v->lvm->segments[k];
        char addr[8], pk[32];
        uint64_t first, last, lvstart;
        if (!seg_truth(lv, k, addr, &first, &last, &lvstart)) {
            ok(0, "%s: segment %zu in the truth", lv, k + 1);
            continue;
        }
        snprintf(pk, sizeof(pk), "pe_start_%s", addr);
        ok(s->pv_address && strcmp(s->pv_address, addr) == 0 &&
               s->pv_start_extent == first &&
               s->extent_count == (last - first + 1) * s->stripes &&
               s->start_extent == lvstart,
           "%s: segment %zu is %s:%llu-%llu at LV extent %llu (dof %s:%llu "
           "+%llu at %llu)",
           lv, k + 1, addr, (unsigned long long)first,
           (unsigned long long)last, (unsigned long long)lvstart,
           s->pv_address ? s->pv_address : "-",
           (unsigned long long)s->pv_start_extent,
           (unsigned long long)s->extent_count,
           (unsigned long long)s->start_extent);
        is_int((long long)s->offset_bytes,
               (long long)(TU(addr) + TU(pk) + first * ext),
               "%s: segment %zu image offset = partition + pe_start + "
               "extent",
               lv, k + 1);
    }
    is_int((long long)v->lvm->seqno, (long long)TU("seqno"),
           "%s: metadata seqno as vgs", lv);
}

TEST(layout_as_lvs)
{
    dof_evidence *ev = open_vol("lvm.raw", NULL);
    const dof_partition *v;

    ok(ev != NULL, "lvm.raw opens (%s)", dof_errmsg(tctx));
    if (ev == NULL)
        return;
    check_lv(ev, "root");
    check_lv(ev, "data");
    check_lv(ev, "striped");
    v = dof_evidence_partition_find(ev, "p2/lvm:vgdof/root");
    ok(v && v->fs && v->lvm->readable, "root: linear, opened (%s)",
       v ? v->signature : "-");
    v = dof_evidence_partition_find(ev, "p2/lvm:vgdof/striped");
    ok(v && !v->fs && !v->lvm->readable && v->note &&
           strstr(v->note, "not supported"),
       "striped: listed, not supported (%s)", v && v->note ? v->note : "-");
    for (int i = 2; i <= 3; i++) {
        char a[4];
        snprintf(a, sizeof(a), "p%d", i);
        v = dof_evidence_partition_find(ev, a);
        ok(v && strcmp(v->signature, "lvm2") == 0 && v->note &&
               strstr(v->note, "VG vgdof"),
           "%s: PV of VG vgdof (%s)", a, v && v->note ? v->note : "-");
    }
    v = dof_evidence_partition_find(ev, "p1");
    ok(v && v->fs, "p1 /boot still read");
    dof_evidence_close(ev);
}

TEST(older_seqnos)
{
    dof_evidence *ev = open_vol("lvm.raw", NULL);
    const dof_partition *v =
        ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/data") : NULL;
    int desc = 1;

    ok(v && v->lvm, "data listed");
    if (v && v->lvm) {
        /* every command wrote seqno+1; the 1 MiB ring still holds all */
        is_int((long long)v->lvm->nolder_seqnos, (long long)TU("seqno") - 1,
               "older texts 1..seqno-1 still in the buffer");
        for (size_t i = 0; i + 1 < v->lvm->nolder_seqnos; i++)
            desc &= v->lvm->older_seqnos[i] > v->lvm->older_seqnos[i + 1];
        ok(desc && v->lvm->nolder_seqnos > 0 &&
               v->lvm->older_seqnos[0] == TU("seqno") - 1,
           "newest first");
    }
    dof_evidence_close(ev);
}

/* Every file put into an LV reads back with its sha256. */
static void
check_files(const char *file)
{
    dof_evidence *ev = open_vol(file, NULL);
    char *save = NULL, *copy = strdup(files ? files : "");

    ok(ev != NULL, "%s opens", file);
    for (char *line = strtok_r(copy, "\n", &save); ev && line;
         line = strtok_r(NULL, "\n", &save)) {
        char lv[32], path[256], want[65], got[65] = "", address[64];
        const dof_partition *v;
        dof_node n;
        char *data = NULL;
        size_t len = 0;

        if (sscanf(line, "%31s %255s %64s", lv, path, want) != 3)
            continue;
        snprintf(address, sizeof(address), "p2/lvm:vgdof/%s", lv);
        v = dof_evidence_partition_find(ev, address);
        if (v && v->fs && dof_fs_resolve(v->fs, path, 1, &n) == DOF_OK &&
            dof_fs_read_all(v->fs, n, 64u << 20, &data, &len) == DOF_OK)
            dof_sha256_hex(data, len, got);
        is_str(got, want, "%s: %s %s (%zu bytes)", file, address, path, len);
        free(data);
    }
    free(copy);
    dof_evidence_close(ev);
}

TEST(files_through_segments)
{
    check_files("lvm.raw");
}

TEST(volume_option)
{
    dof_evidence *ev = open_vol("lvm.raw", "p2/lvm:vgdof/data");

    ok(ev && dof_evidence_partition_count(ev) == 1 &&
           dof_evidence_partition(ev, 0)->fs &&
           strcmp(dof_evidence_partition(ev, 0)->address,
                  "p2/lvm:vgdof/data") == 0,
       "--volume p2/lvm:vgdof/data: only that LV, opened");
    dof_evidence_close(ev);
    ev = open_vol("lvm.raw", "p2/lvm:vgdof/nope");
    ok(ev == NULL && dof_errcode(tctx) == DOF_ERR_ARG &&
           strstr(dof_errmsg(tctx), "p2/lvm:vgdof/root") != NULL,
       "unknown LV: error lists the LVs (%s)", dof_errmsg(tctx));
    dof_evidence_close(ev);
    dof_clear_error(tctx);
}

TEST(wrapped_ring_buffer)
{
    dof_evidence *ev = open_vol("wrap.raw", NULL);
    const dof_partition *v =
        ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/root") : NULL;

    ok(v && v->lvm && v->lvm->seqno == TU("vgs_wrap") && v->fs,
       "text wrapping around the ring buffer end: seqno %s as vgs",
       T("vgs_wrap"));
    dof_evidence_close(ev);
    check_files("wrap.raw");
}

TEST(damaged_text)
{
    size_t w0 = dof_warning_count(tctx), nw;
    dof_evidence *ev = open_vol("badtext.raw", NULL);
    const dof_partition *v =
        ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/root") : NULL;
    int crcw = 0;

    is_str(T("vgs_bad"), "none", "the LVM tools refuse the damaged text");
    nw = dof_warning_count(tctx);
    for (size_t i = w0; i < nw; i++)
        crcw += strstr(dof_warning_get(tctx, i)->message,
                       "checksum mismatch") != NULL;
    ok(crcw == 2, "a checksum warning per PV (%d)", crcw);
    ok(v && v->lvm && v->lvm->seqno == TU("seqno") - 1 && v->fs,
       "dof falls back to the newest older text (seqno %llu)",
       v && v->lvm ? (unsigned long long)v->lvm->seqno : 0ULL);
    dof_evidence_close(ev);
}

TEST(snapshot_listed)
{
    dof_evidence *ev = open_vol("snap.raw", NULL);
    const dof_partition *v;
    char want[64], attr[32];

    snprintf(attr, sizeof(attr), "%.31s", T("snap_attr"));
    ok(attr[0] == 's' && strcmp(T("snap_origin"), "data") == 0,
       "lvs -a: snap is a snapshot (%s) of %s", attr, T("snap_origin"));
    v = ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/snap") : NULL;
    snprintf(want, sizeof(want), "snapshot of LV %.48s", T("snap_origin"));
    ok(v && v->lvm && !v->fs && !v->lvm->readable &&
           strcmp(v->lvm->type, "snapshot") == 0 && v->note &&
           strstr(v->note, want) && strstr(v->note, "not supported"),
       "snap listed: %s", v && v->note ? v->note : "-");
    v = ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/snapshot0") : NULL;
    ok(v && v->lvm && !v->fs && !v->lvm->readable && v->note,
       "LVM's internal snapshot0 listed, not read: %s",
       v && v->note ? v->note : "-");
    v = ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/data") : NULL;
    ok(v && v->fs && v->lvm->readable, "the origin, data, still read");
    dof_evidence_close(ev);
    check_files("snap.raw");
}

/* Damage in memory: the label checksum, a PV missing. */
TEST(damaged_label_and_missing_pv)
{
    size_t len = 0, w0;
    unsigned char *img = (unsigned char *)slurp(F("lvm.raw"), &len);
    dof_evidence *ev = NULL;
    const dof_partition *v;

    ok(img != NULL, "image read");
    if (img == NULL)
        return;
    /* p3's label: one byte of its PV header */
    img[TU("p3") + 512 + 100] ^= 0x40;
    w0 = dof_warning_count(tctx);
    ok(dof_evidence_open_mem(tctx, "lvm-mem", img, len, -1, &ev) == DOF_OK,
       "opens");
    v = ev ? dof_evidence_partition_find(ev, "p3") : NULL;
    ok(v && v->note && strstr(v->note, "checksum"),
       "p3: damaged label noted (%s)", v && v->note ? v->note : "-");
    v = ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/root") : NULL;
    ok(v && !v->fs && v->lvm && strcmp(v->lvm->type, "missing-pv") == 0 &&
           v->note && strstr(v->note, "missing"),
       "root (2nd segment on p3) listed, PV missing (%s)",
       v && v->note ? v->note : "-");
    v = ev ? dof_evidence_partition_find(ev, "p2/lvm:vgdof/data") : NULL;
    ok(v && v->fs, "data (all on p2) still read");
    ok(dof_warning_count(tctx) > w0, "warnings given");
    dof_evidence_close(ev);
    free(img);
}

TEST(parser_units)
{
    static const char txt[] =
        "vg1 {\nid = \"abc\"\nseqno = 3\nextent_size = 8192 # 4 MiB\n"
        "physical_volumes {\npv0 {\nid = \"x-y\"\ndev_size = 100\n"
        "pe_start = 2048\npe_count = 9\nstatus = [\"ALLOCATABLE\"]\n}\n}\n"
        "logical_volumes {\nlv\\\"x {\n}\n}\n}\n";
    static const char good[] =
        "v {\nid = \"a\\\"b\"\nseqno = 1\nextent_size = 8\nflags = []\n"
        "physical_volumes {\n}\nlogical_volumes {\nl {\nid = \"q\"\n"
        "status = [\"READ\", \"VISIBLE\"]\nsegment1 {\nstart_extent = 0\n"
        "extent_count = 2\ntype = \"striped\"\nstripe_count = 1\n"
        "stripes = [\n\"pv0\", 5\n]\n}\n}\n}\n}\nversion = 1\n";
    dof_arena *a = dof_arena_new();
    dof_lvm_vgx vg;
    const char *why;

    ok(dof_evidence_lvm_text_parse(txt, sizeof(txt) - 1, a, &vg, &why) ==
           DOF_ERR_FORMAT,
       "a bad LV name is a format error (%s)", why ? why : "-");
    ok(dof_evidence_lvm_text_parse(good, sizeof(good) - 1, a, &vg, &why) ==
               DOF_OK &&
           strcmp(vg.id, "a\"b") == 0 && vg.nlvs == 1 &&
           vg.lvs[0].nsegs == 1 && vg.lvs[0].visible &&
           vg.lvs[0].segs[0].nstripes == 1 &&
           vg.lvs[0].segs[0].stripes[0].pe == 5,
       "escapes, empty arrays, segments, stripes (%s)", why ? why : "ok");
    ok(dof_evidence_lvm_text_parse(good, 40, a, &vg, &why) == DOF_ERR_FORMAT,
       "cut text: format error (%s)", why ? why : "-");
    /* the CRC of LVM's own check value: crc of 0 bytes is the seed */
    is_int(dof_evidence_lvm_crc(DOF_LVM_CRC_INIT, "", 0), 0xf597a6cf,
           "crc seed");
    dof_arena_free(a);
}

static int
setup(void)
{
    const char *src = getenv("DOF_SRCDIR");
    char cmd[2048];
    int rc;

    snprintf(fix, sizeof(fix), "%s/dof-test-lvm.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(fix) == NULL)
        skip_all("mkdtemp failed");
    snprintf(cmd, sizeof(cmd),
             "sh '%s/tests/unit/lvm_mkimg.sh' '%s' >/dev/null 2>'%s/err'",
             src ? src : ".", fix, fix);
    rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        skip_all("lvm_mkimg.sh needs root, unshare, losetup and lvm2");
    if (rc != 0) {
        ok(0, "fixture script lvm_mkimg.sh failed (see %s/err)", fix);
        return -1;
    }
    truth = slurp(F("truth"), NULL);
    files = slurp(F("files"), NULL);
    if (truth == NULL || files == NULL) {
        ok(0, "truth files");
        return -1;
    }
    tctx = dof_ctx_new();
    return 0;
}

static void
teardown(void)
{
    char cmd[700];

    dof_ctx_free(tctx);
    free(truth);
    free(files);
    if (getenv("DOF_KEEP_FIXTURES") == NULL && fix[0]) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fix);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", fix);
    }
}

TAP_MAIN(setup, teardown)
