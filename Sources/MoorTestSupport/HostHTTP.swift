/// Plain HTTP requests from the test host, as a user's `curl` makes them (to a Pod's address, say).
package enum HostHTTP {
    /// The body `GET url` answers with, through the real `curl`; throws when curl fails or the answer is
    /// not a 2xx (within 10 s).
    package static func get(_ url: String) async throws -> String {
        try await GitTestTool.run("curl", ["-sS", "--fail", "--max-time", "10", url])
    }
}
