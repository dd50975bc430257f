public import ChartArchive
internal import Crypto
internal import Foundation
public import Logging

/// Fetches remote charts (Helm HTTP repositories and OCI registries) and keeps them unpacked on
/// disk, so that an unchanged repository costs one small request and no download:
///
/// - a Helm repository's `index.yaml` is read with `If-None-Match`/`If-Modified-Since` from the last
///   answer, so an unchanged index is one `304 Not Modified`; an OCI tag costs one manifest `GET`
///   (the registry token is kept while it is accepted);
/// - an archive is downloaded only when no archive with its digest is unpacked yet; it must have the
///   digest the index or manifest promises, and is unpacked by ``ChartArchive`` (hostile entries and
///   size limits refused before anything is written) into a directory named by its digest.
///
/// Credentials are looked up per repository URL (``RepositoryCredentials/match(_:)``) and sent only to
/// that repository's origin. Every failure is a ``ChartSourceError`` naming the repository, chart and
/// version; nothing is changed in the cache by a failed fetch.
public actor ChartCache {
    /// A chart ready to render.
    public struct Fetched: Sendable, Hashable {
        /// The reference as asked.
        public var reference: ChartReference
        /// The version picked.
        public var version: String
        /// The archive's digest, `sha256:…`.
        public var digest: String
        /// The directory the archive was unpacked into.
        public var root: String
        /// The chart's directory inside ``root`` (the archive's top directory, normally the chart name).
        public var chartDirectory: String
    }

    /// What the cache has asked the network for since it was created.
    public struct Statistics: Sendable, Hashable {
        /// Requests sent (each redirect hop counts once, a token request too).
        public var requests = 0
        /// Chart archives downloaded.
        public var archiveDownloads = 0
        /// Body bytes received.
        public var bytesReceived = 0
    }

    /// Where unpacked charts are kept.
    public let directory: String
    /// Size and count limits for archives.
    public let limits: ChartArchive.Limits
    /// Requests and downloads so far.
    public private(set) var statistics = Statistics()
    let http: ChartHTTP
    let logger: Logger
    /// The last answer for each index URL: validators and the parsed index.
    var indexes: [String: CachedIndex] = [:]
    /// `Authorization` values registries accepted, by registry repository and the credential that won them.
    var registryAuthorization: [AuthorizationKey: String] = [:]
    /// Archive digests by URL, for indexes that record none.
    var digestsByURL: [String: String] = [:]

    struct CachedIndex {
        var etag: String?
        var lastModified: String?
        var index: HelmRepositoryIndex
    }

    /// Creates a cache in `directory` (created if missing; unpacked charts already in it are reused).
    public init(
        directory: String, limits: ChartArchive.Limits = .init(), timeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "moor.charts")
    ) throws(ChartSourceError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ChartSourceError(.transport, "the chart cache directory \(directory) cannot be created")
        }
        self.directory = directory
        self.limits = limits
        http = ChartHTTP(timeout: timeout)
        self.logger = logger
    }

    /// Fetches `reference`, with the credential `credentials` gives its repository URL.
    public func fetch(
        _ reference: ChartReference, credentials: RepositoryCredentials = .init()
    ) async throws(ChartSourceError) -> Fetched {
        let credential = credentials.match(reference.repositoryURL)
        switch reference.repository {
        case .http(let url):
            return try await fetchHTTP(reference, repository: url, credential: credential)
        case .oci(let registry, let repository, let plainHTTP):
            return try await fetchOCI(
                reference, registry: registry, repository: repository, plainHTTP: plainHTTP, credential: credential)
        }
    }

    /// Sends a request and counts it.
    func send(
        _ url: String, method: ChartHTTP.Method = .GET, headers: [(String, String)] = [], authorization: String? = nil,
        origin: String, credential: RepositoryCredential?, maxBytes: Int, what: String
    ) async throws(ChartSourceError) -> ChartHTTP.Response {
        statistics.requests += 1
        let response = try await http.send(
            method, url, headers: headers, authorization: authorization, origin: origin, credential: credential,
            maxBytes: maxBytes, what: what)
        statistics.bytesReceived += response.body.count
        return response
    }

    /// The unpacked archive with `digest`, if it is in the cache.
    func unpacked(_ digest: String) -> (root: String, chart: String)? {
        let root = path(for: digest)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root), entries.count == 1 else {
            return nil
        }
        return (root, entries[0])
    }

    /// `bytes`' digest as Helm and OCI write it: `sha256:` and the SHA-256 in lowercase hex.
    static func digest(of bytes: some DataProtocol) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Checks `archive` against `digest` (`sha256:…`) and unpacks it under its digest.
    func unpack(
        _ archive: [UInt8], digest expected: String?, reference: ChartReference, version: String
    ) throws(ChartSourceError) -> (root: String, chart: String, digest: String) {
        statistics.archiveDownloads += 1
        let digest = Self.digest(of: archive)
        if let expected, expected.lowercased() != digest {
            throw ChartSourceError(
                .digestMismatch,
                "the archive of chart \(reference.chart) \(version) from \(reference.repositoryURL) has digest "
                    + "\(digest), not the \(expected) its repository lists; refusing it")
        }
        if let cached = unpacked(digest) { return (cached.root, cached.chart, digest) }
        let staging = directory + "/.unpacking-" + UUID().uuidString
        let root = path(for: digest)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
            let extracted = try ChartArchive.extract(archive, into: staging, limits: limits)
            try? FileManager.default.removeItem(atPath: root)
            try FileManager.default.moveItem(atPath: staging, toPath: root)
            return (root, extracted.topDirectory, digest)
        } catch let error as ChartArchiveError {
            try? FileManager.default.removeItem(atPath: staging)
            throw ChartSourceError(
                .archive,
                "the archive of chart \(reference.chart) \(version) from \(reference.repositoryURL) is refused: \(error)"
            )
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw ChartSourceError(.transport, "unpacking chart \(reference.chart) \(version) failed: \(error)")
        }
    }

    private func path(for digest: String) -> String {
        directory + "/" + digest.replacingOccurrences(of: ":", with: "-")
    }
}
