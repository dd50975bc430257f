internal import MoorCore

extension GitSourceCache {
    /// The commit SHA `wanted` names on the remote whose refs are `remote`, fetched into `mirror` if needed.
    func commitSHA(
        of wanted: GitRevision, written: String, in remote: GitRemoteRefs, mirror: GitMirror,
        credentials: GitCredentials
    ) async throws -> String {
        switch wanted {
        case .head:
            guard let sha = remote.commit(of: "HEAD") else {
                throw GitError(
                    .revisionNotFound,
                    "\(mirror.url) has no default branch (HEAD); it may be empty: "
                        + "push a commit, or name a branch or tag")
            }
            return try await ensureCommit(sha, fetching: nil, into: mirror, credentials: credentials)
        case .commit(let sha):
            return try await ensureCommit(sha, fetching: nil, into: mirror, credentials: credentials)
        case .name(let name, let constraint):
            if let ref = Self.candidateRefs(for: name).first(where: { remote.objects[$0] != nil }),
                let sha = remote.commit(of: ref)
            {
                return try await ensureCommit(sha, fetching: ref, into: mirror, credentials: credentials)
            }
            if let constraint, let sha = try await highestTagCommit(constraint, in: remote, mirror: mirror, credentials)
            {
                return sha
            }
            if GitRevision.isAbbreviatedSHA(name), let sha = try await mirror.expandAbbreviatedCommit(name) {
                return sha
            }
        case .constraint(let constraint):
            if let sha = try await highestTagCommit(constraint, in: remote, mirror: mirror, credentials) {
                return sha
            }
        }
        throw GitError(
            .revisionNotFound,
            "no branch, tag, ref or commit of \(mirror.url) matches revision "
                + "'\(GitError.quoted(written))': check targetRevision")
    }

    /// Full ref names `name` may mean, in git's order of precedence (`git help revisions`).
    static func candidateRefs(for name: String) -> [String] {
        (name.hasPrefix("refs/") ? [name] : []) + ["refs/\(name)", "refs/tags/\(name)", "refs/heads/\(name)"]
    }

    private func highestTagCommit(
        _ constraint: VersionConstraint, in remote: GitRemoteRefs, mirror: GitMirror, _ credentials: GitCredentials
    ) async throws -> String? {
        guard let tag = remote.highestTag(satisfying: constraint), let sha = remote.commit(of: "refs/tags/\(tag)")
        else { return nil }
        return try await ensureCommit(sha, fetching: "refs/tags/\(tag)", into: mirror, credentials: credentials)
    }
}
