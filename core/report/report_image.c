/*
 * report_image.c - list-images and show-image-history (table, JSON,
 * pseudo-Dockerfile).
 */
#include "report/report_private.h"

#include <stdlib.h>

static void
image_row(FILE *f, const dof_image *img, const char *tag)
{
    char idb[13], t1[40], t2[40];
    char *e = dof_rt_enc(tag);

    fprintf(f, "%-40s  %-12s  %-23s  %-23s  %6zu  %10zu", e ? e : "?",
            dof_rt_short_id(img->id, idb),
            dof_rt_time(img->created, t1, sizeof(t1)),
            dof_rt_time(img->last_updated, t2, sizeof(t2)), img->nlayers,
            img->ncontainers);
    if (img->damaged)
        fputs("  (damaged)", f);
    if (!img->id_verified)
        fputs("  (id not verified)", f);
    fputc('\n', f);
    free(e);
}

int
dof_report_images_write(dof_ctx *ctx, const dof_report_opts *o,
                        const dof_image *const *v, size_t n)
{
    FILE *f = o->out;

    if (o->json)
        return dof_rw_records(ctx, o, "images", dof_image_fields,
                              (const void *const *)v, n, NULL);
    fprintf(f, "%-40s  %-12s  %-23s  %-23s  %6s  %10s\n", "REPOSITORY:TAG",
            "IMAGE ID", "CREATED", "LAST TAGGED", "LAYERS", "CONTAINERS");
    for (size_t i = 0; i < n; i++) {
        if (v[i]->ntags == 0)
            image_row(f, v[i], "<none>:<none>");
        for (size_t t = 0; t < v[i]->ntags; t++)
            image_row(f, v[i], v[i]->tags[t]);
    }
    return dof_rt_finish(ctx, f);
}

int
dof_report_images(dof_ctx *ctx, const dof_report_opts *o, const dof_host *host)
{
    size_t total = 0, n = 0;
    const dof_image **v;
    int rc;

    for (size_t r = 0; r < dof_host_store_count(host); r++)
        total += dof_host_store(host, r)->nimages;
    v = calloc(total ? total : 1, sizeof(*v));
    if (v == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < dof_host_store_count(host); r++) {
        const dof_store *root = dof_host_store(host, r);
        for (size_t i = 0; i < root->nimages; i++)
            v[n++] = &root->images[i];
    }
    rc = dof_report_images_write(ctx, o, v, n);
    free(v);
    return rc;
}

/* ---- history ---- */

/* created_by -> one Dockerfile line (appended to b). */
static void
dockerfile_line(dof_buf *b, const dof_history *h)
{
    static const char nop[] = "/bin/sh -c #(nop) ";
    static const char sh[] = "/bin/sh -c ";
    static const char bk[] = " # buildkit";
    const char *s = h->created_by ? h->created_by : "";
    size_t n;

    /* "|2 A=1 B=2 /bin/sh -c ..." : RUN with build args */
    if (s[0] == '|') {
        char *end;
        long k = strtol(s + 1, &end, 10);
        if (end != s + 1 && k >= 0 && k < 1000) {
            s = end;
            for (long i = 0; i < k && *s; i++) {
                while (*s == ' ')
                    s++;
                while (*s && *s != ' ')
                    s++;
            }
            while (*s == ' ')
                s++;
        }
    }
    n = strlen(s);
    if (n >= sizeof(bk) - 1 && strcmp(s + n - (sizeof(bk) - 1), bk) == 0)
        n -= sizeof(bk) - 1;
    if (n == 0) {
        dof_buf_printf(b, "# (no command recorded)");
        if (h->comment && *h->comment) {
            dof_buf_printf(b, ": ");
            dof_buf_put_name(b, h->comment, strlen(h->comment), NULL);
        }
        if (!h->empty_layer)
            dof_buf_printf(b, "\nADD <layer> /");
    }
    else if (strncmp(s, nop, sizeof(nop) - 1) == 0) {
        s += sizeof(nop) - 1;
        n -= sizeof(nop) - 1;
        while (n && *s == ' ') {
            s++;
            n--;
        }
        dof_buf_put_name(b, s, n, NULL);
    }
    else if (strncmp(s, sh, sizeof(sh) - 1) == 0) {
        dof_buf_printf(b, "RUN ");
        dof_buf_put_name(b, s + sizeof(sh) - 1, n - (sizeof(sh) - 1), NULL);
    }
    else {
        dof_buf_put_name(b, s, n, NULL);
    }
    dof_buf_putc(b, '\n');
}

static int
write_dockerfile(dof_ctx *ctx, const dof_report_opts *o, const dof_image *img)
{
    dof_buf b;
    int rc;

    dof_buf_init(&b);
    dof_buf_printf(&b, "# pseudo-Dockerfile of image ");
    dof_buf_put_name(&b, img->id ? img->id : "", img->id ? strlen(img->id) : 0,
                     NULL);
    dof_buf_printf(&b, "\n# reconstructed from its history; ");
    dof_buf_printf(&b, "base layer %s\nFROM scratch\n",
                   img->nlayers && img->layers[0].diff_id
                       ? img->layers[0].diff_id
                       : "unknown");
    for (size_t i = 0; i < img->nhistory; i++)
        dockerfile_line(&b, &img->history[i]);
    if (b.oom) {
        dof_buf_free(&b);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    fputs(b.data ? b.data : "", o->out);
    dof_buf_free(&b);
    rc = dof_rt_finish(ctx, o->out);
    return rc;
}

int
dof_report_image_history(dof_ctx *ctx, const dof_report_opts *o,
                         const dof_image *img)
{
    uint64_t *sizes;
    FILE *f = o->out;
    int rc;

    if (o->dockerfile)
        return write_dockerfile(ctx, o, img);
    sizes = calloc(img->nhistory ? img->nhistory : 1, sizeof(*sizes));
    if (sizes == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    dof_report_history_sizes(img, sizes);
    if (o->json) {
        json_object *a = json_object_new_array(), *h;
        for (size_t i = 0; a != NULL && i < img->nhistory; i++) {
            const dof_history *e = &img->history[i];
            h = json_object_new_object();
            if (h == NULL)
                break;
            json_object_object_add(h, "created", dof_rj_time(e->created));
            json_object_object_add(h, "created_by", dof_rj_str(e->created_by));
            json_object_object_add(h, "author", dof_rj_str(e->author));
            json_object_object_add(h, "comment", dof_rj_str(e->comment));
            json_object_object_add(h, "empty_layer",
                                   json_object_new_boolean(e->empty_layer));
            json_object_object_add(h, "size", dof_rj_u64(sizes[i]));
            json_object_array_add(a, h);
        }
        free(sizes);
        if (a == NULL)
            return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
        return dof_rj_envelope_write(ctx, o, "history", a);
    }
    fprintf(f, "%-23s  %-60s  %12s  %s\n", "CREATED", "CREATED BY", "SIZE",
            "COMMENT");
    for (size_t i = img->nhistory; i > 0; i--) {
        const dof_history *e = &img->history[i - 1];
        char t[40];
        char *by = dof_rt_enc(e->created_by);
        char *cm = dof_rt_enc(e->comment);
        fprintf(f, "%-23s  %-60s  %12llu  %s\n",
                dof_rt_time(e->created, t, sizeof(t)), by ? by : "?",
                (unsigned long long)sizes[i - 1], cm ? cm : "?");
        free(by);
        free(cm);
    }
    free(sizes);
    rc = dof_rt_finish(ctx, f);
    return rc;
}
