import Controller
import MoorCore
import Testing

@Suite("API access control against a running controller", .serialized)
struct APIAccessTests {
    /// Two synced applications, `team-a-web` and `team-b-web`, each with one ConfigMap.
    static func withTwoApplications(_ body: (ServerHarness) async throws -> Void) async throws {
        try await ServerHarness.run { harness async throws in
            try await harness.repository.commit(
                "two apps",
                files: [
                    "team-a-web/cm.yaml": ServerHarness.configMap("a", "1"),
                    "team-b-web/cm.yaml": ServerHarness.configMap("b", "1"),
                ])
            try await harness.manageSynced(["team-a-web", "team-b-web"])
            try await body(harness)
        }
    }

    @Test("no token, a bad token or another scheme is 401 with a JSON error; the UI and probes need none")
    func unauthenticated() async throws {
        try await Self.withTwoApplications { harness async throws in
            for authorization in [nil, "Bearer not-a-known-token-at-all", "Basic dmlld2VyOng=", "Bearer "] {
                let answer = try await harness.request(.GET, "/api/v1/applications", authorization: authorization)
                #expect(answer.status == 401)
                #expect(answer.json[path: "error", "reason"]?.stringValue == "Unauthorized")
                #expect(answer.json[path: "error", "code"]?.intValue == 401)
                #expect(answer.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
                #expect(!answer.text.contains("moor-test-token"))
            }
            let sync = try await harness.request(.POST, "/api/v1/applications/team-a-web/sync", body: "{}")
            #expect(sync.status == 401)
            #expect(try await harness.request(.GET, "/healthz").status == 200)
            #expect(try await harness.request(.GET, "/").status == 200)
        }
    }

    @Test("a viewer reads everything but cannot sync, refresh or roll back (403)")
    func viewer() async throws {
        try await Self.withTwoApplications { harness async throws in
            let list = try await harness.request(.GET, "/api/v1/applications", as: .viewer)
            #expect(list.status == 200)
            #expect(
                list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["team-a-web", "team-b-web"])
            for path in ["", "/history", "/diff", "/tree"] {
                #expect(
                    try await harness.request(.GET, "/api/v1/applications/team-b-web\(path)", as: .viewer).status == 200
                )
            }
            for (action, body) in [("sync", "{}"), ("refresh", ""), ("rollback", #"{"id": 1}"#)] {
                let answer = try await harness.request(
                    .POST, "/api/v1/applications/team-a-web/\(action)", as: .viewer, body: body)
                #expect(answer.status == 403)
                #expect(answer.json[path: "error", "message"]?.stringValue?.contains("role viewer") == true)
            }
            let session = try await harness.request(.GET, "/api/v1/session", as: .viewer)
            #expect(session.json["role"] == "viewer")
            #expect(session.json[path: "can", "sync"] == false)
            #expect(session.json["applications"] == .null)
        }
    }

    @Test("a token limited by globs never sees other applications: absent from lists, 404 everywhere")
    func limited() async throws {
        try await Self.withTwoApplications { harness async throws in
            let list = try await harness.request(.GET, "/api/v1/applications", as: .limited)
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["team-a-web"])
            for path in ["", "/history", "/diff", "/tree"] {
                let answer = try await harness.request(.GET, "/api/v1/applications/team-b-web\(path)", as: .limited)
                #expect(answer.status == 404)
                #expect(answer.json[path: "error", "reason"]?.stringValue == "NotFound")
            }
            for action in ["sync", "refresh", "rollback"] {
                let answer = try await harness.request(
                    .POST, "/api/v1/applications/team-b-web/\(action)", as: .limited, body: #"{"id": 1}"#)
                #expect(answer.status == 404)
            }
            let unknown = try await harness.request(.GET, "/api/v1/applications/no-such-app", as: .limited)
            let hidden = try await harness.request(.GET, "/api/v1/applications/team-b-web", as: .limited)
            #expect(unknown.status == 404)
            #expect(
                hidden.json[path: "error", "message"]?.stringValue?.replacingOccurrences(of: "team-b-web", with: "x")
                    == unknown.json[path: "error", "message"]?.stringValue?.replacingOccurrences(
                        of: "no-such-app", with: "x"))
            #expect(try await harness.request(.GET, "/api/v1/applications/team-a-web", as: .limited).status == 200)
            let refresh = try await harness.request(.POST, "/api/v1/applications/team-a-web/refresh", as: .limited)
            #expect(refresh.status == 202)
            #expect(refresh.json["queued"] == true)
            let session = try await harness.request(.GET, "/api/v1/session", as: .limited)
            #expect(
                session.json == [
                    "name": "limited", "role": "operator", "applications": ["team-a-*"], "projects": .null,
                    "can": ["sync": true, "refresh": true, "rollback": true, "preview": true],
                ])
        }
    }

    @Test("bad input is 4xx with a message that says what to do, and changes nothing")
    func badInput() async throws {
        try await Self.withTwoApplications { harness async throws in
            let unknown = try await harness.request(.POST, "/api/v1/applications/nope/sync", as: .admin, body: "{}")
            #expect(unknown.status == 404)
            #expect(unknown.json[path: "error", "message"]?.stringValue?.contains("GET /api/v1/applications") == true)
            let cases: [(String, String, String)] = [
                ("sync", "{not json", "not valid JSON"),
                ("sync", "[1]", "must be a JSON object"),
                ("sync", #"{"purne": true}"#, "unknown field \"purne\""),
                ("sync", #"{"prune": "yes"}"#, "\"prune\" must be true or false"),
                ("sync", #"{"revision": "-x"}"#, "not a branch"),
                ("sync", #"{"revision": "no-such-branch"}"#, "automated sync"),
                ("rollback", "{}", "exactly one history entry"),
                ("rollback", #"{"id": 1, "revision": "abcd"}"#, "exactly one history entry"),
                ("rollback", #"{"id": 99}"#, "history entry 99"),
            ]
            for (action, body, expected) in cases {
                let answer = try await harness.request(
                    .POST, "/api/v1/applications/team-a-web/\(action)", as: .admin, body: body)
                #expect(answer.status == 400, "\(action) \(body)")
                #expect(
                    answer.json[path: "error", "message"]?.stringValue?.contains(expected) == true, "\(answer.text)")
            }
            let route = try await harness.request(.GET, "/api/v1/applicatons", as: .viewer)
            #expect(route.status == 404)
            #expect(route.json[path: "error", "message"]?.stringValue?.contains("docs/openapi.yaml") == true)
            let filter = try await harness.request(.GET, "/api/v1/applications?name=%7Ba", as: .viewer)
            #expect(filter.status == 400)
            #expect(await harness.controller.status(of: "team-a-web")?.history.count == 1)
            await harness.controller.assign(.member("this-replica", of: ["another-replica"]))
            let elsewhere = try await harness.request(
                .POST, "/api/v1/applications/team-a-web/sync", as: .admin, body: "{}")
            #expect(elsewhere.status == 409)
            #expect(elsewhere.json[path: "error", "message"]?.stringValue?.contains("another replica") == true)
        }
    }

    /// The names `GET /api/v1/applications?query` lists to a viewer.
    static func names(_ harness: ServerHarness, _ query: String) async throws -> [String] {
        try await harness.request(.GET, "/api/v1/applications?\(query)", as: .viewer)
            .json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test("list filters: sync, health and a name glob")
    func filters() async throws {
        try await Self.withTwoApplications { harness async throws in
            #expect(try await Self.names(harness, "sync=Synced") == ["team-a-web", "team-b-web"])
            #expect(try await Self.names(harness, "sync=OutOfSync").isEmpty)
            #expect(try await Self.names(harness, "health=Healthy&name=team-b-*") == ["team-b-web"])
            #expect(try await Self.names(harness, "name=*-a-*") == ["team-a-web"])
        }
    }
}
