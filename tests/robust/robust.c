/*
 * robust.c - tests/robust/robust: mutated evidence images (issue 7).
 *
 *   robust [-n MUTANTS] [-s SEED] [-t SECONDS] [-j JOBS] [-a] [-m N]
 *          [-v] [-E FILE.E01 [-e MUTANTS]] IMAGE...
 *
 * Each IMAGE (raw: a disk with a partition table or a bare filesystem) is
 * read into memory once.  A map of where the Docker data root lives in it
 * is made ahead of the run (the data roots dof finds on the undamaged
 * image, then with TSK: superblock and group descriptors, the inodes,
 * directory blocks and file blocks of everything under them), then every
 * mutant - in a forked child, so nothing is copied but the pages a mutation
 * touches - damages that image with a fixed-seed PRNG (bit flips, zeroed
 * blocks, random bytes, a zeroed JSON head, truncation) and is served to dof
 * through dof_evidence_open_mem (tsk_img_open_external).  The child runs a
 * sample of operations (-a: all of them): open the evidence, dof_host_open,
 * every container and image record, their configs, logs, union view readdir,
 * volumes and networks, the report writers.  Checked per mutant: no crash or
 * sanitizer report (the child's exit status), no hang (alarm after -t
 * seconds), no leak (LeakSanitizer at the child's exit when built with
 * ASan), every status in the documented dof_status set, and when the
 * head of a JSON config was zeroed and the host was opened, a warning or
 * error naming that file.  Output is TAP; a failing mutant is named with
 * its number so `robust -m N ...` replays it alone.
 *
 * -E: then -e (default 100) mutants of FILE.E01, an E01 made from the first
 * IMAGE: 1-4 chunks under the data root damaged (bits flipped, bytes
 * zeroed, the table entry changed), written to a temp dir, opened with
 * dof's E01 reader behind a TSK image that compares every read with the
 * first IMAGE: bytes that differ must be zeros already reported by a
 * warning naming the E01 and those sectors.
 */
#include "fs/fs_private.h"
#include "../unit/tap.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Sanitizer settings of the children (used only in an ASan build):
 * - TSK 4.11 calloc()s sizes read from a damaged inode (seen: 0xec21...);
 *   without ASan that returns NULL and TSK reports an error, so let ASan
 *   return NULL too instead of aborting.
 * - libtsk has no frame pointers: unwind slowly so that stacks through
 *   it are whole (and the suppression below can match).
 * - TSK 4.11 leaks its block buffer when loading a damaged ext4 extent
 *   tree fails (allocated under tsk_fs_file_attr_get; reproduce with
 *   `robust -w` and `valgrind icat`).  A TSK_FS_FILE that dof forgot to
 *   close is still reported: its direct leak is allocated elsewhere.
 * - libewf 20140813 leaks a chunk buffer when reading a damaged or missing
 *   chunk fails (E01 mutants; tests/lsan.supp has the same entry).
 */
#define SAN_HOOK __attribute__((visibility("default"), used))
SAN_HOOK const char *__asan_default_options(void);
SAN_HOOK const char *__lsan_default_suppressions(void);

const char *
__asan_default_options(void)
{
    return "allocator_may_return_null=1:fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions(void)
{
    return "leak:tsk_fs_file_attr_get\nleak:libewf_chunk_data_initialize\n";
}

/* ---- the map: byte ranges of the data root in an image ---- */

enum { R_META, R_INODE, R_DIR, R_FILE, R_JSON };
static const char *const rkind[] = {"meta", "inode", "dir", "file", "json"};

typedef struct range {
    uint64_t off, len;
    int kind;
    char *path; /* on its fs ("/var/lib/docker/...") */
} range;

typedef struct image {
    const char *file;
    unsigned char *buf;
    uint64_t len;
    range *r;
    size_t nr, cap;
    size_t by_kind[5];
} image;

static int verbose;
/* global, so that LeakSanitizer in a child sees them as reachable */
static image *imgs;

static void
add_range(image *im, uint64_t off, uint64_t len, int kind, const char *path)
{
    if (len == 0 || off >= im->len)
        return;
    if (len > im->len - off)
        len = im->len - off;
    if (im->nr > 0) { /* merge runs of the same object */
        range *p = &im->r[im->nr - 1];
        if (p->kind == kind && p->off + p->len == off &&
            strcmp(p->path, path) == 0) {
            p->len += len;
            return;
        }
    }
    if (im->nr == im->cap) {
        size_t nc = im->cap ? im->cap * 2 : 256;
        range *nr = realloc(im->r, nc * sizeof(*nr));
        if (nr == NULL)
            return;
        im->r = nr;
        im->cap = nc;
    }
    im->r[im->nr].off = off;
    im->r[im->nr].len = len;
    im->r[im->nr].kind = kind;
    im->r[im->nr].path = strdup(path);
    if (im->r[im->nr].path == NULL)
        return;
    im->by_kind[kind]++;
    im->nr++;
}

typedef struct mapctx {
    image *im;
    TSK_FS_INFO *fs;
    uint64_t voff;
    dof_ext_sb sb;
    int have_sb;
    const char *path;
    int kind;
    const char *root; /* the data root walked */
    char full[4096];  /* path of the file being walked */
} mapctx;

static TSK_WALK_RET_ENUM
block_cb(TSK_FS_FILE *f, TSK_OFF_T off, TSK_DADDR_T addr, char *buf,
         size_t size, TSK_FS_BLOCK_FLAG_ENUM flags, void *arg)
{
    mapctx *m = arg;
    (void)f;
    (void)off;
    (void)buf;
    if (addr != 0 && (flags & TSK_FS_BLOCK_FLAG_RAW) == 0)
        add_range(m->im, m->voff + (uint64_t)addr * m->fs->block_size, size,
                  m->kind, m->path);
    else if (addr != 0)
        add_range(m->im, m->voff + (uint64_t)addr * m->fs->block_size,
                  m->fs->block_size, m->kind, m->path);
    return TSK_WALK_CONT;
}

static int
img_rd(void *arg, uint64_t off, void *buf, size_t len)
{
    mapctx *m = arg;
    if (m->voff + off > m->im->len || len > m->im->len - m->voff - off)
        return DOF_ERR_IO;
    memcpy(buf, m->im->buf + m->voff + off, len);
    return DOF_OK;
}

static int
is_json_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
           strstr(name, "/imagedb/content/sha256/") != NULL;
}

static TSK_WALK_RET_ENUM
dir_cb(TSK_FS_FILE *f, const char *path, void *arg)
{
    mapctx *m = arg;
    char *full = m->full;
    uint64_t ioff;

    if (f->name == NULL || f->meta == NULL ||
        !(f->name->flags & TSK_FS_NAME_FLAG_ALLOC) ||
        strcmp(f->name->name, ".") == 0 || strcmp(f->name->name, "..") == 0)
        return TSK_WALK_CONT;
    snprintf(full, sizeof(m->full), "%s%s%s%s", m->root,
             m->root[strlen(m->root) - 1] == '/' ? "" : "/", path,
             f->name->name);
    if (m->have_sb && dof_ext_inode_offset(&m->sb, f->meta->addr, img_rd, m,
                                           &ioff) == DOF_OK)
        add_range(m->im, m->voff + ioff, m->sb.inode_size, R_INODE, full);
    m->path = full;
    if (f->meta->type == TSK_FS_META_TYPE_DIR)
        m->kind = R_DIR;
    else if (f->meta->type == TSK_FS_META_TYPE_REG)
        m->kind = is_json_name(full) ? R_JSON : R_FILE;
    else
        return TSK_WALK_CONT;
    tsk_fs_file_walk(f,
                     TSK_FS_FILE_WALK_FLAG_AONLY | TSK_FS_FILE_WALK_FLAG_SLACK,
                     block_cb, m);
    tsk_error_reset();
    return TSK_WALK_CONT;
}

/* Map the data root `root` of the filesystem at byte voff. */
static void
map_root(image *im, TSK_IMG_INFO *img, uint64_t voff, const char *rootp)
{
    TSK_FS_INFO *fs =
        tsk_fs_open_img(img, (TSK_OFF_T)voff, TSK_FS_TYPE_EXT_DETECT);
    TSK_FS_FILE *root;
    mapctx m;

    if (fs == NULL) {
        tsk_error_reset();
        return;
    }
    memset(&m, 0, sizeof(m));
    m.im = im;
    m.fs = fs;
    m.voff = voff;
    m.root = rootp;
    m.have_sb = voff + 2048 <= im->len &&
                dof_ext_sb_parse(im->buf + voff + 1024, 1024, &m.sb) == DOF_OK;
    root = tsk_fs_file_open(fs, NULL, rootp);
    if (root != NULL && root->meta != NULL) {
        uint64_t ioff;
        add_range(im, voff + 1024, 1024, R_META, "superblock");
        if (m.have_sb)
            add_range(im,
                      voff + (uint64_t)(m.sb.first_data_block + 1) *
                                 m.sb.block_size,
                      m.sb.block_size, R_META, "group descriptors");
        if (m.have_sb && dof_ext_inode_offset(&m.sb, root->meta->addr, img_rd,
                                              &m, &ioff) == DOF_OK)
            add_range(im, voff + ioff, m.sb.inode_size, R_INODE, rootp);
        m.path = rootp;
        m.kind = R_DIR;
        tsk_fs_file_walk(root, TSK_FS_FILE_WALK_FLAG_AONLY, block_cb, &m);
        tsk_fs_dir_walk(fs, root->meta->addr,
                        TSK_FS_DIR_WALK_FLAG_ALLOC |
                            TSK_FS_DIR_WALK_FLAG_RECURSE |
                            TSK_FS_DIR_WALK_FLAG_NOORPHAN,
                        dir_cb, &m);
    }
    tsk_error_reset();
    if (root)
        tsk_fs_file_close(root);
    tsk_fs_close(fs);
}

/*
 * Open the undamaged image through dof (in this process: the baseline)
 * and map every data root it finds with TSK.  Returns the number of
 * containers found (-1 if the host could not be opened).
 */
static long
map_image(image *im, size_t *nimages, size_t *nwarn, char *err, size_t elen)
{
    TSK_IMG_INFO *img = tsk_img_open_utf8_sing(im->file, TSK_IMG_TYPE_RAW, 0);
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    long nc = -1;
    int rc;

    *nimages = *nwarn = 0;
    rc = dof_evidence_open_mem(ctx, im->file, im->buf, im->len, -1, &ev);
    if (rc == DOF_OK)
        rc = dof_host_open(ctx, ev, NULL, &host);
    snprintf(err, elen, "%s", dof_errmsg(ctx));
    if (host != NULL) {
        nc = 0;
        for (size_t i = 0; i < dof_host_store_count(host); i++) {
            const dof_store *r = dof_host_store(host, i);
            nc += (long)r->ncontainers;
            *nimages += r->nimages;
            if (img != NULL)
                map_root(im, img, r->volume_offset_bytes, r->path);
        }
    }
    *nwarn = dof_warning_count(ctx);
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    if (img != NULL)
        tsk_img_close(img);
    tsk_error_reset();
    return nc;
}

static int
load_image(image *im, const char *file)
{
    FILE *f = fopen(file, "rb");
    long n;

    memset(im, 0, sizeof(*im));
    im->file = file;
    if (f == NULL)
        return -1;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (im->buf = malloc((size_t)n)) == NULL ||
        fread(im->buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    im->len = (uint64_t)n;
    return 0;
}

/* ---- a small fixed-seed PRNG (splitmix64) ---- */

static uint64_t
rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t
below(uint64_t *s, uint64_t n)
{
    return n ? rnd(s) % n : 0;
}

/* ---- mutations ---- */

enum { M_FLIP, M_ZERO, M_RANDOM, M_JSONHEAD, M_TRUNC, M_MULTI, M_COUNT };
static const char *const mkind[] = {"flip",      "zero",     "random",
                                    "json-head", "truncate", "multi"};

typedef struct mutant {
    int kind;
    const range *hit; /* the (first) damaged range */
    uint64_t off, len;
    uint64_t img_len;      /* after truncation */
    const char *json_path; /* M_JSONHEAD: the file that must be named */
} mutant;

static const range *
pick_range(image *im, uint64_t *s, int kind)
{
    size_t n = im->by_kind[kind], k;
    if (n == 0)
        return NULL;
    k = below(s, n);
    for (size_t i = 0; i < im->nr; i++)
        if (im->r[i].kind == kind && k-- == 0)
            return &im->r[i];
    return NULL;
}

static const range *
pick_any(image *im, uint64_t *s)
{
    /* weight: inodes 30%, dirs 20%, json 25%, files 20%, meta 5% */
    static const int w[][2] = {
        {R_INODE, 30}, {R_DIR, 20}, {R_JSON, 25}, {R_FILE, 20}, {R_META, 5}};
    for (int tries = 0; tries < 8; tries++) {
        uint64_t x = below(s, 100);
        for (size_t i = 0; i < 5; i++) {
            if (x < (uint64_t)w[i][1]) {
                const range *r = pick_range(im, s, w[i][0]);
                if (r)
                    return r;
                break;
            }
            x -= (uint64_t)w[i][1];
        }
    }
    return im->nr ? &im->r[below(s, im->nr)] : NULL;
}

/* Apply one simple mutation to buf (the child's copy-on-write view). */
static void
mutate_one(image *im, uint64_t *s, int kind, mutant *mu)
{
    const range *r =
        kind == M_JSONHEAD ? pick_range(im, s, R_JSON) : pick_any(im, s);
    unsigned char *b = im->buf;

    if (r == NULL)
        return;
    if (mu->hit == NULL)
        mu->hit = r;
    switch (kind) {
    case M_FLIP: {
        unsigned n = 1 + (unsigned)below(s, 8);
        for (unsigned i = 0; i < n; i++) {
            uint64_t o = r->off + below(s, r->len);
            b[o] ^= (unsigned char)(1u << below(s, 8));
            mu->off = o;
            mu->len = 1;
        }
        break;
    }
    case M_ZERO: {
        uint64_t len = 512u << below(s, 4); /* 512..4096 */
        uint64_t o = r->off;
        if (len >= r->len)
            len = r->len;
        else
            o += below(s, r->len - len) & ~(uint64_t)511;
        memset(b + o, 0, len);
        mu->off = o;
        mu->len = len;
        break;
    }
    case M_RANDOM: {
        uint64_t len = 16 + below(s, 240), o;
        if (len > r->len)
            len = r->len;
        o = r->off + below(s, r->len - len + 1);
        for (uint64_t i = 0; i < len; i++)
            b[o + i] = (unsigned char)rnd(s);
        mu->off = o;
        mu->len = len;
        break;
    }
    case M_JSONHEAD: {
        uint64_t len = r->len < 16 ? r->len : 16;
        memset(b + r->off, 0, len);
        mu->off = r->off;
        mu->len = len;
        mu->json_path = r->path;
        break;
    }
    }
}

static void
mutate(image *im, uint64_t seed, mutant *mu)
{
    uint64_t s = seed;
    uint64_t x = below(&s, 100);

    memset(mu, 0, sizeof(*mu));
    mu->img_len = im->len;
    if (x < 35)
        mu->kind = M_FLIP;
    else if (x < 55)
        mu->kind = M_ZERO;
    else if (x < 70)
        mu->kind = M_RANDOM;
    else if (x < 82)
        mu->kind = M_JSONHEAD;
    else if (x < 87)
        mu->kind = M_TRUNC;
    else
        mu->kind = M_MULTI;
    switch (mu->kind) {
    case M_TRUNC: {
        /* cut inside the data root: somewhere in a mapped range */
        const range *r = pick_any(im, &s);
        mu->hit = r;
        mu->img_len = r ? r->off + below(&s, r->len) : im->len / 2;
        if (mu->img_len == 0)
            mu->img_len = 1;
        mu->off = mu->img_len;
        break;
    }
    case M_MULTI: {
        unsigned n = 2 + (unsigned)below(&s, 3);
        for (unsigned i = 0; i < n; i++)
            mutate_one(im, &s, (int)below(&s, 3), mu);
        break;
    }
    default: mutate_one(im, &s, mu->kind, mu); break;
    }
}

/* ---- what a child runs ---- */

#define X_BADSTATUS 10
#define X_NOWARNING 11

static int bad_status;

static void
check_status(int rc, const char *what)
{
    if (rc > 0 || rc < DOF_ERR_EVIDENCE) {
        fprintf(stderr, "robust: %s returned %d, not a dof_status\n", what,
                rc);
        bad_status = 1;
    }
}

static int
dirent_cb(void *arg, const dof_uentry *e)
{
    size_t *n = arg;
    volatile size_t sink = e->name_len + (size_t)e->st.size;
    (void)sink;
    return ++*n > 2000;
}

static void
touch(const char *s)
{
    volatile size_t n = s ? strlen(s) : 0;
    (void)n;
}

static FILE *devnull;

static void
ops_container(dof_ctx *ctx, const dof_host *host, const dof_container *c,
              uint64_t *s, int all)
{
    touch(c->id);
    touch(c->name);
    for (size_t i = 0; i < c->ncommand; i++)
        touch(c->command[i]);
    for (size_t i = 0; i < c->nmounts; i++)
        touch(c->mounts[i].destination);
    if (all || below(s, 2)) {
        char *cfg = NULL, *hc = NULL;
        check_status(dof_container_read_config(ctx, c, &cfg, &hc),
                     "dof_container_read_config");
        free(cfg);
        free(hc);
    }
    if (all || below(s, 2)) {
        dof_log *log = NULL;
        dof_log_opts o;
        int rc;
        dof_log_opts_init(&o);
        o.reassemble = (int)below(s, 2);
        rc = dof_log_open(ctx, c, &o, &log);
        check_status(rc, "dof_log_open");
        if (rc == DOF_OK) {
            const dof_log_record *r;
            size_t n = 0;
            while ((rc = dof_log_next(log, &r)) == 1 && n++ < 5000)
                touch(r->source);
            if (rc < 0)
                check_status(rc, "dof_log_next");
            dof_log_close(log);
        }
    }
    if (all || below(s, 2)) {
        dof_union *u = NULL;
        int rc = dof_union_open(ctx, host, c, NULL, &u);
        check_status(rc, "dof_union_open");
        if (rc == DOF_OK) {
            size_t n = 0;
            static const char *const dirs[] = {"/",    "/etc",  "/var",
                                               "/tmp", "/root", "/usr/bin"};
            for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
                rc = dof_union_readdir(u, dirs[i], dirent_cb, &n);
                if (rc != DOF_OK)
                    check_status(rc, "dof_union_readdir");
            }
            dof_union_close(u);
        }
    }
}

/* The operations on an opened evidence item; *hostp gets the host (NULL
 * if dof_host_open failed). */
static void
run_ops(dof_ctx *ctx, dof_evidence *ev, uint64_t *s, int all, dof_host **hostp)
{
    dof_host *host = NULL;
    dof_report_opts o;

    check_status(dof_host_open(ctx, ev, NULL, &host), "dof_host_open");
    *hostp = host;
    if (host == NULL)
        return;
    dof_report_opts_init(&o);
    o.out = devnull;
    o.json = 1;
    for (size_t i = 0; i < dof_host_store_count(host); i++) {
        const dof_store *r = dof_host_store(host, i);
        for (size_t k = 0; k < r->ncontainers; k++)
            if (all || below(s, 3) == 0)
                ops_container(ctx, host, &r->containers[k], s, all);
        for (size_t k = 0; k < r->nimages; k++) {
            touch(r->images[k].id);
            if (all || below(s, 3) == 0) {
                char *cfg = NULL;
                check_status(dof_image_read_config(ctx, &r->images[k], &cfg),
                             "dof_image_read_config");
                free(cfg);
            }
        }
        for (size_t k = 0; k < r->nvolumes; k++)
            touch(r->volumes[k].name);
        for (size_t k = 0; k < r->nnetworks; k++)
            touch(r->networks[k].name);
    }
    if (all || below(s, 2)) {
        check_status(dof_report_containers(ctx, &o, host),
                     "dof_report_containers");
        check_status(dof_report_images(ctx, &o, host), "dof_report_images");
    }
    if (all || below(s, 2)) {
        check_status(dof_report_volumes(ctx, &o, host), "dof_report_volumes");
        check_status(dof_report_networks(ctx, &o, host),
                     "dof_report_networks");
    }
    if (all || below(s, 4) == 0)
        check_status(dof_report_status(ctx, &o, ev, host),
                     "dof_report_status");
}

static int
run_child(image *im, const mutant *mu, uint64_t seed, int all)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    uint64_t s = seed ^ 0x5bd1e995u;
    int rc, host_opened = 0;

    if (ctx == NULL)
        return 3;
    rc = dof_evidence_open_mem(ctx, im->file, im->buf, mu->img_len, -1, &ev);
    check_status(rc, "dof_evidence_open_mem");
    if (rc == DOF_OK) {
        run_ops(ctx, ev, &s, all, &host);
        host_opened = 1;
    }
    /* a zeroed JSON head must be named: in a warning, or in the error */
    if (mu->json_path != NULL && host_opened && !bad_status) {
        /* "<dir>/<name>": enough to tell which file, whatever the root */
        const char *rel = mu->json_path + strlen(mu->json_path);
        int named = strstr(dof_errmsg(ctx), mu->json_path) != NULL;
        for (int slashes = 0; rel > mu->json_path; rel--)
            if (rel[-1] == '/' && ++slashes == 2)
                break;
        for (size_t i = 0; !named && i < dof_warning_count(ctx); i++) {
            const dof_warning *w = dof_warning_get(ctx, i);
            named = (w->path && strstr(w->path, rel)) ||
                    (w->message && strstr(w->message, rel));
        }
        if (!named) {
            /* files dof does not read (yet) are listed, not failed */
            fprintf(stderr, "robust: no warning names %s (%zu warnings)\n",
                    mu->json_path, dof_warning_count(ctx));
            for (size_t i = 0; verbose && i < dof_warning_count(ctx); i++)
                fprintf(stderr, "robust:   %s: %s\n",
                        dof_warning_get(ctx, i)->path
                            ? dof_warning_get(ctx, i)->path
                            : "-",
                        dof_warning_get(ctx, i)->message);
            rc = X_NOWARNING;
        }
    }
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    if (bad_status)
        return X_BADSTATUS;
    return rc == X_NOWARNING ? X_NOWARNING : 0;
}

/* ---- E01 mutants (-E): damaged chunks of an E01 made from IMAGE 1 ---- */

/* core/evidence.c, core/evidence_ewf.c (internal; libdof_test) */
int dof_evidence_open_img(dof_ctx *ctx, const char *name, const char *fmt,
                          TSK_IMG_INFO *img, int64_t offset_sectors,
                          dof_evidence **out);
TSK_IMG_INFO *dof_evidence_ewf_open(dof_ctx *ctx, const char *path,
                                    dof_arena *arena, const char **md5,
                                    const char **sha1);

/* The E01 as read from its sections (EWF specification, EnCase 6, one
 * segment): 76-byte section descriptors from byte 13, each with its type,
 * the next section's offset and its size. */
typedef struct e01 {
    const char *file;
    unsigned char *buf;
    uint64_t len;
    image *raw;        /* the image it was made from: ground truth */
    uint32_t nchunks;  /* volume section */
    uint64_t chunk;    /* media bytes per chunk */
    uint32_t bps;      /* bytes per sector */
    uint64_t base;     /* table: chunk offsets are relative to it */
    uint64_t table[2]; /* file offsets of the table/table2 entries */
    uint64_t data_end; /* end of the sectors section */
    char tmpdir[256];  /* mutants are written here */
} e01;

static e01 ewf; /* global: reachable for LeakSanitizer */

enum { E_FLIP, E_ZERO, E_TABLE };
static const char *const ekind[] = {"flip", "zero", "table"};

typedef struct emutant {
    unsigned n;
    uint32_t chunk[4];
    int kind[4];
} emutant;

static int
e01_parse(e01 *e)
{
    const unsigned char *b = e->buf;
    uint64_t off = 13, ntab = 0;

    for (int i = 0; i < 256 && off + 76 <= e->len; i++) {
        uint64_t next = dof_le64(b + off + 16), size = dof_le64(b + off + 24);
        const unsigned char *d = b + off + 76;
        if ((memcmp(b + off, "volume\0", 7) == 0 ||
             memcmp(b + off, "disk\0", 5) == 0) &&
            off + 76 + 24 <= e->len) {
            e->nchunks = dof_le32(d + 4);
            e->bps = dof_le32(d + 12);
            e->chunk = (uint64_t)dof_le32(d + 8) * e->bps;
        }
        else if (memcmp(b + off, "sectors\0", 8) == 0 && size <= e->len &&
                 off <= e->len - size)
            e->data_end = off + size;
        else if ((memcmp(b + off, "table\0", 6) == 0 ||
                  memcmp(b + off, "table2\0", 7) == 0) &&
                 ntab < 2 && off + 100 <= e->len) {
            uint32_t n = dof_le32(d);
            if (n != e->nchunks || off + 100 + 4 * (uint64_t)n > e->len)
                return -1;
            e->base = dof_le64(d + 8);
            e->table[ntab++] = off + 100;
        }
        if (memcmp(b + off, "done\0", 5) == 0 || next <= off)
            break;
        off = next;
    }
    return e->nchunks && e->chunk && e->bps && e->data_end && ntab == 2 ? 0
                                                                        : -1;
}

/* Where chunk k is stored in the file: [*start, *end). */
static int
e01_chunk_span(const e01 *e, uint32_t k, uint64_t *start, uint64_t *end)
{
    const uint32_t mask = 0x7fffffffu;

    if (k >= e->nchunks)
        return -1;
    *start =
        e->base + (dof_le32(e->buf + e->table[0] + 4 * (uint64_t)k) & mask);
    *end = k + 1 < e->nchunks
               ? e->base +
                     (dof_le32(e->buf + e->table[0] + 4 * (uint64_t)(k + 1)) &
                      mask)
               : e->data_end;
    return *start < *end && *end <= e->len ? 0 : -1;
}

/* Damage 1-4 chunks under the data root (picked from the raw image's
 * map): bits flipped or bytes zeroed in the stored chunk, or its offset
 * in the table (and sometimes table2) changed. */
static void
mutate_e01(uint64_t seed, emutant *mu)
{
    uint64_t s = seed;
    unsigned want = 1 + (unsigned)below(&s, 4);

    memset(mu, 0, sizeof(*mu));
    for (unsigned i = 0; i < want; i++) {
        const range *r = pick_any(ewf.raw, &s);
        uint64_t a, z, x;
        uint32_t k;
        int kind;

        if (r == NULL)
            break;
        k = (uint32_t)((r->off + below(&s, r->len)) / ewf.chunk);
        x = below(&s, 100);
        kind = x < 40 ? E_FLIP : x < 80 ? E_ZERO : E_TABLE;
        if (e01_chunk_span(&ewf, k, &a, &z) != 0)
            continue;
        if (kind == E_FLIP) {
            unsigned n = 1 + (unsigned)below(&s, 8);
            for (unsigned j = 0; j < n; j++)
                ewf.buf[a + below(&s, z - a)] ^=
                    (unsigned char)(1u << below(&s, 8));
        }
        else if (kind == E_ZERO) {
            uint64_t len = 512u << below(&s, 4);
            if (len > z - a)
                len = z - a;
            memset(ewf.buf + a + below(&s, z - a - len + 1), 0, len);
        }
        else {
            uint32_t bit = 1u << below(&s, 32);
            int both = (int)below(&s, 2);
            for (int t = 0; t <= both; t++) {
                unsigned char *p = ewf.buf + ewf.table[t] + 4 * (uint64_t)k;
                uint32_t v = dof_le32(p) ^ bit;
                p[0] = (unsigned char)v;
                p[1] = (unsigned char)(v >> 8);
                p[2] = (unsigned char)(v >> 16);
                p[3] = (unsigned char)(v >> 24);
            }
        }
        mu->chunk[mu->n] = k;
        mu->kind[mu->n++] = kind;
    }
}

/*
 * A TSK image in front of dof's E01 image: every read is compared with
 * the raw original.  Bytes that differ must be zeros that a warning
 * naming the E01 and those sectors has already reported (or the one
 * "more E01 chunks" warning after the cap); anything else is data gone
 * wrong without a word.
 */
typedef struct proxy {
    TSK_IMG_INFO info;
    TSK_IMG_INFO *inner;
    dof_ctx *ctx;
    const char *path;
    size_t differs, warned, silent;
    uint64_t first_silent;
} proxy;

static int
warned_for(dof_ctx *ctx, const char *path, uint64_t sector)
{
    for (size_t i = 0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        const char *m;
        unsigned long long a, z;
        if (w == NULL || w->path == NULL || strcmp(w->path, path) != 0)
            continue;
        if (strncmp(w->message, "more E01 chunks", 15) == 0)
            return 1;
        m = strstr(w->message, "(sectors ");
        if (m && sscanf(m, "(sectors %llu-%llu)", &a, &z) == 2 &&
            sector >= a && sector <= z && strstr(w->message, "as zeros"))
            return 1;
    }
    return 0;
}

static int
is_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static ssize_t
proxy_read(TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
    proxy *p = (proxy *)img;
    const unsigned char *raw = ewf.raw->buf;
    ssize_t n = tsk_img_read(p->inner, off, buf, len);
    uint64_t o = (uint64_t)off;

    if (n <= 0 || o + (uint64_t)n > ewf.raw->len)
        return n;
    for (uint64_t c = o / ewf.chunk; c * ewf.chunk < o + (uint64_t)n; c++) {
        uint64_t a = c * ewf.chunk > o ? c * ewf.chunk : o;
        uint64_t z = (c + 1) * ewf.chunk < o + (uint64_t)n
                         ? (c + 1) * ewf.chunk
                         : o + (uint64_t)n;
        const unsigned char *got = (const unsigned char *)buf + (a - o);
        if (memcmp(got, raw + a, (size_t)(z - a)) == 0)
            continue;
        p->differs++;
        if (is_zero(got, (size_t)(z - a)) &&
            warned_for(p->ctx, p->path, a / ewf.bps)) {
            p->warned++;
        }
        else if (p->silent++ == 0) {
            p->first_silent = a;
        }
    }
    return n;
}

static void
proxy_close(TSK_IMG_INFO *img)
{
    proxy *p = (proxy *)img;
    tsk_img_close(p->inner);
    free(p);
}

static void
proxy_imgstat(TSK_IMG_INFO *img, FILE *f)
{
    fprintf(f, "robust proxy, %lld bytes\n", (long long)img->size);
}

#define X_SILENT 12 /* bytes differ from the original without a warning */
#define X_WARNED 13 /* passed; a damaged chunk was read and reported */

static int
write_file(const char *path, const unsigned char *b, uint64_t len)
{
    FILE *f = fopen(path, "wb");
    int good = f != NULL && fwrite(b, 1, (size_t)len, f) == len;
    if (f != NULL && fclose(f) != 0)
        good = 0;
    return good;
}

static int
run_child_e01(const char *path, uint64_t seed, int all)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *arena = dof_arena_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    const char *md5 = NULL, *sha1 = NULL;
    uint64_t s = seed ^ 0x5bd1e995u;
    size_t differs = 0, warned = 0, silent = 0;
    uint64_t first_silent = 0;
    TSK_IMG_INFO *inner, *img;
    proxy *p;
    int rc;

    if (ctx == NULL || arena == NULL || !write_file(path, ewf.buf, ewf.len))
        return 3;
    /* 1. dof's E01 image behind the checking proxy: every operation */
    inner = dof_evidence_ewf_open(ctx, path, arena, &md5, &sha1);
    if (inner == NULL) {
        check_status(dof_errcode(ctx), "dof_evidence_ewf_open");
    }
    else if ((p = calloc(1, sizeof(*p))) != NULL) {
        p->inner = inner;
        p->ctx = ctx;
        p->path = path;
        img = tsk_img_open_external(p, inner->size, inner->sector_size,
                                    proxy_read, proxy_close, proxy_imgstat);
        rc = img ? dof_evidence_open_img(ctx, path, "ewf", img, -1, &ev)
                 : DOF_ERR_EVIDENCE;
        check_status(rc, "dof_evidence_open_img");
        if (rc == DOF_OK)
            run_ops(ctx, ev, &s, all, &host);
        differs = p->differs;
        warned = p->warned;
        silent = p->silent;
        first_silent = p->first_silent;
        dof_host_close(host);
        dof_evidence_close(ev);
        host = NULL;
        ev = NULL;
    }
    else {
        tsk_img_close(inner);
    }
    /* 2. the way the CLI opens it: statuses only */
    rc = dof_evidence_open(ctx, path, -1, &ev);
    check_status(rc, "dof_evidence_open");
    if (rc == DOF_OK)
        check_status(dof_host_open(ctx, ev, NULL, &host), "dof_host_open");
    dof_host_close(host);
    dof_evidence_close(ev);
    if (silent > 0 || verbose)
        fprintf(stderr,
                "robust: %zu chunk reads differ from the original, %zu "
                "zeros reported, %zu not (first at byte %llu)\n",
                differs, warned, silent, (unsigned long long)first_silent);
    for (size_t i = 0; (silent > 0 || verbose) && i < dof_warning_count(ctx);
         i++)
        fprintf(stderr, "robust:   %s: %s\n",
                dof_warning_get(ctx, i)->path ? dof_warning_get(ctx, i)->path
                                              : "-",
                dof_warning_get(ctx, i)->message);
    dof_ctx_free(ctx);
    dof_arena_free(arena);
    unlink(path);
    if (bad_status)
        return X_BADSTATUS;
    if (silent > 0)
        return X_SILENT;
    return warned > 0 ? X_WARNED : 0;
}

/* Read E01 (made from IMAGE 1) and check that it reads as the original. */
static int
e01_load(const char *file, image *raw)
{
    image tmp;
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *arena = dof_arena_new();
    const char *md5 = NULL, *sha1 = NULL;
    TSK_IMG_INFO *img = NULL;
    unsigned char *b = malloc(1u << 20);
    int same = 0;

    memset(&ewf, 0, sizeof(ewf));
    ewf.raw = raw;
    if (load_image(&tmp, file) == 0) {
        ewf.file = file;
        ewf.buf = tmp.buf;
        ewf.len = tmp.len;
    }
    ok(ewf.buf && e01_parse(&ewf) == 0,
       "%s: %u chunks of %llu bytes, table and table2 found", file,
       ewf.nchunks, (unsigned long long)ewf.chunk);
    if (ewf.buf && ewf.nchunks && ctx && arena && b)
        img = dof_evidence_ewf_open(ctx, file, arena, &md5, &sha1);
    if (img != NULL && (uint64_t)img->size == raw->len) {
        same = 1;
        for (uint64_t o = 0; same && o < raw->len; o += 1u << 20) {
            size_t n = raw->len - o < (1u << 20) ? raw->len - o : 1u << 20;
            same =
                tsk_img_read(img, (TSK_OFF_T)o, (char *)b, n) == (ssize_t)n &&
                memcmp(b, raw->buf + o, n) == 0;
        }
    }
    ok(same && dof_warning_count(ctx) == 0,
       "%s reads through dof as %s, byte for byte (%zu warnings)", file,
       raw->file, ctx ? dof_warning_count(ctx) : 0);
    if (img)
        tsk_img_close(img);
    free(b);
    dof_arena_free(arena);
    dof_ctx_free(ctx);
    tsk_error_reset();
    if (!same || ewf.nchunks == 0)
        return -1;
    snprintf(ewf.tmpdir, sizeof(ewf.tmpdir), "%s/dof-robust-e01.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(ewf.tmpdir) == NULL)
        return -1;
    return 0;
}

/* ---- the parent ---- */

typedef struct stats {
    size_t run, ok, fail, nowarn;
    size_t erun, eok, ewarned, efail; /* E01 mutants */
} stats;

/* Why a mutant's child failed, from its wait status. */
static void
describe_failure(int status, char *why, size_t whylen)
{
    if (WIFSIGNALED(status))
        snprintf(why, whylen, "%s (signal %d)",
                 WTERMSIG(status) == SIGALRM ? "hang: killed after the cap"
                                             : "crashed",
                 WTERMSIG(status));
    else if (WEXITSTATUS(status) == X_BADSTATUS)
        snprintf(why, whylen, "a status outside the documented set");
    else if (WEXITSTATUS(status) == X_SILENT)
        snprintf(why, whylen,
                 "bytes differ from the original without a "
                 "warning naming the E01");
    else
        snprintf(why, whylen, "exit %d (sanitizer report or leak above)",
                 WEXITSTATUS(status));
}

static int
run_mutant(image *im, uint64_t base, size_t idx, int timeout, int all,
           stats *st, char *why, size_t whylen)
{
    uint64_t seed = base * 1000003u + idx;
    mutant mu;
    pid_t pid;
    int status;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* the child damages its copy-on-write view of the image */
        alarm((unsigned)timeout);
        mutate(im, seed, &mu);
        exit(run_child(im, &mu, seed, all));
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    st->run++;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        st->ok++;
        return 0;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == X_NOWARNING) {
        st->nowarn++;
        snprintf(why, whylen, "no warning named the damaged JSON file");
        return 2;
    }
    st->fail++;
    describe_failure(status, why, whylen);
    return 1;
}

static int
run_mutant_e01(uint64_t base, size_t idx, int timeout, int all, stats *st,
               char *why, size_t whylen)
{
    uint64_t seed = base * 1000003u + idx;
    char path[400];
    emutant mu;
    pid_t pid;
    int status;

    snprintf(path, sizeof(path), "%s/mutant-%zu.E01", ewf.tmpdir, idx);
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        alarm((unsigned)timeout);
        mutate_e01(seed, &mu);
        exit(run_child_e01(path, seed, all));
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    unlink(path);
    st->erun++;
    if (WIFEXITED(status) &&
        (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == X_WARNED)) {
        st->eok++;
        st->ewarned += WEXITSTATUS(status) == X_WARNED;
        return 0;
    }
    st->efail++;
    describe_failure(status, why, whylen);
    return 1;
}

static void
describe_e01(size_t k, uint64_t seed)
{
    unsigned char *copy = malloc(ewf.len);
    emutant mu;

    if (copy == NULL)
        return;
    memcpy(copy, ewf.buf, ewf.len);
    mutate_e01(seed, &mu);
    memcpy(ewf.buf, copy, ewf.len);
    free(copy);
    printf("# mutant %zu: %s", k, ewf.file);
    for (unsigned i = 0; i < mu.n; i++)
        printf("%s chunk %u (bytes %llu..) %s", i ? "," : "", mu.chunk[i],
               (unsigned long long)(mu.chunk[i] * ewf.chunk),
               ekind[mu.kind[i]]);
    printf("\n");
}

static void
usage(void)
{
    fprintf(stderr, "usage: robust [-n MUTANTS] [-s SEED] [-t SECONDS] "
                    "[-a] [-m N [-w OUT]] [-v] [-E E01 [-e MUTANTS]] "
                    "IMAGE...\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    size_t n = 1000, ne = 100, only = (size_t)-1;
    uint64_t seed = 7;
    int timeout = 20, all = 0, opt;
    size_t nimg;
    const char *dump = NULL, *e01file = NULL;
    stats st;
    time_t t0 = time(NULL);

    while ((opt = getopt(argc, argv, "n:s:t:am:vw:E:e:")) != -1) {
        switch (opt) {
        case 'n': n = (size_t)strtoull(optarg, NULL, 10); break;
        case 'E': e01file = optarg; break;
        case 'e': ne = (size_t)strtoull(optarg, NULL, 10); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 't': timeout = (int)strtol(optarg, NULL, 10); break;
        case 'a': all = 1; break;
        case 'm': only = (size_t)strtoull(optarg, NULL, 10); break;
        case 'v': verbose = 1; break;
        case 'w': dump = optarg; break;
        default: usage();
        }
    }
    if (optind >= argc)
        usage();
    nimg = (size_t)(argc - optind);
    imgs = calloc(nimg, sizeof(*imgs));
    devnull = fopen("/dev/null", "w");
    if (imgs == NULL || devnull == NULL)
        return 3;
    memset(&st, 0, sizeof(st));
    /* the undamaged image, in this process: the operations work, and
     * the data roots they find are what gets damaged */
    for (size_t i = 0; i < nimg; i++) {
        image *im = &imgs[i];
        size_t ni = 0, nw = 0;
        long nc = -1;
        char err[256] = "cannot read the file";

        if (load_image(im, argv[optind + i]) == 0)
            nc = map_image(im, &ni, &nw, err, sizeof(err));
        ok(nc > 0 && ni > 0,
           "%s undamaged: %ld containers, %zu images, %zu warnings%s%s",
           im->file, nc, ni, nw, err[0] ? ": " : "", err);
        {
            /* the same counts through the file (TSK's own raw reader) */
            dof_ctx *ctx = dof_ctx_new();
            dof_evidence *ev = NULL;
            dof_host *host = NULL;
            long fc = -1;
            size_t fi = 0;
            if (dof_evidence_open(ctx, im->file, -1, &ev) == DOF_OK &&
                dof_host_open(ctx, ev, NULL, &host) == DOF_OK) {
                fc = 0;
                for (size_t r = 0; r < dof_host_store_count(host); r++) {
                    fc += (long)dof_host_store(host, r)->ncontainers;
                    fi += dof_host_store(host, r)->nimages;
                }
            }
            ok(fc == nc && fi == ni,
               "%s: dof_evidence_open_mem agrees with the file (%ld/%zu)",
               im->file, fc, fi);
            dof_host_close(host);
            dof_evidence_close(ev);
            dof_ctx_free(ctx);
        }
        ok(im->by_kind[R_JSON] > 0 && im->by_kind[R_INODE] > 0,
           "%s: mapped %zu ranges (meta %zu, inodes %zu, dirs %zu, files "
           "%zu, json %zu)",
           im->file, im->nr, im->by_kind[R_META], im->by_kind[R_INODE],
           im->by_kind[R_DIR], im->by_kind[R_FILE], im->by_kind[R_JSON]);
    }
    fflush(stdout);
    for (size_t k = 0; k < n; k++) {
        image *im = &imgs[k % nimg];
        char why[160];
        mutant mu;
        int r;

        if (only != (size_t)-1 && k != only)
            continue;
        if (im->nr == 0)
            continue;
        if (dump != NULL) { /* write mutant `only` out for TSK's tools */
            FILE *f = fopen(dump, "wb");
            mutate(im, seed * 1000003u + k, &mu);
            ok(f != NULL && fwrite(im->buf, 1, mu.img_len, f) == mu.img_len &&
                   fclose(f) == 0,
               "mutant %zu written to %s", k, dump);
            break;
        }
        r = run_mutant(im, seed, k, timeout, all, &st, why, sizeof(why));
        /* describe it: replay the plan on the parent's copy, then undo */
        if (r != 0 || verbose) {
            unsigned char *copy = malloc(im->len);
            if (copy) {
                memcpy(copy, im->buf, im->len);
                mutate(im, seed * 1000003u + k, &mu);
                memcpy(im->buf, copy, im->len);
                free(copy);
                printf("# mutant %zu: %s %s in %s %s at byte %llu (+%llu)\n",
                       k, im->file, mkind[mu.kind],
                       mu.hit ? rkind[mu.hit->kind] : "-",
                       mu.hit ? mu.hit->path : "-", (unsigned long long)mu.off,
                       (unsigned long long)mu.len);
            }
        }
        if (r == 1)
            ok(0, "mutant %zu: %s (replay: robust -s %llu -m %zu %s)", k, why,
               (unsigned long long)seed, k, im->file);
        else if (r == 2)
            printf("# mutant %zu: %s\n", k, why);
        fflush(stdout);
    }
    ok(st.fail == 0,
       "%zu mutants in %lds: %zu passed, %zu failed, %zu zeroed JSON heads "
       "not named in a warning",
       st.run, (long)(time(NULL) - t0), st.ok, st.fail, st.nowarn);
    ok(only != (size_t)-1 || st.run >= n, "every mutant ran (%zu of %zu)",
       st.run, n);
    if (e01file != NULL && e01_load(e01file, &imgs[0]) == 0) {
        /* E01 mutants are numbered after the raw ones */
        time_t t1 = time(NULL);
        for (size_t k = n; k < n + ne; k++) {
            char why[160];
            int r;
            if (only != (size_t)-1 && k != only)
                continue;
            if (dump != NULL) {
                emutant mu;
                mutate_e01(seed * 1000003u + k, &mu);
                ok(write_file(dump, ewf.buf, ewf.len),
                   "mutant %zu written to %s", k, dump);
                break;
            }
            r = run_mutant_e01(seed, k, timeout, all, &st, why, sizeof(why));
            if (r != 0 || verbose)
                describe_e01(k, seed * 1000003u + k);
            if (r != 0)
                ok(0,
                   "mutant %zu: %s (replay: robust -s %llu -m %zu -E %s %s)",
                   k, why, (unsigned long long)seed, k, ewf.file,
                   imgs[0].file);
            fflush(stdout);
        }
        ok(st.efail == 0,
           "%zu E01 mutants in %lds: %zu passed (%zu read a damaged chunk, "
           "every one reported), %zu failed",
           st.erun, (long)(time(NULL) - t1), st.eok, st.ewarned, st.efail);
        ok(only != (size_t)-1 || st.erun >= ne,
           "every E01 mutant ran (%zu of %zu)", st.erun, ne);
        rmdir(ewf.tmpdir);
    }
    else if (e01file != NULL) {
        ok(0, "E01 mutants: %s cannot be used", e01file);
    }
    free(ewf.buf);
    for (size_t i = 0; i < nimg; i++) {
        for (size_t j = 0; j < imgs[i].nr; j++)
            free(imgs[i].r[j].path);
        free(imgs[i].r);
        free(imgs[i].buf);
    }
    free(imgs);
    fclose(devnull);
    return tap_done();
}
