#!/bin/sh
# The integration commands under valgrind on a real-engine image: no
# invalid read/write, no use of uninitialised memory, no definite leak.
# Skipped in sanitizer builds (ASan and valgrind do not mix) or without
# valgrind.
set -u
n=0
fail=0
if ! command -v valgrind >/dev/null 2>&1; then
    echo "1..0 # SKIP valgrind is not installed"; exit 0
fi
case "${DOF_SAN_CFLAGS:-}" in
*sanitize*) echo "1..0 # SKIP sanitizer build: valgrind runs in the plain build"; exit 0 ;;
esac
src=$DOF_SRCDIR/images/real/host-a-live.raw.xz
[ -f "$src" ] || { echo "1..0 # SKIP no real-engine image"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xz -dc "$src" > "$tmp/a.raw"
vg() {
    n=$((n + 1))
    desc=$1
    shift
    if "$DOF_BUILDDIR/libtool" --mode=execute valgrind -q --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite \
        --log-file="$tmp/vg.log" "$DOF" "$@" >/dev/null 2>"$tmp/err"; then
        rc=0
    else
        rc=$?
    fi
    if [ "$rc" -eq 99 ] || [ -s "$tmp/vg.log" ]; then
        fail=$((fail + 1))
        echo "not ok $n - valgrind clean: $desc (exit $rc)"
        sed 's/^/#   /' "$tmp/vg.log" | head -40
    else
        echo "ok $n - valgrind clean: $desc (exit $rc)"
    fi
}
I=$tmp/a.raw
vg "status" status --json "$I"
vg "list-containers" list-containers --json "$I"
vg "list-images" list-images --json "$I"
vg "show-image-history" show-image-history --dockerfile --image local/app:2 "$I"
vg "list-volumes, list-networks" list-networks --json "$I"
vg "show-container-log" show-container-log --container logger "$I"
vg "show-container-log (local)" show-container-log --json --container locallog "$I"
vg "diff" diff --json --container web "$I"
vg "ls -R" ls -R -l --source --container web "$I" /
vg "cat" cat --container web "$I" /etc/passwd
vg "macrobber-container-layer" macrobber-container-layer --container web "$I"
vg "timeline" timeline --logs --format csv "$I"
vg "verify-image" verify-image --image local/app:2 "$I"
vg "export-container --tar" export-container -q --container web --tar "$tmp/w.tar" "$I"
vg "ingest" ingest --db "$tmp/case.db" "$I"
vg "explorer list" explorer "$I" list all_containers
echo "1..$n"
[ "$fail" -eq 0 ]
