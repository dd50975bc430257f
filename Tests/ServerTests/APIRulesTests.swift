import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MoorCore
import Testing

@testable import Controller
@testable import Server

/// The API's own rules — tokens, roles, application globs, request bodies — in process, against a
/// controller stand-in that records what reaches it. ``APIAccessTests`` checks the same rules through a
/// real controller and server; these also prove that a refused request never reaches the controller.
@Suite("API rules in process")
struct APIRulesTests {
    /// Stands in for the controller: two applications, and a log of every operation asked of it.
    actor RecordingService: ApplicationService {
        private(set) var calls: [String] = []
        private let applications: [String: ApplicationController.Snapshot]

        init(_ names: [String], projects: [String: String] = [:]) {
            applications = Dictionary(
                uniqueKeysWithValues: names.map { name in
                    let application = Application(
                        name: name,
                        spec: ApplicationSpec(
                            source: ApplicationSource(repoURL: "https://git.example/\(name).git"),
                            destination: ApplicationDestination(namespace: name), project: projects[name] ?? ""))
                    return (name, ApplicationController.Snapshot(application: application, status: ApplicationStatus()))
                })
        }

        func snapshots() -> [ApplicationController.Snapshot] {
            applications.keys.sorted().compactMap { applications[$0] }
        }

        func snapshot(of name: String) -> ApplicationController.Snapshot? { applications[name] }

        func differences(of name: String) throws(ApplicationController.OperationError)
            -> (sync: SyncStatus, objects: [ApplicationController.ObjectDifference])
        {
            calls.append("diff \(name)")
            return (.synced, [])
        }

        func tree(of name: String) throws(ApplicationController.OperationError) -> [ApplicationController.TreeNode] {
            calls.append("tree \(name)")
            return []
        }

        func sync(_ name: String, _ request: ApplicationController.SyncRequest)
            throws(ApplicationController.OperationError) -> ApplicationController.SyncOutcome
        {
            calls.append(
                "sync \(name) prune=\(request.prune) dryRun=\(request.dryRun) revision=\(request.revision ?? "")")
            let now = Date()
            return ApplicationController.SyncOutcome(
                operation: .init(phase: .succeeded, message: "synced", startedAt: now, finishedAt: now), result: nil,
                dryRun: request.dryRun)
        }

        func refresh(_ name: String) { calls.append("refresh \(name)") }

        func rollback(_ name: String, to target: ApplicationController.RollbackTarget, prune: Bool) throws
            -> ApplicationController.RollbackResult
        {
            calls.append("rollback \(name) to \(target)")
            throw ApplicationError("no history entry \(target)")
        }

        func statusChanges() -> AsyncStream<ApplicationController.Snapshot> { AsyncStream { $0.finish() } }

        /// A preview in which every application differs by one ConfigMap.
        func preview(_ request: ApplicationController.PreviewRequest) -> ApplicationController.Preview {
            calls.append("preview \(request.repository) \(request.revision)")
            let object = ApplicationController.ObjectDifference(
                ref: ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "", name: "settings"), state: .outOfSync,
                diff: "-a\n+b\n")
            return ApplicationController.Preview(
                request: request, commit: nil,
                applications: applications.keys.sorted().map {
                    ApplicationController.ApplicationPreview(
                        name: $0, changedPaths: ["\($0)/cm.yaml"],
                        outcome: .compared(sync: .outOfSync, objects: [object]))
                }, untouched: [])
        }

        func notifyPreview(_ preview: ApplicationController.Preview, pullRequest number: Int) {
            calls.append("notify preview \(number) of \(preview.applications.map(\.name).joined(separator: ","))")
        }
    }

    static let tokens = """
        tokens:
          - {name: reader, token: reader-token-0123456789, role: viewer}
          - {name: team-a, token: team-a-token-0123456789, role: operator, applications: ["team-a-*"]}
          - {name: project-a, token: project-a-token-0123456789, role: operator, projects: ["team-a"]}
          - {name: project-a-viewer, token: project-a-viewer-0123456789, role: viewer, projects: ["team-a"]}
          - {name: web-of-a, token: web-of-a-token-0123456789, role: operator, applications: ["*-web"], projects: ["team-a"]}
        """

    /// Runs `body` against the API's routes over `service`, with the tokens above.
    static func withAPI(
        _ service: RecordingService, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let store = try TokenStore(document: tokens, source: "tokens.yaml") { _ in nil }
        let router = Router(context: MoorRequestContext.self)
        APIRoutes(
            controller: service, access: AccessControl(source: nil, store: store), keepAliveInterval: .seconds(15),
            bodyTimeout: .seconds(30), logger: Logger(label: "moor.test")
        ).add(to: router)
        try await Application(router: router).test(.router) { client in try await body(client) }
    }

    /// Sends `method uri` with `token` (none for `nil`) and `body`; returns the status code.
    static func status(
        _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String?,
        body: String? = nil
    ) async throws -> Int {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Int(response.status.code)
    }

    /// Expects `method uri` with `token` and `body` to answer `expected`.
    static func expect(
        _ expected: Int, _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String,
        token: String?, body: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws {
        let code = try await status(client, method, uri, token: token, body: body)
        #expect(code == expected, "\(method) \(uri) \(body ?? "")", sourceLocation: sourceLocation)
    }

    static let operations: [(HTTPRequest.Method, String, String?)] = [
        (.post, "sync", "{}"), (.post, "refresh", nil), (.post, "rollback", #"{"id": 1}"#),
    ]

    @Test("without a valid token every route is 401 and nothing reaches the controller")
    func unauthenticated() async throws {
        let service = RecordingService(["team-a-web"])
        try await Self.withAPI(service) { client in
            for token in [nil, "not-a-token-0123456789"] {
                try await Self.expect(401, client, .get, "/api/v1/applications", token: token)
                for (method, operation, body) in Self.operations {
                    let uri = "/api/v1/applications/team-a-web/\(operation)"
                    try await Self.expect(401, client, method, uri, token: token, body: body)
                }
            }
        }
        #expect(await service.calls.isEmpty)
    }

    @Test("a viewer reads diffs and trees, but sync, refresh and rollback are 403 and never reach the controller")
    func viewer() async throws {
        let service = RecordingService(["team-a-web"])
        try await Self.withAPI(service) { client in
            let token = "reader-token-0123456789"
            try await Self.expect(200, client, .get, "/api/v1/applications/team-a-web/diff", token: token)
            try await Self.expect(200, client, .get, "/api/v1/applications/team-a-web/tree", token: token)
            for (method, operation, body) in Self.operations {
                let uri = "/api/v1/applications/team-a-web/\(operation)"
                try await Self.expect(403, client, method, uri, token: token, body: body)
            }
        }
        #expect(await service.calls == ["diff team-a-web", "tree team-a-web"])
    }

    @Test("a token limited by globs acts on its applications; any other is 404 for every route, even one it may not do")
    func globs() async throws {
        let service = RecordingService(["team-a-web", "team-b-web"])
        try await Self.withAPI(service) { client in
            let token = "team-a-token-0123456789"
            for route in ["", "/diff", "/tree", "/history"] {
                let uri = "/api/v1/applications/team-b-web\(route)"
                try await Self.expect(404, client, .get, uri, token: token)
            }
            for (method, operation, body) in Self.operations {
                let uri = "/api/v1/applications/team-b-web/\(operation)"
                try await Self.expect(404, client, method, uri, token: token, body: body)
            }
            let sync = "/api/v1/applications/team-a-web/sync"
            let body = #"{"prune": true, "dryRun": true, "revision": "v2"}"#
            try await Self.expect(200, client, .post, sync, token: token, body: body)
            try await Self.expect(202, client, .post, "/api/v1/applications/team-a-web/refresh", token: token)
        }
        #expect(await service.calls == ["sync team-a-web prune=true dryRun=true revision=v2", "refresh team-a-web"])
    }

    /// The names `GET /api/v1/applications` lists for `token`, and the project each shows.
    static func listed(_ client: any TestClientProtocol, token: String) async throws -> [String: String] {
        let response = try await client.execute(
            uri: "/api/v1/applications", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
        let json = try JSONValue(parsing: Array(response.body.readableBytesView))
        var listed: [String: String] = [:]
        for item in json["items"]?.arrayValue ?? [] {
            guard let name = item["name"]?.stringValue else { continue }
            listed[name] = item["project"]?.stringValue ?? ""
        }
        return listed
    }

    static let projectApplications = ["team-a-web", "team-a-db", "team-b-web", "loose-web"]
    static let projects = ["team-a-web": "team-a", "team-a-db": "team-a", "team-b-web": "team-b"]

    @Test("a token limited by projects lists and acts on its projects' applications; any other is 404 for every route")
    func projectGlobs() async throws {
        let service = RecordingService(Self.projectApplications, projects: Self.projects)
        try await Self.withAPI(service) { client in
            let token = "project-a-token-0123456789"
            #expect(try await Self.listed(client, token: token) == ["team-a-web": "team-a", "team-a-db": "team-a"])
            for name in ["team-b-web", "loose-web", "no-such-app"] {
                for route in ["", "/diff", "/tree", "/history"] {
                    try await Self.expect(404, client, .get, "/api/v1/applications/\(name)\(route)", token: token)
                }
                for (method, operation, body) in Self.operations {
                    let uri = "/api/v1/applications/\(name)/\(operation)"
                    try await Self.expect(404, client, method, uri, token: token, body: body)
                }
            }
            try await Self.expect(200, client, .post, "/api/v1/applications/team-a-db/sync", token: token, body: "{}")
            try await Self.expect(200, client, .get, "/api/v1/applications/team-a-web", token: token)
            let session = try await client.execute(
                uri: "/api/v1/session", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil)
            let json = try JSONValue(parsing: Array(session.body.readableBytesView))
            #expect(json["projects"] == ["team-a"])
            #expect(json["applications"] == .null)
        }
        #expect(await service.calls == ["sync team-a-db prune=false dryRun=false revision="])
    }

    @Test("with both application and project globs, an application must match both")
    func applicationAndProjectGlobs() async throws {
        let service = RecordingService(Self.projectApplications, projects: Self.projects)
        try await Self.withAPI(service) { client in
            let token = "web-of-a-token-0123456789"
            #expect(try await Self.listed(client, token: token) == ["team-a-web": "team-a"])
            for name in ["team-a-db", "team-b-web", "loose-web"] {
                try await Self.expect(404, client, .get, "/api/v1/applications/\(name)", token: token)
                try await Self.expect(404, client, .post, "/api/v1/applications/\(name)/refresh", token: token)
            }
            try await Self.expect(202, client, .post, "/api/v1/applications/team-a-web/refresh", token: token)
            // Without project globs every project is visible, the default one included.
            #expect(
                try await Self.listed(client, token: "reader-token-0123456789") == [
                    "team-a-web": "team-a", "team-a-db": "team-a", "team-b-web": "team-b", "loose-web": "default",
                ])
        }
        #expect(await service.calls == ["refresh team-a-web"])
    }

    @Test("outside its projects a viewer gets 404, not 403, for what its role may not do")
    func projectHiddenBeforeRole() async throws {
        let service = RecordingService(Self.projectApplications, projects: Self.projects)
        try await Self.withAPI(service) { client in
            let token = "project-a-viewer-0123456789"
            for (method, operation, body) in Self.operations {
                try await Self.expect(
                    404, client, method, "/api/v1/applications/team-b-web/\(operation)", token: token, body: body)
                try await Self.expect(
                    403, client, method, "/api/v1/applications/team-a-web/\(operation)", token: token, body: body)
            }
        }
        #expect(await service.calls.isEmpty)
    }

    @Test(
        "previews: a viewer may not ask for one (403, never reaching the controller); a limited token sees only its applications"
    )
    func previews() async throws {
        let service = RecordingService(["team-a-web", "team-b-web"])
        let repository = "https://git.example/apps.git"
        let body = #"{"repository": "\#(repository)", "revision": "refs/pull/7/head", "number": 7}"#
        try await Self.withAPI(service) { client in
            try await Self.expect(403, client, .post, "/api/v1/previews", token: "reader-token-0123456789", body: body)
            for refused in [
                #"{"repository": "\#(repository)"}"#, #"{"revision": "main"}"#,
                #"{"repository": "\#(repository)", "revision": "--upload-pack=x"}"#,
                #"{"repository": "\#(repository)", "revision": "main", "x": 1}"#,
            ] {
                try await Self.expect(
                    400, client, .post, "/api/v1/previews", token: "team-a-token-0123456789", body: refused)
            }
            try await Self.expect(200, client, .post, "/api/v1/previews", token: "team-a-token-0123456789", body: body)
            let stored =
                "/api/v1/previews/\(repository.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/7"
            for (token, names) in [
                ("team-a-token-0123456789", ["team-a-web"]), ("reader-token-0123456789", ["team-a-web", "team-b-web"]),
            ] {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(token)"
                let response = try await client.execute(uri: stored, method: .get, headers: headers, body: nil)
                #expect(response.status == .ok)
                let json = try JSONValue(parsing: response.body.readableBytesView)
                #expect(json["applications"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == names, "\(token)")
                let first = json["applications"]?.arrayValue?.first?["objects"]?.arrayValue?.first
                #expect(first?["status"] == "OutOfSync")
                #expect(json["number"] == 7)
            }
            try await Self.expect(404, client, .get, "/api/v1/previews/x/8", token: "reader-token-0123456789")
        }
        #expect(
            await service.calls == [
                "preview \(repository) refs/pull/7/head", "notify preview 7 of team-a-web,team-b-web",
            ], "the preview kept as pull request 7's is notified, every application of it")
    }

    @Test("a request body with unknown fields, wrong types or a revision like an option is 400 and reaches nothing")
    func badBodies() async throws {
        let service = RecordingService(["team-a-web"])
        try await Self.withAPI(service) { client in
            let token = "team-a-token-0123456789"
            let sync = "/api/v1/applications/team-a-web/sync"
            for body in [#"{"purge": true}"#, #"{"prune": "yes"}"#, #"{"revision": "--upload-pack=x"}"#, "not json"] {
                try await Self.expect(400, client, .post, sync, token: token, body: body)
            }
            let rollback = "/api/v1/applications/team-a-web/rollback"
            for body in ["{}", #"{"id": 1, "revision": "abc"}"#] {
                try await Self.expect(400, client, .post, rollback, token: token, body: body)
            }
        }
        #expect(await service.calls.isEmpty)
    }

    @Test("a request body over the limit is 413 and reaches nothing")
    func oversizedBody() async throws {
        let service = RecordingService(["team-a-web"])
        try await Self.withAPI(service) { client in
            let body = #"{"revision": ""# + String(repeating: "a", count: APIRequestBody.maxBytes) + #""}"#
            let sync = "/api/v1/applications/team-a-web/sync"
            try await Self.expect(413, client, .post, sync, token: "team-a-token-0123456789", body: body)
        }
        #expect(await service.calls.isEmpty)
    }
}
