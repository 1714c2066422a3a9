/*
 * fuzz_time.c - dof_time_parse / dof_time_format (core/time.c): no
 * crash, and whatever parses formats back to text that parses to the same
 * instant.
 */
#include "fuzz.h"

FUZZ_TARGET(time)
{
    char *s = fuzz_dup(data, size);
    char buf[64], small[8];
    int64_t ns = 0, ns2 = 0;
    size_t n;

    if (s == NULL)
        return 0;
    if (dof_time_parse(s, size, &ns) == DOF_OK && ns != DOF_TIME_NONE) {
        n = dof_time_format(ns, buf, sizeof(buf));
        FUZZ_ASSERT(n == 30);
        FUZZ_ASSERT(strlen(buf) == n);
        FUZZ_ASSERT(dof_time_parse(buf, n, &ns2) == DOF_OK);
        FUZZ_ASSERT(ns2 == ns);
        /* a too small buffer gives "" and 0, never an overflow */
        FUZZ_ASSERT(dof_time_format(ns, small, sizeof(small)) == 0);
        FUZZ_ASSERT(small[0] == '\0');
    }
    /* any 8 bytes as a time: format never overflows */
    if (size >= 8) {
        int64_t v = (int64_t)dof_le64(data);
        n = dof_time_format(v, buf, sizeof(buf));
        FUZZ_ASSERT(n < sizeof(buf) && strlen(buf) == n);
    }
    free(s);
    return 0;
}
