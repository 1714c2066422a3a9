/*
 * fuzz_logstream.c - the log reader engine (core/logs.c) over one or two
 * in-memory files: json-file or local framing, plain or gzip (found by
 * magic), rotation order, partial-message reassembly, time bounds.  The
 * first byte picks the options; the rest is split at "\n--\n" into an
 * older and a current file.  The decompression caps are lowered so that
 * a bomb stops quickly.
 */
#include "fuzz.h"
#include "logs/logs_private.h"

typedef struct mfile {
    const uint8_t *p;
    size_t len;
} mfile;

static int
mread(void *arg, uint64_t off, void *buf, size_t len, size_t *got)
{
    mfile *m = arg;
    size_t n = 0;

    if (off < m->len) {
        n = m->len - (size_t)off;
        if (n > len)
            n = len;
        memcpy(buf, m->p + off, n);
    }
    *got = n;
    return DOF_OK;
}

FUZZ_TARGET(logstream)
{
    dof_ctx *ctx;
    dof_log *log = NULL;
    dof_log_opts o;
    dof_log_file f[2];
    mfile m[2];
    const uint8_t *a, *b;
    size_t alen, blen, nf;
    unsigned flags;
    uint8_t *copy;

    if (size < 1)
        return 0;
    flags = data[0];
    copy = (uint8_t *)fuzz_dup(data + 1, size - 1);
    if (copy == NULL)
        return 0;
    fuzz_split(copy, size - 1, &a, &alen, &b, &blen);
    m[0].p = a;
    m[0].len = alen;
    m[1].p = b;
    m[1].len = blen;
    nf = blen > 0 ? 2 : 1;
    for (size_t i = 0; i < nf; i++) {
        f[i].path = i == 0 ? "c/c-json.log.1" : "c/c-json.log";
        f[i].format = (flags & 1) ? DOF_LOG_FMT_LOCAL : DOF_LOG_FMT_JSONFILE;
        f[i].size = m[i].len;
        f[i].read = mread;
        f[i].arg = &m[i];
    }
    dof_log_opts_init(&o);
    o.reassemble = (flags >> 1) & 1;
    o.streams = (flags >> 2) & 7;
    if (flags & 0x20)
        o.since = 1500000000000000000LL;
    if (flags & 0x40)
        o.until = 1700000000000000000LL;
    ctx = dof_ctx_new();
    if (ctx == NULL) {
        free(copy);
        return 0;
    }
    if (dof_log_open_files(ctx, f, nf, &o, &log) == DOF_OK) {
        const dof_log_record *r;
        size_t count = 0;
        int rc;

        dof_log_set_limits(log, (flags & 0x80) ? 64 : 0, 1u << 20, 4,
                           8u << 20);
        while ((rc = dof_log_next(log, &r)) == 1 && count++ < 100000) {
            volatile unsigned char sink = 0;
            FUZZ_ASSERT(r != NULL && r->source != NULL);
            for (size_t i = 0; i < r->len; i++)
                sink ^= (unsigned char)r->message[i];
            for (size_t i = 0; r->raw && i < r->raw_len; i++)
                sink ^= (unsigned char)r->raw[i];
            (void)sink;
            FUZZ_ASSERT(r->npieces >= 1);
            FUZZ_ASSERT(r->stream == DOF_LOG_STDOUT ||
                        r->stream == DOF_LOG_STDERR ||
                        r->stream == DOF_LOG_OTHER);
        }
        FUZZ_ASSERT(rc <= 1);
        dof_log_close(log);
    }
    dof_ctx_free(ctx);
    free(copy);
    return 0;
}
