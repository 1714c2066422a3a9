/*
 * report_container.c - list-containers (JSON, linear and tabular text)
 * and show-container-config.
 */
#include "report/report_private.h"

#include <stdlib.h>

/* list-containers --layers: the container's layer chain, top first. */
#define T dof_container
static const dof_field chain_fields[] = {
    DOF_F_(T, DOF_F_STR, mount_id, "mount_id", NULL, NULL),
    DOF_F_(T, DOF_F_STR, init_id, "init_id", NULL, NULL),
    DOF_F_(T, DOF_F_STR, layer_parent, "parent", NULL, NULL), DOF_FIELDS_END};
#undef T

static void
chain_write(dof_rw *w, const dof_report_opts *o, const void *rec)
{
    const dof_container *c = rec;
    const dof_image *img = dof_container_image(c);
    dof_rw chain;

    if (o == NULL || !o->layers)
        return;
    dof_rw_key(w, "layers");
    dof_rw_open(&chain, w->f, w->indent, w->level + 1);
    dof_rw_fields(&chain, chain_fields, c);
    dof_rw_list(&chain, "image_layers", dof_layer_fields,
                img ? img->layers : NULL, sizeof(dof_layer),
                img ? img->nlayers : 0, 1);
    dof_rw_close(&chain);
}

/* ---- text ---- */

static void
put_strv(FILE *f, const char *const *v, size_t n, const char *sep)
{
    if (n == 0) {
        fputc('-', f);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(sep, f);
        dof_rt_put(f, v[i]);
    }
}

static void
put_ports(FILE *f, const dof_container *c)
{
    /* published (running) first; else the configured bindings */
    const dof_port *p =
        c->npublished_ports ? c->published_ports : c->port_bindings;
    size_t n = c->npublished_ports ? c->npublished_ports : c->nport_bindings;
    size_t shown = 0;

    for (size_t i = 0; i < n; i++) {
        if (shown++)
            fputs(", ", f);
        if (p[i].host_port && *p[i].host_port) {
            if (p[i].host_ip && *p[i].host_ip) {
                dof_rt_put(f, p[i].host_ip);
                fputc(':', f);
            }
            dof_rt_put(f, p[i].host_port);
            fputs("->", f);
        }
        dof_rt_put(f, p[i].container_port);
    }
    for (size_t i = 0; i < c->nexposed_ports; i++) {
        int bound = 0;
        for (size_t k = 0; k < n && !bound; k++)
            bound = p[k].container_port && c->exposed_ports[i] &&
                    strcmp(p[k].container_port, c->exposed_ports[i]) == 0;
        if (bound)
            continue;
        if (shown++)
            fputs(", ", f);
        dof_rt_put(f, c->exposed_ports[i]);
    }
    if (shown == 0)
        fputc('-', f);
}

static void
put_line(FILE *f, const char *key, const char *val)
{
    fprintf(f, "\t%s: ", key);
    dof_rt_put(f, val);
    fputc('\n', f);
}

static void
linear_one(FILE *f, const dof_report_opts *o, const dof_container *c)
{
    char t[40], num[32];
    const dof_store *r = c->store;

    dof_rt_put(f, c->name);
    fputc('\n', f);
    put_line(f, "Container id", c->id);
    put_line(f, "Name", c->name);
    put_line(f, "Image", c->image);
    put_line(f, "Image id", c->image_id);
    put_line(f, "State", dof_state_name(c->state));
    snprintf(num, sizeof(num), "%d", c->exit_code);
    put_line(f, "Exit code", num);
    if (c->pid) {
        snprintf(num, sizeof(num), "%d", c->pid);
        put_line(f, "Pid", num);
    }
    if (c->error && *c->error)
        put_line(f, "Error", c->error);
    put_line(f, "Created", dof_rt_time(c->created, t, sizeof(t)));
    put_line(f, "Started", dof_rt_time(c->started_at, t, sizeof(t)));
    put_line(f, "Finished", dof_rt_time(c->finished_at, t, sizeof(t)));
    fputs("\tCommand: ", f);
    put_strv(f, c->command, c->ncommand, " ");
    fputs("\n\tEntrypoint: ", f);
    put_strv(f, c->entrypoint, c->nentrypoint, " ");
    fputs("\n\tCmd: ", f);
    put_strv(f, c->cmd, c->ncmd, " ");
    fputc('\n', f);
    put_line(f, "Restart policy", c->restart_policy);
    put_line(f, "Driver", c->driver);
    if (c->driver && !c->driver_supported)
        put_line(f, "Driver note", "storage driver not supported yet");
    put_line(f, "Mount id", c->mount_id);
    put_line(f, "Init id", c->init_id);
    put_line(f, "Upper dir", c->upper_dir);
    put_line(f, "Log driver", c->log_driver);
    put_line(f, "Log path", c->log_path);
    fputs("\tPorts: ", f);
    put_ports(f, c);
    fputc('\n', f);
    for (size_t i = 0; i < c->nmounts; i++) {
        const dof_mount *m = &c->mounts[i];
        fputs("\tMount: ", f);
        dof_rt_put(f, m->type);
        fputc(' ', f);
        dof_rt_put(f, m->source);
        fputs(" -> ", f);
        dof_rt_put(f, m->destination);
        fputs(m->rw ? " (rw)" : " (ro)", f);
        fputc('\n', f);
    }
    if (c->nmounts == 0)
        fputs("\tMounts: -\n", f);
    for (size_t i = 0; i < c->nendpoints; i++) {
        const dof_endpoint *e = &c->endpoints[i];
        fputs("\tNetwork: ", f);
        dof_rt_put(f, e->network);
        fputs(" ip ", f);
        dof_rt_put(f, e->ip_address);
        fputs(" mac ", f);
        dof_rt_put(f, e->mac_address);
        fputc('\n', f);
    }
    put_line(f, "Privileged", c->privileged ? "yes" : "no");
    if (c->ncap_add) {
        fputs("\tCap add: ", f);
        put_strv(f, c->cap_add, c->ncap_add, ", ");
        fputc('\n', f);
    }
    if (c->nsecurity_opt) {
        fputs("\tSecurity opt: ", f);
        put_strv(f, c->security_opt, c->nsecurity_opt, ", ");
        fputc('\n', f);
    }
    if (c->pid_mode && *c->pid_mode)
        put_line(f, "Pid mode", c->pid_mode);
    if (c->network_mode && *c->network_mode)
        put_line(f, "Network mode", c->network_mode);
    if (c->health_status)
        put_line(f, "Health", c->health_status);
    put_line(f, "Config", c->config_path);
    if (r != NULL) {
        fputs("\tData root: ", f);
        dof_rt_put(f, r->path);
        fprintf(f, " (volume at byte offset %llu)\n",
                (unsigned long long)r->volume_offset_bytes);
    }
    if (c->damaged)
        put_line(f, "Damaged", "yes (see the warnings)");
    if (o->layers) {
        const dof_image *img = dof_container_image(c);
        fputs("\tLayers (top first):\n", f);
        fputs("\t\tcontainer ", f);
        dof_rt_put(f, c->mount_id);
        fputs("\n\t\tinit      ", f);
        dof_rt_put(f, c->init_id);
        fputc('\n', f);
        for (size_t i = img ? img->nlayers : 0; i > 0; i--) {
            const dof_layer *l = &img->layers[i - 1];
            fputs("\t\timage     ", f);
            dof_rt_put(f, l->cache_id);
            fputs(" ", f);
            dof_rt_put(f, l->diff_id);
            fputc('\n', f);
        }
        if (img == NULL)
            fputs("\t\t(image record not found)\n", f);
    }
    fputc('\n', f);
}

/* Display width of UTF-8 text: code points. */
static size_t
cells_width(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

#define TAB_COLS 7

/* One row of `docker ps -a`, every cell encoded, owned by the caller. */
static void
tabular_row(const dof_container *c, char *cell[TAB_COLS])
{
    char idb[13], t[40], st[96];
    dof_buf cmd;
    FILE *pf;
    char *pbuf = NULL;
    size_t plen = 0;

    dof_buf_init(&cmd);
    dof_buf_putc(&cmd, '"');
    for (size_t i = 0; i < c->ncommand; i++) {
        if (i)
            dof_buf_putc(&cmd, ' ');
        dof_buf_put_name(&cmd, c->command[i], strlen(c->command[i]), NULL);
    }
    if (cmd.len > 21) { /* as docker ps: a short, quoted command */
        cmd.len = 19;
        cmd.data[cmd.len] = '\0';
        /* do not cut inside a UTF-8 sequence */
        while (cmd.len > 1 &&
               ((unsigned char)cmd.data[cmd.len] & 0xc0) == 0x80)
            cmd.data[--cmd.len] = '\0';
        dof_buf_append(&cmd, "…", strlen("…"));
    }
    dof_buf_putc(&cmd, '"');
    switch (c->state) {
    case DOF_STATE_EXITED:
        snprintf(st, sizeof(st), "Exited (%d)", c->exit_code);
        break;
    case DOF_STATE_RUNNING: snprintf(st, sizeof(st), "Up"); break;
    case DOF_STATE_PAUSED: snprintf(st, sizeof(st), "Up (Paused)"); break;
    case DOF_STATE_RESTARTING:
        snprintf(st, sizeof(st), "Restarting (%d)", c->exit_code);
        break;
    case DOF_STATE_CREATED: snprintf(st, sizeof(st), "Created"); break;
    case DOF_STATE_REMOVING:
        snprintf(st, sizeof(st), "Removal In Progress");
        break;
    case DOF_STATE_DEAD: snprintf(st, sizeof(st), "Dead"); break;
    default: snprintf(st, sizeof(st), "%s", dof_state_name(c->state));
    }
    pf = open_memstream(&pbuf, &plen);
    if (pf != NULL) {
        put_ports(pf, c);
        fclose(pf);
    }
    dof_rt_short_id(c->id, idb);
    cell[0] = strdup(idb);
    cell[1] = dof_rt_enc(c->image ? c->image : "");
    cell[2] = dof_buf_take(&cmd);
    cell[3] = strdup(dof_rt_time(c->created, t, sizeof(t)));
    cell[4] = strdup(st);
    cell[5] = pbuf && *pbuf ? pbuf : (free(pbuf), strdup("-"));
    cell[6] = dof_rt_enc(c->name ? c->name : "");
}

/* A table whose columns are as wide as their widest cell (docker's
 * tabwriter), so no image reference or port list is ever cut. */
static void
tabular_write(FILE *f, const dof_container *const *v, size_t n)
{
    static const char *const head[TAB_COLS] = {
        "CONTAINER ID", "IMAGE", "COMMAND", "CREATED",
        "STATUS",       "PORTS", "NAMES"};
    size_t w[TAB_COLS];
    char *(*rows)[TAB_COLS] = calloc(n ? n : 1, sizeof(*rows));

    if (rows == NULL)
        return;
    for (int k = 0; k < TAB_COLS; k++)
        w[k] = cells_width(head[k]);
    for (size_t i = 0; i < n; i++) {
        tabular_row(v[i], rows[i]);
        for (int k = 0; k < TAB_COLS; k++)
            if (rows[i][k] && cells_width(rows[i][k]) > w[k])
                w[k] = cells_width(rows[i][k]);
    }
    for (size_t i = 0; i <= n; i++) {
        for (int k = 0; k < TAB_COLS; k++) {
            const char *s = i == 0 ? head[k] : rows[i - 1][k];
            if (s == NULL)
                s = "?";
            fputs(s, f);
            if (k + 1 < TAB_COLS)
                for (size_t x = cells_width(s); x < w[k] + 3; x++)
                    fputc(' ', f);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < TAB_COLS; k++)
            free(rows[i][k]);
    free(rows);
}

int
dof_report_containers_write(dof_ctx *ctx, const dof_report_opts *o,
                            const dof_container *const *v, size_t n)
{
    FILE *f = o->out;

    if (o->json)
        return dof_rw_records(ctx, o, "containers", dof_container_fields,
                              (const void *const *)v, n, chain_write);
    if (o->style == DOF_REPORT_TABULAR) {
        tabular_write(f, v, n);
    }
    else {
        for (size_t i = 0; i < n; i++)
            linear_one(f, o, v[i]);
    }
    return dof_rt_finish(ctx, f);
}

/* running first, then the others, each in the model's order */
static int
run_rank(const dof_container *c)
{
    return (c->state == DOF_STATE_RUNNING || c->state == DOF_STATE_PAUSED ||
            c->state == DOF_STATE_RESTARTING)
               ? 0
               : 1;
}

int
dof_report_containers(dof_ctx *ctx, const dof_report_opts *o,
                      const dof_host *host)
{
    size_t n = 0;
    const dof_container **v;
    int rc;

    if ((v = dof_rt_container_slots(ctx, host)) == NULL)
        return dof_errcode(ctx);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < dof_host_store_count(host); r++) {
            const dof_store *root = dof_host_store(host, r);
            for (size_t i = 0; i < root->ncontainers; i++) {
                const dof_container *c = &root->containers[i];
                if (run_rank(c) != pass ||
                    !dof_report_container_selected(o, c))
                    continue;
                v[n++] = c;
            }
        }
    }
    rc = dof_report_containers_write(ctx, o, v, n);
    free(v);
    return rc;
}

/* Parse stored JSON text for pretty printing; NULL if absent. */
static int
parse_stored(dof_ctx *ctx, const char *what, const char *text,
             json_object **out)
{
    json_tokener *tok;
    enum json_tokener_error err;

    *out = NULL;
    if (text == NULL)
        return DOF_OK;
    tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    if (tok == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    *out = json_tokener_parse_ex(tok, text, (int)strlen(text));
    err = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (*out == NULL || err != json_tokener_success) {
        json_object_put(*out);
        *out = NULL;
        return dof_set_error(ctx, DOF_ERR_FORMAT, "%s is not valid JSON: %s",
                             what, json_tokener_error_desc(err));
    }
    return DOF_OK;
}

int
dof_report_container_config(dof_ctx *ctx, const dof_report_opts *o,
                            const dof_container *c)
{
    char *cfg = NULL, *hc = NULL;
    json_object *doc = NULL, *jc = NULL, *jh = NULL;
    int rc;

    rc = dof_container_read_config(ctx, c, &cfg, &hc);
    if (rc != DOF_OK)
        goto fail;
    rc = parse_stored(ctx, "config", cfg, &jc);
    if (rc != DOF_OK)
        goto fail;
    rc = parse_stored(ctx, "hostconfig", hc, &jh);
    if (rc != DOF_OK)
        goto fail;
    doc = json_object_new_object();
    if (doc == NULL) {
        rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        goto fail;
    }
    json_object_object_add(doc, "config", jc);
    json_object_object_add(doc, "hostconfig", jh);
    jc = jh = NULL;
    rc = dof_rj_print(ctx, o->out, doc, 2, 0);
fail:
    json_object_put(doc);
    json_object_put(jc);
    json_object_put(jh);
    free(cfg);
    free(hc);
    return rc;
}

int
dof_report_image_config(dof_ctx *ctx, const dof_report_opts *o,
                        const dof_image *img)
{
    char *cfg = NULL;
    json_object *j = NULL;
    int rc;

    rc = dof_image_read_config(ctx, img, &cfg);
    if (rc != DOF_OK)
        goto fail;
    rc = parse_stored(ctx, "image config", cfg, &j);
    if (rc != DOF_OK)
        goto fail;
    rc = dof_rj_print(ctx, o->out, j, 2, 0);
fail:
    json_object_put(j);
    free(cfg);
    return rc;
}
