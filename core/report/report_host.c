/*
 * report_host.c - status (evidence, volumes, data roots, host side),
 * list-volumes and list-networks.
 */
#include "report/report_private.h"

#include <stdlib.h>

/* States come from the engine's records, not from a running host. */
#define STATES_NOTE                                                           \
    "states are the engine's last record: a container recorded as running "   \
    "was running when the disk was acquired live, or the host stopped "       \
    "without stopping it (power cut, crash, killed engine)"
#define RECOVERY_NOTE                                                         \
    "journal (ext4) or log (XFS) needs recovery: dof does not replay it; "    \
    "the on-disk state may be older than what the host saw"

static int
is_running(dof_state s)
{
    return s == DOF_STATE_RUNNING || s == DOF_STATE_PAUSED ||
           s == DOF_STATE_RESTARTING;
}

static size_t
untagged(const dof_store *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nimages; i++)
        n += r->images[i].ntags == 0 && !r->images[i].intermediate;
    return n;
}

static size_t
intermediate(const dof_store *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nimages; i++)
        n += r->images[i].intermediate != 0;
    return n;
}

/* status.evidence.volumes[].lvm: an LVM2 logical volume, or null. */
static json_object *
lvm_json(const dof_lvm_volume *l)
{
    json_object *o, *a, *seqs;

    if (l == NULL || (o = json_object_new_object()) == NULL)
        return NULL;
    json_object_object_add(o, "vg", dof_rj_str(l->vg));
    json_object_object_add(o, "vg_id", dof_rj_str(l->vg_id));
    json_object_object_add(o, "lv", dof_rj_str(l->lv));
    json_object_object_add(o, "lv_id", dof_rj_str(l->lv_id));
    json_object_object_add(o, "type", dof_rj_str(l->type));
    json_object_object_add(o, "readable",
                           json_object_new_boolean(l->readable));
    json_object_object_add(o, "extent_size_bytes",
                           dof_rj_u64(l->extent_size_bytes));
    json_object_object_add(o, "metadata_seqno", dof_rj_u64(l->seqno));
    seqs = json_object_new_array();
    for (size_t i = 0; seqs && i < l->nolder_seqnos; i++)
        json_object_array_add(seqs, dof_rj_u64(l->older_seqnos[i]));
    json_object_object_add(o, "older_metadata_seqnos", seqs);
    a = json_object_new_array();
    for (size_t i = 0; a && i < l->nsegments; i++) {
        const dof_lvm_segment *g = &l->segments[i];
        json_object *s = json_object_new_object();
        if (s == NULL)
            break;
        json_object_object_add(s, "start_extent", dof_rj_u64(g->start_extent));
        json_object_object_add(s, "extent_count", dof_rj_u64(g->extent_count));
        json_object_object_add(s, "type", dof_rj_str(g->type));
        json_object_object_add(s, "stripes", dof_rj_u64(g->stripes));
        json_object_object_add(s, "pv", dof_rj_str(g->pv));
        json_object_object_add(s, "pv_address", dof_rj_str(g->pv_address));
        json_object_object_add(s, "pv_start_extent",
                               dof_rj_u64(g->pv_start_extent));
        json_object_object_add(s, "offset_bytes", dof_rj_u64(g->offset_bytes));
        json_object_array_add(a, s);
    }
    json_object_object_add(o, "segments", a);
    return o;
}

static json_object *
volume_json(const dof_partition *v)
{
    json_object *o = json_object_new_object();

    if (o == NULL)
        return NULL;
    json_object_object_add(o, "index", json_object_new_int64(v->index));
    json_object_object_add(o, "address", dof_rj_str(v->address));
    json_object_object_add(o, "offset_bytes", dof_rj_u64(v->offset_bytes));
    json_object_object_add(o, "length_bytes", dof_rj_u64(v->length_bytes));
    json_object_object_add(o, "description", dof_rj_str(v->desc));
    json_object_object_add(o, "signature", dof_rj_str(v->signature));
    json_object_object_add(o, "filesystem",
                           v->fs ? dof_rj_str(dof_fs_type_name(v->fs)) : NULL);
    json_object_object_add(o, "note", dof_rj_str(v->note));
    json_object_object_add(o, "lvm", lvm_json(v->lvm));
    return o;
}

static json_object *
root_json(const dof_store *r)
{
    json_object *o = json_object_new_object(), *c, *bs, *im;
    static const dof_state states[] = {
        DOF_STATE_CREATED,    DOF_STATE_RUNNING,  DOF_STATE_PAUSED,
        DOF_STATE_RESTARTING, DOF_STATE_REMOVING, DOF_STATE_EXITED,
        DOF_STATE_DEAD,       DOF_STATE_STOPPED,  DOF_STATE_UNKNOWN};
    size_t running = 0;

    if (o == NULL)
        return NULL;
#define ADD(k, v) json_object_object_add(o, k, v)
    ADD("engine", dof_rj_str(r->engine));
    ADD("volume", dof_rj_str(r->volume));
    ADD("volume_index", json_object_new_int64(r->volume_index));
    ADD("volume_offset_bytes", dof_rj_u64(r->volume_offset_bytes));
    ADD("path", dof_rj_str(r->path));
    ADD("found_by", dof_rj_str(r->found_by));
    ADD("rootless_user", dof_rj_str(r->rootless_user));
    ADD("host_path", dof_rj_str(r->host_path));
    ADD("engine_version", dof_rj_str(r->engine_version));
    ADD("engine_version_source", dof_rj_str(r->engine_version_source));
    ADD("engine_id", dof_rj_str(r->docker.engine_id));
    ADD("storage_driver", dof_rj_str(r->driver));
    ADD("swarm_member", json_object_new_boolean(r->docker.swarm_member));
    ADD("swarm_node_id", dof_rj_str(r->docker.swarm_node_id));
    ADD("swarm_addr", dof_rj_str(r->docker.swarm_addr));
    c = json_object_new_object();
    bs = json_object_new_object();
    for (size_t i = 0; i < r->ncontainers; i++)
        running += is_running(r->containers[i].state);
    for (size_t s = 0; bs && s < sizeof(states) / sizeof(states[0]); s++) {
        size_t k = 0;
        for (size_t i = 0; i < r->ncontainers; i++)
            k += r->containers[i].state == states[s];
        if (k)
            json_object_object_add(bs, dof_state_name(states[s]),
                                   json_object_new_int64((int64_t)k));
    }
    if (c != NULL) {
        json_object_object_add(c, "total",
                               json_object_new_int64((int64_t)r->ncontainers));
        json_object_object_add(c, "running",
                               json_object_new_int64((int64_t)running));
        json_object_object_add(c, "by_state", bs);
        json_object_object_add(c, "states_note",
                               json_object_new_string(STATES_NOTE));
    }
    else {
        json_object_put(bs);
    }
    ADD("containers", c);
    im = json_object_new_object();
    if (im != NULL) {
        json_object_object_add(im, "total",
                               json_object_new_int64((int64_t)r->nimages));
        json_object_object_add(im, "untagged",
                               json_object_new_int64((int64_t)untagged(r)));
        json_object_object_add(
            im, "intermediate",
            json_object_new_int64((int64_t)intermediate(r)));
    }
    ADD("images", im);
    ADD("volumes", json_object_new_int64((int64_t)r->nvolumes));
    ADD("networks", json_object_new_int64((int64_t)r->nnetworks));
    ADD("journal_needs_recovery",
        json_object_new_boolean(r->journal_needs_recovery));
    ADD("journal_note", r->journal_needs_recovery
                            ? json_object_new_string(RECOVERY_NOTE)
                            : NULL);
    ADD("other_stores",
        dof_rj_strv(r->docker.other_stores, r->docker.nother_stores));
#undef ADD
    return o;
}

/* A Docker data root dof read (status.data_roots[]). */
static int
is_data_root(const dof_store *s)
{
    return s->read && s->engine && strcmp(s->engine, "docker") == 0;
}

/* status.stores[]: every store found, read or not; the counts of one not
 * read are null (unknown), never 0. */
static json_object *
store_json(const dof_store *s)
{
    json_object *o = json_object_new_object();

    if (o == NULL)
        return NULL;
#define ADD(k, v) json_object_object_add(o, k, v)
    ADD("engine", dof_rj_str(s->engine));
    ADD("path", dof_rj_str(s->path));
    ADD("volume", dof_rj_str(s->volume));
    ADD("volume_offset_bytes", dof_rj_u64(s->volume_offset_bytes));
    ADD("found_by", dof_rj_str(s->found_by));
    ADD("engine_version", dof_rj_str(s->engine_version));
    ADD("read", json_object_new_boolean(s->read));
    ADD("reason", dof_rj_str(s->reason));
    ADD("rootless_user", dof_rj_str(s->rootless_user));
    ADD("containers",
        s->read ? json_object_new_int64((int64_t)s->ncontainers) : NULL);
    ADD("images", s->read ? json_object_new_int64((int64_t)s->nimages) : NULL);
#undef ADD
    return o;
}

static json_object *
hostinfo_json(const dof_hostinfo *h)
{
    json_object *o = json_object_new_object();

    if (o == NULL)
        return NULL;
#define ADD(k, v) json_object_object_add(o, k, v)
    ADD("volume_index", json_object_new_int64(h->volume_index));
    ADD("volume_offset_bytes", dof_rj_u64(h->volume_offset_bytes));
    ADD("daemon_json_path", dof_rj_str(h->daemon_json_path));
    ADD("data_root_setting", dof_rj_str(h->data_root_setting));
    ADD("storage_driver_setting", dof_rj_str(h->storage_driver_setting));
    ADD("log_driver_setting", dof_rj_str(h->log_driver_setting));
    ADD("insecure_registries",
        dof_rj_strv(h->insecure_registries, h->ninsecure_registries));
    ADD("api_tcp", dof_rj_strv(h->api_tcp, h->napi_tcp));
    ADD("docker_group", dof_rj_strv(h->docker_group, h->ndocker_group));
    ADD("credentials", dof_rj_strv(h->credentials, h->ncredentials));
    ADD("shell_histories", dof_rj_strv(h->histories, h->nhistories));
#undef ADD
    return o;
}

static void
text_list(FILE *f, const char *label, const char *const *v, size_t n)
{
    fprintf(f, "  %s:", label);
    if (n == 0)
        fputs(" none", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : " ", f);
        dof_rt_put(f, v[i]);
    }
    fputc('\n', f);
}

static void
status_text(FILE *f, const dof_evidence *ev, const dof_host *host,
            size_t nwarn)
{
    size_t nroots = host ? dof_host_store_count(host) : 0;
    size_t ninfo = host ? dof_host_info_count(host) : 0;
    size_t ndocker = 0;

    fputs("Evidence: ", f);
    dof_rt_put(f, dof_evidence_path(ev));
    fputs("\n  format: ", f);
    dof_rt_put(f, dof_evidence_format(ev));
    fprintf(f, "\n  size: %llu bytes\n  volume system: ",
            (unsigned long long)dof_evidence_size(ev));
    dof_rt_put(f, dof_evidence_vs_type(ev));
    fputc('\n', f);
    dof_rt_qcow2(f, ev);
    if (dof_evidence_stored_md5(ev)) {
        fputs("  stored MD5: ", f);
        dof_rt_put(f, dof_evidence_stored_md5(ev));
        fputc('\n', f);
    }
    if (dof_evidence_stored_sha1(ev)) {
        fputs("  stored SHA1: ", f);
        dof_rt_put(f, dof_evidence_stored_sha1(ev));
        fputc('\n', f);
    }
    for (size_t i = 0; i < dof_evidence_partition_count(ev); i++) {
        const dof_partition *v = dof_evidence_partition(ev, i);
        if (v == NULL)
            continue;
        fputs("Volume ", f);
        dof_rt_put(f, v->address);
        fprintf(f, " at byte offset %llu (%llu bytes): ",
                (unsigned long long)v->offset_bytes,
                (unsigned long long)v->length_bytes);
        dof_rt_put(f, v->signature);
        if (v->desc && *v->desc) {
            fputs(" \"", f);
            dof_rt_put(f, v->desc);
            fputc('"', f);
        }
        if (v->note) {
            fputs(": ", f);
            dof_rt_put(f, v->note);
        }
        fputc('\n', f);
        if (v->lvm) {
            fputs("  LVM2: VG ", f);
            dof_rt_put(f, v->lvm->vg);
            fputs(", LV ", f);
            dof_rt_put(f, v->lvm->lv);
            fputs(", ", f);
            dof_rt_put(f, v->lvm->type);
            fprintf(f, ", %llu bytes in %zu segment%s, metadata seqno %llu",
                    (unsigned long long)v->length_bytes, v->lvm->nsegments,
                    v->lvm->nsegments == 1 ? "" : "s",
                    (unsigned long long)v->lvm->seqno);
            if (v->lvm->nolder_seqnos > 0)
                fprintf(f, " (%zu older in the metadata area, newest %llu)",
                        v->lvm->nolder_seqnos,
                        (unsigned long long)v->lvm->older_seqnos[0]);
            fputc('\n', f);
        }
    }
    for (size_t r = 0; r < nroots; r++) {
        const dof_store *rt = dof_host_store(host, r);
        size_t running = 0;
        if (!is_data_root(rt)) {
            fputs(rt->engine, f);
            fputs(" store ", f);
            dof_rt_put(f, rt->path);
            fputs(" on volume ", f);
            dof_rt_put(f, rt->volume);
            fprintf(f, " at byte offset %llu\n  found by: ",
                    (unsigned long long)rt->volume_offset_bytes);
            dof_rt_put(f, rt->found_by);
            if (rt->rootless_user) {
                fputs("\n  rootless, user ", f);
                dof_rt_put(f, rt->rootless_user);
            }
            fputs("\n  NOT READ: ", f);
            dof_rt_put(f, rt->reason);
            fputs("; its containers and images are not listed\n", f);
            continue;
        }
        ndocker++;
        fputs("Docker data root ", f);
        dof_rt_put(f, rt->path);
        fputs(" on volume ", f);
        dof_rt_put(f, rt->volume);
        fprintf(f, " (index %u) at byte offset %llu\n", rt->volume_index,
                (unsigned long long)rt->volume_offset_bytes);
        fputs("  found by: ", f);
        dof_rt_put(f, rt->found_by);
        if (rt->host_path && strcmp(rt->host_path, rt->path) != 0) {
            fputs("\n  path on the running host: ", f);
            dof_rt_put(f, rt->host_path);
        }
        fputs("\n  engine version: ", f);
        dof_rt_put(f, rt->engine_version ? rt->engine_version : "unknown");
        if (rt->engine_version_source) {
            fputs(" (from the ", f);
            dof_rt_put(f, rt->engine_version_source);
            fputc(')', f);
        }
        if (rt->docker.engine_id) {
            fputs("\n  engine id: ", f);
            dof_rt_put(f, rt->docker.engine_id);
        }
        fputs("\n  storage driver: ", f);
        dof_rt_put(f, rt->driver);
        fputs("\n  swarm: ", f);
        if (rt->docker.swarm_member) {
            fputs("member, node ", f);
            dof_rt_put(f, rt->docker.swarm_node_id);
            fputs(", address ", f);
            dof_rt_put(f, rt->docker.swarm_addr);
        }
        else {
            fputs("not a member", f);
        }
        for (size_t i = 0; i < rt->ncontainers; i++)
            running += is_running(rt->containers[i].state);
        fprintf(f,
                "\n  containers: %zu (%zu up: running, paused or "
                "restarting)",
                rt->ncontainers, running);
        for (int s = DOF_STATE_UNKNOWN; s <= DOF_STATE_STOPPED; s++) {
            size_t k = 0;
            for (size_t i = 0; i < rt->ncontainers; i++)
                k += (int)rt->containers[i].state == s;
            if (k)
                fprintf(f, ", %zu %s", k, dof_state_name((dof_state)s));
        }
        if (running)
            fprintf(f, "\n  note: %zu recorded as running; %s", running,
                    STATES_NOTE);
        fprintf(f, "\n  images: %zu (%zu untagged, %zu intermediate)\n",
                rt->nimages, untagged(rt), intermediate(rt));
        fprintf(f, "  volumes: %zu\n  networks: %zu\n", rt->nvolumes,
                rt->nnetworks);
        if (rt->journal_needs_recovery)
            fprintf(f, "  %s\n", RECOVERY_NOTE);
        text_list(f, "other stores not read yet", rt->docker.other_stores,
                  rt->docker.nother_stores);
    }
    for (size_t i = 0; i < ninfo; i++) {
        const dof_hostinfo *h = dof_host_info(host, i);
        fprintf(f, "Host side on volume %u at byte offset %llu\n",
                h->volume_index, (unsigned long long)h->volume_offset_bytes);
        fputs("  daemon.json: ", f);
        dof_rt_put(f, h->daemon_json_path ? h->daemon_json_path : "none");
        fputc('\n', f);
        if (h->data_root_setting) {
            fputs("  data-root: ", f);
            dof_rt_put(f, h->data_root_setting);
            fputc('\n', f);
        }
        if (h->storage_driver_setting) {
            fputs("  storage-driver: ", f);
            dof_rt_put(f, h->storage_driver_setting);
            fputc('\n', f);
        }
        if (h->log_driver_setting) {
            fputs("  log-driver: ", f);
            dof_rt_put(f, h->log_driver_setting);
            fputc('\n', f);
        }
        text_list(f, "insecure registries", h->insecure_registries,
                  h->ninsecure_registries);
        text_list(f, "exposed TCP API", h->api_tcp, h->napi_tcp);
        text_list(f, "docker group members", h->docker_group,
                  h->ndocker_group);
        text_list(f, "stored registry credentials", h->credentials,
                  h->ncredentials);
        text_list(f, "shell histories with docker commands", h->histories,
                  h->nhistories);
    }
    if (ndocker == 0)
        fputs("No Docker data root found.\n", f);
    fprintf(f, "Warnings: %zu\n", nwarn);
}

int
dof_report_status(dof_ctx *ctx, const dof_report_opts *o,
                  const dof_evidence *ev, const dof_host *host)
{
    json_object *s, *e, *a;
    size_t nroots = host ? dof_host_store_count(host) : 0;
    size_t ninfo = host ? dof_host_info_count(host) : 0;

    if (ev == NULL)
        return dof_set_error(ctx, DOF_ERR_ARG, "no evidence");
    if (!o->json) {
        status_text(o->out, ev, host, dof_warning_count(ctx));
        return dof_rt_finish(ctx, o->out);
    }
    s = json_object_new_object();
    e = json_object_new_object();
    if (s == NULL || e == NULL) {
        json_object_put(s);
        json_object_put(e);
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    }
    json_object_object_add(e, "path", dof_rj_str(dof_evidence_path(ev)));
    json_object_object_add(e, "format", dof_rj_str(dof_evidence_format(ev)));
    json_object_object_add(e, "size_bytes", dof_rj_u64(dof_evidence_size(ev)));
    json_object_object_add(e, "volume_system",
                           dof_rj_str(dof_evidence_vs_type(ev)));
    if (dof_evidence_qcow2(ev) != NULL)
        json_object_object_add(e, "qcow2", dof_rj_qcow2(ev));
    a = json_object_new_array();
    for (size_t i = 0; a && i < dof_evidence_partition_count(ev); i++) {
        const dof_partition *v = dof_evidence_partition(ev, i);
        if (v != NULL)
            json_object_array_add(a, volume_json(v));
    }
    json_object_object_add(e, "volumes", a);
    json_object_object_add(s, "evidence", e);
    a = json_object_new_array();
    for (size_t r = 0; a && r < nroots; r++)
        if (is_data_root(dof_host_store(host, r)))
            json_object_array_add(a, root_json(dof_host_store(host, r)));
    json_object_object_add(s, "data_roots", a);
    a = json_object_new_array();
    for (size_t r = 0; a && r < nroots; r++)
        json_object_array_add(a, store_json(dof_host_store(host, r)));
    json_object_object_add(s, "stores", a);
    a = json_object_new_array();
    for (size_t i = 0; a && i < ninfo; i++)
        json_object_array_add(a, hostinfo_json(dof_host_info(host, i)));
    json_object_object_add(s, "host", a);
    json_object_object_add(
        s, "warnings_count",
        json_object_new_int64((int64_t)dof_warning_count(ctx)));
    return dof_rj_envelope_write(ctx, o, "status", s);
}

/* ---- volumes ---- */

json_object *
dof_report_volume_json(const dof_docker_volume *v)
{
    return dof_rw_json(dof_volume_fields, v);
}

/* Every record of one kind over the host's stores, streamed. */
static int
records_write(dof_ctx *ctx, const dof_report_opts *o, const dof_host *host,
              const char *key, const dof_field *t, int networks)
{
    size_t nroots = dof_host_store_count(host), total = 0, n = 0;
    const void **v;
    int rc;

    for (size_t r = 0; r < nroots; r++) {
        const dof_store *rt = dof_host_store(host, r);
        total += networks ? rt->nnetworks : rt->nvolumes;
    }
    v = calloc(total ? total : 1, sizeof(*v));
    if (v == NULL)
        return dof_set_error(ctx, DOF_ERR_NOMEM, "out of memory");
    for (size_t r = 0; r < nroots; r++) {
        const dof_store *rt = dof_host_store(host, r);
        if (networks)
            for (size_t i = 0; i < rt->nnetworks; i++)
                v[n++] = &rt->networks[i];
        else
            for (size_t i = 0; i < rt->nvolumes; i++)
                v[n++] = &rt->volumes[i];
    }
    rc = dof_rw_records(ctx, o, key, t, v, n, NULL);
    free(v);
    return rc;
}

int
dof_report_volumes(dof_ctx *ctx, const dof_report_opts *o,
                   const dof_host *host)
{
    FILE *f = o->out;
    size_t nroots = dof_host_store_count(host);

    if (o->json)
        return records_write(ctx, o, host, "volumes", dof_volume_fields, 0);
    fprintf(f, "%-10s  %-64s  %-23s  %s\n", "DRIVER", "VOLUME NAME", "CREATED",
            "CONTAINERS");
    for (size_t r = 0; r < nroots; r++) {
        const dof_store *rt = dof_host_store(host, r);
        for (size_t i = 0; i < rt->nvolumes; i++) {
            const dof_docker_volume *v = &rt->volumes[i];
            char t[40];
            char *d = dof_rt_enc(v->driver ? v->driver : "-");
            char *nm = dof_rt_enc(v->name);
            fprintf(f, "%-10s  %-64s  %-23s  ", d ? d : "?", nm ? nm : "?",
                    dof_rt_time(v->created, t, sizeof(t)));
            free(d);
            free(nm);
            for (size_t k = 0; k < v->ncontainers; k++) {
                if (k)
                    fputs(",", f);
                dof_rt_put(f, v->containers[k]);
            }
            if (v->ncontainers == 0)
                fputc('-', f);
            if (!v->in_metadata)
                fputs("  (not in metadata.db)", f);
            if (v->data_path == NULL)
                fputs("  (no _data)", f);
            fputc('\n', f);
        }
    }
    return dof_rt_finish(ctx, f);
}

/* ---- networks ---- */

json_object *
dof_report_network_json(const dof_network *n)
{
    return dof_rw_json(dof_network_fields, n);
}

int
dof_report_networks(dof_ctx *ctx, const dof_report_opts *o,
                    const dof_host *host)
{
    FILE *f = o->out;
    size_t nroots = dof_host_store_count(host);

    if (o->json)
        return records_write(ctx, o, host, "networks", dof_network_fields, 1);
    fprintf(f, "%-12s  %-20s  %-10s  %-6s  %-23s  %s\n", "NETWORK ID", "NAME",
            "DRIVER", "SCOPE", "CREATED", "SUBNETS");
    for (size_t r = 0; r < nroots; r++) {
        const dof_store *rt = dof_host_store(host, r);
        for (size_t i = 0; i < rt->nnetworks; i++) {
            const dof_network *n = &rt->networks[i];
            char t[40], idb[13];
            char *nm = dof_rt_enc(n->name);
            char *d = dof_rt_enc(n->driver ? n->driver : "-");
            char *sc = dof_rt_enc(n->scope ? n->scope : "-");
            fprintf(f, "%-12s  %-20s  %-10s  %-6s  %-23s  ",
                    dof_rt_short_id(n->id, idb), nm ? nm : "?", d ? d : "?",
                    sc ? sc : "?", dof_rt_time(n->created, t, sizeof(t)));
            free(nm);
            free(d);
            free(sc);
            for (size_t k = 0; k < n->nsubnets; k++) {
                if (k)
                    fputs(",", f);
                dof_rt_put(f, n->subnets[k]);
            }
            if (n->nsubnets == 0)
                fputc('-', f);
            fputc('\n', f);
        }
    }
    return dof_rt_finish(ctx, f);
}
