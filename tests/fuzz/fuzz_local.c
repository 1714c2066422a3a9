/*
 * fuzz_local.c - one local-driver LogEntry protobuf (core/logs_local.c,
 * dof_log_local_parse): no crash, every pointer returned lies inside the
 * input.
 */
#include "fuzz.h"
#include "logs/logs_private.h"

static void
inside(const uint8_t *data, size_t size, const char *p, size_t n)
{
    const uint8_t *q = (const uint8_t *)p;
    volatile unsigned char sink = 0;

    if (n == 0)
        return;
    FUZZ_ASSERT(q >= data && n <= size && (size_t)(q - data) <= size - n);
    for (size_t i = 0; i < n; i++)
        sink ^= q[i];
    (void)sink;
}

FUZZ_TARGET(local)
{
    dof_log_lentry e;
    char why[128];
    uint8_t *copy = (uint8_t *)fuzz_dup(data, size);
    int rc;

    if (copy == NULL)
        return 0;
    memset(&e, 0, sizeof(e));
    rc = dof_log_local_parse(copy, size, &e, why, sizeof(why));
    FUZZ_ASSERT(rc == DOF_OK || rc == DOF_ERR_FORMAT);
    if (rc == DOF_OK) {
        inside(copy, size, e.source, e.source_len);
        inside(copy, size, e.line, e.line_len);
        inside(copy, size, e.id, e.id_len);
    }
    free(copy);
    return 0;
}
