/*
 * cmd_explorer.c - `dof explorer`: docker-explorer's de.py command line
 * over an image or a mounted Docker root (-r).
 *
 *   dof explorer [-r DIR | IMAGE] [list WHAT [-F R,..] | history ID
 *                [--show-empty]]
 */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The operands, de.py's way: [IMAGE] [SUBCOMMAND [ARG...]]. */
typedef struct ex_ops {
    const char *image, *sub, *what, *id, *mountpoint;
} ex_ops;

static int
is_subcommand(const char *s)
{
    return strcmp(s, "list") == 0 || strcmp(s, "history") == 0 ||
           strcmp(s, "mount") == 0 || strcmp(s, "download") == 0;
}

/* Returns -1 to go on, else the exit code after a usage error. */
static int
parse_ops(cli *c, ex_ops *e)
{
    char **ops = c->ops;
    int nops = c->nops, k = 0;

    memset(e, 0, sizeof(*e));
    e->sub = "list";
    e->what = "all_containers";
    if (k < nops && !is_subcommand(ops[k]))
        e->image = ops[k++];
    if (k < nops)
        e->sub = ops[k++];
    if (strcmp(e->sub, "list") == 0) {
        if (k < nops)
            e->what = ops[k++];
        if (strcmp(e->what, "all_containers") != 0 &&
            strcmp(e->what, "running_containers") != 0 &&
            strcmp(e->what, "repositories") != 0)
            return cli_usage_error(c,
                                   "list: invalid choice: '%s' (choose "
                                   "from 'repositories', "
                                   "'running_containers', "
                                   "'all_containers')",
                                   e->what);
    }
    else if (strcmp(e->sub, "history") == 0) {
        if (k >= nops)
            return cli_usage_error(c, "history: a container ID prefix is "
                                      "required");
        e->id = ops[k++];
    }
    else if (strcmp(e->sub, "mount") == 0) {
        if (k + 2 > nops)
            return cli_usage_error(c, "mount: CONTAINER_ID_PREFIX and "
                                      "MOUNTPOINT are required");
        e->id = ops[k++];
        e->mountpoint = ops[k++];
    }
    else
        return cli_usage_error(c,
                               "explorer %s is not offered (download "
                               "needs Docker Hub)",
                               e->sub);
    if (k < nops)
        return cli_usage_error(c, "unexpected '%s'", ops[k]);
    if (e->image && c->opt[CLI_O_DE_ROOT])
        return cli_usage_error(c, "give -r DOCKER_DIR or IMAGE, not both");
    return -1;
}

int
cmd_explorer_check(cli *c)
{
    ex_ops e;

    if (c->opt[CLI_O_DE_VERSION]) {
        printf("dof %s (docker-explorer compatible; libtsk %s)\n", DOF_VERSION,
               dof_libtsk_version());
        return DOF_EXIT_OK;
    }
    return parse_ops(c, &e);
}

/* de.py's mount, served over FUSE from the evidence (as mount-container):
 * no root, no kernel overlayfs, no lowerdir limit. */
static int
explorer_mount(cli *c, const char *prefix, const char *mountpoint)
{
    int code = cli_status(
        c, dof_host_find_container(c->ctx, c->host, prefix, &c->ct));

    if (code == 0)
        code = cli_open_union(c);
    return code ? code : cli_mount_serve(c, mountpoint, 0);
}

int
cmd_explorer(cli *c)
{
    const char **filter = NULL;
    size_t nfilter = 0;
    char real[PATH_MAX];
    ex_ops e;
    int code, rc;

    if ((code = parse_ops(c, &e)) >= 0)
        return code;
    if (e.image == NULL) {
        /* a Docker root of a mounted filesystem: open "/" as a directory
         * evidence and read only that root, so paths print as de.py's */
        const char *r =
            c->opt[CLI_O_DE_ROOT] ? c->opt[CLI_O_DE_ROOT] : "/var/lib/docker";
        if (realpath(r, real) == NULL)
            return cli_error(DOF_EXIT_EVIDENCE, "%s is not a Docker directory",
                             r);
        e.image = "/";
        c->docker_root = real;
    }
    if ((code = cli_open(c, e.image)) != 0)
        return code;
    if (strcmp(e.sub, "mount") == 0)
        return explorer_mount(c, e.id, e.mountpoint);
    if (c->opt[CLI_O_DE_FILTER] &&
        cli_split_list(c->opt[CLI_O_DE_FILTER], &filter, &nfilter) != 0)
        return cli_error(DOF_EXIT_USAGE, "out of memory");
    c->ro.exclude_registries = filter;
    c->ro.nexclude_registries = nfilter;
    c->ro.show_empty = c->opt[CLI_O_SHOW_EMPTY] != NULL;
    if (strcmp(e.sub, "history") == 0)
        rc = dof_report_explorer_history(c->ctx, &c->ro, c->host, e.id);
    else
        rc = dof_report_explorer_list(c->ctx, &c->ro, c->host, e.what);
    code = cli_status(c, rc);
    cli_free_list(filter);
    return code;
}
