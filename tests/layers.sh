#!/bin/sh
# tests/layers.sh - the rule of which folder may include which (TAP).
#
# doc/architecture.md draws the layers; this checks the rule from the
# #include lines of core/, plugin/, tools/ and bindings/:
#  - a folder includes only the private headers its row below allows;
#  - only evidence/ and fs/ include TSK headers (fs/fs_private.h does);
#  - engines never include view/; only plugin/ includes sqlite3.h;
#  - the CLI and the bindings include nothing of core/ but dof.h;
#  - nothing below report/ writes to stdout or stderr.
set -u
top=${DOF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 1

# folder: the header prefixes it may include ("self" is its own folder)
allowed() {
    case $1 in
    core/base) echo "base/" ;;
    core/fs) echo "base/ fs/" ;;
    core/evidence) echo "base/ fs/ evidence/" ;;
    core/formats) echo "base/ formats/" ;;
    core/engine) echo "base/ fs/fs_path.h formats/ engine/" ;;
    core/engine/*) echo "base/ fs/fs_path.h formats/ engine/" ;;
    core/view) echo "base/ fs/fs_path.h formats/ engine/engine_private.h view/" ;;
    core/logs) echo "base/ fs/fs_path.h formats/ engine/engine_private.h logs/" ;;
    core/timeline) echo "base/ fs/fs_path.h formats/ timeline/" ;;
    core/report) echo "base/ formats/ report/" ;;
    plugin) echo "base/ plugin_private.h" ;;
    tools | bindings/python) echo "-" ;;
    *) echo "?" ;;
    esac
}

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
    n=$((n + 1))
    fail=$((fail + 1))
    echo "not ok $n - $1"
}

files=$(find core plugin tools bindings/python -name '*.[ch]' | sort)
[ -n "$files" ] || { echo "1..0 # SKIP no sources"; exit 0; }

bad=
for f in $files; do
    dir=$(dirname "$f")
    rule=$(allowed "$dir")
    if [ "$rule" = "?" ]; then
        bad="$bad\n$f: folder $dir has no row in tests/layers.sh"
        continue
    fi
    # quoted includes, minus the public API and the file's own header
    incs=$(sed -n 's/^#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f")
    for inc in $incs; do
        case $inc in dof.h | dof_fields.h | config.h) continue ;; esac
        # a sibling header in the same folder (tools/cli.h, plugin/...)
        [ -f "$dir/$inc" ] && [ "${inc#*/}" = "$inc" ] && continue
        okinc=0
        for a in $rule; do
            case $inc in "$a"*) okinc=1 ;; esac
        done
        [ $okinc = 1 ] || bad="$bad\n$f: includes \"$inc\""
    done
done
if [ -z "$bad" ]; then
    ok "every #include follows the layer rule"
else
    notok "layer rule broken:"
    printf "$bad\n" | sed '/^$/d; s/^/#   /'
fi

tsk=$(grep -lE '^#[ \t]*include[ \t]*<tsk/' $files | grep -vE '^core/(evidence|fs)/')
if [ -z "$tsk" ]; then ok "only evidence/ and fs/ include TSK headers"
else notok "TSK headers outside evidence/ and fs/: $tsk"; fi

sql=$(grep -lE '^#[ \t]*include[ \t]*<sqlite3\.h>' $files | grep -v '^plugin/')
if [ -z "$sql" ]; then ok "only plugin/ includes sqlite3.h"
else notok "sqlite3.h outside plugin/: $sql"; fi

eng=$(grep -lE '^#[ \t]*include[ \t]*"view/' $(echo "$files" | grep '^core/engine/'))
if [ -z "$eng" ]; then ok "engines never include view/"
else notok "engine includes view/: $eng"; fi

# writes to the terminal: stdout/stderr as identifiers (not in strings),
# printf/puts/putchar (fprintf to a FILE* the caller gave is a sink)
prn=$(echo "$files" | grep '^core/' | grep -v '^core/report/' |
    xargs grep -nE '(^|[^"_a-z])(stdout|stderr)([^"_a-z0-9]|$)|(^|[^_a-z])(printf|puts|putchar|perror)[ \t]*\(' |
    grep -v '^[^:]*:[0-9]*:[ \t]*/\?\*')
if [ -z "$prn" ]; then ok "nothing below report/ writes to stdout or stderr"
else
    notok "core/ below report/ prints:"
    echo "$prn" | sed 's/^/#   /'
fi

echo "1..$n"
[ $fail = 0 ]
