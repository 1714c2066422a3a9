#!/bin/bash
# verify.sh [OUTDIR]: acceptance checks of the real-engine corpus with The Sleuth Kit only.
#  - every truth JSON file parses
#  - fls -r -o <offset> finds every container's config.v2.json (from containers.json)
#  - container-layer whiteouts (web: /etc/motd; ovweb: /etc/issue; app: /etc/issue) are
#    character devices per istat
#  - meta.json journal_needs_recovery agrees with the image's superblock (INCOMPAT 0x4)
set -euo pipefail
OUT=${1:-$(cd "$(dirname "$0")/.." && pwd)/real}
TMP=$(mktemp -d /tmp/dof-verify.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for xzf in "$OUT"/*.raw.xz; do
    v=$(basename "$xzf" .raw.xz); T=$OUT/$v.truth
    echo "== $v"
    for j in $(find "$T" -name '*.json'); do python3 -m json.tool "$j" >/dev/null || bad "$j does not parse"; done
    xz -dc "$xzf" >"$TMP/img.raw"
    dr=$(jq -r .data_root "$T/meta.json")
    # partition holding the data root (longest matching mountpoint)
    read -r sect mp < <(jq -r --arg dr "$dr" '[.partitions[] | select(.mountpoint as $m | $dr == $m or ($dr | startswith(($m|rtrimstr("/")) + "/")))]
                       | max_by(.mountpoint|length) | "\(.start_sector) \(.mountpoint)"' "$T/meta.json")
    rel=${dr#"${mp%/}"}; rel=${rel#/}
    fls -r -p -o "$sect" "$TMP/img.raw" >"$TMP/fls.txt"
    n=0
    for id in $(jq -r '.[].Id' "$T/containers.json"); do
        grep -q "	${rel:+$rel/}containers/$id/config.v2.json$" "$TMP/fls.txt" || bad "$v: config.v2.json of $id not found by fls"
        n=$((n+1))
    done
    echo "   fls -o $sect: $n/$n config.v2.json found under /${rel:+$rel/}containers"
    # whiteouts in container layers
    for c in $(jq -r '.[] | .Name | ltrimstr("/")' "$T/containers.json"); do
        for p in $(jq -r '.[] | select(.Kind==2) | .Path' "$T/diff/$c.json" 2>/dev/null); do
            # overlay2 and overlay both report the container layer as GraphDriver.Data.UpperDir
            up=$(jq -r --arg c "/$c" '.[] | select(.Name==$c) | .GraphDriver.Data.UpperDir' "$T/containers.json")
            up=${up#"${mp%/}"}; up=${up#/}
            # files hidden under an opaque dir are reported as D by the naive diff but have no
            # whiteout of their own: only check names present in the upper dir
            line=$(grep -P "\t\Q$up$p\E$" "$TMP/fls.txt" || true)
            [ -n "$line" ] || continue
            inode=$(printf '%s' "$line" | cut -f1 | grep -oE '[0-9]+' | head -1)
            t=$(istat -o "$sect" "$TMP/img.raw" "$inode" | awk -F': ' '/^mode:/{print $2}')
            case $t in c*) echo "   whiteout $c:$p inode $inode mode $t";; *) bad "$v: $c:$p inode $inode is $t, not a char device";; esac
        done
    done
    # journal
    want=$(jq -r .journal_needs_recovery "$T/meta.json")
    got=false
    for s in $(jq -r '.partitions[].offset_bytes' "$T/meta.json"); do
        dev=$TMP/img.raw; [ "$s" = 0 ] || dev="$TMP/img.raw?offset=$s"
        dumpe2fs -h "$dev" 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery' && got=true
    done
    [ "$want" = "$got" ] || bad "$v: journal_needs_recovery meta=$want image=$got"
    echo "   journal_needs_recovery=$got"
done
rm -f "$TMP/img.raw"
[ $fail = 0 ] && echo "ALL OK" || { echo "SOME CHECKS FAILED"; exit 1; }
