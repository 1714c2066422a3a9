#!/usr/bin/env python3
"""What an examiner hit on a real case (issue 12), checked on every committed
real-engine image against the engine's own records (images/real/<v>.truth/):
which containers use each volume, when each volume was created, a mistyped
--docker-root, the not-found message, bodyfile whiteout markers."""
import calendar
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
VARIANTS = corpus.variants()
if not VARIANTS:
    t.skip_all("no real-engine images with ground truth in images/real")


def secs(s):
    """RFC 3339 -> integer seconds (fraction dropped)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?Z", s)
    assert m, s
    return calendar.timegm(tuple(int(x) for x in m.groups()) + (0, 0, 0))


for v in VARIANTS:
    img = corpus.raw(v)
    cts = corpus.truth(v, "containers.json")
    vols = corpus.truth(v, "volumes.json")
    rc, doc, err = corpus.dof("list-volumes", "--json", img, check_json=True)
    t.ok(rc in (0, 1), "%s: list-volumes exit %d" % (v, rc), err[-500:])
    got = {x["name"]: x for x in doc.get("volumes", [])}

    # 1. who uses each volume: every container whose Mounts name it
    users = {}
    for c in cts:
        for m in c.get("Mounts") or []:
            if m.get("Type") == "volume" and m.get("Name"):
                users.setdefault(m["Name"], set()).add(c["Name"].lstrip("/"))
    for tv in vols:
        name = tv["Name"]
        if not t.ok(name in got, "%s: volume %s listed" % (v, name[:16])):
            continue
        t.eq(sorted(got[name].get("containers") or []),
             sorted(users.get(name, ())),
             "%s: volume %s: the containers that mount it" % (v, name[:16]))
        # 2. created: the volume directory's birth, never after the
        # engine's CreatedAt (the directory's mtime, moved by later
        # writes) and not after the first container that mounts it was
        # created (an anonymous volume: within that container's creation)
        created = got[name].get("created")
        if t.ok(created is not None, "%s: volume %s has a creation time"
                % (v, name[:16])):
            c0 = min((secs(c["Created"]) for c in cts
                      if c["Name"].lstrip("/") in users.get(name, ())),
                     default=None)
            t.ok(secs(created) <= secs(tv["CreatedAt"]) and
                 (c0 is None or secs(created) <= c0 + 1),
                 "%s: volume %s created %s: not after CreatedAt %s nor after "
                 "its first container" % (v, name[:16], created,
                                          tv["CreatedAt"]))
    rc, out, err = corpus.dof("list-volumes", img)
    for name, who in sorted(users.items()):
        line = [ln for ln in out.decode().splitlines() if name in ln]
        t.ok(line and all(w in line[0] for w in who),
             "%s: list-volumes names the users of %s" % (v, name[:16]),
             line)

    # 7. a mistyped --docker-root is an error naming the path
    for cmd in ("status", "list-containers"):
        rc, out, err = corpus.dof(cmd, "--docker-root", "/var/lib/dockr", img)
        t.eq(rc, 4, "%s: %s --docker-root typo: exit 4" % (v, cmd))
        t.ok("/var/lib/dockr" in err and "no such directory" in err,
             "%s: %s --docker-root typo: the error names the path" % (v, cmd),
             err[-300:])
    rc, out, err = corpus.dof("list-containers", "--docker-root", "/etc", img)
    t.ok(rc == 4 and "/etc" in err and "no Docker data root" in err,
         "%s: --docker-root of a directory that is no data root: exit 4, said"
         % v, err[-300:])

    # 15. a name that matches nothing
    rc, out, err = corpus.dof("show-container-config", "--container", "nosuchname",
                              img)
    t.ok(rc == 5 and 'no container named or with an ID starting with "nosuchname"'
         in err, "%s: not-found message (exit %d)" % (v, rc), err[-300:])

    # 19. bodyfile: whiteouts are "(whiteout)", never TSK's "(deleted)"
    for c in cts:
        diff = corpus.truth_path(v, "diff", c["Name"].lstrip("/") + ".json")
        if not os.path.exists(diff):
            continue
        dels = [ch for ch in (json.load(open(diff)) or []) if ch.get("Kind") == 2]
        if not dels:
            continue
        rc, out, err = corpus.dof("macrobber-container-layer", "--container",
                                  c["Id"], img)
        lines = out.decode("utf-8", "replace").splitlines()
        wh = [ln for ln in lines if "|c/c---------|" in ln]
        t.ok(wh and all(" (whiteout)|" in ln for ln in wh),
             "%s %s: whiteouts marked (whiteout)" % (v, c["Name"]), wh[:3])
        t.ok(not any(" (deleted)|" in ln for ln in wh),
             "%s %s: no whiteout marked (deleted)" % (v, c["Name"]))

    # 13. states are the engine's last record, and status says so
    rec_running = sum(1 for c in cts if c["State"]["Running"])
    rc, out, err = corpus.dof("status", img)
    text = out.decode("utf-8", "replace")
    if rec_running:
        t.ok("%d recorded as running" % rec_running in text and
             "engine's last record" in text,
             "%s: status says %d recorded as running, from the engine's record"
             % (v, rec_running), text[-800:])
    rc, doc, err = corpus.dof("status", "--json", img, check_json=True)
    for r in doc.get("status", {}).get("data_roots", []):
        t.ok("last record" in (r["containers"].get("states_note") or ""),
             "%s: status JSON carries the states note" % v)

    # 17. show-container-log --json: JSON strings, exact bytes recoverable
    if v == VARIANTS[0]:
        import base64
        for c in cts:
            name = c["Name"].lstrip("/")
            for stream in ("stdout", "stderr"):
                tp = corpus.truth_path(v, "logs", "%s.%s" % (name, stream))
                if not os.path.exists(tp):
                    continue
                want = open(tp, "rb").read()
                if not want or any(len(ln) > 16000 for ln in want.split(b"\n")):
                    continue  # partial pieces: docker prints each piece
                rc, out, err = corpus.dof("show-container-log", "--json",
                                          "--stream", stream, "--container",
                                          name, img)
                got = b""
                keys_ok = True
                for line in out.decode("utf-8").splitlines():
                    r = json.loads(line)
                    keys_ok &= r["stream"] == stream and "file" in r
                    msg = (base64.b64decode(r["message_base64"])
                           if "message_base64" in r else r["message"].encode())
                    got += r["time"].encode() + b" " + msg
                t.ok(rc in (0, 1) and got == want and keys_ok,
                     "%s %s %s: --json messages rebuild docker logs -t"
                     % (v, name, stream), (got[:200], want[:200]))

    # 4. a build step is one timeline event, for the image that introduced
    # it: as many as the distinct steps of the engine's own histories
    steps = set()
    hdir = corpus.truth_path(v, "history")
    for f in sorted(os.listdir(hdir)) if os.path.isdir(hdir) else []:
        pre = ()
        for st in json.load(open(os.path.join(hdir, f)))[::-1]:
            pre += ((st["Created"], st["CreatedBy"], st["Comment"]),)
            steps.add(pre)
    rc, out, err = corpus.dof("timeline", img)
    evs = [json.loads(ln) for ln in out.decode("utf-8").splitlines()]
    nstep = sum(1 for e in evs if e.get("event_type") == "image_build_step")
    if steps:
        t.eq(nstep, len(steps), "%s: one timeline event per build step" % v)

    # 18. ls/cat take --image: a never-started container (docker diff
    # empty) shows its image's files, plus only what the -init layer adds
    for c in cts:
        diffp = corpus.truth_path(v, "diff", c["Name"].lstrip("/") + ".json")
        if c["State"]["Status"] != "created" or not os.path.exists(diffp) \
                or json.load(open(diffp)):
            continue
        rc1, a, e1 = corpus.dof("ls", "-R", "--no-mounts", "--container",
                                c["Id"], img, "/")
        rc2, b, e2 = corpus.dof("ls", "-R", "--image", c["Image"], img, "/")
        init = ("/.dockerenv", "/dev", "/etc/hostname", "/etc/hosts",
                "/etc/mtab", "/etc/resolv.conf", "/proc", "/sys")
        sa = {p for p in a.decode().splitlines()
              if not any(p == i or p.startswith(i + "/") for i in init)}
        sb = {p for p in b.decode().splitlines()
              if not any(p == i or p.startswith(i + "/") for i in init)}
        t.ok(rc2 in (0, 1) and sb and sa == sb,
             "%s: ls -R --image %s = its never-started container %s"
             % (v, c["Config"]["Image"], c["Name"]),
             (sorted(sa ^ sb)[:10], e2[-200:]))
        break

    # 10. the classic builder's untagged parents are intermediate images
    imgs = corpus.truth(v, "images.json")
    parents = {i["Parent"] for i in imgs if i.get("Parent")}
    inter = {i["Id"] for i in imgs if not i.get("RepoTags") and
             not i.get("RepoDigests") and i["Id"] in parents}
    rc, doc, err = corpus.dof("list-images", "--json", img, check_json=True)
    got = {i["id"]: i for i in doc.get("images", [])}
    t.eq(sorted(k for k, i in got.items() if i.get("intermediate")),
         sorted(inter), "%s: intermediate images are the untagged parents" % v)
    rc, doc, err = corpus.dof("status", "--json", img, check_json=True)
    st = doc.get("status", {}).get("data_roots", [])
    if t.ok(len(st) == 1, "%s: one data root" % v):
        # 11. the engine version from the best source on the image
        ver = corpus.truth(v, "version.json").get("Server", {}).get("Version")
        t.eq(st[0].get("engine_version"), ver,
             "%s: engine version as the engine reports it" % v)
        t.ok(bool(st[0].get("engine_version_source")),
             "%s: and where it was read: %s"
             % (v, st[0].get("engine_version_source")))
        t.eq(st[0]["images"]["intermediate"], len(inter),
             "%s: status counts the intermediate images" % v)
        t.eq(st[0]["images"]["untagged"],
             len([i for i in imgs if not i.get("RepoTags") and i["Id"] not in inter]),
             "%s: status counts as untagged only the others" % v)
    if v == VARIANTS[0]:
        import sqlite3
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "case.db")
            rc, out, err = corpus.dof("ingest", "--db", db, img)
            t.ok(rc in (0, 1), "%s: ingest findings (exit %d)" % (v, rc), err[-300:])
            con = sqlite3.connect(db)
            flagged = {r[0] for r in con.execute(
                "SELECT image_id FROM findings WHERE kind IN "
                "('untagged_image', 'image_unused')")}
            con.close()
            t.eq(sorted(flagged & inter), [],
                 "%s: no finding for an intermediate image" % v)
            # 21. findings name the file and the container; daemon.json
            # is text json_extract can read
            con = sqlite3.connect(db)
            ex = [r[0] for r in con.execute(
                "SELECT description FROM findings WHERE kind = "
                "'executable_added'")]
            t.ok(any("/tmp/.x/dropper.sh" in d and "web" in d for d in ex),
                 "%s: the executable finding names the file and the "
                 "container" % v, ex)
            info = corpus.truth(v, "info.json")
            drv = con.execute(
                "SELECT json_extract(value, '$.\"storage-driver\"') FROM "
                "host_settings WHERE kind = 'daemon_json'").fetchall()
            t.eq(drv, [(info["Driver"],)],
                 "%s: json_extract reads daemon.json in the case" % v)
            con.close()

t.done()
