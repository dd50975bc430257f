import Foundation
import MoorCore

/// The part of a project that refuses something.
public enum ProjectRule: String, Sendable, Hashable {
    /// `spec.sourceNamespaces`: the namespaces whose Applications may use the project.
    case sourceNamespaces
    /// `spec.sourceRepos`: the repositories applications may come from.
    case sourceRepos
    /// `spec.destinations`: the clusters and namespaces applications may deploy to.
    case destinations
    /// `spec.clusterResourceWhitelist`: the cluster-scoped kinds allowed.
    case clusterResourceWhitelist
    /// `spec.clusterResourceBlacklist`: the cluster-scoped kinds refused.
    case clusterResourceBlacklist
    /// `spec.namespaceResourceWhitelist`: the namespaced kinds allowed.
    case namespaceResourceWhitelist
    /// `spec.namespaceResourceBlacklist`: the namespaced kinds refused.
    case namespaceResourceBlacklist
}

/// Something a project does not allow: which project, which rule, and a message that names the
/// thing refused and says what to change.
public struct ProjectViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The project's name.
    public let project: String
    /// The rule that refuses.
    public let rule: ProjectRule
    /// For people: the project, the rule, the thing refused and what to change.
    public let message: String

    /// Creates a violation.
    public init(project: String, rule: ProjectRule, message: String) {
        self.project = project
        self.rule = rule
        self.message = message
    }

    public var description: String { message }
}

extension AppProject {
    /// Whether an Application living in `applicationNamespace` may use this project: the
    /// controller's own namespace may use any project (so may an empty namespace, an Application
    /// read from a file); another namespace only if `sourceNamespaces` matches it (a glob, or as in
    /// Argo CD a regular expression between slashes, `/^team-(a|b)$/`, found anywhere in the name).
    public func admits(applicationNamespace: String, controllerNamespace: String) -> ProjectViolation? {
        if applicationNamespace.isEmpty || applicationNamespace == controllerNamespace { return nil }
        if sourceNamespaces.contains(where: { Self.namespaceMatch($0, applicationNamespace) }) { return nil }
        return violation(
            .sourceNamespaces,
            "project \(name) does not allow Applications in namespace \(applicationNamespace): add the namespace "
                + "(or a glob matching it) to spec.sourceNamespaces, or move the Application to \(controllerNamespace)")
    }

    /// Whether an application may use a repository: some entry without `!` matches it and no `!`
    /// entry does (Argo CD's rule; an entry `!x` that does not match also counts as permitting).
    /// URLs and patterns are compared normalised as Argo CD does: lower-cased, `.git` dropped,
    /// `git@host:path` read as `git@host/path`; `*` stops at `/`, `**` does not, `*` alone is any.
    public func checkSource(_ repoURL: String) -> ProjectViolation? {
        let url = Self.normalizedRepoURL(repoURL)
        var permitted = false
        for entry in sourceRepos {
            if entry.hasPrefix("!") {
                let pattern = Self.normalizedRepoURL(String(entry.dropFirst()))
                if Self.repoGlobMatch(pattern, url) {
                    return violation(
                        .sourceRepos,
                        "repository \(repoURL) is refused by project \(name)'s spec.sourceRepos entry \"\(entry)\": "
                            + "use another repository or remove that entry")
                }
                permitted = true
            } else if entry == "*" || Self.repoGlobMatch(Self.normalizedRepoURL(entry), url) {
                permitted = true
            }
        }
        if permitted { return nil }
        return violation(
            .sourceRepos,
            "repository \(repoURL) is not permitted by project \(name): add it (or a glob matching it) to "
                + "spec.sourceRepos")
    }

    /// Whether an application may deploy to a cluster and namespace (Argo CD's rule): some entry
    /// matches (its server or name glob matches the set one of `server`/`name`, and its namespace
    /// glob matches), and no `!` entry refuses (a `!` field that does not match). An empty `server`
    /// or `name` is not matched.
    public func checkDestination(server: String, name clusterName: String, namespace: String) -> ProjectViolation? {
        var anyMatched = false
        for entry in destinations {
            let nameMatched = !clusterName.isEmpty && Self.negatableMatch(entry.name, clusterName)
            let serverMatched = !server.isEmpty && Self.negatableMatch(entry.server, server)
            let namespaceMatched = Self.negatableMatch(entry.namespace, namespace)
            if (serverMatched || nameMatched) && namespaceMatched {
                anyMatched = true
            } else if (!nameMatched && entry.name.hasPrefix("!")) || (!serverMatched && entry.server.hasPrefix("!"))
                || (!namespaceMatched && entry.namespace.hasPrefix("!"))
            {
                return violation(
                    .destinations,
                    "destination \(Self.describe(server: server, name: clusterName, namespace: namespace)) is refused "
                        + "by project \(name)'s spec.destinations entry \(Self.describe(entry)): deploy elsewhere or "
                        + "remove that entry")
            }
        }
        if anyMatched { return nil }
        return violation(
            .destinations,
            "destination \(Self.describe(server: server, name: clusterName, namespace: namespace)) is not permitted "
                + "by project \(name): add it to spec.destinations")
    }

    /// One object the application would create: its group, kind, whether the kind is namespaced,
    /// and its namespace (empty for cluster-scoped). Cluster-scoped kinds need
    /// `clusterResourceWhitelist` (and not blacklisted); namespaced kinds `namespaceResourceWhitelist`
    /// when non-empty, and not blacklisted; a namespaced object's namespace must be a permitted
    /// destination on `server`/`clusterName`.
    public func checkObject(
        group: String, kind: String, namespaced: Bool, namespace: String, name objectName: String, server: String,
        clusterName: String
    ) -> ProjectViolation? {
        let what = "\(kind) \(group.isEmpty ? "core" : group)/\(kind) \"\(objectName)\""
        if namespaced {
            let whitelisted =
                namespaceResourceWhitelist.isEmpty
                || namespaceResourceWhitelist.contains { $0.matches(group: group, kind: kind, name: objectName) }
            guard whitelisted else {
                return violation(
                    .namespaceResourceWhitelist,
                    "\(what) is not in project \(name)'s spec.namespaceResourceWhitelist: add it there")
            }
            if let entry = namespaceResourceBlacklist.first(where: {
                $0.matches(group: group, kind: kind, name: objectName)
            }) {
                return violation(
                    .namespaceResourceBlacklist,
                    "\(what) is refused by project \(name)'s spec.namespaceResourceBlacklist entry \(entry.summary): "
                        + "remove the object or that entry")
            }
            guard !namespace.isEmpty else { return nil }
            if let refused = checkDestination(server: server, name: clusterName, namespace: namespace) {
                return violation(.destinations, "\(what) in namespace \(namespace): \(refused.message)")
            }
            return nil
        }
        guard clusterResourceWhitelist.contains(where: { $0.matches(group: group, kind: kind, name: objectName) })
        else {
            return violation(
                .clusterResourceWhitelist,
                "\(what) is cluster-scoped and project \(name) does not allow it: add it to "
                    + "spec.clusterResourceWhitelist")
        }
        if let entry = clusterResourceBlacklist.first(where: { $0.matches(group: group, kind: kind, name: objectName) })
        {
            return violation(
                .clusterResourceBlacklist,
                "\(what) is cluster-scoped and refused by project \(name)'s spec.clusterResourceBlacklist entry "
                    + "\(entry.summary): remove the object or that entry")
        }
        return nil
    }

    /// The ServiceAccount destinationServiceAccounts names for a destination (first match in
    /// order, server and namespace globs), as (namespace, name): an entry "ns:name" names its
    /// namespace, a bare "name" lives in the destination namespace (empty when `namespace` is;
    /// Argo CD then uses the Application's own namespace).
    public func serviceAccount(server: String, namespace: String) -> (namespace: String, name: String)? {
        guard
            let entry = destinationServiceAccounts.first(where: {
                GroupKindPattern.globMatch($0.server, server) && GroupKindPattern.globMatch($0.namespace, namespace)
            })
        else { return nil }
        let account = entry.defaultServiceAccount
        if let colon = account.firstIndex(of: ":") {
            return (String(account[..<colon]), String(account[account.index(after: colon)...]))
        }
        return (namespace, account)
    }

    /// A repository URL as Argo CD compares it: trimmed and lower-cased, `.git` dropped, an scp-like
    /// `user@host:path` read as `user@host/path`, and no `ssh://` prefix.
    public static func normalizedRepoURL(_ url: String) -> String {
        var text = url.trimmingCharacters(in: .whitespaces).lowercased()
        if isSSHURL(text), !text.hasPrefix("ssh://"), let colon = text.firstIndex(of: ":") {
            text.replaceSubrange(colon...colon, with: "/")
        }
        if text.hasSuffix(".git") { text.removeLast(4) }
        if text.hasPrefix("ssh://") { text.removeFirst(6) }
        return text
    }

    /// `[ssh://]user@rest` where `user` has no `/` or `:` and `rest` no `@`.
    private static func isSSHURL(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("ssh://") { rest = rest.dropFirst(6) }
        guard let at = rest.firstIndex(of: "@") else { return false }
        let user = rest[..<at]
        let host = rest[rest.index(after: at)...]
        return !user.contains(where: { $0 == "/" || $0 == ":" }) && !host.isEmpty && !host.contains("@")
    }

    /// Argo CD's `MatchStringInList` in REGEXP mode: `/re/` searches a regular expression, anything
    /// else (and a `/re/` that does not match) is a glob.
    static func namespaceMatch(_ pattern: String, _ namespace: String) -> Bool {
        if let regex = regularExpression(pattern), namespace.contains(regex) { return true }
        return GroupKindPattern.globMatch(pattern, namespace)
    }

    /// The regular expression a `/re/` pattern holds; `nil` for any other pattern or one that does not compile.
    static func regularExpression(_ pattern: String) -> Regex<AnyRegexOutput>? {
        guard pattern.count >= 2, pattern.hasPrefix("/"), pattern.hasSuffix("/") else { return nil }
        return try? Regex(String(pattern.dropFirst().dropLast()))
    }

    private static func repoGlobMatch(_ pattern: String, _ url: String) -> Bool {
        pattern == "*" || ((try? Glob(pattern, separators: ["/"]))?.matches(url) ?? false)
    }

    /// Argo CD's `globMatch` with negation: `!p` matches what `p` does not.
    private static func negatableMatch(_ pattern: String, _ text: String) -> Bool {
        if pattern.hasPrefix("!") { return !GroupKindPattern.globMatch(String(pattern.dropFirst()), text) }
        return GroupKindPattern.globMatch(pattern, text)
    }

    private static func describe(server: String, name: String, namespace: String) -> String {
        var parts: [String] = []
        if !server.isEmpty { parts.append("server \(server)") }
        if !name.isEmpty { parts.append("cluster \(name)") }
        if parts.isEmpty { parts.append("(no server or cluster name)") }
        return parts.joined(separator: " ") + " namespace \(namespace.isEmpty ? "(none)" : namespace)"
    }

    private static func describe(_ entry: ProjectDestination) -> String {
        "{server: \"\(entry.server)\", name: \"\(entry.name)\", namespace: \"\(entry.namespace)\"}"
    }

    private func violation(_ rule: ProjectRule, _ message: String) -> ProjectViolation {
        ProjectViolation(project: name, rule: rule, message: message)
    }
}
