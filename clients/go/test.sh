#!/usr/bin/env bash
# Builds and tests the Go client offline, from Debian's Go packages only: golang-go (Go 1.19),
# golang-google-grpc-dev and golang-google-protobuf-dev (sources in /usr/share/gocode). Debian
# packages Go libraries for GOPATH builds (that is how it builds its own Go packages), and the
# module graph of grpc 1.33's go.mod names modules Debian does not ship (envoyproxy, cncf/udpa),
# so module mode cannot resolve offline: this builds in GOPATH mode, with this module linked at
# its import path in a temporary GOPATH, and GOPROXY=off so nothing is ever downloaded.
# The tests start a real sctraced (dist/src/main.js): run under `flock /tmp/sctrace-bpf.lock`.
#
# usage: clients/go/test.sh [go test flags]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/github.com/sctrace/sctrace/clients"
ln -s "$here" "$gopath/src/github.com/sctrace/sctrace/clients/go"
export GO111MODULE=off GOPATH="$gopath:/usr/share/gocode" GOPROXY=off GOFLAGS= GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-$here/../../.cache/go-build}"
cd "$gopath/src/github.com/sctrace/sctrace/clients/go"
go vet ./...
go test -count=1 "$@" ./...
