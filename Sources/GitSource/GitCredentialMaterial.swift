internal import Foundation

/// ``GitCredentials`` turned into what one git command needs: environment variables and, for SSH, a private
/// directory holding the key and known-hosts files (0700 directory, 0600 files), removed by ``remove()``.
///
/// HTTPS passwords travel in `MOOR_GIT_PASSWORD`, which the askpass program prints when git asks; SSH keys
/// are named by path in `GIT_SSH_COMMAND`. Neither secret appears in any process's arguments.
struct GitCredentialMaterial {
    /// Variables to add to git's environment.
    private(set) var environment: [String: String] = [:]
    /// The directory to delete afterwards, if one was made.
    private var directory: String?

    /// Prepares `credentials` for a command using `transport` (`nil` for local commands).
    init(
        _ credentials: GitCredentials, transport: GitRepositoryURL.Transport?, scratchDirectory: String,
        askPassProgram: String
    ) throws {
        var sshOptions = [
            "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30",
        ]
        switch (credentials, transport) {
        case (.https(let username, let password), .https?), (.https(let username, let password), .http?):
            environment = ["GIT_ASKPASS": askPassProgram, "MOOR_GIT_USERNAME": username, "MOOR_GIT_PASSWORD": password]
        case (.ssh(let privateKey, let knownHosts, let insecure), .ssh?):
            let directory = scratchDirectory + "/ssh-" + UUID().uuidString
            guard mkdir(directory, 0o700) == 0 else {
                throw GitError(
                    .commandFailed,
                    "could not create a private directory under \(scratchDirectory) "
                        + "for the SSH key (errno \(errno)); check that the cache directory is writable")
            }
            do {
                // ssh refuses a key file whose last line lacks its newline.
                let keyFile = privateKey.hasSuffix("\n") ? privateKey : privateKey + "\n"
                try Self.writePrivateFile(directory + "/key", keyFile)
                if !insecure { try Self.writePrivateFile(directory + "/known_hosts", knownHosts + "\n") }
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
            self.directory = directory
            sshOptions += [
                "-i", directory + "/key", "-o", "StrictHostKeyChecking=" + (insecure ? "no" : "yes"),
                "-o", "UserKnownHostsFile=" + (insecure ? "/dev/null" : directory + "/known_hosts"),
            ]
        default:
            sshOptions += ["-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null"]
        }
        // Git runs GIT_SSH_COMMAND through a shell, so each word is quoted.
        environment["GIT_SSH_COMMAND"] = (["ssh"] + sshOptions).map(Self.shellQuoted).joined(separator: " ")
    }

    /// Deletes the key and known-hosts files, if any.
    func remove() {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Creates `path` with mode 0600 (failing if it exists) and writes `contents`.
    private static func writePrivateFile(_ path: String, _ contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GitError(.commandFailed, "could not create credential file \(path) (errno \(errno))")
        }
        defer { close(descriptor) }
        var bytes = Array(contents.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else {
                throw GitError(.commandFailed, "could not write credential file \(path) (errno \(errno))")
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// `word` in single quotes, safe for `sh`.
    static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
