internal import MoorCore

/// The resource types a cluster serves, learnt from `/api` and `/apis`, cached, and refreshed
/// when a kind is asked for that the cache does not know (e.g. a CRD created after start).
actor ResourceDiscovery {
    private struct GroupVersionKind: Hashable {
        var group: String
        var version: String
        var kind: String
    }

    private let transport: KubeTransport
    private var byKind: [GroupVersionKind: APIResource] = [:]
    private var preferred: [String: String] = [:]
    /// ``listableResources()`` as of the last refresh, once asked for (every reconcile asks).
    private var listable: [APIResource]?
    private var versionSet: [String] = []
    private var version: String?
    private var loaded = false
    private var refreshTask: Task<Void, any Error>?

    init(transport: KubeTransport) {
        self.transport = transport
    }

    /// The resource for `apiVersion`/`kind`, refreshing discovery once if it is unknown.
    func resource(group: String, version: String, kind: String) async throws(KubeAPIError) -> APIResource {
        let key = GroupVersionKind(group: group, version: version, kind: kind)
        if let found = byKind[key] { return found }
        try await refresh()
        if let found = byKind[key] { return found }
        throw KubeAPIError(code: .unknownKind, status: 0, message: unknownKindMessage(group, version, kind))
    }

    /// Why `kind` in `group/version` cannot be used, and what to do: change the version when the
    /// cluster serves the kind in others (an older or newer server), install a CRD for a custom
    /// group, or fix the kind.
    private func unknownKindMessage(_ group: String, _ version: String, _ kind: String) -> String {
        let apiVersion = group.isEmpty ? version : "\(group)/\(version)"
        let served = Set(byKind.values.filter { $0.group == group && $0.kind == kind }.map(\.apiVersion)).sorted()
        if !served.isEmpty {
            return "the cluster does not serve \(kind) in \(apiVersion); it serves \(kind) in "
                + "\(served.joined(separator: ", ")): change apiVersion to one of those"
        }
        let builtIn = group.isEmpty || !group.contains(".") || group.hasSuffix(".k8s.io")
        guard builtIn else {
            return "the cluster does not serve kind \(kind) in \(apiVersion); install its CRD or fix apiVersion"
        }
        let versions = Set(byKind.values.filter { $0.group == group }.map(\.apiVersion)).sorted()
        let offered =
            versions.isEmpty
            ? "the server offers no version of the \(group.isEmpty ? "core" : group) API group"
            : "the server offers \(versions.joined(separator: ", ")), without \(kind)"
        return "the cluster does not serve kind \(kind) in \(apiVersion), a built-in API: \(offered); "
            + "check kind and apiVersion against the server's Kubernetes version"
    }

    /// Every resource known after the last refresh (loading discovery first if needed).
    func allResources() async throws(KubeAPIError) -> [APIResource] {
        if !loaded { try await refresh() }
        return Array(byKind.values)
    }

    /// One resource per group and plural name that supports `list` and `watch`, in the group's
    /// preferred version where it serves that resource (so each stored object is listed once).
    /// Worked out once per refresh.
    func listableResources() async throws(KubeAPIError) -> [APIResource] {
        if !loaded { try await refresh() }
        if let listable { return listable }
        var chosen: [String: APIResource] = [:]
        for resource in byKind.values where resource.verbs.contains("list") && resource.verbs.contains("watch") {
            let key = "\(resource.group)/\(resource.name)"
            if let current = chosen[key], current.version == preferred[resource.group] { continue }
            if chosen[key] == nil || resource.version == preferred[resource.group] { chosen[key] = resource }
        }
        let sorted = chosen.values.sorted { ($0.group, $0.name) < ($1.group, $1.name) }
        listable = sorted
        return sorted
    }

    /// The API versions served, as Helm's `.Capabilities.APIVersions` lists them: every
    /// `group/version` and every `group/version/Kind`, sorted.
    func apiVersions() async throws(KubeAPIError) -> [String] {
        if !loaded { try await refresh() }
        return versionSet
    }

    /// The server's version, the `gitVersion` of `/version` (e.g. `v1.20.2`): read once, and again
    /// after a refresh.
    func serverVersion() async throws(KubeAPIError) -> String {
        if let version { return version }
        let read = try await transport.json(method: .GET, path: "/version")["gitVersion"]?.stringValue ?? ""
        version = read
        return read
    }

    /// The preferred version of a group (`""` for core), if the group is served.
    func preferredVersion(group: String) async throws(KubeAPIError) -> String? {
        if !loaded { try await refresh() }
        return preferred[group]
    }

    /// Forgets the cache and reads discovery again; concurrent callers share one refresh.
    func refresh() async throws(KubeAPIError) {
        if let running = refreshTask {
            do { try await running.value } catch { throw Self.wrap(error) }
            return
        }
        let task = Task { try await self.load() }
        refreshTask = task
        defer { refreshTask = nil }
        do { try await task.value } catch { throw Self.wrap(error) }
    }

    private static func wrap(_ error: any Error) -> KubeAPIError {
        (error as? KubeAPIError) ?? KubeAPIError(code: .transport, status: 0, message: "\(error)")
    }

    private func load() async throws(KubeAPIError) {
        let core = try await transport.json(method: .GET, path: "/api")
        let groups = try await transport.json(method: .GET, path: "/apis")
        var groupVersions: [String] = []
        var newPreferred: [String: String] = [:]
        for version in core["versions"]?.arrayValue ?? [] {
            if let v = version.stringValue { groupVersions.append(v) }
        }
        newPreferred[""] = groupVersions.first
        for group in groups["groups"]?.arrayValue ?? [] {
            guard let name = group["name"]?.stringValue else { continue }
            newPreferred[name] = group[path: "preferredVersion", "version"]?.stringValue
            for version in group["versions"]?.arrayValue ?? [] {
                if let gv = version["groupVersion"]?.stringValue { groupVersions.append(gv) }
            }
        }
        let lists = try await fetchResourceLists(groupVersions)
        var table: [GroupVersionKind: APIResource] = [:]
        for (groupVersion, list) in lists {
            let (group, version) = ObjectRef.split(apiVersion: groupVersion)
            for entry in list["resources"]?.arrayValue ?? [] {
                guard let name = entry["name"]?.stringValue, !name.contains("/"),
                    let kind = entry["kind"]?.stringValue
                else { continue }
                let resource = APIResource(
                    group: group, version: version, kind: kind, name: name,
                    namespaced: entry["namespaced"]?.boolValue ?? false,
                    verbs: entry["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                table[GroupVersionKind(group: group, version: version, kind: kind)] = resource
            }
        }
        byKind = table
        preferred = newPreferred
        listable = nil
        versionSet = Array(
            Set(
                groupVersions
                    + table.keys.map { key in
                        "\(key.group.isEmpty ? key.version : "\(key.group)/\(key.version)")/\(key.kind)"
                    })
        ).sorted()
        version = nil
        loaded = true
    }

    private func fetchResourceLists(_ groupVersions: [String]) async throws(KubeAPIError) -> [(String, JSONValue)] {
        let transport = self.transport
        do {
            return try await withThrowingTaskGroup(of: (String, JSONValue)?.self) { group in
                for gv in groupVersions {
                    group.addTask {
                        let path = gv.contains("/") ? "/apis/\(gv)" : "/api/\(gv)"
                        do {
                            return (gv, try await transport.json(method: .GET, path: path))
                        } catch let error as KubeAPIError where error.code == .notFound || error.code == .serverError {
                            // An aggregated API that is down must not break discovery of the rest.
                            return nil
                        }
                    }
                }
                var result: [(String, JSONValue)] = []
                for try await item in group { if let item { result.append(item) } }
                return result
            }
        } catch {
            throw Self.wrap(error)
        }
    }
}
