#!/bin/sh
# cli_usage.sh - the dof command line: usage errors, versions, help, and
# the exit codes for unreadable evidence and evidence without Docker data.
# TAP; run by make check with DOF set to the built binary.

DOF=${DOF:-./dof}
T=$(mktemp -d "${TMPDIR:-/tmp}/dof-cli.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
n=0
fail=0

# check DESC WANT_RC CMD...: run, compare the exit code
check() {
    desc=$1 want=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    n=$((n + 1))
    if [ "$got" -eq "$want" ]; then
        echo "ok $n - $desc (exit $got)"
    else
        echo "not ok $n - $desc: exit $got, want $want"
        sed 's/^/#   /' "$T/err"
        fail=1
    fi
}

# grep_ok DESC FILE PATTERN: the last command's output matches
grep_ok() {
    n=$((n + 1))
    if grep -q -- "$3" "$2"; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1: no '$3' in $2"
        sed 's/^/#   /' "$2"
        fail=1
    fi
}

check "no arguments is a usage error" 2 "$DOF"
check "unknown command" 2 "$DOF" frobnicate x.raw
grep_ok "unknown command named" "$T/err" "unknown command 'frobnicate'"
grep_ok "errors start with dof: error:" "$T/err" "^dof: error: "
check "option before the command" 2 "$DOF" --json list-containers x.raw
check "unknown option" 2 "$DOF" list-containers --bogus x.raw
check "missing IMAGE" 2 "$DOF" list-containers
check "two IMAGEs" 2 "$DOF" list-images a.raw b.raw
check "bad --style" 2 "$DOF" list-containers --style fancy x.raw
check "bad --offset" 2 "$DOF" status -o twelve x.raw
grep_ok "bad --offset: the option and the value named" "$T/err" "--offset.*'twelve'"
check "bad --since" 2 "$DOF" show-container-log --container x --since yesterday x.raw
grep_ok "bad --since: the option and the value named" "$T/err" "--since.*'yesterday'"
check "bad -j" 2 "$DOF" batch --db "$T/b.db" -j zero x.raw
grep_ok "bad -j: the option and the value named" "$T/err" "-j.*'zero'"
check "--offset without value" 2 "$DOF" status -o
check "show-container-config needs --container" 2 \
    "$DOF" show-container-config "$T"
check "show-image-history needs --image" 2 "$DOF" show-image-history "$T"
check "explorer: bad list choice" 2 "$DOF" explorer -r "$T" list nothing
check "explorer: history needs an id" 2 "$DOF" explorer -r "$T" history
check "explorer: mount needs a container and a mount point" 2 "$DOF" explorer -r "$T" mount a

check "--version" 0 "$DOF" --version
grep_ok "--version names dof" "$T/out" "^dof [0-9][0-9.]* (libtsk [0-9]"
tsk=$(fls -V 2>/dev/null | sed -n 's/.*Sleuth Kit ver \([^ ]*\).*/\1/p')
if [ -n "$tsk" ]; then
    grep_ok "--version gives the libtsk version fls reports" "$T/out" \
        "libtsk $tsk)"
fi
check "--help" 0 "$DOF" --help
grep_ok "--help lists list-containers" "$T/out" "list-containers"
check "help COMMAND" 0 "$DOF" help list-containers
grep_ok "help shows --style" "$T/out" "--style"
check "help of an unknown command" 2 "$DOF" help frobnicate
# one help text per command, whichever way it is asked for
for c in $("$DOF" --help | sed -n 's/^  \([a-z][a-z-]*\)  *[a-z(].*/\1/p'); do
    [ "$c" = help ] && continue
    "$DOF" help "$c" >"$T/h1" 2>&1
    r1=$?
    "$DOF" "$c" --help >"$T/h2" 2>&1
    r2=$?
    n=$((n + 1))
    if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] && cmp -s "$T/h1" "$T/h2" &&
        grep -q "^Usage: dof $c" "$T/h1"; then
        echo "ok $n - help $c = $c --help"
    else
        echo "not ok $n - help $c (exit $r1) differs from $c --help (exit $r2)"
        diff "$T/h1" "$T/h2" | sed 's/^/#   /' | head -20
        fail=1
    fi
done

# Every command of `dof --help` through the one option parser: an unknown
# option and an option of another command are usage errors (exit 2, one
# message shape); on commands that open evidence, --volume with an address
# the evidence lacks is exit 2 with the addresses it has, and an -o whose
# byte offset overflows is exit 2.
mkdir -p "$T/ev" "$T/mp" "$T/empty"
img=
if command -v mke2fs >/dev/null 2>&1 && truncate -s 4M "$T/ev/e.raw" &&
    mke2fs -q -t ext4 -F "$T/ev/e.raw" >/dev/null 2>&1; then
    img=$T/ev/e.raw
fi
# usage_ok DESC: the last run was exit 2 with the common message shape
usage_ok() {
    n=$((n + 1))
    if [ "$got" -eq 2 ] && grep -q "^dof: error: $2" "$T/err" &&
        grep -q "^Try 'dof help $c'\.\$" "$T/err"; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1: exit $got, want 2 and 'dof: error: $2'"
        sed 's/^/#   /' "$T/err"
        fail=1
    fi
}
# args_for CMD EVIDENCE: a command line that passes the parser
args_for() {
    case $1 in
    show-container-config | show-container-log | diff | macrobber-*)
        echo "--container x $2" ;;
    ls | cat) echo "--container x $2 /" ;;
    show-image-config | show-image-history | verify-image)
        echo "--image x $2" ;;
    export-container) echo "--container x --output $T/out $2" ;;
    mount-container) echo "--container x $2 $T/mp" ;;
    mount-image) echo "$2 $T/mp" ;;
    explorer) echo "$2 list" ;;
    ingest) echo "--db $T/case.db $2" ;;
    batch | merge) echo "--db $T/case.db $2" ;;
    *) echo "$2" ;;
    esac
}
for c in $("$DOF" --help | sed -n 's/^  \([a-z][a-z-]*\)  *[a-z(].*/\1/p'); do
    [ "$c" = help ] && continue
    "$DOF" "$c" --help >"$T/help" 2>&1
    # shellcheck disable=SC2046
    "$DOF" "$c" --no-such-option $(args_for "$c" "$T/empty") \
        >"$T/out" 2>"$T/err"
    got=$?
    usage_ok "$c --no-such-option" "unknown option '--no-such-option'"
    foreign=--json
    grep -q -- "--json" "$T/help" && foreign=--ns
    # shellcheck disable=SC2046
    "$DOF" "$c" $foreign $(args_for "$c" "$T/empty") >"$T/out" 2>"$T/err"
    got=$?
    usage_ok "$c $foreign (another command's option)" \
        "unknown option '$foreign'"
    if grep -q -- "--volume ADDRESS" "$T/help"; then
        # shellcheck disable=SC2046
        "$DOF" "$c" --volume nosuch $(args_for "$c" "$T/empty") \
            >"$T/out" 2>"$T/err"
        got=$?
        n=$((n + 1))
        if [ "$got" -eq 2 ] && grep -q 'only volume is "dir"' "$T/err"; then
            echo "ok $n - $c --volume nosuch on a directory (exit 2)"
        else
            echo "not ok $n - $c --volume nosuch on a directory: exit $got"
            sed 's/^/#   /' "$T/err"
            fail=1
        fi
        if [ -n "$img" ]; then
            # shellcheck disable=SC2046
            "$DOF" "$c" --volume nosuch $(args_for "$c" "$img") \
                >"$T/out" 2>"$T/err"
            got=$?
            n=$((n + 1))
            if [ "$got" -eq 2 ] &&
                grep -q 'has no partition nosuch (it has: 0)' "$T/err"; then
                echo "ok $n - $c --volume nosuch lists the addresses (exit 2)"
            else
                echo "not ok $n - $c --volume nosuch on an image: exit $got"
                sed 's/^/#   /' "$T/err"
                fail=1
            fi
        fi
        # shellcheck disable=SC2046
        "$DOF" "$c" -o 1 --volume 0 $(args_for "$c" "$T/empty") \
            >"$T/out" 2>"$T/err"
        got=$?
        usage_ok "$c -o with --volume" "give -o/--offset or --volume"
    fi
    if grep -q -- "--offset SECTORS" "$T/help"; then
        for big in 18014398509481984 99999999999999999999999; do
            # shellcheck disable=SC2046
            "$DOF" "$c" -o $big $(args_for "$c" "$T/empty") \
                >"$T/out" 2>"$T/err"
            got=$?
            usage_ok "$c -o $big overflows" "--offset $big is too large"
        done
    fi
done
# One exit code for unreadable evidence on every command (README: 3),
# and 4 for readable evidence without container data.
truncate -s 8M "$T/ev/zero.raw"
for c in $("$DOF" --help | sed -n 's/^  \([a-z][a-z-]*\)  *[a-z(].*/\1/p'); do
    case $c in help | batch | merge) continue ;; esac
    rm -f "$T/case.db"
    # shellcheck disable=SC2046
    check "$c on a missing image" 3 "$DOF" "$c" $(args_for "$c" "$T/ev/none.raw")
    rm -f "$T/case.db"
    # shellcheck disable=SC2046
    check "$c on a zero-filled image" 3 "$DOF" "$c" $(args_for "$c" "$T/ev/zero.raw")
    grep_ok "$c on a zero-filled image: says why" "$T/err" "no readable filesystem"
    # mount-image serves any readable volume: it needs no containers
    if [ -n "$img" ] && [ "$c" != mount-image ]; then
        rm -f "$T/case.db"
        # shellcheck disable=SC2046
        check "$c on an ext4 image without containers" 4 "$DOF" "$c" \
            $(args_for "$c" "$img")
    fi
done
[ -n "$img" ] || { n=$((n + 1)); echo "ok $n # SKIP mke2fs not available"; }
check "--volume 0 on an image opens it" 4 "$DOF" status --volume 0 "$img"
grep_ok "--volume 0: the volume is described" "$T/out" "^Volume 0 "
check "--volume dir on a directory" 4 "$DOF" status --volume dir "$T/empty"

check "COMMAND -h" 0 "$DOF" list-images -h
grep_ok "COMMAND -h shows its usage" "$T/out" "Usage: dof list-images"

check "missing evidence" 3 "$DOF" list-containers "$T/no-such.raw"
grep_ok "missing evidence named" "$T/err" "no-such.raw"

if command -v qemu-img >/dev/null 2>&1 &&
    qemu-img create -q --object secret,id=s0,data=x -f qcow2 \
        -o encrypt.format=luks,encrypt.key-secret=s0 "$T/x.qcow2" 1M \
        >/dev/null 2>&1; then
    check "encrypted qcow2 is refused" 3 "$DOF" list-containers "$T/x.qcow2"
    grep_ok "encryption named in the error" "$T/err" "encrypted (LUKS"
else
    n=$((n + 1))
    echo "ok $n # SKIP qemu-img not available"
fi

mkdir -p "$T/empty/etc" && echo 'root:x:0:' >"$T/empty/etc/group"
check "directory without Docker data" 4 "$DOF" list-containers "$T/empty"
check "status of it still exits 4" 4 "$DOF" status "$T/empty"
grep_ok "status describes the evidence" "$T/out" "^Evidence: "
check "status --json of it" 4 "$DOF" status --json "$T/empty"
if command -v python3 >/dev/null 2>&1; then
    n=$((n + 1))
    if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"dof", "status", "warnings"}, d.keys()
assert d["dof"]["evidence"]["format"] == "dir"
assert d["status"]["data_roots"] == []
assert d["dof"]["command_line"][1:] == ["status", "--json", sys.argv[2]]
' "$T/out" "$T/empty" 2>"$T/py"; then
        echo "ok $n - status --json envelope"
    else
        echo "not ok $n - status --json envelope"
        sed 's/^/#   /' "$T/py"
        fail=1
    fi
fi
check "explorer -r on a non-Docker directory" 4 \
    "$DOF" explorer -r "$T/empty" list all_containers
check "explorer -r on a missing directory" 3 \
    "$DOF" explorer -r "$T/missing" list all_containers

echo "1..$n"
exit $fail
