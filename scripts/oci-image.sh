#!/usr/bin/env bash
# Assembles a one-layer OCI image tarball from a directory, with tar, sha256sum and jq only, so the
# local control plane's node runs images that were built on this machine and never pulled.
#
#   scripts/oci-image.sh REFERENCE ROOTFS OUT.tar [CONFIG-JSON]
#
# REFERENCE     the image's name, e.g. moor.local/busybox:1 (what a Pod's `image:` says)
# ROOTFS        the directory that becomes the image's single layer
# OUT.tar       the OCI image layout (oci-layout, index.json, blobs/sha256/...) as a tar, for
#               `ctr -n k8s.io images import OUT.tar`
# CONFIG-JSON   the image's runtime config (`.config` of the OCI image config), e.g.
#               '{"Entrypoint":["/pause"]}'; default '{}'
#
# The layer is an uncompressed tar (media type ...layer.v1.tar), so its digest is also its diff_id;
# file order, owners and times are fixed, so the same ROOTFS gives the same image digest.
set -euo pipefail

log() { printf 'oci-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -ge 3 ] || die "usage: $0 REFERENCE ROOTFS OUT.tar [CONFIG-JSON]"
ref=$1 rootfs=$2 out=$3 runtime_config=${4:-'{}'}
[ -d "$rootfs" ] || die "$rootfs is not a directory"
case "$ref" in *:*) tag=${ref##*:} ;; *) die "REFERENCE needs a tag: $ref" ;; esac
command -v jq >/dev/null || die "jq is missing"
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
blobs=$work/layout/blobs/sha256
mkdir -p "$blobs"

# Stores stdin as a blob; prints "DIGEST SIZE".
put_blob() {
    local tmp=$work/blob.tmp digest
    cat > "$tmp"
    digest=$(sha256sum "$tmp" | cut -d' ' -f1)
    mv "$tmp" "$blobs/$digest"
    echo "sha256:$digest $(stat -c %s "$blobs/$digest")"
}

read -r layer_digest layer_size < <(
    tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - . | put_blob)

read -r config_digest config_size < <(
    jq -cn --arg arch "$arch" --arg layer "$layer_digest" --argjson config "$runtime_config" '{
        created: "1970-01-01T00:00:00Z", architecture: $arch, os: "linux", config: $config,
        rootfs: {type: "layers", diff_ids: [$layer]},
        history: [{created: "1970-01-01T00:00:00Z", created_by: "moor scripts/oci-image.sh"}]
    }' | tr -d '\n' | put_blob)

read -r manifest_digest manifest_size < <(
    jq -cn --arg c "$config_digest" --argjson cs "$config_size" --arg l "$layer_digest" --argjson ls "$layer_size" '{
        schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]
    }' | tr -d '\n' | put_blob)

# io.containerd.image.name carries the full reference (ctr import names the image after it);
# org.opencontainers.image.ref.name is the tag, as the OCI layout spec has it.
jq -cn --arg m "$manifest_digest" --argjson ms "$manifest_size" --arg arch "$arch" --arg ref "$ref" --arg tag "$tag" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
                 platform: {architecture: $arch, os: "linux"},
                 annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}}]
}' > "$work/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/layout/oci-layout"

mkdir -p "$(dirname "$out")"
tar -C "$work/layout" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out.tmp" .
mv "$out.tmp" "$out"
log "$ref -> $out (manifest $manifest_digest)"
