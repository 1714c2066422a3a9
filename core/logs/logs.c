/*
 * logs.c - a container's logs, streamed: finding the json-file / local
 * files and their rotated siblings through dof_fs, reading them (gzip
 * through zlib, in chunks) oldest first, framing lines and local records
 * with caps, optional reassembly of partial pieces.
 */
#include "engine/engine_private.h"
#include "logs/logs_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#define CHUNK (256u * 1024u)

typedef struct pend {
    dof_buf msg;
    dof_buf stream_name;
    int64_t *pieces;
    size_t npieces, cap;
    int64_t time;
    uint64_t offset;
    const char *source;
    dof_log_format format;
    unsigned stream;
} pend;

typedef struct fsarg {
    dof_fs *fs;
    dof_node node;
} fsarg;

struct dof_log {
    dof_ctx *ctx;
    dof_arena *arena;
    dof_log_file *files;
    size_t nfiles, capfiles, cur;
    dof_log_opts opts;
    size_t line_cap;
    uint64_t gz_min, gz_ratio, gz_abs;

    /* the file being read */
    int fopen;
    const dof_log_file *f;
    int gz, zinit, zend;
    z_stream z;
    unsigned char *in;
    size_t in_len, in_pos;
    uint64_t raw_off; /* next offset to read in the stored file */
    int raw_eof;
    unsigned char *out;
    size_t out_len, out_pos;
    uint64_t out_base; /* stream offset of out[0] */
    uint64_t total_out;
    int st_eof;
    int skipping; /* inside an over-long json-file line */
    int seen_in_file;
    int64_t file_last;
    int have_prev;
    int64_t prev_last;

    /* parsing and the records handed out */
    dof_log_jline jl;
    dof_buf line;
    dof_buf msg, stream_name, meta_id;
    dof_log_record rec;  /* the current piece */
    dof_log_record jrec; /* a reassembled message */
    int carry;           /* rec is still to be processed */
    pend pend[3];
    int pend_reset; /* index + 1 of the pend to clear */
};

/* ------------------------------------------------------------------ */
/* the byte stream of one file (plain or gzip)                         */
/* ------------------------------------------------------------------ */

static unsigned long long
ull(uint64_t v)
{
    return (unsigned long long)v;
}

static int
ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && memcmp(s + a - b, suf, b) == 0;
}

static void
st_close(dof_log *l)
{
    if (l->zinit)
        inflateEnd(&l->z);
    l->zinit = 0;
    l->fopen = 0;
    if (l->seen_in_file) {
        l->have_prev = 1;
        l->prev_last = l->file_last;
    }
}

static void
st_open(dof_log *l, size_t i)
{
    const dof_log_file *f = &l->files[i];
    unsigned char magic[2];
    size_t got = 0;

    l->f = f;
    l->fopen = 1;
    l->gz = l->zinit = l->zend = 0;
    l->in_len = l->in_pos = 0;
    l->raw_off = 0;
    l->raw_eof = 0;
    l->out_len = l->out_pos = 0;
    l->out_base = 0;
    l->total_out = 0;
    l->st_eof = 0;
    l->skipping = 0;
    l->seen_in_file = 0;
    if (f->read(f->arg, 0, magic, 2, &got) != DOF_OK) {
        dof_warn(l->ctx, DOF_ERR_IO, f->path, "cannot read the log file: %s",
                 dof_errmsg(l->ctx));
        l->st_eof = 1;
        return;
    }
    if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        memset(&l->z, 0, sizeof(l->z));
        if (inflateInit2(&l->z, 15 + 32) != Z_OK) {
            dof_warn(l->ctx, DOF_ERR_NOMEM, f->path, "cannot start zlib");
            l->st_eof = 1;
            return;
        }
        l->gz = l->zinit = 1;
    }
    else if (ends_with(f->path, ".gz")) {
        dof_warn(l->ctx, DOF_ERR_FORMAT, f->path,
                 "named .gz but not gzip data: read as stored");
    }
}

/* The file's read callback, never past its stored size (a damaged
 * inode's size may say terabytes; dof_log_open caps it). */
static int
raw_read(dof_log *l, uint64_t off, void *buf, size_t len, size_t *got)
{
    *got = 0;
    if (off >= l->f->size)
        return DOF_OK;
    if (len > l->f->size - off)
        len = (size_t)(l->f->size - off);
    return l->f->read(l->f->arg, off, buf, len, got);
}

/* Read more stored bytes into l->in (gzip input). */
static int
st_read_in(dof_log *l)
{
    size_t got = 0;

    if (l->raw_eof)
        return 0;
    if (raw_read(l, l->raw_off, l->in, CHUNK, &got) != DOF_OK) {
        dof_warn(l->ctx, DOF_ERR_IO, l->f->path,
                 "read error at offset %llu: %s; rest of the file skipped",
                 ull(l->raw_off), dof_errmsg(l->ctx));
        l->raw_eof = 1;
        return -1;
    }
    if (got == 0)
        l->raw_eof = 1;
    l->in_len = got;
    l->in_pos = 0;
    l->raw_off += got;
    return got > 0;
}

static int
st_fill_gz(dof_log *l)
{
    while (l->out_len == 0) {
        if (l->in_pos == l->in_len && st_read_in(l) < 0) {
            l->st_eof = 1;
            return 0;
        }
        if (l->zend) {
            if (l->in_pos == l->in_len) {
                l->st_eof = 1;
                return 0;
            }
            if (l->in[l->in_pos] != 0x1f) {
                size_t k = l->in_pos;
                while (k < l->in_len && l->in[k] == 0)
                    k++;
                if (k < l->in_len || !l->raw_eof)
                    dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                             "data after the gzip stream ignored (at "
                             "compressed offset %llu)",
                             ull(l->raw_off - (l->in_len - l->in_pos)));
                l->st_eof = 1;
                return 0;
            }
            inflateReset(&l->z); /* another gzip member */
            l->zend = 0;
        }
        if (l->in_pos == l->in_len) {
            dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                     "truncated gzip stream after %llu decompressed bytes",
                     ull(l->total_out));
            l->st_eof = 1;
            return 0;
        }
        l->z.next_in = l->in + l->in_pos;
        l->z.avail_in = (uInt)(l->in_len - l->in_pos);
        l->z.next_out = l->out;
        l->z.avail_out = CHUNK;
        int r = inflate(&l->z, Z_NO_FLUSH);
        l->in_pos = l->in_len - l->z.avail_in;
        l->out_len = CHUNK - l->z.avail_out;
        l->total_out += l->out_len;
        if (r == Z_STREAM_END) {
            l->zend = 1;
        }
        else if (r != Z_OK && r != Z_BUF_ERROR) {
            dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                     "corrupt gzip data after %llu decompressed bytes (%s)",
                     ull(l->total_out), l->z.msg ? l->z.msg : "zlib error");
            l->st_eof = 1;
            return (int)(l->out_len > 0);
        }
        if (l->total_out > l->gz_abs ||
            (l->total_out > l->gz_min &&
             l->total_out / l->gz_ratio > l->f->size)) {
            dof_warn(l->ctx, DOF_ERR_LIMIT, l->f->path,
                     "decompressed size passed %llu bytes from %llu "
                     "compressed (bomb guard): rest of the file skipped",
                     ull(l->total_out - l->out_len), ull(l->f->size));
            l->out_len = 0;
            l->st_eof = 1;
            return 0;
        }
    }
    return 1;
}

/* Bytes available at out + out_pos (refilling as needed); 0 at EOF. */
static size_t
st_fill(dof_log *l)
{
    if (l->out_pos < l->out_len)
        return l->out_len - l->out_pos;
    if (l->st_eof)
        return 0;
    l->out_base += l->out_len;
    l->out_len = l->out_pos = 0;
    if (l->gz) {
        if (!st_fill_gz(l))
            return 0;
        return l->out_len;
    }
    size_t got = 0;
    if (raw_read(l, l->raw_off, l->out, CHUNK, &got) != DOF_OK) {
        dof_warn(l->ctx, DOF_ERR_IO, l->f->path,
                 "read error at offset %llu: %s; rest of the file skipped",
                 ull(l->raw_off), dof_errmsg(l->ctx));
        got = 0;
    }
    if (got == 0) {
        l->st_eof = 1;
        return 0;
    }
    l->raw_off += got;
    l->out_len = got;
    return got;
}

/* Append up to n bytes to dst; returns how many were there. */
static size_t
st_read_exact(dof_log *l, dof_buf *dst, size_t n)
{
    size_t done = 0;

    while (done < n) {
        size_t avail = st_fill(l);
        if (avail == 0)
            break;
        size_t take = n - done < avail ? n - done : avail;
        dof_buf_append(dst, l->out + l->out_pos, take);
        l->out_pos += take;
        done += take;
    }
    return done;
}

/* ------------------------------------------------------------------ */
/* framing                                                            */
/* ------------------------------------------------------------------ */

/* One json-file line: 1, or 0 at the end of the file. */
static int
rd_line(dof_log *l, const char **s, size_t *n, uint64_t *off)
{
    int started = 0;
    uint64_t start = 0;

    dof_buf_reset(&l->line);
    for (;;) {
        size_t avail = st_fill(l);
        if (avail == 0) {
            if (l->skipping) {
                l->skipping = 0;
                return 0;
            }
            if (started && l->line.len) { /* last line, no newline */
                *s = l->line.data;
                *n = l->line.len;
                *off = start;
                return 1;
            }
            return 0;
        }
        unsigned char *b = l->out + l->out_pos;
        unsigned char *nl = memchr(b, '\n', avail);
        size_t take = nl ? (size_t)(nl - b) : avail;
        if (!started) {
            start = l->out_base + l->out_pos;
            started = 1;
        }
        l->out_pos += take + (nl ? 1 : 0);
        if (l->skipping) {
            if (nl) {
                l->skipping = 0;
                started = 0;
            }
            continue;
        }
        if (l->line.len + take > l->line_cap) {
            dof_warn(l->ctx, DOF_ERR_LIMIT, l->f->path,
                     "line at offset %llu longer than %zu bytes: skipped",
                     ull(start), l->line_cap);
            dof_buf_reset(&l->line);
            if (!nl)
                l->skipping = 1;
            started = 0;
            continue;
        }
        if (nl && l->line.len == 0) { /* the whole line is in the chunk */
            *s = (const char *)b;
            *n = take;
            *off = start;
            return 1;
        }
        if (dof_buf_append(&l->line, b, take) != DOF_OK)
            return DOF_ERR_NOMEM;
        if (nl) {
            *s = l->line.data;
            *n = l->line.len;
            *off = start;
            return 1;
        }
    }
}

/* After a bad local record at bad_off: find the next plausible one. */
static int
resync(dof_log *l, uint64_t bad_off, const char *why)
{
    size_t wcap = DOF_LOG_RESYNC_SCAN + DOF_LOG_LOCAL_CAP + 8, wlen = 0;
    unsigned char *w = NULL;
    uint64_t from = bad_off + 1;
    char pwhy[8];

    if (l->gz) {
        dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                 "bad record at offset %llu (%s): rest of the compressed "
                 "file skipped",
                 ull(bad_off), why);
        goto stop;
    }
    w = malloc(wcap);
    if (w == NULL)
        goto stop;
    while (wlen < wcap) {
        size_t got = 0;
        if (raw_read(l, from + wlen, w + wlen, wcap - wlen, &got) != DOF_OK ||
            got == 0)
            break;
        wlen += got;
    }
    for (size_t p = 0; p + 8 <= wlen && p < DOF_LOG_RESYNC_SCAN; p++) {
        uint32_t len = dof_be32(w + p);
        dof_log_lentry e;
        if (len == 0 || len > DOF_LOG_LOCAL_CAP || len > wlen - p - 8 ||
            dof_be32(w + p + 4 + len) != len ||
            dof_log_local_parse(w + p + 4, len, &e, pwhy, sizeof(pwhy)) !=
                DOF_OK)
            continue;
        dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                 "bad record at offset %llu (%s): %llu bytes skipped to the "
                 "next plausible record",
                 ull(bad_off), why, ull(from + p - bad_off));
        free(w);
        l->raw_off = from + p;
        l->out_base = from + p;
        l->out_len = l->out_pos = 0;
        l->st_eof = 0;
        return 1;
    }
    dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
             "bad record at offset %llu (%s): no plausible record follows "
             "within %u bytes; rest of the file skipped",
             ull(bad_off), why, DOF_LOG_RESYNC_SCAN);
stop:
    free(w);
    l->st_eof = 1;
    l->out_len = l->out_pos = 0;
    return 0;
}

/* One local record's payload: 1, or 0 at the end of the file. */
static int
rd_local(dof_log *l, const unsigned char **p, size_t *n, uint64_t *off)
{
    for (;;) {
        const char *bad;
        size_t got;
        uint32_t len;

        dof_buf_reset(&l->line);
        if (st_fill(l) == 0)
            return 0;
        *off = l->out_base + l->out_pos;
        got = st_read_exact(l, &l->line, 4);
        if (l->line.oom)
            return DOF_ERR_NOMEM;
        if (got < 4) {
            dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                     "truncated record header at offset %llu", ull(*off));
            return 0;
        }
        len = dof_be32((const unsigned char *)l->line.data);
        if (len == 0 || len > DOF_LOG_LOCAL_CAP) {
            bad = "implausible length";
            goto again;
        }
        got = st_read_exact(l, &l->line, (size_t)len + 4);
        if (l->line.oom)
            return DOF_ERR_NOMEM;
        if (got < (size_t)len + 4) {
            dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                     "truncated record at offset %llu (%u bytes announced, "
                     "%zu present)",
                     ull(*off), len, got);
            return 0;
        }
        if (dof_be32((const unsigned char *)l->line.data + 4 + len) != len) {
            bad = "the two lengths differ";
            goto again;
        }
        *p = (const unsigned char *)l->line.data + 4;
        *n = len;
        return 1;
    again:
        if (!resync(l, *off, bad))
            return 0;
    }
}

/* ------------------------------------------------------------------ */
/* records                                                            */
/* ------------------------------------------------------------------ */

static unsigned
stream_bit(const char *s, size_t n)
{
    if (n == 6 && memcmp(s, "stdout", 6) == 0)
        return DOF_LOG_STDOUT;
    if (n == 6 && memcmp(s, "stderr", 6) == 0)
        return DOF_LOG_STDERR;
    return DOF_LOG_OTHER;
}

static void
note_time(dof_log *l, int64_t t)
{
    if (!l->seen_in_file) {
        l->seen_in_file = 1;
        if (l->have_prev && t < l->prev_last)
            dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                     "its first record is older than the last one of the "
                     "previous file: kept in file order");
    }
    l->file_last = t;
}

static int
build_json(dof_log *l, const char *s, size_t n, uint64_t off)
{
    char why[96];
    dof_log_record *r = &l->rec;
    int rc = dof_log_jsonfile_parse(s, n, &l->jl, why, sizeof(why));

    if (rc == DOF_ERR_NOMEM)
        return rc;
    if (rc != DOF_OK) {
        dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                 "invalid JSON line at offset %llu: %s", ull(off), why);
        return 0;
    }
    memset(r, 0, sizeof(*r));
    r->time = l->jl.time_ns;
    r->stream_name = l->jl.stream.data;
    r->stream = stream_bit(l->jl.stream.data, l->jl.stream.len);
    r->message = l->jl.log.data;
    r->len = l->jl.log.len;
    r->partial = r->len == 0 || r->message[r->len - 1] != '\n';
    r->format = DOF_LOG_JSON_FILE;
    r->source = l->f->path;
    r->offset = off;
    r->raw = s;
    r->raw_len = n;
    r->time_raw = l->jl.time.data;
    r->meta_id = "";
    r->pieces = &r->time;
    r->npieces = 1;
    return 1;
}

static int
build_local(dof_log *l, const unsigned char *p, size_t n, uint64_t off)
{
    char why[96];
    dof_log_lentry e;
    dof_log_record *r = &l->rec;

    if (dof_log_local_parse(p, n, &e, why, sizeof(why)) != DOF_OK) {
        dof_warn(l->ctx, DOF_ERR_FORMAT, l->f->path,
                 "invalid record at offset %llu: %s", ull(off), why);
        return 0;
    }
    memset(r, 0, sizeof(*r));
    dof_buf_reset(&l->msg);
    dof_buf_reset(&l->stream_name);
    dof_buf_reset(&l->meta_id);
    r->partial = e.partial && !(e.has_meta && e.last);
    dof_buf_append(&l->msg, e.line, e.line_len);
    if (!r->partial)
        dof_buf_putc(&l->msg, '\n');
    dof_buf_append(&l->stream_name, e.source, e.source_len);
    dof_buf_append(&l->meta_id, e.id, e.id_len);
    if (l->msg.oom || l->stream_name.oom || l->meta_id.oom)
        return DOF_ERR_NOMEM;
    r->time = e.time_nano;
    r->stream_name = l->stream_name.data;
    r->stream = stream_bit(e.source, e.source_len);
    r->message = l->msg.data;
    r->len = l->msg.len;
    r->format = DOF_LOG_LOCAL;
    r->source = l->f->path;
    r->offset = off;
    r->raw = (const char *)p;
    r->raw_len = n;
    r->has_meta = e.has_meta;
    r->meta_last = e.last;
    r->meta_ordinal = e.ordinal;
    r->meta_id = l->meta_id.data;
    r->pieces = &r->time;
    r->npieces = 1;
    return 1;
}

/* The next stored record passing the stream filter: 1, 0 at the end. */
static int
next_piece(dof_log *l)
{
    if (l->carry) {
        l->carry = 0;
        return 1;
    }
    for (;;) {
        const char *s;
        const unsigned char *p;
        size_t n;
        uint64_t off;
        int r;

        if (!l->fopen) {
            if (l->cur >= l->nfiles)
                return 0;
            st_open(l, l->cur);
        }
        if (l->f->format == DOF_LOG_FMT_JSONFILE) {
            r = rd_line(l, &s, &n, &off);
            if (r == 1) {
                size_t k = 0;
                while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
                    k++;
                if (k == n) /* blank: Go's stream decoder skips it */
                    continue;
                r = build_json(l, s, n, off);
                if (r == 0)
                    continue;
            }
        }
        else {
            r = rd_local(l, &p, &n, &off);
            if (r == 1) {
                r = build_local(l, p, n, off);
                if (r == 0)
                    continue;
            }
        }
        if (r < 0)
            return dof_set_error(l->ctx, r, "out of memory reading %s",
                                 l->f->path);
        if (r == 0) {
            st_close(l);
            l->cur++;
            continue;
        }
        note_time(l, l->rec.time);
        unsigned mask = l->opts.streams;
        if (mask == 0)
            mask = DOF_LOG_STDOUT | DOF_LOG_STDERR;
        if (l->rec.stream & mask)
            return 1;
    }
}

static int
in_range(const dof_log *l, int64_t t)
{
    if (l->opts.since != DOF_TIME_NONE && t < l->opts.since)
        return 0;
    if (l->opts.until != DOF_TIME_NONE && t > l->opts.until)
        return 0;
    return 1;
}

static void
pend_clear(pend *p)
{
    dof_buf_reset(&p->msg);
    dof_buf_reset(&p->stream_name);
    p->npieces = 0;
}

static int
pend_add(pend *p, const dof_log_record *r)
{
    if (p->npieces == 0) {
        p->time = r->time;
        p->offset = r->offset;
        p->source = r->source;
        p->format = r->format;
        p->stream = r->stream;
        dof_buf_append(&p->stream_name, r->stream_name,
                       strlen(r->stream_name));
    }
    if (dof_grow(&p->pieces, &p->cap, p->npieces, sizeof(*p->pieces), 16) !=
        DOF_OK)
        return DOF_ERR_NOMEM;
    p->pieces[p->npieces++] = r->time;
    dof_buf_append(&p->msg, r->message, r->len);
    return p->msg.oom || p->stream_name.oom ? DOF_ERR_NOMEM : DOF_OK;
}

static const dof_log_record *
pend_emit(dof_log *l, int idx, int cut)
{
    pend *p = &l->pend[idx];
    dof_log_record *r = &l->jrec;

    memset(r, 0, sizeof(*r));
    r->time = p->time;
    r->stream = p->stream;
    r->stream_name = p->stream_name.data ? p->stream_name.data : "";
    r->message = p->msg.data ? p->msg.data : "";
    r->len = p->msg.len;
    r->partial = cut;
    r->format = p->format;
    r->source = p->source;
    r->offset = p->offset;
    r->meta_id = "";
    r->pieces = p->pieces;
    r->npieces = p->npieces;
    l->pend_reset = idx + 1;
    return r;
}

static int
pend_index(unsigned stream)
{
    return stream == DOF_LOG_STDOUT ? 0 : stream == DOF_LOG_STDERR ? 1 : 2;
}

int
dof_log_next(dof_log *l, const dof_log_record **rec)
{
    if (rec)
        *rec = NULL;
    if (l == NULL || rec == NULL)
        return DOF_ERR_ARG;
    for (;;) {
        if (l->pend_reset) {
            pend_clear(&l->pend[l->pend_reset - 1]);
            l->pend_reset = 0;
        }
        int r = next_piece(l);
        if (r < 0)
            return r;
        if (r == 0) {
            if (!l->opts.reassemble)
                return 0;
            int any = 0;
            for (int i = 0; i < 3; i++) {
                if (l->pend[i].npieces == 0)
                    continue;
                const dof_log_record *e = pend_emit(l, i, 1);
                any = 1;
                if (in_range(l, e->time)) {
                    *rec = e;
                    return 1;
                }
                break;
            }
            if (!any)
                return 0;
            continue;
        }
        if (!l->opts.reassemble) {
            if (!in_range(l, l->rec.time))
                continue;
            *rec = &l->rec;
            return 1;
        }
        int idx = pend_index(l->rec.stream);
        pend *p = &l->pend[idx];
        if (p->npieces > 0 && (p->msg.len + l->rec.len > DOF_LOG_MSG_CAP ||
                               p->npieces >= DOF_LOG_MAX_PIECES)) {
            dof_warn(l->ctx, DOF_ERR_LIMIT, p->source,
                     "message at offset %llu longer than %u bytes or %u "
                     "pieces: returned cut",
                     ull(p->offset), DOF_LOG_MSG_CAP, DOF_LOG_MAX_PIECES);
            l->carry = 1;
            const dof_log_record *e = pend_emit(l, idx, 1);
            if (in_range(l, e->time)) {
                *rec = e;
                return 1;
            }
            continue;
        }
        if (l->rec.partial) {
            if (pend_add(p, &l->rec) != DOF_OK)
                return dof_set_error(l->ctx, DOF_ERR_NOMEM, "out of memory");
            continue;
        }
        if (p->npieces == 0) {
            if (!in_range(l, l->rec.time))
                continue;
            *rec = &l->rec;
            return 1;
        }
        if (pend_add(p, &l->rec) != DOF_OK)
            return dof_set_error(l->ctx, DOF_ERR_NOMEM, "out of memory");
        const dof_log_record *e = pend_emit(l, idx, 0);
        if (in_range(l, e->time)) {
            *rec = e;
            return 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* construction                                                       */
/* ------------------------------------------------------------------ */

void
dof_log_opts_init(dof_log_opts *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof(*o));
    o->since = DOF_TIME_NONE;
    o->until = DOF_TIME_NONE;
}

static int
log_new(dof_ctx *ctx, const dof_log_opts *opts, dof_log **out)
{
    dof_log *l = calloc(1, sizeof(*l));

    *out = NULL;
    if (l == NULL)
        goto fail;
    l->ctx = ctx;
    l->arena = dof_arena_new();
    l->in = malloc(CHUNK);
    l->out = malloc(CHUNK);
    if (l->arena == NULL || l->in == NULL || l->out == NULL)
        goto fail;
    if (opts)
        l->opts = *opts;
    else
        dof_log_opts_init(&l->opts);
    l->line_cap = DOF_LOG_LINE_CAP;
    l->gz_min = DOF_LOG_GZ_MIN;
    l->gz_ratio = DOF_LOG_GZ_RATIO;
    l->gz_abs = DOF_LOG_GZ_ABS_CAP;
    dof_log_jline_init(&l->jl); /* the other buffers: zeroed = empty */
    *out = l;
    return DOF_OK;
fail:
    if (l) {
        dof_arena_free(l->arena);
        free(l->in);
        free(l->out);
        free(l);
    }
    return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
}

static int
log_add(dof_log *l, const dof_log_file *f)
{
    if (dof_grow(&l->files, &l->capfiles, l->nfiles, sizeof(*l->files), 8) !=
        DOF_OK)
        return dof_set_error(l->ctx, DOF_ERR_NOMEM, "out of memory");
    dof_log_file *d = &l->files[l->nfiles];
    *d = *f;
    d->path = dof_arena_strdup(l->arena, f->path ? f->path : "");
    if (d->path == NULL)
        return dof_set_error(l->ctx, DOF_ERR_NOMEM, "out of memory");
    l->nfiles++;
    return DOF_OK;
}

void
dof_log_close(dof_log *l)
{
    if (l == NULL)
        return;
    if (l->fopen)
        st_close(l);
    dof_log_jline_free(&l->jl);
    dof_buf_free(&l->line);
    dof_buf_free(&l->msg);
    dof_buf_free(&l->stream_name);
    dof_buf_free(&l->meta_id);
    for (int i = 0; i < 3; i++) {
        dof_buf_free(&l->pend[i].msg);
        dof_buf_free(&l->pend[i].stream_name);
        free(l->pend[i].pieces);
    }
    free(l->files);
    free(l->in);
    free(l->out);
    dof_arena_free(l->arena);
    free(l);
}

int
dof_log_open_files(dof_ctx *ctx, const dof_log_file *files, size_t n,
                   const dof_log_opts *opts, dof_log **out)
{
    dof_log *l = NULL;
    int rc;

    if (out == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_log_open_files: no out");
    *out = NULL;
    if ((rc = log_new(ctx, opts, &l)) != DOF_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = log_add(l, &files[i])) != DOF_OK)
            goto fail;
    *out = l;
    return DOF_OK;
fail:
    dof_log_close(l);
    return rc;
}

void
dof_log_set_limits(dof_log *l, size_t line_cap, uint64_t gz_min,
                   uint64_t gz_ratio, uint64_t gz_abs)
{
    if (line_cap)
        l->line_cap = line_cap;
    if (gz_min)
        l->gz_min = gz_min;
    if (gz_ratio)
        l->gz_ratio = gz_ratio;
    if (gz_abs)
        l->gz_abs = gz_abs;
}

size_t
dof_log_file_count(const dof_log *l)
{
    return l ? l->nfiles : 0;
}

const char *
dof_log_file_path(const dof_log *l, size_t i)
{
    return l && i < l->nfiles ? l->files[i].path : NULL;
}

/* ------------------------------------------------------------------ */
/* finding a container's files on its data root's filesystem           */
/* ------------------------------------------------------------------ */

static int
fs_read_cb(void *arg, uint64_t off, void *buf, size_t len, size_t *got)
{
    const fsarg *a = arg;
    return dof_fs_read(a->fs, a->node, off, buf, len, got);
}

typedef struct cand {
    const char *name;
    uint64_t n; /* 0 = the current file */
    int gz;
    dof_node node;
} cand;

typedef struct scan {
    dof_ctx *ctx;
    const char *dir;
    const char *base;
    size_t blen;
    dof_arena *a;
    cand *v;
    size_t n, cap;
    int oom;
} scan;

static int
scan_cb(void *arg, const dof_dirent *de)
{
    scan *s = arg;
    const char *r;
    size_t rl, k = 0;
    uint64_t num = 0;
    int gz = 0;

    if (de->type == DOF_FT_DIR || de->name_len < s->blen ||
        memcmp(de->name, s->base, s->blen) != 0)
        return 0;
    r = de->name + s->blen;
    rl = de->name_len - s->blen;
    if (rl > 0) {
        if (r[0] != '.' || rl < 2 || r[1] < '1' || r[1] > '9')
            return 0;
        for (k = 1; k < rl && k <= 10 && r[k] >= '0' && r[k] <= '9'; k++)
            num = num * 10 + (uint64_t)(r[k] - '0');
        if (k == rl)
            gz = 0;
        else if (rl - k == 3 && memcmp(r + k, ".gz", 3) == 0)
            gz = 1;
        else
            return 0;
    }
    if (s->n >= DOF_LOG_MAX_FILES) {
        dof_warn(s->ctx, DOF_ERR_LIMIT, s->dir,
                 "more than %u rotated log files: the rest ignored",
                 DOF_LOG_MAX_FILES);
        return 1;
    }
    if (dof_grow(&s->v, &s->cap, s->n, sizeof(*s->v), 8) != DOF_OK) {
        s->oom = 1;
        return 1;
    }
    cand *c = &s->v[s->n];
    c->name = dof_arena_strndup(s->a, de->name, de->name_len);
    if (c->name == NULL) {
        s->oom = 1;
        return 1;
    }
    c->n = num;
    c->gz = gz;
    c->node = de->node;
    s->n++;
    return 0;
}

/* Oldest first: highest N first, the current file (0) last; for one N
 * the uncompressed file first. */
static int
cand_cmp(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    uint64_t ka = a->n ? a->n : 0, kb = b->n ? b->n : 0;

    if (ka != kb) {
        if (ka == 0)
            return 1;
        if (kb == 0)
            return -1;
        return ka > kb ? -1 : 1;
    }
    return a->gz - b->gz;
}

/* "what: <the current error>" (the message is copied first: it lives in
 * the buffer dof_set_error writes). */
static int
prefix_error(dof_ctx *ctx, int rc, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", dof_errmsg(ctx));
    return dof_set_error(ctx, rc, "%s: %s", what, msg);
}

int
dof_log_open(dof_ctx *ctx, const dof_container *c, const dof_log_opts *opts,
             dof_log **out)
{
    dof_log *l = NULL;
    scan s;
    const char *driver, *dir, *base;
    dof_log_place place;
    int format, rc;
    dof_fs *fs;
    dof_node dn;

    memset(&s, 0, sizeof(s));
    if (out == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_log_open: no out");
    *out = NULL;
    if (c == NULL || c->store == NULL || c->store->fs == NULL ||
        c->dir == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "dof_log_open: no container");
    fs = c->store->fs;
    if ((rc = log_new(ctx, opts, &l)) != DOF_OK)
        return rc;
    if ((rc = dof_engine_logs(ctx, c, l->arena, &place)) != DOF_OK)
        goto fail;
    driver = place.driver;
    dir = place.dir;
    base = place.base;
    format = place.format == DOF_LOG_JSON_FILE ? DOF_LOG_FMT_JSONFILE
                                               : DOF_LOG_FMT_LOCAL;
    if ((rc = dof_fs_resolve(fs, dir, 1, &dn)) != DOF_OK) {
        if (place.optional_dir && rc == DOF_ERR_NOTFOUND)
            rc =
                dof_set_error(ctx, DOF_ERR_NODATA,
                              "%s: no local-logs directory (no logs)", c->dir);
        else
            rc = prefix_error(ctx, rc, dir);
        goto fail;
    }
    s.ctx = ctx;
    s.dir = dir;
    s.base = base;
    s.blen = strlen(base);
    s.a = l->arena;
    if ((rc = dof_fs_readdir(fs, dn, 0, scan_cb, &s)) != DOF_OK) {
        rc = prefix_error(ctx, rc, dir);
        goto fail;
    }
    if (s.oom) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (s.n == 0) {
        if (!place.outside)
            rc = dof_set_error(
                ctx, DOF_ERR_NODATA, "%s: no %s log file (%s)", dir, driver,
                c->log_path && *c->log_path ? "missing" : "never started");
        else
            rc = dof_set_error(ctx, DOF_ERR_NODATA,
                               "log driver %s keeps the logs outside the "
                               "data root, and there is no %s",
                               driver, base);
        goto fail;
    }
    qsort(s.v, s.n, sizeof(*s.v), cand_cmp);
    for (size_t i = 0; i < s.n; i++) {
        dof_log_file f;
        dof_stat st;
        fsarg *a;

        if (i > 0 && s.v[i].n == s.v[i - 1].n) {
            dof_warn(ctx, DOF_ERR_FORMAT, dir,
                     "both %s and %s exist (compression in progress?): "
                     "the first one is read",
                     s.v[i - 1].name, s.v[i].name);
            continue;
        }
        a = dof_arena_alloc(l->arena, sizeof(*a));
        f.path = dof_path_join(l->arena, dir, s.v[i].name);
        if (a == NULL || f.path == NULL) {
            rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
            goto fail;
        }
        a->fs = fs;
        a->node = s.v[i].node;
        if (dof_fs_stat(fs, a->node, &st) != DOF_OK) {
            dof_warn(ctx, DOF_ERR_IO, f.path, "cannot stat: %s",
                     dof_errmsg(ctx));
            continue;
        }
        if (st.type != DOF_FT_REG) {
            dof_warn(ctx, DOF_ERR_FORMAT, f.path, "not a regular file");
            continue;
        }
        f.format = format;
        f.size = st.size;
        if (dof_fs_size_bytes(fs) && st.size > dof_fs_size_bytes(fs)) {
            /* logs are appended, never sparse: a size beyond the whole
             * filesystem is a damaged inode (reading it would go on for
             * days through TSK's zero fill) */
            dof_warn(ctx, DOF_ERR_FORMAT, f.path,
                     "size %llu is larger than its filesystem (%llu "
                     "bytes): damaged inode; only the first %llu bytes "
                     "are read",
                     ull(st.size), ull(dof_fs_size_bytes(fs)),
                     ull(dof_fs_size_bytes(fs)));
            f.size = dof_fs_size_bytes(fs);
        }
        f.read = fs_read_cb;
        f.arg = a;
        if ((rc = log_add(l, &f)) != DOF_OK)
            goto fail;
    }
    free(s.v);
    *out = l;
    return DOF_OK;
fail:
    free(s.v);
    dof_log_close(l);
    return rc;
}
