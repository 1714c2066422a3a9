/*
 * logs_private.h - internals of the container log readers (core/logs*.c):
 * the pure parsers of one json-file line and one local-driver record, and
 * the engine over a list of files given as read callbacks (what the unit
 * tests drive without a filesystem).  Not installed.
 */
#ifndef DOF_LOGS_PRIVATE_H
#define DOF_LOGS_PRIVATE_H

#include "base/base_private.h"

/* ---- caps (documented in dof.h, "Logs") ---- */
#define DOF_LOG_LINE_CAP (2u * 1024u * 1024u)          /* one json-file line */
#define DOF_LOG_LOCAL_CAP (1u * 1024u * 1024u + 4096u) /* one local record */
#define DOF_LOG_MSG_CAP (16u * 1024u * 1024u)    /* reassembled message */
#define DOF_LOG_GZ_ABS_CAP (64ull << 30)         /* decompressed / file */
#define DOF_LOG_GZ_MIN (1ull << 30)              /* bomb guard: floor */
#define DOF_LOG_GZ_RATIO 1000u                   /* bomb guard: ratio */
#define DOF_LOG_RESYNC_SCAN (4u * 1024u * 1024u) /* local resync window */
#define DOF_LOG_MAX_FILES 100000u                /* rotated siblings */
#define DOF_LOG_MAX_PIECES 65536u                /* pieces / message */

/* ---- json-file: one line ---- */
typedef struct dof_log_jline {
    dof_buf log;    /* decoded "log" (bytes docker prints) */
    dof_buf stream; /* decoded "stream" */
    dof_buf time;   /* decoded "time" text */
    dof_buf key;    /* scratch */
    int64_t time_ns;
} dof_log_jline;

void dof_log_jline_init(dof_log_jline *j);
void dof_log_jline_free(dof_log_jline *j);
/* Parse one line (without its '\n') the way Go's encoding/json decodes
 * it into docker's JSONLog: escapes decoded, lone surrogates and invalid
 * UTF-8 become U+FFFD, raw control bytes are an error.  "log" and a valid
 * RFC 3339 "time" are required, "stream" may be absent ("").  Returns
 * DOF_OK, DOF_ERR_FORMAT (why says where) or DOF_ERR_NOMEM. */
int dof_log_jsonfile_parse(const char *line, size_t len, dof_log_jline *j,
                           char *why, size_t whylen);

/* ---- local driver: one record (the protobuf between the lengths) ---- */
typedef struct dof_log_lentry {
    const char *source; /* field 1 */
    size_t source_len;
    int64_t time_nano; /* field 2 */
    const char *line;  /* field 3 */
    size_t line_len;
    int partial;    /* field 4 */
    int has_meta;   /* field 5 present */
    int last;       /* 5.1 */
    const char *id; /* 5.2 */
    size_t id_len;
    int32_t ordinal; /* 5.3 */
} dof_log_lentry;

/* Decode a LogEntry protobuf (bounded; unknown fields skipped; pointers
 * point into buf).  DOF_OK or DOF_ERR_FORMAT (why). */
int dof_log_local_parse(const unsigned char *buf, size_t len,
                        dof_log_lentry *e, char *why, size_t whylen);

/* ---- the engine over read callbacks ---- */
enum { DOF_LOG_FMT_JSONFILE = 1, DOF_LOG_FMT_LOCAL = 2 };

typedef int (*dof_log_read_fn)(void *arg, uint64_t off, void *buf, size_t len,
                               size_t *got);

typedef struct dof_log_file {
    const char *path; /* for records and warnings (copied) */
    int format;       /* DOF_LOG_FMT_* */
    uint64_t size;    /* stored size (bomb guard ratio) */
    dof_log_read_fn read;
    void *arg;
} dof_log_file;

/* Open a reader over files in the given order (oldest first).  The
 * callbacks and args must outlive the reader. */
int dof_log_open_files(dof_ctx *ctx, const dof_log_file *files, size_t n,
                       const dof_log_opts *opts, dof_log **out);

/* Test hooks: lower the caps (0 keeps a value). */
void dof_log_set_limits(dof_log *log, size_t line_cap, uint64_t gz_min,
                        uint64_t gz_ratio, uint64_t gz_abs);

#endif /* DOF_LOGS_PRIVATE_H */
