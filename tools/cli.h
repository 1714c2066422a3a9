/*
 * cli.h - the dof command line (tools/dof.c and the tools/cmd_*.c
 * files).  The CLI sees only dof.h.
 *
 * One pipeline for every command: tools/dof.c holds one table row per
 * command (name, summary, usage, the options it takes, what it needs);
 * one parser reads the common options and the command's own, one
 * function opens what the row needs (evidence, Docker host, container,
 * image, union view), one error style, one help text per command.  A
 * command function gets the parsed and opened run and returns the exit
 * code; tools/dof.c closes what it opened.
 */
#ifndef DOF_CLI_H
#define DOF_CLI_H

#include "dof.h"

#include <stdio.h>

/* Every option of every command (tools/dof.c cli_options[] describes
 * them). */
enum cli_opt_id {
    /* common */
    CLI_O_HELP,
    CLI_O_VERSION,
    CLI_O_QUIET,
    CLI_O_OFFSET,
    CLI_O_VOLUME,
    CLI_O_BACKING,
    CLI_O_SNAPSHOT,
    CLI_O_DOCKER_ROOT,
    /* the commands' own */
    CLI_O_JSON,
    CLI_O_SHOW_SECRETS,
    CLI_O_STYLE,
    CLI_O_RUNNING,
    CLI_O_EXCLUDE,
    CLI_O_LAYERS,
    CLI_O_CONTAINER,
    CLI_O_IMAGE,
    CLI_O_DOCKERFILE,
    CLI_O_STREAM,
    CLI_O_SINCE,
    CLI_O_UNTIL,
    CLI_O_RAW,
    CLI_O_LONG,
    CLI_O_RECURSIVE,
    CLI_O_SOURCE,
    CLI_O_NOMOUNTS,
    CLI_O_MOUNTS,
    CLI_O_NS,
    CLI_O_LOGS,
    CLI_O_NOFILES,
    CLI_O_FORMAT,
    CLI_O_FAST,
    CLI_O_OUTPUT,
    CLI_O_TAR,
    CLI_O_MANIFEST,
    CLI_O_PATH,
    CLI_O_FOREGROUND,
    CLI_O_DB,
    CLI_O_MODULES,
    CLI_O_LIST_MODULES,
    CLI_O_HASH,
    CLI_O_HASH_FILES,
    CLI_O_JOBS,
    CLI_O_RESUME,
    CLI_O_SHARD,
    CLI_O_LIST,
    CLI_O_TMPDIR,
    CLI_O_DE_ROOT,    /* explorer -r */
    CLI_O_DE_DEBUG,   /* explorer -d */
    CLI_O_DE_VERSION, /* explorer -V */
    CLI_O_DE_FILTER,  /* explorer -F */
    CLI_O_SHOW_EMPTY,
    CLI_NOPTS
};

/* What a command needs opened before it runs (cli_cmd.need). */
#define CLI_FS 0x01u        /* the evidence and all its filesystems */
#define CLI_HOST 0x02u      /* + the Docker host model */
#define CLI_CONTAINER 0x04u /* + one container (--container required) */
#define CLI_IMAGE                                                             \
    0x08u               /* + one image (--image required); with               \
                           CLI_CONTAINER: exactly one of the two */
#define CLI_UNION 0x10u /* + the container's or image's union view */
/* How. */
#define CLI_NODATA_OK 0x100u    /* no Docker data: c->host NULL, go on */
#define CLI_ONLY_ONE 0x200u     /* read only the named container */
#define CLI_OPEN_LATE 0x400u    /* the command calls cli_open() itself */
#define CLI_NO_WARN_EXIT 0x800u /* warnings do not make the exit 1 */
#define CLI_JSON_NOWARN 0x1000u /* --json: warnings in the document only */

/* One of the options a command takes. */
typedef struct cli_copt {
    int id;           /* enum cli_opt_id */
    const char *help; /* NULL: the option's own help text */
} cli_copt;

struct cli;
typedef int (*cli_fn)(struct cli *c);

/* One command: a row of the table in tools/dof.c. */
typedef struct cli_cmd {
    const char *name;
    cli_fn fn;
    const char *summary;
    const char *usage;    /* after "dof NAME" */
    unsigned need;        /* CLI_FS ... and flags */
    const cli_copt *opts; /* its own options, ended by {-1, NULL} */
    int min_ops, max_ops; /* operands (max -1: any number) */
    cli_fn check;         /* more usage checks before opening, or NULL */
    const char *notes;    /* help text after the options, or NULL */
} cli_cmd;

/* One run of one command. */
typedef struct cli {
    int argc; /* the whole command line (provenance) */
    char **argv;
    const cli_cmd *cmd;
    /* the options given: the value, "" for a flag, NULL when absent */
    const char *opt[CLI_NOPTS];
    char **ops; /* operands */
    int nops;
    int64_t offset; /* -o in sectors; -1 = detect the volume system */
    int quiet, json;
    const char *docker_root;
    /* opened by cli_open() */
    dof_ctx *ctx;
    dof_evidence *ev;
    dof_fs **fsv; /* every partition's filesystem */
    size_t nfs;
    dof_host *host;
    const dof_container *ct; /* with --container */
    const dof_image *img;    /* with --image */
    dof_union *u;            /* with CLI_UNION */
    dof_report_opts ro;
} cli;

/* Open the evidence at `image` and what c->cmd->need names.  Returns 0,
 * or an exit code after printing the error. */
int cli_open(cli *c, const char *image);
/* The union view of c->ct (or else c->img) into c->u; 0 or an exit
 * code after printing the error. */
int cli_open_union(cli *c);
/* Serve c->u (or, when NULL, every partition of c->ev) read-only over
 * FUSE at mountpoint (tools/cmd_mount.c); returns the exit code. */
int cli_mount_serve(cli *c, const char *mountpoint, int foreground);
/* 0 for DOF_OK, else print the context's error and return the exit code
 * of the status. */
int cli_status(cli *c, int rc);
/* "dof: error: ..." on stderr; returns code. */
int cli_error(int code, const char *fmt, ...) DOF_PRINTF(2, 3);
/* A usage error of the current command: the message, its usage line and
 * where to find help; returns DOF_EXIT_USAGE. */
int cli_usage_error(const cli *c, const char *fmt, ...) DOF_PRINTF(2, 3);
/* Split "a,b,c" into a malloc'd array (the strings point into a copy);
 * free with cli_free_list().  Empty items are dropped. */
int cli_split_list(const char *s, const char ***out, size_t *n);
void cli_free_list(const char **v);
/* A JSON string of raw bytes, encoded as dof_name_encode() does. */
void cli_json_str(FILE *f, const char *raw, size_t len);
/* The "dof" provenance object of a --json document. */
void cli_json_provenance(FILE *f, const cli *c);

/* commands (tools/cmd_*.c) */
int cmd_status(cli *c);
int cmd_list_containers(cli *c);
int cmd_show_container_config(cli *c);
int cmd_list_images(cli *c);
int cmd_show_image_config(cli *c);
int cmd_show_image_history(cli *c);
int cmd_list_volumes(cli *c);
int cmd_list_networks(cli *c);
int cmd_explorer(cli *c);
int cmd_explorer_check(cli *c);
int cmd_show_container_log(cli *c);
int cmd_show_container_log_check(cli *c);
int cmd_ls(cli *c);
int cmd_cat(cli *c);
int cmd_union_check(cli *c);
int cmd_diff(cli *c);
int cmd_macrobber_container_layer(cli *c);
int cmd_macrobber_volumes(cli *c);
int cmd_timeline(cli *c);
int cmd_verify_image(cli *c);
int cmd_export_container(cli *c);
int cmd_export_check(cli *c);
int cmd_mount_container(cli *c);
int cmd_mount_image(cli *c);
int cmd_ingest(cli *c);
int cmd_ingest_check(cli *c);
int cmd_batch(cli *c);
int cmd_batch_check(cli *c);
int cmd_merge(cli *c);
int cmd_merge_check(cli *c);

#endif
