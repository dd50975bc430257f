internal import Foundation

extension GitError {
    /// Phrases in the error output of git, ssh or the server, the failure they reveal, and what to tell the user
    /// (`{url}` stands for the redacted repository URL). The first rule with a matching phrase wins.
    private static let remoteFailureRules: [(phrases: [String], code: Code, message: String)] = [
        (
            ["terminal prompts disabled", "could not read Username", "could not read Password"],
            .authenticationFailed,
            "{url} asks for credentials and none are configured: add HTTPS credentials (user name and password or "
                + "token) for this repository"
        ),
        (
            ["Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED", "host key is not known"],
            .hostKeyRejected,
            "the SSH host key of {url} is not in the configured known hosts or has changed: add the server's key to "
                + "knownHosts (e.g. from ssh-keyscan), or allow any host key only for testing"
        ),
        (
            [
                "Permission denied (publickey", "Permission denied, please try again",
                "Too many authentication failures",
            ],
            .authenticationFailed,
            "the SSH server of {url} rejected the private key: check that the key configured for this repository is "
                + "the right one and has read access"
        ),
        (
            [
                "Authentication failed", "Access denied", "returned error: 401", "returned error: 403",
                "invalid username or password", "Invalid credentials",
            ],
            .authenticationFailed,
            "authentication to {url} failed: check the user name and password or token configured for this "
                + "repository, and that it has read access"
        ),
        (
            [
                "Repository not found", "does not appear to be a git repository", "returned error: 404",
                "repository not exported", "No such repository", "' not found",
            ],
            .repositoryNotFound,
            "repository {url} was not found (or is not readable with these credentials): check the repository URL"
        ),
    ]

    /// Classifies a failed command that talked to `url`, from git's (already scrubbed) standard error.
    static func remoteFailure(_ result: GitCommandResult, url: GitRepositoryURL, operation: String) -> GitError {
        let rule = remoteFailureRules.first { rule in
            rule.phrases.contains { result.standardError.range(of: $0, options: .caseInsensitive) != nil }
        }
        guard let rule else { return commandFailure(result, operation: "\(operation) for \(url)") }
        return GitError(rule.code, rule.message.replacingOccurrences(of: "{url}", with: url.redacted))
    }

    /// A failed command whose standard error says nothing more specific; quotes git's last error lines.
    static func commandFailure(_ result: GitCommandResult, operation: String) -> GitError {
        GitError(.commandFailed, "git \(operation) failed: \(detail(of: result.standardError))")
    }

    /// Git's most telling lines (`fatal:` and `error:` ones if any, else the last ones), at most 300 characters.
    static func detail(of standardError: String) -> String {
        let lines = standardError.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("hint:") }
        let telling = lines.filter { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") }
        let chosen = (telling.isEmpty ? lines : telling).suffix(3).joined(separator: "; ")
        guard !chosen.isEmpty else { return "git printed no error message" }
        return GitError.quoted(chosen, limit: 300)
    }
}
