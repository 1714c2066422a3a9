/*
 * cmd_mount.h - `dof mount-image` and `dof mount-container`: the
 * evidence's filesystems, or a container's merged view, served
 * read-only over FUSE (libfuse3), without root.  Built without fuse3,
 * the commands print that and exit 2.
 */
#ifndef DOF_CMD_MOUNT_H
#define DOF_CMD_MOUNT_H

#include "dof.h"

/* For `dof explorer (-r DIR | IMAGE) mount CONTAINER MOUNTPOINT`
 * (tools/cmd_explorer.c): serve an opened container's merged view (with
 * its volumes and binds; host_fs as in dof_union_opts) at mountpoint,
 * in the foreground when foreground is set.  Returns the exit code. */
int dof_mount_serve_container(dof_ctx *ctx, const dof_host *host,
                              const dof_container *c, dof_fs *const *host_fs,
                              size_t nhost_fs, const char *mountpoint,
                              int foreground);

#endif
