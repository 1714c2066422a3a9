#!/bin/sh
# fs_mkimg.sh OUTDIR - build the fs-layer test fixtures, without root:
#   OUTDIR/tree      a host directory (dir backend)
#   OUTDIR/ext4.raw  the same tree as ext4 (mke2fs -d) + debugfs edits
#   OUTDIR/truth     KEY=VALUE facts read back with debugfs and stat(1)
# Device nodes and trusted.* xattrs go into the tree only when run as root.
set -eu
out=$1
mkdir -p "$out"
cd "$out"
rm -rf tree ext4.raw truth cmds v3000 v6000
mkdir -p tree/d tree/names tree/links tree/opaque tree/del

printf 'hello world\n' > tree/d/file.txt
chmod 0640 tree/d/file.txt
ln tree/d/file.txt tree/d/hard
for n in 'a b' 'p|q' "$(printf 'nl\nx')" "$(printf 'bad\377name')" \
    "$(printf 'caf\303\251')"; do
    printf '%s' "$n" > "tree/names/$n"
done
ln -s ../d/file.txt tree/links/short
# 84 bytes: longer than the 60 bytes that fit in the inode
ln -s "$(printf './%.0s' $(seq 40))../d" tree/links/longdir
ln -s /d tree/links/abs
ln -s loop2 tree/links/loop1
ln -s loop1 tree/links/loop2
ln -s nowhere tree/links/dangling
printf 'x' > tree/opaque/xfile
printf 'y' > tree/opaque/xhuge
printf 'kept' > tree/del/kept.txt
printf 'gone' > tree/del/gone.txt
python3 - <<'EOF'
with open("tree/big.bin", "wb") as f:
    f.write(bytes(((i * 7 + (i >> 12)) & 0xFF) for i in range(3 * 1024 * 1024)))
EOF
# 3000 bytes, one line; never starting with "0s"/"0x", which setfattr
# would take as an encoded value ("bad input encoding")
{ printf v; head -c 2250 /dev/urandom | base64 -w0 | cut -c2- | tr -d '\n'; } > v3000
head -c 6000 /dev/zero | tr '\0' Q > v6000

mke2fs -q -t ext4 -b 4096 -I 256 -O ea_inode -d tree -F ext4.raw 32M

# the same edits in the image (debugfs) and, where we may, in the tree
cat > cmds <<EOF
set_inode_field d/file.txt mtime 20230506070809
set_inode_field d/file.txt mtime_extra 493827156
set_inode_field d/file.txt uid 1234
set_inode_field d/file.txt gid 5678
mknod wh c 0 0
set_inode_field wh mode 020000
mknod sda1 b 8 17
mknod bigminor c 4 300
ea_set opaque trusted.overlay.opaque y
ea_set opaque user.note hi
ea_set opaque/xfile user.big $(cat v3000)
ea_set opaque/xhuge user.huge $(cat v6000)
rm del/gone.txt
EOF
debugfs -w -f cmds ext4.raw >/dev/null 2>&1
rm tree/del/gone.txt
touch -m -d '2023-05-06 07:08:09.123456789 UTC' tree/d/file.txt
setfattr -n user.note -v hi tree/opaque
setfattr -n user.big -v "$(cat v3000)" tree/opaque/xfile
# 6000 bytes need ea_inode, which the host filesystem may lack
dir_huge=1
setfattr -n user.huge -v "$(cat v6000)" tree/opaque/xhuge 2>/dev/null ||
    dir_huge=0
if [ "$(id -u)" = 0 ]; then
    chown 1234:5678 tree/d/file.txt
    mknod tree/wh c 0 0 && chmod 0000 tree/wh
    mknod tree/sda1 b 8 17
    mknod tree/bigminor c 4 300
    setfattr -n trusted.overlay.opaque -v y tree/opaque
fi

# independent truth
dstat() { debugfs -R "stat $1" ext4.raw 2>/dev/null; }
{
    echo "ext_ino_file=$(dstat d/file.txt | sed -n 's/^Inode: \([0-9]*\).*/\1/p')"
    echo "ext_crtime_file=$(dstat d/file.txt | sed -n 's/^crtime: \(0x[0-9a-f]*:[0-9a-f]*\).*/\1/p')"
    echo "ext_atime_file=$(dstat d/file.txt | sed -n 's/^ atime: \(0x[0-9a-f]*:[0-9a-f]*\).*/\1/p')"
    echo "ext_acl_xfile=$(dstat opaque/xfile | sed -n 's/^File ACL: \([0-9]*\).*/\1/p')"
    echo "ext_ino_wh=$(dstat wh | sed -n 's/^Inode: \([0-9]*\).*/\1/p')"
    echo "dir_ino_file=$(stat -c %i tree/d/file.txt)"
    echo "dir_btime_file=$(stat -c %W tree/d/file.txt)"
    echo "dir_atime_file=$(stat -c %X tree/d/file.txt)"
    echo "xattr_big=$(cat v3000)"
    echo "dir_huge=$dir_huge"
    echo "root=$(id -u)"
} > truth
