import Controller
import Foundation
import GitSource

/// The previews of pull requests, the latest per repository and number, at most ``capacity``
/// (the oldest made is dropped first).
actor PreviewStore {
    /// A pull request: its repository (``GitSource/GitRepositoryURL/identity``) and number.
    struct Key: Sendable, Hashable {
        /// The repository's identity.
        var repository: String
        /// The pull request's number in it.
        var number: Int
    }

    /// One stored preview.
    struct Entry: Sendable, Hashable {
        /// Which pull request.
        var key: Key
        /// What it would change.
        var preview: ApplicationController.Preview
        /// When it was made.
        var madeAt: Date
    }

    /// How many previews are kept.
    let capacity: Int
    private var entries: [Key: Entry] = [:]

    /// An empty store keeping at most `capacity` previews.
    init(capacity: Int = 200) { self.capacity = max(1, capacity) }

    /// Keeps `preview` as the latest of pull request `number` of its repository and has `service` send its
    /// notifications; nothing when the request's repository is not a Git URL.
    func keep(
        _ preview: ApplicationController.Preview, number: Int, notifying service: any ApplicationService,
        at date: Date = Date()
    ) async {
        guard let key = Self.key(preview.request.repository, number: number) else { return }
        entries[key] = Entry(key: key, preview: preview, madeAt: date)
        if entries.count > capacity, let oldest = entries.values.min(by: { $0.madeAt < $1.madeAt }) {
            entries[oldest.key] = nil
        }
        await service.notifyPreview(preview, pullRequest: number)
    }

    /// The latest preview of pull request `number` of `repository` (any URL of it).
    func get(_ repository: String, number: Int) -> Entry? {
        Self.key(repository, number: number).flatMap { entries[$0] }
    }

    /// Forgets the preview of pull request `number` of `repository` (a closed or merged one).
    func remove(_ repository: String, number: Int) {
        if let key = Self.key(repository, number: number) { entries[key] = nil }
    }

    /// Every preview kept, newest first.
    func all() -> [Entry] { entries.values.sorted { $0.madeAt > $1.madeAt } }

    private static func key(_ repository: String, number: Int) -> Key? {
        (try? GitRepositoryURL(repository)).map { Key(repository: $0.identity, number: number) }
    }
}
