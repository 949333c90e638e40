#!/usr/bin/env bash
# Installs what sctrace needs on a fresh Debian 12 machine and builds it: Debian packages (clang,
# bpftool, libbpf, kernel UAPI headers, strace for the comparison tests, gcc for their workloads,
# openssl for the tests' certificates), npm packages from the lockfile, the BPF object and the
# TypeScript. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*" >&2; }

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v llvm-strip >/dev/null 2>&1 || missing+=(llvm)
command -v bpftool >/dev/null 2>&1 || missing+=(bpftool)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v strace >/dev/null 2>&1 || missing+=(strace)
# deploy/check.sh extracts the Helm binary from a zip.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
# The NATS JetStream export tests run a real nats-server.
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
ldconfig -p 2>/dev/null | grep -q 'libbpf\.so\.1 ' || missing+=(libbpf1)
[ -e /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
[ -e "/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/asm/unistd_64.h" ] || missing+=(linux-libc-dev)

source scripts/lib/apt.sh
install_missing

# npm ci when node_modules is absent or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

log "building bpf/ and the TypeScript"
npm run --silent build
