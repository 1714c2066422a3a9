/*
 * xfs_robust.c - tests/robust/xfs_robust: mutated XFS images through the
 * whole reader (issue 13): not only the pure decoders of fuzz_xfs but the
 * I/O paths too (extent gathering, bmap btree walks, directory blocks,
 * attr leaf chains, remote values and symlinks, the log check).
 *
 *   xfs_robust [-n MUTANTS] [-s SEED] [-t SECONDS] [-m N] IMAGE
 *
 * IMAGE (a disk with one XFS partition, tests/truth/xfs_mkimg.py) is read
 * into memory once and walked undamaged, which maps where its metadata
 * is: the superblock, every inode, every block of every directory, attr
 * fork and bmap btree.  Each mutant, in a forked child, damages 1-4 of
 * those places (bit flips, random bytes, a zeroed sector) and walks the
 * whole filesystem from dof_evidence_open_mem: stat, readdir, lookup,
 * readlink, listxattr and the first 64 KiB of every file.  Checked: no
 * crash or sanitizer report, no hang (alarm), every status a dof_status.
 * TAP output; `-m N` replays mutant N alone.
 */
#include "fs/fs_xfs.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct range {
    uint64_t off, len;
} range;

static unsigned char *img;
static uint64_t img_len;
static range *rs;
static size_t nr, capr;
static uint64_t part_off;

static void
add_range(uint64_t off, uint64_t len)
{
    if (len == 0 || off >= img_len)
        return;
    if (len > img_len - off)
        len = img_len - off;
    if (nr == capr) {
        capr = capr ? capr * 2 : 1024;
        rs = realloc(rs, capr * sizeof(*rs));
        if (rs == NULL)
            abort();
    }
    rs[nr].off = off;
    rs[nr].len = len;
    nr++;
}

/* ---- the map: a walk of the undamaged image ---- */

static void
map_forks(dof_fs *fs, uint64_t ino)
{
    xfs_impl *x = XFS_IMPL(fs);
    dof_xfs_inode in;
    unsigned char raw[2048];
    dof_xfs_ext *e = NULL;
    size_t n = 0;
    uint64_t off;

    if (dof_xfs_ino_offset(&x->sb, ino, &off) != DOF_OK ||
        dof_xfs_read(fs, off, raw, x->sb.inode_size) != DOF_OK ||
        dof_xfs_inode_parse(&x->sb, raw, x->sb.inode_size, &in) != DOF_OK)
        return;
    add_range(part_off + off, x->sb.inode_size);
    for (int attr = 0; attr < 2; attr++) {
        unsigned fmt = attr ? in.aformat : in.format;
        uint64_t b;
        int meta = attr || (in.mode & 0170000u) != 0100000u;
        if ((fmt != DOF_XFS_FMT_EXTENTS && fmt != DOF_XFS_FMT_BTREE) ||
            (attr && in.afork_len == 0))
            continue;
        if (!meta && fmt != DOF_XFS_FMT_BTREE)
            continue; /* plain file data is no metadata */
        if (dof_xfs_fork_extents(fs, ino, &in, attr, &e, &n) != DOF_OK)
            continue;
        for (size_t i = 0; i < n && meta; i++) {
            if (dof_xfs_fsb_offset(&x->sb, e[i].blk, &b) == DOF_OK)
                add_range(part_off + b, e[i].len * x->sb.block_size);
        }
        if (fmt == DOF_XFS_FMT_BTREE) {
            /* the btree blocks: the root's children (one level) */
            uint64_t ptrs[64];
            unsigned level;
            size_t np = 0;
            if (dof_xfs_bmroot_parse(attr ? in.afork : in.dfork,
                                     attr ? in.afork_len : in.dfork_len,
                                     &level, ptrs, 64, &np) == DOF_OK)
                for (size_t i = 0; i < np; i++)
                    if (dof_xfs_fsb_offset(&x->sb, ptrs[i], &b) == DOF_OK)
                        add_range(part_off + b, x->sb.block_size);
        }
        free(e);
        e = NULL;
    }
}

typedef struct names {
    char **v;
    dof_node *node;
    size_t n, cap;
} names;

static int
collect(void *arg, const dof_dirent *de)
{
    names *s = arg;
    if (s->n >= 100000)
        return 1;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof(*s->v));
        s->node = realloc(s->node, s->cap * sizeof(*s->node));
        if (s->v == NULL || s->node == NULL)
            abort();
    }
    s->v[s->n] = strdup(de->name);
    s->node[s->n] = de->node;
    s->n++;
    return 0;
}

static int bad_status;

static void
check(int rc)
{
    if (rc > 0 || rc < -20) {
        fprintf(stderr, "xfs_robust: status %d is no dof_status\n", rc);
        bad_status = 1;
    }
}

static int
xa_cb(void *arg, const char *name, const void *value, size_t len)
{
    volatile size_t sink = strlen(name) + len;
    (void)arg;
    (void)value;
    (void)sink;
    return 0;
}

/* Walk everything under dir; map != 0: record metadata ranges. */
static void
walk(dof_fs *fs, dof_node dir, int depth, int map, size_t *budget)
{
    names s = {0};
    int rc;

    if (depth > 64 || *budget == 0)
        return;
    if (map)
        map_forks(fs, dir);
    rc = dof_fs_readdir(fs, dir, 0, collect, &s);
    check(rc);
    for (size_t i = 0; i < s.n; i++) {
        dof_stat st;
        dof_node c = DOF_NODE_NONE;
        if (*budget == 0) {
            free(s.v[i]);
            continue;
        }
        (*budget)--;
        check(dof_fs_lookup(fs, dir, s.v[i], strlen(s.v[i]), &c));
        rc = dof_fs_stat(fs, s.node[i], &st);
        check(rc);
        if (rc == DOF_OK) {
            check(dof_fs_listxattr(fs, s.node[i], xa_cb, NULL));
            if (map && st.type != DOF_FT_DIR)
                map_forks(fs, s.node[i]);
            if (st.type == DOF_FT_LNK) {
                char *t = NULL;
                check(dof_fs_readlink(fs, s.node[i], &t));
                free(t);
            }
            else if (st.type == DOF_FT_REG) {
                static char buf[65536];
                size_t got = 0;
                check(dof_fs_read(fs, s.node[i], 0, buf, sizeof(buf), &got));
            }
            else if (st.type == DOF_FT_DIR)
                walk(fs, s.node[i], depth + 1, map, budget);
        }
        free(s.v[i]);
    }
    free(s.v);
    free(s.node);
}

static dof_fs *
open_fs(dof_ctx *ctx, dof_evidence **ev)
{
    if (dof_evidence_open_mem(ctx, "xfs", img, img_len, -1, ev) != DOF_OK)
        return NULL;
    for (size_t i = 0; i < dof_evidence_partition_count(*ev); i++) {
        const dof_partition *p = dof_evidence_partition(*ev, i);
        if (p->fs != NULL) {
            part_off = p->offset_bytes;
            return p->fs;
        }
    }
    return NULL;
}

/* ---- mutants ---- */

static uint64_t
rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void
mutate(uint64_t seed)
{
    uint64_t s = seed;
    unsigned k = 1 + (unsigned)(rnd(&s) % 4);

    for (unsigned j = 0; j < k; j++) {
        const range *r = &rs[rnd(&s) % nr];
        uint64_t o = r->off + rnd(&s) % r->len;
        switch (rnd(&s) % 3) {
        case 0: img[o] ^= (unsigned char)(1u << (rnd(&s) % 8)); break;
        case 1:
            for (unsigned i = 0; i < 16 && o + i < r->off + r->len; i++)
                img[o + i] = (unsigned char)rnd(&s);
            break;
        default:
            o &= ~(uint64_t)511;
            if (o < r->off)
                o = r->off;
            memset(img + o, 0,
                   (size_t)(r->off + r->len - o < 512 ? r->off + r->len - o
                                                      : 512));
        }
    }
}

static int
run_child(uint64_t seed, unsigned secs)
{
    pid_t pid = fork();
    int st;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        dof_ctx *ctx = dof_ctx_new();
        dof_evidence *ev = NULL;
        dof_fs *fs;
        size_t budget = 50000;
        alarm(secs);
        mutate(seed);
        fs = open_fs(ctx, &ev);
        if (fs != NULL)
            walk(fs, dof_fs_root(fs), 0, 0, &budget);
        dof_evidence_close(ev);
        dof_ctx_free(ctx);
        _exit(bad_status ? 3 : 0);
    }
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

int
main(int argc, char **argv)
{
    unsigned n = 300, secs = 30;
    uint64_t seed = 13;
    long only = -1;
    int opt, failed = 0;
    FILE *f;
    long len;

    while ((opt = getopt(argc, argv, "n:s:t:m:")) != -1) {
        switch (opt) {
        case 'n': n = (unsigned)strtoul(optarg, NULL, 10); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 't': secs = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'm': only = strtol(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (optind >= argc)
        return 2;
    if ((f = fopen(argv[optind], "rb")) == NULL || fseek(f, 0, SEEK_END) ||
        (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
        (img = malloc((size_t)len)) == NULL ||
        fread(img, 1, (size_t)len, f) != (size_t)len) {
        printf("1..0 # SKIP cannot read %s\n", argv[optind]);
        return 0;
    }
    fclose(f);
    img_len = (uint64_t)len;
    {
        dof_ctx *ctx = dof_ctx_new();
        dof_evidence *ev = NULL;
        dof_fs *fs = open_fs(ctx, &ev);
        size_t budget = 1000000;
        if (fs == NULL) {
            printf("not ok 1 - the undamaged image opens: %s\n",
                   dof_errmsg(ctx));
            printf("1..1\n");
            return 1;
        }
        add_range(part_off, 512); /* the superblock */
        walk(fs, dof_fs_root(fs), 0, 1, &budget);
        dof_evidence_close(ev);
        dof_ctx_free(ctx);
    }
    printf("ok 1 - the undamaged image maps %zu metadata ranges\n", nr);
    for (unsigned k = 0; k < n; k++) {
        int rc;
        if (only >= 0 && k != (unsigned long)only)
            continue;
        rc = run_child(seed * 1000003u + k, secs);
        if (rc != 0) {
            failed++;
            printf("not ok %u - mutant %u: %s %d (replay: xfs_robust -s "
                   "%llu -m %u IMAGE)\n",
                   only >= 0 ? 2 : k + 2, k,
                   rc == 128 + SIGALRM ? "hang, killed by signal"
                   : rc > 128          ? "crash, signal"
                                       : "exit",
                   rc > 128 ? rc - 128 : rc, (unsigned long long)seed, k);
        }
        else
            printf("ok %u - mutant %u\n", only >= 0 ? 2 : k + 2, k);
        fflush(stdout);
    }
    printf("1..%u\n", only >= 0 ? 2 : n + 1);
    return failed ? 1 : 0;
}
