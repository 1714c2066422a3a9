/*
 * fuzz_dataroot.c - a whole Docker data root from an in-memory tree
 * (memfs.h: the input is its text archive), through what an examiner's
 * commands run: dof_host_open (repositories, imagedb, layerdb records
 * diff/size/cache-id/parent, layerdb mounts, overlay2 lower files and
 * l/ links, containers, volumes and opts.json, networks), each
 * container's union view, logs and bodyfile, and the host timeline in
 * all three formats.
 *
 * Properties beyond "no crash": every status is a dof_status; every
 * bodyfile line (container bodyfiles and the bodyfile timeline) has the
 * 11 fields of TSK 3 and no raw newline inside; every JSONL line parses
 * as a JSON object with Timesketch's message, datetime, timestamp and
 * timestamp_desc; the CSV is RFC 4180 with the header's column count on
 * every record.
 */
#include "fuzz.h"
#include "memfs.h"

#include <json-c/json.h>

/* A dof_status (a function: the argument is often a call). */
static int
status_ok(int rc)
{
    return rc <= 0 && rc >= DOF_ERR_EVIDENCE;
}

/* The whole output of a writer, in memory. */
typedef struct outbuf {
    char *data;
    size_t len;
    FILE *f;
} outbuf;

static int
out_open(outbuf *o)
{
    o->data = NULL;
    o->len = 0;
    o->f = open_memstream(&o->data, &o->len);
    return o->f != NULL;
}

static void
out_close(outbuf *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
}

/* Lines of o (after out_close), each checked by fn(line, len). */
static void
each_line(const outbuf *o, void (*fn)(const char *, size_t))
{
    const char *p = o->data, *end = o->data + o->len;

    if (o->data == NULL)
        return;
    /* every writer ends what it writes with a newline */
    FUZZ_ASSERT(o->len == 0 || end[-1] == '\n');
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        fn(p, (size_t)(nl - p));
        p = nl + 1;
    }
}

static void
check_bodyfile_line(const char *s, size_t len)
{
    size_t bars = 0;
    for (size_t i = 0; i < len; i++) {
        FUZZ_ASSERT(s[i] != '\r' && s[i] != '\0');
        bars += s[i] == '|';
    }
    FUZZ_ASSERT(bars == 10);
}

static void
check_jsonl_line(const char *s, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_object *o, *v;

    FUZZ_ASSERT(tok != NULL);
    o = json_tokener_parse_ex(tok, s, (int)len);
    FUZZ_ASSERT(o != NULL && json_object_is_type(o, json_type_object));
    /* nothing after the object on its line */
    FUZZ_ASSERT(json_tokener_get_parse_end(tok) == len);
    FUZZ_ASSERT(json_object_object_get_ex(o, "message", &v) &&
                json_object_is_type(v, json_type_string));
    FUZZ_ASSERT(json_object_object_get_ex(o, "datetime", &v) &&
                json_object_is_type(v, json_type_string));
    FUZZ_ASSERT(json_object_object_get_ex(o, "timestamp", &v) &&
                json_object_is_type(v, json_type_int));
    FUZZ_ASSERT(json_object_object_get_ex(o, "timestamp_desc", &v) &&
                json_object_is_type(v, json_type_string));
    json_object_put(o);
    json_tokener_free(tok);
}

/* RFC 4180: every record has the header's number of fields. */
static void
check_csv(const outbuf *o)
{
    const char *p = o->data, *end = o->data + o->len;
    size_t fields = 1, want = 0, records = 0;
    int quoted = 0, in_field_start = 1;

    if (o->data == NULL || o->len == 0)
        return;
    FUZZ_ASSERT(end[-1] == '\n');
    for (; p < end; p++) {
        if (quoted) {
            if (*p == '"') {
                if (p + 1 < end && p[1] == '"')
                    p++;
                else
                    quoted = 0;
            }
            continue;
        }
        if (*p == '"') {
            FUZZ_ASSERT(in_field_start); /* quotes only around a field */
            quoted = 1;
            in_field_start = 0;
        }
        else if (*p == ',') {
            fields++;
            in_field_start = 1;
        }
        else if (*p == '\n') {
            if (records++ == 0)
                want = fields;
            FUZZ_ASSERT(fields == want);
            fields = 1;
            in_field_start = 1;
        }
        else {
            in_field_start = 0;
        }
    }
    FUZZ_ASSERT(!quoted);
    FUZZ_ASSERT(want == 14);
}

static void
timeline(dof_ctx *ctx, const dof_host *host, dof_fs *const *fs,
         dof_timeline_format fmt, const dof_container *only)
{
    dof_timeline_opts o;
    outbuf b;
    int rc;

    if (!out_open(&b))
        return;
    dof_timeline_opts_init(&o);
    o.out = b.f;
    o.format = fmt;
    o.logs = 1;
    o.container = only;
    o.host_fs = fs;
    o.nhost_fs = 1;
    rc = dof_timeline_write(ctx, host, &o);
    FUZZ_ASSERT(status_ok(rc));
    out_close(&b);
    if (fmt == DOF_TIMELINE_BODYFILE)
        each_line(&b, check_bodyfile_line);
    else if (fmt == DOF_TIMELINE_JSONL)
        each_line(&b, check_jsonl_line);
    else
        check_csv(&b);
    free(b.data);
}

static int
count_entry(void *arg, const dof_uentry *e)
{
    size_t *n = arg;
    volatile size_t sink = e->name_len + (size_t)e->st.size;
    (void)sink;
    return ++*n > 4096;
}

static void
container(dof_ctx *ctx, const dof_host *host, dof_fs *const *fs,
          const dof_container *c)
{
    dof_union *u = NULL;
    dof_log *log = NULL;
    dof_log_opts lo;
    dof_bodyfile_opts bo;
    outbuf b;
    int rc;

    rc = dof_union_open(ctx, host, c, NULL, &u);
    FUZZ_ASSERT(status_ok(rc));
    if (rc == DOF_OK) {
        static const char *const dirs[] = {"/", "/etc", "/tmp", "/var/log"};
        size_t n = 0;
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
            FUZZ_ASSERT(
                status_ok(dof_union_readdir(u, dirs[i], count_entry, &n)));
        dof_union_close(u);
    }
    dof_log_opts_init(&lo);
    lo.reassemble = 1;
    rc = dof_log_open(ctx, c, &lo, &log);
    FUZZ_ASSERT(status_ok(rc));
    if (rc == DOF_OK) {
        const dof_log_record *r;
        size_t n = 0;
        while ((rc = dof_log_next(log, &r)) == 1 && n++ < 10000)
            FUZZ_ASSERT(r->message != NULL || r->len == 0);
        FUZZ_ASSERT(rc >= 0 || status_ok(rc));
        dof_log_close(log);
    }
    if (!out_open(&b))
        return;
    dof_bodyfile_opts_init(&bo);
    bo.flags = DOF_BODYFILE_LAYER | DOF_BODYFILE_VOLUMES | DOF_BODYFILE_NS;
    bo.out = b.f;
    bo.host_fs = fs;
    bo.nhost_fs = 1;
    rc = dof_bodyfile_write(ctx, c, &bo);
    FUZZ_ASSERT(status_ok(rc));
    out_close(&b);
    each_line(&b, check_bodyfile_line);
    free(b.data);
}

FUZZ_TARGET(dataroot)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    dof_fs *fs;
    int rc;

    if (ctx == NULL)
        return 0;
    if ((fs = memfs_load(ctx, data, size)) == NULL ||
        dof_evidence_open_fs(ctx, "fuzz", fs, &ev) != DOF_OK)
        goto done;
    rc = dof_host_open(ctx, ev, NULL, &host);
    FUZZ_ASSERT(status_ok(rc));
    if (host == NULL)
        goto done;
    for (size_t i = 0; i < dof_host_store_count(host); i++) {
        const dof_store *r = dof_host_store(host, i);
        for (size_t k = 0; k < r->ncontainers && k < 8; k++)
            container(ctx, host, &fs, &r->containers[k]);
        for (size_t k = 0; k < r->nimages && k < 8; k++) {
            char *cfg = NULL;
            FUZZ_ASSERT(
                status_ok(dof_image_read_config(ctx, &r->images[k], &cfg)));
            free(cfg);
        }
    }
    timeline(ctx, host, &fs, DOF_TIMELINE_JSONL, NULL);
    timeline(ctx, host, &fs, DOF_TIMELINE_CSV, NULL);
    timeline(ctx, host, &fs, DOF_TIMELINE_BODYFILE, NULL);
done:
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return 0;
}
