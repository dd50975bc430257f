internal import AsyncHTTPClient
internal import Foundation
internal import Logging
internal import MoorCore
internal import NIOCore
internal import NIOHTTP1
internal import NIOSSL
internal import Synchronization

/// One HTTP request to the API server.
struct KubeRequest: Sendable {
    /// HTTP method.
    var method: HTTPMethod
    /// Path from the server root, e.g. `/api/v1/namespaces/default/configmaps`.
    var path: String
    /// Query parameters (escaped when sent).
    var query: [(String, String)] = []
    /// Request body.
    var body: [UInt8]?
    /// Body media type.
    var contentType: String = "application/json"
    /// The Kubernetes verb, for request counts: get, list, watch, create, update, patch, apply, delete.
    var verb: String
    /// The object concerned, for error messages.
    var object: ObjectRef?
    /// Whether the request may be sent again after a broken connection.
    var idempotent = true
    /// The identity to send the request as; nil: the connection's own user.
    var impersonation: KubeImpersonation?

    /// `error`, reworded to name the impersonated identity and what it may not do when it is a
    /// Forbidden answer to an impersonated request.
    func attributed(_ error: KubeAPIError) -> KubeAPIError {
        guard let impersonation else { return error }
        return error.impersonated(
            impersonation, attributes: KubeRequestAttributes(method: method.rawValue, path: path, query: query))
    }
}

/// Talks HTTP to one API server: authentication, TLS, retries with backoff on transient
/// failures, a bound on requests in flight, and per-verb request counts.
final class KubeTransport: Sendable {
    let connection: ClusterConnection
    private let credentials: CredentialProvider
    private let baseTLS: TLSConfiguration
    /// HTTP clients by client-certificate slot; `nil` once shut down.
    private let clients: Mutex<[Int: HTTPClient]?>
    private let limiter: AsyncSemaphore
    private let retry: RetryPolicy
    private let logger: Logger
    private let counts = Mutex<[String: Int]>([:])
    private let countsByCode = Mutex<[KubeRequestCount: Int]>([:])
    /// Deadline for one non-streaming request.
    let requestTimeout: TimeAmount
    /// Largest response body read into memory.
    static let maxBodyBytes = 256 << 20

    init(
        connection: ClusterConnection, maxInFlight: Int, retry: RetryPolicy, requestTimeout: TimeAmount, logger: Logger
    )
        throws(KubeConfigError)
    {
        self.connection = connection
        self.credentials = CredentialProvider(
            user: connection.user, server: connection.server, certificateAuthority: connection.certificateAuthority)
        self.limiter = AsyncSemaphore(limit: maxInFlight)
        self.retry = retry
        self.logger = logger
        self.requestTimeout = requestTimeout
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = connection.certificateAuthority {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
            if let cert = connection.user.clientCertificate, let key = connection.user.clientKey {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            }
        } catch {
            throw KubeConfigError("context \(connection.contextName): bad certificate or key data (\(error))")
        }
        if connection.insecureSkipTLSVerify { tls.certificateVerification = .none }
        self.baseTLS = tls
        self.clients = Mutex([:])
        guard URL(string: connection.server)?.host != nil else {
            throw KubeConfigError("context \(connection.contextName): server \(connection.server) is not a URL")
        }
    }

    /// Closes every connection; the transport cannot be used afterwards.
    func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients = nil }
            return Array(clients?.values ?? [:].values)
        }
        for client in all { try? await client.shutdown() }
    }

    /// Requests sent so far by verb (every attempt counts).
    func requestCounts() -> [String: Int] { counts.withLock { $0 } }

    /// Requests answered so far by verb and HTTP status code (0: no answer; every attempt counts).
    func requestCountsByCode() -> [KubeRequestCount: Int] { countsByCode.withLock { $0 } }

    private func countAnswer(_ request: KubeRequest, code: Int) {
        countsByCode.withLock { $0[KubeRequestCount(verb: request.verb, code: code), default: 0] += 1 }
    }

    /// The HTTP client for a client certificate supplied by an exec plugin (or none).
    private func httpClient(certificate: [UInt8]?, key: [UInt8]?) throws(KubeAPIError) -> HTTPClient {
        var hasher = Hasher()
        hasher.combine(certificate)
        let slot = certificate == nil ? 0 : hasher.finalize()
        if let existing = clients.withLock({ $0?[slot] }) { return existing }
        var tls = baseTLS
        if let certificate, let key {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
            } catch {
                throw KubeAPIError(
                    code: .unauthorized, status: 0, message: "exec plugin returned an unusable client certificate")
            }
        }
        // A connection (TCP and TLS) gets 30 s, as client-go's dialer does: an API server busy with many
        // clients' handshakes answers late, not never.
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(30), read: nil),
            connectionPool: .init(idleTimeout: .seconds(90), concurrentHTTP1ConnectionsPerHostSoftLimit: 32))
        configuration.httpVersion = .automatic
        configuration.decompression = .disabled
        let client = clients.withLock { clients -> HTTPClient? in
            guard clients != nil else { return nil }
            if let raced = clients?[slot] { return raced }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients?[slot] = client
            return client
        }
        guard let client else {
            throw KubeAPIError(code: .transport, status: 0, message: "the Kubernetes client was shut down")
        }
        return client
    }

    private func url(_ path: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return connection.server + path }
        return connection.server + path + "?"
            + query.map { "\(PathSegment.escape($0.0))=\(PathSegment.escape($0.1))" }.joined(separator: "&")
    }

    private func prepare(_ request: KubeRequest) async throws(KubeAPIError) -> (HTTPClient, HTTPClientRequest) {
        let creds = try await credentials.current()
        let client = try httpClient(certificate: creds.clientCertificate, key: creds.clientKey)
        var http = HTTPClientRequest(url: url(request.path, request.query))
        http.method = request.method
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: "moor/0.1")
        if let authorization = creds.authorization { http.headers.add(name: "Authorization", value: authorization) }
        for header in request.impersonation?.headers ?? [] { http.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType)
            http.body = .bytes(ByteBuffer(bytes: body))
        }
        return (client, http)
    }

    /// Sends a request and returns the body of a 2xx response; retries transient failures per the
    /// retry policy, and once after a 401 when credentials can be refreshed.
    func send(_ request: KubeRequest) async throws(KubeAPIError) -> [UInt8] {
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            do {
                return try await sendOnce(request)
            } catch {
                if error.code == .unauthorized, credentials.canRefresh, !refreshedCredentials {
                    refreshedCredentials = true
                    await credentials.invalidate()
                    attempt -= 1
                    continue
                }
                let retryable =
                    error.isTransient && (request.idempotent || error.code == .tooManyRequests || error.status == 503)
                guard retryable, attempt < retry.maxAttempts else { throw error }
                let delay = retry.delay(afterAttempt: attempt, retryAfterSeconds: error.retryAfterSeconds)
                logger.debug(
                    "retrying Kubernetes request",
                    metadata: ["verb": "\(request.verb)", "path": "\(request.path)", "error": "\(error.code)"])
                do { try await Task.sleep(for: delay) } catch {
                    throw KubeAPIError(
                        code: .transport, status: 0, message: "request cancelled", object: request.object)
                }
            }
        }
    }

    private func sendOnce(_ request: KubeRequest) async throws(KubeAPIError) -> [UInt8] {
        let (client, http) = try await prepare(request)
        counts.withLock { $0[request.verb, default: 0] += 1 }
        await limiter.acquire()
        let outcome: Result<(status: Int, retryAfter: Int?, body: ByteBuffer), any Error>
        do {
            let response = try await client.execute(http, timeout: requestTimeout)
            let body = try await response.body.collect(upTo: Self.maxBodyBytes)
            let retryAfter = response.headers.first(name: "Retry-After").flatMap { Int($0) }
            outcome = .success((Int(response.status.code), retryAfter, body))
        } catch {
            outcome = .failure(error)
        }
        await limiter.release()
        countAnswer(request, code: (try? outcome.get().status) ?? 0)
        let (status, retryAfter, body): (Int, Int?, ByteBuffer)
        switch outcome {
        case .success(let response): (status, retryAfter, body) = response
        case .failure(let error): throw Self.transportError(error, request: request, server: connection.server)
        }
        let bytes = Array(body.readableBytesView)
        guard (200..<300).contains(status) else {
            throw request.attributed(
                KubeAPIError.from(status: status, body: bytes, object: request.object, retryAfter: retryAfter))
        }
        return bytes
    }

    /// Sends a request and returns its JSON body.
    func json(_ request: KubeRequest) async throws(KubeAPIError) -> JSONValue {
        let bytes = try await send(request)
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw KubeAPIError(
                code: .invalidResponse, status: 200, message: "the API server sent malformed JSON (\(error))",
                object: request.object)
        }
    }

    /// A GET returning JSON, for discovery and simple reads.
    func json(method: HTTPMethod, path: String) async throws(KubeAPIError) -> JSONValue {
        try await json(KubeRequest(method: method, path: path, verb: "get"))
    }

    /// Starts a streaming request (a watch) and returns the response once its head arrived with
    /// a 2xx status. Not retried and not counted against the in-flight bound.
    func stream(_ request: KubeRequest, deadline: TimeAmount) async throws(KubeAPIError) -> HTTPClientResponse {
        let (client, http) = try await prepare(request)
        counts.withLock { $0[request.verb, default: 0] += 1 }
        do {
            let response = try await client.execute(http, timeout: deadline)
            let status = Int(response.status.code)
            countAnswer(request, code: status)
            guard (200..<300).contains(status) else {
                let body = try await response.body.collect(upTo: 1 << 20)
                throw request.attributed(
                    KubeAPIError.from(
                        status: status, body: Array(body.readableBytesView), object: request.object,
                        retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0) }))
            }
            return response
        } catch let error as KubeAPIError {
            if error.code == .unauthorized { await credentials.invalidate() }
            throw error
        } catch {
            throw Self.transportError(error, request: request, server: connection.server)
        }
    }

    static func transportError(_ error: any Error, request: KubeRequest, server: String) -> KubeAPIError {
        if let error = error as? KubeAPIError { return error }
        var text = "\(error)"
        if let client = error as? HTTPClientError {
            if client == .deadlineExceeded || client == .readTimeout || client == .connectTimeout {
                return KubeAPIError(
                    code: .timeout, status: 0, message: "\(request.verb) \(request.path) timed out",
                    object: request.object)
            }
            text = client.description
        }
        return KubeAPIError(
            code: .transport, status: 0, message: "cannot reach the API server at \(server): \(text)",
            object: request.object)
    }
}
