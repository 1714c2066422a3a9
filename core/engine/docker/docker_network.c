/*
 * docker_network.c - Docker networks from network/files/local-kv.db
 * (bbolt, bucket "libnetwork"; FORMATS.md "Networks").
 *
 * Keys are "docker/network/v1.0/<kind>/<id...>/".  Values written through
 * libkv carry an 8-byte little-endian index before the JSON; some kinds
 * (endpoint_count) are not JSON at all, so the form is detected per value.
 * Network JSON is libnetwork's network.MarshalJSON: id, name, networkType,
 * scope, internal, enableIPv6, created (RFC 3339), labels, and
 * ipamV4Config / ipamV6Config (a JSON string holding [{PreferredPool,
 * SubPool, Gateway, AuxAddresses}]) and ipamV4Info / ipamV6Info (a JSON
 * string holding [{PoolID, IPAMData}], IPAMData itself a JSON string
 * {AddressSpace, Gateway (CIDR), Pool}).  Subnets and gateways follow
 * moby's buildIPAMResources: the configured pools, else the allocated
 * ones.  Endpoint JSON: name, id, ep_iface {mac, addr (CIDR)}, joinInfo
 * {gw} (no gateway is invented when joinInfo lacks one).
 */
#include "engine/docker/docker_private.h"

#include <stdio.h>
#include <stdlib.h>

#define KV_PREFIX "docker/network/v1.0/"
#define MAX_IPAM_ENTRIES 256

typedef struct kvitem {
    const unsigned char *key, *val;
    size_t klen, vlen;
    int kind; /* 1 network, 2 endpoint */
} kvitem;

typedef struct netst {
    dof_storeb *rb;
    kvitem *items;
    size_t n;
    int oom;
} netst;

void
dof_docker_kv_json(const unsigned char *v, size_t len, const char **json,
                   size_t *jlen)
{
    size_t i = 0;

    *json = NULL;
    *jlen = 0;
    while (i < len &&
           (v[i] == ' ' || v[i] == '\n' || v[i] == '\t' || v[i] == '\r'))
        i++;
    if (i < len && (v[i] == '{' || v[i] == '[')) {
        *json = (const char *)v + i;
        *jlen = len - i;
        return;
    }
    if (len > 8 && (v[8] == '{' || v[8] == '[')) {
        *json = (const char *)v + 8;
        *jlen = len - 8;
    }
}

static int
kv_fn(void *arg, const unsigned char *key, size_t klen,
      const unsigned char *value, size_t vlen, int is_bucket)
{
    netst *s = arg;
    const size_t pl = sizeof(KV_PREFIX) - 1;
    kvitem *it;
    int kind;

    if (is_bucket || klen <= pl || memcmp(key, KV_PREFIX, pl) != 0)
        return 0;
    if (klen - pl > 8 && memcmp(key + pl, "network/", 8) == 0)
        kind = 1;
    else if (klen - pl > 9 && memcmp(key + pl, "endpoint/", 9) == 0)
        kind = 2;
    else
        return 0;
    it = dof_arena_grow(s->rb->arena, s->items, s->n, sizeof(*it));
    if (it == NULL) {
        s->oom = 1;
        return 1;
    }
    s->items = it;
    it = &s->items[s->n++];
    it->key = key;
    it->klen = klen;
    it->val = value;
    it->vlen = vlen;
    it->kind = kind;
    return 0;
}

/* JSON of one kv value, or NULL with a warning. */
static json_object *
kv_parse(dof_storeb *rb, const char *path, const kvitem *it)
{
    const char *j;
    size_t jl;
    json_object *o = NULL;
    char why[160];

    dof_docker_kv_json(it->val, it->vlen, &j, &jl);
    if (j == NULL) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path,
                 "%.*s: value of %zu bytes is not JSON", (int)it->klen,
                 (const char *)it->key, it->vlen);
        return NULL;
    }
    if (dof_json_parse(j, jl, DOF_CAP_JSON_BYTES, &o, why, sizeof(why)) !=
        DOF_OK) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path, "%.*s: %s", (int)it->klen,
                 (const char *)it->key, why);
        return NULL;
    }
    if (!json_object_is_type(o, json_type_object)) {
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path, "%.*s: not a JSON object",
                 (int)it->klen, (const char *)it->key);
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* A member holding JSON text (libnetwork nests marshalled strings). */
static json_object *
nested_json(dof_jx *x, json_object *o, const char *key)
{
    json_object *s = dof_jx_get(o, key), *in = NULL;
    const char *t;
    char why[8];

    if (s == NULL)
        return NULL;
    if (!json_object_is_type(s, json_type_string)) {
        if (json_object_is_type(s, json_type_array) ||
            json_object_is_type(s, json_type_object))
            return json_object_get(s); /* tolerate a direct value */
        dof_jx_bad(x, key);
        return NULL;
    }
    t = json_object_get_string(s);
    if (dof_json_parse(t, (size_t)json_object_get_string_len(s),
                       DOF_CAP_JSON_BYTES, &in, why, sizeof(why)) != DOF_OK) {
        dof_jx_bad(x, key);
        return NULL;
    }
    return in;
}

/* "172.17.0.1/16" -> "172.17.0.1" in the arena. */
static const char *
strip_prefix(dof_jx *x, const char *cidr)
{
    const char *sl;
    char *d;

    if (cidr == NULL)
        return NULL;
    sl = strchr(cidr, '/');
    if (sl == NULL)
        return cidr;
    d = dof_arena_strndup(x->a, cidr, (size_t)(sl - cidr));
    if (d == NULL)
        x->oom = 1;
    return d;
}

static int
net_pool(dof_storeb *rb, dof_network *nw, const char *subnet, const char *gw)
{
    if (dof_arena_push_str(rb->arena, &nw->subnets, &nw->nsubnets,
                           subnet ? subnet : "") != DOF_OK)
        return DOF_ERR_NOMEM;
    if (dof_arena_push_str(rb->arena, &nw->gateways, &nw->ngateways,
                           gw ? gw : "") != DOF_OK)
        return DOF_ERR_NOMEM;
    return DOF_OK;
}

/* moby daemon buildIPAMResources: configured pools, else allocated. */
static int
net_ipam(dof_storeb *rb, dof_jx *x, dof_network *nw, json_object *o,
         const char *cfgkey, const char *infokey)
{
    json_object *cfg = nested_json(x, o, cfgkey);
    json_object *info = NULL;
    size_t n, used = 0;
    int rc = DOF_OK;

    if (cfg != NULL && json_object_is_type(cfg, json_type_array)) {
        n = json_object_array_length(cfg);
        for (size_t i = 0; i < n && i < MAX_IPAM_ENTRIES; i++) {
            json_object *e = json_object_array_get_idx(cfg, i);
            const char *pool = dof_jx_str(x, e, "PreferredPool");
            if (pool == NULL || *pool == '\0')
                continue;
            used++;
            rc = net_pool(rb, nw, pool, dof_jx_str(x, e, "Gateway"));
            if (rc != DOF_OK)
                goto done;
        }
    }
    if (used)
        goto done;
    info = nested_json(x, o, infokey);
    if (info == NULL || !json_object_is_type(info, json_type_array))
        goto done;
    n = json_object_array_length(info);
    for (size_t i = 0; i < n && i < MAX_IPAM_ENTRIES; i++) {
        json_object *e = json_object_array_get_idx(info, i);
        json_object *d = nested_json(x, e, "IPAMData");
        const char *pool = dof_jx_str(x, d, "Pool");
        const char *gw = strip_prefix(x, dof_jx_str(x, d, "Gateway"));

        if (pool != NULL && *pool != '\0')
            rc = net_pool(rb, nw, pool, gw);
        json_object_put(d);
        if (rc != DOF_OK)
            goto done;
    }
done:
    json_object_put(cfg);
    json_object_put(info);
    return rc;
}

static int
net_add(dof_storeb *rb, const char *path, const kvitem *it)
{
    dof_store *r = rb->store;
    dof_network *nw;
    json_object *o = kv_parse(rb, path, it);
    dof_jx x;
    int rc;

    if (o == NULL)
        return DOF_OK;
    nw = dof_arena_grow(rb->arena, r->networks, r->nnetworks, sizeof(*nw));
    if (nw == NULL) {
        json_object_put(o);
        return DOF_ERR_NOMEM;
    }
    r->networks = nw;
    nw = &r->networks[r->nnetworks++];
    memset(nw, 0, sizeof(*nw));
    nw->store = r;
    dof_jx_init(&x, rb->arena);
    nw->id = dof_jx_str(&x, o, "id");
    nw->name = dof_jx_str(&x, o, "name");
    nw->driver = dof_jx_str(&x, o, "networkType");
    nw->scope = dof_jx_str(&x, o, "scope");
    nw->internal = dof_jx_bool(&x, o, "internal");
    nw->ipv6 = dof_jx_bool(&x, o, "enableIPv6");
    nw->created = dof_jx_time(&x, o, "created", &nw->created_raw);
    nw->labels = dof_jx_kv(&x, o, "labels", &nw->nlabels);
    rc = net_ipam(rb, &x, nw, o, "ipamV4Config", "ipamV4Info");
    if (rc == DOF_OK)
        rc = net_ipam(rb, &x, nw, o, "ipamV6Config", "ipamV6Info");
    json_object_put(o);
    if (rc != DOF_OK || x.oom)
        return DOF_ERR_NOMEM;
    if (nw->id == NULL) { /* fall back on the key's id */
        const size_t pl = sizeof(KV_PREFIX "network/") - 1;
        const unsigned char *e = memchr(it->key + pl, '/', it->klen - pl);
        size_t l = e ? (size_t)(e - it->key) - pl : it->klen - pl;
        nw->id = dof_arena_strndup(rb->arena, (const char *)it->key + pl, l);
        if (nw->id == NULL)
            return DOF_ERR_NOMEM;
    }
    if (nw->name == NULL)
        nw->name = nw->id;
    if (x.bad)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path,
                 "network %s: field %s has the wrong type", nw->name,
                 x.first_bad);
    return DOF_OK;
}

static int
ep_add(dof_storeb *rb, const char *path, const kvitem *it)
{
    dof_store *r = rb->store;
    const size_t pl = sizeof(KV_PREFIX "endpoint/") - 1;
    const unsigned char *sl;
    dof_network *nw = NULL;
    dof_endpoint *ep;
    json_object *o, *iface, *join;
    size_t nidlen;
    dof_jx x;

    sl = memchr(it->key + pl, '/', it->klen - pl);
    if (sl == NULL)
        return DOF_OK;
    nidlen = (size_t)(sl - it->key) - pl;
    for (size_t i = 0; i < r->nnetworks; i++)
        if (strlen(r->networks[i].id) == nidlen &&
            memcmp(r->networks[i].id, it->key + pl, nidlen) == 0)
            nw = &r->networks[i];
    if (nw == NULL) {
        dof_warn(rb->ctx, DOF_ERR_NOTFOUND, path,
                 "%.*s: endpoint of a network that is not recorded",
                 (int)it->klen, (const char *)it->key);
        return DOF_OK;
    }
    o = kv_parse(rb, path, it);
    if (o == NULL)
        return DOF_OK;
    ep = dof_arena_grow(rb->arena, nw->endpoints, nw->nendpoints, sizeof(*ep));
    if (ep == NULL) {
        json_object_put(o);
        return DOF_ERR_NOMEM;
    }
    nw->endpoints = ep;
    ep = &nw->endpoints[nw->nendpoints++];
    memset(ep, 0, sizeof(*ep));
    dof_jx_init(&x, rb->arena);
    ep->network = nw->name;
    ep->network_id = nw->id;
    ep->endpoint_id = dof_jx_str(&x, o, "id");
    ep->name = dof_jx_str(&x, o, "name");
    iface = dof_jx_obj(&x, o, "ep_iface");
    ep->mac_address = dof_jx_str(&x, iface, "mac");
    ep->ip_address = strip_prefix(&x, dof_jx_str(&x, iface, "addr"));
    join = dof_jx_obj(&x, o, "joinInfo");
    ep->gateway = dof_jx_str(&x, join, "gw");
    if (ep->gateway != NULL && *ep->gateway == '\0')
        ep->gateway = NULL;
    json_object_put(o);
    if (x.oom)
        return DOF_ERR_NOMEM;
    if (x.bad)
        dof_warn(rb->ctx, DOF_ERR_FORMAT, path,
                 "endpoint %s: field %s has the wrong type",
                 ep->endpoint_id ? ep->endpoint_id : "?", x.first_bad);
    return DOF_OK;
}

static int
cmp_net(const void *p, const void *q)
{
    const dof_network *a = p, *b = q;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->id, b->id);
}

static int
cmp_ep(const void *p, const void *q)
{
    const dof_endpoint *a = p, *b = q;
    const char *x = a->name ? a->name : "", *y = b->name ? b->name : "";
    int c = strcmp(x, y);
    if (c)
        return c;
    x = a->endpoint_id ? a->endpoint_id : "";
    y = b->endpoint_id ? b->endpoint_id : "";
    return strcmp(x, y);
}

int
dof_docker_networks_parse(dof_storeb *rb, const char *path, const void *buf,
                          size_t len)
{
    dof_store *r = rb->store;
    netst s;
    size_t first = r->nnetworks;
    int rc;

    memset(&s, 0, sizeof(s));
    s.rb = rb;
    rc =
        dof_bbolt_foreach_in(rb->ctx, path, buf, len, "libnetwork", kv_fn, &s);
    if (rc == DOF_OK && s.oom)
        rc = DOF_ERR_NOMEM;
    for (size_t i = 0; rc == DOF_OK && i < s.n; i++)
        if (s.items[i].kind == 1)
            rc = net_add(rb, path, &s.items[i]);
    for (size_t i = 0; rc == DOF_OK && i < s.n; i++)
        if (s.items[i].kind == 2)
            rc = ep_add(rb, path, &s.items[i]);
    if (rc == DOF_ERR_NOMEM)
        rc = dof_set_error(rb->ctx, rc, "out of memory");
    if (r->nnetworks - first > 1)
        qsort(r->networks + first, r->nnetworks - first, sizeof(dof_network),
              cmp_net);
    for (size_t i = first; i < r->nnetworks; i++)
        if (r->networks[i].nendpoints > 1)
            qsort(r->networks[i].endpoints, r->networks[i].nendpoints,
                  sizeof(dof_endpoint), cmp_ep);
    return rc;
}

int
dof_docker_networks_load(dof_storeb *rb)
{
    dof_arena *a = rb->arena;
    const char *path;
    char *buf = NULL;
    size_t len = 0;
    int rc;

    path = dof_path_join(a, rb->store->path, "network/files/local-kv.db");
    if (path == NULL)
        return dof_set_error(rb->ctx, DOF_ERR_NOMEM, "out of memory");
    rc = dof_fs_path_read(rb->fs, path, DOF_BBOLT_CAP_FILE, &buf, &len, NULL);
    if (rc == DOF_ERR_NOTFOUND)
        return DOF_OK;
    if (rc != DOF_OK) {
        dof_warn(rb->ctx, rc, path, "cannot read: %s", dof_status_name(rc));
        return DOF_OK;
    }
    rc = dof_docker_networks_parse(rb, path, buf, len);
    free(buf);
    if (rc == DOF_ERR_NOMEM)
        return rc;
    if (rc != DOF_OK)
        dof_warn(rb->ctx, rc, path, "network store unreadable: %s",
                 dof_errmsg(rb->ctx));
    dof_clear_error(rb->ctx);
    return DOF_OK;
}
