internal import Foundation
public import Logging
public import MoorCore
internal import NIOCore
internal import NIOHTTP1

/// A client for one Kubernetes API server: discovery, get, list, watch, server-side apply,
/// create, replace, delete and status updates over HTTPS.
///
/// Requests are retried with backoff on 429, 5xx and broken connections; at most
/// `maxInFlight` run at once; connections are reused (HTTP/2 when the server offers it).
/// Every failure is a ``KubeAPIError`` naming the object concerned. Call ``shutdown()`` when done.
public final class KubeClient: Sendable {
    /// The server, credentials and default namespace in use.
    public var connection: ClusterConnection { transport.connection }
    let transport: KubeTransport
    private let discovery: ResourceDiscovery
    /// The identity every request is sent as; nil: the connection's own user.
    public let impersonation: KubeImpersonation?

    /// Connects to the server a ``ClusterConnection`` describes (no request is sent yet).
    public init(
        connection: ClusterConnection, maxInFlight: Int = 32, retry: RetryPolicy = RetryPolicy(),
        requestTimeout: Duration = .seconds(60), logger: Logger = Logger(label: "moor.kube")
    ) throws(KubeConfigError) {
        let timeout = TimeAmount.nanoseconds(Int64(requestTimeout.components.seconds) * 1_000_000_000)
        transport = try KubeTransport(
            connection: connection, maxInFlight: maxInFlight, retry: retry, requestTimeout: timeout, logger: logger)
        discovery = ResourceDiscovery(transport: transport)
        impersonation = nil
    }

    private init(sharing client: KubeClient, impersonation: KubeImpersonation) {
        transport = client.transport
        discovery = client.discovery
        self.impersonation = impersonation
    }

    /// A client that sends every request of its own (get, list, watch, apply, create, replace, patch,
    /// delete) as `identity`, so the API server authorizes it with that identity's RBAC. It shares this
    /// client's connections, retry policy, in-flight bound, request counts and discovery (discovery is
    /// read with this client's own credentials), so making one per sync costs nothing.
    ///
    /// This client's credentials must be allowed to `impersonate` the identity. A Forbidden answer
    /// throws a ``KubeAPIError`` that names the identity, verb, resource and namespace. The returned
    /// client's ``shutdown()`` does nothing; shutting this client down closes both.
    public func impersonating(_ identity: KubeImpersonation) -> KubeClient {
        KubeClient(sharing: self, impersonation: identity)
    }

    /// Connects using a kubeconfig context (default: `KUBECONFIG` or `~/.kube/config`, current
    /// context); inside a pod with neither, the pod's service account (as client-go does).
    public convenience init(kubeconfig files: [String]? = nil, context: String? = nil, maxInFlight: Int = 32)
        throws(KubeConfigError)
    {
        let connection: ClusterConnection
        if let files {
            connection = try KubeConfig.load(files: files).connection(context: context)
        } else if Self.shouldUseInCluster(ProcessInfo.processInfo.environment), context == nil {
            connection = try ClusterConnection.inCluster()
        } else {
            connection = try KubeConfig.loadDefault().connection(context: context)
        }
        try self.init(connection: connection, maxInFlight: maxInFlight)
    }

    /// In a pod (`KUBERNETES_SERVICE_HOST` set) with no `KUBECONFIG` and no `~/.kube/config`.
    static func shouldUseInCluster(_ environment: [String: String]) -> Bool {
        guard environment["KUBERNETES_SERVICE_HOST"] != nil, (environment["KUBECONFIG"] ?? "").isEmpty else {
            return false
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return !FileManager.default.fileExists(atPath: "\(home)/.kube/config")
    }

    /// Closes all connections; does nothing on a client made by ``impersonating(_:)``, which borrows
    /// its connections from the client that made it.
    public func shutdown() async {
        guard impersonation == nil else { return }
        await transport.shutdown()
    }

    /// Requests sent so far, by verb (`get`, `list`, `watch`, `create`, `update`, `apply`, `patch`,
    /// `delete`); retries count again. Tests and benchmarks use it to prove "no writes".
    public func requestCounts() -> [String: Int] { transport.requestCounts() }

    /// Requests answered so far, by verb and HTTP status code (0: no answer arrived); retries count again.
    public func requestCountsByCode() -> [KubeRequestCount: Int] { transport.requestCountsByCode() }

    // MARK: Discovery

    /// The resource serving `apiVersion`/`kind`; refreshes discovery once when the kind is unknown.
    public func resource(apiVersion: String, kind: String) async throws(KubeAPIError) -> APIResource {
        let (group, version) = ObjectRef.split(apiVersion: apiVersion)
        return try await discovery.resource(group: group, version: version, kind: kind)
    }

    /// The resource serving an object ref's group, version and kind.
    public func resource(for ref: ObjectRef) async throws(KubeAPIError) -> APIResource {
        try await discovery.resource(group: ref.group, version: ref.version, kind: ref.kind)
    }

    /// Every resource type the server serves.
    public func resources() async throws(KubeAPIError) -> [APIResource] {
        try await discovery.allResources()
    }

    /// One resource per group and plural name that can be listed and watched, in the group's
    /// preferred version: what to list to find every object of some kind exactly once.
    public func listableResources() async throws(KubeAPIError) -> [APIResource] {
        try await discovery.listableResources()
    }

    /// The API versions the server serves, as Helm's `.Capabilities.APIVersions` lists them
    /// (`apps/v1` and `apps/v1/Deployment`, …), from cached discovery.
    public func apiVersions() async throws(KubeAPIError) -> [String] {
        try await discovery.apiVersions()
    }

    /// The server's Kubernetes version (`v1.20.2`), read once from `/version`.
    public func serverVersion() async throws(KubeAPIError) -> String {
        try await discovery.serverVersion()
    }

    /// Reads discovery again (after CRDs were created or removed).
    public func refreshDiscovery() async throws(KubeAPIError) {
        try await discovery.refresh()
    }

    // MARK: Reads

    /// Reads one object.
    public func get(_ ref: ObjectRef) async throws(KubeAPIError) -> JSONValue {
        let resource = try await resource(for: ref)
        let path = resource.objectPath(namespace: namespace(ref.namespace, for: resource), name: ref.name)
        return try await json(KubeRequest(method: .GET, path: path, verb: "get", object: ref))
    }

    /// Reads one page of objects. `namespace` nil lists across all namespaces.
    public func list(_ resource: APIResource, namespace: String?, options: ListOptions = .init())
        async throws(KubeAPIError) -> ObjectList
    {
        let path = resource.collectionPath(namespace: namespace)
        let body = try await json(
            KubeRequest(method: .GET, path: path, query: options.queryItems, verb: "list"))
        let kind = resource.kind
        let apiVersion = resource.apiVersion
        let items = (body["items"]?.arrayValue ?? []).map { item -> JSONValue in
            // List items come without apiVersion and kind; put them back so each object stands alone.
            var object = JSONObject([("apiVersion", .string(apiVersion)), ("kind", .string(kind))])
            for (key, value) in item.objectValue ?? JSONObject() where key != "apiVersion" && key != "kind" {
                object[key] = value
            }
            return .object(object)
        }
        let next = body[path: "metadata", "continue"]?.stringValue
        return ObjectList(
            items: items, resourceVersion: body[path: "metadata", "resourceVersion"]?.stringValue ?? "",
            continueToken: next?.isEmpty == false ? next : nil)
    }

    /// Reads every object, following `continue` tokens page by page (`pageSize` per request).
    /// The returned resourceVersion is the first page's, so a watch from it misses nothing. When a
    /// continue token has expired meanwhile (etcd compacted past the list's revision: 410), the
    /// list is read again in one request without pages, as client-go's pager does.
    public func listAll(
        _ resource: APIResource, namespace: String?, options: ListOptions = .init(), pageSize: Int = 500
    ) async throws(KubeAPIError) -> ObjectList {
        var paged = options
        paged.limit = pageSize
        let first = try await list(resource, namespace: namespace, options: paged)
        return try await remainingPages(
            after: first, of: resource, namespace: namespace, options: options, pageSize: pageSize)
    }

    /// `first`, the first page of a list of `resource` with `options` and `pageSize`, with the objects
    /// of every further page appended (see ``listAll(_:namespace:options:pageSize:)``).
    func remainingPages(
        after first: ObjectList, of resource: APIResource, namespace: String?, options: ListOptions, pageSize: Int
    ) async throws(KubeAPIError) -> ObjectList {
        var paged = options
        paged.limit = pageSize
        paged.resourceVersion = nil
        var page = first
        var all = first.items
        while let next = page.continueToken {
            paged.continueToken = next
            do {
                page = try await list(resource, namespace: namespace, options: paged)
            } catch  where error.code == .gone {
                var whole = options
                whole.limit = nil
                whole.continueToken = nil
                return try await list(resource, namespace: namespace, options: whole)
            }
            all.append(contentsOf: page.items)
        }
        return ObjectList(items: all, resourceVersion: first.resourceVersion, continueToken: nil)
    }

    // MARK: Writes

    /// Server-side apply: `object` becomes the set of fields `fieldManager` owns.
    ///
    /// With `force`, fields owned by other managers are taken over; without it a conflict throws
    /// ``KubeAPIError/Code-swift.struct/conflict`` naming the other managers and fields. With
    /// `dryRun` the server validates, defaults and returns the result without storing it.
    public func apply(_ object: JSONValue, fieldManager: String, force: Bool = false, dryRun: Bool = false)
        async throws(KubeAPIError) -> JSONValue
    {
        let (ref, path) = try await locate(object)
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        if dryRun { query.append(("dryRun", "All")) }
        return try await json(
            KubeRequest(
                method: .PATCH, path: path, query: query, body: object.jsonBytes(),
                contentType: "application/apply-patch+yaml", verb: dryRun ? "apply-dry-run" : "apply", object: ref))
    }

    /// Creates an object; throws `alreadyExists` if one of that name exists. An object with a
    /// `metadata.generateName` and no name is created under a name the server generates; the
    /// returned object carries it.
    public func create(_ object: JSONValue, fieldManager: String? = nil, dryRun: Bool = false)
        async throws(KubeAPIError) -> JSONValue
    {
        var named = object
        if object[path: "metadata", "name"] == nil, let generateName = object[path: "metadata", "generateName"] {
            named[path: "metadata", "name"] = generateName
        }
        let (ref, _) = try await locate(named)
        let resource = try await resource(for: ref)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        return try await json(
            KubeRequest(
                method: .POST, path: resource.collectionPath(namespace: namespace(ref.namespace, for: resource)),
                query: query, body: withNamespace(object, ref: ref, resource: resource).jsonBytes(), verb: "create",
                object: ref, idempotent: false))
    }

    /// Replaces an object (PUT). Without `metadata.resourceVersion` the write is unconditional.
    public func replace(_ object: JSONValue, fieldManager: String? = nil, dryRun: Bool = false)
        async throws(KubeAPIError) -> JSONValue
    {
        let (ref, path) = try await locate(object)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        if dryRun { query.append(("dryRun", "All")) }
        return try await json(
            KubeRequest(method: .PUT, path: path, query: query, body: object.jsonBytes(), verb: "update", object: ref))
    }

    /// Applies a JSON merge patch (RFC 7386) to an object, or to its `status` with `subresource: "status"`.
    public func mergePatch(_ ref: ObjectRef, patch: JSONValue, subresource: String? = nil)
        async throws(KubeAPIError) -> JSONValue
    {
        let resource = try await resource(for: ref)
        var path = resource.objectPath(namespace: namespace(ref.namespace, for: resource), name: ref.name)
        if let subresource { path += "/\(subresource)" }
        return try await json(
            KubeRequest(
                method: .PATCH, path: path, body: patch.jsonBytes(), contentType: "application/merge-patch+json",
                verb: "patch", object: ref))
    }

    /// How dependents of a deleted object are removed.
    public enum PropagationPolicy: String, Sendable, Hashable {
        /// Delete the object now, dependents in the background.
        case background = "Background"
        /// Delete dependents first, then the object.
        case foreground = "Foreground"
        /// Leave dependents in place.
        case orphan = "Orphan"
    }

    /// Deletes an object. A missing object throws `notFound`. With `resourceVersion`, only that
    /// version is deleted: an object changed since throws `conflict`.
    public func delete(
        _ ref: ObjectRef, propagation: PropagationPolicy = .background, dryRun: Bool = false,
        resourceVersion: String? = nil
    ) async throws(KubeAPIError) {
        let resource = try await resource(for: ref)
        var options: JSONValue = [
            "apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": .string(propagation.rawValue),
        ]
        if dryRun { options["dryRun"] = ["All"] }
        if let resourceVersion { options["preconditions"] = ["resourceVersion": .string(resourceVersion)] }
        _ = try await send(
            KubeRequest(
                method: .DELETE,
                path: resource.objectPath(namespace: namespace(ref.namespace, for: resource), name: ref.name),
                body: options.jsonBytes(), verb: "delete", object: ref))
    }

    // MARK: Helpers

    /// Sends `request` as this client's identity and returns its JSON body.
    private func json(_ request: KubeRequest) async throws(KubeAPIError) -> JSONValue {
        var request = request
        request.impersonation = impersonation
        return try await transport.json(request)
    }

    /// Sends `request` as this client's identity and returns its body.
    private func send(_ request: KubeRequest) async throws(KubeAPIError) -> [UInt8] {
        var request = request
        request.impersonation = impersonation
        return try await transport.send(request)
    }

    /// The namespace to use for `resource`: the given one, the connection's default for namespaced
    /// resources when none is given, and none for cluster-scoped resources.
    func namespace(_ given: String, for resource: APIResource) -> String? {
        guard resource.namespaced else { return nil }
        return given.isEmpty ? connection.namespace : given
    }

    private func withNamespace(_ object: JSONValue, ref: ObjectRef, resource: APIResource) -> JSONValue {
        guard resource.namespaced, ref.namespace.isEmpty else { return object }
        var copy = object
        copy[path: "metadata", "namespace"] = .string(connection.namespace)
        return copy
    }

    private func locate(_ object: JSONValue) async throws(KubeAPIError) -> (ObjectRef, String) {
        guard let ref = ObjectRef(object: object) else {
            throw KubeAPIError(
                code: .badRequest, status: 0, message: "the object needs apiVersion, kind and metadata.name")
        }
        let resource = try await resource(for: ref)
        return (ref, resource.objectPath(namespace: namespace(ref.namespace, for: resource), name: ref.name))
    }
}

/// A kind of request counted by ``KubeClient/requestCountsByCode()``.
public struct KubeRequestCount: Sendable, Hashable {
    /// The Kubernetes verb: get, list, watch, create, update, patch, apply, delete.
    public var verb: String
    /// The HTTP status code of the answer; 0 when none arrived (connection failure, timeout).
    public var code: Int
}
