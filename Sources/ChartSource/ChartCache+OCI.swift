internal import Foundation
internal import MoorCore

extension ChartCache {
    /// The media type of a Helm chart's archive layer in an OCI manifest.
    static let chartLayerMediaType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
    /// The manifest types asked for.
    static let manifestMediaTypes = "application/vnd.oci.image.manifest.v1+json"
    /// The largest manifest, tag list or token answer read.
    static let maxRegistryDocumentBytes = 4 << 20

    /// A chart from an OCI registry: the tag (listing tags only for a constraint), its manifest, and
    /// the chart layer unless its digest is unpacked already.
    func fetchOCI(
        _ reference: ChartReference, registry: String, repository: String, plainHTTP: Bool,
        credential: RepositoryCredential?
    ) async throws(ChartSourceError) -> Fetched {
        let base = (plainHTTP ? "http://" : "https://") + registry + "/v2/" + repository
        let session = RegistrySession(base: base, repository: repository, credential: credential)
        let version: String
        if Self.isExactTag(reference.version) {
            version = reference.version
        } else {
            let tags = try await tags(session, reference: reference)
            guard let picked = ChartVersionSelection.select(reference.version, from: tags) else {
                throw ChartSourceError(
                    .notFound,
                    "\(reference.repositoryURL) has no tag matching \(quoted(reference.version)) (it has "
                        + "\(tags.prefix(10).joined(separator: ", ")))")
            }
            version = picked
        }
        // Helm writes `+` of a version as `_` in the tag.
        let tag = version.replacingOccurrences(of: "+", with: "_")
        let what = "chart \(reference.chart) \(version) from \(reference.repositoryURL)"
        let manifest = try await registryGet(
            session, path: "/manifests/" + tag, accept: Self.manifestMediaTypes,
            maxBytes: Self.maxRegistryDocumentBytes,
            what: "the manifest of \(what)")
        guard let document = try? JSONValue(parsing: manifest.body),
            let layer = document["layers"]?.arrayValue?.first(where: {
                $0["mediaType"]?.stringValue == Self.chartLayerMediaType
            }),
            let digest = layer["digest"]?.stringValue, digest.hasPrefix("sha256:")
        else {
            throw ChartSourceError(
                .transport,
                "the manifest of \(what) has no Helm chart layer (\(Self.chartLayerMediaType)); is it a chart?")
        }
        if let size = layer["size"]?.intValue, size > limits.maxCompressedBytes {
            throw ChartSourceError(
                .archive, "the archive of \(what) is \(size) bytes, more than the limit of \(limits.maxCompressedBytes)"
            )
        }
        if let cached = unpacked(digest) {
            return Fetched(
                reference: reference, version: version, digest: digest, root: cached.root, chartDirectory: cached.chart)
        }
        let blob = try await registryGet(
            session, path: "/blobs/" + digest, accept: "*/*", maxBytes: limits.maxCompressedBytes,
            what: "the archive of \(what)")
        let unpacked = try unpack(blob.body, digest: digest, reference: reference, version: version)
        logger.info(
            "fetched chart",
            metadata: [
                "chart": "\(reference.chart)", "version": "\(version)", "repository": "\(reference.repositoryURL)",
            ])
        return Fetched(
            reference: reference, version: version, digest: digest, root: unpacked.root, chartDirectory: unpacked.chart)
    }

    /// Where one repository of a registry is and who asks.
    struct RegistrySession {
        var base: String
        var repository: String
        var credential: RepositoryCredential?
        var origin: String { ChartHTTP.origin(of: base) }
        /// What an accepted authorization is kept under: the repository and the credential that won it,
        /// so that a token or basic authorization won with one credential is never sent for another, or
        /// for a caller without one.
        var authorizationKey: AuthorizationKey { AuthorizationKey(base: base, credential: credential) }
    }

    /// The key of ``ChartCache/registryAuthorization``: a registry repository and the credential used there.
    struct AuthorizationKey: Hashable {
        var base: String
        var credential: RepositoryCredential?
    }

    /// Every tag of the repository (`+` for Helm's `_`), following `Link` pages.
    private func tags(_ session: RegistrySession, reference: ChartReference) async throws(ChartSourceError) -> [String]
    {
        var tags: [String] = []
        var path: String? = "/tags/list"
        var pages = 0
        while let next = path, pages < 50 {
            pages += 1
            let response = try await registryGet(
                session, path: next, accept: "application/json", maxBytes: Self.maxRegistryDocumentBytes,
                what: "the tags of \(reference.repositoryURL)")
            let listed = (try? JSONValue(parsing: response.body))?["tags"]?.arrayValue ?? []
            tags += listed.compactMap(\.stringValue).map { $0.replacingOccurrences(of: "_", with: "+") }
            path = response.header("Link").flatMap { link in
                guard let start = link.firstIndex(of: "<"), let end = link.firstIndex(of: ">"), start < end else {
                    return nil
                }
                let target = String(link[link.index(after: start)..<end])
                guard let range = target.range(of: "/tags/list") else { return nil }
                return String(target[range.lowerBound...])
            }
        }
        return tags
    }

    /// A `GET` of `session.base + path`, authorized as the registry asks: on a `401` with
    /// `WWW-Authenticate: Bearer realm=…` a token is asked for (with the credential's basic
    /// authentication, if any) and the request retried with it; with `Basic`, retried with the
    /// credential. An accepted authorization is kept for the next requests to the repository with the
    /// same credential.
    private func registryGet(
        _ session: RegistrySession, path: String, accept: String, maxBytes: Int, what: String
    ) async throws(ChartSourceError) -> ChartHTTP.Response {
        let key = session.authorizationKey
        let url = session.base + path
        var response = try await send(
            url, headers: [("Accept", accept)], authorization: registryAuthorization[key], origin: session.origin,
            credential: session.credential, maxBytes: maxBytes, what: what)
        if response.status == 401, let challenge = response.header("WWW-Authenticate") {
            let authorization = try await authorize(challenge, session: session, what: what)
            registryAuthorization[key] = authorization
            response = try await send(
                url, headers: [("Accept", accept)], authorization: authorization, origin: session.origin,
                credential: session.credential, maxBytes: maxBytes, what: what)
        }
        try Self.check(response, what: what, credential: session.credential)
        return response
    }

    /// The `Authorization` value a registry's challenge asks for.
    private func authorize(
        _ challenge: String, session: RegistrySession, what: String
    ) async throws(ChartSourceError) -> String {
        let parsed = AuthenticationChallenge(challenge)
        switch parsed.scheme {
        case "basic":
            guard let basic = Self.basic(session.credential) else {
                throw ChartSourceError(
                    .unauthorized, "\(what): the registry needs credentials: add a repository credential for its URL")
            }
            return basic
        case "bearer":
            guard let realm = parsed.parameters["realm"], realm.hasPrefix("https://") || realm.hasPrefix("http://")
            else {
                throw ChartSourceError(.transport, "\(what): the registry's token challenge names no realm")
            }
            var query = [("service", parsed.parameters["service"]), ("scope", parsed.parameters["scope"])]
                .compactMap { name, value in value.map { "\(name)=\(Self.percentEncoded($0))" } }
            if parsed.parameters["scope"] == nil { query.append("scope=repository:\(session.repository):pull") }
            let tokenURL = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
            // The registry names its token service: the credential goes there, as every registry client
            // sends it, but never in clear text to another host.
            let authorization =
                Self.mayReceiveCredential(realm: realm, registry: session.base) ? Self.basic(session.credential) : nil
            let response = try await send(
                tokenURL, authorization: authorization, origin: ChartHTTP.origin(of: realm),
                credential: session.credential, maxBytes: Self.maxRegistryDocumentBytes,
                what: "the registry token for \(what)")
            try Self.check(response, what: "the registry token for \(what)", credential: session.credential)
            let document = try? JSONValue(parsing: response.body)
            guard let token = document?["token"]?.stringValue ?? document?["access_token"]?.stringValue,
                !token.isEmpty
            else {
                throw ChartSourceError(.transport, "\(what): the registry's token service answered without a token")
            }
            return "Bearer " + token
        default:
            throw ChartSourceError(.unauthorized, "\(what): the registry asks for an unsupported authentication scheme")
        }
    }

    /// Whether the token service at `realm` may receive the credential of the registry at `registry`
    /// (both URLs): over HTTPS, or on the registry's own host.
    static func mayReceiveCredential(realm: String, registry: String) -> Bool {
        let host = { (url: String) in
            ChartHTTP.origin(of: url).split(separator: "/").last.map { $0.split(separator: ":").first ?? $0 }
        }
        return realm.lowercased().hasPrefix("https://") || (host(realm) != nil && host(realm) == host(registry))
    }

    /// Whether a target revision is one tag rather than a constraint to match against the tag list: a
    /// full `major.minor.patch` version, or text that is no constraint at all (`latest`, `stable`).
    static func isExactTag(_ version: String) -> Bool {
        guard VersionConstraint(version) != nil else { return true }
        guard SemanticVersion(version) != nil, !version.contains("*") else { return false }
        let core = version.prefix { $0 != "-" && $0 != "+" }
        return core.filter { $0 == "." }.count == 2 && !core.contains { $0 == "x" || $0 == "X" || $0 == " " }
    }

    private static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// A parsed `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`.
struct AuthenticationChallenge: Equatable {
    /// The scheme, lowercased (`bearer`, `basic`).
    var scheme: String
    /// The parameters, by lowercased name.
    var parameters: [String: String]

    init(_ header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        let schemeEnd = trimmed.firstIndex(of: " ") ?? trimmed.endIndex
        scheme = trimmed[..<schemeEnd].lowercased()
        parameters = [:]
        var rest = trimmed[schemeEnd...].drop { $0 == " " }
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let close = rest.firstIndex(of: "\"") ?? rest.endIndex
                value = String(rest[..<close])
                rest = close == rest.endIndex ? rest[close...] : rest[rest.index(after: close)...]
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<comma])
                rest = rest[comma...]
            }
            rest = rest.drop { $0 == "," || $0 == " " }
            parameters[name] = value
        }
    }
}
