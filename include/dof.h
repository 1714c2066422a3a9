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

#define DOF_VERSION "0.1.0"

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

/* One volume (partition, or the whole image when there is no volume
 * system, or the directory of a directory evidence). */
typedef struct dof_volume {
    unsigned index;          /* 0-based among the volumes listed */
    uint64_t offset_bytes;   /* byte offset in the image */
    uint64_t length_bytes;   /* 0 if unknown */
    const char *desc;        /* partition name / description, or "" */
    const char *signature;   /* "ext4", "xfs", "lvm2", "luks", "btrfs",
                                "swap", "dir", "unknown" */
    const char *note;        /* why it is not readable, or NULL */
    dof_fs *fs;              /* opened filesystem, or NULL */
} dof_volume;

/* Open one evidence item read-only: an image file (first segment of
 * split/E01), or a directory (a mounted or extracted host root).
 * offset_sectors < 0: detect the volume system and open every volume;
 * otherwise open one filesystem at that offset (512-byte sectors). */
DOF_API int dof_evidence_open(dof_ctx *ctx, const char *path,
                              int64_t offset_sectors, dof_evidence **out);
DOF_API void dof_evidence_close(dof_evidence *ev);
DOF_API const char *dof_evidence_path(const dof_evidence *ev);
/* "raw", "split", "ewf", "vmdk", "vhd", "dir" ... */
DOF_API const char *dof_evidence_format(const dof_evidence *ev);
/* "gpt", "dos", "none", "dir" */
DOF_API const char *dof_evidence_vs_type(const dof_evidence *ev);
DOF_API uint64_t dof_evidence_size(const dof_evidence *ev);
DOF_API size_t dof_evidence_volume_count(const dof_evidence *ev);
DOF_API const dof_volume *dof_evidence_volume(const dof_evidence *ev,
                                              size_t i);
/* Hashes stored in an E01 header (hex), or NULL. */
DOF_API const char *dof_evidence_stored_md5(const dof_evidence *ev);
DOF_API const char *dof_evidence_stored_sha1(const dof_evidence *ev);

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

typedef struct dof_stat {
    uint64_t ino;      /* real inode number */
    dof_ftype type;
    uint32_t mode;     /* permission bits incl. setuid/setgid/sticky */
    uint32_t uid, gid;
    uint64_t size;
    uint32_t nlink;
    uint32_t rdev_major, rdev_minor; /* device nodes */
    int64_t atime, mtime, ctime, crtime; /* ns; DOF_TIME_NONE if absent */
    int allocated;     /* 0 for an unallocated (deleted) inode */
} dof_stat;

typedef struct dof_dirent {
    const char *name; /* raw bytes, NUL terminated, may contain any byte */
    size_t name_len;
    dof_node node;
    dof_ftype type;   /* from the directory entry; may be UNKNOWN */
    int deleted;      /* an unallocated name (DOF_FS_READDIR_DELETED) */
} dof_dirent;

#define DOF_FS_READDIR_DELETED 0x1u /* also list deleted names */

/* Return nonzero to stop the walk (dof_fs_readdir then returns DOF_OK). */
typedef int (*dof_fs_dirent_fn)(void *arg, const dof_dirent *de);
typedef int (*dof_fs_xattr_fn)(void *arg, const char *name,
                               const void *value, size_t len);

DOF_API const char *dof_fs_type_name(const dof_fs *fs); /* "ext4", "dir" */
DOF_API dof_node dof_fs_root(const dof_fs *fs);
DOF_API uint64_t dof_fs_volume_offset(const dof_fs *fs);
/* ext4 superblock INCOMPAT_RECOVER: the journal holds transactions that
 * never reached their home blocks (TSK does not replay them). */
DOF_API int dof_fs_needs_recovery(const dof_fs *fs);
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
DOF_API int dof_fs_read_all(dof_fs *fs, dof_node node, size_t cap,
                            char **out, size_t *len);
/* Symlink target, malloc'd (long ext4 targets included). */
DOF_API int dof_fs_readlink(dof_fs *fs, dof_node node, char **out);
/* One xattr by full name ("trusted.overlay.opaque"): malloc'd value.
 * DOF_ERR_NOTFOUND if absent, DOF_ERR_UNSUPPORTED if it cannot be read. */
DOF_API int dof_fs_getxattr(dof_fs *fs, dof_node node, const char *name,
                            char **value, size_t *len);
DOF_API int dof_fs_listxattr(dof_fs *fs, dof_node node, dof_fs_xattr_fn fn,
                             void *arg);

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
    DOF_STATE_DEAD
} dof_state;

typedef struct dof_mount {
    const char *type;        /* bind, volume, tmpfs, npipe */
    const char *source;      /* host path; a volume's _data path */
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
    const char *network;     /* network name */
    const char *network_id;
    const char *endpoint_id;
    const char *ip_address;
    const char *mac_address;
    const char *gateway;
} dof_endpoint;

typedef struct dof_health_probe {
    int64_t start, end;
    int exit_code;
    const char *output;
} dof_health_probe;

typedef struct dof_root dof_root;

typedef struct dof_container {
    const dof_root *root;
    const char *id;       /* 64 hex */
    const char *name;     /* without the leading '/' */
    const char *image;    /* Config.Image, as typed */
    const char *image_id; /* "sha256:..." */
    dof_state state;
    int exit_code;
    int pid;
    int oom_killed;
    const char *error;    /* State.Error or NULL */
    int64_t created, started_at, finished_at;
    const char *created_raw, *started_at_raw, *finished_at_raw;
    const char **command; size_t ncommand; /* Path + Args */
    const char **entrypoint; size_t nentrypoint; /* Config.Entrypoint */
    const char **cmd; size_t ncmd;               /* Config.Cmd */
    const char **env; size_t nenv;
    dof_kv *labels; size_t nlabels;
    const char **exposed_ports; size_t nexposed_ports; /* Config */
    dof_port *port_bindings; size_t nport_bindings;     /* hostconfig */
    dof_port *published_ports; size_t npublished_ports; /* NetworkSettings */
    dof_mount *mounts; size_t nmounts;
    dof_endpoint *endpoints; size_t nendpoints;
    const char *hostname, *domainname, *user, *working_dir;
    const char *driver;    /* storage driver of the container */
    int driver_supported;  /* overlay2, overlay, aufs */
    const char *mount_id, *init_id, *layer_parent; /* layerdb/mounts */
    const char *upper_dir; /* absolute path on the data root's fs */
    const char *log_driver;
    dof_kv *log_opts; size_t nlog_opts;
    const char *log_path;
    const char *restart_policy; int restart_max_retries;
    int restart_count;
    int privileged, auto_remove, readonly_rootfs;
    const char **cap_add; size_t ncap_add;
    const char **cap_drop; size_t ncap_drop;
    const char **security_opt; size_t nsecurity_opt;
    const char **devices; size_t ndevices; /* PathOnHost:PathInContainer */
    const char *pid_mode, *network_mode, *ipc_mode, *uts_mode, *userns_mode;
    const char *apparmor_profile, *seccomp_profile;
    const char *health_status; int health_failing_streak;
    dof_health_probe *health_log; size_t nhealth_log;
    int has_been_started_before, has_been_manually_stopped;
    const char *hostname_path, *hosts_path, *resolv_conf_path;
    const char *dir;          /* containers/<id> path on the fs */
    const char *config_path;  /* config.v2.json (or config.json) path */
    uint64_t config_ino;
    const char *hostconfig_path; /* NULL if missing */
    int legacy_v1;            /* pre-1.10 config.json */
    int damaged;              /* parsed partially; see warnings */
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
    const char *diff_id;      /* sha256:... */
    const char *chain_id;     /* sha256:... */
    const char *cache_id;     /* driver directory name */
    const char *diff_path;    /* e.g. /var/lib/docker/overlay2/<id>/diff */
    uint64_t size;            /* layerdb size, bytes */
    int present;              /* layerdb record found */
} dof_layer;

typedef struct dof_image {
    const dof_root *root;
    const char *id;           /* "sha256:..." */
    const char **tags; size_t ntags;       /* "repo:tag" */
    const char **digests; size_t ndigests; /* "repo@sha256:..." */
    int64_t created; const char *created_raw;
    int64_t last_updated; const char *last_updated_raw;
    const char *parent;       /* "sha256:..." or NULL */
    const char *architecture, *os, *author, *docker_version, *comment;
    const char **cmd; size_t ncmd;
    const char **entrypoint; size_t nentrypoint;
    const char **env; size_t nenv;
    dof_kv *labels; size_t nlabels;
    const char **exposed_ports; size_t nexposed_ports;
    const char **volumes; size_t nvolumes;
    const char *user, *working_dir;
    dof_history *history; size_t nhistory;
    dof_layer *layers; size_t nlayers;     /* base first */
    const char **containers; size_t ncontainers; /* container names */
    int id_verified;          /* sha256(config file) == id */
    const char *config_path;
    int damaged;
} dof_image;

typedef struct dof_docker_volume {
    const dof_root *root;
    const char *name;
    const char *driver;
    dof_kv *labels; size_t nlabels;
    dof_kv *options; size_t noptions;  /* type, device, o */
    const char *data_path;    /* volumes/<name>/_data, or NULL */
    int64_t created;          /* ctime of _data (what Docker reports) */
    int in_metadata;          /* listed in volumes/metadata.db */
    int anonymous;            /* 64-hex name */
    const char *mount_type, *mount_opts, *mount_device; /* opts.json */
    const char **containers; size_t ncontainers; /* names using it */
} dof_docker_volume;

typedef struct dof_network {
    const dof_root *root;
    const char *id;
    const char *name;
    const char *driver;
    const char *scope;
    int internal, ipv6;
    int64_t created; const char *created_raw;
    const char **subnets; size_t nsubnets;
    const char **gateways; size_t ngateways;
    dof_endpoint *endpoints; size_t nendpoints;
    dof_kv *labels; size_t nlabels;
} dof_network;

/* One Docker data root found on the evidence. */
struct dof_root {
    const char *path;           /* on its filesystem, e.g. /var/lib/docker */
    dof_fs *fs;
    unsigned volume_index;
    uint64_t volume_offset_bytes;
    const char *found_by;       /* "default", "daemon.json data-root", ... */
    const char *driver;         /* storage driver dir found (overlay2...) */
    const char *engine_version; /* from the host's package db, or NULL */
    const char *engine_id;
    int swarm_member;
    const char *swarm_node_id, *swarm_addr;
    int journal_needs_recovery;
    dof_container *containers; size_t ncontainers;
    dof_image *images; size_t nimages;
    dof_docker_volume *volumes; size_t nvolumes;
    dof_network *networks; size_t nnetworks;
    const char **other_stores; size_t nother_stores; /* not read yet */
};

/* Host side of one filesystem (daemon config, users, credentials). */
typedef struct dof_hostinfo {
    unsigned volume_index;
    uint64_t volume_offset_bytes;
    const char *daemon_json_path;    /* or NULL */
    const char *daemon_json;         /* its text, or NULL */
    const char *data_root_setting;   /* data-root / graph, or NULL */
    const char *storage_driver_setting, *log_driver_setting;
    const char **api_tcp; size_t napi_tcp; /* "tcp://0.0.0.0:2375 (file)" */
    const char **docker_group; size_t ndocker_group;
    const char **credentials; size_t ncredentials; /* "user: registry" */
    const char **histories; size_t nhistories;     /* shell history paths */
    const char **insecure_registries; size_t ninsecure_registries;
} dof_hostinfo;

typedef struct dof_host_opts {
    const char *docker_root; /* only this data root (path on the fs) */
    int show_secrets;        /* keep credential values */
} dof_host_opts;

/* Find and parse every Docker data root on the evidence.  Damaged items
 * become warnings on ctx.  DOF_ERR_NODATA if there is none. */
DOF_API int dof_host_open(dof_ctx *ctx, dof_evidence *ev,
                          const dof_host_opts *opts, dof_host **out);
DOF_API void dof_host_close(dof_host *host);
DOF_API size_t dof_host_root_count(const dof_host *host);
DOF_API const dof_root *dof_host_root(const dof_host *host, size_t i);
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
/* The engine's JSON files as stored (malloc'd text). */
DOF_API int dof_container_read_config(dof_ctx *ctx,
                                      const dof_container *c, char **config,
                                      char **hostconfig);
DOF_API int dof_image_read_config(dof_ctx *ctx, const dof_image *img,
                                  char **config);

/* ------------------------------------------------------------------ */
/* Report writers                                                     */
/* ------------------------------------------------------------------ */
/* @@REPORT-API@@ (section owned by the report/CLI module) */

#ifdef __cplusplus
}
#endif
#endif /* DOF_H */
