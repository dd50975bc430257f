import GitSource
import MoorCore

/// Which applications a push concerns: those with a Git source (any of `spec.sources`) whose
/// repository is one the push names and whose `targetRevision` follows a pushed ref.
///
/// Repositories compare by ``GitRepositoryURL/normalized`` form, ignoring case and SSH user names,
/// so `git@github.com:org/repo.git`, `ssh://github.com/org/repo` and `https://GitHub.com/org/repo`
/// each match the push event naming them. Revisions match as follows:
/// - `HEAD` or empty: a push to the default branch (the payload's, else `main` or `master`);
/// - a branch or tag name, or a full ref: a push of that branch, tag or ref;
/// - a semantic-version constraint (`^1.2`, `1.2.*`): a pushed tag whose version satisfies it;
/// - a commit SHA never moves, so never matches.
enum WebhookMatcher {
    /// The names of the applications `push` concerns, sorted.
    static func applications(_ applications: [String: Application], matching push: WebhookPush) -> [String] {
        let pushed = Set(push.repositoryURLs.compactMap(repositoryKey))
        guard !pushed.isEmpty else { return [] }
        return applications.filter { _, application in
            application.spec.allSources.contains { source in
                guard source.chart == nil, let key = repositoryKey(source.repoURL), pushed.contains(key) else {
                    return false
                }
                return push.refs.contains { follows(source.targetRevision, ref: $0, defaultBranch: push.defaultBranch) }
            }
        }.keys.sorted()
    }

    /// Whether an application at `targetRevision` follows `ref` (a full ref such as `refs/heads/main`).
    static func follows(_ targetRevision: String, ref: String, defaultBranch: String?) -> Bool {
        guard let revision = try? GitRevision(targetRevision) else { return false }
        let branch = ref.hasPrefix(branchPrefix) ? String(ref.dropFirst(branchPrefix.count)) : nil
        let tag = ref.hasPrefix(tagPrefix) ? String(ref.dropFirst(tagPrefix.count)) : nil
        switch revision {
        case .head:
            guard let branch else { return false }
            return defaultBranch.map { $0 == branch } ?? (branch == "main" || branch == "master")
        case .commit: return false
        case .name(let name, let constraint):
            if name == ref || name == branch || name == tag { return true }
            return constraint.map { satisfies($0, tag: tag) } ?? false
        case .constraint(let constraint): return satisfies(constraint, tag: tag)
        }
    }

    private static let branchPrefix = "refs/heads/"
    private static let tagPrefix = "refs/tags/"

    private static func satisfies(_ constraint: VersionConstraint, tag: String?) -> Bool {
        guard let tag, let version = SemanticVersion(tag) else { return false }
        return constraint.isSatisfied(by: version)
    }

    /// The form two URLs of one repository share: the normalised URL without user name, lowercased;
    /// `nil` for what is not a Git URL Moor accepts (e.g. a local directory).
    static func repositoryKey(_ url: String) -> String? {
        guard let parsed = try? GitRepositoryURL(url) else { return nil }
        let normalized = parsed.normalized.lowercased()
        guard let scheme = normalized.range(of: "://"), let at = normalized[scheme.upperBound...].firstIndex(of: "@"),
            !normalized[scheme.upperBound..<at].contains("/")
        else { return normalized }
        return String(normalized[..<scheme.upperBound] + normalized[normalized.index(after: at)...])
    }
}
