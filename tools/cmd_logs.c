/*
 * cmd_logs.c - `dof show-container-log --container X [--stream S]
 * [--since T] [--until T] [--json | --raw] IMAGE`.
 *
 * Default output is byte for byte what `docker logs --timestamps` prints
 * for each record: RFC 3339 UTC time with nine fraction digits, a space,
 * the message bytes (a partial piece without a newline, as docker prints
 * it).  Both streams go to stdout, interleaved in the order of the files.
 */
#include "cmd_logs.h"

#include "dof.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                 \
    "Usage: dof show-container-log --container NAME|ID [--stream "            \
    "stdout|stderr]\n"                                                        \
    "           [--since T] [--until T] [--json | --raw] [--docker-root "     \
    "PATH]\n"                                                                 \
    "           [-o SECTOR] [-q] IMAGE\n"                                     \
    "  --container X       name, full ID or unique ID prefix\n"               \
    "  --stream S          only stdout or only stderr (default: both)\n"      \
    "  --since T, --until T  RFC 3339 time or unix seconds (inclusive)\n"     \
    "  --json              one JSON object per message, pieces joined\n"      \
    "  --raw               the records as stored (local ones as JSON)\n"      \
    "  --docker-root PATH  only this Docker data root (path on the fs)\n"     \
    "  -o, --offset SECTOR one filesystem at this offset (512-byte "          \
    "sectors)\n"                                                              \
    "  -q, --quiet         no warnings on stderr\n"

enum {
    OPT_CONTAINER = 256,
    OPT_STREAM,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_JSON,
    OPT_RAW,
    OPT_ROOT
};

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

/* A JSON string of already encoded text: escape '"' and '\\'. */
static void
put_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (;;) {
        size_t run = strcspn(s, "\"\\");
        fwrite(s, 1, run, f);
        s += run;
        if (*s == '\0')
            break;
        fputc('\\', f);
        fputc(*s++, f);
    }
    fputc('"', f);
}

/* Raw evidence bytes as an encoded JSON string. */
static int
put_json_raw(FILE *f, const char *raw, size_t len)
{
    char *e = dof_name_encode(raw, len, NULL);
    if (e == NULL)
        return -1;
    put_json_str(f, e);
    free(e);
    return 0;
}

static int
print_json(FILE *f, const dof_log_record *r)
{
    char t[40];

    dof_time_format(r->time, t, sizeof(t));
    fputs("{\"time\": ", f);
    put_json_str(f, t);
    fprintf(f, ", \"time_ns\": %lld, \"stream\": ", (long long)r->time);
    if (put_json_raw(f, r->stream_name, strlen(r->stream_name)))
        return -1;
    fputs(", \"message\": ", f);
    if (put_json_raw(f, r->message, r->len))
        return -1;
    fputs(", \"pieces\": [", f);
    for (size_t i = 0; i < r->npieces; i++) {
        dof_time_format(r->pieces[i], t, sizeof(t));
        if (i)
            fputs(", ", f);
        put_json_str(f, t);
    }
    fputs("], \"source\": ", f);
    if (put_json_raw(f, r->source, strlen(r->source)))
        return -1;
    fprintf(f, ", \"offset\": %llu", (unsigned long long)r->offset);
    if (r->partial)
        fputs(", \"partial\": true", f);
    fputs("}\n", f);
    return 0;
}

static int
print_raw(FILE *f, const dof_log_record *r)
{
    if (r->format == DOF_LOG_JSON_FILE) {
        fwrite(r->raw, 1, r->raw_len, f);
        fputc('\n', f);
        return 0;
    }
    /* local: the LogEntry fields as JSON (line without the added '\n') */
    size_t line_len = r->len - (r->partial ? 0 : 1);
    fputs("{\"source\": ", f);
    if (put_json_raw(f, r->stream_name, strlen(r->stream_name)))
        return -1;
    fprintf(f, ", \"time_nano\": %lld, \"line\": ", (long long)r->time);
    if (put_json_raw(f, r->message, line_len))
        return -1;
    fprintf(f, ", \"partial\": %s",
            r->partial || r->has_meta ? "true" : "false");
    if (r->has_meta) {
        fprintf(f, ", \"partial_log_metadata\": {\"last\": %s, \"id\": ",
                r->meta_last ? "true" : "false");
        if (put_json_raw(f, r->meta_id, strlen(r->meta_id)))
            return -1;
        fprintf(f, ", \"ordinal\": %d}", (int)r->meta_ordinal);
    }
    fprintf(f, ", \"file\": ");
    if (put_json_raw(f, r->source, strlen(r->source)))
        return -1;
    fprintf(f, ", \"offset\": %llu}\n", (unsigned long long)r->offset);
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

int
dof_cmd_show_container_log(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"container", required_argument, NULL, OPT_CONTAINER},
        {"stream", required_argument, NULL, OPT_STREAM},
        {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"json", no_argument, NULL, OPT_JSON},
        {"raw", no_argument, NULL, OPT_RAW},
        {"docker-root", required_argument, NULL, OPT_ROOT},
        {"offset", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *query = NULL, *image;
    int json = 0, raw = 0, quiet = 0, opt, rc, ex = DOF_EXIT_OK;
    int64_t offset = -1;
    dof_log_opts lo;
    dof_host_opts ho;
    dof_ctx *ctx = NULL;
    dof_evidence *ev = NULL;
    dof_host *host = NULL;
    dof_log *log = NULL;
    const dof_container *c;
    const dof_log_record *r;

    dof_log_opts_init(&lo);
    memset(&ho, 0, sizeof(ho));
    optind = 0;
    opterr = 1;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_CONTAINER: query = optarg; break;
        case OPT_STREAM:
            if (strcmp(optarg, "stdout") == 0)
                lo.streams = DOF_LOG_STDOUT;
            else if (strcmp(optarg, "stderr") == 0)
                lo.streams = DOF_LOG_STDERR;
            else
                goto usage;
            break;
        case OPT_SINCE:
            if (parse_time_arg(optarg, &lo.since))
                goto usage;
            break;
        case OPT_UNTIL:
            if (parse_time_arg(optarg, &lo.until))
                goto usage;
            break;
        case OPT_JSON: json = 1; break;
        case OPT_RAW: raw = 1; break;
        case OPT_ROOT: ho.docker_root = optarg; break;
        case 'o': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v < 0)
                goto usage;
            offset = v;
            break;
        }
        case 'q': quiet = 1; break;
        case 'h': fputs(USAGE, stdout); return DOF_EXIT_OK;
        default: goto usage;
        }
    }
    if (query == NULL || optind != argc - 1 || (json && raw))
        goto usage;
    image = argv[optind];
    if (json || raw) {
        if (lo.streams == 0)
            lo.streams = DOF_LOG_STDOUT | DOF_LOG_STDERR | DOF_LOG_OTHER;
        lo.reassemble = json;
    }

    ctx = dof_ctx_new();
    if (ctx == NULL) {
        fprintf(stderr, "dof: error: out of memory\n");
        return DOF_EXIT_EVIDENCE;
    }
    if (!quiet)
        dof_ctx_set_warning_fn(ctx, dof_report_warning_fn, NULL);
    if ((rc = dof_evidence_open(ctx, image, offset, &ev)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s: %s\n", image, dof_errmsg(ctx));
        ex = DOF_EXIT_EVIDENCE;
        goto out;
    }
    ho.only_container = query; /* one container: skip the others */
    if ((rc = dof_host_open(ctx, ev, &ho, &host)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = rc == DOF_ERR_NODATA ? DOF_EXIT_NODATA : dof_status_exit_code(rc);
        goto out;
    }
    if ((rc = dof_host_find_container(ctx, host, query, &c)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = rc == DOF_ERR_NOTFOUND || rc == DOF_ERR_AMBIGUOUS
                 ? DOF_EXIT_NOTFOUND
                 : dof_status_exit_code(rc);
        goto out;
    }
    if ((rc = dof_log_open(ctx, c, &lo, &log)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = rc == DOF_ERR_NODATA ? DOF_EXIT_NODATA : dof_status_exit_code(rc);
        goto out;
    }
    while ((rc = dof_log_next(log, &r)) == 1) {
        int w = json  ? print_json(stdout, r)
                : raw ? print_raw(stdout, r)
                      : print_text(stdout, r);
        if (w != 0) {
            rc = DOF_ERR_NOMEM;
            break;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(ctx));
        ex = dof_status_exit_code(rc);
        goto out;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "dof: error: cannot write the output\n");
        ex = DOF_EXIT_WARNINGS;
        goto out;
    }
    ex = dof_warning_count(ctx) ? DOF_EXIT_WARNINGS : DOF_EXIT_OK;
out:
    dof_log_close(log);
    dof_host_close(host);
    dof_evidence_close(ev);
    dof_ctx_free(ctx);
    return ex;
usage:
    fputs(USAGE, stderr);
    return DOF_EXIT_USAGE;
}
