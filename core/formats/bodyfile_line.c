/*
 * bodyfile.c - the bodyfile line format that mactime reads (TSK 3.x):
 * MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime, names
 * encoded losslessly with '|' escaped; buffered output.
 */
#include "formats/bodyfile.h"

#include <stdlib.h>
#include <string.h>

static char
type_char(dof_ftype t)
{
    switch (t) {
    case DOF_FT_REG: return 'r';
    case DOF_FT_DIR: return 'd';
    case DOF_FT_LNK: return 'l';
    case DOF_FT_CHR: return 'c';
    case DOF_FT_BLK: return 'b';
    case DOF_FT_FIFO: return 'p';
    case DOF_FT_SOCK: return 's';
    default: return '-';
    }
}

void
dof_bodyfile_mode_string(dof_ftype name_type, const dof_stat *st, char out[13])
{
    static const char rwx[] = "rwxrwxrwx";
    uint32_t m;

    out[0] = type_char(name_type != DOF_FT_UNKNOWN || st == NULL ? name_type
                                                                 : st->type);
    out[1] = '/';
    memset(out + 2, '-', 10);
    out[12] = '\0';
    if (st == NULL)
        return;
    out[2] = type_char(st->type);
    m = st->mode;
    for (int i = 0; i < 9; i++)
        if (m & (0400u >> i))
            out[3 + i] = rwx[i];
    if (m & 04000u)
        out[5] = out[5] == 'x' ? 's' : 'S';
    if (m & 02000u)
        out[8] = out[8] == 'x' ? 's' : 'S';
    if (m & 01000u)
        out[11] = out[11] == 'x' ? 't' : 'T';
}

void
dof_bodyfile_put_u64(dof_buf *b, uint64_t v)
{
    char t[24];
    size_t i = sizeof(t);

    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    dof_buf_append(b, t + i, sizeof(t) - i);
}

void
dof_bodyfile_put_time(dof_buf *b, int64_t ns, int with_ns)
{
    int64_t s, f;

    if (ns == DOF_TIME_NONE) {
        dof_buf_putc(b, '0');
        return;
    }
    s = ns / 1000000000LL;
    f = ns % 1000000000LL;
    if (f < 0) {
        s--;
        f += 1000000000LL;
    }
    if (s < 0) {
        dof_buf_putc(b, '-');
        dof_bodyfile_put_u64(b, (uint64_t)(-(s + 1)) + 1u);
    }
    else {
        dof_bodyfile_put_u64(b, (uint64_t)s);
    }
    if (with_ns) {
        char t[10];
        t[0] = '.';
        for (int i = 9; i >= 1; i--) {
            t[i] = (char)('0' + f % 10);
            f /= 10;
        }
        dof_buf_append(b, t, 10);
    }
}

/* Names are mostly plain ASCII: append those in one go. */
static void
put_name(dof_buf *b, const char *raw, size_t len)
{
    const unsigned char *p = (const unsigned char *)raw;

    for (size_t i = 0; i < len; i++)
        if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\' || p[i] == '|') {
            dof_buf_put_name(b, raw, len, "|");
            return;
        }
    dof_buf_append(b, raw, len);
}

void
dof_bodyfile_put_name_tail(dof_buf *b, const dof_bodyfile_entry *e,
                           const char *also)
{
    if (e->link) {
        dof_buf_append(b, " -> ", 4);
        dof_buf_put_name(b, e->link, e->link_len, also);
    }
    /* TSK's "(deleted)" means an unallocated entry; a whiteout is a
     * live entry that hides a name, so it has its own marker */
    if (e->kind == DOF_BODYFILE_WHITEOUT)
        dof_buf_append(b, " (whiteout)", 11);
    else if (e->kind == DOF_BODYFILE_DELETED && !e->realloc)
        dof_buf_append(b, " (deleted)", 10);
    else if (e->kind == DOF_BODYFILE_DELETED)
        dof_buf_append(b, " (deleted-realloc)", 18);
    if (e->opaque)
        dof_buf_append(b, " (opaque)", 9);
}

int
dof_bodyfile_put_line(dof_buf *b, const dof_bodyfile_entry *e, unsigned flags,
                      const char *prefix)
{
    int ns = (flags & DOF_BODYFILE_NS) != 0;
    char mode[13];
    const dof_stat *st = e->has_stat ? &e->st : NULL;

    dof_buf_append(b, "0|", 2);
    if (prefix)
        dof_buf_put_name(b, prefix, strlen(prefix), "|\n");
    put_name(b, e->path, e->path_len);
    dof_bodyfile_put_name_tail(b, e, "|");
    dof_buf_putc(b, '|');
    dof_bodyfile_put_u64(b, st ? st->ino : 0);
    dof_buf_putc(b, '|');
    dof_bodyfile_mode_string(e->name_type, st, mode);
    dof_buf_append(b, mode, 12);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_u64(b, st ? st->uid : 0);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_u64(b, st ? st->gid : 0);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_u64(b, st ? st->size : 0);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_time(b, st ? st->atime : DOF_TIME_NONE, ns);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_time(b, st ? st->mtime : DOF_TIME_NONE, ns);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_time(b, st ? st->ctime : DOF_TIME_NONE, ns);
    dof_buf_putc(b, '|');
    dof_bodyfile_put_time(b, st ? st->crtime : DOF_TIME_NONE, ns);
    dof_buf_putc(b, '\n');
    return b->oom ? DOF_ERR_NOMEM : DOF_OK;
}

char *
dof_bodyfile_line(const dof_bodyfile_entry *e, unsigned flags)
{
    dof_buf b;

    if (e == NULL)
        return NULL;
    dof_buf_init(&b);
    if (dof_bodyfile_put_line(&b, e, flags, NULL) != DOF_OK) {
        dof_buf_free(&b);
        return NULL;
    }
    return dof_buf_take(&b);
}

int
dof_bodyfile_flush(dof_buf *b, FILE *f)
{
    if (b->oom)
        return DOF_ERR_NOMEM;
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return DOF_ERR_IO;
    dof_buf_reset(b);
    return DOF_OK;
}
