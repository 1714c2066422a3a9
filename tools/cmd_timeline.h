/*
 * cmd_timeline.h - `dof macrobber-container-layer`, `dof
 * macrobber-volumes` (TSK 3 bodyfiles for mactime) and `dof timeline`
 * (one sorted timeline of the host: bodyfile, Timesketch JSONL or CSV).
 */
#ifndef DOF_CMD_TIMELINE_H
#define DOF_CMD_TIMELINE_H

/* argv[0] is the command name; options and the IMAGE operand follow.
 * Each returns the process exit code (dof.h DOF_EXIT_*). */
int dof_cmd_macrobber_container_layer(int argc, char **argv);
int dof_cmd_macrobber_volumes(int argc, char **argv);
int dof_cmd_timeline(int argc, char **argv);

#endif
