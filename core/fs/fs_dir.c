/*
 * fs_dir.c - a host directory (mounted or extracted host root) as a dof_fs.
 *
 * Never leaves the root: every name is opened relative to its parent's
 * O_PATH descriptor with O_NOFOLLOW, starting from the root's descriptor,
 * and ".." at the root is the root.  Node ids are ours: an index into a
 * table of (parent node, name), deduplicated through a (parent, name) map.
 * Regular files are opened for reading through /proc/self/fd of an O_PATH
 * descriptor, so device nodes and FIFOs are never opened.
 */
#include "fs/fs_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define DIR_FD_CACHE 16
#define DIR_ROOT ((dof_node)1)

typedef struct dir_node {
    dof_node parent;
    const char *name; /* in the map's arena */
    size_t len;
} dir_node;

typedef struct dir_impl {
    int rootfd;
    dir_node *nodes; /* node id = index + 1 */
    size_t n, cap;
    dof_nmap map; /* (parent, name) -> node */
    struct {
        dof_node node;
        int fd;
    } fdc[DIR_FD_CACHE]; /* O_PATH fds of directories */
    unsigned fdc_next;
    dof_node rnode; /* cached read descriptor */
    int rfd;
} dir_impl;

#define IMPL(fs) ((dir_impl *)(fs)->impl)

static int
errno_status(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP: return DOF_ERR_NOTFOUND;
    case ENOMEM: return DOF_ERR_NOMEM;
    case ENODATA: return DOF_ERR_NOTFOUND;
    case ENOTSUP: return DOF_ERR_UNSUPPORTED;
    default: return DOF_ERR_IO;
    }
}

static int
dir_err(dof_fs *fs, int e, const char *what, dof_node node)
{
    return dof_set_error(fs->ctx, errno_status(e), "%s (node %llu): %s", what,
                         (unsigned long long)node, strerror(e));
}

static int
node_valid(dir_impl *d, dof_node node)
{
    return node >= DIR_ROOT && node <= d->n;
}

static int
node_add(dof_fs *fs, dof_node parent, const char *name, size_t len,
         dof_node *out)
{
    dir_impl *d = IMPL(fs);
    dof_nmap_ent *e = dof_nmap_find(&d->map, parent, name, len);

    if (e != NULL) {
        *out = e->node;
        return DOF_OK;
    }
    if (dof_grow(&d->nodes, &d->cap, d->n, sizeof(*d->nodes), 256) != DOF_OK)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    e = dof_nmap_add(&d->map, parent, name, len, d->n + 1, 0);
    if (e == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    d->nodes[d->n].parent = parent;
    d->nodes[d->n].name = e->name;
    d->nodes[d->n].len = len;
    d->n++;
    *out = d->n;
    return DOF_OK;
}

/* Borrowed O_PATH descriptor of directory `node` (cached). */
static int
dir_fd(dof_fs *fs, dof_node node, int *out)
{
    dir_impl *d = IMPL(fs);
    const dir_node *dn;
    int pfd = -1, fd, rc;
    unsigned slot;

    if (node == DIR_ROOT) {
        *out = d->rootfd;
        return DOF_OK;
    }
    for (unsigned i = 0; i < DIR_FD_CACHE; i++)
        if (d->fdc[i].node == node && d->fdc[i].fd >= 0) {
            *out = d->fdc[i].fd;
            return DOF_OK;
        }
    dn = &d->nodes[node - 1];
    if ((rc = dir_fd(fs, dn->parent, &pfd)) != DOF_OK)
        return rc;
    fd = openat(pfd, dn->name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dir_err(fs, errno, "cannot open directory", node);
    slot = d->fdc_next++ % DIR_FD_CACHE;
    if (d->fdc[slot].fd >= 0)
        close(d->fdc[slot].fd);
    d->fdc[slot].node = node;
    d->fdc[slot].fd = fd;
    *out = fd;
    return DOF_OK;
}

/* Parent descriptor and name of a node; the root is (rootfd, ""). */
static int
node_at(dof_fs *fs, dof_node node, int *pfd, const char **name)
{
    dir_impl *d = IMPL(fs);

    if (!node_valid(d, node))
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND, "no node %llu",
                             (unsigned long long)node);
    if (node == DIR_ROOT) {
        *pfd = d->rootfd;
        *name = "";
        return DOF_OK;
    }
    *name = d->nodes[node - 1].name;
    return dir_fd(fs, d->nodes[node - 1].parent, pfd);
}

/* A new O_PATH descriptor of any node (caller closes). */
static int
node_open_path(dof_fs *fs, dof_node node, int *out)
{
    const char *name = "";
    int pfd = -1, fd, rc;

    if ((rc = node_at(fs, node, &pfd, &name)) != DOF_OK)
        return rc;
    fd = openat(pfd, *name ? name : ".", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return dir_err(fs, errno, "cannot open", node);
    *out = fd;
    return DOF_OK;
}

static dof_ftype
mode_type(unsigned m)
{
    switch (m & S_IFMT) {
    case S_IFREG: return DOF_FT_REG;
    case S_IFDIR: return DOF_FT_DIR;
    case S_IFLNK: return DOF_FT_LNK;
    case S_IFCHR: return DOF_FT_CHR;
    case S_IFBLK: return DOF_FT_BLK;
    case S_IFIFO: return DOF_FT_FIFO;
    case S_IFSOCK: return DOF_FT_SOCK;
    default: return DOF_FT_UNKNOWN;
    }
}

static int64_t
ts_ns(struct statx_timestamp t)
{
    return (int64_t)t.tv_sec * 1000000000LL + (int64_t)t.tv_nsec;
}

static int
dir_stat(dof_fs *fs, dof_node node, dof_stat *st)
{
    const char *name = "";
    struct statx sx;
    int pfd = -1, rc;

    if ((rc = node_at(fs, node, &pfd, &name)) != DOF_OK)
        return rc;
    if (statx(pfd, name, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH),
              STATX_BASIC_STATS | STATX_BTIME, &sx) != 0)
        return dir_err(fs, errno, "cannot stat", node);
    st->ino = sx.stx_ino;
    st->type = mode_type(sx.stx_mode);
    st->mode = sx.stx_mode & 07777u;
    st->uid = sx.stx_uid;
    st->gid = sx.stx_gid;
    st->size = sx.stx_size;
    st->nlink = sx.stx_nlink;
    st->rdev_major = sx.stx_rdev_major;
    st->rdev_minor = sx.stx_rdev_minor;
    st->atime = ts_ns(sx.stx_atime);
    st->mtime = ts_ns(sx.stx_mtime);
    st->ctime = ts_ns(sx.stx_ctime);
    st->crtime =
        (sx.stx_mask & STATX_BTIME) ? ts_ns(sx.stx_btime) : DOF_TIME_NONE;
    st->allocated = 1;
    return DOF_OK;
}

static dof_ftype
dtype_type(unsigned char t)
{
    switch (t) {
    case DT_REG: return DOF_FT_REG;
    case DT_DIR: return DOF_FT_DIR;
    case DT_LNK: return DOF_FT_LNK;
    case DT_CHR: return DOF_FT_CHR;
    case DT_BLK: return DOF_FT_BLK;
    case DT_FIFO: return DOF_FT_FIFO;
    case DT_SOCK: return DOF_FT_SOCK;
    default: return DOF_FT_UNKNOWN;
    }
}

static int
dir_readdir(dof_fs *fs, dof_node dir, unsigned flags, dof_fs_dirent_fn fn,
            void *arg)
{
    dir_impl *d = IMPL(fs);
    const char *name = "";
    struct dirent *e;
    DIR *dh;
    int pfd = -1, fd, rc;
    size_t count = 0;

    (void)flags; /* a live directory has no deleted names */
    if ((rc = node_at(fs, dir, &pfd, &name)) != DOF_OK)
        return rc;
    fd = openat(pfd, *name ? name : ".",
                O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return dir_err(fs, errno, "cannot open directory", dir);
    dh = fdopendir(fd);
    if (dh == NULL) {
        int e0 = errno;
        close(fd);
        return dir_err(fs, e0, "cannot read directory", dir);
    }
    rc = DOF_OK;
    while ((errno = 0, e = readdir(dh)) != NULL) {
        dof_dirent de;
        size_t len = strlen(e->d_name);

        if (++count > DOF_CAP_DIR_ENTRIES) {
            dof_warn(fs->ctx, DOF_ERR_LIMIT, NULL,
                     "directory node %llu: more than %u entries, rest "
                     "skipped",
                     (unsigned long long)dir, DOF_CAP_DIR_ENTRIES);
            break;
        }
        de.name = e->d_name;
        de.name_len = len;
        de.deleted = 0;
        de.type = dtype_type(e->d_type);
        if (len == 1 && e->d_name[0] == '.') {
            de.node = dir;
        }
        else if (len == 2 && e->d_name[0] == '.' && e->d_name[1] == '.') {
            de.node = dir == DIR_ROOT ? DIR_ROOT : d->nodes[dir - 1].parent;
        }
        else if ((rc = node_add(fs, dir, e->d_name, len, &de.node)) !=
                 DOF_OK) {
            break;
        }
        if (fn(arg, &de))
            break;
    }
    if (e == NULL && errno != 0 && rc == DOF_OK)
        rc = dir_err(fs, errno, "cannot read directory", dir);
    closedir(dh);
    return rc;
}

static int
dir_read(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
         size_t *got)
{
    dir_impl *d = IMPL(fs);
    ssize_t n;

    if (d->rnode != node || d->rfd < 0) {
        struct stat sb;
        char proc[64];
        int pfd, fd, rc;

        if ((rc = node_open_path(fs, node, &pfd)) != DOF_OK)
            return rc;
        if (fstat(pfd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            close(pfd);
            return dof_set_error(fs->ctx, DOF_ERR_ARG,
                                 "node %llu is not a regular file",
                                 (unsigned long long)node);
        }
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
        fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        close(pfd);
        if (fd < 0)
            return dir_err(fs, errno, "cannot open for reading", node);
        if (d->rfd >= 0)
            close(d->rfd);
        d->rfd = fd;
        d->rnode = node;
    }
    if (off > (uint64_t)INT64_MAX)
        return DOF_OK;
    do
        n = pread(d->rfd, buf, len, (off_t)off);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return dir_err(fs, errno, "read failed", node);
    *got = (size_t)n;
    return DOF_OK;
}

static int
dir_readlink(dof_fs *fs, dof_node node, char **out)
{
    const char *name = "";
    size_t cap = 256;
    char *buf = NULL;
    int pfd = -1, rc;

    if ((rc = node_at(fs, node, &pfd, &name)) != DOF_OK)
        return rc;
    for (;;) {
        char *nb = realloc(buf, cap);
        ssize_t n;
        if (nb == NULL) {
            free(buf);
            return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
        }
        buf = nb;
        n = readlinkat(pfd, name, buf, cap);
        if (n < 0) {
            int e = errno;
            free(buf);
            if (e == EINVAL)
                return dof_set_error(fs->ctx, DOF_ERR_ARG,
                                     "node %llu is not a symlink",
                                     (unsigned long long)node);
            return dir_err(fs, e, "cannot read symlink", node);
        }
        if ((size_t)n < cap) {
            buf[n] = '\0';
            *out = buf;
            return DOF_OK;
        }
        if (cap >= DOF_CAP_PATH_BYTES) {
            free(buf);
            return dof_set_error(fs->ctx, DOF_ERR_LIMIT,
                                 "symlink target over the cap");
        }
        cap *= 2;
    }
}

/* "/proc/self/fd/N" of an O_PATH descriptor: xattr calls that follow it
 * reach the node itself, a symlink included, without any path walk. */
static int
xattr_path(dof_fs *fs, dof_node node, int *fd, char *proc, size_t plen)
{
    int rc = node_open_path(fs, node, fd);
    if (rc == DOF_OK)
        snprintf(proc, plen, "/proc/self/fd/%d", *fd);
    return rc;
}

static int
dir_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg)
{
    char proc[64], *names = NULL, *val = NULL;
    ssize_t n;
    int fd = -1, rc;

    if ((rc = xattr_path(fs, node, &fd, proc, sizeof(proc))) != DOF_OK)
        return rc;
    n = listxattr(proc, NULL, 0);
    if (n < 0) {
        rc = errno == ENOTSUP ? DOF_OK : dir_err(fs, errno, "listxattr", node);
        goto done;
    }
    names = malloc((size_t)n + 1);
    if (names == NULL)
        goto nomem;
    n = listxattr(proc, names, (size_t)n);
    if (n < 0) {
        rc = dir_err(fs, errno, "listxattr", node);
        goto done;
    }
    names[n] = '\0';
    for (char *p = names; p < names + n; p += strlen(p) + 1) {
        ssize_t vl = getxattr(proc, p, NULL, 0);
        if (vl < 0)
            continue; /* e.g. trusted.* when not root */
        free(val);
        val = malloc((size_t)vl + 1);
        if (val == NULL)
            goto nomem;
        vl = getxattr(proc, p, val, (size_t)vl);
        if (vl < 0)
            continue;
        if (fn(arg, p, val, (size_t)vl))
            break;
    }
    rc = DOF_OK;
    goto done;

nomem:
    rc = dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
done:
    free(names);
    free(val);
    close(fd);
    return rc;
}

static int
dir_getxattr(dof_fs *fs, dof_node node, const char *name, char **value,
             size_t *len)
{
    char proc[64], *v = NULL;
    ssize_t n;
    int fd = -1, rc;

    if ((rc = xattr_path(fs, node, &fd, proc, sizeof(proc))) != DOF_OK)
        return rc;
    n = getxattr(proc, name, NULL, 0);
    if (n < 0)
        goto err;
    v = malloc((size_t)n + 1);
    if (v == NULL) {
        rc = dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
        goto done;
    }
    n = getxattr(proc, name, v, (size_t)n);
    if (n < 0)
        goto err;
    v[n] = '\0';
    *value = v;
    v = NULL;
    if (len)
        *len = (size_t)n;
    rc = DOF_OK;
    goto done;

err:
    if (errno == ENODATA)
        rc = dof_set_error(fs->ctx, DOF_ERR_NOTFOUND, "no xattr %s", name);
    else if (errno == ENOTSUP || errno == EPERM || errno == EACCES)
        rc = dof_set_error(fs->ctx, DOF_ERR_UNSUPPORTED,
                           "xattr %s cannot be read: %s", name,
                           strerror(errno));
    else
        rc = dir_err(fs, errno, "getxattr", node);
done:
    free(v);
    close(fd);
    return rc;
}

static void
dir_close(dof_fs *fs)
{
    dir_impl *d = IMPL(fs);
    for (unsigned i = 0; i < DIR_FD_CACHE; i++)
        if (d->fdc[i].fd >= 0)
            close(d->fdc[i].fd);
    if (d->rfd >= 0)
        close(d->rfd);
    if (d->rootfd >= 0)
        close(d->rootfd);
    dof_nmap_clear(&d->map);
    free(d->nodes);
    free(d);
}

static const dof_fs_ops dir_ops = {
    dir_stat,      dir_readdir,  dir_read,  dir_readlink,
    dir_listxattr, dir_getxattr, dir_close,
};

int
dof_fs_dir_open(dof_ctx *ctx, const char *path, dof_fs **out)
{
    dir_impl *d;
    dof_fs *fs;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    d->rfd = -1;
    for (unsigned i = 0; i < DIR_FD_CACHE; i++)
        d->fdc[i].fd = -1;
    dof_nmap_init(&d->map);
    d->rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (d->rootfd < 0) {
        int e = errno;
        free(d);
        return dof_set_error(ctx, DOF_ERR_EVIDENCE,
                             "cannot open directory %s: %s", path,
                             strerror(e));
    }
    d->nodes = calloc(256, sizeof(*d->nodes));
    if (d->nodes == NULL)
        goto nomem;
    d->cap = 256;
    d->n = 1; /* the root */
    d->nodes[0].parent = DIR_ROOT;
    d->nodes[0].name = "";
    fs = dof_fs_new(ctx, &dir_ops, d);
    if (fs == NULL)
        goto nomem;
    snprintf(fs->type_name, sizeof(fs->type_name), "dir");
    fs->root = DIR_ROOT;
    fs->offset = 0;
    fs->trusted_xattrs = geteuid() == 0;
    *out = fs;
    return DOF_OK;

nomem:
    close(d->rootfd);
    free(d->nodes);
    free(d);
    return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
}
