internal import AsyncHTTPClient
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL

/// HTTP requests to chart repositories and registries, with the safety rules every fetch needs:
/// a deadline on every request, a bound on every body, TLS verification unless the repository's
/// credential sets `insecure`, a client certificate when it has one, and credentials sent only to
/// the origin (scheme, host and port) they are for — redirects to another origin drop them.
struct ChartHTTP: Sendable {
    /// A response: status, headers and the whole body.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        /// The first value of header `name`.
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// An HTTP method.
    typealias Method = HTTPMethod

    /// How long a request may take before it fails.
    var timeout: Duration
    private let client: HTTPClient

    /// A requester on the process-wide chart HTTP client.
    init(timeout: Duration) {
        self.timeout = timeout
        client = Self.shared
    }

    /// One client for the process (never shut down): redirects followed (at most 10, no cycles;
    /// `Authorization` dropped when one leaves the origin), 30 s to connect (TCP and TLS handshake; a
    /// loaded 2-core machine has needed more than 10), 60 s between reads, and a
    /// connection that cannot be made (refused, TLS verification failed) failing the request at once
    /// rather than being retried until the deadline; the controller retries the reconcile.
    private static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .seconds(30), read: .seconds(60)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Sends `method` to `url` with `headers` and, when `url` is on `origin`, `authorization` (a
    /// complete `Authorization` header value); reads at most `maxBytes` of body. `what` names the
    /// request in errors (e.g. `the index.yaml of https://…`).
    func send(
        _ method: HTTPMethod = .GET, _ url: String, headers: [(String, String)] = [], authorization: String? = nil,
        origin: String, credential: RepositoryCredential?, maxBytes: Int, what: String
    ) async throws(ChartSourceError) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "User-Agent", value: "moor")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let authorization, Self.origin(of: url) == origin {
            request.headers.add(name: "Authorization", value: authorization)
        }
        do {
            request.tlsConfiguration = try Self.tls(for: credential)
        } catch {
            throw ChartSourceError(
                .invalidReference, "the TLS client certificate or key of the credential for \(origin) is not valid PEM")
        }
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.nanoseconds)))
            let body = method == .HEAD ? ByteBuffer() : try await response.body.collect(upTo: maxBytes)
            return Response(status: Int(response.status.code), headers: response.headers, body: Array(buffer: body))
        } catch is NIOTooManyBytesError {
            throw ChartSourceError(.archive, "\(what) is larger than the limit of \(maxBytes) bytes")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw ChartSourceError(.transport, "\(what) did not arrive within \(timeout)")
        } catch {
            throw ChartSourceError(.transport, "\(what) could not be fetched: \(Self.describe(error))")
        }
    }

    /// `scheme://host[:port]` of `url`, lowercased.
    static func origin(of url: String) -> String {
        guard let range = url.range(of: "://") else { return "" }
        let authority = url[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return (url[..<range.lowerBound] + "://" + authority).lowercased()
    }

    /// `url` resolved against `base` (a repository URL without a trailing `/`): absolute URLs as they are.
    static func resolve(_ url: String, against base: String) -> String {
        if url.contains("://") { return url }
        if url.hasPrefix("/") { return origin(of: base) + url }
        return base + "/" + url
    }

    private static func tls(for credential: RepositoryCredential?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        guard let credential else { return tls }
        if credential.insecure { tls.certificateVerification = .none }
        if !credential.tlsClientCertificate.isEmpty {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(credential.tlsClientCertificate.utf8))
                .map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(credential.tlsClientKey.utf8), format: .pem))
        }
        return tls
    }

    /// An error's text without anything a server sent: transport errors name their kind only.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .connectTimeout {
            return "the connection (TCP and TLS handshake) did not complete within 30 s"
        }
        if error is NIOSSLError || error is NIOSSLExtraError {
            return "TLS failed (\(error)); is the server's certificate trusted? (insecure only for a test server)"
        }
        return "\(error)"
    }
}

extension Duration {
    /// The duration in nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
