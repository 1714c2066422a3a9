/*
 * cmd_inventory.c - status, list-containers, list-images, list-volumes,
 * list-networks, show-container-config, show-image-config,
 * show-image-history: the report layer over the opened host.
 */
#include "cli.h"

#include <string.h>

int
cmd_status(cli *c)
{
    int nodata = c->host == NULL, rc, code;

    rc = dof_report_status(c->ctx, &c->ro, c->ev, c->host);
    if (nodata && rc == DOF_OK)
        cli_error(0, "%s", dof_errmsg(c->ctx));
    code = cli_status(c, rc);
    return code == DOF_EXIT_OK && nodata ? DOF_EXIT_NODATA : code;
}

int
cmd_list_containers(cli *c)
{
    const char *style = c->opt[CLI_O_STYLE];
    const char **exclude = NULL;
    size_t nexclude = 0;
    int code;

    if (c->opt[CLI_O_EXCLUDE] &&
        cli_split_list(c->opt[CLI_O_EXCLUDE], &exclude, &nexclude) != 0)
        return cli_error(DOF_EXIT_USAGE, "out of memory");
    c->ro.style = style && strcmp(style, "tabular") == 0 ? DOF_REPORT_TABULAR
                                                         : DOF_REPORT_LINEAR;
    c->ro.running_only = c->opt[CLI_O_RUNNING] != NULL;
    c->ro.layers = c->opt[CLI_O_LAYERS] != NULL;
    c->ro.exclude_registries = exclude;
    c->ro.nexclude_registries = nexclude;
    code = cli_status(c, dof_report_containers(c->ctx, &c->ro, c->host));
    cli_free_list(exclude);
    return code;
}

int
cmd_show_container_config(cli *c)
{
    return cli_status(c, dof_report_container_config(c->ctx, &c->ro, c->ct));
}

int
cmd_show_image_config(cli *c)
{
    return cli_status(c, dof_report_image_config(c->ctx, &c->ro, c->img));
}

int
cmd_show_image_history(cli *c)
{
    c->ro.dockerfile = c->opt[CLI_O_DOCKERFILE] != NULL;
    return cli_status(c, dof_report_image_history(c->ctx, &c->ro, c->img));
}

int
cmd_list_images(cli *c)
{
    return cli_status(c, dof_report_images(c->ctx, &c->ro, c->host));
}

int
cmd_list_volumes(cli *c)
{
    return cli_status(c, dof_report_volumes(c->ctx, &c->ro, c->host));
}

int
cmd_list_networks(cli *c)
{
    return cli_status(c, dof_report_networks(c->ctx, &c->ro, c->host));
}
