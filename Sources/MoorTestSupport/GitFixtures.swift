internal import Foundation

/// A Git repository with a working tree, built with real `git` commands for tests. Commits get a fixed
/// author (`Moor Test <test@moor.invalid>`); the user's and system's git configuration are ignored.
package struct GitTestRepository: Sendable {
    /// The working tree (the repository is in `path/.git`).
    package let path: String

    /// `file://` URL of the repository.
    package var fileURL: String { "file://" + path }

    /// Creates an empty repository at `path` (created if needed) whose default branch is `defaultBranch`.
    package static func create(at path: String, defaultBranch: String = "main") async throws -> GitTestRepository {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let repository = GitTestRepository(path: path)
        try await repository.git(["init", "--quiet", "--initial-branch=\(defaultBranch)"])
        return repository
    }

    /// Writes `files` (relative path → contents), stages everything and commits on the current branch.
    ///
    /// - Parameter keyring: When given, the commit is signed with that keyring's key.
    /// - Returns: The new commit's full SHA.
    @discardableResult
    package func commit(_ message: String, files: [String: String], signedBy keyring: GitTestKeyring? = nil)
        async throws -> String
    {
        for (relative, contents) in files {
            let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try await git(["add", "--all"])
        if let keyring {
            try await git(
                ["-c", "user.signingkey=\(keyring.fingerprint)", "commit", "--quiet", "--gpg-sign", "-m", message],
                environment: ["GNUPGHOME": keyring.home])
        } else {
            try await git(["commit", "--quiet", "-m", message])
        }
        return try await sha(of: "HEAD")
    }

    /// Creates tag `name` at `revision`; annotated (a tag object) when `annotated`.
    package func tag(_ name: String, at revision: String = "HEAD", annotated: Bool = false) async throws {
        try await git(["tag"] + (annotated ? ["-a", "-m", "release \(name)"] : []) + [name, revision])
    }

    /// Creates or moves branch `name` to `revision` without checking it out.
    package func branch(_ name: String, at revision: String = "HEAD") async throws {
        try await git(["branch", "--force", name, revision])
    }

    /// Switches the working tree to branch `name`; with `creating`, creates it at the current commit first.
    package func checkout(_ name: String, creating: Bool = false) async throws {
        try await git(["checkout", "--quiet"] + (creating ? ["-b"] : []) + [name])
    }

    /// Points any ref (`refs/pull/7/head`) at `revision`.
    package func updateRef(_ ref: String, to revision: String) async throws {
        try await git(["update-ref", ref, revision])
    }

    /// The full SHA `revision` names.
    package func sha(of revision: String) async throws -> String {
        try await git(["rev-parse", "--verify", "\(revision)^{commit}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `git -C path arguments…` and returns its standard output.
    @discardableResult
    package func git(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        try await GitTestTool.run(
            "git", ["-C", path] + arguments, environment: GitTestTool.isolatedGit.merging(environment) { $1 })
    }
}

/// An ed25519 SSH key pair without a passphrase, generated with `ssh-keygen`.
package struct GitTestSSHKey: Sendable {
    /// The private key in OpenSSH format.
    package let privateKey: String
    /// The public key line (`ssh-ed25519 AAAA… comment`).
    package let publicKey: String

    /// Generates a key pair.
    package static func generate() async throws -> GitTestSSHKey {
        let directory = try GitTestTool.temporaryDirectory("sshkey")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await GitTestTool.run(
            "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "moor-test", "-f", directory + "/id"])
        return GitTestSSHKey(
            privateKey: try String(contentsOfFile: directory + "/id", encoding: .utf8),
            publicKey: try String(contentsOfFile: directory + "/id.pub", encoding: .utf8))
    }
}

/// A GnuPG home directory for signed-commit tests: either a signer's (one passphrase-less ed25519 secret key,
/// ``create(name:email:)``) or a verifier's (public keys only, ``trusting(_:)``). Call ``remove()`` at the end:
/// it stops the `gpg-agent` that signing started and deletes the directory.
package struct GitTestKeyring: Sendable {
    /// The GnuPG home directory (`GNUPGHOME`).
    package let home: String
    /// The fingerprint of the key (uppercase hex); for a verifier's keyring, of its first key.
    package let fingerprint: String

    /// Creates a keyring with a new signing key for user ID `name <email>`.
    package static func create(name: String = "Moor Test", email: String = "test@moor.invalid") async throws
        -> GitTestKeyring
    {
        let home = try makeHome()
        try await GitTestTool.run(
            "gpg",
            [
                "--batch", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", "",
                "--quick-gen-key", "\(name) <\(email)>", "ed25519", "sign", "never",
            ])
        return try await GitTestKeyring(home: home, fingerprint: firstFingerprint(in: home))
    }

    /// Creates a keyring holding only the public keys of `signers`, imported without any trust settings, as
    /// an administrator would configure signature verification.
    package static func trusting(_ signers: [GitTestKeyring]) async throws -> GitTestKeyring {
        let home = try makeHome()
        for signer in signers {
            let key = try await GitTestTool.run(
                "gpg", ["--batch", "--homedir", signer.home, "--armor", "--export", signer.fingerprint])
            try await GitTestTool.run("gpg", ["--batch", "--homedir", home, "--import"], input: key)
        }
        return try await GitTestKeyring(home: home, fingerprint: firstFingerprint(in: home))
    }

    /// Stops this home's GnuPG daemons and deletes the directory.
    package func remove() async {
        _ = try? await GitTestTool.run("gpgconf", ["--homedir", home, "--kill", "all"])
        // The agent exits asynchronously and may still write into the directory while it is being deleted.
        for _ in 0..<50 where FileManager.default.fileExists(atPath: home) {
            try? FileManager.default.removeItem(atPath: home)
            if FileManager.default.fileExists(atPath: home) { try? await Task.sleep(for: .milliseconds(50)) }
        }
    }

    /// A new 0700 directory with a short path: gpg-agent's socket lives in it and socket paths are limited
    /// to 108 bytes.
    private static func makeHome() throws -> String {
        let home = "/tmp/moor-gpg-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        try FileManager.default.createDirectory(
            atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return home
    }

    private static func firstFingerprint(in home: String) async throws -> String {
        let listing = try await GitTestTool.run("gpg", ["--batch", "--homedir", home, "--with-colons", "--list-keys"])
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }),
            let fingerprint = line.split(separator: ":", omittingEmptySubsequences: false).dropFirst(9).first
        else {
            throw GitTestSupportError(message: "gpg listed no key fingerprint in \(home): \(listing)")
        }
        return String(fingerprint)
    }
}
