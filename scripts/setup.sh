#!/usr/bin/env bash
# Installs what sctrace needs on a fresh Debian 12 machine and builds it: Debian packages (clang,
# bpftool, libbpf, kernel UAPI headers, strace for the comparison tests, gcc for their workloads,
# openssl for the tests' certificates, protoc, Python and Go for the clients), npm packages from
# the lockfile, the BPF object and the TypeScript. Safe to run again: it skips what is already there.
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
# The load generator of the subscriber, resume and fleet tests is compiled C (bench/c/getppid.c).
[ -e /usr/include/stdio.h ] || missing+=(libc6-dev)
ldconfig -p 2>/dev/null | grep -q 'libbpf\.so\.1 ' || missing+=(libbpf1)
[ -e /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
[ -e "/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)/asm/unistd_64.h" ] || missing+=(linux-libc-dev)
# The Python and Go clients (clients/python, clients/go): stubs from proto/ (clients/generate.sh),
# their tests against a live sctraced, and the TLS test certificates. Debian's python3 (not another
# python3 on PATH) is the one its python3-* packages install for.
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x /usr/bin/python3 ] || missing+=(python3)
/usr/bin/python3 -c 'import grpc' 2>/dev/null || missing+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || missing+=(python3-protobuf)
/usr/bin/python3 -c 'import pytest' 2>/dev/null || missing+=(python3-pytest)
# Building and installing clients/python as a wheel, offline (tests/test_package.py).
/usr/bin/python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
/usr/bin/python3 -c 'import setuptools' 2>/dev/null || missing+=(python3-setuptools)
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v protoc-gen-go >/dev/null 2>&1 || missing+=(protoc-gen-go)
command -v protoc-gen-go-grpc >/dev/null 2>&1 || missing+=(protoc-gen-go-grpc)
[ -d /usr/share/gocode/src/google.golang.org/grpc ] || missing+=(golang-google-grpc-dev)
[ -d /usr/share/gocode/src/google.golang.org/protobuf ] || missing+=(golang-google-protobuf-dev)
# grpc's codec calls github.com/golang/protobuf: its 1.5 series (over APIv2) decodes the generated
# messages, Debian's default 1.3 series panics on them.
[ -e /usr/share/gocode/src/github.com/golang/protobuf/proto/registry.go ] || missing+=(golang-github-golang-protobuf-1-5-dev)

source scripts/lib/apt.sh
install_missing

# npm ci when node_modules is absent or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

log "building bpf/ and the TypeScript"
npm run --silent build
