/*
 * verify.c - verify-image: an image's config hash, its layerdb chain,
 * and each layer's diff directory against the tar headers kept in
 * layerdb's tar-split.json.gz (vbatts/tar-split: gzip, one JSON object
 * per line; type 2 = raw tar bytes (headers, padding) in base64 "payload",
 * type 1 = a member's content, left out, with "name"/"name_raw", "size"
 * and the CRC-64/ISO of the content, big-endian, as "payload").
 */
#include "fs/fs_path.h"
#include "view/verify_private.h"

#include <json.h>
#include <stdlib.h>
#include <zlib.h>

#define MISMATCH_CAP 10000u
#define WALK_DEPTH_CAP 4096

/* ---------------------------------------------------------------- */
/* CRC-64 (Go hash/crc64, ISO polynomial, reflected)                 */
/* ---------------------------------------------------------------- */

static uint64_t crc_tab[256];
static int crc_ready;

static void
crc_init(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xD800000000000000ull : c >> 1;
        crc_tab[i] = c;
    }
    crc_ready = 1;
}

uint64_t
dof_verify_crc64(uint64_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    if (!crc_ready)
        crc_init();
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_tab[(uint8_t)crc ^ p[i]] ^ (crc >> 8);
    return ~crc;
}

/* ---------------------------------------------------------------- */
/* tar headers                                                       */
/* ---------------------------------------------------------------- */

/* Octal (spaces/NULs around) or GNU base-256.  -1 on garbage. */
static int
tar_num(const unsigned char *p, size_t n, uint64_t *v)
{
    size_t i = 0;
    uint64_t x = 0;

    if (n > 0 && (p[0] & 0x80)) {
        if (p[0] == 0xff)
            return -1; /* negative */
        x = p[0] & 0x3f;
        for (i = 1; i < n; i++) {
            if (x >> 55)
                return -1;
            x = (x << 8) | p[i];
        }
        *v = x;
        return 0;
    }
    while (i < n && (p[i] == ' ' || p[i] == '\0'))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
        if (x >> 60)
            return -1;
        x = (x << 3) | (uint64_t)(p[i] - '0');
    }
    for (; i < n; i++)
        if (p[i] != ' ' && p[i] != '\0')
            return -1;
    *v = x;
    return 0;
}

static size_t
field_len(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n && p[i] != '\0')
        i++;
    return i;
}

int
dof_tar_header_parse(const unsigned char *blk, size_t len, dof_tarent *e,
                     char *name, size_t namecap, char *link, size_t linkcap,
                     int *zero)
{
    uint64_t sum = 0, ssum = 0, want, v;
    size_t nl, pl, ll;
    int posix;

    *zero = 0;
    if (len < 512 || namecap < 257 || linkcap < 101)
        return DOF_ERR_ARG;
    for (size_t i = 0; i < 512; i++)
        if (blk[i] != 0)
            goto nonzero;
    *zero = 1;
    return DOF_OK;
nonzero:
    for (size_t i = 0; i < 512; i++) {
        unsigned char c = (i >= 148 && i < 156) ? ' ' : blk[i];
        sum += c;
        ssum += (uint64_t)(int64_t)(signed char)c;
    }
    if (tar_num(blk + 148, 8, &want) != 0 || (want != sum && want != ssum))
        return DOF_ERR_FORMAT;
    memset(e, 0, sizeof(*e));
    e->type = (char)blk[156];
    if (tar_num(blk + 100, 8, &v) != 0)
        return DOF_ERR_FORMAT;
    e->mode = (uint32_t)(v & 07777);
    if (tar_num(blk + 108, 8, &v) != 0)
        return DOF_ERR_FORMAT;
    e->uid = (uint32_t)v;
    if (tar_num(blk + 116, 8, &v) != 0)
        return DOF_ERR_FORMAT;
    e->gid = (uint32_t)v;
    if (tar_num(blk + 124, 12, &v) != 0)
        return DOF_ERR_FORMAT;
    e->size = v;
    if (tar_num(blk + 136, 12, &v) != 0)
        return DOF_ERR_FORMAT;
    e->mtime = (int64_t)v;
    posix = memcmp(blk + 257, "ustar\0", 6) == 0;
    if (posix || memcmp(blk + 257, "ustar ", 6) == 0) {
        if (tar_num(blk + 329, 8, &v) == 0)
            e->devmajor = (uint32_t)v;
        if (tar_num(blk + 337, 8, &v) == 0)
            e->devminor = (uint32_t)v;
    }
    nl = field_len(blk, 100);
    pl = posix ? field_len(blk + 345, 155) : 0;
    if (pl > 0) {
        memcpy(name, blk + 345, pl);
        name[pl] = '/';
        memcpy(name + pl + 1, blk, nl);
        name[pl + 1 + nl] = '\0';
    }
    else {
        memcpy(name, blk, nl);
        name[nl] = '\0';
    }
    ll = field_len(blk + 157, 100);
    memcpy(link, blk + 157, ll);
    link[ll] = '\0';
    return DOF_OK;
}

/* Normalise a member name: drop leading "./" and "/", trailing "/". */
static void
norm_name(const char **p, size_t *n)
{
    const char *s = *p;
    size_t l = *n;
    for (;;) {
        if (l >= 2 && s[0] == '.' && s[1] == '/') {
            s += 2;
            l -= 2;
        }
        else if (l >= 1 && s[0] == '/') {
            s++;
            l--;
        }
        else
            break;
    }
    while (l > 0 && s[l - 1] == '/')
        l--;
    if (l == 1 && s[0] == '.')
        l = 0;
    *p = s;
    *n = l;
}

/* ---------------------------------------------------------------- */
/* tar-split reader                                                  */
/* ---------------------------------------------------------------- */

int
dof_tarsplit_init(dof_tarsplit *ts, dof_ctx *ctx, const char *where)
{
    memset(ts, 0, sizeof(*ts)); /* and so its buffers are empty */
    ts->ctx = ctx;
    ts->where = where;
    ts->arena = dof_arena_new();
    return ts->arena ? DOF_OK : DOF_ERR_NOMEM;
}

void
dof_tarsplit_free(dof_tarsplit *ts)
{
    if (ts == NULL)
        return;
    dof_buf_free(&ts->stream);
    dof_buf_free(&ts->pax);
    dof_buf_free(&ts->gpax);
    dof_buf_free(&ts->longname);
    dof_buf_free(&ts->longlink);
    free(ts->ents);
    dof_arena_free(ts->arena);
    memset(ts, 0, sizeof(*ts));
}

static int
ts_fail(dof_tarsplit *ts, int code, const char *msg)
{
    if (!ts->damaged)
        snprintf(ts->err, sizeof(ts->err), "%s", msg);
    ts->damaged = 1;
    return code;
}

/* Apply PAX records ("LEN key=value\n") to e / name / link. */
static int
apply_pax(dof_tarsplit *ts, const dof_buf *b, dof_tarent *e, const char **name,
          size_t *nlen, const char **link, size_t *llen)
{
    size_t i = 0;
    while (i < b->len) {
        size_t j = i, rl = 0, k;
        const char *key, *val;
        size_t klen, vlen;
        while (j < b->len && b->data[j] >= '0' && b->data[j] <= '9') {
            rl = rl * 10 + (size_t)(b->data[j] - '0');
            if (rl > b->len)
                return ts_fail(ts, DOF_ERR_FORMAT, "bad PAX record length");
            j++;
        }
        if (j == i || j >= b->len || b->data[j] != ' ' || rl == 0 ||
            i + rl > b->len || b->data[i + rl - 1] != '\n')
            return ts_fail(ts, DOF_ERR_FORMAT, "bad PAX record");
        key = b->data + j + 1;
        for (k = j + 1; k < i + rl - 1 && b->data[k] != '='; k++)
            ;
        if (k >= i + rl - 1)
            return ts_fail(ts, DOF_ERR_FORMAT, "PAX record without '='");
        klen = (size_t)(b->data + k - key);
        val = b->data + k + 1;
        vlen = i + rl - 1 - (k + 1);
        if (klen == 4 && memcmp(key, "path", 4) == 0) {
            *name = val;
            *nlen = vlen;
        }
        else if (klen == 8 && memcmp(key, "linkpath", 8) == 0) {
            *link = val;
            *llen = vlen;
        }
        else if ((klen == 4 && memcmp(key, "size", 4) == 0) ||
                 (klen == 3 && memcmp(key, "uid", 3) == 0) ||
                 (klen == 3 && memcmp(key, "gid", 3) == 0) ||
                 (klen == 5 && memcmp(key, "mtime", 5) == 0)) {
            uint64_t v = 0;
            size_t d = 0;
            int neg = vlen > 0 && val[0] == '-';
            for (d = neg ? 1 : 0; d < vlen && val[d] >= '0' && val[d] <= '9';
                 d++)
                v = v * 10 + (uint64_t)(val[d] - '0');
            if (key[0] == 's')
                e->size = v;
            else if (key[0] == 'u')
                e->uid = (uint32_t)v;
            else if (key[0] == 'g')
                e->gid = (uint32_t)v;
            else
                e->mtime = neg ? -(int64_t)v : (int64_t)v;
        }
        i += rl;
    }
    return DOF_OK;
}

static int
header_only(char t)
{
    return t == '1' || t == '2' || t == '3' || t == '4' || t == '5' ||
           t == '6';
}

static int
add_entry(dof_tarsplit *ts, dof_tarent *e, const char *name, size_t nlen,
          const char *link, size_t llen)
{
    dof_tarent *n;
    if (ts->nents >= DOF_TS_MAX_ENTRIES)
        return ts_fail(ts, DOF_ERR_LIMIT, "more tar members than the cap");
    if (dof_grow(&ts->ents, &ts->capents, ts->nents, sizeof(*ts->ents), 256) !=
        DOF_OK)
        return DOF_ERR_NOMEM;
    n = dof_arena_alloc(ts->arena, sizeof(*n));
    if (n == NULL)
        return DOF_ERR_NOMEM;
    *n = *e;
    norm_name(&name, &nlen);
    n->name = dof_arena_strndup(ts->arena, name, nlen);
    n->name_len = nlen;
    if (n->name == NULL)
        return DOF_ERR_NOMEM;
    if (e->type == '1' || e->type == '2') {
        if (e->type == '1')
            norm_name(&link, &llen);
        n->link = dof_arena_strndup(ts->arena, link, llen);
        n->link_len = llen;
        if (n->link == NULL)
            return DOF_ERR_NOMEM;
    }
    ts->ents[ts->nents++] = n;
    ts->last = n;
    return DOF_OK;
}

static int
pending_into(dof_buf *b, const unsigned char *p, uint64_t size)
{
    dof_buf_reset(b);
    if (dof_buf_append(b, p, (size_t)size) != 0)
        return DOF_ERR_NOMEM;
    return DOF_OK;
}

static int
process_stream(dof_tarsplit *ts)
{
    char name[520], link[104];
    int rc = DOF_OK;

    for (;;) {
        size_t avail = ts->stream.len - ts->pos;
        const unsigned char *blk =
            (const unsigned char *)ts->stream.data + ts->pos;
        dof_tarent e;
        int zero;
        uint64_t need;

        if (ts->skip > 0) {
            size_t n = ts->skip < avail ? (size_t)ts->skip : avail;
            ts->pos += n;
            ts->skip -= n;
            if (ts->skip > 0)
                break;
            continue;
        }
        if (avail < 512)
            break;
        rc = dof_tar_header_parse(blk, avail, &e, name, sizeof(name), link,
                                  sizeof(link), &zero);
        if (rc != DOF_OK)
            return ts_fail(ts, DOF_ERR_FORMAT, "bad tar header checksum");
        if (zero) {
            ts->ended = 1;
            ts->pos += 512;
            continue;
        }
        if (e.type == 'x' || e.type == 'g' || e.type == 'L' || e.type == 'K') {
            if (e.size > DOF_TS_MAX_PAX)
                return ts_fail(ts, DOF_ERR_LIMIT,
                               "PAX / long-name header over the cap");
            need = 512 + e.size + ((512 - e.size % 512) % 512);
            if (avail < need)
                break;
            if (e.type == 'x') {
                rc = pending_into(&ts->pax, blk + 512, e.size);
                ts->have_pax = 1;
            }
            else if (e.type == 'g') {
                rc = dof_buf_append(&ts->gpax, blk + 512, (size_t)e.size)
                         ? DOF_ERR_NOMEM
                         : DOF_OK;
            }
            else {
                dof_buf *b = e.type == 'L' ? &ts->longname : &ts->longlink;
                size_t l = field_len(blk + 512, (size_t)e.size);
                rc = pending_into(b, blk + 512, l);
                if (e.type == 'L')
                    ts->have_longname = 1;
                else
                    ts->have_longlink = 1;
            }
            if (rc != DOF_OK)
                return rc;
            ts->pos += (size_t)need;
            continue;
        }
        {
            const char *np = name, *lp = link;
            size_t nl = strlen(name), ll = strlen(link);
            if (ts->have_longname) {
                np = ts->longname.data;
                nl = ts->longname.len;
            }
            if (ts->have_longlink) {
                lp = ts->longlink.data;
                ll = ts->longlink.len;
            }
            if (ts->gpax.len && (rc = apply_pax(ts, &ts->gpax, &e, &np, &nl,
                                                &lp, &ll)) != DOF_OK)
                return rc;
            if (ts->have_pax && (rc = apply_pax(ts, &ts->pax, &e, &np, &nl,
                                                &lp, &ll)) != DOF_OK)
                return rc;
            rc = add_entry(ts, &e, np, nl, lp, ll);
            if (rc != DOF_OK)
                return rc;
        }
        ts->have_pax = ts->have_longname = ts->have_longlink = 0;
        ts->pos += 512;
        if (!header_only(e.type))
            ts->skip = (512 - e.size % 512) % 512;
    }
    /* drop what was parsed */
    if (ts->pos > 65536 || ts->pos == ts->stream.len) {
        memmove(ts->stream.data, ts->stream.data + ts->pos,
                ts->stream.len - ts->pos);
        ts->stream.len -= ts->pos;
        ts->pos = 0;
    }
    return DOF_OK;
}

static const char *
jstr(json_object *o, const char *key, size_t *len)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

int
dof_tarsplit_line(dof_tarsplit *ts, const char *line, size_t len)
{
    json_tokener *tok = NULL;
    json_object *o = NULL, *v;
    const char *pl;
    size_t plen = 0;
    int type, rc = DOF_OK;

    if (ts->damaged)
        return DOF_ERR_FORMAT;
    ts->lines++;
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    if (len == 0)
        return DOF_OK;
    if (len > DOF_TS_MAX_LINE)
        return ts_fail(ts, DOF_ERR_LIMIT, "tar-split line over the cap");
    tok = json_tokener_new_ex(8);
    if (tok == NULL)
        return DOF_ERR_NOMEM;
    o = json_tokener_parse_ex(tok, line, (int)len);
    if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(o, json_type_object)) {
        rc = ts_fail(ts, DOF_ERR_FORMAT, "a line is not a JSON object");
        goto done;
    }
    if (!json_object_object_get_ex(o, "type", &v) ||
        !json_object_is_type(v, json_type_int)) {
        rc = ts_fail(ts, DOF_ERR_FORMAT, "an entry without a type");
        goto done;
    }
    type = json_object_get_int(v);
    pl = jstr(o, "payload", &plen);
    if (type == 2) {
        size_t cap = plen / 4 * 3 + 3;
        size_t old = ts->stream.len;
        long n;
        if (pl == NULL)
            goto done;
        if (ts->stream.len + cap > DOF_TS_MAX_LINE * 2u) {
            rc = ts_fail(ts, DOF_ERR_LIMIT, "tar header bytes over the cap");
            goto done;
        }
        /* grow, then decode in place */
        if (dof_buf_append(&ts->stream, pl, cap) != 0) {
            rc = DOF_ERR_NOMEM;
            goto done;
        }
        n = dof_base64_decode(pl, plen, (unsigned char *)ts->stream.data + old,
                              cap);
        if (n < 0) {
            ts->stream.len = old;
            rc = ts_fail(ts, DOF_ERR_FORMAT, "bad base64 in a segment");
            goto done;
        }
        ts->stream.len = old + (size_t)n;
        rc = process_stream(ts);
    }
    else if (type == 1) {
        unsigned char sum[16];
        dof_tarent *e = ts->last;
        ts->last = NULL;
        if (e == NULL) {
            rc = ts_fail(ts, DOF_ERR_FORMAT,
                         "a file entry without a tar header before it");
            goto done;
        }
        if (pl != NULL && dof_base64_decode(pl, plen, sum, sizeof(sum)) == 8) {
            e->has_crc = 1;
            e->crc = dof_be64(sum);
        }
    }
    else {
        rc = ts_fail(ts, DOF_ERR_FORMAT, "an entry of unknown type");
    }
done:
    json_object_put(o);
    json_tokener_free(tok);
    return rc;
}

int
dof_tarsplit_parse(dof_tarsplit *ts, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t l = nl ? (size_t)(nl - (buf + i)) : len - i;
        int rc = dof_tarsplit_line(ts, buf + i, l);
        if (rc != DOF_OK)
            return rc;
        i += l + 1;
    }
    return DOF_OK;
}

/* ---------------------------------------------------------------- */
/* reading tar-split.json.gz from the image                          */
/* ---------------------------------------------------------------- */

static int
tarsplit_read(dof_tarsplit *ts, dof_fs *fs, dof_node node)
{
    z_stream z;
    unsigned char *in = NULL, *out = NULL;
    dof_buf line;
    uint64_t off = 0, total = 0;
    int zrc = Z_OK, rc = DOF_OK, zinit = 0;
    const size_t inl = 65536, outl = 262144;

    dof_buf_init(&line);
    memset(&z, 0, sizeof(z));
    in = malloc(inl);
    out = malloc(outl);
    if (in == NULL || out == NULL) {
        rc = DOF_ERR_NOMEM;
        goto fail;
    }
    if (inflateInit2(&z, 15 + 32) != Z_OK) {
        rc = DOF_ERR_NOMEM;
        goto fail;
    }
    zinit = 1;
    for (;;) {
        size_t got = 0;
        if (z.avail_in == 0) {
            rc = dof_fs_read(fs, node, off, in, inl, &got);
            if (rc != DOF_OK) {
                ts_fail(ts, rc, "the file cannot be read");
                goto fail;
            }
            if (got == 0)
                break;
            off += got;
            z.next_in = in;
            z.avail_in = (uInt)got;
        }
        z.next_out = out;
        z.avail_out = (uInt)outl;
        zrc = inflate(&z, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
            rc = ts_fail(ts, DOF_ERR_FORMAT, "bad gzip data");
            goto fail;
        }
        {
            size_t n = outl - z.avail_out, i = 0;
            if (zrc == Z_BUF_ERROR && n == 0 && z.avail_in != 0) {
                rc = ts_fail(ts, DOF_ERR_FORMAT, "bad gzip data");
                goto fail;
            }
            total += n;
            if (total > DOF_TS_MAX_BYTES) {
                rc = ts_fail(ts, DOF_ERR_LIMIT,
                             "decompressed size over the cap (1 GiB)");
                goto fail;
            }
            while (i < n) {
                unsigned char *nl = memchr(out + i, '\n', n - i);
                size_t l = nl ? (size_t)(nl - (out + i)) : n - i;
                if (line.len + l > DOF_TS_MAX_LINE) {
                    rc = ts_fail(ts, DOF_ERR_LIMIT, "a line over the cap");
                    goto fail;
                }
                if (dof_buf_append(&line, out + i, l) != 0) {
                    rc = DOF_ERR_NOMEM;
                    goto fail;
                }
                i += l;
                if (nl) {
                    rc = dof_tarsplit_line(ts, line.data, line.len);
                    if (rc != DOF_OK)
                        goto fail;
                    dof_buf_reset(&line);
                    i++;
                }
            }
        }
        if (zrc == Z_STREAM_END) {
            if (z.avail_in == 0) {
                size_t got2 = 0;
                rc = dof_fs_read(fs, node, off, in, inl, &got2);
                if (rc != DOF_OK || got2 == 0) {
                    rc = DOF_OK;
                    break;
                }
                off += got2;
                z.next_in = in;
                z.avail_in = (uInt)got2;
            }
            inflateReset(&z); /* another gzip member */
        }
    }
    if (zrc != Z_STREAM_END && !ts->damaged) {
        rc = ts_fail(ts, DOF_ERR_FORMAT, "the gzip stream is truncated");
        goto fail;
    }
    if (line.len > 0)
        rc = dof_tarsplit_line(ts, line.data, line.len);
fail:
    if (zinit)
        inflateEnd(&z);
    free(in);
    free(out);
    dof_buf_free(&line);
    return rc;
}

/* ---------------------------------------------------------------- */
/* comparing a layer's diff directory with its tar members           */
/* ---------------------------------------------------------------- */

typedef struct vres {
    dof_verify_result pub;
    dof_arena *arena;
} vres;

typedef struct vlayer {
    dof_ctx *ctx;
    dof_arena *arena; /* the result's: mismatch strings */
    dof_verify_layer *vl;
    dof_fs *fs;
    dof_node root;
    dof_tarent **tab; /* open addressing, by name */
    size_t mask;
    dof_buf path;
    unsigned flags;
    int overlay;  /* whiteouts are char 0/0, opaque is an xattr */
    int fulltree; /* legacy overlay root/: no "planted" check */
    size_t capmis;
} vlayer;

static uint64_t
name_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static dof_tarent **
tab_slot(vlayer *w, const char *s, size_t n)
{
    size_t i = (size_t)name_hash(s, n) & w->mask;
    while (w->tab[i] != NULL) {
        dof_tarent *e = w->tab[i];
        if (e->name_len == n && memcmp(e->name, s, n) == 0)
            break;
        i = (i + 1) & w->mask;
    }
    return &w->tab[i];
}

static int
tab_build(vlayer *w, dof_tarsplit *ts)
{
    size_t sz = 16;
    while (sz < ts->nents * 2 + 2)
        sz *= 2;
    w->tab = calloc(sz, sizeof(*w->tab));
    if (w->tab == NULL)
        return DOF_ERR_NOMEM;
    w->mask = sz - 1;
    for (size_t i = 0; i < ts->nents; i++) {
        dof_tarent **s = tab_slot(w, ts->ents[i]->name, ts->ents[i]->name_len);
        if (*s != NULL)
            (*s)->superseded = 1;
        *s = ts->ents[i];
    }
    return DOF_OK;
}

static dof_tarent *
tab_find(vlayer *w, const char *s, size_t n)
{
    return *tab_slot(w, s, n);
}

static void
mismatch(vlayer *w, const char *path, size_t plen, const char *field,
         const char *tar, const char *disk)
{
    dof_verify_layer *vl = w->vl;
    dof_verify_mismatch *m;
    if (vl->nmismatches >= MISMATCH_CAP) {
        vl->mismatches_dropped++;
        return;
    }
    if (vl->nmismatches == w->capmis) {
        size_t nc = w->capmis ? w->capmis * 2 : 16;
        dof_verify_mismatch *nm = dof_arena_calloc(w->arena, nc, sizeof(*nm));
        if (nm == NULL) {
            vl->mismatches_dropped++;
            return;
        }
        if (vl->nmismatches)
            memcpy(nm, vl->mismatches, vl->nmismatches * sizeof(*nm));
        vl->mismatches = nm;
        w->capmis = nc;
    }
    m = &vl->mismatches[vl->nmismatches++];
    m->path = dof_arena_strndup(w->arena, path, plen);
    m->path_len = plen;
    m->field = field;
    m->tar = tar ? dof_arena_strdup(w->arena, tar) : NULL;
    m->disk = disk ? dof_arena_strdup(w->arena, disk) : NULL;
}

static dof_ftype
tar_ftype(char t)
{
    switch (t) {
    case '0':
    case '\0':
    case '7': return DOF_FT_REG;
    case '2': return DOF_FT_LNK;
    case '3': return DOF_FT_CHR;
    case '4': return DOF_FT_BLK;
    case '5': return DOF_FT_DIR;
    case '6': return DOF_FT_FIFO;
    default: return DOF_FT_UNKNOWN;
    }
}

/* Look a relative path up from the layer root without following any
 * symlink. */
static int
lookup_rel(vlayer *w, const char *p, size_t n, dof_node *out)
{
    dof_node cur = w->root;
    size_t i = 0;
    while (i < n) {
        const char *s = p + i;
        const char *e = memchr(s, '/', n - i);
        size_t l = e ? (size_t)(e - s) : n - i;
        if (l > 0) {
            int rc = dof_fs_lookup(w->fs, cur, s, l, &cur);
            if (rc != DOF_OK)
                return rc;
        }
        i += l + 1;
    }
    *out = cur;
    return DOF_OK;
}

static void
crc_check(vlayer *w, const dof_tarent *e, dof_node node)
{
    unsigned char *buf = malloc(65536);
    uint64_t off = 0, crc = 0;
    char a[24], b[24];
    if (buf == NULL)
        return;
    for (;;) {
        size_t got = 0;
        if (dof_fs_read(w->fs, node, off, buf, 65536, &got) != DOF_OK) {
            mismatch(w, e->name, e->name_len, "content", NULL, "unreadable");
            free(buf);
            return;
        }
        if (got == 0)
            break;
        crc = dof_verify_crc64(crc, buf, got);
        off += got;
    }
    free(buf);
    w->vl->content_checked++;
    if (crc != e->crc) {
        snprintf(a, sizeof(a), "crc64:%016llx", (unsigned long long)e->crc);
        snprintf(b, sizeof(b), "crc64:%016llx", (unsigned long long)crc);
        mismatch(w, e->name, e->name_len, "content", a, b);
    }
}

static void
compare(vlayer *w, dof_tarent *e, dof_node node, const dof_stat *st)
{
    char a[64], b[64];
    dof_ftype tt = tar_ftype(e->type);
    const char *p = e->name;
    size_t n = e->name_len;

    e->seen = 1;
    w->vl->files_checked++;
    if (e->type == '1') { /* hard link: the same inode as its target */
        dof_node tn;
        dof_stat ts;
        if (lookup_rel(w, e->link, e->link_len, &tn) != DOF_OK ||
            dof_fs_stat(w->fs, tn, &ts) != DOF_OK)
            mismatch(w, p, n, "hardlink", e->link, "target missing");
        else if (ts.ino != st->ino) {
            snprintf(b, sizeof(b), "inode %llu, target inode %llu",
                     (unsigned long long)st->ino, (unsigned long long)ts.ino);
            mismatch(w, p, n, "hardlink", e->link, b);
        }
        return;
    }
    if (tt != DOF_FT_UNKNOWN && tt != st->type) {
        mismatch(w, p, n, "type", dof_ftype_name(tt),
                 dof_ftype_name(st->type));
        return;
    }
    if (st->type != DOF_FT_LNK && (st->mode & 07777) != e->mode) {
        snprintf(a, sizeof(a), "%04o", e->mode);
        snprintf(b, sizeof(b), "%04o", st->mode & 07777);
        mismatch(w, p, n, "mode", a, b);
    }
    if (st->uid != e->uid) {
        snprintf(a, sizeof(a), "%u", e->uid);
        snprintf(b, sizeof(b), "%u", st->uid);
        mismatch(w, p, n, "uid", a, b);
    }
    if (st->gid != e->gid) {
        snprintf(a, sizeof(a), "%u", e->gid);
        snprintf(b, sizeof(b), "%u", st->gid);
        mismatch(w, p, n, "gid", a, b);
    }
    if (st->type == DOF_FT_REG && st->size != e->size) {
        snprintf(a, sizeof(a), "%llu", (unsigned long long)e->size);
        snprintf(b, sizeof(b), "%llu", (unsigned long long)st->size);
        mismatch(w, p, n, "size", a, b);
    }
    /* The layer's root directory is made by the storage driver, not
     * unpacked from the tar: dockerd does not restore its mtime (seen on
     * every real-engine image), so only its mode and owner are compared. */
    if (n != 0 && !(n == 1 && p[0] == '.')) {
        int64_t ds = st->mtime == DOF_TIME_NONE ? 0 : st->mtime;
        ds = ds >= 0 ? ds / 1000000000 : -((-ds + 999999999) / 1000000000);
        if (ds != e->mtime) {
            snprintf(a, sizeof(a), "%lld", (long long)e->mtime);
            snprintf(b, sizeof(b), "%lld", (long long)ds);
            mismatch(w, p, n, "mtime", a, b);
        }
    }
    if (st->type == DOF_FT_LNK) {
        char *t = NULL;
        if (dof_fs_readlink(w->fs, node, &t) != DOF_OK)
            mismatch(w, p, n, "linkname", e->link, "unreadable");
        else if (e->link == NULL || strlen(t) != e->link_len ||
                 memcmp(t, e->link, e->link_len) != 0)
            mismatch(w, p, n, "linkname", e->link, t);
        free(t);
    }
    if ((st->type == DOF_FT_CHR || st->type == DOF_FT_BLK) &&
        (st->rdev_major != e->devmajor || st->rdev_minor != e->devminor)) {
        snprintf(a, sizeof(a), "%u:%u", e->devmajor, e->devminor);
        snprintf(b, sizeof(b), "%u:%u", st->rdev_major, st->rdev_minor);
        mismatch(w, p, n, "rdev", a, b);
    }
    if ((w->flags & DOF_VERIFY_CONTENT) && e->has_crc &&
        st->type == DOF_FT_REG && st->size == e->size)
        crc_check(w, e, node);
}

typedef struct vchild {
    char *name;
    size_t len;
    dof_node node;
} vchild;

typedef struct vkids {
    vchild *v;
    size_t n, cap;
    int oom;
} vkids;

static int
collect_fn(void *arg, const dof_dirent *de)
{
    vkids *k = arg;
    vchild *d;
    char *name = NULL;

    if (dof_grow(&k->v, &k->cap, k->n, sizeof(*k->v), 32) != DOF_OK ||
        (name = dof_memdup0(de->name, de->name_len)) == NULL) {
        k->oom = 1;
        return 1;
    }
    d = &k->v[k->n++];
    d->name = name;
    d->len = de->name_len;
    d->node = de->node;
    return 0;
}

static int
walk(vlayer *w, dof_node dir, int depth)
{
    vkids k;
    size_t base = w->path.len;
    int rc;

    if (depth > WALK_DEPTH_CAP) {
        dof_warn(w->ctx, DOF_ERR_LIMIT, w->path.data,
                 "verify-image: directories nested deeper than %d",
                 WALK_DEPTH_CAP);
        return DOF_OK;
    }
    memset(&k, 0, sizeof(k));
    rc = dof_fs_readdir(w->fs, dir, 0, collect_fn, &k);
    if (k.oom)
        rc = DOF_ERR_NOMEM;
    for (size_t i = 0; rc == DOF_OK && i < k.n; i++) {
        dof_stat st;
        dof_tarent *e;
        if (base > 0)
            dof_buf_putc(&w->path, '/');
        dof_buf_append(&w->path, k.v[i].name, k.v[i].len);
        if (w->path.oom) {
            rc = DOF_ERR_NOMEM;
            break;
        }
        if (dof_fs_stat(w->fs, k.v[i].node, &st) != DOF_OK) {
            dof_warn(w->ctx, DOF_ERR_IO, w->path.data,
                     "verify-image: cannot stat");
            goto next;
        }
        if (w->overlay && st.type == DOF_FT_CHR && st.rdev_major == 0 &&
            st.rdev_minor == 0) {
            /* a whiteout: the tar has .wh.NAME */
            dof_buf wh;
            dof_buf_init(&wh);
            dof_buf_append(&wh, w->path.data, base);
            if (base > 0)
                dof_buf_putc(&wh, '/');
            dof_buf_append(&wh, ".wh.", 4);
            dof_buf_append(&wh, k.v[i].name, k.v[i].len);
            e = wh.oom ? NULL : tab_find(w, wh.data, wh.len);
            if (e != NULL) {
                e->seen = 1;
                w->vl->files_checked++;
            }
            else if (!w->fulltree)
                mismatch(w, w->path.data, w->path.len, "planted", NULL,
                         "whiteout");
            dof_buf_free(&wh);
            goto next;
        }
        e = tab_find(w, w->path.data, w->path.len);
        if (e == NULL) {
            if (!w->fulltree)
                mismatch(w, w->path.data, w->path.len, "planted", NULL,
                         dof_ftype_name(st.type));
        }
        else
            compare(w, e, k.v[i].node, &st);
        if (st.type == DOF_FT_DIR)
            rc = walk(w, k.v[i].node, depth + 1);
    next:
        w->path.len = base;
        w->path.data[base] = '\0';
    }
    for (size_t i = 0; i < k.n; i++)
        free(k.v[i].name);
    free(k.v);
    return rc;
}

static int
is_opaque(vlayer *w, const char *dir, size_t n)
{
    dof_node node;

    return lookup_rel(w, dir, n, &node) == DOF_OK &&
           dof_fs_overlay_opaque(w->fs, node);
}

static void
check_unseen(vlayer *w, dof_tarsplit *ts)
{
    for (size_t i = 0; i < ts->nents; i++) {
        dof_tarent *e = ts->ents[i];
        const char *slash;
        size_t dl;
        if (e->seen || e->superseded)
            continue;
        if (e->name_len == 0) { /* the root: compare with the diff dir */
            dof_stat st;
            if (dof_fs_stat(w->fs, w->root, &st) == DOF_OK)
                compare(w, e, w->root, &st);
            continue;
        }
        slash = NULL;
        for (size_t k = e->name_len; k > 0; k--)
            if (e->name[k - 1] == '/') {
                slash = e->name + k - 1;
                break;
            }
        dl = slash ? (size_t)(slash - e->name) : 0;
        if (w->overlay && !w->fulltree &&
            strcmp(slash ? slash + 1 : e->name, ".wh..wh..opq") == 0) {
            w->vl->files_checked++;
            if (!is_opaque(w, e->name, dl))
                mismatch(w, e->name, e->name_len, "opaque", "opaque",
                         "no opaque xattr");
            continue;
        }
        if (w->fulltree) {
            /* legacy overlay: a layer's root/ is the whole tree, so a
             * whiteout in the tar means the name is simply absent */
            const char *base = slash ? slash + 1 : e->name;
            size_t bl = e->name_len - (size_t)(base - e->name);
            if (bl > 4 && memcmp(base, ".wh.", 4) == 0) {
                dof_buf path;
                dof_node gone;
                int absent;
                dof_buf_init(&path);
                if (dl)
                    dof_buf_append(&path, e->name, dl + 1);
                dof_buf_append(&path, base + 4, bl - 4);
                absent = path.oom ||
                         lookup_rel(w, path.data, path.len, &gone) != DOF_OK;
                dof_buf_free(&path);
                w->vl->files_checked++;
                if (!absent)
                    mismatch(w, e->name, e->name_len, "whiteout",
                             "name deleted", "name present");
                continue;
            }
        }
        w->vl->files_checked++;
        mismatch(w, e->name, e->name_len, "removed",
                 e->type == '1' ? "hardlink"
                                : dof_ftype_name(tar_ftype(e->type)),
                 NULL);
    }
}

static void
check_chain(dof_ctx *ctx, dof_arena *a, const dof_image *img, size_t i,
            const char *dir, dof_verify_layer *vl)
{
    const dof_layer *l = &img->layers[i];
    const char *prev = i > 0 ? img->layers[i - 1].chain_id : NULL;
    char *p, *v;
    int st;

    (void)ctx;
    vl->chain_ok = 1;
    if (!l->present) {
        vl->chain_ok = 0;
        vl->chain_note = "no layerdb record for the recomputed ChainID";
        return;
    }
    p = dof_path_join(a, dir, "diff");
    v = p ? dof_fs_path_read_small(img->store->fs, a, p, &st) : NULL;
    if (v == NULL || l->diff_id == NULL || strcmp(v, l->diff_id) != 0) {
        vl->chain_ok = 0;
        vl->chain_note =
            dof_arena_printf(a, "layerdb diff is %s, the config's diff_id %s",
                             v ? v : "missing", l->diff_id ? l->diff_id : "?");
    }
    p = dof_path_join(a, dir, "parent");
    v = p ? dof_fs_path_read_small(img->store->fs, a, p, &st) : NULL;
    if ((prev == NULL) != (v == NULL) ||
        (prev != NULL && strcmp(prev, v) != 0)) {
        if (vl->chain_ok)
            vl->chain_note = dof_arena_printf(
                a, "layerdb parent is %s, recomputed %s", v ? v : "absent",
                prev ? prev : "none (base layer)");
        vl->chain_ok = 0;
    }
}

static void
verify_layer(dof_ctx *ctx, dof_arena *a, const dof_image *img, size_t i,
             unsigned flags, dof_verify_layer *vl)
{
    const dof_store *r = img->store;
    const dof_layer *l = &img->layers[i];
    const char *hex = l->chain_id ? l->chain_id : "";
    const char *dir, *tsp;
    dof_tarsplit ts;
    dof_node tsn, dn;
    vlayer w;
    int rc;

    vl->layer = l;
    if (strncmp(hex, "sha256:", 7) == 0)
        hex += 7;
    dir = dof_arena_printf(a, "%s/image/%s/layerdb/sha256/%s", r->path,
                           r->driver ? r->driver : "?", hex);
    if (dir == NULL)
        return;
    check_chain(ctx, a, img, i, dir, vl);
    tsp = dof_path_join(a, dir, "tar-split.json.gz");
    if (!l->present || tsp == NULL ||
        dof_fs_resolve(r->fs, tsp, 0, &tsn) != DOF_OK) {
        vl->tar_split = DOF_VERIFY_TS_ABSENT;
        return;
    }
    if (l->diff_path == NULL ||
        dof_fs_resolve(r->fs, l->diff_path, 1, &dn) != DOF_OK) {
        vl->tar_split = DOF_VERIFY_TS_SKIPPED;
        dof_warn(ctx, DOF_ERR_NOTFOUND, l->diff_path ? l->diff_path : dir,
                 "verify-image: layer %s has no diff directory to check",
                 l->chain_id);
        return;
    }
    if (dof_tarsplit_init(&ts, ctx, tsp) != DOF_OK)
        return;
    rc = tarsplit_read(&ts, r->fs, tsn);
    if (rc != DOF_OK || ts.damaged) {
        vl->tar_split = DOF_VERIFY_TS_DAMAGED;
        dof_warn(ctx, rc ? rc : DOF_ERR_FORMAT, tsp,
                 "verify-image: tar-split unusable: %s (line %llu)",
                 ts.err[0] ? ts.err : dof_status_name(rc),
                 (unsigned long long)ts.lines);
        dof_tarsplit_free(&ts);
        return;
    }
    memset(&w, 0, sizeof(w));
    w.ctx = ctx;
    w.arena = a;
    w.vl = vl;
    w.fs = r->fs;
    w.root = dn;
    w.flags = flags;
    w.overlay = r->driver && strncmp(r->driver, "overlay", 7) == 0;
    w.fulltree = r->driver && strcmp(r->driver, "overlay") == 0;
    dof_buf_init(&w.path);
    dof_buf_putc(&w.path, '\0');
    w.path.len = 0;
    if (tab_build(&w, &ts) == DOF_OK) {
        vl->tar_split = DOF_VERIFY_TS_CHECKED;
        if (walk(&w, dn, 0) != DOF_OK)
            dof_warn(ctx, DOF_ERR_IO, l->diff_path,
                     "verify-image: the diff directory could not be read "
                     "entirely");
        check_unseen(&w, &ts);
    }
    free(w.tab);
    dof_buf_free(&w.path);
    dof_tarsplit_free(&ts);
}

int
dof_verify_image(dof_ctx *ctx, const dof_image *img, unsigned flags,
                 dof_verify_result **out)
{
    vres *r;
    dof_verify_result *p;

    *out = NULL;
    if (img == NULL || img->store == NULL || img->store->fs == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "verify-image: no image");
    r = calloc(1, sizeof(*r));
    if (r == NULL || (r->arena = dof_arena_new()) == NULL) {
        free(r);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    p = &r->pub;
    p->image = img;
    p->config_sha256_ok = img->id_verified;
    if (!p->config_sha256_ok)
        p->nfindings++;
    p->nlayers = img->nlayers;
    p->layers = dof_arena_calloc(r->arena, img->nlayers ? img->nlayers : 1,
                                 sizeof(*p->layers));
    if (p->layers == NULL) {
        dof_verify_result_free(p);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < img->nlayers; i++) {
        dof_verify_layer *vl = &p->layers[i];
        verify_layer(ctx, r->arena, img, i, flags, vl);
        if (!vl->chain_ok)
            p->nfindings++;
        if (vl->tar_split == DOF_VERIFY_TS_DAMAGED)
            p->nfindings++; /* the headers cannot vouch for the layer */
        p->nfindings += vl->nmismatches + vl->mismatches_dropped;
    }
    *out = p;
    return DOF_OK;
}

void
dof_verify_result_free(dof_verify_result *p)
{
    vres *r = (vres *)p;
    if (r == NULL)
        return;
    dof_arena_free(r->arena);
    free(r);
}
