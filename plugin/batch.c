/*
 * batch.c - many evidence items into one case: N worker processes, each
 * ingesting one item into its own temporary case database; the parent is
 * the only writer of the case and copies each finished item in with one
 * transaction (dof_case_merge).  No lock contention, no lost rows, and a
 * crashing worker only fails its own item.
 */
#include "plugin_private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

void
dof_batch_opts_init(dof_batch_opts *o)
{
    memset(o, 0, sizeof(*o));
    dof_ingest_opts_init(&o->ingest);
}

typedef struct worker {
    pid_t pid;
    int fd;         /* progress pipe, read end */
    size_t index;   /* item */
    char *tmp;      /* its temporary case */
    char line[512]; /* partial progress line */
    size_t llen;
    int wstatus; /* once ended: its wait status */
} worker;

static void
emit(const dof_batch_opts *o, dof_batch_info *bi)
{
    if (o->fn)
        o->fn(o->fn_arg, bi);
}

/* ---- the worker side ---- */

static void
child_progress(void *arg, const char *stage, uint64_t done, uint64_t total)
{
    int fd = *(int *)arg;
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "P %llu %llu %s\n",
                     (unsigned long long)done, (unsigned long long)total,
                     stage ? stage : "");
    if (n > 0 && (size_t)n < sizeof(buf)) {
        ssize_t w = write(fd, buf, (size_t)n);
        (void)w;
    }
}

static void
child_run(const char *path, const char *tmp, const dof_batch_opts *o, int fd)
{
    dof_ctx *ctx = dof_ctx_new();
    dof_case *cs = NULL;
    dof_ingest_opts io = o->ingest;
    int rc, code = 3;

    if (ctx == NULL)
        _exit(3);
    io.progress = child_progress;
    io.progress_arg = &fd;
    if (dof_case_open(ctx, tmp, DOF_CASE_CREATE, &cs) != DOF_OK) {
        fprintf(stderr, "dof: %s\n", dof_errmsg(ctx));
        _exit(6);
    }
    /* A scratch case, read once by the merge: no WAL (its pages would be
     * written twice) and no fsync.  A worker that dies fails its item,
     * so durability buys nothing here; the rollback journal stays (in
     * memory) so a failed ingest still rolls back cleanly. */
    if (sqlite3_exec(cs->db,
                     "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "dof: %s: %s\n", tmp, sqlite3_errmsg(cs->db));
        _exit(6);
    }
    rc = dof_case_ingest(ctx, cs, path, &io, NULL);
    if (rc == DOF_OK)
        code = dof_warning_count(ctx) ? 1 : 0;
    else if (rc == DOF_ERR_NODATA)
        code = 1;
    dof_case_close(cs);
    dof_ctx_free(ctx);
    close(fd);
    _exit(code);
}

/* ---- the parent side ---- */

static void
remove_tmp(const char *tmp)
{
    char buf[4096];
    unlink(tmp);
    snprintf(buf, sizeof(buf), "%s-wal", tmp);
    unlink(buf);
    snprintf(buf, sizeof(buf), "%s-shm", tmp);
    unlink(buf);
}

/* Status and reason of the item in its temporary case. */
static void
tmp_status(const char *tmp, char *status, size_t slen, char *reason,
           size_t rlen)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    status[0] = reason[0] = '\0';
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto done;
    if (sqlite3_prepare_v2(db,
                           "SELECT status, status_reason FROM evidence "
                           "ORDER BY id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        const char *r = (const char *)sqlite3_column_text(st, 1);
        snprintf(status, slen, "%s", s ? s : "");
        snprintf(reason, rlen, "%s", r ? r : "");
    }
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int
finish(dof_ctx *ctx, dof_case *cs, const char *const *paths, worker *w,
       int wstatus, const dof_batch_opts *o, size_t *nfailed)
{
    char status[32], reason[1024];
    dof_batch_info bi;
    int rc = DOF_OK;

    memset(&bi, 0, sizeof(bi));
    bi.event = DOF_BATCH_DONE;
    bi.index = w->index;
    bi.path = paths[w->index];
    if (WIFSIGNALED(wstatus)) {
        snprintf(status, sizeof(status), "failed");
        snprintf(reason, sizeof(reason), "worker killed by signal %d",
                 WTERMSIG(wstatus));
    }
    else if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 6) {
        snprintf(status, sizeof(status), "failed");
        snprintf(reason, sizeof(reason),
                 "worker could not create its temporary case %s", w->tmp);
    }
    else
        tmp_status(w->tmp, status, sizeof(status), reason, sizeof(reason));
    if (status[0] == '\0') {
        snprintf(status, sizeof(status), "failed");
        if (reason[0] == '\0')
            snprintf(reason, sizeof(reason), "worker produced no result");
    }
    if (strcmp(status, "failed") == 0 && reason[0] == '\0')
        snprintf(reason, sizeof(reason), "failed");
    if (access(w->tmp, F_OK) == 0 && !WIFSIGNALED(wstatus) &&
        !(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 6))
        rc = dof_case_merge(ctx, cs, w->tmp);
    if (strcmp(status, "failed") == 0) {
        if (rc == DOF_OK)
            rc = dof_case_record_failure(ctx, cs, bi.path, reason);
        (*nfailed)++;
    }
    remove_tmp(w->tmp);
    bi.status = status;
    bi.reason = reason[0] ? reason : NULL;
    emit(o, &bi);
    return rc;
}

static void
read_progress(worker *w, const char *const *paths, const dof_batch_opts *o)
{
    char buf[512];
    ssize_t n = read(w->fd, buf, sizeof(buf));
    if (n <= 0)
        return;
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (w->llen + 1 < sizeof(w->line))
                w->line[w->llen++] = buf[i];
            continue;
        }
        w->line[w->llen] = '\0';
        w->llen = 0;
        if (w->line[0] == 'P' && w->line[1] == ' ') {
            dof_batch_info bi;
            char *end = NULL;
            memset(&bi, 0, sizeof(bi));
            bi.event = DOF_BATCH_PROGRESS;
            bi.index = w->index;
            bi.path = paths[w->index];
            bi.done = strtoull(w->line + 2, &end, 10);
            bi.total = end ? strtoull(end, &end, 10) : 0;
            bi.stage = (end && *end == ' ') ? end + 1 : "";
            emit(o, &bi);
        }
    }
}

int
dof_case_batch(dof_ctx *ctx, dof_case *cs, const char *const *paths,
               size_t npaths, const dof_batch_opts *o, size_t *nfailed)
{
    dof_batch_opts defaults;
    worker *ws = NULL, *ready = NULL; /* ended, not merged yet */
    size_t nrun = 0, next = 0, nready = 0;
    int jobs, rc = DOF_OK;
    char *dir = NULL;

    *nfailed = 0;
    if (o == NULL) {
        dof_batch_opts_init(&defaults);
        o = &defaults;
    }
    jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (jobs <= 0)
        jobs = 1;
    ws = calloc((size_t)jobs, sizeof(*ws));
    ready = calloc(npaths + 1, sizeof(*ready)); /* at most every item */
    if (ws == NULL || ready == NULL) {
        free(ws);
        free(ready);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    if (o->tmpdir)
        dir = strdup(o->tmpdir);
    else {
        const char *sl = strrchr(cs->path, '/');
        dir =
            sl ? strndup(cs->path, (size_t)(sl - cs->path + 1)) : strdup("./");
    }
    if (dir == NULL) {
        free(ws);
        free(ready);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    fflush(NULL);
    while (next < npaths || nrun > 0 || nready > 0) {
        /* start workers */
        while (nrun < (size_t)jobs && next < npaths && rc == DOF_OK) {
            size_t i = next++;
            dof_batch_info bi;
            int pfd[2];
            worker *w = NULL;

            memset(&bi, 0, sizeof(bi));
            bi.index = i;
            bi.path = paths[i];
            if (o->resume) {
                char *s = NULL;
                dof_case_evidence_status(ctx, cs, paths[i], &s);
                int done =
                    s && (strcmp(s, "ok") == 0 || strcmp(s, "warnings") == 0);
                if (done) {
                    bi.event = DOF_BATCH_SKIP;
                    bi.status = s;
                    emit(o, &bi);
                    free(s);
                    continue;
                }
                free(s);
            }
            for (int k = 0; k < jobs; k++)
                if (ws[k].pid == 0) {
                    w = &ws[k];
                    break;
                }
            if (pipe(pfd) != 0) {
                rc = dof_set_error(ctx, DOF_ERR_IO, "pipe: %s",
                                   strerror(errno));
                break;
            }
            w->index = i;
            w->llen = 0;
            {
                size_t n = strlen(dir) + 64;
                w->tmp = malloc(n);
                if (w->tmp == NULL) {
                    close(pfd[0]);
                    close(pfd[1]);
                    rc = dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
                    break;
                }
                snprintf(w->tmp, n, "%s/.dof-batch-%ld-%zu.db", dir,
                         (long)getpid(), i);
            }
            remove_tmp(w->tmp);
            w->pid = fork();
            if (w->pid < 0) {
                close(pfd[0]);
                close(pfd[1]);
                free(w->tmp);
                w->tmp = NULL;
                w->pid = 0;
                rc = dof_set_error(ctx, DOF_ERR_IO, "fork: %s",
                                   strerror(errno));
                break;
            }
            if (w->pid == 0) {
                close(pfd[0]);
                for (int k = 0; k < jobs; k++)
                    if (&ws[k] != w && ws[k].pid > 0)
                        close(ws[k].fd);
                child_run(paths[i], w->tmp, o, pfd[1]);
            }
            close(pfd[1]);
            w->fd = pfd[0];
            nrun++;
            bi.event = DOF_BATCH_START;
            bi.done = (uint64_t)w->pid;
            emit(o, &bi);
        }
        /* Merge one ended worker's case, after its slot was given to the
         * next item above: the single writer works while the others
         * ingest, instead of holding a slot through the merge. */
        if (nready > 0 && rc == DOF_OK) {
            worker *w = &ready[0];
            int frc = finish(ctx, cs, paths, w, w->wstatus, o, nfailed);
            if (frc != DOF_OK && rc == DOF_OK)
                rc = frc;
            free(w->tmp);
            memmove(ready, ready + 1, (nready - 1) * sizeof(*ready));
            nready--;
            memset(&ready[nready], 0, sizeof(*ready));
        }
        if (nrun == 0 && (nready == 0 || rc != DOF_OK))
            break;
        if (nrun == 0)
            continue;
        /* wait for progress or an end */
        {
            struct pollfd pf[256];
            int map[256], np = 0;
            for (int k = 0; k < jobs && np < 256; k++)
                if (ws[k].pid > 0) {
                    pf[np].fd = ws[k].fd;
                    pf[np].events = POLLIN;
                    pf[np].revents = 0;
                    map[np++] = k;
                }
            if (poll(pf, (nfds_t)np, nready ? 0 : 1000) < 0 &&
                errno != EINTR) {
                rc = dof_set_error(ctx, DOF_ERR_IO, "poll: %s",
                                   strerror(errno));
            }
            for (int j = 0; j < np; j++) {
                worker *w = &ws[map[j]];
                if (pf[j].revents & POLLIN)
                    read_progress(w, paths, o);
                if ((pf[j].revents & (POLLHUP | POLLERR)) &&
                    !(pf[j].revents & POLLIN)) {
                    int wst = 0;
                    close(w->fd);
                    while (waitpid(w->pid, &wst, 0) < 0 && errno == EINTR)
                        ;
                    w->wstatus = wst;
                    ready[nready++] = *w; /* merged by the loop above */
                    memset(w, 0, sizeof(*w));
                    nrun--;
                }
            }
        }
        if (rc != DOF_OK && nrun > 0) {
            /* the case cannot be written: stop the workers */
            for (int k = 0; k < jobs; k++)
                if (ws[k].pid > 0) {
                    kill(ws[k].pid, SIGTERM);
                    close(ws[k].fd);
                    waitpid(ws[k].pid, NULL, 0);
                    remove_tmp(ws[k].tmp);
                    free(ws[k].tmp);
                    memset(&ws[k], 0, sizeof(ws[k]));
                }
            nrun = 0;
            break;
        }
        if (rc != DOF_OK)
            break;
    }
    for (size_t k = 0; k < nready; k++) { /* not merged: stopped early */
        remove_tmp(ready[k].tmp);
        free(ready[k].tmp);
    }
    free(ready);
    free(ws);
    free(dir);
    return rc;
}
