import Foundation
import MoorCore
import MoorYAML

extension TokenStore {
    /// The keys a token entry may have.
    static let entryKeys: Set<String> = ["name", "token", "tokenFile", "role", "applications", "projects"]
    /// The shortest token accepted: shorter ones are too easy to guess.
    static let minimumTokenLength = 16

    /// Parses a tokens document (YAML or JSON):
    /// ```yaml
    /// tokens:
    ///   - name: ci                    # shown in logs and /api/v1/session
    ///     token: <at least 16 characters>   # or tokenFile: /path/to/file
    ///     role: operator              # viewer | operator | admin
    ///     applications: ["team-a-*"]  # optional name globs; absent = every application
    ///     projects: ["team-a"]        # optional project globs; absent = every project
    /// ```
    /// `source` names the document in errors; `readFile` reads a `tokenFile` (`nil` when it cannot;
    /// trailing white space is dropped). Errors name the entry and what to fix, never a token.
    init(document text: String, source: String, readFile: (String) -> [UInt8]?) throws(TokenStoreError) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(text).filter { !$0.value.isNull }
        } catch {
            throw TokenStoreError("\(source) is not valid YAML or JSON (line \(error.line)); fix its syntax")
        }
        guard documents.count == 1, let entries = documents[0].value["tokens"]?.arrayValue else {
            throw TokenStoreError("\(source) must be one document with a list under \"tokens\" (see the README)")
        }
        var tokens: [APIToken] = []
        for (index, entry) in entries.enumerated() {
            tokens.append(try Self.token(entry, at: "\(source): tokens[\(index)]", readFile: readFile))
        }
        try self.init(tokens)
    }

    /// One entry of the document; `place` names it in errors.
    private static func token(_ entry: JSONValue, at place: String, readFile: (String) -> [UInt8]?)
        throws(TokenStoreError) -> APIToken
    {
        guard let object = entry.objectValue else { throw TokenStoreError("\(place) must be a mapping") }
        if let unknown = object.keys.first(where: { !entryKeys.contains($0) }) {
            throw TokenStoreError(
                "\(place) has an unknown key \"\(unknown)\"; use \(entryKeys.sorted().joined(separator: ", "))")
        }
        guard let name = entry["name"]?.stringValue, !name.isEmpty else {
            throw TokenStoreError("\(place) needs a \"name\" (shown in logs instead of the token)")
        }
        let place = "\(place) (\(name))"
        let token = try secret(of: entry, at: place, readFile: readFile)
        guard let roleName = entry["role"]?.stringValue, let role = AccessRole(rawValue: roleName) else {
            throw TokenStoreError("\(place) needs a \"role\": viewer, operator or admin")
        }
        let applications = try globs(entry["applications"], at: place, key: "applications", example: "team-a-*")
        let projects = try globs(entry["projects"], at: place, key: "projects", example: "team-a")
        do {
            return try APIToken(name: name, token: token, role: role, applications: applications, projects: projects)
        } catch {
            throw TokenStoreError("\(place): an application or project glob does not parse: \(error.reason)")
        }
    }

    /// The globs listed under `key` of an entry; `nil` when the key is absent or null.
    private static func globs(_ value: JSONValue?, at place: String, key: String, example: String)
        throws(TokenStoreError) -> [String]?
    {
        guard let value, !value.isNull else { return nil }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
            throw TokenStoreError("\(place): \"\(key)\" must be a list of name globs such as \"\(example)\"")
        }
        return list
    }

    /// The token of an entry, from `token` or `tokenFile` (exactly one), at least ``minimumTokenLength`` long.
    private static func secret(of entry: JSONValue, at place: String, readFile: (String) -> [UInt8]?)
        throws(TokenStoreError) -> [UInt8]
    {
        let token: [UInt8]
        switch (entry["token"]?.stringValue, entry["tokenFile"]?.stringValue) {
        case (let value?, nil):
            token = Array(value.utf8)
        case (nil, let path?):
            guard let contents = readFile(path) else {
                throw TokenStoreError("\(place): cannot read tokenFile \(path); check the path and its permissions")
            }
            token = Array(contents.reversed().drop(while: { $0 == 0x0A || $0 == 0x0D || $0 == 0x20 }).reversed())
        default:
            throw TokenStoreError("\(place) needs exactly one of \"token\" and \"tokenFile\"")
        }
        guard token.count >= minimumTokenLength else {
            throw TokenStoreError(
                "\(place): the token is shorter than \(minimumTokenLength) characters; use a random one, "
                    + "e.g. from `openssl rand -hex 32`")
        }
        return token
    }
}
