#!/usr/bin/env bash
# Moor's local Kubernetes control plane: a real etcd + kube-apiserver + kube-controller-manager
# on loopback, built from Debian's `kubernetes` source package and cached between runs.
#
#   scripts/control-plane.sh install   install the Debian packages and build the binaries (cached)
#   scripts/control-plane.sh up        start etcd, kube-apiserver, kube-controller-manager; write kubeconfigs
#   scripts/control-plane.sh env       print `export KUBECONFIG=...` lines for the running plane
#   scripts/control-plane.sh status    say whether the plane is running and ready
#   scripts/control-plane.sh down      stop exactly the processes `up` started and remove the state
#
# PodTemplates are served without the API server's watch cache, straight from etcd, so tests can
# compact etcd (its port is in $STATE/etcd.port) and see a real 410 Gone on an old resourceVersion.
#
# With MOOR_CP_KUBELET=1 the plane also runs pods: kube-scheduler, one node (containerd + kubelet,
# kube-proxy) whose pods sit on a bridge of the plane's own, and two images built here and never
# pulled, moor.local/pause:1 and moor.local/busybox:1 (see build_images). The API server then
# listens on the bridge's address instead of 127.0.0.1, so pods reach it; the kubeconfigs say so.
# This needs root. `down` also stops the containers and undoes the node's mounts, cgroups, bridge,
# iptables chains and sysctls. scripts/pods-smoke.sh proves a running kubelet plane works.
#
# Environment:
#   MOOR_CP_DIR      state directory (default: .moor/control-plane under the repository)
#   MOOR_CP_NAME     name of the plane, so several can run side by side (default: default)
#   KUBE_ASSETS      directory holding prebuilt kube-apiserver and kube-controller-manager
#                    (and kube-scheduler, kubelet, kube-proxy for the kubelet plane)
#   MOOR_CP_KUBELET  1: run a node too (see above); `up` reads it, the other commands see the state
#   MOOR_CP_KUBE_PROXY  0: no kube-proxy on the kubelet plane (one machine runs at most one; without
#                    it there are no ClusterIPs, and pods reach the API server at the node's address)
#   XDG_CACHE_HOME   the build cache lives in ${XDG_CACHE_HOME:-$HOME/.cache}/moor/kube-1.20.2
set -euo pipefail

KUBE_VERSION=1.20.2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=${MOOR_CP_NAME:-default}
STATE=${MOOR_CP_DIR:-$ROOT/.moor/control-plane}/$NAME
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/moor/kube-$KUBE_VERSION
ASSETS=${KUBE_ASSETS:-$CACHE/bin}
# Debian installs the CNI plugins here (dpkg -L containernetworking-plugins).
CNI_BIN=/usr/lib/cni

# The kubelet plane (MOOR_CP_KUBELET=1) runs one node, named after the plane. Its pod network is a
# bridge and a /24 of its own, both derived from the plane's name so planes side by side do not
# collide. The API server listens on the bridge's address (pods cannot reach the host's 127.0.0.1).
NODE=moor-$NAME
NET_ID=$(printf '%s' "$NAME" | sha256sum | cut -c1-8)
BRIDGE=moor$NET_ID                  # Linux interface names are at most 15 bytes
POD_OCTET=$((16#${NET_ID:0:2}))
POD_CIDR=10.244.$POD_OCTET.0/24
GATEWAY=10.244.$POD_OCTET.1
CGROUP_ROOT=/moor-$NAME             # the pods' cgroups: /sys/fs/cgroup/*/moor-$NAME/kubepods/...
PAUSE_IMAGE=moor.local/pause:1
BASE_IMAGE=moor.local/busybox:1
IMAGES=$CACHE/images
# Where the API server listens and clients connect: loopback, or the bridge on the kubelet plane.
API_HOST=127.0.0.1
[ -f "$STATE/apiserver.host" ] && API_HOST=$(cat "$STATE/apiserver.host")

kubelet_enabled() { [ "${MOOR_CP_KUBELET:-0}" = 1 ]; }

log() { printf 'control-plane: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root_or_present() {
    # apt-get only when a tool is missing, so a prepared machine needs no root.
    local missing=()
    command -v etcd >/dev/null || missing+=(etcd-server)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v jq >/dev/null || missing+=(jq)
    if [ -n "$(missing_binaries)" ]; then
        command -v go >/dev/null || missing+=(golang-go)
        command -v rsync >/dev/null || missing+=(rsync)
        command -v make >/dev/null || missing+=(make)
        command -v dpkg-source >/dev/null || missing+=(dpkg-dev)
        [ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] || missing+=(golang-github-modern-go-reflect2-dev)
    fi
    if kubelet_enabled; then
        # The node: containerd runs the pods through runc; the CNI plugins give them a network;
        # iptables and conntrack for kube-proxy (Service rules, flushing stale UDP flows);
        # busybox-static is the base image's only file; gcc builds the pause program.
        command -v containerd >/dev/null || missing+=(containerd)
        command -v runc >/dev/null || missing+=(runc)
        [ -x "$CNI_BIN/bridge" ] || missing+=(containernetworking-plugins)
        command -v iptables >/dev/null || missing+=(iptables)
        command -v conntrack >/dev/null || missing+=(conntrack)
        # The static build: the image holds no libc. (Debian's `busybox` package is dynamic.)
        dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
        command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# The binaries this plane needs. The kubelet plane adds kube-scheduler (a pod runs only once it is
# bound to the node), kubelet, and kube-proxy (Service ClusterIPs, so a pod reaches the API server
# at the `kubernetes` Service). Only the missing ones are built, so adding the kubelet to a machine
# with a cached control plane builds just those (about a minute: the Go build cache is warm).
kube_binaries() {
    echo kube-apiserver kube-controller-manager
    kubelet_enabled && echo kube-scheduler kubelet kube-proxy
    return 0
}

missing_binaries() {
    local b
    for b in $(kube_binaries); do [ -x "$ASSETS/$b" ] || echo "$b"; done
}

build_kube() {
    local missing
    missing=$(missing_binaries | tr '\n' ' ')
    [ -z "${missing// /}" ] && return 0
    [ -n "${KUBE_ASSETS:-}" ] && die "KUBE_ASSETS=$KUBE_ASSETS lacks $missing"
    mkdir -p "$CACHE"
    local src=$CACHE/src
    if [ ! -d "$src/kubernetes-$KUBE_VERSION" ]; then
        log "fetching Debian's kubernetes source package"
        if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
            cat > /etc/apt/sources.list.d/moor-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
            apt-get update -qq >/dev/null
        fi
        rm -rf "$src" && mkdir -p "$src"
        (cd "$src" && apt-get source --download-only kubernetes >/dev/null 2>&1) \
            || die "apt-get source kubernetes failed (is a deb-src entry reachable?)"
        local orig
        orig=$(ls "$src"/kubernetes_*.orig.tar.gz | head -1)
        tar -C "$src" -xzf "$orig"
        [ -d "$src/kubernetes-$KUBE_VERSION" ] || die "unexpected layout in $orig"
    fi
    local k=$src/kubernetes-$KUBE_VERSION
    # Go >= 1.18 crashes reflect2 v1.0.1 (SIGSEGV iterating maps); use Debian's v1.0.2.
    rm -rf "$k/vendor/github.com/modern-go/reflect2"
    cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 "$k/vendor/github.com/modern-go/reflect2"
    rm -f "$k/vendor/github.com/modern-go/reflect2/go.mod"
    local what="" b
    for b in $missing; do what="$what cmd/$b"; done
    log "building$what (about 5 minutes on 2 cores; less when the Go build cache is warm)"
    local home
    home=$(mktemp -d)
    (
        cd "$k"
        export GOPATH=$k/.go CGO_ENABLED=0 HOME=$home
        mkdir -p .go/src/k8s.io
        ln -sfn ../../.. .go/src/k8s.io/kubernetes
        make WHAT="${what# }" >"$CACHE/build.log" 2>&1
    ) || { tail -30 "$CACHE/build.log" >&2; die "kubernetes build failed; full log in $CACHE/build.log"; }
    rm -rf "$home"
    mkdir -p "$CACHE/bin"
    for b in $missing; do cp "$k/_output/bin/$b" "$CACHE/bin/"; done
    log "binaries cached in $CACHE/bin"
}

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

make_pki() {
    local p=$STATE/pki
    mkdir -p "$p"
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=moor-dev-ca" \
        -keyout ca.key -out ca.crt 2>/dev/null
    # Serving certificate for 127.0.0.1 and localhost (and the bridge's address on the kubelet
    # plane), signed by the CA so clients verify it.
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    local san=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1
    [ "$API_HOST" = 127.0.0.1 ] || san=$san,IP:$API_HOST
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    # Client certificate for an admin (group system:masters).
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=cert-admin" -keyout admin.key -out admin.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile client.ext -out admin.crt 2>/dev/null
    # Service-account signing key.
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    # Tokens: an admin, the controller manager, and a user limited by RBAC to one namespace.
    local admin_token cm_token limited_token
    admin_token=$(openssl rand -hex 24)
    cm_token=$(openssl rand -hex 24)
    limited_token=$(openssl rand -hex 24)
    {
        echo "$admin_token,admin,admin-uid,system:masters"
        echo "$cm_token,system:kube-controller-manager,cm-uid,system:masters"
        echo "$limited_token,limited,limited-uid"
    } > tokens.csv
    printf '%s' "$admin_token" > admin.token
    printf '%s' "$cm_token" > cm.token
    printf '%s' "$limited_token" > limited.token
    chmod 600 ./*.key ./*.token tokens.csv
    cd - >/dev/null
}

write_kubeconfig() { # file user-name auth-yaml namespace
    local file=$1 user=$2 auth=$3 ns=${4:-default}
    cat > "$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: moor-$NAME
  cluster:
    server: https://$API_HOST:$(cat "$STATE/apiserver.port")
    certificate-authority: $STATE/pki/ca.crt
contexts:
- name: $user@moor-$NAME
  context:
    cluster: moor-$NAME
    user: $user
    namespace: $ns
current-context: $user@moor-$NAME
users:
- name: $user
  user:
$auth
KC
    chmod 600 "$file"
}

wait_ready() {
    local port=$1 i
    for i in $(seq 1 120); do
        if curl -fsS --cacert "$STATE/pki/ca.crt" -H "Authorization: Bearer $(cat "$STATE/pki/admin.token")" \
            "https://$API_HOST:$port/readyz" >/dev/null 2>&1; then
            return 0
        fi
        pid_alive "$STATE/apiserver.pid" || { tail -20 "$STATE/apiserver.log" >&2; die "kube-apiserver exited"; }
        sleep 0.5
    done
    tail -20 "$STATE/apiserver.log" >&2
    die "kube-apiserver did not become ready"
}

# ---- the kubelet plane's node -------------------------------------------------------------------

node_in_state() { [ -f "$STATE/node.enabled" ]; }
kube_proxy_enabled() { [ "${MOOR_CP_KUBE_PROXY:-1}" = 1 ]; }

# The state directories of the planes whose process $1 (kube-proxy, kubelet) runs on this machine,
# whichever checkout or MOOR_CP_DIR started them (the directory of the process's --kubeconfig).
running_planes() {
    local pid kubeconfig
    for pid in $(pidof "$1" 2>/dev/null); do
        kubeconfig=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | sed -n '/^--kubeconfig$/{n;p;q}')
        [ -n "$kubeconfig" ] && dirname "$kubeconfig"
    done
    return 0
}

# Refuses, before anything starts, what cannot work or would break another plane's node.
check_node_conflicts() {
    # Bridges, cgroups, mounts and iptables: a node needs root.
    [ "$(id -u)" = 0 ] || die "the kubelet plane (MOOR_CP_KUBELET=1) needs root"
    # kube-proxy's iptables rules are machine-wide (one KUBE-SERVICES chain), so two planes with
    # kube-proxy would overwrite each other's Services (10.0.0.1 would lead to either API server).
    # Any kube-proxy counts, also one of a plane in another checkout (another state directory).
    local other
    if kube_proxy_enabled; then
        for other in $(running_planes kube-proxy); do
            [ "$other" = "$STATE" ] || die "another plane runs kube-proxy ($other); set MOOR_CP_KUBE_PROXY=0"
        done
    fi
    return 0
}

# Issues a client certificate signed by the plane's CA: file stem, subject.
client_cert() {
    local p=$STATE/pki
    openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$p/$1.key" -out "$p/$1.csr" 2>/dev/null
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 3650 \
        -extfile "$p/client.ext" -out "$p/$1.crt" 2>/dev/null
    chmod 600 "$p/$1.key"
}

make_node_pki() {
    # The kubelet is system:node:NAME in system:nodes: the Node authorizer and NodeRestriction
    # (enabled on this plane's API server) let it register its own Node and read its pods' secrets.
    client_cert kubelet "/O=system:nodes/CN=system:node:$NODE"
    # kube-proxy as system:kube-proxy, which RBAC's bootstrap binding system:node-proxier names.
    client_cert kube-proxy "/CN=system:kube-proxy"
    # The API server's identity towards the kubelet (logs, exec, port-forward); bound below to
    # system:kubelet-api-admin, since the kubelet asks the API server (Webhook) who may do what.
    client_cert apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client"
    local sched_token
    sched_token=$(openssl rand -hex 24)
    echo "$sched_token,system:kube-scheduler,scheduler-uid,system:masters" >> "$STATE/pki/tokens.csv"
    printf '%s' "$sched_token" > "$STATE/pki/scheduler.token"
    chmod 600 "$STATE/pki/scheduler.token"
}

# Builds the node's two images into the cache, once: the pause program every pod sandbox runs, and
# moor.local/busybox:1 for the pods themselves. Delete $IMAGES to rebuild them.
build_images() {
    mkdir -p "$IMAGES"
    local work
    if [ ! -s "$IMAGES/pause-1.tar" ]; then
        work=$(mktemp -d)
        # What pause does: be PID 1 of the sandbox, reap orphans, exit on SIGINT/SIGTERM.
        cat > "$work/pause.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, NULL, WNOHANG) > 0) {} }
int main(void) {
    struct sigaction sa = {0};
    if (getpid() != 1) fprintf(stderr, "pause: warning: not PID 1\n");
    sa.sa_handler = stop;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) return 1;
    sa.sa_handler = reap;
    sa.sa_flags = SA_NOCLDSTOP;
    if (sigaction(SIGCHLD, &sa, NULL) < 0) return 2;
    for (;;) pause();
}
C
        mkdir -p "$work/rootfs"
        gcc -Os -static -o "$work/rootfs/pause" "$work/pause.c" || die "cannot build the pause program"
        strip "$work/rootfs/pause" 2>/dev/null || true
        # 65535 like the upstream pause image: the sandbox needs no privileges.
        "$ROOT/scripts/oci-image.sh" "$PAUSE_IMAGE" "$work/rootfs" "$IMAGES/pause-1.tar" \
            '{"Entrypoint":["/pause"],"User":"65535:65535"}'
        rm -rf "$work"
    fi
    if [ ! -s "$IMAGES/busybox-1.tar" ]; then
        work=$(mktemp -d)
        local r=$work/rootfs a
        mkdir -p "$r/bin" "$r/etc" "$r/root" "$r/tmp" "$r/var/www" "$r/proc" "$r/sys" "$r/dev"
        chmod 1777 "$r/tmp"
        cp /bin/busybox "$r/bin/busybox"
        # Every applet as a symlink (sh, httpd, wget, sleep, cat, ...), as busybox --install would.
        for a in $(/bin/busybox --list); do
            [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
        done
        printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$r/etc/passwd"
        printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
        "$ROOT/scripts/oci-image.sh" "$BASE_IMAGE" "$r" "$IMAGES/busybox-1.tar" \
            '{"Env":["PATH=/bin"],"Cmd":["sh"],"WorkingDir":"/"}'
        rm -rf "$work"
    fi
}

# Records the host settings the node changes, so `down` can put them back: the CNI bridge turns on
# forwarding; the kubelet sets the panic/overcommit sysctls it wants; kube-proxy sets route_localnet.
# One record for the machine, made by the first kubelet plane and restored by the last one down.
SYSCTL_ORIG=/run/moor-node-sysctl.orig
save_sysctls() {
    [ -f "$SYSCTL_ORIG" ] && return 0
    local k
    for k in net.ipv4.ip_forward net.ipv4.conf.all.route_localnet vm.overcommit_memory vm.panic_on_oom \
        kernel.panic kernel.panic_on_oops net.bridge.bridge-nf-call-iptables; do
        [ -e "/proc/sys/${k//.//}" ] && echo "$k=$(cat "/proc/sys/${k//.//}")"
    done > "$SYSCTL_ORIG.tmp"
    mv "$SYSCTL_ORIG.tmp" "$SYSCTL_ORIG"
}

# Whether a node of another plane (on this machine) still runs.
other_node_running() {
    local other
    for other in "$(dirname "$STATE")"/*/node.enabled; do
        [ "$other" = "$STATE/node.enabled" ] && continue
        pid_alive "$(dirname "$other")/containerd.pid" && return 0
    done
    # A node of a plane in another checkout (another state directory) counts too.
    for other in $(running_planes kubelet); do
        [ "$other" = "$STATE" ] || return 0
    done
    return 1
}

start_containerd() {
    local c=$STATE/containerd
    mkdir -p "$c" "$STATE/cni/net.d" "$STATE/cni/ipam"
    # A unix socket path holds at most 107 bytes; containerd appends ".ttrpc".
    [ ${#STATE} -le 80 ] || die "state directory too long for containerd's sockets: $STATE (set MOOR_CP_DIR)"
    # Everything under $STATE: root (images, snapshots), state (tasks, sandboxes, network
    # namespaces), sockets, and runc's own state, so `down` finds all of it and nothing is shared
    # with another containerd. cgroupfs (SystemdCgroup=false): no systemd on this machine, and the
    # kubelet is told the same driver. disable_hugetlb_controller/tolerate_missing_hugetlb_controller:
    # this kernel mounts no hugetlb cgroup controller. restrict_oom_score_adj: this machine withholds
    # CAP_SYS_RESOURCE even from root (CapEff in /proc/self/status lacks bit 24), so no process may
    # lower its oom_score_adj; the kubelet asks -998 for every pod sandbox, which makes runc fail
    # ("can't get final child's PID from pipe: EOF"; runc --debug: "failed to update
    # /proc/self/oom_score_adj: Permission denied"). Restricted, containerd raises such values to
    # its own (0).
    cat > "$c/config.toml" <<TOML
version = 2
root = "$c/root"
state = "$c/state"
oom_score = 0

[grpc]
  address = "$STATE/containerd.sock"

[ttrpc]
  address = "$STATE/containerd.sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  disable_hugetlb_controller = true
  tolerate_missing_hugetlb_controller = true
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$STATE/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$STATE/cni/net.d"
    max_conf_num = 1
TOML
    # The pod network: one bridge with the plane's /24 (host-local hands out the addresses and keeps
    # its leases under $STATE). The CRI plugin adds the loopback interface itself, with the
    # `loopback` plugin from bin_dir. No ipMasq: this machine has no route out, and masquerade
    # rules would outlive a killed pod.
    cat > "$STATE/cni/net.d/10-moor.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "moor-$NAME",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$GATEWAY"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
JSON
    setsid containerd --config "$c/config.toml" >"$STATE/containerd.log" 2>&1 < /dev/null &
    echo $! > "$STATE/containerd.pid"
    for _ in $(seq 1 100); do
        ctr -a "$STATE/containerd.sock" version >/dev/null 2>&1 && return 0
        pid_alive "$STATE/containerd.pid" || { tail -20 "$STATE/containerd.log" >&2; die "containerd exited"; }
        sleep 0.2
    done
    tail -20 "$STATE/containerd.log" >&2
    die "containerd did not answer on $STATE/containerd.sock"
}

import_images() {
    local t
    for t in pause-1 busybox-1; do
        ctr -a "$STATE/containerd.sock" -n k8s.io images import "$IMAGES/$t.tar" >/dev/null \
            || die "ctr images import $IMAGES/$t.tar failed"
    done
}

# The bridge exists before the API server starts, so the API server can listen on its address;
# the CNI bridge plugin then finds it with the gateway address it expects and adds pods to it.
make_bridge() {
    if ip -4 route show | grep -q "^$POD_CIDR "; then
        ip link show "$BRIDGE" >/dev/null 2>&1 || die "$POD_CIDR is already routed elsewhere (ip route)"
    fi
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
    ip addr replace "$GATEWAY/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
}

make_cgroups() {
    # The kubelet requires its --cgroup-root to exist in every controller it uses; a root of the
    # plane's own keeps this node's pods apart from any other kubelet's (and `down` removes it).
    local d
    for d in /sys/fs/cgroup/*/; do
        [ -f "$d/cgroup.procs" ] && mkdir -p "$d${CGROUP_ROOT#/}"
    done
    return 0
}

start_node() {
    local kc=(--kubeconfig "$STATE/admin.kubeconfig")
    write_kubeconfig "$STATE/kubelet.kubeconfig" "system:node:$NODE" \
        "    client-certificate: $STATE/pki/kubelet.crt
    client-key: $STATE/pki/kubelet.key"
    write_kubeconfig "$STATE/kube-proxy.kubeconfig" system:kube-proxy \
        "    client-certificate: $STATE/pki/kube-proxy.crt
    client-key: $STATE/pki/kube-proxy.key"
    write_kubeconfig "$STATE/scheduler.kubeconfig" system:kube-scheduler \
        "    token: $(cat "$STATE/pki/scheduler.token")"
    kubectl "${kc[@]}" create clusterrolebinding moor-apiserver-kubelet-client \
        --clusterrole=system:kubelet-api-admin --user=kube-apiserver-kubelet-client >/dev/null

    setsid "$ASSETS/kube-scheduler" \
        --kubeconfig "$STATE/scheduler.kubeconfig" \
        --leader-elect=false --port=0 --secure-port=0 \
        >"$STATE/scheduler.log" 2>&1 < /dev/null &
    echo $! > "$STATE/scheduler.pid"

    local kubelet_port healthz_port
    kubelet_port=$(free_port); healthz_port=$(free_port)
    mkdir -p "$STATE/kubelet"
    # Why the settings below:
    # - address/port: the node's address is the bridge's (what the API server dials for logs and
    #   exec), and a free port, so several planes' kubelets do not fight over 10250.
    # - readOnlyPort 0: no unauthenticated port. Clients are verified against the plane's CA and
    #   authorized by the API server (Webhook).
    # - cgroupDriver cgroupfs: no systemd here (and containerd is told the same).
    # - cgroupRoot: the plane's own cgroup tree, see make_cgroups.
    # - failSwapOn false: the kubelet refuses to start on a machine with swap by default; this plane
    #   is for tests, not for honest memory accounting.
    # - makeIPTablesUtilChains false: the kubelet would add KUBE-MARK-*/KUBE-FIREWALL chains to the
    #   host's iptables that nothing removes; kube-proxy makes the ones it uses and cleans them up.
    # - imageGC 100/99: the images are imported, never pulled; garbage-collecting them on a full
    #   disk would leave pods that cannot start (imagePullPolicy: Never).
    # - nodeStatusUpdateFrequency 2s (default 10s): the first status the kubelet posts says NotReady
    #   (the runtime has not been checked yet); the next one says Ready. 10 s of `up` saved. Between
    #   changes the kubelet only computes the status (the Lease is its heartbeat), so this is cheap.
    # - evictionHard at 2%: the disk is shared with builds; the defaults (10%/15% free) would evict
    #   test pods when a build fills the disk, which is not what a test is about.
    cat > "$STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $GATEWAY
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz_port
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $STATE/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
failSwapOn: false
makeIPTablesUtilChains: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
serializeImagePulls: false
nodeStatusUpdateFrequency: 2s
YAML
    echo "$healthz_port" > "$STATE/kubelet.healthz-port"   # curl http://127.0.0.1:PORT/healthz
    # --container-runtime=remote: the plane's containerd over CRI (this kubelet's dockershim is
    # unused). --pod-infra-container-image: with a remote runtime it only keeps the kubelet's image
    # garbage collection off the pause image; containerd's sandbox_image is what runs.
    # --node-ip: the bridge's address is the node's InternalIP. --containerd (a cadvisor flag the
    # kubelet still takes, deprecated): cadvisor watches this plane's containerd, not the default
    # /run/containerd/containerd.sock, which does not exist. (cadvisor also asks Docker for its root
    # directory five times, a second apart, before it gives up: 5 s of every kubelet start.)
    setsid "$ASSETS/kubelet" \
        --config "$STATE/kubelet/config.yaml" \
        --kubeconfig "$STATE/kubelet.kubeconfig" \
        --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet/pki" \
        --hostname-override "$NODE" --node-ip "$GATEWAY" \
        --container-runtime=remote \
        --container-runtime-endpoint "unix://$STATE/containerd.sock" \
        --pod-infra-container-image "$PAUSE_IMAGE" \
        --containerd "$STATE/containerd.sock" \
        >"$STATE/kubelet.log" 2>&1 < /dev/null &
    echo $! > "$STATE/kubelet.pid"

    if kube_proxy_enabled; then
        # --conntrack-max-per-core 0: leave the host's conntrack table size alone.
        # --cluster-cidr: traffic from outside the pod network to a ClusterIP is masqueraded.
        setsid "$ASSETS/kube-proxy" \
            --kubeconfig "$STATE/kube-proxy.kubeconfig" \
            --hostname-override "$NODE" \
            --proxy-mode iptables \
            --cluster-cidr "$POD_CIDR" \
            --conntrack-max-per-core 0 \
            --healthz-bind-address "127.0.0.1:$(free_port)" \
            --metrics-bind-address "127.0.0.1:$(free_port)" \
            >"$STATE/kube-proxy.log" 2>&1 < /dev/null &
        echo $! > "$STATE/kube-proxy.pid"
    fi
}

wait_node_ready() {
    local kc=(--kubeconfig "$STATE/admin.kubeconfig") ready
    for _ in $(seq 1 240); do
        ready=$(kubectl "${kc[@]}" get node "$NODE" \
            -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
        [ "$ready" = True ] && return 0
        pid_alive "$STATE/kubelet.pid" || { tail -20 "$STATE/kubelet.log" >&2; die "kubelet exited"; }
        sleep 0.5
    done
    tail -20 "$STATE/kubelet.log" >&2
    die "node $NODE did not become Ready"
}

# Processes whose command line names this plane's containerd socket: its shims.
plane_shims() {
    local f pid
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        { tr '\0' '\n' < "$f"; } 2>/dev/null | grep -qxF "$STATE/containerd.sock" && echo "$pid"
    done
    return 0
}

# Like pid_alive, but an exited process that its (new) parent has not reaped yet counts as gone:
# `up` detaches the node's processes, and this machine's init reaps orphans only every few seconds.
pid_running() {
    pid_alive "$1" || return 1
    local st
    st=$(awk '{print $3}' "/proc/$(cat "$1")/stat" 2>/dev/null) || return 1
    [ "$st" != Z ]
}

stop_pid() { # pid file: TERM, then KILL after 5 s
    local f=$1
    pid_running "$f" || return 0
    kill "$(cat "$f")" 2>/dev/null || true
    for _ in $(seq 1 50); do pid_running "$f" || return 0; sleep 0.1; done
    kill -9 "$(cat "$f")" 2>/dev/null || true
    for _ in $(seq 1 20); do pid_running "$f" || return 0; sleep 0.1; done
}

# Stops the node and takes back everything it changed on the host. Safe to run on a half-started
# or already stopped node.
stop_node() {
    local id pid m k v
    stop_pid "$STATE/kube-proxy.pid"
    stop_pid "$STATE/kubelet.pid"
    stop_pid "$STATE/scheduler.pid"
    # The containers: containerd kills and deletes its tasks (the shims exit and clean up their
    # sockets); then anything left: runc containers in this plane's runc root, shims started for
    # this plane's socket, and processes still in the plane's cgroups.
    if pid_alive "$STATE/containerd.pid"; then
        for id in $(ctr -a "$STATE/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
            ctr -a "$STATE/containerd.sock" -n k8s.io tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
        done
        for id in $(ctr -a "$STATE/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
            ctr -a "$STATE/containerd.sock" -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
        done
    fi
    stop_pid "$STATE/containerd.pid"
    if [ -d "$STATE/runc/k8s.io" ]; then
        for id in $(runc --root "$STATE/runc/k8s.io" list -q 2>/dev/null); do
            runc --root "$STATE/runc/k8s.io" delete --force "$id" >/dev/null 2>&1 || true
        done
    fi
    for pid in $(plane_shims); do kill -9 "$pid" 2>/dev/null || true; done
    local procs
    for procs in /sys/fs/cgroup/*"$CGROUP_ROOT"; do
        [ -d "$procs" ] || continue
        find "$procs" -name cgroup.procs -exec cat {} + 2>/dev/null | while read -r pid; do
            kill -9 "$pid" 2>/dev/null || true
        done
    done
    # Mounts under $STATE (the kubelet's root dir is a shared bind mount of itself, secrets are
    # tmpfs, containers' root filesystems are overlays, network namespaces are nsfs), innermost
    # first. Lazy, so a mount still busy for a moment is detached now and freed when released.
    for _ in 1 2 3; do
        m=$(awk -v s="$STATE/" 'index($5, s) == 1 || $5 == substr(s, 1, length(s) - 1) { print $5 }' \
            /proc/self/mountinfo | sort -r)
        [ -z "$m" ] && break
        while read -r k; do
            umount -l "$(printf '%b' "$k")" 2>/dev/null || true   # mountinfo escapes spaces as \040
        done <<< "$m"
    done
    # The plane's cgroups, children first, once their processes are gone.
    for procs in /sys/fs/cgroup/*"$CGROUP_ROOT"; do
        [ -d "$procs" ] || continue
        for _ in $(seq 1 20); do
            find "$procs" -depth -type d -exec rmdir {} + 2>/dev/null || true
            [ -d "$procs" ] || break
            sleep 0.1
        done
    done
    # Pod logs, which this kubelet keeps outside its root dir in any case (/var/log/pods/NS_POD_UID,
    # and symlinks to them in /var/log/containers). containerd logs every sandbox it ran with its
    # pod's UID, including pods deleted a moment ago that the kubelet has not collected yet.
    if [ -f "$STATE/containerd.log" ]; then
        for id in $(grep -o 'Uid:[0-9a-f-]*' "$STATE/containerd.log" | sort -u | cut -d: -f2); do
            rm -rf /var/log/pods/*_"$id"
        done
        find /var/log/containers -maxdepth 1 -xtype l -delete 2>/dev/null || true
    fi
    # The shims' sockets live in /run/containerd/s whatever the configuration. A shim removes its
    # own when it exits normally; for one that was killed, its task's bundle says where it was.
    # The directory goes once no containerd uses it.
    local addr
    for addr in "$STATE"/containerd/state/io.containerd.runtime.v2.task/*/*/address; do
        [ -f "$addr" ] || continue
        m=$(cat "$addr")
        case "${m#unix://}" in /run/containerd/s/*) rm -f "${m#unix://}" ;; esac
    done
    rmdir /run/containerd/s /run/containerd 2>/dev/null || true
    ip link del "$BRIDGE" 2>/dev/null || true
    if [ -f "$STATE/kube-proxy.pid" ]; then
        "$ASSETS/kube-proxy" --cleanup >/dev/null 2>&1 || true
        # What --cleanup leaves: its canary chains and the mark chains it made.
        local t c
        for t in mangle nat filter; do
            for c in KUBE-PROXY-CANARY KUBE-MARK-DROP KUBE-MARK-MASQ; do
                iptables -t "$t" -F "$c" 2>/dev/null && iptables -t "$t" -X "$c" 2>/dev/null || true
            done
        done
    fi
    if [ -f "$SYSCTL_ORIG" ] && ! other_node_running; then
        while IFS='=' read -r k v; do
            sysctl -qw "$k=$v" >/dev/null 2>&1 || true
        done < "$SYSCTL_ORIG"
        rm -f "$SYSCTL_ORIG"
    fi
}

cmd_up() {
    if pid_alive "$STATE/apiserver.pid"; then
        log "already running ($STATE)"
        cmd_env
        return 0
    fi
    kubelet_enabled && check_node_conflicts
    need_root_or_present
    build_kube
    # Leftovers of a node that was not stopped (mounts, cgroups, the bridge) go before the state.
    [ -f "$STATE/node.enabled" ] && stop_node
    rm -rf --one-file-system "$STATE" && mkdir -p "$STATE"
    API_HOST=127.0.0.1
    # The kubelet plane's extra API server flags: the Node authorizer and NodeRestriction, so the
    # kubelet is a real node (it may touch only its Node and its pods), and the client certificate
    # the API server shows the kubelet.
    local node_flags=() controllers='*,-nodeipam,-nodelifecycle,-route,-service,-cloud-node-lifecycle'
    local authz=RBAC
    if kubelet_enabled; then
        build_images
        touch "$STATE/node.enabled"
        save_sysctls
        make_bridge
        make_cgroups
        API_HOST=$GATEWAY
        authz=Node,RBAC
        node_flags=(--enable-admission-plugins NodeRestriction
            --kubelet-client-certificate "$STATE/pki/apiserver-kubelet-client.crt"
            --kubelet-client-key "$STATE/pki/apiserver-kubelet-client.key"
            --kubelet-preferred-address-types InternalIP)
        # nodelifecycle takes the not-ready taint off the node once the kubelet says Ready, and
        # evicts pods from a node that stopped answering.
        controllers='*,-nodeipam,-route,-service,-cloud-node-lifecycle'
    fi
    [ "$API_HOST" = 127.0.0.1 ] || echo "$API_HOST" > "$STATE/apiserver.host"
    make_pki
    kubelet_enabled && make_node_pki
    local etcd_port peer_port api_port
    etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
    echo "$api_port" > "$STATE/apiserver.port"
    echo "$etcd_port" > "$STATE/etcd.port"
    setsid etcd --name "moor-$NAME" --data-dir "$STATE/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
        --initial-cluster "moor-$NAME=http://127.0.0.1:$peer_port" \
        --quota-backend-bytes 4294967296 --unsafe-no-fsync \
        >"$STATE/etcd.log" 2>&1 < /dev/null &
    echo $! > "$STATE/etcd.pid"
    setsid "$ASSETS/kube-apiserver" \
        --etcd-servers "http://127.0.0.1:$etcd_port" \
        --bind-address "$API_HOST" --secure-port "$api_port" --insecure-port 0 \
        --advertise-address "$API_HOST" \
        --cert-dir "$STATE/pki" \
        --tls-cert-file "$STATE/pki/apiserver.crt" --tls-private-key-file "$STATE/pki/apiserver.key" \
        --token-auth-file "$STATE/pki/tokens.csv" \
        --client-ca-file "$STATE/pki/ca.crt" \
        --service-account-issuer https://kubernetes.default.svc \
        --service-account-key-file "$STATE/pki/sa.pub" \
        --service-account-signing-key-file "$STATE/pki/sa.key" \
        --authorization-mode "$authz" ${node_flags[@]+"${node_flags[@]}"} \
        --service-cluster-ip-range 10.0.0.0/16 \
        --max-requests-inflight 800 --max-mutating-requests-inflight 400 \
        --watch-cache-sizes podtemplates#0 \
        >"$STATE/apiserver.log" 2>&1 < /dev/null &
    echo $! > "$STATE/apiserver.pid"
    wait_ready "$api_port"

    write_kubeconfig "$STATE/admin.kubeconfig" admin "    token: $(cat "$STATE/pki/admin.token")"
    write_kubeconfig "$STATE/cert.kubeconfig" cert-admin \
        "    client-certificate: $STATE/pki/admin.crt
    client-key: $STATE/pki/admin.key"
    write_kubeconfig "$STATE/limited.kubeconfig" limited "    token: $(cat "$STATE/pki/limited.token")" limited
    write_kubeconfig "$STATE/controller-manager.kubeconfig" system:kube-controller-manager \
        "    token: $(cat "$STATE/pki/cm.token")"

    # The namespace-limited user: admin of namespace `limited`, nothing elsewhere.
    local kc=(--kubeconfig "$STATE/admin.kubeconfig")
    kubectl "${kc[@]}" create namespace limited >/dev/null
    kubectl "${kc[@]}" -n limited create rolebinding limited-admin --clusterrole=admin --user=limited >/dev/null

    setsid "$ASSETS/kube-controller-manager" \
        --kubeconfig "$STATE/controller-manager.kubeconfig" \
        --service-account-private-key-file "$STATE/pki/sa.key" \
        --root-ca-file "$STATE/pki/ca.crt" \
        --use-service-account-credentials=false \
        --controllers="$controllers" \
        --leader-elect=false --port=0 --secure-port=0 \
        >"$STATE/controller-manager.log" 2>&1 < /dev/null &
    echo $! > "$STATE/controller-manager.pid"
    # The `admin` role gets its rules from the controller manager's aggregation; wait for them.
    for _ in $(seq 1 120); do
        [ "$(kubectl "${kc[@]}" auth can-i patch configmaps -n limited --as limited 2>/dev/null)" = yes ] && break
        sleep 0.5
    done
    if kubelet_enabled; then
        start_containerd
        import_images
        start_node
        wait_node_ready
        log "node $NODE Ready: pods on $POD_CIDR (bridge $BRIDGE)"
    fi
    log "ready: https://$API_HOST:$api_port (state in $STATE)"
    cmd_env
}

cmd_env() {
    [ -f "$STATE/admin.kubeconfig" ] || die "not running; run: scripts/control-plane.sh up"
    echo "export KUBECONFIG=$STATE/admin.kubeconfig"
    echo "export MOOR_CP_STATE=$STATE"
}

cmd_status() {
    if pid_alive "$STATE/apiserver.pid"; then
        echo "running: https://$API_HOST:$(cat "$STATE/apiserver.port") ($STATE)"
        if node_in_state; then
            local kc=(--kubeconfig "$STATE/admin.kubeconfig")
            kubectl "${kc[@]}" get node "$NODE" -o jsonpath='node {.metadata.name}: Ready={.status.conditions[?(@.type=="Ready")].status} {.status.addresses[?(@.type=="InternalIP")].address} kubelet {.status.nodeInfo.kubeletVersion} {.status.nodeInfo.containerRuntimeVersion}{"\n"}' 2>/dev/null \
                || echo "node $NODE: not registered"
            local p
            for p in containerd kubelet kube-proxy scheduler; do
                [ -f "$STATE/$p.pid" ] || continue
                pid_alive "$STATE/$p.pid" && echo "$p: running (pid $(cat "$STATE/$p.pid"))" || echo "$p: exited"
            done
        fi
    else
        echo "stopped"
        return 1
    fi
}

cmd_down() {
    local p
    node_in_state && stop_node
    for p in controller-manager apiserver etcd; do
        if pid_alive "$STATE/$p.pid"; then
            kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true
            for _ in $(seq 1 50); do pid_alive "$STATE/$p.pid" || break; sleep 0.1; done
            pid_alive "$STATE/$p.pid" && kill -9 "$(cat "$STATE/$p.pid")" 2>/dev/null || true
        fi
    done
    if [ -d "$STATE" ] && awk -v s="$STATE/" 'index($5, s) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
        die "mounts remain under $STATE (see /proc/self/mountinfo); not removing it"
    fi
    rm -rf --one-file-system "$STATE"
    log "stopped $NAME"
}

case "${1:-}" in
    install) need_root_or_present; build_kube ;;
    up) cmd_up ;;
    env) cmd_env ;;
    status) cmd_status ;;
    down) cmd_down ;;
    *) echo "usage: $0 install|up|env|status|down" >&2; exit 2 ;;
esac
