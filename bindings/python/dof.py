"""dof - Docker forensics for The Sleuth Kit, from Python.

    import dof
    with dof.open("host.E01") as ev:
        host = ev.host()
        for c in host.containers():          # dicts: list-containers --json
            print(c["name"], c["state"], c["image"])
        view = host.union("web")             # the container's merged view
        for path, entry in view.walk("/etc"):
            print(path, entry["size"], entry["source"]["kind"])
        data = view.read("/etc/passwd")      # bytes
        for rec in host.logs("web"):         # docker logs, record by record
            print(rec["timestamp"], rec["stream"], rec["message"])
    with dof.Case("case.db") as case:        # the SQLite case database
        case.ingest("host.E01")

The work is done by libdof (the C extension _dof); this module adds the
conveniences that need no C.  Everything is read-only on the evidence.
Names from the evidence are str decoded with "surrogateescape":
os.fsencode(name) gives the bytes on disk back.
"""
import posixpath
import sqlite3

from _dof import (LOG_OTHER, LOG_STDERR, LOG_STDOUT, VERSION,  # noqa: F401
                  AmbiguousError, Error, Host, Log, NotFoundError, Union,
                  ingest_modules, versions)
import _dof

__all__ = ["open", "Evidence", "DockerHost", "View", "Host", "Union", "Log", "Case", "Error",
           "NotFoundError", "AmbiguousError", "versions", "ingest_modules",
           "walk", "VERSION"]
__version__ = VERSION


class _Wrap(object):
    """Delegate to a _dof object, adding Python-only methods."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        return getattr(self._obj, name)


class View(_Wrap):
    """A merged view (Host.union, Host.image_union): the methods of
    _dof.Union (sources, stat, listdir, read, readlink) plus walk()."""

    def walk(self, top="/"):
        return walk(self._obj, top)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class DockerHost(_Wrap):
    """Evidence.host(): the methods of _dof.Host (containers, images,
    volumes, networks, roots, container, image, container_config, logs,
    diff); union() and image_union() give a View."""

    def union(self, container, mounts=True):
        return View(self._obj.union(container, mounts))

    def image_union(self, image):
        return View(self._obj.image_union(image))


class Evidence(_dof.Evidence):
    """Evidence(path, offset=-1): a disk image (raw, split, E01, VMDK,
    VHD; the first segment) or a directory, opened read-only.  offset is
    in 512-byte sectors (-1: detect the volume system)."""

    def host(self, docker_root=None, show_secrets=False):
        """The Docker data roots found on the evidence (dof.Error with
        code -10 when there is none)."""
        return DockerHost(_dof.Evidence.host(self, docker_root, show_secrets))

    def __repr__(self):
        try:
            return "<dof.Evidence %r>" % self.info()["path"]
        except ValueError:
            return "<dof.Evidence (closed)>"


def open(path, offset=-1):  # noqa: A001 - the module's entry point
    """Open evidence read-only; use as a context manager."""
    return Evidence(path, offset)


def walk(view, top="/"):
    """Yield (path, entry) for everything below top in a Union, a
    directory before what is in it, each directory's entries by name.
    Directories are listed by path once; symlinks are not followed."""
    stack = [top]
    while stack:
        d = stack.pop()
        entries = view.listdir(d)
        subdirs = []
        for e in entries:
            p = posixpath.join(d, e["name"])
            yield p, e
            if e["type"] == "dir":
                subdirs.append(p)
        stack.extend(reversed(subdirs))


class Case(_dof.Case):
    """Case(path, create=True, readonly=False): an SQLite case database
    (schema: doc/schema.md).  ingest() runs the ingest modules over one
    evidence item in one transaction; connect() opens the database with
    Python's sqlite3 for queries."""

    def __init__(self, path, create=True, readonly=False):
        super().__init__(path, create, readonly)
        self.path = path

    def connect(self):
        """A read-only sqlite3 connection to the case database."""
        import os
        uri = "file:%s?mode=ro" % os.path.abspath(self.path)
        return sqlite3.connect(uri, uri=True)

    def __repr__(self):
        return "<dof.Case %r>" % (self.path,)
