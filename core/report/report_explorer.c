/*
 * report_explorer.c - output shaped like docker-explorer's de.py
 * (doc: EXPLORER-COMPAT.md): list {all,running}_containers, list
 * repositories, history.  4-space indented JSON without an envelope.
 */
#include "report/report_private.h"

#include <stdlib.h>

void
dof_report_explorer_date(int64_t ns, char *buf, size_t len)
{
    char t[40];
    long us;

    if (ns == DOF_TIME_NONE || dof_time_format(ns, t, sizeof(t)) < 30) {
        snprintf(buf, len, "0001-01-01T00:00:00+00:00");
        return;
    }
    /* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ": Python's isoformat() drops a
     * zero fraction */
    us = strtol(t + 20, NULL, 10) / 1000;
    if (us)
        snprintf(buf, len, "%.19s.%06ld+00:00", t, us);
    else
        snprintf(buf, len, "%.19s+00:00", t);
}

static char *
path2(const char *a, const char *b, const char *c, const char *d)
{
    dof_buf p;

    dof_buf_init(&p);
    dof_buf_printf(&p, "%s", a);
    if (p.len > 1 && p.data[p.len - 1] == '/')
        p.data[--p.len] = '\0';
    dof_buf_printf(&p, "/%s", b);
    if (c)
        dof_buf_printf(&p, "/%s", c);
    if (d)
        dof_buf_printf(&p, "/%s", d);
    if (p.oom) {
        dof_buf_free(&p);
        return NULL;
    }
    return dof_buf_take(&p);
}

json_object *
dof_report_explorer_container_json(const dof_container *c)
{
    json_object *j = json_object_new_object(), *a;
    const char *root = c->store && c->store->path ? c->store->path : "";
    char date[48];
    char *up = NULL;

    if (j == NULL)
        return NULL;
    json_object_object_add(j, "image_name", dof_rj_str(c->image));
    json_object_object_add(j, "container_id", dof_rj_str(c->id));
    json_object_object_add(
        j, "image_id",
        dof_rj_str(c->image_id && strncmp(c->image_id, "sha256:", 7) == 0
                       ? c->image_id + 7
                       : c->image_id));
    if (c->nlabels)
        json_object_object_add(j, "labels", dof_rj_kv(c->labels, c->nlabels));
    dof_report_explorer_date(c->started_at, date, sizeof(date));
    json_object_object_add(j, "start_date", json_object_new_string(date));
    if (c->mount_id && *c->mount_id)
        json_object_object_add(j, "mount_id", dof_rj_str(c->mount_id));
    if (c->nmounts) {
        a = json_object_new_array();
        for (size_t i = 0; a && i < c->nmounts; i++) {
            const dof_mount *m = &c->mounts[i];
            json_object *mp = json_object_new_object();
            char *src = NULL;
            if (mp == NULL)
                break;
            if (m->type && strcmp(m->type, "volume") == 0 && m->name)
                src = path2(root, "volumes", m->name, "_data");
            json_object_object_add(mp, "source",
                                   dof_rj_str(src ? src : m->source));
            json_object_object_add(mp, "destination",
                                   dof_rj_str(m->destination));
            free(src);
            json_object_array_add(a, mp);
        }
        json_object_object_add(j, "mount_points", a);
    }
    if (c->mount_id && *c->mount_id && c->driver) {
        if (strcmp(c->driver, "overlay2") == 0)
            up = path2(root, "overlay2", c->mount_id, "diff");
        else if (strcmp(c->driver, "overlay") == 0)
            up = path2(root, "overlay", c->mount_id, "upper");
        else if (strcmp(c->driver, "aufs") == 0)
            up = path2(root, "aufs", "diff", c->mount_id);
    }
    if (up || c->upper_dir)
        json_object_object_add(j, "upper_dir",
                               dof_rj_str(up ? up : c->upper_dir));
    free(up);
    if (c->log_path && *c->log_path)
        json_object_object_add(j, "log_path", dof_rj_str(c->log_path));
    if (c->nexposed_ports) {
        a = json_object_new_object();
        for (size_t i = 0; a && i < c->nexposed_ports; i++)
            dof_rj_add_enc(a, c->exposed_ports[i], json_object_new_object());
        json_object_object_add(j, "exposed_ports", a);
    }
    return j;
}

typedef struct sorted_ctr {
    const dof_container *c;
    size_t order;
} sorted_ctr;

static int
cmp_started(const void *x, const void *y)
{
    const sorted_ctr *a = x, *b = y;
    const char *sa = a->c->started_at_raw ? a->c->started_at_raw : "";
    const char *sb = b->c->started_at_raw ? b->c->started_at_raw : "";
    int r = strcmp(sa, sb);

    if (r)
        return r;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int
list_containers(dof_ctx *ctx, const dof_report_opts *o, const dof_host *host,
                int running)
{
    size_t n = 0, total = dof_rt_container_total(host);
    sorted_ctr *v = calloc(total ? total : 1, sizeof(*v));
    json_object *a;
    int rc;

    a = json_object_new_array();
    if (v == NULL || a == NULL) {
        free(v);
        json_object_put(a);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    for (size_t r = 0; r < dof_host_store_count(host); r++) {
        const dof_store *rt = dof_host_store(host, r);
        for (size_t i = 0; i < rt->ncontainers; i++) {
            const dof_container *c = &rt->containers[i];
            dof_state s = c->state;
            if (running && s != DOF_STATE_RUNNING && s != DOF_STATE_PAUSED &&
                s != DOF_STATE_RESTARTING)
                continue;
            if (!dof_report_container_selected(o, c))
                continue;
            v[n].c = c;
            v[n].order = n;
            n++;
        }
    }
    qsort(v, n, sizeof(*v), cmp_started);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, dof_report_explorer_container_json(v[i].c));
    free(v);
    rc = dof_rj_print(ctx, o->out, a, 4, 0);
    json_object_put(a);
    return rc;
}

typedef struct names_acc {
    char **v;
    size_t n, cap;
} names_acc;

static int
collect_name(void *arg, const dof_dirent *de)
{
    names_acc *acc = arg;

    if (de->type != DOF_FT_DIR && de->type != DOF_FT_UNKNOWN)
        return 0;
    if (acc->n == acc->cap) {
        size_t nc = acc->cap ? acc->cap * 2 : 8;
        char **nv;
        if (nc > 4096)
            return 1; /* more drivers than any engine has */
        nv = realloc(acc->v, nc * sizeof(*nv));
        if (nv == NULL)
            return 1;
        acc->v = nv;
        acc->cap = nc;
    }
    acc->v[acc->n] = strndup(de->name, de->name_len);
    if (acc->v[acc->n] != NULL)
        acc->n++;
    return 0;
}

static int
cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read one repositories file into the array (absent: nothing). */
static void
add_repositories(dof_ctx *ctx, dof_fs *fs, const char *path, json_object *a)
{
    dof_node node;
    char *buf = NULL;
    size_t len = 0;
    json_object *o;
    json_tokener *tok;
    int rc;

    if (dof_fs_resolve(fs, path, 1, &node) != DOF_OK)
        return;
    rc = dof_fs_read_all(fs, node, DOF_CAP_JSON_BYTES, &buf, &len);
    if (rc != DOF_OK) {
        dof_warn(ctx, rc, path, "cannot read: %s", dof_status_name(rc));
        return;
    }
    tok = json_tokener_new();
    o = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
    if (o == NULL || !json_object_is_type(o, json_type_object) ||
        json_tokener_get_error(tok) != json_tokener_success) {
        dof_warn(ctx, DOF_ERR_FORMAT, path, "not a JSON object");
        json_object_put(o);
    }
    else {
        json_object_object_add(o, "path", dof_rj_str(path));
        json_object_array_add(a, o);
    }
    if (tok)
        json_tokener_free(tok);
    free(buf);
}

static int
list_repositories(dof_ctx *ctx, const dof_report_opts *o, const dof_host *host)
{
    json_object *a = json_object_new_array();
    int rc;

    if (a == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < dof_host_store_count(host); r++) {
        const dof_store *rt = dof_host_store(host, r);
        names_acc acc = {NULL, 0, 0};
        char *img = path2(rt->path, "image", NULL, NULL);
        dof_node node;

        if (img && dof_fs_resolve(rt->fs, img, 1, &node) == DOF_OK)
            dof_fs_readdir(rt->fs, node, 0, collect_name, &acc);
        if (acc.n > 1)
            qsort(acc.v, acc.n, sizeof(*acc.v), cmp_cstr);
        for (size_t i = 0; i < acc.n; i++) {
            char *p = path2(rt->path, "image", acc.v[i], "repositories.json");
            if (p)
                add_repositories(ctx, rt->fs, p, a);
            free(p);
            free(acc.v[i]);
        }
        if (acc.n == 0 && rt->driver) {
            /* pre-1.10: <root>/repositories-<driver> */
            char *leaf = NULL, *p = NULL;
            dof_buf b;
            dof_buf_init(&b);
            dof_buf_printf(&b, "repositories-%s", rt->driver);
            leaf = dof_buf_take(&b);
            if (leaf)
                p = path2(rt->path, leaf, NULL, NULL);
            if (p)
                add_repositories(ctx, rt->fs, p, a);
            free(p);
            free(leaf);
        }
        free(acc.v);
        free(img);
    }
    rc = dof_rj_print(ctx, o->out, a, 4, 1);
    json_object_put(a);
    return rc;
}

int
dof_report_explorer_list(dof_ctx *ctx, const dof_report_opts *o,
                         const dof_host *host, const char *what)
{
    if (what == NULL || strcmp(what, "all_containers") == 0)
        return list_containers(ctx, o, host, 0);
    if (strcmp(what, "running_containers") == 0)
        return list_containers(ctx, o, host, 1);
    if (strcmp(what, "repositories") == 0)
        return list_repositories(ctx, o, host);
    return dof_set_error(ctx, DOF_ERR_ARG,
                         "invalid choice: '%s' (choose from 'repositories', "
                         "'running_containers', 'all_containers')",
                         what);
}

static int
cmp_ctr_id(const void *a, const void *b)
{
    const dof_container *x = *(const dof_container *const *)a;
    const dof_container *y = *(const dof_container *const *)b;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

static int
find_by_prefix(dof_ctx *ctx, const dof_host *host, const char *prefix,
               const dof_container **out)
{
    size_t n = 0, plen = strlen(prefix);
    const dof_container **v;
    dof_buf msg;
    char *enc;
    int rc;

    *out = NULL;
    if ((v = dof_rt_container_slots(ctx, host)) == NULL)
        return dof_errcode(ctx);
    for (size_t r = 0; r < dof_host_store_count(host); r++) {
        const dof_store *rt = dof_host_store(host, r);
        for (size_t i = 0; i < rt->ncontainers; i++) {
            const char *id = rt->containers[i].id;
            if (id && strncmp(id, prefix, plen) == 0)
                v[n++] = &rt->containers[i];
        }
    }
    enc = dof_rt_enc(prefix);
    if (n == 1) {
        *out = v[0];
        rc = DOF_OK;
    }
    else if (n == 0) {
        rc = dof_set_error(ctx, DOF_ERR_NOTFOUND,
                           "Could not find any container ID starting with "
                           "\"%s\"",
                           enc ? enc : "?");
    }
    else {
        qsort(v, n, sizeof(*v), cmp_ctr_id);
        dof_buf_init(&msg);
        for (size_t i = 0; i < n; i++)
            dof_buf_printf(&msg, "%s%s", i ? ", " : "", v[i]->id);
        rc = dof_set_error(ctx, DOF_ERR_AMBIGUOUS,
                           "Too many container IDs starting with \"%s\": %s",
                           enc ? enc : "?", msg.data ? msg.data : "");
        dof_buf_free(&msg);
    }
    free(enc);
    free(v);
    return rc;
}

int
dof_report_explorer_history(dof_ctx *ctx, const dof_report_opts *o,
                            const dof_host *host, const char *id_prefix)
{
    const dof_container *c;
    const dof_image *img;
    json_object *res;
    uint64_t *sizes;
    size_t layer = 0;
    int rc;

    rc = find_by_prefix(ctx, host, id_prefix ? id_prefix : "", &c);
    if (rc != DOF_OK)
        return rc;
    img = dof_container_image(c);
    if (img == NULL)
        return dof_set_error(ctx, DOF_ERR_NOTFOUND,
                             "image %s of container %s not found",
                             c->image_id ? c->image_id : "(none)", c->id);
    sizes = calloc(img->nhistory ? img->nhistory : 1, sizeof(*sizes));
    res = json_object_new_object();
    if (sizes == NULL || res == NULL) {
        free(sizes);
        json_object_put(res);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    dof_report_history_sizes(img, sizes);
    for (size_t i = 0; i < img->nhistory; i++)
        layer += !img->history[i].empty_layer;
    /* newest first, as de.py walks from the image to its parents */
    for (size_t i = img->nhistory; i > 0; i--) {
        const dof_history *h = &img->history[i - 1];
        json_object *e;
        char date[48], key[96];

        if (!h->empty_layer)
            layer--;
        if (sizes[i - 1] == 0 && !o->show_empty)
            continue;
        if (i == img->nhistory)
            snprintf(key, sizeof(key), "%s", img->id ? img->id : "");
        else if (!h->empty_layer && layer < img->nlayers &&
                 img->layers[layer].diff_id)
            snprintf(key, sizeof(key), "%s", img->layers[layer].diff_id);
        else
            snprintf(key, sizeof(key), "empty:%zu", i - 1);
        e = json_object_new_object();
        if (e == NULL)
            break;
        json_object_object_add(e, "size", dof_rj_u64(sizes[i - 1]));
        dof_report_explorer_date(h->created, date, sizeof(date));
        json_object_object_add(e, "created_at", json_object_new_string(date));
        if (h->created_by && *h->created_by)
            json_object_object_add(e, "container_cmd",
                                   dof_rj_str(h->created_by));
        if (h->comment && *h->comment)
            json_object_object_add(e, "comment", dof_rj_str(h->comment));
        dof_rj_add_enc(res, key, e);
    }
    free(sizes);
    rc = dof_rj_print(ctx, o->out, res, 4, 0);
    json_object_put(res);
    return rc;
}
