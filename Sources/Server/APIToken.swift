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
    /// The project name globs (`spec.project`) it is limited to, as written; `nil` for every project.
    let projects: [String]?
    /// SHA-256 of the token.
    let digest: [UInt8]
    private let globs: [Glob]?
    private let projectGlobs: [Glob]?

    /// Creates the entry for `token`; throws the syntax error of the first glob that does not parse.
    init(
        name: String, token: some Collection<UInt8>, role: AccessRole, applications: [String]?,
        projects: [String]? = nil
    ) throws(Glob.GlobSyntaxError) {
        self.name = name
        self.role = role
        self.applications = applications
        self.projects = projects
        digest = Self.digest(of: token)
        globs = try Self.compile(applications)
        projectGlobs = try Self.compile(projects)
    }

    private static func compile(_ patterns: [String]?) throws(Glob.GlobSyntaxError) -> [Glob]? {
        guard let patterns else { return nil }
        var globs: [Glob] = []
        for pattern in patterns { globs.append(try Glob(pattern)) }
        return globs
    }

    /// Whether the holder may see an application named `name` at all (outside its application globs
    /// it does not exist for it); its project is checked by ``canSee(project:)``.
    func canSee(_ name: String) -> Bool {
        globs?.contains { $0.matches(name) } ?? true
    }

    /// Whether the holder may see applications of project `project` (outside its project globs they
    /// do not exist for it).
    func canSee(project: String) -> Bool {
        projectGlobs?.contains { $0.matches(project) } ?? true
    }

    /// Whether the holder may see `application`: its name matches the application globs and its
    /// project the project globs (each absent list matches everything).
    func canSee(_ application: Application) -> Bool {
        canSee(application.name) && canSee(project: application.spec.project)
    }

    /// SHA-256 of `token`.
    static func digest(of token: some Collection<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(token)))
    }
}
