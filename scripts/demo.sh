#!/usr/bin/env bash
# Moor's main job on the bundled example: starts the local control plane (building it the first
# time), serves examples/ from a local Git repository, then `moor sync` and `moor status`.
#   scripts/demo.sh          run the demo (leaves the plane running; see the last lines printed)
#   scripts/demo.sh down     stop the demo's control plane
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
export MOOR_CP_NAME=demo
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
cat <<MSG

The control plane keeps running: export KUBECONFIG=$KUBECONFIG
Try: $moor diff -f $repo.app.yaml    |   stop it with: scripts/demo.sh down
(No kubelet runs here, so Deployments stay Progressing: their pods are never scheduled.)
MSG
