/*
 * _dof.c - the C half of the Python binding (`import dof`): evidence,
 * Docker hosts, merged container views, logs and case databases over
 * the public API in include/dof.h, and nothing else.
 *
 * Objects keep what they were made from alive: a Host holds its
 * Evidence, a Union or a Log holds its Host.  One dof_ctx per Evidence
 * (or Case) carries errors and warnings; the GIL is held during every
 * call, so that context is never shared between threads.
 *
 * Strings from the evidence are bytes: they come out as str decoded as
 * UTF-8 with "surrogateescape" (lossless: os.fsencode() gives the bytes
 * back).  Paths given in are str or bytes.  Records are dicts with the
 * keys of the matching `dof ... --json` document.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "dof.h"
#include "dof_fields.h"

#include <stdlib.h>
#include <string.h>

static PyObject *dof_error, *dof_notfound_error, *dof_ambiguous_error;

/* ---- values ---- */

static PyObject *
py_str(const char *s)
{
    if (s == NULL)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

static PyObject *
py_strn(const char *s, size_t len)
{
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "surrogateescape");
}

/* NULL and "" give None (the JSON reports' "str_or_null"). */
static PyObject *
py_str_or_none(const char *s)
{
    if (s == NULL || *s == '\0')
        Py_RETURN_NONE;
    return py_str(s);
}

static PyObject *
py_time(int64_t ns)
{
    char buf[40];

    if (ns == DOF_TIME_NONE || dof_time_format(ns, buf, sizeof(buf)) == 0)
        Py_RETURN_NONE;
    return PyUnicode_FromString(buf);
}

static PyObject *
py_ns(int64_t ns)
{
    if (ns == DOF_TIME_NONE)
        Py_RETURN_NONE;
    return PyLong_FromLongLong((long long)ns);
}

static PyObject *
py_u64(uint64_t v)
{
    return PyLong_FromUnsignedLongLong((unsigned long long)v);
}

static PyObject *
py_strv(const char *const *v, size_t n)
{
    PyObject *l = PyList_New((Py_ssize_t)n), *s;

    for (size_t i = 0; l != NULL && i < n; i++) {
        s = py_str(v[i] ? v[i] : "");
        if (s == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    return l;
}

/* Set d[key] = v, stealing v; -1 (and v released) on failure. */
static int
put(PyObject *d, const char *key, PyObject *v)
{
    int rc;

    if (v == NULL)
        return -1;
    rc = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return rc;
}

static PyObject *
py_kv(const dof_kv *kv, size_t n)
{
    PyObject *d = PyDict_New(), *k = NULL, *v = NULL;

    for (size_t i = 0; d != NULL && kv != NULL && i < n; i++) {
        k = py_str(kv[i].key ? kv[i].key : "");
        v = py_str(kv[i].value ? kv[i].value : "");
        if (k == NULL || v == NULL || PyDict_SetItem(d, k, v) < 0)
            goto fail;
        Py_CLEAR(k);
        Py_CLEAR(v);
    }
    return d;
fail:
    Py_XDECREF(k);
    Py_XDECREF(v);
    Py_DECREF(d);
    return NULL;
}

typedef PyObject *(*item_fn)(const void *item);

/* A list of the n dicts fn makes of the elements of a (size bytes each). */
static PyObject *
py_list_of(item_fn fn, const void *a, size_t size, size_t n)
{
    PyObject *l = PyList_New((Py_ssize_t)n), *o;

    for (size_t i = 0; l != NULL && i < n; i++) {
        o = fn((const char *)a + i * size);
        if (o == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, o);
    }
    return l;
}

#define LIST_OF(fn, a, n) py_list_of(fn, (a), sizeof(*(a)), (n))

/* Raise the ctx's error as dof.Error (NotFoundError, AmbiguousError),
 * with the dof_status in .code.  Returns NULL. */
static PyObject *
raise_ctx(const dof_ctx *ctx, int rc)
{
    PyObject *type = dof_error, *exc, *code;
    const char *msg = ctx ? dof_errmsg(ctx) : "";

    if (rc == DOF_ERR_NOMEM)
        return PyErr_NoMemory();
    if (rc == DOF_ERR_NOTFOUND)
        type = dof_notfound_error;
    else if (rc == DOF_ERR_AMBIGUOUS)
        type = dof_ambiguous_error;
    if (msg == NULL || *msg == '\0')
        msg = dof_status_name(rc);
    exc = PyObject_CallFunction(type, "s", msg);
    if (exc == NULL)
        return NULL;
    code = PyLong_FromLong(rc);
    if (code != NULL) {
        PyObject_SetAttrString(exc, "code", code);
        Py_DECREF(code);
    }
    PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *
warnings_list(const dof_ctx *ctx)
{
    size_t n = dof_warning_count(ctx);
    PyObject *l = PyList_New((Py_ssize_t)n), *d;

    for (size_t i = 0; l != NULL && i < n; i++) {
        const dof_warning *w = dof_warning_get(ctx, i);
        d = PyDict_New();
        if (d == NULL || put(d, "code", PyLong_FromLong(w->code)) < 0 ||
            put(d, "status", py_str(dof_status_name(w->code))) < 0 ||
            put(d, "path", py_str(w->path)) < 0 ||
            put(d, "message", py_str(w->message)) < 0) {
            Py_XDECREF(d);
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, d);
    }
    return l;
}

/* ---- records: the keys of the JSON reports (core/report_*.c) ---- */

/* ---- records from their field tables (dof_fields.h) ---- */

static PyObject *fields_dict(const dof_field *t, const void *rec);

static PyObject *
field_value(const dof_field *f, const void *rec)
{
    const char *p = (const char *)rec + f->off;
    const dof_store *st;

    switch (f->kind) {
    case DOF_F_STR: return py_str(*(const char *const *)p);
    case DOF_F_STR_NULL: return py_str_or_none(*(const char *const *)p);
    case DOF_F_TIME: return py_time(*(const int64_t *)p);
    case DOF_F_NS: return py_ns(*(const int64_t *)p);
    case DOF_F_INT: return PyLong_FromLong(*(const int *)p);
    case DOF_F_BOOL: return PyBool_FromLong(*(const int *)p);
    case DOF_F_U64: return py_u64(*(const uint64_t *)p);
    case DOF_F_COUNT: return PyLong_FromSize_t(DOF_FIELD_CNT(rec, f));
    case DOF_F_STRV:
        return py_strv(*(const char *const *const *)p, DOF_FIELD_CNT(rec, f));
    case DOF_F_KV:
        return py_kv(*(const dof_kv *const *)p, DOF_FIELD_CNT(rec, f));
    case DOF_F_STATE: return py_str(dof_state_name(*(const dof_state *)p));
    case DOF_F_LIST: {
        const char *a = *(const char *const *)p;
        size_t n = a ? DOF_FIELD_CNT(rec, f) : 0;
        PyObject *l = PyList_New((Py_ssize_t)n), *d;
        for (size_t i = 0; l != NULL && i < n; i++) {
            if ((d = fields_dict(f->sub, a + i * f->size)) == NULL) {
                Py_DECREF(l);
                return NULL;
            }
            PyList_SET_ITEM(l, (Py_ssize_t)i, d);
        }
        return l;
    }
    case DOF_F_OBJ:
        if (f->present != NULL && !f->present(rec))
            Py_RETURN_NONE;
        return fields_dict(f->sub, rec);
    case DOF_F_PTR:
        if (*(const void *const *)p == NULL)
            Py_RETURN_NONE;
        return fields_dict(f->sub, *(const void *const *)p);
    case DOF_F_STORE:
        st = *(const dof_store *const *)p;
        return py_str(st ? st->path : NULL);
    case DOF_F_STORE_OFF:
        st = *(const dof_store *const *)p;
        if (st == NULL)
            Py_RETURN_NONE;
        return py_u64(st->volume_offset_bytes);
    }
    Py_RETURN_NONE;
}

/* A dict of every field of table t that has a Python name. */
static PyObject *
fields_dict(const dof_field *t, const void *rec)
{
    PyObject *d = PyDict_New();

    for (; d != NULL && (t->json || t->py || t->sql); t++) {
        if (t->py == NULL)
            continue;
        if (put(d, t->py, field_value(t, rec))) {
            Py_DECREF(d);
            return NULL;
        }
    }
    return d;
}

static PyObject *
container_dict(const void *p)
{
    return fields_dict(dof_container_fields, p);
}

static PyObject *
image_dict(const void *p)
{
    return fields_dict(dof_image_fields, p);
}

static PyObject *
volume_dict(const void *p)
{
    return fields_dict(dof_volume_fields, p);
}

static PyObject *
network_dict(const void *p)
{
    return fields_dict(dof_network_fields, p);
}

#define S(k, v)                                                               \
    do {                                                                      \
        if (put(d, k, v))                                                     \
            goto fail;                                                        \
    } while (0)

static PyObject *
root_dict(const dof_store *r)
{
    PyObject *d = PyDict_New();

    if (d == NULL)
        return NULL;
    S("engine", py_str(r->engine));
    S("volume", py_str(r->volume));
    S("volume_index", PyLong_FromUnsignedLong(r->volume_index));
    S("volume_offset_bytes", py_u64(r->volume_offset_bytes));
    S("path", py_str(r->path));
    S("found_by", py_str(r->found_by));
    S("read", PyBool_FromLong(r->read));
    S("reason", py_str(r->reason));
    S("rootless_user", py_str(r->rootless_user));
    S("engine_version", py_str(r->engine_version));
    S("engine_id", py_str(r->docker.engine_id));
    S("storage_driver", py_str(r->driver));
    S("swarm_member", PyBool_FromLong(r->docker.swarm_member));
    S("filesystem", py_str(r->fs ? dof_fs_type_name(r->fs) : NULL));
    S("journal_needs_recovery", PyBool_FromLong(r->journal_needs_recovery));
    S("containers", PyLong_FromSize_t(r->ncontainers));
    S("images", PyLong_FromSize_t(r->nimages));
    S("volumes", PyLong_FromSize_t(r->nvolumes));
    S("networks", PyLong_FromSize_t(r->nnetworks));
    S("other_stores",
      py_strv(r->docker.other_stores, r->docker.nother_stores));
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

/* volumes()[].lvm: as status.evidence.volumes[].lvm in JSON, or None. */
static PyObject *
lvm_dict(const dof_lvm_volume *l)
{
    PyObject *d, *old, *segs;

    if (l == NULL)
        Py_RETURN_NONE;
    if ((d = PyDict_New()) == NULL)
        return NULL;
    S("vg", py_str(l->vg));
    S("vg_id", py_str(l->vg_id));
    S("lv", py_str(l->lv));
    S("lv_id", py_str(l->lv_id));
    S("type", py_str(l->type));
    S("readable", PyBool_FromLong(l->readable));
    S("extent_size_bytes", py_u64(l->extent_size_bytes));
    S("metadata_seqno", py_u64(l->seqno));
    if ((old = PyList_New(0)) == NULL)
        goto fail;
    for (size_t i = 0; i < l->nolder_seqnos; i++) {
        PyObject *x = py_u64(l->older_seqnos[i]);
        if (x == NULL || PyList_Append(old, x) < 0) {
            Py_XDECREF(x);
            Py_DECREF(old);
            goto fail;
        }
        Py_DECREF(x);
    }
    S("older_metadata_seqnos", old);
    if ((segs = PyList_New(0)) == NULL)
        goto fail;
    for (size_t i = 0; i < l->nsegments; i++) {
        const dof_lvm_segment *g = &l->segments[i];
        PyObject *sd = PyDict_New(), *keep = d;
        int bad;
        if (sd == NULL) {
            Py_DECREF(segs);
            goto fail;
        }
        d = sd;
        bad = put(d, "start_extent", py_u64(g->start_extent)) ||
              put(d, "extent_count", py_u64(g->extent_count)) ||
              put(d, "type", py_str(g->type)) ||
              put(d, "stripes", py_u64(g->stripes)) ||
              put(d, "pv", py_str(g->pv)) ||
              put(d, "pv_address", py_str(g->pv_address)) ||
              put(d, "pv_start_extent", py_u64(g->pv_start_extent)) ||
              put(d, "offset_bytes", py_u64(g->offset_bytes));
        d = keep;
        if (bad || PyList_Append(segs, sd) < 0) {
            Py_DECREF(sd);
            Py_DECREF(segs);
            goto fail;
        }
        Py_DECREF(sd);
    }
    S("segments", segs);
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

static PyObject *
volume_part_dict(const void *p)
{
    const dof_partition *v = p;
    PyObject *d = PyDict_New();

    if (d == NULL)
        return NULL;
    S("index", PyLong_FromUnsignedLong(v->index));
    S("address", py_str(v->address));
    S("offset_bytes", py_u64(v->offset_bytes));
    S("length_bytes", py_u64(v->length_bytes));
    S("description", py_str(v->desc));
    S("signature", py_str(v->signature));
    S("filesystem", py_str(v->fs ? dof_fs_type_name(v->fs) : NULL));
    S("note", py_str(v->note));
    S("lvm", lvm_dict(v->lvm));
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

static const char *
ftype_name(dof_ftype t)
{
    static const char *const names[] = {"unknown", "reg", "dir",  "lnk",
                                        "chr",     "blk", "fifo", "sock"};

    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t]
                                                          : "unknown";
}

static int
put_stat(PyObject *d, const dof_stat *st)
{
    if (put(d, "ino", py_u64(st->ino)) ||
        put(d, "type", py_str(ftype_name(st->type))) ||
        put(d, "mode", PyLong_FromUnsignedLong(st->mode)) ||
        put(d, "uid", PyLong_FromUnsignedLong(st->uid)) ||
        put(d, "gid", PyLong_FromUnsignedLong(st->gid)) ||
        put(d, "size", py_u64(st->size)) ||
        put(d, "nlink", PyLong_FromUnsignedLong(st->nlink)) ||
        put(d, "rdev_major", PyLong_FromUnsignedLong(st->rdev_major)) ||
        put(d, "rdev_minor", PyLong_FromUnsignedLong(st->rdev_minor)) ||
        put(d, "atime", py_ns(st->atime)) ||
        put(d, "mtime", py_ns(st->mtime)) ||
        put(d, "ctime", py_ns(st->ctime)) ||
        put(d, "crtime", py_ns(st->crtime)) ||
        put(d, "allocated", PyBool_FromLong(st->allocated)))
        return -1;
    return 0;
}

static PyObject *
source_dict(const dof_usource *s)
{
    PyObject *d = PyDict_New();

    if (d == NULL)
        return NULL;
    S("kind", py_str(dof_usrc_kind_name(s->kind)));
    S("index", PyLong_FromLong(s->index));
    S("id", py_str(s->id));
    S("path", py_str(s->path));
    S("dest", py_str(s->dest));
    S("volume_offset_bytes",
      s->fs ? py_u64(dof_fs_volume_offset(s->fs)) : Py_NewRef(Py_None));
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

/* An entry of the merged view; name given separately (lookup: the path
 * asked for). */
static PyObject *
uentry_dict(const dof_uentry *e, const char *name, size_t len)
{
    PyObject *d = PyDict_New();
    uint64_t off = e->fs ? dof_fs_volume_offset(e->fs) : 0;

    if (d == NULL)
        return NULL;
    S("name", py_strn(name, len));
    if (put_stat(d, &e->st))
        goto fail;
    S("source", e->src ? source_dict(e->src) : Py_NewRef(Py_None));
    S("node", py_u64(e->node));
    S("volume_offset_bytes", e->fs ? py_u64(off) : Py_NewRef(Py_None));
    S("opaque", PyBool_FromLong((e->flags & DOF_UENT_OPAQUE) != 0));
    S("redirect", PyBool_FromLong((e->flags & DOF_UENT_REDIRECT) != 0));
    S("metacopy", PyBool_FromLong((e->flags & DOF_UENT_METACOPY) != 0));
    S("mount_point", PyBool_FromLong((e->flags & DOF_UENT_MOUNT) != 0));
    S("synthetic", PyBool_FromLong((e->flags & DOF_UENT_SYNTH) != 0));
    S("nlayers", PyLong_FromUnsignedLong(e->nlayers));
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}
#undef S

/* ---- Evidence ---- */

typedef struct {
    PyObject_HEAD dof_ctx *ctx;
    dof_evidence *ev;
    Py_ssize_t nhosts; /* live Host objects made of it */
    int closed;        /* close() called: closed when the last goes */
} EvidenceObject;

typedef struct {
    PyObject_HEAD EvidenceObject *ev; /* strong reference */
    dof_host *host;
} HostObject;

typedef struct {
    PyObject_HEAD HostObject *host; /* strong reference */
    dof_union *u;
    dof_fs **fsv; /* host filesystems for bind sources */
} UnionObject;

typedef struct {
    PyObject_HEAD HostObject *host;
    dof_log *log;
} LogObject;

typedef struct {
    PyObject_HEAD dof_ctx *ctx;
    dof_case *cs;
} CaseObject;

static PyTypeObject EvidenceType, HostType, UnionType, LogType, CaseType;

static int
evidence_init(EvidenceObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"path", "offset", NULL};
    PyObject *path = NULL;
    long long offset = -1;
    int rc;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|L", kwl,
                                     PyUnicode_FSConverter, &path, &offset))
        return -1;
    if (self->ev != NULL) {
        Py_DECREF(path);
        PyErr_SetString(PyExc_RuntimeError, "Evidence already open");
        return -1;
    }
    if (self->ctx == NULL)
        self->ctx = dof_ctx_new();
    if (self->ctx == NULL) {
        Py_DECREF(path);
        PyErr_NoMemory();
        return -1;
    }
    rc = dof_evidence_open(self->ctx, PyBytes_AS_STRING(path), (int64_t)offset,
                           &self->ev);
    Py_DECREF(path);
    if (rc != DOF_OK) {
        raise_ctx(self->ctx, rc);
        return -1;
    }
    return 0;
}

static void
evidence_dealloc(EvidenceObject *self)
{
    dof_evidence_close(self->ev);
    dof_ctx_free(self->ctx);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
evidence_check(EvidenceObject *self)
{
    if (self->ev == NULL || self->closed) {
        PyErr_SetString(PyExc_ValueError, "Evidence is closed");
        return -1;
    }
    return 0;
}

static PyObject *
evidence_info(EvidenceObject *self, PyObject *unused)
{
    PyObject *d;

    (void)unused;
    if (evidence_check(self))
        return NULL;
    d = PyDict_New();
    if (d == NULL || put(d, "path", py_str(dof_evidence_path(self->ev))) ||
        put(d, "format", py_str(dof_evidence_format(self->ev))) ||
        put(d, "volume_system", py_str(dof_evidence_vs_type(self->ev))) ||
        put(d, "size_bytes", py_u64(dof_evidence_size(self->ev))) ||
        put(d, "stored_md5", py_str(dof_evidence_stored_md5(self->ev))) ||
        put(d, "stored_sha1", py_str(dof_evidence_stored_sha1(self->ev)))) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *
evidence_volumes(EvidenceObject *self, PyObject *unused)
{
    size_t n;
    PyObject *l;

    (void)unused;
    if (evidence_check(self))
        return NULL;
    n = dof_evidence_partition_count(self->ev);
    l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l != NULL && i < n; i++) {
        PyObject *d = volume_part_dict(dof_evidence_partition(self->ev, i));
        if (d == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, d);
    }
    return l;
}

static PyObject *
evidence_host(EvidenceObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"docker_root", "show_secrets", NULL};
    const char *root = NULL;
    int secrets = 0, rc;
    dof_host_opts o;
    HostObject *h;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "|zp", kwl, &root, &secrets))
        return NULL;
    if (evidence_check(self))
        return NULL;
    memset(&o, 0, sizeof(o));
    o.docker_root = root;
    o.show_secrets = secrets;
    h = PyObject_New(HostObject, &HostType);
    if (h == NULL)
        return NULL;
    h->host = NULL;
    Py_INCREF(self);
    h->ev = self;
    self->nhosts++;
    rc = dof_host_open(self->ctx, self->ev, &o, &h->host);
    if (rc != DOF_OK) {
        Py_DECREF(h);
        return raise_ctx(self->ctx, rc);
    }
    return (PyObject *)h;
}

static PyObject *
evidence_warnings(EvidenceObject *self, PyObject *unused)
{
    (void)unused;
    return warnings_list(self->ctx);
}

static PyObject *
evidence_close(EvidenceObject *self, PyObject *unused)
{
    (void)unused;
    /* Hosts hold a reference: with some alive, the evidence is closed
     * for real when the last of them goes (evidence_dealloc). */
    self->closed = 1;
    if (self->nhosts == 0) {
        dof_evidence_close(self->ev);
        self->ev = NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
return_self(PyObject *self, PyObject *unused)
{
    (void)unused;
    return Py_NewRef(self);
}

static PyObject *
evidence_exit(EvidenceObject *self, PyObject *args)
{
    (void)args;
    return evidence_close(self, NULL);
}

static PyMethodDef evidence_methods[] = {
    {"info", (PyCFunction)evidence_info, METH_NOARGS,
     "path, format, volume_system, size_bytes, stored_md5, stored_sha1"},
    {"volumes", (PyCFunction)evidence_volumes, METH_NOARGS,
     "the volumes (partitions) as dicts"},
    {"host", (PyCFunction)(void (*)(void))evidence_host,
     METH_VARARGS | METH_KEYWORDS,
     "host(docker_root=None, show_secrets=False) -> Host"},
    {"warnings", (PyCFunction)evidence_warnings, METH_NOARGS,
     "warnings recorded so far (dicts: code, status, path, message)"},
    {"close", (PyCFunction)evidence_close, METH_NOARGS, "close"},
    {"__enter__", return_self, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)evidence_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

/* ---- Host ---- */

static void
host_dealloc(HostObject *self)
{
    dof_host_close(self->host);
    if (self->ev != NULL)
        self->ev->nhosts--;
    Py_XDECREF(self->ev);
    PyObject_Free(self);
}

typedef PyObject *(*root_list_fn)(const dof_store *r);

static PyObject *
root_containers(const dof_store *r)
{
    return LIST_OF(container_dict, r->containers, r->ncontainers);
}

static PyObject *
root_images(const dof_store *r)
{
    return LIST_OF(image_dict, r->images, r->nimages);
}

static PyObject *
root_volumes(const dof_store *r)
{
    return LIST_OF(volume_dict, r->volumes, r->nvolumes);
}

static PyObject *
root_networks(const dof_store *r)
{
    return LIST_OF(network_dict, r->networks, r->nnetworks);
}

/* Concatenate fn over every data root. */
static PyObject *
host_all(HostObject *self, root_list_fn fn)
{
    PyObject *all = PyList_New(0), *l;
    size_t n = dof_host_store_count(self->host);

    for (size_t i = 0; all != NULL && i < n; i++) {
        l = fn(dof_host_store(self->host, i));
        if (l == NULL) {
            Py_DECREF(all);
            return NULL;
        }
        if (PyList_SetSlice(all, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX, l) < 0)
            Py_CLEAR(all);
        Py_DECREF(l);
    }
    return all;
}

static PyObject *
host_containers(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_all(self, root_containers);
}

static PyObject *
host_images(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_all(self, root_images);
}

static PyObject *
host_docker_volumes(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_all(self, root_volumes);
}

static PyObject *
host_networks(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_all(self, root_networks);
}

/* Every store (all = 1), or the Docker data roots dof read. */
static PyObject *
host_store_list(HostObject *self, int all)
{
    size_t n = dof_host_store_count(self->host);
    PyObject *l = PyList_New(0), *d;

    for (size_t i = 0; l != NULL && i < n; i++) {
        const dof_store *s = dof_host_store(self->host, i);
        if (!all &&
            !(s->read && s->engine && strcmp(s->engine, "docker") == 0))
            continue;
        d = root_dict(s);
        if (d == NULL || PyList_Append(l, d) < 0) {
            Py_XDECREF(d);
            Py_DECREF(l);
            return NULL;
        }
        Py_DECREF(d);
    }
    return l;
}

static PyObject *
host_roots(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_store_list(self, 0);
}

static PyObject *
host_stores(HostObject *self, PyObject *unused)
{
    (void)unused;
    return host_store_list(self, 1);
}

/* The container named by a str (name, ID, prefix) or a dict with "id". */
static const dof_container *
host_container_arg(HostObject *self, PyObject *arg)
{
    const dof_container *c = NULL;
    const char *q;
    PyObject *id = NULL;
    int rc;

    if (PyDict_Check(arg)) {
        id = PyDict_GetItemString(arg, "id"); /* borrowed */
        if (id == NULL) {
            PyErr_SetString(PyExc_KeyError, "id");
            return NULL;
        }
        arg = id;
    }
    q = PyUnicode_AsUTF8(arg);
    if (q == NULL)
        return NULL;
    rc = dof_host_find_container(self->ev->ctx, self->host, q, &c);
    if (rc != DOF_OK) {
        raise_ctx(self->ev->ctx, rc);
        return NULL;
    }
    return c;
}

static PyObject *
host_container(HostObject *self, PyObject *arg)
{
    const dof_container *c = host_container_arg(self, arg);

    return c ? container_dict(c) : NULL;
}

static PyObject *
host_image(HostObject *self, PyObject *arg)
{
    const dof_image *img = NULL;
    const char *q = PyUnicode_AsUTF8(arg);
    int rc;

    if (q == NULL)
        return NULL;
    rc = dof_host_find_image(self->ev->ctx, self->host, q, &img);
    if (rc != DOF_OK)
        return raise_ctx(self->ev->ctx, rc);
    return image_dict(img);
}

static PyObject *
host_container_config(HostObject *self, PyObject *arg)
{
    const dof_container *c = host_container_arg(self, arg);
    char *cfg = NULL, *hc = NULL;
    PyObject *t;
    int rc;

    if (c == NULL)
        return NULL;
    rc = dof_container_read_config(self->ev->ctx, c, &cfg, &hc);
    if (rc != DOF_OK)
        return raise_ctx(self->ev->ctx, rc);
    t = Py_BuildValue("(NN)", py_str(cfg), py_str(hc));
    free(cfg);
    free(hc);
    return t;
}

static PyObject *
host_union(HostObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"container", "mounts", NULL};
    PyObject *carg;
    int mounts = 1, rc;
    const dof_container *c;
    UnionObject *u;
    dof_union_opts o;
    size_t nv = dof_evidence_partition_count(self->ev->ev);

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|p", kwl, &carg, &mounts))
        return NULL;
    c = host_container_arg(self, carg);
    if (c == NULL)
        return NULL;
    u = PyObject_New(UnionObject, &UnionType);
    if (u == NULL)
        return NULL;
    u->u = NULL;
    u->fsv = calloc(nv ? nv : 1, sizeof(*u->fsv));
    Py_INCREF(self);
    u->host = self;
    if (u->fsv == NULL) {
        Py_DECREF(u);
        return PyErr_NoMemory();
    }
    memset(&o, 0, sizeof(o));
    for (size_t i = 0; i < nv; i++) {
        const dof_partition *v = dof_evidence_partition(self->ev->ev, i);
        if (v->fs != NULL)
            u->fsv[o.nhost_fs++] = v->fs;
    }
    o.host_fs = u->fsv;
    o.flags = mounts ? DOF_UNION_MOUNTS : 0;
    rc = dof_union_open(self->ev->ctx, self->host, c, &o, &u->u);
    if (rc != DOF_OK) {
        Py_DECREF(u);
        return raise_ctx(self->ev->ctx, rc);
    }
    return (PyObject *)u;
}

static PyObject *
host_image_union(HostObject *self, PyObject *arg)
{
    const dof_image *img = NULL;
    const char *q = PyUnicode_AsUTF8(arg);
    UnionObject *u;
    int rc;

    if (q == NULL)
        return NULL;
    rc = dof_host_find_image(self->ev->ctx, self->host, q, &img);
    if (rc != DOF_OK)
        return raise_ctx(self->ev->ctx, rc);
    u = PyObject_New(UnionObject, &UnionType);
    if (u == NULL)
        return NULL;
    u->u = NULL;
    u->fsv = NULL;
    Py_INCREF(self);
    u->host = self;
    rc = dof_union_open_image(self->ev->ctx, self->host, img, &u->u);
    if (rc != DOF_OK) {
        Py_DECREF(u);
        return raise_ctx(self->ev->ctx, rc);
    }
    return (PyObject *)u;
}

static unsigned
streams_mask(PyObject *s)
{
    unsigned m = 0;
    const char *t;

    if (s == NULL || s == Py_None)
        return 0;
    if (PyLong_Check(s))
        return (unsigned)PyLong_AsUnsignedLong(s);
    t = PyUnicode_AsUTF8(s);
    if (t == NULL)
        return (unsigned)-1;
    if (strstr(t, "stdout"))
        m |= DOF_LOG_STDOUT;
    if (strstr(t, "stderr"))
        m |= DOF_LOG_STDERR;
    if (strstr(t, "other"))
        m |= DOF_LOG_OTHER;
    if (m == 0) {
        PyErr_Format(PyExc_ValueError, "streams: %s", t);
        return (unsigned)-1;
    }
    return m;
}

static PyObject *
host_logs(HostObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"container", "streams", "reassemble",
                          "since",     "until",   NULL};
    PyObject *carg, *streams = NULL, *since = Py_None, *until = Py_None;
    int reassemble = 0, rc;
    const dof_container *c;
    dof_log_opts o;
    LogObject *l;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OpOO", kwl, &carg, &streams,
                                     &reassemble, &since, &until))
        return NULL;
    dof_log_opts_init(&o);
    o.streams = streams_mask(streams);
    if (o.streams == (unsigned)-1)
        return NULL;
    o.reassemble = reassemble;
    if (since != Py_None) {
        o.since = PyLong_AsLongLong(since);
        if (PyErr_Occurred())
            return NULL;
    }
    if (until != Py_None) {
        o.until = PyLong_AsLongLong(until);
        if (PyErr_Occurred())
            return NULL;
    }
    c = host_container_arg(self, carg);
    if (c == NULL)
        return NULL;
    l = PyObject_New(LogObject, &LogType);
    if (l == NULL)
        return NULL;
    l->log = NULL;
    Py_INCREF(self);
    l->host = self;
    rc = dof_log_open(self->ev->ctx, c, &o, &l->log);
    if (rc != DOF_OK) {
        Py_DECREF(l);
        return raise_ctx(self->ev->ctx, rc);
    }
    return (PyObject *)l;
}

static const char *
change_kind(dof_change_kind k)
{
    return k == DOF_CHANGE_ADD ? "A" : k == DOF_CHANGE_DELETE ? "D" : "C";
}

static int
diff_cb(void *arg, const dof_change *ch)
{
    PyObject *l = arg, *d = PyDict_New();
    uint64_t off = ch->entry.fs ? dof_fs_volume_offset(ch->entry.fs) : 0;

    if (d == NULL || put(d, "kind", py_str(change_kind(ch->kind))) ||
        put(d, "path", py_strn(ch->path, ch->path_len)) ||
        put(d, "ino", py_u64(ch->entry.st.ino)) ||
        put(d, "type", py_str(ftype_name(ch->entry.st.type))) ||
        put(d, "size", py_u64(ch->entry.st.size)) ||
        put(d, "mode", PyLong_FromUnsignedLong(ch->entry.st.mode)) ||
        put(d, "mtime", py_ns(ch->entry.st.mtime)) ||
        put(d, "source",
            ch->entry.src ? source_dict(ch->entry.src) : Py_NewRef(Py_None)) ||
        put(d, "volume_offset_bytes",
            ch->entry.fs ? py_u64(off) : Py_NewRef(Py_None)) ||
        put(d, "has_whiteout", PyBool_FromLong(ch->has_whiteout)) ||
        put(d, "by_opaque", PyBool_FromLong(ch->by_opaque)) ||
        PyList_Append(l, d) < 0) {
        Py_XDECREF(d);
        return 1;
    }
    Py_DECREF(d);
    return 0;
}

static PyObject *
host_diff(HostObject *self, PyObject *arg)
{
    const dof_container *c = host_container_arg(self, arg);
    PyObject *l;
    int rc;

    if (c == NULL)
        return NULL;
    l = PyList_New(0);
    if (l == NULL)
        return NULL;
    rc = dof_union_diff(self->ev->ctx, self->host, c, diff_cb, l);
    if (PyErr_Occurred()) {
        Py_DECREF(l);
        return NULL;
    }
    if (rc != DOF_OK) {
        Py_DECREF(l);
        return raise_ctx(self->ev->ctx, rc);
    }
    return l;
}

static PyObject *
host_evidence(HostObject *self, void *unused)
{
    (void)unused;
    return Py_NewRef((PyObject *)self->ev);
}

static PyMethodDef host_methods[] = {
    {"containers", (PyCFunction)host_containers, METH_NOARGS,
     "every container (dicts: the keys of list-containers --json)"},
    {"images", (PyCFunction)host_images, METH_NOARGS,
     "every image (dicts: the keys of list-images --json)"},
    {"volumes", (PyCFunction)host_docker_volumes, METH_NOARGS,
     "Docker volumes (dicts: the keys of list-volumes --json)"},
    {"networks", (PyCFunction)host_networks, METH_NOARGS,
     "Docker networks (dicts: the keys of list-networks --json)"},
    {"roots", (PyCFunction)host_roots, METH_NOARGS,
     "the Docker data roots read"},
    {"stores", (PyCFunction)host_stores, METH_NOARGS,
     "every container store found, read or not"},
    {"container", (PyCFunction)host_container, METH_O,
     "container(name|id|prefix) -> dict"},
    {"image", (PyCFunction)host_image, METH_O,
     "image(repo:tag|id|prefix) -> dict"},
    {"container_config", (PyCFunction)host_container_config, METH_O,
     "container_config(c) -> (config.v2.json text, hostconfig.json text)"},
    {"union", (PyCFunction)(void (*)(void))host_union,
     METH_VARARGS | METH_KEYWORDS,
     "union(container, mounts=True) -> Union (the merged view)"},
    {"image_union", (PyCFunction)host_image_union, METH_O,
     "image_union(image) -> Union (an image's layers)"},
    {"logs", (PyCFunction)(void (*)(void))host_logs,
     METH_VARARGS | METH_KEYWORDS,
     "logs(container, streams=None, reassemble=False, since=None, "
     "until=None) -> Log (an iterator of records)"},
    {"diff", (PyCFunction)host_diff, METH_O,
     "diff(container) -> list of changes, as docker diff"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef host_getset[] = {
    {"evidence", (getter)host_evidence, NULL, "the Evidence", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

/* ---- Union ---- */

static void
union_dealloc(UnionObject *self)
{
    dof_union_close(self->u);
    free(self->fsv);
    Py_XDECREF(self->host);
    PyObject_Free(self);
}

static dof_ctx *
union_ctx(UnionObject *self)
{
    return self->host->ev->ctx;
}

static PyObject *
union_sources(UnionObject *self, PyObject *unused)
{
    size_t n = dof_union_source_count(self->u);
    PyObject *l = PyList_New((Py_ssize_t)n), *d;

    (void)unused;
    for (size_t i = 0; l != NULL && i < n; i++) {
        d = source_dict(dof_union_source(self->u, i));
        if (d == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, d);
    }
    return l;
}

/* Look path up; 0 or -1 with the exception set. */
static int
union_lookup(UnionObject *self, PyObject *path, int follow, dof_uentry *e)
{
    int rc = dof_union_lookup(self->u, PyBytes_AS_STRING(path), follow, e);

    if (rc != DOF_OK) {
        raise_ctx(union_ctx(self), rc);
        if (rc == DOF_ERR_NOTFOUND && *dof_errmsg(union_ctx(self)) == '\0')
            PyErr_Format(dof_notfound_error, "%s: not found",
                         PyBytes_AS_STRING(path));
        return -1;
    }
    return 0;
}

static PyObject *
union_stat(UnionObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"path", "follow", NULL};
    PyObject *path = NULL, *d = NULL;
    int follow = 1;
    dof_uentry e;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|p", kwl,
                                     PyUnicode_FSConverter, &path, &follow))
        return NULL;
    dof_clear_error(union_ctx(self));
    if (union_lookup(self, path, follow, &e) == 0) {
        const char *p = PyBytes_AS_STRING(path);
        const char *base = strrchr(p, '/');
        base = base && base[1] ? base + 1 : p;
        d = uentry_dict(&e, base, strlen(base));
        if (d != NULL &&
            put(d, "path", py_strn(p, (size_t)PyBytes_GET_SIZE(path))) < 0)
            Py_CLEAR(d);
    }
    Py_DECREF(path);
    return d;
}

static int
readdir_cb(void *arg, const dof_uentry *e)
{
    PyObject *l = arg, *d = uentry_dict(e, e->name, e->name_len);

    if (d == NULL || PyList_Append(l, d) < 0) {
        Py_XDECREF(d);
        return 1;
    }
    Py_DECREF(d);
    return 0;
}

static PyObject *
union_listdir(UnionObject *self, PyObject *args)
{
    PyObject *path = NULL, *l;
    int rc;

    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    l = PyList_New(0);
    if (l == NULL) {
        Py_DECREF(path);
        return NULL;
    }
    dof_clear_error(union_ctx(self));
    rc = dof_union_readdir(self->u, PyBytes_AS_STRING(path), readdir_cb, l);
    if (PyErr_Occurred())
        Py_CLEAR(l);
    else if (rc != DOF_OK) {
        Py_CLEAR(l);
        raise_ctx(union_ctx(self), rc);
    }
    Py_DECREF(path);
    return l;
}

#define READ_CHUNK (1u << 20)

static PyObject *
union_read(UnionObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"path", "offset", "size", NULL};
    PyObject *path = NULL, *b = NULL;
    unsigned long long off = 0;
    long long size = -1;
    size_t have = 0, cap, got;
    dof_uentry e;
    int rc;

    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "O&|KL", kwl, PyUnicode_FSConverter, &path, &off, &size))
        return NULL;
    dof_clear_error(union_ctx(self));
    if (union_lookup(self, path, 1, &e) < 0)
        goto fail;
    if (e.st.type != DOF_FT_REG) {
        PyErr_Format(PyExc_IsADirectoryError, "%s: not a regular file",
                     PyBytes_AS_STRING(path));
        goto fail;
    }
    /* Grow as content comes, never by the size the image claims. */
    cap = (size >= 0 && (unsigned long long)size < READ_CHUNK) ? (size_t)size
                                                               : READ_CHUNK;
    b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)cap);
    if (b == NULL)
        goto fail;
    for (;;) {
        size_t want = cap - have;
        if (size >= 0 && have >= (unsigned long long)size)
            break;
        if (size >= 0 && want > (unsigned long long)size - have)
            want = (size_t)size - have;
        if (want == 0) {
            if (_PyBytes_Resize(&b, (Py_ssize_t)(cap * 2)) < 0)
                goto fail;
            cap *= 2;
            continue;
        }
        rc = dof_union_read(self->u, &e, off + have,
                            PyBytes_AS_STRING(b) + have, want, &got);
        if (rc != DOF_OK) {
            raise_ctx(union_ctx(self), rc);
            goto fail;
        }
        if (got == 0)
            break;
        have += got;
    }
    if (_PyBytes_Resize(&b, (Py_ssize_t)have) < 0)
        goto fail;
    Py_DECREF(path);
    return b;
fail:
    Py_XDECREF(b);
    Py_DECREF(path);
    return NULL;
}

static PyObject *
union_readlink(UnionObject *self, PyObject *args)
{
    PyObject *path = NULL, *r = NULL;
    dof_uentry e;
    char *t = NULL;
    int rc;

    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    dof_clear_error(union_ctx(self));
    if (union_lookup(self, path, 0, &e) == 0) {
        rc = dof_union_readlink(self->u, &e, &t);
        if (rc != DOF_OK)
            raise_ctx(union_ctx(self), rc);
        else
            r = py_str(t);
        free(t);
    }
    Py_DECREF(path);
    return r;
}

static PyObject *
union_exit(UnionObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    Py_RETURN_NONE;
}

static PyMethodDef union_methods[] = {
    {"sources", (PyCFunction)union_sources, METH_NOARGS,
     "the layers (top first), then the mounts"},
    {"stat", (PyCFunction)(void (*)(void))union_stat,
     METH_VARARGS | METH_KEYWORDS,
     "stat(path, follow=True) -> entry dict (with its source layer)"},
    {"listdir", (PyCFunction)union_listdir, METH_VARARGS,
     "listdir(path) -> entry dicts of the merged directory, by name"},
    {"read", (PyCFunction)(void (*)(void))union_read,
     METH_VARARGS | METH_KEYWORDS, "read(path, offset=0, size=-1) -> bytes"},
    {"readlink", (PyCFunction)union_readlink, METH_VARARGS,
     "readlink(path) -> the symlink's target"},
    {"__enter__", return_self, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)union_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

/* ---- Log ---- */

static void
log_dealloc(LogObject *self)
{
    dof_log_close(self->log);
    Py_XDECREF(self->host);
    PyObject_Free(self);
}

static PyObject *
log_next(LogObject *self)
{
    const dof_log_record *r = NULL;
    PyObject *d;
    int rc;

    if (self->log == NULL)
        return NULL;
    rc = dof_log_next(self->log, &r);
    if (rc == 0)
        return NULL; /* StopIteration */
    if (rc < 0)
        return raise_ctx(self->host->ev->ctx, rc);
    d = PyDict_New();
    if (d == NULL || put(d, "time", py_ns(r->time)) ||
        put(d, "timestamp", py_time(r->time)) ||
        put(d, "stream", py_str(r->stream_name)) ||
        put(d, "message",
            PyBytes_FromStringAndSize(r->message, (Py_ssize_t)r->len)) ||
        put(d, "partial", PyBool_FromLong(r->partial)) ||
        put(d, "format",
            py_str(r->format == DOF_LOG_LOCAL ? "local" : "json-file")) ||
        put(d, "source", py_str(r->source)) ||
        put(d, "offset", py_u64(r->offset)) ||
        put(d, "time_raw", py_str(r->time_raw)) ||
        put(d, "pieces", PyLong_FromSize_t(r->npieces))) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *
log_files(LogObject *self, PyObject *unused)
{
    size_t n = dof_log_file_count(self->log);
    PyObject *l = PyList_New((Py_ssize_t)n), *s;

    (void)unused;
    for (size_t i = 0; l != NULL && i < n; i++) {
        s = py_str(dof_log_file_path(self->log, i));
        if (s == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    return l;
}

static PyMethodDef log_methods[] = {{"files", (PyCFunction)log_files,
                                     METH_NOARGS,
                                     "the log files read, in reading order"},
                                    {NULL, NULL, 0, NULL}};

/* ---- Case ---- */

static int
case_init(CaseObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"path", "create", "readonly", NULL};
    PyObject *path = NULL;
    int create = 1, ro = 0, rc;
    unsigned flags;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|pp", kwl,
                                     PyUnicode_FSConverter, &path, &create,
                                     &ro))
        return -1;
    if (self->cs != NULL) {
        Py_DECREF(path);
        PyErr_SetString(PyExc_RuntimeError, "Case already open");
        return -1;
    }
    if (self->ctx == NULL)
        self->ctx = dof_ctx_new();
    if (self->ctx == NULL) {
        Py_DECREF(path);
        PyErr_NoMemory();
        return -1;
    }
    flags = (create ? DOF_CASE_CREATE : 0) | (ro ? DOF_CASE_READONLY : 0);
    rc = dof_case_open(self->ctx, PyBytes_AS_STRING(path), flags, &self->cs);
    Py_DECREF(path);
    if (rc != DOF_OK) {
        raise_ctx(self->ctx, rc);
        return -1;
    }
    return 0;
}

static void
case_dealloc(CaseObject *self)
{
    dof_case_close(self->cs);
    dof_ctx_free(self->ctx);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
case_check(CaseObject *self)
{
    if (self->cs == NULL) {
        PyErr_SetString(PyExc_ValueError, "Case is closed");
        return -1;
    }
    return 0;
}

static PyObject *
case_ingest(CaseObject *self, PyObject *args, PyObject *kw)
{
    static char *kwl[] = {"path",   "modules",     "hash", "hash_files",
                          "offset", "docker_root", NULL};
    PyObject *path = NULL;
    const char *modules = NULL, *root = NULL;
    int hash = 0, hash_files = 0, rc;
    long long offset = -1;
    int64_t id = -1;
    dof_ingest_opts o;

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|zppLz", kwl,
                                     PyUnicode_FSConverter, &path, &modules,
                                     &hash, &hash_files, &offset, &root))
        return NULL;
    if (case_check(self)) {
        Py_DECREF(path);
        return NULL;
    }
    dof_ingest_opts_init(&o);
    o.modules = modules;
    o.hash = hash;
    o.hash_files = hash_files;
    o.offset_sectors = offset;
    o.docker_root = root;
    o.command_line = "python: dof.Case.ingest";
    dof_clear_error(self->ctx);
    rc =
        dof_case_ingest(self->ctx, self->cs, PyBytes_AS_STRING(path), &o, &id);
    Py_DECREF(path);
    if (rc != DOF_OK && rc != DOF_ERR_NODATA)
        return raise_ctx(self->ctx, rc);
    return Py_BuildValue("(Ls)", (long long)id,
                         rc == DOF_OK ? "ok" : dof_status_name(rc));
}

static PyObject *
case_status(CaseObject *self, PyObject *args)
{
    PyObject *path = NULL, *r;
    char *st = NULL;
    int rc;

    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path))
        return NULL;
    if (case_check(self)) {
        Py_DECREF(path);
        return NULL;
    }
    rc = dof_case_evidence_status(self->ctx, self->cs, PyBytes_AS_STRING(path),
                                  &st);
    Py_DECREF(path);
    if (rc != DOF_OK)
        return raise_ctx(self->ctx, rc);
    r = py_str(st);
    free(st);
    return r;
}

static PyObject *
case_warnings(CaseObject *self, PyObject *unused)
{
    (void)unused;
    return warnings_list(self->ctx);
}

static PyObject *
case_close(CaseObject *self, PyObject *unused)
{
    (void)unused;
    dof_case_close(self->cs);
    self->cs = NULL;
    Py_RETURN_NONE;
}

static PyObject *
case_exit(CaseObject *self, PyObject *args)
{
    (void)args;
    return case_close(self, NULL);
}

static PyMethodDef case_methods[] = {
    {"ingest", (PyCFunction)(void (*)(void))case_ingest,
     METH_VARARGS | METH_KEYWORDS,
     "ingest(path, modules=None, hash=False, hash_files=False, offset=-1, "
     "docker_root=None) -> (evidence_id, 'ok' | 'DOF_ERR_NODATA')"},
    {"evidence_status", (PyCFunction)case_status, METH_VARARGS,
     "evidence_status(path) -> 'ok', 'warnings', 'failed' or None"},
    {"warnings", (PyCFunction)case_warnings, METH_NOARGS,
     "warnings of the ingests so far"},
    {"close", (PyCFunction)case_close, METH_NOARGS, "close"},
    {"__enter__", return_self, METH_NOARGS, NULL},
    {"__exit__", (PyCFunction)case_exit, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

/* ---- module ---- */

static PyObject *
mod_versions(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return Py_BuildValue("{s:s,s:s,s:i}", "dof", DOF_VERSION, "libtsk",
                         dof_libtsk_version(), "schema",
                         DOF_CASE_SCHEMA_VERSION);
}

static PyObject *
mod_ingest_modules(PyObject *m, PyObject *unused)
{
    size_t n = dof_ingest_module_count();
    PyObject *l = PyList_New((Py_ssize_t)n), *d;

    (void)m;
    (void)unused;
    for (size_t i = 0; l != NULL && i < n; i++) {
        d = Py_BuildValue("{s:N,s:N,s:N}", "name",
                          py_str(dof_ingest_module_name(i)), "tables",
                          py_str(dof_ingest_module_tables(i)), "description",
                          py_str(dof_ingest_module_description(i)));
        if (d == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, d);
    }
    return l;
}

static PyMethodDef module_methods[] = {
    {"versions", mod_versions, METH_NOARGS,
     "{'dof', 'libtsk', 'schema'} versions"},
    {"ingest_modules", mod_ingest_modules, METH_NOARGS,
     "the case database's ingest modules, in run order"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject EvidenceType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_dof.Evidence",
    .tp_basicsize = sizeof(EvidenceObject),
    .tp_dealloc = (destructor)evidence_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Evidence(path, offset=-1): an image file or a directory, "
              "opened read-only (offset in 512-byte sectors; -1 detects "
              "the volume system)",
    .tp_methods = evidence_methods,
    .tp_init = (initproc)evidence_init,
    .tp_new = PyType_GenericNew,
};

static PyTypeObject HostType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_dof.Host",
    .tp_basicsize = sizeof(HostObject),
    .tp_dealloc = (destructor)host_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The Docker data roots of an Evidence (Evidence.host())",
    .tp_methods = host_methods,
    .tp_getset = host_getset,
};

static PyTypeObject UnionType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_dof.Union",
    .tp_basicsize = sizeof(UnionObject),
    .tp_dealloc = (destructor)union_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A container's (or image's) merged filesystem (Host.union())",
    .tp_methods = union_methods,
};

static PyTypeObject LogType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_dof.Log",
    .tp_basicsize = sizeof(LogObject),
    .tp_dealloc = (destructor)log_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An iterator over a container's log records (Host.logs())",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)log_next,
    .tp_methods = log_methods,
};

static PyTypeObject CaseType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_dof.Case",
    .tp_basicsize = sizeof(CaseObject),
    .tp_dealloc = (destructor)case_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Case(path, create=True, readonly=False): an SQLite case "
              "database",
    .tp_methods = case_methods,
    .tp_init = (initproc)case_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef dof_module = {
    PyModuleDef_HEAD_INIT,
    "_dof",
    "libdof: Docker forensics for The Sleuth Kit",
    -1,
    module_methods,
    NULL,
    NULL,
    NULL,
    NULL};

static int
add_type(PyObject *m, PyTypeObject *t, const char *name)
{
    if (PyType_Ready(t) < 0)
        return -1;
    Py_INCREF(t);
    if (PyModule_AddObject(m, name, (PyObject *)t) < 0) {
        Py_DECREF(t);
        return -1;
    }
    return 0;
}

PyMODINIT_FUNC PyInit__dof(void);

PyMODINIT_FUNC
PyInit__dof(void)
{
    PyObject *m = PyModule_Create(&dof_module);

    if (m == NULL)
        return NULL;
    dof_error = PyErr_NewExceptionWithDoc(
        "_dof.Error", "a libdof error; .code is the dof_status", NULL, NULL);
    dof_notfound_error =
        PyErr_NewException("_dof.NotFoundError", dof_error, NULL);
    dof_ambiguous_error =
        PyErr_NewException("_dof.AmbiguousError", dof_error, NULL);
    if (dof_error == NULL || dof_notfound_error == NULL ||
        dof_ambiguous_error == NULL ||
        PyModule_AddObjectRef(m, "Error", dof_error) < 0 ||
        PyModule_AddObjectRef(m, "NotFoundError", dof_notfound_error) < 0 ||
        PyModule_AddObjectRef(m, "AmbiguousError", dof_ambiguous_error) < 0 ||
        add_type(m, &EvidenceType, "Evidence") < 0 ||
        add_type(m, &HostType, "Host") < 0 ||
        add_type(m, &UnionType, "Union") < 0 ||
        add_type(m, &LogType, "Log") < 0 ||
        add_type(m, &CaseType, "Case") < 0 ||
        PyModule_AddIntConstant(m, "LOG_STDOUT", DOF_LOG_STDOUT) < 0 ||
        PyModule_AddIntConstant(m, "LOG_STDERR", DOF_LOG_STDERR) < 0 ||
        PyModule_AddIntConstant(m, "LOG_OTHER", DOF_LOG_OTHER) < 0 ||
        PyModule_AddStringConstant(m, "VERSION", DOF_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
