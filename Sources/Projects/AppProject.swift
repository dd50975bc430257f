import Foundation
import MoorCore

/// An Argo CD `AppProject`: the rules an application that names it must follow — which
/// repositories it may come from, where it may deploy, which kinds it may create, from which
/// namespaces Applications may use it, when it may sync, and as whom.
///
/// Field names and meanings are Argo CD's, so an Argo CD project moves over unchanged (its
/// `apiVersion` may stay `argoproj.io/v1alpha1`). Roles, signature keys and project-scoped
/// clusters are not interpreted.
public struct AppProject: Sendable, Hashable {
    /// The `apiVersion` of an AppProject resource.
    public static let apiVersion = "moor.dev/v1alpha1"
    /// Argo CD's `apiVersion`, read as is.
    public static let argoAPIVersion = "argoproj.io/v1alpha1"
    /// The kind.
    public static let kind = "AppProject"

    /// The project's name (what an Application's `spec.project` names).
    public var name: String
    /// The namespace of the AppProject resource.
    public var namespace: String
    /// Repository URL globs an application's sources must match (`*` is any repository; a `!`
    /// prefix refuses what it matches; `*` stops at `/`, `**` does not).
    public var sourceRepos: [String]
    /// Where applications may deploy.
    public var destinations: [ProjectDestination]
    /// Cluster-scoped kinds the project allows; empty allows none.
    public var clusterResourceWhitelist: [GroupKindPattern]
    /// Cluster-scoped kinds the project refuses even when whitelisted.
    public var clusterResourceBlacklist: [GroupKindPattern]
    /// Namespaced kinds the project allows; empty allows every namespaced kind (Argo CD semantics).
    public var namespaceResourceWhitelist: [GroupKindPattern]
    /// Namespaced kinds the project refuses even when whitelisted.
    public var namespaceResourceBlacklist: [GroupKindPattern]
    /// Namespace globs outside the controller's namespace whose Applications may use the project.
    public var sourceNamespaces: [String]
    /// Orphaned-resource monitoring; `nil` when not monitored.
    public var orphanedResources: OrphanedResourcesPolicy?
    /// When applications of the project may sync.
    public var syncWindows: [SyncWindow]
    /// The ServiceAccount each destination's writes use, first match first.
    public var destinationServiceAccounts: [DestinationServiceAccount]

    /// Creates a project that allows nothing unless told (Argo CD's empty project: no sources, no
    /// destinations, no cluster-scoped kinds, every namespaced kind).
    public init(
        name: String, namespace: String = "", sourceRepos: [String] = [], destinations: [ProjectDestination] = [],
        clusterResourceWhitelist: [GroupKindPattern] = [], clusterResourceBlacklist: [GroupKindPattern] = [],
        namespaceResourceWhitelist: [GroupKindPattern] = [], namespaceResourceBlacklist: [GroupKindPattern] = [],
        sourceNamespaces: [String] = [], orphanedResources: OrphanedResourcesPolicy? = nil,
        syncWindows: [SyncWindow] = [], destinationServiceAccounts: [DestinationServiceAccount] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.sourceRepos = sourceRepos
        self.destinations = destinations
        self.clusterResourceWhitelist = clusterResourceWhitelist
        self.clusterResourceBlacklist = clusterResourceBlacklist
        self.namespaceResourceWhitelist = namespaceResourceWhitelist
        self.namespaceResourceBlacklist = namespaceResourceBlacklist
        self.sourceNamespaces = sourceNamespaces
        self.orphanedResources = orphanedResources
        self.syncWindows = syncWindows
        self.destinationServiceAccounts = destinationServiceAccounts
    }

    /// The built-in `default` project used when no AppProject named `default` exists: allows every
    /// source, destination and kind (clusterResourceWhitelist [*/*]), no windows, no sourceNamespaces.
    public static func builtInDefault(namespace: String) -> AppProject {
        AppProject(
            name: "default", namespace: namespace, sourceRepos: ["*"],
            destinations: [ProjectDestination(server: "*", name: "*", namespace: "*")],
            clusterResourceWhitelist: [GroupKindPattern(group: "*", kind: "*")])
    }
}

/// A place a project's applications may (or, with `!`, may not) deploy to. Each field is a glob
/// (`*` any); a `!` prefix refuses what the rest matches.
public struct ProjectDestination: Sendable, Hashable {
    /// API server URL glob; empty matches no server.
    public var server: String
    /// Cluster name glob; empty matches no name.
    public var name: String
    /// Namespace glob.
    public var namespace: String

    /// Creates a destination rule.
    public init(server: String = "", name: String = "", namespace: String = "") {
        self.server = server
        self.name = name
        self.namespace = namespace
    }
}

/// A group and kind, each a glob (`*` any); group `""` is the core group. `name`, as in newer
/// Argo CD cluster-resource lists, narrows the pattern to object names matching a glob.
public struct GroupKindPattern: Sendable, Hashable {
    /// API group glob (`""` core, `*` any).
    public var group: String
    /// Kind glob.
    public var kind: String
    /// Object name glob; empty matches every name.
    public var name: String

    /// Creates a pattern.
    public init(group: String, kind: String, name: String = "") {
        self.group = group
        self.kind = kind
        self.name = name
    }

    /// Whether an object of this group and kind (and name) is matched, each field read as Go's
    /// `filepath.Match` reads it (Argo CD's rule): `*`, `?`, `[a-z]`, `[^a-z]`, backslash escapes; no `{a,b}`.
    public func matches(group: String, kind: String, name: String = "") -> Bool {
        Self.filepathMatch(self.group, group) && Self.filepathMatch(self.kind, kind)
            && (self.name.isEmpty || Self.filepathMatch(self.name, name))
    }

    /// Go's `filepath.Match` (`/` as separator) through ``Glob``: braces are literal and `[^` negates.
    static func filepathMatch(_ pattern: String, _ text: String) -> Bool {
        var translated = ""
        var previous: Character = " "
        for c in pattern {
            if (c == "{" || c == "}" || c == ",") && previous != "\\" {
                translated.append("\\")
                translated.append(c)
            } else if c == "^" && previous == "[" {
                translated.append("!")
            } else {
                translated.append(c)
            }
            previous = c == "\\" && previous == "\\" ? " " : c
        }
        return (try? Glob(translated, separators: ["/"]))?.matches(text) ?? false
    }

    /// gobwas/glob without separators, as Argo CD's `glob.Match`: `*` alone is anything; a pattern
    /// that does not parse matches nothing.
    static func globMatch(_ pattern: String, _ text: String) -> Bool {
        pattern == "*" || ((try? Glob(pattern))?.matches(text) ?? false)
    }

    /// `group/kind` for messages (`core` for the core group), with the name glob when there is one.
    var summary: String { "\(group.isEmpty ? "core" : group)/\(kind)" + (name.isEmpty ? "" : " named \(name)") }
}

/// Orphaned-resource monitoring (`spec.orphanedResources`).
public struct OrphanedResourcesPolicy: Sendable, Hashable {
    /// Whether applications get a warning condition when orphaned resources exist.
    public var warn: Bool
    /// Objects never counted as orphaned (`ignore`: group, kind and name globs).
    public var ignore: [GroupKindPattern]

    /// Creates a policy.
    public init(warn: Bool = false, ignore: [GroupKindPattern] = []) {
        self.warn = warn
        self.ignore = ignore
    }
}

/// A `spec.destinationServiceAccounts` entry: the ServiceAccount whose permissions syncs to a
/// matching destination use.
public struct DestinationServiceAccount: Sendable, Hashable {
    /// API server URL glob.
    public var server: String
    /// Destination namespace glob.
    public var namespace: String
    /// `name` (in the destination namespace) or `namespace:name`.
    public var defaultServiceAccount: String

    /// Creates an entry.
    public init(server: String, namespace: String, defaultServiceAccount: String) {
        self.server = server
        self.namespace = namespace
        self.defaultServiceAccount = defaultServiceAccount
    }
}

/// An AppProject manifest that cannot be used; names the project and the field, and says how to fix it.
public struct ProjectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
