#!/bin/sh
# bodyfile_truth.sh - runs bodyfile_truth.py (dof's bodyfiles against fls
# -r -m and the real mactime on the synthetic and real-engine images).
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/bodyfile_truth.py" "$@"
