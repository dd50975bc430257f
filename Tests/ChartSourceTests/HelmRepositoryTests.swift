import ChartArchive
import ChartSource
import Foundation
import MoorTestSupport
import Testing

/// Charts from a real Helm HTTP repository: nginx on loopback serving `index.yaml` and archives the
/// test packages from the fixture charts.
@Suite("Helm HTTP repositories")
struct HelmRepositoryTests {
    /// A fresh cache directory, removed after `body`.
    static func withCache<T>(_ body: (ChartCache, String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-charts-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(try ChartCache(directory: directory), directory)
    }

    /// The unpacked charts in a cache directory (hidden staging directories excluded).
    static func unpacked(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
    }

    @Test("a constraint picks the highest version; an unchanged repository then costs one 304 and no download")
    func conditional() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let packages = [
                try await FixtureCharts.package("webapp", version: "1.2.0", into: server.root),
                try await FixtureCharts.package(
                    "webapp", version: "1.4.2", extraValues: "picked: yes", into: server.root),
                try await FixtureCharts.package("webapp", version: "2.0.0", into: server.root),
            ]
            try Data(FixtureCharts.index(packages).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await Self.withCache { cache, _ in
                let reference = try ChartReference(repoURL: server.url, chart: "webapp", targetRevision: "^1.2")
                let first = try await cache.fetch(reference)
                #expect(first.version == "1.4.2")
                #expect(first.digest == "sha256:" + packages[1].digest)
                let values = try String(
                    contentsOfFile: "\(first.root)/\(first.chartDirectory)/values.yaml", encoding: .utf8)
                #expect(values.hasSuffix("picked: yes\n"))
                #expect(first.chartDirectory == "webapp")
                let before = await cache.statistics
                #expect(before.archiveDownloads == 1)

                let second = try await cache.fetch(reference)
                #expect(second == first)
                let after = await cache.statistics
                #expect(after.requests - before.requests == 1, "one conditional request for the index")
                #expect(after.archiveDownloads == 1, "no second download")
                #expect(after.bytesReceived == before.bytesReceived, "a 304 has no body")
                #expect(try server.requests().map(\.status) == [200, 200, 304])
            }
        }
    }

    @Test(
        "basic authentication over TLS: refused without a credential, TLS verified unless insecure, fetched with both")
    func authenticatedTLS() async throws {
        try await ChartRepositoryServer.start(username: "ci", password: "chart-secret", tls: true).stopping { server in
            let package = try await FixtureCharts.package("webapp", version: "1.0.0", into: server.root)
            try Data(FixtureCharts.index([package]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await Self.withCache { cache, directory in
                let reference = try ChartReference(repoURL: server.url, chart: "webapp", targetRevision: "1.0.0")
                let verified = RepositoryCredentials([
                    RepositoryCredential(url: server.url, username: "ci", password: "chart-secret")
                ])
                await #expect {
                    try await cache.fetch(reference, credentials: verified)
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .transport && error?.message.contains("TLS") == true
                        && error?.message.contains("chart-secret") == false
                }
                let insecure = { (password: String) in
                    RepositoryCredentials([
                        RepositoryCredential(url: server.url, username: "ci", password: password, insecure: true)
                    ])
                }
                await #expect {
                    try await cache.fetch(reference, credentials: insecure("wrong"))
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .unauthorized && error?.message.contains("were refused") == true
                        && error?.message.contains("wrong") == false
                }
                await #expect {
                    try await cache.fetch(
                        reference,
                        credentials: RepositoryCredentials([
                            RepositoryCredential(url: server.url, insecure: true)
                        ]))
                } throws: { error in
                    (error as? ChartSourceError)?.code == .unauthorized
                }
                #expect(Self.unpacked(directory).isEmpty, "nothing is kept from failed fetches")
                let fetched = try await cache.fetch(reference, credentials: insecure("chart-secret"))
                #expect(fetched.version == "1.0.0")
                #expect(Self.unpacked(directory) == ["sha256-" + package.digest])
            }
        }
    }

    @Test("credentials go only to the repository's origin: an archive elsewhere, or redirected elsewhere, gets none")
    func credentialsStayHome() async throws {
        try await ChartRepositoryServer.start().stopping { elsewhere in
            try await ChartRepositoryServer.start(
                username: "ci", password: "chart-secret", redirectTarget: elsewhere.url
            )
            .stopping { home in
                let redirected = try await FixtureCharts.package("webapp", version: "1.0.0", into: elsewhere.root)
                let absolute = try await FixtureCharts.package("webapp", version: "1.1.0", into: elsewhere.root)
                let index = """
                    apiVersion: v1
                    entries:
                      webapp:
                      - {name: webapp, version: 1.0.0, digest: \(redirected.digest), urls: ["\(home.url)/redirect/\(redirected.fileName)"]}
                      - {name: webapp, version: 1.1.0, digest: \(absolute.digest), urls: ["\(elsewhere.url)/\(absolute.fileName)"]}

                    """
                try Data(index.utf8).write(to: URL(fileURLWithPath: home.root + "/index.yaml"))
                try await Self.withCache { cache, _ in
                    let credentials = RepositoryCredentials([
                        RepositoryCredential(url: home.url, username: "ci", password: "chart-secret")
                    ])
                    for version in ["1.0.0", "1.1.0"] {
                        let reference = try ChartReference(repoURL: home.url, chart: "webapp", targetRevision: version)
                        #expect(try await cache.fetch(reference, credentials: credentials).version == version)
                    }
                }
                let homeRequests = try home.requests()
                #expect(
                    homeRequests.map(\.line) == [
                        "GET /index.yaml", "GET /redirect/webapp-1.0.0.tgz", "GET /index.yaml",
                    ])
                #expect(homeRequests.allSatisfy { $0.authorized })
                let away = try elsewhere.requests()
                #expect(away.map(\.line) == ["GET /webapp-1.0.0.tgz", "GET /webapp-1.1.0.tgz"])
                #expect(away.allSatisfy { !$0.authorized }, "no credential reaches another origin")
            }
        }
    }

    @Test("an archive that is not what the index promises, or not a safe chart, is refused and nothing is kept")
    func refusedArchives() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let genuine = try await FixtureCharts.package("webapp", version: "1.0.0", into: server.root)
            var tampered = genuine
            tampered.digest = String(repeating: "ab", count: 32)
            let hostile = try await FixtureCharts.linkArchive(into: server.root)
            try Data(FixtureCharts.index([tampered]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await Self.withCache { cache, directory in
                await #expect {
                    try await cache.fetch(
                        try ChartReference(repoURL: server.url, chart: "webapp", targetRevision: "1.0.0"))
                } throws: { error in
                    (error as? ChartSourceError)?.code == .digestMismatch
                }
                try Data(FixtureCharts.index([hostile], digests: false).utf8)
                    .write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
                await #expect {
                    try await cache.fetch(try ChartReference(repoURL: server.url, chart: "evil", targetRevision: "*"))
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .archive && error?.message.contains("templates/passwd.yaml") == true
                }
                await #expect {
                    try await cache.fetch(try ChartReference(repoURL: server.url, chart: "evil", targetRevision: "2.x"))
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .notFound
                        && error?.message.contains("no version matching \"2.x\" (it has 1.0.0)") == true
                }
                #expect(Self.unpacked(directory).isEmpty)
                #expect(
                    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).isEmpty, "no staging left"
                )
            }
        }
    }

    @Test("a decompression bomb stops at the uncompressed limit, and an archive over the compressed limit is not read")
    func bomb() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let bomb = try await FixtureCharts.bombArchive(megabytes: 64, into: server.root)
            try Data(FixtureCharts.index([bomb]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bomb-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let reference = try ChartReference(repoURL: server.url, chart: "bomb", targetRevision: "1.0.0")
            for (limits, message) in [
                (ChartArchive.Limits(maxUncompressedBytes: 8 << 20), "8388608"),
                (ChartArchive.Limits(maxCompressedBytes: 4096), "larger than the limit of 4096 bytes"),
            ] {
                let cache = try ChartCache(directory: directory, limits: limits)
                await #expect {
                    try await cache.fetch(reference)
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .archive && error?.message.contains(message) == true
                }
                #expect(Self.unpacked(directory).isEmpty)
            }
        }
    }
}
