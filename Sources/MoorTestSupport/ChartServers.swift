internal import Foundation

/// A self-signed TLS certificate for `127.0.0.1`, made with `openssl` in a directory of its own.
package struct TestCertificate: Sendable {
    /// The PEM certificate's path.
    package let certificate: String
    /// The PEM private key's path.
    package let key: String

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
package final class ChartRepositoryServer: GitTestServer {
    /// One logged request.
    package struct Request: Sendable, Hashable {
        /// The method and path, e.g. `GET /index.yaml`.
        package var line: String
        /// The status answered.
        package var status: Int
        /// Whether the request carried an `Authorization` header.
        package var authorized: Bool
    }

    /// The port.
    package let port: Int
    /// The served directory: write `index.yaml` and archives here.
    package let root: String
    /// `http://127.0.0.1:PORT` or `https://…`.
    package let url: String
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
    package static func start(
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
        let redirect =
            redirectTarget.map { "location /redirect/ { rewrite ^/redirect/(.*)$ \($0)/$1 redirect; }" } ?? ""
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
    package func requests() throws -> [Request] {
        let log = (try? String(contentsOfFile: stateDirectory + "/access.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, let status = Int(fields[2]) else { return nil }
            let authorization = fields.count > 3 ? fields[3] : ""
            return Request(line: "\(fields[0]) \(fields[1])", status: status, authorized: authorization == "yes")
        }
    }

    /// Stops nginx and deletes its state and served files.
    package func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}

/// The CNCF distribution registry (Debian's `docker-registry`) on a free loopback port, with HTTP basic
/// authentication (bcrypt htpasswd from `htpasswd -B`) when a user is given, over plain HTTP or TLS.
/// With `tokenAuthentication`, the registry takes bearer tokens instead, from a token service of the
/// test's (``RegistryTokenServer``) that checks the user's basic credentials.
/// ``push(chart:repository:tag:)`` uploads a chart archive as Helm does: a config blob of media type
/// `application/vnd.cncf.helm.config.v1+json`, the archive as a layer of
/// `application/vnd.cncf.helm.chart.content.v1.tar+gzip`, and an OCI image manifest under the tag.
package final class OCIRegistryServer: GitTestServer {
    /// The port.
    package let port: Int
    /// `127.0.0.1:PORT`.
    package var host: String { "127.0.0.1:\(port)" }
    private let scheme: String
    private let login: String?
    private let tokens: RegistryTokenServer?
    private let processes: [GitServerProcess]
    private let stateDirectory: String

    private init(
        port: Int, scheme: String, login: String?, tokens: RegistryTokenServer?, processes: [GitServerProcess],
        stateDirectory: String
    ) {
        self.port = port
        self.scheme = scheme
        self.login = login
        self.tokens = tokens
        self.processes = processes
        self.stateDirectory = stateDirectory
    }

    /// Starts the registry (and, with `tokenAuthentication`, its token service).
    package static func start(
        username: String? = nil, password: String? = nil, tls: Bool = false, tokenAuthentication: Bool = false
    ) async throws -> OCIRegistryServer {
        let state = try GitTestTool.temporaryDirectory("registry")
        let port = try LoopbackPort.free()
        var auth = ""
        var login: String?
        var tokens: RegistryTokenServer?
        if let username, let password {
            login = "\(username):\(password)"
            if tokenAuthentication {
                let server = try await RegistryTokenServer.start(state: state, username: username, password: password)
                tokens = server
                auth =
                    "auth:\n  token:\n    realm: \(server.realm)\n    service: \(RegistryTokenServer.service)\n"
                    + "    issuer: \(RegistryTokenServer.issuer)\n    rootcertbundle: \(server.certificate)\n"
            } else {
                let line = try await GitTestTool.run("htpasswd", ["-Bbn", username, password])
                try Data(line.utf8).write(to: URL(fileURLWithPath: state + "/htpasswd"))
                auth = "auth:\n  htpasswd:\n    realm: moor-test\n    path: \(state)/htpasswd\n"
            }
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
        let registry: GitServerProcess
        do {
            registry = try await GitServerProcess.startListening(
                "docker-registry", ["serve", state + "/config.yml"], port: port)
        } catch {
            await tokens?.process.stop()
            throw error
        }
        return OCIRegistryServer(
            port: port, scheme: tls ? "https" : "http", login: login, tokens: tokens,
            processes: [registry] + (tokens.map { [$0.process] } ?? []), stateDirectory: state)
    }

    /// Pushes the chart archive at `chart` as `repository:tag`; returns the layer's digest (`sha256:…`).
    @discardableResult
    package func push(chart: String, repository: String, tag: String) async throws -> String {
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
        try await curl(
            [
                "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json", "--data-binary",
                "@" + file, "\(scheme)://\(host)/v2/\(repository)/manifests/\(tag)",
            ], repository: repository)
        return layer
    }

    /// Uploads a blob (monolithic upload) and returns its digest.
    private func upload(_ data: Data, repository: String) async throws -> String {
        let file = stateDirectory + "/blob-\(UUID().uuidString)"
        try data.write(to: URL(fileURLWithPath: file))
        let hash = try await GitTestTool.run("sha256sum", [file])
        let digest = "sha256:" + hash.prefix { $0 != " " }
        let headers = try await curl(
            ["-X", "POST", "-D", "-", "-o", "/dev/null", "\(scheme)://\(host)/v2/\(repository)/blobs/uploads/"],
            repository: repository)
        guard
            let location = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("location:") })?
                .dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
        else { throw GitTestSupportError(message: "the registry gave no upload location: \(headers)") }
        let target = location.hasPrefix("http") ? location : "\(scheme)://\(host)\(location)"
        try await curl(
            [
                "-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + file,
                target + (target.contains("?") ? "&" : "?") + "digest=\(digest)",
            ], repository: repository)
        return digest
    }

    /// Runs curl with the registry's authentication: basic, or a push token for `repository`.
    @discardableResult
    private func curl(_ arguments: [String], repository: String) async throws -> String {
        var authentication = login.map { ["-u", $0] } ?? []
        if let tokens, let login {
            let answer = try await GitTestTool.run(
                "curl",
                [
                    "-sSf", "-u", login,
                    "\(tokens.realm)?service=\(RegistryTokenServer.service)&scope=repository:\(repository):pull,push",
                ])
            let token = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
            // From a file, so a failing command's message (which quotes its arguments) shows no token.
            let header = stateDirectory + "/authorization-\(UUID().uuidString)"
            try Data("Authorization: Bearer \(token?["token"] as? String ?? "")\n".utf8)
                .write(to: URL(fileURLWithPath: header))
            authentication = ["-H", "@" + header]
        }
        return try await GitTestTool.run("curl", ["-sSf", "-k"] + authentication + arguments)
    }

    /// The requests the token service answered, oldest first (`200` or `401` each).
    package func tokenRequests() -> [Int] {
        tokens?.requests() ?? []
    }

    /// Stops the registry (and its token service) and deletes its storage.
    package func stop() async {
        for process in processes { await process.stop() }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}

/// A registry token service as the distribution registry's `auth.token` expects one: `GET /token?
/// service=…&scope=repository:NAME:ACTIONS` with the user's basic credentials answers
/// `{"token": JWT}`, an RS256 token whose `x5c` header carries the signing certificate (the registry's
/// `rootcertbundle`) and whose `access` grants the scopes asked; wrong credentials get `401`. It is a
/// Python script (PyPI `cryptography` signs) that logs each answer's status to a file.
struct RegistryTokenServer {
    /// The `service` the registry names.
    static let service = "moor-registry"
    /// The tokens' issuer.
    static let issuer = "moor-test"
    /// `http://127.0.0.1:PORT/token`.
    let realm: String
    /// The signing certificate.
    let certificate: String
    let process: GitServerProcess
    private let log: String

    static func start(state: String, username: String, password: String) async throws -> RegistryTokenServer {
        let directory = state + "/token"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = try await TestCertificate.make(in: directory)
        let script = state + "/token_server.py"
        try Data(Self.script.utf8).write(to: URL(fileURLWithPath: script))
        let port = try LoopbackPort.free()
        let log = state + "/token.log"
        let process = try await GitServerProcess.startListening(
            "python3",
            [script, "\(port)", certificate.key, certificate.certificate, username, password, Self.issuer, log],
            port: port)
        return RegistryTokenServer(
            realm: "http://127.0.0.1:\(port)/token", certificate: certificate.certificate, process: process, log: log)
    }

    /// The statuses answered, oldest first.
    func requests() -> [Int] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
    }

    private static let script = #"""
        import base64, json, sys, time, uuid
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import parse_qs, urlparse
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        port, key_path, cert_path, user, password, issuer, log = sys.argv[1:8]
        key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
        cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
        chain = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

        def b64(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                status = 200 if self.headers.get("Authorization") == expected else 401
                with open(log, "a") as out:
                    out.write(f"{status}\n")
                if status != 200:
                    self.send_response(401)
                    self.end_headers()
                    return
                access = []
                for scope in query.get("scope", []):
                    kind, name, actions = scope.split(":")
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
                now = int(time.time())
                header = {"alg": "RS256", "typ": "JWT", "x5c": chain}
                claims = {"iss": issuer, "sub": user, "aud": query.get("service", [""])[0], "exp": now + 600,
                          "nbf": now - 60, "iat": now, "jti": uuid.uuid4().hex, "access": access}
                signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
                signature = key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
                body = json.dumps({"token": signing + "." + b64(signature)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
        """#
}
