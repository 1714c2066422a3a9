/*
 * evidence_lvm_text.c - LVM2 metadata text: LVM's config syntax read into
 * a tree of nodes, then the volume group it describes.
 *
 * Syntax (as LVM writes it, compact: no indentation on disk):
 *   items   := { item }
 *   item    := NAME "=" value | NAME "{" items "}"
 *   value   := INT | FLOAT | STRING | "[" [ scalar { "," scalar } ] "]"
 *   STRING  := '"' chars with \" and \\ escapes '"'
 * '#' starts a comment to the end of the line.  Depth, counts and sizes
 * are bounded (evidence_lvm.h); anything else is a format error.
 */
#include "evidence/evidence_lvm.h"

#include <stdlib.h>

enum { LN_INT, LN_FLOAT, LN_STR, LN_ARRAY, LN_SECTION };

typedef struct lnode {
    const char *key; /* NULL for array elements */
    int type;
    int64_t i;
    const char *s;       /* LN_STR, LN_FLOAT (its text) */
    struct lnode *child; /* LN_SECTION, LN_ARRAY: first member */
    struct lnode *next;
} lnode;

typedef struct lparser {
    const char *p, *end;
    dof_arena *a;
    const char *why;
    int nomem;
    size_t nodes; /* bounded: DOF_LVM_MAX_NODES */
} lparser;

static int
is_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' ||
           c == '.';
}

static void
skip_space(lparser *ps)
{
    while (ps->p < ps->end) {
        char c = *ps->p;
        if (c == '#') {
            while (ps->p < ps->end && *ps->p != '\n')
                ps->p++;
        }
        else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                 c == '\v' || c == '\f') {
            ps->p++;
        }
        else {
            break;
        }
    }
}

static int
fail(lparser *ps, const char *why)
{
    if (ps->why == NULL)
        ps->why = why;
    return -1;
}

static lnode *
new_node(lparser *ps, int type)
{
    lnode *n;

    if (++ps->nodes > DOF_LVM_MAX_NODES) {
        if (ps->why == NULL)
            ps->why = "too many values in the metadata text";
        return NULL;
    }
    n = dof_arena_calloc(ps->a, 1, sizeof(*n));
    if (n == NULL)
        ps->nomem = 1;
    else
        n->type = type;
    return n;
}

/* A quoted string: the escapes \" and \\ (any \x is x). */
static lnode *
parse_string(lparser *ps)
{
    const char *q = ps->p + 1;
    size_t n = 0;
    char *s, *w;
    lnode *node;

    for (const char *r = q; r < ps->end; r++) {
        if (*r == '"') {
            if ((s = dof_arena_alloc(ps->a, n + 1)) == NULL) {
                ps->nomem = 1;
                return NULL;
            }
            if ((node = new_node(ps, LN_STR)) == NULL)
                return NULL;
            w = s;
            for (const char *t = q; t < r; t++) {
                if (*t == '\\' && t + 1 < r)
                    t++;
                *w++ = *t;
            }
            *w = '\0';
            node->s = s;
            ps->p = r + 1;
            return node;
        }
        if (*r == '\\' && r + 1 < ps->end)
            r++;
        n++;
    }
    fail(ps, "unterminated string");
    return NULL;
}

static lnode *
parse_number(lparser *ps)
{
    const char *q = ps->p;
    int neg = 0, isfloat = 0;
    uint64_t v = 0;
    lnode *node;

    if (q < ps->end && (*q == '-' || *q == '+'))
        neg = *q++ == '-';
    if (q >= ps->end || *q < '0' || *q > '9') {
        fail(ps, "number expected");
        return NULL;
    }
    for (; q < ps->end && *q >= '0' && *q <= '9'; q++) {
        if (v > (uint64_t)INT64_MAX / 10 ||
            v * 10 + (uint64_t)(*q - '0') > (uint64_t)INT64_MAX) {
            fail(ps, "integer out of range");
            return NULL;
        }
        v = v * 10 + (uint64_t)(*q - '0');
    }
    if (q < ps->end && *q == '.') {
        isfloat = 1;
        for (q++; q < ps->end && *q >= '0' && *q <= '9'; q++)
            ;
    }
    if (q < ps->end && is_name_char((unsigned char)*q)) {
        fail(ps, "bad number");
        return NULL;
    }
    node = new_node(ps, isfloat ? LN_FLOAT : LN_INT);
    if (node == NULL)
        return NULL;
    node->i = neg ? -(int64_t)v : (int64_t)v;
    if (isfloat && (node->s = dof_arena_strndup(
                        ps->a, ps->p, (size_t)(q - ps->p))) == NULL) {
        ps->nomem = 1;
        return NULL;
    }
    ps->p = q;
    return node;
}

static lnode *
parse_scalar(lparser *ps)
{
    if (ps->p >= ps->end) {
        fail(ps, "value expected");
        return NULL;
    }
    if (*ps->p == '"')
        return parse_string(ps);
    return parse_number(ps);
}

static lnode *
parse_array(lparser *ps)
{
    lnode *arr = new_node(ps, LN_ARRAY), **tail;

    if (arr == NULL)
        return NULL;
    tail = &arr->child;
    ps->p++; /* '[' */
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        lnode *e;
        skip_space(ps);
        if ((e = parse_scalar(ps)) == NULL)
            return NULL;
        *tail = e;
        tail = &e->next;
        skip_space(ps);
        if (ps->p >= ps->end) {
            fail(ps, "unterminated array");
            return NULL;
        }
        if (*ps->p == ']') {
            ps->p++;
            return arr;
        }
        if (*ps->p != ',') {
            fail(ps, "',' or ']' expected in an array");
            return NULL;
        }
        ps->p++;
    }
}

/* Items up to a '}' (depth > 0) or the end (depth 0), as a list. */
static lnode *
parse_items(lparser *ps, unsigned depth, int *ok)
{
    lnode *first = NULL, **tail = &first;

    *ok = 0;
    if (depth > DOF_LVM_MAX_DEPTH) {
        fail(ps, "sections nested too deep");
        return NULL;
    }
    for (;;) {
        const char *k;
        lnode *n;
        char *key;

        skip_space(ps);
        if (ps->p >= ps->end) {
            if (depth > 0) {
                fail(ps, "unterminated section");
                return NULL;
            }
            break;
        }
        if (*ps->p == '}') {
            if (depth == 0) {
                fail(ps, "'}' without a section");
                return NULL;
            }
            ps->p++;
            break;
        }
        k = ps->p;
        while (ps->p < ps->end && is_name_char((unsigned char)*ps->p))
            ps->p++;
        if (ps->p == k) {
            fail(ps, "name expected");
            return NULL;
        }
        if ((key = dof_arena_strndup(ps->a, k, (size_t)(ps->p - k))) == NULL) {
            ps->nomem = 1;
            return NULL;
        }
        skip_space(ps);
        if (ps->p >= ps->end) {
            fail(ps, "'=' or '{' expected");
            return NULL;
        }
        if (*ps->p == '{') {
            int sub;
            ps->p++;
            if ((n = new_node(ps, LN_SECTION)) == NULL)
                return NULL;
            n->child = parse_items(ps, depth + 1, &sub);
            if (!sub)
                return NULL;
        }
        else if (*ps->p == '=') {
            ps->p++;
            skip_space(ps);
            if (ps->p < ps->end && *ps->p == '[')
                n = parse_array(ps);
            else
                n = parse_scalar(ps);
            if (n == NULL)
                return NULL;
        }
        else {
            fail(ps, "'=' or '{' expected");
            return NULL;
        }
        n->key = key;
        *tail = n;
        tail = &n->next;
    }
    *ok = 1;
    return first;
}

/* ---- the tree ---- */

static const lnode *
find(const lnode *list, const char *key)
{
    for (const lnode *n = list; n; n = n->next)
        if (n->key && strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

static const char *
get_str(const lnode *list, const char *key)
{
    const lnode *n = find(list, key);
    return n && n->type == LN_STR ? n->s : NULL;
}

/* 1 and *v if key is a non-negative integer. */
static int
get_u64(const lnode *list, const char *key, uint64_t *v)
{
    const lnode *n = find(list, key);
    if (n == NULL || n->type != LN_INT || n->i < 0)
        return 0;
    *v = (uint64_t)n->i;
    return 1;
}

/* 1 if the string array key holds word. */
static int
has_flag(const lnode *list, const char *key, const char *word)
{
    const lnode *n = find(list, key);
    if (n == NULL || n->type != LN_ARRAY)
        return 0;
    for (const lnode *e = n->child; e; e = e->next)
        if (e->type == LN_STR && strcmp(e->s, word) == 0)
            return 1;
    return 0;
}

static size_t
count_sections(const lnode *list)
{
    size_t k = 0;
    for (const lnode *n = list; n; n = n->next)
        k += n->type == LN_SECTION;
    return k;
}

static int
parse_pv(const lnode *sec, dof_lvm_pvx *pv, const char **why)
{
    const lnode *c = sec->child;

    pv->name = sec->key;
    pv->id = get_str(c, "id");
    pv->device = get_str(c, "device");
    if (pv->id == NULL) {
        *why = "a physical volume has no id";
        return -1;
    }
    if (!get_u64(c, "pe_start", &pv->pe_start) ||
        !get_u64(c, "pe_count", &pv->pe_count)) {
        *why = "a physical volume has no pe_start or pe_count";
        return -1;
    }
    (void)get_u64(c, "dev_size", &pv->dev_size);
    pv->missing =
        has_flag(c, "status", "MISSING") || has_flag(c, "flags", "MISSING");
    return 0;
}

static int
cmp_seg(const void *a, const void *b)
{
    const dof_lvm_seg *x = a, *y = b;
    return x->start_extent < y->start_extent
               ? -1
               : x->start_extent > y->start_extent;
}

static int
parse_seg(const lnode *sec, dof_arena *a, dof_lvm_seg *s, const char **why)
{
    const lnode *c = sec->child, *st;
    size_t n = 0;

    if (!get_u64(c, "start_extent", &s->start_extent) ||
        !get_u64(c, "extent_count", &s->extent_count)) {
        *why = "a segment has no start_extent or extent_count";
        return -1;
    }
    s->type = get_str(c, "type");
    if (s->type == NULL)
        s->type = "striped";
    if (!get_u64(c, "stripe_count", &s->stripe_count))
        s->stripe_count = 0;
    s->origin = get_str(c, "origin");
    s->cow_store = get_str(c, "cow_store");
    st = find(c, "stripes");
    if (st == NULL || st->type != LN_ARRAY)
        return 0;
    for (const lnode *e = st->child; e; e = e->next)
        n++;
    if (n % 2 != 0 || n / 2 > DOF_LVM_MAX_STRIPES) {
        *why = "a segment's stripes array is not (pv, extent) pairs";
        return -1;
    }
    s->stripes = dof_arena_calloc(a, n / 2 + 1, sizeof(*s->stripes));
    if (s->stripes == NULL)
        return DOF_ERR_NOMEM;
    for (const lnode *e = st->child; e && e->next; e = e->next->next) {
        if (e->type != LN_STR || e->next->type != LN_INT || e->next->i < 0) {
            *why = "a segment's stripes array is not (pv, extent) pairs";
            return -1;
        }
        s->stripes[s->nstripes].pv = e->s;
        s->stripes[s->nstripes++].pe = (uint64_t)e->next->i;
    }
    return 0;
}

static int
parse_lv(const lnode *sec, dof_arena *a, dof_lvm_lvx *lv, const char **why)
{
    const lnode *c = sec->child;
    size_t n = count_sections(c);

    lv->name = sec->key;
    lv->id = get_str(c, "id");
    lv->visible = has_flag(c, "status", "VISIBLE");
    if (n > DOF_LVM_MAX_SEGS) {
        *why = "a logical volume has too many segments";
        return -1;
    }
    lv->segs = dof_arena_calloc(a, n + 1, sizeof(*lv->segs));
    if (lv->segs == NULL)
        return DOF_ERR_NOMEM;
    for (const lnode *s = c; s; s = s->next) {
        int rc;
        if (s->type != LN_SECTION)
            continue;
        rc = parse_seg(s, a, &lv->segs[lv->nsegs], why);
        if (rc != 0)
            return rc;
        lv->nsegs++;
    }
    qsort(lv->segs, lv->nsegs, sizeof(*lv->segs), cmp_seg);
    return 0;
}

static int
parse_vg(const lnode *sec, dof_arena *a, dof_lvm_vgx *vg, const char **why)
{
    const lnode *c = sec->child, *pvs, *lvs;
    size_t n;
    int rc;

    vg->name = sec->key;
    vg->id = get_str(c, "id");
    if (vg->id == NULL || !get_u64(c, "seqno", &vg->seqno)) {
        *why = "the volume group has no id or seqno";
        return -1;
    }
    if (!get_u64(c, "extent_size", &vg->extent_size) || vg->extent_size == 0 ||
        vg->extent_size > (UINT64_C(1) << 32)) {
        *why = "the volume group has no usable extent_size";
        return -1;
    }
    pvs = find(c, "physical_volumes");
    if (pvs == NULL || pvs->type != LN_SECTION) {
        *why = "the volume group has no physical_volumes section";
        return -1;
    }
    n = count_sections(pvs->child);
    if (n > DOF_LVM_MAX_PVS) {
        *why = "the volume group has too many physical volumes";
        return -1;
    }
    if ((vg->pvs = dof_arena_calloc(a, n + 1, sizeof(*vg->pvs))) == NULL)
        return DOF_ERR_NOMEM;
    for (const lnode *p = pvs->child; p; p = p->next)
        if (p->type == LN_SECTION) {
            if ((rc = parse_pv(p, &vg->pvs[vg->npvs], why)) != 0)
                return rc;
            vg->npvs++;
        }
    lvs = find(c, "logical_volumes");
    if (lvs == NULL)
        return 0; /* a VG without LVs */
    if (lvs->type != LN_SECTION) {
        *why = "logical_volumes is not a section";
        return -1;
    }
    n = count_sections(lvs->child);
    if (n > DOF_LVM_MAX_LVS) {
        *why = "the volume group has too many logical volumes";
        return -1;
    }
    if ((vg->lvs = dof_arena_calloc(a, n + 1, sizeof(*vg->lvs))) == NULL)
        return DOF_ERR_NOMEM;
    n = 0;
    for (const lnode *l = lvs->child; l; l = l->next)
        if (l->type == LN_SECTION) {
            if ((rc = parse_lv(l, a, &vg->lvs[vg->nlvs], why)) != 0)
                return rc;
            n += vg->lvs[vg->nlvs++].nsegs;
            if (n > DOF_LVM_MAX_VG_SEGS) {
                *why = "the volume group has too many segments";
                return -1;
            }
        }
    return 0;
}

int
dof_evidence_lvm_text_parse(const char *text, size_t len, dof_arena *a,
                            dof_lvm_vgx *vg, const char **why)
{
    lparser ps;
    const lnode *root, *sec = NULL;
    int ok, rc;

    memset(vg, 0, sizeof(*vg));
    *why = NULL;
    if (text == NULL || len > DOF_LVM_MAX_TEXT) {
        *why = "metadata text too large";
        return DOF_ERR_FORMAT;
    }
    /* the text ends at its first NUL, if any */
    {
        const char *z = memchr(text, '\0', len);
        if (z != NULL)
            len = (size_t)(z - text);
    }
    memset(&ps, 0, sizeof(ps));
    ps.p = text;
    ps.end = text + len;
    ps.a = a;
    root = parse_items(&ps, 0, &ok);
    if (ps.nomem)
        return DOF_ERR_NOMEM;
    if (!ok) {
        *why = ps.why ? ps.why : "syntax error";
        return DOF_ERR_FORMAT;
    }
    for (const lnode *n = root; n && sec == NULL; n = n->next)
        if (n->type == LN_SECTION)
            sec = n;
    if (sec == NULL) {
        *why = "no volume group section";
        return DOF_ERR_FORMAT;
    }
    rc = parse_vg(sec, a, vg, why);
    if (rc == DOF_ERR_NOMEM)
        return rc;
    return rc == 0 ? DOF_OK : DOF_ERR_FORMAT;
}

int
dof_evidence_lvm_text_vgname(const char *text, size_t len, char *out,
                             size_t outsz)
{
    size_t k = 0;

    while (k < len && k + 1 < outsz && is_name_char((unsigned char)text[k]))
        k++;
    if (k == 0 || k + 1 >= outsz || k + 2 > len || text[k] != ' ' ||
        text[k + 1] != '{')
        return 0;
    memcpy(out, text, k);
    out[k] = '\0';
    return 1;
}
