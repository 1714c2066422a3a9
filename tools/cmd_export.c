/*
 * cmd_export.c - `dof export-container`: a container's (or an image's)
 * merged view written to a directory or a tar, with a sha256 manifest.
 *
 *   dof export-container (--container X | --image REF) (--output DIR |
 *       --tar FILE) [--manifest FILE] [--mounts] [--path P] IMAGE
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cmd_export_check(cli *c)
{
    const char *path = c->opt[CLI_O_PATH];

    if ((c->opt[CLI_O_OUTPUT] == NULL) == (c->opt[CLI_O_TAR] == NULL))
        return cli_usage_error(c, "give --output DIR or --tar FILE (one of "
                                  "them)");
    if (path && path[0] != '/')
        return cli_usage_error(c, "the --path must be absolute");
    return -1;
}

int
cmd_export_container(cli *c)
{
    const char *out = c->opt[CLI_O_OUTPUT], *tar = c->opt[CLI_O_TAR];
    const char *man = c->opt[CLI_O_MANIFEST];
    const char *path = c->opt[CLI_O_PATH] ? c->opt[CLI_O_PATH] : "/";
    dof_export_opts eo;
    dof_export_stats st;
    char *mpath = NULL;
    FILE *tf = NULL, *mf = NULL;
    int ex, rc;

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
            ex = cli_error(DOF_EXIT_USAGE, "%s: cannot create (exists?)", tar);
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
            ex = cli_error(DOF_EXIT_USAGE, "%s: cannot create (%s)", man,
                           strerror(errno));
            goto done;
        }
        eo.manifest = mf;
    }
    rc = dof_export_write(c->ctx, c->u, path, &eo, &st);
    if (rc != DOF_OK) {
        ex = cli_status(c, rc);        /* DOF_ERR_ARG: exit 2 */
        if (rc == DOF_ERR_ARG && mf) { /* refused before writing: no
                                         manifest of an export not made */
            fclose(mf);
            mf = NULL;
            unlink(man);
        }
        goto done;
    }
    if (!c->quiet)
        fprintf(stderr,
                "dof: exported %llu files (%llu bytes), %llu dirs, %llu "
                "symlinks, %llu devices; %llu skipped%s%s\n",
                (unsigned long long)st.files, (unsigned long long)st.bytes,
                (unsigned long long)st.dirs, (unsigned long long)st.symlinks,
                (unsigned long long)st.devices, (unsigned long long)st.skipped,
                man ? "; manifest " : "", man ? man : "");
    ex = DOF_EXIT_OK;
done:
    if (mf && fclose(mf) != 0 && ex == DOF_EXIT_OK)
        ex = DOF_EXIT_EVIDENCE;
    if (tf && tf != stdout && fclose(tf) != 0 && ex == DOF_EXIT_OK)
        ex = DOF_EXIT_EVIDENCE;
    free(mpath);
    return ex;
}
