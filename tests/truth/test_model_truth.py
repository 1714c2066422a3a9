#!/usr/bin/env python3
"""test_model_truth.py - the engine model (dof_host_open) against ground
truth that did not come from dof:

* synthetic hosts: images/synth/make-synth.sh writes <case>.raw and
  <case>.expect.json (values the generator put on disk);
* real hosts: images/real/<variant>.raw.xz with
  images/real/<variant>.truth/containers.json (`docker inspect`).

The model is dumped by tests/truth/dof-model-dump (JSON lines, public API only).
Env: DOF_BUILDDIR, DOF_SRCDIR (set by `make check`), DOF_SYNTH_DIR (reuse
already built synthetic images instead of building them).  TAP output.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("DOF_BUILDDIR") or os.getcwd()
DUMP = os.path.join(BUILD, "tests", "truth", "dof-model-dump")


T = Tap()
ok = T.ok


def is_eq(got, want, msg):
    return ok(got == want, msg, "got  %r\nwant %r" % (got, want))


def dump(path, *args):
    p = subprocess.run([DUMP, path] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    recs = [json.loads(line) for line in p.stdout.decode().splitlines()
            if line.strip()]
    kinds = {}
    if p.returncode not in (0, 1):
        kinds["crash"] = p.stderr.decode(errors="replace")[-3000:]
        for line in kinds["crash"].splitlines()[:30]:
            print("# " + line)
    for r in recs:
        kinds.setdefault(r["kind"], []).append(r)
    return p.returncode, kinds


def warn_text(kinds):
    return "\n".join("%s %s" % (w.get("path") or "", w.get("message") or "")
                     for w in kinds.get("warning", []))


# Warnings that come from other layers than the engine model.
OTHER_LAYER_WARNINGS = ("-json.log", "LVM2", "XFS", "volume ")


def check_synth(case, exp, img):
    rc, k = dump(img)
    want_exit = exp.get("exit_code")
    if want_exit in (3, 4):
        ok(rc != 0 and "error" in k, "%s: refused (exit %d expected)"
           % (case, want_exit))
        if want_exit == 3:
            for s in exp.get("refuse_must_mention", []):
                ok(any(s.lower() in (e.get("message") or "").lower()
                       for e in k.get("error", [])),
                   "%s: error mentions %r" % (case, s), k.get("error"))
        return
    if "exit_code_one_of" in exp:  # truncated images: must not crash
        ok(rc in (0, 1), "%s: no crash (rc %d)" % (case, rc))
        return
    if not ok(rc == 0 and "root" in k, "%s: host opened" % case,
              k.get("error")):
        return
    roots = [r for r in k["root"] if "not read yet" not in r["found_by"]]
    got_roots = sorted((r["path"], r["volume_offset_bytes"]) for r in roots)
    want_roots = sorted((r["path"], r["volume_offset_bytes"])
                        for r in exp.get("data_roots", []))
    is_eq(got_roots, want_roots, "%s: data roots" % case)
    if "storage_driver" in exp and roots:
        is_eq(roots[0]["driver"], exp["storage_driver"],
              "%s: storage driver" % case)
    cs = k.get("container", [])
    good = sorted(c["name"] for c in cs if not c["damaged"] and c["name"])
    if "containers_listed" in exp:
        want = sorted(exp["containers_listed"])
        if "bad_container_id" in exp:
            is_eq(sorted(c["name"] for c in cs if c["name"]), want,
                  "%s: named containers" % case)
        else:
            is_eq(sorted(c["name"] for c in cs), want,
                  "%s: containers listed" % case)
    if "containers_listed_min" in exp:
        names = set(c["name"] for c in cs)
        ok(all(nm in names for nm in exp["containers_listed_min"]),
           "%s: at least %s listed" % (case, exp["containers_listed_min"]),
           sorted(names - {None}))
    if "bad_container_id" in exp:
        bad = [c for c in cs if c["id"] == exp["bad_container_id"]]
        ok(len(bad) == 1 and bad[0]["damaged"] == 1,
           "%s: damaged container still listed, marked damaged" % case, bad)
    byid = {c["id"]: c for c in cs}
    for want in exp.get("containers", []):
        c = byid.get(want["id"])
        if not ok(c is not None, "%s: container %s present" %
                  (case, want["name"])):
            continue
        got = {f: c.get(f) for f in want}
        if c["damaged"]:
            continue
        if want["id"] == exp.get("container_without_mount_id"):
            got.pop("mount_id")
            exp_mount_id = (lambda w, m=want.get("mount_id"): m)
            want = dict(want)
            want.pop("mount_id")
            # the -init layer is named "<mount-id>-init": dof infers the
            # mount id from it and says so; anything else would be invented
            ok(c["mount_id"] == exp_mount_id(want) and "mount-id" in warn_text(k),
               "%s: missing mount-id inferred from init-id and reported" % case)
        is_eq(got, want, "%s: container %s fields" % (case, want["name"]))
    for name, st in exp.get("states", {}).items():
        got = [c["state"] for c in cs if c["name"] == name]
        is_eq(got, [st], "%s: state of %s" % (case, name))
    for name, mps in exp.get("mount_points", {}).items():
        c = [c for c in cs if c["name"] == name]
        if not ok(len(c) == 1, "%s: %s for mounts" % (case, name)):
            continue
        got = sorted(({f: m.get(f) for f in w}
                      for m in c[0]["mounts"]
                      for w in mps if w["destination"] == m["destination"]),
                     key=lambda m: m["destination"])
        is_eq(got, sorted(mps, key=lambda m: m["destination"]),
              "%s: mounts of %s" % (case, name))
    ims = {i["id"]: i for i in k.get("image", [])}
    for want in exp.get("images", []):
        i = ims.get(want["id"])
        if not ok(i is not None, "%s: image %s present" %
                  (case, want["id"][:19])):
            continue
        is_eq(sorted(i["tags"]), sorted(want["tags"]),
              "%s: tags of %s" % (case, want["id"][:19]))
        is_eq([l["diff_id"] for l in i["layers"]], want["diff_ids"],
              "%s: diff_ids of %s" % (case, want["id"][:19]))
        is_eq([l["chain_id"] for l in i["layers"]], want["chain_ids"],
              "%s: chain ids of %s" % (case, want["id"][:19]))
        ok(i["id_verified"] == 1, "%s: %s id verified" % (case, want["id"][:19]))
        ok(all(l["present"] for l in i["layers"]),
           "%s: layers of %s present in layerdb" % (case, want["id"][:19]))
    if "graph_chain" in exp:
        top = exp["graph_chain"][0]
        i = [i for i in k.get("image", []) if i["id"] == top]
        if ok(len(i) == 1, "%s: pre-1.10 image listed" % case):
            is_eq([l["cache_id"] for l in i[0]["layers"]][::-1],
                  exp["graph_chain"], "%s: graph parent chain" % case)
            want = sorted("%s:%s" % (r, t)
                          for r, tags in exp["repositories"].items()
                          for t, iid in tags.items() if iid == top)
            is_eq(sorted(i[0]["tags"]), want, "%s: legacy tags" % case)
    for name, drv in exp.get("unsupported_driver_containers", {}).items():
        c = [c for c in cs if c["name"] == name]
        ok(len(c) == 1 and c[0]["driver"] == drv and
           c[0]["driver_supported"] == 0,
           "%s: %s listed, driver %s unsupported" % (case, name, drv), c)
    wt = warn_text(k)
    for s in exp.get("warnings_must_mention", []):
        if any(o in s for o in ("-json.log",)):
            continue  # the logs layer reports that one
        if s in ("LVM2", "XFS", "42991616", "51380224"):
            continue  # evidence layer
        ok(s in wt, "%s: a warning mentions %r" % (case, s), wt)
    if exp.get("exit_code") == 0:
        mine = [w for w in k.get("warning", [])
                if not any(o in (w.get("message") or "")
                           for o in OTHER_LAYER_WARNINGS)]
        ok(not mine, "%s: no warnings on a clean host" % case,
           "\n".join(w["message"] for w in mine))
    if case == "good":
        # look-ups, with truth from the expect file
        web = exp["web_id"]
        _, f = dump(img, "--find-container", "web", "--find-container",
                    "/web", "--find-container", web[:12],
                    "--find-container", "zzz", "--find-container", "",
                    "--find-image", "local/app", "--find-image",
                    "local/app:1.0", "--find-image", "nosuch:1")
        res = {r["query"]: r for r in f.get("find", [])}
        is_eq(res["web"]["id"], web, "good: find by name")
        is_eq(res["/web"]["id"], web, "good: find by /name")
        is_eq(res[web[:12]]["id"], web, "good: find by id prefix")
        is_eq(res["zzz"]["status"], dof_status(f, "zzz"),
              "good: unknown name not found")
        ok("no container named or with an ID starting with \"zzz\""
           in (res["zzz"]["message"] or ""), "good: not-found message")
        app = [i for i in exp["images"] if "local/app:1.0" in i["tags"]][0]
        is_eq(res["local/app"]["id"], app["id"], "good: repo -> :latest")
        is_eq(res["local/app:1.0"]["id"], app["id"], "good: repo:tag")
        ok(res["nosuch:1"]["id"] is None, "good: unknown image")
        # stored configs: an image config hashes to its id; a container
        # config names its own id
        import hashlib
        _, g = dump(img, "--read-config", "local/app:1.0",
                    "--read-config", "web")
        rc_ = {r["query"]: r for r in g.get("config", [])}
        icfg = rc_["local/app:1.0"]["config"] or ""
        is_eq("sha256:" + hashlib.sha256(icfg.encode()).hexdigest(),
              app["id"], "good: image config as stored hashes to its id")
        wcfg = json.loads(rc_["web"]["config"] or "{}")
        is_eq(wcfg.get("ID"), web, "good: container config as stored")
        ok(rc_["web"]["hostconfig"] is not None and
           "PortBindings" in json.loads(rc_["web"]["hostconfig"]),
           "good: hostconfig as stored")
        # ambiguous prefix: two ids sharing their first hex digit
        ids = [c["id"] for c in exp["containers"]]
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if a[0] == b[0]:
                    _, g = dump(img, "--find-container", a[0])
                    r = g["find"][0]
                    ok(r["id"] is None and "Too many container IDs starting"
                       in r["message"], "good: ambiguous prefix", r)
                    break


def dof_status(f, q):
    return [r for r in f["find"] if r["query"] == q][0]["status"]


def synth_dir():
    d = os.environ.get("DOF_SYNTH_DIR")
    if d and glob.glob(os.path.join(d, "*.expect.json")):
        return d, None
    script = os.path.join(SRC, "images", "synth", "make-synth.sh")
    if not os.path.exists(script):
        return None, None
    tmp = tempfile.mkdtemp(prefix="dof-synth-")
    p = subprocess.run(["sh", script, tmp], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    if p.returncode != 0:
        print("# make-synth.sh failed: " + p.stdout.decode()[-500:])
        shutil.rmtree(tmp)
        return None, None
    return tmp, tmp


def check_real(xz, truth_dir):
    variant = os.path.basename(xz)[:-len(".raw.xz")]
    tmp = tempfile.mkdtemp(prefix="dof-real-")
    try:
        raw = os.path.join(tmp, variant + ".raw")
        with open(raw, "wb") as out:
            subprocess.run(["xz", "-dc", xz], stdout=out, check=True)
        rc, k = dump(raw)
        if not ok(rc == 0, "%s: host opened" % variant, k.get("error")):
            return
        truth = json.load(open(os.path.join(truth_dir, "containers.json")))
        cs = {c["id"]: c for c in k.get("container", [])}
        is_eq(sorted(cs), sorted(t["Id"] for t in truth),
              "%s: container ids" % variant)
        for t in truth:
            c = cs.get(t["Id"])
            if c is None:
                continue
            nm = t["Name"].lstrip("/")
            st = t["State"]
            got = {"name": c["name"], "image": c["image"],
                   "image_id": c["image_id"], "state": c["state"],
                   "exit_code": c["exit_code"],
                   "started": c["started_at_raw"],
                   "finished": c["finished_at_raw"],
                   "created": c["created_raw"],
                   "log_driver": c["log_driver"]}
            want = {"name": nm, "image": t["Config"]["Image"],
                    "image_id": t["Image"], "state": st["Status"],
                    "exit_code": st["ExitCode"], "started": st["StartedAt"],
                    "finished": st["FinishedAt"], "created": t["Created"],
                    "log_driver": t["HostConfig"]["LogConfig"]["Type"]}
            is_eq(got, want, "%s: %s inspect fields" % (variant, nm))
            gm = sorted((m["type"], m["source"], m["destination"],
                         bool(m["rw"]), m["name"] or "")
                        for m in c["mounts"])
            wm = sorted((m["Type"], m["Source"], m["Destination"],
                         bool(m["RW"]), m.get("Name", ""))
                        for m in t.get("Mounts") or [])
            is_eq(gm, wm, "%s: %s mounts" % (variant, nm))
            gp = sorted((p["container_port"], p["host_ip"], p["host_port"])
                        for p in c["port_bindings"])
            wp = sorted((port, b.get("HostIp", ""), b.get("HostPort", ""))
                        for port, bl in
                        (t["HostConfig"].get("PortBindings") or {}).items()
                        for b in (bl or []))
            is_eq(gp, wp, "%s: %s port bindings" % (variant, nm))
        # one-container model (bodyfile and log commands): by name and by
        # ID prefix it holds that container, as the full model has it
        # (checked against inspect above), and no image
        for t in truth:
            nm = t["Name"].lstrip("/")
            for q in (nm, t["Id"][:12]):
                rc1, k1 = dump(raw, "--only", q)
                got = [c for c in k1.get("container", []) if c["id"] == t["Id"]]
                ok(rc1 in (0, 1) and got == [cs.get(t["Id"])] and
                   not k1.get("image") and
                   len(k1.get("container", [])) < max(2, len(cs)),
                   "%s: --only %s models %s alone, as the full model" %
                   (variant, q, nm),
                   "%d containers, %d images" %
                   (len(k1.get("container", [])), len(k1.get("image", []))))
        rc1, k1 = dump(raw, "--only", "no-such-container")
        is_eq(sorted(c["id"] for c in k1.get("container", [])), sorted(cs),
              "%s: --only with no match models every container" % variant)
    finally:
        shutil.rmtree(tmp)


def mkext4(tree, img, mib=16):
    mke2fs = shutil.which("mke2fs") or "/sbin/mke2fs"
    p = subprocess.run([mke2fs, "-q", "-t", "ext4", "-d", tree, "-F", img,
                        "%dM" % mib], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode == 0


def put(tree, path, data):
    full = os.path.join(tree, path.lstrip("/"))
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w" if isinstance(data, str) else "wb") as f:
        f.write(data)


ZT = "0001-01-01T00:00:00Z"


def cfg(cid, name, created):
    return json.dumps({
        "ID": cid, "Name": "/" + name, "Created": created, "Path": "sh",
        "Args": [], "Driver": "overlay2", "Image": "sha256:" + "e" * 64,
        "Config": {"Image": "busybox"},
        "State": {"Running": False, "ExitCode": 0, "StartedAt": ZT,
                  "FinishedAt": ZT}})


def check_hostside():
    """Host-side settings and data-root discovery on a hand-made ext4:
    every expected value below is one this test wrote."""
    tmp = tempfile.mkdtemp(prefix="dof-hostside-")
    try:
        t = os.path.join(tmp, "tree")
        put(t, "/etc/docker/daemon.json", json.dumps({
            "data-root": "/srv/docker", "storage-driver": "overlay2",
            "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
            "insecure-registries": ["10.1.2.3:5000"]}))
        put(t, "/etc/group", "root:x:0:\ndocker:x:999:alice,bob\n")
        put(t, "/etc/systemd/system/docker.service.d/override.conf",
            "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// "
            "-H tcp://0.0.0.0:2376\n")
        put(t, "/root/.docker/config.json", json.dumps(
            {"auths": {"registry.example.com": {
                "auth": "YWxpY2U6czNjcmV0"}}}))  # alice:s3cret
        put(t, "/home/alice/.bash_history", "ls\ndocker run -d nginx\n")
        put(t, "/home/bob/.bash_history", "ls\nvim dockerfile\n")
        put(t, "/var/lib/dpkg/status",
            "Package: docker.io\nStatus: install ok installed\n"
            "Version: 20.10.24+dfsg1-1\n\n")
        os.makedirs(os.path.join(t, "var/lib/containerd/io.containerd."
                                    "metadata.v1.bolt"))
        c1 = "1" * 64
        c2 = "2" * 64
        c3 = "3" * 64
        put(t, "/srv/docker/containers/%s/config.v2.json" % c1,
            cfg(c1, "one", "2024-01-02T03:04:05.000000006Z"))
        put(t, "/srv/docker/containers/%s/hostconfig.json" % c1, "{}")
        put(t, "/srv/docker/containers/%s/%s-json.log" % (c3, c3), "")
        put(t, "/srv/docker/image/overlay2/repositories.json",
            '{"Repositories":{}}')
        put(t, "/srv/docker/engine-id", "eid-123\n")
        put(t, "/srv/docker/swarm/docker-state.json",
            json.dumps({"LocalAddr": "10.0.0.5", "ListenAddr": "0.0.0.0:2377"}))
        put(t, "/srv/docker/swarm/state.json",
            json.dumps([{"node_id": "nodeA", "addr": "10.0.0.5:2377"},
                        {"node_id": "nodeB", "addr": "10.0.0.6:2377"}]))
        put(t, "/home/carol/.local/share/docker/containers/%s/config.v2.json"
            % c2, cfg(c2, "two", "2024-01-01T00:00:00Z"))
        img = os.path.join(tmp, "host.raw")
        if not ok(mkext4(t, img), "hostside: mke2fs built the image"):
            return
        rc, k = dump(img)
        if not ok(rc == 0 and "root" in k, "hostside: host opened",
                  "rc %d %s" % (rc, k.get("error"))):
            return
        roots = {r["path"]: r for r in k["root"]}
        is_eq(sorted(roots), ["/home/carol/.local/share/docker",
                              "/srv/docker"], "hostside: data roots")
        sd = roots.get("/srv/docker", {})
        is_eq(sd.get("found_by"), "daemon.json data-root",
              "hostside: found by daemon.json")
        is_eq(roots.get("/home/carol/.local/share/docker", {})
              .get("found_by"), "rootless", "hostside: rootless root")
        is_eq(sd.get("engine_version"), "20.10.24+dfsg1-1",
              "hostside: engine version from dpkg")
        is_eq(sd.get("engine_id"), "eid-123", "hostside: engine-id")
        is_eq((sd.get("swarm_member"), sd.get("swarm_addr"),
               sd.get("swarm_node_id")), (1, "10.0.0.5", "nodeA"),
              "hostside: swarm")
        ok(any("containerd: /var/lib/containerd" in s
               for r in k["root"] for s in r["other_stores"]),
           "hostside: containerd store named", k["root"])
        cs = {c["id"]: c for c in k.get("container", [])}
        is_eq(sorted(cs), [c1, c2, c3], "hostside: containers incl. "
              "one without config")
        ok(cs.get(c3, {}).get("damaged") == 1,
           "hostside: config-less container marked damaged")
        ok(c3 in warn_text(k) and "no config.v2.json" in warn_text(k),
           "hostside: warning names it", warn_text(k))
        is_eq(cs.get(c1, {}).get("state"), "created", "hostside: state")
        hi = k.get("hostinfo", [{}])[0]
        is_eq(hi.get("data_root_setting"), "/srv/docker",
              "hostside: data-root setting")
        is_eq(sorted(hi.get("api_tcp", [])),
              ["tcp://0.0.0.0:2375 (/etc/docker/daemon.json)",
               "tcp://0.0.0.0:2376 (/etc/systemd/system/docker.service.d/"
               "override.conf)"], "hostside: exposed API")
        is_eq(hi.get("docker_group"), ["alice", "bob"],
              "hostside: docker group")
        is_eq(hi.get("credentials"), ["alice: registry.example.com"],
              "hostside: credentials without secret")
        is_eq(hi.get("histories"), ["/home/alice/.bash_history"],
              "hostside: histories with docker")
        is_eq(hi.get("insecure_registries"), ["10.1.2.3:5000"],
              "hostside: insecure registries")
        _, k2 = dump(img, "--show-secrets")
        ok("s3cret" in json.dumps(k2.get("hostinfo")),
           "hostside: secret shown with --show-secrets")
        _, k3 = dump(img, "--docker-root", "/home/carol/.local/share/docker")
        is_eq([r["path"] for r in k3.get("root", [])],
              ["/home/carol/.local/share/docker"],
              "hostside: --docker-root restricts")
        # no data root at all
        t2 = os.path.join(tmp, "empty")
        put(t2, "/etc/hostname", "bare\n")
        img2 = os.path.join(tmp, "empty.raw")
        mkext4(t2, img2)
        rc, k4 = dump(img2)
        err = (k4.get("error") or [{}])[0]
        ok(rc != 0 and err.get("status") and
           "/var/lib/docker" in (err.get("message") or ""),
           "hostside: no data -> error naming what was searched", err)
        is_eq(err.get("code"), -10, "hostside: DOF_ERR_NODATA")
    finally:
        shutil.rmtree(tmp)


def main():
    if not os.access(DUMP, os.X_OK):
        print("1..0 # SKIP %s not built" % DUMP)
        return 0
    check_hostside()
    d, cleanup = synth_dir()
    try:
        if d:
            for ef in sorted(glob.glob(os.path.join(d, "*.expect.json"))):
                exp = json.load(open(ef))
                case = exp.get("case") or os.path.basename(ef)[:-12]
                img = os.path.join(d, exp.get("image", case + ".raw"))
                if not os.path.exists(img):
                    continue
                check_synth(case, exp, img)
        for xz in sorted(glob.glob(os.path.join(SRC, "images", "real",
                                                "*.raw.xz"))):
            td = xz[:-len(".raw.xz")] + ".truth"
            if os.path.exists(os.path.join(td, "containers.json")):
                check_real(xz, td)
    finally:
        if cleanup:
            shutil.rmtree(cleanup)
    if T.n == 0:
        print("1..0 # SKIP no synthetic or real images")
        return 0
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
