/*
 * test_bodyfile.c - bodyfile lines: TSK mode strings, name escaping (| and
 * newline), --ns times, and the walk of an overlay and an aufs upper dir
 * on an ext4 image built here with mke2fs -d + debugfs (whiteouts, opaque
 * directories, long symlinks), checked against values set with debugfs
 * and inode numbers from TSK's ifind.
 */
#include "tap.h"

#include "dof.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

TEST(modes)
{
    dof_stat st;
    char m[13];

    memset(&st, 0, sizeof(st));
    st.type = DOF_FT_REG;
    st.mode = 0644;
    dof_bodyfile_mode_string(DOF_FT_REG, &st, m);
    is_str(m, "r/rrw-r--r--", "regular 0644");
    st.type = DOF_FT_DIR;
    st.mode = 0755;
    dof_bodyfile_mode_string(DOF_FT_DIR, &st, m);
    is_str(m, "d/drwxr-xr-x", "directory 0755");
    st.type = DOF_FT_LNK;
    st.mode = 0777;
    dof_bodyfile_mode_string(DOF_FT_LNK, &st, m);
    is_str(m, "l/lrwxrwxrwx", "symlink");
    st.type = DOF_FT_CHR;
    st.mode = 0644;
    dof_bodyfile_mode_string(DOF_FT_CHR, &st, m);
    is_str(m, "c/crw-r--r--", "char device");
    st.mode = 0;
    dof_bodyfile_mode_string(DOF_FT_CHR, &st, m);
    is_str(m, "c/c---------", "whiteout mode 0000");
    st.type = DOF_FT_BLK;
    st.mode = 0660;
    dof_bodyfile_mode_string(DOF_FT_BLK, &st, m);
    is_str(m, "b/brw-rw----", "block device");
    st.type = DOF_FT_FIFO;
    st.mode = 0600;
    dof_bodyfile_mode_string(DOF_FT_FIFO, &st, m);
    is_str(m, "p/prw-------", "fifo");
    st.type = DOF_FT_SOCK;
    st.mode = 0777;
    dof_bodyfile_mode_string(DOF_FT_SOCK, &st, m);
    is_str(m, "s/srwxrwxrwx", "socket");
    st.type = DOF_FT_REG;
    st.mode = 04755;
    dof_bodyfile_mode_string(DOF_FT_REG, &st, m);
    is_str(m, "r/rrwsr-xr-x", "setuid with x");
    st.mode = 02644;
    dof_bodyfile_mode_string(DOF_FT_REG, &st, m);
    is_str(m, "r/rrw-r-Sr--", "setgid without x");
    st.type = DOF_FT_DIR;
    st.mode = 01777;
    dof_bodyfile_mode_string(DOF_FT_DIR, &st, m);
    is_str(m, "d/drwxrwxrwt", "sticky with x");
    st.mode = 01776;
    dof_bodyfile_mode_string(DOF_FT_DIR, &st, m);
    is_str(m, "d/drwxrwxrwT", "sticky without x");
    dof_bodyfile_mode_string(DOF_FT_REG, NULL, m);
    is_str(m, "r/----------", "no inode");
}

TEST(lines)
{
    dof_bodyfile_entry e;
    static const char path[] = "/a|b\nc\\d\xff";
    static const char target[] = "x|y";
    char *l;

    memset(&e, 0, sizeof(e));
    e.path = path;
    e.path_len = sizeof(path) - 1;
    e.has_stat = 1;
    e.name_type = DOF_FT_REG;
    e.st.type = DOF_FT_REG;
    e.st.ino = 42;
    e.st.mode = 0640;
    e.st.uid = 1000;
    e.st.gid = 50;
    e.st.size = 7;
    e.st.atime = 1600000000123456789LL;
    e.st.mtime = 1500000000000000000LL;
    e.st.ctime = -1500000000LL; /* 1969-12-31T23:59:58.5 */
    e.st.crtime = DOF_TIME_NONE;
    l = dof_bodyfile_line(&e, 0);
    is_str(l,
           "0|/a\\x7cb\\x0ac\\\\d\\xff|42|r/rrw-r-----|1000|50|7|"
           "1600000000|1500000000|-2|0\n",
           "| and newline escaped, integer seconds, crtime 0");
    free(l);
    l = dof_bodyfile_line(&e, DOF_BODYFILE_NS);
    is_str(l,
           "0|/a\\x7cb\\x0ac\\\\d\\xff|42|r/rrw-r-----|1000|50|7|"
           "1600000000.123456789|1500000000.000000000|-2.500000000|0\n",
           "--ns: nine fraction digits, floor for times before 1970");
    free(l);
    e.path = "/l";
    e.path_len = 2;
    e.name_type = DOF_FT_LNK;
    e.st.type = DOF_FT_LNK;
    e.st.mode = 0777;
    e.link = target;
    e.link_len = 3;
    e.st.ctime = 0;
    l = dof_bodyfile_line(&e, 0);
    is_str(l,
           "0|/l -> x\\x7cy|42|l/lrwxrwxrwx|1000|50|7|1600000000|"
           "1500000000|0|0\n",
           "symlink target encoded");
    free(l);
    e.link = NULL;
    e.kind = DOF_BODYFILE_WHITEOUT;
    e.path = "/gone";
    e.path_len = 5;
    e.name_type = DOF_FT_CHR;
    e.st.type = DOF_FT_CHR;
    e.st.mode = 0;
    l = dof_bodyfile_line(&e, 0);
    ok(l && strstr(l, "0|/gone (whiteout)|42|c/c---------|") == l,
       "whiteout marker: %s", l ? l : "(null)");
    free(l);
    e.kind = DOF_BODYFILE_FILE;
    e.opaque = 1;
    e.name_type = DOF_FT_DIR;
    e.st.type = DOF_FT_DIR;
    e.st.mode = 0755;
    l = dof_bodyfile_line(&e, 0);
    ok(l && strstr(l, "0|/gone (opaque)|42|d/drwxr-xr-x|") == l,
       "opaque marker: %s", l ? l : "(null)");
    free(l);
}

/* ---- the walk on a built image ---- */

typedef struct lines {
    char *v[256];
    size_t n;
} lines;

static int
collect(void *arg, const dof_bodyfile_entry *e)
{
    lines *ls = arg;
    if (ls->n < 256)
        ls->v[ls->n++] = dof_bodyfile_line(e, 0);
    return 0;
}

static const char *
find_line(const lines *ls, const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < ls->n; i++)
        if (ls->v[i] && strncmp(ls->v[i], prefix, n) == 0)
            return ls->v[i];
    return NULL;
}

static unsigned long long
ifind(const char *img, const char *path)
{
    char cmd[1024];
    unsigned long long ino = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "ifind -n '%s' '%s' 2>/dev/null", path, img);
    p = popen(cmd, "r");
    if (p == NULL)
        return 0;
    if (fscanf(p, "%llu", &ino) != 1)
        ino = 0;
    pclose(p);
    return ino;
}

static int
put_file(const char *rel, const char *text)
{
    char p[512];
    FILE *f;
    snprintf(p, sizeof(p), "%s/tree/%s", dir, rel);
    f = fopen(p, "w");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int
build_image(const char *img)
{
    static const char *const dirs[] = {"tree",
                                       "tree/up",
                                       "tree/up/etc",
                                       "tree/up/var",
                                       "tree/up/var/cache",
                                       "tree/up/tmp",
                                       "tree/au",
                                       "tree/au/etc",
                                       "tree/au/opt",
                                       "tree/au/.wh..wh.plnk"};
    char p[512], cmd[2048];
    FILE *f;

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
        if (mkdir(p, 0755) != 0)
            return -1;
    }
    if (put_file("up/etc/passwd", "root:x:0:0\n") ||
        put_file("up/tmp/a|b", "pipe") || put_file("up/tmp/new\nline", "nl") ||
        put_file("up/var/cache/kept", "k") ||
        put_file("au/etc/.wh.motd", "") || put_file("au/etc/hosts", "h") ||
        put_file("au/opt/.wh..wh..opq", "") ||
        put_file("au/.wh..wh.plnk/123.456", "x"))
        return -1;
    snprintf(p, sizeof(p), "%s/tree/up/long", dir);
    if (symlink("/usr/share/a/very/long/target/that/does/not/fit/in/the/"
                "inode/i_block/area.txt",
                p) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/tree/up/short", dir);
    if (symlink("etc/passwd", p) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/tree/up/tmp", dir);
    chmod(p, 01777);
    snprintf(cmd, sizeof(cmd),
             "PATH=$PATH:/sbin:/usr/sbin; mke2fs -q -t ext4 -d '%s/tree' -F "
             "'%s' 16M >/dev/null 2>&1",
             dir, img);
    if (system(cmd) != 0)
        return -1;
    snprintf(p, sizeof(p), "%s/cmds", dir);
    f = fopen(p, "w");
    if (f == NULL)
        return -1;
    fputs("cd /up/etc\n"
          "mknod gone c 0 0\n"
          "set_inode_field gone mode 020000\n"
          "set_inode_field gone mtime 20230506070809\n"
          "set_inode_field gone ctime 20230506070810\n"
          "set_inode_field gone atime 20230506070811\n"
          "set_inode_field gone crtime 20230506070812\n"
          "set_inode_field passwd mtime 20220102030405\n"
          "set_inode_field passwd mtime_extra 2000\n"
          "set_inode_field passwd crtime 20210102030405\n"
          "cd /\n"
          "ea_set /up/var/cache trusted.overlay.opaque y\n",
          f);
    if (fclose(f) != 0)
        return -1;
    snprintf(cmd, sizeof(cmd),
             "PATH=$PATH:/sbin:/usr/sbin; debugfs -w -f '%s/cmds' '%s' "
             ">/dev/null 2>&1",
             dir, img);
    return system(cmd) == 0 ? 0 : -1;
}

TEST(walk)
{
    char img[300], want[512];
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    const dof_partition *v;
    dof_store root;
    dof_container c;
    dof_bodyfile_opts o;
    lines ls;
    const char *l;
    int rc;

    snprintf(img, sizeof(img), "%s/img.raw", dir);
    if (build_image(img) != 0) {
        ok(0, "build the test image (mke2fs -d, debugfs)");
        dof_ctx_free(ctx);
        return;
    }
    rc = dof_evidence_open(ctx, img, 0, &ev);
    is_int(rc, DOF_OK, "open the image: %s", dof_errmsg(ctx));
    if (rc != DOF_OK) {
        dof_ctx_free(ctx);
        return;
    }
    v = dof_evidence_partition(ev, 0);
    memset(&root, 0, sizeof(root));
    root.path = "/";
    root.fs = v ? v->fs : NULL;
    memset(&c, 0, sizeof(c));
    c.store = &root;
    c.id = "0123";
    c.name = "t";
    c.driver = "overlay2";
    c.driver_supported = 1;
    c.upper_dir = "/up";
    dof_bodyfile_opts_init(&o);
    memset(&ls, 0, sizeof(ls));
    rc = dof_bodyfile_walk(ctx, &c, &o, collect, &ls);
    is_int(rc, DOF_OK, "overlay walk: %s", dof_errmsg(ctx));
    /* every entry below /up (lost+found is not in it), nothing else */
    is_int(ls.n, 11, "overlay: 11 entries");
    snprintf(want, sizeof(want),
             "0|/etc/gone (whiteout)|%llu|c/c---------|0|0|0|1683356891|"
             "1683356889|1683356890|1683356892\n",
             ifind(img, "/up/etc/gone"));
    l = find_line(&ls, "0|/etc/gone");
    is_str(l, want, "whiteout: NAME (whiteout), its inode and debugfs times");
    snprintf(want, sizeof(want), "0|/etc/passwd|%llu|r/rrw-r--r--|",
             ifind(img, "/up/etc/passwd"));
    l = find_line(&ls, want);
    ok(l != NULL, "passwd: inode from ifind");
    ok(l && strstr(l, "|1641092645|") && strstr(l, "|1609556645\n"),
       "passwd: mtime and crtime set by debugfs: %s", l ? l : "(null)");
    ok(find_line(&ls, "0|/var/cache (opaque)|") != NULL,
       "opaque directory marked");
    ok(find_line(&ls, "0|/var/cache/kept|") != NULL,
       "content of the opaque dir listed");
    ok(find_line(&ls, "0|/var|") != NULL, "plain directory not marked");
    ok(find_line(&ls, "0|/tmp/a\\x7cb|") != NULL, "| escaped in a name");
    ok(find_line(&ls, "0|/tmp/new\\x0aline|") != NULL,
       "newline escaped in a name");
    ok(find_line(&ls, "0|/tmp|") &&
           strstr(find_line(&ls, "0|/tmp|"), "|d/drwxrwxrwt|"),
       "sticky /tmp mode string");
    ok(find_line(&ls, "0|/long -> /usr/share/a/very/long/target/that/does/"
                      "not/fit/in/the/inode/i_block/area.txt|") != NULL,
       "long symlink target shown");
    ok(find_line(&ls, "0|/short -> etc/passwd|") != NULL,
       "short symlink target shown");
    for (size_t i = 0; i < ls.n; i++) {
        ok(ls.v[i] && strchr(ls.v[i], '\n') == ls.v[i] + strlen(ls.v[i]) - 1,
           "one line, 11 fields: %zu", i);
        size_t bars = 0;
        for (const char *s = ls.v[i]; s && *s; s++)
            bars += *s == '|';
        is_int(bars, 10, "10 separators in line %zu", i);
        free(ls.v[i]);
    }

    /* aufs: .wh.NAME whiteouts, .wh..wh..opq, bookkeeping skipped */
    c.driver = "aufs";
    c.upper_dir = "/au";
    memset(&ls, 0, sizeof(ls));
    rc = dof_bodyfile_walk(ctx, &c, &o, collect, &ls);
    is_int(rc, DOF_OK, "aufs walk");
    is_int(ls.n, 4, "aufs: etc, etc/motd, etc/hosts, opt");
    snprintf(want, sizeof(want), "0|/etc/motd (whiteout)|%llu|r/rrw-r--r--|",
             ifind(img, "/au/etc/.wh.motd"));
    ok(find_line(&ls, want) != NULL, "aufs whiteout as NAME (whiteout)");
    ok(find_line(&ls, "0|/opt (opaque)|") != NULL, "aufs opaque dir marked");
    ok(find_line(&ls, "0|/.wh..wh.plnk") == NULL &&
           find_line(&ls, "0|/opt/.wh..wh..opq") == NULL,
       "aufs bookkeeping not listed");
    for (size_t i = 0; i < ls.n; i++)
        free(ls.v[i]);

    c.upper_dir = "/missing";
    memset(&ls, 0, sizeof(ls));
    rc = dof_bodyfile_walk(ctx, &c, &o, collect, &ls);
    is_int(rc, DOF_ERR_NOTFOUND, "missing writable layer");
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
}

static int
setup(void)
{
    snprintf(dir, sizeof(dir), "%s/test_bodyfile.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(dir) == NULL)
        skip_all("cannot make a temporary directory");
    return 0;
}

static void
teardown(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
}

TAP_MAIN(setup, teardown)
