internal import Foundation

/// Runs the built `moor` binary as a whole process, for tests of the command-line tool.
package enum MoorCommand {
    /// What one run printed and how it exited.
    package struct Run: Sendable {
        /// Exit status.
        package let status: Int32
        /// Standard output.
        package let output: String
        /// Standard error.
        package let error: String
    }

    /// The `moor` binary beside the test bundle (`swift test` builds it), or in `.build/debug`.
    package static func binary() throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("moor").path,
            TestCluster.repositoryRoot + "/.build/debug/moor",
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestClusterError(message: "build the moor executable first (swift build --product moor)")
        }
        return found
    }

    /// Builds the container image `moor.local/moor:TAG` of ``binary()`` with `scripts/moor-image.sh --binary`
    /// (the binary, its shared libraries, git, busybox) into `directory`; returns the reference and the tarball.
    package static func image(tag: String, in directory: String) async throws -> (reference: String, tarball: String) {
        let tarball = "\(directory)/moor-\(tag).tar"
        let printed = try await GitTestTool.run(
            TestCluster.repositoryRoot + "/scripts/moor-image.sh",
            ["--binary", try binary(), "--tag", tag, "--out", tarball])
        return (printed.trimmingCharacters(in: .whitespacesAndNewlines), tarball)
    }

    /// Runs `moor arguments…` on a pseudo-terminal (through util-linux `script`) that is fed `input`,
    /// for commands that ask; standard output and error both arrive in ``Run/output``.
    package static func runOnTerminal(
        _ arguments: [String], input: String, environment: [String: String] = [:]
    ) throws -> Run {
        let quoted = ([try binary()] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try run(
            executable: "/usr/bin/script", ["-qec", quoted.joined(separator: " "), "/dev/null"], input: input,
            environment: environment)
    }

    /// Runs `moor arguments…` with extra environment variables and waits for it; standard input
    /// is empty and not a terminal.
    package static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try run(executable: try binary(), arguments, input: "", environment: environment)
    }

    private static func run(
        executable: String, _ arguments: [String], input: String, environment: [String: String]
    ) throws -> Run {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputFile = directory.appendingPathComponent("stdout")
        let errorFile = directory.appendingPathComponent("stderr")
        let inputFile = directory.appendingPathComponent("stdin")
        _ = FileManager.default.createFile(atPath: inputFile.path, contents: Data(input.utf8))
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: try String(contentsOf: outputFile, encoding: .utf8),
            error: try String(contentsOf: errorFile, encoding: .utf8))
    }
}
