/*
 * fuzz.h - shared by the fuzz targets in tests/fuzz/.
 *
 * Each fuzz_<name>.c defines its entry with FUZZ_TARGET(name).  Built by
 * libFuzzer (./configure CC=clang --enable-fuzzing) the entry is
 * LLVMFuzzerTestOneInput; built into tests/fuzz/fuzz_replay (every make check,
 * any compiler) it is dof_fuzz_<name>, called by replay_main.c on every
 * committed seed and crash input.
 */
#ifndef DOF_FUZZ_H
#define DOF_FUZZ_H

#include "base/base_private.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef DOF_FUZZ_REPLAY
#define FUZZ_TARGET(name)                                                     \
    int dof_fuzz_##name(const uint8_t *data, size_t size);                    \
    int dof_fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)                                                     \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);             \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A property the target checks beyond "no crash": abort loudly, so that
 * libFuzzer records the input and the replay test fails. */
#define FUZZ_ASSERT(cond)                                                     \
    do {                                                                      \
        if (!(cond))                                                          \
            dof_fuzz_fail(__FILE__, __LINE__, #cond);                         \
    } while (0)

#include <stdio.h>

static inline void
dof_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
    abort();
}

/* A NUL-terminated malloc'd copy of data (the parsers take lengths, but
 * the copy keeps ASan's view exact: no slack after the input). */
static inline char *
fuzz_dup(const uint8_t *data, size_t size)
{
    char *p = malloc(size + 1);
    if (p == NULL)
        return NULL;
    if (size)
        memcpy(p, data, size);
    p[size] = '\0';
    return p;
}

/* The value of a lowercase hex digit, or -1 (dof_name_encode's "\\xNN"). */
static inline int
fuzz_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Split data at the first occurrence of the 4-byte separator "\n--\n":
 * the part before goes to *a, the rest to *b (b empty if absent). */
static inline void
fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *alen,
           const uint8_t **b, size_t *blen)
{
    *a = data;
    *alen = size;
    *b = data + size;
    *blen = 0;
    for (size_t i = 0; i + 4 <= size; i++) {
        if (memcmp(data + i, "\n--\n", 4) == 0) {
            *alen = i;
            *b = data + i + 4;
            *blen = size - i - 4;
            return;
        }
    }
}

#endif /* DOF_FUZZ_H */
