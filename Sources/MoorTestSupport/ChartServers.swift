internal import Foundation

/// A self-signed TLS certificate for `127.0.0.1`, made with `openssl` in a directory of its own.
public struct TestCertificate: Sendable {
    /// The PEM certificate's path.
    public let certificate: String
    /// The PEM private key's path.
    public let key: String

    /// Makes a certificate and key in `directory`.
    static func make(in directory: String) async throws -> TestCertificate {
        let certificate = directory + "/tls.crt"
        let key = directory + "/tls.key"
        try await GitTestTool.run(
            "openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
        return TestCertificate(certificate: certificate, key: key)
    }
}

/// nginx serving a directory of files (a Helm HTTP repository: `index.yaml` and `.tgz` archives)
/// on a free loopback port, as a real chart repository does: `ETag` and `Last-Modified`, answering
/// conditional requests with `304`. Optionally with HTTP basic authentication and TLS (a
/// self-signed certificate). Every request is logged with its status and whether it carried an
/// `Authorization` header (``requests()``). Paths under `/redirect/` answer `302` to the same path
/// (without the prefix) on `redirectTarget`.
public final class ChartRepositoryServer: GitTestServer {
    /// One logged request.
    public struct Request: Sendable, Hashable {
        /// The method and path, e.g. `GET /index.yaml`.
        public var line: String
        /// The status answered.
        public var status: Int
        /// Whether the request carried an `Authorization` header.
        public var authorized: Bool
    }

    /// The port.
    public let port: Int
    /// The served directory: write `index.yaml` and archives here.
    public let root: String
    /// `http://127.0.0.1:PORT` or `https://…`.
    public let url: String
    private let process: GitServerProcess
    private let stateDirectory: String

    private init(port: Int, root: String, url: String, process: GitServerProcess, stateDirectory: String) {
        self.port = port
        self.root = root
        self.url = url
        self.process = process
        self.stateDirectory = stateDirectory
    }

    /// Starts nginx; with `username`/`password` every request must authenticate, with `tls` it speaks HTTPS.
    public static func start(
        username: String? = nil, password: String? = nil, tls: Bool = false, redirectTarget: String? = nil
    ) async throws -> ChartRepositoryServer {
        let state = try GitTestTool.temporaryDirectory("charts")
        let root = state + "/root"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        var authentication = ""
        if let username, let password {
            let hash = try await GitTestTool.run("openssl", ["passwd", "-apr1", "-stdin"], input: password + "\n")
            try Data("\(username):\(hash.trimmingCharacters(in: .whitespacesAndNewlines))\n".utf8)
                .write(to: URL(fileURLWithPath: state + "/htpasswd"))
            authentication = "auth_basic \"charts\";\nauth_basic_user_file \(state)/htpasswd;"
        }
        var listen = ";"
        if tls {
            let certificate = try await TestCertificate.make(in: state)
            listen = " ssl;\nssl_certificate \(certificate.certificate);\nssl_certificate_key \(certificate.key);"
        }
        let redirect = redirectTarget.map { "location /redirect/ { rewrite ^/redirect/(.*)$ \($0)/$1 redirect; }" } ?? ""
        let port = try LoopbackPort.free()
        let configuration = NginxConfiguration.text(
            state: state,
            http: """
                server {
                    listen 127.0.0.1:\(port)\(listen)
                    root \(root);
                    \(redirect)
                    location / {
                        \(authentication)
                    }
                }
                """,
            logFormat: """
                map $http_authorization $moor_authorized { "" "-"; default "yes"; }
                log_format moor '$request_method $uri $status $moor_authorized';
                """)
        let process = try await NginxConfiguration.start(state: state, configuration: configuration, port: port)
        return ChartRepositoryServer(
            port: port, root: root, url: "\(tls ? "https" : "http")://127.0.0.1:\(port)", process: process,
            stateDirectory: state)
    }

    /// The requests served so far, oldest first.
    public func requests() throws -> [Request] {
        let log = (try? String(contentsOfFile: stateDirectory + "/access.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, let status = Int(fields[2]) else { return nil }
            let authorization = fields.count > 3 ? fields[3] : ""
            return Request(line: "\(fields[0]) \(fields[1])", status: status, authorized: authorization == "yes")
        }
    }

    /// Stops nginx and deletes its state and served files.
    public func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}

/// The CNCF distribution registry (Debian's `docker-registry`) on a free loopback port, with HTTP basic
/// authentication (bcrypt htpasswd from `htpasswd -B`) when a user is given, over plain HTTP or TLS.
/// ``push(chart:repository:tag:)`` uploads a chart archive as Helm does: a config blob of media type
/// `application/vnd.cncf.helm.config.v1+json`, the archive as a layer of
/// `application/vnd.cncf.helm.chart.content.v1.tar+gzip`, and an OCI image manifest under the tag.
public final class OCIRegistryServer: GitTestServer {
    /// The port.
    public let port: Int
    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }
    private let scheme: String
    private let login: String?
    private let process: GitServerProcess
    private let stateDirectory: String

    private init(port: Int, scheme: String, login: String?, process: GitServerProcess, stateDirectory: String) {
        self.port = port
        self.scheme = scheme
        self.login = login
        self.process = process
        self.stateDirectory = stateDirectory
    }

    /// Starts the registry.
    public static func start(username: String? = nil, password: String? = nil, tls: Bool = false) async throws
        -> OCIRegistryServer
    {
        let state = try GitTestTool.temporaryDirectory("registry")
        let port = try LoopbackPort.free()
        var auth = ""
        var login: String?
        if let username, let password {
            let line = try await GitTestTool.run("htpasswd", ["-Bbn", username, password])
            try Data(line.utf8).write(to: URL(fileURLWithPath: state + "/htpasswd"))
            auth = "auth:\n  htpasswd:\n    realm: moor-test\n    path: \(state)/htpasswd\n"
            login = "\(username):\(password)"
        }
        var tlsBlock = ""
        if tls {
            let certificate = try await TestCertificate.make(in: state)
            tlsBlock = "  tls:\n    certificate: \(certificate.certificate)\n    key: \(certificate.key)\n"
        }
        let configuration = """
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: \(state)/data
            http:
              addr: 127.0.0.1:\(port)
              secret: moor-test
            \(tlsBlock)\(auth)
            """
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: state + "/config.yml"))
        let process = try await GitServerProcess.startListening(
            "docker-registry", ["serve", state + "/config.yml"], port: port)
        return OCIRegistryServer(
            port: port, scheme: tls ? "https" : "http", login: login, process: process, stateDirectory: state)
    }

    /// Pushes the chart archive at `chart` as `repository:tag`; returns the layer's digest (`sha256:…`).
    @discardableResult
    public func push(chart: String, repository: String, tag: String) async throws -> String {
        let archive = try Data(contentsOf: URL(fileURLWithPath: chart))
        let config = Data(#"{"name":"chart","version":"0.0.0"}"#.utf8)
        let layer = try await upload(archive, repository: repository)
        let configDigest = try await upload(config, repository: repository)
        let manifest = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"\(configDigest)","size":\(config.count)},\
            "layers":[{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"\(layer)","size":\(archive.count)}]}
            """
        let file = stateDirectory + "/manifest-\(UUID().uuidString).json"
        try Data(manifest.utf8).write(to: URL(fileURLWithPath: file))
        try await curl([
            "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json", "--data-binary", "@" + file,
            "\(scheme)://\(host)/v2/\(repository)/manifests/\(tag)",
        ])
        return layer
    }

    /// Uploads a blob (monolithic upload) and returns its digest.
    private func upload(_ data: Data, repository: String) async throws -> String {
        let file = stateDirectory + "/blob-\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: file))
        let hash = try await GitTestTool.run("sha256sum", [file])
        let digest = "sha256:" + hash.prefix { $0 != " " }
        let headers = try await curl([
            "-X", "POST", "-D", "-", "-o", "/dev/null", "\(scheme)://\(host)/v2/\(repository)/blobs/uploads/",
        ])
        guard
            let location = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("location:") })?
                .dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
        else { throw GitTestSupportError(message: "the registry gave no upload location: \(headers)") }
        let target = location.hasPrefix("http") ? location : "\(scheme)://\(host)\(location)"
        try await curl([
            "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file,
            target + (target.contains("?") ? "&" : "?") + "digest=\(digest)",
        ])
        return digest
    }

    @discardableResult
    private func curl(_ arguments: [String]) async throws -> String {
        try await GitTestTool.run("curl", ["-sSf", "-k"] + (login.map { ["-u", $0] } ?? []) + arguments)
    }

    /// Stops the registry and deletes its storage.
    public func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}
