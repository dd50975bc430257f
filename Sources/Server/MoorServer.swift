public import Controller
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import KubeClient
public import Logging
import NIOCore
import NIOSSL
public import ServiceLifecycle

/// Moor's HTTP server for one controller, on one port: the JSON API with access control
/// (`/api/v1`), Git webhooks (`/api/webhook`), Prometheus metrics (`/metrics`), probes (`/healthz`,
/// `/readyz`) and the web UI (`/`, `/ui/…`). See docs/openapi.yaml.
///
/// ``run()`` serves as a swift-service-lifecycle `Service` (graceful shutdown ends it, after open
/// requests finish and event streams close); ``start()`` serves in the background and returns once
/// listening, with the bound port, for a command or a test to ``RunningServer/stop(gracePeriod:)``.
/// The configuration is checked (tokens, webhook secrets, TLS files) before anything listens.
///
/// A replica waiting for the leader-election lease serves ``standby(lease:configuration:logger:)``
/// on the same port instead: probes, and 503 for everything else.
public struct MoorServer: Service {
    /// How the server listens and whom it lets in.
    public struct Configuration: Sendable {
        /// The address to listen on, e.g. `127.0.0.1` or `0.0.0.0`.
        public var host: String
        /// The port; 0 picks a free one (``RunningServer/port`` tells which).
        public var port: Int
        /// PEM certificate chain and private key files; `nil` serves plain HTTP.
        public var tls: (certificateFile: String, keyFile: String)?
        /// Where the API tokens come from; `nil` accepts no token (every `/api/v1` request is 401).
        public var tokens: TokenSource?
        /// The webhook secrets file (`--webhook-secrets-file`); a webhook from a provider without a
        /// secret in it (every webhook when `nil`) is refused unless ``webhookAllowUnsigned``.
        public var webhookSecretsFile: String?
        /// Accept webhooks from providers without a secret, unverified (`--webhook-allow-unsigned`).
        /// Unsafe: anyone who reaches the server can trigger refreshes.
        public var webhookAllowUnsigned: Bool
        /// How often the tokens are read again from their source.
        public var tokenReloadInterval: Duration
        /// How often the event stream sends a keep-alive comment.
        public var keepAliveInterval: Duration
        /// How long a connection may stay without a request part arriving: a client that sends a
        /// partial request head (or nothing, or no TLS handshake), or stays idle between requests,
        /// is disconnected after it. Responses being streamed (the event stream) are not idle.
        public var idleTimeout: Duration
        /// How long a request body may take to arrive whole (408 after).
        public var bodyTimeout: Duration
        /// The most connections open at once; further ones wait in the listen backlog.
        public var maxConnections: Int

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1", port: Int = 8080, tls: (certificateFile: String, keyFile: String)? = nil,
            tokens: TokenSource? = nil, webhookSecretsFile: String? = nil, webhookAllowUnsigned: Bool = false,
            tokenReloadInterval: Duration = .seconds(30),
            keepAliveInterval: Duration = .seconds(15), idleTimeout: Duration = .seconds(30),
            bodyTimeout: Duration = .seconds(30), maxConnections: Int = 512
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.tokens = tokens
            self.webhookSecretsFile = webhookSecretsFile
            self.webhookAllowUnsigned = webhookAllowUnsigned
            self.tokenReloadInterval = tokenReloadInterval
            self.keepAliveInterval = keepAliveInterval
            self.idleTimeout = idleTimeout
            self.bodyTimeout = bodyTimeout
            self.maxConnections = maxConnections
        }
    }

    /// What the server serves.
    enum Role: Sendable {
        /// Everything, for a running controller.
        case controller(ApplicationController)
        /// Probes only, for a replica waiting for the lease this names (`namespace/name`).
        case standby(lease: String)

        /// For the log: `controller`, or `standby for lease NS/NAME`.
        var label: String {
            switch self {
            case .controller: "controller"
            case .standby(let lease): "standby for lease \(lease)"
            }
        }
    }

    let role: Role
    let configuration: Configuration
    let logger: Logger

    /// Creates a server for `controller`; nothing listens until ``run()`` or ``start()``.
    public init(
        controller: ApplicationController, configuration: Configuration, logger: Logger = Logger(label: "moor.server")
    ) {
        self.init(role: .controller(controller), configuration: configuration, logger: logger)
    }

    private init(role: Role, configuration: Configuration, logger: Logger) {
        self.role = role
        self.configuration = configuration
        self.logger = logger
    }

    /// The server of a replica waiting for the leader-election `lease` (`namespace/name`): `/healthz`
    /// is 200 (the process is alive), `/readyz` 503 (so a Service sends traffic to the leader only),
    /// and every other path a JSON 503 that says so. Same address and TLS as the leader's server.
    public static func standby(
        lease: String, configuration: Configuration, logger: Logger = Logger(label: "moor.server")
    ) -> MoorServer {
        MoorServer(role: .standby(lease: lease), configuration: configuration, logger: logger)
    }

    /// Serves until graceful shutdown or cancellation. Throws ``ServerConfigurationError`` before
    /// listening when the tokens, webhook secrets or TLS files cannot be used, and the error of a
    /// port that cannot be bound.
    public func run() async throws {
        try await serve { _ in }
    }

    /// Serves in the background; returns once listening. Throws as ``run()`` does.
    public func start() async throws -> RunningServer {
        let (bound, reportPort) = AsyncStream.makeStream(of: Int.self)
        let group = ServiceGroup(
            configuration: .init(services: [Listening(server: self, report: reportPort)], logger: logger))
        let task = Task {
            defer { reportPort.finish() }
            try await group.run()
        }
        var ports = bound.makeAsyncIterator()
        guard let port = await ports.next() else {
            try await task.value
            throw ServerConfigurationError("the server stopped before it listened")
        }
        return RunningServer(port: port, group: group, task: task)
    }

    /// Serves, calling `onListening` with the bound port once listening.
    func serve(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let router: Router<MoorRequestContext>
        var reloader: TokenReloader?
        switch role {
        case .controller(let controller):
            let client = await controller.client
            let access: AccessControl
            do {
                access = try await AccessControl.load(configuration.tokens, client: client)
            } catch {
                throw ServerConfigurationError("\(error)")
            }
            router = try makeRouter(controller: controller, access: access)
            if configuration.tokens != nil {
                reloader = TokenReloader(
                    access: access, client: client, interval: configuration.tokenReloadInterval, logger: logger)
            }
        case .standby(let lease):
            router = StandbyRoutes(lease: lease).router()
        }
        let scheme = configuration.tls == nil ? "http" : "https"
        var application = Application(
            router: router, server: try serverBuilder(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { [logger, configuration] channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info(
                    "serving",
                    metadata: [
                        "address": "\(scheme)://\(configuration.host):\(port)",
                        "tokens": "\(configuration.tokens.map { "\($0)" } ?? "none: the API answers 401")",
                        "role": "\(role.label)",
                    ])
                await onListening(port)
            },
            logger: logger)
        if let reloader { application.addServices(reloader) }
        try await application.run()
    }

    /// Plain HTTP/1.1, or TLS with the configured files.
    private func serverBuilder() throws -> HTTPServerBuilder {
        let http = HTTPServerBuilder.http1(
            configuration: .init(
                idleTimeout: TimeAmount.nanoseconds(Int64(configuration.idleTimeout / .nanoseconds(1)))))
        guard let (certificateFile, keyFile) = configuration.tls else { return http }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map(NIOSSLCertificateSource.certificate)
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            return try .tls(
                http,
                tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw ServerConfigurationError(
                "cannot use the TLS certificate \(certificateFile) and key \(keyFile) (\(error)); give PEM files")
        }
    }
}

/// A server serving in the background (``MoorServer/start()``).
public struct RunningServer: Sendable {
    /// The port it listens on.
    public let port: Int
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Stops taking connections, lets requests in flight finish for up to `gracePeriod` (event
    /// streams end at once), then cancels the rest; returns when the server is down.
    public func stop(gracePeriod: Duration = .seconds(5)) async {
        await group.triggerGracefulShutdown()
        let task = task
        let deadline = Task {
            guard (try? await Task.sleep(for: gracePeriod)) != nil else { return }
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
    }
}

/// The server's configuration cannot be used; the message says what to fix (never a secret).
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// ``MoorServer/serve(onListening:)`` as a service reporting its port.
private struct Listening: Service {
    let server: MoorServer
    let report: AsyncStream<Int>.Continuation

    /// Serves, reporting the port.
    func run() async throws {
        try await server.serve { report.yield($0) }
    }
}

/// Reads the API tokens again every `interval` until graceful shutdown.
private struct TokenReloader: Service {
    let access: AccessControl
    let client: KubeClient
    let interval: Duration
    let logger: Logger

    /// Reloads until graceful shutdown.
    func run() async {
        await cancelWhenGracefulShutdown {
            while (try? await Task.sleep(for: interval)) != nil {
                await access.reload(client: client, logger: logger)
            }
        }
    }
}
