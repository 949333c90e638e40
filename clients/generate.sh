#!/usr/bin/env bash
# Generates the Python and Go stubs from proto/ with Debian's protoc and plugins
# (protobuf-compiler-grpc: protoc, grpc_python_plugin; protoc-gen-go; protoc-gen-go-grpc):
#   clients/python/sctrace/v1/tracer_pb2{.py,.pyi,_grpc.py}
#   clients/go/sctracev1/tracer{.pb.go,_grpc.pb.go}
# They are checked in, so a Python or Go user needs only the runtime libraries, not protoc, and a
# Go module must contain its generated code to be importable. `--check` regenerates into a
# temporary directory and fails, naming the stale files, when the checked-in ones differ (npm test
# runs it: test/contract/client-stubs.test.ts).
#
# usage: clients/generate.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
[ "${1:-}" = "--check" ] && check=true

for tool in protoc grpc_python_plugin protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null || {
    echo "clients/generate.sh: $tool is missing; npm run setup installs it (Debian: protobuf-compiler-grpc, protoc-gen-go, protoc-gen-go-grpc)" >&2
    exit 1
  }
done

out=clients
if $check; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
  mkdir -p "$out/python" "$out/go"
fi

protoc -I proto \
  --python_out="$out/python" --pyi_out="$out/python" \
  --grpc_python_out="$out/python" --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  sctrace/v1/tracer.proto
# module=: paths relative to the Go module (go_package names clients/go/sctracev1).
protoc -I proto \
  --go_out="$out/go" --go_opt=module=github.com/sctrace/sctrace/clients/go \
  --go-grpc_out="$out/go" --go-grpc_opt=module=github.com/sctrace/sctrace/clients/go \
  sctrace/v1/tracer.proto

generated=(
  python/sctrace/v1/tracer_pb2.py python/sctrace/v1/tracer_pb2.pyi python/sctrace/v1/tracer_pb2_grpc.py
  go/sctracev1/tracer.pb.go go/sctracev1/tracer_grpc.pb.go
)
if $check; then
  stale=()
  for f in "${generated[@]}"; do cmp -s "$out/$f" "clients/$f" || stale+=("clients/$f"); done
  if [ ${#stale[@]} -gt 0 ]; then
    echo "stale generated stubs (they do not match proto/): ${stale[*]}; run clients/generate.sh and commit them" >&2
    exit 1
  fi
  echo "client stubs match proto/: ${generated[*]}"
else
  echo "generated ${generated[*]/#/clients/}"
fi
