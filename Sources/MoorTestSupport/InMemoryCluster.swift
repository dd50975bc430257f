package import KubeClient
package import MoorCore
import Synchronization

/// A cluster held in memory, for fast tests of what a sync orchestrates (hook phases, waves, prune,
/// SyncFail) without an API server. It keeps objects by kind, namespace and name, serves a fixed
/// discovery table, and records every write in order; it is not an API server: an apply merges the
/// object into what is stored (maps merged key by key, everything else replaced; a `resourceVersion`
/// it carries is a precondition on an existing object, as on the API server), no field is
/// defaulted, no admission runs, and nothing reconciles objects unless ``react`` says so.
///
/// Integration tests against the real control plane remain the proof of behaviour against the API;
/// this is for the rules above it.
package final class InMemoryCluster: KubernetesAPI {
    /// One write, in the order the cluster received it.
    package struct Write: Sendable, Hashable, CustomStringConvertible {
        /// `apply`, `create`, `update` or `delete`.
        package var verb: String
        /// The object written (its name as stored, for a `generateName` create).
        package var ref: ObjectRef

        /// `verb Kind namespace/name`.
        package var description: String { "\(verb) \(ref)" }
    }

    /// What the cluster's controllers do to an object when it is stored, e.g. completing a Job: called
    /// with every object created, applied or replaced; what it returns is stored.
    package typealias Reaction = @Sendable (JSONValue) -> JSONValue

    private struct State {
        var objects: [ObjectRef: JSONValue] = [:]
        var writes: [Write] = []
        var counts: [String: Int] = [:]
        /// The last resourceVersion given; as on an API server, no object is ever stored at `1`.
        var version = 1
    }

    private let served: [APIResource]
    private let reaction: Reaction
    private let state = Mutex(State())

    /// A cluster serving `resources` (by default Namespace, ConfigMap, Secret, ServiceAccount, Service,
    /// Pod, Deployment and Job) whose controllers do `react` to stored objects.
    package init(resources: [APIResource] = InMemoryCluster.standardResources, react: @escaping Reaction = { $0 }) {
        served = resources
        reaction = react
    }

    /// Namespace, ConfigMap, Secret, ServiceAccount, Service, Pod (core), Deployment (apps/v1) and
    /// Job (batch/v1).
    package static let standardResources: [APIResource] = [
        ("", "v1", "Namespace", "namespaces", false), ("", "v1", "ConfigMap", "configmaps", true),
        ("", "v1", "Secret", "secrets", true), ("", "v1", "ServiceAccount", "serviceaccounts", true),
        ("", "v1", "Service", "services", true), ("", "v1", "Pod", "pods", true),
        ("apps", "v1", "Deployment", "deployments", true), ("batch", "v1", "Job", "jobs", true),
    ].map { group, version, kind, name, namespaced in
        APIResource(
            group: group, version: version, kind: kind, name: name, namespaced: namespaced,
            verbs: ["create", "delete", "get", "list", "patch", "update", "watch"])
    }

    /// Every write so far, in order.
    package var writes: [Write] { state.withLock { $0.writes } }

    /// The stored object `ref`, if any.
    package func object(_ ref: ObjectRef) -> JSONValue? {
        state.withLock { $0.objects[ref.identity] }
    }

    // MARK: KubernetesAPI

    package func resource(for ref: ObjectRef) async throws(KubeAPIError) -> APIResource {
        guard
            let resource = served.first(where: {
                $0.group == ref.group && $0.version == ref.version && $0.kind == ref.kind
            })
        else {
            throw KubeAPIError(
                code: .unknownKind, status: 0, message: "the cluster does not serve \(ref.apiVersion) \(ref.kind)",
                object: ref)
        }
        return resource
    }

    package func resources() async throws(KubeAPIError) -> [APIResource] { served }

    package func listableResources() async throws(KubeAPIError) -> [APIResource] {
        served.filter { $0.verbs.contains("list") }
    }

    package func refreshDiscovery() async throws(KubeAPIError) {}

    package func get(_ ref: ObjectRef) async throws(KubeAPIError) -> JSONValue {
        let resource = try await resource(for: ref)
        count("get")
        guard let object = object(Self.scoped(ref, resource)) else { throw Self.notFound(ref) }
        return object
    }

    package func listAll(_ resource: APIResource, namespace: String?, options: ListOptions, pageSize: Int)
        async throws(KubeAPIError) -> ObjectList
    {
        count("list")
        let selector = Self.selector(options.labelSelector)
        return state.withLock { state in
            let items = state.objects.sorted { $0.key < $1.key }.compactMap { ref, object -> JSONValue? in
                guard ref.group == resource.group, ref.kind == resource.kind,
                    namespace == nil || ref.namespace == namespace,
                    selector.allSatisfy({ key, value in
                        let label = object[path: "metadata", "labels", key]?.stringValue
                        return value == nil ? label != nil : label == value
                    })
                else { return nil }
                return object
            }
            return ObjectList(items: items, resourceVersion: "\(state.version)", continueToken: nil)
        }
    }

    package func apply(_ object: JSONValue, fieldManager: String, force: Bool, dryRun: Bool)
        async throws(KubeAPIError) -> JSONValue
    {
        let ref = try await located(object)
        count("apply")
        return try state.withLock { state throws(KubeAPIError) in
            let previous = state.objects[ref]
            if let previous, let precondition = object[path: "metadata", "resourceVersion"]?.stringValue,
                previous[path: "metadata", "resourceVersion"]?.stringValue != precondition
            {
                throw KubeAPIError(code: .conflict, status: 409, message: "\(ref) has changed", object: ref)
            }
            let merged = previous.map { Self.merged(object, into: $0) } ?? object
            let stored = Self.stamped(dryRun ? merged : reaction(merged), previous: previous, state: &state)
            if !dryRun { store(stored, ref: ref, verb: "apply", state: &state) }
            return stored
        }
    }

    package func create(_ object: JSONValue, fieldManager: String?, dryRun: Bool) async throws(KubeAPIError)
        -> JSONValue
    {
        var named = object
        if object[path: "metadata", "name"] == nil, let prefix = object[path: "metadata", "generateName"]?.stringValue {
            named[path: "metadata", "name"] = .string(prefix + Self.suffix())
        }
        let ref = try await located(named)
        count("create")
        return try state.withLock { state throws(KubeAPIError) in
            guard state.objects[ref] == nil else {
                throw KubeAPIError(code: .alreadyExists, status: 409, message: "\(ref) already exists", object: ref)
            }
            let stored = Self.stamped(dryRun ? named : reaction(named), previous: nil, state: &state)
            if !dryRun { store(stored, ref: ref, verb: "create", state: &state) }
            return stored
        }
    }

    package func replace(_ object: JSONValue, fieldManager: String?, dryRun: Bool) async throws(KubeAPIError)
        -> JSONValue
    {
        let ref = try await located(object)
        count("update")
        return try state.withLock { state throws(KubeAPIError) in
            guard let previous = state.objects[ref] else { throw Self.notFound(ref) }
            let stored = Self.stamped(dryRun ? object : reaction(object), previous: previous, state: &state)
            if !dryRun { store(stored, ref: ref, verb: "update", state: &state) }
            return stored
        }
    }

    package func delete(
        _ ref: ObjectRef, propagation: KubeClient.PropagationPolicy, dryRun: Bool, resourceVersion: String?
    ) async throws(KubeAPIError) {
        let key = Self.scoped(ref, try await resource(for: ref))
        count("delete")
        try state.withLock { state throws(KubeAPIError) in
            guard let stored = state.objects[key] else { throw Self.notFound(ref) }
            if let resourceVersion, stored[path: "metadata", "resourceVersion"]?.stringValue != resourceVersion {
                throw KubeAPIError(code: .conflict, status: 409, message: "\(ref) has changed", object: ref)
            }
            guard !dryRun else { return }
            state.objects[key] = nil
            state.writes.append(Write(verb: "delete", ref: key))
        }
    }

    package func requestCounts() -> [String: Int] { state.withLock { $0.counts } }

    // MARK: Helpers

    private func count(_ verb: String) {
        state.withLock { $0.counts[verb, default: 0] += 1 }
    }

    private func store(_ object: JSONValue, ref: ObjectRef, verb: String, state: inout State) {
        state.objects[ref] = object
        state.writes.append(Write(verb: verb, ref: ref))
    }

    /// The object's reference (its identity, namespace cleared for a cluster-scoped kind); a kind the
    /// cluster does not serve or a missing name is an error, as from the API.
    private func located(_ object: JSONValue) async throws(KubeAPIError) -> ObjectRef {
        guard let ref = ObjectRef(object: object), !ref.name.isEmpty else {
            throw KubeAPIError(code: .invalid, status: 422, message: "metadata.name: Required value")
        }
        let resource = try await resource(for: ref)
        if resource.namespaced && ref.namespace.isEmpty {
            throw KubeAPIError(
                code: .badRequest, status: 400, message: "the namespace of \(ref) is not set", object: ref)
        }
        return Self.scoped(ref, resource)
    }

    private static func scoped(_ ref: ObjectRef, _ resource: APIResource) -> ObjectRef {
        var scoped = ref.identity
        if !resource.namespaced { scoped.namespace = "" }
        return scoped
    }

    private static func notFound(_ ref: ObjectRef) -> KubeAPIError {
        KubeAPIError(code: .notFound, status: 404, message: "\(ref) not found", object: ref)
    }

    /// `object` with the server's metadata: the uid and creation time it had (or new ones), the next
    /// resourceVersion.
    private static func stamped(_ object: JSONValue, previous: JSONValue?, state: inout State) -> JSONValue {
        state.version += 1
        var stamped = object
        stamped[path: "metadata", "uid"] = previous?[path: "metadata", "uid"] ?? .string("uid-\(state.version)")
        stamped[path: "metadata", "resourceVersion"] = .string("\(state.version)")
        return stamped
    }

    /// `patch` merged into `base`: maps key by key, any other value replaced.
    private static func merged(_ patch: JSONValue, into base: JSONValue) -> JSONValue {
        guard let patchObject = patch.objectValue, base.objectValue != nil else { return patch }
        var result = base
        for (key, value) in patchObject { result[key] = result[key].map { merged(value, into: $0) } ?? value }
        return result
    }

    /// `key=value` and `key` terms of a label selector (`nil` value: the label must exist).
    private static func selector(_ selector: String?) -> [(String, String?)] {
        (selector ?? "").split(separator: ",").map { term in
            let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : nil)
        }
    }

    /// Five random lowercase letters and digits, as the API server appends to a `generateName`.
    private static func suffix() -> String {
        String((0..<5).map { _ in "bcdfghjklmnpqrstvwxz2456789".randomElement()! })
    }
}
