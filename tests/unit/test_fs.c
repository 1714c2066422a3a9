/*
 * test_fs.c - the fs layer: one suite of checks run against both backends,
 * an ext4 image (TSK + raw inode reader) and the same tree as a directory.
 * Fixtures come from tests/unit/fs_mkimg.sh; expected values are the ones the
 * script set or read back with debugfs/stat(1), never dof's own output.
 */
#include "fs/fs_private.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char fix[512];
static char *truth;

static const char *
T(const char *key)
{
    return tap_truth(truth, key);
}

/* "0xSECS:EXTRA" from debugfs -> ns */
static int64_t
debugfs_time(const char *s)
{
    unsigned long long sec = 0, extra = 0;
    if (sscanf(s, "%llx:%llx", &sec, &extra) != 2)
        return -1;
    /* low 2 bits of extra extend the epoch; the rest are ns */
    return (int64_t)(sec + ((extra & 3ull) << 32)) * 1000000000LL +
           (int64_t)(extra >> 2);
}

static dof_node
R(dof_fs *fs, const char *path, int follow)
{
    dof_node n = DOF_NODE_NONE;
    if (dof_fs_resolve(fs, path, follow, &n) != DOF_OK)
        return DOF_NODE_NONE;
    return n;
}

typedef struct names {
    char name[16][64];
    size_t len[16];
    int deleted[16];
    size_t n;
} names;

static int
collect(void *arg, const dof_dirent *de)
{
    names *nm = arg;
    if (nm->n < 16 && de->name_len < 64) {
        memcpy(nm->name[nm->n], de->name, de->name_len);
        nm->len[nm->n] = de->name_len;
        nm->deleted[nm->n] = de->deleted;
        nm->n++;
    }
    return 0;
}

static int
has_name(const names *nm, const char *s, size_t len, int *deleted)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->len[i] == len && memcmp(nm->name[i], s, len) == 0) {
            if (deleted)
                *deleted = nm->deleted[i];
            return 1;
        }
    return 0;
}

static unsigned char
pat(uint64_t i)
{
    return (unsigned char)((i * 7 + (i >> 12)) & 0xFF);
}

typedef struct xl {
    int opaque, note, big;
} xl;

static int
xl_cb(void *arg, const char *name, const void *value, size_t len)
{
    xl *x = arg;
    if (strcmp(name, "trusted.overlay.opaque") == 0 && len == 1 &&
        memcmp(value, "y", 1) == 0)
        x->opaque = 1;
    if (strcmp(name, "user.note") == 0 && len == 2 &&
        memcmp(value, "hi", 2) == 0)
        x->note = 1;
    return 0;
}

static int
xl_big_cb(void *arg, const char *name, const void *value, size_t len)
{
    xl *x = arg;
    const char *want = T("xattr_big");
    if (strcmp(name, "user.big") == 0 && len == strlen(want) &&
        memcmp(value, want, len) == 0)
        x->big = 1;
    return 0;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
suite(dof_ctx *ctx, dof_fs *fs, int ext)
{
    const char *L = ext ? "ext" : "dir";
    int root = strcmp(T("root"), "0") == 0;
    dof_node file, hard, n, d;
    dof_stat st, st2;
    char *s = NULL, buf[100000];
    size_t len = 0, got = 0;
    int rc;

    /* lookup / resolve */
    ok(dof_fs_root(fs) != DOF_NODE_NONE, "%s: root", L);
    is_int(R(fs, "/", 1), dof_fs_root(fs), "%s: / is the root", L);
    file = R(fs, "/d/file.txt", 1);
    ok(file != DOF_NODE_NONE, "%s: resolve /d/file.txt", L);
    d = R(fs, "/d", 1);
    is_int(dof_fs_lookup(fs, d, "file.txt", 8, &n), DOF_OK,
           "%s: lookup file.txt", L);
    is_int(n, file, "%s: lookup == resolve", L);
    is_int(dof_fs_lookup(fs, d, "..", 2, &n), DOF_OK, "%s: lookup ..", L);
    is_int(n, dof_fs_root(fs), "%s: /d/.. is the root", L);
    is_int(dof_fs_lookup(fs, d, "nope", 4, &n), DOF_ERR_NOTFOUND,
           "%s: lookup missing", L);
    is_int(R(fs, "d/./file.txt", 1), file, "%s: relative + .", L);
    is_int(R(fs, "/../../d/../d/file.txt", 1), file, "%s: .. at root", L);
    is_int(R(fs, "/links/short", 1), file, "%s: short symlink followed", L);
    n = R(fs, "/links/short", 0);
    ok(n != DOF_NODE_NONE && n != file, "%s: last symlink not followed", L);
    is_int(dof_fs_stat(fs, n, &st), DOF_OK, "%s: stat symlink", L);
    is_int(st.type, DOF_FT_LNK, "%s: symlink type", L);
    is_int(R(fs, "/links/longdir/file.txt", 0), file,
           "%s: long symlink in the middle", L);
    is_int(R(fs, "/links/abs/file.txt", 0), file,
           "%s: absolute symlink from the fs root", L);
    is_int(dof_fs_resolve(fs, "/links/loop1/x", 0, &n), DOF_ERR_LOOP,
           "%s: symlink loop -> LOOP", L);
    is_int(dof_fs_resolve(fs, "/links/loop1", 1, &n), DOF_ERR_LOOP,
           "%s: loop as last component -> LOOP", L);
    ok(dof_fs_resolve(fs, "/links/loop1", 0, &n) == DOF_OK,
       "%s: loop without follow_last", L);
    is_int(dof_fs_resolve(fs, "/links/dangling", 1, &n), DOF_ERR_NOTFOUND,
           "%s: dangling symlink", L);
    rc = dof_fs_resolve(fs, "/d/file.txt/x", 0, &n);
    is_int(rc, DOF_ERR_NOTFOUND, "%s: file as directory", L);
    ok(strstr(dof_errmsg(ctx), "not a directory") != NULL,
       "%s: message says not a directory (%s)", L, dof_errmsg(ctx));
    is_int(dof_fs_resolve(fs, "/nope/x", 0, &n), DOF_ERR_NOTFOUND,
           "%s: missing", L);
    {
        char *longname = malloc(5001);
        memset(longname, 'a', 5000);
        longname[5000] = '\0';
        is_int(dof_fs_lookup(fs, d, longname, 5000, &n), DOF_ERR_LIMIT,
               "%s: name over the cap", L);
        free(longname);
    }

    /* readlink */
    n = R(fs, "/links/longdir", 0);
    is_int(dof_fs_readlink(fs, n, &s), DOF_OK, "%s: readlink long", L);
    is_int(s ? strlen(s) : 0, 84, "%s: long target length", L);
    ok(s && strncmp(s, "././", 4) == 0 && strcmp(s + 80, "../d") == 0,
       "%s: long target bytes", L);
    free(s);
    s = NULL;
    is_int(dof_fs_readlink(fs, R(fs, "/links/short", 0), &s), DOF_OK,
           "%s: readlink short", L);
    is_str(s, "../d/file.txt", "%s: short target", L);
    free(s);
    s = NULL;

    /* readdir: byte-exact names */
    {
        static const struct {
            const char *s;
            size_t l;
        } want[] = {{"a b", 3},
                    {"p|q", 3},
                    {"nl\nx", 4},
                    {"bad\377name", 8},
                    {"caf\303\251", 5}};
        names nm;
        memset(&nm, 0, sizeof(nm));
        is_int(dof_fs_readdir(fs, R(fs, "/names", 1), 0, collect, &nm), DOF_OK,
               "%s: readdir names", L);
        is_int(nm.n, 5, "%s: 5 names, no . or ..", L);
        for (size_t i = 0; i < 5; i++) {
            ok(has_name(&nm, want[i].s, want[i].l, NULL),
               "%s: name %zu byte-exact", L, i);
        }
        /* lookup of a name with a newline and an invalid byte */
        n = R(fs, "/names/bad\377name", 1);
        ok(n != DOF_NODE_NONE, "%s: resolve non-UTF-8 name", L);
        is_int(dof_fs_read_all(fs, n, 100, &s, &len), DOF_OK,
               "%s: read non-UTF-8 file", L);
        ok(len == 8 && memcmp(s, "bad\377name", 8) == 0, "%s: its content", L);
        free(s);
        s = NULL;
        is_int(dof_fs_readdir(fs, file, 0, collect, &nm), DOF_ERR_NOTFOUND,
               "%s: readdir on a file", L);
    }

    /* stat vs values set by the fixture script */
    is_int(dof_fs_stat(fs, file, &st), DOF_OK, "%s: stat file", L);
    is_int(st.type, DOF_FT_REG, "%s: type", L);
    is_int(st.mode, 0640, "%s: mode", L);
    is_int(st.size, 12, "%s: size", L);
    is_int(st.nlink, 2, "%s: nlink (hard link)", L);
    is_int(st.ino, strtoull(T(ext ? "ext_ino_file" : "dir_ino_file"), 0, 10),
           "%s: inode number", L);
    is_int(st.mtime, 1683356889123456789LL, "%s: mtime ns", L);
    is_int(st.allocated, 1, "%s: allocated", L);
    if (ext) {
        is_int(st.crtime, debugfs_time(T("ext_crtime_file")),
               "%s: crtime (debugfs)", L);
        is_int(st.atime, debugfs_time(T("ext_atime_file")),
               "%s: atime (debugfs)", L);
    }
    else {
        is_int(st.crtime / 1000000000LL, strtoll(T("dir_btime_file"), 0, 10),
               "%s: crtime (stat %%W)", L);
        is_int(st.atime / 1000000000LL, strtoll(T("dir_atime_file"), 0, 10),
               "%s: atime (stat %%X)", L);
    }
    if (ext || root) {
        is_int(st.uid, 1234, "%s: uid", L);
        is_int(st.gid, 5678, "%s: gid", L);
    }
    hard = R(fs, "/d/hard", 1);
    is_int(dof_fs_stat(fs, hard, &st2), DOF_OK, "%s: stat hard link", L);
    is_int(st2.ino, st.ino, "%s: hard link same inode", L);
    is_int(dof_fs_stat(fs, d, &st), DOF_OK, "%s: stat dir", L);
    is_int(st.type, DOF_FT_DIR, "%s: dir type", L);

    /* devices */
    if (ext || root) {
        is_int(dof_fs_stat(fs, R(fs, "/wh", 0), &st), DOF_OK, "%s: wh", L);
        ok(st.type == DOF_FT_CHR && st.rdev_major == 0 && st.rdev_minor == 0 &&
               st.mode == 0,
           "%s: whiteout c 0/0 mode 0 (got %d %u/%u %o)", L, st.type,
           st.rdev_major, st.rdev_minor, st.mode);
        is_int(dof_fs_stat(fs, R(fs, "/sda1", 0), &st), DOF_OK, "%s: sda1", L);
        ok(st.type == DOF_FT_BLK && st.rdev_major == 8 && st.rdev_minor == 17,
           "%s: block 8/17 (got %u/%u)", L, st.rdev_major, st.rdev_minor);
        is_int(dof_fs_stat(fs, R(fs, "/bigminor", 0), &st), DOF_OK,
               "%s: bigminor", L);
        ok(st.type == DOF_FT_CHR && st.rdev_major == 4 && st.rdev_minor == 300,
           "%s: char 4/300 new encoding (got %u/%u)", L, st.rdev_major,
           st.rdev_minor);
    }
    else {
        printf("# skip %s: device nodes need root to create\n", L);
    }

    /* reads at offsets, EOF, caps */
    n = R(fs, "/big.bin", 1);
    is_int(dof_fs_read(fs, n, 1000000, buf, 70000, &got), DOF_OK,
           "%s: read at 1000000", L);
    is_int(got, 70000, "%s: got all", L);
    {
        int same = 1;
        for (size_t i = 0; i < got; i++)
            same &= buf[i] == (char)pat(1000000 + i);
        ok(same, "%s: bytes at offset match the pattern", L);
    }
    is_int(dof_fs_read(fs, n, 3 * 1024 * 1024 - 10, buf, 100, &got), DOF_OK,
           "%s: read over EOF", L);
    is_int(got, 10, "%s: short read at the end", L);
    ok(buf[9] == (char)pat(3 * 1024 * 1024 - 1), "%s: last byte", L);
    is_int(dof_fs_read(fs, n, 3 * 1024 * 1024, buf, 100, &got), DOF_OK,
           "%s: read at EOF", L);
    is_int(got, 0, "%s: EOF gives 0", L);
    {
        uint64_t off = 0;
        int same = 1;
        while (dof_fs_read(fs, n, off, buf, 65536, &got) == DOF_OK &&
               got > 0) {
            for (size_t i = 0; i < got; i += 4093)
                same &= buf[i] == (char)pat(off + i);
            off += got;
        }
        is_int(off, 3 * 1024 * 1024, "%s: streamed the whole file", L);
        ok(same, "%s: streamed bytes match", L);
    }
    rc = dof_fs_read_all(fs, n, 1024 * 1024, &s, &len);
    is_int(rc, DOF_ERR_LIMIT, "%s: read_all over cap", L);
    ok(s == NULL && strstr(dof_errmsg(ctx), "3145728") != NULL,
       "%s: message names the size (%s)", L, dof_errmsg(ctx));
    is_int(dof_fs_read_all(fs, file, 1024, &s, &len), DOF_OK, "%s: read_all",
           L);
    is_str(s, "hello world\n", "%s: content", L);
    free(s);
    s = NULL;

    /* xattrs */
    is_int(dof_fs_can_read_trusted_xattrs(fs), ext || root,
           "%s: can read trusted", L);
    n = R(fs, "/opaque", 1);
    if (ext || root) {
        is_int(dof_fs_getxattr(fs, n, "trusted.overlay.opaque", &s, &len),
               DOF_OK, "%s: opaque xattr", L);
        ok(s && len == 1 && s[0] == 'y', "%s: opaque = y", L);
        free(s);
        s = NULL;
    }
    {
        xl x = {0, 0, 0};
        is_int(dof_fs_listxattr(fs, n, xl_cb, &x), DOF_OK, "%s: listxattr", L);
        ok(x.note, "%s: user.note listed", L);
        if (ext || root)
            ok(x.opaque, "%s: trusted.overlay.opaque listed", L);
    }
    is_int(dof_fs_getxattr(fs, n, "user.none", &s, &len), DOF_ERR_NOTFOUND,
           "%s: missing xattr", L);
    n = R(fs, "/opaque/xfile", 1);
    if (ext)
        ok(strtoull(T("ext_acl_xfile"), 0, 10) != 0,
           "%s: fixture: user.big is in an external block (File ACL %s)", L,
           T("ext_acl_xfile"));
    is_int(dof_fs_getxattr(fs, n, "user.big", &s, &len), DOF_OK,
           "%s: big xattr", L);
    ok(s && len == 3000 && memcmp(s, T("xattr_big"), 3000) == 0,
       "%s: big xattr value (%zu bytes)", L, len);
    free(s);
    s = NULL;
    {
        xl x = {0, 0, 0};
        dof_fs_listxattr(fs, n, xl_big_cb, &x);
        ok(x.big, "%s: big xattr listed with its value", L);
    }
    if (ext || strcmp(T("dir_huge"), "1") == 0) {
        n = R(fs, "/opaque/xhuge", 1);
        is_int(dof_fs_getxattr(fs, n, "user.huge", &s, &len), DOF_OK,
               "%s: xattr value in its own inode (ea_inode)", L);
        ok(s && len == 6000 && s[0] == 'Q' && s[5999] == 'Q' &&
               strspn(s, "Q") == 6000,
           "%s: ea_inode value (%zu bytes)", L, len);
        free(s);
        s = NULL;
    }

    /* deleted names */
    {
        names nm;
        int del = -1;
        memset(&nm, 0, sizeof(nm));
        dof_fs_readdir(fs, R(fs, "/del", 1), 0, collect, &nm);
        ok(has_name(&nm, "kept.txt", 8, NULL) &&
               !has_name(&nm, "gone.txt", 8, NULL),
           "%s: deleted name hidden by default", L);
        if (ext) {
            memset(&nm, 0, sizeof(nm));
            dof_fs_readdir(fs, R(fs, "/del", 1), DOF_FS_READDIR_DELETED,
                           collect, &nm);
            ok(has_name(&nm, "gone.txt", 8, &del) && del == 1,
               "%s: deleted name listed with DOF_FS_READDIR_DELETED", L);
            ok(has_name(&nm, "kept.txt", 8, &del) && del == 0,
               "%s: live name not marked deleted", L);
        }
    }
    is_int(dof_fs_needs_recovery(fs), 0, "%s: clean fs", L);
}

static void
timing(dof_fs *fs, const char *img)
{
    TSK_IMG_INFO *ti = tsk_img_open_utf8_sing(img, TSK_IMG_TYPE_RAW, 0);
    TSK_FS_INFO *tf = ti ? tsk_fs_open_img(ti, 0, TSK_FS_TYPE_DETECT) : NULL;
    const int N = 20000;
    double t0, t1, t2;
    dof_node n = 0;

    if (tf == NULL) {
        ok(0, "timing: TSK opens the image");
        return;
    }
    dof_fs_resolve(fs, "/names/caf\303\251", 1, &n);
    t0 = now();
    for (int i = 0; i < N; i++)
        dof_fs_resolve(fs, "/names/caf\303\251", 1, &n);
    t1 = now();
    for (int i = 0; i < N / 10; i++) {
        TSK_FS_FILE *f = tsk_fs_file_open(tf, NULL, "/names/caf\303\251");
        tsk_fs_file_close(f);
    }
    t2 = now();
    printf("# timing: dof_fs_resolve (cached) %.2f us/call, "
           "tsk_fs_file_open by path %.2f us/call\n",
           (t1 - t0) * 1e6 / N, (t2 - t1) * 1e6 / (N / 10));
    ok(n != 0, "timing: resolved");
    tsk_fs_close(tf);
    tsk_img_close(ti);
}

static void
recovery(dof_ctx *ctx)
{
    char cmd[2048], img[600];
    dof_evidence *ev = NULL;

    snprintf(img, sizeof(img), "%s/recover.raw", fix);
    snprintf(cmd, sizeof(cmd),
             "cp '%s/ext4.raw' '%s' && debugfs -w -R 'feature "
             "needs_recovery' '%s' >/dev/null 2>&1",
             fix, img, img);
    if (system(cmd) != 0) {
        ok(0, "make a needs_recovery image");
        return;
    }
    is_int(dof_evidence_open(ctx, img, -1, &ev), DOF_OK,
           "open needs_recovery image");
    if (ev && dof_evidence_partition(ev, 0)->fs)
        is_int(dof_fs_needs_recovery(dof_evidence_partition(ev, 0)->fs), 1,
               "needs_recovery detected");
    else
        ok(0, "needs_recovery image has a filesystem");
    dof_evidence_close(ev);
}

static dof_ctx *tctx;

static int
setup(void)
{
    const char *src = getenv("DOF_SRCDIR");
    char cmd[2048], path[600];
    FILE *f;
    long sz;

    if (system("command -v mke2fs >/dev/null && command -v debugfs "
               ">/dev/null && command -v setfattr >/dev/null") != 0)
        skip_all("mke2fs, debugfs or setfattr missing");
    snprintf(fix, sizeof(fix), "%s/dof-test-fs.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(fix) == NULL)
        skip_all("mkdtemp failed");
    snprintf(cmd, sizeof(cmd),
             "sh '%s/tests/unit/fs_mkimg.sh' '%s' >/dev/null", src ? src : ".",
             fix);
    if (system(cmd) != 0) {
        ok(0, "fixture script fs_mkimg.sh failed");
        return -1;
    }
    snprintf(path, sizeof(path), "%s/truth", fix);
    f = fopen(path, "rb");
    if (f == NULL) {
        ok(0, "truth file");
        return -1;
    }
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    rewind(f);
    truth = calloc(1, (size_t)sz + 1);
    if (fread(truth, 1, (size_t)sz, f) != (size_t)sz)
        sz = 0;
    fclose(f);
    tctx = dof_ctx_new();
    return 0;
}

TEST(ext4)
{
    char path[600];
    dof_evidence *ev = NULL;

    snprintf(path, sizeof(path), "%s/ext4.raw", fix);
    is_int(dof_evidence_open(tctx, path, -1, &ev), DOF_OK, "open ext4 image");
    if (ev && dof_evidence_partition(ev, 0) &&
        dof_evidence_partition(ev, 0)->fs) {
        dof_fs *fs = dof_evidence_partition(ev, 0)->fs;
        is_str(dof_fs_type_name(fs), "ext4", "ext: type name");
        suite(tctx, fs, 1);
        timing(fs, path);
    }
    else {
        ok(0, "ext: no filesystem: %s", dof_errmsg(tctx));
    }
    dof_evidence_close(ev);
}

TEST(dir)
{
    char path[600];
    dof_evidence *evd = NULL;

    snprintf(path, sizeof(path), "%s/tree", fix);
    is_int(dof_evidence_open(tctx, path, -1, &evd), DOF_OK, "open tree dir");
    if (evd && dof_evidence_partition(evd, 0)->fs) {
        dof_fs *fs = dof_evidence_partition(evd, 0)->fs;
        is_str(dof_fs_type_name(fs), "dir", "dir: type name");
        suite(tctx, fs, 0);
    }
    else {
        ok(0, "dir: no filesystem: %s", dof_errmsg(tctx));
    }
    dof_evidence_close(evd);
}

TEST(recovery)
{
    recovery(tctx);
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
