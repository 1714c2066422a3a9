/*
 * dof-read-image.c - test and benchmark driver: open evidence as dof does
 * (dof_evidence_open_opts) and read its whole byte source front to back
 * through the byte-source step (dof_evidence_img_read: TSK's cache, then
 * raw/E01/qcow2), writing the bytes to standard output or, with --null,
 * only counting them.  tests/truth/qcow2_truth.py compares the bytes with
 * qemu-img's raw conversion; bench/bench-qcow2.sh times it.
 *
 *   dof-read-image [--backing PATH] [--snapshot NAME] [--block BYTES]
 *                  [--null] IMAGE
 */
#include "evidence/evidence_private.h"

#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    dof_evidence_opts o;
    dof_evidence *ev = NULL;
    dof_ctx *ctx = dof_ctx_new();
    size_t block = 65536;
    const char *path = NULL;
    unsigned char *buf;
    int null = 0, rc;

    dof_evidence_opts_init(&o);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--backing") == 0 && i + 1 < argc)
            o.backing = argv[++i];
        else if (strcmp(argv[i], "--snapshot") == 0 && i + 1 < argc)
            o.snapshot = argv[++i];
        else if (strcmp(argv[i], "--block") == 0 && i + 1 < argc)
            block = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--null") == 0)
            null = 1;
        else
            path = argv[i];
    }
    if (ctx == NULL || path == NULL || block == 0 || block > (64u << 20)) {
        fprintf(stderr, "usage: dof-read-image [--backing PATH] [--snapshot "
                        "NAME] [--block BYTES] [--null] IMAGE\n");
        return 2;
    }
    /* no partitions wanted: one "volume" at 0 that need not open */
    o.offset_sectors = 0;
    rc = dof_evidence_open_opts(ctx, path, &o, &ev);
    if (rc != DOF_OK) {
        fprintf(stderr, "dof-read-image: %s\n", dof_errmsg(ctx));
        dof_ctx_free(ctx);
        return 3;
    }
    buf = malloc(block);
    for (uint64_t off = 0; buf && off < ev->size; off += block) {
        size_t n = ev->size - off < block ? (size_t)(ev->size - off) : block;
        if (dof_evidence_img_read(ev->img, off, buf, n) != 0) {
            fprintf(stderr, "dof-read-image: read failed at %llu\n",
                    (unsigned long long)off);
            rc = 1;
            break;
        }
        if (!null && fwrite(buf, 1, n, stdout) != n) {
            rc = 1;
            break;
        }
    }
    fprintf(stderr, "dof-read-image: %s: %llu bytes, %zu warnings\n",
            ev->format, (unsigned long long)ev->size, dof_warning_count(ctx));
    free(buf);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return rc == 0 ? 0 : 1;
}
