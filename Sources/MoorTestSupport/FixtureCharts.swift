public import Foundation

/// The Helm charts of `Tests/RenderTests/Charts`, written the way public charts are, for tests
/// that commit one to a repository.
public enum FixtureCharts {
    /// The directory holding the charts.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Tests/RenderTests/Charts").standardized

    /// The files of chart `name` (path → text), each path under `prefix` (e.g. `app/Chart.yaml`).
    public static func files(_ name: String, under prefix: String) throws -> [String: String] {
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
