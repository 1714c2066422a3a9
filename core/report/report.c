/*
 * report.c - the report layer's common parts: JSON values from model
 * fields (every string from the evidence encoded with dof_name_encode),
 * the provenance envelope, a pretty printer, text helpers, warnings.
 */
#include "report/report_private.h"

#include <stdlib.h>
#include <time.h>

/* dof_name_encode of a NUL-terminated string (NULL: ""); an empty
 * string is handled here because dof_buf_take() of an empty buffer does
 * not NUL-terminate (core/arena.c). */
static char *
enc(const char *s)
{
    if (s == NULL || *s == '\0')
        return strdup("");
    return dof_name_encode(s, strlen(s), NULL);
}

void
dof_report_opts_init(dof_report_opts *o)
{
    if (o == NULL)
        return;
    memset(o, 0, sizeof(*o));
    o->out = stdout;
    o->style = DOF_REPORT_LINEAR;
}

void
dof_report_warning_fn(void *arg, const dof_warning *w)
{
    FILE *f = arg ? (FILE *)arg : stderr;
    char *p, *m;

    if (w == NULL)
        return;
    m = enc(w->message);
    if (w->path) {
        p = enc(w->path);
        fprintf(f, "dof: warning: %s: %s\n", p ? p : "?", m ? m : "?");
        free(p);
    }
    else {
        fprintf(f, "dof: warning: %s\n", m ? m : "?");
    }
    free(m);
}

static void print_value(FILE *f, json_object *v, int indent, int sort,
                        int level);

/* ---- JSON values ---- */

json_object *
dof_rj_str(const char *s)
{
    char *e;
    json_object *v;

    if (s == NULL)
        return NULL;
    /* Text the engine stored as JSON is valid UTF-8 and goes out as the
     * same JSON string (docker inspect's value, backslashes included);
     * only bytes JSON cannot carry get the \xNN name encoding. */
    if (dof_utf8_valid(s, strlen(s)))
        return json_object_new_string(s);
    e = enc(s);
    if (e == NULL)
        return NULL;
    v = json_object_new_string(e);
    free(e);
    return v;
}

json_object *
dof_rj_str_or_null(const char *s)
{
    return (s == NULL || *s == '\0') ? NULL : dof_rj_str(s);
}

json_object *
dof_rj_time(int64_t ns)
{
    char buf[40];

    if (ns == DOF_TIME_NONE || dof_time_format(ns, buf, sizeof(buf)) == 0)
        return NULL;
    return json_object_new_string(buf);
}

json_object *
dof_rj_strv(const char *const *v, size_t n)
{
    json_object *a = json_object_new_array();

    if (a == NULL)
        return NULL;
    for (size_t i = 0; v != NULL && i < n; i++)
        json_object_array_add(a, dof_rj_str(v[i] ? v[i] : ""));
    return a;
}

void
dof_rj_add_enc(json_object *obj, const char *rawkey, json_object *v)
{
    char *k = enc(rawkey);
    if (k == NULL) {
        json_object_put(v);
        return;
    }
    json_object_object_add(obj, k, v);
    free(k);
}

json_object *
dof_rj_kv(const dof_kv *kv, size_t n)
{
    json_object *o = json_object_new_object();

    if (o == NULL)
        return NULL;
    for (size_t i = 0; kv != NULL && i < n; i++)
        dof_rj_add_enc(o, kv[i].key,
                       dof_rj_str(kv[i].value ? kv[i].value : ""));
    return o;
}

json_object *
dof_rj_u64(uint64_t v)
{
    if (v > (uint64_t)INT64_MAX)
        return json_object_new_uint64(v);
    return json_object_new_int64((int64_t)v);
}

static int64_t
now_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return DOF_TIME_NONE;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

json_object *
dof_rj_provenance(const dof_report_opts *o)
{
    json_object *p = json_object_new_object(), *cl, *ev;
    const dof_evidence *e = o ? o->ev : NULL;

    if (p == NULL)
        return NULL;
    json_object_object_add(p, "version", json_object_new_string(DOF_VERSION));
    json_object_object_add(p, "libtsk", dof_rj_str(dof_libtsk_version()));
    cl = json_object_new_array();
    for (int i = 0; o != NULL && cl != NULL && i < o->argc; i++)
        json_object_array_add(cl, dof_rj_str(o->argv[i] ? o->argv[i] : ""));
    json_object_object_add(p, "command_line", cl);
    json_object_object_add(p, "time",
                           dof_rj_time(o && o->now ? o->now : now_ns()));
    if (e != NULL) {
        ev = json_object_new_object();
        if (ev != NULL) {
            json_object_object_add(ev, "path",
                                   dof_rj_str(dof_evidence_path(e)));
            json_object_object_add(ev, "format",
                                   dof_rj_str(dof_evidence_format(e)));
            json_object_object_add(ev, "size_bytes",
                                   dof_rj_u64(dof_evidence_size(e)));
            json_object_object_add(ev, "stored_md5",
                                   dof_rj_str(dof_evidence_stored_md5(e)));
            json_object_object_add(ev, "stored_sha1",
                                   dof_rj_str(dof_evidence_stored_sha1(e)));
        }
        json_object_object_add(p, "evidence", ev);
    }
    else {
        json_object_object_add(p, "evidence", NULL);
    }
    return p;
}

char *
dof_report_provenance_json(const dof_evidence *ev, int argc, char *const *argv)
{
    dof_report_opts o;
    json_object *p;
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    dof_report_opts_init(&o);
    o.ev = ev;
    o.argc = argc;
    o.argv = argv;
    if ((p = dof_rj_provenance(&o)) == NULL)
        return NULL;
    f = open_memstream(&text, &len);
    if (f != NULL) {
        print_value(f, p, 0, 0, 0);
        if (fclose(f) != 0) {
            free(text);
            text = NULL;
        }
    }
    json_object_put(p);
    return text;
}

json_object *
dof_rj_warnings(const dof_ctx *ctx)
{
    json_object *a = json_object_new_array(), *w;
    size_t n = dof_warning_count(ctx);

    if (a == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const dof_warning *dw = dof_warning_get(ctx, i);
        if (dw == NULL)
            break; /* the rest were counted, not kept */
        w = json_object_new_object();
        if (w == NULL)
            break;
        json_object_object_add(
            w, "code", json_object_new_string(dof_status_name(dw->code)));
        json_object_object_add(w, "path", dof_rj_str(dw->path));
        json_object_object_add(w, "message", dof_rj_str(dw->message));
        json_object_array_add(a, w);
    }
    return a;
}

/* ---- printer ---- */

static void
put_indent(FILE *f, int indent, int level)
{
    static const char spaces[] = "                                "
                                 "                                ";
    size_t n = (size_t)indent * (size_t)level;
    while (n > 0) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        fwrite(spaces, 1, k, f);
        n -= k;
    }
}

/* A JSON array of n elements, each written by fn(f, arg, i, indent,
 * level + 1), laid out like json-c's pretty printer. */
typedef void (*rw_elem_fn)(FILE *f, const void *arg, size_t i, int indent,
                           int level);

static void
rw_array(FILE *f, size_t n, rw_elem_fn fn, const void *arg, int indent,
         int level)
{
    if (n == 0) {
        fputs("[]", f);
        return;
    }
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (indent)
            fputc('\n', f);
        put_indent(f, indent, level + 1);
        fn(f, arg, i, indent, level + 1);
        if (i + 1 < n)
            fputc(',', f);
    }
    if (indent)
        fputc('\n', f);
    put_indent(f, indent, level);
    fputc(']', f);
}

/* A JSON string literal, escaped as json-c does (without escaping '/'):
 * the printer is on every command's output path, so no allocation. */
void
dof_rt_json_chars(FILE *f, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *e = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            e = u;
        }
        fwrite(s + start, 1, i - start, f);
        fputs(e, f);
        start = i + 1;
    }
    fwrite(s + start, 1, len - start, f);
}

static void
put_jstring(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    dof_rt_json_chars(f, s, len);
    fputc('"', f);
}

static void
put_scalar(FILE *f, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        put_jstring(f, json_object_get_string(v),
                    (size_t)json_object_get_string_len(v));
        return;
    case json_type_int:
        fprintf(f, "%lld", (long long)json_object_get_int64(v));
        return;
    case json_type_boolean:
        fputs(json_object_get_boolean(v) ? "true" : "false", f);
        return;
    default:
        fputs(json_object_to_json_string_ext(
                  v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
              f);
    }
}

static void
put_key(FILE *f, const char *k)
{
    put_jstring(f, k, strlen(k));
}

static int
cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_value(FILE *f, json_object *v, int indent, int sort,
                        int level);

typedef struct json_elems {
    json_object *v;
    int sort;
} json_elems;

static void
json_elem(FILE *f, const void *arg, size_t i, int indent, int level)
{
    const json_elems *e = arg;

    print_value(f, json_object_array_get_idx(e->v, i), indent, e->sort, level);
}

static void
print_value(FILE *f, json_object *v, int indent, int sort, int level)
{
    const char *nl = indent ? "\n" : "";
    const char *sep = indent ? ": " : ":";

    if (level > 200) { /* deeper than any config dof reads */
        fputs("null", f);
        return;
    }
    if (json_object_is_type(v, json_type_array)) {
        json_elems e = {v, sort};
        rw_array(f, json_object_array_length(v), json_elem, &e, indent, level);
        return;
    }
    if (json_object_is_type(v, json_type_object)) {
        size_t n = (size_t)json_object_object_length(v), i = 0;
        const char **keys;
        if (n == 0) {
            fputs("{}", f);
            return;
        }
        keys = calloc(n, sizeof(*keys));
        if (keys == NULL) {
            fputs("null", f);
            return;
        }
        json_object_object_foreach(v, k, val)
        {
            (void)val;
            if (i < n)
                keys[i++] = k;
        }
        if (sort)
            qsort(keys, i, sizeof(*keys), cmp_keys);
        fputs("{", f);
        fputs(nl, f);
        for (size_t j = 0; j < i; j++) {
            put_indent(f, indent, level + 1);
            put_key(f, keys[j]);
            fputs(sep, f);
            print_value(f, json_object_object_get(v, keys[j]), indent, sort,
                        level + 1);
            fputs(j + 1 < i ? "," : "", f);
            fputs(nl, f);
        }
        free(keys);
        put_indent(f, indent, level);
        fputs("}", f);
        return;
    }
    if (v == NULL) {
        fputs("null", f);
        return;
    }
    put_scalar(f, v);
}

/* ---- streamed records (dof_fields.h) ---- */

/* A string as dof_rj_str gives it: NULL -> null; valid UTF-8 as is, else
 * name-encoded. */
static void
rw_str(FILE *f, const char *s)
{
    char *e;

    if (s == NULL) {
        fputs("null", f);
        return;
    }
    if (dof_utf8_valid(s, strlen(s))) {
        put_jstring(f, s, strlen(s));
        return;
    }
    e = enc(s);
    if (e == NULL) {
        fputs("null", f);
        return;
    }
    put_jstring(f, e, strlen(e));
    free(e);
}

void
dof_rw_open(dof_rw *w, FILE *f, int indent, int level)
{
    w->f = f;
    w->indent = indent;
    w->level = level;
    w->n = 0;
    fputc('{', f);
}

void
dof_rw_key(dof_rw *w, const char *key)
{
    if (w->n++)
        fputc(',', w->f);
    if (w->indent)
        fputc('\n', w->f);
    put_indent(w->f, w->indent, w->level + 1);
    put_key(w->f, key);
    fputs(w->indent ? ": " : ":", w->f);
}

void
dof_rw_close(dof_rw *w)
{
    if (w->n && w->indent) {
        fputc('\n', w->f);
        put_indent(w->f, w->indent, w->level);
    }
    fputc('}', w->f);
}

/* An encoded key, with the value of its last occurrence (as a json-c
 * object, which keeps the first position of a key added twice). */
static void
rw_kv(FILE *f, const dof_kv *kv, size_t n, int indent, int level)
{
    dof_rw w;

    dof_rw_open(&w, f, indent, level);
    for (size_t i = 0; kv != NULL && i < n; i++) {
        const char *k = kv[i].key ? kv[i].key : "";
        const char *v = kv[i].value;
        size_t j;
        char *e;
        for (j = 0; j < i; j++)
            if (strcmp(kv[j].key ? kv[j].key : "", k) == 0)
                break;
        if (j < i)
            continue; /* written at its first position */
        for (j = i + 1; j < n; j++)
            if (strcmp(kv[j].key ? kv[j].key : "", k) == 0)
                v = kv[j].value;
        if ((e = enc(k)) == NULL)
            continue;
        dof_rw_key(&w, e);
        free(e);
        rw_str(f, v ? v : "");
    }
    dof_rw_close(&w);
}

static void
strv_elem(FILE *f, const void *arg, size_t i, int indent, int level)
{
    const char *const *v = arg;

    (void)indent;
    (void)level;
    rw_str(f, v[i] ? v[i] : "");
}

static void
rw_strv(FILE *f, const char *const *v, size_t n, int indent, int level)
{
    rw_array(f, v ? n : 0, strv_elem, v, indent, level);
}

static void
rw_object(FILE *f, const dof_field *t, const void *rec, int indent, int level)
{
    dof_rw w;

    dof_rw_open(&w, f, indent, level);
    dof_rw_fields(&w, t, rec);
    dof_rw_close(&w);
}

typedef struct rw_recs {
    const dof_field *t;
    const char *a;
    size_t size, n;
    int reverse;
} rw_recs;

static void
rec_elem(FILE *f, const void *arg, size_t i, int indent, int level)
{
    const rw_recs *r = arg;
    size_t k = r->reverse ? r->n - 1 - i : i;

    rw_object(f, r->t, r->a + k * r->size, indent, level);
}

/* n records of size bytes at a as an array (last first if reverse). */
static void
rw_list(FILE *f, const dof_field *t, const void *a, size_t size, size_t n,
        int reverse, int indent, int level)
{
    rw_recs r = {t, a, size, n, reverse};

    rw_array(f, a ? n : 0, rec_elem, &r, indent, level);
}

void
dof_rw_list(dof_rw *w, const char *key, const dof_field *t, const void *a,
            size_t size, size_t n, int reverse)
{
    dof_rw_key(w, key);
    rw_list(w->f, t, a, size, n, reverse, w->indent, w->level + 1);
}

void
dof_rw_object(dof_rw *w, const char *key, const dof_field *t, const void *rec)
{
    dof_rw_key(w, key);
    rw_object(w->f, t, rec, w->indent, w->level + 1);
}

static void
rw_value(FILE *f, const dof_field *fd, const void *rec, int indent, int level)
{
    const char *p = (const char *)rec + fd->off;
    const dof_store *st;
    char buf[40];

    switch (fd->kind) {
    case DOF_F_STR: rw_str(f, *(const char *const *)p); return;
    case DOF_F_STR_NULL: {
        const char *s = *(const char *const *)p;
        rw_str(f, (s && *s) ? s : NULL);
        return;
    }
    case DOF_F_TIME: {
        int64_t ns = *(const int64_t *)p;
        if (ns == DOF_TIME_NONE || dof_time_format(ns, buf, sizeof(buf)) == 0)
            fputs("null", f);
        else
            put_jstring(f, buf, strlen(buf));
        return;
    }
    case DOF_F_NS: {
        int64_t ns = *(const int64_t *)p;
        if (ns == DOF_TIME_NONE)
            fputs("null", f);
        else
            fprintf(f, "%lld", (long long)ns);
        return;
    }
    case DOF_F_INT: fprintf(f, "%d", *(const int *)p); return;
    case DOF_F_BOOL: fputs(*(const int *)p ? "true" : "false", f); return;
    case DOF_F_U64:
        fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)p);
        return;
    case DOF_F_COUNT: fprintf(f, "%zu", DOF_FIELD_CNT(rec, fd)); return;
    case DOF_F_STRV:
        rw_strv(f, *(const char *const *const *)p, DOF_FIELD_CNT(rec, fd),
                indent, level);
        return;
    case DOF_F_KV:
        rw_kv(f, *(const dof_kv *const *)p, DOF_FIELD_CNT(rec, fd), indent,
              level);
        return;
    case DOF_F_STATE: {
        const char *s = dof_state_name(*(const dof_state *)p);
        put_jstring(f, s, strlen(s));
        return;
    }
    case DOF_F_LIST:
        rw_list(f, fd->sub, *(const void *const *)p, fd->size,
                DOF_FIELD_CNT(rec, fd), 0, indent, level);
        return;
    case DOF_F_OBJ:
        if (fd->present != NULL && !fd->present(rec))
            fputs("null", f);
        else
            rw_object(f, fd->sub, rec, indent, level);
        return;
    case DOF_F_PTR: {
        const void *sub = *(const void *const *)p;
        if (sub == NULL)
            fputs("null", f);
        else
            rw_object(f, fd->sub, sub, indent, level);
        return;
    }
    case DOF_F_STORE:
        st = *(const dof_store *const *)p;
        rw_str(f, st ? st->path : NULL);
        return;
    case DOF_F_STORE_OFF:
        st = *(const dof_store *const *)p;
        if (st == NULL)
            fputs("null", f);
        else
            fprintf(f, "%llu", (unsigned long long)st->volume_offset_bytes);
        return;
    }
    fputs("null", f);
}

void
dof_rw_fields(dof_rw *w, const dof_field *t, const void *rec)
{
    for (; t->json || t->py || t->sql; t++) {
        if (t->json == NULL)
            continue;
        dof_rw_key(w, t->json);
        rw_value(w->f, t, rec, w->indent, w->level + 1);
    }
}

int
dof_rw_records(dof_ctx *ctx, const dof_report_opts *o, const char *key,
               const dof_field *t, const void *const *v, size_t n,
               dof_rw_extra_fn extra)
{
    FILE *f = o->out;
    json_object *p;

    /* the envelope of dof_rj_envelope_write, with the records streamed */
    fputs("{\n  \"dof\": ", f);
    p = dof_rj_provenance(o);
    print_value(f, p, 2, 0, 1);
    json_object_put(p);
    fputs(",\n  ", f);
    put_key(f, key);
    fputs(": ", f);
    if (n == 0)
        fputs("[]", f);
    else {
        fputc('[', f);
        for (size_t i = 0; i < n; i++) {
            dof_rw w;
            fputs("\n    ", f);
            dof_rw_open(&w, f, 2, 2);
            dof_rw_fields(&w, t, v[i]);
            if (extra != NULL)
                extra(&w, o, v[i]);
            dof_rw_close(&w);
            if (i + 1 < n)
                fputc(',', f);
        }
        fputs("\n  ]", f);
    }
    fputs(",\n  \"warnings\": ", f);
    p = dof_rj_warnings(ctx);
    print_value(f, p, 2, 0, 1);
    json_object_put(p);
    fputs("\n}\n", f);
    return dof_rt_finish(ctx, f);
}

json_object *
dof_rw_json(const dof_field *t, const void *rec)
{
    char *text = NULL;
    size_t len = 0;
    json_object *j = NULL;
    FILE *f = open_memstream(&text, &len);

    if (f == NULL)
        return NULL;
    rw_object(f, t, rec, 0, 0);
    if (fclose(f) == 0 && text != NULL)
        j = json_tokener_parse(text);
    free(text);
    return j;
}

int
dof_rj_print(dof_ctx *ctx, FILE *f, json_object *v, int indent, int sort_keys)
{
    print_value(f, v, indent, sort_keys, 0);
    fputc('\n', f);
    return dof_rt_finish(ctx, f);
}

int
dof_rj_envelope_write(dof_ctx *ctx, const dof_report_opts *o, const char *key,
                      json_object *result)
{
    json_object *doc = json_object_new_object();
    int rc;

    if (doc == NULL) {
        json_object_put(result);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    json_object_object_add(doc, "dof", dof_rj_provenance(o));
    json_object_object_add(doc, key, result);
    json_object_object_add(doc, "warnings", dof_rj_warnings(ctx));
    rc = dof_rj_print(ctx, o->out, doc, 2, 0);
    json_object_put(doc);
    return rc;
}

/* ---- text ---- */

char *
dof_rt_enc(const char *s)
{
    return enc(s);
}

void
dof_rt_put(FILE *f, const char *s)
{
    char *e;

    if (s == NULL || *s == '\0') {
        fputc('-', f);
        return;
    }
    e = dof_rt_enc(s);
    fputs(e ? e : "?", f);
    free(e);
}

const char *
dof_rt_time(int64_t ns, char *buf, size_t len)
{
    char t[40];

    if (len == 0)
        return "";
    if (ns == DOF_TIME_NONE || dof_time_format(ns, t, sizeof(t)) < 19) {
        snprintf(buf, len, "-");
        return buf;
    }
    /* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" -> "YYYY-MM-DD HH:MM:SS UTC" */
    t[10] = ' ';
    snprintf(buf, len, "%.19s UTC", t);
    return buf;
}

int
dof_rt_finish(dof_ctx *ctx, FILE *f)
{
    if (fflush(f) != 0 || ferror(f))
        return dof_set_error(ctx, DOF_ERR_IO, "cannot write the output");
    return DOF_OK;
}

const char *
dof_rt_short_id(const char *id, char buf[13])
{
    size_t i = 0;

    if (id == NULL)
        id = "";
    if (strncmp(id, "sha256:", 7) == 0)
        id += 7;
    for (; i < 12 && id[i]; i++)
        buf[i] = id[i];
    buf[i] = '\0';
    return buf;
}

/* ---- shared lookups ---- */

int
dof_report_container_selected(const dof_report_opts *o, const dof_container *c)
{
    if (o == NULL)
        return 1;
    if (o->running_only && c->state != DOF_STATE_RUNNING &&
        c->state != DOF_STATE_PAUSED && c->state != DOF_STATE_RESTARTING)
        return 0;
    if (o->nexclude_registries && c->image != NULL) {
        const char *slash = strchr(c->image, '/');
        size_t n = slash ? (size_t)(slash - c->image) : strlen(c->image);
        for (size_t i = 0; i < o->nexclude_registries; i++) {
            const char *r = o->exclude_registries[i];
            if (r && strlen(r) == n && strncmp(r, c->image, n) == 0)
                return 0;
        }
    }
    return 1;
}

void
dof_report_history_sizes(const dof_image *img, uint64_t *sizes)
{
    size_t l = 0;

    for (size_t i = 0; i < img->nhistory; i++) {
        sizes[i] = 0;
        if (img->history[i].empty_layer)
            continue;
        if (l < img->nlayers)
            sizes[i] = img->layers[l].size;
        l++;
    }
}

size_t
dof_rt_container_total(const dof_host *host)
{
    size_t total = 0;

    for (size_t r = 0; r < dof_host_store_count(host); r++)
        total += dof_host_store(host, r)->ncontainers;
    return total;
}

const dof_container **
dof_rt_container_slots(dof_ctx *ctx, const dof_host *host)
{
    size_t total = dof_rt_container_total(host);
    const dof_container **v = calloc(total ? total : 1, sizeof(*v));

    if (v == NULL)
        dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    return v;
}
