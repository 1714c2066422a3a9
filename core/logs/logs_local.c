/*
 * logs_local.c - one record of the local log driver: a LogEntry protobuf
 * (moby api/types/plugins/logdriver/entry.proto), decoded by hand.
 */
#include "logs/logs_private.h"
#include "formats/pb.h"

#include <stdio.h>

/* The partial_log_metadata message (field 5): last, id, ordinal. */
static int
pb_meta(dof_pb *outer, const unsigned char *d, size_t n, dof_log_lentry *e)
{
    dof_pb p;
    dof_pb_field f;
    int rc;

    dof_pb_init(&p, d, n, outer->why, outer->whylen);
    while ((rc = dof_pb_next(&p, &f)) == 1) {
        if (f.num == 1 && f.wt == DOF_PB_VARINT)
            e->last = f.v != 0;
        else if (f.num == 2 && f.wt == DOF_PB_LEN) {
            e->id = (const char *)f.d;
            e->id_len = f.n;
        }
        else if (f.num == 3 && f.wt == DOF_PB_VARINT)
            e->ordinal = (int32_t)(uint32_t)f.v;
        else if (f.num <= 3)
            return dof_pb_fail(&p, "wrong wire type in partial_log_metadata");
    }
    return rc == 0 ? DOF_OK : DOF_ERR_FORMAT;
}

int
dof_log_local_parse(const unsigned char *buf, size_t len, dof_log_lentry *e,
                    char *why, size_t whylen)
{
    dof_pb p;
    dof_pb_field f;
    int rc;

    dof_pb_init(&p, buf, len, why, whylen);
    memset(e, 0, sizeof(*e));
    e->source = "";
    e->line = "";
    e->id = "";
    if (buf == NULL && len)
        return dof_pb_fail(&p, "no data");
    while ((rc = dof_pb_next(&p, &f)) == 1) {
        int want = f.num == 2 || f.num == 4 ? DOF_PB_VARINT : DOF_PB_LEN;
        if (f.num <= 5 && f.wt != (unsigned)want)
            return dof_pb_fail(&p, "wrong wire type");
        switch (f.num) {
        case 1:
            e->source = (const char *)f.d;
            e->source_len = f.n;
            break;
        case 2: e->time_nano = (int64_t)f.v; break;
        case 3:
            e->line = (const char *)f.d;
            e->line_len = f.n;
            break;
        case 4: e->partial = f.v != 0; break;
        case 5:
            e->has_meta = 1;
            if (pb_meta(&p, f.d, f.n, e))
                return DOF_ERR_FORMAT;
            break;
        default: break; /* fields of later versions */
        }
    }
    return rc == 0 ? DOF_OK : DOF_ERR_FORMAT;
}
