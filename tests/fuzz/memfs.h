/*
 * memfs.h - a small in-memory tree served as a dof_fs (the fs backend
 * vtable of core/fs_private.h), for the fuzz targets that need a whole
 * Docker data root without an image: fuzz_dataroot.
 *
 * The tree is described by a text archive (memfs_load):
 *
 *   record "\n--\n" record "\n--\n" ...
 *   record = TYPE ' ' PATH '\n' CONTENT
 *
 * TYPE: 'f' regular file (CONTENT its bytes), 'd' directory, 'l' symlink
 * (CONTENT the target), 'c' character device (CONTENT "MAJ:MIN", an
 * overlay whiteout is "0:0"), 'x' an extended attribute of PATH (CONTENT
 * "NAME=VALUE").  PATH is relative to the root, '/'-separated; missing
 * parents are made directories; a later record for the same path
 * replaces the earlier one.  Everything is bounded: at most MEMFS_MAX_NODES
 * nodes, MEMFS_MAX_DEPTH components, names of at most 255 bytes.
 */
#ifndef DOF_FUZZ_MEMFS_H
#define DOF_FUZZ_MEMFS_H

#include "fs/fs_private.h"

#define MEMFS_MAX_NODES 4096
#define MEMFS_MAX_DEPTH 48
#define MEMFS_MAX_XATTRS 256

/* Build a dof_fs from the archive (data is copied).  Malformed records
 * are skipped; NULL only when out of memory. */
dof_fs *memfs_load(dof_ctx *ctx, const uint8_t *data, size_t size);

#endif /* DOF_FUZZ_MEMFS_H */
