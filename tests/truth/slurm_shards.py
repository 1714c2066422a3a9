#!/usr/bin/env python3
"""slurm_shards.py - the lab-cluster recipe of doc/schema.md ("Batch,
shards, merge"), run as written (TAP).

The recipe's lines are read from doc/schema.md, not copied here: the
`parallel` line, the `sbatch` line with its shards.sbatch script, and the
`dof merge` line.  The evidence list is the committed real-engine images
(images/real/*.raw.xz, unpacked into the test cache) plus three synthetic
cases (good, corrupt-config, bbolt).  For each way of running the shards:

- every shard database holds exactly the items `--shard K/4` names
  (the list sorted byte-wise, index mod 4 = K-1: computed here), each
  complete (status ok or warnings);
- the merged case equals one `dof batch -j 2` of the same list, every
  table's rows (tests/lib/casedb.py: ids, ingest times left out), and a
  merge of only three shards does not (the comparison can fail).

Slurm: as root, with Debian's slurm-wlm and munge installed, the test
starts a private one-node cluster on localhost in a temporary directory
(its own munge key and munged socket, slurm.conf given by SLURM_CONF,
ports outside the ephemeral range, state, spool, logs and pid files in the
directory; the system's /etc/slurm and munge are not used) and runs the
array job with `sbatch --wait`.  Slurm's own job completion log
(jobcomp/filetxt) must show the 4 array tasks COMPLETED with exit 0 on
this node.  The cluster is always torn down (jobs cancelled, slurmd,
slurmctld and munged stopped, the directory removed), also on SIGTERM.
GNU parallel: the `parallel` line; its exit is the number of shards that
had warnings (dof batch exits 1), computed from the single batch.
"""
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import corpus  # noqa: E402
from casedb import content, differing  # noqa: E402

t = corpus.Tap()
NSHARDS = 4
SEARCH_PATH = os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"
SLURM_TOOLS = ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "scancel",
               "squeue")


def which(cmd):
    return shutil.which(cmd, path=SEARCH_PATH)


def on_signal(signum, frame):
    raise SystemExit(128 + signum)  # runs the finally: clauses


def doc_recipe():
    """({'parallel': line, 'sbatch': line, 'dof merge': line}, script)
    from doc/schema.md, or None."""
    text = open(os.path.join(corpus.SRCDIR, "doc", "schema.md")).read()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    recipe = [b for b in blocks if "sbatch --wait" in b]
    script = [b for b in blocks if b.startswith("#!/bin/sh") and
              "#SBATCH" in b]
    if len(recipe) != 1 or len(script) != 1:
        return None
    cmds = {}
    for line in recipe[0].replace("\\\n", " ").splitlines():
        line = " ".join(line.split())
        for k in ("parallel", "sbatch", "dof merge"):
            if line.startswith(k + " "):
                cmds[k] = line
    return cmds, script[0]


def clean_env(path_first):
    """The environment without Slurm's variables (this could run inside
    a Slurm job), dof's directory first in PATH."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLURM_", "SBATCH_", "SALLOC_", "SRUN_",
                                "SQUEUE_", "SINFO_", "SCANCEL_"))}
    env["PATH"] = path_first + ":" + SEARCH_PATH
    return env


def free_ports(k):
    """k distinct TCP ports that bind now, below the ephemeral range (so
    that no outgoing connection takes one before the daemons bind it)."""
    ports = []
    for port in random.sample(range(20000, 32000), 200):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("", port))
            ports.append(port)
        except OSError:
            pass
        finally:
            s.close()
        if len(ports) == k:
            return ports
    raise RuntimeError("no free TCP ports")


class Cluster:
    """munged + slurmctld + slurmd on localhost, all in directory d."""

    def __init__(self, d, env):
        self.d = d
        self.env = env
        self.procs = []  # (name, Popen), in start order
        self.host = socket.gethostname().split(".")[0]

    def path(self, name):
        return os.path.join(self.d, name)

    def spawn(self, name, argv):
        log = open(self.path(name + ".out"), "wb")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                             stderr=subprocess.STDOUT, env=self.env,
                             start_new_session=True)
        log.close()
        self.procs.append((name, p))
        return p

    def log(self, name, lines=15):
        try:
            with open(self.path(name + ".out"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError as e:
            return str(e)

    def start(self):
        """None when the node is idle, else what went wrong."""
        os.makedirs(self.d)
        os.chmod(self.d, 0o755)  # munged: the socket's directory o+x
        for sub in ("state", "spool"):
            os.mkdir(self.path(sub), 0o700)
        key = self.path("munge.key")
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(1024))
        os.close(fd)
        sock = self.path("munge.socket")
        p = self.spawn("munged", [
            which("munged"), "-F", "--key-file=" + key, "--socket=" + sock,
            "--pid-file=" + self.path("munged.pid"),
            "--log-file=" + self.path("munged.log"),
            "--seed-file=" + self.path("munged.seed"), "--num-threads=2"])
        end = time.time() + 20
        while not os.path.exists(sock):
            if p.poll() is not None or time.time() > end:
                return "munged did not start:\n" + self.log("munged")
            time.sleep(0.1)
        ctld_port, d_port = free_ports(2)
        conf = self.env["SLURM_CONF"]
        with open(conf, "w") as f:
            f.write("""# private one-node cluster of tests/truth/slurm_shards.py
ClusterName=dofshards
SlurmctldHost={host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={sock}
CredType=cred/munge
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={d}/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
# sbatch --wait polls every 2 s while MinJobAge/2 <= 2
MinJobAge=5
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""".format(host=self.host, ctld_port=ctld_port, d_port=d_port, sock=sock,
           d=self.d, cpus=os.cpu_count() or 1))
        self.spawn("slurmctld", [which("slurmctld"), "-D", "-f", conf])
        self.spawn("slurmd", [which("slurmd"), "-D", "-f", conf, "-N",
                              self.host])
        end = time.time() + 60
        state = ""
        while time.time() < end:
            for name, q in self.procs:
                if q.poll() is not None:
                    return "%s exited %d:\n%s" % (name, q.returncode,
                                                  self.log(name))
            r = subprocess.run([which("sinfo"), "-h", "-N", "-o", "%N %T"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env=self.env, timeout=30)
            state = r.stdout.strip()
            if state == self.host + " idle":
                return None
            time.sleep(0.3)
        return "node not idle in 60 s: %r\n%s\n%s" % (
            state, self.log("slurmctld"), self.log("slurmd"))

    def stop(self):
        """Cancel what still runs, stop the daemons (last started first)."""
        names = {n for n, p in self.procs if p.poll() is None}
        if {"slurmctld", "slurmd"} <= names:
            try:
                subprocess.run([which("scancel"), "--user=root"],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=self.env,
                               timeout=20)
                end = time.time() + 20
                while time.time() < end and subprocess.run(
                        [which("squeue"), "-h"], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, env=self.env,
                        timeout=20).stdout.strip():
                    time.sleep(0.5)
            except (OSError, subprocess.SubprocessError):
                pass
        for name, p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        left = [(n, p.pid) for n, p in self.procs if p.poll() is None]
        self.procs = []
        return left


def check_shards(label, d, items):
    """Each shardK.db holds the items --shard K/4 names, all complete."""
    order = sorted(items, key=os.fsencode)  # dof sorts with strcmp
    for k in range(1, NSHARDS + 1):
        db = os.path.join(d, "shard%d.db" % k)
        if not t.ok(os.path.exists(db), "%s: shard%d.db written" % (label, k)):
            continue
        rows = sorted(q(db, "SELECT path, status FROM evidence"))
        want = sorted(order[k - 1::NSHARDS])
        t.eq([r[0] for r in rows], want, "%s: shard %d/%d holds items "
             "index mod %d = %d of the sorted list (%d)" %
             (label, k, NSHARDS, NSHARDS, k - 1, len(want)))
        t.ok(all(r[1] in ("ok", "warnings") for r in rows),
             "%s: shard %d items complete" % (label, k), rows)


def q(db, sql):
    c = sqlite3.connect(db)
    try:
        return c.execute(sql).fetchall()
    finally:
        c.close()


def check_merge(label, d, merge_cmd, env, want):
    r = subprocess.run(["sh", "-c", merge_cmd], cwd=d, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    t.ok(r.returncode == 0, "%s: `%s`: exit 0" % (label, merge_cmd),
         r.stderr)
    case = os.path.join(d, merge_cmd.split("--db", 1)[1].split()[0])
    got = content(case) if os.path.exists(case) else {}
    t.ok(got == want, "%s: merged case = one dof batch (%d tables, %d rows)"
         % (label, len(want), sum(v[0] for v in want.values())),
         differing(got, want))
    # the same merge without the last shard must differ
    part = os.path.join(d, "part.db")
    r = subprocess.run(["dof", "merge", "--db", part] +
                       [os.path.join(d, "shard%d.db" % k)
                        for k in range(1, NSHARDS)],
                       env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=300)
    t.ok(r.returncode == 0 and content(part) != want,
         "%s: shards 1-%d merged without shard %d differ from the batch"
         % (label, NSHARDS - 1, NSHARDS), r.stderr)


def run_parallel(tmp, cmds, lst, env, want, warn_shards):
    d = os.path.join(tmp, "parallel")
    os.mkdir(d)
    shutil.copy(lst, os.path.join(d, "list.txt"))
    t0 = time.time()
    r = subprocess.run(["sh", "-c", cmds["parallel"]], cwd=d, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=600)
    t.ok(r.returncode == warn_shards, "parallel: `%s`: exit %d (shards with "
         "warnings) in %.1fs" % (cmds["parallel"], warn_shards,
                                 time.time() - t0),
         (r.returncode, r.stderr[-2000:]))
    check_shards("parallel", d, open(lst).read().splitlines())
    check_merge("parallel", d, cmds["dof merge"], env, want)


def run_slurm(tmp, cmds, script, lst, bindir, want):
    d = os.path.join(tmp, "slurm")
    os.mkdir(d)
    shutil.copy(lst, os.path.join(d, "list.txt"))
    script_name = cmds["sbatch"].split()[-1]
    with open(os.path.join(d, script_name), "w") as f:
        f.write(script)
    env = clean_env(bindir)
    cl_dir = os.path.join(tmp, "cluster")
    env["SLURM_CONF"] = os.path.join(cl_dir, "slurm.conf")
    cl = Cluster(cl_dir, env)
    try:
        t0 = time.time()
        err = cl.start()
        if not t.ok(err is None, "slurm: private cluster up, node %s idle "
                    "(%.1fs)" % (cl.host, time.time() - t0), err):
            return
        t0 = time.time()
        try:
            r = subprocess.run(["sh", "-c", cmds["sbatch"]], cwd=d, env=env,
                               stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, timeout=300)
            rc, out, errs = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, errs = "timeout", e.stdout or "", e.stderr or ""
            out = out.decode() if isinstance(out, bytes) else out
            errs = errs.decode() if isinstance(errs, bytes) else errs
        t.ok(rc == 0, "slurm: `%s`: exit 0 in %.1fs" %
             (cmds["sbatch"], time.time() - t0),
             "%s\n%s\n%s\nslurmctld:\n%s\nslurmd:\n%s" % (
                 rc, out, errs, cl.log("slurmctld"), cl.log("slurmd")))
        m = re.search(r"Submitted batch job (\d+)", out)
        if not t.ok(m is not None, "slurm: job id printed", out):
            return
        job = m.group(1)
        # Slurm's record of each array task (written by slurmctld)
        recs = {}
        end = time.time() + 15
        while time.time() < end:
            recs = {}
            try:
                for line in open(cl.path("jobcomp.txt")):
                    f = dict(re.findall(r"(\w+)=(\S*)", line))
                    if f.get("ArrayJobId") == job:
                        recs[f.get("ArrayTaskId")] = (
                            f.get("JobState"), f.get("ExitCode"),
                            f.get("NodeList"))
            except OSError:
                pass
            if len(recs) >= NSHARDS:
                break
            time.sleep(0.5)
        t.eq(recs, {str(k): ("COMPLETED", "0:0", cl.host)
                    for k in range(1, NSHARDS + 1)},
             "slurm: job completion log: array tasks 1-%d of job %s "
             "COMPLETED, exit 0, on %s" % (NSHARDS, job, cl.host))
        outs = [k for k in range(1, NSHARDS + 1)
                if os.path.exists(os.path.join(d, "shard%d.out" % k))]
        t.eq(outs, list(range(1, NSHARDS + 1)),
             "slurm: each task wrote its shard%a.out")
        check_shards("slurm", d, open(lst).read().splitlines())
        check_merge("slurm", d, cmds["dof merge"], env, want)
    finally:
        left = cl.stop()
        t.ok(not left, "slurm: munged, slurmctld, slurmd stopped", left)


def main():
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(s, on_signal)
    if not os.access(corpus.DOF, os.X_OK):
        t.skip_all("%s not built" % corpus.DOF)
    recipe = doc_recipe()
    if not t.ok(recipe is not None and len(recipe[0]) == 3,
                "doc/schema.md: the parallel, sbatch and merge lines and "
                "the sbatch script", recipe):
        t.done()
    cmds, script = recipe
    slurm_why = None
    if os.geteuid() != 0:
        slurm_why = "not root (the test starts slurmctld, slurmd, munged)"
    else:
        missing = [c for c in SLURM_TOOLS if not which(c)]
        if missing:
            slurm_why = ("%s not installed (apt-get install slurm-wlm "
                         "munge)" % " ".join(missing))
    par_why = None if which("parallel") else "GNU parallel not installed"
    if slurm_why and par_why:
        t.skip_all("%s; %s" % (slurm_why, par_why))

    # short path: the munged socket path must fit in sun_path
    tmp = tempfile.mkdtemp(prefix="dof-shards-",
                           dir=None if len(tempfile.gettempdir()) < 40
                           else "/tmp")
    try:
        os.chmod(tmp, 0o755)
        items = [corpus.raw(v) for v in corpus.variants()]
        synth = os.path.join(tmp, "synth")
        r = subprocess.run([os.path.join(corpus.SRCDIR, "images", "synth",
                                         "make-synth.sh"), synth, "good",
                            "corrupt-config", "bbolt"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if r.returncode == 0:
            items += [os.path.join(synth, c + ".raw")
                      for c in ("good", "corrupt-config", "bbolt")]
        if len(items) < 2 * NSHARDS:
            t.skip_all("only %d evidence items (images/real, make-synth.sh: "
                       "%s)" % (len(items), r.stdout[-200:]))
        lst = os.path.join(tmp, "list.txt")
        with open(lst, "w") as f:
            f.write("\n".join(reversed(items)) + "\n")
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(corpus.DOF), os.path.join(bindir, "dof"))
        env = clean_env(bindir)
        # the reference: one batch of the whole list
        batch = os.path.join(tmp, "batch.db")
        t0 = time.time()
        r = subprocess.run(["dof", "batch", "-q", "--db", batch, "-j", "2",
                            "--list", lst], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=600)
        st = dict(q(batch, "SELECT path, status FROM evidence"))
        t.ok(r.returncode in (0, 1) and sorted(st) == sorted(items) and
             set(st.values()) <= {"ok", "warnings"},
             "dof batch -j 2 of %d items: all complete (%.1fs)" %
             (len(items), time.time() - t0), (r.returncode, r.stderr, st))
        want = content(batch)
        order = sorted(items, key=os.fsencode)
        warn_shards = sum(1 for k in range(NSHARDS)
                          if any(st.get(p) == "warnings"
                                 for p in order[k::NSHARDS]))
        if par_why:
            t.skip("parallel: the doc's parallel line", par_why)
        else:
            run_parallel(tmp, cmds, lst, env, want, warn_shards)
        if slurm_why:
            t.skip("slurm: the doc's sbatch array job", slurm_why)
        else:
            run_slurm(tmp, cmds, script, lst, bindir, want)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
