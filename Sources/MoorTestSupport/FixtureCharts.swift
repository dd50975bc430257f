package import Foundation

/// The Helm charts of `Tests/RenderTests/Charts`, written the way public charts are, for tests
/// that commit one to a repository.
package enum FixtureCharts {
    /// The directory holding the charts.
    package static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/RenderTests/Charts").standardized

    /// The files of chart `name` (path → text), each path under `prefix` (e.g. `app/Chart.yaml`).
    package static func files(_ name: String, under prefix: String) throws -> [String: String] {
        let base = directory.appendingPathComponent(name).path
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: base)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(base)/\(relative)", isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            files["\(prefix)/\(relative)"] = try String(contentsOfFile: "\(base)/\(relative)", encoding: .utf8)
        }
        return files
    }
}

extension FixtureCharts {
    /// A packaged chart: the archive's path and SHA-256 (hex).
    package struct Package: Sendable {
        /// The `.tgz` file.
        package var path: String
        /// Its file name.
        package var fileName: String
        /// The chart's name and version.
        package var name: String, version: String
        /// The archive's SHA-256, lowercase hex.
        package var digest: String

        /// Describes a package.
        package init(path: String, fileName: String, name: String, version: String, digest: String) {
            self.path = path
            self.fileName = fileName
            self.name = name
            self.version = version
            self.digest = digest
        }
    }

    /// Packages fixture chart `chart` (a directory of the fixtures, e.g. `webapp` or
    /// `platform/charts/redis`) as `helm package` does (`NAME/…` inside `NAME-VERSION.tgz`, made with
    /// `tar`), its `Chart.yaml` version set to `version`, `values.yaml` extended with `extraValues` and
    /// each of `replacing` applied to every file (to tell versions apart), into `directory`.
    package static func package(
        _ chart: String, version: String, extraValues: String = "", replacing: [(String, String)] = [],
        into directory: String
    ) async throws -> Package {
        let name = String(chart.split(separator: "/").last ?? Substring(chart))
        let staging = try GitTestTool.temporaryDirectory("package")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        for (path, text) in try files(chart, under: name) {
            var contents = replacing.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
            if path == "\(name)/Chart.yaml" {
                contents = contents.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix("version:") ? "version: \(version)" : String($0) }.joined(separator: "\n")
            }
            if path == "\(name)/values.yaml" { contents += "\n" + extraValues + "\n" }
            let file = URL(fileURLWithPath: "\(staging)/\(path)")
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: file)
        }
        let fileName = "\(name)-\(version).tgz"
        let archive = "\(directory)/\(fileName)"
        try await GitTestTool.run("tar", ["-czf", archive, "-C", staging, name])
        let hash = try await GitTestTool.run("sha256sum", [archive])
        return Package(
            path: archive, fileName: fileName, name: name, version: version, digest: String(hash.prefix { $0 != " " }))
    }

    /// A Helm repository `index.yaml` listing `packages` (relative URLs unless `baseURL` is given; with
    /// `digests` false the entries record no digest).
    package static func index(_ packages: [Package], baseURL: String? = nil, digests: Bool = true) -> String {
        var text = "apiVersion: v1\nentries:\n"
        for (name, versions) in Dictionary(grouping: packages, by: \.name).sorted(by: { $0.key < $1.key }) {
            text += "  \(name):\n"
            for package in versions {
                let url = baseURL.map { "\($0)/\(package.fileName)" } ?? package.fileName
                text += "  - name: \(name)\n    version: \"\(package.version)\"\n    urls: [\"\(url)\"]\n"
                if digests { text += "    digest: \(package.digest)\n" }
                text += "    apiVersion: v2\n"
            }
        }
        return text + "generated: \"2026-12-02T00:00:00Z\"\n"
    }
}

extension FixtureCharts {
    /// A chart archive `evil-1.0.0.tgz` in `directory` that a safe unpacker refuses: beside a valid
    /// ConfigMap template (`evil`), `templates/passwd.yaml` is a symlink to `/etc/passwd`.
    package static func linkArchive(into directory: String) async throws -> Package {
        let staging = try GitTestTool.temporaryDirectory("hostile")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try FileManager.default.createDirectory(atPath: staging + "/evil/templates", withIntermediateDirectories: true)
        try Data("apiVersion: v2\nname: evil\nversion: 1.0.0\n".utf8)
            .write(to: URL(fileURLWithPath: staging + "/evil/Chart.yaml"))
        try Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: evil}\ndata: {a: b}\n".utf8)
            .write(to: URL(fileURLWithPath: staging + "/evil/templates/configmap.yaml"))
        try FileManager.default.createSymbolicLink(
            atPath: staging + "/evil/templates/passwd.yaml", withDestinationPath: "/etc/passwd")
        return try await archive(staging, top: "evil", into: directory)
    }

    /// A decompression bomb `bomb-1.0.0.tgz` in `directory`: a chart whose one file is `megabytes` MiB
    /// of zeros, which gzip shrinks about a thousandfold.
    package static func bombArchive(megabytes: Int, into directory: String) async throws -> Package {
        let staging = try GitTestTool.temporaryDirectory("bomb")
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try FileManager.default.createDirectory(atPath: staging + "/bomb/templates", withIntermediateDirectories: true)
        try Data("apiVersion: v2\nname: bomb\nversion: 1.0.0\n".utf8)
            .write(to: URL(fileURLWithPath: staging + "/bomb/Chart.yaml"))
        try await GitTestTool.run(
            "truncate", ["-s", "\(megabytes)M", staging + "/bomb/templates/zeros.yaml"])
        return try await archive(staging, top: "bomb", into: directory)
    }

    /// `top` (a directory in `staging`) as `top-1.0.0.tgz` in `directory`.
    private static func archive(_ staging: String, top: String, into directory: String) async throws -> Package {
        let fileName = "\(top)-1.0.0.tgz"
        try await GitTestTool.run("tar", ["-czf", "\(directory)/\(fileName)", "-C", staging, top])
        let hash = try await GitTestTool.run("sha256sum", ["\(directory)/\(fileName)"])
        return Package(
            path: "\(directory)/\(fileName)", fileName: fileName, name: top, version: "1.0.0",
            digest: String(hash.prefix { $0 != " " }))
    }
}
