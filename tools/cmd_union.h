/*
 * cmd_union.h - `dof ls`, `dof cat`, `dof diff`: a container's
 * filesystem read straight from the image through the union view.
 */
#ifndef DOF_CMD_UNION_H
#define DOF_CMD_UNION_H

/* argv[0] is the command name; options and operands follow.  Each
 * returns the process exit code (dof.h DOF_EXIT_*). */
int dof_cmd_ls(int argc, char **argv);
int dof_cmd_cat(int argc, char **argv);
int dof_cmd_diff(int argc, char **argv);

#endif
