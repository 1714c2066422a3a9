/*
 * test_evidence.c - opening images: GPT, bare fs, -o offset, split raw,
 * E01, VMDK, VHD, qcow2 refused, LVM2/XFS partitions noted, truncated
 * image, directory, E01 with damaged chunks.  Fixtures:
 * tests/unit/ev_mkimg.sh; expected offsets come from sgdisk, the hashes from
 * md5sum/sha1sum, the damaged E01 sectors from ewfverify, the file bytes from
 * the original.
 */
#include "base/base_private.h"
#include "tap.h"

#include <stdlib.h>

static char fix[512];
static char *truth;

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

/* The marker file on a volume's fs, or 0 on any failure. */
static int
marker_ok(const dof_partition *v)
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

static const dof_partition *
vol_at(const dof_evidence *ev, uint64_t off)
{
    for (size_t i = 0; i < dof_evidence_partition_count(ev); i++)
        if (dof_evidence_partition(ev, i)->offset_bytes == off)
            return dof_evidence_partition(ev, i);
    return NULL;
}

/* The GPT layout, whatever container it comes in. */
static void
check_gpt(dof_ctx *ctx, const char *file, const char *format)
{
    dof_evidence *ev = NULL;
    const dof_partition *v;
    int rc = dof_evidence_open(ctx, F(file), -1, &ev);

    is_int(rc, DOF_OK, "%s: opens (%s)", file, dof_errmsg(ctx));
    if (ev == NULL)
        return;
    is_str(dof_evidence_format(ev), format, "%s: format", file);
    is_str(dof_evidence_vs_type(ev), "gpt", "%s: vs type", file);
    ok(dof_evidence_size(ev) >= TU("size"), "%s: size %llu", file,
       (unsigned long long)dof_evidence_size(ev));
    is_int(dof_evidence_partition_count(ev), 4, "%s: 4 partitions", file);
    v = vol_at(ev, TU("p1"));
    ok(v && v->fs && strcmp(v->signature, "ext4") == 0 && v->note == NULL,
       "%s: p1 ext4 at %s", file, T("p1"));
    ok(v && strcmp(v->desc, "rootfs") == 0, "%s: p1 name", file);
    ok(v && v->address && strcmp(v->address, "p1") == 0, "%s: p1 address",
       file);
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
    ok(v && v->address && strcmp(v->address, "p4") == 0, "%s: p4 address",
       file);
    ok(dof_evidence_partition_find(ev, "p3") == vol_at(ev, TU("p3")) &&
           vol_at(ev, TU("p3")) != NULL,
       "%s: partition_find p3", file);
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
        is_int(dof_evidence_partition_count(ev), 1, "bare: one volume");
        ok(dof_evidence_partition(ev, 0)->offset_bytes == 0, "bare: at 0");
        is_str(dof_evidence_partition(ev, 0)->signature, "ext4", "bare: ext4");
        ok(marker_ok(dof_evidence_partition(ev, 0)), "bare: marker");
    }
    dof_evidence_close(ev);
    ev = NULL;

    /* -o offset */
    is_int(
        dof_evidence_open(ctx, F("gpt.raw"), (int64_t)TU("p1_sectors"), &ev),
        DOF_OK, "offset open");
    if (ev) {
        is_int(dof_evidence_partition_count(ev), 1, "offset: one volume");
        ok(dof_evidence_partition(ev, 0)->offset_bytes == TU("p1"),
           "offset: in bytes");
        ok(marker_ok(dof_evidence_partition(ev, 0)), "offset: marker");
    }
    dof_evidence_close(ev);
    ev = NULL;
    rc = dof_evidence_open(ctx, F("gpt.raw"), 10, &ev);
    is_int(rc, DOF_OK, "offset without a filesystem still opens");
    ok(ev && dof_evidence_partition(ev, 0)->fs == NULL &&
           dof_evidence_partition(ev, 0)->note != NULL,
       "offset without fs: noted");
    dof_evidence_close(ev);
    ev = NULL;

    /* missing file, not an image (qcow2: gpt_qcow2, qcow2_truth.py) */
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
            const dof_partition *v1 = vol_at(ev, TU("p1"));
            ok(v1 && strcmp(v1->signature, "ext4") == 0,
               "truncated: p1 found from the primary GPT");
            for (size_t i = 0; i < dof_evidence_partition_count(ev); i++) {
                const dof_partition *v = dof_evidence_partition(ev, i);
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
        is_str(dof_evidence_partition(ev, 0)->signature, "dir", "dir: sig");
        ok(marker_ok(dof_evidence_partition(ev, 0)), "dir: marker");
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

/* Every partition of file has the address Linux gives it: its offset is
 * truth's PREFIX_ADDRESS (sgdisk -p / sfdisk -d), and there are n. */
static dof_evidence *
check_addresses(dof_ctx *ctx, const char *file, const char *prefix, size_t n)
{
    dof_evidence *ev = NULL;
    int rc = dof_evidence_open(ctx, F(file), -1, &ev);
    size_t good = 0;

    is_int(rc, DOF_OK, "%s: opens (%s)", file, dof_errmsg(ctx));
    if (ev == NULL)
        return NULL;
    is_int(dof_evidence_partition_count(ev), n, "%s: %zu partitions", file, n);
    for (size_t i = 0; i < dof_evidence_partition_count(ev); i++) {
        const dof_partition *v = dof_evidence_partition(ev, i);
        char key[64];
        snprintf(key, sizeof(key), "%s_%s", prefix, v->address);
        if (*T(key) != '\0' && TU(key) == v->offset_bytes)
            good++;
        else
            printf("# %s: %s at %llu, truth %s\n", file, v->address,
                   (unsigned long long)v->offset_bytes, T(key));
    }
    is_int(good, n, "%s: every address names the partition Linux does", file);
    return ev;
}

/* Open file with only `volume`: DOF_OK and that one partition, or rc. */
static dof_evidence *
open_volume(dof_ctx *ctx, const char *file, int64_t off, const char *volume)
{
    dof_evidence_opts o;
    dof_evidence *ev = NULL;

    dof_evidence_opts_init(&o);
    o.offset_sectors = off;
    o.volume = volume;
    dof_evidence_open_opts(ctx, F(file), &o, &ev);
    return ev;
}

static void
test_addresses(dof_ctx *ctx)
{
    dof_evidence *ev;
    const dof_partition *v;
    size_t w0;
    int rc;

    /* GPT with unused entries 1 and 3: p2 and p4 */
    ev = check_addresses(ctx, "gap.raw", "gap", 2);
    v = dof_evidence_partition_find(ev, "p2");
    ok(marker_ok(v), "gap.raw: marker through p2");
    ok(dof_evidence_partition_find(ev, "p1") == NULL &&
           dof_evidence_partition_find(ev, "p3") == NULL,
       "gap.raw: no p1, no p3");
    dof_evidence_close(ev);

    /* the same table read by dof's own GPT reader (TSK refuses it) */
    w0 = dof_warning_count(ctx);
    ev = check_addresses(ctx, "gaptrunc.raw", "gap", 2);
    {
        int fallback = 0;
        for (size_t i = w0; i < dof_warning_count(ctx); i++)
            fallback |= strstr(dof_warning_get(ctx, i)->message,
                               "taken from the primary GPT by dof") != NULL;
        ok(fallback, "gaptrunc.raw: read by dof's GPT reader");
    }
    is_str(ev ? dof_evidence_vs_type(ev) : "", "gpt", "gaptrunc.raw: gpt");
    dof_evidence_close(ev);

    /* DOS: primaries p1 p3, logical p5 p6 in chain order */
    if (*T("dos_p5") == '\0') {
        ok(1, "# SKIP sfdisk missing: no dos.raw");
    }
    else {
        ev = check_addresses(ctx, "dos.raw", "dos", 4);
        is_str(ev ? dof_evidence_vs_type(ev) : "", "dos", "dos.raw: dos");
        ok(marker_ok(dof_evidence_partition_find(ev, "p5")),
           "dos.raw: marker through p5 (first in the chain, not on disk)");
        v = dof_evidence_partition_find(ev, "p6");
        ok(v && strcmp(v->signature, "lvm2") == 0, "dos.raw: p6 is LVM2");
        dof_evidence_close(ev);
        ev = open_volume(ctx, "dos.raw", -1, "p6");
        ok(ev && dof_evidence_partition_count(ev) == 1 &&
               strcmp(dof_evidence_partition(ev, 0)->address, "p6") == 0 &&
               dof_evidence_partition(ev, 0)->offset_bytes == TU("dos_p6"),
           "dos.raw --volume p6: only p6");
        dof_evidence_close(ev);
    }

    /* bare filesystem, -o, directory */
    dof_evidence_open(ctx, F("fs.raw"), -1, &ev);
    is_str(ev ? dof_evidence_partition(ev, 0)->address : "", "0",
           "bare fs: address 0");
    dof_evidence_close(ev);
    ev = NULL;
    dof_evidence_open(ctx, F("gpt.raw"), (int64_t)TU("p1_sectors"), &ev);
    is_str(ev ? dof_evidence_partition(ev, 0)->address : "", "0",
           "-o: address 0");
    dof_evidence_close(ev);
    ev = NULL;
    dof_evidence_open(ctx, F("tree"), -1, &ev);
    is_str(ev ? dof_evidence_partition(ev, 0)->address : "", "dir",
           "directory: address dir");
    dof_evidence_close(ev);

    /* --volume opens that partition only */
    w0 = dof_warning_count(ctx);
    ev = open_volume(ctx, "gpt.raw", -1, "p1");
    ok(ev && dof_evidence_partition_count(ev) == 1 &&
           strcmp(dof_evidence_partition(ev, 0)->address, "p1") == 0 &&
           marker_ok(dof_evidence_partition(ev, 0)),
       "--volume p1: only p1, opened");
    is_int(dof_warning_count(ctx) - w0, 0,
           "--volume p1: the LVM2 and XFS partitions are not probed");
    dof_evidence_close(ev);
    ev = open_volume(ctx, "gap.raw", -1, "p4");
    ok(ev && dof_evidence_partition_count(ev) == 1 &&
           dof_evidence_partition(ev, 0)->offset_bytes == TU("gap_p4") &&
           dof_evidence_partition_find(ev, "p2") == NULL,
       "gap.raw --volume p4: only p4");
    dof_evidence_close(ev);

    /* an address the evidence does not have */
    ev = open_volume(ctx, "gpt.raw", -1, "p9");
    rc = dof_errcode(ctx);
    ok(ev == NULL && rc == DOF_ERR_ARG, "--volume p9: DOF_ERR_ARG");
    ok(strstr(dof_errmsg(ctx), "p9") &&
           strstr(dof_errmsg(ctx), "p1, p2, p3, p4"),
       "--volume p9: the message lists the addresses (%s)", dof_errmsg(ctx));
    ev = open_volume(ctx, "fs.raw", -1, "p1");
    ok(ev == NULL && dof_errcode(ctx) == DOF_ERR_ARG &&
           strstr(dof_errmsg(ctx), "it has: 0"),
       "bare fs --volume p1: DOF_ERR_ARG, has 0 (%s)", dof_errmsg(ctx));
    ev = open_volume(ctx, "tree", -1, "p1");
    ok(ev == NULL && dof_errcode(ctx) == DOF_ERR_ARG,
       "directory --volume p1: DOF_ERR_ARG (%s)", dof_errmsg(ctx));

    /* -o with --volume 0 */
    ev = open_volume(ctx, "gpt.raw", (int64_t)TU("p1_sectors"), "0");
    ok(ev && dof_evidence_partition_count(ev) == 1 &&
           marker_ok(dof_evidence_partition(ev, 0)),
       "-o with --volume 0: the filesystem at the offset");
    dof_evidence_close(ev);
    ev = open_volume(ctx, "gpt.raw", (int64_t)TU("p1_sectors"), "p1");
    ok(ev == NULL && dof_errcode(ctx) == DOF_ERR_ARG &&
           strstr(dof_errmsg(ctx), "it has: 0"),
       "-o with --volume p1: DOF_ERR_ARG (%s)", dof_errmsg(ctx));
}

/* dof status of gap.raw: each volume's address in text and JSON, with
 * its offset_bytes, length_bytes and filesystem. */
static void
test_status(dof_ctx *ctx)
{
    dof_evidence *ev = NULL;
    dof_report_opts o;
    char *buf = NULL, want[8448];
    size_t len = 0;
    FILE *f;

    if (dof_evidence_open(ctx, F("gap.raw"), -1, &ev) != DOF_OK) {
        ok(0, "status: gap.raw opens");
        return;
    }
    for (int json = 0; json < 2; json++) {
        f = open_memstream(&buf, &len);
        dof_report_opts_init(&o);
        o.out = f;
        o.json = json;
        dof_report_status(ctx, &o, ev, NULL);
        fclose(f);
        if (json) {
            size_t k = 0; /* the JSON without its indentation */
            for (size_t i = 0; i < len; i++)
                if (buf[i] != ' ' && buf[i] != '\n')
                    buf[k++] = buf[i];
            buf[k] = '\0';
            snprintf(want, sizeof(want),
                     "{\"index\":0,\"address\":\"p2\",\"offset_bytes\":%s,"
                     "\"length_bytes\":12582912,\"description\":\"data\","
                     "\"signature\":\"ext4\",\"filesystem\":\"ext4\",",
                     T("gap_p2"));
            ok(strstr(buf, want) != NULL, "status --json: volume p2: %s",
               want);
            ok(strstr(buf, "\"address\":\"p4\"") != NULL,
               "status --json: volume p4");
        }
        else {
            snprintf(want, sizeof(want),
                     "Volume p2 at byte offset %s (12582912 bytes): ext4",
                     T("gap_p2"));
            ok(strstr(buf, want) != NULL, "status text: %s", want);
        }
        free(buf);
        buf = NULL;
    }
    dof_evidence_close(ev);
}

/* ---- E01 with damaged chunks ---- */

static unsigned char *
load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *b = NULL;
    long n;

    *len = 0;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n)) != NULL &&
        fread(b, 1, (size_t)n, f) == (size_t)n)
        *len = (size_t)n;
    fclose(f);
    if (*len == 0) {
        free(b);
        return NULL;
    }
    return b;
}

static int
store(const char *path, const unsigned char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    int good = f && fwrite(b, 1, len, f) == len;
    if (f && fclose(f) != 0)
        good = 0;
    return good;
}

/* File offset of chunk k's stored data in a one-segment EWF1 file, from
 * its first "table" section (EWF specification: 76-byte section
 * descriptors from byte 13; table: count at +76, base at +84, 32-bit
 * entries at +100, the top bit marks a compressed chunk).  0 if absent. */
static uint64_t
e01_chunk_offset(const unsigned char *b, size_t len, uint32_t k)
{
    uint64_t off = 13;

    for (int i = 0; i < 64 && off + 76 <= len; i++) {
        uint64_t next = dof_le64(b + off + 16);
        if (memcmp(b + off, "table\0", 6) == 0 && off + 100 <= len) {
            uint32_t n = dof_le32(b + off + 76);
            uint64_t base = dof_le64(b + off + 84);
            if (k >= n || off + 100 + 4 * (uint64_t)k + 4 > len)
                return 0;
            return base +
                   (dof_le32(b + off + 100 + 4 * (size_t)k) & 0x7fffffffu);
        }
        if (next <= off)
            break;
        off = next;
    }
    return 0;
}

/* ewfverify's list of damaged sectors: "at sector(s): A - B". */
static size_t
ewfverify_ranges(const char *path, uint64_t *first, uint64_t *last, size_t max)
{
    char cmd[1024], line[1024];
    size_t n = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "ewfverify -q '%s' 2>&1", path);
    if ((p = popen(cmd, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof(line), p)) {
        unsigned long long a, b;
        const char *at = strstr(line, "at sector(s): ");
        if (at && sscanf(at, "at sector(s): %llu - %llu", &a, &b) == 2 &&
            n < max) {
            first[n] = a;
            last[n] = b;
            n++;
        }
    }
    pclose(p);
    return n;
}

/* Read /random.bin through dof; compare with the original outside the
 * damaged image bytes [bad0, bad1] (file data starts at image byte
 * data_at), zeros inside.  Returns the number of 512-byte pieces wrong. */
static size_t
random_bin_mismatches(const dof_evidence *ev, const unsigned char *orig,
                      size_t olen, uint64_t data_at, const uint64_t *bad0,
                      const uint64_t *bad1, size_t nbad, size_t *nzero)
{
    const dof_partition *v = vol_at(ev, TU("p1"));
    static unsigned char buf[512];
    static const unsigned char zero[512];
    size_t wrong = 0;
    dof_node node;

    *nzero = 0;
    if (v == NULL || v->fs == NULL ||
        dof_fs_resolve(v->fs, "/random.bin", 1, &node) != DOF_OK)
        return (size_t)-1;
    for (uint64_t o = 0; o + 512 <= olen; o += 512) {
        size_t got = 0;
        int damaged = 0;
        for (size_t i = 0; i < nbad; i++)
            damaged |= data_at + o >= bad0[i] && data_at + o <= bad1[i];
        if (dof_fs_read(v->fs, node, o, buf, 512, &got) != DOF_OK ||
            got != 512) {
            wrong++;
            continue;
        }
        if (damaged)
            *nzero += memcmp(buf, zero, 512) == 0;
        if (memcmp(buf, damaged ? zero : orig + o, 512) != 0)
            wrong++;
    }
    return wrong;
}

/* The warnings since w0 that name the E01 at path and a checksum. */
static size_t
e01_warnings(dof_ctx *ctx, size_t w0, const char *path, size_t *others)
{
    size_t n = 0;

    *others = 0;
    for (size_t i = w0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if (w && w->path && strcmp(w->path, path) == 0 &&
            w->code == DOF_ERR_IO && strstr(w->message, "checksum"))
            n++;
        else
            (*others)++;
    }
    return n;
}

static void
test_e01_damage(void)
{
    size_t glen, rlen, elen, nbad;
    unsigned char *g = load(F("gpt.raw"), &glen);
    unsigned char *r = load(F("tree/random.bin"), &rlen);
    unsigned char *e = NULL, *d = NULL;
    uint64_t data_at = 0, chunk = 32768, k0, off;
    uint64_t first[64], last[64], bad0[64], bad1[64];
    char cmd[2048], want[256];
    const char *bad = F("bad.E01");
    size_t nz, others;

    /* where the file's bytes are in the image: the original, found */
    for (uint64_t o = TU("p1"); g && r && o + rlen <= glen; o += 4096)
        if (memcmp(g + o, r, rlen) == 0) {
            data_at = o;
            break;
        }
    ok(data_at != 0, "damaged E01: random.bin is contiguous at byte %llu",
       (unsigned long long)data_at);
    snprintf(cmd, sizeof(cmd),
             "cd '%s' && ewfacquire -u -q -t plain -f encase6 -c none "
             "gpt.raw </dev/null >/dev/null 2>&1",
             fix);
    ok(system(cmd) == 0 && (e = load(F("plain.E01"), &elen)) != NULL,
       "damaged E01: ewfacquire -c none");
    if (data_at == 0 || e == NULL)
        goto done;
    d = malloc(elen);
    if (d == NULL)
        goto done;

    /* 1. one chunk in the middle of random.bin: one byte flipped */
    k0 = (data_at + rlen / 2) / chunk;
    off = e01_chunk_offset(e, elen, (uint32_t)k0);
    memcpy(d, e, elen);
    if (off != 0)
        d[off + 1000] ^= 0x55;
    ok(off != 0 && store(bad, d, elen),
       "damaged E01: chunk %llu at file "
       "byte %llu flipped",
       (unsigned long long)k0, (unsigned long long)off);
    nbad = ewfverify_ranges(bad, first, last, 64);
    is_int(nbad, 1, "damaged E01: ewfverify lists one damaged range");
    if (nbad == 1) {
        dof_ctx *ctx = dof_ctx_new();
        dof_evidence *ev = NULL;
        size_t w0, n;

        bad0[0] = first[0] * 512;
        bad1[0] = last[0] * 512 + 511;
        snprintf(want, sizeof(want),
                 "E01 chunk at bytes %llu..%llu (sectors %llu-%llu) fails "
                 "its checksum: dof reads it as zeros",
                 (unsigned long long)bad0[0], (unsigned long long)bad1[0],
                 (unsigned long long)first[0], (unsigned long long)last[0]);
        is_int(dof_evidence_open(ctx, bad, -1, &ev), DOF_OK,
               "damaged E01: opens");
        w0 = dof_warning_count(ctx);
        ok(ev && marker_ok(vol_at(ev, TU("p1"))),
           "damaged E01: marker still readable");
        is_int(e01_warnings(ctx, 0, bad, &others), 0,
               "damaged E01: no warning before the chunk is read");
        if (ev) {
            n = random_bin_mismatches(ev, r, rlen, data_at, bad0, bad1, 1,
                                      &nz);
            is_int(n, 0,
                   "damaged E01: random.bin equals the original outside "
                   "sectors %llu-%llu, zeros inside",
                   (unsigned long long)first[0], (unsigned long long)last[0]);
            is_int(nz, 64,
                   "damaged E01: the damaged chunk's 64 sectors read "
                   "as zeros");
            /* read again: the same chunk is not warned twice */
            random_bin_mismatches(ev, r, rlen, data_at, bad0, bad1, 1, &nz);
        }
        is_int(e01_warnings(ctx, w0, bad, &others), 1,
               "damaged E01: exactly one warning names %s", bad);
        is_int(others, 0, "damaged E01: and no other warning");
        for (size_t i = w0; i < dof_warning_count(ctx); i++)
            if (strstr(dof_warning_get(ctx, i)->message, "checksum"))
                is_str(dof_warning_get(ctx, i)->message, want,
                       "damaged E01: the warning gives ewfverify's range");
        dof_evidence_close(ev);
        dof_ctx_free(ctx);
    }

    /* 2. 40 chunks, every other one, zeroed: 32 named, then one more */
    memcpy(d, e, elen);
    nbad = 0;
    for (uint64_t k = data_at / chunk + 1; nbad < 40; k += 2) {
        off = e01_chunk_offset(e, elen, (uint32_t)k);
        if (off == 0 || (k + 1) * chunk > data_at + rlen)
            break;
        memset(d + off, 0, 512);
        nbad++;
    }
    ok(nbad == 40 && store(bad, d, elen), "damaged E01: 40 chunks zeroed");
    nbad = ewfverify_ranges(bad, first, last, 64);
    is_int(nbad, 40, "damaged E01: ewfverify lists 40 damaged ranges");
    if (nbad == 40) {
        dof_ctx *ctx = dof_ctx_new();
        dof_evidence *ev = NULL;
        size_t named, told = 0;

        for (size_t i = 0; i < nbad; i++) {
            bad0[i] = first[i] * 512;
            bad1[i] = last[i] * 512 + 511;
        }
        dof_evidence_open(ctx, bad, -1, &ev);
        if (ev)
            is_int(random_bin_mismatches(ev, r, rlen, data_at, bad0, bad1,
                                         nbad, &nz),
                   0, "damaged E01 x40: undamaged bytes equal the original");
        named = e01_warnings(ctx, 0, bad, &others);
        for (size_t i = 0; i < dof_warning_count(ctx); i++) {
            const char *m = dof_warning_get(ctx, i)->message;
            for (size_t j = 0; j < nbad; j++) {
                char s[64];
                snprintf(s, sizeof(s), "(sectors %llu-%llu)",
                         (unsigned long long)first[j],
                         (unsigned long long)last[j]);
                told += strstr(m, s) != NULL;
            }
        }
        is_int(named, 33,
               "damaged E01 x40: 32 ranges named, then one "
               "'more' warning (bounded)");
        is_int(told, 32, "damaged E01 x40: the 32 named are ewfverify's");
        ok(dof_warning_count(ctx) > 0 &&
               strstr(
                   dof_warning_get(ctx, dof_warning_count(ctx) - 1)->message,
                   "more E01 chunks") != NULL,
           "damaged E01 x40: the last says more follow");
        dof_evidence_close(ev);
        dof_ctx_free(ctx);
    }
done:
    free(g);
    free(r);
    free(e);
    free(d);
}

static dof_ctx *tctx;

static int
setup(void)
{
    const char *src = getenv("DOF_SRCDIR");
    char cmd[2048];
    FILE *f;
    long sz;

    if (system("command -v sgdisk >/dev/null && command -v ewfacquire "
               ">/dev/null && command -v qemu-img >/dev/null") != 0)
        skip_all("sgdisk, ewfacquire or qemu-img missing");
    snprintf(fix, sizeof(fix), "%s/dof-test-ev.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(fix) == NULL)
        skip_all("mkdtemp failed");
    snprintf(cmd, sizeof(cmd),
             "sh '%s/tests/unit/ev_mkimg.sh' '%s' >/dev/null", src ? src : ".",
             fix);
    if (system(cmd) != 0) {
        ok(0, "fixture script ev_mkimg.sh failed");
        return -1;
    }
    f = fopen(F("truth"), "rb");
    if (f == NULL) {
        ok(0, "truth file");
        return -1;
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
    tctx = dof_ctx_new();
    return 0;
}

TEST(gpt_raw)
{
    check_gpt(tctx, "gpt.raw", "raw");
}

TEST(gpt_split)
{
    check_gpt(tctx, "split.001", "split");
}

TEST(gpt_e01)
{
    check_gpt(tctx, "e01.E01", "ewf");
}

TEST(gpt_vmdk)
{
    check_gpt(tctx, "gpt.vmdk", "vmdk");
}

TEST(gpt_vhd)
{
    check_gpt(tctx, "gpt.vhd", "vhd");
}

TEST(gpt_qcow2)
{
    check_gpt(tctx, "gpt.qcow2", "qcow2");
}

TEST(more)
{
    test_more(tctx);
}

TEST(addresses)
{
    test_addresses(tctx);
}

TEST(status)
{
    test_status(tctx);
}

TEST(e01_damage)
{
    test_e01_damage();
}

static void
teardown(void)
{
    char cmd[2048];

    dof_ctx_free(tctx);
    free(truth);
    if (!getenv("DOF_KEEP_FIXTURES")) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fix);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", fix);
    }
}

TAP_MAIN(setup, teardown)
