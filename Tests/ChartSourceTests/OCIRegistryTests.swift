import ChartSource
import Foundation
import MoorTestSupport
import Testing

/// Charts from a real OCI registry: the CNCF distribution registry (Debian's `docker-registry`) on
/// loopback, charts pushed through its HTTP API as Helm pushes them.
@Suite("OCI registries")
struct OCIRegistryTests {
    /// Packages the webapp fixture at each version into a temporary directory and pushes it as `charts/webapp`.
    static func push(_ versions: [String], to registry: OCIRegistryServer) async throws -> [String: String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-push-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var digests: [String: String] = [:]
        for version in versions {
            let package = try await FixtureCharts.package(
                "webapp", version: version, extraValues: "pushed: \"\(version)\"", into: directory)
            digests[version] = try await registry.push(chart: package.path, repository: "charts/webapp", tag: version)
        }
        return digests
    }

    @Test(
        "basic authentication over plain HTTP: a constraint over the tags, then an unchanged tag costs one manifest GET"
    )
    func basicAuthentication() async throws {
        try await OCIRegistryServer.start(username: "ci", password: "registry-secret").stopping { registry in
            let digests = try await Self.push(["1.0.0", "1.3.0", "2.0.0"], to: registry)
            try await HelmRepositoryTests.withCache { cache, _ in
                let credentials = RepositoryCredentials([
                    RepositoryCredential(
                        url: "oci://\(registry.host)/charts", scope: .prefix, username: "ci",
                        password: "registry-secret",
                        insecureOCIForceHTTP: true)
                ])
                let credential = credentials.match("oci://\(registry.host)/charts")
                await #expect {
                    try await cache.fetch(
                        try ChartReference(
                            repoURL: "oci://\(registry.host)/charts", chart: "webapp", targetRevision: "1.0.0",
                            credential: credential))
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .unauthorized && error?.message.contains("needs credentials") == true
                }
                let constrained = try ChartReference(
                    repoURL: "oci://\(registry.host)/charts", chart: "webapp", targetRevision: "^1.0",
                    credential: credential)
                let fetched = try await cache.fetch(constrained, credentials: credentials)
                #expect(fetched.version == "1.3.0")
                #expect(fetched.digest == digests["1.3.0"])
                let values = try String(
                    contentsOfFile: "\(fetched.root)/\(fetched.chartDirectory)/values.yaml", encoding: .utf8)
                #expect(values.contains("pushed: \"1.3.0\""))

                let exact = try ChartReference(
                    repoURL: "oci://\(registry.host)/charts/webapp", chart: "", targetRevision: "1.3.0",
                    credential: credential)
                let before = await cache.statistics
                let again = try await cache.fetch(exact, credentials: credentials)
                let after = await cache.statistics
                #expect(again.digest == fetched.digest)
                #expect(after.requests - before.requests == 1, "one manifest GET, with the authorization kept")
                #expect(after.archiveDownloads == before.archiveDownloads)
            }
        }
    }

    @Test("a TLS registry: its self-signed certificate is refused unless the credential sets insecure")
    func tls() async throws {
        try await OCIRegistryServer.start(tls: true).stopping { registry in
            _ = try await Self.push(["0.9.0"], to: registry)
            try await HelmRepositoryTests.withCache { cache, _ in
                let reference = try ChartReference(
                    repoURL: "oci://\(registry.host)/charts", chart: "webapp", targetRevision: "0.9.0")
                await #expect {
                    try await cache.fetch(reference)
                } throws: { error in
                    let error = error as? ChartSourceError
                    return error?.code == .transport && error?.message.contains("TLS") == true
                }
                let insecure = RepositoryCredentials([
                    RepositoryCredential(url: "oci://\(registry.host)", scope: .prefix, insecure: true)
                ])
                #expect(try await cache.fetch(reference, credentials: insecure).version == "0.9.0")
            }
        }
    }

    @Test("a missing tag names the chart and version")
    func missingTag() async throws {
        try await OCIRegistryServer.start().stopping { registry in
            _ = try await Self.push(["1.0.0"], to: registry)
            try await HelmRepositoryTests.withCache { cache, directory in
                let plain = RepositoryCredentials([
                    RepositoryCredential(url: "oci://\(registry.host)", scope: .prefix, insecureOCIForceHTTP: true)
                ])
                let credential = plain.match("oci://\(registry.host)/charts")
                for (revision, message) in [
                    ("1.0.1", "the manifest of chart webapp 1.0.1 from oci://\(registry.host)/charts/webapp: HTTP 404"),
                    ("~3.1", "has no tag matching \"~3.1\" (it has 1.0.0)"),
                ] {
                    await #expect {
                        try await cache.fetch(
                            try ChartReference(
                                repoURL: "oci://\(registry.host)/charts", chart: "webapp", targetRevision: revision,
                                credential: credential), credentials: plain)
                    } throws: { error in
                        let error = error as? ChartSourceError
                        return error?.code == .notFound && error?.message.contains(message) == true
                    }
                }
                #expect(HelmRepositoryTests.unpacked(directory).isEmpty)
            }
        }
    }
}

extension OCIRegistryTests {
    @Test("token authentication: the token is asked from the registry's realm with the credential, then kept")
    func tokenAuthentication() async throws {
        try await OCIRegistryServer.start(username: "ci", password: "token-secret", tokenAuthentication: true)
            .stopping { registry in
                let digests = try await Self.push(["2.0.0"], to: registry)
                let pushTokens = registry.tokenRequests().count
                try await HelmRepositoryTests.withCache { cache, _ in
                    let credentials = { (password: String) in
                        RepositoryCredentials([
                            RepositoryCredential(
                                url: "oci://\(registry.host)", scope: .prefix, username: "ci", password: password,
                                insecureOCIForceHTTP: true)
                        ])
                    }
                    let reference = try ChartReference(
                        repoURL: "oci://\(registry.host)/charts/webapp", chart: "", targetRevision: "2.0.0",
                        credential: credentials("token-secret").match("oci://\(registry.host)/charts/webapp"))
                    await #expect {
                        try await cache.fetch(reference, credentials: credentials("wrong"))
                    } throws: { error in
                        let error = error as? ChartSourceError
                        return error?.code == .unauthorized && error?.message.contains("registry token") == true
                            && error?.message.contains("wrong") == false
                    }
                    let fetched = try await cache.fetch(reference, credentials: credentials("token-secret"))
                    #expect(fetched.digest == digests["2.0.0"])
                    let before = await cache.statistics
                    _ = try await cache.fetch(reference, credentials: credentials("token-secret"))
                    let after = await cache.statistics
                    #expect(after.requests - before.requests == 1, "the kept token serves the manifest GET")
                    #expect(Array(registry.tokenRequests().dropFirst(pushTokens)) == [401, 200])
                    await #expect(throws: ChartSourceError.self, "a kept token is not lent to another credential") {
                        try await cache.fetch(reference, credentials: credentials("other-tenant"))
                    }
                }
            }
    }

    @Test(
        "an authorization a registry accepted for one credential is never sent for another or for none",
        arguments: [false, true])
    func authorizationStaysWithItsCredential(tokenAuthentication: Bool) async throws {
        try await OCIRegistryServer.start(
            username: "ci", password: "tenant-a-secret", tokenAuthentication: tokenAuthentication
        ).stopping { registry in
            _ = try await Self.push(["1.0.0"], to: registry)
            try await HelmRepositoryTests.withCache { cache, _ in
                let url = "oci://\(registry.host)/charts/webapp"
                let tenantA = RepositoryCredentials([
                    RepositoryCredential(
                        url: url, username: "ci", password: "tenant-a-secret", insecureOCIForceHTTP: true)
                ])
                let reference = try ChartReference(
                    repoURL: url, chart: "", targetRevision: "1.0.0", credential: tenantA.match(url))
                _ = try await cache.fetch(reference, credentials: tenantA)
                let guesses = [
                    RepositoryCredentials(),
                    RepositoryCredentials([
                        RepositoryCredential(url: url, username: "ci", password: "guess", insecureOCIForceHTTP: true)
                    ]),
                ]
                for guess in guesses {
                    await #expect {
                        try await cache.fetch(reference, credentials: guess)
                    } throws: { error in
                        (error as? ChartSourceError)?.code == .unauthorized
                            && !"\(error)".contains("tenant-a-secret")
                    }
                }
                #expect(try await cache.fetch(reference, credentials: tenantA).version == "1.0.0")
            }
        }
    }
}
