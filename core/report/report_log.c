/*
 * report_log.c - one log record as a JSON line: `show-container-log
 * --json` (the message as docker prints it, joined from its pieces) and
 * `--raw` for the local driver (the stored LogEntry).  Messages are JSON
 * strings with JSON escapes; bytes that are not UTF-8 become U+FFFD there
 * and the exact bytes follow in <key>_base64.  Names (the stream, the
 * file) are encoded as everywhere else (dof_name_encode).
 */
#include "report/report_private.h"

#include <stdlib.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    uint32_t cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2, cp = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        len = 3, cp = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        len = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return len;
}

/* A JSON string of raw bytes: JSON escapes, U+FFFD for bytes that are
 * not UTF-8.  Returns 1 when some were replaced. */
static int
put_text(FILE *f, const char *raw, size_t len)
{
    const unsigned char *s = (const unsigned char *)raw;
    int lossy = 0;

    fputc('"', f);
    for (size_t i = 0, run = 0; i <= len;) {
        size_t k = i < len ? utf8_seq(s + i, len - i) : 0;
        if (k > 0) {
            i += k;
            continue;
        }
        dof_rt_json_chars(f, raw + run, i - run);
        if (i < len) {
            fputs("\\ufffd", f);
            lossy = 1;
        }
        run = ++i;
    }
    fputc('"', f);
    return lossy;
}

static void
put_base64(FILE *f, const char *raw, size_t len)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)raw;

    fputc('"', f);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)s[i + 1] << 8;
        if (i + 2 < len)
            v |= s[i + 2];
        fputc(a[v >> 18 & 63], f);
        fputc(a[v >> 12 & 63], f);
        fputc(i + 1 < len ? a[v >> 6 & 63] : '=', f);
        fputc(i + 2 < len ? a[v & 63] : '=', f);
    }
    fputc('"', f);
}

/* ", "key": <text>" and, when it was not UTF-8, ", "key_base64": ...". */
static void
put_bytes_field(FILE *f, const char *key, const char *raw, size_t len)
{
    fprintf(f, ", \"%s\": ", key);
    if (put_text(f, raw ? raw : "", raw ? len : 0)) {
        fprintf(f, ", \"%s_base64\": ", key);
        put_base64(f, raw, len);
    }
}

/* ", "key": <encoded name>" (the stream, the file). */
static int
put_name_field(FILE *f, const char *key, const char *raw)
{
    char *e = dof_name_encode(raw ? raw : "", raw ? strlen(raw) : 0, NULL);

    if (e == NULL)
        return DOF_ERR_NOMEM;
    fprintf(f, ", \"%s\": ", key);
    put_text(f, e, strlen(e));
    free(e);
    return DOF_OK;
}

static const char *
format_name(const dof_log_record *r)
{
    return r->format == DOF_LOG_LOCAL ? "local" : "json-file";
}

static int
put_json(FILE *f, const dof_log_record *r)
{
    char t[40];

    dof_time_format(r->time, t, sizeof(t));
    fprintf(f, "{\"time\": \"%s\", \"time_ns\": %lld", t, (long long)r->time);
    if (put_name_field(f, "stream", r->stream_name) != DOF_OK)
        return DOF_ERR_NOMEM;
    put_bytes_field(f, "message", r->message, r->len);
    fputs(", \"pieces\": [", f);
    for (size_t i = 0; i < r->npieces; i++) {
        dof_time_format(r->pieces[i], t, sizeof(t));
        fprintf(f, "%s\"%s\"", i ? ", " : "", t);
    }
    fputc(']', f);
    if (put_name_field(f, "file", r->source) != DOF_OK)
        return DOF_ERR_NOMEM;
    fprintf(f, ", \"offset\": %llu, \"format\": \"%s\"",
            (unsigned long long)r->offset, format_name(r));
    if (r->partial)
        fputs(", \"partial\": true", f);
    fputs("}\n", f);
    return DOF_OK;
}

/* The local driver's LogEntry as stored (the line without the '\n' dof
 * adds to a final piece); json-file lines are printed as stored. */
static int
put_raw(FILE *f, const dof_log_record *r)
{
    size_t line_len;

    if (r->format == DOF_LOG_JSON_FILE) {
        fwrite(r->raw, 1, r->raw_len, f);
        fputc('\n', f);
        return DOF_OK;
    }
    line_len = r->len - (r->partial || r->len == 0 ? 0 : 1);
    fputc('{', f);
    if (put_name_field(f, "stream", r->stream_name) != DOF_OK)
        return DOF_ERR_NOMEM;
    fprintf(f, ", \"time_nano\": %lld", (long long)r->time);
    put_bytes_field(f, "line", r->message, line_len);
    fprintf(f, ", \"partial\": %s",
            r->partial || r->has_meta ? "true" : "false");
    if (r->has_meta) {
        fprintf(f, ", \"partial_log_metadata\": {\"last\": %s",
                r->meta_last ? "true" : "false");
        if (put_name_field(f, "id", r->meta_id) != DOF_OK)
            return DOF_ERR_NOMEM;
        fprintf(f, ", \"ordinal\": %d}", (int)r->meta_ordinal);
    }
    if (put_name_field(f, "file", r->source) != DOF_OK)
        return DOF_ERR_NOMEM;
    fprintf(f, ", \"offset\": %llu, \"format\": \"%s\"}\n",
            (unsigned long long)r->offset, format_name(r));
    return DOF_OK;
}

int
dof_report_log_record(FILE *f, const dof_log_record *r, int raw)
{
    if (f == NULL || r == NULL)
        return DOF_ERR_ARG;
    return raw ? put_raw(f, r) : put_json(f, r);
}
