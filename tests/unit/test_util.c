/*
 * test_util.c - time parsing/formatting, name encoding, arena, ctx.
 */
#include "base/base_private.h"
#include "tap.h"

#include <stdlib.h>

TEST(time)
{
    int64_t ns = 0;
    char buf[40];

    is_int(dof_time_parse("2023-05-06T07:08:09.123456789Z", 30, &ns), DOF_OK,
           "parse RFC3339Nano");
    is_int(ns, 1683356889123456789LL, "ns value");
    dof_time_format(ns, buf, sizeof(buf));
    is_str(buf, "2023-05-06T07:08:09.123456789Z", "format round trip");

    const char *off = "2023-05-06T09:08:09.5+02:00";
    is_int(dof_time_parse(off, strlen(off), &ns), DOF_OK, "offset parses");
    is_int(ns, 1683356889500000000LL, "offset applied");

    const char *zero = "0001-01-01T00:00:00Z";
    is_int(dof_time_parse(zero, strlen(zero), &ns), DOF_OK, "zero time");
    ok(ns == DOF_TIME_NONE, "zero time is NONE");
    is_int(dof_time_format(DOF_TIME_NONE, buf, sizeof(buf)), 0,
           "NONE formats empty");

    const char *bad[] = {"2023-13-01T00:00:00Z", "2023-05-06 07:08:09",
                         "2023-05-06T07:08:09.Z", "garbage",
                         "2023-05-06T07:08:09Zjunk"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        is_int(dof_time_parse(bad[i], strlen(bad[i]), &ns), DOF_ERR_FORMAT,
               "rejects %s", bad[i]);

    ns = -1; /* 1969-12-31T23:59:59.999999999Z */
    dof_time_format(ns, buf, sizeof(buf));
    is_str(buf, "1969-12-31T23:59:59.999999999Z", "negative ns formats");
}

TEST(names)
{
    char *e;
    e = dof_name_encode("", 0, NULL);
    is_str(e, "", "empty name encodes to an empty string");
    free(e);
    e = dof_name_encode("plain.txt", 9, NULL);
    is_str(e, "plain.txt", "ascii passes");
    free(e);
    e = dof_name_encode("a b|c\nd", 7, "|");
    is_str(e, "a b\\x7cc\\x0ad", "space kept, | and newline escaped");
    free(e);
    e = dof_name_encode("x\xff\xfe", 3, NULL);
    is_str(e, "x\\xff\\xfe", "invalid UTF-8 escaped");
    free(e);
    e = dof_name_encode("caf\xc3\xa9", 5, NULL);
    is_str(e, "caf\xc3\xa9", "valid UTF-8 passes");
    free(e);
    e = dof_name_encode("back\\slash", 10, NULL);
    is_str(e, "back\\\\slash", "backslash doubled");
    free(e);
    e = dof_name_encode("\xed\xa0\x80", 3, NULL);
    is_str(e, "\\xed\\xa0\\x80", "surrogate rejected");
    free(e);
}

TEST(arena_ctx)
{
    dof_arena *a = dof_arena_new();
    char *big = dof_arena_alloc(a, 200000);
    ok(big != NULL, "big arena block");
    char *s = dof_arena_printf(a, "%s-%d", "x", 42);
    is_str(s, "x-42", "arena printf");
    is_str(dof_path_join(a, "/var/lib/docker/", "/containers"),
           "/var/lib/docker/containers", "path join");
    is_str(dof_path_join(a, "/", "etc"), "/etc", "path join root");
    dof_arena_free(a);

    dof_ctx *ctx = dof_ctx_new();
    is_int(dof_set_error(ctx, DOF_ERR_FORMAT, "bad %s", "thing"),
           DOF_ERR_FORMAT, "set_error returns code");
    is_str(dof_errmsg(ctx), "bad thing", "message kept");
    dof_warn(ctx, DOF_ERR_FORMAT, "/x/config.v2.json", "truncated");
    is_int(dof_warning_count(ctx), 1, "one warning");
    is_str(dof_warning_get(ctx, 0)->path, "/x/config.v2.json", "warning path");
    is_int(dof_status_exit_code(DOF_ERR_AMBIGUOUS), DOF_EXIT_NOTFOUND,
           "ambiguous exits 5");
    dof_ctx_free(ctx);

    char hex[65];
    dof_sha256_hex("abc", 3, hex);
    is_str(hex,
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256(abc)");
    ok(dof_is_hex64(hex, 64), "hex64 accepts");
    ok(!dof_is_hex64("ABC", 3), "hex64 rejects");
}

TAP_MAIN(NULL, NULL)
