/*
 * test_docker.c - engine-model parsers on embedded JSON: container state
 * derivation, config.v2.json + hostconfig.json, damaged configs, ChainID,
 * repositories.json, image configs, host-side settings.
 * Expected ChainIDs were computed with sha256sum(1), not with dof.
 */
#include "engine/docker/docker_private.h"
#include "tap.h"

#include <stdlib.h>

#define ZT "0001-01-01T00:00:00Z"

static dof_ctx *ctx;
static dof_arena *arena;
static dof_store root;
static dof_storeb rb;

static int
setup(void)
{
    ctx = dof_ctx_new();
    arena = dof_arena_new();
    memset(&root, 0, sizeof(root));
    root.path = "/var/lib/docker";
    memset(&rb, 0, sizeof(rb));
    rb.ctx = ctx;
    rb.arena = arena;
    rb.store = &root;
    return 0;
}

static int
warned(const char *needle)
{
    for (size_t i = 0; i < dof_warning_count(ctx); i++)
        if (strstr(dof_warning_get(ctx, i)->message, needle))
            return 1;
    return 0;
}

static int
parse_c(dof_container *c, const char *cfg, const char *hc)
{
    memset(c, 0, sizeof(*c));
    c->id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    c->config_path = "/var/lib/docker/containers/x/config.v2.json";
    return dof_docker_container_parse(&rb, c, cfg, strlen(cfg), hc,
                                      hc ? strlen(hc) : 0, 0);
}

TEST(state_table)
{
    const int64_t T = 1683356889000000000LL, Z = DOF_TIME_NONE;
    struct {
        int run, pau, rst, rem, dead;
        int64_t started;
        dof_state want;
        const char *name;
    } t[] = {
        {1, 0, 0, 0, 0, T, DOF_STATE_RUNNING, "running"},
        {1, 1, 0, 0, 0, T, DOF_STATE_PAUSED, "paused"},
        {1, 1, 1, 0, 0, T, DOF_STATE_PAUSED, "paused"}, /* paused first */
        {1, 0, 1, 0, 0, T, DOF_STATE_RESTARTING, "restarting"},
        {1, 0, 0, 1, 1, T, DOF_STATE_RUNNING, "running"}, /* running wins */
        {0, 0, 0, 1, 0, T, DOF_STATE_REMOVING, "removing"},
        {0, 0, 0, 1, 1, T, DOF_STATE_REMOVING, "removing"},
        {0, 0, 0, 0, 1, T, DOF_STATE_DEAD, "dead"},
        {0, 0, 0, 0, 0, Z, DOF_STATE_CREATED, "created"},
        {0, 1, 0, 0, 0, Z, DOF_STATE_CREATED, "created"},
        {0, 0, 0, 0, 0, T, DOF_STATE_EXITED, "exited"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        dof_state s = dof_docker_state_derive(
            t[i].run, t[i].pau, t[i].rst, t[i].rem, t[i].dead, t[i].started);
        is_int(s, t[i].want, "state row %zu", i);
        is_str(dof_state_name(s), t[i].name, "state row %zu name", i);
    }
}

static const char full_cfg[] =
    "{\"StreamConfig\":{},\"State\":{\"Running\":false,\"Paused\":false,"
    "\"Restarting\":false,\"OOMKilled\":true,\"RemovalInProgress\":false,"
    "\"Dead\":false,\"Pid\":0,\"ExitCode\":137,\"Error\":\"\","
    "\"StartedAt\":\"2023-05-06T07:08:09.123456789Z\","
    "\"FinishedAt\":\"2023-05-06T08:00:00.5Z\",\"Health\":{\"Status\":"
    "\"unhealthy\",\"FailingStreak\":3,\"Log\":[{\"Start\":"
    "\"2023-05-06T07:09:00Z\",\"End\":\"2023-05-06T07:09:01Z\","
    "\"ExitCode\":1,\"Output\":\"boom\"}]}},"
    "\"ID\":"
    "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
    "\"Created\":\"2023-05-06T07:00:00.000000001Z\",\"Managed\":false,"
    "\"Path\":\"/bin/sh\",\"Args\":[\"-c\",\"sleep 1\"],"
    "\"Config\":{\"Hostname\":\"web1\",\"Domainname\":\"lab\","
    "\"User\":\"www\",\"ExposedPorts\":{\"443/tcp\":{},\"80/tcp\":{}},"
    "\"Env\":[\"A=1\",\"PATH=/bin\"],\"Cmd\":[\"-c\",\"sleep 1\"],"
    "\"Image\":\"local/web:1\",\"WorkingDir\":\"/srv\",\"Entrypoint\":"
    "[\"/bin/sh\"],\"Labels\":{\"z\":\"last\",\"a\":\"first\"}},"
    "\"Image\":\"sha256:aaaa\",\"NetworkSettings\":{\"Networks\":{"
    "\"bridge\":{\"IPAddress\":\"172.17.0.2\",\"MacAddress\":"
    "\"02:42:ac:11:00:02\",\"Gateway\":\"172.17.0.1\",\"NetworkID\":"
    "\"n1\",\"EndpointID\":\"e1\"}},\"Ports\":{\"80/tcp\":[{\"HostIp\":"
    "\"0.0.0.0\",\"HostPort\":\"8080\"}],\"443/tcp\":null}},"
    "\"LogPath\":\"/var/lib/docker/containers/x/x-json.log\","
    "\"Name\":\"/web\",\"Driver\":\"overlay2\",\"RestartCount\":2,"
    "\"HasBeenStartedBefore\":true,\"HasBeenManuallyStopped\":true,"
    "\"MountPoints\":{\"/data\":{\"Source\":\"\",\"Destination\":\"/data\","
    "\"RW\":true,\"Name\":\"vol1\",\"Driver\":\"local\",\"Type\":\"volume\","
    "\"Relabel\":\"z\",\"Propagation\":\"\"},\"/host\":{\"Source\":\"/\","
    "\"Destination\":\"/host\",\"RW\":false,\"Name\":\"\",\"Driver\":\"\","
    "\"Type\":\"bind\",\"Relabel\":\"ro\",\"Propagation\":\"rprivate\"}},"
    "\"AppArmorProfile\":\"docker-default\",\"SeccompProfile\":\"\","
    "\"HostnamePath\":\"/h\",\"HostsPath\":\"/hs\",\"ResolvConfPath\":\"/r\"}";

static const char full_hc[] =
    "{\"Binds\":[\"/:/host:ro\"],\"LogConfig\":{\"Type\":\"json-file\","
    "\"Config\":{\"max-size\":\"10m\",\"max-file\":\"3\"}},"
    "\"NetworkMode\":\"default\",\"PortBindings\":{\"80/tcp\":[{\"HostIp\":"
    "\"\",\"HostPort\":\"8080\"}],\"443/tcp\":[{\"HostIp\":\"127.0.0.1\","
    "\"HostPort\":\"8443\"}]},\"RestartPolicy\":{\"Name\":\"on-failure\","
    "\"MaximumRetryCount\":5},\"AutoRemove\":false,\"CapAdd\":"
    "[\"NET_ADMIN\",\"SYS_ADMIN\"],\"CapDrop\":[\"MKNOD\"],\"IpcMode\":"
    "\"host\",\"PidMode\":\"host\",\"Privileged\":true,\"ReadonlyRootfs\":"
    "true,\"SecurityOpt\":[\"seccomp=unconfined\"],\"UTSMode\":\"\","
    "\"UsernsMode\":\"host\",\"Devices\":[{\"PathOnHost\":\"/dev/fuse\","
    "\"PathInContainer\":\"/dev/fuse\",\"CgroupPermissions\":\"rwm\"}]}";

TEST(container_full)
{
    dof_container c;
    size_t w0 = dof_warning_count(ctx);

    is_int(parse_c(&c, full_cfg, full_hc), DOF_OK, "full config parses");
    is_int(dof_warning_count(ctx), w0, "no warnings for a good config");
    is_int(c.damaged, 0, "not damaged");
    is_str(c.name, "web", "name without '/'");
    is_str(c.image, "local/web:1", "Config.Image");
    is_str(c.image_id, "sha256:aaaa", "Image");
    is_int(c.state, DOF_STATE_EXITED, "exited");
    is_int(c.exit_code, 137, "exit code");
    is_int(c.oom_killed, 1, "OOMKilled");
    ok(c.error == NULL, "empty Error is NULL");
    is_int(c.started_at, 1683356889123456789LL, "StartedAt ns");
    is_str(c.started_at_raw, "2023-05-06T07:08:09.123456789Z", "raw kept");
    is_int(c.finished_at, 1683360000500000000LL, "FinishedAt ns");
    is_int(c.created, 1683356400000000001LL, "Created ns");
    is_int(c.ncommand, 3, "command = Path + Args");
    is_str(c.ncommand == 3 ? c.command[0] : NULL, "/bin/sh", "command[0]");
    is_str(c.ncommand == 3 ? c.command[2] : NULL, "sleep 1", "command[2]");
    is_int(c.nentrypoint, 1, "entrypoint");
    is_int(c.ncmd, 2, "cmd");
    is_int(c.nenv, 2, "env");
    is_int(c.nlabels, 2, "labels");
    is_str(c.nlabels == 2 ? c.labels[0].key : NULL, "a", "labels sorted");
    is_int(c.nexposed_ports, 2, "exposed");
    is_str(c.nexposed_ports == 2 ? c.exposed_ports[0] : NULL, "443/tcp",
           "exposed sorted");
    is_int(c.npublished_ports, 1, "null Ports entry is not published");
    is_str(c.npublished_ports ? c.published_ports[0].host_port : NULL, "8080",
           "published host port");
    is_int(c.nport_bindings, 2, "port bindings");
    is_str(c.nport_bindings == 2 ? c.port_bindings[0].container_port : NULL,
           "443/tcp", "bindings sorted by port");
    is_str(c.nport_bindings == 2 ? c.port_bindings[0].host_ip : NULL,
           "127.0.0.1", "binding host ip");
    is_str(c.nport_bindings == 2 ? c.port_bindings[1].host_ip : NULL, "",
           "empty host ip");
    is_int(c.nmounts, 2, "two mounts");
    if (c.nmounts == 2) {
        is_str(c.mounts[0].destination, "/data", "mounts sorted");
        is_str(c.mounts[0].type, "volume", "volume type");
        is_str(c.mounts[0].source, "/var/lib/docker/volumes/vol1/_data",
               "volume source from root");
        is_str(c.mounts[0].mode, "z", "Relabel is the mode");
        ok(c.mounts[0].propagation == NULL, "empty propagation NULL");
        is_int(c.mounts[0].rw, 1, "rw");
        is_str(c.mounts[1].source, "/", "bind source");
        ok(c.mounts[1].name == NULL, "bind has no name");
        is_int(c.mounts[1].rw, 0, "ro");
        is_str(c.mounts[1].propagation, "rprivate", "propagation");
    }
    is_int(c.nendpoints, 1, "endpoint");
    is_str(c.nendpoints ? c.endpoints[0].ip_address : NULL, "172.17.0.2",
           "ip");
    is_str(c.nendpoints ? c.endpoints[0].network : NULL, "bridge", "net");
    is_str(c.hostname, "web1", "hostname");
    is_str(c.domainname, "lab", "domainname");
    is_str(c.user, "www", "user");
    is_str(c.working_dir, "/srv", "workdir");
    is_str(c.driver, "overlay2", "driver");
    is_str(c.log_driver, "json-file", "log driver");
    is_int(c.nlog_opts, 2, "log opts");
    is_str(c.nlog_opts == 2 ? c.log_opts[0].key : NULL, "max-file",
           "log opts sorted");
    is_str(c.restart_policy, "on-failure", "restart policy");
    is_int(c.restart_max_retries, 5, "max retries");
    is_int(c.restart_count, 2, "restart count");
    is_int(c.privileged, 1, "privileged");
    is_int(c.readonly_rootfs, 1, "readonly rootfs");
    is_int(c.auto_remove, 0, "auto remove");
    is_int(c.ncap_add, 2, "cap add");
    is_int(c.ncap_drop, 1, "cap drop");
    is_str(c.nsecurity_opt ? c.security_opt[0] : NULL, "seccomp=unconfined",
           "security opt");
    is_str(c.pid_mode, "host", "pid mode");
    is_str(c.ipc_mode, "host", "ipc mode");
    is_str(c.userns_mode, "host", "userns mode");
    is_str(c.network_mode, "default", "network mode");
    is_str(c.ndevices ? c.devices[0] : NULL, "/dev/fuse:/dev/fuse", "device");
    is_str(c.health_status, "unhealthy", "health");
    is_int(c.health_failing_streak, 3, "failing streak");
    is_int(c.nhealth_log, 1, "health log");
    is_str(c.nhealth_log ? c.health_log[0].output : NULL, "boom", "probe");
    is_int(c.has_been_started_before, 1, "started before");
    is_int(c.has_been_manually_stopped, 1, "manually stopped");
    is_str(c.apparmor_profile, "docker-default", "apparmor");
    is_str(c.log_path, "/var/lib/docker/containers/x/x-json.log", "log path");
}

TEST(container_states)
{
    dof_container c;
    parse_c(&c,
            "{\"State\":{\"Running\":false,\"ExitCode\":127,\"Error\":"
            "\"exec: not found\",\"StartedAt\":\"" ZT "\",\"FinishedAt\":\"" ZT
            "\"},\"Name\":\"/f\"}",
            NULL);
    is_int(c.state, DOF_STATE_CREATED, "failed start is created");
    is_int(c.exit_code, 127, "failed start keeps exit code");
    is_str(c.error, "exec: not found", "error kept");
    ok(c.started_at == DOF_TIME_NONE, "zero StartedAt is NONE");
    is_int(c.damaged, 0, "failed start not damaged");

    parse_c(&c,
            "{\"State\":{\"Running\":true,\"Paused\":true,\"Pid\":42,"
            "\"StartedAt\":\"2023-01-01T00:00:00Z\"}}",
            NULL);
    is_int(c.state, DOF_STATE_PAUSED, "paused");
    is_int(c.pid, 42, "pid");
    parse_c(&c,
            "{\"State\":{\"RemovalInProgress\":true,\"StartedAt\":"
            "\"2023-01-01T00:00:00Z\"}}",
            NULL);
    is_int(c.state, DOF_STATE_REMOVING, "removing");
    parse_c(&c, "{\"State\":{\"Dead\":true,\"StartedAt\":\"" ZT "\"}}", NULL);
    is_int(c.state, DOF_STATE_DEAD, "dead even if never started");
    parse_c(&c,
            "{\"State\":{\"Running\":true,\"Restarting\":true,\"StartedAt\":"
            "\"2023-01-01T00:00:00Z\"}}",
            NULL);
    is_int(c.state, DOF_STATE_RESTARTING, "restarting");
}

TEST(container_damaged)
{
    dof_container c;
    size_t w0 = dof_warning_count(ctx);
    char *cut = strndup(full_cfg, 200);

    is_int(parse_c(&c, cut, full_hc), DOF_OK, "truncated: still OK status");
    is_int(c.damaged, 1, "truncated -> damaged");
    ok(c.id != NULL && strncmp(c.id, "0123", 4) == 0, "id from the dir");
    is_int(c.state, DOF_STATE_UNKNOWN, "state unknown");
    ok(dof_warning_count(ctx) > w0, "a warning was recorded");
    ok(warned("truncated JSON"), "warning says truncated");
    is_str(c.log_driver, "json-file", "hostconfig still read");
    free(cut);

    w0 = dof_warning_count(ctx);
    parse_c(&c,
            "{\"Name\":5,\"Config\":{\"Image\":\"busybox\"},\"State\":{"
            "\"Running\":\"yes\",\"StartedAt\":\"2023-01-01T00:00:00Z\"},"
            "\"Args\":[\"a\",7,\"b\"]}",
            "{\"Privileged\":\"true\"}");
    is_int(c.damaged, 1, "wrong types -> damaged");
    ok(c.name == NULL, "bad Name dropped");
    is_str(c.image, "busybox", "good fields kept");
    is_int(c.state, DOF_STATE_EXITED, "bad Running read as false");
    is_int(c.ncommand, 2, "bad Args element skipped");
    is_int(c.privileged, 0, "bad Privileged read as false");
    ok(warned("wrong type in the config (first: Name)"),
       "warning names the first bad field");
    ok(warned("wrong type in hostconfig (first: Privileged)"),
       "hostconfig warning names its field");

    parse_c(&c, "[1,2]", NULL);
    is_int(c.damaged, 1, "array config -> damaged");
    parse_c(&c, "{\"Name\":\"/x\"} trailing", NULL);
    is_int(c.damaged, 1, "trailing garbage -> damaged");
    parse_c(&c, "", NULL);
    is_int(c.damaged, 1, "empty file -> damaged");
    parse_c(&c, "{}", NULL);
    is_int(c.damaged, 1, "empty object -> damaged");
    ok(warned("neither ID nor State"), "empty object warning");
}

TEST(json_cap)
{
    json_object *o = NULL;
    char why[128];
    is_int(dof_json_parse("{\"a\":1}", 7, 6, &o, why, sizeof(why)),
           DOF_ERR_LIMIT, "over the cap");
    ok(o == NULL, "nothing parsed over the cap");
    ok(strstr(why, "cap") != NULL, "reason names the cap");
    is_int(dof_json_parse("{\"a\":1}", 7, 7, &o, why, sizeof(why)), DOF_OK,
           "at the cap");
    json_object_put(o);
    /* deep nesting beyond the tokenizer depth is refused, not a crash */
    {
        char deep[400];
        memset(deep, '[', 200);
        memset(deep + 200, ']', 200);
        is_int(dof_json_parse(deep, 400, 1000, &o, why, sizeof(why)),
               DOF_ERR_FORMAT, "nesting too deep");
    }
}

TEST(chain_id)
{
    char out[72];
    dof_docker_chain_id(NULL, "sha256:a", out);
    is_str(out, "sha256:a", "base ChainID = DiffID");
    /* printf 'sha256:a sha256:b' | sha256sum */
    dof_docker_chain_id("sha256:a", "sha256:b", out);
    is_str(out,
           "sha256:"
           "970a948bffa8de94d6e22d747ba8c95030e6e546909f98f54e99a13005e173a8",
           "ChainID(a,b)");
    dof_docker_chain_id(out, "sha256:c", out);
    is_str(out,
           "sha256:"
           "dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7bd8a33c9b1b",
           "ChainID(a,b,c)");
}

TEST(repositories)
{
    const char *j =
        "{\"Repositories\":{\"local/web\":{\"local/web:1\":\"sha256:aa\","
        "\"local/web:latest\":\"sha256:aa\",\"local/web@sha256:dd\":"
        "\"sha256:aa\"},\"localhost:5000/x\":{\"localhost:5000/x:2\":"
        "\"sha256:bb\"}}}";
    const char *old = "{\"Repositories\":{\"busybox\":{\"latest\":\"cafe\"}}}";
    dof_repo_ref *r = NULL;
    size_t n = 0, tags = 0, digests = 0;
    int sawport = 0;

    is_int(
        dof_docker_repositories_parse(ctx, arena, "r", j, strlen(j), &r, &n),
        DOF_OK, "repositories parse");
    is_int(n, 4, "four refs");
    for (size_t i = 0; i < n; i++) {
        if (r[i].is_digest) {
            digests++;
            is_str(r[i].ref, "local/web@sha256:dd", "digest ref");
        }
        else
            tags++;
        if (strcmp(r[i].ref, "localhost:5000/x:2") == 0)
            sawport = strcmp(r[i].id, "sha256:bb") == 0;
    }
    is_int(tags, 3, "three tags");
    is_int(digests, 1, "one digest");
    ok(sawport, "registry port kept in the ref");
    is_int(dof_docker_repositories_parse(ctx, arena, "r", old, strlen(old), &r,
                                         &n),
           DOF_OK, "legacy repositories parse");
    is_int(n, 1, "one legacy ref");
    is_str(n ? r[0].ref : NULL, "busybox:latest", "legacy tag composed");
    is_int(
        dof_docker_repositories_parse(ctx, arena, "r", "{\"Repo", 6, &r, &n),
        DOF_OK, "damaged repositories is a warning");
    is_int(n, 0, "no refs from damage");
}

TEST(image)
{
    const char *j =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":"
        "\"2023-05-06T07:08:09Z\",\"author\":\"me\",\"docker_version\":"
        "\"20.10.24\",\"config\":{\"Cmd\":[\"sh\"],\"Env\":[\"A=1\"],"
        "\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},"
        "\"Labels\":{\"k\":\"v\"},\"User\":\"u\",\"WorkingDir\":\"/w\"},"
        "\"history\":[{\"created\":\"2023-05-06T07:00:00Z\",\"created_by\":"
        "\"import\"},{\"created\":\"2023-05-06T07:08:09Z\",\"created_by\":"
        "\"ENV A=1\",\"empty_layer\":true},{\"created_by\":\"RUN x\"}],"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:a\","
        "\"sha256:b\",\"sha256:c\"]}}";
    dof_image img;

    size_t nw = dof_warning_count(ctx);

    memset(&img, 0, sizeof(img));
    img.id = "sha256:x";
    is_int(dof_docker_image_parse(&rb, &img, j, strlen(j)), DOF_OK,
           "image parses");
    is_int(img.damaged, 0, "image not damaged");
    /* "sha256:a" is no DiffID dockerd writes: one warning for the image */
    is_int(dof_warning_count(ctx), nw + 1, "short diff_ids: one warning");
    if (dof_warning_count(ctx) == nw + 1)
        ok(strstr(dof_warning_get(ctx, nw)->message,
                  "rootfs.diff_ids[0] is not sha256:<64 hex digits>") != NULL,
           "the warning names the first bad diff_id");
    is_str(img.architecture, "amd64", "arch");
    is_str(img.docker_version, "20.10.24", "docker_version");
    is_int(img.created, 1683356889000000000LL, "created");
    is_int(img.nhistory, 3, "history");
    is_int(img.nhistory == 3 ? img.history[1].empty_layer : -1, 1,
           "empty_layer");
    is_int(img.nlayers, 3, "layers");
    if (img.nlayers == 3) {
        is_str(img.layers[0].chain_id, "sha256:a", "layer 0 chain");
        is_str(img.layers[2].chain_id,
               "sha256:dee159b33409cefa3f6eda71539f006014283e9d9130c18a1dea7"
               "bd8a33c9b1b",
               "layer 2 chain");
    }
    is_int(img.nexposed_ports, 1, "exposed");
    is_int(img.nvolumes, 1, "volumes");
    is_str(img.user, "u", "user");

    memset(&img, 0, sizeof(img));
    img.id = "sha256:z";
    nw = dof_warning_count(ctx);
    j = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"]}"
        "}";
    is_int(dof_docker_image_parse(&rb, &img, j, strlen(j)), DOF_OK,
           "well-formed diff_id parses");
    is_int(dof_warning_count(ctx), nw,
           "a sha256:<64 hex> diff_id: no warning");

    memset(&img, 0, sizeof(img));
    img.id = "sha256:y";
    j = "{\"rootfs\":{\"diff_ids\":\"nope\"},\"created\":5}";
    dof_docker_image_parse(&rb, &img, j, strlen(j));
    is_int(img.damaged, 1, "bad image types -> damaged");
    is_int(img.nlayers, 0, "no layers from a bad diff_ids");
}

TEST(hostinfo)
{
    dof_hostinfo hi;
    const char *dj = "{\"data-root\":\"/srv/docker\",\"storage-driver\":"
                     "\"overlay2\",\"hosts\":[\"unix:///run/docker.sock\","
                     "\"tcp://0.0.0.0:2375\"],\"insecure-registries\":"
                     "[\"10.0.0.5:5000\"]}";
    const char *unit =
        "[Service]\n# ExecStart=/usr/bin/dockerd -H tcp://1.2.3.4:1\n"
        "ExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H "
        "tcp://0.0.0.0:2376 --tlsverify\n";
    const char *grp = "root:x:0:\ndocker:x:998:alice,bob\nusers:x:100:\n";
    const char *creds = "{\"auths\":{\"registry.example.com\":{\"auth\":"
                        "\"YWxpY2U6czNjcmV0\"}}}";
    const char *dpkg =
        "Package: docker.io\nStatus: deinstall ok config-files\n"
        "Version: 18.09.1\n\nPackage: containerd\nStatus: install ok "
        "installed\nVersion: 1.6.20\n\nPackage: docker.io\nStatus: install "
        "ok installed\nPriority: optional\nVersion: 20.10.24+dfsg1-1+b3\n";

    memset(&hi, 0, sizeof(hi));
    is_int(dof_docker_daemon_json_parse(
               ctx, arena, &hi, "/etc/docker/daemon.json", dj, strlen(dj)),
           DOF_OK, "daemon.json");
    is_str(hi.data_root_setting, "/srv/docker", "data-root");
    is_str(hi.storage_driver_setting, "overlay2", "storage-driver");
    is_int(hi.napi_tcp, 1, "one tcp host");
    is_str(hi.napi_tcp ? hi.api_tcp[0] : NULL,
           "tcp://0.0.0.0:2375 (/etc/docker/daemon.json)", "tcp entry");
    is_int(hi.ninsecure_registries, 1, "insecure registry");
    dof_docker_unit_scan(arena, &hi, "u", unit, strlen(unit));
    is_int(hi.napi_tcp, 2, "unit adds one (comment ignored)");
    is_str(hi.napi_tcp == 2 ? hi.api_tcp[1] : NULL, "tcp://0.0.0.0:2376 (u)",
           "unit tcp entry");
    dof_docker_group_parse(arena, &hi, grp, strlen(grp));
    is_int(hi.ndocker_group, 2, "docker group members");
    is_str(hi.ndocker_group == 2 ? hi.docker_group[1] : NULL, "bob", "bob");
    dof_docker_creds_parse(ctx, arena, &hi, "c", creds, strlen(creds), 0);
    is_int(hi.ncredentials, 1, "one credential");
    is_str(hi.ncredentials ? hi.credentials[0] : NULL,
           "alice: registry.example.com", "user: registry, no secret");
    ok(hi.ncredentials && !strstr(hi.credentials[0], "s3cret"),
       "password withheld");
    dof_docker_creds_parse(ctx, arena, &hi, "c", creds, strlen(creds), 1);
    ok(hi.ncredentials == 2 && strstr(hi.credentials[1], "s3cret"),
       "password shown with show_secrets");
    ok(dof_docker_history_has_docker("ls\nsudo docker run -it x\n", 25),
       "history with docker");
    ok(dof_docker_history_has_docker(": 1690000000:0;docker ps\n", 25),
       "zsh extended history");
    ok(!dof_docker_history_has_docker("ls\nvim dockerfile\n", 18),
       "history without docker");
    is_str(dof_docker_dpkg_version(arena, dpkg, strlen(dpkg)),
           "20.10.24+dfsg1-1+b3", "installed docker.io version");
    ok(dof_docker_dpkg_version(arena, dpkg, 60) == NULL,
       "deinstalled package ignored");
}

TEST(find)
{
    static dof_container cs[3];
    static dof_image ims[2];
    static const char *t0[] = {"local/app:1.0", "local/app:latest"};
    static const char *d0[] = {"local/app@sha256:dd"};
    static const char *t1[] = {"localhost:5000/x:2"};
    dof_store r;
    dof_store *rp = &r;
    struct dof_host h;
    const dof_container *c = NULL;
    const dof_image *im = NULL;
    const char *A =
        "abc1000000000000000000000000000000000000000000000000000000000000";
    const char *B =
        "abc2000000000000000000000000000000000000000000000000000000000000";
    const char *C =
        "def0000000000000000000000000000000000000000000000000000000000000";

    memset(cs, 0, sizeof(cs));
    memset(ims, 0, sizeof(ims));
    memset(&r, 0, sizeof(r));
    cs[0].id = A, cs[0].name = "web";
    cs[1].id = B, cs[1].name = "def0"; /* a name that looks like C's id */
    cs[2].id = C, cs[2].name = "db";
    ims[0].id = "sha256:aa11", ims[0].tags = t0, ims[0].ntags = 2;
    ims[0].digests = d0, ims[0].ndigests = 1;
    ims[1].id = "sha256:aa22", ims[1].tags = t1, ims[1].ntags = 1;
    r.containers = cs, r.ncontainers = 3;
    r.images = ims, r.nimages = 2;
    memset(&h, 0, sizeof(h));
    h.stores = &rp, h.nstores = 1;

    is_int(dof_host_find_container(ctx, &h, "web", &c), DOF_OK, "by name");
    ok(c == &cs[0], "by name hits web");
    is_int(dof_host_find_container(ctx, &h, "/web", &c), DOF_OK, "by /name");
    is_int(dof_host_find_container(ctx, &h, B, &c), DOF_OK, "by full id");
    ok(c == &cs[1], "full id hits");
    is_int(dof_host_find_container(ctx, &h, "def0", &c), DOF_OK,
           "name before id prefix");
    ok(c == &cs[1], "name wins over a prefix (as dockerd)");
    is_int(dof_host_find_container(ctx, &h, "abc2", &c), DOF_OK, "prefix");
    ok(c == &cs[1], "unique prefix hits");
    is_int(dof_host_find_container(ctx, &h, "abc", &c), DOF_ERR_AMBIGUOUS,
           "ambiguous prefix");
    ok(c == NULL, "no result when ambiguous");
    is_str(dof_errmsg(ctx),
           "Too many container IDs starting with \"abc\": "
           "abc1000000000000000000000000000000000000000000000000000000000000, "
           "abc2000000000000000000000000000000000000000000000000000000000000",
           "ambiguous message lists candidates");
    is_int(dof_host_find_container(ctx, &h, "zz", &c), DOF_ERR_NOTFOUND,
           "not found");
    is_str(dof_errmsg(ctx),
           "no container named or with an ID starting with \"zz\"",
           "not found message");

    is_int(dof_host_find_image(ctx, &h, "local/app", &im), DOF_OK,
           "repo -> latest");
    ok(im == &ims[0], "repo hits");
    is_int(dof_host_find_image(ctx, &h, "local/app@sha256:dd", &im), DOF_OK,
           "by digest");
    is_int(dof_host_find_image(ctx, &h, "localhost:5000/x", &im),
           DOF_ERR_NOTFOUND, "registry port is not a tag (no :latest)");
    is_int(dof_host_find_image(ctx, &h, "localhost:5000/x:2", &im), DOF_OK,
           "repo with port and tag");
    ok(im == &ims[1], "port repo hits");
    is_int(dof_host_find_image(ctx, &h, "sha256:aa2", &im), DOF_OK,
           "id prefix with sha256:");
    ok(im == &ims[1], "id prefix hits");
    is_int(dof_host_find_image(ctx, &h, "aa11", &im), DOF_OK, "full hex");
    is_int(dof_host_find_image(ctx, &h, "aa", &im), DOF_ERR_AMBIGUOUS,
           "ambiguous image prefix");
    is_int(dof_host_find_image(ctx, &h, "nosuch", &im), DOF_ERR_NOTFOUND,
           "no such image");
}

static void
teardown(void)
{
    dof_arena_free(arena);
    dof_ctx_free(ctx);
}

TAP_MAIN(setup, teardown)
