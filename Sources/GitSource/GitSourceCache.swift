internal import Foundation
public import Logging

/// Counters of the git traffic a ``GitSourceCache`` caused, for tests, benchmarks and metrics.
public struct GitSourceStatistics: Sendable, Hashable {
    /// `git ls-remote` runs: one per refresh of a repository's refs.
    public var remoteListings = 0
    /// `git fetch` runs: a refresh whose listing differed from the mirror, or a ref or commit fetched on request.
    public var fetches = 0
    /// Resolves that reused a listing another caller started (in flight, or recent enough for the caller)
    /// instead of starting their own.
    public var coalescedRequests = 0

    /// Creates zeroed counters.
    public init() {}
}

/// A cache of bare Git mirrors, one per repository, that resolves revisions to commits and exports trees.
///
/// The cache owns `directory`: one mirror per normalised repository URL under `mirrors/`, plus scratch space
/// it clears when created; use one cache per directory and process. A
/// ``resolve(_:revision:credentials:listedSince:)`` lists the remote's refs with `git ls-remote` (so callers
/// are always checked against the server with their own credentials) and fetches only when those refs differ
/// from the mirror's. Concurrent resolves of one repository with equal credentials share one listing and fetch,
/// and a caller that accepts a listing started since a given instant shares a finished one too, along with the
/// revisions already resolved against it; fetches into one mirror never overlap.
public actor GitSourceCache {
    private let directory: String
    private let runner: GitCommandRunner
    private let logger: Logger
    private var counters = GitSourceStatistics()
    /// The latest listing of each repository (by normalised URL).
    private var listings: [String: Listing] = [:]
    private var listingCount = 0
    private var lockedMirrors: Set<String> = []
    private var lockWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// One `git ls-remote` (and the fetch it may need), in flight or finished, and the revisions resolved
    /// against its refs.
    private struct Listing {
        let id: Int
        let credentials: GitCredentials
        let startedAt: ContinuousClock.Instant
        let refs: Task<GitRemoteRefs, any Error>
        var finished = false
        /// By revision as written.
        var commits: [String: Task<GitCommit, any Error>] = [:]
    }

    /// Creates a cache in `directory` (created if needed).
    ///
    /// - Parameters:
    ///   - logger: Receives one info line per fetch and debug lines per git command, without secrets.
    ///   - commandTimeout: How long one git command (a listing, a fetch, an export) may run before it is
    ///     killed and ``GitError/Code/timeout`` is thrown.
    /// - Throws: ``GitError/Code/commandFailed`` when the directory cannot be prepared.
    public init(
        directory: String, logger: Logger = Logger(label: "moor.git"), commandTimeout: Duration = .seconds(300)
    ) throws {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.directory = absolute
        self.logger = logger
        do {
            try? FileManager.default.removeItem(atPath: absolute + "/tmp")
            runner = try GitCommandRunner(directory: absolute, timeout: commandTimeout, logger: logger)
        } catch {
            throw GitError(
                .commandFailed,
                "could not prepare the Git cache directory \(absolute): "
                    + "\(error.localizedDescription); check that it is writable")
        }
    }

    /// The git traffic so far.
    public var statistics: GitSourceStatistics { counters }

    /// Resolves `revision` of the repository at `url` to a commit, fetching into the mirror only when the
    /// remote's refs changed (or the revision names a ref or commit the mirror lacks).
    ///
    /// `revision` may be empty or `HEAD` (the default branch), a branch, a tag, a full ref such as
    /// `refs/pull/7/head` or `refs/merge-requests/7/head`, a full or abbreviated commit SHA, or a
    /// semantic-version constraint over tags (`1.2.*`, `>=1.2.0 <2.0.0`, `^1.4`, `~1.4.2`; `v` prefixes allowed;
    /// the highest matching version wins; pre-releases only when the constraint names one). A name is looked
    /// up as a tag, then a branch, then as a constraint, then as an abbreviated SHA.
    ///
    /// Without `listedSince`, the remote's refs are listed anew unless a listing with equal credentials is in
    /// flight. With it, the latest listing with equal credentials that started at or after `listedSince` is
    /// used, in flight or finished, and so is the commit it already resolved `revision` to: a caller that
    /// can accept refs as old as one second passes `.now - .seconds(1)`, and many callers then share one
    /// `ls-remote` per second. A listing that failed is not reused once finished.
    ///
    /// - Returns: The commit, which the mirror then holds (ready for ``export(_:commit:to:)``).
    /// - Throws: ``GitError``: `invalidRevision` before any git command runs; `authenticationFailed`,
    ///   `hostKeyRejected`, `repositoryNotFound`, `timeout` from the server; `revisionNotFound` when nothing
    ///   matches.
    public func resolve(
        _ url: GitRepositoryURL, revision: String, credentials: GitCredentials = .none,
        listedSince: ContinuousClock.Instant? = nil
    ) async throws -> GitCommit {
        let wanted = try GitRevision(revision)
        let mirror = mirror(for: url)
        let key = url.normalized
        let listing =
            reusableListing(key, credentials: credentials, since: listedSince)
            ?? startListing(
                mirror, credentials: credentials)
        if let resolving = listing.commits[revision] { return try await resolving.value }
        let resolving = Task {
            let remote = try await self.awaitRefs(of: listing, key: key)
            let sha = try await self.commitSHA(
                of: wanted, written: revision, in: remote, mirror: mirror, credentials: credentials)
            return try await mirror.commit(sha)
        }
        if listings[key]?.id == listing.id { listings[key]?.commits[revision] = resolving }
        return try await resolving.value
    }

    /// Writes the files of `commit` (a full SHA the cache holds) into `directory`, which must be empty or not
    /// exist yet. Only the commit's tree is written: no `.git`, no submodules. On failure the directory's
    /// contents are unspecified; delete it.
    ///
    /// - Throws: ``GitError``: `invalidRevision` when `commit` is not a full SHA, `revisionNotFound` when the
    ///   cache does not hold it, `directoryNotEmpty`, or `commandFailed`.
    public func export(_ url: GitRepositoryURL, commit: String, to directory: String) async throws {
        let sha = try Self.fullSHA(commit)
        let mirror = try await mirrorHolding(sha, of: url)
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let files = FileManager.default
        if let existing = try? files.contentsOfDirectory(atPath: target), !existing.isEmpty {
            throw GitError(
                .directoryNotEmpty,
                "export directory \(target) is not empty: export into a new or empty directory")
        }
        do {
            try files.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw GitError(.commandFailed, "could not create export directory \(target): \(error.localizedDescription)")
        }
        try await mirror.export(sha, to: target)
    }

    /// The metadata of `commit` (a full SHA the cache holds, e.g. from ``resolve(_:revision:credentials:)``).
    ///
    /// - Throws: ``GitError``: `invalidRevision` when `commit` is not a full SHA; `revisionNotFound`.
    public func commitInfo(_ url: GitRepositoryURL, commit: String) async throws -> GitCommit {
        try await mirror(for: url).commit(Self.fullSHA(commit))
    }

    /// The paths of `url` that merging commit `head` into commit `base` would change (both full SHAs the
    /// cache holds, e.g. from ``resolve(_:revision:credentials:listedSince:)``): those that differ between
    /// their merge base and `head`, repository-relative, a renamed file under both names; empty when `head`
    /// is `base` or already merged into it.
    ///
    /// - Throws: ``GitError``: `invalidRevision` when a commit is not a full SHA, `revisionNotFound` when the
    ///   cache does not hold one, `commandFailed` when they share no history.
    public func changedPaths(_ url: GitRepositoryURL, base: String, head: String) async throws -> [String] {
        let base = try Self.fullSHA(base)
        let head = try Self.fullSHA(head)
        _ = try await mirrorHolding(base, of: url)
        return try await mirrorHolding(head, of: url).changedPaths(base: base, head: head)
    }

    private func mirror(for url: GitRepositoryURL) -> GitMirror {
        GitMirror(url: url, path: "\(directory)/mirrors/\(url.mirrorName).git", runner: runner)
    }

    /// The mirror of `url`, after checking that it holds commit `sha`.
    func mirrorHolding(_ sha: String, of url: GitRepositoryURL) async throws -> GitMirror {
        let mirror = mirror(for: url)
        guard try await mirror.containsCommit(sha) else {
            throw GitError(
                .revisionNotFound,
                "commit \(sha) is not in the cache of \(url): resolve a revision of this repository first")
        }
        return mirror
    }

    /// `text` lowercased if it is a full 40-hex-digit SHA.
    static func fullSHA(_ text: String) throws -> String {
        guard case .commit(let sha) = try GitRevision(text) else {
            throw GitError(
                .invalidRevision,
                "'\(GitError.quoted(text))' is not a full 40-hex-digit commit SHA: pass the sha of a resolved commit")
        }
        return sha
    }

    // MARK: Refreshing and fetching

    /// The latest listing of `key` with `credentials` that a caller accepting `since` may reuse (counted as
    /// coalesced): one started at or after `since`, or without `since` one still in flight.
    private func reusableListing(
        _ key: String, credentials: GitCredentials, since: ContinuousClock.Instant?
    ) -> Listing? {
        guard let listing = listings[key], listing.credentials == credentials else { return nil }
        let reusable = since.map { listing.startedAt >= $0 } ?? !listing.finished
        guard reusable else { return nil }
        counters.coalescedRequests += 1
        return listing
    }

    /// Starts listing `mirror`'s remote (and fetching when its refs differ from the mirror's); it becomes the
    /// repository's latest listing.
    private func startListing(_ mirror: GitMirror, credentials: GitCredentials) -> Listing {
        listingCount += 1
        let listing = Listing(
            id: listingCount, credentials: credentials, startedAt: .now,
            refs: Task { try await self.performRefresh(mirror, credentials: credentials) })
        listings[mirror.url.normalized] = listing
        return listing
    }

    /// The refs `listing` found; marks it finished, or forgets it when it failed.
    private func awaitRefs(of listing: Listing, key: String) async throws -> GitRemoteRefs {
        let result = await listing.refs.result
        if listings[key]?.id == listing.id {
            if case .success = result { listings[key]?.finished = true } else { listings[key] = nil }
        }
        return try result.get()
    }

    private func performRefresh(_ mirror: GitMirror, credentials: GitCredentials) async throws -> GitRemoteRefs {
        counters.remoteListings += 1
        let remote = try await mirror.listRemote(credentials: credentials)
        try await withMirrorLock(mirror) {
            try await mirror.create()
            if try await mirror.localRefs() != remote.mirroredRefs {
                try await fetch(GitMirror.mirroredRefspecs, into: mirror, prune: true, credentials: credentials)
            }
        }
        return remote
    }

    /// Makes sure the mirror holds commit `sha`, fetching `ref` (or the commit itself when `ref` is `nil`)
    /// if it does not.
    func ensureCommit(
        _ sha: String, fetching ref: String?, into mirror: GitMirror, credentials: GitCredentials
    ) async throws -> String {
        if try await mirror.containsCommit(sha) { return sha }
        try await withMirrorLock(mirror) {
            if try await mirror.containsCommit(sha) { return }
            let refspec = ref.map { "+\($0):\($0)" } ?? "+\(sha):refs/moor/commits/\(sha)"
            do {
                try await fetch([refspec], into: mirror, prune: false, credentials: credentials)
            } catch let error as GitError where error.code == .commandFailed && ref == nil {
                throw GitError(
                    .revisionNotFound,
                    "commit \(sha) is in no branch or tag of \(mirror.url) and the "
                        + "server would not send it: check the SHA, or name a branch or tag that contains it")
            }
        }
        guard try await mirror.containsCommit(sha) else {
            throw GitError(.revisionNotFound, "\(ref ?? sha) of \(mirror.url) does not name a commit")
        }
        return sha
    }

    /// Fetches into `mirror` (the caller holds its lock); a fetch killed by the timeout may leave lock files,
    /// so the mirror is then deleted and rebuilt by the next refresh.
    private func fetch(
        _ refspecs: [String], into mirror: GitMirror, prune: Bool, credentials: GitCredentials
    ) async throws {
        counters.fetches += 1
        logger.info("fetching", metadata: ["url": "\(mirror.url)", "refspecs": "\(refspecs.joined(separator: " "))"])
        do {
            try await mirror.fetch(refspecs, prune: prune, credentials: credentials)
        } catch let error as GitError where error.code == .timeout {
            mirror.remove()
            throw error
        }
    }

    /// Runs `body` while no other fetch or creation of `mirror` runs.
    private func withMirrorLock<T>(_ mirror: GitMirror, _ body: () async throws -> T) async throws -> T {
        let key = mirror.url.normalized
        if lockedMirrors.contains(key) {
            await withCheckedContinuation { lockWaiters[key, default: []].append($0) }
        } else {
            lockedMirrors.insert(key)
        }
        defer { unlockMirror(key) }
        return try await body()
    }

    /// Hands the lock to the next waiter, or releases it.
    private func unlockMirror(_ key: String) {
        guard var waiters = lockWaiters[key], !waiters.isEmpty else {
            lockedMirrors.remove(key)
            return
        }
        let next = waiters.removeFirst()
        lockWaiters[key] = waiters.isEmpty ? nil : waiters
        next.resume()
    }
}
