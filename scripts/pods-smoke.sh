#!/usr/bin/env bash
# Proves that a kubelet plane runs real pods, and times it:
#   MOOR_CP_NAME=pods MOOR_CP_KUBELET=1 scripts/control-plane.sh up
#   MOOR_CP_NAME=pods scripts/pods-smoke.sh
#
# In a namespace of its own (deleted at the end): a Deployment of moor.local/busybox:1 serving HTTP
# with a readiness probe becomes available and answers `wget` on its Pod IP from the host; a Job
# that exits 1 fails; a Pod with a ServiceAccount token lists pods through the `kubernetes` Service
# (ClusterIP, kube-proxy), as in-cluster clients do, and reaches the Deployment through a Service.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NS=${MOOR_SMOKE_NAMESPACE:-moor-smoke}

log() { printf 'pods-smoke: %s\n' "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

eval "$("$ROOT/scripts/control-plane.sh" env)"
k() { kubectl -n "$NS" "$@"; }

kubectl get nodes -o wide
kubectl delete namespace "$NS" --ignore-not-found --wait >/dev/null
kubectl create namespace "$NS" >/dev/null
trap 'kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true' EXIT
# Pods are refused until the namespace's default ServiceAccount (and its token) exist.
for _ in $(seq 1 100); do k get serviceaccount default >/dev/null 2>&1 && break; sleep 0.2; done

start=$(now)
k apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: httpd
        image: moor.local/busybox:1
        imagePullPolicy: Never
        command: [sh, -c, 'echo "hello from $(hostname)" > /var/www/index.html && exec httpd -f -p 8080 -h /var/www']
        ports: [{containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /, port: 8080}
          periodSeconds: 1
YAML
k rollout status deployment/web --timeout=120s >/dev/null || die "deployment web did not become available"
log "deployment web (2 replicas) available in $(since "$start") s"
for ip in $(k get pods -l app=web -o jsonpath='{.items[*].status.podIP}'); do
    answer=$(wget -qO- -T 5 "http://$ip:8080/") || die "wget http://$ip:8080/ failed"
    log "wget http://$ip:8080/ -> $answer"
done

# A Service in front of it: kube-proxy's ClusterIP, from the host.
k expose deployment web --port 80 --target-port 8080 >/dev/null
cluster_ip=$(k get service web -o jsonpath='{.spec.clusterIP}')
answer=
for _ in $(seq 1 50); do answer=$(wget -qO- -T 2 "http://$cluster_ip/" 2>/dev/null) && break; sleep 0.2; done
[ -n "$answer" ] || die "wget http://$cluster_ip/ (Service web) failed"
log "wget http://$cluster_ip/ (Service web) -> $answer"

start=$(now)
k apply -f - >/dev/null <<'YAML'
apiVersion: batch/v1
kind: Job
metadata: {name: fails}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: fail, image: moor.local/busybox:1, imagePullPolicy: Never, command: [sh, -c, 'exit 1']}
YAML
k wait --for=condition=Failed job/fails --timeout=60s >/dev/null || die "job fails did not fail"
log "job fails: $(k get job fails -o jsonpath='{.status.conditions[0].type}/{.status.conditions[0].reason}') in $(since "$start") s"

k apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: reader}]
YAML
for _ in $(seq 1 100); do
    [ -n "$(k get serviceaccount reader -o jsonpath='{.secrets[0].name}' 2>/dev/null)" ] && break
    sleep 0.2
done
start=$(now)
# busybox's wget does not verify certificates ("TLS certificate validation not implemented"); the
# point here is the address and the token: the answer is the API server's, for this ServiceAccount.
k apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: in-cluster}
spec:
  serviceAccountName: reader
  restartPolicy: Never
  containers:
  - name: client
    image: moor.local/busybox:1
    imagePullPolicy: Never
    command:
    - sh
    - -c
    - |
      echo "KUBERNETES_SERVICE_HOST=$KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT=$KUBERNETES_SERVICE_PORT"
      T=$(cat /var/run/secrets/kubernetes.io/serviceaccount/token)
      wget -qO- --header "Authorization: Bearer $T" \
        "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)/pods?fieldSelector=metadata.name=in-cluster" \
        | grep -o '"serviceAccountName": *"[a-z]*"'
      # Another pod through the Service (its address from the environment: there is no cluster DNS).
      # `timeout`, not wget's -T: Debian's static busybox 1.35 wget crashes (SIGSEGV) with -T.
      timeout 5 wget -qO- "http://$WEB_SERVICE_HOST:$WEB_SERVICE_PORT/"
YAML
phase=
for _ in $(seq 1 120); do
    phase=$(k get pod in-cluster -o jsonpath='{.status.phase}')
    case "$phase" in Succeeded|Failed) break ;; esac
    sleep 0.5
done
k logs in-cluster | sed 's/^/pods-smoke:   in-cluster: /' >&2
[ "$phase" = Succeeded ] || die "pod in-cluster: $phase"
log "pod in-cluster read its own Pod through the kubernetes Service, and reached Service web, in $(since "$start") s"
log "OK"
