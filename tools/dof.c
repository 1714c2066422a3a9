/* dof.c - the command line (placeholder until the CLI module lands). */
#include "dof.h"

#include <stdio.h>

int
main(void)
{
    printf("dof %s\n", DOF_VERSION);
    return 0;
}
