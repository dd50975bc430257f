import AsyncHTTPClient
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import NIOCore
import NIOHTTP1
import Server
import Sync
import Testing

/// A running controller and Moor server against the test cluster, for tests of the server's routes:
/// its own namespace and Git repository (commit manifests under `app/`), served over `git daemon` on
/// loopback when asked, a tokens file with one token per ``Holder``, and an HTTP client. Everything
/// stops afterwards.
///
/// ```swift
/// try await ServerHarness.run { harness in
///     try await harness.repository.commit("one", files: ["app/cm.yaml": ServerHarness.configMap("a", "1")])
///     try await harness.controller.manage([harness.application("demo", automated: AutomatedSync())])
///     let answer = try await harness.request(.GET, "/api/v1/applications", as: .viewer)
///     #expect(answer.status == 200)
/// }
/// ```
struct ServerHarness {
    /// How long an HTTP request of a test may take (``Patience/timeout``).
    static let patience = TimeAmount.seconds(Patience.timeout.components.seconds)

    /// The API tokens of the tokens file.
    enum Holder: String, CaseIterable, Sendable {
        /// Role viewer, every application.
        case viewer
        /// Role operator, every application.
        case `operator`
        /// Role admin, every application.
        case admin
        /// Role operator, only applications matching `team-a-*`.
        case limited

        /// The token itself.
        var token: String { "moor-test-token-\(rawValue)-0123456789" }
    }

    let controller: ApplicationController
    /// The controller's client.
    let client: KubeClient
    /// Another client, for hand edits.
    let other: KubeClient
    let repository: GitTestRepository
    /// The repository's URL as applications name it: `git://127.0.0.1:PORT/repo` when served by
    /// `git daemon`, else its `file://` URL.
    let repositoryURL: String
    let namespace: String
    /// `http://127.0.0.1:<port>` (https with TLS); a test may point a copy at another server.
    var baseURL: String
    let http: HTTPClient

    /// Runs `body` with a controller (started unless `startController` is false) polling every
    /// `pollInterval`, and its started server; `configure` adjusts the server's configuration (its
    /// tokens file is already set) given the harness's scratch directory. With `gitDaemon` the
    /// repository is fetched from `git daemon` on loopback. The controller sends notifications as
    /// `notifications` say.
    static func run(
        pollInterval: Duration = .seconds(2), startController: Bool = true, gitDaemon: Bool = false,
        notifications: NotificationOptions = NotificationOptions(),
        configure: @Sendable (inout MoorServer.Configuration, URL) throws -> Void = { _, _ in },
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let other = try cluster.adminClient()
        var httpConfiguration = HTTPClient.Configuration(certificateVerification: .none)
        // A loaded test machine can take longer than the default 10 s to accept a connection, and as
        // long as a test waits (``Patience``) to answer.
        httpConfiguration.timeout = .init(connect: .seconds(60), read: Self.patience)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-server-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var engine = SyncEngine(client: client)
        engine.pollInterval = .milliseconds(100)
        engine.waveTimeout = Patience.timeout
        let outcome: Result<Void, any Error>
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let tokens = directory.appendingPathComponent("tokens.yaml")
            try Data(tokensDocument.utf8).write(to: tokens)
            var configuration = MoorServer.Configuration(port: 0, tokens: .file(tokens.path))
            try configure(&configuration, directory)
            let repository = try await GitTestRepository.create(at: directory.appendingPathComponent("repo").path)
            let cache = try GitSourceCache(directory: directory.appendingPathComponent("cache").path)
            let daemon = gitDaemon ? try await GitDaemonServer.start(basePath: directory.path) : nil
            let configured = engine
            let serverConfiguration = configuration
            let served: Result<Void, any Error>
            do {
                served = .success(
                    try await cluster.withNamespace(other) { namespace in
                        var controllerConfiguration = ApplicationController.Configuration(
                            pollInterval: pollInterval,
                            backoff: Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(1)))
                        controllerConfiguration.notifications = notifications
                        let controller = ApplicationController(
                            engine: configured, fetcher: SourceFetcher(cache: cache),
                            configuration: controllerConfiguration)
                        if startController { await controller.start() }
                        let server: RunningServer
                        do {
                            server = try await MoorServer(controller: controller, configuration: serverConfiguration)
                                .start()
                        } catch {
                            await controller.stop(gracePeriod: .seconds(5))
                            throw error
                        }
                        let scheme = serverConfiguration.tls == nil ? "http" : "https"
                        let harness = ServerHarness(
                            controller: controller, client: client, other: other, repository: repository,
                            repositoryURL: daemon?.url(for: "repo") ?? repository.fileURL, namespace: namespace,
                            baseURL: "\(scheme)://127.0.0.1:\(server.port)", http: http)
                        let result: Result<Void, any Error>
                        do { result = .success(try await body(harness)) } catch { result = .failure(error) }
                        await server.stop()
                        await controller.stop(gracePeriod: .seconds(5))
                        try result.get()
                    })
            } catch {
                served = .failure(error)
            }
            await daemon?.stop()
            outcome = served
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        await client.shutdown()
        await other.shutdown()
        try outcome.get()
    }

    /// The tokens file: one entry per ``Holder``.
    static var tokensDocument: String {
        "tokens:\n"
            + Holder.allCases.map { holder in
                let role = holder == .limited ? "operator" : holder.rawValue
                let globs = holder == .limited ? "\n    applications: [\"team-a-*\"]" : ""
                return "  - name: \(holder.rawValue)\n    token: \(holder.token)\n    role: \(role)\(globs)\n"
            }.joined()
    }

    /// An application deploying `path` (default `app/`) of the test repository's `main` into the test namespace.
    func application(_ name: String, path: String = "app", automated: AutomatedSync?) -> Application {
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: repositoryURL, targetRevision: "main", path: path),
                destination: ApplicationDestination(namespace: namespace),
                syncPolicy: SyncPolicy(automated: automated)))
    }

    /// A ConfigMap manifest.
    static func configMap(_ name: String, _ value: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name)}\ndata: {key: \"\(value)\"}\n"
    }

    /// An answer of the server.
    struct Answer: Sendable {
        /// The HTTP status code.
        let status: Int
        /// The headers.
        let headers: HTTPHeaders
        /// The body as text.
        let text: String
        /// The body as JSON (`null` when it is not JSON).
        var json: JSONValue { (try? JSONValue(parsing: Array(text.utf8))) ?? .null }
    }

    /// Sends `method path` with the token of `holder` (none for `nil`, or the raw `authorization`
    /// header), further `headers`, and `body` (JSON text) or raw `bytes`, and returns the answer.
    func request(
        _ method: HTTPMethod, _ path: String, as holder: Holder? = nil, authorization: String? = nil,
        body: String? = nil, headers: [String: String] = [:], bytes: [UInt8]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let holder { request.headers.add(name: "Authorization", value: "Bearer \(holder.token)") }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        } else if let bytes {
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await http.execute(request, timeout: Self.patience)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// Waits until `condition` holds, checking every 100 ms for up to ``Patience/timeout``.
    func eventually(
        _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        if try await Patience.waitUntil(condition) { return }
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// Registers `names` (file-sourced, automated sync, each deploying the directory of its own name)
    /// and waits until each is Synced.
    func manageSynced(_ names: [String]) async throws {
        try await controller.manage(names.map { application($0, path: $0, automated: AutomatedSync()) })
        for name in names {
            try await eventually("\(name) is Synced") { await controller.status(of: name)?.sync.status == .synced }
        }
    }
}
