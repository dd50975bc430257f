import Foundation
import Testing

@testable import KubeClient

@Suite("Kubeconfig")
final class KubeConfigTests {
    static let ca = Data("-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n".utf8)
    /// The directories ``tempDir()`` made for this test; deleted when the test ends.
    private var directories: [URL] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    func write(_ text: String, named name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directories.append(dir)
        return dir
    }

    @Test("reads clusters, users and contexts; data fields are base64, files relative to the kubeconfig")
    func readsEntries() throws {
        let dir = try tempDir()
        _ = try write("-----BEGIN CERTIFICATE-----\nfromfile\n-----END CERTIFICATE-----\n", named: "ca.crt", in: dir)
        _ = try write("tok-from-file\n", named: "token", in: dir)
        let path = try write(
            """
            apiVersion: v1
            kind: Config
            current-context: b
            clusters:
            - name: one
              cluster:
                server: https://127.0.0.1:6443/
                certificate-authority-data: \(Self.ca.base64EncodedString())
            - name: two
              cluster:
                server: https://example.test
                certificate-authority: ca.crt
                insecure-skip-tls-verify: true
            users:
            - name: u1
              user:
                token: abc
            - name: u2
              user:
                tokenFile: token
            - name: u3
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: ./plugin.sh
                  args: [get-token]
                  env: [{name: A, value: "1"}]
            contexts:
            - name: a
              context: {cluster: one, user: u1, namespace: apps}
            - name: b
              context: {cluster: two, user: u2}
            - name: c
              context: {cluster: one, user: u3}
            """, named: "config", in: dir)
        let config = try KubeConfig.load(files: [path])
        #expect(config.currentContext == "b")
        let a = try config.connection(context: "a")
        #expect(a.server == "https://127.0.0.1:6443")
        #expect(a.certificateAuthority == Array(Self.ca))
        #expect(a.user.token == "abc")
        #expect(a.namespace == "apps")
        let b = try config.connection()
        #expect(b.insecureSkipTLSVerify)
        #expect(String(decoding: b.certificateAuthority ?? [], as: UTF8.self).contains("fromfile"))
        #expect(b.user.tokenFile == dir.appendingPathComponent("token").path)
        #expect(b.namespace == "default")
        let c = try config.connection(context: "c")
        #expect(c.user.exec?.command == dir.appendingPathComponent("./plugin.sh").path)
        #expect(c.user.exec?.args == ["get-token"])
        #expect(c.user.exec?.env == ["A": "1"])
        #expect(c.user.exec?.apiVersion == "client.authentication.k8s.io/v1beta1")
    }

    @Test("several files merge: the first definition of a name and the first current-context win")
    func mergesFiles() throws {
        let dir = try tempDir()
        let first = try write(
            """
            clusters: [{name: c, cluster: {server: "https://first"}}]
            users: [{name: u, user: {token: first}}]
            contexts: [{name: ctx-x, context: {cluster: c, user: u}}]
            current-context: ctx-x
            """, named: "one", in: dir)
        let second = try write(
            """
            clusters: [{name: c, cluster: {server: "https://second"}}, {name: d, cluster: {server: "https://d"}}]
            users: [{name: u, user: {token: second}}]
            contexts: [{name: ctx-y, context: {cluster: d, user: u}}]
            current-context: ctx-y
            """, named: "two", in: dir)
        let config = try KubeConfig.load(files: [first, dir.appendingPathComponent("missing").path, second])
        #expect(config.currentContext == "ctx-x")
        #expect(try config.connection().server == "https://first")
        #expect(try config.connection(context: "ctx-y").server == "https://d")
        #expect(try config.connection(context: "ctx-y").user.token == "first")
        let viaEnvironment = try KubeConfig.loadDefault(environment: ["KUBECONFIG": "\(second):\(first)"])
        #expect(viaEnvironment.currentContext == "ctx-y")
    }

    @Test("errors name what is missing")
    func errors() throws {
        let dir = try tempDir()
        let path = try write(
            """
            clusters: [{name: c, cluster: {server: "https://x"}}]
            contexts: [{name: ctx-x, context: {cluster: c, user: nobody}}, {name: z, context: {cluster: gone, user: ""}}]
            """, named: "config", in: dir)
        let config = try KubeConfig.load(files: [path])
        #expect(throws: KubeConfigError.self) { try config.connection() }
        let noUser = #expect(throws: KubeConfigError.self) { try config.connection(context: "ctx-x") }
        #expect(noUser?.message.contains("user \"nobody\"") == true)
        let noCluster = #expect(throws: KubeConfigError.self) { try config.connection(context: "z") }
        #expect(noCluster?.message.contains("cluster \"gone\"") == true)
        let unknown = #expect(throws: KubeConfigError.self) { try config.connection(context: "nope") }
        #expect(unknown?.message.contains("known: ctx-x, z") == true)
        let none = #expect(throws: KubeConfigError.self) { try KubeConfig.load(files: ["/nonexistent/kc"]) }
        #expect(none?.message.contains("no kubeconfig found") == true)
        let broken = try write(
            "clusters: [{name: c, cluster: {server: x, certificate-authority-data: '!!'}}]",
            named: "broken", in: dir)
        let badData = #expect(throws: KubeConfigError.self) { try KubeConfig.load(files: [broken]) }
        #expect(badData?.message.contains("base64") == true)
    }

    @Test("in-cluster configuration reads the mounted service account")
    func inCluster() throws {
        let dir = try tempDir()
        _ = try write("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", named: "ca.crt", in: dir)
        _ = try write("sa-token", named: "token", in: dir)
        _ = try write("team-a\n", named: "namespace", in: dir)
        let connection = try ClusterConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            directory: dir.path)
        #expect(connection.server == "https://10.0.0.1:443")
        #expect(connection.namespace == "team-a")
        #expect(connection.user.tokenFile == dir.appendingPathComponent("token").path)
        #expect(throws: KubeConfigError.self) {
            try ClusterConnection.inCluster(environment: [:], directory: dir.path)
        }
    }

    @Test("an ExecCredential's token, certificate and expiry are read; junk is refused")
    func execCredential() throws {
        let parsed = try CredentialProvider.parseExecCredential(
            """
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
             "status":{"token":"t0k","expirationTimestamp":"2030-01-02T03:04:05Z"}}
            """, command: "plugin")
        #expect(parsed.authorization == "Bearer t0k")
        #expect(parsed.expiry == ISO8601DateFormatter().date(from: "2030-01-02T03:04:05Z"))
        #expect(throws: KubeAPIError.self) {
            try CredentialProvider.parseExecCredential("{\"kind\":\"Other\"}", command: "plugin")
        }
        #expect(throws: KubeAPIError.self) {
            try CredentialProvider.parseExecCredential(
                "{\"kind\":\"ExecCredential\",\"status\":{}}", command: "plugin")
        }
    }
}
