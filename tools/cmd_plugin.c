/*
 * cmd_plugin.c - `dof ingest`, `dof batch`, `dof merge`: argument parsing,
 * progress display and exit codes over the case database API of dof.h.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* --shard K/N: 0, or -1 when it is not that. */
static int
parse_shard(const char *s, long *k, long *n)
{
    const char *sl = strchr(s, '/');
    char kbuf[32];

    if (sl == NULL || (size_t)(sl - s) >= sizeof(kbuf))
        return -1;
    memcpy(kbuf, s, (size_t)(sl - s));
    kbuf[sl - s] = '\0';
    if (parse_long(sl + 1, 1, 1000000, n) || parse_long(kbuf, 1, *n, k))
        return -1;
    return 0;
}

int
cmd_ingest_check(cli *c)
{
    if (c->opt[CLI_O_LIST_MODULES])
        return -1;
    if (c->opt[CLI_O_DB] == NULL)
        return cli_usage_error(c, "--db CASE.db is required");
    if (c->nops != 1)
        return cli_usage_error(c, "exactly one IMAGE");
    return -1;
}

int
cmd_batch_check(cli *c)
{
    long v, k;

    if (c->opt[CLI_O_DB] == NULL)
        return cli_usage_error(c, "--db CASE.db is required");
    if (c->opt[CLI_O_SHARD] && parse_shard(c->opt[CLI_O_SHARD], &k, &v))
        return cli_usage_error(c, "--shard takes K/N (1 <= K <= N), not '%s'",
                               c->opt[CLI_O_SHARD]);
    if (c->opt[CLI_O_JOBS] && parse_long(c->opt[CLI_O_JOBS], 1, 256, &v))
        return cli_usage_error(c, "-j takes 1 to 256, not '%s'",
                               c->opt[CLI_O_JOBS]);
    if (c->opt[CLI_O_LIST] && c->nops > 0)
        return cli_usage_error(c, "--list and IMAGE operands exclude each "
                                  "other");
    if (c->opt[CLI_O_LIST] == NULL && c->nops == 0)
        return cli_usage_error(c, "no IMAGE given");
    return -1;
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
fill_ingest(dof_ingest_opts *io, const cli *c, const char *cmdline)
{
    dof_ingest_opts_init(io);
    io->modules = c->opt[CLI_O_MODULES];
    io->hash = c->opt[CLI_O_HASH] != NULL;
    io->hash_files = c->opt[CLI_O_HASH_FILES] != NULL;
    io->offset_sectors = c->offset;
    io->backing = c->opt[CLI_O_BACKING];
    io->snapshot = c->opt[CLI_O_SNAPSHOT];
    io->volume = c->opt[CLI_O_VOLUME];
    io->docker_root = c->docker_root;
    io->command_line = cmdline;
}

int
cmd_ingest(cli *c)
{
    const char *db = c->opt[CLI_O_DB], *image;
    dof_ctx *ctx = NULL;
    dof_case *cs = NULL;
    dof_ingest_opts io;
    char *cmdline = NULL;
    int ex = 0, rc;
    int64_t eid = 0;

    if (c->opt[CLI_O_LIST_MODULES]) {
        for (size_t i = 0; i < dof_ingest_module_count(); i++)
            printf("%-11s %s\n            tables: %s\n",
                   dof_ingest_module_name(i), dof_ingest_module_description(i),
                   dof_ingest_module_tables(i));
        return DOF_EXIT_OK;
    }
    image = c->ops[0];
    if ((ctx = dof_ctx_new()) == NULL)
        return DOF_EXIT_DB;
    if (!c->quiet)
        dof_ctx_set_warning_fn(ctx, dof_report_warning_fn, NULL);
    cmdline = join_argv(c->argc - 1, c->argv + 1);
    fill_ingest(&io, c, cmdline);
    rc = dof_case_open(ctx, db, DOF_CASE_CREATE, &cs);
    if (rc == DOF_OK)
        rc = dof_case_ingest(ctx, cs, image, &io, &eid);
    if (rc != DOF_OK && rc != DOF_ERR_NODATA) {
        ex = cli_error(dof_status_exit_code(rc), "%s", dof_errmsg(ctx));
        if (rc == DOF_ERR_DB)
            ex = DOF_EXIT_DB;
    }
    else if (rc == DOF_ERR_NODATA) {
        fprintf(stderr, "dof: %s\n", dof_errmsg(ctx));
        ex = DOF_EXIT_NODATA;
    }
    else {
        ex = dof_warning_count(ctx) ? DOF_EXIT_WARNINGS : DOF_EXIT_OK;
        if (!c->quiet)
            fprintf(stderr, "dof: ingested %s as evidence %lld into %s\n",
                    image, (long long)eid, db);
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
cmd_batch(cli *c)
{
    const char *list = c->opt[CLI_O_LIST];
    dof_ctx *ctx = NULL;
    dof_case *cs = NULL;
    dof_batch_opts bo;
    bstate b;
    char **paths = NULL, *cmdline = NULL;
    size_t n = 0, nfailed = 0;
    long shard_k = 0, shard_n = 0, jobs = 0;
    int ex = 0, rc;

    if (c->opt[CLI_O_SHARD])
        parse_shard(c->opt[CLI_O_SHARD], &shard_k, &shard_n);
    if (c->opt[CLI_O_JOBS])
        parse_long(c->opt[CLI_O_JOBS], 1, 256, &jobs);
    if (list) {
        paths = read_list(list, &n);
        if (paths == NULL)
            return cli_error(DOF_EXIT_USAGE, "%s: %s", list, strerror(errno));
    }
    else {
        n = (size_t)c->nops;
        paths = calloc(n, sizeof(*paths));
        if (paths == NULL)
            return DOF_EXIT_DB;
        for (size_t i = 0; i < n; i++)
            paths[i] = strdup(c->ops[i]);
    }
    if (shard_n > 0) {
        /* deterministic: sorted list, items whose index mod N is K-1 */
        size_t m = 0;
        qsort(paths, n, sizeof(*paths), cmp_str);
        for (size_t i = 0; i < n; i++) {
            if ((long)(i % (size_t)shard_n) == shard_k - 1)
                paths[m++] = paths[i];
            else
                free(paths[i]);
        }
        n = m;
    }
    ctx = dof_ctx_new();
    cmdline = join_argv(c->argc - 1, c->argv + 1);
    dof_batch_opts_init(&bo);
    fill_ingest(&bo.ingest, c, cmdline);
    bo.jobs = (int)jobs;
    bo.resume = c->opt[CLI_O_RESUME] != NULL;
    bo.tmpdir = c->opt[CLI_O_TMPDIR];
    memset(&b, 0, sizeof(b));
    b.n = n;
    b.tty = isatty(2);
    b.quiet = c->quiet;
    b.t0 = time(NULL);
    bo.fn = batch_fn;
    bo.fn_arg = &b;
    rc = ctx ? dof_case_open(ctx, c->opt[CLI_O_DB], DOF_CASE_CREATE, &cs)
             : DOF_ERR_NOMEM;
    if (rc == DOF_OK)
        rc = dof_case_batch(ctx, cs, (const char *const *)paths, n, &bo,
                            &nfailed);
    if (b.tty && !b.quiet)
        fprintf(stderr, "\r\033[K");
    if (rc != DOF_OK)
        ex = cli_error(DOF_EXIT_DB, "%s", ctx ? dof_errmsg(ctx) : "");
    else {
        if (!c->quiet)
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
cmd_merge_check(cli *c)
{
    if (c->opt[CLI_O_DB] == NULL)
        return cli_usage_error(c, "--db CASE.db is required");
    return -1;
}

int
cmd_merge(cli *c)
{
    dof_ctx *ctx;
    dof_case *cs = NULL;
    int ex = 0, rc;

    if ((ctx = dof_ctx_new()) == NULL)
        return DOF_EXIT_DB;
    rc = dof_case_open(ctx, c->opt[CLI_O_DB], DOF_CASE_CREATE, &cs);
    for (int i = 0; rc == DOF_OK && i < c->nops; i++)
        rc = dof_case_merge(ctx, cs, c->ops[i]);
    if (rc != DOF_OK)
        ex = cli_error(DOF_EXIT_DB, "%s", dof_errmsg(ctx));
    dof_case_close(cs);
    dof_ctx_free(ctx);
    return ex;
}
