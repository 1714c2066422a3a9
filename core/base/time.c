/*
 * time.c - RFC 3339 timestamps <-> int64 nanoseconds since the epoch.
 */
#include "base/base_private.h"

#include <stdio.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int
dof_time_parse(const char *s, size_t len, int64_t *ns)
{
    int Y, M, D, h, mi, sec;
    int64_t frac = 0;
    size_t i;

    if (s == NULL || ns == NULL)
        return DOF_ERR_ARG;
    if (len < 20 || digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) ||
        s[7] != '-' || digits(s + 8, 2, &D) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
        s[16] != ':' || digits(s + 17, 2, &sec))
        return DOF_ERR_FORMAT;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || sec > 60)
        return DOF_ERR_FORMAT;
    i = 19;
    if (i < len && s[i] == '.') {
        int nd = 0;
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (nd < 9) {
                frac = frac * 10 + (s[i] - '0');
                nd++;
            }
            i++;
        }
        if (nd == 0)
            return DOF_ERR_FORMAT;
        while (nd++ < 9)
            frac *= 10;
    }
    int64_t off = 0;
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    }
    else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh, om;
        if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om))
            return DOF_ERR_FORMAT;
        off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
        i += 6;
    }
    else {
        return DOF_ERR_FORMAT;
    }
    if (i != len)
        return DOF_ERR_FORMAT;
    if (Y <= 1) { /* Go's zero time: "never" */
        *ns = DOF_TIME_NONE;
        return DOF_OK;
    }
    int64_t secs = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 +
                   h * 3600 + mi * 60 + sec - off;
    /* representable range of int64 ns: years 1678..2261 */
    if (secs < -9223372036LL || secs > 9223372035LL)
        return DOF_ERR_FORMAT;
    *ns = secs * 1000000000LL + frac;
    return DOF_OK;
}

size_t
dof_time_format(int64_t ns, char *buf, size_t len)
{
    int64_t secs, days, rem, y;
    unsigned m, d;
    long frac;
    int n;

    if (buf == NULL || len == 0)
        return 0;
    buf[0] = '\0';
    if (ns == DOF_TIME_NONE)
        return 0;
    secs = ns / 1000000000LL;
    frac = (long)(ns % 1000000000LL);
    if (frac < 0) {
        frac += 1000000000L;
        secs--;
    }
    days = secs / 86400;
    rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    n = snprintf(buf, len, "%04lld-%02u-%02uT%02d:%02d:%02d.%09ldZ",
                 (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
                 (int)(rem % 60), frac);
    if (n < 0 || (size_t)n >= len) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)n;
}
