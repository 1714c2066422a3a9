/*
 * cmd_timeline.c - bodyfiles and the host timeline:
 *   dof macrobber-container-layer --container X [--ns] IMAGE
 *   dof macrobber-volumes --container X [--ns] IMAGE
 *   dof timeline [--container X] [--logs] [--no-files]
 *                [--format bodyfile|jsonl|csv] IMAGE
 * Common options: --docker-root PATH, -o/--offset SECTOR, -q.
 *
 *   { dof macrobber-container-layer --container web IMG;
 *     dof macrobber-volumes --container web IMG; } | mactime -y -z UTC
 */
#include "cmd_timeline.h"

#include "dof.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define COMMON_HELP                                                           \
    "  --docker-root PATH  only this Docker data root (path on the fs)\n"     \
    "  -o, --offset SECTOR one filesystem at this offset (512-byte "          \
    "sectors)\n"                                                              \
    "  -q, --quiet         no warnings on stderr\n"

#define USAGE_BODY                                                            \
    "Usage: dof %s --container NAME|ID [--ns] [--docker-root PATH]\n"         \
    "           [-o SECTOR] [-q] IMAGE\n"                                     \
    "TSK 3 bodyfile (for mactime) of %s.\n"                                   \
    "  --container X       name, full ID or unique ID prefix\n"               \
    "  --ns                times with nine fraction digits\n" COMMON_HELP

#define USAGE_TIMELINE                                                        \
    "Usage: dof timeline [--container NAME|ID] [--logs] [--no-files]\n"       \
    "           [--format bodyfile|jsonl|csv] [--docker-root PATH] [-o "      \
    "SECTOR] [-q] IMAGE\n"                                                    \
    "One sorted timeline of the host.\n"                                      \
    "  --container X       only this container (its image, volumes, "         \
    "networks)\n"                                                             \
    "  --logs              every log line too\n"                              \
    "  --no-files          no file MACB events\n"                             \
    "  --format F          jsonl (Timesketch, default), csv, or "             \
    "bodyfile\n" COMMON_HELP

enum {
    OPT_CONTAINER = 256,
    OPT_NS,
    OPT_ROOT,
    OPT_LOGS,
    OPT_FORMAT,
    OPT_NOFILES
};

typedef struct run {
    const char *query, *image, *format;
    int ns, quiet, logs, no_files;
    int64_t offset;
    dof_host_opts ho;
    dof_ctx *ctx;
    dof_evidence *ev;
    dof_host *host;
    dof_fs **fsv;
    size_t nfs;
} run;

/* Parse the options; returns -1 to go on, else the exit code. */
static void
usage_to(FILE *f, int timeline, const char *name, const char *what)
{
    if (timeline)
        fputs(USAGE_TIMELINE, f);
    else
        fprintf(f, USAGE_BODY, name, what);
}

static int
parse(run *r, int argc, char **argv, int timeline, const char *what)
{
    static const struct option longopts[] = {
        {"container", required_argument, NULL, OPT_CONTAINER},
        {"ns", no_argument, NULL, OPT_NS},
        {"logs", no_argument, NULL, OPT_LOGS},
        {"no-files", no_argument, NULL, OPT_NOFILES},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"docker-root", required_argument, NULL, OPT_ROOT},
        {"offset", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *name = argc > 0 ? argv[0] : "?";
    int opt;

    memset(r, 0, sizeof(*r));
    r->offset = -1;
    optind = 0;
    opterr = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_CONTAINER: r->query = optarg; break;
        case OPT_NS:
            if (timeline)
                goto usage;
            r->ns = 1;
            break;
        case OPT_LOGS:
            if (!timeline)
                goto usage;
            r->logs = 1;
            break;
        case OPT_NOFILES:
            if (!timeline)
                goto usage;
            r->no_files = 1;
            break;
        case OPT_FORMAT:
            if (!timeline ||
                (strcmp(optarg, "bodyfile") != 0 &&
                 strcmp(optarg, "jsonl") != 0 && strcmp(optarg, "csv") != 0))
                goto usage;
            r->format = optarg;
            break;
        case OPT_ROOT: r->ho.docker_root = optarg; break;
        case 'o': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v < 0)
                goto usage;
            r->offset = v;
            break;
        }
        case 'q': r->quiet = 1; break;
        case 'h': usage_to(stdout, timeline, name, what); return DOF_EXIT_OK;
        default: goto usage;
        }
    }
    if ((!timeline && r->query == NULL) || optind != argc - 1)
        goto usage;
    r->image = argv[optind];
    return -1;
usage:
    usage_to(stderr, timeline, name, what);
    return DOF_EXIT_USAGE;
}

/* Open the evidence, the host and (when asked) the container. */
static int
open_all(run *r, const dof_container **c)
{
    int rc;

    r->ctx = dof_ctx_new();
    if (r->ctx == NULL) {
        fprintf(stderr, "dof: error: out of memory\n");
        return DOF_EXIT_EVIDENCE;
    }
    if (!r->quiet)
        dof_ctx_set_warning_fn(r->ctx, dof_report_warning_fn, NULL);
    if ((rc = dof_evidence_open(r->ctx, r->image, r->offset, &r->ev)) !=
        DOF_OK) {
        fprintf(stderr, "dof: error: %s: %s\n", r->image, dof_errmsg(r->ctx));
        return DOF_EXIT_EVIDENCE;
    }
    if ((rc = dof_host_open(r->ctx, r->ev, &r->ho, &r->host)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(r->ctx));
        return dof_status_exit_code(rc);
    }
    r->nfs = 0;
    r->fsv = calloc(dof_evidence_partition_count(r->ev) + 1, sizeof(*r->fsv));
    if (r->fsv == NULL) {
        fprintf(stderr, "dof: error: out of memory\n");
        return DOF_EXIT_EVIDENCE;
    }
    for (size_t i = 0; i < dof_evidence_partition_count(r->ev); i++) {
        const dof_partition *v = dof_evidence_partition(r->ev, i);
        if (v && v->fs)
            r->fsv[r->nfs++] = v->fs;
    }
    *c = NULL;
    if (r->query && (rc = dof_host_find_container(r->ctx, r->host, r->query,
                                                  c)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(r->ctx));
        return dof_status_exit_code(rc);
    }
    return -1;
}

static int
close_all(run *r, int ex)
{
    if (ex == DOF_EXIT_OK && r->ctx && dof_warning_count(r->ctx))
        ex = DOF_EXIT_WARNINGS;
    free(r->fsv);
    dof_host_close(r->host);
    dof_evidence_close(r->ev);
    dof_ctx_free(r->ctx);
    return ex;
}

static int
bodyfile_cmd(int argc, char **argv, unsigned what, const char *desc)
{
    run r;
    const dof_container *c;
    dof_bodyfile_opts bo;
    int ex, rc;

    if ((ex = parse(&r, argc, argv, 0, desc)) >= 0)
        return ex;
    r.ho.only_container = r.query; /* one container: skip the others */
    if ((ex = open_all(&r, &c)) >= 0)
        return close_all(&r, ex);
    dof_bodyfile_opts_init(&bo);
    bo.flags = what | (r.ns ? DOF_BODYFILE_NS : 0);
    bo.out = stdout;
    bo.host_fs = r.fsv;
    bo.nhost_fs = r.nfs;
    rc = dof_bodyfile_write(r.ctx, c, &bo);
    if (rc != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(r.ctx));
        return close_all(&r, rc == DOF_ERR_IO ? DOF_EXIT_WARNINGS
                                              : dof_status_exit_code(rc));
    }
    return close_all(&r, DOF_EXIT_OK);
}

int
dof_cmd_macrobber_container_layer(int argc, char **argv)
{
    return bodyfile_cmd(argc, argv, DOF_BODYFILE_LAYER,
                        "the container's writable layer, paths as seen "
                        "in the container");
}

int
dof_cmd_macrobber_volumes(int argc, char **argv)
{
    return bodyfile_cmd(argc, argv, DOF_BODYFILE_VOLUMES,
                        "the container's volumes and bind mounts, at "
                        "their destinations");
}

int
dof_cmd_timeline(int argc, char **argv)
{
    run r;
    const dof_container *c;
    dof_timeline_opts to;
    int ex, rc;

    if ((ex = parse(&r, argc, argv, 1, "")) >= 0)
        return ex;
    if ((ex = open_all(&r, &c)) >= 0)
        return close_all(&r, ex);
    dof_timeline_opts_init(&to);
    to.out = stdout;
    to.container = c;
    to.logs = r.logs;
    to.no_files = r.no_files;
    to.host_fs = r.fsv;
    to.nhost_fs = r.nfs;
    if (r.format == NULL || strcmp(r.format, "jsonl") == 0)
        to.format = DOF_TIMELINE_JSONL;
    else if (strcmp(r.format, "csv") == 0)
        to.format = DOF_TIMELINE_CSV;
    else
        to.format = DOF_TIMELINE_BODYFILE;
    rc = dof_timeline_write(r.ctx, r.host, &to);
    if (rc != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(r.ctx));
        return close_all(&r, rc == DOF_ERR_IO ? DOF_EXIT_WARNINGS
                                              : dof_status_exit_code(rc));
    }
    return close_all(&r, DOF_EXIT_OK);
}
