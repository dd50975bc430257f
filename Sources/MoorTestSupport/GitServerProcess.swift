internal import Foundation
internal import Subprocess
import Synchronization

/// A test helper command failed or a test server did not start.
package struct GitTestSupportError: Error, CustomStringConvertible {
    /// What went wrong, with the tool's error output.
    package let message: String
    /// `message`.
    package var description: String { message }
}

/// Runs the command-line tools the Git test helpers need (`git`, `ssh-keygen`, `gpg`, `openssl`).
enum GitTestTool {
    /// Runs `executable` (a name looked up on `PATH`, `/usr/sbin` and `/sbin`, or a path) and returns its
    /// standard output; throws ``GitTestSupportError`` when it exits non-zero.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String = ""
    ) async throws -> String {
        let path = try locate(executable)
        let result = try await Subprocess.run(
            .path(.init(path)), arguments: Arguments(arguments), environment: .inherit.updating(keys(environment)),
            input: .string(input), output: .string(limit: 16 << 20), error: .string(limit: 1 << 20))
        guard result.terminationStatus.isSuccess else {
            throw GitTestSupportError(
                message: "\(executable) \(arguments.joined(separator: " ")) failed: \(result.standardError)")
        }
        return result.standardOutput
    }

    /// The absolute path of `name`.
    static func locate(_ name: String) throws -> String {
        if name.hasPrefix("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        guard let found = directories.map({ "\($0)/\(name)" }).first(where: FileManager.default.isExecutableFile)
        else {
            throw GitTestSupportError(message: "\(name) is not installed (see the Git test packages in the README)")
        }
        return found
    }

    /// Environment overrides keyed for Subprocess.
    static func keys(_ environment: [String: String]) -> [Environment.Key: String?] {
        var keyed: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { keyed[key] = value }
        }
        return keyed
    }

    /// The environment that keeps test git commands away from the user's configuration.
    static let isolatedGit: [String: String] = [
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "Moor Test", "GIT_AUTHOR_EMAIL": "test@moor.invalid",
        "GIT_COMMITTER_NAME": "Moor Test", "GIT_COMMITTER_EMAIL": "test@moor.invalid",
    ]

    /// Creates a fresh directory `$TMPDIR/moor-<prefix>-<random>`.
    static func temporaryDirectory(_ prefix: String) throws -> String {
        let name = "moor-\(prefix)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A long-running server process started by a test, in its own session; ``stop()`` sends SIGTERM to its
/// process group and SIGKILL if it has not exited within three seconds.
final class GitServerProcess: Sendable {
    private let task: Task<Void, Never>

    /// Starts `executable` with `arguments`; its output is discarded (servers are configured to log to files).
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let path = try GitTestTool.locate(executable)
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(3)),
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1)),
        ]
        let overrides = GitTestTool.keys(environment)
        task = Task {
            _ = try? await Subprocess.run(
                .path(.init(path)), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
                platformOptions: options, input: .none, output: .discarded, error: .discarded
            ) { _ in
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
        }
    }

    /// Starts `executable` and waits until it accepts connections on `port` of 127.0.0.1; if it does not within
    /// ``Patience/timeout``, stops it and throws an error quoting `logFile` (the server's log), when given.
    static func startListening(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], port: Int,
        host: String = "127.0.0.1", logFile: String? = nil
    ) async throws -> GitServerProcess {
        let process = try GitServerProcess(executable, arguments, environment: environment)
        do {
            try await LoopbackPort.waitUntilAccepting(port, host: host, server: executable, logFile: logFile)
            return process
        } catch {
            await process.stop()
            throw error
        }
    }

    /// Stops the process (and its process group) and waits until it has exited.
    func stop() async {
        task.cancel()
        await task.value
    }
}

/// Loopback TCP ports for test servers.
package enum LoopbackPort {
    /// Ports below the kernel's ephemeral range (`ip_local_port_range` starts at 32768), so neither a
    /// server binding port 0 nor an outgoing connection's local port can take one between ``free()``
    /// handing it out and the test server binding it.
    private static let range = 20_000..<32_768
    /// The ports ``free()`` handed out in this process: each goes to one server only.
    private static let handedOut = Mutex(Set<Int>())

    /// A port on 127.0.0.1 that was free a moment ago (bound and released), below the ephemeral range
    /// and never handed out before in this process, so concurrently starting test servers never get
    /// the same one.
    package static func free() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: range)
            guard handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            if try bindable(port) { return port }
        }
        throw GitTestSupportError(message: "no free loopback port in \(range) after 200 tries")
    }

    /// Whether `port` on 127.0.0.1 can be bound now.
    private static func bindable(_ port: Int) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw GitTestSupportError(message: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = address(host: "127.0.0.1", port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The HTTP status `GET http://<host>:<port><path>` answers (through curl; `host` is loopback unless
    /// told, e.g. a Pod's IP); 0 when nothing answers within 30 s.
    package static func httpStatus(_ port: Int, _ path: String, host: String = "127.0.0.1") async throws -> Int {
        let result = try await Subprocess.run(
            .path(.init(try GitTestTool.locate("curl"))),
            arguments: [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", "http://\(host):\(port)\(path)",
            ],
            output: .string(limit: 1 << 10), error: .discarded)
        return Int(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Waits until something accepts connections on `host:port` (an IPv4 address); throws after
    /// ``Patience/timeout``, quoting `logFile` (the server's log) when given.
    static func waitUntilAccepting(
        _ port: Int, host: String = "127.0.0.1", server: String, logFile: String? = nil
    ) async throws {
        if try await Patience.waitUntil(every: .milliseconds(20), { isAccepting(port, host: host) }) { return }
        let log = logFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        throw GitTestSupportError(
            message: "\(server) did not start listening on \(host):\(port). \(log.suffix(2000))")
    }

    private static func isAccepting(_ port: Int, host: String) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = address(host: host, port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The socket address of `host` (dotted IPv4) and `port`.
    private static func address(host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }
}
