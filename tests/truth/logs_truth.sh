#!/bin/sh
# logs_truth.sh - `dof show-container-log` against ground truth (TAP).
#
# 1. A synthetic host (images/synth/dockerhost.py on ext4 via mke2fs -d):
#    a json-file container with rotated .N.gz / .1 / current files, a
#    >16 KiB line split into 16 KiB pieces, escapes; a local-driver
#    container with partial pieces and a compressed rotated file.  The
#    expected `docker logs -t` bytes are computed here in Python from the
#    records as written, not from dof.
# 2. Every real image images/real/<variant>.raw.xz with
#    <variant>.truth/logs/<name>.stdout|.stderr (from `docker logs -t`):
#    `dof show-container-log --stream stdout|stderr` must match byte for
#    byte.
#
# Environment: DOF (the dof binary), DOF_SRCDIR; DOF_LOGS_CMD overrides
# the command (e.g. a test driver calling dof_cmd_show_container_log).
set -u
SRC=${DOF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CMD=${DOF_LOGS_CMD:-"${DOF:-./dof} show-container-log"}
PATH="$PATH:/usr/sbin:/sbin"

n=0
fails=0
okk() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }

if ! $CMD --help >/dev/null 2>&1; then
    echo "1..0 # SKIP show-container-log is not wired into $CMD"
    exit 0
fi
for t in python3 mke2fs xz cmp; do
    command -v $t >/dev/null 2>&1 || { echo "1..0 # SKIP no $t"; exit 0; }
done

W=$(mktemp -d /tmp/logs_truth.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT INT TERM

# ---------------------------------------------------------------- synthetic
if python3 - "$SRC" "$W" <<'EOF'
import gzip, json, os, struct, sys
src, w = sys.argv[1], sys.argv[2]
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(src, "images", "synth"))
from ext4tree import Tree, ts
from dockerhost import DockerHost, jdump

def gotime(ns):
    # Go RFC3339NanoFixed in UTC, as `docker logs -t` prints it
    import time
    s, f = divmod(ns, 10**9)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%09dZ" % f

def gonano(ns):
    # Go RFC3339Nano (trailing zeros trimmed), as json-file stores it
    import time
    s, f = divmod(ns, 10**9)
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
    if f:
        t += ("." + "%09d" % f).rstrip("0")
    return t + "Z"

t = Tree(os.path.join(w, "stage"))
h = DockerHost(t, seed="logs")
l0 = h.add_layer([("dir", "bin"), ("file", "bin/sh", b"x", 0o755)])
img = h.add_image(l0, ["local/base:1"])
jc = h.add_container("jlog", img, "exited", [])
lc = h.add_container("llog", img, "exited", [])
h.finish()
root = h.root
T0 = ts("2023-05-02T09:00:00") * 10**9
exp = {"jlog": {"stdout": b"", "stderr": b""}, "llog": {"stdout": b"", "stderr": b""}}

# json-file: records split over 4 files, oldest in .3.gz
recs, k = [], 0
def add(stream, msg):
    global k
    k += 1
    recs.append((stream, msg, T0 + k * 1000000 + (k % 3) * 100))
for i in range(6):
    add("stdout", "line %d <tag> & \"quoted\" \\ tab\t\n" % i)
    add("stderr", "err %d caf\u00e9 \u2603 \U0001F600\n" % i)
big = "BIG:" + "A" * 20000 + "\n"
for off in range(0, len(big), 16384):   # docker's 16 KiB pieces
    add("stdout", big[off:off + 16384])
add("stdout", "nul\u0000byte\n")
add("stdout", "last line without newline")
lines = [jdump({"log": m, "stream": s, "time": gonano(ns)}) + b"\n"
         for s, m, ns in recs]
for s, m, ns in recs:
    exp["jlog"][s] += gotime(ns).encode() + b" " + m.encode()
cdir = "%s/containers/%s" % (root, jc["id"])
base = "%s/%s-json.log" % (cdir, jc["id"])
parts = [lines[0:5], lines[5:9], lines[9:14], lines[14:]]
t.file(base + ".3.gz", gzip.compress(b"".join(parts[0])))
t.file(base + ".2.gz", gzip.compress(b"".join(parts[1])))
t.file(base + ".1", b"".join(parts[2]))
t.file(base, b"".join(parts[3]))

# local driver: protobuf records, one rotated .1.gz
def varint(v):
    o = b""
    while v >= 0x80:
        o += bytes([(v & 0x7f) | 0x80]); v >>= 7
    return o + bytes([v])
def fld(n, wt, payload):
    return varint(n << 3 | wt) + payload
def entry(src, ns, line, partial=None):
    p = fld(1, 2, varint(len(src)) + src) + fld(2, 0, varint(ns)) + \
        fld(3, 2, varint(len(line)) + line)
    if partial is not None:
        last, pid, ordn = partial
        md = fld(1, 0, varint(int(last))) + fld(2, 2, varint(len(pid)) + pid) + \
             fld(3, 0, varint(ordn))
        p += fld(4, 0, varint(1)) + fld(5, 2, varint(len(md)) + md)
    return struct.pack(">I", len(p)) + p + struct.pack(">I", len(p))
lrecs = [(b"stdout", b"local driver stdout 1", None),
         (b"stderr", b"local driver stderr 1", None),
         (b"stdout", b"P" * 16384, (False, b"pid", 1)),
         (b"stdout", b"Q" * 100, (True, b"pid", 2)),
         (b"stdout", b"local driver stdout 2", None)]
blobs = []
for i, (s, line, part) in enumerate(lrecs):
    ns = T0 + 5 * 10**9 + i * 10**9
    blobs.append(entry(s, ns, line, part))
    msg = line + (b"" if part is not None and not part[0] else b"\n")
    exp["llog"][s.decode()] += gotime(ns).encode() + b" " + msg
ldir = "%s/containers/%s/local-logs" % (root, lc["id"])
t.file(ldir + "/container.log.1.gz", gzip.compress(b"".join(blobs[:2])))
t.file(ldir + "/container.log", b"".join(blobs[2:]))
hc_path = os.path.join(t.stage.decode(), "%s/containers/%s/hostconfig.json" % (root, lc["id"]))
hc = json.load(open(hc_path))
hc["LogConfig"] = {"Type": "local", "Config": {}}
t.file("%s/containers/%s/hostconfig.json" % (root, lc["id"]), jdump(hc))
t.build(os.path.join(w, "synth.raw"), 24)
for name, d in exp.items():
    for s, data in d.items():
        open(os.path.join(w, "%s.%s" % (name, s)), "wb").write(data)
EOF
then
    for name in jlog llog; do
        for s in stdout stderr; do
            if $CMD --container $name --stream $s "$W/synth.raw" \
                >"$W/out" 2>"$W/err" && cmp -s "$W/out" "$W/$name.$s"; then
                okk "synthetic $name $s matches docker logs -t"
            else
                nok "synthetic $name $s matches docker logs -t"
                cmp "$W/out" "$W/$name.$s" 2>&1 | sed 's/^/# /'
                head -c 600 "$W/err" | sed 's/^/# /'
            fi
        done
    done
    # --json joins the 16 KiB pieces into one message with two pieces
    if $CMD --container jlog --json "$W/synth.raw" >"$W/json" 2>/dev/null &&
        python3 - "$W/json" <<'EOF'
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
big = [m for m in msgs if m["message"].startswith("BIG:")]
assert len(msgs) == 15, len(msgs)
assert len(big) == 1 and len(big[0]["pieces"]) == 2, big
assert big[0]["message"] == "BIG:" + "A" * 20000 + "\n", big[0]["message"][-8:]
assert "message_base64" not in big[0]
assert msgs[0]["file"].endswith("-json.log.3.gz") and msgs[0]["offset"] == 0
assert all(m["stream"] in ("stdout", "stderr") for m in msgs)
EOF
    then
        okk "synthetic --json reassembles pieces"
    else
        nok "synthetic --json reassembles pieces"
    fi
    $CMD --container nosuch "$W/synth.raw" >/dev/null 2>&1
    rc=$?
    [ $rc = 5 ] && okk "unknown container: exit 5" ||
        nok "unknown container: exit 5 (got $rc)"
else
    nok "synthetic host built"
fi

# ---------------------------------------------------------------- real corpus
for xz in "$SRC"/images/real/*.raw.xz; do
    [ -f "$xz" ] || continue
    v=$(basename "$xz" .raw.xz)
    truth="$SRC/images/real/$v.truth/logs"
    [ -d "$truth" ] || continue
    img="$W/$v.raw"
    if ! xz -dc "$xz" >"$img"; then
        nok "$v: unpack"
        continue
    fi
    for f in "$truth"/*.stdout; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .stdout)
        for s in stdout stderr; do
            $CMD -q --container "$name" --stream $s "$img" >"$W/out" 2>"$W/err"
            rc=$?
            if cmp -s "$W/out" "$truth/$name.$s"; then
                okk "$v: $name $s byte for byte (exit $rc)"
            else
                nok "$v: $name $s byte for byte (exit $rc)"
                cmp "$W/out" "$truth/$name.$s" 2>&1 | sed 's/^/# /'
                head -c 300 "$W/err" | sed 's/^/# /'
            fi
        done
    done
    rm -f "$img"
done

echo "1..$n"
[ $fails = 0 ]
