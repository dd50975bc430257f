#!/usr/bin/env bash
# Runs Moor's whole test suite on this machine: installs what the tests need (Debian and PyPI
# packages, the control-plane build), starts a local control plane named `test`, runs
# `swift test` (which starts the plane `test-pods`, with a kubelet, for the tests that run Pods),
# and stops the planes again.
#   scripts/test.sh [extra `swift test` arguments, e.g. --filter KubeClientTests]
# With MOOR_TEST_KUBECONFIG set, the tests use that cluster and no plane is started.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH

"$root/scripts/install-deps.sh"

if [ -z "${MOOR_TEST_KUBECONFIG:-}" ]; then
    export MOOR_CP_NAME=test
    "$root/scripts/control-plane.sh" up >/dev/null
    # Tests whose workloads must run start a second plane with a kubelet, `test-pods`, on first use.
    trap '"$root/scripts/control-plane.sh" down; MOOR_CP_NAME=test-pods "$root/scripts/control-plane.sh" down' EXIT
fi

# The tree stays as `swift format` writes it with the committed .swift-format.
swift format lint --strict --parallel --recursive Sources Tests benchmarks Package.swift
swift build --build-tests
# The log interleaves ~500 tests; on failure, repeat just the failures at the end, where a CI
# summary that keeps only the tail still shows them.
log=$(mktemp /tmp/moor-test-XXXXXX.log)
if swift test --skip-build "$@" 2>&1 | tee "$log"; then
    rm -f "$log"
else
    status=$?
    echo
    echo "=== failures (full log: $log) ==="
    grep -E '✘|recorded an issue|error:|Fatal error' "$log" | grep -v '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T' | head -60 || true
    exit "$status"
fi
