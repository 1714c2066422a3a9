/*
 * cli.h - shared parts of the dof command line (tools/dof.c and the
 * tools/cmd_*.c files).  The CLI sees only dof.h; it parses arguments,
 * opens the evidence, calls the report layer and maps statuses to exit
 * codes.
 */
#ifndef DOF_CLI_H
#define DOF_CLI_H

#include "dof.h"

#include <getopt.h>

/* One run of one command. */
typedef struct cli {
    int argc; /* the whole command line (provenance) */
    char **argv;
    const struct cli_cmd *cmd;
    /* common options */
    const char *docker_root;
    int64_t offset; /* sectors; -1 = detect the volume system */
    int json, quiet, show_secrets;
    /* opened by cli_open() */
    dof_ctx *ctx;
    dof_evidence *ev;
    dof_host *host;
    dof_report_opts ro;
} cli;

typedef int (*cli_fn)(cli *c, int argc, char **argv);

/* A command module with its own parsing: argv[0] is the command name;
 * returns the exit code. */
typedef int (*cli_plain_fn)(int argc, char **argv);

typedef struct cli_cmd {
    const char *name;
    cli_fn fn; /* or NULL when plain is set */
    const char *summary;
    const char *usage;  /* options after "dof NAME" */
    const char *help;   /* option descriptions, or NULL */
    cli_plain_fn plain; /* used when fn is NULL */
} cli_cmd;

/* Called for each option that is not a common one; return 0, or
 * DOF_EXIT_USAGE after printing why. */
typedef int (*cli_opt_fn)(cli *c, int opt, const char *arg, void *st);

/* Parse argv with the common options plus `extra` (NULL-terminated
 * table) / `extra_short`.  Returns -1 and sets *exit_code when the run
 * should end here (usage error: 2, --help/--version: 0); otherwise the
 * index of the first operand. */
int cli_getopt(cli *c, int argc, char **argv, const char *extra_short,
               const struct option *extra, cli_opt_fn fn, void *st,
               int *exit_code);
/* Exactly one IMAGE operand at argv[first..]: returns it or NULL after
 * printing a usage error. */
const char *cli_one_image(cli *c, int argc, char **argv, int first);
/* Open the evidence and (when want_host) the Docker host model.  Returns
 * 0 or an exit code after printing the error.  With allow_nodata a
 * missing data root leaves c->host NULL and returns 0. */
int cli_open(cli *c, const char *image, int want_host, int allow_nodata);
/* Map a report status to the exit code (printing the error), close what
 * cli_open opened. */
int cli_finish(cli *c, int rc);
/* "dof: error: ..." on stderr; returns code. */
int cli_error(int code, const char *fmt, ...) DOF_PRINTF(2, 3);
/* Usage error for the current command; returns DOF_EXIT_USAGE. */
int cli_usage_error(const cli *c, const char *fmt, ...) DOF_PRINTF(2, 3);
/* Split "a,b,c" into a malloc'd array (the strings point into a copy);
 * free with cli_free_list().  Empty items are dropped. */
int cli_split_list(const char *s, const char ***out, size_t *n);
void cli_free_list(const char **v);

/* commands (tools/cmd_*.c) */
int cmd_status(cli *c, int argc, char **argv);
int cmd_list_containers(cli *c, int argc, char **argv);
int cmd_show_container_config(cli *c, int argc, char **argv);
int cmd_list_images(cli *c, int argc, char **argv);
int cmd_show_image_config(cli *c, int argc, char **argv);
int cmd_show_image_history(cli *c, int argc, char **argv);
int cmd_list_volumes(cli *c, int argc, char **argv);
int cmd_list_networks(cli *c, int argc, char **argv);
int cmd_explorer(cli *c, int argc, char **argv);

#endif
