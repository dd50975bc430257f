/// A validated Git repository URL and its normalised identity.
///
/// Accepted forms: `https://`, `http://`, `ssh://` (also `git+ssh://`), `git://`, `file:///absolute/path`
/// and scp-like `[user@]host:path` (also `[user@][host:port]:path`). A URL is refused when it could be read
/// as an option by git or ssh (leading `-` in the URL or host), contains whitespace or control characters,
/// or carries a password (configure ``GitCredentials`` instead). Local paths without `file://` are refused.
///
/// Two URLs that name the same repository have the same ``normalized`` form: the scheme and host are
/// lowercased, default ports, trailing `/` and `.git` are dropped, HTTP user names are dropped, and scp-like
/// URLs are written in `ssh://` form. Equality and hashing use ``normalized``.
public struct GitRepositoryURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL as given; this is what git is asked to fetch from.
    public let rawValue: String
    /// The normalised identity, e.g. `ssh://git@github.com/org/repo`.
    public let normalized: String
    /// What every URL of one repository shares, whatever its transport (`https`, `ssh`, `git`) or user
    /// name: the host, port and path of ``normalized``, lowercased (`github.com/org/repo`), e.g. to find
    /// the applications of a repository a pull request names by its web URL; a local path for `file://`.
    public let identity: String
    /// The URL without user information, for logs and error messages.
    public let redacted: String
    /// The transport git will use.
    let transport: Transport

    /// The transports Moor lets git use.
    enum Transport: String, Sendable {
        case https, http, ssh, git, file
    }

    /// Parses and validates `string`.
    ///
    /// - Throws: ``GitError`` with code ``GitError/Code/invalidURL`` naming what is wrong.
    public init(_ string: String) throws {
        guard !string.isEmpty, string.utf8.count <= 4096 else {
            throw Self.invalid(string, "it is empty or longer than 4096 bytes")
        }
        guard !string.hasPrefix("-") else {
            throw Self.invalid(string, "it starts with '-' and would be read as an option")
        }
        guard !string.unicodeScalars.contains(where: { $0.properties.isWhitespace || GitError.isControl($0) }) else {
            throw Self.invalid(string, "it contains whitespace or control characters")
        }
        let parts = try Self.parts(of: string)
        guard !parts.host.hasPrefix("-") else {
            throw Self.invalid(string, "its host starts with '-' and would be read as an option")
        }
        guard Self.isValidHost(parts.host) else {
            throw Self.invalid(string, "its host contains characters not allowed in a host name")
        }
        guard parts.transport == .file || !parts.host.isEmpty else {
            throw Self.invalid(string, "it names no host")
        }
        guard !Self.trimmed(path: parts.path).isEmpty, parts.path.hasPrefix("/") else {
            throw Self.invalid(string, "it names no repository path")
        }
        self.rawValue = string
        self.transport = parts.transport
        let host = parts.transport == .file ? "" : parts.host.lowercased()
        let authority = host + (parts.port.map { ":\($0)" } ?? "")
        let user = parts.transport == .ssh ? (parts.user.map { "\($0)@" } ?? "") : ""
        self.normalized = "\(parts.transport.rawValue)://\(user)\(authority)\(Self.trimmed(path: parts.path))"
        self.identity =
            (parts.transport == .file ? "file://" : authority) + Self.trimmed(path: parts.path).lowercased()
        self.redacted = Self.redact(string)
    }

    /// A directory name for this repository's mirror: a readable slug plus a hash of ``normalized``.
    var mirrorName: String {
        let readable = normalized.drop { $0 != ":" }.dropFirst(3)
        var slug = ""
        for character in readable {
            let keep = character.isASCII && (character.isLetter || character.isNumber)
            if keep {
                slug.append(character.lowercased().first ?? character)
            } else if !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        let short = String(slug.suffix(60).drop { $0 == "-" })
        let hash = String(Self.fnv1a(normalized), radix: 16)
        return (short.hasSuffix("-") ? short : short + "-") + String(repeating: "0", count: 16 - hash.count) + hash
    }

    /// ``redacted``.
    public var description: String { redacted }

    /// Compares ``normalized`` forms.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.normalized == rhs.normalized }

    /// Hashes ``normalized``.
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }

    /// Removes user information (`user:password@`) from every URL in `text`. Text without an `@` (most
    /// URLs and most of Git's output) is returned as it is, without running the expression.
    static func redact(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "@")) else { return text }
        return text.replacing(#/([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@]*@/#) { String($0.output.1) }
    }

    private struct Parts {
        var transport: Transport
        var user: String?
        var host: String
        var port: Int?
        var path: String
    }

    private static func parts(of string: String) throws -> Parts {
        if let separator = string.range(of: "://") {
            let scheme = string[..<separator.lowerBound].lowercased()
            let rest = string[separator.upperBound...]
            guard let transport = scheme == "git+ssh" || scheme == "ssh+git" ? .ssh : Transport(rawValue: scheme) else {
                throw invalid(
                    string, "scheme '\(GitError.quoted(scheme, limit: 16))' is not one of https, http, ssh, git, file")
            }
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            var parts = try authority(String(rest[..<slash]), of: string, transport: transport)
            parts.path = String(rest[slash...])
            guard transport != .file || parts.host.isEmpty || parts.host.lowercased() == "localhost" else {
                throw invalid(string, "file URLs must name a local path (file:///path)")
            }
            return parts
        }
        return try scpLike(string)
    }

    /// Parses `[user@]host[:port]` (a password in the user information is refused).
    private static func authority(_ text: String, of string: String, transport: Transport) throws -> Parts {
        var hostPort = Substring(text)
        var user: String?
        if let at = text.lastIndex(of: "@") {
            let userInfo = text[..<at]
            guard !userInfo.contains(":") else {
                throw invalid(string, "it contains a password; configure the password as a credential instead")
            }
            guard !userInfo.isEmpty, !userInfo.hasPrefix("-") else {
                throw invalid(string, "its user name is empty or starts with '-'")
            }
            user = String(userInfo)
            hostPort = text[text.index(after: at)...]
        }
        let colon: Substring.Index?
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            let next = hostPort.index(after: close)
            colon = next < hostPort.endIndex && hostPort[next] == ":" ? next : nil
        } else {
            colon = hostPort.lastIndex(of: ":")
        }
        guard let colon else {
            return Parts(transport: transport, user: user, host: String(hostPort), port: nil, path: "")
        }
        let digits = hostPort[hostPort.index(after: colon)...]
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(digits), (1...65535).contains(port)
        else {
            throw invalid(string, "its port is not a number between 1 and 65535")
        }
        let host = String(hostPort[..<colon])
        return Parts(
            transport: transport, user: user, host: host, port: defaultPorts[transport] == port ? nil : port, path: "")
    }

    /// Parses scp-like `[user@]host:path` and `[user@][host:port]:path`.
    private static func scpLike(_ string: String) throws -> Parts {
        let colon: String.Index?
        if let open = string.firstIndex(of: "["), let close = string.range(of: "]:") {
            colon = string[..<open].contains("/") ? nil : string.index(before: close.upperBound)
        } else {
            colon = string.firstIndex(of: ":")
        }
        guard let colon, !string[..<colon].contains("/") else {
            throw invalid(
                string, "it is neither a URL with a scheme nor scp-like user@host:path; use file:// for local paths")
        }
        var authority = String(string[..<colon])
        // `[host:port]` carries a port; `[v6:address]` with several colons is a bracketed host.
        if let open = authority.firstIndex(of: "["), authority.hasSuffix("]"),
            authority[open...].filter({ $0 == ":" }).count == 1
        {
            authority.removeLast()
            authority.remove(at: open)
        }
        var parts = try self.authority(authority, of: string, transport: .ssh)
        let path = string[string.index(after: colon)...]
        parts.path = path.hasPrefix("/") ? String(path) : "/" + path
        return parts
    }

    private static let defaultPorts: [Transport: Int] = [.https: 443, .http: 80, .ssh: 22, .git: 9418]

    /// Drops trailing `/` and one `.git` suffix.
    private static func trimmed(path: String) -> String {
        var path = Substring(path)
        while path.hasSuffix("/") { path = path.dropLast() }
        if path.hasSuffix(".git") { path = path.dropLast(4) }
        while path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }

    /// A DNS name or IPv4 address (letters, digits, `-`, `.`, `_`), or a bracketed IPv6 address.
    private static func isValidHost(_ host: String) -> Bool {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
    }

    /// 64-bit FNV-1a, stable across processes (unlike `Hasher`).
    private static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    private static func invalid(_ string: String, _ reason: String) -> GitError {
        GitError(.invalidURL, "repository URL '\(displayed(string))' is not accepted: \(reason)")
    }

    /// A URL that did not parse, shortened, with control characters replaced and everything between `://`
    /// and the last `@` of the authority removed (even user information that ``redact(_:)`` cannot recognise).
    private static func displayed(_ string: String) -> String {
        var shown = redact(string)
        if let scheme = shown.range(of: "://") {
            let rest = shown[scheme.upperBound...]
            let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
            if let at = authority.lastIndex(of: "@") { shown.removeSubrange(scheme.upperBound...at) }
        }
        return GitError.quoted(shown, limit: 200)
    }
}
