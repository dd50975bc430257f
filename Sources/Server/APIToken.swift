import Crypto
import MoorCore

/// One API token of the token store: who holds it and what it may do. Holds the SHA-256 digest of
/// the token, never the token itself.
struct APIToken: Sendable {
    /// The holder's name, shown in logs and `/api/v1/session`.
    let name: String
    /// What the holder may do.
    let role: AccessRole
    /// The application name globs it is limited to, as written; `nil` for every application.
    let applications: [String]?
    /// SHA-256 of the token.
    let digest: [UInt8]
    private let globs: [Glob]?

    /// Creates the entry for `token`; throws the syntax error of the first glob that does not parse.
    init(name: String, token: some Collection<UInt8>, role: AccessRole, applications: [String]?) throws(Glob
        .GlobSyntaxError)
    {
        self.name = name
        self.role = role
        self.applications = applications
        digest = Self.digest(of: token)
        var globs: [Glob] = []
        for pattern in applications ?? [] { globs.append(try Glob(pattern)) }
        self.globs = applications == nil ? nil : globs
    }

    /// Whether the holder may see application `name` at all (outside its globs it does not exist for it).
    func canSee(_ name: String) -> Bool {
        globs?.contains { $0.matches(name) } ?? true
    }

    /// SHA-256 of `token`.
    static func digest(of token: some Collection<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(token)))
    }
}
