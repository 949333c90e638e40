#!/usr/bin/env bash
# The whole test suite: installs and builds what is missing, then runs unit, contract and
# integration tests with Node's test runner, then the Python and Go clients' tests (pytest, go
# test) against a live sctraced. Integration tests load real eBPF programs; they skip (saying why)
# on a machine without root/BPF, and fail instead when CI=true. Every part runs; the exit status
# is the last failure's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# One file at a time: integration tests attach programs and check that none are left behind.
# The timeout catches a hung test; the kmod guest test (a qemu boot, TCG when there is no KVM)
# needs several minutes on a busy machine.
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
status=0
node --test --test-concurrency=1 --test-timeout=1200000 "${files[@]}" || status=$?
# The Python client against a live sctraced, with Debian's python3 (python3-grpcio, python3-pytest).
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider clients/python/tests || status=$?
# The Go client against a live sctraced, built offline from Debian's Go packages.
bash clients/go/test.sh || status=$?
exit $status
