internal import Foundation
public import GitSource

extension ApplicationSet {
    /// The directories of each Git-directories generator's commit, keyed by the generator's index, as
    /// ``applications(directories:)`` takes them: every directory of the tree (relative, `/`-separated;
    /// symbolic links are not followed). The repository is resolved at the generator's `revision` through
    /// `cache` and its commit exported into a throwaway directory.
    ///
    /// Throws what ``GitSourceCache/resolve(_:revision:credentials:)`` and
    /// ``GitSourceCache/export(_:commit:to:)`` throw, or a ``GitError`` for a malformed URL.
    public func directories(
        cache: GitSourceCache, credentials: GitCredentials = .none
    ) async throws -> [Int: [String]] {
        var result: [Int: [String]] = [:]
        for (index, generator) in generators.enumerated() {
            guard case .gitDirectories(let repoURL, let revision, _) = generator else { continue }
            let url = try GitRepositoryURL(repoURL)
            let commit = try await cache.resolve(url, revision: revision, credentials: credentials)
            let checkout = FileManager.default.temporaryDirectory.appendingPathComponent("moor-set-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: checkout) }
            try await cache.export(url, commit: commit.sha, to: checkout)
            result[index] = try Self.directories(under: checkout)
        }
        return result
    }

    /// Every directory below `root`, relative to it; symbolic links are neither listed nor followed.
    static func directories(under root: String) throws -> [String] {
        let files = FileManager.default
        guard let walker = files.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            let type = try files.attributesOfItem(atPath: root + "/" + relative)[.type] as? FileAttributeType
            if type == .typeDirectory { found.append(relative) }
        }
        return found.sorted()
    }
}
