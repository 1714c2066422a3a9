/*
 * cmd_union.c - `dof ls`, `dof cat` and `dof diff` over the union view.
 *
 *   dof ls --container X [-l] [-R] [--source] IMAGE PATH
 *   dof cat --container X IMAGE PATH
 *   dof diff --container X [--json] IMAGE
 *
 * Common options: --docker-root PATH, -o/--offset SECTOR, -q.  Names are
 * printed with dof_name_encode().  `ls -R` prints one full path per line
 * (find-like); `--source` appends a tab and the entry's source.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The PATH operand is absolute. */
int
cmd_union_check(cli *c)
{
    if (c->ops[1][0] != '/')
        return cli_usage_error(c, "the PATH must be absolute");
    return -1;
}

/* ---- formatting ---- */

static void
mode_string(const dof_stat *st, char out[11])
{
    static const char tc[] = {'?', '-', 'd', 'l', 'c', 'b', 'p', 's'};
    uint32_t m = st->mode;

    out[0] = (unsigned)st->type < sizeof(tc) ? tc[st->type] : '?';
    out[1] = m & 0400 ? 'r' : '-';
    out[2] = m & 0200 ? 'w' : '-';
    out[3] = m & 04000 ? (m & 0100 ? 's' : 'S') : (m & 0100 ? 'x' : '-');
    out[4] = m & 040 ? 'r' : '-';
    out[5] = m & 020 ? 'w' : '-';
    out[6] = m & 02000 ? (m & 010 ? 's' : 'S') : (m & 010 ? 'x' : '-');
    out[7] = m & 04 ? 'r' : '-';
    out[8] = m & 02 ? 'w' : '-';
    out[9] = m & 01000 ? (m & 01 ? 't' : 'T') : (m & 01 ? 'x' : '-');
    out[10] = '\0';
}

/* "container", "init", "layer 3 <cache-id>", "volume NAME", ... */
static void
source_string(const dof_usource *s, char *buf, size_t len)
{
    char *enc = NULL;

    if (s == NULL) {
        snprintf(buf, len, "?");
        return;
    }
    switch (s->kind) {
    case DOF_USRC_LAYER:
        snprintf(buf, len, "layer %d %s", s->index, s->id ? s->id : "?");
        return;
    case DOF_USRC_VOLUME:
        enc = s->id ? dof_name_encode(s->id, strlen(s->id), NULL) : NULL;
        snprintf(buf, len, "volume %s", enc ? enc : "?");
        break;
    case DOF_USRC_BIND:
    case DOF_USRC_CONTAINER_FILE:
        enc = s->path ? dof_name_encode(s->path, strlen(s->path), NULL) : NULL;
        snprintf(buf, len, "%s %s", dof_usrc_kind_name(s->kind),
                 enc ? enc : "?");
        break;
    default: snprintf(buf, len, "%s", dof_usrc_kind_name(s->kind)); return;
    }
    free(enc);
}

static void
put_name(FILE *f, const char *raw, size_t len)
{
    char *enc = dof_name_encode(raw, len, NULL);
    if (enc)
        fputs(enc, f);
    free(enc);
}

/* ---- ls ---- */

typedef struct lsctx {
    cli *c;
    int longfmt, recursive, source;
    char *dir; /* canonical-ish path of the directory being listed */
    int err;
    char **subdirs;
    size_t nsub, capsub;
} lsctx;

static void
print_entry(lsctx *l, const dof_uentry *e, const char *full, size_t flen)
{
    FILE *f = stdout;

    if (l->longfmt) {
        char mode[11], t[40];
        size_t n = dof_time_format(e->st.mtime, t, sizeof(t));
        mode_string(&e->st, mode);
        fprintf(f, "%s %u %u %llu %s ", mode, e->st.uid, e->st.gid,
                (unsigned long long)e->st.size, n ? t : "-");
    }
    if (full)
        put_name(f, full, flen);
    else
        put_name(f, e->name, e->name_len);
    if (l->longfmt && e->st.type == DOF_FT_LNK) {
        char *target = NULL;
        if (dof_union_readlink(l->c->u, e, &target) == DOF_OK) {
            fputs(" -> ", f);
            put_name(f, target, strlen(target));
        }
        free(target);
    }
    if (l->source) {
        char src[512];
        source_string(e->src, src, sizeof(src));
        fprintf(f, "\t%s", src);
    }
    fputc('\n', f);
}

static int
ls_cb(void *arg, const dof_uentry *e)
{
    lsctx *l = arg;
    size_t dl = strlen(l->dir);
    char *full = NULL;
    size_t flen = 0;

    if (l->recursive) {
        flen = (dl == 1 ? 0 : dl) + 1 + e->name_len;
        full = malloc(flen + 1);
        if (full == NULL) {
            l->err = DOF_ERR_NOMEM;
            return 1;
        }
        memcpy(full, l->dir, dl == 1 ? 0 : dl);
        full[dl == 1 ? 0 : dl] = '/';
        memcpy(full + (dl == 1 ? 0 : dl) + 1, e->name, e->name_len);
        full[flen] = '\0';
    }
    print_entry(l, e, full, flen);
    if (l->recursive && e->st.type == DOF_FT_DIR &&
        memchr(e->name, '\0', e->name_len) == NULL) {
        if (l->nsub == l->capsub) {
            size_t nc = l->capsub ? l->capsub * 2 : 16;
            char **nv = realloc(l->subdirs, nc * sizeof(*nv));
            if (nv == NULL) {
                free(full);
                l->err = DOF_ERR_NOMEM;
                return 1;
            }
            l->subdirs = nv;
            l->capsub = nc;
        }
        l->subdirs[l->nsub++] = full;
        return 0;
    }
    free(full);
    return 0;
}

/* Depth first, directory by directory (memory: one listing per level). */
static int
ls_dir(lsctx *l, char *dir, unsigned depth)
{
    char **subs;
    size_t n;
    int rc;

    if (depth > 4096) {
        fprintf(stderr, "dof: warning: %s: too deep, not listed\n", dir);
        return DOF_OK;
    }
    l->dir = dir;
    l->subdirs = NULL;
    l->nsub = l->capsub = 0;
    rc = dof_union_readdir(l->c->u, dir, ls_cb, l);
    subs = l->subdirs;
    n = l->nsub;
    if (rc == DOF_OK)
        rc = l->err;
    for (size_t i = 0; i < n; i++) {
        if (rc == DOF_OK) {
            int r2 = ls_dir(l, subs[i], depth + 1);
            if (r2 == DOF_ERR_NOMEM)
                rc = r2;
            else if (r2 != DOF_OK)
                fprintf(stderr, "dof: warning: %s: %s\n", subs[i],
                        dof_errmsg(l->c->ctx));
        }
        free(subs[i]);
    }
    free(subs);
    return rc;
}

int
cmd_ls(cli *c)
{
    const char *path = c->ops[1];
    lsctx l;
    dof_uentry e;
    int rc;

    memset(&l, 0, sizeof(l));
    l.c = c;
    l.longfmt = c->opt[CLI_O_LONG] != NULL;
    l.recursive = c->opt[CLI_O_RECURSIVE] != NULL;
    l.source = c->opt[CLI_O_SOURCE] != NULL;
    /* like ls(1): a symlink is shown as such with -l, followed to a
     * directory without */
    rc = dof_union_lookup(c->u, path, 0, &e);
    if (rc == DOF_OK && e.st.type == DOF_FT_LNK && !l.longfmt) {
        dof_uentry t;
        if (dof_union_lookup(c->u, path, 1, &t) == DOF_OK &&
            t.st.type == DOF_FT_DIR)
            e = t;
        dof_clear_error(c->ctx);
    }
    if (rc != DOF_OK)
        return cli_status(c, rc);
    if (e.st.type != DOF_FT_DIR) {
        l.dir = (char *)"/";
        print_entry(&l, &e, l.recursive ? path : NULL,
                    l.recursive ? strlen(path) : 0);
        return DOF_EXIT_OK;
    }
    {
        char *dir = strdup(path);
        size_t dl;
        if (dir == NULL)
            return cli_error(DOF_EXIT_EVIDENCE, "out of memory");
        dl = strlen(dir);
        while (dl > 1 && dir[dl - 1] == '/')
            dir[--dl] = '\0';
        if (l.recursive)
            rc = ls_dir(&l, dir, 0);
        else {
            l.dir = dir;
            rc = dof_union_readdir(c->u, dir, ls_cb, &l);
        }
        free(dir);
    }
    return cli_status(c, rc);
}

/* ---- cat ---- */

int
cmd_cat(cli *c)
{
    const char *path = c->ops[1];
    dof_uentry e;
    static char buf[65536];
    uint64_t off = 0;
    int rc;

    rc = dof_union_lookup(c->u, path, 1, &e);
    if (rc != DOF_OK)
        return cli_status(c, rc);
    if (e.st.type != DOF_FT_REG)
        return cli_error(DOF_EXIT_USAGE, "%s: not a regular file (%s)", path,
                         dof_ftype_name(e.st.type));
    for (;;) {
        size_t got = 0;
        rc = dof_union_read(c->u, &e, off, buf, sizeof(buf), &got);
        if (rc != DOF_OK) {
            cli_error(0, "%s: %s", path, dof_errmsg(c->ctx));
            return dof_status_exit_code(rc);
        }
        if (got == 0)
            break;
        if (fwrite(buf, 1, got, stdout) != got)
            break;
        off += got;
    }
    return DOF_EXIT_OK;
}

/* ---- diff ---- */

typedef struct dchange {
    char kind;
    char *path; /* raw bytes */
    size_t path_len;
    char *json; /* rendered object, --json only */
} dchange;

typedef struct dctx {
    int json;
    dchange *v;
    size_t n, cap;
    int oom;
} dctx;

static void
json_time(FILE *f, int64_t ns)
{
    char t[40];
    if (dof_time_format(ns, t, sizeof(t)) == 0)
        fputs("null", f);
    else
        fprintf(f, "\"%s\"", t);
}

static void
json_times(FILE *f, const dof_stat *st)
{
    fputs("\"atime\": ", f);
    json_time(f, st->atime);
    fputs(", \"mtime\": ", f);
    json_time(f, st->mtime);
    fputs(", \"ctime\": ", f);
    json_time(f, st->ctime);
    fputs(", \"crtime\": ", f);
    json_time(f, st->crtime);
}

static char *
render_change(const dof_change *ch)
{
    char *out = NULL, mode[11], src[512];
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    const dof_stat *st = &ch->entry.st;

    if (f == NULL)
        return NULL;
    mode_string(st, mode);
    source_string(ch->entry.src, src, sizeof(src));
    fprintf(f, "{\"kind\": \"%c\", \"path\": ",
            "CAD"[ch->kind <= 2 ? ch->kind : 0]);
    cli_json_str(f, ch->path, ch->path_len);
    fprintf(f,
            ", \"type\": \"%s\", \"mode\": \"%s\", \"uid\": %u, "
            "\"gid\": %u, \"size\": %llu, \"inode\": %llu, ",
            dof_ftype_name(st->type), mode, st->uid, st->gid,
            (unsigned long long)st->size, (unsigned long long)st->ino);
    json_times(f, st);
    fputs(", \"layer\": ", f);
    cli_json_str(f, src, strlen(src));
    if (ch->kind == DOF_CHANGE_DELETE) {
        const char *slash =
            ch->path_len ? memrchr(ch->path, '/', ch->path_len) : NULL;
        size_t plen = slash ? (size_t)(slash - ch->path) : 0;
        fputs(", \"whiteout\": ", f);
        if (ch->has_whiteout) {
            fprintf(f, "{\"inode\": %llu, ",
                    (unsigned long long)ch->whiteout.ino);
            json_times(f, &ch->whiteout);
            fputs(", \"note\": \"shared whiteout inode: times belong to the "
                  "first deletion of the mount\"}",
                  f);
        }
        else
            fputs("null", f);
        if (ch->by_opaque)
            fputs(", \"hidden_by\": \"opaque directory\"", f);
        fputs(", \"parent_dir\": {\"path\": ", f);
        if (plen)
            cli_json_str(f, ch->path, plen);
        else
            fputs("\"/\"", f);
        fputs(", \"mtime\": ", f);
        json_time(f, ch->parent_dir.mtime);
        fputs(", \"ctime\": ", f);
        json_time(f, ch->parent_dir.ctime);
        fputs(", \"note\": \"bounds the deletion\"}", f);
    }
    fputc('}', f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int
diff_cb(void *arg, const dof_change *ch)
{
    dctx *d = arg;
    dchange *c;

    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 64;
        dchange *nv = realloc(d->v, nc * sizeof(*nv));
        if (nv == NULL) {
            d->oom = 1;
            return 1;
        }
        d->v = nv;
        d->cap = nc;
    }
    c = &d->v[d->n];
    memset(c, 0, sizeof(*c));
    c->kind = "CAD"[ch->kind <= 2 ? ch->kind : 0];
    c->path = malloc(ch->path_len + 1);
    if (c->path == NULL) {
        d->oom = 1;
        return 1;
    }
    memcpy(c->path, ch->path, ch->path_len);
    c->path[ch->path_len] = '\0';
    c->path_len = ch->path_len;
    if (d->json && (c->json = render_change(ch)) == NULL) {
        free(c->path);
        d->oom = 1;
        return 1;
    }
    d->n++;
    return 0;
}

static int
cmp_change(const void *pa, const void *pb)
{
    const dchange *a = pa, *b = pb;
    size_t n = a->path_len < b->path_len ? a->path_len : b->path_len;
    int c = memcmp(a->path, b->path, n);
    if (c)
        return c;
    return a->path_len < b->path_len ? -1 : a->path_len > b->path_len;
}

int
cmd_diff(cli *c)
{
    dctx d;
    int ex, rc;

    memset(&d, 0, sizeof(d));
    d.json = c->json;
    rc = dof_union_diff(c->ctx, c->host, c->ct, diff_cb, &d);
    if (rc == DOF_OK && d.oom)
        rc = dof_set_error(c->ctx, DOF_ERR_NOMEM, "out of memory");
    if (rc != DOF_OK) {
        ex = cli_status(c, rc);
        goto out;
    }
    if (d.n > 1)
        qsort(d.v, d.n, sizeof(*d.v), cmp_change);
    if (d.json) {
        fputs("{\"dof\": ", stdout);
        cli_json_provenance(stdout, c);
        fputs(",\n \"container\": ", stdout);
        cli_json_str(stdout, c->ct->id, strlen(c->ct->id));
        fputs(",\n \"changes\": [", stdout);
        for (size_t i = 0; i < d.n; i++)
            fprintf(stdout, "%s\n  %s", i ? "," : "", d.v[i].json);
        fputs("\n ],\n \"warnings\": [", stdout);
        for (size_t i = 0; i < dof_warning_count(c->ctx); i++) {
            const dof_warning *w = dof_warning_get(c->ctx, i);
            fprintf(stdout,
                    "%s\n  {\"code\": \"%s\", \"path\": ", i ? "," : "",
                    dof_status_name(w->code));
            if (w->path)
                cli_json_str(stdout, w->path, strlen(w->path));
            else
                fputs("null", stdout);
            fputs(", \"message\": ", stdout);
            cli_json_str(stdout, w->message, strlen(w->message));
            fputc('}', stdout);
        }
        fputs("]}\n", stdout);
    }
    else
        for (size_t i = 0; i < d.n; i++) {
            fprintf(stdout, "%c ", d.v[i].kind);
            put_name(stdout, d.v[i].path, d.v[i].path_len);
            fputc('\n', stdout);
        }
    ex = DOF_EXIT_OK;
out:
    for (size_t i = 0; i < d.n; i++) {
        free(d.v[i].path);
        free(d.v[i].json);
    }
    free(d.v);
    return ex;
}
