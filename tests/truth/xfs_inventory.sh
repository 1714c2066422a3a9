#!/bin/sh
# xfs_inventory.sh - tests/truth/truth_inventory.py (list-containers, list-images,
# history, verify-image against the engine's truth, as raw, E01 and VMDK) over
# the Docker hosts on XFS in images/real-xfs/ (images/build-xfs-host.sh).
src=${DOF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DOF_REAL_IMAGES=$src/images/real-xfs
export DOF_REAL_IMAGES
exec python3 "$src/tests/truth/truth_inventory.py"
