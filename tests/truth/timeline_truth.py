#!/usr/bin/env python3
"""timeline_truth.py - dof timeline against ground truth.

- every JSONL line is a JSON object with Timesketch's fields: message,
  datetime (ISO 8601), timestamp_desc (strings), timestamp (int, us, equal
  to datetime); CSV has the same columns and rows;
- container created / started / finished appear with the engine's times:
  synth `good` from its config.v2.json read with TSK's ifind/icat; real
  images from <variant>.truth/ (states-after.json, else containers.json);
- with --logs every log record appears with its time and text (synth:
  the json-file log read with icat; real: logs/<name>.stdout|stderr,
  `docker logs -t`);
- the --format bodyfile output is accepted line for line by the real
  mactime;
- events are sorted by time.
Prints TAP.
"""
import csv
import datetime
import glob
import io
import json
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tap import Tap  # noqa: E402

SRC = os.environ.get("DOF_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("DOF_BUILDDIR", ".")
FIELDS = ["message", "datetime", "timestamp", "timestamp_desc", "event_type",
          "container_id", "container_name", "image_id", "path", "inode", "macb",
          "source", "data_root", "volume_offset_bytes"]


T = Tap()
ok = T.ok


def cli_cmd():
    dof = os.environ.get("DOF", os.path.join(BUILD, "dof"))
    try:
        if subprocess.run([dof, "timeline", "--help"], capture_output=True).returncode == 0:
            return [dof]
    except OSError:
        pass
    return [dof]


CLI = cli_cmd()


def rfc3339_us(s):
    """Go RFC3339Nano -> microseconds since the epoch (None for zero)."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", s)
    if not m or m.group(1) == "0001":
        return None
    y, mo, d, h, mi, se = (int(m.group(i)) for i in range(1, 7))
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    tz = m.group(8)
    off = 0
    if tz != "Z":
        off = (int(tz[1:3]) * 60 + int(tz[4:6])) * 60 * (1 if tz[0] == "+" else -1)
    dt = datetime.datetime(y, mo, d, h, mi, se, tzinfo=datetime.timezone.utc)
    return (int(dt.timestamp()) - off) * 1000000 + int(frac)


def run(args):
    r = subprocess.run(CLI + args, capture_output=True)
    return r.returncode, r.stdout, r.stderr


def validate_jsonl(out, label):
    evs, bad = [], []
    for i, line in enumerate(out.split(b"\n")):
        if not line:
            continue
        try:
            o = json.loads(line)
        except ValueError as e:
            bad.append(f"line {i}: {e}")
            continue
        if not isinstance(o, dict):
            bad.append(f"line {i}: not an object")
            continue
        for k in ("message", "datetime", "timestamp_desc"):
            if not isinstance(o.get(k), str) or not o[k]:
                bad.append(f"line {i}: {k} missing or not a non-empty string")
        if not isinstance(o.get("timestamp"), int):
            bad.append(f"line {i}: timestamp not an integer")
        else:
            try:
                dt = datetime.datetime.fromisoformat(o["datetime"])
                us = round(dt.timestamp() * 1000000)
                if dt.utcoffset() != datetime.timedelta(0) or abs(us - o["timestamp"]) > 1:
                    bad.append(f"line {i}: datetime {o['datetime']} != timestamp {o['timestamp']}")
            except (ValueError, KeyError) as e:
                bad.append(f"line {i}: datetime: {e}")
        evs.append(o)
    ok(evs and not bad, f"{label}: {len(evs)} JSONL lines with Timesketch's fields", "\n".join(bad))
    ts = [e.get("timestamp", 0) for e in evs]
    ok(ts == sorted(ts), f"{label}: sorted by time")
    return evs


def check_csv(out, nrows, label):
    rows = list(csv.reader(io.StringIO(out.decode("utf-8", errors="replace"))))
    ok(rows and rows[0] == FIELDS and len(rows) - 1 == nrows and
       all(len(r) == len(FIELDS) for r in rows),
       f"{label}: CSV header and {nrows} rows of {len(FIELDS)} columns",
       rows[0] if rows else "empty")


def check_mactime(body, label, tmp):
    if shutil.which("mactime") is None:
        ok(True, f"{label}: mactime missing # SKIP")
        return
    keys = set()
    lines = [l for l in body.split(b"\n") if l]
    badf = [l for l in lines if len(l.split(b"|")) != 11]
    for l in lines:
        f = l.split(b"|")
        if len(f) != 11:
            continue
        t = [int(x) for x in f[7:11]]
        if any(t):
            for x in set(t):
                keys.add((x, f[2], f[1]))
    p = os.path.join(tmp, "tl.body")
    with open(p, "wb") as fh:
        fh.write(body)
    r = subprocess.run(["mactime", "-b", p, "-d", "-y", "-z", "UTC"], capture_output=True)
    rows = [l for l in r.stdout.split(b"\n")[1:] if l]
    ok(not badf and len(rows) == len(keys) and keys,
       f"{label}: mactime accepts the bodyfile timeline ({len(rows)} rows, expected {len(keys)})",
       b"\n".join(badf[:5]).decode(errors="replace"))


def check_container_events(evs, truth, label):
    """truth: {name: {created, started, finished}} in us (None = absent)"""
    have = {}
    for e in evs:
        t = e.get("event_type", "")
        if t.startswith("container_") and t != "container_file":
            have.setdefault((e.get("container_name"), t), []).append(e["timestamp"])
    miss = []
    for name, tt in truth.items():
        for kind in ("created", "started", "finished"):
            want = tt.get(kind)
            got = have.get((name, "container_" + kind), [])
            if want is None:
                if got:
                    miss.append(f"{name} {kind}: unexpected {got}")
            elif want not in got:
                miss.append(f"{name} {kind}: want {want}, got {got}")
    ok(truth and not miss, f"{label}: created/started/finished of {len(truth)} containers "
       "with the engine's times", "\n".join(miss))


def check_logs(evs, truth, label):
    """truth: {name: [(us, text)]}"""
    have = {}
    for e in evs:
        if e.get("event_type") == "log":
            have.setdefault(e.get("container_name"), []).append((e["timestamp"], e["message"]))
    miss = []
    total = 0
    for name, recs in truth.items():
        got = have.get(name, [])
        gi = 0
        for us, text in recs:
            total += 1
            enc = text.rstrip("\n").replace("\\", "\\\\").replace("\n", "\\x0a")
            found = False
            for j in range(len(got)):
                if got[j][0] == us and got[j][1].endswith(enc):
                    found = True
                    got.pop(j)
                    break
            if not found:
                miss.append(f"{name}: {us} {text!r}")
            gi += 1
    ok(total and not miss, f"{label}: all {total} log records with their times", "\n".join(miss[:20]))


def synth(tmp):
    out = os.path.join(tmp, "synth")
    r = subprocess.run(["sh", os.path.join(SRC, "images/synth/make-synth.sh"), out, "good"],
                       capture_output=True)
    if r.returncode != 0:
        ok(False, "make-synth.sh good", r.stderr.decode(errors="replace"))
        return
    exp = json.load(open(os.path.join(out, "good.expect.json")))
    img = os.path.join(out, exp["image"])
    root = exp["data_roots"][0]["path"]

    def icat(path):
        ino = subprocess.run(["ifind", "-n", path, img], capture_output=True).stdout.decode().strip()
        if not ino.isdigit():
            return None
        return subprocess.run(["icat", img, ino], capture_output=True).stdout

    truth, logs = {}, {}
    for c in exp["containers"]:
        cfg = json.loads(icat(f"{root}/containers/{c['id']}/config.v2.json"))
        st = cfg["State"]
        truth[c["name"]] = {"created": rfc3339_us(cfg["Created"]),
                            "started": rfc3339_us(st.get("StartedAt", "0001-01-01T00:00:00Z")),
                            "finished": rfc3339_us(st.get("FinishedAt", "0001-01-01T00:00:00Z"))}
        raw = icat(f"{root}/containers/{c['id']}/{c['id']}-json.log")
        if raw:
            logs[c["name"]] = [(rfc3339_us(j["time"]), j["log"]) for j in
                               (json.loads(l) for l in raw.split(b"\n") if l.strip())]
    rc, o, e = run(["timeline", "-q", "--logs", img])
    ok(rc in (0, 1), f"synth good: timeline --logs ran (exit {rc})", e.decode(errors="replace"))
    evs = validate_jsonl(o, "synth good")
    check_container_events(evs, truth, "synth good")
    check_logs(evs, logs, "synth good")
    wh = [w for w in exp.get("whiteouts", []) if w["layer"].startswith("container:")]
    for w in wh:
        name = w["layer"].split(":", 1)[1]
        ok(any(x.get("event_type") == "whiteout" and x.get("container_name") == name and
               x.get("path") == w["path"] for x in evs),
           f"synth good: whiteout {name}:{w['path']} is a deletion event")
    rc, c_out, _ = run(["timeline", "-q", "--logs", "--format", "csv", img])
    check_csv(c_out, len(evs), "synth good")
    rc, b_out, _ = run(["timeline", "-q", "--logs", "--format", "bodyfile", img])
    check_mactime(b_out, "synth good", tmp)
    rc, w_out, _ = run(["timeline", "-q", "--container", "web", img])
    wevs = validate_jsonl(w_out, "synth good --container web")
    ok(wevs and all(x.get("container_name") in (None, "web") for x in wevs) and
       any(x.get("event_type") == "container_started" for x in wevs),
       "synth good --container web: only web's events (and its image's)")


def real(tmp):
    for xz in sorted(glob.glob(os.path.join(SRC, "images/real/*.raw.xz"))):
        variant = os.path.basename(xz)[:-len(".raw.xz")]
        tdir = os.path.join(os.path.dirname(xz), variant + ".truth")
        try:
            cj = json.load(open(os.path.join(tdir, "containers.json")))
        except (OSError, ValueError) as e:
            ok(True, f"real {variant}: no truth ({e}) # SKIP")
            continue
        after = {}
        try:
            for s in json.load(open(os.path.join(tdir, "states-after.json"))):
                if s.get("name") and "State" in s:
                    after[s["name"].lstrip("/")] = s["State"]
        except (OSError, ValueError):
            pass
        img = os.path.join(tmp, variant + ".raw")
        with lzma.open(xz) as src, open(img, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        truth, logs = {}, {}
        for c in cj:
            name = c["Name"].lstrip("/")
            st = after.get(name, c["State"])
            truth[name] = {"created": rfc3339_us(c["Created"]),
                           "started": rfc3339_us(st.get("StartedAt", "0001-01-01T00:00:00Z")),
                           "finished": rfc3339_us(st.get("FinishedAt", "0001-01-01T00:00:00Z"))}
            recs = []
            for stream in ("stdout", "stderr"):
                p = os.path.join(tdir, "logs", f"{name}.{stream}")
                if not os.path.exists(p):
                    continue
                data = open(p, "rb").read().decode("utf-8", errors="replace")
                for line in data.split("\n"):
                    m = re.match(r"(\d{4}-\d\d-\d\dT\S+Z) (.*)$", line)
                    if m:
                        # docker logs -t prints each piece of a split
                        # (16 KiB+) message with its own time, no newline
                        text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ",
                                      "", m.group(2))
                        recs.append((rfc3339_us(m.group(1)), text))
            if recs:
                logs[name] = recs
        rc, o, e = run(["timeline", "-q", "--logs", img])
        ok(rc in (0, 1), f"real {variant}: timeline ran (exit {rc})", e.decode(errors="replace"))
        evs = validate_jsonl(o, f"real {variant}")
        check_container_events(evs, truth, f"real {variant}")
        if logs:
            check_logs(evs, logs, f"real {variant}")
        rc, b_out, _ = run(["timeline", "-q", "--format", "bodyfile", img])
        check_mactime(b_out, f"real {variant}", tmp)
        os.unlink(img)


def main():
    if shutil.which("ifind") is None:
        print("1..0 # SKIP sleuthkit not installed")
        return 0
    tmp = tempfile.mkdtemp(prefix="timeline-truth.")
    try:
        synth(tmp)
        real(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return T.plan()


if __name__ == "__main__":
    sys.exit(main())
