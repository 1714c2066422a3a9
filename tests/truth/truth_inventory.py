#!/usr/bin/env python3
"""list-containers / list-images / show-image-history against the ground truth the
real Docker engine wrote (images/real/<variant>.truth/), on every committed
real-engine image, as raw, E01 (several segments) and VMDK."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
VARIANTS = corpus.variants()
if not VARIANTS:
    t.skip_all("no real-engine images with ground truth in images/real")


def ns(s):
    """RFC 3339 with up to 9 fraction digits -> int ns; None for Go's zero time."""
    if s is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?"
                     r"(Z|[+-]\d\d:\d\d)", s)
    assert m, s
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    if y <= 1:
        return None
    import calendar
    secs = calendar.timegm((y, mo, d, h, mi, se, 0, 0, 0))
    z = m.group(8)
    if z != "Z":
        off = int(z[1:3]) * 3600 + int(z[4:6]) * 60
        secs -= off if z[0] == "+" else -off
    frac = int((m.group(7) or "0")[:9].ljust(9, "0"))
    return secs * 10**9 + frac


def moby_state(st):
    """moby container/state.go StateString(), from a stored State object."""
    if st.get("Running"):
        if st.get("Paused"):
            return "paused"
        if st.get("Restarting"):
            return "restarting"
        return "running"
    if st.get("RemovalInProgress"):
        return "removing"
    if st.get("Dead"):
        return "dead"
    if ns(st.get("StartedAt")) is None:
        return "created"
    return "exited"


def check_containers(variant, fmt, doc):
    label = "%s/%s" % (variant, fmt)
    inspect = {c["Id"]: c for c in corpus.truth(variant, "containers.json")}
    after = {s["id"]: s for s in corpus.truth(variant, "states-after.json")}
    got = {c["id"]: c for c in doc["containers"]}
    t.eq(sorted(got), sorted(after),
         "%s: the container set equals the container dirs the engine left" % label)
    for cid, s in sorted(after.items()):
        c = got.get(cid)
        name = (s.get("name") or cid).lstrip("/")
        if c is None:
            continue
        st = s.get("State")
        if st is None:
            t.ok(c.get("damaged") is True, "%s %s: unparsable config marked damaged"
                 % (label, name))
            continue
        t.eq(c["state"], moby_state(st), "%s %s: state" % (label, name))
        t.eq(c["exit_code"], st.get("ExitCode", 0), "%s %s: exit code" % (label, name))
        t.eq(ns(c["started_at"]), ns(st.get("StartedAt")),
             "%s %s: started_at" % (label, name))
        t.eq(ns(c["finished_at"]), ns(st.get("FinishedAt")),
             "%s %s: finished_at" % (label, name))
        i = inspect.get(cid)
        if i is None:
            continue
        t.eq(c["name"], i["Name"].lstrip("/"), "%s %s: name" % (label, name))
        t.eq(c["image"], i["Config"]["Image"], "%s %s: image as typed" % (label, name))
        t.eq(c["image_id"], i["Image"], "%s %s: image id" % (label, name))
        t.eq(ns(c["created"]), ns(i["Created"]), "%s %s: created" % (label, name))
        t.eq(c["command"], [i["Path"]] + (i["Args"] or []),
             "%s %s: command" % (label, name))
        t.eq(c["log_driver"], i["HostConfig"]["LogConfig"]["Type"],
             "%s %s: log driver" % (label, name))
        t.eq(c.get("driver"), i["Driver"], "%s %s: storage driver" % (label, name))
        want_m = sorted((m["Type"], m["Source"], m["Destination"], bool(m["RW"]))
                        for m in i.get("Mounts") or [])
        got_m = sorted((m["type"], m["source"], m["destination"], bool(m["rw"]))
                       for m in c.get("mounts") or [])
        t.eq(got_m, want_m, "%s %s: mounts" % (label, name))
        want_p = sorted((cp, b.get("HostIp", ""), b.get("HostPort", ""))
                        for cp, bl in (i["HostConfig"].get("PortBindings") or {}).items()
                        for b in bl or [])
        got_p = sorted((p["container_port"], p.get("host_ip") or "", p.get("host_port") or "")
                       for p in c.get("port_bindings") or [])
        t.eq(got_p, want_p, "%s %s: port bindings" % (label, name))
        t.eq(bool(c.get("privileged")), bool(i["HostConfig"].get("Privileged")),
             "%s %s: privileged" % (label, name))


def check_images(variant, fmt, doc):
    label = "%s/%s" % (variant, fmt)
    got = {im["id"]: im for im in doc["images"]}
    for i in corpus.truth(variant, "images.json"):
        im = got.get(i["Id"])
        short = (i.get("RepoTags") or [i["Id"][7:19]])[0]
        if not t.ok(im is not None, "%s image %s: listed" % (label, short)):
            continue
        t.eq(sorted(im["tags"]), sorted(i.get("RepoTags") or []),
             "%s image %s: tags" % (label, short))
        t.eq(sorted(im["digests"]), sorted(i.get("RepoDigests") or []),
             "%s image %s: digests" % (label, short))
        t.eq(ns(im["created"]), ns(i["Created"]), "%s image %s: created" % (label, short))
        t.eq([l["diff_id"] for l in im["layers"]], i["RootFS"].get("Layers") or [],
             "%s image %s: layers (diff ids, base first)" % (label, short))


def check_history(variant, path):
    ref = None
    hist = corpus.truth(variant, os.path.join("history", path))
    images = corpus.truth(variant, "images.json")
    for i in images:
        for tag in i.get("RepoTags") or [i["Id"]]:
            if re.sub(r"[/:@]", "_", tag) + ".json" == path:
                ref = tag
    if ref is None:
        return
    rc, out, err = corpus.dof("show-image-history", "--json", "--image", ref,
                              corpus.raw(variant), check_json=True)
    t.ok(rc in (0, 1), "%s history %s: exit %d" % (variant, ref, rc), err)
    got = out.get("history", [])
    want = list(reversed(hist))  # the API lists newest first
    t.eq([h.get("created_by") or "" for h in got], [h["CreatedBy"] for h in want],
         "%s history %s: created_by in order" % (variant, ref))
    t.eq([(ns(h["created"]) or 0) // 10**9 for h in got], [h["Created"] for h in want],
         "%s history %s: created" % (variant, ref))
    t.eq([h.get("size") for h in got], [h["Size"] for h in want],
         "%s history %s: sizes" % (variant, ref))


for v in VARIANTS:
    fmts = ["raw", "e01", "vmdk"]
    for fmt in fmts:
        img = corpus.converted(v, fmt)
        rc, out, err = corpus.dof("list-containers", "--json", img, check_json=True)
        t.ok(rc in (0, 1), "%s/%s: list-containers exit %d" % (v, fmt, rc), err)
        check_containers(v, fmt, out)
        rc, out, err = corpus.dof("list-images", "--json", img, check_json=True)
        t.ok(rc in (0, 1), "%s/%s: list-images exit %d" % (v, fmt, rc), err)
        check_images(v, fmt, out)
    hdir = corpus.truth_path(v, "history")
    for f in sorted(os.listdir(hdir)) if os.path.isdir(hdir) else []:
        check_history(v, f)
    # verify-image passes on every image the engine left (config hash,
    # ChainIDs, every layer file against its tar-split headers)
    for i in corpus.truth(v, "images.json"):
        rc, out, err = corpus.dof("verify-image", "--json", "-q", "--image",
                                  i["Id"], corpus.raw(v), check_json=True)
        short = (i.get("RepoTags") or [i["Id"][7:19]])[0]
        bad = [m for l in out.get("layers", []) for m in l.get("mismatches", [])]
        t.ok(rc == 0 and out.get("config_sha256_ok") is True and not bad,
             "%s: verify-image %s passes (exit %d)" % (v, short, rc),
             "%s\n%s" % (bad[:5], err[-500:]))
    meta = corpus.truth(v, "meta.json")
    # every volume the engine mounted is found at its destination, also
    # where the data root is a partition of its own (paths the engine
    # recorded are mapped from the data root's path on the running host)
    for i in corpus.truth(v, "containers.json"):
        for m in i.get("Mounts") or []:
            if m["Type"] != "volume":
                continue
            rc, out, err = corpus.dof("ls", "--container", i["Id"],
                                      corpus.raw(v), m["Destination"])
            t.ok(rc in (0, 1) and "missing" not in err,
                 "%s %s: volume %s mapped at %s (exit %d)"
                 % (v, i["Name"].lstrip("/"), m["Name"][:12],
                    m["Destination"], rc), err[-400:])
    rc, out, err = corpus.dof("status", "--json", corpus.raw(v), check_json=True)
    roots = out["status"]["data_roots"]
    t.ok(any(r.get("host_path") == meta["data_root"] for r in roots),
         "%s: the data root's path on the running host is %s"
         % (v, meta["data_root"]), [r.get("host_path") for r in roots])
    flagged = any(r.get("journal_needs_recovery") for r in roots)
    t.eq(flagged, bool(meta.get("journal_needs_recovery")),
         "%s: journal needs recovery flagged exactly when the superblock says so" % v)

t.done()
