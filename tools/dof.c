/*
 * dof.c - the command line: the command table, the one option parser,
 * the one evidence open, help texts, errors and exit codes.  Commands
 * live in tools/cmd_*.c.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- the options ---- */

typedef struct cli_optdef {
    const char *name;    /* long name, or NULL */
    int shortname;       /* or 0 */
    const char *arg;     /* the value's name; NULL: a flag */
    const char *choices; /* "a|b|c": the values it takes, or NULL */
    const char *help;
} cli_optdef;

#define CONTAINER_HELP "name, full ID or unique ID prefix"

static const cli_optdef optdefs[CLI_NOPTS] = {
    [CLI_O_HELP] = {"help", 'h', NULL, NULL, "this help"},
    [CLI_O_VERSION] = {"version", 0, NULL, NULL, "dof and libtsk versions"},
    [CLI_O_QUIET] = {"quiet", 'q', NULL, NULL, "no warnings on stderr"},
    [CLI_O_OFFSET] = {"offset", 'o', "SECTORS", NULL,
                      "open one filesystem at this offset (512-byte\n"
                      "sectors) instead of detecting the volumes"},
    [CLI_O_VOLUME] = {"volume", 0, "ADDRESS", NULL,
                      "only this volume of the evidence (p2, 0, dir,\n"
                      "p2/lvm:VG/LV: as dof status lists them)"},
    [CLI_O_BACKING] = {"backing", 0, "PATH", NULL,
                       "qcow2 overlay: its backing file (default: the\n"
                       "file its header names, next to the image)"},
    [CLI_O_SNAPSHOT] = {"snapshot", 0, "NAME", NULL,
                        "qcow2: read this internal snapshot (name or id)\n"
                        "instead of the current state"},
    [CLI_O_DOCKER_ROOT] = {"docker-root", 0, "PATH", NULL,
                           "only this Docker data root (path on the fs)"},
    [CLI_O_JSON] = {"json", 0, NULL, NULL,
                    "one JSON document instead of text"},
    [CLI_O_SHOW_SECRETS] = {"show-secrets", 0, NULL, NULL,
                            "print stored registry credentials' values"},
    [CLI_O_STYLE] = {"style", 0, "S", "linear|tabular",
                     "linear (default: one block per container) or\n"
                     "tabular (like docker ps -a)"},
    [CLI_O_RUNNING] = {"running", 0, NULL, NULL,
                       "only running, paused or restarting containers"},
    [CLI_O_EXCLUDE] = {"exclude-registry", 0, "R,..", NULL,
                       "drop containers whose image name's first\n"
                       "'/'-separated part is one of these"},
    [CLI_O_LAYERS] = {"layers", 0, NULL, NULL,
                      "add each container's layer chain"},
    [CLI_O_CONTAINER] = {"container", 0, "X", NULL, CONTAINER_HELP},
    [CLI_O_IMAGE] = {"image", 0, "X", NULL,
                     "repo:tag, repo, repo@digest, ID or prefix"},
    [CLI_O_DOCKERFILE] = {"dockerfile", 0, NULL, NULL,
                          "reconstruct a pseudo-Dockerfile"},
    [CLI_O_STREAM] = {"stream", 0, "S", "stdout|stderr",
                      "only stdout or only stderr (default: both)"},
    [CLI_O_SINCE] = {"since", 0, "T", NULL,
                     "from this RFC 3339 time or unix seconds (inclusive)"},
    [CLI_O_UNTIL] = {"until", 0, "T", NULL,
                     "up to this RFC 3339 time or unix seconds (inclusive)"},
    [CLI_O_RAW] = {"raw", 0, NULL, NULL,
                   "the records as stored (local ones as JSON)"},
    [CLI_O_LONG] = {NULL, 'l', NULL, NULL,
                    "long listing: mode uid gid size mtime name"},
    [CLI_O_RECURSIVE] = {NULL, 'R', NULL, NULL,
                         "recursive: one full path per line"},
    [CLI_O_SOURCE] = {"source", 0, NULL, NULL,
                      "append a tab and the layer or mount it comes from"},
    [CLI_O_NOMOUNTS] = {"no-mounts", 0, NULL, NULL,
                        "the layers only (no volumes, binds, files)"},
    [CLI_O_MOUNTS] = {"mounts", 0, NULL, NULL,
                      "include volumes, bind mounts, hostname/hosts/"
                      "resolv.conf"},
    [CLI_O_NS] = {"ns", 0, NULL, NULL, "times with nine fraction digits"},
    [CLI_O_LOGS] = {"logs", 0, NULL, NULL, "every log line too"},
    [CLI_O_NOFILES] = {"no-files", 0, NULL, NULL, "no file MACB events"},
    [CLI_O_FORMAT] = {"format", 0, "F", "jsonl|csv|bodyfile",
                      "jsonl (Timesketch, default), csv, or bodyfile"},
    [CLI_O_FAST] = {"fast", 0, NULL, NULL,
                    "headers only: skip the CRC-64 of contents"},
    [CLI_O_OUTPUT] = {"output", 0, "DIR", NULL,
                      "a new or empty directory (never written outside)"},
    [CLI_O_TAR] = {"tar", 0, "FILE", NULL,
                   "a POSIX tar (\"-\": standard output)"},
    [CLI_O_MANIFEST] = {"manifest", 0, "FILE", NULL,
                        "sha256sum manifest (default DIR.sha256 or "
                        "FILE.sha256)"},
    [CLI_O_PATH] = {"path", 0, "P", NULL, "only the subtree at P in the view"},
    [CLI_O_FOREGROUND] = {NULL, 'f', NULL, NULL, "stay in the foreground"},
    [CLI_O_DB] = {"db", 0, "CASE.db", NULL,
                  "the case database (created if absent)"},
    [CLI_O_MODULES] = {"modules", 0, "LIST", NULL,
                       "only these ingest modules (comma separated)"},
    [CLI_O_LIST_MODULES] = {"list-modules", 0, NULL, NULL,
                            "list the modules, their tables and needs"},
    [CLI_O_HASH] = {"hash", 0, NULL, NULL,
                    "md5 and sha1 of the whole evidence"},
    [CLI_O_HASH_FILES] = {"hash-files", 0, NULL, NULL,
                          "sha256 of every layer file"},
    [CLI_O_JOBS] = {"jobs", 'j', "N", NULL,
                    "worker processes (default: the number of cores)"},
    [CLI_O_RESUME] = {"resume", 0, NULL, NULL,
                      "skip images already complete in the case"},
    [CLI_O_SHARD] = {"shard", 0, "K/N", NULL,
                     "only the K-th of N deterministic shards"},
    [CLI_O_LIST] = {"list", 0, "FILE", NULL,
                    "image paths, one a line ('-': standard input)"},
    [CLI_O_TMPDIR] = {"tmpdir", 0, "DIR", NULL,
                      "where workers write their temporary cases"},
    [CLI_O_DE_ROOT] = {"docker-directory", 'r', "DOCKER_DIR", NULL,
                       "a Docker root on a mounted filesystem"},
    [CLI_O_DE_DEBUG] = {"debug", 'd', NULL, NULL, "accepted (de.py's debug)"},
    [CLI_O_DE_VERSION] = {NULL, 'V', NULL, NULL, "the version, as de.py -V"},
    [CLI_O_DE_FILTER] = {NULL, 'F', "R,..", NULL,
                         "drop containers from these registries"},
    [CLI_O_SHOW_EMPTY] = {"show-empty", 0, NULL, NULL,
                          "history: include size-0 entries"},
};

/* ---- the commands: one row each ---- */

#define END                                                                   \
    {                                                                         \
        -1, NULL                                                              \
    }

static const cli_copt o_status[] = {
    {CLI_O_SHOW_SECRETS, NULL}, {CLI_O_JSON, NULL}, END};
static const cli_copt o_containers[] = {
    {CLI_O_STYLE, NULL},  {CLI_O_RUNNING, NULL}, {CLI_O_EXCLUDE, NULL},
    {CLI_O_LAYERS, NULL}, {CLI_O_JSON, NULL},    END};
static const cli_copt o_container_config[] = {
    {CLI_O_CONTAINER, NULL}, {CLI_O_JSON, NULL}, END};
static const cli_copt o_json[] = {{CLI_O_JSON, NULL}, END};
static const cli_copt o_image_config[] = {
    {CLI_O_IMAGE, NULL}, {CLI_O_JSON, NULL}, END};
static const cli_copt o_image_history[] = {
    {CLI_O_IMAGE, NULL}, {CLI_O_DOCKERFILE, NULL}, {CLI_O_JSON, NULL}, END};
static const cli_copt o_log[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_STREAM, NULL},
    {CLI_O_SINCE, NULL},
    {CLI_O_UNTIL, NULL},
    {CLI_O_JSON, "one JSON object per message, pieces joined"},
    {CLI_O_RAW, NULL},
    END};
static const cli_copt o_ls[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_IMAGE, "an image's merged layers instead"},
    {CLI_O_LONG, NULL},
    {CLI_O_RECURSIVE, NULL},
    {CLI_O_SOURCE, NULL},
    {CLI_O_NOMOUNTS, NULL},
    END};
static const cli_copt o_cat[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_IMAGE, "an image's merged layers instead"},
    {CLI_O_NOMOUNTS, NULL},
    END};
static const cli_copt o_diff[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_JSON, "one JSON document with every change's metadata"},
    END};
static const cli_copt o_bodyfile[] = {
    {CLI_O_CONTAINER, NULL}, {CLI_O_NS, NULL}, END};
static const cli_copt o_timeline[] = {
    {CLI_O_CONTAINER, "only this container (its image, volumes, networks)"},
    {CLI_O_LOGS, NULL},
    {CLI_O_NOFILES, NULL},
    {CLI_O_FORMAT, NULL},
    END};
static const cli_copt o_verify[] = {{CLI_O_IMAGE, NULL},
                                    {CLI_O_FAST, NULL},
                                    {CLI_O_JSON, "one JSON document"},
                                    END};
static const cli_copt o_export[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_IMAGE, "export an image's merged layers instead"},
    {CLI_O_OUTPUT, NULL},
    {CLI_O_TAR, NULL},
    {CLI_O_MANIFEST, NULL},
    {CLI_O_MOUNTS, NULL},
    {CLI_O_PATH, NULL},
    END};
static const cli_copt o_mount_container[] = {
    {CLI_O_CONTAINER, NULL},
    {CLI_O_IMAGE, "an image's merged layers instead"},
    {CLI_O_NOMOUNTS, NULL},
    {CLI_O_FOREGROUND, NULL},
    END};
static const cli_copt o_mount_image[] = {{CLI_O_FOREGROUND, NULL}, END};
static const cli_copt o_ingest[] = {{CLI_O_DB, NULL},
                                    {CLI_O_MODULES, NULL},
                                    {CLI_O_LIST_MODULES, NULL},
                                    {CLI_O_HASH, NULL},
                                    {CLI_O_HASH_FILES, NULL},
                                    {CLI_O_DOCKER_ROOT, NULL},
                                    {CLI_O_OFFSET, NULL},
                                    {CLI_O_VOLUME, NULL},
                                    {CLI_O_BACKING, NULL},
                                    {CLI_O_SNAPSHOT, NULL},
                                    END};
static const cli_copt o_batch[] = {
    {CLI_O_DB, NULL},
    {CLI_O_JOBS, NULL},
    {CLI_O_RESUME, NULL},
    {CLI_O_SHARD, NULL},
    {CLI_O_LIST, NULL},
    {CLI_O_MODULES, NULL},
    {CLI_O_HASH, "md5 and sha1 of each whole evidence item"},
    {CLI_O_HASH_FILES, NULL},
    {CLI_O_TMPDIR, NULL},
    {CLI_O_DOCKER_ROOT, NULL},
    {CLI_O_OFFSET, NULL},
    END};
static const cli_copt o_merge[] = {
    {CLI_O_DB, "the case database the shards are merged into"}, END};
static const cli_copt o_explorer[] = {
    {CLI_O_DE_ROOT, NULL},  {CLI_O_DE_FILTER, NULL},  {CLI_O_SHOW_EMPTY, NULL},
    {CLI_O_DE_DEBUG, NULL}, {CLI_O_DE_VERSION, NULL}, END};

#define INV (CLI_FS | CLI_HOST | CLI_JSON_NOWARN)

static const cli_cmd commands[] = {
    {"status", cmd_status, "describe the evidence and its Docker hosts",
     "[--show-secrets] [--json] IMAGE", INV | CLI_NODATA_OK, o_status, 1, 1,
     NULL, NULL},
    {"list-containers", cmd_list_containers, "list every container",
     "[--style linear|tabular] [--running] [--exclude-registry R,..] "
     "[--layers] [--json] IMAGE",
     INV, o_containers, 1, 1, NULL, NULL},
    {"show-container-config", cmd_show_container_config,
     "print a container's config.v2.json and hostconfig.json",
     "--container NAME|ID [--json] IMAGE", INV | CLI_CONTAINER,
     o_container_config, 1, 1, NULL, NULL},
    {"list-images", cmd_list_images, "list every image", "[--json] IMAGE", INV,
     o_json, 1, 1, NULL, NULL},
    {"show-image-config", cmd_show_image_config, "print an image's config",
     "--image REF|ID [--json] IMAGE", INV | CLI_IMAGE, o_image_config, 1, 1,
     NULL, NULL},
    {"show-image-history", cmd_show_image_history,
     "an image's history with layer sizes",
     "--image REF|ID [--dockerfile] [--json] IMAGE", INV | CLI_IMAGE,
     o_image_history, 1, 1, NULL, NULL},
    {"list-volumes", cmd_list_volumes, "list Docker volumes", "[--json] IMAGE",
     INV, o_json, 1, 1, NULL, NULL},
    {"list-networks", cmd_list_networks, "list Docker networks",
     "[--json] IMAGE", INV, o_json, 1, 1, NULL, NULL},
    {"show-container-log", cmd_show_container_log, "print a container's logs",
     "--container X [--stream stdout|stderr] [--since T] [--until T] "
     "[--json|--raw] IMAGE",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_ONLY_ONE, o_log, 1, 1,
     cmd_show_container_log_check, NULL},
    {"ls", cmd_ls, "list a container's (or an image's) merged filesystem",
     "(--container X | --image REF) [-l] [-R] [--source] [--no-mounts] "
     "IMAGE PATH",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_IMAGE | CLI_UNION, o_ls, 2, 2,
     cmd_union_check, NULL},
    {"cat", cmd_cat,
     "print a file of a container's (or an image's) merged filesystem",
     "(--container X | --image REF) [--no-mounts] IMAGE PATH",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_IMAGE | CLI_UNION, o_cat, 2, 2,
     cmd_union_check, NULL},
    {"diff", cmd_diff, "what a container changed, as docker diff",
     "--container X [--json] IMAGE", CLI_FS | CLI_HOST | CLI_CONTAINER, o_diff,
     1, 1, NULL, NULL},
    {"macrobber-container-layer", cmd_macrobber_container_layer,
     "bodyfile (mactime) of a container's own layer",
     "--container X [--ns] IMAGE",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_ONLY_ONE, o_bodyfile, 1, 1, NULL,
     "TSK 3 bodyfile (for mactime) of the container's writable layer, "
     "paths as\nseen in the container.\n"},
    {"macrobber-volumes", cmd_macrobber_volumes,
     "bodyfile (mactime) of a container's volumes and bind mounts",
     "--container X [--ns] IMAGE",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_ONLY_ONE, o_bodyfile, 1, 1, NULL,
     "TSK 3 bodyfile (for mactime) of the container's volumes and bind "
     "mounts, at\ntheir destinations.\n"},
    {"timeline", cmd_timeline, "one sorted timeline of the host",
     "[--container X] [--logs] [--no-files] [--format jsonl|csv|bodyfile] "
     "IMAGE",
     CLI_FS | CLI_HOST, o_timeline, 1, 1, NULL, NULL},
    {"verify-image", cmd_verify_image,
     "check an image's config, layer chain and files against its records",
     "--image REF|ID [--fast] [--json] IMAGE",
     CLI_FS | CLI_HOST | CLI_IMAGE | CLI_NO_WARN_EXIT, o_verify, 1, 1, NULL,
     "Checks that the config's sha256 is the image id, that the layerdb "
     "ChainIDs\nmatch the diff_ids, and that each layer's files match the "
     "tar headers (and\ncontent CRC-64) kept in layerdb tar-split.json.gz.  "
     "Exit 0: all pass; 1: findings.\n"},
    {"export-container", cmd_export_container,
     "write a container's merged view to a directory or a tar",
     "(--container X | --image REF) (--output DIR | --tar FILE) "
     "[--manifest FILE] [--mounts] [--path P] IMAGE",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_IMAGE | CLI_UNION, o_export, 1, 1,
     cmd_export_check,
     "Owners (lchown) and device nodes (mknod) are restored in a directory "
     "only when\nrun as root; a tar always records them.  Check a directory "
     "export with\n  (cd DIR && sha256sum -c ../DIR.sha256)\n"},
    {"mount-container", cmd_mount_container,
     "serve a container's merged view read-only over FUSE",
     "(--container X | --image REF) [-f] [--no-mounts] IMAGE MOUNTPOINT",
     CLI_FS | CLI_HOST | CLI_CONTAINER | CLI_IMAGE | CLI_UNION |
         CLI_NO_WARN_EXIT,
     o_mount_container, 2, 2, NULL,
     "Serves the merged view read-only.  Unmount with: fusermount3 -u "
     "MOUNTPOINT\n"},
    {"mount-image", cmd_mount_image,
     "serve the evidence's filesystems read-only over FUSE",
     "[-f] IMAGE MOUNTPOINT", CLI_FS | CLI_NO_WARN_EXIT, o_mount_image, 2, 2,
     NULL,
     "Serves every readable volume read-only, one directory each "
     "(vol0-ext4-offset1048576).\nUnmount with: fusermount3 -u "
     "MOUNTPOINT\n"},
    {"ingest", cmd_ingest, "write every finding into an SQLite case database",
     "--db CASE.db [--modules LIST] [--hash] [--hash-files] IMAGE | "
     "--list-modules",
     0, o_ingest, 0, 1, cmd_ingest_check, NULL},
    {"batch", cmd_batch, "ingest many images with N workers, resumable",
     "--db CASE.db [-j N] [--resume] [--shard K/N] (--list FILE | IMAGE...)",
     0, o_batch, 0, -1, cmd_batch_check, NULL},
    {"merge", cmd_merge, "merge shard case databases into one",
     "--db CASE.db SHARD.db...", 0, o_merge, 1, -1, cmd_merge_check, NULL},
    {"explorer", cmd_explorer, "docker-explorer (de.py) compatible output",
     "(-r DOCKER_DIR | IMAGE) [list {all_containers|running_containers|"
     "repositories} [-F R,..] | history ID [--show-empty] | mount ID "
     "MOUNTPOINT]",
     CLI_FS | CLI_HOST | CLI_OPEN_LATE, o_explorer, 0, -1, cmd_explorer_check,
     NULL},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The common options a command takes, by what it opens. */
static size_t
common_opts(const cli_cmd *cmd, int *ids)
{
    size_t n = 0;

    if (cmd->need & CLI_FS) {
        ids[n++] = CLI_O_OFFSET;
        ids[n++] = CLI_O_VOLUME;
        ids[n++] = CLI_O_BACKING;
        ids[n++] = CLI_O_SNAPSHOT;
    }
    if (cmd->need & CLI_HOST)
        ids[n++] = CLI_O_DOCKER_ROOT;
    ids[n++] = CLI_O_QUIET;
    ids[n++] = CLI_O_HELP;
    ids[n++] = CLI_O_VERSION;
    return n;
}

/* ---- help ---- */

static void
print_version(void)
{
    printf("dof %s (libtsk %s)\n", DOF_VERSION, dof_libtsk_version());
}

/* "  -o, --offset SECTORS  help", continuation lines indented. */
static void
print_opt(FILE *f, int id, const char *help)
{
    const cli_optdef *d = &optdefs[id];
    char flags[64];
    int n;

    if (d->shortname && d->name)
        n = snprintf(flags, sizeof(flags), "-%c, --%s%s%s", d->shortname,
                     d->name, d->arg ? " " : "", d->arg ? d->arg : "");
    else if (d->shortname)
        n = snprintf(flags, sizeof(flags), "-%c%s%s", d->shortname,
                     d->arg ? " " : "", d->arg ? d->arg : "");
    else
        n = snprintf(flags, sizeof(flags), "--%s%s%s", d->name,
                     d->arg ? " " : "", d->arg ? d->arg : "");
    fprintf(f, "  %-19s%s", flags, n >= 19 ? "  " : " ");
    for (const char *p = help ? help : d->help; *p; p++) {
        fputc(*p, f);
        if (*p == '\n')
            fprintf(f, "%22s", "");
    }
    fputc('\n', f);
}

static void
print_cmd_help(FILE *f, const cli_cmd *cmd)
{
    int ids[CLI_NOPTS];
    size_t n = common_opts(cmd, ids);

    fprintf(f, "Usage: dof %s %s\n%s.\n", cmd->name, cmd->usage, cmd->summary);
    if (cmd->opts[0].id >= 0) {
        fputs("\nOptions:\n", f);
        for (const cli_copt *o = cmd->opts; o->id >= 0; o++)
            print_opt(f, o->id, o->help);
    }
    fputs("\nCommon options:\n", f);
    for (size_t i = 0; i < n; i++)
        print_opt(f, ids[i], NULL);
    if (cmd->notes)
        fprintf(f, "\n%s", cmd->notes);
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
    fputs("\nCommon options (after the COMMAND; each command's --help "
          "lists the ones it takes):\n",
          f);
    print_opt(f, CLI_O_OFFSET, NULL);
    print_opt(f, CLI_O_VOLUME, NULL);
    print_opt(f, CLI_O_BACKING, NULL);
    print_opt(f, CLI_O_SNAPSHOT, NULL);
    print_opt(f, CLI_O_DOCKER_ROOT, NULL);
    print_opt(f, CLI_O_QUIET, NULL);
    print_opt(f, CLI_O_HELP, NULL);
    print_opt(f, CLI_O_VERSION, NULL);
    fputs("\nSee dof(1).\n", f);
}

static const cli_cmd *
find_cmd(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* ---- errors ---- */

static void
verror(const char *fmt, va_list ap)
{
    fputs("dof: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int
cli_error(int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    return code;
}

int
cli_usage_error(const cli *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(fmt, ap);
    va_end(ap);
    if (c && c->cmd)
        fprintf(stderr, "Usage: dof %s %s\nTry 'dof help %s'.\n", c->cmd->name,
                c->cmd->usage, c->cmd->name);
    else
        fputs("Try 'dof --help'.\n", stderr);
    return DOF_EXIT_USAGE;
}

int
cli_status(cli *c, int rc)
{
    const char *msg;

    if (rc == DOF_OK)
        return DOF_EXIT_OK;
    msg = c->ctx ? dof_errmsg(c->ctx) : NULL;
    cli_error(0, "%s", msg && *msg ? msg : dof_status_name(rc));
    return dof_status_exit_code(rc);
}

/* ---- small shared helpers ---- */

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

void
cli_json_str(FILE *f, const char *raw, size_t len)
{
    char *enc = raw ? dof_name_encode(raw, len, NULL) : NULL;
    const char *s = enc ? enc : "";

    if (raw == NULL) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
    free(enc);
}

void
cli_json_provenance(FILE *f, const cli *c)
{
    char *p = dof_report_provenance_json(c->ev, c->argc, c->argv);

    fputs(p ? p : "null", f);
    free(p);
}

/* ---- the one parser ---- */

/* Sectors as a byte offset must fit an int64_t. */
static int
parse_offset(cli *c, const char *s)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || *end || v < 0 || (errno && errno != ERANGE))
        return cli_usage_error(c,
                               "--offset wants a number of 512-byte "
                               "sectors, not '%s'",
                               s);
    if (errno == ERANGE || v > INT64_MAX / 512)
        return cli_usage_error(c, "--offset %s is too large", s);
    c->offset = v;
    return 0;
}

static int
check_choice(cli *c, const cli_optdef *d, const char *arg)
{
    const char *p = d->choices;
    size_t len = strlen(arg);

    while (p && *p) {
        size_t n = strcspn(p, "|");
        if (n == len && strncmp(p, arg, n) == 0)
            return 0;
        p += n + (p[n] == '|');
    }
    return cli_usage_error(c, "--%s wants one of %s, not '%s'", d->name,
                           d->choices, arg);
}

/* Returns -1 to go on, else the exit code (help, version or a usage
 * error). */
static int
parse(cli *c, int argc, char **argv)
{
    struct option lo[CLI_NOPTS + 1];
    char so[2 * CLI_NOPTS + 2];
    int ids[CLI_NOPTS], shortid[128];
    size_t nids, nlo = 0, nso = 0;
    const cli_cmd *cmd = c->cmd;
    int opt, rc;

    memset(lo, 0, sizeof(lo));
    memset(shortid, -1, sizeof(shortid));
    nids = common_opts(cmd, ids);
    for (const cli_copt *o = cmd->opts; o->id >= 0; o++)
        ids[nids++] = o->id;
    so[nso++] = ':';
    for (size_t i = 0; i < nids; i++) {
        const cli_optdef *d = &optdefs[ids[i]];
        if (d->name) {
            lo[nlo].name = d->name;
            lo[nlo].has_arg = d->arg ? required_argument : no_argument;
            lo[nlo++].val = 1000 + ids[i];
        }
        if (d->shortname) {
            so[nso++] = (char)d->shortname;
            if (d->arg)
                so[nso++] = ':';
            shortid[d->shortname] = ids[i];
        }
    }
    so[nso] = '\0';
    optind = 0; /* full re-initialisation (GNU) */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        int id;
        if (opt == ':')
            return cli_usage_error(c, "option '%s' needs a value",
                                   argv[optind - 1]);
        if (opt == '?') {
            if (optopt)
                return cli_usage_error(c, "unknown option '-%c'", optopt);
            return cli_usage_error(c, "unknown option '%s'", argv[optind - 1]);
        }
        id = opt >= 1000 ? opt - 1000 : shortid[opt & 127];
        if (id < 0 || id >= CLI_NOPTS)
            return cli_usage_error(c, "unknown option");
        c->opt[id] = optarg ? optarg : "";
        if (id == CLI_O_HELP) {
            print_cmd_help(stdout, cmd);
            return DOF_EXIT_OK;
        }
        if (id == CLI_O_VERSION) {
            print_version();
            return DOF_EXIT_OK;
        }
        if (id == CLI_O_OFFSET && (rc = parse_offset(c, optarg)) != 0)
            return rc;
        if (optdefs[id].choices &&
            (rc = check_choice(c, &optdefs[id], optarg)) != 0)
            return rc;
    }
    c->ops = argv + optind;
    c->nops = argc - optind;
    c->quiet = c->opt[CLI_O_QUIET] != NULL;
    c->json = c->opt[CLI_O_JSON] != NULL;
    c->docker_root = c->opt[CLI_O_DOCKER_ROOT];
    if (c->opt[CLI_O_OFFSET] && c->opt[CLI_O_VOLUME])
        return cli_usage_error(c, "give -o/--offset or --volume, not both");
    if ((cmd->need & (CLI_CONTAINER | CLI_IMAGE)) ==
            (CLI_CONTAINER | CLI_IMAGE) &&
        (c->opt[CLI_O_CONTAINER] == NULL) == (c->opt[CLI_O_IMAGE] == NULL))
        return cli_usage_error(c, "give --container or --image (one of "
                                  "them)");
    if ((cmd->need & (CLI_CONTAINER | CLI_IMAGE)) == CLI_CONTAINER &&
        c->opt[CLI_O_CONTAINER] == NULL)
        return cli_usage_error(c, "--container NAME|ID is required");
    if ((cmd->need & (CLI_CONTAINER | CLI_IMAGE)) == CLI_IMAGE &&
        c->opt[CLI_O_IMAGE] == NULL)
        return cli_usage_error(c, "--image REF|ID is required");
    if (c->nops < cmd->min_ops) {
        if (c->nops == 0 && (cmd->need & CLI_FS))
            return cli_usage_error(c, "no evidence given (IMAGE: an image "
                                      "file or a directory)");
        return cli_usage_error(c, "an operand is missing");
    }
    if (cmd->max_ops >= 0 && c->nops > cmd->max_ops)
        return cli_usage_error(c, "unexpected '%s'", c->ops[cmd->max_ops]);
    return -1;
}

/* ---- the one evidence open ---- */

static int takes(const cli_cmd *cmd, int id);

int
cli_open_union(cli *c)
{
    dof_union_opts uo;
    int rc;

    if (c->ct == NULL)
        return cli_status(
            c, dof_union_open_image(c->ctx, c->host, c->img, &c->u));
    memset(&uo, 0, sizeof(uo));
    uo.host_fs = c->fsv;
    uo.nhost_fs = c->nfs;
    /* a command that takes --mounts adds them with it, the others drop
     * them with --no-mounts */
    if (takes(c->cmd, CLI_O_MOUNTS) ? c->opt[CLI_O_MOUNTS] != NULL
                                    : c->opt[CLI_O_NOMOUNTS] == NULL)
        uo.flags = DOF_UNION_MOUNTS;
    rc = dof_union_open(c->ctx, c->host, c->ct, &uo, &c->u);
    return cli_status(c, rc);
}

static int
takes(const cli_cmd *cmd, int id)
{
    for (const cli_copt *o = cmd->opts; o->id >= 0; o++)
        if (o->id == id)
            return 1;
    return 0;
}

int
cli_open(cli *c, const char *image)
{
    unsigned need = c->cmd->need;
    dof_evidence_opts eo;
    dof_host_opts ho;
    size_t nv;
    int rc;

    c->ctx = dof_ctx_new();
    if (c->ctx == NULL)
        return cli_error(DOF_EXIT_EVIDENCE, "out of memory");
    if (!c->quiet && !(c->json && (need & CLI_JSON_NOWARN)))
        dof_ctx_set_warning_fn(c->ctx, dof_report_warning_fn, NULL);
    dof_evidence_opts_init(&eo);
    eo.offset_sectors = c->offset;
    eo.volume = c->opt[CLI_O_VOLUME];
    eo.backing = c->opt[CLI_O_BACKING];
    eo.snapshot = c->opt[CLI_O_SNAPSHOT];
    rc = dof_evidence_open_opts(c->ctx, image, &eo, &c->ev);
    if (rc == DOF_ERR_NOTFOUND)
        rc = DOF_ERR_EVIDENCE; /* a missing file is unreadable */
    if (rc != DOF_OK)          /* DOF_ERR_ARG (bad -o, --volume): exit 2 */
        return cli_status(c, rc);
    nv = dof_evidence_partition_count(c->ev);
    c->fsv = calloc(nv + 1, sizeof(*c->fsv));
    if (c->fsv == NULL)
        return cli_error(DOF_EXIT_EVIDENCE, "out of memory");
    for (size_t i = 0; i < nv; i++) {
        const dof_partition *v = dof_evidence_partition(c->ev, i);
        if (v && v->fs)
            c->fsv[c->nfs++] = v->fs;
    }
    dof_report_opts_init(&c->ro);
    c->ro.json = c->json;
    c->ro.argc = c->argc;
    c->ro.argv = c->argv;
    c->ro.ev = c->ev;
    if (!(need & CLI_HOST))
        return 0;
    memset(&ho, 0, sizeof(ho));
    ho.docker_root = c->docker_root;
    ho.show_secrets = c->opt[CLI_O_SHOW_SECRETS] != NULL;
    if (need & CLI_ONLY_ONE)
        ho.only_container = c->opt[CLI_O_CONTAINER];
    rc = dof_host_open(c->ctx, c->ev, &ho, &c->host);
    if (rc == DOF_ERR_NODATA && (need & CLI_NODATA_OK)) {
        c->host = NULL;
        return 0;
    }
    if (rc == DOF_OK && c->opt[CLI_O_CONTAINER])
        rc = dof_host_find_container(c->ctx, c->host, c->opt[CLI_O_CONTAINER],
                                     &c->ct);
    if (rc == DOF_OK && c->opt[CLI_O_IMAGE])
        rc =
            dof_host_find_image(c->ctx, c->host, c->opt[CLI_O_IMAGE], &c->img);
    if (rc != DOF_OK)
        return cli_status(c, rc);
    return need & CLI_UNION ? cli_open_union(c) : 0;
}

static void
cli_close(cli *c)
{
    dof_union_close(c->u);
    dof_host_close(c->host);
    dof_evidence_close(c->ev);
    dof_ctx_free(c->ctx);
    free(c->fsv);
    c->u = NULL;
    c->host = NULL;
    c->ev = NULL;
    c->ctx = NULL;
    c->fsv = NULL;
}

/* Parse, check, open, run, close: the exit code. */
static int
run(const cli_cmd *cmd, int argc, char **argv)
{
    cli c;
    int code;

    memset(&c, 0, sizeof(c));
    c.argc = argc;
    c.argv = argv;
    c.cmd = cmd;
    c.offset = -1;
    code = parse(&c, argc - 1, argv + 1);
    if (code < 0 && cmd->check)
        code = cmd->check(&c);
    if (code < 0 && (cmd->need & CLI_FS) && !(cmd->need & CLI_OPEN_LATE)) {
        int oc = cli_open(&c, c.ops[0]);
        if (oc != 0)
            code = oc;
    }
    if (code < 0) {
        code = cmd->fn(&c);
        if (code == DOF_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
            code = cli_error(DOF_EXIT_WARNINGS, "cannot write the output");
        if (code == DOF_EXIT_OK && c.ctx && dof_warning_count(c.ctx) > 0 &&
            !(cmd->need & CLI_NO_WARN_EXIT))
            code = DOF_EXIT_WARNINGS;
    }
    cli_close(&c);
    return code;
}

int
main(int argc, char **argv)
{
    const cli_cmd *cmd;

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
        print_cmd_help(stdout, cmd);
        return DOF_EXIT_OK;
    }
    cmd = find_cmd(argv[1]);
    if (cmd == NULL) {
        if (argv[1][0] == '-')
            return cli_usage_error(NULL, "a COMMAND comes first, not '%s'",
                                   argv[1]);
        return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
    }
    return run(cmd, argc, argv);
}
