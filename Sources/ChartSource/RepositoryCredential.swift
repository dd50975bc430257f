internal import Foundation

/// How to reach one repository, or every repository under a URL prefix: Argo CD's repository
/// Secret fields (`url`, `type`, `username`, `password`, `sshPrivateKey`, `tlsClientCertData`,
/// `tlsClientCertKey`, `insecure`, `enableOCI`, `insecureOCIForceHttp`, `name`, `project`).
///
/// `description` and `debugDescription` never show a secret, so a credential may be logged.
public struct RepositoryCredential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Whether the credential names one repository or a URL prefix.
    public enum Scope: Sendable, Hashable {
        /// One repository: `url` matches exactly (after normalization).
        case repository
        /// A credential template: every repository whose URL starts with `url`.
        case prefix
    }

    /// What kind of repository the credential is for.
    public enum Kind: String, Sendable, Hashable {
        /// A Git repository.
        case git
        /// A Helm repository or OCI registry.
        case helm
    }

    /// The repository URL, or the URL prefix of a template.
    public var url: String
    /// Exact or prefix.
    public var scope: Scope
    /// Git or Helm (Argo CD's `type`; Git when unset).
    public var kind: Kind
    /// The repository's short name (`name`), which `@name` dependencies refer to; empty when unset.
    public var name: String
    /// The user name for HTTP basic authentication.
    public var username: String
    /// The password or access token.
    public var password: String
    /// An SSH private key (Git over SSH).
    public var sshPrivateKey: String
    /// A PEM client certificate for TLS client authentication.
    public var tlsClientCertificate: String
    /// The PEM private key of ``tlsClientCertificate``.
    public var tlsClientKey: String
    /// Skip TLS certificate verification (`insecure`); off unless set.
    public var insecure: Bool
    /// The repository is an OCI registry (`enableOCI`).
    public var enableOCI: Bool
    /// Talk plain HTTP to the OCI registry (`insecureOCIForceHttp`).
    public var insecureOCIForceHTTP: Bool
    /// The project the credential belongs to (`project`): only that project's applications use it
    /// (see ``RepositoryCredentials/visible(to:)``); empty for a credential every application may use.
    public var project: String

    /// Creates a credential.
    public init(
        url: String, scope: Scope = .repository, kind: Kind = .helm, name: String = "", username: String = "",
        password: String = "", sshPrivateKey: String = "", tlsClientCertificate: String = "", tlsClientKey: String = "",
        insecure: Bool = false, enableOCI: Bool = false, insecureOCIForceHTTP: Bool = false, project: String = ""
    ) {
        self.url = url
        self.scope = scope
        self.kind = kind
        self.name = name
        self.username = username
        self.password = password
        self.sshPrivateKey = sshPrivateKey
        self.tlsClientCertificate = tlsClientCertificate
        self.tlsClientKey = tlsClientKey
        self.insecure = insecure
        self.enableOCI = enableOCI
        self.insecureOCIForceHTTP = insecureOCIForceHTTP
        self.project = project
    }

    /// Whether HTTP basic authentication is configured.
    public var hasBasicAuth: Bool { !username.isEmpty || !password.isEmpty }

    /// The secret strings, to be scrubbed from anything shown.
    public var secrets: [String] {
        [password, sshPrivateKey, tlsClientKey].filter { $0.count >= 4 }
    }

    /// The URL, scope, project and which fields are set, e.g.
    /// `repository https://charts.example.com (username, password)` or
    /// `repo-creds https://git.example.com/team-a of project team-a (username, password)`.
    public var description: String {
        let set = [
            ("username", !username.isEmpty), ("password", !password.isEmpty), ("sshPrivateKey", !sshPrivateKey.isEmpty),
            ("tlsClientCertData", !tlsClientCertificate.isEmpty), ("insecure", insecure), ("enableOCI", enableOCI),
        ].filter(\.1).map(\.0)
        let owner = project.isEmpty ? "" : " of project \(project)"
        return "\(scope == .repository ? "repository" : "repo-creds") \(url)\(owner) (\(set.joined(separator: ", ")))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }
}

/// The repository credentials Moor knows, and which one a URL uses: a `repository` credential whose
/// URL equals the repository's beats every template; among templates the longest matching prefix
/// wins (Argo CD's rule); among equals the first listed. URLs compare without a trailing `/`, `.git`
/// suffix, scheme case or `oci://`.
///
/// A credential with a `project` is another tenant's for every application outside that project: an
/// application's fetches use ``visible(to:)``, which leaves them out.
public struct RepositoryCredentials: Sendable, Hashable {
    /// Every credential.
    public var entries: [RepositoryCredential]

    /// Creates a set of credentials.
    public init(_ entries: [RepositoryCredential] = []) {
        self.entries = entries
    }

    /// The credential for `url`, if any.
    public func match(_ url: String) -> RepositoryCredential? {
        let target = Self.normalized(url)
        if let exact = entries.first(where: { $0.scope == .repository && Self.normalized($0.url) == target }) {
            return exact
        }
        return entries.filter { $0.scope == .prefix && Self.isPrefix(Self.normalized($0.url), of: target) }
            .max { Self.normalized($0.url).count < Self.normalized($1.url).count }
    }

    /// The Helm repository credential named `name` (for `@name` and `alias:` dependencies).
    public func named(_ name: String) -> RepositoryCredential? {
        entries.first { $0.kind == .helm && !$0.name.isEmpty && $0.name == name }
    }

    /// The credentials an application of `project` may use: its project's first (so that they win over
    /// a shared credential for the same URL), then those of no project; never another project's. A
    /// repository only another project holds a credential for is then fetched without one, and the
    /// server refuses it as it refuses any anonymous client.
    public func visible(to project: String) -> RepositoryCredentials {
        let own = project.isEmpty ? [] : entries.filter { $0.project == project }
        return RepositoryCredentials(own + entries.filter(\.project.isEmpty))
    }

    /// Every secret string of every credential.
    public var secrets: [String] { entries.flatMap(\.secrets) }

    /// `url` lowercased in its scheme and host, without `oci://`, trailing `/` or `.git`.
    static func normalized(_ url: String) -> String {
        var text = url
        if let range = text.range(of: "://") {
            let scheme = text[..<range.lowerBound].lowercased()
            let rest = text[range.upperBound...]
            let host = rest.prefix { $0 != "/" }.lowercased()
            let path = rest.drop { $0 != "/" }
            text = (scheme == "oci" ? "" : scheme + "://") + host + path
        }
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix(".git") { text.removeLast(4) }
        return text
    }

    /// Whether `prefix` is `url` or a prefix of it ending at a path boundary.
    private static func isPrefix(_ prefix: String, of url: String) -> Bool {
        guard url.hasPrefix(prefix) else { return false }
        return url.count == prefix.count || prefix.hasSuffix("/") || url.dropFirst(prefix.count).first == "/"
    }
}
