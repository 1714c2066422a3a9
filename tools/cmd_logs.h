/*
 * cmd_logs.h - `dof show-container-log`: a container's logs, printed as
 * `docker logs --timestamps` prints them (or JSON lines, or as stored).
 */
#ifndef DOF_CMD_LOGS_H
#define DOF_CMD_LOGS_H

/* argv[0] is the command name; options and the IMAGE operand follow.
 * Returns the process exit code (dof.h DOF_EXIT_*). */
int dof_cmd_show_container_log(int argc, char **argv);

#endif
