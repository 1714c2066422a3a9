/*
 * ctx.c - the context object: last error, warnings, status names.
 */
#include "base/base_private.h"

#include <stdio.h>
#include <stdlib.h>

#define DOF_ERRMSG_MAX 1024
#define DOF_WARN_MAX 100000 /* more are counted, not kept */

struct dof_ctx {
    int code;
    char msg[DOF_ERRMSG_MAX];
    dof_warning *warnings;
    size_t nwarnings, capwarnings;
    size_t dropped;
    dof_warning_fn fn;
    void *fn_arg;
};

dof_ctx *
dof_ctx_new(void)
{
    return calloc(1, sizeof(dof_ctx));
}

void
dof_ctx_free(dof_ctx *ctx)
{
    if (ctx == NULL)
        return;
    for (size_t i = 0; i < ctx->nwarnings; i++) {
        free((char *)ctx->warnings[i].path);
        free((char *)ctx->warnings[i].message);
    }
    free(ctx->warnings);
    free(ctx);
}

DOF_GETTER(const char *, dof_errmsg, dof_ctx, msg, "no context")
DOF_GETTER(int, dof_errcode, dof_ctx, code, DOF_ERR_ARG)

int
dof_set_errorv(dof_ctx *ctx, int code, const char *fmt, va_list ap)
{
    if (ctx == NULL)
        return code;
    ctx->code = code;
    vsnprintf(ctx->msg, sizeof(ctx->msg), fmt, ap);
    return code;
}

int
dof_set_error(dof_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dof_set_errorv(ctx, code, fmt, ap);
    va_end(ap);
    return code;
}

void
dof_clear_error(dof_ctx *ctx)
{
    if (ctx == NULL)
        return;
    ctx->code = DOF_OK;
    ctx->msg[0] = '\0';
}

void
dof_warn(dof_ctx *ctx, int code, const char *path, const char *fmt, ...)
{
    char msg[DOF_ERRMSG_MAX];
    va_list ap;
    dof_warning w;

    if (ctx == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w.code = code;
    w.path = path;
    w.message = msg;
    if (ctx->fn)
        ctx->fn(ctx->fn_arg, &w);
    if (ctx->nwarnings >= DOF_WARN_MAX) {
        ctx->dropped++;
        return;
    }
    if (dof_grow(&ctx->warnings, &ctx->capwarnings, ctx->nwarnings,
                 sizeof(*ctx->warnings), 16) != DOF_OK) {
        ctx->dropped++;
        return;
    }
    w.path = path ? strdup(path) : NULL;
    w.message = strdup(msg);
    if (w.message == NULL) {
        free((char *)w.path);
        ctx->dropped++;
        return;
    }
    ctx->warnings[ctx->nwarnings++] = w;
}

size_t
dof_warning_count(const dof_ctx *ctx)
{
    return ctx ? ctx->nwarnings + ctx->dropped : 0;
}

const dof_warning *
dof_warning_get(const dof_ctx *ctx, size_t i)
{
    if (ctx == NULL || i >= ctx->nwarnings)
        return NULL;
    return &ctx->warnings[i];
}

void
dof_ctx_set_warning_fn(dof_ctx *ctx, dof_warning_fn fn, void *arg)
{
    if (ctx == NULL)
        return;
    ctx->fn = fn;
    ctx->fn_arg = arg;
}

const char *
dof_status_name(int code)
{
    switch (code) {
    case DOF_OK: return "ok";
    case DOF_ERR_NOMEM: return "out of memory";
    case DOF_ERR_ARG: return "bad argument";
    case DOF_ERR_IO: return "read error";
    case DOF_ERR_FORMAT: return "damaged or malformed data";
    case DOF_ERR_UNSUPPORTED: return "not supported";
    case DOF_ERR_NOTFOUND: return "not found";
    case DOF_ERR_AMBIGUOUS: return "ambiguous";
    case DOF_ERR_LIMIT: return "safety limit exceeded";
    case DOF_ERR_LOOP: return "cycle";
    case DOF_ERR_NODATA: return "no container data found";
    case DOF_ERR_DB: return "case database error";
    case DOF_ERR_EVIDENCE: return "evidence unreadable";
    default: return "unknown error";
    }
}

int
dof_status_exit_code(int code)
{
    switch (code) {
    case DOF_OK: return DOF_EXIT_OK;
    case DOF_ERR_ARG: return DOF_EXIT_USAGE;
    case DOF_ERR_EVIDENCE:
    case DOF_ERR_IO:
    case DOF_ERR_UNSUPPORTED: return DOF_EXIT_EVIDENCE;
    case DOF_ERR_NODATA: return DOF_EXIT_NODATA;
    case DOF_ERR_NOTFOUND:
    case DOF_ERR_AMBIGUOUS: return DOF_EXIT_NOTFOUND;
    case DOF_ERR_DB: return DOF_EXIT_DB;
    default: return DOF_EXIT_EVIDENCE;
    }
}
