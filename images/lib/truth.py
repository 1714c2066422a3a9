#!/usr/bin/python3
"""Ground truth for the real-engine corpus.

  truth.py capture SOCK OUTDIR          -- from the running engine (docker CLI + API)
  truth.py after IMAGE OUTDIR META.json -- after acquisition: states read back from the copy,
                                           journal state, and meta.json

Everything here comes from dockerd (/usr/bin/docker, or its API for /changes and /history)
or from the acquired image through e2fsprogs (debugfs/dumpe2fs, no journal replay).
"""
import http.client, json, os, re, socket, subprocess, sys, urllib.parse

DOCKER = "/usr/bin/docker"


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)


def api(sock, path):
    c = UnixHTTP(sock)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError(f"GET {path}: {r.status} {body[:200]!r}")
    return json.loads(body)


def cli(sock, *args, **kw):
    env = dict(os.environ, DOCKER_CONFIG="/nonexistent-dof-client")
    return subprocess.run([DOCKER, "-H", "unix://" + sock, *args], check=True,
                          stdout=kw.get("stdout", subprocess.PIPE),
                          stderr=kw.get("stderr", subprocess.PIPE), env=env).stdout


def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def ref_file(ref):
    return re.sub(r"[/:@]", "_", ref)


def capture(sock, out):
    os.makedirs(out, exist_ok=True)
    ids = cli(sock, "ps", "-aq", "--no-trunc").decode().split()
    containers = json.loads(cli(sock, "inspect", *ids)) if ids else []
    dump(f"{out}/containers.json", containers)
    img_ids = sorted(set(cli(sock, "image", "ls", "-aq", "--no-trunc").decode().split()))
    images = json.loads(cli(sock, "image", "inspect", *img_ids)) if img_ids else []
    dump(f"{out}/images.json", images)
    vols = cli(sock, "volume", "ls", "-q").decode().split()
    dump(f"{out}/volumes.json", json.loads(cli(sock, "volume", "inspect", *vols)) if vols else [])
    nets = cli(sock, "network", "ls", "-q", "--no-trunc").decode().split()
    dump(f"{out}/networks.json", json.loads(cli(sock, "network", "inspect", *nets)))
    lines = cli(sock, "image", "ls", "--digests", "--no-trunc", "--format", "{{json .}}")
    dump(f"{out}/image-ls.json", [json.loads(l) for l in lines.decode().splitlines() if l])
    dump(f"{out}/version.json", json.loads(cli(sock, "version", "--format", "{{json .}}")))
    dump(f"{out}/info.json", json.loads(cli(sock, "info", "--format", "{{json .}}")))
    os.makedirs(f"{out}/logs", exist_ok=True)
    for c in containers:
        name = c["Name"].lstrip("/")
        # /containers/{id}/changes: null when nothing changed
        dump(f"{out}/diff/{name}.json", api(sock, f"/containers/{c['Id']}/changes") or [])
        with open(f"{out}/logs/{name}.stdout", "wb") as so, open(f"{out}/logs/{name}.stderr", "wb") as se:
            if c["HostConfig"]["LogConfig"]["Type"] in ("json-file", "local", "journald"):
                cli(sock, "logs", "-t", c["Id"], stdout=so, stderr=se)
    for im in images:
        refs = im.get("RepoTags") or []
        if not refs and not (im.get("Parent")):   # dangling top-level images only
            refs = [im["Id"]]
        for ref in refs:
            h = api(sock, "/images/" + urllib.parse.quote(ref, safe="") + "/history")
            dump(f"{out}/history/{ref_file(ref)}.json", h)


def run(*a):
    return subprocess.run(a, check=True, capture_output=True).stdout


def fsdev(image, offset):
    return f"{image}?offset={offset}" if offset else image


def debugfs(dev, cmd):
    return run("debugfs", "-R", cmd, dev)


def after(image, out, meta_path):
    meta = json.load(open(meta_path))
    facts = meta_path[:-len(".json")] + ".facts"
    if os.path.exists(facts):
        for line in open(facts):
            k, _, v = line.rstrip("\n").partition("\t")
            meta.setdefault("facts", {})[k] = v
    cj = f"{out}/containers.json"
    if os.path.exists(cj):
        meta["containers"] = {c["Name"].lstrip("/"): c["Id"] for c in json.load(open(cj))}
    parts = meta["partitions"]
    needs = {}
    for p in parts:
        dev = fsdev(image, p["offset_bytes"])
        hdr = run("dumpe2fs", "-h", dev).decode()
        feat = re.search(r"^Filesystem features:\s*(.*)$", hdr, re.M).group(1).split()
        p["fs_features"] = feat
        p["needs_recovery"] = "needs_recovery" in feat
        p["fs_state"] = re.search(r"^Filesystem state:\s*(.*)$", hdr, re.M).group(1).strip()
        needs[p["index"]] = p["needs_recovery"]
    meta["journal_needs_recovery"] = any(needs.values())
    # the partition holding the data root: the longest mountpoint that prefixes it
    dr = meta["data_root"]
    best = max((p for p in parts if dr == p["mountpoint"] or dr.startswith(p["mountpoint"].rstrip("/") + "/")),
               key=lambda p: len(p["mountpoint"]))
    rel = "/" + dr[len(best["mountpoint"].rstrip("/")):].lstrip("/")
    dev = fsdev(image, best["offset_bytes"])
    cdir = rel.rstrip("/") + "/containers"
    listing = debugfs(dev, f"ls -p {cdir}").decode()
    states = []
    for line in listing.splitlines():
        f = line.strip().split("/")[1:]     # /inode/mode/uid/gid/name/size/
        if len(f) < 5 or not re.fullmatch(r"[0-9a-f]{64}", f[4]):
            continue
        raw = debugfs(dev, f"cat {cdir}/{f[4]}/config.v2.json")
        try:
            cfg = json.loads(raw)
            states.append({"id": cfg["ID"], "name": cfg["Name"], "path": f"{dr}/containers/{f[4]}/config.v2.json",
                           "State": cfg["State"]})
        except ValueError as e:
            states.append({"id": f[4], "name": None, "path": f"{dr}/containers/{f[4]}/config.v2.json",
                           "error": f"unparsable config.v2.json: {e}", "raw_len": len(raw)})
    states.sort(key=lambda s: s["name"] or "")
    dump(f"{out}/states-after.json", states)
    dump(f"{out}/meta.json", meta)


if __name__ == "__main__":
    if sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "after":
        after(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
