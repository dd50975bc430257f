internal import Foundation

/// One repository's bare mirror in the cache and the git commands run against it.
///
/// A mirror keeps the remote's `refs/heads/*` and `refs/tags/*` (plus refs fetched on request, such as
/// pull-request heads) and no working tree. It holds no state of its own: ``GitSourceCache`` serialises the
/// commands that write to it; reading commands may run alongside a fetch.
struct GitMirror: Sendable {
    /// The repository mirrored.
    let url: GitRepositoryURL
    /// The bare repository's directory.
    let path: String
    /// Runs the git commands.
    let runner: GitCommandRunner

    /// The refspecs of a full refresh.
    static let mirroredRefspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]

    /// Whether the bare repository exists on disk.
    var exists: Bool { FileManager.default.fileExists(atPath: path + "/HEAD") }

    /// Lists the remote's refs with `git ls-remote`; needs no mirror on disk.
    func listRemote(credentials: GitCredentials) async throws -> GitRemoteRefs {
        let result = try await runner.run(
            ["ls-remote", "--", url.rawValue], remote: (url, credentials), outputLimit: 256 << 20)
        guard result.succeeded else { throw GitError.remoteFailure(result, url: url, operation: "ls-remote") }
        return GitRemoteRefs(lsRemoteOutput: result.standardOutput)
    }

    /// Creates the bare repository unless it exists: `git init` in the scratch directory, then a rename, so a
    /// half-made mirror is never seen. A `moor-url` file records the normalised URL it mirrors.
    func create() async throws {
        let identityFile = "/moor-url"
        if exists {
            guard (try? String(contentsOfFile: path + identityFile, encoding: .utf8)) == url.normalized else {
                throw GitError(
                    .commandFailed,
                    "cache directory \(path) holds a mirror of another repository than \(url): delete that directory")
            }
            return
        }
        let staging = runner.scratchDirectory + "/mirror-" + UUID().uuidString
        let result = try await runner.run(["init", "--bare", "--quiet", "--", staging])
        guard result.succeeded else { throw GitError.commandFailure(result, operation: "init") }
        try Data(url.normalized.utf8).write(to: URL(fileURLWithPath: staging + identityFile))
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: staging, toPath: path)
    }

    /// Deletes the mirror (after a killed fetch may have left lock files behind).
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The mirror's branches and tags: ref name → object SHA, comparable with ``GitRemoteRefs/mirroredRefs``.
    func localRefs() async throws -> [String: String] {
        let result = try await runner.run(
            ["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags"], gitDirectory: path,
            outputLimit: 256 << 20)
        guard result.succeeded else { throw GitError.commandFailure(result, operation: "for-each-ref") }
        var refs: [String: String] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1)
            if fields.count == 2 { refs[String(fields[1])] = String(fields[0]) }
        }
        return refs
    }

    /// Fetches `refspecs` from the remote; `prune` deletes local refs the remote no longer has.
    func fetch(_ refspecs: [String], prune: Bool, credentials: GitCredentials) async throws {
        let options = ["--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules"]
        let result = try await runner.run(
            ["fetch"] + options + (prune ? ["--prune"] : []) + ["--", url.rawValue] + refspecs, gitDirectory: path,
            remote: (url, credentials))
        guard result.succeeded else { throw GitError.remoteFailure(result, url: url, operation: "fetch") }
    }

    /// Whether the mirror holds commit `sha` (a validated full or abbreviated SHA).
    func containsCommit(_ sha: String) async throws -> Bool {
        guard exists else { return false }
        let result = try await runner.run(
            ["cat-file", "-e", "--end-of-options", "\(sha)^{commit}"], gitDirectory: path)
        return result.succeeded
    }

    /// The full SHA of the one commit whose SHA starts with `prefix` (validated hex); `nil` when none does.
    ///
    /// - Throws: ``GitError/Code/revisionNotFound`` when several commits share the prefix.
    func expandAbbreviatedCommit(_ prefix: String) async throws -> String? {
        guard exists else { return nil }
        let result = try await runner.run(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", "\(prefix)^{commit}"], gitDirectory: path)
        if result.succeeded { return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }
        if result.standardError.contains("ambiguous") {
            throw GitError(
                .revisionNotFound,
                "abbreviated commit SHA '\(prefix)' of \(url) is ambiguous: write more digits, or the full SHA")
        }
        return nil
    }

    /// The metadata of commit `sha`.
    ///
    /// - Throws: ``GitError/Code/revisionNotFound`` when the mirror does not hold the commit.
    func commit(_ sha: String) async throws -> GitCommit {
        let format = "--format=%H%x00%an%x00%ae%x00%at%x00%s"
        let result = try await runner.run(
            ["show", "-s", "--no-show-signature", format, "--end-of-options", "\(sha)^{commit}"], gitDirectory: path)
        let fields = result.standardOutput.trimmingCharacters(in: .newlines).split(
            separator: "\0", omittingEmptySubsequences: false)
        guard result.succeeded, fields.count == 5, let seconds = TimeInterval(fields[3]) else {
            throw GitError(
                .revisionNotFound,
                "commit \(sha) is not in the cache of \(url): resolve a revision of this repository first")
        }
        return GitCommit(
            sha: String(fields[0]), authorName: String(fields[1]), authorEmail: String(fields[2]),
            date: Date(timeIntervalSince1970: seconds), subject: String(fields[4]))
    }

    /// The paths that differ between the merge base of commits `base` and `head` and `head` (`git diff
    /// base...head`: what merging `head` into `base` would change), repository-relative, a renamed file
    /// under both names.
    func changedPaths(base: String, head: String) async throws -> [String] {
        let result = try await runner.run(
            ["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "\(base)...\(head)", "--"],
            gitDirectory: path)
        guard result.succeeded else { throw GitError.commandFailure(result, operation: "diff of \(base)...\(head)") }
        return result.standardOutput.split(separator: "\0").map(String.init)
    }

    /// Writes the tree of commit `sha` into `directory` (existing and empty) with `git read-tree -u`, using a
    /// private index file so that exports may run in parallel.
    func export(_ sha: String, to directory: String) async throws {
        let index = runner.scratchDirectory + "/index-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: index) }
        let result = try await runner.run(
            ["read-tree", "--reset", "-u", "--end-of-options", sha], gitDirectory: path,
            environment: ["GIT_INDEX_FILE": index, "GIT_WORK_TREE": directory])
        guard result.succeeded else { throw GitError.commandFailure(result, operation: "read-tree of \(sha)") }
    }

    /// Runs `git verify-commit --raw` for `sha` with `GNUPGHOME=keyring` and returns what GnuPG said.
    func verifyCommit(_ sha: String, keyring: String) async throws -> GitSignatureStatus {
        let result = try await runner.run(
            ["verify-commit", "--raw", "--end-of-options", sha], gitDirectory: path,
            environment: ["GNUPGHOME": keyring])
        return GitSignatureStatus(accepted: result.succeeded, standardError: result.standardError)
    }
}
