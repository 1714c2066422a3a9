/*
 * mod_timeline.c - ingest module "timeline": container created / started
 * / finished, image created / last tagged, history steps, volume and
 * network creation, and the MACB times of the files of each container's
 * writable layer (from layer_files, when the layers module ran).
 */
#include "plugin_private.h"

static const char SQL_EV[] =
    "INSERT INTO timeline_events (evidence_id, time, time_text, kind, "
    "container_key, image_key, object_id, description, "
    "volume_offset_bytes, inode, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11)";

/* File MACB of container layers.  ?1 evidence; the kind and the column
 * are fixed per statement. */
#define MACB_SQL(KIND, COL, WHAT)                                             \
    "INSERT INTO timeline_events (evidence_id, time, time_text, kind, "       \
    "container_key, layer_key, object_id, description, "                      \
    "volume_offset_bytes, inode, path) SELECT f.evidence_id, f." COL ", "     \
    "strftime('%Y-%m-%dT%H:%M:%S', f." COL " / 1000000000, 'unixepoch') || "  \
    "printf('.%09dZ', f." COL " % 1000000000), '" KIND "', "                  \
    "cl.container_key, f.layer_key, c.id, '" WHAT " in the writable layer "   \
    "of ' || c.name, f.volume_offset_bytes, f.inode, f.path "                 \
    "FROM layer_files f JOIN container_layers cl ON cl.evidence_id = "        \
    "f.evidence_id AND cl.layer_key = f.layer_key AND cl.role = "             \
    "'container' JOIN containers c ON c.evidence_id = cl.evidence_id AND "    \
    "c.container_key = cl.container_key WHERE f.evidence_id = ?1 AND +f." COL \
    " IS NOT NULL AND +f." COL " >= 0" /* + : walk by layer, not by time */

static const char *const macb[] = {
    MACB_SQL("file_m", "mtime", "modified"),
    MACB_SQL("file_a", "atime", "accessed"),
    MACB_SQL("file_c", "ctime", "inode changed"),
    MACB_SQL("file_b", "crtime", "born"),
};

static int
event(dof_ing *ing, int64_t t, const char *raw, const char *kind, int64_t ckey,
      int64_t ikey, const char *id, const char *desc, uint64_t voff,
      uint64_t ino, const char *path)
{
    sqlite3_stmt *st;
    char buf[40];
    if (t == DOF_TIME_NONE)
        return DOF_OK;
    if ((st = ing_stmt(ing, SQL_EV)) == NULL)
        return DOF_ERR_DB;
    ing_bind_i64(st, 1, ing->eid);
    ing_bind_i64(st, 2, t);
    if (raw == NULL) {
        dof_time_format(t, buf, sizeof(buf));
        raw = buf;
    }
    ing_bind_text(st, 3, raw);
    ing_bind_text(st, 4, kind);
    if (ckey > 0)
        ing_bind_i64(st, 5, ckey);
    if (ikey > 0)
        ing_bind_i64(st, 6, ikey);
    ing_bind_text(st, 7, id);
    ing_bind_text(st, 8, desc);
    ing_bind_i64(st, 9, (int64_t)voff);
    if (ino)
        ing_bind_i64(st, 10, (int64_t)ino);
    ing_bind_text(st, 11, path);
    return ing_step(ing, st);
}

static int
run(dof_ing *ing)
{
    char desc[512];
    int rc;

    for (size_t r = 0; r < ing->nroots; r++) {
        const dof_store *rt = dof_host_store(ing->host, r);
        uint64_t vo = rt->volume_offset_bytes;
        for (size_t i = 0; i < rt->ncontainers; i++) {
            const dof_container *c = &rt->containers[i];
            int64_t k = ing_container_key(ing, r, c);
            const char *n = c->name ? c->name : "";
            snprintf(desc, sizeof(desc), "container %s created", n);
            if ((rc = event(ing, c->created, c->created_raw,
                            "container_created", k, 0, c->id, desc, vo,
                            c->config_ino, c->config_path)) != DOF_OK)
                return rc;
            snprintf(desc, sizeof(desc), "container %s started", n);
            if ((rc = event(ing, c->started_at, c->started_at_raw,
                            "container_started", k, 0, c->id, desc, vo,
                            c->config_ino, c->config_path)) != DOF_OK)
                return rc;
            snprintf(desc, sizeof(desc), "container %s finished (exit %d)", n,
                     c->exit_code);
            if ((rc = event(ing, c->finished_at, c->finished_at_raw,
                            "container_finished", k, 0, c->id, desc, vo,
                            c->config_ino, c->config_path)) != DOF_OK)
                return rc;
        }
        for (size_t i = 0; i < rt->nimages; i++) {
            const dof_image *img = &rt->images[i];
            int64_t k = ing_image_key(ing, r, img);
            const char *tag = img->ntags ? img->tags[0] : img->id;
            snprintf(desc, sizeof(desc), "image %s created", tag ? tag : "");
            if ((rc = event(ing, img->created, img->created_raw,
                            "image_created", 0, k, img->id, desc, vo, 0,
                            img->config_path)) != DOF_OK)
                return rc;
            snprintf(desc, sizeof(desc), "image %s last tagged",
                     tag ? tag : "");
            if ((rc = event(ing, img->last_updated, img->last_updated_raw,
                            "image_last_tagged", 0, k, img->id, desc, vo, 0,
                            NULL)) != DOF_OK)
                return rc;
            for (size_t j = 0; j < img->nhistory; j++) {
                const dof_history *h = &img->history[j];
                snprintf(desc, sizeof(desc), "image %s step %zu: %.400s",
                         tag ? tag : "", j,
                         h->created_by ? h->created_by : "");
                if ((rc = event(ing, h->created, h->created_raw,
                                "history_step", 0, k, img->id, desc, vo, 0,
                                img->config_path)) != DOF_OK)
                    return rc;
            }
        }
        for (size_t i = 0; i < rt->nvolumes; i++) {
            const dof_docker_volume *v = &rt->volumes[i];
            snprintf(desc, sizeof(desc), "volume %s created",
                     v->name ? v->name : "");
            if ((rc = event(ing, v->created, NULL, "volume_created", 0, 0,
                            v->name, desc, vo, 0, v->data_path)) != DOF_OK)
                return rc;
        }
        for (size_t i = 0; i < rt->nnetworks; i++) {
            const dof_network *n = &rt->networks[i];
            snprintf(desc, sizeof(desc), "network %s created",
                     n->name ? n->name : "");
            if ((rc = event(ing, n->created, n->created_raw, "network_created",
                            0, 0, n->id, desc, vo, 0, NULL)) != DOF_OK)
                return rc;
        }
    }
    for (size_t i = 0; i < sizeof(macb) / sizeof(macb[0]); i++)
        if ((rc = ing_exec_eid(ing, macb[i])) != DOF_OK)
            return rc;
    return DOF_OK;
}

const dof_ingest_module dof_mod_timeline = {
    "timeline", "timeline_events",
    "container, image, history, volume, network and file (MACB) events",
    "containers,images", run};
