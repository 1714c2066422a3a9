/*
 * cmd_export.h - `dof export-container`, plus the small helpers that
 * tools/cmd_verify.c and tools/cmd_mount.c share with it (opening the
 * evidence, the host, a container or an image, and its union view).
 */
#ifndef DOF_CMD_EXPORT_H
#define DOF_CMD_EXPORT_H

#include "dof.h"

#include <stdio.h>

/* argv[0] is the command name; returns the process exit code. */
int dof_cmd_export_container(int argc, char **argv);

/* What a command opened. */
typedef struct dof_xopen {
    dof_ctx *ctx;
    dof_evidence *ev;
    dof_host *host;
    const dof_container *c; /* with a container query */
    const dof_image *img;   /* with an image query */
    dof_union *u;           /* with want_union */
    dof_fs **fsv;           /* every volume's fs (bind sources) */
    size_t nfs;
} dof_xopen;

typedef struct dof_xargs {
    const char *image; /* evidence */
    int64_t offset;    /* sectors, -1 = detect */
    const char *root;  /* --docker-root */
    int quiet;
    const char *container; /* --container */
    const char *imageref;  /* --image */
    int want_host;
    int want_union;
    unsigned union_flags; /* DOF_UNION_* */
} dof_xargs;

/* Open what a names; returns -1 on success, else an exit code after
 * printing the error.  Close with dof_xopen_close() in either case. */
int dof_xopen_open(const dof_xargs *a, dof_xopen *o);
void dof_xopen_close(dof_xopen *o);
/* A JSON string of raw bytes, encoded as dof_name_encode() does. */
void dof_xjson_str(FILE *f, const char *raw, size_t len);
/* The "dof" provenance object of a --json document. */
void dof_xjson_provenance(FILE *f, int argc, char **argv,
                          const dof_evidence *ev);

#endif
