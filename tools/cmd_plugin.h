/*
 * cmd_plugin.h - the case database commands of the dof CLI: ingest,
 * batch, merge.  argv[0] is the command name; they return the process
 * exit code (README, "Exit codes").
 */
#ifndef DOF_CMD_PLUGIN_H
#define DOF_CMD_PLUGIN_H

int dof_cmd_ingest(int argc, char **argv);
int dof_cmd_batch(int argc, char **argv);
int dof_cmd_merge(int argc, char **argv);

#endif /* DOF_CMD_PLUGIN_H */
