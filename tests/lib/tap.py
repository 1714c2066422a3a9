"""TAP output for the Python tests (automake's tap-driver reads it).

One module for every test under tests/truth and tests/bindings:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "lib"))
    from tap import Tap
    t = Tap()
    t.ok(got == want, "what is checked", "detail printed when it fails")
    t.eq(got, want, "what is checked")
    t.done()            # prints the plan, exits 1 if anything failed

Python 2.7 compatible: tests/bindings/test_autopsy_mapping.py also runs
under Jython.
"""
from __future__ import print_function

import sys


class Tap(object):
    def __init__(self, prefix=""):
        self.n = 0
        self.failed = 0
        self.prefix = prefix

    def ok(self, cond, desc, detail=None, todo=None):
        """One test point; a failing one with todo set is a known bug
        (# TODO) and does not fail the file.  Returns cond."""
        self.n += 1
        if not cond and not todo:
            self.failed += 1
        print("%sok %d - %s%s%s" % ("" if cond else "not ", self.n, self.prefix,
                                    desc, " # TODO " + todo
                                    if todo and not cond else ""))
        if not cond and detail is not None and detail != "":
            for line in str(detail).splitlines()[:40]:
                print("#   " + (line if len(line) < 300 else line[:300] + "..."))
        sys.stdout.flush()
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, "got:  %r\nwant: %r" % (got, want))

    def skip(self, desc, why):
        """One test point that could not run here."""
        self.n += 1
        print("ok %d - %s%s # SKIP %s" % (self.n, self.prefix, desc, why))
        sys.stdout.flush()

    def skip_all(self, why):
        print("1..0 # SKIP " + why)
        sys.exit(0)

    def plan(self):
        """Print the plan; the exit code for the file (1 if anything failed)."""
        print("1..%d" % self.n)
        sys.stdout.flush()
        return 1 if self.failed else 0

    def done(self):
        sys.exit(self.plan())
