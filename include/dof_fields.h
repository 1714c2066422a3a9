/*
 * dof_fields.h - the one list of the fields of every engine record
 * (container, image, Docker volume, network and their parts), read by
 * each front end: the JSON writer (core/report), the case database
 * (plugin/mod_*.c) and the Python binding (bindings/python/_dof.c).
 *
 * Not installed and not API: the tables are static so that the binding,
 * which links only against dof.h's symbols, gets its own copy of the same
 * definition.  A row names a member once and carries its name in each
 * front end: json, py, sql (NULL: that front end does not carry it).
 * Where front ends differ the row says so here, never in a copy.
 */
#ifndef DOF_FIELDS_H
#define DOF_FIELDS_H

#include "dof.h"

#include <stddef.h>

typedef enum dof_fkind {
    DOF_F_STR,      /* const char *: NULL -> null */
    DOF_F_STR_NULL, /* const char *: NULL and "" -> null (JSON, Python) */
    DOF_F_TIME,     /* int64_t ns: RFC 3339 text; SQL integer ns */
    DOF_F_NS,       /* int64_t ns as an integer (Python's *_ns) */
    DOF_F_INT,      /* int */
    DOF_F_BOOL,     /* int, as true/false (SQL 0/1) */
    DOF_F_U64,      /* uint64_t */
    DOF_F_COUNT,    /* the size_t at cnt (history_entries) */
    DOF_F_STRV,     /* const char ** with its size_t count; SQL JSON text */
    DOF_F_KV,       /* dof_kv * with its size_t count; SQL JSON text */
    DOF_F_STATE,    /* dof_state, as dof_state_name() */
    DOF_F_LIST,     /* array of sub records (sub, size) with its count;
                       SQL: a child table the module writes */
    DOF_F_OBJ,      /* sub table over this same record (an object);
                       SQL: its columns, flattened */
    DOF_F_PTR,      /* pointer to a sub record (sub), or null; SQL: its
                       columns, flattened (NULL when absent) */
    DOF_F_STORE,    /* the record's store (const dof_store *): "data_root"
                       (its path) */
    DOF_F_STORE_OFF /* the store's volume_offset_bytes, null without one */
} dof_fkind;

typedef struct dof_field dof_field;

/* One field.  `sub` (LIST, OBJ, PTR) ends with a row of kind 0 and
 * json == py == sql == NULL; `present` (OBJ) gives null when it is 0. */
struct dof_field {
    dof_fkind kind;
    const char *json, *py, *sql;
    size_t off;  /* of the member in the record */
    size_t cnt;  /* of the size_t count (STRV, KV, LIST, COUNT) */
    size_t size; /* of one element (LIST) */
    const dof_field *sub;
    int (*present)(const void *rec);
};

#define DOF_FIELDS_END                                                        \
    {                                                                         \
        DOF_F_STR, NULL, NULL, NULL, 0, 0, 0, NULL, NULL                      \
    }

#if defined(__GNUC__) || defined(__clang__)
#define DOF_FIELDS_TABLE static const dof_field __attribute__((unused))
#else
#define DOF_FIELDS_TABLE static const dof_field
#endif

/* F: a plain member; FN: with its count n<member>; FL: a list of sub
 * records; FS: a sub table (OBJ over the record, PTR to a sub record). */
#define DOF_F_(T, k, m, j, p, s)                                              \
    {                                                                         \
        k, j, p, s, offsetof(T, m), 0, 0, NULL, NULL                          \
    }
#define DOF_FN_(T, k, m, j, p, s)                                             \
    {                                                                         \
        k, j, p, s, offsetof(T, m), offsetof(T, n##m), 0, NULL, NULL          \
    }
#define DOF_FL_(T, m, et, sub, j, p)                                          \
    {                                                                         \
        DOF_F_LIST, j, p, NULL, offsetof(T, m), offsetof(T, n##m),            \
            sizeof(et), sub, NULL                                             \
    }

/* ---- parts ---- */

#define T dof_port
DOF_FIELDS_TABLE dof_port_fields[] = {
    DOF_F_(T, DOF_F_STR, container_port, "container_port", "container_port",
           "container_port"),
    DOF_F_(T, DOF_F_STR, host_ip, "host_ip", "host_ip", "host_ip"),
    DOF_F_(T, DOF_F_STR, host_port, "host_port", "host_port", "host_port"),
    DOF_FIELDS_END};
#undef T

#define T dof_mount
DOF_FIELDS_TABLE dof_mount_fields[] = {
    DOF_F_(T, DOF_F_STR, type, "type", "type", "type"),
    DOF_F_(T, DOF_F_STR, source, "source", "source", "source"),
    DOF_F_(T, DOF_F_STR, destination, "destination", "destination",
           "destination"),
    DOF_F_(T, DOF_F_BOOL, rw, "rw", "rw", "rw"),
    DOF_F_(T, DOF_F_STR, name, "name", "name", "name"),
    DOF_F_(T, DOF_F_STR, driver, "driver", "driver", "driver"),
    DOF_F_(T, DOF_F_STR, mode, "mode", "mode", "mode"),
    DOF_F_(T, DOF_F_STR, propagation, "propagation", "propagation",
           "propagation"),
    DOF_FIELDS_END};
#undef T

/* The same in container and network records (they used to differ: the
 * network's had no network_id and gave "" where the container's gave
 * null).  The endpoint name is in the database only. */
#define T dof_endpoint
DOF_FIELDS_TABLE dof_endpoint_fields[] = {
    DOF_F_(T, DOF_F_STR, network, "network", "network", "network"),
    DOF_F_(T, DOF_F_STR, network_id, "network_id", "network_id", "network_id"),
    DOF_F_(T, DOF_F_STR, endpoint_id, "endpoint_id", "endpoint_id",
           "endpoint_id"),
    DOF_F_(T, DOF_F_STR_NULL, ip_address, "ip_address", "ip_address",
           "ip_address"),
    DOF_F_(T, DOF_F_STR_NULL, mac_address, "mac_address", "mac_address",
           "mac_address"),
    DOF_F_(T, DOF_F_STR_NULL, gateway, "gateway", "gateway", "gateway"),
    DOF_F_(T, DOF_F_STR, name, NULL, NULL, "name"),
    DOF_FIELDS_END};
#undef T

#define T dof_health_probe
DOF_FIELDS_TABLE dof_probe_fields[] = {
    DOF_F_(T, DOF_F_TIME, start, "start", "start", NULL),
    DOF_F_(T, DOF_F_TIME, end, "end", "end", NULL),
    DOF_F_(T, DOF_F_INT, exit_code, "exit_code", "exit_code", NULL),
    DOF_F_(T, DOF_F_STR, output, "output", "output", NULL), DOF_FIELDS_END};
#undef T

#define T dof_layer
DOF_FIELDS_TABLE dof_layer_fields[] = {
    DOF_F_(T, DOF_F_STR, diff_id, "diff_id", "diff_id", "diff_id"),
    DOF_F_(T, DOF_F_STR, chain_id, "chain_id", "chain_id", "chain_id"),
    DOF_F_(T, DOF_F_STR, cache_id, "cache_id", "cache_id", "cache_id"),
    DOF_F_(T, DOF_F_STR, diff_path, "diff_path", "diff_path", "diff_path"),
    DOF_F_(T, DOF_F_U64, size, "size", "size", "size"),
    DOF_F_(T, DOF_F_BOOL, present, "present", "present", "present"),
    DOF_FIELDS_END};
#undef T

/* Python only (show-image-history is its own report). */
#define T dof_history
DOF_FIELDS_TABLE dof_history_fields[] = {
    DOF_F_(T, DOF_F_TIME, created, NULL, "created", NULL),
    DOF_F_(T, DOF_F_STR, created_by, NULL, "created_by", NULL),
    DOF_F_(T, DOF_F_STR, author, NULL, "author", NULL),
    DOF_F_(T, DOF_F_STR, comment, NULL, "comment", NULL),
    DOF_F_(T, DOF_F_BOOL, empty_layer, NULL, "empty_layer", NULL),
    DOF_FIELDS_END};
#undef T

#define T dof_pod
DOF_FIELDS_TABLE dof_pod_fields[] = {
    DOF_F_(T, DOF_F_STR, name, "name", "name", "pod_name"),
    DOF_F_(T, DOF_F_STR, namespace_name, "namespace", "namespace",
           "pod_namespace"),
    DOF_F_(T, DOF_F_STR, uid, "uid", "uid", "pod_uid"),
    DOF_F_(T, DOF_F_STR, sandbox_id, "sandbox_id", "sandbox_id",
           "pod_sandbox_id"),
    DOF_FIELDS_END};
#undef T

/* ---- containers ---- */

static inline int
dof_fields_health_present(const void *rec)
{
    const dof_container *c = rec;
    return c->health_status != NULL || c->nhealth_log != 0;
}

#define T dof_container
DOF_FIELDS_TABLE dof_restart_fields[] = {
    DOF_F_(T, DOF_F_STR, restart_policy, "name", "name", "restart_policy"),
    DOF_F_(T, DOF_F_INT, restart_max_retries, "maximum_retry_count",
           "maximum_retry_count", "restart_max_retries"),
    DOF_FIELDS_END};

DOF_FIELDS_TABLE dof_health_fields[] = {
    DOF_F_(T, DOF_F_STR, health_status, "status", "status", "health_status"),
    DOF_F_(T, DOF_F_INT, health_failing_streak, "failing_streak",
           "failing_streak", "health_failing_streak"),
    DOF_FL_(T, health_log, dof_health_probe, dof_probe_fields, "log", "log"),
    DOF_FIELDS_END};

/* env, labels, ports, mounts and networks go to child tables in the
 * database (container_env, container_labels, container_ports,
 * container_mounts, endpoints). */
DOF_FIELDS_TABLE dof_container_fields[] = {
    DOF_F_(T, DOF_F_STR, id, "id", "id", "id"),
    DOF_F_(T, DOF_F_STR, name, "name", "name", "name"),
    DOF_F_(T, DOF_F_STR, image, "image", "image", "image"),
    DOF_F_(T, DOF_F_STR, image_id, "image_id", "image_id", "image_id"),
    DOF_F_(T, DOF_F_STATE, state, "state", "state", "state"),
    DOF_F_(T, DOF_F_INT, exit_code, "exit_code", "exit_code", "exit_code"),
    DOF_F_(T, DOF_F_INT, pid, "pid", "pid", "pid"),
    DOF_F_(T, DOF_F_BOOL, oom_killed, "oom_killed", "oom_killed",
           "oom_killed"),
    DOF_F_(T, DOF_F_STR_NULL, error, "error", "error", "error"),
    DOF_F_(T, DOF_F_TIME, created, "created", "created", "created"),
    DOF_F_(T, DOF_F_TIME, started_at, "started_at", "started_at",
           "started_at"),
    DOF_F_(T, DOF_F_TIME, finished_at, "finished_at", "finished_at",
           "finished_at"),
    DOF_F_(T, DOF_F_NS, created, NULL, "created_ns", NULL),
    DOF_F_(T, DOF_F_NS, started_at, NULL, "started_at_ns", NULL),
    DOF_F_(T, DOF_F_NS, finished_at, NULL, "finished_at_ns", NULL),
    DOF_F_(T, DOF_F_STR, created_raw, NULL, NULL, "created_text"),
    DOF_F_(T, DOF_F_STR, started_at_raw, NULL, NULL, "started_at_text"),
    DOF_F_(T, DOF_F_STR, finished_at_raw, NULL, NULL, "finished_at_text"),
    DOF_FN_(T, DOF_F_STRV, command, "command", "command", "command"),
    DOF_FN_(T, DOF_F_STRV, entrypoint, "entrypoint", "entrypoint",
            "entrypoint"),
    DOF_FN_(T, DOF_F_STRV, cmd, "cmd", "cmd", "cmd"),
    DOF_FN_(T, DOF_F_STRV, env, "env", "env", NULL),
    DOF_FN_(T, DOF_F_KV, labels, "labels", "labels", NULL),
    DOF_F_(T, DOF_F_STR, hostname, "hostname", "hostname", "hostname"),
    DOF_F_(T, DOF_F_STR_NULL, domainname, "domainname", "domainname",
           "domainname"),
    DOF_F_(T, DOF_F_STR_NULL, user, "user", "user", "user"),
    DOF_F_(T, DOF_F_STR_NULL, working_dir, "working_dir", "working_dir",
           "working_dir"),
    DOF_F_(T, DOF_F_STR, driver, "driver", "driver", "driver"),
    DOF_F_(T, DOF_F_BOOL, driver_supported, "driver_supported",
           "driver_supported", "driver_supported"),
    DOF_F_(T, DOF_F_STR, mount_id, "mount_id", "mount_id", "mount_id"),
    DOF_F_(T, DOF_F_STR, init_id, "init_id", "init_id", "init_id"),
    DOF_F_(T, DOF_F_STR, layer_parent, NULL, NULL, "layer_parent"),
    DOF_F_(T, DOF_F_STR, upper_dir, "upper_dir", "upper_dir", "upper_dir"),
    DOF_F_(T, DOF_F_STR, log_driver, "log_driver", "log_driver", "log_driver"),
    DOF_FN_(T, DOF_F_KV, log_opts, "log_opts", "log_opts", "log_opts"),
    DOF_F_(T, DOF_F_STR_NULL, log_path, "log_path", "log_path", "log_path"),
    DOF_FN_(T, DOF_F_STRV, exposed_ports, "exposed_ports", "exposed_ports",
            "exposed_ports"),
    DOF_FL_(T, port_bindings, dof_port, dof_port_fields, "port_bindings",
            "port_bindings"),
    DOF_FL_(T, published_ports, dof_port, dof_port_fields, "published_ports",
            "published_ports"),
    DOF_FL_(T, mounts, dof_mount, dof_mount_fields, "mounts", "mounts"),
    DOF_FL_(T, endpoints, dof_endpoint, dof_endpoint_fields, "networks",
            "networks"),
    {DOF_F_OBJ, "restart_policy", "restart_policy", NULL, 0, 0, 0,
     dof_restart_fields, NULL},
    DOF_F_(T, DOF_F_INT, restart_count, "restart_count", "restart_count",
           "restart_count"),
    DOF_F_(T, DOF_F_BOOL, privileged, "privileged", "privileged",
           "privileged"),
    DOF_F_(T, DOF_F_BOOL, auto_remove, "auto_remove", "auto_remove",
           "auto_remove"),
    DOF_F_(T, DOF_F_BOOL, readonly_rootfs, "readonly_rootfs",
           "readonly_rootfs", "readonly_rootfs"),
    DOF_FN_(T, DOF_F_STRV, cap_add, "cap_add", "cap_add", "cap_add"),
    DOF_FN_(T, DOF_F_STRV, cap_drop, "cap_drop", "cap_drop", "cap_drop"),
    DOF_FN_(T, DOF_F_STRV, security_opt, "security_opt", "security_opt",
            "security_opt"),
    DOF_FN_(T, DOF_F_STRV, devices, "devices", "devices", "devices"),
    DOF_F_(T, DOF_F_STR_NULL, pid_mode, "pid_mode", "pid_mode", "pid_mode"),
    DOF_F_(T, DOF_F_STR_NULL, network_mode, "network_mode", "network_mode",
           "network_mode"),
    DOF_F_(T, DOF_F_STR_NULL, ipc_mode, "ipc_mode", "ipc_mode", "ipc_mode"),
    DOF_F_(T, DOF_F_STR_NULL, uts_mode, "uts_mode", "uts_mode", "uts_mode"),
    DOF_F_(T, DOF_F_STR_NULL, userns_mode, "userns_mode", "userns_mode",
           "userns_mode"),
    DOF_F_(T, DOF_F_STR_NULL, apparmor_profile, "apparmor_profile",
           "apparmor_profile", "apparmor_profile"),
    DOF_F_(T, DOF_F_STR_NULL, seccomp_profile, "seccomp_profile",
           "seccomp_profile", "seccomp_profile"),
    {DOF_F_OBJ, "health", "health", NULL, 0, 0, 0, dof_health_fields,
     dof_fields_health_present},
    DOF_F_(T, DOF_F_BOOL, has_been_started_before, "has_been_started_before",
           "has_been_started_before", "has_been_started_before"),
    DOF_F_(T, DOF_F_BOOL, has_been_manually_stopped,
           "has_been_manually_stopped", "has_been_manually_stopped",
           "has_been_manually_stopped"),
    DOF_F_(T, DOF_F_STR, hostname_path, "hostname_path", "hostname_path",
           "hostname_path"),
    DOF_F_(T, DOF_F_STR, hosts_path, "hosts_path", "hosts_path", "hosts_path"),
    DOF_F_(T, DOF_F_STR, resolv_conf_path, "resolv_conf_path",
           "resolv_conf_path", "resolv_conf_path"),
    DOF_F_(T, DOF_F_STR, dir, "dir", "dir", "dir"),
    DOF_F_(T, DOF_F_STR, config_path, "config_path", "config_path", "path"),
    DOF_F_(T, DOF_F_U64, config_ino, "config_inode", "config_inode", "inode"),
    DOF_F_(T, DOF_F_STR, hostconfig_path, "hostconfig_path", "hostconfig_path",
           "hostconfig_path"),
    DOF_F_(T, DOF_F_BOOL, legacy_v1, "legacy_v1", "legacy_v1", "legacy_v1"),
    DOF_F_(T, DOF_F_BOOL, damaged, "damaged", "damaged", "damaged"),
    DOF_F_(T, DOF_F_STORE, store, "data_root", "data_root", NULL),
    DOF_F_(T, DOF_F_STORE_OFF, store, "volume_offset_bytes",
           "volume_offset_bytes", "volume_offset_bytes"),
    /* since schema version 3 */
    DOF_F_(T, DOF_F_STR, engine, "engine", "engine", "engine"),
    DOF_F_(T, DOF_F_STORE, store, "store", "store", "store"),
    DOF_F_(T, DOF_F_STR, namespace_name, "namespace", "namespace",
           "namespace"),
    {DOF_F_PTR, "pod", "pod", NULL, offsetof(T, pod), 0, 0, dof_pod_fields,
     NULL},
    DOF_F_(T, DOF_F_STR, sandbox_id, "sandbox", "sandbox", "sandbox"),
    DOF_F_(T, DOF_F_STR, rootless_user, "rootless_user", "rootless_user",
           "rootless_user"),
    DOF_F_(T, DOF_F_STR, state_raw, "state_raw", "state_raw", "state_raw"),
    DOF_FIELDS_END};
#undef T

/* ---- images ---- */

#define T dof_image
DOF_FIELDS_TABLE dof_image_fields[] = {
    DOF_F_(T, DOF_F_STR, id, "id", "id", "id"),
    DOF_FN_(T, DOF_F_STRV, tags, "tags", "tags", NULL),
    DOF_FN_(T, DOF_F_STRV, digests, "digests", "digests", NULL),
    DOF_F_(T, DOF_F_TIME, created, "created", "created", "created"),
    DOF_F_(T, DOF_F_TIME, last_updated, "last_updated", "last_updated",
           "last_updated"),
    DOF_F_(T, DOF_F_NS, created, NULL, "created_ns", NULL),
    DOF_F_(T, DOF_F_STR, created_raw, NULL, NULL, "created_text"),
    DOF_F_(T, DOF_F_STR, last_updated_raw, NULL, NULL, "last_updated_text"),
    DOF_F_(T, DOF_F_STR_NULL, parent, "parent", "parent", "parent"),
    DOF_F_(T, DOF_F_STR, architecture, "architecture", "architecture",
           "architecture"),
    DOF_F_(T, DOF_F_STR, os, "os", "os", "os"),
    DOF_F_(T, DOF_F_STR_NULL, author, "author", "author", "author"),
    DOF_F_(T, DOF_F_STR_NULL, docker_version, "docker_version",
           "docker_version", "docker_version"),
    DOF_F_(T, DOF_F_STR_NULL, comment, "comment", "comment", "comment"),
    DOF_FN_(T, DOF_F_STRV, cmd, "cmd", "cmd", "cmd"),
    DOF_FN_(T, DOF_F_STRV, entrypoint, "entrypoint", "entrypoint",
            "entrypoint"),
    DOF_FN_(T, DOF_F_STRV, env, "env", "env", "env"),
    DOF_FN_(T, DOF_F_KV, labels, "labels", "labels", NULL),
    DOF_FN_(T, DOF_F_STRV, exposed_ports, "exposed_ports", "exposed_ports",
            "exposed_ports"),
    DOF_FN_(T, DOF_F_STRV, volumes, "volumes", "volumes", "volumes"),
    DOF_F_(T, DOF_F_STR_NULL, user, "user", "user", "user"),
    DOF_F_(T, DOF_F_STR_NULL, working_dir, "working_dir", "working_dir",
           "working_dir"),
    DOF_FN_(T, DOF_F_STRV, containers, "containers", "containers", NULL),
    DOF_FL_(T, layers, dof_layer, dof_layer_fields, "layers", "layers"),
    DOF_FL_(T, history, dof_history, dof_history_fields, NULL, "history"),
    {DOF_F_COUNT, "history_entries", "history_entries", NULL, 0,
     offsetof(T, nhistory), 0, NULL, NULL},
    DOF_F_(T, DOF_F_BOOL, id_verified, "id_verified", "id_verified",
           "id_verified"),
    DOF_F_(T, DOF_F_STR, config_path, "config_path", "config_path", "path"),
    DOF_F_(T, DOF_F_BOOL, damaged, "damaged", "damaged", "damaged"),
    DOF_F_(T, DOF_F_STORE, store, "data_root", "data_root", NULL),
    DOF_F_(T, DOF_F_STORE_OFF, store, "volume_offset_bytes",
           "volume_offset_bytes", "volume_offset_bytes"),
    /* since schema version 3 */
    DOF_F_(T, DOF_F_STR, engine, "engine", "engine", "engine"),
    DOF_F_(T, DOF_F_STORE, store, "store", "store", "store"),
    DOF_F_(T, DOF_F_STR, namespace_name, "namespace", "namespace",
           "namespace"),
    DOF_F_(T, DOF_F_STR, rootless_user, "rootless_user", "rootless_user",
           "rootless_user"),
    /* since schema version 4 */
    DOF_F_(T, DOF_F_BOOL, intermediate, "intermediate", "intermediate",
           "intermediate"),
    DOF_FIELDS_END};
#undef T

/* ---- Docker volumes, networks ---- */

#define T dof_docker_volume
DOF_FIELDS_TABLE dof_volume_fields[] = {
    DOF_F_(T, DOF_F_STR, name, "name", "name", "name"),
    DOF_F_(T, DOF_F_STR, driver, "driver", "driver", "driver"),
    DOF_FN_(T, DOF_F_KV, labels, "labels", "labels", "labels"),
    DOF_FN_(T, DOF_F_KV, options, "options", "options", "options"),
    DOF_F_(T, DOF_F_STR, data_path, "data_path", "data_path", "data_path"),
    DOF_F_(T, DOF_F_TIME, created, "created", "created", "created"),
    DOF_F_(T, DOF_F_BOOL, in_metadata, "in_metadata", "in_metadata",
           "in_metadata"),
    DOF_F_(T, DOF_F_BOOL, anonymous, "anonymous", "anonymous", "anonymous"),
    DOF_F_(T, DOF_F_STR, mount_type, "mount_type", "mount_type", "mount_type"),
    DOF_F_(T, DOF_F_STR, mount_opts, "mount_opts", "mount_opts", "mount_opts"),
    DOF_F_(T, DOF_F_STR, mount_device, "mount_device", "mount_device",
           "mount_device"),
    DOF_FN_(T, DOF_F_STRV, containers, "containers", "containers",
            "containers"),
    DOF_F_(T, DOF_F_STORE, store, "data_root", "data_root", NULL),
    DOF_F_(T, DOF_F_STORE_OFF, store, "volume_offset_bytes",
           "volume_offset_bytes", "volume_offset_bytes"),
    DOF_FIELDS_END};
#undef T

#define T dof_network
DOF_FIELDS_TABLE dof_network_fields[] = {
    DOF_F_(T, DOF_F_STR, id, "id", "id", "id"),
    DOF_F_(T, DOF_F_STR, name, "name", "name", "name"),
    DOF_F_(T, DOF_F_STR, driver, "driver", "driver", "driver"),
    DOF_F_(T, DOF_F_STR, scope, "scope", "scope", "scope"),
    DOF_F_(T, DOF_F_BOOL, internal, "internal", "internal", "internal"),
    DOF_F_(T, DOF_F_BOOL, ipv6, "ipv6", "ipv6", "ipv6"),
    DOF_F_(T, DOF_F_TIME, created, "created", "created", "created"),
    DOF_F_(T, DOF_F_STR, created_raw, NULL, NULL, "created_text"),
    DOF_FN_(T, DOF_F_STRV, subnets, "subnets", "subnets", "subnets"),
    DOF_FN_(T, DOF_F_STRV, gateways, "gateways", "gateways", "gateways"),
    DOF_FL_(T, endpoints, dof_endpoint, dof_endpoint_fields, "endpoints",
            "endpoints"),
    DOF_FN_(T, DOF_F_KV, labels, "labels", "labels", "labels"),
    DOF_F_(T, DOF_F_STORE, store, "data_root", "data_root", NULL),
    DOF_F_(T, DOF_F_STORE_OFF, store, "volume_offset_bytes",
           "volume_offset_bytes", NULL),
    DOF_FIELDS_END};
#undef T

/* ---- access ---- */

#define DOF_FIELD_AT(rec, f, type)                                            \
    ((const type *)((const char *)(rec) + (f)->off))
#define DOF_FIELD_CNT(rec, f)                                                 \
    (*(const size_t *)((const char *)(rec) + (f)->cnt))

#endif
