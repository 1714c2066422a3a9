#!/bin/sh
# run-fuzz.sh - run the libFuzzer targets one after another (one core).
#
#   run-fuzz.sh BUILDDIR SECONDS [TARGET...]
#
# BUILDDIR was configured with CC=clang --enable-fuzzing and the targets
# built (make tests/fuzz/fuzz_<t>).  Each target starts from the committed
# seeds (tests/fuzz/corpus/<t>, read-only) plus a working corpus in
# $FUZZ_WORK (default /tmp/dof-fuzz/<t>) that persists between runs.
# Crash inputs land in $FUZZ_WORK/<t>/artifacts/: reproduce with
# tests/fuzz/fuzz_replay <t> FILE, fix, and commit the input under
# tests/fuzz/crashes/<t>/.  One summary line per target goes to stdout:
#   TARGET seconds=N execs=N corpus=N crashes=N
set -u
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=${FUZZ_WORK:-/tmp/dof-fuzz}
targets=${*:-bbolt name time extraw jsonfile local logstream container image repositories hostinfo report bodyfile dataroot xfs lvm qcow2}
for t in $targets; do
    bin=$build/tests/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "$t: $bin not built" >&2; continue; }
    mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
    dict=
    [ -e "$here/dict/$t.dict" ] && dict="-dict=$here/dict/$t.dict"
    start=$(date +%s)
    # -rss_limit_mb: the bomb guards must hold memory well below this
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=${FUZZ_MAX_LEN:-65536} \
        -artifact_prefix="$work/$t/artifacts/" $dict \
        "$work/$t/corpus" "$here/corpus/$t" \
        >"$work/$t/log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log")
    ncorp=$(ls "$work/$t/corpus" | wc -l)
    ncrash=$(ls "$work/$t/artifacts" | wc -l)
    echo "$t seconds=$((end - start)) execs=${execs:-?} corpus=$ncorp crashes=$ncrash rc=$rc"
done
