/*
 * cmd_timeline.c - bodyfiles and the host timeline:
 *   dof macrobber-container-layer --container X [--ns] IMAGE
 *   dof macrobber-volumes --container X [--ns] IMAGE
 *   dof timeline [--container X] [--logs] [--no-files]
 *                [--format bodyfile|jsonl|csv] IMAGE
 * Options and the opening of the evidence: tools/dof.c.
 *
 *   { dof macrobber-container-layer --container web IMG;
 *     dof macrobber-volumes --container web IMG; } | mactime -y -z UTC
 */
#include "cli.h"

#include <string.h>

/* A write error of the output is a warning-level exit. */
static int
write_status(cli *c, int rc)
{
    if (rc == DOF_ERR_IO) {
        cli_status(c, rc);
        return DOF_EXIT_WARNINGS;
    }
    return cli_status(c, rc);
}

static int
bodyfile_cmd(cli *c, unsigned what)
{
    dof_bodyfile_opts bo;

    dof_bodyfile_opts_init(&bo);
    bo.flags = what | (c->opt[CLI_O_NS] ? DOF_BODYFILE_NS : 0);
    bo.out = stdout;
    bo.host_fs = c->fsv;
    bo.nhost_fs = c->nfs;
    return write_status(c, dof_bodyfile_write(c->ctx, c->ct, &bo));
}

int
cmd_macrobber_container_layer(cli *c)
{
    return bodyfile_cmd(c, DOF_BODYFILE_LAYER);
}

int
cmd_macrobber_volumes(cli *c)
{
    return bodyfile_cmd(c, DOF_BODYFILE_VOLUMES);
}

int
cmd_timeline(cli *c)
{
    const char *format = c->opt[CLI_O_FORMAT];
    dof_timeline_opts to;

    dof_timeline_opts_init(&to);
    to.out = stdout;
    to.container = c->ct;
    to.logs = c->opt[CLI_O_LOGS] != NULL;
    to.no_files = c->opt[CLI_O_NOFILES] != NULL;
    to.host_fs = c->fsv;
    to.nhost_fs = c->nfs;
    if (format == NULL || strcmp(format, "jsonl") == 0)
        to.format = DOF_TIMELINE_JSONL;
    else if (strcmp(format, "csv") == 0)
        to.format = DOF_TIMELINE_CSV;
    else
        to.format = DOF_TIMELINE_BODYFILE;
    return write_status(c, dof_timeline_write(c->ctx, c->host, &to));
}
