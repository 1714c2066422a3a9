/*
 * version.c - the library's version, the runtime check against the
 * header a program was built with, and dof_free.
 */
#include "base/base_private.h"

#include <stdlib.h>

const char *
dof_libversion(void)
{
    return DOF_VERSION;
}

int
dof_libversion_number(void)
{
    return DOF_VERSION_NUMBER;
}

int
dof_version_check(int header_number)
{
    return header_number / 1000000 == DOF_VERSION_NUMBER / 1000000 &&
           header_number <= DOF_VERSION_NUMBER;
}

void
dof_free(void *p)
{
    free(p);
}
