internal import Foundation
internal import MoorCore
internal import ProcessRunner

/// What one request presents to the API server.
struct RequestCredentials: Sendable {
    /// The `Authorization` header value, if any.
    var authorization: String?
    /// PEM client certificate and key from an exec plugin (kubeconfig certificates are set on the TLS config).
    var clientCertificate: [UInt8]?
    var clientKey: [UInt8]?
    /// When these stop being valid; `nil` for credentials that do not expire.
    var expiry: Date?
}

/// Produces credentials for requests: static token or basic auth, a token file re-read as it
/// rotates, or an exec plugin whose result is cached until it expires or is rejected.
actor CredentialProvider {
    private let user: KubeConfig.User
    private let server: String
    private let certificateAuthority: [UInt8]?
    private var cached: RequestCredentials?
    private var tokenFileCheckedAt: Date?

    /// How often a token file is re-read.
    static let tokenFileRefresh: TimeInterval = 60
    /// How long an exec plugin may run.
    static let execTimeout: Duration = .seconds(30)

    init(user: KubeConfig.User, server: String, certificateAuthority: [UInt8]?) {
        self.user = user
        self.server = server
        self.certificateAuthority = certificateAuthority
    }

    /// Whether credentials can change at run time (so a 401 is worth one retry with fresh ones).
    nonisolated var canRefresh: Bool { user.exec != nil || user.tokenFile != nil }

    /// The credentials to use now.
    func current() async throws(KubeAPIError) -> RequestCredentials {
        let now = Date()
        if let cached {
            let fresh: Bool
            if let expiry = cached.expiry {
                fresh = expiry.timeIntervalSince(now) > 10
            } else if user.tokenFile != nil, let checked = tokenFileCheckedAt {
                fresh = now.timeIntervalSince(checked) < Self.tokenFileRefresh
            } else {
                fresh = true
            }
            if fresh { return cached }
        }
        let credentials = try await load()
        cached = credentials
        tokenFileCheckedAt = now
        return credentials
    }

    /// Drops cached credentials after the server rejected them.
    func invalidate() {
        cached = nil
    }

    private func load() async throws(KubeAPIError) -> RequestCredentials {
        if let exec = user.exec { return try await runPlugin(exec) }
        if let token = user.token, !token.isEmpty { return RequestCredentials(authorization: "Bearer \(token)") }
        if let file = user.tokenFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw KubeAPIError(code: .unauthorized, status: 0, message: "token file \(file) cannot be read")
            }
            return RequestCredentials(authorization: "Bearer \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if let username = user.username, let password = user.password {
            let encoded = Data("\(username):\(password)".utf8).base64EncodedString()
            return RequestCredentials(authorization: "Basic \(encoded)")
        }
        return RequestCredentials()
    }

    private func execInfo(_ plugin: KubeConfig.ExecPlugin) -> String {
        var spec: JSONValue = ["interactive": false]
        if plugin.provideClusterInfo {
            var cluster: JSONValue = ["server": .string(server)]
            if let ca = certificateAuthority {
                cluster["certificate-authority-data"] = .string(Data(ca).base64EncodedString())
            }
            spec["cluster"] = cluster
        }
        let info: JSONValue = ["apiVersion": .string(plugin.apiVersion), "kind": "ExecCredential", "spec": spec]
        return info.jsonString()
    }

    /// Runs an exec plugin through ``ProcessRunner`` (its own process group, stopped with its children
    /// after ``execTimeout``) and reads the `ExecCredential` it prints.
    private func runPlugin(_ plugin: KubeConfig.ExecPlugin) async throws(KubeAPIError) -> RequestCredentials {
        var environment = plugin.env
        environment["KUBERNETES_EXEC_INFO"] = execInfo(plugin)
        let command = ProcessCommand(
            plugin.command.contains("/") ? .path(plugin.command) : .name(plugin.command), arguments: plugin.args,
            environment: environment)
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                command, limits: ProcessLimits(timeout: Self.execTimeout, maxOutput: 1 << 20, maxErrorOutput: 1 << 16))
        } catch  where error.code == .timedOut {
            throw KubeAPIError(
                code: .unauthorized, status: 0,
                message: "exec credential plugin \(plugin.command) did not finish in \(Self.execTimeout)")
        } catch {
            throw KubeAPIError(
                code: .unauthorized, status: 0,
                message: "exec credential plugin \(plugin.command) could not run: \(error)")
        }
        guard result.succeeded else {
            let stderr = result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw KubeAPIError(
                code: .unauthorized, status: 0,
                message: "exec credential plugin \(plugin.command) failed (\(result.termination))"
                    + (stderr.isEmpty ? "" : ": \(stderr.prefix(300))"))
        }
        return try Self.parseExecCredential(result.outputText, command: plugin.command)
    }

    /// Reads an `ExecCredential` printed by a plugin.
    static func parseExecCredential(_ output: String, command: String) throws(KubeAPIError) -> RequestCredentials {
        guard let value = try? JSONValue(parsing: output), value["kind"]?.stringValue == "ExecCredential",
            let status = value["status"]
        else {
            throw KubeAPIError(
                code: .unauthorized, status: 0,
                message: "exec credential plugin \(command) did not print an ExecCredential with a status")
        }
        var credentials = RequestCredentials()
        if let token = status["token"]?.stringValue, !token.isEmpty { credentials.authorization = "Bearer \(token)" }
        credentials.clientCertificate = status["clientCertificateData"]?.stringValue.map { Array($0.utf8) }
        credentials.clientKey = status["clientKeyData"]?.stringValue.map { Array($0.utf8) }
        if let stamp = status["expirationTimestamp"]?.stringValue {
            credentials.expiry = ISO8601DateFormatter().date(from: stamp)
        }
        guard credentials.authorization != nil || credentials.clientCertificate != nil else {
            throw KubeAPIError(
                code: .unauthorized, status: 0,
                message: "exec credential plugin \(command) returned neither a token nor a client certificate")
        }
        return credentials
    }
}
