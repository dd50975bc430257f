#!/usr/bin/env bash
# Moor's main job on the bundled example: starts the local control plane with a kubelet (building it
# the first time), serves examples/ from a local Git repository, then `moor sync` and `moor status`
# until the guestbook's Pods run and answer, then `moor controller` on
# examples/guestbook-controller-app.yaml: a commit applied, a hand edit healed.
#   scripts/demo.sh          run the demo (leaves the plane running; see the last lines printed)
#   scripts/demo.sh down     stop the demo's control plane
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
export MOOR_CP_NAME=demo
# The guestbook really runs: the plane gets a node (containerd, kubelet, kube-proxy; needs root).
export MOOR_CP_KUBELET=1
if [ "${1:-}" = down ]; then exec scripts/control-plane.sh down; fi

scripts/install-deps.sh
scripts/control-plane.sh up >/dev/null
eval "$(scripts/control-plane.sh env)"
echo "== building moor"
swift build --product moor 2>&1 | grep -E "error|warning: .*Sources/|Compiling moor|Build" || true
moor=$(swift build --show-bin-path)/moor

# A Git repository holding examples/, as a user's GitOps repository would.
repo=$root/.moor/demo-repo
rm -rf "$repo" && mkdir -p "$repo"
cp -r examples/. "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" -c user.name=demo -c user.email=demo@moor.dev add -A
git -C "$repo" -c user.name=demo -c user.email=demo@moor.dev commit -q -m "Guestbook example"
sed "s|file:///path/to/examples-repo|file://$repo|" examples/guestbook-app.yaml > "$repo.app.yaml"

echo "== moor sync -f guestbook-app.yaml"
"$moor" sync -f "$repo.app.yaml"
echo
echo "== moor status -f guestbook-app.yaml"
"$moor" status -f "$repo.app.yaml"
echo
echo "== a second sync writes nothing"
"$moor" sync -f "$repo.app.yaml" | tail -2
echo
echo "== the guestbook's Pods start (the kubelet runs moor.local/busybox:1, httpd behind a readiness probe)"
kubectl rollout status deployment/guestbook -n guestbook --timeout=180s
for ip in $(kubectl get pods -n guestbook -l app=guestbook -o jsonpath='{.items[*].status.podIP}'); do
    echo "   curl http://$ip:8080/ -> $(curl -sS --max-time 5 "http://$ip:8080/")"
done
echo
echo "== moor status -f guestbook-app.yaml (Healthy: its Pods are ready)"
health=$("$moor" status -f "$repo.app.yaml")
echo "$health"
grep -q '^Health: *Healthy' <<<"$health" || { echo "the guestbook is not Healthy"; exit 1; }

# Continuous reconciliation: the controller applies commits and reverts hand edits.
sed "s|file:///path/to/examples-repo|file://$repo|" examples/guestbook-controller-app.yaml > "$repo.controller-app.yaml"
controller_log=$root/.moor/demo-controller.log
echo "== moor controller --apps guestbook-controller-app.yaml --poll-interval 5 (automated: prune, selfHeal)"
"$moor" controller --apps "$repo.controller-app.yaml" --poll-interval 5 --grace-period 10 2>"$controller_log" &
controller=$!
trap 'kill -TERM $controller 2>/dev/null || true' EXIT

greeting() { kubectl get configmap guestbook-config -n guestbook -o jsonpath='{.data.GREETING}'; }
# wait_for VALUE SECONDS: polls the ConfigMap's GREETING until it reads VALUE; prints how long it took.
wait_for() {
    local start=$SECONDS
    for _ in $(seq 1 $(($2 * 5))); do
        if [ "$(greeting)" = "$1" ]; then echo "   after ~$((SECONDS - start)) s: GREETING=$(greeting)"; return 0; fi
        if ! kill -0 "$controller" 2>/dev/null; then echo "moor controller exited; its log:"; cat "$controller_log"; return 1; fi
        sleep 0.2
    done
    echo "GREETING is still '$(greeting)' after $2 s (expected '$1'); controller log:"; tail -20 "$controller_log"
    return 1
}
sleep 2
echo "   before: GREETING=$(greeting)"

echo "== commit a change to the demo repository (guestbook/configmap.yaml: GREETING)"
sed -i 's|GREETING: "Welcome aboard"|GREETING: "Welcome aboard, from a commit"|' "$repo/guestbook/configmap.yaml"
git -C "$repo" -c user.name=demo -c user.email=demo@moor.dev commit -q -am "Change the greeting"
git -C "$repo" log --oneline -1
wait_for "Welcome aboard, from a commit" 60

echo "== edit the ConfigMap by hand: kubectl patch ... GREETING=edited by hand"
kubectl patch configmap guestbook-config -n guestbook --type merge -p '{"data":{"GREETING":"edited by hand"}}' >/dev/null
echo "   right after the edit: GREETING=$(greeting)"
wait_for "Welcome aboard, from a commit" 30 && echo "   (healed: selfHeal reverted the hand edit)"

echo "== stop the controller (SIGTERM)"
kill -TERM "$controller"
status=0
wait "$controller" || status=$?
trap - EXIT
echo "   moor controller exited with status $status; its log:"
sed 's/^/   | /' "$controller_log" | tail -12
[ "$status" = 0 ]

cat <<MSG

The control plane keeps running: export KUBECONFIG=$KUBECONFIG
Try: $moor diff -f $repo.app.yaml    |   stop it with: scripts/demo.sh down
MSG
