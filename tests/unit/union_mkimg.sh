#!/bin/sh
# union_mkimg.sh OUT.raw - a synthetic layer stack on one ext4 image,
# without root: /C (container layer), /I (-init), /L2 /L1 /L0 (image
# layers, L0 = base).  Whiteouts are 0/0 char devices and opaque dirs
# carry trusted.overlay.opaque=y, made with debugfs.
set -eu
img=$1
t=$(mktemp -d "${TMPDIR:-/tmp}/union-mk.XXXXXX")
trap 'rm -rf "$t"' EXIT
r=$t/tree
mkdir -p $r/C $r/I $r/L0 $r/L1 $r/L2
# a file changed in two image layers and again in the container
printf 'base\n' > $r/L0/f.txt
printf 'one\n' > $r/L1/f.txt
printf 'two!\n' > $r/L2/f.txt
printf 'container\n' > $r/C/f.txt
# changed in two image layers, not in the container: the top one wins
printf 'base\n' > $r/L0/g.txt
printf 'one\n' > $r/L1/g.txt
printf 'two\n' > $r/L2/g.txt
# a whiteout hides a whole subtree
mkdir -p $r/L0/dir1/a/b
printf 'deep\n' > $r/L0/dir1/a/b/c
# an opaque directory
mkdir -p $r/L0/op $r/L1/op $r/C/op
printf x > $r/L0/op/x
printf y > $r/L1/op/y
printf z > $r/C/op/z
# a file over a directory
mkdir -p $r/L0/fd
printf child > $r/L0/fd/child
printf file > $r/L1/fd
# a directory over a file over a directory: no merge below the file
mkdir -p $r/L0/df $r/L2/df
printf old > $r/L0/df/old
printf file > $r/L1/df
printf new > $r/L2/df/new
# merged /etc, a whiteout of one of its files
mkdir -p $r/L0/etc $r/L1/etc $r/I/etc $r/C/etc
printf 'root:x:0:0\n' > $r/L0/etc/passwd
printf 'root:x:0:\n' > $r/L1/etc/group
printf 'ctr\n' > $r/I/etc/hostname
printf '' > $r/I/.dockerenv
printf '127.0.0.1 localhost\n' > $r/C/etc/hosts
printf 'new\n' > $r/C/newfile
# a redirected directory (renamed /orig)
mkdir -p $r/L0/orig $r/C/rd
printf o1 > $r/L0/orig/o1
# symlinks: /bin -> usr/bin in the base, followed inside the view
mkdir -p $r/L0/usr/bin
printf '#!/bin/sh\n' > $r/L0/usr/bin/sh
ln -s usr/bin $r/L0/bin
ln -s /f.txt $r/C/abs-link
# deleted from the image by an image-layer whiteout (L1 removes L0's)
printf gone > $r/L0/gone.txt
chmod -R u+rwX,go+rX $r
mke2fs -q -t ext4 -d $r -F "$img" 16M >/dev/null 2>&1
cat > $t/cmds <<'CMDS'
cd /C
mknod dir1 c 0 0
cd /C/etc
mknod passwd c 0 0
cd /L1
mknod gone.txt c 0 0
cd /
ea_set /C/op trusted.overlay.opaque y
ea_set /C/rd trusted.overlay.redirect /orig
CMDS
debugfs -w -f $t/cmds "$img" >/dev/null 2>&1
