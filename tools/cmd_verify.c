/*
 * cmd_verify.c - `dof verify-image --image REF|ID [--json] [--fast]
 * [--docker-root PATH] [-o SECTOR] [-q] IMAGE`.
 *
 * Text output: one line per finding, "layer N <chain id>: PATH: what
 * differs", then a summary line.  Exit 0 when every check passes, 1
 * with findings.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *
ts_name(dof_verify_ts t)
{
    switch (t) {
    case DOF_VERIFY_TS_CHECKED: return "checked";
    case DOF_VERIFY_TS_DAMAGED: return "damaged";
    case DOF_VERIFY_TS_SKIPPED: return "skipped";
    default: return "absent";
    }
}

static void
put_name(FILE *f, const char *raw, size_t len)
{
    char *e = dof_name_encode(raw, len, NULL);
    fputs(e ? e : "?", f);
    free(e);
}

static void
json_opt(FILE *f, const char *s)
{
    cli_json_str(f, s, s ? strlen(s) : 0);
}

static void
print_text(FILE *f, const dof_verify_result *r)
{
    const dof_image *img = r->image;
    size_t checked = 0;
    uint64_t files = 0;

    if (!r->config_sha256_ok)
        fprintf(f,
                "image %s: config: sha256 of the config file is not "
                "the image id\n",
                img->id);
    for (size_t i = 0; i < r->nlayers; i++) {
        const dof_verify_layer *vl = &r->layers[i];
        const char *cid = vl->layer->chain_id ? vl->layer->chain_id : "?";
        if (!vl->chain_ok)
            fprintf(f, "layer %zu %s: layerdb: %s\n", i, cid,
                    vl->chain_note ? vl->chain_note : "mismatch");
        for (size_t k = 0; k < vl->nmismatches; k++) {
            const dof_verify_mismatch *m = &vl->mismatches[k];
            fprintf(f, "layer %zu %s: ", i, cid);
            if (m->path_len)
                put_name(f, m->path, m->path_len);
            else
                fputs(".", f);
            if (strcmp(m->field, "planted") == 0)
                fprintf(f,
                        ": planted: on disk (%s), not in the layer's "
                        "tar\n",
                        m->disk ? m->disk : "?");
            else if (strcmp(m->field, "removed") == 0)
                fprintf(f,
                        ": removed: in the layer's tar (%s), not on "
                        "disk\n",
                        m->tar ? m->tar : "?");
            else {
                fprintf(f, ": %s: tar ", m->field);
                if (m->tar)
                    put_name(f, m->tar, strlen(m->tar));
                else
                    fputs("-", f);
                fputs(", disk ", f);
                if (m->disk)
                    put_name(f, m->disk, strlen(m->disk));
                else
                    fputs("-", f);
                fputc('\n', f);
            }
        }
        if (vl->tar_split == DOF_VERIFY_TS_DAMAGED)
            fprintf(f, "layer %zu %s: tar-split: damaged (see the warning)\n",
                    i, cid);
        if (vl->mismatches_dropped)
            fprintf(f, "layer %zu %s: ... and %llu more differences\n", i, cid,
                    (unsigned long long)vl->mismatches_dropped);
        if (vl->tar_split == DOF_VERIFY_TS_CHECKED)
            checked++;
        files += vl->files_checked;
    }
    fprintf(f,
            "image %s: %s; config sha256 %s; %zu layer(s), %zu checked "
            "against tar-split (%llu entries); %llu finding(s)\n",
            img->id, r->nfindings ? "FAILED" : "OK",
            r->config_sha256_ok ? "ok" : "MISMATCH", r->nlayers, checked,
            (unsigned long long)files, (unsigned long long)r->nfindings);
}

static void
print_json(FILE *f, const dof_verify_result *r, const cli *c)
{
    const dof_ctx *ctx = c->ctx;

    fputs("{\"dof\": ", f);
    cli_json_provenance(f, c);
    fputs(",\n \"image\": ", f);
    json_opt(f, r->image->id);
    fprintf(f, ",\n \"config_sha256_ok\": %s,\n \"ok\": %s,\n",
            r->config_sha256_ok ? "true" : "false",
            r->nfindings ? "false" : "true");
    fprintf(f, " \"findings\": %llu,\n \"layers\": [",
            (unsigned long long)r->nfindings);
    for (size_t i = 0; i < r->nlayers; i++) {
        const dof_verify_layer *vl = &r->layers[i];
        fprintf(f, "%s\n  {\"index\": %zu, \"chain_id\": ", i ? "," : "", i);
        json_opt(f, vl->layer->chain_id);
        fputs(", \"diff_id\": ", f);
        json_opt(f, vl->layer->diff_id);
        fputs(", \"cache_id\": ", f);
        json_opt(f, vl->layer->cache_id);
        fprintf(f, ", \"present\": %s, \"chain_ok\": %s, \"chain_note\": ",
                vl->layer->present ? "true" : "false",
                vl->chain_ok ? "true" : "false");
        json_opt(f, vl->chain_note);
        fprintf(f,
                ", \"tar_split\": \"%s\", \"files_checked\": %llu, "
                "\"content_checked\": %llu, \"mismatches_dropped\": %llu, "
                "\"mismatches\": [",
                ts_name(vl->tar_split), (unsigned long long)vl->files_checked,
                (unsigned long long)vl->content_checked,
                (unsigned long long)vl->mismatches_dropped);
        for (size_t k = 0; k < vl->nmismatches; k++) {
            const dof_verify_mismatch *m = &vl->mismatches[k];
            fprintf(f, "%s\n    {\"path\": ", k ? "," : "");
            cli_json_str(f, m->path, m->path_len);
            fprintf(f, ", \"field\": \"%s\", \"tar\": ", m->field);
            json_opt(f, m->tar);
            fputs(", \"disk\": ", f);
            json_opt(f, m->disk);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("\n ],\n \"warnings\": [", f);
    for (size_t i = 0; i < dof_warning_count(ctx); i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        fprintf(f, "%s\n  {\"code\": \"%s\", \"path\": ", i ? "," : "",
                dof_status_name(w->code));
        json_opt(f, w->path);
        fputs(", \"message\": ", f);
        json_opt(f, w->message);
        fputc('}', f);
    }
    fputs("]}\n", f);
}

int
cmd_verify_image(cli *c)
{
    dof_verify_result *r = NULL;
    int ex, rc;

    rc = dof_verify_image(c->ctx, c->img,
                          c->opt[CLI_O_FAST] ? 0 : DOF_VERIFY_CONTENT, &r);
    if (rc != DOF_OK)
        return cli_status(c, rc);
    if (c->json)
        print_json(stdout, r, c);
    else
        print_text(stdout, r);
    ex = r->nfindings ? DOF_EXIT_WARNINGS : DOF_EXIT_OK;
    dof_verify_result_free(r);
    return ex;
}
