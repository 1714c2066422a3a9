#!/usr/bin/env python3
"""Line coverage of core/ per folder, from gcovr's --json-summary output.

Used by `make coverage` (configure --enable-code-coverage); the table goes
into doc/coverage.md.  Usage: coverage_folders.py coverage.json
"""
import json
import os
import sys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        summary = json.load(f)
    folders = {}
    for entry in summary.get("files", []):
        name = entry["filename"]
        folder = os.path.dirname(name) or "."
        cov, tot = folders.get(folder, (0, 0))
        folders[folder] = (cov + entry["line_covered"], tot + entry["line_total"])
    print("%-24s %8s %8s %7s" % ("folder", "lines", "covered", "percent"))
    all_cov = all_tot = 0
    for folder in sorted(folders):
        cov, tot = folders[folder]
        all_cov += cov
        all_tot += tot
        print("%-24s %8d %8d %6.1f%%" % (folder, tot, cov,
                                          100.0 * cov / tot if tot else 0))
    print("%-24s %8d %8d %6.1f%%" % ("total", all_tot, all_cov,
                                      100.0 * all_cov / all_tot
                                      if all_tot else 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
