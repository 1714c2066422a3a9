/*
 * cmd_verify.h - `dof verify-image`: an image's integrity from what the
 * host holds (config hash, layerdb chain, tar-split headers).
 */
#ifndef DOF_CMD_VERIFY_H
#define DOF_CMD_VERIFY_H

/* argv[0] is the command name; returns the process exit code: 0 all
 * checks pass, 1 findings (or warnings), 2 usage, 3/4/5 as usual. */
int dof_cmd_verify_image(int argc, char **argv);

#endif
