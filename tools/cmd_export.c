/*
 * cmd_export.c - `dof export-container` and the helpers the verify and
 * mount commands share.
 *
 *   dof export-container --container X (--output DIR | --tar FILE)
 *       [--manifest FILE] [--mounts] [--path P] [--docker-root PATH]
 *       [-o SECTOR] [-q] IMAGE
 */
#include "cmd_export.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
dof_xjson_str(FILE *f, const char *raw, size_t len)
{
    char *enc = dof_name_encode(raw, len, NULL);
    const char *s = enc ? enc : "";
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
    free(enc);
}

void
dof_xjson_provenance(FILE *f, int argc, char **argv, const dof_evidence *ev)
{
    char *p = dof_report_provenance_json(ev, argc, argv);
    fputs(p ? p : "null", f);
    free(p);
}

void
dof_xopen_close(dof_xopen *o)
{
    dof_union_close(o->u);
    dof_host_close(o->host);
    dof_evidence_close(o->ev);
    dof_ctx_free(o->ctx);
    free(o->fsv);
    memset(o, 0, sizeof(*o));
}

int
dof_xopen_open(const dof_xargs *a, dof_xopen *o)
{
    dof_host_opts ho;
    size_t nv;
    int rc;

    memset(o, 0, sizeof(*o));
    o->ctx = dof_ctx_new();
    if (o->ctx == NULL) {
        fprintf(stderr, "dof: error: out of memory\n");
        return DOF_EXIT_EVIDENCE;
    }
    if (!a->quiet)
        dof_ctx_set_warning_fn(o->ctx, dof_report_warning_fn, NULL);
    if ((rc = dof_evidence_open(o->ctx, a->image, a->offset, &o->ev)) !=
        DOF_OK) {
        fprintf(stderr, "dof: error: %s: %s\n", a->image, dof_errmsg(o->ctx));
        return DOF_EXIT_EVIDENCE;
    }
    nv = dof_evidence_partition_count(o->ev);
    o->fsv = calloc(nv ? nv : 1, sizeof(*o->fsv));
    if (o->fsv == NULL) {
        fprintf(stderr, "dof: error: out of memory\n");
        return DOF_EXIT_EVIDENCE;
    }
    for (size_t i = 0; i < nv; i++) {
        const dof_partition *v = dof_evidence_partition(o->ev, i);
        if (v && v->fs)
            o->fsv[o->nfs++] = v->fs;
    }
    if (!a->want_host && a->container == NULL && a->imageref == NULL)
        return -1;
    memset(&ho, 0, sizeof(ho));
    ho.docker_root = a->root;
    if ((rc = dof_host_open(o->ctx, o->ev, &ho, &o->host)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(o->ctx));
        return rc == DOF_ERR_NODATA ? DOF_EXIT_NODATA
                                    : dof_status_exit_code(rc);
    }
    if (a->container &&
        (rc = dof_host_find_container(o->ctx, o->host, a->container, &o->c)) !=
            DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(o->ctx));
        return dof_status_exit_code(rc);
    }
    if (a->imageref && (rc = dof_host_find_image(o->ctx, o->host, a->imageref,
                                                 &o->img)) != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(o->ctx));
        return dof_status_exit_code(rc);
    }
    if (a->want_union) {
        if (o->c) {
            dof_union_opts uo;
            memset(&uo, 0, sizeof(uo));
            uo.flags = a->union_flags;
            uo.host_fs = o->fsv;
            uo.nhost_fs = o->nfs;
            rc = dof_union_open(o->ctx, o->host, o->c, &uo, &o->u);
        }
        else if (o->img)
            rc = dof_union_open_image(o->ctx, o->host, o->img, &o->u);
        else
            rc = DOF_ERR_ARG;
        if (rc != DOF_OK) {
            fprintf(stderr, "dof: error: %s\n", dof_errmsg(o->ctx));
            return dof_status_exit_code(rc);
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- */

enum {
    OPT_CONTAINER = 256,
    OPT_ROOT,
    OPT_OUTPUT,
    OPT_TAR,
    OPT_MANIFEST,
    OPT_MOUNTS,
    OPT_PATH,
    OPT_IMAGE
};

static const char usage[] =
    "Usage: dof export-container (--container X | --image REF) "
    "(--output DIR | --tar FILE)\n"
    "           [--manifest FILE] [--mounts] [--path P] "
    "[--docker-root PATH] [-o SECTOR] [-q]\n"
    "           IMAGE\n"
    "  --container X       name, full ID or unique ID prefix\n"
    "  --image REF         export an image's merged layers instead\n"
    "  --output DIR        a new or empty directory (never written "
    "outside)\n"
    "  --tar FILE          a POSIX tar (\"-\": standard output)\n"
    "  --manifest FILE     sha256sum manifest (default DIR.sha256 or "
    "FILE.sha256)\n"
    "  --mounts            include volumes, bind mounts, hostname/hosts/"
    "resolv.conf\n"
    "  --path P            only the subtree at P in the view\n"
    "  --docker-root PATH  only this Docker data root (path on the fs)\n"
    "  -o, --offset SECTOR one filesystem at this offset (512-byte "
    "sectors)\n"
    "  -q, --quiet         no warnings or summary on stderr\n"
    "Owners (lchown) and device nodes (mknod) are restored in a directory "
    "only when\nrun as root; a tar always records them.  Check a directory "
    "export with\n  (cd DIR && sha256sum -c ../DIR.sha256)\n";

int
dof_cmd_export_container(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"container", required_argument, NULL, OPT_CONTAINER},
        {"image", required_argument, NULL, OPT_IMAGE},
        {"docker-root", required_argument, NULL, OPT_ROOT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"tar", required_argument, NULL, OPT_TAR},
        {"manifest", required_argument, NULL, OPT_MANIFEST},
        {"mounts", no_argument, NULL, OPT_MOUNTS},
        {"path", required_argument, NULL, OPT_PATH},
        {"offset", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    dof_xargs a;
    dof_xopen o;
    dof_export_opts eo;
    dof_export_stats st;
    const char *out = NULL, *tar = NULL, *man = NULL, *path = "/";
    char *mpath = NULL;
    FILE *tf = NULL, *mf = NULL;
    int opt, ex, rc;

    memset(&a, 0, sizeof(a));
    a.offset = -1;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_CONTAINER: a.container = optarg; break;
        case OPT_IMAGE: a.imageref = optarg; break;
        case OPT_ROOT: a.root = optarg; break;
        case OPT_OUTPUT: out = optarg; break;
        case OPT_TAR: tar = optarg; break;
        case OPT_MANIFEST: man = optarg; break;
        case OPT_MOUNTS: a.union_flags |= DOF_UNION_MOUNTS; break;
        case OPT_PATH: path = optarg; break;
        case 'o': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || v < 0)
                goto usage;
            a.offset = v;
            break;
        }
        case 'q': a.quiet = 1; break;
        case 'h': fputs(usage, stdout); return DOF_EXIT_OK;
        default: goto usage;
        }
    }
    if ((a.container == NULL) == (a.imageref == NULL) ||
        (out == NULL) == (tar == NULL) || argc - optind != 1 || path[0] != '/')
        goto usage;
    a.image = argv[optind];
    a.want_union = 1;
    if ((ex = dof_xopen_open(&a, &o)) >= 0) {
        dof_xopen_close(&o);
        return ex;
    }
    dof_export_opts_init(&eo);
    if (geteuid() == 0)
        eo.flags |= DOF_EXPORT_OWNERS | DOF_EXPORT_DEVICES;
    if (man == NULL && !(tar && strcmp(tar, "-") == 0)) {
        const char *base = out ? out : tar;
        size_t l = strlen(base);
        while (l > 1 && base[l - 1] == '/')
            l--;
        mpath = malloc(l + 8);
        if (mpath == NULL) {
            ex = DOF_EXIT_EVIDENCE;
            goto done;
        }
        memcpy(mpath, base, l);
        memcpy(mpath + l, ".sha256", 8);
        man = mpath;
    }
    if (tar) {
        tf = strcmp(tar, "-") == 0 ? stdout : fopen(tar, "wbx");
        if (tf == NULL) {
            fprintf(stderr, "dof: error: %s: cannot create (exists?)\n", tar);
            ex = DOF_EXIT_USAGE;
            goto done;
        }
        eo.tar = tf;
    }
    else
        eo.dir = out;
    if (man) {
        /* never overwrite: an earlier export's manifest is a record */
        mf = fopen(man, "wx");
        if (mf == NULL) {
            fprintf(stderr, "dof: error: %s: cannot create (%s)\n", man,
                    strerror(errno));
            ex = DOF_EXIT_USAGE;
            goto done;
        }
        eo.manifest = mf;
    }
    rc = dof_export_write(o.ctx, o.u, path, &eo, &st);
    if (rc != DOF_OK) {
        fprintf(stderr, "dof: error: %s\n", dof_errmsg(o.ctx));
        ex = rc == DOF_ERR_ARG ? DOF_EXIT_USAGE : dof_status_exit_code(rc);
        if (rc == DOF_ERR_ARG && mf) { /* refused before writing: no
                                         manifest of an export not made */
            fclose(mf);
            mf = NULL;
            unlink(man);
        }
        goto done;
    }
    if (!a.quiet)
        fprintf(stderr,
                "dof: exported %llu files (%llu bytes), %llu dirs, %llu "
                "symlinks, %llu devices; %llu skipped%s%s\n",
                (unsigned long long)st.files, (unsigned long long)st.bytes,
                (unsigned long long)st.dirs, (unsigned long long)st.symlinks,
                (unsigned long long)st.devices, (unsigned long long)st.skipped,
                man ? "; manifest " : "", man ? man : "");
    ex = dof_warning_count(o.ctx) ? DOF_EXIT_WARNINGS : DOF_EXIT_OK;
done:
    if (mf && fclose(mf) != 0 && ex == DOF_EXIT_OK)
        ex = DOF_EXIT_EVIDENCE;
    if (tf && tf != stdout && fclose(tf) != 0 && ex == DOF_EXIT_OK)
        ex = DOF_EXIT_EVIDENCE;
    free(mpath);
    dof_xopen_close(&o);
    return ex;
usage:
    fputs(usage, stderr);
    return DOF_EXIT_USAGE;
}
