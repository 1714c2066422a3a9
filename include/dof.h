/*
 * dof.h - Docker forensics for The Sleuth Kit: the whole public API.
 *
 * Layers (see doc/architecture.md): evidence -> fs -> engine model (docker)
 * -> report -> case database (plugin) -> front ends.  Front ends and
 * bindings use nothing but this header.
 *
 * Conventions
 * - Every function that can fail returns an int status: DOF_OK (0) or a
 *   negative dof_status.  The message is on the dof_ctx (dof_errmsg()).
 * - Constructors write *out and leave it NULL on failure; destructors
 *   accept NULL.
 * - Getters return pointers owned by the object they came from, valid
 *   until that object is closed.  Record structs (dof_container, dof_image,
 *   ...) are read-only values owned by their dof_host.
 * - Times are int64 nanoseconds since the epoch, UTC; DOF_TIME_NONE means
 *   "never" / absent (Docker's 0001-01-01T00:00:00Z).
 * - Names from the evidence are bytes.  Strings in records are NUL
 *   terminated copies of the raw bytes; encode them with
 *   dof_name_encode() before printing.
 * - Options structs are filled by their dof_*_opts_init() first, then
 *   changed field by field, so that fields added later get their
 *   defaults.
 *
 * Memory
 * - Every result the library allocates for the caller (strings from
 *   dof_name_encode, dof_fs_read_all, dof_fs_readlink, dof_fs_getxattr,
 *   dof_container_read_config, dof_image_read_config, dof_bodyfile_line,
 *   dof_report_provenance_json, dof_case_evidence_status) is released
 *   with dof_free().  Handles are released by their own _close/_free.
 *
 * Threads
 * - The library keeps no global state of its own (TSK's and libewf's
 *   are theirs).  A dof_ctx and everything opened with it (evidence,
 *   filesystems, hosts, views, logs, cases) belong to one thread at a
 *   time: use one ctx per thread.  Records (dof_container, ...) are
 *   read-only and may be read from several threads while their dof_host
 *   is open and not used for anything else; a dof_fs is not safe to
 *   share (its directory cache and TSK's are not locked).  Separate
 *   processes (dof_case_batch) are how dof itself runs in parallel.
 */
#ifndef DOF_H
#define DOF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DOF_API __attribute__((visibility("default")))
#define DOF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DOF_API
#define DOF_PRINTF(a, b)
#endif

/* The version of this header.  DOF_VERSION_NUMBER is
 * major * 1000000 + minor * 1000 + patch. */
#define DOF_VERSION "0.1.0"
#define DOF_VERSION_MAJOR 0
#define DOF_VERSION_MINOR 1
#define DOF_VERSION_PATCH 0
#define DOF_VERSION_NUMBER                                                    \
    (DOF_VERSION_MAJOR * 1000000 + DOF_VERSION_MINOR * 1000 +                 \
     DOF_VERSION_PATCH)

/* The version of the library linked in (may differ from the header's). */
DOF_API const char *dof_libversion(void);
DOF_API int dof_libversion_number(void);
/* 1 if a program built with the header of version header_number can use
 * the library linked in: same major version, and a library at least as
 * new.  Call as dof_version_check(DOF_VERSION_NUMBER) at start-up. */
DOF_API int dof_version_check(int header_number);
/* Release a result the library allocated for the caller (see Memory
 * above).  NULL is allowed. */
DOF_API void dof_free(void *p);

/* ------------------------------------------------------------------ */
/* Status codes: append-only, never renumbered.                        */
/* ------------------------------------------------------------------ */
typedef enum dof_status {
    DOF_OK = 0,
    DOF_ERR_NOMEM = -1,       /* out of memory */
    DOF_ERR_ARG = -2,         /* bad argument (caller's fault) */
    DOF_ERR_IO = -3,          /* a read of the evidence failed */
    DOF_ERR_FORMAT = -4,      /* malformed or damaged on-disk data */
    DOF_ERR_UNSUPPORTED = -5, /* recognised but not supported (qcow2, XFS) */
    DOF_ERR_NOTFOUND = -6,    /* no such path, container, image, xattr */
    DOF_ERR_AMBIGUOUS = -7,   /* an ID prefix matches several objects */
    DOF_ERR_LIMIT = -8,       /* a documented safety cap was exceeded */
    DOF_ERR_LOOP = -9,        /* a cycle (symlinks, layer parents) */
    DOF_ERR_NODATA = -10,     /* no container data found */
    DOF_ERR_DB = -11,         /* case database error */
    DOF_ERR_EVIDENCE = -12,   /* evidence cannot be opened at all */
} dof_status;

/* Process exit codes, the same for every command (man page, README). */
enum {
    DOF_EXIT_OK = 0,       /* done */
    DOF_EXIT_WARNINGS = 1, /* done, with warnings */
    DOF_EXIT_USAGE = 2,    /* usage error */
    DOF_EXIT_EVIDENCE = 3, /* evidence unreadable */
    DOF_EXIT_NODATA = 4,   /* no container data found */
    DOF_EXIT_NOTFOUND = 5, /* named container/image/path absent or ambiguous */
    DOF_EXIT_DB = 6,       /* case database error */
    DOF_EXIT_BATCH = 7     /* batch finished with failed items */
};

/* Safety caps on what is read from evidence (doc/robustness.md). */
#define DOF_CAP_JSON_BYTES (32u * 1024u * 1024u) /* one JSON file */
#define DOF_CAP_SMALL_FILE (1u * 1024u * 1024u)  /* ids, links, parents */
#define DOF_CAP_LAYER_DEPTH 4096                 /* layer chain length */
#define DOF_CAP_SYMLINK_HOPS 40                  /* symlinks per lookup */
#define DOF_CAP_PATH_BYTES (64u * 1024u)         /* one resolved path */
#define DOF_CAP_DIR_ENTRIES 10000000u            /* entries of one dir */
#define DOF_CAP_NAME_BYTES 4096u                 /* one name component */

/* ------------------------------------------------------------------ */
/* Context: errors and warnings                                       */
/* ------------------------------------------------------------------ */
typedef struct dof_ctx dof_ctx;

/* A warning: a damaged or unsupported item that did not stop the run. */
typedef struct dof_warning {
    int code;            /* dof_status of the cause */
    const char *path;    /* file on the evidence it concerns, or NULL */
    const char *message; /* human readable, names the reason */
} dof_warning;

typedef void (*dof_warning_fn)(void *arg, const dof_warning *w);

DOF_API dof_ctx *dof_ctx_new(void);
DOF_API void dof_ctx_free(dof_ctx *ctx);
/* Last error message ("" if none) and code. */
DOF_API const char *dof_errmsg(const dof_ctx *ctx);
DOF_API int dof_errcode(const dof_ctx *ctx);
/* Set the error; returns code so callers can `return dof_set_error(..)`. */
DOF_API int dof_set_error(dof_ctx *ctx, int code, const char *fmt, ...)
    DOF_PRINTF(3, 4);
DOF_API void dof_clear_error(dof_ctx *ctx);
/* Record a warning (copied).  path may be NULL. */
DOF_API void dof_warn(dof_ctx *ctx, int code, const char *path,
                      const char *fmt, ...) DOF_PRINTF(4, 5);
DOF_API size_t dof_warning_count(const dof_ctx *ctx);
DOF_API const dof_warning *dof_warning_get(const dof_ctx *ctx, size_t i);
/* Called for each new warning as it is recorded (e.g. print to stderr). */
DOF_API void dof_ctx_set_warning_fn(dof_ctx *ctx, dof_warning_fn fn,
                                    void *arg);
DOF_API const char *dof_status_name(int code);
/* Map a status to the process exit code documented above. */
DOF_API int dof_status_exit_code(int code);

/* ------------------------------------------------------------------ */
/* Time                                                               */
/* ------------------------------------------------------------------ */
#define DOF_TIME_NONE INT64_MIN

/* Parse RFC 3339 (Go's RFC3339Nano, any offset, 'Z').  Year 0001 (Go's
 * zero time) gives DOF_TIME_NONE.  Returns DOF_ERR_FORMAT on bad text. */
DOF_API int dof_time_parse(const char *s, size_t len, int64_t *ns);
/* Format as "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (buf >= 32 bytes).  Returns
 * the length; DOF_TIME_NONE formats as "" (length 0). */
DOF_API size_t dof_time_format(int64_t ns, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */
/* Lossless, printable encoding of raw name bytes: valid UTF-8 passes
 * through, a backslash becomes "\\\\", any other byte (invalid UTF-8,
 * and control bytes < 0x20 and 0x7f) becomes "\xNN".  Extra bytes in
 * `also` (e.g. "|") are escaped as \xNN too.  Returns a malloc'd string
 * or NULL on out of memory. */
DOF_API char *dof_name_encode(const char *raw, size_t len, const char *also);

/* ------------------------------------------------------------------ */
/* Evidence: images, volumes                                          */
/* ------------------------------------------------------------------ */
typedef struct dof_evidence dof_evidence;
typedef struct dof_fs dof_fs;

/* An LVM2 logical volume's segment (dof_lvm_volume.segments). */
typedef struct dof_lvm_segment {
    uint64_t start_extent, extent_count; /* in the LV */
    const char *type; /* as in the metadata: "striped", "mirror", "raid1",
                         "thin", "snapshot", ... */
    uint64_t stripes; /* stripe count (1: linear) */
    const char *pv;   /* first stripe's PV as the metadata names it
                         ("pv0"), or NULL */
    const char *pv_address;   /* the partition holding it, NULL if missing */
    uint64_t pv_start_extent; /* first extent on that PV */
    uint64_t offset_bytes;    /* byte offset of that extent in the image,
                                 0 if unknown */
} dof_lvm_segment;

/* What an LVM2 logical volume is (dof_partition.lvm). */
typedef struct dof_lvm_volume {
    const char *vg, *vg_id;
    const char *lv, *lv_id;
    /* "linear" (read), or what it is and dof does not read: "striped",
     * "mirror", "raid1", "thin", "thin-pool", "cache", "snapshot",
     * "hidden", "missing-pv", ... */
    const char *type;
    int readable;
    uint64_t extent_size_bytes;
    uint64_t seqno; /* of the VG metadata read (the newest valid one) */
    /* older metadata texts still in the PVs' ring buffers, newest first */
    const uint64_t *older_seqnos;
    size_t nolder_seqnos;
    const dof_lvm_segment *segments;
    size_t nsegments;
} dof_lvm_volume;

/* One partition of the evidence: a partition-table entry, or the whole
 * image when there is no partition table, or the directory of a
 * directory evidence.  ("Volume" in dof's own words means an engine's
 * volume, dof_docker_volume; the JSON keeps status.evidence.volumes[].) */
typedef struct dof_partition {
    unsigned index; /* 0-based among the partitions listed */
    /* Where it is, as the user names it (--volume, text, JSON, case
     * database): "p2" for the 2nd partition as Linux numbers it
     * (/dev/sda2; DOS logical partitions from p5), "0" for a bare
     * filesystem at the start of the image or at -o SECTORS, "dir" for a
     * directory evidence, "p2/lvm:vg/lv" for LVM2 logical volume lv of
     * volume group vg (p2: the PV partition holding its first extent). */
    const char *address;
    uint64_t offset_bytes; /* byte offset in the image */
    uint64_t length_bytes; /* 0 if unknown */
    const char *desc;      /* partition name / description, or "" */
    const char *signature; /* "ext4", "xfs", "lvm2", "luks", "btrfs",
                              "swap", "dir", "unknown" */
    const char *note;      /* why it is not readable, or NULL */
    dof_fs *fs;            /* opened filesystem, or NULL */
    /* An LVM2 logical volume: what it is (offset_bytes is then its first
     * extent's, length_bytes its size); NULL for other volumes. */
    const dof_lvm_volume *lvm;
} dof_partition;

/* How to open evidence (dof_evidence_opts_init() first). */
typedef struct dof_evidence_opts {
    /* >= 0: no partition detection; one filesystem at this offset in
     * 512-byte sectors (TSK's -o), address "0".  -1 (default): detect. */
    int64_t offset_sectors;
    /* Only the partition with this address ("p2", "0"); the others are
     * neither listed nor opened.  NULL (default): every partition.  An
     * address the evidence does not have is DOF_ERR_ARG, and the message
     * lists the addresses it has. */
    const char *volume;
    /* qcow2 overlays: the backing file to use instead of the one the
     * header names (found next to the image).  NULL (default): the
     * header's.  DOF_ERR_ARG on evidence that has no backing file. */
    const char *backing;
    /* qcow2: read this internal snapshot (name or id) instead of the
     * active state.  DOF_ERR_ARG if the image has no such snapshot (the
     * message lists them) or is not qcow2. */
    const char *snapshot;
} dof_evidence_opts;

/* offset_sectors = -1, volume = NULL, backing = NULL, snapshot = NULL. */
DOF_API void dof_evidence_opts_init(dof_evidence_opts *o);
/* Open one evidence item read-only: an image file (first segment of
 * split/E01), or a directory (a mounted or extracted host root).
 * opts may be NULL (the defaults). */
DOF_API int dof_evidence_open_opts(dof_ctx *ctx, const char *path,
                                   const dof_evidence_opts *opts,
                                   dof_evidence **out);
/* dof_evidence_open_opts with offset_sectors as given (-1: detect). */
DOF_API int dof_evidence_open(dof_ctx *ctx, const char *path,
                              int64_t offset_sectors, dof_evidence **out);
DOF_API void dof_evidence_close(dof_evidence *ev);
DOF_API const char *dof_evidence_path(const dof_evidence *ev);
/* "raw", "split", "ewf", "vmdk", "vhd", "qcow2", "dir" ... */
DOF_API const char *dof_evidence_format(const dof_evidence *ev);
/* "gpt", "dos", "none", "dir" */
DOF_API const char *dof_evidence_vs_type(const dof_evidence *ev);
DOF_API uint64_t dof_evidence_size(const dof_evidence *ev);
DOF_API size_t dof_evidence_partition_count(const dof_evidence *ev);
DOF_API const dof_partition *dof_evidence_partition(const dof_evidence *ev,
                                                    size_t i);
/* The partition with this address, or NULL. */
DOF_API const dof_partition *
dof_evidence_partition_find(const dof_evidence *ev, const char *address);
/* Hashes stored in an E01 header (hex), or NULL. */
DOF_API const char *dof_evidence_stored_md5(const dof_evidence *ev);
DOF_API const char *dof_evidence_stored_sha1(const dof_evidence *ev);
/* One internal snapshot of a qcow2 image (as qemu-img snapshot -l). */
typedef struct dof_qcow2_snapshot {
    const char *id;
    const char *name;
    int64_t date;           /* ns UTC */
    uint64_t vm_clock_ns;   /* guest run time when it was taken */
    uint64_t vm_state_size; /* bytes of saved VM state ("VM SIZE") */
    uint64_t disk_size;     /* virtual disk bytes then, 0 if not recorded */
} dof_qcow2_snapshot;

/* One file of a qcow2 backing chain. */
typedef struct dof_qcow2_backing {
    const char *name;   /* as the overlay's header names it */
    const char *path;   /* the file opened */
    const char *format; /* "qcow2" or "raw" */
} dof_qcow2_backing;

/* What a qcow2 evidence holds (dof_evidence_format() "qcow2"). */
typedef struct dof_qcow2_info {
    unsigned version;      /* 2 or 3 */
    uint64_t cluster_size; /* bytes */
    uint64_t virtual_size; /* of the state read */
    int dirty;             /* QEMU's "dirty" bit (refcounts not needed) */
    int corrupt;           /* QEMU marked it corrupt (a warning too) */
    int extended_l2;       /* subclusters */
    const char *snapshot;  /* name of the snapshot read; NULL: active */
    const dof_qcow2_snapshot *snapshots;
    size_t nsnapshots;
    const dof_qcow2_backing *backing; /* the chain, nearest first */
    size_t nbacking;
    /* clusters of the state read (this file only; counted when asked
     * for, counted = 0 if the L2 tables could not all be read) */
    int counted;
    uint64_t clusters_allocated, clusters_compressed, clusters_zero,
        clusters_unallocated;
} dof_qcow2_info;

/* The qcow2 details of ev, or NULL when ev is not a qcow2 image.  The
 * first call counts the clusters (reads every L2 table once). */
DOF_API const dof_qcow2_info *dof_evidence_qcow2(const dof_evidence *ev);

/* Open a raw disk or filesystem image held in memory (buf is borrowed:
 * it must stay valid and unchanged until dof_evidence_close), read through
 * TSK like a raw image file; name stands for the path in messages and
 * dof_evidence_path().  Volumes as dof_evidence_open; format "mem".
 * Used by the mutation tests (tests/robust) and by callers that already
 * hold the bytes. */
DOF_API int dof_evidence_open_mem(dof_ctx *ctx, const char *name,
                                  const void *buf, uint64_t len,
                                  int64_t offset_sectors, dof_evidence **out);

/* ------------------------------------------------------------------ */
/* Filesystem: one small interface over ext2/3/4 (TSK) and directories */
/* ------------------------------------------------------------------ */

/* A node handle within one dof_fs: the inode number on ext; an opaque id
 * on directory backends.  The real inode number is dof_stat.ino. */
typedef uint64_t dof_node;
#define DOF_NODE_NONE ((dof_node)0)

typedef enum dof_ftype {
    DOF_FT_UNKNOWN = 0,
    DOF_FT_REG,
    DOF_FT_DIR,
    DOF_FT_LNK,
    DOF_FT_CHR,
    DOF_FT_BLK,
    DOF_FT_FIFO,
    DOF_FT_SOCK
} dof_ftype;

/* "file", "dir", "symlink", "char", "block", "fifo", "socket", "unknown". */
DOF_API const char *dof_ftype_name(dof_ftype t);

typedef struct dof_stat {
    uint64_t ino; /* real inode number */
    dof_ftype type;
    uint32_t mode; /* permission bits incl. setuid/setgid/sticky */
    uint32_t uid, gid;
    uint64_t size;
    uint32_t nlink;
    uint32_t rdev_major, rdev_minor;     /* device nodes */
    int64_t atime, mtime, ctime, crtime; /* ns; DOF_TIME_NONE if absent */
    int allocated; /* 0 for an unallocated (deleted) inode */
} dof_stat;

typedef struct dof_dirent {
    const char *name; /* raw bytes, NUL terminated, may contain any byte */
    size_t name_len;
    dof_node node;
    dof_ftype type; /* from the directory entry; may be UNKNOWN */
    int deleted;    /* an unallocated name (DOF_FS_READDIR_DELETED) */
} dof_dirent;

#define DOF_FS_READDIR_DELETED 0x1u /* also list deleted names */

/* Return nonzero to stop the walk (dof_fs_readdir then returns DOF_OK). */
typedef int (*dof_fs_dirent_fn)(void *arg, const dof_dirent *de);
typedef int (*dof_fs_xattr_fn)(void *arg, const char *name, const void *value,
                               size_t len);

DOF_API const char *dof_fs_type_name(const dof_fs *fs); /* "ext4", "dir" */
DOF_API dof_node dof_fs_root(const dof_fs *fs);
DOF_API uint64_t dof_fs_volume_offset(const dof_fs *fs);
/* ext4 superblock INCOMPAT_RECOVER: the journal holds transactions that
 * never reached their home blocks (TSK does not replay them). */
DOF_API int dof_fs_needs_recovery(const dof_fs *fs);
/* Bytes the filesystem spans (blocks x block size); 0 if unknown (a
 * host directory).  No regular file that is not sparse can be larger:
 * a size above it is a damaged inode. */
DOF_API uint64_t dof_fs_size_bytes(const dof_fs *fs);
/* 1 if trusted.* xattrs can be read (always on ext; root on dir). */
DOF_API int dof_fs_can_read_trusted_xattrs(const dof_fs *fs);

/* One component (no '/') in a directory; "." and ".." allowed.
 * DOF_ERR_NOTFOUND if absent. */
DOF_API int dof_fs_lookup(dof_fs *fs, dof_node dir, const char *name,
                          size_t len, dof_node *out);
/* Absolute path from the fs root.  Symlinks in intermediate components
 * are followed inside this fs (absolute targets from its root), at most
 * DOF_CAP_SYMLINK_HOPS; the last one only if follow_last. */
DOF_API int dof_fs_resolve(dof_fs *fs, const char *path, int follow_last,
                           dof_node *out);
DOF_API int dof_fs_stat(dof_fs *fs, dof_node node, dof_stat *st);
/* Entries in on-disk order, without "." and "..". */
DOF_API int dof_fs_readdir(dof_fs *fs, dof_node dir, unsigned flags,
                           dof_fs_dirent_fn fn, void *arg);
/* Read up to len bytes at off; *got = bytes read (0 at EOF). */
DOF_API int dof_fs_read(dof_fs *fs, dof_node node, uint64_t off, void *buf,
                        size_t len, size_t *got);
/* Whole file into a malloc'd buffer (NUL terminated, *len excludes it);
 * a file larger than cap gives DOF_ERR_LIMIT and nothing is read. */
DOF_API int dof_fs_read_all(dof_fs *fs, dof_node node, size_t cap, char **out,
                            size_t *len);
/* Symlink target, malloc'd (long ext4 targets included). */
DOF_API int dof_fs_readlink(dof_fs *fs, dof_node node, char **out);
/* One xattr by full name ("trusted.overlay.opaque"): malloc'd value.
 * DOF_ERR_NOTFOUND if absent, DOF_ERR_UNSUPPORTED if it cannot be read. */
DOF_API int dof_fs_getxattr(dof_fs *fs, dof_node node, const char *name,
                            char **value, size_t *len);
DOF_API int dof_fs_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn,
                             void *arg);
/* 1 if node carries overlayfs' opaque marker: trusted.overlay.opaque or
 * (rootless, userxattr) user.overlay.opaque set to "y", as the kernel
 * reads it. */
DOF_API int dof_fs_overlay_opaque(dof_fs *fs, dof_node node);

/* ------------------------------------------------------------------ */
/* Engine model: Docker data roots, containers, images, volumes, nets */
/* ------------------------------------------------------------------ */
typedef struct dof_host dof_host;

typedef struct dof_kv {
    const char *key;
    const char *value;
} dof_kv;

typedef enum dof_state {
    DOF_STATE_UNKNOWN = 0,
    DOF_STATE_CREATED,
    DOF_STATE_RUNNING,
    DOF_STATE_PAUSED,
    DOF_STATE_RESTARTING,
    DOF_STATE_REMOVING,
    DOF_STATE_EXITED,
    DOF_STATE_DEAD,
    DOF_STATE_STOPPED /* Podman/CRI "stopped" */
} dof_state;

typedef struct dof_mount {
    const char *type;   /* bind, volume, tmpfs, npipe */
    const char *source; /* host path; a volume's _data path */
    const char *destination;
    const char *name;        /* volume name, or NULL */
    const char *driver;      /* volume driver, or NULL */
    const char *mode;        /* e.g. "ro,Z", or NULL */
    const char *propagation; /* or NULL */
    int rw;
} dof_mount;

typedef struct dof_port {
    const char *container_port; /* "80/tcp" */
    const char *host_ip;        /* "" for any */
    const char *host_port;      /* "8080" */
} dof_port;

typedef struct dof_endpoint {
    const char *network; /* network name */
    const char *network_id;
    const char *endpoint_id;
    const char *ip_address;
    const char *mac_address;
    const char *gateway;
    const char *name; /* endpoint name (the container's name) in network
                         records (local-kv.db), or NULL */
} dof_endpoint;

typedef struct dof_health_probe {
    int64_t start, end;
    int exit_code;
    const char *output;
} dof_health_probe;

typedef struct dof_store dof_store;

/* The Kubernetes pod a container belongs to (CRI labels / sandbox). */
typedef struct dof_pod {
    const char *name, *namespace_name, *uid;
    const char *sandbox_id; /* the pod sandbox (pause) container */
} dof_pod;

typedef struct dof_container {
    const dof_store *store;
    const char *engine;         /* = store->engine */
    const char *id;             /* 64 hex */
    const char *name;           /* without the leading '/' */
    const char *namespace_name; /* containerd namespace, or NULL */
    const dof_pod *pod;         /* NULL when not in a pod */
    const char *sandbox_id;     /* CRI: the sandbox it runs in, or NULL */
    const char *rootless_user;  /* = store->rootless_user */
    const char *image;          /* Config.Image, as typed */
    const char *image_id;       /* "sha256:..." */
    dof_state state;            /* normalised (dof_state_name) */
    const char *state_raw;      /* the engine's own word, or NULL */
    int exit_code;
    int pid;
    int oom_killed;
    const char *error; /* State.Error or NULL */
    int64_t created, started_at, finished_at;
    const char *created_raw, *started_at_raw, *finished_at_raw;
    const char **command;
    size_t ncommand; /* Path + Args */
    const char **entrypoint;
    size_t nentrypoint; /* Config.Entrypoint */
    const char **cmd;
    size_t ncmd; /* Config.Cmd */
    const char **env;
    size_t nenv;
    dof_kv *labels;
    size_t nlabels;
    const char **exposed_ports;
    size_t nexposed_ports; /* Config */
    dof_port *port_bindings;
    size_t nport_bindings; /* hostconfig */
    dof_port *published_ports;
    size_t npublished_ports; /* NetworkSettings */
    dof_mount *mounts;
    size_t nmounts;
    dof_endpoint *endpoints;
    size_t nendpoints;
    const char *hostname, *domainname, *user, *working_dir;
    const char *driver;   /* storage driver of the container */
    int driver_supported; /* overlay2, overlay, aufs */
    const char *mount_id, *init_id, *layer_parent; /* layerdb/mounts */
    const char *upper_dir; /* absolute path on the data root's fs */
    const char *log_driver;
    dof_kv *log_opts;
    size_t nlog_opts;
    const char *log_path;
    const char *restart_policy;
    int restart_max_retries;
    int restart_count;
    int privileged, auto_remove, readonly_rootfs;
    const char **cap_add;
    size_t ncap_add;
    const char **cap_drop;
    size_t ncap_drop;
    const char **security_opt;
    size_t nsecurity_opt;
    const char **devices;
    size_t ndevices; /* PathOnHost:PathInContainer */
    const char *pid_mode, *network_mode, *ipc_mode, *uts_mode, *userns_mode;
    const char *apparmor_profile, *seccomp_profile;
    const char *health_status;
    int health_failing_streak;
    dof_health_probe *health_log;
    size_t nhealth_log;
    int has_been_started_before, has_been_manually_stopped;
    const char *hostname_path, *hosts_path, *resolv_conf_path;
    const char *dir;         /* containers/<id> path on the fs */
    const char *config_path; /* config.v2.json (or config.json) path */
    uint64_t config_ino;
    const char *hostconfig_path; /* NULL if missing */
    int legacy_v1;               /* pre-1.10 config.json */
    int damaged;                 /* parsed partially; see warnings */
} dof_container;

typedef struct dof_history {
    int64_t created;
    const char *created_raw;
    const char *created_by;
    const char *author;
    const char *comment;
    int empty_layer;
} dof_history;

typedef struct dof_layer {
    const char *diff_id;   /* sha256:... */
    const char *chain_id;  /* sha256:... */
    const char *cache_id;  /* driver directory name */
    const char *diff_path; /* e.g. /var/lib/docker/overlay2/<id>/diff */
    uint64_t size;         /* layerdb size, bytes */
    int present;           /* layerdb record found */
} dof_layer;

typedef struct dof_image {
    const dof_store *store;
    const char *engine;         /* = store->engine */
    const char *namespace_name; /* containerd namespace, or NULL */
    const char *rootless_user;  /* = store->rootless_user */
    const char *id;             /* "sha256:..." */
    const char **tags;
    size_t ntags; /* "repo:tag" */
    const char **digests;
    size_t ndigests; /* "repo@sha256:..." */
    int64_t created;
    const char *created_raw;
    int64_t last_updated;
    const char *last_updated_raw;
    const char *parent; /* "sha256:..." or NULL */
    const char *architecture, *os, *author, *docker_version, *comment;
    const char **cmd;
    size_t ncmd;
    const char **entrypoint;
    size_t nentrypoint;
    const char **env;
    size_t nenv;
    dof_kv *labels;
    size_t nlabels;
    const char **exposed_ports;
    size_t nexposed_ports;
    const char **volumes;
    size_t nvolumes;
    const char *user, *working_dir;
    dof_history *history;
    size_t nhistory;
    dof_layer *layers;
    size_t nlayers; /* base first */
    const char **containers;
    size_t ncontainers; /* container names */
    int id_verified;    /* sha256(config file) == id */
    const char *config_path;
    int damaged;
    /* untagged and the parent of another image of the store: a step the
     * classic builder kept, not an image someone left behind */
    int intermediate;
} dof_image;

typedef struct dof_docker_volume {
    const dof_store *store;
    const char *name;
    const char *driver;
    dof_kv *labels;
    size_t nlabels;
    dof_kv *options;
    size_t noptions;       /* type, device, o */
    const char *data_path; /* volumes/<name>/_data, or NULL */
    int64_t created;       /* birth of volumes/<name> (crtime), else its
                              mtime (the local driver's CreatedAt) */
    int in_metadata;       /* listed in volumes/metadata.db */
    int anonymous;         /* 64-hex name */
    const char *mount_type, *mount_opts, *mount_device; /* opts.json */
    const char **containers;
    size_t ncontainers; /* names using it */
} dof_docker_volume;

typedef struct dof_network {
    const dof_store *store;
    const char *id;
    const char *name;
    const char *driver;
    const char *scope;
    int internal, ipv6;
    int64_t created;
    const char *created_raw;
    const char **subnets;
    size_t nsubnets;
    const char **gateways;
    size_t ngateways;
    dof_endpoint *endpoints;
    size_t nendpoints;
    dof_kv *labels;
    size_t nlabels;
} dof_network;

/* Docker's own fields of a store (zero for other engines). */
typedef struct dof_docker_store {
    const char *engine_id; /* <root>/engine-id */
    int swarm_member;
    const char *swarm_node_id, *swarm_addr;
    /* Stores next to this data root that dof does not read (also in the
     * host's store list, read = 0), as "kind: path" */
    const char **other_stores;
    size_t nother_stores;
} dof_docker_store;

/* One container store found on the evidence: a Docker data root, a
 * containerd root, a Podman storage root, rootful or rootless.  Stores
 * an engine of this version cannot read are listed all the same, with
 * read = 0 and the reason, and no records. */
struct dof_store {
    const char *engine;         /* "docker", "containerd", "podman" */
    const char *engine_version; /* best source on the image, or NULL */
    /* where engine_version was read ("package database ...", "docker_version
     * of N images ..."), or NULL */
    const char *engine_version_source;
    const char *path; /* on its filesystem, e.g. /var/lib/docker */
    dof_fs *fs;
    const char *volume; /* address of its partition ("p2", "0", "dir") */
    unsigned volume_index;
    uint64_t volume_offset_bytes;
    const char *found_by;      /* "default", "daemon.json data-root", ... */
    const char *rootless_user; /* the user whose home holds it, or NULL */
    int read;                  /* 1: read by dof; 0: detected only */
    const char *reason;        /* why it is not read, or NULL */
    const char *driver;        /* storage driver / snapshotter */
    int journal_needs_recovery;
    dof_container *containers;
    size_t ncontainers;
    dof_image *images;
    size_t nimages;
    dof_docker_volume *volumes;
    size_t nvolumes;
    dof_network *networks;
    size_t nnetworks;
    /* The store's path as the engine saw it on the running host
     * (e.g. /srv/docker when it is a partition of its own, where `path`
     * is "/"): the prefix of every path the engine recorded. */
    const char *host_path;
    dof_docker_store docker; /* engine == "docker" */
};

/* Host side of one filesystem (daemon config, users, credentials). */
typedef struct dof_hostinfo {
    unsigned volume_index;
    uint64_t volume_offset_bytes;
    const char *daemon_json_path;  /* or NULL */
    const char *daemon_json;       /* its text, or NULL */
    const char *data_root_setting; /* data-root / graph, or NULL */
    const char *storage_driver_setting, *log_driver_setting;
    const char **api_tcp;
    size_t napi_tcp; /* "tcp://0.0.0.0:2375 (file)" */
    const char **docker_group;
    size_t ndocker_group;
    const char **credentials;
    size_t ncredentials; /* "user: registry" */
    const char **histories;
    size_t nhistories; /* shell history paths */
    const char **insecure_registries;
    size_t ninsecure_registries;
} dof_hostinfo;

typedef struct dof_host_opts {
    const char *docker_root; /* only this data root (path on the fs) */
    int show_secrets;        /* keep credential values */
    /* For commands about one container (bodyfiles, logs): model only the
     * containers this query (as dof_host_find_container) can match - IDs
     * it prefixes, configs whose "Name" it is - and no images, so that a
     * host of many containers opens in the time of one.  When no
     * container passes that quick check, every container is modelled. */
    const char *only_container;
} dof_host_opts;

/* Everything zero: every data root, no secrets, every container. */
DOF_API void dof_host_opts_init(dof_host_opts *o);

/* Find every container store on the evidence (each engine of the
 * registry probes every filesystem: Docker data roots, containerd roots,
 * Podman storage, rootful and rootless) and read those this version
 * reads (Docker).  A store that is found but not read is kept with
 * read = 0 and its reason, and is a warning.  Damaged items become
 * warnings on ctx.  DOF_ERR_NODATA if no store at all is found. */
DOF_API int dof_host_open(dof_ctx *ctx, dof_evidence *ev,
                          const dof_host_opts *opts, dof_host **out);
DOF_API void dof_host_close(dof_host *host);
DOF_API size_t dof_host_store_count(const dof_host *host);
DOF_API const dof_store *dof_host_store(const dof_host *host, size_t i);
DOF_API size_t dof_host_info_count(const dof_host *host);
DOF_API const dof_hostinfo *dof_host_info(const dof_host *host, size_t i);
/* "running", "exited", ... as `docker ps` would say it. */
DOF_API const char *dof_state_name(dof_state st);
/* By name (with or without '/'), full ID or unique ID prefix, across all
 * roots.  DOF_ERR_NOTFOUND / DOF_ERR_AMBIGUOUS (message lists the
 * candidates). */
DOF_API int dof_host_find_container(dof_ctx *ctx, const dof_host *host,
                                    const char *query,
                                    const dof_container **out);
/* By "repo:tag", "repo" (":latest"), "repo@digest", full or prefix ID
 * (with or without "sha256:"). */
DOF_API int dof_host_find_image(dof_ctx *ctx, const dof_host *host,
                                const char *query, const dof_image **out);
/* The image container c was made from, in c's store (by image ID), or
 * NULL when the store has no such image any more. */
DOF_API const dof_image *dof_container_image(const dof_container *c);
/* Resolve a path the engine recorded on the running host (a volume's
 * _data, HostnamePath, LogPath...) to a node on the store's filesystem:
 * a path under store->host_path is mapped below store->path, anything
 * else is looked up on the same filesystem as is. */
DOF_API int dof_store_resolve(const dof_store *store, const char *host_path,
                              int follow_last, dof_node *out);
/* The engine's JSON files as stored (malloc'd text). */
DOF_API int dof_container_read_config(dof_ctx *ctx, const dof_container *c,
                                      char **config, char **hostconfig);
DOF_API int dof_image_read_config(dof_ctx *ctx, const dof_image *img,
                                  char **config);

/* ------------------------------------------------------------------ */
/* Logs: a container's json-file / local-driver logs, streamed         */
/* ------------------------------------------------------------------ */
/* Files are found from dof_container.log_driver/log_path in c->dir on
 * the data root's fs: json-file <id>-json.log, local
 * local-logs/container.log, any other driver container-cached.log (the
 * local format).  Rotated siblings (.N, .N.gz; gzip is recognised by its
 * magic, not the name) are read oldest (highest N) first, then the
 * current file, so records come in docker's order.  Memory stays flat
 * however large the logs.  Caps: a json-file line 2 MiB (longer: warning,
 * skipped to the next newline); a local record 1 MiB + 4 KiB (a bad
 * length: warning, resynchronised by a plausible length pair within 4 MiB
 * on uncompressed files, else the file ends there); a reassembled message
 * 16 MiB; decompressed bytes per .gz: 64 GiB, and a bomb guard that stops
 * with a warning once more than 1 GiB AND more than 1000x the compressed
 * size have come out.  Damage is a warning on ctx; the run goes on. */
typedef struct dof_log dof_log;

#define DOF_LOG_STDOUT 0x1u
#define DOF_LOG_STDERR 0x2u
#define DOF_LOG_OTHER 0x4u /* records whose source is neither */

typedef enum dof_log_format {
    DOF_LOG_JSON_FILE = 1, /* json-file driver */
    DOF_LOG_LOCAL = 2      /* local driver / container-cached.log */
} dof_log_format;

typedef struct dof_log_opts {
    unsigned streams;     /* DOF_LOG_* mask; 0 = stdout|stderr */
    int reassemble;       /* join partial pieces into whole messages */
    int64_t since, until; /* inclusive ns bounds; DOF_TIME_NONE = open */
} dof_log_opts;

/* One record (or one reassembled message).  Pointers are valid until the
 * next dof_log_next() or dof_log_close(). */
typedef struct dof_log_record {
    int64_t time;            /* ns (of the first piece if reassembled) */
    unsigned stream;         /* DOF_LOG_STDOUT, _STDERR or _OTHER */
    const char *stream_name; /* as stored: "stdout", "stderr", ... */
    const char *message;     /* the bytes `docker logs` prints: json-file
                                "log" decoded; local line + '\n' unless a
                                non-final piece */
    size_t len;
    int partial; /* not the end of a message (no '\n' added);
                    set on a reassembled message only when it
                    was cut off (cap, end of the logs) */
    dof_log_format format;
    const char *source; /* the file on the evidence */
    uint64_t offset;    /* of the record in that file (of the
                           decompressed stream for .gz) */
    const char *raw;    /* the stored record: a json-file line without
                           its '\n', or the local protobuf payload;
                           NULL for a message joined from pieces */
    size_t raw_len;
    const char *time_raw; /* json-file "time" text; NULL for local */
    /* local driver partial metadata (has_meta 0 when absent) */
    int has_meta, meta_last;
    int32_t meta_ordinal;
    const char *meta_id; /* NUL terminated copy */
    /* reassembled: the time of every piece, in order (npieces >= 1) */
    const int64_t *pieces;
    size_t npieces;
} dof_log_record;

/* Defaults: both streams, no reassembly, no time bounds. */
DOF_API void dof_log_opts_init(dof_log_opts *o);
/* Open the logs of a container (opts may be NULL).  DOF_ERR_NODATA when
 * it has no log file on the evidence (never started; a driver that keeps
 * logs elsewhere: the message names it); DOF_ERR_NOTFOUND when its
 * directory is missing. */
DOF_API int dof_log_open(dof_ctx *ctx, const dof_container *c,
                         const dof_log_opts *opts, dof_log **out);
/* 1 with *rec set, 0 at the end, or a negative dof_status. */
DOF_API int dof_log_next(dof_log *log, const dof_log_record **rec);
DOF_API void dof_log_close(dof_log *log);
/* The files read, in reading order. */
DOF_API size_t dof_log_file_count(const dof_log *log);
DOF_API const char *dof_log_file_path(const dof_log *log, size_t i);

/* ------------------------------------------------------------------ */
/* Union view: a container's filesystem straight from the image        */
/* ------------------------------------------------------------------ */
/* The layers of a container stacked as the kernel would (container
 * layer, -init layer, image layers top to base; overlay2, legacy
 * overlay, aufs), resolved in-process: whiteouts, opaque directories,
 * overlay redirect/metacopy (reported as warnings), and optionally the
 * volumes, bind mounts and the container's hostname/hosts/resolv.conf
 * mapped at their destinations.  Directories are merged one at a time,
 * on demand.  Every entry names its source. */
typedef struct dof_union dof_union;

typedef enum dof_usrc_kind {
    DOF_USRC_LAYER = 0,      /* an image layer (index 0 = base) */
    DOF_USRC_INIT,           /* the container's -init layer */
    DOF_USRC_CONTAINER,      /* the container's writable layer */
    DOF_USRC_VOLUME,         /* a volume's _data */
    DOF_USRC_BIND,           /* a bind mount from the host */
    DOF_USRC_CONTAINER_FILE, /* hostname, hosts, resolv.conf */
    DOF_USRC_TMPFS,          /* tmpfs: nothing on disk */
    DOF_USRC_SYNTH           /* a directory leading to a mount point */
} dof_usrc_kind;

typedef struct dof_usource {
    dof_usrc_kind kind;
    int index;        /* image layer: 0 = base; -1 otherwise */
    const char *id;   /* cache id (layers), volume name, or NULL */
    const char *path; /* diff dir, _data, host path, file; or NULL */
    const char *dest; /* mounts: destination in the container */
    dof_fs *fs;       /* where the content is; NULL for tmpfs/synth */
} dof_usource;

/* "container", "init", "layer", "volume", "bind", "file", "tmpfs",
 * "synth". */
DOF_API const char *dof_usrc_kind_name(dof_usrc_kind k);

#define DOF_UENT_OPAQUE 0x01u   /* opaque dir: nothing merged below it */
#define DOF_UENT_REDIRECT 0x02u /* overlay redirect honoured */
#define DOF_UENT_METACOPY 0x04u /* metadata copy-up: data from below */
#define DOF_UENT_MOUNT 0x08u    /* a mount point (volume, bind, file) */
#define DOF_UENT_SYNTH 0x10u    /* made-up dir leading to a mount */

/* One entry of the merged view. */
typedef struct dof_uentry {
    const char *name; /* raw bytes ("" for "/"); see the calls */
    size_t name_len;
    dof_stat st;            /* of the winning node (zero for synth) */
    const dof_usource *src; /* the winning layer; owned by the union */
    dof_fs *fs;             /* the winning node */
    dof_node node;
    dof_fs *data_fs; /* where content is read (metacopy: lower) */
    dof_node data_node;
    unsigned flags;   /* DOF_UENT_* */
    unsigned nlayers; /* directories: how many layers merged */
} dof_uentry;

#define DOF_UNION_MOUNTS 0x1u /* map volumes, binds, container files */

typedef struct dof_union_opts {
    unsigned flags; /* DOF_UNION_* */
    /* Filesystems searched for bind-mount sources (every volume of the
     * evidence); NULL: the data roots' filesystems of the host. */
    dof_fs *const *host_fs;
    size_t nhost_fs;
} dof_union_opts;

/* Everything zero: no mounts, the host's filesystems for binds. */
DOF_API void dof_union_opts_init(dof_union_opts *o);

/* The container's view.  Layer order comes from the driver's own record
 * (overlay2 <mount-id>/lower, what the kernel mounted), cross-checked
 * against the layerdb chain (a disagreement is a warning).  opts may be
 * NULL (no mounts).  DOF_ERR_UNSUPPORTED for other storage drivers. */
DOF_API int dof_union_open(dof_ctx *ctx, const dof_host *host,
                           const dof_container *c, const dof_union_opts *opts,
                           dof_union **out);
/* An image's view (its layers only). */
DOF_API int dof_union_open_image(dof_ctx *ctx, const dof_host *host,
                                 const dof_image *img, dof_union **out);
DOF_API void dof_union_close(dof_union *u);
/* Layers top first, then mounts. */
DOF_API size_t dof_union_source_count(const dof_union *u);
DOF_API const dof_usource *dof_union_source(const dof_union *u, size_t i);
/* Look up an absolute path in the merged view.  Symlinks are followed
 * inside the view (at most DOF_CAP_SYMLINK_HOPS), the last one only if
 * follow_last.  out->name stays valid until the next call on u.
 * DOF_ERR_NOTFOUND if absent (or hidden by a whiteout). */
DOF_API int dof_union_lookup(dof_union *u, const char *path, int follow_last,
                             dof_uentry *out);
/* Return nonzero to stop. */
typedef int (*dof_uentry_fn)(void *arg, const dof_uentry *e);
/* The merged entries of one directory, sorted by name bytes; e is valid
 * during the call only. */
DOF_API int dof_union_readdir(dof_union *u, const char *path, dof_uentry_fn fn,
                              void *arg);
/* Content of a regular file entry (from its data node). */
DOF_API int dof_union_read(dof_union *u, const dof_uentry *e, uint64_t off,
                           void *buf, size_t len, size_t *got);
/* Symlink target of an entry, malloc'd. */
DOF_API int dof_union_readlink(dof_union *u, const dof_uentry *e, char **out);

/* What `docker diff` gives (moby's naive ChangesDirs on the container's
 * layer over its parent: container view vs. the -init + image view, no
 * mounts).  Kinds are Docker's numbers. */
typedef enum dof_change_kind {
    DOF_CHANGE_MODIFY = 0, /* C */
    DOF_CHANGE_ADD = 1,    /* A */
    DOF_CHANGE_DELETE = 2  /* D */
} dof_change_kind;

typedef struct dof_change {
    dof_change_kind kind;
    const char *path; /* raw bytes, absolute */
    size_t path_len;
    dof_uentry entry;    /* A/C: the container's; D: the deleted one */
    int has_whiteout;    /* D: a whiteout in the container layer */
    dof_stat whiteout;   /* its inode (shared on Linux >= 5.8) */
    int by_opaque;       /* D: hidden by an opaque directory */
    dof_stat parent_dir; /* D: the parent in the container view */
} dof_change;

/* Return nonzero to stop.  ch is valid during the call only. */
typedef int (*dof_change_fn)(void *arg, const dof_change *ch);
/* Changes in walk order (a directory before what is inside it). */
DOF_API int dof_union_diff(dof_ctx *ctx, const dof_host *host,
                           const dof_container *c, dof_change_fn fn,
                           void *arg);

/* ------------------------------------------------------------------ */
/* Case database (plugin/; schema in doc/schema.md)                   */
/* ------------------------------------------------------------------ */
/* An SQLite case database filled by ingest modules, one transaction per
 * evidence item.  Schema version in PRAGMA user_version and meta; an
 * older case is migrated on open, a newer one refused (DOF_ERR_DB, exit
 * 6). */
typedef struct dof_case dof_case;

#define DOF_CASE_SCHEMA_VERSION 4
#define DOF_CASE_CREATE 0x1u   /* create the file if missing */
#define DOF_CASE_READONLY 0x2u /* open read-only (no migration) */

/* Progress: stage (module name, "open", "commit"), done of total units
 * (total 0 = unknown). */
typedef void (*dof_progress_fn)(void *arg, const char *stage, uint64_t done,
                                uint64_t total);

typedef struct dof_ingest_opts {
    const char *modules;      /* comma separated names; NULL = all */
    int hash;                 /* compute md5/sha1 of the evidence (raw) */
    int hash_files;           /* sha256 of regular files in layers */
    int64_t offset_sectors;   /* -1: detect the volume system */
    const char *docker_root;  /* only this data root, or NULL */
    const char *command_line; /* provenance, or NULL */
    dof_progress_fn progress; /* or NULL */
    void *progress_arg;
    const char *backing;  /* qcow2: dof_evidence_opts.backing, or NULL */
    const char *snapshot; /* qcow2: dof_evidence_opts.snapshot, or NULL */
    const char *volume;   /* dof_evidence_opts.volume (only this address) */
} dof_ingest_opts;

/* modules NULL, offset -1, everything else zero. */
DOF_API void dof_ingest_opts_init(dof_ingest_opts *o);
DOF_API int dof_case_open(dof_ctx *ctx, const char *path, unsigned flags,
                          dof_case **out);
DOF_API void dof_case_close(dof_case *cs);
/* Ingest one evidence item (re-ingest replaces the rows of the same path,
 * or of the same size and md5).  On success *evidence_id (may be NULL) is
 * its evidence.id.  DOF_ERR_NODATA: the evidence row is committed but no
 * container data was found.  Any other error: nothing changed, except
 * that a first ingest of the path that fails records a 'failed' evidence
 * row with the reason. */
DOF_API int dof_case_ingest(dof_ctx *ctx, dof_case *cs, const char *path,
                            const dof_ingest_opts *o, int64_t *evidence_id);
/* Record a failed evidence item (when a path exists in the case it is
 * left alone). */
DOF_API int dof_case_record_failure(dof_ctx *ctx, dof_case *cs,
                                    const char *path, const char *reason);
/* Status of an evidence path in the case ("ok", "warnings", "failed"),
 * malloc'd into *status, or NULL if absent. */
DOF_API int dof_case_evidence_status(dof_ctx *ctx, dof_case *cs,
                                     const char *path, char **status);
/* Copy every evidence item of another case database into cs (one
 * transaction per item, replacing items of the same path). */
DOF_API int dof_case_merge(dof_ctx *ctx, dof_case *cs, const char *other);
/* The ingest modules, in run order. */
DOF_API size_t dof_ingest_module_count(void);
DOF_API const char *dof_ingest_module_name(size_t i);
DOF_API const char *dof_ingest_module_tables(size_t i);
DOF_API const char *dof_ingest_module_description(size_t i);

/* Batch: many evidence items, N worker processes, one writer. */
typedef enum dof_batch_event {
    DOF_BATCH_START = 0, /* item started (worker pid in detail) */
    DOF_BATCH_PROGRESS,  /* stage/done/total of an item */
    DOF_BATCH_DONE,      /* item finished: status, reason */
    DOF_BATCH_SKIP       /* --resume: already complete */
} dof_batch_event;

typedef struct dof_batch_info {
    dof_batch_event event;
    size_t index; /* of the item in the list */
    const char *path;
    const char *stage;    /* PROGRESS */
    uint64_t done, total; /* PROGRESS */
    const char *status;   /* DONE: "ok", "warnings", "failed" */
    const char *reason;   /* DONE: failure reason or NULL */
} dof_batch_info;

typedef void (*dof_batch_fn)(void *arg, const dof_batch_info *bi);

typedef struct dof_batch_opts {
    int jobs;               /* worker processes; <= 0: number of CPUs */
    int resume;             /* skip items whose status is ok/warnings */
    const char *tmpdir;     /* per-item temporary databases; NULL: next
                               to the case file */
    dof_ingest_opts ingest; /* per item (progress fields ignored) */
    dof_batch_fn fn;        /* events, or NULL */
    void *fn_arg;
} dof_batch_opts;

DOF_API void dof_batch_opts_init(dof_batch_opts *o);
/* Ingest every path.  *nfailed = items that failed.  DOF_OK even when
 * items failed (they have status rows); an error only when the case
 * itself cannot be written. */
DOF_API int dof_case_batch(dof_ctx *ctx, dof_case *cs,
                           const char *const *paths, size_t npaths,
                           const dof_batch_opts *o, size_t *nfailed);

/* ------------------------------------------------------------------ */
/* Bodyfile and timeline                                              */
/* ------------------------------------------------------------------ */
/* TSK 3 bodyfiles (`MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|
 * crtime`, what `mactime` reads) of a container's writable layer and of
 * its volumes and bind mounts, and one sorted timeline of a host.
 *
 * Bodyfile names are the paths seen inside the container (volumes and
 * binds at their destinations), encoded with dof_name_encode() with '|'
 * also escaped ("\x7c"), so a line never breaks.  MD5 is 0; times are
 * integer seconds (DOF_BODYFILE_NS: "secs.nnnnnnnnn"), 0 when absent.
 * The mode is TSK's: directory-entry type '/' inode type + permissions
 * as ls(1) prints them ("r/rrw-r--r--").  Markers after the name:
 *   "NAME -> TARGET"       symlink (long ext4 targets too; encoded)
 *   "NAME (deleted)"       a whiteout (0/0 char device on overlay,
 *                          .wh.NAME on aufs): NAME was deleted in the
 *                          container; the times are the whiteout
 *                          inode's (shared by a mount's deletions on
 *                          Linux >= 5.8; the parent's mtime/ctime bound
 *                          each deletion); also an unallocated
 *                          directory entry, as fls prints it
 *   "NAME (deleted-realloc)" an unallocated entry whose inode is in use
 *   "NAME (opaque)"        an opaque directory (trusted.overlay.opaque
 *                          or user.overlay.opaque = y, .wh..wh..opq)
 * The walked directories themselves (upper dir, volume roots) are not
 * listed, as with `fls -r -m`; aufs bookkeeping (.wh..wh.*) is skipped.
 * Directories are read by inode once; paths are never re-resolved. */
typedef enum dof_bodyfile_kind {
    DOF_BODYFILE_FILE = 0, /* an entry (file, dir, link, device ...) */
    DOF_BODYFILE_WHITEOUT, /* a whiteout: path is the deleted name */
    DOF_BODYFILE_DELETED   /* an unallocated directory entry */
} dof_bodyfile_kind;

typedef struct dof_bodyfile_entry {
    const char *path; /* raw bytes, absolute, inside the container */
    size_t path_len;
    dof_bodyfile_kind kind;
    int opaque;   /* an opaque directory */
    int realloc;  /* DELETED: the inode is allocated again */
    int has_stat; /* 0: no inode to read (st is zeroed) */
    dof_stat st;
    dof_ftype name_type; /* from the directory entry (or st.type) */
    const char *link;    /* symlink target (raw), or NULL */
    size_t link_len;
    dof_usrc_kind source;   /* DOF_USRC_CONTAINER, _VOLUME or _BIND */
    const dof_mount *mount; /* the volume/bind, NULL for the layer */
    dof_fs *fs;             /* where the entry is */
    dof_node node;
} dof_bodyfile_entry;

#define DOF_BODYFILE_LAYER 0x1u      /* the container's writable layer */
#define DOF_BODYFILE_VOLUMES 0x2u    /* its volumes and bind mounts */
#define DOF_BODYFILE_NS 0x4u         /* times with nine fraction digits */
#define DOF_BODYFILE_NO_DELETED 0x8u /* skip unallocated entries */

typedef struct dof_bodyfile_opts {
    unsigned flags;     /* DOF_BODYFILE_* */
    FILE *out;          /* dof_bodyfile_write's output (required) */
    const char *prefix; /* put before every name as is, or NULL */
    /* Filesystems searched for bind sources after the data root's (every
     * volume of the evidence), or NULL. */
    dof_fs *const *host_fs;
    size_t nhost_fs;
} dof_bodyfile_opts;

/* flags = DOF_BODYFILE_LAYER, out = stdout, the rest zero. */
DOF_API void dof_bodyfile_opts_init(dof_bodyfile_opts *o);
/* Return nonzero to stop; e is valid during the call only. */
typedef int (*dof_bodyfile_fn)(void *arg, const dof_bodyfile_entry *e);
/* Walk what o->flags selects, calling fn for every entry.  A missing
 * volume or bind source is a warning; a missing writable layer is
 * DOF_ERR_NOTFOUND (DOF_ERR_UNSUPPORTED for other storage drivers). */
DOF_API int dof_bodyfile_walk(dof_ctx *ctx, const dof_container *c,
                              const dof_bodyfile_opts *o, dof_bodyfile_fn fn,
                              void *arg);
/* The bodyfile of that walk to o->out (DOF_ERR_IO if it cannot be
 * written). */
DOF_API int dof_bodyfile_write(dof_ctx *ctx, const dof_container *c,
                               const dof_bodyfile_opts *o);
/* One line (with '\n') as dof_bodyfile_write prints it; malloc'd. */
DOF_API char *dof_bodyfile_line(const dof_bodyfile_entry *e, unsigned flags);
/* TSK's mode string ("d/drwxr-xr-x"), NUL terminated in out[13];
 * st NULL: "T/----------" for the entry type T. */
DOF_API void dof_bodyfile_mode_string(dof_ftype name_type, const dof_stat *st,
                                      char out[13]);

typedef enum dof_timeline_format {
    DOF_TIMELINE_BODYFILE = 0, /* bodyfile lines (files once, with all
                                  four times; other events as pseudo
                                  entries "[container web] started",
                                  inode 0, all four times = the event) */
    DOF_TIMELINE_JSONL,        /* Timesketch JSONL, one event per line */
    DOF_TIMELINE_CSV           /* the same columns, with a header */
} dof_timeline_format;

typedef struct dof_timeline_opts {
    FILE *out; /* where the timeline goes (required) */
    dof_timeline_format format;
    const dof_container *container; /* only this container (its image,
                                       volumes, networks), or NULL */
    int logs;                       /* every log line too (dof_log_*) */
    int no_files;                   /* skip file MACB of layers and volumes */
    dof_fs *const *host_fs;         /* as in dof_bodyfile_opts */
    size_t nhost_fs;
} dof_timeline_opts;

/* out = stdout, JSONL, files on, everything else zero. */
DOF_API void dof_timeline_opts_init(dof_timeline_opts *o);
/* One timeline of the host, sorted by time (log lines are merged in as
 * they are stored, each container's logs in docker's order).  Events:
 * image last tagged and build steps (history), container created /
 * started / finished, health-check probes, file MACB of writable layers
 * and volumes (one event per file and distinct time), whiteouts,
 * volume and network creation, log lines.  JSONL and CSV fields:
 * message, datetime (ISO 8601 UTC, microseconds), timestamp (us since
 * the epoch), timestamp_desc, and the attributes event_type,
 * container_id, container_name, image_id, path, inode, macb, source,
 * data_root, volume_offset_bytes.  Damage is a warning; the run goes
 * on.  Memory: a compact entry per event; file contents and log lines
 * are never held. */
DOF_API int dof_timeline_write(dof_ctx *ctx, const dof_host *host,
                               const dof_timeline_opts *o);

/* ------------------------------------------------------------------ */
/* Image verification (verify-image) and container export             */
/* ------------------------------------------------------------------ */
/* dof_verify_image checks an image from what the host holds: the
 * config's sha256 equals its id, each layer's layerdb record (diff =
 * diff_id, parent = the ChainID below it), and each layer's diff
 * directory against the tar headers kept in layerdb's
 * tar-split.json.gz (ustar/PAX/GNU headers: type, mode, uid, gid, size,
 * mtime seconds, link target, device numbers, hard links; with
 * DOF_VERIFY_CONTENT also the CRC-64/ISO of every file's content).  A
 * file on disk but not in the tar is "planted", one in the tar but not
 * on disk "removed" (overlay whiteouts .wh.X are char 0/0 on disk and
 * .wh..wh..opq an opaque xattr).  Caps: 1 GiB decompressed per
 * tar-split, 8 MiB per line, 4 MiB per PAX header, 2 000 000 entries
 * per layer, 10 000 mismatches kept per layer (the rest counted).
 * Damage is a warning; the run goes on. */
typedef struct dof_verify_mismatch {
    const char *path; /* raw bytes relative to the layer ("app/app.py"),
                         "" for the layer root */
    size_t path_len;
    const char *field; /* "type", "mode", "uid", "gid", "size", "mtime",
                          "linkname", "rdev", "hardlink", "content",
                          "opaque", "planted", "removed" */
    const char *tar;   /* the tar header's value as text, or NULL */
    const char *disk;  /* the diff directory's value, or NULL */
} dof_verify_mismatch;

typedef enum dof_verify_ts {
    DOF_VERIFY_TS_ABSENT = 0, /* no tar-split.json.gz (built locally) */
    DOF_VERIFY_TS_CHECKED,    /* compared with the diff directory */
    DOF_VERIFY_TS_DAMAGED,    /* unreadable or malformed (warning) */
    DOF_VERIFY_TS_SKIPPED     /* no diff directory to compare with */
} dof_verify_ts;

typedef struct dof_verify_layer {
    const dof_layer *layer; /* in the image */
    int chain_ok;           /* layerdb record present, diff and parent
                               as recomputed from diff_ids */
    const char *chain_note; /* why not, or NULL */
    dof_verify_ts tar_split;
    uint64_t files_checked;   /* tar entries compared */
    uint64_t content_checked; /* CRC-64 compared */
    dof_verify_mismatch *mismatches;
    size_t nmismatches;
    uint64_t mismatches_dropped; /* past the cap */
} dof_verify_layer;

typedef struct dof_verify_result {
    const dof_image *image;
    int config_sha256_ok;     /* dof_image.id_verified */
    dof_verify_layer *layers; /* base first, as dof_image.layers */
    size_t nlayers;
    uint64_t nfindings; /* config + chain + damaged tar-splits +
                           mismatches (incl. dropped) */
} dof_verify_result;

#define DOF_VERIFY_CONTENT 0x1u /* also CRC-64 of file contents */

/* Verify one image (its dof_store gives the filesystem).  DOF_OK even
 * with findings (see r->nfindings); an error only for bad arguments or
 * out of memory. */
DOF_API int dof_verify_image(dof_ctx *ctx, const dof_image *img,
                             unsigned flags, dof_verify_result **out);
DOF_API void dof_verify_result_free(dof_verify_result *r);
/* Go's hash/crc64 with the ISO table (what tar-split stores):
 * crc = dof_verify_crc64(0, buf, len) and continue with the result. */
DOF_API uint64_t dof_verify_crc64(uint64_t crc, const void *buf, size_t len);

/* dof_export_write writes a merged view (dof_union_open or
 * dof_union_open_image) to a new or empty directory, or to a POSIX tar
 * (pax headers where ustar does not fit), plus a sha256sum-compatible
 * manifest of every regular file (names with '\\' or '\n' escaped as
 * sha256sum does, with a leading backslash).  Directory export never
 * writes outside the target: everything is created with *at() calls
 * relative to directory descriptors opened O_NOFOLLOW, symlinks are
 * created as symlinks and never followed, names that are empty, ".",
 * ".." or contain '/' are refused and reported.  Modes and ns times are
 * set; owners (lchown) and device nodes (mknod) only with
 * DOF_EXPORT_OWNERS / DOF_EXPORT_DEVICES (which need root); in a tar
 * they are always recorded.  Content is streamed (memory flat in file
 * size).  A damaged entry is a warning; the export goes on. */
typedef struct dof_export_opts {
    const char *dir;             /* export into this directory, or NULL */
    FILE *tar;                   /* or write a tar here */
    FILE *manifest;              /* sha256sum lines, or NULL */
    const char *manifest_prefix; /* put before each name (e.g. "./") */
    unsigned flags;              /* DOF_EXPORT_* */
} dof_export_opts;

#define DOF_EXPORT_OWNERS 0x1u  /* lchown (directory export) */
#define DOF_EXPORT_DEVICES 0x2u /* mknod devices/fifos (directory) */

typedef struct dof_export_stats {
    uint64_t files, dirs, symlinks, hardlinks, devices, other;
    uint64_t bytes;   /* content written */
    uint64_t skipped; /* refused or damaged entries (warnings) */
} dof_export_stats;

/* Everything zero. */
DOF_API void dof_export_opts_init(dof_export_opts *o);
/* Export the view under path (usually "/").  stats may be NULL. */
DOF_API int dof_export_write(dof_ctx *ctx, dof_union *u, const char *path,
                             const dof_export_opts *o,
                             dof_export_stats *stats);

/* ------------------------------------------------------------------ */
/* Report writers                                                     */
/* ------------------------------------------------------------------ */
/* Every function below writes one complete document to o->out: text, or
 * (o->json) one JSON object {"dof": {provenance}, "<result>": ...,
 * "warnings": [{"code","path","message"}]}.  Strings from the evidence
 * are encoded with dof_name_encode(); times are RFC 3339 UTC with nine
 * fraction digits, null for never.  They return DOF_OK or a dof_status
 * (DOF_ERR_IO when the output cannot be written). */

/* Version of the libtsk linked in (tsk_version_get_str()). */
DOF_API const char *dof_libtsk_version(void);

typedef enum dof_report_style {
    DOF_REPORT_LINEAR = 0, /* one "key: value" block per container */
    DOF_REPORT_TABULAR     /* a `docker ps -a`-like table */
} dof_report_style;

typedef struct dof_report_opts {
    FILE *out; /* where the report goes (stdout) */
    int json;  /* 1: one JSON document, 0: text */
    int argc;  /* the command line, for the provenance */
    char *const *argv;
    const dof_evidence *ev; /* provenance evidence, or NULL */
    int64_t now;            /* provenance time (ns); 0 = current time */
    dof_report_style style; /* list-containers text layout */
    int running_only;       /* containers: running/paused/restarting */
    const char *const *exclude_registries; /* drop images from these */
    size_t nexclude_registries;
    int layers;     /* containers: add the layer chain */
    int dockerfile; /* image history: pseudo-Dockerfile */
    int show_empty; /* explorer history: size-0 entries too */
} dof_report_opts;

/* out = stdout, everything else zero. */
DOF_API void dof_report_opts_init(dof_report_opts *o);
/* The provenance object every --json document carries under "dof"
 * (version, libtsk, command_line, time, evidence), as compact JSON text
 * (malloc'd), for front ends that write their own documents. */
DOF_API char *dof_report_provenance_json(const dof_evidence *ev, int argc,
                                         char *const *argv);
/* A dof_warning_fn: prints "dof: warning: PATH: MESSAGE" to the FILE *
 * given as arg (stderr when arg is NULL). */
DOF_API void dof_report_warning_fn(void *arg, const dof_warning *w);

/* dof status: evidence, volumes, data roots, host side; host may be NULL
 * (no container data: only the evidence is described).  JSON key
 * "status". */
DOF_API int dof_report_status(dof_ctx *ctx, const dof_report_opts *o,
                              const dof_evidence *ev, const dof_host *host);
/* list-containers (JSON key "containers"). */
DOF_API int dof_report_containers(dof_ctx *ctx, const dof_report_opts *o,
                                  const dof_host *host);
/* show-container-config: {"config": ..., "hostconfig": ...} as stored,
 * pretty printed (always JSON, no envelope). */
DOF_API int dof_report_container_config(dof_ctx *ctx, const dof_report_opts *o,
                                        const dof_container *c);
/* list-images (JSON key "images"). */
DOF_API int dof_report_images(dof_ctx *ctx, const dof_report_opts *o,
                              const dof_host *host);
/* show-image-config: the image config as stored, pretty printed. */
DOF_API int dof_report_image_config(dof_ctx *ctx, const dof_report_opts *o,
                                    const dof_image *img);
/* show-image-history (JSON key "history"), or o->dockerfile. */
DOF_API int dof_report_image_history(dof_ctx *ctx, const dof_report_opts *o,
                                     const dof_image *img);
/* list-volumes (JSON key "volumes"), list-networks ("networks"). */
DOF_API int dof_report_volumes(dof_ctx *ctx, const dof_report_opts *o,
                               const dof_host *host);
DOF_API int dof_report_networks(dof_ctx *ctx, const dof_report_opts *o,
                                const dof_host *host);
/* One log record as a JSON line on f: raw = 0 is `show-container-log
 * --json` {time, time_ns, stream, message, pieces, file, offset, format,
 * partial}; raw = 1 the record as stored (a json-file line as is, a local
 * driver LogEntry as {stream, time_nano, line, partial,
 * partial_log_metadata, file, offset, format}).  Message and line are
 * JSON strings (U+FFFD for bytes that are not UTF-8, the exact bytes then
 * in message_base64 / line_base64). */
DOF_API int dof_report_log_record(FILE *f, const dof_log_record *r, int raw);
/* docker-explorer (de.py) compatible output, no envelope:
 * what = "all_containers", "running_containers" or "repositories". */
DOF_API int dof_report_explorer_list(dof_ctx *ctx, const dof_report_opts *o,
                                     const dof_host *host, const char *what);
/* de.py history: the container by unique ID prefix (DOF_ERR_NOTFOUND /
 * DOF_ERR_AMBIGUOUS with de.py's messages). */
DOF_API int dof_report_explorer_history(dof_ctx *ctx, const dof_report_opts *o,
                                        const dof_host *host,
                                        const char *id_prefix);

#ifdef __cplusplus
}
#endif
#endif /* DOF_H */
