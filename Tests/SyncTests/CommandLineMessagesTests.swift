import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// What the CLI says when there is little or nothing to do, or when it cannot: no internal error
/// codes, `Error:` in front of every error, and an empty render named as such.
@Suite("moor's messages")
struct CommandLineMessagesTests {
    @Test("a render of 0 objects says so and names the path; a sync that applied nothing reports no health")
    func emptyRender() async throws {
        try await CommandLineTests().withRepository { repository, ns, environment, _ in
            try await repository.commit("empty", files: ["empty/README.md": "nothing to deploy yet\n"])
            let app = [
                "--name", "\(ns)-empty", "--repo", repository.fileURL, "--path", "empty", "--dest-namespace", ns,
            ]
            let sync = try MoorCommand.run(["sync"] + app, environment: environment)
            #expect(sync.status == 0, "\(sync.error)")
            #expect(
                sync.error.contains("Warning: 0 objects: path 'empty' of \(repository.fileURL) at "), "\(sync.error)")
            #expect(!sync.output.contains("health:"), "\(sync.output)")
            #expect(sync.output.contains("write requests: 0"))
        }
    }

    @Test("a repository that cannot be fetched is an Error: line without internal codes")
    func fetchFailure() async throws {
        try await CommandLineTests().withRepository { _, ns, environment, _ in
            let missing = "file:///nonexistent-\(UUID().uuidString)/repo.git"
            let sync = try MoorCommand.run(
                ["sync", "--name", "\(ns)-gone", "--repo", missing, "--path", "app", "--dest-namespace", ns],
                environment: environment)
            #expect(sync.status != 0)
            let lines = sync.error.split(separator: "\n").filter { !$0.hasPrefix("application: ") }
            #expect(lines.first?.hasPrefix("Error: ") == true, "\(sync.error)")
            for code in ["commandFailed", "revisionNotFound", "invalidRevision", "timeout:"] {
                #expect(!sync.error.contains(code), "\(sync.error)")
            }
        }
    }
}
