-- schema.sql - the dof case database, schema version 2 (doc/schema.md).
--
-- Compiled into libdof (plugin/schema_sql.c is generated from this file
-- by a sed rule in Makefile.am); dof_case_open() runs it on a new case.
-- Rules: every table hangs off evidence(id) with ON DELETE CASCADE, so
-- deleting an evidence row removes everything ingested from it; keys of
-- child objects are local to one evidence item (evidence_id, *_key), which
-- is what lets `dof merge` copy an evidence item by renumbering one
-- column.  Times: integer ns since the epoch, UTC (NULL = never), plus the
-- original text (*_text) when the source was text.  Names from the image:
-- encoded TEXT (dof_name_encode) plus the raw bytes as a BLOB (*_raw).
-- Rows describing something on disk carry volume_offset_bytes, inode and
-- a path on that filesystem (verify with `istat -o SECTORS IMG INODE`).

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    format TEXT,
    vs_type TEXT,
    size_bytes INTEGER,
    stored_md5 TEXT,
    stored_sha1 TEXT,
    computed_md5 TEXT,
    computed_sha1 TEXT,
    ingested_at INTEGER,
    ingested_at_text TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'warnings', 'failed')),
    status_reason TEXT,
    warnings_count INTEGER NOT NULL DEFAULT 0,
    modules TEXT
);
CREATE INDEX evidence_size ON evidence (size_bytes);

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    dof_version TEXT,
    libtsk_version TEXT,
    sqlite_version TEXT,
    command_line TEXT,
    modules TEXT,
    started INTEGER,
    started_text TEXT,
    finished INTEGER,
    finished_text TEXT
);
CREATE INDEX ingest_runs_ev ON ingest_runs (evidence_id);

CREATE TABLE volumes (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    vol_index INTEGER NOT NULL,
    volume_offset_bytes INTEGER,
    length_bytes INTEGER,
    description TEXT,
    signature TEXT,
    note TEXT,
    fs_type TEXT,
    needs_recovery INTEGER,
    -- p2, 0, dir (dof_partition.address); last: added by schema 2
    address TEXT,
    PRIMARY KEY (evidence_id, vol_index)
);

CREATE TABLE data_roots (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    root_key INTEGER NOT NULL,
    volume_index INTEGER,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    path TEXT,
    found_by TEXT,
    driver TEXT,
    engine_version TEXT,
    engine_id TEXT,
    swarm_member INTEGER,
    swarm_node_id TEXT,
    swarm_addr TEXT,
    journal_needs_recovery INTEGER,
    PRIMARY KEY (evidence_id, root_key)
);

-- Host side of a filesystem: daemon.json and friends.  kind: api_tcp,
-- docker_group, credential, shell_history, insecure_registry,
-- daemon_json, data_root_setting, storage_driver_setting,
-- log_driver_setting.
CREATE TABLE host_settings (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    volume_offset_bytes INTEGER,
    kind TEXT NOT NULL,
    value TEXT,
    path TEXT
);
CREATE INDEX host_settings_ev ON host_settings (evidence_id);

CREATE TABLE containers (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    container_key INTEGER NOT NULL,
    root_key INTEGER,
    id TEXT NOT NULL,
    name TEXT,
    image TEXT,
    image_id TEXT,
    state TEXT,
    exit_code INTEGER,
    pid INTEGER,
    oom_killed INTEGER,
    error TEXT,
    created INTEGER,
    created_text TEXT,
    started_at INTEGER,
    started_at_text TEXT,
    finished_at INTEGER,
    finished_at_text TEXT,
    command TEXT,          -- JSON arrays of encoded strings
    entrypoint TEXT,
    cmd TEXT,
    exposed_ports TEXT,
    hostname TEXT,
    domainname TEXT,
    user TEXT,
    working_dir TEXT,
    driver TEXT,
    driver_supported INTEGER,
    mount_id TEXT,
    init_id TEXT,
    layer_parent TEXT,
    upper_dir TEXT,
    log_driver TEXT,
    log_opts TEXT,         -- JSON object
    log_path TEXT,
    restart_policy TEXT,
    restart_max_retries INTEGER,
    restart_count INTEGER,
    privileged INTEGER,
    auto_remove INTEGER,
    readonly_rootfs INTEGER,
    cap_add TEXT,
    cap_drop TEXT,
    security_opt TEXT,
    devices TEXT,
    pid_mode TEXT,
    network_mode TEXT,
    ipc_mode TEXT,
    uts_mode TEXT,
    userns_mode TEXT,
    apparmor_profile TEXT,
    seccomp_profile TEXT,
    health_status TEXT,
    health_failing_streak INTEGER,
    has_been_started_before INTEGER,
    has_been_manually_stopped INTEGER,
    hostname_path TEXT,
    hosts_path TEXT,
    resolv_conf_path TEXT,
    dir TEXT,
    hostconfig_path TEXT,
    legacy_v1 INTEGER,
    damaged INTEGER,
    volume_offset_bytes INTEGER,
    inode INTEGER,         -- of config.v2.json
    path TEXT,             -- config.v2.json
    -- schema version 2 (the migration step in plugin/db.c adds them)
    engine TEXT,           -- docker, containerd, podman
    store TEXT,            -- the store's path on its filesystem
    namespace TEXT,        -- containerd namespace
    pod_name TEXT,         -- Kubernetes pod (CRI), NULL when not in one
    pod_namespace TEXT,
    pod_uid TEXT,
    pod_sandbox_id TEXT,
    sandbox TEXT,          -- CRI sandbox the container runs in
    rootless_user TEXT,
    state_raw TEXT,        -- the engine's own state word (state: normalised)
    PRIMARY KEY (evidence_id, container_key)
);
CREATE INDEX containers_id ON containers (id);
CREATE INDEX containers_name ON containers (name);

CREATE TABLE container_mounts (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    position INTEGER NOT NULL,
    type TEXT,
    source TEXT,
    destination TEXT,
    name TEXT,
    driver TEXT,
    mode TEXT,
    propagation TEXT,
    rw INTEGER,
    PRIMARY KEY (evidence_id, container_key, position),
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE
);

-- kind: binding (HostConfig.PortBindings), published
-- (NetworkSettings.Ports), exposed (Config.ExposedPorts).
CREATE TABLE container_ports (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    kind TEXT NOT NULL,
    container_port TEXT,
    host_ip TEXT,
    host_port TEXT,
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE
);
CREATE INDEX container_ports_c ON container_ports (evidence_id, container_key);

CREATE TABLE container_env (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT,
    value TEXT,
    PRIMARY KEY (evidence_id, container_key, position),
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE
);

CREATE TABLE container_labels (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    key TEXT,
    value TEXT,
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE
);
CREATE INDEX container_labels_c ON container_labels (evidence_id, container_key);

CREATE TABLE images (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    image_key INTEGER NOT NULL,
    root_key INTEGER,
    id TEXT NOT NULL,
    parent TEXT,
    created INTEGER,
    created_text TEXT,
    last_updated INTEGER,
    last_updated_text TEXT,
    architecture TEXT,
    os TEXT,
    author TEXT,
    docker_version TEXT,
    comment TEXT,
    user TEXT,
    working_dir TEXT,
    cmd TEXT,
    entrypoint TEXT,
    env TEXT,
    exposed_ports TEXT,
    volumes TEXT,
    id_verified INTEGER,
    damaged INTEGER,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    path TEXT,
    -- schema version 2 (the migration step in plugin/db.c adds them)
    engine TEXT,
    store TEXT,
    namespace TEXT,
    rootless_user TEXT,
    -- schema version 4
    intermediate INTEGER,
    PRIMARY KEY (evidence_id, image_key)
);
CREATE INDEX images_id ON images (id);

-- kind: tag ("repo:tag") or digest ("repo@sha256:...").
CREATE TABLE image_tags (
    evidence_id INTEGER NOT NULL,
    image_key INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    FOREIGN KEY (evidence_id, image_key)
        REFERENCES images (evidence_id, image_key) ON DELETE CASCADE
);
CREATE INDEX image_tags_i ON image_tags (evidence_id, image_key);

CREATE TABLE image_labels (
    evidence_id INTEGER NOT NULL,
    image_key INTEGER NOT NULL,
    key TEXT,
    value TEXT,
    FOREIGN KEY (evidence_id, image_key)
        REFERENCES images (evidence_id, image_key) ON DELETE CASCADE
);
CREATE INDEX image_labels_i ON image_labels (evidence_id, image_key);

CREATE TABLE image_history (
    evidence_id INTEGER NOT NULL,
    image_key INTEGER NOT NULL,
    position INTEGER NOT NULL, -- 0 = oldest step
    created INTEGER,
    created_text TEXT,
    created_by TEXT,
    author TEXT,
    comment TEXT,
    empty_layer INTEGER,
    PRIMARY KEY (evidence_id, image_key, position),
    FOREIGN KEY (evidence_id, image_key)
        REFERENCES images (evidence_id, image_key) ON DELETE CASCADE
);

-- Every layer directory once per evidence: image layers (shared by the
-- images and containers using them), and each container's -init and
-- writable layer.  kind: image, init, container.
CREATE TABLE layers (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    layer_key INTEGER NOT NULL,
    root_key INTEGER,
    kind TEXT NOT NULL,
    chain_id TEXT,
    diff_id TEXT,
    cache_id TEXT,
    diff_path TEXT,
    size INTEGER,
    present INTEGER,       -- layerdb record found
    walked INTEGER,        -- files listed in layer_files
    files_count INTEGER,
    volume_offset_bytes INTEGER,
    inode INTEGER,         -- of the diff directory
    path TEXT,             -- = diff_path
    PRIMARY KEY (evidence_id, layer_key),
    UNIQUE (evidence_id, root_key, kind, cache_id)
);

CREATE TABLE image_layers (
    evidence_id INTEGER NOT NULL,
    image_key INTEGER NOT NULL,
    position INTEGER NOT NULL, -- 0 = base
    layer_key INTEGER NOT NULL,
    PRIMARY KEY (evidence_id, image_key, position),
    FOREIGN KEY (evidence_id, image_key)
        REFERENCES images (evidence_id, image_key) ON DELETE CASCADE,
    FOREIGN KEY (evidence_id, layer_key)
        REFERENCES layers (evidence_id, layer_key) ON DELETE CASCADE
);
CREATE INDEX image_layers_l ON image_layers (evidence_id, layer_key);

-- A container's stack, top first: position 0 = its writable layer, 1 =
-- -init, then the image layers from the top one down to the base.
-- role: container, init, image; image_index: N of "image:N" (0 = base).
CREATE TABLE container_layers (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    position INTEGER NOT NULL,
    layer_key INTEGER NOT NULL,
    role TEXT NOT NULL,
    image_index INTEGER,
    PRIMARY KEY (evidence_id, container_key, position),
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE,
    FOREIGN KEY (evidence_id, layer_key)
        REFERENCES layers (evidence_id, layer_key) ON DELETE CASCADE
);
CREATE INDEX container_layers_l ON container_layers (evidence_id, layer_key);

-- The files of each layer, once per (evidence, layer).  path: absolute
-- inside the layer ("/etc/passwd"), encoded; on disk it is
-- layers.diff_path || path (view layer_files_on_disk).  A whiteout row
-- (char device 0/0 on overlay, .wh.NAME on aufs) carries the path it
-- hides; is_opaque marks an opaque directory.  type: file, dir, symlink,
-- char, block, fifo, socket, unknown.
CREATE TABLE layer_files (
    evidence_id INTEGER NOT NULL,
    layer_key INTEGER NOT NULL,
    path TEXT NOT NULL,
    name_raw BLOB,
    parent TEXT,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    type TEXT,
    mode INTEGER,
    uid INTEGER,
    gid INTEGER,
    size INTEGER,
    nlink INTEGER,
    rdev_major INTEGER,
    rdev_minor INTEGER,
    atime INTEGER,
    mtime INTEGER,
    ctime INTEGER,
    crtime INTEGER,
    is_whiteout INTEGER NOT NULL DEFAULT 0,
    is_opaque INTEGER NOT NULL DEFAULT 0,
    symlink_target TEXT,
    symlink_target_raw BLOB,
    sha256 TEXT,
    PRIMARY KEY (evidence_id, layer_key, path),
    FOREIGN KEY (evidence_id, layer_key)
        REFERENCES layers (evidence_id, layer_key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX layer_files_mtime ON layer_files (evidence_id, mtime);

CREATE VIEW layer_files_on_disk AS
SELECT f.*, l.diff_path || f.path AS disk_path
FROM layer_files f
JOIN layers l ON l.evidence_id = f.evidence_id AND l.layer_key = f.layer_key;

CREATE VIEW whiteouts AS
SELECT f.evidence_id, f.layer_key, l.kind AS layer_kind, l.cache_id,
       f.path, f.is_whiteout, f.is_opaque, f.volume_offset_bytes, f.inode,
       l.diff_path || f.path AS disk_path
FROM layer_files f
JOIN layers l ON l.evidence_id = f.evidence_id AND l.layer_key = f.layer_key
WHERE f.is_whiteout OR f.is_opaque;

-- Each container's merged view (doc/schema.md, "The merged view"): for
-- each (container, path) the row of the topmost layer of its stack that
-- has the path, unless that row is a whiteout, or some proper ancestor
-- directory of the path is, in a layer above the winning one, a
-- whiteout, an opaque directory or a non-directory.  source says where
-- the row comes from ("container", "init", "image:N").  Written with
-- correlated subqueries so that a filter on one container stays cheap
-- (index lookups per row: layer_files_path, container_layers_cl).
CREATE INDEX layer_files_path ON layer_files (evidence_id, path);
CREATE INDEX container_layers_cl
    ON container_layers (evidence_id, container_key, layer_key);
CREATE VIEW container_merged AS
SELECT w.evidence_id, cl.container_key, c.id AS container_id,
       c.name AS container_name, w.path, w.name_raw, w.type, w.mode, w.uid,
       w.gid, w.size, w.nlink, w.rdev_major, w.rdev_minor, w.atime, w.mtime,
       w.ctime, w.crtime, w.is_opaque, w.symlink_target, w.sha256,
       w.volume_offset_bytes, w.inode, w.layer_key, cl.position, cl.role,
       CASE cl.role WHEN 'image' THEN 'image:' || cl.image_index
                    ELSE cl.role END AS source
FROM containers c
JOIN container_layers cl
  ON cl.evidence_id = c.evidence_id AND cl.container_key = c.container_key
JOIN layer_files w
  ON w.evidence_id = cl.evidence_id AND w.layer_key = cl.layer_key
WHERE w.is_whiteout = 0
  -- no layer above has the same path (it wins, or whites it out)
  AND NOT EXISTS (
    SELECT 1 FROM layer_files x
    JOIN container_layers u
      ON u.evidence_id = x.evidence_id AND u.layer_key = x.layer_key
    WHERE x.evidence_id = w.evidence_id AND x.path = w.path
      AND u.container_key = cl.container_key AND u.position < cl.position)
  -- no ancestor is hidden, opaque or replaced in a layer above
  AND NOT EXISTS (
    WITH RECURSIVE anc (a, rest) AS (
        SELECT '', substr(w.path, 2)
        UNION ALL
        SELECT a || '/' || substr(rest, 1, instr(rest, '/') - 1),
               substr(rest, instr(rest, '/') + 1)
        FROM anc WHERE instr(rest, '/') > 0)
    SELECT 1 FROM anc
    JOIN layer_files h ON h.evidence_id = w.evidence_id AND h.path = anc.a
    JOIN container_layers u
      ON u.evidence_id = h.evidence_id AND u.layer_key = h.layer_key
    WHERE anc.a <> '' AND u.container_key = cl.container_key
      AND u.position < cl.position
      AND (h.is_whiteout OR h.is_opaque OR h.type <> 'dir'));

CREATE TABLE volumes_docker (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    volume_key INTEGER NOT NULL,
    root_key INTEGER,
    name TEXT,
    driver TEXT,
    labels TEXT,           -- JSON object
    options TEXT,          -- JSON object
    data_path TEXT,
    created INTEGER,
    in_metadata INTEGER,
    anonymous INTEGER,
    mount_type TEXT,
    mount_opts TEXT,
    mount_device TEXT,
    containers TEXT,       -- JSON array of container names
    volume_offset_bytes INTEGER,
    inode INTEGER,         -- of _data
    path TEXT,             -- = data_path
    PRIMARY KEY (evidence_id, volume_key)
);

CREATE TABLE networks (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    network_key INTEGER NOT NULL,
    root_key INTEGER,
    id TEXT,
    name TEXT,
    driver TEXT,
    scope TEXT,
    internal INTEGER,
    ipv6 INTEGER,
    created INTEGER,
    created_text TEXT,
    subnets TEXT,          -- JSON arrays
    gateways TEXT,
    labels TEXT,
    PRIMARY KEY (evidence_id, network_key)
);

-- Endpoints from containers (NetworkSettings.Networks: container_key set)
-- and from network records (local-kv.db: network_key set).
CREATE TABLE endpoints (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    container_key INTEGER,
    network_key INTEGER,
    network TEXT,
    network_id TEXT,
    endpoint_id TEXT,
    ip_address TEXT,
    mac_address TEXT,
    gateway TEXT,
    name TEXT,
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE,
    FOREIGN KEY (evidence_id, network_key)
        REFERENCES networks (evidence_id, network_key) ON DELETE CASCADE
);
CREATE INDEX endpoints_c ON endpoints (evidence_id, container_key);
CREATE INDEX endpoints_n ON endpoints (evidence_id, network_key);

-- Container log records (module "logs", when the logs API is present).
CREATE TABLE log_records (
    evidence_id INTEGER NOT NULL,
    container_key INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    time INTEGER,
    time_text TEXT,
    stream TEXT,
    message TEXT,
    message_raw BLOB,
    partial INTEGER,
    format TEXT,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    path TEXT,             -- the log file
    file_offset INTEGER,   -- of the record in that file
    PRIMARY KEY (evidence_id, container_key, seq),
    FOREIGN KEY (evidence_id, container_key)
        REFERENCES containers (evidence_id, container_key) ON DELETE CASCADE
);
CREATE INDEX log_records_time ON log_records (evidence_id, time);

-- kind: container_created, container_started, container_finished,
-- image_created, image_last_tagged, history_step, volume_created,
-- network_created, file_m, file_a, file_c, file_b (MACB of files in
-- container layers).
CREATE TABLE timeline_events (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    time INTEGER NOT NULL,
    time_text TEXT,
    kind TEXT NOT NULL,
    container_key INTEGER,
    image_key INTEGER,
    layer_key INTEGER,
    object_id TEXT,
    description TEXT,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    path TEXT
);
CREATE INDEX timeline_time ON timeline_events (evidence_id, time);
CREATE INDEX timeline_t ON timeline_events (time);

-- severity: high, medium, low, info.
CREATE TABLE findings (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    severity TEXT NOT NULL,
    kind TEXT NOT NULL,
    container_key INTEGER,
    container_id TEXT,
    image_key INTEGER,
    image_id TEXT,
    description TEXT,
    volume_offset_bytes INTEGER,
    inode INTEGER,
    path TEXT
);
CREATE INDEX findings_ev ON findings (evidence_id, kind);

CREATE TABLE warnings (
    evidence_id INTEGER NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    code INTEGER,
    code_name TEXT,
    path TEXT,
    message TEXT,
    PRIMARY KEY (evidence_id, seq)
);
