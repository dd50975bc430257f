internal import Foundation
internal import Subprocess

#if canImport(System)
    internal import System
#else
    internal import SystemPackage
#endif

/// Runs an external program the one way Moor runs every one (git, the renderers' tools, kubeconfig
/// exec plugins): an argument array, never a shell; in a session, and so a process group, of its
/// own; the whole group stopped (`SIGTERM`, then `SIGKILL` after ``ProcessLimits/gracePeriod``) when
/// the run overruns ``ProcessLimits/timeout`` or the caller is cancelled, so no child outlives it;
/// standard output and standard error read up to a bound.
package enum ProcessRunner {
    /// Runs `command` within `limits`. A program that runs and exits, whatever its status, returns a
    /// ``ProcessResult``; one that cannot be started, prints too much or overruns throws.
    package static func run(_ command: ProcessCommand, limits: ProcessLimits) async throws(ProcessFailure)
        -> ProcessResult
    {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: limits.gracePeriod)
        ]
        let executable: Executable =
            switch command.executable {
            case .path(let path): .path(FilePath(path))
            case .name(let name): .name(name)
            }
        var keyed: [Environment.Key: String?] = [:]
        for (name, value) in command.environment {
            if let key = Environment.Key(rawValue: name) { keyed[key] = value }
        }
        let environment: Environment =
            command.inheritsEnvironment ? .inherit.updating(keyed) : .custom(keyed.compactMapValues { $0 })
        let configuration = Configuration(
            executable: executable, arguments: Arguments(command.arguments), environment: environment,
            workingDirectory: command.workingDirectory.map { FilePath($0) }, platformOptions: options)
        let name = command.name
        let outcome: ProcessResult?
        do {
            outcome = try await withThrowingTaskGroup(of: ProcessResult?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        configuration, input: .string(command.input),
                        output: .bytes(limit: limits.maxOutput), error: .bytes(limit: limits.maxErrorOutput))
                    let termination: ProcessResult.Termination =
                        switch result.terminationStatus {
                        case .exited(let code): .exited(Int32(code))
                        case .signaled(let signal): .signaled(Int32(signal))
                        }
                    return ProcessResult(
                        termination: termination, output: result.standardOutput, errorOutput: result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: limits.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw ProcessFailure(.executableNotFound, "\(name) is not installed or not on PATH")
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw ProcessFailure(
                .outputLimitExceeded, "\(name) printed more than the limit (\(limits.maxOutput) bytes) and was stopped")
        } catch is CancellationError {
            throw ProcessFailure(.cancelled, "\(name) was stopped: the run was cancelled")
        } catch {
            throw ProcessFailure(.couldNotStart, "\(name) could not be run: \(error)")
        }
        guard let outcome else {
            throw ProcessFailure(
                .timedOut, "\(name) did not finish within \(limits.timeout) and was stopped with its children")
        }
        return outcome
    }
}

/// A program to run.
package struct ProcessCommand: Sendable {
    /// Which program.
    package enum Executable: Sendable, Hashable {
        /// An absolute or relative path.
        case path(String)
        /// A name looked up on `PATH`.
        case name(String)
    }

    /// The program.
    package var executable: Executable
    /// Its arguments (never interpreted by a shell).
    package var arguments: [String]
    /// Variables set for it: over the process's own environment when ``inheritsEnvironment``,
    /// else the whole environment.
    package var environment: [String: String]
    /// Whether the program sees this process's environment (with ``environment`` over it).
    package var inheritsEnvironment: Bool
    /// Where it runs; `nil` for this process's directory.
    package var workingDirectory: String?
    /// What it reads on standard input.
    package var input: String

    /// Creates a command.
    package init(
        _ executable: Executable, arguments: [String] = [], environment: [String: String] = [:],
        inheritsEnvironment: Bool = true, workingDirectory: String? = nil, input: String = ""
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.inheritsEnvironment = inheritsEnvironment
        self.workingDirectory = workingDirectory
        self.input = input
    }

    /// The program's name, for messages (never its arguments, which may hold secrets).
    package var name: String {
        switch executable {
        case .path(let path): URL(fileURLWithPath: path).lastPathComponent
        case .name(let name): name
        }
    }
}

/// How long a run may take and how much it may print.
package struct ProcessLimits: Sendable, Hashable {
    /// How long one run may take before its process group is stopped.
    package var timeout: Duration
    /// How long the group has after `SIGTERM` before `SIGKILL`.
    package var gracePeriod: Duration
    /// The most bytes of standard output read; more stops the program.
    package var maxOutput: Int
    /// The most bytes of standard error read; more stops the program.
    package var maxErrorOutput: Int

    /// Creates limits.
    package init(
        timeout: Duration, gracePeriod: Duration = .seconds(2), maxOutput: Int = 1 << 20, maxErrorOutput: Int = 1 << 20
    ) {
        self.timeout = timeout
        self.gracePeriod = gracePeriod
        self.maxOutput = maxOutput
        self.maxErrorOutput = maxErrorOutput
    }
}

/// How a program ended and what it printed.
package struct ProcessResult: Sendable, Hashable {
    /// How a program ended.
    package enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signaled(Int32)

        /// `exit status N` or `killed by signal N`.
        package var description: String {
            switch self {
            case .exited(let code): "exit status \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    /// How it ended.
    package var termination: Termination
    /// Standard output.
    package var output: [UInt8]
    /// Standard error.
    package var errorOutput: [UInt8]

    /// Whether it exited with status 0.
    package var succeeded: Bool { termination == .exited(0) }
    /// Standard output as UTF-8 text.
    package var outputText: String { String(decoding: output, as: UTF8.self) }
    /// Standard error as UTF-8 text.
    package var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
}

/// Why a program did not run to its end.
package struct ProcessFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What happened.
    package enum Code: String, Sendable, Hashable {
        /// The program is not installed (or not on `PATH`).
        case executableNotFound
        /// It could not be started for another reason.
        case couldNotStart
        /// It printed more than the limit and was stopped.
        case outputLimitExceeded
        /// It overran the timeout and was stopped with its children.
        case timedOut
        /// The caller was cancelled, and the program stopped with it.
        case cancelled
    }

    /// What happened.
    package let code: Code
    /// What happened, naming the program (never its arguments).
    package let message: String

    /// Creates a failure.
    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
