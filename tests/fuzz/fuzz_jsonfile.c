/*
 * fuzz_jsonfile.c - one json-file log line (core/logs_jsonfile.c,
 * dof_log_jsonfile_parse): no crash; on success "time" parses and the
 * decoded buffers are consistent.
 */
#include "fuzz.h"
#include "logs/logs_private.h"

FUZZ_TARGET(jsonfile)
{
    dof_log_jline j;
    char why[128];
    char *line = fuzz_dup(data, size);
    int rc;

    if (line == NULL)
        return 0;
    dof_log_jline_init(&j);
    why[0] = '\0';
    rc = dof_log_jsonfile_parse(line, size, &j, why, sizeof(why));
    FUZZ_ASSERT(rc == DOF_OK || rc == DOF_ERR_FORMAT || rc == DOF_ERR_NOMEM);
    if (rc == DOF_OK) {
        int64_t ns;
        FUZZ_ASSERT(j.log.len <= 4 * size);
        FUZZ_ASSERT(dof_time_parse(j.time.data ? j.time.data : "", j.time.len,
                                   &ns) == DOF_OK);
        FUZZ_ASSERT(ns == j.time_ns);
    }
    else {
        FUZZ_ASSERT(memchr(why, '\0', sizeof(why)) != NULL);
    }
    dof_log_jline_free(&j);
    free(line);
    return 0;
}
