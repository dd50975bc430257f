#!/usr/bin/env bash
# Runs Moor's benchmarks against the local control plane (started if needed) and prints ratios
# against the public peer measured in the same run.
#   benchmarks/run.sh [apply|sync|render|controller|webhook|preview|api|charts|health|notify] [--objects N]
#     [--runs R] [--parallel P]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
export PATH=/opt/swift/usr/bin:$PATH
# The charts benchmark starts its own chart servers and the health benchmark is in process: no cluster.
if [ "${1:-apply}" != charts ] && [ "${1:-apply}" != health ] && { [ -z "${KUBECONFIG:-}" ] || [ -n "${MOOR_BENCH_LOCAL:-1}" ]; }; then
    MOOR_CP_NAME=bench "$root/scripts/control-plane.sh" up >/dev/null
    eval "$(MOOR_CP_NAME=bench "$root/scripts/control-plane.sh" env)"
fi
mkdir -p "$here/.deps" && ln -sfn ../.. "$here/.deps/moor"
# SwiftPM does not notice files added to the main package's targets from this package: touching the
# manifest makes it look again.
touch "$here/Package.swift"
swift build -c release --package-path "$here" --product moor-bench >&2
"$here/.build/release/moor-bench" "${@:-apply}"
