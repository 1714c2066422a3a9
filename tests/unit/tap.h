/*
 * tap.h - a tiny TAP producer for the C tests (automake tap-driver), and
 * the registry of named unit tests.
 *
 * A unit test file is a list of tests and one line at the end:
 *
 *     TEST(time_parse) { is_int(...); ok(...); }
 *     TEST(names) { ... }
 *     TAP_MAIN(setup, teardown)      (either may be NULL)
 *
 * TAP_MAIN's main runs setup() once (it returns 0 to go on; it may call
 * skip_all(), or return nonzero after an ok(0, ...) saying why), then
 * every test in the order of the file, each after a "# name" line, then
 * teardown(), then prints the plan.  Only some tests: a filter as the
 * first argument or in $DOF_TEST, a substring of the name or a glob
 * (tests/unit/test_fs ext_, DOF_TEST='union*' make check ...);
 * `--list` prints the names.  tests/README.md has the details.
 */
#ifndef DOF_TAP_H
#define DOF_TAP_H

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed, tap_skipped;

#define ok(cond, ...)                                                         \
    do {                                                                      \
        int ok_c_ = (cond) ? 1 : 0;                                           \
        tap_n++;                                                              \
        if (!ok_c_)                                                           \
            tap_failed++;                                                     \
        printf("%sok %d - ", ok_c_ ? "" : "not ", tap_n);                     \
        printf(__VA_ARGS__);                                                  \
        printf("\n");                                                         \
        if (!ok_c_)                                                           \
            printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);   \
    } while (0)

#define is_int(got, want, ...)                                                \
    do {                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);              \
        ok(g_ == w_, __VA_ARGS__);                                            \
        if (g_ != w_)                                                         \
            printf("#   got %lld, want %lld\n", g_, w_);                      \
    } while (0)

#define is_str(got, want, ...)                                                \
    do {                                                                      \
        const char *g_ = (got), *w_ = (want);                                 \
        int e_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_;                 \
        ok(e_, __VA_ARGS__);                                                  \
        if (!e_)                                                              \
            printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)",       \
                   w_ ? w_ : "(null)");                                       \
    } while (0)

/* The whole file is skipped: from main, or from a TAP_MAIN setup. */
#define skip_all(...)                                                         \
    do {                                                                      \
        printf("1..0 # SKIP ");                                               \
        printf(__VA_ARGS__);                                                  \
        printf("\n");                                                         \
        tap_skipped = 1;                                                      \
        return 0;                                                             \
    } while (0)

static inline int
tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

/* ---- the registry ---- */

typedef void (*tap_test_fn)(void);
struct tap_test {
    const char *name;
    tap_test_fn fn;
    int line;
};
#define TAP_MAX_TESTS 256
static struct tap_test tap_tests[TAP_MAX_TESTS] __attribute__((unused));
static int tap_ntests __attribute__((unused));

static inline void
tap_register(const char *name, tap_test_fn fn, int line)
{
    if (tap_ntests >= TAP_MAX_TESTS) {
        fprintf(stderr, "tap.h: more than %d tests: %s left out\n",
                TAP_MAX_TESTS, name);
        return;
    }
    tap_tests[tap_ntests].name = name;
    tap_tests[tap_ntests].fn = fn;
    tap_tests[tap_ntests].line = line;
    tap_ntests++;
}

/* TEST(name) { body }: a test, registered before main runs (a
 * constructor, gcc and clang); tests run in the order of their lines. */
#define TEST(name)                                                            \
    static void tap_test_##name(void);                                        \
    __attribute__((constructor)) static void tap_register_##name(void)        \
    {                                                                         \
        tap_register(#name, tap_test_##name, __LINE__);                       \
    }                                                                         \
    static void tap_test_##name(void)

static inline int
tap_match(const char *filter, const char *name)
{
    return filter == NULL || filter[0] == '\0' ||
           strstr(name, filter) != NULL || fnmatch(filter, name, 0) == 0;
}

typedef int (*tap_setup_fn)(void);
typedef void (*tap_teardown_fn)(void);

static inline int
tap_main(int argc, char **argv, tap_setup_fn setup, tap_teardown_fn teardown)
{
    const char *filter = argc > 1 ? argv[1] : getenv("DOF_TEST");
    int i, j, selected = 0;

    /* constructors may run in any order: sort by line (insertion) */
    for (i = 1; i < tap_ntests; i++) {
        struct tap_test t = tap_tests[i];
        for (j = i; j > 0 && tap_tests[j - 1].line > t.line; j--)
            tap_tests[j] = tap_tests[j - 1];
        tap_tests[j] = t;
    }
    if (filter &&
        (strcmp(filter, "--list") == 0 || strcmp(filter, "-l") == 0)) {
        for (i = 0; i < tap_ntests; i++)
            printf("%s\n", tap_tests[i].name);
        return 0;
    }
    for (i = 0; i < tap_ntests; i++)
        selected += tap_match(filter, tap_tests[i].name);
    if (selected == 0) {
        if (argc > 1) { /* a typo on the command line is an error */
            fprintf(stderr, "%s: no test matches \"%s\"; --list names them\n",
                    argv[0], filter);
            return 2;
        }
        printf("1..0 # SKIP no test matches DOF_TEST=\"%s\"\n", filter);
        return 0;
    }
    if (setup && setup() != 0)
        return tap_skipped ? 0 : tap_done();
    if (tap_skipped)
        return 0;
    for (i = 0; i < tap_ntests; i++) {
        if (!tap_match(filter, tap_tests[i].name))
            continue;
        printf("# %s\n", tap_tests[i].name);
        fflush(stdout);
        tap_tests[i].fn();
    }
    if (teardown)
        teardown();
    return tap_done();
}

/* ---- fixture truth files: "key=value" lines made by the image scripts ----
 */

/* The value of key in text (at most 8191 bytes, in a static buffer),
 * "" when absent. */
static inline const char *
tap_truth(const char *text, const char *key)
{
    static char val[8192];
    size_t kl = strlen(key);

    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t ll = nl ? (size_t)(nl - p) : strlen(p);
        if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = ll - kl - 1;
            if (vl >= sizeof(val))
                vl = sizeof(val) - 1;
            memcpy(val, p + kl + 1, vl);
            val[vl] = '\0';
            return val;
        }
        p = nl ? nl + 1 : p + ll;
    }
    return "";
}

/* dir/name in one of four static buffers (so a few can be in use). */
static inline const char *
tap_path(const char *dir, const char *name)
{
    static char p[4][700];
    static int i;

    i = (i + 1) % 4;
    snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
    return p[i];
}

/* The last line of a unit test file: its main. */
#define TAP_MAIN(setup, teardown)                                             \
    int main(int argc, char **argv)                                           \
    {                                                                         \
        return tap_main(argc, argv, setup, teardown);                         \
    }

#endif
