/*
 * cmd_plugin.c - `dof ingest`, `dof batch`, `dof merge`: argument parsing,
 * progress display and exit codes over the case database API of dof.h.
 */
#include "dof.h"
#include "cmd_plugin.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_DB = 1000,
    OPT_MODULES,
    OPT_HASH,
    OPT_HASH_FILES,
    OPT_RESUME,
    OPT_LIST,
    OPT_SHARD,
    OPT_TMPDIR,
    OPT_DOCKER_ROOT,
    OPT_LIST_MODULES
};

static const struct option long_opts[] = {
    {"db", required_argument, NULL, OPT_DB},
    {"modules", required_argument, NULL, OPT_MODULES},
    {"hash", no_argument, NULL, OPT_HASH},
    {"hash-files", no_argument, NULL, OPT_HASH_FILES},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"list", required_argument, NULL, OPT_LIST},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"tmpdir", required_argument, NULL, OPT_TMPDIR},
    {"docker-root", required_argument, NULL, OPT_DOCKER_ROOT},
    {"list-modules", no_argument, NULL, OPT_LIST_MODULES},
    {"offset", required_argument, NULL, 'o'},
    {"jobs", required_argument, NULL, 'j'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct popts {
    const char *db, *modules, *list, *tmpdir, *docker_root;
    int hash, hash_files, resume, quiet, jobs, list_modules;
    long shard_k, shard_n;
    int64_t offset;
} popts;

static const char HELP_INGEST[] =
    "Usage: dof ingest --db CASE.db [--modules LIST] [--hash] [--hash-files]\n"
    "           [--docker-root PATH] [-o SECTOR] [-q] IMAGE\n"
    "       dof ingest --list-modules\n"
    "  --db CASE.db        the case database (created if absent)\n"
    "  --modules LIST      only these ingest modules (comma separated)\n"
    "  --list-modules      list the modules, their tables and needs\n"
    "  --hash              md5 and sha1 of the whole evidence\n"
    "  --hash-files        sha256 of every layer file\n"
    "  --docker-root PATH  only this Docker data root (path on the fs)\n"
    "  -o, --offset SECTOR one filesystem at this offset (512-byte sectors)\n"
    "  -q, --quiet         no warnings or progress on stderr\n";

static const char HELP_BATCH[] =
    "Usage: dof batch --db CASE.db [-j N] [--resume] [--shard K/N]\n"
    "           [--modules LIST] [--hash] [--hash-files] [--tmpdir DIR] [-q]\n"
    "           (--list FILE | IMAGE...)\n"
    "  --db CASE.db        the case database (created if absent)\n"
    "  -j N                worker processes (default: the number of cores)\n"
    "  --resume            skip images already complete in the case\n"
    "  --shard K/N         only the K-th of N deterministic shards\n"
    "  --list FILE         image paths, one a line ('-': standard input)\n"
    "  --modules LIST      only these ingest modules (comma separated)\n"
    "  --hash              md5 and sha1 of each whole evidence item\n"
    "  --hash-files        sha256 of every layer file\n"
    "  --tmpdir DIR        where workers write their temporary cases\n"
    "  -q, --quiet         no progress on stderr\n";

static const char HELP_MERGE[] =
    "Usage: dof merge --db CASE.db SHARD.db...\n"
    "  --db CASE.db        the case database the shards are merged into\n";

static const char *
help_text(const char *cmd)
{
    if (strcmp(cmd, "ingest") == 0)
        return HELP_INGEST;
    if (strcmp(cmd, "batch") == 0)
        return HELP_BATCH;
    return HELP_MERGE;
}

/* A usage error (msg, or getopt's own message when NULL): the usage on
 * stderr, exit 2. */
static int
usage(const char *cmd, const char *msg)
{
    if (msg)
        fprintf(stderr, "dof: error: %s: %s\n", cmd, msg);
    fputs(help_text(cmd), stderr);
    return DOF_EXIT_USAGE;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Returns the index of the first operand, or -1 with *ex set. */
static int
parse(const char *cmd, int argc, char **argv, popts *p, int *ex)
{
    int c;
    long v;

    memset(p, 0, sizeof(*p));
    p->offset = -1;
    optind = 0; /* full re-initialisation (GNU) */
    opterr = 1;
    while ((c = getopt_long(argc, argv, "o:j:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: p->db = optarg; break;
        case OPT_MODULES: p->modules = optarg; break;
        case OPT_HASH: p->hash = 1; break;
        case OPT_HASH_FILES: p->hash_files = 1; break;
        case OPT_RESUME: p->resume = 1; break;
        case OPT_LIST: p->list = optarg; break;
        case OPT_TMPDIR: p->tmpdir = optarg; break;
        case OPT_DOCKER_ROOT: p->docker_root = optarg; break;
        case OPT_LIST_MODULES: p->list_modules = 1; break;
        case OPT_SHARD: {
            const char *sl = strchr(optarg, '/');
            char kbuf[32];
            if (sl == NULL || (size_t)(sl - optarg) >= sizeof(kbuf)) {
                *ex = usage(cmd, "--shard takes K/N (1 <= K <= N)");
                return -1;
            }
            memcpy(kbuf, optarg, (size_t)(sl - optarg));
            kbuf[sl - optarg] = '\0';
            if (parse_long(sl + 1, 1, 1000000, &p->shard_n) ||
                parse_long(kbuf, 1, p->shard_n, &p->shard_k)) {
                *ex = usage(cmd, "--shard takes K/N (1 <= K <= N)");
                return -1;
            }
            break;
        }
        case 'o':
            if (parse_long(optarg, 0, 0x7fffffffL, &v)) {
                *ex = usage(cmd, "-o takes a sector offset");
                return -1;
            }
            p->offset = v;
            break;
        case 'j':
            if (parse_long(optarg, 1, 256, &v)) {
                *ex = usage(cmd, "-j takes 1 to 256");
                return -1;
            }
            p->jobs = (int)v;
            break;
        case 'q': p->quiet = 1; break;
        case 'h':
            fputs(help_text(cmd), stdout);
            *ex = DOF_EXIT_OK;
            return -1;
        default: *ex = usage(cmd, NULL); return -1;
        }
    }
    if (p->db == NULL && !p->list_modules) {
        *ex = usage(cmd, "--db CASE.db is required");
        return -1;
    }
    return optind;
}

static char *
join_argv(int argc, char **argv)
{
    size_t n = 8;
    char *s, *q;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    s = malloc(n);
    if (s == NULL)
        return NULL;
    q = s;
    q += snprintf(q, n, "dof");
    for (int i = 0; i < argc; i++)
        q += snprintf(q, n - (size_t)(q - s), " %s", argv[i]);
    return s;
}

static void
fill_ingest(dof_ingest_opts *io, const popts *p, const char *cmdline)
{
    dof_ingest_opts_init(io);
    io->modules = p->modules;
    io->hash = p->hash;
    io->hash_files = p->hash_files;
    io->offset_sectors = p->offset;
    io->docker_root = p->docker_root;
    io->command_line = cmdline;
}

int
dof_cmd_ingest(int argc, char **argv)
{
    popts p;
    dof_ctx *ctx = NULL;
    dof_case *cs = NULL;
    dof_ingest_opts io;
    char *cmdline = NULL;
    int ex = 0, first, rc;
    int64_t eid = 0;

    if ((first = parse("ingest", argc, argv, &p, &ex)) < 0)
        return ex;
    if (p.list_modules) {
        for (size_t i = 0; i < dof_ingest_module_count(); i++)
            printf("%-11s %s\n            tables: %s\n",
                   dof_ingest_module_name(i), dof_ingest_module_description(i),
                   dof_ingest_module_tables(i));
        return DOF_EXIT_OK;
    }
    if (argc - first != 1)
        return usage("ingest", "exactly one IMAGE");
    if ((ctx = dof_ctx_new()) == NULL)
        return DOF_EXIT_DB;
    if (!p.quiet)
        dof_ctx_set_warning_fn(ctx, dof_report_warning_fn, NULL);
    cmdline = join_argv(argc, argv);
    fill_ingest(&io, &p, cmdline);
    rc = dof_case_open(ctx, p.db, DOF_CASE_CREATE, &cs);
    if (rc == DOF_OK)
        rc = dof_case_ingest(ctx, cs, argv[first], &io, &eid);
    if (rc != DOF_OK && rc != DOF_ERR_NODATA) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = dof_status_exit_code(rc);
        if (rc == DOF_ERR_DB)
            ex = DOF_EXIT_DB;
    }
    else if (rc == DOF_ERR_NODATA) {
        fprintf(stderr, "dof: %s\n", dof_errmsg(ctx));
        ex = DOF_EXIT_NODATA;
    }
    else {
        ex = dof_warning_count(ctx) ? DOF_EXIT_WARNINGS : DOF_EXIT_OK;
        if (!p.quiet)
            fprintf(stderr, "dof: ingested %s as evidence %lld into %s\n",
                    argv[first], (long long)eid, p.db);
    }
    dof_case_close(cs);
    dof_ctx_free(ctx);
    free(cmdline);
    return ex;
}

/* ---------------------------------------------------------------- */
/* batch                                                              */
/* ---------------------------------------------------------------- */

typedef struct bstate {
    size_t n, ndone, nfailed, nwarn, nskip;
    int tty, quiet;
    time_t t0;
    /* per running item: its last progress */
    struct {
        int active;
        const char *path;
        char stage[32];
        uint64_t done, total;
    } slot[16];
} bstate;

static void
bar_draw(bstate *b)
{
    double frac = b->n ? (double)b->ndone / (double)b->n : 1.0;
    double part = 0;
    size_t nact = 0;
    char eta[32] = "--:--";
    int width = 24, fill;
    time_t el = time(NULL) - b->t0;

    for (size_t i = 0; i < 16; i++)
        if (b->slot[i].active) {
            nact++;
            if (b->slot[i].total)
                part += (double)b->slot[i].done / (double)b->slot[i].total;
        }
    if (b->n)
        frac = ((double)b->ndone + part) / (double)b->n;
    if (frac > 0.01 && el > 0) {
        long rem = (long)((double)el / frac - (double)el);
        snprintf(eta, sizeof(eta), "%ld:%02ld", rem / 60, rem % 60);
    }
    fill = (int)(frac * width);
    fprintf(stderr, "\r[");
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu %3d%% ETA %s", b->ndone, b->n,
            (int)(frac * 100), eta);
    for (size_t i = 0; i < 16; i++)
        if (b->slot[i].active) {
            const char *base = strrchr(b->slot[i].path, '/');
            base = base ? base + 1 : b->slot[i].path;
            fprintf(stderr, " | %.20s %s %d%%", base, b->slot[i].stage,
                    b->slot[i].total
                        ? (int)(b->slot[i].done * 100 / b->slot[i].total)
                        : 0);
        }
    fprintf(stderr, "\033[K");
    fflush(stderr);
}

static void
batch_fn(void *arg, const dof_batch_info *bi)
{
    bstate *b = arg;
    size_t s = bi->index % 16;

    switch (bi->event) {
    case DOF_BATCH_START:
        b->slot[s].active = 1;
        b->slot[s].path = bi->path;
        snprintf(b->slot[s].stage, sizeof(b->slot[s].stage), "open");
        b->slot[s].done = b->slot[s].total = 0;
        if (!b->tty && !b->quiet)
            fprintf(stderr, "dof: batch: [%zu/%zu] %s: started\n",
                    bi->index + 1, b->n, bi->path);
        break;
    case DOF_BATCH_PROGRESS:
        snprintf(b->slot[s].stage, sizeof(b->slot[s].stage), "%s",
                 bi->stage ? bi->stage : "");
        b->slot[s].done = bi->done;
        b->slot[s].total = bi->total;
        break;
    case DOF_BATCH_SKIP:
        b->ndone++;
        b->nskip++;
        if (!b->quiet) {
            if (b->tty)
                fprintf(stderr, "\r\033[K");
            fprintf(stderr, "dof: batch: [%zu/%zu] %s: skipped (%s)\n",
                    bi->index + 1, b->n, bi->path,
                    bi->status ? bi->status : "complete");
        }
        break;
    case DOF_BATCH_DONE:
        b->slot[s].active = 0;
        b->ndone++;
        if (bi->status && strcmp(bi->status, "failed") == 0)
            b->nfailed++;
        else if (bi->status && strcmp(bi->status, "warnings") == 0)
            b->nwarn++;
        if (!b->quiet || (bi->status && strcmp(bi->status, "failed") == 0)) {
            if (b->tty)
                fprintf(stderr, "\r\033[K");
            fprintf(stderr, "dof: batch: [%zu/%zu] %s: %s%s%s\n",
                    bi->index + 1, b->n, bi->path,
                    bi->status ? bi->status : "?", bi->reason ? ": " : "",
                    bi->reason ? bi->reason : "");
        }
        break;
    }
    if (b->tty && !b->quiet)
        bar_draw(b);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of FILE (no blank lines, no '#' comments), malloc'd. */
static char **
read_list(const char *file, size_t *n)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    char *line = NULL, **v = NULL;
    size_t cap = 0, lcap = 0;
    ssize_t len;

    *n = 0;
    if (f == NULL)
        return NULL;
    while ((len = getline(&line, &lcap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char **nv = realloc(v, nc * sizeof(*v));
            if (nv == NULL)
                break;
            v = nv;
            cap = nc;
        }
        if ((v[*n] = strdup(line)) == NULL)
            break;
        (*n)++;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    if (v == NULL)
        v = calloc(1, sizeof(*v));
    return v;
}

int
dof_cmd_batch(int argc, char **argv)
{
    popts p;
    dof_ctx *ctx = NULL;
    dof_case *cs = NULL;
    dof_batch_opts bo;
    bstate b;
    char **paths = NULL, *cmdline = NULL;
    size_t n = 0, nfailed = 0;
    int ex = 0, first, rc;

    if ((first = parse("batch", argc, argv, &p, &ex)) < 0)
        return ex;
    if (p.list && first < argc)
        return usage("batch", "--list and IMAGE operands exclude each other");
    if (p.list) {
        paths = read_list(p.list, &n);
        if (paths == NULL) {
            fprintf(stderr, "dof: error: %s: %s\n", p.list, strerror(errno));
            return DOF_EXIT_USAGE;
        }
    }
    else {
        if (first >= argc)
            return usage("batch", "no IMAGE given");
        n = (size_t)(argc - first);
        paths = calloc(n, sizeof(*paths));
        if (paths == NULL)
            return DOF_EXIT_DB;
        for (size_t i = 0; i < n; i++)
            paths[i] = strdup(argv[first + (int)i]);
    }
    if (p.shard_n > 0) {
        /* deterministic: sorted list, items whose index mod N is K-1 */
        size_t m = 0;
        qsort(paths, n, sizeof(*paths), cmp_str);
        for (size_t i = 0; i < n; i++) {
            if ((long)(i % (size_t)p.shard_n) == p.shard_k - 1)
                paths[m++] = paths[i];
            else
                free(paths[i]);
        }
        n = m;
    }
    ctx = dof_ctx_new();
    cmdline = join_argv(argc, argv);
    dof_batch_opts_init(&bo);
    fill_ingest(&bo.ingest, &p, cmdline);
    bo.jobs = p.jobs;
    bo.resume = p.resume;
    bo.tmpdir = p.tmpdir;
    memset(&b, 0, sizeof(b));
    b.n = n;
    b.tty = isatty(2);
    b.quiet = p.quiet;
    b.t0 = time(NULL);
    bo.fn = batch_fn;
    bo.fn_arg = &b;
    rc = ctx ? dof_case_open(ctx, p.db, DOF_CASE_CREATE, &cs) : DOF_ERR_NOMEM;
    if (rc == DOF_OK)
        rc = dof_case_batch(ctx, cs, (const char *const *)paths, n, &bo,
                            &nfailed);
    if (b.tty && !b.quiet)
        fprintf(stderr, "\r\033[K");
    if (rc != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", ctx ? dof_errmsg(ctx) : "");
        ex = DOF_EXIT_DB;
    }
    else {
        if (!p.quiet)
            fprintf(stderr,
                    "dof: batch: %zu items: %zu ok, %zu with warnings, %zu "
                    "failed, %zu skipped\n",
                    n, n - nfailed - b.nwarn - b.nskip, b.nwarn, nfailed,
                    b.nskip);
        ex = nfailed ? DOF_EXIT_BATCH
                     : (b.nwarn ? DOF_EXIT_WARNINGS : DOF_EXIT_OK);
    }
    dof_case_close(cs);
    dof_ctx_free(ctx);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    free(cmdline);
    return ex;
}

int
dof_cmd_merge(int argc, char **argv)
{
    popts p;
    dof_ctx *ctx;
    dof_case *cs = NULL;
    int ex = 0, first, rc;

    if ((first = parse("merge", argc, argv, &p, &ex)) < 0)
        return ex;
    if (first >= argc)
        return usage("merge", "no SHARD.db given");
    if ((ctx = dof_ctx_new()) == NULL)
        return DOF_EXIT_DB;
    rc = dof_case_open(ctx, p.db, DOF_CASE_CREATE, &cs);
    for (int i = first; rc == DOF_OK && i < argc; i++)
        rc = dof_case_merge(ctx, cs, argv[i]);
    if (rc != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = DOF_EXIT_DB;
    }
    dof_case_close(cs);
    dof_ctx_free(ctx);
    return ex;
}
