/*
 * test_report.c - the report layer on hand-filled records: JSON keys and
 * values, nulls for never, name encoding, 9-digit times, the envelope,
 * filters, history sizes, the pseudo-Dockerfile, de.py shapes.
 */
#include "report/report_private.h"
#include "tap.h"

#include <stdlib.h>

static dof_store root;
static dof_container ctr[2];
static dof_image img;

static const char *cmdv[] = {"/bin/sh", "-c", "echo hi; sleep 1000"};
static const char *envv[] = {"PATH=/usr/bin", "SECRET=x\ny"};
static dof_kv labels[] = {{"com.example.k\xff", "v"}};
static const char *exposed[] = {"80/tcp"};
static dof_port binds[] = {{"80/tcp", "", "8080"}};
static dof_mount mounts[] = {
    {"volume", "/var/lib/docker/volumes/data/_data", "/data", "data", "local",
     "z", "", 1},
    {"bind", "/srv/www", "/www", NULL, NULL, "ro", "rprivate", 0}};
static dof_history hist[] = {
    {1683356889000000000LL, NULL, "/bin/sh -c #(nop) ADD file:abc in / ", NULL,
     NULL, 0},
    {1683356890000000000LL, NULL, "/bin/sh -c #(nop)  ENV A=1", NULL, NULL, 1},
    {1683356891000000000LL, NULL, "/bin/sh -c rm /etc/motd", NULL, "note", 0},
    {1683356892000000000LL, NULL, "|1 X=2 /bin/sh -c make", NULL, NULL, 0}};
static dof_layer layers[] = {
    {"sha256:d0", "sha256:c0", "cache0", "/x/cache0/diff", 1000, 1},
    {"sha256:d1", "sha256:c1", "cache1", "/x/cache1/diff", 20, 1},
    {"sha256:d2", "sha256:c2", "cache2", "/x/cache2/diff", 300, 1}};

static void
fill(void)
{
    root.path = "/var/lib/docker";
    root.volume_offset_bytes = 1048576;
    root.driver = "overlay2";
    root.containers = ctr;
    root.ncontainers = 2;
    root.images = &img;
    root.nimages = 1;

    dof_container *c = &ctr[0];
    c->store = &root;
    c->id = "aaaa1111222233334444555566667777888899990000aaaabbbbccccddddeeee";
    c->name = "web\xff\xfe";
    c->image = "docker.io/library/nginx:1";
    c->image_id = "sha256:1234567890abcdef1234567890abcdef1234567890abcdef"
                  "1234567890abcdef";
    c->state = DOF_STATE_EXITED;
    c->exit_code = 137;
    c->created = 1683356889123456789LL;
    c->started_at = 1683356890000000001LL;
    c->started_at_raw = "2023-05-06T07:08:10.000000001Z";
    c->finished_at = DOF_TIME_NONE;
    c->command = cmdv;
    c->ncommand = 3;
    c->env = envv;
    c->nenv = 2;
    c->labels = labels;
    c->nlabels = 1;
    c->exposed_ports = exposed;
    c->nexposed_ports = 1;
    c->port_bindings = binds;
    c->nport_bindings = 1;
    c->mounts = mounts;
    c->nmounts = 2;
    c->driver = "overlay2";
    c->driver_supported = 1;
    c->mount_id = "m0unt";
    c->init_id = "m0unt-init";
    c->upper_dir = "/var/lib/docker/overlay2/m0unt/diff";
    c->log_path = "/var/lib/docker/containers/aaaa/aaaa-json.log";
    c->restart_policy = "always";
    c->privileged = 1;
    c->config_path = "/var/lib/docker/containers/aaaa/config.v2.json";

    c = &ctr[1];
    c->store = &root;
    c->id = "bbbb1111222233334444555566667777888899990000aaaabbbbccccddddeeee";
    c->name = "db";
    c->image = "registry.local:5000/pg";
    c->image_id = "sha256:ffff";
    c->state = DOF_STATE_RUNNING;
    c->created = 1683356800000000000LL;
    c->started_at = DOF_TIME_NONE;
    c->started_at_raw = "0001-01-01T00:00:00Z";
    c->finished_at = DOF_TIME_NONE;

    img.store = &root;
    img.id = ctr[0].image_id;
    img.created = 1683356892000000000LL;
    img.last_updated = DOF_TIME_NONE;
    img.history = hist;
    img.nhistory = 4;
    img.layers = layers;
    img.nlayers = 3;
}

/* Run fn into a memory stream; returns the malloc'd text. */
static char *
capture_containers(dof_ctx *ctx, dof_report_opts *o,
                   const dof_container *const *v, size_t n, int *rc)
{
    char *buf = NULL;
    size_t len = 0;

    o->out = open_memstream(&buf, &len);
    *rc = dof_report_containers_write(ctx, o, v, n);
    fclose(o->out);
    return buf;
}

static const char *
jget_str(json_object *o, const char *k)
{
    json_object *v = json_object_object_get(o, k);
    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

TEST(container_json)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_report_opts o;
    const dof_container *v[] = {&ctr[0], &ctr[1]};
    char *argv[] = {"dof", "list-containers", "--json", "x.raw"};
    json_object *doc, *cs, *c0, *c1, *x;
    int rc;
    char *out;

    dof_report_opts_init(&o);
    o.json = 1;
    o.argc = 4;
    o.argv = argv;
    o.now = 1700000000000000000LL;
    dof_warn(ctx, DOF_ERR_FORMAT, "/var/lib/docker/containers/\xff", "bad %s",
             "json");
    out = capture_containers(ctx, &o, v, 2, &rc);
    is_int(rc, DOF_OK, "containers JSON written");
    doc = json_tokener_parse(out);
    ok(doc != NULL, "output parses as JSON");
    x = json_object_object_get(doc, "dof");
    is_str(jget_str(x, "version"), DOF_VERSION, "provenance version");
    is_str(jget_str(x, "libtsk"), dof_libtsk_version(), "libtsk version");
    is_str(jget_str(x, "time"), "2023-11-14T22:13:20.000000000Z",
           "provenance time");
    is_int(json_object_array_length(json_object_object_get(x, "command_line")),
           4, "command line kept");
    ok(json_object_object_get_ex(x, "evidence", NULL), "evidence key");
    cs = json_object_object_get(doc, "containers");
    is_int(json_object_array_length(cs), 2, "two containers");
    c0 = json_object_array_get_idx(cs, 0);
    c1 = json_object_array_get_idx(cs, 1);
    static const char *keys[] = {"id",
                                 "name",
                                 "image",
                                 "image_id",
                                 "state",
                                 "exit_code",
                                 "pid",
                                 "created",
                                 "started_at",
                                 "finished_at",
                                 "command",
                                 "driver",
                                 "mount_id",
                                 "init_id",
                                 "upper_dir",
                                 "log_driver",
                                 "log_path",
                                 "exposed_ports",
                                 "port_bindings",
                                 "published_ports",
                                 "mounts",
                                 "restart_policy",
                                 "privileged",
                                 "data_root",
                                 "volume_offset_bytes",
                                 "env",
                                 "labels",
                                 "networks",
                                 "cap_add",
                                 "pid_mode",
                                 "network_mode",
                                 "security_opt",
                                 "health",
                                 "config_path",
                                 "hostconfig_path",
                                 "damaged"};
    int all = 1;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (!json_object_object_get_ex(c0, keys[i], NULL)) {
            printf("# missing key %s\n", keys[i]);
            all = 0;
        }
    ok(all, "every required key present");
    is_str(jget_str(c0, "name"), "web\\xff\\xfe", "non-UTF-8 name encoded");
    is_str(jget_str(c0, "created"), "2023-05-06T07:08:09.123456789Z",
           "created with 9 digits");
    is_str(jget_str(c0, "started_at"), "2023-05-06T07:08:10.000000001Z",
           "started_at with 9 digits");
    ok(json_object_object_get_ex(c0, "finished_at", &x) && x == NULL,
       "finished_at null for never");
    ok(json_object_object_get_ex(c1, "started_at", &x) && x == NULL,
       "never started: null");
    is_str(jget_str(c0, "state"), "exited", "state name");
    is_int(json_object_get_int(json_object_object_get(c0, "exit_code")), 137,
           "exit code");
    is_int(json_object_get_int64(
               json_object_object_get(c0, "volume_offset_bytes")),
           1048576, "volume offset in bytes");
    x = json_object_object_get(c0, "env");
    is_str(json_object_get_string(json_object_array_get_idx(x, 1)),
           "SECRET=x\ny", "engine text with a newline kept as JSON text");
    x = json_object_object_get(c0, "labels");
    ok(json_object_object_get_ex(x, "com.example.k\\xff", NULL),
       "label key encoded");
    x = json_object_array_get_idx(json_object_object_get(c0, "port_bindings"),
                                  0);
    is_str(jget_str(x, "host_port"), "8080", "port binding host port");
    x = json_object_array_get_idx(json_object_object_get(c0, "mounts"), 1);
    is_str(jget_str(x, "source"), "/srv/www", "bind source");
    ok(!json_object_get_boolean(json_object_object_get(x, "rw")),
       "bind is read-only");
    ok(json_object_get_boolean(json_object_object_get(c0, "privileged")),
       "privileged true");
    ok(!json_object_object_get_ex(c0, "layers", NULL),
       "no layers without --layers");
    x = json_object_object_get(doc, "warnings");
    is_int(json_object_array_length(x), 1, "one warning in the document");
    is_str(jget_str(json_object_array_get_idx(x, 0), "path"),
           "/var/lib/docker/containers/\\xff", "warning path encoded");
    json_object_put(doc);
    free(out);

    o.layers = 1;
    out = capture_containers(ctx, &o, v, 1, &rc);
    doc = json_tokener_parse(out);
    x = json_object_object_get(
        json_object_array_get_idx(json_object_object_get(doc, "containers"),
                                  0),
        "layers");
    is_str(jget_str(x, "mount_id"), "m0unt", "layers: mount id");
    x = json_object_object_get(x, "image_layers");
    is_int(json_object_array_length(x), 3, "layers: three image layers");
    is_str(jget_str(json_object_array_get_idx(x, 0), "cache_id"), "cache2",
           "layers: top first");
    json_object_put(doc);
    free(out);
    dof_ctx_free(ctx);
}

TEST(text)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_report_opts o;
    const dof_container *v[] = {&ctr[0], &ctr[1]};
    int rc;
    char *out;

    dof_report_opts_init(&o);
    out = capture_containers(ctx, &o, v, 2, &rc);
    is_int(rc, DOF_OK, "linear text written");
    ok(strstr(out, "web\\xff\\xfe\n\tContainer id: aaaa1111") != NULL,
       "linear: name line then the id");
    ok(strstr(out, "\tCreated: 2023-05-06 07:08:09 UTC\n") != NULL,
       "linear: created");
    ok(strstr(out, "\tStarted: -\n") != NULL, "linear: never started");
    ok(strstr(out, "\tPorts: 8080->80/tcp\n") != NULL, "linear: ports");
    ok(strstr(out, "\tMount: bind /srv/www -> /www (ro)\n") != NULL,
       "linear: bind mount");
    free(out);
    o.style = DOF_REPORT_TABULAR;
    out = capture_containers(ctx, &o, v, 2, &rc);
    ok(strncmp(out, "CONTAINER ID", 12) == 0, "tabular: header");
    ok(strstr(out, "\naaaa11112222   ") != NULL, "tabular: 12-digit id");
    ok(strstr(out, "Exited (137)") != NULL, "tabular: status");
    ok(strstr(out, "\"/bin/sh -c echo hi…\"") != NULL,
       "tabular: command quoted and cut");
    free(out);
    dof_ctx_free(ctx);
}

TEST(filters)
{
    dof_report_opts o;
    const char *ex[] = {"registry.local:5000"};

    dof_report_opts_init(&o);
    ok(dof_report_container_selected(&o, &ctr[0]), "no filter: selected");
    o.running_only = 1;
    ok(!dof_report_container_selected(&o, &ctr[0]), "--running drops exited");
    ok(dof_report_container_selected(&o, &ctr[1]), "--running keeps running");
    o.running_only = 0;
    o.exclude_registries = ex;
    o.nexclude_registries = 1;
    ok(!dof_report_container_selected(&o, &ctr[1]),
       "--exclude-registry drops its images");
    ok(dof_report_container_selected(&o, &ctr[0]),
       "--exclude-registry keeps others");
    ok(dof_container_image(&ctr[0]) == &img, "image of a container");
    ok(dof_container_image(&ctr[1]) == NULL, "absent image: NULL");
}

TEST(history)
{
    uint64_t sizes[4];
    dof_ctx *ctx = dof_ctx_new();
    dof_report_opts o;
    char *buf = NULL;
    size_t len = 0;
    json_object *doc, *h;

    dof_report_history_sizes(&img, sizes);
    ok(sizes[0] == 1000 && sizes[1] == 0 && sizes[2] == 20 && sizes[3] == 300,
       "history sizes map non-empty entries onto layers");

    dof_report_opts_init(&o);
    o.dockerfile = 1;
    o.out = open_memstream(&buf, &len);
    is_int(dof_report_image_history(ctx, &o, &img), DOF_OK, "dockerfile");
    fclose(o.out);
    ok(strstr(buf, "\nFROM scratch\nADD file:abc in / \nENV A=1\n"
                   "RUN rm /etc/motd\nRUN make\n") != NULL,
       "dockerfile lines");
    free(buf);

    o.dockerfile = 0;
    o.json = 1;
    buf = NULL;
    o.out = open_memstream(&buf, &len);
    dof_report_image_history(ctx, &o, &img);
    fclose(o.out);
    doc = json_tokener_parse(buf);
    h = json_object_object_get(doc, "history");
    is_int(json_object_array_length(h), 4, "history JSON: every entry");
    is_int(json_object_get_int64(json_object_object_get(
               json_object_array_get_idx(h, 0), "size")),
           1000, "history JSON: oldest first with its size");
    ok(json_object_get_boolean(json_object_object_get(
           json_object_array_get_idx(h, 1), "empty_layer")),
       "history JSON: empty_layer");
    json_object_put(doc);
    free(buf);
    dof_ctx_free(ctx);
}

TEST(explorer)
{
    char d[48];
    json_object *j, *mp;
    const char *order[] = {"image_name",   "container_id", "image_id",
                           "labels",       "start_date",   "mount_id",
                           "mount_points", "upper_dir",    "log_path",
                           "exposed_ports"};
    size_t i = 0;
    int inorder = 1;

    dof_report_explorer_date(1526467899625989123LL, d, sizeof(d));
    is_str(d, "2018-05-16T10:51:39.625989+00:00", "de.py date: micro");
    dof_report_explorer_date(1526467899000000999LL, d, sizeof(d));
    is_str(d, "2018-05-16T10:51:39+00:00", "de.py date: zero micro");
    dof_report_explorer_date(DOF_TIME_NONE, d, sizeof(d));
    is_str(d, "0001-01-01T00:00:00+00:00", "de.py date: never");

    j = dof_report_explorer_container_json(&ctr[0]);
    json_object_object_foreach(j, k, val)
    {
        (void)val;
        while (i < 10 && strcmp(order[i], k) != 0)
            i++;
        if (i == 10)
            inorder = 0;
    }
    ok(inorder, "de.py keys in order");
    is_str(jget_str(j, "image_id"),
           "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef",
           "de.py image_id without sha256:");
    is_str(jget_str(j, "upper_dir"), "/var/lib/docker/overlay2/m0unt/diff",
           "de.py upper_dir");
    mp = json_object_object_get(j, "mount_points");
    is_str(jget_str(json_object_array_get_idx(mp, 0), "source"),
           "/var/lib/docker/volumes/data/_data", "de.py volume source");
    is_str(jget_str(json_object_array_get_idx(mp, 1), "source"), "/srv/www",
           "de.py bind source is the host path");
    ok(json_object_object_get_ex(json_object_object_get(j, "exposed_ports"),
                                 "80/tcp", NULL),
       "de.py exposed_ports object");
    json_object_put(j);
    j = dof_report_explorer_container_json(&ctr[1]);
    ok(!json_object_object_get_ex(j, "labels", NULL) &&
           !json_object_object_get_ex(j, "mount_points", NULL),
       "de.py leaves out empty keys");
    json_object_put(j);
}

TEST(printer)
{
    dof_ctx *ctx = dof_ctx_new();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_object *o = json_tokener_parse("{\"b\":[1,\"a/b\"],\"a\":{}}");

    dof_rj_print(ctx, f, o, 4, 1);
    fclose(f);
    is_str(buf,
           "{\n    \"a\": {},\n    \"b\": [\n        1,\n        "
           "\"a/b\"\n    ]\n}\n",
           "printer: 4-space indent, sorted, no slash escape");
    json_object_put(o);
    free(buf);
    dof_ctx_free(ctx);

    o = dof_rj_str("");
    is_str(json_object_get_string(o), "", "empty string stays empty");
    json_object_put(o);
    ok(dof_rj_str(NULL) == NULL, "NULL string is JSON null");
}

static int
setup(void)
{
    fill();
    return 0;
}

TAP_MAIN(setup, NULL)
