#!/usr/bin/env bash
# Builds a container image of Moor as an OCI image tarball (with scripts/oci-image.sh), so the
# kubelet plane runs Moor in-cluster from an image built on this machine and never pulled.
#
#   scripts/moor-image.sh [--binary PATH] [--tag TAG] [--out OUT.tar] [--import SOCKET]
#
# (default)        builds `swift build -c release --static-swift-stdlib --product moor` and uses
#                  .build/release/moor, stripped; the tag is Moor's version (`moor version`)
# --binary PATH    uses an existing moor binary instead (the tests use .build/debug/moor); its
#                  shared libraries come along; the tag is `dev`
# --tag TAG        the image is moor.local/moor:TAG
# --out OUT.tar    where the tarball goes (default .build/moor-image/moor-TAG.tar)
# --import SOCKET  then `ctr -a SOCKET -n k8s.io images import` it, e.g. the kubelet plane's
#                  .moor/control-plane/NAME/containerd.sock
#
# The image holds: the binary in /usr/local/bin with the resource bundles built beside it (the web
# UI, Moor_Server.resources, found next to the executable); Debian's git (/usr/bin/git and
# /usr/lib/git-core, for file, git and http(s) remotes; no ssh); the shared-library closure (`ldd`)
# of all of them, at the paths the host has them, dynamic loader included; Debian's static busybox
# with every applet (a shell for `kubectl exec`); CA certificates; /etc/passwd and /etc/group with
# the user moor (65532), which the image runs as (numeric, for runAsNonRoot); an empty /tmp and
# /var/cache/moor, which the Deployment `moor install` prints mounts emptyDirs over (its root
# filesystem is read-only).
set -euo pipefail

log() { printf 'moor-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary='' tag='' out='' socket=''
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary=${2:?--binary needs a path}; shift 2 ;;
        --tag) tag=${2:?--tag needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a path}; shift 2 ;;
        --import) socket=${2:?--import needs containerd socket}; shift 2 ;;
        *) die "unknown argument $1 (see the comment at the top of $0)" ;;
    esac
done

strip_binary=0
if [ -z "$binary" ]; then
    log "building the release binary (swift build -c release --static-swift-stdlib --product moor)"
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --product moor) >&2
    binary=$ROOT/.build/release/moor
    strip_binary=1
    [ -n "$tag" ] || tag=$("$binary" version | awk '{print $2}')
fi
[ -x "$binary" ] || die "$binary is not an executable"
[ -n "$tag" ] || tag=dev
ref=moor.local/moor:$tag
[ -n "$out" ] || out=$ROOT/.build/moor-image/moor-$tag.tar
command -v git >/dev/null || die "git is missing (apt-get install git)"
[ -x /bin/busybox ] || die "/bin/busybox is missing (apt-get install busybox-static)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r/usr/local/bin" "$r/usr/bin" "$r/bin" "$r/etc/ssl/certs" "$r/tmp" "$r/var/cache/moor" \
    "$r/proc" "$r/sys" "$r/dev"
chmod 1777 "$r/tmp" "$r/var/cache/moor"

# Moor and the resource bundles SwiftPM builds beside it.
cp "$binary" "$r/usr/local/bin/moor"
# The release binary without its symbols and debug information: half the size (backtraces then show
# addresses); a --binary one as it is.
[ "$strip_binary" = 0 ] || strip "$r/usr/local/bin/moor"
for bundle in "$(dirname "$(readlink -f "$binary")")"/*.resources; do
    [ -e "$bundle" ] && cp -R "$bundle" "$r/usr/local/bin/"
done
[ -d "$r/usr/local/bin/Moor_Server.resources/UI" ] || die "no Moor_Server.resources/UI beside $binary"

# git and its helpers (hard links stay hard links: one cp).
git_core=$(git --exec-path)
cp /usr/bin/git "$r/usr/bin/git"
mkdir -p "$r$(dirname "$git_core")"
cp -a "$git_core" "$r$git_core"
[ -d /usr/share/git-core/templates ] && mkdir -p "$r/usr/share/git-core" &&
    cp -a /usr/share/git-core/templates "$r/usr/share/git-core/"

# busybox, every applet a symlink, except where the image has the real program.
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || [ -e "$r/bin/$a" ] || [ -e "$r/usr/bin/$a" ] || ln -s busybox "$r/bin/$a"
done

# The shared libraries of every dynamic executable in the rootfs, at the paths ldd names (the
# binaries' RUNPATHs and the loader's default directories then find them).
find "$r" -type f -perm -u+x | while read -r exe; do
    ldd "$exe" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' || true
done | sort -u | while read -r lib; do
    [ -e "$r$lib" ] && continue
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
done
# Debian's merged /usr: /lib64 holds the loader the binaries name.
[ -e "$r/lib64/ld-linux-x86-64.so.2" ] || [ "$(uname -m)" != x86_64 ] ||
    die "the dynamic loader /lib64/ld-linux-x86-64.so.2 is missing from the closure"

[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nmoor:x:65532:65532:moor:/tmp:/bin/sh\n' \
    > "$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\nmoor:x:65532:\n' > "$r/etc/group"

# The image must run where it is going: the binaries start in the rootfs alone (with a /dev/null,
# which git opens first; the container runtime mounts /dev, so it leaves the image again).
if [ "$(id -u)" = 0 ]; then
    mknod -m 666 "$r/dev/null" c 1 3
    check=$(chroot --userspec=65532:65532 "$r" /usr/local/bin/moor version 2>&1) ||
        die "moor does not start in the image's rootfs (status $?; a library missing?): $check"
    check=$(chroot --userspec=65532:65532 "$r" /usr/bin/git --version 2>&1) ||
        die "git does not start in the image's rootfs (status $?): $check"
    rm "$r/dev/null"
fi

"$ROOT/scripts/oci-image.sh" "$ref" "$r" "$out" "$(jq -cn '{
    User: "65532:65532", Entrypoint: ["/usr/local/bin/moor"], Cmd: ["controller"], WorkingDir: "/tmp",
    Env: ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/tmp", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"]
}')"
log "$ref: rootfs $(du -sh "$r" | cut -f1), tarball $(du -h "$out" | cut -f1) ($(stat -c %s "$out") bytes)"

if [ -n "$socket" ]; then
    ctr -a "$socket" -n k8s.io images import "$out" >&2
    log "imported $ref into $socket"
fi
echo "$ref"
