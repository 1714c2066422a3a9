/*
 * memfs.c - an in-memory tree as a dof_fs for the fuzz targets (see
 * memfs.h for the archive format).
 */
#include "memfs.h"

#include <stdlib.h>
#include <string.h>

typedef struct mnode {
    size_t parent, first, next; /* indexes; 0 = none (0 is the root) */
    const char *name;
    size_t len;
    dof_ftype type;
    const char *data; /* file bytes, link target */
    size_t dlen;
    uint32_t major, minor;
} mnode;

typedef struct mxattr {
    size_t node;
    char *name; /* NUL terminated copy */
    const char *value;
    size_t vlen;
} mxattr;

typedef struct memfs {
    char *copy; /* the archive, kept: names and data point into it */
    mnode *n;
    size_t nn;
    mxattr x[MEMFS_MAX_XATTRS];
    size_t nx;
} memfs;

#define MFS(fs) ((memfs *)(fs)->impl)
#define NODE_ID(i) ((dof_node)(i) + 1)

static int
node_index(dof_fs *fs, dof_node node, size_t *i)
{
    if (node < 1 || node > MFS(fs)->nn)
        return dof_set_error(fs->ctx, DOF_ERR_NOTFOUND, "memfs: no node %llu",
                             (unsigned long long)node);
    *i = (size_t)(node - 1);
    return DOF_OK;
}

static int
m_stat(dof_fs *fs, dof_node node, dof_stat *st)
{
    size_t i = 0;
    int rc;
    const mnode *m;
    int64_t t;

    if ((rc = node_index(fs, node, &i)) != DOF_OK)
        return rc;
    m = &MFS(fs)->n[i];
    t = (int64_t)(1600000000 + (int64_t)i * 60) * 1000000000 + (int64_t)i;
    memset(st, 0, sizeof(*st));
    st->ino = (uint64_t)i + 2;
    st->type = m->type;
    st->mode = m->type == DOF_FT_DIR ? 0755 : 0644;
    st->size = m->type == DOF_FT_DIR ? 4096 : m->dlen;
    st->nlink = 1;
    st->rdev_major = m->major;
    st->rdev_minor = m->minor;
    st->atime = t + 3;
    st->mtime = t;
    st->ctime = t + 1;
    st->crtime = i % 5 == 4 ? DOF_TIME_NONE : t - 1;
    st->allocated = 1;
    return DOF_OK;
}

static int
m_readdir(dof_fs *fs, dof_node dir, unsigned flags, dof_fs_dirent_fn fn,
          void *arg)
{
    memfs *mf = MFS(fs);
    size_t i = 0;
    dof_dirent de;
    int rc;

    (void)flags;
    if ((rc = node_index(fs, dir, &i)) != DOF_OK)
        return rc;
    if (mf->n[i].type != DOF_FT_DIR)
        return DOF_ERR_NOTFOUND;
    memset(&de, 0, sizeof(de));
    de.type = DOF_FT_DIR;
    de.name = ".";
    de.name_len = 1;
    de.node = dir;
    if (fn(arg, &de))
        return DOF_OK;
    de.name = "..";
    de.name_len = 2;
    de.node = NODE_ID(mf->n[i].parent);
    if (fn(arg, &de))
        return DOF_OK;
    for (size_t c = mf->n[i].first; c != 0; c = mf->n[c].next) {
        de.name = mf->n[c].name;
        de.name_len = mf->n[c].len;
        de.node = NODE_ID(c);
        de.type = mf->n[c].type;
        if (fn(arg, &de))
            break;
    }
    return DOF_OK;
}

static int
m_read(dof_fs *fs, dof_node node, uint64_t off, void *buf, size_t len,
       size_t *got)
{
    size_t i = 0;
    const mnode *m;
    int rc;

    *got = 0;
    if ((rc = node_index(fs, node, &i)) != DOF_OK)
        return rc;
    m = &MFS(fs)->n[i];
    if (m->type != DOF_FT_REG)
        return dof_set_error(fs->ctx, DOF_ERR_ARG, "memfs: not a file");
    if (off >= m->dlen)
        return DOF_OK;
    if (len > m->dlen - off)
        len = m->dlen - (size_t)off;
    memcpy(buf, m->data + off, len);
    *got = len;
    return DOF_OK;
}

static int
m_readlink(dof_fs *fs, dof_node node, char **out)
{
    size_t i = 0;
    const mnode *m;
    int rc;

    *out = NULL;
    if ((rc = node_index(fs, node, &i)) != DOF_OK)
        return rc;
    m = &MFS(fs)->n[i];
    if (m->type != DOF_FT_LNK)
        return dof_set_error(fs->ctx, DOF_ERR_ARG, "memfs: not a symlink");
    if ((*out = malloc(m->dlen + 1)) == NULL)
        return dof_set_error(fs->ctx, DOF_ERR_NOMEM, "out of memory");
    memcpy(*out, m->data, m->dlen);
    (*out)[m->dlen] = '\0';
    return DOF_OK;
}

static int
m_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn, void *arg)
{
    memfs *mf = MFS(fs);
    size_t i = 0;
    int rc;

    if ((rc = node_index(fs, node, &i)) != DOF_OK)
        return rc;
    for (size_t k = 0; k < mf->nx; k++)
        if (mf->x[k].node == i &&
            fn(arg, mf->x[k].name, mf->x[k].value, mf->x[k].vlen))
            break;
    return DOF_OK;
}

static void
m_close(dof_fs *fs)
{
    memfs *mf = MFS(fs);

    for (size_t k = 0; k < mf->nx; k++)
        free(mf->x[k].name);
    free(mf->n);
    free(mf->copy);
    free(mf);
}

static const dof_fs_ops memfs_ops = {
    m_stat, m_readdir, m_read, m_readlink, m_listxattr, NULL, m_close};

/* ---- building the tree ---- */

/* The child of dir called name, made (as type) if absent.  SIZE_MAX when
 * full or when an existing non-directory is in the way of a parent. */
static size_t
child(memfs *mf, size_t dir, const char *name, size_t len, dof_ftype type)
{
    size_t c;

    for (c = mf->n[dir].first; c != 0; c = mf->n[c].next)
        if (mf->n[c].len == len && memcmp(mf->n[c].name, name, len) == 0)
            return c;
    if (mf->nn >= MEMFS_MAX_NODES)
        return SIZE_MAX;
    c = mf->nn++;
    memset(&mf->n[c], 0, sizeof(mf->n[c]));
    mf->n[c].parent = dir;
    mf->n[c].name = name;
    mf->n[c].len = len;
    mf->n[c].type = type;
    mf->n[c].next = mf->n[dir].first;
    mf->n[dir].first = c;
    return c;
}

/* The node of path (parents made as directories); SIZE_MAX on failure. */
static size_t
walk(memfs *mf, const char *p, size_t len, dof_ftype type)
{
    size_t cur = 0, depth = 0;

    while (len > 0) {
        const char *slash;
        size_t clen;
        int last;

        while (len > 0 && *p == '/') {
            p++;
            len--;
        }
        if (len == 0)
            break;
        slash = memchr(p, '/', len);
        clen = slash ? (size_t)(slash - p) : len;
        last = slash == NULL || (size_t)(slash - p) + 1 >= len;
        if (clen > 255 || ++depth > MEMFS_MAX_DEPTH ||
            mf->n[cur].type != DOF_FT_DIR)
            return SIZE_MAX;
        if ((clen == 1 && p[0] == '.') ||
            (clen == 2 && p[0] == '.' && p[1] == '.'))
            return SIZE_MAX; /* the tree has no dot entries of its own */
        cur = child(mf, cur, p, clen, last ? type : DOF_FT_DIR);
        if (cur == SIZE_MAX)
            return SIZE_MAX;
        p += clen;
        len -= clen;
    }
    return cur;
}

static void
record(memfs *mf, char *r, size_t len)
{
    char *nl = memchr(r, '\n', len), *body;
    size_t plen, blen, i;
    dof_ftype type;

    if (len < 3 || r[1] != ' ' || nl == NULL)
        return;
    plen = (size_t)(nl - r) - 2;
    body = nl + 1;
    blen = len - (size_t)(body - r);
    switch (r[0]) {
    case 'f': type = DOF_FT_REG; break;
    case 'd': type = DOF_FT_DIR; break;
    case 'l': type = DOF_FT_LNK; break;
    case 'c': type = DOF_FT_CHR; break;
    case 'x': type = DOF_FT_UNKNOWN; break;
    default: return;
    }
    if (type == DOF_FT_UNKNOWN) {
        char *eq = memchr(body, '=', blen);
        mxattr *x;
        if ((i = walk(mf, r + 2, plen, DOF_FT_REG)) == SIZE_MAX ||
            eq == NULL || mf->nx >= MEMFS_MAX_XATTRS)
            return;
        x = &mf->x[mf->nx];
        x->node = i;
        if ((x->name = malloc((size_t)(eq - body) + 1)) == NULL)
            return;
        memcpy(x->name, body, (size_t)(eq - body));
        x->name[eq - body] = '\0';
        x->value = eq + 1;
        x->vlen = blen - (size_t)(eq - body) - 1;
        mf->nx++;
        return;
    }
    if ((i = walk(mf, r + 2, plen, type)) == SIZE_MAX || i == 0)
        return;
    mf->n[i].type = type;
    mf->n[i].data = body;
    mf->n[i].dlen = blen;
    if (type == DOF_FT_CHR) {
        char *end;
        mf->n[i].major = (uint32_t)strtoul(body, &end, 10);
        mf->n[i].minor =
            *end == ':' ? (uint32_t)strtoul(end + 1, NULL, 10) : 0;
        mf->n[i].dlen = 0;
    }
}

dof_fs *
memfs_load(dof_ctx *ctx, const uint8_t *data, size_t size)
{
    memfs *mf = calloc(1, sizeof(*mf));
    dof_fs *fs;
    char *p, *end;

    if (mf == NULL || (mf->copy = malloc(size + 1)) == NULL ||
        (mf->n = calloc(MEMFS_MAX_NODES, sizeof(*mf->n))) == NULL)
        goto nomem;
    if (size)
        memcpy(mf->copy, data, size);
    mf->copy[size] = '\0'; /* strtoul stops here at the latest */
    mf->nn = 1;
    mf->n[0].type = DOF_FT_DIR;
    p = mf->copy;
    end = mf->copy + size;
    while (p < end) {
        char *sep = NULL;
        for (char *q = p; q + 4 <= end; q++)
            if (memcmp(q, "\n--\n", 4) == 0) {
                sep = q;
                break;
            }
        record(mf, p, (size_t)((sep ? sep : end) - p));
        if (sep == NULL)
            break;
        p = sep + 4;
    }
    if ((fs = dof_fs_new(ctx, &memfs_ops, mf)) == NULL)
        goto nomem;
    snprintf(fs->type_name, sizeof(fs->type_name), "memfs");
    fs->root = NODE_ID(0);
    return fs;
nomem:
    if (mf) {
        free(mf->n);
        free(mf->copy);
        free(mf);
    }
    return NULL;
}
