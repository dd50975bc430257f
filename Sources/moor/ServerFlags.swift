import ArgumentParser
import Controller
import Logging
import Server
import ServiceLifecycle

/// `moor controller --listen HOST:PORT` and the server's other flags: serve the API, webhooks,
/// metrics and web UI beside the controller.
struct ServerFlags: ParsableArguments {
    @Option(help: "Serve the API, webhooks, metrics and web UI on HOST:PORT (e.g. 0.0.0.0:8080; port 0 picks one).")
    var listen: String?

    @Option(
        name: .customLong("tokens-file"), help: "The API tokens (YAML or JSON; see the README); re-read every 30 s.")
    var tokensFile: String?

    @Option(
        name: .customLong("tokens-secret"),
        help: "NAMESPACE/NAME of a Secret whose key tokens.yaml holds the API tokens; re-read every 30 s.")
    var tokensSecret: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(
        name: .customLong("webhook-secrets-file"),
        help: "Webhook secret per Git provider (YAML or JSON: github, gitlab, gitea, bitbucket, bitbucketserver).")
    var webhookSecretsFile: String?

    @Flag(
        name: .customLong("webhook-allow-unsigned"),
        help: ArgumentHelp(
            "UNSAFE: accept webhooks from providers without a secret in --webhook-secrets-file, unverified "
                + "(anyone who reaches the server can trigger refreshes). Without it they are refused (403)."))
    var webhookAllowUnsigned = false

    /// Refuses flags that do not fit together (see ``configuration()``).
    func validate() throws {
        _ = try configuration()
    }

    /// The server's configuration; `nil` without --listen. Throws for flags that do not fit together.
    func configuration() throws -> MoorServer.Configuration? {
        guard let listen else {
            guard [tokensFile, tokensSecret, tlsCert, tlsKey, webhookSecretsFile].allSatisfy({ $0 == nil }),
                !webhookAllowUnsigned
            else {
                throw ValidationError(
                    "--tokens-file, --tokens-secret, --tls-cert, --tls-key, --webhook-secrets-file and "
                        + "--webhook-allow-unsigned need --listen HOST:PORT"
                )
            }
            return nil
        }
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port), colon != listen.startIndex
        else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080") }
        let host = String(listen[..<colon]).trimmingCharacters(in: ["[", "]"])
        var tokens: TokenSource?
        switch (tokensFile, tokensSecret) {
        case (let file?, nil): tokens = .file(file)
        case (nil, let secret?):
            let parts = secret.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--tokens-secret takes NAMESPACE/NAME, e.g. moor-system/moor-tokens")
            }
            tokens = .secret(namespace: String(parts[0]), name: String(parts[1]))
        case (nil, nil): tokens = nil
        case (_?, _?): throw ValidationError("give --tokens-file or --tokens-secret, not both")
        }
        var tls: (certificateFile: String, keyFile: String)?
        switch (tlsCert, tlsKey) {
        case (let certificate?, let key?): tls = (certificate, key)
        case (nil, nil): tls = nil
        default: throw ValidationError("--tls-cert and --tls-key go together")
        }
        return MoorServer.Configuration(
            host: host, port: port, tls: tls, tokens: tokens, webhookSecretsFile: webhookSecretsFile,
            webhookAllowUnsigned: webhookAllowUnsigned)
    }

    /// The server of a replica waiting for the leader-election `lease` (`namespace/name`) when
    /// --listen was given (``MoorServer/standby(lease:configuration:logger:)``); one that cannot start
    /// is logged.
    func startStandby(lease: String, logger: Logger) async -> RunningServer? {
        do {
            guard let configuration = try configuration() else { return nil }
            return try await MoorServer.standby(
                lease: lease, configuration: configuration, logger: serverLogger(logger)
            )
            .start()
        } catch {
            logger.error("the standby server did not start", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The server of `controller` when --listen was given; throws when its configuration cannot be used.
    func server(for controller: ApplicationController, logger: Logger) throws -> MoorServer? {
        guard let configuration = try configuration() else { return nil }
        return MoorServer(controller: controller, configuration: configuration, logger: serverLogger(logger))
    }

    private func serverLogger(_ logger: Logger) -> Logger {
        var serverLogger = logger
        serverLogger[metadataKey: "component"] = "server"
        return serverLogger
    }
}

/// The standby server of a `--leader-elect` replica: serving while the replica waits for the lease,
/// stopped while it leads (its own server then takes the address).
actor StandbyServer {
    private let start: @Sendable () async -> RunningServer?
    private var running: RunningServer?

    /// A standby server started by `start` (which returns `nil` without --listen).
    init(start: @escaping @Sendable () async -> RunningServer?) {
        self.start = start
    }

    /// Starts serving, unless it already does.
    func serve() async {
        guard running == nil else { return }
        running = await start()
    }

    /// Stops serving (at once: a standby has no long requests), freeing the address.
    func stop() async {
        await running?.stop(gracePeriod: .zero)
        running = nil
    }
}

extension StandbyServer: Service {
    /// Waits for graceful shutdown or cancellation, then stops serving. Listed before the campaign, it
    /// stops after the campaign released the lease.
    func run() async {
        try? await gracefulShutdown()
        await stop()
    }
}
