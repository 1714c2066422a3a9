/*
 * timeline.c - one sorted timeline of a Docker host (dof timeline).
 *
 * Events other than log lines are collected into a compact array
 * (time, kind, object, sub-index) and sorted; file MACB events point into
 * a table of trimmed file records (no contents).  Log lines are never
 * stored: every selected container's log is opened and its records are
 * merged into the sorted stream as they come (each log is in docker's
 * order).  With the bodyfile format file entries are written straight
 * from the walk (mactime sorts), other events as pseudo entries.
 */
#include "formats/bodyfile.h"

#include <stdlib.h>
#include <string.h>

#define FLUSH_AT (64u * 1024u)
#define TEXT_CAP 1024u /* history commands, probe output in messages */

enum tl_kind {
    TL_IMAGE_TAGGED = 0,
    TL_IMAGE_STEP,
    TL_CT_CREATED,
    TL_CT_STARTED,
    TL_CT_FINISHED,
    TL_HEALTH,
    TL_VOLUME,
    TL_NETWORK,
    TL_FILE,
    TL_LOG
};

#define M_A 0x1u
#define M_M 0x2u
#define M_C 0x4u
#define M_B 0x8u

/* A file of a layer or volume, trimmed to what the timeline prints. */
typedef struct tl_file {
    const dof_container *c;
    const char *name; /* encoded path + markers (bodyfile form) */
    const char *path; /* encoded path only */
    uint64_t ino, size, vol_off;
    uint32_t uid, gid;
    uint8_t kind;   /* dof_bodyfile_kind */
    uint8_t source; /* dof_usrc_kind */
    char mode[13];
} tl_file;

typedef struct tl_event {
    int64_t time;
    const void *obj; /* dof_image, dof_container, tl_file ... */
    uint32_t sub;    /* history step, probe index */
    uint32_t seq;
    uint8_t kind;
    uint8_t macb;
} tl_event;

typedef struct tl {
    dof_ctx *ctx;
    const dof_host *host;
    const dof_timeline_opts *o;
    dof_arena *arena;
    tl_event *ev;
    size_t nev, evcap;
    dof_buf out;                 /* pending output */
    dof_buf tmp;                 /* scratch for one field */
    dof_buf msg;                 /* the message of one event */
    dof_buf desc;                /* its timestamp_desc */
    const dof_container *walk_c; /* during a file walk */
    struct tl_step *steps;       /* every build step, grouped, see below */
    size_t nsteps;
    int rc;
} tl;

/* A build step of an image.  Images built on one another repeat their
 * ancestors' history; a step is keyed by the whole history up to it, so
 * the copies of one step share a key.  Sorted by (key, nhistory, ord):
 * the first of each key is the image that introduced the step, the
 * others share it. */
typedef struct tl_step {
    uint64_t key;
    const dof_image *img;
    uint32_t h, nhist, ord;
} tl_step;

typedef struct tl_row {
    int64_t time;
    const char *type;
    const char *desc;
    const dof_container *c;
    const char *image_id;
    const char *path; /* encoded */
    uint64_t inode;
    int has_inode;
    const char *macb;
    const char *source; /* raw */
    const dof_store *root;
    uint64_t vol_off;
    int has_vol_off;
    /* bodyfile pseudo entries */
    uint64_t size;
} tl_row;

void
dof_timeline_opts_init(dof_timeline_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->out = NULL; /* the caller names the sink */
    o->format = DOF_TIMELINE_JSONL;
}

/* ---- collecting ---- */

static int
add_event(tl *t, int64_t time, int kind, const void *obj, uint32_t sub,
          unsigned macb)
{
    tl_event *e;

    if (time == DOF_TIME_NONE)
        return DOF_OK;
    if (dof_grow(&t->ev, &t->evcap, t->nev, sizeof(*t->ev), 256) != DOF_OK)
        return DOF_ERR_NOMEM;
    e = &t->ev[t->nev];
    e->time = time;
    e->obj = obj;
    e->sub = sub;
    e->seq = (uint32_t)t->nev;
    e->kind = (uint8_t)kind;
    e->macb = (uint8_t)macb;
    t->nev++;
    return DOF_OK;
}

static int
cmp_event(const void *a, const void *b)
{
    const tl_event *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- output helpers ---- */

static void
put_json_str(dof_buf *b, const char *s, size_t len)
{
    dof_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            dof_buf_putc(b, '\\');
            dof_buf_putc(b, (char)ch);
        }
        else if (ch < 0x20) {
            dof_buf_printf(b, "\\u%04x", ch);
        }
        else {
            dof_buf_putc(b, (char)ch);
        }
    }
    dof_buf_putc(b, '"');
}

static void
put_csv_str(dof_buf *b, const char *s, size_t len)
{
    dof_buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            dof_buf_putc(b, '"');
        dof_buf_putc(b, s[i]);
    }
    dof_buf_putc(b, '"');
}

/* Encoded evidence text into b; at most cap raw bytes ("..." after). */
static void
put_enc(dof_buf *b, const char *raw, size_t len, size_t cap, const char *also)
{
    if (raw == NULL)
        return;
    if (len > cap) {
        dof_buf_put_name(b, raw, cap, also);
        dof_buf_append(b, "...", 3);
        return;
    }
    dof_buf_put_name(b, raw, len, also);
}

static const char *
image_label(const dof_image *img)
{
    if (img->ntags > 0)
        return img->tags[0];
    if (img->ndigests > 0)
        return img->digests[0];
    return img->id ? img->id : "?";
}

static const char *
ct_name(const dof_container *c)
{
    return c->name && *c->name ? c->name : c->id ? c->id : "?";
}

static void
macb_string(unsigned m, char out[5])
{
    out[0] = (m & M_M) ? 'm' : '.';
    out[1] = (m & M_A) ? 'a' : '.';
    out[2] = (m & M_C) ? 'c' : '.';
    out[3] = (m & M_B) ? 'b' : '.';
    out[4] = '\0';
}

static void
macb_desc(dof_buf *b, unsigned m)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{M_M, "Content Modification Time"},
                 {M_A, "Last Access Time"},
                 {M_C, "Metadata Modification Time"},
                 {M_B, "Creation Time"}};
    int first = 1;

    for (size_t i = 0; i < 4; i++)
        if (m & names[i].bit) {
            if (!first)
                dof_buf_append(b, "; ", 2);
            dof_buf_printf(b, "%s", names[i].name);
            first = 0;
        }
}

/* datetime: ISO 8601 UTC with microseconds, "+00:00". */
static void
put_datetime(dof_buf *b, int64_t ns)
{
    char t[40];
    size_t n = dof_time_format(ns, t, sizeof(t));

    if (n >= 26) {
        dof_buf_append(b, t, 26);
        dof_buf_append(b, "+00:00", 6);
    }
}

static int64_t
micros(int64_t ns)
{
    int64_t us = ns / 1000;
    if (ns % 1000 < 0)
        us--;
    return us;
}

static void
put_i64(dof_buf *b, int64_t v)
{
    if (v < 0) {
        dof_buf_putc(b, '-');
        dof_bodyfile_put_u64(b, (uint64_t)(-(v + 1)) + 1u);
    }
    else {
        dof_bodyfile_put_u64(b, (uint64_t)v);
    }
}

static const char *const csv_cols[] = {
    "message",        "datetime",
    "timestamp",      "timestamp_desc",
    "event_type",     "container_id",
    "container_name", "image_id",
    "path",           "inode",
    "macb",           "source",
    "data_root",      "volume_offset_bytes"};
#define NCOLS (sizeof(csv_cols) / sizeof(csv_cols[0]))

/* One event row in the selected format (message in t->msg, desc in
 * t->desc). */
static int
put_row(tl *t, const tl_row *r)
{
    dof_buf *b = &t->out;
    const char *vals[NCOLS];
    size_t lens[NCOLS];
    char dt[48], ts[32], ino[32], off[32];
    dof_buf f;
    int json = t->o->format == DOF_TIMELINE_JSONL;
    void (*put_str)(dof_buf *, const char *, size_t);

    if (t->o->format == DOF_TIMELINE_BODYFILE) {
        /* a pseudo entry: every time = the event */
        dof_buf_append(b, "0|", 2);
        for (size_t i = 0; i < t->msg.len; i++) {
            if (t->msg.data[i] == '|')
                dof_buf_append(b, "\\x7c", 4);
            else
                dof_buf_putc(b, t->msg.data[i]);
        }
        dof_buf_putc(b, '|');
        dof_bodyfile_put_u64(b, r->has_inode ? r->inode : 0);
        dof_buf_append(b, "|-/----------|0|0|", 18);
        dof_bodyfile_put_u64(b, r->size);
        for (int i = 0; i < 4; i++) {
            dof_buf_putc(b, '|');
            dof_bodyfile_put_time(b, r->time, 0);
        }
        dof_buf_putc(b, '\n');
        goto done;
    }
    dof_buf_init(&f);
    put_datetime(&f, r->time);
    snprintf(dt, sizeof(dt), "%s", f.data ? f.data : "");
    dof_buf_reset(&f);
    put_i64(&f, micros(r->time));
    snprintf(ts, sizeof(ts), "%s", f.data ? f.data : "0");
    dof_buf_free(&f);
    snprintf(ino, sizeof(ino), "%llu", (unsigned long long)r->inode);
    snprintf(off, sizeof(off), "%llu",
             (unsigned long long)(r->has_vol_off ? r->vol_off
                                  : r->root      ? r->root->volume_offset_bytes
                                                 : 0));
    vals[0] = t->msg.data ? t->msg.data : "";
    vals[1] = dt;
    vals[2] = ts;
    vals[3] = t->desc.data ? t->desc.data : "";
    vals[4] = r->type;
    vals[5] = r->c && r->c->id ? r->c->id : NULL;
    vals[6] = r->c ? ct_name(r->c) : NULL;
    vals[7] = r->image_id              ? r->image_id
              : r->c && r->c->image_id ? r->c->image_id
                                       : NULL;
    vals[8] = r->path;
    vals[9] = r->has_inode ? ino : NULL;
    vals[10] = r->macb;
    vals[11] = r->source;
    vals[12] = r->root ? r->root->path : NULL;
    vals[13] = (r->root || r->has_vol_off) ? off : NULL;
    for (size_t i = 0; i < NCOLS; i++)
        lens[i] = vals[i] ? strlen(vals[i]) : 0;
    /* evidence strings that are not encoded yet: ids, names, source */
    put_str = json ? put_json_str : put_csv_str;
    if (json)
        dof_buf_putc(b, '{');
    for (size_t i = 0; i < NCOLS; i++) {
        if (!json && i)
            dof_buf_putc(b, ',');
        if (vals[i] == NULL)
            continue;
        if (json) {
            if (i)
                dof_buf_append(b, ", ", 2);
            put_json_str(b, csv_cols[i], strlen(csv_cols[i]));
            dof_buf_append(b, ": ", 2);
        }
        if (i == 2 || i == 9 || i == 13) {
            dof_buf_append(b, vals[i], lens[i]); /* numbers as they are */
        }
        else if (i >= 5 && i != 8 && i != 10) {
            dof_buf_reset(&t->tmp);
            dof_buf_put_name(&t->tmp, vals[i], lens[i], NULL);
            put_str(b, t->tmp.data, t->tmp.len);
        }
        else {
            put_str(b, vals[i], lens[i]);
        }
    }
    if (json)
        dof_buf_putc(b, '}');
    dof_buf_putc(b, '\n');
done:
    if (b->oom)
        return DOF_ERR_NOMEM;
    if (b->len >= FLUSH_AT)
        return dof_bodyfile_flush(b, t->o->out);
    return DOF_OK;
}

/* ---- describing one collected event ---- */

/* " (shared by N images built on it: a, b, c, ...)" for a step that
 * later images repeat. */
static void
put_sharers(tl *t, const tl_step *st)
{
    const tl_step *end = t->steps + t->nsteps, *p;
    size_t n = 0;

    for (p = st + 1; p < end && p->key == st->key; p++)
        n++;
    if (n == 0)
        return;
    dof_buf_printf(&t->msg, " (also in %zu image%s built on it: ", n,
                   n == 1 ? "" : "s");
    /* tagged images first: the names an examiner knows */
    for (int tagged = 1, shown = 0; tagged >= 0; tagged--)
        for (p = st + 1; p < end && p->key == st->key; p++) {
            const char *l = image_label(p->img);
            if ((p->img->ntags > 0) != tagged || shown == 5)
                continue;
            if (shown++)
                dof_buf_append(&t->msg, ", ", 2);
            put_enc(&t->msg, l, strlen(l), TEXT_CAP, NULL);
        }
    if (n > 5)
        dof_buf_append(&t->msg, ", ...", 5);
    dof_buf_putc(&t->msg, ')');
}

static void
msg_prefix(tl *t, const char *what, const char *name)
{
    dof_buf_reset(&t->msg);
    dof_buf_reset(&t->desc);
    dof_buf_printf(&t->msg, "[%s ", what);
    put_enc(&t->msg, name, strlen(name), TEXT_CAP, NULL);
    dof_buf_append(&t->msg, "] ", 2);
}

/* The row type, description and (where it is fixed) message of each
 * event kind but TL_FILE. */
static const struct {
    const char *type, *desc, *msg;
} kind_name[] = {
    [TL_IMAGE_TAGGED] = {"image_tagged", "Image Last Tagged", "last tagged"},
    [TL_IMAGE_STEP] = {"image_build_step", "Image Build Step Created", NULL},
    [TL_CT_CREATED] = {"container_created", "Container Created", "created"},
    [TL_CT_STARTED] = {"container_started", "Container Started", "started"},
    [TL_CT_FINISHED] = {"container_finished", "Container Finished",
                        "finished"},
    [TL_HEALTH] = {"health_probe", "Health Check Started", NULL},
    [TL_VOLUME] = {"volume_created", "Volume Created", "created"},
    [TL_NETWORK] = {"network_created", "Network Created", "created"},
};

static void
kind_names(tl *t, int kind, tl_row *r)
{
    r->type = kind_name[kind].type;
    dof_buf_printf(&t->desc, "%s", kind_name[kind].desc);
    if (kind_name[kind].msg)
        dof_buf_printf(&t->msg, "%s", kind_name[kind].msg);
}

static int
emit_event(tl *t, const tl_event *e)
{
    tl_row r;
    char macb[5];

    memset(&r, 0, sizeof(r));
    r.time = e->time;
    switch (e->kind) {
    case TL_IMAGE_TAGGED:
    case TL_IMAGE_STEP: {
        const tl_step *st = e->kind == TL_IMAGE_STEP ? e->obj : NULL;
        const dof_image *img = st ? st->img : e->obj;
        r.image_id = img->id;
        r.root = img->store;
        r.source = img->config_path;
        msg_prefix(t, "image", image_label(img));
        kind_names(t, e->kind, &r);
        if (e->kind == TL_IMAGE_TAGGED)
            break;
        const dof_history *h = &img->history[st->h];
        dof_buf_printf(&t->msg, "build step %u/%zu%s", st->h + 1,
                       img->nhistory, h->empty_layer ? " (no layer)" : "");
        if (h->created_by && *h->created_by) {
            dof_buf_append(&t->msg, ": ", 2);
            put_enc(&t->msg, h->created_by, strlen(h->created_by), TEXT_CAP,
                    NULL);
        }
        else if (h->comment && *h->comment) {
            dof_buf_append(&t->msg, ": ", 2);
            put_enc(&t->msg, h->comment, strlen(h->comment), TEXT_CAP, NULL);
        }
        put_sharers(t, st);
        break;
    }
    case TL_CT_CREATED:
    case TL_CT_STARTED:
    case TL_CT_FINISHED:
    case TL_HEALTH: {
        const dof_container *c = e->obj;
        r.c = c;
        r.root = c->store;
        r.source = c->config_path;
        msg_prefix(t, "container", ct_name(c));
        kind_names(t, e->kind, &r);
        if (e->kind == TL_CT_FINISHED) {
            if (c->state != DOF_STATE_RUNNING &&
                c->state != DOF_STATE_PAUSED &&
                c->state != DOF_STATE_RESTARTING)
                dof_buf_printf(&t->msg, " (exit code %d)", c->exit_code);
        }
        else if (e->kind == TL_HEALTH) {
            const dof_health_probe *p = &c->health_log[e->sub];
            dof_buf_printf(&t->msg, "health check (exit code %d)",
                           p->exit_code);
            if (p->output && *p->output) {
                dof_buf_append(&t->msg, ": ", 2);
                put_enc(&t->msg, p->output, strlen(p->output), TEXT_CAP, NULL);
            }
        }
        break;
    }
    case TL_VOLUME: {
        const dof_docker_volume *v = e->obj;
        r.root = v->store;
        r.source = v->data_path;
        msg_prefix(t, "volume", v->name ? v->name : "?");
        kind_names(t, e->kind, &r);
        break;
    }
    case TL_NETWORK: {
        const dof_network *n = e->obj;
        r.root = n->store;
        r.source = "network/files/local-kv.db";
        msg_prefix(t, "network", n->name ? n->name : n->id ? n->id : "?");
        kind_names(t, e->kind, &r);
        break;
    }
    case TL_FILE: {
        const tl_file *f = e->obj;
        r.c = f->c;
        r.root = f->c->store;
        r.path = f->path;
        r.inode = f->ino;
        r.has_inode = 1;
        r.vol_off = f->vol_off;
        r.has_vol_off = 1;
        macb_string(e->macb, macb);
        r.macb = macb;
        r.source = f->source == DOF_USRC_VOLUME ? "volume"
                   : f->source == DOF_USRC_BIND ? "bind"
                                                : "container layer";
        msg_prefix(t, "container", ct_name(f->c));
        dof_buf_printf(&t->msg, "%s %s", macb, f->name);
        if (f->kind == DOF_BODYFILE_WHITEOUT) {
            r.type = "whiteout";
            dof_buf_printf(&t->desc, "Deletion (whiteout inode ");
            macb_desc(&t->desc, e->macb);
            dof_buf_printf(&t->desc, ")");
            dof_buf_printf(&t->msg,
                           " - whiteout inode time: shared among a "
                           "mount's deletions; the parent directory's "
                           "mtime/ctime bound each deletion");
        }
        else {
            r.type =
                f->kind == DOF_BODYFILE_DELETED ? "deleted_entry" : "file";
            macb_desc(&t->desc, e->macb);
        }
        break;
    }
    default: return DOF_OK;
    }
    if (t->msg.oom || t->desc.oom)
        return DOF_ERR_NOMEM;
    return put_row(t, &r);
}

static int
emit_log(tl *t, const dof_container *c, const dof_log_record *rec)
{
    tl_row r;
    size_t len = rec->len;
    const char *sn;

    if (len > 0 && rec->message[len - 1] == '\n')
        len--;
    memset(&r, 0, sizeof(r));
    r.time = rec->time;
    r.c = c;
    r.root = c->store;
    r.type = "log";
    r.source = rec->source;
    r.size = len;
    msg_prefix(t, "container", ct_name(c));
    sn = rec->stream_name ? rec->stream_name : "?";
    put_enc(&t->msg, sn, strlen(sn), TEXT_CAP, NULL);
    dof_buf_append(&t->msg, ": ", 2);
    dof_buf_put_name(&t->msg, rec->message, len, NULL);
    dof_buf_printf(&t->desc, "Log Entry Written (");
    put_enc(&t->desc, sn, strlen(sn), TEXT_CAP, NULL);
    dof_buf_putc(&t->desc, ')');
    if (t->msg.oom || t->desc.oom)
        return DOF_ERR_NOMEM;
    return put_row(t, &r);
}

/* ---- files ---- */

static int
file_cb(void *arg, const dof_bodyfile_entry *e)
{
    tl *t = arg;
    tl_file *f;
    int64_t tm[4];
    unsigned bits[4] = {M_A, M_M, M_C, M_B};
    dof_buf *b = &t->tmp;

    if (t->o->format == DOF_TIMELINE_BODYFILE) {
        char pre[300];
        snprintf(pre, sizeof(pre), "[container %s] ", ct_name(t->walk_c));
        if (dof_bodyfile_put_line(&t->out, e, 0, pre) != DOF_OK) {
            t->rc = DOF_ERR_NOMEM;
            return 1;
        }
        if (t->out.len >= FLUSH_AT &&
            (t->rc = dof_bodyfile_flush(&t->out, t->o->out)) != DOF_OK)
            return 1;
        return 0;
    }
    if (!e->has_stat)
        return 0;
    f = dof_arena_calloc(t->arena, 1, sizeof(*f));
    if (f == NULL)
        goto oom;
    f->c = t->walk_c;
    f->ino = e->st.ino;
    f->size = e->st.size;
    f->uid = e->st.uid;
    f->gid = e->st.gid;
    f->kind = (uint8_t)e->kind;
    f->source = (uint8_t)e->source;
    f->vol_off = e->fs ? dof_fs_volume_offset(e->fs) : 0;
    dof_bodyfile_mode_string(e->name_type, &e->st, f->mode);
    dof_buf_reset(b);
    dof_buf_put_name(b, e->path, e->path_len, NULL);
    f->path = dof_arena_strndup(t->arena, b->data, b->len);
    dof_bodyfile_put_name_tail(b, e, NULL);
    if (b->oom || f->path == NULL)
        goto oom;
    f->name = dof_arena_strndup(t->arena, b->data, b->len);
    if (f->name == NULL)
        goto oom;
    tm[0] = e->st.atime;
    tm[1] = e->st.mtime;
    tm[2] = e->st.ctime;
    tm[3] = e->st.crtime;
    /* one event per distinct time, with every kind that has it */
    for (int i = 0; i < 4; i++) {
        unsigned m = 0;
        int dup = 0;
        if (tm[i] == DOF_TIME_NONE)
            continue;
        for (int j = 0; j < i; j++)
            dup |= tm[j] == tm[i];
        if (dup)
            continue;
        for (int j = i; j < 4; j++)
            if (tm[j] == tm[i])
                m |= bits[j];
        if (add_event(t, tm[i], TL_FILE, f, 0, m) != DOF_OK)
            goto oom;
    }
    return 0;
oom:
    t->rc = DOF_ERR_NOMEM;
    return 1;
}

/* ---- selection ---- */

static int
uses_image(const dof_container *c, const dof_image *img)
{
    return c->image_id && img->id && strcmp(c->image_id, img->id) == 0;
}

static int
uses_volume(const dof_container *c, const dof_docker_volume *v)
{
    for (size_t i = 0; i < c->nmounts; i++)
        if (c->mounts[i].name && v->name &&
            strcmp(c->mounts[i].name, v->name) == 0)
            return 1;
    return 0;
}

static int
uses_network(const dof_container *c, const dof_network *n)
{
    for (size_t i = 0; i < c->nendpoints; i++) {
        const dof_endpoint *ep = &c->endpoints[i];
        if ((ep->network_id && n->id && strcmp(ep->network_id, n->id) == 0) ||
            (ep->network && n->name && strcmp(ep->network, n->name) == 0))
            return 1;
    }
    return 0;
}

static int
collect_container(tl *t, const dof_container *c)
{
    int rc = DOF_OK;

    rc |= add_event(t, c->created, TL_CT_CREATED, c, 0, 0);
    rc |= add_event(t, c->started_at, TL_CT_STARTED, c, 0, 0);
    rc |= add_event(t, c->finished_at, TL_CT_FINISHED, c, 0, 0);
    for (size_t i = 0; i < c->nhealth_log; i++)
        rc |=
            add_event(t, c->health_log[i].start, TL_HEALTH, c, (uint32_t)i, 0);
    if (rc != DOF_OK)
        return DOF_ERR_NOMEM;
    if (!t->o->no_files) {
        dof_bodyfile_opts bo;
        dof_bodyfile_opts_init(&bo);
        bo.flags = DOF_BODYFILE_LAYER | DOF_BODYFILE_VOLUMES;
        bo.host_fs = t->o->host_fs;
        bo.nhost_fs = t->o->nhost_fs;
        t->walk_c = c;
        rc = dof_bodyfile_walk(t->ctx, c, &bo, file_cb, t);
        if (t->rc != DOF_OK)
            return t->rc;
        if (rc == DOF_ERR_NOMEM)
            return rc;
        if (rc != DOF_OK) {
            /* no writable layer: the volumes may still be there */
            dof_warn(t->ctx, rc, c->upper_dir, "timeline: container %s: %s",
                     ct_name(c), dof_errmsg(t->ctx));
            dof_clear_error(t->ctx);
            bo.flags = DOF_BODYFILE_VOLUMES;
            rc = dof_bodyfile_walk(t->ctx, c, &bo, file_cb, t);
            if (t->rc != DOF_OK)
                return t->rc;
            if (rc == DOF_ERR_NOMEM)
                return rc;
            dof_clear_error(t->ctx);
        }
    }
    return DOF_OK;
}

/* FNV-1a 64 over n bytes, continuing from k. */
static uint64_t
fnv(uint64_t k, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        k = (k ^ b[i]) * 1099511628211ull;
    return k;
}

static int
cmp_step(const void *a, const void *b)
{
    const tl_step *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->nhist != y->nhist)
        return x->nhist < y->nhist ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The build steps of the images that pass the filter, grouped by key;
 * one event per group, for the image that introduced the step. */
static int
collect_steps(tl *t)
{
    const dof_container *only = t->o->container;
    size_t cap = 0;
    int rc = DOF_OK;

    for (size_t r = 0; r < dof_host_store_count(t->host); r++) {
        const dof_store *root = dof_host_store(t->host, r);
        for (size_t i = 0; i < root->nimages; i++) {
            const dof_image *img = &root->images[i];
            uint64_t k = 14695981039346656037ull;
            if (only && !uses_image(only, img))
                continue;
            for (size_t h = 0; h < img->nhistory && h < UINT32_MAX; h++) {
                const dof_history *hs = &img->history[h];
                const char *cb = hs->created_by ? hs->created_by : "";
                const char *cm = hs->comment ? hs->comment : "";
                tl_step *st;
                k = fnv(k, &hs->created, sizeof(hs->created));
                k = fnv(k, &hs->empty_layer, sizeof(hs->empty_layer));
                k = fnv(k, cb, strlen(cb) + 1);
                k = fnv(k, cm, strlen(cm) + 1);
                if (dof_grow(&t->steps, &cap, t->nsteps, sizeof(*t->steps),
                             64) != DOF_OK)
                    return DOF_ERR_NOMEM;
                st = &t->steps[t->nsteps];
                st->key = k;
                st->img = img;
                st->h = (uint32_t)h;
                st->nhist =
                    (uint32_t)(img->nhistory < UINT32_MAX ? img->nhistory
                                                          : UINT32_MAX);
                st->ord = (uint32_t)t->nsteps;
                t->nsteps++;
            }
        }
    }
    if (t->nsteps > 1)
        qsort(t->steps, t->nsteps, sizeof(*t->steps), cmp_step);
    for (size_t i = 0; i < t->nsteps && rc == DOF_OK; i++)
        if (i == 0 || t->steps[i].key != t->steps[i - 1].key)
            rc = add_event(t, t->steps[i].img->history[t->steps[i].h].created,
                           TL_IMAGE_STEP, &t->steps[i], 0, 0);
    return rc;
}

static int
collect(tl *t)
{
    const dof_container *only = t->o->container;
    int rc = DOF_OK;

    for (size_t r = 0; r < dof_host_store_count(t->host); r++) {
        const dof_store *root = dof_host_store(t->host, r);
        for (size_t i = 0; i < root->nimages; i++) {
            const dof_image *img = &root->images[i];
            if (only && !uses_image(only, img))
                continue;
            rc |= add_event(t, img->last_updated, TL_IMAGE_TAGGED, img, 0, 0);
        }
        for (size_t i = 0; i < root->nvolumes; i++) {
            const dof_docker_volume *v = &root->volumes[i];
            if (only && !uses_volume(only, v))
                continue;
            rc |= add_event(t, v->created, TL_VOLUME, v, 0, 0);
        }
        for (size_t i = 0; i < root->nnetworks; i++) {
            const dof_network *n = &root->networks[i];
            if (only && !uses_network(only, n))
                continue;
            rc |= add_event(t, n->created, TL_NETWORK, n, 0, 0);
        }
        if (rc != DOF_OK)
            return DOF_ERR_NOMEM;
        for (size_t i = 0; i < root->ncontainers; i++) {
            const dof_container *c = &root->containers[i];
            if (only && c != only)
                continue;
            if ((rc = collect_container(t, c)) != DOF_OK)
                return rc;
        }
    }
    return DOF_OK;
}

/* ---- logs, merged ---- */

typedef struct tl_log {
    const dof_container *c;
    dof_log *log;
    const dof_log_record *rec; /* current head, NULL at the end */
} tl_log;

static int
log_advance(tl *t, tl_log *l)
{
    int rc = dof_log_next(l->log, &l->rec);

    if (rc == 1)
        return DOF_OK;
    l->rec = NULL;
    if (rc < 0) {
        dof_warn(t->ctx, rc, l->c->log_path,
                 "timeline: container %s: logs end early: %s", ct_name(l->c),
                 dof_errmsg(t->ctx));
        dof_clear_error(t->ctx);
    }
    return DOF_OK;
}

static int
open_logs(tl *t, tl_log **out, size_t *n)
{
    tl_log *v = NULL;
    size_t nv = 0, cap = 0;
    const dof_container *only = t->o->container;

    for (size_t r = 0; r < dof_host_store_count(t->host); r++) {
        const dof_store *root = dof_host_store(t->host, r);
        for (size_t i = 0; i < root->ncontainers; i++) {
            const dof_container *c = &root->containers[i];
            dof_log *log = NULL;
            dof_log_opts lo;
            int rc;

            if (only && c != only)
                continue;
            dof_log_opts_init(&lo);
            lo.streams = DOF_LOG_STDOUT | DOF_LOG_STDERR | DOF_LOG_OTHER;
            lo.reassemble = 1; /* one event per message, as docker logs */
            rc = dof_log_open(t->ctx, c, &lo, &log);
            if (rc == DOF_ERR_NOMEM)
                goto oom;
            if (rc != DOF_OK) {
                if (rc != DOF_ERR_NODATA)
                    dof_warn(t->ctx, rc, c->log_path,
                             "timeline: container %s: no logs: %s", ct_name(c),
                             dof_errmsg(t->ctx));
                dof_clear_error(t->ctx);
                continue;
            }
            if (dof_grow(&v, &cap, nv, sizeof(*v), 16) != DOF_OK) {
                dof_log_close(log);
                goto oom;
            }
            v[nv].c = c;
            v[nv].log = log;
            v[nv].rec = NULL;
            nv++;
            log_advance(t, &v[nv - 1]);
        }
    }
    *out = v;
    *n = nv;
    return DOF_OK;
oom:
    for (size_t i = 0; i < nv; i++)
        dof_log_close(v[i].log);
    free(v);
    return DOF_ERR_NOMEM;
}

int
dof_timeline_write(dof_ctx *ctx, const dof_host *host,
                   const dof_timeline_opts *o)
{
    tl t;
    tl_log *logs = NULL;
    size_t nlogs = 0, next = 0;
    int rc;

    if (ctx == NULL || host == NULL || o == NULL || o->out == NULL)
        return DOF_ERR_ARG;
    memset(&t, 0, sizeof(t));
    t.ctx = ctx;
    t.host = host;
    t.o = o;
    dof_buf_init(&t.out);
    dof_buf_init(&t.tmp);
    dof_buf_init(&t.msg);
    dof_buf_init(&t.desc);
    t.arena = dof_arena_new();
    if (t.arena == NULL) {
        rc = DOF_ERR_NOMEM;
        goto fail;
    }
    if (o->format == DOF_TIMELINE_CSV) {
        for (size_t i = 0; i < NCOLS; i++)
            dof_buf_printf(&t.out, "%s%s", i ? "," : "", csv_cols[i]);
        dof_buf_putc(&t.out, '\n');
    }
    if ((rc = collect_steps(&t)) != DOF_OK || (rc = collect(&t)) != DOF_OK)
        goto fail;
    if (t.nev > 1)
        qsort(t.ev, t.nev, sizeof(*t.ev), cmp_event);
    if (o->logs && (rc = open_logs(&t, &logs, &nlogs)) != DOF_OK)
        goto fail;
    for (;;) {
        tl_log *best = NULL;
        for (size_t i = 0; i < nlogs; i++)
            if (logs[i].rec &&
                (best == NULL || logs[i].rec->time < best->rec->time))
                best = &logs[i];
        if (best && (next >= t.nev || best->rec->time < t.ev[next].time)) {
            if ((rc = emit_log(&t, best->c, best->rec)) != DOF_OK)
                goto fail;
            log_advance(&t, best);
            continue;
        }
        if (next >= t.nev)
            break;
        if ((rc = emit_event(&t, &t.ev[next++])) != DOF_OK)
            goto fail;
    }
    rc = dof_bodyfile_flush(&t.out, o->out);
    if (rc == DOF_OK && fflush(o->out) != 0)
        rc = DOF_ERR_IO;
fail:
    if (rc == DOF_ERR_NOMEM)
        dof_set_error(ctx, rc, "timeline: out of memory");
    else if (rc == DOF_ERR_IO)
        dof_set_error(ctx, rc, "timeline: cannot write the output");
    for (size_t i = 0; i < nlogs; i++)
        dof_log_close(logs[i].log);
    free(logs);
    free(t.ev);
    free(t.steps);
    dof_arena_free(t.arena);
    dof_buf_free(&t.out);
    dof_buf_free(&t.tmp);
    dof_buf_free(&t.msg);
    dof_buf_free(&t.desc);
    return rc;
}
