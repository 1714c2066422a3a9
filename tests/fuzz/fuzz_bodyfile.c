/*
 * fuzz_bodyfile.c - the bodyfile line writer (core/bodyfile.c,
 * dof_bodyfile_line and dof_bodyfile_mode_string) over entries whose
 * path and symlink target are arbitrary bytes and whose inode fields are
 * arbitrary numbers.
 *
 * Input: 48 bytes of entry fields (kind, flags, type, mode, uid, gid,
 * size, times, ino: see below), then the path, "\n--\n", the link target.
 *
 * Properties beyond "no crash": one line, ending in '\n', no other
 * control byte; exactly 11 '|'-separated fields; field 2 is the encoded
 * path (decoding it gives the path back: lossless), " -> " and the
 * encoded link target, then the markers of the entry's kind;
 * inode, uid, gid and size are the decimal numbers given; the mode field
 * is 12 characters "T/Tpppppppp" as TSK prints it; times are decimal
 * (with nine fraction digits under DOF_BODYFILE_NS).
 */
#include "fuzz.h"

#include <inttypes.h>

static uint64_t
le(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Decode s[0..len) (dof_name_encode form) into out; its length, or
 * SIZE_MAX if s is not a valid encoding. */
static size_t
decode(const char *s, size_t len, char *out)
{
    size_t j = 0;
    for (size_t o = 0; o < len;) {
        if (s[o] != '\\') {
            out[j++] = s[o++];
            continue;
        }
        if (o + 1 < len && s[o + 1] == '\\') {
            out[j++] = '\\';
            o += 2;
        }
        else if (o + 3 < len && s[o + 1] == 'x' &&
                 fuzz_hexval(s[o + 2]) >= 0 && fuzz_hexval(s[o + 3]) >= 0) {
            out[j++] =
                (char)(fuzz_hexval(s[o + 2]) * 16 + fuzz_hexval(s[o + 3]));
            o += 4;
        }
        else {
            return SIZE_MAX;
        }
    }
    return j;
}

static void
check_time(const char *s, size_t len, int ns)
{
    size_t i = 0;
    FUZZ_ASSERT(len > 0);
    if (s[0] == '-')
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (ns && i < len) {
        FUZZ_ASSERT(s[i] == '.' && len - i == 10);
        for (i++; i < len; i++)
            FUZZ_ASSERT(s[i] >= '0' && s[i] <= '9');
    }
    FUZZ_ASSERT(i == len);
}

static void
check_u64(const char *s, size_t len, uint64_t want)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, want);
    FUZZ_ASSERT((size_t)n == len && memcmp(buf, s, len) == 0);
}

FUZZ_TARGET(bodyfile)
{
    static const dof_ftype types[8] = {DOF_FT_UNKNOWN, DOF_FT_REG, DOF_FT_DIR,
                                       DOF_FT_LNK,     DOF_FT_CHR, DOF_FT_BLK,
                                       DOF_FT_FIFO,    DOF_FT_SOCK};
    const uint8_t *a, *b;
    size_t alen, blen, nf = 0, plen;
    dof_bodyfile_entry e;
    const char *f[12];
    size_t fl[12];
    char *path, *link, *line, *dec, *end, *ep = NULL, *el = NULL;
    unsigned flags;
    int ns;

    if (size < 48)
        return 0;
    memset(&e, 0, sizeof(e));
    e.kind = (dof_bodyfile_kind)(data[0] % 3);
    e.opaque = data[1] & 1;
    e.realloc = (data[1] >> 1) & 1;
    e.has_stat = (data[1] >> 2) & 1;
    ns = (data[1] >> 3) & 1;
    flags = ns ? DOF_BODYFILE_NS : 0;
    e.name_type = types[data[2] & 7];
    e.st.type = types[(data[2] >> 3) & 7];
    e.st.mode = (uint32_t)le(data + 3, 2) & 07777;
    e.st.uid = (uint32_t)le(data + 5, 4);
    e.st.gid = (uint32_t)le(data + 9, 4);
    e.st.size = le(data + 13, 8);
    e.st.ino = le(data + 21, 8);
    e.st.mtime = (int64_t)le(data + 29, 8);
    e.st.atime = data[37] & 1 ? DOF_TIME_NONE : e.st.mtime / 3;
    e.st.ctime = data[37] & 2 ? DOF_TIME_NONE : e.st.mtime / -7;
    e.st.crtime = data[37] & 4 ? DOF_TIME_NONE : (int64_t)le(data + 38, 8);
    e.st.allocated = 1;
    e.source = (dof_usrc_kind)(data[46] % 3);
    data += 48;
    size -= 48;
    fuzz_split(data, size, &a, &alen, &b, &blen);
    if ((path = fuzz_dup(a, alen)) == NULL)
        return 0;
    if ((link = fuzz_dup(b, blen)) == NULL) {
        free(path);
        return 0;
    }
    e.path = path;
    e.path_len = alen;
    if (blen) {
        e.link = link;
        e.link_len = blen;
    }
    line = dof_bodyfile_line(&e, flags);
    if (line == NULL)
        goto done;
    end = strchr(line, '\n');
    FUZZ_ASSERT(end != NULL && end[1] == '\0');
    for (const char *p = line; p < end; p++)
        FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f);
    for (const char *p = line; nf < 12;) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        f[nf] = p;
        fl[nf++] = (size_t)((bar ? bar : end) - p);
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    FUZZ_ASSERT(nf == 11);
    FUZZ_ASSERT(fl[0] == 1 && f[0][0] == '0');
    /* the name: the encoded path, the link, then the documented markers */
    ep = dof_name_encode(path, alen, "|");
    el = e.link ? dof_name_encode(link, blen, "|") : NULL;
    if (ep != NULL && (e.link == NULL || el != NULL)) {
        size_t want = strlen(ep) + (el ? 4 + strlen(el) : 0);
        const char *mark =
            e.kind == DOF_BODYFILE_WHITEOUT                ? " (whiteout)"
            : e.kind == DOF_BODYFILE_DELETED && !e.realloc ? " (deleted)"
            : e.kind == DOF_BODYFILE_DELETED ? " (deleted-realloc)"
                                             : "";
        want += strlen(mark) + (e.opaque ? 9 : 0);
        FUZZ_ASSERT(fl[1] == want);
        FUZZ_ASSERT(memcmp(f[1], ep, strlen(ep)) == 0);
        if ((dec = malloc(strlen(ep) + 1)) != NULL) {
            /* lossless: the encoded path decodes to the path */
            FUZZ_ASSERT(decode(ep, strlen(ep), dec) == alen);
            FUZZ_ASSERT(alen == 0 || memcmp(dec, path, alen) == 0);
            free(dec);
        }
        plen = strlen(ep);
        if (el) {
            FUZZ_ASSERT(memcmp(f[1] + plen, " -> ", 4) == 0);
            FUZZ_ASSERT(memcmp(f[1] + plen + 4, el, strlen(el)) == 0);
            plen += 4 + strlen(el);
        }
        FUZZ_ASSERT(memcmp(f[1] + plen, mark, strlen(mark)) == 0);
        plen += strlen(mark);
        FUZZ_ASSERT(!e.opaque || memcmp(f[1] + plen, " (opaque)", 9) == 0);
    }
    free(ep);
    free(el);
    FUZZ_ASSERT(fl[3] == 12 && f[3][1] == '/');
    if (e.has_stat) {
        check_u64(f[2], fl[2], e.st.ino);
        check_u64(f[4], fl[4], e.st.uid);
        check_u64(f[5], fl[5], e.st.gid);
        check_u64(f[6], fl[6], e.st.size);
    }
    for (size_t i = 7; i < 11; i++)
        check_time(f[i], fl[i], ns);
    free(line);
done:
    free(link);
    free(path);
    return 0;
}
