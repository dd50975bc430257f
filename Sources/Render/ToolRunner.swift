import Foundation
import MoorCore
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs the renderers' tools (`kustomize`, `kubectl`, `jsonnet`, `helm`): an argument array, never
/// a shell; in its own process group, killed with all its children when it overruns the timeout;
/// output bounded.
struct ToolRunner: Sendable {
    /// How long one run may take.
    let timeout: Duration
    /// The most bytes read from standard output.
    let maxOutput: Int

    /// The most bytes of standard error kept; only its start is shown in errors anyway.
    private static let maxErrorOutput = 1 << 20
    /// The most characters of standard error quoted in an error.
    private static let quotedErrorLength = 2_000

    /// Runs `executable` and returns its standard output when it exits with status 0.
    ///
    /// `tool` names it in errors; `location` is what the errors are about; `root` removes the
    /// checkout's absolute path from the quoted standard error. A non-zero exit throws
    /// ``RenderError/Code-swift.struct/toolFailed`` with the trimmed standard error.
    func run(
        _ tool: String, executable: String, arguments: [String], in workingDirectory: String? = nil,
        root: SourceRoot, about location: SourceLocation?
    ) async throws(RenderError) -> [UInt8] {
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [
            .send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: .seconds(2))
        ]
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments),
            workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)
        let limit = maxOutput
        let timeout = timeout
        let outcome: (TerminationStatus, [UInt8], [UInt8])?
        do {
            outcome = try await withThrowingTaskGroup(of: (TerminationStatus, [UInt8], [UInt8])?.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        configuration, output: .bytes(limit: limit), error: .bytes(limit: Self.maxErrorOutput))
                    return (result.terminationStatus, result.standardOutput, result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                return try await group.next() ?? nil
            }
        } catch let error as SubprocessError where error.code == .outputLimitExceeded {
            throw RenderError(
                .limitExceeded, at: location, "\(tool) printed more than \(limit.byteDescription), the limit")
        } catch is CancellationError {
            throw RenderError(.timedOut, at: location, "\(tool) was cancelled")
        } catch {
            throw RenderError(.toolUnavailable, at: location, "could not run \(tool): \(error)")
        }
        guard let (status, output, errorOutput) = outcome else {
            throw RenderError(
                .timedOut, at: location, "\(tool) did not finish within \(timeout.seconds)s and was stopped")
        }
        guard status.isSuccess else {
            let stderr = root.redact(String(decoding: errorOutput, as: UTF8.self))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let shown =
                stderr.count > Self.quotedErrorLength ? stderr.prefix(Self.quotedErrorLength) + "…" : stderr[...]
            let reason =
                switch status {
                case .exited(let code): "exit status \(code)"
                case .signaled(let signal): "killed by signal \(signal)"
                }
            throw RenderError(
                .toolFailed, at: location, "\(tool) failed (\(reason))\(shown.isEmpty ? "" : ": \(shown)")")
        }
        return output
    }
}

/// Finds executables on `PATH`.
enum ExecutableLookup {
    /// The absolute path of the first executable file called `name` in a `PATH` directory.
    static func find(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for directory in directories where directory.hasPrefix("/") {
            let candidate = "\(directory)/\(name)"
            if FileSystem.targetKind(candidate) == .file, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

extension Duration {
    /// Whole seconds, for messages.
    var seconds: Int64 { components.seconds }
}
