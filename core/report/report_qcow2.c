/*
 * report_qcow2.c - the qcow2 part of `status`: version, cluster counts
 * (compressed ones), the backing chain and the internal snapshots, in
 * text and in status.evidence.qcow2 of the JSON document.
 */
#include "report/report_private.h"

void
dof_rt_qcow2(FILE *f, const dof_evidence *ev)
{
    const dof_qcow2_info *q = dof_evidence_qcow2(ev);
    char t[64];

    if (q == NULL)
        return;
    fprintf(f,
            "  qcow2: version %u, %llu-byte clusters, virtual size %llu "
            "bytes%s%s%s\n",
            q->version, (unsigned long long)q->cluster_size,
            (unsigned long long)q->virtual_size, q->dirty ? ", dirty" : "",
            q->corrupt ? ", marked corrupt" : "",
            q->extended_l2 ? ", extended L2 (subclusters)" : "");
    if (q->counted)
        fprintf(f,
                "  clusters: %llu allocated, %llu compressed, %llu zero, "
                "%llu unallocated\n",
                (unsigned long long)q->clusters_allocated,
                (unsigned long long)q->clusters_compressed,
                (unsigned long long)q->clusters_zero,
                (unsigned long long)q->clusters_unallocated);
    for (size_t i = 0; i < q->nbacking; i++) {
        fputs("  backing file: ", f);
        dof_rt_put(f, q->backing[i].path);
        fprintf(f, " (%s, named ", q->backing[i].format);
        dof_rt_put(f, q->backing[i].name);
        fputs(")\n", f);
    }
    fputs("  state read: ", f);
    if (q->snapshot) {
        fputs("snapshot ", f);
        dof_rt_put(f, q->snapshot);
        fputc('\n', f);
    }
    else {
        fputs("current (not a snapshot)\n", f);
    }
    fprintf(f, "  snapshots: %zu\n", q->nsnapshots);
    for (size_t i = 0; i < q->nsnapshots; i++) {
        const dof_qcow2_snapshot *s = &q->snapshots[i];
        fputs("    id ", f);
        dof_rt_put(f, s->id);
        fputs(" \"", f);
        dof_rt_put(f, s->name);
        fprintf(f, "\" %s, VM state %llu bytes\n",
                dof_rt_time(s->date, t, sizeof(t)),
                (unsigned long long)s->vm_state_size);
    }
}

json_object *
dof_rj_qcow2(const dof_evidence *ev)
{
    const dof_qcow2_info *q = dof_evidence_qcow2(ev);
    json_object *o, *a;

    if (q == NULL || (o = json_object_new_object()) == NULL)
        return NULL;
    json_object_object_add(o, "version", json_object_new_int(q->version));
    json_object_object_add(o, "cluster_size", dof_rj_u64(q->cluster_size));
    json_object_object_add(o, "virtual_size", dof_rj_u64(q->virtual_size));
    json_object_object_add(o, "dirty", json_object_new_boolean(q->dirty));
    json_object_object_add(o, "corrupt", json_object_new_boolean(q->corrupt));
    json_object_object_add(o, "extended_l2",
                           json_object_new_boolean(q->extended_l2));
    json_object_object_add(o, "snapshot_read",
                           dof_rj_str_or_null(q->snapshot));
    if (q->counted) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "allocated",
                               dof_rj_u64(q->clusters_allocated));
        json_object_object_add(c, "compressed",
                               dof_rj_u64(q->clusters_compressed));
        json_object_object_add(c, "zero", dof_rj_u64(q->clusters_zero));
        json_object_object_add(c, "unallocated",
                               dof_rj_u64(q->clusters_unallocated));
        json_object_object_add(o, "clusters", c);
        json_object_object_add(
            o, "compressed",
            json_object_new_boolean(q->clusters_compressed != 0));
    }
    else {
        json_object_object_add(o, "clusters", NULL);
        json_object_object_add(o, "compressed", NULL);
    }
    a = json_object_new_array();
    for (size_t i = 0; a && i < q->nbacking; i++) {
        json_object *b = json_object_new_object();
        json_object_object_add(b, "name", dof_rj_str(q->backing[i].name));
        json_object_object_add(b, "path", dof_rj_str(q->backing[i].path));
        json_object_object_add(b, "format", dof_rj_str(q->backing[i].format));
        json_object_array_add(a, b);
    }
    json_object_object_add(o, "backing", a);
    a = json_object_new_array();
    for (size_t i = 0; a && i < q->nsnapshots; i++) {
        const dof_qcow2_snapshot *s = &q->snapshots[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "id", dof_rj_str(s->id));
        json_object_object_add(j, "name", dof_rj_str(s->name));
        json_object_object_add(j, "date", dof_rj_time(s->date));
        json_object_object_add(j, "vm_state_size",
                               dof_rj_u64(s->vm_state_size));
        json_object_object_add(j, "vm_clock_ns", dof_rj_u64(s->vm_clock_ns));
        json_object_object_add(j, "disk_size",
                               s->disk_size ? dof_rj_u64(s->disk_size) : NULL);
        json_object_array_add(a, j);
    }
    json_object_object_add(o, "snapshots", a);
    return o;
}
