import Foundation
import ProcessRunner
import Testing

@Suite("ProcessRunner")
struct ProcessRunnerTests {
    static let sh = ProcessCommand.Executable.path("/bin/sh")

    @Test("a program's status, output and error output; the environment as given")
    func result() async throws {
        let result = try await ProcessRunner.run(
            ProcessCommand(
                Self.sh, arguments: ["-c", "echo out; echo err >&2; printf %s \"$MOOR_X\"; exit 3"],
                environment: ["MOOR_X": "x"]),
            limits: ProcessLimits(timeout: .seconds(30)))
        #expect(result.termination == .exited(3))
        #expect(!result.succeeded)
        #expect(result.outputText == "out\nx")
        #expect(result.errorText == "err\n")
        let clean = try await ProcessRunner.run(
            ProcessCommand(Self.sh, arguments: ["-c", "printf %s \"${HOME:-none}\""], inheritsEnvironment: false),
            limits: ProcessLimits(timeout: .seconds(30)))
        #expect(clean.outputText == "none", "without inheritance only the given variables are set")
        let input = try await ProcessRunner.run(
            ProcessCommand(.name("cat"), input: "typed"), limits: ProcessLimits(timeout: .seconds(30)))
        #expect(input.outputText == "typed")
    }

    @Test("a run that overruns is stopped with every child of its process group")
    func timeout() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-runner-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pidFile = directory + "/child"
        let failure = await #expect(throws: ProcessFailure.self) {
            try await ProcessRunner.run(
                ProcessCommand(Self.sh, arguments: ["-c", "sleep 300 & echo $! > \(pidFile); wait"]),
                limits: ProcessLimits(timeout: .milliseconds(500), gracePeriod: .milliseconds(200)))
        }
        #expect(failure?.code == .timedOut)
        #expect(failure?.message == "sh did not finish within 0.5 seconds and was stopped with its children")
        let child = try #require(
            Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // The child may linger as a zombie of an exited parent until init reaps it: wait for it to go.
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(child, 0) == 0 && !Self.isZombie(child)
            if alive { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(!alive, "the background child was stopped too")
    }

    @Test("output beyond the limit stops the program; a missing program is named")
    func limits() async throws {
        let loud = await #expect(throws: ProcessFailure.self) {
            try await ProcessRunner.run(
                ProcessCommand(Self.sh, arguments: ["-c", "head -c 100000 /dev/zero"]),
                limits: ProcessLimits(timeout: .seconds(30), maxOutput: 1000))
        }
        #expect(loud?.code == .outputLimitExceeded)
        let missing = await #expect(throws: ProcessFailure.self) {
            try await ProcessRunner.run(
                ProcessCommand(.name("moor-no-such-program"), arguments: ["--secret-argument"]),
                limits: ProcessLimits(timeout: .seconds(30)))
        }
        #expect(missing?.code == .executableNotFound)
        #expect(missing?.message == "moor-no-such-program is not installed or not on PATH")
    }

    static func isZombie(_ pid: Int32) -> Bool {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return status.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
