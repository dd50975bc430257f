import Foundation
public import MoorCore

extension AppProject {
    /// Reads an AppProject manifest (`moor.dev/v1alpha1`, or Argo CD's `argoproj.io/v1alpha1` as is).
    ///
    /// Throws ``ProjectError`` naming the project and the field for a wrong kind, a missing name, a
    /// glob that does not parse, Argo CD's invalid `!*` rule, a bad cron schedule, duration, time
    /// zone or window kind, a window that names no applications, namespaces or clusters, and an
    /// empty or spaced `defaultServiceAccount`.
    public init(manifest: JSONValue) throws(ProjectError) {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        let kind = manifest["kind"]?.stringValue ?? ""
        guard apiVersion == Self.apiVersion || apiVersion == Self.argoAPIVersion, kind == Self.kind else {
            throw ProjectError(
                "expected apiVersion \(Self.apiVersion) (or \(Self.argoAPIVersion)) and kind AppProject, got "
                    + "\(apiVersion.isEmpty ? "(no apiVersion)" : apiVersion) \(kind.isEmpty ? "(no kind)" : kind)")
        }
        guard let name = manifest[path: "metadata", "name"]?.stringValue, !name.isEmpty else {
            throw ProjectError("the AppProject has no metadata.name")
        }
        let reader = SpecReader(project: name, spec: manifest["spec"] ?? .emptyObject)
        self.init(name: name, namespace: manifest[path: "metadata", "namespace"]?.stringValue ?? "")
        sourceRepos = try reader.globs("sourceRepos", negatable: true, separators: ["/"])
        destinations = try reader.objects("destinations").map { field, entry throws(ProjectError) in
            let destination = ProjectDestination(
                server: entry["server"]?.stringValue ?? "", name: entry["name"]?.stringValue ?? "",
                namespace: entry["namespace"]?.stringValue ?? "")
            try reader.checkGlob(destination.server, at: "\(field).server", negatable: true)
            try reader.checkGlob(destination.name, at: "\(field).name", negatable: true)
            try reader.checkGlob(destination.namespace, at: "\(field).namespace", negatable: true)
            return destination
        }
        clusterResourceWhitelist = try reader.groupKinds("clusterResourceWhitelist")
        clusterResourceBlacklist = try reader.groupKinds("clusterResourceBlacklist")
        namespaceResourceWhitelist = try reader.groupKinds("namespaceResourceWhitelist")
        namespaceResourceBlacklist = try reader.groupKinds("namespaceResourceBlacklist")
        sourceNamespaces = try reader.strings(reader.spec["sourceNamespaces"], at: "sourceNamespaces")
        for (index, pattern) in sourceNamespaces.enumerated() {
            let field = "sourceNamespaces[\(index)]"
            if pattern.count >= 2, pattern.hasPrefix("/"), pattern.hasSuffix("/") {
                guard AppProject.regularExpression(pattern) != nil else {
                    throw reader.error("\(field) \"\(pattern)\" is not a valid regular expression")
                }
            } else {
                try reader.checkGlob(pattern, at: field, negatable: false)
            }
        }
        if let orphaned = reader.spec["orphanedResources"], orphaned.objectValue != nil {
            let ignore = try SpecReader(project: name, spec: orphaned).groupKinds(
                "ignore", prefix: "orphanedResources.")
            orphanedResources = OrphanedResourcesPolicy(warn: orphaned["warn"]?.boolValue ?? false, ignore: ignore)
        }
        syncWindows = try reader.objects("syncWindows").map { field, entry throws(ProjectError) in
            try reader.syncWindow(entry, at: field)
        }
        destinationServiceAccounts = try reader.objects("destinationServiceAccounts").map {
            field, entry throws(ProjectError) in
            let account = DestinationServiceAccount(
                server: entry["server"]?.stringValue ?? "", namespace: entry["namespace"]?.stringValue ?? "",
                defaultServiceAccount: entry["defaultServiceAccount"]?.stringValue ?? "")
            try reader.checkGlob(account.server, at: "\(field).server", negatable: true)
            try reader.checkGlob(account.namespace, at: "\(field).namespace", negatable: true)
            let serviceAccount = account.defaultServiceAccount
            guard !serviceAccount.trimmingCharacters(in: .whitespaces).isEmpty, !serviceAccount.contains(" ") else {
                throw reader.error(
                    "\(field).defaultServiceAccount must name a ServiceAccount (NAME or NAMESPACE:NAME, no spaces)")
            }
            return account
        }
    }
}

/// Reads the fields of one project's `spec`, naming the project and the field in every error.
private struct SpecReader {
    let project: String
    let spec: JSONValue

    func error(_ text: String) -> ProjectError { ProjectError("AppProject \(project): spec.\(text)") }

    /// The entries of a list field that must hold objects, each with its field path (`syncWindows[1]`).
    func objects(_ key: String) throws(ProjectError) -> [(String, JSONValue)] {
        guard let value = spec[key], !value.isNull else { return [] }
        guard let list = value.arrayValue else { throw error("\(key) must be a list") }
        var result: [(String, JSONValue)] = []
        for (index, entry) in list.enumerated() {
            guard entry.objectValue != nil else { throw error("\(key)[\(index)] must be an object") }
            result.append(("\(key)[\(index)]", entry))
        }
        return result
    }

    /// A list of strings at `key`.
    func strings(_ value: JSONValue?, at field: String) throws(ProjectError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.arrayValue else { throw error("\(field) must be a list of strings") }
        var result: [String] = []
        for (index, entry) in list.enumerated() {
            guard let text = entry.stringValue else { throw error("\(field)[\(index)] must be a string") }
            result.append(text)
        }
        return result
    }

    /// A list of globs at `key`, each checked.
    func globs(_ key: String, negatable: Bool, separators: Set<Character>) throws(ProjectError) -> [String] {
        let list = try strings(spec[key], at: key)
        for (index, pattern) in list.enumerated() {
            try checkGlob(pattern, at: "\(key)[\(index)]", negatable: negatable, separators: separators)
        }
        return list
    }

    /// Refuses a glob that does not parse, and Argo CD's meaningless `!*`.
    func checkGlob(
        _ pattern: String, at field: String, negatable: Bool, separators: Set<Character> = []
    ) throws(ProjectError) {
        var body = pattern
        if negatable, pattern.hasPrefix("!") {
            guard pattern != "!*" else {
                throw error("\(field) is \"!*\", which refuses everything; remove it (an empty list allows nothing)")
            }
            body = String(pattern.dropFirst())
        }
        do {
            _ = try Glob(body, separators: separators)
        } catch {
            throw self.error("\(field) \"\(pattern)\" is not a valid glob: \(error.reason)")
        }
    }

    /// A list of `{group, kind, name}` patterns at `key` (fields named with `prefix` before `key`).
    func groupKinds(_ key: String, prefix: String = "") throws(ProjectError) -> [GroupKindPattern] {
        var result: [GroupKindPattern] = []
        for (unprefixed, entry) in try objects(key) {
            let field = prefix + unprefixed
            guard let kind = entry["kind"]?.stringValue, !kind.isEmpty else {
                throw error("\(field).kind is required (use '*' for every kind)")
            }
            let pattern = GroupKindPattern(
                group: entry["group"]?.stringValue ?? "", kind: kind, name: entry["name"]?.stringValue ?? "")
            try checkGlob(pattern.group, at: "\(field).group", negatable: false)
            try checkGlob(pattern.kind, at: "\(field).kind", negatable: false)
            try checkGlob(pattern.name, at: "\(field).name", negatable: false)
            result.append(pattern)
        }
        return result
    }

    /// One `syncWindows` entry.
    func syncWindow(_ entry: JSONValue, at field: String) throws(ProjectError) -> SyncWindow {
        let kindText = entry["kind"]?.stringValue ?? ""
        guard let kind = SyncWindowKind(rawValue: kindText) else {
            throw error("\(field).kind \"\(kindText)\" must be allow or deny")
        }
        let scheduleText = entry["schedule"]?.stringValue ?? ""
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule(scheduleText)
        } catch {
            throw self.error("\(field).schedule: \(error.message)")
        }
        let durationText = entry["duration"]?.stringValue ?? ""
        guard let duration = Self.duration(durationText) else {
            throw error("\(field).duration \"\(durationText)\" is not a duration like 1h, 30m or 1h30m")
        }
        let zoneName = entry["timeZone"]?.stringValue ?? ""
        guard let timeZone = TimeZone(identifier: zoneName.isEmpty ? "UTC" : zoneName) else {
            throw error("\(field).timeZone \"\(zoneName)\" is not a time zone; use an IANA name like Europe/Berlin")
        }
        let applications = try strings(entry["applications"], at: "\(field).applications")
        let namespaces = try strings(entry["namespaces"], at: "\(field).namespaces")
        let clusters = try strings(entry["clusters"], at: "\(field).clusters")
        guard !(applications.isEmpty && namespaces.isEmpty && clusters.isEmpty) else {
            throw error("\(field) applies to nothing: give it applications, namespaces or clusters (\"*\" for all)")
        }
        for (list, name) in [(applications, "applications"), (namespaces, "namespaces"), (clusters, "clusters")] {
            for (index, pattern) in list.enumerated() {
                try checkGlob(pattern, at: "\(field).\(name)[\(index)]", negatable: false)
            }
        }
        return SyncWindow(
            kind: kind, schedule: schedule, duration: duration, timeZone: timeZone, applications: applications,
            namespaces: namespaces, clusters: clusters, manualSync: entry["manualSync"]?.boolValue ?? false,
            andOperator: entry["andOperator"]?.boolValue ?? false,
            description: entry["description"]?.stringValue ?? "")
    }

    /// Seconds in a Go duration (`1h`, `30m`, `1h30m`, `0`); `nil` when malformed or negative.
    static func duration(_ text: String) -> Double? {
        if text == "0" { return 0 }
        return Application.parseDuration(text)
    }
}
