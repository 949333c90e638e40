#!/usr/bin/env bash
# npm run test:kmod — the kmod backend, live: builds bpf/kmod against the headers of a Debian 6.1
# kernel, boots that exact kernel under qemu (TCG: this host's kernel cannot load modules and its
# KVM cannot run a stock guest, see docs/kernel-costs.md) with an initramfs holding busybox, the
# module, Node and the project, and runs inside it test/kmod/in-guest.ts (the module's /proc files
# and the real sctraced picking kmod) and test/conformance (the same event checks as on eBPF).
#
# Exit status: 0 pass; 1 fail (the guest log is printed); 77 cannot run here (not root and
# something must be installed, or the packages cannot be installed) with the reason printed.
# Downloads and the stripped node are cached in .cache/kmod/ (gitignored); each run builds the
# module and the initramfs in its own directory there (removed afterwards), so runs may overlap.
# The last run's guest log is kept as .cache/kmod/guest.log.
#
# Environment: SCTRACE_KMOD_KVER (default 6.1.0-56-amd64: headers and image of that exact ABI and
# version are pinned together), SCTRACE_KMOD_NO_BUILD=1 (dist/ is already built),
# SCTRACE_KMOD_TESTS (guest test files, relative to the package root), SCTRACE_KMOD_REPEAT (runs
# of them in one boot, to shake out races), SCTRACE_KMOD_TIMEOUT (s), SCTRACE_KMOD_APPEND (extra
# kernel command line, default loglevel=5; a soft lockup panics the guest so it fails fast).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
KVER=${SCTRACE_KMOD_KVER:-6.1.0-56-amd64}
CACHE=$ROOT/.cache/kmod
TIMEOUT=${SCTRACE_KMOD_TIMEOUT:-1080}
TESTS=${SCTRACE_KMOD_TESTS:-dist/test/kmod/in-guest.js dist/test/conformance/conformance.test.js dist/test/conformance/concurrent.test.js dist/test/conformance/lifecycle.test.js dist/test/conformance/signals.test.js}
HEADERS=/usr/src/linux-headers-$KVER

log() { echo "[kmod-test] $*" >&2; }
skip() {
  echo "[kmod-test] SKIP: $*" >&2
  exit 77
}
die() {
  echo "[kmod-test] FAIL: $*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# qemu, a static busybox, cpio, make and the exact kernel headers.
ensure_packages() {
  local missing=()
  command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
  if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then missing+=(busybox-static); fi
  command -v cpio >/dev/null 2>&1 || missing+=(cpio)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v strip >/dev/null 2>&1 || missing+=(binutils)
  command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  [ -f "$HEADERS/Makefile" ] || missing+=("linux-headers-$KVER")
  [ ${#missing[@]} -eq 0 ] && return
  is_root || skip "needs root to install: ${missing[*]}"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || skip "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    skip "cannot install ${missing[*]} (is linux-headers-$KVER still in the archive? set SCTRACE_KMOD_KVER)"
}

# boot/vmlinuz of linux-image-$KVER at exactly the installed headers' version; nothing installed.
ensure_vmlinuz() {
  local version deb
  version=$(dpkg-query -W -f '${Version}' "linux-headers-$KVER")
  VMLINUZ=$CACHE/vmlinuz-$KVER-$version
  [ -s "$VMLINUZ" ] && return
  mkdir -p "$CACHE/deb"
  deb=$(ls "$CACHE/deb/linux-image-${KVER}_${version}_amd64.deb" 2>/dev/null || true)
  if [ -z "$deb" ]; then
    log "downloading linux-image-$KVER=$version (only its vmlinuz is used)"
    (cd "$RUN" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$KVER=$version" >/dev/null) ||
      skip "cannot download linux-image-$KVER=$version to match the installed headers"
    mv "$RUN/linux-image-${KVER}_${version}_amd64.deb" "$CACHE/deb/"
    deb=$CACHE/deb/linux-image-${KVER}_${version}_amd64.deb
  fi
  dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./boot/vmlinuz-$KVER" >"$RUN/vmlinuz"
  mv "$RUN/vmlinuz" "$VMLINUZ"
}

# Builds the module from a staged copy (the shared header beside it, as DKMS stages it), W=1.
build_module() {
  local dir=$RUN/module
  rm -rf "$dir"
  mkdir -p "$dir"
  cp bpf/kmod/Makefile bpf/kmod/*.c bpf/kmod/*.h bpf/shared/*.h "$dir/"
  if ! make -C "$HEADERS" M="$dir" W=1 modules >"$RUN/module-build.log" 2>&1; then
    cat "$RUN/module-build.log" >&2
    die "module build failed"
  fi
  if grep -E "^$dir/.*(warning|error):" "$RUN/module-build.log" >&2; then die "module build has warnings (W=1)"; fi
  MODULE=$dir/sctrace.ko
  log "built $(modinfo -F vermagic "$MODULE" 2>/dev/null || echo "$MODULE")"
}

# The initramfs: busybox, /init, the module, node and its libraries, the package.
build_initramfs() {
  local root=$RUN/root node lib
  rm -rf "$root"
  mkdir -p "$root"/{bin,usr/bin,dev,proc,sys,tmp,app}
  cp /bin/busybox "$root/bin/busybox"
  cp scripts/kmod/guest-init.sh "$root/init"
  chmod 0755 "$root/init"
  cp "$MODULE" "$root/sctrace.ko"
  echo "$TESTS" >"$root/guest-tests"
  echo "${SCTRACE_KMOD_REPEAT:-1}" >"$root/guest-repeat"
  node=$(readlink -f "$(command -v node)")
  if [ ! -s "$CACHE/node" ] || [ "$node" -nt "$CACHE/node" ]; then
    strip -o "$RUN/node" "$node"
    mv "$RUN/node" "$CACHE/node"
  fi
  cp "$CACHE/node" "$root/usr/bin/node"
  for lib in $(ldd "$node" | grep -oE '/[^ ]+'); do cp -L --parents "$lib" "$root"; done
  # libbpf and the BPF object too, so the conformance cases run the eBPF backend on this older
  # kernel as well (CO-RE, and the programs it lacks left out).
  libbpf=$(readlink -f /usr/lib/x86_64-linux-gnu/libbpf.so.1)
  cp -L --parents /usr/lib/x86_64-linux-gnu/libbpf.so.1 "$root"
  for lib in $(ldd "$libbpf" | grep -oE '/[^ ]+'); do cp -L --parents "$lib" "$root"; done
  mkdir -p "$root/app/bpf/build"
  cp bpf/build/sctrace.bpf.o "$root/app/bpf/build/"
  cp -r dist proto package.json "$root/app/"
  # The C fixtures of the tests, built here: the guest has no compiler (test/helpers/fixtures.ts
  # takes them from $SCTRACE_FIXTURES, which guest-init.sh sets). Dynamically linked: node's libc
  # is in the initramfs already.
  mkdir -p "$root/app/fixtures"
  for name in lifecycle signals reads; do
    gcc -O1 -Wall -pthread -o "$root/app/fixtures/$name" "test/fixtures/$name.c" || die "building the test fixture test/fixtures/$name.c failed"
  done
  tar -C "$ROOT" --exclude=node_modules/typescript --exclude=node_modules/@types -chf - node_modules | tar -C "$root/app" -xf -
  (cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) >"$RUN/initramfs.cpio"
  rm -rf "$root"
}

run_guest() {
  local rc=0 started=$SECONDS
  GUEST_LOG=$RUN/guest.log
  log "booting $KVER under qemu (TCG); guest log: $GUEST_LOG"
  # In the background so that a signal to this script ends qemu too (see cleanup).
  # thread=single: with one host thread per vCPU, QEMU 7.2's TCG sometimes kept a stale
  # translation of the int3 the guest kernel writes while it patches a tracepoint's jump label
  # (every trace start and stop), and a vCPU then looped in the int3 handler forever: a soft
  # lockup in syscall_trace_enter, 2 runs in ~10 with some reader timings. One host thread for
  # both vCPUs never showed it (8 of 8 runs); the guest takes ~10 s longer.
  timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg,thread=single -smp 2 -m 2048 -nographic -no-reboot -monitor none \
    -kernel "$VMLINUZ" -initrd "$RUN/initramfs.cpio" -append "console=ttyS0 panic=-1 softlockup_panic=1 ${SCTRACE_KMOD_APPEND:-loglevel=5}" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$GUEST_LOG" 2>&1 &
  QEMU_PID=$!
  wait "$QEMU_PID" || rc=$?
  QEMU_PID=
  GUEST_SECONDS=$((SECONDS - started))
  QEMU_RC=$rc
  cp "$GUEST_LOG" "$CACHE/guest.log"
  GUEST_LOG=$CACHE/guest.log
}

ensure_packages
mkdir -p "$CACHE"
RUN=$(mktemp -d "$CACHE/run.XXXXXX")
QEMU_PID=
cleanup() {
  [ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ensure_vmlinuz
if [ "${SCTRACE_KMOD_NO_BUILD:-0}" != 1 ]; then
  log "building the BPF object and the TypeScript (npm run build)"
  npm run --silent build >&2
fi
[ -f dist/src/main.js ] && [ -d node_modules ] || die "dist/ or node_modules/ missing: run npm run setup"
[ -f bpf/build/sctrace.bpf.o ] && [ -e /usr/lib/x86_64-linux-gnu/libbpf.so.1 ] ||
  die "bpf/build/sctrace.bpf.o or libbpf.so.1 missing (the guest runs the eBPF backend too): run npm run setup"
for t in $TESTS; do [ -f "$t" ] || die "guest test $t not built"; done
build_module
build_initramfs
run_guest

# The guest's test output, between its markers.
sed -n '/SCTRACE-GUEST-BEGIN/,/SCTRACE-GUEST-END/p' "$GUEST_LOG" | tr -d '\r' >&2
if [ "$QEMU_RC" -eq 1 ] && grep -q 'SCTRACE-GUEST-RESULT pass' "$GUEST_LOG"; then
  log "PASS: guest ran ${GUEST_SECONDS}s ($KVER)"
  exit 0
fi
echo "----- guest log ($GUEST_LOG) -----" >&2
tr -d '\r' <"$GUEST_LOG" >&2
case $QEMU_RC in
  3) die "the guest tests failed (after ${GUEST_SECONDS}s)" ;;
  124) die "the guest did not finish within ${TIMEOUT}s" ;;
  *) die "the guest ended without a verdict (qemu exit $QEMU_RC: kernel panic or crash?)" ;;
esac
