#!/usr/bin/env bash
# The whole test suite: installs and builds what is missing, then runs unit, contract and
# integration tests with Node's test runner. Integration tests load real eBPF programs; they skip
# (saying why) on a machine without root/BPF, and fail instead when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# One file at a time: integration tests attach programs and check that none are left behind.
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=1 --test-timeout=180000 "${files[@]}"
