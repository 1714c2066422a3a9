/*
 * cmd_explorer.c - `dof explorer`: docker-explorer's de.py command line
 * over an image or a mounted Docker root (-r).
 *
 *   dof explorer [-r DIR | IMAGE] [list WHAT [-F R,..] | history ID
 *                [--show-empty]]
 */
#include "cli.h"
#include "cmd_mount.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_ROOT = 3000, OPT_DEBUG, OPT_DEVERSION, OPT_FILTER, OPT_EMPTY };

typedef struct ex_opts {
    const char *root;
    const char **filter;
    size_t nfilter;
    int show_empty;
} ex_opts;

static int
on_opt(cli *c, int opt, const char *arg, void *st)
{
    ex_opts *eo = st;

    switch (opt) {
    case 'r':
    case OPT_ROOT: eo->root = arg; return 0;
    case 'd':
    case OPT_DEBUG: return 0; /* de.py's debug logging: nothing to do */
    case 'V':
        printf("dof %s (docker-explorer compatible; libtsk %s)\n", DOF_VERSION,
               dof_libtsk_version());
        return -1;
    case 'F':
        cli_free_list(eo->filter);
        if (cli_split_list(arg, &eo->filter, &eo->nfilter) != 0)
            return cli_error(DOF_EXIT_USAGE, "out of memory");
        return 0;
    case OPT_EMPTY: eo->show_empty = 1; return 0;
    default: return cli_usage_error(c, "unexpected option");
    }
}

static int
is_subcommand(const char *s)
{
    return strcmp(s, "list") == 0 || strcmp(s, "history") == 0 ||
           strcmp(s, "mount") == 0 || strcmp(s, "download") == 0;
}

/* de.py's mount, served over FUSE from the evidence (as mount-container):
 * no root, no kernel overlayfs, no lowerdir limit. */
static int
explorer_mount(cli *c, const char *prefix, const char *mountpoint)
{
    const dof_container *ct = NULL;
    dof_fs *fsv[64];
    size_t nfs = 0;
    int rc = dof_host_find_container(c->ctx, c->host, prefix, &ct), ex;

    if (rc != DOF_OK)
        return cli_finish(c, rc);
    for (size_t i = 0; i < dof_evidence_partition_count(c->ev) && nfs < 64;
         i++) {
        const dof_partition *v = dof_evidence_partition(c->ev, i);
        if (v && v->fs)
            fsv[nfs++] = v->fs;
    }
    /* the server returns an exit code, not a status */
    ex = dof_mount_serve_container(c->ctx, c->host, ct, fsv, nfs, mountpoint,
                                   0);
    rc = cli_finish(c, DOF_OK);
    return ex != DOF_EXIT_OK ? ex : rc;
}

int
cmd_explorer(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"docker-directory", required_argument, NULL, OPT_ROOT},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"show-empty", no_argument, NULL, OPT_EMPTY},
        {NULL, 0, NULL, 0}};
    ex_opts eo;
    const char *image = NULL, *sub = "list", *what = "all_containers";
    const char *id = NULL, *mountpoint = NULL;
    char real[PATH_MAX];
    char **ops;
    int code = 0, first, nops, k = 0, rc;

    memset(&eo, 0, sizeof(eo));
    first = cli_getopt(c, argc, argv, "r:dVF:", opts, on_opt, &eo, &code);
    if (first < 0) {
        cli_free_list(eo.filter);
        return code < 0 ? DOF_EXIT_OK : code;
    }
    ops = argv + first;
    nops = argc - first;
    /* operands: [IMAGE] [SUBCOMMAND [ARG]] */
    if (k < nops && !is_subcommand(ops[k]))
        image = ops[k++];
    if (k < nops)
        sub = ops[k++];
    if (strcmp(sub, "list") == 0) {
        if (k < nops)
            what = ops[k++];
        if (strcmp(what, "all_containers") != 0 &&
            strcmp(what, "running_containers") != 0 &&
            strcmp(what, "repositories") != 0)
            code = cli_usage_error(c,
                                   "list: invalid choice: '%s' (choose "
                                   "from 'repositories', "
                                   "'running_containers', "
                                   "'all_containers')",
                                   what);
    }
    else if (strcmp(sub, "history") == 0) {
        if (k < nops)
            id = ops[k++];
        else
            code = cli_usage_error(c, "history: a container ID prefix is "
                                      "required");
    }
    else if (strcmp(sub, "mount") == 0) {
        if (k + 2 <= nops) {
            id = ops[k++];
            mountpoint = ops[k++];
        }
        else
            code = cli_usage_error(c, "mount: CONTAINER_ID_PREFIX and "
                                      "MOUNTPOINT are required");
    }
    else {
        code = cli_usage_error(c,
                               "explorer %s is not offered (download "
                               "needs Docker Hub)",
                               sub);
    }
    if (code == 0 && k < nops)
        code = cli_usage_error(c, "unexpected '%s'", ops[k]);
    if (code == 0 && image && eo.root)
        code = cli_usage_error(c, "give -r DOCKER_DIR or IMAGE, not both");
    if (code != 0) {
        cli_free_list(eo.filter);
        return code;
    }
    if (image == NULL) {
        /* a Docker root of a mounted filesystem: open "/" as a directory
         * evidence and read only that root, so paths print as de.py's */
        const char *r = eo.root ? eo.root : "/var/lib/docker";
        if (realpath(r, real) == NULL) {
            cli_free_list(eo.filter);
            return cli_error(DOF_EXIT_EVIDENCE, "%s is not a Docker directory",
                             r);
        }
        image = "/";
        c->docker_root = real;
    }
    code = cli_open(c, image, 1, 0);
    if (code != 0) {
        cli_finish(c, DOF_OK);
        cli_free_list(eo.filter);
        return code;
    }
    c->ro.exclude_registries = eo.filter;
    c->ro.nexclude_registries = eo.nfilter;
    c->ro.show_empty = eo.show_empty;
    if (strcmp(sub, "mount") == 0) {
        code = explorer_mount(c, id, mountpoint);
        cli_free_list(eo.filter);
        return code;
    }
    if (strcmp(sub, "history") == 0)
        rc = dof_report_explorer_history(c->ctx, &c->ro, c->host, id);
    else
        rc = dof_report_explorer_list(c->ctx, &c->ro, c->host, what);
    code = cli_finish(c, rc);
    cli_free_list(eo.filter);
    return code;
}
