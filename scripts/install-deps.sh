#!/usr/bin/env bash
# Installs everything Moor's tests and demo need on a fresh Debian machine (idempotent; fast when
# everything is present): Debian packages, PyPI packages, and the control-plane binaries.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

apt_packages=(git curl openssl jq python3-pip nginx fcgiwrap openssh-server openssh-client gnupg jsonnet)
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

# The Helm v4 SDK's C library, for in-process Helm rendering.
if ! python3 -c 'import helm_python' >/dev/null 2>&1; then
    echo "install-deps: installing helm-python-sdk" >&2
    python3 -m pip install -q helm-python-sdk >/dev/null
fi

"$root/scripts/control-plane.sh" install
