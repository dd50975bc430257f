import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Server
import Subprocess
import Sync
import Testing

@Suite("Server configuration: TLS, tokens from a Secret, refusing bad configuration", .serialized)
struct ServerConfigurationTests {
    @Test("with a certificate and key the server speaks HTTPS")
    func tls() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = try await Subprocess.run(
            .name("openssl"),
            arguments: [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", certificate,
            ], output: .discarded, error: .string(limit: 1 << 16))
        try #require(openssl.terminationStatus.isSuccess, "\(openssl.standardError)")
        let configure: @Sendable (inout MoorServer.Configuration, URL) -> Void = { configuration, _ in
            configuration.tls = (certificate, key)
        }
        try await ServerHarness.run(configure: configure) { harness async throws in
            #expect(harness.baseURL.hasPrefix("https://"))
            #expect(try await harness.request(.GET, "/healthz").status == 200)
            let session = try await harness.request(.GET, "/api/v1/session", as: .admin)
            #expect(session.json["role"] == "admin")
        }
    }

    @Test("tokens come from a Secret and are reloaded when it changes")
    func secretTokens() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let outcome: Result<Void, any Error>
        do {
            try await cluster.withNamespace(client) { namespace in
                _ = try await client.apply(
                    Self.secret(namespace, ServerHarness.tokensDocument), fieldManager: "moor-test")
                try await ServerHarness.run(configure: { configuration, _ in
                    configuration.tokens = .secret(namespace: namespace, name: "moor-tokens")
                    configuration.tokenReloadInterval = .milliseconds(200)
                }) { harness async throws in
                    #expect(try await harness.request(.GET, "/api/v1/session", as: .viewer).status == 200)
                    let replaced = "tokens: [{name: new, token: replaced-token-0123456789, role: admin}]"
                    _ = try await client.apply(Self.secret(namespace, replaced), fieldManager: "moor-test")
                    try await harness.eventually("the new token is accepted") {
                        try await harness.request(
                            .GET, "/api/v1/session", authorization: "Bearer replaced-token-0123456789"
                        ).status == 200
                    }
                    #expect(try await harness.request(.GET, "/api/v1/session", as: .viewer).status == 401)
                }
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        try outcome.get()
    }

    @Test("a tokens file that cannot be used stops the server before it listens, naming the problem")
    func badTokens() async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bad-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let controller = ApplicationController(
            engine: SyncEngine(client: client),
            fetcher: SourceFetcher(cache: try GitSourceCache(directory: directory.path)))
        let bad = directory.appendingPathComponent("tokens.yaml")
        try Data("tokens: [{name: a, token: s3cr3t-short, role: viewer}]".utf8).write(to: bad)
        for (source, expected) in [
            (TokenSource.file(directory.appendingPathComponent("missing.yaml").path), "cannot read the tokens file"),
            (TokenSource.file(bad.path), "shorter than 16"),
        ] {
            await #expect {
                _ = try await MoorServer(controller: controller, configuration: .init(port: 0, tokens: source)).start()
            } throws: { error in
                "\(error)".contains(expected) && !"\(error)".contains("s3cr3t")
            }
        }
        await controller.stop(gracePeriod: .zero)
        await client.shutdown()
    }

    /// The Secret `moor-tokens` holding `document` under `tokens.yaml`.
    static func secret(_ namespace: String, _ document: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Secret",
            "metadata": ["name": "moor-tokens", "namespace": .string(namespace)],
            "stringData": [TokenSource.secretKey: .string(document)],
        ]
    }
}
