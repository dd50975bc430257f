import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Server

/// The web UI's files as the server serves them: types, caching, and nothing outside the UI folder.
@Suite struct StaticFilesTests {
    /// Runs `body` against a router holding only the UI's routes.
    private func withUI(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router()
        try StaticFiles.register(on: router)
        try await Application(router: router).test(.router) { client in try await body(client) }
    }

    @Test func pageIsServedAtTheRootWithAStrictContentSecurityPolicy() async throws {
        try await withUI { client in
            for uri in ["/", "/ui", "/ui/index.html"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(String(buffer: response.body).contains(#"<script type="module" src="/ui/js/main.js">"#))
            }
        }
    }

    @Test(arguments: [
        ("/ui/style.css", "text/css; charset=utf-8"), ("/ui/js/main.js", "text/javascript; charset=utf-8"),
    ])
    func assetsHaveTheirContentType(uri: String, type: String) async throws {
        try await withUI { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == type)
            #expect(response.headers[.cacheControl] == "no-cache")
            #expect(response.headers[.contentSecurityPolicy] == nil)
        }
    }

    @Test func unchangedFileIsAnswered304ForItsETag() async throws {
        try await withUI { client in
            let first = try await client.execute(uri: "/ui/style.css", method: .get)
            let eTag = try #require(first.headers[.eTag])
            let again = try await client.execute(uri: "/ui/style.css", method: .get, headers: [.ifNoneMatch: eTag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let other = try await client.execute(uri: "/ui/style.css", method: .get, headers: [.ifNoneMatch: "\"x\""])
            #expect(other.status == .ok)
        }
    }

    @Test(arguments: [
        "/ui/../Package.swift", "/ui/js/../../StaticFiles.swift", "/ui/%2e%2e/StaticFiles.swift",
        "/ui/..%2fStaticFiles.swift", "/ui//etc/passwd", "/ui/js", "/ui/missing.js", "/index.html",
    ])
    func nothingOutsideTheUIFilesIsServed(uri: String) async throws {
        try await withUI { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .notFound, "\(uri)")
        }
    }

    /// Every script, style sheet and module import the UI names exists, so the page never loads half.
    @Test func everyFileTheUIReferencesIsServed() async throws {
        let files = try StaticFiles.bundled()
        var references: Set<String> = []
        for (path, file) in files.files where path.hasSuffix(".html") || path.hasSuffix(".js") {
            let text = String(buffer: file.body)
            let directory = (path as NSString).deletingLastPathComponent
            for match in text.matches(of: /(?:src|href)="\/ui\/([^"]+)"/) { references.insert(String(match.1)) }
            for match in text.matches(of: /from "\.\/([^"]+)"/) {
                references.insert(directory.isEmpty ? String(match.1) : "\(directory)/\(match.1)")
            }
        }
        #expect(references.count > 5)
        let referenced = references
        try await withUI { client in
            for reference in referenced {
                let response = try await client.execute(uri: "/ui/\(reference)", method: .get)
                #expect(response.status == .ok, "\(reference)")
            }
        }
    }
}
