internal import Foundation
internal import Logging
internal import ProcessRunner

/// How a git command ended and what it printed.
struct GitCommandResult: Sendable {
    /// Whether git exited with status 0.
    var succeeded: Bool
    /// Standard output.
    var standardOutput: String
    /// Standard error, with URL user information and credential secrets removed.
    var standardError: String
}

/// Runs `git`; every git invocation of this module goes through
/// ``run(_:gitDirectory:remote:environment:outputLimit:)``.
///
/// Git runs with an argument array (never a shell), a fixed environment (neutral `HOME`, no system or global
/// config, no terminal prompts, only the transports Moor supports, English messages), in its own session so
/// that a timeout kills it together with its `ssh` or `git-remote-https` children, and with bounded output.
struct GitCommandRunner: Sendable {
    /// The `HOME` git and ssh see: empty, so no user configuration, keys or known hosts leak in.
    let homeDirectory: String
    /// Where per-command credential files and temporary index files live.
    let scratchDirectory: String
    /// The `GIT_ASKPASS` program, which prints the user name or password from the environment.
    let askPassProgram: String
    /// How long one git command may run before it is killed.
    let timeout: Duration
    /// Where commands are logged (at debug level, without secrets).
    let logger: Logger

    /// Creates the runner's directories and askpass program under `directory`.
    init(directory: String, timeout: Duration, logger: Logger) throws {
        homeDirectory = directory + "/home"
        scratchDirectory = directory + "/tmp"
        askPassProgram = directory + "/bin/git-askpass"
        self.timeout = timeout
        self.logger = logger
        let files = FileManager.default
        for path in [homeDirectory, scratchDirectory, directory + "/bin"] {
            try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let script = """
            #!/bin/sh
            case "$1" in
            [Uu]sername*) printf '%s\\n' "$MOOR_GIT_USERNAME" ;;
            *) printf '%s\\n' "$MOOR_GIT_PASSWORD" ;;
            esac

            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: askPassProgram), options: .atomic)
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: askPassProgram)
    }

    /// Runs `git [--git-dir=gitDirectory] arguments…`.
    ///
    /// - Parameters:
    ///   - remote: The repository and credentials when the command talks to a server; secrets are passed
    ///     through the environment and 0600 files removed when the command ends.
    ///   - environment: Extra environment variables (`GIT_INDEX_FILE`, `GNUPGHOME`).
    ///   - outputLimit: The most bytes of standard output accepted.
    /// - Returns: The result, also when git exits non-zero.
    /// - Throws: ``GitError/Code/timeout`` when the command outlives ``timeout`` (it is killed first), or
    ///   ``GitError/Code/commandFailed`` when git cannot be started or prints more than allowed.
    func run(
        _ arguments: [String], gitDirectory: String? = nil,
        remote: (url: GitRepositoryURL, credentials: GitCredentials)? = nil,
        environment: [String: String] = [:], outputLimit: Int = 1 << 20
    ) async throws -> GitCommandResult {
        let material = try GitCredentialMaterial(
            remote?.credentials ?? .none, transport: remote?.url.transport, scratchDirectory: scratchDirectory,
            askPassProgram: askPassProgram)
        defer { material.remove() }
        let fullArguments =
            ["-c", "gc.autoDetach=false", "-c", "credential.helper="]
            + (gitDirectory.map { ["--git-dir=\($0)"] } ?? []) + arguments
        let command = arguments.first ?? "git"
        let redactedURL = remote?.url.redacted ?? ""
        logger.debug("running git", metadata: ["command": "\(command)", "url": "\(redactedURL)"])
        let variables = baseEnvironment.merging(material.environment) { $1 }.merging(environment) { $1 }
        let result = try await Self.execute(
            fullArguments, environment: variables, timeout: timeout, outputLimit: outputLimit, command: command,
            target: redactedURL)
        return GitCommandResult(
            succeeded: result.succeeded, standardOutput: result.outputText,
            standardError: Self.scrub(result.errorText, secrets: remote?.credentials.secrets ?? []))
    }

    /// Removes URL user information and every secret from `text`.
    static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.reduce(GitRepositoryURL.redact(text)) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
    }

    private var baseEnvironment: [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var variables = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": homeDirectory,
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_ALLOW_PROTOCOL": "file:git:http:https:ssh",
            "GIT_SSH_VARIANT": "ssh",
        ]
        variables["TMPDIR"] = inherited["TMPDIR"]
        return variables
    }

    /// Runs git through ``ProcessRunner`` (its own session, the whole group stopped on timeout).
    private static func execute(
        _ arguments: [String], environment: [String: String], timeout: Duration, outputLimit: Int, command: String,
        target: String
    ) async throws -> ProcessResult {
        do {
            return try await ProcessRunner.run(
                ProcessCommand(
                    .name("git"), arguments: arguments, environment: environment, inheritsEnvironment: false),
                limits: ProcessLimits(timeout: timeout, gracePeriod: .seconds(1), maxOutput: outputLimit))
        } catch {
            switch error.code {
            case .executableNotFound:
                throw GitError(.commandFailed, "git is not installed or not on PATH: install git 2.39 or newer")
            case .outputLimitExceeded:
                throw GitError(.commandFailed, "git \(command) printed more than \(outputLimit) bytes and was stopped")
            case .timedOut:
                throw GitError(
                    .timeout,
                    "git \(command)\(target.isEmpty ? "" : " for \(target)") did not finish within \(timeout) and was "
                        + "killed; check that the server is reachable and responsive, or raise the command timeout")
            case .cancelled: throw CancellationError()
            case .couldNotStart: throw GitError(.commandFailed, "git \(command) could not be run: \(error)")
            }
        }
    }
}
