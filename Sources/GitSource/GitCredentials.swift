/// How to authenticate to a repository's server.
///
/// Secrets reach git only through its environment and 0600 files that are deleted when the command ends:
/// never through process arguments, logs or error messages. `description` and `debugDescription` redact
/// them. Credentials that do not fit the URL's transport (an SSH key for an `https://` URL) are not used.
public enum GitCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Anonymous access (public repositories, `git://`, `file://`).
    case none
    /// HTTP basic authentication for `https://` and `http://` URLs: a user name and a password or access
    /// token. A user name in the URL takes precedence over `username`.
    case https(username: String, password: String)
    /// An SSH private key (OpenSSH or PEM text) for `ssh://` and scp-like URLs. `knownHosts` holds
    /// `known_hosts` lines for the server; the connection is refused when the server's host key is not
    /// among them, unless `insecureIgnoreHostKey` is set, which accepts any host key (and so any server
    /// that can intercept the connection).
    case ssh(privateKey: String, knownHosts: String, insecureIgnoreHostKey: Bool = false)

    /// The kind of credentials with secrets redacted, e.g. `https(username: ci, password: <redacted>)`.
    public var description: String {
        switch self {
        case .none: "none"
        case .https(let username, _): "https(username: \(username), password: <redacted>)"
        case .ssh(_, _, let insecure): "ssh(privateKey: <redacted>, insecureIgnoreHostKey: \(insecure))"
        }
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// The secret strings, to be scrubbed from anything git prints.
    var secrets: [String] {
        switch self {
        case .none: []
        case .https(_, let password): password.count >= 4 ? [password] : []
        case .ssh(let privateKey, _, _): privateKey.split(separator: "\n").map(String.init).filter { $0.count >= 16 }
        }
    }
}
