/*
 * mod_findings.c - ingest module "findings": what an examiner wants
 * flagged (doc/schema.md lists the kinds and their severities).
 */
#include "plugin_private.h"

static const char SQL_F[] =
    "INSERT INTO findings (evidence_id, severity, kind, container_key, "
    "container_id, image_key, image_id, description, volume_offset_bytes, "
    "inode, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/* Regular files with an execute bit in a container's writable layer. */
static const char SQL_EXEC[] =
    "INSERT INTO findings (evidence_id, severity, kind, container_key, "
    "container_id, description, volume_offset_bytes, inode, path) "
    "SELECT f.evidence_id, 'medium', 'executable_added', "
    "cl.container_key, c.id, 'executable file in the writable layer of ' "
    "|| c.name, f.volume_offset_bytes, f.inode, f.path FROM layer_files f "
    "JOIN container_layers cl ON cl.evidence_id = f.evidence_id AND "
    "cl.layer_key = f.layer_key AND cl.role = 'container' JOIN containers "
    "c ON c.evidence_id = cl.evidence_id AND c.container_key = "
    "cl.container_key WHERE f.evidence_id = ?1 AND f.type = 'file' AND "
    "(f.mode & 73) <> 0";

typedef struct fctx {
    dof_ing *ing;
    const dof_store *rt;
    int64_t ckey, ikey;
    const char *cid, *iid;
    const char *path;
    uint64_t ino;
    uint64_t voff; /* when rt is NULL */
} fctx;

static int finding(const fctx *f, const char *sev, const char *kind,
                   const char *fmt, ...) DOF_PRINTF(4, 5);

static int
finding(const fctx *f, const char *sev, const char *kind, const char *fmt, ...)
{
    sqlite3_stmt *st = ing_stmt(f->ing, SQL_F);
    char desc[1024];
    va_list ap;

    if (st == NULL)
        return DOF_ERR_DB;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    ing_bind_i64(st, 1, f->ing->eid);
    ing_bind_text(st, 2, sev);
    ing_bind_text(st, 3, kind);
    if (f->ckey > 0)
        ing_bind_i64(st, 4, f->ckey);
    ing_bind_text(st, 5, f->cid);
    if (f->ikey > 0)
        ing_bind_i64(st, 6, f->ikey);
    ing_bind_text(st, 7, f->iid);
    ing_bind_text(st, 8, desc);
    ing_bind_i64(st, 9,
                 (int64_t)(f->rt ? f->rt->volume_offset_bytes : f->voff));
    if (f->ino)
        ing_bind_i64(st, 10, (int64_t)f->ino);
    ing_bind_text(st, 11, f->path);
    return ing_step(f->ing, st);
}

static int
is_host(const char *mode)
{
    return mode && strcmp(mode, "host") == 0;
}

static int
has_unconfined(const char *s, const char *what)
{
    /* "seccomp=unconfined", "seccomp:unconfined" (old syntax) */
    size_t n = strlen(what);
    return s && strncmp(s, what, n) == 0 && (s[n] == '=' || s[n] == ':') &&
           strcmp(s + n + 1, "unconfined") == 0;
}

static int
volume_exists(const dof_store *rt, const char *name)
{
    for (size_t i = 0; i < rt->nvolumes; i++)
        if (rt->volumes[i].name && strcmp(rt->volumes[i].name, name) == 0)
            return 1;
    return 0;
}

static int
container(dof_ing *ing, size_t r, const dof_store *rt, const dof_container *c)
{
    fctx f = {ing,
              rt,
              ing_container_key(ing, r, c),
              0,
              c->id,
              c->image_id,
              c->config_path,
              c->config_ino,
              0};
    const char *n = c->name ? c->name : "";
    const dof_image *img = ing_container_image(rt, c);
    int rc = DOF_OK;

    if (img)
        f.ikey = ing_image_key(ing, r, img);
    if (c->privileged && (rc = finding(&f, "high", "privileged",
                                       "container %s runs "
                                       "privileged",
                                       n)) != DOF_OK)
        return rc;
    for (size_t i = 0; i < c->nmounts; i++) {
        const dof_mount *m = &c->mounts[i];
        const char *s = m->source ? m->source : "";
        size_t sl = strlen(s);
        if (sl >= 11 && strcmp(s + sl - 11, "docker.sock") == 0 &&
            (rc = finding(&f, "high", "docker_sock_mount",
                          "container %s mounts the Docker socket %s at %s", n,
                          s, m->destination ? m->destination : "")) != DOF_OK)
            return rc;
        if (m->type && strcmp(m->type, "volume") == 0 && m->name &&
            !volume_exists(rt, m->name) &&
            (rc = finding(&f, "low", "volume_missing",
                          "container %s references volume %s, which is "
                          "not on the evidence",
                          n, m->name)) != DOF_OK)
            return rc;
    }
    {
        const struct {
            const char *mode, *what;
        } ns[] = {{c->pid_mode, "PID"},
                  {c->network_mode, "network"},
                  {c->ipc_mode, "IPC"},
                  {c->uts_mode, "UTS"}};
        for (size_t i = 0; i < 4; i++)
            if (is_host(ns[i].mode) &&
                (rc = finding(&f, "medium", "host_namespace",
                              "container %s shares the host's %s namespace", n,
                              ns[i].what)) != DOF_OK)
                return rc;
    }
    for (size_t i = 0; i < c->ncap_add; i++) {
        const char *cap = c->cap_add[i] ? c->cap_add[i] : "";
        int hi = strcmp(cap, "ALL") == 0 || strcmp(cap, "SYS_ADMIN") == 0 ||
                 strcmp(cap, "CAP_SYS_ADMIN") == 0;
        if ((rc = finding(&f, hi ? "high" : "medium", "cap_add",
                          "container %s adds capability %s", n, cap)) !=
            DOF_OK)
            return rc;
    }
    for (size_t i = 0; i < c->nsecurity_opt; i++) {
        const char *so = c->security_opt[i];
        if ((has_unconfined(so, "seccomp") ||
             has_unconfined(so, "apparmor")) &&
            (rc = finding(&f, "medium", "unconfined",
                          "container %s runs with security-opt %s", n, so)) !=
                DOF_OK)
            return rc;
    }
    if (c->image_id && img == NULL &&
        (rc = finding(&f, "low", "image_missing",
                      "container %s uses image %s, which is not on the "
                      "evidence",
                      n, c->image_id)) != DOF_OK)
        return rc;
    if ((c->state == DOF_STATE_RUNNING || c->state == DOF_STATE_PAUSED ||
         c->state == DOF_STATE_RESTARTING) &&
        (rc = finding(&f, "info", "running_at_acquisition",
                      "container %s was %s when the image was taken", n,
                      dof_state_name(c->state))) != DOF_OK)
        return rc;
    return DOF_OK;
}

static int
run(dof_ing *ing)
{
    int rc;
    for (size_t i = 0; i < dof_host_info_count(ing->host); i++) {
        const dof_hostinfo *h = dof_host_info(ing->host, i);
        fctx f = {ing, NULL, 0, 0, NULL, NULL, h->daemon_json_path, 0, 0};
        f.voff = h->volume_offset_bytes;
        for (size_t j = 0; j < h->napi_tcp; j++)
            if ((rc = finding(&f, "high", "api_tcp",
                              "Docker daemon API exposed on TCP: %s",
                              h->api_tcp[j])) != DOF_OK)
                return rc;
    }
    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        for (size_t i = 0; i < rt->ncontainers; i++)
            if ((rc = container(ing, r, rt, &rt->containers[i])) != DOF_OK)
                return rc;
        for (size_t i = 0; i < rt->nimages; i++) {
            const dof_image *img = &rt->images[i];
            fctx f = {ing,
                      rt,
                      0,
                      ing_image_key(ing, r, img),
                      NULL,
                      img->id,
                      img->config_path,
                      0,
                      0};
            if (img->intermediate)
                continue; /* a build step kept as an image: expected */
            if (img->ntags == 0 &&
                (rc = finding(&f, "info", "untagged_image",
                              "image %s has no tag",
                              img->id ? img->id : "")) != DOF_OK)
                return rc;
            if (img->ncontainers == 0 &&
                (rc = finding(&f, "info", "image_unused",
                              "image %s is used by no container",
                              img->ntags ? img->tags[0] : img->id)) != DOF_OK)
                return rc;
        }
    }
    return ing_exec_eid(ing, SQL_EXEC);
}

const dof_ingest_module dof_mod_findings = {
    "findings", "findings",
    "privileged, docker.sock, host namespaces, capabilities, unconfined, "
    "API on TCP, untagged/unused images, missing image/volume, executables "
    "added, running at acquisition",
    "containers,images", run};
