/*
 * fuzz_name.c - dof_name_encode (core/name.c): no crash, and the
 * encoding is lossless and printable: decoding it gives the input back,
 * and no control byte or `also` byte survives.
 */
#include "fuzz.h"

FUZZ_TARGET(name)
{
    char also[4] = {0};
    const char *raw;
    size_t len, o = 0, j = 0;
    char *enc, *dec;

    /* first byte: up to 3 extra ASCII bytes to escape (0 = none); callers
     * pass ASCII such as "|" (a non-ASCII byte inside a valid UTF-8
     * sequence is part of the character and passes through) */
    if (size > 0) {
        size_t k = data[0] & 3;
        for (size_t i = 0; i < k && 1 + i < size; i++)
            also[i] = (char)((data[1 + i] & 0x7f) ? data[1 + i] & 0x7f
                                                  : '|'); /* ASCII only */
        data += 1 + k > size ? size : 1 + k;
        size -= 1 + k > size ? size : 1 + k;
    }
    raw = (const char *)data;
    len = size;
    enc = dof_name_encode(raw, len, also[0] ? also : NULL);
    if (enc == NULL)
        return 0;
    dec = malloc(strlen(enc) + 1);
    if (dec == NULL) {
        free(enc);
        return 0;
    }
    while (enc[o] != '\0') {
        unsigned char c = (unsigned char)enc[o];
        FUZZ_ASSERT(c >= 0x20 && c != 0x7f);
        FUZZ_ASSERT(also[0] == 0 || strchr(also, c) == NULL || c == '\\');
        if (c == '\\') {
            FUZZ_ASSERT(enc[o + 1] == '\\' || enc[o + 1] == 'x');
            if (enc[o + 1] == '\\') {
                dec[j++] = '\\';
                o += 2;
            }
            else {
                int h = fuzz_hexval(enc[o + 2]), l;
                FUZZ_ASSERT(h >= 0);
                l = fuzz_hexval(enc[o + 3]);
                FUZZ_ASSERT(l >= 0);
                dec[j++] = (char)(h * 16 + l);
                o += 4;
            }
        }
        else {
            dec[j++] = (char)c;
            o++;
        }
    }
    FUZZ_ASSERT(j == len);
    FUZZ_ASSERT(len == 0 || memcmp(dec, raw, len) == 0);
    free(dec);
    free(enc);
    return 0;
}
