package import MoorCore

/// The refs a remote advertises, as listed by `git ls-remote`.
package struct GitRemoteRefs: Sendable, Equatable {
    /// Ref name (`HEAD`, `refs/heads/main`, `refs/tags/v1`, `refs/pull/7/head`, …) → object SHA. For an
    /// annotated tag the object is the tag, not the commit.
    var objects: [String: String] = [:]
    /// Ref name → commit SHA, for annotated tags (`refs/tags/v1^{}` lines).
    var peeled: [String: String] = [:]

    /// Parses `git ls-remote` output (`SHA<TAB>ref` lines).
    package init(lsRemoteOutput: String) {
        for line in lsRemoteOutput.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2, fields[0].count == 40, fields[0].allSatisfy(\.isHexDigit) else { continue }
            let sha = fields[0].lowercased()
            if fields[1].hasSuffix("^{}") {
                peeled[String(fields[1].dropLast(3))] = sha
            } else {
                objects[String(fields[1])] = sha
            }
        }
    }

    /// The commit a ref points to (peeling annotated tags); `nil` if the remote does not advertise it.
    func commit(of ref: String) -> String? {
        peeled[ref] ?? objects[ref]
    }

    /// The refs a mirror keeps (`refs/heads/*` and `refs/tags/*`) with their unpeeled objects; equal to
    /// the mirror's own `for-each-ref` answer exactly when a fetch would change nothing.
    var mirroredRefs: [String: String] {
        objects.filter { $0.key.hasPrefix("refs/heads/") || $0.key.hasPrefix("refs/tags/") }
    }

    /// Tag names (without `refs/tags/`) that parse as semantic versions.
    var versionTags: [(name: String, version: SemanticVersion)] {
        objects.keys.compactMap { ref in
            guard ref.hasPrefix("refs/tags/") else { return nil }
            let name = String(ref.dropFirst("refs/tags/".count))
            return SemanticVersion(name).map { (name, $0) }
        }
    }

    /// The tag with the highest version satisfying `constraint` (ties: the shortest, then smallest name).
    package func highestTag(satisfying constraint: VersionConstraint) -> String? {
        versionTags.filter { constraint.isSatisfied(by: $0.version) }
            .max { lhs, rhs in
                if lhs.version != rhs.version { return lhs.version < rhs.version }
                return (lhs.name.count, lhs.name) > (rhs.name.count, rhs.name)
            }?.name
    }
}
