/*
 * logs_jsonfile.c - one line of a json-file log, decoded as docker's
 * reader (Go encoding/json into jsonlog.JSONLog) decodes it.
 */
#include "logs/logs_private.h"

#include <stdio.h>
#include <strings.h>

#define JF_DEPTH_CAP 64

typedef struct jp {
    const unsigned char *s;
    size_t len, pos;
    char *why;
    size_t whylen;
} jp;

static int
jp_fail(jp *p, const char *what)
{
    if (p->why && p->whylen)
        snprintf(p->why, p->whylen, "%s at column %zu", what, p->pos + 1);
    return DOF_ERR_FORMAT;
}

static void
jp_ws(jp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\r' || p->s[p->pos] == '\n'))
        p->pos++;
}

/* Length of the valid UTF-8 sequence at s (2..4), 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        return (n >= 2 && (s[1] & 0xc0) == 0x80) ? 2 : 0;
    if (s[0] >= 0xe0 && s[0] <= 0xef) {
        if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
            return 0;
        return 3;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
            (s[3] & 0xc0) != 0x80)
            return 0;
        if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

static void
put_utf8(dof_buf *b, uint32_t c)
{
    char u[4];
    size_t n;

    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    }
    else if (c < 0x800) {
        u[0] = (char)(0xc0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3f));
        n = 2;
    }
    else if (c < 0x10000) {
        u[0] = (char)(0xe0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[2] = (char)(0x80 | (c & 0x3f));
        n = 3;
    }
    else {
        u[0] = (char)(0xf0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        u[3] = (char)(0x80 | (c & 0x3f));
        n = 4;
    }
    dof_buf_append(b, u, n);
}

static int
hex4(const unsigned char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A string at p->pos (the opening quote); decoded into out (or only
 * checked when out is NULL). */
static int
jp_string(jp *p, dof_buf *out)
{
    const unsigned char *s = p->s;
    size_t i;

    if (p->pos >= p->len || s[p->pos] != '"')
        return jp_fail(p, "string expected");
    i = ++p->pos;
    for (;;) {
        size_t run = i;
        while (i < p->len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' &&
               s[i] != '\\')
            i++;
        if (out && i > run)
            dof_buf_append(out, s + run, i - run);
        if (i >= p->len) {
            p->pos = i;
            return jp_fail(p, "unterminated string");
        }
        if (s[i] == '"') {
            p->pos = i + 1;
            return out && out->oom ? DOF_ERR_NOMEM : DOF_OK;
        }
        if (s[i] < 0x20) {
            p->pos = i;
            return jp_fail(p, "control byte in string");
        }
        if (s[i] >= 0x80) {
            size_t n = utf8_len(s + i, p->len - i);
            if (n == 0) {
                if (out)
                    dof_buf_append(out, "\xef\xbf\xbd", 3);
                i++;
            }
            else {
                if (out)
                    dof_buf_append(out, s + i, n);
                i += n;
            }
            continue;
        }
        /* backslash */
        if (i + 1 >= p->len) {
            p->pos = i;
            return jp_fail(p, "unterminated escape");
        }
        char c = (char)s[i + 1];
        const char *simple = NULL;
        switch (c) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        default: break;
        }
        if (simple) {
            if (out)
                dof_buf_append(out, simple, 1);
            i += 2;
            continue;
        }
        uint32_t cp, lo;
        if (c != 'u' || i + 6 > p->len || hex4(s + i + 2, &cp)) {
            p->pos = i;
            return jp_fail(p, "bad escape");
        }
        i += 6;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= p->len && s[i] == '\\' &&
            s[i + 1] == 'u' && hex4(s + i + 2, &lo) == 0 && lo >= 0xdc00 &&
            lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
        }
        else if (cp >= 0xd800 && cp < 0xe000) {
            cp = 0xfffd; /* lone surrogate, as Go decodes it */
        }
        if (out)
            put_utf8(out, cp);
    }
}

static int jp_value(jp *p, int depth);

static int
jp_container(jp *p, int depth, char close)
{
    int first = 1;

    if (depth > JF_DEPTH_CAP)
        return jp_fail(p, "nesting too deep");
    p->pos++;
    for (;;) {
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == close && first) {
            p->pos++;
            return DOF_OK;
        }
        if (close == '}') {
            if (jp_string(p, NULL))
                return DOF_ERR_FORMAT;
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return jp_fail(p, "':' expected");
            p->pos++;
        }
        if (jp_value(p, depth + 1))
            return DOF_ERR_FORMAT;
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            first = 0;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return DOF_OK;
        }
        return jp_fail(p, "',' or end expected");
    }
}

static int
jp_word(jp *p, const char *w)
{
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n) != 0)
        return jp_fail(p, "bad literal");
    p->pos += n;
    return DOF_OK;
}

/* Skip a run of decimal digits; 0 when there is none. */
static int
jp_digits(jp *p)
{
    size_t d = p->pos;

    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++;
    return p->pos > d;
}

static int
jp_number(jp *p)
{
    const unsigned char *s = p->s;

    if (p->pos < p->len && s[p->pos] == '-')
        p->pos++;
    if (!jp_digits(p))
        return jp_fail(p, "bad number");
    if (p->pos < p->len && s[p->pos] == '.') {
        p->pos++;
        if (!jp_digits(p))
            return jp_fail(p, "bad number");
    }
    if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-'))
            p->pos++;
        if (!jp_digits(p))
            return jp_fail(p, "bad number");
    }
    return DOF_OK;
}

static int
jp_value(jp *p, int depth)
{
    jp_ws(p);
    if (p->pos >= p->len)
        return jp_fail(p, "value expected");
    switch (p->s[p->pos]) {
    case '"': return jp_string(p, NULL);
    case '{': return jp_container(p, depth, '}');
    case '[': return jp_container(p, depth, ']');
    case 't': return jp_word(p, "true");
    case 'f': return jp_word(p, "false");
    case 'n': return jp_word(p, "null");
    default: return jp_number(p);
    }
}

void
dof_log_jline_init(dof_log_jline *j)
{
    memset(j, 0, sizeof(*j)); /* and so its buffers are empty */
    j->time_ns = DOF_TIME_NONE;
}

void
dof_log_jline_free(dof_log_jline *j)
{
    if (j == NULL)
        return;
    dof_buf_free(&j->log);
    dof_buf_free(&j->stream);
    dof_buf_free(&j->time);
    dof_buf_free(&j->key);
}

int
dof_log_jsonfile_parse(const char *line, size_t len, dof_log_jline *j,
                       char *why, size_t whylen)
{
    jp p = {(const unsigned char *)line, len, 0, why, whylen};
    int have_log = 0, have_time = 0, rc;

    if (why && whylen)
        why[0] = '\0';
    dof_buf_reset(&j->log);
    dof_buf_reset(&j->stream);
    dof_buf_reset(&j->time);
    j->time_ns = DOF_TIME_NONE;
    jp_ws(&p);
    if (p.pos >= p.len || p.s[p.pos] != '{')
        return jp_fail(&p, "not a JSON object");
    p.pos++;
    jp_ws(&p);
    if (p.pos < p.len && p.s[p.pos] == '}') {
        p.pos++;
        goto end;
    }
    for (;;) {
        dof_buf *dst = NULL;

        jp_ws(&p);
        dof_buf_reset(&j->key);
        if ((rc = jp_string(&p, &j->key)) != DOF_OK)
            return rc;
        jp_ws(&p);
        if (p.pos >= p.len || p.s[p.pos] != ':')
            return jp_fail(&p, "':' expected");
        p.pos++;
        jp_ws(&p);
        /* Go matches struct fields case-insensitively. */
        if (j->key.len == 3 && strcasecmp(j->key.data, "log") == 0) {
            dst = &j->log;
            have_log = 1;
        }
        else if (j->key.len == 6 && strcasecmp(j->key.data, "stream") == 0) {
            dst = &j->stream;
        }
        else if (j->key.len == 4 && strcasecmp(j->key.data, "time") == 0) {
            dst = &j->time;
            have_time = 1;
        }
        if (dst) {
            dof_buf_reset(dst);
            if (p.pos < p.len && p.s[p.pos] == 'n') {
                if (jp_word(&p, "null"))
                    return DOF_ERR_FORMAT;
                if (dst == &j->time)
                    have_time = 0;
            }
            else if ((rc = jp_string(&p, dst)) != DOF_OK) {
                return rc;
            }
        }
        else if (jp_value(&p, 1)) {
            return DOF_ERR_FORMAT;
        }
        jp_ws(&p);
        if (p.pos < p.len && p.s[p.pos] == ',') {
            p.pos++;
            continue;
        }
        if (p.pos < p.len && p.s[p.pos] == '}') {
            p.pos++;
            break;
        }
        return jp_fail(&p, "',' or '}' expected");
    }
end:
    jp_ws(&p);
    if (p.pos != p.len)
        return jp_fail(&p, "trailing data after the object");
    if (j->log.oom || j->stream.oom || j->time.oom || j->key.oom)
        return DOF_ERR_NOMEM;
    if (!have_log)
        return jp_fail(&p, "no \"log\" member");
    if (!have_time)
        return jp_fail(&p, "no \"time\" member");
    if (dof_time_parse(j->time.data ? j->time.data : "", j->time.len,
                       &j->time_ns) != DOF_OK) {
        if (why && whylen)
            snprintf(why, whylen, "bad \"time\" value");
        return DOF_ERR_FORMAT;
    }
    if (j->log.data == NULL)
        dof_buf_append(&j->log, "", 0);
    if (j->stream.data == NULL)
        dof_buf_append(&j->stream, "", 0);
    return j->log.oom || j->stream.oom ? DOF_ERR_NOMEM : DOF_OK;
}
