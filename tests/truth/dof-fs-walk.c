/*
 * dof-fs-walk.c - test driver: a full walk of one filesystem of the
 * evidence through the dof_fs API, one line per node, for comparison
 * with the kernel's mount of the same filesystem (tests/truth/
 * xfs_truth.py).
 *
 *   dof-fs-walk [-m] EVIDENCE [VOLUME]
 *
 * -m: metadata only (names, stat, symlink targets, xattrs; no file
 * contents): the walk bench/bench-xfs.sh times.
 *
 * Lines (tab separated, paths and targets as hex of their bytes):
 *   R needs_recovery type
 *   P path type mode uid gid size nlink atime mtime ctime major minor
 *     ino sha256|target|- xattrs(name=hexvalue,... sorted)|-
 *   C ino crtime
 * Warnings go to stderr as "W message".
 */
#include "base/base_private.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static int
collect(void *arg, const dof_dirent *de)
{
    names *s = arg;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n] = malloc(de->name_len + 1);
    memcpy(s->v[s->n], de->name, de->name_len + 1);
    s->n++;
    return 0;
}

static void
hex(FILE *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    if (n == 0)
        fputs("-", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

typedef struct xa {
    char **v;
    size_t n, cap;
} xa;

static int
xcb(void *arg, const char *name, const void *value, size_t len)
{
    xa *s = arg;
    size_t nl = strlen(name), k;
    char *e = malloc(nl + 2 + 2 * len + 1);
    memcpy(e, name, nl);
    e[nl] = '=';
    k = nl + 1;
    for (size_t i = 0; i < len; i++)
        k += (size_t)snprintf(e + k, 3, "%02x",
                              ((const unsigned char *)value)[i]);
    e[k] = '\0';
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = e;
    return 0;
}

static int
scmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int meta_only;

static void
walk(dof_fs *fs, dof_node node, const char *path)
{
    dof_stat st;
    xa x = {0};
    names s = {0};

    if (dof_fs_stat(fs, node, &st) != DOF_OK) {
        printf("E\t");
        hex(stdout, path, strlen(path));
        printf("\tstat\n");
        return;
    }
    printf("P\t");
    hex(stdout, path, strlen(path));
    printf("\t%s\t%o\t%u\t%u\t%llu\t%u\t%lld\t%lld\t%lld\t%u\t%u\t%llu\t",
           dof_ftype_name(st.type), st.mode, st.uid, st.gid,
           (unsigned long long)st.size, st.nlink, (long long)st.atime,
           (long long)st.mtime, (long long)st.ctime, st.rdev_major,
           st.rdev_minor, (unsigned long long)st.ino);
    if (st.type == DOF_FT_REG && meta_only) {
        fputs("-", stdout);
    }
    else if (st.type == DOF_FT_REG) {
        char *data = NULL, h[65];
        size_t len = 0;
        if (dof_fs_read_all(fs, node, 256u << 20, &data, &len) == DOF_OK) {
            dof_sha256_hex(data, len, h);
            fputs(h, stdout);
        }
        else
            fputs("unreadable", stdout);
        free(data);
    }
    else if (st.type == DOF_FT_LNK) {
        char *t = NULL;
        if (dof_fs_readlink(fs, node, &t) == DOF_OK)
            hex(stdout, t, strlen(t));
        else
            fputs("unreadable", stdout);
        free(t);
    }
    else
        fputs("-", stdout);
    putchar('\t');
    dof_fs_listxattr(fs, node, xcb, &x);
    if (x.n > 1)
        qsort(x.v, x.n, sizeof(*x.v), scmp);
    if (x.n == 0)
        putchar('-');
    for (size_t i = 0; i < x.n; i++) {
        printf("%s%s", i ? "," : "", x.v[i]);
        free(x.v[i]);
    }
    free(x.v);
    putchar('\n');
    if (st.crtime != DOF_TIME_NONE)
        printf("C\t%llu\t%lld\n", (unsigned long long)st.ino,
               (long long)st.crtime);
    if (st.type != DOF_FT_DIR)
        return;
    dof_fs_readdir(fs, node, 0, collect, &s);
    for (size_t i = 0; i < s.n; i++) {
        size_t pl = strlen(path), nl = strlen(s.v[i]);
        char *child = malloc(pl + nl + 2);
        dof_node c;
        memcpy(child, path, pl);
        if (pl == 0 || path[pl - 1] != '/')
            child[pl++] = '/';
        memcpy(child + pl, s.v[i], nl + 1);
        if (dof_fs_lookup(fs, node, s.v[i], nl, &c) == DOF_OK)
            walk(fs, c, child);
        else
            printf("E\t%s\tlookup\n", child);
        free(child);
        free(s.v[i]);
    }
    free(s.v);
}

int
main(int argc, char **argv)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_fs *fs = NULL;

    if (argc > 1 && strcmp(argv[1], "-m") == 0) {
        meta_only = 1;
        argv++;
        argc--;
    }
    if (argc < 2)
        return 2;
    if (dof_evidence_open(ctx, argv[1], -1, &ev) != DOF_OK) {
        fprintf(stderr, "open: %s\n", dof_errmsg(ctx));
        return 3;
    }
    for (size_t i = 0; i < dof_evidence_partition_count(ev); i++) {
        const dof_partition *p = dof_evidence_partition(ev, i);
        if (p->fs != NULL && (argc < 3 || strcmp(p->address, argv[2]) == 0)) {
            fs = p->fs;
            break;
        }
    }
    if (fs == NULL) {
        fprintf(stderr, "no filesystem\n");
        return 3;
    }
    printf("R\t%d\t%s\n", dof_fs_needs_recovery(fs), dof_fs_type_name(fs));
    walk(fs, dof_fs_root(fs), "/");
    for (size_t i = 0; i < dof_warning_count(ctx); i++)
        fprintf(stderr, "W %s\n", dof_warning_get(ctx, i)->message);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return 0;
}
