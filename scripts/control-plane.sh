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
# Environment:
#   MOOR_CP_DIR      state directory (default: .moor/control-plane under the repository)
#   MOOR_CP_NAME     name of the plane, so several can run side by side (default: default)
#   KUBE_ASSETS      directory holding prebuilt kube-apiserver and kube-controller-manager
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
        # iptables for the bridge's masquerade and kube-proxy's Service rules; busybox-static is
        # the base image's only file; gcc builds the pause program.
        command -v containerd >/dev/null || missing+=(containerd)
        command -v runc >/dev/null || missing+=(runc)
        [ -x "$CNI_BIN/bridge" ] || missing+=(containernetworking-plugins)
        command -v iptables >/dev/null || missing+=(iptables)
        command -v conntrack >/dev/null || missing+=(conntrack)
        [ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' \
            || missing+=(busybox-static)
        command -v gcc >/dev/null || missing+=(gcc libc6-dev)
    fi
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# The binaries this plane needs: the kubelet plane adds kubelet and kube-proxy. Only the missing
# ones are built, so adding the kubelet to a machine with a cached control plane builds just those.
kube_binaries() {
    echo kube-apiserver kube-controller-manager
    kubelet_enabled && echo kubelet kube-proxy
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
    log "building$what (about 5 minutes per binary on 2 cores)"
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
    # Serving certificate for 127.0.0.1 and localhost, signed by the CA so clients verify it.
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\nextendedKeyUsage=serverAuth\n' > apiserver.ext
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
    server: https://127.0.0.1:$(cat "$STATE/apiserver.port")
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
            "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            return 0
        fi
        pid_alive "$STATE/apiserver.pid" || { tail -20 "$STATE/apiserver.log" >&2; die "kube-apiserver exited"; }
        sleep 0.5
    done
    tail -20 "$STATE/apiserver.log" >&2
    die "kube-apiserver did not become ready"
}

cmd_up() {
    if pid_alive "$STATE/apiserver.pid"; then
        log "already running ($STATE)"
        cmd_env
        return 0
    fi
    need_root_or_present
    build_kube
    rm -rf "$STATE" && mkdir -p "$STATE"
    make_pki
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
        --bind-address 127.0.0.1 --secure-port "$api_port" --insecure-port 0 \
        --advertise-address 127.0.0.1 \
        --cert-dir "$STATE/pki" \
        --tls-cert-file "$STATE/pki/apiserver.crt" --tls-private-key-file "$STATE/pki/apiserver.key" \
        --token-auth-file "$STATE/pki/tokens.csv" \
        --client-ca-file "$STATE/pki/ca.crt" \
        --service-account-issuer https://kubernetes.default.svc \
        --service-account-key-file "$STATE/pki/sa.pub" \
        --service-account-signing-key-file "$STATE/pki/sa.key" \
        --authorization-mode RBAC \
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
        --controllers='*,-nodeipam,-nodelifecycle,-route,-service,-cloud-node-lifecycle' \
        --leader-elect=false --port=0 --secure-port=0 \
        >"$STATE/controller-manager.log" 2>&1 < /dev/null &
    echo $! > "$STATE/controller-manager.pid"
    # The `admin` role gets its rules from the controller manager's aggregation; wait for them.
    for _ in $(seq 1 120); do
        [ "$(kubectl "${kc[@]}" auth can-i patch configmaps -n limited --as limited 2>/dev/null)" = yes ] && break
        sleep 0.5
    done
    log "ready: https://127.0.0.1:$api_port (state in $STATE)"
    cmd_env
}

cmd_env() {
    [ -f "$STATE/admin.kubeconfig" ] || die "not running; run: scripts/control-plane.sh up"
    echo "export KUBECONFIG=$STATE/admin.kubeconfig"
    echo "export MOOR_CP_STATE=$STATE"
}

cmd_status() {
    if pid_alive "$STATE/apiserver.pid"; then
        echo "running: https://127.0.0.1:$(cat "$STATE/apiserver.port") ($STATE)"
    else
        echo "stopped"
        return 1
    fi
}

cmd_down() {
    local p
    for p in controller-manager apiserver etcd; do
        if pid_alive "$STATE/$p.pid"; then
            kill "$(cat "$STATE/$p.pid")" 2>/dev/null || true
            for _ in $(seq 1 50); do pid_alive "$STATE/$p.pid" || break; sleep 0.1; done
            pid_alive "$STATE/$p.pid" && kill -9 "$(cat "$STATE/$p.pid")" 2>/dev/null || true
        fi
    done
    rm -rf "$STATE"
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
