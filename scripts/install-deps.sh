#!/usr/bin/env bash
# Installs everything Moor's tests and demo need on a fresh Debian machine (idempotent; fast when
# everything is present): Debian packages, PyPI packages, and the control-plane binaries.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(git liblua5.1-0-dev curl openssl jq python3-pip nginx fcgiwrap openssh-server openssh-client gnupg jsonnet chromium chromium-driver wrk docker-registry apache2-utils python3-cryptography)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages, by the module each provides: helm-python-sdk (libhelm_c.so, Helm rendering),
# selenium (drives chromium in the web UI's browser test), prometheus-client (parses /metrics in the
# tests), openapi-spec-validator (checks docs/openapi.yaml).
pip_packages=(helm_python:helm-python-sdk selenium:selenium prometheus_client:prometheus-client openapi_spec_validator:openapi-spec-validator)
for entry in "${pip_packages[@]}"; do
    if ! python3 -c "import ${entry%%:*}" >/dev/null 2>&1; then
        echo "install-deps: installing ${entry#*:}" >&2
        python3 -m pip install -q "${entry#*:}" >/dev/null
    fi
done

# The tests and the demo run Pods: the plane with a kubelet (containerd, runc, CNI; kubelet, kube-proxy).
MOOR_CP_KUBELET=1 "$root/scripts/control-plane.sh" install
