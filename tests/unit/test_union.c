/*
 * test_union.c - the union view on a synthetic layer stack built at test
 * time (tests/unit/union_mkimg.sh: mke2fs -d + debugfs whiteouts, opaque and
 * redirect xattrs).  Expected values are the ones the script wrote.
 */
#include "view/union_private.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

static dof_union *
stack_open(dof_ctx *ctx, dof_fs *fs, int with_container)
{
    dof_union *u = NULL;
    int rc = dof_union_new(ctx, &u);

    if (rc == DOF_OK && with_container)
        rc = dof_union_push_layer(u, DOF_USRC_CONTAINER, -1, "c", "/C", fs,
                                  DOF_NODE_NONE, 0);
    if (rc == DOF_OK)
        rc = dof_union_push_layer(u, DOF_USRC_INIT, -1, "c-init", "/I", fs,
                                  DOF_NODE_NONE, 0);
    if (rc == DOF_OK)
        rc = dof_union_push_layer(u, DOF_USRC_LAYER, 2, "l2", "/L2", fs,
                                  DOF_NODE_NONE, 0);
    if (rc == DOF_OK)
        rc = dof_union_push_layer(u, DOF_USRC_LAYER, 1, "l1", "/L1", fs,
                                  DOF_NODE_NONE, 0);
    if (rc == DOF_OK)
        rc = dof_union_push_layer(u, DOF_USRC_LAYER, 0, "l0", "/L0", fs,
                                  DOF_NODE_NONE, 0);
    if (rc != DOF_OK) {
        dof_union_close(u);
        return NULL;
    }
    return u;
}

/* Content of a path in the view ("" on failure). */
static const char *
content(dof_union *u, const char *path, const dof_usource **src)
{
    static char buf[256];
    dof_uentry e;
    size_t got = 0;

    buf[0] = '\0';
    if (dof_union_lookup(u, path, 1, &e) != DOF_OK)
        return "(absent)";
    if (src)
        *src = e.src;
    if (dof_union_read(u, &e, 0, buf, sizeof(buf) - 1, &got) != DOF_OK)
        return "(unreadable)";
    buf[got] = '\0';
    return buf;
}

typedef struct names {
    char buf[1024];
} names;

static int
names_cb(void *arg, const dof_uentry *e)
{
    names *n = arg;
    size_t l = strlen(n->buf);
    snprintf(n->buf + l, sizeof(n->buf) - l, "%s%.*s", l ? "," : "",
             (int)e->name_len, e->name);
    return 0;
}

static const char *
listing(dof_union *u, const char *path)
{
    static names n;
    n.buf[0] = '\0';
    if (dof_union_readdir(u, path, names_cb, &n) != DOF_OK)
        return "(error)";
    return n.buf;
}

static int
absent(dof_union *u, const char *path)
{
    dof_uentry e;
    return dof_union_lookup(u, path, 0, &e) == DOF_ERR_NOTFOUND;
}

typedef struct changes {
    char buf[2048];
    int whiteouts, opaque_d;
} changes;

/* Sorted set of "K path" lines, built from the callback. */
static char *lines[64];
static size_t nlines;

static int
change_cb(void *arg, const dof_change *ch)
{
    changes *c = arg;
    char *s;
    if (nlines >= 64)
        return 1;
    s = malloc(ch->path_len + 3);
    if (s == NULL)
        return 1;
    s[0] = "CAD"[ch->kind];
    s[1] = ' ';
    memcpy(s + 2, ch->path, ch->path_len);
    s[ch->path_len + 2] = '\0';
    lines[nlines++] = s;
    if (ch->kind == DOF_CHANGE_DELETE && ch->has_whiteout)
        c->whiteouts++;
    if (ch->kind == DOF_CHANGE_DELETE && ch->by_opaque)
        c->opaque_d++;
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
warned(dof_ctx *ctx, const char *what)
{
    for (size_t i = 0; i < dof_warning_count(ctx); i++)
        if (strstr(dof_warning_get(ctx, i)->message, what))
            return 1;
    return 0;
}

static dof_ctx *t_ctx;
static dof_evidence *t_ev;
static dof_fs *t_fs;
static dof_union *t_u, *t_img_u;
static char t_img[512];

static int
setup(void)
{
    char cmd[1200];
    const char *src = getenv("DOF_SRCDIR");

    t_ctx = dof_ctx_new();
    if (system("command -v mke2fs >/dev/null && command -v debugfs "
               ">/dev/null") != 0)
        skip_all("mke2fs/debugfs not installed");
    snprintf(t_img, sizeof(t_img), "%s/union-test-%ld.raw",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    snprintf(cmd, sizeof(cmd), "sh %s/tests/unit/union_mkimg.sh %s",
             src ? src : ".", t_img);
    if (system(cmd) != 0)
        skip_all("cannot build the test image");
    if (dof_evidence_open(t_ctx, t_img, -1, &t_ev) != DOF_OK ||
        dof_evidence_partition_count(t_ev) < 1 ||
        (t_fs = dof_evidence_partition(t_ev, 0)->fs) == NULL) {
        printf("# %s\n", dof_errmsg(t_ctx));
        unlink(t_img);
        skip_all("cannot open the test image");
    }
    t_u = stack_open(t_ctx, t_fs, 1);
    ok(t_u != NULL, "stack of 5 layers opens");
    if (t_u == NULL)
        return -1;
    t_img_u = stack_open(t_ctx, t_fs, 0);
    return 0;
}

TEST(layer_order)
{
    const dof_usource *s = NULL;

    is_str(content(t_u, "/f.txt", &s), "container\n",
           "changed in two layers and the container: container wins");
    ok(s && s->kind == DOF_USRC_CONTAINER, "its source is the container");
    is_str(content(t_u, "/g.txt", &s), "two\n",
           "changed in two image layers: the top one wins");
    ok(s && s->kind == DOF_USRC_LAYER && s->index == 2,
       "its source is layer 2");
    is_str(content(t_img_u, "/f.txt", &s), "two!\n",
           "without the container's copy: the top image layer, not base");
    ok(s && s->index == 2, "attributed to layer 2");
}

TEST(whiteouts)
{
    ok(absent(t_u, "/dir1"), "whiteout hides the directory");
    ok(absent(t_u, "/dir1/a/b/c"), "and everything below it");
    ok(strstr(listing(t_u, "/"), "dir1") == NULL, "not listed in /");
    ok(absent(t_u, "/gone.txt"), "image-layer whiteout hides base file");
    ok(!absent(t_img_u, "/dir1/a/b/c"), "image view still has /dir1/a/b/c");
    is_str(listing(t_u, "/etc"), "group,hostname,hosts",
           "merged /etc: L1 group, init hostname, container hosts; passwd "
           "whited out");
}

TEST(opaque)
{
    dof_uentry e;

    is_str(listing(t_u, "/op"), "z", "opaque dir: only the container's z");
    is_str(listing(t_img_u, "/op"), "x,y", "image view: x from L0, y from L1");
    ok(dof_union_lookup(t_u, "/op", 1, &e) == DOF_OK &&
           (e.flags & DOF_UENT_OPAQUE),
       "opaque flag on /op");
}

TEST(file_over_dir)
{
    dof_uentry e;

    ok(dof_union_lookup(t_u, "/fd", 1, &e) == DOF_OK &&
           e.st.type == DOF_FT_REG,
       "file over a directory is a file");
    ok(absent(t_u, "/fd/child"), "the directory below is hidden");
    is_str(listing(t_u, "/df"), "new",
           "dir over file over dir: nothing merged below the file");
}

TEST(redirect)
{
    dof_uentry e;

    is_str(listing(t_u, "/rd"), "o1", "redirect: lower content from /orig");
    ok(dof_union_lookup(t_u, "/rd", 1, &e) == DOF_OK &&
           (e.flags & DOF_UENT_REDIRECT),
       "redirect flag on /rd");
    ok(warned(t_ctx, "trusted.overlay.redirect"), "redirect is reported");
}

TEST(symlinks)
{
    dof_uentry e;

    is_str(content(t_u, "/bin/sh", NULL), "#!/bin/sh\n",
           "/bin -> usr/bin followed in the view");
    is_str(content(t_u, "/abs-link", NULL), "container\n",
           "absolute symlink resolves in the view, not the host");
    ok(dof_union_lookup(t_u, "/abs-link", 0, &e) == DOF_OK &&
           e.st.type == DOF_FT_LNK,
       "lookup without follow_last gives the link");
    is_str(content(t_u, "/usr/../g.txt", NULL), "two\n", ".. handled");
}

TEST(mounts)
{
    dof_uentry e;

    {
        dof_node n;
        ok(dof_fs_resolve(t_fs, "/L0/orig", 1, &n) == DOF_OK, "mount src");
        is_int(dof_union_add_mount(t_u, DOF_USRC_VOLUME, "vol", "/L0/orig",
                                   "/data/v", t_fs, n),
               DOF_OK, "add a volume mount at /data/v");
        is_str(listing(t_u, "/data/v"), "o1", "the volume's files");
        ok(dof_union_lookup(t_u, "/data", 1, &e) == DOF_OK &&
               (e.flags & DOF_UENT_SYNTH),
           "/data made up to reach the mount");
        ok(strstr(listing(t_u, "/"), "data") != NULL, "/data listed in /");
        ok(dof_union_lookup(t_u, "/data/v/o1", 1, &e) == DOF_OK &&
               e.src->kind == DOF_USRC_VOLUME,
           "file attributed to the volume");
    }
}

/* diff: the container layer over the rest vs the rest */
TEST(diff)
{
    changes ch;

    dof_union_close(t_u);
    t_u = stack_open(t_ctx, t_fs, 1);
    memset(&ch, 0, sizeof(ch));
    nlines = 0;
    is_int(dof_union_diff_views(t_u, change_cb, &ch), DOF_OK, "diff runs");
    qsort(lines, nlines, sizeof(*lines), cmp_str);
    {
        static const char *const want[] = {
            "A /abs-link", "A /etc/hosts", "A /newfile",    "A /op/z",
            "A /rd",       "A /rd/o1",     "C /etc",        "C /f.txt",
            "C /op",       "D /dir1",      "D /etc/passwd", "D /op/x",
            "D /op/y"};
        size_t nw = sizeof(want) / sizeof(want[0]);
        char got[2048] = "", exp[2048] = "";
        for (size_t i = 0; i < nlines; i++) {
            strncat(got, lines[i], sizeof(got) - strlen(got) - 2);
            strncat(got, ";", sizeof(got) - strlen(got) - 1);
        }
        for (size_t i = 0; i < nw; i++) {
            strncat(exp, want[i], sizeof(exp) - strlen(exp) - 2);
            strncat(exp, ";", sizeof(exp) - strlen(exp) - 1);
        }
        is_str(got, exp, "docker-diff set");
    }
    is_int(ch.whiteouts, 2, "two D from whiteouts (dir1, etc/passwd)");
    is_int(ch.opaque_d, 2, "two D from the opaque dir (op/x, op/y)");
    for (size_t i = 0; i < nlines; i++)
        free(lines[i]);
}

static void
teardown(void)
{
    dof_union_close(t_u);
    dof_union_close(t_img_u);
    dof_evidence_close(t_ev);
    dof_ctx_free(t_ctx);
    if (!getenv("DOF_KEEP_FIXTURES"))
        unlink(t_img);
}

TAP_MAIN(setup, teardown)
