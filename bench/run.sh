#!/usr/bin/env bash
# npm run bench [-- options]: the benchmark of bench/main.ts on this machine. Installs what it
# needs from Debian when missing (gcc for the workloads; strace, bpftrace and perf for the peers),
# builds sctrace (scripts/setup.sh), then runs it. Options are passed on; see bench/main.ts.
# --smoke needs no peers: it runs sctrace alone, briefly, and fails only on unannounced loss.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[bench] $*" >&2; }

smoke=false
for arg in "$@"; do [ "$arg" = "--smoke" ] && smoke=true; done

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -e "/usr/lib/$(gcc -dumpmachine 2>/dev/null)/libc.a" ] || missing+=(libc6-dev)
if [ "$smoke" = false ]; then
  command -v strace >/dev/null 2>&1 || missing+=(strace)
  command -v bpftrace >/dev/null 2>&1 || missing+=(bpftrace)
  perf trace -h >/dev/null 2>&1 || perf --version >/dev/null 2>&1 || missing+=(linux-perf)
fi
source scripts/lib/apt.sh
install_missing

bash scripts/setup.sh
exec node dist/bench/main.js "$@"
