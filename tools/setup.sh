#!/bin/sh
# tools/setup.sh - one-step set-up on a fresh Debian 12 machine.
#
#   tools/setup.sh demo    install build deps, build, run dof on a bundled image
#   tools/setup.sh check   install build deps, build, run the test suite
#   tools/setup.sh deps    only install the Debian packages
#
# Installs packages with apt-get when run as root (or through sudo).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
what=${1:-demo}

# slurm-wlm, munge: tests/truth/slurm_shards.py starts its own one-node cluster
# (own munged socket, ports, slurm.conf); the system services are not used.
PKGS="build-essential autoconf automake libtool pkg-config
 libtsk-dev sleuthkit libewf-dev ewf-tools libjson-c-dev libsqlite3-dev sqlite3
 zlib1g-dev nettle-dev libfuse3-dev fuse3 python3 xz-utils e2fsprogs gdisk fdisk
 qemu-utils attr valgrind clang clang-format strace parallel gcovr xfsprogs lvm2
 python3-dev jython libxerial-sqlite-jdbc-java slurm-wlm munge"

install_deps() {
    missing=
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "setup: installing:$missing"
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
        --no-install-recommends $missing
}

build() {
    [ -x configure ] || ./autogen.sh
    mkdir -p build
    cd build
    [ -f Makefile ] || ../configure -q
    make -j"$(nproc)" -s
    cd "$top"
}

case "$what" in
deps) install_deps ;;
demo)
    install_deps
    build
    img=${DOF_DEMO_IMAGE:-images/real/host-a-live.raw.xz}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    xz -dc "$img" > "$tmp/demo.raw"
    echo "== dof status $img"
    ./build/dof status "$tmp/demo.raw" || true
    echo "== dof list-containers --style tabular $img"
    ./build/dof list-containers --style tabular "$tmp/demo.raw" || true
    ;;
check)
    install_deps
    build
    cd build
    make -j"$(nproc)" check
    ;;
*)
    echo "usage: tools/setup.sh demo|check|deps" >&2
    exit 2
    ;;
esac
