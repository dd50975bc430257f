internal import Foundation
internal import GitSource

/// Exported trees of commits, shared by the renders that read them: a commit is exported once however many
/// applications render it at once or one after another, instead of once per application.
///
/// Every ``acquire(_:commit:)`` must be balanced by one ``release(_:commit:)``. A checkout stays on disk while
/// a render holds it; of those no render holds, the ``retained`` most recently used stay for the next renders
/// and older ones are deleted. Renders only read a checkout. The cache's directory is deleted with the cache.
actor CheckoutCache {
    private struct Key: Hashable {
        var repository: String
        var commit: String
    }

    private struct Checkout {
        var path: String
        var export: Task<Void, any Error>
        var holders = 0
        var lastUse = 0
    }

    private let git: GitSourceCache
    /// How many checkouts no render holds are kept.
    let retained: Int
    private let directory: String
    private var checkouts: [Key: Checkout] = [:]
    private var uses = 0

    /// Creates an empty cache exporting through `git` into a new temporary directory, keeping `retained`
    /// checkouts that no render holds.
    init(git: GitSourceCache, retained: Int = 2) {
        self.git = git
        self.retained = max(0, retained)
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("moor-checkouts-\(UUID().uuidString)").path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The directory holding the tree of `commit` (a full SHA the Git cache holds) of `url`, exported unless it
    /// already is; the caller holds it until ``release(_:commit:)``. A failed export holds nothing and is tried
    /// again by the next call.
    func acquire(_ url: GitRepositoryURL, commit: String) async throws -> String {
        let key = Key(repository: url.normalized, commit: commit)
        let checkout: Checkout
        if let existing = checkouts[key] {
            checkout = existing
        } else {
            let path = "\(directory)/\(UUID().uuidString)"
            // The task captures the Git cache, not `self`: a cache holding its own task would never be released.
            checkout = Checkout(
                path: path, export: Task { [git] in try await git.export(url, commit: commit, to: path) })
        }
        checkouts[key] = checkout
        checkouts[key]?.holders += 1
        do {
            try await checkout.export.value
        } catch {
            if checkouts[key]?.path == checkout.path { remove(key) }
            throw error
        }
        return checkout.path
    }

    /// Gives back a checkout from ``acquire(_:commit:)``, deleting checkouts beyond the ``retained`` unheld ones.
    func release(_ url: GitRepositoryURL, commit: String) {
        let key = Key(repository: url.normalized, commit: commit)
        uses += 1
        checkouts[key]?.holders -= 1
        checkouts[key]?.lastUse = uses
        let unheld = checkouts.filter { $0.value.holders <= 0 }.sorted { $0.value.lastUse > $1.value.lastUse }
        for (key, _) in unheld.dropFirst(retained) { remove(key) }
    }

    /// Deletes every checkout no render holds, and the cache's directory when that leaves none (a controller
    /// that stops leaves no exported trees behind). The cache stays usable: a later export recreates the directory.
    func removeUnheld() {
        for (key, checkout) in checkouts where checkout.holders <= 0 { remove(key) }
        if checkouts.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func remove(_ key: Key) {
        guard let checkout = checkouts.removeValue(forKey: key) else { return }
        try? FileManager.default.removeItem(atPath: checkout.path)
    }
}
