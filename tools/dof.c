/*
 * dof.c - the command line: dispatcher, common options, evidence opening
 * and exit codes.  Commands live in tools/cmd_*.c.
 */
#include "cli.h"
#include "cmd_logs.h"
#include "cmd_union.h"
#include "cmd_timeline.h"
#include "cmd_plugin.h"
#include "cmd_verify.h"
#include "cmd_export.h"
#include "cmd_mount.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define COMMON_USAGE                                                          \
    "Common options (before IMAGE):\n"                                        \
    "  --docker-root PATH  only this Docker data root (path on the fs)\n"     \
    "  -o, --offset SECTOR open one filesystem at this offset (512-byte\n"    \
    "                      sectors) instead of detecting the volumes\n"       \
    "  --json              one JSON document instead of text\n"               \
    "  -q, --quiet         no warnings on stderr\n"                           \
    "  -h, --help          this help\n"                                       \
    "  --version           dof and libtsk versions\n"

/* One line per command: add new commands here.  A module with its own
 * parsing (e.g. tools/cmd_logs.c) fills `plain` and leaves fn NULL:
 * {"show-container-log", NULL, "summary", "usage", NULL,
 *  dof_cmd_show_container_log}. */
static const cli_cmd commands[] = {
    {"status", cmd_status, "describe the evidence and its Docker hosts",
     "[--show-secrets] IMAGE",
     "  --show-secrets      print stored registry credentials' values\n"},
    {"list-containers", cmd_list_containers, "list every container",
     "[--style linear|tabular] [--running] [--exclude-registry R,..] "
     "[--layers] IMAGE",
     "  --style S           linear (default: one block per container) or\n"
     "                      tabular (like docker ps -a)\n"
     "  --running           only running, paused or restarting containers\n"
     "  --exclude-registry R,..  drop containers whose image name's first\n"
     "                      '/'-separated part is one of these\n"
     "  --layers            add each container's layer chain\n"},
    {"show-container-config", cmd_show_container_config,
     "print a container's config.v2.json and hostconfig.json",
     "--container NAME|ID IMAGE",
     "  --container X       name, full ID or unique ID prefix\n"},
    {"list-images", cmd_list_images, "list every image", "IMAGE", NULL},
    {"show-image-config", cmd_show_image_config, "print an image's config",
     "--image REF|ID IMAGE",
     "  --image X           repo:tag, repo, repo@digest, ID or prefix\n"},
    {"show-image-history", cmd_show_image_history,
     "an image's history with layer sizes",
     "--image REF|ID [--dockerfile] IMAGE",
     "  --image X           repo:tag, repo, repo@digest, ID or prefix\n"
     "  --dockerfile        reconstruct a pseudo-Dockerfile\n"},
    {"list-volumes", cmd_list_volumes, "list Docker volumes", "IMAGE", NULL},
    {"list-networks", cmd_list_networks, "list Docker networks", "IMAGE",
     NULL},
    {"show-container-log", NULL, "print a container's logs",
     "--container X [--stream stdout|stderr] [--since T] [--until T] "
     "[--json|--raw] IMAGE",
     NULL, dof_cmd_show_container_log},
    {"ls", NULL, "list a container's merged filesystem",
     "--container X [-l] [-R] [--source] [--no-mounts] IMAGE PATH", NULL,
     dof_cmd_ls},
    {"cat", NULL, "print a file of a container's merged filesystem",
     "--container X IMAGE PATH", NULL, dof_cmd_cat},
    {"diff", NULL, "what a container changed, as docker diff",
     "--container X [--json] IMAGE", NULL, dof_cmd_diff},
    {"macrobber-container-layer", NULL,
     "bodyfile (mactime) of a container's own layer",
     "--container X [--ns] IMAGE", NULL, dof_cmd_macrobber_container_layer},
    {"macrobber-volumes", NULL,
     "bodyfile (mactime) of a container's volumes and bind mounts",
     "--container X [--ns] IMAGE", NULL, dof_cmd_macrobber_volumes},
    {"timeline", NULL, "one sorted timeline of the host",
     "[--container X] [--logs] [--no-files] [--format jsonl|csv|bodyfile] "
     "IMAGE",
     NULL, dof_cmd_timeline},
    {"verify-image", NULL,
     "check an image's config, layer chain and files against its records",
     "--image REF|ID [--fast] [--json] IMAGE", NULL, dof_cmd_verify_image},
    {"export-container", NULL,
     "write a container's merged view to a directory or a tar",
     "--container X (--output DIR | --tar FILE) [--mounts] IMAGE", NULL,
     dof_cmd_export_container},
    {"mount-container", NULL,
     "serve a container's merged view read-only over FUSE",
     "--container X [-f] IMAGE MOUNTPOINT", NULL, dof_cmd_mount_container},
    {"mount-image", NULL,
     "serve the evidence's filesystems read-only over FUSE",
     "[-f] IMAGE MOUNTPOINT", NULL, dof_cmd_mount_image},
    {"ingest", NULL, "write every finding into an SQLite case database",
     "--db CASE.db [--modules LIST] [--hash] [--hash-files] IMAGE", NULL,
     dof_cmd_ingest},
    {"batch", NULL, "ingest many images with N workers, resumable",
     "--db CASE.db [-j N] [--resume] [--shard K/N] (--list FILE | IMAGE...)",
     NULL, dof_cmd_batch},
    {"merge", NULL, "merge shard case databases into one",
     "--db CASE.db SHARD.db...", NULL, dof_cmd_merge},
    {"explorer", cmd_explorer, "docker-explorer (de.py) compatible output",
     "(-r DOCKER_DIR | IMAGE) [list {all_containers|running_containers|"
     "repositories} [-F R,..] | history ID [--show-empty]]",
     "  -r DOCKER_DIR       a Docker root on a mounted filesystem\n"
     "  -F R,..             drop containers from these registries\n"
     "  --show-empty        history: include size-0 entries\n"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
print_version(void)
{
    printf("dof %s (libtsk %s)\n", DOF_VERSION, dof_libtsk_version());
}

static void
print_main_usage(FILE *f)
{
    fprintf(f, "Usage: dof COMMAND [OPTIONS] IMAGE\n"
               "Docker forensics for The Sleuth Kit: read Docker hosts "
               "from disk images.\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-22s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-22s %s\n", "help COMMAND", "help on one command");
    fprintf(f, "\n" COMMON_USAGE "\nSee dof(1).\n");
}

static void
print_cmd_help(const cli_cmd *cmd)
{
    printf("Usage: dof %s %s\n%s.\n\n", cmd->name, cmd->usage, cmd->summary);
    if (cmd->help)
        printf("Options:\n%s\n", cmd->help);
    printf(COMMON_USAGE);
}

static const cli_cmd *
find_cmd(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int
cli_error(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("dof: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int
cli_usage_error(const cli *c, const char *fmt, ...)
{
    va_list ap;

    fputs("dof: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (c && c->cmd)
        fprintf(stderr, "Usage: dof %s %s\nTry 'dof help %s'.\n", c->cmd->name,
                c->cmd->usage, c->cmd->name);
    else
        fputs("Try 'dof --help'.\n", stderr);
    return DOF_EXIT_USAGE;
}

int
cli_split_list(const char *s, const char ***out, size_t *n)
{
    char *copy = strdup(s), *p;
    size_t cap = 1, k = 0;
    const char **v;

    *out = NULL;
    *n = 0;
    if (copy == NULL)
        return -1;
    for (p = copy; *p; p++)
        cap += *p == ',';
    v = calloc(cap + 1, sizeof(*v));
    if (v == NULL) {
        free(copy);
        return -1;
    }
    v[0] = copy; /* slot 0 owns the copy (freed by the caller) */
    for (p = copy;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p)
            v[1 + k++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    *out = v + 1;
    *n = k;
    return 0;
}

void
cli_free_list(const char **v)
{
    if (v == NULL)
        return;
    free((char *)v[-1]);
    free(v - 1);
}

enum {
    OPT_DOCKER_ROOT = 1000,
    OPT_JSON,
    OPT_VERSION,
    OPT_SHOW_SECRETS,
};

static const struct option common_opts[] = {
    {"docker-root", required_argument, NULL, OPT_DOCKER_ROOT},
    {"offset", required_argument, NULL, 'o'},
    {"json", no_argument, NULL, OPT_JSON},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"show-secrets", no_argument, NULL, OPT_SHOW_SECRETS},
};
#define NCOMMON (sizeof(common_opts) / sizeof(common_opts[0]))

int
cli_getopt(cli *c, int argc, char **argv, const char *extra_short,
           const struct option *extra, cli_opt_fn fn, void *st, int *exit_code)
{
    struct option opts[64];
    char shortopts[64];
    size_t n = 0;
    int opt, rc;

    memset(opts, 0, sizeof(opts));
    for (size_t i = 0; i < NCOMMON; i++)
        opts[n++] = common_opts[i];
    for (size_t i = 0; extra && extra[i].name && n < 62; i++)
        opts[n++] = extra[i];
    snprintf(shortopts, sizeof(shortopts), ":o:qh%s",
             extra_short ? extra_short : "");
    optind = 0; /* full re-initialisation (GNU) */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (opt) {
        case OPT_DOCKER_ROOT: c->docker_root = optarg; break;
        case 'o': {
            char *end;
            long long v;
            errno = 0;
            v = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0) {
                *exit_code = cli_usage_error(
                    c,
                    "--offset wants a number of 512-byte sectors, not "
                    "'%s'",
                    optarg);
                return -1;
            }
            c->offset = v;
            break;
        }
        case OPT_JSON: c->json = 1; break;
        case 'q': c->quiet = 1; break;
        case OPT_SHOW_SECRETS: c->show_secrets = 1; break;
        case 'h':
            print_cmd_help(c->cmd);
            *exit_code = DOF_EXIT_OK;
            return -1;
        case OPT_VERSION:
            print_version();
            *exit_code = DOF_EXIT_OK;
            return -1;
        case ':':
            *exit_code = cli_usage_error(c, "option '%s' needs a value",
                                         argv[optind - 1]);
            return -1;
        case '?':
            if (optopt)
                *exit_code =
                    cli_usage_error(c, "unknown option '-%c'", optopt);
            else
                *exit_code = cli_usage_error(c, "unknown option '%s'",
                                             argv[optind - 1]);
            return -1;
        default:
            rc = fn ? fn(c, opt, optarg, st) : DOF_EXIT_USAGE;
            if (rc != 0) {
                *exit_code = rc;
                return -1;
            }
        }
    }
    return optind;
}

const char *
cli_one_image(cli *c, int argc, char **argv, int first)
{
    if (first >= argc) {
        cli_usage_error(c, "no evidence given (IMAGE: an image file or a "
                           "directory)");
        return NULL;
    }
    if (argc - first > 1) {
        cli_usage_error(c, "one IMAGE only; unexpected '%s'", argv[first + 1]);
        return NULL;
    }
    return argv[first];
}

static int
status_exit(cli *c, int rc)
{
    const char *msg = dof_errmsg(c->ctx);

    cli_error(0, "%s", msg && *msg ? msg : dof_status_name(rc));
    return dof_status_exit_code(rc);
}

int
cli_open(cli *c, const char *image, int want_host, int allow_nodata)
{
    dof_host_opts ho;
    int rc;

    c->ctx = dof_ctx_new();
    if (c->ctx == NULL)
        return cli_error(DOF_EXIT_EVIDENCE, "out of memory");
    if (!c->quiet && !c->json)
        dof_ctx_set_warning_fn(c->ctx, dof_report_warning_fn, stderr);
    rc = dof_evidence_open(c->ctx, image, c->offset, &c->ev);
    if (rc != DOF_OK) {
        if (rc == DOF_ERR_NOTFOUND || rc == DOF_ERR_ARG)
            rc = DOF_ERR_EVIDENCE; /* a missing file is unreadable */
        return status_exit(c, rc);
    }
    dof_report_opts_init(&c->ro);
    c->ro.json = c->json;
    c->ro.argc = c->argc;
    c->ro.argv = c->argv;
    c->ro.ev = c->ev;
    if (!want_host)
        return 0;
    memset(&ho, 0, sizeof(ho));
    ho.docker_root = c->docker_root;
    ho.show_secrets = c->show_secrets;
    rc = dof_host_open(c->ctx, c->ev, &ho, &c->host);
    if (rc == DOF_ERR_NODATA && allow_nodata) {
        c->host = NULL;
        return 0;
    }
    if (rc != DOF_OK)
        return status_exit(c, rc);
    return 0;
}

int
cli_finish(cli *c, int rc)
{
    int code;

    if (rc != DOF_OK)
        code = status_exit(c, rc);
    else if (c->ctx && dof_warning_count(c->ctx) > 0)
        code = DOF_EXIT_WARNINGS;
    else
        code = DOF_EXIT_OK;
    dof_host_close(c->host);
    dof_evidence_close(c->ev);
    dof_ctx_free(c->ctx);
    c->host = NULL;
    c->ev = NULL;
    c->ctx = NULL;
    return code;
}

int
main(int argc, char **argv)
{
    const cli_cmd *cmd;
    cli c;

    if (argc < 2) {
        print_main_usage(stderr);
        return DOF_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_main_usage(stdout);
        return DOF_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        print_version();
        return DOF_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            print_main_usage(stdout);
            return DOF_EXIT_OK;
        }
        cmd = find_cmd(argv[2]);
        if (cmd == NULL)
            return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        if (cmd->fn == NULL) {
            /* a self-parsing command's own --help is the one help text */
            char *hargv[] = {argv[2], "--help", NULL};
            return cmd->plain(2, hargv);
        }
        print_cmd_help(cmd);
        return DOF_EXIT_OK;
    }
    cmd = find_cmd(argv[1]);
    if (cmd == NULL) {
        if (argv[1][0] == '-')
            return cli_usage_error(NULL, "a COMMAND comes first, not '%s'",
                                   argv[1]);
        return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
    }
    if (cmd->fn == NULL)
        return cmd->plain(argc - 1, argv + 1);
    memset(&c, 0, sizeof(c));
    c.argc = argc;
    c.argv = argv;
    c.cmd = cmd;
    c.offset = -1;
    return cmd->fn(&c, argc - 1, argv + 1);
}
