/*
 * name.c - lossless printable encoding of raw name bytes
 * (ARCHITECTURE "Units, names and encodings").
 */
#include "base/base_private.h"

#include <stdlib.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        return (n >= 2 && (p[1] & 0xc0) == 0x80) ? 2 : 0;
    }
    if (p[0] >= 0xe0 && p[0] <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if (p[0] == 0xe0 && p[1] < 0xa0)
            return 0; /* overlong */
        if (p[0] == 0xed && p[1] >= 0xa0)
            return 0; /* surrogates */
        return 3;
    }
    if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
            (p[3] & 0xc0) != 0x80)
            return 0;
        if (p[0] == 0xf0 && p[1] < 0x90)
            return 0;
        if (p[0] == 0xf4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

int
dof_buf_put_name(dof_buf *b, const char *raw, size_t len, const char *also)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)raw;
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 1 && p[i] == '\\') {
            dof_buf_append(b, "\\\\", 2);
        }
        else if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f ||
                            (also && p[i] && strchr(also, p[i])))) {
            n = 0;
        }
        else if (n > 0) {
            dof_buf_append(b, p + i, n);
        }
        if (n == 0) {
            char e[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
            dof_buf_append(b, e, 4);
            n = 1;
        }
        i += n;
    }
    return b->oom ? DOF_ERR_NOMEM : DOF_OK;
}

char *
dof_name_encode(const char *raw, size_t len, const char *also)
{
    dof_buf b;
    dof_buf_init(&b);
    if (dof_buf_put_name(&b, raw ? raw : "", raw ? len : 0, also) != DOF_OK) {
        dof_buf_free(&b);
        return NULL;
    }
    return dof_buf_take(&b);
}

int
dof_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        if (n == 0 || (n == 1 && p[i] == 0))
            return 0;
        i += n;
    }
    return 1;
}
