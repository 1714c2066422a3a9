#!/usr/bin/env python3
"""Every images/synth case gives its documented behaviour (images/README.md,
<case>.expect.json): exit code, warnings naming the damaged file, the containers
still listed, data roots, unsupported volumes; never a crash."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import corpus  # noqa: E402

t = corpus.Tap()
out = os.path.join(corpus.CACHE, "synth")
stamp = os.path.join(out, ".built")
script = os.path.join(corpus.SRCDIR, "images", "synth", "make-synth.sh")
gen = [script] + [os.path.join(os.path.dirname(script), f)
                  for f in ("make_synth.py", "dockerhost.py", "ext4tree.py", "bbolt.py")]
if not os.path.exists(stamp) or any(os.path.getmtime(stamp) < os.path.getmtime(g)
                                    for g in gen if os.path.exists(g)):
    os.makedirs(out, exist_ok=True)
    subprocess.run([script, out], check=True, stdout=subprocess.DEVNULL)
    open(stamp, "w").close()

cases = sorted(f[:-len(".expect.json")] for f in os.listdir(out)
               if f.endswith(".expect.json"))
t.ok(len(cases) >= 20, "synth cases built (%d)" % len(cases))


def text_of(doc, err):
    parts = [err]
    for w in (doc or {}).get("warnings", []) if isinstance(doc, dict) else []:
        parts.append("%s: %s" % (w.get("path") or "", w.get("message") or ""))
    return "\n".join(parts)


for case in cases:
    exp = json.load(open(os.path.join(out, case + ".expect.json")))
    img = os.path.join(out, exp["image"])
    cmd = ["list-containers", "--json", img]
    if "log" in exp:  # the damage is in a log: read it
        cmd = ["show-container-log", "--container", exp.get("log", {}).get(
            "container", "web"), img]
    p = subprocess.run([corpus.DOF] + cmd,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
    t.ok(rc >= 0 and rc <= 7, "%s: no crash (exit %d)" % (case, rc), err[-2000:])
    t.ok("AddressSanitizer" not in err and "runtime error" not in err,
         "%s: sanitizers silent" % case, err[-2000:])
    doc = None
    if p.stdout and cmd[0] == "list-containers":
        try:
            doc = json.loads(p.stdout.decode("utf-8"))
        except ValueError as e:
            t.ok(False, "%s: output is JSON" % case, str(e))
    if "exit_code" in exp:
        t.eq(rc, exp["exit_code"], "%s: exit code" % case)
    elif "exit_code_one_of" in exp:
        t.ok(rc in exp["exit_code_one_of"], "%s: exit code %d in %s"
             % (case, rc, exp["exit_code_one_of"]))
    alltext = text_of(doc, err)
    for s in exp.get("warnings_must_mention", []) + exp.get("refuse_must_mention", []):
        t.ok(s in alltext, "%s: a warning or error mentions %r" % (case, s),
             alltext[-1500:])
    if doc is None:
        continue
    conts = doc.get("containers", [])
    # a container whose config cannot be parsed has no name: it must still
    # be listed (by id, marked damaged), never dropped
    names = sorted(c["name"] for c in conts if c.get("name"))
    if "containers_listed" in exp:
        t.eq(names, sorted(exp["containers_listed"]), "%s: containers listed" % case)
    for n in exp.get("containers_listed_min", []):
        t.ok(n in names, "%s: %s still listed" % (case, n))
    byname = {c["name"]: c for c in conts if c.get("name")}
    byid = {c["id"]: c for c in conts}
    for ec in exp.get("containers", []):
        c = byname.get(ec["name"])
        if c is None and ec.get("id") in byid:
            c = byid[ec["id"]]
            t.ok(c.get("damaged") is True,
                 "%s: %s still listed by id, marked damaged" % (case, ec["name"]))
            continue
        if not t.ok(c is not None, "%s: container %s present" % (case, ec["name"])):
            continue
        for k in ("id", "state", "exit_code", "image_id", "driver", "mount_id"):
            if k in ec:
                t.eq(c.get(k), ec[k], "%s %s: %s" % (case, ec["name"], k))
    if "store_path" in exp:  # one store, named by the path that found it
        t.eq(sorted({c.get("store") for c in conts}), [exp["store_path"]],
             "%s: every container's store is %s" % (case, exp["store_path"]))
    for dr in exp.get("data_roots", []):
        t.ok(any(c.get("volume_offset_bytes") == dr["volume_offset_bytes"]
                 for c in doc.get("containers", [])),
             "%s: containers found on the data root at byte %d"
             % (case, dr["volume_offset_bytes"]))

t.done()
