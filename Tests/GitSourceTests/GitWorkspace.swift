import Foundation
import GitSource
import MoorTestSupport

/// A temporary directory holding a cache (`cache/`) and test repositories (`repos/NAME`), removed afterwards.
struct GitWorkspace {
    let root: String
    let cache: GitSourceCache

    /// Where repositories live; git daemon and the HTTP server serve this directory.
    var repositories: String { root + "/repos" }

    /// Runs `body` with a fresh workspace whose cache kills git commands after `timeout`.
    static func with<T>(
        commandTimeout: Duration = .seconds(60), _ body: (GitWorkspace) async throws -> T
    ) async throws -> T {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("moor-gitsource-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)).path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let workspace = GitWorkspace(
            root: root, cache: try GitSourceCache(directory: root + "/cache", commandTimeout: commandTimeout))
        return try await body(workspace)
    }

    /// Creates repository `name` under ``repositories`` with one commit on `main`.
    func repository(_ name: String, files: [String: String] = ["README.md": "hello\n"]) async throws
        -> (repository: GitTestRepository, url: GitRepositoryURL)
    {
        let repository = try await GitTestRepository.create(at: "\(repositories)/\(name)")
        try await repository.commit("initial", files: files)
        return (repository, try GitRepositoryURL(repository.fileURL))
    }
}

extension GitError {
    /// Whether `text` occurs in the message or description.
    func mentions(_ text: String) -> Bool {
        message.contains(text) || description.contains(text) || "\(self)".contains(text)
    }
}
