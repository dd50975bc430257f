internal import Foundation

extension ChartCache {
    /// The largest `index.yaml` read (big public repositories' indexes are tens of megabytes).
    static let maxIndexBytes = 100 << 20

    /// A chart from a Helm HTTP repository: the index (conditionally), then the archive unless its
    /// digest is unpacked already.
    func fetchHTTP(
        _ reference: ChartReference, repository: String, credential: RepositoryCredential?
    ) async throws(ChartSourceError) -> Fetched {
        let index = try await index(of: repository, credential: credential)
        let entry = try index.entry(reference.chart, matching: reference.version, repository: repository)
        let origin = ChartHTTP.origin(of: repository)
        guard let first = entry.urls.first else {
            throw ChartSourceError(
                .transport, "the index of \(repository) lists no URL for chart \(reference.chart) \(entry.version)")
        }
        let url = ChartHTTP.resolve(first, against: repository)
        let known = entry.digest.map { "sha256:" + $0 } ?? digestsByURL[url]
        if let known, let cached = unpacked(known) {
            return Fetched(
                reference: reference, version: entry.version, digest: known, root: cached.root,
                chartDirectory: cached.chart)
        }
        let what = "chart \(reference.chart) \(entry.version) from \(repository)"
        let response = try await send(
            url, authorization: Self.basic(credential), origin: origin, credential: credential,
            maxBytes: limits.maxCompressedBytes, what: "the archive of \(what)")
        try Self.check(response, what: "the archive of \(what)", credential: credential)
        let unpacked = try unpack(
            response.body, digest: entry.digest.map { "sha256:" + $0 }, reference: reference, version: entry.version)
        digestsByURL[url] = unpacked.digest
        logger.info(
            "fetched chart",
            metadata: ["chart": "\(reference.chart)", "version": "\(entry.version)", "repository": "\(repository)"])
        return Fetched(
            reference: reference, version: entry.version, digest: unpacked.digest, root: unpacked.root,
            chartDirectory: unpacked.chart)
    }

    /// The repository's index: asked with the validators of the last answer, so an unchanged index
    /// is a `304` and reuses what was parsed.
    func index(of repository: String, credential: RepositoryCredential?) async throws(ChartSourceError)
        -> HelmRepositoryIndex
    {
        let url = repository + "/index.yaml"
        let cached = indexes[url]
        var headers: [(String, String)] = []
        if let etag = cached?.etag { headers.append(("If-None-Match", etag)) }
        if let lastModified = cached?.lastModified { headers.append(("If-Modified-Since", lastModified)) }
        let what = "the index.yaml of \(repository)"
        let response = try await send(
            url, headers: headers, authorization: Self.basic(credential), origin: ChartHTTP.origin(of: repository),
            credential: credential, maxBytes: Self.maxIndexBytes, what: what)
        if response.status == 304, let cached { return cached.index }
        try Self.check(response, what: what, credential: credential)
        let index = try HelmRepositoryIndex(
            yaml: String(decoding: response.body, as: UTF8.self), repository: repository)
        indexes[url] = CachedIndex(
            etag: response.header("ETag"), lastModified: response.header("Last-Modified"), index: index)
        return index
    }

    /// `Basic …` for a credential with a user name or password.
    static func basic(_ credential: RepositoryCredential?) -> String? {
        guard let credential, credential.hasBasicAuth else { return nil }
        return "Basic " + Data("\(credential.username):\(credential.password)".utf8).base64EncodedString()
    }

    /// Throws for anything but a `2xx`: `401`/`403` as ``ChartSourceError/Code/unauthorized`` (saying
    /// whether credentials were sent), `404` as ``ChartSourceError/Code/notFound``.
    static func check(
        _ response: ChartHTTP.Response, what: String, credential: RepositoryCredential?
    ) throws(ChartSourceError) {
        switch response.status {
        case 200..<300: return
        case 401, 403:
            let hint =
                credential?.hasBasicAuth == true
                ? "the credentials configured for it were refused"
                : "it needs credentials: add a repository credential for its URL"
            throw ChartSourceError(.unauthorized, "\(what): HTTP \(response.status); \(hint)")
        case 404: throw ChartSourceError(.notFound, "\(what): HTTP 404, not found")
        default: throw ChartSourceError(.transport, "\(what): HTTP \(response.status)")
        }
    }
}
