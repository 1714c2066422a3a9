/*
 * export.c - write a merged view (dof_union) to a directory or a tar,
 * with a sha256sum-compatible manifest.
 *
 * Directory export never writes outside its target: every object is
 * created with an *at() call relative to a directory descriptor that was
 * itself opened with O_NOFOLLOW|O_DIRECTORY, files with
 * O_CREAT|O_EXCL|O_NOFOLLOW, symlinks with symlinkat() (never followed
 * afterwards), and names that are empty, ".", "..", or hold '/' or NUL
 * are refused with a warning.  The target must be new or empty.
 */
#include "base/base_private.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>
#include <dirent.h>

#define EXPORT_DEPTH_CAP 512
#define EXPORT_CHUNK (1024u * 1024u)

typedef struct xent {
    char *name;
    size_t len;
    dof_uentry e;
} xent;

typedef struct xkids {
    xent *v;
    size_t n, cap;
    int oom;
} xkids;

typedef struct xctx {
    dof_ctx *ctx;
    dof_union *u;
    const dof_export_opts *o;
    dof_export_stats *st;
    unsigned char *chunk;
    dof_buf path; /* view path of the current directory ("" = root) */
    uint64_t devices_not_made;
    uint64_t tar_off;
    int tar_err;
} xctx;

void
dof_export_opts_init(dof_export_opts *o)
{
    memset(o, 0, sizeof(*o));
}

static int
collect(void *arg, const dof_uentry *e)
{
    xkids *k = arg;
    xent *d;
    char *name = NULL;

    if (dof_grow(&k->v, &k->cap, k->n, sizeof(*k->v), 32) != DOF_OK ||
        (name = dof_memdup0(e->name, e->name_len)) == NULL) {
        k->oom = 1;
        return 1;
    }
    d = &k->v[k->n++];
    d->name = name;
    d->len = e->name_len;
    d->e = *e;
    d->e.name = name;
    return 0;
}

static void
kids_free(xkids *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].name);
    free(k->v);
}

/* The view path of a child (for warnings and the tar): malloc'd. */
static char *
child_path(xctx *x, const char *name, size_t len)
{
    dof_buf b;
    dof_buf_init(&b);
    dof_buf_append(&b, x->path.data, x->path.len);
    dof_buf_putc(&b, '/');
    dof_buf_append(&b, name, len);
    if (b.oom) {
        dof_buf_free(&b);
        return NULL;
    }
    return dof_buf_take(&b);
}

static void
xwarn(xctx *x, const char *name, size_t len, int code, const char *what)
{
    char *p = child_path(x, name, len);
    char *enc = p ? dof_name_encode(p, strlen(p), NULL) : NULL;
    dof_warn(x->ctx, code, enc ? enc : "?", "export: %s", what);
    free(enc);
    free(p);
    x->st->skipped++;
}

static int
name_ok(const char *n, size_t len)
{
    if (len == 0 || (len == 1 && n[0] == '.') ||
        (len == 2 && n[0] == '.' && n[1] == '.'))
        return 0;
    return memchr(n, '/', len) == NULL && memchr(n, '\0', len) == NULL;
}

static void
to_ts(int64_t ns, struct timespec *t)
{
    if (ns == DOF_TIME_NONE) {
        t->tv_sec = 0;
        t->tv_nsec = UTIME_OMIT;
        return;
    }
    t->tv_sec = (time_t)(ns >= 0 ? ns / 1000000000
                                 : -((-ns + 999999999) / 1000000000));
    t->tv_nsec = (long)(ns - (int64_t)t->tv_sec * 1000000000);
}

/* ---- manifest ---- */

static void
manifest_line(xctx *x, const char *hex, const char *rel, size_t len)
{
    FILE *f = x->o->manifest;
    const char *pre = x->o->manifest_prefix ? x->o->manifest_prefix : "";
    int esc = memchr(rel, '\\', len) || memchr(rel, '\n', len) ||
              memchr(rel, '\r', len) || strchr(pre, '\\');
    if (f == NULL)
        return;
    if (esc)
        fputc('\\', f);
    fputs(hex, f);
    fputs("  ", f);
    for (const char *s = pre; *s; s++)
        if (esc && *s == '\\')
            fputs("\\\\", f);
        else
            fputc(*s, f);
    for (size_t i = 0; i < len; i++) {
        char c = rel[i];
        if (esc && c == '\\')
            fputs("\\\\", f);
        else if (esc && c == '\n')
            fputs("\\n", f);
        else if (esc && c == '\r')
            fputs("\\r", f);
        else
            fputc(c, f);
    }
    fputc('\n', f);
}

static void
hex_digest(struct sha256_ctx *h, char out[65])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    static const char hx[] = "0123456789abcdef";
    sha256_digest(h, sizeof(d), d);
    for (size_t i = 0; i < sizeof(d); i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[64] = '\0';
}

/* ---- directory output ---- */

static int
write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Stream a file's content to fd (or the tar when fd < 0), hashing it.
 * Returns bytes written; short content is padded with zeros to size
 * for the tar (a warning). */
static int
copy_content(xctx *x, xent *c, int fd, FILE *tar, char hex[65])
{
    struct sha256_ctx h;
    uint64_t off = 0, size = c->e.st.size;
    int bad = 0;

    sha256_init(&h);
    while (off < size || (tar == NULL && !bad)) {
        size_t want = EXPORT_CHUNK, got = 0;
        if (tar && size - off < want)
            want = (size_t)(size - off);
        if (!bad &&
            dof_union_read(x->u, &c->e, off, x->chunk, want, &got) != DOF_OK) {
            xwarn(x, c->name, c->len, DOF_ERR_IO,
                  "content unreadable: written short");
            x->st->skipped--; /* counted as a file, with a warning */
            bad = 1;
            got = 0;
        }
        if (got == 0) {
            if (tar == NULL)
                break;
            if (!bad) {
                xwarn(x, c->name, c->len, DOF_ERR_FORMAT,
                      "content shorter than its size: padded with zeros");
                x->st->skipped--;
                bad = 1;
            }
            memset(x->chunk, 0, want);
            got = want;
        }
        sha256_update(&h, got, x->chunk);
        if (tar) {
            if (fwrite(x->chunk, 1, got, tar) != got)
                x->tar_err = 1;
            x->tar_off += got;
        }
        else if (write_all(fd, x->chunk, got) != 0) {
            return -1;
        }
        off += got;
        x->st->bytes += got;
    }
    hex_digest(&h, hex);
    return 0;
}

static void
set_meta_fd(xctx *x, int fd, const dof_stat *st)
{
    struct timespec ts[2];
    if ((x->o->flags & DOF_EXPORT_OWNERS) && fchown(fd, st->uid, st->gid))
        dof_warn(x->ctx, DOF_ERR_IO, NULL, "export: chown: %s",
                 strerror(errno));
    if (fchmod(fd, st->mode & 07777) != 0)
        dof_warn(x->ctx, DOF_ERR_IO, NULL, "export: chmod: %s",
                 strerror(errno));
    to_ts(st->atime, &ts[0]);
    to_ts(st->mtime, &ts[1]);
    (void)futimens(fd, ts);
}

static int export_dir(xctx *x, int dfd, int depth);

static int
one_dir_entry(xctx *x, int dfd, xent *c, int depth)
{
    const dof_stat *st = &c->e.st;
    struct timespec ts[2];
    char hex[65];
    int fd, rc = DOF_OK;

    to_ts(st->atime, &ts[0]);
    to_ts(st->mtime, &ts[1]);
    switch (st->type) {
    case DOF_FT_DIR: {
        size_t base = x->path.len;
        if (depth >= EXPORT_DEPTH_CAP) {
            xwarn(x, c->name, c->len, DOF_ERR_LIMIT,
                  "directories nested too deep: not exported");
            return DOF_OK;
        }
        if (mkdirat(dfd, c->name, 0700) != 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            return DOF_OK;
        }
        fd = openat(dfd, c->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd < 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            return DOF_OK;
        }
        x->st->dirs++;
        dof_buf_putc(&x->path, '/');
        dof_buf_append(&x->path, c->name, c->len);
        rc = x->path.oom ? DOF_ERR_NOMEM : export_dir(x, fd, depth + 1);
        x->path.len = base;
        x->path.data[base] = '\0';
        set_meta_fd(x, fd, st);
        close(fd);
        return rc;
    }
    case DOF_FT_REG: {
        char *rel;
        fd =
            openat(dfd, c->name,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            return DOF_OK;
        }
        if (copy_content(x, c, fd, NULL, hex) != 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            close(fd);
            return DOF_OK;
        }
        set_meta_fd(x, fd, st);
        if (close(fd) != 0)
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
        x->st->files++;
        rel = child_path(x, c->name, c->len);
        if (rel)
            manifest_line(x, hex, rel + 1, strlen(rel + 1));
        free(rel);
        return DOF_OK;
    }
    case DOF_FT_LNK: {
        char *t = NULL;
        if (dof_union_readlink(x->u, &c->e, &t) != DOF_OK) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, "symlink unreadable");
            return DOF_OK;
        }
        if (symlinkat(t, dfd, c->name) != 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            free(t);
            return DOF_OK;
        }
        free(t);
        if ((x->o->flags & DOF_EXPORT_OWNERS) &&
            fchownat(dfd, c->name, st->uid, st->gid, AT_SYMLINK_NOFOLLOW))
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
        (void)utimensat(dfd, c->name, ts, AT_SYMLINK_NOFOLLOW);
        x->st->symlinks++;
        return DOF_OK;
    }
    case DOF_FT_CHR:
    case DOF_FT_BLK:
    case DOF_FT_FIFO:
    case DOF_FT_SOCK: {
        mode_t t = st->type == DOF_FT_CHR    ? S_IFCHR
                   : st->type == DOF_FT_BLK  ? S_IFBLK
                   : st->type == DOF_FT_FIFO ? S_IFIFO
                                             : S_IFSOCK;
        if (!(x->o->flags & DOF_EXPORT_DEVICES)) {
            x->devices_not_made++;
            return DOF_OK;
        }
        if (mknodat(dfd, c->name, t | (st->mode & 07777),
                    makedev(st->rdev_major, st->rdev_minor)) != 0) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
            return DOF_OK;
        }
        if ((x->o->flags & DOF_EXPORT_OWNERS) &&
            fchownat(dfd, c->name, st->uid, st->gid, AT_SYMLINK_NOFOLLOW))
            xwarn(x, c->name, c->len, DOF_ERR_IO, strerror(errno));
        (void)fchmodat(dfd, c->name, st->mode & 07777, 0);
        (void)utimensat(dfd, c->name, ts, AT_SYMLINK_NOFOLLOW);
        x->st->devices++;
        return DOF_OK;
    }
    default:
        xwarn(x, c->name, c->len, DOF_ERR_UNSUPPORTED,
              "entry of unknown type not exported");
        return DOF_OK;
    }
}

/* ---- tar output ---- */

static void
oct(char *p, size_t n, uint64_t v)
{
    /* n-1 octal digits + NUL */
    p[n - 1] = '\0';
    for (size_t i = n - 1; i > 0; i--) {
        p[i - 1] = (char)('0' + (v & 7));
        v >>= 3;
    }
}

static int
fits_oct(uint64_t v, size_t n)
{
    return (n - 1) * 3 >= 64 || v < ((uint64_t)1 << ((n - 1) * 3));
}

static void
pax_rec(dof_buf *b, const char *key, const char *val, size_t vlen)
{
    size_t kl = strlen(key), base = kl + vlen + 3, len = base, d;
    char num[24];
    /* the length counts its own digits */
    for (;;) {
        int nd = snprintf(num, sizeof(num), "%zu", len);
        d = base + (size_t)nd;
        if (d == len)
            break;
        len = d;
    }
    dof_buf_printf(b, "%zu %s=", len, key);
    dof_buf_append(b, val, vlen);
    dof_buf_putc(b, '\n');
}

static void
pax_time(dof_buf *b, const char *key, int64_t ns)
{
    char v[48];
    int64_t s;
    long f;
    if (ns == DOF_TIME_NONE)
        return;
    s = ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
    f = (long)(ns - s * 1000000000);
    snprintf(v, sizeof(v), "%lld.%09ld", (long long)s, f);
    pax_rec(b, key, v, strlen(v));
}

static void
tar_block(xctx *x, const void *p, size_t n)
{
    static const char zero[512];
    if (fwrite(p, 1, n, x->o->tar) != n)
        x->tar_err = 1;
    x->tar_off += n;
    if (n % 512 && fwrite(zero, 1, 512 - n % 512, x->o->tar) != 512 - n % 512)
        x->tar_err = 1;
    x->tar_off += n % 512 ? 512 - n % 512 : 0;
}

static void
tar_header_fill(char *h, const char *name, size_t nlen, char type,
                const dof_stat *st, uint64_t size, const char *link,
                size_t llen)
{
    unsigned sum = 0;
    int64_t ms = st->mtime == DOF_TIME_NONE ? 0 : st->mtime;
    ms = ms >= 0 ? ms / 1000000000 : 0;
    memset(h, 0, 512);
    memcpy(h, name, nlen < 100 ? nlen : 100);
    oct(h + 100, 8, st->mode & 07777);
    oct(h + 108, 8, fits_oct(st->uid, 8) ? st->uid : 0);
    oct(h + 116, 8, fits_oct(st->gid, 8) ? st->gid : 0);
    oct(h + 124, 12, fits_oct(size, 12) ? size : 0);
    oct(h + 136, 12, fits_oct((uint64_t)ms, 12) ? (uint64_t)ms : 0);
    h[156] = type;
    if (link)
        memcpy(h + 157, link, llen < 100 ? llen : 100);
    memcpy(h + 257,
           "ustar\0"
           "00",
           8);
    if (type == '3' || type == '4') {
        oct(h + 329, 8, st->rdev_major);
        oct(h + 337, 8, st->rdev_minor);
    }
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += (unsigned char)h[i];
    oct(h + 148, 7, sum);
    h[155] = ' ';
}

/* One member: pax header when ustar cannot hold it, then the header. */
static void
tar_member(xctx *x, const char *name, size_t nlen, char type,
           const dof_stat *st, uint64_t size, const char *link, size_t llen)
{
    char h[512];
    dof_buf pax;
    int bin = 0;
    dof_buf_init(&pax);
    for (size_t i = 0; i < nlen; i++)
        if ((unsigned char)name[i] >= 0x80)
            bin = 1;
    for (size_t i = 0; link && i < llen; i++)
        if ((unsigned char)link[i] >= 0x80)
            bin = 1;
    if (nlen > 100 || memchr(name, '\0', nlen))
        pax_rec(&pax, "path", name, nlen);
    if (link && llen > 100)
        pax_rec(&pax, "linkpath", link, llen);
    if (!fits_oct(st->uid, 8) || !fits_oct(st->gid, 8)) {
        char v[24];
        snprintf(v, sizeof(v), "%u", st->uid);
        pax_rec(&pax, "uid", v, strlen(v));
        snprintf(v, sizeof(v), "%u", st->gid);
        pax_rec(&pax, "gid", v, strlen(v));
    }
    if (!fits_oct(size, 12)) {
        char v[24];
        snprintf(v, sizeof(v), "%llu", (unsigned long long)size);
        pax_rec(&pax, "size", v, strlen(v));
    }
    if (st->mtime != DOF_TIME_NONE &&
        (st->mtime % 1000000000 != 0 || st->mtime < 0)) {
        pax_time(&pax, "mtime", st->mtime);
        pax_time(&pax, "atime", st->atime);
        pax_time(&pax, "ctime", st->ctime);
    }
    if (pax.len > 0) {
        dof_stat ps;
        memset(&ps, 0, sizeof(ps));
        ps.mode = 0644;
        ps.mtime = DOF_TIME_NONE;
        if (bin && nlen > 100) {
            dof_buf b2;
            dof_buf_init(&b2);
            pax_rec(&b2, "hdrcharset", "BINARY", 6);
            dof_buf_append(&b2, pax.data, pax.len);
            dof_buf_free(&pax);
            pax = b2;
        }
        tar_header_fill(h, "././@PaxHeader", 14, 'x', &ps, pax.len, NULL, 0);
        tar_block(x, h, 512);
        tar_block(x, pax.data, pax.len);
    }
    if (pax.oom)
        x->tar_err = 1;
    dof_buf_free(&pax);
    tar_header_fill(h, name, nlen, type, st, size, link, llen);
    tar_block(x, h, 512);
}

static int
one_tar_entry(xctx *x, xent *c, int depth)
{
    const dof_stat *st = &c->e.st;
    char *p = child_path(x, c->name, c->len);
    const char *rel;
    size_t rl;
    char hex[65];
    int rc = DOF_OK;

    if (p == NULL)
        return DOF_ERR_NOMEM;
    rel = p + 1;
    rl = strlen(rel);
    switch (st->type) {
    case DOF_FT_DIR: {
        size_t base = x->path.len;
        char *dn;
        if (depth >= EXPORT_DEPTH_CAP) {
            xwarn(x, c->name, c->len, DOF_ERR_LIMIT,
                  "directories nested too deep: not exported");
            break;
        }
        dn = malloc(rl + 2);
        if (dn == NULL) {
            rc = DOF_ERR_NOMEM;
            break;
        }
        memcpy(dn, rel, rl);
        dn[rl] = '/';
        dn[rl + 1] = '\0';
        tar_member(x, dn, rl + 1, '5', st, 0, NULL, 0);
        free(dn);
        x->st->dirs++;
        dof_buf_putc(&x->path, '/');
        dof_buf_append(&x->path, c->name, c->len);
        rc = x->path.oom ? DOF_ERR_NOMEM : export_dir(x, -1, depth + 1);
        x->path.len = base;
        x->path.data[base] = '\0';
        break;
    }
    case DOF_FT_REG:
        tar_member(x, rel, rl, '0', st, st->size, NULL, 0);
        copy_content(x, c, -1, x->o->tar, hex);
        tar_block(x, "", 0);
        if (x->tar_off % 512) {
            static const char zero[512];
            size_t pad = 512 - x->tar_off % 512;
            if (fwrite(zero, 1, pad, x->o->tar) != pad)
                x->tar_err = 1;
            x->tar_off += pad;
        }
        x->st->files++;
        manifest_line(x, hex, rel, rl);
        break;
    case DOF_FT_LNK: {
        char *t = NULL;
        if (dof_union_readlink(x->u, &c->e, &t) != DOF_OK) {
            xwarn(x, c->name, c->len, DOF_ERR_IO, "symlink unreadable");
            break;
        }
        tar_member(x, rel, rl, '2', st, 0, t, strlen(t));
        free(t);
        x->st->symlinks++;
        break;
    }
    case DOF_FT_CHR:
    case DOF_FT_BLK:
    case DOF_FT_FIFO:
        tar_member(x, rel, rl,
                   st->type == DOF_FT_CHR   ? '3'
                   : st->type == DOF_FT_BLK ? '4'
                                            : '6',
                   st, 0, NULL, 0);
        x->st->devices++;
        break;
    default:
        xwarn(x, c->name, c->len, DOF_ERR_UNSUPPORTED,
              "a socket or unknown type cannot go in a tar");
        break;
    }
    free(p);
    return rc;
}

/* ---- the walk ---- */

static int
export_dir(xctx *x, int dfd, int depth)
{
    xkids k;
    int rc;
    const char *vp = x->path.len ? x->path.data : "/";

    memset(&k, 0, sizeof(k));
    rc = dof_union_readdir(x->u, vp, collect, &k);
    if (k.oom)
        rc = dof_set_error(x->ctx, DOF_ERR_NOMEM, "out of memory");
    if (rc != DOF_OK && rc != DOF_ERR_NOMEM) {
        char *enc = dof_name_encode(vp, strlen(vp), NULL);
        dof_warn(x->ctx, rc, enc, "export: directory unreadable: %s",
                 dof_errmsg(x->ctx));
        free(enc);
        x->st->skipped++;
        rc = DOF_OK;
    }
    for (size_t i = 0; rc == DOF_OK && i < k.n; i++) {
        xent *c = &k.v[i];
        if (!name_ok(c->name, c->len)) {
            xwarn(x, c->name, c->len, DOF_ERR_FORMAT,
                  "unsafe name refused (empty, '.', '..', or holding '/')");
            continue;
        }
        if (c->e.flags & DOF_UENT_SYNTH && c->e.fs == NULL &&
            c->e.st.type != DOF_FT_DIR) {
            c->e.st.type = DOF_FT_DIR;
            c->e.st.mode = 0755;
        }
        rc = x->o->tar ? one_tar_entry(x, c, depth)
                       : one_dir_entry(x, dfd, c, depth);
    }
    kids_free(&k);
    return rc;
}

static int
dir_is_empty(int fd)
{
    int dup_fd = dup(fd);
    DIR *d;
    struct dirent *de;
    int empty = 1;
    if (dup_fd < 0)
        return 0;
    d = fdopendir(dup_fd);
    if (d == NULL) {
        close(dup_fd);
        return 0;
    }
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

int
dof_export_write(dof_ctx *ctx, dof_union *u, const char *path,
                 const dof_export_opts *o, dof_export_stats *stats)
{
    dof_export_stats local;
    xctx x;
    dof_uentry top;
    int dfd = -1, rc;

    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    if (u == NULL || o == NULL || (o->dir == NULL) == (o->tar == NULL))
        return dof_set_error(ctx, DOF_ERR_ARG,
                             "export: give a directory or a tar");
    if (path == NULL)
        path = "/";
    x = (xctx){.ctx = ctx, .u = u, .o = o, .st = stats};
    dof_buf_init(&x.path);
    rc = dof_union_lookup(u, path, 1, &top);
    if (rc != DOF_OK)
        goto fail;
    if (top.st.type != DOF_FT_DIR) {
        rc = dof_set_error(ctx, DOF_ERR_ARG, "export: %s is not a directory",
                           path);
        goto fail;
    }
    /* canonical view path without a trailing '/' ("" for the root) */
    dof_buf_append(&x.path, path, strlen(path));
    while (x.path.len > 0 && x.path.data[x.path.len - 1] == '/')
        x.path.data[--x.path.len] = '\0';
    x.chunk = malloc(EXPORT_CHUNK);
    if (x.chunk == NULL || x.path.oom) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (o->dir) {
        if (mkdir(o->dir, 0700) != 0 && errno != EEXIST) {
            rc = dof_set_error(ctx, DOF_ERR_IO, "export: %s: %s", o->dir,
                               strerror(errno));
            goto fail;
        }
        dfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0) {
            rc = dof_set_error(ctx, DOF_ERR_IO, "export: %s: %s", o->dir,
                               strerror(errno));
            goto fail;
        }
        if (!dir_is_empty(dfd)) {
            rc = dof_set_error(ctx, DOF_ERR_ARG, "export: %s is not empty",
                               o->dir);
            goto fail;
        }
    }
    rc = export_dir(&x, dfd, 0);
    if (rc != DOF_OK)
        goto fail;
    if (o->tar) {
        static const char zero[1024];
        if (fwrite(zero, 1, sizeof(zero), o->tar) != sizeof(zero) ||
            fflush(o->tar) != 0)
            x.tar_err = 1;
        if (x.tar_err) {
            rc = dof_set_error(ctx, DOF_ERR_IO,
                               "export: the tar cannot be written");
            goto fail;
        }
    }
    else if (dfd >= 0) {
        set_meta_fd(&x, dfd, &top.st);
    }
    if (x.devices_not_made)
        dof_warn(ctx, DOF_ERR_UNSUPPORTED, NULL,
                 "export: %llu device node(s), fifo(s) or socket(s) not "
                 "created (needs root and --devices; a tar records them)",
                 (unsigned long long)x.devices_not_made);
fail:
    if (dfd >= 0)
        close(dfd);
    free(x.chunk);
    dof_buf_free(&x.path);
    return rc;
}
