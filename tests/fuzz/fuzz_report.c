/*
 * fuzz_report.c - the report writers (core/report*.c) over records whose
 * strings and numbers come from the input: the list-containers and
 * list-images documents (text, table and JSON), image history (and the
 * pseudo-Dockerfile), volume and network JSON, the docker-explorer
 * shape.  Every JSON document written must parse back as JSON.
 */
#include "fuzz.h"
#include "report/report_private.h"

typedef struct src {
    const uint8_t *p;
    size_t len, pos;
    dof_arena *a;
} src;

/* The next NUL-separated piece of the input (NULL once it runs out, or
 * for an empty piece so absent fields are exercised too). */
static const char *
s_str(src *s)
{
    size_t st = s->pos;
    if (s->pos >= s->len)
        return NULL;
    while (s->pos < s->len && s->p[s->pos] != 0)
        s->pos++;
    s->pos++; /* the NUL */
    if (s->pos - 1 == st)
        return NULL;
    return dof_arena_strndup(s->a, (const char *)s->p + st, s->pos - 1 - st);
}

static int64_t
s_int(src *s)
{
    int64_t v = 0;
    for (int i = 0; i < 8 && s->pos < s->len; i++)
        v = (int64_t)((uint64_t)v << 8 | s->p[s->pos++]);
    return v;
}

static const char **
s_strv(src *s, size_t *n)
{
    size_t k = s->pos < s->len ? s->p[s->pos++] % 5 : 0;
    const char **v = dof_arena_calloc(s->a, k + 1, sizeof(*v));
    *n = 0;
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        const char *x = s_str(s);
        v[(*n)++] = x ? x : "";
    }
    return v;
}

static dof_kv *
s_kv(src *s, size_t *n)
{
    size_t k = s->pos < s->len ? s->p[s->pos++] % 4 : 0;
    dof_kv *v = dof_arena_calloc(s->a, k + 1, sizeof(*v));
    *n = 0;
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        const char *key = s_str(s), *val = s_str(s);
        v[*n].key = key ? key : "";
        v[*n].value = val ? val : "";
        (*n)++;
    }
    return v;
}

/* Run one writer into memory; JSON output must parse. */
static void
run(dof_ctx *ctx, dof_report_opts *o, int json,
    int (*fn)(dof_ctx *, const dof_report_opts *, const void *),
    const void *arg)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);

    if (f == NULL)
        return;
    o->out = f;
    o->json = json;
    fn(ctx, o, arg);
    fclose(f);
    if (json && outlen > 0) {
        json_tokener *t = json_tokener_new();
        json_object *j = t ? json_tokener_parse_ex(t, out, (int)outlen) : NULL;
        if (t != NULL && j == NULL && getenv("DOF_FUZZ_DEBUG"))
            fwrite(out, 1, outlen, stderr);
        FUZZ_ASSERT(t == NULL || j != NULL);
        json_object_put(j);
        json_tokener_free(t);
    }
    free(out);
}

typedef struct recs {
    const dof_container *c;
    const dof_image *img;
} recs;

static int
w_containers(dof_ctx *ctx, const dof_report_opts *o, const void *arg)
{
    const recs *r = arg;
    const dof_container *v[1] = {r->c};
    return dof_report_containers_write(ctx, o, v, 1);
}

static int
w_images(dof_ctx *ctx, const dof_report_opts *o, const void *arg)
{
    const recs *r = arg;
    const dof_image *v[1] = {r->img};
    return dof_report_images_write(ctx, o, v, 1);
}

static int
w_history(dof_ctx *ctx, const dof_report_opts *o, const void *arg)
{
    const recs *r = arg;
    return dof_report_image_history(ctx, o, r->img);
}

FUZZ_TARGET(report)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_arena *a = dof_arena_new();
    src s = {data, size, 0, a};
    dof_report_opts o;
    dof_container c;
    dof_image img;
    dof_docker_volume vol;
    dof_network net;
    dof_store root;
    dof_history hist[2];
    dof_layer lay[2];
    dof_mount mnt;
    dof_endpoint ep;
    dof_port port;
    recs r = {&c, &img};
    json_object *j;
    unsigned flags;

    if (ctx == NULL || a == NULL || size < 1)
        goto done;
    flags = data[0];
    s.pos = 1;
    memset(&root, 0, sizeof(root));
    memset(&c, 0, sizeof(c));
    memset(&img, 0, sizeof(img));
    memset(&vol, 0, sizeof(vol));
    memset(&net, 0, sizeof(net));
    memset(hist, 0, sizeof(hist));
    memset(lay, 0, sizeof(lay));
    root.path = s_str(&s);
    root.driver = s_str(&s);
    root.containers = &c;
    root.ncontainers = 1;
    root.images = &img;
    root.nimages = 1;

    c.store = &root;
    c.id = s_str(&s);
    if (c.id == NULL) /* the loader always names a container */
        c.id = "";
    c.name = s_str(&s);
    c.image = s_str(&s);
    c.image_id = s_str(&s);
    c.state = (dof_state)(flags % 8);
    c.exit_code = (int)s_int(&s);
    c.created = s_int(&s);
    c.started_at = (flags & 8) ? DOF_TIME_NONE : s_int(&s);
    c.finished_at = s_int(&s);
    c.command = s_strv(&s, &c.ncommand);
    c.env = s_strv(&s, &c.nenv);
    c.labels = s_kv(&s, &c.nlabels);
    c.exposed_ports = s_strv(&s, &c.nexposed_ports);
    port.container_port = s_str(&s);
    port.host_ip = s_str(&s);
    port.host_port = s_str(&s);
    if (port.container_port && port.host_ip && port.host_port) {
        c.port_bindings = &port;
        c.nport_bindings = 1;
    }
    memset(&mnt, 0, sizeof(mnt));
    mnt.type = s_str(&s);
    mnt.source = s_str(&s);
    mnt.destination = s_str(&s);
    mnt.name = s_str(&s);
    c.mounts = &mnt;
    c.nmounts = 1;
    memset(&ep, 0, sizeof(ep));
    ep.network = s_str(&s);
    ep.ip_address = s_str(&s);
    ep.mac_address = s_str(&s);
    c.endpoints = &ep;
    c.nendpoints = 1;
    c.hostname = s_str(&s);
    c.driver = s_str(&s);
    c.mount_id = s_str(&s);
    c.log_driver = s_str(&s);
    c.restart_policy = s_str(&s);
    c.cap_add = s_strv(&s, &c.ncap_add);
    c.pid_mode = s_str(&s);
    c.dir = s_str(&s);
    c.config_path = s_str(&s);
    c.privileged = flags & 16;

    img.store = &root;
    img.id = c.image_id ? c.image_id : "";
    img.tags = s_strv(&s, &img.ntags);
    img.digests = s_strv(&s, &img.ndigests);
    img.created = s_int(&s);
    img.author = s_str(&s);
    img.cmd = s_strv(&s, &img.ncmd);
    img.entrypoint = s_strv(&s, &img.nentrypoint);
    img.env = s_strv(&s, &img.nenv);
    img.labels = s_kv(&s, &img.nlabels);
    img.volumes = s_strv(&s, &img.nvolumes);
    img.user = s_str(&s);
    img.working_dir = s_str(&s);
    for (int i = 0; i < 2; i++) {
        hist[i].created = s_int(&s);
        hist[i].created_by = s_str(&s);
        hist[i].comment = s_str(&s);
        hist[i].empty_layer = (flags >> (5 + i)) & 1;
        lay[i].diff_id = s_str(&s);
        lay[i].chain_id = s_str(&s);
        lay[i].cache_id = s_str(&s);
        lay[i].size = (uint64_t)s_int(&s);
        lay[i].present = 1;
    }
    img.history = hist;
    img.nhistory = 2;
    img.layers = lay;
    img.nlayers = (flags & 0x80) ? 1 : 2;
    img.containers = &c.name;
    img.ncontainers = c.name ? 1 : 0;

    vol.store = &root;
    vol.name = s_str(&s);
    if (vol.name == NULL)
        vol.name = "";
    vol.driver = s_str(&s);
    vol.labels = s_kv(&s, &vol.nlabels);
    vol.options = s_kv(&s, &vol.noptions);
    vol.data_path = s_str(&s);
    vol.created = s_int(&s);
    vol.containers = img.containers;
    vol.ncontainers = img.ncontainers;

    net.store = &root;
    net.id = s_str(&s);
    net.name = s_str(&s);
    if (net.id == NULL)
        net.id = "";
    if (net.name == NULL)
        net.name = "";
    net.driver = s_str(&s);
    net.created = s_int(&s);
    net.subnets = s_strv(&s, &net.nsubnets);
    net.endpoints = &ep;
    net.nendpoints = 1;
    net.labels = s_kv(&s, &net.nlabels);
    if (c.created == DOF_TIME_NONE + 1)
        c.created = DOF_TIME_NONE;

    dof_warn(ctx, DOF_ERR_FORMAT, s_str(&s), "%s", "fuzz warning");

    dof_report_opts_init(&o);
    o.now = 1700000000000000000LL;
    o.layers = 1;
    o.style = (flags & 1) ? DOF_REPORT_TABULAR : DOF_REPORT_LINEAR;
    for (int json = 0; json < 2; json++) {
        run(ctx, &o, json, w_containers, &r);
        run(ctx, &o, json, w_images, &r);
        o.dockerfile = 0;
        run(ctx, &o, json, w_history, &r);
        o.dockerfile = 1; /* a pseudo-Dockerfile is text either way */
        run(ctx, &o, 0, w_history, &r);
        o.dockerfile = 0;
    }
    if ((j = dof_report_volume_json(&vol)) != NULL)
        json_object_put(j);
    if ((j = dof_report_network_json(&net)) != NULL)
        json_object_put(j);
    if ((j = dof_report_explorer_container_json(&c)) != NULL)
        json_object_put(j);
done:
    dof_arena_free(a);
    dof_ctx_free(ctx);
    return 0;
}
