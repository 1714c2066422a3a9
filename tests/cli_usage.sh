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
check "COMMAND -h" 0 "$DOF" list-images -h
grep_ok "COMMAND -h shows its usage" "$T/out" "Usage: dof list-images"

check "missing evidence" 3 "$DOF" list-containers "$T/no-such.raw"
grep_ok "missing evidence named" "$T/err" "no-such.raw"

if command -v qemu-img >/dev/null 2>&1 &&
    qemu-img create -q -f qcow2 "$T/x.qcow2" 1M >/dev/null 2>&1; then
    check "qcow2 is refused" 3 "$DOF" list-containers "$T/x.qcow2"
    grep_ok "qcow2 named in the error" "$T/err" "qcow2"
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
