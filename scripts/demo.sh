#!/usr/bin/env bash
# Quick-start demo: builds what is missing, starts sctraced on a private socket, and subscribes a
# live client that prints every exec and process exit on this machine until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
sock_dir=$(mktemp -d /tmp/sctrace-demo.XXXXXX)
sock="unix:$sock_dir/sctrace.sock"
# Its own session: Ctrl-C reaches the client only, which stops its trace while sctraced still
# listens; the EXIT trap then shuts sctraced down.
setsid node dist/src/main.js --listen "$sock" &
service=$!
cleanup() { kill -INT "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; rm -rf "$sock_dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
for _ in $(seq 1 100); do [ -S "$sock_dir/sctrace.sock" ] && break; sleep 0.1; done
echo "sctraced is listening on $sock; printing every exec on this machine (Ctrl-C to stop)" >&2
node dist/clients/cli/main.js --server "$sock" trace --all -e execve,execveat
