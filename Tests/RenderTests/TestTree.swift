import Foundation
import MoorCore
import Render
import Testing

/// A directory tree a test writes into a fresh temporary directory, standing in for a checkout.
struct TestTree {
    /// The tree's root (a directory of its own under the system's temporary directory).
    let root: String

    /// Writes `files` (path relative to the root → content), creating directories on the way.
    init(_ files: [String: String] = [:]) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-render-\(UUID())")
        root = base.path + "/repo"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (path, content) in files { try write(path, content) }
    }

    /// Writes one file.
    func write(_ path: String, _ content: String) throws {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Creates a symlink at `path` pointing to `target` (as written, relative or absolute).
    func symlink(_ path: String, to target: String) throws {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    /// A file beside the tree (outside the checkout), for escape attempts; returns its absolute path.
    func writeOutside(_ name: String, _ content: String) throws -> String {
        let path = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent(name).path
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The text of a file in the tree.
    func read(_ path: String) throws -> String {
        try String(contentsOfFile: "\(root)/\(path)", encoding: .utf8)
    }

    /// Removes the tree and everything beside it.
    func remove() {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: root).deletingLastPathComponent().path)
    }

    /// Renders `options` in this tree.
    func render(
        _ options: RenderOptions = RenderOptions(), configuration: RenderConfiguration = .forTests
    ) async throws(RenderError) -> [ManifestObject] {
        try await Renderer(configuration: configuration).render(directory: root, options: options)
    }

    /// The error rendering `options` fails with; records an issue (and returns `nil`) if it succeeds.
    func renderError(
        _ options: RenderOptions = RenderOptions(), configuration: RenderConfiguration = .forTests,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async -> RenderError? {
        do {
            let objects = try await render(options, configuration: configuration)
            Issue.record(
                "expected the render to fail, it gave \(objects.count) objects", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

extension RenderConfiguration {
    /// Tools from `PATH`, Helm through the library (never a `helm` binary), default limits.
    static let forTests = RenderConfiguration(helm: .library(path: nil))
}

extension [ManifestObject] {
    /// `Kind/name` of each object, in order.
    var names: [String] {
        map { "\($0.object["kind"]?.stringValue ?? "?")/\($0.object[path: "metadata", "name"]?.stringValue ?? "?")" }
    }

    /// `file:line` of each object, in order.
    var locations: [String] { map(\.source.description) }
}
