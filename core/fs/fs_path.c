/*
 * fs_path.c - by-path helpers over dof_fs for the layers above fs/:
 * is-a-directory, exists, read a whole file, read a small text file,
 * list a directory.
 */
#include "fs/fs_path.h"

#include <stdlib.h>

int
dof_fs_path_is_dir(dof_fs *fs, const char *path)
{
    dof_node n;
    dof_stat st;
    if (path == NULL || dof_fs_resolve(fs, path, 1, &n) != DOF_OK)
        return 0;
    if (dof_fs_stat(fs, n, &st) != DOF_OK)
        return 0;
    return st.type == DOF_FT_DIR;
}

int
dof_fs_path_exists(dof_fs *fs, const char *path)
{
    dof_node n;
    return path != NULL && dof_fs_resolve(fs, path, 0, &n) == DOF_OK;
}

int
dof_fs_path_read(dof_fs *fs, const char *path, size_t cap, char **out,
                 size_t *len, uint64_t *ino)
{
    dof_node n;
    dof_stat st;
    int rc;

    *out = NULL;
    *len = 0;
    if (path == NULL)
        return DOF_ERR_NOMEM;
    rc = dof_fs_resolve(fs, path, 1, &n);
    if (rc != DOF_OK)
        return rc;
    rc = dof_fs_stat(fs, n, &st);
    if (rc != DOF_OK)
        return rc;
    if (ino)
        *ino = st.ino;
    if (st.type != DOF_FT_REG)
        return st.type == DOF_FT_DIR ? DOF_ERR_FORMAT : DOF_ERR_NOTFOUND;
    return dof_fs_read_all(fs, n, cap, out, len);
}

char *
dof_fs_path_read_text(dof_fs *fs, const char *path, int *st)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = dof_fs_path_read(fs, path, DOF_CAP_SMALL_FILE, &buf, &len, NULL);

    if (st)
        *st = rc;
    if (rc != DOF_OK)
        return NULL;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
                       buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        buf[--len] = '\0';
    return buf;
}

char *
dof_fs_path_read_small(dof_fs *fs, dof_arena *a, const char *path, int *st)
{
    char *buf = dof_fs_path_read_text(fs, path, st);
    char *r;

    if (buf == NULL)
        return NULL;
    r = dof_arena_strdup(a, buf);
    free(buf);
    if (r == NULL && st)
        *st = DOF_ERR_NOMEM;
    return r;
}

typedef struct list_acc {
    dof_arena *a;
    const char **v;
    size_t n;
    int rc;
} list_acc;

static int
list_cb(void *arg, const dof_dirent *de)
{
    list_acc *l = arg;
    if (de->deleted)
        return 0;
    if (l->n >= DOF_CAP_DIR_ENTRIES) {
        l->rc = DOF_ERR_LIMIT;
        return 1;
    }
    if (dof_arena_push_str(l->a, &l->v, &l->n,
                           dof_arena_strndup(l->a, de->name, de->name_len)) !=
        DOF_OK) {
        l->rc = DOF_ERR_NOMEM;
        return 1;
    }
    return 0;
}

int
dof_fs_path_list(dof_fs *fs, dof_arena *a, const char *path,
                 const char ***names, size_t *n)
{
    list_acc l = {a, NULL, 0, DOF_OK};
    dof_node d;
    int rc;

    *names = NULL;
    *n = 0;
    if (path == NULL)
        return DOF_ERR_NOMEM;
    rc = dof_fs_resolve(fs, path, 1, &d);
    if (rc != DOF_OK)
        return rc;
    rc = dof_fs_readdir(fs, d, 0, list_cb, &l);
    if (rc == DOF_OK)
        rc = l.rc;
    dof_strv_sort(l.v, l.n);
    *names = l.v;
    *n = l.n;
    return rc;
}
