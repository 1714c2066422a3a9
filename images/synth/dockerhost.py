"""Write a structurally faithful Docker (overlay2) data root into a Tree.

Shapes follow /work/shared/docs/FORMATS.md (moby layer/filestore.go,
image/fs.go, daemon/graphdriver/overlay2/overlay.go, container/*.go).
All ids are derived from fixed seeds, so a build is reproducible.

A layer is a list of ops:
  ("file", path, data[, mode[, mtime]])   ("dir", path[, mode])
  ("symlink", path, target)   ("hardlink", path, existing_path)
  ("whiteout", path)          ("opaque", dir_path)
"""

import base64
import gzip
import hashlib
import io
import json
import tarfile

from ext4tree import b, ts, FS_NOW

ZERO_TIME = "0001-01-01T00:00:00Z"


def sha(data):
    return hashlib.sha256(b(data)).hexdigest()


def hexid(seed):
    return sha("dof-synth:" + seed)


def linkid(seed):
    """overlay2 short link: 26 chars of [A-Z0-9] (moby generateID(26))."""
    return base64.b32encode(hashlib.sha256(b("link:" + seed)).digest()).decode()[:26]


def jdump(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def rfc(t, ns=0):
    import time as _t
    return _t.strftime("%Y-%m-%dT%H:%M:%S", _t.gmtime(t)) + (".%09dZ" % ns)


# ---------------------------------------------------------------- crc64 ISO
def _crc64_table():
    poly = 0xD800000000000000
    tab = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        tab.append(crc)
    return tab


_CRC64 = _crc64_table()


def crc64_iso(data):
    """Go hash/crc64 with the ISO table, as tar-split uses."""
    crc = 0xFFFFFFFFFFFFFFFF
    tab = _CRC64
    for c in data:
        crc = tab[(crc ^ c) & 0xFF] ^ (crc >> 8)
    return (crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


# ---------------------------------------------------------------- layer tar
def layer_entries(ops):
    """ops -> sorted list of tar entries (name, kind, data/target, mode, mtime)
    with whiteouts as .wh. files, opaque as .wh..wh..opq (as in a layer tar)."""
    ents = {}
    for op in ops:
        kind, path = op[0], b(op[1]).strip(b"/")
        parts = path.split(b"/")
        for i in range(1, len(parts)):
            d = b"/".join(parts[:i])
            ents.setdefault(d, ("dir", None, 0o755))
        if kind == "file":
            mode = op[3] if len(op) > 3 else 0o644
            ents[path] = ("file", b(op[2]), mode)
        elif kind == "dir":
            ents[path] = ("dir", None, op[2] if len(op) > 2 else 0o755)
        elif kind == "symlink":
            ents[path] = ("symlink", b(op[2]), 0o777)
        elif kind == "hardlink":
            ents[path] = ("hardlink", b(op[2]).strip(b"/"), 0o644)
        elif kind == "whiteout":
            d, _, n = path.rpartition(b"/")
            ents[(d + b"/" if d else b"") + b".wh." + n] = ("file", b"", 0o644)
        elif kind == "opaque":
            ents.setdefault(path, ("dir", None, 0o755))
            ents[path + b"/.wh..wh..opq"] = ("file", b"", 0o644)
    return sorted(ents.items())


def layer_tar(ops, mtime):
    """Return (tar bytes, tar-split lines) for a layer; the DiffID is the
    sha256 of the tar bytes."""
    out = io.BytesIO()
    split = []
    pos = [0]

    def seg(raw):
        split.append({"type": 2, "payload": base64.b64encode(raw).decode(),
                      "position": pos[0]})
        pos[0] += 1

    pending = b""
    for name, (kind, data, mode) in layer_entries(ops):
        ti = tarfile.TarInfo()
        ti.mtime = mtime
        ti.mode = mode
        ti.uname = ti.gname = ""
        if kind == "dir":
            ti.type = tarfile.DIRTYPE
            ti.name = name.decode("utf-8", "surrogateescape") + "/"
        else:
            ti.name = name.decode("utf-8", "surrogateescape")
        if kind == "file":
            ti.size = len(data)
        elif kind == "symlink":
            ti.type = tarfile.SYMTYPE
            ti.linkname = data.decode("utf-8", "surrogateescape")
        elif kind == "hardlink":
            ti.type = tarfile.LNKTYPE
            ti.linkname = data.decode("utf-8", "surrogateescape")
        hdr = ti.tobuf(format=tarfile.PAX_FORMAT, encoding="utf-8",
                       errors="surrogateescape")
        out.write(hdr)
        seg(pending + hdr)
        pending = b""
        ent = {"type": 1}
        try:
            ent["name"] = ti.name.encode("utf-8").decode("utf-8")
        except UnicodeEncodeError:
            ent["name_raw"] = base64.b64encode(
                ti.name.encode("utf-8", "surrogateescape")).decode()
        if kind == "file" and data:
            ent["size"] = len(data)
            ent["payload"] = base64.b64encode(crc64_iso(data)).decode()
            out.write(data)
            pad = (-len(data)) % 512
            pending = b"\0" * pad
            out.write(pending)
        else:
            ent["payload"] = None
        ent["position"] = pos[0]
        pos[0] += 1
        split.append(ent)
    end = b"\0" * 1024
    out.write(end)
    seg(pending + end)
    seg(b"")
    return out.getvalue(), split


# ---------------------------------------------------------------- the host
class Layer:
    pass


class DockerHost:
    def __init__(self, tree, root="var/lib/docker", seed="good",
                 tarsplit=True, host_root=None, driver="overlay2"):
        self.t = tree
        self.root = root.strip("/")
        self.hroot = host_root or "/" + self.root
        self.driver = driver
        self.seed = seed
        self.tarsplit = tarsplit
        self.layers = []
        self.images = []      # dicts
        self.containers = []  # dicts (expect info)
        self.repos = {}
        self.volumes = []
        self.layerdb = self.root + "/image/%s/layerdb" % driver
        self.imagedb = self.root + "/image/%s/imagedb" % driver
        t = self.t
        for d in ("containers", "image/%s/distribution" % driver, "network/files",
                  "plugins", "runtimes", "swarm", "tmp", "volumes",
                  "overlay2/l" if driver == "overlay2" else "aufs/mnt",
                  "buildkit", "containerd/daemon"):
            t.dir(self.root + "/" + d, mode=0o700)
        t.file(self.root + "/engine-id", hexid(seed + "engine")[:8] + "-" +
               hexid(seed + "engine")[8:12] + "-4" + hexid(seed + "engine")[13:16] +
               "-8" + hexid(seed + "engine")[17:20] + "-" + hexid(seed + "engine")[20:32])

    # ----- overlay2 layer directories
    def _o2_dir(self, cid, ops, lowers, committed, mtime, link_seed=None,
                rw=False):
        t = self.t
        if self.driver == "aufs":
            return self._aufs_dir(cid, ops, lowers, mtime, rw)
        base = "%s/overlay2/%s" % (self.root, cid)
        t.dir(base + "/diff", mtime=mtime, mode=0o755)
        apply_ops(t, base + "/diff", ops, mtime)
        link = linkid(link_seed or cid)
        t.file(base + "/link", link, mtime=mtime)
        if lowers:
            t.file(base + "/lower", ":".join("l/" + l for l in lowers), mtime=mtime)
            t.dir(base + "/work", mtime=mtime, mode=0o700)
            t.dir(base + "/work/work", mtime=mtime, mode=0o700)
        if committed:
            t.file(base + "/committed", b"", mtime=mtime, mode=0o600)
        t.symlink("%s/overlay2/l/%s" % (self.root, link), "../%s/diff" % cid,
                  mtime=mtime)
        t.dir(base, mtime=mtime, mode=0o710)
        return link

    def _aufs_dir(self, lid, ops, parents, mtime, rw):
        """aufs: diff/<id>/ (whiteouts as .wh. files), layers/<id> (parent
        ids, topmost first), mnt/<id>/.  Returns the id itself: aufs
        refers to layers by id, not by short links."""
        t = self.t
        base = "%s/aufs/diff/%s" % (self.root, lid)
        t.dir(base, mtime=mtime)
        wh_ops = []
        for op in ops:
            if op[0] == "whiteout":
                p = b(op[1]).strip(b"/")
                d, _, n = p.rpartition(b"/")
                wh = (d + b"/" if d else b"") + b".wh." + n
                if rw:
                    wh_ops.append(("hardlink", wh, ".wh..wh.aufs"))
                else:
                    wh_ops.append(("file", wh, b"", 0o444))
            elif op[0] == "opaque":
                wh_ops.append(("dir", op[1]))
                wh_ops.append(("file", b(op[1]).strip(b"/") + b"/.wh..wh..opq", b"", 0o444))
            else:
                wh_ops.append(op)
        if rw:
            t.file(base + "/.wh..wh.aufs", b"", mtime=mtime, mode=0o444)
            t.dir(base + "/.wh..wh.plnk", mtime=mtime, mode=0o700)
            t.dir(base + "/.wh..wh.orph", mtime=mtime, mode=0o700)
        apply_ops(t, base, wh_ops, mtime)
        t.file("%s/aufs/layers/%s" % (self.root, lid),
               "".join(p + "\n" for p in parents), mtime=mtime)
        t.dir("%s/aufs/mnt/%s" % (self.root, lid), mtime=mtime)
        return lid

    def add_layer(self, ops, parent=None, mtime=None, created_by="",
                  tarsplit=None):
        """An image layer on top of `parent` (a Layer or None)."""
        mtime = mtime or ts("2023-05-01T10:00:00") + 60 * len(self.layers)
        L = Layer()
        L.ops = ops
        L.parent = parent
        L.index = 0 if parent is None else parent.index + 1
        tarb, split = layer_tar(ops, mtime)
        L.diffid = "sha256:" + sha(tarb)
        L.chainid = L.diffid if parent is None else \
            "sha256:" + sha(parent.chainid + " " + L.diffid)
        L.cacheid = hexid("%s-cache-%s" % (self.seed, L.chainid))
        L.size = sum(len(e[1][1]) for e in layer_entries(ops) if e[1][0] == "file")
        L.created_by = created_by
        L.mtime = mtime
        L.lowers = ([parent.link] + parent.lowers) if parent else []
        L.link = self._o2_dir(L.cacheid, ops, L.lowers, True, mtime)
        if self.driver == "aufs":
            L.link = L.cacheid
        L.split = split
        d = "%s/sha256/%s" % (self.layerdb, L.chainid[7:])
        t = self.t
        t.file(d + "/diff", L.diffid, mtime=mtime)
        t.file(d + "/size", str(L.size), mtime=mtime)
        t.file(d + "/cache-id", L.cacheid, mtime=mtime)
        if parent:
            t.file(d + "/parent", parent.chainid, mtime=mtime)
        if self.tarsplit if tarsplit is None else tarsplit:
            raw = b"".join(jdump(e) + b"\n" for e in split)
            t.file(d + "/tar-split.json.gz",
                   gzip.compress(raw, mtime=0), mtime=mtime)
        self.layers.append(L)
        return L

    def chain(self, layer):
        out = []
        while layer is not None:
            out.append(layer)
            layer = layer.parent
        return out[::-1]

    # ----- images
    def add_image(self, top, tags, created=None, history=None, config=None,
                  parent_image=None, last_updated=True):
        layers = self.chain(top)
        created = created or top.mtime + 30
        hist = history or [
            {"created": rfc(L.mtime, 123456789), "created_by": L.created_by or
             "/bin/sh -c #(nop) ADD file:%s in / " % L.diffid[7:19]}
            for L in layers]
        cfg = {"Hostname": "", "Domainname": "", "User": "", "AttachStdin": False,
               "AttachStdout": False, "AttachStderr": False, "Tty": False,
               "OpenStdin": False, "StdinOnce": False,
               "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
               "Cmd": ["/bin/sh"], "Image": "", "Volumes": None, "WorkingDir": "",
               "Entrypoint": None, "OnBuild": None, "Labels": None}
        cfg.update(config or {})
        doc = {"architecture": "amd64", "config": cfg,
               "container": hexid(self.seed + "build" + tags[0] if tags else "x"),
               "container_config": dict(cfg, Cmd=["/bin/sh", "-c", "#(nop) ",
                                                   "CMD [\"/bin/sh\"]"]),
               "created": rfc(created, 987654321),
               "docker_version": "20.10.24+dfsg1",
               "history": hist, "os": "linux",
               "rootfs": {"type": "layers", "diff_ids": [L.diffid for L in layers]}}
        raw = jdump(doc)
        iid = sha(raw)
        t = self.t
        t.file("%s/content/sha256/%s" % (self.imagedb, iid), raw, mtime=created, mode=0o600)
        md = "%s/metadata/sha256/%s" % (self.imagedb, iid)
        if last_updated:
            t.file(md + "/lastUpdated", rfc(created + 5, 111222333), mtime=created + 5)
        if parent_image:
            t.file(md + "/parent", "sha256:" + parent_image, mtime=created)
        for tag in tags:
            repo = tag.rsplit(":", 1)[0]
            self.repos.setdefault(repo, {})[tag] = "sha256:" + iid
        img = {"id": iid, "top": top, "tags": tags, "config": doc,
               "raw": raw}
        self.images.append(img)
        return img

    # ----- containers
    def add_container(self, name, image, state="running", ops=(), mtime=None,
                      mounts=None, binds=None, log_lines=None, exit_code=0,
                      extra_config=None, hostconfig=True, mount_id_file=True,
                      driver="overlay2", skip_layers=False, cmd=None):
        t = self.t
        n = len(self.containers)
        cid = hexid("%s-container-%s" % (self.seed, name))
        mid = hexid("%s-mount-%s" % (self.seed, name))
        created = mtime or ts("2023-05-02T09:00:00") + 3600 * n
        top = image["top"]
        cpath = "%s/containers/%s" % (self.root, cid)
        hpath = "%s/containers/%s" % (self.hroot.rstrip("/"), cid)
        started = created + 2
        if state == "running":
            st = {"Running": True, "Paused": False, "Restarting": False,
                  "OOMKilled": False, "RemovalInProgress": False, "Dead": False,
                  "Pid": 4242 + n, "ExitCode": 0, "Error": "",
                  "StartedAt": rfc(started, 100200300), "FinishedAt": ZERO_TIME,
                  "Health": None}
        elif state == "exited":
            st = {"Running": False, "Paused": False, "Restarting": False,
                  "OOMKilled": False, "RemovalInProgress": False, "Dead": False,
                  "Pid": 0, "ExitCode": exit_code, "Error": "",
                  "StartedAt": rfc(started, 100200300),
                  "FinishedAt": rfc(started + 60, 400500600), "Health": None}
        else:  # created
            st = {"Running": False, "Paused": False, "Restarting": False,
                  "OOMKilled": False, "RemovalInProgress": False, "Dead": False,
                  "Pid": 0, "ExitCode": 0, "Error": "",
                  "StartedAt": ZERO_TIME, "FinishedAt": ZERO_TIME, "Health": None}
        cmd = cmd or ["/app/run.sh"]
        mounts = mounts or {}
        mp = {}
        for dest, m in mounts.items():
            if m["Type"] == "volume":
                mp[dest] = {"Source": "", "Destination": dest, "RW": True,
                            "Name": m["Name"], "Driver": "local", "Type": "volume",
                            "Relabel": "z", "Spec": {"Type": "volume",
                                                     "Source": m["Name"],
                                                     "Target": dest},
                            "SkipMountpointCreation": False}
            else:
                mp[dest] = {"Source": m["Source"], "Destination": dest,
                            "RW": m.get("RW", True), "Name": "", "Driver": "",
                            "Type": "bind", "Propagation": "rprivate",
                            "Spec": {"Type": "bind", "Source": m["Source"],
                                     "Target": dest},
                            "SkipMountpointCreation": False}
        logpath = "" if state == "created" else \
            "%s/%s-json.log" % (hpath, cid)
        ip = "172.17.0.%d" % (2 + n)
        net = {"bridge": {"IPAMConfig": None, "Links": None, "Aliases": None,
                          "NetworkID": hexid(self.seed + "net-bridge"),
                          "EndpointID": hexid(self.seed + "ep" + name) if state == "running" else "",
                          "Gateway": "172.17.0.1" if state == "running" else "",
                          "IPAddress": ip if state == "running" else "",
                          "IPPrefixLen": 16 if state == "running" else 0,
                          "IPv6Gateway": "", "GlobalIPv6Address": "",
                          "GlobalIPv6PrefixLen": 0,
                          "MacAddress": "02:42:ac:11:00:%02x" % (2 + n) if state == "running" else "",
                          "DriverOpts": None, "IPAMOperational": False}}
        cfg = {
            "StreamConfig": {}, "State": st, "ID": cid,
            "Created": rfc(created, 555666777), "Managed": False,
            "Path": cmd[0], "Args": cmd[1:],
            "Config": {"Hostname": cid[:12], "Domainname": "", "User": "",
                       "AttachStdin": False, "AttachStdout": True,
                       "AttachStderr": True, "ExposedPorts": {"8080/tcp": {}},
                       "Tty": False, "OpenStdin": False, "StdinOnce": False,
                       "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                               "APP_MODE=production"],
                       "Cmd": cmd, "Image": image["tags"][0] if image["tags"] else image["id"],
                       "Volumes": None, "WorkingDir": "/app", "Entrypoint": None,
                       "OnBuild": None, "Labels": {"com.example.role": name}},
            "Image": "sha256:" + image["id"],
            "NetworkSettings": {"Bridge": "", "SandboxID": hexid(self.seed + "sb" + name) if state == "running" else "",
                                "HairpinMode": False, "LinkLocalIPv6Address": "",
                                "LinkLocalIPv6PrefixLen": 0, "Networks": net,
                                "Service": None,
                                "Ports": {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]} if state == "running" else {},
                                "SandboxKey": "/var/run/docker/netns/%s" % hexid(self.seed + "sb" + name)[:12] if state == "running" else "",
                                "SecondaryIPAddresses": None,
                                "SecondaryIPv6Addresses": None, "IsAnonymousEndpoint": False,
                                "HasSwarmEndpoint": False},
            "LogPath": logpath, "Name": "/" + name, "Driver": driver,
            "OS": "linux", "MountLabel": "", "ProcessLabel": "",
            "RestartCount": 0, "HasBeenStartedBefore": state != "created",
            "HasBeenManuallyStopped": state == "exited", "MountPoints": mp,
            "SecretReferences": None, "ConfigReferences": None,
            "AppArmorProfile": "docker-default", "HostnamePath": "%s/hostname" % hpath,
            "HostsPath": "%s/hosts" % hpath, "ShmPath": "",
            "ResolvConfPath": "%s/resolv.conf" % hpath,
            "SeccompProfile": "", "NoNewPrivileges": False, "LocalLogCacheMeta": {"HaveNotifyEnabled": False}}
        if extra_config:
            extra_config(cfg)
        t.file(cpath + "/config.v2.json", jdump(cfg), mtime=created + 61, mode=0o600)
        hc = {"Binds": binds or None, "ContainerIDFile": "",
              "LogConfig": {"Type": "json-file", "Config": {}},
              "NetworkMode": "default",
              "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
              "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0},
              "AutoRemove": False, "VolumeDriver": "", "VolumesFrom": None,
              "CapAdd": None, "CapDrop": None, "CgroupnsMode": "private",
              "Dns": [], "DnsOptions": [], "DnsSearch": [], "ExtraHosts": None,
              "GroupAdd": None, "IpcMode": "private", "Cgroup": "", "Links": None,
              "OomScoreAdj": 0, "PidMode": "", "Privileged": False,
              "PublishAllPorts": False, "ReadonlyRootfs": False,
              "SecurityOpt": None, "UTSMode": "", "UsernsMode": "",
              "ShmSize": 67108864, "Runtime": "runc", "Isolation": "",
              "CpuShares": 0, "Memory": 0, "Mounts": None, "Devices": [],
              "MaskedPaths": ["/proc/asound", "/proc/acpi", "/proc/kcore"],
              "ReadonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq"]}
        if hostconfig:
            t.file(cpath + "/hostconfig.json", jdump(hc), mtime=created, mode=0o644)
        if state != "created":
            t.file(cpath + "/hostname", cid[:12] + "\n", mtime=started)
            t.file(cpath + "/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n" % (ip, cid[:12]), mtime=started)
            t.file(cpath + "/resolv.conf", "nameserver 10.0.2.3\n", mtime=started)
            t.file(cpath + "/resolv.conf.hash", sha("nameserver 10.0.2.3\n"), mtime=started)
            lines = log_lines if log_lines is not None else [
                ("stdout", "starting %s\n" % name), ("stderr", "warning: demo\n"),
                ("stdout", "listening on :8080\n")]
            if isinstance(lines, bytes):
                data = lines
            else:
                data = b"".join(jdump({"log": l, "stream": s,
                                       "time": rfc(started + i, 123456789 + i)}) + b"\n"
                                for i, (s, l) in enumerate(lines))
            t.file(cpath + "/%s-json.log" % cid, data, mtime=started + len(lines), mode=0o640)
        t.dir(cpath + "/checkpoints", mtime=created, mode=0o700)
        t.dir(cpath + "/mounts", mtime=created, mode=0o700)
        if state == "running":
            t.dir(cpath + "/mounts/shm", mtime=started, mode=0o1777)
        t.dir(cpath, mtime=created + 61, mode=0o710)
        # layers
        if not skip_layers:
            lowers = [top.link] + top.lowers
            init_ops = [("dir", "dev/pts"), ("dir", "dev/shm"), ("dir", "proc"),
                        ("dir", "sys"), ("file", ".dockerenv", b"", 0o755),
                        ("file", "dev/console", b"", 0o755),
                        ("file", "etc/hosts", b"", 0o755),
                        ("file", "etc/hostname", b"", 0o755),
                        ("file", "etc/resolv.conf", b"", 0o755),
                        ("symlink", "etc/mtab", "/proc/mounts")]
            ilink = self._o2_dir(mid + "-init", init_ops, lowers, True, created)
            clink = self._o2_dir(mid, list(ops), [ilink] + lowers, False,
                                 created + 60, rw=True)
            if state == "running" and self.driver == "overlay2":
                t.dir("%s/overlay2/%s/merged" % (self.root, mid), mtime=started)
            md = "%s/mounts/%s" % (self.layerdb, cid)
            if mount_id_file:
                t.file(md + "/mount-id", mid, mtime=created)
            t.file(md + "/init-id", mid + "-init", mtime=created)
            t.file(md + "/parent", top.chainid, mtime=created)
        info = {"id": cid, "name": name, "state": state,
                "exit_code": st["ExitCode"], "image_id": "sha256:" + image["id"],
                "driver": driver, "mount_id": mid, "cpath": cpath,
                "config": cfg, "ops": list(ops)}
        self.containers.append(info)
        return info

    def add_volume(self, name, files, mtime=None):
        mtime = mtime or ts("2023-05-02T08:00:00")
        base = "%s/volumes/%s" % (self.root, name)
        self.t.dir(base + "/_data", mtime=mtime, mode=0o755)
        apply_ops(self.t, base + "/_data", files, mtime)
        self.t.dir(base, mtime=mtime, mode=0o701)
        self.volumes.append(name)

    def finish(self):
        t = self.t
        t.file(self.root + "/image/%s/repositories.json" % self.driver,
               jdump({"Repositories": self.repos}), mode=0o600)
        t.dir(self.root + "/volumes", mode=0o701)
        t.dir(self.root, mode=0o710)

    # ----- union view (for the expect files): path -> (kind, value, layer)
    def merged(self, container):
        """Compute the expected merged view from the ops (independent of
        dof).  Returns {path: ("file", bytes, layer) | ("symlink", target,
        layer) | ("dir", None, layer)}; absent paths are not in the dict."""
        img = [i for i in self.images if "sha256:" + i["id"] == container["image_id"]][0]
        stack = [("image:%d" % L.index, L.ops) for L in self.chain(img["top"])]
        stack.append(("init", [("dir", "dev/pts"), ("dir", "dev/shm"), ("dir", "proc"),
                               ("dir", "sys"), ("file", ".dockerenv", b""),
                               ("file", "dev/console", b""), ("file", "etc/hosts", b""),
                               ("file", "etc/hostname", b""),
                               ("file", "etc/resolv.conf", b""),
                               ("symlink", "etc/mtab", "/proc/mounts")]))
        stack.append(("container", container["ops"]))
        view = {}
        for lname, ops in stack:
            opq = [b(o[1]).strip(b"/") for o in ops if o[0] == "opaque"]
            for d in opq:
                for p in list(view):
                    if p.startswith(d + b"/"):
                        del view[p]
            for op in ops:
                p = b(op[1]).strip(b"/")
                parts = p.split(b"/")
                for i in range(1, len(parts)):
                    d = b"/".join(parts[:i])
                    if d not in view or view[d][0] != "dir":
                        view[d] = ("dir", None, lname)
                if op[0] == "whiteout":
                    for q in list(view):
                        if q == p or q.startswith(p + b"/"):
                            del view[q]
                elif op[0] == "file":
                    view[p] = ("file", b(op[2]), lname)
                elif op[0] == "symlink":
                    view[p] = ("symlink", b(op[2]), lname)
                elif op[0] in ("dir", "opaque"):
                    if p not in view or view[p][0] != "dir":
                        for q in list(view):
                            if q.startswith(p + b"/"):
                                del view[q]
                    view[p] = ("dir", None, lname)
                elif op[0] == "hardlink":
                    src = b(op[2]).strip(b"/")
                    view[p] = ("file", view[src][1], lname)
        return view


def apply_ops(t, base, ops, mtime):
    for op in ops:
        kind, p = op[0], base + "/" + b(op[1]).decode("utf-8", "surrogateescape").strip("/")
        if kind == "file":
            mode = op[3] if len(op) > 3 else 0o644
            t.file(p, op[2], mtime=op[4] if len(op) > 4 else mtime, mode=mode)
        elif kind == "dir":
            t.dir(p, mtime=mtime, mode=op[2] if len(op) > 2 else 0o755)
        elif kind == "symlink":
            t.symlink(p, op[2], mtime=mtime)
        elif kind == "hardlink":
            t.hardlink(p, base + "/" + b(op[2]).decode("utf-8", "surrogateescape").strip("/"))
        elif kind == "whiteout":
            t.whiteout(p, mtime=mtime)
        elif kind == "opaque":
            t.dir(p, mtime=mtime)
            t.opaque(p)


def esc(raw):
    """dof's lossless name encoding (ARCHITECTURE.md): valid UTF-8 passes
    through, a literal backslash becomes \\\\, any other byte \\xNN."""
    raw = b(raw)
    out, i = [], 0
    while i < len(raw):
        for n in (4, 3, 2, 1):
            chunk = raw[i:i + n]
            try:
                s = chunk.decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.append("\\\\" if s == "\\" else s)
                i += n
                break
        else:
            out.append("\\x%02x" % raw[i])
            i += 1
    return "".join(out)


def expect_view(view, paths):
    """Pick paths from a merged view for an expect file."""
    out = {}
    for p in paths:
        k = b(p).strip(b"/")
        v = view.get(k)
        key = "/" + esc(k)
        if v is None:
            out[key] = None
        elif v[0] == "file":
            out[key] = {"type": "file", "size": len(v[1]), "sha256": sha(v[1]),
                        "layer": v[2]}
        elif v[0] == "symlink":
            out[key] = {"type": "symlink", "target": esc(v[1]),
                        "layer": v[2]}
        else:
            out[key] = {"type": "dir", "layer": v[2]}
    return out
