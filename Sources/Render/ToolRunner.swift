import Foundation
import MoorCore
import ProcessRunner

/// Runs the renderers' tools (`kustomize`, `kubectl`, `jsonnet`, `helm`, the Helm library's child)
/// through ``ProcessRunner``: an argument array, never a shell; in its own process group, stopped with
/// all its children when it overruns the timeout; output bounded; with a memory limit, started through
/// util-linux's `prlimit --data` so that an allocation beyond it fails in the tool.
struct ToolRunner: Sendable {
    /// How long one run may take.
    let timeout: Duration
    /// The most bytes read from standard output.
    let maxOutput: Int
    /// The most memory (`RLIMIT_DATA`) one run may use; `nil` for no limit.
    var memoryLimit: Int? = nil

    /// What tools print when an allocation failed (Go, C++, C).
    private static let outOfMemory = [
        "out of memory", "bad_alloc", "cannot allocate memory", "memory allocation error",
    ]

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
        var command = ProcessCommand(.path(executable), arguments: arguments, workingDirectory: workingDirectory)
        if let memoryLimit {
            guard let prlimit = ExecutableLookup.find("prlimit") else {
                throw RenderError(
                    .toolUnavailable, at: location,
                    "cannot limit \(tool)'s memory: install util-linux (prlimit), or run without a memory limit")
            }
            command.executable = .path(prlimit)
            command.arguments = ["--data=\(memoryLimit)", "--", executable] + arguments
        }
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(
                command,
                limits: ProcessLimits(timeout: timeout, maxOutput: maxOutput, maxErrorOutput: Self.maxErrorOutput))
        } catch {
            switch error.code {
            case .outputLimitExceeded:
                throw RenderError(
                    .limitExceeded, at: location, "\(tool) printed more than \(maxOutput.byteDescription), the limit")
            case .timedOut:
                throw RenderError(
                    .timedOut, at: location, "\(tool) did not finish within \(timeout.seconds)s and was stopped")
            case .cancelled: throw RenderError(.timedOut, at: location, "\(tool) was cancelled")
            case .executableNotFound, .couldNotStart:
                throw RenderError(.toolUnavailable, at: location, "could not run \(tool): \(error)")
            }
        }
        guard result.succeeded else {
            if let memoryLimit, Self.outOfMemory.contains(where: result.errorText.contains) {
                throw RenderError(
                    .limitExceeded, at: location,
                    "\(tool) used more than its memory limit of \(memoryLimit.byteDescription) and was stopped")
            }
            let stderr = root.redact(result.errorText).trimmingCharacters(in: .whitespacesAndNewlines)
            let shown =
                stderr.count > Self.quotedErrorLength ? stderr.prefix(Self.quotedErrorLength) + "…" : stderr[...]
            throw RenderError(
                .toolFailed, at: location,
                "\(tool) failed (\(result.termination))\(shown.isEmpty ? "" : ": \(shown)")")
        }
        return result.output
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
