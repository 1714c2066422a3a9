/*
 * replay_main.c - tests/fuzz/fuzz_replay: run every committed seed and crash
 * input through its fuzz target without libFuzzer (make check).
 *
 *   fuzz_replay                  every target over
 *                                $DOF_SRCDIR/tests/fuzz/{corpus,crashes}/
 *   fuzz_replay TARGET FILE...   one target over the given files
 *
 * A crash, a sanitizer report or a FUZZ_ASSERT aborts the run: the test
 * fails, and the last "# TARGET FILE" line on stderr names the input.
 */
#include "../unit/tap.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int dof_fuzz_bbolt(const uint8_t *data, size_t size);
int dof_fuzz_name(const uint8_t *data, size_t size);
int dof_fuzz_time(const uint8_t *data, size_t size);
int dof_fuzz_extraw(const uint8_t *data, size_t size);
int dof_fuzz_jsonfile(const uint8_t *data, size_t size);
int dof_fuzz_local(const uint8_t *data, size_t size);
int dof_fuzz_logstream(const uint8_t *data, size_t size);
int dof_fuzz_container(const uint8_t *data, size_t size);
int dof_fuzz_image(const uint8_t *data, size_t size);
int dof_fuzz_repositories(const uint8_t *data, size_t size);
int dof_fuzz_hostinfo(const uint8_t *data, size_t size);
int dof_fuzz_report(const uint8_t *data, size_t size);
int dof_fuzz_bodyfile(const uint8_t *data, size_t size);
int dof_fuzz_dataroot(const uint8_t *data, size_t size);
int dof_fuzz_partitions(const uint8_t *data, size_t size);
int dof_fuzz_xfs(const uint8_t *data, size_t size);
int dof_fuzz_lvm(const uint8_t *data, size_t size);
int dof_fuzz_qcow2(const uint8_t *data, size_t size);

typedef struct target {
    const char *name;
    int (*fn)(const uint8_t *, size_t);
} target;

static const target targets[] = {
#define T(n) {#n, dof_fuzz_##n},
    T(bbolt) T(name) T(time) T(extraw) T(jsonfile) T(local) T(logstream)
        T(container) T(image) T(repositories) T(hostinfo) T(report) T(bodyfile)
            T(dataroot) T(partitions) T(xfs) T(lvm) T(qcow2)
#undef T
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static int
run_file(const target *t, const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL)
        return -1;
    for (;;) {
        if (len == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            if ((nb = realloc(buf, cap)) == NULL) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    fprintf(stderr, "# %s %s\n", t->name, path);
    /* exact-size copy: ASan sees reads past the end of the input */
    {
        uint8_t *exact = malloc(len ? len : 1);
        if (exact == NULL) {
            free(buf);
            return -1;
        }
        if (len)
            memcpy(exact, buf, len);
        t->fn(exact, len);
        free(exact);
    }
    free(buf);
    return 0;
}

static int
cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir (sorted); returns the count, -1 if absent. */
static int
run_dir(const target *t, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int count = 0;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **nn;
            cap = cap ? cap * 2 : 64;
            if ((nn = realloc(names, cap * sizeof(*names))) == NULL)
                break;
            names = nn;
        }
        if ((names[n] = strdup(e->d_name)) != NULL)
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
            run_file(t, path) == 0)
            count++;
        free(names[i]);
    }
    free(names);
    return count;
}

static const target *
find(const char *name)
{
    for (size_t i = 0; i < NTARGETS; i++)
        if (strcmp(targets[i].name, name) == 0)
            return &targets[i];
    return NULL;
}

int
main(int argc, char **argv)
{
    const char *src = getenv("DOF_SRCDIR");
    char dir[4096];

    if (argc >= 2) {
        const target *t = find(argv[1]);
        if (t == NULL) {
            fprintf(stderr, "fuzz_replay: no target %s\n", argv[1]);
            return 2;
        }
        for (int i = 2; i < argc; i++)
            if (run_file(t, argv[i]) != 0)
                fprintf(stderr, "fuzz_replay: cannot read %s\n", argv[i]);
        return 0;
    }
    if (src == NULL)
        src = ".";
    for (size_t i = 0; i < NTARGETS; i++) {
        int nc, nx;
        snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src,
                 targets[i].name);
        nc = run_dir(&targets[i], dir);
        snprintf(dir, sizeof(dir), "%s/tests/fuzz/crashes/%s", src,
                 targets[i].name);
        nx = run_dir(&targets[i], dir);
        /* reaching this line means none of them crashed */
        ok(nc > 0, "%s: %d seed and %d crash inputs replayed", targets[i].name,
           nc, nx < 0 ? 0 : nx);
    }
    /* the empty input reaches every target too */
    {
        size_t ran = 0;
        for (size_t i = 0; i < NTARGETS; i++)
            ran += targets[i].fn((const uint8_t *)"", 0) == 0;
        is_int(ran, NTARGETS, "empty input through every target");
    }
    return tap_done();
}
