/*
 * cmd_mount.c - read-only FUSE mounts straight from the evidence.
 *
 *   dof mount-image [-f] IMAGE MOUNTPOINT
 *   dof mount-container (--container X | --image REF) [-f] [--no-mounts]
 *       IMAGE MOUNTPOINT
 *
 * libfuse3's high-level (path) API: the union view is itself addressed
 * by path (dof_union_lookup / dof_union_readdir), and the fs layer keeps
 * a directory cache, so resolving a path costs one cached lookup per
 * component; open() resolves once and keeps the node in fi->fh, so
 * reads work by node.  The loop is single-threaded (-s): dof_fs and
 * dof_union handles are not thread-safe.  Every write operation answers
 * EROFS; the mount is "ro,default_permissions".  Unmount with
 * `fusermount3 -u MOUNTPOINT`.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_FUSE
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

typedef struct mvol {
    char *name; /* "vol0-ext4-offset1048576" */
    dof_fs *fs;
} mvol;

typedef struct mstate {
    dof_ctx *ctx;
    dof_fs *const *fsv; /* readable volumes, in order: st_ino is
                           the real inode + (their index << 48) */
    size_t nfs;
    dof_union *u; /* container / image view, or NULL */
    mvol *vols;   /* mount-image */
    size_t nvols;
} mstate;

/* What open()/opendir() keep in fi->fh. */
typedef struct mfile {
    dof_fs *fs;
    dof_node node;
    int is_union;
    dof_uentry e; /* e.name is not kept */
} mfile;

static mstate *
st_get(void)
{
    return fuse_get_context()->private_data;
}

static int
errno_of(int rc)
{
    switch (rc) {
    case DOF_OK: return 0;
    case DOF_ERR_NOTFOUND: return -ENOENT;
    case DOF_ERR_NOMEM: return -ENOMEM;
    case DOF_ERR_LOOP: return -ELOOP;
    case DOF_ERR_LIMIT: return -ENAMETOOLONG;
    case DOF_ERR_ARG: return -ENOTDIR;
    case DOF_ERR_UNSUPPORTED: return -ENOTSUP;
    default: return -EIO;
    }
}

static void
to_stat(const dof_stat *d, struct stat *s)
{
    static const mode_t tm[] = {0,       S_IFREG, S_IFDIR, S_IFLNK,
                                S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK};
    memset(s, 0, sizeof(*s));
    s->st_ino = d->ino;
    s->st_mode = ((unsigned)d->type < 8 && d->type ? tm[d->type] : S_IFREG) |
                 (d->mode & 07777);
    s->st_nlink = d->nlink ? d->nlink : 1;
    s->st_uid = d->uid;
    s->st_gid = d->gid;
    s->st_size = (off_t)d->size;
    s->st_blksize = 4096;
    s->st_blocks = (blkcnt_t)((d->size + 511) / 512);
    if (d->type == DOF_FT_CHR || d->type == DOF_FT_BLK)
        s->st_rdev = makedev(d->rdev_major, d->rdev_minor);
#define TS(field, ns)                                                         \
    do {                                                                      \
        int64_t v_ = (ns) == DOF_TIME_NONE ? 0 : (ns);                        \
        int64_t s_ =                                                          \
            v_ >= 0 ? v_ / 1000000000 : -((-v_ + 999999999) / 1000000000);    \
        s->field.tv_sec = (time_t)s_;                                         \
        s->field.tv_nsec = (long)(v_ - s_ * 1000000000);                      \
    } while (0)
    TS(st_atim, d->atime);
    TS(st_mtim, d->mtime);
    TS(st_ctim, d->ctime);
#undef TS
}

static void
root_stat(struct stat *s)
{
    memset(s, 0, sizeof(*s));
    s->st_mode = S_IFDIR | 0555;
    s->st_nlink = 2;
    s->st_ino = 1;
}

/* mount-image: "/volN-.../rest" -> volume and the path inside it. */
static int
split_vol(mstate *m, const char *path, mvol **v, const char **rest)
{
    const char *p = path + 1, *slash = strchr(p, '/');
    size_t l = slash ? (size_t)(slash - p) : strlen(p);
    for (size_t i = 0; i < m->nvols; i++)
        if (strlen(m->vols[i].name) == l &&
            memcmp(m->vols[i].name, p, l) == 0) {
            *v = &m->vols[i];
            *rest = slash ? slash : "/";
            return 0;
        }
    return -ENOENT;
}

/* Resolve a path to what it names; 1 = the synthetic root of
 * mount-image, 0 = f filled, < 0 = -errno. */
static int
resolve(mstate *m, const char *path, mfile *f)
{
    memset(f, 0, sizeof(*f));
    if (m->u) {
        int rc = dof_union_lookup(m->u, path, 0, &f->e);
        if (rc != DOF_OK)
            return errno_of(rc);
        f->e.name = NULL;
        f->is_union = 1;
        f->fs = f->e.fs;
        f->node = f->e.node;
        return 0;
    }
    if (strcmp(path, "/") == 0)
        return 1;
    {
        mvol *v;
        const char *rest;
        int rc = split_vol(m, path, &v, &rest);
        if (rc < 0)
            return rc;
        f->fs = v->fs;
        rc = dof_fs_resolve(v->fs, rest, 0, &f->node);
        return rc == DOF_OK ? 0 : errno_of(rc);
    }
}

/* Inode numbers as the examiner sees them (istat/icat): the real one
 * on volume 0, the volume index in bits 48+ elsewhere, so st_ino stays
 * unique across the mount (cp -a, find, du rely on it). */
static uint64_t
ino_of(const mstate *m, const dof_fs *fs, uint64_t ino)
{
    for (size_t i = 0; i < m->nfs; i++)
        if (m->fsv[i] == fs)
            return ino | ((uint64_t)i << 48);
    return ino;
}

static int
mf_stat(const mfile *f, struct stat *s)
{
    dof_stat d;
    if (f->is_union) {
        d = f->e.st;
        if (d.type == DOF_FT_UNKNOWN && (f->e.flags & DOF_UENT_SYNTH)) {
            d.type = DOF_FT_DIR;
            d.mode = 0555;
        }
    }
    else if (dof_fs_stat(f->fs, f->node, &d) != DOF_OK)
        return -EIO;
    to_stat(&d, s);
    if (f->fs)
        s->st_ino = ino_of(st_get(), f->fs, d.ino);
    else
        s->st_ino = 2; /* a made-up directory leading to a mount point */
    return 0;
}

static int
op_getattr(const char *path, struct stat *s, struct fuse_file_info *fi)
{
    mstate *m = st_get();
    mfile f;
    int rc;
    if (fi && fi->fh)
        return mf_stat((mfile *)(uintptr_t)fi->fh, s);
    rc = resolve(m, path, &f);
    if (rc == 1) {
        root_stat(s);
        return 0;
    }
    return rc < 0 ? rc : mf_stat(&f, s);
}

static int
op_open(const char *path, struct fuse_file_info *fi)
{
    mstate *m = st_get();
    mfile *f;
    int rc;
    if ((fi->flags & O_ACCMODE) != O_RDONLY ||
        (fi->flags & (O_TRUNC | O_CREAT)))
        return -EROFS;
    f = malloc(sizeof(*f));
    if (f == NULL)
        return -ENOMEM;
    rc = resolve(m, path, f);
    if (rc != 0) {
        free(f);
        return rc == 1 ? -EISDIR : rc;
    }
    fi->fh = (uint64_t)(uintptr_t)f;
    fi->keep_cache = 1;
    return 0;
}

static int
op_read(const char *path, char *buf, size_t size, off_t off,
        struct fuse_file_info *fi)
{
    mstate *m = st_get();
    mfile *f = (mfile *)(uintptr_t)fi->fh;
    size_t got = 0, total = 0;
    int rc;
    (void)path;
    if (f == NULL || off < 0)
        return -EBADF;
    while (total < size) {
        if (f->is_union)
            rc = dof_union_read(m->u, &f->e, (uint64_t)off + total,
                                buf + total, size - total, &got);
        else
            rc = dof_fs_read(f->fs, f->node, (uint64_t)off + total,
                             buf + total, size - total, &got);
        if (rc != DOF_OK)
            return total ? (int)total : errno_of(rc);
        if (got == 0)
            break;
        total += got;
    }
    return (int)total;
}

static int
op_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    free((mfile *)(uintptr_t)fi->fh);
    fi->fh = 0;
    return 0;
}

static int
op_readlink(const char *path, char *buf, size_t size)
{
    mstate *m = st_get();
    mfile f;
    char *t = NULL;
    size_t l;
    int rc = resolve(m, path, &f);
    if (rc != 0)
        return rc == 1 ? -EINVAL : rc;
    if (f.is_union)
        rc = dof_union_readlink(m->u, &f.e, &t);
    else
        rc = dof_fs_readlink(f.fs, f.node, &t);
    if (rc != DOF_OK)
        return rc == DOF_ERR_ARG ? -EINVAL : errno_of(rc);
    if (size == 0) {
        free(t);
        return -EINVAL;
    }
    l = strlen(t);
    if (l >= size)
        l = size - 1;
    memcpy(buf, t, l);
    buf[l] = '\0';
    free(t);
    return 0;
}

typedef struct rdctx {
    void *buf;
    fuse_fill_dir_t filler;
    int full;
} rdctx;

static int
fill_name(rdctx *r, const char *name, size_t len)
{
    if (len == 0 || memchr(name, '/', len) || strlen(name) != len)
        return 0; /* cannot be served under this name */
    if (r->filler(r->buf, name, NULL, 0, 0) != 0) {
        r->full = 1;
        return 1;
    }
    return 0;
}

static int
rd_union(void *arg, const dof_uentry *e)
{
    return fill_name(arg, e->name, e->name_len);
}

static int
rd_fs(void *arg, const dof_dirent *de)
{
    return fill_name(arg, de->name, de->name_len);
}

static int
op_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off,
           struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
    mstate *m = st_get();
    rdctx r;
    mfile f;
    int rc;
    (void)off;
    (void)fi;
    (void)flags;
    r.buf = buf;
    r.filler = filler;
    r.full = 0;
    filler(buf, ".", NULL, 0, 0);
    filler(buf, "..", NULL, 0, 0);
    if (m->u) {
        rc = dof_union_readdir(m->u, path, rd_union, &r);
        return rc == DOF_OK ? 0 : errno_of(rc);
    }
    rc = resolve(m, path, &f);
    if (rc == 1) {
        for (size_t i = 0; i < m->nvols; i++)
            filler(buf, m->vols[i].name, NULL, 0, 0);
        return 0;
    }
    if (rc < 0)
        return rc;
    rc = dof_fs_readdir(f.fs, f.node, 0, rd_fs, &r);
    return rc == DOF_OK ? 0 : errno_of(rc);
}

/* The overlay bookkeeping xattrs are not part of a merged view. */
static int
hidden_xattr(const mstate *m, const char *name)
{
    return m->u && strncmp(name, "trusted.overlay.", 16) == 0;
}

static int
op_getxattr(const char *path, const char *name, char *value, size_t size)
{
    mstate *m = st_get();
    mfile f;
    char *v = NULL;
    size_t l = 0;
    int rc = resolve(m, path, &f);
    if (rc != 0)
        return rc == 1 ? -ENODATA : rc;
    if (f.fs == NULL || hidden_xattr(m, name))
        return -ENODATA;
    rc = dof_fs_getxattr(f.fs, f.node, name, &v, &l);
    if (rc == DOF_ERR_NOTFOUND)
        return -ENODATA;
    if (rc != DOF_OK)
        return errno_of(rc);
    if (size == 0) {
        free(v);
        return (int)l;
    }
    if (l > size) {
        free(v);
        return -ERANGE;
    }
    memcpy(value, v, l);
    free(v);
    return (int)l;
}

typedef struct lxctx {
    const mstate *m;
    char *buf;
    size_t size, len;
    int range;
} lxctx;

static int
lx_fn(void *arg, const char *name, const void *value, size_t vlen)
{
    lxctx *x = arg;
    size_t l = strlen(name) + 1;
    (void)value;
    (void)vlen;
    if (hidden_xattr(x->m, name))
        return 0;
    if (x->size && x->len + l > x->size) {
        x->range = 1;
        return 1;
    }
    if (x->size)
        memcpy(x->buf + x->len, name, l);
    x->len += l;
    return 0;
}

static int
op_listxattr(const char *path, char *list, size_t size)
{
    mstate *m = st_get();
    mfile f;
    lxctx x;
    int rc = resolve(m, path, &f);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (f.fs == NULL)
        return 0;
    memset(&x, 0, sizeof(x));
    x.m = m;
    x.buf = list;
    x.size = size;
    rc = dof_fs_listxattr(f.fs, f.node, lx_fn, &x);
    if (rc != DOF_OK && rc != DOF_ERR_NOTFOUND)
        return rc == DOF_ERR_UNSUPPORTED ? 0 : errno_of(rc);
    return x.range ? -ERANGE : (int)x.len;
}

/* ---- every write is refused ---- */
static int
ro_path(const char *p)
{
    (void)p;
    return -EROFS;
}
static int
ro_mkdir(const char *p, mode_t m)
{
    (void)p;
    (void)m;
    return -EROFS;
}
static int
ro_mknod(const char *p, mode_t m, dev_t d)
{
    (void)p;
    (void)m;
    (void)d;
    return -EROFS;
}
static int
ro_two(const char *a, const char *b)
{
    (void)a;
    (void)b;
    return -EROFS;
}
static int
ro_rename(const char *a, const char *b, unsigned int f)
{
    (void)a;
    (void)b;
    (void)f;
    return -EROFS;
}
static int
ro_chmod(const char *p, mode_t m, struct fuse_file_info *fi)
{
    (void)p;
    (void)m;
    (void)fi;
    return -EROFS;
}
static int
ro_chown(const char *p, uid_t u, gid_t g, struct fuse_file_info *fi)
{
    (void)p;
    (void)u;
    (void)g;
    (void)fi;
    return -EROFS;
}
static int
ro_truncate(const char *p, off_t o, struct fuse_file_info *fi)
{
    (void)p;
    (void)o;
    (void)fi;
    return -EROFS;
}
static int
ro_write(const char *p, const char *b, size_t n, off_t o,
         struct fuse_file_info *fi)
{
    (void)p;
    (void)b;
    (void)n;
    (void)o;
    (void)fi;
    return -EROFS;
}
static int
ro_create(const char *p, mode_t m, struct fuse_file_info *fi)
{
    (void)p;
    (void)m;
    (void)fi;
    return -EROFS;
}
static int
ro_utimens(const char *p, const struct timespec tv[2],
           struct fuse_file_info *fi)
{
    (void)p;
    (void)tv;
    (void)fi;
    return -EROFS;
}
static int
ro_setxattr(const char *p, const char *n, const char *v, size_t s, int f)
{
    (void)p;
    (void)n;
    (void)v;
    (void)s;
    (void)f;
    return -EROFS;
}
static int
ro_removexattr(const char *p, const char *n)
{
    (void)p;
    (void)n;
    return -EROFS;
}

static void *
op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    cfg->kernel_cache = 1;
    cfg->use_ino = 1;
    cfg->entry_timeout = 60;
    cfg->attr_timeout = 60;
    cfg->negative_timeout = 60;
    return fuse_get_context()->private_data;
}

static const struct fuse_operations mount_ops = {
    .init = op_init,
    .getattr = op_getattr,
    .readlink = op_readlink,
    .mknod = ro_mknod,
    .mkdir = ro_mkdir,
    .unlink = ro_path,
    .rmdir = ro_path,
    .symlink = ro_two,
    .rename = ro_rename,
    .link = ro_two,
    .chmod = ro_chmod,
    .chown = ro_chown,
    .truncate = ro_truncate,
    .open = op_open,
    .read = op_read,
    .write = ro_write,
    .release = op_release,
    .setxattr = ro_setxattr,
    .getxattr = op_getxattr,
    .listxattr = op_listxattr,
    .removexattr = ro_removexattr,
    .readdir = op_readdir,
    .create = ro_create,
    .utimens = ro_utimens,
};

static int
serve(mstate *m, const char *mountpoint, int foreground)
{
    char *av[8];
    int ac = 0, rc;
    av[ac++] = "dof";
    av[ac++] = (char *)mountpoint;
    av[ac++] = "-o";
    av[ac++] = "ro,default_permissions,fsname=dof,subtype=dof";
    av[ac++] = "-s";
    if (foreground)
        av[ac++] = "-f";
    av[ac] = NULL;
    rc = fuse_main(ac, av, &mount_ops, m);
    return rc == 0 ? DOF_EXIT_OK : DOF_EXIT_USAGE;
}

#endif /* HAVE_FUSE */

#ifdef HAVE_FUSE
/* mount-image: one directory per readable partition. */
static int
serve_image(cli *c, mstate *m)
{
    size_t nv = dof_evidence_partition_count(c->ev);

    m->vols = calloc(nv ? nv : 1, sizeof(*m->vols));
    for (size_t i = 0; m->vols && i < nv; i++) {
        const dof_partition *v = dof_evidence_partition(c->ev, i);
        char name[96];
        if (v == NULL || v->fs == NULL)
            continue;
        snprintf(name, sizeof(name), "vol%u-%s-offset%llu", v->index,
                 dof_fs_type_name(v->fs), (unsigned long long)v->offset_bytes);
        m->vols[m->nvols].name = strdup(name);
        m->vols[m->nvols].fs = v->fs;
        if (m->vols[m->nvols].name)
            m->nvols++;
    }
    if (m->nvols == 0) {
        free(m->vols);
        return cli_error(DOF_EXIT_EVIDENCE,
                         "%s: no readable filesystem on the evidence",
                         c->ops[0]);
    }
    return -1;
}
#endif

int
cli_mount_serve(cli *c, const char *mountpoint, int foreground)
{
#ifdef HAVE_FUSE
    mstate m;
    int ex;

    memset(&m, 0, sizeof(m));
    m.ctx = c->ctx;
    m.u = c->u;
    m.fsv = c->fsv;
    m.nfs = c->nfs;
    if (c->u == NULL && (ex = serve_image(c, &m)) >= 0)
        return ex;
    ex = serve(&m, mountpoint, foreground);
    for (size_t i = 0; i < m.nvols; i++)
        free(m.vols[i].name);
    free(m.vols);
    return ex;
#else
    (void)c;
    (void)mountpoint;
    (void)foreground;
    return cli_error(DOF_EXIT_USAGE, "this dof was built without FUSE "
                                     "(libfuse3)");
#endif
}

int
cmd_mount_image(cli *c)
{
    return cli_mount_serve(c, c->ops[1], c->opt[CLI_O_FOREGROUND] != NULL);
}

int
cmd_mount_container(cli *c)
{
    return cmd_mount_image(c);
}
