/*
 * test_logs.c - json-file line parser, local-driver record parser, the
 * streaming engine (rotation order, gzip, partial pieces, caps, damage),
 * and dof_log_open on a small ext4 image built with mke2fs -d.
 */
#include "logs/logs_private.h"
#include "tap.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

/* ---- memory files ---- */
typedef struct memf {
    const unsigned char *d;
    size_t len;
} memf;

static int
mem_read(void *arg, uint64_t off, void *buf, size_t len, size_t *got)
{
    const memf *m = arg;
    *got = 0;
    if (off >= m->len)
        return DOF_OK;
    if (len > m->len - off)
        len = m->len - (size_t)off;
    memcpy(buf, m->d + off, len);
    *got = len;
    return DOF_OK;
}

static dof_log_file
mfile(const char *path, int fmt, memf *m)
{
    dof_log_file f = {path, fmt, m->len, mem_read, m};
    return f;
}

/* gzip (windowBits 31) of data into a malloc'd buffer */
static unsigned char *
gz(const void *data, size_t len, size_t *outlen)
{
    z_stream z;
    size_t cap = compressBound(len) + 64;
    unsigned char *o = malloc(cap);

    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = o;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    return o;
}

/* ---- protobuf builder ---- */
static void
pb_varint(dof_buf *b, uint64_t v)
{
    while (v >= 0x80) {
        dof_buf_putc(b, (char)(v | 0x80));
        v >>= 7;
    }
    dof_buf_putc(b, (char)v);
}

static void
pb_str(dof_buf *b, unsigned field, const char *s, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2);
    pb_varint(b, n);
    dof_buf_append(b, s, n);
}

/* One framed local record. */
static void
local_rec(dof_buf *out, const char *src, int64_t t, const char *line,
          int partial, int meta, int last, const char *id, int ord)
{
    dof_buf p, m;
    unsigned char l4[4];

    dof_buf_init(&p);
    dof_buf_init(&m);
    pb_str(&p, 1, src, strlen(src));
    pb_varint(&p, 2 << 3 | 0);
    pb_varint(&p, (uint64_t)t);
    pb_str(&p, 3, line, strlen(line));
    if (partial) {
        pb_varint(&p, 4 << 3 | 0);
        pb_varint(&p, 1);
    }
    if (meta) {
        pb_varint(&m, 1 << 3 | 0);
        pb_varint(&m, (uint64_t)last);
        pb_str(&m, 2, id, strlen(id));
        pb_varint(&m, 3 << 3 | 0);
        pb_varint(&m, (uint64_t)ord);
        pb_str(&p, 5, m.data, m.len);
    }
    l4[0] = (unsigned char)(p.len >> 24);
    l4[1] = (unsigned char)(p.len >> 16);
    l4[2] = (unsigned char)(p.len >> 8);
    l4[3] = (unsigned char)p.len;
    dof_buf_append(out, l4, 4);
    dof_buf_append(out, p.data, p.len);
    dof_buf_append(out, l4, 4);
    dof_buf_free(&p);
    dof_buf_free(&m);
}

static size_t
count_warnings(dof_ctx *ctx, int code, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        if ((code == 0 || w->code == code) &&
            (needle == NULL || strstr(w->message, needle)))
            n++;
    }
    return n;
}

/* Concatenate "TIME MESSAGE" of every record (docker logs -t) */
static char *
drain(dof_log *l, size_t *nrec)
{
    dof_buf b;
    const dof_log_record *r;
    char t[40];

    dof_buf_init(&b);
    *nrec = 0;
    while (dof_log_next(l, &r) == 1) {
        dof_time_format(r->time, t, sizeof(t));
        dof_buf_printf(&b, "%s ", t);
        dof_buf_append(&b, r->message, r->len);
        (*nrec)++;
    }
    return dof_buf_take(&b);
}

/* ------------------------------------------------------------------ */

TEST(jsonfile_parse)
{
    dof_log_jline j;
    char why[96];
    const char *l1 = "{\"log\":\"a\\u0000b\\n\",\"stream\":\"stdout\","
                     "\"attrs\":{\"k\":[1,2.5e3,true,null]},"
                     "\"time\":\"2023-05-06T07:08:09.12345Z\"}";

    dof_log_jline_init(&j);
    is_int(dof_log_jsonfile_parse(l1, strlen(l1), &j, why, sizeof(why)),
           DOF_OK, "plain line parses");
    is_int(j.log.len, 4, "log with \\u0000 is 4 bytes");
    ok(memcmp(j.log.data, "a\0b\n", 4) == 0, "NUL and newline decoded");
    is_str(j.stream.data, "stdout", "stream");
    is_int(j.time_ns, 1683356889123450000LL, "time with 5 digits");

    const char *l2 = "{\"log\":\"\\u003chi\\u003e \\ud83d\\ude00 \\ud800 "
                     "\xff\\\"\\\\\\/\\t\",\"stream\":\"stderr\","
                     "\"time\":\"2023-05-06T07:08:09Z\"}";
    is_int(dof_log_jsonfile_parse(l2, strlen(l2), &j, why, sizeof(why)),
           DOF_OK, "escapes parse");
    is_str(j.log.data,
           "<hi> \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd\"\\/\t",
           "surrogate pair joined; lone surrogate and bad byte -> U+FFFD");

    const char *bad[] = {
        "{\"log\":\"x\",\"stream\":\"stdout\"}",                     /* time */
        "{\"stream\":\"stdout\",\"time\":\"2023-05-06T07:08:09Z\"}", /* log */
        "{\"log\":\"x\",\"time\":\"not-a-time\"}",
        "{\"log\":\"truncated",
        "this is not json",
        "{\"log\":\"x\",\"time\":\"2023-05-06T07:08:09Z\"} junk",
        "{\"log\":\"a\tb\",\"time\":\"2023-05-06T07:08:09Z\"}", /* ctl */
        "{\"log\":\"x\\q\",\"time\":\"2023-05-06T07:08:09Z\"}",
        "{\"log\":\"x\",\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
        "\"time\":\"2023-05-06T07:08:09Z\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        is_int(dof_log_jsonfile_parse(bad[i], strlen(bad[i]), &j, why,
                                      sizeof(why)),
               DOF_ERR_FORMAT, "rejects bad line %zu (%s)", i, why);
    dof_log_jline_free(&j);
}

TEST(local_parse)
{
    dof_buf b;
    dof_log_lentry e;
    char why[96];
    const unsigned char *p;

    dof_buf_init(&b);
    local_rec(&b, "stderr", 1683356889123456789LL, "piece one", 1, 1, 0,
              "pid-1", 1);
    p = (const unsigned char *)b.data;
    is_int(dof_be32(p), b.len - 8, "framing length");
    is_int(dof_log_local_parse(p + 4, b.len - 8, &e, why, sizeof(why)), DOF_OK,
           "local record parses");
    ok(e.source_len == 6 && memcmp(e.source, "stderr", 6) == 0, "source");
    is_int(e.time_nano, 1683356889123456789LL, "time_nano");
    ok(e.line_len == 9 && memcmp(e.line, "piece one", 9) == 0, "line");
    ok(e.partial && e.has_meta && !e.last, "partial, metadata, not last");
    ok(e.id_len == 5 && memcmp(e.id, "pid-1", 5) == 0, "metadata id");
    is_int(e.ordinal, 1, "ordinal");
    is_int(dof_log_local_parse(p + 4, b.len - 8 - 3, &e, why, sizeof(why)),
           DOF_ERR_FORMAT, "truncated payload rejected (%s)", why);
    const unsigned char wrong[] = {0x0a << 0 | 0x08, 0x05}; /* field 1 wt0 */
    is_int(dof_log_local_parse(wrong, 2, &e, why, sizeof(why)), DOF_ERR_FORMAT,
           "wrong wire type rejected");
    const unsigned char longv[] = {0x10, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
    is_int(dof_log_local_parse(longv, sizeof(longv), &e, why, sizeof(why)),
           DOF_ERR_FORMAT, "11-byte varint rejected");
    const unsigned char unk[] = {0x3d, 1, 2, 3, 4, 0x10, 0x07};
    is_int(dof_log_local_parse(unk, sizeof(unk), &e, why, sizeof(why)), DOF_OK,
           "unknown fixed32 field skipped");
    is_int(e.time_nano, 7, "field after it read");
    dof_buf_free(&b);
}

#define T0 "2023-05-06T07:08:0"
static const char *
jl(dof_buf *b, const char *log, const char *stream, int sec)
{
    dof_buf_printf(
        b, "{\"log\":\"%s\",\"stream\":\"%s\",\"time\":\"" T0 "%d.5Z\"}\n",
        log, stream, sec);
    return b->data;
}

TEST(rotation_gzip_partial)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_buf f2, f1, f0;
    size_t gzlen, n;
    dof_log *l;
    dof_log_opts o;
    char *s;

    dof_buf_init(&f2);
    dof_buf_init(&f1);
    dof_buf_init(&f0);
    jl(&f2, "oldest\\n", "stdout", 1);
    jl(&f2, "err old\\n", "stderr", 2);
    jl(&f1, "BIG:AAAA", "stdout", 3); /* a partial piece */
    jl(&f1, "err mid\\n", "stderr", 3);
    jl(&f0, "AA end\\n", "stdout", 4);
    jl(&f0, "newest\\n", "stdout", 5);
    unsigned char *z2 = gz(f2.data, f2.len, &gzlen);
    memf m2 = {z2, gzlen}, m1 = {(unsigned char *)f1.data, f1.len},
         m0 = {(unsigned char *)f0.data, f0.len};
    dof_log_file files[3] = {mfile("c/x-json.log.2.gz", 1, &m2),
                             mfile("c/x-json.log.1", 1, &m1),
                             mfile("c/x-json.log", 1, &m0)};

    is_int(dof_log_open_files(ctx, files, 3, NULL, &l), DOF_OK, "open");
    s = drain(l, &n);
    is_int(n, 6, "six records across gz + plain files");
    is_str(s,
           T0 "1.500000000Z oldest\n" T0 "2.500000000Z err old\n" T0
              "3.500000000Z BIG:AAAA" T0 "3.500000000Z err mid\n" T0
              "4.500000000Z AA end\n" T0 "5.500000000Z newest\n",
           "docker logs -t text, partial piece unjoined");
    free(s);
    is_int(dof_warning_count(ctx), 0, "no warnings");
    dof_log_close(l);

    /* offsets and sources */
    dof_log_opts_init(&o);
    o.streams = DOF_LOG_STDOUT;
    dof_log_open_files(ctx, files, 3, &o, &l);
    const dof_log_record *r;
    dof_log_next(l, &r);
    is_str(r->source, "c/x-json.log.2.gz", "source of the first record");
    is_int(r->offset, 0, "offset 0");
    ok(r->raw_len == (size_t)(strchr(f2.data, 0x0a) - f2.data) &&
           memcmp(r->raw, f2.data, r->raw_len) == 0,
       "raw is the stored line");
    is_str(r->time_raw, T0 "1.5Z", "time as stored");
    dof_log_next(l, &r);
    ok(r->partial && r->len == 8, "partial piece flagged");
    is_int(r->offset, 0, "offset in .1");
    dof_log_next(l, &r);
    is_str(r->source, "c/x-json.log", "current file last");
    is_int(r->stream, DOF_LOG_STDOUT, "stream filter: stdout only");
    dof_log_close(l);

    /* reassembly */
    o.streams = 0;
    o.reassemble = 1;
    dof_log_open_files(ctx, files, 3, &o, &l);
    s = drain(l, &n);
    is_int(n, 5, "reassembled: five messages");
    ok(strstr(s, T0 "3.500000000Z err mid\n" T0
                    "3.500000000Z BIG:AAAAAA end\n") != NULL,
       "pieces joined, emitted when complete");
    free(s);
    dof_log_close(l);
    dof_log_open_files(ctx, files, 3, &o, &l);
    for (int i = 0; i < 4; i++)
        dof_log_next(l, &r);
    is_int(r->npieces, 2, "two pieces");
    is_int(r->pieces[1] - r->pieces[0], 1000000000LL, "piece times");
    ok(r->raw == NULL && !r->partial, "joined: no raw, complete");
    dof_log_close(l);

    /* since / until */
    dof_log_opts_init(&o);
    dof_time_parse(T0 "2.5Z", strlen(T0 "2.5Z"), &o.since);
    dof_time_parse(T0 "4.5Z", strlen(T0 "4.5Z"), &o.until);
    dof_log_open_files(ctx, files, 3, &o, &l);
    s = drain(l, &n);
    is_int(n, 4, "since/until inclusive");
    dof_log_close(l);
    free(s);

    /* files in the wrong time order: warning, file order kept */
    dof_log_file rev[2] = {files[2], files[1]};
    dof_log_open_files(ctx, rev, 2, NULL, &l);
    s = drain(l, &n);
    is_int(n, 4, "all records of reordered files");
    is_int(count_warnings(ctx, DOF_ERR_FORMAT, "older"), 1,
           "time going backwards across files warned");
    ok(strncmp(s, T0 "4", strlen(T0 "4")) == 0, "file order kept");
    free(s);
    dof_log_close(l);

    free(z2);
    dof_buf_free(&f0);
    dof_buf_free(&f1);
    dof_buf_free(&f2);
    dof_ctx_free(ctx);
}

TEST(damaged_jsonfile)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_buf d;
    size_t n;
    dof_log *l;
    char *s;

    dof_buf_init(&d);
    jl(&d, "first\\n", "stdout", 1);
    dof_buf_printf(&d, "{\"log\":\"truncated rec\n");
    jl(&d, "second\\n", "stdout", 2);
    dof_buf_printf(&d, "this is not json\n\n");
    size_t long_off = d.len;
    dof_buf_printf(&d,
                   "{\"log\":\"%0300d\\n\",\"stream\":\"stdout\","
                   "\"time\":\"2023-05-06T07:08:09Z\"}\n",
                   0);
    jl(&d, "third\\n", "stdout", 3);
    dof_buf_printf(&d, "{\"log\":\"last, no newline\",\"stream\":\"stderr\","
                       "\"time\":\"2023-05-06T07:08:09Z\"}");
    memf m = {(unsigned char *)d.data, d.len};
    dof_log_file f = mfile("j.log", 1, &m);
    dof_log_open_files(ctx, &f, 1, NULL, &l);
    dof_log_set_limits(l, 200, 0, 0, 0);
    s = drain(l, &n);
    is_int(n, 4, "valid records kept around damage");
    ok(strstr(s, "first\n") && strstr(s, "second\n") && strstr(s, "third\n") &&
           strstr(s, "last, no newline"),
       "messages in order");
    is_int(count_warnings(ctx, DOF_ERR_FORMAT, "invalid JSON line"), 2,
           "two invalid lines warned");
    is_int(count_warnings(ctx, DOF_ERR_LIMIT, "longer than 200"), 1,
           "over-long line skipped with a warning");
    char needle[64];
    snprintf(needle, sizeof(needle), "line at offset %zu longer", long_off);
    is_int(count_warnings(ctx, 0, needle), 1, "warning names the offset");
    free(s);
    dof_log_close(l);
    dof_buf_free(&d);
    dof_ctx_free(ctx);
}

TEST(local_engine)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_buf d;
    dof_log *l;
    dof_log_opts o;
    size_t n, good_end;
    char *s;
    const dof_log_record *r;

    dof_buf_init(&d);
    local_rec(&d, "stdout", 1000000000LL, "local 1", 0, 0, 0, "", 0);
    size_t first_len = d.len;
    local_rec(&d, "stdout", 2000000000LL, "big piece ", 1, 1, 0, "id7", 1);
    local_rec(&d, "stderr", 2500000000LL, "err", 0, 0, 0, "", 0);
    local_rec(&d, "stdout", 3000000000LL, "end", 1, 1, 1, "id7", 2);
    good_end = d.len;
    /* garbage with a bad length, then a good record */
    dof_buf_append(&d, "\xff\xff\x00\x01garbage!", 12);
    local_rec(&d, "stdout", 4000000000LL, "after resync", 0, 0, 0, "", 0);
    /* a truncated record at the end */
    local_rec(&d, "stdout", 5000000000LL, "cut short", 0, 0, 0, "", 0);
    d.len -= 6;
    memf m = {(unsigned char *)d.data, d.len};
    dof_log_file f = mfile("local-logs/container.log", 2, &m);

    dof_log_open_files(ctx, &f, 1, NULL, &l);
    s = drain(l, &n);
    is_int(n, 5, "five records (resync, truncated tail dropped)");
    is_str(s,
           "1970-01-01T00:00:01.000000000Z local 1\n"
           "1970-01-01T00:00:02.000000000Z big piece "
           "1970-01-01T00:00:02.500000000Z err\n"
           "1970-01-01T00:00:03.000000000Z end\n"
           "1970-01-01T00:00:04.000000000Z after resync\n",
           "newline added except on non-final pieces");
    is_int(count_warnings(ctx, DOF_ERR_FORMAT, "next plausible record"), 1,
           "bad length: resynchronised with a warning");
    is_int(count_warnings(ctx, DOF_ERR_FORMAT, "truncated record"), 1,
           "truncated tail warned");
    free(s);
    dof_log_close(l);

    dof_log_opts_init(&o);
    o.reassemble = 1;
    dof_log_open_files(ctx, &f, 1, &o, &l);
    dof_log_next(l, &r);
    dof_log_next(l, &r);
    is_str(r->message, "err\n", "stderr record not held back");
    dof_log_next(l, &r);
    is_str(r->message, "big piece end\n", "local pieces joined");
    is_int(r->npieces, 2, "two pieces");
    is_int(r->offset, first_len, "offset of the first piece");
    ok(good_end > first_len, "sanity");
    dof_log_close(l);

    /* raw record and metadata */
    dof_log_open_files(ctx, &f, 1, NULL, &l);
    dof_log_next(l, &r);
    dof_log_next(l, &r);
    ok(r->has_meta && !r->meta_last && r->meta_ordinal == 1 &&
           strcmp(r->meta_id, "id7") == 0,
       "partial metadata exposed");
    ok(r->format == DOF_LOG_LOCAL && r->raw_len > 0 && r->time_raw == NULL,
       "raw payload");
    dof_log_close(l);

    /* the same in a gzip member: a bad length stops the file */
    size_t zl;
    unsigned char *z = gz(d.data, d.len, &zl);
    memf mz = {z, zl};
    dof_log_file fz = mfile("local-logs/container.log.1.gz", 2, &mz);
    size_t w0 = dof_warning_count(ctx);
    dof_log_open_files(ctx, &fz, 1, NULL, &l);
    s = drain(l, &n);
    is_int(n, 4, "gz: records up to the damage");
    is_int(count_warnings(ctx, DOF_ERR_FORMAT, "compressed file skipped"), 1,
           "gz: damage ends the file with a warning");
    ok(dof_warning_count(ctx) == w0 + 1, "one warning");
    free(s);
    dof_log_close(l);

    /* truncated gzip stream */
    mz.len = zl / 2;
    dof_log_open_files(ctx, &fz, 1, NULL, &l);
    s = drain(l, &n);
    ok(n < 4, "truncated gz: fewer records (%zu)", n);
    ok(count_warnings(ctx, DOF_ERR_FORMAT, "truncated") >= 2,
       "truncated gzip warned");
    free(s);
    dof_log_close(l);
    free(z);
    dof_buf_free(&d);
    dof_ctx_free(ctx);
}

TEST(gzip_bomb)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_buf d;
    dof_log *l;
    size_t n, zl;
    char *s;

    /* 8 MiB of identical lines compress ~1000:1 */
    dof_buf_init(&d);
    jl(&d,
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\n",
       "stdout", 1);
    size_t one = d.len;
    char *line1 = malloc(one);
    memcpy(line1, d.data, one);
    while (d.len < (8u << 20))
        dof_buf_append(&d, line1, one);
    free(line1);
    size_t total = d.len / one;
    unsigned char *z = gz(d.data, d.len, &zl);
    memf m = {z, zl};
    dof_log_file f = mfile("bomb.log.1.gz", 1, &m);

    dof_log_open_files(ctx, &f, 1, NULL, &l);
    s = drain(l, &n);
    is_int(n, total, "below the guard: every record (%zu bytes -> %zu)", zl,
           d.len);
    is_int(dof_warning_count(ctx), 0, "no warning");
    free(s);
    dof_log_close(l);

    dof_log_open_files(ctx, &f, 1, NULL, &l);
    dof_log_set_limits(l, 0, 1u << 20, 100, 0);
    s = drain(l, &n);
    ok(n > 0 && n < total, "bomb guard stops early (%zu of %zu)", n, total);
    is_int(count_warnings(ctx, DOF_ERR_LIMIT, "bomb guard"), 1,
           "bomb guard warned");
    free(s);
    dof_log_close(l);

    free(z);
    dof_buf_free(&d);
    dof_ctx_free(ctx);
}

/* ---- dof_log_open on ext4 built with mke2fs -d ---- */
static int
write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fwrite(d, 1, n, f);
    return fclose(f);
}

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

TEST(open_ext4)
{
    char tmpl[] = "/tmp/test_logs.XXXXXX", p[512], cmd[1024];
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_buf a, b, c, loc;
    size_t zl, n;
    char *s;

    if (mkdtemp(tmpl) == NULL) {
        ok(0, "mkdtemp");
        return;
    }
    snprintf(p, sizeof(p), "%s/tree/containers/%s/local-logs", tmpl, CID);
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
    if (system(cmd) != 0) {
        ok(0, "mkdir");
        return;
    }
    dof_buf_init(&a);
    dof_buf_init(&b);
    dof_buf_init(&c);
    dof_buf_init(&loc);
    jl(&a, "from .3.gz\\n", "stdout", 1);
    jl(&b, "from .2.gz\\n", "stderr", 2);
    jl(&c, "from .1 (plain)\\n", "stdout", 3);
    unsigned char *za = gz(a.data, a.len, &zl);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log.3.gz", tmpl, CID,
             CID);
    write_file(p, za, zl);
    free(za);
    za = gz(b.data, b.len, &zl);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log.2.gz", tmpl, CID,
             CID);
    write_file(p, za, zl);
    free(za);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log.1", tmpl, CID,
             CID);
    write_file(p, c.data, c.len);
    dof_buf_reset(&c);
    jl(&c, "current\\n", "stdout", 4);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log", tmpl, CID,
             CID);
    write_file(p, c.data, c.len);
    /* decoys that must be ignored */
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log.bak", tmpl, CID,
             CID);
    write_file(p, "junk\n", 5);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/%s-json.log.01", tmpl, CID,
             CID);
    write_file(p, "junk\n", 5);
    local_rec(&loc, "stdout", 1000000000LL, "local one", 0, 0, 0, "", 0);
    snprintf(p, sizeof(p), "%s/tree/containers/%s/local-logs/container.log",
             tmpl, CID);
    write_file(p, loc.data, loc.len);
    snprintf(cmd, sizeof(cmd),
             "PATH=\"$PATH:/usr/sbin:/sbin\" mke2fs -q -F -t ext4 -d "
             "'%s/tree' '%s/img.raw' 16M "
             ">/dev/null 2>&1",
             tmpl, tmpl);
    if (system(cmd) != 0) {
        ok(0, "mke2fs -d (skipping the ext4 tests)");
        goto out;
    }
    snprintf(p, sizeof(p), "%s/img.raw", tmpl);
    if (dof_evidence_open(ctx, p, -1, &ev) != DOF_OK ||
        dof_evidence_partition_count(ev) < 1 ||
        dof_evidence_partition(ev, 0)->fs == NULL) {
        ok(0, "evidence open: %s", dof_errmsg(ctx));
        goto out;
    }
    dof_store root;
    dof_container ct;
    dof_log *l;
    memset(&root, 0, sizeof(root));
    memset(&ct, 0, sizeof(ct));
    root.fs = dof_evidence_partition(ev, 0)->fs;
    root.path = "/";
    ct.store = &root;
    ct.id = CID;
    ct.dir = "/containers/" CID;
    ct.log_driver = "json-file";
    ct.log_path = "/var/lib/docker/containers/" CID "/" CID "-json.log";
    is_int(dof_log_open(ctx, &ct, NULL, &l), DOF_OK, "open on ext4: %s",
           dof_errmsg(ctx));
    is_int(dof_log_file_count(l), 4, "four files (decoys ignored)");
    is_str(dof_log_file_path(l, 0),
           "/containers/" CID "/" CID "-json.log.3.gz", "oldest first");
    is_str(dof_log_file_path(l, 3), "/containers/" CID "/" CID "-json.log",
           "current last");
    s = drain(l, &n);
    is_str(s,
           T0 "1.500000000Z from .3.gz\n" T0 "2.500000000Z from .2.gz\n" T0
              "3.500000000Z from .1 (plain)\n" T0 "4.500000000Z current\n",
           "chronological across rotated files");
    free(s);
    dof_log_close(l);

    ct.log_driver = "local";
    is_int(dof_log_open(ctx, &ct, NULL, &l), DOF_OK, "local driver");
    s = drain(l, &n);
    is_str(s, "1970-01-01T00:00:01.000000000Z local one\n", "local record");
    free(s);
    dof_log_close(l);

    ct.log_driver = "journald";
    is_int(dof_log_open(ctx, &ct, NULL, &l), DOF_ERR_NODATA,
           "journald without a cache: no data");
    ok(strstr(dof_errmsg(ctx), "journald") != NULL, "message names it");
    ct.log_driver = "json-file";
    ct.dir = "/containers/nope";
    is_int(dof_log_open(ctx, &ct, NULL, &l), DOF_ERR_NOTFOUND,
           "missing container directory");
out:
    dof_evidence_close(ev);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
    if (system(cmd) != 0)
        ok(0, "cleanup");
    dof_buf_free(&a);
    dof_buf_free(&b);
    dof_buf_free(&c);
    dof_buf_free(&loc);
    dof_ctx_free(ctx);
}

TAP_MAIN(NULL, NULL)
