public import Diff
public import Health
internal import KubeClient
public import MoorCore
internal import Sync

extension ApplicationController {
    /// One object of an application's tree: a managed object or one it owns, directly or not.
    public struct TreeNode: Sendable, Hashable {
        /// The object's `metadata.uid`; empty for a managed object not in the cluster.
        public var uid: String
        /// The object.
        public var ref: ObjectRef
        /// Its health; `nil` for kinds without one.
        public var health: ObjectHealth?
        /// For a managed object how it compares with Git; `nil` for an object it owns.
        public var sync: ObjectDiff.State?
        /// The uids of its owners in the tree (`ownerReferences`); empty for a managed object.
        public var parents: [String]
    }

    /// The kinds listed for objects the managed ones own (Deployment → ReplicaSet → Pod, CronJob →
    /// Job → Pod, Service → EndpointSlice).
    static let ownedKinds = [
        (apiVersion: "apps/v1", kind: "ReplicaSet"), ("v1", "Pod"), ("batch/v1", "Job"),
        ("discovery.k8s.io/v1", "EndpointSlice"),
    ]

    /// Application `name`'s objects as a tree: its managed objects (as of its last reconcile, read
    /// from the destination cluster) and every ReplicaSet, Pod, Job and EndpointSlice in their
    /// namespaces that one of them owns, directly or through another, linked by `ownerReferences`.
    /// Managed objects come first in the status's order, then owned ones sorted by kind and name.
    public func tree(of name: String) async throws(OperationError) -> [TreeNode] {
        let application = try registered(name)
        let resources = registry[name]?.status.resources ?? []
        let cluster: ClusterRegistry.Cluster
        do {
            cluster = try await destination(of: application)
        } catch {
            throw OperationError(.failed, "\(name): \(error)")
        }
        var nodes: [TreeNode] = []
        var namespaces: Set<String> = []
        for resource in resources {
            var live = await cluster.cache.object(resource.ref)
            if live == nil, resource.status != .missing {
                live = try? await cluster.engine.client.get(resource.ref)
            }
            if !resource.ref.namespace.isEmpty { namespaces.insert(resource.ref.namespace) }
            nodes.append(
                TreeNode(
                    uid: live?[path: "metadata", "uid"]?.stringValue ?? "", ref: resource.ref,
                    health: live.flatMap(cluster.engine.health.assess), sync: resource.status, parents: []))
        }
        let candidates: [JSONValue]
        do {
            candidates = try await ownedCandidates(in: namespaces.sorted(), client: cluster.engine.client)
        } catch {
            throw OperationError(.failed, "listing the objects \(name) owns failed: \(error)")
        }
        return nodes
            + Self.owned(
                by: Set(nodes.map(\.uid).filter { !$0.isEmpty }), among: candidates, health: cluster.engine.health)
    }

    /// Every object of ``ownedKinds`` in `namespaces`; kinds the cluster does not serve are skipped.
    private func ownedCandidates(in namespaces: [String], client: KubeClient) async throws(KubeAPIError)
        -> [JSONValue]
    {
        var objects: [JSONValue] = []
        for (apiVersion, kind) in Self.ownedKinds {
            let resource: APIResource
            do {
                resource = try await client.resource(apiVersion: apiVersion, kind: kind)
            } catch  where error.code == .unknownKind {
                continue
            }
            for namespace in namespaces {
                objects += try await client.list(resource, namespace: namespace).items
            }
        }
        return objects
    }

    /// The objects of `candidates` owned, directly or through one another, by an object of `roots`
    /// (uids), each with the owners' uids as parents and its health as `health` judges it; sorted by kind,
    /// namespace and name.
    static func owned(by roots: Set<String>, among candidates: [JSONValue], health: HealthAssessor) -> [TreeNode] {
        var known = roots
        var found: [TreeNode] = []
        var remaining = candidates
        var grew = true
        while grew {
            grew = false
            remaining.removeAll { object in
                let owners = (object[path: "metadata", "ownerReferences"]?.arrayValue ?? [])
                    .compactMap { $0["uid"]?.stringValue }.filter(known.contains)
                guard !owners.isEmpty, let uid = object[path: "metadata", "uid"]?.stringValue,
                    let ref = ObjectRef(object: object)
                else { return false }
                known.insert(uid)
                found.append(
                    TreeNode(uid: uid, ref: ref, health: health.assess(object), sync: nil, parents: owners))
                grew = true
                return true
            }
        }
        return found.sorted {
            ($0.ref.kind, $0.ref.namespace, $0.ref.name) < ($1.ref.kind, $1.ref.namespace, $1.ref.name)
        }
    }
}
