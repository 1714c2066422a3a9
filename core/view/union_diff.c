/*
 * union_diff.c - what `docker diff` reports, computed from the image.
 *
 * moby's naive diff (pkg/archive/changes.go ChangesDirs/addChanges, used
 * by overlay2 when the kernel has redirect_dir): the merged tree of the
 * container layer over its parent (the -init layer and the image) is
 * compared with the parent's merged tree.  For a name in both, C when
 * mode (type and permission bits), uid, gid or rdev differ, or, for a
 * non-directory, the size or the mtime (same second and equal or zero
 * nanoseconds count as equal), or the security.capability xattr.  A name
 * only in the new tree is A (and everything under it); only in the old
 * one is D (not its children).  A directory that is not itself A or C
 * gets C when anything inside it changed, except "/".  Only names the
 * container layer holds can differ: the others are the same nodes in
 * both trees and are skipped.
 */
#include "view/union_private.h"

#include <stdlib.h>

typedef struct dwalk {
    dof_union *u;
    const dof_ulayer *top;
    dof_change_fn fn;
    void *arg;
    dof_buf path;
    int stop;
} dwalk;

static int
same_fs_time(int64_t a, int64_t b)
{
    int64_t as, an, bs, bn;

    if (a == b)
        return 1;
    if (a == DOF_TIME_NONE || b == DOF_TIME_NONE)
        return 0;
    as = a / 1000000000LL;
    an = a % 1000000000LL;
    if (an < 0) {
        an += 1000000000LL;
        as--;
    }
    bs = b / 1000000000LL;
    bn = b % 1000000000LL;
    if (bn < 0) {
        bn += 1000000000LL;
        bs--;
    }
    return as == bs && (an == 0 || bn == 0);
}

static int
stat_different(const dof_stat *o, const dof_stat *n)
{
    if (o->type != n->type || o->mode != n->mode || o->uid != n->uid ||
        o->gid != n->gid || o->rdev_major != n->rdev_major ||
        o->rdev_minor != n->rdev_minor)
        return 1;
    if (o->type != DOF_FT_DIR &&
        (!same_fs_time(o->mtime, n->mtime) || o->size != n->size))
        return 1;
    return 0;
}

/* security.capability of both nodes differs. */
static int
cap_different(dwalk *w, const dof_umerged *o, const dof_umerged *n)
{
    char *ov = NULL, *nv = NULL;
    size_t ol = 0, nl = 0;
    int orc, nrc, diff;

    if (o->stack.n == 0 || n->stack.n == 0)
        return 0;
    orc = dof_fs_getxattr(o->stack.v[0].l->src.fs, o->stack.v[0].node,
                          "security.capability", &ov, &ol);
    nrc = dof_fs_getxattr(n->stack.v[0].l->src.fs, n->stack.v[0].node,
                          "security.capability", &nv, &nl);
    dof_clear_error(w->u->ctx);
    if (orc != DOF_OK)
        ol = 0;
    if (nrc != DOF_OK)
        nl = 0;
    diff = ol != nl || (ol && memcmp(ov, nv, ol) != 0);
    free(ov);
    free(nv);
    return diff;
}

static int
emit(dwalk *w, dof_change_kind kind, const dof_umerged *m,
     const dof_umerged *newdir, const dof_stat *wh, int by_opaque)
{
    dof_change ch;

    if (w->stop)
        return 0;
    memset(&ch, 0, sizeof(ch));
    ch.kind = kind;
    ch.path = w->path.data;
    ch.path_len = w->path.len;
    dof_union_entry_fill(m, &ch.entry);
    if (kind == DOF_CHANGE_DELETE) {
        if (wh) {
            ch.has_whiteout = 1;
            ch.whiteout = *wh;
        }
        ch.by_opaque = by_opaque;
        if (newdir)
            ch.parent_dir = newdir->st;
    }
    if (w->fn(w->arg, &ch))
        w->stop = 1;
    return 1;
}

/* The container layer's whiteout for name in dir, if any. */
static int
find_whiteout(dwalk *w, const dof_umerged *dir, const char *name, size_t len,
              dof_stat *st)
{
    const dof_ulayer *l;
    dof_node n;

    if (dir->stack.n == 0 || dir->stack.v[0].l != w->top)
        return 0;
    l = w->top;
    if (l->aufs) {
        char wh[DOF_CAP_NAME_BYTES + 8];
        if (len + 4 > DOF_CAP_NAME_BYTES)
            return 0;
        memcpy(wh, ".wh.", 4);
        memcpy(wh + 4, name, len);
        if (dof_fs_lookup(l->src.fs, dir->stack.v[0].node, wh, len + 4, &n) !=
                DOF_OK ||
            dof_fs_stat(l->src.fs, n, st) != DOF_OK) {
            dof_clear_error(w->u->ctx);
            return 0;
        }
        return 1;
    }
    if (dof_fs_lookup(l->src.fs, dir->stack.v[0].node, name, len, &n) !=
            DOF_OK ||
        dof_fs_stat(l->src.fs, n, st) != DOF_OK) {
        dof_clear_error(w->u->ctx);
        return 0;
    }
    return st->type == DOF_FT_CHR && st->rdev_major == 0 &&
           st->rdev_minor == 0;
}

static const dof_umerged *
find_old(const dof_umerged *v, size_t n, const char *name, size_t len)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t k = v[mid].len < len ? v[mid].len : len;
        int c = memcmp(v[mid].name, name, k);
        if (c == 0)
            c = v[mid].len < len ? -1 : v[mid].len > len;
        if (c == 0)
            return &v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Compare the children of one directory.  odir NULL: nothing in the old
 * tree (every child is added).  *count gets the changes emitted. */
static int
diff_dir(dwalk *w, const dof_umerged *ndir, const dof_umerged *odir,
         size_t *count)
{
    dof_arena *a = dof_arena_new();
    dof_umerged *nv = NULL, *ov = NULL;
    size_t nn = 0, on = 0, base = w->path.len;
    char *oseen = NULL;
    int rc;

    *count = 0;
    if (a == NULL)
        return dof_set_error(w->u->ctx, DOF_ERR_NOMEM, "out of memory");
    rc = dof_union_merge_dir(w->u, a, &ndir->stack, &nv, &nn);
    if (rc == DOF_OK && odir)
        rc = dof_union_merge_dir(w->u, a, &odir->stack, &ov, &on);
    if (rc != DOF_OK)
        goto done;
    oseen = calloc(on ? on : 1, 1);
    if (oseen == NULL) {
        rc = dof_set_error(w->u->ctx, DOF_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nn && !w->stop; i++) {
        const dof_umerged *c = &nv[i];
        const dof_umerged *o = odir ? find_old(ov, on, c->name, c->len) : NULL;
        int added = 0, isdir = c->st.type == DOF_FT_DIR;
        size_t sub = 0;

        if (o)
            oseen[o - ov] = 1;
        if (o && (c->stack.n == 0 || c->stack.v[0].l != w->top))
            continue; /* same nodes in both trees */
        w->path.len = base;
        dof_buf_putc(&w->path, '/');
        dof_buf_append(&w->path, c->name, c->len);
        if (w->path.oom) {
            rc = dof_set_error(w->u->ctx, DOF_ERR_NOMEM, "out of memory");
            goto done;
        }
        if (w->path.len > DOF_CAP_PATH_BYTES) {
            dof_warn(w->u->ctx, DOF_ERR_LIMIT, NULL,
                     "union diff: a path longer than %u bytes is skipped",
                     DOF_CAP_PATH_BYTES);
            continue;
        }
        if (o == NULL) {
            *count += emit(w, DOF_CHANGE_ADD, c, NULL, NULL, 0);
            added = 1;
        }
        else if (stat_different(&o->st, &c->st) || cap_different(w, o, c)) {
            *count += emit(w, DOF_CHANGE_MODIFY, c, NULL, NULL, 0);
            added = 1;
        }
        if (isdir) {
            const dof_umerged *osub = o && o->st.type == DOF_FT_DIR ? o : NULL;
            size_t keep = w->path.len;
            rc = diff_dir(w, c, osub, &sub);
            if (rc != DOF_OK)
                goto done;
            w->path.len = keep;
            w->path.data[keep] = '\0';
            *count += sub;
            if (sub && !added)
                *count += emit(w, DOF_CHANGE_MODIFY, c, NULL, NULL, 0);
        }
    }
    for (size_t i = 0; i < on && !w->stop; i++) {
        dof_stat wh;
        int has_wh;
        if (oseen[i])
            continue;
        w->path.len = base;
        dof_buf_putc(&w->path, '/');
        dof_buf_append(&w->path, ov[i].name, ov[i].len);
        if (w->path.oom) {
            rc = dof_set_error(w->u->ctx, DOF_ERR_NOMEM, "out of memory");
            goto done;
        }
        has_wh = find_whiteout(w, ndir, ov[i].name, ov[i].len, &wh);
        *count += emit(w, DOF_CHANGE_DELETE, &ov[i], ndir, has_wh ? &wh : NULL,
                       !has_wh && (ndir->flags & DOF_UENT_OPAQUE));
    }
done:
    w->path.len = base;
    if (w->path.data)
        w->path.data[base] = '\0';
    free(oseen);
    dof_arena_free(a);
    return rc;
}

int
dof_union_diff_views(dof_union *u, dof_change_fn fn, void *arg)
{
    dwalk w;
    dof_arena *a = NULL;
    dof_umerged nroot, oroot;
    size_t count;
    int rc;

    if (u == NULL || fn == NULL)
        return DOF_ERR_ARG;
    if (u->nlayers == 0)
        return dof_set_error(u->ctx, DOF_ERR_ARG, "an empty union");
    memset(&w, 0, sizeof(w));
    w.u = u;
    w.top = u->layers[0];
    w.fn = fn;
    w.arg = arg;
    dof_buf_init(&w.path);
    a = dof_arena_new();
    if (a == NULL)
        return dof_set_error(u->ctx, DOF_ERR_NOMEM, "out of memory");
    rc = dof_union_root_stack(u, a, 0, &nroot);
    if (rc == DOF_OK)
        rc = dof_union_root_stack(u, a, 1, &oroot);
    if (rc == DOF_OK)
        rc = diff_dir(&w, &nroot, &oroot, &count);
    dof_buf_free(&w.path);
    dof_arena_free(a);
    return rc;
}
