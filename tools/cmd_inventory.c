/*
 * cmd_inventory.c - status, list-containers, list-images, list-volumes,
 * list-networks, show-container-config, show-image-config,
 * show-image-history.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum {
    OPT_STYLE = 2000,
    OPT_RUNNING,
    OPT_EXCLUDE,
    OPT_LAYERS,
    OPT_CONTAINER,
    OPT_IMAGE,
    OPT_DOCKERFILE,
};

/* Options of every inventory command, filled by on_opt. */
typedef struct inv_opts {
    dof_report_style style;
    int running, layers, dockerfile;
    const char **exclude;
    size_t nexclude;
    const char *container, *image;
} inv_opts;

static int
on_opt(cli *c, int opt, const char *arg, void *st)
{
    inv_opts *io = st;

    switch (opt) {
    case OPT_STYLE:
        if (strcmp(arg, "linear") == 0)
            io->style = DOF_REPORT_LINEAR;
        else if (strcmp(arg, "tabular") == 0)
            io->style = DOF_REPORT_TABULAR;
        else
            return cli_usage_error(c,
                                   "--style is linear or tabular, not "
                                   "'%s'",
                                   arg);
        return 0;
    case OPT_RUNNING: io->running = 1; return 0;
    case OPT_LAYERS: io->layers = 1; return 0;
    case OPT_DOCKERFILE: io->dockerfile = 1; return 0;
    case OPT_EXCLUDE:
        cli_free_list(io->exclude);
        if (cli_split_list(arg, &io->exclude, &io->nexclude) != 0)
            return cli_error(DOF_EXIT_USAGE, "out of memory");
        return 0;
    case OPT_CONTAINER: io->container = arg; return 0;
    case OPT_IMAGE: io->image = arg; return 0;
    default: return cli_usage_error(c, "unexpected option");
    }
}

/* Parse, check the required option (OPT_CONTAINER / OPT_IMAGE / 0),
 * open; returns the exit code when the run ends early, else -1. */
static int
start_req(cli *c, int argc, char **argv, const struct option *extra,
          inv_opts *io, int allow_nodata, int required)
{
    int code = 0, first;
    const char *image;

    memset(io, 0, sizeof(*io));
    first = cli_getopt(c, argc, argv, "", extra, on_opt, io, &code);
    if (first < 0)
        return code;
    if (required == OPT_CONTAINER && io->container == NULL)
        return cli_usage_error(c, "--container NAME|ID is required");
    if (required == OPT_IMAGE && io->image == NULL)
        return cli_usage_error(c, "--image REF|ID is required");
    image = cli_one_image(c, argc, argv, first);
    if (image == NULL)
        return DOF_EXIT_USAGE;
    code = cli_open(c, image, 1, allow_nodata);
    if (code != 0) {
        cli_finish(c, DOF_OK); /* close; the error is printed */
        return code;
    }
    c->ro.style = io->style;
    c->ro.running_only = io->running;
    c->ro.layers = io->layers;
    c->ro.dockerfile = io->dockerfile;
    c->ro.exclude_registries = io->exclude;
    c->ro.nexclude_registries = io->nexclude;
    return -1;
}

static int
start(cli *c, int argc, char **argv, const struct option *extra, inv_opts *io,
      int allow_nodata)
{
    return start_req(c, argc, argv, extra, io, allow_nodata, 0);
}

static const struct option no_opts[] = {{NULL, 0, NULL, 0}};

int
cmd_status(cli *c, int argc, char **argv)
{
    inv_opts io;
    int code = start(c, argc, argv, no_opts, &io, 1);
    int rc, nodata;

    if (code >= 0)
        return code;
    nodata = c->host == NULL;
    rc = dof_report_status(c->ctx, &c->ro, c->ev, c->host);
    if (nodata && rc == DOF_OK)
        cli_error(0, "%s", dof_errmsg(c->ctx));
    code = cli_finish(c, rc);
    if (code == DOF_EXIT_OK || code == DOF_EXIT_WARNINGS)
        code = nodata ? DOF_EXIT_NODATA : code;
    return code;
}

int
cmd_list_containers(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"style", required_argument, NULL, OPT_STYLE},
        {"running", no_argument, NULL, OPT_RUNNING},
        {"exclude-registry", required_argument, NULL, OPT_EXCLUDE},
        {"layers", no_argument, NULL, OPT_LAYERS},
        {NULL, 0, NULL, 0}};
    inv_opts io;
    int code = start(c, argc, argv, opts, &io, 0);

    if (code < 0)
        code = cli_finish(c, dof_report_containers(c->ctx, &c->ro, c->host));
    cli_free_list(io.exclude);
    return code;
}

int
cmd_show_container_config(cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"container", required_argument, NULL, OPT_CONTAINER},
        {NULL, 0, NULL, 0}};
    const dof_container *ct;
    inv_opts io;
    int code, rc;

    code = start_req(c, argc, argv, opts, &io, 0, OPT_CONTAINER);
    if (code >= 0)
        return code;
    rc = dof_host_find_container(c->ctx, c->host, io.container, &ct);
    if (rc == DOF_OK)
        rc = dof_report_container_config(c->ctx, &c->ro, ct);
    return cli_finish(c, rc);
}

static int
with_image(cli *c, int argc, char **argv, int history)
{
    static const struct option opts[] = {
        {"image", required_argument, NULL, OPT_IMAGE},
        {"dockerfile", no_argument, NULL, OPT_DOCKERFILE},
        {NULL, 0, NULL, 0}};
    static const struct option opts_cfg[] = {
        {"image", required_argument, NULL, OPT_IMAGE}, {NULL, 0, NULL, 0}};
    const dof_image *img;
    inv_opts io;
    int code, rc;

    code =
        start_req(c, argc, argv, history ? opts : opts_cfg, &io, 0, OPT_IMAGE);
    if (code >= 0)
        return code;
    rc = dof_host_find_image(c->ctx, c->host, io.image, &img);
    if (rc == DOF_OK)
        rc = history ? dof_report_image_history(c->ctx, &c->ro, img)
                     : dof_report_image_config(c->ctx, &c->ro, img);
    return cli_finish(c, rc);
}

int
cmd_show_image_config(cli *c, int argc, char **argv)
{
    return with_image(c, argc, argv, 0);
}

int
cmd_show_image_history(cli *c, int argc, char **argv)
{
    return with_image(c, argc, argv, 1);
}

int
cmd_list_images(cli *c, int argc, char **argv)
{
    inv_opts io;
    int code = start(c, argc, argv, no_opts, &io, 0);

    if (code >= 0)
        return code;
    return cli_finish(c, dof_report_images(c->ctx, &c->ro, c->host));
}

int
cmd_list_volumes(cli *c, int argc, char **argv)
{
    inv_opts io;
    int code = start(c, argc, argv, no_opts, &io, 0);

    if (code >= 0)
        return code;
    return cli_finish(c, dof_report_volumes(c->ctx, &c->ro, c->host));
}

int
cmd_list_networks(cli *c, int argc, char **argv)
{
    inv_opts io;
    int code = start(c, argc, argv, no_opts, &io, 0);

    if (code >= 0)
        return code;
    return cli_finish(c, dof_report_networks(c->ctx, &c->ro, c->host));
}
