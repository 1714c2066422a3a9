#!/usr/bin/env python3
"""make-seeds.py - build the seed corpora of tests/fuzz/corpus/<target>/.

Usage: make-seeds.py SYNTHDIR [REALDIR] [OUT]

SYNTHDIR holds the images of images/synth/make-synth.sh; REALDIR (may be
absent) the decompressed images/real/*.raw.  Real files are pulled out of
the images with TSK's fls/icat (and debugfs for raw inodes), so the seeds
are what dockerd and the kernel wrote; a few hand-made seeds per target
cover what the images lack.  Files larger than 64 KiB are cut (json-file
logs at a line boundary) or skipped.  Output names are content hashes, so
re-running adds new seeds and never duplicates.
"""
import glob
import gzip
import hashlib
import os
import re
import struct
import subprocess
import sys

MAX = 64 * 1024
SEP = b"\n--\n"


def put(out, target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if len(data) > {"bbolt": 320 * 1024, "qcow2": 128 * 1024}.get(target, MAX):
        return
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)


def run(*argv):
    return subprocess.run(argv, capture_output=True, check=False).stdout


def files(img):
    """(inode, path) of every allocated regular file of an ext image."""
    out = run("fls", "-r", "-p", "-F", img)
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        m = re.match(r"r/r (\d+):\t(.*)$", line)
        if m:
            yield int(m.group(1)), m.group(2)


def names(img):
    out = run("fls", "-r", "-p", img)
    for line in out.split(b"\n"):
        i = line.find(b":\t")
        if i > 0:
            yield line[i + 2:].rsplit(b"/", 1)[-1]


def icat(img, ino):
    return run("icat", img, str(ino))


def inode_raw(img, ino):
    """Raw on-disk bytes of one inode (debugfs inode_dump hex)."""
    out = run("debugfs", "-R", "inode_dump <%d>" % ino, img)
    raw = bytearray()
    for line in out.decode("ascii", "replace").splitlines():
        m = re.match(r"^[0-9a-f]{4}  ((?:[0-9a-f]{4} ?){1,8})", line)
        if m:
            raw += bytes.fromhex(m.group(1).replace(" ", ""))
        elif line.startswith("*"):
            raw += raw[-16:]
    return bytes(raw)


def local_records(blob):
    """Payloads of a local-driver log (u32 BE len, payload, u32 len)."""
    pos = 0
    while pos + 8 <= len(blob):
        (n,) = struct.unpack(">I", blob[pos:pos + 4])
        if pos + 8 + n > len(blob):
            break
        yield blob[pos + 4:pos + 4 + n]
        pos += 8 + n


def from_image(img, out):
    cfgs = {}
    for ino, path in files(img):
        base = path.rsplit("/", 1)[-1]
        if "/diff/" in path and not path.endswith(".log"):
            continue
        if base in ("config.v2.json", "hostconfig.json", "config.json") \
                and "/containers/" in path:
            cfgs.setdefault(path.rsplit("/", 1)[0], {})[base] = icat(img, ino)
        elif "/imagedb/content/sha256/" in path:
            put(out, "image", icat(img, ino))
        elif base.startswith("repositories"):
            put(out, "repositories", icat(img, ino))
        elif base in ("metadata.db", "local-kv.db") or path.endswith(".db"):
            put(out, "bbolt", icat(img, ino))
        elif base.endswith("-json.log") or re.search(r"-json\.log\.\d+", base):
            blob = icat(img, ino)
            if blob[:2] == b"\x1f\x8b":
                put(out, "logstream", b"\x02" + blob[:MAX - 1])
                continue
            cut = blob[:MAX - 1]
            if len(blob) > len(cut) and b"\n" in cut:
                cut = cut[:cut.rindex(b"\n") + 1]
            put(out, "logstream", b"\x02" + cut)
            for line in blob.split(b"\n")[:8]:
                if line:
                    put(out, "jsonfile", line)
        elif base.startswith("container.log") or \
                base.startswith("container-cached.log"):
            blob = icat(img, ino)
            put(out, "logstream", b"\x03" + blob[:MAX - 1])
            for rec in list(local_records(blob))[:8]:
                put(out, "local", rec)
        elif base == "daemon.json" or base == "group" or \
                base.endswith(".service") or base.endswith(".conf") or \
                (base == "config.json" and "/.docker/" in path) or \
                base == "status" or base.endswith("history"):
            put(out, "hostinfo", icat(img, ino)[:MAX])
    for d, c in cfgs.items():
        cfg = c.get("config.v2.json")
        legacy = b""
        if cfg is None:
            cfg, legacy = c.get("config.json", b""), b"\x01"
        put(out, "container", legacy + cfg + SEP + c.get("hostconfig.json", b""))
        for t in re.findall(rb'"(\d{4}-\d\d-\d\dT[^"]{8,40})"', cfg)[:4]:
            put(out, "time", t)
    for n in set(names(img)):
        if n and (not n.isascii() or any(b < 0x20 for b in n) or b"\\" in n):
            put(out, "name", b"\x00" + n)
    # raw inodes (rdev, in-inode xattrs) and the superblock
    with open(img, "rb") as f:
        f.seek(1024)
        sb = f.read(1024)
    if sb[0x38:0x3a] == b"\x53\xef":
        put(out, "extraw", sb)
    for ino in (2, 11, 12, 13, 14):
        raw = inode_raw(img, ino)
        if raw:
            put(out, "extraw", raw)


def handmade(out):
    for s in (b"plain", b"", b"back\\slash", b"\x00\xff\xfe\x80",
              b"\x01|caf\xc3\xa9\x7f\n", b"\x03|\t/\xed\xa0\x80\xf4\x90\x80\x80",
              b"\x00\xf0\x9f\x90\xb3 whale"):
        put(out, "name", s)
    for s in (b"2023-05-06T07:08:09.123456789Z", b"0001-01-01T00:00:00Z",
              b"2023-05-06T07:08:09+02:00", b"1677-09-21T00:12:43.145224192Z",
              b"2262-04-11T23:47:16.854775807Z", b"2023-13-01T00:00:00Z",
              b"2024-02-29T23:59:60.5-00:30", b"9999-12-31T23:59:59Z"):
        put(out, "time", s)
    for s in (b'{"log":"hello\\n","stream":"stdout","time":"2023-05-06T07:08:09.000000001Z"}',
              b'{"log":"\\ud800x\\u00e9\\n","stream":"stderr","time":"2023-05-06T07:08:09Z","attrs":{"a":"b"}}',
              b'{"log":"partial","stream":"stdout","time":"2023-05-06T07:08:09Z"}',
              b'{"stream":"stdout","time":"x"}'):
        put(out, "jsonfile", s)
        put(out, "logstream", b"\x02" + s + b"\n" + s + b"\n")
        put(out, "logstream", b"\x02" + gzip.compress(s + b"\n", mtime=0))

    def pb_local(src, t, line, partial=False, meta=None):
        def varint(v):
            o = b""
            while True:
                b = v & 0x7f
                v >>= 7
                if v:
                    o += bytes([b | 0x80])
                else:
                    return o + bytes([b])

        def ld(f, b):
            return varint(f << 3 | 2) + varint(len(b)) + b
        m = ld(1, src) + varint(2 << 3) + varint(t) + ld(3, line)
        if partial:
            m += varint(4 << 3) + b"\x01"
        if meta:
            last, ident, ordinal = meta
            sub = varint(1 << 3) + bytes([last]) + ld(2, ident) + \
                varint(3 << 3) + varint(ordinal)
            m += ld(5, sub)
        return m

    recs = [pb_local(b"stdout", 1683356889000000001, b"hello"),
            pb_local(b"stderr", 1683356889000000002, b"par", True,
                     (0, b"id1", 1)),
            pb_local(b"stderr", 1683356889000000003, b"tial", True,
                     (1, b"id1", 2))]
    framed = b"".join(struct.pack(">I", len(r)) + r + struct.pack(">I", len(r))
                      for r in recs)
    for r in recs:
        put(out, "local", r)
    put(out, "logstream", b"\x03" + framed)
    put(out, "logstream", b"\x03" + gzip.compress(framed, mtime=0))
    put(out, "logstream", b"\x03" + framed + SEP + framed)
    put(out, "logstream", b"\x03" + framed[:-3])
    put(out, "repositories",
        b'{"Repositories":{"busybox":{"busybox:latest":"sha256:' +
        b"a" * 64 + b'","busybox@sha256:' + b"b" * 64 + b'":"sha256:' +
        b"a" * 64 + b'"}}}')
    put(out, "repositories", b'{"busybox":{"latest":"' + b"c" * 64 + b'"}}')
    put(out, "hostinfo",
        b'{"data-root":"/srv/docker","storage-driver":"overlay2",'
        b'"hosts":["unix:///run/docker.sock","tcp://0.0.0.0:2375"],'
        b'"insecure-registries":["10.0.0.1:5000"],"log-driver":"local"}')
    put(out, "hostinfo", b"docker:x:998:alice,bob\nroot:x:0:\n")
    put(out, "hostinfo",
        b"[Service]\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n")
    put(out, "hostinfo",
        b'{"auths":{"https://index.docker.io/v1/":{"auth":"YWxpY2U6c2VjcmV0"}}}')
    put(out, "hostinfo",
        b"Package: docker.io\nStatus: install ok installed\nVersion: 20.10.24+dfsg1-1\n\n")
    # xattr block (h_magic, h_refcount, h_blocks=1) with one trusted entry
    blk = bytearray(1024)
    struct.pack_into("<III", blk, 0, 0xEA020000, 1, 1)
    name = b"overlay.opaque"
    struct.pack_into("<BBHIII", blk, 32, len(name), 4, 1020, 0, 1, 0)
    blk[48:48 + len(name)] = name
    blk[1020] = ord("y")
    put(out, "extraw", bytes(blk))
    # report: flags byte then NUL separated strings and 8-byte numbers
    put(out, "report", b"\x00" + b"\x00".join(
        [b"/var/lib/docker", b"overlay2", b"a" * 64, b"web", b"nginx:1",
         b"sha256:" + b"b" * 64]) + b"\x00" + b"\x17\x9c\x5b\x6a\x00\x00\x00\x00" * 4)
    put(out, "report", bytes(range(256)) * 4)
    put(out, "report", b"\x7f" + b"caf\xc3\xa9\x00\xff\xfe\x00|\\\x00\n\t\x00" * 20)
    put(out, "container", b'{"ID":"' + b"a" * 64 + b'","Name":"/x","State":'
        b'{"Running":true,"StartedAt":"2023-05-06T07:08:09Z"}}' + SEP +
        b'{"Privileged":true,"Binds":["/:/host"]}')
    put(out, "container", b"\x01" + b'{"ID":"' + b"c" * 64 +
        b'","Name":"/old","State":{"Running":false}}')
    put(out, "image", b'{"architecture":"amd64","os":"linux","rootfs":'
        b'{"type":"layers","diff_ids":["sha256:' + b"d" * 64 + b'","sha256:' +
        b"e" * 64 + b'"]},"history":[{"created_by":"x"},{"empty_layer":true}]}')


def partition_offsets(img):
    """Sector offsets of the partitions of a partitioned image ([0] if bare)."""
    out = run("mmls", "-a", img).decode("utf-8", "replace")
    offs = [int(m.group(1)) for m in
            re.finditer(r"^\d+:\s+\S+\s+(\d+)\s+\d+\s+\d+", out, re.M)]
    return offs or [0]


def dataroot(img, out):
    """fuzz_dataroot seeds: the Docker data root of each volume of img as
    memfs archive records (tests/fuzz/memfs.h), metadata first, then the
    entries of layer diff and volume _data directories, under 64 KiB."""
    for off in partition_offsets(img):
        o = ["-o", str(off)] if off else []
        meta, data = [], []
        root = None
        ls = run("fls", "-r", "-p", *o, img)
        ents = []
        for line in ls.split(b"\n"):
            m = re.match(rb"([a-z-])/([a-z-]) (\d+)(?:-\d+-\d+)?:\t(.*)$", line)
            if m:
                ents.append((m.group(2), int(m.group(3)), m.group(4)))
                if root is None and m.group(4).endswith(b"/image/overlay2/repositories.json"):
                    root = m.group(4)[:-len(b"/image/overlay2/repositories.json")]
        if root is None:
            continue
        for t, ino, path in ents:
            if not path.startswith(root + b"/"):
                continue
            rel = path
            bulk = b"/diff/" in path or b"/_data/" in path or \
                path.endswith(b"/diff") or path.endswith(b"/_data")
            if t == b"r":
                if path.endswith(b".db"):
                    continue  # bbolt files: the bbolt target's
                body = run("icat", *o, img, str(ino))
                cap = 16384 if path.endswith(b".json") and not bulk else \
                    (64 if bulk else 2048)
                if len(body) > cap:
                    cut = body.rfind(b"\n", 0, cap)
                    body = body[:cut + 1 if cut > 0 else cap]
                rec = b"f " + rel + b"\n" + body
            elif t == b"d":
                rec = b"d " + rel + b"\n"
            elif t == b"l":
                rec = b"l " + rel + b"\n" + run("icat", *o, img, str(ino))
            elif t == b"c":
                rec = b"c " + rel + b"\n0:0"
            else:
                continue
            if SEP in rec[2:]:
                continue
            (data if bulk else meta).append(rec)
        blob = SEP.join(meta)
        for rec in data:
            if len(blob) + len(rec) + 4 > MAX - 1024:
                break
            blob += SEP + rec
        if len(blob) <= MAX:
            put(out, "dataroot", blob)


def dataroot_handmade(out):
    """A tiny data root with what images rarely hold: an opaque directory,
    a whiteout, a layerdb parent cycle, an overlay2 lower with a dangling
    l/ link, a volume with opts.json and a hostile file name."""
    c = b"c" * 64
    i = b"1" * 64
    l1 = b"2" * 64
    l2 = b"3" * 64
    r = b"var/lib/docker/"
    recs = [
        b"f " + r + b"image/overlay2/repositories.json\n"
        b'{"Repositories":{"x":{"x:latest":"sha256:' + i + b'"}}}',
        b"f " + r + b"image/overlay2/imagedb/content/sha256/" + i + b"\n"
        b'{"architecture":"amd64","os":"linux","created":"2024-01-02T03:04:05Z",'
        b'"config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":'
        b'["sha256:' + l1 + b'","sha256:' + l2 + b'"]},'
        b'"history":[{"created":"2024-01-02T03:04:05Z","created_by":"ADD x /"}]}',
        b"f " + r + b"image/overlay2/layerdb/sha256/" + l1 + b"/diff\nsha256:" + l1,
        b"f " + r + b"image/overlay2/layerdb/sha256/" + l1 + b"/cache-id\nlow",
        b"f " + r + b"image/overlay2/layerdb/sha256/" + l1 + b"/size\n12",
        b"f " + r + b"image/overlay2/layerdb/sha256/" + l1 + b"/parent\nsha256:" + l1,
        b"f " + r + b"image/overlay2/layerdb/mounts/" + c + b"/mount-id\nup",
        b"f " + r + b"image/overlay2/layerdb/mounts/" + c + b"/init-id\nup-init",
        b"f " + r + b"image/overlay2/layerdb/mounts/" + c + b"/parent\nsha256:" + l1,
        b"f " + r + b"containers/" + c + b"/config.v2.json\n"
        b'{"ID":"' + c + b'","Name":"/web","Image":"sha256:' + i + b'",'
        b'"Created":"2024-02-03T04:05:06.123456789Z","Driver":"overlay2",'
        b'"State":{"Running":false,"StartedAt":"2024-02-03T04:05:07Z",'
        b'"FinishedAt":"2024-02-03T05:05:07Z","ExitCode":1},'
        b'"LogPath":"/var/lib/docker/containers/' + c + b"/" + c + b'-json.log",'
        b'"MountPoints":{"/data":{"Source":"","Destination":"/data","RW":true,'
        b'"Name":"vol1","Driver":"local","Type":"volume"}},'
        b'"Config":{"Cmd":["sh"],"Env":["A=1"]}}',
        b"f " + r + b"containers/" + c + b"/hostconfig.json\n"
        b'{"Privileged":true,"Binds":["/:/host"],"LogConfig":{"Type":"json-file"}}',
        b"f " + r + b"containers/" + c + b"/" + c + b"-json.log\n"
        b'{"log":"hello\\n","stream":"stdout","time":"2024-02-03T04:05:08.1Z"}\n'
        b'{"log":"part","stream":"stderr","time":"2024-02-03T04:05:09Z"}\n',
        b"f " + r + b"overlay2/up/lower\nl/AAAA:l/BBBB",
        b"f " + r + b"overlay2/up/link\nCCCC",
        b"l " + r + b"overlay2/l/AAAA\n../low/diff",
        b"d " + r + b"overlay2/low/diff/etc\n",
        b"f " + r + b"overlay2/low/diff/etc/passwd\nroot:x:0:0::/root:/bin/sh\n",
        b"d " + r + b"overlay2/up/diff/etc\n",
        b"x " + r + b"overlay2/up/diff/etc\ntrusted.overlay.opaque=y",
        b"c " + r + b"overlay2/up/diff/tmp/gone\n0:0",
        b"f " + r + b"overlay2/up/diff/tmp/a|b\nc\x01\n",
        b"l " + r + b"overlay2/up/diff/tmp/out\n../../../../etc/shadow",
        b"f " + r + b"volumes/vol1/opts.json\n"
        b'{"MountType":"tmpfs","MountOpts":"size=1m","MountDevice":"tmpfs"}',
        b"f " + r + b"volumes/vol1/_data/secret\nx",
    ]
    put(out, "dataroot", SEP.join(recs))
    # bodyfile: 48 bytes of fields, the path, SEP, the link target
    hdr = bytes([1, 0x0c, 0x0b]) + b"\xa4\x01" + b"\xe8\x03\0\0" * 2 + \
        struct.pack("<QQq", 42, 12, 1700000000123456789) + b"\0" + \
        struct.pack("<q", 1690000000) + b"\0\0"
    put(out, "bodyfile", hdr + b"/etc/passwd")
    put(out, "bodyfile", hdr[:1] + b"\x03" + hdr[2:] + b"/a|b\n\\c" + SEP + b"/tgt|x")
    put(out, "bodyfile", b"\x00\x07" + hdr[2:] + b"/deleted\xff\xfe")
    put(out, "bodyfile", b"\x02\x0e" + b"\xff" * 46 + b"rel/path")


def qcow2_seeds(out):
    """Small qcow2 files qemu-img and qemu-io wrote (512-byte clusters for
    v2/v3/compressed/zero/snapshot/backing name; 16 KiB with extended L2),
    for the fuzz_qcow2 target.  Skipped without qemu-img."""
    import shutil
    import tempfile
    if not (shutil.which("qemu-img") and shutil.which("qemu-io")):
        return
    tmp = tempfile.mkdtemp()
    writes = ["write -P 0x5a 0 3k", "write -z 4k 1k", "write -P 0x11 9k 512",
              "write -c -P 0x77 16k 512", "write -c -P 0x78 17k 512"]

    def make(name, opts, size="32k", backing=None, snap=False, io=True):
        f = os.path.join(tmp, name)
        cmd = ["qemu-img", "create", "-q", "-f", "qcow2", "-o", opts]
        if backing:
            cmd += ["-b", backing, "-F", "qcow2"]
        subprocess.run(cmd + [f, size], check=True)
        if snap:
            subprocess.run(["qemu-img", "snapshot", "-c", "before", f],
                           check=True)
        if io:
            args = ["qemu-io"]
            for w in writes:
                args += ["-c", w]
            subprocess.run(args + [f], check=False, capture_output=True)
        with open(f, "rb") as fh:
            put(out, "qcow2", fh.read())
    make("v3.qcow2", "cluster_size=512")
    make("v2.qcow2", "cluster_size=512,compat=0.10")
    make("snap.qcow2", "cluster_size=512", snap=True)
    make("base.qcow2", "cluster_size=512", io=False)
    make("over.qcow2", "cluster_size=512", backing="base.qcow2")
    make("ext.qcow2", "cluster_size=16k,extended_l2=on", size="64k",
         backing="base.qcow2")
    make("dirty.qcow2", "cluster_size=512,lazy_refcounts=on")
    shutil.rmtree(tmp)


def main():
    synth = sys.argv[1]
    real = sys.argv[2] if len(sys.argv) > 2 else ""
    out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    imgs = sorted(glob.glob(os.path.join(synth, "*.raw")))
    if real and os.path.isdir(real):
        imgs += sorted(glob.glob(os.path.join(real, "*.raw")))
    for img in imgs:
        if os.path.getsize(img) > 200 * 1024 * 1024:
            if "host-a-live" in img:
                dataroot(img, out)  # one real-engine data root
            continue
        from_image(img, out)
        dataroot(img, out)
    for bb in glob.glob(os.path.join(os.path.dirname(__file__), "..", "data",
                                     "bbolt", "*.db.gz")):
        with gzip.open(bb) as f:
            put(out, "bbolt", f.read())
    handmade(out)
    dataroot_handmade(out)
    qcow2_seeds(out)
    for t in sorted(os.listdir(out)):
        print(t, len(os.listdir(os.path.join(out, t))))


main()
