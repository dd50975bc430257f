import Foundation
import GitSource
import MoorTestSupport
import Testing

/// These tests hold git daemon's requests in an access hook, a shell script that waits for a file.
@Suite("Coalescing and timeouts", .timeLimit(.minutes(10)))
struct GitSourceConcurrencyTests {
    /// Writes an access hook that blocks until `release` exists, and returns its path.
    private func gate(in workspace: GitWorkspace, release: String) throws -> String {
        let hook = workspace.root + "/gate.sh"
        let script = "#!/bin/sh\nwhile [ ! -e '\(release)' ]; do sleep 0.05; done\nexit 0\n"
        try Data(script.utf8).write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        return hook
    }

    @Test("concurrent resolves of one repository share one ls-remote and one fetch")
    func coalesces() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, _) = try await workspace.repository("busy.git")
            let head = try await repo.sha(of: "HEAD")
            let release = workspace.root + "/release"
            let hook = try gate(in: workspace, release: release)
            try await GitDaemonServer.start(basePath: workspace.repositories, accessHook: hook).stopping { server in
                let url = try GitRepositoryURL(server.url(for: "busy.git"))
                let cache = workspace.cache
                let callers = 8
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<callers {
                        group.addTask { try await cache.resolve(url, revision: "main").sha }
                    }
                    // The first caller's ls-remote is held by the hook until every other caller has joined it.
                    let allJoined = try await Patience.waitUntil(every: .milliseconds(10)) {
                        await cache.statistics.coalescedRequests == callers - 1
                    }
                    #expect(allJoined)
                    try Data().write(to: URL(fileURLWithPath: release))
                    for try await sha in group {
                        #expect(sha == head)
                    }
                }
                let statistics = await cache.statistics
                #expect(statistics.remoteListings == 1)
                #expect(statistics.fetches == 1)
            }
        }
    }

    @Test("a git command that outlives the timeout is killed and reported")
    func timeout() async throws {
        try await GitWorkspace.with(commandTimeout: .seconds(2)) { workspace in
            _ = try await workspace.repository("stuck.git")
            let hook = try gate(in: workspace, release: workspace.root + "/never")
            try await GitDaemonServer.start(basePath: workspace.repositories, accessHook: hook).stopping { server in
                let url = try GitRepositoryURL(server.url(for: "stuck.git"))
                let error = await #expect(throws: GitError.self) {
                    try await workspace.cache.resolve(url, revision: "main")
                }
                #expect(error?.code == .timeout)
                #expect(error?.message.contains("ls-remote") == true)
            }
        }
    }
}
