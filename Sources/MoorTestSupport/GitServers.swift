internal import Foundation

/// A Git server a test started on a free 127.0.0.1 port. Stop it when done: ``stop()`` kills the processes
/// it started and deletes its state directory; ``stopping(after:)`` does that also when the test throws.
package protocol GitTestServer: Sendable {
    /// The loopback port the server listens on.
    var port: Int { get }
    /// Stops the server's processes and waits for them to exit.
    func stop() async
}

extension GitTestServer {
    /// Runs `body` with the server, then stops it, whether `body` returns or throws.
    package func stopping<T>(after body: (Self) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }
}

/// `git daemon` serving every repository under a base directory over `git://127.0.0.1:PORT/`.
package final class GitDaemonServer: GitTestServer {
    /// The port.
    package let port: Int
    /// The IPv4 address it listens on.
    package let host: String
    private let process: GitServerProcess

    private init(port: Int, host: String, process: GitServerProcess) {
        self.port = port
        self.host = host
        self.process = process
    }

    /// Starts `git daemon --export-all --base-path=basePath` on a free port of `host` (loopback unless told,
    /// e.g. the kubelet plane's bridge address for Pods to reach), or on `port` (to bring a stopped server
    /// back at the same address).
    ///
    /// - Parameter accessHook: An executable git daemon runs before serving each request (arguments:
    ///   service, path, host, …); the request is refused if it exits non-zero. Tests use it to hold requests.
    package static func start(
        basePath: String, accessHook: String? = nil, port: Int? = nil, host: String = "127.0.0.1"
    ) async throws -> GitDaemonServer {
        let port = try port ?? LoopbackPort.free()
        let arguments =
            [
                "daemon", "--export-all", "--base-path=\(basePath)", "--reuseaddr", "--listen=\(host)",
                "--port=\(port)", "--informative-errors",
            ] + (accessHook.map { ["--access-hook=\($0)"] } ?? [])
        let process = try await GitServerProcess.startListening(
            "git", arguments, environment: GitTestTool.isolatedGit, port: port, host: host)
        return GitDaemonServer(port: port, host: host, process: process)
    }

    /// `git://HOST:PORT/relativePath` for a repository at `basePath/relativePath`.
    package func url(for relativePath: String) -> String { "git://\(host):\(port)/\(relativePath)" }

    /// Stops git daemon.
    package func stop() async { await process.stop() }
}

/// Git's smart HTTP protocol (`git http-backend`) behind nginx and fcgiwrap, with HTTP basic authentication,
/// serving every repository under a base directory over `http://127.0.0.1:PORT/`.
package final class GitHTTPServer: GitTestServer {
    /// The port.
    package let port: Int
    private let processes: [GitServerProcess]
    private let stateDirectory: String

    private init(port: Int, processes: [GitServerProcess], stateDirectory: String) {
        self.port = port
        self.processes = processes
        self.stateDirectory = stateDirectory
    }

    /// Starts fcgiwrap and nginx (own configuration, pid file and temporary directories) on a free loopback
    /// port; every request must authenticate as `username` with `password` (htpasswd from `openssl passwd -apr1`).
    package static func start(basePath: String, username: String, password: String) async throws -> GitHTTPServer {
        let state = try GitTestTool.temporaryDirectory("http")
        let hash = try await GitTestTool.run("openssl", ["passwd", "-apr1", "-stdin"], input: password + "\n")
        try Data("\(username):\(hash.trimmingCharacters(in: .whitespacesAndNewlines))\n".utf8)
            .write(to: URL(fileURLWithPath: state + "/htpasswd"))
        let socket = state + "/fcgiwrap.sock"
        let fcgiwrap = try GitServerProcess("fcgiwrap", ["-c", "4", "-s", "unix:" + socket])
        do {
            let created = try await Patience.waitUntil(every: .milliseconds(20)) {
                FileManager.default.fileExists(atPath: socket)
            }
            guard created else { throw GitTestSupportError(message: "fcgiwrap did not create \(socket)") }
            let port = try LoopbackPort.free()
            let nginx = try await NginxConfiguration.start(
                state: state, configuration: nginxConfiguration(state: state, port: port, basePath: basePath),
                port: port)
            return GitHTTPServer(port: port, processes: [fcgiwrap, nginx], stateDirectory: state)
        } catch {
            await fcgiwrap.stop()
            try? FileManager.default.removeItem(atPath: state)
            throw error
        }
    }

    /// `http://127.0.0.1:PORT/relativePath` for a repository at `basePath/relativePath`.
    package func url(for relativePath: String) -> String { "http://127.0.0.1:\(port)/\(relativePath)" }

    /// Stops nginx and fcgiwrap and deletes their state.
    package func stop() async {
        for process in processes.reversed() { await process.stop() }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    private static func nginxConfiguration(state: String, port: Int, basePath: String) -> String {
        NginxConfiguration.text(
            state: state,
            http: """
                client_max_body_size 0;
                server {
                    listen 127.0.0.1:\(port);
                    location / {
                        auth_basic "git";
                        auth_basic_user_file \(state)/htpasswd;
                        fastcgi_pass unix:\(state)/fcgiwrap.sock;
                        fastcgi_buffering off;
                        fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                        fastcgi_param GIT_PROJECT_ROOT \(basePath);
                        fastcgi_param GIT_HTTP_EXPORT_ALL "";
                        fastcgi_param GIT_CONFIG_NOSYSTEM 1;
                        fastcgi_param PATH_INFO $uri;
                        fastcgi_param QUERY_STRING $query_string;
                        fastcgi_param REQUEST_METHOD $request_method;
                        fastcgi_param CONTENT_TYPE $content_type;
                        fastcgi_param CONTENT_LENGTH $content_length;
                        fastcgi_param REMOTE_USER $remote_user;
                        fastcgi_param REMOTE_ADDR $remote_addr;
                        fastcgi_param GIT_PROTOCOL $http_git_protocol;
                    }
                }
                """)
    }
}

/// nginx configurations for test servers: one worker in the foreground, every file it writes (pid,
/// logs, temporary bodies) under the server's state directory.
enum NginxConfiguration {
    /// A whole configuration whose `http` block holds `http` (after the access log and temporary paths).
    static func text(state: String, http: String, logFormat: String? = nil) -> String {
        let temporary = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map { "\($0)_temp_path \(state)/\($0);" }
        return """
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(state)/nginx.pid;
            error_log \(state)/error.log info;
            \(getuid() == 0 ? "user root root;" : "")
            events { worker_connections 64; }
            http {
            \(logFormat ?? "")
            access_log \(state)/access.log\(logFormat == nil ? "" : " moor");
            \(temporary.joined(separator: "\n"))
            \(http)
            }

            """
    }

    /// Starts nginx with `configuration` written into `state` and waits until it listens on `port`.
    static func start(state: String, configuration: String, port: Int) async throws -> GitServerProcess {
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: state + "/nginx.conf"))
        return try await GitServerProcess.startListening(
            "nginx", ["-p", state, "-c", state + "/nginx.conf", "-e", state + "/error.log"], port: port,
            logFile: state + "/error.log")
    }
}

/// OpenSSH's `sshd` with its own configuration and host key, accepting one public key for the current
/// user, so that `git` can fetch any repository by absolute path over `ssh://`.
package final class GitSSHServer: GitTestServer {
    /// The port.
    package let port: Int
    /// The user to log in as (the current user).
    package let user: String
    /// The `known_hosts` line for this server's host key (`[127.0.0.1]:PORT ssh-ed25519 …`).
    package let knownHostsLine: String
    private let process: GitServerProcess
    private let stateDirectory: String

    private init(port: Int, user: String, knownHostsLine: String, process: GitServerProcess, stateDirectory: String) {
        self.port = port
        self.user = user
        self.knownHostsLine = knownHostsLine
        self.process = process
        self.stateDirectory = stateDirectory
    }

    /// Starts `sshd -D -f CONFIG` on a free loopback port, accepting `authorizedKey` (a public key line).
    package static func start(authorizedKey: String) async throws -> GitSSHServer {
        let state = try GitTestTool.temporaryDirectory("sshd")
        do {
            try await GitTestTool.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", state + "/host_key"])
            try Data(authorizedKey.utf8).write(to: URL(fileURLWithPath: state + "/authorized_keys"))
            if getuid() == 0 {
                // sshd's privilege separation directory.
                try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            }
            let port = try LoopbackPort.free()
            try Data(configuration(state: state, port: port).utf8)
                .write(to: URL(fileURLWithPath: state + "/sshd_config"))
            let hostKey = try String(contentsOfFile: state + "/host_key.pub", encoding: .utf8).split(separator: " ")
            let process = try await GitServerProcess.startListening(
                "sshd", ["-D", "-E", state + "/sshd.log", "-f", state + "/sshd_config"], port: port,
                logFile: state + "/sshd.log")
            return GitSSHServer(
                port: port, user: currentUser, knownHostsLine: "[127.0.0.1]:\(port) \(hostKey[0]) \(hostKey[1])",
                process: process, stateDirectory: state)
        } catch {
            try? FileManager.default.removeItem(atPath: state)
            throw error
        }
    }

    /// `ssh://USER@127.0.0.1:PORT/absolutePath`.
    package func url(for absolutePath: String) -> String { "ssh://\(user)@127.0.0.1:\(port)\(absolutePath)" }

    /// The scp-like form, `USER@[127.0.0.1:PORT]:absolutePath`.
    package func scpLikeURL(for absolutePath: String) -> String { "\(user)@[127.0.0.1:\(port)]:\(absolutePath)" }

    /// Stops sshd and deletes its state.
    package func stop() async {
        await process.stop()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    private static var currentUser: String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    private static func configuration(state: String, port: Int) -> String {
        """
        ListenAddress 127.0.0.1:\(port)
        HostKey \(state)/host_key
        PidFile \(state)/sshd.pid
        AuthorizedKeysFile \(state)/authorized_keys
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        UsePAM no
        StrictModes no
        LogLevel VERBOSE

        """
    }
}
