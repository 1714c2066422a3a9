/*
 * cmd_logs.c - `dof show-container-log --container X [--stream S]
 * [--since T] [--until T] [--json | --raw] IMAGE`.
 *
 * Default output is byte for byte what `docker logs --timestamps` prints
 * for each record: RFC 3339 UTC time with nine fraction digits, a space,
 * the message bytes (a partial piece without a newline, as docker prints
 * it).  Both streams go to stdout, interleaved in the order of the files.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* RFC 3339, or unix seconds with an optional fraction. */
static int
parse_time_arg(const char *s, int64_t *ns)
{
    const char *p = s;
    int64_t sec = 0, frac = 0;
    int nd = 0, neg = 0;

    if (dof_time_parse(s, strlen(s), ns) == DOF_OK)
        return 0;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        if (sec > 9223372035LL / 10)
            return -1;
        sec = sec * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (nd < 9) {
                frac = frac * 10 + (*p - '0');
                nd++;
            }
            p++;
        }
        while (nd++ < 9)
            frac *= 10;
    }
    if (*p != '\0')
        return -1;
    *ns = (sec * 1000000000LL + frac) * (neg ? -1 : 1);
    return 0;
}

static int
print_text(FILE *f, const dof_log_record *r)
{
    char t[40];
    size_t n = dof_time_format(r->time, t, sizeof(t));

    t[n++] = ' ';
    fwrite(t, 1, n, f);
    fwrite(r->message, 1, r->len, f);
    return 0;
}

/* The --stream, --since and --until options; returns -1 to go on, else
 * the exit code after a usage error. */
static int
log_opts(cli *c, dof_log_opts *lo)
{
    const char *stream = c->opt[CLI_O_STREAM];

    dof_log_opts_init(lo);
    if (stream)
        lo->streams =
            strcmp(stream, "stdout") == 0 ? DOF_LOG_STDOUT : DOF_LOG_STDERR;
    if (c->opt[CLI_O_SINCE] && parse_time_arg(c->opt[CLI_O_SINCE], &lo->since))
        return cli_usage_error(c,
                               "--since wants an RFC 3339 time or unix "
                               "seconds, not '%s'",
                               c->opt[CLI_O_SINCE]);
    if (c->opt[CLI_O_UNTIL] && parse_time_arg(c->opt[CLI_O_UNTIL], &lo->until))
        return cli_usage_error(c,
                               "--until wants an RFC 3339 time or unix "
                               "seconds, not '%s'",
                               c->opt[CLI_O_UNTIL]);
    if (c->json && c->opt[CLI_O_RAW])
        return cli_usage_error(c, "give --json or --raw, not both");
    if (c->json || c->opt[CLI_O_RAW]) {
        if (lo->streams == 0)
            lo->streams = DOF_LOG_STDOUT | DOF_LOG_STDERR | DOF_LOG_OTHER;
        lo->reassemble = c->json;
    }
    return -1;
}

int
cmd_show_container_log_check(cli *c)
{
    dof_log_opts lo;

    return log_opts(c, &lo);
}

int
cmd_show_container_log(cli *c)
{
    int raw = c->opt[CLI_O_RAW] != NULL, rc;
    dof_log_opts lo;
    dof_log *log = NULL;
    const dof_log_record *r;

    log_opts(c, &lo);
    if ((rc = dof_log_open(c->ctx, c->ct, &lo, &log)) != DOF_OK)
        return cli_status(c, rc);
    while ((rc = dof_log_next(log, &r)) == 1) {
        int w = c->json || raw ? dof_report_log_record(stdout, r, raw)
                               : print_text(stdout, r);
        if (w != 0) {
            rc = dof_set_error(c->ctx, DOF_ERR_NOMEM, "out of memory");
            break;
        }
    }
    dof_log_close(log);
    return cli_status(c, rc < 0 ? rc : DOF_OK);
}
