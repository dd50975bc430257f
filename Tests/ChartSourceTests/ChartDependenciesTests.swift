import ChartSource
import Foundation
import MoorCore
import MoorTestSupport
import Render
import Testing

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
            try ChartDependencies.plan(chart: chart, lock: nil) { _ in false }.map(\.version) == ["18.1.x", "~0.3.0", "2.x"])
        #expect {
            try ChartDependencies.plan(chart: chart, lock: Array(lock.prefix(1))) { _ in false }
        } throws: { error in
            (error as? ChartSourceError)?.message.hasPrefix(
                "Chart.lock is out of sync with Chart.yaml: it has no entry for dependency exporter") == true
        }
    }

    /// The platform fixture without `charts/`, in `root/platform`, its repositories pointed at the
    /// servers; with `lock` false, without its `Chart.lock`.
    static func writePlatform(root: String, repository: String, registry: String, lock: Bool) throws {
        for (path, text) in try FixtureCharts.files("platform", under: "platform") where !path.contains("/charts/") {
            if path.hasSuffix("Chart.lock") && !lock { continue }
            let rewritten = text.replacingOccurrences(of: "https://charts.example.com/stable", with: repository)
                .replacingOccurrences(of: "oci://registry.example.com/charts", with: "oci://\(registry)/charts")
            let file = URL(fileURLWithPath: "\(root)/\(path)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(rewritten.utf8).write(to: file)
        }
    }

    static func render(_ root: String) async throws -> [JSONValue] {
        let options = RenderOptions(path: "platform", source: .helm(HelmOptions(releaseName: "platform")))
        return try await Renderer().render(directory: root, options: options).map(\.object)
    }

    @Test("dependencies from a Helm repository and an OCI registry: as locked, or the highest match, rendering as vendored")
    func fetched() async throws {
        try await ChartRepositoryServer.start().stopping { repository in
            try await OCIRegistryServer.start().stopping { registry in
                _ = try await FixtureCharts.package("platform/charts/redis", version: "18.1.5", into: repository.root)
                let newer = try await FixtureCharts.package(
                    "platform/charts/redis", version: "18.1.9", replacing: [("redis:7", "redis:8")], into: repository.root)
                let locked = try await FixtureCharts.package("platform/charts/redis", version: "18.1.5", into: repository.root)
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
                    try Self.writePlatform(root: withLock, repository: repository.url, registry: registry.host, lock: true)
                    let added = try await ChartDependencies.vendor(
                        chart: withLock + "/platform", root: withLock, cache: cache, credentials: credentials)
                    #expect(added == ["redis 18.1.5", "exporter 0.3.1"])
                    #expect(try await Self.render(withLock) == expected, "renders as the vendored chart")
                    #expect(
                        try await ChartDependencies.vendor(
                            chart: withLock + "/platform", root: withLock, cache: cache, credentials: credentials
                        ).isEmpty, "vendored dependencies stay")

                    let unlocked = staging + "/unlocked"
                    try Self.writePlatform(root: unlocked, repository: repository.url, registry: registry.host, lock: false)
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
        let write = { (path: String, text: String) in
            let file = URL(fileURLWithPath: "\(root)/\(path)")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
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
