/*
 * fs_path.h - by-path helpers over the public dof_fs interface, for the
 * layers above fs/ (engines, view, logs).  Each resolves the path once
 * through the directory cache.  No TSK here (not installed).
 */
#ifndef DOF_FS_PATH_H
#define DOF_FS_PATH_H

#include "base/base_private.h"

/* 1 if path is a directory on fs. */
int dof_fs_path_is_dir(dof_fs *fs, const char *path);
int dof_fs_path_exists(dof_fs *fs, const char *path);
/* Whole file (malloc'd); ino may be NULL.  Status as dof_fs_read_all. */
int dof_fs_path_read(dof_fs *fs, const char *path, size_t cap, char **out,
                     size_t *len, uint64_t *ino);
/* Small text file (at most DOF_CAP_SMALL_FILE) with trailing whitespace
 * removed, malloc'd; NULL if absent or unreadable (*st gets the status
 * when st != NULL). */
char *dof_fs_path_read_text(dof_fs *fs, const char *path, int *st);
/* The same, in the arena; NULL
 * if absent or unreadable (*st gets the status when st != NULL). */
char *dof_fs_path_read_small(dof_fs *fs, dof_arena *a, const char *path,
                             int *st);
/* Names in a directory (allocated entries only), sorted; *n = 0 and
 * DOF_ERR_NOTFOUND if the directory is absent. */
int dof_fs_path_list(dof_fs *fs, dof_arena *a, const char *path,
                     const char ***names, size_t *n);

#endif /* DOF_FS_PATH_H */
