# bench/bench-lib.sh - helpers sourced by the bench/bench-*.sh scripts.
# Not a benchmark itself.  POSIX sh + python3 for the arithmetic.
#
# Environment:
#   DOF_BENCH_CACHE=DIR  keep generated hosts in DIR and reuse them on the
#                        next run (keyed by the gen-large-host arguments);
#                        default: generate into the run's temp dir, delete.
#   DOF_BENCH_REPS=N     repetitions per side (default 3; median reported).

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
# shellcheck disable=SC2034 # used by the scripts that source this
reps=${DOF_BENCH_REPS:-3}

# Run the real binary, not the libtool wrapper script (one fork + a shell
# less per call, and /usr/bin/time measures dof itself).
bench_dof_setup() {
    if [ -x "$build/.libs/dof" ]; then
        dof="$build/.libs/dof"
        LD_LIBRARY_PATH="$build/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        export LD_LIBRARY_PATH
    else
        dof="$build/dof"
    fi
    [ -x "$dof" ] || {
        echo "no dof binary in $build (build out of tree first)" >&2
        exit 2
    }
}

work=$(mktemp -d /tmp/dof-bench.XXXXXX)
_mounts=""
_loops=""
bench_cleanup() {
    for m in $_mounts; do
        mountpoint -q "$m" 2>/dev/null && umount "$m"
    done
    for l in $_loops; do
        i=0
        while ! losetup -d "$l" 2>/dev/null && [ $i -lt 5 ]; do
            i=$((i + 1))
            sleep 1
        done
    done
    rm -rf "$work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# bench_loop IMG: attach IMG read-only, device in $loop (detached at exit;
# not in a $(...) subshell, or the cleanup list is lost)
bench_loop() {
    loop=$(losetup -r -f --show "$1")
    _loops="$loop $_loops"
}

# bench_mount DEV DIR [OPTS]: mount read-only (unmounted at exit, before
# the loops are detached: _mounts is walked first, newest first)
bench_mount() {
    mkdir -p "$2"
    mount -o "ro,noload${3:+,$3}" "$1" "$2"
    _mounts="$2 $_mounts"
}

# bench_gen NAME GEN-ARGS... -> prints the path of the generated raw image
bench_gen() {
    _name=$1
    shift
    if [ -n "${DOF_BENCH_CACHE:-}" ]; then
        mkdir -p "$DOF_BENCH_CACHE"
        _key=$(echo "$*" | sha256sum | cut -c1-12)
        _out=$DOF_BENCH_CACHE/$_name-$_key.raw
    else
        _out=$work/$_name.raw
    fi
    if [ ! -f "$_out" ]; then
        echo "generating $_name: gen-large-host $*" >&2
        _t0=$(bench_now)
        "$top/images/gen-large-host" "$@" --out "$_out.tmp" >&2
        mv "$_out.tmp" "$_out"
        rm -rf "$_out.tmp.stage"
        echo "  generated in $(bench_since "$_t0") s" >&2
    else
        echo "reusing $_out" >&2
    fi
    echo "$_out"
}

bench_now() { date +%s.%N; }
bench_since() { python3 -c 'import sys,time; print("%.1f" % (time.time() - float(sys.argv[1])))' "$1"; }

bench_dropcaches() {
    sync
    echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
}

# bench_time FILE CMD...: run CMD, append its wall seconds to FILE; the
# peak RSS (kB, largest process) goes to FILE.rss (0 when CMD is a shell
# function).  stdout/stderr of CMD go where the
# caller sent them.  Exit status 0 or 1 (done with warnings) is success.
bench_time() {
    _f=$1
    shift
    _t0=$(bench_now)
    _rc=0
    case $(command -v "$1") in
    /*) /usr/bin/time -f '%M' -o "$_f.rss1" "$@" || _rc=$? ;;
    *) # a shell function: no RSS
        "$@" || _rc=$?
        echo 0 > "$_f.rss1" ;;
    esac
    _t1=$(bench_now)
    if [ "$_rc" -gt 1 ]; then
        echo "FAILED (exit $_rc): $*" >&2
        exit 1
    fi
    python3 -c 'import sys; print("%.6f" % (float(sys.argv[2]) - float(sys.argv[1])))' \
        "$_t0" "$_t1" >> "$_f"
    tail -n 1 "$_f.rss1" >> "$_f.rss"
}

# bench_median FILE -> median of the numbers in FILE
bench_median() {
    python3 -c 'import sys,statistics; print(statistics.median(float(l) for l in open(sys.argv[1]) if l.strip()))' "$1"
}
bench_max() {
    python3 -c 'import sys; print(max(int(float(l)) for l in open(sys.argv[1]) if l.strip()))' "$1"
}
bench_all() { tr '\n' ' ' < "$1"; }

bench_header() {
    echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine:  nproc=$(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "loadavg:  $(cat /proc/loadavg) (start)"
    echo "dof:      $("$dof" --version 2>&1 | head -n 1)"
}
bench_footer() {
    echo "loadavg:  $(cat /proc/loadavg) (end)"
}
