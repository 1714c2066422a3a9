/*
 * test_api.c - the reference parts of include/dof.h: version macros
 * against the library, the runtime check, dof_free, and that every
 * options struct has an _init that sets its documented defaults.
 */
#include "dof.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

TEST(version)
{
    char want[32];

    snprintf(want, sizeof(want), "%d.%d.%d", DOF_VERSION_MAJOR,
             DOF_VERSION_MINOR, DOF_VERSION_PATCH);
    is_str(DOF_VERSION, want, "DOF_VERSION matches the major/minor/patch");
    is_str(dof_libversion(), DOF_VERSION, "library version = header");
    is_int(dof_libversion_number(), DOF_VERSION_NUMBER,
           "library version number = header");
    ok(dof_version_check(DOF_VERSION_NUMBER), "this header is compatible");
    ok(!dof_version_check(DOF_VERSION_NUMBER + 1),
       "a newer header is refused (the library lacks its additions)");
    ok(!dof_version_check(DOF_VERSION_NUMBER + 1000000),
       "another major version is refused");
    if (DOF_VERSION_NUMBER % 1000000 > 0)
        ok(dof_version_check(DOF_VERSION_NUMBER - 1),
           "an older header of the same major version is accepted");
}

TEST(free)
{
    char *s = dof_name_encode("a\x01", 2, NULL);

    is_str(s, "a\\x01", "dof_name_encode result");
    dof_free(s); /* under ASan: a mismatched free would be reported */
    dof_free(NULL);
    ok(1, "dof_free takes library results and NULL");
}

TEST(inits)
{
    dof_evidence_opts eo;
    dof_host_opts ho;
    dof_union_opts uo;
    dof_log_opts lo;
    dof_bodyfile_opts bo;
    dof_timeline_opts to;
    dof_export_opts xo;
    dof_report_opts ro;
    dof_ingest_opts io;
    dof_batch_opts ba;

    memset(&eo, 0x5a, sizeof(eo));
    dof_evidence_opts_init(&eo);
    ok(eo.offset_sectors == -1 && eo.volume == NULL,
       "evidence opts: detect, every partition");
    memset(&ho, 0x5a, sizeof(ho));
    dof_host_opts_init(&ho);
    ok(ho.docker_root == NULL && ho.show_secrets == 0 &&
           ho.only_container == NULL,
       "host opts: all zero");
    memset(&uo, 0x5a, sizeof(uo));
    dof_union_opts_init(&uo);
    ok(uo.flags == 0 && uo.host_fs == NULL && uo.nhost_fs == 0,
       "union opts: no mounts");
    memset(&lo, 0x5a, sizeof(lo));
    dof_log_opts_init(&lo);
    ok(lo.reassemble == 0 && lo.since == DOF_TIME_NONE &&
           lo.until == DOF_TIME_NONE,
       "log opts: no reassembly, no bounds");
    memset(&bo, 0x5a, sizeof(bo));
    dof_bodyfile_opts_init(&bo);
    ok(bo.flags == DOF_BODYFILE_LAYER && bo.out == NULL && bo.prefix == NULL,
       "bodyfile opts: the layer, no sink named");
    memset(&to, 0x5a, sizeof(to));
    dof_timeline_opts_init(&to);
    ok(to.out == NULL && to.format == DOF_TIMELINE_JSONL &&
           to.container == NULL && to.logs == 0 && to.no_files == 0,
       "timeline opts: JSONL, files, no sink named");
    memset(&xo, 0x5a, sizeof(xo));
    dof_export_opts_init(&xo);
    ok(xo.dir == NULL && xo.tar == NULL && xo.flags == 0,
       "export opts: all zero");
    memset(&ro, 0x5a, sizeof(ro));
    dof_report_opts_init(&ro);
    ok(ro.json == 0 && ro.ev == NULL, "report opts: text");
    memset(&io, 0x5a, sizeof(io));
    dof_ingest_opts_init(&io);
    ok(io.modules == NULL && io.offset_sectors == -1,
       "ingest opts: all modules, detect");
    memset(&ba, 0x5a, sizeof(ba));
    dof_batch_opts_init(&ba);
    ok(ba.resume == 0 && ba.ingest.offset_sectors == -1,
       "batch opts: no resume, ingest defaults");
}

TEST(names)
{
    is_str(dof_ftype_name(DOF_FT_LNK), "symlink", "ftype name: symlink");
    is_str(dof_ftype_name(DOF_FT_DIR), "dir", "ftype name: dir");
    is_str(dof_ftype_name((dof_ftype)99), "unknown", "ftype name: unknown");
    is_str(dof_state_name(DOF_STATE_STOPPED), "stopped",
           "state name: stopped");
}

TAP_MAIN(NULL, NULL)
