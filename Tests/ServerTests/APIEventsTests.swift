import AsyncHTTPClient
import Controller
import Foundation
import MoorCore
import NIOCore
import Server
import Testing

@Suite("API event stream (server-sent events)", .serialized)
struct APIEventsTests {
    @Test("a status change arrives as an event, filtered by the token's globs, with keep-alives")
    func statusChanges() async throws {
        let configure: @Sendable (inout MoorServer.Configuration, URL) -> Void = { configuration, _ in
            configuration.keepAliveInterval = .milliseconds(300)
        }
        try await ServerHarness.run(configure: configure) { harness async throws in
            try await harness.repository.commit(
                "apps",
                files: [
                    "team-a-events/cm.yaml": ServerHarness.configMap("a", "1"),
                    "team-b-events/cm.yaml": ServerHarness.configMap("b", "1"),
                ])
            var request = HTTPClientRequest(url: harness.baseURL + "/api/v1/events")
            request.headers.add(name: "Authorization", value: "Bearer \(ServerHarness.Holder.limited.token)")
            let response = try await harness.http.execute(request, timeout: ServerHarness.patience)
            #expect(response.status.code == 200)
            #expect(response.headers["Content-Type"].first == "text/event-stream")
            try await harness.manageSynced(["team-b-events", "team-a-events"])

            // Chunks may end inside an event: only the events a blank line has ended count.
            var text = ""
            var events: [String] = []
            var summaries: [JSONValue] = []
            for try await chunk in response.body {
                text += String(buffer: chunk)
                events = text.components(separatedBy: "\n\n").dropLast().filter { $0.hasPrefix("event: application\n") }
                summaries = events.compactMap { event in
                    try? JSONValue(parsing: Array(event.dropFirst("event: application\ndata: ".count).utf8))
                }
                if summaries.contains(where: { $0[path: "sync", "status"] == "Synced" }), text.contains(": keep-alive")
                {
                    break
                }
            }
            #expect(!summaries.isEmpty && summaries.count == events.count)
            #expect(summaries.allSatisfy { $0["name"] == "team-a-events" })
            #expect(summaries.contains { $0[path: "sync", "status"] == "Synced" })
            #expect(!text.contains("team-b-events"))
        }
    }

    @Test("the event stream needs a token")
    func needsToken() async throws {
        try await ServerHarness.run { harness async throws in
            #expect(try await harness.request(.GET, "/api/v1/events").status == 401)
        }
    }
}
