/*
 * fs_xfs_log.c - is the XFS log clean?
 *
 * The internal log is a ring of 512-byte basic blocks.  Each starts with
 * the cycle number of the pass that wrote it (a record header holds it
 * in h_cycle, after its magic).  The head - where the next write would
 * go - is the first block whose cycle is lower than block 0's.  A log
 * that was cleanly unmounted ends, just before the head, with a record
 * of one operation flagged XLOG_UNMOUNT_TRANS.  Anything else means the
 * kernel would replay transactions on mount: what dof reads may be older
 * than what the host last saw.
 */
#include "fs/fs_xfs.h"

#define LOG_MAGIC 0xfeedbabeu
#define BB 512u
#define LOG_HDR_CYCLE_SIZE 32768u
#define LOG_UNMOUNT_TRANS 0x20u
#define LOG_SCAN_BACK 4096u /* basic blocks searched for the last header */

typedef struct logr {
    const dof_xfs_sb *sb;
    dof_xfs_read_fn rd;
    void *arg;
    uint64_t start; /* byte offset of the log */
    uint64_t nbb;   /* its length in basic blocks */
} logr;

static int
bb_read(const logr *l, uint64_t bb, unsigned char *p)
{
    return l->rd(l->arg, l->start + (bb % l->nbb) * BB, p, BB);
}

static int
bb_cycle(const logr *l, uint64_t bb, uint32_t *cycle)
{
    unsigned char p[BB];
    int rc = bb_read(l, bb, p);
    if (rc != DOF_OK)
        return rc;
    *cycle = dof_be32(p) == LOG_MAGIC ? dof_be32(p + 4) : dof_be32(p);
    return DOF_OK;
}

int
dof_xfs_log_clean(const dof_xfs_sb *sb, dof_xfs_read_fn rd, void *arg)
{
    unsigned char h[BB], d[BB];
    logr l;
    uint32_t c0, cl, c;
    uint64_t head, lo, hi, rb = 0, hblks, data, after;
    int found = 0;

    if (sb->log_start == 0 || sb->log_blocks == 0)
        return 1; /* external log: not on this volume */
    l.sb = sb;
    l.rd = rd;
    l.arg = arg;
    if (dof_xfs_fsb_offset(sb, sb->log_start, &l.start) != DOF_OK)
        return -1;
    l.nbb = (uint64_t)sb->log_blocks * (sb->block_size / BB);
    if (bb_cycle(&l, 0, &c0) != DOF_OK || bb_cycle(&l, l.nbb - 1, &cl))
        return -1;
    if (c0 == 0)
        return 1; /* never written */
    if (c0 == cl) {
        head = 0; /* the last pass ended exactly at the end */
    }
    else {
        /* blocks [0, head) have cycle c0, [head, nbb) an older one */
        lo = 0;
        hi = l.nbb - 1;
        while (hi - lo > 1) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (bb_cycle(&l, mid, &c) != DOF_OK)
                return -1;
            if (c == c0)
                lo = mid;
            else
                hi = mid;
        }
        head = hi;
    }
    /* the last record header before the head */
    for (uint64_t back = 1; back <= LOG_SCAN_BACK && back <= l.nbb; back++) {
        rb = (head + l.nbb - back) % l.nbb;
        if (bb_read(&l, rb, h) != DOF_OK)
            return -1;
        if (dof_be32(h) == LOG_MAGIC) {
            found = 1;
            break;
        }
    }
    if (!found)
        return 0;
    hblks = 1;
    if ((dof_be32(h + 8) & 2) && dof_be32(h + 320) > LOG_HDR_CYCLE_SIZE)
        hblks =
            (dof_be32(h + 320) + LOG_HDR_CYCLE_SIZE - 1) / LOG_HDR_CYCLE_SIZE;
    data = (rb + hblks) % l.nbb;
    after = (data + (dof_be32(h + 12) + BB - 1) / BB) % l.nbb;
    if (after != head % l.nbb || dof_be32(h + 40) != 1)
        return 0;
    if (bb_read(&l, data, d) != DOF_OK)
        return -1;
    return (d[9] & LOG_UNMOUNT_TRANS) ? 1 : 0;
}
