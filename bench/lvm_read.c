/*
 * lvm_read.c - bench/bench-lvm.sh's driver: read one file sequentially
 * through dof's filesystem layer, on a volume of an image, N times; print
 * the best and median MB/s (the first pass also sums the bytes, so that
 * both sides can be seen to read the same data).  Only dof.h.
 *   lvm_read IMAGE VOLUME PATH REPS [BUFSIZE]
 */
#include <dof.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_evidence_opts o;
    dof_evidence *ev = NULL;
    const dof_partition *v;
    size_t bs = argc > 5 ? strtoul(argv[5], NULL, 10) : 1u << 20;
    int reps = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 3;
    double t[32];
    uint64_t sum = 0;
    dof_node n;
    dof_stat st;
    char *buf;

    if (argc < 4 || reps < 1 || reps > 32 || bs == 0) {
        fprintf(stderr,
                "usage: lvm_read IMAGE VOLUME PATH [REPS [BUFSIZE]]\n");
        return 2;
    }
    dof_evidence_opts_init(&o);
    o.volume = argv[2];
    if (dof_evidence_open_opts(ctx, argv[1], &o, &ev) != DOF_OK ||
        (v = dof_evidence_partition(ev, 0)) == NULL || v->fs == NULL ||
        dof_fs_resolve(v->fs, argv[3], 1, &n) != DOF_OK ||
        dof_fs_stat(v->fs, n, &st) != DOF_OK) {
        fprintf(stderr, "lvm_read: %s\n", dof_errmsg(ctx));
        return 1;
    }
    buf = malloc(bs);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        uint64_t off = 0;
        while (off < st.size) {
            size_t got = 0;
            if (dof_fs_read(v->fs, n, off, buf, bs, &got) != DOF_OK ||
                got == 0) {
                fprintf(stderr, "lvm_read: read at %llu failed\n",
                        (unsigned long long)off);
                return 1;
            }
            if (r == 0) /* a check sum of the bytes: both sides agree */
                for (size_t i = 0; i + 8 <= got; i += 8) {
                    uint64_t w;
                    memcpy(&w, buf + i, 8);
                    sum = (sum ^ w) * 0x100000001b3ull;
                }
            off += got;
        }
        t[r] = now() - t0;
    }
    qsort(t, (size_t)reps, sizeof(t[0]), cmpd);
    printf("%s %s: sum %016llx, %llu bytes, median %.3f s = %.1f MB/s, best "
           "%.3f s = "
           "%.1f MB/s\n",
           argv[2], argv[3], (unsigned long long)sum,
           (unsigned long long)st.size, t[reps / 2],
           (double)st.size / 1e6 / t[reps / 2], t[0],
           (double)st.size / 1e6 / t[0]);
    free(buf);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return 0;
}
