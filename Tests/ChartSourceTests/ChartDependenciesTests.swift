import Foundation
import MoorCore
import MoorTestSupport
import Render
import Testing

@testable import ChartSource

/// `Chart.yaml` dependencies fetched as `helm dependency build` fetches them: the fixture chart
/// `platform` (an aliased dependency from a Helm repository, one from an OCI registry, a
/// `Chart.lock`) with its `charts/` removed, its dependencies served by nginx and the distribution
/// registry on loopback, rendered and compared object by object with the vendored original.
@Suite("Chart dependencies")
struct ChartDependenciesTests {
    typealias Dependency = ChartDependencies.Dependency

    @Test("the lock's versions win; present and repeated (aliased) dependencies are fetched once or not at all")
    func plan() throws {
        let chart = [
            Dependency(name: "redis", version: "18.1.x", repository: "https://charts.example.com"),
            Dependency(name: "redis", version: "18.1.x", repository: "https://charts.example.com"),
            Dependency(name: "exporter", version: "~0.3.0", repository: "oci://registry.example.com/charts"),
            Dependency(name: "common", version: "2.x", repository: "https://charts.example.com"),
        ]
        let lock = [
            Dependency(name: "redis", version: "18.1.5", repository: "https://charts.example.com"),
            Dependency(name: "exporter", version: "0.3.1", repository: "oci://registry.example.com/charts"),
            Dependency(name: "common", version: "2.4.0", repository: "https://charts.example.com"),
        ]
        let fetches = try ChartDependencies.plan(chart: chart, lock: lock) { $0.name == "common" }
        #expect(fetches.map { "\($0.dependency.name) \($0.version)" } == ["redis 18.1.5", "exporter 0.3.1"])
        #expect(
            try ChartDependencies.plan(chart: chart, lock: nil) { _ in false }.map(\.version) == [
                "18.1.x", "~0.3.0", "2.x",
            ])
        #expect {
            try ChartDependencies.plan(chart: chart, lock: Array(lock.prefix(1))) { _ in false }
        } throws: { error in
            (error as? ChartSourceError)?.message.hasPrefix(
                "Chart.lock is out of sync with Chart.yaml: it has no entry for dependency exporter") == true
        }
    }

    /// A `Chart.yaml` whose `Chart.lock` Helm 4.2.3's own `helm dependency update` (the Helm SDK)
    /// wrote, exercising every field the digest covers: `<`, `>` and `&` that Go escapes, an
    /// `import-values` map whose keys Go sorts, `enabled`, `alias`, `condition` and `tags`.
    static let helmChart = """
        apiVersion: v2
        name: parent
        version: 1.0.0
        dependencies:
          - name: sub
            version: ">=0.1.0 <1.0.0"
            repository: file://../sub
            condition: sub.enabled
            tags: [backend, "a&b"]
            import-values:
              - data
              - parent: config
                child: exports.config
          - name: other
            alias: extra
            version: 1.2.*
            repository: "file://../other"
            enabled: true

        """
    /// The `Chart.lock` Helm wrote for ``helmChart``.
    static let helmLock = """
        dependencies:
        - name: sub
          repository: file://../sub
          version: 0.3.1
        - name: other
          repository: file://../other
          version: 1.2.0
        digest: sha256:124e7aa3fbc92917503acc50169399e52e116350f5d82562faf9fa95ddfd2d98
        generated: "2026-12-03T05:47:47.100220934Z"

        """

    /// The digest a lock records.
    static func recordedDigest(_ lock: String) -> String? {
        lock.split(separator: "\n").first { $0.hasPrefix("digest: ") }.map { String($0.dropFirst("digest: ".count)) }
    }

    @Test(
        "Chart.lock's digest is Helm's: for a lock Helm wrote, for the platform fixture's, and for a chart with depends-on"
    )
    func digest() throws {
        #expect(
            try ChartDependencies.lockDigest(chartYAML: Self.helmChart, lockYAML: Self.helmLock)
                == Self.recordedDigest(Self.helmLock))
        // Helm's own `helm dependency build` accepts this lock (and refused the placeholder it had).
        let platform = try FixtureCharts.files("platform", under: "platform")
        let platformLock = try #require(platform["platform/Chart.lock"])
        #expect(
            try ChartDependencies.lockDigest(
                chartYAML: #require(platform["platform/Chart.yaml"]), lockYAML: platformLock)
                == Self.recordedDigest(platformLock))
        // Helm 4.2.3 wrote this digest for the chart below: `depends-on` is not part of it.
        let dependsOn =
            "apiVersion: v2\nname: p3\nversion: 1.0.0\ndependencies:\n"
            + "- {name: sub, version: 0.3.1, repository: \"file://../sub\", depends-on: [x]}\n"
        let dependsOnLock = "dependencies:\n- {name: sub, repository: \"file://../sub\", version: 0.3.1}\n"
        #expect(
            try ChartDependencies.lockDigest(chartYAML: dependsOn, lockYAML: dependsOnLock)
                == "sha256:d3ea925fc2ea24352c927328e159f615030d1d65194ed2a3eae7acc40189ac59")
    }

    @Test(
        "a repository named @name counts as the named repository's URL in the digest and the lock's entries, as Helm writes them"
    )
    func namedRepositoryLock() throws {
        let chart = { (repository: String) in
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
                + "- {name: redis, version: 18.1.x, repository: \"\(repository)\"}\n"
        }
        let lock = "dependencies:\n- {name: redis, repository: \"https://charts.example.com\", version: 18.1.5}\n"
        let byURL = try ChartDependencies.lockDigest(chartYAML: chart("https://charts.example.com"), lockYAML: lock)
        let named = try ChartDependencies.lockDigest(chartYAML: chart("@stable"), lockYAML: lock) {
            $0 == "stable" ? "https://charts.example.com" : nil
        }
        #expect(named == byURL)
        #expect(try ChartDependencies.lockDigest(chartYAML: chart("@stable"), lockYAML: lock) != byURL)

        let declared = [Dependency(name: "redis", version: "18.1.x", repository: "@stable")]
        let locked = [Dependency(name: "redis", version: "18.1.5", repository: "https://charts.example.com")]
        let fetches = try ChartDependencies.plan(
            chart: declared, lock: locked, repositoryURL: { $0 == "stable" ? "https://charts.example.com" : nil },
            present: { _ in false })
        #expect(fetches.map(\.version) == ["18.1.5"])
        #expect(throws: ChartSourceError.self) {
            try ChartDependencies.plan(chart: declared, lock: locked) { _ in false }
        }
    }

    @Test(
        "a Chart.lock Helm wrote is honoured; once Chart.yaml changes, it is refused naming the chart and nothing is written"
    )
    func staleLock() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("moor-lockdigest-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (path, text) in [
            "sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.3.1\n",
            "other/Chart.yaml": "apiVersion: v2\nname: other\nversion: 1.2.0\n",
            "parent/Chart.yaml": Self.helmChart, "parent/Chart.lock": Self.helmLock,
        ] {
            try Self.write(path, text, under: root)
        }
        try await HelmRepositoryTests.withCache { cache, _ in
            let vendor = { () async throws -> [String] in
                try await ChartDependencies.vendor(
                    chart: root + "/parent", root: root, cache: cache, credentials: RepositoryCredentials())
            }
            #expect(try await vendor() == ["sub 0.3.1", "other 1.2.0"])
            try FileManager.default.removeItem(atPath: root + "/parent/charts")
            // Still satisfied by the locked versions: only the digest tells the lock is stale.
            try Self.write(
                "parent/Chart.yaml", Self.helmChart.replacingOccurrences(of: "sub.enabled", with: "sub.on"), under: root
            )
            await #expect {
                try await vendor()
            } throws: { error in
                let message = (error as? ChartSourceError)?.message ?? ""
                return message.hasPrefix("the Chart.lock of chart parent is out of sync with its Chart.yaml")
                    && message.contains("run `helm dependency update`")
            }
            #expect(!FileManager.default.fileExists(atPath: root + "/parent/charts"), "nothing written")
        }
    }

    /// Writes `text` to `path` under `root`, creating its directories.
    static func write(_ path: String, _ text: String, under root: String) throws {
        let file = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
    }

    /// The platform fixture without `charts/`, in `root/platform`, its repositories pointed at the
    /// servers; with `lock` false, without its `Chart.lock`.
    static func writePlatform(root: String, repository: String, registry: String, lock: Bool) throws {
        for (path, text) in try FixtureCharts.files("platform", under: "platform") where !path.contains("/charts/") {
            if path.hasSuffix("Chart.lock") && !lock { continue }
            let rewritten = text.replacingOccurrences(of: "https://charts.example.com/stable", with: repository)
                .replacingOccurrences(of: "oci://registry.example.com/charts", with: "oci://\(registry)/charts")
            try Self.write(path, rewritten, under: root)
        }
        guard lock else { return }
        // The lock's digest covers the repositories, so the moved lock is locked again, as
        // `helm dependency update` would lock it.
        let chartYAML = try String(contentsOfFile: root + "/platform/Chart.yaml", encoding: .utf8)
        let lockFile = root + "/platform/Chart.lock"
        let lockYAML = try String(contentsOfFile: lockFile, encoding: .utf8)
        let digest = try ChartDependencies.lockDigest(chartYAML: chartYAML, lockYAML: lockYAML)
        let relocked = lockYAML.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("digest:") ? "digest: \(digest)" : String($0) }.joined(separator: "\n")
        try Data(relocked.utf8).write(to: URL(fileURLWithPath: lockFile))
    }

    static func render(_ root: String) async throws -> [JSONValue] {
        let options = RenderOptions(path: "platform", source: .helm(HelmOptions(releaseName: "platform")))
        return try await Renderer().render(directory: root, options: options).map(\.object)
    }

    @Test(
        "dependencies from a Helm repository and an OCI registry: as locked, or the highest match, rendering as vendored"
    )
    func fetched() async throws {
        try await ChartRepositoryServer.start().stopping { repository in
            try await OCIRegistryServer.start().stopping { registry in
                _ = try await FixtureCharts.package("platform/charts/redis", version: "18.1.5", into: repository.root)
                let newer = try await FixtureCharts.package(
                    "platform/charts/redis", version: "18.1.9", replacing: [("redis:7", "redis:8")],
                    into: repository.root)
                let locked = try await FixtureCharts.package(
                    "platform/charts/redis", version: "18.1.5", into: repository.root)
                try Data(FixtureCharts.index([locked, newer]).utf8)
                    .write(to: URL(fileURLWithPath: repository.root + "/index.yaml"))
                let staging = FileManager.default.temporaryDirectory.appendingPathComponent("moor-deps-\(UUID())").path
                try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: staging) }
                for version in ["0.3.1", "0.3.4"] {
                    let package = try await FixtureCharts.package(
                        "platform/charts/exporter", version: version, into: staging)
                    try await registry.push(chart: package.path, repository: "charts/exporter", tag: version)
                }
                let credentials = RepositoryCredentials([
                    RepositoryCredential(url: "oci://\(registry.host)", scope: .prefix, insecureOCIForceHTTP: true)
                ])
                try await HelmRepositoryTests.withCache { cache, _ in
                    let vendored = FixtureCharts.directory.path
                    let expected = try await Self.render(vendored)

                    let withLock = staging + "/locked"
                    try Self.writePlatform(
                        root: withLock, repository: repository.url, registry: registry.host, lock: true)
                    let added = try await ChartDependencies.vendor(
                        chart: withLock + "/platform", root: withLock, cache: cache, credentials: credentials)
                    #expect(added == ["redis 18.1.5", "exporter 0.3.1"])
                    #expect(try await Self.render(withLock) == expected, "renders as the vendored chart")
                    #expect(
                        try await ChartDependencies.vendor(
                            chart: withLock + "/platform", root: withLock, cache: cache, credentials: credentials
                        ).isEmpty, "vendored dependencies stay")

                    let unlocked = staging + "/unlocked"
                    try Self.writePlatform(
                        root: unlocked, repository: repository.url, registry: registry.host, lock: false)
                    #expect(
                        try await ChartDependencies.vendor(
                            chart: unlocked + "/platform", root: unlocked, cache: cache, credentials: credentials)
                            == ["redis 18.1.9", "exporter 0.3.4"])
                    let images = try await Self.render(unlocked).compactMap {
                        $0[path: "spec", "template", "spec", "containers"]?[0]?["image"]?.stringValue
                    }
                    #expect(images.contains("registry.local/redis:8"))
                }
            }
        }
    }

    @Test("a file:// dependency is copied from inside the repository; one that leaves it, or is missing, is refused")
    func fileDependencies() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("moor-filedeps-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let write = { (path: String, text: String) in try Self.write(path, text, under: root) }
        try write("libs/common/Chart.yaml", "apiVersion: v2\nname: common\nversion: 1.0.0\n")
        let chart = { (repository: String) in
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- {name: common, version: 1.0.0, repository: \"\(repository)\"}\n"
        }
        try await HelmRepositoryTests.withCache { cache, _ in
            try write("apps/app/Chart.yaml", chart("file://../../libs/common"))
            #expect(
                try await ChartDependencies.vendor(
                    chart: root + "/apps/app", root: root, cache: cache, credentials: RepositoryCredentials())
                    == ["common 1.0.0"])
            #expect(FileManager.default.fileExists(atPath: root + "/apps/app/charts/common/Chart.yaml"))
            for (repository, message) in [
                ("file://../../../etc", "leaves the repository"), ("file://../nothing", "holds no Chart.yaml"),
                ("", "has no repository and is not in charts/"),
                ("@missing", "no Helm repository credential is called missing"),
            ] {
                try? FileManager.default.removeItem(atPath: root + "/apps/app/charts")
                try write("apps/app/Chart.yaml", chart(repository))
                await #expect {
                    try await ChartDependencies.vendor(
                        chart: root + "/apps/app", root: root, cache: cache, credentials: RepositoryCredentials())
                } throws: { error in
                    (error as? ChartSourceError)?.message.contains(message) == true
                }
                #expect(!FileManager.default.fileExists(atPath: root + "/apps/app/charts"), "nothing written")
            }
        }
    }
}
